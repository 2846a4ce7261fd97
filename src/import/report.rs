//! The import report: the original rows of each sheet plus a "Status" and a "Pesan" column.
//!
//! One worksheet per imported sheet. Row 1 is the header (bold, frozen, with an autofilter);
//! the original cells keep their kind (text stays text, numbers numbers, dates dates); the
//! status cell is tinted by outcome and the message column wraps.

use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, Worksheet, XlsxError};

use std::collections::HashMap;

use super::Cell;
use super::plan::{Plan, RowPlan, RowStatus, Severity};

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
}

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
pub fn plan_report(workbook: &super::read::Workbook, plan: &Plan) -> Result<Vec<u8>, ReportError> {
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
        });
    }
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
            },
            ReportSheet {
                name: "2020".into(),
                header: vec!["Nama".into()],
                rows: vec![ReportRow {
                    cells: vec![text("Rina")],
                    status: status::TETAP.into(),
                    message: String::new(),
                }],
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
        }];
        let book = read_workbook(&write_report(&sheets).unwrap(), "r.xlsx").unwrap();
        assert_eq!(book.sheets[0].rows.len(), 1);
        assert_eq!(
            book.sheets[0].rows[0].cells,
            [text("Nama"), text("Status"), text("Pesan")]
        );
    }
}
