//! Notifications: in-app entries (the badge and the list) and the outbox of messages for people
//! outside the app. Both are written inside the caller's transaction, so a notification exists
//! exactly when the change it announces does.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::db::{Db, DbError, DbResult, Exec, Tx, now};
use crate::domain::phone::Phone;
use crate::domain::reach::{Preferences, QuietHours, TimeOfDay};
use crate::domain::whatsapp::chat_link;

/// What a notification says and where it leads (a local path such as `/pesanan/12`).
pub struct Notice<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub link: &'a str,
}

/// The channels besides the app this instance has, set once at start-up (`Db::with_fanout`).
/// Push needs nothing configured: every instance has its VAPID key.
#[derive(Debug, Clone, Default)]
pub struct Fanout {
    /// `https://karya.tanjabtimkab.go.id`, for the links in messages.
    pub base_url: String,
    /// SMTP is configured.
    pub email: bool,
    /// The WhatsApp Business Cloud API is configured.
    pub whatsapp: bool,
}

impl Fanout {
    pub fn from_settings(settings: &crate::config::Settings) -> Fanout {
        Fanout {
            base_url: settings.public_url.trim_end_matches('/').to_owned(),
            email: !settings.smtp_url.trim().is_empty(),
            whatsapp: settings.whatsapp_cloud().is_some(),
        }
    }
}

/// A notification for a user: in the app, and once through each other channel the user has
/// and wants (push to each live device, WhatsApp through the Cloud API when configured and the
/// user has a number, email when SMTP is configured and the user has an address). All rows are
/// written in the caller's transaction, so they exist exactly when the change does; push and
/// WhatsApp rows created in the user's quiet hours wait until those end.
pub async fn notify_user(tx: &mut Tx, user_id: i64, notice: &Notice<'_>) -> DbResult<i64> {
    let at = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO notifications (user_id, title, body, link, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(notice.title)
    .bind(notice.body)
    .bind(notice.link)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?;
    fan_out(tx, id, user_id, notice, at).await?;
    Ok(id)
}

async fn fan_out(
    tx: &mut Tx,
    notification_id: i64,
    user_id: i64,
    notice: &Notice<'_>,
    at: i64,
) -> DbResult<()> {
    let fanout = tx.fanout().clone();
    let prefs = preferences_in(&mut **tx, user_id).await?;
    let release = prefs.quiet.map_or(at, |q| q.release_at(at));
    let link = if notice.link.starts_with('/') {
        format!("{}{}", fanout.base_url, notice.link)
    } else {
        notice.link.to_owned()
    };
    let text = if link.is_empty() {
        notice.body.to_owned()
    } else {
        format!("{}\n{link}", notice.body)
    };
    let row = Delivery {
        notification_id,
        user_id,
        subject: notice.title,
        body: &text,
        link: &link,
    };
    if prefs.push {
        let endpoints: Vec<String> = sqlx::query_scalar(
            "SELECT endpoint FROM push_subscriptions WHERE user_id = $1 AND disabled_at IS NULL \
             ORDER BY id",
        )
        .bind(user_id)
        .fetch_all(&mut **tx)
        .await?;
        for endpoint in &endpoints {
            row.insert(tx, Channel::Push, endpoint, at, release).await?;
        }
    }
    if !((fanout.whatsapp && prefs.whatsapp) || (fanout.email && prefs.email)) {
        return Ok(());
    }
    let (email, phone) = contact_in(&mut **tx, user_id).await?;
    if fanout.whatsapp
        && prefs.whatsapp
        && let Ok(phone) = Phone::parse(&phone)
    {
        row.insert(tx, Channel::WhatsApp, phone.as_str(), at, release)
            .await?;
    }
    let email = email.trim();
    if fanout.email && prefs.email && !email.is_empty() {
        // Email waits in no inbox's notification tray: it is not held for quiet hours.
        row.insert(tx, Channel::Email, email, at, at).await?;
    }
    Ok(())
}

/// Where a user is reached: the account's email address and WhatsApp number (the account's,
/// else the alumni record's), each "" when there is none.
pub async fn contact(db: &Db, user_id: i64) -> DbResult<(String, String)> {
    contact_in(db.pool(), user_id).await
}

async fn contact_in<'e>(exec: impl Exec<'e>, user_id: i64) -> DbResult<(String, String)> {
    let r = sqlx::query(
        "SELECT u.email, COALESCE(NULLIF(u.phone, ''), a.phone, '') AS phone FROM users u \
         LEFT JOIN alumni a ON a.id = u.alumnus_id WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_one(exec)
    .await?;
    Ok((
        r.try_get::<String, _>("email")?.trim().to_owned(),
        r.try_get::<String, _>("phone")?,
    ))
}

/// One channel's row of a user's notification.
struct Delivery<'a> {
    notification_id: i64,
    user_id: i64,
    subject: &'a str,
    body: &'a str,
    link: &'a str,
}

impl Delivery<'_> {
    /// Queued once per (notification, channel, recipient): a second insert does nothing.
    async fn insert(
        &self,
        tx: &mut Tx,
        channel: Channel,
        recipient: &str,
        at: i64,
        release: i64,
    ) -> DbResult<()> {
        sqlx::query(
            "INSERT INTO outbox (channel, recipient, subject, body, next_attempt_at, created_at, \
             notification_id, user_id, link, quiet_until) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (notification_id, channel, recipient) DO NOTHING",
        )
        .bind(channel.as_str())
        .bind(recipient)
        .bind(self.subject)
        .bind(self.body)
        .bind(release)
        .bind(at)
        .bind(self.notification_id)
        .bind(self.user_id)
        .bind(self.link)
        .bind((release > at).then_some(release))
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

/// Whether a notification already reaches its user outside the app (a WhatsApp or email row
/// of the fan-out): callers that also queue a message "by the best channel" skip theirs then.
pub async fn reaches_outside(tx: &mut Tx, notification_id: i64) -> DbResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE notification_id = $1 AND channel IN ('whatsapp','email')",
    )
    .bind(notification_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

// ---- Preferences and devices ----

/// A user's channel preferences (the defaults until they save the page).
pub async fn preferences(db: &Db, user_id: i64) -> DbResult<Preferences> {
    preferences_in(db.pool(), user_id).await
}

async fn preferences_in<'e>(exec: impl Exec<'e>, user_id: i64) -> DbResult<Preferences> {
    let row = sqlx::query(
        "SELECT push, whatsapp, email, quiet_from, quiet_until FROM notification_preferences \
         WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(exec)
    .await?;
    let Some(r) = row else {
        return Ok(Preferences::default());
    };
    let from: Option<i64> = r.try_get("quiet_from")?;
    let until: Option<i64> = r.try_get("quiet_until")?;
    let quiet = match (
        from.and_then(TimeOfDay::from_minutes),
        until.and_then(TimeOfDay::from_minutes),
    ) {
        (Some(f), Some(u)) => QuietHours::new(f, u).ok(),
        _ => None,
    };
    Ok(Preferences {
        push: r.try_get::<i64, _>("push")? != 0,
        whatsapp: r.try_get::<i64, _>("whatsapp")? != 0,
        email: r.try_get::<i64, _>("email")? != 0,
        quiet,
    })
}

/// Stores a user's preferences (one row per user).
pub async fn save_preferences(tx: &mut Tx, user_id: i64, p: &Preferences) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO notification_preferences \
         (user_id, push, whatsapp, email, quiet_from, quiet_until, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (user_id) DO UPDATE SET push = excluded.push, whatsapp = excluded.whatsapp, \
         email = excluded.email, quiet_from = excluded.quiet_from, \
         quiet_until = excluded.quiet_until, updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(i64::from(p.push))
    .bind(i64::from(p.whatsapp))
    .bind(i64::from(p.email))
    .bind(p.quiet.map(|q| q.from.minutes()))
    .bind(p.quiet.map(|q| q.until.minutes()))
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A browser's push subscription.
#[derive(Debug, Clone)]
pub struct Subscription {
    pub id: i64,
    pub user_id: i64,
    pub endpoint: String,
    /// The browser's P-256 public key and auth secret, base64url as the browser gives them.
    pub p256dh: String,
    pub auth: String,
    pub device: String,
    pub created_at: i64,
    pub disabled_at: Option<i64>,
    pub disabled_reason: String,
}

const SUBSCRIPTION_COLUMNS: &str =
    "id, user_id, endpoint, p256dh, auth, device, created_at, disabled_at, disabled_reason";

fn subscription(r: &AnyRow) -> Result<Subscription, sqlx::Error> {
    Ok(Subscription {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        endpoint: r.try_get("endpoint")?,
        p256dh: r.try_get("p256dh")?,
        auth: r.try_get("auth")?,
        device: r.try_get("device")?,
        created_at: r.try_get("created_at")?,
        disabled_at: r.try_get("disabled_at")?,
        disabled_reason: r.try_get("disabled_reason")?,
    })
}

/// Stores a subscription for the user. The same endpoint again (the browser subscribed anew, or
/// another user signed in on that browser) becomes this user's, live, with the new keys.
pub async fn subscribe(
    tx: &mut Tx,
    user_id: i64,
    endpoint: &str,
    p256dh: &str,
    auth: &str,
    device: &str,
) -> DbResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, device, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, \
         p256dh = excluded.p256dh, auth = excluded.auth, device = excluded.device, \
         created_at = excluded.created_at, disabled_at = NULL, disabled_reason = '' \
         RETURNING id",
    )
    .bind(user_id)
    .bind(endpoint)
    .bind(p256dh)
    .bind(auth)
    .bind(device)
    .bind(now())
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// The user's devices, newest first (disabled ones too, with their reason).
pub async fn subscriptions(db: &Db, user_id: i64) -> DbResult<Vec<Subscription>> {
    let sql = format!(
        "SELECT {SUBSCRIPTION_COLUMNS} FROM push_subscriptions WHERE user_id = $1 ORDER BY id DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user_id)
        .fetch_all(db.pool())
        .await?;
    Ok(rows.iter().map(subscription).collect::<Result<_, _>>()?)
}

/// The subscription a push row goes to.
pub async fn subscription_by_endpoint(db: &Db, endpoint: &str) -> DbResult<Option<Subscription>> {
    let sql = format!("SELECT {SUBSCRIPTION_COLUMNS} FROM push_subscriptions WHERE endpoint = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(endpoint)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.as_ref().map(subscription).transpose()?)
}

/// "Hapus": removes one of the user's devices (another user's is `NotFound`). Its rows still
/// waiting fail when their turn comes.
pub async fn unsubscribe(tx: &mut Tx, user_id: i64, id: i64) -> DbResult<String> {
    let endpoint: Option<String> = sqlx::query_scalar(
        "DELETE FROM push_subscriptions WHERE id = $1 AND user_id = $2 RETURNING endpoint",
    )
    .bind(id)
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?;
    endpoint.ok_or(DbError::NotFound)
}

/// The push service said the subscription is gone (404/410): no more rows go to it.
pub async fn disable_subscription(db: &Db, endpoint: &str, reason: &str, at: i64) -> DbResult<()> {
    sqlx::query(
        "UPDATE push_subscriptions SET disabled_at = $2, disabled_reason = $3 \
         WHERE endpoint = $1 AND disabled_at IS NULL",
    )
    .bind(endpoint)
    .bind(at)
    .bind(reason)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// How an outbox message reaches its recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Sent through SMTP by the outbox sender; `recipient` is an email address.
    Email,
    /// Through the WhatsApp Business Cloud API when configured, otherwise a click-to-chat
    /// hand-off; `recipient` is a +62 number.
    WhatsApp,
    /// Web Push to one browser; `recipient` is the subscription's endpoint.
    Push,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::WhatsApp => "whatsapp",
            Channel::Push => "push",
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
    /// The in-app notification this row delivers, and its user (rows of the fan-out).
    pub notification_id: Option<i64>,
    pub user_id: Option<i64>,
    /// Where the message leads, absolute (rows of the fan-out).
    pub link: String,
    /// Set when the row was held for the user's quiet hours: when they end.
    pub quiet_until: Option<i64>,
    /// The provider's message id (WhatsApp's wamid) once sent.
    pub provider_id: Option<String>,
}

const OUTBOX_COLUMNS: &str = "id, channel, recipient, subject, body, order_id, status, attempts, \
     next_attempt_at, last_error, created_at, sent_at, notification_id, user_id, link, \
     quiet_until, provider_id";

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
        notification_id: r.try_get("notification_id")?,
        user_id: r.try_get("user_id")?,
        link: r.try_get("link")?,
        quiet_until: r.try_get("quiet_until")?,
        provider_id: r.try_get("provider_id")?,
    })
}

/// Which channels a sender step handles: WhatsApp always (sent or handed off), email when SMTP
/// is configured, push when the sender pushes.
#[derive(Debug, Clone, Copy)]
pub struct DueChannels {
    pub email: bool,
    pub push: bool,
}

/// Rows due at `now`: pending ones whose time has come and claimed ones whose lease ran out
/// (their sender stopped), of the channels the step handles.
pub async fn due(db: &Db, now: i64, channels: DueChannels, limit: i64) -> DbResult<Vec<OutboxRow>> {
    let sql = format!(
        "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE status IN ('pending','sending') \
         AND next_attempt_at <= $1 AND channel IN ('whatsapp', $2, $3) \
         ORDER BY next_attempt_at, id LIMIT $4"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(if channels.email { "email" } else { "whatsapp" })
        .bind(if channels.push { "push" } else { "whatsapp" })
        .bind(limit)
        .fetch_all(db.pool())
        .await?;
    Ok(rows.iter().map(outbox_row).collect::<Result<Vec<_>, _>>()?)
}

/// Quiet hours began after the row was queued: it waits until `until`, with no attempt
/// counted (only a row still pending as it was read).
pub async fn hold_for_quiet(db: &Db, id: i64, attempts_seen: i64, until: i64) -> DbResult<bool> {
    let done = sqlx::query(
        "UPDATE outbox SET next_attempt_at = $3, quiet_until = $3 \
         WHERE id = $1 AND status IN ('pending','sending') AND attempts = $2",
    )
    .bind(id)
    .bind(attempts_seen)
    .bind(until)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
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
    mark_sent_as(db, id, attempts, now, None).await
}

/// Sent, with the provider's id for the message (WhatsApp's wamid, for its status reports).
pub async fn mark_sent_as(
    db: &Db,
    id: i64,
    attempts: i64,
    now: i64,
    provider_id: Option<&str>,
) -> DbResult<bool> {
    let done = sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $3, last_error = '', provider_id = $4 \
         WHERE id = $1 AND status = 'sending' AND attempts = $2",
    )
    .bind(id)
    .bind(attempts)
    .bind(now)
    .bind(provider_id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A delivery status the provider reported for a message it accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reported {
    Sent,
    Delivered,
    Read,
    Failed,
}

/// Records a status the provider reported for its message `provider_id`. Statuses only move
/// forward (sent → delivered → read; a failure ends it), whatever order the reports arrive in.
/// Returns whether a row changed.
pub async fn record_reported(
    db: &Db,
    provider_id: &str,
    status: Reported,
    reason: &str,
) -> DbResult<bool> {
    let (to, from): (&str, &[&str]) = match status {
        Reported::Sent => ("sent", &["sending"]),
        Reported::Delivered => ("delivered", &["sent"]),
        Reported::Read => ("read", &["sent", "delivered"]),
        Reported::Failed => ("failed", &["sending", "sent", "delivered"]),
    };
    let reason: String = reason.chars().take(500).collect();
    let done = sqlx::query(
        "UPDATE outbox SET status = $2, \
         last_error = CASE WHEN $2 = 'failed' THEN $3 ELSE last_error END \
         WHERE provider_id = $1 AND status IN ($4, $5, $6)",
    )
    .bind(provider_id)
    .bind(to)
    .bind(reason)
    .bind(from[0])
    .bind(from.get(1).copied().unwrap_or(from[0]))
    .bind(from.get(2).copied().unwrap_or(from[0]))
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() > 0)
}

/// What went out for each of the given notifications, by notification id.
pub async fn deliveries_of(db: &Db, notification_ids: &[i64]) -> DbResult<Vec<OutboxRow>> {
    if notification_ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = notification_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let sql = format!(
        "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE notification_id IN ({list}) ORDER BY id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(db.pool())
        .await?;
    Ok(rows.iter().map(outbox_row).collect::<Result<Vec<_>, _>>()?)
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
