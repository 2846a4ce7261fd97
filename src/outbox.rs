//! The outbox sender: a background loop that delivers queued messages for people outside the
//! app. Email goes through SMTP when it is configured; Web Push goes to each browser's push
//! service, signed with the instance's VAPID key and encrypted to the browser (aes128gcm);
//! WhatsApp rows go through the WhatsApp Business Cloud API as message templates when it is
//! configured, and are otherwise hand-offs that a person sends from the order page with one tap,
//! so the loop only marks them `handoff`. Push and WhatsApp rows of a user wait while the user's
//! quiet hours last (checked again at sending, with the step's `now`).
//!
//! A row is only `sent` after the transport accepted it. A failed attempt is retried with a
//! doubling back-off; after `MAX_ATTEMPTS` the row is `failed` and stays for the admin to see
//! and send again. Several instances may run the loop: each row is claimed by one of them
//! (`db::notifications::claim`) for a lease, and a crashed instance's lease runs out.

use std::future::Future;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::watch;

pub mod push;
pub mod whatsapp;

pub use push::PushSender;
pub use whatsapp::{CloudConfig, WhatsAppCloud};

use crate::config::Settings;
use crate::db::notifications::{self as store, OutboxRow, Subscription};
use crate::db::{Db, DbResult};

/// Attempts before a row is given up as `failed`.
pub const MAX_ATTEMPTS: i64 = 10;
/// How long a claimed row belongs to the sender that claimed it.
pub const LEASE_SECS: i64 = 600;
/// How often the loop looks for due rows.
pub const INTERVAL: Duration = Duration::from_secs(5);
/// Rows handled per step.
const BATCH: i64 = 50;
const FIRST_BACKOFF_SECS: i64 = 60;
const MAX_BACKOFF_SECS: i64 = 6 * 3600;

/// Seconds to wait after the `attempts`-th failed attempt: 1 minute, doubling, at most 6 hours.
pub fn backoff_secs(attempts: i64) -> i64 {
    let doublings = attempts.clamp(1, 20) - 1;
    (FIRST_BACKOFF_SECS << doublings).min(MAX_BACKOFF_SECS)
}

/// Why a send failed. A permanent failure (the server refused the address) is not retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    pub message: String,
    pub permanent: bool,
    /// The push service says the subscription no longer exists (404/410): it is disabled.
    pub gone: bool,
}

impl SendError {
    pub fn transient(message: impl Into<String>) -> SendError {
        SendError {
            message: message.into(),
            permanent: false,
            gone: false,
        }
    }

    pub fn permanent(message: impl Into<String>) -> SendError {
        SendError {
            message: message.into(),
            permanent: true,
            gone: false,
        }
    }
}

/// Something that delivers rows. Tests pass fakes; the server uses `Outbound`.
pub trait Sender: Send + Sync {
    /// Whether this sender delivers email at all (without SMTP, email rows wait).
    fn sends_email(&self) -> bool {
        true
    }

    /// Delivers one email row; `Ok` only when the transport accepted the message.
    fn send(&self, row: &OutboxRow) -> impl Future<Output = Result<(), SendError>> + Send;

    /// Whether this sender delivers Web Push rows (otherwise they wait).
    fn sends_push(&self) -> bool {
        false
    }

    /// Delivers one push row to its browser's subscription; `Ok` once the push service took it.
    fn push(
        &self,
        _row: &OutboxRow,
        _to: &Subscription,
    ) -> impl Future<Output = Result<(), SendError>> + Send {
        async { Err(SendError::transient("notifikasi HP tidak tersedia")) }
    }

    /// Whether WhatsApp rows go through the Cloud API (otherwise they become hand-offs).
    fn sends_whatsapp(&self) -> bool {
        false
    }

    /// Sends one WhatsApp row as a message template; returns the message's id (wamid).
    fn whatsapp(&self, _row: &OutboxRow) -> impl Future<Output = Result<String, SendError>> + Send {
        async { Err(SendError::transient("WhatsApp Cloud API belum diatur")) }
    }
}

/// Email through SMTP (`settings.smtp_url`, e.g. `smtps://user:pass@host:465`,
/// `smtp://host:587?tls=required`, or plain `smtp://host:25`).
pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpSender {
    pub fn new(url: &str, from: &str) -> Result<SmtpSender, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("smtp_url tidak valid: {e}"))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| format!("smtp_from bukan alamat email yang valid: {e}"))?;
        Ok(SmtpSender { transport, from })
    }
}

impl Sender for SmtpSender {
    async fn send(&self, row: &OutboxRow) -> Result<(), SendError> {
        let to = row.recipient.parse::<Mailbox>().map_err(|e| SendError {
            message: format!("alamat penerima tidak valid: {e}"),
            permanent: true,
            gone: false,
        })?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(row.subject.as_str())
            .header(ContentType::TEXT_PLAIN)
            .body(row.body.clone())
            .map_err(|e| SendError::permanent(format!("pesan tidak dapat disusun: {e}")))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| SendError {
                message: e.to_string(),
                permanent: e.is_permanent(),
                gone: false,
            })
    }
}

/// The server's sender: SMTP when configured, otherwise none (WhatsApp hand-offs only; email
/// rows wait until SMTP is configured).
pub enum Mailer {
    Smtp(Box<SmtpSender>),
    Off,
}

impl Mailer {
    /// Builds the sender from the settings; a broken SMTP setting is logged and email waits.
    pub fn from_settings(smtp_url: &str, smtp_from: &str) -> Mailer {
        if smtp_url.trim().is_empty() {
            return Mailer::Off;
        }
        match SmtpSender::new(smtp_url.trim(), smtp_from.trim()) {
            Ok(sender) => Mailer::Smtp(Box::new(sender)),
            Err(e) => {
                tracing::error!(error = %e, "email disabled: SMTP settings are not usable");
                Mailer::Off
            }
        }
    }
}

impl Sender for Mailer {
    fn sends_email(&self) -> bool {
        matches!(self, Mailer::Smtp(_))
    }

    async fn send(&self, row: &OutboxRow) -> Result<(), SendError> {
        match self {
            Mailer::Smtp(smtp) => smtp.send(row).await,
            Mailer::Off => Err(SendError::transient("email belum dikonfigurasi")),
        }
    }
}

/// The server's sender: email through SMTP (when configured), Web Push with the instance's
/// VAPID key, WhatsApp through the Cloud API (when configured; hand-offs otherwise).
pub struct Outbound {
    pub mailer: Mailer,
    pub push: Option<PushSender>,
    pub whatsapp: Option<WhatsAppCloud>,
}

impl Outbound {
    /// Builds the senders from the settings and the instance's VAPID key; a broken setting is
    /// logged and that channel waits (or hands off).
    pub fn from_settings(settings: &Settings, vapid_key: &[u8; 32]) -> Outbound {
        let push = PushSender::new(vapid_key, &settings.push_contact())
            .map_err(|e| tracing::error!(error = %e, "web push disabled"))
            .ok();
        let whatsapp = settings.whatsapp_cloud().and_then(|config| {
            WhatsAppCloud::new(config)
                .map_err(|e| tracing::error!(error = %e, "WhatsApp Cloud API disabled"))
                .ok()
        });
        Outbound {
            mailer: Mailer::from_settings(&settings.smtp_url, &settings.smtp_from),
            push,
            whatsapp,
        }
    }
}

impl Sender for Outbound {
    fn sends_email(&self) -> bool {
        self.mailer.sends_email()
    }

    async fn send(&self, row: &OutboxRow) -> Result<(), SendError> {
        self.mailer.send(row).await
    }

    fn sends_push(&self) -> bool {
        self.push.is_some()
    }

    async fn push(&self, row: &OutboxRow, to: &Subscription) -> Result<(), SendError> {
        match &self.push {
            Some(push) => push.send(row, to).await,
            None => Err(SendError::transient("notifikasi HP tidak tersedia")),
        }
    }

    fn sends_whatsapp(&self) -> bool {
        self.whatsapp.is_some()
    }

    async fn whatsapp(&self, row: &OutboxRow) -> Result<String, SendError> {
        match &self.whatsapp {
            Some(cloud) => cloud.send(row).await,
            None => Err(SendError::transient("WhatsApp Cloud API belum diatur")),
        }
    }
}

/// What one step did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    /// Failed attempts that will be retried.
    pub retrying: usize,
    /// Rows given up (status `failed`).
    pub failed: usize,
    pub handed_off: usize,
    /// Rows put back until their user's quiet hours end.
    pub held: usize,
}

impl Delivery {
    fn handled(&self) -> usize {
        self.sent + self.retrying + self.failed + self.handed_off + self.held
    }
}

/// One step of the loop at instant `now`: claims the due rows, hands off WhatsApp rows (or
/// sends them through the Cloud API), holds push and WhatsApp rows in their user's quiet hours,
/// sends the rest through `sender`, and records each outcome.
pub async fn deliver_due<S: Sender>(db: &Db, sender: &S, now: i64) -> DbResult<Delivery> {
    let mut done = Delivery::default();
    let channels = store::DueChannels {
        email: sender.sends_email(),
        push: sender.sends_push(),
    };
    for row in store::due(db, now, channels, BATCH).await? {
        if row.channel == "whatsapp" && !sender.sends_whatsapp() {
            if store::mark_handoff(db, row.id, now).await? {
                done.handed_off += 1;
            }
            continue;
        }
        if row.channel != "email"
            && let Some(user) = row.user_id
            && let Some(quiet) = store::preferences(db, user).await?.quiet
            && quiet.contains(now)
        {
            if store::hold_for_quiet(db, row.id, row.attempts, quiet.release_at(now)).await? {
                done.held += 1;
            }
            continue;
        }
        if !store::claim(db, row.id, row.attempts, now, now + LEASE_SECS).await? {
            continue; // another instance took it
        }
        let attempts = row.attempts + 1;
        let outcome = match row.channel.as_str() {
            "push" => push_row(db, sender, &row, now).await?.map(|()| None),
            "whatsapp" => sender.whatsapp(&row).await.map(Some),
            _ => sender.send(&row).await.map(|()| None),
        };
        match outcome {
            Ok(provider_id) => {
                store::mark_sent_as(db, row.id, attempts, now, provider_id.as_deref()).await?;
                done.sent += 1;
            }
            Err(e) => {
                let give_up = e.permanent || attempts >= MAX_ATTEMPTS;
                let retry_at = (!give_up).then(|| now + backoff_secs(attempts));
                tracing::warn!(id = row.id, channel = %row.channel, attempts, error = %e.message, give_up, "outbox send failed");
                store::mark_attempt_failed(db, row.id, attempts, &e.message, retry_at).await?;
                if give_up {
                    done.failed += 1;
                } else {
                    done.retrying += 1;
                }
            }
        }
    }
    Ok(done)
}

/// A push row to its subscription; a subscription the push service no longer knows is
/// disabled, and one removed or disabled meanwhile fails the row for good.
async fn push_row<S: Sender>(
    db: &Db,
    sender: &S,
    row: &OutboxRow,
    now: i64,
) -> DbResult<Result<(), SendError>> {
    let subscription = store::subscription_by_endpoint(db, &row.recipient).await?;
    let Some(to) = subscription.filter(|s| s.disabled_at.is_none()) else {
        return Ok(Err(SendError::permanent(
            "perangkat sudah dihapus atau tidak aktif",
        )));
    };
    let result = sender.push(row, &to).await;
    if let Err(e) = &result
        && e.gone
    {
        store::disable_subscription(db, &to.endpoint, &e.message, now).await?;
    }
    Ok(result)
}

/// The loop: a step every `INTERVAL` until `stop` turns true. A step in progress finishes
/// (its sends complete and are recorded) before the loop returns.
pub async fn run<S: Sender>(db: Db, sender: S, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    break;
                }
                continue;
            }
        }
        if *stop.borrow() {
            break;
        }
        // A backlog (more than one batch due) is worked through at once, not a batch a tick;
        // `stop` is still checked between batches.
        loop {
            match deliver_due(&db, &sender, crate::db::now()).await {
                Ok(d) if d != Delivery::default() => {
                    tracing::info!(?d, "outbox step");
                    if (d.handled() as i64) < BATCH || *stop.borrow() {
                        break;
                    }
                }
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "outbox step failed");
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_a_minute_to_six_hours() {
        assert_eq!(backoff_secs(1), 60);
        assert_eq!(backoff_secs(2), 120);
        assert_eq!(backoff_secs(3), 240);
        assert_eq!(backoff_secs(9), 60 * 256);
        assert_eq!(backoff_secs(10), 6 * 3600);
        assert_eq!(backoff_secs(50), 6 * 3600);
        assert_eq!(backoff_secs(0), 60);
    }

    #[test]
    fn smtp_settings_are_checked() {
        assert!(SmtpSender::new("smtp://127.0.0.1:2525", "Karya <karya@example.go.id>").is_ok());
        assert!(SmtpSender::new("ftp://x", "karya@example.go.id").is_err());
        assert!(SmtpSender::new("smtp://127.0.0.1:2525", "bukan alamat").is_err());
        assert!(matches!(Mailer::from_settings("", ""), Mailer::Off));
        assert!(matches!(
            Mailer::from_settings("smtp://127.0.0.1:2525", "salah"),
            Mailer::Off
        ));
        assert!(Mailer::from_settings("smtp://127.0.0.1:2525", "a@b.id").sends_email());
    }
}
