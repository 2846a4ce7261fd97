//! Importing the agency's spreadsheets through the web: read → preview → choices → apply →
//! report; the same file twice changes nothing; bad files are refused with nothing stored.

use reqwest::StatusCode;
use rust_xlsxwriter::Workbook;

use crate::both;
use crate::helpers::{Page, TestApp, Visitor, read};

both!(
    messy_workbook_is_previewed_corrected_and_applied,
    same_file_twice_changes_nothing_and_a_corrected_file_only_the_changes,
    files_that_are_not_spreadsheets_are_refused,
    a_running_import_shows_progress_and_a_dead_run_can_be_retried,
    command_line_import,
    an_oversized_upload_is_refused,
    stored_files_are_sealed_and_hold_no_readable_nik,
    the_report_masks_nik_unless_an_allowed_role_asks_for_full_nik,
    uploads_are_deleted_after_the_retention_period,
    clear_files_of_older_versions_are_read_and_sealed_at_start_up,
    case_differences_never_abort_an_import,
    the_year_comes_from_the_sheet_name_or_its_title,
    command_line_sets_a_year_per_sheet,
    a_program_as_people_write_it_is_matched_in_the_preview,
    a_program_name_fitting_several_programs_is_asked_in_the_preview,
    hostile_uploads_are_refused_quickly_with_a_message,
    a_stored_draft_that_fails_to_read_is_marked_failed_and_never_read_again,
    the_preview_is_paged_and_long_text_is_cut,
);

/// A register as staff really keep it: a title row, a "No" column, header variants, a blank
/// row between blocks, one sheet per year, the same person in both years, a NIK Excel turned
/// into a number, birth place and date in one column, phone numbers as numbers.
fn messy_workbook(phone_of_rina: &str) -> Vec<u8> {
    let mut book = Workbook::new();
    let s = book.add_worksheet().set_name("2019").unwrap();
    s.write_string(0, 0, "DAFTAR ALUMNI BLK TANJABTIM TAHUN 2019")
        .unwrap();
    let header = [
        "No",
        "Nama Lengkap",
        "NIK",
        "L/P",
        "Tempat/Tgl Lahir",
        "HP/WA",
        "Kec.",
        "Desa",
        "Kejuruan",
        "Tahun",
    ];
    for (c, h) in header.iter().enumerate() {
        s.write_string(2, c as u16, *h).unwrap();
    }
    let rows: [[&str; 10]; 4] = [
        [
            "1",
            "Rina Marlina",
            "'1507014305990002",
            "P",
            "Muara Sabak, 03-05-1999",
            phone_of_rina,
            "Kec. Muara Sabak Tim.",
            "",
            "Tata Boga",
            "2019",
        ],
        [
            "2",
            "Budi Santoso",
            "1507010101900001",
            "L",
            "Jambi, 1 Jan 1990",
            "",
            "MST",
            "",
            "Teknik Pendingin dan Tata Udara",
            "2019",
        ],
        [
            "3",
            "Hasan Basri",
            "",
            "L",
            "Nipah Panjang, 12 Mei 98",
            "+62 813 1234 5678",
            "Nipah Panjang",
            "Nipah Pjg",
            "Tata Boga",
            "2019",
        ],
        [
            "4",
            "Yanti Kopi",
            "1507015505000003",
            "P",
            "Sadu, 15-05-2000",
            "081277778888",
            "Sadu",
            "",
            "Barista",
            "2019",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        let r = if r >= 2 { r + 4 } else { r + 3 }; // a blank row between blocks
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                s.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    // Excel kept 15 digits of a NIK typed as a number.
    s.write_string(9, 1, "Dewi Lestari").unwrap();
    s.write_number(9, 2, 1507015205980000.0).unwrap();
    s.write_string(9, 3, "P").unwrap();
    s.write_string(9, 4, "Geragai, 12-05-1998").unwrap();
    s.write_number(9, 5, 81299990000.0).unwrap();
    s.write_string(9, 6, "Geragai").unwrap();
    s.write_string(9, 8, "Tata Boga").unwrap();
    s.write_number(9, 9, 2019.0).unwrap();

    let s = book.add_worksheet().set_name("2020").unwrap();
    let header = [
        "NO.",
        "NAMA",
        "NO. KTP",
        "JENIS KELAMIN",
        "TGL LAHIR",
        "NOMOR TELEPON",
        "KECAMATAN",
        "PROGRAM PELATIHAN",
        "TAHUN",
        "HASIL",
    ];
    for (c, h) in header.iter().enumerate() {
        s.write_string(0, c as u16, *h).unwrap();
    }
    let row = [
        "1",
        "Rina Marlina",
        "1507014305990002",
        "Perempuan",
        "03/05/1999",
        phone_of_rina,
        "Muara Sabak Timur",
        "Perawatan AC Split",
        "2020",
        "Lulus",
    ];
    for (c, v) in row.iter().enumerate() {
        s.write_string(1, c as u16, *v).unwrap();
    }
    book.save_to_buffer().unwrap()
}

async fn upload(v: &Visitor, name: &str, bytes: Vec<u8>) -> Page {
    let token = v.csrf().await;
    let form = reqwest::multipart::Form::new().part(
        "berkas",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    );
    read(
        v.client
            .post(format!("{}/admin/impor?_csrf={token}", v.base))
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// Uploads, then returns the import's page path.
async fn uploaded(v: &Visitor, name: &str, bytes: Vec<u8>) -> String {
    let page = upload(v, name, bytes).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.location.expect("redirect to the import")
}

async fn messy_workbook_is_previewed_corrected_and_applied(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let alumni_before = app.scalar("SELECT COUNT(*) FROM alumni").await;
    let imports_applied = app
        .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'import.applied'")
        .await;
    let created_before = app
        .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'alumni.create'")
        .await;
    let path = uploaded(
        &admin,
        "alumni 2019-2020.xlsx",
        messy_workbook("0812 7000 1111"),
    )
    .await;

    // How the file was read, and the dry run: nothing stored yet.
    let page = admin.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.contains("Lembar \"2019\"") && page.contains("Lembar \"2020\""));
    assert_eq!(
        page.input_value("header:2019").as_deref(),
        Some("3"),
        "title row skipped"
    );
    assert!(page.contains("digit terakhir"), "precision loss named");
    assert!(
        page.contains("Nipah Pjg") && page.contains("pilih di pratinjau"),
        "ambiguous desa asked"
    );
    assert!(page.contains("Buat kejuruan baru \"Barista\""));
    assert!(
        page.contains("dibaca sebagai Muara Sabak Timur"),
        "probable match said"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM alumni").await,
        alumni_before
    );

    // The admin answers: Nipah Panjang I, and yes to the new trade.
    let desa_key = page
        .body
        .split("name=\"place:")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a place question")
        .to_owned();
    let nipah_i: String =
        sqlx::query_scalar("SELECT code FROM regions WHERE name = 'Nipah Panjang I'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let id = path.rsplit('/').next().unwrap();
    let page = admin
        .post(
            &format!("/admin/impor/{id}/opsi"),
            &[
                ("sheet:2019", "1"),
                ("sheet:2020", "1"),
                (&format!("place:{desa_key}"), &nipah_i),
                ("trade:barista", "1"),
            ],
        )
        .await;
    page.assert_redirect_to(&path);
    let preview = admin.get(&path).await;
    assert!(!preview.contains("pilih di pratinjau"), "question answered");
    // Rina (two sheets) is one person; Dewi's NIK is rejected.
    assert!(preview.contains("digabung menjadi satu alumni"));

    let applied = admin
        .post(&format!("/admin/impor/{id}/terapkan"), &[])
        .await;
    applied.assert_redirect_to(&path);
    let done = admin.get(&path).await;
    // Rows: Rina's two rows, Budi, Hasan, Yanti created; Dewi rejected. People: four.
    assert!(
        done.contains("Impor sudah diterapkan. 5 baris menjadi data alumni baru"),
        "{}",
        done.text_of(".notice")
    );
    assert!(done.contains("1 baris ditolak"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM alumni").await,
        alumni_before + 4
    );
    let rina_trainings = app
        .scalar(
            "SELECT COUNT(*) FROM participations pa JOIN alumni a ON a.id = pa.alumnus_id WHERE a.full_name = 'Rina Marlina'",
        )
        .await;
    assert_eq!(rina_trainings, 2, "one alumna, two batches");
    let (phone, kec): (Option<String>, Option<String>) =
        sqlx::query_as("SELECT phone, kecamatan_code FROM alumni WHERE full_name = 'Rina Marlina'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(phone.as_deref(), Some("+6281270001111"));
    assert_eq!(kec.as_deref(), Some("15.07.01"));
    let desa: Option<String> =
        sqlx::query_scalar("SELECT desa_code FROM alumni WHERE full_name = 'Hasan Basri'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(desa, Some(nipah_i));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM alumni WHERE full_name = 'Dewi Lestari'")
            .await,
        0
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM trades WHERE name = 'Barista'")
            .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'import.applied'")
            .await,
        imports_applied + 1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'alumni.create'")
            .await,
        created_before + 4
    );

    // Confirming again (a double tap) applies nothing more.
    admin
        .post(&format!("/admin/impor/{id}/terapkan"), &[])
        .await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM alumni").await,
        alumni_before + 4
    );

    // The report: the original rows with a status and a message.
    let r = admin
        .client
        .get(format!("{}{path}/laporan", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(r.bytes().await.unwrap().to_vec()))
            .unwrap();
    let sheet = book.worksheet_range("2019").unwrap();
    let text: Vec<String> = sheet
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    assert!(
        text[0].contains("Status") && text[0].contains("Pesan"),
        "{:?}",
        text[0]
    );
    assert!(text.iter().any(|l| l.contains("Dewi Lestari")
        && l.contains("ditolak")
        && l.contains("digit terakhir")));
    assert!(
        text.iter()
            .any(|l| l.contains("Rina Marlina") && l.contains("dibuat"))
    );

    // The imported alumna is in the register list.
    assert!(
        admin
            .get("/admin/alumni?q=rina+marlina")
            .await
            .contains("Rina Marlina")
    );
}

async fn same_file_twice_changes_nothing_and_a_corrected_file_only_the_changes(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let apply = |bytes: Vec<u8>| {
        let admin = &admin;
        async move {
            let path = uploaded(admin, "alumni.xlsx", bytes).await;
            let id = path.rsplit('/').next().unwrap().to_owned();
            admin
                .post(
                    &format!("/admin/impor/{id}/opsi"),
                    &[
                        ("sheet:2019", "1"),
                        ("sheet:2020", "1"),
                        ("trade:barista", "1"),
                    ],
                )
                .await;
            admin
                .post(&format!("/admin/impor/{id}/terapkan"), &[])
                .await;
            admin.get(&path).await.text_of(".notice")
        }
    };
    let first = apply(messy_workbook("0812 7000 1111")).await;
    // Hasan's desa is unanswered and Dewi's NIK unusable: two rows rejected.
    assert!(
        first.contains("4 baris menjadi data alumni baru") && first.contains("2 baris ditolak"),
        "{first}"
    );
    let alumni = app.scalar("SELECT COUNT(*) FROM alumni").await;
    let audit = app.scalar("SELECT COUNT(*) FROM audit_log").await;

    let again = apply(messy_workbook("0812 7000 1111")).await;
    assert!(
        again.contains(
            "Tidak ada data alumni baru, tidak ada data lama yang diperbarui, 4 baris sama"
        ),
        "{again}"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM alumni").await, alumni);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log").await,
        audit + 1,
        "only the import itself is recorded"
    );

    // Rina's new number: one person updated, one audited change with before and after.
    let corrected = apply(messy_workbook("0813 9999 0000")).await;
    assert!(
        corrected.contains("1 data alumni yang sudah ada diperbarui"),
        "{corrected}"
    );
    let summary: String =
        sqlx::query_scalar("SELECT summary FROM audit_log WHERE action = 'alumni.update'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(
        // Phone numbers by their ends only (personal identifiers in the log are masked).
        summary.contains("\"before\"")
            && summary.contains("6281•••••1111")
            && summary.contains("6281•••••0000"),
        "{summary}"
    );
}

async fn files_that_are_not_spreadsheets_are_refused(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let imports_before = app.scalar("SELECT COUNT(*) FROM imports").await;
    let png =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
    for (name, bytes, expect) in [
        ("foto.xlsx", png, "bukan lembar kerja"),
        ("kosong.csv", Vec::new(), "Pilih berkas"),
        ("kosong2.csv", b"\n\n;;\n".to_vec(), "kosong"),
    ] {
        let page = upload(&admin, name, bytes).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(
            page.body.to_lowercase().contains(&expect.to_lowercase()),
            "{name}: {}",
            page.text_of(".alert")
        );
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM imports").await,
        imports_before
    );
}

async fn a_running_import_shows_progress_and_a_dead_run_can_be_retried(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let path = uploaded(&admin, "alumni.xlsx", messy_workbook("0812 7000 1111")).await;
    let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    // Another instance (or a process that died) is applying it.
    sqlx::query("UPDATE imports SET status = 'running', started_at = $1 WHERE id = $2")
        .bind(karya::db::now())
        .bind(id)
        .execute(app.db.pool())
        .await
        .unwrap();
    let page = admin.get(&path).await;
    assert!(page.contains("Impor sedang diterapkan"));
    assert!(
        page.contains("http-equiv=\"refresh\""),
        "the page refreshes itself without JavaScript"
    );
    let before = app.scalar("SELECT COUNT(*) FROM alumni").await;
    admin.post(&format!("{path}/terapkan"), &[]).await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM alumni").await,
        before,
        "a live run is not applied twice"
    );

    // A marker older than 15 minutes belongs to a dead process: the import can be applied.
    sqlx::query("UPDATE imports SET started_at = $1 WHERE id = $2")
        .bind(karya::db::now() - 16 * 60)
        .bind(id)
        .execute(app.db.pool())
        .await
        .unwrap();
    admin.post(&format!("{path}/terapkan"), &[]).await;
    assert!(app.scalar("SELECT COUNT(*) FROM alumni").await > before);
    assert!(admin.get(&path).await.contains("Impor sudah diterapkan"));
}

/// `karya import alumni`: a dry run stores nothing and says why rows fail; the real run applies;
/// the last line is the machine-readable summary and a rejected row makes the exit status 1.
async fn command_line_import(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("alumni.xlsx");
    std::fs::write(&file, messy_workbook("0812 7000 1111")).unwrap();
    let report = dir.path().join("laporan.xlsx");
    let run = |extra: &[&str]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_karya"));
        cmd.args([
            "--database-url",
            &app.settings.database_url,
            "--data-dir",
            &app.settings.data_dir.display().to_string(),
        ])
        .args(["import", "alumni", &file.display().to_string()])
        .args(extra)
        .env_remove("KARYA_DATABASE_URL");
        cmd.output().expect("karya runs")
    };
    let before = app.scalar("SELECT COUNT(*) FROM alumni").await;
    let out = run(&["--dry-run", "--report", &report.display().to_string()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "rejected rows: exit 1\n{text}");
    let last = text.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("dibuat=") && last.contains(" ditolak="),
        "{last}"
    );
    assert!(
        text.contains("lembar 2019 baris 10 kolom C: ditolak"),
        "{text}"
    );
    assert!(
        text.contains("--create-missing"),
        "the unknown trade is named: {text}"
    );
    assert!(report.exists());
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM alumni").await,
        before,
        "a dry run stores nothing"
    );

    let out = run(&["--create-missing"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text.lines().last().unwrap_or_default();
    assert!(last.contains("dibuat=4"), "{text}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM alumni").await,
        before + 3,
        "Rina (twice), Budi, Yanti; Hasan and Dewi rejected"
    );
    let again = run(&["--create-missing"]);
    let last = String::from_utf8_lossy(&again.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned();
    assert!(last.starts_with("dibuat=0 diperbarui=0 tetap=4"), "{last}");
}

/// A file over the upload limit is refused with a page, before anything is read or stored.
async fn an_oversized_upload_is_refused(app: TestApp) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let admin = app.signed_in("admin").await;
    let token = admin.csrf().await;
    let before = app.scalar("SELECT COUNT(*) FROM imports").await;
    // On a raw socket, so the answer can be read while the upload is still going; no cookies
    // are needed because the size limit is checked before anything else.
    let addr = app.base.trim_start_matches("http://").to_owned();
    let stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let (mut rd, mut wr) = stream.into_split();
    let size = 25 * 1024 * 1024;
    let head = format!(
        "POST /admin/impor?_csrf={token} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n"
    );
    let writer = tokio::spawn(async move {
        let _ = wr.write_all(head.as_bytes()).await;
        let chunk = vec![b'a'; 1024 * 1024];
        for _ in 0..25 {
            if wr.write_all(&chunk).await.is_err() {
                break;
            }
        }
    });
    let mut response = Vec::new();
    let _ = rd.read_to_end(&mut response).await;
    writer.abort();
    let text = String::from_utf8_lossy(&response);
    assert!(
        text.starts_with("HTTP/1.1 413"),
        "{}",
        &text[..text.len().min(200)]
    );
    assert!(text.contains("Data terlalu besar"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM imports").await, before);
}

// ---- personal data in stored imports ----

/// The NIKs of `messy_workbook` (Dewi's, cut by Excel, is rejected but still in the file).
const NIKS: [&str; 4] = [
    "1507014305990002",
    "1507010101900001",
    "1507015505000003",
    "1507015205980000",
];

/// Uploads `messy_workbook`, allows its new trade and applies it; returns the import's id.
async fn applied_import(admin: &Visitor) -> i64 {
    let path = uploaded(admin, "alumni.xlsx", messy_workbook("0812 7000 1111")).await;
    let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    admin
        .post(
            &format!("{path}/opsi"),
            &[
                ("sheet:2019", "1"),
                ("sheet:2020", "1"),
                ("trade:barista", "1"),
            ],
        )
        .await
        .assert_redirect_to(&path);
    admin
        .post(&format!("{path}/terapkan"), &[])
        .await
        .assert_redirect_to(&path);
    assert!(admin.get(&path).await.contains("Impor sudah diterapkan"));
    id
}

/// Every cell of every sheet, as text; `None` when the bytes do not open as a spreadsheet
/// (calamine unzips an `.xlsx`, so compressed text is read).
fn cells_of(bytes: &[u8]) -> Option<Vec<String>> {
    use calamine::Reader;
    let mut book =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec())).ok()?;
    Some(
        book.worksheets()
            .into_iter()
            .flat_map(|(_, range)| {
                range
                    .rows()
                    .flat_map(|row| row.iter().map(|c| c.to_string()).collect::<Vec<_>>())
                    .collect::<Vec<_>>()
            })
            .collect(),
    )
}

/// Whether `nik` can be read from a blob: in its raw bytes, or in a cell once it is opened
/// (decompressed) as a spreadsheet.
fn nik_readable(blob: &[u8], nik: &str) -> bool {
    blob.windows(nik.len()).any(|w| w == nik.as_bytes())
        || cells_of(blob).is_some_and(|cells| cells.iter().any(|c| c.contains(nik)))
}

/// The stored blobs of an import, read straight from the table: upload, report, masked report.
async fn blobs(app: &TestApp, id: i64) -> [Option<Vec<u8>>; 3] {
    use sqlx::Row;
    let row = sqlx::query("SELECT content, report, report_masked FROM imports WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    [
        row.try_get("content").unwrap(),
        row.try_get("report").unwrap(),
        row.try_get("report_masked").unwrap(),
    ]
}

/// A download: status and bytes. `post` sends the visitor's CSRF token.
async fn download(v: &Visitor, path: &str, post: bool) -> (StatusCode, Vec<u8>) {
    let url = format!("{}{path}", v.base);
    let request = if post {
        let token = v.csrf().await;
        v.client.post(url).form(&[("_csrf", token)])
    } else {
        v.client.get(url)
    };
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.bytes().await.unwrap().to_vec())
}

async fn audit_count(app: &TestApp, action: &str, id: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND entity = 'import' AND entity_id = $2",
    )
    .bind(action)
    .bind(id.to_string())
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

async fn stored_files_are_sealed_and_hold_no_readable_nik(app: TestApp) {
    let workbook = messy_workbook("0812 7000 1111");
    // The check below finds the NIKs in the file as uploaded (compressed inside the .xlsx).
    assert!(
        !workbook.windows(16).any(|w| w == NIKS[0].as_bytes()),
        "compressed"
    );
    for nik in NIKS {
        assert!(nik_readable(&workbook, nik), "{nik} readable in the upload");
    }
    let admin = app.signed_in("admin").await;
    let id = applied_import(&admin).await;

    let [content, report, masked] = blobs(&app, id).await;
    for (what, blob) in [
        ("upload", content),
        ("report", report),
        ("masked report", masked),
    ] {
        let blob = blob.unwrap_or_else(|| panic!("{what} stored"));
        assert!(
            cells_of(&blob).is_none(),
            "the stored {what} is not a spreadsheet"
        );
        for nik in NIKS {
            assert!(
                !nik_readable(&blob, nik),
                "{nik} readable in the stored {what}"
            );
        }
    }
    // Every import stored, the demo's included, is sealed.
    type Blob = Option<Vec<u8>>;
    let all: Vec<(Blob, Blob)> = sqlx::query_as("SELECT content, report FROM imports")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    assert!(all.len() >= 2);
    for blob in all.into_iter().flat_map(|(c, r)| [c, r]).flatten() {
        assert!(karya::secrets::personal::is_sealed(&blob));
        assert!(cells_of(&blob).is_none());
    }
    // And still read back: the report downloads as a spreadsheet.
    let (status, bytes) = download(&admin, &format!("/admin/impor/{id}/laporan"), false).await;
    assert_eq!(status, StatusCode::OK);
    assert!(cells_of(&bytes).is_some_and(|c| c.iter().any(|t| t == "Rina Marlina")));
}

async fn the_report_masks_nik_unless_an_allowed_role_asks_for_full_nik(app: TestApp) {
    let admin = app.signed_in("admin").await;
    // Before confirmation, the dry run's report is masked too.
    let path = uploaded(&admin, "alumni.xlsx", messy_workbook("0812 7000 1111")).await;
    let (status, dry) = download(&admin, &format!("{path}/laporan"), false).await;
    assert_eq!(status, StatusCode::OK);
    let dry = cells_of(&dry).expect("a spreadsheet");
    assert!(dry.iter().any(|c| c == "1507••••••••0002"), "{dry:?}");
    for nik in NIKS {
        assert!(
            !dry.iter().any(|c| c.contains(nik)),
            "{nik} in the dry run's report"
        );
    }

    let id = applied_import(&admin).await;
    let page = admin.get(&format!("/admin/impor/{id}")).await;
    assert!(page.contains("NIK disamarkan") && page.contains("laporan-lengkap"));
    let full_before = audit_count(&app, "import.report_full_nik", id).await;

    // The default download: masked as the register masks, nothing of an unusable NIK.
    let (status, bytes) = download(&admin, &format!("/admin/impor/{id}/laporan"), false).await;
    assert_eq!(status, StatusCode::OK);
    let cells = cells_of(&bytes).expect("a spreadsheet");
    for masked in ["1507••••••••0002", "1507••••••••0001", "1507••••••••0003"]
    {
        assert!(cells.iter().any(|c| c == masked), "{masked} in {cells:?}");
    }
    for nik in NIKS {
        assert!(
            !cells.iter().any(|c| c.contains(nik)),
            "{nik} in the masked report"
        );
    }
    assert!(cells.iter().any(|c| c == "Rina Marlina") && cells.iter().any(|c| c == "Dewi Lestari"));
    assert_eq!(
        audit_count(&app, "import.report_full_nik", id).await,
        full_before,
        "a masked download is not a full-NIK one"
    );

    // A role that may not see full NIKs is refused, and nothing is recorded.
    let opd = app.signed_in("opd").await;
    let (status, bytes) = download(&opd, &format!("/admin/impor/{id}/laporan-lengkap"), true).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!NIKS.iter().any(|n| nik_readable(&bytes, n)));
    assert_eq!(
        audit_count(&app, "import.report_full_nik", id).await,
        full_before
    );

    // Full NIKs: an explicit POST by staff allowed to export them, recorded with the import.
    let (status, bytes) =
        download(&admin, &format!("/admin/impor/{id}/laporan-lengkap"), true).await;
    assert_eq!(status, StatusCode::OK);
    let cells = cells_of(&bytes).expect("a spreadsheet");
    assert!(cells.iter().any(|c| c.contains(NIKS[0])), "{cells:?}");
    assert!(!cells.iter().any(|c| c.contains('•')), "nothing masked");
    assert_eq!(
        audit_count(&app, "import.report_full_nik", id).await,
        full_before + 1
    );
    let actor: String = sqlx::query_scalar(
        "SELECT actor_label FROM audit_log WHERE action = 'import.report_full_nik' ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(actor, "admin");
    // A GET of the full report is no way round the POST.
    let (status, _) = download(&admin, &format!("/admin/impor/{id}/laporan-lengkap"), false).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

async fn uploads_are_deleted_after_the_retention_period(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let days = app.settings.import_retention_days;
    assert_eq!(days, 30, "the default");
    let old = applied_import(&admin).await;
    let recent = applied_import(&admin).await;
    let abandoned_path = uploaded(&admin, "ditinggal.xlsx", messy_workbook("0812 7000 1111")).await;
    let abandoned: i64 = abandoned_path.rsplit('/').next().unwrap().parse().unwrap();
    let fresh_path = uploaded(&admin, "baru.xlsx", messy_workbook("0812 7000 1111")).await;
    let fresh: i64 = fresh_path.rsplit('/').next().unwrap().parse().unwrap();
    // The old import was applied, and the abandoned one uploaded, a day more than the period ago.
    let back = (days + 1) * 86_400;
    sqlx::query("UPDATE imports SET applied_at = applied_at - $1, created_at = created_at - $1 WHERE id = $2")
        .bind(back)
        .bind(old)
        .execute(app.db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE imports SET created_at = created_at - $1 WHERE id = $2")
        .bind(back)
        .bind(abandoned)
        .execute(app.db.pool())
        .await
        .unwrap();
    // The recent import was uploaded long ago but applied yesterday: it counts from the apply.
    sqlx::query("UPDATE imports SET created_at = created_at - $1, applied_at = applied_at - 86400 WHERE id = $2")
        .bind(back)
        .bind(recent)
        .execute(app.db.pool())
        .await
        .unwrap();
    let summary_before: String = sqlx::query_scalar("SELECT summary FROM imports WHERE id = $1")
        .bind(old)
        .fetch_one(app.db.pool())
        .await
        .unwrap();

    let purged = karya::app::imports::purge_expired(&app.db, days)
        .await
        .unwrap();
    assert_eq!(purged, 2);
    assert_eq!(
        karya::app::imports::purge_expired(&app.db, days)
            .await
            .unwrap(),
        0,
        "nothing twice"
    );

    for (id, gone) in [
        (old, true),
        (abandoned, true),
        (recent, false),
        (fresh, false),
    ] {
        let [content, report, _] = blobs(&app, id).await;
        let purged_at: Option<i64> =
            sqlx::query_scalar("SELECT purged_at FROM imports WHERE id = $1")
                .bind(id)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        assert_eq!(content.is_none(), gone, "import {id}");
        assert_eq!(purged_at.is_some(), gone, "import {id}");
        assert_eq!(
            audit_count(&app, "import.upload_purged", id).await,
            i64::from(gone),
            "import {id}"
        );
        if id == old {
            assert!(report.is_some(), "the report stays");
        }
    }
    let summary_after: String = sqlx::query_scalar("SELECT summary FROM imports WHERE id = $1")
        .bind(old)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(summary_after, summary_before, "the history stays");

    // The applied import's page says so; its summary and masked report remain.
    let page = admin.get(&format!("/admin/impor/{old}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.contains("Impor sudah diterapkan"));
    assert!(
        page.contains("Berkas asli dihapus")
            && page.contains(&format!("{days} hari setelah diterapkan")),
        "{}",
        page.body
    );
    let (status, bytes) = download(&admin, &format!("/admin/impor/{old}/laporan"), false).await;
    assert_eq!(status, StatusCode::OK);
    assert!(cells_of(&bytes).is_some());
    assert!(
        !admin
            .get(&format!("/admin/impor/{recent}"))
            .await
            .contains("Berkas asli dihapus")
    );

    // The abandoned upload: nothing left to preview, apply or report on.
    let page = admin.get(&abandoned_path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.contains("tidak pernah diterapkan")
            && page.contains(&format!("{days} hari setelah diunggah")),
        "{}",
        page.body
    );
    assert!(!page.contains("Terapkan impor") && !page.contains("/laporan"));
    assert_eq!(
        admin
            .post(&format!("{abandoned_path}/terapkan"), &[])
            .await
            .status,
        StatusCode::GONE
    );
    assert_eq!(
        admin
            .post(&format!("{abandoned_path}/opsi"), &[("sheet:2019", "1")])
            .await
            .status,
        StatusCode::GONE
    );
    assert_eq!(
        download(&admin, &format!("{abandoned_path}/laporan"), false)
            .await
            .0,
        StatusCode::GONE
    );
    assert!(
        admin
            .get("/admin/impor")
            .await
            .contains("berkas asli dihapus")
    );
    // The fresh upload can still be previewed.
    assert!(admin.get(&fresh_path).await.contains("Terapkan impor"));
}

/// Databases of older versions hold the files in clear: they are read as they are, and sealed
/// (with a masked copy of the report) by the next start-up, which also deletes expired uploads.
async fn clear_files_of_older_versions_are_read_and_sealed_at_start_up(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let workbook = messy_workbook("0812 7000 1111");
    let applied = applied_import(&admin).await;
    let (_, full_report) = download(
        &admin,
        &format!("/admin/impor/{applied}/laporan-lengkap"),
        true,
    )
    .await;
    assert!(nik_readable(&full_report, NIKS[0]));
    let draft_path = uploaded(&admin, "draf.xlsx", workbook.clone()).await;
    let draft: i64 = draft_path.rsplit('/').next().unwrap().parse().unwrap();
    let expired_path = uploaded(&admin, "lama.xlsx", workbook.clone()).await;
    let expired: i64 = expired_path.rsplit('/').next().unwrap().parse().unwrap();
    // As an older version stored them: in clear, and no masked report.
    for id in [applied, draft, expired] {
        sqlx::query("UPDATE imports SET content = $1 WHERE id = $2")
            .bind(workbook.clone())
            .bind(id)
            .execute(app.db.pool())
            .await
            .unwrap();
    }
    sqlx::query("UPDATE imports SET report = $1, report_masked = NULL WHERE id = $2")
        .bind(full_report.clone())
        .bind(applied)
        .execute(app.db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE imports SET created_at = created_at - $1 WHERE id = $2")
        .bind((app.settings.import_retention_days + 1) * 86_400)
        .bind(expired)
        .execute(app.db.pool())
        .await
        .unwrap();

    // Read as they are: the draft previews; the applied import gives no unmasked default report.
    assert!(admin.get(&draft_path).await.contains("Terapkan impor"));
    assert_eq!(
        download(&admin, &format!("/admin/impor/{applied}/laporan"), false)
            .await
            .0,
        StatusCode::GONE
    );

    // The next start-up.
    let secrets = karya::secrets::Secrets::load_or_create(&app.settings.data_dir).unwrap();
    karya::startup::prepare_database(&app.db, &app.settings, &secrets)
        .await
        .unwrap();

    for id in [applied, draft] {
        for blob in blobs(&app, id).await.into_iter().flatten() {
            assert!(karya::secrets::personal::is_sealed(&blob), "import {id}");
            for nik in NIKS {
                assert!(!nik_readable(&blob, nik), "{nik} readable in import {id}");
            }
        }
    }
    assert!(
        blobs(&app, expired).await[0].is_none(),
        "expired upload deleted at start-up"
    );
    assert_eq!(audit_count(&app, "import.upload_purged", expired).await, 1);
    assert!(admin.get(&draft_path).await.contains("Terapkan impor"));
    let (status, bytes) = download(&admin, &format!("/admin/impor/{applied}/laporan"), false).await;
    assert_eq!(status, StatusCode::OK);
    let cells = cells_of(&bytes).expect("a spreadsheet");
    assert!(cells.iter().any(|c| c == "1507••••••••0002"), "{cells:?}");
    for nik in NIKS {
        assert!(
            !cells.iter().any(|c| c.contains(nik)),
            "{nik} in the masked copy"
        );
    }
    let (status, bytes) = download(
        &admin,
        &format!("/admin/impor/{applied}/laporan-lengkap"),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, full_report, "the full report as it was");
    // A second start-up finds nothing to convert.
    assert_eq!(
        karya::app::imports::seal_stored(&app.db, &secrets)
            .await
            .unwrap(),
        0
    );
}

/// A workbook of plain text cells, sheet by sheet, row by row from A1; "" leaves a cell empty.
fn plain_workbook(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        let s = book.add_worksheet().set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    s.write_string(r as u32, c as u16, *v).unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// Uploads, saves the preview's choices, applies; returns the import's page after the apply.
async fn upload_choose_apply(v: &Visitor, bytes: Vec<u8>, choices: &[(&str, &str)]) -> Page {
    let path = uploaded(v, "alumni.xlsx", bytes).await;
    v.post(&format!("{path}/opsi"), choices).await;
    v.post(&format!("{path}/terapkan"), &[]).await;
    v.get(&path).await
}

/// "Sulam Kerawang" and "SULAM KERAWANG" in one file are one trade, one program and one batch;
/// a conflict the register raises while applying is named by sheet and row in Indonesian, and
/// nothing of the import is stored.
async fn case_differences_never_abort_an_import(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let header: &[&str] = &[
        "Nama",
        "L/P",
        "Tempat Lahir",
        "Kejuruan",
        "Program Pelatihan",
        "Tahun",
    ];
    let rows: &[&[&str]] = &[
        header,
        &[
            "Siti Sulam",
            "P",
            "Sabak",
            "Sulam Kerawang",
            "Sulam Kerawang Dasar",
            "2019",
        ],
        &[
            "Ani Sulam",
            "P",
            "Sabak",
            "SULAM KERAWANG",
            "SULAM KERAWANG DASAR",
            "2019",
        ],
    ];
    let page = upload_choose_apply(
        &admin,
        plain_workbook(&[("2019", rows)]),
        &[
            ("sheet:2019", "1"),
            ("trade:sulam kerawang", "1"),
            ("program:sulam kerawang|sulam kerawang dasar", "1"),
        ],
    )
    .await;
    assert!(
        page.text_of(".notice")
            .contains("2 baris menjadi data alumni baru"),
        "{}",
        page.body
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM programs WHERE lower(name) = 'sulam kerawang dasar'")
            .await,
        1
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM batches b JOIN programs p ON p.id = b.program_id \
             WHERE lower(p.name) = 'sulam kerawang dasar'"
        )
        .await,
        1
    );

    // A uniqueness rule the register holds and the plan cannot know: the second person clashes.
    sqlx::query(
        "CREATE UNIQUE INDEX test_clash ON alumni (birth_place) WHERE birth_place = 'Kampung Bentrok'",
    )
    .execute(app.db.pool())
    .await
    .unwrap();
    let alumni = app.scalar("SELECT COUNT(*) FROM alumni").await;
    let rows: &[&[&str]] = &[
        header,
        &[
            "Dina Bentrok",
            "P",
            "Kampung Bentrok",
            "Sulam Kerawang",
            "Sulam Kerawang Dasar",
            "2020",
        ],
        &[
            "Eka Bentrok",
            "P",
            "Kampung Bentrok",
            "Sulam Kerawang",
            "Sulam Kerawang Dasar",
            "2020",
        ],
    ];
    let page = upload_choose_apply(
        &admin,
        plain_workbook(&[("2020", rows)]),
        &[("sheet:2020", "1")],
    )
    .await;
    let alert = page.text_of(".alert");
    assert!(
        alert.contains("Lembar 2020 baris 3") && alert.contains("bentrok"),
        "{alert}"
    );
    assert!(
        !page.body.contains("UNIQUE") && !page.body.contains("conflict"),
        "{alert}"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM alumni").await,
        alumni,
        "nothing partial"
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM batches WHERE year = 2020 AND program_id IN \
             (SELECT id FROM programs WHERE lower(name) = 'sulam kerawang dasar')"
        )
        .await,
        0
    );
}

/// Sheets as district offices keep them: no Tahun column, the year in the sheet's name or in a
/// title row; a sheet with neither waits for the admin's year.
fn yearless_workbook() -> Vec<u8> {
    let header: &[&str] = &["Nama", "L/P", "Program Pelatihan"];
    plain_workbook(&[
        (
            "2019",
            &[header, &["Agus Namasheet", "L", "Perawatan AC Split"]],
        ),
        (
            "Rekap",
            &[
                &["DAFTAR ALUMNI PELATIHAN BLK TANJABTIM TAHUN 2018"],
                &[],
                header,
                &["Bayu Judul", "L", "Perawatan AC Split"],
            ],
        ),
        (
            "Tanpa",
            &[header, &["Citra Tanpatahun", "P", "Perawatan AC Split"]],
        ),
    ])
}

async fn the_year_comes_from_the_sheet_name_or_its_title(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let path = uploaded(&admin, "alumni per tahun.xlsx", yearless_workbook()).await;
    let page = admin.get(&path).await;
    assert!(
        page.contains("Tahun 2019 diambil dari nama sheet."),
        "{}",
        page.body
    );
    assert!(page.contains("Tahun 2018 diambil dari judul di baris 1."));
    assert!(page.contains("tetapkan tahun untuk lembar ini"));
    assert_eq!(page.input_value("year:Tanpa").as_deref(), Some(""));

    // The admin sets the third sheet's year in the preview's form.
    admin
        .post(
            &format!("{path}/opsi"),
            &[
                ("sheet:2019", "1"),
                ("sheet:Rekap", "1"),
                ("sheet:Tanpa", "1"),
                ("year:2019", ""),
                ("year:Rekap", ""),
                ("year:Tanpa", "2021"),
            ],
        )
        .await;
    let page = admin.get(&path).await;
    assert_eq!(page.input_value("year:Tanpa").as_deref(), Some("2021"));
    assert!(page.contains("Tahun 2021 ditetapkan untuk lembar ini."));
    admin.post(&format!("{path}/terapkan"), &[]).await;
    let notice = admin.get(&path).await.text_of(".notice");
    assert!(
        notice.contains("3 baris menjadi data alumni baru") && !notice.contains("ditolak"),
        "{notice}"
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM participations p JOIN alumni a ON a.id = p.alumnus_id \
             JOIN batches b ON b.id = p.batch_id WHERE \
             (a.full_name = 'Agus Namasheet' AND b.year = 2019) OR \
             (a.full_name = 'Bayu Judul' AND b.year = 2018) OR \
             (a.full_name = 'Citra Tanpatahun' AND b.year = 2021)"
        )
        .await,
        3
    );
}

fn import_cli(app: &TestApp, file: &std::path::Path, extra: &[&str]) -> (Option<i32>, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_karya"))
        .args([
            "--database-url",
            &app.settings.database_url,
            "--data-dir",
            &app.settings.data_dir.display().to_string(),
        ])
        .args(["import", "alumni", &file.display().to_string()])
        .args(extra)
        .env_remove("KARYA_DATABASE_URL")
        .output()
        .expect("karya runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

async fn command_line_sets_a_year_per_sheet(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("alumni.xlsx");
    std::fs::write(&file, yearless_workbook()).unwrap();
    let (code, text) = import_cli(&app, &file, &["--dry-run"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("lembar 2019: Tahun 2019 diambil dari nama sheet."),
        "{text}"
    );
    assert!(text.contains("--tahun \"Tanpa=TAHUN\""), "{text}");
    assert!(
        text.contains("dibuat=2 diperbarui=0 tetap=0 ditolak=1"),
        "{text}"
    );
    assert!(
        !text.contains("pratinjau"),
        "no advice meant for the web: {text}"
    );

    for (bad, says) in [
        ("Nope=2021", "tidak ada di berkas"),
        ("Tanpa=1850", "4 angka"),
        ("Tanpa", "LEMBAR=TAHUN"),
    ] {
        let (code, text) = import_cli(&app, &file, &["--dry-run", "--tahun", bad]);
        assert_eq!(code, Some(2), "{bad}: {text}");
        assert!(text.contains(says), "{bad}: {text}");
    }

    let alumni = app.scalar("SELECT COUNT(*) FROM alumni").await;
    let (code, text) = import_cli(
        &app,
        &file,
        &["--tahun", "Tanpa=2021", "--tahun", "2019=2017"],
    );
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("Tahun 2021 ditetapkan untuk lembar ini."),
        "{text}"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM alumni").await, alumni + 3);
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM participations p JOIN alumni a ON a.id = p.alumnus_id \
             JOIN batches b ON b.id = p.batch_id WHERE a.full_name = 'Agus Namasheet' AND b.year = 2017"
        )
        .await,
        1,
        "the admin's year corrects the sheet name's"
    );
}

/// "MENJAHIT" is the demo's only tailoring program, "Menjahit / Asisten Pembuat Pakaian": the
/// preview says so as it says a kecamatan match, and the trade follows from the program.
async fn a_program_as_people_write_it_is_matched_in_the_preview(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let header: &[&str] = &["Nama", "L/P", "Program Pelatihan"];
    let bytes = plain_workbook(&[("2020", &[header, &["Dedi Jahit", "L", "MENJAHIT"]])]);
    let path = uploaded(&admin, "jahit.xlsx", bytes).await;
    let page = admin.get(&path).await;
    assert!(
        page.contains("Program &#34;MENJAHIT&#34; dibaca sebagai &#34;Menjahit / Asisten Pembuat Pakaian&#34; (kejuruan Menjahit)."),
        "{}",
        page.body
    );
    admin.post(&format!("{path}/terapkan"), &[]).await;
    let notice = admin.get(&path).await.text_of(".notice");
    assert!(
        notice.contains("1 baris menjadi data alumni baru") && !notice.contains("ditolak"),
        "{notice}"
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM participations p JOIN alumni a ON a.id = p.alumnus_id \
             JOIN batches b ON b.id = p.batch_id JOIN programs g ON g.id = b.program_id \
             WHERE a.full_name = 'Dedi Jahit' AND b.year = 2020 \
             AND g.name = 'Menjahit / Asisten Pembuat Pakaian'"
        )
        .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM programs WHERE lower(name) = 'menjahit'")
            .await,
        0,
        "no program created"
    );
}

/// `--create-missing` on a fresh district (no demo, no trades): the trades and their programs
/// are created together in one run, and nothing the command prints points at the web.
#[test]
fn command_line_creates_missing_trades_with_their_programs_on_a_fresh_database() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("alumni.xlsx");
    let header: &[&str] = &["Nama", "L/P", "Kejuruan", "Program Pelatihan"];
    std::fs::write(
        &file,
        plain_workbook(&[(
            "Alumni 2021",
            &[
                &["DAFTAR ALUMNI PELATIHAN BLK TANJABTIM TAHUN 2021"],
                header,
                &["Siti Rias", "P", "Tata Rias", "Rias Pengantin"],
                &["Ani Rias", "P", "TATA RIAS", "RIAS PENGANTIN"],
                &["Budi Kopi", "L", "Barista", ""],
                // The trade alone: the one program this file names under it.
                &["Rina Rias", "P", "Tata Rias", ""],
            ],
        )]),
    )
    .unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("karya.db").display()
    );
    let run = |extra: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_karya"))
            .args(["--database-url", &url, "--data-dir"])
            .arg(dir.path())
            .args(["import", "alumni"])
            .arg(&file)
            .args(extra)
            .env_remove("KARYA_DATABASE_URL")
            .env_remove("KARYA_DEMO")
            .output()
            .expect("karya runs");
        (
            out.status.code(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    let (code, text) = run(&["--dry-run"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("ditolak=4"), "{text}");
    assert!(
        text.contains("kejuruan baru \"Tata Rias\"")
            && text.contains("program baru \"Rias Pengantin\" pada kejuruan \"Tata Rias\""),
        "trade and program named in one run: {text}"
    );
    assert!(
        !text.contains("pratinjau") && !text.contains("centang"),
        "{text}"
    );

    let (code, text) = run(&["--dry-run", "--create-missing"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("dibuat=4 diperbarui=0 tetap=0 ditolak=0"),
        "{text}"
    );
    let (code, text) = run(&["--create-missing"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("dibuat=4 diperbarui=0 tetap=0 ditolak=0"),
        "{text}"
    );
    let (code, text) = run(&[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("dibuat=0 diperbarui=0 tetap=4 ditolak=0"),
        "{text}"
    );
    // Two trades, each with one program: no second program named after "Tata Rias".
    let programs = std::thread::spawn(move || {
        tokio::runtime::Runtime::new().unwrap().block_on(async {
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            sqlx::query_scalar::<_, String>("SELECT name FROM programs ORDER BY name")
                .fetch_all(&pool)
                .await
                .unwrap()
        })
    })
    .join()
    .unwrap();
    assert_eq!(programs, ["Barista", "Rias Pengantin"]);
}

/// With a second tailoring program, "Menjahit" fits two: the row waits, the preview asks, and
/// the admin's choice is applied.
async fn a_program_name_fitting_several_programs_is_asked_in_the_preview(app: TestApp) {
    sqlx::query(
        "INSERT INTO programs (trade_id, name, hours, days, created_at) \
         SELECT id, 'Menjahit (Busana Muslim)', 200, 25, 0 FROM trades WHERE name = 'Menjahit'",
    )
    .execute(app.db.pool())
    .await
    .unwrap();
    let chosen = app
        .scalar("SELECT id FROM programs WHERE name = 'Menjahit (Busana Muslim)'")
        .await;
    let admin = app.signed_in("admin").await;
    let header: &[&str] = &["Nama", "L/P", "Program Pelatihan"];
    let bytes = plain_workbook(&[("2022", &[header, &["Euis Busana", "P", "Menjahit"]])]);
    let path = uploaded(&admin, "jahit.xlsx", bytes).await;
    let page = admin.get(&path).await;
    assert!(page.contains("Program yang perlu dipilih"), "{}", page.body);
    assert!(page.contains("cocok dengan beberapa program"));
    let key = "programpick:|menjahit";
    assert!(
        page.body.contains(&format!("name=\"{key}\"")),
        "{}",
        page.body
    );
    let id = chosen.to_string();
    admin
        .post(
            &format!("{path}/opsi"),
            &[("sheet:2022", "1"), (key, id.as_str())],
        )
        .await;
    admin.post(&format!("{path}/terapkan"), &[]).await;
    let notice = admin.get(&path).await.text_of(".notice");
    assert!(
        notice.contains("1 baris menjadi data alumni baru") && !notice.contains("ditolak"),
        "{notice}"
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM participations p JOIN alumni a ON a.id = p.alumnus_id \
             JOIN batches b ON b.id = p.batch_id JOIN programs g ON g.id = b.program_id \
             WHERE a.full_name = 'Euis Busana' AND g.name = 'Menjahit (Busana Muslim)'"
        )
        .await,
        1
    );
}

// ---- hostile files (issue 12) ----

/// `workbook` with its entry `part` given new content, deflated.
fn rezip(workbook: &[u8], part: &str, replace: impl Fn(&[u8]) -> Vec<u8>) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(workbook)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if name == part {
            data = replace(&data);
        }
        out.start_file(name, options).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// A real workbook whose shared-string table declares 4,294,967,295 strings: calamine 0.38
/// reserves 103 GB for them and aborts the process.
fn lying_count_workbook() -> Vec<u8> {
    rezip(
        &messy_workbook("0812 7000 1111"),
        "xl/sharedStrings.xml",
        |xml| {
            let xml = String::from_utf8(xml.to_vec()).unwrap();
            let at = xml.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
            let end = at + xml[at..].find('"').unwrap();
            format!("{}4294967295{}", &xml[..at], &xml[end..]).into_bytes()
        },
    )
}

/// A workbook whose sheet inflates to 200 MiB (whitespace between rows).
fn zip_bomb_workbook() -> Vec<u8> {
    rezip(
        &messy_workbook("0812 7000 1111"),
        "xl/worksheets/sheet1.xml",
        |xml| {
            let xml = String::from_utf8(xml.to_vec()).unwrap();
            let at = xml.find("<sheetData>").unwrap() + "<sheetData>".len();
            let mut bomb = xml.as_bytes()[..at].to_vec();
            bomb.resize(bomb.len() + 200 * 1024 * 1024, b' ');
            bomb.extend_from_slice(&xml.as_bytes()[at..]);
            bomb
        },
    )
}

/// A CSV whose one cell holds 40,000 characters (Excel's limit is 32,767).
fn long_cell_csv() -> Vec<u8> {
    format!("Nama;NIK\n{};1507014305990002\n", "A".repeat(40_000)).into_bytes()
}

async fn hostile_uploads_are_refused_quickly_with_a_message(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let imports_before = app.scalar("SELECT COUNT(*) FROM imports").await;
    for (name, bytes, expect) in [
        (
            "jumlah.xlsx",
            lying_count_workbook(),
            "jumlah teks yang dinyatakan",
        ),
        ("bom.xlsx", zip_bomb_workbook(), "mengembang"),
        ("panjang.csv", long_cell_csv(), "32.767 karakter"),
    ] {
        let start = std::time::Instant::now();
        let page = upload(&admin, name, bytes).await;
        let took = start.elapsed();
        assert!(took < std::time::Duration::from_secs(5), "{name}: {took:?}");
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(page.contains(expect), "{name}: {}", page.text_of(".alert"));
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM imports").await,
        imports_before,
        "nothing stored"
    );
    // The server is still there.
    assert_eq!(admin.get("/admin/impor").await.status, StatusCode::OK);
}

async fn set_content(app: &TestApp, id: i64, bytes: Vec<u8>) {
    // In clear, as an older version stored uploads (read as they are).
    sqlx::query("UPDATE imports SET content = $1 WHERE id = $2")
        .bind(bytes)
        .bind(id)
        .execute(app.db.pool())
        .await
        .unwrap();
}

/// A hostile file stored as a draft by an older version: opening the draft refuses it with the
/// reader's message and marks it failed; it is never read again (put a good file in its place:
/// the page still refuses) and cannot be applied.
async fn a_stored_draft_that_fails_to_read_is_marked_failed_and_never_read_again(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let good = messy_workbook("0812 7000 1111");
    let path = uploaded(&admin, "draf.xlsx", good.clone()).await;
    let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    set_content(&app, id, lying_count_workbook()).await;

    let start = std::time::Instant::now();
    let page = admin.get(&path).await;
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert!(page.contains("tidak dapat dibaca"), "{}", page.body);
    assert!(
        page.contains("jumlah teks yang dinyatakan"),
        "{}",
        page.body
    );
    let failed = app
        .scalar("SELECT COUNT(*) FROM imports WHERE status = 'failed' AND read_error IS NOT NULL")
        .await;
    assert_eq!(failed, 1);

    // Not read again: with a readable file in its place the answer is the stored one.
    set_content(&app, id, good).await;
    let page = admin.get(&path).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.contains("jumlah teks yang dinyatakan"));
    let report = download(&admin, &format!("{path}/laporan"), false).await;
    assert_eq!(report.0, StatusCode::CONFLICT);
    // Nor applied.
    let alumni = app.scalar("SELECT COUNT(*) FROM alumni").await;
    admin.post(&format!("{path}/terapkan"), &[]).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM alumni").await, alumni);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM imports WHERE status = 'failed'")
            .await,
        1
    );
    assert!(
        admin
            .get("/admin/impor")
            .await
            .contains("tidak dapat dibaca")
    );
}

/// 250 rejected rows with 1,000-character names: 100 rows a page, names cut to 200 characters.
async fn the_preview_is_paged_and_long_text_is_cut(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let mut csv = String::from("Nama;NIK;Kejuruan;Tahun\n");
    let long = "Panjang".repeat(150);
    for i in 0..250 {
        csv.push_str(&format!("{long} {i};123;Tata Boga;2019\n"));
    }
    let path = uploaded(&admin, "panjang.csv", csv.into_bytes()).await;
    let first = admin.get(&path).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.body.matches("class=\"row import-row\"").count(), 100);
    assert!(!first.contains(&long), "a long name is cut");
    assert!(first.contains(&format!("{}…", &long[..200])));
    assert!(first.contains("?halaman=2"));
    let last = admin.get(&format!("{path}?halaman=3")).await;
    assert_eq!(last.body.matches("class=\"row import-row\"").count(), 50);
    assert!(!last.contains("?halaman=4"));
    assert!(last.contains("?halaman=2"));
    // A page number that is not one is the first page.
    let odd = admin.get(&format!("{path}?halaman=x")).await;
    assert_eq!(odd.status, StatusCode::OK);
    assert_eq!(odd.body.matches("class=\"row import-row\"").count(), 100);

    // 250 different new trades: 100 are asked, the rest counted.
    let mut csv = String::from("Nama;NIK;Kejuruan;Tahun\n");
    for i in 0..250 {
        csv.push_str(&format!("Orang {i};123;Kejuruan Baru {i};2019\n"));
    }
    let path = uploaded(&admin, "kejuruan.csv", csv.into_bytes()).await;
    let page = admin.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("Buat kejuruan baru").count(), 100);
    assert!(
        page.contains("300 pertanyaan atau pembuatan lain tidak ditampilkan"),
        "150 trades and 150 programs beyond the lists: {}",
        page.text_of("p.hint")
    );
}
