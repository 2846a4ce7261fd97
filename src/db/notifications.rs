//! Notifications: in-app entries (the badge and the list) and the outbox of messages for people
//! outside the app. Both are written inside the caller's transaction, so a notification exists
//! exactly when the change it announces does.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::db::{Db, DbError, DbResult, Tx, now};
use crate::domain::phone::Phone;
use crate::domain::whatsapp::chat_link;

/// What a notification says and where it leads (a local path such as `/pesanan/12`).
pub struct Notice<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub link: &'a str,
}

/// An in-app notification for a user.
pub async fn notify_user(tx: &mut Tx, user_id: i64, notice: &Notice<'_>) -> DbResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO notifications (user_id, title, body, link, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(notice.title)
    .bind(notice.body)
    .bind(notice.link)
    .bind(now())
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// How an outbox message reaches its recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Sent through SMTP by the outbox sender; `recipient` is an email address.
    Email,
    /// A click-to-chat hand-off; `recipient` is a +62 number.
    WhatsApp,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::WhatsApp => "whatsapp",
        }
    }
}

/// A message for someone outside the app, delivered later by the outbox sender.
pub async fn enqueue(
    tx: &mut Tx,
    channel: Channel,
    recipient: &str,
    subject: &str,
    body: &str,
    order_id: Option<i64>,
) -> DbResult<i64> {
    let at = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO outbox (channel, recipient, subject, body, order_id, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(channel.as_str())
    .bind(recipient)
    .bind(subject)
    .bind(body)
    .bind(order_id)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// Queues a message for a person by the best channel available: email when SMTP is configured
/// and the person has an address, otherwise a WhatsApp hand-off when they have a number.
/// `None` when neither reaches them (the in-app notification is then the only one).
pub async fn enqueue_contact(
    tx: &mut Tx,
    smtp_configured: bool,
    email: Option<&str>,
    phone: Option<&Phone>,
    subject: &str,
    body: &str,
    order_id: Option<i64>,
) -> DbResult<Option<i64>> {
    match (email.map(str::trim).filter(|e| !e.is_empty()), phone) {
        (Some(address), _) if smtp_configured => {
            enqueue(tx, Channel::Email, address, subject, body, order_id)
                .await
                .map(Some)
        }
        (_, Some(phone)) => enqueue(
            tx,
            Channel::WhatsApp,
            phone.as_str(),
            subject,
            body,
            order_id,
        )
        .await
        .map(Some),
        _ => Ok(None),
    }
}

// ---- In-app notifications: the list, the badge, marking read ----

/// One in-app notification as the list shows it.
#[derive(Debug, Clone)]
pub struct Notification {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// A user's notifications, newest first, and how many there are in all.
pub async fn list_for_user(
    db: &Db,
    user_id: i64,
    limit: i64,
    offset: i64,
) -> DbResult<(Vec<Notification>, i64)> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(db.pool())
        .await?;
    let rows = sqlx::query(
        "SELECT id, title, body, link, created_at, read_at FROM notifications \
         WHERE user_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3",
    )
    .bind(user_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?;
    let list = rows
        .iter()
        .map(|r| {
            Ok(Notification {
                id: r.try_get("id")?,
                title: r.try_get("title")?,
                body: r.try_get("body")?,
                link: r.try_get("link")?,
                created_at: r.try_get("created_at")?,
                read_at: r.try_get("read_at")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((list, total))
}

/// The badge: one indexed count (notifications_user covers user_id, read_at).
pub async fn unread_count(db: &Db, user_id: i64) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(db.pool())
    .await?)
}

/// Marks one of the user's notifications read and returns where it leads. Another user's
/// notification is `NotFound`, exactly like one that does not exist.
pub async fn mark_read(db: &Db, user_id: i64, id: i64) -> DbResult<String> {
    let link: Option<String> = sqlx::query_scalar(
        "UPDATE notifications SET read_at = COALESCE(read_at, $3) \
         WHERE id = $1 AND user_id = $2 RETURNING link",
    )
    .bind(id)
    .bind(user_id)
    .bind(now())
    .fetch_optional(db.pool())
    .await?;
    link.ok_or(DbError::NotFound)
}

/// Marks all of the user's notifications read; returns how many were unread.
pub async fn mark_all_read(db: &Db, user_id: i64) -> DbResult<u64> {
    let done =
        sqlx::query("UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL")
            .bind(user_id)
            .bind(now())
            .execute(db.pool())
            .await?;
    Ok(done.rows_affected())
}

// ---- The outbox: claiming, delivering, retrying ----

/// One outbox row.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub id: i64,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub order_id: Option<i64>,
    /// pending, sending (claimed by a sender), sent, handoff, failed.
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

const OUTBOX_COLUMNS: &str = "id, channel, recipient, subject, body, order_id, status, attempts, \
     next_attempt_at, last_error, created_at, sent_at";

fn outbox_row(r: &AnyRow) -> Result<OutboxRow, sqlx::Error> {
    Ok(OutboxRow {
        id: r.try_get("id")?,
        channel: r.try_get("channel")?,
        recipient: r.try_get("recipient")?,
        subject: r.try_get("subject")?,
        body: r.try_get("body")?,
        order_id: r.try_get("order_id")?,
        status: r.try_get("status")?,
        attempts: r.try_get("attempts")?,
        next_attempt_at: r.try_get("next_attempt_at")?,
        last_error: r.try_get("last_error")?,
        created_at: r.try_get("created_at")?,
        sent_at: r.try_get("sent_at")?,
    })
}

/// Rows due at `now`: pending ones whose time has come and claimed ones whose lease ran out
/// (their sender stopped). Email rows only when `with_email` (SMTP configured).
pub async fn due(db: &Db, now: i64, with_email: bool, limit: i64) -> DbResult<Vec<OutboxRow>> {
    let sql = format!(
        "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE status IN ('pending','sending') \
         AND next_attempt_at <= $1 AND channel IN ('whatsapp', $2) \
         ORDER BY next_attempt_at, id LIMIT $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(if with_email { "email" } else { "whatsapp" })
        .bind(limit)
        .fetch_all(db.pool())
        .await?;
    Ok(rows.iter().map(outbox_row).collect::<Result<Vec<_>, _>>()?)
}

/// Claims a due row for one delivery attempt: moves it to `sending` until `lease_until` and
/// counts the attempt. Only one of several instances racing for the same row gets `true`
/// (the row must still be as it was read: same status set, same attempt count, still due).
pub async fn claim(
    db: &Db,
    id: i64,
    attempts_seen: i64,
    now: i64,
    lease_until: i64,
) -> DbResult<bool> {
    let done = sqlx::query(
        "UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = $4 \
         WHERE id = $1 AND status IN ('pending','sending') AND attempts = $2 \
         AND next_attempt_at <= $3",
    )
    .bind(id)
    .bind(attempts_seen)
    .bind(now)
    .bind(lease_until)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The transport accepted the message: the row is sent, and only now.
pub async fn mark_sent(db: &Db, id: i64, attempts: i64, now: i64) -> DbResult<bool> {
    let done = sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $3, last_error = '' \
         WHERE id = $1 AND status = 'sending' AND attempts = $2",
    )
    .bind(id)
    .bind(attempts)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The attempt failed: retry at `retry_at`, or give up (`None`: status failed, kept for the
/// admin to see and retry).
pub async fn mark_attempt_failed(
    db: &Db,
    id: i64,
    attempts: i64,
    error: &str,
    retry_at: Option<i64>,
) -> DbResult<bool> {
    let error: String = error.chars().take(500).collect();
    let done = sqlx::query(
        "UPDATE outbox SET status = $4, last_error = $3, next_attempt_at = $5 \
         WHERE id = $1 AND status = 'sending' AND attempts = $2",
    )
    .bind(id)
    .bind(attempts)
    .bind(error)
    .bind(if retry_at.is_some() {
        "pending"
    } else {
        "failed"
    })
    .bind(retry_at.unwrap_or(0))
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A WhatsApp row becomes a hand-off: a person sends it from the order page.
pub async fn mark_handoff(db: &Db, id: i64, now: i64) -> DbResult<bool> {
    let done = sqlx::query(
        "UPDATE outbox SET status = 'handoff', sent_at = $2 \
         WHERE id = $1 AND channel = 'whatsapp' AND status IN ('pending','sending')",
    )
    .bind(id)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A WhatsApp message for a person to send with one tap: the prefilled chat link.
#[derive(Debug, Clone)]
pub struct Handoff {
    pub id: i64,
    /// The +62 number.
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// `https://wa.me/62…?text=…`
    pub link: String,
    pub created_at: i64,
}

/// The WhatsApp hand-offs of an order, newest first (pending ones included: the sender loop
/// may not have reached them yet).
pub async fn handoffs_for_order(db: &Db, order_id: i64) -> DbResult<Vec<Handoff>> {
    let rows = sqlx::query(
        "SELECT id, recipient, subject, body, created_at FROM outbox \
         WHERE order_id = $1 AND channel = 'whatsapp' AND status IN ('pending','sending','handoff') \
         ORDER BY id DESC",
    )
    .bind(order_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let recipient: String = r.try_get("recipient")?;
            let body: String = r.try_get("body")?;
            let phone = Phone::parse(&recipient).ok();
            Ok(Handoff {
                id: r.try_get("id")?,
                link: chat_link(phone.as_ref(), &body),
                subject: r.try_get("subject")?,
                created_at: r.try_get("created_at")?,
                recipient,
                body,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(Into::into)
}

/// The admin's view of the outbox: counts per status and every row not yet delivered
/// (pending, sending, failed), failed first.
pub async fn outbox_overview(
    db: &Db,
    limit: i64,
) -> DbResult<(Vec<(String, i64)>, Vec<OutboxRow>)> {
    let counts =
        sqlx::query("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status ORDER BY status")
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|r| Ok((r.try_get("status")?, r.try_get("n")?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let sql = format!(
        "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE status IN ('failed','pending','sending') \
         ORDER BY CASE status WHEN 'failed' THEN 0 ELSE 1 END, id DESC LIMIT $1"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(limit)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(outbox_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((counts, rows))
}

/// "Kirim ulang": a failed or waiting row becomes due now (a failed one starts its attempts
/// again), inside the caller's transaction. Returns the status and attempts it had, `None` when
/// the row is being sent or already delivered (`NotFound` when there is no such row).
pub async fn retry_now(tx: &mut Tx, id: i64) -> DbResult<Option<(String, i64)>> {
    let before: Option<(String, i64)> =
        sqlx::query_as("SELECT status, attempts FROM outbox WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    let (status, attempts) = before.ok_or(DbError::NotFound)?;
    if status != "pending" && status != "failed" {
        return Ok(None);
    }
    sqlx::query(
        "UPDATE outbox SET status = 'pending', next_attempt_at = $2, \
         attempts = CASE WHEN status = 'failed' THEN 0 ELSE attempts END \
         WHERE id = $1 AND status IN ('pending','failed')",
    )
    .bind(id)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(Some((status, attempts)))
}
