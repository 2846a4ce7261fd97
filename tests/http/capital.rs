//! Capital over HTTP: a program the agency creates, an application with documents and a frozen
//! dossier, the agency's review and referral, consent, the partner's decision, disbursement and
//! repayment, on both backends; and the rules around them (consent gates the partner, partners
//! are isolated, every illegal step is refused with nothing stored, bad input keeps what was typed).

use sqlx::Row;

use crate::both;
use crate::helpers::{TestApp, Visitor};

/// A JPEG's first bytes: enough for the type check (the document is stored as uploaded).
const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1,
];

async fn i64_of(app: &TestApp, sql: &str, id: i64) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect(sql)
        .try_get(0)
        .expect("i64")
}

async fn text_of(app: &TestApp, sql: &str, id: i64) -> String {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect(sql)
        .try_get(0)
        .expect("text")
}

async fn partner_of(app: &TestApp, username: &str) -> i64 {
    let row = sqlx::query("SELECT partner_id FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    row.try_get(0).unwrap()
}

/// The agency creates an open program of `partner` with `documents` and no eligibility rules
/// beyond `extra` fields; returns its id.
async fn program(
    app: &TestApp,
    admin: &Visitor,
    partner: i64,
    name: &str,
    extra: &[(&str, &str)],
) -> i64 {
    let partner = partner.to_string();
    let mut fields = vec![
        ("partner_id", partner.as_str()),
        ("name", name),
        ("kind", "loan"),
        ("kur", "1"),
        ("min_amount", "1.000.000"),
        ("max_amount", "10.000.000"),
        ("terms", "6% efektif per tahun"),
        ("tenor_min", "6"),
        ("tenor_max", "36"),
        ("opens_on", "2020-01-01"),
        ("closes_on", "2099-12-31"),
        ("documents", "ktp"),
    ];
    fields.extend_from_slice(extra);
    let page = admin.post("/admin/permodalan/program/baru", &fields).await;
    page.assert_redirect_to("/admin/permodalan/program");
    let row = sqlx::query("SELECT id FROM capital_programs WHERE name = $1")
        .bind(name)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    row.try_get(0).unwrap()
}

fn request_fields(amount: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("purpose", "equipment"),
        ("amount", amount),
        ("tenor", "12"),
        ("item", "Oven gas 2 rak"),
        ("price", "3.500.000"),
        ("item", "Mixer"),
        ("price", "1.500.000"),
        ("marital_status", "kawin"),
        ("business_capital", "2.000.000"),
        ("workers", "2"),
        ("kbli", "10710"),
    ]
}

/// Siti starts an application to `program`; returns its id.
async fn start(siti: &Visitor, program: i64) -> i64 {
    let page = siti
        .post(
            &format!("/akun/permodalan/baru?program={program}"),
            &request_fields("5.000.000"),
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let location = page.headers["location"].to_str().unwrap().to_owned();
    location
        .trim_start_matches("/akun/permodalan/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn upload(
    siti: &Visitor,
    id: i64,
    kind: &str,
    bytes: &[u8],
    name: &str,
) -> reqwest::Response {
    let token = siti.csrf().await;
    let form = reqwest::multipart::Form::new()
        .text("kind", kind.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned()),
        );
    siti.client
        .post(format!(
            "{}/akun/permodalan/{id}/dokumen?_csrf={token}",
            siti.base
        ))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn state_of(app: &TestApp, id: i64) -> String {
    text_of(
        app,
        "SELECT state FROM capital_applications WHERE id = $1",
        id,
    )
    .await
}

/// An application submitted, reviewed, recommended and referred (not yet consented).
async fn referred(app: &TestApp, partner_user: &str) -> (i64, Visitor, Visitor) {
    let admin = app.signed_in("admin").await;
    let siti = app.signed_in("alumni").await;
    let partner = partner_of(app, partner_user).await;
    let p = program(
        app,
        &admin,
        partner,
        &format!("Program uji {partner_user}"),
        &[],
    )
    .await;
    let id = start(&siti, p).await;
    assert_eq!(
        upload(&siti, id, "ktp", JPEG, "ktp.jpg").await.status(),
        303
    );
    siti.post(&format!("/akun/permodalan/{id}/ajukan"), &[])
        .await
        .assert_redirect_to(&format!("/akun/permodalan/{id}"));
    for step in ["periksa", "rekomendasikan", "rujuk"] {
        admin
            .post(&format!("/admin/permodalan/pengajuan/{id}/{step}"), &[])
            .await
            .assert_redirect_to(&format!("/admin/permodalan/pengajuan/{id}"));
    }
    assert_eq!(state_of(app, id).await, "referred");
    (id, admin, siti)
}

both!(the_pipeline_from_application_to_repayment);
async fn the_pipeline_from_application_to_repayment(app: TestApp) {
    let (id, admin, siti) = referred(&app, "mitra").await;
    let mitra = app.signed_in("mitra").await;
    // The alumna sees exactly what will be shared, and with whom.
    let page = siti.get(&format!("/akun/permodalan/{id}")).await;
    assert!(page.contains("Bank Jambi"), "{}", page.body);
    assert!(page.contains("Yang akan dibagikan"));
    assert!(page.contains("Foto KTP"));
    siti.post(&format!("/akun/permodalan/{id}/setujui-berbagi"), &[])
        .await
        .assert_redirect_to(&format!("/akun/permodalan/{id}"));
    // The partner's queue lists it, with the frozen dossier's hash on the page.
    let queue = mitra.get("/mitra/pengajuan").await;
    assert_eq!(queue.status, 200);
    assert!(queue.contains(&format!("#{id}")), "{}", queue.body);
    let hash = text_of(
        &app,
        "SELECT hash FROM capital_dossiers WHERE application_id = $1",
        id,
    )
    .await;
    let page = mitra.get(&format!("/mitra/pengajuan/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.contains(&hash));
    // The NIK, after consent, audited.
    let nik = mitra.post(&format!("/mitra/pengajuan/{id}/nik"), &[]).await;
    assert_eq!(nik.status, 200);
    let stored_nik_views = i64_of(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'capital.nik_viewed' AND entity_id = CAST($1 AS TEXT)", id).await;
    assert_eq!(stored_nik_views, 1);
    // Approve with amount, tenor and rate; a too-large amount is refused first, input kept.
    let bad = mitra
        .post(
            &format!("/mitra/pengajuan/{id}/setujui"),
            &[("amount", "50.000.000"), ("tenor", "12"), ("rate", "6%")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.contains("50.000.000"));
    assert_eq!(state_of(&app, id).await, "referred");
    mitra
        .post(
            &format!("/mitra/pengajuan/{id}/setujui"),
            &[
                ("amount", "4.000.000"),
                ("tenor", "12"),
                ("rate", "6% efektif per tahun"),
            ],
        )
        .await
        .assert_redirect_to(&format!("/mitra/pengajuan/{id}"));
    assert_eq!(
        i64_of(
            &app,
            "SELECT approved_amount FROM capital_applications WHERE id = $1",
            id
        )
        .await,
        4_000_000
    );
    // Disbursement: more than approved is refused; then recorded.
    let today = karya::domain::dates::to_iso(karya::domain::dates::today_wib());
    let bad = mitra
        .post(
            &format!("/mitra/pengajuan/{id}/cairkan"),
            &[("date", &today), ("amount", "4.000.001")],
        )
        .await;
    assert_eq!(bad.status, 422);
    mitra
        .post(
            &format!("/mitra/pengajuan/{id}/cairkan"),
            &[("date", &today), ("amount", "4.000.000")],
        )
        .await
        .assert_redirect_to(&format!("/mitra/pengajuan/{id}"));
    assert_eq!(state_of(&app, id).await, "disbursed");
    // A repayment report; the same month twice is refused; closed ends it.
    let month = &today[..7];
    mitra
        .post(
            &format!("/mitra/pengajuan/{id}/lapor-angsuran"),
            &[("period", month), ("status", "on_track")],
        )
        .await
        .assert_redirect_to(&format!("/mitra/pengajuan/{id}"));
    let again = mitra
        .post(
            &format!("/mitra/pengajuan/{id}/lapor-angsuran"),
            &[("period", month), ("status", "late")],
        )
        .await;
    assert_eq!(again.status, 422, "{}", again.body);
    assert!(again.contains("sudah dilaporkan"));
    assert_eq!(
        text_of(
            &app,
            "SELECT repayment FROM capital_applications WHERE id = $1",
            id
        )
        .await,
        "on_track"
    );
    // The agency's view counts it.
    let overview = admin.get("/admin/permodalan").await;
    assert_eq!(overview.status, 200);
    assert!(overview.contains("Dana/bantuan diterima"));
    // The alumna was told at each step that concerned her.
    let notes = i64_of(&app, "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username = 'alumni' AND n.link = '/akun/permodalan/' || CAST($1 AS TEXT)", id).await;
    assert!(notes >= 5, "notifications to the applicant: {notes}");
    // Every step is in the audit trail.
    for action in [
        "capital.application_submitted",
        "capital.referred",
        "capital.consent_granted",
        "capital.approved",
        "capital.disbursed",
        "capital.repayment_reported",
    ] {
        let sql = format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND entity_id = CAST($1 AS TEXT)"
        );
        assert_eq!(i64_of(&app, &sql, id).await, 1, "{action}");
    }
}

both!(consent_gates_the_partner);
async fn consent_gates_the_partner(app: TestApp) {
    let (id, _admin, siti) = referred(&app, "mitra").await;
    let mitra = app.signed_in("mitra").await;
    let baznas = app.signed_in("mitra.baznas").await;
    let paths = |id: i64| {
        vec![
            format!("/mitra/pengajuan/{id}"),
            format!("/mitra/pengajuan/{id}/dosier.pdf"),
            format!("/mitra/pengajuan/{id}/dokumen/ktp"),
        ]
    };
    // Referred without consent: nothing of it is visible to the partner.
    for path in paths(id) {
        assert_eq!(mitra.get(&path).await.status, 404, "{path}");
    }
    assert_eq!(
        mitra
            .post(&format!("/mitra/pengajuan/{id}/nik"), &[])
            .await
            .status,
        404
    );
    assert!(
        !mitra
            .get("/mitra/pengajuan")
            .await
            .contains(&format!("#{id}"))
    );
    // With consent it is.
    siti.post(&format!("/akun/permodalan/{id}/setujui-berbagi"), &[])
        .await
        .assert_redirect_to(&format!("/akun/permodalan/{id}"));
    for path in paths(id) {
        assert_eq!(mitra.get(&path).await.status, 200, "{path}");
    }
    let doc = mitra
        .get(&format!("/mitra/pengajuan/{id}/dokumen/ktp"))
        .await;
    assert_eq!(doc.headers["content-type"], "image/jpeg");
    // Another partner never.
    for path in paths(id) {
        assert_eq!(baznas.get(&path).await.status, 404, "{path}");
    }
    assert_eq!(
        baznas
            .post(&format!("/mitra/pengajuan/{id}/nik"), &[])
            .await
            .status,
        404
    );
    assert_eq!(
        baznas
            .post(
                &format!("/mitra/pengajuan/{id}/setujui"),
                &[("amount", "1.000.000"), ("tenor", "12"), ("rate", "x")]
            )
            .await
            .status,
        404
    );
    // Revoked: gone again, and the partner cannot decide.
    siti.post(&format!("/akun/permodalan/{id}/cabut-persetujuan"), &[])
        .await
        .assert_redirect_to(&format!("/akun/permodalan/{id}"));
    for path in paths(id) {
        assert_eq!(mitra.get(&path).await.status, 404, "{path}");
    }
    assert_eq!(
        mitra
            .post(&format!("/mitra/pengajuan/{id}/nik"), &[])
            .await
            .status,
        404
    );
    assert_eq!(
        mitra
            .post(
                &format!("/mitra/pengajuan/{id}/setujui"),
                &[("amount", "1.000.000"), ("tenor", "12"), ("rate", "x")]
            )
            .await
            .status,
        404
    );
    assert_eq!(state_of(&app, id).await, "referred");
    // The stored KTP is sealed: no JPEG header at rest.
    let row = sqlx::query("SELECT content FROM capital_documents WHERE application_id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let content: Vec<u8> = row.try_get(0).unwrap();
    assert!(
        !content.starts_with(&[0xFF, 0xD8]),
        "a KTP photo is sealed at rest"
    );
    // Views and downloads by the partner were audited.
    assert!(i64_of(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'capital.document_viewed' AND entity_id = CAST($1 AS TEXT)", id).await >= 1);
    assert!(i64_of(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'capital.dossier_downloaded' AND entity_id = CAST($1 AS TEXT)", id).await >= 1);
}

both!(the_dossier_is_frozen);
async fn the_dossier_is_frozen(app: TestApp) {
    let (id, admin, _siti) = referred(&app, "mitra").await;
    let body = text_of(
        &app,
        "SELECT body FROM capital_dossiers WHERE application_id = $1",
        id,
    )
    .await;
    let hash = text_of(
        &app,
        "SELECT hash FROM capital_dossiers WHERE application_id = $1",
        id,
    )
    .await;
    assert_eq!(karya::domain::capital::dossier::hash(&body), hash);
    // The database refuses to rewrite or delete it, whoever asks.
    assert!(
        sqlx::query("UPDATE capital_dossiers SET body = '{}' WHERE application_id = $1")
            .bind(id)
            .execute(app.db.pool())
            .await
            .is_err()
    );
    assert!(
        sqlx::query("DELETE FROM capital_dossiers WHERE application_id = $1")
            .bind(id)
            .execute(app.db.pool())
            .await
            .is_err()
    );
    // Refresh is refused after referral (the partner is shown the version she consents to).
    let page = admin
        .post(
            &format!("/admin/permodalan/pengajuan/{id}/perbarui-dosier"),
            &[],
        )
        .await;
    assert_eq!(page.status, 409);
    assert_eq!(
        i64_of(
            &app,
            "SELECT COUNT(*) FROM capital_dossiers WHERE application_id = $1",
            id
        )
        .await,
        1
    );
}

both!(bad_input_keeps_what_was_typed_and_stores_nothing);
async fn bad_input_keeps_what_was_typed_and_stores_nothing(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let siti = app.signed_in("alumni").await;
    let partner = partner_of(&app, "mitra").await;
    // A program form with its ranges backwards.
    let before = app.scalar("SELECT COUNT(*) FROM capital_programs").await;
    let page = admin
        .post(
            "/admin/permodalan/program/baru",
            &[
                ("partner_id", &partner.to_string()),
                ("name", "Program terbalik"),
                ("kind", "loan"),
                ("min_amount", "10.000.000"),
                ("max_amount", "1.000.000"),
                ("tenor_min", "0"),
                ("tenor_max", "0"),
                ("opens_on", "2026-01-01"),
                ("closes_on", "2025-01-01"),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.contains("Program terbalik"));
    assert!(page.contains("Jumlah terbesar tidak boleh kurang"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM capital_programs").await,
        before
    );
    // An application whose plan does not add up, and amounts outside the program.
    let p = program(&app, &admin, partner, "Program masukan buruk", &[]).await;
    let before = app
        .scalar("SELECT COUNT(*) FROM capital_applications")
        .await;
    let mut fields = request_fields("9.000.000");
    fields.push(("item", "Etalase kaca"));
    fields.push(("price", "abc"));
    let page = siti
        .post(&format!("/akun/permodalan/baru?program={p}"), &fields)
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.contains("Etalase kaca"), "typed rows are kept");
    assert!(page.contains("Baris 3"));
    assert!(page.contains("harus sama dengan jumlah yang diajukan"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM capital_applications")
            .await,
        before
    );
    // Documents: not a photo or PDF, and too large.
    let id = start(&siti, p).await;
    let html = upload(
        &siti,
        id,
        "ktp",
        b"<html><script>alert(1)</script>",
        "ktp.jpg",
    )
    .await;
    assert_eq!(html.status(), 422);
    assert!(
        html.text()
            .await
            .unwrap()
            .contains("foto (JPG, PNG, WebP) atau PDF")
    );
    let mut big = JPEG.to_vec();
    big.resize(6 * 1024 * 1024, 0);
    let large = upload(&siti, id, "ktp", &big, "ktp.jpg").await;
    assert_eq!(large.status(), 413);
    assert_eq!(
        i64_of(
            &app,
            "SELECT COUNT(*) FROM capital_documents WHERE application_id = $1",
            id
        )
        .await,
        0
    );
    // Submitting without the required KTP is refused, nothing frozen.
    let page = siti
        .post(&format!("/akun/permodalan/{id}/ajukan"), &[])
        .await;
    assert_eq!(page.status, 409);
    assert!(page.contains("Foto KTP"));
    assert_eq!(state_of(&app, id).await, "draft");
    assert_eq!(
        i64_of(
            &app,
            "SELECT COUNT(*) FROM capital_dossiers WHERE application_id = $1",
            id
        )
        .await,
        0
    );
    // A reason is required to reject.
    assert_eq!(
        upload(&siti, id, "ktp", JPEG, "ktp.jpg").await.status(),
        303
    );
    siti.post(&format!("/akun/permodalan/{id}/ajukan"), &[])
        .await
        .assert_redirect_to(&format!("/akun/permodalan/{id}"));
    admin
        .post(&format!("/admin/permodalan/pengajuan/{id}/periksa"), &[])
        .await;
    let page = admin
        .post(
            &format!("/admin/permodalan/pengajuan/{id}/tolak"),
            &[("reason", "no")],
        )
        .await;
    assert_eq!(page.status, 422);
    assert_eq!(state_of(&app, id).await, "in_review");
}

both!(a_stale_page_is_refused);
async fn a_stale_page_is_refused(app: TestApp) {
    let (id, admin, siti) = referred(&app, "mitra").await;
    let version = i64_of(
        &app,
        "SELECT version FROM capital_applications WHERE id = $1",
        id,
    )
    .await;
    siti.post(
        &format!("/akun/permodalan/{id}/setujui-berbagi"),
        &[("versi", &version.to_string())],
    )
    .await
    .assert_redirect_to(&format!("/akun/permodalan/{id}"));
    // The revoke button of the page she loaded before consenting carries the old version.
    let page = siti
        .post(
            &format!("/akun/permodalan/{id}/cabut-persetujuan"),
            &[("versi", &version.to_string())],
        )
        .await;
    assert_eq!(page.status, 409);
    assert!(page.contains("baru saja diubah"));
    let live = i64_of(
        &app,
        "SELECT COUNT(*) FROM capital_consents WHERE application_id = $1 AND revoked_at IS NULL",
        id,
    )
    .await;
    assert_eq!(live, 1);
    let _ = admin;
}

both!(eligibility_is_shown_rule_by_rule_and_enforced);
async fn eligibility_is_shown_rule_by_rule_and_enforced(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let siti = app.signed_in("alumni").await;
    let partner = partner_of(&app, "mitra").await;
    // A rule nobody in the demo can meet: 100,000 completed orders.
    let p = program(
        &app,
        &admin,
        partner,
        "Program sulit",
        &[("min_orders_total", "100000"), ("nib_required", "1")],
    )
    .await;
    let page = siti.get(&format!("/permodalan/{p}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.contains("Minimal 100000 pesanan selesai"),
        "{}",
        page.body
    );
    assert!(page.contains("Kurang:"));
    let id = start(&siti, p).await;
    assert_eq!(
        upload(&siti, id, "ktp", JPEG, "ktp.jpg").await.status(),
        303
    );
    let refused = siti
        .post(&format!("/akun/permodalan/{id}/ajukan"), &[])
        .await;
    assert_eq!(refused.status, 409);
    assert!(
        refused.contains("jumlah pesanan selesai"),
        "{}",
        refused.body
    );
    assert_eq!(state_of(&app, id).await, "draft");
    // The public sees the program and its rules, without a verdict.
    let public = app.visitor().get(&format!("/permodalan/{p}")).await;
    assert_eq!(public.status, 200);
    assert!(!public.contains("Kurang:"));
}
