//! Trades (kejuruan) and their training programs: the list, and the forms that create and edit
//! them. Every change is audited with before and after in the change's own transaction.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{NoticeQuery, trade_choices};
use crate::app::FormError;
use crate::app::register::{self, Saved};
use crate::db::register as db_register;
use crate::domain::register::{ProgramInput, TradeInput, units_as_lines};
use crate::domain::user::FieldErrors;
use crate::views::{ProgramFormPage, ProgramLine, TradeBlock, TradeFormPage, TradesPage};
use crate::web::{AppState, Ctx, WebError, render};
use crate::web::{field, unprocessable};

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let programs = db_register::programs(&state.db).await?;
    let to_complete = programs.iter().filter(|p| p.needs_review).count();
    let trades = db_register::trade_lines(&state.db)
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

pub async fn new_trade_form(ctx: Ctx) -> Result<Response, WebError> {
    Ok(render(&trade_page(&ctx, None, &TradeForm::default(), &Vec::new()))?.into_response())
}

pub async fn create_trade(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<TradeForm>,
) -> Result<Response, WebError> {
    match register::create_trade(&state.db, &ctx.who()?, &form.input()).await {
        Ok(id) => Ok(Redirect::to(&format!(
            "/admin/kejuruan?pesan=kejuruan-dibuat#kejuruan-{id}"
        ))
        .into_response()),
        Err(FormError::Fields(errors)) => unprocessable(&trade_page(&ctx, None, &form, &errors)),
        Err(FormError::App(e)) => Err(e.into()),
    }
}

pub async fn edit_trade_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let t = db_register::trade(state.db.pool(), id).await?;
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
    match register::update_trade(&state.db, &ctx.who()?, id, &form.input()).await {
        Ok(Saved::Unchanged) => Ok(Redirect::to("/admin/kejuruan?pesan=tetap").into_response()),
        Ok(Saved::Changed(())) => Ok(Redirect::to(&format!(
            "/admin/kejuruan?pesan=kejuruan-disimpan#kejuruan-{id}"
        ))
        .into_response()),
        Err(FormError::Fields(errors)) => {
            unprocessable(&trade_page(&ctx, Some(id), &form, &errors))
        }
        Err(FormError::App(e)) => Err(e.into()),
    }
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
    match register::create_program(&state.db, &ctx.who()?, &form.input()).await {
        Ok(trade_id) => Ok(Redirect::to(&format!(
            "/admin/kejuruan?pesan=program-dibuat#kejuruan-{trade_id}"
        ))
        .into_response()),
        Err(FormError::Fields(errors)) => {
            unprocessable(&program_page(&state, &ctx, None, false, &form, &errors).await?)
        }
        Err(FormError::App(e)) => Err(e.into()),
    }
}

pub async fn edit_program_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let p = db_register::program(state.db.pool(), id).await?;
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
    let current = db_register::program(state.db.pool(), id).await?;
    match register::update_program(&state.db, &ctx.who()?, id, &form.input()).await {
        Ok(Saved::Unchanged) => Ok(Redirect::to("/admin/kejuruan?pesan=tetap").into_response()),
        Ok(Saved::Changed(trade_id)) => Ok(Redirect::to(&format!(
            "/admin/kejuruan?pesan=program-disimpan#kejuruan-{trade_id}"
        ))
        .into_response()),
        Err(FormError::Fields(errors)) => {
            let page =
                program_page(&state, &ctx, Some(id), current.needs_review, &form, &errors).await?;
            unprocessable(&page)
        }
        Err(FormError::App(e)) => Err(e.into()),
    }
}
