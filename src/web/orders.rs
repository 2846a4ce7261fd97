//! Orders from the public: the order form, the order page (timeline, messages, payment, QRIS),
//! each side's order list, reviews, and the agency's dispute decisions.
//!
//! Handlers translate: they parse the request, call one use case of `app::orders` (or its page
//! query `view`), and render or redirect. `domain::order::allowed` decides what each party may
//! do; the page's buttons and the use cases' refusals both come from that answer.

use crate::domain::rupiah::format_rupiah as rupiah;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::session::cookie_value;
use super::{AppState, Ctx, WebError, field, render};
use crate::app::AppError;
use crate::app::orders::{self as uc, Acting, Change, Reach};
use crate::app::words::{self, OrderEvent};
use crate::db::orders::{self, Buyer, Order};
use crate::domain::Refusal;
use crate::domain::audit::Who;
use crate::domain::dates::{format_date, format_instant, parse_iso, to_iso};
use crate::domain::order::{
    Action, Fulfilment, NewOrder, OrderErrors, OrderInput, Party, PayMethod, Payment, ReviewForm,
    State as OrderState, Step, bill_lines, parse_fee, parse_message, parse_quote, parse_reason,
    parse_reply, payment_allowed, stars,
};
use crate::domain::phone::Phone;
use crate::domain::policy::{OrderOwners, order_party};
use crate::domain::rupiah::Rupiah;
use crate::domain::storefront::PriceKind;
use crate::domain::whatsapp::chat_link;
use crate::secrets::token_hash;
use crate::views::orders::{
    ActionForm, BankLine, BillLine, ItemLine, MessageLine, OfferLine, OrderFormPage, OrderForms,
    OrderListPage, OrderPage, OrderRow, PaymentLine, ReviewLine, StateTab, TimelineLine,
};
use crate::views::{Choice, Field};

/// The cookie that remembers a guest's order link (scoped to that order's path).
pub const GUEST_COOKIE: &str = "karya_tamu";
const GUEST_COOKIE_DAYS: i64 = 365;

const STALE_MESSAGE: &str = "Pesanan ini baru saja diubah pihak lain; muat ulang halaman.";

fn today() -> time::Date {
    crate::domain::dates::today_wib()
}

/// Where messages go, with the data key so a guest's messages carry their link.
fn reach(state: &AppState) -> Reach {
    Reach::from_settings(&state.settings).with_guest_key(&state.secrets.data_key)
}

fn internal(e: impl std::fmt::Display) -> WebError {
    WebError::Internal(e.to_string())
}

fn value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

// ---- the order form ----

#[derive(Deserialize, Default)]
pub struct FormQuery {
    #[serde(default)]
    listing: Option<i64>,
    #[serde(default)]
    usaha: Option<i64>,
}

/// The listing's price as the catalog shows it; a "mulai" price says the seller confirms it.
fn offer_price(kind: PriceKind, price: Option<i64>, unit: &str) -> String {
    let text = crate::domain::storefront::price_text(kind, price, unit);
    match (kind, price) {
        (PriceKind::From, Some(_)) => format!("{text} (harga dipastikan penjual)"),
        _ => text,
    }
}

/// The order form's business and listings for this viewer (404 for an unknown or closed
/// business, 403 for the owner's own).
async fn order_form(
    state: &AppState,
    ctx: &Ctx,
    listing: Option<i64>,
    business: Option<i64>,
) -> Result<uc::OrderForm, WebError> {
    let alumnus = ctx.user.as_ref().and_then(|u| u.links.alumnus_id);
    Ok(uc::order_form(&state.db, listing, business, alumnus).await?)
}

struct FormState {
    key: String,
    quantities: Vec<(i64, String)>,
    input: OrderInput,
}

fn form_page(
    ctx: &Ctx,
    shop: &orders::Shop,
    offers: &[crate::domain::order::Offer],
    form: &FormState,
    errors: &OrderErrors,
) -> OrderFormPage {
    let lead = offers.iter().map(|o| o.lead_days).min().unwrap_or(0);
    let f = |name: &str, v: &str| Field {
        value: v.to_owned(),
        error: errors.field(name),
    };
    OrderFormPage {
        layout: ctx.layout(format!("Pesan dari {}", shop.name)),
        business_id: shop.id,
        business_name: shop.name.clone(),
        pickup_address: shop.pickup_address.clone(),
        key: form.key.clone(),
        offers: offers
            .iter()
            .map(|o| OfferLine {
                listing_id: o.listing_id,
                title: o.title.clone(),
                unit: o.unit.clone(),
                price: offer_price(o.price_kind, o.price, &o.unit),
                min_order: o.min_order,
                lead_days: o.lead_days,
                quantity: form
                    .quantities
                    .iter()
                    .find(|(id, _)| *id == o.listing_id)
                    .map(|(_, q)| q.clone())
                    .unwrap_or_default(),
                error: errors.item(o.listing_id),
            })
            .collect(),
        items_error: errors.field("items"),
        needed_on: f("needed_on", &form.input.needed_on),
        min_date: to_iso(crate::domain::order::earliest_date(today(), lead)),
        fulfilment: f("fulfilment", &form.input.fulfilment),
        fulfilments: Fulfilment::ALL
            .iter()
            .map(|x| Choice {
                value: x.as_str().into(),
                label: x.label().into(),
            })
            .collect(),
        address: f("address", &form.input.address),
        note: f("note", &form.input.note),
        name: f("name", &form.input.name),
        phone: f("phone", &form.input.phone),
        email: f("email", &form.input.email),
        error_count: errors.len(),
        guest: ctx.user.is_none(),
    }
}

pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<FormQuery>,
) -> Result<Response, WebError> {
    let uc::OrderForm { shop, mut offers } = order_form(&state, &ctx, q.listing, q.usaha).await?;
    if offers.is_empty() {
        return Err(WebError::NotFound);
    }
    // The chosen listing comes first (on a phone it is the one in view) and starts at its
    // minimum; the others follow in their order and stay empty.
    if let Some(chosen) = q.listing {
        offers.sort_by_key(|o| o.listing_id != chosen);
    }
    let quantities = offers
        .iter()
        .filter(|o| q.listing == Some(o.listing_id) || (q.listing.is_none() && offers.len() == 1))
        .map(|o| (o.listing_id, o.min_order.to_string()))
        .collect();
    let user = ctx.user.as_ref();
    let form = FormState {
        key: crate::secrets::new_token().0,
        quantities,
        input: OrderInput {
            name: user.map(|u| u.display_name.clone()).unwrap_or_default(),
            phone: user
                .and_then(|u| u.phone.as_deref())
                .and_then(|p| Phone::parse(p).ok())
                .map(|p| p.to_string())
                .unwrap_or_default(),
            ..OrderInput::default()
        },
    };
    Ok(render(&form_page(
        &ctx,
        &shop,
        &offers,
        &form,
        &OrderErrors::default(),
    ))?
    .into_response())
}

fn order_location(id: i64, token: Option<&str>, notice: &str) -> String {
    match token {
        Some(t) => format!("/pesanan/{id}?t={t}&pesan={notice}"),
        None => format!("/pesanan/{id}?pesan={notice}"),
    }
}

pub async fn place(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form_key = value(&pairs, "key").trim().to_owned();
    if form_key.len() < 16 || form_key.len() > 100 {
        return Err(WebError::Gone(
            "Formulir pesanan ini tidak lengkap atau sudah kedaluwarsa. Buka lagi halaman pemesanan."
                .into(),
        ));
    }
    // Stored hashed: a read of the table yields no key that could be replayed for a guest's link.
    let key = token_hash(&form_key);
    let user = ctx.user.clone();
    // The guest's secret link, re-derivable from the stored key with the data key: a retried
    // POST leads to the same link, and messages to the guest can carry it.
    let token = user
        .is_none()
        .then(|| uc::guest_token(&state.secrets.data_key, &key));
    // A form posted again returns the order it created, even if the form would no longer
    // validate (the lead time moved past midnight, a listing was paused).
    if let Some(id) = orders::id_by_key(&state.db, &key).await? {
        return existing(&state, id, user.as_ref().map(|u| u.id), token.as_deref()).await;
    }
    let business_id: i64 = value(&pairs, "usaha")
        .parse()
        .map_err(|_| WebError::NotFound)?;
    let uc::OrderForm { shop, offers } = order_form(&state, &ctx, None, Some(business_id)).await?;
    let quantities: Vec<(i64, String)> = offers
        .iter()
        .map(|o| {
            (
                o.listing_id,
                value(&pairs, &format!("qty_{}", o.listing_id))
                    .trim()
                    .to_owned(),
            )
        })
        .collect();
    let input = OrderInput {
        quantities: quantities.clone(),
        needed_on: value(&pairs, "needed_on").into(),
        fulfilment: value(&pairs, "fulfilment").into(),
        address: value(&pairs, "address").into(),
        note: value(&pairs, "note").into(),
        name: value(&pairs, "name").into(),
        phone: value(&pairs, "phone").into(),
        email: value(&pairs, "email").into(),
    };
    let order = match NewOrder::parse(&input, &offers, today()) {
        Ok(o) => o,
        Err(errors) => {
            let form = FormState {
                key: form_key,
                quantities,
                input,
            };
            let page = form_page(&ctx, &shop, &offers, &form, &errors);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    let buyer = Buyer {
        user_id: user.as_ref().map(|u| u.id),
        token_hash: token.as_deref().map(token_hash),
    };
    let label = match &user {
        Some(u) => u.username.clone(),
        None => format!("tamu: {}", order.name),
    };
    let who = Who {
        id: user.as_ref().map(|u| u.id),
        label: &label,
        ip: &ctx.ip,
    };
    let placed = uc::place(
        &state.db,
        shop.id,
        &order,
        &buyer,
        &key,
        &who,
        &reach(&state),
    )
    .await?;
    if !placed.new {
        return existing(&state, placed.id, buyer.user_id, token.as_deref()).await;
    }
    Ok(Redirect::to(&order_location(placed.id, token.as_deref(), "dibuat")).into_response())
}

/// A repeated submission: back to the order it created, if it is this visitor's.
async fn existing(
    state: &AppState,
    id: i64,
    user_id: Option<i64>,
    token: Option<&str>,
) -> Result<Response, WebError> {
    let order = orders::get(&state.db, id).await?;
    let same_buyer = match (user_id, token) {
        (Some(u), _) => order.buyer_user_id == Some(u),
        (None, Some(t)) => order.guest_token_hash.as_deref() == Some(token_hash(t).as_str()),
        (None, None) => false,
    };
    if !same_buyer {
        return Err(WebError::Gone(
            "Formulir pesanan ini sudah dipakai. Buka lagi halaman pemesanan.".into(),
        ));
    }
    Ok(Redirect::to(&order_location(id, token, "dibuat")).into_response())
}

// ---- the order page ----

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    t: String,
    #[serde(default)]
    pesan: String,
    #[serde(default)]
    kabari: String,
}

/// Who the viewer is on this order, and the guest token that proved it (if any).
fn viewer(
    ctx: &Ctx,
    order: &Order,
    headers: &HeaderMap,
    offered_token: &str,
) -> Option<(Party, Option<String>)> {
    let candidates = [
        Some(offered_token.to_owned()).filter(|t| !t.is_empty()),
        cookie_value(headers, GUEST_COOKIE),
    ];
    let token = candidates.into_iter().flatten().find(|t| {
        order
            .guest_token_hash
            .as_deref()
            .is_some_and(|h| h == token_hash(t))
    });
    let actor = ctx.user.as_ref().map(|u| u.actor());
    let owners = OrderOwners {
        buyer_user_id: order.buyer_user_id,
        seller_alumnus_id: order.seller_alumnus_id,
    };
    let party = order_party(actor.as_ref(), &owners, token.is_some())?;
    let token = if party == Party::Buyer && order.buyer_user_id.is_none() {
        token
    } else {
        None
    };
    Some((party, token))
}

fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "dibuat" => "Pesanan terkirim. Penjual sudah diberi tahu.",
        "pesan" => "Pesan terkirim.",
        "pembayaran" => "Pembayaran dicatat. Pembeli diminta mengonfirmasi.",
        "konfirmasi-pembayaran" => "Pembayaran dikonfirmasi.",
        "balas-ulasan" => "Balasan ulasan disimpan.",
        "tawar" => "Penawaran harga terkirim ke pembeli.",
        "terima-penawaran" => "Penawaran disetujui. Pesanan diterima.",
        "tolak-penawaran" => "Penawaran ditolak. Penjual dapat mengirim penawaran baru.",
        "terima" => "Pesanan diterima.",
        "mulai" => "Pesanan ditandai sedang dikerjakan.",
        "kirim" => "Pesanan ditandai sudah dikirim/selesai dikerjakan.",
        "konfirmasi" => "Terima kasih. Pesanan selesai; silakan beri ulasan.",
        "ulasan" => "Terima kasih atas ulasan Anda.",
        "batal" => "Pesanan dibatalkan.",
        "sengketa" => "Sengketa diajukan. Disnakertrans akan menelaah dan memutuskannya.",
        "putuskan-selesai" | "putuskan-batal" => "Keputusan sengketa dicatat.",
        _ => return None,
    })
}

fn action_form(action: Action, delivers: bool) -> ActionForm {
    let (kind, danger, hint) = match action {
        Action::Quote => ("quote", false, ""),
        Action::Accept if delivers => ("accept", false, ""),
        Action::Review => ("review", false, ""),
        Action::Cancel => ("reason", true, "Alasan pembatalan (wajib)"),
        Action::Dispute => (
            "reason",
            true,
            "Apa masalahnya? (wajib; dibaca Disnakertrans)",
        ),
        Action::ResolveComplete | Action::ResolveCancel => (
            "reason",
            false,
            "Isi keputusan dan dasarnya (wajib; dicatat)",
        ),
        Action::RejectQuote => ("simple", true, ""),
        _ => ("simple", false, ""),
    };
    ActionForm {
        slug: action.slug(),
        label: action.label(),
        kind,
        danger,
        hint,
    }
}

/// What the page adds besides the order: the result of a failed form, a notice.
#[derive(Default)]
struct Extras {
    alert: Option<String>,
    notice: Option<&'static str>,
    /// What just happened (the notice's code), for the click-to-chat message.
    event: String,
    kabari: bool,
    forms: OrderForms,
}

fn what_happened(action: &str, from: Option<OrderState>, to: OrderState) -> String {
    match action {
        "dibuat" => "membuat pesanan".into(),
        "pembayaran" => "mencatat pembayaran".into(),
        "pembayaran-dikonfirmasi" => "mengonfirmasi pembayaran".into(),
        "balas-ulasan" => "membalas ulasan".into(),
        slug => match Action::from_slug(slug) {
            Some(a) => a.done().into(),
            None => match from {
                Some(f) => format!("mengubah status dari “{}” ke “{}”", f.label(), to.label()),
                None => to.label().to_owned(),
            },
        },
    }
}

/// The dynamic QRIS payload for the order's exact total, while the order is agreed and no
/// payment is recorded (once the seller records one, the code is gone), for its buyer and
/// seller.
fn qris_payload(
    order: &Order,
    shop: &orders::Shop,
    party: Party,
    payment_recorded: bool,
) -> Option<String> {
    let total = order.total?;
    if shop.qris_payload.is_empty()
        || !payment_allowed(order.state)
        || party == Party::Agency
        || payment_recorded
    {
        return None;
    }
    match crate::domain::qris::with_amount(&shop.qris_payload, Rupiah::new(total).ok()?) {
        Ok(payload) => Some(payload),
        Err(e) => {
            tracing::warn!(business = shop.id, error = %e, "stored QRIS payload unusable");
            None
        }
    }
}

#[derive(Deserialize, Default)]
pub struct TokenQuery {
    #[serde(default)]
    t: String,
}

/// The order's QRIS as a PNG to save (a payment app reads it from the phone's gallery), for its
/// buyer and seller while the page shows it; 404 otherwise.
pub async fn qris_png(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<TokenQuery>,
) -> Result<Response, WebError> {
    let order = orders::get(&state.db, id).await?;
    let Some((party, _)) = viewer(&ctx, &order, &headers, &q.t) else {
        return Err(WebError::NotFound);
    };
    let shop = orders::shop(&state.db, order.business_id).await?;
    let recorded = orders::payment(&state.db, order.id).await?.is_some();
    let payload = qris_payload(&order, &shop, party, recorded).ok_or(WebError::NotFound)?;
    let png = tokio::task::spawn_blocking(move || crate::media::qr_png(&payload, 10))
        .await
        .map_err(internal)?
        .ok_or_else(|| WebError::Internal("QRIS image could not be drawn".into()))?;
    let disposition = format!("attachment; filename=\"qris-pesanan-{id}.png\"");
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/png")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(internal)?,
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        png,
    )
        .into_response())
}

/// The click-to-chat link telling the other side what the viewer just did (`event`: the
/// notice's code), in the words of the notification they got, with their own link (a guest
/// buyer's secret link), the amount and the date; and whom it goes to. `None` without a phone
/// number, or for a guest whose link cannot be re-derived.
fn kabari_link(
    order: &Order,
    party: Party,
    event: &str,
    items: &[crate::domain::order::Line],
    payment: Option<&orders::PaymentRecord>,
    shop: &orders::Shop,
    reach: &Reach,
) -> (Option<String>, &'static str) {
    let lines = uc::lines_text(items);
    let about = uc::about(order, &lines);
    let happened = match (event, payment) {
        ("dibuat", _) => OrderEvent::Placed,
        ("pembayaran", Some(p)) => OrderEvent::PaymentRecorded {
            method: p.method,
            amount: p.amount,
            paid_on: &p.paid_on,
        },
        ("konfirmasi-pembayaran", _) => OrderEvent::PaymentConfirmed,
        (slug, _) => OrderEvent::Changed {
            action: Action::from_slug(slug).unwrap_or(Action::Accept),
            by: party,
            to: order.state,
            note: "",
        },
    };
    let generic = Action::from_slug(event).is_none()
        && !matches!(event, "dibuat" | "pembayaran" | "konfirmasi-pembayaran");
    let said = if generic {
        words::Words {
            title: format!(
                "Pesanan #{} ({}) sekarang berstatus “{}”.",
                order.id,
                order.business_name,
                order.state.label()
            ),
            body: String::new(),
        }
    } else {
        words::order(&happened, &about)
    };
    let (phone, link, to) = match party {
        Party::Seller => (
            Phone::parse(&order.buyer_phone).ok(),
            uc::buyer_link(order, reach),
            "pembeli",
        ),
        _ => (
            shop.phone.as_deref().and_then(|p| Phone::parse(p).ok()),
            Some(format!("{}/pesanan/{}", reach.base_url, order.id)),
            "penjual",
        ),
    };
    match (phone, link) {
        (Some(phone), Some(link)) => (Some(chat_link(Some(&phone), &said.with_link(&link))), to),
        _ => (None, to),
    }
}

async fn order_page(
    state: &AppState,
    ctx: &Ctx,
    order: &Order,
    party: Party,
    token: Option<&str>,
    extras: Extras,
) -> Result<OrderPage, WebError> {
    let uc::OrderView {
        items,
        timeline: events,
        messages,
        payment,
        review,
        shop,
        allowed,
    } = uc::view(&state.db, order, party).await?;
    let reach = reach(state);
    let delivers = uc::delivers(order);
    let actions: Vec<ActionForm> = allowed
        .actions()
        .into_iter()
        .map(|a| action_form(a, delivers))
        .collect();
    let needs_quote = allowed.permits(Step::Act(Action::Quote)) && order.total.is_none();
    let base = reach.base_url.as_str();
    let guest_link = token.map(|t| format!("{base}/pesanan/{}?t={t}", order.id));
    let save_link_wa = guest_link.as_ref().and_then(|link| {
        let phone = Phone::parse(&order.buyer_phone).ok()?;
        Some(chat_link(
            Some(&phone),
            &format!(
                "Tautan pesanan #{} saya di {} (Karya): {link}",
                order.id, order.business_name
            ),
        ))
    });
    let estimate: i64 = items
        .iter()
        .filter_map(|i| i.unit_price.map(|p| p * i.quantity))
        .sum();
    let amount_due = order.total;
    let qris_svg = qris_payload(order, &shop, party, payment.is_some())
        .map(|payload| crate::domain::qris::svg(&payload));
    let qris_png = qris_svg.as_ref().map(|_| match token {
        Some(t) => format!("/pesanan/{}/qris.png?t={t}", order.id),
        None => format!("/pesanan/{}/qris.png", order.id),
    });
    let placed = extras.event == "dibuat" && party == Party::Buyer;
    // An order to deliver: its fee is set when the seller accepts or quotes.
    let fee_pending = delivers && matches!(order.state, OrderState::Requested | OrderState::Quoted);
    let (kabari, kabari_to) = if extras.kabari || placed {
        kabari_link(
            order,
            party,
            &extras.event,
            &items,
            payment.as_ref(),
            &shop,
            &reach,
        )
    } else {
        (None, "")
    };
    let layout = ctx
        .layout(format!("Pesanan #{}", order.id))
        .with_notice(extras.notice);
    Ok(OrderPage {
        layout,
        id: order.id,
        version: order.version,
        business_id: order.business_id,
        business_name: order.business_name.clone(),
        state_key: order.state.as_str(),
        state_label: order.state.label(),
        viewer: party.label(),
        is_buyer: party == Party::Buyer,
        is_seller: party == Party::Seller,
        is_agency: party == Party::Agency,
        buyer_name: order.buyer_name.clone(),
        buyer_phone: if party == Party::Buyer {
            String::new()
        } else {
            order.buyer_phone.clone()
        },
        buyer_email: if party == Party::Buyer {
            String::new()
        } else {
            order.buyer_email.clone()
        },
        fulfilment: Fulfilment::parse(&order.fulfilment)
            .map(|f| f.label().to_owned())
            .unwrap_or_default(),
        address: order.address.clone(),
        needed_on: parse_iso(&order.needed_on)
            .map(format_date)
            .unwrap_or_else(|| order.needed_on.clone()),
        note: order.note.clone(),
        created_at: format_instant(order.created_at),
        items: items
            .iter()
            .map(|i| ItemLine {
                title: i.title.clone(),
                quantity: format!("{} {}", i.quantity, i.unit),
                price: match (i.price_kind, i.unit_price) {
                    (PriceKind::Fixed, Some(p)) => rupiah(p),
                    (PriceKind::From, Some(p)) => format!("mulai {}", rupiah(p)),
                    _ => "sesuai penawaran".into(),
                },
                subtotal: match (i.price_kind, i.unit_price) {
                    (PriceKind::Fixed, Some(p)) => rupiah(p * i.quantity),
                    _ => "–".into(),
                },
            })
            .collect(),
        bill: order
            .total
            .map(|t| bill_lines(&items, t, order.delivery_fee, delivers && !fee_pending))
            .unwrap_or_default()
            .into_iter()
            .map(|b| BillLine {
                label: b.label.to_owned(),
                amount: rupiah(b.amount),
            })
            .collect(),
        total: order.total.map(rupiah),
        fee_pending,
        delivery: delivers,
        quoted_total: order.quoted_total.map(rupiah),
        quoted_fee: order
            .quoted_fee
            .filter(|f| *f > 0 && order.quoted_total.is_some())
            .map(rupiah),
        estimate: (order.total.is_none() && estimate > 0).then(|| rupiah(estimate)),
        timeline: events
            .iter()
            .map(|e| TimelineLine {
                at: format_instant(e.at),
                who: match (&e.actor_name, e.actor) {
                    (Some(n), Party::Seller | Party::Agency) => {
                        format!("{} ({})", e.actor.label(), n)
                    }
                    _ => e.actor.label().to_owned(),
                },
                what: what_happened(&e.action, e.from_state, e.to_state),
                note: e.note.clone(),
            })
            .collect(),
        messages: messages
            .iter()
            .map(|m| MessageLine {
                at: format_instant(m.at),
                who: match m.author {
                    Party::Buyer => format!("Pembeli ({})", order.buyer_name),
                    Party::Seller => format!("Penjual ({})", order.business_name),
                    p => p.label().to_owned(),
                },
                body: m.body.clone(),
                mine: m.author == party,
            })
            .collect(),
        actions,
        needs_quote,
        guest_link,
        save_link_wa,
        token: token.map(str::to_owned),
        payment: payment.as_ref().map(|p| PaymentLine {
            method: p.method.label().to_owned(),
            paid_on: parse_iso(&p.paid_on)
                .map(format_date)
                .unwrap_or_else(|| p.paid_on.clone()),
            amount: rupiah(p.amount),
            confirmed: p.confirmed_at.map(format_instant),
        }),
        can_record_payment: allowed.permits(Step::RecordPayment),
        can_confirm_payment: allowed.permits(Step::ConfirmPayment),
        pay_methods: PayMethod::ALL
            .iter()
            .map(|m| Choice {
                value: m.as_str().into(),
                label: m.label().into(),
            })
            .collect(),
        today: to_iso(today()),
        bank: (!shop.bank_account.is_empty()
            && payment_allowed(order.state)
            && party != Party::Agency)
            .then(|| BankLine {
                bank: shop.bank_name.clone(),
                account: shop.bank_account.clone(),
                holder: shop.bank_holder.clone(),
            }),
        qris_amount: qris_svg.as_ref().and(amount_due).map(rupiah),
        qris_svg,
        qris_png,
        can_reply: allowed.permits(Step::Reply),
        can_message: allowed.permits(Step::Message),
        review: review.map(|r| ReviewLine {
            stars: stars(r.rating),
            rating: r.rating,
            body: r.body,
            reviewer: r.reviewer,
            at: format_instant(r.created_at),
            reply: r.reply,
        }),
        kabari,
        kabari_to,
        placed,
        alert: extras.alert,
        forms: extras.forms,
    })
}

/// The guest cookie remembering the link for this order.
fn guest_cookie(state: &AppState, id: i64, token: &str) -> Result<HeaderValue, WebError> {
    let cookie = cookie::Cookie::build((GUEST_COOKIE, token))
        .path(format!("/pesanan/{id}"))
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(state.settings.secure_cookies())
        .max_age(cookie::time::Duration::days(GUEST_COOKIE_DAYS))
        .build()
        .to_string();
    HeaderValue::from_str(&cookie).map_err(internal)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, WebError> {
    let order = orders::get(&state.db, id).await?;
    let Some((party, token)) = viewer(&ctx, &order, &headers, &q.t) else {
        return Err(WebError::NotFound);
    };
    let extras = Extras {
        notice: notice_text(&q.pesan),
        event: q.pesan.clone(),
        kabari: q.kabari == "1",
        ..Extras::default()
    };
    let page = order_page(&state, &ctx, &order, party, token.as_deref(), extras).await?;
    let mut response = render(&page)?.into_response();
    if let Some(t) = &token {
        response
            .headers_mut()
            .append(header::SET_COOKIE, guest_cookie(&state, id, t)?);
    }
    Ok(response)
}

/// The order page shown again to the one acting: why nothing changed, the typed values kept.
#[derive(Clone, Copy)]
struct Answer<'a> {
    state: &'a AppState,
    ctx: &'a Ctx,
    order: &'a Order,
    party: Party,
    token: Option<&'a str>,
}

impl Answer<'_> {
    async fn page(self, status: StatusCode, extras: Extras) -> Result<Response, WebError> {
        let page = order_page(
            self.state, self.ctx, self.order, self.party, self.token, extras,
        )
        .await?;
        Ok((status, render(&page)?).into_response())
    }

    async fn alert(
        self,
        status: StatusCode,
        message: impl Into<String>,
    ) -> Result<Response, WebError> {
        let extras = Extras {
            alert: Some(message.into()),
            ..Extras::default()
        };
        self.page(status, extras).await
    }

    /// A form with bad input (422): its fields with their messages.
    async fn invalid(self, forms: OrderForms) -> Result<Response, WebError> {
        let extras = Extras {
            forms,
            ..Extras::default()
        };
        self.page(StatusCode::UNPROCESSABLE_ENTITY, extras).await
    }

    /// The order changed since the page was loaded (409).
    async fn stale(self) -> Result<Response, WebError> {
        self.alert(StatusCode::CONFLICT, STALE_MESSAGE).await
    }

    /// The result of a use case: on success, `then`; a refusal shown with the domain's words
    /// (403 when the party is the wrong one, 409 otherwise); a stale page shows the order as it
    /// is now.
    async fn outcome<T>(
        self,
        result: Result<T, AppError>,
        then: impl FnOnce() -> Response,
    ) -> Result<Response, WebError> {
        match result {
            Ok(_) => Ok(then()),
            Err(AppError::Refused(refusal)) => {
                let status = match &refusal {
                    Refusal::Order(r) if r.is_not_yours() => StatusCode::FORBIDDEN,
                    _ => StatusCode::CONFLICT,
                };
                self.alert(status, refusal.to_string()).await
            }
            Err(AppError::Stale) => {
                let fresh = orders::get(&self.state.db, self.order.id).await?;
                Answer {
                    order: &fresh,
                    ..self
                }
                .stale()
                .await
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// A typed value refused with a message.
fn rejected(value: &str, message: &str) -> Field {
    Field {
        value: value.to_owned(),
        error: Some(message.to_owned()),
    }
}

fn done(id: i64, code: &str, kabari: bool) -> Response {
    let k = if kabari { "&kabari=1" } else { "" };
    Redirect::to(&format!("/pesanan/{id}?pesan={code}{k}#isi")).into_response()
}

pub async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((id, aksi)): Path<(i64, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let order = orders::get(&state.db, id).await?;
    let Some((party, token)) = viewer(&ctx, &order, &headers, value(&pairs, "t")) else {
        return Err(WebError::NotFound);
    };
    let user_id = ctx.user.as_ref().map(|u| u.id);
    let label = match &ctx.user {
        Some(u) => u.username.clone(),
        None => format!("tamu: {}", order.buyer_name),
    };
    let who = Who {
        id: user_id,
        label: &label,
        ip: &ctx.ip,
    };
    let acting = Acting {
        party,
        user_id,
        who: &who,
    };
    let reach = reach(&state);
    let db = &state.db;
    let answer = Answer {
        state: &state,
        ctx: &ctx,
        order: &order,
        party,
        token: token.as_deref(),
    };

    // A form from a page showing an older version of the order acts on what the user saw,
    // not on what the other side has made of it since.
    let sent_version = value(&pairs, "versi");
    if aksi != "pesan" && !sent_version.is_empty() && sent_version != order.version.to_string() {
        return answer.stale().await;
    }

    match aksi.as_str() {
        "pesan" => {
            let raw = value(&pairs, "body");
            let body = match parse_message(raw) {
                Ok(body) => body,
                Err(m) => {
                    let message = rejected(raw, m);
                    let forms = OrderForms {
                        message,
                        ..OrderForms::default()
                    };
                    return answer.invalid(forms).await;
                }
            };
            let result = uc::post_message(db, &order, acting, &body, &reach).await;
            answer
                .outcome(result, || {
                    Redirect::to(&format!("/pesanan/{id}?pesan=pesan#percakapan")).into_response()
                })
                .await
        }
        "pembayaran" => {
            let (m, d, a) = (
                value(&pairs, "method"),
                value(&pairs, "paid_on"),
                value(&pairs, "amount"),
            );
            let payment = match Payment::parse(m, d, a, today()) {
                Ok(p) => p,
                Err(errors) => {
                    let forms = OrderForms {
                        pay_method: field(&errors, "method", m),
                        pay_date: field(&errors, "paid_on", d),
                        pay_amount: field(&errors, "amount", a),
                        ..OrderForms::default()
                    };
                    return answer.invalid(forms).await;
                }
            };
            let result = uc::record_payment(db, &order, acting, &payment, &reach).await;
            answer
                .outcome(result, || done(id, "pembayaran", true))
                .await
        }
        "konfirmasi-pembayaran" => {
            let result = uc::confirm_payment(db, &order, acting, &reach).await;
            answer
                .outcome(result, || done(id, "konfirmasi-pembayaran", false))
                .await
        }
        "balas-ulasan" => {
            let raw = value(&pairs, "reply");
            let reply = match parse_reply(raw) {
                Ok(r) => r,
                Err(m) => {
                    let reply = rejected(raw, m);
                    let forms = OrderForms {
                        reply,
                        ..OrderForms::default()
                    };
                    return answer.invalid(forms).await;
                }
            };
            let result = uc::reply_to_review(db, &order, acting, &reply, &reach).await;
            answer
                .outcome(result, || done(id, "balas-ulasan", false))
                .await
        }
        slug => {
            let Some(action) = Action::from_slug(slug) else {
                return Err(WebError::NotFound);
            };
            let (note, quote, fee, review) = match change_form(action, &pairs, uc::delivers(&order))
            {
                Ok(parsed) => parsed,
                Err(forms) => return answer.invalid(*forms).await,
            };
            let change = Change {
                action,
                note: &note,
                quote,
                fee,
                review: review.as_ref(),
            };
            let result = uc::change(db, &order, acting, &change, &reach).await;
            answer
                .outcome(result, || done(id, action.slug(), party != Party::Agency))
                .await
        }
    }
}

/// What a change of state carries, parsed from its form: the note, a quoted total (the
/// delivery fee included), the delivery fee, a review.
type ChangeForm = (String, Option<Rupiah>, Option<Rupiah>, Option<ReviewForm>);

/// Parses the fields of a change-of-state form; `Err` holds the fields with their messages.
/// `delivers`: the order is brought to the buyer, so a quote or an acceptance sets its fee.
fn change_form(
    action: Action,
    pairs: &[(String, String)],
    delivers: bool,
) -> Result<ChangeForm, Box<OrderForms>> {
    let mut forms = OrderForms::default();
    let mut note = String::new();
    let mut quote = None;
    let mut fee = None;
    let mut review = None;
    if action.needs_reason() {
        let raw = value(pairs, "reason");
        match parse_reason(raw) {
            Ok(r) => note = r,
            Err(m) => {
                forms.reason = rejected(raw, m);
                forms.reason_for = action.slug().into();
            }
        }
    }
    if delivers && matches!(action, Action::Quote | Action::Accept) {
        let raw = value(pairs, "ongkir");
        match parse_fee(raw) {
            Ok(f) => fee = Some(f),
            Err(m) => forms.fee = rejected(raw, m),
        }
        forms.fee.value = raw.to_owned();
        forms.fee_for = action.slug().into();
    }
    if action == Action::Quote {
        let raw = value(pairs, "amount");
        let raw_note = value(pairs, "note");
        match parse_quote(raw) {
            Ok(a) => quote = Some(a),
            Err(m) => forms.quote_amount = rejected(raw, m),
        }
        forms.quote_amount.value = raw.to_owned();
        if raw_note.chars().count() > 1000 {
            forms.quote_amount.error = Some("Keterangan paling panjang 1.000 karakter.".into());
        }
        forms.quote_note = Field::new(raw_note);
        note = raw_note.trim().to_owned();
        // The quote is the price of the goods or work; the fee is added to it.
        quote = match (quote, fee) {
            (Some(q), Some(f)) => match q.checked_add(f) {
                Some(total) => Some(total),
                None => {
                    forms.quote_amount = rejected(raw, "Jumlah terlalu besar.");
                    None
                }
            },
            (q, _) => q,
        };
    }
    if action == Action::Review {
        let (r, b) = (value(pairs, "rating"), value(pairs, "body"));
        match ReviewForm::parse(r, b) {
            Ok(form) => review = Some(form),
            Err(errors) => {
                forms.rating = field(&errors, "rating", r);
                forms.review_body = field(&errors, "body", b);
            }
        }
    }
    let invalid = forms.reason.error.is_some()
        || forms.quote_amount.error.is_some()
        || forms.fee.error.is_some()
        || forms.rating.error.is_some()
        || forms.review_body.error.is_some();
    if invalid {
        Err(Box::new(forms))
    } else {
        Ok((note, quote, fee, review))
    }
}

// ---- lists ----

fn rows(list: Vec<orders::Summary>, seller_view: bool) -> Vec<OrderRow> {
    list.into_iter()
        .map(|s| OrderRow {
            id: s.id,
            title: if s.items > 1 {
                format!("{} dan {} lainnya", s.first_item, s.items - 1)
            } else {
                s.first_item
            },
            party: if seller_view {
                format!("Pemesan: {}", s.buyer_name)
            } else {
                format!("{} · pemesan {}", s.business_name, s.buyer_name)
            },
            state_key: s.state.as_str(),
            state_label: s.state.label(),
            total: match (s.total, s.quoted_total) {
                (Some(t), _) => rupiah(t),
                (None, Some(q)) => format!("ditawar {}", rupiah(q)),
                (None, None) => "menunggu penawaran".into(),
            },
            needed_on: parse_iso(&s.needed_on)
                .map(format_date)
                .unwrap_or(s.needed_on),
            created_at: format_instant(s.created_at),
        })
        .collect()
}

pub async fn my_orders(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let user = ctx.user()?;
    let list = orders::for_buyer(&state.db, user.id).await?;
    let page = OrderListPage {
        layout: ctx.layout("Pesanan saya"),
        intro: "Pesanan yang Anda buat dengan akun ini, terbaru di atas.".into(),
        tabs: Vec::new(),
        rows: rows(list, false),
        empty: "Anda belum punya pesanan.".into(),
        catalog_link: true,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize, Default)]
pub struct SellerQuery {
    #[serde(default)]
    status: String,
}

pub async fn seller_orders(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SellerQuery>,
) -> Result<Response, WebError> {
    let user = ctx.user()?;
    let Some(alumnus) = user.links.alumnus_id else {
        return Err(WebError::Forbidden);
    };
    let filter = OrderState::parse(&q.status);
    let list = orders::for_seller(&state.db, alumnus, filter).await?;
    let counts = orders::seller_counts(&state.db, alumnus).await?;
    let all: i64 = counts.iter().map(|(_, n)| n).sum();
    let mut tabs = vec![StateTab {
        href: "/usaha/pesanan".into(),
        label: "Semua".into(),
        count: all,
        current: filter.is_none(),
    }];
    tabs.extend(
        counts
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| StateTab {
                href: format!("/usaha/pesanan?status={}", s.as_str()),
                label: s.label().into(),
                count: *n,
                current: filter == Some(*s),
            }),
    );
    let page = OrderListPage {
        layout: ctx.layout("Pesanan masuk"),
        intro: "Pesanan ke usaha Anda. Tanggapi pesanan baru secepatnya; pembeli menunggu.".into(),
        tabs,
        rows: rows(list, true),
        empty: match filter {
            Some(s) => format!("Tidak ada pesanan berstatus “{}”.", s.label()),
            None => "Belum ada pesanan masuk.".into(),
        },
        catalog_link: false,
    };
    Ok(render(&page)?.into_response())
}

pub async fn disputes(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let list = orders::disputed(&state.db).await?;
    let page = OrderListPage {
        layout: ctx.layout("Sengketa pesanan"),
        intro: "Pesanan yang disengketakan pembeli atau penjual, terlama di atas. Buka pesanan, baca riwayat dan percakapannya, lalu catat keputusan.".into(),
        tabs: Vec::new(),
        rows: rows(list, false),
        empty: "Tidak ada sengketa yang menunggu keputusan.".into(),
        catalog_link: false,
    };
    Ok(render(&page)?.into_response())
}
