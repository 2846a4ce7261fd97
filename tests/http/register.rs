//! The register as the agency sees it: filtered alumni lists and the audited NIK reveal.

use reqwest::StatusCode;

use crate::both;
use crate::helpers::TestApp;

both!(
    alumni_list_filters_match_the_database,
    nik_is_masked_until_an_audited_reveal,
    exports_mask_nik_unless_asked_and_audited,
);

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
