//! Helpers shared by the fuzz targets: turning fuzzer bytes into cells, grids and workbooks,
//! and a register snapshot like the demo district's.
//!
//! The text format of a grid (used by `field_parsers` for `detect_header` and by `plan`):
//! lines are rows, `|` or a tab separates cells, and a cell's first character may give its
//! kind — `#12.5` a number, `@36000` an Excel date serial, `?1`/`?0` a boolean, `!N/A` an error
//! value; anything else is text, and a blank cell is empty. A form feed (`\x0c`) starts a new
//! sheet.

use std::sync::OnceLock;

use karya::domain::import::Cell;
use karya::domain::region::{Region, RegionLevel, embedded_children};
use karya::import::plan::{BatchRef, ProgramRef, Snapshot, TradeRef};
use karya::import::{Format, Row, Sheet, Workbook};

/// The "current year" given to the parsers, so that a crash reproduces whatever the date.
pub const THIS_YEAR: i32 = 2026;

/// One cell from its text form (see the module documentation).
pub fn cell(text: &str) -> Cell {
    let number = |s: &str| s.trim().parse::<f64>().ok();
    if text.trim().is_empty() {
        return Cell::Empty;
    }
    let mut chars = text.chars();
    match chars.next() {
        Some('#') => number(chars.as_str()).map_or_else(|| Cell::Text(text.into()), Cell::Number),
        Some('@') => number(chars.as_str()).map_or_else(|| Cell::Text(text.into()), Cell::DateTime),
        Some('?') => Cell::Bool(chars.as_str().starts_with('1')),
        Some('!') => Cell::Error(chars.as_str().into()),
        _ => Cell::Text(text.into()),
    }
}

/// Rows of cells from text (one sheet).
pub fn grid(text: &str) -> Vec<Vec<Cell>> {
    text.split('\n')
        .map(|line| {
            let mut cells: Vec<Cell> = line
                .trim_end_matches('\r')
                .split(['|', '\t'])
                .map(cell)
                .collect();
            // As the reader does: no trailing empty cells.
            while cells.last() == Some(&Cell::Empty) {
                cells.pop();
            }
            cells
        })
        .collect()
}

/// A workbook as [`karya::import::read_workbook`] would hand it over: sheets split at form
/// feeds, leading and trailing blank rows dropped, row numbers from `first_row`.
pub fn workbook(text: &str, first_row: u32) -> Workbook {
    let sheets = text
        .split('\x0c')
        .enumerate()
        .map(|(i, part)| {
            let mut rows: Vec<Row> = grid(part)
                .into_iter()
                .enumerate()
                .map(|(n, cells)| Row {
                    number: first_row + n as u32,
                    cells,
                })
                .collect();
            while rows.last().is_some_and(|r| r.cells.is_empty()) {
                rows.pop();
            }
            let lead = rows.iter().take_while(|r| r.cells.is_empty()).count();
            rows.drain(..lead);
            Sheet {
                name: format!("Lembar{}", i + 1),
                rows,
            }
        })
        .collect();
    Workbook {
        format: Format::Xlsx,
        sheets,
    }
}

/// The kecamatan of Tanjung Jabung Timur (15.07) from the embedded region list.
pub fn kecamatan() -> &'static [Region] {
    static K: OnceLock<Vec<Region>> = OnceLock::new();
    K.get_or_init(|| embedded_children("15.07"))
}

/// Their desa and kelurahan.
pub fn desa() -> &'static [Region] {
    static D: OnceLock<Vec<Region>> = OnceLock::new();
    D.get_or_init(|| {
        kecamatan()
            .iter()
            .flat_map(|k| embedded_children(&k.code))
            .filter(|r| matches!(r.level, RegionLevel::Desa | RegionLevel::Kelurahan))
            .collect()
    })
}

/// The trades and programs of the demo register (`src/demo.rs`).
pub const DEMO_TRADES: &[(&str, &str)] = &[
    ("Tata Boga", "Pembuatan Roti dan Kue"),
    ("Teknik Pendingin dan Tata Udara", "Perawatan AC Split"),
    ("Menjahit", "Menjahit / Asisten Pembuat Pakaian"),
    ("Tata Kecantikan", "Tata Kecantikan Rambut"),
    ("Teknologi Informasi dan Komunikasi", "Operasi Komputer"),
    ("Otomotif Sepeda Motor", "Service Sepeda Motor"),
    ("Instalasi Listrik", "Pemasangan Instalasi Listrik"),
];

/// A register like the demo district's: its trades and programs, a batch per program and year
/// 2017–2026, the kecamatan and desa of Tanjabtim; no alumni.
pub fn demo_snapshot() -> &'static Snapshot {
    static S: OnceLock<Snapshot> = OnceLock::new();
    S.get_or_init(|| {
        let mut s = Snapshot::default();
        for (i, (trade, program)) in DEMO_TRADES.iter().enumerate() {
            let id = i as i64 + 1;
            s.trades.push(TradeRef {
                id,
                name: (*trade).into(),
            });
            s.programs.push(ProgramRef {
                id,
                trade_id: id,
                name: (*program).into(),
            });
            for year in 2017..=2026 {
                s.batches.push(BatchRef {
                    id: id * 100 + i64::from(year - 2000),
                    program_id: id,
                    year,
                    number: 1,
                });
            }
        }
        s.kecamatan = kecamatan().to_vec();
        s.desa = desa().to_vec();
        s
    })
}

/// What `read_workbook` promises about a workbook it returns (see `src/import/read.rs`).
pub fn check_workbook(book: &Workbook) {
    assert!(
        book.sheets.iter().any(|s| !s.is_empty()),
        "a workbook is returned only when some sheet holds a value"
    );
    let mut slots = 0usize;
    for sheet in &book.sheets {
        slots += sheet.rows.len();
        if let (Some(first), Some(last)) = (sheet.rows.first(), sheet.rows.last()) {
            assert!(first.number >= 1, "row numbers are 1-based");
            assert!(!first.is_blank(), "leading empty rows are dropped");
            assert!(!last.is_blank(), "trailing empty rows are dropped");
        }
        for pair in sheet.rows.windows(2) {
            assert_eq!(
                pair[1].number,
                pair[0].number + 1,
                "rows are contiguous in sheet {:?}",
                sheet.name
            );
        }
        for row in &sheet.rows {
            slots += row.cells.len();
            assert!(
                row.cells.last() != Some(&Cell::Empty),
                "trailing empty cells are not stored (sheet {:?} row {})",
                sheet.name,
                row.number
            );
            for c in &row.cells {
                if let Cell::Text(t) = c {
                    assert!(!t.trim().is_empty(), "blank text is read as Empty");
                }
                if book.format == Format::Csv {
                    assert!(
                        matches!(c, Cell::Text(_) | Cell::Empty),
                        "CSV gives text only"
                    );
                }
            }
        }
    }
    // The budget counts a slot per row and per stored cell.
    assert!(
        slots <= karya::import::MAX_CELLS + book.sheets.len(),
        "more than MAX_CELLS slots"
    );
}
