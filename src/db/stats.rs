//! Counts for dashboards and the home page.

use sqlx::Row;

use super::{Db, DbResult};

#[derive(Debug, Clone, Default)]
pub struct Overview {
    pub alumni: i64,
    pub graduates: i64,
    pub certified: i64,
    pub batches: i64,
    pub programs: i64,
    pub trades: i64,
    pub businesses: i64,
    pub verified_businesses: i64,
    pub offices: i64,
    pub partners: i64,
    pub users: i64,
    pub first_year: i64,
    pub last_year: i64,
}

/// Every headline count in one round trip.
pub async fn overview(db: &Db) -> DbResult<Overview> {
    let r = sqlx::query(
        "SELECT \
           (SELECT COUNT(*) FROM alumni) AS alumni, \
           (SELECT COUNT(DISTINCT alumnus_id) FROM participations WHERE result = 'lulus') AS graduates, \
           (SELECT COUNT(DISTINCT alumnus_id) FROM participations WHERE cert_number IS NOT NULL) AS certified, \
           (SELECT COUNT(*) FROM batches) AS batches, \
           (SELECT COUNT(*) FROM programs) AS programs, \
           (SELECT COUNT(*) FROM trades) AS trades, \
           (SELECT COUNT(*) FROM businesses) AS businesses, \
           (SELECT COUNT(*) FROM businesses WHERE verified_at IS NOT NULL) AS verified_businesses, \
           (SELECT COUNT(*) FROM offices) AS offices, \
           (SELECT COUNT(*) FROM partners) AS partners, \
           (SELECT COUNT(*) FROM users) AS users, \
           (SELECT COALESCE(MIN(year), 0) FROM batches) AS first_year, \
           (SELECT COALESCE(MAX(year), 0) FROM batches) AS last_year",
    )
    .fetch_one(db.pool())
    .await?;
    Ok(Overview {
        alumni: r.try_get("alumni")?,
        graduates: r.try_get("graduates")?,
        certified: r.try_get("certified")?,
        batches: r.try_get("batches")?,
        programs: r.try_get("programs")?,
        trades: r.try_get("trades")?,
        businesses: r.try_get("businesses")?,
        verified_businesses: r.try_get("verified_businesses")?,
        offices: r.try_get("offices")?,
        partners: r.try_get("partners")?,
        users: r.try_get("users")?,
        first_year: r.try_get("first_year")?,
        last_year: r.try_get("last_year")?,
    })
}

/// A labelled count: (label, alumni, businesses).
#[derive(Debug, Clone)]
pub struct Breakdown {
    pub label: String,
    pub alumni: i64,
    pub businesses: i64,
}

/// Per trade: distinct alumni trained, businesses opened.
pub async fn per_trade(db: &Db) -> DbResult<Vec<Breakdown>> {
    let rows = sqlx::query(
        "SELECT t.name AS label, \
           (SELECT COUNT(DISTINCT pa.alumnus_id) FROM participations pa JOIN batches b ON b.id = pa.batch_id \
              JOIN programs p ON p.id = b.program_id WHERE p.trade_id = t.id) AS alumni, \
           (SELECT COUNT(*) FROM businesses bz WHERE bz.trade_id = t.id) AS businesses \
         FROM trades t ORDER BY t.name",
    )
    .fetch_all(db.pool())
    .await?;
    breakdowns(&rows)
}

/// Per kecamatan of the given kabupaten codes.
pub async fn per_kecamatan(db: &Db) -> DbResult<Vec<Breakdown>> {
    let rows = sqlx::query(
        "SELECT r.name AS label, \
           (SELECT COUNT(*) FROM alumni a WHERE a.kecamatan_code = r.code) AS alumni, \
           (SELECT COUNT(*) FROM businesses bz WHERE bz.kecamatan_code = r.code) AS businesses \
         FROM regions r WHERE r.level = 'kecamatan' ORDER BY r.name",
    )
    .fetch_all(db.pool())
    .await?;
    breakdowns(&rows)
}

fn breakdowns(rows: &[sqlx::any::AnyRow]) -> DbResult<Vec<Breakdown>> {
    rows.iter()
        .map(|r| {
            Ok(Breakdown {
                label: r.try_get("label")?,
                alumni: r.try_get("alumni")?,
                businesses: r.try_get("businesses")?,
            })
        })
        .collect()
}

/// For an office: its users, and verified alumni businesses in its kecamatan.
pub async fn office_numbers(db: &Db, office_id: i64) -> DbResult<(i64, i64)> {
    let users: i64 = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE office_id = $1")
        .bind(office_id)
        .fetch_one(db.pool())
        .await?
        .try_get("n")?;
    let nearby: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM businesses b JOIN offices o ON o.kecamatan_code = b.kecamatan_code \
         WHERE o.id = $1 AND b.verified_at IS NOT NULL",
    )
    .bind(office_id)
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    Ok((users, nearby))
}

/// The marketplace at a glance, for the agency's dashboard.
#[derive(Debug, Clone, Default)]
pub struct Market {
    pub listings: i64,
    pub orders: i64,
    pub orders_done: i64,
    pub open_disputes: i64,
    pub unverified_businesses: i64,
    pub reviews: i64,
    pub rating_sum: i64,
    pub failed_outbox: i64,
}

pub async fn market(db: &Db) -> DbResult<Market> {
    let r = sqlx::query(
        "SELECT \
           (SELECT COUNT(*) FROM listings WHERE active = 1) AS listings, \
           (SELECT COUNT(*) FROM orders) AS orders, \
           (SELECT COUNT(*) FROM orders WHERE state IN ('completed','reviewed')) AS orders_done, \
           (SELECT COUNT(*) FROM orders WHERE state = 'disputed') AS open_disputes, \
           (SELECT COUNT(*) FROM businesses WHERE verified_at IS NULL) AS unverified_businesses, \
           (SELECT COUNT(*) FROM reviews) AS reviews, \
           (SELECT CAST(COALESCE(SUM(rating), 0) AS BIGINT) FROM reviews) AS rating_sum, \
           (SELECT COUNT(*) FROM outbox WHERE status = 'failed') AS failed_outbox",
    )
    .fetch_one(db.pool())
    .await?;
    Ok(Market {
        listings: r.try_get("listings")?,
        orders: r.try_get("orders")?,
        orders_done: r.try_get("orders_done")?,
        open_disputes: r.try_get("open_disputes")?,
        unverified_businesses: r.try_get("unverified_businesses")?,
        reviews: r.try_get("reviews")?,
        rating_sum: r.try_get("rating_sum")?,
        failed_outbox: r.try_get("failed_outbox")?,
    })
}
