//! A generated district at scale for the outcomes dashboard and report (`benches/outcomes.sh`):
//! 100,000 alumni over ten years of batches (seven trades), about 110,000 participations, a
//! business for three in ten, 1,000,000 public orders with 600,000 confirmed payments, tracer
//! invitations for waves 1 and 6 with answers for about 55% and their obstacles. Bulk
//! multi-row INSERTs, a transaction per chunk. Then it times the dashboard's figures (built and
//! rendered as the page does) and the year's report as PDF and XLSX.
//!
//! Nothing runs in an ordinary `cargo test`:
//!
//! ```sh
//! KARYA_MEASURE_OUTCOMES_URL='sqlite:///tmp/out/karya.db?mode=rwc' cargo test --release --lib db::outcomes_scale -- --nocapture
//! KARYA_MEASURE_OUTCOMES_URL=postgres://postgres@127.0.0.1/outcomes cargo test --release --lib db::outcomes_scale -- --nocapture
//! ```
//! Sizes: `KARYA_MEASURE_ALUMNI` (100000), `KARYA_MEASURE_ORDERS` (1000000). The database
//! must be empty (a fresh file or database).

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::config::{Backend, Instance};
use crate::db::{Db, regions};
use crate::domain::outcomes::{Dimension, Filter};

const TRADES: [&str; 7] = [
    "Tata Boga",
    "Teknik Pendingin dan Tata Udara",
    "Menjahit",
    "Otomotif Sepeda Motor",
    "Instalasi Listrik",
    "Tata Kecantikan",
    "Teknologi Informasi dan Komunikasi",
];
const CHUNK: usize = 1000;

async fn insert(db: &Db, head: &str, rows: &[String]) {
    for chunk in rows.chunks(CHUNK) {
        let mut tx = db.begin().await.expect("begin");
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{head} VALUES {}",
            chunk.join(", ")
        )))
        .execute(&mut *tx)
        .await
        .expect("generator insert");
        tx.commit().await.expect("commit");
    }
}

fn env(name: &str, default: i64) -> i64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(mut v: Vec<Duration>) -> u128 {
    v.sort();
    v[v.len() / 2].as_millis()
}

#[tokio::test(flavor = "multi_thread")]
async fn generate_and_measure() {
    let Ok(url) = std::env::var("KARYA_MEASURE_OUTCOMES_URL") else {
        return;
    };
    let alumni = env("KARYA_MEASURE_ALUMNI", 100_000);
    let orders = env("KARYA_MEASURE_ORDERS", 1_000_000);
    let backend = if url.starts_with("postgres") {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
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
    if let Ok(dir) = std::env::var("KARYA_MEASURE_PRINT_SQL") {
        // The two big queries with "all" bound, for timing in sqlite3 or psql.
        let asked = [None, Some(Dimension::Year), Some(Dimension::Trade)];
        let bare = |sql: String| {
            sql.replace("$1", "''")
                .replace("$2", "0")
                .replace("$3", "0")
                .replace("$4", "0")
                .replace("$5", "''")
                .replace("$6", "''")
        };
        std::fs::write(
            format!("{dir}/groups.sql"),
            bare(crate::db::outcomes::groups_sql(&asked)) + ";\n",
        )
        .unwrap();
        std::fs::write(
            format!("{dir}/waves.sql"),
            bare(crate::db::outcomes::waves_sql(&asked)) + ";\n",
        )
        .unwrap();
    }
    let present: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM alumni")
        .fetch_one(db.pool())
        .await
        .unwrap();
    if present == 0 {
        generate(&db, alumni, orders, &kecamatan).await;
    }
    measure(&db).await;
}

async fn generate(db: &Db, alumni: i64, orders: i64, kecamatan: &[String]) {
    let db = db.clone();
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(14);
    let now = 1_765_000_000i64;

    // Trades, one program and one category each; four batches per program and year 2017–2026.
    let mut rows = Vec::new();
    for (i, name) in TRADES.iter().enumerate() {
        rows.push(format!("({}, 'T{i}', '{name}', '', {now})", i + 1));
    }
    insert(
        &db,
        "INSERT INTO trades (id, code, name, description, created_at)",
        &rows,
    )
    .await;
    let rows: Vec<String> = (1..=TRADES.len())
        .map(|i| format!("({i}, {i}, 'Program {i}', 160, 20, '', {now})"))
        .collect();
    insert(
        &db,
        "INSERT INTO programs (id, trade_id, name, hours, days, competency_units, created_at)",
        &rows,
    )
    .await;
    let rows: Vec<String> = (1..=TRADES.len())
        .map(|i| format!("({i}, {i}, 'Kategori {i}')"))
        .collect();
    insert(&db, "INSERT INTO categories (id, trade_id, name)", &rows).await;
    let mut batches = Vec::new(); // (id, program, end year, end month)
    let mut rows = Vec::new();
    for year in 2017..=2026i64 {
        for program in 1..=TRADES.len() as i64 {
            for number in 1..=4i64 {
                let id = batches.len() as i64 + 1;
                let month = number * 3;
                batches.push((id, program, year, month));
                rows.push(format!(
                    "({id}, {program}, {year}, {number}, '{year}-{:02}-01', '{year}-{month:02}-20', 'APBD', 400, {now})",
                    month - 1
                ));
            }
        }
    }
    insert(
        &db,
        "INSERT INTO batches (id, program_id, year, number, start_date, end_date, funding, capacity, created_at)",
        &rows,
    )
    .await;

    // Alumni and participations (one in ten trains twice).
    let mut people = Vec::new();
    let mut parts = Vec::new(); // (id, alumnus, batch, lulus)
    for a in 1..=alumni {
        let gender = if rng.random_range(0..2) == 0 {
            "L"
        } else {
            "P"
        };
        let kec = &kecamatan[rng.random_range(0..kecamatan.len())];
        people.push(format!(
            "({a}, 'Alumni {a}', '{gender}', '{kec}', {now}, {now})"
        ));
        let times = if rng.random_range(0..10) == 0 { 2 } else { 1 };
        let mut seen = Vec::new();
        for _ in 0..times {
            let b = rng.random_range(0..batches.len());
            if seen.contains(&b) {
                continue;
            }
            seen.push(b);
            let lulus = rng.random_range(0..10) < 9;
            parts.push((parts.len() as i64 + 1, a, batches[b].0, lulus, b));
        }
    }
    insert(
        &db,
        "INSERT INTO alumni (id, full_name, gender, kecamatan_code, created_at, updated_at)",
        &people,
    )
    .await;
    let rows: Vec<String> = parts
        .iter()
        .map(|(id, a, b, lulus, _)| {
            let (result, competency) = match (lulus, id % 5) {
                (true, 0) => ("lulus", "belum_kompeten"),
                (true, _) => ("lulus", "kompeten"),
                (false, _) => ("tidak_lulus", "belum_kompeten"),
            };
            format!("({id}, {a}, {b}, '{result}', '{competency}')")
        })
        .collect();
    insert(
        &db,
        "INSERT INTO participations (id, alumnus_id, batch_id, result, competency)",
        &rows,
    )
    .await;
    let generated_people = started.elapsed();

    // Businesses for three in ten, each with a listing (four in five active).
    let mut businesses = Vec::new();
    let mut rows = Vec::new();
    let mut listings = Vec::new();
    let mut owners = std::collections::HashSet::new();
    for (_, a, _, _, b) in parts.iter().filter(|p| p.1 % 10 < 3) {
        if !owners.insert(*a) {
            continue;
        }
        let id = businesses.len() as i64 + 1;
        let trade = batches[*b].1;
        businesses.push((id, *a));
        rows.push(format!("({id}, {a}, {trade}, 'Usaha {id}', {now})"));
        let active = i64::from(id % 5 != 0);
        listings.push(format!(
            "({id}, {id}, 'service', 'Jasa {id}', {trade}, 'fixed', 100000, 'unit', {active}, {now}, {now})"
        ));
    }
    insert(
        &db,
        "INSERT INTO businesses (id, alumnus_id, trade_id, name, created_at)",
        &rows,
    )
    .await;
    insert(
        &db,
        "INSERT INTO listings (id, business_id, kind, title, category_id, price_kind, price, unit, active, created_at, updated_at)",
        &listings,
    )
    .await;

    // Orders and payments, in slices to bound memory.
    let slice = 100_000i64;
    let mut next = 1i64;
    while next <= orders {
        let end = (next + slice - 1).min(orders);
        let mut o = Vec::with_capacity(slice as usize);
        let mut p = Vec::new();
        for id in next..=end {
            let (business, _) = businesses[rng.random_range(0..businesses.len())];
            let amount = rng.random_range(5..200i64) * 10_000;
            o.push(format!(
                "({id}, {business}, 'Pembeli', '+62812', 'service', '2026-01-01', {amount}, 'k{id}', {now}, {now})"
            ));
            if rng.random_range(0..10) < 6 {
                p.push(format!(
                    "({id}, 'cash', '2026-01-02', {amount}, {now}, {now})"
                ));
            }
        }
        insert(
            &db,
            "INSERT INTO orders (id, business_id, buyer_name, buyer_phone, fulfilment, needed_on, total, idempotency_key, created_at, updated_at)",
            &o,
        )
        .await;
        insert(
            &db,
            "INSERT INTO order_payments (order_id, method, paid_on, amount, recorded_at, confirmed_at)",
            &p,
        )
        .await;
        next = end + 1;
    }
    let generated_orders = started.elapsed();

    // Tracer: waves 1 and 6 for completers of batches that ended by mid-2026; 55% answer.
    insert(
        &db,
        "INSERT INTO tracer_versions (id, body, created_at)",
        &[format!("(1, '{{}}', {now})")],
    )
    .await;
    let statuses = [
        "penuh_waktu",
        "wirausaha",
        "bekerja_wirausaha",
        "mencari",
        "studi",
    ];
    let obstacles = [
        "pemasaran",
        "modal",
        "alat",
        "bahan",
        "izin_usaha",
        "lainnya",
    ];
    let (mut inv, mut resp, mut obs) = (Vec::new(), Vec::new(), Vec::new());
    for (pid, _, _, lulus, b) in &parts {
        let (_, _, year, month) = batches[*b];
        if !lulus || (year, month) > (2026, 6) {
            continue;
        }
        for wave in [1i64, 6] {
            let id = inv.len() as i64 + 1;
            inv.push(format!(
                "({id}, {pid}, {wave}, '2026-01-01', '2026-01-31', 'h{id}', {now})"
            ));
            if rng.random_range(0..100) < 55 {
                let status = statuses[rng.random_range(0..statuses.len())];
                let works = i64::from(!matches!(status, "mencari" | "studi"));
                let umk = i64::from(works == 1 && rng.random_range(0..2) == 0);
                resp.push(format!(
                    "({id}, {id}, 1, 'tautan', '{status}', {works}, {umk}, '{{}}', {now})"
                ));
                obs.push(format!(
                    "({id}, '{}')",
                    obstacles[rng.random_range(0..obstacles.len())]
                ));
            }
        }
    }
    insert(
        &db,
        "INSERT INTO tracer_invitations (id, participation_id, wave, opens_on, closes_on, token_hash, created_at)",
        &inv,
    )
    .await;
    insert(
        &db,
        "INSERT INTO tracer_responses (id, invitation_id, version_id, source, status, works_in_trade, earns_umk, answers, answered_at)",
        &resp,
    )
    .await;
    insert(
        &db,
        "INSERT INTO tracer_obstacles (response_id, obstacle)",
        &obs,
    )
    .await;
    sqlx::query("ANALYZE").execute(db.pool()).await.unwrap();
    let generated = started.elapsed();
    println!(
        "measure: generated alumni={alumni} participations={} businesses={} orders={orders} invitations={} responses={} people_s={:.1} orders_s={:.1} total_s={:.1}",
        parts.len(),
        businesses.len(),
        inv.len(),
        resp.len(),
        generated_people.as_secs_f64(),
        generated_orders.as_secs_f64(),
        generated.as_secs_f64()
    );
}

async fn measure(db: &Db) {
    let db = db.clone();
    // The dashboard as the page builds it: figures with a breakdown by trade, then the tables
    // and charts; with no filter and with a year.
    for (name, filter) in [
        ("all", Filter::default()),
        (
            "year2025",
            Filter {
                year: Some(2025),
                ..Filter::default()
            },
        ),
    ] {
        let mut times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let o = crate::app::outcomes::build(&db, &filter, &[Dimension::Trade])
                .await
                .expect("outcomes");
            let tables = crate::views::outcomes::tables(&o);
            let charts = crate::views::outcomes::charts(&o);
            assert!(!tables.is_empty() && !charts.is_empty());
            times.push(t.elapsed());
        }
        println!("measure: dashboard_{name}_ms_median={}", median(times));
    }
    let instance = Instance::default();
    let t = Instant::now();
    let pdf = crate::app::outcomes::report_pdf(&db, &instance, 2025)
        .await
        .expect("pdf");
    println!(
        "measure: report_pdf_2025_ms={} bytes={}",
        t.elapsed().as_millis(),
        pdf.len()
    );
    let t = Instant::now();
    let xlsx = crate::app::outcomes::report_xlsx(&db, 2025)
        .await
        .expect("xlsx");
    println!(
        "measure: report_xlsx_2025_ms={} bytes={}",
        t.elapsed().as_millis(),
        xlsx.len()
    );
}
