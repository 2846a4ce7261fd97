//! Counts for dashboards and the home page.

use sqlx::Row;

use super::{Db, DbResult};

async fn scalar(db: &Db, sql: &'static str) -> DbResult<i64> {
    Ok(sqlx::query(sql).fetch_one(db.pool()).await?.try_get("n")?)
}

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

pub async fn overview(db: &Db) -> DbResult<Overview> {
    Ok(Overview {
        alumni: scalar(db, "SELECT COUNT(*) AS n FROM alumni").await?,
        graduates: scalar(db, "SELECT COUNT(DISTINCT alumnus_id) AS n FROM participations WHERE result = 'lulus'").await?,
        certified: scalar(db, "SELECT COUNT(DISTINCT alumnus_id) AS n FROM participations WHERE cert_number IS NOT NULL").await?,
        batches: scalar(db, "SELECT COUNT(*) AS n FROM batches").await?,
        programs: scalar(db, "SELECT COUNT(*) AS n FROM programs").await?,
        trades: scalar(db, "SELECT COUNT(*) AS n FROM trades").await?,
        businesses: scalar(db, "SELECT COUNT(*) AS n FROM businesses").await?,
        verified_businesses: scalar(db, "SELECT COUNT(*) AS n FROM businesses WHERE verified_at IS NOT NULL").await?,
        offices: scalar(db, "SELECT COUNT(*) AS n FROM offices").await?,
        partners: scalar(db, "SELECT COUNT(*) AS n FROM partners").await?,
        users: scalar(db, "SELECT COUNT(*) AS n FROM users").await?,
        first_year: scalar(db, "SELECT COALESCE(MIN(year), 0) AS n FROM batches").await?,
        last_year: scalar(db, "SELECT COALESCE(MAX(year), 0) AS n FROM batches").await?,
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
