//! A generated catalog for measuring search (`benches/catalog.sh`): 10,000 businesses of
//! alumni spread over the 11 kecamatan of Tanjung Jabung Timur, each with 10 listings whose
//! titles come from a vocabulary per trade ("Kue ulang tahun cokelat 2 tingkat", "Service AC
//! split 1 PK"), prices per trade, a thumbnail each (real JPEGs from `media::process`, a few
//! dozen variants reused; the detail image is the thumbnail, since the benchmark never asks for
//! it), and reviews for about a third of the businesses.
//!
//! Nothing runs in an ordinary `cargo test`:
//!
//! ```sh
//! KARYA_MEASURE_CATALOG_URL='sqlite:///tmp/cat/karya.db?mode=rwc' cargo test --release --lib search::generate -- --nocapture
//! KARYA_MEASURE_CATALOG_URL=postgres://postgres@127.0.0.1/catalog cargo test --release --lib search::generate -- --nocapture
//! ```
//! Sizes: `KARYA_MEASURE_BUSINESSES` (10000), `KARYA_MEASURE_LISTINGS_PER` (10).

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::config::Backend;
use crate::db::{Db, regions};

struct TradeSpec {
    code: &'static str,
    name: &'static str,
    categories: &'static [&'static str],
    items: &'static [&'static str],
    extras: &'static [&'static str],
    units: &'static [&'static str],
    prices: (i64, i64),
}

const TRADES: &[TradeSpec] = &[
    TradeSpec {
        code: "TBG",
        name: "Tata Boga",
        categories: &[
            "Kue ulang tahun",
            "Snack box",
            "Roti",
            "Kue kering",
            "Nasi kotak",
        ],
        items: &[
            "Kue ulang tahun",
            "Kue tart",
            "Bolu gulung",
            "Bolu pandan",
            "Snack box",
            "Roti manis",
            "Roti tawar",
            "Kue lapis",
            "Brownies",
            "Nastar",
            "Kastengel",
            "Nasi kotak",
            "Donat",
            "Pempek",
            "Kue bolu kukus",
            "Lemper",
            "Risoles",
            "Kue sus",
        ],
        extras: &[
            "cokelat",
            "keju",
            "pandan",
            "isi 6",
            "isi 10",
            "2 tingkat",
            "mini",
            "spesial",
            "untuk rapat",
            "premium",
            "lebaran",
            "pesanan kantor",
        ],
        units: &["loyang", "kotak", "bungkus", "toples", "buah"],
        prices: (5_000, 450_000),
    },
    TradeSpec {
        code: "RAC",
        name: "Teknik Pendingin dan Tata Udara",
        categories: &["Servis AC", "Pasang AC", "Perbaikan kulkas"],
        items: &[
            "Service AC split",
            "Cuci AC",
            "Isi freon AC",
            "Pasang AC baru",
            "Bongkar pasang AC",
            "Perbaikan kulkas",
            "Servis AC kantor",
            "Perbaikan AC tidak dingin",
        ],
        extras: &[
            "1/2 PK",
            "1 PK",
            "2 PK",
            "inverter",
            "panggilan",
            "kontrak bulanan",
            "gedung",
        ],
        units: &["unit AC", "unit", "kunjungan"],
        prices: (50_000, 900_000),
    },
    TradeSpec {
        code: "JHT",
        name: "Menjahit",
        categories: &["Pakaian", "Seragam", "Permak"],
        items: &[
            "Jahit seragam sekolah",
            "Jahit kebaya",
            "Jahit gamis",
            "Permak celana",
            "Jahit seragam kantor",
            "Jahit baju kurung",
            "Pasang resleting",
            "Jahit batik",
        ],
        extras: &[
            "anak",
            "dewasa",
            "kain sendiri",
            "ukur di rumah",
            "ekspres",
            "satu stel",
        ],
        units: &["stel", "potong", "pasang"],
        prices: (15_000, 600_000),
    },
    TradeSpec {
        code: "TKC",
        name: "Tata Kecantikan",
        categories: &["Rias", "Rambut"],
        items: &[
            "Rias pengantin",
            "Make up wisuda",
            "Potong rambut",
            "Creambath",
            "Rias pesta",
            "Sanggul modern",
        ],
        extras: &["panggilan", "paket", "hemat", "lengkap", "anak"],
        units: &["orang", "paket", "sesi"],
        prices: (25_000, 3_500_000),
    },
    TradeSpec {
        code: "TIK",
        name: "Teknologi Informasi dan Komunikasi",
        categories: &["Servis komputer", "Pengetikan dan cetak"],
        items: &[
            "Servis laptop",
            "Instal ulang Windows",
            "Pengetikan dokumen",
            "Cetak dan jilid",
            "Desain undangan",
            "Rakit komputer",
        ],
        extras: &["kilat", "kantor", "sekolah", "berwarna", "A4"],
        units: &["unit", "lembar", "dokumen"],
        prices: (1_000, 750_000),
    },
    TradeSpec {
        code: "OTO",
        name: "Otomotif Sepeda Motor",
        categories: &["Servis motor", "Suku cadang"],
        items: &[
            "Servis motor",
            "Ganti oli",
            "Tune up motor",
            "Ganti kampas rem",
            "Servis injeksi",
            "Turun mesin",
        ],
        extras: &["matic", "bebek", "sport", "panggilan", "ringan", "besar"],
        units: &["motor", "kali servis", "unit"],
        prices: (25_000, 1_500_000),
    },
    TradeSpec {
        code: "LIS",
        name: "Instalasi Listrik",
        categories: &["Instalasi listrik", "Perbaikan listrik"],
        items: &[
            "Instalasi listrik rumah",
            "Pasang stop kontak",
            "Perbaikan korsleting",
            "Pasang lampu",
            "Tambah daya",
            "Instalasi panel",
        ],
        extras: &["rumah", "ruko", "kantor", "titik", "lengkap"],
        units: &["titik", "rumah", "pekerjaan"],
        prices: (35_000, 5_000_000),
    },
];

const FIRST: &[&str] = &[
    "Sari", "Rina", "Ahmad", "Budi", "Dewi", "Eka", "Fitri", "Hendra", "Indah", "Joko", "Lina",
    "Rahmat", "Siti", "Yusuf", "Nur", "Wati", "Agus", "Putri", "Dian", "Rizki",
];
const BUSINESS: &[&str] = &[
    "Dapur {n}",
    "{n} Bakery",
    "Usaha {n}",
    "{n} Teknik",
    "Bengkel {n}",
    "{n} Jaya",
    "Rumah {n}",
    "{n} Mandiri",
    "Karya {n}",
    "{n} Sejahtera",
];
const DESCRIPTIONS: &[&str] = &[
    "Dikerjakan oleh alumni BLK dengan bahan pilihan.",
    "Bisa diantar ke kantor dan rumah, pesan sehari sebelumnya.",
    "Harga bersahabat, hasil rapi, bergaransi.",
    "Melayani pesanan kantor dan acara keluarga.",
    "Tersedia setiap hari kecuali Minggu.",
];

async fn exec(db: &Db, sql: String) {
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(db.pool())
        .await
        .expect("generator insert");
}

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Thumbnails made by the real photo pipeline from synthetic "photos" (gradients with texture).
fn thumbnails(rng: &mut StdRng, count: usize) -> Vec<Vec<u8>> {
    (0..count)
        .map(|i| {
            let (w, h) = (1024u32, 768u32);
            let base = [
                rng.random_range(60..200u8),
                rng.random_range(60..200u8),
                rng.random_range(60..200u8),
            ];
            let mut img = image::RgbImage::new(w, h);
            for (x, y, p) in img.enumerate_pixels_mut() {
                let n = rng.random_range(0..24u8);
                let shade = ((x * 60 / w) + (y * 40 / h)) as u8;
                let ring = if ((x as i64 - 512).pow(2) + (y as i64 - 384).pow(2))
                    < (200 + i as i64 * 5).pow(2)
                {
                    40
                } else {
                    0
                };
                *p = image::Rgb([
                    base[0]
                        .saturating_add(shade)
                        .saturating_add(n)
                        .saturating_sub(ring),
                    base[1].saturating_add(n / 2).saturating_add(ring),
                    base[2].saturating_sub(shade / 2).saturating_add(n),
                ]);
            }
            let mut png = Vec::new();
            image::DynamicImage::ImageRgb8(img)
                .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
                .expect("png");
            crate::media::process(&png).expect("processed").thumb
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn generate_catalog() {
    let Ok(url) = std::env::var("KARYA_MEASURE_CATALOG_URL") else {
        return;
    };
    let businesses: i64 = std::env::var("KARYA_MEASURE_BUSINESSES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let per: i64 = std::env::var("KARYA_MEASURE_LISTINGS_PER")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let backend = if url.starts_with("postgres") {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    let started = std::time::Instant::now();
    let options = crate::db::Options {
        max_connections: 4,
        synchronous: crate::db::Synchronous::Normal,
        chain_key: crate::domain::audit::ChainKey::derive(&[0; 32]),
    };
    let db = Db::connect(&url, backend, options).await.expect("database");
    db.migrate().await.expect("migrations");
    regions::load(&db, &["15.07".to_string()])
        .await
        .expect("regions");
    let kecamatan: Vec<String> =
        sqlx::query_scalar("SELECT code FROM regions WHERE level = 'kecamatan' ORDER BY code")
            .fetch_all(db.pool())
            .await
            .unwrap();
    let mut desa: Vec<Vec<String>> = Vec::new();
    for k in &kecamatan {
        desa.push(
            sqlx::query_scalar("SELECT code FROM regions WHERE parent_code = $1 ORDER BY code")
                .bind(k)
                .fetch_all(db.pool())
                .await
                .unwrap(),
        );
    }
    let mut rng = StdRng::seed_from_u64(2017);
    let now = 1_760_000_000i64;
    // Trades and categories.
    let mut categories: Vec<Vec<i64>> = Vec::new();
    for (t, spec) in TRADES.iter().enumerate() {
        let id = t as i64 + 1;
        exec(&db, format!(
            "INSERT INTO trades (id, code, name, description, created_at) VALUES ({id}, {}, {}, '', {now})",
            q(spec.code), q(spec.name)
        )).await;
        let mut ids = Vec::new();
        for (c, name) in spec.categories.iter().enumerate() {
            let cid = id * 100 + c as i64;
            exec(
                &db,
                format!(
                    "INSERT INTO categories (id, trade_id, name) VALUES ({cid}, {id}, {})",
                    q(name)
                ),
            )
            .await;
            ids.push(cid);
        }
        categories.push(ids);
    }
    let thumbs = thumbnails(&mut rng, 24);
    let chunk = 500;
    // Alumni and businesses.
    let mut plan: Vec<(i64, usize)> = Vec::new();
    for start in (1..=businesses).step_by(chunk) {
        let end = (start + chunk as i64 - 1).min(businesses);
        let mut alumni = Vec::new();
        let mut rows = Vec::new();
        let mut areas = Vec::new();
        for id in start..=end {
            let trade = rng.random_range(0..TRADES.len());
            let k = rng.random_range(0..kecamatan.len());
            let d = &desa[k];
            let desa_code = d.get(rng.random_range(0..d.len().max(1))).cloned();
            let first = FIRST[rng.random_range(0..FIRST.len())];
            alumni.push(format!(
                "({id}, {}, 'P', {now}, {now}, {})",
                q(&format!("{first} {id}")),
                q(&kecamatan[k])
            ));
            let name = BUSINESS[rng.random_range(0..BUSINESS.len())].replace("{n}", first);
            let verified = if rng.random_range(0..3) > 0 {
                now.to_string()
            } else {
                "NULL".into()
            };
            rows.push(format!(
                "({id}, {id}, {}, {}, {}, {}, {}, {verified}, {now})",
                trade + 1,
                q(&format!("{name} {id}")),
                q(DESCRIPTIONS[rng.random_range(0..DESCRIPTIONS.len())]),
                q(&kecamatan[k]),
                desa_code.map_or("NULL".into(), |c| q(&c)),
            ));
            // A third serve a neighbouring kecamatan too.
            if rng.random_range(0..3) == 0 {
                areas.push(format!(
                    "({id}, {})",
                    q(&kecamatan[(k + 1) % kecamatan.len()])
                ));
            }
            plan.push((id, trade));
        }
        exec(&db, format!("INSERT INTO alumni (id, full_name, gender, created_at, updated_at, kecamatan_code) VALUES {}", alumni.join(", "))).await;
        exec(&db, format!("INSERT INTO businesses (id, alumnus_id, trade_id, name, description, kecamatan_code, desa_code, verified_at, created_at) VALUES {}", rows.join(", "))).await;
        if !areas.is_empty() {
            exec(
                &db,
                format!(
                    "INSERT INTO business_areas (business_id, region_code) VALUES {}",
                    areas.join(", ")
                ),
            )
            .await;
        }
    }
    // Listings with a thumbnail each.
    let mut listing_id = 0i64;
    for group in plan.chunks(chunk / per as usize) {
        let mut rows = Vec::new();
        let mut photos: Vec<(i64, usize)> = Vec::new();
        for &(business, trade) in group {
            let spec = &TRADES[trade];
            for _ in 0..per {
                listing_id += 1;
                let item = spec.items[rng.random_range(0..spec.items.len())];
                let extra = spec.extras[rng.random_range(0..spec.extras.len())];
                let title = format!("{item} {extra}");
                let cat = categories[trade][rng.random_range(0..categories[trade].len())];
                let (kind, price) = match rng.random_range(0..10) {
                    0 => ("quote", "NULL".to_string()),
                    1..=3 => (
                        "from",
                        (rng.random_range(spec.prices.0..spec.prices.1) / 1000 * 1000)
                            .max(1000)
                            .to_string(),
                    ),
                    _ => (
                        "fixed",
                        (rng.random_range(spec.prices.0..spec.prices.1) / 1000 * 1000)
                            .max(1000)
                            .to_string(),
                    ),
                };
                let created = now - rng.random_range(0..86_400 * 365);
                rows.push(format!(
                    "({listing_id}, {business}, {}, {}, {}, {cat}, '{kind}', {price}, {}, {}, {created}, {created}, 1)",
                    if trade == 0 { "'product'" } else { "'service'" },
                    q(&title),
                    q(&format!("{title}. {}", DESCRIPTIONS[rng.random_range(0..DESCRIPTIONS.len())])),
                    q(spec.units[rng.random_range(0..spec.units.len())]),
                    rng.random_range(0..4),
                ));
                photos.push((listing_id, rng.random_range(0..thumbs.len())));
            }
        }
        exec(&db, format!("INSERT INTO listings (id, business_id, kind, title, description, category_id, price_kind, price, unit, lead_days, created_at, updated_at, revision) VALUES {}", rows.join(", "))).await;
        let mut tx = db.begin().await.unwrap();
        for (listing, t) in photos {
            sqlx::query("INSERT INTO listing_photos (listing_id, position, thumb, detail, width, height, created_at) VALUES ($1, 1, $2, $2, 320, 240, $3)")
                .bind(listing)
                .bind(thumbs[t].clone())
                .bind(now)
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }
    // Reviews for about a third of the businesses.
    let mut order_id = 0i64;
    let mut orders = Vec::new();
    let mut reviews = Vec::new();
    for &(business, _) in &plan {
        if rng.random_range(0..3) != 0 {
            continue;
        }
        for _ in 0..rng.random_range(1..6) {
            order_id += 1;
            orders.push(format!("({order_id}, {business}, 'Pembeli', '+6281200000000', 'pickup', '2025-01-01', 'gen-{order_id}', {now}, {now})"));
            reviews.push(format!(
                "({order_id}, {business}, {}, 'Memuaskan.', 'Pembeli', {now})",
                rng.random_range(3..6)
            ));
        }
        if orders.len() >= chunk {
            exec(&db, format!("INSERT INTO orders (id, business_id, buyer_name, buyer_phone, fulfilment, needed_on, idempotency_key, created_at, updated_at) VALUES {}", orders.join(", "))).await;
            exec(&db, format!("INSERT INTO reviews (order_id, business_id, rating, body, reviewer, created_at) VALUES {}", reviews.join(", "))).await;
            orders.clear();
            reviews.clear();
        }
    }
    if !orders.is_empty() {
        exec(&db, format!("INSERT INTO orders (id, business_id, buyer_name, buyer_phone, fulfilment, needed_on, idempotency_key, created_at, updated_at) VALUES {}", orders.join(", "))).await;
        exec(&db, format!("INSERT INTO reviews (order_id, business_id, rating, body, reviewer, created_at) VALUES {}", reviews.join(", "))).await;
    }
    exec(
        &db,
        "UPDATE counters SET value = 1 WHERE name = 'catalog'".into(),
    )
    .await;
    if backend == Backend::Postgres {
        for t in [
            "trades",
            "categories",
            "alumni",
            "businesses",
            "listings",
            "orders",
        ] {
            exec(
                &db,
                format!(
                    "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT MAX(id) FROM {t}))"
                ),
            )
            .await;
        }
        exec(&db, "ANALYZE".into()).await;
    }
    println!(
        "measure: {businesses} businesses, {listing_id} listings, {order_id} reviews, thumbnails {}–{} bytes, in {:.1} s",
        thumbs.iter().map(Vec::len).min().unwrap_or(0),
        thumbs.iter().map(Vec::len).max().unwrap_or(0),
        started.elapsed().as_secs_f64()
    );
}
