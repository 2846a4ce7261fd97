//! In-app notifications (the list, marking them read) and the admin's outbox page.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{AppState, Ctx, WebError, render};
use crate::db::audit::Who;
use crate::db::notifications as store;
use crate::domain::dates::format_instant;
use crate::outbox::MAX_ATTEMPTS;
use crate::views::notifications::{NotificationItem, NotificationsPage, OutboxItem, OutboxPage};

/// Notifications per page.
pub const PAGE: i64 = 50;
/// Undelivered outbox rows shown to the admin.
const OUTBOX_ROWS: i64 = 200;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    halaman: Option<i64>,
    #[serde(default)]
    pesan: String,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let user = ctx.user()?;
    let page = q.halaman.unwrap_or(1).clamp(1, 100_000);
    let (rows, total) = store::list_for_user(&state.db, user.id, PAGE, (page - 1) * PAGE).await?;
    let items = rows
        .into_iter()
        .map(|n| NotificationItem {
            id: n.id,
            title: n.title,
            body: n.body,
            at: format_instant(n.created_at),
            unread: n.read_at.is_none(),
        })
        .collect();
    let notice = match q.pesan.as_str() {
        "dibaca" => Some("Semua notifikasi ditandai sudah dibaca."),
        _ => None,
    };
    let view = NotificationsPage {
        layout: ctx.layout("Notifikasi").with_notice(notice),
        items,
        total,
        unread: ctx.unread,
        page,
        pages: ((total + PAGE - 1) / PAGE).max(1),
    };
    Ok(render(&view)?.into_response())
}

/// Only local paths are followed; anything else (or nothing) leads back to the list.
fn local_target(link: &str) -> &str {
    let local = link.starts_with('/') && !link.starts_with("//") && !link.starts_with("/\\");
    if local { link } else { "/notifikasi" }
}

/// Opens a notification: marks it read (only the owner's; others are 404) and follows its link.
pub async fn open(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let user = ctx.user()?;
    let link = store::mark_read(&state.db, user.id, id).await?;
    Ok(Redirect::to(local_target(&link)).into_response())
}

pub async fn read_all(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let user = ctx.user()?;
    store::mark_all_read(&state.db, user.id).await?;
    Ok(Redirect::to("/notifikasi?pesan=dibaca").into_response())
}

fn status_label(status: &str) -> &'static str {
    match status {
        "pending" => "Menunggu",
        "sending" => "Sedang dikirim",
        "sent" => "Terkirim",
        "handoff" => "Diserahkan (WhatsApp)",
        "failed" => "Gagal",
        _ => "Lainnya",
    }
}

#[derive(Deserialize, Default)]
pub struct OutboxQuery {
    #[serde(default)]
    pesan: String,
}

pub async fn outbox(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<OutboxQuery>,
) -> Result<Response, WebError> {
    let (counts, rows) = store::outbox_overview(&state.db, OUTBOX_ROWS).await?;
    let order = ["failed", "pending", "sending", "sent", "handoff"];
    let counts = order
        .iter()
        .map(|s| {
            let n = counts
                .iter()
                .find(|(status, _)| status == s)
                .map_or(0, |(_, n)| *n);
            (status_label(s), n)
        })
        .collect();
    let rows = rows
        .into_iter()
        .map(|r| OutboxItem {
            id: r.id,
            channel: if r.channel == "email" {
                "Email"
            } else {
                "WhatsApp"
            },
            status_label: status_label(&r.status),
            retriable: r.status != "sending",
            next_at: if r.status == "failed" {
                String::new()
            } else {
                format_instant(r.next_attempt_at)
            },
            recipient: r.recipient,
            subject: r.subject,
            status: r.status,
            attempts: r.attempts,
            last_error: r.last_error,
            created: format_instant(r.created_at),
            order_id: r.order_id,
        })
        .collect();
    let notice = match q.pesan.as_str() {
        "dikirim-ulang" => Some("Pesan dijadwalkan untuk dikirim sekarang."),
        "tidak-bisa" => Some("Pesan itu sedang dikirim atau sudah terkirim."),
        _ => None,
    };
    let view = OutboxPage {
        layout: ctx.layout("Kotak keluar").with_notice(notice),
        counts,
        rows,
        email_on: !state.settings.smtp_url.trim().is_empty(),
        max_attempts: MAX_ATTEMPTS,
    };
    Ok(render(&view)?.into_response())
}

/// "Kirim ulang": makes a failed or waiting row due now.
pub async fn retry(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let user = ctx.user()?;
    let label = ctx.actor_label();
    let who = Who {
        id: Some(user.id),
        label: &label,
        ip: &ctx.ip,
    };
    let done = crate::app::notifications::retry(&state.db, id, who).await?;
    let to = if done {
        "/admin/kotak-keluar?pesan=dikirim-ulang"
    } else {
        "/admin/kotak-keluar?pesan=tidak-bisa"
    };
    Ok(Redirect::to(to).into_response())
}

#[cfg(test)]
mod tests {
    use super::local_target;

    #[test]
    fn only_local_links_are_followed() {
        assert_eq!(local_target("/pesanan/12"), "/pesanan/12");
        assert_eq!(local_target(""), "/notifikasi");
        assert_eq!(local_target("//evil.example"), "/notifikasi");
        assert_eq!(local_target("/\\evil.example"), "/notifikasi");
        assert_eq!(local_target("https://evil.example"), "/notifikasi");
    }
}
