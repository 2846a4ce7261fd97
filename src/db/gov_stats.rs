//! The agency head's view of offices per fiscal year (`office_requests.fiscal_year`): requests,
//! completions, value given to alumni, need served, days from BAST to payment, overrides of the
//! rotation, spending against the declared budget; totals per kecamatan and trade; the lists to
//! follow up (late payments, alumni who decline a lot, rotation appeals).
//!
//! Definitions, said once here and on the page:
//! - *completed*: state `paid` or `completed`;
//! - *value given to alumni* (`contracted`): the accepted quote (`quoted_total`) of requests
//!   ordered and later (`ordered`, `done`, `accepted`, `paid`, `completed`, `disputed`; a
//!   cancelled order counts nothing); *paid* is the gross of live (not voided) payments;
//! - *need served*: item quantities of completed requests of a kind of work against the
//!   declared need of that kind;
//! - *days to pay*: the payment's date (`paid_on`) minus the BAST date in WIB, for requests
//!   with a live payment; *late*: more days than `DocumentRules::late_payment_days`, or a BAST
//!   still unpaid after that many days;
//! - *overrides*: requests where the office chose another than the rotation's first
//!   (`chosen_rank > 1`), out of the requests where the office chose (`chosen_rank` set).

use std::collections::BTreeMap;

use sqlx::Row;
use time::Date;

use super::audit::{self, Who};
use super::{Db, DbResult, Tx, now};
use crate::domain::dates::{WIB, parse_iso};

/// Request states from the order on, where the accepted quote is the value given to alumni.
const CONTRACTED: &str = "('ordered','done','accepted','paid','completed','disputed')";
/// Request states counted as completed.
const COMPLETED: &str = "('paid','completed')";

/// One kind of work's declared need and what completed requests served of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedServed {
    pub category_id: i64,
    pub category: String,
    pub unit: String,
    pub need: i64,
    pub served: i64,
}

impl NeedServed {
    /// Served as a whole percentage of the need (may exceed 100).
    pub fn percent(&self) -> i64 {
        if self.need > 0 {
            (self.served * 100 + self.need / 2) / self.need
        } else {
            0
        }
    }
}

/// One office's fiscal year.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OfficeYear {
    pub office_id: i64,
    pub name: String,
    pub code: String,
    pub requests: i64,
    pub completed: i64,
    /// Requests ordered and later (not cancelled).
    pub contracted_count: i64,
    /// Sum of their accepted quotes, Rupiah.
    pub contracted: i64,
    /// Gross of live payments, Rupiah.
    pub paid: i64,
    /// Sum of the office's budget lines' ceilings for the year.
    pub budget: i64,
    pub needs: Vec<NeedServed>,
    /// Paid requests with a BAST, and their days from BAST to payment summed.
    pub paid_after_bast: i64,
    pub days_to_pay_total: i64,
    /// Paid late plus BASTs unpaid past the target.
    pub late: i64,
    /// Requests where the office chose from the proposals, and those where it passed over the first.
    pub chosen: i64,
    pub overrides: i64,
}

impl OfficeYear {
    /// Average days from BAST to payment, in tenths of a day (`None`: nothing paid yet).
    pub fn average_days_tenths(&self) -> Option<i64> {
        (self.paid_after_bast > 0).then(|| {
            (self.days_to_pay_total * 10 + self.paid_after_bast / 2) / self.paid_after_bast
        })
    }

    /// Overrides as a whole percentage of the requests where the office chose.
    pub fn override_percent(&self) -> Option<i64> {
        (self.chosen > 0).then(|| (self.overrides * 100 + self.chosen / 2) / self.chosen)
    }

    /// Value given to alumni as tenths of a percent of the declared budget (`None`: no budget).
    pub fn budget_share_permille(&self) -> Option<i64> {
        (self.budget > 0).then(|| {
            let v = i128::from(self.contracted) * 1000 + i128::from(self.budget) / 2;
            i64::try_from(v / i128::from(self.budget)).unwrap_or(i64::MAX)
        })
    }
}

/// A payment that came, or is still to come, later than the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatePayment {
    pub request_id: i64,
    pub title: String,
    pub office_id: i64,
    pub office: String,
    pub business: String,
    /// BAST date (WIB).
    pub bast_on: Date,
    /// `None`: not paid yet.
    pub paid_on: Option<Date>,
    /// Days from BAST to payment, or to `today` when unpaid.
    pub days: i64,
    /// Days beyond the target.
    pub days_late: i64,
}

/// The numbers of one fiscal year.
#[derive(Debug, Clone, Default)]
pub struct YearReport {
    pub offices: Vec<OfficeYear>,
    pub late: Vec<LatePayment>,
}

fn wib_date(unix: i64) -> Option<Date> {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .map(|t| t.to_offset(WIB).date())
}

/// Per office (every office, or only `office`) for fiscal `year`. `late_days` is
/// `DocumentRules::late_payment_days`; `today` (WIB) ages the unpaid BASTs.
pub async fn year_report(
    db: &Db,
    year: i64,
    office: Option<i64>,
    late_days: i64,
    today: Date,
) -> DbResult<YearReport> {
    let only = office.unwrap_or(0);
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT o.id, o.name, o.code, \
           (SELECT COUNT(*) FROM office_requests r WHERE r.office_id = o.id AND r.fiscal_year = $1) AS requests, \
           (SELECT COUNT(*) FROM office_requests r WHERE r.office_id = o.id AND r.fiscal_year = $1 \
              AND r.state IN {COMPLETED}) AS completed, \
           (SELECT COUNT(*) FROM office_requests r WHERE r.office_id = o.id AND r.fiscal_year = $1 \
              AND r.state IN {CONTRACTED}) AS contracted_count, \
           (SELECT CAST(COALESCE(SUM(r.quoted_total), 0) AS BIGINT) FROM office_requests r \
              WHERE r.office_id = o.id AND r.fiscal_year = $1 AND r.state IN {CONTRACTED}) AS contracted, \
           (SELECT CAST(COALESCE(SUM(p.gross), 0) AS BIGINT) FROM office_payments p \
              JOIN office_requests r ON r.id = p.request_id \
              WHERE r.office_id = o.id AND r.fiscal_year = $1 AND p.voided_at IS NULL) AS paid, \
           (SELECT CAST(COALESCE(SUM(l.ceiling), 0) AS BIGINT) FROM office_budget_lines l \
              WHERE l.office_id = o.id AND l.year = $1) AS budget, \
           (SELECT COUNT(*) FROM office_requests r WHERE r.office_id = o.id AND r.fiscal_year = $1 \
              AND r.chosen_rank IS NOT NULL) AS chosen, \
           (SELECT COUNT(*) FROM office_requests r WHERE r.office_id = o.id AND r.fiscal_year = $1 \
              AND r.chosen_rank > 1) AS overrides \
         FROM offices o WHERE ($2 = 0 OR o.id = $2) ORDER BY o.name"
    )))
    .bind(year)
    .bind(only)
    .fetch_all(db.pool())
    .await?;
    let mut offices: Vec<OfficeYear> = rows
        .iter()
        .map(|r| {
            Ok(OfficeYear {
                office_id: r.try_get("id")?,
                name: r.try_get("name")?,
                code: r.try_get("code")?,
                requests: r.try_get("requests")?,
                completed: r.try_get("completed")?,
                contracted_count: r.try_get("contracted_count")?,
                contracted: r.try_get("contracted")?,
                paid: r.try_get("paid")?,
                budget: r.try_get("budget")?,
                chosen: r.try_get("chosen")?,
                overrides: r.try_get("overrides")?,
                ..OfficeYear::default()
            })
        })
        .collect::<DbResult<_>>()?;
    let index: BTreeMap<i64, usize> = offices
        .iter()
        .enumerate()
        .map(|(i, o)| (o.office_id, i))
        .collect();

    let needs = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT n.office_id, n.category_id, c.name, c.unit, n.quantity, \
           (SELECT CAST(COALESCE(SUM(i.quantity), 0) AS BIGINT) FROM office_request_items i \
              JOIN office_requests r ON r.id = i.request_id \
              WHERE r.office_id = n.office_id AND r.category_id = n.category_id \
              AND r.fiscal_year = n.year AND r.state IN {COMPLETED}) AS served \
         FROM office_needs n JOIN procurement_categories c ON c.id = n.category_id \
         WHERE n.year = $1 AND ($2 = 0 OR n.office_id = $2) ORDER BY c.name"
    )))
    .bind(year)
    .bind(only)
    .fetch_all(db.pool())
    .await?;
    for r in &needs {
        let office_id: i64 = r.try_get("office_id")?;
        if let Some(&i) = index.get(&office_id) {
            offices[i].needs.push(NeedServed {
                category_id: r.try_get("category_id")?,
                category: r.try_get("name")?,
                unit: r.try_get("unit")?,
                need: r.try_get("quantity")?,
                served: r.try_get("served")?,
            });
        }
    }

    // Days from BAST to payment: dates are compared in Rust, the same way on both databases.
    let timing = sqlx::query(
        "SELECT r.id, r.title, r.office_id, o.name AS office, COALESCE(b.name, '') AS business, \
           r.state, r.bast_at, p.paid_on \
         FROM office_requests r JOIN offices o ON o.id = r.office_id \
           LEFT JOIN businesses b ON b.id = r.business_id \
           LEFT JOIN office_payments p ON p.request_id = r.id AND p.voided_at IS NULL \
         WHERE r.fiscal_year = $1 AND r.bast_at IS NOT NULL AND ($2 = 0 OR r.office_id = $2) \
         ORDER BY r.id",
    )
    .bind(year)
    .bind(only)
    .fetch_all(db.pool())
    .await?;
    let mut late = Vec::new();
    for r in &timing {
        let bast_at: i64 = r.try_get("bast_at")?;
        let Some(bast_on) = wib_date(bast_at) else {
            continue;
        };
        let paid_on: Option<String> = r.try_get("paid_on")?;
        let state: String = r.try_get("state")?;
        let paid_on = paid_on.as_deref().and_then(parse_iso);
        let days = match paid_on {
            Some(d) => (d - bast_on).whole_days(),
            // Only a request waiting for its payment ages; others (a voided payment being
            // recorded again is `accepted` too) have no date to count from.
            None if state == "accepted" => (today - bast_on).whole_days(),
            None => continue,
        };
        let office_id: i64 = r.try_get("office_id")?;
        if let Some(&i) = index.get(&office_id) {
            if paid_on.is_some() {
                offices[i].paid_after_bast += 1;
                offices[i].days_to_pay_total += days;
            }
            if days > late_days {
                offices[i].late += 1;
            }
        }
        if days > late_days {
            late.push(LatePayment {
                request_id: r.try_get("id")?,
                title: r.try_get("title")?,
                office_id,
                office: r.try_get("office")?,
                business: r.try_get("business")?,
                bast_on,
                paid_on,
                days,
                days_late: days - late_days,
            });
        }
    }
    late.sort_by(|a, b| {
        b.days_late
            .cmp(&a.days_late)
            .then(a.request_id.cmp(&b.request_id))
    });
    Ok(YearReport { offices, late })
}

/// Value given to alumni in one group (a kecamatan, a trade).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupTotal {
    pub name: String,
    /// Requests ordered and later.
    pub jobs: i64,
    pub value: i64,
    /// Distinct businesses that got them.
    pub businesses: i64,
}

fn group_totals(rows: &[sqlx::any::AnyRow]) -> DbResult<Vec<GroupTotal>> {
    rows.iter()
        .map(|r| {
            Ok(GroupTotal {
                name: r.try_get("name")?,
                jobs: r.try_get("jobs")?,
                value: r.try_get("value")?,
                businesses: r.try_get("businesses")?,
            })
        })
        .collect()
}

/// Value given to alumni in fiscal `year`, per kecamatan of the providing business.
pub async fn totals_by_kecamatan(db: &Db, year: i64) -> DbResult<Vec<GroupTotal>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT COALESCE(k.name, '') AS name, COUNT(*) AS jobs, \
           CAST(COALESCE(SUM(r.quoted_total), 0) AS BIGINT) AS value, \
           COUNT(DISTINCT r.business_id) AS businesses \
         FROM office_requests r JOIN businesses b ON b.id = r.business_id \
           LEFT JOIN regions k ON k.code = b.kecamatan_code \
         WHERE r.fiscal_year = $1 AND r.state IN {CONTRACTED} \
         GROUP BY k.name ORDER BY value DESC, name"
    )))
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    group_totals(&rows)
}

/// Value given to alumni in fiscal `year`, per trade of the kind of work.
pub async fn totals_by_trade(db: &Db, year: i64) -> DbResult<Vec<GroupTotal>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT t.name AS name, COUNT(*) AS jobs, \
           CAST(COALESCE(SUM(r.quoted_total), 0) AS BIGINT) AS value, \
           COUNT(DISTINCT r.business_id) AS businesses \
         FROM office_requests r JOIN procurement_categories c ON c.id = r.category_id \
           JOIN trades t ON t.id = c.trade_id \
         WHERE r.fiscal_year = $1 AND r.state IN {CONTRACTED} \
         GROUP BY t.name ORDER BY value DESC, name"
    )))
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    group_totals(&rows)
}

/// A business's answers to rotation offers in one fiscal year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decliner {
    pub business_id: i64,
    pub name: String,
    pub trade: String,
    pub kecamatan: String,
    pub offers: i64,
    pub declined: i64,
    pub expired: i64,
}

impl Decliner {
    /// Declined or let expire, as a whole percentage of offers.
    pub fn percent(&self) -> i64 {
        if self.offers > 0 {
            ((self.declined + self.expired) * 100 + self.offers / 2) / self.offers
        } else {
            0
        }
    }
}

/// Businesses that declined or let expire at least one offer for a request of fiscal `year`,
/// most such answers first, at most `limit`.
pub async fn decliners(db: &Db, year: i64, limit: usize) -> DbResult<Vec<Decliner>> {
    let rows = sqlx::query(
        "SELECT b.id, b.name, t.name AS trade, COALESCE(k.name, '') AS kecamatan, \
           COUNT(*) AS offers, \
           CAST(SUM(CASE WHEN f.state = 'declined' THEN 1 ELSE 0 END) AS BIGINT) AS declined, \
           CAST(SUM(CASE WHEN f.state = 'expired' THEN 1 ELSE 0 END) AS BIGINT) AS expired \
         FROM office_offers f JOIN office_requests r ON r.id = f.request_id \
           JOIN businesses b ON b.id = f.business_id JOIN trades t ON t.id = b.trade_id \
           LEFT JOIN regions k ON k.code = b.kecamatan_code \
         WHERE r.fiscal_year = $1 \
         GROUP BY b.id, b.name, t.name, k.name",
    )
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    let mut out: Vec<Decliner> = rows
        .iter()
        .map(|r| {
            Ok(Decliner {
                business_id: r.try_get("id")?,
                name: r.try_get("name")?,
                trade: r.try_get("trade")?,
                kecamatan: r.try_get("kecamatan")?,
                offers: r.try_get("offers")?,
                declined: r.try_get("declined")?,
                expired: r.try_get("expired")?,
            })
        })
        .collect::<DbResult<Vec<_>>>()?
        .into_iter()
        .filter(|d| d.declined + d.expired > 0)
        .collect();
    out.sort_by(|a, b| {
        (b.declined + b.expired)
            .cmp(&(a.declined + a.expired))
            .then(b.percent().cmp(&a.percent()))
            .then(a.name.cmp(&b.name))
    });
    out.truncate(limit);
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Rotation appeals: an alumnus's note against a quality-floor exclusion, answered by the agency.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appeal {
    pub id: i64,
    pub business_id: i64,
    pub business: String,
    pub owner: String,
    pub note: String,
    pub created_at: i64,
    pub answer: String,
    pub answered_by: String,
    pub answered_at: Option<i64>,
    /// The business's ratings (marketplace reviews and office ratings, as the rotation counts
    /// them): sum and count.
    pub rating_sum: i64,
    pub rating_count: i64,
}

impl Appeal {
    /// Average rating ×10, rounded (`None`: no ratings).
    pub fn rating_tenths(&self) -> Option<i64> {
        (self.rating_count > 0)
            .then(|| (self.rating_sum * 10 + self.rating_count / 2) / self.rating_count)
    }
}

const APPEAL_SELECT: &str = "SELECT a.id, a.business_id, b.name AS business, al.full_name AS owner, \
       a.note, a.created_at, a.answer, COALESCE(u.display_name, '') AS answered_by, a.answered_at, \
       (SELECT CAST(COALESCE(SUM(v.rating), 0) AS BIGINT) FROM reviews v WHERE v.business_id = b.id) \
         + (SELECT CAST(COALESCE(SUM(r.rating), 0) AS BIGINT) FROM office_requests r \
            WHERE r.business_id = b.id AND r.rating IS NOT NULL) AS rating_sum, \
       (SELECT COUNT(*) FROM reviews v WHERE v.business_id = b.id) \
         + (SELECT COUNT(*) FROM office_requests r WHERE r.business_id = b.id \
            AND r.rating IS NOT NULL) AS rating_count \
     FROM rotation_appeals a JOIN businesses b ON b.id = a.business_id \
       JOIN alumni al ON al.id = b.alumnus_id LEFT JOIN users u ON u.id = a.answered_by";

fn appeal_from_row(r: &sqlx::any::AnyRow) -> DbResult<Appeal> {
    Ok(Appeal {
        id: r.try_get("id")?,
        business_id: r.try_get("business_id")?,
        business: r.try_get("business")?,
        owner: r.try_get("owner")?,
        note: r.try_get("note")?,
        created_at: r.try_get("created_at")?,
        answer: r.try_get("answer")?,
        answered_by: r.try_get("answered_by")?,
        answered_at: r.try_get("answered_at")?,
        rating_sum: r.try_get("rating_sum")?,
        rating_count: r.try_get("rating_count")?,
    })
}

/// Every appeal: unanswered first (oldest first), then the answered ones (latest first).
pub async fn appeals(db: &Db) -> DbResult<Vec<Appeal>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{APPEAL_SELECT} ORDER BY CASE WHEN a.answered_at IS NULL THEN 0 ELSE 1 END, \
           CASE WHEN a.answered_at IS NULL THEN a.created_at ELSE -a.answered_at END, a.id"
    )))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(appeal_from_row).collect()
}

pub async fn appeal(db: &Db, id: i64) -> DbResult<Appeal> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{APPEAL_SELECT} WHERE a.id = $1"
    )))
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    appeal_from_row(&row)
}

/// Answers an unanswered appeal, audited. `Ok(false)`: it was answered already (nothing written).
pub async fn answer_appeal(tx: &mut Tx, id: i64, answer: &str, who: Who<'_>) -> DbResult<bool> {
    let done = sqlx::query(
        "UPDATE rotation_appeals SET answer = $1, answered_by = $2, answered_at = $3 \
         WHERE id = $4 AND answered_at IS NULL",
    )
    .bind(answer)
    .bind(who.id)
    .bind(now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        // Tell a missing appeal from an answered one.
        sqlx::query("SELECT id FROM rotation_appeals WHERE id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
        return Ok(false);
    }
    audit::append(
        tx,
        who.event(
            "rotation_appeal.answer",
            "rotation_appeal",
            id,
            serde_json::json!({"after": {"answer": answer}}),
        ),
    )
    .await?;
    Ok(true)
}

/// Unanswered appeals (for the link on the head's view).
pub async fn open_appeals(db: &Db) -> DbResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM rotation_appeals WHERE answered_at IS NULL")
            .fetch_one(db.pool())
            .await?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_averages_round_half_up() {
        let o = OfficeYear {
            contracted: 3_000_000,
            budget: 7_000_000,
            paid_after_bast: 3,
            days_to_pay_total: 20,
            chosen: 3,
            overrides: 1,
            ..OfficeYear::default()
        };
        // 3/7 = 428.57‰; 20/3 = 6.67 days; 1/3 = 33%.
        assert_eq!(o.budget_share_permille(), Some(429));
        assert_eq!(o.average_days_tenths(), Some(67));
        assert_eq!(o.override_percent(), Some(33));
        let empty = OfficeYear::default();
        assert_eq!(empty.budget_share_permille(), None);
        assert_eq!(empty.average_days_tenths(), None);
        assert_eq!(empty.override_percent(), None);
    }

    #[test]
    fn need_served_percent() {
        let n = NeedServed {
            category_id: 1,
            category: "Servis AC".into(),
            unit: "unit".into(),
            need: 40,
            served: 12,
        };
        assert_eq!(n.percent(), 30);
    }
}
