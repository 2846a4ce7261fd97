//! The demo district's year of office procurement: the kinds of office work, each office's
//! declared needs and budget lines, the businesses' tax positions, and about two hundred service
//! requests from January to this week, every one made and moved through the functions the
//! procurement pages use (`db::procurement::create` and the workflow `app::procurement::Flow`), with the instant
//! of each step passed in so documents, offers and the timeline carry their real dates.
//!
//! The steps of all requests run in the order of their instants (an event queue), so the
//! rotation sees, for each choice, the office work given out until that moment. Only the rotation
//! decides who is proposed: the offices pick from `Flow::proposals`, let Karya assign, or pass
//! over the first with a reason; the demo alumna is picked only when she is among the shown
//! proposals. Afterwards only the notifications' timestamps are moved to the step that made them
//! (the notification table stamps "now").

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::ops::Range;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use time::{Date, Duration, OffsetDateTime, Weekday};

use crate::app::AppError;
use crate::app::procurement::Flow;
use crate::config::Settings;
use crate::db::audit::Who;
use crate::db::directory::{self, BudgetLineFields, CategoryFields, NeedInput, Office};
use crate::db::procurement::{self as store, Request};
use crate::db::storefront as shop;
use crate::db::{Db, DbError, DbResult, regions, users};
use crate::domain::dates::{WIB, to_iso, wib_date};
use crate::domain::policy::Role;
use crate::domain::procurement::documents::DocumentKind;
use crate::domain::procurement::request::{
    Action, CategoryChoice, NewRequest, Party, Quote, RequestInput, State,
};
use crate::domain::procurement::tax::TaxKind;
use crate::domain::region::RegionLevel;
use crate::domain::storefront::{BusinessFields, BusinessInput, Places};
use crate::domain::user::{AccountFields, Links, Username};

const SEED: u64 = 0x676f_7665_726e;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// Kinds of office work the demo uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Snack,
    Ac,
    Uniform,
    Motor,
    Electric,
    Computer,
}

struct KindSpec {
    kind: Kind,
    category: &'static str,
    trade: &'static str,
    unit: &'static str,
    tax: TaxKind,
    /// The budget line the office charges it to (codes in the shape of the regional chart of
    /// accounts, Kepmendagri 050-5889/2021; demo figures).
    account: &'static str,
    account_name: &'static str,
}

const KINDS: [KindSpec; 6] = [
    KindSpec {
        kind: Kind::Snack,
        category: "Konsumsi rapat (snack/nasi kotak)",
        trade: "TBG",
        unit: "kotak",
        tax: TaxKind::Goods,
        account: "5.1.02.01.01.0052",
        account_name: "Belanja Makanan dan Minuman Rapat",
    },
    KindSpec {
        kind: Kind::Ac,
        category: "Servis AC",
        trade: "RAC",
        unit: "unit",
        tax: TaxKind::Services,
        account: "5.1.02.03.02.0121",
        account_name: "Belanja Pemeliharaan Alat Pendingin",
    },
    KindSpec {
        kind: Kind::Uniform,
        category: "Jahit seragam/pakaian dinas",
        trade: "JHT",
        unit: "stel",
        tax: TaxKind::Services,
        account: "5.1.02.01.01.0076",
        account_name: "Belanja Pakaian Dinas Harian (PDH)",
    },
    KindSpec {
        kind: Kind::Motor,
        category: "Servis sepeda motor dinas",
        trade: "OTO",
        unit: "unit",
        tax: TaxKind::Services,
        account: "5.1.02.03.02.0035",
        account_name: "Belanja Pemeliharaan Kendaraan Bermotor Beroda Dua",
    },
    KindSpec {
        kind: Kind::Electric,
        category: "Instalasi dan perbaikan listrik",
        trade: "LIS",
        unit: "titik",
        tax: TaxKind::Services,
        account: "5.1.02.03.03.0001",
        account_name: "Belanja Pemeliharaan Bangunan Gedung Kantor",
    },
    KindSpec {
        kind: Kind::Computer,
        category: "Perawatan komputer dan printer",
        trade: "TIK",
        unit: "unit",
        tax: TaxKind::Services,
        account: "5.1.02.03.02.0405",
        account_name: "Belanja Pemeliharaan Komputer",
    },
];

/// One line of work as offices write it, with the 2026 district price range per unit.
struct ItemSpec {
    description: &'static str,
    unit: &'static str,
    lo: i64,
    hi: i64,
    qty: (i64, i64),
    /// Percent of requests that include it (the first line of a kind is always there).
    chance: u32,
}

const fn item(
    description: &'static str,
    unit: &'static str,
    lo: i64,
    hi: i64,
    qty: (i64, i64),
    chance: u32,
) -> ItemSpec {
    ItemSpec {
        description,
        unit,
        lo,
        hi,
        qty,
        chance,
    }
}

fn menu(kind: Kind) -> &'static [ItemSpec] {
    match kind {
        Kind::Snack => {
            const M: &[ItemSpec] = &[
                item(
                    "Snack box rapat (2 kue basah, 1 gorengan, air mineral)",
                    "kotak",
                    15_000,
                    25_000,
                    (20, 120),
                    100,
                ),
                item(
                    "Nasi kotak (nasi, ayam gulai/bakar, sayur, buah, air mineral)",
                    "kotak",
                    30_000,
                    45_000,
                    (20, 100),
                    45,
                ),
            ];
            M
        }
        Kind::Ac => {
            const M: &[ItemSpec] = &[
                item(
                    "Servis AC split 1 PK (cuci indoor dan outdoor, cek tekanan freon)",
                    "unit",
                    75_000,
                    125_000,
                    (4, 30),
                    100,
                ),
                item(
                    "Servis AC split 2 PK",
                    "unit",
                    110_000,
                    150_000,
                    (1, 10),
                    45,
                ),
                item(
                    "Isi freon R32 AC split",
                    "unit",
                    250_000,
                    350_000,
                    (1, 4),
                    30,
                ),
                item(
                    "Ganti kapasitor kompresor AC",
                    "unit",
                    150_000,
                    250_000,
                    (1, 3),
                    15,
                ),
            ];
            M
        }
        Kind::Uniform => {
            const M: &[ItemSpec] = &[
                item(
                    "Jahit pakaian dinas harian (kemeja dan celana/rok), kain dari kantor",
                    "stel",
                    300_000,
                    425_000,
                    (10, 60),
                    100,
                ),
                item(
                    "Jahit kemeja batik khas Tanjung Jabung Timur",
                    "potong",
                    125_000,
                    175_000,
                    (10, 60),
                    35,
                ),
            ];
            M
        }
        Kind::Motor => {
            const M: &[ItemSpec] = &[
                item(
                    "Servis berkala sepeda motor dinas (ganti oli, tune up, setel rem)",
                    "unit",
                    90_000,
                    150_000,
                    (3, 20),
                    100,
                ),
                item(
                    "Ganti kampas rem depan dan belakang",
                    "unit",
                    75_000,
                    120_000,
                    (1, 8),
                    40,
                ),
                item("Ganti ban luar", "buah", 200_000, 280_000, (1, 6), 25),
            ];
            M
        }
        Kind::Electric => {
            const M: &[ItemSpec] = &[
                item(
                    "Pemasangan titik lampu LED baru (kabel, saklar, fitting)",
                    "titik",
                    125_000,
                    175_000,
                    (4, 24),
                    100,
                ),
                item(
                    "Pemasangan titik stop kontak baru",
                    "titik",
                    110_000,
                    160_000,
                    (2, 16),
                    50,
                ),
                item(
                    "Perbaikan panel dan penggantian MCB",
                    "unit",
                    350_000,
                    750_000,
                    (1, 2),
                    25,
                ),
            ];
            M
        }
        Kind::Computer => {
            const M: &[ItemSpec] = &[
                item(
                    "Servis dan instal ulang komputer/laptop (termasuk antivirus)",
                    "unit",
                    150_000,
                    250_000,
                    (2, 15),
                    100,
                ),
                item(
                    "Servis printer (pembersihan head, reset)",
                    "unit",
                    100_000,
                    175_000,
                    (1, 8),
                    55,
                ),
                item(
                    "Isi ulang tinta printer",
                    "botol",
                    35_000,
                    60_000,
                    (4, 24),
                    35,
                ),
            ];
            M
        }
    }
}

/// The offices with a year of requests: code, share of requests, the opd and bendahara
/// accounts (made here when the demo does not have them), and the short name in display names.
const ACTIVE: &[(&str, u32, &str, &str, &str)] = &[
    ("SETDA", 24, "opd", "bendahara", "Setda"),
    ("DINKES", 13, "opd.dinkes", "bendahara.dinkes", "Dinkes"),
    ("RSUD", 15, "opd.rsud", "bendahara.rsud", "RSUD"),
    (
        "DISNAKERTRANS",
        11,
        "opd.disnakertrans",
        "bendahara.disnakertrans",
        "Disnakertrans",
    ),
    ("SETWAN", 10, "opd.setwan", "bendahara.setwan", "Setwan"),
    (
        "DISDIKBUD",
        9,
        "opd.disdikbud",
        "bendahara.disdikbud",
        "Disdikbud",
    ),
    ("CMT-MST", 6, "opd.cmt-mst", "bendahara.cmt-mst", "Kec. MST"),
    (
        "PKM-NPJ",
        6,
        "opd.pkm-npj",
        "bendahara.pkm-npj",
        "PKM Nipah Panjang",
    ),
];

/// Kecamatan near the district capital (Muara Sabak Barat) whose businesses add the capital
/// to their service area, where most offices sit.
const NEAR_CAPITAL: &[&str] = &["15.07.01", "15.07.04", "15.07.06", "15.07.08", "15.07.10"];
const CAPITAL: &str = "15.07.07";

const TOPICS: &[&str] = &[
    "rapat koordinasi pimpinan OPD",
    "rapat evaluasi realisasi anggaran triwulan",
    "rapat penyusunan LKPJ Bupati",
    "forum perangkat daerah RKPD",
    "sosialisasi SPBE dan arsip digital",
    "bimbingan teknis pengelolaan keuangan",
    "rapat persiapan HUT Kabupaten",
    "rapat pembahasan KUA-PPAS",
    "rapat koordinasi penanganan stunting",
    "rapat tim anggaran pemerintah daerah",
    "sosialisasi pengadaan langsung bersama usaha alumni BLK",
    "rapat persiapan upacara Hari Kemerdekaan",
];

fn office_topics(code: &str) -> &'static [&'static str] {
    match code {
        "DINKES" => &[
            "rapat koordinasi kepala puskesmas",
            "pertemuan kader posyandu",
            "rapat evaluasi program imunisasi",
            "peringatan Hari Kesehatan Nasional",
        ],
        "RSUD" => &[
            "rapat komite medik",
            "rapat persiapan akreditasi rumah sakit",
            "pertemuan manajemen dan kepala ruangan",
            "pelatihan internal pencegahan infeksi",
        ],
        "DISNAKERTRANS" => &[
            "sosialisasi pasar kerja dan bursa kerja",
            "rapat koordinasi pelatihan BLK",
            "pembukaan pelatihan berbasis kompetensi",
            "rapat tripartit pengupahan",
        ],
        "SETWAN" => &[
            "rapat badan anggaran DPRD",
            "rapat paripurna DPRD",
            "rapat dengar pendapat komisi",
            "reses anggota DPRD",
        ],
        "DISDIKBUD" => &[
            "rapat kepala sekolah",
            "musyawarah guru mata pelajaran",
            "rapat persiapan asesmen nasional",
        ],
        "CMT-MST" => &[
            "musrenbang kecamatan",
            "rapat koordinasi kepala desa",
            "rapat Forkopimcam",
        ],
        "PKM-NPJ" => &[
            "lokakarya mini puskesmas",
            "pertemuan kader posyandu",
            "rapat lintas sektor kecamatan",
        ],
        _ => &[],
    }
}

const ROOMS: &[&str] = &[
    "ruang kerja dan ruang rapat",
    "gedung utama",
    "ruang pelayanan",
    "ruang pimpinan dan sekretariat",
    "aula dan ruang arsip",
];

const OVERRIDE_REASONS: &[&str] = &[
    "penyedia pertama sedang berhalangan menurut informasi lisan",
    "penyedia pertama tidak dapat dihubungi lewat telepon maupun WhatsApp",
    "lokasi penyedia ini lebih dekat ke tempat pekerjaan yang dimulai pagi sekali",
];

/// Why an office passes over the first proposal: a general reason or one of the kind of work.
fn override_reason(rng: &mut StdRng, kind: Kind) -> &'static str {
    let own = match kind {
        Kind::Snack => "menu yang diminta pimpinan (kue tradisional) hanya disediakan penyedia ini",
        Kind::Ac => "penyedia ini sudah mengenal unit AC di gedung kami dari servis sebelumnya",
        Kind::Computer => "penyedia ini yang memasang jaringan dan aplikasi di kantor kami",
        Kind::Electric => "penyedia ini yang memasang instalasi listrik gedung sebelumnya",
        Kind::Uniform | Kind::Motor => pick(rng, OVERRIDE_REASONS),
    };
    if rng.random_range(0..10) < 6 {
        pick(rng, OVERRIDE_REASONS)
    } else {
        own
    }
}

/// Why an office picks the demo alumna when she is not first: near her, or her cakes.
const SITI_NEAR: &str =
    "acara pagi di Muara Sabak Timur; Dapur Kue Siti paling dekat dan bisa antar pukul 07.30";
const SITI_CAKES: &str = "pimpinan meminta kue basah tradisional yang disediakan Dapur Kue Siti";

const DECLINE_REASONS: &[&str] = &[
    "Jadwal penuh pada tanggal itu, sedang ada pesanan hajatan.",
    "Sedang sakit, belum bisa menerima pekerjaan minggu ini.",
    "Suku cadang/bahan tidak tersedia di Muara Sabak untuk tanggal itu.",
    "Peralatan sedang diperbaiki, belum bisa bekerja.",
    "Sedang mengerjakan pesanan lain di luar kecamatan.",
];

const QUOTE_NOTES: &[&str] = &[
    "Harga sudah termasuk ongkos antar.",
    "Harga termasuk bahan habis pakai.",
    "",
    "Pekerjaan dapat dimulai pukul 08.00.",
    "",
];

const BAST_NOTES: &[(i64, &str)] = &[
    (5, "Tepat waktu dan rapi."),
    (5, "Hasil baik, penyedia sopan dan cekatan."),
    (5, ""),
    (4, "Hasil baik, sedikit terlambat dari jadwal."),
    (4, ""),
    (4, "Sesuai pesanan."),
    (3, "Hasil cukup, perlu lebih teliti."),
];

/// A scripted turn of a request's story (beyond the random ones of ordinary requests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dispute {
    Redo,
    Cancel,
    Open,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Siti {
    No,
    /// Picked when the rotation puts her first, and now and then when second or third.
    Sometimes,
    /// Picked whenever among the shown proposals.
    Always,
}

struct Line {
    spec: &'static ItemSpec,
    quantity: i64,
}

struct Plan {
    office: usize,
    kind: Kind,
    created: i64,
    title: String,
    lines: Vec<Line>,
    date_from: Date,
    date_until: Date,
    time_window: &'static str,
    hps: Option<i64>,
    with_budget_line: bool,
    notes: &'static str,
    /// The state the request stays in.
    stop: Option<State>,
    declines: u8,
    decline_all: bool,
    silent: u8,
    reject_first_quote: bool,
    cancel_in: Option<(State, &'static str)>,
    dispute: Option<Dispute>,
    reissue_sp: bool,
    void_payment: bool,
    siti: Siti,
    pay_days: i64,
    /// Seconds from creation to the office's choice, when the story needs it exact.
    choose_in: Option<i64>,
}

/// A request's progress while the year runs.
struct Run {
    plan: Plan,
    id: Option<i64>,
    rejected: bool,
    disputed: bool,
    voided: bool,
    declines_left: u8,
    silent_left: u8,
    cancel_reason: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Act {
    Create,
    Choose,
    Answer,
    Expire,
    Decide,
    Cancel,
    MarkDone,
    Review,
    Resolve,
    Pay,
    Fix,
    Confirm,
}

struct OfficeCtx {
    id: i64,
    code: String,
    office: Office,
    kecamatan: String,
    opd: i64,
    opd_name: String,
    treasurer: i64,
    treasurer_name: String,
    weight: u32,
    budget: BTreeMap<Kind, i64>,
}

/// What the year's steps need.
struct World<'a> {
    db: &'a Db,
    flow: Flow<'a>,
    now: i64,
    year: i64,
    offices: Vec<OfficeCtx>,
    categories: Vec<(Kind, CategoryChoice)>,
    kecamatan: Vec<String>,
    admin: (i64, String),
    /// The demo alumna's business and account.
    siti: Option<(i64, i64)>,
    /// (last notification id, instant) after each step that wrote notifications.
    marks: std::cell::RefCell<Vec<(i64, i64)>>,
    /// A connection kept for that one read (a pool round trip per step costs more).
    reader: tokio::sync::Mutex<sqlx::pool::PoolConnection<sqlx::Any>>,
}

fn seed_error(what: &str, detail: impl std::fmt::Debug) -> DbError {
    DbError::Other(format!("demo procurement: {what}: {detail:?}"))
}

/// Instant of a WIB wall-clock time.
fn at_wib(d: Date, hour: u8, minute: u8) -> i64 {
    d.with_hms(hour, minute, 0)
        .map(|t| t.assume_offset(WIB).unix_timestamp())
        .unwrap_or(0)
}

fn wib(t: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(t)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(WIB)
}

fn working_day(mut d: Date) -> Date {
    while matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) {
        d = d.next_day().unwrap_or(d);
    }
    d
}

/// Rounds a price as a seller writes it: Rp500 below Rp20.000, Rp1.000 below Rp100.000,
/// Rp5.000 above.
fn round_price(p: i64) -> i64 {
    let step = match p {
        ..20_000 => 500,
        20_000..100_000 => 1_000,
        _ => 5_000,
    };
    ((p + step / 2) / step).max(1) * step
}

fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

/// Seeds the year of office procurement into the demo district (after the marketplace).
pub async fn seed(db: &Db, settings: &Settings, key: &crate::secrets::Key) -> DbResult<()> {
    let started = std::time::Instant::now();
    let mut rng = StdRng::seed_from_u64(SEED);
    let now = crate::db::now();
    let today = wib_date(now);
    let year = i64::from(today.year());
    let procurement = crate::db::gov_settings::current(db).await?;
    let instance = &settings.instance;

    let Some((admin_user, demo_hash)) = users::credentials(db, "admin").await? else {
        return Err(seed_error("no admin account", ()));
    };
    let admin = Who {
        id: Some(admin_user.id),
        label: "admin",
        ip: "demo",
    };
    let seeder = Who {
        id: None,
        label: "demo",
        ip: "demo",
    };

    // Kinds of office work, as the agency sets them up.
    let trades = crate::db::register::trades(db).await?;
    let trade_id = |code: &str| trades.iter().find(|t| t.code == code).map(|t| t.id);
    let mut tx = db.begin().await?;
    let mut categories = Vec::new();
    for k in &KINDS {
        let Some(trade) = trade_id(k.trade) else {
            continue;
        };
        let fields = CategoryFields {
            trade_id: trade,
            name: k.category.into(),
            unit: k.unit.into(),
            tax_kind: k.tax,
            active: true,
        };
        let id = directory::create_procurement_category(&mut tx, &fields, admin).await?;
        categories.push((
            k.kind,
            CategoryChoice {
                id,
                name: k.category.into(),
                unit: k.unit.into(),
            },
        ));
    }

    // Accounts for the offices with requests, with the demo password.
    let all_offices = directory::offices(db).await?;
    let mut offices = Vec::new();
    let mut added_accounts = Vec::new();
    for &(code, weight, opd, bendahara, short) in ACTIVE {
        let Some(o) = all_offices.iter().find(|o| o.code == code) else {
            continue;
        };
        let mut ids = [0i64; 2];
        for (slot, (username, role, person)) in [
            (opd, Role::Opd, &o.ppk_name),
            (bendahara, Role::Bendahara, &o.treasurer_name),
        ]
        .into_iter()
        .enumerate()
        {
            ids[slot] = match users::credentials(db, username).await? {
                Some((u, _)) => u.id,
                None => {
                    let name = person.split(',').next().unwrap_or(person).trim();
                    let fields = AccountFields {
                        username: Username::parse(username)
                            .map_err(|e| seed_error("username", e))?,
                        display_name: format!("{name} ({short})"),
                        role,
                        links: Links {
                            office_id: Some(o.id),
                            ..Links::default()
                        },
                        phone: None,
                    };
                    let user = users::create_audited(&mut tx, &fields, &demo_hash, &seeder).await?;
                    added_accounts.push(username);
                    user.id
                }
            };
        }
        offices.push(OfficeCtx {
            id: o.id,
            code: o.code.clone(),
            office: o.clone(),
            kecamatan: o.kecamatan_code.clone().unwrap_or_else(|| CAPITAL.into()),
            opd: ids[0],
            opd_name: opd.into(),
            treasurer: ids[1],
            treasurer_name: bendahara.into(),
            weight,
            budget: BTreeMap::new(),
        });
    }

    tx.commit().await?;

    // The alumni businesses that take office work: their tax position and capacity, and the
    // district capital added to the service area of those living near it.
    let siti = siti_business(db).await?;
    businesses(db, settings, key, &mut rng, siti).await?;

    let kecamatan: Vec<String> = regions::kecamatan_of(db, &instance.kabupaten)
        .await?
        .into_iter()
        .map(|k| k.code)
        .collect();
    // The demo's past steps send no email, whatever the configuration.
    let reach = crate::db::orders::Reach {
        base_url: settings.public_url.trim_end_matches('/').to_owned(),
        email: false,
        guest_key: None,
    };
    let mut world = World {
        db,
        flow: Flow {
            db,
            settings: &procurement,
            instance,
            reach: &reach,
            key,
        },
        now,
        year,
        offices,
        categories,
        kecamatan,
        admin: (admin_user.id, "admin".into()),
        siti,
        marks: Default::default(),
        reader: tokio::sync::Mutex::new(db.pool().acquire().await?),
    };
    let first_notice: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM notifications")
        .fetch_one(db.pool())
        .await?;
    let plans = plans(&world, &mut rng);

    // Every office's declared needs and budget lines for the year, entered by the agency on
    // the office's admin page. The offices with requests declared about what they then asked
    // for (the year is not over, so a little more).
    let mut tx = db.begin().await?;
    for o in &all_offices {
        let ctx = world.offices.iter().position(|c| c.id == o.id);
        let mut planned = BTreeMap::new();
        for p in plans.iter().filter(|p| Some(p.office) == ctx) {
            *planned.entry(p.kind).or_insert(0) += p.lines.iter().map(|l| l.quantity).sum::<i64>();
        }
        let (needs, lines) = needs_and_budget(&mut rng, &o.kind, &world.categories, &planned);
        directory::save_needs(&mut tx, o.id, year, &needs, admin).await?;
        for (kind, fields) in lines {
            let id = directory::add_budget_line(&mut tx, o.id, year, &fields, admin).await?;
            if let (Some(kind), Some(i)) = (kind, ctx) {
                world.offices[i].budget.insert(kind, id);
            }
        }
    }
    tx.commit().await?;

    let mut runs: Vec<Run> = plans
        .into_iter()
        .map(|plan| Run {
            declines_left: plan.declines,
            silent_left: plan.silent,
            plan,
            id: None,
            rejected: false,
            disputed: false,
            voided: false,
            cancel_reason: "",
        })
        .collect();

    // The year, step by step in the order of the steps' instants.
    let mut queue = BinaryHeap::new();
    for (i, r) in runs.iter().enumerate() {
        queue.push(Reverse((r.plan.created, i, Act::Create)));
    }
    let mut steps = 0usize;
    while let Some(Reverse((at, i, act))) = queue.pop() {
        steps += 1;
        if let Some((next_at, next)) = world.step(&mut runs[i], act, at, &mut rng).await? {
            queue.push(Reverse((next_at, i, next)));
        }
    }
    world.backdate(first_notice).await?;

    let made = runs.iter().filter(|r| r.id.is_some()).count();
    tracing::info!(
        requests = made,
        steps,
        accounts = %added_accounts.join(","),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo: a year of office procurement"
    );
    Ok(())
}

/// Needs (per kind) and budget lines (kode rekening, name, ceiling): from the quantities the
/// office asks for in the year (`planned`) where it asks, else by the office's size.
fn needs_and_budget(
    rng: &mut StdRng,
    office_kind: &str,
    categories: &[(Kind, CategoryChoice)],
    planned: &BTreeMap<Kind, i64>,
) -> (Vec<NeedInput>, Vec<(Option<Kind>, BudgetLineFields)>) {
    // (snack boxes, AC units, uniforms, motorbikes, light points, computers) ranges.
    let scale: [(i64, i64); 6] = match office_kind {
        "sekretariat" => [
            (3000, 5000),
            (30, 60),
            (60, 150),
            (20, 40),
            (30, 60),
            (40, 80),
        ],
        "rsud" => [
            (1500, 2500),
            (60, 90),
            (100, 160),
            (8, 14),
            (40, 80),
            (50, 70),
        ],
        "badan" | "dinas" => [
            (1000, 3000),
            (15, 35),
            (30, 90),
            (10, 30),
            (10, 40),
            (20, 50),
        ],
        _ => [(300, 800), (4, 12), (15, 40), (4, 12), (8, 20), (5, 15)],
    };
    let mut needs = Vec::new();
    let mut lines = Vec::new();
    for (n, k) in KINDS.iter().enumerate() {
        let Some((_, c)) = categories.iter().find(|(kind, _)| *kind == k.kind) else {
            continue;
        };
        let (lo, hi) = scale[n];
        let twice = matches!(k.kind, Kind::Ac | Kind::Motor);
        let mut quantity = match planned.get(&k.kind) {
            Some(&q) if q > 0 => q * 100 / rng.random_range(70..=95),
            _ => rng.random_range(lo..=hi) * if twice { 2 } else { 1 },
        };
        let note = match k.kind {
            Kind::Ac => "unit AC dirawat dua kali setahun",
            Kind::Motor => "servis berkala enam bulanan",
            Kind::Snack => "rapat dan kegiatan sepanjang tahun",
            _ => "",
        };
        if k.kind == Kind::Snack {
            quantity = (quantity + 49) / 50 * 50;
        }
        needs.push(NeedInput {
            category_id: c.id,
            quantity,
            note: note.into(),
        });
        let price = menu(k.kind)[0].hi;
        let ceiling =
            (quantity * price * rng.random_range(120..=220) / 100 / 5_000_000 + 1) * 5_000_000;
        lines.push((
            Some(k.kind),
            BudgetLineFields {
                account_code: k.account.into(),
                name: k.account_name.into(),
                ceiling,
            },
        ));
    }
    // Office stationery: bought elsewhere, part of the goods and services budget.
    lines.push((
        None,
        BudgetLineFields {
            account_code: "5.1.02.01.01.0024".into(),
            name: "Belanja Alat Tulis Kantor".into(),
            ceiling: rng.random_range(5..=30) * 5_000_000,
        },
    ));
    (needs, lines)
}

async fn siti_business(db: &Db) -> DbResult<Option<(i64, i64)>> {
    let Some((user, _)) = users::credentials(db, "alumni").await? else {
        return Ok(None);
    };
    let Some(alumnus) = user.links.alumnus_id else {
        return Ok(None);
    };
    Ok(shop::business_of_alumnus(db, alumnus)
        .await?
        .map(|b| (b.id, user.id)))
}

/// Tax positions and capacities (as each alumnus fills in the procurement page of their
/// business), and the capital in the service area of businesses living near it (the storefront
/// form).
async fn businesses(
    db: &Db,
    settings: &Settings,
    key: &crate::secrets::Key,
    rng: &mut StdRng,
    siti: Option<(i64, i64)>,
) -> DbResult<()> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM businesses ORDER BY id")
        .fetch_all(db.pool())
        .await?;
    let owner = Who {
        id: None,
        label: "demo: penyedia",
        ip: "demo",
    };
    let mut kecamatan = Vec::new();
    let mut desa = Vec::new();
    for k in regions::kecamatan_of(db, &settings.instance.kabupaten).await? {
        for d in regions::children(db, &k.code).await? {
            if matches!(d.level, RegionLevel::Desa | RegionLevel::Kelurahan) {
                desa.push(d.code);
            }
        }
        kecamatan.push(k.code);
    }
    let places = Places { kecamatan, desa };
    let trade_ids: Vec<i64> = crate::db::register::trades(db)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    for id in ids {
        let star = siti.is_some_and(|(b, _)| b == id);
        let who = match siti {
            Some((_, user)) if star => Who {
                id: Some(user),
                label: "alumni",
                ip: "demo",
            },
            _ => owner,
        };
        let roll = rng.random_range(0..100);
        let npwp = if star || roll < 85 {
            npwp(rng)
        } else {
            String::new()
        };
        let pkp = !npwp.is_empty() && !star && rng.random_range(0..100) < 10;
        let umkm_final = star || (!npwp.is_empty() && !pkp && rng.random_range(0..100) < 55);
        let capacity = if star { 3 } else { rng.random_range(1..=3) };
        let profile = crate::app::procurement::TaxProfile {
            npwp: (!npwp.is_empty())
                .then(|| crate::domain::npwp::Npwp::parse(&npwp))
                .transpose()
                .map_err(|e| DbError::Other(e.into()))?,
            pkp,
            umkm_final,
            capacity,
        };
        crate::app::procurement::update_business_tax(db, key, id, &profile, &who)
            .await
            .map_err(|e| DbError::Other(e.to_string()))?;

        let b = shop::business(db, id).await?;
        let home = b.kecamatan_code.clone().unwrap_or_default();
        if !NEAR_CAPITAL.contains(&home.as_str()) || b.area_codes.iter().any(|a| a == CAPITAL) {
            continue;
        }
        let mut areas = b.area_codes.clone();
        areas.push(CAPITAL.into());
        let other: Vec<String> = b.other_trade_ids.iter().map(|t| t.to_string()).collect();
        let days: Vec<String> = b
            .open_days
            .chars()
            .enumerate()
            .filter(|(_, c)| *c == '1')
            .map(|(i, _)| i.to_string())
            .collect();
        let input = BusinessInput {
            name: &b.name,
            description: &b.description,
            trade_id: &b.trade_id.to_string(),
            other_trades: &other,
            kecamatan: &home,
            desa: b.desa_code.as_deref().unwrap_or(""),
            areas: &areas,
            pickup_address: &b.pickup_address,
            open_days: &days,
            open_from: &b.open_from,
            open_until: &b.open_until,
            phone: b.phone.as_deref().unwrap_or(""),
            phone_public: b.phone_public,
            nib: &b.nib,
            pirt: &b.pirt,
            halal: &b.halal,
            qris: &b.qris_payload,
            bank_name: &b.bank_name,
            bank_account: &b.bank_account,
            bank_holder: &b.bank_holder,
        };
        let fields = BusinessFields::parse(&input, &trade_ids, &places)
            .map_err(|e| seed_error("business form", e))?;
        let mut tx = db.begin().await?;
        crate::app::storefronts::update_business_in(&mut tx, id, &fields, who).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// A 16-digit NPWP (the NIK-based form since 2024) or, for some, the old 15 digits.
fn npwp(rng: &mut StdRng) -> String {
    if rng.random_range(0..3) == 0 {
        format!(
            "{:02}{:06}{}331000",
            rng.random_range(1..100u32),
            rng.random_range(0..1_000_000u32),
            rng.random_range(0..10u32)
        )
    } else {
        format!(
            "1507{:02}{:02}{:02}{:02}{:04}",
            rng.random_range(1..12u32),
            rng.random_range(1..72u32),
            rng.random_range(1..13u32),
            rng.random_range(70..100u32),
            rng.random_range(1..3000u32)
        )
    }
}

/// Which kinds an office asks for, weighted (snack boxes most, then AC, …); offices away from
/// the capital have few tailors, electricians or computer services nearby.
fn kind_weights(code: &str) -> &'static [(Kind, u32)] {
    match code {
        "RSUD" | "CMT-MST" => &[
            (Kind::Snack, 42),
            (Kind::Ac, 26),
            (Kind::Computer, 14),
            (Kind::Motor, 10),
            (Kind::Electric, 8),
        ],
        "PKM-NPJ" => &[(Kind::Snack, 50), (Kind::Ac, 32), (Kind::Motor, 18)],
        _ => &[
            (Kind::Snack, 40),
            (Kind::Ac, 22),
            (Kind::Computer, 12),
            (Kind::Motor, 10),
            (Kind::Electric, 8),
            (Kind::Uniform, 8),
        ],
    }
}

fn weighted<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|i| i.1).sum();
    let mut roll = rng.random_range(0..total.max(1));
    for (t, w) in items {
        if roll < *w {
            return *t;
        }
        roll -= w;
    }
    items[0].0
}

impl World<'_> {
    fn office_index(&self, code: &str) -> Option<usize> {
        self.offices.iter().position(|o| o.code == code)
    }

    fn category(&self, kind: Kind) -> Option<&CategoryChoice> {
        self.categories
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, c)| c)
    }

    /// A request of `kind` for office `office` created at `created`, with random content.
    fn plan(&self, rng: &mut StdRng, office: usize, kind: Kind, created: i64) -> Plan {
        let o = &self.offices[office];
        let day = wib_date(created);
        let items = menu(kind);
        let mut lines = Vec::new();
        let participants = rng.random_range(items[0].qty.0..=items[0].qty.1);
        for (n, spec) in items.iter().enumerate() {
            if n > 0 && rng.random_range(0..100) >= spec.chance {
                continue;
            }
            let quantity = if kind == Kind::Snack {
                // The same participants get a snack box and, for a long meeting, lunch.
                (participants / 5 * 5).max(spec.qty.0)
            } else if n == 0 {
                participants
            } else {
                rng.random_range(spec.qty.0..=spec.qty.1)
            };
            lines.push(Line { spec, quantity });
        }
        let (lead, length, window) = match kind {
            Kind::Snack => (
                rng.random_range(2..=7),
                0,
                pick(
                    rng,
                    &[
                        "diantar pukul 08.30 WIB",
                        "diantar pukul 09.30 WIB",
                        "diantar pukul 12.00 WIB",
                    ],
                ),
            ),
            Kind::Ac => (
                rng.random_range(3..=10),
                i64::from(participants > 15),
                "08.00–16.00 WIB",
            ),
            Kind::Uniform => (
                rng.random_range(5..=10),
                rng.random_range(14..=21),
                "diukur di kantor pukul 09.00–12.00 WIB",
            ),
            Kind::Motor => (rng.random_range(2..=7), 1, "08.00–16.00 WIB"),
            Kind::Electric => (
                rng.random_range(3..=10),
                rng.random_range(0..=2),
                "08.00–16.00 WIB",
            ),
            Kind::Computer => (
                rng.random_range(2..=7),
                rng.random_range(0..=2),
                "08.00–15.00 WIB",
            ),
        };
        let date_from = working_day(day + Duration::days(lead));
        let date_until = date_from + Duration::days(length);
        let title = match kind {
            Kind::Snack => {
                let own = office_topics(&o.code);
                let topic = if !own.is_empty() && rng.random_range(0..2) == 0 {
                    pick(rng, own)
                } else {
                    pick(rng, TOPICS)
                };
                let what = if lines.len() > 1 {
                    "Snack dan nasi kotak"
                } else {
                    "Snack box"
                };
                format!("{what} {topic}")
            }
            Kind::Ac => format!(
                "Servis rutin AC {} semester {}",
                pick(rng, ROOMS),
                if u8::from(day.month()) <= 6 {
                    "I"
                } else {
                    "II"
                }
            ),
            Kind::Uniform => {
                if matches!(o.code.as_str(), "DINKES" | "RSUD" | "PKM-NPJ") {
                    "Jahit seragam dinas tenaga kesehatan".to_owned()
                } else {
                    format!("Jahit pakaian dinas harian pegawai {}", o.office.name)
                }
            }
            Kind::Motor => format!(
                "Servis berkala sepeda motor dinas {}",
                pick(rng, &["operasional", "penyuluh lapangan", "kurir surat"])
            ),
            Kind::Electric => format!(
                "Penambahan titik lampu dan stop kontak {}",
                pick(rng, ROOMS)
            ),
            Kind::Computer => format!("Servis komputer dan printer {}", pick(rng, ROOMS)),
        };
        let hps = (rng.random_range(0..100) < 30).then(|| {
            let top: i64 = lines.iter().map(|l| l.quantity * l.spec.hi).sum();
            (top + 49_999) / 50_000 * 50_000
        });
        let pay_days = match rng.random_range(0..100) {
            0..86 => rng.random_range(1..=14),
            86..91 => rng.random_range(15..=29),
            _ => rng.random_range(30..=60),
        };
        Plan {
            office,
            kind,
            created,
            title,
            lines,
            date_from,
            date_until,
            time_window: window,
            hps,
            with_budget_line: rng.random_range(0..100) < 85,
            notes: match kind {
                Kind::Snack => pick(
                    rng,
                    &[
                        "",
                        "Mohon kotak diberi label nama kegiatan.",
                        "Sebagian peserta tidak makan pedas.",
                    ],
                ),
                Kind::Ac => pick(
                    rng,
                    &[
                        "",
                        "Beberapa unit di ruang arsip menetes.",
                        "Unit di lantai 2.",
                    ],
                ),
                _ => "",
            },
            stop: None,
            declines: 0,
            decline_all: false,
            silent: 0,
            reject_first_quote: false,
            cancel_in: None,
            dispute: None,
            reissue_sp: false,
            void_payment: false,
            siti: if kind == Kind::Snack && rng.random_range(0..100) < 12 {
                Siti::Sometimes
            } else {
                Siti::No
            },
            pay_days,
            choose_in: None,
        }
    }

    /// When an office acts, `delay` after `base`: working hours on working days. Near now the
    /// instant is kept, so this week's stories end as written.
    fn office_time(&self, rng: &mut StdRng, base: i64, delay: Range<i64>) -> i64 {
        let t = base + rng.random_range(delay);
        let dt = wib(t);
        let d = dt.date();
        let minute = rng.random_range(0..50u8);
        let moved = if dt.hour() >= 16 {
            at_wib(working_day(d.next_day().unwrap_or(d)), 8, minute)
        } else if dt.hour() < 8 {
            at_wib(working_day(d), 8, minute)
        } else if working_day(d) != d {
            at_wib(working_day(d), 8 + rng.random_range(0..3u8), minute)
        } else {
            t
        };
        if moved < self.now - HOUR { moved } else { t }
    }

    /// When a provider acts, `delay` after `base`: between 07.00 and 21.00 on any day.
    fn provider_time(&self, rng: &mut StdRng, base: i64, delay: Range<i64>) -> i64 {
        let t = base + rng.random_range(delay);
        let dt = wib(t);
        let minute = rng.random_range(0..50u8);
        let moved = if dt.hour() >= 21 {
            at_wib(dt.date().next_day().unwrap_or(dt.date()), 7, minute)
        } else if dt.hour() < 7 {
            at_wib(dt.date(), 7, minute)
        } else {
            t
        };
        if moved < self.now - HOUR { moved } else { t }
    }

    /// The next step of a request now in `state` after a step at `at`, or `None` when its
    /// story ends here (or the step's instant has not come yet).
    fn next(&self, run: &mut Run, state: State, at: i64, rng: &mut StdRng) -> Option<(i64, Act)> {
        if run.plan.stop == Some(state) {
            return None;
        }
        if let Some((_, reason)) = run.plan.cancel_in.filter(|(s, _)| *s == state) {
            run.cancel_reason = reason;
            return self.due(self.office_time(rng, at, 2 * HOUR..30 * HOUR), Act::Cancel);
        }
        let (t, act) = match state {
            State::Open => match run.plan.choose_in {
                Some(after) => (at + after, Act::Choose),
                None => (self.office_time(rng, at, HOUR..5 * HOUR), Act::Choose),
            },
            State::Offered => {
                let silent = run.silent_left > 0
                    || (run.plan.stop.is_none() && rng.random_range(0..100) < 4);
                if silent {
                    // Nobody answers: the deadline job passes the request on.
                    run.silent_left = run.silent_left.saturating_sub(1);
                    let expires = at + self.flow.settings.documents.offer_hours.max(1) * HOUR;
                    (expires + rng.random_range(600..5400), Act::Expire)
                } else {
                    (self.provider_time(rng, at, HOUR..16 * HOUR), Act::Answer)
                }
            }
            State::Quoted => (self.office_time(rng, at, HOUR..20 * HOUR), Act::Decide),
            State::Ordered => {
                let planned = at_wib(run.plan.date_until, rng.random_range(13..17u8), 30);
                let t = if run.disputed {
                    self.provider_time(rng, at, DAY..2 * DAY)
                } else if planned > at + 2 * HOUR {
                    planned
                } else {
                    self.provider_time(rng, at, 3 * HOUR..8 * HOUR)
                };
                (t, Act::MarkDone)
            }
            State::Done => (self.office_time(rng, at, 2 * HOUR..2 * DAY), Act::Review),
            State::Disputed => (self.office_time(rng, at, DAY..3 * DAY), Act::Resolve),
            State::Accepted => {
                let after = run.plan.pay_days * DAY;
                (self.office_time(rng, at, after..after + 4 * HOUR), Act::Pay)
            }
            State::Paid if run.plan.void_payment && !run.voided => {
                (self.office_time(rng, at, DAY..2 * DAY), Act::Fix)
            }
            State::Paid => (self.provider_time(rng, at, 2 * HOUR..3 * DAY), Act::Confirm),
            State::Unserved => {
                run.cancel_reason = "Tidak ada penyedia alumni yang bersedia; kebutuhan \
                                     dipenuhi melalui pengadaan di luar Karya.";
                (self.office_time(rng, at, DAY..2 * DAY), Act::Cancel)
            }
            State::Completed | State::Cancelled => return None,
        };
        self.due(t.max(at + 60), act)
    }

    /// A step happens only if its instant has come.
    fn due(&self, t: i64, act: Act) -> Option<(i64, Act)> {
        (t < self.now - 300).then_some((t, act))
    }

    fn office_who(&self, run: &Run) -> Who<'_> {
        let o = &self.offices[run.plan.office];
        Who {
            id: Some(o.opd),
            label: &o.opd_name,
            ip: "demo",
        }
    }

    fn treasurer_who(&self, run: &Run) -> Who<'_> {
        let o = &self.offices[run.plan.office];
        Who {
            id: Some(o.treasurer),
            label: &o.treasurer_name,
            ip: "demo",
        }
    }

    fn provider_who(&self, business: Option<i64>) -> Who<'_> {
        match self.siti {
            Some((b, user)) if Some(b) == business => Who {
                id: Some(user),
                label: "alumni",
                ip: "demo",
            },
            _ => Who {
                id: None,
                label: "demo: penyedia",
                ip: "demo",
            },
        }
    }

    /// Notes that the notifications written so far belong to a step at `at` (see `backdate`).
    async fn settle(&self, at: i64) -> DbResult<()> {
        let last: i64 = {
            let mut conn = self.reader.lock().await;
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM notifications")
                .fetch_one(&mut **conn)
                .await?
        };
        let mut marks = self.marks.borrow_mut();
        if marks.last().is_none_or(|m| m.0 < last) {
            marks.push((last, at));
        }
        Ok(())
    }

    /// Moves the notifications the steps wrote (stamped with the real "now") to the instant of
    /// the step that wrote them, in one transaction; those older than a week are read.
    async fn backdate(&self, from: i64) -> DbResult<()> {
        let marks = self.marks.borrow().clone();
        let mut tx = self.db.begin().await?;
        let mut low = from;
        for (high, at) in marks {
            let read = (at < self.now - 7 * DAY).then_some(at + 2 * HOUR);
            sqlx::query(
                "UPDATE notifications SET created_at = $1, read_at = $2 WHERE id > $3 AND id <= $4",
            )
            .bind(at)
            .bind(read)
            .bind(low)
            .bind(high)
            .execute(&mut *tx)
            .await?;
            low = high;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Runs one step; returns the request's next one.
    async fn step(
        &self,
        run: &mut Run,
        act: Act,
        at: i64,
        rng: &mut StdRng,
    ) -> DbResult<Option<(i64, Act)>> {
        let state = match (act, run.id) {
            (Act::Create, _) => {
                run.id = Some(self.create(run, at).await?);
                State::Open
            }
            (_, Some(id)) => {
                let req = store::get(self.db, id).await?;
                match self.act(run, &req, act, at, rng).await {
                    Ok(state) => state,
                    Err(e @ (AppError::Refused(_) | AppError::Stale)) => {
                        tracing::warn!(request = id, ?act, error = %e, "demo: procurement step refused");
                        return Ok(None);
                    }
                    Err(AppError::NotFound) => return Err(DbError::NotFound),
                    Err(AppError::Conflict(name)) => return Err(DbError::Conflict(name)),
                    Err(AppError::Unavailable(m)) => return Err(DbError::Unavailable(m)),
                    Err(e) => return Err(DbError::Other(e.to_string())),
                }
            }
            (_, None) => return Ok(None),
        };
        self.settle(at).await?;
        let last = if act == Act::Fix { at + HOUR } else { at };
        Ok(self.next(run, state, last, rng))
    }

    async fn create(&self, run: &Run, at: i64) -> DbResult<i64> {
        let p = &run.plan;
        let o = &self.offices[p.office];
        let category = self
            .category(p.kind)
            .ok_or_else(|| seed_error("category", p.kind))?;
        let choices: Vec<CategoryChoice> = self.categories.iter().map(|c| c.1.clone()).collect();
        let budget: Vec<i64> = o.budget.values().copied().collect();
        let input = RequestInput {
            category_id: category.id.to_string(),
            title: p.title.clone(),
            item_description: p
                .lines
                .iter()
                .map(|l| l.spec.description.to_owned())
                .collect(),
            item_quantity: p.lines.iter().map(|l| l.quantity.to_string()).collect(),
            item_unit: p.lines.iter().map(|l| l.spec.unit.to_owned()).collect(),
            place: o.office.address.clone(),
            kecamatan: o.kecamatan.clone(),
            date_from: to_iso(p.date_from),
            date_until: to_iso(p.date_until),
            time_window: p.time_window.into(),
            hps: p.hps.map(|h| h.to_string()).unwrap_or_default(),
            budget_line_id: o
                .budget
                .get(&p.kind)
                .filter(|_| p.with_budget_line)
                .map(|id| id.to_string())
                .unwrap_or_default(),
            notes: p.notes.into(),
        };
        let request = NewRequest::parse(&input, &choices, &self.kecamatan, &budget, wib_date(at))
            .map_err(|e| seed_error("request form", e))?;
        store::create(
            self.db,
            o.id,
            self.year,
            &request,
            &self.office_who(run),
            at,
        )
        .await
    }

    /// Takes the step `act` on the request as loaded; returns its state afterwards.
    async fn act(
        &self,
        run: &mut Run,
        req: &Request,
        act: Act,
        at: i64,
        rng: &mut StdRng,
    ) -> Result<State, AppError> {
        let flow = &self.flow;
        let office = self.office_who(run);
        match act {
            Act::Create => Ok(req.state),
            Act::Choose => self.choose(run, req, at, rng).await,
            Act::Answer => {
                let decline = run.plan.decline_all
                    || run.declines_left > 0
                    || (run.plan.stop.is_none() && rng.random_range(0..100) < 8);
                let who = self.provider_who(req.business_id);
                if decline {
                    run.declines_left = run.declines_left.saturating_sub(1);
                    let reason = if run.plan.decline_all {
                        "Lokasi terlalu jauh (menyeberang ke Nipah Panjang) dan belum ada \
                         tenaga yang bisa berangkat minggu ini."
                    } else {
                        pick(rng, DECLINE_REASONS)
                    };
                    flow.pass_on(req, Action::Decline, Party::Provider, reason, &who, at)
                        .await
                } else {
                    let quote = self.quote(run, req, rng).await?;
                    flow.quote(req, Party::Provider, &quote, &who, at).await?;
                    Ok(State::Quoted)
                }
            }
            Act::Expire => {
                flow.expire_due(at).await?;
                Ok(store::get(self.db, req.id).await?.state)
            }
            Act::Decide => {
                let reject = !run.rejected
                    && (run.plan.reject_first_quote
                        || (run.plan.stop.is_none() && rng.random_range(0..100) < 2));
                if reject {
                    run.rejected = true;
                    let reason = "Harga penawaran di atas harga satuan yang biasa kami bayar \
                                  (SSH); kami lanjutkan ke penyedia berikutnya.";
                    return flow
                        .pass_on(req, Action::RejectQuote, Party::Office, reason, &office, at)
                        .await;
                }
                if run.plan.reissue_sp {
                    self.order_with_typo(run, req, at).await?;
                } else {
                    flow.order(req, Party::Office, &office, at).await?;
                }
                Ok(State::Ordered)
            }
            Act::Cancel => {
                let reason = if run.cancel_reason.is_empty() {
                    "Kegiatan dibatalkan."
                } else {
                    run.cancel_reason
                };
                flow.plain(req, Action::Cancel, Party::Office, reason, &office, at)
                    .await
            }
            Act::MarkDone => {
                flow.mark_done(
                    req,
                    Party::Provider,
                    &self.provider_who(req.business_id),
                    at,
                )
                .await?;
                Ok(State::Done)
            }
            Act::Review => {
                if let Some(d) = run.plan.dispute.filter(|_| !run.disputed) {
                    run.disputed = true;
                    let units = run.plan.lines.first().map_or(1, |l| l.quantity);
                    let computers = format!(
                        "{} dari {units} komputer masih gagal menyala setelah diservis.",
                        (units / 3).max(1)
                    );
                    let reason = match (run.plan.kind, d) {
                        (Kind::Computer, _) => computers.as_str(),
                        (_, Dispute::Open) => {
                            "Dua unit AC di ruang rapat masih tidak dingin setelah diservis; \
                             penyedia belum datang kembali."
                        }
                        _ => "Tiga unit AC masih meneteskan air setelah diservis.",
                    };
                    return flow
                        .plain(req, Action::Dispute, Party::Office, reason, &office, at)
                        .await;
                }
                let (mut rating, note) = pick(rng, BAST_NOTES);
                if run.disputed {
                    rating = 4;
                }
                flow.sign_bast(req, Party::Office, rating, note, &office, at)
                    .await?;
                Ok(State::Accepted)
            }
            Act::Resolve => {
                let admin = Who {
                    id: Some(self.admin.0),
                    label: &self.admin.1,
                    ip: "demo",
                };
                let (action, reason) = match run.plan.dispute {
                    Some(Dispute::Cancel) => (
                        Action::ResolveCancel,
                        "Penyedia menyatakan tidak sanggup memperbaiki; pengadaan dibatalkan \
                         tanpa pembayaran, OPD membeli layanan di tempat lain.",
                    ),
                    _ => (
                        Action::ResolveRedo,
                        "Hasil pengecekan bersama: penyedia memperbaiki unit yang bermasalah \
                         tanpa biaya tambahan dalam dua hari.",
                    ),
                };
                flow.plain(req, action, Party::Agency, reason, &admin, at)
                    .await
            }
            Act::Pay => {
                let who = self.treasurer_who(run);
                let (method, proof) = self.proof(run, req, at, run.plan.void_payment);
                flow.record_payment(
                    req,
                    Party::Treasurer,
                    wib_date(at),
                    method,
                    &proof,
                    &demo_deposits(req.id),
                    &who,
                    at,
                )
                .await?;
                Ok(State::Paid)
            }
            Act::Fix => {
                run.voided = true;
                let who = self.treasurer_who(run);
                let reason =
                    "Nomor bukti bayar salah ketik; dicatat ulang dengan nomor yang benar.";
                flow.void_payment(req, Party::Treasurer, reason, &who, at)
                    .await?;
                // The money went out on the date first recorded; only the proof was wrong.
                let paid_on = store::payments(self.db, req.id)
                    .await?
                    .first()
                    .and_then(|p| crate::domain::dates::parse_iso(&p.paid_on))
                    .unwrap_or_else(|| wib_date(at));
                let req = store::get(self.db, req.id).await?;
                let again = at + HOUR;
                let (method, proof) = self.proof(run, &req, again, false);
                flow.record_payment(
                    &req,
                    Party::Treasurer,
                    paid_on,
                    method,
                    &proof,
                    &demo_deposits(req.id),
                    &who,
                    again,
                )
                .await?;
                Ok(State::Paid)
            }
            Act::Confirm => {
                flow.confirm_receipt(
                    req,
                    Party::Provider,
                    &self.provider_who(req.business_id),
                    at,
                )
                .await?;
                Ok(State::Completed)
            }
        }
    }

    /// How the treasurer paid, and the proof number: SP2D for direct (LS) payments, the cash
    /// book (BKU) for small ones paid from the treasurer's revolving fund.
    fn proof(&self, run: &Run, req: &Request, at: i64, typo: bool) -> (&'static str, String) {
        let o = &self.offices[run.plan.office];
        let d = wib_date(at);
        let n = req.id * 7 + 100;
        // A digit typed twice, for the record that is voided.
        let number = if typo { n * 10 + n % 10 } else { n };
        if req.quoted_total.unwrap_or(0) > 10_000_000 || req.id % 3 == 0 {
            (
                "cms",
                format!("{number:05}/SP2D/LS/{}/{}", o.code, d.year()),
            )
        } else {
            let method = if req.id % 7 == 0 { "tunai" } else { "transfer" };
            (
                method,
                format!(
                    "BKU-{number:04}/{}/{:02}/{}",
                    o.code,
                    u8::from(d.month()),
                    d.year()
                ),
            )
        }
    }

    async fn choose(
        &self,
        run: &mut Run,
        req: &Request,
        at: i64,
        rng: &mut StdRng,
    ) -> Result<State, AppError> {
        let proposals = self.flow.proposals(req, at).await?;
        let shown = &proposals.all[..proposals.shown.min(proposals.all.len())];
        if shown.is_empty() {
            run.cancel_reason = "Belum ada usaha alumni yang memenuhi syarat untuk pekerjaan ini \
                                 di kecamatan kami; dibeli di luar Karya.";
            run.plan.cancel_in = Some((State::Open, run.cancel_reason));
            return Ok(State::Open);
        }
        let siti_at = self
            .siti
            .and_then(|(b, _)| shown.iter().position(|p| p.proposal.business_id == b));
        let wants_siti = match (run.plan.siti, siti_at) {
            (Siti::Always, _) | (Siti::Sometimes, Some(0)) => true,
            (Siti::Sometimes, Some(1 | 2)) => rng.random_range(0..100) < 35,
            _ => false,
        };
        let (choice, reason) = match siti_at {
            Some(pos) if wants_siti => (
                Some(shown[pos].proposal.business_id),
                match pos {
                    0 => "",
                    _ if req.kecamatan_code == "15.07.01" && rng.random_range(0..2) == 0 => {
                        SITI_NEAR
                    }
                    _ => SITI_CAKES,
                },
            ),
            _ => {
                let roll = rng.random_range(0..100);
                if roll < 25 {
                    (None, "")
                } else if roll < 94 || shown.len() == 1 {
                    (Some(shown[0].proposal.business_id), "")
                } else {
                    let k = rng.random_range(1..shown.len().min(3));
                    (
                        Some(shown[k].proposal.business_id),
                        override_reason(rng, run.plan.kind),
                    )
                }
            }
        };
        if run.plan.siti == Siti::Always && siti_at.is_none() {
            tracing::warn!(
                request = req.id,
                "demo: the alumna is not among the proposals"
            );
        }
        self.flow
            .choose(
                req,
                Party::Office,
                choice,
                reason,
                &self.office_who(run),
                at,
            )
            .await?;
        Ok(State::Offered)
    }

    /// The asked provider's quote: a unit price per line within the district range, each
    /// business with its own level; the scripted rejected quote at the top of the range.
    async fn quote(&self, run: &Run, req: &Request, rng: &mut StdRng) -> Result<Quote, AppError> {
        let items = store::items(self.db, req.id).await?;
        let business = req.business_id.unwrap_or(0);
        let high = run.plan.reject_first_quote && !run.rejected;
        let prices: Vec<String> = items
            .iter()
            .zip(&run.plan.lines)
            .map(|(_, l)| {
                let (lo, hi) = (l.spec.lo, l.spec.hi);
                let level = if high {
                    100
                } else {
                    (business * 37 % 60 + rng.random_range(0..40)).min(100)
                };
                round_price(lo + (hi - lo) * level / 100)
                    .min(hi)
                    .to_string()
            })
            .collect();
        let quantities: Vec<i64> = items.iter().map(|i| i.item.quantity).collect();
        Quote::parse(&prices, &quantities, pick(rng, QUOTE_NOTES), req.hps)
            .map_err(|e| AppError::refused(crate::domain::Refusal::rule(format!("{e:?}"))))
    }

    /// The office orders with its procurement officer's name mistyped in the office record;
    /// the admin corrects the record and the office voids the Surat Pesanan and issues it again.
    async fn order_with_typo(&self, run: &Run, req: &Request, at: i64) -> Result<(), AppError> {
        let o = &self.offices[run.plan.office];
        let admin = Who {
            id: Some(self.admin.0),
            label: &self.admin.1,
            ip: "demo",
        };
        let right = directory::office(self.db, o.id).await?;
        let mut wrong = right.clone();
        wrong.ppk_name = right.ppk_name.replacen("on", "om", 1);
        let mut tx = self.db.begin().await?;
        directory::update_office(&mut tx, o.id, &wrong, admin).await?;
        tx.commit().await?;
        self.flow
            .order(req, Party::Office, &self.office_who(run), at)
            .await?;
        let mut tx = self.db.begin().await?;
        directory::update_office(&mut tx, o.id, &right, admin).await?;
        tx.commit().await?;
        let req = store::get(self.db, req.id).await?;
        let later = at + 2 * HOUR;
        if let Some(sp) = store::documents(self.db, req.id)
            .await?
            .into_iter()
            .find(|d| d.kind == DocumentKind::SuratPesanan && d.voided_at.is_none())
        {
            self.flow
                .reissue(
                    &req,
                    &sp,
                    Party::Office,
                    &format!(
                        "Salah ketik nama Pejabat Pengadaan (tertulis “{}”, seharusnya “{}”).",
                        wrong.ppk_name, right.ppk_name
                    ),
                    &self.office_who(run),
                    later,
                )
                .await?;
        }
        Ok(())
    }
}

/// Two hours ago if that was office time, else the last working afternoon before it.
fn last_office_hour(now: i64) -> i64 {
    let t = now - 2 * HOUR;
    let dt = wib(t);
    let d = dt.date();
    if working_day(d) == d && (8..16).contains(&dt.hour()) {
        return t;
    }
    let mut day = if dt.hour() >= 16 {
        d
    } else {
        d.previous_day().unwrap_or(d)
    };
    while working_day(day) != day {
        day = day.previous_day().unwrap_or(day);
    }
    at_wib(day, 14, 10)
}

/// Ordinary requests spread over the year and the scripted stories, each at its instant.
fn plans(w: &World<'_>, rng: &mut StdRng) -> Vec<Plan> {
    let first = working_day(
        Date::from_calendar_date(w.year as i32, time::Month::January, 5)
            .unwrap_or_else(|_| wib_date(w.now)),
    );
    let start = at_wib(first, 8, 0);
    let end = w.now - 2 * DAY;
    let span_days = ((end - start) / DAY).max(0);
    let natural = usize::try_from(span_days * 150 / 326).unwrap_or(0).min(150);
    let weights: Vec<(usize, u32)> = w
        .offices
        .iter()
        .enumerate()
        .map(|(i, o)| (i, o.weight))
        .collect();
    let mut out = Vec::new();
    if w.offices.is_empty() || w.categories.is_empty() {
        return out;
    }
    for n in 0..natural {
        let day = first
            + Duration::days(
                (n as i64 * span_days) / natural.max(1) as i64 + rng.random_range(0..2),
            );
        let day = working_day(day);
        let created = at_wib(day, rng.random_range(8..14u8), rng.random_range(0..60u8));
        if created >= end {
            continue;
        }
        let office = weighted(rng, &weights);
        let kinds = kind_weights(&w.offices[office].code);
        let kind = weighted(rng, kinds);
        out.push(w.plan(rng, office, kind, created));
    }

    // The scripted stories: (office, kind, when) and what happens.
    let at_fraction = |f: i64| {
        let d = working_day(first + Duration::days(span_days * f / 100));
        at_wib(d, 9, 15)
    };
    let ago = |days: i64, hours: i64| w.now - days * DAY - hours * HOUR;
    let office = |code: &str| w.office_index(code).unwrap_or(0);
    let mut story = |code: &str, kind: Kind, created: i64, f: &dyn Fn(&mut Plan)| {
        if created < start || created >= w.now - HOUR {
            return;
        }
        let mut p = w.plan(rng, office(code), kind, created);
        p.siti = Siti::No;
        f(&mut p);
        out.push(p);
    };
    // The agency head sees a passed-over provider declines, a silent one, a rejected quote.
    story("SETWAN", Kind::Ac, at_fraction(12), &|p| p.declines = 1);
    story("DISNAKERTRANS", Kind::Snack, at_fraction(22), &|p| {
        p.silent = 1
    });
    story("SETWAN", Kind::Ac, at_fraction(25), &|p| {
        p.reject_first_quote = true
    });
    story("DISDIKBUD", Kind::Computer, at_fraction(70), &|p| {
        p.reject_first_quote = true;
        p.hps = None;
    });
    // Cancellations: before anyone was asked, while asked, after the Surat Pesanan.
    story("SETDA", Kind::Snack, at_fraction(20), &|p| {
        p.cancel_in = Some((
            State::Open,
            "Rapat dibatalkan karena pimpinan mendadak dinas luar daerah.",
        ))
    });
    story("CMT-MST", Kind::Motor, at_fraction(35), &|p| {
        p.cancel_in = Some((
            State::Offered,
            "Sepeda motor dinas ditarik untuk dilelang; servis tidak diperlukan lagi.",
        ))
    });
    story("DISDIKBUD", Kind::Electric, at_fraction(50), &|p| {
        p.cancel_in = Some((
            State::Ordered,
            "Ruangan akan direnovasi total tahun depan; pekerjaan ditunda.",
        ))
    });
    // A Surat Pesanan reissued for a typo; a payment voided and recorded again.
    story("SETDA", Kind::Snack, at_fraction(30), &|p| {
        p.reissue_sp = true
    });
    story("DINKES", Kind::Snack, at_fraction(55), &|p| {
        p.void_payment = true;
        p.pay_days = 6;
    });
    // Disputes: settled by a redo, settled by cancelling, and one still open.
    story("DINKES", Kind::Ac, at_fraction(45), &|p| {
        p.dispute = Some(Dispute::Redo)
    });
    story("SETWAN", Kind::Computer, at_fraction(60), &|p| {
        p.dispute = Some(Dispute::Cancel)
    });
    story("DISNAKERTRANS", Kind::Ac, ago(12, 0), &|p| {
        p.dispute = Some(Dispute::Open);
        p.stop = Some(State::Disputed);
        p.date_from = wib_date(w.now - 9 * DAY);
        p.date_until = p.date_from;
    });
    // A large uniform order: value above the kuitansi limit, so an SPK too.
    story("SETDA", Kind::Uniform, at_fraction(40), &|p| {
        p.title = "Jahit pakaian dinas harian seluruh pegawai Sekretariat Daerah".into();
        p.lines.truncate(1);
        p.lines[0].quantity = 170;
        p.hps = None;
        p.pay_days = 9;
    });
    // Nobody willing: the one electrician serving Nipah Panjang declines, so unserved.
    story("PKM-NPJ", Kind::Electric, ago(6, 0), &|p| {
        p.decline_all = true;
        p.stop = Some(State::Unserved);
    });
    // This week at Setda: one awaiting a choice, one a decision on the quote, one the BAST,
    // two awaiting payment (one long past the target).
    story("SETDA", Kind::Snack, last_office_hour(w.now), &|p| {
        p.title = "Snack dan nasi kotak rapat evaluasi kinerja akhir tahun".into();
        p.stop = Some(State::Open);
    });
    story("SETDA", Kind::Ac, ago(2, 0), &|p| {
        p.stop = Some(State::Quoted)
    });
    story("SETDA", Kind::Computer, ago(8, 0), &|p| {
        p.stop = Some(State::Done);
        p.date_from = wib_date(w.now - 3 * DAY);
        p.date_until = p.date_from;
    });
    story("SETDA", Kind::Snack, ago(10, 0), &|p| {
        p.stop = Some(State::Accepted);
        p.date_from = wib_date(w.now - 6 * DAY);
        p.date_until = p.date_from;
    });
    story("SETDA", Kind::Ac, ago(40, 0), &|p| {
        p.stop = Some(State::Accepted);
        p.date_from = wib_date(w.now - 34 * DAY);
        p.date_until = p.date_from;
    });
    story("DINKES", Kind::Uniform, ago(9, 0), &|p| {
        p.stop = Some(State::Ordered)
    });
    // The demo alumna: one job paid and awaiting her confirmation, one offered to her now.
    story("RSUD", Kind::Snack, ago(14, 0), &|p| {
        p.siti = Siti::Always;
        p.stop = Some(State::Paid);
        p.date_from = wib_date(w.now - 9 * DAY);
        p.date_until = p.date_from;
        p.pay_days = 4;
    });
    story("RSUD", Kind::Snack, ago(0, 2), &|p| {
        p.title = "Snack box rapat persiapan akreditasi rumah sakit".into();
        p.siti = Siti::Always;
        p.stop = Some(State::Offered);
        p.hps = None;
        p.choose_in = Some(15 * 60);
    });
    out
}

/// A demo payment's deposit references: a billing code and an NTPN for every tax line the
/// payment may have (the store keeps those of the lines it has), derived from the request.
fn demo_deposits(request_id: i64) -> Vec<store::Deposit> {
    /// Sixteen letters and digits in turn, as the state's receipt numbers are written.
    fn demo_ntpn(n: u64) -> String {
        let h = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (0..16)
            .map(|i| {
                let nibble = ((h >> (i * 4)) & 0xF) as u8;
                if i % 2 == 0 {
                    char::from(b'A' + nibble)
                } else {
                    char::from(b'0' + nibble % 10)
                }
            })
            .collect()
    }
    ["ppn", "pph22", "pph23", "pph_final"]
        .iter()
        .enumerate()
        .map(|(i, code)| {
            let n = request_id.unsigned_abs() * 10 + i as u64;
            store::Deposit {
                code: (*code).to_owned(),
                billing_code: format!("{:015}", 412_000_000_000_000 + n),
                ntpn: demo_ntpn(n),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::procurement::documents::{DocumentRules, contract_document};

    fn instant(y: i32, m: u8, d: u8, h: u8, min: u8) -> i64 {
        let date = Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).unwrap();
        at_wib(date, h, min)
    }

    #[test]
    fn npwp_numbers_have_the_lengths_the_business_form_accepts() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut lengths = std::collections::BTreeSet::new();
        for _ in 0..500 {
            let n = npwp(&mut rng);
            assert!(n.chars().all(|c| c.is_ascii_digit()), "{n}");
            lengths.insert(n.len());
        }
        assert_eq!(lengths, [15, 16].into_iter().collect());
    }

    #[test]
    fn the_open_request_is_made_in_the_last_office_hours() {
        // Sunday 29 November 2026, 10.05 WIB: Friday afternoon.
        assert_eq!(
            last_office_hour(instant(2026, 11, 29, 10, 5)),
            instant(2026, 11, 27, 14, 10)
        );
        // Wednesday 11.30: two hours earlier.
        assert_eq!(
            last_office_hour(instant(2026, 11, 25, 11, 30)),
            instant(2026, 11, 25, 9, 30)
        );
        // Monday 07.00: the Friday before.
        assert_eq!(
            last_office_hour(instant(2026, 11, 23, 7, 0)),
            instant(2026, 11, 20, 14, 10)
        );
        // Tuesday 19.00: that afternoon.
        assert_eq!(
            last_office_hour(instant(2026, 11, 24, 19, 0)),
            instant(2026, 11, 24, 14, 10)
        );
    }

    #[test]
    fn budget_lines_have_distinct_codes_and_ceilings_in_millions() {
        let categories: Vec<(Kind, CategoryChoice)> = KINDS
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let choice = CategoryChoice {
                    id: i as i64 + 1,
                    name: k.category.into(),
                    unit: k.unit.into(),
                };
                (k.kind, choice)
            })
            .collect();
        let mut rng = StdRng::seed_from_u64(3);
        for kind in ["sekretariat", "rsud", "dinas", "puskesmas"] {
            let (needs, lines) = needs_and_budget(&mut rng, kind, &categories, &BTreeMap::new());
            assert_eq!(needs.len(), KINDS.len());
            assert!(needs.iter().all(|n| n.quantity > 0));
            let codes: std::collections::BTreeSet<_> =
                lines.iter().map(|l| l.1.account_code.clone()).collect();
            assert_eq!(codes.len(), lines.len(), "{kind}: a code twice");
            for (_, l) in &lines {
                assert!(
                    l.ceiling >= 5_000_000 && l.ceiling % 5_000_000 == 0,
                    "{l:?}"
                );
                assert!(l.ceiling <= 1_000_000_000, "{l:?}");
            }
        }
    }

    #[test]
    fn quoted_prices_stay_in_the_range_and_the_large_uniform_order_needs_an_spk() {
        for kind in KINDS.iter().map(|k| k.kind) {
            for it in menu(kind) {
                assert!(it.lo < it.hi && it.qty.0 <= it.qty.1, "{}", it.description);
                for level in 0..=100 {
                    let p = round_price(it.lo + (it.hi - it.lo) * level / 100).min(it.hi);
                    assert!((it.lo..=it.hi).contains(&p), "{} {p}", it.description);
                }
            }
            assert_eq!(menu(kind)[0].chance, 100);
        }
        // The scripted uniform order (170 stel) is above the kuitansi limit at any price.
        let rules = DocumentRules::default();
        let cheapest = 170 * menu(Kind::Uniform)[0].lo;
        assert_eq!(
            contract_document(&rules, cheapest).ok(),
            Some(DocumentKind::Spk)
        );
    }
}
