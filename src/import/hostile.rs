//! Hostile files, built in code, and the reader's answer to each: an Indonesian refusal within
//! 5 s and less than 256 MB of memory growth (measured from /proc/self/status on Linux).
//!
//! The files are cheap to make: a 1 GiB string is never held in memory. [`deflate_repeated`]
//! compresses one 1 MiB chunk once, ending it with a full flush (byte-aligned, history reset),
//! and repeats those compressed bytes, which is a valid deflate stream of the whole text.
//!
//! `write_hostile_files` (ignored) writes every file to `$KARYA_HOSTILE_DIR` for
//! `benches/hostile_imports.sh`.

use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use flate2::{Compress, Compression, FlushCompress};

use super::read::{ReadError, read_workbook};

const MIB: u64 = 1024 * 1024;
const GIB: u64 = 1024 * MIB;

/// One archive entry as written: its compressed bytes and what its headers say.
pub(crate) struct Entry {
    name: String,
    /// 0 stored, 8 deflated.
    method: u16,
    data: Vec<u8>,
    crc: u32,
    /// The uncompressed size the headers declare (which may lie).
    declared: u32,
}

impl Entry {
    pub(crate) fn stored(name: &str, data: &[u8]) -> Entry {
        Entry {
            name: name.to_owned(),
            method: 0,
            data: data.to_vec(),
            crc: crc32fast::hash(data),
            declared: data.len() as u32,
        }
    }

    pub(crate) fn deflated(name: &str, data: &[u8]) -> Entry {
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), Compression::fast());
        e.write_all(data).expect("in memory");
        Entry {
            name: name.to_owned(),
            method: 8,
            data: e.finish().expect("in memory"),
            crc: crc32fast::hash(data),
            declared: data.len() as u32,
        }
    }

    /// `prefix`, then `count` bytes `fill`, then `suffix`, deflated without ever holding the
    /// text; the headers declare its real size (saturated at 4 GiB − 1).
    fn repeated(name: &str, prefix: &[u8], fill: u8, count: u64, suffix: &[u8]) -> Entry {
        let (data, crc, size) = deflate_repeated(prefix, fill, count, suffix);
        Entry {
            name: name.to_owned(),
            method: 8,
            data,
            crc,
            declared: u32::try_from(size).unwrap_or(u32::MAX),
        }
    }

    pub(crate) fn declaring(mut self, size: u32) -> Entry {
        self.declared = size;
        self
    }
}

/// Compresses `input` into complete deflate blocks, ending as `flush` says.
fn piece(c: &mut Compress, input: &[u8], flush: FlushCompress) -> Vec<u8> {
    let mut buf = Vec::with_capacity(input.len() / 2 + 1024);
    let start_in = c.total_in();
    loop {
        let done = (c.total_in() - start_in) as usize;
        buf.reserve(64 * 1024);
        c.compress_vec(&input[done..], &mut buf, flush)
            .expect("deflate");
        let consumed = (c.total_in() - start_in) as usize == input.len();
        if consumed && buf.len() < buf.capacity() {
            return buf;
        }
    }
}

/// A raw deflate stream of `prefix` + `count` × `fill` + `suffix`, its CRC-32 and its size.
fn deflate_repeated(prefix: &[u8], fill: u8, count: u64, suffix: &[u8]) -> (Vec<u8>, u32, u64) {
    let chunk = vec![fill; MIB as usize];
    let mut c = Compress::new(Compression::best(), false);
    let mut out = Vec::new();
    out.extend(piece(&mut c, prefix, FlushCompress::Full));
    let block = piece(&mut c, &chunk, FlushCompress::Full);
    let mut crc = crc32fast::Hasher::new();
    crc.update(prefix);
    for _ in 0..count / MIB {
        out.extend_from_slice(&block);
        crc.update(&chunk);
    }
    let rest = vec![fill; (count % MIB) as usize];
    out.extend(piece(&mut c, &rest, FlushCompress::Full));
    crc.update(&rest);
    out.extend(piece(&mut c, suffix, FlushCompress::Finish));
    crc.update(suffix);
    (
        out,
        crc.finalize(),
        prefix.len() as u64 + count + suffix.len() as u64,
    )
}

/// A ZIP archive of `entries`, headers as each entry says (no ZIP64: sizes under 4 GiB).
pub(crate) fn zip(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let header = |sig: &[u8], central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(sig);
            if central {
                h.extend_from_slice(&20u16.to_le_bytes()); // version made by
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // version needed
            h.extend_from_slice(&0u16.to_le_bytes()); // flags
            h.extend_from_slice(&e.method.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // time
            h.extend_from_slice(&0x21u16.to_le_bytes()); // date: 1980-01-01
            h.extend_from_slice(&e.crc.to_le_bytes());
            h.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
            h.extend_from_slice(&e.declared.to_le_bytes());
            h.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
            if central {
                h.extend_from_slice(&0u16.to_le_bytes()); // comment
                h.extend_from_slice(&0u16.to_le_bytes()); // disk
                h.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
                h.extend_from_slice(&0u32.to_le_bytes()); // external attributes
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(e.name.as_bytes());
            h
        };
        out.extend(header(b"PK\x03\x04", false));
        out.extend_from_slice(&e.data);
        central.extend(header(b"PK\x01\x02", true));
    }
    let at = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// A one-sheet xlsx whose sheet and shared strings are the given entries.
pub(crate) fn xlsx(sheet: Entry, shared: Option<Entry>) -> Vec<u8> {
    let types = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>{}</Types>"#,
        if shared.is_some() {
            r#"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#
        } else {
            ""
        }
    );
    let rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    let workbook = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="Alumni" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    );
    let book_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>{}</Relationships>"#,
        if shared.is_some() {
            format!(
                r#"<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>"#
            )
        } else {
            String::new()
        }
    );
    let mut entries = vec![
        Entry::stored("[Content_Types].xml", types.as_bytes()),
        Entry::stored("_rels/.rels", rels.as_bytes()),
        Entry::stored("xl/workbook.xml", workbook.as_bytes()),
        Entry::stored("xl/_rels/workbook.xml.rels", book_rels.as_bytes()),
        sheet,
    ];
    entries.extend(shared);
    zip(&entries)
}

const SHEET: &str = "xl/worksheets/sheet1.xml";
const SHARED: &str = "xl/sharedStrings.xml";

fn sheet_xml(rows: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>"#
    )
}

fn shared_xml(count: &str, items: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">{items}</sst>"#
    )
}

/// A small, honest workbook made by the same builders: the control.
pub(crate) fn honest() -> Vec<u8> {
    let sheet = sheet_xml(
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>NIK</t></is></c></row><row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2"><v>42</v></c></row>"#,
    );
    let shared = shared_xml("2", "<si><t>Nama</t></si><si><t>Siti</t></si>");
    xlsx(
        Entry::deflated(SHEET, sheet.as_bytes()),
        Some(Entry::deflated(SHARED, shared.as_bytes())),
    )
}

/// `<sst uniqueCount="4294967295">` over a single string: calamine reserves 103 GB.
pub(crate) fn lying_count() -> Vec<u8> {
    let sheet = sheet_xml(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#);
    let shared = shared_xml("4294967295", "<si><t>Nama</t></si>");
    xlsx(
        Entry::deflated(SHEET, sheet.as_bytes()),
        Some(Entry::deflated(SHARED, shared.as_bytes())),
    )
}

/// One inline string of 1 GiB in A1 (about 1 MB compressed).
pub(crate) fn huge_inline_string() -> Vec<u8> {
    let head = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>"#
    );
    let tail = "</t></is></c></row></sheetData></worksheet>";
    xlsx(
        Entry::repeated(SHEET, head.as_bytes(), b'A', GIB, tail.as_bytes()),
        None,
    )
}

/// One shared string of 1 GiB, shown in A1.
pub(crate) fn huge_shared_string() -> Vec<u8> {
    let sheet = sheet_xml(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#);
    let head = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>"#
    );
    xlsx(
        Entry::deflated(SHEET, sheet.as_bytes()),
        Some(Entry::repeated(
            SHARED,
            head.as_bytes(),
            b'A',
            GIB,
            b"</t></si></sst>",
        )),
    )
}

/// A sheet of rows of short cells that inflates to 1.3 GB, headers telling the truth.
fn bomb_sheet() -> Entry {
    // Whitespace between rows: legal XML, compresses about 1000:1.
    let head = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>"#
    );
    Entry::repeated(
        SHEET,
        head.as_bytes(),
        b' ',
        1300 * MIB,
        b"</sheetData></worksheet>",
    )
}

/// A zip bomb: the sheet declares (truthfully) 1.3 GB.
pub(crate) fn zip_bomb() -> Vec<u8> {
    xlsx(bomb_sheet(), None)
}

/// The same sheet, its headers declaring 1 KB.
pub(crate) fn lying_zip_header() -> Vec<u8> {
    xlsx(bomb_sheet().declaring(1024), None)
}

/// A sheet whose XML nests a million elements deep inside a cell.
pub(crate) fn deeply_nested() -> Vec<u8> {
    let depth = 1_000_000;
    let sheet = sheet_xml(&format!(
        r#"<row r="1"><c r="A1" t="inlineStr"><is>{}</is></c></row>"#,
        "<r>".repeat(depth)
    ));
    xlsx(Entry::deflated(SHEET, sheet.as_bytes()), None)
}

/// 2,100,000 rows of one cell each: past the reader's cell budget (CSV, 4 MB).
pub(crate) fn many_rows_csv() -> Vec<u8> {
    b"a\n".repeat(2_100_000)
}

/// One line of 19 MB with no separator: a single enormous field.
pub(crate) fn enormous_line_csv() -> Vec<u8> {
    vec![b'x'; 19 * MIB as usize]
}

/// 200,000 rows of six fields of junk (13 MB): readable, but a lot of cells.
pub(crate) fn junk_rows_csv() -> Vec<u8> {
    let mut out = Vec::with_capacity(14 * MIB as usize);
    let mut x: u32 = 12345;
    for _ in 0..200_000 {
        for field in 0..6 {
            if field > 0 {
                out.push(b';');
            }
            for _ in 0..10 {
                // A linear congruential generator: cheap, repeatable letters.
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                out.push(b'a' + (x >> 16) as u8 % 26);
            }
        }
        out.push(b'\n');
    }
    out
}

/// Bytes that are not UTF-8 in a shared string.
pub(crate) fn invalid_utf8_xlsx() -> Vec<u8> {
    let sheet = sheet_xml(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#);
    let mut shared = shared_xml("1", "<si><t>NAMA</t></si>").into_bytes();
    let at = shared.windows(4).position(|w| w == b"NAMA").expect("there");
    shared[at..at + 4].copy_from_slice(&[0xC3, 0x28, 0xFF, 0xFE]);
    xlsx(
        Entry::deflated(SHEET, sheet.as_bytes()),
        Some(Entry::deflated(SHARED, &shared)),
    )
}

/// Every hostile file with the name it is written under.
pub(crate) fn all() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("lying_count.xlsx", lying_count()),
        ("huge_inline_string.xlsx", huge_inline_string()),
        ("huge_shared_string.xlsx", huge_shared_string()),
        ("zip_bomb.xlsx", zip_bomb()),
        ("lying_zip_header.xlsx", lying_zip_header()),
        ("deeply_nested.xlsx", deeply_nested()),
        ("many_rows.csv", many_rows_csv()),
        ("enormous_line.csv", enormous_line_csv()),
        ("invalid_utf8.xlsx", invalid_utf8_xlsx()),
        ("junk_200k_rows.csv", junk_rows_csv()),
    ]
}

// ---------------------------------------------------------------------------------------------
// Measuring

/// One hostile read at a time: memory is measured for the whole process.
static SERIAL: Mutex<()> = Mutex::new(());

/// A field of /proc/self/status in kB (Linux only).
fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Reads `bytes` and checks the bounds: under 5 s, and (where /proc allows) a peak RSS less
/// than 256 MB above the RSS before. Returns the reader's answer.
pub(crate) fn read_bounded(bytes: &[u8], name: &str) -> Result<super::Workbook, ReadError> {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // Writing 5 resets VmHWM (the peak) to the current RSS (Linux ≥ 4.0).
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = status_kb("VmRSS:");
    let start = Instant::now();
    let result = read_workbook(bytes, name);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(5), "{name}: {took:?}");
    if let (true, Some(before), Some(peak)) = (reset, before, status_kb("VmHWM:")) {
        let growth = peak.saturating_sub(before);
        assert!(growth < 256 * 1024, "{name}: RSS grew by {growth} kB");
    }
    result
}

/// Runs `body` alone in a child process (this test binary running only the test `name`), so
/// that memory measured for the whole process is this test's: other tests run in parallel
/// threads. In the child, `body` runs directly.
pub(crate) fn isolated(name: &str, body: impl FnOnce()) {
    if std::env::var_os("KARYA_HOSTILE_CHILD").is_some() {
        body();
        return;
    }
    let exe = std::env::current_exe().expect("test binary");
    let out = std::process::Command::new(exe)
        .args([name, "--exact", "--test-threads=1", "--include-ignored"])
        .env("KARYA_HOSTILE_CHILD", "1")
        .output()
        .expect("run the test alone");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{name} alone:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(bytes: &[u8], name: &str) -> ReadError {
        match read_bounded(bytes, name) {
            Ok(_) => panic!("{name} was read"),
            Err(e) => e,
        }
    }

    #[test]
    fn the_builders_make_a_workbook_calamine_reads() {
        isolated(
            "import::hostile::tests::the_builders_make_a_workbook_calamine_reads",
            || {
                let book = read_bounded(&honest(), "honest.xlsx").expect("reads");
                let rows = &book.sheets[0].rows;
                assert_eq!(rows.len(), 2);
                assert_eq!(rows[1].cells[0], super::super::Cell::Text("Siti".into()));
                assert_eq!(rows[0].cells[1], super::super::Cell::Text("NIK".into()));
            },
        );
    }

    #[test]
    fn a_lying_shared_string_count_is_refused_before_calamine_reserves_it() {
        isolated(
            "import::hostile::tests::a_lying_shared_string_count_is_refused_before_calamine_reserves_it",
            || {
                let e = refused(&lying_count(), "count.xlsx");
                assert_eq!(e, ReadError::DeclaredCount);
                assert!(e.message().contains("jumlah teks yang dinyatakan"));
            },
        );
    }

    #[test]
    fn a_huge_inline_string_is_refused() {
        isolated(
            "import::hostile::tests::a_huge_inline_string_is_refused",
            || {
                let bytes = huge_inline_string();
                assert!(bytes.len() < 4 * MIB as usize, "{}", bytes.len());
                // Its declared size (1 GiB) is past a part's limit already.
                let e = refused(&bytes, "inline.xlsx");
                assert_eq!(e, ReadError::Inflated);
                assert!(e.message().contains("mengembang"));
                // 8 MiB, a part size within the limits: refused by the cell's length.
                let head = format!(
                    r#"<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>"#
                );
                let tail = b"</t></is></c></row></sheetData></worksheet>";
                let long = xlsx(
                    Entry::repeated(SHEET, head.as_bytes(), b'A', 8 * MIB, tail),
                    None,
                );
                let e = refused(&long, "inline.xlsx");
                assert_eq!(e, ReadError::CellTooLong);
                assert!(e.message().contains("32.767 karakter"));
            },
        );
    }

    #[test]
    fn a_huge_shared_string_is_refused() {
        isolated(
            "import::hostile::tests::a_huge_shared_string_is_refused",
            || {
                let e = refused(&huge_shared_string(), "shared.xlsx");
                // Its declared size (1 GiB) is past the shared strings' limit already.
                assert_eq!(e, ReadError::Inflated);
                assert!(e.message().contains("mengembang"));
            },
        );
    }

    #[test]
    fn a_long_shared_string_with_an_honest_small_size_is_refused_by_its_length() {
        isolated(
            "import::hostile::tests::a_long_shared_string_with_an_honest_small_size_is_refused_by_its_length",
            || {
                let head = format!(r#"<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>"#);
                let sheet = sheet_xml(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#);
                let bytes = xlsx(
                    Entry::deflated(SHEET, sheet.as_bytes()),
                    Some(Entry::repeated(
                        SHARED,
                        head.as_bytes(),
                        b'A',
                        8 * MIB,
                        b"</t></si></sst>",
                    )),
                );
                assert_eq!(refused(&bytes, "s.xlsx"), ReadError::CellTooLong);
            },
        );
    }

    #[test]
    fn a_zip_bomb_is_refused_from_its_declared_size() {
        isolated(
            "import::hostile::tests::a_zip_bomb_is_refused_from_its_declared_size",
            || {
                let e = refused(&zip_bomb(), "bomb.xlsx");
                assert_eq!(e, ReadError::Inflated);
            },
        );
    }

    #[test]
    fn a_zip_header_that_lies_is_caught_while_inflating() {
        isolated(
            "import::hostile::tests::a_zip_header_that_lies_is_caught_while_inflating",
            || {
                let e = refused(&lying_zip_header(), "lie.xlsx");
                assert_eq!(e, ReadError::Inflated);
                assert!(e.message().contains("mengembang"));
            },
        );
    }

    #[test]
    fn deeply_nested_xml_is_refused() {
        isolated(
            "import::hostile::tests::deeply_nested_xml_is_refused",
            || {
                let e = refused(&deeply_nested(), "deep.xlsx");
                assert_eq!(e, ReadError::TooDeep);
                assert!(e.message().contains("bersarang terlalu dalam"));
            },
        );
    }

    #[test]
    fn a_huge_number_of_rows_is_refused() {
        isolated(
            "import::hostile::tests::a_huge_number_of_rows_is_refused",
            || {
                let e = refused(&many_rows_csv(), "rows.csv");
                assert_eq!(e, ReadError::TooLarge);
                assert!(e.message().contains("terlalu besar"));
            },
        );
    }

    #[test]
    fn a_csv_with_one_enormous_line_is_refused() {
        isolated(
            "import::hostile::tests::a_csv_with_one_enormous_line_is_refused",
            || {
                let e = refused(&enormous_line_csv(), "line.csv");
                assert_eq!(e, ReadError::CellTooLong);
            },
        );
    }

    #[test]
    fn invalid_utf8_is_refused_in_xlsx_and_read_as_windows_1252_in_csv() {
        isolated(
            "import::hostile::tests::invalid_utf8_is_refused_in_xlsx_and_read_as_windows_1252_in_csv",
            || {
                let e = refused(&invalid_utf8_xlsx(), "utf8.xlsx");
                assert!(matches!(e, ReadError::Corrupt(_)), "{e:?}");
                assert!(e.message().contains("rusak"));
                let csv = b"Nama;Kota\nJos\xe9;Surabaya\n\xff\xfe\xc3(;x\n";
                let book = read_bounded(csv, "x.csv").expect("read as Windows-1252");
                assert_eq!(book.sheets[0].rows.len(), 3);
            },
        );
    }

    #[test]
    fn a_cell_of_exactly_excels_limit_is_read_and_one_more_character_is_not() {
        let cell = |n: usize| format!("Nama\n{}\n", "é".repeat(n)).into_bytes();
        let limit = super::super::guard::MAX_CELL_CHARS;
        assert!(read_workbook(&cell(limit), "a.csv").is_ok());
        assert_eq!(
            read_workbook(&cell(limit + 1), "a.csv"),
            Err(ReadError::CellTooLong)
        );
        let sheet = |n: usize| {
            let xml = sheet_xml(&format!(
                r#"<row r="1"><c r="A1" t="inlineStr"><is><t>{}</t></is></c></row>"#,
                "é".repeat(n)
            ));
            xlsx(Entry::deflated(SHEET, xml.as_bytes()), None)
        };
        assert!(read_workbook(&sheet(limit), "a.xlsx").is_ok());
        assert_eq!(
            read_workbook(&sheet(limit + 8_192 + 1), "a.xlsx"),
            Err(ReadError::CellTooLong)
        );
        // Between the two limits (a formula's room), calamine reads it and the reader refuses.
        assert_eq!(
            read_workbook(&sheet(limit + 1), "a.xlsx"),
            Err(ReadError::CellTooLong)
        );
    }

    /// Found by `import::mutate` (seed 7, cases 369 and 793): calamine's ODS reader never returned.
    #[test]
    fn an_ods_whose_content_ends_inside_an_element_is_refused_at_once() {
        let ods = super::super::testdata::ods(
            r#"<table:table table:name="2019"><table:table-row><table:table-cell office:value-type="string"><text:p>Nama</text:p></table:table-cell></table:table-row></table:table>"#,
        );
        assert!(read_workbook(&ods, "a.ods").is_ok());
        let cut = super::super::testdata::stored_zip(&[
            ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
            (
                "content.xml",
                br#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="2019"><table:table-row><table:table-cell office:value-type="string"><text:p>Nama</text:p></table:table-cell></table:table-row></table:table</office:document-content>"#,
            ),
        ]);
        let start = Instant::now();
        let e = read_workbook(&cut, "a.ods").expect_err("refused");
        assert!(start.elapsed() < Duration::from_secs(5));
        assert!(matches!(e, ReadError::Corrupt(_)), "{e:?}");
        // Case 793: `</table:table>` misspelt, so it never comes.
        let misspelt = super::super::testdata::ods(
            r#"<table:table table:name="2019"><table:table-row><table:table-cell office:value-type="string"><text:p>Nama</text:p></table:table-cell></table:table-row></tablQQQe:table>"#,
        );
        let e = read_workbook(&misspelt, "a.ods").expect_err("refused");
        assert!(e.message().contains("tidak cocok"), "{e:?}");
    }

    #[test]
    fn two_hundred_thousand_rows_of_junk_are_read_within_the_bounds() {
        isolated(
            "import::hostile::tests::two_hundred_thousand_rows_of_junk_are_read_within_the_bounds",
            || {
                let book = read_bounded(&junk_rows_csv(), "junk.csv").expect("readable");
                assert_eq!(book.sheets[0].rows.len(), 200_000);
            },
        );
    }

    /// Writes every hostile file to `$KARYA_HOSTILE_DIR` (benches/hostile_imports.sh).
    #[test]
    #[ignore = "a tool, not a test: writes the hostile files for benches/hostile_imports.sh into KARYA_HOSTILE_DIR"]
    fn write_hostile_files() {
        let dir = std::env::var("KARYA_HOSTILE_DIR").expect("KARYA_HOSTILE_DIR");
        std::fs::create_dir_all(&dir).expect("dir");
        for (name, bytes) in all() {
            std::fs::write(format!("{dir}/{name}"), bytes).expect("write");
        }
    }
}
