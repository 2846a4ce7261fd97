//! Screenshots of the agency's side of the government channel at phone and desktop widths: the
//! office list and form (also with messages), needs and budget lines, kinds of work, settings
//! (also with a message), the head's view, appeals, an office's own page, and the public page on
//! rotation. Only when `KARYA_SCREENSHOTS` names a directory.

use std::path::PathBuf;

use fantoccini::Locator;
use karya::config::Backend;

use super::{Browser, SIZES, display_name, shoot, shoot_pages};
use crate::helpers;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(all(karya_test_browser, karya_test_screenshots)),
    ignore = "needs KARYA_SCREENSHOTS and chromium"
)]
async fn gov_admin_screenshots() {
    let Some(dir) = std::env::var_os("KARYA_SCREENSHOTS")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
    else {
        return;
    };
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    let browser = Browser::launch_with(true, &["--hide-scrollbars"]).await;
    let app = helpers::spawn(Backend::Sqlite).await.expect("sqlite app");
    let office: i64 = app
        .scalar("SELECT office_id FROM users WHERE username = 'opd'")
        .await;
    // An appeal to answer, so the page shows its form.
    let business: i64 = app.scalar("SELECT MIN(id) FROM businesses").await;
    sqlx::query(
        "INSERT INTO rotation_appeals (business_id, note, created_at) \
         VALUES ($1, 'Dua ulasan buruk terjadi saat listrik padam seharian di Geragai; mohon ditinjau.', 1767225600)",
    )
    .bind(business)
    .execute(app.db.pool())
    .await
    .expect("appeal");
    let line: Option<i64> =
        sqlx::query_scalar("SELECT MIN(id) FROM office_budget_lines WHERE office_id = $1")
            .bind(office)
            .fetch_one(app.db.pool())
            .await
            .expect("budget line");

    shoot_pages(
        &browser,
        &app,
        &dir,
        &[("pengadaan-cara-kerja", "/pengadaan/cara-kerja")],
    )
    .await;

    let admin_name = display_name(&app, "admin").await;
    browser.viewport(1280, 900).await;
    browser.log_in(&app, "admin", &admin_name).await;
    let mut pages = vec![
        ("opd-daftar", "/admin/opd".to_owned()),
        ("opd-baru", "/admin/opd/baru".to_owned()),
        ("opd-ubah", format!("/admin/opd/{office}/ubah")),
        ("opd-anggaran", format!("/admin/opd/{office}/anggaran")),
        ("pengadaan-jenis", "/admin/pengadaan/jenis".to_owned()),
        (
            "pengadaan-jenis-baru",
            "/admin/pengadaan/jenis/baru".to_owned(),
        ),
        (
            "pengadaan-pengaturan",
            "/admin/pengadaan/pengaturan".to_owned(),
        ),
        ("pengadaan-kinerja", "/admin/pengadaan/kinerja".to_owned()),
        ("pengadaan-banding", "/admin/pengadaan/banding".to_owned()),
        ("opd-halaman-admin", format!("/opd/{office}")),
    ];
    if let Some(line) = line {
        pages.push((
            "opd-rekening-ubah",
            format!("/admin/opd/{office}/rekening/{line}/ubah"),
        ));
    }
    let pages: Vec<(&str, &str)> = pages.iter().map(|(n, p)| (*n, p.as_str())).collect();
    shoot_pages(&browser, &app, &dir, &pages).await;

    // Forms sent with mistakes: a short NIP; a weight in words.
    for (w, h) in SIZES {
        browser.viewport(w, h).await;
        browser.open(&app, "/admin/opd/baru").await;
        browser.fill("name", "Dinas Contoh").await;
        browser.fill("code", "CONTOH").await;
        browser.fill("head_name", "Budi Santoso").await;
        browser.fill("head_nip", "1980 0101").await;
        browser
            .press("//form[@action='/admin/opd/baru']", "Tambah OPD")
            .await;
        browser.find(Locator::Css("p.err")).await;
        shoot(&browser, &dir, "opd-baru-galat", w, h).await;

        browser.open(&app, "/admin/pengadaan/pengaturan").await;
        browser.fill("rotation.weight_wait_day", "satu").await;
        browser
            .press(
                "//form[@action='/admin/pengadaan/pengaturan']",
                "Simpan pengaturan",
            )
            .await;
        browser.find(Locator::Css("p.err")).await;
        shoot(&browser, &dir, "pengadaan-pengaturan-galat", w, h).await;
    }
    // The head's view as printed for a coordination meeting: the print rules applied on
    // screen (through the stylesheet's own rules, which the page's CSP allows), at the width of
    // A4 less 12 mm margins.
    browser.viewport(700, 990).await;
    browser.open(&app, "/admin/pengadaan/kinerja").await;
    browser
        .client
        .execute(
            "for (const sheet of document.styleSheets) { for (const rule of sheet.cssRules) { \
               if (rule.media && rule.media.mediaText === 'print') { rule.media.mediaText = 'all'; } } }",
            vec![],
        )
        .await
        .expect("print rules on screen");
    shoot(&browser, &dir, "pengadaan-kinerja-cetak", 700, 990).await;
    // A fresh page has the header (hidden in print) to sign out with.
    browser.open(&app, "/dasbor").await;
    browser.log_out().await;

    // The office's own page as its operator sees it.
    let opd_name = display_name(&app, "opd").await;
    browser.viewport(1280, 900).await;
    browser.log_in(&app, "opd", &opd_name).await;
    shoot_pages(
        &browser,
        &app,
        &dir,
        &[("opd-halaman", &format!("/opd/{office}"))],
    )
    .await;
    browser.close().await;
    eprintln!("gov_admin screenshots written to {}", dir.display());
}
