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
    browser
        .fill("note", "Tulisan: Selamat Ulang Tahun Nadia")
        .await;
    order_delivered(&browser, 6, "Nadia Putri", "0812 7311 2040").await;
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

/// Completes the order form on screen (quantities and note already typed): needed in `days`
/// days, delivered to an address in Kampung Laut, for this buyer; and sends it.
async fn order_delivered(browser: &Browser, days: i64, name: &str, phone: &str) {
    let needed = (time::OffsetDateTime::now_utc() + time::Duration::days(days)).date();
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
    browser.fill("name", name).await;
    browser.fill("phone", phone).await;
    browser.press("//main", "Kirim pesanan").await;
}

/// The document's width in CSS pixels (wider than the window means a horizontal scroll).
async fn page_width(browser: &Browser) -> u64 {
    browser
        .client
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await
        .expect("page width")
        .as_u64()
        .unwrap_or(0)
}

/// Saves the window and the whole page as `<name>-360.png` when `KARYA_SCREENSHOTS` names a
/// folder.
async fn keep_shot(browser: &Browser, name: &str) {
    if let Some(dir) = std::env::var_os("KARYA_SCREENSHOTS").filter(|d| !d.is_empty()) {
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        super::shoot(browser, &dir, name, 360, 800).await;
    }
}

/// The href of the WhatsApp button, decoded: (number, text).
async fn whatsapp_button(browser: &Browser) -> (String, String) {
    let href = browser
        .find(Locator::Css("a.btn-wa"))
        .await
        .attr("href")
        .await
        .expect("href")
        .expect("a link");
    let rest = href.strip_prefix("https://wa.me/").expect("a wa.me link");
    let (to, text) = rest.split_once("?text=").expect("a prefilled text");
    let text = percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .expect("utf-8")
        .into_owned();
    (to.to_owned(), text)
}

/// A guest on a 360 px phone orders a cake to be delivered, tells the seller on WhatsApp from
/// the order-placed page (the text carries the amount and the order's link), the seller
/// accepts with a delivery fee, the guest sees the fee line and the QRIS for the total, and the
/// QR code is gone once the seller records the payment. No page scrolls sideways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(karya_test_browser),
    ignore = "chromedriver or chromium not on PATH"
)]
async fn a_guest_pays_an_order_with_ongkir_by_qris_on_a_phone() {
    const QRIS: &str = "00020101021126670016COM.NOBUBANK.WWW01189360050300000879140214703239147837910303UMI51440014ID.CO.QRIS.WWW0215ID20232709941630303UMI5204481253033605802ID5923GRANOOL STORE OK12295776006KEDIRI61056421262070703A0163047127";
    let browser = Browser::launch_with(true, &["--hide-scrollbars"]).await;
    let app = helpers::spawn(Backend::Sqlite).await.expect("sqlite app");
    let pool = app.db.pool();
    let (business, listing, price, lead): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT b.id, l.id, l.price, l.lead_days FROM businesses b \
         JOIN users u ON u.alumnus_id = b.alumnus_id \
         JOIN listings l ON l.business_id = b.id AND l.active = 1 AND l.price_kind = 'fixed' \
           AND l.min_order = 1 \
         WHERE u.username = 'alumni' ORDER BY l.id LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .expect("a fixed-price listing of the demo alumna");
    sqlx::query(
        "UPDATE businesses SET phone = '+6281311112222', qris_payload = $1, \
         bank_name = 'Bank Jambi', bank_account = '0071234567', bank_holder = 'Siti Rahmawati' \
         WHERE id = $2",
    )
    .bind(QRIS)
    .bind(business)
    .execute(pool)
    .await
    .expect("the shop's payment details");

    browser.viewport(360, 800).await;
    browser
        .open(&app, &format!("/pesan?listing={listing}"))
        .await;
    browser.expect_text("Data pemesan").await;
    order_delivered(&browser, lead + 2, "Rina Marlina", "0812 7311 5050").await;
    browser.expect_text("Pesanan terkirim").await;
    let guest_link = browser.path().await;
    let order: i64 = guest_link
        .trim_start_matches("/pesanan/")
        .split('?')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("the order's link: {guest_link}"));
    // The button to tell the seller, with the amount and the seller's link to the order.
    browser.expect_text("Kabari penjual lewat WhatsApp").await;
    browser.expect_text("ditentukan penjual").await;
    let (to, text) = whatsapp_button(&browser).await;
    assert_eq!(to, "6281311112222");
    let amount = karya::domain::rupiah::format_rupiah(price);
    assert!(text.contains(&amount), "{text}");
    assert!(text.contains(&format!("/pesanan/{order}")), "{text}");
    assert!(page_width(&browser).await <= 360, "order-placed page");
    keep_shot(&browser, "pesanan-tamu-terkirim").await;

    // The seller accepts with a delivery fee.
    browser.viewport(1280, 900).await;
    browser.log_in(&app, "alumni", "Siti Rahmawati").await;
    browser.viewport(360, 800).await;
    browser.open(&app, &format!("/pesanan/{order}")).await;
    let fee = browser.find(Locator::Id("ongkir-terima")).await;
    fee.send_keys("15.000").await.expect("delivery fee");
    keep_shot(&browser, "pesanan-penjual-ongkir").await;
    assert!(page_width(&browser).await <= 360, "seller's order page");
    browser.press("//main", "Terima pesanan").await;
    browser.expect_text("Diterima penjual").await;
    let (to, text) = whatsapp_button(&browser).await;
    assert_eq!(to, "6281273115050");
    let total = karya::domain::rupiah::format_rupiah(price + 15_000);
    assert!(text.contains(&total), "{text}");
    assert!(text.contains("?t="), "the guest's own link: {text}");
    browser.viewport(1280, 900).await;
    browser.log_out().await;

    // The guest sees the fee line, the total and the QRIS for it.
    browser.viewport(360, 800).await;
    browser.open(&app, &guest_link).await;
    browser.expect_text("Bayar dengan QRIS").await;
    browser.expect_text("Ongkos kirim").await;
    browser.expect_text(&total).await;
    browser.find(Locator::Css(".qris-code svg")).await;
    browser.expect_text("Simpan kode QR (PNG)").await;
    // With JavaScript the account number has a copy button.
    assert!(
        browser
            .find(Locator::Css("button[data-copy='rekening']"))
            .await
            .is_displayed()
            .await
            .expect("displayed"),
        "copy button"
    );
    assert!(page_width(&browser).await <= 360, "guest's order page");
    keep_shot(&browser, "pesanan-tamu-bayar").await;

    // The seller records the payment; the QR code is gone.
    browser.viewport(1280, 900).await;
    browser.log_in(&app, "alumni", "Siti Rahmawati").await;
    browser.open(&app, &format!("/pesanan/{order}")).await;
    browser
        .find(Locator::XPath(
            "//summary[normalize-space()='Catat pembayaran']",
        ))
        .await
        .click()
        .await
        .expect("open the payment form");
    browser
        .find(Locator::Css("input[name='method'][value='qris']"))
        .await
        .click()
        .await
        .expect("method");
    let today = time::OffsetDateTime::now_utc()
        .to_offset(time::UtcOffset::from_hms(7, 0, 0).expect("WIB"))
        .date();
    browser
        .client
        .execute(
            "document.getElementById('paid_on').value = arguments[0];",
            vec![json!(today.to_string())],
        )
        .await
        .expect("paid on");
    browser.fill("amount", &(price + 15_000).to_string()).await;
    browser.press("//main", "Simpan pembayaran").await;
    browser.expect_text("Pembayaran dicatat").await;
    browser.log_out().await;
    browser.viewport(360, 800).await;
    browser.open(&app, &guest_link).await;
    browser.expect_text("Menunggu konfirmasi pembeli").await;
    assert!(
        !browser.body_text().await.contains("Bayar dengan QRIS"),
        "the QR code is hidden once a payment is recorded"
    );
    assert!(page_width(&browser).await <= 360, "after payment");
    keep_shot(&browser, "pesanan-tamu-dicatat").await;
    browser.close().await;
}

/// The order and office pages this area changed, at phone and desktop widths: an order with a
/// delivery fee and its QRIS, the office's choice with catalog prices beside the HPS, and an
/// accepted request with the button to tell the treasurer. Only when `KARYA_SCREENSHOTS` names
/// a folder.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(all(karya_test_browser, karya_test_screenshots)),
    ignore = "needs KARYA_SCREENSHOTS and chromium"
)]
async fn order_and_choice_screenshots() {
    let Some((dir, browser, app)) = super::screenshot_session().await else {
        return;
    };
    let pool = app.db.pool();
    let pick = |sql: &'static str| async move {
        sqlx::query_scalar::<_, Option<i64>>(sql)
            .fetch_one(pool)
            .await
            .expect("query")
            .expect("a demo record")
    };
    let order = pick(
        "SELECT MAX(o.id) FROM orders o JOIN businesses b ON b.id = o.business_id \
         JOIN users u ON u.alumnus_id = b.alumnus_id \
         WHERE u.username = 'alumni' AND o.state = 'accepted' AND o.fulfilment = 'delivery'",
    )
    .await;
    sqlx::query("UPDATE orders SET delivery_fee = 15000, total = total + 15000 WHERE id = $1")
        .bind(order)
        .execute(pool)
        .await
        .expect("a fee");
    let open = pick(
        "SELECT MAX(id) FROM office_requests WHERE state = 'open' \
         AND office_id = (SELECT office_id FROM users WHERE username = 'opd')",
    )
    .await;
    let accepted = pick(
        "SELECT MAX(id) FROM office_requests WHERE state = 'accepted' \
         AND office_id = (SELECT office_id FROM users WHERE username = 'opd')",
    )
    .await;
    browser.viewport(1280, 900).await;
    browser.log_in(&app, "alumni", "Siti Rahmawati").await;
    super::shoot_pages(
        &browser,
        &app,
        &dir,
        &[("pesanan-ongkir-penjual", &format!("/pesanan/{order}"))],
    )
    .await;
    browser.viewport(1280, 900).await;
    browser.log_out().await;
    browser.log_in(&app, "opd", "Rudi Hartono (Setda)").await;
    super::shoot_pages(
        &browser,
        &app,
        &dir,
        &[
            ("pengadaan-pilih", &format!("/pengadaan/{open}")),
            ("pengadaan-bast", &format!("/pengadaan/{accepted}")),
        ],
    )
    .await;
    browser.close().await;
}
