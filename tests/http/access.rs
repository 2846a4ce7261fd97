//! Every protected route for every role, allowed and denied; and object-level access.

use reqwest::StatusCode;

use crate::both;
use crate::helpers::{TestApp, Visitor};

both!(
    every_route_for_every_role,
    office_users_open_only_their_own_office
);

const ROLES: [&str; 7] = [
    "admin",
    "opd",
    "bendahara",
    "alumni",
    "pembeli",
    "mitra",
    "kepala",
];

/// Who may call each protected route. Written out here, independently of the policy module,
/// so that a change in policy shows up as a failing test.
fn matrix(office: i64, taking: (i64, i64)) -> Vec<(&'static str, String, &'static [&'static str])> {
    let (alumnus, participation) = taking;
    const ALL: &[&str] = &[
        "admin",
        "opd",
        "bendahara",
        "alumni",
        "pembeli",
        "mitra",
        "kepala",
    ];
    const ADMIN: &[&str] = &["admin"];
    const PROCUREMENT: &[&str] = &["admin", "opd", "bendahara", "alumni"];
    const OUTCOMES: &[&str] = &["admin", "kepala"];
    vec![
        ("GET", "/dasbor".into(), ALL),
        ("GET", "/akun/ulasan".into(), ALL),
        ("GET", "/akun/sandi".into(), ALL),
        ("POST", "/akun/sandi".into(), ALL),
        ("GET", "/admin/pengguna".into(), ADMIN),
        ("GET", "/admin/pengguna/baru".into(), ADMIN),
        ("POST", "/admin/pengguna".into(), ADMIN),
        ("GET", "/admin/pengguna/1".into(), ADMIN),
        ("POST", "/admin/pengguna/999999".into(), ADMIN),
        ("POST", "/admin/pengguna/999999/nonaktifkan".into(), ADMIN),
        ("POST", "/admin/pengguna/999999/aktifkan".into(), ADMIN),
        ("POST", "/admin/pengguna/999999/reset-sandi".into(), ADMIN),
        ("GET", "/admin/audit".into(), ADMIN),
        ("GET", "/admin/alumni".into(), ADMIN),
        ("GET", "/admin/alumni/1".into(), ADMIN),
        ("POST", "/admin/alumni/999999/nik".into(), ADMIN),
        ("GET", "/admin/alumni/ekspor".into(), ADMIN),
        ("GET", "/admin/angkatan/ekspor".into(), ADMIN),
        ("GET", "/admin/impor".into(), ADMIN),
        ("POST", "/admin/impor".into(), ADMIN),
        ("GET", "/admin/impor/999999".into(), ADMIN),
        ("POST", "/admin/impor/999999/opsi".into(), ADMIN),
        ("POST", "/admin/impor/999999/terapkan".into(), ADMIN),
        ("GET", "/admin/impor/999999/laporan".into(), ADMIN),
        ("POST", "/admin/impor/999999/laporan-lengkap".into(), ADMIN),
        ("POST", "/admin/alumni/ekspor".into(), ADMIN),
        ("GET", "/klaim".into(), &["alumni"]),
        // --- outcomes: the agency and its head ---
        ("GET", "/admin/hasil".into(), OUTCOMES),
        ("GET", "/admin/hasil/daftar?ukuran=lulus".into(), OUTCOMES),
        ("GET", "/admin/hasil/umpan-balik".into(), OUTCOMES),
        (
            "GET",
            "/admin/hasil/laporan.pdf?tahun=2026".into(),
            OUTCOMES,
        ),
        (
            "GET",
            "/admin/hasil/laporan.xlsx?tahun=2026".into(),
            OUTCOMES,
        ),
        // The register: lists for reading, forms for keeping it.
        ("GET", "/admin/kejuruan".into(), ADMIN),
        ("GET", "/admin/angkatan".into(), ADMIN),
        ("GET", "/admin/kejuruan/baru".into(), ADMIN),
        ("POST", "/admin/kejuruan/baru".into(), ADMIN),
        ("GET", "/admin/kejuruan/1/ubah".into(), ADMIN),
        ("POST", "/admin/kejuruan/999999/ubah".into(), ADMIN),
        ("GET", "/admin/program/baru".into(), ADMIN),
        ("POST", "/admin/program/baru".into(), ADMIN),
        ("GET", "/admin/program/1/ubah".into(), ADMIN),
        ("POST", "/admin/program/999999/ubah".into(), ADMIN),
        ("GET", "/admin/angkatan/baru".into(), ADMIN),
        ("POST", "/admin/angkatan/baru".into(), ADMIN),
        ("GET", "/admin/angkatan/1/ubah".into(), ADMIN),
        ("POST", "/admin/angkatan/999999/ubah".into(), ADMIN),
        ("GET", "/admin/alumni/baru".into(), ADMIN),
        ("POST", "/admin/alumni/baru".into(), ADMIN),
        ("GET", "/admin/alumni/1/ubah".into(), ADMIN),
        ("POST", "/admin/alumni/999999/ubah".into(), ADMIN),
        (
            "GET",
            format!("/admin/alumni/{alumnus}/pelatihan/baru"),
            ADMIN,
        ),
        ("POST", "/admin/alumni/999999/pelatihan/baru".into(), ADMIN),
        (
            "GET",
            format!("/admin/alumni/{alumnus}/pelatihan/{participation}/ubah"),
            ADMIN,
        ),
        (
            "POST",
            "/admin/alumni/999999/pelatihan/999999/ubah".into(),
            ADMIN,
        ),
        ("POST", "/klaim".into(), &["alumni"]),
        ("GET", "/akun/profil".into(), &["alumni"]),
        ("POST", "/akun/profil".into(), &["alumni"]),
        // --- track records: the alumna's own; the agency's view, its records and PDFs ---
        ("GET", "/akun/rekam-jejak".into(), &["alumni"]),
        ("GET", "/akun/rekam-jejak.pdf".into(), &["alumni"]),
        ("GET", format!("/admin/alumni/{alumnus}/rekam-jejak"), ADMIN),
        (
            "GET",
            format!("/admin/alumni/{alumnus}/rekam-jejak.pdf"),
            ADMIN,
        ),
        (
            "GET",
            format!("/admin/alumni/{alumnus}/rekam-jejak/pendapatan"),
            ADMIN,
        ),
        ("POST", "/admin/alumni/999999/kode-klaim".into(), ADMIN),
        ("GET", "/admin/angkatan/999999/kode-klaim".into(), ADMIN),
        ("POST", "/admin/angkatan/999999/kode-klaim".into(), ADMIN),
        (
            "GET",
            format!("/opd/{office}"),
            &["admin", "opd", "bendahara"],
        ),
        // --- marketplace: storefront (alumni side, agency verification) ---
        ("GET", "/usaha".into(), &["alumni"]),
        ("GET", "/usaha/baru".into(), &["alumni"]),
        ("POST", "/usaha/baru".into(), &["alumni"]),
        ("GET", "/usaha/ubah".into(), &["alumni"]),
        ("POST", "/usaha/ubah".into(), &["alumni"]),
        ("GET", "/usaha/produk/baru".into(), &["alumni"]),
        ("POST", "/usaha/produk/baru".into(), &["alumni"]),
        ("GET", "/usaha/produk/999999/ubah".into(), &["alumni"]),
        ("POST", "/usaha/produk/999999/ubah".into(), &["alumni"]),
        ("POST", "/usaha/produk/999999/jeda".into(), &["alumni"]),
        ("POST", "/usaha/produk/999999/aktifkan".into(), &["alumni"]),
        ("GET", "/usaha/produk/999999/foto".into(), &["alumni"]),
        ("POST", "/usaha/produk/999999/foto".into(), &["alumni"]),
        (
            "POST",
            "/usaha/produk/999999/foto/999999/hapus".into(),
            &["alumni"],
        ),
        ("GET", "/admin/usaha".into(), ADMIN),
        ("GET", "/admin/usaha/999999".into(), ADMIN),
        ("POST", "/admin/usaha/999999/verifikasi".into(), ADMIN),
        ("POST", "/admin/usaha/999999/cabut".into(), ADMIN),
        ("GET", "/admin/kategori".into(), ADMIN),
        ("POST", "/admin/kategori".into(), ADMIN),
        ("POST", "/admin/kategori/999999/ubah".into(), ADMIN),
        // --- marketplace: catalog admin (synonyms) ---
        ("GET", "/admin/sinonim".into(), ADMIN),
        ("POST", "/admin/sinonim".into(), ADMIN),
        ("GET", "/admin/sinonim/1/ubah".into(), ADMIN),
        ("POST", "/admin/sinonim/999999/ubah".into(), ADMIN),
        ("POST", "/admin/sinonim/999999/hapus".into(), ADMIN),
        // --- marketplace: orders, reviews, disputes ---
        ("GET", "/pesanan".into(), ALL),
        ("GET", "/usaha/pesanan".into(), &["alumni"]),
        ("GET", "/admin/sengketa".into(), ADMIN),
        // --- marketplace: notifications ---
        ("GET", "/notifikasi".into(), ALL),
        ("POST", "/notifikasi/baca-semua".into(), ALL),
        ("POST", "/notifikasi/999999/baca".into(), ALL),
        ("GET", "/akun/notifikasi".into(), ALL),
        ("POST", "/akun/notifikasi".into(), ALL),
        ("POST", "/akun/notifikasi/perangkat".into(), ALL),
        (
            "POST",
            "/akun/notifikasi/perangkat/999999/hapus".into(),
            ALL,
        ),
        ("GET", "/admin/kotak-keluar".into(), ADMIN),
        (
            "POST",
            "/admin/kotak-keluar/999999/kirim-ulang".into(),
            ADMIN,
        ),
        // --- government channel: the agency's side (offices, kinds of work, settings, the
        // head's view, appeals) ---
        ("GET", "/admin/opd".into(), ADMIN),
        ("GET", "/admin/opd/baru".into(), ADMIN),
        ("POST", "/admin/opd/baru".into(), ADMIN),
        ("GET", format!("/admin/opd/{office}/ubah"), ADMIN),
        ("POST", "/admin/opd/999999/ubah".into(), ADMIN),
        ("GET", format!("/admin/opd/{office}/anggaran"), ADMIN),
        ("POST", "/admin/opd/999999/kebutuhan".into(), ADMIN),
        ("POST", "/admin/opd/999999/rekening".into(), ADMIN),
        (
            "GET",
            "/admin/opd/999999/rekening/999999/ubah".into(),
            ADMIN,
        ),
        (
            "POST",
            "/admin/opd/999999/rekening/999999/ubah".into(),
            ADMIN,
        ),
        (
            "POST",
            "/admin/opd/999999/rekening/999999/hapus".into(),
            ADMIN,
        ),
        ("GET", "/admin/pengadaan/jenis".into(), ADMIN),
        ("GET", "/admin/pengadaan/jenis/baru".into(), ADMIN),
        ("POST", "/admin/pengadaan/jenis/baru".into(), ADMIN),
        ("GET", "/admin/pengadaan/jenis/999999/ubah".into(), ADMIN),
        ("POST", "/admin/pengadaan/jenis/999999/ubah".into(), ADMIN),
        ("GET", "/admin/pengadaan/pengaturan".into(), ADMIN),
        ("POST", "/admin/pengadaan/pengaturan".into(), ADMIN),
        ("GET", "/admin/pengadaan/kinerja".into(), ADMIN),
        ("GET", "/admin/pengadaan/banding".into(), ADMIN),
        (
            "POST",
            "/admin/pengadaan/banding/999999/jawab".into(),
            ADMIN,
        ),
        // Office procurement: offices, treasurers, alumni and the agency; which request is
        // decided per request (an unknown one is 404 for them, 403 for everyone else).
        ("GET", "/pengadaan".into(), PROCUREMENT),
        ("GET", "/pengadaan/baru".into(), &["opd"]),
        ("POST", "/pengadaan/baru".into(), &["opd"]),
        ("GET", "/pengadaan/999999".into(), PROCUREMENT),
        ("POST", "/pengadaan/999999/pilih".into(), PROCUREMENT),
        ("GET", "/pengadaan/dokumen/999999".into(), PROCUREMENT),
        (
            "POST",
            "/pengadaan/dokumen/999999/ganti".into(),
            PROCUREMENT,
        ),
        ("GET", "/usaha/pengadaan".into(), &["alumni"]),
        ("POST", "/usaha/pengadaan".into(), &["alumni"]),
        ("POST", "/usaha/pengadaan/banding".into(), &["alumni"]),
        // Capital: the alumna's applications, the agency's pipeline and the partner's portal.
        // Which application is decided per application (unknown ones are 404 for them).
        ("GET", "/akun/permodalan".into(), &["alumni"]),
        (
            "GET",
            "/akun/permodalan/baru?program=999999".into(),
            &["alumni"],
        ),
        (
            "POST",
            "/akun/permodalan/baru?program=999999".into(),
            &["alumni"],
        ),
        ("GET", "/akun/permodalan/999999".into(), &["alumni"]),
        ("POST", "/akun/permodalan/999999/ajukan".into(), &["alumni"]),
        (
            "POST",
            "/akun/permodalan/999999/dokumen".into(),
            &["alumni"],
        ),
        (
            "GET",
            "/akun/permodalan/999999/dokumen/ktp".into(),
            &["alumni"],
        ),
        (
            "GET",
            "/akun/permodalan/999999/dosier.pdf".into(),
            &["alumni"],
        ),
        ("GET", "/admin/permodalan".into(), ADMIN),
        // The tracer study (the personal link /tracer/{token} is public).
        ("GET", "/admin/tracer".into(), ADMIN),
        ("POST", "/admin/tracer/kirim".into(), ADMIN),
        (
            "GET",
            "/admin/tracer/daftar?angkatan=1&gelombang=1".into(),
            ADMIN,
        ),
        ("GET", "/admin/tracer/undangan/999999".into(), ADMIN),
        ("POST", "/admin/tracer/undangan/999999".into(), ADMIN),
        ("GET", "/admin/tracer/kuesioner".into(), ADMIN),
        ("POST", "/admin/tracer/kuesioner".into(), ADMIN),
        ("GET", "/admin/tracer/pengaturan".into(), ADMIN),
        ("POST", "/admin/tracer/pengaturan".into(), ADMIN),
        ("POST", "/admin/tracer/umk".into(), ADMIN),
        ("GET", "/admin/permodalan/program".into(), ADMIN),
        ("GET", "/admin/permodalan/program/baru".into(), ADMIN),
        ("POST", "/admin/permodalan/program/baru".into(), ADMIN),
        ("GET", "/admin/permodalan/program/999999".into(), ADMIN),
        ("POST", "/admin/permodalan/program/999999".into(), ADMIN),
        ("GET", "/admin/permodalan/pengaturan".into(), ADMIN),
        ("POST", "/admin/permodalan/pengaturan".into(), ADMIN),
        ("POST", "/admin/permodalan/sikp".into(), ADMIN),
        ("GET", "/admin/permodalan/mitra".into(), ADMIN),
        ("POST", "/admin/permodalan/mitra".into(), ADMIN),
        ("GET", "/admin/permodalan/pengajuan/999999".into(), ADMIN),
        (
            "POST",
            "/admin/permodalan/pengajuan/999999/periksa".into(),
            ADMIN,
        ),
        (
            "POST",
            "/admin/permodalan/pengajuan/999999/nik".into(),
            ADMIN,
        ),
        (
            "GET",
            "/admin/permodalan/pengajuan/999999/dokumen/ktp".into(),
            ADMIN,
        ),
        (
            "GET",
            "/admin/permodalan/pengajuan/999999/dosier.pdf".into(),
            ADMIN,
        ),
        ("GET", "/mitra/pengajuan".into(), &["mitra"]),
        ("GET", "/mitra/pengajuan.xlsx".into(), &["mitra"]),
        ("GET", "/mitra/pengajuan/999999".into(), &["mitra"]),
        ("POST", "/mitra/pengajuan/999999/setujui".into(), &["mitra"]),
        ("POST", "/mitra/pengajuan/999999/nik".into(), &["mitra"]),
        (
            "GET",
            "/mitra/pengajuan/999999/dokumen/ktp".into(),
            &["mitra"],
        ),
        (
            "GET",
            "/mitra/pengajuan/999999/dosier.pdf".into(),
            &["mitra"],
        ),
        // Last: signing out ends the session the routes after it would need.
        ("POST", "/keluar".into(), ALL),
    ]
}

async fn call(v: &Visitor, method: &str, path: &str) -> (StatusCode, Option<String>) {
    let page = if method == "GET" {
        v.get(path).await
    } else {
        v.post(path, &[]).await
    };
    (page.status, page.location)
}

async fn every_route_for_every_role(app: TestApp) {
    let office = app
        .scalar("SELECT office_id FROM users WHERE username = 'opd'")
        .await;
    let taking: (i64, i64) =
        sqlx::query_as("SELECT alumnus_id, id FROM participations ORDER BY id LIMIT 1")
            .fetch_one(app.db.pool())
            .await
            .expect("a participation");
    let routes = matrix(office, taking);
    // Signed out: every protected route sends the visitor to the login page.
    let anon = app.visitor();
    for (method, path, _) in &routes {
        let (status, location) = call(&anon, method, path).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "anonymous {method} {path}");
        assert!(
            location
                .as_deref()
                .unwrap_or("")
                .starts_with("/masuk?lanjut="),
            "anonymous {method} {path}"
        );
    }
    for role in ROLES {
        let v = app.signed_in(role).await;
        for (method, path, allowed) in &routes {
            let (status, location) = call(&v, method, path).await;
            let to_login = location
                .as_deref()
                .is_some_and(|l| l.starts_with("/masuk?lanjut"));
            if allowed.contains(&role) {
                assert!(
                    status != StatusCode::FORBIDDEN && !to_login,
                    "{role} may {method} {path}, got {status}"
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{role} may not {method} {path}"
                );
            }
        }
    }
}

async fn office_users_open_only_their_own_office(app: TestApp) {
    let own = app
        .scalar("SELECT office_id FROM users WHERE username = 'opd'")
        .await;
    let other = app
        .scalar("SELECT office_id FROM users WHERE username = 'opd.dinkes'")
        .await;
    assert_ne!(own, other);
    for user in ["opd", "bendahara"] {
        let v = app.signed_in(user).await;
        let page = v.get(&format!("/opd/{own}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.contains("Sekretariat Daerah"));
        let page = v.get(&format!("/opd/{other}")).await;
        assert_eq!(
            page.status,
            StatusCode::FORBIDDEN,
            "{user} opens another office"
        );
        assert!(!page.contains("Dinas Kesehatan"));
    }
    let admin = app.signed_in("admin").await;
    assert_eq!(
        admin.get(&format!("/opd/{other}")).await.status,
        StatusCode::OK
    );
    assert_eq!(admin.get("/opd/999999").await.status, StatusCode::NOT_FOUND);
}
