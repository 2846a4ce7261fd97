//! Signing in and out: success, failure, throttling, CSRF, session endings, reset links.

use reqwest::StatusCode;

use crate::both;
use crate::helpers::{DEMO_PASSWORD, TestApp};

both!(
    login_lands_on_the_role_dashboard,
    dashboards_show_the_marketplace_as_stored,
    wrong_password_and_unknown_user_are_refused_alike,
    empty_fields_are_named_and_input_kept,
    repeated_failures_are_throttled_per_account,
    repeated_failures_are_throttled_per_address,
    simultaneous_guesses_for_one_account_stop_at_its_limit,
    simultaneous_guesses_from_one_address_stop_at_its_limit,
    forged_or_missing_csrf_token_is_refused,
    logout_ends_the_session,
    password_change_ends_every_session,
    reset_link_works_once_and_expires,
    disabled_users_session_stops_working,
    open_redirect_after_login_is_refused,
);

async fn login_lands_on_the_role_dashboard(app: TestApp) {
    for (user, heading) in [
        ("admin", "Ringkasan register alumni"),
        ("opd", "Sekretariat Daerah"),
        ("bendahara", "bendahara"),
        ("alumni", "Riwayat pelatihan"),
        ("pembeli", "Buka katalog"),
        ("mitra", "Bank Jambi"),
    ] {
        let v = app.signed_in(user).await;
        let page = v.get("/dasbor").await;
        assert_eq!(page.status, StatusCode::OK, "{user}");
        assert!(page.contains(heading), "{user} dashboard shows {heading}");
    }
    // The admin dashboard's numbers are the database's numbers.
    let alumni = app.scalar("SELECT COUNT(*) FROM alumni").await;
    let page = app.signed_in("admin").await.get("/dasbor").await;
    assert!(alumni > 250, "demo has about 300 alumni, got {alumni}");
    assert!(
        page.text_of(".stat").contains(&alumni.to_string()),
        "{}",
        page.text_of(".stat")
    );
    // Each login is in the audit trail.
    assert!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'login.success'")
            .await
            >= 7
    );
}

async fn dashboards_show_the_marketplace_as_stored(app: TestApp) {
    // Agency: orders, reviews and open disputes are the database's counts, with the links to
    // verification, disputes and the outbox.
    let page = app.signed_in("admin").await.get("/dasbor").await;
    let stats = page.text_of(".stat");
    for sql in [
        "SELECT COUNT(*) FROM orders",
        "SELECT COUNT(*) FROM reviews",
        "SELECT COUNT(*) FROM listings WHERE active = 1",
    ] {
        let n = app.scalar(sql).await;
        assert!(n > 0, "the demo has marketplace data: {sql}");
        assert!(stats.contains(&n.to_string()), "{sql} = {n} in {stats}");
    }
    for href in [
        "/admin/usaha",
        "/admin/sengketa",
        "/admin/kotak-keluar",
        "/admin/sinonim",
    ] {
        assert!(page.contains(&format!("href=\"{href}\"")), "{href}");
    }
    // The demo alumna: new orders waiting for her are her business's requested orders.
    let waiting = app
        .scalar(
            "SELECT COUNT(*) FROM orders o JOIN businesses b ON b.id = o.business_id \
             JOIN users u ON u.alumnus_id = b.alumnus_id \
             WHERE u.username = 'alumni' AND o.state = 'requested'",
        )
        .await;
    assert!(waiting > 0, "the demo leaves her a request to answer");
    let page = app.signed_in("alumni").await.get("/dasbor").await;
    let first = page.text_of(".stat");
    assert!(
        first.contains(&format!("{waiting} pesanan baru"))
            || first.contains(&format!("{waiting}pesanan baru")),
        "{first}"
    );
    assert!(page.contains("href=\"/usaha/pesanan\""));
    // A buyer sees their own orders counted.
    let mine = app
        .scalar(
            "SELECT COUNT(*) FROM orders o JOIN users u ON u.id = o.buyer_user_id \
             WHERE u.username = 'pembeli'",
        )
        .await;
    let page = app.signed_in("pembeli").await.get("/dasbor").await;
    assert!(page.text_of(".stat").contains(&format!("{mine}")), "{mine}");
    assert!(page.contains("href=\"/pesanan\""));
}

async fn wrong_password_and_unknown_user_are_refused_alike(app: TestApp) {
    let v = app.visitor();
    let wrong = v.login("admin", "bukan-sandinya").await;
    let unknown = v.login("tidak-ada", "bukan-sandinya").await;
    for page in [&wrong, &unknown] {
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
        assert!(page.contains("Nama pengguna atau kata sandi salah."));
    }
    assert_eq!(wrong.input_value("username").as_deref(), Some("admin"));
    assert!(
        v.get("/dasbor").await.location.is_some(),
        "still signed out"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'login.failure'")
            .await,
        2
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM sessions").await, 0);
}

async fn empty_fields_are_named_and_input_kept(app: TestApp) {
    let v = app.visitor();
    let page = v
        .post("/masuk", &[("username", "  opd "), ("password", "")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Kata sandi wajib diisi."));
    assert_eq!(page.input_value("username").as_deref(), Some("opd"));
    let page = v
        .post("/masuk", &[("username", ""), ("password", "x")])
        .await;
    assert!(page.contains("Nama pengguna wajib diisi."));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM login_failures").await,
        0,
        "empty forms are not failures"
    );
}

async fn repeated_failures_are_throttled_per_account(app: TestApp) {
    let v = app.visitor();
    for _ in 0..5 {
        assert_eq!(
            v.login("opd", "salah-salah").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // The sixth attempt waits, even with the right password, and says so in Indonesian.
    let page = v.login("opd", DEMO_PASSWORD).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        page.contains("Terlalu banyak percobaan masuk yang gagal"),
        "{}",
        page.body
    );
    // The wait counts down from the first failure: on a loaded machine the five failures take
    // a few seconds, so the page may say 27 detik as well as 30 detik or 1 menit.
    let waits = (1..=30)
        .map(|s| format!("coba lagi dalam {s} detik"))
        .chain(["coba lagi dalam 1 menit".to_owned()]);
    assert!(
        waits.into_iter().any(|w| page.contains(&w)),
        "{}",
        page.body
    );
    assert!(page.headers.get("retry-after").is_some());
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'login.throttled'")
            .await,
        1
    );
    // Another account from the same address is not affected yet.
    app.signed_in("bendahara").await;
}

async fn repeated_failures_are_throttled_per_address(app: TestApp) {
    let v = app.visitor();
    for i in 0..20 {
        let name = format!("tebak{i}");
        assert_eq!(
            v.login(&name, "salah-salah").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        v.login("admin", DEMO_PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// Sends every (username, password) at once, each from its own browser with its form already
/// loaded, and returns the statuses.
async fn simultaneous_logins(
    app: &TestApp,
    attempts: &[(String, &'static str)],
) -> Vec<StatusCode> {
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(attempts.len()));
    let mut all = tokio::task::JoinSet::new();
    for (username, password) in attempts {
        let v = app.visitor();
        let token = v.csrf().await;
        let (start, username, password) = (start.clone(), username.clone(), *password);
        all.spawn(async move {
            start.wait().await;
            v.post_raw(
                "/masuk",
                &[
                    ("_csrf", &token),
                    ("username", &username),
                    ("password", password),
                ],
            )
            .await
            .status
        });
    }
    all.join_all().await
}

/// How many attempts had their password checked (each check is audited as a success or a
/// failure; a held-back attempt is audited as throttled).
async fn checked_passwords(app: &TestApp) -> i64 {
    app.scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('login.failure', 'login.success', 'login.disabled')",
    )
    .await
}

async fn simultaneous_guesses_for_one_account_stop_at_its_limit(app: TestApp) {
    // 39 wrong guesses and the right password, all at once.
    let mut attempts: Vec<(String, &str)> = vec![("admin".into(), "salah-salah"); 39];
    attempts.push(("admin".into(), DEMO_PASSWORD));
    let statuses = simultaneous_logins(&app, &attempts).await;
    let checked = checked_passwords(&app).await;
    assert!(
        checked <= 5,
        "{checked} passwords checked against a limit of 5"
    );
    let held = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count() as i64;
    assert_eq!(held, 40 - checked, "{statuses:?}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'login.throttled'")
            .await,
        held
    );
}

async fn simultaneous_guesses_from_one_address_stop_at_its_limit(app: TestApp) {
    // 60 wrong guesses for 60 names from one address, all at once.
    let attempts: Vec<(String, &str)> = (0..60)
        .map(|i| (format!("tebak{i}"), "salah-salah"))
        .collect();
    let statuses = simultaneous_logins(&app, &attempts).await;
    let checked = checked_passwords(&app).await;
    assert!(
        checked <= 20,
        "{checked} passwords checked against a limit of 20"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::UNAUTHORIZED)
            .count() as i64,
        checked,
        "{statuses:?}"
    );
    // Held-back attempts are not failures: what is kept is what was checked.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM login_failures").await,
        checked
    );
}

async fn forged_or_missing_csrf_token_is_refused(app: TestApp) {
    let v = app.visitor();
    v.get("/masuk").await; // receives the CSRF cookie
    let forged = v
        .post_raw(
            "/masuk",
            &[
                ("_csrf", "00ff"),
                ("username", "admin"),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.contains("Formulir ini sudah kedaluwarsa atau tidak sah"));
    let missing = v
        .post_raw(
            "/masuk",
            &[("username", "admin"), ("password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM sessions").await, 0);

    // A token from another browser does not fit this browser's cookie.
    let other = app.visitor();
    let foreign = other.csrf().await;
    let page = v
        .post_raw(
            "/masuk",
            &[
                ("_csrf", &foreign),
                ("username", "admin"),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);

    // Signed in, a state change without the token is refused too and changes nothing.
    let admin = app.signed_in("admin").await;
    let before = app.scalar("SELECT COUNT(*) FROM users").await;
    let page = admin
        .post_raw(
            "/admin/pengguna",
            &[
                ("username", "tanpa.token"),
                ("display_name", "X"),
                ("role", "pembeli"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM users").await, before);
}

async fn logout_ends_the_session(app: TestApp) {
    let v = app.signed_in("pembeli").await;
    assert_eq!(v.get("/dasbor").await.status, StatusCode::OK);
    let page = v.post("/keluar", &[]).await;
    page.assert_redirect_to("/masuk?pesan=keluar");
    v.get("/dasbor").await.assert_redirect_to("/masuk");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM sessions").await, 0);
    assert!(
        v.get("/masuk?pesan=keluar")
            .await
            .contains("Anda sudah keluar.")
    );
}

async fn password_change_ends_every_session(app: TestApp) {
    let phone = app.signed_in("alumni").await;
    let laptop = app.signed_in("alumni").await;
    // Wrong current password: refused, nothing changes.
    let page = laptop
        .post(
            "/akun/sandi",
            &[
                ("current", "salah"),
                ("new", "kue-bolu-pandan"),
                ("confirm", "kue-bolu-pandan"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Kata sandi sekarang salah."));
    let page = laptop
        .post(
            "/akun/sandi",
            &[
                ("current", DEMO_PASSWORD),
                ("new", "pendek"),
                ("confirm", "pendek"),
            ],
        )
        .await;
    assert!(page.contains("Kata sandi minimal 10 karakter."));
    assert_eq!(phone.get("/dasbor").await.status, StatusCode::OK);

    let page = laptop
        .post(
            "/akun/sandi",
            &[
                ("current", DEMO_PASSWORD),
                ("new", "kue-bolu-pandan"),
                ("confirm", "kue-bolu-pandan"),
            ],
        )
        .await;
    page.assert_redirect_to("/masuk?pesan=sandi-diganti");
    phone.get("/dasbor").await.assert_redirect_to("/masuk");
    laptop.get("/dasbor").await.assert_redirect_to("/masuk");
    assert_eq!(
        app.visitor().login("alumni", DEMO_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    app.visitor()
        .login("alumni", "kue-bolu-pandan")
        .await
        .assert_redirect_to("/dasbor");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'user.password_changed'")
            .await,
        1
    );
}

async fn reset_link_works_once_and_expires(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let target = app.signed_in("pembeli").await;
    let id = app
        .scalar("SELECT id FROM users WHERE username = 'pembeli'")
        .await;
    let page = admin
        .post(&format!("/admin/pengguna/{id}/reset-sandi"), &[])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let link = page.input_value("link").expect("link shown");
    let path = &link[link.find("/sandi/atur/").expect("reset path")..];

    let v = app.visitor();
    assert!(v.get(path).await.contains("Atur kata sandi baru untuk"));
    let page = v
        .post(
            path,
            &[("new", "pasar-sabak-pagi"), ("confirm", "pasar-beda")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Konfirmasi kata sandi tidak sama."));
    v.post(
        path,
        &[("new", "pasar-sabak-pagi"), ("confirm", "pasar-sabak-pagi")],
    )
    .await
    .assert_redirect_to("/masuk?pesan=sandi-diatur");
    target.get("/dasbor").await.assert_redirect_to("/masuk");
    app.visitor()
        .login("pembeli", "pasar-sabak-pagi")
        .await
        .assert_redirect_to("/dasbor");

    // Reused: a clear answer, and the password stays.
    let reused = v
        .post(
            path,
            &[("new", "lain-lagi-sandi"), ("confirm", "lain-lagi-sandi")],
        )
        .await;
    assert_eq!(reused.status, StatusCode::GONE);
    assert!(reused.contains("sudah pernah dipakai"));
    app.visitor()
        .login("pembeli", "pasar-sabak-pagi")
        .await
        .assert_redirect_to("/dasbor");

    // Expired: make a new link and move its expiry into the past.
    let page = admin
        .post(&format!("/admin/pengguna/{id}/reset-sandi"), &[])
        .await;
    let link = page.input_value("link").expect("link shown");
    let path = link[link.find("/sandi/atur/").expect("reset path")..].to_owned();
    sqlx::query("UPDATE password_resets SET expires_at = 0 WHERE used_at IS NULL")
        .execute(app.db.pool())
        .await
        .unwrap();
    let expired = v.get(&path).await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(expired.contains("sudah kedaluwarsa"));
    let expired = v
        .post(
            &path,
            &[("new", "lain-lagi-sandi"), ("confirm", "lain-lagi-sandi")],
        )
        .await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert_eq!(
        v.get("/sandi/atur/bukan-token").await.status,
        StatusCode::NOT_FOUND
    );
}

async fn disabled_users_session_stops_working(app: TestApp) {
    let mitra = app.signed_in("mitra").await;
    let admin = app.signed_in("admin").await;
    let id = app
        .scalar("SELECT id FROM users WHERE username = 'mitra'")
        .await;
    admin
        .post(&format!("/admin/pengguna/{id}/nonaktifkan"), &[])
        .await
        .assert_redirect_to("/admin/pengguna?pesan=dinonaktifkan");
    mitra.get("/dasbor").await.assert_redirect_to("/masuk");
    let page = app.visitor().login("mitra", DEMO_PASSWORD).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.contains("Akun ini sudah dinonaktifkan"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'login.disabled'")
            .await,
        1
    );

    // A session row left behind (e.g. by another instance) is refused and audited.
    let v = app.signed_in("pembeli").await;
    let pembeli = app
        .scalar("SELECT id FROM users WHERE username = 'pembeli'")
        .await;
    sqlx::query("UPDATE users SET disabled_at = 1 WHERE id = $1")
        .bind(pembeli)
        .execute(app.db.pool())
        .await
        .unwrap();
    v.get("/dasbor").await.assert_redirect_to("/masuk");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'session.rejected_disabled'")
            .await,
        1
    );

    admin
        .post(&format!("/admin/pengguna/{id}/aktifkan"), &[])
        .await
        .assert_redirect_to("/admin/pengguna");
    app.signed_in("mitra").await;
}

/// Values of `lanjut` that could send a browser off the site after login, in every spelling a
/// browser might still follow: each lands on the dashboard, with a session and no 500.
const HOSTILE_NEXT: &[&str] = &[
    "//evil.example/x",
    "///evil.example",
    "https://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0D%0ASet-Cookie:%20sesi=x",
    "/\r\nSet-Cookie: sesi=x",
    "/\r/evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "/%255C%255Cevil.example",
    "/%252F/evil.example",
    "/%00",
    "javascript:alert(1)",
    " /dasbor",
    "evil.example",
];

/// Signs in as the admin from a new browser, with this `lanjut`.
async fn login_with_next(
    app: &TestApp,
    next: &str,
) -> (crate::helpers::Visitor, crate::helpers::Page) {
    let v = app.visitor();
    let fields = [
        ("username", "admin"),
        ("password", DEMO_PASSWORD),
        ("lanjut", next),
    ];
    let page = v.post("/masuk", &fields).await;
    (v, page)
}

async fn open_redirect_after_login_is_refused(app: TestApp) {
    for next in HOSTILE_NEXT {
        let (v, page) = login_with_next(&app, next).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "lanjut {next:?}");
        assert_eq!(page.location.as_deref(), Some("/dasbor"), "lanjut {next:?}");
        // The session was made and works.
        assert_eq!(v.get("/dasbor").await.status, StatusCode::OK, "{next:?}");
        // The login page does not carry the hostile value on.
        let form = app
            .visitor()
            .get(&format!(
                "/masuk?{}",
                serde_urlencoded::to_string([("lanjut", next)]).unwrap()
            ))
            .await;
        assert_eq!(form.status, StatusCode::OK);
        assert_eq!(form.input_value("lanjut").as_deref(), Some(""), "{next:?}");
    }
    // A path on this site is followed, query and all.
    for next in ["/admin/audit", "/pesan?usaha=1"] {
        let (_, page) = login_with_next(&app, next).await;
        assert_eq!(page.location.as_deref(), Some(next));
    }
}
