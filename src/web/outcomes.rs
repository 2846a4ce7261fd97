//! `/admin/hasil`: what the training achieves, for the agency and its head (ViewOutcomes): the
//! dashboard with its filter, the people or records behind each number, the training feedback,
//! and the report as PDF and XLSX.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::{AppState, Ctx, WebError, render};
use crate::app::outcomes as uc;
use crate::db::outcomes::{BEHIND_LIMIT, choices};
use crate::domain::dates::today_wib;
use crate::domain::outcomes::{Dimension, Filter, Measure};
use crate::domain::policy::Role;
use crate::domain::rupiah::group_thousands;
use crate::views::outcomes::{self as v, BehindPage, DashboardPage, FeedbackPage};

type Pairs = Query<Vec<(String, String)>>;

fn get<'a>(q: &'a [(String, String)], key: &str) -> Option<&'a str> {
    q.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn filter_of(q: &[(String, String)]) -> Filter {
    Filter::from_pairs(q.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// The report's year: `tahun`, else the current year (WIB).
fn year_of(q: &[(String, String)]) -> i64 {
    get(q, "tahun")
        .and_then(|y| y.trim().parse::<i64>().ok())
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| i64::from(today_wib().year()))
}

pub async fn dashboard(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Pairs,
) -> Result<Response, WebError> {
    ctx.user()?;
    let filter = filter_of(&q);
    let per = get(&q, "rincian")
        .and_then(Dimension::from_slug)
        .unwrap_or(Dimension::Trade);
    let outcomes = uc::build(&state.db, &filter, &[per]).await?;
    let page = DashboardPage {
        layout: ctx.layout("Hasil pelatihan"),
        selects: v::selects(&filter, choices(&state.db, &filter).await?, per),
        cards: v::cards(&outcomes),
        charts: v::charts(&outcomes),
        tables: v::tables(&outcomes),
        year: filter.year.unwrap_or(outcomes.office.fiscal_year),
        feedback_href: with_query("/admin/hasil/umpan-balik", &filter.query()),
    };
    Ok(render(&page)?.into_response())
}

fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

pub async fn behind(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Pairs,
) -> Result<Response, WebError> {
    let user = ctx.user()?;
    let filter = filter_of(&q);
    let measure = Measure::parse(
        get(&q, "ukuran").unwrap_or(""),
        get(&q, "gelombang").and_then(|w| w.parse().ok()),
        get(&q, "hambatan"),
    )
    .ok_or(WebError::NotFound)?;
    let (total, rows) = uc::people(&state.db, &filter, &measure).await?;
    // Only the agency's staff open a person's register entry; the head sees the list.
    let rows = v::behind_rows(rows, user.role == Role::Admin);
    let page = BehindPage {
        layout: ctx.layout(measure.label()),
        title: measure.label(),
        back: with_query("/admin/hasil", &filter.query()),
        total,
        total_text: group_thousands(total),
        shown: rows.len(),
        rows,
    };
    debug_assert!(page.shown as i64 <= BEHIND_LIMIT);
    Ok(render(&page)?.into_response())
}

pub async fn feedback(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Pairs,
) -> Result<Response, WebError> {
    ctx.user()?;
    let filter = filter_of(&q);
    let list = uc::feedback(&state.db, &filter).await?;
    let mut selects = v::selects(
        &filter,
        choices(&state.db, &filter).await?,
        Dimension::Trade,
    );
    selects.retain(|s| s.name != "rincian");
    let page = FeedbackPage {
        layout: ctx.layout("Umpan balik pelatihan"),
        selects,
        groups: v::feedback_groups(list),
        back: with_query("/admin/hasil", &filter.query()),
    };
    Ok(render(&page)?.into_response())
}

fn download(bytes: Vec<u8>, kind: &str, name: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

pub async fn report_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Pairs,
) -> Result<Response, WebError> {
    ctx.user()?;
    let year = year_of(&q);
    let bytes = uc::report_pdf(&state.db, &state.settings.instance, year).await?;
    Ok(download(
        bytes,
        "application/pdf",
        format!("laporan-pemberdayaan-alumni-{year}.pdf"),
    ))
}

pub async fn report_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Pairs,
) -> Result<Response, WebError> {
    ctx.user()?;
    let year = year_of(&q);
    let bytes = uc::report_xlsx(&state.db, year).await?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        format!("laporan-pemberdayaan-alumni-{year}.xlsx"),
    ))
}
