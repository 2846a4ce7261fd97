//! Trades (kejuruan) and their training programs: the list, and the forms that create and edit
//! them. Every change is audited with before and after in the change's own transaction.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{NoticeQuery, record_change, trade_choices};
use crate::db::{DbError, register};
use crate::domain::register::{
    ProgramFields, ProgramInput, TradeFields, TradeInput, units_as_lines,
};
use crate::domain::user::FieldErrors;
use crate::import::plan::normalise;
use crate::views::{ProgramFormPage, ProgramLine, TradeBlock, TradeFormPage, TradesPage};
use crate::web::{AppState, Ctx, WebError, render};
use crate::web::{field, unprocessable};

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let programs = register::programs(&state.db).await?;
    let to_complete = programs.iter().filter(|p| p.needs_review).count();
    let trades = register::trade_lines(&state.db)
        .await?
        .into_iter()
        .map(|line| TradeBlock {
            programs: programs
                .iter()
                .filter(|p| p.trade_id == line.trade.id)
                .map(|p| ProgramLine {
                    id: p.id,
                    name: p.name.clone(),
                    hours: p.hours,
                    days: p.days,
                    units: p
                        .competency_units
                        .split(';')
                        .filter(|u| !u.trim().is_empty())
                        .count(),
                    batches: p.batches,
                    needs_review: p.needs_review,
                })
                .collect(),
            id: line.trade.id,
            code: line.trade.code,
            name: line.trade.name,
            description: line.trade.description,
            alumni: line.alumni,
        })
        .collect();
    let notice = match q.pesan.as_str() {
        "kejuruan-dibuat" => Some("Kejuruan ditambahkan."),
        "kejuruan-disimpan" => Some("Perubahan kejuruan disimpan."),
        "program-dibuat" => Some("Program pelatihan ditambahkan."),
        "program-disimpan" => Some("Perubahan program pelatihan disimpan."),
        "tetap" => Some("Tidak ada yang berubah."),
        _ => None,
    };
    let page = TradesPage {
        layout: ctx.layout("Kejuruan & program").with_notice(notice),
        trades,
        to_complete,
    };
    Ok(render(&page)?.into_response())
}

// ---- trades ----

#[derive(Deserialize, Default)]
pub struct TradeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
}

impl TradeForm {
    fn input(&self) -> TradeInput<'_> {
        TradeInput {
            code: &self.code,
            name: &self.name,
            description: &self.description,
        }
    }
}

fn trade_page(ctx: &Ctx, id: Option<i64>, form: &TradeForm, errors: &FieldErrors) -> TradeFormPage {
    TradeFormPage {
        layout: ctx.layout(if id.is_some() {
            "Ubah kejuruan"
        } else {
            "Tambah kejuruan"
        }),
        id,
        code: field(errors, "code", &form.code),
        name: field(errors, "name", &form.name),
        description: field(errors, "description", &form.description),
        error_count: errors.len(),
    }
}

fn trade_json(t: &TradeFields) -> serde_json::Value {
    serde_json::json!({"code": t.code, "name": t.name, "description": t.description})
}

/// The form's fields, or its messages: shape first, then a name another trade already has
/// (the importer tells trades apart by their normalised name).
async fn validate_trade(
    state: &AppState,
    form: &TradeForm,
    id: Option<i64>,
) -> Result<Result<TradeFields, FieldErrors>, WebError> {
    let fields = match TradeFields::parse(&form.input()) {
        Ok(f) => f,
        Err(e) => return Ok(Err(e)),
    };
    let key = normalise(&fields.name);
    let taken = register::trades(&state.db)
        .await?
        .into_iter()
        .any(|t| Some(t.id) != id && normalise(&t.name) == key);
    if taken {
        return Ok(Err(vec![(
            "name",
            "Kejuruan dengan nama ini sudah ada.".into(),
        )]));
    }
    Ok(Ok(fields))
}

fn trade_conflict(e: &DbError) -> Option<FieldErrors> {
    if e.is_conflict_on("code") {
        Some(vec![(
            "code",
            "Kode ini sudah dipakai kejuruan lain.".into(),
        )])
    } else if e.is_conflict_on("name") {
        Some(vec![("name", "Kejuruan dengan nama ini sudah ada.".into())])
    } else {
        None
    }
}

pub async fn new_trade_form(ctx: Ctx) -> Result<Response, WebError> {
    Ok(render(&trade_page(&ctx, None, &TradeForm::default(), &Vec::new()))?.into_response())
}

pub async fn create_trade(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<TradeForm>,
) -> Result<Response, WebError> {
    let fields = match validate_trade(&state, &form, None).await? {
        Ok(f) => f,
        Err(errors) => return unprocessable(&trade_page(&ctx, None, &form, &errors)),
    };
    let mut tx = state.db.begin().await?;
    let id = match register::create_trade(&mut tx, &fields.code, &fields.name, &fields.description)
        .await
    {
        Ok(id) => id,
        Err(e) => match trade_conflict(&e) {
            Some(errors) => return unprocessable(&trade_page(&ctx, None, &form, &errors)),
            None => return Err(e.into()),
        },
    };
    record_change(
        &mut tx,
        &ctx,
        "trade.create",
        "trade",
        id,
        serde_json::json!({"after": trade_json(&fields)}),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(Redirect::to(&format!(
        "/admin/kejuruan?pesan=kejuruan-dibuat#kejuruan-{id}"
    ))
    .into_response())
}

pub async fn edit_trade_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let t = register::trade(state.db.pool(), id).await?;
    let form = TradeForm {
        code: t.code,
        name: t.name,
        description: t.description,
    };
    Ok(render(&trade_page(&ctx, Some(id), &form, &Vec::new()))?.into_response())
}

pub async fn update_trade(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<TradeForm>,
) -> Result<Response, WebError> {
    register::trade(state.db.pool(), id).await?;
    let fields = match validate_trade(&state, &form, Some(id)).await? {
        Ok(f) => f,
        Err(errors) => return unprocessable(&trade_page(&ctx, Some(id), &form, &errors)),
    };
    let mut tx = state.db.begin().await?;
    let before = register::trade_for_update(&mut tx, id).await?;
    let before = TradeFields {
        code: before.code,
        name: before.name,
        description: before.description,
    };
    if before == fields {
        return Ok(Redirect::to("/admin/kejuruan?pesan=tetap").into_response());
    }
    if let Err(e) =
        register::update_trade(&mut tx, id, &fields.code, &fields.name, &fields.description).await
    {
        return match trade_conflict(&e) {
            Some(errors) => unprocessable(&trade_page(&ctx, Some(id), &form, &errors)),
            None => Err(e.into()),
        };
    }
    record_change(
        &mut tx,
        &ctx,
        "trade.update",
        "trade",
        id,
        serde_json::json!({"before": trade_json(&before), "after": trade_json(&fields)}),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(Redirect::to(&format!(
        "/admin/kejuruan?pesan=kejuruan-disimpan#kejuruan-{id}"
    ))
    .into_response())
}

// ---- programs ----

#[derive(Deserialize, Default)]
pub struct ProgramForm {
    #[serde(default)]
    trade_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    competency_units: String,
}

impl ProgramForm {
    fn input(&self) -> ProgramInput<'_> {
        ProgramInput {
            trade_id: &self.trade_id,
            name: &self.name,
            hours: &self.hours,
            days: &self.days,
            competency_units: &self.competency_units,
        }
    }
}

#[derive(Deserialize, Default)]
pub struct NewProgramQuery {
    #[serde(default)]
    kejuruan: String,
}

async fn program_page(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    needs_review: bool,
    form: &ProgramForm,
    errors: &FieldErrors,
) -> Result<ProgramFormPage, WebError> {
    Ok(ProgramFormPage {
        layout: ctx.layout(match (id, needs_review) {
            (None, _) => "Tambah program pelatihan",
            (Some(_), true) => "Lengkapi program pelatihan",
            (Some(_), false) => "Ubah program pelatihan",
        }),
        id,
        needs_review,
        trade_id: field(errors, "trade_id", &form.trade_id),
        name: field(errors, "name", &form.name),
        hours: field(errors, "hours", &form.hours),
        days: field(errors, "days", &form.days),
        competency_units: field(errors, "competency_units", &form.competency_units),
        trades: trade_choices(state).await?,
        error_count: errors.len(),
    })
}

/// What the audit keeps of a program: its trade by name.
fn program_json(trade: &str, p: &ProgramFields, needs_review: bool) -> serde_json::Value {
    serde_json::json!({
        "trade": trade, "name": p.name, "hours": p.hours, "days": p.days,
        "competency_units": p.competency_units, "needs_review": needs_review,
    })
}

/// The form's fields and the trade's name, or its messages.
async fn validate_program(
    state: &AppState,
    form: &ProgramForm,
    id: Option<i64>,
) -> Result<Result<(ProgramFields, String), FieldErrors>, WebError> {
    let fields = match ProgramFields::parse(&form.input()) {
        Ok(f) => f,
        Err(e) => return Ok(Err(e)),
    };
    let trade = match register::trade(state.db.pool(), fields.trade_id).await {
        Ok(t) => t,
        Err(DbError::NotFound) => {
            return Ok(Err(vec![(
                "trade_id",
                "Kejuruan yang dipilih tidak ditemukan.".into(),
            )]));
        }
        Err(e) => return Err(e.into()),
    };
    let key = normalise(&fields.name);
    let taken = register::programs(&state.db)
        .await?
        .into_iter()
        .any(|p| Some(p.id) != id && p.trade_id == fields.trade_id && normalise(&p.name) == key);
    if taken {
        return Ok(Err(vec![(
            "name",
            format!(
                "Kejuruan {} sudah punya program dengan nama ini.",
                trade.name
            ),
        )]));
    }
    Ok(Ok((fields, trade.name)))
}

fn program_conflict(e: &DbError) -> Option<FieldErrors> {
    e.is_conflict_on("name").then(|| {
        vec![(
            "name",
            "Kejuruan ini sudah punya program dengan nama ini.".to_string(),
        )]
    })
}

fn new_program<'a>(f: &'a ProgramFields) -> register::NewProgram<'a> {
    register::NewProgram {
        trade_id: f.trade_id,
        name: &f.name,
        hours: f.hours,
        days: f.days,
        competency_units: &f.competency_units,
    }
}

pub async fn new_program_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NewProgramQuery>,
) -> Result<Response, WebError> {
    let form = ProgramForm {
        trade_id: q.kejuruan,
        ..ProgramForm::default()
    };
    let page = program_page(&state, &ctx, None, false, &form, &Vec::new()).await?;
    Ok(render(&page)?.into_response())
}

pub async fn create_program(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<ProgramForm>,
) -> Result<Response, WebError> {
    let (fields, trade) = match validate_program(&state, &form, None).await? {
        Ok(v) => v,
        Err(errors) => {
            return unprocessable(&program_page(&state, &ctx, None, false, &form, &errors).await?);
        }
    };
    let mut tx = state.db.begin().await?;
    let id = match register::create_program(&mut tx, &new_program(&fields)).await {
        Ok(id) => id,
        Err(e) => {
            drop(tx);
            return match program_conflict(&e) {
                Some(errors) => {
                    unprocessable(&program_page(&state, &ctx, None, false, &form, &errors).await?)
                }
                None => Err(e.into()),
            };
        }
    };
    record_change(
        &mut tx,
        &ctx,
        "program.create",
        "program",
        id,
        serde_json::json!({"after": program_json(&trade, &fields, false)}),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(Redirect::to(&format!(
        "/admin/kejuruan?pesan=program-dibuat#kejuruan-{}",
        fields.trade_id
    ))
    .into_response())
}

pub async fn edit_program_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let p = register::program(state.db.pool(), id).await?;
    // An imported program's 1 hour and 1 day are placeholders: the admin types the real ones.
    let placeholder = |v: i64| {
        if p.needs_review {
            String::new()
        } else {
            v.to_string()
        }
    };
    let form = ProgramForm {
        trade_id: p.trade_id.to_string(),
        name: p.name.clone(),
        hours: placeholder(p.hours),
        days: placeholder(p.days),
        competency_units: units_as_lines(&p.competency_units),
    };
    let page = program_page(&state, &ctx, Some(id), p.needs_review, &form, &Vec::new()).await?;
    Ok(render(&page)?.into_response())
}

pub async fn update_program(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<ProgramForm>,
) -> Result<Response, WebError> {
    let current = register::program(state.db.pool(), id).await?;
    let (fields, trade) = match validate_program(&state, &form, Some(id)).await? {
        Ok(v) => v,
        Err(errors) => {
            let page =
                program_page(&state, &ctx, Some(id), current.needs_review, &form, &errors).await?;
            return unprocessable(&page);
        }
    };
    let mut tx = state.db.begin().await?;
    let before = register::program_for_update(&mut tx, id).await?;
    let before_fields = ProgramFields {
        trade_id: before.trade_id,
        name: before.name.clone(),
        hours: before.hours,
        days: before.days,
        competency_units: before.competency_units.clone(),
    };
    if before_fields == fields && !before.needs_review {
        return Ok(Redirect::to("/admin/kejuruan?pesan=tetap").into_response());
    }
    if let Err(e) = register::update_program(&mut tx, id, &new_program(&fields)).await {
        drop(tx);
        return match program_conflict(&e) {
            Some(errors) => unprocessable(
                &program_page(&state, &ctx, Some(id), before.needs_review, &form, &errors).await?,
            ),
            None => Err(e.into()),
        };
    }
    record_change(
        &mut tx,
        &ctx,
        "program.update",
        "program",
        id,
        serde_json::json!({
            "before": program_json(&before.trade, &before_fields, before.needs_review),
            "after": program_json(&trade, &fields, false),
        }),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(Redirect::to(&format!(
        "/admin/kejuruan?pesan=program-disimpan#kejuruan-{}",
        fields.trade_id
    ))
    .into_response())
}
