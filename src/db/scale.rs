//! A district at national scale, for benchmarks only (`karya generate scale`, used by
//! `benches/outcomes.sh`): on top of a database that already holds a register (the demo), adds
//! batches for every program from 2017 to 2026, `alumni` new alumni with one participation each
//! (90% completed, 70% certified competent), a business with one listing for two alumni in five,
//! `orders` public orders spread over those businesses and ten years (85% completed and paid,
//! 5% cancelled, the rest still open; a review for one completed order in five, one in ten of
//! them low), tracer invitations for waves 1, 3, 6 and 12 of every completer whose wave has
//! come and answers for 55% of them (the flags from `domain::tracer::classify`), and office
//! jobs are left as the demo has them.
//!
//! Rows are made set-based, `INSERT … SELECT` over a recursive row counter, in one transaction
//! per table, so a million orders take seconds, not hours. Values come from arithmetic on the
//! row number (deterministic, the same on both backends). Orders start as `requested` and are
//! moved along legal transitions by the same `UPDATE`s the triggers check, so the data obeys
//! the state machine. Generated rows are marked: batch numbers from 100, idempotency keys
//! `gen-N`, so a second run refuses rather than doubling.

use sqlx::Row;

use super::{Db, DbError, DbResult};
use crate::domain::tracer::{Band, Status, classify};

/// What was added.
#[derive(Debug, Default, Clone, Copy)]
pub struct Added {
    pub batches: i64,
    pub alumni: i64,
    pub businesses: i64,
    pub orders: i64,
    pub completed: i64,
    pub reviews: i64,
    pub invitations: i64,
    pub responses: i64,
}

/// A recursive counter 1..=$1 (both dialects; 64-bit, so the arithmetic on it cannot overflow
/// PostgreSQL's `integer`).
const COUNTER: &str =
    "WITH RECURSIVE n(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < $1)";

const MONTHS: &str = "(SELECT column1 AS k, column2 AS mm FROM (VALUES (1,'01'),(2,'02'),\
     (3,'03'),(4,'04'),(5,'05'),(6,'06'),(7,'07'),(8,'08'),(9,'09'),(10,'10'),(11,'11'),\
     (12,'12')) AS v) AS m";

pub async fn generate(
    db: &Db,
    alumni: i64,
    orders: i64,
    kabupaten: &str,
    now: i64,
) -> DbResult<Added> {
    let programs: i64 = scalar(db, "SELECT COUNT(*) FROM programs").await?;
    if programs == 0 {
        return Err(DbError::Other(
            "the register is empty: start once with --demo first".into(),
        ));
    }
    if scalar(
        db,
        "SELECT COUNT(*) FROM orders WHERE idempotency_key LIKE 'gen-%'",
    )
    .await?
        > 0
    {
        return Err(DbError::Other(
            "this database already holds generated rows".into(),
        ));
    }
    let mut added = Added::default();
    // Batches: 20 trainees each, over 10 years and 12 months, per program.
    let per_program_year = (alumni / 20 / programs / 10).max(1) + 1;
    let mut tx = db.begin().await?;
    let sql = format!(
        "{COUNTER} INSERT INTO batches (program_id, year, number, start_date, end_date, place, \
           funding, capacity, instructor, created_at) \
         SELECT p.id, 2016 + y.i, 99 + n.i, \
           CAST(2016 + y.i AS TEXT) || '-' || m.mm || '-01', \
           CAST(2016 + y.i AS TEXT) || '-' || m.mm || '-28', \
           'BLK', 'APBD', 20, '', $2 \
         FROM programs p CROSS JOIN n CROSS JOIN (SELECT i FROM n WHERE i <= 10) AS y \
           CROSS JOIN {MONTHS} \
         WHERE n.i <= $3 AND m.k = 1 + ((n.i + y.i + p.id) % 12) \
           AND (2016 + y.i < 2026 OR m.k <= 10)"
    );
    added.batches = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(per_program_year.max(10))
        .bind(now)
        .bind(per_program_year)
        .execute(&mut *tx)
        .await?
        .rows_affected() as i64;
    tx.commit().await?;

    let first_alumnus: i64 = scalar(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM alumni").await?;
    let mut tx = db.begin().await?;
    let sql = format!(
        "{COUNTER}, k AS (SELECT code, ROW_NUMBER() OVER (ORDER BY code) - 1 AS r FROM regions \
            WHERE level = 'kecamatan' AND parent_code = $2), \
           kc AS (SELECT COUNT(*) AS c FROM k), \
           f AS (SELECT column1 AS r, column2 AS name FROM (VALUES (0,'Siti'),(1,'Nur'),(2,'Dewi'),\
             (3,'Rina'),(4,'Sri'),(5,'Ahmad'),(6,'Budi'),(7,'Rudi'),(8,'Hendra'),(9,'Agus')) AS v), \
           l AS (SELECT column1 AS r, column2 AS name FROM (VALUES (0,'Rahmawati'),(1,'Hasanah'),\
             (2,'Saputra'),(3,'Lestari'),(4,'Wijaya'),(5,'Pratama'),(6,'Handayani'),(7,'Siregar'),\
             (8,'Nasution'),(9,'Hidayat'),(10,'Kurniawan')) AS v) \
         INSERT INTO alumni (full_name, gender, birth_place, address, kecamatan_code, education, \
           created_at, updated_at) \
         SELECT f.name || ' ' || l.name || ' ' || CAST(n.i AS TEXT), \
           CASE WHEN f.r < 5 THEN 'P' ELSE 'L' END, 'Muara Sabak', '', k.code, 'SMA', $3, $3 \
         FROM n CROSS JOIN kc JOIN f ON f.r = n.i % 10 JOIN l ON l.r = (n.i / 10) % 11 \
           JOIN k ON k.r = (n.i * 7) % kc.c"
    );
    added.alumni = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(alumni)
        .bind(kabupaten)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected() as i64;
    tx.commit().await?;

    // One participation each, 20 per generated batch in id order.
    let mut tx = db.begin().await?;
    let sql = "WITH a AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS r FROM alumni \
                 WHERE id >= $1), \
               b AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS r FROM batches \
                 WHERE number >= 100), \
               bc AS (SELECT COUNT(*) AS c FROM b) \
         INSERT INTO participations (alumnus_id, batch_id, result, competency, placement) \
         SELECT a.id, b.id, \
           CASE WHEN a.r % 10 = 9 THEN 'tidak_lulus' ELSE 'lulus' END, \
           CASE WHEN a.r % 10 < 7 THEN 'kompeten' ELSE 'belum_kompeten' END, \
           CASE WHEN a.r % 5 < 2 THEN 'mandiri' ELSE 'belum' END \
         FROM a CROSS JOIN bc JOIN b ON b.r = (a.r / 20) % bc.c";
    sqlx::query(sql)
        .bind(first_alumnus)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;

    // A business (with one listing) for two alumni in five, in their batch's trade.
    let first_business: i64 = scalar(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM businesses").await?;
    let mut tx = db.begin().await?;
    let sql = "INSERT INTO businesses (alumnus_id, trade_id, name, description, kecamatan_code, \
           phone_public, active, created_at, updated_at) \
         SELECT a.id, p.trade_id, 'Usaha ' || a.full_name, '', a.kecamatan_code, 0, \
           CASE WHEN a.id % 10 = 0 THEN 0 ELSE 1 END, $2, $2 \
         FROM alumni a JOIN participations pa ON pa.alumnus_id = a.id \
           JOIN batches b ON b.id = pa.batch_id JOIN programs p ON p.id = b.program_id \
         WHERE a.id >= $1 AND a.id % 5 < 2";
    added.businesses = sqlx::query(sql)
        .bind(first_alumnus)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected() as i64;
    let sql = "INSERT INTO listings (business_id, kind, title, description, category_id, \
           price_kind, price, unit, created_at, updated_at) \
         SELECT bz.id, 'product', 'Produk ' || CAST(bz.id AS TEXT), '', \
           (SELECT MIN(c.id) FROM categories c WHERE c.trade_id = bz.trade_id), \
           'fixed', 50000, 'paket', $2, $2 \
         FROM businesses bz WHERE bz.id >= $1 \
           AND EXISTS (SELECT 1 FROM categories c WHERE c.trade_id = bz.trade_id)";
    sqlx::query(sql)
        .bind(first_business)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;

    // Orders over the generated businesses and the ten years before `now`.
    let mut tx = db.begin().await?;
    let sql = format!(
        "{COUNTER}, bz AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS r FROM businesses \
            WHERE id >= $2), \
           bc AS (SELECT COUNT(*) AS c FROM bz) \
         INSERT INTO orders (business_id, buyer_name, buyer_phone, fulfilment, needed_on, total, \
           idempotency_key, created_at, updated_at) \
         SELECT bz.id, 'Pembeli ' || CAST(n.i % 997 AS TEXT), '+6281200000000', 'pickup', \
           '2026-01-01', 25000 * (2 + (n.i * 7919) % 40), 'gen-' || CAST(n.i AS TEXT), \
           $3 - 86400 * (3 + (n.i * 104729) % 3650), $3 \
         FROM n CROSS JOIN bc JOIN bz ON bz.r = (n.i * 31) % bc.c"
    );
    added.orders = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(orders)
        .bind(first_business)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected() as i64;
    tx.commit().await?;
    let first_order: i64 = scalar(
        db,
        "SELECT COALESCE(MIN(id), 0) FROM orders WHERE idempotency_key LIKE 'gen-%'",
    )
    .await?;
    // Legal steps only: requested → accepted → in_progress → delivered → completed; 5% cancelled.
    let steps: [(&str, &str, &str); 5] = [
        ("cancelled", "requested", "id % 20 = 19"),
        ("accepted", "requested", "id % 20 < 17"),
        ("in_progress", "accepted", "1 = 1"),
        ("delivered", "in_progress", "1 = 1"),
        ("completed", "delivered", "1 = 1"),
    ];
    for (to, from, filter) in steps {
        let extra = match to {
            "delivered" => ", delivered_at = created_at + 86400",
            "completed" => ", completed_at = created_at + 172800",
            _ => "",
        };
        let mut tx = db.begin().await?;
        let sql = format!(
            "UPDATE orders SET state = '{to}', version = version + 1{extra} \
             WHERE id >= $1 AND state = '{from}' AND {filter}"
        );
        let n = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(first_order)
            .execute(&mut *tx)
            .await?
            .rows_affected() as i64;
        if to == "completed" {
            added.completed = n;
        }
        tx.commit().await?;
    }
    // Paid on the WIB day of completion.
    let paid_on = match db.backend() {
        super::Backend::Sqlite => "date(completed_at + 25200, 'unixepoch')",
        super::Backend::Postgres => {
            "to_char(to_timestamp(completed_at + 25200) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
        }
    };
    let mut tx = db.begin().await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO order_payments (order_id, method, paid_on, amount, recorded_at, confirmed_at) \
         SELECT id, 'cash', {paid_on}, total, completed_at, completed_at FROM orders \
         WHERE id >= $1 AND state = 'completed'"
    )))
    .bind(first_order)
    .execute(&mut *tx)
    .await?;
    added.reviews = sqlx::query(
        "INSERT INTO reviews (order_id, business_id, rating, body, reviewer, created_at) \
         SELECT id, business_id, CASE WHEN id % 50 = 0 THEN 1 WHEN id % 50 = 5 THEN 2 \
           ELSE 4 + id % 2 END, \
           CASE WHEN id % 50 = 0 THEN 'Pesanan terlambat dan tidak sesuai' ELSE 'Bagus' END, \
           buyer_name, completed_at FROM orders \
         WHERE id >= $1 AND state = 'completed' AND id % 5 = 0",
    )
    .bind(first_order)
    .execute(&mut *tx)
    .await?
    .rows_affected() as i64;
    tx.commit().await?;
    let (invitations, responses) = tracer(db, first_alumnus, now).await?;
    added.invitations = invitations;
    added.responses = responses;
    // Fresh statistics for the planner, as autovacuum (PostgreSQL) or `PRAGMA optimize` would
    // gather in time: without them PostgreSQL plans the dashboard for empty tables.
    sqlx::query("ANALYZE").execute(db.pool()).await?;
    Ok(added)
}

/// A generated answer: status, related, income band, and the two flags.
type Answer = (Status, Option<bool>, Option<Band>, bool, bool);

/// The answers a generated respondent gives, with the flags `domain::tracer::classify` decides
/// for them (the rule stays in one place; the SQL only picks a row by the invitation's number).
/// Weighted as the demo's district answers: most working in their trade, a quarter not.
fn answer_mix() -> Vec<Answer> {
    use Band::*;
    use Status::*;
    let picks: [(Status, Option<bool>, Option<Band>); 20] = [
        (SelfEmployed, Some(true), Some(Half)),
        (SelfEmployed, Some(true), Some(Umk)),
        (SelfEmployed, Some(true), Some(BelowHalf)),
        (SelfEmployed, Some(true), Some(Half)),
        (SelfEmployed, Some(true), Some(Above)),
        (SelfEmployed, Some(false), Some(BelowHalf)),
        (FullTime, Some(true), Some(Umk)),
        (FullTime, Some(true), Some(Umk)),
        (FullTime, Some(false), Some(Umk)),
        (PartTime, Some(true), Some(Half)),
        (PartTime, Some(false), Some(BelowHalf)),
        (EmployedAndSelfEmployed, Some(true), Some(Above)),
        (EmployedAndSelfEmployed, Some(true), Some(Umk)),
        (Studying, None, None),
        (Looking, None, None),
        (Looking, None, None),
        (Looking, None, None),
        (NotLooking, None, None),
        (SelfEmployed, Some(true), Some(Half)),
        (FullTime, Some(true), Some(Half)),
    ];
    picks
        .into_iter()
        .map(|(status, related, band)| {
            let (works, earns) = classify(status, related, band);
            (status, related, band, works, earns)
        })
        .collect()
}

/// Invitations for waves 1, 3, 6 and 12 of the generated completers whose wave has come, and
/// answers for 55% of them (a quarter of those by phone), with one or two obstacles each.
async fn tracer(db: &Db, first_alumnus: i64, now: i64) -> DbResult<(i64, i64)> {
    let version: i64 = scalar(db, "SELECT COALESCE(MAX(id), 0) FROM tracer_versions").await?;
    let staff: i64 = scalar(
        db,
        "SELECT COALESCE(MIN(id), 0) FROM users WHERE role = 'admin'",
    )
    .await?;
    if version == 0 || staff == 0 {
        return Err(DbError::Other(
            "no questionnaire version or admin: start once with --demo first".into(),
        ));
    }
    let today = crate::domain::dates::to_iso(crate::domain::dates::wib_date(now));
    let (opens, closes) = match db.backend() {
        super::Backend::Sqlite => (
            "date(b.end_date, '+' || CAST(w.wave AS TEXT) || ' months')",
            "date(b.end_date, '+' || CAST(w.wave AS TEXT) || ' months', '+30 days')",
        ),
        super::Backend::Postgres => (
            "to_char(CAST(b.end_date AS date) + make_interval(months => w.wave), 'YYYY-MM-DD')",
            "to_char(CAST(b.end_date AS date) + make_interval(months => w.wave, days => 30), \
             'YYYY-MM-DD')",
        ),
    };
    let mut tx = db.begin().await?;
    let sql = format!(
        "WITH w AS (SELECT column1 AS wave FROM (VALUES (1),(3),(6),(12)) AS v) \
         INSERT INTO tracer_invitations (participation_id, wave, opens_on, closes_on, token_hash, \
           created_at, sent_at) \
         SELECT pa.id, w.wave, {opens}, {closes}, \
           'gen-' || CAST(pa.id AS TEXT) || '-' || CAST(w.wave AS TEXT), $2, $2 \
         FROM participations pa JOIN batches b ON b.id = pa.batch_id CROSS JOIN w \
         WHERE pa.alumnus_id >= $1 AND pa.result = 'lulus' AND {opens} <= $3"
    );
    let invitations = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(first_alumnus)
        .bind(now)
        .bind(&today)
        .execute(&mut *tx)
        .await?
        .rows_affected() as i64;
    tx.commit().await?;

    let mix = answer_mix();
    let values = mix
        .iter()
        .enumerate()
        .map(|(k, (status, related, band, works, earns))| {
            format!(
                "({k}, '{}', {}, {}, {}, {})",
                status.as_str(),
                related.map_or("NULL".into(), |r| i64::from(r).to_string()),
                band.map_or("NULL".into(), |b| format!("'{}'", b.as_str())),
                i64::from(*works),
                i64::from(*earns)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut tx = db.begin().await?;
    let sql = format!(
        "WITH c AS (SELECT column1 AS k, column2 AS status, column3 AS related, \
           column4 AS band, column5 AS works, column6 AS earns FROM (VALUES {values}) AS v) \
         INSERT INTO tracer_responses (invitation_id, version_id, source, status, related, \
           income_band, umk_year, umk_amount, works_in_trade, earns_umk, satisfaction, \
           next_training, answers, prefill, confirmed_prefill, entered_by, answered_at) \
         SELECT i.id, $1, CASE WHEN i.id % 4 = 0 THEN 'telepon' ELSE 'tautan' END, c.status, \
           c.related, c.band, u.year, u.amount, c.works, c.earns, 3 + i.id % 3, '', '{{}}', \
           '{{}}', 0, CASE WHEN i.id % 4 = 0 THEN $2 END, $3 \
         FROM tracer_invitations i JOIN c ON c.k = (i.id * 37) % {n} \
           JOIN umk u ON u.year = (SELECT MAX(year) FROM umk) \
         WHERE i.token_hash LIKE 'gen-%' AND (i.id * 13) % 100 < 55",
        n = mix.len()
    );
    let responses = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(version)
        .bind(staff)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected() as i64;
    sqlx::query(
        "WITH o AS (SELECT column1 AS k, column2 AS obstacle FROM (VALUES (0,'pemasaran'), \
           (1,'modal'),(2,'alat'),(3,'bahan'),(4,'izin_usaha'),(5,'lainnya')) AS v) \
         INSERT INTO tracer_obstacles (response_id, obstacle) \
         SELECT r.id, o.obstacle FROM tracer_responses r \
           JOIN tracer_invitations i ON i.id = r.invitation_id \
           JOIN o ON o.k = r.id % 6 OR o.k = (r.id * 7) % 4 \
         WHERE i.token_hash LIKE 'gen-%'",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((invitations, responses))
}

async fn scalar(db: &Db, sql: &'static str) -> DbResult<i64> {
    Ok(sqlx::query(sql).fetch_one(db.pool()).await?.try_get(0)?)
}
