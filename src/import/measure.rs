//! Generated alumni workbooks for measuring the importer (`benches/import_50k.sh`) and for
//! seeding the fuzz corpora (`fuzz/`).
//!
//! The workbook looks like the agency's files at scale: one sheet per year 2017–2026, a merged
//! title row ("DAFTAR ALUMNI BLK TANJABTIM TAHUN 2019") and a blank row above the header, four
//! header variants (abbreviated, upper case, "Tempat/Tgl Lahir" in one column…), NIKs typed as
//! text (some with spaces or a leading apostrophe), dates as date cells and as text in the
//! listed formats, phone numbers in every style (as numbers that lost their 0, `+62`, dashes),
//! kecamatan and desa of Tanjung Jabung Timur written as staff write them ("Kec. …", upper
//! case, "Muara Sabak Tim.", initials), the trades and programs of the demo register with
//! batches 1–3, people who return for a second program (same NIK on another sheet), blank rows
//! between blocks and a repeated header row — and about 1% bad rows: a NIK typed as a number
//! that lost its last digit, a 15-digit NIK, an impossible birth date, an unreadable gender, a
//! row without a name (all rejected), a phone number that is not a mobile number and an unknown
//! kecamatan (imported with a warning).
//!
//! Nothing here runs in an ordinary `cargo test`, except a small self-check of the generator:
//!
//! ```sh
//! KARYA_MEASURE=1 KARYA_MEASURE_OUT=/tmp/alumni-50k.xlsx cargo test --release --lib import::measure
//! KARYA_MEASURE=1 KARYA_MEASURE_OUT=/tmp/a.xlsx KARYA_MEASURE_ROWS=5000 cargo test --lib import::measure
//! KARYA_FUZZ_SEEDS=fuzz/seeds cargo test --lib import::measure
//! ```

use std::collections::HashSet;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rust_xlsxwriter::{Format as XFormat, Workbook as XWorkbook};

use crate::domain::region::{Region, RegionLevel, embedded_children};

/// The trades and programs of the demo register (`crate::demo`).
// The demo district's people, so generated files look like the demo register.
use crate::demo::{BIRTH_PLACES, EDUCATION, FAMILY, MEN, WOMEN};

const TRADES: &[(&str, &str)] = &[
    ("Tata Boga", "Pembuatan Roti dan Kue"),
    ("Teknik Pendingin dan Tata Udara", "Perawatan AC Split"),
    ("Menjahit", "Menjahit / Asisten Pembuat Pakaian"),
    ("Tata Kecantikan", "Tata Kecantikan Rambut"),
    ("Teknologi Informasi dan Komunikasi", "Operasi Komputer"),
    ("Otomotif Sepeda Motor", "Service Sepeda Motor"),
    ("Instalasi Listrik", "Pemasangan Instalasi Listrik"),
];

const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// What a column holds.
#[derive(Clone, Copy, PartialEq)]
enum Col {
    No,
    Nik,
    Name,
    Gender,
    Place,
    Date,
    PlaceDate,
    Phone,
    Address,
    Desa,
    Kecamatan,
    Education,
    Trade,
    Program,
    Batch,
    Year,
    Result,
    Competency,
    CertNumber,
    CertIssuer,
    CertDate,
    Placement,
    Remark,
}

/// Four header layouts, as different staff typed them over the years.
fn layout(variant: usize) -> &'static [(&'static str, Col)] {
    use Col::*;
    const A: &[(&str, Col)] = &[
        ("No", No),
        ("Nama", Name),
        ("NIK", Nik),
        ("L/P", Gender),
        ("Tempat Lahir", Place),
        ("Tgl Lahir", Date),
        ("No. HP/WA", Phone),
        ("Alamat", Address),
        ("Desa/Kelurahan", Desa),
        ("Kecamatan", Kecamatan),
        ("Pendidikan Terakhir", Education),
        ("Kejuruan", Trade),
        ("Program Pelatihan", Program),
        ("Angkatan", Batch),
        ("Tahun", Year),
        ("Hasil", Result),
        ("Kompetensi", Competency),
        ("No. Sertifikat", CertNumber),
        ("Lembaga Sertifikasi", CertIssuer),
        ("Tgl Sertifikat", CertDate),
        ("Penempatan", Placement),
    ];
    const B: &[(&str, Col)] = &[
        ("NO", No),
        ("NIK", Nik),
        ("NAMA LENGKAP", Name),
        ("JENIS KELAMIN", Gender),
        ("TEMPAT/TGL LAHIR", PlaceDate),
        ("HP/WA", Phone),
        ("ALAMAT", Address),
        ("KECAMATAN", Kecamatan),
        ("KEJURUAN", Trade),
        ("PROGRAM PELATIHAN", Program),
        ("ANGKATAN", Batch),
        ("TAHUN", Year),
        ("KETERANGAN", Remark),
    ];
    const C: &[(&str, Col)] = &[
        ("No.", No),
        ("Nama Peserta", Name),
        ("Jenis Kelamin", Gender),
        ("Tempat Lahir", Place),
        ("Tanggal Lahir", Date),
        ("N I K", Nik),
        ("Nomor Telepon", Phone),
        ("Desa", Desa),
        ("Kec.", Kecamatan),
        ("Pendidikan", Education),
        ("Kejuruan", Trade),
        ("Angkatan", Batch),
        ("Tahun", Year),
        ("Lulus/Tidak", Result),
        ("Penempatan", Placement),
    ];
    const D: &[(&str, Col)] = &[
        ("no", No),
        ("nik", Nik),
        ("nama", Name),
        ("l/p", Gender),
        ("tempat, tanggal lahir", PlaceDate),
        ("no hp", Phone),
        ("kecamatan", Kecamatan),
        ("kelurahan/desa", Desa),
        ("program pelatihan", Program),
        ("kejuruan", Trade),
        ("tahun", Year),
        ("angkatan", Batch),
        ("kompetensi", Competency),
        ("nomor sertifikat", CertNumber),
        ("tanggal sertifikat", CertDate),
    ];
    [A, B, C, D][variant % 4]
}

/// One cell to write.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Empty,
    Text(String),
    Number(f64),
    /// An Excel date serial, written with a date format.
    Date(f64),
}

impl Value {
    /// As a CSV export writes it.
    fn csv_text(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(t) => t.clone(),
            Value::Number(n) => format!("{n}"),
            Value::Date(serial) => crate::domain::dates::from_excel_serial(*serial)
                .map(|d| format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year()))
                .unwrap_or_default(),
        }
    }
}

pub(crate) struct GenSheet {
    pub name: String,
    pub title: String,
    /// Rows from the header on (the title row and the blank row under it are not included).
    pub rows: Vec<Vec<Value>>,
}

/// What the importer should make of a generated workbook (against the demo register with no
/// alumni of these NIKs).
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(crate) struct Expected {
    pub data_rows: usize,
    pub rejected: usize,
    /// Rows that are a second training of a person who appears earlier in the file.
    pub returning: usize,
}

struct Person {
    nik: String,
    name: String,
    woman: bool,
    birth: time::Date,
    place: &'static str,
    phone: String,
    address: String,
    kecamatan: usize,
    desa: Option<usize>,
    education: &'static str,
}

struct Places {
    kecamatan: Vec<Region>,
    desa: Vec<Vec<Region>>,
}

fn places() -> Places {
    let kecamatan = embedded_children("15.07");
    let desa = kecamatan
        .iter()
        .map(|k| {
            embedded_children(&k.code)
                .into_iter()
                .filter(|r| matches!(r.level, RegionLevel::Desa | RegionLevel::Kelurahan))
                .collect()
        })
        .collect();
    Places { kecamatan, desa }
}

fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

fn serial(d: time::Date) -> f64 {
    // Excel's 1900 system: serial 61 is 1900-03-01 (day 60 is the fictitious 29 Feb 1900).
    let epoch = time::macros::date!(1899 - 12 - 30);
    (d - epoch).whole_days() as f64
}

/// A kecamatan name as staff write it.
fn kecamatan_as_typed(rng: &mut StdRng, name: &str) -> String {
    match rng.random_range(0..20) {
        0..=9 => name.to_owned(),
        10..=13 => format!("Kec. {name}"),
        14..=16 => name.to_uppercase(),
        17 => format!("KECAMATAN {}", name.to_uppercase()),
        18 => name.replace("Timur", "Tim.").replace("Barat", "Bar."),
        _ => {
            let words: Vec<&str> = name.split_whitespace().collect();
            if words.len() >= 3 {
                words.iter().filter_map(|w| w.chars().next()).collect()
            } else {
                name.to_lowercase()
            }
        }
    }
}

fn date_as_typed(rng: &mut StdRng, d: time::Date) -> Value {
    let (day, month, year) = (d.day(), u8::from(d.month()), d.year());
    match rng.random_range(0..20) {
        0..=7 => Value::Date(serial(d)),
        8..=12 => Value::Text(format!("{day:02}-{month:02}-{year}")),
        13..=14 => Value::Text(format!("{day:02}/{month:02}/{year}")),
        15..=16 => Value::Text(format!("{day} {} {year}", MONTHS[usize::from(month) - 1])),
        17 => Value::Text(format!("{year}-{month:02}-{day:02}")),
        18 => Value::Text(format!(
            "{day} {} {:02}",
            &MONTHS[usize::from(month) - 1][..3],
            year % 100
        )),
        _ => Value::Text(format!("{day:02}.{month:02}.{year}")),
    }
}

fn phone_as_typed(rng: &mut StdRng, digits: &str) -> Value {
    // `digits` is the national number without the leading 0: 812…
    match rng.random_range(0..20) {
        0..=8 => Value::Text(format!("0{digits}")),
        9..=12 => Value::Number(digits.parse().unwrap_or(0.0)),
        13..=14 => Value::Text(format!(
            "0{}-{}-{}",
            &digits[..3],
            &digits[3..7],
            &digits[7..]
        )),
        15..=16 => Value::Text(format!(
            "+62 {} {} {}",
            &digits[..3],
            &digits[3..7],
            &digits[7..]
        )),
        17 => Value::Text(format!("62{digits}")),
        _ => Value::Empty,
    }
}

fn nik_as_typed(rng: &mut StdRng, nik: &str) -> Value {
    match rng.random_range(0..20) {
        0..=15 => Value::Text(nik.to_owned()),
        16..=17 => Value::Text(format!(
            "{} {} {} {}",
            &nik[..4],
            &nik[4..8],
            &nik[8..12],
            &nik[12..]
        )),
        _ => Value::Text(format!("'{nik}")),
    }
}

/// Builds the sheets of a workbook with `total` data rows (people's rows, not counting titles,
/// headers, blank rows or a repeated header).
pub(crate) fn generate(total: usize, seed: u64) -> (Vec<GenSheet>, Expected) {
    let mut rng = StdRng::seed_from_u64(seed);
    let places = places();
    let mut people: Vec<Person> = Vec::new();
    let mut niks: HashSet<String> = HashSet::new();
    let mut expected = Expected {
        data_rows: total,
        ..Expected::default()
    };
    let years: Vec<i32> = (2017..=2026).collect();
    let per_sheet = total.div_ceil(years.len());
    let mut sheets = Vec::new();
    let mut written = 0usize;

    for (s, &year) in years.iter().enumerate() {
        let cols = layout(s);
        let mut rows: Vec<Vec<Value>> = vec![
            cols.iter()
                .map(|(h, _)| Value::Text((*h).to_owned()))
                .collect(),
        ];
        let in_sheet = per_sheet.min(total - written);
        // The people of earlier sheets who come back this year for another program (once a
        // sheet each, so that no one has two rows of the same batch with different results:
        // a file contradicting itself cannot be imported twice without changes).
        let earlier_people = people.len();
        let mut returned_this_sheet: HashSet<usize> = HashSet::new();
        for n in 0..in_sheet {
            // Blocks of a few hundred rows separated by a blank row, and the header repeated
            // once in the middle of the sheet (a file printed page by page).
            if n > 0 && n % 400 == 0 {
                rows.push(Vec::new());
            }
            if n == in_sheet / 2 && in_sheet >= 20 {
                rows.push(
                    cols.iter()
                        .map(|(h, _)| Value::Text((*h).to_owned()))
                        .collect(),
                );
            }
            let returning = earlier_people > 0 && rng.random_range(0..20) == 0;
            let person = if returning {
                let i = rng.random_range(0..earlier_people);
                if returned_this_sheet.insert(i) {
                    expected.returning += 1;
                    Some(i)
                } else {
                    None
                }
            } else {
                None
            };
            let person = match person {
                Some(i) => i,
                None => {
                    let woman = rng.random_range(0..2) == 0;
                    let first = pick(&mut rng, if woman { WOMEN } else { MEN });
                    let name = format!("{first} {}", pick(&mut rng, FAMILY));
                    let kecamatan = rng.random_range(0..places.kecamatan.len());
                    let mut birth;
                    let mut nik;
                    loop {
                        birth = time::Date::from_calendar_date(
                            rng.random_range(1975..=2006),
                            time::Month::try_from(rng.random_range(1..=12u8))
                                .unwrap_or(time::Month::May),
                            rng.random_range(1..=28u8),
                        )
                        .unwrap_or(time::macros::date!(1998 - 05 - 12));
                        // Kecamatan code, DDMMYY (+40 for women), and a number from 5000 on
                        // (the demo's own alumni use low numbers).
                        nik = format!(
                            "{}{:02}{:02}{:02}{:04}",
                            places.kecamatan[kecamatan].code.replace('.', ""),
                            birth.day() + if woman { 40 } else { 0 },
                            u8::from(birth.month()),
                            birth.year() % 100,
                            rng.random_range(5000..10000)
                        );
                        if niks.insert(nik.clone()) {
                            break;
                        }
                    }
                    let desa_list = &places.desa[kecamatan];
                    let desa = (!desa_list.is_empty() && rng.random_range(0..10) < 7)
                        .then(|| rng.random_range(0..desa_list.len()));
                    people.push(Person {
                        nik,
                        name,
                        woman,
                        birth,
                        place: pick(&mut rng, BIRTH_PLACES),
                        phone: format!(
                            "8{}{:08}",
                            pick(&mut rng, &["12", "13", "21", "22", "52", "53", "77", "78"]),
                            rng.random_range(0..100_000_000u32)
                        ),
                        address: format!(
                            "RT {:02} {}",
                            rng.random_range(1..=20),
                            pick(
                                &mut rng,
                                &[
                                    "Jl. Pelabuhan",
                                    "Jl. Lintas Timur",
                                    "Parit 5",
                                    "Lorong Damai",
                                    ""
                                ]
                            )
                        )
                        .trim()
                        .to_owned(),
                        kecamatan,
                        desa,
                        education: pick(&mut rng, EDUCATION),
                    });
                    people.len() - 1
                }
            };
            let p = &people[person];
            let (trade, program) = pick(&mut rng, TRADES);
            let batch = rng.random_range(1..=3u32);
            let passed = rng.random_range(0..100) < 92;
            let competent = passed && rng.random_range(0..100) < 85;
            let cert_date = time::Date::from_calendar_date(
                year,
                time::Month::try_from(rng.random_range(4..=12u8)).unwrap_or(time::Month::June),
                rng.random_range(1..=28u8),
            )
            .unwrap_or(time::macros::date!(2020 - 06 - 01));

            // About one row in a hundred is bad; a returning person's rows stay good so that
            // their personal data agrees with their first row.
            let bad = if returning {
                0
            } else {
                match rng.random_range(0..1000) {
                    0..=2 => 1,   // NIK typed as a number: the last digit is lost
                    3..=4 => 2,   // 15-digit NIK
                    5..=6 => 3,   // impossible birth date
                    7 => 4,       // unreadable gender
                    8 => 5,       // no name
                    9..=11 => 6,  // not a mobile number (warning)
                    12..=13 => 7, // unknown kecamatan (warning)
                    _ => 0,
                }
            };
            let kec_name = &places.kecamatan[p.kecamatan].name;
            let mut row = Vec::with_capacity(cols.len());
            for (_, col) in cols {
                let v = match col {
                    Col::No => Value::Number((n + 1) as f64),
                    Col::Nik => match bad {
                        1 => {
                            let mut d = p.nik.clone();
                            d.replace_range(15.., "0");
                            Value::Number(d.parse().unwrap_or(0.0))
                        }
                        2 => Value::Text(p.nik[..15].to_owned()),
                        _ => nik_as_typed(&mut rng, &p.nik),
                    },
                    Col::Name => {
                        if bad == 5 {
                            Value::Empty
                        } else if rng.random_range(0..10) == 0 {
                            Value::Text(p.name.to_uppercase())
                        } else {
                            Value::Text(p.name.clone())
                        }
                    }
                    Col::Gender => Value::Text(
                        match (bad == 4, p.woman, s % 2) {
                            (true, _, _) => "X",
                            (_, true, 0) => "P",
                            (_, false, 0) => "L",
                            (_, true, _) => "Perempuan",
                            (_, false, _) => "Laki-laki",
                        }
                        .to_owned(),
                    ),
                    Col::Place => Value::Text(p.place.to_owned()),
                    Col::Date => {
                        if bad == 3 {
                            Value::Text(format!("31-02-{}", p.birth.year()))
                        } else {
                            date_as_typed(&mut rng, p.birth)
                        }
                    }
                    Col::PlaceDate => {
                        let d = p.birth;
                        let date = if bad == 3 {
                            format!("31-02-{}", d.year())
                        } else if rng.random_range(0..2) == 0 {
                            format!("{:02}-{:02}-{}", d.day(), u8::from(d.month()), d.year())
                        } else {
                            format!(
                                "{} {} {}",
                                d.day(),
                                MONTHS[usize::from(u8::from(d.month())) - 1],
                                d.year()
                            )
                        };
                        Value::Text(format!("{}, {date}", p.place))
                    }
                    Col::Phone => {
                        if bad == 6 {
                            Value::Text("0741-21234".into())
                        } else {
                            phone_as_typed(&mut rng, &p.phone)
                        }
                    }
                    Col::Address => Value::Text(p.address.clone()),
                    Col::Desa => match p.desa {
                        Some(d) => {
                            let name = &places.desa[p.kecamatan][d].name;
                            Value::Text(if rng.random_range(0..4) == 0 {
                                name.to_uppercase()
                            } else {
                                name.clone()
                            })
                        }
                        None => Value::Empty,
                    },
                    Col::Kecamatan => {
                        if bad == 7 {
                            Value::Text("Kec. Tungkal Ilir".into())
                        } else {
                            Value::Text(kecamatan_as_typed(&mut rng, kec_name))
                        }
                    }
                    Col::Education => Value::Text(p.education.to_owned()),
                    Col::Trade => Value::Text(trade.to_owned()),
                    Col::Program => Value::Text(program.to_owned()),
                    Col::Batch => match rng.random_range(0..4) {
                        0 => Value::Number(f64::from(batch)),
                        1 => Value::Text(["I", "II", "III"][batch as usize - 1].to_owned()),
                        2 => Value::Text(format!("Angkatan {batch}")),
                        _ => Value::Text(batch.to_string()),
                    },
                    Col::Year => {
                        if rng.random_range(0..2) == 0 {
                            Value::Number(f64::from(year))
                        } else {
                            Value::Text(year.to_string())
                        }
                    }
                    Col::Result => {
                        Value::Text(if passed { "Lulus" } else { "Tidak Lulus" }.to_owned())
                    }
                    Col::Competency => match (passed, competent) {
                        (false, _) => Value::Empty,
                        (true, true) => Value::Text("Kompeten".into()),
                        (true, false) => Value::Text("Belum Kompeten".into()),
                    },
                    Col::CertNumber => {
                        if competent {
                            Value::Text(format!("BLK.{year}.{batch:02}.{:05}", written + n))
                        } else {
                            Value::Empty
                        }
                    }
                    Col::CertIssuer => {
                        if competent {
                            Value::Text("LSP P1 UPTD BLK Tanjung Jabung Timur".into())
                        } else {
                            Value::Empty
                        }
                    }
                    Col::CertDate => {
                        if competent {
                            date_as_typed(&mut rng, cert_date)
                        } else {
                            Value::Empty
                        }
                    }
                    Col::Placement => Value::Text(
                        if passed {
                            pick(&mut rng, &["Mandiri", "Industri", "Belum"])
                        } else {
                            "Belum"
                        }
                        .to_owned(),
                    ),
                    Col::Remark => {
                        if rng.random_range(0..10) == 0 {
                            Value::Text("pindah alamat".into())
                        } else {
                            Value::Empty
                        }
                    }
                };
                row.push(v);
            }
            rows.push(row);
            // A rejected row's person is not one a later row may return as.
            if matches!(bad, 1..=5) {
                expected.rejected += 1;
                people.pop();
            }
        }
        written += in_sheet;
        sheets.push(GenSheet {
            name: year.to_string(),
            title: format!("DAFTAR ALUMNI BLK TANJABTIM TAHUN {year}"),
            rows,
        });
        if written == total {
            break;
        }
    }
    (sheets, expected)
}

/// The sheets as district offices keep one sheet per year: no Tahun column (on every header
/// row, the repeated ones too), the year only in the sheet's name and in its title row
/// ("DAFTAR ALUMNI PELATIHAN BLK TANJABTIM TAHUN 2019"). `KARYA_MEASURE_YEARLESS=1` writes the
/// measurement workbook this way.
pub(crate) fn without_year_column(sheets: &mut [GenSheet]) {
    for s in sheets {
        let is_year =
            |v: &Value| matches!(v, Value::Text(t) if crate::domain::text::fold(t) == "tahun");
        if let Some(col) = s.rows.first().and_then(|h| h.iter().position(is_year)) {
            for row in &mut s.rows {
                if col < row.len() {
                    row.remove(col);
                }
            }
        }
        s.title = format!("DAFTAR ALUMNI PELATIHAN BLK TANJABTIM TAHUN {}", s.name);
    }
}

/// The sheets as an `.xlsx` file: a merged, bold title row, a blank row, then the rows.
pub(crate) fn to_xlsx(sheets: &[GenSheet]) -> Vec<u8> {
    let mut book = XWorkbook::new();
    let bold = XFormat::new().set_bold();
    let date = XFormat::new().set_num_format("dd/mm/yyyy");
    for s in sheets {
        let ws = book.add_worksheet();
        ws.set_name(&s.name).expect("sheet name");
        let width = s.rows.first().map_or(1, Vec::len).max(2) as u16;
        ws.merge_range(0, 0, 0, width - 1, &s.title, &bold)
            .expect("title");
        for (r, row) in s.rows.iter().enumerate() {
            let r = r as u32 + 2;
            for (c, v) in row.iter().enumerate() {
                let c = c as u16;
                match v {
                    Value::Empty => continue,
                    Value::Text(t) if r == 2 => ws.write_string_with_format(r, c, t, &bold),
                    Value::Text(t) => ws.write_string(r, c, t),
                    Value::Number(n) => ws.write_number(r, c, *n),
                    Value::Date(d) => ws.write_number_with_format(r, c, *d, &date),
                }
                .expect("cell");
            }
        }
    }
    book.save_to_buffer().expect("xlsx")
}

/// One sheet as CSV text (title row included), quoted where needed.
pub(crate) fn to_csv(sheet: &GenSheet, delimiter: char) -> String {
    let mut out = format!("{}\n\n", sheet.title);
    for row in &sheet.rows {
        let fields: Vec<String> = row
            .iter()
            .map(|v| {
                let t = v.csv_text();
                if t.contains([delimiter, '"', '\n']) {
                    format!("\"{}\"", t.replace('"', "\"\""))
                } else {
                    t
                }
            })
            .collect();
        out.push_str(&fields.join(&delimiter.to_string()));
        out.push_str("\r\n");
    }
    out
}

/// The sheets in the text form of the fuzz targets' grids (`fuzz/src/lib.rs`).
fn to_grid_text(sheets: &[GenSheet]) -> String {
    sheets
        .iter()
        .map(|s| {
            let mut text = format!("{}\n\n", s.title);
            for row in &s.rows {
                let cells: Vec<String> = row
                    .iter()
                    .map(|v| match v {
                        Value::Empty => String::new(),
                        Value::Text(t) => t.replace(['|', '\t', '\n'], " "),
                        Value::Number(n) => format!("#{n}"),
                        Value::Date(d) => format!("@{d}"),
                    })
                    .collect();
                text.push_str(&cells.join("|"));
                text.push('\n');
            }
            text
        })
        .collect::<Vec<_>>()
        .join("\x0c")
}

/// `KARYA_MEASURE=1 KARYA_MEASURE_OUT=FILE`: writes the measurement workbook (50,000 data rows,
/// or `KARYA_MEASURE_ROWS`) to FILE, and prints the counts the importer should report.
#[test]
fn write_measurement_workbook() {
    if std::env::var_os("KARYA_MEASURE").is_none() {
        return;
    }
    let out = std::env::var_os("KARYA_MEASURE_OUT")
        .expect("KARYA_MEASURE_OUT: where to write the workbook");
    let rows = std::env::var("KARYA_MEASURE_ROWS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(50_000);
    let started = std::time::Instant::now();
    let (mut sheets, expected) = generate(rows, 2017);
    if std::env::var_os("KARYA_MEASURE_YEARLESS").is_some() {
        without_year_column(&mut sheets);
    }
    let bytes = to_xlsx(&sheets);
    std::fs::write(&out, &bytes).expect("write the workbook");
    println!(
        "measure: wrote {} ({} bytes, {} sheets) in {:.1?}: {} data rows, {} rejected expected, {} rows of returning people",
        std::path::Path::new(&out).display(),
        bytes.len(),
        sheets.len(),
        started.elapsed(),
        expected.data_rows,
        expected.rejected,
        expected.returning
    );
}

/// `KARYA_FUZZ_SEEDS=DIR`: writes small seed files for the fuzz targets into
/// DIR/{read_workbook,read_csv,plan,field_parsers}.
#[test]
fn write_fuzz_seeds() {
    let Some(dir) = std::env::var_os("KARYA_FUZZ_SEEDS") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let put = |target: &str, name: &str, bytes: &[u8]| {
        let d = dir.join(target);
        std::fs::create_dir_all(&d).expect("seed folder");
        std::fs::write(d.join(name), bytes).expect("seed");
    };
    let (sheets, _) = generate(24, 7);
    let small = to_xlsx(&sheets[..2]);
    put("read_workbook", "alumni.xlsx", &small);
    put(
        "read_workbook",
        "alumni-one-sheet.xlsx",
        &to_xlsx(&sheets[1..2]),
    );
    let csv = to_csv(&sheets[0], ';');
    put("read_workbook", "alumni.csv", csv.as_bytes());
    put(
        "read_workbook",
        "alumni.ods",
        &super::testdata::ods(
            r#"<table:table table:name="2019"><table:table-row><table:table-cell office:value-type="string"><text:p>Nama</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>NIK</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Tgl Lahir</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell office:value-type="string"><text:p>Siti Aminah</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>1507015205980003</text:p></table:table-cell><table:table-cell office:value-type="date" office:date-value="1998-05-12"><text:p>12/05/1998</text:p></table:table-cell></table:table-row></table:table>"#,
        ),
    );
    put(
        "read_workbook",
        "workbook.xls",
        &super::testdata::cfb_with_streams(&["Workbook"]),
    );
    put(
        "read_workbook",
        "encrypted.xlsx",
        &super::testdata::cfb_with_streams(&["EncryptionInfo", "EncryptedPackage"]),
    );

    // read_csv: the first byte picks the byte-order mark (0 none, 1 UTF-8).
    for (i, (sheet, delimiter)) in [(0, ';'), (1, ','), (2, '\t'), (3, ',')].iter().enumerate() {
        let mut bytes = vec![(i % 2) as u8];
        bytes.extend(to_csv(&sheets[*sheet], *delimiter).as_bytes());
        put("read_csv", &format!("alumni-{i}.csv"), &bytes);
    }
    let mut cp1252 = vec![0u8];
    cp1252.extend(b"Nama;Kecamatan\r\nJos\xe9 Mar\xeda;\"Muara Sabak\r\nTimur\"\r\n\"a\"\"b\";x");
    put("read_csv", "cp1252.csv", &cp1252);

    // plan: flags byte, then grid text (see fuzz/fuzz_targets/plan.rs).
    let text = to_grid_text(&sheets[..3]);
    for flags in [0x01u8, 0x11, 0x21, 0x00] {
        let mut bytes = vec![flags];
        bytes.extend(text.as_bytes());
        put("plan", &format!("workbook-{flags:02x}"), &bytes);
    }
    let one = to_grid_text(&sheets[3..4]);
    let rows: Vec<&str> = one.lines().skip(3).take(4).collect();
    for variant in 0..4u8 {
        let mut bytes = vec![0x03 | (variant << 2)];
        bytes.extend(rows.join("\n").as_bytes());
        put("plan", &format!("rows-header-{variant}"), &bytes);
    }

    // field_parsers: the first byte picks the cell kind (0 text, 2 number from text, 4 date
    // serial from text).
    let samples: &[(u8, &str)] = &[
        (0, "1507015205980003"),
        (0, "'1507 0152 0598 0003"),
        (2, "1507015205980000"),
        (0, "1.50701E+15"),
        (0, "Muara Sabak, 12-05-1998"),
        (0, "Jambi,12/05/98"),
        (0, "12 Mei 1998"),
        (0, "12 Mei 98"),
        (0, "1998-05-12"),
        (4, "35927"),
        (0, "+62 812-3456-7890"),
        (2, "81234567890"),
        (0, "0812 3456 7890 / 0852 1111 2222"),
        (0, "Laki-laki"),
        (0, "Angkatan II 2019"),
        (0, "Tahun 2019"),
        (0, "Kec. Muara Sabak Tim."),
        (0, "MST"),
        (0, "Nipah Pjg"),
        (
            0,
            "No|Nama|NIK|Tgl Lahir\n1|Siti|1507015205980003|12-05-1998",
        ),
        (
            0,
            "DAFTAR ALUMNI\n\nNama|Tempat/Tgl Lahir|L/P|Kejuruan\nSertifikat|Nomor|Tanggal",
        ),
    ];
    for (i, (kind, text)) in samples.iter().enumerate() {
        let mut bytes = vec![*kind];
        bytes.extend(text.as_bytes());
        put("field_parsers", &format!("sample-{i:02}"), &bytes);
    }
}

/// The generator itself: its file reads back, every sheet's header is found, and the importer
/// rejects exactly the rows made bad (against a register like the demo's, without alumni).
#[test]
fn generated_workbook_reads_as_intended() {
    use super::plan::{self, BatchRef, ProgramRef, RowStatus, Snapshot, TradeRef};

    let (sheets, expected) = generate(1_000, 2017);
    let book = super::read_workbook(&to_xlsx(&sheets), "alumni.xlsx").expect("reads");
    assert_eq!(book.sheets.len(), 10);
    let places = places();
    let mut snapshot = Snapshot {
        kecamatan: places.kecamatan.clone(),
        desa: places.desa.concat(),
        ..Snapshot::default()
    };
    for (i, (trade, program)) in TRADES.iter().enumerate() {
        let id = i as i64 + 1;
        snapshot.trades.push(TradeRef {
            id,
            name: (*trade).into(),
        });
        snapshot.programs.push(ProgramRef {
            id,
            trade_id: id,
            name: (*program).into(),
        });
        snapshot.batches.push(BatchRef {
            id,
            program_id: id,
            year: 2019,
            number: 1,
        });
    }
    let planned = plan::plan(&book, &snapshot, &plan::Options::default(), &|n| {
        n.to_owned()
    });
    for s in &planned.sheets {
        assert!(s.selected && s.header_row == Some(3), "{s:?}");
    }
    let counts = planned.counts();
    let rejected: Vec<_> = planned
        .rows
        .iter()
        .filter(|r| r.status == RowStatus::Rejected)
        .map(|r| (&r.sheet, r.row, &r.problems))
        .collect();
    assert_eq!(planned.rows.len(), expected.data_rows);
    assert_eq!(counts.rejected, expected.rejected, "{rejected:#?}");
    assert_eq!(
        counts.created,
        expected.data_rows - expected.rejected,
        "{counts:?}"
    );
    assert!(planned.places.is_empty(), "{:#?}", planned.places);
    assert!(planned.unknown_trades.is_empty() && planned.unknown_programs.is_empty());
}

/// The same workbook without a Tahun column, the year only in sheet names and titles, plans
/// exactly as the one with it.
#[test]
fn generated_workbook_without_a_year_column_plans_the_same() {
    use super::plan::{self, ProgramRef, Snapshot, TradeRef};

    let (mut sheets, _) = generate(1_000, 2017);
    let mut snapshot = Snapshot::default();
    let places = places();
    snapshot.kecamatan = places.kecamatan.clone();
    snapshot.desa = places.desa.concat();
    for (i, (trade, program)) in TRADES.iter().enumerate() {
        let id = i as i64 + 1;
        snapshot.trades.push(TradeRef {
            id,
            name: (*trade).into(),
        });
        snapshot.programs.push(ProgramRef {
            id,
            trade_id: id,
            name: (*program).into(),
        });
    }
    let planned = |sheets: &[GenSheet]| {
        let book = super::read_workbook(&to_xlsx(sheets), "alumni.xlsx").expect("reads");
        plan::plan(&book, &snapshot, &plan::Options::default(), &|n| {
            n.to_owned()
        })
    };
    let with_year = planned(&sheets);
    without_year_column(&mut sheets);
    assert!(sheets.iter().all(|s| {
        !s.rows[0]
            .iter()
            .any(|v| matches!(v, Value::Text(t) if t.eq_ignore_ascii_case("tahun")))
    }));
    let yearless = planned(&sheets);
    assert_eq!(yearless.counts(), with_year.counts());
    assert_eq!(yearless.new_batches, with_year.new_batches);
    for s in &yearless.sheets {
        assert_eq!(
            s.year_note.as_deref(),
            Some(format!("Tahun {} diambil dari nama sheet.", s.name).as_str())
        );
    }
}

/// `KARYA_MEASURE=1 KARYA_MEASURE_IN=FILE`: reads FILE and plans it against a register like the
/// demo's (no alumni), printing the process's resident memory after each step, to see where
/// the importer's memory goes (`cargo test --release --lib import::measure -- --nocapture`).
#[test]
fn memory_by_phase() {
    if std::env::var_os("KARYA_MEASURE").is_none() {
        return;
    }
    let Some(path) = std::env::var_os("KARYA_MEASURE_IN") else {
        return;
    };
    let status = |label: &str| {
        let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let kb = |key: &str| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
                / 1024
        };
        println!(
            "measure: {label:<28} RSS {:>4} MiB, peak {:>4} MiB",
            kb("VmRSS:"),
            kb("VmHWM:")
        );
    };
    status("start");
    let bytes = std::fs::read(&path).expect("read the workbook");
    let started = std::time::Instant::now();
    let book = super::read_workbook(&bytes, "alumni.xlsx").expect("reads");
    let cells: usize = book
        .sheets
        .iter()
        .flat_map(|s| &s.rows)
        .map(|r| r.cells.len())
        .sum();
    status(&format!("read ({cells} cells, {:.1?})", started.elapsed()));
    drop(bytes);
    let places = places();
    let mut snapshot = super::plan::Snapshot {
        kecamatan: places.kecamatan.clone(),
        desa: places.desa.concat(),
        ..super::plan::Snapshot::default()
    };
    for (i, (trade, program)) in TRADES.iter().enumerate() {
        let id = i as i64 + 1;
        snapshot.trades.push(super::plan::TradeRef {
            id,
            name: (*trade).into(),
        });
        snapshot.programs.push(super::plan::ProgramRef {
            id,
            trade_id: id,
            name: (*program).into(),
        });
    }
    let started = std::time::Instant::now();
    let plan = super::plan::plan(&book, &snapshot, &super::plan::Options::default(), &|n| {
        n.to_owned()
    });
    status(&format!(
        "plan ({} rows, {:.1?})",
        plan.rows.len(),
        started.elapsed()
    ));
    let started = std::time::Instant::now();
    let report = super::report::plan_report(&book, &plan, super::NikShown::Full).expect("report");
    status(&format!(
        "report ({} bytes, {:.1?})",
        report.len(),
        started.elapsed()
    ));
}
