//! The import report: the original rows of each sheet plus a "Status" and a "Pesan" column.
//!
//! One worksheet per imported sheet. Row 1 is the header (bold, frozen, with an autofilter);
//! the original cells keep their kind (text stays text, numbers numbers, dates dates); the
//! status cell is tinted by outcome and the message column wraps.
//!
//! A report comes with every NIK as the file had it, or masked ([`NikShown`]): the NIK column
//! shows `Nik::masked` (what the register shows) or nothing of a value that is not a valid NIK,
//! and a valid NIK anywhere else in the sheet is masked too.

use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, Worksheet, XlsxError};

use std::collections::HashMap;

use super::Cell;
use super::plan::{Plan, RowPlan, RowStatus, Severity};
use super::read::{ReadError, read_workbook};
use crate::domain::import::header::{Field, detect_header};
use crate::domain::nik::Nik;

/// Status values used in the report and in the CLI's closing summary line.
pub mod status {
    pub const DIBUAT: &str = "dibuat";
    pub const DIPERBARUI: &str = "diperbarui";
    pub const TETAP: &str = "tetap";
    pub const DITOLAK: &str = "ditolak";
    pub const PERINGATAN: &str = "peringatan";
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportSheet {
    /// The name of the original sheet (made a valid, unique worksheet name when written).
    pub name: String,
    /// The original header cells, one per column.
    pub header: Vec<String>,
    pub rows: Vec<ReportRow>,
    /// The column (from 0) read as the NIK, when there is one.
    pub nik_column: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    /// The original cells, from the first column.
    pub cells: Vec<Cell>,
    /// One of [`status`]; other values are written as they are, untinted.
    pub status: String,
    /// Indonesian explanation; several problems may be joined with "; " or new lines.
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("Laporan impor tidak dapat dibuat: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("Laporan impor tidak dapat dibaca: {}", .0.message())]
    Read(ReadError),
    #[error("Berkas ini bukan laporan impor Karya.")]
    NotAReport,
}

/// How a report shows NIKs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NikShown {
    /// As the file had them: only for staff who may export full NIKs (the download is audited).
    Full,
    /// Masked as everywhere else in Karya (the default download).
    Masked,
}

/// The report of one applied import, in both forms.
pub struct Reports {
    pub full: Vec<u8>,
    pub masked: Vec<u8>,
}

/// What a masked report shows for a NIK cell holding no valid NIK (a NIK Excel cut short, a
/// typo): none of its digits, since most of a real NIK is still personal data.
pub const HIDDEN_NIK: &str = "(disembunyikan)";

/// Excel's limit on the characters in one cell.
const MAX_CELL_CHARS: usize = 32_767;
/// Data columns are at most this wide (in characters); longer text wraps.
const MAX_WIDTH: usize = 50;
const MIN_WIDTH: usize = 6;
const STATUS_WIDTH: f64 = 13.0;
const MESSAGE_WIDTH: f64 = 70.0;

struct Formats {
    header: Format,
    wrap: Format,
    date: Format,
    datetime: Format,
    integer: Format,
    status: [(&'static str, Format); 4],
    status_plain: Format,
}

impl Formats {
    fn new() -> Self {
        let tinted = |rgb: u32| Format::new().set_background_color(Color::RGB(rgb));
        Formats {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_border_bottom(FormatBorder::Thin),
            wrap: Format::new().set_text_wrap(),
            date: Format::new().set_num_format("dd-mm-yyyy"),
            datetime: Format::new().set_num_format("dd-mm-yyyy hh:mm"),
            // Long whole numbers (a NIK typed as a number) in full, not as 1,50702E+15.
            integer: Format::new().set_num_format("0"),
            status: [
                (status::DIBUAT, tinted(0xC6EFCE)),
                (status::DIPERBARUI, tinted(0xDDEBF7)),
                (status::DITOLAK, tinted(0xFFC7CE)),
                (status::PERINGATAN, tinted(0xFFEB9C)),
            ],
            status_plain: Format::new(),
        }
    }

    fn for_status(&self, status: &str) -> &Format {
        self.status
            .iter()
            .find(|(s, _)| *s == status)
            .map_or(&self.status_plain, |(_, f)| f)
    }
}

/// Write the report as `.xlsx` bytes.
pub fn write_report(sheets: &[ReportSheet]) -> Result<Vec<u8>, ReportError> {
    let mut workbook = Workbook::new();
    let formats = Formats::new();
    let mut used_names: Vec<String> = Vec::new();
    for sheet in sheets {
        let name = unique_sheet_name(&sheet.name, &used_names);
        used_names.push(name.clone());
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(&name)?;
        write_sheet(worksheet, sheet, &formats)?;
    }
    Ok(workbook.save_to_buffer()?)
}

fn write_sheet(ws: &mut Worksheet, sheet: &ReportSheet, f: &Formats) -> Result<(), XlsxError> {
    let data_columns = sheet
        .rows
        .iter()
        .map(|r| r.cells.len())
        .chain([sheet.header.len()])
        .max()
        .unwrap_or(0);
    let status_col = col_index(data_columns);
    let message_col = status_col + 1;

    // Header.
    let mut widths: Vec<usize> = vec![MIN_WIDTH; data_columns];
    for (i, title) in sheet.header.iter().enumerate() {
        ws.write_string_with_format(0, col_index(i), clip(title), &f.header)?;
        widths[i] = widths[i].max(display_width(title));
    }
    ws.write_string_with_format(0, status_col, "Status", &f.header)?;
    ws.write_string_with_format(0, message_col, "Pesan", &f.header)?;

    // Rows.
    for (i, row) in sheet.rows.iter().enumerate() {
        let r = u32::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, cell) in row.cells.iter().enumerate() {
            let col = col_index(c);
            match cell {
                Cell::Empty => {}
                Cell::Text(s) | Cell::Error(s) => {
                    let w = display_width(s);
                    if w > MAX_WIDTH || s.contains('\n') {
                        ws.write_string_with_format(r, col, clip(s), &f.wrap)?;
                    } else {
                        ws.write_string(r, col, clip(s))?;
                    }
                    widths[c] = widths[c].max(w);
                }
                Cell::Number(n) if n.is_finite() => {
                    if n.fract() == 0.0 && n.abs() >= 1e11 {
                        ws.write_number_with_format(r, col, *n, &f.integer)?;
                    } else {
                        ws.write_number(r, col, *n)?;
                    }
                    widths[c] = widths[c].max(format!("{n}").len());
                }
                Cell::Number(n) => {
                    ws.write_string(r, col, n.to_string())?;
                }
                Cell::Bool(b) => {
                    ws.write_boolean(r, col, *b)?;
                    widths[c] = widths[c].max(5);
                }
                Cell::DateTime(serial) if (0.0..2_958_466.0).contains(serial) => {
                    if serial.fract() == 0.0 {
                        ws.write_number_with_format(r, col, *serial, &f.date)?;
                        widths[c] = widths[c].max(10);
                    } else {
                        ws.write_number_with_format(r, col, *serial, &f.datetime)?;
                        widths[c] = widths[c].max(16);
                    }
                }
                Cell::DateTime(serial) => {
                    ws.write_number(r, col, *serial)?;
                }
            }
        }
        ws.write_string_with_format(r, status_col, clip(&row.status), f.for_status(&row.status))?;
        ws.write_string_with_format(r, message_col, clip(&row.message), &f.wrap)?;
    }

    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(col_index(c), ((*w).min(MAX_WIDTH) + 2) as f64)?;
    }
    ws.set_column_width(status_col, STATUS_WIDTH)?;
    ws.set_column_width(message_col, MESSAGE_WIDTH)?;
    ws.set_freeze_panes(1, 0)?;
    let last_row = u32::try_from(sheet.rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
    ws.autofilter(0, 0, last_row, message_col)?;
    Ok(())
}

fn col_index(i: usize) -> u16 {
    // Excel has 16,384 columns; rust_xlsxwriter rejects anything past them with an error.
    u16::try_from(i).unwrap_or(u16::MAX)
}

fn display_width(s: &str) -> usize {
    s.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

/// Text cut to what one cell can hold.
fn clip(s: &str) -> &str {
    match s.char_indices().nth(MAX_CELL_CHARS) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}

/// A valid worksheet name: no `[]:*?/\`, not starting or ending with `'`, 1–31 characters,
/// unique ignoring case.
fn unique_sheet_name(wanted: &str, used: &[String]) -> String {
    let cleaned: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .collect();
    let cleaned = cleaned.trim().trim_matches('\'').trim();
    let base: String = if cleaned.is_empty() {
        "Lembar".to_owned()
    } else {
        cleaned.chars().take(31).collect()
    };
    let taken = |n: &str| used.iter().any(|u| u.to_lowercase() == n.to_lowercase());
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|i| {
            let suffix = format!(" ({i})");
            let keep = 31 - suffix.chars().count();
            format!("{}{suffix}", base.chars().take(keep).collect::<String>())
        })
        .find(|n| !taken(n))
        .expect("some suffix is free")
}

/// The report: every original row of the imported sheets with its status and messages.
pub fn plan_report(
    workbook: &super::read::Workbook,
    plan: &Plan,
    nik: NikShown,
) -> Result<Vec<u8>, ReportError> {
    let mut sheets = plan_report_sheets(workbook, plan);
    if nik == NikShown::Masked {
        mask_nik(&mut sheets);
    }
    write_report(&sheets)
}

/// The report of a plan with full NIKs and with NIKs masked.
pub fn plan_reports(workbook: &super::read::Workbook, plan: &Plan) -> Result<Reports, ReportError> {
    let mut sheets = plan_report_sheets(workbook, plan);
    let full = write_report(&sheets)?;
    mask_nik(&mut sheets);
    Ok(Reports {
        full,
        masked: write_report(&sheets)?,
    })
}

fn plan_report_sheets(workbook: &super::read::Workbook, plan: &Plan) -> Vec<ReportSheet> {
    let by_row: HashMap<(&str, u32), &RowPlan> = plan
        .rows
        .iter()
        .map(|r| ((r.sheet.as_str(), r.row), r))
        .collect();
    let mut sheets = Vec::new();
    for reading in plan.sheets.iter().filter(|s| s.selected) {
        let Some(sheet) = workbook.sheets.iter().find(|s| s.name == reading.name) else {
            continue;
        };
        let header_row = reading.header_row.unwrap_or(0);
        let header = sheet
            .rows
            .iter()
            .find(|r| r.number == header_row)
            .map(|r| r.cells.iter().map(|c| c.as_text().into_owned()).collect())
            .unwrap_or_default();
        let mut rows = Vec::new();
        for row in sheet.rows.iter().filter(|r| r.number > header_row) {
            let (status, message) = match by_row.get(&(reading.name.as_str(), row.number)) {
                Some(r) => {
                    let mut parts: Vec<String> = r
                        .problems
                        .iter()
                        .map(|p| match &p.column {
                            Some(c) => format!("[{c}] {}", p.message),
                            None => p.message.clone(),
                        })
                        .collect();
                    parts.extend(r.changes.iter().cloned());
                    let warned = r.problems.iter().any(|p| p.severity == Severity::Warning);
                    let status = if r.status != RowStatus::Rejected && warned {
                        format!("{} (peringatan)", r.status.word())
                    } else {
                        r.status.word().to_owned()
                    };
                    (status, parts.join("; "))
                }
                None => ("dilewati".to_owned(), String::new()),
            };
            rows.push(ReportRow {
                cells: row.cells.clone(),
                status,
                message,
            });
        }
        sheets.push(ReportSheet {
            name: reading.name.clone(),
            header,
            rows,
            nik_column: reading
                .columns
                .iter()
                .position(|(_, _, key)| key == Field::Nik.key()),
        });
    }
    sheets
}

/// Masks every NIK of the sheets: the NIK column shows a valid NIK masked and nothing of any
/// other value; elsewhere (a NIK column the admin left unmapped, a NIK typed into a note, the
/// messages) a valid NIK is masked.
pub fn mask_nik(sheets: &mut [ReportSheet]) {
    for sheet in sheets {
        for row in &mut sheet.rows {
            for (c, cell) in row.cells.iter_mut().enumerate() {
                if cell.is_blank() {
                    continue;
                }
                if let Some(nik) = nik_in(cell) {
                    *cell = Cell::Text(nik.masked());
                } else if sheet.nik_column == Some(c) {
                    *cell = Cell::Text(HIDDEN_NIK.to_owned());
                } else if let Cell::Text(t) = cell
                    && let Some(masked) = mask_within(t)
                {
                    *t = masked;
                }
            }
            if let Some(masked) = mask_within(&row.message) {
                row.message = masked;
            }
        }
    }
}

/// The NIK a cell holds by itself, typed as text (spaces and a leading apostrophe allowed) or as
/// a whole number.
fn nik_in(cell: &Cell) -> Option<Nik> {
    match cell {
        Cell::Text(t) => Nik::parse(t).ok(),
        Cell::Number(n) if n.fract() == 0.0 && (1e15..1e16).contains(n) => {
            Nik::parse(&format!("{n:.0}")).ok()
        }
        _ => None,
    }
}

/// `text` with every run of exactly 16 digits that is a valid NIK masked; `None` when it has none.
fn mask_within(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        // ASCII digits are one byte each, so these are character boundaries.
        if i - start == 16
            && let Ok(nik) = Nik::parse(&text[start..i])
        {
            out.push_str(&text[copied..start]);
            out.push_str(&nik.masked());
            copied = i;
        }
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// A report [`write_report`] wrote, read back into its sheets: for reports stored before they
/// were kept masked too. The NIK column is found as the importer finds it, from the header.
pub fn read_report(bytes: &[u8]) -> Result<Vec<ReportSheet>, ReportError> {
    let book = read_workbook(bytes, "laporan.xlsx").map_err(ReportError::Read)?;
    let mut sheets = Vec::new();
    for sheet in book.sheets {
        let mut rows = sheet.rows.into_iter();
        let Some(head) = rows.next() else {
            return Err(ReportError::NotAReport);
        };
        let texts: Vec<String> = head
            .cells
            .iter()
            .map(|c| c.as_text().into_owned())
            .collect();
        let status_col = match texts.as_slice() {
            [.., s, p] if s == "Status" && p == "Pesan" => texts.len() - 2,
            _ => return Err(ReportError::NotAReport),
        };
        let mut header = texts;
        header.truncate(status_col);
        while header.last().is_some_and(String::is_empty) {
            header.pop();
        }
        let rows: Vec<ReportRow> = rows
            .map(|mut row| {
                let text_at = |i: usize| {
                    row.cells
                        .get(i)
                        .map(|c| c.as_text().into_owned())
                        .unwrap_or_default()
                };
                let (status, message) = (text_at(status_col), text_at(status_col + 1));
                row.cells.truncate(status_col);
                while row.cells.last().is_some_and(Cell::is_empty) {
                    row.cells.pop();
                }
                ReportRow {
                    cells: row.cells,
                    status,
                    message,
                }
            })
            .collect();
        let grid: Vec<Vec<Cell>> =
            std::iter::once(header.iter().cloned().map(Cell::from_text).collect())
                .chain(rows.iter().take(39).map(|r| r.cells.clone()))
                .collect();
        let nik_column = detect_header(&grid).and_then(|h| h.column(Field::Nik));
        sheets.push(ReportSheet {
            name: sheet.name,
            header,
            rows,
            nik_column,
        });
    }
    Ok(sheets)
}

/// The masked form of a stored full report.
pub fn masked_copy(full: &[u8]) -> Result<Vec<u8>, ReportError> {
    let mut sheets = read_report(full)?;
    mask_nik(&mut sheets);
    write_report(&sheets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{Format as FileFormat, read_workbook};

    fn text(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }

    #[test]
    fn sheet_names_are_made_valid_and_unique() {
        let used = vec!["2019".to_owned()];
        assert_eq!(
            unique_sheet_name("Alumni 2019/2020", &[]),
            "Alumni 2019-2020"
        );
        assert_eq!(unique_sheet_name("'Data'", &[]), "Data");
        assert_eq!(unique_sheet_name("  ", &[]), "Lembar");
        assert_eq!(unique_sheet_name("2019", &used), "2019 (2)");
        let long = "DAFTAR ALUMNI BLK TANJABTIM TAHUN 2019";
        assert_eq!(unique_sheet_name(long, &[]).chars().count(), 31);
        let first = unique_sheet_name(long, &[]);
        let second = unique_sheet_name(long, std::slice::from_ref(&first));
        assert_ne!(first, second);
        assert_eq!(second.chars().count(), 31);
        assert!(second.ends_with(" (2)"));
    }

    #[test]
    fn report_round_trips_through_the_reader() {
        let long_message = "NIK tercatat sebagai angka dan kehilangan digit terakhirnya; \
                            ketik ulang NIK sebagai teks (awali dengan tanda ').";
        let sheets = vec![
            ReportSheet {
                name: "2019".into(),
                header: vec!["No".into(), "Nama".into(), "NIK".into(), "Tgl Lahir".into()],
                rows: vec![
                    ReportRow {
                        cells: vec![
                            Cell::Number(1.0),
                            text("Siti Aminah"),
                            text("1507015205980001"),
                            Cell::DateTime(35927.0),
                        ],
                        status: status::DIBUAT.into(),
                        message: String::new(),
                    },
                    ReportRow {
                        cells: vec![
                            Cell::Number(2.0),
                            text("Budi"),
                            Cell::Number(1_507_011_205_980_000.0),
                            Cell::Empty,
                            Cell::Bool(true),
                        ],
                        status: status::DITOLAK.into(),
                        message: long_message.into(),
                    },
                    ReportRow {
                        cells: vec![Cell::Number(3.0), text("=HYPERLINK(\"x\")")],
                        status: status::PERINGATAN.into(),
                        message: "Tanggal lahir pada NIK berbeda".into(),
                    },
                ],
                nik_column: Some(2),
            },
            ReportSheet {
                name: "2020".into(),
                header: vec!["Nama".into()],
                rows: vec![ReportRow {
                    cells: vec![text("Rina")],
                    status: status::TETAP.into(),
                    message: String::new(),
                }],
                nik_column: None,
            },
        ];
        let bytes = write_report(&sheets).unwrap();
        let book = read_workbook(&bytes, "laporan.xlsx").unwrap();
        assert_eq!(book.format, FileFormat::Xlsx);
        assert_eq!(book.sheets.len(), 2);

        let s = &book.sheets[0];
        assert_eq!(s.name, "2019");
        let header: Vec<_> = s.rows[0]
            .cells
            .iter()
            .map(|c| c.as_text().into_owned())
            .collect();
        // The widest row has five data columns; the fifth has no header.
        assert_eq!(
            header,
            ["No", "Nama", "NIK", "Tgl Lahir", "", "Status", "Pesan"]
        );
        assert_eq!(s.rows[1].number, 2);
        assert_eq!(s.rows[1].cells[..4], sheets[0].rows[0].cells[..]);
        assert_eq!(*s.rows[1].cell(5), text("dibuat"));
        assert_eq!(*s.rows[1].cell(6), Cell::Empty);
        assert_eq!(*s.rows[2].cell(2), Cell::Number(1_507_011_205_980_000.0));
        assert_eq!(*s.rows[2].cell(3), Cell::Empty);
        assert_eq!(*s.rows[2].cell(4), Cell::Bool(true));
        assert_eq!(*s.rows[2].cell(5), text("ditolak"));
        assert_eq!(*s.rows[2].cell(6), text(long_message));
        // Text that looks like a formula stays text.
        assert_eq!(*s.rows[3].cell(1), text("=HYPERLINK(\"x\")"));
        assert_eq!(*s.rows[3].cell(5), text("peringatan"));

        let s = &book.sheets[1];
        assert_eq!(s.name, "2020");
        assert_eq!(s.rows.len(), 2);
        assert_eq!(s.rows[1].cells, [text("Rina"), text("tetap")]);
    }

    #[test]
    fn a_report_with_no_rows_has_its_header() {
        let sheets = vec![ReportSheet {
            name: "Kosong".into(),
            header: vec!["Nama".into()],
            rows: vec![],
            nik_column: None,
        }];
        let book = read_workbook(&write_report(&sheets).unwrap(), "r.xlsx").unwrap();
        assert_eq!(book.sheets[0].rows.len(), 1);
        assert_eq!(
            book.sheets[0].rows[0].cells,
            [text("Nama"), text("Status"), text("Pesan")]
        );
    }

    fn register_sheet() -> ReportSheet {
        ReportSheet {
            name: "2019".into(),
            header: vec!["Nama".into(), "NIK".into(), "Catatan".into()],
            rows: vec![
                ReportRow {
                    cells: vec![text("Siti"), text("'1507 0152 0598 0003")],
                    status: status::DIBUAT.into(),
                    message: String::new(),
                },
                ReportRow {
                    // Excel kept 15 digits of a NIK typed as a number: not a valid NIK, still
                    // most of one.
                    cells: vec![text("Dewi"), Cell::Number(150_701_520_598_000.0)],
                    status: status::DITOLAK.into(),
                    message: "NIK harus 16 digit (terisi 15 digit).".into(),
                },
                ReportRow {
                    cells: vec![
                        text("Budi"),
                        Cell::Empty,
                        text("KTP lama 1507011205980003, baru menyusul"),
                    ],
                    status: status::DIBUAT.into(),
                    message: "Sama dengan 1507011205980003".into(),
                },
                ReportRow {
                    cells: vec![
                        text("Rina"),
                        text("-"),
                        Cell::Number(1_507_014_305_990_002.0),
                    ],
                    status: status::DIBUAT.into(),
                    message: String::new(),
                },
            ],
            nik_column: Some(1),
        }
    }

    #[test]
    fn masking_leaves_no_nik_digits_in_the_nik_column_or_elsewhere() {
        let mut sheets = vec![register_sheet()];
        mask_nik(&mut sheets);
        let rows = &sheets[0].rows;
        assert_eq!(
            rows[0].cells[1],
            text("1507••••••••0003"),
            "the register's masking"
        );
        assert_eq!(
            rows[1].cells[1],
            text(HIDDEN_NIK),
            "an invalid NIK shows nothing"
        );
        assert_eq!(rows[2].cells[1], Cell::Empty);
        assert_eq!(
            rows[2].cells[2],
            text("KTP lama 1507••••••••0003, baru menyusul")
        );
        assert_eq!(rows[2].message, "Sama dengan 1507••••••••0003");
        assert_eq!(rows[3].cells[1], text("-"), "a placeholder stays");
        assert_eq!(
            rows[3].cells[2],
            text("1507••••••••0002"),
            "a NIK outside its column"
        );
        assert_eq!(rows[0].cells[0], text("Siti"));
        assert_eq!(rows[1].message, "NIK harus 16 digit (terisi 15 digit).");
        let bytes = write_report(&sheets).unwrap();
        let book = read_workbook(&bytes, "r.xlsx").unwrap();
        let all: String = book.sheets[0]
            .rows
            .iter()
            .flat_map(|r| r.cells.iter().map(|c| c.as_text().into_owned()))
            .collect();
        for digits in [
            "150701520598",
            "1507015205980003",
            "1507011205980003",
            "1507014305990002",
        ] {
            assert!(!all.contains(digits), "{digits} in {all}");
        }
    }

    #[test]
    fn a_stored_report_is_read_back_and_masked() {
        let full = write_report(&[register_sheet()]).unwrap();
        let sheets = read_report(&full).unwrap();
        assert_eq!(sheets.len(), 1);
        assert_eq!(sheets[0].header, ["Nama", "NIK", "Catatan"]);
        assert_eq!(sheets[0].nik_column, Some(1), "found from the header");
        assert_eq!(sheets[0].rows.len(), 4);
        assert_eq!(sheets[0].rows[1].status, "ditolak");
        assert_eq!(
            sheets[0].rows[1].message,
            "NIK harus 16 digit (terisi 15 digit)."
        );
        assert_eq!(
            sheets[0].rows[0].cells,
            [text("Siti"), text("'1507 0152 0598 0003")]
        );

        let masked = read_workbook(&masked_copy(&full).unwrap(), "m.xlsx").unwrap();
        let rows: Vec<Vec<String>> = masked.sheets[0]
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.as_text().into_owned()).collect())
            .collect();
        assert_eq!(rows[0], ["Nama", "NIK", "Catatan", "Status", "Pesan"]);
        assert_eq!(rows[1][..2], ["Siti", "1507••••••••0003"]);
        assert_eq!(rows[2][..2], ["Dewi", HIDDEN_NIK]);
        assert!(rows[3][2].contains("1507••••••••0003") && rows[3][4].contains("1507••••••••0003"));
        assert_eq!(rows[4][2], "1507••••••••0002");
        assert!(matches!(
            read_report(b"Nama;NIK\nSiti;1"),
            Err(ReportError::Read(_) | ReportError::NotAReport)
        ));
    }
}
