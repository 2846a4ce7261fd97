//! Government channel, the agency's side: offices with officers' NIPs, declared needs and budget
//! lines, kinds of work, procurement settings and the public rotation page, the head's view
//! checked against hand-computed numbers, rotation appeals, and an office's own page.

use reqwest::StatusCode;
use sqlx::Row;

use crate::both;
use crate::helpers::{Page, TestApp};

both!(
    offices_are_kept_and_a_bad_nip_stores_nothing,
    needs_and_budget_lines_per_fiscal_year,
    kinds_of_work_are_kept_by_the_admin,
    settings_save_whole_or_not_at_all_and_the_public_page_follows,
    head_view_numbers_match_hand_computed_rows,
    appeals_are_answered_once_and_audited,
    office_users_see_only_their_own_office_summary
);

async fn scalar(app: &TestApp, sql: &str, bind: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(bind)
        .fetch_one(app.db.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn text(app: &TestApp, sql: &str, bind: i64) -> String {
    sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(bind)
        .fetch_one(app.db.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    scalar(
        app,
        "SELECT COUNT(*) FROM audit_log WHERE action = $1",
        action,
    )
    .await
}

async fn last_audit_summary(app: &TestApp, action: &str) -> String {
    sqlx::query_scalar("SELECT summary FROM audit_log WHERE action = $1 ORDER BY seq DESC LIMIT 1")
        .bind(action)
        .fetch_one(app.db.pool())
        .await
        .expect("an audit entry")
}

fn assert_status(page: &Page, status: StatusCode) {
    assert_eq!(page.status, status, "body: {}", page.body);
}

async fn first_kecamatan(app: &TestApp) -> String {
    sqlx::query_scalar(
        "SELECT code FROM regions WHERE level = 'kecamatan' AND code LIKE '15.07.%' ORDER BY code LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("a kecamatan")
}

const HEAD_NIP: &str = "19800101 200501 1 001";

async fn offices_are_kept_and_a_bad_nip_stores_nothing(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let list = admin.get("/admin/opd").await;
    assert_status(&list, StatusCode::OK);
    assert!(list.contains("Sekretariat Daerah"));
    let kec = first_kecamatan(&app).await;
    let creates = audit_count(&app, "office.create").await;

    // A NIP of 4 digits: the form comes back with the message and everything typed.
    let bad = [
        ("name", "Dinas Uji Coba"),
        ("code", "dinas-uji"),
        ("kind", "dinas"),
        ("address", "Jl. Percobaan 1"),
        ("kecamatan", kec.as_str()),
        ("head_name", "Budi Santoso"),
        ("head_nip", "1980"),
        ("ppk_name", "Sari Dewi"),
        ("ppk_nip", "198507142010122002"),
    ];
    let page = admin.post("/admin/opd/baru", &bad).await;
    assert_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("NIP harus 18 digit."));
    assert_eq!(page.input_value("head_nip").as_deref(), Some("1980"));
    assert_eq!(page.input_value("name").as_deref(), Some("Dinas Uji Coba"));
    assert_eq!(page.input_value("code").as_deref(), Some("dinas-uji"));
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM offices WHERE code = $1",
            "DINAS-UJI"
        )
        .await,
        0
    );
    assert_eq!(audit_count(&app, "office.create").await, creates);

    // A NIP whose birth date is 31 February, and a NIP without a name.
    let mut fields = bad.to_vec();
    fields[6] = ("head_nip", "198002312005011001");
    fields.push(("treasurer_nip", "199001012015012003"));
    let page = admin.post("/admin/opd/baru", &fields).await;
    assert_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("tanggal lahir"), "{}", page.body);
    assert!(page.contains("Isi nama pemilik NIP ini."));
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM offices WHERE code = $1",
            "DINAS-UJI"
        )
        .await,
        0
    );

    // Valid: stored with the NIP's digits, audited.
    fields[6] = ("head_nip", HEAD_NIP);
    fields.pop();
    let page = admin.post("/admin/opd/baru", &fields).await;
    page.assert_redirect_to("/admin/opd?pesan=dibuat");
    let id = scalar(&app, "SELECT id FROM offices WHERE code = $1", "DINAS-UJI").await;
    assert_eq!(
        text(&app, "SELECT head_nip FROM offices WHERE id = $1", id).await,
        "198001012005011001"
    );
    assert_eq!(
        text(&app, "SELECT kecamatan_code FROM offices WHERE id = $1", id).await,
        kec
    );
    assert_eq!(audit_count(&app, "office.create").await, creates + 1);
    assert!(
        last_audit_summary(&app, "office.create")
            .await
            .contains("DINAS-UJI")
    );

    // The edit form shows the NIP grouped; a bad PPK NIP changes nothing.
    let form = admin.get(&format!("/admin/opd/{id}/ubah")).await;
    assert_status(&form, StatusCode::OK);
    assert_eq!(form.input_value("head_nip").as_deref(), Some(HEAD_NIP));
    let updates = audit_count(&app, "office.update").await;
    let mut edit = fields.clone();
    edit[0] = ("name", "Dinas Uji Coba Baru");
    edit[8] = ("ppk_nip", "19850714201012200X");
    let page = admin.post(&format!("/admin/opd/{id}/ubah"), &edit).await;
    assert_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("NIP hanya boleh berisi angka."));
    assert_eq!(
        page.input_value("name").as_deref(),
        Some("Dinas Uji Coba Baru")
    );
    assert_eq!(
        text(&app, "SELECT name FROM offices WHERE id = $1", id).await,
        "Dinas Uji Coba"
    );
    assert_eq!(audit_count(&app, "office.update").await, updates);

    // Another office's code is refused.
    let mut taken = edit.clone();
    taken[1] = ("code", "SETDA");
    taken[8] = ("ppk_nip", "198507142010122002");
    let page = admin.post(&format!("/admin/opd/{id}/ubah"), &taken).await;
    assert_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Kode ini sudah dipakai OPD lain."));

    // Valid edit: stored and audited with before and after.
    edit[8] = ("ppk_nip", "198507142010122002");
    let page = admin.post(&format!("/admin/opd/{id}/ubah"), &edit).await;
    page.assert_redirect_to("/admin/opd?pesan=disimpan");
    assert_eq!(
        text(&app, "SELECT name FROM offices WHERE id = $1", id).await,
        "Dinas Uji Coba Baru"
    );
    assert_eq!(audit_count(&app, "office.update").await, updates + 1);
    let summary = last_audit_summary(&app, "office.update").await;
    assert!(summary.contains("\"before\"") && summary.contains("Dinas Uji Coba Baru"));

    // The office's own page prints the NIPs grouped.
    let page = admin.get(&format!("/opd/{id}")).await;
    assert_status(&page, StatusCode::OK);
    assert!(page.contains("NIP 19800101 200501 1 001"));
    assert!(page.contains("NIP 19850714 201012 2 002"));
    assert_eq!(
        admin.get("/admin/opd/999999/ubah").await.status,
        StatusCode::NOT_FOUND
    );
}

/// A kind of work for the test, stored directly; returns its id.
async fn insert_category(app: &TestApp, name: &str, unit: &str) -> i64 {
    let trade: i64 = sqlx::query_scalar("SELECT id FROM trades ORDER BY id LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .expect("a trade");
    sqlx::query_scalar(
        "INSERT INTO procurement_categories (trade_id, name, unit, tax_kind) VALUES ($1, $2, $3, 'services') RETURNING id",
    )
    .bind(trade)
    .bind(name)
    .bind(unit)
    .fetch_one(app.db.pool())
    .await
    .expect("category")
}

async fn needs_and_budget_lines_per_fiscal_year(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let office = app
        .scalar("SELECT office_id FROM users WHERE username = 'opd'")
        .await;
    let cat = insert_category(&app, "Konsumsi rapat uji", "kotak").await;
    let qty = format!("qty_{cat}");
    let note = format!("note_{cat}");
    let base = format!("/admin/opd/{office}");

    let audits_before = {
        let mut v = Vec::new();
        for action in [
            "office.needs",
            "budget_line.create",
            "budget_line.update",
            "budget_line.delete",
        ] {
            v.push(audit_count(&app, action).await);
        }
        v
    };
    let page = admin.get(&format!("{base}/anggaran?tahun=2031")).await;
    assert_status(&page, StatusCode::OK);
    assert!(page.contains("Konsumsi rapat uji"));
    assert!(page.contains("Kebutuhan &amp; anggaran 2031"));

    let page = admin
        .post(
            &format!("{base}/kebutuhan"),
            &[("tahun", "2031"), (&qty, "2.000"), (&note, "rapat bulanan")],
        )
        .await;
    page.assert_redirect_to(&format!(
        "{base}/anggaran?tahun=2031&pesan=kebutuhan-disimpan"
    ));
    let stored = |app: &TestApp| {
        let app_db = app.db.clone();
        async move {
            sqlx::query(
                "SELECT quantity, note FROM office_needs WHERE office_id = $1 AND year = 2031 AND category_id = $2",
            )
            .bind(office)
            .bind(cat)
            .fetch_optional(app_db.pool())
            .await
            .expect("needs")
            .map(|r| (r.get::<i64, _>(0), r.get::<String, _>(1)))
        }
    };
    assert_eq!(stored(&app).await, Some((2000, "rapat bulanan".to_owned())));
    assert_eq!(
        audit_count(&app, "office.needs").await,
        audits_before[0] + 1
    );

    // A quantity in words: refused with the typed text, the stored need unchanged.
    let page = admin
        .post(
            &format!("{base}/kebutuhan"),
            &[("tahun", "2031"), (&qty, "dua ribu"), (&note, "diubah")],
        )
        .await;
    assert_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Jumlah hanya boleh berisi angka."));
    assert_eq!(page.input_value(&qty).as_deref(), Some("dua ribu"));
    assert_eq!(page.input_value(&note).as_deref(), Some("diubah"));
    assert_eq!(stored(&app).await, Some((2000, "rapat bulanan".to_owned())));
    assert_eq!(
        audit_count(&app, "office.needs").await,
        audits_before[0] + 1
    );
    // Another year is separate.
    assert!(
        admin
            .get(&format!("{base}/anggaran?tahun=2030"))
            .await
            .input_value(&qty)
            .unwrap_or_default()
            .is_empty()
    );

    // Budget lines.
    let line = [
        ("tahun", "2031"),
        ("account_code", "5.1.02.01.01.0052"),
        ("line_name", "Belanja Makanan dan Minuman Rapat"),
        ("ceiling", "25.000.000"),
    ];
    let page = admin.post(&format!("{base}/rekening"), &line).await;
    page.assert_redirect_to(&format!(
        "{base}/anggaran?tahun=2031&pesan=rekening-ditambah"
    ));
    let lines = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            sqlx::query(
                "SELECT id, account_code, ceiling FROM office_budget_lines WHERE office_id = $1 AND year = 2031",
            )
            .bind(office)
            .fetch_all(db.pool())
            .await
            .expect("lines")
            .iter()
            .map(|r| (r.get::<i64, _>(0), r.get::<String, _>(1), r.get::<i64, _>(2)))
            .collect::<Vec<_>>()
        }
    };
    let stored_lines = lines(&app).await;
    assert_eq!(stored_lines.len(), 1);
    assert_eq!(stored_lines[0].1, "5.1.02.01.01.0052");
    assert_eq!(stored_lines[0].2, 25_000_000);
    let line_id = stored_lines[0].0;

    // The same code again, a bad ceiling, a bad code: refused, nothing stored.
    let page = admin.post(&format!("{base}/rekening"), &line).await;
    assert_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Kode rekening ini sudah dicatat"));
    let mut bad = line;
    bad[1] = ("account_code", "5.1.02/01");
    bad[3] = ("ceiling", "25 juta");
    let page = admin.post(&format!("{base}/rekening"), &bad).await;
    assert_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Kode rekening berupa angka yang dipisah titik"));
    assert!(page.contains("Jumlah hanya boleh berisi angka."));
    assert_eq!(page.input_value("ceiling").as_deref(), Some("25 juta"));
    assert_eq!(lines(&app).await.len(), 1);

    let page = admin.get(&format!("{base}/anggaran?tahun=2031")).await;
    assert!(page.contains("Rp25.000.000"));

    // Edit, then delete.
    let edit_path = format!("{base}/rekening/{line_id}/ubah");
    assert_eq!(
        admin
            .get(&edit_path)
            .await
            .input_value("ceiling")
            .as_deref(),
        Some("25.000.000")
    );
    let page = admin
        .post(
            &edit_path,
            &[
                ("account_code", "5.1.02.01.01.0052"),
                ("line_name", "Belanja Makanan dan Minuman Rapat"),
                ("ceiling", "30.000.000"),
            ],
        )
        .await;
    page.assert_redirect_to(&format!(
        "{base}/anggaran?tahun=2031&pesan=rekening-disimpan"
    ));
    assert_eq!(lines(&app).await[0].2, 30_000_000);
    assert!(
        last_audit_summary(&app, "budget_line.update")
            .await
            .contains("25000000")
    );
    // Another office's line is not reachable under this office.
    let other = app
        .scalar("SELECT office_id FROM users WHERE username = 'opd.dinkes'")
        .await;
    assert_eq!(
        admin
            .get(&format!("/admin/opd/{other}/rekening/{line_id}/ubah"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let page = admin
        .post(&format!("{base}/rekening/{line_id}/hapus"), &[])
        .await;
    page.assert_redirect_to(&format!(
        "{base}/anggaran?tahun=2031&pesan=rekening-dihapus"
    ));
    assert!(lines(&app).await.is_empty());
    for (i, action) in [
        "budget_line.create",
        "budget_line.update",
        "budget_line.delete",
    ]
    .into_iter()
    .enumerate()
    {
        assert_eq!(
            audit_count(&app, action).await,
            audits_before[i + 1] + 1,
            "{action}"
        );
    }

    // Clearing the need.
    let page = admin
        .post(
            &format!("{base}/kebutuhan"),
            &[("tahun", "2031"), (&qty, ""), (&note, "")],
        )
        .await;
    page.assert_redirect_to(&format!("{base}/anggaran?tahun=2031"));
    assert_eq!(stored(&app).await, None);
}

async fn kinds_of_work_are_kept_by_the_admin(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let trade: i64 = sqlx::query_scalar("SELECT id FROM trades ORDER BY id LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .expect("a trade");
    let trade = trade.to_string();
    let before = app
        .scalar("SELECT COUNT(*) FROM procurement_categories")
        .await;
    let creates = audit_count(&app, "procurement_category.create").await;
    let updates = audit_count(&app, "procurement_category.update").await;
    let page = admin
        .post(
            "/admin/pengadaan/jenis/baru",
            &[
                ("name", "Servis AC uji"),
                ("unit", "unit"),
                ("tax_kind", "services"),
                ("active", "1"),
            ],
        )
        .await;
    assert_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Pilih kejuruan."));
    assert_eq!(page.input_value("name").as_deref(), Some("Servis AC uji"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM procurement_categories")
            .await,
        before
    );
    let page = admin
        .post(
            "/admin/pengadaan/jenis/baru",
            &[
                ("name", "Servis AC uji"),
                ("trade_id", &trade),
                ("unit", "unit"),
                ("tax_kind", "services"),
                ("active", "1"),
            ],
        )
        .await;
    page.assert_redirect_to("/admin/pengadaan/jenis?pesan=dibuat");
    let id = scalar(
        &app,
        "SELECT id FROM procurement_categories WHERE name = $1",
        "Servis AC uji",
    )
    .await;
    // Same name again: refused.
    let page = admin
        .post(
            "/admin/pengadaan/jenis/baru",
            &[
                ("name", "Servis AC uji"),
                ("trade_id", &trade),
                ("unit", "unit"),
                ("tax_kind", "goods"),
            ],
        )
        .await;
    assert_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Jenis pekerjaan dengan nama ini sudah ada."));
    // Edit: goods, inactive.
    let page = admin
        .post(
            &format!("/admin/pengadaan/jenis/{id}/ubah"),
            &[
                ("name", "Servis AC uji"),
                ("trade_id", &trade),
                ("unit", "unit"),
                ("tax_kind", "goods"),
            ],
        )
        .await;
    page.assert_redirect_to("/admin/pengadaan/jenis?pesan=disimpan");
    let row = sqlx::query("SELECT tax_kind, active FROM procurement_categories WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("category");
    assert_eq!(row.get::<String, _>(0), "goods");
    assert_eq!(row.get::<i64, _>(1), 0);
    assert_eq!(
        audit_count(&app, "procurement_category.create").await,
        creates + 1
    );
    assert_eq!(
        audit_count(&app, "procurement_category.update").await,
        updates + 1
    );
    let list = admin.get("/admin/pengadaan/jenis").await;
    assert!(list.contains("Servis AC uji") && list.contains("Tidak aktif"));
}

async fn stored_setting(app: &TestApp, key: &str) -> Option<String> {
    sqlx::query_scalar("SELECT value FROM procurement_settings WHERE key = $1")
        .bind(key)
        .fetch_optional(app.db.pool())
        .await
        .expect("settings")
}

async fn settings_save_whole_or_not_at_all_and_the_public_page_follows(app: TestApp) {
    use karya::domain::procurement::documents::DocumentRules;
    use karya::domain::procurement::rotation::RotationSettings;
    use karya::domain::procurement::tax::TaxRules;

    let admin = app.signed_in("admin").await;
    let page = admin.get("/admin/pengadaan/pengaturan").await;
    assert_status(&page, StatusCode::OK);
    for f in RotationSettings::FIELDS
        .iter()
        .chain(TaxRules::FIELDS)
        .chain(DocumentRules::FIELDS)
    {
        assert!(
            page.contains(&format!("name=\"{}\"", f.key)),
            "the form has {}",
            f.key
        );
        assert!(page.contains(f.label), "label of {}", f.key);
    }
    let default_wait = RotationSettings::default().weight_wait_day;
    assert_eq!(
        page.input_value("rotation.weight_wait_day"),
        Some(default_wait.to_string())
    );

    // The public page shows the weight in force.
    let public = app.visitor().get("/pengadaan/cara-kerja").await;
    assert_status(&public, StatusCode::OK);
    assert!(public.contains(&format!("<span class=\"w\">+{default_wait}</span>")));

    // Change two weights and a threshold: saved, audited with before and after.
    let page = admin
        .post(
            "/admin/pengadaan/pengaturan",
            &[
                ("rotation.weight_wait_day", "7"),
                ("rotation.weight_same_kecamatan", "25"),
                ("docs.late_payment_days", "21"),
            ],
        )
        .await;
    page.assert_redirect_to("/admin/pengadaan/pengaturan?pesan=disimpan");
    assert_eq!(
        stored_setting(&app, "rotation.weight_wait_day")
            .await
            .as_deref(),
        Some("7")
    );
    assert_eq!(
        stored_setting(&app, "docs.late_payment_days")
            .await
            .as_deref(),
        Some("21")
    );
    let summary = last_audit_summary(&app, "procurement_settings.update").await;
    assert!(summary.contains("rotation.weight_wait_day"), "{summary}");
    assert!(
        summary.contains(&format!("\"{default_wait}\"")),
        "{summary}"
    );
    assert!(
        !summary.contains("tax.ppn_rate_bp"),
        "unchanged keys are not listed: {summary}"
    );
    let public = app.visitor().get("/pengadaan/cara-kerja").await;
    assert!(public.contains("<span class=\"w\">+7</span>"));
    assert!(public.contains("<span class=\"w\">+25</span>"));
    assert!(public.contains("<strong>21 hari</strong>"));

    // A bad value anywhere: nothing stored, every message shown, typed values kept.
    let audits = audit_count(&app, "procurement_settings.update").await;
    let page = admin
        .post(
            "/admin/pengadaan/pengaturan",
            &[
                ("rotation.weight_wait_day", "tujuh"),
                ("docs.late_payment_days", "30"),
                ("docs.kuitansi_max", "5.000.000"),
            ],
        )
        .await;
    assert_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Isi dengan bilangan bulat tanpa titik atau koma."));
    assert!(page.contains("Batas kuitansi harus lebih besar dari batas bukti pembelian"));
    assert_eq!(
        page.input_value("rotation.weight_wait_day").as_deref(),
        Some("tujuh")
    );
    assert_eq!(
        page.input_value("docs.late_payment_days").as_deref(),
        Some("30")
    );
    assert_eq!(
        stored_setting(&app, "rotation.weight_wait_day")
            .await
            .as_deref(),
        Some("7")
    );
    assert_eq!(
        stored_setting(&app, "docs.late_payment_days")
            .await
            .as_deref(),
        Some("21")
    );
    assert_eq!(
        audit_count(&app, "procurement_settings.update").await,
        audits
    );
    let settings = karya::db::gov_settings::current(&app.db)
        .await
        .expect("settings");
    assert_eq!(settings.rotation.weight_wait_day, 7);
    assert_eq!(settings.documents.late_payment_days, 21);
}

// ---------------------------------------------------------------------------------------------
// The head's view against rows inserted by hand.

const YEAR: i64 = 2019;

/// Unix seconds of 10.00 WIB on an ISO date.
fn wib_ten(date: &str) -> i64 {
    let d = time::Date::parse(
        date,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .expect("date");
    d.with_hms(3, 0, 0)
        .expect("time")
        .assume_utc()
        .unix_timestamp()
}

struct Fixture {
    office: i64,
    category: i64,
    admin_user: i64,
    kecamatan: String,
}

/// One request walked through the state machine to `path`'s last state.
#[allow(clippy::too_many_arguments)]
async fn request(
    app: &TestApp,
    f: &Fixture,
    title: &str,
    business: Option<i64>,
    path: &[&str],
    quoted: Option<i64>,
    chosen_rank: Option<i64>,
    bast_on: Option<&str>,
    items: &[i64],
) -> i64 {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO office_requests (office_id, category_id, fiscal_year, title, place, kecamatan_code, \
           date_from, date_until, state, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'Kantor', $5, '2019-02-01', '2019-02-02', 'open', $6, 0, 0) RETURNING id",
    )
    .bind(f.office)
    .bind(f.category)
    .bind(YEAR)
    .bind(title)
    .bind(&f.kecamatan)
    .bind(f.admin_user)
    .fetch_one(app.db.pool())
    .await
    .expect("request");
    for (i, q) in items.iter().enumerate() {
        sqlx::query(
            "INSERT INTO office_request_items (request_id, description, quantity, unit) VALUES ($1, $2, $3, 'unit')",
        )
        .bind(id)
        .bind(format!("rincian {i}"))
        .bind(*q)
        .execute(app.db.pool())
        .await
        .expect("item");
    }
    sqlx::query(
        "UPDATE office_requests SET business_id = $1, quoted_total = $2, chosen_rank = $3, \
           override_reason = CASE WHEN $3 > 1 THEN 'lebih dekat' ELSE '' END, bast_at = $4 WHERE id = $5",
    )
    .bind(business)
    .bind(quoted)
    .bind(chosen_rank)
    .bind(bast_on.map(wib_ten))
    .bind(id)
    .execute(app.db.pool())
    .await
    .expect("request facts");
    for state in path {
        sqlx::query("UPDATE office_requests SET state = $1 WHERE id = $2")
            .bind(*state)
            .bind(id)
            .execute(app.db.pool())
            .await
            .unwrap_or_else(|e| panic!("{title} to {state}: {e}"));
    }
    id
}

async fn payment(
    app: &TestApp,
    f: &Fixture,
    request: i64,
    paid_on: &str,
    gross: i64,
    voided: bool,
) {
    sqlx::query(
        "INSERT INTO office_payments (request_id, paid_on, method, gross, withheld, net, proof_number, \
           recorded_by, recorded_at, voided_at, void_reason) \
         VALUES ($1, $2, 'transfer', $3, 0, $3, 'BKU-1', $4, 0, $5, $6)",
    )
    .bind(request)
    .bind(paid_on)
    .bind(gross)
    .bind(f.admin_user)
    .bind(voided.then_some(1_i64))
    .bind(if voided { "salah nominal" } else { "" })
    .execute(app.db.pool())
    .await
    .expect("payment");
}

async fn offer(app: &TestApp, request: i64, business: i64, rank: i64, state: &str) {
    sqlx::query(
        "INSERT INTO office_offers (request_id, business_id, rank, state, offered_at, expires_at) \
         VALUES ($1, $2, $3, $4, 0, 1)",
    )
    .bind(request)
    .bind(business)
    .bind(rank)
    .bind(state)
    .execute(app.db.pool())
    .await
    .expect("offer");
}

/// Visible text of each cell of the table row (in `table_selector`) whose first cell names `name`.
fn row_cells(page: &Page, table_selector: &str, name: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(&page.body);
    let rows = scraper::Selector::parse(&format!("{table_selector} tr")).expect("selector");
    let cells = scraper::Selector::parse("th, td").expect("selector");
    for row in doc.select(&rows) {
        let texts: Vec<String> = row
            .select(&cells)
            .map(|c| {
                c.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        if texts.first().is_some_and(|t| t == name) {
            return texts;
        }
    }
    panic!("no row {name} in {table_selector}");
}

async fn head_view_numbers_match_hand_computed_rows(app: TestApp) {
    const PATH_COMPLETED: &[&str] = &[
        "offered",
        "quoted",
        "ordered",
        "done",
        "accepted",
        "paid",
        "completed",
    ];
    const PATH_PAID: &[&str] = &["offered", "quoted", "ordered", "done", "accepted", "paid"];
    const PATH_ACCEPTED: &[&str] = &["offered", "quoted", "ordered", "done", "accepted"];
    const PATH_ORDERED: &[&str] = &["offered", "quoted", "ordered"];
    const PATH_QUOTED: &[&str] = &["offered", "quoted"];
    const PATH_CANCELLED: &[&str] = &["cancelled"];

    let mut tx = app.db.begin().await.expect("tx");
    let kecamatan = {
        let row = sqlx::query("SELECT code FROM regions WHERE level = 'kecamatan' AND code LIKE '15.07.%' ORDER BY code LIMIT 1")
            .fetch_one(&mut *tx)
            .await
            .expect("kecamatan");
        row.get::<String, _>(0)
    };
    let office = karya::db::directory::create_office(
        &mut tx,
        &karya::db::directory::Office {
            code: "UJI-KINERJA".into(),
            name: "Kantor Uji Kinerja".into(),
            kind: "dinas".into(),
            ..Default::default()
        },
    )
    .await
    .expect("office");
    karya::db::commit(tx).await.expect("commit");
    let f = Fixture {
        office,
        category: insert_category(&app, "Servis AC kinerja", "unit").await,
        admin_user: app
            .scalar("SELECT id FROM users WHERE username = 'admin'")
            .await,
        kecamatan,
    };
    // Two businesses in two different kecamatan, with their kecamatan names.
    let businesses = sqlx::query(
        "SELECT b.id, r.name FROM businesses b JOIN regions r ON r.code = b.kecamatan_code ORDER BY b.id",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("businesses");
    let (b1, k1) = (
        businesses[0].get::<i64, _>(0),
        businesses[0].get::<String, _>(1),
    );
    let (b2, k2) = businesses
        .iter()
        .map(|r| (r.get::<i64, _>(0), r.get::<String, _>(1)))
        .find(|(_, k)| *k != k1)
        .expect("a business in another kecamatan");
    let names: Vec<String> = {
        let mut v = Vec::new();
        for b in [b1, b2] {
            v.push(text(&app, "SELECT name FROM businesses WHERE id = $1", b).await);
        }
        v
    };

    // Budget: two lines, Rp15.000.000; declared need: 40 units.
    for (code, ceiling) in [
        ("5.1.02.03.02.0121", 10_000_000_i64),
        ("5.1.02.03.02.0122", 5_000_000),
    ] {
        sqlx::query(
            "INSERT INTO office_budget_lines (office_id, year, account_code, name, ceiling) VALUES ($1, $2, $3, 'Pemeliharaan', $4)",
        )
        .bind(office)
        .bind(YEAR)
        .bind(code)
        .bind(ceiling)
        .execute(app.db.pool())
        .await
        .expect("budget line");
    }
    sqlx::query(
        "INSERT INTO office_needs (office_id, year, category_id, quantity) VALUES ($1, $2, $3, 40)",
    )
    .bind(office)
    .bind(YEAR)
    .bind(f.category)
    .execute(app.db.pool())
    .await
    .expect("need");

    // R1 completed: Rp3.000.000, 12 units, first proposal taken, BAST 1 March, paid 11 March
    // (10 days; an earlier payment record voided).
    let r1 = request(
        &app,
        &f,
        "R1",
        Some(b1),
        PATH_COMPLETED,
        Some(3_000_000),
        Some(1),
        Some("2019-03-01"),
        &[12],
    )
    .await;
    payment(&app, &f, r1, "2019-03-05", 7_777_777, true).await;
    payment(&app, &f, r1, "2019-03-11", 3_000_000, false).await;
    // R2 paid: Rp2.500.000, 8 + 2 units, second proposal, BAST 1 April, paid 21 April (20 days, late).
    let r2 = request(
        &app,
        &f,
        "R2",
        Some(b2),
        PATH_PAID,
        Some(2_500_000),
        Some(2),
        Some("2019-04-01"),
        &[8, 2],
    )
    .await;
    payment(&app, &f, r2, "2019-04-21", 2_500_000, false).await;
    // R3 accepted, unpaid since BAST 1 May 2019 (late), third proposal: Rp1.000.000, 5 units.
    let r3 = request(
        &app,
        &f,
        "R3",
        Some(b1),
        PATH_ACCEPTED,
        Some(1_000_000),
        Some(3),
        Some("2019-05-01"),
        &[5],
    )
    .await;
    // R4 ordered, assigned by Karya (no choice): Rp4.000.000, 3 units.
    let r4 = request(
        &app,
        &f,
        "R4",
        Some(b2),
        PATH_ORDERED,
        Some(4_000_000),
        None,
        None,
        &[3],
    )
    .await;
    // R5 cancelled; R6 quoted but not ordered (its quote is not value given).
    request(&app, &f, "R5", None, PATH_CANCELLED, None, None, None, &[1]).await;
    let r6 = request(
        &app,
        &f,
        "R6",
        Some(b1),
        PATH_QUOTED,
        Some(9_999_999),
        None,
        None,
        &[7],
    )
    .await;
    // Offers: b2 declined twice of 4, b1 let one expire of 4.
    offer(&app, r1, b2, 1, "declined").await;
    offer(&app, r1, b1, 2, "won").await;
    offer(&app, r2, b2, 1, "won").await;
    offer(&app, r3, b1, 1, "won").await;
    offer(&app, r4, b1, 1, "expired").await;
    offer(&app, r4, b2, 2, "won").await;
    offer(&app, r6, b2, 1, "declined").await;
    offer(&app, r6, b1, 2, "quoted").await;

    // Hand-computed:
    // requests 6; completed R1, R2 = 2; value given R1+R2+R3+R4 = 10.500.000 (4 orders);
    // paid 3.000.000 + 2.500.000 = 5.500.000; budget 15.000.000 -> 70,0%;
    // need served 12 + 10 = 22 of 40 = 55%; days to pay (10 + 20) / 2 = 15,0;
    // late R2 (20 > 14) and R3 (unpaid) = 2; chosen R1..R3 = 3, overrides R2, R3 = 2 -> 67%.
    let today = karya::domain::dates::today_wib();
    let r3_days = (today - time::macros::date!(2019 - 05 - 01)).whole_days();
    let report = karya::db::gov_stats::year_report(&app.db, YEAR, Some(office), 14, today)
        .await
        .expect("report");
    let o = &report.offices[0];
    assert_eq!(
        (
            o.requests,
            o.completed,
            o.contracted_count,
            o.contracted,
            o.paid,
            o.budget
        ),
        (6, 2, 4, 10_500_000, 5_500_000, 15_000_000)
    );
    assert_eq!(o.budget_share_permille(), Some(700));
    assert_eq!(o.needs.len(), 1);
    assert_eq!(
        (o.needs[0].need, o.needs[0].served, o.needs[0].percent()),
        (40, 22, 55)
    );
    assert_eq!((o.paid_after_bast, o.days_to_pay_total), (2, 30));
    assert_eq!(o.average_days_tenths(), Some(150));
    assert_eq!(o.late, 2);
    assert_eq!(
        (o.chosen, o.overrides, o.override_percent()),
        (3, 2, Some(67))
    );
    let late: Vec<(i64, i64, i64)> = report
        .late
        .iter()
        .map(|l| (l.request_id, l.days, l.days_late))
        .collect();
    assert_eq!(late, vec![(r3, r3_days, r3_days - 14), (r2, 20, 6)]);

    // The page says the same.
    let admin = app.signed_in("admin").await;
    let page = admin
        .get(&format!("/admin/pengadaan/kinerja?tahun={YEAR}"))
        .await;
    assert_status(&page, StatusCode::OK);
    let cells = row_cells(&page, "table.stats-table tbody", "Kantor Uji Kinerja");
    assert_eq!(
        cells[1..],
        [
            "6",
            "2",
            "Rp10.500.000",
            "Rp5.500.000",
            "15,0 hari",
            "2",
            "2 (67%)"
        ]
    );
    let ranking = page.text_of(".ranking .rank-row");
    assert!(
        ranking.contains("Kantor Uji Kinerja") && ranking.contains("70,0%"),
        "{ranking}"
    );
    assert!(
        ranking.contains("Rp10.500.000 dari pagu Rp15.000.000"),
        "{ranking}"
    );
    // The only office with value in 2019 ranks first (the demo offices have no 2019 budget).
    assert!(
        page.text_of(".ranking .rank-row:first-child")
            .contains("Kantor Uji Kinerja")
    );
    let need = row_cells(&page, "#kebutuhan table tbody", "Kantor Uji Kinerja");
    assert_eq!(need[1..], ["55% 22 / 40"]);
    assert!(
        page.text_of("#kebutuhan thead")
            .contains("Servis AC kinerja")
    );
    // Per kecamatan of the provider and per trade (2019 holds only these rows).
    assert_eq!(
        row_cells(&page, "#kecamatan table", &k1)[1..],
        ["2", "1", "Rp4.000.000"]
    );
    assert_eq!(
        row_cells(&page, "#kecamatan table", &k2)[1..],
        ["2", "1", "Rp6.500.000"]
    );
    let trade: String = sqlx::query_scalar(
        "SELECT t.name FROM trades t JOIN procurement_categories c ON c.trade_id = t.id WHERE c.id = $1",
    )
    .bind(f.category)
    .fetch_one(app.db.pool())
    .await
    .expect("trade");
    assert_eq!(
        row_cells(&page, "#kejuruan table", &trade)[1..],
        ["4", "2", "Rp10.500.000"]
    );
    // Late payments, the longest first.
    let late_rows = page.text_of("#terlambat tbody tr");
    let first_late = late_rows.find("R3").expect("R3 listed");
    let second_late = late_rows.find("R2").expect("R2 listed");
    assert!(first_late < second_late, "{late_rows}");
    assert!(late_rows.contains("belum dibayar"));
    assert!(late_rows.contains("6 hari"));
    assert!(!late_rows.contains("R1"));
    // Decliners: b2 declined 2 of 4 (50%), b1 let 1 of 4 expire (25%).
    assert_eq!(
        row_cells(&page, "#menolak table", &names[1])[2..],
        ["4", "2", "0", "50%"]
    );
    assert_eq!(
        row_cells(&page, "#menolak table", &names[0])[2..],
        ["4", "0", "1", "25%"]
    );

    // The office's own page shows the same numbers.
    let own = admin.get(&format!("/opd/{office}?tahun={YEAR}")).await;
    assert_status(&own, StatusCode::OK);
    let stats = own.text_of(".stat .num");
    assert!(
        stats.starts_with("6 | 2 | Rp10.500.000 | 15,0 hari"),
        "{stats}"
    );
    assert!(own.contains("<strong>70,0%</strong>"));
    assert!(own.contains("2 dari 3 pilihan (67%)"));
    assert!(own.contains("href=\"/pengadaan\""));

    // A late-payment target of 25 days makes R2 on time.
    sqlx::query(
        "INSERT INTO procurement_settings (key, value) VALUES ('docs.late_payment_days', '25')",
    )
    .execute(app.db.pool())
    .await
    .expect("setting");
    let page = admin
        .get(&format!("/admin/pengadaan/kinerja?tahun={YEAR}"))
        .await;
    assert_eq!(
        row_cells(&page, "table.stats-table tbody", "Kantor Uji Kinerja")[6],
        "1"
    );
}

async fn appeals_are_answered_once_and_audited(app: TestApp) {
    let business: i64 = sqlx::query_scalar("SELECT id FROM businesses ORDER BY id LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .expect("a business");
    let appeal: i64 = sqlx::query_scalar(
        "INSERT INTO rotation_appeals (business_id, note, created_at) VALUES ($1, 'Ulasan buruk karena listrik padam di lokasi.', 1700000000) RETURNING id",
    )
    .bind(business)
    .fetch_one(app.db.pool())
    .await
    .expect("appeal");
    let answers = audit_count(&app, "rotation_appeal.answer").await;
    let admin = app.signed_in("admin").await;
    let page = admin.get("/admin/pengadaan/banding").await;
    assert_status(&page, StatusCode::OK);
    assert!(page.contains("Ulasan buruk karena listrik padam di lokasi."));
    assert!(page.contains(&format!(
        "action=\"/admin/pengadaan/banding/{appeal}/jawab\""
    )));

    let path = format!("/admin/pengadaan/banding/{appeal}/jawab");
    let page = admin.post(&path, &[("answer", "   ")]).await;
    assert_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Tulis jawaban untuk alumni."));
    assert_eq!(
        text(
            &app,
            "SELECT answer FROM rotation_appeals WHERE id = $1",
            appeal
        )
        .await,
        ""
    );

    let page = admin
        .post(
            &path,
            &[(
                "answer",
                "Kami tinjau; batas mutu tidak berlaku untuk ulasan itu.",
            )],
        )
        .await;
    page.assert_redirect_to("/admin/pengadaan/banding?pesan=dijawab");
    let row =
        sqlx::query("SELECT answer, answered_by, answered_at FROM rotation_appeals WHERE id = $1")
            .bind(appeal)
            .fetch_one(app.db.pool())
            .await
            .expect("appeal");
    assert_eq!(
        row.get::<String, _>(0),
        "Kami tinjau; batas mutu tidak berlaku untuk ulasan itu."
    );
    assert_eq!(
        row.get::<Option<i64>, _>(1),
        Some(
            app.scalar("SELECT id FROM users WHERE username = 'admin'")
                .await
        )
    );
    assert!(row.get::<Option<i64>, _>(2).is_some());
    assert_eq!(
        audit_count(&app, "rotation_appeal.answer").await,
        answers + 1
    );

    // A second answer changes nothing.
    let page = admin.post(&path, &[("answer", "Jawaban lain")]).await;
    page.assert_redirect_to("/admin/pengadaan/banding?pesan=sudah");
    assert_eq!(
        text(
            &app,
            "SELECT answer FROM rotation_appeals WHERE id = $1",
            appeal
        )
        .await,
        "Kami tinjau; batas mutu tidak berlaku untuk ulasan itu."
    );
    assert_eq!(
        audit_count(&app, "rotation_appeal.answer").await,
        answers + 1
    );
    assert_eq!(
        admin
            .post("/admin/pengadaan/banding/999999/jawab", &[("answer", "x")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn office_users_see_only_their_own_office_summary(app: TestApp) {
    let own = app
        .scalar("SELECT office_id FROM users WHERE username = 'opd'")
        .await;
    let other = app
        .scalar("SELECT office_id FROM users WHERE username = 'opd.dinkes'")
        .await;
    for user in ["opd", "bendahara"] {
        let v = app.signed_in(user).await;
        let page = v.get(&format!("/opd/{own}")).await;
        assert_status(&page, StatusCode::OK);
        assert!(page.contains("Tahun anggaran"));
        assert!(page.contains("href=\"/pengadaan\""));
        // No admin links for office users.
        assert!(!page.contains("/admin/opd/"));
        let page = v.get(&format!("/opd/{other}?tahun=2019")).await;
        assert_eq!(
            page.status,
            StatusCode::FORBIDDEN,
            "{user} opens another office"
        );
        assert!(!page.contains("Tahun anggaran"));
        // And none of the agency pages.
        assert_eq!(
            v.get("/admin/pengadaan/kinerja").await.status,
            StatusCode::FORBIDDEN
        );
    }
}
