//! The alumni track record: every figure equals a sum computed here from raw rows (with simple
//! SELECTs, not the application's queries), on the page, in the function and in the records
//! behind each figure; the boundaries of each definition; who may see it.

use std::collections::{BTreeMap, BTreeSet};

use karya::db::track_record::{records_behind, track_record};
use karya::domain::capital::record::{Figure, TrackRecord};
use karya::domain::phone::Phone;
use karya::domain::rupiah::{format_rupiah, group_thousands};
use reqwest::StatusCode;
use sqlx::Row;
use time::{Date, OffsetDateTime, UtcOffset};

use crate::both;
use crate::helpers::{Page, TestApp, Visitor};

both!(
    figures_equal_sums_over_stored_rows,
    each_definition_holds_at_its_boundary,
    an_alumnus_without_a_business_has_a_record_of_zeros,
    who_may_see_a_track_record,
    the_record_prints_as_a_pdf,
);

fn wib() -> UtcOffset {
    UtcOffset::from_hms(7, 0, 0).unwrap()
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

fn today() -> Date {
    OffsetDateTime::now_utc().to_offset(wib()).date()
}

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The WIB date of an instant, written out here rather than taken from the application.
fn wib_iso(unix: i64) -> String {
    iso(OffsetDateTime::from_unix_timestamp(unix)
        .unwrap()
        .to_offset(wib())
        .date())
}

/// The last second of an ISO date in WIB.
fn end_of(iso_date: &str) -> i64 {
    let d = Date::parse(
        iso_date,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .unwrap();
    d.next_day()
        .unwrap()
        .midnight()
        .assume_offset(wib())
        .unix_timestamp()
        - 1
}

/// The month `back` months before `d`'s, as `YYYY-MM`.
fn month_back(d: Date, back: i32) -> String {
    let n = d.year() * 12 + i32::from(u8::from(d.month())) - 1 - back;
    format!("{:04}-{:02}", n.div_euclid(12), n.rem_euclid(12) + 1)
}

async fn alumnus_of(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar("SELECT alumnus_id FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(app.db.pool())
        .await
        .expect("alumnus")
}

async fn business_of(app: &TestApp, alumnus: i64) -> i64 {
    sqlx::query_scalar("SELECT id FROM businesses WHERE alumnus_id = $1 ORDER BY id LIMIT 1")
        .bind(alumnus)
        .fetch_one(app.db.pool())
        .await
        .expect("the demo alumna has a business")
}

async fn exec(app: &TestApp, sql: &str, a: i64, b: i64) {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(a)
        .bind(b)
        .execute(app.db.pool())
        .await
        .expect(sql);
}

async fn rows(app: &TestApp, sql: &str, alumnus: i64) -> Vec<sqlx::any::AnyRow> {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(alumnus)
        .fetch_all(app.db.pool())
        .await
        .expect(sql)
}

/// The figures, computed from raw rows with the definitions written out once more.
#[derive(Debug, PartialEq, Eq)]
struct Expected {
    active_since: Option<String>,
    months_active: u32,
    orders_public: u32,
    orders_office: u32,
    revenue: Vec<(String, i64, i64)>,
    distinct_buyers: u32,
    repeat_buyers: u32,
    office_value: i64,
    on_time: u32,
    on_time_of: u32,
    rating_total: u32,
    rating_count: u32,
    disputes: u32,
}

impl Expected {
    fn of(r: &TrackRecord) -> Expected {
        Expected {
            active_since: r.active_since.clone(),
            months_active: r.months_active,
            orders_public: r.orders_public,
            orders_office: r.orders_office,
            revenue: r
                .revenue_by_month
                .iter()
                .map(|m| (m.month.clone(), m.public, m.office))
                .collect(),
            distinct_buyers: r.distinct_buyers,
            repeat_buyers: r.repeat_buyers,
            office_value: r.office_value,
            on_time: r.on_time,
            on_time_of: r.on_time_of,
            rating_total: r.rating_total,
            rating_count: r.rating_count,
            disputes: r.disputes,
        }
    }

    fn revenue_total(&self) -> i64 {
        self.revenue.iter().map(|(_, p, o)| p + o).sum()
    }
}

const THEIRS: &str = "(SELECT id FROM businesses WHERE alumnus_id = $1)";

async fn by_hand(app: &TestApp, alumnus: i64) -> Expected {
    let t = today();
    // Activity: storefronts, orders, office requests they held or were offered.
    let mut starts: Vec<i64> = Vec::new();
    for sql in [
        "SELECT created_at FROM businesses WHERE alumnus_id = $1".to_owned(),
        format!("SELECT created_at FROM orders WHERE business_id IN {THEIRS}"),
        format!("SELECT created_at FROM office_requests WHERE business_id IN {THEIRS}"),
        format!(
            "SELECT r.created_at FROM office_requests r JOIN office_offers f ON f.request_id = r.id \
             WHERE f.business_id IN {THEIRS}"
        ),
    ] {
        for r in rows(app, &sql, alumnus).await {
            starts.push(r.try_get(0).unwrap());
        }
    }
    let active_since = starts.iter().min().map(|at| wib_iso(*at));
    let months_active = active_since.as_deref().map_or(0, |s| {
        let (y, m, d): (i32, i32, i32) = (
            s[0..4].parse().unwrap(),
            s[5..7].parse().unwrap(),
            s[8..10].parse().unwrap(),
        );
        let n = (t.year() - y) * 12 + i32::from(u8::from(t.month()))
            - m
            - i32::from(i32::from(t.day()) < d);
        n.max(0) as u32
    });

    let orders = rows(
        app,
        &format!(
            "SELECT id, state, buyer_user_id, buyer_phone, needed_on, delivered_at \
             FROM orders WHERE business_id IN {THEIRS}"
        ),
        alumnus,
    )
    .await;
    let mut orders_public = 0;
    let mut buyers: BTreeMap<String, u32> = BTreeMap::new();
    let (mut on_time, mut on_time_of) = (0, 0);
    for o in &orders {
        let state: String = o.try_get("state").unwrap();
        if state != "completed" && state != "reviewed" {
            continue;
        }
        orders_public += 1;
        let user: Option<i64> = o.try_get("buyer_user_id").unwrap();
        let phone: String = o.try_get("buyer_phone").unwrap();
        let key = match user {
            Some(u) => format!("u{u}"),
            None => format!(
                "p{}",
                Phone::parse(&phone)
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or(phone)
            ),
        };
        *buyers.entry(key).or_default() += 1;
        let delivered: Option<i64> = o.try_get("delivered_at").unwrap();
        let needed: String = o.try_get("needed_on").unwrap();
        if let Some(at) = delivered {
            on_time_of += 1;
            if at <= end_of(&needed) {
                on_time += 1;
            }
        }
    }
    let jobs = rows(
        app,
        &format!(
            "SELECT id, office_id, state, quoted_total, date_until, done_at, rating \
             FROM office_requests WHERE business_id IN {THEIRS}"
        ),
        alumnus,
    )
    .await;
    let (mut orders_office, mut office_value) = (0, 0);
    let (mut rating_total, mut rating_count) = (0u32, 0u32);
    for j in &jobs {
        let state: String = j.try_get("state").unwrap();
        if state != "paid" && state != "completed" {
            continue;
        }
        orders_office += 1;
        office_value += j
            .try_get::<Option<i64>, _>("quoted_total")
            .unwrap()
            .unwrap_or(0);
        let office: i64 = j.try_get("office_id").unwrap();
        *buyers.entry(format!("o{office}")).or_default() += 1;
        let done: Option<i64> = j.try_get("done_at").unwrap();
        let until: String = j.try_get("date_until").unwrap();
        if let Some(at) = done {
            on_time_of += 1;
            if at <= end_of(&until) {
                on_time += 1;
            }
        }
        if let Some(r) = j.try_get::<Option<i64>, _>("rating").unwrap() {
            rating_total += r as u32;
            rating_count += 1;
        }
    }
    for r in rows(
        app,
        &format!("SELECT rating FROM reviews WHERE business_id IN {THEIRS}"),
        alumnus,
    )
    .await
    {
        rating_total += r.try_get::<i64, _>(0).unwrap() as u32;
        rating_count += 1;
    }

    let window: Vec<String> = (0..12).rev().map(|b| month_back(t, b)).collect();
    let mut revenue: BTreeMap<String, (i64, i64)> =
        window.iter().map(|m| (m.clone(), (0, 0))).collect();
    let payments = [
        format!(
            "SELECT paid_on, amount, CAST(0 AS BIGINT) FROM order_payments WHERE confirmed_at IS NOT NULL \
             AND order_id IN (SELECT id FROM orders WHERE business_id IN {THEIRS})"
        ),
        format!(
            "SELECT paid_on, CAST(0 AS BIGINT), gross FROM office_payments WHERE voided_at IS NULL \
             AND request_id IN (SELECT id FROM office_requests WHERE business_id IN {THEIRS})"
        ),
    ];
    for sql in &payments {
        for p in rows(app, sql, alumnus).await {
            let paid_on: String = p.try_get(0).unwrap();
            if let Some(m) = revenue.get_mut(&paid_on[..7]) {
                m.0 += p.try_get::<i64, _>(1).unwrap();
                m.1 += p.try_get::<i64, _>(2).unwrap();
            }
        }
    }

    let mut disputed: BTreeSet<String> = BTreeSet::new();
    let events = [
        format!(
            "SELECT 'o' || CAST(order_id AS TEXT) FROM order_events WHERE to_state = 'disputed' \
             AND order_id IN (SELECT id FROM orders WHERE business_id IN {THEIRS})"
        ),
        format!(
            "SELECT 'r' || CAST(request_id AS TEXT) FROM office_request_events \
             WHERE to_state = 'disputed' \
             AND request_id IN (SELECT id FROM office_requests WHERE business_id IN {THEIRS})"
        ),
    ];
    for sql in &events {
        for r in rows(app, sql, alumnus).await {
            disputed.insert(r.try_get::<String, _>(0).unwrap());
        }
    }

    Expected {
        active_since,
        months_active,
        orders_public,
        orders_office,
        revenue: revenue.into_iter().map(|(m, (p, o))| (m, p, o)).collect(),
        distinct_buyers: buyers.len() as u32,
        repeat_buyers: buyers.values().filter(|n| **n > 1).count() as u32,
        office_value,
        on_time,
        on_time_of,
        rating_total,
        rating_count,
        disputes: disputed.len() as u32,
    }
}

/// The figures as the page shows them: label → value.
fn shown(page: &Page) -> BTreeMap<String, String> {
    let doc = scraper::Html::parse_document(&page.body);
    let dt = scraper::Selector::parse(".record-facts dt").unwrap();
    let dd = scraper::Selector::parse(".record-facts dd").unwrap();
    doc.select(&dt)
        .zip(doc.select(&dd))
        .map(|(t, d)| {
            (
                t.text().collect::<String>().trim().to_owned(),
                d.text().collect::<String>().trim().to_owned(),
            )
        })
        .collect()
}

/// The page's figures are the expected ones, in words.
#[track_caller]
fn assert_page_shows(page: &Page, e: &Expected) {
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let f = shown(page);
    assert_eq!(f["Pesanan umum selesai"], e.orders_public.to_string());
    assert_eq!(
        f["Pekerjaan OPD selesai"],
        format!(
            "{} pekerjaan, nilai {}",
            e.orders_office,
            format_rupiah(e.office_value)
        )
    );
    assert!(
        f["Pendapatan 12 bulan terakhir"].starts_with(&format_rupiah(e.revenue_total())),
        "{f:?}"
    );
    assert!(
        f["Pembeli berbeda"].starts_with(&format!(
            "{} pembeli; {} membeli lagi",
            e.distinct_buyers, e.repeat_buyers
        )),
        "{f:?}"
    );
    assert!(
        f["Selesai tepat waktu"].ends_with(&format!("({} dari {})", e.on_time, e.on_time_of)),
        "{f:?}"
    );
    let tenths = (e.rating_total * 20 + e.rating_count) / (2 * e.rating_count);
    assert_eq!(
        f["Penilaian rata-rata"],
        format!(
            "{},{} dari 5 ({} ulasan)",
            tenths / 10,
            tenths % 10,
            e.rating_count
        )
    );
    let disputes = if e.disputes == 0 {
        "Tidak ada".to_owned()
    } else {
        e.disputes.to_string()
    };
    assert_eq!(f["Sengketa"], disputes);
    assert!(
        f["Lama aktif di Karya"].starts_with(&format!("{} bulan", e.months_active)),
        "{f:?}"
    );
    assert_eq!(f["Jawaban tracer"], "belum ada");
    // The data table beside the chart: each month's amounts, oldest first.
    let doc = scraper::Html::parse_document(&page.body);
    let tr = scraper::Selector::parse(".record-months tbody tr").unwrap();
    let td = scraper::Selector::parse("td").unwrap();
    let table: Vec<Vec<String>> = doc
        .select(&tr)
        .map(|r| {
            r.select(&td)
                .map(|c| c.text().collect::<String>())
                .collect()
        })
        .collect();
    let want: Vec<Vec<String>> = e
        .revenue
        .iter()
        .map(|(_, p, o)| {
            vec![
                group_thousands(*p),
                group_thousands(*o),
                group_thousands(p + o),
            ]
        })
        .collect();
    assert_eq!(table, want);
}

async fn add_listing(app: &TestApp, business: i64) -> i64 {
    let trade: i64 = sqlx::query_scalar("SELECT trade_id FROM businesses WHERE id = $1")
        .bind(business)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let category: i64 = sqlx::query_scalar(
        "INSERT INTO categories (trade_id, name) VALUES ($1, 'Uji rekam jejak') RETURNING id",
    )
    .bind(trade)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    sqlx::query_scalar(
        "INSERT INTO listings (business_id, kind, title, category_id, price_kind, price, unit, \
         min_order, lead_days, created_at, updated_at) \
         VALUES ($1, 'product', 'Kue lapis uji', $2, 'fixed', 50000, 'loyang', 1, 0, 0, 0) RETURNING id",
    )
    .bind(business)
    .bind(category)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

/// Places an order over HTTP (as `v`, who may be a guest with `phone`); returns its id.
async fn place(v: &Visitor, business: i64, listing: i64, qty: &str, phone: &str) -> i64 {
    let form = v.get(&format!("/pesan?usaha={business}")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let key = form.input_value("key").expect("idempotency key");
    let usaha = business.to_string();
    let needed = iso(today() + time::Duration::days(2));
    let qty_name = format!("qty_{listing}");
    let page = v
        .post(
            "/pesan",
            &[
                ("key", &key),
                ("usaha", &usaha),
                ("needed_on", &needed),
                ("fulfilment", "delivery"),
                ("address", "Jl. Lintas Timur RT 03, Nipah Panjang"),
                ("name", "Pembeli Rekam Jejak"),
                ("phone", phone),
                (&qty_name, qty),
            ],
        )
        .await;
    page.assert_redirect_to("/pesanan/");
    let loc = page.location.clone().unwrap();
    v.get(&loc).await;
    loc.trim_start_matches("/pesanan/")
        .split(['?', '#'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn act(v: &Visitor, id: i64, action: &str, fields: &[(&str, &str)]) {
    let page = v.post(&format!("/pesanan/{id}/{action}"), fields).await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "{action} on {id}: {}",
        page.body
    );
}

/// Accepted, started and delivered by the seller.
async fn deliver(seller: &Visitor, id: i64) {
    for a in ["terima", "mulai", "kirim"] {
        act(seller, id, a, &[]).await;
    }
}

async fn record_payment(seller: &Visitor, id: i64, amount: &str) {
    let today = iso(today());
    act(
        seller,
        id,
        "pembayaran",
        &[("method", "cash"), ("paid_on", &today), ("amount", amount)],
    )
    .await;
}

/// New activity over HTTP: a paid, confirmed and reviewed order; a completed order whose
/// payment is recorded but not confirmed; a disputed order; a guest's completed order.
/// Returns (reviewed, unconfirmed, guest) order ids.
async fn trade(app: &TestApp, business: i64) -> (i64, i64, i64) {
    let listing = add_listing(app, business).await;
    let buyer = app.signed_in("pembeli").await;
    let seller = app.signed_in("alumni").await;

    let reviewed = place(&buyer, business, listing, "2", "0812 7788 1020").await;
    deliver(&seller, reviewed).await;
    record_payment(&seller, reviewed, "100.000").await;
    act(&buyer, reviewed, "konfirmasi-pembayaran", &[]).await;
    act(&buyer, reviewed, "konfirmasi", &[]).await;
    act(
        &buyer,
        reviewed,
        "ulasan",
        &[("rating", "3"), ("body", "Enak, tapi agak terlambat.")],
    )
    .await;

    let unconfirmed = place(&buyer, business, listing, "1", "0812 7788 1020").await;
    deliver(&seller, unconfirmed).await;
    record_payment(&seller, unconfirmed, "50.000").await;
    act(&buyer, unconfirmed, "konfirmasi", &[]).await;

    let disputed = place(&buyer, business, listing, "1", "0812 7788 1020").await;
    deliver(&seller, disputed).await;
    act(
        &buyer,
        disputed,
        "sengketa",
        &[("reason", "Kue yang datang bukan yang dipesan")],
    )
    .await;

    let guest = app.visitor();
    let guest_order = place(&guest, business, listing, "1", "0852-6600-7711").await;
    deliver(&seller, guest_order).await;
    act(&guest, guest_order, "konfirmasi", &[]).await;
    (reviewed, unconfirmed, guest_order)
}

async fn figures_equal_sums_over_stored_rows(app: TestApp) {
    let alumnus = alumnus_of(&app, "alumni").await;
    let business = business_of(&app, alumnus).await;
    let before = by_hand(&app, alumnus).await;
    let (reviewed, unconfirmed, _guest) = trade(&app, business).await;

    let expected = by_hand(&app, alumnus).await;
    // The new activity moved the figures the way the definitions say.
    assert_eq!(expected.orders_public, before.orders_public + 3);
    assert_eq!(expected.disputes, before.disputes + 1);
    assert_eq!(expected.rating_count, before.rating_count + 1);
    assert_eq!(
        expected.revenue_total(),
        before.revenue_total() + 100_000,
        "the unconfirmed payment is not revenue"
    );
    // The demo's history gives every figure something to count.
    assert!(expected.orders_office > 0 && expected.office_value > 0);
    assert!(expected.revenue.iter().any(|(_, _, o)| *o > 0));
    assert!(expected.repeat_buyers > 0 && expected.distinct_buyers > expected.repeat_buyers);
    assert!(expected.on_time_of > 0);

    let record = track_record(&app.db, alumnus, now()).await.expect("record");
    assert_eq!(Expected::of(&record), expected);
    assert_eq!(record.revenue_by_month.len(), 12);
    assert_eq!(record.as_of, iso(today()));
    assert_eq!(record.person.name, "Siti Rahmawati");
    assert!(!record.training.is_empty());
    let main = record.business.as_ref().expect("main business");
    assert_eq!(main.id, business);

    // The agency's page and the alumna's own show the same figures.
    let admin = app.signed_in("admin").await;
    let page = admin
        .get(&format!("/admin/alumni/{alumnus}/rekam-jejak"))
        .await;
    assert_page_shows(&page, &expected);
    assert!(page.contains("<svg") && page.contains("<title id=\"pendapatan-bulanan-title\">"));
    let register = admin.get(&format!("/admin/alumni/{alumnus}")).await;
    assert!(register.contains(&format!("href=\"/admin/alumni/{alumnus}/rekam-jejak\"")));
    let alumna = app.signed_in("alumni").await;
    assert!(
        alumna
            .get("/dasbor")
            .await
            .contains("href=\"/akun/rekam-jejak\"")
    );
    let own = alumna.get("/akun/rekam-jejak").await;
    assert_page_shows(&own, &expected);
    assert!(own.contains("Rekam jejak usaha Anda"));
    assert!(
        !own.contains("/rekam-jejak/pendapatan"),
        "no agency links on her own page"
    );

    // The records behind each figure add up to it, on the page too.
    let behind = |figure| records_behind(&app.db, alumnus, figure, now());
    let count = |rows: &Vec<_>| rows.len() as u32;
    assert_eq!(
        count(&behind(Figure::PublicOrders).await.unwrap()),
        expected.orders_public
    );
    let jobs = behind(Figure::OfficeJobs).await.unwrap();
    assert_eq!(count(&jobs), expected.orders_office);
    assert_eq!(
        jobs.iter().filter_map(|r| r.amount).sum::<i64>(),
        expected.office_value
    );
    let revenue = behind(Figure::Revenue).await.unwrap();
    assert_eq!(
        revenue.iter().filter_map(|r| r.amount).sum::<i64>(),
        expected.revenue_total()
    );
    assert!(
        !revenue.iter().any(|r| r.id == unconfirmed),
        "the unconfirmed payment is not listed"
    );
    assert!(
        revenue
            .iter()
            .any(|r| r.id == reviewed && r.link() == format!("/pesanan/{reviewed}"))
    );
    let timed = behind(Figure::OnTime).await.unwrap();
    assert_eq!(count(&timed), expected.on_time_of);
    assert_eq!(
        timed.iter().filter(|r| r.on_time == Some(true)).count() as u32,
        expected.on_time
    );
    let ratings = behind(Figure::Ratings).await.unwrap();
    assert_eq!(count(&ratings), expected.rating_count);
    assert_eq!(
        ratings.iter().filter_map(|r| r.rating).sum::<i64>() as u32,
        expected.rating_total
    );
    assert_eq!(
        count(&behind(Figure::Disputes).await.unwrap()),
        expected.disputes
    );
    assert_eq!(
        count(&behind(Figure::Buyers).await.unwrap()),
        expected.orders_public + expected.orders_office
    );
    for (figure, n) in [
        (Figure::PublicOrders, expected.orders_public),
        (Figure::Disputes, expected.disputes),
        (Figure::Ratings, expected.rating_count),
    ] {
        let page = admin
            .get(&format!(
                "/admin/alumni/{alumnus}/rekam-jejak/{}",
                figure.as_str()
            ))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(
            page.contains(&format!("{n} catatan.")),
            "{figure:?}: {}",
            page.body
        );
        assert_eq!(
            page.text_of(".behind-rows > li").split(" | ").count() as u32,
            n
        );
    }
}

async fn each_definition_holds_at_its_boundary(app: TestApp) {
    let alumnus = alumnus_of(&app, "alumni").await;
    let business = business_of(&app, alumnus).await;
    let (reviewed, unconfirmed, guest) = trade(&app, business).await;
    let at = now();
    let record = || async { track_record(&app.db, alumnus, at).await.expect("record") };
    let base = record().await;

    // Delivered exactly at the end (WIB) of the day it was needed: on time; a second later: late.
    let needed: String = sqlx::query_scalar("SELECT needed_on FROM orders WHERE id = $1")
        .bind(guest)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    exec(
        &app,
        "UPDATE orders SET delivered_at = $1 WHERE id = $2",
        end_of(&needed),
        guest,
    )
    .await;
    let exact = record().await;
    assert_eq!(exact.on_time_of, base.on_time_of);
    exec(
        &app,
        "UPDATE orders SET delivered_at = $1 WHERE id = $2",
        end_of(&needed) + 1,
        guest,
    )
    .await;
    let late = record().await;
    assert_eq!(late.on_time_of, exact.on_time_of);
    assert_eq!(late.on_time + 1, exact.on_time, "one second late is late");

    // An office job done at the end of its last day is on time; a second later it is late.
    let (job, until): (i64, String) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT id, date_until FROM office_requests WHERE business_id IN {THEIRS} \
         AND state IN ('paid','completed') AND done_at IS NOT NULL ORDER BY id LIMIT 1"
    )))
    .bind(alumnus)
    .fetch_one(app.db.pool())
    .await
    .expect("the demo alumna has a completed office job");
    exec(
        &app,
        "UPDATE office_requests SET done_at = $1 WHERE id = $2",
        end_of(&until),
        job,
    )
    .await;
    let office_exact = record().await;
    exec(
        &app,
        "UPDATE office_requests SET done_at = $1 WHERE id = $2",
        end_of(&until) + 1,
        job,
    )
    .await;
    let office_late = record().await;
    assert_eq!(office_late.on_time_of, office_exact.on_time_of);
    assert_eq!(
        office_late.on_time + 1,
        office_exact.on_time,
        "office job a second late"
    );

    // A payment recorded but not confirmed is not revenue; confirmed, it is.
    let this_month = base.revenue_by_month.last().unwrap().clone();
    let buyer = app.signed_in("pembeli").await;
    act(&buyer, unconfirmed, "konfirmasi-pembayaran", &[]).await;
    let confirmed = record().await;
    assert_eq!(
        confirmed.revenue_by_month.last().unwrap().public,
        this_month.public + 50_000
    );

    // A payment 13 months ago is outside the window; on the window's first month it is in.
    let first_month = format!("{}-01", month_back(today(), 11));
    let outside = format!("{}-28", month_back(today(), 13));
    let first_before = confirmed.revenue_by_month[0].public;
    sqlx::query("UPDATE order_payments SET paid_on = $1 WHERE order_id = $2")
        .bind(&first_month)
        .bind(reviewed)
        .execute(app.db.pool())
        .await
        .unwrap();
    let moved = record().await;
    assert_eq!(moved.revenue_by_month[0].month, first_month[..7]);
    assert_eq!(moved.revenue_by_month[0].public, first_before + 100_000);
    assert_eq!(moved.revenue_12_months(), confirmed.revenue_12_months());
    sqlx::query("UPDATE order_payments SET paid_on = $1 WHERE order_id = $2")
        .bind(&outside)
        .bind(reviewed)
        .execute(app.db.pool())
        .await
        .unwrap();
    let gone = record().await;
    assert_eq!(
        gone.revenue_12_months(),
        confirmed.revenue_12_months() - 100_000,
        "13 months ago is outside the window"
    );

    // A voided office payment is not revenue.
    let live: (i64, i64, String) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT p.id, p.gross, p.paid_on FROM office_payments p \
         JOIN office_requests r ON r.id = p.request_id \
         WHERE r.business_id IN {THEIRS} AND p.voided_at IS NULL ORDER BY p.paid_on DESC LIMIT 1"
    )))
    .bind(alumnus)
    .fetch_one(app.db.pool())
    .await
    .expect("the demo alumna has a live office payment");
    let month = &live.2[..7];
    let office_before = gone
        .revenue_by_month
        .iter()
        .find(|m| m.month == month)
        .map(|m| m.office)
        .expect("the latest office payment is inside the window");
    sqlx::query(
        "UPDATE office_payments SET voided_at = $1, void_reason = 'Uji rekam jejak' WHERE id = $2",
    )
    .bind(at)
    .bind(live.0)
    .execute(app.db.pool())
    .await
    .unwrap();
    let voided = record().await;
    let office_after = voided
        .revenue_by_month
        .iter()
        .find(|m| m.month == month)
        .unwrap()
        .office;
    assert_eq!(office_after, office_before - live.1);

    // After all of it, still the sums over the stored rows.
    assert_eq!(Expected::of(&voided), by_hand(&app, alumnus).await);
}

async fn an_alumnus_without_a_business_has_a_record_of_zeros(app: TestApp) {
    let alumnus: i64 = sqlx::query_scalar(
        "SELECT id FROM alumni WHERE id NOT IN (SELECT alumnus_id FROM businesses) ORDER BY id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("an alumnus without a business");
    let r = track_record(&app.db, alumnus, now())
        .await
        .expect("a record, not an error");
    assert!(r.business.is_none());
    assert_eq!(r.active_since, None);
    assert_eq!(
        (
            r.months_active,
            r.orders_total(),
            r.revenue_12_months(),
            r.distinct_buyers
        ),
        (0, 0, 0, 0)
    );
    assert_eq!((r.on_time_of, r.rating_count, r.disputes), (0, 0, 0));
    assert_eq!(r.revenue_by_month.len(), 12);
    let admin = app.signed_in("admin").await;
    let page = admin
        .get(&format!("/admin/alumni/{alumnus}/rekam-jejak"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.contains("Belum membuka usaha di Karya"));
    assert!(page.contains("Belum ada pendapatan tercatat"));
    let rows = admin
        .get(&format!("/admin/alumni/{alumnus}/rekam-jejak/pendapatan"))
        .await;
    assert_eq!(rows.status, StatusCode::OK);
    assert!(rows.contains("Tidak ada catatan"));
}

async fn audit_count(app: &TestApp, action: &str, alumnus: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND entity = 'alumni' AND entity_id = $2",
    )
    .bind(action)
    .bind(alumnus.to_string())
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

async fn who_may_see_a_track_record(app: TestApp) {
    let siti = alumnus_of(&app, "alumni").await;
    let other: i64 = sqlx::query_scalar("SELECT id FROM alumni WHERE id <> $1 ORDER BY id LIMIT 1")
        .bind(siti)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let other_name: String = sqlx::query_scalar("SELECT full_name FROM alumni WHERE id = $1")
        .bind(other)
        .fetch_one(app.db.pool())
        .await
        .unwrap();

    // The alumna sees her own record, and only hers: the agency's pages are closed to her.
    let alumna = app.signed_in("alumni").await;
    let own = alumna.get("/akun/rekam-jejak").await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.contains("Siti Rahmawati") || own.contains("Dapur Kue Siti"));
    assert!(!own.contains(&other_name));
    for path in [
        format!("/admin/alumni/{other}/rekam-jejak"),
        format!("/admin/alumni/{siti}/rekam-jejak"),
        format!("/admin/alumni/{other}/rekam-jejak.pdf"),
        format!("/admin/alumni/{other}/rekam-jejak/pendapatan"),
    ] {
        assert_eq!(
            alumna.get(&path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    // Her reading her own record is not an audited look at someone's data.
    assert_eq!(audit_count(&app, "track_record.viewed", siti).await, 0);

    for role in ["pembeli", "mitra", "opd"] {
        let v = app.signed_in(role).await;
        for path in [
            format!("/admin/alumni/{siti}/rekam-jejak"),
            format!("/admin/alumni/{siti}/rekam-jejak.pdf"),
            format!("/admin/alumni/{siti}/rekam-jejak/pesanan-umum"),
            "/akun/rekam-jejak".to_owned(),
            "/akun/rekam-jejak.pdf".to_owned(),
        ] {
            assert_eq!(
                v.get(&path).await.status,
                StatusCode::FORBIDDEN,
                "{role} {path}"
            );
        }
    }
    assert_eq!(
        app.visitor().get("/akun/rekam-jejak").await.status,
        StatusCode::SEE_OTHER
    );

    // The agency: every view of someone's record is audited; unknown ids and figures are 404.
    let admin = app.signed_in("admin").await;
    let page = admin
        .get(&format!("/admin/alumni/{siti}/rekam-jejak"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for figure in Figure::ALL {
        let href = format!("/admin/alumni/{siti}/rekam-jejak/{}", figure.as_str());
        assert!(page.contains(&format!("href=\"{href}\"")), "{href} linked");
        assert_eq!(admin.get(&href).await.status, StatusCode::OK, "{href}");
    }
    assert_eq!(
        audit_count(&app, "track_record.viewed", siti).await,
        1 + Figure::ALL.len() as i64
    );
    for path in [
        "/admin/alumni/99999999/rekam-jejak".to_owned(),
        "/admin/alumni/99999999/rekam-jejak.pdf".to_owned(),
        "/admin/alumni/99999999/rekam-jejak/pendapatan".to_owned(),
        format!("/admin/alumni/{siti}/rekam-jejak/tidak-ada"),
        format!("/admin/alumni/{siti}/rekam-jejak/%3Cscript%3E"),
    ] {
        let page = admin.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}: {}", page.body);
    }
}

async fn the_record_prints_as_a_pdf(app: TestApp) {
    let siti = alumnus_of(&app, "alumni").await;
    let expected = by_hand(&app, siti).await;
    let admin = app.signed_in("admin").await;
    let response = admin
        .client
        .get(format!(
            "{}/admin/alumni/{siti}/rekam-jejak.pdf",
            admin.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/pdf"
    );
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let text = crate::pdftext::text(&bytes);
    for needle in [
        "REKAM JEJAK USAHA ALUMNI BLK",
        "Siti Rahmawati",
        "Pesanan umum selesai",
        "Jawaban tracer",
        &format_rupiah(expected.revenue_total()),
    ] {
        assert!(text.contains(needle), "{needle:?} not in the PDF: {text}");
    }
    assert_eq!(audit_count(&app, "track_record.downloaded", siti).await, 1);

    let own = app.signed_in("alumni").await;
    let response = own
        .client
        .get(format!("{}/akun/rekam-jejak.pdf", own.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.bytes().await.unwrap().starts_with(b"%PDF"));
    assert_eq!(
        audit_count(&app, "track_record.downloaded", siti).await,
        1,
        "her own download is not audited"
    );

    // A frozen snapshot's identifier is printed under the title and in the footer.
    let record = track_record(&app.db, siti, now()).await.unwrap();
    let bytes = karya::app::track_record::render_pdf(
        &record,
        &app.settings.instance,
        Some("Snapshot #3 · SHA-256 0123abcd"),
    )
    .unwrap();
    assert!(crate::pdftext::text(&bytes).contains("Snapshot #3"));
}
