//! Documents an Inspektorat would accept, and the treasurer's page (issue 15 §2, §3), over HTTP
//! as the demo's `opd`, `bendahara` and the provider the rotation proposes: every document
//! kind's text (long dates, the BAST's day and date in words, the signer's role for the value
//! and the office's setting, the stamp-duty space at its threshold ±1, the provider's heading
//! on the provider's own documents), the office's letterhead fields, the tax lines that explain
//! themselves, billing codes and NTPNs, and overdue payments listed first.

use reqwest::StatusCode;

use crate::both;
use crate::helpers::{TestApp, Visitor};
use crate::pdftext;
use karya::domain::dates::{date_in_words, format_date, today_wib};

both!(
    every_document_kind_reads_as_an_inspektorat_expects,
    the_stamp_duty_space_follows_its_threshold,
    the_office_form_keeps_letterhead_fields_and_signer,
    the_treasurer_pays_with_billing_codes_and_ntpns,
    overdue_payments_are_marked_and_listed_first,
);

/// The demo's kind of work "Servis AC".
async fn ac_category(app: &TestApp) -> i64 {
    sqlx::query_scalar(
        "SELECT c.id FROM procurement_categories c JOIN trades t ON t.id = c.trade_id \
         WHERE t.code = 'RAC' AND c.active = 1 ORDER BY c.id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("the demo has Servis AC")
}

async fn version(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar::<_, i64>("SELECT version FROM office_requests WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .to_string()
}

async fn act(
    app: &TestApp,
    v: &Visitor,
    id: i64,
    slug: &str,
    fields: &[(&str, &str)],
) -> crate::helpers::Page {
    let ver = version(app, id).await;
    let mut all = vec![("versi", ver.as_str())];
    all.extend_from_slice(fields);
    v.post(&format!("/pengadaan/{id}/{slug}"), &all).await
}

/// A signed-in account for the owner of `business`.
async fn provider(app: &TestApp, business: i64) -> Visitor {
    let username = format!("dok{business}");
    sqlx::query(
        "INSERT INTO users (username, display_name, role, alumnus_id, password_hash, \
         created_at, updated_at, password_changed_at) \
         SELECT $1, 'Penyedia uji', 'alumni', b.alumnus_id, u.password_hash, 0, 0, 0 \
         FROM businesses b, users u WHERE b.id = $2 AND u.username = 'alumni' \
         AND NOT EXISTS (SELECT 1 FROM users WHERE username = $1)",
    )
    .bind(&username)
    .bind(business)
    .execute(app.db.pool())
    .await
    .unwrap();
    app.signed_in(&username).await
}

/// One AC job of `value` (one unit at that price) walked by `opd` and the first proposal up to
/// the signed BAST. Returns the request id, the provider's business id and its visitor.
pub(crate) async fn up_to_bast(app: &TestApp, opd: &Visitor, value: i64) -> (i64, i64, Visitor) {
    let category = ac_category(app).await.to_string();
    let date = (today_wib() + time::Duration::days(3)).to_string();
    let hps = value.to_string();
    let page = opd
        .post(
            "/pengadaan/baru",
            &[
                ("category_id", &category),
                ("title", "Servis AC gedung"),
                ("item_description", "Servis AC gedung"),
                ("item_quantity", "1"),
                ("item_unit", "paket"),
                ("place", "Kantor Bupati"),
                ("kecamatan", "15.07.07"),
                ("date_from", &date),
                ("date_until", ""),
                ("time_window", ""),
                ("hps", &hps),
                ("notes", ""),
            ],
        )
        .await;
    page.assert_redirect_to("/pengadaan/");
    let id: i64 = page
        .location
        .as_deref()
        .unwrap()
        .trim_start_matches("/pengadaan/")
        .split(['?', '/'])
        .next()
        .unwrap()
        .parse()
        .unwrap();
    act(app, opd, id, "pilih", &[("pilihan", "otomatis")])
        .await
        .assert_redirect_to(&format!("/pengadaan/{id}"));
    let business: i64 = sqlx::query_scalar("SELECT business_id FROM office_requests WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let alumnus = provider(app, business).await;
    act(app, &alumnus, id, "tawar", &[("price", &hps), ("note", "")])
        .await
        .assert_redirect_to(&format!("/pengadaan/{id}"));
    act(app, opd, id, "pesan", &[])
        .await
        .assert_redirect_to(&format!("/pengadaan/{id}"));
    act(app, &alumnus, id, "selesai", &[])
        .await
        .assert_redirect_to(&format!("/pengadaan/{id}"));
    act(app, opd, id, "bast", &[("rating", "5"), ("note", "Rapi")])
        .await
        .assert_redirect_to(&format!("/pengadaan/{id}"));
    (id, business, alumnus)
}

/// The treasurer pays today with no deposit references.
async fn pay(app: &TestApp, id: i64) {
    let bendahara = app.signed_in("bendahara").await;
    let today = today_wib().to_string();
    act(
        app,
        &bendahara,
        id,
        "bayar",
        &[
            ("paid_on", &today),
            ("method", "transfer"),
            ("proof", "SP2D 00777/LS/2026"),
        ],
    )
    .await
    .assert_redirect_to(&format!("/pengadaan/{id}"));
}

/// The text of the request's live document of `kind`.
async fn text_of(app: &TestApp, id: i64, kind: &str) -> String {
    let pdf: Vec<u8> = sqlx::query_scalar(
        "SELECT pdf FROM office_documents WHERE request_id = $1 AND kind = $2 AND voided_at IS NULL",
    )
    .bind(id)
    .bind(kind)
    .fetch_one(app.db.pool())
    .await
    .unwrap_or_else(|e| panic!("{kind}: {e}"));
    pdftext::text(&pdf)
}

async fn business_name(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("SELECT name FROM businesses WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn every_document_kind_reads_as_an_inspektorat_expects(app: TestApp) {
    let opd = app.signed_in("opd").await;
    let today = today_wib();
    let long = format_date(today);
    let iso = today.to_string();
    let office: (String, String, String) =
        sqlx::query_as("SELECT name, phone, postal_code FROM offices WHERE code = 'SETDA'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(
        !office.1.is_empty() && !office.2.is_empty(),
        "the demo office has a phone and postal code"
    );

    // Rp60.000.000: an SPK besides the SP, signed by the PPK whatever the office chose.
    let (big, big_biz, _) = up_to_bast(&app, &opd, 60_000_000).await;
    pay(&app, big).await;
    // Rp3.000.000: a bukti pembelian, signed by the office's choice (Pejabat Pengadaan).
    let (small, small_biz, _) = up_to_bast(&app, &opd, 3_000_000).await;
    pay(&app, small).await;

    for (id, kind) in [
        (big, "sp"),
        (big, "spk"),
        (big, "bast"),
        (small, "sp"),
        (small, "bast"),
    ] {
        let text = text_of(&app, id, kind).await;
        // The government letterhead: district, office, contact line; the emblem is an image.
        for needle in [
            "PEMERINTAH KABUPATEN TANJUNG JABUNG TIMUR",
            &office.0.to_uppercase(),
            &format!("Telepon {}", office.1),
            &format!("Kode Pos {}", office.2),
            &long,
        ] {
            assert!(
                text.contains(needle),
                "{kind} #{id}: {needle} missing in {text}"
            );
        }
        assert!(!text.contains(&iso), "{kind}: an ISO date in {text}");
        let role = if id == big || kind == "spk" {
            "Pejabat Pembuat Komitmen"
        } else {
            "Pejabat Pengadaan"
        };
        assert!(
            text.contains(role),
            "{kind} #{id}: {role} missing in {text}"
        );
        if id == big {
            assert!(!text.contains("Pejabat Pengadaan"), "{kind}: {text}");
        } else {
            assert!(!text.contains("Pejabat Pembuat Komitmen"), "{kind}: {text}");
        }
    }
    // The BAST and the SPK open with the day, date and year in words.
    for (id, kind) in [(big, "spk"), (big, "bast"), (small, "bast")] {
        let text = text_of(&app, id, kind).await;
        let words = format!("Pada hari ini {}", date_in_words(today));
        assert!(text.contains(&words), "{kind}: {words} missing in {text}");
    }

    // The provider's own documents carry the provider's heading, never the government's.
    for (id, biz, kind) in [
        (big, big_biz, "invoice"),
        (big, big_biz, "kuitansi"),
        (small, small_biz, "invoice"),
        (small, small_biz, "bukti"),
    ] {
        let text = text_of(&app, id, kind).await;
        let name = business_name(&app, biz).await.to_uppercase();
        assert!(
            text.starts_with(&name),
            "{kind}: heading is not {name}: {text}"
        );
        assert!(text.contains("NPWP"), "{kind}: {text}");
        assert!(!text.contains("PEMERINTAH KABUPATEN"), "{kind}: {text}");
        assert!(!text.contains(&iso), "{kind}: {text}");
        assert!(text.contains(&long), "{kind}: {text}");
    }
    // The receipt says why a tax is not taken.
    let receipt = text_of(&app, small, "bukti").await;
    assert!(
        receipt.contains("PPN tidak dipungut"),
        "the demo's providers are not PKP: {receipt}"
    );
}

/// The receipt of a job of `value`: does it carry the stamp-duty space?
async fn stamped(app: &TestApp, opd: &Visitor, value: i64, kind: &str) -> bool {
    let (id, _, _) = up_to_bast(app, opd, value).await;
    pay(app, id).await;
    text_of(app, id, kind).await.contains("Meterai Rp10.000")
}

async fn the_stamp_duty_space_follows_its_threshold(app: TestApp) {
    let opd = app.signed_in("opd").await;
    // The default threshold, Rp5.000.000: a bukti pembelian.
    assert!(!stamped(&app, &opd, 5_000_000, "bukti").await);
    assert!(stamped(&app, &opd, 5_000_001, "bukti").await);

    // The agency moves it to Rp20.000.000 on the settings page: a kuitansi either side.
    let admin = app.signed_in("admin").await;
    let page = admin.get("/admin/pengadaan/pengaturan").await;
    assert!(
        page.contains("Batas nilai kuitansi bermeterai"),
        "{}",
        page.body
    );
    // A key the form does not send keeps its stored value.
    let refs = [("docs.meterai_threshold", "20.000.000")];
    let saved = admin.post("/admin/pengadaan/pengaturan", &refs).await;
    assert!(
        saved.status.is_redirection(),
        "{}: {}",
        saved.status,
        saved.body
    );
    assert!(!stamped(&app, &opd, 20_000_000, "kuitansi").await);
    assert!(stamped(&app, &opd, 20_000_001, "kuitansi").await);
}

async fn the_office_form_keeps_letterhead_fields_and_signer(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM offices WHERE code = 'SETDA'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let form = admin.get(&format!("/admin/opd/{id}/ubah")).await;
    let mut fields: Vec<(String, String)> = [
        "name",
        "code",
        "kind",
        "address",
        "kecamatan",
        "head_name",
        "head_nip",
        "ppk_name",
        "ppk_nip",
        "treasurer_name",
        "treasurer_nip",
    ]
    .iter()
    .map(|n| (n.to_string(), form.input_value(n).unwrap_or_default()))
    .collect();
    let kind: String = sqlx::query_scalar("SELECT kind FROM offices WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let kec: Option<String> =
        sqlx::query_scalar("SELECT kecamatan_code FROM offices WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    for (k, v) in fields.iter_mut() {
        if k == "kind" {
            *v = kind.clone();
        }
        if k == "kecamatan" {
            *v = kec.clone().unwrap_or_default();
        }
    }
    let with = |phone: &str, email: &str, postal: &str, signer: &str| {
        let mut all = fields.clone();
        all.extend([
            ("phone".to_owned(), phone.to_owned()),
            ("email".to_owned(), email.to_owned()),
            ("postal_code".to_owned(), postal.to_owned()),
            ("signer".to_owned(), signer.to_owned()),
        ]);
        all
    };
    let post = |all: Vec<(String, String)>| {
        let admin = &admin;
        async move {
            let refs: Vec<(&str, &str)> =
                all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            admin.post(&format!("/admin/opd/{id}/ubah"), &refs).await
        }
    };
    let stored = || async {
        sqlx::query_as::<_, (String, String, String, String)>(
            "SELECT phone, email, postal_code, signer FROM offices WHERE id = $1",
        )
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
    };
    let before = stored().await;

    // Bad input: every message at once, what was typed kept, nothing stored.
    let bad = post(with("telp kantor", "setda@", "3676", "bupati")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    for message in [
        "Tulis nomor telepon kantor dengan angka",
        "Tulis alamat email yang lengkap",
        "Kode pos terdiri atas 5 angka",
        "Pilih penanda tangan dari daftar.",
    ] {
        assert!(bad.contains(message), "{message} missing");
    }
    assert_eq!(bad.input_value("phone").as_deref(), Some("telp kantor"));
    assert_eq!(bad.input_value("email").as_deref(), Some("setda@"));
    assert_eq!(stored().await, before);

    // Good input is stored, and the office's next small letters are signed by its PPK.
    let good = post(with(
        "(0741) 570123",
        "Setda@TanjabtimKab.go.id",
        "36761",
        "ppk",
    ))
    .await;
    assert!(good.status.is_redirection(), "{}", good.body);
    assert_eq!(
        stored().await,
        (
            "(0741) 570123".to_owned(),
            "setda@tanjabtimkab.go.id".to_owned(),
            "36761".to_owned(),
            "ppk".to_owned()
        )
    );
    let opd = app.signed_in("opd").await;
    let (small, _, _) = up_to_bast(&app, &opd, 2_500_000).await;
    let sp = text_of(&app, small, "sp").await;
    assert!(sp.contains("Pejabat Pembuat Komitmen"), "{sp}");
    assert!(sp.contains("Telepon (0741) 570123"), "{sp}");
    assert!(sp.contains("Email setda@tanjabtimkab.go.id"), "{sp}");
}

async fn the_treasurer_pays_with_billing_codes_and_ntpns(app: TestApp) {
    let opd = app.signed_in("opd").await;
    // A service of Rp3.000.000: PPh 23 (or the final rate) is withheld, so one deposit.
    let (id, business, _) = up_to_bast(&app, &opd, 3_000_000).await;
    let bendahara = app.signed_in("bendahara").await;
    let page = bendahara.get(&format!("/pengadaan/{id}")).await;
    assert!(
        page.contains("Rekening penyedia") && page.contains("NPWP penyedia"),
        "{}",
        page.body
    );
    assert!(page.contains("PPN tidak dipungut"), "{}", page.body);
    let code: String = sqlx::query_scalar(
        "SELECT CASE WHEN umkm_final = 1 THEN 'pph_final' ELSE 'pph23' END FROM businesses \
         WHERE id = $1",
    )
    .bind(business)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let billing = format!("billing-{code}");
    let ntpn = format!("ntpn-{code}");
    assert!(page.input_value(&billing).is_some(), "{}", page.body);
    let today = today_wib().to_string();
    let pay = |b: &'static str, n: &'static str| {
        let (bendahara, billing, ntpn, today) =
            (&bendahara, billing.clone(), ntpn.clone(), today.clone());
        let app = &app;
        async move {
            act(
                app,
                bendahara,
                id,
                "bayar",
                &[
                    ("paid_on", &today),
                    ("method", "transfer"),
                    ("proof", "SP2D 00888/LS/2026"),
                    (&billing, b),
                    (&ntpn, n),
                ],
            )
            .await
        }
    };
    let payments = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM office_payments WHERE request_id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap()
    };

    // Bad references are refused with their messages, kept as typed, and nothing is paid.
    for (b, n, message) in [
        (
            "0123 4567 8901 23",
            "",
            "Kode billing terdiri atas 15 angka.",
        ),
        ("01234567890123X", "", "Kode billing hanya berisi angka."),
        ("", "A1B2C3D4E5F60718", "tulis juga kode billingnya"),
        (
            "012345678901234",
            "A1B2C3D4E5F607",
            "NTPN terdiri atas 16 huruf dan angka.",
        ),
    ] {
        let refused = pay(b, n).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{b} {n}");
        assert!(refused.contains(message), "{message} missing");
        assert_eq!(refused.input_value(&billing).as_deref(), Some(b));
        assert_eq!(refused.input_value(&ntpn).as_deref(), Some(n));
        assert_eq!(payments().await, 0);
    }

    // A billing code alone is fine; the NTPN follows days later on the deposit form.
    pay("0123 4567 8901 234", "")
        .await
        .assert_redirect_to(&format!("/pengadaan/{id}"));
    let deposit = || async {
        sqlx::query_as::<_, (String, String)>(
            "SELECT t.billing_code, t.ntpn FROM office_payment_taxes t \
             JOIN office_payments p ON p.id = t.payment_id WHERE p.request_id = $1",
        )
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
    };
    assert_eq!(
        deposit().await,
        ("012345678901234".to_owned(), String::new())
    );
    let page = bendahara.get(&format!("/pengadaan/{id}")).await;
    assert!(
        page.contains("Kode billing 012345678901234 · NTPN belum dicatat"),
        "{}",
        page.body
    );
    let setor = |n: &'static str| {
        let (bendahara, billing, ntpn) = (&bendahara, billing.clone(), ntpn.clone());
        async move {
            bendahara
                .post(
                    &format!("/pengadaan/{id}/setoran"),
                    &[(&billing, "012345678901234"), (&ntpn, n)],
                )
                .await
        }
    };
    let refused = setor("A1B2").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("NTPN terdiri atas 16 huruf dan angka."));
    assert_eq!(deposit().await.1, "");
    setor("a1b2 c3d4 e5f6 0718")
        .await
        .assert_redirect_to(&format!("/pengadaan/{id}"));
    assert_eq!(
        deposit().await,
        ("012345678901234".to_owned(), "A1B2C3D4E5F60718".to_owned())
    );
    let page = bendahara.get(&format!("/pengadaan/{id}")).await;
    assert!(page.contains("NTPN A1B2C3D4E5F60718"), "{}", page.body);
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'procurement.deposit'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(audited, 1);
    // Only the treasurer writes deposits.
    let refused = opd
        .post(
            &format!("/pengadaan/{id}/setoran"),
            &[(&billing, "012345678901234"), (&ntpn, "ZZZZZZZZZZZZZZZZ")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(deposit().await.1, "A1B2C3D4E5F60718");
}

async fn overdue_payments_are_marked_and_listed_first(app: TestApp) {
    let opd = app.signed_in("opd").await;
    let (id, business, alumnus) = up_to_bast(&app, &opd, 1_500_000).await;
    // The BAST was signed 20 days ago: past the default 14 days.
    let bast = karya::db::now() - 20 * 86_400;
    sqlx::query("UPDATE office_requests SET bast_at = $1 WHERE id = $2")
        .bind(bast)
        .bind(id)
        .execute(app.db.pool())
        .await
        .unwrap();
    let bendahara = app.signed_in("bendahara").await;
    for (who, visitor) in [
        ("bendahara", &bendahara),
        ("opd", &opd),
        ("penyedia", &alumnus),
    ] {
        let list = visitor.get("/pengadaan").await;
        let doc = scraper::Html::parse_document(&list.body);
        let rows = scraper::Selector::parse("ul.gov-rows > li").unwrap();
        let rows: Vec<String> = doc
            .select(&rows)
            .map(|r| r.text().collect::<Vec<_>>().join(" "))
            .collect();
        let ours = rows
            .iter()
            .position(|r| r.contains(&format!("#{id} ")))
            .unwrap_or_else(|| panic!("{who}: #{id} not listed"));
        assert!(
            rows[ours].contains("terlambat 20 hari"),
            "{who}: {}",
            rows[ours]
        );
        // Every row above it is overdue too, by as long or longer.
        let late = |r: &String| {
            r.split("terlambat ")
                .nth(1)
                .and_then(|s| s.split(' ').next())
                .and_then(|d| d.parse::<i64>().ok())
        };
        for r in &rows[..ours] {
            assert!(late(r).is_some_and(|d| d >= 20), "{who}: {r}");
        }
        for r in &rows[ours + 1..] {
            assert!(late(r).is_none_or(|d| d <= 20), "{who}: {r}");
        }
    }
    let page = bendahara.get(&format!("/pengadaan/{id}")).await;
    assert!(
        page.contains("Pembayaran terlambat 20 hari"),
        "{}",
        page.body
    );
    let _ = business;
    // At 14 days it is not yet late.
    sqlx::query("UPDATE office_requests SET bast_at = $1 WHERE id = $2")
        .bind(karya::db::now() - 14 * 86_400)
        .bind(id)
        .execute(app.db.pool())
        .await
        .unwrap();
    let page = bendahara.get(&format!("/pengadaan/{id}")).await;
    assert!(!page.contains("Pembayaran terlambat"), "{}", page.body);
}

/// Every document kind rendered to PNG for a visual review: `KARYA_SCREENSHOTS=/tmp/shots cargo
/// test --test http documents::documents_as_png -- --include-ignored` writes
/// `dokumen-<kind>-<page>.png` (pdftoppm, 60 dpi) and the PDFs beside them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(karya_test_screenshots), ignore = "needs KARYA_SCREENSHOTS")]
async fn documents_as_png() {
    let Some(dir) = std::env::var_os("KARYA_SCREENSHOTS")
        .filter(|d| !d.is_empty())
        .map(std::path::PathBuf::from)
    else {
        return;
    };
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    let app = crate::helpers::spawn(karya::config::Backend::Sqlite)
        .await
        .expect("sqlite app");
    let opd = app.signed_in("opd").await;
    // An SPK-sized job with a kuitansi bearing the stamp duty, and a small one.
    let (big, _, _) = up_to_bast(&app, &opd, 60_000_000).await;
    pay(&app, big).await;
    let (small, _, _) = up_to_bast(&app, &opd, 1_750_000).await;
    pay(&app, small).await;
    for (id, kind) in [
        (big, "sp"),
        (big, "spk"),
        (big, "invoice"),
        (big, "bast"),
        (big, "kuitansi"),
        (small, "bukti"),
    ] {
        let pdf: Vec<u8> = sqlx::query_scalar(
            "SELECT pdf FROM office_documents WHERE request_id = $1 AND kind = $2 \
             AND voided_at IS NULL",
        )
        .bind(id)
        .bind(kind)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        let path = dir.join(format!("dokumen-{kind}.pdf"));
        std::fs::write(&path, &pdf).expect("write pdf");
        eprintln!("{kind}: {} bytes", pdf.len());
        let status = std::process::Command::new("pdftoppm")
            .args(["-png", "-r", "60"])
            .arg(&path)
            .arg(dir.join(format!("dokumen-{kind}")))
            .status()
            .expect("pdftoppm (poppler-utils) installed");
        assert!(status.success(), "pdftoppm {kind}");
    }
    eprintln!("documents written to {}", dir.display());
}
