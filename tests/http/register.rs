//! The register as the agency sees it: filtered alumni lists and the audited NIK reveal.

use reqwest::StatusCode;

use crate::both;
use crate::helpers::TestApp;

both!(
    alumni_list_filters_match_the_database,
    nik_is_masked_until_an_audited_reveal
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
