//! The tracer study over HTTP: waves open exactly for completers whose wave is due, each
//! personal link works once and only in its window, answers keep the questionnaire version they
//! were given under, Karya's prefilled figures equal the stored records, phone entries are
//! marked as such, reminders keep their interval and number, and bad input is refused with
//! the input kept and nothing stored. On both backends.

use karya::app::tracer::Tracer;
use karya::db::orders::Reach;
use karya::domain::dates::{WIB, add_months, parse_iso, to_iso, wib_date};
use reqwest::StatusCode;
use sqlx::Row;

use crate::both;
use crate::capital::text_of;
use crate::helpers::TestApp;

both!(
    a_wave_opens_once_and_its_link_answers_once,
    phone_entries_reminders_and_the_agency_pages,
    prefilled_figures_equal_the_records,
    settings_and_umk_refuse_bad_input
);

const DAY: i64 = 86_400;

async fn i64_q(app: &TestApp, sql: &str, binds: &[i64]) -> i64 {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
    for b in binds {
        q = q.bind(*b);
    }
    q.fetch_one(app.db.pool())
        .await
        .expect(sql)
        .try_get(0)
        .expect("i64")
}

async fn exec(app: &TestApp, sql: &str, binds: &[&str]) {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
    for b in binds {
        q = q.bind(*b);
    }
    q.execute(app.db.pool()).await.expect(sql);
}

pub(crate) fn today() -> time::Date {
    wib_date(karya::db::now())
}

/// A batch that ended `months` months ago (less `days_more` days), with people of the given
/// results (`lulus`/`tidak_lulus`) and, for each, an alumnus with a phone (or `alumni` ids
/// given). Returns the participation ids.
pub(crate) async fn cohort(
    app: &TestApp,
    number: i64,
    ended: time::Date,
    people: &[(&str, &str)],
) -> Vec<i64> {
    let program = i64_q(app, "SELECT MIN(id) FROM programs", &[]).await;
    let now = karya::db::now();
    let end = to_iso(ended);
    let start = to_iso(ended - time::Duration::days(20));
    let batch: i64 = sqlx::query_scalar(
        "INSERT INTO batches (program_id, year, number, start_date, end_date, funding, capacity, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'APBD', 16, $6) RETURNING id",
    )
    .bind(program)
    .bind(i64::from(ended.year()))
    .bind(number)
    .bind(&start)
    .bind(&end)
    .bind(now)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let mut ids = Vec::new();
    for (i, (name, result)) in people.iter().enumerate() {
        let alumnus: i64 = sqlx::query_scalar(
            "INSERT INTO alumni (full_name, gender, phone, created_at, updated_at) VALUES ($1, 'P', $2, $3, $3) RETURNING id",
        )
        .bind(*name)
        .bind(format!("+62812999{number:03}{i:02}"))
        .bind(now)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        ids.push(participation(app, alumnus, batch, result).await);
    }
    ids
}

async fn participation(app: &TestApp, alumnus: i64, batch: i64, result: &str) -> i64 {
    sqlx::query_scalar("INSERT INTO participations (alumnus_id, batch_id, result) VALUES ($1, $2, $3) RETURNING id")
        .bind(alumnus)
        .bind(batch)
        .bind(result)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// The personal link sent to `name` (the latest message naming her), as a path.
pub(crate) async fn link_of(app: &TestApp, name: &str) -> String {
    let body: String =
        sqlx::query_scalar("SELECT body FROM outbox WHERE body LIKE $1 ORDER BY id DESC LIMIT 1")
            .bind(format!("%Halo {name},%"))
            .fetch_one(app.db.pool())
            .await
            .expect("a message to her");
    let at = body.find("/tracer/").expect("the link");
    body[at..at + "/tracer/".len() + 32].to_owned()
}

fn tracer(app: &TestApp) -> (karya::secrets::Secrets, Reach) {
    (
        karya::secrets::Secrets::load_or_create(&app.settings.data_dir).expect("secrets"),
        Reach::from_settings(&app.settings),
    )
}

async fn invitations_of(app: &TestApp, participation: i64) -> i64 {
    i64_q(
        app,
        "SELECT COUNT(*) FROM tracer_invitations WHERE participation_id = $1",
        &[participation],
    )
    .await
}

async fn responses(app: &TestApp) -> i64 {
    app.scalar("SELECT COUNT(*) FROM tracer_responses").await
}

async fn a_wave_opens_once_and_its_link_answers_once(app: TestApp) {
    // A batch that ended a month and two days ago: wave 1 is due, its window open.
    let ended = add_months(today(), -1).unwrap() - time::Duration::days(2);
    let p = cohort(
        &app,
        71,
        ended,
        &[
            ("Rina Uji", "lulus"),
            ("Sari Uji", "lulus"),
            ("Tono Uji", "tidak_lulus"),
        ],
    )
    .await;
    let admin = app.signed_in("admin").await;
    admin
        .post("/admin/tracer/kirim", &[])
        .await
        .assert_redirect_to("/admin/tracer?kirim=");
    assert_eq!(invitations_of(&app, p[0]).await, 1);
    assert_eq!(invitations_of(&app, p[1]).await, 1);
    assert_eq!(
        invitations_of(&app, p[2]).await,
        0,
        "no invitation for tidak_lulus"
    );
    let wave: i64 = i64_q(
        &app,
        "SELECT wave FROM tracer_invitations WHERE participation_id = $1",
        &[p[0]],
    )
    .await;
    assert_eq!(wave, 1);
    let outbox = app.scalar("SELECT COUNT(*) FROM outbox").await;
    admin
        .post("/admin/tracer/kirim", &[])
        .await
        .assert_redirect_to("/admin/tracer?kirim=0");
    assert_eq!(invitations_of(&app, p[0]).await, 1, "not twice");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM outbox").await,
        outbox,
        "nothing sent twice"
    );
    let hash = text_of(
        &app,
        "SELECT token_hash FROM tracer_invitations WHERE participation_id = $1",
        p[0],
    )
    .await;
    let link = link_of(&app, "Rina Uji").await;
    assert_eq!(
        hash,
        karya::secrets::token_hash(link.trim_start_matches("/tracer/")),
        "only the hash is stored"
    );

    // She opens the form under the current version; then the agency adds a question.
    let rina = app.visitor();
    let form = rina.get(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.contains("Halo Rina Uji") && form.contains("Apa kegiatan utama Anda sekarang?"));
    let shown = form.input_value("version_id").unwrap();
    let old_body = text_of(
        &app,
        "SELECT body FROM tracer_versions WHERE id = $1",
        shown.parse().unwrap(),
    )
    .await;
    let edit = admin
        .post(
            "/admin/tracer/kuesioner",
            &[
                ("required_status", "1"),
                ("required_related", "1"),
                ("required_income", "1"),
                ("new_key", "tempat_kerja"),
                ("new_text", "Di kecamatan mana Anda bekerja?"),
                ("new_kind", "text"),
            ],
        )
        .await;
    edit.assert_redirect_to("/admin/tracer/kuesioner?ok=baru");
    let newest = app.scalar("SELECT MAX(id) FROM tracer_versions").await;
    assert!(
        newest > shown.parse().unwrap(),
        "the edit made a new version"
    );
    assert_eq!(
        text_of(
            &app,
            "SELECT body FROM tracer_versions WHERE id = $1",
            shown.parse().unwrap()
        )
        .await,
        old_body,
        "the old row is unchanged"
    );
    let same = admin
        .post(
            "/admin/tracer/kuesioner",
            &[
                ("required_status", "1"),
                ("required_related", "1"),
                ("required_income", "1"),
            ],
        )
        .await;
    same.assert_redirect_to("/admin/tracer/kuesioner?ok=sama");
    assert_eq!(
        app.scalar("SELECT MAX(id) FROM tracer_versions").await,
        newest,
        "an unchanged save makes no version"
    );

    // Bad input: messages, her input kept, nothing stored.
    let before = responses(&app).await;
    let bad = rina
        .post(
            &link,
            &[
                ("version_id", &shown),
                ("next_training", "Kue kering lanjutan"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.contains("Pilih kegiatan utama Anda sekarang."),
        "{}",
        bad.body
    );
    assert_eq!(
        bad.input_value("next_training").as_deref(),
        Some("Kue kering lanjutan")
    );
    let bad = rina
        .post(&link, &[("version_id", &shown), ("status", "pensiun")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("tidak ada"), "{}", bad.body);
    let bad = rina
        .post(
            &link,
            &[
                ("version_id", &shown),
                ("status", "wirausaha"),
                ("related", "ya"),
                ("income", "umk"),
                ("obstacles", "cuaca"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("cuaca"), "{}", bad.body);
    let bad = rina
        .post(&link, &[("version_id", &shown), ("status", "wirausaha")])
        .await;
    assert!(
        bad.contains("wajib dijawab karena Anda bekerja atau berusaha"),
        "{}",
        bad.body
    );
    assert_eq!(responses(&app).await, before, "nothing stored");

    // Her answer, under the version she was shown.
    let ok = rina
        .post(
            &link,
            &[
                ("version_id", &shown),
                ("status", "wirausaha"),
                ("related", "ya"),
                ("income", "umk"),
                ("obstacles", "modal"),
                ("obstacles", "pemasaran"),
                ("satisfaction", "4"),
            ],
        )
        .await;
    ok.assert_redirect_to(&link);
    let row = sqlx::query(
        "SELECT r.id, r.version_id, r.source, r.status, r.related, r.income_band, r.works_in_trade, r.earns_umk, \
                r.umk_year, r.umk_amount, r.entered_by, r.satisfaction, i.opens_on \
         FROM tracer_responses r JOIN tracer_invitations i ON i.id = r.invitation_id WHERE i.participation_id = $1",
    )
    .bind(p[0])
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let response: i64 = row.get("id");
    assert_eq!(
        row.get::<i64, _>("version_id"),
        shown.parse::<i64>().unwrap(),
        "the version shown, not the newest"
    );
    assert_eq!(row.get::<String, _>("source"), "tautan");
    assert_eq!(row.get::<String, _>("status"), "wirausaha");
    assert_eq!(row.get::<Option<i64>, _>("related"), Some(1));
    assert_eq!(
        row.get::<Option<String>, _>("income_band").as_deref(),
        Some("umk")
    );
    assert_eq!(
        (
            row.get::<i64, _>("works_in_trade"),
            row.get::<i64, _>("earns_umk")
        ),
        (1, 1)
    );
    assert_eq!(row.get::<Option<i64>, _>("entered_by"), None);
    assert_eq!(row.get::<Option<i64>, _>("satisfaction"), Some(4));
    let opens: String = row.get("opens_on");
    let year = i64::from(parse_iso(&opens).unwrap().year());
    let umk = i64_q(
        &app,
        "SELECT amount FROM umk WHERE year = (SELECT MAX(year) FROM umk WHERE year <= $1)",
        &[year],
    )
    .await;
    assert_eq!(row.get::<Option<i64>, _>("umk_amount"), Some(umk));
    assert!(row.get::<Option<i64>, _>("umk_year").unwrap() <= year);
    assert_eq!(
        i64_q(
            &app,
            "SELECT COUNT(*) FROM tracer_obstacles WHERE response_id = $1",
            &[response]
        )
        .await,
        2
    );

    // Once: the second post is refused and nothing is stored twice; the page says received.
    let again = rina
        .post(&link, &[("version_id", &shown), ("status", "mencari")])
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(responses(&app).await, before + 1);
    let after = rina.get(&link).await;
    assert!(after.contains("Jawaban Anda sudah diterima") && !after.contains("name=\"status\""));

    // Expired: 410 and never a form; not yet open: refused too; unknown: 404.
    let sari = link_of(&app, "Sari Uji").await;
    let yesterday = to_iso(today() - time::Duration::days(1));
    exec(
        &app,
        "UPDATE tracer_invitations SET closes_on = $1 WHERE token_hash = $2",
        &[
            &yesterday,
            &karya::secrets::token_hash(sari.trim_start_matches("/tracer/")),
        ],
    )
    .await;
    let gone = app.visitor().get(&sari).await;
    assert_eq!(gone.status, StatusCode::GONE);
    assert!(!gone.contains("name=\"status\""));
    let gone = app
        .visitor()
        .post(&sari, &[("version_id", &shown), ("status", "mencari")])
        .await;
    assert_eq!(gone.status, StatusCode::GONE);
    let tomorrow = to_iso(today() + time::Duration::days(1));
    let later = to_iso(today() + time::Duration::days(30));
    exec(
        &app,
        "UPDATE tracer_invitations SET opens_on = $1, closes_on = $2 WHERE token_hash = $3",
        &[
            &tomorrow,
            &later,
            &karya::secrets::token_hash(sari.trim_start_matches("/tracer/")),
        ],
    )
    .await;
    let early = app.visitor().get(&sari).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert!(!early.contains("name=\"status\""));
    let early = app
        .visitor()
        .post(&sari, &[("version_id", &shown), ("status", "mencari")])
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(responses(&app).await, before + 1, "neither stored anything");
    assert_eq!(
        app.visitor()
            .get("/tracer/00000000000000000000000000000000")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn phone_entries_reminders_and_the_agency_pages(app: TestApp) {
    let ended = add_months(today(), -3).unwrap();
    let p = cohort(
        &app,
        72,
        ended,
        &[("Wati Telepon", "lulus"), ("Yani Pengingat", "lulus")],
    )
    .await;
    let (secrets, reach) = tracer(&app);
    let flow = Tracer {
        db: &app.db,
        key: &secrets.data_key,
        reach: &reach,
    };
    let system = karya::domain::audit::Who {
        id: None,
        label: "sistem",
        ip: "",
    };
    let now = karya::db::now();
    flow.open_waves(&system, now).await.unwrap();
    // Wave 3 is due today; wave 1's window closed long ago, so it is not traced retroactively.
    for id in &p {
        assert_eq!(
            i64_q(
                &app,
                "SELECT wave FROM tracer_invitations WHERE participation_id = $1",
                &[*id]
            )
            .await,
            3
        );
        assert_eq!(invitations_of(&app, *id).await, 1);
    }

    // Reminders: every 7 days, at most 2, the same link each time.
    let yani = i64_q(
        &app,
        "SELECT id FROM tracer_invitations WHERE participation_id = $1",
        &[p[1]],
    )
    .await;
    let binds = [yani];
    let reminders = || {
        i64_q(
            &app,
            "SELECT reminders FROM tracer_invitations WHERE id = $1",
            &binds,
        )
    };
    flow.reminders(now + 6 * DAY).await.unwrap();
    assert_eq!(reminders().await, 0, "not before the interval");
    flow.reminders(now + 7 * DAY).await.unwrap();
    assert_eq!(reminders().await, 1);
    flow.reminders(now + 10 * DAY).await.unwrap();
    assert_eq!(
        reminders().await,
        1,
        "the interval runs from the last reminder"
    );
    flow.reminders(now + 14 * DAY).await.unwrap();
    assert_eq!(reminders().await, 2);
    flow.reminders(now + 21 * DAY).await.unwrap();
    flow.reminders(now + 28 * DAY).await.unwrap();
    assert_eq!(reminders().await, 2, "at most max_reminders");
    let links: Vec<String> = sqlx::query_scalar(
        "SELECT body FROM outbox WHERE body LIKE '%Halo Yani Pengingat,%' ORDER BY id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(links.len(), 3, "the invitation and two reminders");
    let link = |b: &String| {
        b[b.find("/tracer/").unwrap()..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned()
    };
    assert!(
        links.iter().all(|b| link(b) == link(&links[0])),
        "a reminder carries the same link"
    );

    // Phone entry by staf.blk: stored as telepon with who entered it, shown as such.
    let wati = i64_q(
        &app,
        "SELECT id FROM tracer_invitations WHERE participation_id = $1",
        &[p[0]],
    )
    .await;
    let staff = app.signed_in("staf.blk").await;
    let form = staff.get(&format!("/admin/tracer/undangan/{wati}")).await;
    assert_eq!(form.status, StatusCode::OK);
    let version = form.input_value("version_id").unwrap();
    let bad = staff
        .post(
            &format!("/admin/tracer/undangan/{wati}"),
            &[("version_id", &version), ("satisfaction", "9")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("1 sampai 5"));
    staff
        .post(
            &format!("/admin/tracer/undangan/{wati}"),
            &[
                ("version_id", &version),
                ("status", "mencari"),
                ("related", "ya"),
                ("income", "di_atas"),
            ],
        )
        .await
        .assert_redirect_to(&format!("/admin/tracer/undangan/{wati}"));
    let row = sqlx::query("SELECT source, entered_by, related, income_band, works_in_trade, earns_umk, umk_amount FROM tracer_responses WHERE invitation_id = $1")
        .bind(wati)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let staff_id = app
        .scalar("SELECT id FROM users WHERE username = 'staf.blk'")
        .await;
    assert_eq!(row.get::<String, _>("source"), "telepon");
    assert_eq!(row.get::<Option<i64>, _>("entered_by"), Some(staff_id));
    assert_eq!(
        row.get::<Option<i64>, _>("related"),
        None,
        "not working: not asked, stored empty"
    );
    assert_eq!(row.get::<Option<String>, _>("income_band"), None);
    assert!(
        row.get::<Option<i64>, _>("umk_amount").is_some(),
        "the wave's UMK on every answer"
    );
    assert_eq!(
        (
            row.get::<i64, _>("works_in_trade"),
            row.get::<i64, _>("earns_umk")
        ),
        (0, 0)
    );
    let batch = i64_q(
        &app,
        "SELECT batch_id FROM participations WHERE id = $1",
        &[p[0]],
    )
    .await;
    let list = staff
        .get(&format!(
            "/admin/tracer/daftar?angkatan={batch}&gelombang=3"
        ))
        .await;
    assert!(
        list.contains("Wati Telepon")
            && list.contains("telepon,")
            && list.contains("oleh Nur Aini (BLK)"),
        "{}",
        list.body
    );
    assert!(list.contains("Yani Pengingat") && list.contains("belum menjawab"));
    let overview = staff.get("/admin/tracer").await;
    assert!(
        overview.contains(&format!(
            "/admin/tracer/daftar?angkatan={batch}&#38;gelombang=3"
        )),
        "{}",
        overview.body
    );
    let again = staff
        .post(
            &format!("/admin/tracer/undangan/{wati}"),
            &[("version_id", &version), ("status", "studi")],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "answered once");
    let audit = app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'tracer.answered' AND actor_label = 'staf.blk'").await;
    assert!(audit >= 1);
}

async fn prefilled_figures_equal_the_records(app: TestApp) {
    // The demo alumnus with the most completed public orders in the three months before today,
    // among those with no office work (so the records are the public orders alone).
    let until = today();
    let from = add_months(until, -3).unwrap();
    let ts = |d: time::Date| d.midnight().assume_offset(WIB).unix_timestamp();
    let best = sqlx::query(
        "SELECT b.alumnus_id, COUNT(*) AS n FROM orders o JOIN businesses b ON b.id = o.business_id \
         WHERE o.state IN ('completed','reviewed') AND o.completed_at >= $1 AND o.completed_at < $2 \
           AND b.alumnus_id NOT IN (SELECT b2.alumnus_id FROM businesses b2 JOIN office_requests r ON r.business_id = b2.id) \
           AND b.alumnus_id NOT IN (SELECT b3.alumnus_id FROM businesses b3 JOIN office_offers f ON f.business_id = b3.id) \
         GROUP BY b.alumnus_id ORDER BY n DESC, b.alumnus_id LIMIT 1",
    )
    .bind(ts(from))
    .bind(ts(until))
    .fetch_one(app.db.pool())
    .await
    .expect("a demo alumnus with recent sales");
    let alumnus: i64 = best.get("alumnus_id");
    let orders: i64 = best.get("n");
    let revenue = sqlx::query(
        "SELECT CAST(COALESCE(SUM(op.amount), 0) AS BIGINT) FROM order_payments op JOIN orders o ON o.id = op.order_id \
         JOIN businesses b ON b.id = o.business_id \
         WHERE b.alumnus_id = $1 AND op.confirmed_at IS NOT NULL AND op.paid_on >= $2 AND op.paid_on < $3",
    )
    .bind(alumnus)
    .bind(to_iso(from))
    .bind(to_iso(until))
    .fetch_one(app.db.pool())
    .await
    .unwrap()
    .get::<i64, _>(0);

    // She completed a batch exactly a month ago: wave 1 opens today.
    let ended = add_months(until, -1).unwrap();
    let batch = cohort(&app, 73, ended, &[]).await;
    assert!(batch.is_empty());
    let batch_id = i64_q(&app, "SELECT MAX(id) FROM batches", &[]).await;
    let p = participation(&app, alumnus, batch_id, "lulus").await;
    let admin = app.signed_in("admin").await;
    admin
        .post("/admin/tracer/kirim", &[])
        .await
        .assert_redirect_to("/admin/tracer?kirim=");
    let opens = text_of(
        &app,
        "SELECT opens_on FROM tracer_invitations WHERE participation_id = $1",
        p,
    )
    .await;
    assert_eq!(
        opens,
        to_iso(until),
        "the test's window is the prefill's window"
    );
    let name = text_of(&app, "SELECT full_name FROM alumni WHERE id = $1", alumnus).await;
    let link = link_of(&app, &name).await;
    let page = app.visitor().get(&link).await;
    assert!(page.contains(&format!("Usaha aktif di Karya: {orders} pesanan selesai dalam 3 bulan terakhir, pendapatan Rp{}", karya::domain::rupiah::short_amount(revenue))), "{}", page.body);
    assert!(page.contains("Benar, kirim"));
    // The one-tap confirmation posts the prefilled answers.
    let doc = scraper::Html::parse_document(&page.body);
    let sel = scraper::Selector::parse(".tracer-prefill input[type=hidden]").unwrap();
    let fields: Vec<(String, String)> = doc
        .select(&sel)
        .filter_map(|e| {
            Some((
                e.value().attr("name")?.to_owned(),
                e.value().attr("value")?.to_owned(),
            ))
        })
        .filter(|(n, _)| n != "_csrf")
        .collect();
    let visitor = app.visitor();
    visitor.get(&link).await;
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    visitor.post(&link, &pairs).await.assert_redirect_to(&link);
    let row = sqlx::query(
        "SELECT r.prefill, r.confirmed_prefill, r.status, r.related, r.income_band FROM tracer_responses r \
         JOIN tracer_invitations i ON i.id = r.invitation_id WHERE i.participation_id = $1",
    )
    .bind(p)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let prefill: serde_json::Value =
        serde_json::from_str(&row.get::<String, _>("prefill")).unwrap();
    assert_eq!(prefill["orders"], orders);
    assert_eq!(prefill["revenue"], revenue);
    assert_eq!(row.get::<i64, _>("confirmed_prefill"), 1);
    assert_eq!(row.get::<String, _>("status"), "wirausaha");
    assert_eq!(row.get::<Option<i64>, _>("related"), Some(1));
    let umk = i64_q(
        &app,
        "SELECT amount FROM umk WHERE year = (SELECT MAX(year) FROM umk WHERE year <= $1)",
        &[i64::from(until.year())],
    )
    .await;
    let band = karya::domain::tracer::Band::of(revenue / 3, umk);
    assert_eq!(
        row.get::<Option<String>, _>("income_band").as_deref(),
        Some(band.as_str())
    );
}

async fn settings_and_umk_refuse_bad_input(app: TestApp) {
    let admin = app.signed_in("admin").await;
    let stored = app.scalar("SELECT COUNT(*) FROM tracer_settings").await;
    let bad = admin
        .post(
            "/admin/tracer/pengaturan",
            &[
                ("waves", "1, 6, 3"),
                ("window_days", "30"),
                ("reminder_days", "7"),
                ("max_reminders", "2"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("urut naik"));
    assert_eq!(bad.input_value("waves").as_deref(), Some("1, 6, 3"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM tracer_settings").await,
        stored,
        "nothing stored"
    );
    let umks = app.scalar("SELECT COUNT(*) FROM umk").await;
    let bad = admin
        .post(
            "/admin/tracer/umk",
            &[("umk_year", "2027"), ("umk_amount", "0")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("lebih dari 0"));
    assert_eq!(bad.input_value("umk_year").as_deref(), Some("2027"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM umk").await, umks);
    admin
        .post(
            "/admin/tracer/pengaturan",
            &[
                ("waves", "1, 6"),
                ("window_days", "21"),
                ("reminder_days", "5"),
                ("max_reminders", "3"),
            ],
        )
        .await
        .assert_redirect_to("/admin/tracer/pengaturan?ok=1");
    admin
        .post(
            "/admin/tracer/umk",
            &[("umk_year", "2027"), ("umk_amount", "3.700.000")],
        )
        .await
        .assert_redirect_to("/admin/tracer/pengaturan?ok=1");
    assert_eq!(
        app.scalar("SELECT amount FROM umk WHERE year = 2027").await,
        3_700_000
    );
    let page = admin.get("/admin/tracer/pengaturan").await;
    assert_eq!(page.input_value("waves").as_deref(), Some("1, 6"));
    assert!(page.contains("Rp3.700.000"));
    assert!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action IN ('tracer.settings_updated', 'tracer.umk_updated')").await >= 2);
    // A questionnaire edit that removes a status option is refused with nothing stored.
    let versions = app.scalar("SELECT COUNT(*) FROM tracer_versions").await;
    let bad = admin
        .post(
            "/admin/tracer/kuesioner",
            &[
                ("required_status", "1"),
                ("options_status", "penuh_waktu = Kerja"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("tidak boleh dihapus"));
    assert_eq!(
        bad.input_value("options_status").as_deref(),
        Some("penuh_waktu = Kerja")
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM tracer_versions").await,
        versions
    );
}
