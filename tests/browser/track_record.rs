//! Screenshots of the alumni track record at phone and desktop widths: the alumna's own page,
//! the agency's view with its links, and the records behind one figure. Only when
//! `KARYA_SCREENSHOTS` names a directory.

use super::{display_name, screenshot_session, shoot_pages};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(all(karya_test_browser, karya_test_screenshots)),
    ignore = "needs KARYA_SCREENSHOTS and chromium"
)]
async fn track_record_screenshots() {
    let Some((dir, browser, app)) = screenshot_session().await else {
        return;
    };
    let siti = app
        .scalar("SELECT alumnus_id FROM users WHERE username = 'alumni'")
        .await;

    browser.viewport(1280, 900).await;
    let alumna = display_name(&app, "alumni").await;
    browser.log_in(&app, "alumni", &alumna).await;
    shoot_pages(
        &browser,
        &app,
        &dir,
        &[("rekam-jejak-sendiri", "/akun/rekam-jejak")],
    )
    .await;
    browser.log_out().await;

    browser.viewport(1280, 900).await;
    let admin = display_name(&app, "admin").await;
    browser.log_in(&app, "admin", &admin).await;
    let record = format!("/admin/alumni/{siti}/rekam-jejak");
    let behind = format!("{record}/pendapatan");
    shoot_pages(
        &browser,
        &app,
        &dir,
        &[
            ("rekam-jejak-admin", &record),
            ("rekam-jejak-pendapatan", &behind),
        ],
    )
    .await;
    browser.close().await;
}
