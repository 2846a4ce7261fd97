//! Read an uploaded spreadsheet into sheets of rows of [`Cell`]s.
//!
//! The shape handed to the field parsers:
//!
//! - [`Workbook`] has the detected [`Format`] and every worksheet in file order (chart sheets are
//!   skipped; a CSV file is one sheet named after the file). Worksheets without any value are
//!   kept, with no rows, so the admin sees every sheet of the file.
//! - [`Sheet::rows`] runs from the first row holding a value to the last one. Leading and
//!   trailing empty rows are dropped; interior empty rows are kept (as a [`Row`] with no cells),
//!   so blocks separated by blank rows stay visible to the parser.
//! - [`Row::number`] is the row number the spreadsheet program shows (1-based), also for CSV,
//!   where blank lines count as rows.
//! - [`Row::cells`] is indexed by column from column A (`cells[0]` is A), whatever the first
//!   used column is; trailing empty cells are not stored, so rows are ragged — use
//!   [`Row::cell`], which answers [`Cell::Empty`] past the end.
//! - Text that is empty or only whitespace becomes [`Cell::Empty`]; other text is kept as typed
//!   (not trimmed). CSV fields are always [`Cell::Text`]: no guessing of numbers, so `0812…`
//!   keeps its leading zero.
//! - Dates are [`Cell::DateTime`] with the serial of Excel's 1900 date system; workbooks saved in
//!   the 1904 system are converted. ODS dates arrive as ISO text (`1998-05-12`).
//! - Vertically merged cells (a "Kejuruan" cell merged down over ten rows) are filled down: the
//!   value of the region's top-left cell is copied into the same column of every other row of
//!   the region that holds data of its own (a merged block never invents rows), for xlsx and
//!   xls. A merge spanning a single row (a title across columns) is left as it is: one value in
//!   its first column. ODS and xlsb merges are not filled (calamine does not expose them).

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{Data, DataRef, Dimensions, Ods, Reader, SheetType, Xls, Xlsb, Xlsx};

use super::Cell;
use super::guard::{self, MAX_CELL_CHARS};
use super::sniff::{Sniffed, XlsHazard, sniff, xls_hazard};
use super::text;

/// The largest file the reader accepts (20 MiB). The web layer refuses larger uploads earlier.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// The most cell slots (stored cells, including empty ones padding a row up to its last value,
/// and interior empty rows) a workbook may produce: a guard against a small compressed file
/// expanding into gigabytes. A 50,000-row register of 30 columns fits with room to spare.
pub const MAX_CELLS: usize = 2_000_000;

/// The file format, detected from the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Xlsx,
    /// Excel binary workbook; read because calamine can, though the agency is not known to use it.
    Xlsb,
    Xls,
    Ods,
    Csv,
}

impl Format {
    /// How the format is named to the admin.
    pub fn label(self) -> &'static str {
        match self {
            Format::Xlsx => "Excel (.xlsx)",
            Format::Xlsb => "Excel Biner (.xlsb)",
            Format::Xls => "Excel 97–2003 (.xls)",
            Format::Ods => "OpenDocument (.ods)",
            Format::Csv => "CSV",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Workbook {
    pub format: Format,
    pub sheets: Vec<Sheet>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The spreadsheet's own 1-based row number.
    pub number: u32,
    /// Cells from column A; trailing empty cells are not stored.
    pub cells: Vec<Cell>,
}

static EMPTY: Cell = Cell::Empty;

impl Row {
    /// The cell in 0-based column `col` (0 = A); [`Cell::Empty`] past the stored cells.
    pub fn cell(&self, col: usize) -> &Cell {
        self.cells.get(col).unwrap_or(&EMPTY)
    }

    /// True when no cell of the row holds a value.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| *c == Cell::Empty)
    }
}

impl Sheet {
    /// The number of columns up to the last one holding a value in any row.
    pub fn width(&self) -> usize {
        self.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0)
    }

    /// True when the sheet holds no value at all.
    pub fn is_empty(&self) -> bool {
        self.rows.iter().all(Row::is_blank)
    }
}

/// Why a file could not be read. [`ReadError::message`] is what the admin sees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("Berkas ini bukan lembar kerja Excel, ODS, atau CSV.")]
    NotSpreadsheet,
    /// Looks like a spreadsheet to the user but is a format we cannot read (an HTML table or an
    /// XML Spreadsheet 2003 named `.xls`, as many web applications export).
    #[error(
        "Berkas ini berupa {0}, bukan lembar kerja yang dapat dibaca. Buka berkas di Excel atau \
         LibreOffice, lalu simpan sebagai Excel Workbook (.xlsx) dan unggah lagi."
    )]
    Unsupported(&'static str),
    #[error(
        "Berkas ini dilindungi kata sandi. Buka di Excel, hapus kata sandinya (Berkas → Info → \
         Lindungi Buku Kerja), simpan, lalu unggah lagi."
    )]
    Encrypted,
    #[error("Berkas ini kosong: tidak ada satu sel pun yang berisi data.")]
    Empty,
    #[error(
        "Berkas ini terlalu besar. Batasnya 20 MB dan 2.000.000 sel; pecah berkas menjadi \
         beberapa bagian, misalnya satu berkas per tahun."
    )]
    TooLarge,
    #[error("Berkas ini rusak atau tidak dapat dibaca ({0}). Coba buka dan simpan ulang di Excel.")]
    Corrupt(String),
    /// The archive inflates past the limits of `guard` (a zip bomb, or a header that lies).
    #[error(
        "Berkas ini mengembang menjadi terlalu besar saat dibuka (lebih dari 192 MB isi, atau \
         satu bagian lebih dari 128 MB). Berkas semacam ini biasanya rusak atau sengaja dibuat; \
         buka di Excel, simpan ulang sebagai .xlsx, atau pecah menjadi beberapa berkas."
    )]
    Inflated,
    /// A cell holds more characters than Excel allows.
    #[error(
        "Ada sel yang berisi lebih dari 32.767 karakter, melebihi batas Excel. Periksa berkasnya: \
         kemungkinan rusak atau bukan data alumni."
    )]
    CellTooLong,
    /// The shared-string table declares a count the file does not hold.
    #[error(
        "Berkas ini rusak: jumlah teks yang dinyatakan di dalamnya tidak sesuai dengan isinya. \
         Buka di Excel, simpan ulang, lalu unggah lagi."
    )]
    DeclaredCount,
    /// XML nested deeper than any spreadsheet program writes.
    #[error(
        "Berkas ini rusak: susunan XML di dalamnya bersarang terlalu dalam. Buka di Excel, simpan \
         ulang, lalu unggah lagi."
    )]
    TooDeep,
}

impl ReadError {
    /// The Indonesian message for the admin.
    pub fn message(&self) -> String {
        self.to_string()
    }
}

/// Read a spreadsheet file. The format is detected from the bytes; `file_name` only names the
/// sheet of a CSV file.
pub fn read_workbook(bytes: &[u8], file_name: &str) -> Result<Workbook, ReadError> {
    if bytes.len() > MAX_BYTES {
        return Err(ReadError::TooLarge);
    }
    let format = match sniff(bytes) {
        Sniffed::Xlsx => Format::Xlsx,
        Sniffed::Xlsb => Format::Xlsb,
        Sniffed::Ods => Format::Ods,
        Sniffed::Xls => Format::Xls,
        Sniffed::Text => Format::Csv,
        Sniffed::Blank => return Err(ReadError::Empty),
        Sniffed::Encrypted => return Err(ReadError::Encrypted),
        Sniffed::NotSpreadsheet => return Err(ReadError::NotSpreadsheet),
        Sniffed::Unsupported(what) => return Err(ReadError::Unsupported(what)),
        Sniffed::Corrupt(why) => return Err(ReadError::Corrupt(why.to_owned())),
    };
    let mut budget = Budget { left: MAX_CELLS };
    let sheets = if format == Format::Csv {
        vec![read_csv(bytes, file_name, &mut budget)?]
    } else {
        // A malformed file must never take the server down with it, whatever the parser does.
        catch_unwind(AssertUnwindSafe(|| read_binary(format, bytes, &mut budget)))
            .unwrap_or_else(|_| Err(ReadError::Corrupt("pembaca berkas gagal".to_owned())))?
    };
    if sheets.iter().all(Sheet::is_empty) {
        return Err(ReadError::Empty);
    }
    Ok(Workbook { format, sheets })
}

fn read_binary(format: Format, bytes: &[u8], budget: &mut Budget) -> Result<Vec<Sheet>, ReadError> {
    if matches!(format, Format::Xlsx | Format::Xlsb | Format::Ods) {
        // calamine trusts declared sizes and counts: check the archive first (see `guard`).
        guard::check_zip(bytes)?;
    }
    let cursor = Cursor::new(bytes);
    match format {
        Format::Xlsx => read_xlsx(Xlsx::new(cursor).map_err(xlsx_error)?, budget),
        Format::Xls => {
            // calamine follows a looping sector chain until memory runs out, and allocates a
            // sheet's whole rectangle before we can count its cells.
            match xls_hazard(bytes, MAX_CELLS) {
                Some(XlsHazard::LoopingChain) => {
                    return Err(ReadError::Corrupt(
                        "rantai sektor di dalam berkas .xls berputar".to_owned(),
                    ));
                }
                Some(XlsHazard::HugeSheet) => return Err(ReadError::TooLarge),
                None => {}
            }
            let mut book = Xls::new(cursor).map_err(xls_error)?;
            let shift = epoch_shift(book.has_1904_epoch());
            read_ranges(&mut book, shift, budget, xls_error, |b, name| {
                b.merge_cells_by_sheet_name(name).unwrap_or_default()
            })
        }
        Format::Xlsb => {
            let mut book = Xlsb::new(cursor).map_err(|e| corrupt(&e))?;
            let shift = epoch_shift(book.has_1904_epoch());
            read_ranges(&mut book, shift, budget, |e| corrupt(&e), |_, _| Vec::new())
        }
        Format::Ods => {
            let mut book = Ods::new(cursor).map_err(ods_error)?;
            read_ranges(&mut book, 0.0, budget, ods_error, |_, _| Vec::new())
        }
        Format::Csv => unreachable!("CSV is read as text"),
    }
}

fn corrupt(e: &dyn std::fmt::Display) -> ReadError {
    ReadError::Corrupt(e.to_string())
}

fn xlsx_error(e: calamine::XlsxError) -> ReadError {
    match e {
        calamine::XlsxError::Password => ReadError::Encrypted,
        e => corrupt(&e),
    }
}

fn xls_error(e: calamine::XlsError) -> ReadError {
    match e {
        // RC4- or XOR-protected xls (a FilePass record).
        calamine::XlsError::Password => ReadError::Encrypted,
        e => corrupt(&e),
    }
}

fn ods_error(e: calamine::OdsError) -> ReadError {
    match e {
        calamine::OdsError::Password => ReadError::Encrypted,
        calamine::OdsError::InvalidMime(_) => ReadError::NotSpreadsheet,
        e => corrupt(&e),
    }
}

/// Days between Excel's 1900 and 1904 date systems.
fn epoch_shift(is_1904: bool) -> f64 {
    if is_1904 { 1462.0 } else { 0.0 }
}

/// The worksheets (not chart sheets) of a workbook. A workbook without any sheet at all is
/// damaged: every program writes at least one.
fn worksheet_names(meta: &[calamine::Sheet]) -> Result<Vec<String>, ReadError> {
    if meta.is_empty() {
        return Err(ReadError::Corrupt(
            "tidak ada lembar kerja di dalamnya".to_owned(),
        ));
    }
    Ok(meta
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect())
}

/// xlsx is read cell by cell as the sheet XML is parsed, without calamine's dense `Range`, so
/// memory holds only the shared strings and the rows we keep.
fn read_xlsx(mut book: Xlsx<Cursor<&[u8]>>, budget: &mut Budget) -> Result<Vec<Sheet>, ReadError> {
    let shift = epoch_shift(book.has_1904_epoch());
    let mut sheets = Vec::new();
    for name in worksheet_names(book.sheets_metadata())? {
        let mut builder = SheetBuilder::default();
        {
            let mut cells = book.worksheet_cells_reader(&name).map_err(xlsx_error)?;
            while let Some(cell) = cells.next_cell().map_err(xlsx_error)? {
                let (row, col) = cell.get_position();
                builder.put(row, col, from_data_ref(cell.get_value(), shift), budget)?;
            }
        }
        // Parses the sheet XML a second time (merges are stored after the cells). A failure
        // here only costs the fill-down.
        let merges = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
        sheets.push(builder.finish(name, &merges, budget)?);
    }
    Ok(sheets)
}

/// xls, xlsb and ods go through calamine's `Range` (calamine reads these formats whole anyway).
fn read_ranges<'a, R, E>(
    book: &mut R,
    shift: f64,
    budget: &mut Budget,
    error: impl Fn(E) -> ReadError,
    merges: impl Fn(&R, &str) -> Vec<Dimensions>,
) -> Result<Vec<Sheet>, ReadError>
where
    R: Reader<Cursor<&'a [u8]>, Error = E>,
{
    let mut sheets = Vec::new();
    for name in worksheet_names(book.sheets_metadata())? {
        let range = book.worksheet_range(&name).map_err(&error)?;
        let mut builder = SheetBuilder::default();
        if let Some((row0, col0)) = range.start() {
            for (row, col, value) in range.used_cells() {
                let (row, col) = (offset(row0, row), offset(col0, col));
                builder.put(row, col, from_data(value, shift), budget)?;
            }
        }
        drop(range);
        let merged = merges(book, &name);
        sheets.push(builder.finish(name, &merged, budget)?);
    }
    Ok(sheets)
}

fn offset(start: u32, relative: usize) -> u32 {
    start.saturating_add(u32::try_from(relative).unwrap_or(u32::MAX))
}

fn read_csv(bytes: &[u8], file_name: &str, budget: &mut Budget) -> Result<Sheet, ReadError> {
    let text = text::decode(bytes);
    let delimiter = text::sniff_delimiter(&text);
    let mut builder = SheetBuilder::default();
    text::split(&text, delimiter, |row, col, field| {
        builder.put(row, col, Cell::Text(field.to_owned()), budget)
    })?;
    builder.finish(csv_sheet_name(file_name), &[], budget)
}

/// A CSV file's single sheet is named after the file, as Excel does when it opens one.
fn csv_sheet_name(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or("");
    let stem = match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => base,
    };
    let stem = stem.trim();
    if stem.is_empty() {
        "CSV".to_owned()
    } else {
        stem.to_owned()
    }
}

fn from_data_ref(value: &DataRef<'_>, shift: f64) -> Cell {
    match value {
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_owned()),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(d) => Cell::DateTime(d.as_f64() + shift),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => Cell::Error(e.to_string()),
        DataRef::Empty => Cell::Empty,
    }
}

fn from_data(value: &Data, shift: f64) -> Cell {
    match value {
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(d) => Cell::DateTime(d.as_f64() + shift),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::Empty => Cell::Empty,
    }
}

/// What is left of [`MAX_CELLS`] for the whole workbook.
struct Budget {
    left: usize,
}

impl Budget {
    fn spend(&mut self, slots: usize) -> Result<(), ReadError> {
        self.left = self.left.checked_sub(slots).ok_or(ReadError::TooLarge)?;
        Ok(())
    }
}

/// Collects cells (in any order, though all readers give them row by row) into [`Row`]s.
#[derive(Default)]
struct SheetBuilder {
    rows: Vec<Row>,
    out_of_order: bool,
}

impl SheetBuilder {
    /// Put the value of the cell at 0-based (`row`, `col`).
    fn put(
        &mut self,
        row: u32,
        col: u32,
        cell: Cell,
        budget: &mut Budget,
    ) -> Result<(), ReadError> {
        let cell = match cell {
            Cell::Text(s) if s.trim().is_empty() => return Ok(()),
            Cell::Text(s) if s.len() > MAX_CELL_CHARS && s.chars().count() > MAX_CELL_CHARS => {
                return Err(ReadError::CellTooLong);
            }
            Cell::Empty => return Ok(()),
            cell => cell,
        };
        let number = row.saturating_add(1);
        let target = match self.rows.last_mut() {
            Some(last) if last.number == number => last,
            last => {
                if last.is_some_and(|l| l.number > number) {
                    self.out_of_order = true;
                }
                budget.spend(1)?;
                self.rows.push(Row {
                    number,
                    cells: Vec::new(),
                });
                self.rows.last_mut().expect("just pushed")
            }
        };
        let col = col as usize;
        if col >= target.cells.len() {
            // The row's own slot was paid for when the row was created.
            budget.spend(col + 1 - target.cells.len())?;
            target.cells.resize(col + 1, Cell::Empty);
        }
        target.cells[col] = cell;
        Ok(())
    }

    fn finish(
        mut self,
        name: String,
        merges: &[Dimensions],
        budget: &mut Budget,
    ) -> Result<Sheet, ReadError> {
        if self.out_of_order {
            self.rows = merge_duplicate_rows(std::mem::take(&mut self.rows));
        }
        // Make the rows contiguous: interior empty rows are part of the sheet.
        let mut rows: Vec<Row> = Vec::with_capacity(self.rows.len());
        for row in self.rows {
            if let Some(last) = rows.last() {
                let gap = (row.number - last.number - 1) as usize;
                budget.spend(gap)?;
                let next = last.number + 1;
                rows.extend((next..row.number).map(|number| Row {
                    number,
                    cells: Vec::new(),
                }));
            }
            rows.push(row);
        }
        fill_down(&mut rows, merges);
        Ok(Sheet { name, rows })
    }
}

/// Sort rows by number (stable) and merge rows with the same number; a later value wins.
fn merge_duplicate_rows(mut rows: Vec<Row>) -> Vec<Row> {
    rows.sort_by_key(|r| r.number);
    let mut out: Vec<Row> = Vec::with_capacity(rows.len());
    for row in rows {
        match out.last_mut() {
            Some(last) if last.number == row.number => {
                if last.cells.len() < row.cells.len() {
                    last.cells.resize(row.cells.len(), Cell::Empty);
                }
                for (i, cell) in row.cells.into_iter().enumerate() {
                    if cell != Cell::Empty {
                        last.cells[i] = cell;
                    }
                }
            }
            _ => out.push(row),
        }
    }
    out
}

/// Copy the value of each vertically merged region's top-left cell down its first column, into
/// the rows of the region that hold data of their own. `rows` is contiguous.
fn fill_down(rows: &mut [Row], merges: &[Dimensions]) {
    let Some(first) = rows.first().map(|r| r.number) else {
        return;
    };
    let index = |row0: u32| -> Option<usize> {
        let number = row0.checked_add(1)?;
        number.checked_sub(first).map(|i| i as usize)
    };
    for m in merges {
        let (top, col) = m.start;
        let bottom = m.end.0;
        if bottom <= top {
            continue;
        }
        let col = col as usize;
        let Some(top_index) = index(top) else {
            continue;
        };
        let Some(value) = rows.get(top_index).map(|r| r.cell(col).clone()) else {
            continue;
        };
        if value == Cell::Empty {
            continue;
        }
        let end = index(bottom).map_or(rows.len(), |i| (i + 1).min(rows.len()));
        for row in rows.iter_mut().take(end).skip(top_index + 1) {
            if row.is_blank() || *row.cell(col) != Cell::Empty {
                continue;
            }
            if row.cells.len() <= col {
                row.cells.resize(col + 1, Cell::Empty);
            }
            row.cells[col] = value.clone();
        }
    }
}
