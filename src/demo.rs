//! The demo district: Kabupaten Tanjung Jabung Timur as a BLK there really runs, made through
//! the same repository functions the register, the admin pages and `user add` use. Deterministic:
//! the same seed gives the same people, batches and businesses on every run.

mod capital;
pub mod government;
mod market;
mod offers;
mod pictures;
mod reach;
mod tracer;
mod trading;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::config::Settings;
use crate::db::audit::Who;
use crate::db::directory::{self, Office};
use crate::db::register::{self, NewBatch, NewProgram};
use crate::db::{Db, DbResult, regions, users};
use crate::domain::password::NewPassword;
use crate::domain::policy::Role;
use crate::domain::region::RegionLevel;
use crate::domain::storefront::Places;
use crate::domain::user::{AccountFields, Links, Username};
use crate::secrets::{Secrets, personal};

pub const DEMO_PASSWORD: &str = "karya-demo";
const SEED: u64 = 1507;

struct TradeSpec {
    code: &'static str,
    name: &'static str,
    description: &'static str,
    program: &'static str,
    hours: i64,
    units: &'static str,
    business_names: &'static [&'static str],
}

const TRADES: &[TradeSpec] = &[
    TradeSpec {
        code: "TBG",
        name: "Tata Boga",
        description: "Roti, kue basah dan kering, snack box untuk rapat dan hajatan.",
        program: "Pembuatan Roti dan Kue",
        hours: 240,
        units: "Menerapkan K3 dan sanitasi; Membuat roti manis; Membuat cake dan bolu; Membuat kue kering; Menghitung harga pokok",
        business_names: &[
            "Dapur Kue {n}",
            "{n} Cake & Bakery",
            "Roti {n}",
            "Snack Box {n}",
            "Kue Basah {n}",
        ],
    },
    TradeSpec {
        code: "RAC",
        name: "Teknik Pendingin dan Tata Udara",
        description: "Servis, cuci, isi freon, dan pemasangan AC split untuk rumah dan kantor.",
        program: "Perawatan AC Split",
        hours: 240,
        units: "Menerapkan K3 kelistrikan; Merawat AC split; Mengisi refrigeran; Memasang unit AC split; Mendiagnosis kerusakan",
        business_names: &[
            "{n} Teknik AC",
            "Servis AC {n}",
            "Sejuk Jaya {n}",
            "{n} Service AC & Kulkas",
        ],
    },
    TradeSpec {
        code: "JHT",
        name: "Menjahit",
        description: "Jahit seragam kantor dan sekolah, kebaya, permak pakaian.",
        program: "Menjahit / Asisten Pembuat Pakaian",
        hours: 280,
        units: "Mengukur badan; Membuat pola; Memotong bahan; Menjahit kemeja dan celana; Menyelesaikan busana",
        business_names: &[
            "Penjahit {n}",
            "{n} Tailor",
            "Butik & Jahit {n}",
            "Konveksi {n}",
        ],
    },
    TradeSpec {
        code: "TKR",
        name: "Tata Kecantikan",
        description: "Potong dan tata rambut, rias pengantin dan wisuda.",
        program: "Tata Kecantikan Rambut",
        hours: 200,
        units: "Mencuci rambut; Memotong rambut; Menata rambut; Mewarnai rambut; Pelayanan prima",
        business_names: &["Salon {n}", "{n} Beauty", "Rias {n}"],
    },
    TradeSpec {
        code: "TIK",
        name: "Teknologi Informasi dan Komunikasi",
        description: "Pengetikan, desain sederhana, servis komputer, jasa administrasi digital.",
        program: "Operasi Komputer",
        hours: 160,
        units: "Mengoperasikan pengolah kata; Mengoperasikan lembar kerja; Membuat presentasi; Menggunakan internet dan surel",
        business_names: &["{n} Komputer", "Rental & Print {n}", "Jasa Ketik {n}"],
    },
    TradeSpec {
        code: "OTO",
        name: "Otomotif Sepeda Motor",
        description: "Servis rutin, tune-up, dan perbaikan sepeda motor.",
        program: "Service Sepeda Motor",
        hours: 240,
        units: "Merawat mesin; Merawat sistem bahan bakar injeksi; Merawat rem; Merawat kelistrikan sepeda motor",
        business_names: &["Bengkel {n}", "{n} Motor", "Servis Motor {n}"],
    },
    TradeSpec {
        code: "LIS",
        name: "Instalasi Listrik",
        description: "Instalasi listrik rumah dan kantor, perbaikan panel dan penerangan.",
        program: "Pemasangan Instalasi Listrik",
        hours: 240,
        units: "Menerapkan K3 listrik; Memasang instalasi penerangan; Memasang PHB; Memeriksa instalasi",
        business_names: &[
            "{n} Elektrik",
            "Instalasi Listrik {n}",
            "{n} Teknik Listrik",
        ],
    },
];

pub(crate) const WOMEN: &[&str] = &[
    "Siti",
    "Nurhayati",
    "Rahmawati",
    "Fitri",
    "Dewi",
    "Sri",
    "Yuliana",
    "Rina",
    "Nurul",
    "Aisyah",
    "Hasanah",
    "Maryam",
    "Wulan",
    "Lestari",
    "Rosmawati",
    "Herlina",
    "Sulastri",
    "Nur",
    "Halimah",
    "Zubaidah",
    "Fatimah",
    "Desi",
    "Eka",
    "Indah",
    "Susanti",
    "Marlina",
    "Yusnidar",
    "Rohani",
    "Juliana",
    "Ani",
];
pub(crate) const MEN: &[&str] = &[
    "Ahmad", "Muhammad", "Rudi", "Hendra", "Joko", "Agus", "Syahrial", "Firdaus", "Irwan",
    "Zulkifli", "Andi", "Budi", "Hasan", "Ismail", "Darmawan", "Ridwan", "Fauzi", "Yusuf", "Arif",
    "Taufik", "Samsul", "Eko", "Jefri", "Rahmat", "Aidil", "Fadli", "Azhar", "Romi", "Dedi",
    "Sabri",
];
pub(crate) const FAMILY: &[&str] = &[
    "Saputra",
    "Hidayat",
    "Siregar",
    "Nasution",
    "Harahap",
    "Lubis",
    "Wijaya",
    "Pratama",
    "Kurniawan",
    "Setiawan",
    "Hasibuan",
    "Daulay",
    "Rangkuti",
    "Putri",
    "Sari",
    "Wati",
    "Ningsih",
    "Yanti",
    "Purnama",
    "Abdullah",
    "Usman",
    "Syafei",
    "Anwar",
    "Ramadhan",
    "Effendi",
    "Bugis",
    "Hamzah",
    "Mahmud",
];
pub(crate) const BIRTH_PLACES: &[&str] = &[
    "Muara Sabak",
    "Nipah Panjang",
    "Mendahara",
    "Rantau Rasau",
    "Jambi",
    "Sadu",
    "Kuala Jambi",
    "Geragai",
    "Berbak",
    "Kuala Tungkal",
    "Palembang",
];
pub(crate) const EDUCATION: &[&str] = &[
    "SD", "SMP", "SMP", "SMA", "SMA", "SMA", "SMK", "SMK", "D3", "S1",
];

/// Kecamatan weight (people per batch drawn more from the larger, nearer kecamatan).
const KECAMATAN_WEIGHTS: &[(&str, u32)] = &[
    ("15.07.01", 16),
    ("15.07.07", 14),
    ("15.07.02", 11),
    ("15.07.03", 9),
    ("15.07.04", 9),
    ("15.07.10", 9),
    ("15.07.08", 8),
    ("15.07.09", 7),
    ("15.07.05", 6),
    ("15.07.06", 6),
    ("15.07.11", 5),
];

fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

fn weighted_kecamatan(rng: &mut StdRng) -> &'static str {
    let total: u32 = KECAMATAN_WEIGHTS.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    for (code, w) in KECAMATAN_WEIGHTS {
        if roll < *w {
            return code;
        }
        roll -= w;
    }
    KECAMATAN_WEIGHTS[0].0
}

/// An office from (code, name, kind, kecamatan, address), its officers (head, procurement
/// officer, treasurer) each with the NIP's gender digit (1 man, 2 woman), and a number that
/// makes their NIPs distinct.
fn office(spec: &OfficeSpec, [head, ppk, treasurer]: [(&str, u32); 3], n: u32) -> Office {
    let (code, name, kind, kecamatan, address) = *spec;
    let nip = |k: u32, gender: u32| {
        format!(
            "19{:02}{:02}{:02}20{:02}0{}{gender}{:03}",
            70 + (n + k) % 20,
            1 + (n * 7 + k) % 12,
            1 + (n * 3 + k) % 28,
            5 + (n + k) % 15,
            1 + k % 2,
            n * 10 + k
        )
    };
    Office {
        code: code.into(),
        name: name.into(),
        kind: kind.into(),
        address: address.into(),
        kecamatan_code: Some(kecamatan.into()),
        head_name: head.0.into(),
        head_nip: nip(1, head.1),
        ppk_name: ppk.0.into(),
        ppk_nip: nip(2, ppk.1),
        treasurer_name: treasurer.0.into(),
        treasurer_nip: nip(3, treasurer.1),
        phone: format!("(0741) 57{:04}", 1000 + n * 37),
        email: format!(
            "{}@tanjabtimkab.go.id",
            code.to_lowercase().replace('.', "-")
        ),
        postal_code: "36761".into(),
        ..Office::default()
    }
}

type OfficeSpec<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str);

fn offices() -> Vec<Office> {
    let sabak = "Jl. Lintas Timur, Rano, Muara Sabak Barat";
    let list: &[OfficeSpec] = &[
        (
            "SETDA",
            "Sekretariat Daerah",
            "sekretariat",
            "15.07.07",
            sabak,
        ),
        (
            "SETWAN",
            "Sekretariat DPRD",
            "sekretariat",
            "15.07.07",
            sabak,
        ),
        ("INSP", "Inspektorat Daerah", "badan", "15.07.07", sabak),
        (
            "BAPPEDA",
            "Badan Perencanaan Pembangunan Daerah",
            "badan",
            "15.07.07",
            sabak,
        ),
        (
            "BPKAD",
            "Badan Pengelolaan Keuangan dan Aset Daerah",
            "badan",
            "15.07.07",
            sabak,
        ),
        (
            "BAPENDA",
            "Badan Pendapatan Daerah",
            "badan",
            "15.07.07",
            sabak,
        ),
        (
            "BKPSDM",
            "Badan Kepegawaian dan Pengembangan SDM",
            "badan",
            "15.07.07",
            sabak,
        ),
        (
            "BPBD",
            "Badan Penanggulangan Bencana Daerah",
            "badan",
            "15.07.07",
            sabak,
        ),
        (
            "DISDIKBUD",
            "Dinas Pendidikan dan Kebudayaan",
            "dinas",
            "15.07.07",
            sabak,
        ),
        ("DINKES", "Dinas Kesehatan", "dinas", "15.07.07", sabak),
        (
            "DISNAKERTRANS",
            "Dinas Ketenagakerjaan dan Transmigrasi",
            "dinas",
            "15.07.07",
            sabak,
        ),
        (
            "PUPR",
            "Dinas Pekerjaan Umum dan Penataan Ruang",
            "dinas",
            "15.07.07",
            sabak,
        ),
        ("DINSOS", "Dinas Sosial", "dinas", "15.07.07", sabak),
        (
            "DPMD",
            "Dinas Pemberdayaan Masyarakat dan Desa",
            "dinas",
            "15.07.07",
            sabak,
        ),
        (
            "DISKOPERINDAG",
            "Dinas Koperasi, UKM, Perindustrian dan Perdagangan",
            "dinas",
            "15.07.07",
            sabak,
        ),
        (
            "DISPORAPAR",
            "Dinas Pemuda, Olahraga dan Pariwisata",
            "dinas",
            "15.07.07",
            sabak,
        ),
        ("DISHUB", "Dinas Perhubungan", "dinas", "15.07.07", sabak),
        (
            "DISDUKCAPIL",
            "Dinas Kependudukan dan Pencatatan Sipil",
            "dinas",
            "15.07.07",
            sabak,
        ),
        (
            "SATPOLPP",
            "Satuan Polisi Pamong Praja",
            "dinas",
            "15.07.07",
            sabak,
        ),
        (
            "RSUD",
            "RSUD Nurdin Hamzah",
            "rsud",
            "15.07.01",
            "Jl. Prof. Dr. Sri Soedewi, Muara Sabak Timur",
        ),
        (
            "CMT-MST",
            "Kantor Camat Muara Sabak Timur",
            "kecamatan",
            "15.07.01",
            "Muara Sabak Ilir",
        ),
        (
            "CMT-NPJ",
            "Kantor Camat Nipah Panjang",
            "kecamatan",
            "15.07.02",
            "Nipah Panjang I",
        ),
        (
            "CMT-MDH",
            "Kantor Camat Mendahara",
            "kecamatan",
            "15.07.03",
            "Mendahara Ilir",
        ),
        (
            "CMT-GRG",
            "Kantor Camat Geragai",
            "kecamatan",
            "15.07.10",
            "Pandan Jaya",
        ),
        (
            "PKM-MST",
            "Puskesmas Muara Sabak",
            "puskesmas",
            "15.07.01",
            "Muara Sabak Ulu",
        ),
        (
            "PKM-NPJ",
            "Puskesmas Nipah Panjang",
            "puskesmas",
            "15.07.02",
            "Nipah Panjang II",
        ),
        (
            "SMKN1",
            "SMK Negeri 1 Tanjung Jabung Timur",
            "sekolah",
            "15.07.07",
            sabak,
        ),
    ];
    // With the NIP's gender digit: 1 a man, 2 a woman.
    let heads = [
        ("H. Ahmad Fauzi, S.Sos., M.Si.", 1),
        ("Drs. Syahrial Lubis", 1),
        ("Hj. Nurhayati, S.E., M.M.", 2),
        ("Ir. Zulkifli Harahap", 1),
        ("dr. Rina Wulandari, M.Kes.", 2),
    ];
    let ppk = [
        ("Rudi Hartono, S.T.", 1),
        ("Dewi Anggraini, S.E.", 2),
        ("Firdaus, S.Kom.", 1),
        ("Hendra Saputra, S.H.", 1),
    ];
    let treasurers = [
        ("Sri Wahyuni, A.Md.", 2),
        ("Yusnidar, S.E.", 2),
        ("Agus Salim", 1),
        ("Marlina, S.Ak.", 2),
    ];
    list.iter()
        .enumerate()
        .map(|(i, spec)| {
            let officers = [
                heads[i % heads.len()],
                ppk[i % ppk.len()],
                treasurers[i % treasurers.len()],
            ];
            office(spec, officers, i as u32 + 1)
        })
        .collect()
}

/// Seeds the demo district into an empty database; leaves a database with data alone.
pub async fn seed_if_empty(db: &Db, settings: &Settings, secrets: &Secrets) -> DbResult<bool> {
    if users::count(db).await? > 0 || !register::trades(db).await?.is_empty() {
        tracing::info!("demo: database already has data; not seeding");
        return Ok(false);
    }
    let started = std::time::Instant::now();
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut desa_by_kecamatan = Vec::new();
    for k in regions::kecamatan_of(db, &settings.instance.kabupaten).await? {
        let desa: Vec<String> = regions::children(db, &k.code)
            .await?
            .into_iter()
            .filter(|r| matches!(r.level, RegionLevel::Desa | RegionLevel::Kelurahan))
            .map(|r| r.code)
            .collect();
        desa_by_kecamatan.push((k.code, desa));
    }
    let desa_for = |rng: &mut StdRng, kec: &str| -> Option<String> {
        desa_by_kecamatan
            .iter()
            .find(|(k, _)| k == kec)
            .filter(|(_, d)| !d.is_empty())
            .map(|(_, d)| d[rng.random_range(0..d.len())].clone())
    };

    let mut tx = db.begin().await?;
    let who = Who {
        id: None,
        label: "demo",
        ip: "demo",
    };

    // Trades and programs.
    let mut programs = Vec::new();
    for t in TRADES {
        let trade_id = register::create_trade(&mut tx, t.code, t.name, t.description).await?;
        let program_id = register::create_program(
            &mut tx,
            &NewProgram {
                trade_id,
                name: t.program,
                hours: t.hours,
                days: t.hours / 8,
                competency_units: t.units,
            },
        )
        .await?;
        programs.push((trade_id, program_id, t));
    }

    // Batches 2017–2026: cake making and AC every year, the other trades in rotation.
    let mut batches = Vec::new();
    for year in 2017..=2026i64 {
        let rotation = (year - 2017) as usize;
        let chosen = [0usize, 1, 2 + rotation % 5];
        for (n, &p) in chosen.iter().enumerate() {
            let (trade_id, program_id, spec) = programs[p];
            let start_month = 3 + (n as i64 * 2) % 8;
            let days = spec.hours / 8;
            let start = format!("{year}-{start_month:02}-{:02}", 2 + n * 3);
            let end_date = time::Date::from_calendar_date(
                year as i32,
                time::Month::try_from(start_month as u8).unwrap_or(time::Month::March),
                (2 + n * 3) as u8,
            )
            .map(|d| d + time::Duration::days(days + days / 5 * 2))
            .map(crate::domain::dates::to_iso)
            .unwrap_or_else(|_| start.clone());
            let batch_id = register::create_batch(
                &mut tx,
                &NewBatch {
                    program_id,
                    year,
                    number: 1,
                    start_date: &start,
                    end_date: &end_date,
                    place: "Workshop UPTD BLK Tanjung Jabung Timur, Rano",
                    funding: if year % 3 == 0 { "APBD" } else { "APBN" },
                    capacity: 16,
                    instructor: pick(
                        &mut rng,
                        &[
                            "Drs. Hasan Basri",
                            "Nur Aini, S.Pd.",
                            "Ridwan, A.Md.",
                            "Fitriani, S.Tr.",
                        ],
                    ),
                },
            )
            .await?;
            batches.push((batch_id, trade_id, spec, year, end_date));
        }
    }

    // The alumni list as the agency keeps it: 9–12 per batch, about one in fifteen returning
    // for a second program. It becomes a spreadsheet that goes through the importer below.
    let mut people: Vec<DemoPerson> = Vec::new();
    let mut rows: Vec<DemoRow> = Vec::new();
    let mut demo_businesses: Vec<DemoBusiness> = Vec::new();
    let mut seq = 1u32;
    let mut enrolled = std::collections::HashSet::new();
    for (batch_index, (batch_id, trade_id, spec, year, end_date)) in batches.iter().enumerate() {
        let size = rng.random_range(9..=12);
        for slot in 0..size {
            let returning = !people.is_empty() && rng.random_range(0..15) == 0;
            let is_star = batch_index == 6 && slot == 0; // 2019 cake making: the demo alumna
            let person = if returning && !is_star {
                rng.random_range(0..people.len())
            } else {
                let woman = is_star
                    || if spec.code == "TBG" || spec.code == "JHT" || spec.code == "TKR" {
                        rng.random_range(0..10) < 8
                    } else {
                        rng.random_range(0..10) < 2
                    };
                let first = if is_star {
                    "Siti"
                } else if woman {
                    pick(&mut rng, WOMEN)
                } else {
                    pick(&mut rng, MEN)
                };
                let last = if is_star {
                    "Rahmawati"
                } else {
                    pick(&mut rng, FAMILY)
                };
                let kec = if is_star {
                    "15.07.01"
                } else {
                    weighted_kecamatan(&mut rng)
                };
                let birth = time::Date::from_calendar_date(
                    rng.random_range(1978..=2005),
                    time::Month::try_from(rng.random_range(1..=12u8)).unwrap_or(time::Month::May),
                    rng.random_range(1..=28u8),
                )
                .unwrap_or(time::Date::MIN);
                let day = birth.day() + if woman { 40 } else { 0 };
                let nik = format!(
                    "{}{:02}{:02}{:02}{:04}",
                    kec.replace('.', ""),
                    day,
                    u8::from(birth.month()),
                    birth.year() % 100,
                    seq
                );
                seq += 1;
                let phone = format!(
                    "08{} {:04} {:04}",
                    pick(&mut rng, &["12", "13", "21", "22", "52", "53", "77", "78"]),
                    rng.random_range(0..10_000u32),
                    rng.random_range(0..10_000u32)
                );
                let desa = desa_for(&mut rng, kec);
                people.push(DemoPerson {
                    first: first.to_owned(),
                    full_name: format!("{first} {last}"),
                    woman,
                    kecamatan: kec,
                    desa,
                    birth_place: pick(&mut rng, BIRTH_PLACES),
                    birth,
                    nik,
                    phone,
                    address: format!("RT {:02}", rng.random_range(1..=20)),
                    education: pick(&mut rng, EDUCATION),
                });
                people.len() - 1
            };
            let passed = is_star || rng.random_range(0..100) < 92;
            let competent = passed && (is_star || rng.random_range(0..100) < 85);
            let placement = if !passed {
                "belum"
            } else {
                pick(
                    &mut rng,
                    &["mandiri", "mandiri", "industri", "belum", "belum"],
                )
            };
            if !enrolled.insert((person, *batch_id)) {
                continue; // a returning alumnus drawn twice for the same batch
            }
            rows.push(DemoRow {
                person,
                trade: spec.name,
                program: spec.program,
                year: *year,
                passed,
                competent,
                cert: competent.then(|| format!("{}.{year}.{batch_id:03}.{slot:02}", spec.code)),
                cert_date: end_date.clone(),
                placement,
            });
            // About a third of those who passed run a business on their trade.
            if (is_star || (passed && placement == "mandiri" && rng.random_range(0..100) < 70))
                && !returning
            {
                demo_businesses.push(DemoBusiness {
                    person,
                    trade_id: *trade_id,
                    trade_code: spec.code,
                    name: if is_star {
                        "Dapur Kue Siti".to_string()
                    } else {
                        pick(&mut rng, spec.business_names).replace("{n}", &people[person].first)
                    },
                    description: spec.description,
                    phone_public: rng.random_range(0..10) < 7,
                    verified: is_star || rng.random_range(0..10) < 7,
                });
            }
        }
    }

    // Offices and capital partners.
    let mut office_ids = Vec::new();
    for o in offices() {
        office_ids.push((o.code.clone(), directory::create_office(&mut tx, &o).await?));
    }
    let office_id = |code: &str| {
        office_ids
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, id)| *id)
    };
    let mut partner_ids = Vec::new();
    for (name, kind, contact) in [
        (
            "Bank Jambi Cabang Muara Sabak (KUR)",
            "bank",
            "Unit Kredit Mikro, Jl. Lintas Timur",
        ),
        (
            "BRI Unit Muara Sabak (KUR)",
            "bank",
            "Kantor Unit Muara Sabak",
        ),
        ("BSI KCP Muara Sabak", "bank", "Pembiayaan Mikro"),
        (
            "BAZNAS Kabupaten Tanjung Jabung Timur",
            "baznas",
            "Program Zakat Produktif",
        ),
        (
            "CSR Migas (contoh)",
            "csr",
            "Contoh perusahaan minyak dan gas bumi; bukan perusahaan sebenarnya",
        ),
        (
            "Koperasi Produsen Alumni BLK Sejahtera",
            "koperasi",
            "Dana bergulir anggota",
        ),
        (
            "Kementerian Ketenagakerjaan (TKM)",
            "lainnya",
            "Program Tenaga Kerja Mandiri, melalui Disnakertrans",
        ),
    ] {
        partner_ids.push(directory::create_partner(&mut tx, name, kind, contact).await?);
    }

    // The register's own data and the agency's first admin, then the alumni list through the
    // importer, as an admin would upload it.
    let demo_hash = NewPassword::demo(DEMO_PASSWORD).hash();
    let admin = users::create_audited(
        &mut tx,
        &AccountFields {
            username: Username::parse("admin").map_err(|e| crate::db::DbError::Other(e.into()))?,
            display_name: "Yuliana Sari".into(),
            role: Role::Admin,
            links: Links::default(),
            phone: None,
        },
        &demo_hash,
        &who,
    )
    .await?;
    tx.commit().await?;

    let names = region_names(db, &settings.instance.kabupaten).await?;
    let workbook_bytes = alumni_workbook(&people, &rows, &names)
        .map_err(|e| crate::db::DbError::Other(e.to_string()))?;
    let file_name = "daftar-alumni-blk-tanjabtim-2017-2026.xlsx";
    let upload =
        crate::app::imports::store_upload(db, secrets, admin.id, file_name, &workbook_bytes)
            .await
            .map_err(|e| crate::db::DbError::Other(e.to_string()))?;
    let workbook = crate::import::read_workbook(&workbook_bytes, file_name)
        .map_err(|e| crate::db::DbError::Other(e.message()))?;
    let as_admin = Who {
        id: Some(admin.id),
        label: &admin.username,
        ip: "demo",
    };
    let (_, counts) = crate::app::imports::apply(
        db,
        &settings.instance.kabupaten,
        secrets,
        &workbook,
        &crate::import::plan::Options::default(),
        Some(upload),
        &as_admin,
        &|_, _| {},
    )
    .await
    .map_err(|e| crate::db::DbError::Other(e.to_string()))?;
    if counts.rejected > 0 {
        tracing::warn!(summary = %counts.summary_line(), "demo: the importer rejected rows of the demo spreadsheet");
    }

    // Storefronts of the imported alumni's businesses, opened through the storefront form's
    // validation and repository, verified by the agency where the demo says so.
    let mut tx = db.begin().await?;
    let id_of = |person: usize| personal::keyed_hash(&secrets.data_key, &people[person].nik);
    let star_index = star_person(&people);
    let mut shops = Vec::new();
    let mut candidates = Vec::new();
    for b in &demo_businesses {
        let Some(alumnus_id) =
            crate::db::imports::alumnus_id_by_nik_hash(&mut tx, &id_of(b.person)).await?
        else {
            continue;
        };
        let person = &people[b.person];
        if b.person != star_index
            && !candidates
                .iter()
                .any(|c: &capital::Candidate| c.alumnus_id == alumnus_id)
        {
            candidates.push(capital::Candidate {
                alumnus_id,
                full_name: person.full_name.clone(),
                trade_code: b.trade_code,
            });
        }
        shops.push(market::Shop {
            alumnus_id,
            trade_code: b.trade_code,
            trade_id: b.trade_id,
            name: b.name.clone(),
            description: b.description,
            kecamatan: person.kecamatan,
            desa: person.desa.clone(),
            phone: person.phone.clone(),
            phone_public: b.phone_public,
            verified: b.verified,
            star: b.person == star_index,
        });
    }
    let trade_codes: Vec<(&'static str, i64)> = batches
        .iter()
        .map(|(_, trade_id, spec, _, _)| (spec.code, *trade_id))
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_iter()
        .collect();
    let places = Places {
        kecamatan: desa_by_kecamatan.iter().map(|(k, _)| k.clone()).collect(),
        desa: desa_by_kecamatan
            .iter()
            .flat_map(|(_, d)| d.clone())
            .collect(),
    };
    let opened =
        market::open_storefronts(db, &mut tx, &shops, &trade_codes, &places, who, as_admin).await?;
    let star =
        crate::db::imports::alumnus_id_by_nik_hash(&mut tx, &id_of(star_person(&people))).await?;

    // Demo accounts, all with the demo password.
    let accounts: Vec<(&str, &str, Role, Links)> = vec![
        (
            "opd",
            "Rudi Hartono (Setda)",
            Role::Opd,
            Links {
                office_id: office_id("SETDA"),
                ..Links::default()
            },
        ),
        (
            "bendahara",
            "Sri Wahyuni (Setda)",
            Role::Bendahara,
            Links {
                office_id: office_id("SETDA"),
                ..Links::default()
            },
        ),
        (
            "alumni",
            "Siti Rahmawati",
            Role::Alumni,
            Links {
                alumnus_id: star,
                ..Links::default()
            },
        ),
        ("pembeli", "Andi Pratama", Role::Pembeli, Links::default()),
        (
            "mitra",
            "Bank Jambi (KUR)",
            Role::Mitra,
            Links {
                partner_id: partner_ids.first().copied(),
                ..Links::default()
            },
        ),
        (
            "opd.dinkes",
            "Dewi Anggraini (Dinkes)",
            Role::Opd,
            Links {
                office_id: office_id("DINKES"),
                ..Links::default()
            },
        ),
        (
            "opd.rsud",
            "Firdaus (RSUD)",
            Role::Opd,
            Links {
                office_id: office_id("RSUD"),
                ..Links::default()
            },
        ),
        ("staf.blk", "Nur Aini (BLK)", Role::Admin, Links::default()),
        (
            "kepala",
            "Drs. H. Ahmad Syukri (Kepala Dinas)",
            Role::Kepala,
            Links::default(),
        ),
        (
            "mitra.baznas",
            "BAZNAS Tanjabtim",
            Role::Mitra,
            Links {
                partner_id: partner_ids.get(3).copied(),
                ..Links::default()
            },
        ),
    ];
    let mut account_ids = std::collections::HashMap::new();
    for (username, name, role, links) in accounts {
        let fields = AccountFields {
            username: Username::parse(username).map_err(|e| crate::db::DbError::Other(e.into()))?,
            display_name: name.into(),
            role,
            links,
            phone: None,
        };
        let user = users::create_audited(&mut tx, &fields, &demo_hash, &who).await?;
        account_ids.insert(username, user.id);
    }
    tx.commit().await?;
    let photos = market::add_photos(db, &opened, as_admin).await?;
    let buyer = trading::Account {
        user_id: account_ids.get("pembeli").copied().unwrap_or_default(),
        name: "Andi Pratama".into(),
        phone: "0812 7788 1020".into(),
    };
    let orders = trading::trade(
        db,
        &crate::db::orders::Reach::from_settings(settings).with_guest_key(&secrets.data_key),
        &opened,
        &buyer,
        account_ids.get("alumni").copied(),
    )
    .await?;
    government::seed(db, settings, &secrets.data_key).await?;
    let quiet = crate::db::orders::Reach {
        base_url: settings.public_url.trim_end_matches('/').to_owned(),
        email: false,
        guest_key: None,
    };
    let siti = star.zip(account_ids.get("alumni").copied());
    capital::seed(db, &secrets.data_key, &quiet, &candidates, siti).await?;
    tracer::seed(
        db,
        &secrets.data_key,
        &quiet,
        account_ids.get("staf.blk").copied(),
    )
    .await?;
    reach::seed(db, account_ids.get("alumni").copied()).await?;
    tracing::info!(
        storefronts = opened.len(),
        listings = opened.iter().map(|o| o.listings.len()).sum::<usize>(),
        photos,
        orders,
        "demo: storefronts opened and trading"
    );
    tracing::info!(
        alumni = people.len(),
        import = %counts.summary_line(),
        batches = batches.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo district seeded"
    );
    Ok(true)
}

struct DemoPerson {
    first: String,
    full_name: String,
    woman: bool,
    kecamatan: &'static str,
    desa: Option<String>,
    birth_place: &'static str,
    birth: time::Date,
    nik: String,
    phone: String,
    address: String,
    education: &'static str,
}

struct DemoRow {
    person: usize,
    trade: &'static str,
    program: &'static str,
    year: i64,
    passed: bool,
    competent: bool,
    cert: Option<String>,
    cert_date: String,
    placement: &'static str,
}

struct DemoBusiness {
    person: usize,
    trade_id: i64,
    trade_code: &'static str,
    name: String,
    description: &'static str,
    phone_public: bool,
    verified: bool,
}

fn star_person(people: &[DemoPerson]) -> usize {
    people
        .iter()
        .position(|p| p.full_name == "Siti Rahmawati" && p.kecamatan == "15.07.01")
        .unwrap_or(0)
}

/// Code → name of the instance's kecamatan and desa, for writing the spreadsheet as staff do.
async fn region_names(
    db: &Db,
    kabupaten: &[String],
) -> DbResult<std::collections::HashMap<String, String>> {
    let mut names = std::collections::HashMap::new();
    for k in regions::kecamatan_of(db, kabupaten).await? {
        for d in regions::children(db, &k.code).await? {
            names.insert(d.code, d.name);
        }
        names.insert(k.code, k.name);
    }
    Ok(names)
}

/// The demo alumni as a workbook of the kind the agency keeps: one sheet per year, a title row
/// and a blank row above the header, "No" numbering, dates typed as text, kecamatan written in
/// the ways staff write them.
fn alumni_workbook(
    people: &[DemoPerson],
    rows: &[DemoRow],
    names: &std::collections::HashMap<String, String>,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let header = [
        "No",
        "Nama",
        "NIK",
        "L/P",
        "Tempat Lahir",
        "Tgl Lahir",
        "No. HP/WA",
        "Alamat",
        "Desa/Kelurahan",
        "Kecamatan",
        "Pendidikan Terakhir",
        "Kejuruan",
        "Program Pelatihan",
        "Angkatan",
        "Tahun",
        "Hasil",
        "Kompetensi",
        "No. Sertifikat",
        "Lembaga Sertifikasi",
        "Tgl Sertifikat",
        "Penempatan",
    ];
    for year in 2017..=2026i64 {
        let sheet = book.add_worksheet();
        sheet.set_name(year.to_string())?;
        sheet.write_string_with_format(
            0,
            0,
            format!("DAFTAR ALUMNI BLK TANJABTIM TAHUN {year}"),
            &bold,
        )?;
        for (c, h) in header.iter().enumerate() {
            sheet.write_string_with_format(2, c as u16, *h, &bold)?;
        }
        for (n, row) in rows.iter().filter(|r| r.year == year).enumerate() {
            let p = &people[row.person];
            let kecamatan = names.get(p.kecamatan).cloned().unwrap_or_default();
            // Staff write the kecamatan in several ways; the importer reads them all.
            let kecamatan = match n % 3 {
                0 => kecamatan,
                1 => format!("Kec. {kecamatan}"),
                _ => kecamatan.to_uppercase(),
            };
            let values = [
                (n + 1).to_string(),
                p.full_name.clone(),
                p.nik.clone(),
                if p.woman { "P".into() } else { "L".into() },
                p.birth_place.to_owned(),
                format!(
                    "{:02}-{:02}-{}",
                    p.birth.day(),
                    u8::from(p.birth.month()),
                    p.birth.year()
                ),
                p.phone.clone(),
                p.address.clone(),
                p.desa
                    .as_ref()
                    .and_then(|d| names.get(d))
                    .cloned()
                    .unwrap_or_default(),
                kecamatan,
                p.education.to_owned(),
                row.trade.to_owned(),
                row.program.to_owned(),
                "1".into(),
                year.to_string(),
                if row.passed {
                    "Lulus".into()
                } else {
                    "Tidak Lulus".into()
                },
                match (row.passed, row.competent) {
                    (false, _) => String::new(),
                    (true, true) => "Kompeten".into(),
                    (true, false) => "Belum Kompeten".into(),
                },
                row.cert.clone().unwrap_or_default(),
                if row.cert.is_some() {
                    "LSP P1 UPTD BLK Tanjung Jabung Timur".into()
                } else {
                    String::new()
                },
                if row.cert.is_some() {
                    row.cert_date.clone()
                } else {
                    String::new()
                },
                row.placement.to_owned(),
            ];
            for (c, v) in values.iter().enumerate() {
                if !v.is_empty() {
                    sheet.write_string((n + 3) as u32, c as u16, v)?;
                }
            }
        }
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use crate::domain::nip::Nip;

    /// Every demo officer's NIP is valid and its gender digit matches the officer: the women
    /// of the demo (by name) carry 2, the men 1.
    #[test]
    fn officers_nips_match_their_gender() {
        let women = [
            "Hj. Nurhayati",
            "dr. Rina Wulandari",
            "Dewi Anggraini",
            "Sri Wahyuni",
            "Yusnidar",
            "Marlina",
        ];
        let mut seen = 0;
        for o in super::offices() {
            for (name, nip) in [
                (&o.head_name, &o.head_nip),
                (&o.ppk_name, &o.ppk_nip),
                (&o.treasurer_name, &o.treasurer_nip),
            ] {
                let nip = Nip::parse(nip).unwrap_or_else(|e| panic!("{name}: {nip}: {e}"));
                let woman = women.iter().any(|w| name.starts_with(w));
                assert_eq!(nip.is_woman(), woman, "{name}: {}", nip.as_str());
                seen += 1;
            }
        }
        assert!(seen >= 30, "{seen} officers");
    }
}
