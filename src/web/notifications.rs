//! In-app notifications (the list, marking them read) and the admin's outbox page.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::form::Posted;
use super::{AppState, Ctx, WebError, render, unprocessable};
use crate::db::audit::Who;
use crate::db::notifications as store;
use crate::domain::dates::format_instant;
use crate::domain::reach::Preferences;
use crate::outbox::MAX_ATTEMPTS;
use crate::views::notifications::{
    DeliveryItem, DeviceItem, NotificationItem, NotificationsPage, OutboxItem, OutboxPage,
    PreferencesPage, channel_label, delivery_status,
};

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
    let ids: Vec<i64> = rows.iter().map(|n| n.id).collect();
    let sent = store::deliveries_of(&state.db, &ids).await?;
    let now = crate::db::now();
    let items = rows
        .into_iter()
        .map(|n| {
            let mut deliveries = vec![DeliveryItem {
                channel: channel_label("app"),
                status: if n.read_at.is_some() {
                    "dibaca"
                } else {
                    "terkirim"
                },
                detail: String::new(),
                tone: "ok",
            }];
            deliveries.extend(
                sent.iter()
                    .filter(|r| r.notification_id == Some(n.id))
                    .map(|r| delivery_item(r, now)),
            );
            NotificationItem {
                id: n.id,
                title: n.title,
                body: n.body,
                at: format_instant(n.created_at),
                unread: n.read_at.is_none(),
                deliveries,
            }
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

/// One outbox row of a notification in its recipient's words.
fn delivery_item(r: &store::OutboxRow, now: i64) -> DeliveryItem {
    let (status, tone) = delivery_status(&r.status, r.quiet_until, r.attempts, now);
    let detail = match status {
        "menunggu jam tenang" => r
            .quiet_until
            .map(|q| format!("sampai {}", format_instant(q)))
            .unwrap_or_default(),
        "gagal" => r.last_error.clone(),
        "menunggu" if r.attempts > 0 => format!(
            "dicoba lagi {} ({})",
            format_instant(r.next_attempt_at),
            r.last_error
        ),
        _ => String::new(),
    };
    DeliveryItem {
        channel: channel_label(&r.channel),
        status,
        detail,
        tone,
    }
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
        "delivered" => "Diterima",
        "read" => "Dibaca",
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
    let order = [
        "failed",
        "pending",
        "sending",
        "sent",
        "delivered",
        "read",
        "handoff",
    ];
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
            channel: channel_label(&r.channel),
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
        whatsapp_on: state.settings.whatsapp_cloud().is_some(),
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

// ---- The user's own channels: /akun/notifikasi ----

#[derive(Deserialize, Default)]
pub struct PreferencesQuery {
    #[serde(default)]
    pesan: String,
}

/// The instance's VAPID public key, for the page's `pushManager.subscribe`.
fn vapid_public_key(state: &AppState) -> String {
    crate::outbox::PushSender::new(
        &crate::secrets::vapid_private_key(&state.secrets.data_key),
        "",
    )
    .map(|p| p.public_key())
    .unwrap_or_default()
}

async fn preferences_page(
    state: &AppState,
    ctx: &Ctx,
    prefs: &Preferences,
) -> Result<PreferencesPage, WebError> {
    let user = ctx.user()?;
    let devices = store::subscriptions(&state.db, user.id)
        .await?
        .into_iter()
        .map(|d| DeviceItem {
            id: d.id,
            device: if d.device.is_empty() {
                "HP tanpa nama".into()
            } else {
                d.device
            },
            since: format_instant(d.created_at),
            disabled: d.disabled_at.map(|_| d.disabled_reason),
        })
        .collect();
    let (address, phone) = store::contact(&state.db, user.id).await?;
    let time = |t: Option<crate::domain::reach::TimeOfDay>| {
        crate::views::Field::new(&t.map(|t| t.to_string()).unwrap_or_default())
    };
    Ok(PreferencesPage {
        layout: ctx.layout("Pengaturan notifikasi"),
        push: prefs.push,
        whatsapp: prefs.whatsapp,
        email: prefs.email,
        quiet_on: prefs.quiet.is_some(),
        quiet_from: time(prefs.quiet.map(|q| q.from)),
        quiet_until: time(prefs.quiet.map(|q| q.until)),
        devices,
        vapid_key: vapid_public_key(state),
        whatsapp_on: state.settings.whatsapp_cloud().is_some(),
        email_on: !state.settings.smtp_url.trim().is_empty(),
        phone,
        address,
    })
}

pub async fn preferences(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PreferencesQuery>,
) -> Result<Response, WebError> {
    let user = ctx.user()?;
    let prefs = store::preferences(&state.db, user.id).await?;
    let mut page = preferences_page(&state, &ctx, &prefs).await?;
    let notice = match q.pesan.as_str() {
        "tersimpan" => Some("Pengaturan notifikasi tersimpan."),
        "hp-terdaftar" => Some("HP ini terdaftar. Notifikasi berikutnya juga muncul di HP ini."),
        "hp-dihapus" => Some("HP itu tidak lagi menerima notifikasi."),
        _ => None,
    };
    page.layout = page.layout.with_notice(notice);
    Ok(render(&page)?.into_response())
}

pub async fn save_preferences(
    State(state): State<AppState>,
    ctx: Ctx,
    Posted(fields): Posted,
) -> Result<Response, WebError> {
    let user = ctx.user()?;
    match crate::domain::reach::parse_form(&fields) {
        Ok(prefs) => {
            crate::app::notifications::save_preferences(&state.db, user.id, &prefs, ctx.who()?)
                .await?;
            Ok(Redirect::to("/akun/notifikasi?pesan=tersimpan").into_response())
        }
        Err(errors) => {
            // Shown again as posted, with the messages; nothing stored.
            let posted = Posted(fields);
            let prefs = Preferences {
                push: posted.flag("push"),
                whatsapp: posted.flag("whatsapp"),
                email: posted.flag("email"),
                quiet: None,
            };
            let mut page = preferences_page(&state, &ctx, &prefs).await?;
            page.quiet_on = posted.flag("jam_tenang");
            page.quiet_from = crate::views::Field {
                value: posted.get("tenang_mulai").trim().to_owned(),
                error: errors.get("tenang_mulai").cloned(),
            };
            page.quiet_until = crate::views::Field {
                value: posted.get("tenang_selesai").trim().to_owned(),
                error: errors.get("tenang_selesai").cloned(),
            };
            unprocessable(&page)
        }
    }
}

/// The page's script posts the browser's subscription here.
pub async fn add_device(
    State(state): State<AppState>,
    ctx: Ctx,
    Posted(fields): Posted,
) -> Result<Response, WebError> {
    let user = ctx.user()?;
    let posted = Posted(fields);
    let sub = crate::app::notifications::NewSubscription {
        endpoint: posted.get("endpoint").trim(),
        p256dh: posted.get("p256dh").trim(),
        auth: posted.get("auth").trim(),
        device: posted.get("device").trim(),
    };
    match crate::app::notifications::subscribe(
        &state.db,
        user.id,
        &sub,
        &state.settings.push_hosts,
        ctx.who()?,
    )
    .await?
    {
        Ok(_) => Ok(Redirect::to("/akun/notifikasi?pesan=hp-terdaftar").into_response()),
        Err(_) => {
            let page = crate::views::ErrorPage::new(
                422,
                "HP belum terdaftar",
                "Langganan notifikasi dari peramban ini tidak dapat dibaca. Muat ulang halaman lalu coba lagi.",
            );
            unprocessable(&page)
        }
    }
}

/// "Hapus": one of the user's devices stops receiving notifications.
pub async fn remove_device(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let user = ctx.user()?;
    crate::app::notifications::unsubscribe(&state.db, user.id, id, ctx.who()?).await?;
    Ok(Redirect::to("/akun/notifikasi?pesan=hp-dihapus#hp").into_response())
}

/// The service worker, at the root so that it may control every page. It shows pushed
/// notifications with the site's logo and opens their link.
pub async fn service_worker() -> Response {
    let script = include_str!("../../static/sw.js")
        .replace("/favicon.svg", &crate::views::assets::url("logo.svg"));
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "no-cache"),
        ],
        script,
    )
        .into_response()
}

// ---- The WhatsApp Cloud API webhook ----

/// Where Meta posts the delivery statuses (exempt from the CSRF check: signed instead).
pub const WHATSAPP_WEBHOOK: &str = "/webhook/whatsapp";

#[derive(Deserialize, Default)]
pub struct VerifyQuery {
    #[serde(rename = "hub.mode", default)]
    mode: String,
    #[serde(rename = "hub.verify_token", default)]
    verify_token: String,
    #[serde(rename = "hub.challenge", default)]
    challenge: String,
}

/// Registering the webhook: Meta asks with the verify token and expects the challenge back.
pub async fn whatsapp_verify(
    State(state): State<AppState>,
    Query(q): Query<VerifyQuery>,
) -> Response {
    let expected = state.settings.whatsapp_verify_token.trim();
    let ok = q.mode == "subscribe"
        && !expected.is_empty()
        && bool::from(subtle::ConstantTimeEq::ct_eq(
            q.verify_token.as_bytes(),
            expected.as_bytes(),
        ));
    if ok {
        q.challenge.into_response()
    } else {
        axum::http::StatusCode::FORBIDDEN.into_response()
    }
}

/// Whether `signature` (`sha256=<hex>`, the X-Hub-Signature-256 header) is the HMAC-SHA-256 of
/// `body` under the app secret.
pub fn signature_valid(secret: &str, body: &[u8], signature: &str) -> bool {
    use hmac::{Hmac, KeyInit as _, Mac};
    let Some(given) = signature
        .strip_prefix("sha256=")
        .and_then(|h| hex::decode(h.trim()).ok())
    else {
        return false;
    };
    if secret.is_empty() {
        return false;
    }
    let Ok(mut mac) = <Hmac<sha2::Sha256>>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

/// Status reports (sent, delivered, read, failed) for the messages the Cloud API sent. Only a
/// body signed with the app secret is read; anything else is 401 and nothing is stored.
pub async fn whatsapp_webhook(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let signature = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !signature_valid(state.settings.whatsapp_app_secret.trim(), &body, signature) {
        tracing::warn!("whatsapp webhook: missing or wrong signature");
        return Ok(axum::http::StatusCode::UNAUTHORIZED.into_response());
    }
    let Ok(payload) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return Ok(axum::http::StatusCode::BAD_REQUEST.into_response());
    };
    let changed = crate::app::notifications::whatsapp_statuses(&state.db, &payload).await?;
    tracing::debug!(changed, "whatsapp statuses recorded");
    Ok(axum::http::StatusCode::OK.into_response())
}

#[cfg(test)]
mod tests {
    use super::{local_target, signature_valid};

    #[test]
    fn webhook_signatures_are_checked() {
        // HMAC-SHA-256("rahasia", "{}")
        use hmac::{Hmac, KeyInit as _, Mac};
        let mut mac = <Hmac<sha2::Sha256>>::new_from_slice(b"rahasia").unwrap();
        mac.update(b"{}");
        let good = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        assert!(signature_valid("rahasia", b"{}", &good));
        assert!(!signature_valid("lain", b"{}", &good));
        assert!(!signature_valid("rahasia", b"{ }", &good));
        assert!(!signature_valid("rahasia", b"{}", ""));
        assert!(!signature_valid("", b"{}", &good));
    }

    #[test]
    fn only_local_links_are_followed() {
        assert_eq!(local_target("/pesanan/12"), "/pesanan/12");
        assert_eq!(local_target(""), "/notifikasi");
        assert_eq!(local_target("//evil.example"), "/notifikasi");
        assert_eq!(local_target("/\\evil.example"), "/notifikasi");
        assert_eq!(local_target("https://evil.example"), "/notifikasi");
    }
}
