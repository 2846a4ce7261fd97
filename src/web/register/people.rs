//! Alumni and their participation in batches: the forms that create and edit them. NIK is
//! sealed with the data key and looked up by its keyed hash, exactly as the importer does, so an
//! alumnus entered here is the same person when a later spreadsheet names them.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::today;
use crate::app::register::{self as app_register, AlumnusContext, Regions, Saved, masked_nik};
use crate::app::{AppError, FormError};
use crate::db::register::{self, ParticipationRow, StoredAlumnus};
use crate::domain::register::{AlumnusInput, EDUCATION, ParticipationInput};
use crate::domain::user::FieldErrors;
use crate::views::{AlumnusFormPage, Choice, ChoiceGroup, ParticipationFormPage};
use crate::web::{AppState, Ctx, WebError, render};
use crate::web::{field, unprocessable};

// ---- alumni ----

#[derive(Deserialize, Default)]
pub struct AlumnusForm {
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    gender: String,
    #[serde(default)]
    birth_place: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    nik: String,
    /// Checkbox: remove the stored NIK.
    #[serde(default)]
    hapus_nik: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    kecamatan: String,
    #[serde(default)]
    desa: String,
    #[serde(default)]
    education: String,
}

impl AlumnusForm {
    fn input(&self) -> AlumnusInput<'_> {
        AlumnusInput {
            full_name: &self.full_name,
            gender: &self.gender,
            birth_place: &self.birth_place,
            birth_date: &self.birth_date,
            nik: &self.nik,
            remove_nik: !self.hapus_nik.is_empty(),
            phone: &self.phone,
            address: &self.address,
            kecamatan: &self.kecamatan,
            desa: &self.desa,
            education: &self.education,
        }
    }

    /// The stored record as the form shows it; the NIK field starts empty (it is never shown
    /// in full on a form).
    fn from_stored(a: &StoredAlumnus) -> AlumnusForm {
        AlumnusForm {
            full_name: a.full_name.clone(),
            gender: a.gender.clone(),
            birth_place: a.birth_place.clone(),
            birth_date: a.birth_date.clone().unwrap_or_default(),
            nik: String::new(),
            hapus_nik: String::new(),
            phone: a.phone.clone().unwrap_or_default(),
            address: a.address.clone(),
            kecamatan: a.kecamatan_code.clone().unwrap_or_default(),
            desa: a.desa_code.clone().unwrap_or_default(),
            education: a.education.clone(),
        }
    }
}

async fn load_regions(state: &AppState) -> Result<Regions, WebError> {
    Ok(Regions::load(&state.db, &state.settings.instance.kabupaten).await?)
}

fn masked(state: &AppState, sealed: Option<&str>) -> Option<String> {
    masked_nik(&state.secrets.data_key, sealed)
}

fn alumnus_page(
    ctx: &Ctx,
    id: Option<i64>,
    stored_nik: Option<String>,
    regions: &Regions,
    form: &AlumnusForm,
    errors: &FieldErrors,
) -> AlumnusFormPage {
    let mut desas: Vec<ChoiceGroup> = regions
        .kecamatan
        .iter()
        .map(|k| ChoiceGroup {
            label: format!("Kec. {}", k.name),
            choices: Vec::new(),
        })
        .collect();
    for d in &regions.desa {
        let parent = d.parent_code().unwrap_or_default();
        if let Some(i) = regions.kecamatan.iter().position(|k| k.code == parent) {
            desas[i].choices.push(Choice {
                value: d.code.clone(),
                label: d.name.clone(),
            });
        }
    }
    desas.retain(|g| !g.choices.is_empty());
    AlumnusFormPage {
        layout: ctx.layout(if id.is_some() {
            "Ubah data alumni"
        } else {
            "Tambah alumni"
        }),
        id,
        full_name: field(errors, "full_name", &form.full_name),
        gender: field(errors, "gender", &form.gender),
        birth_place: field(errors, "birth_place", &form.birth_place),
        birth_date: field(errors, "birth_date", &form.birth_date),
        nik: field(errors, "nik", &form.nik),
        stored_nik,
        remove_nik: !form.hapus_nik.is_empty(),
        phone: field(errors, "phone", &form.phone),
        address: field(errors, "address", &form.address),
        kecamatan: field(errors, "kecamatan", &form.kecamatan),
        desa: field(errors, "desa", &form.desa),
        education: field(errors, "education", &form.education),
        kecamatans: regions
            .kecamatan
            .iter()
            .map(|k| Choice {
                value: k.code.clone(),
                label: k.name.clone(),
            })
            .collect(),
        desas,
        educations: EDUCATION,
        error_count: errors.len(),
    }
}

pub async fn new_alumnus_form(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, WebError> {
    let regions = load_regions(&state).await?;
    let page = alumnus_page(
        &ctx,
        None,
        None,
        &regions,
        &AlumnusForm::default(),
        &Vec::new(),
    );
    Ok(render(&page)?.into_response())
}

pub async fn create_alumnus(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<AlumnusForm>,
) -> Result<Response, WebError> {
    let regions = load_regions(&state).await?;
    let cx = AlumnusContext {
        key: &state.secrets.data_key,
        regions: &regions,
        today: today(),
    };
    match app_register::create_alumnus(&state.db, &ctx.who()?, &cx, &form.input()).await {
        Ok(id) => Ok(Redirect::to(&format!("/admin/alumni/{id}?pesan=dibuat")).into_response()),
        Err(FormError::Fields(errors)) => {
            unprocessable(&alumnus_page(&ctx, None, None, &regions, &form, &errors))
        }
        Err(FormError::App(e)) => Err(e.into()),
    }
}

pub async fn edit_alumnus_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let current = register::stored_alumnus(state.db.pool(), id).await?;
    let regions = load_regions(&state).await?;
    let page = alumnus_page(
        &ctx,
        Some(id),
        masked(&state, current.nik_enc.as_deref()),
        &regions,
        &AlumnusForm::from_stored(&current),
        &Vec::new(),
    );
    Ok(render(&page)?.into_response())
}

pub async fn update_alumnus(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<AlumnusForm>,
) -> Result<Response, WebError> {
    let current = register::stored_alumnus(state.db.pool(), id).await?;
    let regions = load_regions(&state).await?;
    let cx = AlumnusContext {
        key: &state.secrets.data_key,
        regions: &regions,
        today: today(),
    };
    match app_register::update_alumnus(&state.db, &ctx.who()?, &cx, id, &form.input()).await {
        Ok(Saved::Unchanged) => {
            Ok(Redirect::to(&format!("/admin/alumni/{id}?pesan=tetap")).into_response())
        }
        Ok(Saved::Changed(())) => {
            Ok(Redirect::to(&format!("/admin/alumni/{id}?pesan=disimpan")).into_response())
        }
        Err(FormError::Fields(errors)) => {
            let stored_nik = masked(&state, current.nik_enc.as_deref());
            let page = alumnus_page(&ctx, Some(id), stored_nik, &regions, &form, &errors);
            unprocessable(&page)
        }
        Err(FormError::App(AppError::Stale)) => {
            // Changed by someone else since this request read it: show the record as it is now.
            let now = register::stored_alumnus(state.db.pool(), id).await?;
            let errors = vec![(
                "full_name",
                "Data ini baru saja diubah pengguna lain. Periksa isian terbaru, lalu simpan lagi."
                    .to_string(),
            )];
            let page = alumnus_page(
                &ctx,
                Some(id),
                masked(&state, now.nik_enc.as_deref()),
                &regions,
                &AlumnusForm::from_stored(&now),
                &errors,
            );
            Ok((StatusCode::CONFLICT, render(&page)?).into_response())
        }
        Err(FormError::App(e)) => Err(e.into()),
    }
}

// ---- participation in batches ----

#[derive(Deserialize, Default)]
pub struct ParticipationForm {
    #[serde(default)]
    batch_id: String,
    #[serde(default)]
    result: String,
    #[serde(default)]
    competency: String,
    #[serde(default)]
    cert_number: String,
    #[serde(default)]
    cert_issuer: String,
    #[serde(default)]
    cert_date: String,
    #[serde(default)]
    cert_expiry: String,
    #[serde(default)]
    placement: String,
}

impl ParticipationForm {
    fn input(&self) -> ParticipationInput<'_> {
        ParticipationInput {
            batch_id: &self.batch_id,
            result: &self.result,
            competency: &self.competency,
            cert_number: &self.cert_number,
            cert_issuer: &self.cert_issuer,
            cert_date: &self.cert_date,
            cert_expiry: &self.cert_expiry,
            placement: &self.placement,
        }
    }

    fn from_row(p: &ParticipationRow) -> ParticipationForm {
        ParticipationForm {
            batch_id: p.batch_id.to_string(),
            result: p.result.clone().unwrap_or_default(),
            competency: p.competency.clone().unwrap_or_default(),
            cert_number: p.cert_number.clone().unwrap_or_default(),
            cert_issuer: p.cert_issuer.clone().unwrap_or_default(),
            cert_date: p.cert_date.clone().unwrap_or_default(),
            cert_expiry: p.cert_expiry.clone().unwrap_or_default(),
            placement: p.placement.clone(),
        }
    }
}

#[derive(Deserialize, Default)]
pub struct NewParticipationQuery {
    #[serde(default)]
    angkatan: String,
}

async fn participation_page(
    state: &AppState,
    ctx: &Ctx,
    alumnus: &StoredAlumnus,
    id: Option<i64>,
    form: &ParticipationForm,
    errors: &FieldErrors,
) -> Result<ParticipationFormPage, WebError> {
    let mut batches: Vec<ChoiceGroup> = Vec::new();
    for b in register::all_batches(&state.db).await? {
        let label = format!("Tahun {}", b.year);
        let choice = Choice {
            value: b.id.to_string(),
            label: b.label(),
        };
        match batches.last_mut() {
            Some(g) if g.label == label => g.choices.push(choice),
            _ => batches.push(ChoiceGroup {
                label,
                choices: vec![choice],
            }),
        }
    }
    Ok(ParticipationFormPage {
        layout: ctx.layout(if id.is_some() {
            "Ubah data pelatihan"
        } else {
            "Tambah pelatihan"
        }),
        alumnus_id: alumnus.id,
        alumnus_name: alumnus.full_name.clone(),
        id,
        batch_id: field(errors, "batch_id", &form.batch_id),
        result: field(errors, "result", &form.result),
        competency: field(errors, "competency", &form.competency),
        cert_number: field(errors, "cert_number", &form.cert_number),
        cert_issuer: field(errors, "cert_issuer", &form.cert_issuer),
        cert_date: field(errors, "cert_date", &form.cert_date),
        cert_expiry: field(errors, "cert_expiry", &form.cert_expiry),
        placement: field(errors, "placement", &form.placement),
        batches,
        issuers: register::cert_issuers(&state.db).await?,
        error_count: errors.len(),
    })
}

pub async fn new_participation_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(alumnus_id): Path<i64>,
    Query(q): Query<NewParticipationQuery>,
) -> Result<Response, WebError> {
    let alumnus = register::stored_alumnus(state.db.pool(), alumnus_id).await?;
    let form = ParticipationForm {
        batch_id: q.angkatan,
        placement: "belum".into(),
        ..ParticipationForm::default()
    };
    let page = participation_page(&state, &ctx, &alumnus, None, &form, &Vec::new()).await?;
    Ok(render(&page)?.into_response())
}

pub async fn create_participation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(alumnus_id): Path<i64>,
    Form(form): Form<ParticipationForm>,
) -> Result<Response, WebError> {
    match app_register::create_participation(&state.db, &ctx.who()?, alumnus_id, &form.input())
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/admin/alumni/{alumnus_id}?pesan=pelatihan-ditambah"
        ))
        .into_response()),
        Err(FormError::Fields(errors)) => {
            let alumnus = register::stored_alumnus(state.db.pool(), alumnus_id).await?;
            let page = participation_page(&state, &ctx, &alumnus, None, &form, &errors).await?;
            unprocessable(&page)
        }
        Err(FormError::App(e)) => Err(e.into()),
    }
}

pub async fn edit_participation_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((alumnus_id, id)): Path<(i64, i64)>,
) -> Result<Response, WebError> {
    let alumnus = register::stored_alumnus(state.db.pool(), alumnus_id).await?;
    let p = register::participation(state.db.pool(), alumnus_id, id).await?;
    let form = ParticipationForm::from_row(&p);
    let page = participation_page(&state, &ctx, &alumnus, Some(id), &form, &Vec::new()).await?;
    Ok(render(&page)?.into_response())
}

pub async fn update_participation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((alumnus_id, id)): Path<(i64, i64)>,
    Form(form): Form<ParticipationForm>,
) -> Result<Response, WebError> {
    match app_register::update_participation(&state.db, &ctx.who()?, alumnus_id, id, &form.input())
        .await
    {
        Ok(Saved::Unchanged) => {
            Ok(Redirect::to(&format!("/admin/alumni/{alumnus_id}?pesan=tetap")).into_response())
        }
        Ok(Saved::Changed(())) => Ok(Redirect::to(&format!(
            "/admin/alumni/{alumnus_id}?pesan=pelatihan-disimpan"
        ))
        .into_response()),
        Err(FormError::Fields(errors)) => {
            let alumnus = register::stored_alumnus(state.db.pool(), alumnus_id).await?;
            let page = participation_page(&state, &ctx, &alumnus, Some(id), &form, &errors).await?;
            unprocessable(&page)
        }
        Err(FormError::App(e)) => Err(e.into()),
    }
}
