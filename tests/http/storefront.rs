//! Marketplace: storefront. Opening a business, listings with each price kind, ownership,
//! pausing, photo uploads (real photo, fake, oversized, bomb, EXIF GPS), categories and the
//! agency's verification.

use reqwest::StatusCode;
use sqlx::Row;

use crate::both;
use crate::helpers::{Page, TestApp, Visitor, read};

both!(
    opening_a_business_validates_and_stores,
    listings_with_each_price_kind,
    only_the_owner_edits_a_listing_and_pause_hides_it,
    photo_uploads,
    verification_sets_the_badge_and_is_audited,
    categories_are_needed_and_kept_by_the_admin
);

async fn count(app: &TestApp, sql: &str, id: i64) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("count")
}

/// A second alumni account, linked to an alumnus who has no business yet.
async fn second_alumnus(app: &TestApp) -> (Visitor, i64) {
    let alumnus: i64 = sqlx::query_scalar(
        "SELECT a.id FROM alumni a WHERE NOT EXISTS (SELECT 1 FROM businesses b WHERE b.alumnus_id = a.id) \
         AND NOT EXISTS (SELECT 1 FROM users u WHERE u.alumnus_id = a.id) ORDER BY a.id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("an alumnus without a business");
    sqlx::query(
        "INSERT INTO users (username, display_name, role, alumnus_id, password_hash, created_at, updated_at, password_changed_at) \
         SELECT 'alumni2', 'Alumni Kedua', 'alumni', $1, password_hash, created_at, updated_at, password_changed_at \
         FROM users WHERE username = 'alumni'",
    )
    .bind(alumnus)
    .execute(app.db.pool())
    .await
    .expect("second alumni account");
    (app.signed_in("alumni2").await, alumnus)
}

/// The demo alumna's business and its main trade.
async fn own_business(app: &TestApp) -> (i64, i64) {
    let row = sqlx::query(
        "SELECT b.id, b.trade_id FROM businesses b JOIN users u ON u.alumnus_id = b.alumnus_id \
         WHERE u.username = 'alumni' ORDER BY b.id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("the demo alumna has a business");
    (row.get::<i64, _>(0), row.get::<i64, _>(1))
}

async fn count2(app: &TestApp, sql: &str, a: i64, b: i64) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(a)
        .bind(b)
        .fetch_one(app.db.pool())
        .await
        .expect("count")
}

/// The trade's category of this name: the demo district's own, or else one the admin adds.
async fn category(app: &TestApp, trade: i64, name: &str) -> i64 {
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM categories WHERE trade_id = $1 AND name = $2")
            .bind(trade)
            .bind(name)
            .fetch_optional(app.db.pool())
            .await
            .expect("categories");
    match existing {
        Some(id) => id,
        None => new_category(app, trade, name).await,
    }
}

/// A category for the trade, added through the admin page; returns its id.
async fn new_category(app: &TestApp, trade: i64, name: &str) -> i64 {
    let admin = app.signed_in("admin").await;
    let page = admin
        .post(
            "/admin/kategori",
            &[("trade_id", &trade.to_string()), ("name", name)],
        )
        .await;
    page.assert_redirect_to("/admin/kategori");
    sqlx::query_scalar("SELECT id FROM categories WHERE trade_id = $1 AND name = $2")
        .bind(trade)
        .bind(name)
        .fetch_one(app.db.pool())
        .await
        .expect("category stored")
}

async fn kecamatan(app: &TestApp) -> (String, String) {
    let k: String = sqlx::query_scalar(
        "SELECT code FROM regions WHERE level = 'kecamatan' AND code LIKE '15.07.%' ORDER BY code LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("a kecamatan");
    let d: String =
        sqlx::query_scalar("SELECT code FROM regions WHERE parent_code = $1 ORDER BY code LIMIT 1")
            .bind(&k)
            .fetch_one(app.db.pool())
            .await
            .expect("a desa");
    (k, d)
}

async fn opening_a_business_validates_and_stores(app: TestApp) {
    let (v, alumnus) = second_alumnus(&app).await;
    let page = v.get("/usaha").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.contains("/usaha/baru"));
    let (k, d) = kecamatan(&app).await;
    let trade: i64 = app.scalar("SELECT MIN(id) FROM trades").await;
    let trade = trade.to_string();
    let businesses = app.scalar("SELECT COUNT(*) FROM businesses").await;
    // Bad: no name, closing before opening, a bad phone, a short NIB, half a bank account.
    let bad = v
        .post(
            "/usaha/baru",
            &[
                ("name", " "),
                ("description", "Kue basah dan snack box"),
                ("trade_id", &trade),
                ("kecamatan", &k),
                ("desa", &d),
                ("open_days", "0"),
                ("open_from", "17:00"),
                ("open_until", "08:00"),
                ("phone", "12345"),
                ("nib", "123"),
                ("bank_account", "1234567"),
                ("pickup_address", "Jl. Pelabuhan No. 7"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("Nama usaha wajib diisi."));
    assert!(bad.contains("Jam tutup harus setelah jam buka."));
    assert!(bad.contains("NIB terdiri dari 13 angka"));
    assert!(bad.contains("Isi nama bank"));
    assert_eq!(
        bad.input_value("pickup_address").as_deref(),
        Some("Jl. Pelabuhan No. 7")
    );
    assert_eq!(bad.input_value("phone").as_deref(), Some("12345"));
    assert_eq!(
        bad.input_value("description").as_deref(),
        Some("Kue basah dan snack box")
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM businesses").await,
        businesses
    );

    let good = v
        .post(
            "/usaha/baru",
            &[
                ("name", "Dapur  Nipah"),
                ("description", "Kue basah dan snack box"),
                ("trade_id", &trade),
                ("kecamatan", &k),
                ("desa", &d),
                ("areas", &k),
                ("areas", &d),
                ("open_days", "0"),
                ("open_days", "5"),
                ("open_from", "07:30"),
                ("open_until", "16:00"),
                ("phone", "0812 3456 7890"),
                ("phone_public", "1"),
                ("nib", "1234567890123"),
                ("bank_name", "Bank Jambi"),
                ("bank_account", "123-456-7890"),
                ("bank_holder", "Siti"),
            ],
        )
        .await;
    good.assert_redirect_to("/usaha");
    let row = sqlx::query(
        "SELECT id, name, open_days, open_from, phone, phone_public, nib, bank_account, desa_code \
         FROM businesses WHERE alumnus_id = $1",
    )
    .bind(alumnus)
    .fetch_one(app.db.pool())
    .await
    .expect("stored");
    let id: i64 = row.get("id");
    assert_eq!(row.get::<String, _>("name"), "Dapur Nipah");
    assert_eq!(row.get::<String, _>("open_days"), "1000010");
    assert_eq!(row.get::<String, _>("open_from"), "07:30");
    assert_eq!(row.get::<String, _>("phone"), "+6281234567890");
    assert_eq!(row.get::<i64, _>("phone_public"), 1);
    assert_eq!(row.get::<String, _>("bank_account"), "1234567890");
    assert_eq!(row.get::<String, _>("desa_code"), d);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM business_areas WHERE business_id = $1",
            id
        )
        .await,
        2
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'business.create' AND entity_id = CAST($1 AS TEXT)",
            id
        )
        .await,
        1
    );
    // The dashboard shows it, unverified, with its links; a second "open" goes to the edit form.
    let dash = v.get("/usaha").await;
    assert!(dash.contains("Dapur Nipah"));
    assert!(dash.contains("Belum diverifikasi"));
    assert!(dash.contains("/usaha/pesanan"));
    assert!(dash.contains(&format!("/toko/{id}")));
    v.get("/usaha/baru").await.assert_redirect_to("/usaha/ubah");
    let edit = v.get("/usaha/ubah").await;
    assert_eq!(edit.input_value("name").as_deref(), Some("Dapur Nipah"));
    assert!(edit.contains("hanya ditampilkan pada tagihan"));
    // Editing: a bad edit stores nothing; a good one is audited.
    let bad = v
        .post(
            "/usaha/ubah",
            &[
                ("name", "Baru"),
                ("trade_id", &trade),
                ("kecamatan", &k),
                ("open_days", "0"),
                ("open_from", "8:00"),
                ("open_until", "9:00"),
                ("phone", "x"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM businesses WHERE id = $1 AND name = 'Dapur Nipah'",
            id
        )
        .await,
        1
    );
    let good = v
        .post(
            "/usaha/ubah",
            &[
                ("name", "Dapur Nipah Jaya"),
                ("description", "Kue basah dan snack box"),
                ("trade_id", &trade),
                ("kecamatan", &k),
                ("desa", &d),
                ("areas", &k),
                ("open_days", "0"),
                ("open_from", "07:30"),
                ("open_until", "16:00"),
                ("phone", "0812 3456 7890"),
            ],
        )
        .await;
    good.assert_redirect_to("/usaha");
    let summary: String = sqlx::query_scalar(
        "SELECT summary FROM audit_log WHERE action = 'business.update' \
         AND entity_id = CAST($1 AS TEXT) ORDER BY seq DESC LIMIT 1",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .expect("the edit is audited");
    let summary: serde_json::Value = serde_json::from_str(&summary).expect("json summary");
    assert_eq!(summary["before"]["name"], "Dapur Nipah", "{summary}");
    assert_eq!(summary["after"]["name"], "Dapur Nipah Jaya", "{summary}");
}

async fn listing(v: &Visitor, path: &str, fields: &[(&str, &str)]) -> Page {
    v.post(path, fields).await
}

fn base<'a>(category: &'a str, price_kind: &'a str, price: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("kind", "product"),
        ("title", "Kue ulang tahun cokelat"),
        ("description", "Diameter 20 cm"),
        ("category_id", category),
        ("price_kind", price_kind),
        ("price", price),
        ("unit", "per loyang"),
        ("min_order", "1"),
        ("lead_days", "2"),
        ("active", "1"),
    ]
}

async fn listings_with_each_price_kind(app: TestApp) {
    let (business, trade) = own_business(&app).await;
    let cat = category(&app, trade, "Kue ulang tahun").await.to_string();
    let v = app.signed_in("alumni").await;
    let before = count(
        &app,
        "SELECT COUNT(*) FROM listings WHERE business_id = $1",
        business,
    )
    .await;
    // The demo district already lists things: this test's listings are the ones after these.
    let last_before = app
        .scalar("SELECT COALESCE(MAX(id), 0) FROM listings")
        .await;

    // Fixed needs a price.
    let page = listing(&v, "/usaha/produk/baru", &base(&cat, "fixed", "")).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Harga wajib diisi"));
    assert_eq!(
        page.input_value("title").as_deref(),
        Some("Kue ulang tahun cokelat")
    );
    // Minimum order and lead time.
    let mut fields = base(&cat, "fixed", "150.000");
    fields.retain(|(k, _)| *k != "min_order" && *k != "lead_days");
    fields.push(("min_order", "0"));
    fields.push(("lead_days", "-3"));
    let page = listing(&v, "/usaha/produk/baru", &fields).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Pesanan minimal harus antara 1"));
    assert!(page.contains("Waktu persiapan harus antara 0"));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM listings WHERE business_id = $1",
            business
        )
        .await,
        before
    );

    // Fixed with a price; "from" with an office price; by quote with no price at all.
    listing(&v, "/usaha/produk/baru", &base(&cat, "fixed", "Rp 150.000"))
        .await
        .assert_redirect_to("/usaha/produk/");
    let mut from = base(&cat, "from", "75.000");
    from.push(("office_price", "90.000"));
    from[1] = ("title", "Snack box rapat");
    listing(&v, "/usaha/produk/baru", &from)
        .await
        .assert_redirect_to("/usaha/produk/");
    let mut quote = base(&cat, "quote", "5000");
    quote[1] = ("title", "Kue pengantin");
    listing(&v, "/usaha/produk/baru", &quote)
        .await
        .assert_redirect_to("/usaha/produk/");
    let rows = sqlx::query(
        "SELECT id, title, price_kind, price, office_price, revision FROM listings \
         WHERE business_id = $1 AND id > $2 ORDER BY id DESC",
    )
    .bind(business)
    .bind(last_before)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    let got: Vec<(String, String, Option<i64>, Option<i64>)> = rows
        .iter()
        .map(|r| {
            (
                r.get("title"),
                r.get("price_kind"),
                r.get("price"),
                r.get("office_price"),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("Kue pengantin".into(), "quote".into(), None, None),
            (
                "Snack box rapat".into(),
                "from".into(),
                Some(75_000),
                Some(90_000)
            ),
            (
                "Kue ulang tahun cokelat".into(),
                "fixed".into(),
                Some(150_000),
                None
            ),
        ]
    );
    assert!(rows.iter().all(|r| r.get::<i64, _>("revision") > 0));
    let id: i64 = rows[1].get("id");
    let quote_id: i64 = rows[0].get("id");
    // Editing: the form shows the stored values; a change is stored, audited, revised.
    let edit = v.get(&format!("/usaha/produk/{id}/ubah")).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert_eq!(edit.input_value("price").as_deref(), Some("75.000"));
    let revision = count(&app, "SELECT revision FROM listings WHERE id = $1", id).await;
    let mut changed = base(&cat, "fixed", "80.000");
    changed[1] = ("title", "Snack box rapat isi 5");
    listing(&v, &format!("/usaha/produk/{id}/ubah"), &changed)
        .await
        .assert_redirect_to("/usaha");
    assert_eq!(
        count(&app, "SELECT price FROM listings WHERE id = $1", id).await,
        80_000
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM listings WHERE id = $1 AND office_price IS NULL",
            id
        )
        .await,
        1
    );
    assert!(count(&app, "SELECT revision FROM listings WHERE id = $1", id).await > revision);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'listing.update' AND entity_id = CAST($1 AS TEXT)",
            id
        )
        .await,
        1
    );
    // The dashboard rows of these listings (among the demo's own) show them as changed.
    let dash = v.get("/usaha").await;
    let row = dash.text_of(&format!("#produk-{id}"));
    assert!(row.contains("Snack box rapat isi 5"), "{row}");
    assert!(row.contains("Rp80.000 / loyang"), "{row}");
    let row = dash.text_of(&format!("#produk-{quote_id}"));
    assert!(row.contains("Kue pengantin"), "{row}");
    assert!(row.contains("Sesuai survei/penawaran"), "{row}");
}

async fn a_listing(app: &TestApp) -> i64 {
    let (_, trade) = own_business(app).await;
    let cat = category(app, trade, "Snack box").await.to_string();
    let v = app.signed_in("alumni").await;
    let page = listing(&v, "/usaha/produk/baru", &base(&cat, "fixed", "25.000")).await;
    page.assert_redirect_to("/usaha/produk/");
    let loc = page.location.unwrap();
    loc.trim_start_matches("/usaha/produk/")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn only_the_owner_edits_a_listing_and_pause_hides_it(app: TestApp) {
    let id = a_listing(&app).await;
    let (other, _) = second_alumnus(&app).await;
    for path in [
        format!("/usaha/produk/{id}/ubah"),
        format!("/usaha/produk/{id}/foto"),
    ] {
        assert_eq!(
            other.get(&path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let page = other
        .post(&format!("/usaha/produk/{id}/ubah"), &[("title", "Dibajak")])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(
        other
            .post(&format!("/usaha/produk/{id}/jeda"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        count(&app, "SELECT active FROM listings WHERE id = $1", id).await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM listings WHERE id = $1 AND title = 'Dibajak'",
            id
        )
        .await,
        0
    );
    // The owner pauses (hidden from the catalog: the flag) and activates again.
    let owner = app.signed_in("alumni").await;
    owner
        .post(&format!("/usaha/produk/{id}/jeda"), &[])
        .await
        .assert_redirect_to("/usaha");
    assert_eq!(
        count(&app, "SELECT active FROM listings WHERE id = $1", id).await,
        0
    );
    let row = owner.get("/usaha").await.text_of(&format!("#produk-{id}"));
    assert!(row.contains("Dijeda"), "{row}");
    owner
        .post(&format!("/usaha/produk/{id}/aktifkan"), &[])
        .await
        .assert_redirect_to("/usaha");
    assert_eq!(
        count(&app, "SELECT active FROM listings WHERE id = $1", id).await,
        1
    );
    let row = owner.get("/usaha").await.text_of(&format!("#produk-{id}"));
    assert!(row.contains("Aktif") && !row.contains("Dijeda"), "{row}");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('listing.pause', 'listing.activate') AND entity_id = CAST($1 AS TEXT)",
            id
        )
        .await,
        2
    );
    // A listing that does not exist.
    assert_eq!(
        owner.get("/usaha/produk/999999/ubah").await.status,
        StatusCode::NOT_FOUND
    );
}

// ---- photos ----

fn noisy(w: u32, h: u32) -> image::RgbImage {
    let mut seed: u32 = 7;
    image::RgbImage::from_fn(w, h, |x, y| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        image::Rgb([(seed >> 16) as u8, (x % 256) as u8, (y % 256) as u8])
    })
}

fn jpeg(rgb: &image::RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(rgb)
        .unwrap();
    out
}

/// A JPEG with an EXIF APP1 segment written by hand: orientation 6 and a GPS IFD
/// (GPSLatitudeRef "S", GPSLatitude 1° 2' 3").
fn jpeg_with_gps(rgb: &image::RgbImage) -> Vec<u8> {
    let mut tiff: Vec<u8> = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    // IFD0 at 8: Orientation, GPSInfo pointer (to 38); next IFD 0.
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&[0x12, 0x01, 0x03, 0x00, 1, 0, 0, 0, 6, 0, 0, 0]);
    tiff.extend_from_slice(&[0x25, 0x88, 0x04, 0x00, 1, 0, 0, 0, 38, 0, 0, 0]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    // GPS IFD at 38: two entries; the latitude's three rationals follow at 68.
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&[0x01, 0x00, 0x02, 0x00, 2, 0, 0, 0, b'S', 0, 0, 0]);
    tiff.extend_from_slice(&[0x02, 0x00, 0x05, 0x00, 3, 0, 0, 0, 68, 0, 0, 0]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    for n in [1u32, 2, 3] {
        tiff.extend_from_slice(&n.to_le_bytes());
        tiff.extend_from_slice(&1u32.to_le_bytes());
    }
    let mut payload = b"Exif\x00\x00".to_vec();
    payload.extend_from_slice(&tiff);
    payload.extend_from_slice(b"GPSMARKER");
    let plain = jpeg(rgb, 92);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&plain[2..]);
    out
}

/// A PNG that declares `w`×`h` pixels with almost no data.
fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x01, 0x01, 0x00, 0x01, 0xFF, 0xFE, 0x00],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

async fn upload(v: &Visitor, listing: i64, name: &str, bytes: Vec<u8>) -> Page {
    let token = v.csrf().await;
    let form = reqwest::multipart::Form::new().part(
        "foto",
        reqwest::multipart::Part::bytes(bytes)
            .file_name(name.to_owned())
            .mime_str("image/jpeg")
            .unwrap(),
    );
    read(
        v.client
            .post(format!(
                "{}/usaha/produk/{listing}/foto?_csrf={token}",
                v.base
            ))
            .multipart(form)
            .send()
            .await
            .expect("upload"),
    )
    .await
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

async fn photo_uploads(app: TestApp) {
    let id = a_listing(&app).await;
    let v = app.signed_in("alumni").await;
    let photos = |app: &TestApp| {
        let pool = app.db.pool().clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM listing_photos WHERE listing_id = $1",
            )
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };

    // A real photo with EXIF GPS: stored as two JPEGs, turned upright, with no EXIF left.
    let raw = jpeg_with_gps(&noisy(1600, 1200));
    assert!(contains(&raw, b"GPSMARKER") && contains(&raw, b"Exif"));
    let page = upload(&v, id, "IMG_2024.jpg", raw).await;
    page.assert_redirect_to(&format!("/usaha/produk/{id}/foto"));
    let row = sqlx::query(
        "SELECT id, thumb, detail, width, height FROM listing_photos WHERE listing_id = $1",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let photo: i64 = row.get("id");
    let thumb: Vec<u8> = row.get("thumb");
    let detail: Vec<u8> = row.get("detail");
    assert_eq!(
        (row.get::<i64, _>("width"), row.get::<i64, _>("height")),
        (960, 1280)
    );
    assert!(thumb.len() <= 25 * 1024, "thumbnail {} bytes", thumb.len());
    for bytes in [&thumb, &detail] {
        assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
        assert!(!contains(bytes, b"Exif"), "EXIF survived");
        assert!(!contains(bytes, b"GPS"), "GPS survived");
        assert!(!contains(bytes, &[0xFF, 0xE1]), "an APP1 segment survived");
    }
    // Served publicly, cacheable, the stored bytes.
    let anon = app.visitor();
    let small = anon
        .client
        .get(format!("{}/foto/{photo}/kecil.jpg", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(small.status(), StatusCode::OK);
    assert_eq!(small.headers()["content-type"], "image/jpeg");
    assert!(
        small.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=31536000")
    );
    assert_eq!(small.bytes().await.unwrap().to_vec(), thumb);
    let big = anon
        .client
        .get(format!("{}/foto/{photo}/besar.jpg", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(big.bytes().await.unwrap().to_vec(), detail);
    assert_eq!(
        anon.get("/foto/999999/kecil.jpg").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'listing.photo_add' AND entity_id = CAST($1 AS TEXT)", id).await,
        1
    );

    // A text file named .jpg.
    let page = upload(
        &v,
        id,
        "foto.jpg",
        b"Ini catatan belanja, bukan foto.\n".repeat(50),
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("bukan foto JPEG, PNG atau WebP"),
        "{}",
        page.body
    );
    assert_eq!(photos(&app).await, 1);

    // A decompression bomb: 50000×50000 declared in a tiny PNG, refused quickly.
    let started = std::time::Instant::now();
    let page = upload(&v, id, "bom.png", png_bomb(50_000, 50_000)).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("terlalu besar untuk diproses"),
        "{}",
        page.body
    );
    assert!(started.elapsed().as_secs() < 5);
    assert_eq!(photos(&app).await, 1);

    // A 12 MB image: a real JPEG padded past 12 MB; refused with a 413 page, nothing stored.
    let mut huge = jpeg(&noisy(64, 64), 90);
    huge.resize(12 * 1024 * 1024, 0);
    let page = upload_raw(&app, id, &huge).await;
    assert!(
        page.starts_with("HTTP/1.1 413"),
        "{}",
        &page[..page.len().min(300)]
    );
    assert!(page.contains("terlalu besar"));
    assert_eq!(photos(&app).await, 1);
    // Just over 10 MB (inside the envelope limit): the same message from the photo rules.
    let mut over = jpeg(&noisy(64, 64), 90);
    over.resize(10 * 1024 * 1024 + 10, 0);
    let page = upload(&v, id, "besar.jpg", over).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.contains("Batasnya 10 MB"));
    assert_eq!(photos(&app).await, 1);

    // Up to five; the sixth is refused.
    for i in 0..4 {
        let page = upload(&v, id, &format!("p{i}.png"), {
            let mut png = Vec::new();
            image::DynamicImage::ImageRgb8(noisy(300, 200))
                .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
                .unwrap();
            png
        })
        .await;
        page.assert_redirect_to(&format!("/usaha/produk/{id}/foto"));
    }
    assert_eq!(photos(&app).await, 5);
    let page = upload(&v, id, "keenam.jpg", jpeg(&noisy(100, 100), 80)).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Sudah 5 foto"));
    assert_eq!(photos(&app).await, 5);
    // Deleting one makes room.
    v.post(&format!("/usaha/produk/{id}/foto/{photo}/hapus"), &[])
        .await
        .assert_redirect_to(&format!("/usaha/produk/{id}/foto"));
    assert_eq!(photos(&app).await, 4);
    // Someone else's listing: no upload.
    let (other, _) = second_alumnus(&app).await;
    let page = upload(&other, id, "x.jpg", jpeg(&noisy(50, 50), 80)).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(photos(&app).await, 4);
}

/// Uploads on a raw socket so the refusal can be read while the body is still being sent.
async fn upload_raw(app: &TestApp, listing: i64, bytes: &[u8]) -> String {
    use reqwest::cookie::CookieStore;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // A visitor whose cookie jar can be read, so the raw request carries the session.
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let v = Visitor {
        client: reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        base: app.base.clone(),
    };
    v.login("alumni", crate::helpers::DEMO_PASSWORD)
        .await
        .assert_redirect_to("/dasbor");
    let token = v.csrf().await;
    let url: reqwest::Url = app.base.parse().unwrap();
    let cookies = jar
        .cookies(&url)
        .map(|c| c.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut body = b"--x\r\nContent-Disposition: form-data; name=\"foto\"; filename=\"besar.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".to_vec();
    body.extend_from_slice(bytes);
    body.extend_from_slice(b"\r\n--x--\r\n");
    let head = format!(
        "POST /usaha/produk/{listing}/foto?_csrf={token} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: multipart/form-data; boundary=x\r\nCookie: {cookies}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let (mut rd, mut wr) = stream.into_split();
    let writer = tokio::spawn(async move {
        let _ = wr.write_all(head.as_bytes()).await;
        for chunk in body.chunks(256 * 1024) {
            if wr.write_all(chunk).await.is_err() {
                break;
            }
        }
    });
    let mut response = Vec::new();
    let _ = rd.read_to_end(&mut response).await;
    writer.abort();
    String::from_utf8_lossy(&response).into_owned()
}

async fn verification_sets_the_badge_and_is_audited(app: TestApp) {
    let (business, _) = own_business(&app).await;
    // Start unverified (the demo verified it already, through the same path: its audit rows
    // come before this test's).
    let audited_before = app
        .scalar("SELECT COALESCE(MAX(seq), 0) FROM audit_log")
        .await;
    sqlx::query("UPDATE businesses SET verified_at = NULL WHERE id = $1")
        .bind(business)
        .execute(app.db.pool())
        .await
        .unwrap();
    let participation: i64 = sqlx::query_scalar(
        "SELECT pa.id FROM participations pa JOIN businesses b ON b.alumnus_id = pa.alumnus_id WHERE b.id = $1 ORDER BY pa.id LIMIT 1",
    )
    .bind(business)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let foreign: i64 = sqlx::query_scalar(
        "SELECT pa.id FROM participations pa JOIN businesses b ON b.id = $1 WHERE pa.alumnus_id <> b.alumnus_id ORDER BY pa.id LIMIT 1",
    )
    .bind(business)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    // Not the admin: refused, nothing changes.
    let alumni = app.signed_in("alumni").await;
    let page = alumni
        .post(
            &format!("/admin/usaha/{business}/verifikasi"),
            &[("participation_id", &participation.to_string())],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM businesses WHERE id = $1 AND verified_at IS NULL",
            business
        )
        .await,
        1
    );
    let admin = app.signed_in("admin").await;
    let list = admin.get("/admin/usaha?status=belum").await;
    assert!(list.contains(&format!("/admin/usaha/{business}")));
    // Someone else's participation is refused.
    let page = admin
        .post(
            &format!("/admin/usaha/{business}/verifikasi"),
            &[("participation_id", &foreign.to_string())],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("bukan milik pemilik usaha"));
    let page = admin
        .post(
            &format!("/admin/usaha/{business}/verifikasi"),
            &[("participation_id", &participation.to_string())],
        )
        .await;
    page.assert_redirect_to(&format!("/admin/usaha/{business}"));
    let row = sqlx::query(
        "SELECT verified_at, verified_participation_id, verified_by FROM businesses WHERE id = $1",
    )
    .bind(business)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(row.get::<Option<i64>, _>("verified_at").is_some());
    assert_eq!(
        row.get::<Option<i64>, _>("verified_participation_id"),
        Some(participation)
    );
    let admin_id = app
        .scalar("SELECT id FROM users WHERE username = 'admin'")
        .await;
    assert_eq!(row.get::<Option<i64>, _>("verified_by"), Some(admin_id));
    assert_eq!(
        count2(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'business.verify' AND entity_id = CAST($1 AS TEXT) AND seq > $2", business, audited_before).await,
        1
    );
    let badge = karya::db::storefront::badge(&app.db, business)
        .await
        .unwrap()
        .expect("badge");
    assert!(badge.starts_with("Alumni BLK terverifikasi — "), "{badge}");
    assert!(badge.contains("angkatan"), "{badge}");
    assert!(
        admin
            .get(&format!("/admin/usaha/{business}"))
            .await
            .contains(&badge)
    );
    assert!(alumni.get("/usaha").await.contains(&badge));
    // Unverify needs a reason, which the audit keeps.
    let page = admin
        .post(
            &format!("/admin/usaha/{business}/cabut"),
            &[("reason", " ")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    admin
        .post(
            &format!("/admin/usaha/{business}/cabut"),
            &[("reason", "Usaha sudah tutup")],
        )
        .await
        .assert_redirect_to(&format!("/admin/usaha/{business}"));
    assert!(
        karya::db::storefront::badge(&app.db, business)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        count2(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'business.unverify' AND summary LIKE '%Usaha sudah tutup%' AND entity_id = CAST($1 AS TEXT) AND seq > $2", business, audited_before).await,
        1
    );
}

/// A trade the demo district has no categories for, added through the admin's form.
async fn new_trade(app: &TestApp, code: &str, name: &str) -> i64 {
    let admin = app.signed_in("admin").await;
    admin
        .post(
            "/admin/kejuruan/baru",
            &[("code", code), ("name", name), ("description", "")],
        )
        .await
        .assert_redirect_to("/admin/kejuruan?pesan=kejuruan-dibuat");
    sqlx::query_scalar("SELECT id FROM trades WHERE code = $1")
        .bind(code)
        .fetch_one(app.db.pool())
        .await
        .expect("the new trade")
}

/// Opens a business in `trade` for the signed-in alumnus `v` through the form.
async fn open_business(app: &TestApp, v: &Visitor, trade: i64, name: &str) {
    let (k, d) = kecamatan(app).await;
    let trade = trade.to_string();
    v.post(
        "/usaha/baru",
        &[
            ("name", name),
            ("trade_id", &trade),
            ("kecamatan", &k),
            ("desa", &d),
            ("areas", &k),
            ("open_days", "0"),
            ("open_from", "08:00"),
            ("open_until", "16:00"),
            ("phone", "0812 3456 7890"),
        ],
    )
    .await
    .assert_redirect_to("/usaha");
}

async fn categories_are_needed_and_kept_by_the_admin(app: TestApp) {
    // The demo's trades have their categories: a business in a new trade has none to choose.
    let trade = new_trade(&app, "RIAS", "Tata Rias Pengantin").await;
    let (v, _) = second_alumnus(&app).await;
    open_business(&app, &v, trade, "Rias Ayu Nipah").await;
    let page = v.get("/usaha/produk/baru").await;
    assert!(
        page.contains("Belum ada kategori untuk kejuruan Tata Rias Pengantin"),
        "{}",
        page.body
    );
    assert!(page.contains("belum dapat ditambahkan"), "{}", page.body);
    let before = app.scalar("SELECT COUNT(*) FROM categories").await;
    let admin = app.signed_in("admin").await;
    // Bad input: no trade, no name; nothing stored.
    let page = admin
        .post("/admin/kategori", &[("trade_id", ""), ("name", " ")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM categories").await, before);
    let id = new_category(&app, trade, "Rias pengantin").await;
    // The same name again (any case) is refused.
    let page = admin
        .post(
            "/admin/kategori",
            &[("trade_id", &trade.to_string()), ("name", "rias PENGANTIN")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("sudah punya kategori"));
    admin
        .post(
            &format!("/admin/kategori/{id}/ubah"),
            &[("name", "Rias pengantin adat Melayu")],
        )
        .await
        .assert_redirect_to("/admin/kategori");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM categories WHERE id = $1 AND name = 'Rias pengantin adat Melayu'",
            id
        )
        .await,
        1
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action IN ('category.create', 'category.rename') AND entity_id = CAST($1 AS TEXT)", id).await,
        2
    );
    // Now the alumnus can choose it, and the warning is gone.
    let page = v.get("/usaha/produk/baru").await;
    assert!(page.contains("Rias pengantin adat Melayu"));
    assert!(!page.contains("Belum ada kategori"), "{}", page.body);
    // Alumni do not keep categories.
    assert_eq!(
        v.post(
            "/admin/kategori",
            &[("trade_id", &trade.to_string()), ("name", "X")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}
