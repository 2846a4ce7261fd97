//! Offices (OPD) and capital partners: the organisations users belong to.

use sqlx::Row;

use super::{Db, DbResult, Tx, now};

#[derive(Debug, Clone, Default)]
pub struct Office {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub address: String,
    pub kecamatan_code: Option<String>,
    pub kecamatan: String,
    pub head_name: String,
    pub head_nip: String,
    pub ppk_name: String,
    pub ppk_nip: String,
    pub treasurer_name: String,
    pub treasurer_nip: String,
}

pub async fn create_office(tx: &mut Tx, o: &Office) -> DbResult<i64> {
    Ok(sqlx::query(
        "INSERT INTO offices (code, name, kind, address, kecamatan_code, head_name, head_nip, ppk_name, ppk_nip, \
         treasurer_name, treasurer_nip, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(&o.code)
    .bind(&o.name)
    .bind(&o.kind)
    .bind(&o.address)
    .bind(o.kecamatan_code.as_deref())
    .bind(&o.head_name)
    .bind(&o.head_nip)
    .bind(&o.ppk_name)
    .bind(&o.ppk_nip)
    .bind(&o.treasurer_name)
    .bind(&o.treasurer_nip)
    .bind(now())
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?)
}

const OFFICE_COLUMNS: &str = "o.id, o.code, o.name, o.kind, o.address, o.kecamatan_code, COALESCE(r.name, '') AS kecamatan, \
     o.head_name, o.head_nip, o.ppk_name, o.ppk_nip, o.treasurer_name, o.treasurer_nip";

fn office_from_row(r: &sqlx::any::AnyRow) -> DbResult<Office> {
    Ok(Office {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        kind: r.try_get("kind")?,
        address: r.try_get("address")?,
        kecamatan_code: r.try_get("kecamatan_code")?,
        kecamatan: r.try_get("kecamatan")?,
        head_name: r.try_get("head_name")?,
        head_nip: r.try_get("head_nip")?,
        ppk_name: r.try_get("ppk_name")?,
        ppk_nip: r.try_get("ppk_nip")?,
        treasurer_name: r.try_get("treasurer_name")?,
        treasurer_nip: r.try_get("treasurer_nip")?,
    })
}

pub async fn office(db: &Db, id: i64) -> DbResult<Office> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {OFFICE_COLUMNS} FROM offices o LEFT JOIN regions r ON r.code = o.kecamatan_code WHERE o.id = $1"
    )))
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    office_from_row(&row)
}

pub async fn offices(db: &Db) -> DbResult<Vec<Office>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {OFFICE_COLUMNS} FROM offices o LEFT JOIN regions r ON r.code = o.kecamatan_code ORDER BY o.name"
    )))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(office_from_row).collect()
}

#[derive(Debug, Clone)]
pub struct Partner {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub contact: String,
}

pub async fn create_partner(tx: &mut Tx, name: &str, kind: &str, contact: &str) -> DbResult<i64> {
    Ok(sqlx::query("INSERT INTO partners (name, kind, contact, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(name)
        .bind(kind)
        .bind(contact)
        .bind(now())
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?)
}

pub async fn partners(db: &Db) -> DbResult<Vec<Partner>> {
    let rows = sqlx::query("SELECT id, name, kind, contact FROM partners ORDER BY name")
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Partner {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                kind: r.try_get("kind")?,
                contact: r.try_get("contact")?,
            })
        })
        .collect()
}

pub async fn partner(db: &Db, id: i64) -> DbResult<Partner> {
    let r = sqlx::query("SELECT id, name, kind, contact FROM partners WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await?;
    Ok(Partner {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        kind: r.try_get("kind")?,
        contact: r.try_get("contact")?,
    })
}
