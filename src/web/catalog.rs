//! The public catalog: search, listing pages and storefront pages; the admin's search synonyms.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::{AppState, Ctx, WebError, render};
use crate::app;
use crate::db::{catalog, regions, register};
use crate::domain::dates::format_instant;
use crate::domain::phone::Phone;
use crate::domain::rupiah::Rupiah;
use crate::domain::storefront::stored_price_text;
use crate::domain::whatsapp::chat_link;
use crate::search::{self, Sort};
use crate::views::catalog::{
    BusinessCard, ListingPage, Permit, ResultCard, SearchPage, StoreListing, StorePage,
    StoreReview, Suggestion, SynonymFormPage, SynonymLine, SynonymsPage, rating_text,
};
use crate::views::{Choice, ChoiceGroup, Field};

/// Path ids that are not positive numbers are simply not found.
pub(crate) fn id_of(raw: &str) -> Result<i64, WebError> {
    raw.parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or(WebError::NotFound)
}

fn positive(raw: &str) -> Option<i64> {
    raw.trim().parse().ok().filter(|v: &i64| *v > 0)
}

fn truthy(raw: &str) -> bool {
    matches!(raw.trim(), "1" | "true" | "ya" | "on")
}

/// The catalog's search form, as the browser sends it (every field optional and kept as typed).
#[derive(Deserialize, Serialize, Default, Clone)]
pub struct SearchForm {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub q: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kecamatan: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hanya: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kejuruan: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kategori: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub harga_min: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub harga_maks: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub terverifikasi: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub urut: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub halaman: Option<String>,
}

/// Raw filter values shared by the page and the API.
pub(crate) struct Filters<'a> {
    pub q: &'a str,
    pub kecamatan: &'a str,
    pub only_kecamatan: bool,
    pub trade: &'a str,
    pub category: &'a str,
    pub min_price: &'a str,
    pub max_price: &'a str,
    pub verified: bool,
    pub sort: Sort,
    pub page: Option<&'a str>,
}

/// A price bound: empty is no bound; anything else must be an amount in Rupiah.
fn price_bound(raw: &str) -> Result<Option<i64>, &'static str> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    Rupiah::parse(raw).map(|r| Some(r.amount()))
}

/// The search query, or the price fields' messages (field name, message).
pub(crate) fn build_query(
    f: &Filters<'_>,
    per_page: usize,
) -> (search::Query, Vec<(&'static str, String)>) {
    let mut errors = Vec::new();
    let min_price = price_bound(f.min_price).unwrap_or_else(|e| {
        errors.push(("min_price", e.to_string()));
        None
    });
    let max_price = price_bound(f.max_price).unwrap_or_else(|e| {
        errors.push(("max_price", e.to_string()));
        None
    });
    if let (Some(a), Some(b)) = (min_price, max_price)
        && a > b
    {
        errors.push((
            "max_price",
            "Harga sampai harus sama atau lebih besar dari harga dari.".into(),
        ));
    }
    let kecamatan = f.kecamatan.trim();
    let query = search::Query {
        text: f.q.chars().take(100).collect(),
        trade_id: positive(f.trade),
        category_id: positive(f.category),
        kecamatan: (!kecamatan.is_empty()).then(|| kecamatan.to_owned()),
        only_kecamatan: f.only_kecamatan,
        min_price,
        max_price,
        verified_only: f.verified,
        sort: f.sort,
        page: f
            .page
            .and_then(|p| p.trim().parse::<usize>().ok())
            .unwrap_or(1)
            .clamp(1, 10_000),
        per_page,
    };
    (query, errors)
}

fn link(form: &SearchForm) -> String {
    let qs = serde_urlencoded::to_string(form).unwrap_or_default();
    if qs.is_empty() {
        "/katalog".into()
    } else {
        format!("/katalog?{qs}")
    }
}

pub async fn search_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(form): Query<SearchForm>,
) -> Result<Response, WebError> {
    let filters = Filters {
        q: &form.q,
        kecamatan: &form.kecamatan,
        only_kecamatan: truthy(&form.hanya),
        trade: &form.kejuruan,
        category: &form.kategori,
        min_price: &form.harga_min,
        max_price: &form.harga_maks,
        verified: truthy(&form.terverifikasi),
        sort: Sort::parse(&form.urut),
        page: form.halaman.as_deref(),
    };
    let (query, errors) = build_query(&filters, search::index::PER_PAGE);
    let results = state.catalog.search(&state.db, &query).await?;
    let ids: Vec<i64> = results.hits.iter().map(|h| h.card.listing_id).collect();
    let photos = catalog::first_photos(&state.db, &ids).await?;
    let kecamatan = regions::kecamatan_of(&state.db, &state.settings.instance.kabupaten).await?;
    let trades = register::trades(&state.db).await?;
    let categories = catalog::categories(&state.db).await?;
    let near_name = kecamatan
        .iter()
        .find(|k| Some(&k.code) == query.kecamatan.as_ref())
        .map(|k| k.name.clone())
        .unwrap_or_default();
    let pages = results.pages();
    let page_link = |p: usize| {
        let mut f = form.clone();
        f.halaman = (p > 1).then(|| p.to_string());
        link(&f)
    };
    // Empty results: offer the same search with one filter less.
    let mut suggestions = Vec::new();
    if results.total == 0 {
        let mut drop = |label: &str, change: &dyn Fn(&mut SearchForm)| {
            let mut f = form.clone();
            change(&mut f);
            f.halaman = None;
            let href = link(&f);
            if href != link(&form) {
                suggestions.push(Suggestion {
                    href,
                    label: label.to_owned(),
                });
            }
        };
        drop("Cari di semua kecamatan", &|f| f.hanya.clear());
        drop("Semua kejuruan dan kategori", &|f| {
            f.kejuruan.clear();
            f.kategori.clear();
        });
        drop("Tanpa batas harga", &|f| {
            f.harga_min.clear();
            f.harga_maks.clear();
        });
        drop("Termasuk usaha yang belum terverifikasi", &|f| {
            f.terverifikasi.clear()
        });
        drop("Tanpa saringan apa pun", &|f| {
            *f = SearchForm {
                q: f.q.clone(),
                ..SearchForm::default()
            }
        });
    }
    let field = |name: &str, value: &str| Field {
        value: value.to_owned(),
        error: errors
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, m)| m.clone()),
    };
    let filtered = !form.kejuruan.is_empty()
        || !form.kategori.is_empty()
        || !form.harga_min.is_empty()
        || !form.harga_maks.is_empty()
        || truthy(&form.terverifikasi)
        || !form.urut.is_empty();
    let title = if form.q.trim().is_empty() {
        "Katalog".to_owned()
    } else {
        format!(
            "{} — Katalog",
            form.q.trim().chars().take(60).collect::<String>()
        )
    };
    let page = SearchPage {
        layout: ctx.layout(title),
        q: query.text.clone(),
        trades: trades
            .iter()
            .map(|t| Choice {
                value: t.id.to_string(),
                label: t.name.clone(),
            })
            .collect(),
        categories: trades
            .iter()
            .map(|t| ChoiceGroup {
                label: t.name.clone(),
                choices: categories
                    .iter()
                    .filter(|c| c.trade_id == t.id)
                    .map(|c| Choice {
                        value: c.id.to_string(),
                        label: c.name.clone(),
                    })
                    .collect(),
            })
            .filter(|g| !g.choices.is_empty())
            .collect(),
        kecamatan: kecamatan
            .iter()
            .map(|k| Choice {
                value: k.code.clone(),
                label: k.name.clone(),
            })
            .collect(),
        sorts: Sort::ALL
            .iter()
            .map(|(_, code, label)| Choice {
                value: (*code).to_owned(),
                label: (*label).to_owned(),
            })
            .collect(),
        trade: query.trade_id.map(|t| t.to_string()).unwrap_or_default(),
        category: query.category_id.map(|t| t.to_string()).unwrap_or_default(),
        near: query.kecamatan.clone().unwrap_or_default(),
        near_name,
        only_near: query.only_kecamatan,
        min_price: field("min_price", &form.harga_min),
        max_price: field("max_price", &form.harga_maks),
        verified: query.verified_only,
        sort: query.sort.code().to_owned(),
        results: results
            .hits
            .iter()
            .map(|h| {
                let c = &h.card;
                ResultCard {
                    listing_id: c.listing_id,
                    title: c.title.clone(),
                    price: stored_price_text(&c.price_kind, c.price, &c.unit),
                    business_id: c.business_id,
                    business_name: c.business_name.clone(),
                    kecamatan: c.kecamatan_name.clone(),
                    rating: rating_text(c.rating_count, c.rating_sum),
                    verified: c.verified,
                    photo_id: photos.get(&c.listing_id).copied(),
                    near: h.serves_kecamatan,
                }
            })
            .collect(),
        total: results.total,
        page: results.page,
        pages,
        prev: (results.page > 1).then(|| page_link(results.page - 1)),
        next: (results.page < pages).then(|| page_link(results.page + 1)),
        suggestions,
        filtered,
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(&page)?).into_response())
}

/// The instance's address for links that leave the site (WhatsApp messages).
fn base_url(state: &AppState) -> &str {
    state.settings.public_url.trim_end_matches('/')
}

fn badge(b: &catalog::PublicBusiness) -> String {
    match (&b.verification, b.verified) {
        (Some(v), _) => format!(
            "Alumni BLK terverifikasi — {}, angkatan {} tahun {}",
            v.program, v.batch, v.year
        ),
        (None, true) => "Alumni BLK terverifikasi".into(),
        (None, false) => "Belum terverifikasi".into(),
    }
}

fn business_card(b: &catalog::PublicBusiness) -> BusinessCard {
    BusinessCard {
        id: b.id,
        name: b.name.clone(),
        kecamatan: b.kecamatan.clone(),
        badge: badge(b),
        verified: b.verified,
        rating: rating_text(b.rating_count, b.rating_sum),
    }
}

fn published_phone(b: &catalog::PublicBusiness) -> Option<Phone> {
    b.phone.as_deref().and_then(|p| Phone::parse(p).ok())
}

fn lead_text(days: i64) -> String {
    match days {
        0 => "Bisa hari ini".into(),
        1 => "1 hari".into(),
        d => format!("{d} hari"),
    }
}

fn areas_text(own: &[String], business: &catalog::PublicBusiness) -> String {
    let list = if own.is_empty() { &business.areas } else { own };
    if list.is_empty() {
        if business.kecamatan.is_empty() {
            "Hubungi penjual".into()
        } else {
            format!("Kecamatan {}", business.kecamatan)
        }
    } else {
        list.join(", ")
    }
}

pub async fn listing_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = id_of(&id)?;
    let listing = catalog::listing(&state.db, id).await?;
    let business = catalog::business(&state.db, listing.business_id).await?;
    let link = format!("{}/katalog/{}", base_url(&state), listing.id);
    let whatsapp = published_phone(&business).map(|phone| {
        chat_link(
            Some(&phone),
            &format!(
                "Halo {}, saya tertarik dengan \"{}\" yang Anda tawarkan di Karya: {} — apakah masih tersedia?",
                business.name, listing.title, link
            ),
        )
    });
    let unit = listing.unit.trim();
    let page = ListingPage {
        layout: ctx.layout(listing.title.clone()),
        id: listing.id,
        price: stored_price_text(&listing.price_kind, listing.price, &listing.unit),
        unit: unit.strip_prefix("per ").unwrap_or(unit).to_owned(),
        min_order: listing.min_order,
        lead: lead_text(listing.lead_days),
        areas: areas_text(&listing.areas, &business),
        photos: listing.photo_ids.clone(),
        business: business_card(&business),
        whatsapp,
        title: listing.title,
        kind: listing.kind,
        description: listing.description,
        category: listing.category,
        trade: listing.trade,
    };
    Ok(render(&page)?.into_response())
}

pub async fn store_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = id_of(&id)?;
    let business = catalog::business(&state.db, id).await?;
    let listings = catalog::business_listings(&state.db, id).await?;
    let ids: Vec<i64> = listings.iter().map(|l| l.id).collect();
    let photos = catalog::first_photos(&state.db, &ids).await?;
    let reviews = crate::db::reviews::for_business(&state.db, id, 100).await?;
    let link = format!("{}/toko/{}", base_url(&state), business.id);
    let whatsapp = published_phone(&business).map(|phone| {
        chat_link(
            Some(&phone),
            &format!(
                "Halo {}, saya melihat usaha Anda di Karya: {} — saya ingin bertanya.",
                business.name, link
            ),
        )
    });
    let mut permits = Vec::new();
    for (label, number) in [
        ("NIB", &business.nib),
        ("P-IRT", &business.pirt),
        ("Halal", &business.halal),
    ] {
        if !number.trim().is_empty() {
            permits.push(Permit {
                label,
                number: number.trim().to_owned(),
            });
        }
    }
    let location = match (business.desa.is_empty(), business.kecamatan.is_empty()) {
        (false, false) => format!("{}, Kecamatan {}", business.desa, business.kecamatan),
        (true, false) => format!("Kecamatan {}", business.kecamatan),
        _ => "Belum diisi".into(),
    };
    let page = StorePage {
        layout: ctx.layout(business.name.clone()),
        business: business_card(&business),
        description: business.description.clone(),
        trades: business.trades.join(", "),
        location,
        pickup_address: business.pickup_address.clone(),
        hours: format!(
            "{}, {}–{}",
            crate::domain::storefront::days_text(&business.open_days),
            business.open_from,
            business.open_until
        ),
        areas: areas_text(&[], &business),
        permits,
        listings: listings
            .iter()
            .map(|l| StoreListing {
                id: l.id,
                title: l.title.clone(),
                category: l.category.clone(),
                price: stored_price_text(&l.price_kind, l.price, &l.unit),
                photo_id: photos.get(&l.id).copied(),
            })
            .collect(),
        review_count: business.rating_count,
        reviews: reviews
            .into_iter()
            .map(|r| StoreReview {
                stars: "★".repeat(r.rating.clamp(0, 5) as usize)
                    + &"☆".repeat((5 - r.rating).clamp(0, 5) as usize),
                rating: r.rating,
                body: r.body,
                reviewer: r.reviewer,
                date: format_instant(r.created_at),
                reply: r.reply.filter(|t| !t.trim().is_empty()),
            })
            .collect(),
        whatsapp,
    };
    Ok(render(&page)?.into_response())
}

// ---- the admin's synonyms ----

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    pesan: String,
}

#[derive(Deserialize, Default)]
pub struct SynonymForm {
    #[serde(default)]
    words: String,
}

async fn synonyms_page(
    state: &AppState,
    ctx: &Ctx,
    words: Field,
    notice: Option<&str>,
) -> Result<SynonymsPage, WebError> {
    let groups = catalog::synonyms(&state.db).await?;
    Ok(SynonymsPage {
        layout: ctx.layout("Sinonim pencarian").with_notice(notice),
        groups: groups
            .into_iter()
            .map(|g| SynonymLine {
                id: g.id,
                words: g.words,
            })
            .collect(),
        words,
    })
}

pub async fn synonyms(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let notice = match q.pesan.as_str() {
        "ditambah" => Some("Kelompok sinonim ditambahkan. Pencarian langsung memakainya."),
        "disimpan" => Some("Perubahan kelompok sinonim disimpan."),
        "dihapus" => Some("Kelompok sinonim dihapus."),
        _ => None,
    };
    Ok(render(&synonyms_page(&state, &ctx, Field::default(), notice).await?)?.into_response())
}

pub async fn create_synonym(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<SynonymForm>,
) -> Result<Response, WebError> {
    let words = match search::normalize::validate_group(&form.words) {
        Ok(w) => w,
        Err(message) => {
            let field = Field {
                value: form.words.clone(),
                error: Some(message.into()),
            };
            let page = synonyms_page(&state, &ctx, field, None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    app::catalog::create_synonym(&state.db, &words, &ctx.who()?).await?;
    Ok(Redirect::to("/admin/sinonim?pesan=ditambah").into_response())
}

pub async fn edit_synonym_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let group = catalog::synonym(&state.db, id_of(&id)?).await?;
    let page = SynonymFormPage {
        layout: ctx.layout("Ubah kelompok sinonim"),
        id: group.id,
        words: Field::new(&group.words),
    };
    Ok(render(&page)?.into_response())
}

pub async fn update_synonym(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<SynonymForm>,
) -> Result<Response, WebError> {
    let id = id_of(&id)?;
    let words = match search::normalize::validate_group(&form.words) {
        Ok(w) => w,
        Err(message) => {
            // The group must exist for its form to be shown again.
            catalog::synonym(&state.db, id).await?;
            let page = SynonymFormPage {
                layout: ctx.layout("Ubah kelompok sinonim"),
                id,
                words: Field {
                    value: form.words.clone(),
                    error: Some(message.into()),
                },
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    app::catalog::update_synonym(&state.db, id, &words, &ctx.who()?).await?;
    Ok(Redirect::to("/admin/sinonim?pesan=disimpan").into_response())
}

pub async fn delete_synonym(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = id_of(&id)?;
    app::catalog::delete_synonym(&state.db, id, &ctx.who()?).await?;
    Ok(Redirect::to("/admin/sinonim?pesan=dihapus").into_response())
}
