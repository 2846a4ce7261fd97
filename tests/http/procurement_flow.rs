//! The government channel's workflow and storage, driven through `karya::app::procurement::Flow` and
//! `db::procurement` on the test app's database (the pages have their own tests). Every test
//! builds its own world — trades, alumni with their certificates, businesses, offices and their
//! staff, a procurement category — with codes of its own, and counts only its own rows.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use sqlx::Row;

use karya::app::AppError;
use karya::app::procurement::Flow;
use karya::config::Instance;
use karya::db::audit::Who;
use karya::db::directory::{self, Office};
use karya::db::gov_settings::ProcurementSettings;
use karya::db::procurement::{self as store, DocumentRow, Issuer, NewDocument, Request};
use karya::domain::dates::{to_iso, wib_date};
use karya::domain::procurement::documents::DocumentKind;
use karya::domain::procurement::request::{Action, Item, NewRequest, Party, Quote, State};
use karya::domain::procurement::rotation::{self, Exclusion, RequestFacts};
use karya::domain::procurement::tax::{self, SellerTax, TaxKind};
use karya::domain::procurement::words::rupiah_in_words_capitalised;

use crate::both;
use crate::helpers::TestApp;
use crate::pdftext;

both!(
    each_eligibility_rule_excludes_on_real_rows,
    rotation_moves_on_after_a_job_and_declines_pass_to_the_next,
    offers_past_their_deadline_are_passed_on,
    document_numbers_stay_gapless_under_concurrent_issues,
    a_full_walk_issues_the_documents_the_value_calls_for,
    stale_and_refused_steps_change_nothing_and_documents_are_never_edited,
    stored_pdfs_carry_number_amount_words_and_names,
    documents_refuse_every_edit_but_voiding,
    concurrent_steps_do_not_starve_the_pool,
);

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;
const PPK_NIP: &str = "198002022005011002";

// ---- the world each test builds ----

/// The workflow without email (these tests look at rows, not messages).
/// A data key of the tests' own: documents print an NPWP only when it opens with the key.
static TEST_KEY: std::sync::LazyLock<karya::secrets::Key> =
    std::sync::LazyLock::new(karya::secrets::Key::random);

static NO_EMAIL: std::sync::LazyLock<karya::db::orders::Reach> =
    std::sync::LazyLock::new(|| karya::db::orders::Reach {
        base_url: "http://karya.test".into(),
        email: false,
        guest_key: None,
    });

struct OfficeFx {
    id: i64,
    code: String,
    name: String,
    opd: i64,
    bendahara: i64,
}

struct World {
    now: i64,
    year: i64,
    trade: i64,
    batch: i64,
    other_batch: i64,
    /// The kecamatan requests are made in (it has at least one desa), and its name.
    kec: String,
    kec_name: String,
    /// A desa of `kec`.
    desa: String,
    /// Another kecamatan.
    far_kec: String,
    offices: Vec<OfficeFx>,
    category: i64,
    settings: ProcurementSettings,
    instance: Instance,
    tag: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cert {
    /// Certified in the request's trade, expiring next year.
    Valid,
    /// Certified in the trade; the certificate's last valid day is today.
    ExpiresToday,
    /// Certified in the trade; expired yesterday.
    Expired,
    /// Certified only in another trade.
    OtherTrade,
    /// Took part in the trade's batch without a certificate number.
    NoNumber,
}

struct Biz {
    name: String,
    cert: Cert,
    verified: bool,
    active: bool,
    home: String,
    capacity: i64,
    areas: Vec<String>,
}

impl Biz {
    /// A business that meets every rule for a request in `home`.
    fn ok(name: &str, home: &str) -> Biz {
        Biz {
            name: name.to_owned(),
            cert: Cert::Valid,
            verified: true,
            active: true,
            home: home.to_owned(),
            capacity: 2,
            areas: Vec::new(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct BizFx {
    id: i64,
    /// The owner's `alumni` account.
    user: i64,
}

fn who(id: i64) -> Who<'static> {
    Who {
        id: Some(id),
        label: "uji",
        ip: "127.0.0.1",
    }
}

async fn insert_id(app: &TestApp, sql: &'static str, binds: Vec<Bind>) -> i64 {
    let mut q = sqlx::query_scalar::<_, i64>(sql);
    for b in binds {
        q = match b {
            Bind::I(v) => q.bind(v),
            Bind::OI(v) => q.bind(v),
            Bind::S(v) => q.bind(v),
            Bind::OS(v) => q.bind(v),
        };
    }
    q.fetch_one(app.db.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn exec(app: &TestApp, sql: &str, binds: Vec<Bind>) -> Result<u64, sqlx::Error> {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
    for b in binds {
        q = match b {
            Bind::I(v) => q.bind(v),
            Bind::OI(v) => q.bind(v),
            Bind::S(v) => q.bind(v),
            Bind::OS(v) => q.bind(v),
        };
    }
    q.execute(app.db.pool()).await.map(|r| r.rows_affected())
}

enum Bind {
    I(i64),
    OI(Option<i64>),
    S(String),
    OS(Option<String>),
}
use Bind::{I, OI, OS, S};

fn s(v: impl Into<String>) -> Bind {
    S(v.into())
}

impl World {
    async fn new(app: &TestApp, tag: &str) -> World {
        let pool = app.db.pool();
        let now = karya::db::now();
        let year = i64::from(wib_date(now).year());
        let row = sqlx::query(
            "SELECT k.code, k.name, MIN(d.code) AS desa FROM regions k \
             JOIN regions d ON d.parent_code = k.code \
             WHERE k.level = 'kecamatan' GROUP BY k.code, k.name ORDER BY k.code LIMIT 1",
        )
        .fetch_one(pool)
        .await
        .expect("the demo district has a kecamatan with desa");
        let kec: String = row.get("code");
        let kec_name: String = row.get("name");
        let desa: String = row.get("desa");
        let far_kec: String = sqlx::query_scalar(
            "SELECT code FROM regions WHERE level = 'kecamatan' AND code <> $1 ORDER BY code LIMIT 1",
        )
        .bind(&kec)
        .fetch_one(pool)
        .await
        .expect("a second kecamatan");

        let mut trades = Vec::new();
        let mut batches = Vec::new();
        for which in ["A", "B"] {
            let trade = insert_id(
                app,
                "INSERT INTO trades (code, name, created_at) VALUES ($1, $2, $3) RETURNING id",
                vec![
                    s(format!("UJI-{tag}-{which}")),
                    s(format!("Kejuruan uji {tag} {which}")),
                    I(now),
                ],
            )
            .await;
            let program = insert_id(
                app,
                "INSERT INTO programs (trade_id, name, hours, days, created_at) \
                 VALUES ($1, $2, 160, 20, $3) RETURNING id",
                vec![I(trade), s(format!("Pelatihan uji {tag} {which}")), I(now)],
            )
            .await;
            let batch = insert_id(
                app,
                "INSERT INTO batches (program_id, year, number, start_date, end_date, funding, \
                 capacity, created_at) VALUES ($1, $2, 1, $3, $4, 'APBD', 16, $5) RETURNING id",
                vec![
                    I(program),
                    I(year - 1),
                    s(format!("{}-03-01", year - 1)),
                    s(format!("{}-03-20", year - 1)),
                    I(now),
                ],
            )
            .await;
            trades.push(trade);
            batches.push(batch);
        }

        let mut offices = Vec::new();
        for (i, label) in ["Alfa", "Beta"].iter().enumerate() {
            let code = format!("UJI{}{}", tag.to_uppercase(), i + 1);
            let name = format!("Dinas Uji {label} {tag}");
            let office = Office {
                id: 0,
                code: code.clone(),
                name: name.clone(),
                kind: "dinas".into(),
                address: format!("Jl. Uji {label} No. {}", i + 1),
                kecamatan_code: Some(kec.clone()),
                kecamatan: String::new(),
                head_name: format!("Kepala {label}"),
                head_nip: "197001012000031001".into(),
                ppk_name: format!("Pejabat Pengadaan {label}"),
                ppk_nip: PPK_NIP.into(),
                treasurer_name: format!("Bendahara {label}"),
                treasurer_nip: "198503032010012003".into(),
                ..Office::default()
            };
            let mut tx = app.db.begin().await.unwrap();
            let id = directory::create_office(&mut tx, &office).await.unwrap();
            tx.commit().await.unwrap();
            let mut staff = Vec::new();
            for role in ["opd", "bendahara"] {
                staff.push(
                    insert_id(
                        app,
                        "INSERT INTO users (username, display_name, role, office_id, password_hash, \
                         created_at, updated_at, password_changed_at) \
                         VALUES ($1, $2, $3, $4, 'x', $5, $5, $5) RETURNING id",
                        vec![
                            s(format!("{role}-{tag}-{}", i + 1)),
                            s(format!("{role} {label}")),
                            s(role),
                            I(id),
                            I(now),
                        ],
                    )
                    .await,
                );
            }
            offices.push(OfficeFx {
                id,
                code,
                name,
                opd: staff[0],
                bendahara: staff[1],
            });
        }

        let mut tx = app.db.begin().await.unwrap();
        let category = karya::db::directory::create_procurement_category(
            &mut tx,
            &karya::db::directory::CategoryFields {
                trade_id: trades[0],
                name: format!("Servis AC uji {tag}"),
                unit: "unit".into(),
                tax_kind: TaxKind::Services,
                active: true,
            },
            karya::db::audit::Who {
                id: None,
                label: "uji",
                ip: "",
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        World {
            now,
            year,
            trade: trades[0],
            batch: batches[0],
            other_batch: batches[1],
            kec,
            kec_name,
            desa,
            far_kec,
            offices,
            category,
            settings: ProcurementSettings::default(),
            instance: Instance::default(),
            tag: tag.to_owned(),
        }
    }

    fn flow<'a>(&'a self, app: &'a TestApp) -> Flow<'a> {
        Flow {
            db: &app.db,
            settings: &self.settings,
            instance: &self.instance,
            reach: &NO_EMAIL,
            key: &TEST_KEY,
        }
    }

    fn today(&self) -> time::Date {
        wib_date(self.now)
    }

    /// An alumnus with a participation as `b.cert` says, their business and their account.
    async fn business(&self, app: &TestApp, b: Biz) -> BizFx {
        let now = self.now;
        let alumnus = insert_id(
            app,
            "INSERT INTO alumni (full_name, gender, kecamatan_code, created_at, updated_at) \
             VALUES ($1, 'P', $2, $3, $3) RETURNING id",
            vec![s(format!("Pemilik {}", b.name)), s(&b.home), I(now)],
        )
        .await;
        let today = self.today();
        let (batch, number, expiry) = match b.cert {
            Cert::Valid => (
                self.batch,
                Some(format!("CERT-{}", b.name)),
                Some(to_iso(today + time::Duration::days(365))),
            ),
            Cert::ExpiresToday => (
                self.batch,
                Some(format!("CERT-{}", b.name)),
                Some(to_iso(today)),
            ),
            Cert::Expired => (
                self.batch,
                Some(format!("CERT-{}", b.name)),
                Some(to_iso(today - time::Duration::days(1))),
            ),
            Cert::OtherTrade => (self.other_batch, Some(format!("CERT-{}", b.name)), None),
            Cert::NoNumber => (self.batch, None, None),
        };
        insert_id(
            app,
            "INSERT INTO participations (alumnus_id, batch_id, result, competency, cert_number, \
             cert_expiry) VALUES ($1, $2, 'lulus', 'kompeten', $3, $4) RETURNING id",
            vec![I(alumnus), I(batch), OS(number), OS(expiry)],
        )
        .await;
        let id = insert_id(
            app,
            "INSERT INTO businesses (alumnus_id, trade_id, name, kecamatan_code, verified_at, \
             created_at, active, office_capacity, pickup_address, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            vec![
                I(alumnus),
                I(self.trade),
                s(&b.name),
                s(&b.home),
                OI(b.verified.then_some(now - 30 * DAY)),
                I(now - 60 * DAY),
                I(i64::from(b.active)),
                I(b.capacity),
                s(format!("Jl. {} No. 7", b.name)),
                I(now),
            ],
        )
        .await;
        for area in &b.areas {
            exec(
                app,
                "INSERT INTO business_areas (business_id, region_code) VALUES ($1, $2)",
                vec![I(id), s(area)],
            )
            .await
            .unwrap();
        }
        let user = insert_id(
            app,
            "INSERT INTO users (username, display_name, role, alumnus_id, password_hash, \
             created_at, updated_at, password_changed_at) \
             VALUES ($1, $2, 'alumni', $3, 'x', $4, $4, $4) RETURNING id",
            vec![
                s(format!("alm-{}-{id}", self.tag)),
                s(format!("Pemilik {}", b.name)),
                I(alumnus),
                I(now),
            ],
        )
        .await;
        BizFx { id, user }
    }

    /// A request of office `office` (index) for 12 AC units in `kec`.
    async fn request(&self, app: &TestApp, office: usize, title: &str) -> Request {
        let from = self.today() + time::Duration::days(7);
        let new = NewRequest {
            category_id: self.category,
            title: title.to_owned(),
            items: vec![Item {
                description: "Servis AC split 1 PK".into(),
                quantity: 12,
                unit: "unit".into(),
            }],
            place: "Ruang rapat lantai 2".into(),
            kecamatan_code: self.kec.clone(),
            date_from: from,
            date_until: from,
            time_window: "08.00–15.00 WIB".into(),
            hps: None,
            budget_line_id: None,
            notes: String::new(),
        };
        let o = &self.offices[office];
        let id = store::create(&app.db, o.id, self.year, &new, &who(o.opd), self.now)
            .await
            .unwrap();
        store::get(&app.db, id).await.unwrap()
    }

    /// A request of office `office` held by `business`, moved by direct updates through
    /// `path` (each step one legal change of state).
    async fn job(&self, app: &TestApp, office: usize, business: i64, path: &[&str]) -> i64 {
        let r = self
            .request(app, office, "Pekerjaan lain yang sedang berjalan")
            .await;
        for state in path {
            exec(
                app,
                "UPDATE office_requests SET state = $1, business_id = $2 WHERE id = $3",
                vec![s(*state), I(business), I(r.id)],
            )
            .await
            .unwrap_or_else(|e| panic!("to {state}: {e}"));
        }
        r.id
    }

    /// `ratings.len()` marketplace reviews of the business with these ratings.
    async fn reviews(&self, app: &TestApp, business: i64, ratings: &[i64]) {
        for (i, rating) in ratings.iter().enumerate() {
            let order = insert_id(
                app,
                "INSERT INTO orders (business_id, buyer_name, buyer_phone, fulfilment, needed_on, \
                 idempotency_key, created_at, updated_at) \
                 VALUES ($1, 'Pembeli uji', '+6281200000000', 'service', $2, $3, $4, $4) RETURNING id",
                vec![
                    I(business),
                    s(to_iso(self.today())),
                    s(format!("uji-{}-{business}-{i}", self.tag)),
                    I(self.now),
                ],
            )
            .await;
            insert_id(
                app,
                "INSERT INTO reviews (order_id, business_id, rating, reviewer, created_at) \
                 VALUES ($1, $2, $3, 'Pembeli uji', $4) RETURNING id",
                vec![I(order), I(business), I(*rating), I(self.now)],
            )
            .await;
        }
    }
}

async fn reload(app: &TestApp, r: &Request) -> Request {
    store::get(&app.db, r.id).await.unwrap()
}

fn names(p: &karya::app::procurement::Proposals) -> BTreeSet<String> {
    p.all.iter().map(|x| x.name.clone()).collect()
}

// ---- 1. eligibility ----

/// Each business fails exactly one rule, and is excluded with it; the controls meeting every
/// rule (including the edge cases that still qualify) are proposed.
async fn each_eligibility_rule_excludes_on_real_rows(app: TestApp) {
    let w = World::new(&app, "elig").await;
    let home = w.kec.clone();
    let far = w.far_kec.clone();
    let mut mk = Vec::new();
    let mut add = |b: Biz| mk.push(b);
    add(Biz::ok("Kontrol Sejuk", &home));
    add(Biz {
        verified: false,
        ..Biz::ok("Belum Verifikasi", &home)
    });
    add(Biz {
        cert: Cert::OtherTrade,
        ..Biz::ok("Sertifikat Lain", &home)
    });
    add(Biz {
        cert: Cert::Expired,
        ..Biz::ok("Sertifikat Kedaluwarsa", &home)
    });
    add(Biz {
        cert: Cert::NoNumber,
        ..Biz::ok("Tanpa Nomor Sertifikat", &home)
    });
    add(Biz {
        cert: Cert::ExpiresToday,
        ..Biz::ok("Sertifikat Berlaku Hari Ini", &home)
    });
    add(Biz {
        active: false,
        ..Biz::ok("Tutup Sementara", &home)
    });
    add(Biz::ok("Jauh Tanpa Wilayah", &far));
    add(Biz {
        areas: vec![w.desa.clone()],
        ..Biz::ok("Jauh Melayani Desa", &far)
    });
    add(Biz {
        areas: vec![w.kec.clone()],
        ..Biz::ok("Jauh Melayani Kecamatan", &far)
    });
    add(Biz {
        capacity: 1,
        ..Biz::ok("Penuh Kapasitas", &home)
    });
    add(Biz::ok("Sengketa Di Sini", &home));
    add(Biz::ok("Sengketa Di Kantor Lain", &home));
    add(Biz::ok("Rating Rendah", &home));
    add(Biz::ok("Ulasan Sedikit", &home));
    add(Biz::ok("Tepat Batas Mutu", &home));
    let mut ids = BTreeMap::new();
    for b in mk {
        let name = b.name.clone();
        ids.insert(name, w.business(&app, b).await.id);
    }
    // One office job under way (capacity 1 is full); disputes with this office and another.
    w.job(
        &app,
        1,
        ids["Penuh Kapasitas"],
        &["offered", "quoted", "ordered"],
    )
    .await;
    w.job(
        &app,
        0,
        ids["Sengketa Di Sini"],
        &["offered", "quoted", "ordered", "done", "disputed"],
    )
    .await;
    w.job(
        &app,
        1,
        ids["Sengketa Di Kantor Lain"],
        &["offered", "quoted", "ordered", "done", "disputed"],
    )
    .await;
    // Three ratings averaging 2,0 (floor 3,5 from 3 ratings); two bad ones (too few for the
    // floor); four averaging exactly 3,5.
    w.reviews(&app, ids["Rating Rendah"], &[2, 2, 2]).await;
    w.reviews(&app, ids["Ulasan Sedikit"], &[1, 1]).await;
    w.reviews(&app, ids["Tepat Batas Mutu"], &[3, 4, 3, 4])
        .await;

    let request = w.request(&app, 0, "Servis AC ruang rapat").await;
    assert_eq!(request.kecamatan, w.kec_name);
    let proposals = w.flow(&app).proposals(&request, w.now).await.unwrap();

    let proposed: BTreeSet<String> = [
        "Kontrol Sejuk",
        "Sertifikat Berlaku Hari Ini",
        "Jauh Melayani Desa",
        "Jauh Melayani Kecamatan",
        "Sengketa Di Kantor Lain",
        "Ulasan Sedikit",
        "Tepat Batas Mutu",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(names(&proposals), proposed, "{proposals:#?}");

    let expected: BTreeMap<String, Exclusion> = [
        ("Belum Verifikasi", Exclusion::NotVerified),
        ("Sertifikat Lain", Exclusion::NotCertified),
        ("Sertifikat Kedaluwarsa", Exclusion::NotCertified),
        ("Tanpa Nomor Sertifikat", Exclusion::NotCertified),
        ("Tutup Sementara", Exclusion::Inactive),
        (
            "Jauh Tanpa Wilayah",
            Exclusion::NotServing {
                kecamatan_name: w.kec_name.clone(),
            },
        ),
        (
            "Penuh Kapasitas",
            Exclusion::AtCapacity {
                open_jobs: 1,
                capacity: 1,
            },
        ),
        ("Sengketa Di Sini", Exclusion::OpenDispute),
        (
            "Rating Rendah",
            Exclusion::BelowFloor {
                rating_tenths: 20,
                count: 3,
                floor_tenths: 35,
            },
        ),
    ]
    .into_iter()
    .map(|(n, e)| (n.to_owned(), e))
    .collect();
    let excluded: BTreeMap<String, Exclusion> = proposals.excluded.iter().cloned().collect();
    assert_eq!(excluded, expected);

    // "Exactly one rule": every rule the stored facts fail, not just the first.
    let rows = store::candidates(&app.db, &request, &to_iso(w.today()), 0)
        .await
        .unwrap();
    assert_eq!(
        rows.len(),
        ids.len(),
        "only this test's trade is a candidate"
    );
    let facts = RequestFacts {
        kecamatan_code: &request.kecamatan_code,
        kecamatan_name: &request.kecamatan,
        now: w.now,
        already_asked: &[],
    };
    for row in &rows {
        let all = rotation::exclusions(&row.candidate, &facts, &w.settings.rotation);
        let name = &row.candidate.name;
        match expected.get(name) {
            Some(e) => assert_eq!(all, vec![e.clone()], "{name}"),
            None => assert!(all.is_empty(), "{name}: {all:?}"),
        }
    }
}

// ---- 2. rotation ----

async fn rotation_moves_on_after_a_job_and_declines_pass_to_the_next(app: TestApp) {
    let w = World::new(&app, "rot").await;
    let mut bizs = BTreeMap::new();
    for name in ["Rotasi Satu", "Rotasi Dua", "Rotasi Tiga"] {
        let fx = w.business(&app, Biz::ok(name, &w.kec)).await;
        bizs.insert(fx.id, fx);
    }
    let flow = w.flow(&app);
    let opd = w.offices[0].opd;

    let r1 = w.request(&app, 0, "Servis AC gedung A").await;
    let p1 = flow.proposals(&r1, w.now).await.unwrap();
    assert_eq!(p1.all.len(), 3, "{p1:#?}");
    let first = p1.all[0].proposal.business_id;

    // Passing over the first proposal without a reason is refused; nothing changes.
    let second = p1.all[1].proposal.business_id;
    let err = flow
        .choose(&r1, Party::Office, Some(second), "", &who(opd), w.now)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Refused(_)), "{err:?}");
    let same = reload(&app, &r1).await;
    assert_eq!((same.state, same.version), (State::Open, r1.version));

    // Karya assigns the first; it quotes; the office orders.
    flow.choose(&r1, Party::Office, None, "", &who(opd), w.now)
        .await
        .unwrap();
    let r1 = reload(&app, &r1).await;
    assert_eq!(r1.state, State::Offered);
    assert_eq!(r1.business_id, Some(first));
    assert!(r1.assigned);
    assert_eq!(r1.chosen_rank, Some(1));
    let quote = Quote {
        unit_prices: vec![150_000],
        total: 1_800_000,
        note: String::new(),
    };
    flow.quote(
        &r1,
        Party::Provider,
        &quote,
        &who(bizs[&first].user),
        w.now + HOUR,
    )
    .await
    .unwrap();
    let r1 = reload(&app, &r1).await;
    flow.order(&r1, Party::Office, &who(opd), w.now + 2 * HOUR)
        .await
        .unwrap();
    assert_eq!(reload(&app, &r1).await.state, State::Ordered);

    // The next request goes first to one who has waited; the one who just got work is last.
    let r2 = w.request(&app, 0, "Servis AC gedung B").await;
    let at = w.now + 3 * HOUR;
    let p2 = flow.proposals(&r2, at).await.unwrap();
    let order: Vec<i64> = p2.all.iter().map(|p| p.proposal.business_id).collect();
    assert_eq!(order.len(), 3, "{p2:#?}");
    assert_ne!(order[0], first, "{p2:#?}");
    assert_eq!(order[2], first, "{p2:#?}");
    assert!(
        p2.all[2]
            .proposal
            .reasons
            .iter()
            .any(|r| r == "mendapat pekerjaan OPD terakhir hari ini"),
        "{p2:#?}"
    );
    assert!(p2.all[0].proposal.score > p2.all[2].proposal.score);

    // Each decline hands the request to the next in that order; then nobody is left.
    flow.choose(&r2, Party::Office, None, "", &who(opd), at)
        .await
        .unwrap();
    let reason = "Jadwal penuh minggu ini";
    for (i, business) in order.iter().enumerate() {
        let r = reload(&app, &r2).await;
        assert_eq!(r.state, State::Offered);
        assert_eq!(r.business_id, Some(*business), "step {i}");
        let t = at + (i as i64 + 1) * HOUR;
        let to = flow
            .pass_on(
                &r,
                Action::Decline,
                Party::Provider,
                reason,
                &who(bizs[business].user),
                t,
            )
            .await
            .unwrap();
        let expected = if i + 1 < order.len() {
            State::Offered
        } else {
            State::Unserved
        };
        assert_eq!(to, expected, "step {i}");
    }
    let r2 = reload(&app, &r2).await;
    assert_eq!(r2.state, State::Unserved);
    assert_eq!(r2.business_id, None);
    assert_eq!(r2.offer_expires_at, None);
    let offers = store::offers(&app.db, r2.id).await.unwrap();
    assert_eq!(
        offers
            .iter()
            .map(|o| (o.business_id, o.state.as_str(), o.reason.as_str()))
            .collect::<Vec<_>>(),
        order
            .iter()
            .map(|b| (*b, "declined", reason))
            .collect::<Vec<_>>()
    );
}

// ---- 3. deadlines ----

async fn offers_past_their_deadline_are_passed_on(app: TestApp) {
    let w = World::new(&app, "tenggat").await;
    for name in ["Tenggat Satu", "Tenggat Dua"] {
        w.business(&app, Biz::ok(name, &w.kec)).await;
    }
    let flow = w.flow(&app);
    let opd = w.offices[0].opd;
    let hours = w.settings.documents.offer_hours;
    let t0 = w.now;

    let r1 = w.request(&app, 0, "Servis AC tenggat pertama").await;
    flow.choose(&r1, Party::Office, None, "", &who(opd), t0)
        .await
        .unwrap();
    let r1 = reload(&app, &r1).await;
    assert_eq!(r1.offer_expires_at, Some(t0 + hours * HOUR));
    let r2 = w.request(&app, 0, "Servis AC tenggat kedua").await;
    flow.choose(&r2, Party::Office, None, "", &who(opd), t0 + 10 * HOUR)
        .await
        .unwrap();
    let r2 = reload(&app, &r2).await;
    assert_eq!(r2.offer_expires_at, Some(t0 + (10 + hours) * HOUR));

    // An hour past r1's deadline: r1 is passed on, r2 (still within its time) is not.
    let at = t0 + (hours + 1) * HOUR;
    let due = store::expired_offers(&app.db, at).await.unwrap();
    assert!(due.contains(&r1.id) && !due.contains(&r2.id), "{due:?}");
    let n = flow.expire_due(at).await.unwrap();
    assert_eq!(n, due.len());
    let r1b = reload(&app, &r1).await;
    assert_eq!(r1b.state, State::Offered);
    assert!(r1b.business_id.is_some() && r1b.business_id != r1.business_id);
    assert_eq!(r1b.offer_expires_at, Some(at + hours * HOUR));
    let offers = store::offers(&app.db, r1.id).await.unwrap();
    assert_eq!(offers.len(), 2);
    assert_eq!(offers[0].business_id, r1.business_id.unwrap());
    assert_eq!(offers[0].state, "expired");
    assert_eq!(offers[0].answered_at, Some(at));
    assert_eq!(offers[1].state, "pending");
    let r2b = reload(&app, &r2).await;
    assert_eq!(
        (r2b.state, r2b.version, r2b.business_id),
        (State::Offered, r2.version, r2.business_id)
    );
    assert_eq!(
        store::offers(&app.db, r2.id).await.unwrap()[0].state,
        "pending"
    );

    // Exactly at its deadline an offer still stands.
    let deadline = r2.offer_expires_at.unwrap();
    flow.expire_due(deadline).await.unwrap();
    assert_eq!(reload(&app, &r2).await.version, r2.version);

    // Later both run out: r2 goes to the other business, r1 has nobody left.
    let later = r1b.offer_expires_at.unwrap() + 1;
    flow.expire_due(later).await.unwrap();
    let r1c = reload(&app, &r1).await;
    assert_eq!((r1c.state, r1c.business_id), (State::Unserved, None));
    let r2c = reload(&app, &r2).await;
    assert_eq!(r2c.state, State::Offered);
    assert!(r2c.business_id.is_some() && r2c.business_id != r2.business_id);
    let states: Vec<String> = store::offers(&app.db, r1.id)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.state)
        .collect();
    assert_eq!(states, vec!["expired", "expired"]);
    let events: Vec<_> = store::timeline(&app.db, r1.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == Action::Expire.slug())
        .map(|e| e.actor)
        .collect();
    assert_eq!(events, vec![Party::System, Party::System]);
}

// ---- 4. numbering under concurrency ----

/// 100 documents issued at once across two offices (50 each), plus 10 transactions that take a
/// number and roll back: each office's numbers for the year are exactly 1..=50.
async fn document_numbers_stay_gapless_under_concurrent_issues(app: TestApp) {
    let w = World::new(&app, "nomor").await;
    let mut targets = Vec::new();
    for (i, o) in w.offices.iter().enumerate() {
        let r = w.request(&app, i, "Konsumsi rapat koordinasi").await;
        targets.push((o.id, o.code.clone(), r.id, o.opd));
    }
    let date = w.today();
    let (month, year) = (u8::from(date.month()), date.year());
    let pattern = w.settings.documents.pattern.clone();
    let tasks_n = 110usize;
    let barrier = Arc::new(tokio::sync::Barrier::new(tasks_n));
    let mut tasks = Vec::new();
    for n in 0..tasks_n {
        let db = app.db.clone();
        let (office, code, request, opd) = targets[n % 2].clone();
        let pattern = pattern.clone();
        let barrier = barrier.clone();
        let rollback = n % 11 == 10;
        let at = w.now;
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let number =
                |seq: i64| pattern.format(seq, DocumentKind::SuratPesanan, &code, month, year);
            let render = |number: &str| -> Result<Vec<u8>, String> {
                Ok(format!("%PDF uji {number}").into_bytes())
            };
            let mut tx = db.begin().await.map_err(|e| format!("begin: {e}"))?;
            let doc = store::issue(
                &mut tx,
                &NewDocument {
                    request_id: request,
                    kind: DocumentKind::SuratPesanan,
                    issuer: Issuer::Office(office),
                    year: i64::from(year),
                    amount: 1_000_000,
                    replaces_id: None,
                    at,
                    number: &number,
                    render: &render,
                },
                &who(opd),
            )
            .await
            .map_err(|e| format!("issue: {e}"))?;
            if rollback {
                tx.rollback().await.map_err(|e| format!("rollback: {e}"))?;
            } else {
                tx.commit().await.map_err(|e| format!("commit: {e}"))?;
            }
            Ok::<_, String>((office, rollback, doc.number))
        }));
    }
    let mut committed: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    let mut errors = Vec::new();
    for t in tasks {
        match t.await.expect("task") {
            Ok((office, false, number)) => committed.entry(office).or_default().push(number),
            Ok((_, true, _)) => {}
            Err(e) => errors.push(e),
        }
    }
    assert!(
        errors.is_empty(),
        "{} of {tasks_n} issues failed on {:?}: {errors:#?}",
        errors.len(),
        app.backend
    );
    for (office, code, _, _) in &targets {
        let scope = Issuer::Office(*office).scope();
        let rows = sqlx::query(
            "SELECT seq, number FROM office_documents WHERE scope = $1 AND year = $2 ORDER BY seq",
        )
        .bind(&scope)
        .bind(i64::from(year))
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        let seqs: Vec<i64> = rows.iter().map(|r| r.get("seq")).collect();
        assert_eq!(seqs, (1..=50).collect::<Vec<i64>>(), "{scope}");
        let numbers: Vec<String> = rows.iter().map(|r| r.get("number")).collect();
        for (seq, number) in seqs.iter().zip(&numbers) {
            assert_eq!(
                *number,
                pattern.format(*seq, DocumentKind::SuratPesanan, code, month, year)
            );
        }
        let unique: BTreeSet<&String> = numbers.iter().collect();
        assert_eq!(unique.len(), 50, "{scope}");
        let mut returned = committed[office].clone();
        returned.sort();
        let mut stored = numbers.clone();
        stored.sort();
        assert_eq!(
            returned, stored,
            "what the tasks were given is what is stored"
        );
        let counter: i64 = sqlx::query_scalar(
            "SELECT value FROM document_counters WHERE scope = $1 AND year = $2",
        )
        .bind(&scope)
        .bind(i64::from(year))
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        assert_eq!(counter, 50, "{scope}");
    }
}

// ---- 5. the whole walk ----

const PAID_PROOF: &str = "SP2D-0042";

/// choose → quote (12 units at `unit_price`) → order → mark done → BAST → payment → receipt
/// confirmed, one hour apart from `t0`, by the office's staff and the business's owner.
async fn walk(app: &TestApp, w: &World, biz: BizFx, unit_price: i64, t0: i64) -> Request {
    let flow = w.flow(app);
    let o = &w.offices[0];
    let r = w.request(app, 0, "Servis AC 12 unit").await;
    flow.choose(&r, Party::Office, None, "", &who(o.opd), t0)
        .await
        .unwrap();
    let r = reload(app, &r).await;
    assert_eq!(r.business_id, Some(biz.id));
    let quote = Quote {
        unit_prices: vec![unit_price],
        total: unit_price * 12,
        note: "Termasuk cuci evaporator".into(),
    };
    flow.quote(&r, Party::Provider, &quote, &who(biz.user), t0 + HOUR)
        .await
        .unwrap();
    let r = reload(app, &r).await;
    assert_eq!(r.quoted_total, Some(unit_price * 12));
    flow.order(&r, Party::Office, &who(o.opd), t0 + 2 * HOUR)
        .await
        .unwrap();
    let r = reload(app, &r).await;
    flow.mark_done(&r, Party::Provider, &who(biz.user), t0 + 3 * HOUR)
        .await
        .unwrap();
    let r = reload(app, &r).await;
    flow.sign_bast(
        &r,
        Party::Office,
        5,
        "Rapi dan tepat waktu",
        &who(o.opd),
        t0 + 4 * HOUR,
    )
    .await
    .unwrap();
    let r = reload(app, &r).await;
    flow.record_payment(
        &r,
        Party::Treasurer,
        wib_date(t0 + 5 * HOUR),
        "transfer",
        PAID_PROOF,
        &[],
        &who(o.bendahara),
        t0 + 5 * HOUR,
    )
    .await
    .unwrap();
    let r = reload(app, &r).await;
    assert_eq!(r.state, State::Paid);
    flow.confirm_receipt(&r, Party::Provider, &who(biz.user), t0 + 6 * HOUR)
        .await
        .unwrap();
    reload(app, &r).await
}

async fn a_full_walk_issues_the_documents_the_value_calls_for(app: TestApp) {
    let w = World::new(&app, "jalan").await;
    let biz = w.business(&app, Biz::ok("Sejuk Mandiri", &w.kec)).await;
    let o = &w.offices[0];
    let pattern = &w.settings.documents.pattern;
    use DocumentKind::*;
    // (unit price, tax position: npwp, pkp, umkm_final, documents in order of issue)
    let cases: [(i64, &str, bool, bool, Vec<DocumentKind>); 3] = [
        // Rp1.800.000: bukti pembelian; no NPWP.
        (
            150_000,
            "",
            false,
            false,
            vec![SuratPesanan, Invoice, Bast, BuktiPembelian],
        ),
        // Rp24.000.000: kuitansi, no SPK; UMKM final rate.
        (
            2_000_000,
            "01.234.567.8-331.000",
            false,
            true,
            vec![SuratPesanan, Invoice, Bast, Kuitansi],
        ),
        // Rp60.000.000: SPK besides the SP, kuitansi; PKP (PPN).
        (
            5_000_000,
            "01.234.567.8-331.000",
            true,
            false,
            vec![SuratPesanan, Spk, Invoice, Bast, Kuitansi],
        ),
    ];
    let mut t0 = w.now;
    for (unit_price, npwp, pkp, umkm, kinds) in cases {
        let key = karya::secrets::Secrets::load_or_create(&app.settings.data_dir)
            .unwrap()
            .data_key;
        let profile = karya::app::procurement::TaxProfile {
            npwp: (!npwp.is_empty()).then(|| karya::domain::npwp::Npwp::parse(npwp).unwrap()),
            pkp,
            umkm_final: umkm,
            capacity: 2,
        };
        karya::app::procurement::update_business_tax(
            &app.db,
            &key,
            biz.id,
            &profile,
            &who(biz.user),
        )
        .await
        .unwrap();
        let total = unit_price * 12;
        let r = walk(&app, &w, biz, unit_price, t0).await;
        t0 += 7 * HOUR;
        assert_eq!(r.state, State::Completed, "{total}");
        assert!(r.ordered_at.is_some() && r.bast_at.is_some() && r.completed_at.is_some());
        assert_eq!(r.rating, Some(5));

        let docs = store::documents(&app.db, r.id).await.unwrap();
        assert_eq!(
            docs.iter().map(|d| d.kind).collect::<Vec<_>>(),
            kinds,
            "{total}"
        );
        for d in &docs {
            assert_eq!(d.amount, total, "{:?}", d.kind);
            assert!(d.voided_at.is_none());
            let seq: i64 = sqlx::query_scalar("SELECT seq FROM office_documents WHERE id = $1")
                .bind(d.id)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
            let code = match d.kind {
                Invoice | Kuitansi | BuktiPembelian => format!("KRY{}", biz.id),
                _ => o.code.clone(),
            };
            let date = wib_date(d.issued_at);
            assert_eq!(
                d.number,
                pattern.format(seq, d.kind, &code, u8::from(date.month()), date.year())
            );
        }

        // Tax lines stored are those the rules give for this seller and value.
        let expected = tax::compute(
            &w.settings.tax,
            r.tax_kind,
            SellerTax {
                pkp,
                has_npwp: !npwp.is_empty(),
                umkm_final: umkm,
            },
            total,
        );
        assert!(!expected.lines.is_empty(), "{total}: some tax is due");
        let payments = store::payments(&app.db, r.id).await.unwrap();
        assert_eq!(payments.len(), 1);
        let p = &payments[0];
        assert_eq!(
            (p.gross, p.withheld, p.net),
            (expected.gross, expected.withheld, expected.net)
        );
        assert_eq!(p.proof_number, PAID_PROOF);
        assert!(p.confirmed_at.is_some());
        let mut lines: Vec<_> = expected
            .lines
            .iter()
            .map(|l| {
                (
                    l.code.to_owned(),
                    l.label.clone(),
                    l.base,
                    l.rate_bp,
                    l.amount,
                    l.basis.to_owned(),
                )
            })
            .collect();
        lines.sort();
        let stored: Vec<_> = p
            .taxes
            .iter()
            .map(|t| {
                (
                    t.code.clone(),
                    t.label.clone(),
                    t.base,
                    t.rate_bp,
                    t.amount,
                    t.basis.clone(),
                )
            })
            .collect();
        assert_eq!(stored, lines, "{total}");
    }

    // Each issuer's numbers for the year run 1..=n without a gap.
    for scope in [
        Issuer::Office(o.id).scope(),
        Issuer::Business(biz.id).scope(),
    ] {
        let seqs: Vec<i64> = sqlx::query_scalar(
            "SELECT seq FROM office_documents WHERE scope = $1 AND year = $2 ORDER BY seq",
        )
        .bind(&scope)
        .bind(w.year)
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        let n = seqs.len() as i64;
        assert_eq!(seqs, (1..=n).collect::<Vec<_>>(), "{scope}");
    }
}

async fn stale_and_refused_steps_change_nothing_and_documents_are_never_edited(app: TestApp) {
    let w = World::new(&app, "basi").await;
    let biz = w.business(&app, Biz::ok("Dingin Abadi", &w.kec)).await;
    // A second eligible business, so that a repeated choice has someone to ask.
    w.business(&app, Biz::ok("Dingin Kedua", &w.kec)).await;
    let flow = w.flow(&app);
    let o = &w.offices[0];
    let t = w.now;

    let open = w.request(&app, 0, "Servis AC aula").await;
    flow.choose(&open, Party::Office, Some(biz.id), "", &who(o.opd), t)
        .await
        .unwrap();
    assert_eq!(reload(&app, &open).await.business_id, Some(biz.id));
    // The same step again on the request as loaded before: someone changed it meanwhile.
    let err = flow
        .choose(&open, Party::Office, None, "", &who(o.opd), t)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Stale), "{err:?}");
    assert_eq!(store::offers(&app.db, open.id).await.unwrap().len(), 1);

    let offered = reload(&app, &open).await;
    // A quote above the SPK limit is refused before anything is written.
    let huge = Quote {
        unit_prices: vec![20_000_000],
        total: 240_000_000,
        note: String::new(),
    };
    let err = flow
        .quote(&offered, Party::Provider, &huge, &who(biz.user), t + HOUR)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Refused(_)), "{err:?}");
    let quote = Quote {
        unit_prices: vec![250_000],
        total: 3_000_000,
        note: String::new(),
    };
    flow.quote(&offered, Party::Provider, &quote, &who(biz.user), t + HOUR)
        .await
        .unwrap();
    let quoted = reload(&app, &offered).await;
    assert_eq!(quoted.state, State::Quoted);

    // A step the state does not allow is refused, and the request stays as it was.
    let err = flow
        .mark_done(&quoted, Party::Provider, &who(biz.user), t + 2 * HOUR)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Refused(_)), "{err:?}");
    let err = flow
        .sign_bast(&quoted, Party::Office, 5, "", &who(o.opd), t + 2 * HOUR)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Refused(_)), "{err:?}");
    let same = reload(&app, &quoted).await;
    assert_eq!((same.state, same.version), (State::Quoted, quoted.version));
    assert!(store::documents(&app.db, open.id).await.unwrap().is_empty());

    flow.order(&quoted, Party::Office, &who(o.opd), t + 2 * HOUR)
        .await
        .unwrap();
    // Ordering twice from the old copy: stale, and no second Surat Pesanan, no number used.
    let err = flow
        .order(&quoted, Party::Office, &who(o.opd), t + 2 * HOUR)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Stale), "{err:?}");
    let docs = store::documents(&app.db, open.id).await.unwrap();
    assert_eq!(docs.len(), 1);
    let sp = docs[0].clone();
    assert_eq!(sp.kind, DocumentKind::SuratPesanan);
    let counter: i64 =
        sqlx::query_scalar("SELECT value FROM document_counters WHERE scope = $1 AND year = $2")
            .bind(Issuer::Office(o.id).scope())
            .bind(w.year)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(counter, 1);

    // A correction voids the letter (reason kept) and issues a new number naming the old one.
    let ordered = reload(&app, &quoted).await;
    let reason = "Tanggal pekerjaan salah ketik";
    let new = flow
        .reissue(
            &ordered,
            &sp,
            Party::Office,
            reason,
            &who(o.opd),
            t + 3 * HOUR,
        )
        .await
        .unwrap();
    assert_eq!(new.kind, DocumentKind::SuratPesanan);
    assert_eq!(new.replaces_id, Some(sp.id));
    assert_ne!(new.number, sp.number);
    assert!(new.number.starts_with("002/SP/"), "{}", new.number);
    let old = store::document(&app.db, sp.id).await.unwrap();
    assert_eq!(old.voided_at, Some(t + 3 * HOUR));
    assert_eq!(old.void_reason, reason);
    assert_eq!(old.number, sp.number);
    let text = pdftext::text(&store::document_pdf(&app.db, new.id).await.unwrap());
    assert!(
        text.contains(&format!("menggantikan {}", sp.number)),
        "{text}"
    );
    assert!(text.contains(&new.number), "{text}");
    let err = flow
        .reissue(
            &ordered,
            &old,
            Party::Office,
            reason,
            &who(o.opd),
            t + 4 * HOUR,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Refused(_)), "{err:?}");
    assert_eq!(store::documents(&app.db, open.id).await.unwrap().len(), 2);

    // The database itself refuses edits and deletions of documents ...
    for sql in [
        "UPDATE office_documents SET amount = amount + 1 WHERE id = $1",
        "UPDATE office_documents SET number = 'X/1' WHERE id = $1",
        "UPDATE office_documents SET pdf = pdf || pdf WHERE id = $1",
        "DELETE FROM office_documents WHERE id = $1",
    ] {
        let r = exec(&app, sql, vec![I(new.id)]).await;
        assert!(r.is_err(), "{sql} was allowed");
    }
    for sql in [
        "UPDATE office_documents SET void_reason = 'lain' WHERE id = $1",
        "UPDATE office_documents SET voided_at = NULL, void_reason = '' WHERE id = $1",
        "DELETE FROM office_documents WHERE id = $1",
    ] {
        let r = exec(&app, sql, vec![I(old.id)]).await;
        assert!(r.is_err(), "{sql} on a voided document was allowed");
    }
    let again = store::document(&app.db, new.id).await.unwrap();
    assert_eq!(
        (again.amount, again.number.as_str()),
        (new.amount, new.number.as_str())
    );
    let old_again = store::document(&app.db, old.id).await.unwrap();
    assert_eq!(old_again.void_reason, reason);

    // ... and a change of state the machine does not allow.
    for to in ["completed", "paid", "open", "accepted"] {
        let r = exec(
            &app,
            "UPDATE office_requests SET state = $1 WHERE id = $2",
            vec![s(to), I(open.id)],
        )
        .await;
        assert!(r.is_err(), "ordered → {to} was allowed");
    }
    assert_eq!(reload(&app, &open).await.state, State::Ordered);
    // A legal one goes through (the trigger is not refusing everything).
    let ok = exec(
        &app,
        "UPDATE office_requests SET state = 'done' WHERE id = $1",
        vec![I(open.id)],
    )
    .await;
    assert_eq!(ok.unwrap(), 1);
}

// ---- 6. the PDFs ----

async fn stored_pdfs_carry_number_amount_words_and_names(app: TestApp) {
    let w = World::new(&app, "pdf").await;
    let biz_name = "Sejuk Bersama Sabak";
    let biz = w.business(&app, Biz::ok(biz_name, &w.kec)).await;
    let r = walk(&app, &w, biz, 2_000_000, w.now).await;
    let total = 24_000_000;
    let o = &w.offices[0];
    let docs = store::documents(&app.db, r.id).await.unwrap();
    let doc = |kind| -> DocumentRow {
        docs.iter()
            .find(|d| d.kind == kind)
            .cloned()
            .unwrap_or_else(|| panic!("no {kind:?} in {docs:?}"))
    };
    let breakdown = w.flow(&app).tax(&r).await.unwrap();
    for kind in [DocumentKind::SuratPesanan, DocumentKind::Kuitansi] {
        let d = doc(kind);
        let text = pdftext::text(&store::document_pdf(&app.db, d.id).await.unwrap());
        // The office's letters carry its letterhead; the provider's receipt the provider's.
        let heading = if kind == DocumentKind::Kuitansi {
            biz_name.to_uppercase()
        } else {
            o.name.to_uppercase()
        };
        for needle in [
            d.number.clone(),
            karya::pdf::rupiah(total),
            rupiah_in_words_capitalised(total),
            o.name.clone(),
            heading,
            biz_name.to_owned(),
            PPK_NIP.to_owned(),
        ] {
            assert!(
                text.contains(&needle),
                "{kind:?}: {needle:?} missing in {text}"
            );
        }
        if kind == DocumentKind::Kuitansi {
            assert!(
                text.contains(&karya::pdf::rupiah(breakdown.net)),
                "net missing in {text}"
            );
            for line in &breakdown.lines {
                assert!(
                    text.contains(&line.label),
                    "{:?} missing in {text}",
                    line.label
                );
            }
        }
    }
}

// ---- 7. every column of an issued document ----

/// BUG (reported to the lead, not fixed here): the immutability triggers of 0005 guard only
/// `pdf`, `number`, `amount` and `seq` (and any change once voided). A live document's `kind`,
/// `request_id`, `issued_at`, `scope`, `year`, `replaces_id` and `issued_by` can be changed by a
/// plain UPDATE, which moves a letter to another purchase, backdates it or turns an SP into an
/// SPK without voiding anything. Only voiding (`voided_at`, `voided_by`, `void_reason`) should be
/// allowed on a live document.
async fn documents_refuse_every_edit_but_voiding(app: TestApp) {
    let w = World::new(&app, "ubah").await;
    let biz = w.business(&app, Biz::ok("Angin Segar", &w.kec)).await;
    let r = walk(&app, &w, biz, 150_000, w.now).await;
    let other = w.request(&app, 0, "Permintaan lain").await;
    let sp = store::documents(&app.db, r.id)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.kind == DocumentKind::SuratPesanan)
        .unwrap();
    let mut allowed = Vec::new();
    for (sql, bind) in [
        (
            "UPDATE office_documents SET kind = 'spk' WHERE id = $1",
            None,
        ),
        (
            "UPDATE office_documents SET issued_at = issued_at - 86400 WHERE id = $1",
            None,
        ),
        (
            "UPDATE office_documents SET request_id = $2 WHERE id = $1",
            Some(other.id),
        ),
        (
            "UPDATE office_documents SET year = year - 1 WHERE id = $1",
            None,
        ),
        (
            "UPDATE office_documents SET scope = 'office:0' WHERE id = $1",
            None,
        ),
    ] {
        let mut binds = vec![I(sp.id)];
        if let Some(b) = bind {
            binds.push(I(b));
        }
        if exec(&app, sql, binds).await.is_ok() {
            allowed.push(sql);
        }
    }
    assert!(
        allowed.is_empty(),
        "edits of an issued document allowed: {allowed:#?}"
    );
    // Voiding stays possible.
    let n = exec(
        &app,
        "UPDATE office_documents SET voided_at = $2, void_reason = 'uji' WHERE id = $1",
        vec![I(sp.id), I(w.now)],
    )
    .await
    .unwrap();
    assert_eq!(n, 1);
}

// ---- 8. steps at the same time ----

/// Runs `step` on every request at once (one task each, released together); the errors.
async fn all_at_once<F, Fut>(app: &TestApp, w: &World, requests: &[Request], step: F) -> Vec<String>
where
    F: Fn(Flow<'static>, Request) -> Fut,
    Fut: std::future::Future<Output = Result<(), AppError>> + Send + 'static,
{
    // Each task gets a Flow of its own over leaked copies (a test process, a few bytes).
    let db: &'static karya::db::Db = Box::leak(Box::new(app.db.clone()));
    let settings: &'static ProcurementSettings = Box::leak(Box::new(w.settings.clone()));
    let instance: &'static Instance = Box::leak(Box::new(w.instance.clone()));
    let barrier = Arc::new(tokio::sync::Barrier::new(requests.len()));
    let mut tasks = Vec::new();
    for r in requests {
        let id = r.id;
        let fut = step(
            Flow {
                db,
                settings,
                instance,
                reach: &NO_EMAIL,
                key: &TEST_KEY,
            },
            r.clone(),
        );
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            fut.await.map_err(|e| format!("#{id}: {e:?}"))
        }));
    }
    let mut errors = Vec::new();
    for t in tasks {
        if let Err(e) = t.await.expect("task") {
            errors.push(e);
        }
    }
    errors
}

/// BUG (reported to the lead, not fixed here): `Flow::mark_done` (likewise `plain` when
/// cancelling and `void_payment`) reads `store::documents(self.db, …)` through the pool while
/// its own transaction holds a connection. With as many concurrent steps as the pool has
/// connections (8), every connection is held by a transaction waiting for a second one (on
/// SQLite the others wait in `BEGIN IMMEDIATE` holding theirs), so the steps fail after the
/// pool's acquire timeout. Twelve offices ordering at once all succeed (`order` reads before
/// its transaction); twelve providers marking their work done at once must too.
async fn concurrent_steps_do_not_starve_the_pool(app: TestApp) {
    let w = World::new(&app, "serentak").await;
    let biz = w
        .business(
            &app,
            Biz {
                capacity: 20,
                ..Biz::ok("Serentak Jaya", &w.kec)
            },
        )
        .await;
    let flow = w.flow(&app);
    let o = &w.offices[0];
    let mut quoted = Vec::new();
    for i in 0..12 {
        let r = w.request(&app, 0, &format!("Servis AC ruang {i}")).await;
        flow.choose(&r, Party::Office, None, "", &who(o.opd), w.now)
            .await
            .unwrap();
        let r = reload(&app, &r).await;
        let quote = Quote {
            unit_prices: vec![100_000],
            total: 1_200_000,
            note: String::new(),
        };
        flow.quote(&r, Party::Provider, &quote, &who(biz.user), w.now + HOUR)
            .await
            .unwrap();
        quoted.push(reload(&app, &r).await);
    }

    let (opd, at) = (o.opd, w.now + 2 * HOUR);
    let errors = all_at_once(&app, &w, &quoted, move |flow, r| async move {
        flow.order(&r, Party::Office, &who(opd), at).await
    })
    .await;
    assert!(errors.is_empty(), "orders at once: {errors:#?}");
    let mut ordered = Vec::new();
    for r in &quoted {
        let r = reload(&app, r).await;
        assert_eq!(r.state, State::Ordered);
        ordered.push(r);
    }

    let (user, at) = (biz.user, w.now + 3 * HOUR);
    let started = std::time::Instant::now();
    let errors = all_at_once(&app, &w, &ordered, move |flow, r| async move {
        flow.mark_done(&r, Party::Provider, &who(user), at).await
    })
    .await;
    assert!(
        errors.is_empty(),
        "work marked done at once: {} of {} failed after {:?}: {errors:#?}",
        errors.len(),
        ordered.len(),
        started.elapsed()
    );
    for r in &ordered {
        assert_eq!(reload(&app, r).await.state, State::Done);
        let invoices = store::documents(&app.db, r.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|d| d.kind == DocumentKind::Invoice)
            .count();
        assert_eq!(invoices, 1);
    }
}
