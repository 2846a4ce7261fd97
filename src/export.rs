//! Lists as files the agency can open: `.xlsx` (text cells, so a NIK keeps all 16 digits) and
//! CSV (UTF-8 with a byte-order mark, so Excel shows Indonesian names correctly). The register's
//! lists, a partner's queue and the SIKP hand-off (`app::capital::sikp_table`) all go through
//! here.

use rust_xlsxwriter::{Format, Workbook};

/// A list ready to export: a title, column names and text cells.
#[derive(Debug, Clone)]
pub struct Table {
    pub sheet: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, thiserror::Error)]
#[error("export failed: {0}")]
pub struct ExportError(String);

pub fn to_xlsx(table: &Table) -> Result<Vec<u8>, ExportError> {
    to_workbook(std::slice::from_ref(table))
}

/// Several tables as one workbook, a sheet each (the outcomes report: one sheet per table).
/// Sheet names are cut to Excel's 31 characters and made unique with a number.
pub fn to_workbook(tables: &[Table]) -> Result<Vec<u8>, ExportError> {
    let err = |e: rust_xlsxwriter::XlsxError| ExportError(e.to_string());
    let mut book = Workbook::new();
    let mut used: Vec<String> = Vec::new();
    for table in tables {
        // Sheet names: at most 31 characters, some punctuation forbidden.
        let mut name: String = table
            .sheet
            .chars()
            .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
            .take(31)
            .collect();
        if name.is_empty() {
            name = "Data".into();
        }
        let base: String = name.chars().take(27).collect();
        let mut k = 2;
        while used.iter().any(|u| u.eq_ignore_ascii_case(&name)) {
            name = format!("{base} {k}");
            k += 1;
        }
        used.push(name.clone());
        let sheet = book.add_worksheet();
        sheet.set_name(&name).map_err(err)?;
        write_sheet(sheet, table).map_err(err)?;
    }
    book.save_to_buffer().map_err(err)
}

fn write_sheet(
    sheet: &mut rust_xlsxwriter::Worksheet,
    table: &Table,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let bold = Format::new().set_bold();
    let mut widths: Vec<usize> = table.header.iter().map(|h| h.chars().count()).collect();
    for (c, h) in table.header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &bold)?;
    }
    // Every cell is a string cell in the Text number format ("@"): a NIK, an NPWP or a phone
    // number keeps every digit, and a cell someone retypes in Excel stays text. A string cell is
    // never evaluated, so formula-looking text stays as typed.
    let text = Format::new().set_num_format("@");
    for (r, row) in table.rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            sheet.write_string_with_format((r + 1) as u32, c as u16, value, &text)?;
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(value.chars().count().min(60));
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (*w as f64 + 2.0).min(62.0))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A cell a spreadsheet would run as a formula (OWASP's CSV injection rule: it starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, so Excel and LibreOffice show
/// it as the text that was typed. Names, addresses and notes come from the public and alumni.
fn defused(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

pub fn to_csv(table: &Table) -> Result<Vec<u8>, ExportError> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(&table.header)
            .map_err(|e| ExportError(e.to_string()))?;
        for row in &table.rows {
            w.write_record(row.iter().map(|cell| defused(cell).into_owned()))
                .map_err(|e| ExportError(e.to_string()))?;
        }
        w.flush().map_err(|e| ExportError(e.to_string()))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            sheet: "Alumni: 2019/2020".into(),
            header: vec!["Nama".into(), "NIK".into()],
            rows: vec![
                vec!["Siti Rahmawati".into(), "1507015205980003".into()],
                vec!["Andi, S.Pd.".into(), "".into()],
            ],
        }
    }

    #[test]
    fn csv_has_bom_and_quotes_commas() {
        let csv = String::from_utf8(to_csv(&table()).unwrap()).unwrap();
        assert!(csv.starts_with('\u{feff}'));
        assert!(csv.contains("Siti Rahmawati,1507015205980003"));
        assert!(csv.contains("\"Andi, S.Pd.\""));
    }

    #[test]
    fn csv_cells_that_a_spreadsheet_would_run_are_defused() {
        let mut t = table();
        t.rows = [
            "=HYPERLINK(\"http://evil.example\",\"klik\")",
            "+6281234567890",
            "-2+3",
            "@SUM(A1)",
            "\t=1+1",
            "\r=1+1",
        ]
        .iter()
        .map(|v| vec![(*v).to_owned(), "Jl. Sudirman".into()])
        .collect();
        let csv = to_csv(&t).unwrap();
        let mut reader = csv::Reader::from_reader(&csv[3..]);
        let cells: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
        assert_eq!(cells.len(), 6);
        for (cell, row) in cells.iter().zip(&t.rows) {
            assert_eq!(cell, &format!("'{}", row[0]));
        }
        // Ordinary text, and a sign inside a value, are left alone.
        assert!(String::from_utf8(csv).unwrap().contains(",Jl. Sudirman"));
        assert_eq!(defused("Rp1.250.000 - lunas"), "Rp1.250.000 - lunas");
    }

    /// The SIKP hand-off: identifiers keep every digit and stay text in both formats, and
    /// formula-looking text stays text (XLSX string cells are never evaluated; CSV defuses).
    #[test]
    fn sikp_cells_stay_text_in_both_formats() {
        let t = Table {
            sheet: "Calon debitur KUR".into(),
            header: vec!["NIK".into(), "NO_HP".into(), "NPWP".into(), "ALAMAT".into()],
            rows: vec![vec![
                "0507015205980003".into(),
                "6281234567890".into(),
                "012345678901000".into(),
                "=HYPERLINK(\"http://evil.example\")".into(),
            ]],
        };
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(to_xlsx(&t).unwrap())).unwrap();
        let range = book.worksheet_range("Calon debitur KUR").unwrap();
        for (c, v) in t.rows[0].iter().enumerate() {
            assert_eq!(range.get((1, c)), Some(&calamine::Data::String(v.clone())));
        }
        let csv = to_csv(&t).unwrap();
        let mut reader = csv::Reader::from_reader(&csv[3..]);
        let row: Vec<String> = reader
            .records()
            .next()
            .unwrap()
            .unwrap()
            .iter()
            .map(String::from)
            .collect();
        assert_eq!(&row[..3], &t.rows[0][..3]);
        assert_eq!(row[3], format!("'{}", t.rows[0][3]));
    }

    #[test]
    fn xlsx_is_a_zip_with_the_nik_as_text() {
        let bytes = to_xlsx(&table()).unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"));
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("Alumni 20192020").unwrap();
        assert_eq!(
            range.get((1, 1)),
            Some(&calamine::Data::String("1507015205980003".into()))
        );
    }
}
