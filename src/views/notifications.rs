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
    /// "Email" / "WhatsApp"
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
    pub max_attempts: i64,
}
