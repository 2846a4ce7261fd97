//! The import plan: what applying a workbook to the register would do, row by row, decided
//! without touching the database. The same plan is the dry-run preview, the basis of the
//! report, and (recomputed inside the transaction) what is applied.
//!
//! Rows are read with the admin's choices ([`Options`]): which sheets, which row is the header
//! and which column holds which field, how an ambiguous kecamatan or desa is to be read, and which
//! unknown trades or programs may be created.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use time::Date;

use super::read::{Sheet, Workbook};
use crate::domain::dates::to_iso;
use crate::domain::import::Cell;
use crate::domain::import::header::{Field, HeaderGuess, detect_header};
pub use crate::domain::import::plan::*;
use crate::domain::import::region_match::{RegionMatch, RegionMatcher};
use crate::domain::import::values::{self, NikOutcome, optional};
use crate::domain::nik::Gender;
use crate::domain::region::{NationalRegions, Region};

/// `0` → `A`, `27` → `AB`.
pub fn column_letter(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The header of a sheet: the admin's mapping when given, else the detected one.
fn header_for(sheet: &Sheet, grid: &[Vec<Cell>], options: &Options) -> Option<HeaderGuess> {
    if let Some(m) = options.mappings.get(&sheet.name) {
        let index = sheet.rows.iter().position(|r| r.number == m.header_row)?;
        let mut guess = HeaderGuess {
            row: index,
            columns: Vec::new(),
            unknown: Vec::new(),
        };
        for (col, key) in m.columns.iter().enumerate() {
            guess.set(col, Field::parse_key(key));
        }
        return Some(guess);
    }
    detect_header(grid)
}

struct Resolver<'a> {
    snapshot: &'a Snapshot,
    options: &'a Options,
    kecamatan: RegionMatcher,
    desa_by_kecamatan: HashMap<String, RegionMatcher>,
    all_desa: RegionMatcher,
    places: BTreeMap<String, PlaceQuestion>,
    unknown_trades: BTreeMap<String, (String, usize)>,
    unknown_programs: BTreeMap<String, (String, String, usize)>,
    program_questions: BTreeMap<String, ProgramQuestion>,
}

/// The words of a program name before a slash or a parenthesis, folded: "Menjahit / Asisten
/// Pembuat Pakaian" → "menjahit", "Tata Rias (Pengantin)" → "tata rias".
fn program_core(name: &str) -> String {
    let cut = name.find(['/', '(']).unwrap_or(name.len());
    normalise(&name[..cut])
}

/// A row's training as resolved: (trade, program) as the register names them, and how a
/// program name was read when it was not written as the register writes it.
type Training = (String, String, Option<String>);

enum Resolved {
    Code(String, Option<String>),
    Ask,
    Unknown,
}

impl Resolver<'_> {
    fn place(&mut self, level: &'static str, scope: &str, typed: &str) -> Resolved {
        let key = if level == "kecamatan" {
            format!("kecamatan:{}", normalise(typed))
        } else {
            format!("desa:{scope}:{}", normalise(typed))
        };
        if let Some(code) = self.options.places.get(&key) {
            return Resolved::Code(code.clone(), None);
        }
        let matcher = if level == "kecamatan" {
            &self.kecamatan
        } else {
            self.desa_by_kecamatan.get(scope).unwrap_or(&self.all_desa)
        };
        match matcher.find(typed) {
            RegionMatch::Exact(code) => Resolved::Code(code, None),
            RegionMatch::Probable { code, why, .. } => Resolved::Code(code, Some(why)),
            RegionMatch::Ambiguous(candidates) => {
                self.places
                    .entry(key.clone())
                    .or_insert_with(|| PlaceQuestion {
                        key,
                        typed: typed.to_owned(),
                        level,
                        candidates,
                        rows: 0,
                    })
                    .rows += 1;
                Resolved::Ask
            }
            RegionMatch::NotFound => Resolved::Unknown,
        }
    }

    /// Programs of the register a program name as people write it probably means: the same
    /// words before a slash or parenthesis ("Menjahit" → "Menjahit / Asisten Pembuat
    /// Pakaian"), else the programs of a trade of that name; within `trade` when it is known.
    fn probable_programs(&self, typed: &str, trade: Option<i64>) -> Vec<&ProgramRef> {
        let core = program_core(typed);
        if core.is_empty() {
            return Vec::new();
        }
        let programs = self
            .snapshot
            .programs
            .iter()
            .filter(|p| trade.is_none_or(|t| p.trade_id == t));
        let by_words: Vec<&ProgramRef> = programs
            .clone()
            .filter(|p| program_core(&p.name) == core || normalise(&p.name) == core)
            .collect();
        if !by_words.is_empty() {
            return by_words;
        }
        let trades: Vec<i64> = self
            .snapshot
            .trades
            .iter()
            .filter(|t| normalise(&t.name) == core)
            .map(|t| t.id)
            .collect();
        programs.filter(|p| trades.contains(&p.trade_id)).collect()
    }

    fn trade_name_of(&self, program: &ProgramRef) -> String {
        self.snapshot
            .trades
            .iter()
            .find(|t| t.id == program.trade_id)
            .map(|t| t.name.clone())
            .unwrap_or_default()
    }

    /// A program name that is not the register's spelling: the one program it probably means
    /// (with a note saying so), the admin's choice among several, or `Err` asking for it.
    fn probable_program(
        &mut self,
        typed: &str,
        trade: Option<i64>,
        trade_typed: Option<&str>,
    ) -> Option<Result<Training, String>> {
        let candidates = self.probable_programs(typed, trade);
        let key = format!(
            "{}|{}",
            trade_typed.map(normalise).unwrap_or_default(),
            normalise(typed)
        );
        let chosen = self
            .options
            .programs
            .get(&key)
            .and_then(|id| candidates.iter().find(|p| p.id == *id));
        let pick = match (chosen, candidates.as_slice()) {
            (Some(p), _) => Some(*p),
            (None, [only]) => Some(*only),
            (None, []) => return None,
            (None, _) => None,
        };
        if let Some(p) = pick {
            let trade_name = self.trade_name_of(p);
            let note = format!(
                "Program \"{typed}\" dibaca sebagai \"{}\" (kejuruan {trade_name}).",
                p.name
            );
            return Some(Ok((trade_name, p.name.clone(), Some(note))));
        }
        let listed: Vec<(i64, String)> = candidates
            .iter()
            .map(|p| {
                (
                    p.id,
                    format!("{} (kejuruan {})", p.name, self.trade_name_of(p)),
                )
            })
            .collect();
        let names: Vec<&str> = listed.iter().map(|(_, n)| n.as_str()).collect();
        let message = format!(
            "Program \"{typed}\" cocok dengan beberapa program: {}; tulis nama program lengkap.",
            names.join("; ")
        );
        self.program_questions
            .entry(key.clone())
            .or_insert_with(|| ProgramQuestion {
                key,
                typed: typed.to_owned(),
                candidates: listed,
                rows: 0,
            })
            .rows += 1;
        Some(Err(message))
    }

    /// The trade and program a row names, as register names; `Err` explains a rejection.
    fn training(
        &mut self,
        trade: Option<String>,
        program: Option<String>,
    ) -> Result<Training, String> {
        let snap = self.snapshot;
        let find_trade = |name: &str| {
            snap.trades
                .iter()
                .find(|t| normalise(&t.name) == normalise(name))
        };
        match (trade, program) {
            (None, None) => Err("Kejuruan atau program pelatihan kosong.".into()),
            (trade, Some(program)) => {
                // A program known in the register settles the trade.
                let known = snap.programs.iter().find(|p| {
                    normalise(&p.name) == normalise(&program)
                        && trade
                            .as_deref()
                            .is_none_or(|t| find_trade(t).is_some_and(|ft| ft.id == p.trade_id))
                });
                if let Some(p) = known {
                    let t = snap
                        .trades
                        .iter()
                        .find(|t| t.id == p.trade_id)
                        .map(|t| t.name.clone())
                        .unwrap_or_default();
                    return Ok((t, p.name.clone(), None));
                }
                // Written as people write it: the program it probably means, within the trade
                // the row names when the register knows it.
                let known_trade = trade.as_deref().map(|t| find_trade(t).map(|ft| ft.id));
                if !matches!(known_trade, Some(None))
                    && let Some(found) =
                        self.probable_program(&program, known_trade.flatten(), trade.as_deref())
                {
                    return found;
                }
                let Some(trade) = trade else {
                    return Err(format!(
                        "Program \"{program}\" belum ada di register dan kejuruannya tidak disebut; isi kolom Kejuruan."
                    ));
                };
                // The program is recorded even when its trade is new and not allowed, so that
                // one plan lists every creation; a new trade allowed brings its programs.
                let (trade_name, status) = self.trade_status(&trade);
                let key = format!("{}|{}", normalise(&trade_name), normalise(&program));
                let allowed =
                    self.options.new_programs.contains(&key) || status == TradeStatus::NewAllowed;
                let entry = self.unknown_programs.entry(key).or_insert((
                    trade_name.clone(),
                    program.clone(),
                    0,
                ));
                entry.2 += 1;
                if status == TradeStatus::NewRefused {
                    Err(refused_trade(&trade))
                } else if allowed {
                    // Spelled as its first row spells it: "MENJAHIT" and "Menjahit" are one
                    // program, created once.
                    Ok((trade_name, entry.1.clone(), None))
                } else {
                    Err(format!(
                        "Program \"{program}\" belum ada di register dan pembuatannya belum diizinkan."
                    ))
                }
            }
            (Some(trade), None) => {
                let (trade_name, status) = self.trade_status(&trade);
                // A trade alone: its one program, or a program of the same name.
                let programs: Vec<&ProgramRef> = find_trade(&trade_name)
                    .map(|t| {
                        snap.programs
                            .iter()
                            .filter(|p| p.trade_id == t.id)
                            .collect()
                    })
                    .unwrap_or_default();
                match programs.as_slice() {
                    [only] => Ok((trade_name, only.name.clone(), None)),
                    [] => {
                        // A new trade: its program, named after it, is created with it.
                        if find_trade(&trade_name).is_none() {
                            let key =
                                format!("{}|{}", normalise(&trade_name), normalise(&trade_name));
                            self.unknown_programs
                                .entry(key)
                                .or_insert((trade_name.clone(), trade_name.clone(), 0))
                                .2 += 1;
                        }
                        if status == TradeStatus::NewRefused {
                            return Err(refused_trade(&trade));
                        }
                        Ok((trade_name.clone(), trade_name, None))
                    }
                    _ => Err(format!(
                        "Kejuruan \"{trade_name}\" punya beberapa program; isi kolom Program Pelatihan."
                    )),
                }
            }
        }
    }

    /// A trade by its register name (a new one spelled as its first row spells it, see
    /// `training`), and whether it is known, new and allowed, or new and refused.
    fn trade_status(&mut self, typed: &str) -> (String, TradeStatus) {
        if let Some(t) = self
            .snapshot
            .trades
            .iter()
            .find(|t| normalise(&t.name) == normalise(typed))
        {
            return (t.name.clone(), TradeStatus::Known);
        }
        let key = normalise(typed);
        let allowed = self.options.new_trades.contains(&key);
        let entry = self
            .unknown_trades
            .entry(key)
            .or_insert((typed.to_owned(), 0));
        entry.1 += 1;
        let status = if allowed {
            TradeStatus::NewAllowed
        } else {
            TradeStatus::NewRefused
        };
        (entry.0.clone(), status)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TradeStatus {
    Known,
    NewAllowed,
    NewRefused,
}

/// Said of a row whose trade is new and not allowed to be created: words for the preview and
/// the command line alike (each says how to allow it beside the list of new trades).
fn refused_trade(typed: &str) -> String {
    format!("Kejuruan \"{typed}\" belum ada di register dan pembuatannya belum diizinkan.")
}

/// What one accepted row says.
struct RowData {
    nik: Option<String>,
    person: Person,
    batch: BatchKey,
    participation: Participation,
}

fn cell_of<'c>(
    cells: &'c [Cell],
    header: &HeaderGuess,
    field: Field,
) -> (&'c Cell, Option<String>) {
    static EMPTY: Cell = Cell::Empty;
    match header.column(field) {
        Some(c) => (cells.get(c).unwrap_or(&EMPTY), Some(column_letter(c))),
        None => (&EMPTY, None),
    }
}

fn add(problems: &mut Vec<Problem>, severity: Severity, column: &Option<String>, message: String) {
    problems.push(Problem {
        severity,
        column: column.clone(),
        message,
    });
}

fn has_error(problems: &[Problem]) -> bool {
    problems.iter().any(|p| p.severity == Severity::Error)
}

/// A sheet's own year: the admin's, else the one its name or the title rows above its header
/// name; with where it came from, in words. Name and title naming different years give none.
fn sheet_year(
    sheet: &Sheet,
    header: &HeaderGuess,
    options: &Options,
    this_year: i32,
) -> (Option<i32>, String) {
    if let Some(y) = options.years.get(&sheet.name) {
        return (Some(*y), format!("Tahun {y} ditetapkan untuk lembar ini."));
    }
    let from_name = values::year_in_text(&sheet.name, this_year);
    let from_title = sheet.rows.iter().take(header.row).find_map(|r| {
        let text: Vec<_> = r.cells.iter().map(Cell::as_text).collect();
        values::year_in_text(&text.join(" "), this_year).map(|y| (y, r.number))
    });
    match (from_name, from_title) {
        (Some(a), Some((b, row))) if a != b => (
            None,
            format!(
                "Nama sheet menyebut tahun {a}, judul di baris {row} menyebut {b}; tetapkan tahun untuk lembar ini."
            ),
        ),
        (Some(a), _) => (Some(a), format!("Tahun {a} diambil dari nama sheet.")),
        (None, Some((b, row))) => (
            Some(b),
            format!("Tahun {b} diambil dari judul di baris {row}."),
        ),
        (None, None) => (None, String::new()),
    }
}

#[allow(clippy::too_many_arguments)]
fn read_row(
    cells: &[Cell],
    header: &HeaderGuess,
    resolver: &mut Resolver<'_>,
    this_year: i32,
    sheet_year: Option<i32>,
    problems: &mut Vec<Problem>,
) -> Option<RowData> {
    let get = |f: Field| cell_of(cells, header, f);

    let (c, col) = get(Field::Name);
    let name = values::parse_name(c)
        .map_err(|e| add(problems, Severity::Error, &col, e))
        .ok();

    let (c, col) = get(Field::Nik);
    let nik = match values::parse_nik(c, &NationalRegions) {
        NikOutcome::Valid(n) => Some(n),
        NikOutcome::Missing => {
            add(
                problems,
                Severity::Warning,
                &col,
                "NIK kosong; alumni dicatat tanpa NIK.".into(),
            );
            None
        }
        NikOutcome::Rejected(e) => {
            add(problems, Severity::Error, &col, e);
            None
        }
    };

    // Birth place and date: separate columns or one "Tempat/Tgl Lahir".
    let (mut birth_place, mut birth_date) = (String::new(), None::<Date>);
    let (c, col) = get(Field::BirthPlaceDate);
    if !c.is_blank() {
        match values::parse_place_date_at(c, this_year) {
            Ok((p, d)) => {
                birth_place = p;
                birth_date = Some(d);
            }
            Err(e) => add(problems, Severity::Error, &col, e),
        }
    }
    let (c, _) = get(Field::BirthPlace);
    if !c.is_blank() {
        birth_place = values::clean_text(c);
    }
    let (c, col) = get(Field::BirthDate);
    match optional(c, |c| values::parse_date_at(c, this_year)) {
        Ok(Some(d)) => birth_date = Some(d),
        Ok(None) => {}
        Err(e) => add(problems, Severity::Error, &col, e),
    }

    let (c, col) = get(Field::Gender);
    let gender = match optional(c, values::parse_gender) {
        Ok(g) => g.or_else(|| nik.as_ref().map(|n| n.gender())),
        Err(e) => {
            add(problems, Severity::Error, &col, e);
            None
        }
    };
    if gender.is_none() && !has_error(problems) {
        add(
            problems,
            Severity::Error,
            &col,
            "Jenis kelamin kosong dan tidak dapat dibaca dari NIK; isi L atau P.".into(),
        );
    }
    if let Some(n) = &nik {
        for w in values::cross_check(n, birth_date, gender) {
            add(problems, Severity::Warning, &get(Field::Nik).1, w);
        }
    }

    let (c, col) = get(Field::Phone);
    let phone = match optional(c, values::parse_phone) {
        Ok(Some((p, note))) => {
            if let Some(n) = note {
                add(problems, Severity::Warning, &col, n);
            }
            Some(p.as_str().to_owned())
        }
        Ok(None) => None,
        Err(e) => {
            add(
                problems,
                Severity::Warning,
                &col,
                format!("{e} Nomor tidak disimpan."),
            );
            None
        }
    };

    // Places.
    let (c, col) = get(Field::Kecamatan);
    let typed_kec = values::clean_text(c);
    let mut kecamatan_code = None;
    if !typed_kec.is_empty() {
        match resolver.place("kecamatan", "", &typed_kec) {
            Resolved::Code(code, why) => {
                if let Some(why) = why {
                    add(problems, Severity::Note, &col, why);
                }
                kecamatan_code = Some(code);
            }
            Resolved::Ask => add(
                problems,
                Severity::Error,
                &col,
                format!(
                    "Kecamatan \"{typed_kec}\" bisa berarti beberapa kecamatan; pilih di pratinjau web, atau tulis nama lengkapnya di berkas."
                ),
            ),
            Resolved::Unknown => add(
                problems,
                Severity::Warning,
                &col,
                format!("Kecamatan \"{typed_kec}\" tidak ditemukan di kabupaten ini; dikosongkan."),
            ),
        }
    }
    let (c, col) = get(Field::Desa);
    let typed_desa = values::clean_text(c);
    let mut desa_code = None;
    if !typed_desa.is_empty() {
        let scope = kecamatan_code.clone().unwrap_or_default();
        match resolver.place("desa", &scope, &typed_desa) {
            Resolved::Code(code, why) => {
                if let Some(why) = why {
                    add(problems, Severity::Note, &col, why);
                }
                if kecamatan_code.is_none() {
                    kecamatan_code = code.rfind('.').map(|i| code[..i].to_owned());
                }
                desa_code = Some(code);
            }
            Resolved::Ask => add(
                problems,
                Severity::Error,
                &col,
                format!(
                    "Desa/kelurahan \"{typed_desa}\" bisa berarti beberapa tempat; pilih di pratinjau web, atau tulis nama lengkapnya di berkas."
                ),
            ),
            Resolved::Unknown => add(
                problems,
                Severity::Warning,
                &col,
                format!("Desa/kelurahan \"{typed_desa}\" tidak ditemukan; dikosongkan."),
            ),
        }
    }

    // Training.
    let text_of = |f: Field| {
        let t = values::clean_text(get(f).0);
        (!t.is_empty()).then_some(t)
    };
    let training = resolver.training(text_of(Field::Trade), text_of(Field::Program));
    let training_column = get(Field::Program).1.or(get(Field::Trade).1);
    let training = match training {
        Ok((trade, program, note)) => {
            if let Some(note) = note {
                add(problems, Severity::Note, &training_column, note);
            }
            Some((trade, program))
        }
        Err(e) => {
            add(problems, Severity::Error, &training_column, e);
            None
        }
    };
    let (c, col) = get(Field::Year);
    let year = match (c.is_blank(), sheet_year) {
        (true, Some(y)) => Some(y),
        (true, None) if col.is_none() => {
            add(
                problems,
                Severity::Error,
                &col,
                "Tahun tidak diketahui: lembar ini tidak punya kolom Tahun, dan nama sheet maupun judulnya tidak menyebut satu tahun; tetapkan tahun untuk lembar ini.".into(),
            );
            None
        }
        _ => match values::parse_year(c) {
            Ok(y) => Some(y),
            Err(e) => {
                add(problems, Severity::Error, &col, e);
                None
            }
        },
    };
    let (c, col) = get(Field::Batch);
    let number = match optional(c, values::parse_batch_number) {
        Ok(n) => n.unwrap_or(1),
        Err(e) => {
            add(problems, Severity::Error, &col, e);
            1
        }
    };
    let mut participation = Participation {
        placement: "belum".into(),
        ..Participation::default()
    };
    let (c, col) = get(Field::Result);
    match optional(c, values::parse_result) {
        Ok(v) => participation.result = v.map(|v| v.as_str().to_owned()),
        Err(e) => add(problems, Severity::Error, &col, e),
    }
    let (c, col) = get(Field::Competency);
    match optional(c, values::parse_competency) {
        Ok(v) => participation.competency = v.map(|v| v.as_str().to_owned()),
        Err(e) => add(problems, Severity::Error, &col, e),
    }
    let (c, col) = get(Field::Placement);
    match optional(c, values::parse_placement) {
        Ok(v) => participation.placement = v.map_or("belum".into(), |v| v.as_str().to_owned()),
        Err(e) => add(problems, Severity::Error, &col, e),
    }
    participation.cert_number = text_of(Field::CertNumber);
    participation.cert_issuer = text_of(Field::CertIssuer);
    let (c, col) = get(Field::CertDate);
    match optional(c, |c| values::parse_date_at(c, this_year)) {
        Ok(d) => participation.cert_date = d.map(to_iso),
        Err(e) => add(problems, Severity::Error, &col, e),
    }

    if has_error(problems) {
        return None;
    }
    let (trade, program) = training?;
    Some(RowData {
        nik: nik.map(|n| n.as_str().to_owned()),
        person: Person {
            full_name: name?,
            gender: match gender? {
                Gender::L => "L".into(),
                Gender::P => "P".into(),
            },
            birth_place,
            birth_date: birth_date.map(to_iso),
            phone,
            address: text_of(Field::Address).unwrap_or_default(),
            kecamatan_code,
            desa_code,
            education: text_of(Field::Education).unwrap_or_default(),
        },
        batch: BatchKey {
            trade,
            program,
            year: year?,
            number,
        },
        participation,
    })
}

/// Differences between what is stored and what the file says, in words; empty incoming values
/// keep what is stored, and so does text that differs only in case, spacing or punctuation
/// (`normalise`): "SITI AMINAH" in one file and "Siti Aminah" in the next is no change.
fn merge_person(stored: &Person, incoming: &Person) -> (Person, Vec<String>) {
    let mut merged = stored.clone();
    let mut changes = Vec::new();
    let mut text = |label: &str, old: &mut String, new: &String| {
        if !new.is_empty() && normalise(old) != normalise(new) {
            changes.push(format!(
                "{label}: {} → {new}",
                if old.is_empty() { "—" } else { old.as_str() }
            ));
            *old = new.clone();
        }
    };
    text("nama", &mut merged.full_name, &incoming.full_name);
    text("jenis kelamin", &mut merged.gender, &incoming.gender);
    text(
        "tempat lahir",
        &mut merged.birth_place,
        &incoming.birth_place,
    );
    text("alamat", &mut merged.address, &incoming.address);
    text("pendidikan", &mut merged.education, &incoming.education);
    let mut opt = |label: &str, old: &mut Option<String>, new: &Option<String>| {
        if new.is_some() && old != new {
            changes.push(format!(
                "{label}: {} → {}",
                old.as_deref().unwrap_or("—"),
                new.as_deref().unwrap_or("—")
            ));
            *old = new.clone();
        }
    };
    opt(
        "tanggal lahir",
        &mut merged.birth_date,
        &incoming.birth_date,
    );
    opt("nomor WhatsApp", &mut merged.phone, &incoming.phone);
    opt(
        "kecamatan",
        &mut merged.kecamatan_code,
        &incoming.kecamatan_code,
    );
    opt("desa", &mut merged.desa_code, &incoming.desa_code);
    (merged, changes)
}

fn merge_participation(
    stored: &Participation,
    incoming: &Participation,
) -> (Participation, Vec<String>) {
    let mut merged = stored.clone();
    let mut changes = Vec::new();
    let mut opt = |label: &str, old: &mut Option<String>, new: &Option<String>| {
        if new.is_some() && old != new {
            changes.push(format!(
                "{label}: {} → {}",
                old.as_deref().unwrap_or("—"),
                new.as_deref().unwrap_or("—")
            ));
            *old = new.clone();
        }
    };
    opt("hasil", &mut merged.result, &incoming.result);
    opt("kompetensi", &mut merged.competency, &incoming.competency);
    opt(
        "nomor sertifikat",
        &mut merged.cert_number,
        &incoming.cert_number,
    );
    opt(
        "penerbit sertifikat",
        &mut merged.cert_issuer,
        &incoming.cert_issuer,
    );
    opt(
        "tanggal sertifikat",
        &mut merged.cert_date,
        &incoming.cert_date,
    );
    if incoming.placement != "belum" && merged.placement != incoming.placement {
        changes.push(format!(
            "penempatan: {} → {}",
            merged.placement, incoming.placement
        ));
        merged.placement = incoming.placement.clone();
    }
    (merged, changes)
}

impl Snapshot {
    fn batch_id(&self, key: &BatchKey) -> Option<i64> {
        let trade = self
            .trades
            .iter()
            .find(|t| normalise(&t.name) == normalise(&key.trade))?;
        let program = self
            .programs
            .iter()
            .find(|p| p.trade_id == trade.id && normalise(&p.name) == normalise(&key.program))?;
        self.batches
            .iter()
            .find(|b| b.program_id == program.id && b.year == key.year && b.number == key.number)
            .map(|b| b.id)
    }
}

/// Plans the import of `workbook` into the register `snapshot`. `nik_hash` is the keyed hash
/// under which NIKs are stored.
pub fn plan(
    workbook: &Workbook,
    snapshot: &Snapshot,
    options: &Options,
    nik_hash: &dyn Fn(&str) -> String,
) -> Plan {
    let this_year = values::current_year();
    let mut desa_by_kecamatan: HashMap<String, Vec<Region>> = HashMap::new();
    for d in &snapshot.desa {
        if let Some(parent) = d.parent_code() {
            desa_by_kecamatan
                .entry(parent.to_owned())
                .or_default()
                .push(d.clone());
        }
    }
    let mut resolver = Resolver {
        snapshot,
        options,
        kecamatan: RegionMatcher::new(&snapshot.kecamatan),
        desa_by_kecamatan: desa_by_kecamatan
            .iter()
            .map(|(k, v)| (k.clone(), RegionMatcher::new(v)))
            .collect(),
        all_desa: RegionMatcher::new(&snapshot.desa),
        places: BTreeMap::new(),
        unknown_trades: BTreeMap::new(),
        unknown_programs: BTreeMap::new(),
        program_questions: BTreeMap::new(),
    };
    let mut plan = Plan::default();
    // People by NIK (or name + birth date when there is none), to merge rows of one person.
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut new_batches: BTreeSet<BatchKey> = BTreeSet::new();

    for sheet in &workbook.sheets {
        let grid: Vec<Vec<Cell>> = sheet
            .rows
            .iter()
            .take(40)
            .map(|r| r.cells.clone())
            .collect();
        let header = header_for(sheet, &grid, options);
        let selected = options.sheets.is_empty() || options.sheets.contains(&sheet.name);
        let Some(header) = header.filter(|h| h.is_sufficient()) else {
            plan.sheets.push(SheetReading {
                name: sheet.name.clone(),
                header_row: None,
                columns: Vec::new(),
                selected: false,
                year: None,
                year_set: options.years.get(&sheet.name).copied(),
                year_note: None,
                year_missing: false,
                message: Some(if sheet.rows.is_empty() {
                    "Lembar kosong.".into()
                } else {
                    "Baris judul kolom tidak ditemukan (perlu minimal kolom Nama dan NIK, tanggal lahir, HP, atau program); atur pemetaan kolom.".into()
                }),
            });
            continue;
        };
        let header_cells = sheet
            .rows
            .get(header.row)
            .map(|r| r.cells.clone())
            .unwrap_or_default();
        let width = header.columns.len().max(header_cells.len());
        let (year, said) = sheet_year(sheet, &header, options, this_year);
        let has_year_column = header.column(Field::Year).is_some();
        let year_note = match year {
            Some(y) if has_year_column => Some(format!(
                "{said} Kolom Tahun dipakai; baris yang tahunnya kosong memakai {y}."
            )),
            _ if !said.is_empty() => Some(said),
            None if !has_year_column => Some(
                "Tidak ada kolom Tahun, dan nama sheet maupun judulnya tidak menyebut satu tahun; tetapkan tahun untuk lembar ini.".into(),
            ),
            _ => None,
        };
        plan.sheets.push(SheetReading {
            year,
            year_set: options.years.get(&sheet.name).copied(),
            year_note,
            year_missing: year.is_none() && !has_year_column,
            name: sheet.name.clone(),
            header_row: sheet.rows.get(header.row).map(|r| r.number),
            columns: (0..width)
                .map(|c| {
                    (
                        column_letter(c),
                        header_cells
                            .get(c)
                            .map(|x| x.as_text().into_owned())
                            .unwrap_or_default(),
                        header
                            .columns
                            .get(c)
                            .copied()
                            .flatten()
                            .map(|f| f.key().to_owned())
                            .unwrap_or_default(),
                    )
                })
                .collect(),
            selected,
            message: None,
        });
        if !selected {
            continue;
        }
        for row in sheet.rows.iter().skip(header.row + 1) {
            if row.is_blank() || header.is_repeated_header(&row.cells) {
                continue;
            }
            // A row with nothing in the name column and at most one other value is a block title
            // or a page number, not a person.
            let filled = row.cells.iter().filter(|c| !c.is_blank()).count();
            let name_blank = header
                .column(Field::Name)
                .is_none_or(|c| row.cells.get(c).is_none_or(Cell::is_blank));
            if name_blank && filled <= 1 {
                continue;
            }
            let mut problems = Vec::new();
            let data = read_row(
                &row.cells,
                &header,
                &mut resolver,
                this_year,
                year,
                &mut problems,
            );
            let name = header
                .column(Field::Name)
                .and_then(|c| row.cells.get(c))
                .map(values::clean_text)
                .unwrap_or_default();
            let Some(data) = data else {
                plan.rows.push(RowPlan {
                    sheet: sheet.name.clone(),
                    row: row.number,
                    status: RowStatus::Rejected,
                    problems,
                    changes: Vec::new(),
                    name,
                    person: None,
                });
                continue;
            };
            let key = match &data.nik {
                Some(n) => format!("nik:{n}"),
                None => format!(
                    "nama:{}|{}",
                    normalise(&data.person.full_name),
                    data.person.birth_date.clone().unwrap_or_default()
                ),
            };
            let (person_index, first_row) = match index.get(&key) {
                Some(i) => (*i, false),
                None => {
                    let existing = match &data.nik {
                        Some(n) => snapshot.alumni_by_nik.get(&nik_hash(n)).cloned(),
                        None => snapshot
                            .alumni_by_name_birth
                            .get(&(
                                normalise(&data.person.full_name),
                                data.person.birth_date.clone().unwrap_or_default(),
                            ))
                            .cloned(),
                    };
                    plan.people.push(PersonPlan {
                        person: existing
                            .as_ref()
                            .map(|e| e.person.clone())
                            .unwrap_or_default(),
                        existing,
                        nik: data.nik.clone(),
                        participations: Vec::new(),
                        first: (data.person.clone(), sheet.name.clone(), row.number),
                    });
                    index.insert(key, plan.people.len() - 1);
                    (plan.people.len() - 1, true)
                }
            };
            if !first_row {
                problems.push(Problem {
                    severity: Severity::Note,
                    column: None,
                    message: "Orang yang sama (NIK sama) sudah ada di baris lain; digabung menjadi satu alumni.".into(),
                });
            }
            let person_plan = &mut plan.people[person_index];
            let is_new_person = person_plan.existing.is_none() && first_row;
            let mut changes = Vec::new();
            if first_row {
                if is_new_person {
                    person_plan.person = data.person.clone();
                } else {
                    let (merged, c) = merge_person(&person_plan.person, &data.person);
                    person_plan.person = merged;
                    changes = c;
                }
            } else {
                // Later rows of the same person add training; their personal data must agree with
                // the first row, which is the one used.
                let (first, first_sheet, first_row_number) = &person_plan.first;
                let (_, differences) = merge_person(first, &data.person);
                if !differences.is_empty() {
                    problems.push(Problem {
                        severity: Severity::Warning,
                        column: None,
                        message: format!(
                            "Data diri berbeda dengan baris {first_row_number} lembar {first_sheet} untuk orang yang sama ({}); yang dipakai data baris {first_row_number}.",
                            differences.join("; ")
                        ),
                    });
                }
            }

            // The participation: new, changed, or as stored.
            let batch_id = snapshot.batch_id(&data.batch);
            if batch_id.is_none() {
                new_batches.insert(data.batch.clone());
            }
            let stored = match (&person_plan.existing, batch_id) {
                (Some(e), Some(b)) => snapshot.participations.get(&(e.id, b)).cloned(),
                _ => None,
            };
            let earlier = person_plan
                .participations
                .iter()
                .position(|(k, _, _)| *k == data.batch);
            let mut participation_created = false;
            match (earlier, stored) {
                (Some(i), _) => {
                    let (merged, c) =
                        merge_participation(&person_plan.participations[i].1, &data.participation);
                    person_plan.participations[i].1 = merged;
                    changes.extend(c);
                }
                (None, Some(stored)) => {
                    let (merged, c) = merge_participation(&stored, &data.participation);
                    if !c.is_empty() {
                        person_plan
                            .participations
                            .push((data.batch.clone(), merged, Some(stored)));
                        changes.extend(c);
                    }
                }
                (None, None) => {
                    person_plan.participations.push((
                        data.batch.clone(),
                        data.participation.clone(),
                        None,
                    ));
                    participation_created = true;
                }
            }
            let status =
                if person_plan.existing.is_none() && (is_new_person || participation_created) {
                    RowStatus::Created
                } else if participation_created {
                    changes.insert(
                        0,
                        format!("pelatihan baru: {} {}", data.batch.program, data.batch.year),
                    );
                    RowStatus::Updated
                } else if changes.is_empty() {
                    RowStatus::Unchanged
                } else {
                    RowStatus::Updated
                };
            plan.rows.push(RowPlan {
                sheet: sheet.name.clone(),
                row: row.number,
                status,
                problems,
                changes,
                name,
                person: Some(person_index),
            });
        }
    }
    let new_batches =
        one_program_for_trade_alone(&mut resolver.unknown_programs, &mut plan, new_batches);
    plan.new_batches = new_batches.into_iter().collect();
    plan.places = resolver.places.into_values().collect();
    plan.programs = resolver.program_questions.into_values().collect();
    // A new trade allowed brings the programs the file names under it.
    let resolver_new_trades: BTreeSet<String> = resolver
        .unknown_trades
        .keys()
        .filter(|k| options.new_trades.contains(*k))
        .cloned()
        .collect();
    plan.unknown_trades = resolver
        .unknown_trades
        .into_iter()
        .map(|(key, (name, rows))| (name, options.new_trades.contains(&key), rows))
        .collect();
    plan.unknown_programs = resolver
        .unknown_programs
        .into_iter()
        .map(|(key, (trade, program, rows))| {
            let allowed = options.new_programs.contains(&key)
                || resolver_new_trades.contains(&normalise(&trade));
            (trade, program, allowed, rows)
        })
        .collect();
    plan
}

/// A new trade given alone gets a program named after it (see `Resolver::training`). When the
/// same file names exactly one program under that trade, the rows that give the trade alone
/// mean that program: the trade is created with the one program, not with two. Returns the
/// batches to create, remapped.
fn one_program_for_trade_alone(
    unknown_programs: &mut BTreeMap<String, (String, String, usize)>,
    plan: &mut Plan,
    new_batches: BTreeSet<BatchKey>,
) -> BTreeSet<BatchKey> {
    let mut meant: HashMap<String, String> = HashMap::new();
    for (trade, program, _) in unknown_programs.values() {
        let t = normalise(trade);
        if normalise(program) != t || meant.contains_key(&t) {
            continue;
        }
        let named: Vec<&String> = unknown_programs
            .values()
            .filter(|(tr, pr, _)| normalise(tr) == t && normalise(pr) != t)
            .map(|(_, pr, _)| pr)
            .collect();
        if let [only] = named.as_slice() {
            meant.insert(t, (*only).clone());
        }
    }
    if meant.is_empty() {
        return new_batches;
    }
    let remap = |key: &BatchKey| -> BatchKey {
        let t = normalise(&key.trade);
        match meant.get(&t) {
            Some(program) if normalise(&key.program) == t => BatchKey {
                program: program.clone(),
                ..key.clone()
            },
            _ => key.clone(),
        }
    };
    for (t, program) in &meant {
        if let Some((_, _, rows)) = unknown_programs.remove(&format!("{t}|{t}")) {
            let key = format!("{t}|{}", normalise(program));
            if let Some(entry) = unknown_programs.get_mut(&key) {
                entry.2 += rows;
            }
        }
    }
    for person in &mut plan.people {
        let mut seen: BTreeSet<BatchKey> = BTreeSet::new();
        person.participations.retain_mut(|(key, _, _)| {
            *key = remap(key);
            seen.insert(key.clone())
        });
    }
    new_batches.iter().map(remap).collect()
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
