//! The marketplace journey in a real browser: a guest finds a birthday cake the way people type
//! it, narrows to their kecamatan, orders without an account; the alumna accepts and delivers;
//! the guest confirms and reviews; the review shows on the storefront.

use fantoccini::Locator;
use karya::config::Backend;
use serde_json::json;

use super::Browser;
use crate::helpers;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(karya_test_browser),
    ignore = "chromedriver or chromium not on PATH"
)]
async fn guest_orders_a_cake_and_reviews_it() {
    let browser = Browser::launch(true).await;
    let app = helpers::spawn(Backend::Sqlite).await.expect("sqlite app");
    let star_business: i64 = sqlx::query_scalar(
        "SELECT b.id FROM businesses b JOIN users u ON u.alumnus_id = b.alumnus_id \
         WHERE u.username = 'alumni'",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("the demo alumna's business");

    // Search as people type, then narrow to Muara Sabak Timur, where the alumna bakes.
    browser.open(&app, "/katalog").await;
    browser.fill("q", "kue ultah").await;
    browser
        .press("//form[contains(@class,'catalog-form')]", "Cari")
        .await;
    browser.expect_text("hasil").await;
    assert!(browser.path().await.contains("q=kue+ultah"));
    browser
        .client
        .execute(
            "document.getElementById('kecamatan').value = arguments[0];",
            vec![json!("15.07.01")],
        )
        .await
        .expect("choose kecamatan");
    browser
        .press("//form[contains(@class,'catalog-form')]", "Cari")
        .await;
    browser
        .expect_text("yang melayani Muara Sabak Timur ditampilkan lebih dulu")
        .await;
    assert!(browser.path().await.contains("kecamatan=15.07.01"));
    // Her birthday cake is on the page; open it from its result.
    let result = format!(
        "//li[contains(@class,'result')][.//a[@href='/toko/{star_business}']]\
         [.//h2[contains(., 'Ulang Tahun')]]//h2/a"
    );
    let title = browser
        .find(Locator::XPath(&result))
        .await
        .text()
        .await
        .expect("title");
    browser
        .find(Locator::XPath(&result))
        .await
        .click()
        .await
        .expect("open the listing");
    browser.expect_text("Dapur Kue Siti").await;
    browser.follow("//main", "Pesan").await;

    // The order form, as a guest: one cake, delivered.
    browser.expect_text("Data pemesan").await;
    let qty = browser
        .find(Locator::XPath(&format!(
            "//div[contains(., \"{title}\")]/descendant::input[starts-with(@name,'qty_')][1]"
        )))
        .await;
    qty.clear().await.expect("clear quantity");
    qty.send_keys("1").await.expect("quantity");
    let needed = (time::OffsetDateTime::now_utc() + time::Duration::days(6)).date();
    browser
        .client
        .execute(
            "document.getElementById('needed_on').value = arguments[0];",
            vec![json!(needed.to_string())],
        )
        .await
        .expect("date");
    browser
        .find(Locator::Css("input[name='fulfilment'][value='delivery']"))
        .await
        .click()
        .await
        .expect("delivery");
    browser
        .fill("address", "Jl. Pelabuhan RT 03, Kampung Laut")
        .await;
    browser
        .fill("note", "Tulisan: Selamat Ulang Tahun Nadia")
        .await;
    browser.fill("name", "Nadia Putri").await;
    browser.fill("phone", "0812 7311 2040").await;
    browser.press("//main", "Kirim pesanan").await;
    browser.expect_text("Menunggu tanggapan penjual").await;
    let guest_link = browser.path().await;
    assert!(
        guest_link.contains("?t="),
        "guest link carries its token: {guest_link}"
    );
    let order: i64 = sqlx::query_scalar("SELECT id FROM orders WHERE buyer_name = 'Nadia Putri'")
        .fetch_one(app.db.pool())
        .await
        .expect("the order is stored once");
    assert_eq!(
        sqlx::query_scalar::<_, i64>("SELECT business_id FROM orders WHERE id = $1")
            .bind(order)
            .fetch_one(app.db.pool())
            .await
            .expect("business"),
        star_business
    );

    // The alumna accepts, starts and delivers.
    browser.log_in(&app, "alumni", "Siti Rahmawati").await;
    browser.open(&app, &format!("/pesanan/{order}")).await;
    browser.expect_text("Nadia Putri").await;
    for (action, state) in [
        ("Terima pesanan", "Diterima penjual"),
        ("Mulai kerjakan", "Sedang dikerjakan"),
        (
            "Tandai sudah dikirim/selesai dikerjakan",
            "Sudah dikirim/selesai dikerjakan",
        ),
    ] {
        browser.press("//main", action).await;
        browser.expect_text(state).await;
    }
    browser.log_out().await;

    // The guest, back through the saved link, confirms and reviews.
    browser.open(&app, &guest_link).await;
    browser
        .press("//main", "Konfirmasi pesanan sudah diterima")
        .await;
    browser.expect_text("Kirim ulasan").await;
    browser
        .find(Locator::Css("input[name='rating'][value='5']"))
        .await
        .click()
        .await
        .expect("five stars");
    browser
        .fill("body", "Kuenya cantik dan enak, datang tepat waktu.")
        .await;
    browser.press("//main", "Kirim ulasan").await;
    browser.expect_text("Selesai dan diulas").await;
    let state: String = sqlx::query_scalar("SELECT state FROM orders WHERE id = $1")
        .bind(order)
        .fetch_one(app.db.pool())
        .await
        .expect("state");
    assert_eq!(state, "reviewed");

    // The storefront shows the review.
    browser.open(&app, &format!("/toko/{star_business}")).await;
    browser
        .expect_text("Kuenya cantik dan enak, datang tepat waktu.")
        .await;
    browser.close().await;
}

/// The marketplace pages at phone and desktop widths (public, alumna, buyer, agency), for the
/// `screenshots` test.
pub(super) async fn market_screenshots(
    browser: &Browser,
    app: &helpers::TestApp,
    dir: &std::path::Path,
) {
    // Whoever the earlier shots left signed in, these start as a visitor.
    browser
        .client
        .delete_all_cookies()
        .await
        .expect("clear cookies");
    let (business, listing, order): (i64, i64, i64) = sqlx::query_as(
        "SELECT b.id, (SELECT MIN(l.id) FROM listings l WHERE l.business_id = b.id), \
           (SELECT MAX(o.id) FROM orders o WHERE o.business_id = b.id AND o.state = 'reviewed') \
         FROM businesses b JOIN users u ON u.alumnus_id = b.alumnus_id WHERE u.username = 'alumni'",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("the demo alumna's shop");
    let quoted: i64 = sqlx::query_scalar("SELECT MIN(id) FROM orders WHERE state = 'quoted'")
        .fetch_one(app.db.pool())
        .await
        .expect("a quoted order");
    let public = [
        (
            "katalog-kue",
            "/katalog?q=kue+ultah&kecamatan=15.07.01".to_owned(),
        ),
        ("katalog-kosong", "/katalog?q=zzzz".to_owned()),
        ("produk", format!("/katalog/{listing}")),
        ("toko", format!("/toko/{business}")),
        ("pesan", format!("/pesan?listing={listing}")),
    ];
    let pages: Vec<(&str, &str)> = public.iter().map(|(n, p)| (*n, p.as_str())).collect();
    super::shoot_pages(browser, app, dir, &pages).await;

    browser.viewport(1280, 900).await;
    browser.log_in(app, "alumni", "Siti Rahmawati").await;
    let alumna = [
        ("dasbor-alumni", "/dasbor".to_owned()),
        ("usaha", "/usaha".to_owned()),
        ("usaha-ubah", "/usaha/ubah".to_owned()),
        ("usaha-pesanan", "/usaha/pesanan".to_owned()),
        ("pesanan-penjual", format!("/pesanan/{order}")),
        ("pesanan-ditawar", format!("/pesanan/{quoted}")),
        ("notifikasi", "/notifikasi".to_owned()),
    ];
    let pages: Vec<(&str, &str)> = alumna.iter().map(|(n, p)| (*n, p.as_str())).collect();
    super::shoot_pages(browser, app, dir, &pages).await;
    browser.viewport(1280, 900).await;
    browser.log_out().await;

    browser.log_in(app, "admin", "Yuliana Sari").await;
    super::shoot_pages(
        browser,
        app,
        dir,
        &[
            ("admin-usaha", "/admin/usaha"),
            ("admin-sengketa", "/admin/sengketa"),
            ("admin-sinonim", "/admin/sinonim"),
        ],
    )
    .await;
    browser.viewport(1280, 900).await;
    browser.log_out().await;
}
