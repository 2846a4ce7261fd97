//! Notifications: the in-app list and badge, and the outbox that delivers messages for people
//! outside the app (a failing sender loses nothing; real SMTP; the admin's outbox page).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use karya::config::Backend;
use karya::db::notifications::{self as store, Channel, Notice, OutboxRow};
use karya::outbox::{self, Delivery, LEASE_SECS, MAX_ATTEMPTS, SendError, Sender};
use reqwest::StatusCode;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::Mutex;

use crate::helpers::{TestApp, spawn_with};
use crate::{both, both_with};

both!(
    in_app_notifications_show_in_the_badge_and_the_list,
    only_the_owner_opens_a_notification,
    the_list_is_paginated,
);

// The outbox tests drive the sender step by step at instants of their choosing: the app runs
// no background job (its own sender, or a job queuing rows after the demo's were drained).
both_with!(
    |s: &mut karya::config::Settings| s.background_jobs = false;
    outbox_survives_a_failing_sender,
    outbox_rows_are_claimed_once_and_leases_expire,
    whatsapp_rows_become_handoffs_on_the_order,
    admin_sees_failed_rows_and_retries_them
);

async fn id_of(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(app.db.pool())
        .await
        .expect("user")
}

/// Creates in-app notifications the way other areas do: `notify_user` in a transaction.
async fn notify(app: &TestApp, user: i64, title: &str, link: &str) -> i64 {
    let mut tx = app.db.begin().await.expect("begin");
    let id = store::notify_user(
        &mut tx,
        user,
        &Notice {
            title,
            body: "Rincian pemberitahuan.",
            link,
        },
    )
    .await
    .expect("notify");
    tx.commit().await.expect("commit");
    id
}

async fn enqueue(
    app: &TestApp,
    channel: Channel,
    to: &str,
    subject: &str,
    order: Option<i64>,
) -> i64 {
    let mut tx = app.db.begin().await.expect("begin");
    let id = store::enqueue(
        &mut tx,
        channel,
        to,
        subject,
        "Ada pesanan baru untuk Anda.",
        order,
    )
    .await
    .expect("enqueue");
    tx.commit().await.expect("commit");
    id
}

/// Hands off the demo district's own outbox rows (its orders' WhatsApp messages), so that an
/// outbox test sees only the rows it writes.
async fn drain_demo_outbox(app: &TestApp) {
    // Each step takes one batch; repeat until a step finds nothing due.
    for _ in 0..100 {
        let step = outbox::deliver_due(&app.db, &Working::default(), karya::db::now())
            .await
            .expect("demo rows handed off");
        if step.handed_off + step.sent + step.retrying + step.failed == 0 {
            return;
        }
    }
    panic!("the demo outbox did not drain");
}

async fn outbox_state(app: &TestApp, id: i64) -> (String, i64, i64, String) {
    sqlx::query_as("SELECT status, attempts, next_attempt_at, last_error FROM outbox WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("outbox row")
}

async fn in_app_notifications_show_in_the_badge_and_the_list(app: TestApp) {
    let alumni = id_of(&app, "alumni").await;
    let v = app.signed_in("alumni").await;
    // The demo's own notifications read first; then no badge.
    v.post("/notifikasi/baca-semua", &[])
        .await
        .assert_redirect_to("/notifikasi");
    let page = v.get("/dasbor").await;
    assert!(page.contains("href=\"/notifikasi\""));
    assert!(!page.contains("notifikasi belum dibaca"));

    let first = notify(&app, alumni, "Pesanan baru: Kue ulang tahun", "/dasbor").await;
    notify(&app, alumni, "Pembeli mengirim pesan", "/dasbor").await;
    notify(&app, alumni, "Pesanan selesai", "/akun/sandi").await;

    let page = v.get("/dasbor").await;
    assert!(page.contains("3 notifikasi belum dibaca"), "{}", page.body);
    assert_eq!(page.text_of(".nav .badge"), "3");

    let page = v.get("/notifikasi").await;
    assert_eq!(page.status, StatusCode::OK);
    let titles = page.text_of(".note-title");
    let newest = titles.find("Pesanan selesai").expect("newest listed");
    let oldest = titles.find("Kue ulang tahun").expect("oldest listed");
    assert!(newest < oldest, "newest first: {titles}");
    assert_eq!(
        page.text_of(".note.unread .note-title")
            .matches("Belum dibaca")
            .count(),
        3
    );

    // Opening one marks it read and follows its link.
    let opened = v.post(&format!("/notifikasi/{first}/baca"), &[]).await;
    opened.assert_redirect_to("/dasbor");
    let read_at: Option<i64> =
        sqlx::query_scalar("SELECT read_at FROM notifications WHERE id = $1")
            .bind(first)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(read_at.is_some());
    let page = v.get("/notifikasi").await;
    assert!(page.contains("2 notifikasi belum dibaca"));
    assert_eq!(
        page.text_of(".note.unread").matches("Belum dibaca").count(),
        2
    );
    assert!(!page.text_of(".note.unread").contains("Kue ulang tahun"));
    assert!(
        page.text_of(".note").contains("Kue ulang tahun"),
        "read ones stay listed"
    );

    // Opening it again is harmless; "tandai semua dibaca" clears the badge.
    v.post(&format!("/notifikasi/{first}/baca"), &[])
        .await
        .assert_redirect_to("/dasbor");
    v.post("/notifikasi/baca-semua", &[])
        .await
        .assert_redirect_to("/notifikasi");
    let page = v.get("/notifikasi?pesan=dibaca").await;
    assert!(!page.contains("notifikasi belum dibaca"));
    assert!(page.text_of(".nav .badge").is_empty());
    assert!(page.contains("Semua notifikasi ditandai sudah dibaca."));
    assert_eq!(
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL"
        )
        .bind(alumni)
        .fetch_one(app.db.pool())
        .await
        .expect("count"),
        0
    );
}

async fn only_the_owner_opens_a_notification(app: TestApp) {
    let alumni = id_of(&app, "alumni").await;
    let note = notify(&app, alumni, "Rahasia usaha alumni", "/dasbor").await;
    let odd = notify(&app, alumni, "Tautan keluar", "https://contoh.example/x").await;
    let buyer = app.signed_in("pembeli").await;
    // The buyer's own demo notifications read first.
    buyer
        .post("/notifikasi/baca-semua", &[])
        .await
        .assert_redirect_to("/notifikasi");
    let page = buyer.post(&format!("/notifikasi/{note}/baca"), &[]).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!page.contains("Rahasia usaha alumni"));
    let page = buyer.get("/notifikasi").await;
    assert!(!page.contains("Rahasia usaha alumni"));
    assert!(!page.contains("notifikasi belum dibaca"));
    assert_eq!(
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM notifications WHERE id IN ($1, $2) AND read_at IS NOT NULL"
        )
        .bind(note)
        .bind(odd)
        .fetch_one(app.db.pool())
        .await
        .expect("count"),
        0,
        "nothing was marked read"
    );
    assert_eq!(
        buyer.post("/notifikasi/999999/baca", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    // A link leaving the site is not followed.
    let alumni_v = app.signed_in("alumni").await;
    alumni_v
        .post(&format!("/notifikasi/{odd}/baca"), &[])
        .await
        .assert_redirect_to("/notifikasi");
}

async fn the_list_is_paginated(app: TestApp) {
    let admin = id_of(&app, "admin").await;
    // Only the notifications written here (the demo's capital news is the admin's too).
    sqlx::query("DELETE FROM notifications WHERE user_id = $1")
        .bind(admin)
        .execute(app.db.pool())
        .await
        .unwrap();
    for i in 1..=55 {
        notify(
            &app,
            admin,
            &format!("Pemberitahuan nomor {i:02}"),
            "/dasbor",
        )
        .await;
    }
    let v = app.signed_in("admin").await;
    let page = v.get("/notifikasi").await;
    assert_eq!(page.body.matches("class=\"note unread\"").count(), 50);
    assert!(page.contains("Pemberitahuan nomor 55"));
    assert!(!page.contains("Pemberitahuan nomor 05"));
    assert!(page.contains("Halaman 1 dari 2"));
    assert!(page.contains("55 notifikasi belum dibaca"));
    let page = v.get("/notifikasi?halaman=2").await;
    assert_eq!(page.body.matches("class=\"note unread\"").count(), 5);
    assert!(page.contains("Pemberitahuan nomor 01"));
}

/// A sender that fails every time (the SMTP server is down), counting calls.
#[derive(Default)]
struct Failing(AtomicUsize);

impl Sender for Failing {
    async fn send(&self, _row: &OutboxRow) -> Result<(), SendError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Err(SendError::transient("koneksi ke server SMTP ditolak"))
    }
}

/// A sender that works, recording what it delivered (optionally slowly).
#[derive(Default)]
struct Working {
    sent: std::sync::Mutex<Vec<i64>>,
    delay_ms: u64,
}

impl Sender for Working {
    async fn send(&self, row: &OutboxRow) -> Result<(), SendError> {
        if self.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(self.delay_ms)).await;
        }
        self.sent.lock().unwrap().push(row.id);
        Ok(())
    }
}

async fn outbox_survives_a_failing_sender(app: TestApp) {
    drain_demo_outbox(&app).await;
    let id = enqueue(
        &app,
        Channel::Email,
        "siti@example.id",
        "Pesanan baru #1",
        None,
    )
    .await;
    let t0 = karya::db::now();
    let failing = Failing::default();
    let step = outbox::deliver_due(&app.db, &failing, t0).await.unwrap();
    assert_eq!(step.retrying, 1);
    assert_eq!(failing.0.load(Ordering::SeqCst), 1);
    let (status, attempts, next, error) = outbox_state(&app, id).await;
    assert_eq!((status.as_str(), attempts), ("pending", 1));
    assert_eq!(next, t0 + 60, "retried after a minute");
    assert!(error.contains("ditolak"));

    // Not due yet: nothing happens, even with a working sender.
    let working = Working::default();
    let step = outbox::deliver_due(&app.db, &working, t0 + 30)
        .await
        .unwrap();
    assert_eq!(step, Delivery::default());
    // A second failure doubles the wait.
    outbox::deliver_due(&app.db, &failing, t0 + 60)
        .await
        .unwrap();
    let (status, attempts, next, _) = outbox_state(&app, id).await;
    assert_eq!(
        (status.as_str(), attempts, next),
        ("pending", 2, t0 + 60 + 120)
    );

    // The working sender delivers it once, when due, and never again.
    let step = outbox::deliver_due(&app.db, &working, t0 + 180)
        .await
        .unwrap();
    assert_eq!(step.sent, 1);
    for later in [t0 + 181, t0 + 100_000] {
        outbox::deliver_due(&app.db, &working, later).await.unwrap();
    }
    assert_eq!(*working.sent.lock().unwrap(), vec![id]);
    let (status, attempts, _, error) = outbox_state(&app, id).await;
    assert_eq!((status.as_str(), attempts, error.as_str()), ("sent", 3, ""));
    assert_eq!(
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM outbox WHERE channel = 'email' AND sent_at IS NOT NULL"
        )
        .fetch_one(app.db.pool())
        .await
        .expect("count"),
        1
    );
}

async fn outbox_rows_are_claimed_once_and_leases_expire(app: TestApp) {
    drain_demo_outbox(&app).await;
    let id = enqueue(
        &app,
        Channel::Email,
        "budi@example.id",
        "Pesanan diterima",
        None,
    )
    .await;
    let now = karya::db::now();
    // Two senders (two instances) run at once: the message goes out exactly once.
    let sender = Arc::new(Working {
        delay_ms: 200,
        ..Default::default()
    });
    let (a, b) = tokio::join!(
        outbox::deliver_due(&app.db, sender.as_ref(), now),
        outbox::deliver_due(&app.db, sender.as_ref(), now)
    );
    assert_eq!(a.unwrap().sent + b.unwrap().sent, 1);
    assert_eq!(*sender.sent.lock().unwrap(), vec![id]);

    // An instance claims a row and dies mid-send: after the lease the row is due again.
    let id = enqueue(
        &app,
        Channel::Email,
        "budi@example.id",
        "Pesanan dikirim",
        None,
    )
    .await;
    let now = karya::db::now();
    assert!(
        store::claim(&app.db, id, 0, now, now + LEASE_SECS)
            .await
            .unwrap()
    );
    assert!(
        !store::claim(&app.db, id, 0, now, now + LEASE_SECS)
            .await
            .unwrap()
    );
    let working = Working::default();
    let step = outbox::deliver_due(&app.db, &working, now + 10)
        .await
        .unwrap();
    assert_eq!(step.sent, 0, "still leased");
    let step = outbox::deliver_due(&app.db, &working, now + LEASE_SECS)
        .await
        .unwrap();
    assert_eq!(step.sent, 1);
    let (status, attempts, _, _) = outbox_state(&app, id).await;
    assert_eq!((status.as_str(), attempts), ("sent", 2));
    // The dead instance's late report changes nothing.
    assert!(!store::mark_sent(&app.db, id, 1, now).await.unwrap());
}

async fn whatsapp_rows_become_handoffs_on_the_order(app: TestApp) {
    drain_demo_outbox(&app).await;
    let business = app.scalar("SELECT MIN(id) FROM businesses").await;
    let now = karya::db::now();
    let order: i64 = sqlx::query_scalar(
        "INSERT INTO orders (business_id, buyer_name, buyer_phone, fulfilment, needed_on, \
         idempotency_key, created_at, updated_at) \
         VALUES ($1, 'Rina', '+6281234567890', 'pickup', '2026-12-01', 'uji-handoff', $2, $2) \
         RETURNING id",
    )
    .bind(business)
    .bind(now)
    .fetch_one(app.db.pool())
    .await
    .expect("order");
    let id = enqueue(
        &app,
        Channel::WhatsApp,
        "+6281234567890",
        "Pesanan diterima",
        Some(order),
    )
    .await;
    // Visible before the loop reaches it, and after.
    let handoffs = store::handoffs_for_order(&app.db, order).await.unwrap();
    assert_eq!(handoffs.len(), 1);
    // A sender that fails is never asked: WhatsApp rows are not sent by a machine.
    let failing = Failing::default();
    outbox::deliver_due(&app.db, &failing, now).await.unwrap();
    assert_eq!(failing.0.load(Ordering::SeqCst), 0);
    assert_eq!(outbox_state(&app, id).await.0, "handoff");
    let handoffs = store::handoffs_for_order(&app.db, order).await.unwrap();
    assert_eq!(handoffs.len(), 1);
    let h = &handoffs[0];
    assert_eq!(h.recipient, "+6281234567890");
    assert_eq!(h.body, "Ada pesanan baru untuk Anda.");
    assert_eq!(
        h.link,
        "https://wa.me/6281234567890?text=Ada%20pesanan%20baru%20untuk%20Anda."
    );
    assert!(
        store::handoffs_for_order(&app.db, order + 1000)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn admin_sees_failed_rows_and_retries_them(app: TestApp) {
    drain_demo_outbox(&app).await;
    let id = enqueue(
        &app,
        Channel::Email,
        "dinas@example.go.id",
        "Tagihan pesanan #7",
        None,
    )
    .await;
    let failing = Failing::default();
    let mut now = karya::db::now();
    for attempt in 1..=MAX_ATTEMPTS {
        let step = outbox::deliver_due(&app.db, &failing, now).await.unwrap();
        assert_eq!(step.sent, 0);
        let (status, attempts, next, _) = outbox_state(&app, id).await;
        assert_eq!(attempts, attempt);
        if attempt < MAX_ATTEMPTS {
            assert_eq!(status, "pending");
            now = next;
        } else {
            assert_eq!(status, "failed", "given up after {MAX_ATTEMPTS} attempts");
        }
    }
    // Given up, yet kept: no more attempts, the row is there for the admin.
    outbox::deliver_due(&app.db, &failing, now + 10_000_000)
        .await
        .unwrap();
    assert_eq!(failing.0.load(Ordering::SeqCst), MAX_ATTEMPTS as usize);

    let admin = app.signed_in("admin").await;
    let page = admin.get("/admin/kotak-keluar").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.contains("Tagihan pesanan #7"));
    assert!(page.contains("dinas@example.go.id"));
    assert!(page.contains("koneksi ke server SMTP ditolak"));
    assert!(page.text_of(".outbox .tag").contains("Gagal"));

    let page = admin
        .post(&format!("/admin/kotak-keluar/{id}/kirim-ulang"), &[])
        .await;
    page.assert_redirect_to("/admin/kotak-keluar?pesan=dikirim-ulang");
    let (status, attempts, next, _) = outbox_state(&app, id).await;
    assert_eq!((status.as_str(), attempts), ("pending", 0));
    assert!(next <= karya::db::now());
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'outbox.retry'")
            .await,
        1
    );
    let working = Working::default();
    let step = outbox::deliver_due(&app.db, &working, karya::db::now())
        .await
        .unwrap();
    assert_eq!(step.sent, 1);
    assert_eq!(outbox_state(&app, id).await.0, "sent");
    let page = admin.get("/admin/kotak-keluar").await;
    assert!(!page.contains("Tagihan pesanan #7"));
    // A delivered row cannot be sent again; an unknown one is 404.
    admin
        .post(&format!("/admin/kotak-keluar/{id}/kirim-ulang"), &[])
        .await
        .assert_redirect_to("/admin/kotak-keluar?pesan=tidak-bisa");
    assert_eq!(
        admin
            .post("/admin/kotak-keluar/999999/kirim-ulang", &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

// ---- Real SMTP: the server's own sender loop talking to a tiny SMTP server ----

/// Accepts SMTP sessions and records each message's DATA.
async fn fake_smtp() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().unwrap().port();
    let messages = Arc::new(Mutex::new(Vec::new()));
    let store = messages.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 uji ESMTP\r\n").await;
                while let Ok(Some(line)) = lines.next_line().await {
                    let command = line.to_ascii_uppercase();
                    let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO")
                    {
                        b"250 uji\r\n"
                    } else if command.starts_with("DATA") {
                        let _ = write.write_all(b"354 lanjut\r\n").await;
                        let mut data = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            data.push_str(&l);
                            data.push('\n');
                        }
                        store.lock().await.push(data);
                        b"250 diterima\r\n"
                    } else if command.starts_with("QUIT") {
                        let _ = write.write_all(b"221 sampai jumpa\r\n").await;
                        break;
                    } else {
                        b"250 OK\r\n"
                    };
                    let _ = write.write_all(reply).await;
                }
            });
        }
    });
    (port, messages)
}

async fn smtp_delivers(backend: Backend) {
    let (port, messages) = fake_smtp().await;
    let app = spawn_with(backend, |s| {
        s.smtp_url = format!("smtp://127.0.0.1:{port}");
        s.smtp_from = "Karya Tanjabtim <karya@example.go.id>".into();
    })
    .await
    .expect("app: KARYA_TEST_POSTGRES_URL not set");
    let id = enqueue(
        &app,
        Channel::Email,
        "siti@example.id",
        "Pesanan baru #12",
        None,
    )
    .await;
    // The sender loop started with the server delivers it within a few seconds.
    let mut status = String::new();
    for _ in 0..100 {
        status = outbox_state(&app, id).await.0;
        if status == "sent" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, "sent");
    let got = messages.lock().await.clone();
    assert_eq!(got.len(), 1, "exactly one message: {got:?}");
    assert!(got[0].contains("Subject: Pesanan baru #12"), "{}", got[0]);
    assert!(got[0].contains("To: siti@example.id"), "{}", got[0]);
    assert!(got[0].contains("karya@example.go.id"), "{}", got[0]);
    assert!(
        got[0].contains("Ada pesanan baru untuk Anda."),
        "{}",
        got[0]
    );

    // An SMTP server that is down: the row waits with its error, nothing is lost.
    let refused = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_port = refused.local_addr().unwrap().port();
    drop(refused);
    let dead = outbox::SmtpSender::new(
        &format!("smtp://127.0.0.1:{dead_port}"),
        "karya@example.go.id",
    )
    .unwrap();
    let id = enqueue(
        &app,
        Channel::Email,
        "budi@example.id",
        "Pesanan batal",
        None,
    )
    .await;
    // Claim it before the server's own loop can (its SMTP works): due only far in the future.
    sqlx::query("UPDATE outbox SET next_attempt_at = $2 WHERE id = $1")
        .bind(id)
        .bind(karya::db::now() + 1_000_000)
        .execute(app.db.pool())
        .await
        .unwrap();
    let step = outbox::deliver_due(&app.db, &dead, karya::db::now() + 1_000_000)
        .await
        .unwrap();
    assert_eq!(step.retrying, 1);
    let (status, attempts, _, error) = outbox_state(&app, id).await;
    assert_eq!((status.as_str(), attempts), ("pending", 1));
    assert!(!error.is_empty());
}

mod smtp_delivers {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::smtp_delivers(karya::config::Backend::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[cfg_attr(not(karya_test_postgres), ignore = "KARYA_TEST_POSTGRES_URL not set")]
    async fn postgres() {
        super::smtp_delivers(karya::config::Backend::Postgres).await;
    }
}
