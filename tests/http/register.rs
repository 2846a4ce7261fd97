//! The register as the agency sees it: filtered alumni lists and the audited NIK reveal.

use reqwest::StatusCode;

use crate::both;
use crate::helpers::TestApp;

both!(
    alumni_list_filters_match_the_database,
    nik_is_masked_until_an_audited_reveal,
    exports_mask_nik_unless_asked_and_audited,
    trades_and_programs_are_kept_through_forms,
    trade_and_program_forms_reject_bad_input,
    batches_are_created_listed_and_edited,
    batch_form_rejects_bad_input,
    completing_an_imported_batch_clears_needs_review,
    alumni_are_added_and_edited_with_a_sealed_nik,
    alumnus_form_rejects_bad_input_and_stores_nothing,
    a_second_participation_is_added_and_edited,
    participation_form_rejects_bad_input,
    an_alumnus_entered_by_hand_is_matched_by_a_later_import,
    batch_list_exports_what_the_filter_shows,
    csv_export_shows_formulas_as_typed_text,
);

/// An address typed as a spreadsheet formula reaches the CSV export as text (a leading `'`),
/// so opening the export runs nothing.
async fn csv_export_shows_formulas_as_typed_text(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let formula = "=HYPERLINK(\"http://evil.example\",\"Klik\")";
    let mut fields = person(NEW_NIK);
    fields[6] = ("address", formula);
    admin
        .post("/admin/alumni/baru", &fields)
        .await
        .assert_redirect_to("/admin/alumni/");
    let csv = admin
        .get("/admin/alumni/ekspor?format=csv&kecamatan=15.07.01")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(csv.body.trim_start_matches('\u{feff}').as_bytes());
    let column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "Alamat")
        .expect("address column");
    let addresses: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[column].to_owned())
        .collect();
    assert!(addresses.contains(&format!("'{formula}")), "{addresses:?}");
    assert!(
        addresses
            .iter()
            .all(|a| !a.starts_with(['=', '+', '-', '@'])),
        "{addresses:?}"
    );
}

async fn alumni_list_filters_match_the_database(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let all = admin.get("/admin/alumni").await;
    assert_eq!(all.status, StatusCode::OK);
    let total = app.scalar("SELECT COUNT(*) FROM alumni").await;
    assert!(all.contains(&format!("{total} alumni")));
    assert_eq!(
        all.text_of("ul.rows > li").matches(" | ").count() + 1,
        50,
        "first page holds 50"
    );

    // By kecamatan: Nipah Panjang.
    let n = app
        .scalar("SELECT COUNT(*) FROM alumni WHERE kecamatan_code = '15.07.02'")
        .await;
    let page = admin.get("/admin/alumni?kecamatan=15.07.02").await;
    assert!(page.contains(&format!("{n} alumni")), "{n}");
    assert!(!page.text_of("ul.rows").contains("Kec. Berbak"));

    // By trade and year together: the same participation must match both.
    let trade = app.scalar("SELECT id FROM trades WHERE code = 'TBG'").await;
    let n = app
        .scalar(
            "SELECT COUNT(DISTINCT pa.alumnus_id) FROM participations pa JOIN batches b ON b.id = pa.batch_id \
             JOIN programs p ON p.id = b.program_id JOIN trades t ON t.id = p.trade_id \
             WHERE t.code = 'TBG' AND b.year = 2019",
        )
        .await;
    let page = admin
        .get(&format!("/admin/alumni?kejuruan={trade}&tahun=2019"))
        .await;
    assert!(
        page.contains(&format!("{n} alumni")),
        "{n}: {}",
        page.text_of("p.muted")
    );

    // Failed participants only.
    let n = app
        .scalar(
            "SELECT COUNT(DISTINCT alumnus_id) FROM participations WHERE result = 'tidak_lulus'",
        )
        .await;
    assert!(
        admin
            .get("/admin/alumni?hasil=tidak_lulus")
            .await
            .contains(&format!("{n} alumni"))
    );

    // By name, case-insensitive; the demo alumna is found.
    let page = admin.get("/admin/alumni?q=siti+RAHMA").await;
    assert!(page.contains("Siti Rahmawati"));

    // Page two exists and differs from page one.
    let second = admin.get("/admin/alumni?halaman=2").await;
    assert_ne!(second.text_of("ul.rows"), all.text_of("ul.rows"));
}

async fn nik_is_masked_until_an_audited_reveal(app: TestApp) {
    let secrets = karya::secrets::Secrets::load_or_create(&app.settings.data_dir).unwrap();
    let (id, sealed): (i64, String) = sqlx::query_as(
        "SELECT id, nik_enc FROM alumni WHERE nik_enc IS NOT NULL ORDER BY id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let nik = karya::secrets::personal::open(&secrets.data_key, &sealed).expect("decrypts");
    let admin = app.signed_in("admin").await;
    let page = admin.get(&format!("/admin/alumni/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.contains(&nik), "full NIK not shown by default");
    assert!(
        page.text_of(".nik").contains(&nik[12..]),
        "last digits shown"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'alumni.nik_revealed'")
            .await,
        0
    );

    let revealed = admin.post(&format!("/admin/alumni/{id}/nik"), &[]).await;
    assert_eq!(revealed.status, StatusCode::OK);
    assert!(revealed.contains(&nik));
    let who: String = sqlx::query_scalar(
        "SELECT actor_label FROM audit_log WHERE action = 'alumni.nik_revealed'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(who, "admin");
    assert_eq!(
        admin.post("/admin/alumni/999999/nik", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'alumni.nik_revealed'")
            .await,
        1
    );
}

fn xlsx_rows(bytes: Vec<u8>) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an xlsx file");
    let range = book.worksheet_range("Alumni").expect("sheet Alumni");
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

async fn exports_mask_nik_unless_asked_and_audited(app: TestApp) {
    let secrets = karya::secrets::Secrets::load_or_create(&app.settings.data_dir).unwrap();
    let admin = app.signed_in("admin").await;
    let n = app
        .scalar("SELECT COUNT(*) FROM alumni WHERE kecamatan_code = '15.07.10'")
        .await;

    let r = admin
        .client
        .get(format!(
            "{}/admin/alumni/ekspor?format=xlsx&kecamatan=15.07.10",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".xlsx")
    );
    let rows = xlsx_rows(r.bytes().await.unwrap().to_vec());
    assert_eq!(rows[0][2], "NIK");
    assert_eq!(
        rows.len() as i64,
        n + 1,
        "header plus every matching alumnus"
    );
    assert!(rows.iter().skip(1).all(|r| r[9] == "Geragai"));
    let masked: Vec<&String> = rows
        .iter()
        .skip(1)
        .map(|r| &r[2])
        .filter(|v| !v.is_empty())
        .collect();
    assert!(!masked.is_empty());
    assert!(
        masked
            .iter()
            .all(|v| !v.chars().all(|c| c.is_ascii_digit())),
        "masked: {masked:?}"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'alumni.export_full_nik'")
            .await,
        0
    );

    // CSV: UTF-8 with a BOM, the same rows.
    let csv = admin
        .get("/admin/alumni/ekspor?format=csv&kecamatan=15.07.10")
        .await;
    assert!(csv.body.starts_with('\u{feff}'));
    assert_eq!(csv.body.trim_end().lines().count() as i64, n + 1);

    // Full NIK on request: every NIK matches the stored one, and the export is audited.
    let token = admin.csrf().await;
    let r = admin
        .client
        .post(format!("{}/admin/alumni/ekspor", app.base))
        .form(&[
            ("_csrf", token.as_str()),
            ("format", "xlsx"),
            ("kecamatan", "15.07.10"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let rows = xlsx_rows(r.bytes().await.unwrap().to_vec());
    let sealed: Vec<String> = sqlx::query_scalar(
        "SELECT nik_enc FROM alumni WHERE kecamatan_code = '15.07.10' AND nik_enc IS NOT NULL",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    let mut stored: Vec<String> = sealed
        .iter()
        .map(|s| karya::secrets::personal::open(&secrets.data_key, s).unwrap())
        .collect();
    let mut exported: Vec<String> = rows
        .iter()
        .skip(1)
        .map(|r| r[2].clone())
        .filter(|v| !v.is_empty())
        .collect();
    stored.sort();
    exported.sort();
    assert_eq!(exported, stored);
    let summary: String =
        sqlx::query_scalar("SELECT summary FROM audit_log WHERE action = 'alumni.export_full_nik'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(summary.contains("15.07.10"));
}

// ---- Keeping the register through the forms ----

/// The newest audit entry with this action: (entity, entity_id, summary).
async fn last_audit(app: &TestApp, action: &str) -> (String, String, serde_json::Value) {
    let (entity, id, summary): (String, String, String) = sqlx::query_as(
        "SELECT entity, entity_id, summary FROM audit_log WHERE action = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(action)
    .fetch_one(app.db.pool())
    .await
    .unwrap_or_else(|e| panic!("an audit entry {action}: {e}"));
    (
        entity,
        id,
        serde_json::from_str(&summary).expect("summary is JSON"),
    )
}

async fn count(app: &TestApp, sql: &str, id: i64) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("count")
}

/// The id in a redirect like `/admin/alumni/12?pesan=dibuat`.
fn id_in(location: &str, prefix: &str) -> i64 {
    location
        .strip_prefix(prefix)
        .and_then(|rest| rest.split(['?', '/', '#']).next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("an id after {prefix} in {location}"))
}

#[track_caller]
fn assert_rejected(page: &crate::helpers::Page, message: &str) {
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "expected 422 with {message:?}"
    );
    assert!(
        page.text_of("p.err").contains(message),
        "{message:?} not in {:?}",
        page.text_of("p.err")
    );
    assert!(page.contains("Belum ada yang disimpan"));
}

async fn trades_and_programs_are_kept_through_forms(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let list = admin.get("/admin/kejuruan").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.contains("Tata Boga"));

    // A new trade: the code is stored upper case, the name with its spaces tidied.
    let page = admin
        .post(
            "/admin/kejuruan/baru",
            &[
                ("code", "brs"),
                ("name", "  Barista   Kopi "),
                ("description", "Kopi lokal Tanjabtim"),
            ],
        )
        .await;
    page.assert_redirect_to("/admin/kejuruan?pesan=kejuruan-dibuat");
    let (trade, code, name): (i64, String, String) =
        sqlx::query_as("SELECT id, code, name FROM trades WHERE code = 'BRS'")
            .fetch_one(app.db.pool())
            .await
            .expect("the trade");
    assert_eq!((code.as_str(), name.as_str()), ("BRS", "Barista Kopi"));
    let list = admin.get(page.location.as_deref().unwrap()).await;
    assert!(list.contains("Kejuruan ditambahkan."));
    assert!(
        list.text_of(&format!("#kejuruan-{trade} h2"))
            .contains("Barista Kopi")
    );
    let (entity, id, summary) = last_audit(&app, "trade.create").await;
    assert_eq!((entity.as_str(), id), ("trade", trade.to_string()));
    assert_eq!(summary["after"]["name"], "Barista Kopi");

    // Renamed: the edit form shows what is stored, the change is audited before and after.
    let form = admin.get(&format!("/admin/kejuruan/{trade}/ubah")).await;
    assert_eq!(form.input_value("code").as_deref(), Some("BRS"));
    let page = admin
        .post(
            &format!("/admin/kejuruan/{trade}/ubah"),
            &[
                ("code", "BRS"),
                ("name", "Barista dan Kopi"),
                ("description", "Kopi lokal Tanjabtim"),
            ],
        )
        .await;
    page.assert_redirect_to("/admin/kejuruan?pesan=kejuruan-disimpan");
    let (_, _, summary) = last_audit(&app, "trade.update").await;
    assert_eq!(summary["before"]["name"], "Barista Kopi");
    assert_eq!(summary["after"]["name"], "Barista dan Kopi");

    // A program of that trade, its units one per line.
    let trade_id = trade.to_string();
    let page = admin
        .post(
            "/admin/program/baru",
            &[
                ("trade_id", &trade_id),
                ("name", "Barista Dasar"),
                ("hours", "120"),
                ("days", "15"),
                (
                    "competency_units",
                    "Menyeduh manual\r\n\r\nMembuat espresso\r\n",
                ),
            ],
        )
        .await;
    page.assert_redirect_to("/admin/kejuruan?pesan=program-dibuat");
    let (program, hours, units): (i64, i64, String) = sqlx::query_as(
        "SELECT id, hours, competency_units FROM programs WHERE trade_id = $1 AND name = 'Barista Dasar'",
    )
    .bind(trade)
    .fetch_one(app.db.pool())
    .await
    .expect("the program");
    assert_eq!(hours, 120);
    assert_eq!(units, "Menyeduh manual; Membuat espresso");
    let list = admin.get("/admin/kejuruan").await;
    assert!(
        list.text_of(&format!("#kejuruan-{trade}"))
            .contains("120 jam · 15 hari · 2 unit kompetensi")
    );

    let form = admin.get(&format!("/admin/program/{program}/ubah")).await;
    assert_eq!(
        form.input_value("competency_units").as_deref(),
        Some("Menyeduh manual\nMembuat espresso")
    );
    let page = admin
        .post(
            &format!("/admin/program/{program}/ubah"),
            &[
                ("trade_id", &trade_id),
                ("name", "Barista Dasar"),
                ("hours", "160"),
                ("days", "20"),
                ("competency_units", "Menyeduh manual\nMembuat espresso"),
            ],
        )
        .await;
    page.assert_redirect_to("/admin/kejuruan?pesan=program-disimpan");
    assert_eq!(
        count(&app, "SELECT hours FROM programs WHERE id = $1", program).await,
        160
    );
    let (entity, id, summary) = last_audit(&app, "program.update").await;
    assert_eq!((entity.as_str(), id), ("program", program.to_string()));
    assert_eq!(summary["before"]["hours"], 120);
    assert_eq!(summary["after"]["hours"], 160);
    assert_eq!(summary["after"]["trade"], "Barista dan Kopi");

    // Saving without a change stores nothing and says so.
    let audit = app.scalar("SELECT COUNT(*) FROM audit_log").await;
    let page = admin
        .post(
            &format!("/admin/program/{program}/ubah"),
            &[
                ("trade_id", &trade_id),
                ("name", "Barista Dasar"),
                ("hours", "160"),
                ("days", "20"),
                ("competency_units", "Menyeduh manual\nMembuat espresso"),
            ],
        )
        .await;
    page.assert_redirect_to("/admin/kejuruan?pesan=tetap");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, audit);
}

async fn trade_and_program_forms_reject_bad_input(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let trades = app.scalar("SELECT COUNT(*) FROM trades").await;
    let programs = app.scalar("SELECT COUNT(*) FROM programs").await;
    let audit = app.scalar("SELECT COUNT(*) FROM audit_log").await;

    let page = admin
        .post(
            "/admin/kejuruan/baru",
            &[("code", ""), ("name", ""), ("description", "Catatan")],
        )
        .await;
    assert_rejected(&page, "Nama kejuruan wajib diisi.");
    assert!(page.text_of("p.err").contains("Kode kejuruan wajib diisi."));
    assert_eq!(page.input_value("description").as_deref(), Some("Catatan"));

    // The same name typed differently is the same trade to the importer.
    let page = admin
        .post(
            "/admin/kejuruan/baru",
            &[("code", "TB2"), ("name", "tata  BOGA"), ("description", "")],
        )
        .await;
    assert_rejected(&page, "Kejuruan dengan nama ini sudah ada.");
    assert_eq!(page.input_value("name").as_deref(), Some("tata  BOGA"));

    // A code in use: the database's uniqueness rule, shown on the field.
    let page = admin
        .post(
            "/admin/kejuruan/baru",
            &[
                ("code", "tbg"),
                ("name", "Tata Boga Lanjutan"),
                ("description", ""),
            ],
        )
        .await;
    assert_rejected(&page, "Kode ini sudah dipakai kejuruan lain.");

    // Editing a trade into another's name.
    let tbg = app.scalar("SELECT id FROM trades WHERE code = 'TBG'").await;
    let other: String = sqlx::query_scalar("SELECT name FROM trades WHERE code <> 'TBG' LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let page = admin
        .post(
            &format!("/admin/kejuruan/{tbg}/ubah"),
            &[("code", "TBG"), ("name", &other), ("description", "")],
        )
        .await;
    assert_rejected(&page, "Kejuruan dengan nama ini sudah ada.");

    let page = admin
        .post(
            "/admin/program/baru",
            &[
                ("trade_id", ""),
                ("name", ""),
                ("hours", "0"),
                ("days", "dua minggu"),
                ("competency_units", ""),
            ],
        )
        .await;
    assert_rejected(&page, "Pilih kejuruan program ini.");
    let errors = page.text_of("p.err");
    assert!(errors.contains("Nama program wajib diisi."), "{errors}");
    assert!(
        errors.contains("Jumlah jam pelatihan harus antara 1 dan 5000."),
        "{errors}"
    );
    assert!(
        errors.contains("Jumlah hari pelatihan harus berupa angka bulat."),
        "{errors}"
    );
    assert_eq!(page.input_value("days").as_deref(), Some("dua minggu"));

    // A program name the trade already has.
    let existing: String = sqlx::query_scalar("SELECT name FROM programs WHERE trade_id = $1")
        .bind(tbg)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let page = admin
        .post(
            "/admin/program/baru",
            &[
                ("trade_id", &tbg.to_string()),
                ("name", &existing.to_uppercase()),
                ("hours", "40"),
                ("days", "5"),
                ("competency_units", ""),
            ],
        )
        .await;
    assert_rejected(&page, "sudah punya program dengan nama ini");

    assert_eq!(app.scalar("SELECT COUNT(*) FROM trades").await, trades);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM programs").await, programs);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, audit);
    assert_eq!(
        admin.get("/admin/kejuruan/999999/ubah").await.status,
        StatusCode::NOT_FOUND
    );
}

/// The Tata Boga program of the demo district.
async fn cake_program(app: &TestApp) -> i64 {
    app.scalar(
        "SELECT p.id FROM programs p JOIN trades t ON t.id = p.trade_id WHERE t.code = 'TBG' ORDER BY p.id LIMIT 1",
    )
    .await
}

fn batch_form<'a>(program: &'a str, start: &'a str, end: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("program_id", program),
        ("year", "2025"),
        ("number", "2"),
        ("start_date", start),
        ("end_date", end),
        ("place", "Aula Kecamatan Nipah Panjang"),
        ("funding", "APBD"),
        ("capacity", "20"),
        ("instructor", "Nur Aini, S.Pd."),
    ]
}

async fn batches_are_created_listed_and_edited(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let program = cake_program(&app).await.to_string();
    let page = admin
        .post(
            "/admin/angkatan/baru",
            &batch_form(&program, "2025-07-07", "2025-08-01"),
        )
        .await;
    page.assert_redirect_to("/admin/angkatan?pesan=dibuat");
    let (batch, start, end, funding, needs_review): (i64, String, String, String, i64) =
        sqlx::query_as(
            "SELECT id, start_date, end_date, funding, needs_review FROM batches \
             WHERE program_id = $1 AND year = 2025 AND number = 2",
        )
        .bind(program.parse::<i64>().unwrap())
        .fetch_one(app.db.pool())
        .await
        .expect("the batch");
    assert_eq!(
        (start.as_str(), end.as_str(), funding.as_str(), needs_review),
        ("2025-07-07", "2025-08-01", "APBD", 0)
    );
    let (entity, id, summary) = last_audit(&app, "batch.create").await;
    assert_eq!((entity.as_str(), id), ("batch", batch.to_string()));
    assert_eq!(summary["after"]["start_date"], "2025-07-07");

    // Filtered by trade and year: the count is the database's, the new batch is there.
    let tbg = app.scalar("SELECT id FROM trades WHERE code = 'TBG'").await;
    let n = app
        .scalar(
            "SELECT COUNT(*) FROM batches b JOIN programs p ON p.id = b.program_id JOIN trades t ON t.id = p.trade_id \
             WHERE t.code = 'TBG' AND b.year = 2025",
        )
        .await;
    assert_eq!(n, 2);
    let list = admin
        .get(&format!("/admin/angkatan?kejuruan={tbg}&tahun=2025"))
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.contains(&format!("{n} angkatan")),
        "{}",
        list.text_of("p.muted")
    );
    let rows = list.text_of("ul.batches");
    assert!(rows.contains("angkatan 2 tahun 2025"), "{rows}");
    assert!(rows.contains("7 Juli 2025 – 1 Agustus 2025"), "{rows}");
    assert!(rows.contains("APBD · kuota 20 · 0 peserta"), "{rows}");
    assert!(!rows.contains("tahun 2019"));
    let other_year = admin
        .get(&format!("/admin/angkatan?kejuruan={tbg}&tahun=2019"))
        .await;
    assert!(
        !other_year
            .text_of("ul.batches")
            .contains("angkatan 2 tahun 2025")
    );
    let all = app.scalar("SELECT COUNT(*) FROM batches").await;
    assert!(
        admin
            .get("/admin/angkatan")
            .await
            .contains(&format!("{all} angkatan"))
    );

    // Edited: a longer course, more places.
    let form = admin.get(&format!("/admin/angkatan/{batch}/ubah")).await;
    assert_eq!(
        form.input_value("start_date").as_deref(),
        Some("2025-07-07")
    );
    let mut fields = batch_form(&program, "2025-07-07", "15-08-2025");
    fields[7] = ("capacity", "24");
    let page = admin
        .post(&format!("/admin/angkatan/{batch}/ubah"), &fields)
        .await;
    page.assert_redirect_to("/admin/angkatan?pesan=disimpan");
    let (end, capacity): (String, i64) =
        sqlx::query_as("SELECT end_date, capacity FROM batches WHERE id = $1")
            .bind(batch)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!((end.as_str(), capacity), ("2025-08-15", 24));
    let (_, _, summary) = last_audit(&app, "batch.update").await;
    assert_eq!(summary["before"]["end_date"], "2025-08-01");
    assert_eq!(summary["after"]["end_date"], "2025-08-15");
    assert_eq!(summary["before"]["capacity"], 20);
    assert_eq!(summary["after"]["capacity"], 24);
}

async fn batch_form_rejects_bad_input(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let program = cake_program(&app).await.to_string();
    let batches = app.scalar("SELECT COUNT(*) FROM batches").await;
    let audit = app.scalar("SELECT COUNT(*) FROM audit_log").await;

    let page = admin
        .post(
            "/admin/angkatan/baru",
            &batch_form(&program, "2025-07-07", "2025-07-01"),
        )
        .await;
    assert_rejected(
        &page,
        "Tanggal selesai tidak boleh sebelum tanggal mulai (7 Juli 2025).",
    );
    assert_eq!(page.input_value("end_date").as_deref(), Some("2025-07-01"));
    assert_eq!(
        page.input_value("place").as_deref(),
        Some("Aula Kecamatan Nipah Panjang")
    );

    let page = admin.post("/admin/angkatan/baru", &[]).await;
    assert_rejected(&page, "Pilih program pelatihan angkatan ini.");
    let errors = page.text_of("p.err");
    for message in [
        "Tanggal mulai wajib diisi.",
        "Tanggal selesai wajib diisi.",
        "Tempat wajib diisi.",
        "Pilih sumber dana",
        "Kuota peserta wajib diisi.",
    ] {
        assert!(errors.contains(message), "{message} in {errors}");
    }

    // A date that is not in the calendar, and a start outside the batch's year.
    let page = admin
        .post(
            "/admin/angkatan/baru",
            &batch_form(&program, "31-02-2025", "2025-03-10"),
        )
        .await;
    assert_rejected(&page, "tidak ada di kalender");
    let page = admin
        .post(
            "/admin/angkatan/baru",
            &batch_form(&program, "2024-12-20", "2025-01-20"),
        )
        .await;
    assert_rejected(&page, "tidak berada di tahun angkatan (2025)");

    // Batch 1 of 2025 exists already (the demo's).
    let mut fields = batch_form(&program, "2025-07-07", "2025-08-01");
    fields[2] = ("number", "1");
    let page = admin.post("/admin/angkatan/baru", &fields).await;
    assert_rejected(&page, "Program ini sudah punya angkatan ke-1 tahun 2025.");

    // On an existing batch too: nothing changes.
    let batch = app
        .scalar("SELECT id FROM batches ORDER BY id LIMIT 1")
        .await;
    let before: (String, String) =
        sqlx::query_as("SELECT start_date, end_date FROM batches WHERE id = $1")
            .bind(batch)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let page = admin
        .post(
            &format!("/admin/angkatan/{batch}/ubah"),
            &batch_form(&program, "2025-07-07", "2025-07-01"),
        )
        .await;
    assert_rejected(&page, "tidak boleh sebelum tanggal mulai");
    let after: (String, String) =
        sqlx::query_as("SELECT start_date, end_date FROM batches WHERE id = $1")
            .bind(batch)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(before, after);

    assert_eq!(app.scalar("SELECT COUNT(*) FROM batches").await, batches);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, audit);
}

async fn completing_an_imported_batch_clears_needs_review(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let program = cake_program(&app).await;
    // As the importer leaves a batch it had to create: placeholder dates, funding, capacity.
    let mut tx = app.db.begin().await.unwrap();
    let batch = karya::db::register::create_batch(
        &mut tx,
        &karya::db::register::NewBatch {
            program_id: program,
            year: 2016,
            number: 1,
            start_date: "2016-01-01",
            end_date: "2016-01-01",
            place: "",
            funding: "lainnya",
            capacity: 1,
            instructor: "",
        },
    )
    .await
    .unwrap();
    sqlx::query("UPDATE batches SET needs_review = 1 WHERE id = $1")
        .bind(batch)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let list = admin.get("/admin/angkatan").await;
    assert!(list.contains("angkatan dibuat dari impor"));
    let to_complete = app
        .scalar("SELECT COUNT(*) FROM batches WHERE needs_review = 1")
        .await;
    let review = admin.get("/admin/angkatan?perlu=1").await;
    assert!(
        review.contains(&format!("{to_complete} angkatan")),
        "{}",
        review.text_of("p.muted")
    );
    let row = review.text_of("ul.batches");
    assert!(
        row.contains("angkatan 1 tahun 2016") && row.contains("perlu dilengkapi"),
        "{row}"
    );
    assert!(row.contains("Tanggal belum dilengkapi"), "{row}");

    // The form leaves the placeholders for the admin to fill in.
    let form = admin.get(&format!("/admin/angkatan/{batch}/ubah")).await;
    assert!(form.contains("tanggal sementara"));
    assert_eq!(form.input_value("start_date").as_deref(), Some(""));
    assert_eq!(form.input_value("capacity").as_deref(), Some(""));
    assert_eq!(form.input_value("year").as_deref(), Some("2016"));

    // Saved without the dates: refused, still to complete.
    let program = program.to_string();
    let mut fields = batch_form(&program, "", "");
    fields[1] = ("year", "2016");
    fields[2] = ("number", "1");
    let page = admin
        .post(&format!("/admin/angkatan/{batch}/ubah"), &fields)
        .await;
    assert_rejected(&page, "Tanggal mulai wajib diisi.");
    assert!(page.contains("tanggal sementara"));
    assert_eq!(
        count(
            &app,
            "SELECT needs_review FROM batches WHERE id = $1",
            batch
        )
        .await,
        1
    );

    let mut fields = batch_form(&program, "2016-04-04", "2016-04-29");
    fields[1] = ("year", "2016");
    fields[2] = ("number", "1");
    let page = admin
        .post(&format!("/admin/angkatan/{batch}/ubah"), &fields)
        .await;
    page.assert_redirect_to("/admin/angkatan?pesan=dilengkapi");
    let (needs_review, start): (i64, String) =
        sqlx::query_as("SELECT needs_review, start_date FROM batches WHERE id = $1")
            .bind(batch)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!((needs_review, start.as_str()), (0, "2016-04-04"));
    let (_, id, summary) = last_audit(&app, "batch.update").await;
    assert_eq!(id, batch.to_string());
    assert_eq!(summary["before"]["needs_review"], true);
    assert_eq!(summary["after"]["needs_review"], false);
    assert_eq!(summary["before"]["start_date"], "2016-01-01");

    let list = admin.get("/admin/angkatan?pesan=dilengkapi").await;
    assert!(list.contains("tanda perlu dilengkapi sudah hilang"));
    assert_eq!(
        list.contains("angkatan dibuat dari impor"),
        to_complete > 1,
        "the reminder counts what is left"
    );
    let review = admin.get("/admin/angkatan?perlu=1").await;
    assert!(review.contains(&format!("{} angkatan", to_complete - 1)));
    assert!(
        !review
            .text_of("ul.batches")
            .contains("angkatan 1 tahun 2016")
    );
}

const NEW_NIK: &str = "1507015205980999";
const OTHER_NIK: &str = "1507015205980998";

fn person(nik: &str) -> Vec<(&'static str, &str)> {
    vec![
        ("full_name", "Rahmawati  Uji Formulir"),
        ("gender", "P"),
        ("birth_place", "Muara Sabak"),
        ("birth_date", "1998-05-12"),
        ("nik", nik),
        ("phone", "0812-7000-5555"),
        ("address", "Jl. Pelabuhan RT 03"),
        ("kecamatan", "15.07.01"),
        ("desa", "15.07.01.2002"),
        ("education", "SMK"),
    ]
}

fn data_key(app: &TestApp) -> karya::secrets::Key {
    karya::secrets::Secrets::load_or_create(&app.settings.data_dir)
        .unwrap()
        .data_key
}

async fn alumni_are_added_and_edited_with_a_sealed_nik(app: TestApp) {
    let key = data_key(&app);
    let hash = karya::secrets::personal::keyed_hash(&key, NEW_NIK);
    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM alumni WHERE nik_hmac = $1")
        .bind(&hash)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(taken, 0);
    let admin = app.signed_in("admin").await;
    assert_eq!(admin.get("/admin/alumni/baru").await.status, StatusCode::OK);

    let page = admin.post("/admin/alumni/baru", &person(NEW_NIK)).await;
    page.assert_redirect_to("/admin/alumni/");
    let id = id_in(page.location.as_deref().unwrap(), "/admin/alumni/");
    let record = admin.get(page.location.as_deref().unwrap()).await;
    assert!(record.contains("Data alumni ditambahkan."));
    assert!(record.contains("Rahmawati Uji Formulir"));
    assert_eq!(record.text_of(".nik"), "1507••••••••0999");
    assert!(!record.contains(NEW_NIK), "NIK shown masked only");
    let facts = record.text_of("dl.facts");
    assert!(facts.contains("+6281270005555"), "{facts}");
    assert!(facts.contains("12 Mei 1998"), "{facts}");
    assert!(
        facts.contains("Lambur") && facts.contains("Muara Sabak Timur"),
        "{facts}"
    );

    // Stored as the importer stores people: sealed NIK, the same keyed hash, +62, ISO date.
    let stored = karya::db::register::stored_alumnus(app.db.pool(), id)
        .await
        .unwrap();
    assert_eq!(stored.full_name, "Rahmawati Uji Formulir");
    assert_eq!(stored.nik_hmac.as_deref(), Some(hash.as_str()));
    assert_eq!(
        karya::secrets::personal::open(&key, stored.nik_enc.as_deref().unwrap()).as_deref(),
        Some(NEW_NIK)
    );
    assert_eq!(stored.phone.as_deref(), Some("+6281270005555"));
    assert_eq!(stored.birth_date.as_deref(), Some("1998-05-12"));
    assert_eq!(stored.kecamatan_code.as_deref(), Some("15.07.01"));
    assert_eq!(stored.desa_code.as_deref(), Some("15.07.01.2002"));
    let (_, entity_id, summary) = last_audit(&app, "alumni.create").await;
    assert_eq!(entity_id, id.to_string());
    assert_eq!(summary["after"]["nik"], "1507••••••••0999");
    assert_eq!(summary["after"]["desa"], "Lambur");

    // The edit form never carries the NIK; left empty, the stored one stays.
    let form = admin.get(&format!("/admin/alumni/{id}/ubah")).await;
    assert_eq!(form.input_value("nik").as_deref(), Some(""));
    assert!(!form.contains(NEW_NIK));
    assert_eq!(form.input_value("phone").as_deref(), Some("+6281270005555"));
    let mut fields = person("");
    fields[5] = ("phone", "0852 6600 1234");
    fields[6] = ("address", "Jl. Pelabuhan RT 04");
    let page = admin
        .post(&format!("/admin/alumni/{id}/ubah"), &fields)
        .await;
    page.assert_redirect_to(&format!("/admin/alumni/{id}?pesan=disimpan"));
    let after = karya::db::register::stored_alumnus(app.db.pool(), id)
        .await
        .unwrap();
    assert_eq!(after.nik_enc, stored.nik_enc, "NIK untouched");
    assert_eq!(after.nik_hmac, stored.nik_hmac);
    assert_eq!(after.phone.as_deref(), Some("+6285266001234"));
    let (_, _, summary) = last_audit(&app, "alumni.update").await;
    // Phone numbers are personal identifiers: the log keeps their ends only.
    assert_eq!(summary["before"]["phone"], "6281•••••5555");
    assert_eq!(summary["after"]["phone"], "6285•••••1234");
    assert_eq!(summary["before"]["address"], "Jl. Pelabuhan RT 03");
    assert_eq!(summary["after"]["nik"], summary["before"]["nik"]);

    // A corrected NIK: a new keyed hash; the audit keeps masked values only.
    let mut fields = person(OTHER_NIK);
    fields[5] = ("phone", "0852 6600 1234");
    fields[6] = ("address", "Jl. Pelabuhan RT 04");
    let page = admin
        .post(&format!("/admin/alumni/{id}/ubah"), &fields)
        .await;
    page.assert_redirect_to(&format!("/admin/alumni/{id}?pesan=disimpan"));
    let after = karya::db::register::stored_alumnus(app.db.pool(), id)
        .await
        .unwrap();
    assert_eq!(
        after.nik_hmac,
        Some(karya::secrets::personal::keyed_hash(&key, OTHER_NIK))
    );
    let (_, _, summary) = last_audit(&app, "alumni.update").await;
    assert_eq!(summary["before"]["nik"], "1507••••••••0999");
    assert_eq!(summary["after"]["nik"], "1507••••••••0998");
    let leaked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE summary LIKE $1 OR summary LIKE $2",
    )
    .bind(format!("%{NEW_NIK}%"))
    .bind(format!("%{OTHER_NIK}%"))
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(leaked, 0, "no full NIK in the audit trail");

    // The NIK disagrees with the recorded birth date: the record page says so.
    let mut fields = person("");
    fields[3] = ("birth_date", "1998-05-13");
    admin
        .post(&format!("/admin/alumni/{id}/ubah"), &fields)
        .await
        .assert_redirect_to(&format!("/admin/alumni/{id}"));
    let record = admin.get(&format!("/admin/alumni/{id}")).await;
    assert!(
        record
            .text_of(".alert")
            .contains("Tanggal lahir pada NIK (12-05-98) berbeda"),
        "{}",
        record.text_of(".alert")
    );

    // Removing the NIK on purpose.
    let mut fields = person("");
    fields.push(("hapus_nik", "1"));
    admin
        .post(&format!("/admin/alumni/{id}/ubah"), &fields)
        .await
        .assert_redirect_to(&format!("/admin/alumni/{id}"));
    let after = karya::db::register::stored_alumnus(app.db.pool(), id)
        .await
        .unwrap();
    assert_eq!((after.nik_enc, after.nik_hmac), (None, None));

    // The new alumnus is found in the list by name.
    let list = admin.get("/admin/alumni?q=uji+formulir").await;
    assert!(list.contains("1 alumni") && list.contains("Rahmawati Uji Formulir"));
}

async fn alumnus_form_rejects_bad_input_and_stores_nothing(app: TestApp) {
    let key = data_key(&app);
    let admin = app.signed_in("admin").await;
    let alumni = app.scalar("SELECT COUNT(*) FROM alumni").await;
    let audit = app.scalar("SELECT COUNT(*) FROM audit_log").await;

    let page = admin.post("/admin/alumni/baru", &[]).await;
    assert_rejected(&page, "Nama lengkap wajib diisi.");
    assert!(page.text_of("p.err").contains("Pilih jenis kelamin."));

    let mut fields = person("15070152059800");
    let page = admin.post("/admin/alumni/baru", &fields).await;
    assert_rejected(&page, "NIK harus 16 digit (terisi 14 digit).");
    assert_eq!(page.input_value("nik").as_deref(), Some("15070152059800"));
    assert_eq!(
        page.input_value("full_name").as_deref(),
        Some("Rahmawati  Uji Formulir")
    );

    // Another alumnus's NIK: the keyed hash is unique.
    let (other, sealed): (i64, String) = sqlx::query_as(
        "SELECT id, nik_enc FROM alumni WHERE nik_enc IS NOT NULL ORDER BY id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let taken = karya::secrets::personal::open(&key, &sealed).unwrap();
    fields[4] = ("nik", &taken);
    let page = admin.post("/admin/alumni/baru", &fields).await;
    assert_rejected(&page, "NIK ini sudah terdaftar untuk alumni lain");
    assert_eq!(page.input_value("nik").as_deref(), Some(taken.as_str()));

    let mut fields = person("");
    fields[7] = ("kecamatan", "15.07.99");
    fields[8] = ("desa", "");
    let page = admin.post("/admin/alumni/baru", &fields).await;
    assert_rejected(&page, "Kecamatan ini tidak ada dalam daftar wilayah");

    let mut fields = person("");
    fields[8] = ("desa", "15.07.02.1001");
    let page = admin.post("/admin/alumni/baru", &fields).await;
    assert_rejected(
        &page,
        "Nipah Panjang I tidak berada di Kec. Muara Sabak Timur.",
    );

    let mut fields = person("");
    fields[8] = ("desa", "15.07.01.9999");
    let page = admin.post("/admin/alumni/baru", &fields).await;
    assert_rejected(&page, "Desa/kelurahan ini tidak ada dalam daftar wilayah");

    let mut fields = person("");
    fields[5] = ("phone", "0741-21234");
    let page = admin.post("/admin/alumni/baru", &fields).await;
    assert_rejected(&page, "bukan nomor seluler Indonesia");
    assert_eq!(page.input_value("phone").as_deref(), Some("0741-21234"));

    let mut fields = person("");
    fields[3] = ("birth_date", "2999-01-01");
    let page = admin.post("/admin/alumni/baru", &fields).await;
    assert_rejected(&page, "Tanggal lahir tidak boleh di masa depan.");

    // Editing another alumnus into a NIK that is taken.
    let second: i64 = sqlx::query_scalar(
        "SELECT id FROM alumni WHERE nik_enc IS NOT NULL AND id <> $1 ORDER BY id LIMIT 1",
    )
    .bind(other)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let before = karya::db::register::stored_alumnus(app.db.pool(), second)
        .await
        .unwrap();
    let mut fields = person(&taken);
    fields[0] = ("full_name", &before.full_name);
    let page = admin
        .post(&format!("/admin/alumni/{second}/ubah"), &fields)
        .await;
    assert_rejected(&page, "NIK ini sudah terdaftar untuk alumni lain");
    assert!(
        page.contains("Tersimpan:"),
        "the stored NIK is named, masked"
    );
    assert_eq!(
        karya::db::register::stored_alumnus(app.db.pool(), second)
            .await
            .unwrap(),
        before
    );

    assert_eq!(app.scalar("SELECT COUNT(*) FROM alumni").await, alumni);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, audit);

    // Without a NIK the importer knows a person by name and birth date: no second such record.
    let mut fields = person("");
    fields[0] = ("full_name", "Budi Tanpa NIK");
    fields[3] = ("birth_date", "1990-01-01");
    admin
        .post("/admin/alumni/baru", &fields)
        .await
        .assert_redirect_to("/admin/alumni/");
    fields[0] = ("full_name", "budi  tanpa nik");
    let page = admin.post("/admin/alumni/baru", &fields).await;
    assert_rejected(
        &page,
        "Sudah ada alumni tanpa NIK dengan nama dan tanggal lahir ini",
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM alumni").await, alumni + 1);
    assert_eq!(
        admin.get("/admin/alumni/999999/ubah").await.status,
        StatusCode::NOT_FOUND
    );
}

/// An alumnus with exactly one participation, and a batch they did not attend.
async fn one_time_alumnus(app: &TestApp) -> (i64, i64, i64) {
    let (alumnus, first): (i64, i64) = sqlx::query_as(
        "SELECT alumnus_id, MIN(batch_id) FROM participations GROUP BY alumnus_id \
         HAVING COUNT(*) = 1 ORDER BY alumnus_id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("an alumnus with one training");
    let other: i64 =
        sqlx::query_scalar("SELECT id FROM batches WHERE id <> $1 ORDER BY year DESC, id LIMIT 1")
            .bind(first)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    (alumnus, first, other)
}

fn taking(batch: &str) -> Vec<(&'static str, &str)> {
    vec![
        ("batch_id", batch),
        ("result", "lulus"),
        ("competency", "kompeten"),
        ("cert_number", "  12/LSP-TB/2025 "),
        ("cert_issuer", "LSP Tata Boga Jambi"),
        ("cert_date", "2025-09-01"),
        ("cert_expiry", "2028-09-01"),
        ("placement", "mandiri"),
    ]
}

async fn a_second_participation_is_added_and_edited(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let (alumnus, _, batch) = one_time_alumnus(&app).await;
    let form = admin
        .get(&format!("/admin/alumni/{alumnus}/pelatihan/baru"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.input_value("cert_number").as_deref(), Some(""));

    let batch_id = batch.to_string();
    let page = admin
        .post(
            &format!("/admin/alumni/{alumnus}/pelatihan/baru"),
            &taking(&batch_id),
        )
        .await;
    page.assert_redirect_to(&format!("/admin/alumni/{alumnus}?pesan=pelatihan-ditambah"));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM participations WHERE alumnus_id = $1",
            alumnus
        )
        .await,
        2
    );
    let rows = karya::db::register::participations_of(&app.db, alumnus)
        .await
        .unwrap();
    let added = rows.iter().find(|p| p.batch_id == batch).expect("added");
    assert_eq!(added.cert_number.as_deref(), Some("12/LSP-TB/2025"));
    assert_eq!(added.cert_expiry.as_deref(), Some("2028-09-01"));
    assert_eq!(added.placement, "mandiri");
    let record = admin.get(&format!("/admin/alumni/{alumnus}")).await;
    let list = record.text_of("ul.trainings > li");
    assert_eq!(list.matches(" | ").count(), 1, "two trainings: {list}");
    assert!(
        list.contains("Sertifikat 12/LSP-TB/2025, LSP Tata Boga Jambi, terbit 1 September 2025, berlaku sampai 1 September 2028"),
        "{list}"
    );
    assert!(
        list.contains("Lulus · Kompeten · Mandiri (wirausaha)"),
        "{list}"
    );
    let (entity, id, summary) = last_audit(&app, "participation.create").await;
    assert_eq!((entity.as_str(), id), ("alumni", alumnus.to_string()));
    assert_eq!(summary["after"]["cert_number"], "12/LSP-TB/2025");

    // Edited: placed in industry, certificate issued by the BLK instead.
    let edit = format!("/admin/alumni/{alumnus}/pelatihan/{}/ubah", added.id);
    let form = admin.get(&edit).await;
    assert_eq!(
        form.input_value("cert_expiry").as_deref(),
        Some("2028-09-01")
    );
    let mut fields = taking(&batch_id);
    fields[4] = ("cert_issuer", "UPTD BLK Tanjung Jabung Timur");
    fields[7] = ("placement", "industri");
    admin
        .post(&edit, &fields)
        .await
        .assert_redirect_to(&format!("/admin/alumni/{alumnus}?pesan=pelatihan-disimpan"));
    let (issuer, placement): (String, String) =
        sqlx::query_as("SELECT cert_issuer, placement FROM participations WHERE id = $1")
            .bind(added.id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(
        (issuer.as_str(), placement.as_str()),
        ("UPTD BLK Tanjung Jabung Timur", "industri")
    );
    let (_, _, summary) = last_audit(&app, "participation.update").await;
    assert_eq!(summary["before"]["placement"], "mandiri");
    assert_eq!(summary["after"]["placement"], "industri");
    assert_eq!(summary["before"]["cert_issuer"], "LSP Tata Boga Jambi");

    // The filtered alumni list sees the new participation.
    let listed = admin
        .get(&format!("/admin/alumni?angkatan={batch}&q="))
        .await;
    assert!(listed.contains(&format!("/admin/alumni/{alumnus}\"")));
    // Someone else's participation is not reachable through this alumnus.
    let foreign: i64 = sqlx::query_scalar(
        "SELECT id FROM participations WHERE alumnus_id <> $1 ORDER BY id LIMIT 1",
    )
    .bind(alumnus)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        admin
            .get(&format!("/admin/alumni/{alumnus}/pelatihan/{foreign}/ubah"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn participation_form_rejects_bad_input(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let (alumnus, first, other) = one_time_alumnus(&app).await;
    let participations = app.scalar("SELECT COUNT(*) FROM participations").await;
    let audit = app.scalar("SELECT COUNT(*) FROM audit_log").await;
    let path = format!("/admin/alumni/{alumnus}/pelatihan/baru");

    let page = admin.post(&path, &[("placement", "belum")]).await;
    assert_rejected(&page, "Pilih angkatan pelatihan yang diikuti.");

    let first_id = first.to_string();
    let page = admin.post(&path, &taking(&first_id)).await;
    assert_rejected(&page, "Alumni ini sudah tercatat di angkatan tersebut");

    let other_id = other.to_string();
    let mut fields = taking(&other_id);
    fields[6] = ("cert_expiry", "2024-01-01");
    let page = admin.post(&path, &fields).await;
    assert_rejected(
        &page,
        "Masa berlaku tidak boleh berakhir sebelum tanggal sertifikat.",
    );
    assert_eq!(
        page.input_value("cert_expiry").as_deref(),
        Some("2024-01-01")
    );
    assert_eq!(
        page.input_value("cert_issuer").as_deref(),
        Some("LSP Tata Boga Jambi")
    );

    let mut fields = taking(&other_id);
    fields[3] = ("cert_number", "");
    let page = admin.post(&path, &fields).await;
    assert_rejected(&page, "Isi nomor sertifikat");

    let page = admin.post(&path, &taking("999999")).await;
    assert_rejected(&page, "Angkatan yang dipilih tidak ditemukan.");

    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM participations").await,
        participations
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, audit);
    assert_eq!(
        admin
            .get("/admin/alumni/999999/pelatihan/baru")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// A person entered through the form and later named in a spreadsheet (same NIK) is the same
/// alumnus: the import adds a training to them instead of a second record. The batch the
/// import had to create is marked for completion.
async fn an_alumnus_entered_by_hand_is_matched_by_a_later_import(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let page = admin.post("/admin/alumni/baru", &person(NEW_NIK)).await;
    page.assert_redirect_to("/admin/alumni/");
    let id = id_in(page.location.as_deref().unwrap(), "/admin/alumni/");
    let alumni = app.scalar("SELECT COUNT(*) FROM alumni").await;

    let csv = format!(
        "Nama,NIK,L/P,Tanggal Lahir,Kejuruan,Tahun\nRahmawati Uji Formulir,'{NEW_NIK},P,12-05-1998,Tata Boga,2015\n"
    );
    let token = admin.csrf().await;
    let form = reqwest::multipart::Form::new().part(
        "berkas",
        reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("alumni-2015.csv"),
    );
    let upload = crate::helpers::read(
        admin
            .client
            .post(format!("{}/admin/impor?_csrf={token}", admin.base))
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(upload.status, StatusCode::SEE_OTHER, "{}", upload.body);
    let path = upload.location.expect("the import");
    let import = path.rsplit('/').next().unwrap().to_owned();
    admin
        .post(&format!("/admin/impor/{import}/terapkan"), &[])
        .await;

    // Applying may finish after the redirect: wait for the training to arrive.
    for _ in 0..100 {
        if !karya::db::register::participations_of(&app.db, id)
            .await
            .unwrap()
            .is_empty()
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM alumni").await,
        alumni,
        "no second record: {}",
        admin.get(&path).await.text_of(".notice")
    );
    let rows = karya::db::register::participations_of(&app.db, id)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "the import's training is theirs");
    assert_eq!(rows[0].year, 2015);
    let batch = karya::db::register::batch(app.db.pool(), rows[0].batch_id)
        .await
        .unwrap();
    assert!(batch.needs_review, "a batch the import created");
    let review = admin.get("/admin/angkatan?perlu=1").await;
    assert!(review.text_of("ul.batches").contains("tahun 2015"));
}

async fn batch_list_exports_what_the_filter_shows(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let trade = app.scalar("SELECT id FROM trades WHERE code = 'RAC'").await;
    let n = app
        .scalar("SELECT COUNT(*) FROM batches b JOIN programs p ON p.id = b.program_id JOIN trades t ON t.id = p.trade_id WHERE t.code = 'RAC'")
        .await;
    let csv = admin
        .get(&format!(
            "/admin/angkatan/ekspor?format=csv&kejuruan={trade}"
        ))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("angkatan-")
    );
    let lines: Vec<&str> = csv.body.trim_end().lines().collect();
    assert_eq!(
        lines.len() as i64,
        n + 1,
        "header plus each batch of the trade"
    );
    assert!(
        lines[1..].iter().all(|l| l.starts_with("Teknik Pendingin")),
        "{lines:?}"
    );
    let xlsx = admin
        .client
        .get(format!(
            "{}/admin/angkatan/ekspor?kejuruan={trade}",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
}
