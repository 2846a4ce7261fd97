//! The demo's notifications beyond the app (issue 15 §1): Siti (`alumni`) with her channel
//! preferences and quiet hours (21:00–06:00 WIB), two phones registered for push (one that the
//! push service has since dropped), and recent notifications whose deliveries stand in every
//! status: sent, delivered and read on WhatsApp, failed with the reason, waiting for a retry and
//! waiting for the quiet hours to end. Made through the use cases and the outbox's own storage
//! steps (claim, sent with the wamid, the webhook's status reports, the quiet-hours hold), as
//! if a WhatsApp Cloud API account had been configured for them; no message leaves (the demo
//! phones' endpoints are on the local discard port, so a live demo's pushes fail at once).

use crate::app::notifications as uc;
use crate::db::audit::Who;
use crate::db::notifications::{self as store, Fanout, Notice};
use crate::db::{Db, DbError, DbResult, now};
use crate::domain::reach::{Preferences, QuietHours, TimeOfDay};
use crate::outbox::{LEASE_SECS, backoff_secs};

fn internal(e: impl std::fmt::Display) -> DbError {
    DbError::Other(e.to_string())
}

/// A browser's P-256 public key and auth secret as it would post them (fixed, for the demo).
fn keys(seed: u8) -> (String, String) {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use web_push_native::p256::SecretKey;
    use web_push_native::p256::elliptic_curve::sec1::ToEncodedPoint;
    let secret = SecretKey::from_slice(&[seed; 32]).expect("a small repeated byte is a scalar");
    (
        URL_SAFE_NO_PAD.encode(secret.public_key().to_encoded_point(false).as_bytes()),
        URL_SAFE_NO_PAD.encode([seed; 16]),
    )
}

/// The row of a notification on a channel.
async fn row_of(db: &Db, notification: i64, channel: &str) -> DbResult<Option<store::OutboxRow>> {
    Ok(store::deliveries_of(db, &[notification])
        .await?
        .into_iter()
        .find(|r| r.channel == channel))
}

/// The outbox's steps for one row: claimed, then sent (with a wamid for WhatsApp).
async fn send(db: &Db, row: &store::OutboxRow, at: i64) -> DbResult<()> {
    store::claim(db, row.id, row.attempts, at, at + LEASE_SECS).await?;
    let wamid = (row.channel == "whatsapp").then(|| format!("wamid.DEMO{}", row.id));
    store::mark_sent_as(db, row.id, row.attempts + 1, at, wamid.as_deref()).await?;
    Ok(())
}

/// A status report as the webhook receives it, through the webhook's use case.
async fn report(db: &Db, row: &store::OutboxRow, status: &str) -> DbResult<()> {
    let payload = serde_json::json!({ "entry": [{ "changes": [{ "value": { "statuses": [{
        "id": format!("wamid.DEMO{}", row.id),
        "status": status,
        "errors": [{ "code": 131026, "title": "Nomor tidak aktif di WhatsApp" }],
    }] } }] }] });
    uc::whatsapp_statuses(db, &payload)
        .await
        .map_err(internal)?;
    Ok(())
}

pub async fn seed(db: &Db, siti: Option<i64>) -> DbResult<()> {
    let Some(siti) = siti else {
        return Ok(());
    };
    let who = Who {
        id: Some(siti),
        label: "alumni",
        ip: "demo",
    };
    let at = now();
    // Her phones: the one in her hand, and an old one the push service no longer knows.
    for (seed, endpoint, device) in [
        (
            3u8,
            "https://127.0.0.1:9/push/demo/siti-hp-lama",
            "Xiaomi Redmi 9A · Chrome",
        ),
        (
            5u8,
            "https://127.0.0.1:9/push/demo/siti-a14",
            "Samsung Galaxy A14 · Chrome",
        ),
    ] {
        let (p256dh, auth) = keys(seed);
        let sub = uc::NewSubscription {
            endpoint,
            p256dh: &p256dh,
            auth: &auth,
            device,
        };
        // The demo's phones sit on the loopback, so a live demo's pushes fail at once.
        uc::subscribe(db, siti, &sub, &["127.0.0.1".to_owned()], who)
            .await
            .map_err(internal)?
            .map_err(|e| internal(format!("{e:?}")))?;
    }
    // As if the agency had configured the WhatsApp Cloud API: her notifications fan out to it.
    let reach = db.clone().with_fanout(Fanout {
        base_url: db.fanout().base_url.clone(),
        email: false,
        whatsapp: true,
    });
    let notes = [
        (
            "Pengingat: 2 pesanan menunggu jawaban Anda",
            "Pesanan Kue ulang tahun dan Bolu pandan belum Anda jawab.",
            "/usaha/pesanan",
        ),
        (
            "Pembayaran pesanan tercatat",
            "Pembeli mencatat pembayaran Rp185.000. Periksa lalu konfirmasi.",
            "/usaha/pesanan",
        ),
        (
            "Penawaran pekerjaan dari Sekretariat Daerah",
            "Snack box untuk rapat, 40 kotak. Jawab sebelum batas waktu di halaman pengadaan.",
            "/pengadaan",
        ),
        (
            "Pengingat angsuran KUR Super Mikro",
            "Laporkan angsuran bulan ini di halaman permodalan Anda.",
            "/akun/permodalan",
        ),
    ];
    let mut ids = Vec::new();
    for (n, (title, body, link)) in notes.into_iter().enumerate() {
        let mut tx = reach.begin().await?;
        let id = store::notify_user(&mut tx, siti, &Notice { title, body, link }).await?;
        tx.commit().await?;
        ids.push(id);
        if n == 0 {
            // The old phone answers 410 to the first push: it is disabled, and skipped since.
            if let Some(old) = store::deliveries_of(db, &[id])
                .await?
                .into_iter()
                .find(|r| r.recipient.ends_with("siti-hp-lama"))
            {
                store::claim(db, old.id, 0, at, at + LEASE_SECS).await?;
                let why = "perangkat tidak lagi berlangganan (HTTP 410)";
                store::mark_attempt_failed(db, old.id, 1, why, None).await?;
                store::disable_subscription(db, &old.recipient, why, at).await?;
            }
        }
    }
    let [read, delivered, failed, quiet] = ids[..] else {
        return Ok(());
    };
    for (id, whatsapp) in [(read, "read"), (delivered, "delivered"), (failed, "failed")] {
        if let Some(push) = store::deliveries_of(db, &[id])
            .await?
            .into_iter()
            .find(|r| r.recipient.ends_with("siti-a14"))
        {
            if id == failed {
                // The push service was busy: tried once, to be tried again.
                store::claim(db, push.id, 0, at, at + LEASE_SECS).await?;
                let retry = at + backoff_secs(1);
                store::mark_attempt_failed(
                    db,
                    push.id,
                    1,
                    "layanan push sibuk (HTTP 503)",
                    Some(retry),
                )
                .await?;
            } else {
                send(db, &push, at).await?;
            }
        }
        if let Some(row) = row_of(db, id, "whatsapp").await? {
            send(db, &row, at).await?;
            if whatsapp == "read" {
                report(db, &row, "delivered").await?;
            }
            report(db, &row, whatsapp).await?;
        }
    }
    // Her quiet hours, 21:00–06:00: the last notification's phone messages wait for 06:00.
    let night = QuietHours::new(
        TimeOfDay::parse("21:00").map_err(internal)?,
        TimeOfDay::parse("06:00").map_err(internal)?,
    )
    .map_err(internal)?;
    let prefs = Preferences {
        push: true,
        whatsapp: true,
        email: true,
        quiet: Some(night),
    };
    uc::save_preferences(db, siti, &prefs, who)
        .await
        .map_err(internal)?;
    let morning = {
        // The next 06:00 WIB: the end of tonight's quiet hours (or of the current ones).
        let next_night = (at..at + 86_400)
            .step_by(3600)
            .find(|t| night.contains(*t))
            .unwrap_or(at);
        night.release_at(next_night)
    };
    for r in store::deliveries_of(db, &[quiet]).await? {
        if r.status == "pending" {
            store::hold_for_quiet(db, r.id, r.attempts, morning).await?;
        }
    }
    Ok(())
}
