//! Server-side sessions, login failures (for throttling) and one-time password-reset links.
//! Sessions live in the database so that several instances behind a load balancer share them.

use sqlx::Row;

use super::users::{COLUMNS, User, from_row};
use super::{Db, DbError, DbResult, Tx, now};
use crate::secrets::{new_token, token_hash};

/// Starts a session; returns the cookie value (only its hash is stored).
pub async fn start(
    db: &Db,
    user_id: i64,
    ttl_secs: i64,
    ip: &str,
    user_agent: &str,
) -> DbResult<String> {
    let (token, hash) = new_token();
    let t = now();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent) \
         VALUES ($1, $2, $3, $3, $4, $5, $6)",
    )
    .bind(&hash)
    .bind(user_id)
    .bind(t)
    .bind(t + ttl_secs)
    .bind(ip)
    .bind(user_agent.chars().take(200).collect::<String>())
    .execute(db.pool())
    .await?;
    Ok(token)
}

/// What a session cookie leads to.
pub enum Lookup {
    Active(User),
    /// The session exists but its user is disabled: the session is ended.
    Disabled(User),
    None,
}

/// The user of a live session. Expired sessions are removed; a disabled user's session ends.
pub async fn lookup(db: &Db, token: &str) -> DbResult<Lookup> {
    let hash = token_hash(token);
    let t = now();
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS}, s.expires_at AS s_expires, s.last_seen_at AS s_seen \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1"
    )))
    .bind(&hash)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(Lookup::None);
    };
    let user = from_row(&row)?;
    let expires: i64 = row.try_get("s_expires")?;
    if expires <= t || user.disabled {
        end(db, token).await?;
        return Ok(if user.disabled {
            Lookup::Disabled(user)
        } else {
            Lookup::None
        });
    }
    let seen: i64 = row.try_get("s_seen")?;
    if t - seen > 60 {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(t)
            .bind(&hash)
            .execute(db.pool())
            .await?;
    }
    Ok(Lookup::Active(user))
}

pub async fn end(db: &Db, token: &str) -> DbResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn end_all_for_user(tx: &mut Tx, user_id: i64) -> DbResult<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn count_for_user(db: &Db, user_id: i64) -> DbResult<i64> {
    Ok(
        sqlx::query("SELECT COUNT(*) AS n FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(db.pool())
            .await?
            .try_get("n")?,
    )
}

/// Removes expired sessions and old failure records.
pub async fn sweep(db: &Db) -> DbResult<()> {
    let t = now();
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(t)
        .execute(db.pool())
        .await?;
    sqlx::query("DELETE FROM login_failures WHERE at < $1")
        .bind(t - 24 * 3600)
        .execute(db.pool())
        .await?;
    Ok(())
}

// ---- login failures ----

/// Counts an attempt under these keys before its secret is checked, and returns its row with
/// the other attempts of the window: (count, time of the last) for the username and for the
/// address. A row stands for a failed attempt or one still being checked; a right answer
/// removes it ([`clear_failures`] or [`forget_attempt`]).
///
/// Counting first makes the limit hold under concurrency: every attempt's row is committed
/// before it counts, so the k-th attempt to commit sees at least k - 1 others, and no more than
/// the free allowance of attempts is ever let through to the check at once.
pub async fn count_attempt(
    db: &Db,
    username: &str,
    ip: &str,
    since: i64,
) -> DbResult<(i64, [(i64, i64); 2])> {
    let id: i64 = sqlx::query(
        "INSERT INTO login_failures (username, ip, at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(username)
    .bind(ip)
    .bind(now())
    .fetch_one(db.pool())
    .await?
    .try_get("id")?;
    let others = |column: &'static str, value: &str| {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n, COALESCE(MAX(at), 0) AS last FROM login_failures \
             WHERE {column} = $1 AND at >= $2 AND id <> $3"
        )))
        .bind(value.to_owned())
        .bind(since)
        .bind(id)
    };
    let by_user = others("username", username).fetch_one(db.pool()).await?;
    let by_ip = others("ip", ip).fetch_one(db.pool()).await?;
    Ok((
        id,
        [
            (by_user.try_get("n")?, by_user.try_get("last")?),
            (by_ip.try_get("n")?, by_ip.try_get("last")?),
        ],
    ))
}

/// Removes one counted attempt: it was held back before its check, or its answer was right.
pub async fn forget_attempt(db: &Db, id: i64) -> DbResult<()> {
    sqlx::query("DELETE FROM login_failures WHERE id = $1")
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn clear_failures(db: &Db, username: &str) -> DbResult<()> {
    sqlx::query("DELETE FROM login_failures WHERE username = $1")
        .bind(username)
        .execute(db.pool())
        .await?;
    Ok(())
}

// ---- password reset links ----

pub async fn create_reset(
    tx: &mut Tx,
    user_id: i64,
    created_by: i64,
    ttl_secs: i64,
) -> DbResult<(String, i64)> {
    let (token, hash) = new_token();
    let t = now();
    // A new link replaces any unused one.
    sqlx::query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(t)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO password_resets (token_hash, user_id, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&hash)
    .bind(user_id)
    .bind(created_by)
    .bind(t)
    .bind(t + ttl_secs)
    .execute(&mut **tx)
    .await?;
    Ok((token, t + ttl_secs))
}

#[derive(Debug, PartialEq, Eq)]
pub enum ResetState {
    Valid { user_id: i64 },
    Used,
    Expired,
    Unknown,
}

pub async fn reset_state(db: &Db, token: &str) -> DbResult<ResetState> {
    let row = sqlx::query(
        "SELECT user_id, expires_at, used_at FROM password_resets WHERE token_hash = $1",
    )
    .bind(token_hash(token))
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(ResetState::Unknown);
    };
    if row.try_get::<Option<i64>, _>("used_at")?.is_some() {
        return Ok(ResetState::Used);
    }
    if row.try_get::<i64, _>("expires_at")? <= now() {
        return Ok(ResetState::Expired);
    }
    Ok(ResetState::Valid {
        user_id: row.try_get("user_id")?,
    })
}

/// Marks the link used; fails with `Stale` if another request used it first.
pub async fn consume_reset(tx: &mut Tx, token: &str) -> DbResult<i64> {
    let t = now();
    let row = sqlx::query(
        "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
         RETURNING user_id",
    )
    .bind(t)
    .bind(token_hash(token))
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        Some(row) => Ok(row.try_get("user_id")?),
        None => Err(DbError::Stale),
    }
}
