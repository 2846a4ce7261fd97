//! Public pages: home, health check.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::{AppState, Ctx, WebError, render};
use crate::db::{regions, register, stats};
use crate::views::{HomePage, TradeCard};

async fn trade_cards(state: &AppState) -> Result<Vec<TradeCard>, WebError> {
    let trades = register::trades(&state.db).await?;
    let counts = stats::per_trade(&state.db).await?;
    Ok(trades
        .into_iter()
        .map(|t| {
            let c = counts.iter().find(|c| c.label == t.name);
            TradeCard {
                id: t.id,
                alumni: c.map_or(0, |c| c.alumni),
                businesses: c.map_or(0, |c| c.businesses),
                name: t.name,
                description: t.description,
            }
        })
        .collect())
}

pub async fn home(State(state): State<AppState>, ctx: Ctx) -> Result<Html<String>, WebError> {
    let overview = stats::overview(&state.db).await?;
    let kecamatan = regions::kecamatan_of(&state.db, &state.settings.instance.kabupaten).await?;
    // A few products to start from: the best rated of verified businesses.
    let picks = state
        .catalog
        .search(
            &state.db,
            &crate::search::Query {
                verified_only: true,
                sort: crate::search::index::Sort::Rating,
                page: 1,
                per_page: 6,
                ..Default::default()
            },
        )
        .await?;
    let ids: Vec<i64> = picks.hits.iter().map(|h| h.card.listing_id).collect();
    let photos = crate::db::catalog::first_photos(&state.db, &ids).await?;
    let products = picks
        .hits
        .iter()
        .map(|h| {
            let c = &h.card;
            crate::views::catalog::ResultCard {
                listing_id: c.listing_id,
                title: c.title.clone(),
                price: crate::domain::storefront::stored_price_text(
                    &c.price_kind,
                    c.price,
                    &c.unit,
                ),
                business_id: c.business_id,
                business_name: c.business_name.clone(),
                kecamatan: c.kecamatan_name.clone(),
                rating: crate::views::catalog::rating_text(c.rating_count, c.rating_sum),
                verified: c.verified,
                photo_id: photos.get(&c.listing_id).copied(),
                near: false,
            }
        })
        .collect();
    let page = HomePage {
        layout: ctx.layout("Beranda"),
        products,
        trades: trade_cards(&state).await?,
        alumni: overview.alumni,
        businesses: overview.businesses,
        offices: overview.offices,
        since: if overview.first_year > 0 {
            overview.first_year
        } else {
            2017
        },
        kecamatan: kecamatan.len() as i64,
    };
    render(&page)
}

/// 200 `ok` when the database answers, 503 when it does not.
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => (
            StatusCode::OK,
            [("content-type", "text/plain; charset=utf-8")],
            "ok",
        )
            .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [("content-type", "text/html; charset=utf-8")],
                "basis data tidak tersedia",
            )
                .into_response()
        }
    }
}

pub async fn not_found() -> WebError {
    WebError::NotFound
}
