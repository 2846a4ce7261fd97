//! benches/durability.rs — what SQLite's `PRAGMA synchronous = FULL` (the default,
//! `Settings.sqlite_synchronous`) costs against `NORMAL` where people wait for a commit:
//!
//!   a. placing an order, through the use case the order form calls (`app::orders::place`):
//!      N orders one after the other, then N more from T concurrent tasks;
//!   b. the government channel's workflow, one office request at a time through every step
//!      the pages take: create (`db::procurement::create`, what the request form calls), then
//!      `app::procurement::Flow` choose → quote → order → mark_done → sign_bast →
//!      record_payment → confirm_receipt.
//!
//! The demo district is seeded once (`startup::Application::build` with `demo: true`); each
//! mode then starts from a fresh copy of that folder (`karya.db`, its WAL, `secrets`), opened
//! with `startup::open_database` and the mode under test. Only the use case call is timed: the
//! form parsing before it and the reload of the request between steps are not. Before the
//! timed runs, 10 orders and 2 walks warm the copy up. This happens in rounds that alternate
//! which mode goes first; the samples of all rounds are pooled into one table. Before each
//! mode the disk's own price is measured (4 KiB write + fdatasync, 200 times).
//!
//! Run: `cargo bench --bench durability` (release profile).
//!
//! Environment:
//!   KARYA_BENCH_DIR       folder the databases are written in (default: the target folder's
//!                         `tmp`, CARGO_TARGET_TMPDIR); it must be on the disk to measure, not
//!                         on tmpfs, where fsync costs nothing
//!   KARYA_BENCH_ORDERS    orders per run (300)
//!   KARYA_BENCH_TASKS     concurrent tasks for the second order run (8)
//!   KARYA_BENCH_REQUESTS  office requests walked (40)
//!   KARYA_BENCH_ROUNDS    rounds of both modes (10)
//!
//! Under `cargo test --all-targets` (no `--bench` argument) it does nothing.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use karya::app::orders as order_uc;
use karya::app::procurement::Flow;
use karya::config::{Instance, Settings, Synchronous};
use karya::db::audit::Who;
use karya::db::orders::{self, Buyer, Reach, Shop};
use karya::db::procurement::{self as store, Request, Scope};
use karya::db::{Db, gov_settings, users};
use karya::domain::dates::{to_iso, today_wib, wib_date};
use karya::domain::order::{NewOrder, Offer, OrderInput};
use karya::domain::procurement::request::{
    CategoryChoice, NewRequest, Party, Quote, RequestInput, State,
};
use karya::domain::storefront::PriceKind;
use karya::secrets::{Secrets, new_token, token_hash};
use karya::startup::{self, Application};

const WARMUP_ORDERS: usize = 10;
const WARMUP_WALKS: usize = 2;
const STEPS: [&str; 8] = [
    "create",
    "choose",
    "quote",
    "order",
    "mark_done",
    "sign_bast",
    "record_payment",
    "confirm_receipt",
];

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("durability: run with `cargo bench --bench durability`");
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(run());
}

fn env_number(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v} is not a number")),
        Err(_) => default,
    }
}

struct Config {
    orders: usize,
    tasks: usize,
    requests: usize,
    rounds: usize,
}

async fn run() {
    let config = Config {
        orders: env_number("KARYA_BENCH_ORDERS", 300),
        tasks: env_number("KARYA_BENCH_TASKS", 8).max(1),
        requests: env_number("KARYA_BENCH_REQUESTS", 40),
        rounds: env_number("KARYA_BENCH_ROUNDS", 10).max(1),
    };
    let base = std::env::var_os("KARYA_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")));
    std::fs::create_dir_all(&base).expect("bench folder");
    let work = tempfile::Builder::new()
        .prefix("karya-durability.")
        .tempdir_in(&base)
        .expect("temporary folder");

    println!("== where");
    println!("folder: {}", work.path().display());
    print_filesystem(work.path());

    println!("\n== seeding the demo district once");
    let template = work.path().join("template");
    let started = Instant::now();
    seed(&template).await;
    println!("seeded in {:.1} s", started.elapsed().as_secs_f64());

    // Rounds alternate which mode goes first, so that a burst of other work on the machine
    // does not land on one mode only; the samples of every round are pooled.
    let mut pooled: Vec<(Synchronous, Vec<Measured>)> = Vec::new();
    for round in 1..=config.rounds {
        let modes = if round % 2 == 1 {
            [Synchronous::Full, Synchronous::Normal]
        } else {
            [Synchronous::Normal, Synchronous::Full]
        };
        for mode in modes {
            let dir = work
                .path()
                .join(format!("{}-{round}", mode.pragma().to_ascii_lowercase()));
            copy_template(&template, &dir);
            println!(
                "\n== round {round}, {} (load average {})",
                mode.pragma(),
                load_average()
            );
            println!("raw fdatasync: {}", raw_fsync(work.path()));
            let db = open(&dir, mode).await;
            let mut measured = orders_measured(&db, &config).await;
            measured.extend(procurement_measured(&db, &config).await);
            db.close().await;
            std::fs::remove_dir_all(&dir).expect("remove the round's copy");
            let means: Vec<String> = measured
                .iter()
                .filter(|m| {
                    !m.operation.starts_with("procurement: ") || m.operation.ends_with("every step")
                })
                .map(|m| format!("{} {}", m.operation, ms(row(m).mean)))
                .collect();
            println!("means: {}", means.join("; "));
            match pooled.iter_mut().find(|p| p.0 == mode) {
                Some((_, all)) => {
                    for (into, m) in all.iter_mut().zip(measured) {
                        into.samples.extend(m.samples);
                        into.busy += m.busy;
                    }
                }
                None => pooled.push((mode, measured)),
            }
        }
    }
    pooled.sort_by_key(|p| p.0 != Synchronous::Full);
    let results: Vec<(Synchronous, Vec<Row>)> = pooled
        .iter()
        .map(|(mode, all)| (*mode, all.iter().map(row).collect()))
        .collect();

    println!(
        "\n== results, {} round(s) pooled (latency per operation; per s = operations / time spent in them)\n",
        config.rounds
    );
    print_table(&results);
    println!();
    print_relative(&results);
}

// ---- setting up ----

async fn seed(dir: &Path) {
    let settings = Settings {
        bind: "127.0.0.1:0".into(),
        data_dir: dir.to_path_buf(),
        demo: true,
        ..Settings::default()
    };
    let app = Application::build(settings)
        .await
        .expect("the demo district seeds");
    app.state.db.pool().close().await;
}

fn copy_template(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.join("secrets")).expect("data folder");
    for file in ["karya.db", "karya.db-wal"] {
        if from.join(file).exists() {
            std::fs::copy(from.join(file), to.join(file)).expect("copy the database");
        }
    }
    for entry in std::fs::read_dir(from.join("secrets")).expect("template secrets") {
        let entry = entry.expect("secrets entry");
        std::fs::copy(entry.path(), to.join("secrets").join(entry.file_name()))
            .expect("copy a secret");
    }
    // The copies reach the disk before the run, so the run does not pay for them.
    let _ = std::process::Command::new("sync").status();
}

/// Opens the copied folder as `karya serve` would, with `mode`, and checks SQLite took it.
async fn open(dir: &Path, mode: Synchronous) -> Db {
    let settings = Settings {
        data_dir: dir.to_path_buf(),
        sqlite_synchronous: mode,
        ..Settings::default()
    };
    let secrets = Secrets::load_or_create(&settings.data_dir).expect("secrets");
    let db = startup::open_database(&settings, &secrets)
        .await
        .expect("the copied database opens");
    let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(db.pool())
        .await
        .expect("PRAGMA synchronous");
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(db.pool())
        .await
        .expect("PRAGMA journal_mode");
    let expected = match mode {
        Synchronous::Full => 2,
        Synchronous::Normal => 1,
    };
    assert_eq!(synchronous, expected, "PRAGMA synchronous on the pool");
    println!("PRAGMA synchronous = {synchronous}, journal_mode = {journal}");
    db
}

// ---- measuring ----

struct Row {
    operation: String,
    n: usize,
    mean: Duration,
    p50: Duration,
    p99: Duration,
    per_second: f64,
}

/// The latencies of one operation, and the time the operations took together (the wall time
/// of a concurrent run).
struct Measured {
    operation: String,
    samples: Vec<Duration>,
    busy: Duration,
}

impl Measured {
    fn new(operation: &str, samples: Vec<Duration>, busy: Duration) -> Measured {
        Measured {
            operation: operation.to_owned(),
            samples,
            busy,
        }
    }
}

fn row(m: &Measured) -> Row {
    let mut sorted = m.samples.clone();
    sorted.sort();
    let n = sorted.len();
    // Nearest rank: the smallest sample with at least q of them at or below it.
    let rank = |q: f64| sorted[((q * n as f64).ceil() as usize).clamp(1, n) - 1];
    Row {
        operation: m.operation.clone(),
        n,
        mean: sorted.iter().sum::<Duration>() / n as u32,
        p50: rank(0.50),
        p99: rank(0.99),
        per_second: n as f64 / m.busy.as_secs_f64(),
    }
}

// ---- (a) orders ----

/// A shop of the demo with a fixed-price listing, and the order form's listings.
struct Storefront {
    shop: Shop,
    offers: Vec<Offer>,
    listing: Offer,
}

/// What one placed order needs, prepared before the clock starts.
struct Prepared {
    business_id: i64,
    order: NewOrder,
    buyer: Buyer,
    key: String,
    label: String,
}

struct OrderWorld {
    db: Db,
    reach: Reach,
    shops: Vec<Storefront>,
    buyer_id: i64,
    buyer_name: String,
    buyer_phone: String,
}

impl OrderWorld {
    async fn new(db: &Db) -> OrderWorld {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM businesses WHERE active = 1 ORDER BY id")
                .fetch_all(db.pool())
                .await
                .expect("businesses");
        let mut shops = Vec::new();
        for id in ids {
            let shop = orders::shop(db, id).await.expect("shop");
            let offers = orders::offers(db, id).await.expect("offers");
            let listing = offers
                .iter()
                .find(|o| o.price_kind == PriceKind::Fixed && o.price.is_some())
                .cloned();
            if let (true, Some(listing)) = (shop.active, listing) {
                shops.push(Storefront {
                    shop,
                    offers,
                    listing,
                });
            }
            if shops.len() == 8 {
                break;
            }
        }
        assert!(!shops.is_empty(), "the demo has shops with fixed prices");
        let (buyer, _) = users::credentials(db, "pembeli")
            .await
            .expect("users")
            .expect("the demo buyer account");
        OrderWorld {
            db: db.clone(),
            reach: Reach {
                base_url: "http://127.0.0.1:8080".into(),
                email: false,
                guest_key: None,
            },
            shops,
            buyer_id: buyer.id,
            buyer_name: buyer.display_name,
            buyer_phone: buyer.phone.unwrap_or_else(|| "0812 7301 4455".into()),
        }
    }

    /// Order `i`: every other one from the buyer's account, the rest from guests, over the
    /// shops in turn, each with a fresh form key (idempotency key) as the order form has.
    fn prepare(&self, i: usize) -> Prepared {
        let s = &self.shops[i % self.shops.len()];
        let account = i.is_multiple_of(2);
        let today = today_wib();
        let needed = today + time::Duration::days(s.listing.lead_days.max(0) + 2);
        let (name, phone) = if account {
            (self.buyer_name.clone(), self.buyer_phone.clone())
        } else {
            (format!("Tamu Uji {i}"), "0853 6612 0981".to_owned())
        };
        let input = OrderInput {
            quantities: vec![(s.listing.listing_id, s.listing.min_order.max(1).to_string())],
            needed_on: to_iso(needed),
            fulfilment: "delivery".into(),
            address: "Jl. Lintas Timur RT 04, Kel. Nibung Putih, Muara Sabak Timur".into(),
            note: String::new(),
            name,
            phone,
            email: String::new(),
        };
        let order = NewOrder::parse(&input, &s.offers, today)
            .unwrap_or_else(|e| panic!("the order form refused the bench order: {e:?}"));
        let buyer = Buyer {
            user_id: account.then_some(self.buyer_id),
            token_hash: (!account).then(|| token_hash(&new_token().0)),
        };
        let label = if account {
            "pembeli".to_owned()
        } else {
            format!("tamu: {}", order.name)
        };
        Prepared {
            business_id: s.shop.id,
            order,
            buyer,
            key: token_hash(&new_token().0),
            label,
        }
    }

    async fn place(&self, p: &Prepared) -> Duration {
        let who = Who {
            id: p.buyer.user_id,
            label: &p.label,
            ip: "127.0.0.1",
        };
        let started = Instant::now();
        let placed = order_uc::place(
            &self.db,
            p.business_id,
            &p.order,
            &p.buyer,
            &p.key,
            &who,
            &self.reach,
        )
        .await
        .unwrap_or_else(|e| panic!("placing an order failed: {e:?}"));
        let took = started.elapsed();
        assert!(placed.new, "a fresh key places a new order");
        took
    }
}

async fn orders_measured(db: &Db, config: &Config) -> Vec<Measured> {
    let world = Arc::new(OrderWorld::new(db).await);
    for i in 0..WARMUP_ORDERS {
        world.place(&world.prepare(i)).await;
    }

    let prepared: Vec<Prepared> = (0..config.orders).map(|i| world.prepare(i)).collect();
    let started = Instant::now();
    let mut sequential = Vec::with_capacity(config.orders);
    for p in &prepared {
        sequential.push(world.place(p).await);
    }
    let sequential_wall = started.elapsed();

    let prepared: Arc<Vec<Prepared>> =
        Arc::new((0..config.orders).map(|i| world.prepare(i)).collect());
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..config.tasks {
        let (world, prepared, next) = (world.clone(), prepared.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut took = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(p) = prepared.get(i) else {
                    return took;
                };
                took.push(world.place(p).await);
            }
        }));
    }
    let mut concurrent = Vec::with_capacity(config.orders);
    for task in tasks {
        concurrent.extend(task.await.expect("order task"));
    }
    let concurrent_wall = started.elapsed();
    println!(
        "orders: {} sequential in {:.2} s, {} from {} tasks in {:.2} s ({} shops)",
        config.orders,
        sequential_wall.as_secs_f64(),
        config.orders,
        config.tasks,
        concurrent_wall.as_secs_f64(),
        world.shops.len()
    );
    vec![
        Measured::new("order, sequential", sequential, sequential_wall),
        Measured::new(
            &format!("order, {} tasks", config.tasks),
            concurrent,
            concurrent_wall,
        ),
    ]
}

// ---- (b) procurement ----

struct Walker<'a> {
    db: &'a Db,
    flow: Flow<'a>,
    template: Request,
    input: RequestInput,
    choice: CategoryChoice,
    quantities: Vec<i64>,
    prices: Vec<String>,
    office_id: i64,
    opd: i64,
    bendahara: i64,
}

impl Walker<'_> {
    /// Walks one new request through the workflow; returns each step's time, in `STEPS` order.
    async fn walk(&self, k: usize) -> [Duration; 8] {
        let office = Who {
            id: Some(self.opd),
            label: "opd",
            ip: "127.0.0.1",
        };
        let treasurer = Who {
            id: Some(self.bendahara),
            label: "bendahara",
            ip: "127.0.0.1",
        };
        let provider = Who {
            id: None,
            label: "penyedia",
            ip: "127.0.0.1",
        };
        let today = today_wib();
        let input = RequestInput {
            title: format!("{} (uji {k})", self.template.title),
            date_from: to_iso(today + time::Duration::days(3)),
            date_until: to_iso(today + time::Duration::days(4)),
            ..self.input.clone()
        };
        let request = NewRequest::parse(
            &input,
            std::slice::from_ref(&self.choice),
            std::slice::from_ref(&self.template.kecamatan_code),
            &[],
            today,
        )
        .unwrap_or_else(|e| panic!("the request form refused the bench request: {e:?}"));
        let quote = Quote::parse(&self.prices, &self.quantities, "", None)
            .unwrap_or_else(|e| panic!("the quote form refused the bench quote: {e:?}"));
        let now = karya::db::now;
        let mut took = [Duration::ZERO; 8];

        let t = Instant::now();
        let id = store::create(
            self.db,
            self.office_id,
            i64::from(today.year()),
            &request,
            &office,
            now(),
        )
        .await
        .unwrap_or_else(|e| fail("create", e));
        took[0] = t.elapsed();

        let r = self.reload(id).await;
        let t = Instant::now();
        self.flow
            .choose(&r, Party::Office, None, "", &office, now())
            .await
            .unwrap_or_else(|e| fail("choose", e));
        took[1] = t.elapsed();

        let r = self.reload(id).await;
        let t = Instant::now();
        self.flow
            .quote(&r, Party::Provider, &quote, &provider, now())
            .await
            .unwrap_or_else(|e| fail("quote", e));
        took[2] = t.elapsed();

        let r = self.reload(id).await;
        let t = Instant::now();
        self.flow
            .order(&r, Party::Office, &office, now())
            .await
            .unwrap_or_else(|e| fail("order", e));
        took[3] = t.elapsed();

        let r = self.reload(id).await;
        let t = Instant::now();
        self.flow
            .mark_done(&r, Party::Provider, &provider, now())
            .await
            .unwrap_or_else(|e| fail("mark_done", e));
        took[4] = t.elapsed();

        let r = self.reload(id).await;
        let t = Instant::now();
        self.flow
            .sign_bast(&r, Party::Office, 5, "Rapi dan tepat waktu", &office, now())
            .await
            .unwrap_or_else(|e| fail("sign_bast", e));
        took[5] = t.elapsed();

        let r = self.reload(id).await;
        let at = now();
        let proof = format!("SP2D-UJI-{k}");
        let t = Instant::now();
        self.flow
            .record_payment(
                &r,
                Party::Treasurer,
                wib_date(at),
                "transfer",
                &proof,
                &[],
                &treasurer,
                at,
            )
            .await
            .unwrap_or_else(|e| fail("record_payment", e));
        took[6] = t.elapsed();

        let r = self.reload(id).await;
        let t = Instant::now();
        self.flow
            .confirm_receipt(&r, Party::Provider, &provider, now())
            .await
            .unwrap_or_else(|e| fail("confirm_receipt", e));
        took[7] = t.elapsed();

        assert_eq!(self.reload(id).await.state, State::Completed);
        took
    }

    async fn reload(&self, id: i64) -> Request {
        store::get(self.db, id).await.expect("the request reloads")
    }
}

fn fail(step: &str, e: impl std::fmt::Debug) -> ! {
    panic!("{step} failed: {e:?}")
}

async fn procurement_measured(db: &Db, config: &Config) -> Vec<Measured> {
    let account = |name: &'static str| async move {
        users::credentials(db, name)
            .await
            .expect("users")
            .unwrap_or_else(|| panic!("the demo account {name}"))
            .0
    };
    let opd = account("opd").await;
    let bendahara = account("bendahara").await;
    let office_id = opd.links.office_id.expect("opd belongs to an office");
    // A purchase the demo completed for this office: its category, place and items (so the
    // rotation has eligible providers), and the unit prices that were agreed.
    let mut template = None;
    for r in store::list(db, Scope::Office(office_id), 10_000)
        .await
        .expect("requests")
        .into_iter()
        .filter(|r| r.state == State::Completed)
    {
        let items = store::items(db, r.id).await.expect("items");
        if !items.is_empty() && items.iter().all(|i| i.unit_price.is_some()) {
            template = Some((r, items));
            break;
        }
    }
    let (template, items) = template.expect("the demo office has a completed purchase");
    println!(
        "procurement: {} walks like \"{}\" (office {}, {}), {} item(s), Rp{}",
        config.requests,
        template.title,
        template.office_code,
        template.kecamatan,
        items.len(),
        template.quoted_total.unwrap_or(0)
    );
    let input = RequestInput {
        category_id: template.category_id.to_string(),
        title: String::new(),
        item_description: items.iter().map(|i| i.item.description.clone()).collect(),
        item_quantity: items.iter().map(|i| i.item.quantity.to_string()).collect(),
        item_unit: items.iter().map(|i| i.item.unit.clone()).collect(),
        place: template.place.clone(),
        kecamatan: template.kecamatan_code.clone(),
        date_from: String::new(),
        date_until: String::new(),
        time_window: template.time_window.clone(),
        hps: String::new(),
        budget_line_id: String::new(),
        notes: String::new(),
    };
    let settings = gov_settings::current(db)
        .await
        .expect("procurement settings");
    let instance = Instance::default();
    let reach = Reach {
        base_url: "http://127.0.0.1:8080".into(),
        email: false,
        guest_key: None,
    };
    // The walk reads no NPWP: a key of its own is enough.
    let key = karya::secrets::Key::random();
    let walker = Walker {
        db,
        flow: Flow {
            db,
            settings: &settings,
            instance: &instance,
            reach: &reach,
            key: &key,
        },
        choice: CategoryChoice {
            id: template.category_id,
            name: template.category.clone(),
            unit: items[0].item.unit.clone(),
        },
        quantities: items.iter().map(|i| i.item.quantity).collect(),
        prices: items
            .iter()
            .map(|i| i.unit_price.unwrap_or(0).to_string())
            .collect(),
        template,
        input,
        office_id,
        opd: opd.id,
        bendahara: bendahara.id,
    };
    for k in 0..WARMUP_WALKS {
        walker.walk(k).await;
    }
    let mut per_step: Vec<Vec<Duration>> = vec![Vec::new(); STEPS.len()];
    let started = Instant::now();
    for k in 0..config.requests {
        for (step, took) in walker.walk(WARMUP_WALKS + k).await.into_iter().enumerate() {
            per_step[step].push(took);
        }
    }
    println!(
        "procurement: {} requests walked in {:.2} s (reloads between steps included)",
        config.requests,
        started.elapsed().as_secs_f64()
    );
    let all: Vec<Duration> = per_step.concat();
    let mut measured: Vec<Measured> = STEPS
        .iter()
        .zip(per_step)
        .map(|(name, samples)| {
            let busy = samples.iter().sum();
            Measured::new(&format!("procurement: {name}"), samples, busy)
        })
        .collect();
    let busy = all.iter().sum();
    measured.push(Measured::new("procurement: every step", all, busy));
    measured
}

// ---- reporting ----

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn print_table(results: &[(Synchronous, Vec<Row>)]) {
    println!("| operation | synchronous | n | mean | p50 | p99 | per s |");
    println!("|---|---|---|---|---|---|---|");
    let operations = results.first().map(|r| r.1.len()).unwrap_or(0);
    for i in 0..operations {
        for (mode, rows) in results {
            let r = &rows[i];
            println!(
                "| {} | {} | {} | {} | {} | {} | {:.0} |",
                r.operation,
                mode.pragma(),
                r.n,
                ms(r.mean),
                ms(r.p50),
                ms(r.p99),
                r.per_second
            );
        }
    }
}

fn print_relative(results: &[(Synchronous, Vec<Row>)]) {
    let find = |mode: Synchronous| results.iter().find(|r| r.0 == mode).map(|r| &r.1);
    let (Some(full), Some(normal)) = (find(Synchronous::Full), find(Synchronous::Normal)) else {
        return;
    };
    println!(
        "| operation | FULL − NORMAL, mean | FULL / NORMAL, mean | FULL / NORMAL, p99 | throughput FULL vs NORMAL |"
    );
    println!("|---|---|---|---|---|");
    for (f, n) in full.iter().zip(normal) {
        let extra = f.mean.as_secs_f64() - n.mean.as_secs_f64();
        println!(
            "| {} | {:+.2} ms | ×{:.2} | ×{:.2} | {:+.0} % |",
            f.operation,
            extra * 1000.0,
            f.mean.as_secs_f64() / n.mean.as_secs_f64(),
            f.p99.as_secs_f64() / n.p99.as_secs_f64(),
            (f.per_second / n.per_second - 1.0) * 100.0
        );
    }
}

// ---- the machine ----

/// `df -T` of the folder, and what the kernel says of the block device under it.
fn print_filesystem(dir: &Path) {
    let out = match std::process::Command::new("df").arg("-T").arg(dir).output() {
        Ok(out) => String::from_utf8_lossy(&out.stdout).into_owned(),
        Err(e) => {
            println!("df -T failed: {e}");
            return;
        }
    };
    print!("{out}");
    let Some(device) = out
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().next())
        .and_then(|d| d.strip_prefix("/dev/"))
    else {
        return;
    };
    // A partition's queue is its disk's.
    let class = Path::new("/sys/class/block").join(device);
    let queue = [class.join("queue"), class.join("../queue")]
        .into_iter()
        .find(|q| q.exists());
    if let Some(queue) = queue {
        let read = |name: &str| {
            std::fs::read_to_string(queue.join(name))
                .map(|s| s.trim().to_owned())
                .unwrap_or_else(|_| "?".into())
        };
        println!(
            "{device}: rotational {}, write cache \"{}\"",
            read("rotational"),
            read("write_cache")
        );
    }
}

/// What the disk charges for one commit's worth of durability: a 4 KiB append followed by
/// `fdatasync`, 200 times, in `dir`.
fn raw_fsync(dir: &Path) -> String {
    use std::io::Write;
    let path = dir.join("fsync-probe");
    let mut file = std::fs::File::create(&path).expect("probe file");
    let block = [0u8; 4096];
    let mut took = Vec::new();
    for _ in 0..200 {
        let started = Instant::now();
        file.write_all(&block).expect("probe write");
        file.sync_data().expect("probe fdatasync");
        took.push(started.elapsed());
    }
    drop(file);
    let _ = std::fs::remove_file(&path);
    let busy = took.iter().sum();
    let r = row(&Measured::new("fdatasync", took, busy));
    format!(
        "4 KiB write + fdatasync, n = {}: mean {}, p50 {}, p99 {}",
        r.n,
        ms(r.mean),
        ms(r.p50),
        ms(r.p99)
    )
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}
