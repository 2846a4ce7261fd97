//! The tracer in a real browser, issue 14's journey: a batch ends, wave 1 goes out, an alumna
//! opens her personal link on a 360 px phone with JavaScript off and answers; her answer is
//! stored, the agency's dashboard moves, and the year's PDF report has her trade's page.

use fantoccini::Locator;
use karya::config::Backend;

use super::{Browser, display_name, screenshot_session, shoot_pages};
use crate::helpers;
use crate::tracer::{cohort, link_of, today};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(karya_test_browser),
    ignore = "chromedriver or chromium not on PATH"
)]
async fn an_alumna_answers_her_link_on_a_phone_without_javascript() {
    let browser = Browser::launch(false).await;
    assert!(!browser.page_scripts_run().await, "page scripts are off");
    let app = helpers::spawn(Backend::Sqlite).await.expect("sqlite app");
    let ended = karya::domain::dates::add_months(today(), -1).unwrap() - time::Duration::days(1);
    let people = cohort(&app, 81, ended, &[("Lina Peramban", "lulus")]).await;
    let admin = app.signed_in("admin").await;
    admin
        .post("/admin/tracer/kirim", &[])
        .await
        .assert_redirect_to("/admin/tracer?kirim=");
    let link = link_of(&app, "Lina Peramban").await;
    let (batch, trade): (i64, String) = sqlx::query_as(
        "SELECT b.id, t.name FROM participations p JOIN batches b ON b.id = p.batch_id \
         JOIN programs pr ON pr.id = b.program_id JOIN trades t ON t.id = pr.trade_id \
         WHERE p.id = $1",
    )
    .bind(people[0])
    .fetch_one(app.db.pool())
    .await
    .expect("her batch");
    let year = ended.year();
    let her_batch = format!("/admin/hasil?tahun={year}&angkatan={batch}");
    let before = admin.get(&her_batch).await;
    assert!(
        before.body.contains("laporan 0 penjawab"),
        "nobody has answered wave 1 of her batch yet"
    );

    browser
        .client
        .set_window_size(360, 800)
        .await
        .expect("phone width");
    browser.open(&app, &link).await;
    browser.expect_text("Halo Lina Peramban").await;
    for (name, value) in [
        ("status", "wirausaha"),
        ("related", "ya"),
        ("income", "setengah_umk"),
        ("obstacles", "alat"),
        ("satisfaction", "5"),
    ] {
        browser
            .find(Locator::Css(&format!(
                "input[name=\"{name}\"][value=\"{value}\"]"
            )))
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("tap {name}={value}: {e}"));
    }
    browser.fill("next_training", "Servis kulkas").await;
    browser
        .press("//form[contains(@class,'tracer-form')]", "Kirim jawaban")
        .await;
    browser.expect_text("Jawaban Anda sudah diterima").await;

    let row: (String, String, i64) = sqlx::query_as(
        "SELECT r.source, r.status, r.works_in_trade FROM tracer_responses r \
         JOIN tracer_invitations i ON i.id = r.invitation_id WHERE i.participation_id = $1",
    )
    .bind(people[0])
    .fetch_one(app.db.pool())
    .await
    .expect("her answer is stored");
    assert_eq!(row, ("tautan".to_owned(), "wirausaha".to_owned(), 1));

    // The dashboard moves: the agency (a browser with JavaScript, at desktop width) sees her
    // batch's wave 1 answered by one person, working in her trade.
    browser
        .client
        .set_window_size(1280, 900)
        .await
        .expect("desktop width");
    let staff = display_name(&app, "admin").await;
    browser.log_in(&app, "admin", &staff).await;
    browser.open(&app, &her_batch).await;
    browser.expect_text("laporan 1 penjawab").await;
    browser.expect_text("100,0%").await;
    // The year's report downloads (the dashboard's own link) and has a page for her trade.
    let pdf = admin
        .get_bytes(&format!("/admin/hasil/laporan.pdf?tahun={year}"))
        .await;
    let text = crate::pdftext::text(&pdf);
    assert!(
        text.contains(&format!("Kejuruan {trade}")),
        "the report has her trade's page"
    );
    browser.close().await;
}

/// The tracer and outcomes pages at phone and desktop widths, for looking at:
/// `KARYA_SCREENSHOTS=/tmp/shots cargo test --test http browser::tracer::outcomes_screenshots -- --include-ignored`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(all(karya_test_browser, karya_test_screenshots)),
    ignore = "needs KARYA_SCREENSHOTS and chromium"
)]
async fn outcomes_screenshots() {
    let Some((dir, browser, app)) = screenshot_session().await else {
        return;
    };
    let ended = karya::domain::dates::add_months(today(), -1).unwrap() - time::Duration::days(1);
    cohort(&app, 82, ended, &[("Lina Peramban", "lulus")]).await;
    let admin = app.signed_in("admin").await;
    admin.post("/admin/tracer/kirim", &[]).await;
    let link = link_of(&app, "Lina Peramban").await;
    let invitation: i64 = sqlx::query_scalar(
        "SELECT MIN(i.id) FROM tracer_invitations i LEFT JOIN tracer_responses r \
         ON r.invitation_id = i.id WHERE r.id IS NULL",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    shoot_pages(&browser, &app, &dir, &[("tracer-publik", &link)]).await;
    for (user, pages) in [
        (
            "admin",
            vec![
                ("tracer-admin", "/admin/tracer".to_owned()),
                ("tracer-daftar", "/admin/tracer/daftar".to_owned()),
                (
                    "tracer-telepon",
                    format!("/admin/tracer/undangan/{invitation}"),
                ),
                ("tracer-kuesioner", "/admin/tracer/kuesioner".to_owned()),
                ("tracer-pengaturan", "/admin/tracer/pengaturan".to_owned()),
                ("hasil", "/admin/hasil".to_owned()),
                ("hasil-umpan-balik", "/admin/hasil/umpan-balik".to_owned()),
            ],
        ),
        (
            "kepala",
            vec![
                ("kepala-dasbor", "/dasbor".to_owned()),
                ("hasil-kepala", "/admin/hasil?tahun=2025".to_owned()),
            ],
        ),
    ] {
        browser.viewport(1280, 900).await;
        let name = display_name(&app, user).await;
        browser.log_in(&app, user, &name).await;
        let pages: Vec<(&str, &str)> = pages.iter().map(|(n, p)| (*n, p.as_str())).collect();
        shoot_pages(&browser, &app, &dir, &pages).await;
        browser.log_out().await;
    }
    browser.close().await;
}
