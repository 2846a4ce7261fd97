//! Notifications: in-app entries (the badge and the list) and the outbox of messages for people
//! outside the app. Both are written inside the caller's transaction, so a notification exists
//! exactly when the change it announces does.

use crate::db::{DbResult, Tx, now};

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
