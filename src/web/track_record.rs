//! The track record pages: the alumna's own (`/akun/rekam-jejak`), the agency's view of any
//! alumnus with a link from every figure to the records behind it, and both as PDF.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::claim::own_alumnus;
use super::{AppState, Ctx, WebError, render};
use crate::app::track_record::{self as uc, Viewer};
use crate::db::now;
use crate::domain::capital::record::Figure;
use crate::views::track_record::{
    BehindPage, BehindRow, RecordPage, RecordView, facts, figure_words,
};

fn agency_base(id: i64) -> String {
    format!("/admin/alumni/{id}/rekam-jejak")
}

fn pdf_response(bytes: Vec<u8>, alumnus_id: i64) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"rekam-jejak-{alumnus_id}.pdf\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// The signed-in alumna's own record.
pub async fn own(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let (_, alumnus_id) = match own_alumnus(&ctx)? {
        Ok(v) => v,
        Err(claim_first) => return Ok(claim_first),
    };
    let record = uc::record(&state.db, Viewer::Own, alumnus_id, now()).await?;
    let page = RecordPage {
        layout: ctx.layout("Rekam jejak usaha Anda"),
        heading: "Rekam jejak usaha Anda".into(),
        intro: "Inilah yang akan dilihat mitra permodalan (bank, BAZNAS, CSR) ketika Anda \
                mengajukan modal: angka dari pesanan, pembayaran dan pekerjaan yang tercatat \
                di Karya."
            .into(),
        pdf_href: "/akun/rekam-jejak.pdf".into(),
        back: None,
        record: RecordView::new(&record, None),
    };
    Ok(render(&page)?.into_response())
}

pub async fn own_pdf(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let (_, alumnus_id) = match own_alumnus(&ctx)? {
        Ok(v) => v,
        Err(claim_first) => return Ok(claim_first),
    };
    let settings = &state.settings.instance;
    let bytes = uc::pdf(&state.db, settings, Viewer::Own, alumnus_id, now(), None).await?;
    Ok(pdf_response(bytes, alumnus_id))
}

/// The agency's view of one alumnus's record, every figure linked to its records.
pub async fn agency(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let who = ctx.who()?;
    let record = uc::record(&state.db, Viewer::Agency(&who), id, now()).await?;
    let base = agency_base(id);
    let page = RecordPage {
        layout: ctx.layout(format!("Rekam jejak {}", record.person.name)),
        heading: format!("Rekam jejak usaha {}", record.person.name),
        intro: "Angka yang dilihat mitra permodalan bila alumni ini mengajukan modal. Setiap \
                angka membuka catatan di baliknya."
            .into(),
        pdf_href: format!("{base}.pdf"),
        back: Some((format!("/admin/alumni/{id}"), "Data alumni".into())),
        record: RecordView::new(&record, Some(&base)),
    };
    Ok(render(&page)?.into_response())
}

pub async fn agency_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let who = ctx.who()?;
    let settings = &state.settings.instance;
    let bytes = uc::pdf(&state.db, settings, Viewer::Agency(&who), id, now(), None).await?;
    Ok(pdf_response(bytes, id))
}

/// The records behind one figure; an unknown figure is 404.
pub async fn behind(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, slug)): Path<(i64, String)>,
) -> Result<Response, WebError> {
    let figure = Figure::parse(&slug).ok_or(WebError::NotFound)?;
    let who = ctx.who()?;
    let (record, rows) = uc::behind(&state.db, &who, id, figure, now()).await?;
    let (label, explanation) = figure_words(figure);
    let value = facts(&record, None)
        .into_iter()
        .find(|f| f.figure == Some(figure))
        .map(|f| f.value)
        .unwrap_or_default();
    let page = BehindPage {
        layout: ctx.layout(format!("{label} · {}", record.person.name)),
        name: record.person.name.clone(),
        figure: label,
        explanation,
        value,
        back: agency_base(id),
        rows: rows.iter().map(BehindRow::new).collect(),
    };
    Ok(render(&page)?.into_response())
}
