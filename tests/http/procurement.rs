//! Office procurement over HTTP, as the demo's `opd` (Setda), `bendahara` (Setda), the provider
//! the rotation proposes (an account made for its owner) and other roles: the request form, the
//! proposals with their reasons, overrides, quotes and declines, documents as PDF, BAST,
//! payment with tax, confirmation, and who may open what.

use reqwest::StatusCode;
use sqlx::Row;

use crate::both;
use crate::helpers::{DEMO_PASSWORD, Page, TestApp, Visitor};
use crate::pdftext;

both!(
    an_office_request_is_validated_kept_and_stored,
    proposals_explain_themselves_and_overrides_need_a_reason,
    a_request_goes_from_quote_to_payment_over_http,
    declines_and_bad_answers_are_refused_or_passed_on,
    only_the_office_provider_and_agency_open_a_request,
    providers_keep_their_tax_position_and_appeal,
    npwp_stored_in_clear_is_sealed_at_start,
    proposals_show_the_catalog_price_beside_the_hps,
    whoever_waits_is_told_on_whatsapp_with_amount_and_link,
);

/// The kind of work "Servis AC" (trade RAC): the demo's, or made here if the demo has none.
async fn ac_category(app: &TestApp) -> i64 {
    let pool = app.db.pool();
    if let Some(id) = sqlx::query_scalar::<_, i64>(
        "SELECT c.id FROM procurement_categories c JOIN trades t ON t.id = c.trade_id \
         WHERE t.code = 'RAC' AND c.active = 1 ORDER BY c.id LIMIT 1",
    )
    .fetch_optional(pool)
    .await
    .unwrap()
    {
        return id;
    }
    sqlx::query_scalar(
        "INSERT INTO procurement_categories (trade_id, name, unit, tax_kind) \
         SELECT id, 'Servis AC', 'unit', 'services' FROM trades WHERE code = 'RAC' RETURNING id",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

fn request_form(category: i64, title: &str) -> Vec<(String, String)> {
    let c = category.to_string();
    let date = (karya::domain::dates::today_wib() + time::Duration::days(7)).to_string();
    vec![
        ("category_id".into(), c),
        ("title".into(), title.into()),
        ("item_description".into(), "Servis AC split 1 PK".into()),
        ("item_quantity".into(), "12".into()),
        ("item_unit".into(), "unit".into()),
        ("item_description".into(), "".into()),
        ("item_quantity".into(), "".into()),
        ("item_unit".into(), "".into()),
        ("place".into(), "Kantor Bupati, Jl. Lintas Timur".into()),
        ("kecamatan".into(), "15.07.07".into()),
        ("date_from".into(), date),
        ("date_until".into(), "".into()),
        ("time_window".into(), "08.00–12.00".into()),
        ("hps".into(), "2.400.000".into()),
        ("notes".into(), "".into()),
    ]
}

async fn post(v: &Visitor, path: &str, fields: &[(String, String)]) -> Page {
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    v.post(path, &refs).await
}

fn id_from(location: &str) -> i64 {
    location
        .trim_start_matches("/pengadaan/")
        .split(['?', '/'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// `opd` files a request for 12 AC units; returns its id.
async fn new_request(app: &TestApp, opd: &Visitor, title: &str) -> i64 {
    let category = ac_category(app).await;
    let page = post(opd, "/pengadaan/baru", &request_form(category, title)).await;
    page.assert_redirect_to("/pengadaan/");
    id_from(page.location.as_deref().unwrap())
}

/// The business ids in the order the page proposes them.
fn proposed(page: &Page) -> Vec<i64> {
    let doc = scraper::Html::parse_document(&page.body);
    let sel = scraper::Selector::parse("input[name=pilihan]").unwrap();
    doc.select(&sel)
        .filter_map(|e| e.value().attr("value")?.parse().ok())
        .collect()
}

/// A signed-in account for the owner of `business` (role alumni, the demo password).
async fn provider(app: &TestApp, business: i64) -> Visitor {
    let pool = app.db.pool();
    let username = format!("penyedia{business}");
    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username = $1")
        .bind(&username)
        .fetch_one(pool)
        .await
        .unwrap();
    if exists == 0 {
        sqlx::query(
            "INSERT INTO users (username, display_name, role, alumnus_id, password_hash, \
             created_at, updated_at, password_changed_at) \
             SELECT $1, 'Penyedia uji', 'alumni', b.alumnus_id, u.password_hash, 0, 0, 0 \
             FROM businesses b, users u WHERE b.id = $2 AND u.username = 'alumni'",
        )
        .bind(&username)
        .bind(business)
        .execute(pool)
        .await
        .unwrap();
    }
    let v = app.visitor();
    v.login(&username, DEMO_PASSWORD)
        .await
        .assert_redirect_to("/dasbor");
    v
}

async fn state_of(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("SELECT state FROM office_requests WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn version(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar::<_, i64>("SELECT version FROM office_requests WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .to_string()
}

async fn act(app: &TestApp, v: &Visitor, id: i64, slug: &str, fields: &[(&str, &str)]) -> Page {
    let ver = version(app, id).await;
    let mut all = vec![("versi", ver.as_str())];
    all.extend_from_slice(fields);
    v.post(&format!("/pengadaan/{id}/{slug}"), &all).await
}

async fn an_office_request_is_validated_kept_and_stored(app: TestApp) {
    let opd = app.signed_in("opd").await;
    let form = opd.get("/pengadaan/baru").await;
    assert_eq!(form.status, StatusCode::OK);
    // The office's address is the default place.
    let office_address: String = sqlx::query_scalar(
        "SELECT o.address FROM offices o JOIN users u ON u.office_id = o.id WHERE u.username = 'opd'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        form.input_value("place").as_deref(),
        Some(office_address.as_str())
    );

    let before = app.scalar("SELECT COUNT(*) FROM office_requests").await;
    let category = ac_category(&app).await;
    let mut bad = request_form(category, "Servis AC aula");
    bad[3].1 = "dua belas".into();
    bad.retain(|(k, _)| k != "date_from");
    bad.push(("date_from".into(), "2020-01-01".into()));
    bad.retain(|(k, _)| k != "hps");
    bad.push(("hps".into(), "2,4 juta".into()));
    let page = post(&opd, "/pengadaan/baru", &bad).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Jumlah harus angka bulat"), "{}", page.body);
    assert!(page.contains("tidak boleh sebelum hari ini"));
    assert!(page.contains("rupiah utuh"));
    // What was typed stays.
    assert_eq!(page.input_value("title").as_deref(), Some("Servis AC aula"));
    assert_eq!(
        page.input_value("item_quantity").as_deref(),
        Some("dua belas")
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM office_requests").await,
        before
    );

    let id = new_request(&app, &opd, "Servis AC aula lantai 2").await;
    let row = sqlx::query(
        "SELECT q.state, q.hps, q.kecamatan_code, q.fiscal_year, i.quantity, i.unit, i.unit_price \
         FROM office_requests q JOIN office_request_items i ON i.request_id = q.id WHERE q.id = $1",
    )
    .bind(id)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(row.len(), 1, "the empty item row is not stored");
    assert_eq!(row[0].get::<String, _>("state"), "open");
    assert_eq!(row[0].get::<i64, _>("hps"), 2_400_000);
    assert_eq!(row[0].get::<i64, _>("quantity"), 12);
    assert_eq!(row[0].get::<Option<i64>, _>("unit_price"), None);
    assert_eq!(
        row[0].get::<i64, _>("fiscal_year"),
        i64::from(karya::domain::dates::today_wib().year())
    );
    let page = opd.get(&format!("/pengadaan/{id}")).await;
    assert!(page.contains("Usulan penyedia"));
    assert!(page.contains("Servis AC split 1 PK"));

    // The office's dashboard counts what waits for it, as stored.
    let waiting = app
        .scalar(
            "SELECT COUNT(*) FROM office_requests WHERE state IN ('open','quoted','done','unserved') \
             AND office_id = (SELECT office_id FROM users WHERE username = 'opd')",
        )
        .await;
    let dash = opd.get("/dasbor").await;
    let card = dash.text_of(".stat");
    assert!(
        card.contains(&format!("{waiting}perlu tindakan Anda")),
        "{waiting} waiting; cards: {card}"
    );
}

async fn proposals_show_the_catalog_price_beside_the_hps(app: TestApp) {
    let opd = app.signed_in("opd").await;
    let id = new_request(&app, &opd, "Servis AC ruang rapat").await;
    let ids = proposed(&opd.get(&format!("/pengadaan/{id}")).await);
    // The first provider lists the service with a price for offices.
    let pool = app.db.pool();
    let category: i64 = sqlx::query_scalar("SELECT id FROM categories ORDER BY id LIMIT 1")
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query("UPDATE listings SET active = 0 WHERE business_id = $1")
        .bind(ids[0])
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO listings (business_id, kind, title, category_id, price_kind, price, \
         office_price, unit, created_at, updated_at) \
         VALUES ($1, 'service', 'Servis AC split 1/2-1 PK', $2, 'fixed', 150000, 140000, 'unit', 0, 0)",
    )
    .bind(ids[0])
    .bind(category)
    .execute(pool)
    .await
    .unwrap();
    let page = opd.get(&format!("/pengadaan/{id}")).await;
    assert!(page.contains("HPS Anda: <strong class=\"money\">Rp2.400.000</strong>"));
    let doc = scraper::Html::parse_document(&page.body);
    let sel = scraper::Selector::parse(".proposal").unwrap();
    let first: String = doc
        .select(&sel)
        .find(|e| e.html().contains(&format!("value=\"{}\"", ids[0])))
        .map(|e| e.text().collect())
        .expect("the first proposal");
    // 12 units at the office price, beside the HPS.
    assert!(
        first.contains("Servis AC split 1/2-1 PK: Rp140.000 / unit"),
        "{first}"
    );
    assert!(first.contains("Rp1.680.000"), "{first}");
    assert!(first.contains("HPS Rp2.400.000"), "{first}");
    // A provider whose catalog has nothing for the request says so.
    sqlx::query("UPDATE listings SET active = 0 WHERE business_id = $1")
        .bind(ids[1])
        .execute(pool)
        .await
        .unwrap();
    let page = opd.get(&format!("/pengadaan/{id}")).await;
    let doc = scraper::Html::parse_document(&page.body);
    let second: String = doc
        .select(&sel)
        .find(|e| e.html().contains(&format!("value=\"{}\"", ids[1])))
        .map(|e| e.text().collect())
        .expect("the second proposal");
    assert!(
        second.contains("belum ada produk/jasa yang cocok"),
        "{second}"
    );
}

async fn proposals_explain_themselves_and_overrides_need_a_reason(app: TestApp) {
    let opd = app.signed_in("opd").await;
    let id = new_request(&app, &opd, "Servis AC ruang rapat").await;
    let page = opd.get(&format!("/pengadaan/{id}")).await;
    let ids = proposed(&page);
    assert!(
        ids.len() >= 2,
        "at least two RAC businesses serve Muara Sabak Barat: {ids:?}"
    );
    // Each proposal says why, in words.
    let reasons = page.text_of(".proposal .reasons");
    assert!(reasons.contains("pekerjaan OPD"), "{reasons}");
    assert!(reasons.contains("Kec."), "{reasons}");

    // Passing over the first needs a reason; nothing changes without one.
    let second = ids[1].to_string();
    let refused = act(
        &app,
        &opd,
        id,
        "pilih",
        &[("pilihan", &second), ("alasan", "")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("tulis alasannya"), "{}", refused.body);
    assert_eq!(state_of(&app, id).await, "open");
    // The form comes back with the office's choice, not the rotation's first: one more click
    // must not send the job to another business.
    let doc = scraper::Html::parse_document(&refused.body);
    let checked = scraper::Selector::parse("input[name=pilihan][checked]").unwrap();
    let kept: Vec<&str> = doc
        .select(&checked)
        .filter_map(|e| e.value().attr("value"))
        .collect();
    assert_eq!(kept, vec![second.as_str()]);

    let chosen = act(
        &app,
        &opd,
        id,
        "pilih",
        &[
            ("pilihan", &second),
            ("alasan", "Pernah servis AC di gedung ini"),
        ],
    )
    .await;
    chosen.assert_redirect_to(&format!("/pengadaan/{id}"));
    let r = sqlx::query(
        "SELECT state, business_id, chosen_rank, override_reason, first_business_id, assigned \
         FROM office_requests WHERE id = $1",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(r.get::<String, _>("state"), "offered");
    assert_eq!(r.get::<i64, _>("business_id"), ids[1]);
    assert_eq!(r.get::<i64, _>("chosen_rank"), 2);
    assert_eq!(r.get::<i64, _>("first_business_id"), ids[0]);
    assert_eq!(
        r.get::<String, _>("override_reason"),
        "Pernah servis AC di gedung ini"
    );
    assert_eq!(r.get::<i64, _>("assigned"), 0);
    let offer: (String, i64) = {
        let o = sqlx::query("SELECT state, rank FROM office_offers WHERE request_id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        (o.get("state"), o.get("rank"))
    };
    assert_eq!(offer, ("pending".to_owned(), 2));
    // The office may tell the provider by WhatsApp, with the request's link, when it has a number.
    let phone: Option<String> = sqlx::query_scalar("SELECT phone FROM businesses WHERE id = $1")
        .bind(ids[1])
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let page = opd.get(&format!("/pengadaan/{id}")).await;
    assert_eq!(
        page.contains("Kabari penyedia lewat WhatsApp"),
        phone.is_some(),
        "{phone:?}"
    );
    if let Some(p) = phone {
        let digits: String = p.chars().filter(char::is_ascii_digit).collect();
        assert!(
            page.contains(&format!("https://wa.me/{digits}?text=")),
            "{}",
            page.body
        );
        assert!(page.contains(&format!("pengadaan%2F{id}")));
    }

    // "Let Karya assign" takes the first, recorded as assigned.
    let id2 = new_request(&app, &opd, "Servis AC ruang arsip").await;
    let first = proposed(&opd.get(&format!("/pengadaan/{id2}")).await)[0];
    act(&app, &opd, id2, "pilih", &[("otomatis", "1")])
        .await
        .assert_redirect_to(&format!("/pengadaan/{id2}"));
    let (b, assigned): (i64, i64) = {
        let r = sqlx::query("SELECT business_id, assigned FROM office_requests WHERE id = $1")
            .bind(id2)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        (r.get("business_id"), r.get("assigned"))
    };
    assert_eq!((b, assigned), (first, 1));
}

async fn a_request_goes_from_quote_to_payment_over_http(app: TestApp) {
    let opd = app.signed_in("opd").await;
    let id = new_request(&app, &opd, "Servis AC 12 unit").await;
    let first = proposed(&opd.get(&format!("/pengadaan/{id}")).await)[0];
    act(&app, &opd, id, "pilih", &[("pilihan", &first.to_string())])
        .await
        .assert_redirect_to(&format!("/pengadaan/{id}"));

    // The provider sees the deadline and answers with a price per item.
    let alumnus = provider(&app, first).await;
    let page = alumnus.get(&format!("/pengadaan/{id}")).await;
    assert!(page.contains("Batas jawab"), "{}", page.body);
    // Above the HPS (12 × 250.000 = 3.000.000 > 2.400.000): refused, price kept.
    let over = act(
        &app,
        &alumnus,
        id,
        "tawar",
        &[("price", "250.000"), ("note", "")],
    )
    .await;
    assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(over.contains("melebihi HPS"), "{}", over.body);
    assert_eq!(over.input_value("price").as_deref(), Some("250.000"));
    assert_eq!(state_of(&app, id).await, "offered");
    act(
        &app,
        &alumnus,
        id,
        "tawar",
        &[("price", "150.000"), ("note", "Termasuk cuci evaporator")],
    )
    .await
    .assert_redirect_to(&format!("/pengadaan/{id}"));
    assert_eq!(state_of(&app, id).await, "quoted");

    // The office sees the quote in figures and words and orders: the Surat Pesanan is issued.
    let page = opd.get(&format!("/pengadaan/{id}")).await;
    assert!(page.contains("Rp1.800.000"), "{}", page.body);
    assert!(page.contains("Satu juta delapan ratus ribu rupiah"));
    act(&app, &opd, id, "pesan", &[])
        .await
        .assert_redirect_to(&format!("/pengadaan/{id}"));
    let sp: (i64, String) = {
        let r = sqlx::query(
            "SELECT id, number FROM office_documents WHERE request_id = $1 AND kind = 'sp'",
        )
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        (r.get("id"), r.get("number"))
    };
    assert!(sp.1.contains("/SP/"), "{}", sp.1);
    let pdf = opd
        .client
        .get(format!("{}/pengadaan/dokumen/{}", opd.base, sp.0))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let text = pdftext::text(&pdf.bytes().await.unwrap());
    let office: String = sqlx::query_scalar(
        "SELECT o.name FROM offices o JOIN office_requests q ON q.office_id = o.id WHERE q.id = $1",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let business: String = sqlx::query_scalar("SELECT name FROM businesses WHERE id = $1")
        .bind(first)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    for needle in [
        sp.1.as_str(),
        "Rp1.800.000",
        "Satu juta delapan ratus ribu rupiah",
        &office.to_uppercase(),
        &business,
    ] {
        assert!(text.contains(needle), "{needle} missing in {text}");
    }

    // Work done → invoice; BAST needs a rating.
    act(&app, &alumnus, id, "selesai", &[])
        .await
        .assert_redirect_to(&format!("/pengadaan/{id}"));
    let no_rating = act(&app, &opd, id, "bast", &[("note", "rapi")]).await;
    assert_eq!(no_rating.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(state_of(&app, id).await, "done");
    act(
        &app,
        &opd,
        id,
        "bast",
        &[("rating", "5"), ("note", "Rapi dan tepat waktu")],
    )
    .await
    .assert_redirect_to(&format!("/pengadaan/{id}"));
    assert_eq!(state_of(&app, id).await, "accepted");

    // The treasurer sees gross, each tax and net before paying.
    let bendahara = app.signed_in("bendahara").await;
    let page = bendahara.get(&format!("/pengadaan/{id}")).await;
    assert!(page.contains("Catat pembayaran"));
    assert!(page.contains("PPh"), "{}", page.body);
    let tomorrow = (karya::domain::dates::today_wib() + time::Duration::days(1)).to_string();
    let bad = act(
        &app,
        &bendahara,
        id,
        "bayar",
        &[
            ("paid_on", &tomorrow),
            ("method", "transfer"),
            ("proof", ""),
        ],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.contains("masa depan") && bad.contains("nomor bukti"),
        "{}",
        bad.body
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM office_payments WHERE request_id = (SELECT MAX(id) FROM office_requests)").await, 0);
    let today = karya::domain::dates::today_wib().to_string();
    act(
        &app,
        &bendahara,
        id,
        "bayar",
        &[
            ("paid_on", &today),
            ("method", "transfer"),
            ("proof", "SP2D 00123/LS/2026"),
        ],
    )
    .await
    .assert_redirect_to(&format!("/pengadaan/{id}"));
    let pay = sqlx::query("SELECT gross, withheld, net FROM office_payments WHERE request_id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let (gross, withheld, net): (i64, i64, i64) =
        (pay.get("gross"), pay.get("withheld"), pay.get("net"));
    assert_eq!(gross, 1_800_000);
    assert!(withheld > 0, "a service pays PPh 23 or the final rate");
    assert_eq!(net, gross - withheld);
    let kinds: Vec<String> = sqlx::query_scalar(
        "SELECT kind FROM office_documents WHERE request_id = $1 AND voided_at IS NULL ORDER BY id",
    )
    .bind(id)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(kinds, ["sp", "invoice", "bast", "bukti"]);

    // The provider confirms; the purchase is complete.
    act(&app, &alumnus, id, "terima-bayar", &[])
        .await
        .assert_redirect_to(&format!("/pengadaan/{id}"));
    assert_eq!(state_of(&app, id).await, "completed");
}

async fn declines_and_bad_answers_are_refused_or_passed_on(app: TestApp) {
    let opd = app.signed_in("opd").await;
    let id = new_request(&app, &opd, "Servis AC ruang server").await;
    let ids = proposed(&opd.get(&format!("/pengadaan/{id}")).await);
    act(&app, &opd, id, "pilih", &[("pilihan", &ids[0].to_string())]).await;
    let alumnus = provider(&app, ids[0]).await;
    // A decline needs a reason.
    let page = act(&app, &alumnus, id, "tolak", &[("reason", "")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(state_of(&app, id).await, "offered");
    act(
        &app,
        &alumnus,
        id,
        "tolak",
        &[("reason", "Jadwal minggu ini penuh")],
    )
    .await
    .assert_redirect_to(&format!("/pengadaan/{id}"));
    // Passed on to another provider of the rotation.
    let r = sqlx::query("SELECT state, business_id FROM office_requests WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(r.get::<String, _>("state"), "offered");
    assert_ne!(r.get::<i64, _>("business_id"), ids[0]);
    let declined: String = sqlx::query_scalar(
        "SELECT reason FROM office_offers WHERE request_id = $1 AND business_id = $2",
    )
    .bind(id)
    .bind(ids[0])
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(declined, "Jadwal minggu ini penuh");
    // The one who declined may read the request but not act on it any more.
    assert_eq!(
        alumnus.get(&format!("/pengadaan/{id}")).await.status,
        StatusCode::OK
    );
    let again = act(&app, &alumnus, id, "tawar", &[("price", "100.000")]).await;
    assert_eq!(again.status, StatusCode::FORBIDDEN);
    // A stale page (old version) does not act.
    let stale = opd
        .post(
            &format!("/pengadaan/{id}/batal"),
            &[("versi", "0"), ("reason", "Tidak jadi")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(state_of(&app, id).await, "offered");
}

async fn only_the_office_provider_and_agency_open_a_request(app: TestApp) {
    let opd = app.signed_in("opd").await;
    let id = new_request(&app, &opd, "Servis AC ruang tamu").await;
    // Another office's staff: not found; a buyer: forbidden; the agency: allowed.
    assert_eq!(
        app.signed_in("opd.dinkes")
            .await
            .get(&format!("/pengadaan/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.signed_in("pembeli")
            .await
            .get("/pengadaan")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.signed_in("admin")
            .await
            .get(&format!("/pengadaan/{id}"))
            .await
            .status,
        StatusCode::OK
    );
    // The treasurer of the office reads it but cannot choose a provider.
    let bendahara = app.signed_in("bendahara").await;
    assert_eq!(
        bendahara.get(&format!("/pengadaan/{id}")).await.status,
        StatusCode::OK
    );
    let page = act(&app, &bendahara, id, "pilih", &[("otomatis", "1")]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    // An alumnus never asked: not found. Only opd files requests.
    assert_eq!(
        app.signed_in("alumni")
            .await
            .get(&format!("/pengadaan/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        bendahara.get("/pengadaan/baru").await.status,
        StatusCode::FORBIDDEN
    );
}

/// NPWPs an older version stored in clear are sealed when this version starts, once.
async fn npwp_stored_in_clear_is_sealed_at_start(app: TestApp) {
    let key = karya::secrets::Secrets::load_or_create(&app.settings.data_dir)
        .unwrap()
        .data_key;
    let id: i64 = sqlx::query_scalar("SELECT MIN(id) FROM businesses")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE businesses SET npwp = '1507015205980003' WHERE id = $1")
        .bind(id)
        .execute(app.db.pool())
        .await
        .unwrap();
    let clear = || async {
        app.scalar("SELECT COUNT(*) FROM businesses WHERE npwp LIKE '%0003'")
            .await
    };
    assert_eq!(clear().await, 1);
    let sealed = karya::app::procurement::seal_stored_npwps(&app.db, &key)
        .await
        .unwrap();
    assert_eq!(sealed, 1);
    assert_eq!(clear().await, 0);
    let stored: String = sqlx::query_scalar("SELECT npwp FROM businesses WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        karya::secrets::personal::open(&key, &stored).as_deref(),
        Some("1507015205980003")
    );
    // Already sealed: nothing more to do; every stored NPWP opens with the data key.
    assert_eq!(
        karya::app::procurement::seal_stored_npwps(&app.db, &key)
            .await
            .unwrap(),
        0
    );
    let all: Vec<String> = sqlx::query_scalar("SELECT npwp FROM businesses WHERE npwp <> ''")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    assert!(all.len() > 10, "the demo has NPWPs");
    assert!(
        all.iter()
            .all(|n| karya::secrets::personal::open(&key, n).is_some())
    );
}

async fn providers_keep_their_tax_position_and_appeal(app: TestApp) {
    let alumni = app.signed_in("alumni").await;
    assert_eq!(alumni.get("/usaha/pengadaan").await.status, StatusCode::OK);
    let bad = alumni
        .post(
            "/usaha/pengadaan",
            &[("npwp", "12.345"), ("pkp", "1"), ("capacity", "99")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.input_value("npwp").as_deref(), Some("12.345"));
    alumni
        .post(
            "/usaha/pengadaan",
            &[
                ("npwp", "01.234.567.8-331.000"),
                ("umkm_final", "1"),
                ("capacity", "3"),
            ],
        )
        .await
        .assert_redirect_to("/usaha/pengadaan");
    let r = sqlx::query(
        "SELECT b.npwp, b.pkp, b.umkm_final, b.office_capacity FROM businesses b \
         JOIN users u ON u.alumnus_id = b.alumnus_id WHERE u.username = 'alumni'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    // Sealed at rest like the NIK; shown back to its owner; masked in the audit log.
    let key = karya::secrets::Secrets::load_or_create(&app.settings.data_dir)
        .unwrap()
        .data_key;
    let stored = r.get::<String, _>("npwp");
    assert!(!stored.contains("012345678331000"), "{stored}");
    assert_eq!(
        karya::secrets::personal::open(&key, &stored).as_deref(),
        Some("012345678331000")
    );
    let form = alumni.get("/usaha/pengadaan").await;
    assert_eq!(form.input_value("npwp").as_deref(), Some("012345678331000"));
    let summary: String = sqlx::query_scalar(
        "SELECT summary FROM audit_log WHERE action = 'business.tax' ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(summary.contains("0123•••••••1000"), "{summary}");
    assert!(!summary.contains("012345678331000"), "{summary}");
    assert_eq!(
        (
            r.get::<i64, _>("pkp"),
            r.get::<i64, _>("umkm_final"),
            r.get::<i64, _>("office_capacity")
        ),
        (0, 1, 3)
    );
    let short = alumni
        .post("/usaha/pengadaan/banding", &[("note", "tolong")])
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    alumni
        .post(
            "/usaha/pengadaan/banding",
            &[("note", "Ulasan buruk itu salah alamat; mohon ditinjau")],
        )
        .await
        .assert_redirect_to("/usaha/pengadaan");
    assert!(
        alumni
            .get("/usaha/pengadaan")
            .await
            .contains("salah alamat")
    );
}

/// With email configured, the provider the office asks gets an email with the deadline and the
/// request's link (the outbox sends it; here the SMTP server is absent, so it stays queued).
async fn the_asked_provider_gets_an_email_when_email_is_configured(app: TestApp) {
    let opd = app.signed_in("opd").await;
    let id = new_request(&app, &opd, "Servis AC ruang Bupati").await;
    let first = proposed(&opd.get(&format!("/pengadaan/{id}")).await)[0];
    provider(&app, first).await;
    sqlx::query("UPDATE users SET email = 'teknisi@contoh.id' WHERE username = $1")
        .bind(format!("penyedia{first}"))
        .execute(app.db.pool())
        .await
        .unwrap();
    let before = app.scalar("SELECT COALESCE(MAX(id), 0) FROM outbox").await;
    act(&app, &opd, id, "pilih", &[("pilihan", &first.to_string())])
        .await
        .assert_redirect_to(&format!("/pengadaan/{id}"));
    let rows = sqlx::query(
        "SELECT channel, recipient, subject, body FROM outbox WHERE id > $1 AND recipient = 'teknisi@contoh.id'",
    )
    .bind(before)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(rows.len(), 1, "one email to the asked provider");
    assert_eq!(rows[0].get::<String, _>("channel"), "email");
    assert!(
        rows[0]
            .get::<String, _>("subject")
            .contains("Sekretariat Daerah")
    );
    let body: String = rows[0].get("body");
    assert!(body.contains(&format!("/pengadaan/{id}")), "{body}");
    assert!(body.contains("Jawab sebelum"), "{body}");
}

mod the_asked_provider_gets_an_email_when_email_is_configured {
    fn smtp(s: &mut karya::config::Settings) {
        // Nothing listens there: the message stays in the outbox, which is what is checked.
        s.smtp_url = "smtp://127.0.0.1:9".into();
        s.smtp_from = "karya@contoh.id".into();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let app = crate::helpers::spawn_with(karya::config::Backend::Sqlite, smtp)
            .await
            .expect("sqlite app");
        super::the_asked_provider_gets_an_email_when_email_is_configured(app).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[cfg_attr(not(karya_test_postgres), ignore = "KARYA_TEST_POSTGRES_URL not set")]
    async fn postgres() {
        let app = crate::helpers::spawn_with(karya::config::Backend::Postgres, smtp)
            .await
            .expect("postgres app: KARYA_TEST_POSTGRES_URL not set");
        super::the_asked_provider_gets_an_email_when_email_is_configured(app).await;
    }
}

/// The decoded text of the page's click-to-chat button, and its number.
fn whatsapp_of(page: &Page) -> Option<(String, String)> {
    let doc = scraper::Html::parse_document(&page.body);
    let sel = scraper::Selector::parse("a.btn-wa").unwrap();
    let href = doc.select(&sel).next()?.value().attr("href")?.to_owned();
    let (to, text) = href.strip_prefix("https://wa.me/")?.split_once("?text=")?;
    let text = percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()?
        .into_owned();
    Some((to.to_owned(), text))
}

async fn whoever_waits_is_told_on_whatsapp_with_amount_and_link(app: TestApp) {
    let pool = app.db.pool();
    let opd = app.signed_in("opd").await;
    let id = new_request(&app, &opd, "Servis AC ruang tamu").await;
    let first = proposed(&opd.get(&format!("/pengadaan/{id}")).await)[0];
    sqlx::query("UPDATE businesses SET phone = '+6281311112222' WHERE id = $1")
        .bind(first)
        .execute(pool)
        .await
        .unwrap();
    for (role, phone) in [("opd", "+6281344445555"), ("bendahara", "+6281366667777")] {
        sqlx::query("UPDATE users SET phone = $1 WHERE username = $2")
            .bind(phone)
            .bind(role)
            .execute(pool)
            .await
            .unwrap();
    }
    let link = format!("/pengadaan/{id}");
    act(&app, &opd, id, "pilih", &[("pilihan", &first.to_string())])
        .await
        .assert_redirect_to(&link);
    // The offer: to the provider, with the HPS and the deadline.
    let (to, text) = whatsapp_of(&opd.get(&link).await).expect("the offer's button");
    assert_eq!(to, "6281311112222");
    assert!(
        text.contains("HPS Rp2.400.000") && text.contains("sebelum "),
        "{text}"
    );
    assert!(text.ends_with(&link), "{text}");
    // The quote: from the provider to the office, with its amount.
    let alumnus = provider(&app, first).await;
    act(
        &app,
        &alumnus,
        id,
        "tawar",
        &[("price", "150.000"), ("note", "")],
    )
    .await
    .assert_redirect_to(&link);
    let (to, text) = whatsapp_of(&alumnus.get(&link).await).expect("the quote's button");
    assert_eq!(to, "6281344445555");
    assert!(text.contains("Rp1.800.000"), "{text}");
    // The SP: to the provider.
    act(&app, &opd, id, "pesan", &[])
        .await
        .assert_redirect_to(&link);
    let (to, text) = whatsapp_of(&opd.get(&link).await).expect("the SP's button");
    assert_eq!(to, "6281311112222");
    assert!(
        text.contains("Surat Pesanan sudah terbit senilai Rp1.800.000"),
        "{text}"
    );
    // The finished work: to the office.
    act(&app, &alumnus, id, "selesai", &[])
        .await
        .assert_redirect_to(&link);
    let (to, _) = whatsapp_of(&alumnus.get(&link).await).expect("the done button");
    assert_eq!(to, "6281344445555");
    // The BAST: to the treasurer, who pays.
    act(&app, &opd, id, "bast", &[("rating", "5"), ("note", "Rapi")])
        .await
        .assert_redirect_to(&link);
    let page = opd.get(&link).await;
    assert!(page.contains("Kabari bendahara lewat WhatsApp"));
    let (to, text) = whatsapp_of(&page).expect("the BAST's button");
    assert_eq!(to, "6281366667777");
    assert!(
        text.contains("BAST sudah ditandatangani") && text.contains("Rp1.800.000"),
        "{text}"
    );
}
