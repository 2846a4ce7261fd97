//! Office procurement storage: service requests, the offers the rotation makes, the documents
//! issued for them (numbered without gaps per issuer and year), payments with their tax lines,
//! and the lists for each side.
//!
//! Like orders, every change starts with one conditional write on the request (`state` and
//! `version` as the caller loaded them); no row means someone changed it first and the caller
//! gets `DbError::Stale` with nothing written. The timeline event, the offer rows, the
//! documents, the notifications and the audit entry go in the same transaction.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::audit::{self, Who};
use super::notifications::{self, Notice};
use super::{Db, DbError, DbResult, Tx, now};
use crate::domain::procurement::documents::DocumentKind;
use crate::domain::procurement::request::{Action, Item, NewRequest, Party, Quote, State};
use crate::domain::procurement::rotation::Candidate;
use crate::domain::procurement::tax::{TaxBreakdown, TaxKind};

/// The states for which `pred` holds, as an SQL list (`'quoted','ordered'`), so that queries
/// take their state sets from the domain instead of repeating them.
pub fn states_where(pred: impl Fn(State) -> bool) -> String {
    State::ALL
        .into_iter()
        .filter(|s| pred(*s))
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(",")
}

fn state_of(r: &AnyRow, col: &str) -> DbResult<State> {
    let s: String = r.try_get(col)?;
    State::parse(&s).ok_or_else(|| DbError::Other(format!("unknown request state {s}")))
}

// ---- a request ----

#[derive(Debug, Clone)]
pub struct Request {
    pub id: i64,
    pub office_id: i64,
    pub office_name: String,
    pub office_code: String,
    pub category_id: i64,
    pub category: String,
    pub trade_id: i64,
    pub tax_kind: TaxKind,
    pub fiscal_year: i64,
    pub title: String,
    pub place: String,
    pub kecamatan_code: String,
    pub kecamatan: String,
    pub date_from: String,
    pub date_until: String,
    pub time_window: String,
    pub hps: Option<i64>,
    pub budget_line: Option<String>,
    pub notes: String,
    pub state: State,
    pub business_id: Option<i64>,
    pub business_name: Option<String>,
    pub provider_alumnus_id: Option<i64>,
    pub offer_expires_at: Option<i64>,
    pub quoted_total: Option<i64>,
    pub quote_note: String,
    pub chosen_rank: Option<i64>,
    pub override_reason: String,
    pub assigned: bool,
    pub rating: Option<i64>,
    pub rating_note: String,
    pub version: i64,
    pub created_at: i64,
    pub ordered_at: Option<i64>,
    pub done_at: Option<i64>,
    pub bast_at: Option<i64>,
    pub paid_at: Option<i64>,
    pub completed_at: Option<i64>,
}

const REQUEST_COLUMNS: &str = "q.id, q.office_id, o.name AS office_name, o.code AS office_code, \
     q.category_id, c.name AS category, c.trade_id, c.tax_kind, q.fiscal_year, q.title, q.place, \
     q.kecamatan_code, COALESCE(k.name, '') AS kecamatan, q.date_from, q.date_until, q.time_window, \
     q.hps, bl.account_code || ' ' || bl.name AS budget_line, q.notes, q.state, q.business_id, \
     b.name AS business_name, b.alumnus_id AS provider_alumnus_id, q.offer_expires_at, \
     q.quoted_total, q.quote_note, q.chosen_rank, q.override_reason, q.assigned, q.rating, \
     q.rating_note, q.version, q.created_at, q.ordered_at, q.done_at, q.bast_at, q.paid_at, \
     q.completed_at";

const REQUEST_FROM: &str = "office_requests q JOIN offices o ON o.id = q.office_id \
     JOIN procurement_categories c ON c.id = q.category_id \
     LEFT JOIN regions k ON k.code = q.kecamatan_code \
     LEFT JOIN office_budget_lines bl ON bl.id = q.budget_line_id \
     LEFT JOIN businesses b ON b.id = q.business_id";

fn request_from_row(r: &AnyRow) -> DbResult<Request> {
    let kind: String = r.try_get("tax_kind")?;
    Ok(Request {
        id: r.try_get("id")?,
        office_id: r.try_get("office_id")?,
        office_name: r.try_get("office_name")?,
        office_code: r.try_get("office_code")?,
        category_id: r.try_get("category_id")?,
        category: r.try_get("category")?,
        trade_id: r.try_get("trade_id")?,
        tax_kind: TaxKind::parse(&kind).unwrap_or(TaxKind::Services),
        fiscal_year: r.try_get("fiscal_year")?,
        title: r.try_get("title")?,
        place: r.try_get("place")?,
        kecamatan_code: r.try_get("kecamatan_code")?,
        kecamatan: r.try_get("kecamatan")?,
        date_from: r.try_get("date_from")?,
        date_until: r.try_get("date_until")?,
        time_window: r.try_get("time_window")?,
        hps: r.try_get("hps")?,
        budget_line: r.try_get("budget_line")?,
        notes: r.try_get("notes")?,
        state: state_of(r, "state")?,
        business_id: r.try_get("business_id")?,
        business_name: r.try_get("business_name")?,
        provider_alumnus_id: r.try_get("provider_alumnus_id")?,
        offer_expires_at: r.try_get("offer_expires_at")?,
        quoted_total: r.try_get("quoted_total")?,
        quote_note: r.try_get("quote_note")?,
        chosen_rank: r.try_get("chosen_rank")?,
        override_reason: r.try_get("override_reason")?,
        assigned: r.try_get::<i64, _>("assigned")? == 1,
        rating: r.try_get("rating")?,
        rating_note: r.try_get("rating_note")?,
        version: r.try_get("version")?,
        created_at: r.try_get("created_at")?,
        ordered_at: r.try_get("ordered_at")?,
        done_at: r.try_get("done_at")?,
        bast_at: r.try_get("bast_at")?,
        paid_at: r.try_get("paid_at")?,
        completed_at: r.try_get("completed_at")?,
    })
}

pub async fn get(db: &Db, id: i64) -> DbResult<Request> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {REQUEST_COLUMNS} FROM {REQUEST_FROM} WHERE q.id = $1"
    )))
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    request_from_row(&row)
}

/// Which requests a list shows.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    Office(i64),
    /// Requests offered to or won by this business.
    Business(i64),
    All,
}

pub async fn list(db: &Db, scope: Scope, limit: i64) -> DbResult<Vec<Request>> {
    let (filter, id) = match scope {
        Scope::Office(id) => ("q.office_id = $1", id),
        Scope::Business(id) => (
            "(q.business_id = $1 OR EXISTS (SELECT 1 FROM office_offers f \
              WHERE f.request_id = q.id AND f.business_id = $1))",
            id,
        ),
        Scope::All => ("$1 = 0", 0),
    };
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {REQUEST_COLUMNS} FROM {REQUEST_FROM} WHERE {filter} \
         ORDER BY q.updated_at DESC, q.id DESC LIMIT $2"
    )))
    .bind(id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(request_from_row).collect()
}

#[derive(Debug, Clone)]
pub struct StoredItem {
    pub id: i64,
    pub item: Item,
    pub unit_price: Option<i64>,
}

pub async fn items(db: &Db, request_id: i64) -> DbResult<Vec<StoredItem>> {
    let rows = sqlx::query(
        "SELECT id, description, quantity, unit, unit_price FROM office_request_items \
         WHERE request_id = $1 ORDER BY id",
    )
    .bind(request_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StoredItem {
                id: r.try_get("id")?,
                item: Item {
                    description: r.try_get("description")?,
                    quantity: r.try_get("quantity")?,
                    unit: r.try_get("unit")?,
                },
                unit_price: r.try_get("unit_price")?,
            })
        })
        .collect()
}

#[derive(Debug, Clone)]
pub struct TimelineEvent {
    pub at: i64,
    pub actor: Party,
    pub actor_name: Option<String>,
    pub action: String,
    pub to_state: State,
    pub note: String,
}

pub async fn timeline(db: &Db, request_id: i64) -> DbResult<Vec<TimelineEvent>> {
    let rows = sqlx::query(
        "SELECT e.at, e.actor, u.display_name, e.action, e.to_state, e.note \
         FROM office_request_events e LEFT JOIN users u ON u.id = e.user_id \
         WHERE e.request_id = $1 ORDER BY e.at, e.id",
    )
    .bind(request_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let actor: String = r.try_get("actor")?;
            Ok(TimelineEvent {
                at: r.try_get("at")?,
                actor: Party::parse(&actor).unwrap_or(Party::System),
                actor_name: r.try_get("display_name")?,
                action: r.try_get("action")?,
                to_state: state_of(r, "to_state")?,
                note: r.try_get("note")?,
            })
        })
        .collect()
}

#[derive(Debug, Clone)]
pub struct OfferRow {
    pub business_id: i64,
    pub business_name: String,
    pub rank: i64,
    pub state: String,
    pub reason: String,
    pub offered_at: i64,
    pub expires_at: i64,
    pub answered_at: Option<i64>,
}

pub async fn offers(db: &Db, request_id: i64) -> DbResult<Vec<OfferRow>> {
    let rows = sqlx::query(
        "SELECT f.business_id, b.name, f.rank, f.state, f.reason, f.offered_at, f.expires_at, \
         f.answered_at FROM office_offers f JOIN businesses b ON b.id = f.business_id \
         WHERE f.request_id = $1 ORDER BY f.offered_at, f.id",
    )
    .bind(request_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(OfferRow {
                business_id: r.try_get("business_id")?,
                business_name: r.try_get("name")?,
                rank: r.try_get("rank")?,
                state: r.try_get("state")?,
                reason: r.try_get("reason")?,
                offered_at: r.try_get("offered_at")?,
                expires_at: r.try_get("expires_at")?,
                answered_at: r.try_get("answered_at")?,
            })
        })
        .collect()
}

/// Businesses already asked for this request (declined, expired, rejected or asked now).
pub async fn asked(db: &Db, request_id: i64) -> DbResult<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT business_id FROM office_offers WHERE request_id = $1")
            .bind(request_id)
            .fetch_all(db.pool())
            .await?,
    )
}

/// The active listings of a business, for its catalog price beside the HPS.
pub async fn catalog_listings(
    db: &Db,
    business_id: i64,
) -> DbResult<Vec<crate::domain::procurement::catalog::Listed>> {
    let rows = sqlx::query(
        "SELECT title, unit, price_kind, price, office_price FROM listings \
         WHERE business_id = $1 AND active = 1 ORDER BY id",
    )
    .bind(business_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("price_kind")?;
            Ok(crate::domain::procurement::catalog::Listed {
                title: r.try_get("title")?,
                unit: r.try_get("unit")?,
                kind: crate::domain::storefront::PriceKind::parse(&kind)
                    .ok_or_else(|| DbError::Other(format!("price kind {kind}")))?,
                price: r.try_get("price")?,
                office_price: r.try_get("office_price")?,
            })
        })
        .collect()
}

/// The phone of an office's first enabled account in `role` (`opd`, `bendahara`) that has
/// one, for a click-to-chat message to them.
pub async fn office_phone(db: &Db, office_id: i64, role: &str) -> DbResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT phone FROM users WHERE office_id = $1 AND role = $2 AND disabled_at IS NULL \
         AND phone IS NOT NULL AND phone <> '' ORDER BY id LIMIT 1",
    )
    .bind(office_id)
    .bind(role)
    .fetch_optional(db.pool())
    .await?)
}

// ---- the rotation's facts ----

/// A candidate as the rotation sees it, with the name and kecamatan for the page.
#[derive(Debug, Clone)]
pub struct CandidateRow {
    pub candidate: Candidate,
    pub kecamatan: String,
}

/// Every business that practises the request's trade (main or additional), with the facts the
/// rotation's eligibility rules and ranking need. `today` is the WIB date (ISO) for certificate
/// expiry; `year_start` the fiscal year's first instant.
pub async fn candidates(
    db: &Db,
    request: &Request,
    today: &str,
    year_start: i64,
) -> DbResult<Vec<CandidateRow>> {
    let occupying = states_where(State::occupies_provider);
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT b.id, b.name, COALESCE(b.kecamatan_code, '') AS home, COALESCE(k.name, '') AS kec, \
         b.active, b.office_capacity, COALESCE(b.verified_at, b.created_at) AS since, \
         CASE WHEN b.verified_at IS NULL THEN 0 ELSE 1 END AS verified, \
         CASE WHEN EXISTS (SELECT 1 FROM participations p JOIN batches bt ON bt.id = p.batch_id \
              JOIN programs pr ON pr.id = bt.program_id \
              WHERE p.alumnus_id = b.alumnus_id AND pr.trade_id = $1 AND p.cert_number IS NOT NULL \
              AND p.cert_number <> '' AND (p.cert_expiry IS NULL OR p.cert_expiry >= $2)) \
              THEN 1 ELSE 0 END AS certified, \
         CASE WHEN b.kecamatan_code = $3 OR EXISTS (SELECT 1 FROM business_areas a \
              LEFT JOIN regions d ON d.code = a.region_code \
              WHERE a.business_id = b.id AND (a.region_code = $3 OR d.parent_code = $3)) \
              THEN 1 ELSE 0 END AS serves, \
         (SELECT COUNT(*) FROM office_requests r WHERE r.business_id = b.id \
              AND r.state IN ({occupying})) AS open_jobs, \
         (SELECT COUNT(*) FROM office_requests r WHERE r.business_id = b.id \
              AND r.office_id = $4 AND r.state = 'disputed') AS disputes, \
         (SELECT MAX(r.ordered_at) FROM office_requests r WHERE r.business_id = b.id \
              AND r.ordered_at IS NOT NULL) AS last_job, \
         (SELECT CAST(COALESCE(SUM(r.quoted_total), 0) AS BIGINT) FROM office_requests r \
              WHERE r.business_id = b.id AND r.ordered_at IS NOT NULL AND r.ordered_at >= $5 \
              AND r.state <> 'cancelled') AS value_year, \
         (SELECT CAST(COALESCE(SUM(v.rating), 0) AS BIGINT) FROM reviews v WHERE v.business_id = b.id) \
           + (SELECT CAST(COALESCE(SUM(r.rating), 0) AS BIGINT) FROM office_requests r \
              WHERE r.business_id = b.id AND r.rating IS NOT NULL) AS rating_sum, \
         (SELECT COUNT(*) FROM reviews v WHERE v.business_id = b.id) \
           + (SELECT COUNT(*) FROM office_requests r WHERE r.business_id = b.id \
              AND r.rating IS NOT NULL) AS rating_count \
         FROM businesses b LEFT JOIN regions k ON k.code = b.kecamatan_code \
         WHERE b.trade_id = $1 OR EXISTS (SELECT 1 FROM business_trades t \
              WHERE t.business_id = b.id AND t.trade_id = $1) \
         ORDER BY b.id"
    )))
    .bind(request.trade_id)
    .bind(today)
    .bind(&request.kecamatan_code)
    .bind(request.office_id)
    .bind(year_start)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let sum: i64 = r.try_get("rating_sum")?;
            let count: i64 = r.try_get("rating_count")?;
            Ok(CandidateRow {
                kecamatan: r.try_get("kec")?,
                candidate: Candidate {
                    business_id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    home_kecamatan: r.try_get("home")?,
                    verified: r.try_get::<i64, _>("verified")? == 1,
                    certified: r.try_get::<i64, _>("certified")? == 1,
                    active: r.try_get::<i64, _>("active")? == 1,
                    serves_kecamatan: r.try_get::<i64, _>("serves")? == 1,
                    open_jobs: r.try_get("open_jobs")?,
                    capacity: r.try_get("office_capacity")?,
                    open_dispute_with_office: r.try_get::<i64, _>("disputes")? > 0,
                    rating_tenths: (count > 0).then(|| (sum * 10 + count / 2) / count),
                    rating_count: count,
                    last_office_job_at: r.try_get("last_job")?,
                    eligible_since: r.try_get("since")?,
                    value_this_year: r.try_get("value_year")?,
                },
            })
        })
        .collect()
}

// ---- creating ----

pub async fn create(
    db: &Db,
    office_id: i64,
    fiscal_year: i64,
    request: &NewRequest,
    who: &Who<'_>,
    at: i64,
) -> DbResult<i64> {
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO office_requests (office_id, category_id, fiscal_year, title, place, \
         kecamatan_code, date_from, date_until, time_window, hps, budget_line_id, notes, state, \
         created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'open', $13, $14, $14) RETURNING id",
    )
    .bind(office_id)
    .bind(request.category_id)
    .bind(fiscal_year)
    .bind(&request.title)
    .bind(&request.place)
    .bind(&request.kecamatan_code)
    .bind(crate::domain::dates::to_iso(request.date_from))
    .bind(crate::domain::dates::to_iso(request.date_until))
    .bind(&request.time_window)
    .bind(request.hps)
    .bind(request.budget_line_id)
    .bind(&request.notes)
    .bind(who.id)
    .bind(at)
    .fetch_one(&mut *tx)
    .await?;
    for item in &request.items {
        sqlx::query(
            "INSERT INTO office_request_items (request_id, description, quantity, unit) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(&item.description)
        .bind(item.quantity)
        .bind(&item.unit)
        .execute(&mut *tx)
        .await?;
    }
    insert_event(
        &mut tx,
        id,
        at,
        Party::Office,
        who.id,
        "dibuat",
        None,
        State::Open,
        "",
    )
    .await?;
    audit::append(
        &mut tx,
        who.event(
            "procurement.create",
            "office_request",
            id,
            serde_json::json!({"office": office_id, "title": request.title, "items": request.items.len()}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[allow(clippy::too_many_arguments)]
async fn insert_event(
    tx: &mut Tx,
    request_id: i64,
    at: i64,
    party: Party,
    user_id: Option<i64>,
    action: &str,
    from: Option<State>,
    to: State,
    note: &str,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO office_request_events (request_id, at, actor, user_id, action, from_state, \
         to_state, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(request_id)
    .bind(at)
    .bind(party.as_str())
    .bind(user_id)
    .bind(action)
    .bind(from.map(State::as_str))
    .bind(to.as_str())
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// ---- changing a request ----

/// What a change writes besides the state. Each variant is one step of the machine.
#[derive(Debug, Clone)]
pub enum Effect<'a> {
    /// Offer: ask this business (the rotation's choice), until `expires_at`.
    Ask(Ask<'a>),
    /// Quote: the provider's unit prices.
    Quote(&'a Quote),
    /// Decline / expire / reject quote: the current offer ends with this state; `next` is asked
    /// next (or nobody: unserved).
    PassOn {
        offer_state: &'static str,
        next: Option<Next>,
    },
    /// Order: the quote becomes the contract.
    Order,
    MarkDone,
    Bast {
        rating: i64,
    },
    /// Payment recorded (the payment row is written by the caller through `record_payment`).
    Paid,
    VoidPayment,
    Confirm,
    /// Cancel, dispute, resolve, reopen: state and timeline only.
    Plain,
}

#[derive(Debug, Clone)]
pub struct Ask<'a> {
    pub business_id: i64,
    pub rank: i64,
    pub expires_at: i64,
    /// The rotation's first proposal when the office chose.
    pub first_business_id: i64,
    pub override_reason: &'a str,
    pub assigned: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct Next {
    pub business_id: i64,
    pub rank: i64,
    pub expires_at: i64,
}

/// One change, as the domain allowed it.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    /// When it happened (now, except for the demo's year of activity).
    pub at: i64,
    pub action: Action,
    pub party: Party,
    pub to: State,
    pub note: &'a str,
    pub effect: Effect<'a>,
}

/// Applies a change to the request as the caller loaded it, inside `tx` (the caller may add
/// documents and commits). Returns the new version.
pub async fn apply(
    tx: &mut Tx,
    request: &Request,
    change: &Change<'_>,
    who: &Who<'_>,
) -> DbResult<()> {
    let at = change.at;
    let mut sets = String::from("state = $1, version = version + 1, updated_at = $2");
    let mut business: Option<i64> = request.business_id;
    let mut expires: Option<i64> = None;
    match &change.effect {
        Effect::Ask(ask) => {
            sets.push_str(
                ", business_id = $6, offer_expires_at = $7, first_business_id = $8, \
                 chosen_rank = $9, override_reason = $10, assigned = $11",
            );
            business = Some(ask.business_id);
            expires = Some(ask.expires_at);
        }
        Effect::Quote(_) => {
            sets.push_str(", quoted_total = $6, quote_note = $7, offer_expires_at = NULL");
        }
        Effect::PassOn { next, .. } => {
            sets.push_str(
                ", business_id = $6, offer_expires_at = $7, quoted_total = NULL, quote_note = ''",
            );
            business = next.map(|n| n.business_id);
            expires = next.map(|n| n.expires_at);
        }
        Effect::Order => sets.push_str(", ordered_at = $2"),
        Effect::MarkDone => sets.push_str(", done_at = $2"),
        Effect::Bast { .. } => sets.push_str(", bast_at = $2, rating = $6, rating_note = $7"),
        Effect::Paid => sets.push_str(", paid_at = $2"),
        Effect::VoidPayment => sets.push_str(", paid_at = NULL"),
        Effect::Confirm => sets.push_str(", completed_at = $2"),
        Effect::Plain => {}
    }
    let sql =
        format!("UPDATE office_requests SET {sets} WHERE id = $3 AND state = $4 AND version = $5");
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(change.to.as_str())
        .bind(at)
        .bind(request.id)
        .bind(request.state.as_str())
        .bind(request.version);
    match &change.effect {
        Effect::Ask(ask) => {
            q = q
                .bind(ask.business_id)
                .bind(ask.expires_at)
                .bind(ask.first_business_id)
                .bind(ask.rank)
                .bind(ask.override_reason)
                .bind(i64::from(ask.assigned));
        }
        Effect::Quote(quote) => q = q.bind(quote.total).bind(&quote.note),
        Effect::PassOn { .. } => q = q.bind(business).bind(expires),
        Effect::Bast { rating } => q = q.bind(*rating).bind(change.note),
        _ => {}
    }
    if q.execute(&mut **tx).await?.rows_affected() == 0 {
        return Err(DbError::Stale);
    }

    // The offer rows.
    match &change.effect {
        Effect::Ask(ask) => {
            insert_offer(
                tx,
                request.id,
                ask.business_id,
                ask.rank,
                at,
                ask.expires_at,
            )
            .await?
        }
        Effect::Quote(quote) => {
            let ids: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM office_request_items WHERE request_id = $1 ORDER BY id",
            )
            .bind(request.id)
            .fetch_all(&mut **tx)
            .await?;
            for (id, price) in ids.iter().zip(&quote.unit_prices) {
                sqlx::query("UPDATE office_request_items SET unit_price = $1 WHERE id = $2")
                    .bind(price)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
            }
            end_offer(tx, request.id, "quoted", "", at).await?;
        }
        Effect::PassOn { offer_state, next } => {
            sqlx::query(
                "UPDATE office_offers SET state = $1, reason = $2, answered_at = $3 \
                 WHERE request_id = $4 AND state IN ('pending','quoted')",
            )
            .bind(*offer_state)
            .bind(change.note)
            .bind(at)
            .bind(request.id)
            .execute(&mut **tx)
            .await?;
            sqlx::query("UPDATE office_request_items SET unit_price = NULL WHERE request_id = $1")
                .bind(request.id)
                .execute(&mut **tx)
                .await?;
            if let Some(n) = next {
                insert_offer(tx, request.id, n.business_id, n.rank, at, n.expires_at).await?;
            }
        }
        Effect::Order => {
            sqlx::query(
                "UPDATE office_offers SET state = 'won' WHERE request_id = $1 AND state = 'quoted'",
            )
            .bind(request.id)
            .execute(&mut **tx)
            .await?;
        }
        _ if change.to == State::Cancelled => {
            sqlx::query(
                "UPDATE office_offers SET state = 'withdrawn', answered_at = $1 \
                 WHERE request_id = $2 AND state IN ('pending','quoted')",
            )
            .bind(at)
            .bind(request.id)
            .execute(&mut **tx)
            .await?;
        }
        _ => {}
    }

    let note = match &change.effect {
        Effect::Quote(q) => {
            let total = format!(
                "Penawaran {}",
                crate::domain::rupiah::format_rupiah(q.total)
            );
            if q.note.is_empty() {
                total
            } else {
                format!("{total}. {}", q.note)
            }
        }
        Effect::Ask(ask) if !ask.override_reason.is_empty() => {
            format!(
                "Usulan ke-{} dipilih. Alasan: {}",
                ask.rank, ask.override_reason
            )
        }
        Effect::Ask(ask) if ask.assigned => "Dipilih otomatis oleh Karya (urutan rotasi).".into(),
        _ => change.note.to_owned(),
    };
    insert_event(
        tx,
        request.id,
        at,
        change.party,
        who.id,
        change.action.slug(),
        Some(request.state),
        change.to,
        &note,
    )
    .await?;

    // Who hears of it.
    let link = format!("/pengadaan/{}", request.id);
    let title = format!(
        "Pengadaan #{}: {} {}",
        request.id,
        change.party.label(),
        change.action.done()
    );
    let body = if note.is_empty() {
        format!("{} — status: {}.", request.title, change.to.label())
    } else {
        format!("{} — status: {}. {note}", request.title, change.to.label())
    };
    let notice = Notice {
        title: &title,
        body: &body,
        link: &link,
    };
    if change.party != Party::Office && change.party != Party::Treasurer {
        notify_office(tx, request.office_id, &["opd"], &notice).await?;
    }
    if matches!(change.to, State::Accepted) || change.action == Action::ConfirmReceipt {
        notify_office(tx, request.office_id, &["bendahara"], &notice).await?;
    }
    // The provider asked gets the offer itself, with its deadline, instead of the plain status
    // line: the fan-out sends it once per channel they have (the offer has a deadline and not
    // everyone opens Karya daily).
    let asked = match &change.effect {
        Effect::Ask(ask) => Some((ask.business_id, ask.expires_at)),
        Effect::PassOn { next: Some(n), .. } => Some((n.business_id, n.expires_at)),
        _ => None,
    };
    let mut told: std::collections::BTreeSet<i64> = std::collections::BTreeSet::new();
    if let Some((b, expires)) = asked {
        let (title, body) = offer_words(request, expires);
        let offer = Notice {
            title: &title,
            body: &body,
            link: &link,
        };
        notify_business(tx, b, &offer).await?;
        told.insert(b);
    }
    if change.party != Party::Provider {
        for b in [request.business_id, business].into_iter().flatten() {
            if told.insert(b) {
                notify_business(tx, b, &notice).await?;
            }
        }
    }
    audit::append(
        tx,
        who.event(
            "procurement.transition",
            "office_request",
            request.id,
            serde_json::json!({
                "action": change.action.slug(),
                "party": change.party.as_str(),
                "from": request.state.as_str(),
                "to": change.to.as_str(),
                "business": business,
                "note": note,
            }),
        ),
    )
    .await?;
    Ok(())
}

/// What the provider asked is told: who asks for what, where and when, and the deadline.
fn offer_words(request: &Request, expires_at: i64) -> (String, String) {
    let title = format!("Permintaan pekerjaan dari {}", request.office_name);
    let body = format!(
        "{} meminta {} lewat Karya: \"{}\" di {}, Kec. {}, {}. \
         Jawab sebelum {} (terima dengan harga per item, atau tolak dengan alasan); bila tidak \
         dijawab, permintaan diteruskan ke usaha berikutnya dalam rotasi.",
        request.office_name,
        request.category,
        request.title,
        request.place,
        request.kecamatan,
        request.date_from,
        crate::domain::dates::format_instant(expires_at),
    );
    (title, body)
}

async fn insert_offer(
    tx: &mut Tx,
    request_id: i64,
    business_id: i64,
    rank: i64,
    at: i64,
    expires_at: i64,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO office_offers (request_id, business_id, rank, state, offered_at, expires_at) \
         VALUES ($1, $2, $3, 'pending', $4, $5)",
    )
    .bind(request_id)
    .bind(business_id)
    .bind(rank)
    .bind(at)
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn end_offer(
    tx: &mut Tx,
    request_id: i64,
    state: &str,
    reason: &str,
    at: i64,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE office_offers SET state = $1, reason = $2, answered_at = $3 \
         WHERE request_id = $4 AND state = 'pending'",
    )
    .bind(state)
    .bind(reason)
    .bind(at)
    .bind(request_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn notify_office(
    tx: &mut Tx,
    office_id: i64,
    roles: &[&str],
    notice: &Notice<'_>,
) -> DbResult<()> {
    for role in roles {
        let users: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM users WHERE office_id = $1 AND role = $2 AND disabled_at IS NULL",
        )
        .bind(office_id)
        .bind(*role)
        .fetch_all(&mut **tx)
        .await?;
        for u in users {
            notifications::notify_user(tx, u, notice).await?;
        }
    }
    Ok(())
}

async fn notify_business(tx: &mut Tx, business_id: i64, notice: &Notice<'_>) -> DbResult<()> {
    let users: Vec<i64> = sqlx::query_scalar(
        "SELECT u.id FROM users u JOIN businesses b ON b.alumnus_id = u.alumnus_id \
         WHERE b.id = $1 AND u.role = 'alumni' AND u.disabled_at IS NULL",
    )
    .bind(business_id)
    .fetch_all(&mut **tx)
    .await?;
    for u in users {
        notifications::notify_user(tx, u, notice).await?;
    }
    Ok(())
}

// ---- documents ----

#[derive(Debug, Clone)]
pub struct DocumentRow {
    pub id: i64,
    pub request_id: i64,
    pub kind: DocumentKind,
    pub number: String,
    pub amount: i64,
    pub issued_at: i64,
    pub replaces_id: Option<i64>,
    pub voided_at: Option<i64>,
    pub void_reason: String,
}

const DOCUMENT_COLUMNS: &str =
    "id, request_id, kind, number, amount, issued_at, replaces_id, voided_at, void_reason";

fn document_from_row(r: &AnyRow) -> DbResult<DocumentRow> {
    let kind: String = r.try_get("kind")?;
    Ok(DocumentRow {
        id: r.try_get("id")?,
        request_id: r.try_get("request_id")?,
        kind: DocumentKind::parse(&kind)
            .ok_or_else(|| DbError::Other(format!("unknown document kind {kind}")))?,
        number: r.try_get("number")?,
        amount: r.try_get("amount")?,
        issued_at: r.try_get("issued_at")?,
        replaces_id: r.try_get("replaces_id")?,
        voided_at: r.try_get("voided_at")?,
        void_reason: r.try_get("void_reason")?,
    })
}

pub async fn documents(db: &Db, request_id: i64) -> DbResult<Vec<DocumentRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {DOCUMENT_COLUMNS} FROM office_documents WHERE request_id = $1 ORDER BY id"
    )))
    .bind(request_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(document_from_row).collect()
}

/// The same list inside a transaction (a step that voids documents reads them there, never
/// through a second pooled connection while it holds one).
pub async fn documents_in(tx: &mut Tx, request_id: i64) -> DbResult<Vec<DocumentRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {DOCUMENT_COLUMNS} FROM office_documents WHERE request_id = $1 ORDER BY id"
    )))
    .bind(request_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(document_from_row).collect()
}

pub async fn document(db: &Db, id: i64) -> DbResult<DocumentRow> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {DOCUMENT_COLUMNS} FROM office_documents WHERE id = $1"
    )))
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    document_from_row(&row)
}

pub async fn document_pdf(db: &Db, id: i64) -> DbResult<Vec<u8>> {
    Ok(
        sqlx::query_scalar("SELECT pdf FROM office_documents WHERE id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await?,
    )
}

/// Who numbers a document: the office (its letters) or the business (its invoices, receipts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issuer {
    Office(i64),
    Business(i64),
}

impl Issuer {
    pub fn scope(self) -> String {
        match self {
            Issuer::Office(id) => format!("office:{id}"),
            Issuer::Business(id) => format!("business:{id}"),
        }
    }
}

/// A document to issue: the number comes from the issuer's sequence inside the transaction,
/// and `render` turns that number into the PDF that is stored.
pub struct NewDocument<'a> {
    pub request_id: i64,
    pub kind: DocumentKind,
    pub issuer: Issuer,
    pub year: i64,
    pub amount: i64,
    pub replaces_id: Option<i64>,
    pub at: i64,
    pub number: &'a (dyn Fn(i64) -> String + Sync),
    pub render: &'a (dyn Fn(&str) -> Result<Vec<u8>, String> + Sync),
}

/// Takes the issuer's next number for the year. The counter row stays locked (PostgreSQL row
/// lock; SQLite's write lock) until the transaction ends, so numbers are unique and, since a
/// rolled-back transaction returns its number, without gaps.
pub async fn next_number(tx: &mut Tx, scope: &str, year: i64) -> DbResult<i64> {
    sqlx::query(
        "INSERT INTO document_counters (scope, year, value) VALUES ($1, $2, 0) \
         ON CONFLICT (scope, year) DO NOTHING",
    )
    .bind(scope)
    .bind(year)
    .execute(&mut **tx)
    .await?;
    Ok(sqlx::query_scalar(
        "UPDATE document_counters SET value = value + 1 WHERE scope = $1 AND year = $2 RETURNING value",
    )
    .bind(scope)
    .bind(year)
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn issue(tx: &mut Tx, doc: &NewDocument<'_>, who: &Who<'_>) -> DbResult<DocumentRow> {
    let scope = doc.issuer.scope();
    let seq = next_number(tx, &scope, doc.year).await?;
    let number = (doc.number)(seq);
    let pdf = (doc.render)(&number).map_err(DbError::Other)?;
    let at = doc.at;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO office_documents (request_id, kind, scope, year, seq, number, amount, pdf, \
         issued_at, issued_by, replaces_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         RETURNING id",
    )
    .bind(doc.request_id)
    .bind(doc.kind.as_str())
    .bind(&scope)
    .bind(doc.year)
    .bind(seq)
    .bind(&number)
    .bind(doc.amount)
    .bind(pdf)
    .bind(at)
    .bind(who.id)
    .bind(doc.replaces_id)
    .fetch_one(&mut **tx)
    .await?;
    insert_event_keep_state(
        tx,
        doc.request_id,
        at,
        who,
        "dokumen",
        &format!("{} {number} terbit", doc.kind.label()),
    )
    .await?;
    audit::append(
        tx,
        who.event(
            "procurement.document.issue",
            "office_document",
            id,
            serde_json::json!({"request": doc.request_id, "kind": doc.kind.as_str(), "number": number,
                "amount": doc.amount, "replaces": doc.replaces_id}),
        ),
    )
    .await?;
    Ok(DocumentRow {
        id,
        request_id: doc.request_id,
        kind: doc.kind,
        number,
        amount: doc.amount,
        issued_at: at,
        replaces_id: doc.replaces_id,
        voided_at: None,
        void_reason: String::new(),
    })
}

async fn insert_event_keep_state(
    tx: &mut Tx,
    request_id: i64,
    at: i64,
    who: &Who<'_>,
    action: &str,
    note: &str,
) -> DbResult<()> {
    let (state, actor): (String, String) = {
        let r = sqlx::query(
            "SELECT q.state, COALESCE(u.role, '') AS role FROM office_requests q \
             LEFT JOIN users u ON u.id = $2 WHERE q.id = $1",
        )
        .bind(request_id)
        .bind(who.id)
        .fetch_one(&mut **tx)
        .await?;
        (r.try_get("state")?, r.try_get("role")?)
    };
    let party = match actor.as_str() {
        "opd" => Party::Office,
        "bendahara" => Party::Treasurer,
        "alumni" => Party::Provider,
        "admin" => Party::Agency,
        _ => Party::System,
    };
    let state = State::parse(&state).unwrap_or(State::Open);
    insert_event(
        tx,
        request_id,
        at,
        party,
        who.id,
        action,
        Some(state),
        state,
        note,
    )
    .await
}

/// Voids a document with a reason (kept, with the reason, in the timeline and the audit trail).
pub async fn void_document(
    tx: &mut Tx,
    doc: &DocumentRow,
    reason: &str,
    who: &Who<'_>,
    at: i64,
) -> DbResult<()> {
    let n = sqlx::query(
        "UPDATE office_documents SET voided_at = $1, voided_by = $2, void_reason = $3 \
         WHERE id = $4 AND voided_at IS NULL",
    )
    .bind(at)
    .bind(who.id)
    .bind(reason)
    .bind(doc.id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(DbError::Stale);
    }
    insert_event_keep_state(
        tx,
        doc.request_id,
        at,
        who,
        "dokumen-batal",
        &format!("{} {} dibatalkan: {reason}", doc.kind.label(), doc.number),
    )
    .await?;
    audit::append(
        tx,
        who.event(
            "procurement.document.void",
            "office_document",
            doc.id,
            serde_json::json!({"number": doc.number, "reason": reason}),
        ),
    )
    .await?;
    Ok(())
}

// ---- payments ----

#[derive(Debug, Clone)]
pub struct PaymentInput<'a> {
    pub at: i64,
    pub paid_on: &'a str,
    pub method: &'a str,
    pub proof_number: &'a str,
    pub tax: &'a TaxBreakdown,
    /// The deposit references the treasurer wrote, by tax line code.
    pub deposits: &'a [Deposit],
}

/// One tax line's deposit references, validated (`domain::procurement::deposit`) or empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deposit {
    /// The tax line's code ("pph22", "ppn", …).
    pub code: String,
    pub billing_code: String,
    pub ntpn: String,
}

#[derive(Debug, Clone)]
pub struct PaymentRow {
    pub id: i64,
    pub paid_on: String,
    pub method: String,
    pub gross: i64,
    pub withheld: i64,
    pub net: i64,
    pub proof_number: String,
    pub recorded_at: i64,
    pub confirmed_at: Option<i64>,
    pub voided_at: Option<i64>,
    pub void_reason: String,
    pub taxes: Vec<TaxRow>,
}

#[derive(Debug, Clone)]
pub struct TaxRow {
    pub code: String,
    pub label: String,
    pub base: i64,
    pub rate_bp: i64,
    pub amount: i64,
    pub basis: String,
    pub billing_code: String,
    pub ntpn: String,
}

pub async fn record_payment(
    tx: &mut Tx,
    request_id: i64,
    p: &PaymentInput<'_>,
    who: &Who<'_>,
) -> DbResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO office_payments (request_id, paid_on, method, gross, withheld, net, \
         proof_number, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(request_id)
    .bind(p.paid_on)
    .bind(p.method)
    .bind(p.tax.gross)
    .bind(p.tax.withheld)
    .bind(p.tax.net)
    .bind(p.proof_number)
    .bind(who.id)
    .bind(p.at)
    .fetch_one(&mut **tx)
    .await?;
    for line in &p.tax.lines {
        let deposit = p
            .deposits
            .iter()
            .find(|d| d.code == line.code)
            .cloned()
            .unwrap_or_default();
        sqlx::query(
            "INSERT INTO office_payment_taxes (payment_id, code, label, base, rate_bp, amount, basis, \
             billing_code, ntpn) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(line.code)
        .bind(&line.label)
        .bind(line.base)
        .bind(line.rate_bp)
        .bind(line.amount)
        .bind(line.basis)
        .bind(&deposit.billing_code)
        .bind(&deposit.ntpn)
        .execute(&mut **tx)
        .await?;
    }
    audit::append(
        tx,
        who.event(
            "procurement.payment",
            "office_payment",
            id,
            serde_json::json!({"request": request_id, "gross": p.tax.gross, "withheld": p.tax.withheld,
                "net": p.tax.net, "proof": p.proof_number,
                "deposits": p.deposits.iter().filter(|d| !d.billing_code.is_empty() || !d.ntpn.is_empty())
                    .map(|d| serde_json::json!({"tax": d.code, "billing": d.billing_code, "ntpn": d.ntpn}))
                    .collect::<Vec<_>>()}),
        ),
    )
    .await?;
    Ok(id)
}

pub async fn void_payment(tx: &mut Tx, request_id: i64, reason: &str, at: i64) -> DbResult<()> {
    sqlx::query(
        "UPDATE office_payments SET voided_at = $1, void_reason = $2 \
         WHERE request_id = $3 AND voided_at IS NULL",
    )
    .bind(at)
    .bind(reason)
    .bind(request_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes the deposit references of the live payment's tax lines (a line not named keeps
/// its own), audited. `NotFound` when the request has no live payment.
pub async fn update_deposits(
    tx: &mut Tx,
    request_id: i64,
    deposits: &[Deposit],
    who: &Who<'_>,
) -> DbResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "SELECT id FROM office_payments WHERE request_id = $1 AND voided_at IS NULL",
    )
    .bind(request_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(DbError::NotFound)?;
    for d in deposits {
        sqlx::query(
            "UPDATE office_payment_taxes SET billing_code = $1, ntpn = $2 \
             WHERE payment_id = $3 AND code = $4",
        )
        .bind(&d.billing_code)
        .bind(&d.ntpn)
        .bind(id)
        .bind(&d.code)
        .execute(&mut **tx)
        .await?;
    }
    audit::append(
        tx,
        who.event(
            "procurement.deposit",
            "office_payment",
            id,
            serde_json::json!({"request": request_id,
                "deposits": deposits.iter()
                    .map(|d| serde_json::json!({"tax": d.code, "billing": d.billing_code, "ntpn": d.ntpn}))
                    .collect::<Vec<_>>()}),
        ),
    )
    .await?;
    Ok(id)
}

pub async fn confirm_payment(tx: &mut Tx, request_id: i64, at: i64) -> DbResult<()> {
    sqlx::query(
        "UPDATE office_payments SET confirmed_at = $1 WHERE request_id = $2 AND voided_at IS NULL",
    )
    .bind(at)
    .bind(request_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Every payment record of a request, the live one last.
pub async fn payments(db: &Db, request_id: i64) -> DbResult<Vec<PaymentRow>> {
    let rows = sqlx::query(
        "SELECT id, paid_on, method, gross, withheld, net, proof_number, recorded_at, \
         confirmed_at, voided_at, void_reason FROM office_payments WHERE request_id = $1 \
         ORDER BY CASE WHEN voided_at IS NULL THEN 1 ELSE 0 END, id",
    )
    .bind(request_id)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let taxes = sqlx::query(
            "SELECT code, label, base, rate_bp, amount, basis, billing_code, ntpn \
             FROM office_payment_taxes WHERE payment_id = $1 ORDER BY code",
        )
        .bind(id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|t| {
            Ok(TaxRow {
                code: t.try_get("code")?,
                label: t.try_get("label")?,
                base: t.try_get("base")?,
                rate_bp: t.try_get("rate_bp")?,
                amount: t.try_get("amount")?,
                basis: t.try_get("basis")?,
                billing_code: t.try_get("billing_code")?,
                ntpn: t.try_get("ntpn")?,
            })
        })
        .collect::<DbResult<Vec<_>>>()?;
        out.push(PaymentRow {
            id,
            paid_on: r.try_get("paid_on")?,
            method: r.try_get("method")?,
            gross: r.try_get("gross")?,
            withheld: r.try_get("withheld")?,
            net: r.try_get("net")?,
            proof_number: r.try_get("proof_number")?,
            recorded_at: r.try_get("recorded_at")?,
            confirmed_at: r.try_get("confirmed_at")?,
            voided_at: r.try_get("voided_at")?,
            void_reason: r.try_get("void_reason")?,
            taxes,
        });
    }
    Ok(out)
}

// ---- the deadline job ----

/// Requests whose current offer ran out before `at`.
pub async fn expired_offers(db: &Db, at: i64) -> DbResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM office_requests WHERE state = 'offered' AND offer_expires_at < $1 ORDER BY id",
    )
    .bind(at)
    .fetch_all(db.pool())
    .await?)
}

// ---- the business's tax position ----

#[derive(Debug, Clone, Default)]
pub struct BusinessFacts {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub kecamatan: String,
    pub owner_name: String,
    pub npwp: String,
    pub pkp: bool,
    pub umkm_final: bool,
    pub office_capacity: i64,
    pub bank_name: String,
    pub bank_account: String,
    pub bank_holder: String,
    /// The business's WhatsApp number as stored (normalised +62…), if any.
    pub phone: Option<String>,
}

pub async fn business_facts(db: &Db, business_id: i64) -> DbResult<BusinessFacts> {
    let r = sqlx::query(
        "SELECT b.id, b.name, b.pickup_address, COALESCE(k.name, '') AS kec, a.full_name, b.npwp, \
         b.pkp, b.umkm_final, b.office_capacity, b.bank_name, b.bank_account, b.bank_holder, \
         b.phone FROM businesses b JOIN alumni a ON a.id = b.alumnus_id \
         LEFT JOIN regions k ON k.code = b.kecamatan_code WHERE b.id = $1",
    )
    .bind(business_id)
    .fetch_one(db.pool())
    .await?;
    Ok(BusinessFacts {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        address: r.try_get("pickup_address")?,
        kecamatan: r.try_get("kec")?,
        owner_name: r.try_get("full_name")?,
        npwp: r.try_get("npwp")?,
        pkp: r.try_get::<i64, _>("pkp")? == 1,
        umkm_final: r.try_get::<i64, _>("umkm_final")? == 1,
        office_capacity: r.try_get("office_capacity")?,
        bank_name: r.try_get("bank_name")?,
        bank_account: r.try_get("bank_account")?,
        bank_holder: r.try_get("bank_holder")?,
        phone: r.try_get("phone")?,
    })
}

/// Stores a business's tax position; `npwp_sealed` is the NPWP sealed with the data key, or
/// empty for none.
pub async fn update_business_tax(
    tx: &mut Tx,
    business_id: i64,
    npwp_sealed: &str,
    pkp: bool,
    umkm_final: bool,
    capacity: i64,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE businesses SET npwp = $1, pkp = $2, umkm_final = $3, office_capacity = $4, \
         updated_at = $5 WHERE id = $6",
    )
    .bind(npwp_sealed)
    .bind(i64::from(pkp))
    .bind(i64::from(umkm_final))
    .bind(capacity)
    .bind(now())
    .bind(business_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Businesses whose stored NPWP is not empty: (id, stored value), for sealing values an older
/// version stored in clear.
pub async fn stored_npwps(db: &Db) -> DbResult<Vec<(i64, String)>> {
    let rows = sqlx::query("SELECT id, npwp FROM businesses WHERE npwp <> '' ORDER BY id")
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("npwp")?)))
        .collect()
}

/// Replaces a stored NPWP value as it was read (a clear one by its sealed form); nothing
/// happens when it changed meanwhile.
pub async fn replace_npwp(db: &Db, business_id: i64, was: &str, sealed: &str) -> DbResult<()> {
    sqlx::query("UPDATE businesses SET npwp = $1 WHERE id = $2 AND npwp = $3")
        .bind(sealed)
        .bind(business_id)
        .bind(was)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// An office's budget lines for a year, as (id, "kode — nama").
pub async fn budget_lines(db: &Db, office_id: i64, year: i64) -> DbResult<Vec<(i64, String)>> {
    let rows = sqlx::query(
        "SELECT id, account_code, name FROM office_budget_lines \
         WHERE office_id = $1 AND year = $2 ORDER BY account_code",
    )
    .bind(office_id)
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let code: String = r.try_get("account_code")?;
            let name: String = r.try_get("name")?;
            Ok((r.try_get("id")?, format!("{code} — {name}")))
        })
        .collect()
}

/// The business an alumnus owns (one per alumnus), if any.
pub async fn business_of_alumnus(db: &Db, alumnus_id: i64) -> DbResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM businesses WHERE alumnus_id = $1 ORDER BY id LIMIT 1")
            .bind(alumnus_id)
            .fetch_optional(db.pool())
            .await?,
    )
}

/// Whether this business was ever asked for this request (read-only view for past offers).
pub async fn was_asked(db: &Db, request_id: i64, alumnus_id: i64) -> DbResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM office_offers f JOIN businesses b ON b.id = f.business_id \
         WHERE f.request_id = $1 AND b.alumnus_id = $2",
    )
    .bind(request_id)
    .bind(alumnus_id)
    .fetch_one(db.pool())
    .await?;
    Ok(n > 0)
}

/// A business's rotation appeals: (note, asked on, answer).
pub async fn appeals(db: &Db, business_id: i64) -> DbResult<Vec<(String, i64, Option<String>)>> {
    let rows = sqlx::query(
        "SELECT note, created_at, answer FROM rotation_appeals WHERE business_id = $1 ORDER BY id DESC",
    )
    .bind(business_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let answer: String = r.try_get("answer")?;
            Ok((
                r.try_get("note")?,
                r.try_get("created_at")?,
                (!answer.is_empty()).then_some(answer),
            ))
        })
        .collect()
}

pub async fn create_appeal(db: &Db, business_id: i64, note: &str, who: &Who<'_>) -> DbResult<i64> {
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO rotation_appeals (business_id, note, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(business_id)
    .bind(note)
    .bind(now())
    .fetch_one(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        who.event(
            "procurement.appeal",
            "rotation_appeal",
            id,
            serde_json::json!({"business": business_id, "note": note}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// How many requests of a list are in each state (for dashboards).
pub async fn counts(db: &Db, scope: Scope) -> DbResult<Vec<(State, i64)>> {
    let (filter, id) = match scope {
        Scope::Office(id) => ("office_id = $1", id),
        Scope::Business(id) => ("business_id = $1", id),
        Scope::All => ("$1 = 0", 0),
    };
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT state, COUNT(*) AS n FROM office_requests WHERE {filter} GROUP BY state"
    )))
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((state_of(r, "state")?, r.try_get("n")?)))
        .collect()
}
