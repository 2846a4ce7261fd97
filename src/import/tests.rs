//! Reader tests, driven by files generated here (no binary fixtures in the repository).

use std::time::Instant;

use rust_xlsxwriter::{Format as XFormat, Workbook as XWorkbook};

use super::sniff::{
    Sniffed, XlsHazard, cfb_entry_names, cfb_workbook_streams, classify_cfb_names, sniff,
    xls_hazard,
};
use super::testdata::{cfb_with_streams, ods, ods_with_mime, stored_zip};
use super::{
    Cell, Format, MAX_BYTES, MAX_CELLS, ReadError, ReportRow, ReportSheet, Row, Sheet,
    read_workbook, write_report,
};

fn text(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

fn num(n: f64) -> Cell {
    Cell::Number(n)
}

fn sheet<'a>(book: &'a super::Workbook, name: &str) -> &'a Sheet {
    book.sheets
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no sheet {name}"))
}

fn row(sheet: &Sheet, number: u32) -> &Row {
    sheet
        .rows
        .iter()
        .find(|r| r.number == number)
        .unwrap_or_else(|| panic!("no row {number} in {}", sheet.name))
}

/// The shape of a real agency file: a merged title row, a blank row, the header, data in two
/// blocks separated by a blank row, "Kejuruan" merged down each block, formatted but empty rows
/// and columns at the end; a second sheet that starts at B5; and an empty third sheet.
fn agency_xlsx() -> Vec<u8> {
    let mut wb = XWorkbook::new();
    let bold = XFormat::new().set_bold();
    let date = XFormat::new().set_num_format("dd/mm/yyyy");
    let bordered = XFormat::new().set_border(rust_xlsxwriter::FormatBorder::Thin);

    let ws = wb.add_worksheet();
    ws.set_name("2019").unwrap();
    ws.merge_range(0, 0, 0, 5, "DAFTAR ALUMNI BLK TANJABTIM TAHUN 2019", &bold)
        .unwrap();
    for (c, h) in ["No", "Nama", "NIK", "Kejuruan", "Tgl Lahir", "No. HP"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(2, c as u16, *h, &bold).unwrap();
    }
    // Rows 4..=8 Tata Boga, rows 9..=10 Teknik Pendingin; blank row 11; rows 12..=13 Menjahit.
    let people = [
        (3, "Siti Aminah"),
        (4, "Nur Halimah"),
        (5, "Dewi Sartika"),
        (6, "Rina Marlina"),
        (7, "Yuni Astuti"),
        (8, "Budi Santoso"),
        (9, "Joko Widodo"),
        (11, "Sri Wahyuni"),
        (12, "Ani Suryani"),
    ];
    for (i, (r, name)) in people.iter().enumerate() {
        ws.write_number(*r, 0, (i + 1) as f64).unwrap();
        ws.write_string(*r, 1, *name).unwrap();
        ws.write_string(*r, 2, format!("15070152059800{:02}", i + 1))
            .unwrap();
        ws.write_number_with_format(*r, 4, 35927.0 + i as f64, &date)
            .unwrap();
        ws.write_number(*r, 5, 81_234_567_890.0 + i as f64).unwrap();
    }
    ws.merge_range(3, 3, 7, 3, "Tata Boga", &XFormat::new())
        .unwrap();
    ws.merge_range(8, 3, 9, 3, "Teknik Pendingin", &XFormat::new())
        .unwrap();
    // Merged further down than the data goes: must not invent rows 14..=20.
    ws.merge_range(11, 3, 19, 3, "Menjahit", &XFormat::new())
        .unwrap();
    // Borders drawn down to row 40 and across to column J, a stray space in row 30.
    for r in 13..40 {
        for c in 0..10 {
            ws.write_blank(r, c, &bordered).unwrap();
        }
    }
    ws.write_string(29, 1, "   ").unwrap();

    let ws = wb.add_worksheet();
    ws.set_name("2020").unwrap();
    ws.write_string(4, 1, "Nama").unwrap();
    ws.write_string(4, 2, "L/P").unwrap();
    ws.write_string(5, 1, "Ahmad").unwrap();
    ws.write_string(5, 2, "L").unwrap();
    ws.write_boolean(6, 1, true).unwrap();

    wb.add_worksheet().set_name("Kosong").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn xlsx_with_title_row_merged_cells_blank_rows_and_several_sheets() {
    let book = read_workbook(&agency_xlsx(), "alumni.xlsx").unwrap();
    assert_eq!(book.format, Format::Xlsx);
    let names: Vec<_> = book.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["2019", "2020", "Kosong"]);

    let s = sheet(&book, "2019");
    // Title at row 1, blank row 2 kept, header row 3, data up to row 13; nothing after.
    assert_eq!(s.rows.first().unwrap().number, 1);
    assert_eq!(s.rows.last().unwrap().number, 13);
    assert_eq!(s.rows.len(), 13);
    assert!(s.rows.windows(2).all(|w| w[1].number == w[0].number + 1));
    // The title stays one value in its first column (horizontal merge: no fill).
    assert_eq!(
        row(s, 1).cells,
        [text("DAFTAR ALUMNI BLK TANJABTIM TAHUN 2019")]
    );
    assert!(row(s, 2).is_blank());
    assert_eq!(row(s, 3).cell(5), &text("No. HP"));
    // Six columns, none of the formatted empty ones.
    assert_eq!(s.width(), 6);

    let first = row(s, 4);
    assert_eq!(first.cells[0], num(1.0));
    assert_eq!(first.cells[1], text("Siti Aminah"));
    assert_eq!(first.cells[2], text("1507015205980001"));
    assert_eq!(first.cells[3], text("Tata Boga"));
    assert_eq!(first.cells[4], Cell::DateTime(35927.0));
    assert_eq!(first.cells[5], num(81_234_567_890.0));

    // Vertical merges are filled down within their block.
    let trade = |n: u32| row(s, n).cell(3).clone();
    for n in 4..=8 {
        assert_eq!(trade(n), text("Tata Boga"), "row {n}");
    }
    assert_eq!(trade(9), text("Teknik Pendingin"));
    assert_eq!(trade(10), text("Teknik Pendingin"));
    // The blank row between the blocks stays blank.
    assert!(row(s, 11).is_blank());
    assert_eq!(trade(12), text("Menjahit"));
    assert_eq!(trade(13), text("Menjahit"));

    let s = sheet(&book, "2020");
    assert_eq!(s.rows.first().unwrap().number, 5);
    // Cells are indexed from column A even when the sheet starts at B.
    assert_eq!(row(s, 5).cells, [Cell::Empty, text("Nama"), text("L/P")]);
    assert_eq!(row(s, 6).cell(1), &text("Ahmad"));
    assert_eq!(row(s, 7).cells, [Cell::Empty, Cell::Bool(true)]);
    assert_eq!(row(s, 7).cell(99), &Cell::Empty);

    assert!(sheet(&book, "Kosong").rows.is_empty());
}

#[test]
fn ods_is_read_from_a_hand_made_archive() {
    let bytes = ods(concat!(
        r#"<table:table table:name="2021">"#,
        r#"<table:table-row><table:table-cell table:number-columns-spanned="3" office:value-type="string"><text:p>DAFTAR ALUMNI 2021</text:p></table:table-cell><table:covered-table-cell table:number-columns-repeated="2"/></table:table-row>"#,
        r#"<table:table-row><table:table-cell office:value-type="string"><text:p>Nama</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Tgl Lahir</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Angkatan</text:p></table:table-cell></table:table-row>"#,
        r#"<table:table-row><table:table-cell office:value-type="string"><text:p>Siti</text:p></table:table-cell><table:table-cell office:value-type="date" office:date-value="1998-05-12"><text:p>12/05/98</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="3" table:number-rows-spanned="2"><text:p>3</text:p></table:table-cell></table:table-row>"#,
        r#"<table:table-row><table:table-cell office:value-type="string"><text:p>Budi</text:p></table:table-cell><table:table-cell/><table:covered-table-cell/></table:table-row>"#,
        r#"<table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="5"/></table:table-row>"#,
        r#"</table:table>"#,
        r#"<table:table table:name="Catatan"><table:table-row><table:table-cell office:value-type="boolean" office:boolean-value="true"><text:p>TRUE</text:p></table:table-cell></table:table-row></table:table>"#,
    ));
    assert_eq!(sniff(&bytes), Sniffed::Ods);
    let book = read_workbook(&bytes, "alumni.ods").unwrap();
    assert_eq!(book.format, Format::Ods);
    assert_eq!(book.sheets.len(), 2);
    let s = sheet(&book, "2021");
    assert_eq!(
        s.rows.len(),
        4,
        "repeated empty rows at the end are dropped"
    );
    assert_eq!(row(s, 1).cells, [text("DAFTAR ALUMNI 2021")]);
    assert_eq!(
        row(s, 3).cells,
        [text("Siti"), text("1998-05-12"), num(3.0)]
    );
    // calamine does not expose ODS merges: the covered cell stays empty (documented gap).
    assert_eq!(row(s, 4).cells, [text("Budi")]);
    assert_eq!(row(sheet(&book, "Catatan"), 1).cells, [Cell::Bool(true)]);
}

#[test]
fn other_opendocument_files_and_plain_archives_are_not_spreadsheets() {
    let odt = ods_with_mime("application/vnd.oasis.opendocument.text", "");
    assert_eq!(
        read_workbook(&odt, "surat.ods"),
        Err(ReadError::NotSpreadsheet)
    );
    let docx_like = stored_zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", b"<w:document/>"),
    ]);
    assert_eq!(
        read_workbook(&docx_like, "data.xlsx"),
        Err(ReadError::NotSpreadsheet)
    );
    let empty_zip = stored_zip(&[]);
    assert_eq!(
        read_workbook(&empty_zip, "data.xlsx"),
        Err(ReadError::NotSpreadsheet)
    );
}

#[test]
fn xls_is_detected_from_a_compound_file_with_a_workbook_stream() {
    let bytes = cfb_with_streams(&["Workbook"]);
    assert_eq!(cfb_entry_names(&bytes).unwrap(), ["Root Entry", "Workbook"]);
    assert_eq!(sniff(&bytes), Sniffed::Xls);
    // The stream is empty, so the xls reader (calamine) refuses it as damaged: detection worked,
    // reading a real .xls is calamine's part and is not tested here (no xls writer exists).
    assert!(matches!(
        read_workbook(&bytes, "x.xlsx"),
        Err(ReadError::Corrupt(_))
    ));
    // A Word document renamed .xls.
    let doc = cfb_with_streams(&["WordDocument", "1Table"]);
    assert_eq!(
        read_workbook(&doc, "alumni.xls"),
        Err(ReadError::NotSpreadsheet)
    );
}

/// Found by fuzzing (`fuzz/`, target `read_workbook`): a 5.7 KB .xls whose sector table sends
/// the directory chain round in a loop made calamine append the same sector until memory ran
/// out. `cfb_with_streams` lays out the header, the FAT in sector 0 (at byte 512) and the
/// directory in sector 1 (at byte 1024, one 128-byte entry per stream).
#[test]
fn xls_whose_sector_chains_loop_is_refused_without_exhausting_memory() {
    let fine = cfb_with_streams(&["Workbook"]);
    assert_eq!(cfb_workbook_streams(&fine), Some(vec![Vec::new()]));
    let set = |b: &mut Vec<u8>, at: usize, v: u32| b[at..at + 4].copy_from_slice(&v.to_le_bytes());

    // The directory sector's FAT entry points back at itself.
    let mut looping_directory = fine.clone();
    set(&mut looping_directory, 512 + 4, 1);
    // The Workbook stream (4 GB long, by its directory entry) starts in sector 2, which points
    // back at itself.
    let mut looping_stream = fine.clone();
    looping_stream.extend(vec![0u8; 512]);
    set(&mut looping_stream, 512 + 8, 2);
    set(&mut looping_stream, 1024 + 128 + 0x74, 2);
    set(&mut looping_stream, 1024 + 128 + 0x78, u32::MAX);

    for bytes in [looping_directory, looping_stream] {
        assert_eq!(sniff(&bytes), Sniffed::Xls);
        assert_eq!(xls_hazard(&bytes, MAX_CELLS), Some(XlsHazard::LoopingChain));
        let started = Instant::now();
        let err = read_workbook(&bytes, "alumni.xls").unwrap_err();
        assert!(matches!(err, ReadError::Corrupt(_)), "{err:?}");
        assert!(started.elapsed().as_secs() < 2);
    }
}

/// An .xls file: a compound file whose `Workbook` stream holds the workbook globals (one
/// worksheet "2019") and that sheet's `records`, as BIFF8 records `(type, data)`.
fn xls_with_sheet(records: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let rec = |out: &mut Vec<u8>, typ: u16, data: &[u8]| {
        out.extend(typ.to_le_bytes());
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
    };
    let bof = |dt: u16| [&0x0600u16.to_le_bytes()[..], &dt.to_le_bytes(), &[0; 12]].concat();
    let name = b"2019";
    let mut globals = Vec::new();
    rec(&mut globals, 0x0809, &bof(0x0005));
    let boundsheet_len = 4 + 4 + 2 + 2 + name.len(); // header, position, state and type, name
    let sheet_at = (globals.len() + boundsheet_len + 4) as u32;
    let boundsheet = [
        &sheet_at.to_le_bytes()[..],
        &[0, 0, name.len() as u8, 0],
        name,
    ]
    .concat();
    rec(&mut globals, 0x0085, &boundsheet);
    rec(&mut globals, 0x000A, &[]);
    assert_eq!(globals.len() as u32, sheet_at);
    let mut stream = globals;
    rec(&mut stream, 0x0809, &bof(0x0010));
    for (typ, data) in records {
        rec(&mut stream, *typ, data);
    }
    rec(&mut stream, 0x000A, &[]);
    // At least 4096 bytes, so that the stream lives in regular sectors (2, 3, …) after the FAT
    // (sector 0) and the directory (sector 1) that `cfb_with_streams` lays out.
    let sectors = stream.len().div_ceil(512).max(8);
    stream.resize(sectors * 512, 0);
    let mut file = cfb_with_streams(&["Workbook"]);
    for i in 0..sectors {
        let next = if i + 1 < sectors {
            3 + i as u32
        } else {
            0xFFFF_FFFE
        };
        file[512 + 4 * (2 + i)..512 + 4 * (3 + i)].copy_from_slice(&next.to_le_bytes());
    }
    file[1024 + 128 + 0x74..1024 + 128 + 0x78].copy_from_slice(&2u32.to_le_bytes());
    file[1024 + 128 + 0x78..1024 + 128 + 0x7C]
        .copy_from_slice(&(stream.len() as u32).to_le_bytes());
    file.extend(stream);
    file
}

/// A BIFF8 Number record: row, column, format 0, value.
fn xls_number(row: u16, col: u16, value: f64) -> (u16, Vec<u8>) {
    let data = [
        &row.to_le_bytes()[..],
        &col.to_le_bytes(),
        &[0, 0],
        &value.to_le_bytes(),
    ]
    .concat();
    (0x0203, data)
}

#[test]
fn xls_written_here_is_read_by_calamine() {
    let bytes = xls_with_sheet(&[xls_number(2, 1, 2019.0), xls_number(3, 2, 12.5)]);
    assert_eq!(sniff(&bytes), Sniffed::Xls);
    assert_eq!(xls_hazard(&bytes, MAX_CELLS), None);
    let book = read_workbook(&bytes, "alumni.xls").unwrap();
    assert_eq!(book.format, Format::Xls);
    let s = sheet(&book, "2019");
    assert_eq!(row(s, 3).cells, [Cell::Empty, num(2019.0)]);
    assert_eq!(row(s, 4).cells, [Cell::Empty, Cell::Empty, num(12.5)]);
}

/// Found by fuzzing (`fuzz/`, target `read_workbook`): calamine turns each .xls sheet into one
/// dense rectangle of cells, and reserves room for a DIMENSIONS record's rows × columns up
/// front, before Karya can count anything. A few kilobytes with a cell at A1 and another at
/// row 65,001, column 60,001 asked for 135 GB — an allocation failure, which aborts the whole
/// server. Such sheets are now refused as too large before calamine reads them.
#[test]
fn xls_whose_sheet_spans_billions_of_cells_is_refused_before_calamine_allocates() {
    let spread = xls_with_sheet(&[xls_number(0, 0, 1.0), xls_number(65_000, 60_000, 2.0)]);
    // DIMENSIONS: rows 0 to 4,294,967,294, columns 0 to 254.
    let dimensions = [
        &0u32.to_le_bytes()[..],
        &u32::MAX.to_le_bytes(),
        &[0, 0, 0xFF, 0, 0, 0],
    ]
    .concat();
    let declared = xls_with_sheet(&[(0x0200, dimensions), xls_number(0, 0, 1.0)]);
    for bytes in [spread, declared] {
        assert_eq!(xls_hazard(&bytes, MAX_CELLS), Some(XlsHazard::HugeSheet));
        assert_eq!(
            read_workbook(&bytes, "alumni.xls"),
            Err(ReadError::TooLarge)
        );
    }
}

/// Found by fuzzing (`fuzz/`, target `read_workbook`): a 515-byte compound file whose DIFAT
/// chain starts at sector 0, which the end of the file cuts to 3 bytes, made the directory
/// reader compute "the last 4-byte entry" of a sector holding none (an overflow, a panic in
/// debug builds, where the sniffer runs outside the reader's `catch_unwind`).
#[test]
fn compound_file_with_a_truncated_difat_sector_is_refused() {
    let mut bytes = cfb_with_streams(&["Workbook"])[..512].to_vec();
    bytes[0x44..0x48].copy_from_slice(&0u32.to_le_bytes()); // first DIFAT sector: 0
    bytes.extend([0, 0, 0]);
    assert_eq!(cfb_entry_names(&bytes), None);
    let err = read_workbook(&bytes, "alumni.xls").unwrap_err();
    assert!(matches!(err, ReadError::Corrupt(_)), "{err:?}");
}

#[test]
fn encrypted_office_file_is_reported_as_password_protected() {
    let bytes = cfb_with_streams(&["EncryptionInfo", "EncryptedPackage"]);
    assert_eq!(
        cfb_entry_names(&bytes).unwrap(),
        ["Root Entry", "EncryptionInfo", "EncryptedPackage"]
    );
    let err = read_workbook(&bytes, "alumni.xlsx").unwrap_err();
    assert_eq!(err, ReadError::Encrypted);
    assert!(err.message().contains("dilindungi kata sandi"));
    // calamine, given the same bytes as xlsx, agrees that they are an encrypted package.
    let calamine = <calamine::Xlsx<_> as calamine::Reader<_>>::new(std::io::Cursor::new(&bytes));
    assert!(matches!(calamine, Err(calamine::XlsxError::Password)));
    // The decision on a name list alone.
    assert_eq!(
        classify_cfb_names(&["EncryptedPackage"]),
        Sniffed::Encrypted
    );
    assert_eq!(
        classify_cfb_names(&["\u{6}DataSpaces", "EncryptionInfo"]),
        Sniffed::Encrypted
    );
    assert_eq!(classify_cfb_names(&["Book"]), Sniffed::Xls);
    assert_eq!(
        classify_cfb_names(&["WordDocument"]),
        Sniffed::NotSpreadsheet
    );
}

#[test]
fn csv_with_semicolons_bom_and_windows_1252() {
    let mut bytes = b"\xEF\xBB\xBFDAFTAR ALUMNI;;\r\n\r\nNo;Nama;Tempat/Tgl Lahir\r\n".to_vec();
    bytes.extend_from_slice(b"1;Siti;\"Muara Sabak, 12-05-1998\"\r\n");
    bytes.extend_from_slice(b"2;\"Budi \"\"Ucok\"\"\";Nipah Panjang, 1-1-1999\r\n;;\r\n");
    let book = read_workbook(&bytes, "C:\\Data\\alumni 2019.csv").unwrap();
    assert_eq!(book.format, Format::Csv);
    assert_eq!(book.sheets.len(), 1);
    let s = &book.sheets[0];
    assert_eq!(s.name, "alumni 2019");
    assert_eq!(s.rows.len(), 5, "trailing ';;' row is blank and dropped");
    assert_eq!(row(s, 1).cells, [text("DAFTAR ALUMNI")]);
    assert!(row(s, 2).is_blank());
    assert_eq!(
        row(s, 3).cells,
        [text("No"), text("Nama"), text("Tempat/Tgl Lahir")]
    );
    assert_eq!(
        row(s, 4).cells,
        [text("1"), text("Siti"), text("Muara Sabak, 12-05-1998")]
    );
    assert_eq!(row(s, 5).cell(1), &text("Budi \"Ucok\""));

    // The same file saved by Excel as "CSV (Comma delimited)" in Windows-1252, with tabs.
    let book = read_workbook(b"Nama\tAlamat\nJos\xE9\tJl. Mawar \x96 Sabak\n", "a.txt").unwrap();
    assert_eq!(
        book.sheets[0].rows[1].cells,
        [text("José"), text("Jl. Mawar – Sabak")]
    );
    // Leading zeros survive: CSV fields stay text.
    let book = read_workbook(b"HP,NIK\n081234567890,1507015205980001\n", "b.csv").unwrap();
    assert_eq!(book.sheets[0].rows[1].cells[0], text("081234567890"));
}

#[test]
fn files_that_are_not_spreadsheets() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    let err = read_workbook(png, "alumni.xlsx").unwrap_err();
    assert_eq!(err, ReadError::NotSpreadsheet);
    assert!(
        err.message()
            .contains("bukan lembar kerja Excel, ODS, atau CSV")
    );
    let pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
    assert_eq!(
        read_workbook(pdf, "alumni.xlsx"),
        Err(ReadError::NotSpreadsheet)
    );
    let mut binary = vec![0u8; 64];
    binary[10] = 7;
    assert_eq!(
        read_workbook(&binary, "alumni.csv"),
        Err(ReadError::NotSpreadsheet)
    );

    let html = b"<html><body><table><tr><td>Nama</td></tr></table></body></html>";
    let err = read_workbook(html, "export.xls").unwrap_err();
    assert!(matches!(err, ReadError::Unsupported(_)));
    assert!(
        err.message()
            .contains("simpan sebagai Excel Workbook (.xlsx)")
    );
    let xml2003 = br#"<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>"#;
    assert!(matches!(
        read_workbook(xml2003, "a.xls"),
        Err(ReadError::Unsupported(_))
    ));
}

#[test]
fn empty_files() {
    assert_eq!(read_workbook(b"", "a.xlsx"), Err(ReadError::Empty));
    assert_eq!(read_workbook(b" \r\n\t\n", "a.csv"), Err(ReadError::Empty));
    assert_eq!(
        read_workbook(b"\xEF\xBB\xBF;;;\r\n ; ;\r\n;\xA0;\n", "a.csv"),
        Err(ReadError::Empty)
    );
    // A workbook whose cells are formatted but hold nothing, or only spaces.
    let mut wb = XWorkbook::new();
    let ws = wb.add_worksheet();
    ws.write_blank(0, 0, &XFormat::new().set_bold()).unwrap();
    ws.write_string(3, 3, "  ").unwrap();
    wb.add_worksheet();
    let bytes = wb.save_to_buffer().unwrap();
    let err = read_workbook(&bytes, "a.xlsx").unwrap_err();
    assert_eq!(err, ReadError::Empty);
    assert!(err.message().contains("kosong"));
}

#[test]
fn too_large_and_damaged_files() {
    let big = vec![b'a'; MAX_BYTES + 1];
    assert_eq!(read_workbook(&big, "a.csv"), Err(ReadError::TooLarge));
    // A small file that would expand into millions of cells.
    let wide_row = format!("{}x\n", ";".repeat(16_000));
    let bomb = wide_row.repeat(200);
    assert_eq!(
        read_workbook(bomb.as_bytes(), "a.csv"),
        Err(ReadError::TooLarge)
    );

    // A truncated upload.
    let xlsx = agency_xlsx();
    let err = read_workbook(&xlsx[..xlsx.len() / 2], "a.xlsx").unwrap_err();
    assert!(matches!(err, ReadError::Corrupt(_)), "{err:?}");
    assert!(err.message().starts_with("Berkas ini rusak"));
}

/// Damaged versions of every kind of file: the reader answers with an error or a workbook,
/// never a panic or a hang. (The fuzz target does this at scale.)
#[test]
fn damaged_files_never_panic() {
    let originals = [
        agency_xlsx(),
        ods(
            r#"<table:table table:name="A"><table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table>"#,
        ),
        cfb_with_streams(&["Workbook"]),
        cfb_with_streams(&["EncryptionInfo", "EncryptedPackage"]),
    ];
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for original in &originals {
        for _ in 0..60 {
            let mut bytes = original.clone();
            for _ in 0..1 + next() % 8 {
                let at = (next() % bytes.len() as u64) as usize;
                bytes[at] = next() as u8;
            }
            if next() % 4 == 0 {
                let keep = (next() % bytes.len() as u64) as usize;
                bytes.truncate(keep.max(8));
            }
            let _ = sniff(&bytes);
            let _ = cfb_entry_names(&bytes);
            let _ = read_workbook(&bytes, "x");
        }
    }
}

/// Write a synthetic alumni register of `rows` data rows × 15 columns.
fn alumni_xlsx(rows: u32) -> Vec<u8> {
    let mut wb = XWorkbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Alumni").unwrap();
    let date = XFormat::new().set_num_format("dd/mm/yyyy");
    let header = [
        "No",
        "Nama",
        "NIK",
        "L/P",
        "Tempat Lahir",
        "Tgl Lahir",
        "No. HP",
        "Alamat",
        "Desa",
        "Kecamatan",
        "Pendidikan",
        "Kejuruan",
        "Program Pelatihan",
        "Angkatan",
        "Tahun",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let trades = [
        "Tata Boga",
        "Teknik Pendingin",
        "Menjahit",
        "Tata Rias",
        "Las",
        "Otomotif",
    ];
    let places = [
        "Muara Sabak",
        "Nipah Panjang",
        "Mendahara",
        "Rantau Rasau",
        "Sadu",
    ];
    for i in 1..=rows {
        let r = i;
        let t = (i % 6) as usize;
        let p = (i % 5) as usize;
        ws.write_number(r, 0, f64::from(i)).unwrap();
        ws.write_string(r, 1, format!("Peserta Pelatihan {i}"))
            .unwrap();
        ws.write_string(r, 2, format!("1507{:012}", i)).unwrap();
        ws.write_string(r, 3, if i % 2 == 0 { "L" } else { "P" })
            .unwrap();
        ws.write_string(r, 4, places[p]).unwrap();
        ws.write_number_with_format(r, 5, 32_000.0 + f64::from(i % 5000), &date)
            .unwrap();
        ws.write_string(r, 6, format!("08{:010}", 1_200_000_000 + i))
            .unwrap();
        ws.write_string(r, 7, format!("Jl. Lintas Timur RT {:02} No. {i}", i % 30))
            .unwrap();
        ws.write_string(r, 8, format!("Desa {}", i % 73)).unwrap();
        ws.write_string(r, 9, places[p]).unwrap();
        ws.write_string(r, 10, "SMA").unwrap();
        ws.write_string(r, 11, trades[t]).unwrap();
        ws.write_string(r, 12, format!("{} Dasar", trades[t]))
            .unwrap();
        ws.write_number(r, 13, f64::from(i % 4 + 1)).unwrap();
        ws.write_number(r, 14, f64::from(2017 + i % 8)).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

/// Peak resident memory of this process in kB (Linux only).
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn read_and_check(bytes: &[u8], rows: u32) -> (super::Workbook, std::time::Duration) {
    let started = Instant::now();
    let book = read_workbook(bytes, "alumni.xlsx").unwrap();
    let elapsed = started.elapsed();
    let s = &book.sheets[0];
    assert_eq!(s.rows.len() as u32, rows + 1);
    assert_eq!(s.rows.last().unwrap().number, rows + 1);
    assert_eq!(s.width(), 15);
    assert_eq!(
        s.rows[rows as usize].cell(2),
        &text(&format!("1507{rows:012}"))
    );
    (book, elapsed)
}

#[test]
fn reads_a_5000_row_register() {
    let started = Instant::now();
    let bytes = alumni_xlsx(5_000);
    let generated = started.elapsed();
    let (_, elapsed) = read_and_check(&bytes, 5_000);
    println!("5000 rows x 15 columns: generated in {generated:?}, read in {elapsed:?}");
}

const MEASURE_FILE: &str = "KARYA_IMPORT_MEASURE_FILE";

/// The 50,000-row measurement, in release, only when `KARYA_MEASURE=1`:
/// `KARYA_MEASURE=1 cargo test --release --lib import::tests::reads_a_50000_row_register -- --nocapture`
///
/// The file is generated here and read in a child process (this test binary running
/// [`child_reads_measure_file`]), so the peak memory reported is that of reading alone: the
/// process baseline, the file's bytes, and the reader's work.
#[test]
fn reads_a_50000_row_register() {
    if std::env::var_os("KARYA_MEASURE").is_none() {
        return; // a measurement, not a check: run on demand, in release
    }
    const ROWS: u32 = 50_000;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alumni-50000.xlsx");
    let started = Instant::now();
    std::fs::write(&path, alumni_xlsx(ROWS)).unwrap();
    println!(
        "generated {ROWS} rows x 15 columns in {:?}",
        started.elapsed()
    );
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "import::tests::child_reads_measure_file"])
        .args(["--nocapture", "--test-threads=1"])
        .env(MEASURE_FILE, &path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let at = stdout.find("measured:").expect("the child reports");
    println!("{}", stdout[at..].lines().next().unwrap_or_default());
}

/// The child half of the measurement; does nothing unless started by it.
#[test]
fn child_reads_measure_file() {
    let Some(path) = std::env::var_os(MEASURE_FILE) else {
        return;
    };
    let baseline = peak_rss_kb();
    let bytes = std::fs::read(path).unwrap();
    let (book, elapsed) = read_and_check(&bytes, 50_000);
    let peak = peak_rss_kb();
    // Then the report of the same rows, as the importer would write it.
    let mut rows = book.sheets.into_iter().next().unwrap().rows.into_iter();
    let header = rows
        .next()
        .unwrap()
        .cells
        .iter()
        .map(|c| c.as_text().into_owned())
        .collect();
    let report = vec![ReportSheet {
        name: "Alumni".into(),
        header,
        rows: rows
            .map(|r| ReportRow {
                cells: r.cells,
                status: "dibuat".into(),
                message: String::new(),
            })
            .collect(),
        nik_column: None,
    }];
    let started = Instant::now();
    let written = write_report(&report).unwrap();
    let report_elapsed = started.elapsed();
    let report_peak = peak_rss_kb();
    let mib = |kb: Option<u64>| {
        kb.map_or("?".to_owned(), |kb| {
            format!("{:.1} MiB", kb as f64 / 1024.0)
        })
    };
    println!(
        "measured: file {:.1} MiB read in {elapsed:?}; peak RSS {} (process before reading: {}); \
         report of the same rows ({:.1} MiB) written in {report_elapsed:?}, peak RSS then {}",
        bytes.len() as f64 / 1048576.0,
        mib(peak),
        mib(baseline),
        written.len() as f64 / 1048576.0,
        mib(report_peak),
    );
}
