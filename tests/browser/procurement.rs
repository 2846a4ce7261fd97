//! The government channel's journey in a real browser: `opd` asks for servicing of 12 AC units
//! and picks the rotation's first proposal; the alumnus who owns it accepts with a quote; `opd`
//! issues the Surat Pesanan; the alumnus marks the work done; `opd` signs the BAST; `bendahara`
//! records the payment with tax; every document downloads as a PDF; the purchase appears in the
//! public procurement data.

use fantoccini::Locator;
use karya::config::Backend;
use serde_json::json;

use super::Browser;
use crate::helpers::{self, DEMO_PASSWORD};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(karya_test_browser),
    ignore = "chromedriver or chromium not on PATH"
)]
async fn an_office_buys_ac_servicing_from_an_alumnus() {
    let browser = Browser::launch(true).await;
    let app = helpers::spawn(Backend::Sqlite).await.expect("sqlite app");
    let pool = app.db.pool();
    let category: i64 = sqlx::query_scalar(
        "SELECT c.id FROM procurement_categories c JOIN trades t ON t.id = c.trade_id \
         WHERE t.code = 'RAC' ORDER BY c.id LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .expect("the demo has the kind of work Servis AC");

    // The office files the request.
    browser.log_in(&app, "opd", "Rudi Hartono (Setda)").await;
    browser.open(&app, "/pengadaan").await;
    browser.follow("//main", "Buat permintaan").await;
    browser.expect_text("Permintaan pekerjaan baru").await;
    let date = (karya::domain::dates::today_wib() + time::Duration::days(5)).to_string();
    browser
        .client
        .execute(
            "document.getElementById('category_id').value = arguments[0];\
             document.getElementById('date_from').value = arguments[1];",
            vec![json!(category.to_string()), json!(date)],
        )
        .await
        .expect("category and date");
    browser.fill("title", "Servis AC ruang rapat Setda").await;
    browser
        .fill("item_description", "Servis AC split 1 PK")
        .await;
    browser.fill("item_quantity", "12").await;
    browser.fill("item_unit", "unit").await;
    browser.fill("time_window", "08.00–15.00").await;
    browser
        .press("//main", "Simpan dan lihat usulan penyedia")
        .await;
    browser.expect_text("Usulan penyedia").await;
    let path = browser.path().await;
    let id: i64 = path
        .trim_start_matches("/pengadaan/")
        .split('?')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("request page {path}"));

    // The first proposal is checked; the office asks it.
    let first = browser
        .find(Locator::Css("input[name='pilihan']:checked"))
        .await
        .attr("value")
        .await
        .expect("value")
        .and_then(|v| v.parse::<i64>().ok())
        .expect("a business id");
    browser.press("//main", "Minta penyedia terpilih").await;
    browser.expect_text("Menunggu jawaban penyedia").await;
    browser.log_out().await;

    // The alumnus who owns it (an account made for them here) answers with a quote.
    sqlx::query(
        "INSERT INTO users (username, display_name, role, alumnus_id, password_hash, created_at, \
         updated_at, password_changed_at) SELECT 'teknisi.ac', 'Teknisi AC', 'alumni', b.alumnus_id, \
         u.password_hash, 0, 0, 0 FROM businesses b, users u WHERE b.id = $1 AND u.username = 'alumni'",
    )
    .bind(first)
    .execute(pool)
    .await
    .expect("provider account");
    browser.log_in(&app, "teknisi.ac", "Teknisi AC").await;
    browser.open(&app, "/pengadaan").await;
    browser.expect_text("Perlu tindakan Anda").await;
    browser.open(&app, &format!("/pengadaan/{id}")).await;
    browser.expect_text("Batas jawab").await;
    browser.fill("price", "125.000").await;
    browser
        .fill("note", "Cuci indoor dan outdoor, cek freon")
        .await;
    browser.press("//main", "Terima dan kirim penawaran").await;
    browser.expect_text("Penawaran terkirim").await;
    browser.log_out().await;

    // The office accepts the quote: the Surat Pesanan is issued.
    browser.log_in(&app, "opd", "Rudi Hartono (Setda)").await;
    browser.open(&app, &format!("/pengadaan/{id}")).await;
    browser.expect_text("Rp1.500.000").await;
    browser
        .expect_text("Satu juta lima ratus ribu rupiah")
        .await;
    browser
        .press("//main", "Setujui penawaran dan terbitkan Surat Pesanan")
        .await;
    browser.expect_text("Surat Pesanan terbit").await;
    browser.log_out().await;

    // The alumnus marks the work done (the invoice is issued).
    browser.log_in(&app, "teknisi.ac", "Teknisi AC").await;
    browser.open(&app, &format!("/pengadaan/{id}")).await;
    browser.press("//main", "Tandai pekerjaan selesai").await;
    browser
        .expect_text("Pekerjaan selesai, menunggu BAST")
        .await;
    browser.log_out().await;

    // The office signs the hand-over with a rating.
    browser.log_in(&app, "opd", "Rudi Hartono (Setda)").await;
    browser.open(&app, &format!("/pengadaan/{id}")).await;
    browser
        .find(Locator::Css("input[name='rating'][value='5']"))
        .await
        .click()
        .await
        .expect("five stars");
    browser.press("//main", "Tandatangani BAST").await;
    browser.expect_text("BAST ditandatangani").await;
    browser.log_out().await;

    // The treasurer sees gross, tax and net, and records the payment.
    browser
        .log_in(&app, "bendahara", "Sri Wahyuni (Setda)")
        .await;
    browser.open(&app, &format!("/pengadaan/{id}")).await;
    browser.expect_text("Dibayarkan ke penyedia (neto)").await;
    let today = karya::domain::dates::today_wib().to_string();
    browser
        .client
        .execute(
            "document.getElementById('paid_on').value = arguments[0];",
            vec![json!(today)],
        )
        .await
        .expect("date");
    browser.fill("proof", "SP2D 0457/LS/2026").await;
    browser
        .find(Locator::Css("input[name='method'][value='transfer']"))
        .await
        .click()
        .await
        .expect("method");
    browser
        .press("//main", "Simpan pembayaran dan terbitkan kuitansi")
        .await;
    browser.expect_text("Pembayaran tercatat").await;
    let (gross, withheld, net): (i64, i64, i64) =
        sqlx::query_as("SELECT gross, withheld, net FROM office_payments WHERE request_id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .expect("payment stored");
    assert_eq!(gross, 1_500_000);
    assert!(withheld > 0 && net == gross - withheld);
    let state: String = sqlx::query_scalar("SELECT state FROM office_requests WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .expect("state");
    assert_eq!(state, "paid");

    // Every document on the page downloads as a PDF (fetched with the treasurer's session).
    let links = browser
        .client
        .find_all(Locator::Css(".doc-rows a"))
        .await
        .expect("document links");
    let mut hrefs = Vec::new();
    for l in links {
        hrefs.push(l.attr("href").await.expect("href").expect("a link"));
    }
    assert_eq!(hrefs.len(), 4, "SP, invoice, BAST and receipt: {hrefs:?}");
    let http = helpers::client();
    let login = http
        .get(format!("{}/masuk", app.base))
        .send()
        .await
        .expect("login page");
    let page = helpers::read(login).await;
    let csrf = page.input_value("_csrf").expect("csrf");
    http.post(format!("{}/masuk", app.base))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", "bendahara"),
            ("password", DEMO_PASSWORD),
        ])
        .send()
        .await
        .expect("login");
    for href in &hrefs {
        let r = http
            .get(format!("{}{href}", app.base))
            .send()
            .await
            .expect("download");
        assert_eq!(r.status(), 200, "{href}");
        assert_eq!(r.headers()["content-type"], "application/pdf", "{href}");
        assert!(
            r.bytes().await.expect("bytes").starts_with(b"%PDF"),
            "{href}"
        );
    }
    browser.log_out().await;

    // The purchase is public: on the open-data page and in the OCDS package.
    browser.open(&app, "/pengadaan/data").await;
    browser.expect_text("Servis AC ruang rapat Setda").await;
    let ocds: serde_json::Value = http
        .get(format!("{}/api/v1/procurement.json", app.base))
        .send()
        .await
        .expect("ocds")
        .json()
        .await
        .expect("json");
    let titles: Vec<&str> = ocds["releases"]
        .as_array()
        .expect("releases")
        .iter()
        .filter_map(|r| r["tender"]["title"].as_str())
        .collect();
    assert!(
        titles.contains(&"Servis AC ruang rapat Setda"),
        "{titles:?}"
    );
    browser.close().await;
}

/// The procurement pages at phone and desktop widths for the `screenshots` test: the office's
/// list, form (with errors) and a request awaiting its choice, the provider's answer, the
/// treasurer's payment form, and a finished purchase with its documents.
pub(super) async fn procurement_screenshots(
    browser: &Browser,
    app: &helpers::TestApp,
    dir: &std::path::Path,
) {
    let pool = app.db.pool();
    let pick = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_optional(pool)
            .await
            .expect("query")
    };
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
    let completed = pick(
        "SELECT MAX(id) FROM office_requests WHERE state = 'completed' \
         AND office_id = (SELECT office_id FROM users WHERE username = 'opd')",
    )
    .await;
    let offered_to_siti = pick(
        "SELECT MAX(q.id) FROM office_requests q JOIN businesses b ON b.id = q.business_id \
         JOIN users u ON u.alumnus_id = b.alumnus_id WHERE u.username = 'alumni' AND q.state = 'offered'",
    )
    .await;
    browser
        .client
        .delete_all_cookies()
        .await
        .expect("clear cookies");
    super::shoot_pages(
        browser,
        app,
        dir,
        &[
            ("pengadaan-cara-kerja", "/pengadaan/cara-kerja"),
            ("pengadaan-data", "/pengadaan/data"),
        ],
    )
    .await;

    browser.viewport(1280, 900).await;
    browser.log_in(app, "opd", "Rudi Hartono (Setda)").await;
    let mut pages = vec![
        ("pengadaan-opd", "/pengadaan".to_owned()),
        ("pengadaan-baru", "/pengadaan/baru".to_owned()),
    ];
    for (name, id) in [("pengadaan-usulan", open), ("pengadaan-selesai", completed)] {
        if let Some(id) = id {
            pages.push((name, format!("/pengadaan/{id}")));
        }
    }
    let refs: Vec<(&str, &str)> = pages.iter().map(|(n, p)| (*n, p.as_str())).collect();
    super::shoot_pages(browser, app, dir, &refs).await;
    for (w, h) in super::SIZES {
        browser.viewport(w, h).await;
        browser.open(app, "/pengadaan/baru").await;
        browser.fill("title", "AC").await;
        browser
            .press("//main", "Simpan dan lihat usulan penyedia")
            .await;
        browser.find(Locator::Css("p.err")).await;
        super::shoot(browser, dir, "pengadaan-baru-galat", w, h).await;
    }
    browser.viewport(1280, 900).await;
    browser.log_out().await;

    browser
        .log_in(app, "bendahara", "Sri Wahyuni (Setda)")
        .await;
    if let Some(id) = accepted {
        let path = format!("/pengadaan/{id}");
        super::shoot_pages(browser, app, dir, &[("pengadaan-bayar", path.as_str())]).await;
    }
    browser.viewport(1280, 900).await;
    browser.log_out().await;

    browser.log_in(app, "alumni", "Siti Rahmawati").await;
    let mut pages = vec![
        ("pengadaan-penyedia", "/pengadaan".to_owned()),
        ("pengadaan-pajak", "/usaha/pengadaan".to_owned()),
    ];
    if let Some(id) = offered_to_siti {
        pages.push(("pengadaan-jawab", format!("/pengadaan/{id}")));
    }
    let refs: Vec<(&str, &str)> = pages.iter().map(|(n, p)| (*n, p.as_str())).collect();
    super::shoot_pages(browser, app, dir, &refs).await;
    browser.viewport(1280, 900).await;
    browser.log_out().await;
}
