//! Orders from the public: placing, quoting, paying, messages, reviews, and every change of an
//! order's state, by a buyer, a seller, the agency or the auto-complete job.
//!
//! Each use case asks `domain::order::allowed` whether the party may take the step (the same
//! answer the order page draws its buttons from, returned by [`view`]), opens the transaction,
//! takes the order row with a conditional write (a change since the caller loaded the order is
//! `AppError::Stale`), stores through `db::orders`, writes the timeline event, the
//! notifications (their words are composed here) and the audit entry, and commits.

use std::sync::Arc;
use std::time::Duration;

use super::{AppError, AppResult};
use crate::config::Settings;
use crate::db::notifications::{self, Channel, Notice};
use crate::db::orders::{self, Buyer, Order, PaymentRecord, Placed, Shop, TimelineEvent};
use crate::db::{Db, Tx, audit, reviews};
use crate::domain::audit::Who;
use crate::domain::dates::{format_date, to_iso};
use crate::domain::order::{
    Action, Allowed, Fulfilment, Line, NewOrder, Offer, Party, Payment, ReviewForm, State, Step,
    allowed, check, stars,
};
use crate::domain::rupiah::Rupiah;
use crate::secrets::{Key, personal, token_hash};

use super::words::{self, OrderAbout, OrderEvent};

pub use crate::db::orders::Reach;

/// Who acts on an order, as the order's party, and for the audit trail.
#[derive(Debug, Clone, Copy)]
pub struct Acting<'a> {
    pub party: Party,
    pub user_id: Option<i64>,
    pub who: &'a Who<'a>,
}

/// Asks the domain whether `acting` may take `step` on the order as loaded.
fn ask(order: &Order, party: Party, step: Step) -> AppResult<()> {
    allowed(&order.facts(), party)
        .check(step)
        .map_err(AppError::refused)
}

/// `false` from a conditional write: someone changed the order meanwhile.
fn held(taken: bool) -> AppResult<()> {
    if taken { Ok(()) } else { Err(AppError::Stale) }
}

// ---- placing an order ----

/// What the order form offers: the business and its active listings.
#[derive(Debug, Clone)]
pub struct OrderForm {
    pub shop: Shop,
    pub offers: Vec<Offer>,
}

/// The order form for a listing (or a whole business): `NotFound` for an unknown or closed
/// business, `Forbidden` for its owner (an alumnus does not order from their own business).
pub async fn order_form(
    db: &Db,
    listing: Option<i64>,
    business: Option<i64>,
    viewer_alumnus: Option<i64>,
) -> AppResult<OrderForm> {
    let business_id = match (listing, business) {
        (Some(listing), _) => orders::business_of_listing(db, listing).await?,
        (None, Some(b)) => b,
        (None, None) => return Err(AppError::NotFound),
    };
    let shop = orders::shop(db, business_id).await?;
    if !shop.active {
        return Err(AppError::NotFound);
    }
    if viewer_alumnus == Some(shop.alumnus_id) {
        return Err(AppError::Forbidden);
    }
    let offers = orders::offers(db, shop.id).await?;
    Ok(OrderForm { shop, offers })
}

/// Places an order once per idempotency key: a repeated key returns the first order
/// (`Placed::new` false) and stores nothing.
pub async fn place(
    db: &Db,
    business_id: i64,
    order: &NewOrder,
    buyer: &Buyer,
    idempotency_key: &str,
    who: &Who<'_>,
    reach: &Reach,
) -> AppResult<Placed> {
    let shop = orders::shop(db, business_id).await?;
    let mut tx = db.begin().await?;
    let Some(id) = orders::insert(&mut tx, business_id, order, buyer, idempotency_key).await?
    else {
        tx.rollback().await?;
        return Ok(orders::placed_by_key(db, idempotency_key).await?);
    };
    orders::insert_event(
        &mut tx,
        id,
        Party::Buyer,
        buyer.user_id,
        "dibuat",
        None,
        State::Requested,
        &order.note,
    )
    .await?;
    let lines = lines_text(&order.lines);
    let about = OrderAbout {
        id,
        business: &shop.name,
        buyer: &order.name,
        lines: &lines,
        total: order.total.map(Rupiah::amount),
        fee: 0,
        quoted: None,
        needed_on: &to_iso(order.needed_on),
        delivery: order.fulfilment.has_delivery_fee(),
    };
    let said = words::order(&OrderEvent::Placed, &about);
    let (title, body) = (said.title, said.body);
    let seller = Seller {
        alumnus_id: shop.alumnus_id,
        phone: shop.phone.clone(),
    };
    notify_seller(&mut tx, &seller, id, &title, &body, reach).await?;
    audit::append(
        &mut tx,
        who.event(
            "order.create",
            "order",
            id,
            serde_json::json!({
                "business_id": business_id,
                "items": order.lines.iter().map(|l| serde_json::json!({
                    "listing_id": l.listing_id, "quantity": l.quantity, "unit_price": l.unit_price,
                })).collect::<Vec<_>>(),
                "total": order.total.map(Rupiah::amount),
                "needed_on": to_iso(order.needed_on),
                "fulfilment": order.fulfilment.as_str(),
                "guest": buyer.user_id.is_none(),
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Placed {
        id,
        new: true,
        buyer_user_id: buyer.user_id,
    })
}

// ---- changing an order's state ----

/// A change of state asked for, with what it carries.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub action: Action,
    /// A reason, a decision, or the seller's words with a quote.
    pub note: &'a str,
    /// The total a quote proposes (the delivery fee included).
    pub quote: Option<Rupiah>,
    /// The delivery fee (ongkir) set with a quote or an acceptance of an order to deliver.
    pub fee: Option<Rupiah>,
    /// The review that completes a `Review`.
    pub review: Option<&'a ReviewForm>,
}

/// Applies a change to the order as the caller loaded it (`order.state`, `order.version`):
/// refused when the domain says no, `Stale` when the order changed meanwhile.
pub async fn change(
    db: &Db,
    order: &Order,
    acting: Acting<'_>,
    change: &Change<'_>,
    reach: &Reach,
) -> AppResult<State> {
    let party = acting.party;
    // `check` is the answer `allowed` gives for `Step::Act`, with the state it leads to.
    let to = check(&order.facts(), party, change.action).map_err(AppError::refused)?;
    if change.action == Action::Quote && change.quote.is_none() {
        return Err(AppError::Internal("a quote needs an amount".into()));
    }
    let fee = change.fee.filter(|_| delivers(order));
    let lines = lines_text(&orders::items(db, order.id).await?);
    let mut tx = db.begin().await?;
    held(orders::transition(&mut tx, order, change.action, to, change.quote, fee).await?)?;
    let mut note = change.note.to_owned();
    if let Some(amount) = change.quote {
        let fee_text = fee
            .filter(|f| f.amount() > 0)
            .map(|f| format!(" (termasuk ongkir {f})"))
            .unwrap_or_default();
        note = if note.is_empty() {
            format!("Penawaran: {amount}{fee_text}")
        } else {
            format!("Penawaran: {amount}{fee_text}. {note}")
        };
    }
    if change.action == Action::Accept
        && let Some(f) = fee
    {
        note = if f.amount() == 0 {
            "Gratis ongkir".to_owned()
        } else {
            format!("Ongkos kirim: {f}")
        };
    }
    if change.action == Action::AcceptQuote
        && let Some(q) = order.quoted_total
    {
        note = format!("Total disepakati: {}", Rupiah::new(q).unwrap_or_default());
    }
    if let Some(review) = change.review {
        orders::insert_review(&mut tx, order, review).await?;
        note = format!("{} {}", stars(review.rating), review.body)
            .trim()
            .to_owned();
    }
    orders::insert_event(
        &mut tx,
        order.id,
        party,
        acting.user_id,
        change.action.slug(),
        Some(order.state),
        to,
        &note,
    )
    .await?;
    // The order as it is after the change, for the words of the message.
    let mut after = order.clone();
    after.state = to;
    match change.action {
        Action::Quote => {
            after.quoted_total = change.quote.map(Rupiah::amount);
            after.quoted_fee = fee.map(Rupiah::amount);
        }
        Action::Accept => {
            after.delivery_fee = fee.map(Rupiah::amount).unwrap_or(0);
            after.total = order.total.map(|t| t + after.delivery_fee);
        }
        Action::AcceptQuote => {
            after.total = order.quoted_total;
            after.delivery_fee = order.quoted_fee.unwrap_or(0);
        }
        Action::RejectQuote => {
            after.quoted_total = None;
            after.quoted_fee = None;
        }
        _ => {}
    }
    let said = words::order(
        &OrderEvent::Changed {
            action: change.action,
            by: party,
            to,
            note: if change.action == Action::Quote {
                change.note
            } else {
                &note
            },
        },
        &about(&after, &lines),
    );
    announce(&mut tx, order, party, &said, reach).await?;
    audit::append(
        &mut tx,
        acting.who.event(
            "order.transition",
            "order",
            order.id,
            serde_json::json!({
                "action": change.action.slug(),
                "party": party.as_str(),
                "from": order.state.as_str(),
                "to": to.as_str(),
                "note": note,
                "delivery_fee": fee.map(Rupiah::amount),
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(to)
}

// ---- steps that keep the state ----

/// The seller records (or corrects, until the buyer confirms it) the payment.
pub async fn record_payment(
    db: &Db,
    order: &Order,
    acting: Acting<'_>,
    payment: &Payment,
    reach: &Reach,
) -> AppResult<()> {
    ask(order, acting.party, Step::RecordPayment)?;
    let mut tx = db.begin().await?;
    held(orders::hold(&mut tx, order).await?)?;
    // Confirmed meanwhile (the hold would have seen it): the order changed.
    held(orders::save_payment(&mut tx, order.id, payment).await?)?;
    let note = format!(
        "{} {} pada {}",
        payment.method.label(),
        payment.amount,
        format_date(payment.paid_on)
    );
    orders::insert_event(
        &mut tx,
        order.id,
        Party::Seller,
        acting.user_id,
        "pembayaran",
        Some(order.state),
        order.state,
        &note,
    )
    .await?;
    let paid_on = to_iso(payment.paid_on);
    let said = words::order(
        &OrderEvent::PaymentRecorded {
            method: payment.method,
            amount: payment.amount.amount(),
            paid_on: &paid_on,
        },
        &about(order, ""),
    );
    announce(&mut tx, order, Party::Seller, &said, reach).await?;
    audit::append(
        &mut tx,
        acting.who.event(
            "order.payment",
            "order",
            order.id,
            serde_json::json!({
                "method": payment.method.as_str(),
                "paid_on": to_iso(payment.paid_on),
                "amount": payment.amount.amount(),
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The buyer confirms the recorded payment.
pub async fn confirm_payment(
    db: &Db,
    order: &Order,
    acting: Acting<'_>,
    reach: &Reach,
) -> AppResult<()> {
    ask(order, acting.party, Step::ConfirmPayment)?;
    let mut tx = db.begin().await?;
    held(orders::hold(&mut tx, order).await?)?;
    held(orders::confirm_payment(&mut tx, order.id).await?)?;
    orders::insert_event(
        &mut tx,
        order.id,
        Party::Buyer,
        acting.user_id,
        "pembayaran-dikonfirmasi",
        Some(order.state),
        order.state,
        "",
    )
    .await?;
    let said = words::order(&OrderEvent::PaymentConfirmed, &about(order, ""));
    announce(&mut tx, order, Party::Buyer, &said, reach).await?;
    audit::append(
        &mut tx,
        acting.who.event(
            "order.payment_confirmed",
            "order",
            order.id,
            serde_json::json!({}),
        ),
    )
    .await?;
    tx.commit().await?;
    crate::app::capital::nudge_after_payment(db, reach, order.seller_alumnus_id).await;
    Ok(())
}

/// A message in the order's thread, announced to the other side.
pub async fn post_message(
    db: &Db,
    order: &Order,
    acting: Acting<'_>,
    body: &str,
    reach: &Reach,
) -> AppResult<()> {
    ask(order, acting.party, Step::Message)?;
    let mut tx = db.begin().await?;
    orders::insert_message(&mut tx, order.id, acting.party, acting.user_id, body).await?;
    let preview: String = body.chars().take(140).collect();
    let said = words::order(
        &OrderEvent::Message {
            by: acting.party,
            preview: &preview,
        },
        &about(order, ""),
    );
    announce(&mut tx, order, acting.party, &said, reach).await?;
    tx.commit().await?;
    Ok(())
}

/// The seller's one reply to the buyer's review.
pub async fn reply_to_review(
    db: &Db,
    order: &Order,
    acting: Acting<'_>,
    reply: &str,
    reach: &Reach,
) -> AppResult<()> {
    ask(order, acting.party, Step::Reply)?;
    let mut tx = db.begin().await?;
    held(orders::hold(&mut tx, order).await?)?;
    held(orders::save_reply(&mut tx, order, reply).await?)?;
    orders::insert_event(
        &mut tx,
        order.id,
        Party::Seller,
        acting.user_id,
        "balas-ulasan",
        Some(order.state),
        order.state,
        reply,
    )
    .await?;
    let said = words::order(&OrderEvent::Reply { reply }, &about(order, ""));
    announce(&mut tx, order, Party::Seller, &said, reach).await?;
    audit::append(
        &mut tx,
        acting.who.event(
            "review.reply",
            "order",
            order.id,
            serde_json::json!({ "reply": reply }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---- the order page ----

/// Everything the order page shows besides the order, with the domain's answer of what the
/// viewer may do.
#[derive(Debug, Clone)]
pub struct OrderView {
    pub items: Vec<Line>,
    pub timeline: Vec<TimelineEvent>,
    pub messages: Vec<orders::Message>,
    pub payment: Option<PaymentRecord>,
    pub review: Option<reviews::Review>,
    pub shop: Shop,
    pub allowed: Allowed,
}

/// The order page's reads, and what `party` may do on the order now.
pub async fn view(db: &Db, order: &Order, party: Party) -> AppResult<OrderView> {
    Ok(OrderView {
        items: orders::items(db, order.id).await?,
        timeline: orders::timeline(db, order.id).await?,
        messages: orders::messages(db, order.id).await?,
        payment: orders::payment(db, order.id).await?,
        review: reviews::for_order(db, order.id).await?,
        shop: orders::shop(db, order.business_id).await?,
        allowed: allowed(&order.facts(), party),
    })
}

// ---- auto-complete ----

/// Completes, as the system, every delivered order whose delivery is `days` days old or more.
/// Returns how many were completed; an order changed meanwhile is left alone.
pub async fn autocomplete_due(db: &Db, days: i64, reach: &Reach) -> AppResult<usize> {
    let cutoff = crate::db::now() - days.max(0) * 86_400;
    let ids = orders::delivered_before(db, cutoff).await?;
    let who = Who {
        id: None,
        label: "sistem",
        ip: "",
    };
    let acting = Acting {
        party: Party::System,
        user_id: None,
        who: &who,
    };
    let auto = Change {
        action: Action::AutoComplete,
        note: "",
        quote: None,
        fee: None,
        review: None,
    };
    let mut done = 0;
    for id in ids {
        let order = orders::get(db, id).await?;
        match change(db, &order, acting, &auto, reach).await {
            Ok(_) => done += 1,
            Err(AppError::Stale | AppError::Refused(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// Runs `autocomplete_due` every minute for the life of the server.
pub async fn autocomplete_periodically(db: Db, settings: Arc<Settings>, key: Key) {
    let reach = Reach::from_settings(&settings).with_guest_key(&key);
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        match autocomplete_due(&db, settings.order_autocomplete_days, &reach).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "orders completed automatically"),
            Err(e) => tracing::warn!(error = %e, "order auto-complete failed"),
        }
    }
}

// ---- notifications ----

/// Where the seller of an order is reached.
struct Seller {
    alumnus_id: i64,
    phone: Option<String>,
}

async fn notify_seller(
    tx: &mut Tx,
    seller: &Seller,
    order_id: i64,
    title: &str,
    body: &str,
    reach: &Reach,
) -> AppResult<()> {
    let link = format!("/pesanan/{order_id}");
    let users = orders::seller_users(tx, seller.alumnus_id).await?;
    for user in &users {
        notifications::notify_user(
            tx,
            *user,
            &Notice {
                title,
                body,
                link: &link,
            },
        )
        .await?;
    }
    // A seller with no account is reached over WhatsApp on the business's number.
    if users.is_empty()
        && let Some(phone) = seller.phone.as_deref().filter(|p| !p.is_empty())
    {
        let text = format!("{title}\n{body}\n{}{link}", reach.base_url);
        notifications::enqueue(tx, Channel::WhatsApp, phone, title, &text, Some(order_id)).await?;
    }
    Ok(())
}

async fn notify_buyer(
    tx: &mut Tx,
    order: &Order,
    said: &words::Words,
    reach: &Reach,
) -> AppResult<()> {
    let (title, body) = (said.title.as_str(), said.body.as_str());
    let link = format!("/pesanan/{}", order.id);
    if let Some(user) = order.buyer_user_id {
        notifications::notify_user(
            tx,
            user,
            &Notice {
                title,
                body,
                link: &link,
            },
        )
        .await?;
        return Ok(());
    }
    // A guest: their secret link, re-derived with the data key. An order placed before links
    // were derivable keeps its random token, of which only the hash is stored: the message asks
    // them to open the link they saved.
    let text = match guest_link(order, reach) {
        Some(link) => said.with_link(&link),
        None => format!(
            "{title}\n{body}\nBuka pesanan Anda dengan tautan yang Anda simpan saat memesan \
             ({}{link}?t=…).",
            reach.base_url
        ),
    };
    let (channel, to) = if reach.email && !order.buyer_email.is_empty() {
        (Channel::Email, &order.buyer_email)
    } else {
        (Channel::WhatsApp, &order.buyer_phone)
    };
    notifications::enqueue(tx, channel, to, title, &text, Some(order.id)).await?;
    Ok(())
}

/// Tells the other side (both sides when the agency or the system acted).
async fn announce(
    tx: &mut Tx,
    order: &Order,
    actor: Party,
    said: &words::Words,
    reach: &Reach,
) -> AppResult<()> {
    if actor != Party::Buyer {
        notify_buyer(tx, order, said, reach).await?;
    }
    if actor != Party::Seller {
        let seller = Seller {
            alumnus_id: order.seller_alumnus_id,
            phone: orders::business_phone(tx, order.business_id).await?,
        };
        notify_seller(tx, &seller, order.id, &said.title, &said.body, reach).await?;
    }
    Ok(())
}

// ---- links and words ----

/// A guest buyer's secret link token for the order placed with this stored idempotency key:
/// derived with the instance's data key, so the form posted again leads to the same link and
/// every message to the guest can carry it; only its hash is stored.
pub fn guest_token(key: &Key, idempotency_key: &str) -> String {
    // 128 bits of the keyed hash: unguessable, and short enough for a WhatsApp message.
    let mut token = personal::keyed_hash(key, &format!("pesanan-tamu:{idempotency_key}"));
    token.truncate(32);
    token
}

/// The guest buyer's own link to the order (full URL), when it can be re-derived: `None` for a
/// signed-in buyer, without the key, and for orders whose token was random (placed before
/// tokens were derived).
pub fn guest_link(order: &Order, reach: &Reach) -> Option<String> {
    let key = reach.guest_key.as_ref()?;
    if order.buyer_user_id.is_some() {
        return None;
    }
    let token = guest_token(key, &order.idempotency_key);
    let stored = order.guest_token_hash.as_deref()?;
    (stored == token_hash(&token))
        .then(|| format!("{}/pesanan/{}?t={token}", reach.base_url, order.id))
}

/// The buyer's own link to the order: the guest's secret link, or the order page (behind the
/// buyer's sign-in). `None` for a guest whose link cannot be re-derived.
pub fn buyer_link(order: &Order, reach: &Reach) -> Option<String> {
    match order.buyer_user_id {
        Some(_) => Some(format!("{}/pesanan/{}", reach.base_url, order.id)),
        None => guest_link(order, reach),
    }
}

/// Whether the order is brought to the buyer (and has a delivery-fee line).
pub fn delivers(order: &Order) -> bool {
    Fulfilment::parse(&order.fulfilment).is_some_and(Fulfilment::has_delivery_fee)
}

/// What the messages say about an order as it is.
pub fn about<'a>(order: &'a Order, lines: &'a str) -> OrderAbout<'a> {
    OrderAbout {
        id: order.id,
        business: &order.business_name,
        buyer: &order.buyer_name,
        lines,
        total: order.total,
        fee: order.delivery_fee,
        quoted: order
            .quoted_total
            .map(|q| (q, order.quoted_fee.unwrap_or(0))),
        needed_on: &order.needed_on,
        delivery: delivers(order),
    }
}

/// "Nasi kotak × 50 kotak, Es teh × 50 gelas"
pub fn lines_text(lines: &[Line]) -> String {
    lines
        .iter()
        .map(|l| format!("{} × {} {}", l.title, l.quantity, l.unit))
        .collect::<Vec<_>>()
        .join(", ")
}
