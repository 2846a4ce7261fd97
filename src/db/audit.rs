//! The audit trail store. Entries are only ever appended, inside the transaction of the change
//! they record; the chain head row serialises writers on both backends.

use sqlx::Row;

use super::{Db, DbResult, Tx, now};
use crate::domain::audit::{self, Entry};

/// Who acted: a user, or a named tool (`cli`, `demo`) with no user id.
#[derive(Debug, Clone, Copy)]
pub struct Who<'a> {
    pub id: Option<i64>,
    pub label: &'a str,
    pub ip: &'a str,
}

/// What happened, said by the caller; the chain fields are filled in here.
#[derive(Debug, Clone, Default)]
pub struct Event<'a> {
    pub actor_id: Option<i64>,
    pub actor_label: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    /// A short before/after summary, JSON.
    pub summary: serde_json::Value,
    pub ip: &'a str,
}

pub async fn append(tx: &mut Tx, event: Event<'_>) -> DbResult<i64> {
    // Taking the head row first makes this transaction the only appender until it commits.
    let head = sqlx::query(
        "UPDATE audit_head SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq, last_hash",
    )
    .fetch_one(&mut **tx)
    .await?;
    let seq: i64 = head.try_get("last_seq")?;
    let prev_hash: String = head.try_get("last_hash")?;
    let mut entry = Entry {
        seq,
        at: now(),
        actor_id: event.actor_id,
        actor_label: event.actor_label.to_owned(),
        action: event.action.to_owned(),
        entity: event.entity.to_owned(),
        entity_id: event.entity_id,
        summary: event.summary.to_string(),
        ip: event.ip.to_owned(),
        prev_hash,
        hash: String::new(),
    };
    entry.hash = audit::entry_hash(&entry);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_id, actor_label, action, entity, entity_id, summary, ip, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(entry.seq)
    .bind(entry.at)
    .bind(entry.actor_id)
    .bind(&entry.actor_label)
    .bind(&entry.action)
    .bind(&entry.entity)
    .bind(&entry.entity_id)
    .bind(&entry.summary)
    .bind(&entry.ip)
    .bind(&entry.prev_hash)
    .bind(&entry.hash)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .bind(&entry.hash)
        .execute(&mut **tx)
        .await?;
    Ok(seq)
}

/// Appends one event in a transaction of its own (for events with no other change: logins).
pub async fn record(db: &Db, event: Event<'_>) -> DbResult<i64> {
    let mut tx = db.begin().await?;
    let seq = append(&mut tx, event).await?;
    tx.commit().await?;
    Ok(seq)
}

const COLUMNS: &str =
    "seq, at, actor_id, actor_label, action, entity, entity_id, summary, ip, prev_hash, hash";

fn from_row(row: &sqlx::any::AnyRow) -> DbResult<Entry> {
    Ok(Entry {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        actor_id: row.try_get("actor_id")?,
        actor_label: row.try_get("actor_label")?,
        action: row.try_get("action")?,
        entity: row.try_get("entity")?,
        entity_id: row.try_get("entity_id")?,
        summary: row.try_get("summary")?,
        ip: row.try_get("ip")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

/// Filter for the admin's audit list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub action_prefix: String,
    pub entity: String,
    pub entity_id: String,
}

/// Newest first, paginated.
pub async fn list(
    db: &Db,
    filter: &Filter,
    limit: i64,
    offset: i64,
) -> DbResult<(Vec<Entry>, i64)> {
    let action = format!("{}%", filter.action_prefix);
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM audit_log \
         WHERE action LIKE $1 AND ($2 = '' OR entity = $2) AND ($3 = '' OR entity_id = $3) \
         ORDER BY seq DESC LIMIT $4 OFFSET $5"
    )))
    .bind(&action)
    .bind(&filter.entity)
    .bind(&filter.entity_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?;
    let total: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM audit_log \
         WHERE action LIKE $1 AND ($2 = '' OR entity = $2) AND ($3 = '' OR entity_id = $3)",
    )
    .bind(&action)
    .bind(&filter.entity)
    .bind(&filter.entity_id)
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    Ok((rows.iter().map(from_row).collect::<DbResult<_>>()?, total))
}

/// Reads the whole chain in storage order and checks it.
pub async fn verify(db: &Db) -> DbResult<Result<i64, audit::Break>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM audit_log ORDER BY seq"
    )))
    .fetch_all(db.pool())
    .await?;
    let entries = rows.iter().map(from_row).collect::<DbResult<Vec<_>>>()?;
    let head = sqlx::query("SELECT last_seq, last_hash FROM audit_head WHERE id = 1")
        .fetch_one(db.pool())
        .await?;
    let last_seq: i64 = head.try_get("last_seq")?;
    let last_hash: String = head.try_get("last_hash")?;
    Ok(audit::verify(&entries, (last_seq, &last_hash)))
}
