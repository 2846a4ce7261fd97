//! An alumnus's track record read from stored rows: the register's person and training, the
//! main business, and the activity of every business of theirs (orders with their payments and
//! disputes, reviews, office jobs and live office payments). The figures are defined once, over
//! that activity, in `domain::capital::activity`; this module only reads.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, DbError, DbResult};
use crate::domain::capital::activity::{
    Activity, OfficeJobFact, OfficePaymentFact, Opened, OrderFact, ReviewFact,
};
use crate::domain::capital::record::{Business, Figure, Person, RecordRow, TrackRecord, Training};
use crate::domain::dates::{to_iso, wib_date};

/// The businesses of the alumnus, as a subquery on `$1`.
const THEIRS: &str = "(SELECT id FROM businesses WHERE alumnus_id = $1)";

/// The record as of `now` (Unix seconds; the date and months are WIB). `NotFound` when the
/// alumnus does not exist; a person with no business gets a record with zeros.
pub async fn track_record(db: &Db, alumnus_id: i64, now: i64) -> DbResult<TrackRecord> {
    let person = person(db, alumnus_id).await?;
    Ok(TrackRecord {
        person,
        training: training(db, alumnus_id).await?,
        business: main_business(db, alumnus_id).await?,
        ..activity(db, alumnus_id).await?.figures(wib_date(now))
    })
}

/// The stored records behind one figure of the record as of `now` (`NotFound` for an unknown
/// alumnus).
pub async fn records_behind(
    db: &Db,
    alumnus_id: i64,
    figure: Figure,
    now: i64,
) -> DbResult<Vec<RecordRow>> {
    person(db, alumnus_id).await?;
    Ok(activity(db, alumnus_id)
        .await?
        .behind(figure, wib_date(now)))
}

async fn person(db: &Db, alumnus_id: i64) -> DbResult<Person> {
    let r = sqlx::query(
        "SELECT a.id, a.full_name, a.gender, a.birth_date, a.kecamatan_code, \
           COALESCE(k.name, '') AS kecamatan \
         FROM alumni a LEFT JOIN regions k ON k.code = a.kecamatan_code WHERE a.id = $1",
    )
    .bind(alumnus_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(DbError::NotFound)?;
    Ok(Person {
        alumnus_id: r.try_get("id")?,
        name: r.try_get("full_name")?,
        gender: r.try_get("gender")?,
        birth_date: r.try_get("birth_date")?,
        kecamatan_code: r.try_get("kecamatan_code")?,
        kecamatan: r.try_get("kecamatan")?,
    })
}

async fn training(db: &Db, alumnus_id: i64) -> DbResult<Vec<Training>> {
    let rows = sqlx::query(
        "SELECT t.id AS trade_id, t.name AS trade, p.name AS program, b.number, b.year, \
           pa.result, pa.competency, pa.cert_number \
         FROM participations pa JOIN batches b ON b.id = pa.batch_id \
           JOIN programs p ON p.id = b.program_id JOIN trades t ON t.id = p.trade_id \
         WHERE pa.alumnus_id = $1 ORDER BY b.year, b.start_date, pa.id",
    )
    .bind(alumnus_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Training {
                trade_id: r.try_get("trade_id")?,
                trade: r.try_get("trade")?,
                program: r.try_get("program")?,
                batch_number: r.try_get("number")?,
                year: r.try_get("year")?,
                result: r.try_get("result")?,
                competency: r.try_get("competency")?,
                cert_number: r.try_get("cert_number")?,
            })
        })
        .collect()
}

/// The oldest active business, or the oldest one when none is active any more.
async fn main_business(db: &Db, alumnus_id: i64) -> DbResult<Option<Business>> {
    let Some(r) = sqlx::query(
        "SELECT b.id, b.name, b.created_at, b.kecamatan_code, COALESCE(k.name, '') AS kecamatan, \
           b.nib, b.pirt, b.halal, t.name AS trade \
         FROM businesses b JOIN trades t ON t.id = b.trade_id \
           LEFT JOIN regions k ON k.code = b.kecamatan_code \
         WHERE b.alumnus_id = $1 ORDER BY b.active DESC, b.created_at, b.id LIMIT 1",
    )
    .bind(alumnus_id)
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(None);
    };
    let id: i64 = r.try_get("id")?;
    let mut categories: Vec<String> = vec![r.try_get("trade")?];
    let others = sqlx::query(
        "SELECT t.name FROM business_trades bt JOIN trades t ON t.id = bt.trade_id \
         WHERE bt.business_id = $1 ORDER BY t.name",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    for o in &others {
        let name: String = o.try_get("name")?;
        if !categories.contains(&name) {
            categories.push(name);
        }
    }
    let created_at: i64 = r.try_get("created_at")?;
    Ok(Some(Business {
        id,
        name: r.try_get("name")?,
        since: to_iso(wib_date(created_at)),
        kecamatan_code: r.try_get("kecamatan_code")?,
        kecamatan: r.try_get("kecamatan")?,
        categories,
        nib: r.try_get("nib")?,
        pirt: r.try_get("pirt")?,
        halal: r.try_get("halal")?,
    }))
}

/// Every stored fact the figures count, in five queries over the alumnus's businesses.
pub async fn activity(db: &Db, alumnus_id: i64) -> DbResult<Activity> {
    let opened = sqlx::query(
        "SELECT id, name, created_at FROM businesses WHERE alumnus_id = $1 ORDER BY created_at, id",
    )
    .bind(alumnus_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(Opened {
            business_id: r.try_get("id")?,
            name: r.try_get("name")?,
            created_at: r.try_get("created_at")?,
        })
    })
    .collect::<DbResult<_>>()?;

    let orders = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT o.id, o.state, o.buyer_user_id, o.buyer_phone, o.buyer_name, o.needed_on, \
           o.created_at, o.delivered_at, o.completed_at, COALESCE(o.quoted_total, o.total) AS total, \
           p.paid_on, p.amount, \
           (SELECT MIN(e.at) FROM order_events e WHERE e.order_id = o.id \
              AND e.to_state = 'disputed') AS disputed_at \
         FROM orders o LEFT JOIN order_payments p ON p.order_id = o.id \
           AND p.confirmed_at IS NOT NULL \
         WHERE o.business_id IN {THEIRS} ORDER BY o.created_at, o.id"
    )))
    .bind(alumnus_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(order_fact)
    .collect::<DbResult<_>>()?;

    let reviews = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT order_id, rating, created_at, reviewer FROM reviews \
         WHERE business_id IN {THEIRS} ORDER BY created_at, id"
    )))
    .bind(alumnus_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(ReviewFact {
            order_id: r.try_get("order_id")?,
            rating: r.try_get("rating")?,
            created_at: r.try_get("created_at")?,
            reviewer: r.try_get("reviewer")?,
        })
    })
    .collect::<DbResult<_>>()?;

    // Jobs they hold, plus requests they were only asked for (for the first activity).
    let jobs_rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT r.id, r.office_id, o.name AS office, r.title, r.state, r.quoted_total, \
           r.date_until, r.created_at, r.done_at, COALESCE(r.completed_at, r.paid_at) AS finished_at, \
           r.rating, CAST(CASE WHEN r.business_id IN {THEIRS} THEN 1 ELSE 0 END AS BIGINT) AS held, \
           (SELECT MIN(e.at) FROM office_request_events e WHERE e.request_id = r.id \
              AND e.to_state = 'disputed') AS disputed_at \
         FROM office_requests r JOIN offices o ON o.id = r.office_id \
         WHERE r.business_id IN {THEIRS} \
            OR r.id IN (SELECT f.request_id FROM office_offers f WHERE f.business_id IN {THEIRS}) \
         ORDER BY r.created_at, r.id"
    )))
    .bind(alumnus_id)
    .fetch_all(db.pool())
    .await?;
    let mut first_office_request = None;
    let mut office_jobs = Vec::new();
    for r in &jobs_rows {
        let id: i64 = r.try_get("id")?;
        let created_at: i64 = r.try_get("created_at")?;
        if first_office_request.is_none() {
            first_office_request = Some((id, created_at));
        }
        let held: i64 = r.try_get("held")?;
        if held == 1 {
            office_jobs.push(OfficeJobFact {
                id,
                office_id: r.try_get("office_id")?,
                office: r.try_get("office")?,
                title: r.try_get("title")?,
                state: r.try_get("state")?,
                quoted_total: r.try_get("quoted_total")?,
                date_until: r.try_get("date_until")?,
                done_at: r.try_get("done_at")?,
                finished_at: r.try_get("finished_at")?,
                rating: r.try_get("rating")?,
                disputed_at: r.try_get("disputed_at")?,
            });
        }
    }

    let office_payments = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT p.request_id, r.title, p.paid_on, p.gross \
         FROM office_payments p JOIN office_requests r ON r.id = p.request_id \
         WHERE r.business_id IN {THEIRS} AND p.voided_at IS NULL ORDER BY p.paid_on, p.id"
    )))
    .bind(alumnus_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(OfficePaymentFact {
            request_id: r.try_get("request_id")?,
            title: r.try_get("title")?,
            paid_on: r.try_get("paid_on")?,
            gross: r.try_get("gross")?,
        })
    })
    .collect::<DbResult<_>>()?;

    Ok(Activity {
        opened,
        first_office_request,
        orders,
        reviews,
        office_jobs,
        office_payments,
    })
}

fn order_fact(r: &AnyRow) -> DbResult<OrderFact> {
    let paid_on: Option<String> = r.try_get("paid_on")?;
    let amount: Option<i64> = r.try_get("amount")?;
    Ok(OrderFact {
        id: r.try_get("id")?,
        state: r.try_get("state")?,
        buyer_user_id: r.try_get("buyer_user_id")?,
        buyer_phone: r.try_get("buyer_phone")?,
        buyer_name: r.try_get("buyer_name")?,
        needed_on: r.try_get("needed_on")?,
        created_at: r.try_get("created_at")?,
        delivered_at: r.try_get("delivered_at")?,
        completed_at: r.try_get("completed_at")?,
        total: r.try_get("total")?,
        confirmed_payment: paid_on.zip(amount),
        disputed_at: r.try_get("disputed_at")?,
    })
}
