//! The audit trail store. Entries are only ever appended, inside the transaction of the change
//! they record; the chain head row serialises writers on both backends.

use sqlx::Row;

use super::{Db, DbResult, Tx, now};
use crate::domain::audit::{self, Entry};
use crate::domain::personal;

pub use crate::domain::audit::{Event, Who};

/// Appends one event inside the caller's transaction, so it commits (or not) with the change it
/// records. Returns its sequence number.
pub async fn append(tx: &mut Tx, event: Event<'_>) -> DbResult<i64> {
    append_many(tx, &mut vec![event]).await
}

/// Appends events in order, chained as one-by-one appends would be, with one head update and
/// multi-row inserts (an import writes tens of thousands). Entries of one call share a timestamp.
/// Returns the sequence number of the last entry written.
pub async fn append_many(tx: &mut Tx, events: &mut Vec<Event<'_>>) -> DbResult<i64> {
    if events.is_empty() {
        return Ok(0);
    }
    let n = events.len() as i64;
    // Taking the head row first makes this transaction the only appender until it commits.
    let head = sqlx::query(
        "UPDATE audit_head SET last_seq = last_seq + $1 WHERE id = 1 RETURNING last_seq, last_hash",
    )
    .bind(n)
    .fetch_one(&mut **tx)
    .await?;
    let last: i64 = head.try_get("last_seq")?;
    let mut prev_hash: String = head.try_get("last_hash")?;
    let at = now();
    let mut entries = Vec::with_capacity(events.len());
    for (i, mut event) in events.drain(..).enumerate() {
        // Personal identifiers never reach the log in full, whoever wrote the event.
        personal::mask_in_summary(&mut event.summary);
        let mut entry = Entry {
            seq: last - n + 1 + i as i64,
            at,
            actor_id: event.actor_id,
            actor_label: personal::mask_identifier(event.actor_label).into_owned(),
            action: event.action.to_owned(),
            entity: event.entity.to_owned(),
            entity_id: personal::mask_identifier(&event.entity_id).into_owned(),
            summary: event.summary.to_string(),
            ip: event.ip.to_owned(),
            prev_hash: std::mem::take(&mut prev_hash),
            hash: String::new(),
        };
        entry.hash = audit::sealed_hash(tx.chain_key(), &entry);
        prev_hash = entry.hash.clone();
        entries.push(entry);
    }
    for chunk in entries.chunks(50) {
        let mut sql = format!("INSERT INTO audit_log ({COLUMNS}) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            let b = i * 11;
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8,
                b + 9,
                b + 10,
                b + 11
            ));
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for e in chunk {
            q = q
                .bind(e.seq)
                .bind(e.at)
                .bind(e.actor_id)
                .bind(&e.actor_label)
                .bind(&e.action)
                .bind(&e.entity)
                .bind(&e.entity_id)
                .bind(&e.summary)
                .bind(&e.ip)
                .bind(&e.prev_hash)
                .bind(&e.hash);
        }
        q.execute(&mut **tx).await?;
    }
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .bind(&prev_hash)
        .execute(&mut **tx)
        .await?;
    Ok(last)
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
    /// Who acted, as the entry names them (a user name, `cli`, `demo`); empty for anyone.
    pub actor: String,
    pub period: audit::Period,
}

const FILTER: &str = "action LIKE $1 AND ($2 = '' OR entity = $2) AND ($3 = '' OR entity_id = $3) \
     AND ($4 = '' OR LOWER(actor_label) = LOWER($4)) AND at >= $5 AND at < $6";

/// Newest first, paginated.
pub async fn list(
    db: &Db,
    filter: &Filter,
    limit: i64,
    offset: i64,
) -> DbResult<(Vec<Entry>, i64)> {
    let action = format!("{}%", filter.action_prefix);
    let from = filter.period.from.unwrap_or(i64::MIN);
    let until = filter.period.until.unwrap_or(i64::MAX);
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM audit_log WHERE {FILTER} ORDER BY seq DESC LIMIT $7 OFFSET $8"
    )))
    .bind(&action)
    .bind(&filter.entity)
    .bind(&filter.entity_id)
    .bind(filter.actor.trim())
    .bind(from)
    .bind(until)
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?;
    let total: i64 = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) AS n FROM audit_log WHERE {FILTER}"
    )))
    .bind(&action)
    .bind(&filter.entity)
    .bind(&filter.entity_id)
    .bind(filter.actor.trim())
    .bind(from)
    .bind(until)
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    Ok((rows.iter().map(from_row).collect::<DbResult<_>>()?, total))
}

/// Whether anyone ever acted under this name (a user name, or a tool such as `cli`).
pub async fn actor_known(db: &Db, actor: &str) -> DbResult<bool> {
    let n: i64 = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM users WHERE LOWER(username) = LOWER($1)) \
         + (SELECT COUNT(*) FROM audit_log WHERE LOWER(actor_label) = LOWER($1)) AS n",
    )
    .bind(actor.trim())
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    Ok(n > 0)
}

/// The chain head as stored: the last entry's sequence number and hash.
pub async fn head(db: &Db) -> DbResult<audit::Head> {
    let head = sqlx::query("SELECT last_seq, last_hash FROM audit_head WHERE id = 1")
        .fetch_one(db.pool())
        .await?;
    Ok(audit::Head {
        seq: head.try_get("last_seq")?,
        hash: head.try_get("last_hash")?,
    })
}

/// Reads the whole chain in storage order and checks it with the instance's key, and against a
/// head recorded earlier when one is given.
pub async fn verify(
    db: &Db,
    recorded: Option<&audit::Head>,
) -> DbResult<Result<audit::Verified, audit::Break>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM audit_log ORDER BY seq"
    )))
    .fetch_all(db.pool())
    .await?;
    let entries = rows.iter().map(from_row).collect::<DbResult<Vec<_>>>()?;
    let stored = head(db).await?;
    Ok(audit::verify(
        &entries,
        (stored.seq, &stored.hash),
        db.chain_key(),
        recorded,
    ))
}
