//! Orders: placing one (once per form, however often it is posted), reading it with its items,
//! timeline, messages and payment, changing its state, and the lists for each side.
//!
//! Every change of an order starts with one conditional write, `UPDATE orders SET version =
//! version + 1 … WHERE id = $id AND state = $expected`: it takes the row (PostgreSQL) or the
//! write lock (SQLite) before anything is read, and no row means someone else changed the order
//! first — the caller gets `DbError::Conflict(STALE)` and nothing is written. The timeline event,
//! the notifications and the audit entry are written in the same transaction.

use std::time::Duration;

use sqlx::Row;
use sqlx::any::AnyRow;

use super::audit::{self, Who};
use super::notifications::{self, Channel, Notice};
use super::{Db, DbError, DbResult, Tx, now};
use crate::domain::order::{
    Action, Facts, Line, NewOrder, Offer, Party, PayMethod, Payment, ReviewForm, State, check,
};
use crate::domain::rupiah::Rupiah;
use crate::domain::storefront::PriceKind;

/// The conflict name for "the order changed since you loaded it".
pub const STALE: &str = "order_state";

fn stale() -> DbError {
    DbError::Conflict(STALE.into())
}

/// Whether an error is the "changed meanwhile" conflict.
pub fn is_stale(e: &DbError) -> bool {
    matches!(e, DbError::Conflict(c) if c == STALE)
}

/// How messages for people outside the app are addressed.
#[derive(Debug, Clone)]
pub struct Reach {
    /// `https://karya.tanjabtimkab.go.id`, for links in messages.
    pub base_url: String,
    /// Email is configured (settings.smtp_url); otherwise WhatsApp hand-offs.
    pub email: bool,
}

impl Reach {
    pub fn from_settings(settings: &crate::config::Settings) -> Reach {
        Reach {
            base_url: settings.public_url.trim_end_matches('/').to_owned(),
            email: !settings.smtp_url.is_empty(),
        }
    }
}

// ---- what the order form needs ----

/// The business an order goes to.
#[derive(Debug, Clone)]
pub struct Shop {
    pub id: i64,
    pub name: String,
    pub alumnus_id: i64,
    pub phone: Option<String>,
    pub active: bool,
    pub qris_payload: String,
    pub bank_name: String,
    pub bank_account: String,
    pub bank_holder: String,
    pub pickup_address: String,
}

pub async fn shop(db: &Db, business_id: i64) -> DbResult<Shop> {
    let row = sqlx::query(
        "SELECT id, name, alumnus_id, phone, active, qris_payload, bank_name, bank_account, \
         bank_holder, pickup_address FROM businesses WHERE id = $1",
    )
    .bind(business_id)
    .fetch_one(db.pool())
    .await?;
    Ok(Shop {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        alumnus_id: row.try_get("alumnus_id")?,
        phone: row.try_get("phone")?,
        active: row.try_get::<i64, _>("active")? == 1,
        qris_payload: row.try_get("qris_payload")?,
        bank_name: row.try_get("bank_name")?,
        bank_account: row.try_get("bank_account")?,
        bank_holder: row.try_get("bank_holder")?,
        pickup_address: row.try_get("pickup_address")?,
    })
}

/// The business a listing belongs to.
pub async fn business_of_listing(db: &Db, listing_id: i64) -> DbResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT business_id FROM listings WHERE id = $1")
            .bind(listing_id)
            .fetch_one(db.pool())
            .await?,
    )
}

/// The active listings of a business, as the order form offers them.
pub async fn offers(db: &Db, business_id: i64) -> DbResult<Vec<Offer>> {
    let rows = sqlx::query(
        "SELECT id, title, unit, price_kind, price, min_order, lead_days FROM listings \
         WHERE business_id = $1 AND active = 1 ORDER BY title, id",
    )
    .bind(business_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("price_kind")?;
            Ok(Offer {
                listing_id: r.try_get("id")?,
                title: r.try_get("title")?,
                unit: r.try_get("unit")?,
                price_kind: PriceKind::parse(&kind)
                    .ok_or_else(|| DbError::Other(format!("price kind {kind}")))?,
                price: r.try_get("price")?,
                min_order: r.try_get("min_order")?,
                lead_days: r.try_get("lead_days")?,
            })
        })
        .collect()
}

// ---- placing an order ----

/// The result of posting the order form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub id: i64,
    /// False when this form had been posted before and the earlier order is returned.
    pub new: bool,
    pub buyer_user_id: Option<i64>,
}

/// Who places the order.
#[derive(Debug, Clone)]
pub struct Buyer {
    pub user_id: Option<i64>,
    /// Hash of the guest's secret link token.
    pub token_hash: Option<String>,
}

/// Stores an order once per idempotency key: a repeated key returns the first order. The insert
/// is `ON CONFLICT … DO NOTHING`, so no statement fails inside the transaction on either backend.
pub async fn place(
    db: &Db,
    business_id: i64,
    order: &NewOrder,
    buyer: &Buyer,
    idempotency_key: &str,
    who: &Who<'_>,
    reach: &Reach,
) -> DbResult<Placed> {
    let shop = shop(db, business_id).await?;
    let at = now();
    let mut tx = db.begin().await?;
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO orders (business_id, buyer_user_id, buyer_name, buyer_phone, buyer_email, \
         guest_token_hash, fulfilment, address, needed_on, note, total, idempotency_key, \
         created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) \
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
    )
    .bind(business_id)
    .bind(buyer.user_id)
    .bind(&order.name)
    .bind(order.phone.as_str())
    .bind(&order.email)
    .bind(buyer.token_hash.as_deref())
    .bind(order.fulfilment.as_str())
    .bind(&order.address)
    .bind(crate::domain::dates::to_iso(order.needed_on))
    .bind(&order.note)
    .bind(order.total.map(Rupiah::amount))
    .bind(idempotency_key)
    .bind(at)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(id) = id else {
        tx.rollback().await?;
        let row = sqlx::query("SELECT id, buyer_user_id FROM orders WHERE idempotency_key = $1")
            .bind(idempotency_key)
            .fetch_one(db.pool())
            .await?;
        return Ok(Placed {
            id: row.try_get("id")?,
            new: false,
            buyer_user_id: row.try_get("buyer_user_id")?,
        });
    };
    for line in &order.lines {
        sqlx::query(
            "INSERT INTO order_items (order_id, listing_id, title, unit, quantity, price_kind, \
             unit_price) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(line.listing_id)
        .bind(&line.title)
        .bind(&line.unit)
        .bind(line.quantity)
        .bind(line.price_kind.as_str())
        .bind(line.unit_price)
        .execute(&mut *tx)
        .await?;
    }
    insert_event(
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
    let what = order
        .lines
        .iter()
        .map(|l| format!("{} × {} {}", l.title, l.quantity, l.unit))
        .collect::<Vec<_>>()
        .join(", ");
    let title = format!("Pesanan baru #{id} dari {}", order.name);
    let body = format!(
        "{what}. Dibutuhkan {}. {}",
        crate::domain::dates::format_date(order.needed_on),
        if order.total.is_some() {
            "Silakan terima atau tanggapi pesanan ini."
        } else {
            "Pesanan ini menunggu penawaran harga dari Anda."
        }
    );
    notify_seller(&mut tx, &shop, id, &title, &body, reach).await?;
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
                "needed_on": crate::domain::dates::to_iso(order.needed_on),
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

/// The guest link token hash of the order placed with this idempotency key, if any.
pub async fn id_by_key(db: &Db, idempotency_key: &str) -> DbResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM orders WHERE idempotency_key = $1")
            .bind(idempotency_key)
            .fetch_optional(db.pool())
            .await?,
    )
}

#[allow(clippy::too_many_arguments)]
async fn insert_event(
    tx: &mut Tx,
    order_id: i64,
    actor: Party,
    user_id: Option<i64>,
    action: &str,
    from: Option<State>,
    to: State,
    note: &str,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO order_events (order_id, at, actor, user_id, action, from_state, to_state, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(order_id)
    .bind(now())
    .bind(actor.as_str())
    .bind(user_id)
    .bind(action)
    .bind(from.map(State::as_str))
    .bind(to.as_str())
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// ---- reading an order ----

#[derive(Debug, Clone)]
pub struct Order {
    pub id: i64,
    pub business_id: i64,
    pub business_name: String,
    pub seller_alumnus_id: i64,
    pub buyer_user_id: Option<i64>,
    pub buyer_name: String,
    pub buyer_phone: String,
    pub buyer_email: String,
    pub guest_token_hash: Option<String>,
    pub state: State,
    pub fulfilment: String,
    pub address: String,
    pub needed_on: String,
    pub note: String,
    pub total: Option<i64>,
    pub quoted_total: Option<i64>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub delivered_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub disputed_before: bool,
}

impl Order {
    pub fn facts(&self) -> Facts {
        Facts {
            state: self.state,
            total_known: self.total.is_some(),
            disputed_before: self.disputed_before,
        }
    }
}

fn state_of(row: &AnyRow, column: &str) -> DbResult<State> {
    let s: String = row.try_get(column)?;
    State::parse(&s).ok_or_else(|| DbError::Other(format!("unknown order state {s}")))
}

pub async fn get(db: &Db, id: i64) -> DbResult<Order> {
    let row = sqlx::query(
        "SELECT o.id, o.business_id, b.name AS business_name, b.alumnus_id, o.buyer_user_id, \
         o.buyer_name, o.buyer_phone, o.buyer_email, o.guest_token_hash, o.state, o.fulfilment, \
         o.address, o.needed_on, o.note, o.total, o.quoted_total, o.version, o.created_at, \
         o.updated_at, o.delivered_at, o.completed_at, \
         (SELECT COUNT(*) FROM order_events e WHERE e.order_id = o.id \
            AND e.action IN ('putuskan-selesai', 'putuskan-batal')) AS resolved \
         FROM orders o JOIN businesses b ON b.id = o.business_id WHERE o.id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    Ok(Order {
        id: row.try_get("id")?,
        business_id: row.try_get("business_id")?,
        business_name: row.try_get("business_name")?,
        seller_alumnus_id: row.try_get("alumnus_id")?,
        buyer_user_id: row.try_get("buyer_user_id")?,
        buyer_name: row.try_get("buyer_name")?,
        buyer_phone: row.try_get("buyer_phone")?,
        buyer_email: row.try_get("buyer_email")?,
        guest_token_hash: row.try_get("guest_token_hash")?,
        state: state_of(&row, "state")?,
        fulfilment: row.try_get("fulfilment")?,
        address: row.try_get("address")?,
        needed_on: row.try_get("needed_on")?,
        note: row.try_get("note")?,
        total: row.try_get("total")?,
        quoted_total: row.try_get("quoted_total")?,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        delivered_at: row.try_get("delivered_at")?,
        completed_at: row.try_get("completed_at")?,
        disputed_before: row.try_get::<i64, _>("resolved")? > 0,
    })
}

/// An order's stored lines (title, unit and price as they were when it was placed).
pub async fn items(db: &Db, order_id: i64) -> DbResult<Vec<Line>> {
    let rows = sqlx::query(
        "SELECT listing_id, title, unit, quantity, price_kind, unit_price FROM order_items \
         WHERE order_id = $1 ORDER BY id",
    )
    .bind(order_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("price_kind")?;
            Ok(Line {
                listing_id: r.try_get("listing_id")?,
                title: r.try_get("title")?,
                unit: r.try_get("unit")?,
                quantity: r.try_get("quantity")?,
                price_kind: PriceKind::parse(&kind).unwrap_or(PriceKind::Quote),
                unit_price: r.try_get("unit_price")?,
            })
        })
        .collect()
}

/// One line of the timeline.
#[derive(Debug, Clone)]
pub struct TimelineEvent {
    pub at: i64,
    pub actor: Party,
    pub actor_name: Option<String>,
    pub action: String,
    pub from_state: Option<State>,
    pub to_state: State,
    pub note: String,
}

pub async fn timeline(db: &Db, order_id: i64) -> DbResult<Vec<TimelineEvent>> {
    let rows = sqlx::query(
        "SELECT e.at, e.actor, u.display_name, e.action, e.from_state, e.to_state, e.note \
         FROM order_events e LEFT JOIN users u ON u.id = e.user_id \
         WHERE e.order_id = $1 ORDER BY e.at, e.id",
    )
    .bind(order_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let actor: String = r.try_get("actor")?;
            let from: Option<String> = r.try_get("from_state")?;
            Ok(TimelineEvent {
                at: r.try_get("at")?,
                actor: Party::parse(&actor).unwrap_or(Party::System),
                actor_name: r.try_get("display_name")?,
                action: r.try_get("action")?,
                from_state: from.as_deref().and_then(State::parse),
                to_state: state_of(r, "to_state")?,
                note: r.try_get("note")?,
            })
        })
        .collect()
}

#[derive(Debug, Clone)]
pub struct Message {
    pub at: i64,
    pub author: Party,
    pub author_name: Option<String>,
    pub body: String,
}

pub async fn messages(db: &Db, order_id: i64) -> DbResult<Vec<Message>> {
    let rows = sqlx::query(
        "SELECT m.at, m.author, u.display_name, m.body FROM order_messages m \
         LEFT JOIN users u ON u.id = m.user_id WHERE m.order_id = $1 ORDER BY m.at, m.id",
    )
    .bind(order_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let author: String = r.try_get("author")?;
            Ok(Message {
                at: r.try_get("at")?,
                author: Party::parse(&author).unwrap_or(Party::Agency),
                author_name: r.try_get("display_name")?,
                body: r.try_get("body")?,
            })
        })
        .collect()
}

#[derive(Debug, Clone)]
pub struct PaymentRecord {
    pub method: PayMethod,
    pub paid_on: String,
    pub amount: i64,
    pub recorded_at: i64,
    pub confirmed_at: Option<i64>,
}

pub async fn payment(db: &Db, order_id: i64) -> DbResult<Option<PaymentRecord>> {
    let row = sqlx::query(
        "SELECT method, paid_on, amount, recorded_at, confirmed_at FROM order_payments \
         WHERE order_id = $1",
    )
    .bind(order_id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| {
        let method: String = r.try_get("method")?;
        Ok(PaymentRecord {
            method: PayMethod::parse(&method).unwrap_or(PayMethod::Cash),
            paid_on: r.try_get("paid_on")?,
            amount: r.try_get("amount")?,
            recorded_at: r.try_get("recorded_at")?,
            confirmed_at: r.try_get("confirmed_at")?,
        })
    })
    .transpose()
}

// ---- changing an order ----

/// A change of state the domain allowed, with what it carries.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub action: Action,
    pub party: Party,
    pub user_id: Option<i64>,
    /// A reason, a decision, or the seller's words with a quote.
    pub note: &'a str,
    /// The total a quote proposes.
    pub quote: Option<Rupiah>,
    /// The review that completes a `Review`.
    pub review: Option<&'a ReviewForm>,
}

/// Applies a change to the order as the caller loaded it (`order.state`, `order.version`). The
/// domain is asked again here (the auto-complete job and handlers share this path); the
/// conditional update makes a concurrent change lose with `STALE`.
pub async fn apply(
    db: &Db,
    order: &Order,
    change: &Change<'_>,
    who: &Who<'_>,
    reach: &Reach,
) -> DbResult<State> {
    let to = check(&order.facts(), change.party, change.action)
        .map_err(|r| DbError::Other(format!("refused: {r}")))?;
    let at = now();
    let mut tx = db.begin().await?;
    let mut sql =
        String::from("UPDATE orders SET state = $1, version = version + 1, updated_at = $2");
    match change.action {
        Action::Quote => sql.push_str(", quoted_total = $6"),
        Action::AcceptQuote => sql.push_str(", total = quoted_total"),
        Action::RejectQuote => sql.push_str(", quoted_total = NULL"),
        Action::Deliver => sql.push_str(", delivered_at = $2"),
        _ if to == State::Completed => sql.push_str(", completed_at = $2"),
        _ => {}
    }
    sql.push_str(" WHERE id = $3 AND state = $4 AND version = $5");
    if change.action == Action::AcceptQuote {
        sql.push_str(" AND quoted_total IS NOT NULL");
    }
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(to.as_str())
        .bind(at)
        .bind(order.id)
        .bind(order.state.as_str())
        .bind(order.version);
    if change.action == Action::Quote {
        let amount = change
            .quote
            .ok_or_else(|| DbError::Other("a quote needs an amount".into()))?;
        q = q.bind(amount.amount());
    }
    let updated = q.execute(&mut *tx).await?.rows_affected();
    if updated == 0 {
        tx.rollback().await?;
        return Err(stale());
    }
    let mut note = change.note.to_owned();
    if let Some(amount) = change.quote {
        note = if note.is_empty() {
            format!("Penawaran: {amount}")
        } else {
            format!("Penawaran: {amount}. {note}")
        };
    }
    if change.action == Action::AcceptQuote
        && let Some(q) = order.quoted_total
    {
        note = format!("Total disepakati: {}", Rupiah::new(q).unwrap_or_default());
    }
    if let Some(review) = change.review {
        sqlx::query(
            "INSERT INTO reviews (order_id, business_id, rating, body, reviewer, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(order.id)
        .bind(order.business_id)
        .bind(review.rating)
        .bind(&review.body)
        .bind(&order.buyer_name)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        super::revision::touch_business(&mut tx, order.business_id).await?;
        note = format!(
            "{} {}",
            crate::domain::order::stars(review.rating),
            review.body
        )
        .trim()
        .to_owned();
    }
    insert_event(
        &mut tx,
        order.id,
        change.party,
        change.user_id,
        change.action.slug(),
        Some(order.state),
        to,
        &note,
    )
    .await?;
    let title = format!(
        "Pesanan #{}: {} {}",
        order.id,
        change.party.label(),
        change.action.done()
    );
    let body = if note.is_empty() {
        format!("Status sekarang: {}.", to.label())
    } else {
        format!("Status sekarang: {}. {note}", to.label())
    };
    announce(&mut tx, order, change.party, &title, &body, reach).await?;
    audit::append(
        &mut tx,
        who.event(
            "order.transition",
            "order",
            order.id,
            serde_json::json!({
                "action": change.action.slug(),
                "party": change.party.as_str(),
                "from": order.state.as_str(),
                "to": to.as_str(),
                "note": note,
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(to)
}

/// Takes the order row for a change that keeps its state (payment, reply): bumps the version
/// only if the state is still the one the caller saw.
async fn hold(tx: &mut Tx, order: &Order) -> DbResult<()> {
    let n = sqlx::query(
        "UPDATE orders SET version = version + 1, updated_at = $1 \
         WHERE id = $2 AND state = $3 AND version = $4",
    )
    .bind(now())
    .bind(order.id)
    .bind(order.state.as_str())
    .bind(order.version)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 0 { Err(stale()) } else { Ok(()) }
}

/// The seller records (or corrects, until the buyer confirms it) the payment.
pub async fn record_payment(
    db: &Db,
    order: &Order,
    payment: &Payment,
    user_id: Option<i64>,
    who: &Who<'_>,
    reach: &Reach,
) -> DbResult<bool> {
    let mut tx = db.begin().await?;
    hold(&mut tx, order).await?;
    let n = sqlx::query(
        "INSERT INTO order_payments (order_id, method, paid_on, amount, recorded_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (order_id) DO UPDATE SET method = excluded.method, \
         paid_on = excluded.paid_on, amount = excluded.amount, recorded_at = excluded.recorded_at \
         WHERE order_payments.confirmed_at IS NULL",
    )
    .bind(order.id)
    .bind(payment.method.as_str())
    .bind(crate::domain::dates::to_iso(payment.paid_on))
    .bind(payment.amount.amount())
    .bind(now())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        // Confirmed already: a confirmed payment is not changed.
        tx.rollback().await?;
        return Ok(false);
    }
    let note = format!(
        "{} {} pada {}",
        payment.method.label(),
        payment.amount,
        crate::domain::dates::format_date(payment.paid_on)
    );
    insert_event(
        &mut tx,
        order.id,
        Party::Seller,
        user_id,
        "pembayaran",
        Some(order.state),
        order.state,
        &note,
    )
    .await?;
    let title = format!("Pesanan #{}: penjual mencatat pembayaran", order.id);
    let body = format!("{note}. Mohon konfirmasi bila sesuai.");
    announce(&mut tx, order, Party::Seller, &title, &body, reach).await?;
    audit::append(
        &mut tx,
        who.event(
            "order.payment",
            "order",
            order.id,
            serde_json::json!({
                "method": payment.method.as_str(),
                "paid_on": crate::domain::dates::to_iso(payment.paid_on),
                "amount": payment.amount.amount(),
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// The buyer confirms the recorded payment. False when there was nothing to confirm.
pub async fn confirm_payment(
    db: &Db,
    order: &Order,
    user_id: Option<i64>,
    who: &Who<'_>,
    reach: &Reach,
) -> DbResult<bool> {
    let mut tx = db.begin().await?;
    hold(&mut tx, order).await?;
    let n = sqlx::query(
        "UPDATE order_payments SET confirmed_at = $1 WHERE order_id = $2 AND confirmed_at IS NULL",
    )
    .bind(now())
    .bind(order.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    insert_event(
        &mut tx,
        order.id,
        Party::Buyer,
        user_id,
        "pembayaran-dikonfirmasi",
        Some(order.state),
        order.state,
        "",
    )
    .await?;
    let title = format!("Pesanan #{}: pembeli mengonfirmasi pembayaran", order.id);
    announce(&mut tx, order, Party::Buyer, &title, "", reach).await?;
    audit::append(
        &mut tx,
        who.event(
            "order.payment_confirmed",
            "order",
            order.id,
            serde_json::json!({}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// A message in the order's thread, announced to the other side.
pub async fn post_message(
    db: &Db,
    order: &Order,
    author: Party,
    user_id: Option<i64>,
    body: &str,
    reach: &Reach,
) -> DbResult<()> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO order_messages (order_id, at, author, user_id, body) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(order.id)
    .bind(now())
    .bind(author.as_str())
    .bind(user_id)
    .bind(body)
    .execute(&mut *tx)
    .await?;
    let title = format!(
        "Pesanan #{}: pesan baru dari {}",
        order.id,
        author.label().to_lowercase()
    );
    let preview: String = body.chars().take(140).collect();
    announce(&mut tx, order, author, &title, &preview, reach).await?;
    tx.commit().await?;
    Ok(())
}

/// The seller's one reply to the review. False when there is no review or it has a reply.
pub async fn reply_to_review(
    db: &Db,
    order: &Order,
    user_id: Option<i64>,
    reply: &str,
    who: &Who<'_>,
    reach: &Reach,
) -> DbResult<bool> {
    let mut tx = db.begin().await?;
    hold(&mut tx, order).await?;
    let n = sqlx::query(
        "UPDATE reviews SET reply = $1, replied_at = $2 WHERE order_id = $3 AND reply IS NULL",
    )
    .bind(reply)
    .bind(now())
    .bind(order.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    super::revision::touch_business(&mut tx, order.business_id).await?;
    insert_event(
        &mut tx,
        order.id,
        Party::Seller,
        user_id,
        "balas-ulasan",
        Some(order.state),
        order.state,
        reply,
    )
    .await?;
    let title = format!("Pesanan #{}: penjual membalas ulasan Anda", order.id);
    announce(&mut tx, order, Party::Seller, &title, reply, reach).await?;
    audit::append(
        &mut tx,
        who.event(
            "review.reply",
            "order",
            order.id,
            serde_json::json!({ "reply": reply }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

// ---- notifications ----

async fn seller_users(tx: &mut Tx, alumnus_id: i64) -> DbResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM users WHERE alumnus_id = $1 AND disabled_at IS NULL ORDER BY id",
    )
    .bind(alumnus_id)
    .fetch_all(&mut **tx)
    .await?)
}

async fn notify_seller(
    tx: &mut Tx,
    shop: &Shop,
    order_id: i64,
    title: &str,
    body: &str,
    reach: &Reach,
) -> DbResult<()> {
    let link = format!("/pesanan/{order_id}");
    let users = seller_users(tx, shop.alumnus_id).await?;
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
        && let Some(phone) = shop.phone.as_deref().filter(|p| !p.is_empty())
    {
        let text = format!("{title}\n{body}\n{}{link}", reach.base_url);
        notifications::enqueue(tx, Channel::WhatsApp, phone, title, &text, Some(order_id)).await?;
    }
    Ok(())
}

async fn notify_buyer(
    tx: &mut Tx,
    order: &Order,
    title: &str,
    body: &str,
    reach: &Reach,
) -> DbResult<()> {
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
    // A guest: only the hash of their secret link is stored, so the message points to the order
    // and asks them to open it with the link they saved when ordering.
    let text = format!(
        "{title}\n{body}\nBuka pesanan Anda dengan tautan yang Anda simpan saat memesan \
         ({}{link}?t=…).",
        reach.base_url
    );
    if reach.email && !order.buyer_email.is_empty() {
        notifications::enqueue(
            tx,
            Channel::Email,
            &order.buyer_email,
            title,
            &text,
            Some(order.id),
        )
        .await?;
    } else {
        notifications::enqueue(
            tx,
            Channel::WhatsApp,
            &order.buyer_phone,
            title,
            &text,
            Some(order.id),
        )
        .await?;
    }
    Ok(())
}

/// Tells the other side (both sides when the agency or the system acted).
async fn announce(
    tx: &mut Tx,
    order: &Order,
    actor: Party,
    title: &str,
    body: &str,
    reach: &Reach,
) -> DbResult<()> {
    if actor != Party::Buyer {
        notify_buyer(tx, order, title, body, reach).await?;
    }
    if actor != Party::Seller {
        let shop = Shop {
            id: order.business_id,
            name: order.business_name.clone(),
            alumnus_id: order.seller_alumnus_id,
            phone: sqlx::query_scalar("SELECT phone FROM businesses WHERE id = $1")
                .bind(order.business_id)
                .fetch_one(&mut **tx)
                .await?,
            active: true,
            qris_payload: String::new(),
            bank_name: String::new(),
            bank_account: String::new(),
            bank_holder: String::new(),
            pickup_address: String::new(),
        };
        notify_seller(tx, &shop, order.id, title, body, reach).await?;
    }
    Ok(())
}

// ---- lists ----

#[derive(Debug, Clone)]
pub struct Summary {
    pub id: i64,
    pub business_name: String,
    pub buyer_name: String,
    pub state: State,
    pub total: Option<i64>,
    pub quoted_total: Option<i64>,
    pub needed_on: String,
    pub created_at: i64,
    pub first_item: String,
    pub items: i64,
}

const SUMMARY: &str = "SELECT o.id, b.name AS business_name, o.buyer_name, o.state, o.total, \
     o.quoted_total, o.needed_on, o.created_at, \
     (SELECT i.title FROM order_items i WHERE i.order_id = o.id ORDER BY i.id LIMIT 1) AS first_item, \
     (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS items \
     FROM orders o JOIN businesses b ON b.id = o.business_id";

fn summaries(rows: &[AnyRow]) -> DbResult<Vec<Summary>> {
    rows.iter()
        .map(|r| {
            Ok(Summary {
                id: r.try_get("id")?,
                business_name: r.try_get("business_name")?,
                buyer_name: r.try_get("buyer_name")?,
                state: state_of(r, "state")?,
                total: r.try_get("total")?,
                quoted_total: r.try_get("quoted_total")?,
                needed_on: r.try_get("needed_on")?,
                created_at: r.try_get("created_at")?,
                first_item: r
                    .try_get::<Option<String>, _>("first_item")?
                    .unwrap_or_default(),
                items: r.try_get("items")?,
            })
        })
        .collect()
}

/// A signed-in buyer's orders, newest first.
pub async fn for_buyer(db: &Db, user_id: i64) -> DbResult<Vec<Summary>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SUMMARY} WHERE o.buyer_user_id = $1 ORDER BY o.created_at DESC, o.id DESC LIMIT 200"
    )))
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    summaries(&rows)
}

/// Orders to an alumnus's businesses, optionally in one state, newest first.
pub async fn for_seller(db: &Db, alumnus_id: i64, state: Option<State>) -> DbResult<Vec<Summary>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SUMMARY} WHERE b.alumnus_id = $1 AND ($2 = '' OR o.state = $2) \
         ORDER BY o.created_at DESC, o.id DESC LIMIT 200"
    )))
    .bind(alumnus_id)
    .bind(state.map(State::as_str).unwrap_or(""))
    .fetch_all(db.pool())
    .await?;
    summaries(&rows)
}

/// How many of an alumnus's orders are in each state.
pub async fn seller_counts(db: &Db, alumnus_id: i64) -> DbResult<Vec<(State, i64)>> {
    let rows = sqlx::query(
        "SELECT o.state, COUNT(*) AS n FROM orders o JOIN businesses b ON b.id = o.business_id \
         WHERE b.alumnus_id = $1 GROUP BY o.state",
    )
    .bind(alumnus_id)
    .fetch_all(db.pool())
    .await?;
    let mut counts: Vec<(State, i64)> = State::ALL.iter().map(|s| (*s, 0)).collect();
    for r in &rows {
        let s = state_of(r, "state")?;
        let n: i64 = r.try_get("n")?;
        if let Some(c) = counts.iter_mut().find(|(st, _)| *st == s) {
            c.1 = n;
        }
    }
    Ok(counts)
}

/// Disputed orders, oldest first (the agency's queue).
pub async fn disputed(db: &Db) -> DbResult<Vec<Summary>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SUMMARY} WHERE o.state = 'disputed' ORDER BY o.updated_at, o.id"
    )))
    .fetch_all(db.pool())
    .await?;
    summaries(&rows)
}

// ---- auto-complete ----

/// Completes, as the system, every delivered order whose delivery is `days` days old or more.
/// Returns how many were completed; an order changed meanwhile is left alone.
pub async fn autocomplete_due(db: &Db, days: i64, reach: &Reach) -> DbResult<usize> {
    let cutoff = now() - days.max(0) * 86_400;
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM orders WHERE state = 'delivered' AND delivered_at <= $1 ORDER BY id",
    )
    .bind(cutoff)
    .fetch_all(db.pool())
    .await?;
    let who = Who {
        id: None,
        label: "sistem",
        ip: "",
    };
    let mut done = 0;
    for id in ids {
        let order = get(db, id).await?;
        let change = Change {
            action: Action::AutoComplete,
            party: Party::System,
            user_id: None,
            note: "",
            quote: None,
            review: None,
        };
        match apply(db, &order, &change, &who, &reach.clone()).await {
            Ok(_) => done += 1,
            Err(e) if is_stale(&e) => {}
            Err(DbError::Other(m)) if m.starts_with("refused") => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// Runs `autocomplete_due` every minute for the life of the server.
pub async fn autocomplete_periodically(db: Db, settings: std::sync::Arc<crate::config::Settings>) {
    let reach = Reach::from_settings(&settings);
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

/// Demo seed only: moves an order made just now `days_ago` days into the past, its timeline
/// events a few hours apart in the order they happened, with its messages, payment, review,
/// notifications and outbox rows alongside. Notifications older than two days count as read.
pub async fn demo_backdate(db: &Db, order_id: i64, days_ago: i64) -> DbResult<()> {
    const HOUR: i64 = 3600;
    let gap = if days_ago == 0 { HOUR / 2 } else { 5 * HOUR };
    let mut tx = db.begin().await?;
    let events: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, action FROM order_events WHERE order_id = $1 ORDER BY id")
            .bind(order_id)
            .fetch_all(&mut *tx)
            .await?;
    let span = gap * events.len() as i64;
    let start = now() - days_ago * 24 * HOUR - span - HOUR;
    let at = |k: usize| start + k as i64 * gap;
    let mut delivered = None;
    for (k, (id, action)) in events.iter().enumerate() {
        if action == Action::Deliver.slug() {
            delivered = Some(at(k));
        }
        sqlx::query("UPDATE order_events SET at = $1 WHERE id = $2")
            .bind(at(k))
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    let last = at(events.len().saturating_sub(1));
    let needed_on: String = sqlx::query_scalar("SELECT needed_on FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_one(&mut *tx)
        .await?;
    let needed_on = crate::domain::dates::parse_iso(&needed_on)
        .map(|d| crate::domain::dates::to_iso(d - time::Duration::days(days_ago)))
        .unwrap_or(needed_on);
    sqlx::query(
        "UPDATE orders SET created_at = $1, updated_at = $2, needed_on = $3, \
           delivered_at = CASE WHEN delivered_at IS NULL THEN NULL ELSE $4 END, \
           completed_at = CASE WHEN completed_at IS NULL THEN NULL ELSE $2 END \
         WHERE id = $5",
    )
    .bind(start)
    .bind(last)
    .bind(&needed_on)
    .bind(delivered.unwrap_or(last))
    .bind(order_id)
    .execute(&mut *tx)
    .await?;
    let paid = delivered.unwrap_or(last) + HOUR / 4;
    let paid_on = crate::domain::dates::to_iso(
        time::OffsetDateTime::from_unix_timestamp(paid)
            .map_err(|e| DbError::Other(e.to_string()))?
            .to_offset(crate::domain::dates::WIB)
            .date(),
    );
    sqlx::query(
        "UPDATE order_payments SET recorded_at = $1, paid_on = $2, \
           confirmed_at = CASE WHEN confirmed_at IS NULL THEN NULL ELSE $3 END WHERE order_id = $4",
    )
    .bind(paid)
    .bind(&paid_on)
    .bind(paid + 2 * HOUR)
    .bind(order_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE order_messages SET at = $1 + 600 WHERE order_id = $2")
        .bind(start)
        .bind(order_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE reviews SET created_at = $1, \
           replied_at = CASE WHEN replied_at IS NULL THEN NULL ELSE $2 END WHERE order_id = $3",
    )
    .bind(last)
    .bind(last + 3 * HOUR)
    .bind(order_id)
    .execute(&mut *tx)
    .await?;
    let link = format!("/pesanan/{order_id}");
    let read = (days_ago > 2).then_some(last + HOUR);
    sqlx::query(
        "UPDATE notifications SET created_at = $1, read_at = $2 \
         WHERE link = $3 OR link LIKE $4",
    )
    .bind(last)
    .bind(read)
    .bind(&link)
    .bind(format!("{link}?%"))
    .execute(&mut *tx)
    .await?;
    // Past messages: their WhatsApp hand-offs were offered back then (as the sender marks them).
    sqlx::query(
        "UPDATE outbox SET created_at = $1, next_attempt_at = $1, \
           status = CASE WHEN channel = 'whatsapp' AND status = 'pending' THEN 'handoff' ELSE status END, \
           sent_at = CASE WHEN channel = 'whatsapp' AND status = 'pending' THEN $1 ELSE sent_at END \
         WHERE order_id = $2",
    )
        .bind(last)
        .bind(order_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
