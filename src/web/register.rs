//! The agency's register: the alumni list with its filters, one alumnus's record, the audited
//! reveal of a NIK and the exports; the forms that keep the register live in the submodules
//! (trades and programs, batches, alumni and their participation in batches).

pub mod batches;
pub mod people;
pub mod trades;

use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::{AppState, Ctx, WebError, render};
use crate::app::register as app_register;
use crate::db::{regions, register};
use crate::domain::dates::{format_date, parse_iso};
use crate::domain::import::values::{Competency, Placement, TrainingResult};
use crate::domain::nik::{Gender, Nik};
use crate::domain::register as rules;
use crate::secrets::personal;
use crate::views::{AlumniPage, AlumnusPage, Choice, Training};

const PAGE_SIZE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct AlumniQuery {
    /// Export only: `xlsx` or `csv`.
    #[serde(default)]
    format: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    kejuruan: String,
    #[serde(default)]
    tahun: String,
    #[serde(default)]
    angkatan: String,
    #[serde(default)]
    kecamatan: String,
    #[serde(default)]
    hasil: String,
    #[serde(default)]
    halaman: Option<i64>,
}

fn id_param(raw: &str) -> Option<i64> {
    raw.trim().parse().ok().filter(|v: &i64| *v > 0)
}

impl AlumniQuery {
    fn filter(&self) -> register::AlumniFilter {
        register::AlumniFilter {
            name: self.q.chars().take(100).collect(),
            trade_id: id_param(&self.kejuruan),
            year: id_param(&self.tahun),
            batch_id: id_param(&self.angkatan),
            kecamatan_code: self.kecamatan.trim().to_owned(),
            result: if matches!(self.hasil.as_str(), "lulus" | "tidak_lulus") {
                self.hasil.clone()
            } else {
                String::new()
            },
        }
    }
}

pub async fn alumni(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AlumniQuery>,
) -> Result<Html<String>, WebError> {
    let filter = q.filter();
    let page = q.halaman.unwrap_or(1).max(1);
    let (rows, total) =
        register::list_alumni(&state.db, &filter, PAGE_SIZE, (page - 1) * PAGE_SIZE).await?;
    let batches = register::batch_options(&state.db).await?;
    let mut years: Vec<i64> = batches.iter().map(|b| b.year).collect();
    years.dedup();
    let query_string = serde_urlencoded::to_string([
        ("q", q.q.as_str()),
        ("kejuruan", q.kejuruan.as_str()),
        ("tahun", q.tahun.as_str()),
        ("angkatan", q.angkatan.as_str()),
        ("kecamatan", q.kecamatan.as_str()),
        ("hasil", q.hasil.as_str()),
    ])
    .unwrap_or_default();
    let view = AlumniPage {
        layout: ctx.layout("Register alumni"),
        rows,
        total,
        page,
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        query_string,
        name: q.q,
        trade: q.kejuruan,
        year: q.tahun,
        batch: q.angkatan,
        kecamatan: q.kecamatan,
        result: q.hasil,
        trades: trade_choices(&state).await?,
        years: years.into_iter().map(|y| y.to_string()).collect(),
        batches: batches
            .into_iter()
            .map(|b| Choice {
                value: b.id.to_string(),
                label: b.label,
            })
            .collect(),
        kecamatans: regions::kecamatan_of(&state.db, &state.settings.instance.kabupaten)
            .await?
            .into_iter()
            .map(|r| Choice {
                value: r.code,
                label: r.name,
            })
            .collect(),
    };
    render(&view)
}

/// `?pesan=` on register pages after a redirect.
#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    pesan: String,
}

/// A stored ISO date as `12 Mei 2024` (as stored when it is not a date).
pub(crate) fn date_text(iso: &str) -> String {
    parse_iso(iso)
        .map(format_date)
        .unwrap_or_else(|| iso.to_owned())
}

fn result_label(v: Option<&str>) -> String {
    [TrainingResult::Lulus, TrainingResult::TidakLulus]
        .into_iter()
        .find(|r| Some(r.as_str()) == v)
        .map(|r| r.label().to_owned())
        .unwrap_or_default()
}

fn competency_label(v: Option<&str>) -> String {
    [Competency::Kompeten, Competency::BelumKompeten]
        .into_iter()
        .find(|c| Some(c.as_str()) == v)
        .map(|c| c.label().to_owned())
        .unwrap_or_default()
}

fn placement_label(v: &str) -> String {
    rules::parse_placement(v)
        .unwrap_or(Placement::Belum)
        .label()
        .to_owned()
}

async fn record_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    reveal: bool,
    notice: Option<&str>,
) -> Result<Response, WebError> {
    let mut record = register::alumnus_record(&state.db, id).await?;
    let summary = register::alumnus_summary(&state.db, id).await?;
    let participations = register::participations_of(&state.db, id).await?;
    let nik = record
        .nik_enc
        .as_deref()
        .and_then(|sealed| personal::open(&state.secrets.data_key, sealed))
        .and_then(|plain| Nik::parse(&plain).ok());
    let nik_text = match (&nik, reveal) {
        (Some(n), true) => n.as_str().to_owned(),
        (Some(n), false) => n.masked(),
        (None, _) => "—".to_owned(),
    };
    let birth = record.birth_date.as_deref().and_then(parse_iso);
    let gender = match record.gender.as_str() {
        "P" => Some(Gender::P),
        "L" => Some(Gender::L),
        _ => None,
    };
    let warnings = nik
        .as_ref()
        .map(|n| rules::nik_mismatches(n, birth, gender))
        .unwrap_or_default();
    record.birth_date = record.birth_date.as_deref().map(date_text);
    let view = AlumnusPage {
        layout: ctx.layout(record.full_name.clone()).with_notice(notice),
        nik: nik_text,
        has_nik: nik.is_some(),
        revealed: reveal && nik.is_some(),
        warnings,
        trainings: participations
            .into_iter()
            .map(|p| Training {
                id: p.id,
                batch: p.batch_label(),
                trade: p.trade,
                result: result_label(p.result.as_deref()),
                competency: competency_label(p.competency.as_deref()),
                placement: placement_label(&p.placement),
                cert_number: p.cert_number.unwrap_or_default(),
                cert_issuer: p.cert_issuer.unwrap_or_default(),
                cert_date: p.cert_date.as_deref().map(date_text).unwrap_or_default(),
                cert_expiry: p.cert_expiry.as_deref().map(date_text).unwrap_or_default(),
            })
            .collect(),
        businesses: summary
            .businesses
            .into_iter()
            .map(|(_, name, verified)| (name, verified))
            .collect(),
        record,
    };
    Ok(render(&view)?.into_response())
}

pub async fn alumnus(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let notice = match q.pesan.as_str() {
        "dibuat" => Some("Data alumni ditambahkan. Tambahkan pelatihan yang diikutinya."),
        "disimpan" => Some("Perubahan data alumni disimpan."),
        "pelatihan-ditambah" => Some("Pelatihan ditambahkan."),
        "pelatihan-disimpan" => Some("Perubahan pelatihan disimpan."),
        "tetap" => Some("Tidak ada yang berubah."),
        _ => None,
    };
    record_page(&state, &ctx, id, false, notice).await
}

/// Shows one full NIK to an admin; the reveal itself is recorded in the audit trail.
pub async fn reveal_nik(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    app_register::reveal_nik(&state.db, &ctx.who()?, id).await?;
    record_page(&state, &ctx, id, true, None).await
}

/// Masked-NIK export of the filtered list (GET, nothing recorded).
pub async fn export(
    State(state): State<AppState>,
    Query(q): Query<AlumniQuery>,
) -> Result<Response, WebError> {
    export_file(&state, &q, false).await
}

/// Full-NIK export (POST with a CSRF token): the admin asked for it, and the audit trail says so.
pub async fn export_full_nik(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::Form(q): axum::Form<AlumniQuery>,
) -> Result<Response, WebError> {
    let response = export_file(&state, &q, true).await?;
    app_register::record_full_nik_export(
        &state.db,
        &ctx.who()?,
        serde_json::json!({
            "format": q.format, "q": q.q, "kejuruan": q.kejuruan, "tahun": q.tahun,
            "angkatan": q.angkatan, "kecamatan": q.kecamatan, "hasil": q.hasil,
        }),
    )
    .await?;
    Ok(response)
}

async fn export_file(
    state: &AppState,
    q: &AlumniQuery,
    full_nik: bool,
) -> Result<Response, WebError> {
    let rows = register::export_alumni(&state.db, &q.filter()).await?;
    let table = crate::export::Table {
        sheet: "Alumni".into(),
        header: [
            "No",
            "Nama",
            "NIK",
            "Jenis Kelamin",
            "Tempat Lahir",
            "Tanggal Lahir",
            "No. HP/WA",
            "Alamat",
            "Desa/Kelurahan",
            "Kecamatan",
            "Pendidikan",
            "Pelatihan",
        ]
        .map(String::from)
        .to_vec(),
        rows: rows
            .into_iter()
            .enumerate()
            .map(|(i, row)| {
                let r = row.record;
                let nik = r
                    .nik_enc
                    .as_deref()
                    .and_then(|sealed| personal::open(&state.secrets.data_key, sealed))
                    .and_then(|plain| Nik::parse(&plain).ok())
                    .map(|n| {
                        if full_nik {
                            n.as_str().to_owned()
                        } else {
                            n.masked()
                        }
                    })
                    .unwrap_or_default();
                vec![
                    (i + 1).to_string(),
                    r.full_name,
                    nik,
                    if r.gender == "P" {
                        "P".into()
                    } else {
                        "L".into()
                    },
                    r.birth_place,
                    r.birth_date.unwrap_or_default(),
                    r.phone.unwrap_or_default(),
                    r.address,
                    r.desa,
                    r.kecamatan,
                    r.education,
                    row.trainings,
                ]
            })
            .collect(),
    };
    download(&table, &q.format, "alumni")
}

/// A list as a download: `.xlsx` (default) or CSV, named `<stem>-<date>.<ext>`.
pub(crate) fn download(
    table: &crate::export::Table,
    format: &str,
    stem: &str,
) -> Result<Response, WebError> {
    use axum::http::header;
    let stamp = crate::domain::dates::to_iso(
        time::OffsetDateTime::now_utc()
            .to_offset(crate::domain::dates::WIB)
            .date(),
    );
    let (bytes, content_type, ext) = match format {
        "csv" => (
            crate::export::to_csv(table),
            "text/csv; charset=utf-8",
            "csv",
        ),
        _ => (
            crate::export::to_xlsx(table),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    let bytes = bytes.map_err(|e| WebError::Internal(e.to_string()))?;
    let disposition = format!("attachment; filename=\"{stem}-{stamp}.{ext}\"");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

// ---- shared by the register forms ----

/// Trades as choices, by name.
pub(crate) async fn trade_choices(state: &AppState) -> Result<Vec<Choice>, WebError> {
    Ok(register::trades(&state.db)
        .await?
        .into_iter()
        .map(|t| Choice {
            value: t.id.to_string(),
            label: t.name,
        })
        .collect())
}

/// Today in WIB.
pub(crate) fn today() -> time::Date {
    time::OffsetDateTime::now_utc()
        .to_offset(crate::domain::dates::WIB)
        .date()
}
