//! Alumni and their participation in batches: the forms that create and edit them. NIK is
//! sealed with the data key and looked up by its keyed hash, exactly as the importer does, so an
//! alumnus entered here is the same person when a later spreadsheet names them.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{record_change, today};
use crate::db::register::{self, NewAlumnus, NewParticipation, ParticipationRow, StoredAlumnus};
use crate::db::{DbError, regions};
use crate::domain::dates::to_iso;
use crate::domain::nik::Nik;
use crate::domain::region::Region;
use crate::domain::register::{
    AlumnusFields, AlumnusInput, EDUCATION, NikChange, ParticipationFields, ParticipationInput,
    Places,
};
use crate::domain::user::FieldErrors;
use crate::import::plan::normalise;
use crate::secrets::personal;
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

/// The instance's kecamatan and the desa/kelurahan under them.
struct Regions {
    kecamatan: Vec<Region>,
    desa: Vec<Region>,
}

impl Regions {
    async fn load(state: &AppState) -> Result<Regions, WebError> {
        let kabupaten = &state.settings.instance.kabupaten;
        Ok(Regions {
            kecamatan: regions::kecamatan_of(&state.db, kabupaten).await?,
            desa: register::desa_of(&state.db, kabupaten).await?,
        })
    }

    fn places(&self) -> Places<'_> {
        Places {
            kecamatan: &self.kecamatan,
            desa: &self.desa,
        }
    }

    fn name(&self, code: Option<&str>) -> Option<String> {
        let code = code?;
        Some(
            self.kecamatan
                .iter()
                .chain(&self.desa)
                .find(|r| r.code == code)
                .map_or_else(|| code.to_owned(), |r| r.name.clone()),
        )
    }
}

fn masked(state: &AppState, sealed: Option<&str>) -> Option<String> {
    sealed
        .and_then(|s| personal::open(&state.secrets.data_key, s))
        .and_then(|plain| Nik::parse(&plain).ok())
        .map(|n| n.masked())
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

/// A record as stored: the NIK sealed and hashed the way the importer looks it up.
struct Record {
    full_name: String,
    gender: &'static str,
    birth_place: String,
    birth_date: Option<String>,
    nik_enc: Option<String>,
    nik_hmac: Option<String>,
    /// For the audit: masked.
    nik_masked: Option<String>,
    phone: Option<String>,
    address: String,
    kecamatan_code: Option<String>,
    desa_code: Option<String>,
    education: String,
}

impl Record {
    fn new_alumnus(&self) -> NewAlumnus<'_> {
        NewAlumnus {
            full_name: &self.full_name,
            gender: self.gender,
            birth_place: &self.birth_place,
            birth_date: self.birth_date.as_deref(),
            nik_enc: self.nik_enc.clone(),
            nik_hmac: self.nik_hmac.clone(),
            phone: self.phone.as_deref(),
            address: &self.address,
            kecamatan_code: self.kecamatan_code.as_deref(),
            desa_code: self.desa_code.as_deref(),
            education: &self.education,
        }
    }

    fn json(&self, regions: &Regions) -> serde_json::Value {
        serde_json::json!({
            "full_name": self.full_name, "gender": self.gender, "birth_place": self.birth_place,
            "birth_date": self.birth_date, "nik": self.nik_masked, "phone": self.phone,
            "address": self.address, "kecamatan": regions.name(self.kecamatan_code.as_deref()),
            "desa": regions.name(self.desa_code.as_deref()), "education": self.education,
        })
    }
}

fn stored_json(state: &AppState, a: &StoredAlumnus, regions: &Regions) -> serde_json::Value {
    serde_json::json!({
        "full_name": a.full_name, "gender": a.gender, "birth_place": a.birth_place,
        "birth_date": a.birth_date, "nik": masked(state, a.nik_enc.as_deref()), "phone": a.phone,
        "address": a.address, "kecamatan": regions.name(a.kecamatan_code.as_deref()),
        "desa": regions.name(a.desa_code.as_deref()), "education": a.education,
    })
}

/// Parses the form into the record to store, keeping (or removing) the stored NIK as asked.
async fn validate(
    state: &AppState,
    regions: &Regions,
    form: &AlumnusForm,
    current: Option<&StoredAlumnus>,
) -> Result<Result<Record, FieldErrors>, WebError> {
    let fields = match AlumnusFields::parse(&form.input(), &regions.places(), today()) {
        Ok(f) => f,
        Err(e) => return Ok(Err(e)),
    };
    let key = &state.secrets.data_key;
    let (nik_enc, nik_hmac) = match (&fields.nik, current) {
        (NikChange::Set(n), Some(c))
            if c.nik_hmac.as_deref() == Some(&personal::keyed_hash(key, n.as_str())) =>
        {
            (c.nik_enc.clone(), c.nik_hmac.clone())
        }
        (NikChange::Set(n), _) => (
            Some(personal::seal(key, n.as_str())),
            Some(personal::keyed_hash(key, n.as_str())),
        ),
        (NikChange::Keep, Some(c)) => (c.nik_enc.clone(), c.nik_hmac.clone()),
        (NikChange::Keep, None) | (NikChange::Remove, _) => (None, None),
    };
    let birth_date = fields.birth_date.map(to_iso);
    // Without a NIK the importer knows a person by name and birth date: two such records
    // would be one person to it.
    if nik_hmac.is_none() {
        let name = normalise(&fields.full_name);
        let twins = register::alumni_without_nik_born(
            &state.db,
            birth_date.as_deref(),
            current.map(|c| c.id),
        )
        .await?;
        if let Some((other, _)) = twins.iter().find(|(_, n)| normalise(n) == name) {
            return Ok(Err(vec![(
                "full_name",
                format!(
                    "Sudah ada alumni tanpa NIK dengan nama dan tanggal lahir ini (data nomor {other}). \
                     Isi NIK untuk membedakannya, atau ubah data alumni tersebut."
                ),
            )]));
        }
    }
    Ok(Ok(Record {
        nik_masked: match &fields.nik {
            NikChange::Set(n) => Some(n.masked()),
            NikChange::Keep => current.and_then(|c| masked(state, c.nik_enc.as_deref())),
            NikChange::Remove => None,
        },
        full_name: fields.full_name,
        gender: fields.gender.as_str(),
        birth_place: fields.birth_place,
        birth_date,
        nik_enc,
        nik_hmac,
        phone: fields.phone.map(|p| p.as_str().to_owned()),
        address: fields.address,
        kecamatan_code: fields.kecamatan_code,
        desa_code: fields.desa_code,
        education: fields.education,
    }))
}

fn nik_conflict(e: &DbError) -> Option<FieldErrors> {
    e.is_conflict_on("nik_hmac").then(|| {
        vec![(
            "nik",
            "NIK ini sudah terdaftar untuk alumni lain.".to_string(),
        )]
    })
}

pub async fn new_alumnus_form(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, WebError> {
    let regions = Regions::load(&state).await?;
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
    let regions = Regions::load(&state).await?;
    let record = match validate(&state, &regions, &form, None).await? {
        Ok(r) => r,
        Err(errors) => {
            return unprocessable(&alumnus_page(&ctx, None, None, &regions, &form, &errors));
        }
    };
    let mut tx = state.db.begin().await?;
    let id = match register::create_alumnus(&mut tx, &record.new_alumnus()).await {
        Ok(id) => id,
        Err(e) => {
            return match nik_conflict(&e) {
                Some(errors) => {
                    unprocessable(&alumnus_page(&ctx, None, None, &regions, &form, &errors))
                }
                None => Err(e.into()),
            };
        }
    };
    record_change(
        &mut tx,
        &ctx,
        "alumni.create",
        "alumni",
        id,
        serde_json::json!({"after": record.json(&regions)}),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(Redirect::to(&format!("/admin/alumni/{id}?pesan=dibuat")).into_response())
}

pub async fn edit_alumnus_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let current = register::stored_alumnus(state.db.pool(), id).await?;
    let regions = Regions::load(&state).await?;
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
    let stored_nik = masked(&state, current.nik_enc.as_deref());
    let regions = Regions::load(&state).await?;
    let record = match validate(&state, &regions, &form, Some(&current)).await? {
        Ok(r) => r,
        Err(errors) => {
            let page = alumnus_page(&ctx, Some(id), stored_nik, &regions, &form, &errors);
            return unprocessable(&page);
        }
    };
    let mut tx = state.db.begin().await?;
    let before = register::alumnus_for_update(&mut tx, id).await?;
    if before != current {
        // Changed by someone else since this request read it: show the record as it is now.
        drop(tx);
        let errors = vec![(
            "full_name",
            "Data ini baru saja diubah pengguna lain. Periksa isian terbaru, lalu simpan lagi."
                .to_string(),
        )];
        let page = alumnus_page(
            &ctx,
            Some(id),
            masked(&state, before.nik_enc.as_deref()),
            &regions,
            &AlumnusForm::from_stored(&before),
            &errors,
        );
        return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
    }
    let before_json = stored_json(&state, &before, &regions);
    let after_json = record.json(&regions);
    if before_json == after_json && before.nik_hmac == record.nik_hmac {
        return Ok(Redirect::to(&format!("/admin/alumni/{id}?pesan=tetap")).into_response());
    }
    if let Err(e) = register::update_alumnus(&mut tx, id, &record.new_alumnus()).await {
        drop(tx);
        return match nik_conflict(&e) {
            Some(errors) => unprocessable(&alumnus_page(
                &ctx,
                Some(id),
                stored_nik,
                &regions,
                &form,
                &errors,
            )),
            None => Err(e.into()),
        };
    }
    record_change(
        &mut tx,
        &ctx,
        "alumni.update",
        "alumni",
        id,
        serde_json::json!({"before": before_json, "after": after_json}),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(Redirect::to(&format!("/admin/alumni/{id}?pesan=disimpan")).into_response())
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

/// A participation as stored, with its batch's label for the audit.
struct Taking {
    batch_id: i64,
    batch: String,
    result: Option<&'static str>,
    competency: Option<&'static str>,
    cert_number: Option<String>,
    cert_issuer: Option<String>,
    cert_date: Option<String>,
    cert_expiry: Option<String>,
    placement: &'static str,
}

impl Taking {
    fn new_participation(&self, alumnus_id: i64) -> NewParticipation<'_> {
        NewParticipation {
            alumnus_id,
            batch_id: self.batch_id,
            result: self.result,
            competency: self.competency,
            cert_number: self.cert_number.as_deref(),
            cert_issuer: self.cert_issuer.as_deref(),
            cert_date: self.cert_date.as_deref(),
            placement: self.placement,
        }
    }

    fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "batch": self.batch, "result": self.result, "competency": self.competency,
            "cert_number": self.cert_number, "cert_issuer": self.cert_issuer,
            "cert_date": self.cert_date, "cert_expiry": self.cert_expiry, "placement": self.placement,
        })
    }
}

fn row_json(p: &ParticipationRow) -> serde_json::Value {
    serde_json::json!({
        "batch": p.batch_label(), "result": p.result, "competency": p.competency,
        "cert_number": p.cert_number, "cert_issuer": p.cert_issuer,
        "cert_date": p.cert_date, "cert_expiry": p.cert_expiry, "placement": p.placement,
    })
}

async fn validate_participation(
    state: &AppState,
    form: &ParticipationForm,
) -> Result<Result<Taking, FieldErrors>, WebError> {
    let f = match ParticipationFields::parse(&form.input()) {
        Ok(f) => f,
        Err(e) => return Ok(Err(e)),
    };
    let batch = match register::batch(state.db.pool(), f.batch_id).await {
        Ok(b) => b,
        Err(DbError::NotFound) => {
            return Ok(Err(vec![(
                "batch_id",
                "Angkatan yang dipilih tidak ditemukan.".into(),
            )]));
        }
        Err(e) => return Err(e.into()),
    };
    Ok(Ok(Taking {
        batch_id: batch.id,
        batch: batch.label(),
        result: f.result.map(|r| r.as_str()),
        competency: f.competency.map(|c| c.as_str()),
        cert_number: f.cert_number,
        cert_issuer: f.cert_issuer,
        cert_date: f.cert_date.map(to_iso),
        cert_expiry: f.cert_expiry.map(to_iso),
        placement: f.placement.as_str(),
    }))
}

fn participation_conflict(e: &DbError) -> Option<FieldErrors> {
    e.is_conflict_on("batch_id").then(|| {
        vec![(
            "batch_id",
            "Alumni ini sudah tercatat di angkatan tersebut; ubah data pelatihan yang ada."
                .to_string(),
        )]
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
    let alumnus = register::stored_alumnus(state.db.pool(), alumnus_id).await?;
    let taking = match validate_participation(&state, &form).await? {
        Ok(t) => t,
        Err(errors) => {
            let page = participation_page(&state, &ctx, &alumnus, None, &form, &errors).await?;
            return unprocessable(&page);
        }
    };
    let mut tx = state.db.begin().await?;
    let id = match register::add_participation(&mut tx, &taking.new_participation(alumnus_id)).await
    {
        Ok(id) => id,
        Err(e) => {
            drop(tx);
            return match participation_conflict(&e) {
                Some(errors) => unprocessable(
                    &participation_page(&state, &ctx, &alumnus, None, &form, &errors).await?,
                ),
                None => Err(e.into()),
            };
        }
    };
    if taking.cert_expiry.is_some() {
        register::set_cert_expiry(&mut tx, id, taking.cert_expiry.as_deref()).await?;
    }
    record_change(
        &mut tx,
        &ctx,
        "participation.create",
        "alumni",
        alumnus_id,
        serde_json::json!({"after": taking.json()}),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(Redirect::to(&format!(
        "/admin/alumni/{alumnus_id}?pesan=pelatihan-ditambah"
    ))
    .into_response())
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
    let alumnus = register::stored_alumnus(state.db.pool(), alumnus_id).await?;
    register::participation(state.db.pool(), alumnus_id, id).await?;
    let taking = match validate_participation(&state, &form).await? {
        Ok(t) => t,
        Err(errors) => {
            let page = participation_page(&state, &ctx, &alumnus, Some(id), &form, &errors).await?;
            return unprocessable(&page);
        }
    };
    let mut tx = state.db.begin().await?;
    let before = register::participation_for_update(&mut tx, alumnus_id, id).await?;
    let (before_json, after_json) = (row_json(&before), taking.json());
    if before_json == after_json {
        return Ok(
            Redirect::to(&format!("/admin/alumni/{alumnus_id}?pesan=tetap")).into_response(),
        );
    }
    let new = taking.new_participation(alumnus_id);
    if let Err(e) =
        register::update_participation(&mut tx, id, &new, taking.cert_expiry.as_deref()).await
    {
        drop(tx);
        return match participation_conflict(&e) {
            Some(errors) => unprocessable(
                &participation_page(&state, &ctx, &alumnus, Some(id), &form, &errors).await?,
            ),
            None => Err(e.into()),
        };
    }
    record_change(
        &mut tx,
        &ctx,
        "participation.update",
        "alumni",
        alumnus_id,
        serde_json::json!({"before": before_json, "after": after_json}),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(Redirect::to(&format!(
        "/admin/alumni/{alumnus_id}?pesan=pelatihan-disimpan"
    ))
    .into_response())
}
