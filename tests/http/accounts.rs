//! Admin user management: create, validate, link, change role, disable; every change audited.

use reqwest::StatusCode;

use crate::both;
use crate::helpers::TestApp;

both!(
    admin_creates_a_user_who_sets_their_own_password,
    bad_account_forms_keep_input_and_store_nothing,
    role_change_is_audited_with_before_and_after,
    admin_cannot_lock_themselves_out,
);

async fn admin_creates_a_user_who_sets_their_own_password(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let office = app
        .scalar("SELECT id FROM offices WHERE code = 'DINKES'")
        .await
        .to_string();
    let page = admin
        .post(
            "/admin/pengguna",
            &[
                ("username", "Kasir.Dinkes"),
                ("display_name", "Yusnidar"),
                ("role", "bendahara"),
                ("office_id", &office),
                ("phone", "0812-7411-2233"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    assert!(page.contains("Pengguna dibuat"));
    let link = page.input_value("link").expect("one-time link");
    assert!(link.starts_with(&app.settings.public_url));

    let stored: (String, String, Option<String>) =
        sqlx::query_as("SELECT role, username, phone FROM users WHERE username = 'kasir.dinkes'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(
        stored,
        (
            "bendahara".into(),
            "kasir.dinkes".into(),
            Some("+6281274112233".into())
        )
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'user.create' AND actor_label = 'admin'"
        )
        .await,
        1
    );

    // No password works before the user sets one.
    assert_eq!(
        app.visitor()
            .login("kasir.dinkes", "apa-saja-sandi")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let path = &link[link.find("/sandi/atur/").unwrap()..];
    let v = app.visitor();
    v.post(
        path,
        &[
            ("new", "anggaran-2026-aman"),
            ("confirm", "anggaran-2026-aman"),
        ],
    )
    .await
    .assert_redirect_to("/masuk");
    v.login("kasir.dinkes", "anggaran-2026-aman")
        .await
        .assert_redirect_to("/dasbor");
    assert!(v.get("/dasbor").await.contains("Dinas Kesehatan"));

    // The list finds the new user by name and by role.
    let list = admin.get("/admin/pengguna?q=yusni&peran=bendahara").await;
    assert!(list.contains("Yusnidar"));
    assert!(!list.contains("Sri Wahyuni"));
}

async fn bad_account_forms_keep_input_and_store_nothing(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let before = app.scalar("SELECT COUNT(*) FROM users").await;
    let audit_before = app.scalar("SELECT COUNT(*) FROM audit_log").await;

    let page = admin
        .post(
            "/admin/pengguna",
            &[
                ("username", "a b"),
                ("display_name", ""),
                ("role", "opd"),
                ("phone", "12345"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Nama pengguna hanya boleh huruf kecil"));
    assert!(page.contains("Nama lengkap wajib diisi."));
    assert!(page.contains("Pilih OPD tempat pengguna ini bekerja."));
    assert!(page.contains("bukan nomor seluler Indonesia"));
    assert_eq!(page.input_value("username").as_deref(), Some("a b"));
    assert_eq!(page.input_value("phone").as_deref(), Some("12345"));

    let taken = admin
        .post(
            "/admin/pengguna",
            &[
                ("username", "opd"),
                ("display_name", "Kembar"),
                ("role", "pembeli"),
            ],
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.contains("Nama pengguna ini sudah dipakai"));
    assert_eq!(taken.input_value("display_name").as_deref(), Some("Kembar"));

    let ghost_office = admin
        .post(
            "/admin/pengguna",
            &[
                ("username", "hantu"),
                ("display_name", "Hantu"),
                ("role", "opd"),
                ("office_id", "999999"),
            ],
        )
        .await;
    assert!(ghost_office.contains("OPD yang dipilih tidak ditemukan."));
    let ghost_alumnus = admin
        .post(
            "/admin/pengguna",
            &[
                ("username", "hantu"),
                ("display_name", "Hantu"),
                ("role", "alumni"),
                ("alumnus_id", "999999"),
            ],
        )
        .await;
    assert!(ghost_alumnus.contains("Tidak ada data alumni dengan nomor ini."));

    assert_eq!(app.scalar("SELECT COUNT(*) FROM users").await, before);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log").await,
        audit_before
    );
}

async fn role_change_is_audited_with_before_and_after(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let buyer = app.signed_in("pembeli").await;
    let id = app
        .scalar("SELECT id FROM users WHERE username = 'pembeli'")
        .await;
    let partner = app.scalar("SELECT MIN(id) FROM partners").await.to_string();
    let form = admin.get(&format!("/admin/pengguna/{id}")).await;
    assert_eq!(
        form.input_value("display_name").as_deref(),
        Some("Andi Pratama")
    );
    admin
        .post(
            &format!("/admin/pengguna/{id}"),
            &[
                ("username", "pembeli"),
                ("display_name", "Andi Pratama"),
                ("role", "mitra"),
                ("partner_id", &partner),
            ],
        )
        .await
        .assert_redirect_to("/admin/pengguna?pesan=disimpan");
    // The new role takes effect at once: old sessions end.
    buyer.get("/dasbor").await.assert_redirect_to("/masuk");
    let summary: String =
        sqlx::query_scalar("SELECT summary FROM audit_log WHERE action = 'user.update'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let json: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(json["before"]["role"], "pembeli");
    assert_eq!(json["after"]["role"], "mitra");
    let audit = admin
        .get(&format!("/admin/audit?entitas=user&id={id}"))
        .await;
    assert!(audit.contains("user.update"));
    assert!(audit.contains("Rantai audit utuh"));
}

async fn admin_cannot_lock_themselves_out(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let id = app
        .scalar("SELECT id FROM users WHERE username = 'admin'")
        .await;
    assert_eq!(
        admin
            .post(&format!("/admin/pengguna/{id}/nonaktifkan"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let page = admin
        .post(
            &format!("/admin/pengguna/{id}"),
            &[
                ("username", "admin"),
                ("display_name", "Admin"),
                ("role", "pembeli"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Anda tidak dapat mencabut peran admin"));
    assert_eq!(admin.get("/admin/pengguna").await.status, StatusCode::OK);
}
