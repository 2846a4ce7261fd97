//! The tracer in a real browser: a batch ends, wave 1 goes out, and an alumna opens her
//! personal link on a 360 px phone with JavaScript off and answers; her answer is stored.

use fantoccini::Locator;
use karya::config::Backend;

use super::Browser;
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
    browser.close().await;
}
