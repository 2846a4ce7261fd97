//! The agency's side of the government channel: offices and their officers, needs and budget
//! lines, kinds of work, procurement settings, rotation appeals.
//!
//! Each use case takes what the form parsed, stores it in one audited transaction, and answers
//! with the result or, where a rule of the stored data refuses it (a code another office has, a
//! budget line in use), with the form's messages or a typed refusal. The words of those
//! messages are composed here, never in `db`.

use std::collections::BTreeMap;

use super::{AppError, AppResult};
use crate::db::directory::{self, BudgetLine, BudgetLineFields, CategoryFields, NeedInput};
use crate::db::gov_settings::{self, ProcurementSettings};
use crate::db::{self, Db, DbError, constraint, gov_stats};
use crate::domain::Refusal;
use crate::domain::audit::Who;
use crate::domain::procurement::office::Office;
use crate::domain::user::FieldErrors;

/// A use case's answer when the stored data refuses the form: its fields' messages.
pub type Checked<T> = Result<T, FieldErrors>;

const CODE_TAKEN: &str = "Kode ini sudah dipakai OPD lain.";
const NAME_TAKEN: &str = "OPD dengan nama ini sudah ada.";
const LINE_TAKEN: &str = "Kode rekening ini sudah dicatat untuk OPD ini pada tahun yang sama.";
const CATEGORY_TAKEN: &str = "Jenis pekerjaan dengan nama ini sudah ada.";

/// The messages for an office whose code or name another office (not `id`) already has.
async fn office_taken(db: &Db, office: &Office, id: Option<i64>) -> AppResult<FieldErrors> {
    let others = directory::offices(db).await?;
    let mut errors = FieldErrors::new();
    if others
        .iter()
        .any(|o| Some(o.id) != id && o.code == office.code)
    {
        errors.push(("code", CODE_TAKEN.into()));
    }
    if others
        .iter()
        .any(|o| Some(o.id) != id && o.name.to_lowercase() == office.name.to_lowercase())
    {
        errors.push(("name", NAME_TAKEN.into()));
    }
    Ok(errors)
}

/// A uniqueness conflict the storage reports for an office (the other side of a race with
/// [`office_taken`]) as the form's message.
fn office_conflict(e: DbError) -> AppResult<FieldErrors> {
    if e.is_conflict(constraint::OFFICES_CODE) {
        Ok(vec![("code", CODE_TAKEN.into())])
    } else if e.is_conflict(constraint::OFFICES_NAME) {
        Ok(vec![("name", NAME_TAKEN.into())])
    } else {
        Err(e.into())
    }
}

/// Registers an office; its id, or the messages when its code or name is taken.
pub async fn register_office(db: &Db, office: &Office, who: Who<'_>) -> AppResult<Checked<i64>> {
    let taken = office_taken(db, office, None).await?;
    if !taken.is_empty() {
        return Ok(Err(taken));
    }
    let mut tx = db.begin().await?;
    match directory::register_office(&mut tx, office, who).await {
        Ok(id) => {
            db::commit(tx).await?;
            Ok(Ok(id))
        }
        Err(e) => Ok(Err(office_conflict(e)?)),
    }
}

/// Saves the office form over office `id` (404 when there is none); the messages when its code
/// or name is another office's.
pub async fn update_office(
    db: &Db,
    id: i64,
    office: &Office,
    who: Who<'_>,
) -> AppResult<Checked<()>> {
    let taken = office_taken(db, office, Some(id)).await?;
    if !taken.is_empty() {
        return Ok(Err(taken));
    }
    let mut tx = db.begin().await?;
    match directory::update_office(&mut tx, id, office, who).await {
        Ok(()) => {
            db::commit(tx).await?;
            Ok(Ok(()))
        }
        Err(e) => Ok(Err(office_conflict(e)?)),
    }
}

/// Replaces an office's declared needs for a fiscal year.
pub async fn save_needs(
    db: &Db,
    office_id: i64,
    year: i64,
    needs: &[NeedInput],
    who: Who<'_>,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    directory::save_needs(&mut tx, office_id, year, needs, who).await?;
    db::commit(tx).await?;
    Ok(())
}

/// A budget line's code taken by another line of the office that year, as the form's message.
fn line_conflict(e: DbError) -> AppResult<FieldErrors> {
    if e.is_conflict(constraint::OFFICE_BUDGET_LINES_OFFICE_YEAR_ACCOUNT) {
        Ok(vec![("account_code", LINE_TAKEN.to_owned())])
    } else {
        Err(e.into())
    }
}

/// Adds a budget line to an office's year; its id, or the message when the code is taken.
pub async fn add_budget_line(
    db: &Db,
    office_id: i64,
    year: i64,
    fields: &BudgetLineFields,
    who: Who<'_>,
) -> AppResult<Checked<i64>> {
    let mut tx = db.begin().await?;
    match directory::add_budget_line(&mut tx, office_id, year, fields, who).await {
        Ok(id) => {
            db::commit(tx).await?;
            Ok(Ok(id))
        }
        Err(e) => Ok(Err(line_conflict(e)?)),
    }
}

/// Saves a budget line; the message when its new code is taken.
pub async fn update_budget_line(
    db: &Db,
    office_id: i64,
    line_id: i64,
    fields: &BudgetLineFields,
    who: Who<'_>,
) -> AppResult<Checked<()>> {
    let mut tx = db.begin().await?;
    match directory::update_budget_line(&mut tx, office_id, line_id, fields, who).await {
        Ok(()) => {
            db::commit(tx).await?;
            Ok(Ok(()))
        }
        Err(e) => Ok(Err(line_conflict(e)?)),
    }
}

/// Deletes a budget line no request uses; a line in use is refused with why.
pub async fn delete_budget_line(db: &Db, line: &BudgetLine, who: Who<'_>) -> AppResult<()> {
    let mut tx = db.begin().await?;
    match directory::delete_budget_line(&mut tx, line.office_id, line.id, who).await {
        Ok(()) => {
            db::commit(tx).await?;
            Ok(())
        }
        Err(e) if e.is_conflict(directory::BUDGET_LINE_IN_USE) => {
            Err(AppError::refused(Refusal::rule(format!(
                "Rekening {} tidak dapat dihapus: sudah dipakai {} permintaan. Ubah uraian atau pagunya bila perlu.",
                line.account_code, line.requests
            ))))
        }
        Err(e) => Err(e.into()),
    }
}

/// A kind of work's name taken by another, as the form's message.
fn category_conflict(e: DbError) -> AppResult<FieldErrors> {
    if e.is_conflict(constraint::PROCUREMENT_CATEGORIES_NAME) {
        Ok(vec![("name", CATEGORY_TAKEN.to_owned())])
    } else {
        Err(e.into())
    }
}

/// Adds a kind of office work; its id, or the message when the name is taken.
pub async fn create_category(
    db: &Db,
    fields: &CategoryFields,
    who: Who<'_>,
) -> AppResult<Checked<i64>> {
    let mut tx = db.begin().await?;
    match directory::create_procurement_category(&mut tx, fields, who).await {
        Ok(id) => {
            db::commit(tx).await?;
            Ok(Ok(id))
        }
        Err(e) => Ok(Err(category_conflict(e)?)),
    }
}

/// Saves a kind of office work; the message when its new name is taken.
pub async fn update_category(
    db: &Db,
    id: i64,
    fields: &CategoryFields,
    who: Who<'_>,
) -> AppResult<Checked<()>> {
    let mut tx = db.begin().await?;
    match directory::update_procurement_category(&mut tx, id, fields, who).await {
        Ok(()) => {
            db::commit(tx).await?;
            Ok(Ok(()))
        }
        Err(e) => Ok(Err(category_conflict(e)?)),
    }
}

/// Stores the procurement settings (validated by `ProcurementSettings::parse`), audited.
pub async fn save_settings(db: &Db, settings: &ProcurementSettings, who: Who<'_>) -> AppResult<()> {
    let pairs: BTreeMap<String, String> = settings.to_pairs();
    gov_settings::save(db, &pairs, who).await?;
    Ok(())
}

/// Answers a rotation appeal. `false` when it was answered meanwhile (the first answer stays).
pub async fn answer_appeal(db: &Db, id: i64, answer: &str, who: Who<'_>) -> AppResult<bool> {
    let mut tx = db.begin().await?;
    let written = gov_stats::answer_appeal(&mut tx, id, answer, who).await?;
    db::commit(tx).await?;
    Ok(written)
}
