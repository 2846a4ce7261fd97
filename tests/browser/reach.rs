//! Notification settings in a real browser at 360 px: a buyer turns email off, sets quiet hours
//! 21:00–06:00 and saves; the notification page then shows what went out through which
//! channel. The push button appears only where the browser can push (a real subscription
//! cannot be made headless and offline; the script's failure message is checked instead).

use fantoccini::Locator;
use karya::config::Backend;
use karya::db::notifications::{self as store, Notice};

use super::{Browser, display_name, screenshot_session, shoot_pages};
use crate::helpers;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(karya_test_browser),
    ignore = "chromedriver or chromium not on PATH"
)]
async fn a_buyer_sets_channels_and_quiet_hours_on_a_phone() {
    let browser = Browser::launch(true).await;
    let app = helpers::spawn_with(Backend::Sqlite, |s| {
        s.background_jobs = false;
        s.push_hosts = vec!["push.example.invalid".into()];
    })
    .await
    .expect("sqlite app");
    browser.viewport(360, 800).await;
    let name = display_name(&app, "pembeli").await;
    browser.log_in(&app, "pembeli", &name).await;
    browser.open(&app, "/akun/notifikasi").await;
    browser.expect_text("Pengaturan notifikasi").await;
    // With scripts and the Push API, the button shows and the "open on your phone" hint hides.
    let button = browser.find(Locator::Id("push-button")).await;
    assert!(button.is_displayed().await.unwrap(), "push button shown");
    let hint = browser.find(Locator::Id("push-none")).await;
    assert!(!hint.is_displayed().await.unwrap(), "hint hidden");

    // Email off, quiet hours on from 21:00 to 06:00.
    browser
        .find(Locator::Css("input[name=\"email\"]"))
        .await
        .click()
        .await
        .expect("untick email");
    browser
        .find(Locator::Css("input[name=\"jam_tenang\"]"))
        .await
        .click()
        .await
        .expect("tick quiet hours");
    browser
        .client
        .execute(
            "document.getElementById('tenang_mulai').value = '21:00';\
             document.getElementById('tenang_selesai').value = '06:00';",
            vec![],
        )
        .await
        .expect("set the times");
    browser
        .press("//form[@action='/akun/notifikasi']", "Simpan pengaturan")
        .await;
    browser
        .expect_text("Pengaturan notifikasi tersimpan.")
        .await;
    let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'pembeli'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let stored: (i64, i64, i64, Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT push, whatsapp, email, quiet_from, quiet_until FROM notification_preferences \
         WHERE user_id = $1",
    )
    .bind(user)
    .fetch_one(app.db.pool())
    .await
    .expect("preferences stored");
    assert_eq!(stored, (1, 1, 0, Some(21 * 60), Some(6 * 60)));
    assert_no_sideways_scroll(&browser).await;

    // The button runs the script; headless, offline Chromium cannot subscribe, and says so.
    browser
        .find(Locator::Id("push-button"))
        .await
        .click()
        .await
        .expect("tap");
    let started = std::time::Instant::now();
    loop {
        let status = browser
            .find(Locator::Id("push-status"))
            .await
            .text()
            .await
            .unwrap_or_default();
        if status.contains("Izin notifikasi ditolak") || status.contains("belum dapat didaftarkan")
        {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(15),
            "the script never answered: {status:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    // A notification with a phone registered: the page shows each channel and its status.
    let v = app.signed_in("pembeli").await;
    let (p256dh, auth) = (
        "BAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0-P0A",
        "ZGVmZ2hpamtsbW5vcHFycw",
    );
    v.post(
        "/akun/notifikasi/perangkat",
        &[
            ("endpoint", "https://push.example.invalid/andi"),
            ("p256dh", p256dh),
            ("auth", auth),
            ("device", "Oppo A17 · Chrome"),
        ],
    )
    .await
    .assert_redirect_to("/akun/notifikasi?pesan=hp-terdaftar");
    let mut tx = app.db.begin().await.unwrap();
    store::notify_user(
        &mut tx,
        user,
        &Notice {
            title: "Pesanan Anda diterima penjual",
            body: "Dapur Kue Siti menerima pesanan Kue ulang tahun.",
            link: "/pesanan/1",
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    browser.open(&app, "/notifikasi").await;
    browser.expect_text("Pesanan Anda diterima penjual").await;
    browser.expect_text("Aplikasi").await;
    browser.expect_text("Notifikasi HP").await;
    let text = browser.body_text().await;
    assert!(text.contains("menunggu"), "{text}");
    assert_no_sideways_scroll(&browser).await;
    browser.open(&app, "/akun/notifikasi").await;
    browser.expect_text("Oppo A17 · Chrome").await;
    assert_no_sideways_scroll(&browser).await;
    browser.close().await;
}

async fn assert_no_sideways_scroll(browser: &Browser) {
    let width = browser
        .client
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await
        .expect("width")
        .as_u64()
        .unwrap_or(0);
    assert!(width <= 360, "the page is {width} px wide at 360 px");
}

/// The notification pages at phone and desktop widths, for looking at:
/// `KARYA_SCREENSHOTS=/tmp/shots cargo test --test http browser::reach::reach_screenshots -- --include-ignored`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(all(karya_test_browser, karya_test_screenshots)),
    ignore = "needs KARYA_SCREENSHOTS and chromium"
)]
async fn reach_screenshots() {
    let Some((dir, browser, app)) = screenshot_session().await else {
        return;
    };
    for (user, pages) in [
        (
            "alumni",
            vec![
                ("notifikasi", "/notifikasi"),
                ("notifikasi-pengaturan", "/akun/notifikasi"),
            ],
        ),
        ("admin", vec![("kotak-keluar", "/admin/kotak-keluar")]),
    ] {
        browser.viewport(1280, 900).await;
        let name = display_name(&app, user).await;
        browser.log_in(&app, user, &name).await;
        shoot_pages(&browser, &app, &dir, &pages).await;
        browser.log_out().await;
    }
    browser.close().await;
}
