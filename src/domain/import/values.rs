//! Reading each field's value from a cell, the way the agency's staff typed it.
//!
//! Every parser takes a [`Cell`] and returns the value or an Indonesian message for the preview
//! and the report. An empty cell is an error here ("… kosong"); fields that may be left empty
//! go through [`optional`].

use time::{Date, Month, OffsetDateTime};

use super::cell::Cell;
use crate::domain::dates;
use crate::domain::nik::{Gender, Nik};
use crate::domain::phone::Phone;
use crate::domain::region::RegionLookup;
use crate::domain::text;

/// Dates outside these years are typing errors (birth dates, certificate dates).
pub const MIN_DATE_YEAR: i32 = 1930;
pub const MAX_DATE_YEAR: i32 = 2035;

/// Training years the register accepts (the `batches.year` CHECK).
pub const MIN_TRAINING_YEAR: i32 = 2000;
pub const MAX_TRAINING_YEAR: i32 = 2100;

const NIK_PRECISION_LOST: &str = "NIK tersimpan sebagai angka di Excel sehingga digit terakhir \
     hilang; ketik ulang NIK sebagai teks (awali dengan tanda ').";

/// `None` for a blank cell (empty, or only `-`), else the parser's verdict.
pub fn optional<T>(
    cell: &Cell,
    parse: impl FnOnce(&Cell) -> Result<T, String>,
) -> Result<Option<T>, String> {
    if cell.is_blank() {
        Ok(None)
    } else {
        parse(cell).map(Some)
    }
}

/// The cell's text with runs of whitespace collapsed to one space: for names, places,
/// addresses, trades and programs.
pub fn clean_text(cell: &Cell) -> String {
    cell.as_text()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A person's name: not empty, with at least one letter.
pub fn parse_name(cell: &Cell) -> Result<String, String> {
    let name = clean_text(cell);
    if name.is_empty() {
        return Err("Nama kosong.".into());
    }
    if !name.chars().any(char::is_alphabetic) {
        return Err(format!("Nama \"{name}\" tidak berisi huruf."));
    }
    Ok(name)
}

/// The year in WIB, for the two-digit-year pivot.
pub fn current_year() -> i32 {
    OffsetDateTime::now_utc().to_offset(dates::WIB).year()
}

// ---------------------------------------------------------------------------------------------
// Dates

/// A date from an Excel date cell or serial number, or from text: `12-05-1998`, `12/05/1998`,
/// `12.05.1998`, `1998-05-12`, `12 Mei 1998`, `12 Mei 98`, `12-Mei-1998`, `12051998`. Day
/// first, always. Two-digit years up to this year's are 20xx, the others 19xx. Dates outside
/// 1930–2035 are rejected as typing errors.
pub fn parse_date(cell: &Cell) -> Result<Date, String> {
    parse_date_at(cell, current_year())
}

/// [`parse_date`] with the current year given, for tests and reproducible runs.
pub fn parse_date_at(cell: &Cell, this_year: i32) -> Result<Date, String> {
    match cell {
        Cell::Empty => Err("Tanggal kosong.".into()),
        Cell::Text(t) if t.trim().is_empty() => Err("Tanggal kosong.".into()),
        Cell::Text(t) => parse_date_text(t, this_year),
        Cell::DateTime(serial) => from_serial(*serial),
        Cell::Number(n) => {
            let whole = n.fract() == 0.0 && *n > 0.0;
            if whole && (f64::from(MIN_DATE_YEAR)..=f64::from(MAX_DATE_YEAR)).contains(n) {
                return Err(format!(
                    "Hanya tahun ({n:.0}); tulis tanggal lengkap, contoh 12-05-1998."
                ));
            }
            // 12051998 or 120598 typed as a number: day, month, year without separators.
            if whole && (100_000.0..100_000_000.0).contains(n) {
                let digits = format!("{n:.0}");
                let digits = if digits.len() == 7 {
                    format!("0{digits}")
                } else {
                    digits
                };
                return parse_date_text(&digits, this_year);
            }
            from_serial(*n)
        }
        Cell::Bool(_) => Err("Tanggal tidak dikenali: sel berisi nilai benar/salah.".into()),
        Cell::Error(e) => Err(format!("Sel berisi galat Excel ({}).", e.trim())),
    }
}

fn from_serial(serial: f64) -> Result<Date, String> {
    match dates::from_excel_serial(serial) {
        Some(d) => in_range(d),
        None => Err(format!("Angka {serial} bukan tanggal Excel yang valid.")),
    }
}

fn in_range(d: Date) -> Result<Date, String> {
    if (MIN_DATE_YEAR..=MAX_DATE_YEAR).contains(&d.year()) {
        Ok(d)
    } else {
        Err(format!(
            "Tanggal {} di luar rentang yang wajar ({MIN_DATE_YEAR}–{MAX_DATE_YEAR}).",
            dates::format_date(d)
        ))
    }
}

/// One piece of a typed date.
#[derive(Debug, Clone, Copy)]
enum Part<'a> {
    Digits(&'a str),
    Word(&'a str),
}

/// Splits at separators and between digits and letters: `12-Mei-98` → `12`, `Mei`, `98`.
fn date_parts(s: &str) -> Vec<Part<'_>> {
    let mut parts = Vec::new();
    let mut start: Option<usize> = None;
    let mut prev_digit = false;
    for (i, c) in s.char_indices() {
        let is_sep = !c.is_alphanumeric();
        let is_digit = c.is_ascii_digit();
        if let Some(st) = start
            && (is_sep || is_digit != prev_digit)
        {
            parts.push(&s[st..i]);
            start = None;
        }
        if !is_sep && start.is_none() {
            start = Some(i);
        }
        prev_digit = is_digit;
    }
    if let Some(st) = start {
        parts.push(&s[st..]);
    }
    parts
        .into_iter()
        .map(|p| {
            if p.bytes().all(|b| b.is_ascii_digit()) {
                Part::Digits(p)
            } else {
                Part::Word(p)
            }
        })
        .collect()
}

const WEEKDAYS: &[&str] = &[
    "senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu", "minggu", "ahad",
];

/// A date typed as text; see [`parse_date`].
pub fn parse_date_text(text: &str, this_year: i32) -> Result<Date, String> {
    let shown = text.trim();
    let unknown = || {
        format!("Tanggal \"{shown}\" tidak dikenali; tulis seperti 12-05-1998 atau 12 Mei 1998.")
    };
    let mut s = shown.trim_start_matches(['\'', '`']).to_lowercase();
    if s.is_empty() {
        return Err("Tanggal kosong.".into());
    }
    // A time of day after the date ("1998-05-12 00:00:00", "1998-05-12T00:00").
    if let Some(colon) = s.find(':') {
        let cut = s[..colon]
            .rfind(|c: char| c.is_whitespace() || c == 't')
            .unwrap_or(0);
        s.truncate(cut);
    }
    // A weekday before it ("Selasa, 12 Mei 1998").
    for day in WEEKDAYS {
        if let Some(rest) = s.strip_prefix(day)
            && rest.starts_with([',', ' '])
        {
            s = rest.to_owned();
            break;
        }
    }
    let parts = date_parts(&s);
    let (day, month, year) = match parts.as_slice() {
        [Part::Digits(d)] if d.len() == 8 => {
            // Day first (12051998); a year first (19980512) only when that cannot be a date.
            let dmy = (&d[0..2], &d[2..4], &d[4..8]);
            let ymd = (&d[6..8], &d[4..6], &d[0..4]);
            if numeric_date(dmy, this_year).is_ok() || numeric_date(ymd, this_year).is_err() {
                return numeric_date(dmy, this_year);
            }
            return numeric_date(ymd, this_year);
        }
        [Part::Digits(d)] if d.len() == 6 => {
            return numeric_date((&d[0..2], &d[2..4], &d[4..6]), this_year);
        }
        [Part::Digits(d)] if d.len() == 5 => {
            // An Excel serial number that reached us as text (a CSV export).
            let serial: f64 = d.parse().map_err(|_| unknown())?;
            return from_serial(serial);
        }
        [Part::Digits(y), m, Part::Digits(d)] if y.len() == 4 => (*d, *m, *y),
        [Part::Digits(d), m, Part::Digits(y)] => (*d, *m, *y),
        [Part::Word(m), Part::Digits(d), Part::Digits(y)] => (*d, Part::Word(m), *y),
        _ => return Err(unknown()),
    };
    let month = match month {
        Part::Digits(m) => month_number(m)?,
        Part::Word(w) => dates::parse_month_name(w).ok_or_else(|| {
            format!("Nama bulan \"{w}\" pada tanggal \"{shown}\" tidak dikenali.")
        })?,
    };
    build_date(day, month, year, this_year, shown)
}

fn numeric_date((d, m, y): (&str, &str, &str), this_year: i32) -> Result<Date, String> {
    let month = month_number(m)?;
    build_date(d, month, y, this_year, &format!("{d}-{m}-{y}"))
}

fn month_number(m: &str) -> Result<Month, String> {
    let n: u8 = m
        .parse()
        .map_err(|_| format!("Bulan \"{m}\" tidak dikenali."))?;
    Month::try_from(n).map_err(|_| {
        format!("Bulan {n} tidak ada; tanggal ditulis hari-bulan-tahun, contoh 12-05-1998.")
    })
}

fn build_date(
    day: &str,
    month: Month,
    year: &str,
    this_year: i32,
    shown: &str,
) -> Result<Date, String> {
    let year: i32 = match year.len() {
        4 => year
            .parse()
            .map_err(|_| format!("Tahun \"{year}\" tidak dikenali."))?,
        2 => {
            let yy: i32 = year
                .parse()
                .map_err(|_| format!("Tahun \"{year}\" tidak dikenali."))?;
            if yy <= this_year.rem_euclid(100) {
                2000 + yy
            } else {
                1900 + yy
            }
        }
        _ => {
            return Err(format!(
                "Tahun \"{year}\" pada tanggal \"{shown}\" tidak dikenali."
            ));
        }
    };
    if day.len() > 2 {
        return Err(format!(
            "Tanggal \"{shown}\" tidak dikenali; tulis seperti 12-05-1998."
        ));
    }
    let d: u8 = day
        .parse()
        .map_err(|_| format!("Tanggal \"{shown}\" tidak dikenali."))?;
    let date = Date::from_calendar_date(year, month, d).map_err(|_| {
        format!(
            "Tanggal {d} {} {year} tidak ada di kalender.",
            dates::month_name(month)
        )
    })?;
    in_range(date)
}

/// `Muara Sabak, 12-05-1998`, `Muara Sabak 12 Mei 1998`, `Jambi,12/05/98`: the birth place and
/// date from one column. A date alone gives an empty place.
pub fn split_place_date(text: &str) -> Result<(String, Date), String> {
    split_place_date_at(text, current_year())
}

/// [`split_place_date`] with the current year given.
pub fn split_place_date_at(text: &str, this_year: i32) -> Result<(String, Date), String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("Tempat dan tanggal lahir kosong.".into());
    }
    // The earliest split after which the rest reads as a date: the place may contain numbers
    // ("Rantau Rasau 2") but the date is always at the end.
    let splits = s
        .char_indices()
        .filter(|(_, c)| c.is_whitespace() || matches!(c, ',' | '/' | ';'))
        .map(|(i, c)| i + c.len_utf8());
    for at in splits {
        let place = s[..at]
            .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '/' | ';' | '-'));
        let rest = s[at..].trim();
        if place.is_empty() || rest.is_empty() {
            continue;
        }
        if let Ok(date) = parse_date_text(rest, this_year) {
            let place = place.split_whitespace().collect::<Vec<_>>().join(" ");
            return Ok((place, date));
        }
    }
    if let Ok(date) = parse_date_text(s, this_year) {
        return Ok((String::new(), date));
    }
    // The date after the last comma is the likeliest culprit: say what is wrong with it.
    if let Some((_, date)) = s.rsplit_once(',')
        && let Err(e) = parse_date_text(date, this_year)
    {
        return Err(format!("Tanggal lahir pada \"{s}\": {e}"));
    }
    Err(format!(
        "\"{s}\" tidak terbaca sebagai tempat dan tanggal lahir; tulis seperti \"Muara Sabak, 12-05-1998\"."
    ))
}

/// A `Tempat/Tgl Lahir` cell: text to split, or a date cell alone (empty place).
pub fn parse_place_date(cell: &Cell) -> Result<(String, Date), String> {
    parse_place_date_at(cell, current_year())
}

/// [`parse_place_date`] with the current year given.
pub fn parse_place_date_at(cell: &Cell, this_year: i32) -> Result<(String, Date), String> {
    match cell {
        Cell::Text(t) => split_place_date_at(t, this_year),
        Cell::Empty => Err("Tempat dan tanggal lahir kosong.".into()),
        other => parse_date_at(other, this_year).map(|d| (String::new(), d)),
    }
}

// ---------------------------------------------------------------------------------------------
// Gender

/// `L`, `P`, `Laki-laki`, `Lk`, `Pria`, `Perempuan`, `Pr`, `Wanita`, `W`, and the English words.
pub fn parse_gender(cell: &Cell) -> Result<Gender, String> {
    let text = cell.as_text();
    let key = text::compact(&text);
    match key.as_str() {
        "" => Err("Jenis kelamin kosong; isi L atau P.".into()),
        "l" | "lk" | "lki" | "laki" | "lakilaki" | "laki2" | "lelaki" | "pria" | "cowok"
        | "male" | "m" => Ok(Gender::L),
        "p" | "pr" | "prp" | "pe" | "perempuan" | "prmpn" | "wanita" | "w" | "wan" | "cewek"
        | "female" | "f" => Ok(Gender::P),
        _ => Err(format!(
            "Jenis kelamin \"{}\" tidak dikenali; isi L atau P.",
            text.trim()
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// NIK

/// What the NIK cell of a row says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NikOutcome {
    /// A well-formed NIK of an existing region.
    Valid(Nik),
    /// The cell is blank.
    Missing,
    /// Not a NIK Karya may store, with the reason.
    Rejected(String),
}

impl NikOutcome {
    pub fn nik(&self) -> Option<&Nik> {
        match self {
            NikOutcome::Valid(n) => Some(n),
            _ => None,
        }
    }

    pub fn into_result(self) -> Result<Option<Nik>, String> {
        match self {
            NikOutcome::Valid(n) => Ok(Some(n)),
            NikOutcome::Missing => Ok(None),
            NikOutcome::Rejected(e) => Err(e),
        }
    }
}

/// Reads a NIK. Text may carry spaces, dashes, dots or a leading apostrophe. A 16-digit NIK
/// that reached the sheet as a number is rejected when its last digit cannot be trusted: Excel
/// keeps 15 significant digits, so `1507015205980003` is stored as `1507015205980000`, and
/// numbers above 2^53 are not exact in any spreadsheet. Then the shape (16 digits, digits 7–12
/// a date with 40 added to the day for women) and the region (province, kabupaten/kota and
/// kecamatan of digits 1–6 must exist).
pub fn parse_nik(cell: &Cell, regions: &impl RegionLookup) -> NikOutcome {
    let digits = match cell {
        _ if cell.is_blank() => return NikOutcome::Missing,
        Cell::Number(n) => {
            if !n.is_finite() || *n < 0.0 || n.fract() != 0.0 {
                return NikOutcome::Rejected("NIK harus berupa 16 digit angka.".into());
            }
            let digits = format!("{n:.0}");
            // 2^53: above it a double cannot hold every integer.
            const EXACT: f64 = 9_007_199_254_740_992.0;
            if digits.len() == 16 && (digits.ends_with('0') || *n >= EXACT) {
                return NikOutcome::Rejected(NIK_PRECISION_LOST.into());
            }
            digits
        }
        Cell::Text(t) => {
            let t = t.trim();
            if looks_scientific(t) {
                return NikOutcome::Rejected(format!(
                    "NIK tertulis dalam format ilmiah ({t}) sehingga digitnya hilang; ketik ulang \
                     NIK sebagai teks (awali dengan tanda ')."
                ));
            }
            // `1507015205980000.0`: a number written out by some tool; judged as a number.
            if let Some((int, zeros)) = t.split_once('.')
                && int.len() >= 15
                && int.bytes().all(|b| b.is_ascii_digit())
                && !zeros.is_empty()
                && zeros.bytes().all(|b| b == b'0')
                && let Ok(n) = int.parse::<f64>()
            {
                return parse_nik(&Cell::Number(n), regions);
            }
            t.trim_start_matches(['\'', '`', '‘', '’'])
                .chars()
                .filter(|c| !(c.is_whitespace() || matches!(c, '-' | '.' | '\u{200b}')))
                .collect()
        }
        Cell::DateTime(_) => {
            return NikOutcome::Rejected(
                "Sel NIK berformat tanggal; ketik ulang NIK sebagai teks.".into(),
            );
        }
        Cell::Bool(_) => return NikOutcome::Rejected("NIK harus berupa 16 digit angka.".into()),
        Cell::Error(e) => {
            return NikOutcome::Rejected(format!("Sel NIK berisi galat Excel ({}).", e.trim()));
        }
        Cell::Empty => return NikOutcome::Missing,
    };
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) && digits.len() != 16 {
        return NikOutcome::Rejected(format!(
            "NIK harus 16 digit (terisi {} digit).",
            digits.len()
        ));
    }
    let nik = match Nik::parse(&digits) {
        Ok(n) => n,
        Err(e) => return NikOutcome::Rejected(e.to_owned()),
    };
    let code = nik.region_code();
    for (len, level) in [(2, "provinsi"), (5, "kabupaten/kota"), (8, "kecamatan")] {
        let part = &code[..len];
        if !regions.exists(part) {
            return NikOutcome::Rejected(format!(
                "Kode {level} pada NIK ({part}) tidak ada dalam daftar wilayah."
            ));
        }
    }
    NikOutcome::Valid(nik)
}

/// `1.50701E+15`, `1,50702E+15`: what a CSV export from Excel writes for a long number.
fn looks_scientific(t: &str) -> bool {
    let Some((mantissa, exponent)) = t.split_once(['e', 'E']) else {
        return false;
    };
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    !mantissa.is_empty()
        && mantissa.chars().any(|c| c.is_ascii_digit())
        && mantissa
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
        && !exponent.is_empty()
        && exponent.chars().all(|c| c.is_ascii_digit())
}

/// Warnings (the row is still imported) when the birth date or gender a NIK encodes disagree
/// with the row's own columns. Real data has such errors, and the agency must see them.
pub fn cross_check(nik: &Nik, birth_date: Option<Date>, gender: Option<Gender>) -> Vec<String> {
    let mut warnings = Vec::new();
    if let Some(date) = birth_date
        && !nik.matches_birth_date(date)
    {
        let (d, m, yy) = nik.encoded_birth();
        warnings.push(format!(
            "Tanggal lahir pada NIK ({d:02}-{:02}-{yy:02}) berbeda dengan tanggal lahir di baris \
             ({}).",
            u8::from(m),
            dates::format_date(date)
        ));
    }
    if let Some(g) = gender
        && g != nik.gender()
    {
        warnings.push(format!(
            "Jenis kelamin pada NIK ({}) berbeda dengan jenis kelamin di baris ({}).",
            nik.gender().label(),
            g.label()
        ));
    }
    warnings
}

// ---------------------------------------------------------------------------------------------
// Phone

/// A mobile number, normalised to `+62…` by [`Phone::parse`]. A number cell whose leading 0
/// the spreadsheet dropped (`81234567890`) is fine. When the cell holds several numbers
/// (`0812… / 0852…`) the first valid one is used and the second value says so.
pub fn parse_phone(cell: &Cell) -> Result<(Phone, Option<String>), String> {
    match cell {
        Cell::Number(n) => {
            if !n.is_finite() || *n <= 0.0 || n.fract() != 0.0 {
                return Err("Nomor WhatsApp bukan nomor seluler Indonesia yang valid.".into());
            }
            Phone::parse(&format!("{n:.0}"))
                .map(|p| (p, None))
                .map_err(str::to_owned)
        }
        Cell::Text(t) => {
            let numbers: Vec<&str> = t
                .split(['/', ',', ';', '&', '|', '\n'])
                .flat_map(|p| p.split(" atau "))
                .map(strip_phone_label)
                .filter(|p| p.chars().filter(char::is_ascii_digit).count() >= 6)
                .collect();
            if numbers.len() > 1 {
                for n in &numbers {
                    if let Ok(phone) = Phone::parse(n) {
                        let note =
                            format!("Sel berisi {} nomor; yang dipakai {phone}.", numbers.len());
                        return Ok((phone, Some(note)));
                    }
                }
            }
            Phone::parse(strip_phone_label(t))
                .map(|p| (p, None))
                .map_err(str::to_owned)
        }
        Cell::Empty => Err("Nomor WhatsApp wajib diisi.".into()),
        Cell::Error(e) => Err(format!("Sel berisi galat Excel ({}).", e.trim())),
        Cell::Bool(_) | Cell::DateTime(_) => {
            Err("Nomor WhatsApp bukan nomor seluler Indonesia yang valid.".into())
        }
    }
}

/// `WA: 0812…`, `0812… (WA)`: drops the label people put around a number.
fn strip_phone_label(s: &str) -> &str {
    let mut s = s.trim();
    if let Some(open) = s.find('(')
        && s.ends_with(')')
        && s[open..].chars().all(|c| !c.is_ascii_digit())
    {
        s = s[..open].trim();
    }
    let label_end = s
        .find(|c: char| c.is_ascii_digit() || c == '+')
        .unwrap_or(0);
    let label = s[..label_end]
        .trim()
        .trim_end_matches([':', '.', '-'])
        .trim()
        .to_lowercase();
    if matches!(
        label.as_str(),
        "wa" | "hp" | "telp" | "tlp" | "no" | "no hp" | "no wa" | "nomor" | "whatsapp" | "telepon"
    ) {
        s = &s[label_end..];
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Training result, competency, placement, year, batch

/// `participations.result`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrainingResult {
    Lulus,
    TidakLulus,
}

impl TrainingResult {
    /// The stored value: `lulus` or `tidak_lulus`.
    pub fn as_str(self) -> &'static str {
        match self {
            TrainingResult::Lulus => "lulus",
            TrainingResult::TidakLulus => "tidak_lulus",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TrainingResult::Lulus => "Lulus",
            TrainingResult::TidakLulus => "Tidak lulus",
        }
    }
}

/// `participations.competency`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Competency {
    Kompeten,
    BelumKompeten,
}

impl Competency {
    /// The stored value: `kompeten` or `belum_kompeten`.
    pub fn as_str(self) -> &'static str {
        match self {
            Competency::Kompeten => "kompeten",
            Competency::BelumKompeten => "belum_kompeten",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Competency::Kompeten => "Kompeten",
            Competency::BelumKompeten => "Belum kompeten",
        }
    }
}

/// `participations.placement`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    Mandiri,
    Industri,
    Belum,
}

impl Placement {
    /// The stored value: `mandiri`, `industri` or `belum`.
    pub fn as_str(self) -> &'static str {
        match self {
            Placement::Mandiri => "mandiri",
            Placement::Industri => "industri",
            Placement::Belum => "belum",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Placement::Mandiri => "Mandiri (wirausaha)",
            Placement::Industri => "Industri (bekerja)",
            Placement::Belum => "Belum ditempatkan",
        }
    }
}

const NEGATIONS: &[&str] = &["tidak", "tdk", "tak", "belum", "blm", "gagal", "non"];

fn has_word(words: &str, wanted: &[&str]) -> bool {
    words.split(' ').any(|w| wanted.contains(&w))
}

/// `Lulus`, `L`, `Ya`, `✓`, `Tidak Lulus`, `TL`, `Gagal`, `Belum Lulus`.
pub fn parse_result(cell: &Cell) -> Result<TrainingResult, String> {
    let text = cell.as_text();
    let t = text.trim();
    if matches!(cell, Cell::Bool(true)) || matches!(t, "✓" | "✔" | "√") {
        return Ok(TrainingResult::Lulus);
    }
    if matches!(cell, Cell::Bool(false)) {
        return Ok(TrainingResult::TidakLulus);
    }
    let w = text::fold(t);
    match w.as_str() {
        "" => return Err("Hasil pelatihan kosong; isi Lulus atau Tidak Lulus.".into()),
        "lulus" | "l" | "ls" | "lls" | "ya" | "y" | "v" | "1" => {
            return Ok(TrainingResult::Lulus);
        }
        "tidak" | "tdk" | "tl" | "t" | "gagal" | "0" => return Ok(TrainingResult::TidakLulus),
        _ => {}
    }
    if has_word(&w, &["lulus", "lls"]) {
        return Ok(if has_word(&w, NEGATIONS) {
            TrainingResult::TidakLulus
        } else {
            TrainingResult::Lulus
        });
    }
    Err(format!(
        "Hasil pelatihan \"{t}\" tidak dikenali; isi Lulus atau Tidak Lulus."
    ))
}

/// `Kompeten`, `K`, `Belum Kompeten`, `BK`, `Tidak Kompeten`, `TK`.
pub fn parse_competency(cell: &Cell) -> Result<Competency, String> {
    let text = cell.as_text();
    let t = text.trim();
    match cell {
        Cell::Bool(true) => return Ok(Competency::Kompeten),
        Cell::Bool(false) => return Ok(Competency::BelumKompeten),
        _ => {}
    }
    let w = text::fold(t);
    match w.as_str() {
        "" => return Err("Kompetensi kosong; isi Kompeten atau Belum Kompeten.".into()),
        "k" | "komp" | "ya" | "y" | "competent" => return Ok(Competency::Kompeten),
        "bk" | "tk" | "belum" | "blm" | "tidak" | "tdk" | "nyc" | "not yet competent" => {
            return Ok(Competency::BelumKompeten);
        }
        _ => {}
    }
    if w.split(' ').any(|x| x.starts_with("kompeten")) {
        return Ok(if has_word(&w, NEGATIONS) {
            Competency::BelumKompeten
        } else {
            Competency::Kompeten
        });
    }
    Err(format!(
        "Kompetensi \"{t}\" tidak dikenali; isi Kompeten atau Belum Kompeten."
    ))
}

/// `Mandiri`/`Wirausaha`, `Industri`/`Bekerja di PT …`, `Belum`/`Belum bekerja`.
pub fn parse_placement(cell: &Cell) -> Result<Placement, String> {
    let text = cell.as_text();
    let t = text.trim();
    let w = text::fold(t);
    if w.is_empty() {
        return Err("Penempatan kosong; isi Mandiri, Industri atau Belum.".into());
    }
    let any = |list: &[&str]| has_word(&w, list);
    if any(&["belum", "blm", "tidak", "tdk", "menganggur", "nganggur"]) {
        return Ok(Placement::Belum);
    }
    if any(&[
        "mandiri",
        "wirausaha",
        "berwirausaha",
        "wiraswasta",
        "usaha",
        "wirausahawan",
    ]) {
        return Ok(Placement::Mandiri);
    }
    if any(&[
        "industri",
        "bekerja",
        "kerja",
        "karyawan",
        "pegawai",
        "perusahaan",
        "pt",
        "cv",
        "buruh",
        "pmi",
        "tki",
    ]) {
        return Ok(Placement::Industri);
    }
    Err(format!(
        "Penempatan \"{t}\" tidak dikenali; isi Mandiri, Industri atau Belum."
    ))
}

/// The training year: `2019`, `Tahun 2019`, `TA 2019`, a number cell, or a date cell (its year).
pub fn parse_year(cell: &Cell) -> Result<i32, String> {
    let check = |y: i32| {
        if (MIN_TRAINING_YEAR..=MAX_TRAINING_YEAR).contains(&y) {
            Ok(y)
        } else {
            Err(format!(
                "Tahun {y} di luar rentang {MIN_TRAINING_YEAR}–{MAX_TRAINING_YEAR}."
            ))
        }
    };
    match cell {
        Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e9 => check(*n as i32),
        // A year typed into a date-formatted cell keeps its number: 2019 is "1905-07-11".
        Cell::DateTime(n)
            if n.fract() == 0.0
                && (f64::from(MIN_TRAINING_YEAR)..=f64::from(MAX_TRAINING_YEAR)).contains(n) =>
        {
            check(*n as i32)
        }
        Cell::DateTime(n) => match dates::from_excel_serial(*n) {
            Some(d) => check(d.year()),
            None => Err("Tahun tidak dikenali.".into()),
        },
        Cell::Text(t) => {
            let t = t.trim();
            let mut years: Vec<i32> = t
                .split(|c: char| !c.is_ascii_digit())
                .filter(|run| run.len() == 4)
                .filter_map(|run| run.parse().ok())
                .collect();
            years.dedup();
            match years.as_slice() {
                [] if t.is_empty() => Err("Tahun kosong.".into()),
                [y] => check(*y),
                [] => Err(format!(
                    "Tahun \"{t}\" tidak dikenali; isi 4 angka, contoh 2019."
                )),
                _ => Err(format!(
                    "\"{t}\" berisi lebih dari satu tahun; isi satu tahun saja."
                )),
            }
        }
        Cell::Empty => Err("Tahun kosong.".into()),
        Cell::Error(e) => Err(format!("Sel berisi galat Excel ({}).", e.trim())),
        _ => Err(format!(
            "Tahun \"{}\" tidak dikenali; isi 4 angka, contoh 2019.",
            cell.as_text()
        )),
    }
}

/// The training year a sheet name or a title row names: one plausible year (from
/// [`MIN_TRAINING_YEAR`] to next year) standing as four digits of its own: `2019`,
/// `Alumni 2019`, `DAFTAR ALUMNI PELATIHAN BLK ... TAHUN 2019`. `None` when it names none (a
/// number that is no plausible year, `Sheet1`, `12019`) or several (`TA 2019/2020`,
/// `2017-2019`): the admin then says which.
pub fn year_in_text(text: &str, this_year: i32) -> Option<i32> {
    let mut years: Vec<i32> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|run| run.len() == 4)
        .filter_map(|run| run.parse().ok())
        .filter(|y| (MIN_TRAINING_YEAR..=this_year + 1).contains(y))
        .collect();
    years.sort_unstable();
    years.dedup();
    match years.as_slice() {
        [y] => Some(*y),
        _ => None,
    }
}

/// Words around a batch number that carry no number.
const BATCH_FILLER: &[&str] = &[
    "angkatan",
    "angk",
    "ang",
    "akt",
    "gelombang",
    "gel",
    "batch",
    "ke",
    "kelas",
    "klas",
    "no",
    "nomor",
    "tahun",
    "th",
    "thn",
    "ta",
];

/// The batch (angkatan) number: `Angkatan I`, `Angkatan 2`, `II`, `Ke-3`, `Gelombang 1`,
/// `Angkatan Ketiga`, or a number cell. A year next to it (`Angkatan II 2019`) is ignored.
pub fn parse_batch_number(cell: &Cell) -> Result<u32, String> {
    let unknown =
        |t: &str| format!("Angkatan \"{t}\" tidak dikenali; isi angka seperti 1, 2 atau I, II.");
    let n = match cell {
        Cell::Number(n) if n.fract() == 0.0 && *n >= 1.0 && *n <= 1000.0 => *n as u32,
        Cell::Text(t) => {
            let t = t.trim();
            if t.is_empty() {
                return Err("Angkatan kosong.".into());
            }
            let parts = date_parts(&t.to_lowercase())
                .into_iter()
                .map(|p| match p {
                    Part::Digits(d) | Part::Word(d) => d.to_owned(),
                })
                .filter(|p| !BATCH_FILLER.contains(&p.as_str()))
                .filter(|p| {
                    // A year beside the number.
                    !(p.len() == 4 && p.parse::<u32>().is_ok_and(|y| (1900..=2100).contains(&y)))
                })
                .collect::<Vec<_>>();
            // `Angkatan 1 (Satu)`: every remaining word must say the same number.
            let mut values = parts
                .iter()
                .map(|p| {
                    p.parse::<u32>()
                        .ok()
                        .or_else(|| roman(p))
                        .or_else(|| ordinal_word(p))
                })
                .collect::<Option<Vec<u32>>>()
                .ok_or_else(|| unknown(t))?;
            values.dedup();
            let [n] = values.as_slice() else {
                return Err(unknown(t));
            };
            *n
        }
        Cell::Empty => return Err("Angkatan kosong.".into()),
        other => return Err(unknown(&other.as_text())),
    };
    if (1..=100).contains(&n) {
        Ok(n)
    } else {
        Err(format!("Angkatan {n} di luar rentang 1–100."))
    }
}

/// A Roman numeral in canonical form, `i` to `c`.
fn roman(s: &str) -> Option<u32> {
    let value = |c: char| match c {
        'i' => Some(1),
        'v' => Some(5),
        'x' => Some(10),
        'l' => Some(50),
        'c' => Some(100),
        _ => None,
    };
    let digits: Vec<u32> = s.chars().map(value).collect::<Option<_>>()?;
    let mut total: i64 = 0;
    for (i, d) in digits.iter().enumerate() {
        if digits.get(i + 1).is_some_and(|next| next > d) {
            total -= *d as i64;
        } else {
            total += *d as i64;
        }
    }
    let total = u32::try_from(total)
        .ok()
        .filter(|t| (1..=100).contains(t))?;
    (to_roman(total) == s).then_some(total)
}

fn to_roman(mut n: u32) -> String {
    let mut out = String::new();
    for (v, s) in [
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ] {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

fn ordinal_word(s: &str) -> Option<u32> {
    Some(match s {
        "pertama" | "satu" | "kesatu" => 1,
        "kedua" | "dua" => 2,
        "ketiga" | "tiga" => 3,
        "keempat" | "empat" => 4,
        "kelima" | "lima" => 5,
        "keenam" | "enam" => 6,
        "ketujuh" | "tujuh" => 7,
        "kedelapan" | "delapan" => 8,
        "kesembilan" | "sembilan" => 9,
        "kesepuluh" | "sepuluh" => 10,
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
