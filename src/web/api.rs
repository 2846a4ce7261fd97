//! The public read-only JSON API and its OpenAPI document (generated from these types and
//! handlers). No personal data: no NIK, no bank account, a phone number only when the business
//! published it.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::AppState;
use super::catalog::{Filters, build_query};
use crate::db::{DbError, catalog};
use crate::search::{self, Sort};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Karya — katalog publik",
        description = "Produk dan jasa usaha alumni BLK: daftar dengan saringan, satu produk, satu usaha. Hanya-baca, tanpa data pribadi.",
        version = "1"
    ),
    paths(
        list_listings,
        get_listing,
        get_business,
        super::open_data::procurement_json
    ),
    components(schemas(
        ListingList,
        ListingSummary,
        ListingDetail,
        Business,
        BusinessRef,
        Place,
        Rating,
        Photo,
        Permits,
        Verification,
        ApiError
    ))
)]
pub struct ApiDoc;

/// An error: 404 for an unknown id, 422 for a bad parameter, 503 when the database is away.
#[derive(Serialize, ToSchema)]
pub struct ApiError {
    /// What went wrong, in Indonesian.
    pub error: String,
}

fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(ApiError {
            error: message.to_owned(),
        }),
    )
        .into_response()
}

fn db_error(e: DbError) -> Response {
    match e {
        DbError::NotFound => error(StatusCode::NOT_FOUND, "Data tidak ditemukan."),
        DbError::Unavailable(m) => {
            tracing::warn!(error = %m, "api: database unavailable");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "Basis data sedang tidak dapat dihubungi.",
            )
        }
        other => {
            tracing::error!(error = %other, "api: database error");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Terjadi kesalahan di server.",
            )
        }
    }
}

fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "Data tidak ditemukan.")
}

/// A kecamatan or desa.
#[derive(Serialize, ToSchema)]
pub struct Place {
    /// Kemendagri code, e.g. `15.07.03`.
    pub code: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct Rating {
    /// Average stars (1–5), absent without reviews.
    pub average: Option<f64>,
    pub count: i64,
}

#[derive(Serialize, ToSchema)]
pub struct BusinessRef {
    pub id: i64,
    pub name: String,
    /// Verified by the agency as run by a BLK alumnus.
    pub verified: bool,
    pub url: String,
}

#[derive(Serialize, ToSchema)]
pub struct ListingSummary {
    pub id: i64,
    pub title: String,
    /// `product` or `service`.
    pub kind: String,
    pub category: String,
    pub trade: String,
    /// `fixed`, `from` (price is the starting price) or `quote` (no price: by survey/quote).
    pub price_kind: String,
    /// Whole Rupiah; absent for `quote`.
    pub price: Option<i64>,
    pub unit: String,
    /// The price as shown on the site, e.g. `mulai Rp75.000 / unit AC`.
    pub price_text: String,
    pub business: BusinessRef,
    /// Where the business is located.
    pub kecamatan: Option<Place>,
    pub rating: Rating,
    /// Whether the listing is located in or serves the `kecamatan` asked for.
    pub serves_kecamatan: bool,
    pub url: String,
    pub created_at: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ListingList {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub items: Vec<ListingSummary>,
}

#[derive(Serialize, ToSchema)]
pub struct Photo {
    pub thumbnail_url: String,
    pub detail_url: String,
}

#[derive(Serialize, ToSchema)]
pub struct ListingDetail {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub description: String,
    pub category: String,
    pub trade: String,
    pub price_kind: String,
    pub price: Option<i64>,
    pub unit: String,
    pub price_text: String,
    pub min_order: i64,
    /// Days needed before delivery or service.
    pub lead_days: i64,
    /// Names of the areas this listing serves (empty: the business's areas apply).
    pub areas: Vec<String>,
    pub photos: Vec<Photo>,
    pub business: BusinessRef,
    pub url: String,
    /// Instants as Unix seconds.
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Permits {
    /// Empty when the business has none.
    pub nib: String,
    pub pirt: String,
    pub halal: String,
}

#[derive(Serialize, ToSchema)]
pub struct Verification {
    pub program: String,
    pub batch_year: i64,
    pub batch_number: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Business {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub trades: Vec<String>,
    pub kecamatan: Option<Place>,
    pub desa: Option<String>,
    /// Seven 0/1 flags, Monday first.
    pub open_days: String,
    pub open_from: String,
    pub open_until: String,
    pub permits: Permits,
    /// WhatsApp number, only when the business published it.
    pub phone: Option<String>,
    pub verified: bool,
    /// The training the verification is based on.
    pub verification: Option<Verification>,
    pub areas: Vec<String>,
    pub rating: Rating,
    pub listings: Vec<ListingSummary>,
    pub url: String,
}

/// The catalog's filters, as query parameters.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ListingParams {
    /// Words to search for (synonyms and one-letter typos are understood).
    #[serde(default)]
    pub q: Option<String>,
    /// Kecamatan code of the searcher: listings in or serving it come first.
    #[serde(default)]
    pub kecamatan: Option<String>,
    /// `true`: only listings in or serving `kecamatan`.
    #[serde(default)]
    #[param(value_type = Option<bool>)]
    pub only_kecamatan: Option<String>,
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub trade_id: Option<String>,
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub category_id: Option<String>,
    /// Whole Rupiah.
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub min_price: Option<String>,
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub max_price: Option<String>,
    #[serde(default)]
    #[param(value_type = Option<bool>)]
    pub verified_only: Option<String>,
    /// `relevance` (default), `newest`, `price_asc`, `price_desc` or `rating`.
    #[serde(default)]
    pub sort: Option<String>,
    /// 1-based page number.
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub page: Option<String>,
    /// Items per page, 1–100 (default 20).
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub per_page: Option<String>,
}

fn base(state: &AppState) -> &str {
    state.settings.public_url.trim_end_matches('/')
}

fn rating(count: i64, sum: i64) -> Rating {
    Rating {
        average: (count > 0).then(|| ((sum as f64 / count as f64) * 100.0).round() / 100.0),
        count,
    }
}

fn summary(base: &str, hit: &search::Hit) -> ListingSummary {
    let c = &hit.card;
    ListingSummary {
        id: c.listing_id,
        title: c.title.clone(),
        kind: c.kind.clone(),
        category: c.category.clone(),
        trade: c.trade.clone(),
        price_kind: c.price_kind.clone(),
        price: c.price,
        unit: c.unit.clone(),
        price_text: crate::domain::storefront::stored_price_text(&c.price_kind, c.price, &c.unit),
        business: BusinessRef {
            id: c.business_id,
            name: c.business_name.clone(),
            verified: c.verified,
            url: format!("{base}/toko/{}", c.business_id),
        },
        kecamatan: c.kecamatan_code.as_ref().map(|code| Place {
            code: code.clone(),
            name: c.kecamatan_name.clone(),
        }),
        rating: rating(c.rating_count, c.rating_sum),
        serves_kecamatan: hit.serves_kecamatan,
        url: format!("{base}/katalog/{}", c.listing_id),
        created_at: c.created_at,
    }
}

fn flag(raw: &Option<String>) -> bool {
    matches!(raw.as_deref().map(str::trim), Some("1" | "true" | "ya"))
}

fn sort_of(raw: &str) -> Option<Sort> {
    Some(match raw.trim() {
        "" | "relevance" => Sort::Relevance,
        "newest" => Sort::Newest,
        "price_asc" => Sort::PriceAsc,
        "price_desc" => Sort::PriceDesc,
        "rating" => Sort::Rating,
        _ => return None,
    })
}

/// Listings matching the filters, best first, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/listings",
    params(ListingParams),
    responses(
        (status = 200, description = "Satu halaman hasil", body = ListingList),
        (status = 422, description = "Parameter tidak valid", body = ApiError)
    )
)]
pub async fn list_listings(
    State(state): State<AppState>,
    Query(p): Query<ListingParams>,
) -> Response {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let Some(sort) = sort_of(&s(&p.sort)) else {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "sort harus salah satu dari relevance, newest, price_asc, price_desc, rating.",
        );
    };
    for (name, raw) in [
        ("trade_id", &p.trade_id),
        ("category_id", &p.category_id),
        ("page", &p.page),
        ("per_page", &p.per_page),
    ] {
        if raw
            .as_deref()
            .is_some_and(|v| !v.trim().is_empty() && v.trim().parse::<u32>().is_err())
        {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("{name} harus bilangan bulat positif."),
            );
        }
    }
    let per_page = p
        .per_page
        .as_deref()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(search::index::PER_PAGE)
        .clamp(1, 100);
    let (q, kecamatan, trade, category, min, max) = (
        s(&p.q),
        s(&p.kecamatan),
        s(&p.trade_id),
        s(&p.category_id),
        s(&p.min_price),
        s(&p.max_price),
    );
    let filters = Filters {
        q: &q,
        kecamatan: &kecamatan,
        only_kecamatan: flag(&p.only_kecamatan),
        trade: &trade,
        category: &category,
        min_price: &min,
        max_price: &max,
        verified: flag(&p.verified_only),
        sort,
        page: p.page.as_deref(),
    };
    let (query, errors) = build_query(&filters, per_page);
    if let Some((name, message)) = errors.first() {
        let name = if *name == "min_price" {
            "min_price"
        } else {
            "max_price"
        };
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("{name}: {message}"),
        );
    }
    let results = match state.catalog.search(&state.db, &query).await {
        Ok(r) => r,
        Err(e) => return db_error(e),
    };
    let base = base(&state);
    Json(ListingList {
        total: results.total as i64,
        page: results.page as i64,
        per_page: results.per_page as i64,
        items: results.hits.iter().map(|h| summary(base, h)).collect(),
    })
    .into_response()
}

/// One listing of an active business.
#[utoipa::path(
    get,
    path = "/api/v1/listings/{id}",
    params(("id" = i64, Path, description = "Nomor produk atau jasa")),
    responses(
        (status = 200, description = "Produk atau jasa", body = ListingDetail),
        (status = 404, description = "Tidak ada", body = ApiError)
    )
)]
pub async fn get_listing(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let Some(id) = id.parse::<i64>().ok().filter(|v| *v > 0) else {
        return not_found();
    };
    let l = match catalog::listing(&state.db, id).await {
        Ok(l) => l,
        Err(e) => return db_error(e),
    };
    let b = match catalog::business(&state.db, l.business_id).await {
        Ok(b) => b,
        Err(e) => return db_error(e),
    };
    let base = base(&state);
    Json(ListingDetail {
        id: l.id,
        price_text: crate::domain::storefront::stored_price_text(&l.price_kind, l.price, &l.unit),
        title: l.title,
        kind: l.kind,
        description: l.description,
        category: l.category,
        trade: l.trade,
        price_kind: l.price_kind,
        price: l.price,
        unit: l.unit,
        min_order: l.min_order,
        lead_days: l.lead_days,
        areas: l.areas,
        photos: l
            .photo_ids
            .iter()
            .map(|p| Photo {
                thumbnail_url: format!("{base}/foto/{p}/kecil.jpg"),
                detail_url: format!("{base}/foto/{p}/besar.jpg"),
            })
            .collect(),
        business: BusinessRef {
            id: b.id,
            name: b.name,
            verified: b.verified,
            url: format!("{base}/toko/{}", b.id),
        },
        url: format!("{base}/katalog/{}", l.id),
        created_at: l.created_at,
        updated_at: l.updated_at,
    })
    .into_response()
}

/// One active business with its listings.
#[utoipa::path(
    get,
    path = "/api/v1/businesses/{id}",
    params(("id" = i64, Path, description = "Nomor usaha")),
    responses(
        (status = 200, description = "Usaha", body = Business),
        (status = 404, description = "Tidak ada", body = ApiError)
    )
)]
pub async fn get_business(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let Some(id) = id.parse::<i64>().ok().filter(|v| *v > 0) else {
        return not_found();
    };
    let b = match catalog::business(&state.db, id).await {
        Ok(b) => b,
        Err(e) => return db_error(e),
    };
    // The listings as the index has them (same cards as the list), newest first.
    if let Err(e) = state.catalog.refresh(&state.db).await {
        return db_error(e);
    }
    let lines = match catalog::business_listings(&state.db, id).await {
        Ok(l) => l,
        Err(e) => return db_error(e),
    };
    let base = base(&state);
    let listings = lines
        .iter()
        .filter_map(|l| state.catalog.card(l.id))
        .map(|card| {
            summary(
                base,
                &search::Hit {
                    card,
                    serves_kecamatan: false,
                    score: 0,
                },
            )
        })
        .collect();
    Json(Business {
        id: b.id,
        kecamatan: b.kecamatan_code.clone().map(|code| Place {
            code,
            name: b.kecamatan.clone(),
        }),
        desa: (!b.desa.is_empty()).then(|| b.desa.clone()),
        permits: Permits {
            nib: b.nib.clone(),
            pirt: b.pirt.clone(),
            halal: b.halal.clone(),
        },
        verification: b.verification.as_ref().map(|v| Verification {
            program: v.program.clone(),
            batch_year: v.year,
            batch_number: v.batch,
        }),
        rating: rating(b.rating_count, b.rating_sum),
        url: format!("{base}/toko/{}", b.id),
        listings,
        name: b.name,
        description: b.description,
        trades: b.trades,
        open_days: b.open_days,
        open_from: b.open_from,
        open_until: b.open_until,
        phone: b.phone,
        verified: b.verified,
        areas: b.areas,
    })
    .into_response()
}

/// The OpenAPI document of this API.
pub async fn openapi_json() -> Response {
    match ApiDoc::openapi().to_json() {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "public, max-age=300"),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "openapi document");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Terjadi kesalahan di server.",
            )
        }
    }
}
