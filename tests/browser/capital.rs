//! Capital in a real browser: the alumna checks her eligibility on a program and applies with a
//! KTP photo; the agency reviews, recommends and refers; she consents to share with Bank Jambi;
//! `mitra` approves, disburses and reports a repayment; the agency's view shows it. And the
//! capital pages at phone and desktop widths when `KARYA_SCREENSHOTS` names a folder.

use std::path::Path;

use fantoccini::Locator;
use karya::config::Backend;
use serde_json::json;

use super::{Browser, display_name, screenshot_session, shoot_pages};
use crate::capital::{jpeg, partner_of, program, referred};
use crate::helpers::{self, TestApp};

/// Sets a `<select>` by its `name` (chromedriver types into selects unreliably).
async fn choose(browser: &Browser, name: &str, value: &str) {
    browser
        .client
        .execute(
            "document.querySelector('[name=\"' + arguments[0] + '\"]').value = arguments[1];",
            vec![json!(name), json!(value)],
        )
        .await
        .expect("choose");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(karya_test_browser),
    ignore = "chromedriver or chromium not on PATH"
)]
async fn an_alumna_gets_a_loan_through_her_track_record() {
    let browser = Browser::launch(true).await;
    let app = helpers::spawn(Backend::Sqlite).await.expect("sqlite app");
    let admin = app.signed_in("admin").await;
    let partner = partner_of(&app, "mitra").await;
    // A rule she meets: at least one completed order (the demo's Siti has many).
    program(
        &app,
        &admin,
        partner,
        "KUR Super Mikro uji",
        &[("min_orders_total", "1")],
    )
    .await;
    let siti = display_name(&app, "alumni").await;
    let staff = display_name(&app, "admin").await;
    let bank = display_name(&app, "mitra").await;
    let photo = tempfile::Builder::new().suffix(".jpg").tempfile().unwrap();
    std::fs::write(photo.path(), jpeg()).unwrap();

    // She checks her eligibility and applies.
    browser.log_in(&app, "alumni", &siti).await;
    browser.open(&app, "/permodalan").await;
    browser.follow("//main", "KUR Super Mikro uji").await;
    browser.expect_text("Anda memenuhi semua 1 syarat.").await;
    browser.follow("//main", "Ajukan ke program ini").await;
    choose(&browser, "purpose", "working_capital").await;
    browser.fill("amount", "3.000.000").await;
    browser.fill("tenor", "12").await;
    browser
        .fill("item", "Tepung, gula, mentega untuk sebulan")
        .await;
    browser.fill("price", "3.000.000").await;
    choose(&browser, "marital_status", "kawin").await;
    browser.press("//main", "Simpan draf").await;
    browser.expect_text("Draf disimpan").await;
    let path = browser.path().await;
    let id: i64 = path
        .trim_start_matches("/akun/permodalan/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    choose(&browser, "kind", "ktp").await;
    let file = browser.find(Locator::Css("input[type=file]")).await;
    file.send_keys(&photo.path().display().to_string())
        .await
        .expect("choose file");
    browser.press("//main", "Unggah").await;
    browser.expect_text("Dokumen diunggah").await;
    browser.press("//main", "Ajukan").await;
    browser.expect_text("Pengajuan dikirim").await;
    browser.expect_text("Dosier versi 1").await;
    browser.log_out().await;

    // The agency reviews, recommends and refers.
    browser.log_in(&app, "admin", &staff).await;
    browser
        .open(&app, &format!("/admin/permodalan/pengajuan/{id}"))
        .await;
    for step in ["Mulai periksa", "Rekomendasikan", "Rujuk ke mitra"] {
        browser.press("//main", step).await;
        browser.expect_text("Langkah dicatat").await;
    }
    browser.log_out().await;

    // She sees what will be shared, and with whom, and agrees.
    browser.log_in(&app, "alumni", &siti).await;
    browser.open(&app, &format!("/akun/permodalan/{id}")).await;
    browser.expect_text("Yang akan dibagikan").await;
    let partner_name: String = sqlx::query_scalar("SELECT name FROM partners WHERE id = $1")
        .bind(partner)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    browser
        .press(
            "//main",
            &format!("Saya setuju data ini dibagikan kepada {partner_name}"),
        )
        .await;
    browser.expect_text("Mitra sudah diberi tahu").await;
    browser.log_out().await;

    // The bank approves, disburses and reports the first month.
    browser.log_in(&app, "mitra", &bank).await;
    browser.open(&app, "/mitra/pengajuan").await;
    browser.expect_text("Rujukan baru").await;
    browser.open(&app, &format!("/mitra/pengajuan/{id}")).await;
    browser
        .press("//main", "Tampilkan NIK untuk pemeriksaan kredit")
        .await;
    browser.expect_text("tercatat di jejak audit").await;
    browser.fill("amount", "3.000.000").await;
    browser.fill("rate", "6% efektif per tahun").await;
    browser.press("//main", "Setujui").await;
    browser.expect_text("Persetujuan dicatat").await;
    browser.press("//main", "Simpan pencairan").await;
    browser.expect_text("Pencairan dicatat").await;
    browser.press("//main", "Simpan laporan").await;
    browser.expect_text("Laporan angsuran dicatat").await;
    browser.log_out().await;

    // The agency's view shows the disbursement and its outcome row.
    browser.log_in(&app, "admin", &staff).await;
    browser.open(&app, "/admin/permodalan").await;
    browser.expect_text("Hasil setelah pencairan").await;
    browser.expect_text("Rp3.000.000").await;
    browser
        .open(&app, &format!("/admin/permodalan/pengajuan/{id}"))
        .await;
    browser.expect_text("Lancar").await;
    browser.close().await;

    let state: String = sqlx::query_scalar("SELECT state FROM capital_applications WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(state, "disbursed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(all(karya_test_browser, karya_test_screenshots)),
    ignore = "needs KARYA_SCREENSHOTS and chromium"
)]
async fn capital_screenshots() {
    let Some((dir, browser, app)) = screenshot_session().await else {
        return;
    };
    let (id, _admin, siti_v) = referred(&app, "mitra").await;
    siti_v
        .post(&format!("/akun/permodalan/{id}/setujui-berbagi"), &[])
        .await;
    shoot_all(&browser, &app, &dir, id).await;
    browser.close().await;
}

async fn shoot_all(browser: &Browser, app: &TestApp, dir: &Path, id: i64) {
    let program: i64 =
        sqlx::query_scalar("SELECT program_id FROM capital_applications WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    shoot_pages(
        browser,
        app,
        dir,
        &[
            ("modal-publik", "/permodalan"),
            ("modal-program-publik", &format!("/permodalan/{program}")),
        ],
    )
    .await;
    for (user, pages) in [
        (
            "alumni",
            vec![
                ("modal-saya", "/akun/permodalan".to_owned()),
                ("modal-program-alumni", format!("/permodalan/{program}")),
                (
                    "modal-ajukan",
                    format!("/akun/permodalan/baru?program={program}"),
                ),
                ("modal-pengajuan-alumni", format!("/akun/permodalan/{id}")),
            ],
        ),
        (
            "admin",
            vec![
                ("modal-admin", "/admin/permodalan".to_owned()),
                (
                    "modal-admin-program",
                    "/admin/permodalan/program".to_owned(),
                ),
                (
                    "modal-admin-program-baru",
                    "/admin/permodalan/program/baru".to_owned(),
                ),
                (
                    "modal-admin-pengaturan",
                    "/admin/permodalan/pengaturan".to_owned(),
                ),
                (
                    "modal-pengajuan-admin",
                    format!("/admin/permodalan/pengajuan/{id}"),
                ),
            ],
        ),
        (
            "mitra",
            vec![
                ("modal-mitra", "/mitra/pengajuan".to_owned()),
                ("modal-pengajuan-mitra", format!("/mitra/pengajuan/{id}")),
            ],
        ),
    ] {
        browser.viewport(1280, 900).await;
        let name = display_name(app, user).await;
        browser.log_in(app, user, &name).await;
        let pages: Vec<(&str, &str)> = pages.iter().map(|(n, p)| (*n, p.as_str())).collect();
        shoot_pages(browser, app, dir, &pages).await;
        browser.log_out().await;
    }
}
