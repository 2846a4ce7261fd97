//! Orders' storage: the order form's listings, orders with their items, timeline, messages,
//! payment and review, the lists for each side, and the writes a change of an order is made of.
//!
//! Every write here takes the caller's transaction; the use cases in `app::orders` open it,
//! ask `domain::order` whether the step may happen, compose the notifications and the audit
//! entry, and commit. A change of an order starts with one conditional write (`transition` or
//! `hold`: `UPDATE orders SET version = version + 1 … WHERE id = $id AND state = $state AND
//! version = $version`): it takes the row (PostgreSQL) or the write lock (SQLite) before
//! anything else is written, and `false` means someone else changed the order first. Nothing
//! here composes words for people.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, DbError, DbResult, Tx, now};
use crate::domain::order::{
    Action, Facts, Line, NewOrder, Offer, Party, PayMethod, Payment, PaymentStatus, ReviewForm,
    ReviewStatus, State,
};
use crate::domain::rupiah::Rupiah;
use crate::domain::storefront::PriceKind;

/// How messages for people outside the app are addressed.
#[derive(Debug, Clone)]
pub struct Reach {
    /// `https://karya.tanjabtimkab.go.id`, for links in messages.
    pub base_url: String,
    /// Email is configured (settings.smtp_url); otherwise WhatsApp hand-offs.
    pub email: bool,
    /// The data key, to re-derive a guest buyer's secret link for the messages to them
    /// (`app::orders::guest_token`); without it a guest's message asks them to open the link
    /// they saved.
    pub guest_key: Option<crate::secrets::Key>,
}

impl Reach {
    pub fn from_settings(settings: &crate::config::Settings) -> Reach {
        Reach {
            base_url: settings.public_url.trim_end_matches('/').to_owned(),
            email: !settings.smtp_url.is_empty(),
            guest_key: None,
        }
    }

    /// With the data key, so messages to guest buyers carry their link.
    pub fn with_guest_key(mut self, key: &crate::secrets::Key) -> Reach {
        self.guest_key = Some(key.clone());
        self
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

/// Stores an order with its lines once per idempotency key: `None` when the key was used
/// already. The insert is `ON CONFLICT … DO NOTHING`, so no statement fails inside the
/// transaction on either backend.
pub async fn insert(
    tx: &mut Tx,
    business_id: i64,
    order: &NewOrder,
    buyer: &Buyer,
    idempotency_key: &str,
) -> DbResult<Option<i64>> {
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
    .bind(now())
    .fetch_optional(&mut **tx)
    .await?;
    let Some(id) = id else {
        return Ok(None);
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
        .execute(&mut **tx)
        .await?;
    }
    Ok(Some(id))
}

/// The order placed with this idempotency key, as `Placed { new: false, .. }`.
pub async fn placed_by_key(db: &Db, idempotency_key: &str) -> DbResult<Placed> {
    let row = sqlx::query("SELECT id, buyer_user_id FROM orders WHERE idempotency_key = $1")
        .bind(idempotency_key)
        .fetch_one(db.pool())
        .await?;
    Ok(Placed {
        id: row.try_get("id")?,
        new: false,
        buyer_user_id: row.try_get("buyer_user_id")?,
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

/// Adds a line to the order's timeline.
#[allow(clippy::too_many_arguments)]
pub async fn insert_event(
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
    /// The stored idempotency key (a hash of the form's key), from which a guest's link is
    /// re-derived with the data key (`app::orders::guest_token`).
    pub idempotency_key: String,
    pub state: State,
    pub fulfilment: String,
    pub address: String,
    pub needed_on: String,
    pub note: String,
    pub total: Option<i64>,
    pub quoted_total: Option<i64>,
    /// The delivery fee (ongkir) inside `total`: 0 until the seller sets it.
    pub delivery_fee: i64,
    /// The delivery fee inside `quoted_total` while a quote waits.
    pub quoted_fee: Option<i64>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub delivered_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub disputed_before: bool,
    pub payment: PaymentStatus,
    pub review: ReviewStatus,
}

impl Order {
    pub fn facts(&self) -> Facts {
        Facts {
            state: self.state,
            total_known: self.total.is_some(),
            disputed_before: self.disputed_before,
            payment: self.payment,
            review: self.review,
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
         o.updated_at, o.idempotency_key, o.delivery_fee, o.quoted_fee, o.delivered_at, o.completed_at, \
         (SELECT COUNT(*) FROM order_events e WHERE e.order_id = o.id \
            AND e.action IN ('putuskan-selesai', 'putuskan-batal')) AS resolved, \
         (SELECT CAST(CASE WHEN p.confirmed_at IS NULL THEN 1 ELSE 2 END AS BIGINT) FROM order_payments p \
            WHERE p.order_id = o.id) AS payment_status, \
         (SELECT CAST(CASE WHEN r.reply IS NULL THEN 1 ELSE 2 END AS BIGINT) FROM reviews r \
            WHERE r.order_id = o.id) AS review_status \
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
        idempotency_key: row.try_get("idempotency_key")?,
        state: state_of(&row, "state")?,
        fulfilment: row.try_get("fulfilment")?,
        address: row.try_get("address")?,
        needed_on: row.try_get("needed_on")?,
        note: row.try_get("note")?,
        total: row.try_get("total")?,
        quoted_total: row.try_get("quoted_total")?,
        delivery_fee: row.try_get("delivery_fee")?,
        quoted_fee: row.try_get("quoted_fee")?,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        delivered_at: row.try_get("delivered_at")?,
        completed_at: row.try_get("completed_at")?,
        disputed_before: row.try_get::<i64, _>("resolved")? > 0,
        payment: match row.try_get::<Option<i64>, _>("payment_status")? {
            None => PaymentStatus::None,
            Some(1) => PaymentStatus::Recorded,
            Some(_) => PaymentStatus::Confirmed,
        },
        review: match row.try_get::<Option<i64>, _>("review_status")? {
            None => ReviewStatus::None,
            Some(1) => ReviewStatus::Unreplied,
            Some(_) => ReviewStatus::Replied,
        },
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

/// Moves the order from the state and version the caller loaded to `to`, with what the action
/// sets besides (`quote`: the quoted total, fee included; `fee`: the delivery fee set with a
/// quote or an acceptance, added to the known total). False when someone changed the order
/// meanwhile.
pub async fn transition(
    tx: &mut Tx,
    order: &Order,
    action: Action,
    to: State,
    quote: Option<Rupiah>,
    fee: Option<Rupiah>,
) -> DbResult<bool> {
    let mut sql =
        String::from("UPDATE orders SET state = $1, version = version + 1, updated_at = $2");
    match action {
        Action::Quote => sql.push_str(", quoted_total = $6, quoted_fee = $7"),
        Action::Accept => sql.push_str(", total = total + $6, delivery_fee = $6"),
        Action::AcceptQuote => {
            sql.push_str(", total = quoted_total, delivery_fee = COALESCE(quoted_fee, 0)")
        }
        Action::RejectQuote => sql.push_str(", quoted_total = NULL, quoted_fee = NULL"),
        Action::Deliver => sql.push_str(", delivered_at = $2"),
        _ if to == State::Completed => sql.push_str(", completed_at = $2"),
        _ => {}
    }
    sql.push_str(" WHERE id = $3 AND state = $4 AND version = $5");
    if action == Action::AcceptQuote {
        sql.push_str(" AND quoted_total IS NOT NULL");
    }
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(to.as_str())
        .bind(now())
        .bind(order.id)
        .bind(order.state.as_str())
        .bind(order.version);
    let fee = fee.map(Rupiah::amount);
    if action == Action::Quote {
        let amount = quote.ok_or_else(|| DbError::Other("a quote needs an amount".into()))?;
        q = q.bind(amount.amount()).bind(fee);
    } else if action == Action::Accept {
        q = q.bind(fee.unwrap_or(0));
    }
    Ok(q.execute(&mut **tx).await?.rows_affected() > 0)
}

/// Stores the buyer's review of the order (the name given on the order is the reviewer's).
pub async fn insert_review(tx: &mut Tx, order: &Order, review: &ReviewForm) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO reviews (order_id, business_id, rating, body, reviewer, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(order.id)
    .bind(order.business_id)
    .bind(review.rating)
    .bind(&review.body)
    .bind(&order.buyer_name)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    super::revision::touch_business(tx, order.business_id).await
}

/// Takes the order row for a change that keeps its state (payment, reply): bumps the version
/// only if the state and version are still the ones the caller saw. False otherwise.
pub async fn hold(tx: &mut Tx, order: &Order) -> DbResult<bool> {
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
    Ok(n > 0)
}

/// Records (or corrects) the payment; false when it was confirmed already.
pub async fn save_payment(tx: &mut Tx, order_id: i64, payment: &Payment) -> DbResult<bool> {
    let n = sqlx::query(
        "INSERT INTO order_payments (order_id, method, paid_on, amount, recorded_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (order_id) DO UPDATE SET method = excluded.method, \
         paid_on = excluded.paid_on, amount = excluded.amount, recorded_at = excluded.recorded_at \
         WHERE order_payments.confirmed_at IS NULL",
    )
    .bind(order_id)
    .bind(payment.method.as_str())
    .bind(crate::domain::dates::to_iso(payment.paid_on))
    .bind(payment.amount.amount())
    .bind(now())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n > 0)
}

/// Marks the recorded payment confirmed; false when there was none waiting.
pub async fn confirm_payment(tx: &mut Tx, order_id: i64) -> DbResult<bool> {
    let n = sqlx::query(
        "UPDATE order_payments SET confirmed_at = $1 WHERE order_id = $2 AND confirmed_at IS NULL",
    )
    .bind(now())
    .bind(order_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n > 0)
}

/// Adds a message to the order's thread.
pub async fn insert_message(
    tx: &mut Tx,
    order_id: i64,
    author: Party,
    user_id: Option<i64>,
    body: &str,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO order_messages (order_id, at, author, user_id, body) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(order_id)
    .bind(now())
    .bind(author.as_str())
    .bind(user_id)
    .bind(body)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Stores the seller's one reply to the review; false when there is no review or it has one.
pub async fn save_reply(tx: &mut Tx, order: &Order, reply: &str) -> DbResult<bool> {
    let n = sqlx::query(
        "UPDATE reviews SET reply = $1, replied_at = $2 WHERE order_id = $3 AND reply IS NULL",
    )
    .bind(reply)
    .bind(now())
    .bind(order.id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Ok(false);
    }
    super::revision::touch_business(tx, order.business_id).await?;
    Ok(true)
}

/// The enabled accounts of an alumnus (who hear about their business's orders).
pub async fn seller_users(tx: &mut Tx, alumnus_id: i64) -> DbResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM users WHERE alumnus_id = $1 AND disabled_at IS NULL ORDER BY id",
    )
    .bind(alumnus_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// The business's phone number, if it has one.
pub async fn business_phone(tx: &mut Tx, business_id: i64) -> DbResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT phone FROM businesses WHERE id = $1")
            .bind(business_id)
            .fetch_one(&mut **tx)
            .await?,
    )
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

/// Delivered orders whose delivery is at or before `cutoff`, oldest id first.
pub async fn delivered_before(db: &Db, cutoff: i64) -> DbResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM orders WHERE state = 'delivered' AND delivered_at <= $1 ORDER BY id",
    )
    .bind(cutoff)
    .fetch_all(db.pool())
    .await?)
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
