//! Claiming a record: finding an alumnus by NIK hash, one-time claim codes (stored as keyed
//! hashes only), linking an account to its alumnus, and the alumnus's own contact details.

use sqlx::Row;

use super::constraint;
use super::users::{COLUMNS, User, from_row};
use super::{Db, DbError, DbResult, Tx, now};
use crate::domain::claim::Contact;
use crate::domain::phone::Phone;

// ---- finding the record ----

/// The alumnus whose NIK has this keyed hash, with their recorded birth date (ISO).
pub async fn by_nik_hash(db: &Db, nik_hash: &str) -> DbResult<Option<(i64, Option<String>)>> {
    let row = sqlx::query("SELECT id, birth_date FROM alumni WHERE nik_hmac = $1")
        .bind(nik_hash)
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| Ok((r.try_get("id")?, r.try_get("birth_date")?)))
        .transpose()
}

/// The account an alumnus record belongs to, if any: (user id, username).
pub async fn owner(db: &Db, alumnus_id: i64) -> DbResult<Option<(i64, String)>> {
    let row = sqlx::query("SELECT id, username FROM users WHERE alumnus_id = $1")
        .bind(alumnus_id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| Ok((r.try_get("id")?, r.try_get("username")?)))
        .transpose()
}

/// Links an account that has no alumnus yet to one. `Conflict` when the account was linked in
/// the meantime or the record belongs to another account (the unique index says so).
pub async fn link(tx: &mut Tx, user_id: i64, alumnus_id: i64) -> DbResult<User> {
    let done = sqlx::query(
        "UPDATE users SET alumnus_id = $1, updated_at = $2 WHERE id = $3 AND alumnus_id IS NULL",
    )
    .bind(alumnus_id)
    .bind(now())
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::Conflict(constraint::USERS_ALUMNUS_ID.into()));
    }
    user_in(tx, user_id).await
}

async fn user_in(tx: &mut Tx, id: i64) -> DbResult<User> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM users u WHERE u.id = $1"
    )))
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    from_row(&row)
}

// ---- claim codes ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeState {
    Live { alumnus_id: i64 },
    Used,
    Expired,
    Replaced,
    Unknown,
}

pub async fn code_state(db: &Db, code_hash: &str) -> DbResult<CodeState> {
    let row = sqlx::query(
        "SELECT alumnus_id, expires_at, used_at, revoked_at FROM claim_codes WHERE code_hash = $1",
    )
    .bind(code_hash)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(CodeState::Unknown);
    };
    Ok(if row.try_get::<Option<i64>, _>("used_at")?.is_some() {
        CodeState::Used
    } else if row.try_get::<Option<i64>, _>("revoked_at")?.is_some() {
        CodeState::Replaced
    } else if row.try_get::<i64, _>("expires_at")? <= now() {
        CodeState::Expired
    } else {
        CodeState::Live {
            alumnus_id: row.try_get("alumnus_id")?,
        }
    })
}

/// Marks a live code used by `user_id`; `Stale` if it stopped being live in the meantime.
pub async fn consume_code(tx: &mut Tx, code_hash: &str, user_id: i64) -> DbResult<i64> {
    let t = now();
    let row = sqlx::query(
        "UPDATE claim_codes SET used_at = $1, used_by = $2 \
         WHERE code_hash = $3 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $1 \
         RETURNING alumnus_id",
    )
    .bind(t)
    .bind(user_id)
    .bind(code_hash)
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        Some(row) => Ok(row.try_get("alumnus_id")?),
        None => Err(DbError::Stale),
    }
}

/// Stores a new code for an alumnus and revokes their older live ones. Returns `false` (and
/// stores nothing) in the unlikely case that another code already has this hash.
pub async fn issue_code(
    tx: &mut Tx,
    alumnus_id: i64,
    batch_id: Option<i64>,
    created_by: i64,
    code_hash: &str,
    expires_at: i64,
) -> DbResult<bool> {
    let t = now();
    let inserted = sqlx::query(
        "INSERT INTO claim_codes (code_hash, alumnus_id, batch_id, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code_hash) DO NOTHING RETURNING id",
    )
    .bind(code_hash)
    .bind(alumnus_id)
    .bind(batch_id)
    .bind(created_by)
    .bind(t)
    .bind(expires_at)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = inserted else {
        return Ok(false);
    };
    let id: i64 = row.try_get("id")?;
    sqlx::query(
        "UPDATE claim_codes SET revoked_at = $1 \
         WHERE alumnus_id = $2 AND id <> $3 AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(t)
    .bind(alumnus_id)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// An alumnus a code is printed for.
#[derive(Debug, Clone)]
pub struct Holder {
    pub id: i64,
    pub full_name: String,
    pub kecamatan: String,
    pub desa: String,
}

const HOLDER_COLUMNS: &str =
    "a.id, a.full_name, COALESCE(k.name, '') AS kecamatan, COALESCE(d.name, '') AS desa";
const HOLDER_JOINS: &str =
    "LEFT JOIN regions k ON k.code = a.kecamatan_code LEFT JOIN regions d ON d.code = a.desa_code";

fn holder_from_row(r: &sqlx::any::AnyRow) -> DbResult<Holder> {
    Ok(Holder {
        id: r.try_get("id")?,
        full_name: r.try_get("full_name")?,
        kecamatan: r.try_get("kecamatan")?,
        desa: r.try_get("desa")?,
    })
}

pub async fn holder(db: &Db, alumnus_id: i64) -> DbResult<Holder> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {HOLDER_COLUMNS} FROM alumni a {HOLDER_JOINS} WHERE a.id = $1"
    )))
    .bind(alumnus_id)
    .fetch_one(db.pool())
    .await?;
    holder_from_row(&row)
}

/// Every alumnus of a batch whose record no account has claimed yet, by name.
pub async fn unclaimed_in_batch(db: &Db, batch_id: i64) -> DbResult<Vec<Holder>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {HOLDER_COLUMNS} FROM participations pa JOIN alumni a ON a.id = pa.alumnus_id {HOLDER_JOINS} \
         WHERE pa.batch_id = $1 AND NOT EXISTS (SELECT 1 FROM users u WHERE u.alumnus_id = a.id) \
         ORDER BY a.full_name, a.id"
    )))
    .bind(batch_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(holder_from_row).collect()
}

/// (alumni in the batch, of whom already claimed).
pub async fn batch_counts(db: &Db, batch_id: i64) -> DbResult<(i64, i64)> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, \
           COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM users u WHERE u.alumnus_id = pa.alumnus_id) \
             THEN 1 ELSE 0 END), 0) AS claimed \
         FROM participations pa WHERE pa.batch_id = $1",
    )
    .bind(batch_id)
    .fetch_one(db.pool())
    .await?;
    Ok((row.try_get("n")?, row.try_get("claimed")?))
}

/// "Pembuatan Kue dan Roti — angkatan 1 tahun 2019"; `NotFound` for an unknown batch.
pub async fn batch_label(db: &Db, batch_id: i64) -> DbResult<String> {
    let r = sqlx::query(
        "SELECT b.year, b.number, p.name AS program FROM batches b JOIN programs p ON p.id = b.program_id \
         WHERE b.id = $1",
    )
    .bind(batch_id)
    .fetch_one(db.pool())
    .await?;
    let program: String = r.try_get("program")?;
    let year: i64 = r.try_get("year")?;
    let number: i64 = r.try_get("number")?;
    Ok(format!("{program} — angkatan {number} tahun {year}"))
}

// ---- the alumnus's own record ----

/// What the alumnus sees of their own record on the profile page.
#[derive(Debug, Clone)]
pub struct OwnRecord {
    pub id: i64,
    pub full_name: String,
    pub nik_enc: Option<String>,
    pub birth_date: Option<String>,
    pub phone: Option<String>,
    pub address: String,
    pub kecamatan_code: Option<String>,
    pub kecamatan: String,
    pub desa_code: Option<String>,
    pub desa: String,
}

impl OwnRecord {
    /// The editable part, for the audit trail's before/after.
    pub fn contact_summary(&self) -> serde_json::Value {
        serde_json::json!({
            "phone": self.phone,
            "address": self.address,
            "desa": self.desa_code,
        })
    }
}

pub async fn own_record(db: &Db, alumnus_id: i64) -> DbResult<OwnRecord> {
    let r = sqlx::query(
        "SELECT a.id, a.full_name, a.nik_enc, a.birth_date, a.phone, a.address, a.kecamatan_code, a.desa_code, \
           COALESCE(k.name, '') AS kecamatan, COALESCE(d.name, '') AS desa \
         FROM alumni a LEFT JOIN regions k ON k.code = a.kecamatan_code LEFT JOIN regions d ON d.code = a.desa_code \
         WHERE a.id = $1",
    )
    .bind(alumnus_id)
    .fetch_one(db.pool())
    .await?;
    Ok(OwnRecord {
        id: r.try_get("id")?,
        full_name: r.try_get("full_name")?,
        nik_enc: r.try_get("nik_enc")?,
        birth_date: r.try_get("birth_date")?,
        phone: r.try_get("phone")?,
        address: r.try_get("address")?,
        kecamatan_code: r.try_get("kecamatan_code")?,
        kecamatan: r.try_get("kecamatan")?,
        desa_code: r.try_get("desa_code")?,
        desa: r.try_get("desa")?,
    })
}

/// Writes the contact details the alumnus may change; nothing else of the record.
pub async fn update_contact(tx: &mut Tx, alumnus_id: i64, c: &Contact) -> DbResult<()> {
    let done = sqlx::query(
        "UPDATE alumni SET phone = $1, address = $2, desa_code = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(c.phone.as_str())
    .bind(&c.address)
    .bind(c.desa_code.as_deref())
    .bind(now())
    .bind(alumnus_id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// The account's WhatsApp number, and its username when that follows the number (accounts
/// that signed up themselves). `Conflict` on `username` when another account has that name.
pub async fn set_account_phone(
    tx: &mut Tx,
    user_id: i64,
    phone: &Phone,
    username: &str,
) -> DbResult<User> {
    sqlx::query("UPDATE users SET phone = $1, username = $2, updated_at = $3 WHERE id = $4")
        .bind(phone.as_str())
        .bind(username)
        .bind(now())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    user_in(tx, user_id).await
}

/// Whether any account other than `user_id` has this number or this username.
pub async fn number_taken(
    db: &Db,
    phone: &Phone,
    username: &str,
    user_id: Option<i64>,
) -> DbResult<bool> {
    Ok(
        sqlx::query(
            "SELECT id FROM users WHERE (phone = $1 OR username = $2) AND id <> $3 LIMIT 1",
        )
        .bind(phone.as_str())
        .bind(username)
        .bind(user_id.unwrap_or(0))
        .fetch_optional(db.pool())
        .await?
        .is_some(),
    )
}
