//! What an import plan is made of: the register snapshot a plan is computed against, the
//! admin's choices, and the plan itself (rows, people, batches, counts). Plain data shared by
//! the planner (`crate::import::plan`), the storage that reads the snapshot and applies a plan
//! (`crate::db::imports`), and the pages that show it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::domain::region::Region;

/// The register as it is, as far as an import needs it.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub trades: Vec<TradeRef>,
    pub programs: Vec<ProgramRef>,
    pub batches: Vec<BatchRef>,
    /// Existing alumni by the keyed hash of their NIK.
    pub alumni_by_nik: HashMap<String, Existing>,
    /// Existing alumni without a NIK, by normalised name and birth date.
    pub alumni_by_name_birth: HashMap<(String, String), Existing>,
    /// Existing participations by (alumnus, batch).
    pub participations: HashMap<(i64, i64), Participation>,
    /// The instance's kecamatan, and the desa/kelurahan under them.
    pub kecamatan: Vec<Region>,
    pub desa: Vec<Region>,
}

#[derive(Debug, Clone)]
pub struct TradeRef {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct ProgramRef {
    pub id: i64,
    pub trade_id: i64,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct BatchRef {
    pub id: i64,
    pub program_id: i64,
    pub year: i32,
    pub number: u32,
}

/// The personal data an import may set. Empty incoming values never erase stored ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Person {
    pub full_name: String,
    pub gender: String,
    pub birth_place: String,
    pub birth_date: Option<String>,
    pub phone: Option<String>,
    pub address: String,
    pub kecamatan_code: Option<String>,
    pub desa_code: Option<String>,
    pub education: String,
}

#[derive(Debug, Clone)]
pub struct Existing {
    pub id: i64,
    pub person: Person,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Participation {
    pub result: Option<String>,
    pub competency: Option<String>,
    pub cert_number: Option<String>,
    pub cert_issuer: Option<String>,
    pub cert_date: Option<String>,
    pub placement: String,
}

/// The admin's choices, kept with the uploaded file between preview and confirmation.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Options {
    /// Sheets to import; empty means every sheet with a recognisable header.
    #[serde(default)]
    pub sheets: Vec<String>,
    /// Per sheet: the header row (as the spreadsheet numbers it) and the field of each column.
    #[serde(default)]
    pub mappings: BTreeMap<String, Mapping>,
    /// How an ambiguous place name is to be read: "kecamatan:<typed>" or "desa:<kecamatan code>:<typed>" → code.
    #[serde(default)]
    pub places: BTreeMap<String, String>,
    /// Trades (by name as typed) the admin allowed to be created.
    #[serde(default)]
    pub new_trades: BTreeSet<String>,
    /// Programs ("trade|program" as typed) the admin allowed to be created.
    #[serde(default)]
    pub new_programs: BTreeSet<String>,
    /// Per sheet: the training year of its rows, set by the admin (a sheet without a Tahun
    /// column, or one whose name or title says the wrong year). Fills rows whose Tahun is empty.
    #[serde(default)]
    pub years: BTreeMap<String, i32>,
    /// How a program name that fits several programs is to be read: [`ProgramQuestion::key`]
    /// → program id.
    #[serde(default)]
    pub programs: BTreeMap<String, i64>,
}

impl Options {
    /// Allows every trade and program `plan` found missing (`karya import alumni
    /// --create-missing`): the same creations the preview offers to tick.
    pub fn allow_missing(&mut self, plan: &Plan) {
        for (name, _, _) in &plan.unknown_trades {
            self.new_trades.insert(normalise(name));
        }
        for (trade, program, _, _) in &plan.unknown_programs {
            self.new_programs
                .insert(format!("{}|{}", normalise(trade), normalise(program)));
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Mapping {
    pub header_row: u32,
    /// `Field::key()` per column, "" for an ignored column.
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Severity {
    /// The row is not imported.
    Error,
    /// Imported, but the agency should look.
    Warning,
    /// How a value was read (a place name matched, a value normalised).
    Note,
}

#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub severity: Severity,
    /// Spreadsheet column letter, when the problem belongs to one cell.
    pub column: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RowStatus {
    Created,
    Updated,
    Unchanged,
    Rejected,
}

impl RowStatus {
    /// The word in the preview, the report and the CLI summary.
    pub fn word(self) -> &'static str {
        match self {
            RowStatus::Created => "dibuat",
            RowStatus::Updated => "diperbarui",
            RowStatus::Unchanged => "tetap",
            RowStatus::Rejected => "ditolak",
        }
    }
}

/// One data row of one sheet and what happens to it.
#[derive(Debug, Clone)]
pub struct RowPlan {
    pub sheet: String,
    pub row: u32,
    pub status: RowStatus,
    pub problems: Vec<Problem>,
    /// What changes on an existing record, in words.
    pub changes: Vec<String>,
    pub name: String,
    /// Index into `Plan::people` when the row was accepted.
    pub person: Option<usize>,
}

/// An alumnus the import creates or updates, gathered from all of their rows.
#[derive(Debug, Clone)]
pub struct PersonPlan {
    pub existing: Option<Existing>,
    pub nik: Option<String>,
    pub person: Person,
    /// Batch → participation, new or changed ones only.
    pub participations: Vec<(BatchKey, Participation, Option<Participation>)>,
    /// The personal data as the first row of this person gave it, and where that row is.
    pub(crate) first: (Person, String, u32),
}

/// A batch by what the file says: trade and program names as resolved, year and number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct BatchKey {
    pub trade: String,
    pub program: String,
    pub year: i32,
    pub number: u32,
}

/// A place name that needs the admin's choice.
#[derive(Debug, Clone, Serialize)]
pub struct PlaceQuestion {
    /// The key for `Options::places`.
    pub key: String,
    pub typed: String,
    pub level: &'static str,
    pub candidates: Vec<(String, String)>,
    pub rows: usize,
}

/// A program name, as people write it, that fits several programs of the register.
#[derive(Debug, Clone, Serialize)]
pub struct ProgramQuestion {
    /// The key for `Options::programs`.
    pub key: String,
    pub typed: String,
    /// (program id, "program (kejuruan trade)")
    pub candidates: Vec<(i64, String)>,
    pub rows: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct SheetReading {
    pub name: String,
    pub header_row: Option<u32>,
    /// (column letter, header text, field key or "")
    pub columns: Vec<(String, String, String)>,
    pub selected: bool,
    pub message: Option<String>,
    /// The sheet's own year (set by the admin, or read from its name or title rows), used for
    /// rows without a year of their own.
    pub year: Option<i32>,
    /// The year the admin set for this sheet, if any.
    pub year_set: Option<i32>,
    /// Where the sheet's year came from, in words ("Tahun 2019 diambil dari nama sheet.").
    pub year_note: Option<String>,
    /// No Tahun column and no year of its own: every row needs the admin to set one.
    pub year_missing: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub sheets: Vec<SheetReading>,
    pub rows: Vec<RowPlan>,
    pub people: Vec<PersonPlan>,
    /// Trades and programs not in the register: (name, allowed, rows needing it).
    pub unknown_trades: Vec<(String, bool, usize)>,
    pub unknown_programs: Vec<(String, String, bool, usize)>,
    /// Batches that will be created (their dates to be completed by the agency).
    pub new_batches: Vec<BatchKey>,
    pub places: Vec<PlaceQuestion>,
    pub programs: Vec<ProgramQuestion>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
    pub warnings: usize,
}

impl Counts {
    /// The machine-readable summary line of the CLI.
    pub fn summary_line(&self) -> String {
        format!(
            "dibuat={} diperbarui={} tetap={} ditolak={} peringatan={}",
            self.created, self.updated, self.unchanged, self.rejected, self.warnings
        )
    }
}

impl Counts {
    /// Reads a stored summary line back (`dibuat=313 diperbarui=0 …`); `None` for other text.
    pub fn parse_line(line: &str) -> Option<Counts> {
        let mut c = Counts::default();
        let mut seen = 0;
        for part in line.split_whitespace() {
            let (key, n) = part.split_once('=')?;
            let n: usize = n.parse().ok()?;
            match key {
                "dibuat" => c.created = n,
                "diperbarui" => c.updated = n,
                "tetap" => c.unchanged = n,
                "ditolak" => c.rejected = n,
                "peringatan" => c.warnings = n,
                _ => return None,
            }
            seen += 1;
        }
        (seen > 0).then_some(c)
    }

    /// The summary as a sentence for the admin: "313 baris menjadi data alumni baru, tidak ada
    /// data lama yang diperbarui, …".
    pub fn sentence(&self) -> String {
        let mut parts = vec![match self.created {
            0 => "tidak ada data alumni baru".to_owned(),
            n => format!("{n} baris menjadi data alumni baru"),
        }];
        parts.push(match self.updated {
            0 => "tidak ada data lama yang diperbarui".to_owned(),
            n => format!("{n} data alumni yang sudah ada diperbarui"),
        });
        if self.unchanged > 0 {
            parts.push(format!(
                "{} baris sama dengan data yang sudah ada, jadi dibiarkan",
                self.unchanged
            ));
        }
        if self.rejected > 0 {
            parts.push(format!(
                "{} baris ditolak dan tidak disimpan (lihat alasannya di laporan)",
                self.rejected
            ));
        }
        if self.warnings > 0 {
            parts.push(format!(
                "{} baris disimpan dengan peringatan yang perlu diperiksa",
                self.warnings
            ));
        }
        let mut text = parts.join(", ");
        if let Some(first) = text.get(..1) {
            text = first.to_uppercase() + &text[1..];
        }
        text + "."
    }
}

impl Plan {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for r in &self.rows {
            match r.status {
                RowStatus::Created => c.created += 1,
                RowStatus::Updated => c.updated += 1,
                RowStatus::Unchanged => c.unchanged += 1,
                RowStatus::Rejected => c.rejected += 1,
            }
            c.warnings += r
                .problems
                .iter()
                .filter(|p| p.severity == Severity::Warning)
                .count();
        }
        c
    }
}

/// How names of trades, programs and people compare: [`text::fold`] (lower case, accents
/// removed, single spaces, no punctuation), under the name the import code has always used.
pub use crate::domain::text::fold as normalise;

#[cfg(test)]
mod sentence_tests {
    use super::Counts;

    #[test]
    fn the_summary_line_reads_as_a_sentence() {
        let c = Counts::parse_line("dibuat=313 diperbarui=0 tetap=0 ditolak=2 peringatan=0")
            .expect("a summary line");
        assert_eq!(c.created, 313);
        assert_eq!(
            c.sentence(),
            "313 baris menjadi data alumni baru, tidak ada data lama yang diperbarui, 2 baris \
             ditolak dan tidak disimpan (lihat alasannya di laporan)."
        );
        assert_eq!(Counts::parse_line("gagal membaca berkas"), None);
        assert_eq!(Counts::parse_line(&c.summary_line()), Some(c));
    }
}
