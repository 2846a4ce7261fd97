//! The demo district: Kabupaten Tanjung Jabung Timur as a BLK there really runs, made through
//! the same repository functions the register, the admin pages and `user add` use. Deterministic:
//! the same seed gives the same people, batches and businesses on every run.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::config::Settings;
use crate::db::audit::Who;
use crate::db::directory::{self, Office};
use crate::db::register::{self, NewAlumnus, NewBatch, NewBusiness, NewParticipation, NewProgram};
use crate::db::{Db, DbResult, regions, users};
use crate::domain::nik::Nik;
use crate::domain::password::NewPassword;
use crate::domain::phone::Phone;
use crate::domain::policy::Role;
use crate::domain::region::RegionLevel;
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

const WOMEN: &[&str] = &[
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
const MEN: &[&str] = &[
    "Ahmad", "Muhammad", "Rudi", "Hendra", "Joko", "Agus", "Syahrial", "Firdaus", "Irwan",
    "Zulkifli", "Andi", "Budi", "Hasan", "Ismail", "Darmawan", "Ridwan", "Fauzi", "Yusuf", "Arif",
    "Taufik", "Samsul", "Eko", "Jefri", "Rahmat", "Aidil", "Fadli", "Azhar", "Romi", "Dedi",
    "Sabri",
];
const FAMILY: &[&str] = &[
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
const BIRTH_PLACES: &[&str] = &[
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
const EDUCATION: &[&str] = &[
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
/// officer, treasurer) and a number that makes their NIPs distinct.
fn office(spec: &OfficeSpec, [head, ppk, treasurer]: [&str; 3], n: u32) -> Office {
    let (code, name, kind, kecamatan, address) = *spec;
    let nip = |k: u32| {
        format!(
            "19{:02}{:02}{:02}20{:02}0{}1{:03}",
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
        head_name: head.into(),
        head_nip: nip(1),
        ppk_name: ppk.into(),
        ppk_nip: nip(2),
        treasurer_name: treasurer.into(),
        treasurer_nip: nip(3),
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
    let heads = [
        "H. Ahmad Fauzi, S.Sos., M.Si.",
        "Drs. Syahrial Lubis",
        "Hj. Nurhayati, S.E., M.M.",
        "Ir. Zulkifli Harahap",
        "dr. Rina Wulandari, M.Kes.",
    ];
    let ppk = [
        "Rudi Hartono, S.T.",
        "Dewi Anggraini, S.E.",
        "Firdaus, S.Kom.",
        "Hendra Saputra, S.H.",
    ];
    let treasurers = [
        "Sri Wahyuni, A.Md.",
        "Yusnidar, S.E.",
        "Agus Salim",
        "Marlina, S.Ak.",
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

    // Alumni: 9–12 per batch; about one in fifteen returns for a second program.
    let demo_hash = NewPassword::demo(DEMO_PASSWORD).hash();
    let mut alumni: Vec<(i64, String, &'static str)> = Vec::new(); // (id, first name, kecamatan)
    let mut seq = 1u32;
    let mut star_alumna = None;
    let mut enrolled = std::collections::HashSet::new();
    for (batch_index, (batch_id, trade_id, spec, year, end_date)) in batches.iter().enumerate() {
        let size = rng.random_range(9..=12);
        for slot in 0..size {
            let returning = !alumni.is_empty() && rng.random_range(0..15) == 0;
            let is_star = batch_index == 6 && slot == 0; // 2019 cake making: the demo alumna
            let (alumnus_id, first, kec) = if returning && !is_star {
                let i = rng.random_range(0..alumni.len());
                alumni[i].clone()
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
                let full_name = format!("{first} {last}");
                let kec = if is_star {
                    "15.07.01"
                } else {
                    weighted_kecamatan(&mut rng)
                };
                let birth_year = rng.random_range(1978..=2005);
                let birth = time::Date::from_calendar_date(
                    birth_year,
                    time::Month::try_from(rng.random_range(1..=12u8)).unwrap_or(time::Month::May),
                    rng.random_range(1..=28u8),
                )
                .unwrap_or(time::Date::MIN);
                let day = birth.day() + if woman { 40 } else { 0 };
                let nik_raw = format!(
                    "{}{:02}{:02}{:02}{:04}",
                    kec.replace('.', ""),
                    day,
                    u8::from(birth.month()),
                    birth.year() % 100,
                    seq
                );
                seq += 1;
                let nik = Nik::parse(&nik_raw).ok();
                let phone = Phone::parse(&format!(
                    "08{}{:08}",
                    pick(&mut rng, &["12", "13", "21", "22", "52", "53", "77", "78"]),
                    rng.random_range(0..100_000_000u32)
                ))
                .ok();
                let desa = desa_for(&mut rng, kec);
                let id = register::create_alumnus(
                    &mut tx,
                    &NewAlumnus {
                        full_name: &full_name,
                        gender: if woman { "P" } else { "L" },
                        birth_place: pick(&mut rng, BIRTH_PLACES),
                        birth_date: Some(&crate::domain::dates::to_iso(birth)),
                        nik_enc: nik
                            .as_ref()
                            .map(|n| personal::seal(&secrets.data_key, n.as_str())),
                        nik_hmac: nik
                            .as_ref()
                            .map(|n| personal::keyed_hash(&secrets.data_key, n.as_str())),
                        phone: phone.as_ref().map(Phone::as_str),
                        address: &format!("RT {:02}", rng.random_range(1..=20)),
                        kecamatan_code: Some(kec),
                        desa_code: desa.as_deref(),
                        education: pick(&mut rng, EDUCATION),
                    },
                )
                .await?;
                alumni.push((id, first.to_string(), kec));
                if is_star {
                    star_alumna = Some(id);
                }
                (id, first.to_string(), kec)
            };
            let passed = is_star || rng.random_range(0..100) < 92;
            let competent = passed && (is_star || rng.random_range(0..100) < 85);
            let cert = competent.then(|| format!("{}.{year}.{batch_id:03}.{slot:02}", spec.code));
            let placement = if !passed {
                "belum"
            } else {
                pick(
                    &mut rng,
                    &["mandiri", "mandiri", "industri", "belum", "belum"],
                )
            };
            if !enrolled.insert((alumnus_id, *batch_id)) {
                continue; // a returning alumnus drawn twice for the same batch
            }
            register::add_participation(
                &mut tx,
                &NewParticipation {
                    alumnus_id,
                    batch_id: *batch_id,
                    result: Some(if passed { "lulus" } else { "tidak_lulus" }),
                    competency: passed.then_some(if competent {
                        "kompeten"
                    } else {
                        "belum_kompeten"
                    }),
                    cert_number: cert.as_deref(),
                    cert_issuer: competent.then_some("LSP P1 UPTD BLK Tanjung Jabung Timur"),
                    cert_date: competent.then_some(end_date.as_str()),
                    placement,
                },
            )
            .await?;
            // About a third of those who passed run a business on their trade.
            if (is_star || (passed && placement == "mandiri" && rng.random_range(0..100) < 70))
                && !returning
            {
                let name = if is_star {
                    "Dapur Kue Siti".to_string()
                } else {
                    pick(&mut rng, spec.business_names).replace("{n}", &first)
                };
                register::create_business(
                    &mut tx,
                    &NewBusiness {
                        alumnus_id,
                        trade_id: *trade_id,
                        name: &name,
                        description: spec.description,
                        kecamatan_code: Some(kec),
                        phone: None,
                        phone_public: rng.random_range(0..10) < 7,
                        verified: is_star || rng.random_range(0..10) < 7,
                    },
                )
                .await?;
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
            "PetroChina International Jabung Ltd. (CSR)",
            "csr",
            "Community Development",
        ),
        (
            "Koperasi Produsen Alumni BLK Sejahtera",
            "koperasi",
            "Dana bergulir anggota",
        ),
    ] {
        partner_ids.push(directory::create_partner(&mut tx, name, kind, contact).await?);
    }

    // Demo accounts, all with the demo password.
    let star = star_alumna.unwrap_or(alumni[0].0);
    let accounts: Vec<(&str, &str, Role, Links)> = vec![
        ("admin", "Yuliana Sari", Role::Admin, Links::default()),
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
                alumnus_id: Some(star),
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
            "mitra.baznas",
            "BAZNAS Tanjabtim",
            Role::Mitra,
            Links {
                partner_id: partner_ids.get(3).copied(),
                ..Links::default()
            },
        ),
    ];
    for (username, name, role, links) in accounts {
        let fields = AccountFields {
            username: Username::parse(username).map_err(|e| crate::db::DbError::Other(e.into()))?,
            display_name: name.into(),
            role,
            links,
            phone: None,
        };
        users::create_audited(&mut tx, &fields, &demo_hash, &who).await?;
    }
    tx.commit().await?;
    tracing::info!(
        alumni = alumni.len(),
        batches = batches.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo district seeded"
    );
    Ok(true)
}
