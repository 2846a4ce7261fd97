//! An alumnus's storefront: their business, its listings and photos; and the agency's
//! verification of businesses and the listing categories.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::form::Posted;
use super::{field, unprocessable};
use crate::app::{AppError, storefronts};
use crate::db::storefront::{self as store, Business, Listing};
use crate::db::{regions, register};
use crate::domain::policy;
use crate::domain::region::Region;
use crate::domain::rupiah::format_rupiah as rupiah;
use crate::domain::rupiah::group_thousands;
use crate::domain::storefront::{
    self as rules, BusinessFields, BusinessInput, DAYS, ListingFields, ListingInput, MAX_PHOTOS,
    Places, UNITS, days_text, price_text,
};
use crate::domain::user::FieldErrors;
use crate::media;
use crate::views::storefront::*;
use crate::views::{Choice, ChoiceGroup, Field};
use crate::web::{AppState, Ctx, WebError, render};

/// The photo upload's body limit: the photo limit plus the multipart envelope.
pub const UPLOAD_LIMIT: usize = media::MAX_BYTES + 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Helpers

fn error_of(errors: &FieldErrors, name: &str) -> Option<String> {
    errors
        .iter()
        .find(|(f, _)| *f == name)
        .map(|(_, m)| m.clone())
}

/// The signed-in alumnus's record id (`None`: the account has not claimed a record yet).
fn alumnus_of(ctx: &Ctx) -> Result<Option<i64>, WebError> {
    Ok(ctx.user()?.links.alumnus_id)
}

/// The signed-in alumnus's business, or a redirect to the dashboard (which explains).
async fn own_business(state: &AppState, ctx: &Ctx) -> Result<Result<Business, Response>, WebError> {
    let Some(alumnus) = alumnus_of(ctx)? else {
        return Ok(Err(Redirect::to("/usaha").into_response()));
    };
    match store::business_of_alumnus(&state.db, alumnus).await? {
        Some(b) => Ok(Ok(b)),
        None => Ok(Err(Redirect::to("/usaha/baru").into_response())),
    }
}

/// A listing the signed-in alumnus may edit (403 when it belongs to someone else).
async fn own_listing(state: &AppState, ctx: &Ctx, id: i64) -> Result<Listing, WebError> {
    Ok(storefronts::own_listing(&state.db, &ctx.user()?.actor(), id).await?)
}

struct Regions {
    kecamatan: Vec<Region>,
    desa: Vec<Region>,
}

impl Regions {
    async fn load(state: &AppState) -> Result<Regions, WebError> {
        let k = &state.settings.instance.kabupaten;
        Ok(Regions {
            kecamatan: regions::kecamatan_of(&state.db, k).await?,
            desa: register::desa_of(&state.db, k).await?,
        })
    }
    fn places(&self) -> Places {
        Places {
            kecamatan: self.kecamatan.iter().map(|r| r.code.clone()).collect(),
            desa: self.desa.iter().map(|r| r.code.clone()).collect(),
        }
    }
    fn name(&self, code: &str) -> String {
        if let Some(k) = self.kecamatan.iter().find(|r| r.code == code) {
            return format!("Kec. {}", k.name);
        }
        if let Some(d) = self.desa.iter().find(|r| r.code == code) {
            return d.name.clone();
        }
        code.to_owned()
    }
    fn desa_in<'a>(&'a self, kecamatan: &'a str) -> impl Iterator<Item = &'a Region> + 'a {
        let prefix = format!("{kecamatan}.");
        self.desa
            .iter()
            .filter(move |d| d.code.starts_with(&prefix))
    }
}

// ---------------------------------------------------------------------------------------------
// The alumnus's dashboard

pub async fn dashboard(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Notice>,
) -> Result<Response, WebError> {
    let Some(alumnus) = alumnus_of(&ctx)? else {
        let page = NoBusinessPage {
            layout: ctx.layout("Usaha saya"),
            claimed: false,
        };
        return Ok(render(&page)?.into_response());
    };
    let Some(b) = store::business_of_alumnus(&state.db, alumnus).await? else {
        let page = NoBusinessPage {
            layout: ctx.layout("Usaha saya"),
            claimed: true,
        };
        return Ok(render(&page)?.into_response());
    };
    let regions = Regions::load(&state).await?;
    let badge = store::badge(&state.db, b.id).await?;
    let listings: Vec<ListingRow> = store::listings_of(&state.db, b.id)
        .await?
        .into_iter()
        .map(|l| ListingRow {
            id: l.id,
            price: price_text(l.price_kind, l.price, &l.unit),
            office_price: l.office_price.map(rupiah),
            title: l.title,
            kind: l.kind.label(),
            category: l.category_name,
            active: l.active,
            photos: l.photo_count,
            cover: l.cover_photo_id,
        })
        .collect();
    let mut facts = vec![
        Fact {
            label: "Kejuruan".into(),
            value: b.trade_name.clone(),
        },
        Fact {
            label: "Lokasi".into(),
            value: [b.desa_name.as_str(), b.kecamatan_name.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", "),
        },
        Fact {
            label: "Wilayah layanan".into(),
            value: if b.area_codes.is_empty() {
                format!("Kec. {} (belum dipilih)", b.kecamatan_name)
            } else {
                b.area_codes
                    .iter()
                    .map(|c| regions.name(c))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        },
        Fact {
            label: "Buka".into(),
            value: format!(
                "{}, {}–{}",
                days_text(&b.open_days),
                b.open_from,
                b.open_until
            ),
        },
        Fact {
            label: "WhatsApp".into(),
            value: match &b.phone {
                Some(p) if b.phone_public => format!("{p} (tampil di halaman toko)"),
                Some(p) => format!("{p} (tidak ditampilkan)"),
                None => "Belum diisi".into(),
            },
        },
    ];
    let permits: Vec<String> = [("NIB", &b.nib), ("P-IRT", &b.pirt), ("Halal", &b.halal)]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    facts.push(Fact {
        label: "Izin".into(),
        value: if permits.is_empty() {
            "Belum ada".into()
        } else {
            permits.join(" · ")
        },
    });
    facts.push(Fact {
        label: "Pembayaran".into(),
        value: {
            let mut ways = vec!["Tunai".to_owned()];
            if !b.bank_account.is_empty() {
                ways.push(format!("Transfer {} (di tagihan saja)", b.bank_name));
            }
            if !b.qris_payload.is_empty() {
                ways.push("QRIS".into());
            }
            ways.join(", ")
        },
    });
    let notice = match q.pesan.as_str() {
        "dibuka" => Some("Usaha Anda sudah dibuka. Tambahkan produk atau jasa pertama Anda."),
        "disimpan" => Some("Data usaha disimpan."),
        "produk-disimpan" => Some("Produk/jasa disimpan."),
        "dijeda" => Some("Produk/jasa dijeda dan tidak tampil di katalog."),
        "diaktifkan" => Some("Produk/jasa aktif kembali."),
        _ => None,
    };
    let page = DashboardPage {
        layout: ctx.layout("Usaha saya").with_notice(notice),
        business_id: b.id,
        name: b.name,
        verified: b.verified_at.is_some(),
        badge,
        facts,
        active_count: listings.iter().filter(|l| l.active).count(),
        listings,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize, Default)]
pub struct Notice {
    #[serde(default)]
    pesan: String,
}

// ---------------------------------------------------------------------------------------------
// The business form

async fn business_page(
    state: &AppState,
    ctx: &Ctx,
    editing: bool,
    form: &Posted,
    errors: &FieldErrors,
) -> Result<BusinessFormPage, WebError> {
    let regions = Regions::load(state).await?;
    let trades = register::trades(&state.db).await?;
    let other = form.all("other_trades");
    let areas = form.all("areas");
    let days = form.all("open_days");
    Ok(BusinessFormPage {
        layout: ctx.layout(if editing {
            "Ubah data usaha"
        } else {
            "Buka usaha"
        }),
        editing,
        error_count: errors.len(),
        name: field(errors, "name", form.get("name")),
        description: field(errors, "description", form.get("description")),
        trade_id: field(errors, "trade_id", form.get("trade_id")),
        other_trades: trades
            .iter()
            .map(|t| Check {
                value: t.id.to_string(),
                label: t.name.clone(),
                checked: other.contains(&t.id.to_string()),
            })
            .collect(),
        trades: trades
            .iter()
            .map(|t| Choice {
                value: t.id.to_string(),
                label: t.name.clone(),
            })
            .collect(),
        other_trades_error: error_of(errors, "other_trades"),
        kecamatan: field(errors, "kecamatan", form.get("kecamatan")),
        kecamatans: regions
            .kecamatan
            .iter()
            .map(|r| Choice {
                value: r.code.clone(),
                label: r.name.clone(),
            })
            .collect(),
        desa: field(errors, "desa", form.get("desa")),
        desa_groups: regions
            .kecamatan
            .iter()
            .map(|k| ChoiceGroup {
                label: k.name.clone(),
                choices: regions
                    .desa_in(&k.code)
                    .map(|d| Choice {
                        value: d.code.clone(),
                        label: d.name.clone(),
                    })
                    .collect(),
            })
            .collect(),
        areas: regions
            .kecamatan
            .iter()
            .map(|k| {
                let desa: Vec<Check> = regions
                    .desa_in(&k.code)
                    .map(|d| Check {
                        value: d.code.clone(),
                        label: d.name.clone(),
                        checked: areas.contains(&d.code),
                    })
                    .collect();
                AreaGroup {
                    open: desa.iter().any(|d| d.checked),
                    kecamatan: Check {
                        value: k.code.clone(),
                        label: k.name.clone(),
                        checked: areas.contains(&k.code),
                    },
                    desa,
                }
            })
            .collect(),
        areas_error: error_of(errors, "areas"),
        pickup_address: field(errors, "pickup_address", form.get("pickup_address")),
        days: DAYS
            .iter()
            .enumerate()
            .map(|(i, d)| Check {
                value: i.to_string(),
                label: (*d).to_owned(),
                checked: days.contains(&i.to_string()),
            })
            .collect(),
        days_error: error_of(errors, "open_days"),
        open_from: field(errors, "open_from", form.get("open_from")),
        open_until: field(errors, "open_until", form.get("open_until")),
        phone: field(errors, "phone", form.get("phone")),
        phone_public: form.flag("phone_public"),
        nib: field(errors, "nib", form.get("nib")),
        pirt: field(errors, "pirt", form.get("pirt")),
        halal: field(errors, "halal", form.get("halal")),
        qris: field(errors, "qris", form.get("qris")),
        bank_name: field(errors, "bank_name", form.get("bank_name")),
        bank_account: field(errors, "bank_account", form.get("bank_account")),
        bank_holder: field(errors, "bank_holder", form.get("bank_holder")),
    })
}

/// The stored business as the form shows it.
fn business_form(b: &Business) -> Posted {
    let mut v: Vec<(String, String)> = vec![
        ("name".into(), b.name.clone()),
        ("description".into(), b.description.clone()),
        ("trade_id".into(), b.trade_id.to_string()),
        (
            "kecamatan".into(),
            b.kecamatan_code.clone().unwrap_or_default(),
        ),
        ("desa".into(), b.desa_code.clone().unwrap_or_default()),
        ("pickup_address".into(), b.pickup_address.clone()),
        ("open_from".into(), b.open_from.clone()),
        ("open_until".into(), b.open_until.clone()),
        ("phone".into(), b.phone.clone().unwrap_or_default()),
        ("nib".into(), b.nib.clone()),
        ("pirt".into(), b.pirt.clone()),
        ("halal".into(), b.halal.clone()),
        ("qris".into(), b.qris_payload.clone()),
        ("bank_name".into(), b.bank_name.clone()),
        ("bank_account".into(), b.bank_account.clone()),
        ("bank_holder".into(), b.bank_holder.clone()),
    ];
    if b.phone_public {
        v.push(("phone_public".into(), "1".into()));
    }
    for t in &b.other_trade_ids {
        v.push(("other_trades".into(), t.to_string()));
    }
    for a in &b.area_codes {
        v.push(("areas".into(), a.clone()));
    }
    for (i, c) in b.open_days.chars().enumerate() {
        if c == '1' {
            v.push(("open_days".into(), i.to_string()));
        }
    }
    Posted(v)
}

async fn parse_business(
    state: &AppState,
    form: &Posted,
) -> Result<Result<BusinessFields, FieldErrors>, WebError> {
    let trades: Vec<i64> = register::trades(&state.db)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    let places = Regions::load(state).await?.places();
    let other = form.all("other_trades");
    let areas = form.all("areas");
    let days = form.all("open_days");
    let input = BusinessInput {
        name: form.get("name"),
        description: form.get("description"),
        trade_id: form.get("trade_id"),
        other_trades: &other,
        kecamatan: form.get("kecamatan"),
        desa: form.get("desa"),
        areas: &areas,
        pickup_address: form.get("pickup_address"),
        open_days: &days,
        open_from: form.get("open_from"),
        open_until: form.get("open_until"),
        phone: form.get("phone"),
        phone_public: form.flag("phone_public"),
        nib: form.get("nib"),
        pirt: form.get("pirt"),
        halal: form.get("halal"),
        qris: form.get("qris"),
        bank_name: form.get("bank_name"),
        bank_account: form.get("bank_account"),
        bank_holder: form.get("bank_holder"),
    };
    Ok(BusinessFields::parse(&input, &trades, &places))
}

pub async fn new_business(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let Some(alumnus) = alumnus_of(&ctx)? else {
        return Ok(Redirect::to("/usaha").into_response());
    };
    if store::business_of_alumnus(&state.db, alumnus)
        .await?
        .is_some()
    {
        return Ok(Redirect::to("/usaha/ubah").into_response());
    }
    // Sensible starting values: Monday to Saturday, 08:00–17:00, the account's own number.
    let mut v: Vec<(String, String)> = (0..6)
        .map(|i| ("open_days".into(), i.to_string()))
        .collect();
    v.push(("open_from".into(), "08:00".into()));
    v.push(("open_until".into(), "17:00".into()));
    if let Some(p) = &ctx.user()?.phone {
        v.push(("phone".into(), p.clone()));
    }
    let page = business_page(&state, &ctx, false, &Posted(v), &Vec::new()).await?;
    Ok(render(&page)?.into_response())
}

pub async fn create_business(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = Posted(pairs);
    let Some(alumnus) = alumnus_of(&ctx)? else {
        return Ok(Redirect::to("/usaha").into_response());
    };
    if store::business_of_alumnus(&state.db, alumnus)
        .await?
        .is_some()
    {
        return Ok(Redirect::to("/usaha/ubah").into_response());
    }
    let fields = match parse_business(&state, &form).await? {
        Ok(f) => f,
        Err(errors) => {
            return unprocessable(&business_page(&state, &ctx, false, &form, &errors).await?);
        }
    };
    storefronts::create_business(&state.db, alumnus, &fields, ctx.who()?).await?;
    Ok(Redirect::to("/usaha?pesan=dibuka").into_response())
}

pub async fn edit_business(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let b = match own_business(&state, &ctx).await? {
        Ok(b) => b,
        Err(r) => return Ok(r),
    };
    let page = business_page(&state, &ctx, true, &business_form(&b), &Vec::new()).await?;
    Ok(render(&page)?.into_response())
}

pub async fn update_business(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = Posted(pairs);
    let b = match own_business(&state, &ctx).await? {
        Ok(b) => b,
        Err(r) => return Ok(r),
    };
    let actor = ctx.user()?.actor();
    if !policy::may_manage_business(&actor, b.alumnus_id) {
        return Err(WebError::Forbidden);
    }
    let fields = match parse_business(&state, &form).await? {
        Ok(f) => f,
        Err(errors) => {
            return unprocessable(&business_page(&state, &ctx, true, &form, &errors).await?);
        }
    };
    storefronts::update_business(&state.db, &actor, &b, &fields, ctx.who()?).await?;
    Ok(Redirect::to("/usaha?pesan=disimpan").into_response())
}

// ---------------------------------------------------------------------------------------------
// Listings

async fn listing_page(
    state: &AppState,
    ctx: &Ctx,
    b: &Business,
    id: Option<i64>,
    photos: i64,
    form: &Posted,
    errors: &FieldErrors,
) -> Result<ListingFormPage, WebError> {
    let regions = Regions::load(state).await?;
    let mut trade_ids = vec![b.trade_id];
    trade_ids.extend(&b.other_trade_ids);
    let all = store::categories(&state.db).await?;
    let trades = register::trades(&state.db).await?;
    let mut categories = Vec::new();
    let mut without = Vec::new();
    for t in trades.iter().filter(|t| trade_ids.contains(&t.id)) {
        let choices: Vec<Choice> = all
            .iter()
            .filter(|c| c.trade_id == t.id)
            .map(|c| Choice {
                value: c.id.to_string(),
                label: c.name.clone(),
            })
            .collect();
        if choices.is_empty() {
            without.push(t.name.clone());
        } else {
            categories.push(ChoiceGroup {
                label: t.name.clone(),
                choices,
            });
        }
    }
    let chosen = form.all("areas");
    Ok(ListingFormPage {
        layout: ctx.layout(if id.is_some() {
            "Ubah produk/jasa"
        } else {
            "Tambah produk/jasa"
        }),
        id,
        error_count: errors.len(),
        kind: field(errors, "kind", form.get("kind")),
        title: field(errors, "title", form.get("title")),
        description: field(errors, "description", form.get("description")),
        category_id: field(errors, "category_id", form.get("category_id")),
        categories,
        trades_without_categories: without,
        price_kind: field(errors, "price_kind", form.get("price_kind")),
        price: field(errors, "price", form.get("price")),
        office_price: field(errors, "office_price", form.get("office_price")),
        unit: field(errors, "unit", form.get("unit")),
        units: UNITS.to_vec(),
        min_order: field(errors, "min_order", form.get("min_order")),
        lead_days: field(errors, "lead_days", form.get("lead_days")),
        areas: b
            .area_codes
            .iter()
            .map(|c| Check {
                value: c.clone(),
                label: regions.name(c),
                checked: chosen.contains(c),
            })
            .collect(),
        areas_error: error_of(errors, "areas"),
        active: form.flag("active"),
        photos,
    })
}

async fn parse_listing(
    state: &AppState,
    b: &Business,
    form: &Posted,
) -> Result<Result<ListingFields, FieldErrors>, WebError> {
    let mut trade_ids = vec![b.trade_id];
    trade_ids.extend(&b.other_trade_ids);
    let categories: Vec<i64> = store::categories(&state.db)
        .await?
        .into_iter()
        .filter(|c| trade_ids.contains(&c.trade_id))
        .map(|c| c.id)
        .collect();
    let areas = form.all("areas");
    let input = ListingInput {
        kind: form.get("kind"),
        title: form.get("title"),
        description: form.get("description"),
        category_id: form.get("category_id"),
        price_kind: form.get("price_kind"),
        price: form.get("price"),
        office_price: form.get("office_price"),
        unit: form.get("unit"),
        min_order: form.get("min_order"),
        lead_days: form.get("lead_days"),
        areas: &areas,
        active: form.flag("active"),
    };
    Ok(ListingFields::parse(&input, &categories, &b.area_codes))
}

pub async fn new_listing(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let b = match own_business(&state, &ctx).await? {
        Ok(b) => b,
        Err(r) => return Ok(r),
    };
    let form = Posted(vec![
        ("kind".into(), "product".into()),
        ("price_kind".into(), "fixed".into()),
        ("min_order".into(), "1".into()),
        ("lead_days".into(), "0".into()),
        ("active".into(), "1".into()),
    ]);
    let page = listing_page(&state, &ctx, &b, None, 0, &form, &Vec::new()).await?;
    Ok(render(&page)?.into_response())
}

pub async fn create_listing(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = Posted(pairs);
    let b = match own_business(&state, &ctx).await? {
        Ok(b) => b,
        Err(r) => return Ok(r),
    };
    let fields = match parse_listing(&state, &b, &form).await? {
        Ok(f) => f,
        Err(errors) => {
            return unprocessable(&listing_page(&state, &ctx, &b, None, 0, &form, &errors).await?);
        }
    };
    let id = storefronts::create_listing(&state.db, b.id, &fields, ctx.who()?).await?;
    Ok(Redirect::to(&format!("/usaha/produk/{id}/foto?pesan=baru")).into_response())
}

fn listing_form(l: &Listing) -> Posted {
    let mut v: Vec<(String, String)> = vec![
        ("kind".into(), l.kind.as_str().into()),
        ("title".into(), l.title.clone()),
        ("description".into(), l.description.clone()),
        ("category_id".into(), l.category_id.to_string()),
        ("price_kind".into(), l.price_kind.as_str().into()),
        (
            "price".into(),
            l.price.map(group_thousands).unwrap_or_default(),
        ),
        (
            "office_price".into(),
            l.office_price.map(group_thousands).unwrap_or_default(),
        ),
        ("unit".into(), l.unit.clone()),
        ("min_order".into(), l.min_order.to_string()),
        ("lead_days".into(), l.lead_days.to_string()),
    ];
    if l.active {
        v.push(("active".into(), "1".into()));
    }
    for a in &l.area_codes {
        v.push(("areas".into(), a.clone()));
    }
    Posted(v)
}

pub async fn edit_listing(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let l = own_listing(&state, &ctx, id).await?;
    let b = store::business(&state.db, l.business_id).await?;
    let page = listing_page(
        &state,
        &ctx,
        &b,
        Some(id),
        l.photo_count,
        &listing_form(&l),
        &Vec::new(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

pub async fn update_listing(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = Posted(pairs);
    let l = own_listing(&state, &ctx, id).await?;
    let b = store::business(&state.db, l.business_id).await?;
    let fields = match parse_listing(&state, &b, &form).await? {
        Ok(f) => f,
        Err(errors) => {
            return unprocessable(
                &listing_page(&state, &ctx, &b, Some(id), l.photo_count, &form, &errors).await?,
            );
        }
    };
    storefronts::update_listing(&state.db, id, &fields, ctx.who()?).await?;
    Ok(Redirect::to(&format!("/usaha?pesan=produk-disimpan#produk-{id}")).into_response())
}

async fn set_active(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    active: bool,
) -> Result<Response, WebError> {
    let actor = ctx.user()?.actor();
    storefronts::set_listing_active(&state.db, &actor, id, active, ctx.who()?).await?;
    let notice = if active { "diaktifkan" } else { "dijeda" };
    Ok(Redirect::to(&format!("/usaha?pesan={notice}#produk-{id}")).into_response())
}

pub async fn pause_listing(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    set_active(&state, &ctx, id, false).await
}

pub async fn activate_listing(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    set_active(&state, &ctx, id, true).await
}

// ---------------------------------------------------------------------------------------------
// Photos

async fn photos_page(
    state: &AppState,
    ctx: &Ctx,
    l: &Listing,
    error: Option<String>,
    notice: Option<&str>,
) -> Result<PhotosPage, WebError> {
    Ok(PhotosPage {
        layout: ctx.layout(format!("Foto {}", l.title)).with_notice(notice),
        listing_id: l.id,
        title: l.title.clone(),
        photos: store::photos_of(&state.db, l.id)
            .await?
            .into_iter()
            .map(|p| PhotoView {
                id: p.id,
                width: p.width,
                height: p.height,
                kb: (p.thumb_bytes + 1023) / 1024,
            })
            .collect(),
        max: MAX_PHOTOS,
        error,
    })
}

pub async fn photos(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<Notice>,
) -> Result<Response, WebError> {
    let l = own_listing(&state, &ctx, id).await?;
    let notice = match q.pesan.as_str() {
        "baru" => Some("Produk/jasa disimpan. Tambahkan fotonya (paling banyak 5)."),
        "diunggah" => Some("Foto ditambahkan."),
        "dihapus" => Some("Foto dihapus."),
        _ => None,
    };
    Ok(render(&photos_page(&state, &ctx, &l, None, notice).await?)?.into_response())
}

async fn photo_refused(
    state: &AppState,
    ctx: &Ctx,
    l: &Listing,
    status: StatusCode,
    message: String,
) -> Result<Response, WebError> {
    let page = photos_page(state, ctx, l, Some(message), None).await?;
    Ok((status, render(&page)?).into_response())
}

pub async fn upload_photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let l = own_listing(&state, &ctx, id).await?;
    let too_large =
        || "Foto terlalu besar. Batasnya 10 MB; kirim foto dengan ukuran lebih kecil.".to_owned();
    let mut bytes: Option<Vec<u8>> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(f)) if f.name() == Some("foto") => match f.bytes().await {
                Ok(b) => bytes = Some(b.to_vec()),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return photo_refused(
                        &state,
                        &ctx,
                        &l,
                        StatusCode::PAYLOAD_TOO_LARGE,
                        too_large(),
                    )
                    .await;
                }
                Err(_) => {
                    return photo_refused(
                        &state,
                        &ctx,
                        &l,
                        StatusCode::BAD_REQUEST,
                        "Unggahan terputus atau rusak; coba lagi.".into(),
                    )
                    .await;
                }
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return photo_refused(&state, &ctx, &l, StatusCode::PAYLOAD_TOO_LARGE, too_large())
                    .await;
            }
            Err(_) => {
                return photo_refused(
                    &state,
                    &ctx,
                    &l,
                    StatusCode::BAD_REQUEST,
                    "Unggahan terputus atau rusak; coba lagi.".into(),
                )
                .await;
            }
        }
    }
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        return photo_refused(
            &state,
            &ctx,
            &l,
            StatusCode::UNPROCESSABLE_ENTITY,
            media::PhotoError::Empty.to_string(),
        )
        .await;
    };
    if l.photo_count >= MAX_PHOTOS {
        return photo_refused(
            &state,
            &ctx,
            &l,
            StatusCode::UNPROCESSABLE_ENTITY,
            storefronts::photos_full(),
        )
        .await;
    }
    // Decoding is CPU work: off the async threads.
    let processed = tokio::task::spawn_blocking(move || media::process(&bytes))
        .await
        .map_err(|e| WebError::Internal(format!("photo task: {e}")))?;
    let processed = match processed {
        Ok(p) => p,
        Err(e) => {
            let status = if matches!(e, media::PhotoError::TooLarge { .. }) {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            return photo_refused(&state, &ctx, &l, status, e.to_string()).await;
        }
    };
    match storefronts::add_photo(&state.db, id, &processed, ctx.who()?).await {
        Ok(_) => {}
        Err(AppError::Refused(refusal)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return photo_refused(&state, &ctx, &l, status, refusal.to_string()).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("/usaha/produk/{id}/foto?pesan=diunggah")).into_response())
}

pub async fn delete_photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, photo)): Path<(i64, i64)>,
) -> Result<Response, WebError> {
    let actor = ctx.user()?.actor();
    storefronts::delete_photo(&state.db, &actor, id, photo, ctx.who()?).await?;
    Ok(Redirect::to(&format!("/usaha/produk/{id}/foto?pesan=dihapus")).into_response())
}

async fn photo(state: &AppState, id: &str, detail: bool) -> Result<Response, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let bytes = store::photo_bytes(&state.db, id, detail).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            // A photo never changes under its id (a new upload gets a new id).
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        bytes,
    )
        .into_response())
}

pub async fn photo_small(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    photo(&state, &id, false).await
}

pub async fn photo_large(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    photo(&state, &id, true).await
}

// ---------------------------------------------------------------------------------------------
// Agency: verification

#[derive(Deserialize, Default)]
pub struct AdminQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    kejuruan: String,
    #[serde(default)]
    kecamatan: String,
}

pub async fn admin_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AdminQuery>,
) -> Result<Response, WebError> {
    let filter = store::BusinessFilter {
        verified: match q.status.as_str() {
            "terverifikasi" => Some(true),
            "belum" => Some(false),
            _ => None,
        },
        trade_id: q.kejuruan.trim().parse().ok(),
        kecamatan_code: q.kecamatan.trim().to_owned(),
    };
    let lines = store::list_businesses(&state.db, &filter, 500).await?;
    let ids: Vec<i64> = lines.iter().map(|l| l.id).collect();
    let mut badges = store::badges(&state.db, &ids).await?;
    let regions = Regions::load(&state).await?;
    let page = AdminBusinessesPage {
        layout: ctx.layout("Usaha alumni"),
        rows: lines
            .into_iter()
            .map(|l| BusinessLineView {
                badge: badges.remove(&l.id),
                id: l.id,
                name: l.name,
                owner: l.owner_name,
                trade: l.trade_name,
                kecamatan: l.kecamatan_name,
                verified: l.verified,
                listings: l.listings,
            })
            .collect(),
        status: q.status,
        trade: q.kejuruan,
        kecamatan: q.kecamatan,
        trades: super::register::trade_choices(&state).await?,
        kecamatans: regions
            .kecamatan
            .iter()
            .map(|r| Choice {
                value: r.code.clone(),
                label: r.name.clone(),
            })
            .collect(),
    };
    Ok(render(&page)?.into_response())
}

async fn admin_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    participation: Field,
    reason: Field,
    notice: Option<&str>,
) -> Result<AdminBusinessPage, WebError> {
    let b = store::business(&state.db, id).await?;
    let regions = Regions::load(state).await?;
    let listings = store::listings_of(&state.db, id).await?.len() as i64;
    let participations = register::participations_of(&state.db, b.alumnus_id)
        .await?
        .into_iter()
        .map(|p| Choice {
            value: p.id.to_string(),
            label: format!(
                "{}{}",
                p.batch_label(),
                match p.result.as_deref() {
                    Some("lulus") => " (lulus)",
                    Some("tidak_lulus") => " (tidak lulus)",
                    _ => "",
                }
            ),
        })
        .collect();
    let participation = if participation.value.is_empty() {
        Field::new(
            &b.verified_participation_id
                .map(|p| p.to_string())
                .unwrap_or_default(),
        )
    } else {
        participation
    };
    Ok(AdminBusinessPage {
        layout: ctx.layout(format!("Usaha: {}", b.name)).with_notice(notice),
        id,
        badge: store::badge(&state.db, id).await?,
        facts: vec![
            Fact {
                label: "Kejuruan".into(),
                value: b.trade_name.clone(),
            },
            Fact {
                label: "Lokasi".into(),
                value: [b.desa_name.as_str(), b.kecamatan_name.as_str()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(", "),
            },
            Fact {
                label: "Wilayah layanan".into(),
                value: b
                    .area_codes
                    .iter()
                    .map(|c| regions.name(c))
                    .collect::<Vec<_>>()
                    .join(", "),
            },
            Fact {
                label: "Izin".into(),
                value: [("NIB", &b.nib), ("P-IRT", &b.pirt), ("Halal", &b.halal)]
                    .into_iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect::<Vec<_>>()
                    .join(" · "),
            },
            Fact {
                label: "Keterangan".into(),
                value: b.description.clone(),
            },
        ],
        name: b.name,
        owner: b.owner_name,
        alumnus_id: b.alumnus_id,
        participations,
        participation,
        reason,
        listings,
    })
}

pub async fn admin_business(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<Notice>,
) -> Result<Response, WebError> {
    let notice = match q.pesan.as_str() {
        "diverifikasi" => Some("Usaha diverifikasi."),
        "dicabut" => Some("Verifikasi dicabut."),
        _ => None,
    };
    let page = admin_page(&state, &ctx, id, Field::default(), Field::default(), notice).await?;
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize, Default)]
pub struct VerifyForm {
    #[serde(default)]
    participation_id: String,
    #[serde(default)]
    reason: String,
}

pub async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<VerifyForm>,
) -> Result<Response, WebError> {
    let refuse = |message: &str| Field {
        value: form.participation_id.clone(),
        error: Some(message.to_owned()),
    };
    let Ok(participation) = form.participation_id.trim().parse::<i64>() else {
        let page = admin_page(
            &state,
            &ctx,
            id,
            refuse("Pilih pelatihan yang menjadi dasar verifikasi."),
            Field::default(),
            None,
        )
        .await?;
        return unprocessable(&page);
    };
    match storefronts::verify(&state.db, id, participation, ctx.who()?).await {
        Ok(()) => {}
        Err(AppError::Refused(refusal)) => {
            // The business exists (admin_page says 404 otherwise); the participation is not the owner's.
            let field = refuse(&refusal.to_string());
            let page = admin_page(&state, &ctx, id, field, Field::default(), None).await?;
            return unprocessable(&page);
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("/admin/usaha/{id}?pesan=diverifikasi")).into_response())
}

pub async fn unverify(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<VerifyForm>,
) -> Result<Response, WebError> {
    let reason = crate::domain::form::clean(&form.reason);
    if reason.is_empty() || reason.chars().count() > 300 {
        let message = if reason.is_empty() {
            "Tulis alasan pencabutan."
        } else {
            "Alasan maksimal 300 karakter."
        };
        let page = admin_page(
            &state,
            &ctx,
            id,
            Field::default(),
            Field {
                value: form.reason.clone(),
                error: Some(message.into()),
            },
            None,
        )
        .await?;
        return unprocessable(&page);
    }
    storefronts::unverify(&state.db, id, &reason, ctx.who()?).await?;
    Ok(Redirect::to(&format!("/admin/usaha/{id}?pesan=dicabut")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Agency: categories

async fn categories_page(
    state: &AppState,
    ctx: &Ctx,
    trade_id: Field,
    name: Field,
    rename_error: Option<(i64, String)>,
    notice: Option<&str>,
) -> Result<CategoriesPage, WebError> {
    let all = store::categories(&state.db).await?;
    let trades = register::trades(&state.db).await?;
    Ok(CategoriesPage {
        layout: ctx.layout("Kategori produk/jasa").with_notice(notice),
        trades: trades
            .iter()
            .map(|t| CategoryTrade {
                trade_id: t.id,
                name: t.name.clone(),
                categories: all
                    .iter()
                    .filter(|c| c.trade_id == t.id)
                    .map(|c| CategoryLine {
                        id: c.id,
                        name: c.name.clone(),
                        listings: c.listings,
                    })
                    .collect(),
            })
            .collect(),
        trade_choices: trades
            .iter()
            .map(|t| Choice {
                value: t.id.to_string(),
                label: t.name.clone(),
            })
            .collect(),
        trade_id,
        name,
        rename_error,
    })
}

pub async fn categories(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Notice>,
) -> Result<Response, WebError> {
    let notice = match q.pesan.as_str() {
        "ditambah" => Some("Kategori ditambahkan."),
        "diubah" => Some("Nama kategori diganti."),
        _ => None,
    };
    let page = categories_page(
        &state,
        &ctx,
        Field::default(),
        Field::default(),
        None,
        notice,
    )
    .await?;
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize, Default)]
pub struct CategoryForm {
    #[serde(default)]
    trade_id: String,
    #[serde(default)]
    name: String,
}

pub async fn create_category(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::Form(form): axum::Form<CategoryForm>,
) -> Result<Response, WebError> {
    let trades = register::trades(&state.db).await?;
    let trade = form
        .trade_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| trades.iter().any(|t| t.id == *id));
    let name = rules::parse_category_name(&form.name);
    let mut trade_field = Field::new(&form.trade_id);
    let mut name_field = Field::new(&form.name);
    if trade.is_none() {
        trade_field.error = Some("Pilih kejuruan.".into());
    }
    if let Err(e) = &name {
        name_field.error = Some(e.clone());
    }
    let (Some(trade), Ok(name)) = (trade, name) else {
        return unprocessable(
            &categories_page(&state, &ctx, trade_field, name_field, None, None).await?,
        );
    };
    match storefronts::create_category(&state.db, trade, &name, ctx.who()?).await {
        Ok(_) => {}
        Err(AppError::Refused(refusal)) => {
            name_field.error = Some(refusal.to_string());
            return unprocessable(
                &categories_page(&state, &ctx, trade_field, name_field, None, None).await?,
            );
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("/admin/kategori?pesan=ditambah#kejuruan-{trade}")).into_response())
}

async fn rename_refused(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    message: String,
) -> Result<Response, WebError> {
    let page = categories_page(
        state,
        ctx,
        Field::default(),
        Field::default(),
        Some((id, message)),
        None,
    )
    .await?;
    unprocessable(&page)
}

pub async fn rename_category(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<CategoryForm>,
) -> Result<Response, WebError> {
    let name = match rules::parse_category_name(&form.name) {
        Ok(n) => n,
        Err(e) => return rename_refused(&state, &ctx, id, e).await,
    };
    match storefronts::rename_category(&state.db, id, &name, ctx.who()?).await {
        Ok(()) => {}
        Err(AppError::Refused(refusal)) => {
            return rename_refused(&state, &ctx, id, refusal.to_string()).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("/admin/kategori?pesan=diubah#kategori-{id}")).into_response())
}
