//! The demo district's capital: partners' programs as Tanjabtim would see them (Bank Jambi KUR,
//! a KUR Syariah bank, BAZNAS equipment, an example oil-and-gas CSR, Kemnaker TKM and a
//! cooperative's revolving fund) and about twenty-five applications in every state, each made
//! and moved through the use cases the capital pages call (`app::capital`), with the instant of
//! every step passed in so timelines, stage durations and repayment histories read like the
//! months they took. Who applies is decided by the same eligibility check the pages use: each
//! script takes the first demo alumna who meets its program's rules on the day she submits.

use std::collections::HashMap;

use time::{Date, Month, PrimitiveDateTime, Time};

use super::pictures::{Motif, draw};
use crate::app::capital::{self as uc, ApprovalInput, Capital, DisbursementInput, RepaymentInput};
use crate::db::audit::Who;
use crate::db::capital as store;
use crate::db::directory::{self, Partner};
use crate::db::orders::Reach;
use crate::db::{Db, DbError, DbResult, users};
use crate::domain::capital::application::Action;
use crate::domain::capital::plan::RequestInput;
use crate::domain::capital::program::{DocumentKind, ProgramInput};
use crate::domain::dates::{WIB, to_iso, wib_date};
use crate::domain::policy::{Actor, Role};
use crate::domain::user::{AccountFields, Links, Username};
use crate::secrets::Key;

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;

/// A demo alumna or alumnus with a storefront who may apply (the demo's own alumna, Siti, is
/// passed apart).
#[derive(Debug, Clone)]
pub struct Candidate {
    pub alumnus_id: i64,
    pub full_name: String,
    pub trade_code: &'static str,
}

/// Programs by the key the scripts use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum P {
    KurMikro,
    KurSuperMikro,
    BsiSuperMikro,
    BaznasOpen,
    BaznasClosed,
    CsrMigas,
    Tkm,
    Koperasi,
}

/// A program as the agency types it, with its documents, kecamatan and trades.
type Spec<'a> = (P, ProgramInput<'a>, Vec<String>, Vec<String>, Vec<String>);

/// Where a scripted application ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Draft,
    Expired,
    Submitted,
    InReview,
    Returned,
    Rejected,
    Recommended,
    Withdrawn,
    /// Referred; the alumna has not (yet) consented.
    Referred,
    /// Referred and consented: waiting for the partner.
    Consented,
    /// Referred, consented, then the consent revoked.
    Revoked,
    Approved,
    Declined,
    /// Disbursed with this many monthly reports (`late` marks the one reported late).
    Disbursed {
        reports: u32,
        late: Option<u32>,
    },
    /// Disbursed and repaid in full after this many months.
    Closed {
        months: u32,
    },
}

struct Script {
    program: P,
    end: End,
    /// When she started the application.
    days_ago: i64,
    /// The demo's own alumna rather than the first eligible candidate.
    siti: bool,
}

const fn s(program: P, end: End, days_ago: i64) -> Script {
    Script {
        program,
        end,
        days_ago,
        siti: false,
    }
}

fn scripts() -> Vec<Script> {
    use End::*;
    use P::*;
    vec![
        // The one that runs longest first: a draft left alone until the expiry job.
        s(Koperasi, Expired, 75),
        Script {
            siti: true,
            ..s(
                KurSuperMikro,
                Disbursed {
                    reports: 7,
                    late: None,
                },
                215,
            )
        },
        s(KurSuperMikro, Closed { months: 6 }, 330),
        // One referral new to the bank, one past its decision days.
        s(KurSuperMikro, Consented, 10),
        s(KurSuperMikro, Approved, 40),
        s(KurMikro, Consented, 30),
        s(KurMikro, Declined, 70),
        s(KurMikro, Submitted, 3),
        s(KurMikro, InReview, 9),
        s(KurMikro, Draft, 4),
        s(BsiSuperMikro, Referred, 16),
        s(BsiSuperMikro, Revoked, 28),
        s(BsiSuperMikro, Approved, 45),
        s(
            BsiSuperMikro,
            Disbursed {
                reports: 4,
                late: Some(2),
            },
            200,
        ),
        s(BsiSuperMikro, Returned, 12),
        s(BaznasOpen, Consented, 12),
        s(BaznasOpen, Recommended, 14),
        // Younger than the review reminder (5 days), like the other one waiting: the agency has
        // no overdue review on the demo day.
        s(BaznasOpen, Submitted, 4),
        s(
            BaznasClosed,
            Disbursed {
                reports: 0,
                late: None,
            },
            260,
        ),
        s(BaznasClosed, Declined, 240),
        s(CsrMigas, Rejected, 35),
        s(CsrMigas, Withdrawn, 21),
        s(CsrMigas, Consented, 26),
        s(Tkm, InReview, 11),
        s(Tkm, Draft, 2),
        s(
            Koperasi,
            Disbursed {
                reports: 6,
                late: None,
            },
            205,
        ),
        s(Koperasi, Withdrawn, 50),
    ]
}

fn fail(what: &str, e: impl std::fmt::Debug) -> DbError {
    DbError::Other(format!("demo capital: {what}: {e:?}"))
}

/// A date's instant at `hour`:00 WIB.
fn at_wib(d: Date, hour: u8) -> i64 {
    PrimitiveDateTime::new(d, Time::from_hms(hour, 0, 0).unwrap_or(Time::MIDNIGHT))
        .assume_offset(WIB)
        .unix_timestamp()
}

/// `at`, or the next morning when it falls outside office hours (08.00–16.00 WIB).
fn office_hours(at: i64) -> i64 {
    let local = time::OffsetDateTime::from_unix_timestamp(at)
        .map(|t| t.to_offset(WIB))
        .ok();
    match local.map(|t| (t.date(), t.hour())) {
        Some((d, h)) if h < 8 => at_wib(d, 8) + i64::from(h) * 600,
        Some((d, h)) if h >= 16 => {
            at_wib(d + time::Duration::days(1), 8) + i64::from(h - 16) * 1_800
        }
        _ => at,
    }
}

/// The first day of the month `months` after `d`'s month.
fn month_start(d: Date, months: i32) -> Date {
    let total = d.year() * 12 + (u8::from(d.month()) as i32 - 1) + months;
    let month = Month::try_from((total.rem_euclid(12) + 1) as u8).unwrap_or(Month::January);
    Date::from_calendar_date(total.div_euclid(12), month, 1).unwrap_or(d)
}

fn period(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), u8::from(d.month()))
}

/// What she plans to buy, by trade: a small, a middle and a large plan; a program takes the
/// largest that fits its range.
fn plans(trade: &str) -> [&'static [(&'static str, i64)]; 3] {
    match trade {
        "TBG" => [
            &[
                ("Tepung terigu, gula, mentega (stok 1 bulan)", 2_500_000),
                ("Kotak kue dan mika", 1_000_000),
            ],
            &[
                ("Oven gas 2 rak", 4_500_000),
                ("Mixer planetary 5 liter", 2_750_000),
                ("Loyang dan cetakan kue", 750_000),
            ],
            &[
                ("Oven deck 3 rak", 18_000_000),
                ("Mixer spiral 20 liter", 12_500_000),
                ("Etalase kue berpendingin", 6_500_000),
                ("Bahan baku 2 bulan", 8_000_000),
            ],
        ],
        "RAC" => [
            &[
                ("Freon R32 dan R410A (4 tabung)", 2_800_000),
                ("Pipa tembaga dan selang drain", 1_200_000),
            ],
            &[
                ("Pompa vakum", 2_250_000),
                ("Manifold gauge digital", 1_850_000),
                ("Mesin cuci AC (jet cleaner)", 1_400_000),
                ("Freon R32 (3 tabung)", 2_100_000),
            ],
            &[
                ("Recovery unit refrigeran", 14_000_000),
                ("Alat las brazing dan tabung", 6_500_000),
                ("Motor roda tiga bekas untuk angkut unit", 17_500_000),
            ],
        ],
        "JHT" => [
            &[
                ("Kain drill dan katun untuk seragam", 3_000_000),
                ("Benang, kancing, resleting", 750_000),
            ],
            &[
                ("Mesin jahit obras 4 benang", 3_600_000),
                ("Mesin jahit high speed", 3_200_000),
                ("Meja potong dan gunting kain", 900_000),
            ],
            &[
                ("Mesin bordir komputer 1 kepala", 28_000_000),
                ("Mesin obras 5 benang", 4_800_000),
                ("Bahan seragam sekolah", 7_200_000),
            ],
        ],
        "TKR" => [
            &[
                ("Cat rambut, sampo, vitamin (stok)", 2_200_000),
                ("Handuk dan kain penutup", 600_000),
            ],
            &[
                ("Kursi salon hidrolik", 3_250_000),
                ("Hair dryer dan catokan", 1_650_000),
                ("Kaca rias dan lampu", 1_500_000),
            ],
            &[
                ("Renovasi ruang salon", 15_000_000),
                ("Kursi keramas", 6_500_000),
                ("Peralatan rias pengantin", 8_500_000),
            ],
        ],
        "TIK" => [
            &[
                ("Tinta dan kertas (stok)", 1_800_000),
                ("Flashdisk dan kabel data", 700_000),
            ],
            &[
                ("Printer multifungsi", 4_200_000),
                ("Laptop bekas untuk desain", 4_500_000),
            ],
            &[
                ("Komputer desain", 12_000_000),
                ("Printer A3", 9_500_000),
                ("Mesin jilid dan laminating", 3_500_000),
            ],
        ],
        "OTO" => [
            &[
                ("Oli dan suku cadang cepat laku", 3_000_000),
                ("Kunci sok set", 900_000),
            ],
            &[
                ("Kompresor angin", 3_800_000),
                ("Scanner injeksi sepeda motor", 2_900_000),
                ("Suku cadang", 1_800_000),
            ],
            &[
                ("Lift motor hidrolik", 9_500_000),
                ("Kompresor 1 HP", 5_500_000),
                ("Stok suku cadang dan oli", 15_000_000),
            ],
        ],
        _ => [
            &[
                ("Kabel NYM dan MCB (stok)", 2_600_000),
                ("Tang ampere dan tester", 900_000),
            ],
            &[
                ("Bor beton dan gerinda", 2_400_000),
                ("Tangga lipat aluminium", 1_300_000),
                ("Stok kabel, saklar, stop kontak", 3_800_000),
            ],
            &[
                ("Stok panel dan MCB", 12_000_000),
                ("Mesin bor dan alat ukur", 6_000_000),
                ("Motor angkut barang", 14_000_000),
            ],
        ],
    }
}

fn kbli(trade: &str) -> &'static str {
    match trade {
        "TBG" => "10710",
        "RAC" => "43222",
        "JHT" => "14111",
        "TKR" => "96111",
        "TIK" => "95110",
        "OTO" => "45405",
        _ => "43211",
    }
}

fn motif(trade: &str) -> Motif {
    match trade {
        "TBG" => Motif::Cake,
        "RAC" => Motif::AirConditioner,
        "JHT" => Motif::Shirt,
        "TKR" => Motif::Comb,
        "TIK" => Motif::Computer,
        "OTO" => Motif::Motorcycle,
        _ => Motif::Bulb,
    }
}

/// A small PNG card standing in for a photographed identity card (no real NIK on it).
fn card_png(colour: [u8; 3]) -> Vec<u8> {
    let img = image::RgbImage::from_fn(320, 200, |x, y| {
        if (12..40).contains(&y) || (x > 230 && x < 300 && y > 60 && y < 150) {
            image::Rgb([colour[0] / 2, colour[1] / 2, colour[2] / 2])
        } else {
            image::Rgb(colour)
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    let _ = img.write_to(&mut out, image::ImageFormat::Png);
    out.into_inner()
}

/// A one-page PDF with one line of text, standing in for a scanned letter.
fn letter_pdf(text: &str) -> Vec<u8> {
    let text: String = text
        .chars()
        .filter(|c| c.is_ascii() && !matches!(c, '(' | ')' | '\\'))
        .collect();
    let stream = format!("BT /F1 14 Tf 50 780 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// The documents' bytes, each drawn once.
struct Files {
    ktp: Vec<u8>,
    kk: Vec<u8>,
    photos: HashMap<&'static str, Vec<u8>>,
}

impl Files {
    fn bytes(&mut self, kind: DocumentKind, trade: &'static str) -> (String, Vec<u8>) {
        match kind {
            DocumentKind::Ktp => ("foto-ktp.png".into(), self.ktp.clone()),
            DocumentKind::Kk => ("kartu-keluarga.png".into(), self.kk.clone()),
            DocumentKind::BusinessPhoto => (
                "tempat-usaha.png".into(),
                self.photos
                    .entry(trade)
                    .or_insert_with(|| draw(motif(trade), 3))
                    .clone(),
            ),
            DocumentKind::Nib => (
                "nib-oss.pdf".into(),
                letter_pdf("Nomor Induk Berusaha (NIB) - Lembaga OSS"),
            ),
            DocumentKind::Pirt => (
                "izin-pirt.pdf".into(),
                letter_pdf("Sertifikat Produksi Pangan Industri Rumah Tangga"),
            ),
            DocumentKind::Halal => (
                "sertifikat-halal.pdf".into(),
                letter_pdf("Sertifikat Halal - BPJPH"),
            ),
            DocumentKind::Certificate => (
                "sertifikat-kompetensi.pdf".into(),
                letter_pdf("Sertifikat Kompetensi - LSP P1 UPTD BLK Tanjung Jabung Timur"),
            ),
            DocumentKind::Quotation => (
                "penawaran-harga-alat.pdf".into(),
                letter_pdf("Penawaran Harga Alat - Toko Sumber Teknik, Muara Sabak"),
            ),
        }
    }
}

/// One party acting: the actor the policy sees and the audit label.
struct Acting {
    actor: Actor,
    label: String,
}

impl Acting {
    fn who(&self) -> Who<'_> {
        Who {
            id: Some(self.actor.user_id),
            label: &self.label,
            ip: "demo",
        }
    }
}

/// The partner for a key of the program list below, by the name the demo gives it.
fn partner_named<'p>(partners: &'p [Partner], starts: &str) -> DbResult<&'p Partner> {
    partners
        .iter()
        .find(|p| p.name.starts_with(starts))
        .ok_or_else(|| fail("no partner named", starts))
}

/// Seeds the capital programs and applications (after the year of trade and office work, so
/// the track records they carry are there). `siti` is the demo alumna's (alumnus, user).
pub async fn seed(
    db: &Db,
    key: &Key,
    reach: &Reach,
    candidates: &[Candidate],
    siti: Option<(i64, i64)>,
) -> DbResult<usize> {
    let started = std::time::Instant::now();
    let now = crate::db::now();
    let today = wib_date(now);
    let day = |n: i64| to_iso(today - time::Duration::days(n));
    let Some((admin_user, demo_hash)) = users::credentials(db, "admin").await? else {
        return Err(fail("no admin account", ()));
    };
    let agency = Acting {
        actor: admin_user.actor(),
        label: "admin".into(),
    };

    // Partner accounts: `mitra` (Bank Jambi) and `mitra.baznas` exist; the others who decide
    // in the demo get theirs.
    let partners = directory::partners(db).await?;
    let bank_jambi = partner_named(&partners, "Bank Jambi")?.id;
    let bsi = partner_named(&partners, "BSI")?.id;
    let baznas = partner_named(&partners, "BAZNAS")?.id;
    let csr = partner_named(&partners, "CSR Migas")?.id;
    let kemnaker = partner_named(&partners, "Kementerian Ketenagakerjaan")?.id;
    let koperasi = partner_named(&partners, "Koperasi")?.id;
    let mut partner_users: HashMap<i64, Acting> = HashMap::new();
    let mut tx = db.begin().await?;
    let seeder = Who {
        id: None,
        label: "demo",
        ip: "demo",
    };
    for (username, display, partner) in [
        ("mitra", "", bank_jambi),
        ("mitra.baznas", "", baznas),
        ("mitra.bsi", "BSI KCP Muara Sabak", bsi),
        ("mitra.csr", "CSR Migas (contoh)", csr),
        ("mitra.koperasi", "Koperasi Alumni BLK Sejahtera", koperasi),
    ] {
        let user = match users::credentials(db, username).await? {
            Some((u, _)) => u,
            None => {
                let fields = AccountFields {
                    username: Username::parse(username).map_err(|e| fail("username", e))?,
                    display_name: display.into(),
                    role: Role::Mitra,
                    links: Links {
                        partner_id: Some(partner),
                        ..Links::default()
                    },
                    phone: None,
                };
                users::create_audited(&mut tx, &fields, &demo_hash, &seeder).await?
            }
        };
        partner_users.insert(
            partner,
            Acting {
                actor: user.actor(),
                label: username.into(),
            },
        );
    }
    tx.commit().await?;

    // The programs, as the agency enters them on its program form.
    let trades = crate::db::register::trades(db).await?;
    let trade = |code: &str| {
        trades
            .iter()
            .find(|t| t.code == code)
            .map(|t| t.id.to_string())
            .unwrap_or_default()
    };
    let docs = |kinds: &[DocumentKind]| -> Vec<String> {
        kinds.iter().map(|k| k.as_str().to_owned()).collect()
    };
    use DocumentKind as D;
    let (opened_long, closes) = (day(420), day(-75));
    let none: &[String] = &[];
    let csr_kecamatan: Vec<String> = ["15.07.01", "15.07.03", "15.07.07", "15.07.08", "15.07.10"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let all_trades: Vec<String> = ["TBG", "RAC", "JHT", "TKR", "TIK", "OTO", "LIS"]
        .iter()
        .map(|c| trade(c))
        .filter(|t| !t.is_empty())
        .collect();
    let specs: Vec<Spec<'_>> = vec![
        (
            P::KurMikro,
            ProgramInput {
                name: "KUR Mikro Bank Jambi",
                kind: "loan",
                kur: true,
                description: "Kredit Usaha Rakyat (KUR) Mikro dari Bank Jambi untuk modal kerja \
                    dan investasi usaha produktif alumni BLK.\n\nAgunan pokok adalah usaha yang \
                    dibiayai. Pengajuan yang direkomendasikan Disnakertrans dirujuk ke Unit \
                    Kredit Mikro Bank Jambi Cabang Muara Sabak dan didaftarkan ke SIKP.",
                min_amount: "10000000",
                max_amount: "100000000",
                terms: "6% efektif per tahun",
                tenor_min: "12",
                tenor_max: "60",
                quota: "40",
                min_months_active: "6",
                min_orders_total: "5",
                nib_required: true,
                one_at_a_time: true,
                ..ProgramInput::default()
            },
            docs(&[D::Ktp, D::Kk, D::BusinessPhoto, D::Nib]),
            vec![],
            vec![],
        ),
        (
            P::KurSuperMikro,
            ProgramInput {
                name: "KUR Super Mikro Bank Jambi",
                kind: "loan",
                kur: true,
                description: "KUR Super Mikro untuk usaha yang baru tumbuh: tanpa agunan \
                    tambahan, angsuran bulanan.",
                min_amount: "1000000",
                max_amount: "10000000",
                terms: "6% efektif per tahun",
                tenor_min: "6",
                tenor_max: "36",
                min_orders_total: "1",
                one_at_a_time: true,
                ..ProgramInput::default()
            },
            docs(&[D::Ktp, D::BusinessPhoto]),
            vec![],
            vec![],
        ),
        (
            P::BsiSuperMikro,
            ProgramInput {
                name: "BSI KUR Super Mikro iB",
                kind: "loan",
                kur: true,
                description: "Pembiayaan KUR syariah (akad murabahah) dari BSI KCP Muara Sabak \
                    untuk usaha mikro alumni BLK.",
                min_amount: "1000000",
                max_amount: "10000000",
                terms: "Margin setara 6% per tahun (akad murabahah)",
                tenor_min: "6",
                tenor_max: "36",
                min_orders_total: "1",
                one_at_a_time: true,
                ..ProgramInput::default()
            },
            docs(&[D::Ktp, D::Kk, D::BusinessPhoto]),
            vec![],
            vec![],
        ),
        (
            P::BaznasOpen,
            ProgramInput {
                name: "Z-Mart/Bantuan Alat Usaha BAZNAS Tanjabtim 2026 Tahap II",
                kind: "equipment",
                description: "Zakat produktif berupa peralatan usaha untuk mustahik alumni BLK. \
                    Alat dibelikan BAZNAS sesuai penawaran harga dan diserahkan di tempat usaha.",
                min_amount: "2000000",
                max_amount: "15000000",
                terms: "Hibah peralatan, tidak dikembalikan; pendampingan 6 bulan",
                tenor_min: "0",
                tenor_max: "0",
                quota: "25",
                min_age: "18",
                max_age: "60",
                one_at_a_time: true,
                ..ProgramInput::default()
            },
            docs(&[D::Ktp, D::Kk, D::BusinessPhoto, D::Quotation]),
            vec![],
            vec![],
        ),
        (
            P::BaznasClosed,
            ProgramInput {
                name: "Z-Mart/Bantuan Alat Usaha BAZNAS Tanjabtim 2026 Tahap I",
                kind: "equipment",
                description: "Tahap I sudah ditutup. Lihat Tahap II.",
                min_amount: "2000000",
                max_amount: "15000000",
                terms: "Hibah peralatan, tidak dikembalikan",
                tenor_min: "0",
                tenor_max: "0",
                quota: "20",
                min_age: "18",
                max_age: "60",
                one_at_a_time: true,
                ..ProgramInput::default()
            },
            docs(&[D::Ktp, D::BusinessPhoto, D::Quotation]),
            vec![],
            vec![],
        ),
        (
            P::CsrMigas,
            ProgramInput {
                name: "CSR Migas (contoh): Bantuan Peralatan Usaha Mikro",
                kind: "equipment",
                description: "Contoh program tanggung jawab sosial perusahaan minyak dan gas \
                    bumi di wilayah kerja Tanjabtim (nama perusahaan sengaja tidak disebut). \
                    Untuk usaha di kecamatan sekitar wilayah operasi.",
                min_amount: "3000000",
                max_amount: "20000000",
                terms: "Hibah peralatan, tidak dikembalikan",
                tenor_min: "0",
                tenor_max: "0",
                quota: "15",
                one_at_a_time: true,
                ..ProgramInput::default()
            },
            docs(&[D::Ktp, D::BusinessPhoto, D::Quotation]),
            csr_kecamatan,
            vec![],
        ),
        (
            P::Tkm,
            ProgramInput {
                name: "Tenaga Kerja Mandiri (TKM) Pemula",
                kind: "grant",
                description: "Bantuan stimulan Kementerian Ketenagakerjaan untuk memulai usaha \
                    mandiri, bagi alumni pelatihan berbasis kompetensi.",
                min_amount: "5000000",
                max_amount: "15000000",
                terms: "Bantuan stimulan, tidak dikembalikan; wajib laporan penggunaan",
                tenor_min: "0",
                tenor_max: "0",
                quota: "10",
                certificate_required: true,
                one_at_a_time: true,
                ..ProgramInput::default()
            },
            docs(&[D::Ktp, D::Certificate, D::BusinessPhoto]),
            vec![],
            all_trades.clone(),
        ),
        (
            P::Koperasi,
            ProgramInput {
                name: "Dana Bergulir Koperasi Alumni BLK Sejahtera",
                kind: "revolving",
                description: "Pinjaman dana bergulir untuk anggota koperasi; angsuran kembali \
                    menjadi modal anggota berikutnya.",
                min_amount: "1000000",
                max_amount: "5000000",
                terms: "Jasa 1% per bulan (menurun)",
                tenor_min: "6",
                tenor_max: "12",
                min_orders_total: "1",
                one_at_a_time: true,
                ..ProgramInput::default()
            },
            docs(&[D::Ktp, D::Kk]),
            vec![],
            vec![],
        ),
    ];
    let mut programs: HashMap<P, (i64, i64)> = HashMap::new();
    for (p, input, documents, kecamatan, trades) in &specs {
        let partner = match p {
            P::KurMikro | P::KurSuperMikro => bank_jambi,
            P::BsiSuperMikro => bsi,
            P::BaznasOpen | P::BaznasClosed => baznas,
            P::CsrMigas => csr,
            P::Tkm => kemnaker,
            P::Koperasi => koperasi,
        }
        .to_string();
        let (opens_on, closes_on) = if *p == P::BaznasClosed {
            (day(300), day(120))
        } else {
            (opened_long.clone(), closes.clone())
        };
        let input = ProgramInput {
            partner_id: &partner,
            opens_on: &opens_on,
            closes_on: &closes_on,
            documents,
            kecamatan: if kecamatan.is_empty() {
                none
            } else {
                kecamatan
            },
            trades: if trades.is_empty() { none } else { trades },
            ..input.clone()
        };
        let at = at_wib(today - time::Duration::days(430), 9);
        let id = uc::save_program(db, &agency.who(), None, &input, at)
            .await
            .map_err(|e| fail(input.name, e))?;
        programs.insert(*p, (id, partner.parse().unwrap_or_default()));
    }

    // The applications.
    let capital = Capital { db, key, reach };
    let mut files = Files {
        ktp: card_png([120, 170, 215]),
        kk: card_png([200, 215, 235]),
        photos: HashMap::new(),
    };
    let mut accounts: HashMap<i64, Acting> = HashMap::new();
    if let Some((alumnus, user)) = siti
        && let Some((u, _)) = users::credentials(db, "alumni").await?
        && u.id == user
    {
        accounts.insert(
            alumnus,
            Acting {
                actor: u.actor(),
                label: "alumni".into(),
            },
        );
    }
    let names = uc::names(db).await.map_err(|e| fail("names", e))?;
    let mut used: HashMap<i64, usize> = HashMap::new();
    let mut made = 0usize;
    for (n, script) in scripts().into_iter().enumerate() {
        let (program_id, partner_id) = programs[&script.program];
        let program = store::program(db, program_id).await?;
        // Mornings and early afternoons, WIB.
        let start =
            at_wib(today - time::Duration::days(script.days_ago), 8) + (n as i64 % 5) * HOUR;
        let submit_at = start + 2 * HOUR;
        // Who applies: Siti where the script says so, else the least-used candidate who meets
        // the program's rules on the day she submits.
        let applicant = if script.siti {
            siti.map(|(a, _)| (a, "TBG"))
                .ok_or_else(|| fail("no demo alumna", ()))?
        } else {
            let mut order: Vec<&Candidate> = candidates.iter().collect();
            order.sort_by_key(|c| (used.get(&c.alumnus_id).copied().unwrap_or(0), c.alumnus_id));
            let mut chosen = None;
            for c in order {
                let record = uc::record(db, c.alumnus_id, submit_at)
                    .await
                    .map_err(|e| fail("record", e))?;
                let verdict = uc::verdict(db, &names, &program, &record, None)
                    .await
                    .map_err(|e| fail("verdict", e))?;
                if verdict.eligible() {
                    chosen = Some((c.alumnus_id, c.trade_code));
                    break;
                }
            }
            chosen.ok_or_else(|| fail("no eligible demo alumna for", &program.name))?
        };
        *used.entry(applicant.0).or_default() += 1;
        if !accounts.contains_key(&applicant.0) {
            let c = candidates
                .iter()
                .find(|c| c.alumnus_id == applicant.0)
                .ok_or_else(|| fail("candidate", applicant.0))?;
            // `nama.keluarga`, numbered when two share the name.
            let base: String = c
                .full_name
                .to_lowercase()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(".")
                .chars()
                .filter(|ch| ch.is_ascii_lowercase() || *ch == '.')
                .take(28)
                .collect();
            let mut username = base.clone();
            let mut n = 1;
            while users::credentials(db, &username).await?.is_some() {
                n += 1;
                username = format!("{base}{n}");
            }
            let fields = AccountFields {
                username: Username::parse(&username).map_err(|e| fail("username", e))?,
                display_name: c.full_name.clone(),
                role: Role::Alumni,
                links: Links {
                    alumnus_id: Some(c.alumnus_id),
                    ..Links::default()
                },
                phone: None,
            };
            let mut tx = db.begin().await?;
            let user = users::create_audited(&mut tx, &fields, &demo_hash, &seeder).await?;
            tx.commit().await?;
            accounts.insert(
                c.alumnus_id,
                Acting {
                    actor: user.actor(),
                    label: username,
                },
            );
        }
        let alumna = &accounts[&applicant.0];
        let partner = partner_users.get(&partner_id);
        run(
            &capital,
            &script,
            &program,
            applicant.1,
            alumna,
            &agency,
            partner,
            start,
            now,
            &mut files,
        )
        .await?;
        made += 1;
    }
    // The hourly reminder job has already run on the demo day: partners are reminded of
    // referrals waiting past the decision days, and nothing is left for the job to write when
    // the server starts.
    capital
        .remind_and_expire(now)
        .await
        .map_err(|e| fail("reminders", e))?;
    // The agency's staff have read the news of the past months.
    for staff in ["admin", "staf.blk"] {
        if let Some((u, _)) = users::credentials(db, staff).await? {
            crate::db::notifications::mark_all_read(db, u.id).await?;
        }
    }
    tracing::info!(
        programs = programs.len(),
        applications = made,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo: capital programs and applications"
    );
    Ok(made)
}

/// The application as `actor` sees it now (each step needs the current version).
async fn reopen(capital: &Capital<'_>, actor: &Actor, id: i64) -> DbResult<uc::Opened> {
    capital.open(actor, id).await.map_err(|e| fail("open", e))
}

/// Plays one script through the use cases.
#[allow(clippy::too_many_arguments)]
async fn run(
    capital: &Capital<'_>,
    script: &Script,
    program: &store::Program,
    trade: &'static str,
    alumna: &Acting,
    agency: &Acting,
    partner: Option<&Acting>,
    start: i64,
    now: i64,
    files: &mut Files,
) -> DbResult<()> {
    let end = script.end;
    // The plan: the largest of her trade's plans that fits the program.
    let plan = plans(trade)
        .into_iter()
        .rev()
        .find(|items| {
            let total: i64 = items.iter().map(|(_, p)| p).sum();
            (program.min_amount..=program.max_amount).contains(&total)
        })
        .unwrap_or(plans(trade)[0]);
    let amount: i64 = plan.iter().map(|(_, p)| p).sum();
    let items: Vec<String> = plan.iter().map(|(i, _)| (*i).to_owned()).collect();
    let prices: Vec<String> = plan.iter().map(|(_, p)| p.to_string()).collect();
    let tenor = if program.tenor_max == 0 {
        String::new()
    } else {
        program.tenor_min.max(12).min(program.tenor_max).to_string()
    };
    let purpose = if program.kind.repaid() && plan.len() == 2 {
        "working_capital"
    } else {
        "equipment"
    };
    let marital = ["kawin", "belum_kawin", "kawin", "cerai_mati"][(start / HOUR % 4) as usize];
    let capital_now = (amount / 2 / 100_000 * 100_000).max(500_000).to_string();
    let workers = if amount > 10_000_000 { "2" } else { "1" };
    let input = RequestInput {
        purpose,
        marital_status: marital,
        business_capital: &capital_now,
        workers,
        kbli: kbli(trade),
        amount: &amount.to_string(),
        tenor: &tenor,
        items: &items,
        prices: &prices,
    };
    let me = alumna.who();
    let id = capital
        .start(&alumna.actor, &me, program.id, &input, start)
        .await
        .map_err(|e| fail("start", e))?;
    let mut t = start + 20 * 60;
    // Documents: all of them, except that a draft still lacks the last one.
    let wanted: Vec<DocumentKind> = match end {
        End::Draft | End::Expired => program
            .documents
            .iter()
            .copied()
            .take(program.documents.len().saturating_sub(1))
            .collect(),
        _ => program.documents.clone(),
    };
    for kind in wanted {
        let (name, bytes) = files.bytes(kind, trade);
        let opened = reopen(capital, &alumna.actor, id).await?;
        capital
            .upload(&opened, &me, kind, &name, &bytes, t)
            .await
            .map_err(|e| fail("upload", e))?;
        t += 5 * 60;
    }
    if end == End::Expired {
        // Left alone past the expiry: the hourly job expires it.
        let timeouts = uc::settings(capital.db)
            .await
            .map_err(|e| fail("settings", e))?
            .timeouts;
        capital
            .remind_and_expire(start + (timeouts.draft_days + 1) * DAY)
            .await
            .map_err(|e| fail("expire", e))?;
        return Ok(());
    }
    if end == End::Draft {
        return Ok(());
    }
    let submitted = start + 2 * HOUR;
    let opened = reopen(capital, &alumna.actor, id).await?;
    capital
        .submit(&opened, &me, submitted)
        .await
        .map_err(|e| fail("submit", e))?;
    let step = |actor: &'static str, action: Action, note: &'static str, at: i64| {
        (actor, action, note, at)
    };
    // The agency's and the alumna's steps, days apart.
    let mut steps = Vec::new();
    let reviewed = office_hours(submitted + 2 * DAY + 3 * HOUR);
    let decided = office_hours(reviewed + 3 * DAY);
    let referred = office_hours(decided + DAY + 2 * HOUR);
    let consented = office_hours(referred + DAY + 5 * HOUR);
    match end {
        End::Submitted => {}
        End::Withdrawn => steps.push(step(
            "alumna",
            Action::Withdraw,
            "Sudah mendapat modal dari keluarga.",
            submitted + 3 * DAY,
        )),
        _ => steps.push(step("agency", Action::Review, "", reviewed)),
    }
    match end {
        End::Returned => steps.push(step(
            "agency",
            Action::Return,
            "Foto tempat usaha belum jelas; unggah ulang foto yang memperlihatkan tempat dan alat usaha.",
            decided,
        )),
        End::Rejected => steps.push(step(
            "agency",
            Action::Reject,
            "Penawaran harga alat tidak dapat diverifikasi; lengkapi penawaran resmi dari toko lalu ajukan kembali.",
            decided,
        )),
        End::Submitted | End::InReview | End::Withdrawn => {}
        _ => steps.push(step("agency", Action::Recommend, "", decided)),
    }
    if !matches!(
        end,
        End::Submitted
            | End::InReview
            | End::Returned
            | End::Rejected
            | End::Recommended
            | End::Withdrawn
    ) {
        steps.push(step("agency", Action::Refer, "", referred));
    }
    for (who, action, note, at) in steps {
        let acting = if who == "agency" { agency } else { alumna };
        let opened = reopen(capital, &acting.actor, id).await?;
        capital
            .step(&opened, &acting.who(), action, note, at)
            .await
            .map_err(|e| fail(action.slug(), e))?;
    }
    if matches!(
        end,
        End::Submitted | End::InReview | End::Returned | End::Rejected
    ) || matches!(end, End::Recommended | End::Withdrawn | End::Referred)
    {
        return Ok(());
    }
    let opened = reopen(capital, &alumna.actor, id).await?;
    capital
        .consent(&opened, &me, consented)
        .await
        .map_err(|e| fail("consent", e))?;
    if end == End::Revoked {
        let opened = reopen(capital, &alumna.actor, id).await?;
        capital
            .revoke_consent(&opened, &me, consented + 2 * DAY)
            .await
            .map_err(|e| fail("revoke", e))?;
        return Ok(());
    }
    if end == End::Consented {
        return Ok(());
    }
    let partner = partner.ok_or_else(|| fail("no partner account for", &program.partner))?;
    let bank = partner.who();
    let decision = office_hours(consented + 6 * DAY + 2 * HOUR);
    if end == End::Declined {
        let opened = reopen(capital, &partner.actor, id).await?;
        capital
            .step(
                &opened,
                &bank,
                Action::Decline,
                "Kapasitas angsuran belum mencukupi menurut hasil survei usaha; dapat mengajukan \
                 kembali setelah 6 bulan.",
                decision,
            )
            .await
            .map_err(|e| fail("decline", e))?;
        return Ok(());
    }
    let opened = reopen(capital, &partner.actor, id).await?;
    let approved = (amount / 1_000_000 * 1_000_000).max(program.min_amount);
    capital
        .approve(
            &opened,
            &bank,
            &ApprovalInput {
                amount: &approved.to_string(),
                tenor: &tenor,
                rate: &program.terms,
            },
            decision,
        )
        .await
        .map_err(|e| fail("approve", e))?;
    if end == End::Approved {
        return Ok(());
    }
    let disbursed_at = office_hours(decision + 5 * DAY);
    let disbursed_on = wib_date(disbursed_at);
    let opened = reopen(capital, &partner.actor, id).await?;
    capital
        .disburse(
            &opened,
            &bank,
            &DisbursementInput {
                date: &to_iso(disbursed_on),
                amount: &approved.to_string(),
            },
            disbursed_at,
        )
        .await
        .map_err(|e| fail("disburse", e))?;
    let (reports, late, closes) = match end {
        End::Disbursed { reports, late } => (reports, late, false),
        End::Closed { months } => (months, None, true),
        _ => (0, None, false),
    };
    for k in 1..=reports {
        let month = month_start(disbursed_on, k as i32 - 1);
        let at = at_wib(
            month_start(disbursed_on, k as i32) + time::Duration::days(4),
            10,
        );
        if at >= now {
            break;
        }
        let status = if closes && k == reports {
            "closed"
        } else if late == Some(k) {
            "late"
        } else {
            "on_track"
        };
        let note = match status {
            "late" => "Angsuran dibayar terlambat 9 hari; sudah ditagih petugas.",
            "closed" => "Pinjaman lunas.",
            _ => "",
        };
        let opened = reopen(capital, &partner.actor, id).await?;
        capital
            .report_repayment(
                &opened,
                &bank,
                &RepaymentInput {
                    period: &period(month),
                    status,
                    note,
                },
                at,
            )
            .await
            .map_err(|e| fail("repayment", e))?;
    }
    Ok(())
}
