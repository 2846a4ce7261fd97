//! Importing the agency's spreadsheets: upload → how the file was read (mapping) → dry-run
//! preview → confirm → report. The file and the admin's choices wait in the database between
//! steps, so any instance can continue.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::{AppState, Ctx, WebError, render};
use crate::app::imports::{self as run, RunError, Stage, Stored};
use crate::db::audit::Who;
use crate::db::{DbError, imports};
use crate::domain::dates::format_instant;
use crate::domain::import::header::Field;
use crate::domain::import::values::{MAX_TRAINING_YEAR, MIN_TRAINING_YEAR};
use crate::import::plan::{Mapping, Options, Plan, RowStatus, Severity};
use crate::import::{MAX_BYTES, NikShown, Workbook};
use crate::views::{
    ImportListItem, ImportPage, ImportRowView, ImportRunningPage, ImportUploadPage,
};

/// The largest upload accepted (the reader's own limit, plus the multipart envelope).
pub const UPLOAD_LIMIT: usize = MAX_BYTES + 64 * 1024;

/// Rows of each kind listed on one page of the preview; the report holds them all.
const LISTED: usize = 100;

/// The characters of a file's text shown in the preview (a name, a message, a column title); a
/// cell may hold 32,767 and the page must stay small whatever the file holds.
const SHOWN_CHARS: usize = 200;

/// `text` cut to [`SHOWN_CHARS`] characters, with an ellipsis when cut.
fn clip(text: &str) -> String {
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// `?halaman=N` of the preview, 1-based; anything unreadable is the first page.
#[derive(serde::Deserialize, Default)]
pub struct PreviewQuery {
    #[serde(default)]
    halaman: String,
}

async fn upload_page(
    state: &AppState,
    ctx: &Ctx,
    error: Option<String>,
) -> Result<ImportUploadPage, WebError> {
    let recent = imports::recent(&state.db, 20)
        .await?
        .into_iter()
        .map(|i| ImportListItem {
            id: i.id,
            file: i.file_name,
            at: format_instant(i.created_at),
            status: match (i.status == "applied", i.purged) {
                _ if i.unreadable => "tidak dapat dibaca",
                (true, false) => "diterapkan",
                (true, true) => "diterapkan, berkas asli dihapus",
                (false, false) => "belum diterapkan",
                (false, true) => "tidak diterapkan, berkas asli dihapus",
            },
            summary: readable_summary(&i.summary),
            by: i.uploader,
        })
        .collect();
    Ok(ImportUploadPage {
        layout: ctx.layout("Impor data alumni"),
        error,
        recent,
    })
}

pub async fn upload_form(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Html<String>, WebError> {
    render(&upload_page(&state, &ctx, None).await?)
}

async fn upload_error(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    message: String,
) -> Result<Response, WebError> {
    let page = upload_page(state, ctx, Some(message)).await?;
    Ok((status, render(&page)?).into_response())
}

pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let user = ctx.user()?.clone();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("berkas") => {
                let name = field.file_name().unwrap_or("berkas").to_owned();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes.to_vec())),
                    Err(e) if e.status() != StatusCode::PAYLOAD_TOO_LARGE => {
                        return upload_error(
                            &state,
                            &ctx,
                            StatusCode::BAD_REQUEST,
                            "Unggahan terputus atau rusak; coba lagi.".into(),
                        )
                        .await;
                    }
                    Err(_) => {
                        return upload_error(
                            &state,
                            &ctx,
                            StatusCode::PAYLOAD_TOO_LARGE,
                            "Berkas terlalu besar; batasnya 20 MB. Pisahkan per tahun atau per lembar.".into(),
                        ).await;
                    }
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => {
                return upload_error(
                    &state,
                    &ctx,
                    StatusCode::BAD_REQUEST,
                    "Unggahan terputus atau rusak; coba lagi.".into(),
                )
                .await;
            }
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return upload_error(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Pilih berkas Excel (.xlsx, .xls), .ods, atau CSV.".into(),
        )
        .await;
    };
    // Refuse what cannot be read before storing anything.
    if let Err(e) = run::read(bytes.clone(), name.clone()).await {
        return upload_error(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            e.to_string(),
        )
        .await;
    }
    let id = run::store_upload(&state.db, &state.secrets, user.id, &name, &bytes)
        .await
        .map_err(web_error)?;
    Ok(Redirect::to(&format!("/admin/impor/{id}")).into_response())
}

/// A stored import and its workbook, read again from the original file.
async fn load(state: &AppState, id: i64) -> Result<(Stored, Workbook), WebError> {
    let stored = run::stored(&state.db, &state.secrets, id)
        .await
        .map_err(web_error)?;
    let workbook = stored.workbook(&state.db).await.map_err(web_error)?;
    Ok((stored, workbook))
}

fn web_error(e: RunError) -> WebError {
    match e {
        RunError::Db(d) => d.into(),
        RunError::AlreadyApplied => WebError::Gone("Impor ini sudah diterapkan.".into()),
        RunError::Purged => WebError::Gone(
            "Berkas asli impor ini sudah dihapus setelah masa simpannya; unggah berkasnya lagi untuk impor baru."
                .into(),
        ),
        RunError::NoMaskedReport => WebError::Gone(
            "Laporan impor lama ini tidak dapat disamarkan; unduh laporan dengan NIK lengkap bila Anda berhak."
                .into(),
        ),
        RunError::Forbidden => WebError::Forbidden,
        RunError::Conflict(m) => WebError::Conflict(m),
        e @ RunError::Unreadable(_) => WebError::Conflict(e.to_string()),
        other => WebError::Internal(other.to_string()),
    }
}

/// When and after how long the original file was deleted, in words.
fn purged_text(state: &AppState, stored: &Stored) -> Option<String> {
    let at = stored.purged_at?;
    let since = if stored.applied() {
        "diterapkan"
    } else {
        "diunggah"
    };
    Some(format!(
        "Berkas asli dihapus pada {} karena disimpan paling lama {} hari setelah {since}.",
        format_instant(at),
        state.settings.import_retention_days
    ))
}

fn row_view(r: &crate::import::plan::RowPlan) -> ImportRowView {
    ImportRowView {
        sheet: clip(&r.sheet),
        row: r.row,
        name: clip(&r.name),
        status: r.status.word(),
        messages: r
            .problems
            .iter()
            .map(|p| {
                let kind = match p.severity {
                    Severity::Error => "galat",
                    Severity::Warning => "peringatan",
                    Severity::Note => "catatan",
                };
                (
                    kind,
                    clip(p.column.as_deref().unwrap_or_default()),
                    clip(&p.message),
                )
            })
            .collect(),
        changes: r.changes.iter().map(|c| clip(c)).collect(),
    }
}

pub async fn preview(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(query): Query<PreviewQuery>,
) -> Result<Response, WebError> {
    let page_number = query.halaman.trim().parse::<usize>().unwrap_or(1).max(1);
    let skip = (page_number - 1).saturating_mul(LISTED);
    let role = ctx.user()?.role;
    let view = run::page(
        &state.db,
        &state.settings.instance.kabupaten,
        &state.secrets,
        role,
        id,
    )
    .await
    .map_err(web_error)?;
    let upload = &view.import;
    let empty = Plan::default();
    let plan = match &view.stage {
        Stage::Running => {
            let progress = state.running.lock().ok().and_then(|m| m.get(&id).copied());
            let page = ImportRunningPage {
                layout: ctx
                    .layout(format!("Impor: {}", upload.file_name))
                    .with_refresh(2),
                file_name: upload.file_name.clone(),
                done: progress.map_or(0, |p| p.0),
                total: progress.map_or(0, |p| p.1),
            };
            return Ok(render(&page)?.into_response());
        }
        Stage::Draft(plan) => plan.as_ref(),
        Stage::Applied | Stage::Abandoned => &empty,
    };
    let counts = plan.counts();
    let more = std::cell::Cell::new(false);
    let pick = |f: &dyn Fn(&crate::import::plan::RowPlan) -> bool| -> Vec<ImportRowView> {
        let mut kind = plan.rows.iter().filter(|r| f(r)).skip(skip);
        let shown: Vec<ImportRowView> = kind.by_ref().take(LISTED).map(row_view).collect();
        if kind.next().is_some() {
            more.set(true);
        }
        shown
    };
    let rejected = pick(&|r| r.status == RowStatus::Rejected);
    let warned = pick(&|r| {
        r.status != RowStatus::Rejected
            && r.problems.iter().any(|p| p.severity == Severity::Warning)
    });
    let created = pick(&|r| r.status == RowStatus::Created);
    let updated = pick(&|r| r.status == RowStatus::Updated);
    let sheets = plan
        .sheets
        .iter()
        .map(|s| {
            let mut s = s.clone();
            for (_, text, _) in &mut s.columns {
                *text = clip(text);
            }
            s
        })
        .collect();
    // Questions and creations are listed up to LISTED each, whatever the file holds; the rest
    // are counted (a file with that many is better corrected than answered one by one).
    let mut hidden = 0;
    let page = ImportPage {
        layout: ctx.layout(format!("Impor: {}", upload.file_name)),
        id,
        file_name: upload.file_name.clone(),
        uploaded: format_instant(upload.created_at),
        applied: matches!(view.stage, Stage::Applied),
        abandoned: matches!(view.stage, Stage::Abandoned),
        purged: purged_text(&state, upload),
        may_see_full_nik: view.may_see_full_nik,
        summary: readable_summary(&upload.summary),
        counts,
        summary_line: counts.summary_line(),
        fields: Field::ALL.iter().map(|f| (f.key(), f.label())).collect(),
        sheets,
        places: first(&plan.places, &mut hidden),
        programs: first(&plan.programs, &mut hidden),
        unknown_trades: first(&plan.unknown_trades, &mut hidden),
        unknown_programs: first(&plan.unknown_programs, &mut hidden),
        new_batches: first(&plan.new_batches, &mut hidden)
            .iter()
            .map(|b| format!("{} — angkatan {} tahun {}", b.program, b.number, b.year))
            .collect(),
        hidden_questions: hidden,
        rejected,
        warned,
        created,
        updated,
        listed: LISTED,
        page: page_number,
        more: more.get(),
    };
    Ok(render(&page)?.into_response())
}

/// The first `LISTED` items, adding how many were left out to `hidden`.
fn first<T: Clone>(items: &[T], hidden: &mut usize) -> Vec<T> {
    *hidden += items.len().saturating_sub(LISTED);
    items.iter().take(LISTED).cloned().collect()
}

/// The admin's corrections, from the preview form: `sheet:<name>` checkboxes,
/// `header:<sheet>` row numbers, `col:<sheet>:<index>` fields, `year:<sheet>` years,
/// `place:<key>` and `programpick:<key>` choices,
/// `trade:<key>` and `program:<key>` consents.
pub async fn save_options(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    ctx.user()?;
    let (_, workbook) = load(&state, id).await?;
    let mut options = Options::default();
    for (key, value) in &fields {
        if let Some(sheet) = key.strip_prefix("sheet:") {
            options.sheets.push(sheet.to_owned());
        } else if let Some(sheet) = key.strip_prefix("header:") {
            let row: u32 = value.trim().parse().unwrap_or(0);
            options
                .mappings
                .entry(sheet.to_owned())
                .or_insert_with(Mapping::default)
                .header_row = row;
        } else if let Some(rest) = key.strip_prefix("col:") {
            if let Some((sheet, index)) = rest.rsplit_once(':')
                && let Ok(index) = index.parse::<usize>()
                && index < 200
            {
                let m = options
                    .mappings
                    .entry(sheet.to_owned())
                    .or_insert_with(Mapping::default);
                if m.columns.len() <= index {
                    m.columns.resize(index + 1, String::new());
                }
                m.columns[index] = Field::parse_key(value)
                    .map(|f| f.key().to_owned())
                    .unwrap_or_default();
            }
        } else if let Some(sheet) = key.strip_prefix("year:") {
            // Empty: the year the sheet's name or title gives. Anything but a plausible year is
            // dropped the same way.
            if let Ok(year) = value.trim().parse::<i32>()
                && (MIN_TRAINING_YEAR..=MAX_TRAINING_YEAR).contains(&year)
            {
                options.years.insert(sheet.to_owned(), year);
            }
        } else if let Some(program) = key.strip_prefix("programpick:") {
            if let Ok(id) = value.trim().parse::<i64>() {
                options.programs.insert(program.to_owned(), id);
            }
        } else if let Some(place) = key.strip_prefix("place:") {
            if !value.is_empty() {
                options.places.insert(place.to_owned(), value.clone());
            }
        } else if let Some(trade) = key.strip_prefix("trade:") {
            options.new_trades.insert(trade.to_owned());
        } else if let Some(program) = key.strip_prefix("program:") {
            options.new_programs.insert(program.to_owned());
        }
    }
    // A mapping without a header row on a sheet of the workbook is dropped (detection decides).
    options
        .mappings
        .retain(|name, m| m.header_row > 0 && workbook.sheets.iter().any(|s| &s.name == name));
    options
        .years
        .retain(|name, _| workbook.sheets.iter().any(|s| &s.name == name));
    let json = serde_json::to_string(&options).map_err(|e| WebError::Internal(e.to_string()))?;
    match imports::save_options(&state.db, id, &json).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/impor/{id}")).into_response()),
        Err(DbError::Stale) => Err(WebError::Gone(
            "Impor ini sudah diterapkan; unggah berkas lagi untuk impor baru.".into(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// Imports being applied by this instance: id → (people done, people in all).
pub type Running = std::sync::Arc<std::sync::Mutex<std::collections::HashMap<i64, (usize, usize)>>>;

/// Applies in the background so a large file does not hold the request; a small one finishes
/// within the short wait and the page shows the result straight away. The preview page shows
/// the progress of a running import and refreshes itself (no JavaScript needed).
pub async fn confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let user = ctx.user()?.clone();
    // Whether it may run (draft, failed, or a dead run) is decided atomically by the apply.
    let upload = run::stored(&state.db, &state.secrets, id)
        .await
        .map_err(web_error)?;
    if upload.applied() {
        return Ok(Redirect::to(&format!("/admin/impor/{id}")).into_response());
    }
    let workbook = upload.workbook(&state.db).await.map_err(web_error)?;
    let options = upload.options;
    let ip = ctx.ip.clone();
    let task_state = state.clone();
    let task = tokio::spawn(async move {
        let who = Who {
            id: Some(user.id),
            label: &user.username,
            ip: &ip,
        };
        let running = task_state.running.clone();
        let progress = move |done: usize, total: usize| {
            if let Ok(mut map) = running.lock() {
                map.insert(id, (done, total));
            }
        };
        let result = run::apply(
            &task_state.db,
            &task_state.settings.instance.kabupaten,
            &task_state.secrets,
            &workbook,
            &options,
            Some(id),
            &who,
            &progress,
        )
        .await;
        if let Ok(mut map) = task_state.running.lock() {
            map.remove(&id);
        }
        if let Err(e) = result
            && !matches!(e, RunError::AlreadyApplied)
        {
            tracing::error!(import = id, error = %e, "import apply failed");
        }
    });
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), task).await;
    Ok(Redirect::to(&format!("/admin/impor/{id}")).into_response())
}

/// The report with NIKs masked: as applied, or (before confirmation) as the dry run would apply
/// it.
pub async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    report_download(&state, &ctx, id, NikShown::Masked).await
}

/// The report with full NIKs (POST with a CSRF token): for staff who may see full NIKs; the
/// audit trail records the download.
pub async fn report_full_nik(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    report_download(&state, &ctx, id, NikShown::Full).await
}

async fn report_download(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    nik: NikShown,
) -> Result<Response, WebError> {
    let role = ctx.user()?.role;
    let file = run::report(
        &state.db,
        &state.settings.instance.kabupaten,
        &state.secrets,
        id,
        nik,
        role,
        &ctx.who()?,
    )
    .await
    .map_err(web_error)?;
    let stem = file
        .file_name
        .rsplit_once('.')
        .map_or(file.file_name.as_str(), |(s, _)| s)
        .to_owned();
    let safe: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let suffix = if nik == NikShown::Full {
        "-nik-lengkap"
    } else {
        ""
    };
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"laporan-impor-{safe}{suffix}.xlsx\""),
            ),
        ],
        file.bytes,
    )
        .into_response())
}

/// A stored import summary as the admin reads it: the counts line (`dibuat=313 diperbarui=0 …`)
/// as a sentence, anything else (an earlier attempt's error) as it is.
fn readable_summary(stored: &str) -> String {
    crate::domain::import::plan::Counts::parse_line(stored)
        .map_or_else(|| stored.to_owned(), |c| c.sentence())
}
