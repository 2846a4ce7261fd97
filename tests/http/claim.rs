//! An alumnus claims their record: sign-up with a WhatsApp number, the claim by NIK and birth
//! date or by a one-time code, throttling, the codes the agency prints, and the alumnus's own
//! contact details.

use reqwest::StatusCode;

use crate::both;
use crate::helpers::{TestApp, Visitor};

both!(
    sign_up_names_each_wrong_field_and_stores_nothing,
    sign_up_signs_in_and_the_number_signs_in_later,
    a_number_signs_up_once,
    claim_by_nik_and_birth_date_links_the_record,
    wrong_birth_date_is_answered_like_an_unknown_nik,
    repeated_failed_claims_are_throttled_per_account,
    a_nik_guesser_with_many_accounts_is_throttled_per_address,
    a_claimed_record_cannot_be_claimed_again,
    claim_code_links_the_record_and_works_once,
    an_expired_code_is_refused,
    reissued_batch_codes_void_the_old_ones,
    profile_edit_changes_phone_but_not_name,
    profile_rejects_bad_input_and_stores_nothing,
    admin_cannot_link_two_accounts_to_one_record,
);

const PASSWORD: &str = "sandi-alumni-rahasia";

/// Signs a new visitor up and checks they land on `/klaim`.
async fn sign_up(app: &TestApp, name: &str, phone: &str) -> Visitor {
    let v = app.visitor();
    let page = v
        .post(
            "/daftar",
            &[
                ("display_name", name),
                ("phone", phone),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    page.assert_redirect_to("/klaim");
    v
}

/// An alumnus no account has claimed: (id, NIK in clear, birth date `YYYY-MM-DD`).
async fn unclaimed_alumnus(app: &TestApp, nth: i64) -> (i64, String, String) {
    let (id, sealed, born): (i64, String, String) = sqlx::query_as(
        "SELECT id, nik_enc, birth_date FROM alumni WHERE nik_enc IS NOT NULL AND birth_date IS NOT NULL \
         AND id NOT IN (SELECT alumnus_id FROM users WHERE alumnus_id IS NOT NULL) ORDER BY id LIMIT 1 OFFSET $1",
    )
    .bind(nth)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    (id, nik_of(app, &sealed), born)
}

fn nik_of(app: &TestApp, sealed: &str) -> String {
    let secrets = karya::secrets::Secrets::load_or_create(&app.settings.data_dir).unwrap();
    karya::secrets::personal::open(&secrets.data_key, sealed).expect("NIK decrypts")
}

/// `1998-05-12` → ("12", "5", "1998") as the form's three fields.
fn date_parts(iso: &str) -> (String, String, String) {
    let mut it = iso.split('-');
    let (y, m, d) = (it.next().unwrap(), it.next().unwrap(), it.next().unwrap());
    (
        d.trim_start_matches('0').to_owned(),
        m.trim_start_matches('0').to_owned(),
        y.to_owned(),
    )
}

async fn claim_by_nik(v: &Visitor, nik: &str, birth: &str) -> crate::helpers::Page {
    let (d, m, y) = date_parts(birth);
    v.post(
        "/klaim",
        &[
            ("cara", "nik"),
            ("nik", nik),
            ("day", &d),
            ("month", &m),
            ("year", &y),
        ],
    )
    .await
}

async fn claim_by_code(v: &Visitor, code: &str) -> crate::helpers::Page {
    v.post("/klaim", &[("cara", "kode"), ("code", code)]).await
}

async fn linked_to(app: &TestApp, username: &str) -> Option<i64> {
    sqlx::query_scalar("SELECT alumnus_id FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// The admin prints a code for one alumnus; returns it as shown (`ABCD-EFGH`).
async fn code_for(admin: &Visitor, alumnus: i64) -> String {
    let page = admin
        .post(&format!("/admin/alumni/{alumnus}/kode-klaim"), &[])
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let code = page.text_of(".slip-code");
    assert_eq!(code.len(), 9, "one code on the page: {code}");
    code
}

async fn sign_up_names_each_wrong_field_and_stores_nothing(app: TestApp) {
    let users = app.scalar("SELECT COUNT(*) FROM users").await;
    let v = app.visitor();
    let form = v.get("/daftar").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.contains("Daftar akun alumni"));

    let page = v
        .post(
            "/daftar",
            &[
                ("display_name", ""),
                ("phone", "0741-21234"),
                ("password", "pendek"),
                ("confirm", "pendek"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Nama lengkap wajib diisi."));
    assert!(page.contains("bukan nomor seluler Indonesia"));
    assert!(page.contains("Kata sandi minimal 10 karakter."));
    assert!(page.contains("Ada 3 isian yang perlu diperbaiki"));
    assert_eq!(page.input_value("phone").as_deref(), Some("0741-21234"));
    assert_eq!(
        page.input_value("password"),
        None,
        "passwords are not echoed"
    );

    let page = v
        .post(
            "/daftar",
            &[
                ("display_name", "Rina Marlina"),
                ("phone", "0812 7000 0001"),
                ("password", PASSWORD),
                ("confirm", "sandi-yang-lain-sekali"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Konfirmasi kata sandi tidak sama."));
    assert_eq!(
        page.input_value("display_name").as_deref(),
        Some("Rina Marlina")
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM users").await, users);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM sessions").await, 0);
    assert!(
        v.get("/klaim")
            .await
            .location
            .unwrap()
            .starts_with("/masuk"),
        "not signed in"
    );
}

async fn sign_up_signs_in_and_the_number_signs_in_later(app: TestApp) {
    let v = sign_up(&app, "  Rina   Marlina ", "0812-7000-0002").await;
    let (role, name, phone, alumnus): (String, String, Option<String>, Option<i64>) =
        sqlx::query_as(
            "SELECT role, display_name, phone, alumnus_id FROM users WHERE username = '6281270000002'",
        )
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(role, "alumni");
    assert_eq!(name, "Rina Marlina");
    assert_eq!(phone.as_deref(), Some("+6281270000002"));
    assert_eq!(alumnus, None, "no record linked yet");
    let created: String = sqlx::query_scalar(
        "SELECT actor_label FROM audit_log WHERE action = 'user.create' ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(created, "pendaftaran mandiri");

    let claim = v.get("/klaim").await;
    assert_eq!(claim.status, StatusCode::OK);
    assert!(claim.contains("Hubungkan data alumni"));
    // The dashboard points an unlinked alumnus to the claim.
    assert!(v.get("/dasbor").await.contains("href=\"/klaim\""));
    // Not yet linked: no profile to edit.
    v.get("/akun/profil").await.assert_redirect_to("/klaim");

    v.post("/keluar", &[]).await.assert_redirect_to("/masuk");
    // The number signs in however it is spelled.
    let again = app.visitor();
    again
        .login("+62 812 7000 0002", PASSWORD)
        .await
        .assert_redirect_to("/dasbor");
    app.visitor()
        .login("081270000002", PASSWORD)
        .await
        .assert_redirect_to("/dasbor");
    // Signed in, the sign-up page sends on.
    again.get("/daftar").await.assert_redirect_to("/dasbor");
}

async fn a_number_signs_up_once(app: TestApp) {
    sign_up(&app, "Rina Marlina", "081270000003").await;
    let users = app.scalar("SELECT COUNT(*) FROM users").await;
    let page = app
        .visitor()
        .post(
            "/daftar",
            &[
                ("display_name", "Orang Lain"),
                ("phone", "+62 812-7000-0003"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Nomor WhatsApp ini sudah terdaftar"));
    assert_eq!(
        page.input_value("display_name").as_deref(),
        Some("Orang Lain")
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM users").await, users);
}

async fn claim_by_nik_and_birth_date_links_the_record(app: TestApp) {
    let (id, nik, born) = unclaimed_alumnus(&app, 0).await;
    let v = sign_up(&app, "Alumni Uji", "081270000010").await;
    // NIK typed with spaces, as it is on the KTP.
    let spaced = format!(
        "{} {} {} {}",
        &nik[..4],
        &nik[4..8],
        &nik[8..12],
        &nik[12..]
    );
    claim_by_nik(&v, &spaced, &born)
        .await
        .assert_redirect_to("/dasbor");
    assert_eq!(linked_to(&app, "6281270000010").await, Some(id));

    let summary: String = sqlx::query_scalar(
        "SELECT summary FROM audit_log WHERE action = 'alumni.claimed' AND entity_id = $1",
    )
    .bind(id.to_string())
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(json["before"]["alumnus_id"], serde_json::Value::Null);
    assert_eq!(json["after"]["alumnus_id"], id);
    assert!(!summary.contains(&nik), "the NIK is not in the audit trail");

    // The dashboard shows the training history from the register.
    let dash = v.get("/dasbor").await;
    assert!(dash.contains("Riwayat pelatihan"));
    let program: String = sqlx::query_scalar(
        "SELECT p.name FROM participations pa JOIN batches b ON b.id = pa.batch_id \
         JOIN programs p ON p.id = b.program_id WHERE pa.alumnus_id = $1 ORDER BY b.year LIMIT 1",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(dash.text_of("table").contains(&program), "{program}");
    // Claimed: the claim page sends on.
    v.get("/klaim").await.assert_redirect_to("/dasbor");
    claim_by_nik(&v, &nik, &born)
        .await
        .assert_redirect_to("/dasbor");
}

async fn wrong_birth_date_is_answered_like_an_unknown_nik(app: TestApp) {
    let (id, nik, born) = unclaimed_alumnus(&app, 0).await;
    let linked_before = app
        .scalar("SELECT COUNT(*) FROM users WHERE alumnus_id IS NOT NULL")
        .await;
    let v = sign_up(&app, "Alumni Uji", "081270000011").await;
    let (y, rest) = born.split_at(4);
    let wrong_year = format!("{}{rest}", y.parse::<i32>().unwrap() - 1);
    let wrong = claim_by_nik(&v, &nik, &wrong_year).await;
    // A well-formed NIK that is in no record.
    let unknown_nik = format!("{}9999", &nik[..12]);
    let unknown = claim_by_nik(&v, &unknown_nik, &born).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.status, wrong.status);
    assert!(wrong.contains("tidak cocok dengan data alumni kami"));
    assert_eq!(
        wrong.text_of("p.alert"),
        unknown.text_of("p.alert"),
        "the same answer whether or not the NIK exists"
    );
    assert_eq!(linked_to(&app, "6281270000011").await, None);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE alumnus_id IS NOT NULL")
            .await,
        linked_before,
        "no account was linked (the demo's alumni accounts only)"
    );
    assert_eq!(audit_count(&app, "alumni.claim_failed").await, 2);
    let summaries: Vec<String> =
        sqlx::query_scalar("SELECT summary FROM audit_log WHERE action = 'alumni.claim_failed'")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    for s in &summaries {
        assert!(s.contains("no_match"), "{s}");
        assert!(!s.contains(&nik[..12]), "no NIK in the trail: {s}");
    }
    // A badly typed form is no attempt.
    let page = v
        .post(
            "/klaim",
            &[
                ("cara", "nik"),
                ("nik", "1234"),
                ("day", "31"),
                ("month", "2"),
                ("year", "1998"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("NIK harus 16 digit."));
    assert!(page.contains("Tanggal lahir tidak ada di kalender."));
    assert_eq!(page.input_value("nik").as_deref(), Some("1234"));
    assert_eq!(audit_count(&app, "alumni.claim_failed").await, 2);
    let _ = id;
}

async fn repeated_failed_claims_are_throttled_per_account(app: TestApp) {
    let (id, nik, born) = unclaimed_alumnus(&app, 0).await;
    let v = sign_up(&app, "Alumni Uji", "081270000012").await;
    for _ in 0..5 {
        let page = claim_by_code(&v, "AAAA-BBBB").await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("Kode klaim tidak dikenal."));
    }
    // The sixth attempt waits, even with the right NIK and birth date.
    let page = claim_by_nik(&v, &nik, &born).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.contains("Terlalu banyak percobaan yang tidak cocok"));
    assert!(page.contains("coba lagi dalam 30 detik") || page.contains("coba lagi dalam 1 menit"));
    assert!(page.headers.get("retry-after").is_some());
    assert_eq!(linked_to(&app, "6281270000012").await, None);
    assert_eq!(audit_count(&app, "alumni.claim_throttled").await, 1);
    // Another account from the same address is not held yet, and signing in is not affected.
    let other = sign_up(&app, "Alumni Lain", "081270000013").await;
    claim_by_nik(&other, &nik, &born)
        .await
        .assert_redirect_to("/dasbor");
    assert_eq!(linked_to(&app, "6281270000013").await, Some(id));
    app.visitor()
        .login("081270000012", PASSWORD)
        .await
        .assert_redirect_to("/dasbor");
}

async fn a_nik_guesser_with_many_accounts_is_throttled_per_address(app: TestApp) {
    let (_, nik, born) = unclaimed_alumnus(&app, 0).await;
    let guess = format!("{}9999", &nik[..12]);
    // Five accounts, four wrong guesses each: 20 failures from one address, none held per account.
    for n in 0..5 {
        let v = sign_up(&app, "Penebak", &format!("08127000002{n}")).await;
        for _ in 0..4 {
            assert_eq!(
                claim_by_nik(&v, &guess, &born).await.status,
                StatusCode::UNPROCESSABLE_ENTITY
            );
        }
    }
    let fresh = sign_up(&app, "Penebak Baru", "081270000030").await;
    let page = claim_by_nik(&fresh, &nik, &born).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(linked_to(&app, "6281270000030").await, None);
}

async fn a_claimed_record_cannot_be_claimed_again(app: TestApp) {
    // The demo alumna's record belongs to the demo account `alumni`.
    let (star, sealed, born): (i64, String, String) = sqlx::query_as(
        "SELECT a.id, a.nik_enc, a.birth_date FROM alumni a JOIN users u ON u.alumnus_id = a.id \
         WHERE u.username = 'alumni'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let nik = nik_of(&app, &sealed);
    let v = sign_up(&app, "Siti Palsu", "081270000040").await;
    let page = claim_by_nik(&v, &nik, &born).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.contains("sudah terhubung ke akun lain"));
    assert_eq!(linked_to(&app, "6281270000040").await, None);
    assert_eq!(linked_to(&app, "alumni").await, Some(star));

    // No code is printed for a claimed record either.
    let admin = app.signed_in("admin").await;
    let page = admin
        .post(&format!("/admin/alumni/{star}/kode-klaim"), &[])
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.contains("sudah terhubung ke akun @alumni"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM claim_codes").await, 0);

    // A code printed before someone else claimed the record does not take it over.
    let (id, nik2, born2) = unclaimed_alumnus(&app, 0).await;
    let code = code_for(&admin, id).await;
    let first = sign_up(&app, "Pemilik", "081270000041").await;
    claim_by_nik(&first, &nik2, &born2)
        .await
        .assert_redirect_to("/dasbor");
    let page = claim_by_code(&v, &code).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert_eq!(linked_to(&app, "6281270000040").await, None);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM claim_codes WHERE used_at IS NOT NULL")
            .await,
        0,
        "the refused code is not spent"
    );
}

async fn claim_code_links_the_record_and_works_once(app: TestApp) {
    let (id, _, _) = unclaimed_alumnus(&app, 3).await;
    let admin = app.signed_in("admin").await;
    let record = admin.get(&format!("/admin/alumni/{id}")).await;
    assert!(record.contains(&format!("action=\"/admin/alumni/{id}/kode-klaim\"")));
    let page = admin
        .post(&format!("/admin/alumni/{id}/kode-klaim"), &[])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.headers
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let code = page.text_of(".slip-code");
    assert!(page.contains("/daftar"), "the slip says where to sign up");
    assert!(page.contains("Berlaku sampai"));
    assert_eq!(code.len(), 9);
    assert_eq!(&code[4..5], "-");
    assert!(!code.contains(['0', 'O', '1', 'I']), "{code}");
    // Only a hash is stored.
    let stored: String = sqlx::query_scalar("SELECT code_hash FROM claim_codes")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(!stored.contains(&code[..4]) && !stored.contains(&code.replace('-', "")));
    assert_eq!(audit_count(&app, "alumni.claim_code_issued").await, 1);

    // Typed loosely on a phone: lower case, a space instead of the dash.
    let v = sign_up(&app, "Alumni Kode", "081270000050").await;
    let typed = code.to_lowercase().replace('-', " ");
    claim_by_code(&v, &typed)
        .await
        .assert_redirect_to("/dasbor");
    assert_eq!(linked_to(&app, "6281270000050").await, Some(id));
    assert!(v.get("/dasbor").await.contains("Riwayat pelatihan"));
    let summary: String =
        sqlx::query_scalar("SELECT summary FROM audit_log WHERE action = 'alumni.claimed'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(summary.contains("kode klaim"), "{summary}");

    // Used once: refused for anyone else.
    let other = sign_up(&app, "Alumni Lain", "081270000051").await;
    let page = claim_by_code(&other, &code).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("sudah pernah dipakai"));
    assert_eq!(linked_to(&app, "6281270000051").await, None);
}

async fn an_expired_code_is_refused(app: TestApp) {
    let (id, _, _) = unclaimed_alumnus(&app, 0).await;
    let admin = app.signed_in("admin").await;
    let code = code_for(&admin, id).await;
    // Ninety days later (and a bit): move the whole code back in time.
    sqlx::query(
        "UPDATE claim_codes SET created_at = created_at - 100 * 86400, expires_at = expires_at - 100 * 86400",
    )
    .execute(app.db.pool())
    .await
    .unwrap();
    let v = sign_up(&app, "Alumni Telat", "081270000060").await;
    let page = claim_by_code(&v, &code).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("sudah kedaluwarsa"));
    assert_eq!(linked_to(&app, "6281270000060").await, None);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM claim_codes WHERE used_at IS NOT NULL")
            .await,
        0
    );
}

async fn reissued_batch_codes_void_the_old_ones(app: TestApp) {
    // The batch with the most alumni nobody has claimed.
    let batch = app
        .scalar(
            "SELECT pa.batch_id FROM participations pa \
             WHERE pa.alumnus_id NOT IN (SELECT alumnus_id FROM users WHERE alumnus_id IS NOT NULL) \
             GROUP BY pa.batch_id ORDER BY COUNT(*) DESC, pa.batch_id LIMIT 1",
        )
        .await;
    let unclaimed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM participations WHERE batch_id = $1 \
         AND alumnus_id NOT IN (SELECT alumnus_id FROM users WHERE alumnus_id IS NOT NULL)",
    )
    .bind(batch)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(unclaimed >= 9);
    let admin = app.signed_in("admin").await;

    // The alumni list filtered by batch links to the sheet.
    let list = admin.get(&format!("/admin/alumni?angkatan={batch}")).await;
    assert!(list.contains(&format!("href=\"/admin/angkatan/{batch}/kode-klaim\"")));

    // A code printed singly earlier, for the first of them.
    let first: i64 = sqlx::query_scalar(
        "SELECT a.id FROM participations pa JOIN alumni a ON a.id = pa.alumnus_id WHERE pa.batch_id = $1 \
         AND a.id NOT IN (SELECT alumnus_id FROM users WHERE alumnus_id IS NOT NULL) \
         ORDER BY a.full_name, a.id LIMIT 1",
    )
    .bind(batch)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let single = code_for(&admin, first).await;

    // Looking at the sheet changes nothing; making it is a POST.
    let confirm = admin
        .get(&format!("/admin/angkatan/{batch}/kode-klaim"))
        .await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.contains(&format!("{unclaimed} alumni angkatan ini belum")));
    assert_eq!(confirm.text_of(".slip-code"), "");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM claim_codes").await, 1);

    let sheet = admin
        .post(&format!("/admin/angkatan/{batch}/kode-klaim"), &[])
        .await;
    assert_eq!(sheet.status, StatusCode::OK);
    let first_print: Vec<String> = sheet
        .text_of(".slip-code")
        .split(" | ")
        .map(str::to_owned)
        .collect();
    assert_eq!(first_print.len() as i64, unclaimed);
    let reprint = admin
        .post(&format!("/admin/angkatan/{batch}/kode-klaim"), &[])
        .await;
    let second_print: Vec<String> = reprint
        .text_of(".slip-code")
        .split(" | ")
        .map(str::to_owned)
        .collect();
    assert_eq!(second_print.len() as i64, unclaimed);
    assert!(first_print.iter().all(|c| !second_print.contains(c)));
    assert_eq!(audit_count(&app, "alumni.claim_codes_issued").await, 2);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM claim_codes WHERE used_at IS NULL AND revoked_at IS NULL")
            .await,
        unclaimed,
        "one live code per alumnus"
    );

    // Slips are in name order, so the first slip is `first`'s. Both older codes stopped working.
    let v = sign_up(&app, "Alumni Angkatan", "081270000070").await;
    for old in [&single, &first_print[0]] {
        let page = claim_by_code(&v, old).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("sudah diganti dengan kode yang lebih baru"));
    }
    claim_by_code(&v, &second_print[0])
        .await
        .assert_redirect_to("/dasbor");
    assert_eq!(linked_to(&app, "6281270000070").await, Some(first));

    // The claimed alumnus is not on the next sheet.
    let confirm = admin
        .get(&format!("/admin/angkatan/{batch}/kode-klaim"))
        .await;
    assert!(confirm.contains(&format!("{} alumni angkatan ini belum", unclaimed - 1)));
    assert_eq!(
        admin.get("/admin/angkatan/999999/kode-klaim").await.status,
        StatusCode::NOT_FOUND
    );
}

/// Signs up and claims an unclaimed record by NIK; returns the visitor and the record id.
async fn claimed(app: &TestApp, phone: &str) -> (Visitor, i64) {
    let (id, nik, born) = unclaimed_alumnus(app, 0).await;
    let v = sign_up(app, "Alumni Profil", phone).await;
    claim_by_nik(&v, &nik, &born)
        .await
        .assert_redirect_to("/dasbor");
    (v, id)
}

async fn profile_edit_changes_phone_but_not_name(app: TestApp) {
    let (v, id) = claimed(&app, "081270000080").await;
    let (name, kecamatan): (String, String) =
        sqlx::query_as("SELECT full_name, kecamatan_code FROM alumni WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let desa: String =
        sqlx::query_scalar("SELECT code FROM regions WHERE parent_code = $1 ORDER BY code LIMIT 1")
            .bind(&kecamatan)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let form = v.get("/akun/profil").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.contains(&name));
    assert!(
        !form.contains("name=\"full_name\""),
        "the name is not a field"
    );
    assert!(v.get("/dasbor").await.contains("href=\"/akun/profil\""));

    v.post(
        "/akun/profil",
        &[
            ("phone", "0853 1111 2222"),
            ("address", "Jl. Lintas Timur  RT 04"),
            ("desa", &desa),
            // Fields the form does not have are ignored.
            ("full_name", "Nama Baru"),
            ("nik", "1507010101010001"),
        ],
    )
    .await
    .assert_redirect_to("/akun/profil?pesan=nomor-baru");
    let (stored_name, phone, address, stored_desa): (String, String, String, String) =
        sqlx::query_as("SELECT full_name, phone, address, desa_code FROM alumni WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(stored_name, name, "the name stays the agency's");
    assert_eq!(phone, "+6285311112222");
    assert_eq!(address, "Jl. Lintas Timur RT 04");
    assert_eq!(stored_desa, desa);
    // The account follows the number: sign in with the new one.
    assert_eq!(linked_to(&app, "6285311112222").await, Some(id));
    let page = v.get("/akun/profil?pesan=nomor-baru").await;
    assert!(page.contains("masuk dengan nomor WhatsApp yang baru"));
    app.visitor()
        .login("0853-1111-2222", PASSWORD)
        .await
        .assert_redirect_to("/dasbor");

    let summary: String =
        sqlx::query_scalar("SELECT summary FROM audit_log WHERE action = 'alumni.contact_updated'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let json: serde_json::Value = serde_json::from_str(&summary).unwrap();
    // The log keeps personal numbers by their ends only.
    assert_eq!(json["after"]["phone"], "6285•••••2222");
    assert_eq!(json["before"]["username"], "6281•••••0080");
    assert_eq!(json["after"]["username"], "6285•••••2222");
    assert!(!summary.contains("Nama Baru"));

    // Saving the same again writes nothing.
    v.post(
        "/akun/profil",
        &[
            ("phone", "+6285311112222"),
            ("address", "Jl. Lintas Timur RT 04"),
            ("desa", &desa),
        ],
    )
    .await
    .assert_redirect_to("/akun/profil?pesan=disimpan");
    assert_eq!(audit_count(&app, "alumni.contact_updated").await, 1);
}

async fn profile_rejects_bad_input_and_stores_nothing(app: TestApp) {
    let (v, id) = claimed(&app, "081270000090").await;
    let before: (Option<String>, String, Option<String>) =
        sqlx::query_as("SELECT phone, address, desa_code FROM alumni WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    // A desa of another kecamatan, a landline, an address too long.
    let elsewhere: String = sqlx::query_scalar(
        "SELECT d.code FROM regions d JOIN alumni a ON a.id = $1 \
         WHERE d.level IN ('desa', 'kelurahan') AND d.parent_code <> a.kecamatan_code ORDER BY d.code LIMIT 1",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let long = "x".repeat(201);
    let page = v
        .post(
            "/akun/profil",
            &[
                ("phone", "0741-21234"),
                ("address", &long),
                ("desa", &elsewhere),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("bukan nomor seluler Indonesia"));
    assert!(page.contains("Alamat maksimal 200 karakter."));
    assert!(page.contains("Pilih desa/kelurahan dari daftar kecamatan Anda."));
    assert!(page.contains("Belum ada yang disimpan."));
    assert_eq!(page.input_value("phone").as_deref(), Some("0741-21234"));
    assert_eq!(page.input_value("address").as_deref(), Some(long.as_str()));

    // Another account's number.
    sign_up(&app, "Pemilik Nomor", "081270000091").await;
    let page = v
        .post(
            "/akun/profil",
            &[("phone", "0812-7000-0091"), ("address", "")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("sudah dipakai akun lain"));

    let after: (Option<String>, String, Option<String>) =
        sqlx::query_as("SELECT phone, address, desa_code FROM alumni WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(after, before);
    assert_eq!(linked_to(&app, "6281270000090").await, Some(id));
    assert_eq!(audit_count(&app, "alumni.contact_updated").await, 0);
}

async fn admin_cannot_link_two_accounts_to_one_record(app: TestApp) {
    let star = app
        .scalar("SELECT alumnus_id FROM users WHERE username = 'alumni'")
        .await
        .to_string();
    let admin = app.signed_in("admin").await;
    let page = admin
        .post(
            "/admin/pengguna",
            &[
                ("username", "kembaran.siti"),
                ("display_name", "Kembaran Siti"),
                ("role", "alumni"),
                ("alumnus_id", &star),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("sudah terhubung ke akun lain"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE username = 'kembaran.siti'")
            .await,
        0
    );
}
