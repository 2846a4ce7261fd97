//! Notification list and the admin's outbox page.

use askama::Template;

use crate::views::Layout;

/// One in-app notification as listed.
pub struct NotificationItem {
    pub id: i64,
    pub title: String,
    pub body: String,
    /// "28 November 2026 14.05 WIB"
    pub at: String,
    pub unread: bool,
    /// What went out for it, channel by channel (the app first).
    pub deliveries: Vec<DeliveryItem>,
}

/// One channel's delivery of a notification, as its recipient reads it.
pub struct DeliveryItem {
    /// "Aplikasi", "Notifikasi HP", "WhatsApp", "Email"
    pub channel: &'static str,
    /// "menunggu jam tenang", "menunggu", "terkirim", "diterima", "dibaca", "gagal"
    pub status: &'static str,
    /// The reason of a failure, or until when it waits.
    pub detail: String,
    /// `ok`, `wait` or `bad`: the tag's colour.
    pub tone: &'static str,
}

/// The name of a channel as people say it.
pub fn channel_label(channel: &str) -> &'static str {
    match channel {
        "push" => "Notifikasi HP",
        "whatsapp" => "WhatsApp",
        "email" => "Email",
        _ => "Aplikasi",
    }
}

/// The status of an outbox row in words, with its tone, at instant `now`.
pub fn delivery_status(
    status: &str,
    quiet_until: Option<i64>,
    attempts: i64,
    now: i64,
) -> (&'static str, &'static str) {
    match status {
        "pending" | "sending" if attempts == 0 && quiet_until.is_some_and(|q| q > now) => {
            ("menunggu jam tenang", "wait")
        }
        "pending" | "sending" => ("menunggu", "wait"),
        "sent" => ("terkirim", "ok"),
        "handoff" => ("diserahkan", "ok"),
        "delivered" => ("diterima", "ok"),
        "read" => ("dibaca", "ok"),
        _ => ("gagal", "bad"),
    }
}

#[derive(Template)]
#[template(path = "notifications/list.html")]
pub struct NotificationsPage {
    pub layout: Layout,
    pub items: Vec<NotificationItem>,
    pub total: i64,
    pub unread: i64,
    pub page: i64,
    pub pages: i64,
}

/// One undelivered outbox row for the admin.
pub struct OutboxItem {
    pub id: i64,
    /// "Email", "WhatsApp", "Notifikasi HP"
    pub channel: &'static str,
    pub recipient: String,
    pub subject: String,
    /// pending, sending, failed
    pub status: String,
    pub status_label: &'static str,
    pub attempts: i64,
    /// When the next attempt is due (empty for failed rows).
    pub next_at: String,
    pub last_error: String,
    pub created: String,
    pub order_id: Option<i64>,
    /// Whether "kirim ulang" applies (not while a sender holds it).
    pub retriable: bool,
}

#[derive(Template)]
#[template(path = "notifications/outbox.html")]
pub struct OutboxPage {
    pub layout: Layout,
    /// (status label, count)
    pub counts: Vec<(&'static str, i64)>,
    pub rows: Vec<OutboxItem>,
    pub email_on: bool,
    pub whatsapp_on: bool,
    pub max_attempts: i64,
}

/// One of the user's devices for push.
pub struct DeviceItem {
    pub id: i64,
    pub device: String,
    pub since: String,
    /// Why the push service turned it off, when it did.
    pub disabled: Option<String>,
}

/// `/akun/notifikasi`: channels, quiet hours and devices.
#[derive(Template)]
#[template(path = "notifications/preferences.html")]
pub struct PreferencesPage {
    pub layout: Layout,
    pub push: bool,
    pub whatsapp: bool,
    pub email: bool,
    pub quiet_on: bool,
    pub quiet_from: crate::views::Field,
    pub quiet_until: crate::views::Field,
    pub devices: Vec<DeviceItem>,
    /// The instance's VAPID public key, for `pushManager.subscribe`.
    pub vapid_key: String,
    /// The instance sends WhatsApp through the Cloud API / email through SMTP.
    pub whatsapp_on: bool,
    pub email_on: bool,
    /// Where the user is reached: a WhatsApp number and an email address on their account.
    pub phone: String,
    pub address: String,
}
