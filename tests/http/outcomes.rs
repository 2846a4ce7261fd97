//! The outcomes dashboard (`/admin/hasil`), the lists behind its numbers, the training feedback
//! and the report: figures against a cohort built here by SQL (batches ending in 2031, a year
//! the demo does not reach), with the expectations computed by hand.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use scraper::{ElementRef, Html, Selector};

use crate::both;
use crate::helpers::TestApp;
use crate::pdftext;

both!(
    a_hand_computed_cohort_on_the_dashboard_the_lists_and_the_report,
    alumni_sales_follow_every_payment
);

async fn id(app: &TestApp, sql: String) -> i64 {
    use sqlx::Row;
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_one(app.db.pool())
        .await
        .expect("insert")
        .try_get(0)
        .expect("id")
}

async fn exec(app: &TestApp, sql: String) {
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(app.db.pool())
        .await
        .expect("statement");
}

/// Who is in the cohort, and what each of them did.
struct Cohort {
    trade: i64,
    trade_name: String,
    batch_label: String,
    office_gross: i64,
}

/// Six people in one batch that ended in June 2031:
/// - A1 (P) lulus, kompeten; wave 1 wirausaha (in trade, ≥ UMK; obstacles modal, pemasaran);
///   wave 6 in trade, below UMK (modal); a storefront and a confirmed order of Rp500.000;
/// - A2 (L) lulus, belum kompeten; wave 1 looking for work (modal); wave 6 invited, no answer;
/// - A3 (P) lulus, kompeten; wave 1 invited, no answer; a business without listings, a confirmed
///   order of Rp1.200.000 and a live office payment: platform evidence with no self-report;
///   a review of 1 star and a dispute about freon;
/// - A4 (L) lulus; waves 1 and 6 employed full time in trade, ≥ UMK; no business;
/// - A5 (P) lulus; never invited; a storefront and an unconfirmed payment (counts nothing);
/// - A6 (L) tidak lulus.
async fn cohort(app: &TestApp) -> Cohort {
    let kec: String = sqlx::query_scalar(
        "SELECT code FROM regions WHERE level = 'kecamatan' ORDER BY code LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let trade_name = "Servis AC Uji Hasil".to_owned();
    let trade = id(
        app,
        format!("INSERT INTO trades (code, name, created_at) VALUES ('UJH', '{trade_name}', 0) RETURNING id"),
    )
    .await;
    let program = id(
        app,
        format!(
            "INSERT INTO programs (trade_id, name, hours, days, created_at) \
             VALUES ({trade}, 'Teknisi AC Uji', 240, 30, 0) RETURNING id"
        ),
    )
    .await;
    let batch = id(
        app,
        format!(
            "INSERT INTO batches (program_id, year, number, start_date, end_date, funding, capacity, created_at) \
             VALUES ({program}, 2031, 1, '2031-05-01', '2031-06-30', 'APBD', 16, 0) RETURNING id"
        ),
    )
    .await;
    let category = id(
        app,
        format!(
            "INSERT INTO categories (trade_id, name) VALUES ({trade}, 'Servis AC uji') RETURNING id"
        ),
    )
    .await;
    let version = id(
        app,
        "INSERT INTO tracer_versions (body, created_at) VALUES ('{}', 0) RETURNING id".into(),
    )
    .await;
    let people = [
        ("Ani Uji", "P", "lulus", "kompeten"),
        ("Budi Uji", "L", "lulus", "belum_kompeten"),
        ("Citra Uji", "P", "lulus", "kompeten"),
        ("Dodi Uji", "L", "lulus", "belum_kompeten"),
        ("Eka Uji", "P", "lulus", "belum_kompeten"),
        ("Fajar Uji", "L", "tidak_lulus", "belum_kompeten"),
    ];
    let mut alumni = Vec::new();
    let mut parts = Vec::new();
    for (name, gender, result, competency) in people {
        let a = id(
            app,
            format!(
                "INSERT INTO alumni (full_name, gender, kecamatan_code, created_at, updated_at) \
                 VALUES ('{name}', '{gender}', '{kec}', 0, 0) RETURNING id"
            ),
        )
        .await;
        let p = id(
            app,
            format!(
                "INSERT INTO participations (alumnus_id, batch_id, result, competency) \
                 VALUES ({a}, {batch}, '{result}', '{competency}') RETURNING id"
            ),
        )
        .await;
        alumni.push(a);
        parts.push(p);
    }
    // Invitations and answers: (person, wave, answer: (status, in trade, umk, obstacles)).
    type Answer = Option<(&'static str, i64, i64, &'static [&'static str])>;
    let tracer: [(usize, i64, Answer); 7] = [
        (0, 1, Some(("wirausaha", 1, 1, &["modal", "pemasaran"]))),
        (0, 6, Some(("wirausaha", 1, 0, &["modal"]))),
        (1, 1, Some(("mencari", 0, 0, &["modal"]))),
        (1, 6, None),
        (2, 1, None),
        (3, 1, Some(("penuh_waktu", 1, 1, &[]))),
        (3, 6, Some(("penuh_waktu", 1, 1, &[]))),
    ];
    for (n, (who, wave, answer)) in tracer.iter().enumerate() {
        let inv = id(
            app,
            format!(
                "INSERT INTO tracer_invitations (participation_id, wave, opens_on, closes_on, token_hash, created_at) \
                 VALUES ({}, {wave}, '2031-08-01', '2031-08-31', 'uji-hasil-{n}', 0) RETURNING id",
                parts[*who]
            ),
        )
        .await;
        if let Some((status, in_trade, umk, obstacles)) = answer {
            let r = id(
                app,
                format!(
                    "INSERT INTO tracer_responses (invitation_id, version_id, source, status, works_in_trade, \
                       earns_umk, answers, answered_at) \
                     VALUES ({inv}, {version}, 'tautan', '{status}', {in_trade}, {umk}, '{{}}', 0) RETURNING id"
                ),
            )
            .await;
            for o in *obstacles {
                exec(
                    app,
                    format!(
                        "INSERT INTO tracer_obstacles (response_id, obstacle) VALUES ({r}, '{o}')"
                    ),
                )
                .await;
            }
        }
    }
    // Businesses: A1 and A5 with a listing (storefronts), A3 without.
    let mut business = BTreeMap::new();
    for who in [0usize, 2, 4] {
        let b = id(
            app,
            format!(
                "INSERT INTO businesses (alumnus_id, trade_id, name, created_at) \
                 VALUES ({}, {trade}, 'Usaha {who} Uji Hasil', 0) RETURNING id",
                alumni[who]
            ),
        )
        .await;
        business.insert(who, b);
    }
    for who in [0usize, 4] {
        exec(
            app,
            format!(
                "INSERT INTO listings (business_id, kind, title, category_id, price_kind, price, unit, \
                   min_order, lead_days, created_at, updated_at) \
                 VALUES ({}, 'service', 'Cuci AC uji', {category}, 'fixed', 100000, 'unit', 1, 0, 0, 0)",
                business[&who]
            ),
        )
        .await;
    }
    // Orders: (business of, amount, confirmed, end state).
    let orders = [
        (0usize, 500_000i64, true, "completed"),
        (2, 1_200_000, true, "completed"),
        (4, 300_000, false, "completed"),
        (2, 250_000, false, "disputed"),
    ];
    for (n, (who, amount, confirmed, end)) in orders.iter().enumerate() {
        let o = id(
            app,
            format!(
                "INSERT INTO orders (business_id, buyer_name, buyer_phone, fulfilment, needed_on, total, \
                   idempotency_key, created_at, updated_at) \
                 VALUES ({}, 'Pembeli Uji', '+6281200000000', 'service', '2031-09-01', {amount}, \
                   'uji-hasil-{n}', 0, 0) RETURNING id",
                business[who]
            ),
        )
        .await;
        for state in ["accepted", "in_progress", "delivered", end] {
            exec(
                app,
                format!("UPDATE orders SET state = '{state}' WHERE id = {o}"),
            )
            .await;
        }
        if *end == "disputed" {
            exec(
                app,
                format!(
                    "INSERT INTO order_events (order_id, at, actor, action, from_state, to_state, note) \
                     VALUES ({o}, 1000, 'buyer', 'sengketa', 'delivered', 'disputed', \
                       'AC tidak dingin, freon bocor lagi setelah servis')"
                ),
            )
            .await;
        } else {
            let confirmed_at = if *confirmed { "1" } else { "NULL" };
            exec(
                app,
                format!(
                    "INSERT INTO order_payments (order_id, method, paid_on, amount, recorded_at, confirmed_at) \
                     VALUES ({o}, 'cash', '2031-09-02', {amount}, 0, {confirmed_at})"
                ),
            )
            .await;
        }
        if n == 1 {
            exec(
                app,
                format!(
                    "INSERT INTO reviews (order_id, business_id, rating, body, reviewer, created_at) \
                     VALUES ({o}, {}, 1, 'Freon diisi kurang, seminggu sudah panas lagi', 'Pembeli Uji', 2000)",
                    business[&2]
                ),
            )
            .await;
        }
    }
    // An office job with a live payment, moved to A3's business.
    let request: i64 = sqlx::query_scalar(
        "SELECT request_id FROM office_payments WHERE voided_at IS NULL ORDER BY id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("the demo has a paid office job");
    let office_gross: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT gross FROM office_payments WHERE request_id = {request} AND voided_at IS NULL"
    )))
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    exec(
        app,
        format!(
            "UPDATE office_requests SET business_id = {}, rating = NULL, state = state WHERE id = {request}",
            business[&2]
        ),
    )
    .await;
    Cohort {
        trade,
        trade_name,
        batch_label: "Teknisi AC Uji · Angkatan 1/2031".into(),
        office_gross,
    }
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn text(e: ElementRef) -> String {
    e.text().collect::<String>().trim().to_owned()
}

/// The rows of `table` (a CSS selector) as cell texts, header cell first.
fn rows(doc: &Html, table: &str) -> Vec<Vec<String>> {
    doc.select(&sel(&format!("{table} tbody tr")))
        .map(|r| r.select(&sel("th, td")).map(text).collect())
        .collect()
}

/// Label → second cell of a two-column table.
fn pairs(doc: &Html, table: &str) -> BTreeMap<String, String> {
    rows(doc, table)
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect()
}

fn rupiah(n: i64) -> String {
    karya::domain::rupiah::format_rupiah(n)
}

async fn a_hand_computed_cohort_on_the_dashboard_the_lists_and_the_report(app: TestApp) {
    let c = cohort(&app).await;
    let admin = app.signed_in("admin").await;
    let page = admin.get("/admin/hasil?tahun=2031&rincian=jk").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let doc = Html::parse_document(&page.body);

    // The summary, by hand.
    let s = pairs(&doc, "#ringkasan");
    let want = [
        ("Peserta pelatihan", "6".to_owned()),
        ("Lulus", "5".into()),
        ("Kompeten (bersertifikat)", "2".into()),
        ("Alumni (orang)", "6".into()),
        ("Alumni dengan etalase aktif", "2".into()),
        ("Alumni dengan pesanan dibayar", "2".into()),
        ("Pendapatan dari pembeli umum", rupiah(1_700_000)),
        ("Pendapatan dari OPD", rupiah(c.office_gross)),
        ("Pengajuan modal", "0".into()),
    ];
    for (label, value) in &want {
        assert_eq!(s.get(*label), Some(value), "{label}: {s:?}");
    }

    // The tracer: self-report over respondents; platform evidence over the invited, apart.
    let t = rows(&doc, "#tracer");
    let wave = |w: &str| t.iter().find(|r| r[0] == w).cloned().expect(w);
    assert_eq!(
        wave("Bulan ke-1"),
        [
            "Bulan ke-1",
            "4",
            "3",
            "75,0%",
            "2",
            "66,7%",
            "2",
            "66,7%",
            "2",
            "50,0%"
        ]
    );
    assert_eq!(
        wave("Bulan ke-6"),
        [
            "Bulan ke-6",
            "3",
            "2",
            "66,7%",
            "2",
            "100,0%",
            "1",
            "50,0%",
            "1",
            "33,3%"
        ]
    );
    // Configured waves nobody reached yet are still shown.
    assert_eq!(wave("Bulan ke-3")[1], "0");
    let o = pairs(&doc, "#hambatan");
    assert_eq!(o.get("Modal").map(String::as_str), Some("3"));
    assert_eq!(o.get("Pemasaran").map(String::as_str), Some("1"));

    // The breakdown by gender sums to the totals here (one participation each).
    let g = rows(&doc, "#menurut-jk");
    let p = g.iter().find(|r| r[0] == "Perempuan").expect("P row");
    assert_eq!(&p[1..4], ["3", "3", "2"]);

    // Every chart's numbers equal its data table.
    let mut checked = 0;
    for svg in doc.select(&sel("svg.chart")) {
        let chart = svg.value().attr("id").expect("chart id");
        let table = doc
            .select(&sel(&format!("table[data-chart=\"{chart}\"]")))
            .next()
            .expect("a table beside the chart");
        let header: Vec<String> = table.select(&sel("thead th")).map(text).collect();
        let body: Vec<Vec<String>> = table
            .select(&sel("tbody tr"))
            .map(|r| r.select(&sel("th, td")).map(text).collect())
            .collect();
        for mark in svg.select(&sel("[data-value]")) {
            let a = |k| mark.value().attr(k).unwrap().to_owned();
            let col = header
                .iter()
                .position(|h| *h == a("data-series"))
                .expect("series column");
            let row = body
                .iter()
                .find(|r| r[0] == a("data-label"))
                .expect("label row");
            assert_eq!(row[col], a("data-value"), "{chart}");
            checked += 1;
        }
    }
    assert!(checked >= 10, "charts carry their values ({checked})");

    // Each count links to exactly that many people or records.
    let mut lists = 0;
    for table in ["#ringkasan", "#tracer", "#hambatan"] {
        for a in doc.select(&sel(&format!("{table} tbody td a"))) {
            let shown = text(a);
            if shown.starts_with("Rp") {
                continue;
            }
            let href = a.value().attr("href").unwrap().replace("&amp;", "&");
            let list = admin.get(&href).await;
            assert_eq!(list.status, StatusCode::OK, "{href}");
            let ld = Html::parse_document(&list.body);
            assert_eq!(
                text(ld.select(&sel(".behind-total")).next().unwrap()),
                shown,
                "{href}"
            );
            assert_eq!(
                ld.select(&sel(".behind-list tbody tr")).count().to_string(),
                if shown == "0" {
                    "0".to_owned()
                } else {
                    shown.clone()
                },
                "{href}"
            );
            lists += 1;
        }
    }
    assert!(lists >= 15, "{lists}");
    // Platform evidence lists the one with payments but no answer (Citra); the self-report does not.
    let platform = admin
        .get("/admin/hasil/daftar?ukuran=bukti_platform&gelombang=1&tahun=2031")
        .await;
    assert!(platform.contains("Citra Uji") && platform.contains("href=\"/admin/alumni/"));
    let in_trade = admin
        .get("/admin/hasil/daftar?ukuran=sesuai_kejuruan&gelombang=1&tahun=2031")
        .await;
    assert!(!in_trade.contains("Citra Uji") && in_trade.contains("Ani Uji"));

    // Filters narrow.
    let women = Html::parse_document(&admin.get("/admin/hasil?tahun=2031&jk=P").await.body);
    let w = pairs(&women, "#ringkasan");
    assert_eq!(w["Peserta pelatihan"], "3");
    assert_eq!(w["Alumni dengan pesanan dibayar"], "2");
    let by_trade = Html::parse_document(
        &admin
            .get(&format!("/admin/hasil?tahun=2031&kejuruan={}", c.trade))
            .await
            .body,
    );
    assert_eq!(pairs(&by_trade, "#ringkasan")["Peserta pelatihan"], "6");
    let none = Html::parse_document(
        &admin
            .get("/admin/hasil?tahun=2031&kejuruan=999999")
            .await
            .body,
    );
    assert_eq!(
        pairs(&none, "#ringkasan")
            .get("Peserta pelatihan")
            .map(String::as_str),
        Some("0")
    );

    // The XLSX: one sheet per table, the same cells as the page.
    let xlsx = admin
        .get_bytes("/admin/hasil/laporan.xlsx?tahun=2031")
        .await;
    {
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
        for (sheet, table) in [
            ("Ringkasan", "#ringkasan"),
            ("Tracer study", "#tracer"),
            ("Hambatan", "#hambatan"),
        ] {
            let range = book.worksheet_range(sheet).expect(sheet);
            let cells: Vec<Vec<String>> = range
                .rows()
                .skip(1)
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect();
            assert_eq!(cells, rows(&doc, table), "{sheet}");
        }
        assert!(book.sheet_names().iter().any(|n| n == "Menurut kejuruan"));
    }

    // The PDF: the same figures, and a page for the trade.
    let pdf = admin.get_bytes("/admin/hasil/laporan.pdf?tahun=2031").await;
    let words = pdftext::text(&pdf);
    assert!(words.contains("LAPORAN PEMBERDAYAAN ALUMNI BLK"));
    for (label, value) in &want {
        assert!(
            words.contains(&format!("{label} {value}")),
            "{label} {value} in PDF"
        );
    }
    assert!(
        words.contains("Bulan ke-1 4 3 75,0% 2 66,7% 2 66,7% 2 50,0%"),
        "{words}"
    );
    assert!(words.contains(&format!("Kejuruan {}", c.trade_name)));
    assert!(pdftext::pages(&pdf) > 3);

    // Training feedback: the freon complaints under AC's trade and batch.
    let fb = Html::parse_document(&admin.get("/admin/hasil/umpan-balik?tahun=2031").await.body);
    let group = fb
        .select(&sel(".feedback-group"))
        .find(|g| {
            text(g.select(&sel(".feedback-trade")).next().unwrap()) == c.trade_name
                && text(g.select(&sel(".feedback-batch")).next().unwrap()) == c.batch_label
        })
        .expect("a group for the AC batch");
    let texts: Vec<String> = group.select(&sel(".feedback-text")).map(text).collect();
    assert!(texts.iter().any(|t| t.contains("freon bocor")), "{texts:?}");
    assert!(
        texts.iter().any(|t| t.contains("Freon diisi kurang")),
        "{texts:?}"
    );

    // The head sees the same numbers and the lists, without links into the register.
    let head = app.signed_in("kepala").await;
    let hp = Html::parse_document(&head.get("/admin/hasil?tahun=2031&rincian=jk").await.body);
    assert_eq!(pairs(&hp, "#ringkasan"), s);
    let list = head
        .get("/admin/hasil/daftar?ukuran=bukti_platform&gelombang=1&tahun=2031")
        .await;
    assert!(list.contains("Citra Uji") && !list.contains("/admin/alumni/"));
    let dash = head.get("/dasbor").await;
    assert!(dash.contains("/admin/hasil/laporan.pdf"), "{}", dash.body);
    // An unknown measure is a 404.
    assert_eq!(
        head.get("/admin/hasil/daftar?ukuran=x").await.status,
        StatusCode::NOT_FOUND
    );
}

/// Each alumnus's confirmed public sales as `alumni_sales` keeps them (migration 0012's
/// triggers), against the sum over the payments themselves.
async fn sales_kept_and_summed(app: &TestApp) -> (Vec<(i64, i64, i64)>, Vec<(i64, i64, i64)>) {
    let kept: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT alumnus_id, paid_orders, revenue FROM alumni_sales WHERE paid_orders > 0 \
         ORDER BY alumnus_id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    let summed: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT b.alumnus_id, COUNT(*), CAST(SUM(p.amount) AS BIGINT) FROM order_payments p \
         JOIN orders o ON o.id = p.order_id JOIN businesses b ON b.id = o.business_id \
         WHERE p.confirmed_at IS NOT NULL GROUP BY b.alumnus_id ORDER BY b.alumnus_id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    (kept, summed)
}

/// The dashboard reads public sales from `alumni_sales`; it must equal the payments after the
/// demo (made through the use cases), after a buyer confirms a payment over HTTP, and after
/// payments are unconfirmed, re-amounted or deleted by any writer.
async fn alumni_sales_follow_every_payment(app: TestApp) {
    let (kept, summed) = sales_kept_and_summed(&app).await;
    assert!(!summed.is_empty(), "the demo has confirmed sales");
    assert_eq!(kept, summed, "after the demo");

    let order: i64 = sqlx::query_scalar(
        "SELECT p.order_id FROM order_payments p JOIN orders o ON o.id = p.order_id \
         JOIN users u ON u.id = o.buyer_user_id \
         WHERE p.confirmed_at IS NULL AND u.username = 'pembeli' ORDER BY p.order_id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("the demo buyer has a payment to confirm");
    let (before, _) = sales_kept_and_summed(&app).await;
    let buyer = app.signed_in("pembeli").await;
    let page = buyer
        .post(&format!("/pesanan/{order}/konfirmasi-pembayaran"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let (kept, summed) = sales_kept_and_summed(&app).await;
    assert_eq!(kept, summed, "after a confirmation");
    assert_eq!(
        kept.iter().map(|r| r.1).sum::<i64>(),
        before.iter().map(|r| r.1).sum::<i64>() + 1,
        "one more paid order"
    );

    for sql in [
        "UPDATE order_payments SET amount = amount + 1000 WHERE order_id = $1",
        "UPDATE order_payments SET confirmed_at = NULL WHERE order_id = $1",
        "UPDATE order_payments SET confirmed_at = recorded_at WHERE order_id = $1",
        "DELETE FROM order_payments WHERE order_id = $1",
    ] {
        sqlx::query(sql)
            .bind(order)
            .execute(app.db.pool())
            .await
            .unwrap();
        let (kept, summed) = sales_kept_and_summed(&app).await;
        assert_eq!(kept, summed, "after {sql}");
    }
}
