//! Capital over HTTP: a program the agency creates, an application with documents and a frozen
//! dossier, the agency's review and referral, consent, the partner's decision, disbursement and
//! repayment, on both backends; and the rules around them (consent gates the partner, partners
//! are isolated, every illegal step is refused with nothing stored, bad input keeps what was typed).

use sqlx::Row;

use crate::both;
use crate::helpers::{TestApp, Visitor};

/// A small real photo (a KTP-sized grey card), as a phone would send it.
pub(crate) fn jpeg() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(120, 76, |x, y| {
        image::Rgb([(x * 2) as u8, (y * 3) as u8, 160])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    picture
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode a test photo");
    out.into_inner()
}

pub(crate) async fn i64_of(app: &TestApp, sql: &str, id: i64) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect(sql)
        .try_get(0)
        .expect("i64")
}

pub(crate) async fn text_of(app: &TestApp, sql: &str, id: i64) -> String {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect(sql)
        .try_get(0)
        .expect("text")
}

pub(crate) async fn partner_of(app: &TestApp, username: &str) -> i64 {
    let row = sqlx::query("SELECT partner_id FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    row.try_get(0).unwrap()
}

/// The agency creates an open program of `partner` with `documents` and no eligibility rules
/// beyond `extra` fields; returns its id.
pub(crate) async fn program(
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

pub(crate) fn request_fields(amount: &'static str) -> Vec<(&'static str, &'static str)> {
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
pub(crate) async fn start(siti: &Visitor, program: i64) -> i64 {
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

pub(crate) async fn upload(
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

pub(crate) async fn state_of(app: &TestApp, id: i64) -> String {
    text_of(
        app,
        "SELECT state FROM capital_applications WHERE id = $1",
        id,
    )
    .await
}

/// An application submitted, reviewed, recommended and referred (not yet consented).
pub(crate) async fn referred(app: &TestApp, partner_user: &str) -> (i64, Visitor, Visitor) {
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
        upload(&siti, id, "ktp", &jpeg(), "ktp.jpg").await.status(),
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
    // Later activity does not change what was frozen: the page still shows the frozen figures.
    let frozen = karya::domain::capital::dossier::Dossier::parse(&body).unwrap();
    let alumnus = frozen.record.person.alumnus_id;
    let rated = sqlx::query(
        "UPDATE reviews SET rating = 1 WHERE business_id IN (SELECT id FROM businesses WHERE alumnus_id = $1)",
    )
    .bind(alumnus)
    .execute(app.db.pool())
    .await
    .unwrap()
    .rows_affected();
    assert!(rated > 0, "the demo alumna has reviews");
    let frozen_rating = karya::views::track_record::rating_text(&frozen.record);
    let page = admin
        .get(&format!("/admin/permodalan/pengajuan/{id}"))
        .await;
    assert!(page.contains(&frozen_rating), "{frozen_rating}");
    assert_eq!(
        text_of(
            &app,
            "SELECT body FROM capital_dossiers WHERE application_id = $1",
            id
        )
        .await,
        body
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
    let mut big = jpeg();
    big.resize(6 * 1024 * 1024, 0);
    let large = upload(&siti, id, "ktp", &big, "ktp.jpg").await;
    assert_eq!(large.status(), 413);
    // A file that only begins like a JPEG is not a photo.
    let mut fake = vec![0xFF, 0xD8, 0xFF, 0xE0];
    fake.extend_from_slice(b"MZ this is a program, not a picture");
    let fake = upload(&siti, id, "ktp", &fake, "ktp.jpg").await;
    assert_eq!(fake.status(), 422);
    assert!(fake.text().await.unwrap().contains("Foto rusak"));
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
        upload(&siti, id, "ktp", &jpeg(), "ktp.jpg").await.status(),
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
        upload(&siti, id, "ktp", &jpeg(), "ktp.jpg").await.status(),
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
    assert!(public.contains("Minimal 100000 pesanan selesai (umum dan OPD)"));
    assert!(public.contains("Memiliki NIB"));
}

/// The legal moves, written out here from the issue (independently of the domain's table): for
/// each state, which party may take which step (by its URL slug). Consent and revoking it
/// depend on whether consent is live; approve and decline need it.
fn legal(state: &str, party: &str, consented: bool) -> Vec<&'static str> {
    match (state, party) {
        ("draft" | "returned", "alumni") => vec!["ubah", "ajukan", "tarik"],
        ("submitted" | "in_review" | "recommended", "alumni") => vec!["tarik", "perbarui-dosier"],
        ("referred", "alumni") if consented => vec!["tarik", "cabut-persetujuan"],
        ("referred", "alumni") => vec!["tarik", "setujui-berbagi"],
        ("submitted", "admin") => vec!["periksa", "perbarui-dosier"],
        ("in_review", "admin") => vec!["kembalikan", "tolak", "rekomendasikan", "perbarui-dosier"],
        ("recommended", "admin") => vec!["rujuk", "perbarui-dosier"],
        ("referred", "mitra") if consented => vec!["setujui", "tolak-mitra"],
        ("approved", "mitra") => vec!["cairkan"],
        ("disbursed", "mitra") => vec!["lapor-angsuran", "lunas"],
        _ => vec![],
    }
}

const SLUGS: [&str; 16] = [
    "ubah",
    "ajukan",
    "tarik",
    "periksa",
    "kembalikan",
    "tolak",
    "rekomendasikan",
    "rujuk",
    "perbarui-dosier",
    "setujui-berbagi",
    "cabut-persetujuan",
    "setujui",
    "tolak-mitra",
    "cairkan",
    "lapor-angsuran",
    "lunas",
];

both!(every_step_in_every_state_by_every_party);
async fn every_step_in_every_state_by_every_party(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let siti = app.signed_in("alumni").await;
    let mitra = app.signed_in("mitra").await;
    let baznas = app.signed_in("mitra.baznas").await;
    let partner = partner_of(&app, "mitra").await;
    let p = program(&app, &admin, partner, "Program ruang keadaan", &[]).await;
    let today = karya::domain::dates::to_iso(karya::domain::dates::today_wib());
    let month = today[..7].to_owned();
    // One application walked into each state through the pages.
    let mut apps: Vec<(&str, i64)> = Vec::new();
    let go = |v: &Visitor, path: String, fields: Vec<(&'static str, String)>| {
        let v = Visitor {
            client: v.client.clone(),
            base: v.base.clone(),
        };
        async move {
            let f: Vec<(&str, &str)> = fields.iter().map(|(k, x)| (*k, x.as_str())).collect();
            let page = v.post(&path, &f).await;
            assert_eq!(page.status, 303, "{path}: {}", page.body);
        }
    };
    let walk: [(&str, &[(&str, &str)]); 13] = [
        ("draft", &[]),
        ("submitted", &[("alumni", "ajukan")]),
        ("in_review", &[("alumni", "ajukan"), ("admin", "periksa")]),
        (
            "returned",
            &[
                ("alumni", "ajukan"),
                ("admin", "periksa"),
                ("admin", "kembalikan"),
            ],
        ),
        (
            "rejected",
            &[
                ("alumni", "ajukan"),
                ("admin", "periksa"),
                ("admin", "tolak"),
            ],
        ),
        (
            "recommended",
            &[
                ("alumni", "ajukan"),
                ("admin", "periksa"),
                ("admin", "rekomendasikan"),
            ],
        ),
        (
            "referred",
            &[
                ("alumni", "ajukan"),
                ("admin", "periksa"),
                ("admin", "rekomendasikan"),
                ("admin", "rujuk"),
                ("alumni", "setujui-berbagi"),
            ],
        ),
        (
            "approved",
            &[
                ("alumni", "ajukan"),
                ("admin", "periksa"),
                ("admin", "rekomendasikan"),
                ("admin", "rujuk"),
                ("alumni", "setujui-berbagi"),
                ("mitra", "setujui"),
            ],
        ),
        (
            "declined",
            &[
                ("alumni", "ajukan"),
                ("admin", "periksa"),
                ("admin", "rekomendasikan"),
                ("admin", "rujuk"),
                ("alumni", "setujui-berbagi"),
                ("mitra", "tolak-mitra"),
            ],
        ),
        (
            "disbursed",
            &[
                ("alumni", "ajukan"),
                ("admin", "periksa"),
                ("admin", "rekomendasikan"),
                ("admin", "rujuk"),
                ("alumni", "setujui-berbagi"),
                ("mitra", "setujui"),
                ("mitra", "cairkan"),
            ],
        ),
        (
            "closed",
            &[
                ("alumni", "ajukan"),
                ("admin", "periksa"),
                ("admin", "rekomendasikan"),
                ("admin", "rujuk"),
                ("alumni", "setujui-berbagi"),
                ("mitra", "setujui"),
                ("mitra", "cairkan"),
                ("mitra", "lunas"),
            ],
        ),
        ("withdrawn", &[("alumni", "tarik")]),
        ("expired", &[]),
    ];
    for (state, steps) in walk {
        // One open application per program at a time is not a rule of this program.
        let id = start(&siti, p).await;
        assert_eq!(
            upload(&siti, id, "ktp", &jpeg(), "ktp.jpg").await.status(),
            303
        );
        for (who, slug) in steps {
            let (v, base) = match *who {
                "alumni" => (&siti, "/akun/permodalan"),
                "admin" => (&admin, "/admin/permodalan/pengajuan"),
                _ => (&mitra, "/mitra/pengajuan"),
            };
            let fields: Vec<(&'static str, String)> = match *slug {
                "kembalikan" | "tolak" | "tolak-mitra" => {
                    vec![("reason", "Lengkapi rencana penggunaan".into())]
                }
                "setujui" => vec![
                    ("amount", "5.000.000".into()),
                    ("tenor", "12".into()),
                    ("rate", "6%".into()),
                ],
                "cairkan" => vec![("amount", "5.000.000".into()), ("date", today.clone())],
                "lunas" => vec![("status", "closed".into()), ("period", month.clone())],
                _ => vec![],
            };
            let slug = if *slug == "lunas" {
                "lapor-angsuran"
            } else {
                slug
            };
            go(v, format!("{base}/{id}/{slug}"), fields).await;
        }
        if state == "expired" {
            sqlx::query("UPDATE capital_applications SET state = 'expired' WHERE id = $1")
                .bind(id)
                .execute(app.db.pool())
                .await
                .unwrap();
        }
        assert_eq!(state_of(&app, id).await, state);
        apps.push((state, id));
    }
    let parties: [(&str, &Visitor, &str); 4] = [
        ("alumni", &siti, "/akun/permodalan"),
        ("admin", &admin, "/admin/permodalan/pengajuan"),
        ("mitra", &mitra, "/mitra/pengajuan"),
        ("mitra.baznas", &baznas, "/mitra/pengajuan"),
    ];
    let mut tried = 0;
    for (state, id) in &apps {
        let consented = i64_of(&app, "SELECT COUNT(*) FROM capital_consents WHERE application_id = $1 AND revoked_at IS NULL", *id).await > 0;
        let decided = matches!(*state, "approved" | "declined" | "disbursed" | "closed");
        for (party, v, base) in parties {
            let sees = match party {
                "mitra" => (*state == "referred" && consented) || decided,
                "mitra.baznas" => false,
                _ => true,
            };
            let allowed = legal(state, party, consented);
            // The page shows exactly the buttons of the legal steps that have no form of their own.
            if sees {
                let page = v.get(&format!("{base}/{id}")).await;
                assert_eq!(page.status, 200, "{party} opens a {state} application");
                for slug in SLUGS {
                    let shown = page.contains(&format!("action=\"{base}/{id}/{slug}\""));
                    let expected = allowed.contains(&slug) && slug != "lunas";
                    assert_eq!(
                        shown, expected,
                        "{party} sees the {slug} form on a {state} application"
                    );
                }
            }
            let token = v.csrf().await;
            for slug in SLUGS {
                if allowed.contains(&slug) {
                    continue;
                }
                let version = i64_of(
                    &app,
                    "SELECT version FROM capital_applications WHERE id = $1",
                    *id,
                )
                .await;
                let page = v
                    .post_raw(
                        &format!("{base}/{id}/{slug}"),
                        &[("_csrf", &token), ("reason", "Alasan yang cukup panjang")],
                    )
                    .await;
                let expected = if sees { 409 } else { 404 };
                assert_eq!(
                    page.status,
                    expected,
                    "{party} {slug} on a {state} application: {}",
                    page.location.clone().unwrap_or_default()
                );
                assert_eq!(
                    state_of(&app, *id).await,
                    *state,
                    "{party} {slug} changed a {state} application"
                );
                assert_eq!(
                    i64_of(
                        &app,
                        "SELECT version FROM capital_applications WHERE id = $1",
                        *id
                    )
                    .await,
                    version
                );
                tried += 1;
            }
        }
    }
    assert!(tried > 500, "{tried} illegal steps tried");
}

both!(a_confirmed_payment_that_makes_her_eligible_tells_her_once);
async fn a_confirmed_payment_that_makes_her_eligible_tells_her_once(app: TestApp) {
    use crate::orders::{act, assert_done, cast, fixture, order_in, wib_date};
    use karya::domain::order::State as OrderState;
    let fx = fixture(&app).await;
    let c = cast(&app).await;
    let partner = partner_of(&app, "mitra").await;
    // Her completed public orders now; the program asks for two more.
    let done = i64_of(&app, "SELECT COUNT(*) FROM orders WHERE business_id IN (SELECT id FROM businesses WHERE alumnus_id = (SELECT alumnus_id FROM businesses WHERE id = $1)) AND state IN ('completed','reviewed')", fx.business).await;
    let need = (done + 2).to_string();
    let name = "Program dorongan";
    program(
        &app,
        &c.admin,
        partner,
        name,
        &[("min_orders_public", &need)],
    )
    .await;
    let told = || async {
        sqlx::query("SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username = 'alumni' AND n.title = $1")
            .bind(format!("Anda kini memenuhi syarat {name}"))
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .try_get::<i64, _>(0)
            .unwrap()
    };
    let pay = |id: i64| {
        let (seller, buyer) = (&c.seller, &c.buyer);
        async move {
            let today = wib_date(0);
            assert_done(
                &act(
                    seller,
                    id,
                    "pembayaran",
                    &[
                        ("method", "cash"),
                        ("paid_on", &today),
                        ("amount", "240.000"),
                    ],
                )
                .await,
                "record payment",
            );
            assert_done(
                &act(buyer, id, "konfirmasi-pembayaran", &[]).await,
                "confirm payment",
            );
        }
    };
    // One more completed and paid order: still one short, nothing said.
    let first = order_in(&app, &c, &fx, OrderState::Completed).await;
    pay(first).await;
    assert_eq!(told().await, 0);
    // The second makes her eligible: told once, with a link to the program.
    let second = order_in(&app, &c, &fx, OrderState::Completed).await;
    pay(second).await;
    assert_eq!(told().await, 1);
    // A third payment does not tell her again.
    let third = order_in(&app, &c, &fx, OrderState::Completed).await;
    pay(third).await;
    assert_eq!(told().await, 1);
    let page = c.seller.get("/permodalan").await;
    assert!(page.contains(name));
}

both!(a_refresh_is_a_new_dated_version);
async fn a_refresh_is_a_new_dated_version(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let siti = app.signed_in("alumni").await;
    let partner = partner_of(&app, "mitra").await;
    let p = program(&app, &admin, partner, "Program pembaruan", &[]).await;
    let id = start(&siti, p).await;
    assert_eq!(
        upload(&siti, id, "ktp", &jpeg(), "ktp.jpg").await.status(),
        303
    );
    siti.post(&format!("/akun/permodalan/{id}/ajukan"), &[])
        .await
        .assert_redirect_to(&format!("/akun/permodalan/{id}"));
    let first = text_of(
        &app,
        "SELECT body FROM capital_dossiers WHERE application_id = $1 AND version = 1",
        id,
    )
    .await;
    let alumnus = i64_of(
        &app,
        "SELECT alumnus_id FROM capital_applications WHERE id = $1",
        id,
    )
    .await;
    sqlx::query("UPDATE reviews SET rating = 1 WHERE business_id IN (SELECT id FROM businesses WHERE alumnus_id = $1)")
        .bind(alumnus)
        .execute(app.db.pool())
        .await
        .unwrap();
    admin
        .post(
            &format!("/admin/permodalan/pengajuan/{id}/perbarui-dosier"),
            &[],
        )
        .await
        .assert_redirect_to(&format!("/admin/permodalan/pengajuan/{id}"));
    let second = text_of(
        &app,
        "SELECT body FROM capital_dossiers WHERE application_id = $1 AND version = 2",
        id,
    )
    .await;
    assert_ne!(first, second, "the new version holds today's figures");
    assert_eq!(
        text_of(
            &app,
            "SELECT body FROM capital_dossiers WHERE application_id = $1 AND version = 1",
            id
        )
        .await,
        first,
        "the first version is kept as it was"
    );
    let newer = karya::domain::capital::dossier::Dossier::parse(&second).unwrap();
    let older = karya::domain::capital::dossier::Dossier::parse(&first).unwrap();
    assert!(newer.record.rating_total < older.record.rating_total);
    // The consent names the version the partner will see: the latest at referral.
    for step in ["periksa", "rekomendasikan", "rujuk"] {
        admin
            .post(&format!("/admin/permodalan/pengajuan/{id}/{step}"), &[])
            .await;
    }
    siti.post(&format!("/akun/permodalan/{id}/setujui-berbagi"), &[])
        .await;
    let consented = i64_of(&app, "SELECT d.version FROM capital_consents c JOIN capital_dossiers d ON d.id = c.dossier_id WHERE c.application_id = $1", id).await;
    assert_eq!(consented, 2);
}

both!(stalled_applications_remind_and_drafts_expire);
async fn stalled_applications_remind_and_drafts_expire(app: TestApp) {
    use karya::app::capital::Capital;
    let admin = app.signed_in("admin").await;
    let siti = app.signed_in("alumni").await;
    let partner = partner_of(&app, "mitra").await;
    let p = program(&app, &admin, partner, "Program batas waktu", &[]).await;
    // Review reminders after 3 days, drafts expire after 7 (settings, not code).
    let mapping = karya::domain::capital::sikp::Mapping::default().to_text();
    admin
        .post(
            "/admin/permodalan/pengaturan",
            &[
                ("review_days", "3"),
                ("decision_days", "4"),
                ("draft_days", "7"),
                ("sikp_columns", &mapping),
            ],
        )
        .await
        .assert_redirect_to("/admin/permodalan/pengaturan");
    let submitted = start(&siti, p).await;
    assert_eq!(
        upload(&siti, submitted, "ktp", &jpeg(), "ktp.jpg")
            .await
            .status(),
        303
    );
    siti.post(&format!("/akun/permodalan/{submitted}/ajukan"), &[])
        .await
        .assert_redirect_to(&format!("/akun/permodalan/{submitted}"));
    let draft = start(&siti, p).await;
    let reach = karya::db::orders::Reach::from_settings(&app.settings);
    let key = karya::secrets::Key::random();
    let capital = Capital {
        db: &app.db,
        key: &key,
        reach: &reach,
    };
    let now = karya::db::now();
    let reminders = |id: i64| {
        let db = app.db.clone();
        async move {
            sqlx::query("SELECT COUNT(*) FROM audit_log WHERE action = 'capital.reminded' AND entity_id = $1")
                .bind(id.to_string())
                .fetch_one(db.pool())
                .await
                .unwrap()
                .try_get::<i64, _>(0)
                .unwrap()
        }
    };
    // Two days on: nothing is due.
    capital.remind_and_expire(now + 2 * 86_400).await.unwrap();
    assert_eq!(reminders(submitted).await, 0);
    assert_eq!(state_of(&app, draft).await, "draft");
    // Three days and a bit: the agency is reminded, once however often the job runs.
    capital
        .remind_and_expire(now + 3 * 86_400 + 60)
        .await
        .unwrap();
    capital.remind_and_expire(now + 4 * 86_400).await.unwrap();
    assert_eq!(reminders(submitted).await, 1);
    let agency_notes = i64_of(&app, "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.role = 'admin' AND n.link = '/admin/permodalan/pengajuan/' || CAST($1 AS TEXT) AND n.title LIKE 'Pengingat%'", submitted).await;
    assert!(agency_notes >= 1);
    assert!(
        app.scalar("SELECT COUNT(*) FROM outbox").await > 0,
        "reminders go through the outbox too"
    );
    // Seven days and a bit: the draft expires and she is told; the submitted one does not.
    capital
        .remind_and_expire(now + 7 * 86_400 + 60)
        .await
        .unwrap();
    assert_eq!(state_of(&app, draft).await, "expired");
    assert_eq!(state_of(&app, submitted).await, "submitted");
    let told = i64_of(&app, "SELECT COUNT(*) FROM notifications WHERE link = '/akun/permodalan/' || CAST($1 AS TEXT) AND title LIKE '%kedaluwarsa'", draft).await;
    assert_eq!(told, 1);
    // Moving on restarts the clock: a review then waits its own time.
    admin
        .post(
            &format!("/admin/permodalan/pengajuan/{submitted}/periksa"),
            &[],
        )
        .await
        .assert_redirect_to(&format!("/admin/permodalan/pengajuan/{submitted}"));
    assert_eq!(
        i64_of(
            &app,
            "SELECT COUNT(*) FROM capital_applications WHERE id = $1 AND reminded_at IS NULL",
            submitted
        )
        .await,
        1
    );
}

both!(exports_hold_exactly_what_the_partner_may_see);
/// The bank's queue as XLSX: the application ids in it.
async fn queue_ids(app: &TestApp) -> Vec<String> {
    let mitra = app.signed_in("mitra").await;
    let file = mitra
        .client
        .get(format!("{}/mitra/pengajuan.xlsx", mitra.base))
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    let bytes = file.bytes().await.unwrap().to_vec();
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    sheet.rows().skip(1).map(|r| r[0].to_string()).collect()
}

/// The demo's own SIKP candidates (KUR, referred or approved, live consent), of one partner
/// (`0`: all).
async fn demo_candidates(app: &TestApp, partner: i64) -> usize {
    let n: i64 = sqlx::query(
        "SELECT COUNT(*) FROM capital_applications a JOIN capital_programs p ON p.id = a.program_id \
         WHERE p.kur = 1 AND a.state IN ('referred', 'approved') AND ($1 = 0 OR p.partner_id = $1) \
         AND EXISTS (SELECT 1 FROM capital_consents c WHERE c.application_id = a.id AND c.revoked_at IS NULL)",
    )
    .bind(partner)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
    .try_get(0)
    .unwrap();
    n as usize
}

async fn exports_hold_exactly_what_the_partner_may_see(app: TestApp) {
    // The demo district has candidates and a queue of its own; this test adds to them.
    let bank = partner_of(&app, "mitra").await;
    let (demo_bank, demo_all) = (
        demo_candidates(&app, bank).await,
        demo_candidates(&app, 0).await,
    );
    let demo_queue = queue_ids(&app).await;
    let (consented, admin, siti) = referred(&app, "mitra").await;
    siti.post(
        &format!("/akun/permodalan/{consented}/setujui-berbagi"),
        &[],
    )
    .await;
    // A second referral to the same bank, not consented; and one to BAZNAS, consented.
    let p2 = program(&app, &admin, bank, "Program kedua bank", &[]).await;
    let waiting = start(&siti, p2).await;
    assert_eq!(
        upload(&siti, waiting, "ktp", &jpeg(), "ktp.jpg")
            .await
            .status(),
        303
    );
    siti.post(&format!("/akun/permodalan/{waiting}/ajukan"), &[])
        .await;
    for step in ["periksa", "rekomendasikan", "rujuk"] {
        admin
            .post(
                &format!("/admin/permodalan/pengajuan/{waiting}/{step}"),
                &[],
            )
            .await;
    }
    let (other, _, _) = referred(&app, "mitra.baznas").await;
    siti.post(&format!("/akun/permodalan/{other}/setujui-berbagi"), &[])
        .await;
    // The SIKP file for the bank: exactly the consented candidate, NIK in full as text.
    let page = admin
        .post(
            "/admin/permodalan/sikp",
            &[("mitra", &bank.to_string()), ("format", "csv")],
        )
        .await;
    assert_eq!(page.status, 200);
    let body = page.body.trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header[0], "NIK");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), demo_bank + 1, "{body}");
    let shown = admin
        .post(&format!("/admin/permodalan/pengajuan/{consented}/nik"), &[])
        .await;
    let hers: Vec<&csv::StringRecord> = rows
        .iter()
        .filter(|r| r[0].len() == 16 && shown.contains(&r[0]))
        .collect();
    assert_eq!(hers.len(), 1, "the consented applicant, NIK in full");
    assert!(hers[0].iter().any(|c| c == "5000000"), "the amount asked");
    // Without a partner filter: both consented KUR candidates, the unconsented one never.
    let page = admin
        .post("/admin/permodalan/sikp", &[("format", "csv")])
        .await;
    let all = csv::Reader::from_reader(page.body.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .count();
    assert_eq!(all, demo_all + 2);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'capital.sikp_export_full_nik'")
            .await,
        2
    );
    // The bank's queue as XLSX: its consented referral is added, the unconsented one is not.
    let mut expected = demo_queue;
    expected.push(consented.to_string());
    expected.sort();
    let mut ids = queue_ids(&app).await;
    ids.sort();
    assert_eq!(ids, expected);
    assert!(!ids.contains(&waiting.to_string()));
}

both!(a_full_quota_refuses_the_next_approval);
async fn a_full_quota_refuses_the_next_approval(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let siti = app.signed_in("alumni").await;
    let mitra = app.signed_in("mitra").await;
    let bank = partner_of(&app, "mitra").await;
    let p = program(&app, &admin, bank, "Program kuota satu", &[("quota", "1")]).await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let id = start(&siti, p).await;
        assert_eq!(
            upload(&siti, id, "ktp", &jpeg(), "ktp.jpg").await.status(),
            303
        );
        siti.post(&format!("/akun/permodalan/{id}/ajukan"), &[])
            .await;
        for step in ["periksa", "rekomendasikan", "rujuk"] {
            admin
                .post(&format!("/admin/permodalan/pengajuan/{id}/{step}"), &[])
                .await;
        }
        siti.post(&format!("/akun/permodalan/{id}/setujui-berbagi"), &[])
            .await;
        ids.push(id);
    }
    let approve = [("amount", "5.000.000"), ("tenor", "12"), ("rate", "6%")];
    mitra
        .post(&format!("/mitra/pengajuan/{}/setujui", ids[0]), &approve)
        .await
        .assert_redirect_to(&format!("/mitra/pengajuan/{}", ids[0]));
    let page = mitra
        .post(&format!("/mitra/pengajuan/{}/setujui", ids[1]), &approve)
        .await;
    assert_eq!(page.status, 409);
    assert!(page.contains("Kuota program ini sudah habis"));
    assert_eq!(state_of(&app, ids[1]).await, "referred");
    // The public page shows what is left.
    assert!(
        app.visitor()
            .get(&format!("/permodalan/{p}"))
            .await
            .contains("sisa 0")
    );
}

both!(a_photo_is_stored_as_a_picture_without_its_metadata);
async fn a_photo_is_stored_as_a_picture_without_its_metadata(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let siti = app.signed_in("alumni").await;
    let bank = partner_of(&app, "mitra").await;
    let p = program(&app, &admin, bank, "Program foto", &[]).await;
    let id = start(&siti, p).await;
    // A PNG with a text chunk (as metadata travels) comes back as a plain JPEG.
    let picture = image::RgbImage::from_fn(64, 40, |x, _| image::Rgb([x as u8 * 3, 90, 200]));
    let mut png = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut png, image::ImageFormat::Png).unwrap();
    let mut png = png.into_inner();
    let end = png.len() - 12; // before IEND
    let text = b"tEXtLocation\0-1.0950,103.9000";
    let mut chunk = (text.len() as u32 - 4).to_be_bytes().to_vec();
    chunk.extend_from_slice(text);
    chunk.extend_from_slice(&crc32fast::hash(text).to_be_bytes());
    png.splice(end..end, chunk);
    assert_eq!(
        upload(&siti, id, "foto-usaha", &png, "usaha.png")
            .await
            .status(),
        303
    );
    let back = siti
        .client
        .get(format!(
            "{}/akun/permodalan/{id}/dokumen/foto-usaha",
            siti.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(back.status(), 200);
    assert_eq!(back.headers()["content-type"], "image/jpeg");
    let bytes = back.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert!(
        !bytes.windows(8).any(|w| w == b"Location"),
        "metadata is dropped"
    );
    // A PDF is kept as sent.
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF".to_vec();
    assert_eq!(
        upload(&siti, id, "nib", &pdf, "nib.pdf").await.status(),
        303
    );
    let back = siti
        .client
        .get(format!("{}/akun/permodalan/{id}/dokumen/nib", siti.base))
        .send()
        .await
        .unwrap();
    assert_eq!(back.headers()["content-type"], "application/pdf");
    assert_eq!(back.bytes().await.unwrap().to_vec(), pdf);
}

both!(the_agency_lists_what_each_count_counts);
async fn the_agency_lists_what_each_count_counts(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let baznas = partner_of(&app, "mitra.baznas").await;
    let name: String = sqlx::query_scalar("SELECT name FROM partners WHERE id = $1")
        .bind(baznas)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let page = admin.get("/admin/permodalan").await;
    let href = format!(
        "/admin/permodalan?mitra={}#daftar",
        percent_encoding::utf8_percent_encode(&name, percent_encoding::NON_ALPHANUMERIC)
    );
    assert!(
        page.contains(&href.replace('&', "&amp;")),
        "the partner's count links to its list"
    );
    let page = admin.get(href.trim_end_matches("#daftar")).await;
    assert_eq!(page.status, 200);
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT a.id, p.partner_id FROM capital_applications a JOIN capital_programs p ON p.id = a.program_id \
         WHERE a.state NOT IN ('disbursed','closed')",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert!(rows.iter().any(|(_, p)| *p == baznas) && rows.iter().any(|(_, p)| *p != baznas));
    for (id, partner) in rows {
        let listed = page.contains(&format!("href=\"/admin/permodalan/pengajuan/{id}\""));
        assert_eq!(
            listed,
            partner == baznas,
            "application {id} of partner {partner}"
        );
    }
}

both!(the_agency_adds_a_partner);
async fn the_agency_adds_a_partner(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let before = app.scalar("SELECT COUNT(*) FROM partners").await;
    // Nothing stored from a bad form, and what was typed is kept.
    let page = admin
        .post(
            "/admin/permodalan/mitra",
            &[("name", "Pegadaian Muara Sabak"), ("kind", "pegadaian")],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.contains("Pegadaian Muara Sabak"));
    assert!(page.contains("Pilih jenis mitra."));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM partners").await, before);
    admin
        .post(
            "/admin/permodalan/mitra",
            &[
                ("name", "Koperasi Nelayan Kuala Jambi"),
                ("kind", "koperasi"),
                ("contact", "0812 0000 1111"),
            ],
        )
        .await
        .assert_redirect_to("/admin/permodalan/mitra");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM partners").await,
        before + 1
    );
    let twice = admin
        .post(
            "/admin/permodalan/mitra",
            &[
                ("name", "Koperasi Nelayan Kuala Jambi"),
                ("kind", "koperasi"),
            ],
        )
        .await;
    assert_eq!(twice.status, 422);
    assert!(twice.contains("sudah ada"));
    // The new partner is offered on the program form.
    assert!(
        admin
            .get("/admin/permodalan/program/baru")
            .await
            .contains("Koperasi Nelayan Kuala Jambi")
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'capital.partner_created'")
            .await,
        1
    );
}

both!(consent_is_to_a_partner_not_to_whoever_runs_the_program);
async fn consent_is_to_a_partner_not_to_whoever_runs_the_program(app: TestApp) {
    let (id, _admin, siti) = referred(&app, "mitra").await;
    siti.post(&format!("/akun/permodalan/{id}/setujui-berbagi"), &[])
        .await;
    let mitra = app.signed_in("mitra").await;
    let baznas = app.signed_in("mitra.baznas").await;
    assert_eq!(
        mitra.get(&format!("/mitra/pengajuan/{id}")).await.status,
        200
    );
    // The agency moves the program to another partner: her consent named Bank Jambi, so
    // neither Bank Jambi (no longer the program's) nor BAZNAS (never consented to) sees it.
    let to = partner_of(&app, "mitra.baznas").await;
    sqlx::query("UPDATE capital_programs SET partner_id = $1 WHERE id = (SELECT program_id FROM capital_applications WHERE id = $2)")
        .bind(to)
        .bind(id)
        .execute(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        mitra.get(&format!("/mitra/pengajuan/{id}")).await.status,
        404
    );
    assert_eq!(
        baznas.get(&format!("/mitra/pengajuan/{id}")).await.status,
        404
    );
    assert_eq!(
        baznas
            .post(&format!("/mitra/pengajuan/{id}/nik"), &[])
            .await
            .status,
        404
    );
    // She is asked again, now naming BAZNAS; her consent replaces the old one.
    let page = siti.get(&format!("/akun/permodalan/{id}")).await;
    assert!(
        page.contains("Persetujuan berbagi data dengan BAZNAS"),
        "{}",
        page.body
    );
    siti.post(&format!("/akun/permodalan/{id}/setujui-berbagi"), &[])
        .await
        .assert_redirect_to(&format!("/akun/permodalan/{id}"));
    assert_eq!(
        baznas.get(&format!("/mitra/pengajuan/{id}")).await.status,
        200
    );
    assert_eq!(
        mitra.get(&format!("/mitra/pengajuan/{id}")).await.status,
        404
    );
    assert_eq!(
        i64_of(&app, "SELECT COUNT(*) FROM capital_consents WHERE application_id = $1 AND revoked_at IS NULL", id).await,
        1
    );
}
