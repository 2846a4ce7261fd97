//! User accounts.

use sqlx::Row;

use super::{Db, DbError, DbResult, Tx, now};
use crate::domain::phone::Phone;
use crate::domain::policy::Role;
pub use crate::domain::user::User;
use crate::domain::user::{AccountFields, Links};

pub(super) const COLUMNS: &str = "u.id, u.username, u.display_name, u.role, u.office_id, u.alumnus_id, \
     u.partner_id, u.phone, u.disabled_at, u.created_at, u.password_changed_at";

pub(super) fn from_row(row: &sqlx::any::AnyRow) -> DbResult<User> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&role).ok_or_else(|| DbError::Other(format!("unknown role {role}")))?,
        links: Links {
            office_id: row.try_get("office_id")?,
            alumnus_id: row.try_get("alumnus_id")?,
            partner_id: row.try_get("partner_id")?,
        },
        phone: row.try_get("phone")?,
        disabled: row.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
        created_at: row.try_get("created_at")?,
        password_changed_at: row.try_get("password_changed_at")?,
    })
}

pub async fn create(tx: &mut Tx, fields: &AccountFields, password_hash: &str) -> DbResult<User> {
    let t = now();
    let row = sqlx::query(
        "INSERT INTO users (username, display_name, role, office_id, alumnus_id, partner_id, phone, \
         password_hash, created_at, updated_at, password_changed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $9) RETURNING id",
    )
    .bind(fields.username.as_str())
    .bind(&fields.display_name)
    .bind(fields.role.as_str())
    .bind(fields.links.office_id)
    .bind(fields.links.alumnus_id)
    .bind(fields.links.partner_id)
    .bind(fields.phone.as_ref().map(Phone::as_str))
    .bind(password_hash)
    .bind(t)
    .fetch_one(&mut **tx)
    .await?;
    let id: i64 = row.try_get("id")?;
    get_in(tx, id).await
}

pub async fn update(tx: &mut Tx, id: i64, fields: &AccountFields) -> DbResult<User> {
    let done = sqlx::query(
        "UPDATE users SET username = $1, display_name = $2, role = $3, office_id = $4, alumnus_id = $5, \
         partner_id = $6, phone = $7, updated_at = $8 WHERE id = $9",
    )
    .bind(fields.username.as_str())
    .bind(&fields.display_name)
    .bind(fields.role.as_str())
    .bind(fields.links.office_id)
    .bind(fields.links.alumnus_id)
    .bind(fields.links.partner_id)
    .bind(fields.phone.as_ref().map(Phone::as_str))
    .bind(now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    get_in(tx, id).await
}

pub async fn set_disabled(tx: &mut Tx, id: i64, disabled: bool) -> DbResult<()> {
    let t = now();
    sqlx::query("UPDATE users SET disabled_at = $1, updated_at = $2 WHERE id = $3")
        .bind(disabled.then_some(t))
        .bind(t)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    if disabled {
        super::sessions::end_all_for_user(tx, id).await?;
    }
    Ok(())
}

/// Sets a new password hash and ends every session of the user.
pub async fn set_password(tx: &mut Tx, id: i64, password_hash: &str) -> DbResult<()> {
    let t = now();
    sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2, updated_at = $2 WHERE id = $3")
        .bind(password_hash)
        .bind(t)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    super::sessions::end_all_for_user(tx, id).await
}

async fn get_in(tx: &mut Tx, id: i64) -> DbResult<User> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM users u WHERE u.id = $1"
    )))
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    from_row(&row)
}

pub async fn get(db: &Db, id: i64) -> DbResult<User> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM users u WHERE u.id = $1"
    )))
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    from_row(&row)
}

/// The user and their password hash, for login.
pub async fn credentials(db: &Db, username: &str) -> DbResult<Option<(User, String)>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS}, u.password_hash FROM users u WHERE u.username = $1"
    )))
    .bind(username)
    .fetch_optional(db.pool())
    .await?;
    match row {
        Some(row) => Ok(Some((from_row(&row)?, row.try_get("password_hash")?))),
        None => Ok(None),
    }
}

pub async fn password_hash(db: &Db, id: i64) -> DbResult<String> {
    Ok(sqlx::query("SELECT password_hash FROM users WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await?
        .try_get("password_hash")?)
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub query: String,
    pub role: Option<Role>,
}

pub async fn list(db: &Db, filter: &Filter) -> DbResult<Vec<User>> {
    let pattern = format!("%{}%", filter.query.trim().to_lowercase());
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM users u \
         WHERE (LOWER(u.username) LIKE $1 OR LOWER(u.display_name) LIKE $1) AND ($2 = '' OR u.role = $2) \
         ORDER BY u.role, u.username LIMIT 500"
    )))
    .bind(&pattern)
    .bind(filter.role.map(Role::as_str).unwrap_or(""))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn count(db: &Db) -> DbResult<i64> {
    Ok(sqlx::query("SELECT COUNT(*) AS n FROM users")
        .fetch_one(db.pool())
        .await?
        .try_get("n")?)
}

/// Creates an account and records it in the audit trail, in the caller's transaction. The one
/// way accounts come to exist: the admin form, `karya user add` and the demo seed all call this.
pub async fn create_audited(
    tx: &mut Tx,
    fields: &AccountFields,
    password_hash: &str,
    by: &super::audit::Who<'_>,
) -> DbResult<User> {
    let user = create(tx, fields, password_hash).await?;
    super::audit::append(
        tx,
        super::audit::Event {
            actor_id: by.id,
            actor_label: by.label,
            action: "user.create",
            entity: "user",
            entity_id: user.id.to_string(),
            summary: serde_json::json!({"after": user.audit_summary()}),
            ip: by.ip,
        },
    )
    .await?;
    Ok(user)
}
