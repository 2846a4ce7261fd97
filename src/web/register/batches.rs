//! Batches (angkatan): the list filtered by trade and year, and the forms that create, edit
//! and complete them. A batch an import created carries placeholder dates and `needs_review`;
//! saving it through the form clears the mark.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{date_text, today, trade_choices};
use crate::app::FormError;
use crate::app::register::{self as app_register, Saved};
use crate::db::register;
use crate::domain::register::{BatchInput, Funding};
use crate::domain::user::FieldErrors;
use crate::views::{BatchFormPage, BatchLine, BatchesPage, Choice, ChoiceGroup};
use crate::web::{AppState, Ctx, WebError, render};
use crate::web::{field, unprocessable};

const PAGE_SIZE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct BatchesQuery {
    /// Export only: `xlsx` or `csv`.
    #[serde(default)]
    format: String,
    #[serde(default)]
    kejuruan: String,
    #[serde(default)]
    tahun: String,
    /// `1`: only batches that still need their details.
    #[serde(default)]
    perlu: String,
    #[serde(default)]
    halaman: Option<i64>,
    #[serde(default)]
    pesan: String,
}

fn id_param(raw: &str) -> Option<i64> {
    raw.trim().parse().ok().filter(|v: &i64| *v > 0)
}

fn funding_label(stored: &str) -> &'static str {
    Funding::parse(stored).map_or("—", Funding::label)
}

impl BatchesQuery {
    fn filter(&self) -> register::BatchFilter {
        register::BatchFilter {
            trade_id: id_param(&self.kejuruan),
            year: id_param(&self.tahun),
            needs_review: self.perlu == "1",
        }
    }
}

/// The filtered batch list as `.xlsx` or CSV.
pub async fn export(
    State(state): State<AppState>,
    Query(q): Query<BatchesQuery>,
) -> Result<Response, WebError> {
    let (rows, _) = register::list_batches(&state.db, &q.filter(), i64::MAX, 0).await?;
    let table = crate::export::Table {
        sheet: "Angkatan".into(),
        header: [
            "Kejuruan",
            "Angkatan",
            "Tanggal",
            "Tempat",
            "Sumber dana",
            "Kapasitas",
            "Peserta",
            "Instruktur",
            "Perlu dilengkapi",
        ]
        .map(String::from)
        .to_vec(),
        rows: rows
            .into_iter()
            .map(|b| {
                vec![
                    b.trade.clone(),
                    b.label(),
                    if b.needs_review {
                        String::new()
                    } else {
                        format!("{} – {}", date_text(&b.start_date), date_text(&b.end_date))
                    },
                    b.place.clone(),
                    funding_label(&b.funding).to_owned(),
                    b.capacity.to_string(),
                    b.participants.to_string(),
                    b.instructor.clone(),
                    if b.needs_review {
                        "ya".into()
                    } else {
                        String::new()
                    },
                ]
            })
            .collect(),
    };
    super::download(&table, &q.format, "angkatan")
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<BatchesQuery>,
) -> Result<Response, WebError> {
    let review = q.perlu == "1";
    let filter = q.filter();
    let page = q.halaman.unwrap_or(1).max(1);
    let (rows, total) =
        register::list_batches(&state.db, &filter, PAGE_SIZE, (page - 1) * PAGE_SIZE).await?;
    let query_string = serde_urlencoded::to_string([
        ("kejuruan", q.kejuruan.as_str()),
        ("tahun", q.tahun.as_str()),
        ("perlu", if review { "1" } else { "" }),
    ])
    .unwrap_or_default();
    let notice = match q.pesan.as_str() {
        "dibuat" => Some("Angkatan ditambahkan."),
        "disimpan" => Some("Perubahan angkatan disimpan."),
        "dilengkapi" => Some("Angkatan dilengkapi; tanda perlu dilengkapi sudah hilang."),
        "tetap" => Some("Tidak ada yang berubah."),
        _ => None,
    };
    let view = BatchesPage {
        layout: ctx.layout("Angkatan pelatihan").with_notice(notice),
        rows: rows
            .into_iter()
            .map(|b| BatchLine {
                id: b.id,
                label: b.label(),
                dates: if b.needs_review {
                    String::new()
                } else {
                    format!("{} – {}", date_text(&b.start_date), date_text(&b.end_date))
                },
                funding: funding_label(&b.funding),
                trade: b.trade,
                place: b.place,
                capacity: b.capacity,
                participants: b.participants,
                instructor: b.instructor,
                needs_review: b.needs_review,
            })
            .collect(),
        total,
        page,
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        query_string,
        trade: q.kejuruan,
        year: q.tahun,
        review,
        trades: trade_choices(&state).await?,
        years: register::batch_years(&state.db)
            .await?
            .into_iter()
            .map(|y| y.to_string())
            .collect(),
        to_complete: register::batches_needing_review(&state.db).await?,
    };
    Ok(render(&view)?.into_response())
}

#[derive(Deserialize, Default)]
pub struct BatchForm {
    #[serde(default)]
    program_id: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    start_date: String,
    #[serde(default)]
    end_date: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    funding: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    instructor: String,
}

impl BatchForm {
    fn input(&self) -> BatchInput<'_> {
        BatchInput {
            program_id: &self.program_id,
            year: &self.year,
            number: &self.number,
            start_date: &self.start_date,
            end_date: &self.end_date,
            place: &self.place,
            funding: &self.funding,
            capacity: &self.capacity,
            instructor: &self.instructor,
        }
    }
}

/// The batch being edited: its id, whether it still needs review, how many took part.
#[derive(Clone, Copy)]
struct Editing {
    id: i64,
    needs_review: bool,
    participants: i64,
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    editing: Option<Editing>,
    form: &BatchForm,
    errors: &FieldErrors,
) -> Result<BatchFormPage, WebError> {
    let mut programs: Vec<ChoiceGroup> = Vec::new();
    for p in register::programs(&state.db).await? {
        let choice = Choice {
            value: p.id.to_string(),
            label: p.name,
        };
        match programs.last_mut() {
            Some(g) if g.label == p.trade => g.choices.push(choice),
            _ => programs.push(ChoiceGroup {
                label: p.trade,
                choices: vec![choice],
            }),
        }
    }
    let needs_review = editing.is_some_and(|e| e.needs_review);
    Ok(BatchFormPage {
        layout: ctx.layout(match editing {
            None => "Tambah angkatan",
            Some(_) if needs_review => "Lengkapi angkatan",
            Some(_) => "Ubah angkatan",
        }),
        id: editing.map(|e| e.id),
        needs_review,
        participants: editing.map_or(0, |e| e.participants),
        program_id: field(errors, "program_id", &form.program_id),
        year: field(errors, "year", &form.year),
        number: field(errors, "number", &form.number),
        start_date: field(errors, "start_date", &form.start_date),
        end_date: field(errors, "end_date", &form.end_date),
        place: field(errors, "place", &form.place),
        funding: field(errors, "funding", &form.funding),
        capacity: field(errors, "capacity", &form.capacity),
        instructor: field(errors, "instructor", &form.instructor),
        programs,
        fundings: Funding::ALL
            .iter()
            .map(|f| Choice {
                value: f.as_str().into(),
                label: f.label().into(),
            })
            .collect(),
        error_count: errors.len(),
    })
}

#[derive(Deserialize, Default)]
pub struct NewBatchQuery {
    #[serde(default)]
    program: String,
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NewBatchQuery>,
) -> Result<Response, WebError> {
    let form = BatchForm {
        program_id: q.program,
        year: today().year().to_string(),
        ..BatchForm::default()
    };
    Ok(render(&form_page(&state, &ctx, None, &form, &Vec::new()).await?)?.into_response())
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<BatchForm>,
) -> Result<Response, WebError> {
    match app_register::create_batch(&state.db, &ctx.who()?, &form.input()).await {
        Ok(_) => Ok(Redirect::to("/admin/angkatan?pesan=dibuat").into_response()),
        Err(FormError::Fields(errors)) => {
            unprocessable(&form_page(&state, &ctx, None, &form, &errors).await?)
        }
        Err(FormError::App(e)) => Err(e.into()),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let b = register::batch(state.db.pool(), id).await?;
    // An imported batch's dates, funding and capacity are placeholders: left for the admin.
    let real = |v: String| if b.needs_review { String::new() } else { v };
    let form = BatchForm {
        program_id: b.program_id.to_string(),
        year: b.year.to_string(),
        number: b.number.to_string(),
        start_date: real(b.start_date.clone()),
        end_date: real(b.end_date.clone()),
        place: b.place.clone(),
        funding: real(b.funding.clone()),
        capacity: real(b.capacity.to_string()),
        instructor: b.instructor.clone(),
    };
    let editing = Editing {
        id,
        needs_review: b.needs_review,
        participants: b.participants,
    };
    let page = form_page(&state, &ctx, Some(editing), &form, &Vec::new()).await?;
    Ok(render(&page)?.into_response())
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<BatchForm>,
) -> Result<Response, WebError> {
    let current = register::batch(state.db.pool(), id).await?;
    let code = match app_register::update_batch(&state.db, &ctx.who()?, id, &form.input()).await {
        Ok(Saved::Unchanged) => "tetap",
        Ok(Saved::Changed(true)) => "dilengkapi",
        Ok(Saved::Changed(false)) => "disimpan",
        Err(FormError::Fields(errors)) => {
            let editing = Editing {
                id,
                needs_review: current.needs_review,
                participants: current.participants,
            };
            return unprocessable(&form_page(&state, &ctx, Some(editing), &form, &errors).await?);
        }
        Err(FormError::App(e)) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/admin/angkatan?pesan={code}")).into_response())
}
