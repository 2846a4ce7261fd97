//! Notifications that reach the phone (issue 15 §1): Web Push to a fake push service (VAPID
//! signature, aes128gcm payload decrypted with the browser's key), the WhatsApp Cloud API
//! against a fake of its HTTP interface (templates, wamid, retries, the signed status webhook),
//! per-user channel preferences and quiet hours. The sender runs step by step at chosen
//! instants: the app runs no background job.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus, Uri};
use axum::response::IntoResponse;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use karya::db::notifications::{self as store, Notice};
use karya::outbox::{self, CloudConfig, Mailer, Outbound, PushSender, WhatsAppCloud};
use reqwest::StatusCode;
use web_push_native::p256::SecretKey;
use web_push_native::p256::elliptic_curve::sec1::ToEncodedPoint;

use crate::both_with;
use crate::helpers::{TestApp, Visitor};

// The fake push service listens on the loopback over http: the tests list it as a push host.
both_with!(
    |s: &mut karya::config::Settings| {
        s.background_jobs = false;
        s.push_hosts = vec!["127.0.0.1".into()];
    };
    push_goes_out_once_signed_and_encrypted,
    push_is_retried_and_a_gone_subscription_is_disabled,
);

both_with!(
    |s: &mut karya::config::Settings| {
        s.background_jobs = false;
        s.push_hosts = vec!["127.0.0.1".into()];
        s.whatsapp_token = "token-uji".into();
        s.whatsapp_phone_number_id = "1234567890".into();
        s.whatsapp_app_secret = "rahasia-aplikasi".into();
        s.whatsapp_verify_token = "cocokkan-saya".into();
    };
    whatsapp_templates_go_out_and_report_their_status,
    preferences_and_quiet_hours_decide_the_rows,
);

/// One request the fake received.
#[derive(Clone, Debug)]
struct Seen {
    path: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// A fake push service and WhatsApp Cloud API in one: records each request and answers with
/// the next queued status (201 for push, 200 for WhatsApp when none is queued).
#[derive(Default)]
struct Fake {
    seen: Mutex<Vec<Seen>>,
    statuses: Mutex<VecDeque<u16>>,
}

impl Fake {
    fn queue(&self, statuses: &[u16]) {
        self.statuses.lock().unwrap().extend(statuses);
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// The WhatsApp calls about one notification (by its title in the template).
    fn whatsapp_about(&self, title: &str) -> Vec<Seen> {
        self.seen()
            .into_iter()
            .filter(|s| s.path.ends_with("/messages"))
            .filter(|s| String::from_utf8_lossy(&s.body).contains(title))
            .collect()
    }

    /// The pushes to one endpoint path.
    fn pushes_to(&self, path: &str) -> usize {
        self.seen().iter().filter(|s| s.path == path).count()
    }
}

/// Hands off the demo district's waiting WhatsApp rows, so that a step sees only what the test
/// writes (the demo's own push rows go to its own devices, never to the fake).
async fn drain_demo(app: &TestApp) {
    for _ in 0..100 {
        let step = outbox::deliver_due(&app.db, &Mailer::Off, karya::db::now())
            .await
            .expect("demo rows handed off");
        if step.handed_off + step.sent + step.retrying + step.failed + step.held == 0 {
            return;
        }
    }
    panic!("the demo outbox did not drain");
}

async fn fake_handler(
    State(fake): State<Arc<Fake>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> axum::response::Response {
    let path = uri.path().to_owned();
    let whatsapp = path.ends_with("/messages");
    let n = {
        let mut seen = fake.seen.lock().unwrap();
        seen.push(Seen {
            path,
            headers,
            body: body.to_vec(),
        });
        seen.len()
    };
    let status = fake
        .statuses
        .lock()
        .unwrap()
        .pop_front()
        .unwrap_or(if whatsapp { 200 } else { 201 });
    let status = AxumStatus::from_u16(status).unwrap();
    if whatsapp && status.is_success() {
        let reply = serde_json::json!({
            "messaging_product": "whatsapp",
            "contacts": [{ "input": "6281234567890", "wa_id": "6281234567890" }],
            "messages": [{ "id": format!("wamid.UJI{n}") }],
        });
        return (status, axum::Json(reply)).into_response();
    }
    if whatsapp {
        let reply = serde_json::json!({ "error": { "message": "Service temporarily unavailable", "code": 2 } });
        return (status, axum::Json(reply)).into_response();
    }
    status.into_response()
}

/// Starts the fake on a free port; returns its base URL.
async fn spawn_fake() -> (String, Arc<Fake>) {
    let fake = Arc::new(Fake::default());
    let app = axum::Router::new()
        .fallback(fake_handler)
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (base, fake)
}

/// A browser's push keys: its P-256 key pair and auth secret.
struct BrowserKeys {
    secret: SecretKey,
    auth: [u8; 16],
}

impl BrowserKeys {
    fn new(seed: u8) -> BrowserKeys {
        BrowserKeys {
            secret: SecretKey::from_slice(&[seed; 32]).expect("scalar"),
            auth: [seed.wrapping_add(1); 16],
        }
    }

    fn p256dh(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.secret.public_key().to_encoded_point(false).as_bytes())
    }

    fn auth(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.auth)
    }
}

/// Registers a device for the signed-in visitor the way the page's script does.
async fn subscribe(v: &Visitor, endpoint: &str, keys: &BrowserKeys) {
    v.post(
        "/akun/notifikasi/perangkat",
        &[
            ("endpoint", endpoint),
            ("p256dh", &keys.p256dh()),
            ("auth", &keys.auth()),
            ("device", "Samsung Galaxy A14 · Chrome"),
        ],
    )
    .await
    .assert_redirect_to("/akun/notifikasi?pesan=hp-terdaftar");
}

async fn id_of(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(app.db.pool())
        .await
        .expect("user")
}

/// A notification made as every area makes them: `notify_user` in a transaction.
async fn notify(app: &TestApp, user: i64, title: &str) -> i64 {
    let mut tx = app.db.begin().await.expect("begin");
    let id = store::notify_user(
        &mut tx,
        user,
        &Notice {
            title,
            body: "Pesanan Kue ulang tahun, Rp250.000, menunggu jawaban Anda.",
            link: "/pesanan/1",
        },
    )
    .await
    .expect("notify");
    tx.commit().await.expect("commit");
    id
}

/// The outbox rows of a notification: (channel, recipient, status, attempts, next attempt,
/// quiet until, provider id, last error).
type Row = (
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    Option<String>,
    String,
);

async fn rows_of(app: &TestApp, notification: i64) -> Vec<Row> {
    sqlx::query_as(
        "SELECT channel, recipient, status, attempts, next_attempt_at, quiet_until, provider_id, \
         last_error FROM outbox WHERE notification_id = $1 ORDER BY channel, id",
    )
    .bind(notification)
    .fetch_all(app.db.pool())
    .await
    .expect("rows")
}

fn vapid_key(app: &TestApp) -> [u8; 32] {
    let secrets = karya::secrets::Secrets::load_or_create(&app.settings.data_dir).expect("secrets");
    karya::secrets::vapid_private_key(&secrets.data_key)
}

/// The server's own sender, with the WhatsApp Cloud API pointed at the fake.
fn sender(app: &TestApp, whatsapp_api: Option<&str>) -> Outbound {
    Outbound {
        mailer: Mailer::Off,
        push: Some(PushSender::new(&vapid_key(app), "mailto:uji@example.id").expect("push")),
        whatsapp: whatsapp_api.map(|api| {
            WhatsAppCloud::new(CloudConfig {
                api_url: format!("{api}/v21.0"),
                phone_number_id: "1234567890".into(),
                token: "token-uji".into(),
                template: "karya_notifikasi".into(),
                language: "id".into(),
            })
            .expect("whatsapp")
        }),
    }
}

/// The `data-vapid` public key the preferences page hands to the page's script.
fn page_vapid(page: &crate::helpers::Page) -> String {
    let start = page
        .body
        .find("data-vapid=\"")
        .expect("vapid key on the page")
        + 12;
    page.body[start..]
        .split('"')
        .next()
        .expect("key")
        .to_owned()
}

/// The `/notifikasi` entry of a notification, as text.
async fn entry_text(v: &Visitor, title: &str) -> String {
    let page = v.get("/notifikasi").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = scraper::Html::parse_document(&page.body);
    let note = scraper::Selector::parse("li.note").unwrap();
    html.select(&note)
        .map(|n| n.text().collect::<Vec<_>>().join(" "))
        .find(|t| t.contains(title))
        .unwrap_or_else(|| panic!("{title} listed on /notifikasi"))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

async fn push_goes_out_once_signed_and_encrypted(app: TestApp) {
    let (fake_url, fake) = spawn_fake().await;
    drain_demo(&app).await;
    let buyer = id_of(&app, "pembeli").await;
    let v = app.signed_in("pembeli").await;
    let keys = BrowserKeys::new(7);
    let endpoint = format!("{fake_url}/push/siti-a14");
    // Only the listed push services: an address of the caller's choosing is refused, unstored.
    let before = app.scalar("SELECT COUNT(*) FROM push_subscriptions").await;
    for elsewhere in [
        "https://10.0.0.5/push/x",
        "http://192.168.1.1:8080/push/x",
        "https://fcm.googleapis.com.evil.example/push/x",
    ] {
        let page = v
            .post(
                "/akun/notifikasi/perangkat",
                &[
                    ("endpoint", elsewhere),
                    ("p256dh", &keys.p256dh()),
                    ("auth", &keys.auth()),
                    ("device", "HP"),
                ],
            )
            .await;
        assert_eq!(
            page.status,
            reqwest::StatusCode::UNPROCESSABLE_ENTITY,
            "{elsewhere}"
        );
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM push_subscriptions").await,
        before
    );
    subscribe(&v, &endpoint, &keys).await;
    let page = v.get("/akun/notifikasi").await;
    assert!(
        page.contains("Samsung Galaxy A14 · Chrome"),
        "the device is listed"
    );
    let served_key = page_vapid(&page);

    let note = notify(&app, buyer, "Pesanan baru #501").await;
    let rows = rows_of(&app, note).await;
    assert_eq!(
        rows.len(),
        1,
        "one push row, nothing else configured: {rows:?}"
    );
    assert_eq!(
        (rows[0].0.as_str(), rows[0].1.as_str()),
        ("push", endpoint.as_str())
    );
    assert_eq!(rows[0].2, "pending");
    assert!(
        entry_text(&v, "Pesanan baru #501")
            .await
            .contains("Notifikasi HP menunggu")
    );

    let sender = sender(&app, None);
    let now = karya::db::now();
    outbox::deliver_due(&app.db, &sender, now)
        .await
        .expect("step");
    let seen: Vec<Seen> = fake
        .seen()
        .into_iter()
        .filter(|s| s.path == "/push/siti-a14")
        .collect();
    assert_eq!(seen.len(), 1, "delivered once");
    let request = &seen[0];
    let authorization = request.headers["authorization"].to_str().unwrap();
    assert!(authorization.starts_with("vapid t="), "{authorization}");
    assert!(
        authorization.ends_with(&format!(", k={served_key}")),
        "signed with the key the page serves: {authorization} vs {served_key}"
    );
    assert_eq!(request.headers["content-encoding"], "aes128gcm");
    assert!(request.headers.contains_key("ttl"));
    let plain = web_push_native::decrypt(
        request.body.clone(),
        &keys.secret,
        &web_push_native::Auth::clone_from_slice(&keys.auth),
    )
    .expect("the browser's key decrypts the payload");
    let payload: serde_json::Value = serde_json::from_slice(&plain).expect("json payload");
    assert_eq!(payload["title"], "Pesanan baru #501");
    assert_eq!(
        payload["body"],
        "Pesanan Kue ulang tahun, Rp250.000, menunggu jawaban Anda."
    );
    assert_eq!(payload["url"], format!("{}/pesanan/1", app.base));
    assert_eq!(rows_of(&app, note).await[0].2, "sent");
    assert!(
        entry_text(&v, "Pesanan baru #501")
            .await
            .contains("Notifikasi HP terkirim")
    );

    // Again, later, and after a "restart" (a new sender): nothing goes twice.
    outbox::deliver_due(&app.db, &sender, now + 7200)
        .await
        .expect("step");
    let restarted = self::sender(&app, None);
    outbox::deliver_due(&app.db, &restarted, now + 86_400)
        .await
        .expect("step");
    assert_eq!(fake.pushes_to("/push/siti-a14"), 1, "no duplicate");
    // Queuing the same notification's push again does nothing (the UNIQUE key).
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE notification_id = $1")
        .bind(note)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(n, 1);

    // The service worker the page registers is served at the root.
    let sw = v.get("/sw.js").await;
    assert_eq!(sw.status, StatusCode::OK);
    assert!(
        sw.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(sw.contains("showNotification") && sw.contains("notificationclick"));
}

async fn push_is_retried_and_a_gone_subscription_is_disabled(app: TestApp) {
    let (fake_url, fake) = spawn_fake().await;
    drain_demo(&app).await;
    let buyer = id_of(&app, "pembeli").await;
    let v = app.signed_in("pembeli").await;
    let endpoint = format!("{fake_url}/push/hp-lama");
    subscribe(&v, &endpoint, &BrowserKeys::new(11)).await;
    let sender = sender(&app, None);

    // A push service error is retried after the back-off.
    fake.queue(&[500]);
    let note = notify(&app, buyer, "Pembayaran tercatat").await;
    let t0 = karya::db::now();
    outbox::deliver_due(&app.db, &sender, t0)
        .await
        .expect("step");
    let row = rows_of(&app, note).await.remove(0);
    assert_eq!((row.2.as_str(), row.3), ("pending", 1), "{row:?}");
    assert!(row.7.contains("500"), "{}", row.7);
    assert_eq!(row.4, t0 + outbox::backoff_secs(1));
    assert!(
        entry_text(&v, "Pembayaran tercatat")
            .await
            .contains("Notifikasi HP menunggu dicoba lagi")
    );
    outbox::deliver_due(&app.db, &sender, t0 + 30)
        .await
        .expect("step");
    assert_eq!(
        fake.pushes_to("/push/hp-lama"),
        1,
        "not before the back-off"
    );
    outbox::deliver_due(&app.db, &sender, t0 + 61)
        .await
        .expect("step");
    assert_eq!(rows_of(&app, note).await[0].2, "sent");
    assert_eq!(fake.pushes_to("/push/hp-lama"), 2);

    // 410 Gone: the row fails for good and the device is disabled; later notifications skip it.
    fake.queue(&[410]);
    let gone = notify(&app, buyer, "Penawaran pekerjaan dari OPD").await;
    outbox::deliver_due(&app.db, &sender, t0 + 120)
        .await
        .expect("step");
    let row = rows_of(&app, gone).await.remove(0);
    assert_eq!(row.2, "failed", "{row:?}");
    let (disabled, reason): (Option<i64>, String) = sqlx::query_as(
        "SELECT disabled_at, disabled_reason FROM push_subscriptions WHERE endpoint = $1",
    )
    .bind(&endpoint)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(disabled.is_some() && reason.contains("410"), "{reason}");
    let text = entry_text(&v, "Penawaran pekerjaan dari OPD").await;
    assert!(
        text.contains("Notifikasi HP gagal perangkat tidak lagi berlangganan"),
        "{text}"
    );
    let later = notify(&app, buyer, "SP diterbitkan").await;
    assert!(
        rows_of(&app, later).await.is_empty(),
        "no row for a disabled device"
    );
    let page = v.get("/akun/notifikasi").await;
    assert!(page.contains("tidak aktif"));
    outbox::deliver_due(&app.db, &sender, t0 + 100_000)
        .await
        .expect("step");
    assert_eq!(
        fake.pushes_to("/push/hp-lama"),
        3,
        "nothing more went to the gone device"
    );

    // "Hapus" removes the device; another user's device cannot be removed.
    let id: i64 = sqlx::query_scalar("SELECT id FROM push_subscriptions WHERE endpoint = $1")
        .bind(&endpoint)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let other = app.signed_in("alumni").await;
    let refused = other
        .post(&format!("/akun/notifikasi/perangkat/{id}/hapus"), &[])
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    v.post(&format!("/akun/notifikasi/perangkat/{id}/hapus"), &[])
        .await
        .assert_redirect_to("/akun/notifikasi?pesan=hp-dihapus");
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM push_subscriptions WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(left, 0);

    // A subscription that is not one is refused, with words, and nothing is stored.
    let bad = v
        .post(
            "/akun/notifikasi/perangkat",
            &[("endpoint", "ftp://x"), ("p256dh", "abc"), ("auth", "x")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("tidak dapat dibaca"));
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM push_subscriptions WHERE endpoint = 'ftp://x'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(n, 0);
}

/// Signs a webhook body as Meta does, with the app secret.
fn signed(body: &str, secret: &str) -> String {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = <Hmac<sha2::Sha256>>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn status_report(wamid: &str, status: &str) -> String {
    serde_json::json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "102290129340398",
            "changes": [{
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": { "phone_number_id": "1234567890" },
                    "statuses": [{
                        "id": wamid,
                        "status": status,
                        "timestamp": "1796600000",
                        "recipient_id": "6281234567890",
                        "errors": if status == "failed" {
                            serde_json::json!([{ "code": 131026, "title": "Message undeliverable" }])
                        } else {
                            serde_json::json!([])
                        },
                    }],
                },
            }],
        }],
    })
    .to_string()
}

async fn post_webhook(app: &TestApp, body: &str, signature: Option<&str>) -> StatusCode {
    let mut request = reqwest::Client::new()
        .post(format!("{}/webhook/whatsapp", app.base))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(s) = signature {
        request = request.header("x-hub-signature-256", s);
    }
    request.send().await.expect("webhook").status()
}

async fn give_phone(app: &TestApp, user: i64) {
    sqlx::query("UPDATE users SET phone = '+6281234567890' WHERE id = $1")
        .bind(user)
        .execute(app.db.pool())
        .await
        .unwrap();
}

async fn whatsapp_templates_go_out_and_report_their_status(app: TestApp) {
    let (fake_url, fake) = spawn_fake().await;
    drain_demo(&app).await;
    let buyer = id_of(&app, "pembeli").await;
    give_phone(&app, buyer).await;
    let v = app.signed_in("pembeli").await;
    let sender = sender(&app, Some(&fake_url));

    let note = notify(&app, buyer, "Pesanan baru #777").await;
    let rows = rows_of(&app, note).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].0.as_str(), rows[0].1.as_str()),
        ("whatsapp", "+6281234567890")
    );

    // A failing API is retried; the second attempt goes out and its wamid is stored.
    fake.queue(&[503]);
    let t0 = karya::db::now();
    let step = outbox::deliver_due(&app.db, &sender, t0)
        .await
        .expect("step");
    assert_eq!(
        step.handed_off, 0,
        "with the Cloud API nothing becomes a hand-off"
    );
    let row = rows_of(&app, note).await.remove(0);
    assert_eq!((row.2.as_str(), row.3), ("pending", 1), "{row:?}");
    assert!(row.7.contains("503"), "{}", row.7);
    outbox::deliver_due(&app.db, &sender, t0 + 61)
        .await
        .expect("step");
    let row = rows_of(&app, note).await.remove(0);
    assert_eq!(row.2, "sent");
    let wamid = row.6.clone().expect("wamid stored");
    assert_eq!(wamid, "wamid.UJI2");
    outbox::deliver_due(&app.db, &sender, t0 + 100_000)
        .await
        .expect("step");
    let calls = fake.whatsapp_about("Pesanan baru #777");
    assert_eq!(calls.len(), 2, "sent once after one failure");

    // The request: the number's messages endpoint, the token, a template with its parameters.
    let call = &calls[1];
    assert_eq!(call.path, "/v21.0/1234567890/messages");
    assert_eq!(call.headers["authorization"], "Bearer token-uji");
    let body: serde_json::Value = serde_json::from_slice(&call.body).unwrap();
    assert_eq!(body["messaging_product"], "whatsapp");
    assert_eq!(body["to"], "6281234567890");
    assert_eq!(body["type"], "template");
    assert_eq!(body["template"]["name"], "karya_notifikasi");
    assert_eq!(body["template"]["language"]["code"], "id");
    let params = &body["template"]["components"][0]["parameters"];
    assert_eq!(body["template"]["components"][0]["type"], "body");
    assert_eq!(params[0]["text"], "Pesanan baru #777");
    let message = params[1]["text"].as_str().unwrap();
    assert!(
        message.starts_with("Pesanan Kue ulang tahun, Rp250.000"),
        "{message}"
    );
    assert!(
        message.ends_with(&format!("{}/pesanan/1", app.base)),
        "{message}"
    );
    assert!(!message.contains('\n'));
    assert!(
        entry_text(&v, "Pesanan baru #777")
            .await
            .contains("WhatsApp terkirim")
    );

    // Status reports: unsigned or wrongly signed ones are refused and change nothing.
    let delivered = status_report(&wamid, "delivered");
    assert_eq!(
        post_webhook(&app, &delivered, None).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post_webhook(&app, &delivered, Some(&signed(&delivered, "rahasia-lain"))).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(rows_of(&app, note).await[0].2, "sent");
    let signature = signed(&delivered, "rahasia-aplikasi");
    assert_eq!(
        post_webhook(&app, &delivered, Some(&signature)).await,
        StatusCode::OK
    );
    assert_eq!(rows_of(&app, note).await[0].2, "delivered");
    assert!(
        entry_text(&v, "Pesanan baru #777")
            .await
            .contains("WhatsApp diterima")
    );
    let read = status_report(&wamid, "read");
    assert_eq!(
        post_webhook(&app, &read, Some(&signed(&read, "rahasia-aplikasi"))).await,
        StatusCode::OK
    );
    assert!(
        entry_text(&v, "Pesanan baru #777")
            .await
            .contains("WhatsApp dibaca")
    );
    // A late "delivered" does not undo "read".
    post_webhook(&app, &delivered, Some(&signature)).await;
    assert_eq!(rows_of(&app, note).await[0].2, "read");

    // A failure the API reports is shown with its reason.
    let other = notify(&app, buyer, "BAST ditandatangani").await;
    outbox::deliver_due(&app.db, &sender, t0 + 100_100)
        .await
        .expect("step");
    let wamid = rows_of(&app, other).await[0].6.clone().expect("wamid");
    let failed = status_report(&wamid, "failed");
    post_webhook(&app, &failed, Some(&signed(&failed, "rahasia-aplikasi"))).await;
    let text = entry_text(&v, "BAST ditandatangani").await;
    assert!(
        text.contains("WhatsApp gagal Message undeliverable"),
        "{text}"
    );

    // Registering the webhook: the challenge comes back only with the verify token.
    let ok = app
        .visitor()
        .get("/webhook/whatsapp?hub.mode=subscribe&hub.verify_token=cocokkan-saya&hub.challenge=8841")
        .await;
    assert_eq!((ok.status, ok.body.as_str()), (StatusCode::OK, "8841"));
    let wrong = app
        .visitor()
        .get("/webhook/whatsapp?hub.mode=subscribe&hub.verify_token=salah&hub.challenge=8841")
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);

    // The admin's outbox speaks of the Cloud API.
    let admin = app.signed_in("admin").await;
    let page = admin.get("/admin/kotak-keluar").await;
    assert!(page.contains("WhatsApp Cloud API"));
}

/// The hour (WIB) of an instant.
fn wib_hour(at: i64) -> i64 {
    (at + 7 * 3600).rem_euclid(86_400) / 3600
}

async fn preferences_and_quiet_hours_decide_the_rows(app: TestApp) {
    let (fake_url, fake) = spawn_fake().await;
    drain_demo(&app).await;
    let buyer = id_of(&app, "pembeli").await;
    give_phone(&app, buyer).await;
    let v = app.signed_in("pembeli").await;
    subscribe(
        &v,
        &format!("{fake_url}/push/tenang"),
        &BrowserKeys::new(21),
    )
    .await;
    let sender = sender(&app, Some(&fake_url));

    // Every channel on by default: a push row and a WhatsApp row.
    let both = notify(&app, buyer, "Penawaran dari Sekretariat Daerah").await;
    let channels: Vec<String> = rows_of(&app, both).await.into_iter().map(|r| r.0).collect();
    assert_eq!(channels, ["push", "whatsapp"]);

    // Push off: no push row; WhatsApp still.
    v.post("/akun/notifikasi", &[("whatsapp", "on")])
        .await
        .assert_redirect_to("/akun/notifikasi?pesan=tersimpan");
    let page = v.get("/akun/notifikasi?pesan=tersimpan").await;
    assert!(page.contains("Pengaturan notifikasi tersimpan."));
    assert!(page.body.contains("name=\"whatsapp\" value=\"on\" checked"));
    assert!(!page.body.contains("name=\"push\" value=\"on\" checked"));
    let only_wa = notify(&app, buyer, "Quote diterima").await;
    let channels: Vec<String> = rows_of(&app, only_wa)
        .await
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert_eq!(channels, ["whatsapp"]);
    // Everything off: the app alone.
    v.post("/akun/notifikasi", &[])
        .await
        .assert_redirect_to("/akun/notifikasi");
    let none = notify(&app, buyer, "Pembayaran diterima").await;
    assert!(rows_of(&app, none).await.is_empty());

    // Bad quiet hours: refused with words, input kept, nothing stored.
    let before: i64 =
        sqlx::query_scalar("SELECT updated_at FROM notification_preferences WHERE user_id = $1")
            .bind(buyer)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let bad = v
        .post(
            "/akun/notifikasi",
            &[
                ("push", "on"),
                ("jam_tenang", "on"),
                ("tenang_mulai", "25:00"),
                ("tenang_selesai", "06:00"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("Jam harus antara 00:00 dan 23:59."));
    assert_eq!(bad.input_value("tenang_mulai").as_deref(), Some("25:00"));
    assert_eq!(bad.input_value("tenang_selesai").as_deref(), Some("06:00"));
    assert!(bad.body.contains("name=\"push\" value=\"on\" checked"));
    let (push, after): (i64, i64) =
        sqlx::query_as("SELECT push, updated_at FROM notification_preferences WHERE user_id = $1")
            .bind(buyer)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!((push, after), (0, before), "nothing stored");

    // Quiet hours around now (WIB): push and WhatsApp wait until they end; the app shows it.
    let now = karya::db::now();
    let h = wib_hour(now);
    let from = format!("{:02}:00", (h + 23) % 24);
    let until = format!("{:02}:00", (h + 2) % 24);
    v.post(
        "/akun/notifikasi",
        &[
            ("push", "on"),
            ("whatsapp", "on"),
            ("jam_tenang", "on"),
            ("tenang_mulai", &from),
            ("tenang_selesai", &until),
        ],
    )
    .await
    .assert_redirect_to("/akun/notifikasi?pesan=tersimpan");
    let page = v.get("/akun/notifikasi").await;
    assert_eq!(
        page.input_value("tenang_mulai").as_deref(),
        Some(from.as_str())
    );
    let quiet = notify(&app, buyer, "Pesanan baru di jam tenang").await;
    let rows = rows_of(&app, quiet).await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    let release = rows[0].4;
    assert!(
        release > now && release <= now + 2 * 3600,
        "{release} vs {now}"
    );
    assert_eq!(wib_hour(release), (h + 2) % 24);
    assert_eq!(release % 3600, 0, "on the hour it ends");
    for r in &rows {
        assert_eq!((r.4, r.5), (release, Some(release)), "{r:?}");
    }
    let text = entry_text(&v, "Pesanan baru di jam tenang").await;
    assert!(text.contains("Aplikasi terkirim"), "{text}");
    assert!(text.contains("Notifikasi HP menunggu jam tenang"), "{text}");
    assert!(text.contains("WhatsApp menunggu jam tenang"), "{text}");
    outbox::deliver_due(&app.db, &sender, now)
        .await
        .expect("step");
    outbox::deliver_due(&app.db, &sender, release - 1)
        .await
        .expect("step");
    assert_eq!(
        fake.pushes_to("/push/tenang"),
        0,
        "no push during the quiet hours"
    );
    assert!(
        fake.whatsapp_about("Pesanan baru di jam tenang").is_empty(),
        "nothing during the quiet hours"
    );
    outbox::deliver_due(&app.db, &sender, release)
        .await
        .expect("step");
    let statuses: Vec<String> = rows_of(&app, quiet)
        .await
        .into_iter()
        .map(|r| r.2)
        .collect();
    assert_eq!(statuses, ["sent", "sent"]);

    // A row queued before the quiet hours began is held when the sender meets it inside them.
    v.post("/akun/notifikasi", &[("push", "on")]).await;
    let early = notify(&app, buyer, "Dikirim sebelum jam tenang").await;
    v.post(
        "/akun/notifikasi",
        &[
            ("push", "on"),
            ("jam_tenang", "on"),
            ("tenang_mulai", &from),
            ("tenang_selesai", &until),
        ],
    )
    .await;
    let step = outbox::deliver_due(&app.db, &sender, now + 60)
        .await
        .expect("step");
    assert!(step.held >= 1, "{step:?}");
    let row = rows_of(&app, early).await.remove(0);
    assert_eq!(
        (row.2.as_str(), row.3, row.5),
        ("pending", 0, Some(release)),
        "{row:?}"
    );
}
