//! The Kemendagri region list. The full national list is embedded; only the kabupaten this
//! instance serves (with their province, kecamatan and desa) are loaded into the database.

use sqlx::Row;

use super::{Db, DbResult};
use crate::domain::region::{Region, RegionLevel, WILAYAH_CSV};

/// Every region under (and including) the given kabupaten codes, plus their provinces.
pub fn embedded_regions(kabupaten: &[String]) -> Vec<Region> {
    let mut out = Vec::new();
    for line in WILAYAH_CSV.lines().skip(1) {
        let code = line.split(',').next().unwrap_or_default();
        let keep = kabupaten.iter().any(|k| {
            code == k || code.starts_with(&format!("{k}.")) || k.starts_with(&format!("{code}."))
        });
        if let Some(region) = keep.then(|| Region::parse_csv_line(line)).flatten() {
            out.push(region);
        }
    }
    out
}

/// Idempotent: inserts what is missing, leaves what is there.
pub async fn load(db: &Db, kabupaten: &[String]) -> DbResult<usize> {
    let regions = embedded_regions(kabupaten);
    let mut tx = db.begin().await?;
    for r in &regions {
        sqlx::query(
            "INSERT INTO regions (code, name, level, parent_code) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (code) DO NOTHING",
        )
        .bind(&r.code)
        .bind(&r.name)
        .bind(r.level.as_str())
        .bind(r.parent_code())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(regions.len())
}

fn from_row(row: &sqlx::any::AnyRow) -> DbResult<Region> {
    let level: String = row.try_get("level")?;
    Ok(Region {
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        level: RegionLevel::parse(&level).unwrap_or(RegionLevel::Desa),
    })
}

pub async fn children(db: &Db, parent: &str) -> DbResult<Vec<Region>> {
    let rows =
        sqlx::query("SELECT code, name, level FROM regions WHERE parent_code = $1 ORDER BY name")
            .bind(parent)
            .fetch_all(db.pool())
            .await?;
    rows.iter().map(from_row).collect()
}

/// The kecamatan of the given kabupaten, by name.
pub async fn kecamatan_of(db: &Db, kabupaten: &[String]) -> DbResult<Vec<Region>> {
    let mut out = Vec::new();
    for k in kabupaten {
        out.extend(children(db, k).await?);
    }
    out.retain(|r| r.level == RegionLevel::Kecamatan);
    Ok(out)
}

pub async fn get(db: &Db, code: &str) -> DbResult<Region> {
    let row = sqlx::query("SELECT code, name, level FROM regions WHERE code = $1")
        .bind(code)
        .fetch_one(db.pool())
        .await?;
    from_row(&row)
}
