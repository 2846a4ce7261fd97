//! Open procurement data: the OCDS release package, the public page and the published PDFs.
//! Each test makes its own purchases through the workflow (`karya::app::procurement::Flow`) for two
//! offices of its own, whatever the demo district already holds.

use std::collections::BTreeSet;

use karya::app::procurement::Flow;
use karya::db::audit::Who;
use karya::db::directory::{self, Office};
use karya::db::procurement::{self as store, Request};
use karya::domain::procurement::documents::DocumentKind;
use karya::domain::procurement::request::{Action, Item, NewRequest, Party, Quote};
use karya::domain::procurement::tax::TaxKind;
use reqwest::StatusCode;
use serde_json::Value;
use time::macros::datetime;

use crate::both;
use crate::helpers::{Page, TestApp};
use crate::ocds_schema;

both!(
    open_data_package_validates_and_hides_the_nik,
    open_data_filters_and_errors,
    open_data_documents_only_letters_of_finished_purchases,
    open_data_page_lists_purchases_for_everyone
);

/// How far a test request goes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    /// BAST signed, not paid: not published.
    Accepted,
    /// Paid, receipt not confirmed: published.
    Paid,
    Completed,
}

/// A request made by a test.
struct Made {
    id: i64,
    business_id: i64,
    title: String,
    value: i64,
}

/// The purchases every test works on.
struct Scene {
    office1: i64,
    office2: i64,
    /// Office 1, fiscal year 2025, completed, bukti pembelian, its BAST reissued.
    a: Made,
    /// Office 1, 2026, paid, kuitansi.
    b: Made,
    /// Office 1, 2026, only accepted: never published.
    c: Made,
    /// Office 2, 2026, completed, SPK.
    d: Made,
    /// The NIK of the owner of the business the scene started from, typed by the office into
    /// every request's notes (which are never published).
    typed_nik: String,
}

const NOTE_MARK: &str = "CATATAN-INTERNAL-OPD";

fn nik_of(app: &TestApp, sealed: &str) -> String {
    let secrets = karya::secrets::Secrets::load_or_create(&app.settings.data_dir).unwrap();
    karya::secrets::personal::open(&secrets.data_key, sealed).expect("NIK decrypts")
}

/// The owner's NIK in clear for a business.
async fn owner_nik(app: &TestApp, business_id: i64) -> String {
    let sealed: String = sqlx::query_scalar(
        "SELECT a.nik_enc FROM alumni a JOIN businesses b ON b.alumnus_id = a.id WHERE b.id = $1",
    )
    .bind(business_id)
    .fetch_one(app.db.pool())
    .await
    .expect("the owner has a NIK");
    let nik = nik_of(app, &sealed);
    assert_eq!(nik.len(), 16, "a real NIK: {nik}");
    nik
}

async fn user_id(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(app.db.pool())
        .await
        .expect("demo user")
}

async fn new_office(app: &TestApp, code: &str, name: &str, kecamatan: &str) -> i64 {
    let mut tx = app.db.begin().await.unwrap();
    let id = directory::create_office(
        &mut tx,
        &Office {
            code: code.into(),
            name: name.into(),
            kind: "dinas".into(),
            address: format!("Jl. Uji No. 1, {name}"),
            kecamatan_code: Some(kecamatan.into()),
            ppk_name: "Rahmat Hidayat".into(),
            ppk_nip: "198001012005011001".into(),
            treasurer_name: "Siti Aminah".into(),
            treasurer_nip: "198502022010012002".into(),
            ..Office::default()
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

fn unix(t: time::OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

/// One request through the workflow up to `stage`: created at `start`, each later step a day
/// after the one before.
#[allow(clippy::too_many_arguments)]
async fn walk(
    app: &TestApp,
    flow: &Flow<'_>,
    office_id: i64,
    category_id: i64,
    kecamatan: &str,
    start: time::OffsetDateTime,
    title: &str,
    (quantity, unit_price): (i64, i64),
    notes: &str,
    stage: Stage,
) -> Made {
    let office_user = user_id(app, "opd").await;
    let treasurer = user_id(app, "bendahara").await;
    let office = Who {
        id: Some(office_user),
        label: "opd",
        ip: "",
    };
    let provider = Who {
        id: None,
        label: "penyedia",
        ip: "",
    };
    let bendahara = Who {
        id: Some(treasurer),
        label: "bendahara",
        ip: "",
    };
    let day = 86_400;
    let at = unix(start);
    let id = store::create(
        &app.db,
        office_id,
        i64::from(start.year()),
        &NewRequest {
            category_id,
            title: title.into(),
            items: vec![Item {
                description: "Pekerjaan uji data terbuka".into(),
                quantity,
                unit: "unit".into(),
            }],
            place: "Kantor OPD uji".into(),
            kecamatan_code: kecamatan.into(),
            date_from: start.date(),
            date_until: start.date() + time::Duration::days(7),
            time_window: String::new(),
            hps: None,
            budget_line_id: None,
            notes: notes.into(),
        },
        &office,
        at,
    )
    .await
    .expect("request created");
    let get = || async { store::get(&app.db, id).await.expect("request") };
    let r = get().await;
    flow.choose(&r, Party::Office, None, "", &office, at + 600)
        .await
        .expect("Karya assigns the first proposal");
    let r = get().await;
    let quote = Quote::parse(&[unit_price.to_string()], &[quantity], "", None).expect("quote");
    flow.quote(&r, Party::Provider, &quote, &provider, at + 3600)
        .await
        .expect("quote");
    flow.order(&get().await, Party::Office, &office, at + day)
        .await
        .expect("order");
    flow.mark_done(&get().await, Party::Provider, &provider, at + 2 * day)
        .await
        .expect("done");
    flow.sign_bast(
        &get().await,
        Party::Office,
        5,
        "Rapi",
        &office,
        at + 3 * day,
    )
    .await
    .expect("BAST");
    if stage >= Stage::Paid {
        let paid_on = (start + time::Duration::days(5)).date();
        flow.record_payment(
            &get().await,
            Party::Treasurer,
            paid_on,
            "transfer",
            "SP2D/UJI/001",
            &[],
            &bendahara,
            at + 5 * day,
        )
        .await
        .expect("payment");
    }
    if stage >= Stage::Completed {
        flow.confirm_receipt(&get().await, Party::Provider, &provider, at + 6 * day)
            .await
            .expect("receipt confirmed");
    }
    let r: Request = get().await;
    Made {
        id,
        business_id: r.business_id.expect("a provider"),
        title: title.into(),
        value: r.quoted_total.expect("a value"),
    }
}

/// Two offices of the test's own and four requests, in a kecamatan and trade where Karya has an
/// eligible alumni business to assign.
async fn scene(app: &TestApp) -> Scene {
    let settings = karya::db::gov_settings::current(&app.db)
        .await
        .expect("settings");
    let reach = karya::db::orders::Reach::from_settings(&app.settings);
    // Documents print the provider's NPWP only when it opens with this key; these tests
    // read no NPWP.
    let key = karya::secrets::Key::random();
    let flow = Flow {
        db: &app.db,
        settings: &settings,
        instance: &app.settings.instance,
        reach: &reach,
        key: &key,
    };
    // Verified, active, certified businesses of the demo: the first whose trade and kecamatan
    // the rotation can serve.
    let found: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT b.id, b.trade_id, b.kecamatan_code FROM businesses b \
         WHERE b.verified_at IS NOT NULL AND b.active = 1 AND b.kecamatan_code IS NOT NULL \
         AND EXISTS (SELECT 1 FROM participations p JOIN batches bt ON bt.id = p.batch_id \
             JOIN programs pr ON pr.id = bt.program_id WHERE p.alumnus_id = b.alumnus_id \
             AND pr.trade_id = b.trade_id AND p.cert_number IS NOT NULL AND p.cert_number <> '') \
         ORDER BY b.id LIMIT 10",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("businesses");
    assert!(!found.is_empty(), "the demo has certified businesses");
    let start = datetime!(2025-03-03 09:00 +7);
    let opd = user_id(app, "opd").await;
    let mut chosen = None;
    for (business_id, trade_id, kecamatan) in &found {
        let mut tx = app.db.begin().await.unwrap();
        let category = karya::db::directory::create_procurement_category(
            &mut tx,
            &karya::db::directory::CategoryFields {
                trade_id: *trade_id,
                name: format!("Uji data terbuka {trade_id}"),
                unit: "unit".into(),
                tax_kind: TaxKind::Services,
                active: true,
            },
            karya::db::audit::Who {
                id: None,
                label: "uji",
                ip: "",
            },
        )
        .await;
        let category = match category {
            Ok(c) => {
                tx.commit().await.unwrap();
                c
            }
            // Same trade as a business tried before.
            Err(_) => continue,
        };
        let office1 = new_office(
            app,
            &format!("UJI{business_id}A"),
            &format!("Dinas Uji Data Terbuka {business_id}"),
            kecamatan,
        )
        .await;
        // A probe: does the rotation propose anybody for this trade and kecamatan?
        let probe = store::create(
            &app.db,
            office1,
            2025,
            &NewRequest {
                category_id: category,
                title: "Uji usulan".into(),
                items: vec![Item {
                    description: "Uji".into(),
                    quantity: 1,
                    unit: "unit".into(),
                }],
                place: "Kantor".into(),
                kecamatan_code: kecamatan.clone(),
                date_from: start.date(),
                date_until: start.date(),
                time_window: String::new(),
                hps: None,
                budget_line_id: None,
                notes: String::new(),
            },
            &Who {
                id: Some(opd),
                label: "opd",
                ip: "",
            },
            unix(start),
        )
        .await
        .expect("probe");
        let probe = store::get(&app.db, probe).await.unwrap();
        let proposals = flow
            .proposals(&probe, unix(start))
            .await
            .expect("proposals");
        if !proposals.all.is_empty() {
            chosen = Some((*business_id, category, kecamatan.clone(), office1));
            break;
        }
    }
    let (business_id, category, kecamatan, office1) =
        chosen.expect("a trade and kecamatan the rotation serves");
    let office2 = new_office(app, "UJIDUA", "Badan Uji Kedua", &kecamatan).await;
    let typed_nik = owner_nik(app, business_id).await;
    let notes = format!("{NOTE_MARK}: hubungi pemilik NIK {typed_nik}");

    let a = walk(
        app,
        &flow,
        office1,
        category,
        &kecamatan,
        start,
        "Servis AC ruang rapat (uji A)",
        (4, 150_000),
        &notes,
        Stage::Completed,
    )
    .await;
    // The office corrects A's BAST: the old one is voided, a new one issued.
    let r = store::get(&app.db, a.id).await.unwrap();
    let bast = store::documents(&app.db, a.id)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.kind == DocumentKind::Bast)
        .expect("BAST");
    flow.reissue(
        &r,
        &bast,
        Party::Office,
        "Tanggal serah terima salah",
        &Who {
            id: None,
            label: "opd",
            ip: "",
        },
        unix(start) + 20 * 86_400,
    )
    .await
    .expect("reissued");
    let b = walk(
        app,
        &flow,
        office1,
        category,
        &kecamatan,
        datetime!(2026-02-02 09:00 +7),
        "Servis AC aula (uji B)",
        (10, 1_500_000),
        &notes,
        Stage::Paid,
    )
    .await;
    let c = walk(
        app,
        &flow,
        office1,
        category,
        &kecamatan,
        datetime!(2026-03-02 09:00 +7),
        "Servis AC belum dibayar (uji C)",
        (2, 200_000),
        &notes,
        Stage::Accepted,
    )
    .await;
    let d = walk(
        app,
        &flow,
        office2,
        category,
        &kecamatan,
        datetime!(2026-04-06 09:00 +7),
        "Servis AC gedung (uji D)",
        (2, 30_000_000),
        &notes,
        Stage::Completed,
    )
    .await;
    // A cancelled request of office 1 as well: never published.
    let cancelled = store::create(
        &app.db,
        office1,
        2026,
        &NewRequest {
            category_id: category,
            title: "Dibatalkan (uji E)".into(),
            items: vec![Item {
                description: "Uji".into(),
                quantity: 1,
                unit: "unit".into(),
            }],
            place: "Kantor".into(),
            kecamatan_code: kecamatan.clone(),
            date_from: start.date(),
            date_until: start.date(),
            time_window: String::new(),
            hps: None,
            budget_line_id: None,
            notes: String::new(),
        },
        &Who {
            id: Some(opd),
            label: "opd",
            ip: "",
        },
        unix(start),
    )
    .await
    .unwrap();
    let r = store::get(&app.db, cancelled).await.unwrap();
    flow.plain(
        &r,
        Action::Cancel,
        Party::Office,
        "Tidak jadi dibutuhkan",
        &Who {
            id: None,
            label: "opd",
            ip: "",
        },
        unix(start) + 60,
    )
    .await
    .expect("cancelled");
    Scene {
        office1,
        office2,
        a,
        b,
        c,
        d,
        typed_nik,
    }
}

async fn json(app: &TestApp, query: &str) -> (Page, Value) {
    let page = app.get(&format!("/api/v1/procurement.json{query}")).await;
    let value = serde_json::from_str(&page.body)
        .unwrap_or_else(|e| panic!("JSON for {query}: {e}: {}", page.body));
    (page, value)
}

fn ocid(id: i64) -> String {
    format!("ocds-kry1507-{id}")
}

fn release(package: &Value, id: i64) -> Option<&Value> {
    package["releases"]
        .as_array()?
        .iter()
        .find(|r| r["ocid"] == ocid(id).as_str())
}

fn release_ids(package: &Value) -> BTreeSet<i64> {
    package["releases"]
        .as_array()
        .expect("releases")
        .iter()
        .filter_map(|r| r["ocid"].as_str()?.rsplit('-').next()?.parse().ok())
        .collect()
}

async fn document_id(app: &TestApp, request: i64, kind: &str, voided: bool) -> i64 {
    let sql = if voided {
        "SELECT id FROM office_documents WHERE request_id = $1 AND kind = $2 AND voided_at IS NOT NULL"
    } else {
        "SELECT id FROM office_documents WHERE request_id = $1 AND kind = $2 AND voided_at IS NULL"
    };
    sqlx::query_scalar(sql)
        .bind(request)
        .bind(kind)
        .fetch_one(app.db.pool())
        .await
        .unwrap_or_else(|e| panic!("{kind} of {request} (voided {voided}): {e}"))
}

async fn open_data_package_validates_and_hides_the_nik(app: TestApp) {
    let s = scene(&app).await;
    let (page, package) = json(&app, "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    ocds_schema::validate(&package).unwrap_or_else(|e| panic!("schema errors: {e:#?}"));
    assert_eq!(
        package["uri"],
        format!("{}/api/v1/procurement.json", app.base).as_str()
    );
    assert_eq!(
        package["publisher"]["name"],
        "Dinas Ketenagakerjaan dan Transmigrasi Kabupaten Tanjung Jabung Timur"
    );

    // Exactly the paid and completed requests of the database, ours among them.
    let published: BTreeSet<i64> =
        sqlx::query_scalar("SELECT id FROM office_requests WHERE state IN ('paid','completed')")
            .fetch_all(app.db.pool())
            .await
            .unwrap()
            .into_iter()
            .collect();
    assert_eq!(release_ids(&package), published);
    for made in [&s.a, &s.b, &s.d] {
        assert!(published.contains(&made.id), "{} published", made.title);
    }
    assert!(
        release(&package, s.c.id).is_none(),
        "unpaid request left out"
    );

    // A: direct procurement with a bukti pembelian, the supplier by business name and id.
    let a = release(&package, s.a.id).expect("A");
    let t = &a["tender"];
    assert_eq!(t["procurementMethod"], "direct");
    assert_eq!(
        t["procurementMethodDetails"],
        "Pengadaan langsung dengan bukti pembelian (Perpres 16/2018 Pasal 28)"
    );
    assert_eq!(t["mainProcurementCategory"], "services");
    assert_eq!(t["items"][0]["quantity"], 4);
    assert_eq!(t["items"][0]["unit"]["value"]["amount"], 150_000);
    let business_name: String = sqlx::query_scalar("SELECT name FROM businesses WHERE id = $1")
        .bind(s.a.business_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let supplier = a["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["roles"][0] == "supplier")
        .expect("supplier party");
    assert_eq!(supplier["name"], business_name.as_str());
    assert_eq!(
        supplier["id"],
        format!("KARYA-USAHA-{}", s.a.business_id).as_str()
    );
    assert_eq!(
        a["awards"][0]["suppliers"][0]["id"],
        format!("KARYA-USAHA-{}", s.a.business_id).as_str()
    );
    assert_eq!(a["awards"][0]["value"]["amount"], s.a.value);
    assert_eq!(s.a.value, 600_000);
    assert_eq!(
        a["buyer"]["id"],
        format!("KARYA-OPD-{}", s.office1).as_str()
    );
    let tx = &a["contracts"][0]["implementation"]["transactions"];
    assert_eq!(tx.as_array().map(Vec::len), Some(1));
    assert_eq!(tx[0]["value"]["amount"], 600_000);
    assert_eq!(a["contracts"][0]["status"], "terminated");

    // Documents: Surat Pesanan with the contract, the live BAST with the implementation; the
    // voided BAST, the invoice and the receipt are not published. Links are absolute and work.
    let contract_docs = a["contracts"][0]["documents"].as_array().unwrap();
    let implementation_docs = a["contracts"][0]["implementation"]["documents"]
        .as_array()
        .unwrap();
    let sp = document_id(&app, s.a.id, "sp", false).await;
    let bast = document_id(&app, s.a.id, "bast", false).await;
    assert_eq!(contract_docs.len(), 1, "{contract_docs:?}");
    assert_eq!(
        contract_docs[0]["url"],
        format!("{}/pengadaan/data/dokumen/{sp}", app.base).as_str()
    );
    assert_eq!(implementation_docs.len(), 1, "{implementation_docs:?}");
    assert_eq!(
        implementation_docs[0]["url"],
        format!("{}/pengadaan/data/dokumen/{bast}", app.base).as_str()
    );
    assert_eq!(
        implementation_docs[0]["documentType"],
        "completionCertificate"
    );
    let url = implementation_docs[0]["url"].as_str().unwrap();
    let pdf = app.client.get(url).send().await.unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));

    // B under a kuitansi, paid but not confirmed; D under an SPK.
    let b = release(&package, s.b.id).expect("B");
    assert_eq!(
        b["tender"]["procurementMethodDetails"],
        "Pengadaan langsung dengan kuitansi (Perpres 16/2018 Pasal 28)"
    );
    assert_eq!(b["awards"][0]["value"]["amount"], 15_000_000);
    let d = release(&package, s.d.id).expect("D");
    assert_eq!(
        d["tender"]["procurementMethodDetails"],
        "Pengadaan langsung dengan Surat Perintah Kerja (SPK) (Perpres 16/2018 Pasal 28)"
    );
    let d_docs: Vec<&str> = d["contracts"][0]["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x["title"].as_str())
        .collect();
    assert!(d_docs.iter().any(|t| t.starts_with("SPK ")), "{d_docs:?}");
    assert!(
        d_docs.iter().any(|t| t.starts_with("Surat Pesanan ")),
        "{d_docs:?}"
    );

    // No NIK anywhere: not the one the office typed into its notes (really stored), not the
    // owners' of the suppliers; the notes are not published at all.
    let stored_notes: String =
        sqlx::query_scalar("SELECT notes FROM office_requests WHERE id = $1")
            .bind(s.a.id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(stored_notes.contains(&s.typed_nik));
    let digits: String = page.body.chars().filter(|c| c.is_ascii_digit()).collect();
    let mut niks = vec![s.typed_nik.clone()];
    for made in [&s.a, &s.b, &s.d] {
        niks.push(owner_nik(&app, made.business_id).await);
    }
    for nik in &niks {
        assert!(
            !page.body.contains(nik.as_str()),
            "NIK {nik} in the package"
        );
        assert!(!digits.contains(nik.as_str()), "NIK {nik} hidden in digits");
    }
    assert!(
        !page.body.contains(NOTE_MARK),
        "office notes are not published"
    );
}

async fn open_data_filters_and_errors(app: TestApp) {
    // Before anything is published (unless the demo district already has purchases).
    let already = app
        .scalar("SELECT COUNT(*) FROM office_requests WHERE state IN ('paid','completed')")
        .await;
    let (page, body) = json(&app, "").await;
    if already == 0 {
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"], "Belum ada pengadaan OPD yang selesai.");
    } else {
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(release_ids(&body).len() as i64, already);
    }

    let s = scene(&app).await;
    let ids = |q: &'static str| {
        let app = &app;
        async move {
            let (page, package) = json(app, q).await;
            assert_eq!(page.status, StatusCode::OK, "{q}: {}", page.body);
            ocds_schema::validate(&package).unwrap_or_else(|e| panic!("{q}: {e:#?}"));
            (release_ids(&package), package)
        }
    };
    let q2 = format!("?opd={}", s.office2);
    let (page, package) = json(&app, &q2).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(release_ids(&package), BTreeSet::from([s.d.id]));
    assert_eq!(
        package["uri"],
        format!("{}/api/v1/procurement.json?opd={}", app.base, s.office2).as_str()
    );
    let q = format!("?tahun=2025&opd={}", s.office1);
    let (_, package) = json(&app, &q).await;
    assert_eq!(release_ids(&package), BTreeSet::from([s.a.id]));
    let q = format!("?tahun=2026&opd={}", s.office1);
    let (_, package) = json(&app, &q).await;
    assert_eq!(
        release_ids(&package),
        BTreeSet::from([s.b.id]),
        "C is not paid, E cancelled"
    );
    // A year filter alone: exactly that fiscal year's published requests.
    let (in_2025, _) = ids("?tahun=2025").await;
    let expected: BTreeSet<i64> = sqlx::query_scalar(
        "SELECT id FROM office_requests WHERE state IN ('paid','completed') AND fiscal_year = 2025",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap()
    .into_iter()
    .collect();
    assert_eq!(in_2025, expected);
    assert!(in_2025.contains(&s.a.id) && !in_2025.contains(&s.b.id));

    // Nothing for the filter: 404 with a JSON error; bad parameters: 422.
    let (page, body) = json(&app, "?tahun=2001").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(
        body["error"]
            .as_str()
            .unwrap_or("")
            .starts_with("Belum ada pengadaan OPD yang selesai"),
        "{body}"
    );
    for bad in ["?tahun=duaribu", "?tahun=99", "?opd=0", "?opd=x"] {
        let (page, body) = json(&app, bad).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(body["error"].is_string(), "{bad}: {body}");
    }

    // The endpoint and its 404 are in the OpenAPI document.
    let doc: Value = serde_json::from_str(&app.get("/api/openapi.json").await.body).unwrap();
    let op = &doc["paths"]["/api/v1/procurement.json"]["get"];
    assert!(op["responses"]["200"].is_object(), "{op}");
    assert!(op["responses"]["404"].is_object(), "{op}");
    let params: Vec<&str> = op["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(params, ["tahun", "opd"]);
}

async fn open_data_documents_only_letters_of_finished_purchases(app: TestApp) {
    let s = scene(&app).await;
    let path = |id: i64| format!("/pengadaan/data/dokumen/{id}");

    // Published: the Surat Pesanan, the live BAST, the SPK.
    for (request, kind) in [
        (s.a.id, "sp"),
        (s.a.id, "bast"),
        (s.d.id, "spk"),
        (s.b.id, "bast"),
    ] {
        let id = document_id(&app, request, kind, false).await;
        let number: String =
            sqlx::query_scalar("SELECT number FROM office_documents WHERE id = $1")
                .bind(id)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        let response = app
            .client
            .get(format!("{}{}", app.base, path(id)))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{kind} of {request}");
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        assert_eq!(header("content-type"), "application/pdf");
        assert_eq!(
            header("content-disposition"),
            format!("inline; filename=\"{}.pdf\"", number.replace('/', "-"))
        );
        assert!(number.contains('/'), "{number}");
        let bytes = response.bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF"), "{kind} is a PDF");
    }

    // Refused: the invoice and the receipts (bank and tax details), the voided BAST, a letter
    // of a request not yet paid, an unknown id, a path that is no id.
    let refused = [
        document_id(&app, s.a.id, "invoice", false).await,
        document_id(&app, s.a.id, "bukti", false).await,
        document_id(&app, s.b.id, "kuitansi", false).await,
        document_id(&app, s.d.id, "kuitansi", false).await,
        document_id(&app, s.a.id, "bast", true).await,
        document_id(&app, s.c.id, "sp", false).await,
        document_id(&app, s.c.id, "bast", false).await,
        999_999,
    ];
    for id in refused {
        let page = app.get(&path(id)).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "document {id}");
        assert!(!page.body.starts_with("%PDF"));
    }
    assert_eq!(
        app.get("/pengadaan/data/dokumen/abc").await.status,
        StatusCode::NOT_FOUND
    );
}

async fn open_data_page_lists_purchases_for_everyone(app: TestApp) {
    let s = scene(&app).await;
    let page = app.get(&format!("/pengadaan/data?opd={}", s.office1)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.contains("Data Terbuka Pengadaan OPD"));
    let cards = page.text_of(".purchases > li");
    assert!(cards.contains(&s.a.title), "{cards}");
    assert!(cards.contains(&s.b.title), "{cards}");
    assert!(!cards.contains(&s.c.title), "unpaid C is not listed");
    assert!(!page.contains("uji E"), "cancelled E is not listed");
    assert!(!page.contains(&s.d.title), "D is another office's");
    assert!(page.contains(&format!("href=\"/toko/{}\"", s.a.business_id)));
    assert!(cards.contains("Rp600.000"), "{cards}");
    assert!(cards.contains("Rp15.000.000"), "{cards}");
    assert!(cards.contains("Bukti pembelian") && cards.contains("Kuitansi"));
    // Paid dates: A paid 8 March 2025 (five days after 3 March).
    assert!(cards.contains("Dibayar 8 Maret 2025"), "{cards}");
    // Totals of the selection.
    let numbers = page.text_of(".stat .num");
    assert!(numbers.starts_with("2 | 15,6 juta | "), "{numbers}");
    assert!(
        page.text_of(".stat")
            .contains("nilai seluruhnyaRp15.600.000")
    );
    // The JSON of the same selection, and only public documents linked.
    assert!(page.contains(&format!(
        "href=\"/api/v1/procurement.json?opd={}\"",
        s.office1
    )));
    let invoice = document_id(&app, s.a.id, "invoice", false).await;
    let bast = document_id(&app, s.a.id, "bast", false).await;
    let voided = document_id(&app, s.a.id, "bast", true).await;
    assert!(page.contains(&format!("href=\"/pengadaan/data/dokumen/{bast}\"")));
    assert!(!page.contains(&format!("href=\"/pengadaan/data/dokumen/{invoice}\"")));
    assert!(!page.contains(&format!("href=\"/pengadaan/data/dokumen/{voided}\"")));
    assert!(!page.contains(&s.typed_nik));
    assert!(!page.contains(NOTE_MARK));

    // Both filters: office 2 had nothing in 2025.
    let page = app
        .get(&format!("/pengadaan/data?tahun=2025&opd={}", s.office2))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.contains(
        "Belum ada pengadaan OPD yang selesai untuk tahun anggaran 2025, Badan Uji Kedua"
    ));
    // A page past the end shows the last page.
    let page = app
        .get(&format!("/pengadaan/data?opd={}&halaman=9", s.office1))
        .await;
    assert!(page.text_of(".purchases > li").contains(&s.a.title));
    // A filter that is no number is no filter: every published purchase is counted.
    let page = app.get("/pengadaan/data?tahun=abc&opd=").await;
    assert_eq!(page.status, StatusCode::OK);
    let published = app
        .scalar("SELECT COUNT(*) FROM office_requests WHERE state IN ('paid','completed')")
        .await;
    let numbers = page.text_of(".stat .num");
    assert!(
        numbers.starts_with(&format!("{published} | ")),
        "{numbers}, expected {published}"
    );

    // 24 purchases a page, the rest on the last one.
    let published = published as usize;
    let pages = published.div_ceil(24);
    let cards = |p: &Page| p.text_of(".purchases > li .price").split(" | ").count();
    assert_eq!(cards(&page), published.min(24));
    let last = app.get(&format!("/pengadaan/data?halaman={pages}")).await;
    assert_eq!(cards(&last), published - 24 * (pages - 1));
    if pages > 1 {
        assert!(last.contains(&format!("Halaman {pages} dari {pages}")));
        assert!(last.contains(&format!("href=\"/pengadaan/data?halaman={}\"", pages - 1)));
    }

    // Public: every role and nobody may read the page, the JSON and a published PDF.
    let sp = document_id(&app, s.d.id, "sp", false).await;
    let paths = [
        "/pengadaan/data".to_owned(),
        "/api/v1/procurement.json".to_owned(),
        format!("/pengadaan/data/dokumen/{sp}"),
    ];
    let anonymous = app.visitor();
    for p in &paths {
        assert_eq!(
            anonymous.get(p).await.status,
            StatusCode::OK,
            "anonymous {p}"
        );
    }
    for role in ["admin", "opd", "bendahara", "alumni", "pembeli", "mitra"] {
        let v = app.signed_in(role).await;
        for p in &paths {
            assert_eq!(v.get(p).await.status, StatusCode::OK, "{role} {p}");
        }
    }
}
