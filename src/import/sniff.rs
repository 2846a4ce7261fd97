//! Format detection from the content of a file, never from its name.
//!
//! Two container formats matter: ZIP (xlsx, xlsb, ods — and also docx, odt and plain archives)
//! and the OLE compound file (CFB: xls — and also doc, msg, and password-protected xlsx, which
//! Office stores as a CFB holding `EncryptionInfo` and `EncryptedPackage` streams). Both are
//! looked into with small, bounds-checked directory readers below; nothing is decompressed.
//! Everything else is either text (CSV) or rejected.

const ZIP_LOCAL: &[u8] = b"PK\x03\x04";
const ZIP_EMPTY: &[u8] = b"PK\x05\x06";
const ZIP_CENTRAL: &[u8] = b"PK\x01\x02";
const ZIP_EOCD: &[u8] = b"PK\x05\x06";
const ZIP64_LOCATOR: &[u8] = b"PK\x06\x07";
const ZIP64_EOCD: &[u8] = b"PK\x06\x06";
pub(crate) const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ODS_MIME: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";
const ODF_MIME_PREFIX: &[u8] = b"application/vnd.oasis.opendocument.";

/// What the bytes look like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sniffed {
    Xlsx,
    Xlsb,
    Ods,
    Xls,
    /// A password-protected Office file (an encrypted xlsx inside a CFB container).
    Encrypted,
    /// Text: CSV or tab-separated.
    Text,
    /// Zero bytes or only whitespace.
    Blank,
    /// An image, a PDF, a Word file, an archive…
    NotSpreadsheet,
    /// Something that looks like a spreadsheet to the user but that we cannot read.
    Unsupported(&'static str),
    /// The container is recognisable but broken (e.g. a truncated upload).
    Corrupt(&'static str),
}

pub(crate) fn sniff(bytes: &[u8]) -> Sniffed {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Sniffed::Blank;
    }
    if bytes.starts_with(ZIP_LOCAL) {
        return sniff_zip(bytes);
    }
    if bytes.starts_with(ZIP_EMPTY) {
        return Sniffed::NotSpreadsheet;
    }
    if bytes.starts_with(CFB_MAGIC) {
        return sniff_cfb(bytes);
    }
    sniff_other(bytes)
}

fn sniff_zip(bytes: &[u8]) -> Sniffed {
    let Some(entries) = zip_entries(bytes) else {
        return Sniffed::Corrupt("arsip ZIP tidak lengkap atau rusak");
    };
    let has = |name: &str| {
        entries
            .iter()
            .any(|e| e.name.eq_ignore_ascii_case(name.as_bytes()))
    };
    if has("xl/workbook.xml") {
        return Sniffed::Xlsx;
    }
    if has("xl/workbook.bin") {
        return Sniffed::Xlsb;
    }
    if has("content.xml") && has("mimetype") {
        let mime = entries
            .iter()
            .find(|e| e.name == b"mimetype")
            .and_then(|e| zip_stored_data(bytes, e));
        return match mime.map(<[u8]>::trim_ascii) {
            Some(m) if m == ODS_MIME => Sniffed::Ods,
            // A text document, presentation, drawing… of the OpenDocument family.
            Some(m) if m.starts_with(ODF_MIME_PREFIX) => Sniffed::NotSpreadsheet,
            Some(_) => Sniffed::NotSpreadsheet,
            // Compressed or unreadable mimetype: let the ODS reader check it.
            None => Sniffed::Ods,
        };
    }
    // An OOXML package whose workbook part is not at the usual place (rare; the xlsx reader
    // follows the package relationships).
    if has("[Content_Types].xml")
        && entries.iter().any(|e| {
            e.name.len() >= 12 && e.name[e.name.len() - 12..].eq_ignore_ascii_case(b"workbook.xml")
        })
    {
        return Sniffed::Xlsx;
    }
    Sniffed::NotSpreadsheet
}

fn sniff_cfb(bytes: &[u8]) -> Sniffed {
    let Some(names) = cfb_entry_names(bytes) else {
        // Our directory reader gave up; the xls reader gets the final word.
        return Sniffed::Xls;
    };
    classify_cfb_names(&names)
}

/// Decide from the stream and storage names of a compound file.
pub(crate) fn classify_cfb_names<S: AsRef<str>>(names: &[S]) -> Sniffed {
    let has = |n: &str| names.iter().any(|s| s.as_ref().eq_ignore_ascii_case(n));
    if has("EncryptedPackage") || has("EncryptionInfo") {
        Sniffed::Encrypted
    } else if has("Workbook") || has("Book") {
        Sniffed::Xls
    } else {
        // Word (.doc), Outlook (.msg), PowerPoint… renamed to .xls.
        Sniffed::NotSpreadsheet
    }
}

fn sniff_other(bytes: &[u8]) -> Sniffed {
    const BINARY_MAGIC: &[&[u8]] = &[
        b"\x89PNG",
        b"\xFF\xD8\xFF", // JPEG
        b"GIF8",
        b"%PDF",
        b"Rar!",
        b"7z\xBC\xAF\x27\x1C",
        b"\x1F\x8B", // gzip
        b"RIFF",     // WebP, WAV
        b"{\\rtf",
    ];
    if BINARY_MAGIC.iter().any(|m| bytes.starts_with(m)) {
        return Sniffed::NotSpreadsheet;
    }
    // UTF-16 text ("Unicode Text" saved by Excel) starts with a byte-order mark.
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Sniffed::Text;
    }
    let head = &bytes[..bytes.len().min(8192)];
    let start = head
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(head)
        .trim_ascii_start();
    let lower: Vec<u8> = start
        .iter()
        .take(4096)
        .map(u8::to_ascii_lowercase)
        .collect();
    let contains = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    if lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html") || contains(b"<table") {
        // Many web applications export an HTML table named .xls.
        return Sniffed::Unsupported("halaman HTML yang dinamai seperti berkas Excel");
    }
    if lower.starts_with(b"<?xml") {
        if contains(b"urn:schemas-microsoft-com:office:spreadsheet") {
            return Sniffed::Unsupported("XML Spreadsheet 2003");
        }
        return Sniffed::NotSpreadsheet;
    }
    // Text has no NUL bytes and few control characters.
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    if head.contains(&0) || control * 20 > head.len() {
        return Sniffed::NotSpreadsheet;
    }
    Sniffed::Text
}

// ---------------------------------------------------------------------------------------------
// ZIP central directory

#[derive(Debug)]
pub(crate) struct ZipEntry<'a> {
    pub name: &'a [u8],
    method: u16,
    compressed_size: u64,
    local_offset: u64,
}

/// `len` bytes at `at`, or `None` past the end (offsets come from the file: never trust them).
fn slice(b: &[u8], at: usize, len: usize) -> Option<&[u8]> {
    b.get(at..at.checked_add(len)?)
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(slice(b, at, 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(slice(b, at, 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(slice(b, at, 8)?.try_into().ok()?))
}

/// The entries listed in a ZIP archive's central directory, or `None` when there is no
/// readable central directory (a truncated or damaged archive).
pub(crate) fn zip_entries(b: &[u8]) -> Option<Vec<ZipEntry<'_>>> {
    // End of central directory: 22 bytes plus a comment of at most 65535 bytes.
    let last = b.len().checked_sub(22)?;
    let first = last.saturating_sub(0xFFFF);
    let eocd = (first..=last).rev().find(|&i| &b[i..i + 4] == ZIP_EOCD)?;
    let mut count = u64::from(u16_at(b, eocd + 10)?);
    let mut offset = u64::from(u32_at(b, eocd + 16)?);
    if count == 0xFFFF || offset == 0xFFFF_FFFF {
        // ZIP64: a locator just before the EOCD points at the ZIP64 end record.
        let loc = eocd.checked_sub(20)?;
        if slice(b, loc, 4)? != ZIP64_LOCATOR {
            return None;
        }
        let rec = usize::try_from(u64_at(b, loc + 8)?).ok()?;
        if slice(b, rec, 4)? != ZIP64_EOCD {
            return None;
        }
        count = u64_at(b, rec + 32)?;
        offset = u64_at(b, rec + 48)?;
    }
    let mut at = usize::try_from(offset).ok()?;
    // Each central entry is at least 46 bytes: a count beyond that is a lie.
    if count > (b.len() / 46) as u64 {
        return None;
    }
    let mut entries = Vec::with_capacity(count as usize);
    for _ in 0..count {
        if slice(b, at, 4)? != ZIP_CENTRAL {
            return None;
        }
        let method = u16_at(b, at + 10)?;
        let compressed_size = u64::from(u32_at(b, at + 20)?);
        let name_len = usize::from(u16_at(b, at + 28)?);
        let extra_len = usize::from(u16_at(b, at + 30)?);
        let comment_len = usize::from(u16_at(b, at + 32)?);
        let local_offset = u64::from(u32_at(b, at + 42)?);
        let name = slice(b, at.checked_add(46)?, name_len)?;
        entries.push(ZipEntry {
            name,
            method,
            compressed_size,
            local_offset,
        });
        at = at.checked_add(46 + name_len + extra_len + comment_len)?;
    }
    Some(entries)
}

/// The bytes of an entry stored without compression (ODF's `mimetype` always is).
fn zip_stored_data<'a>(b: &'a [u8], e: &ZipEntry<'_>) -> Option<&'a [u8]> {
    if e.method != 0 || e.compressed_size > 1024 {
        return None;
    }
    let at = usize::try_from(e.local_offset).ok()?;
    if slice(b, at, 4)? != ZIP_LOCAL {
        return None;
    }
    let name_len = usize::from(u16_at(b, at + 26)?);
    let extra_len = usize::from(u16_at(b, at + 28)?);
    slice(
        b,
        at.checked_add(30 + name_len + extra_len)?,
        e.compressed_size as usize,
    )
}

// ---------------------------------------------------------------------------------------------
// Compound File Binary (OLE2) directory

const CFB_MAX_REGULAR: u32 = 0xFFFF_FFFA;

/// Names of the storages and streams in a compound file's directory, or `None` when the
/// directory cannot be followed.
pub(crate) fn cfb_entry_names(b: &[u8]) -> Option<Vec<String>> {
    if b.len() < 512 || !b.starts_with(CFB_MAGIC) {
        return None;
    }
    let shift = u16_at(b, 0x1E)?;
    if shift != 9 && shift != 12 {
        return None;
    }
    let size = 1usize << shift;
    let sector = |id: u32| -> Option<&[u8]> {
        let start = (id as usize).checked_add(1)?.checked_mul(size)?;
        // The last sector of a file is sometimes cut short.
        b.get(start..start.saturating_add(size).min(b.len()))
            .filter(|s| !s.is_empty())
    };
    let max_sectors = b.len() / size + 1;

    // Sector allocation table: its sectors are listed in the header (109) and DIFAT sectors.
    let mut fat_sectors: Vec<u32> = (0..109)
        .filter_map(|i| u32_at(b, 0x4C + 4 * i))
        .filter(|&id| id < CFB_MAX_REGULAR)
        .collect();
    let mut difat = u32_at(b, 0x44)?;
    let mut steps = 0;
    while difat < CFB_MAX_REGULAR {
        steps += 1;
        if steps > max_sectors {
            return None;
        }
        let s = sector(difat)?;
        let n = s.len() / 4;
        fat_sectors.extend(
            (0..n.saturating_sub(1))
                .filter_map(|i| u32_at(s, 4 * i))
                .filter(|&id| id < CFB_MAX_REGULAR),
        );
        // The next DIFAT sector is named in the sector's last four bytes.
        difat = u32_at(s, 4 * n.checked_sub(1)?)?;
    }
    fat_sectors.truncate(max_sectors);
    let mut fat: Vec<u32> = Vec::new();
    for id in fat_sectors {
        let s = sector(id)?;
        fat.extend(
            s.chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
        );
    }

    let mut names = Vec::new();
    let mut dir = u32_at(b, 0x30)?;
    let mut steps = 0;
    while dir < CFB_MAX_REGULAR {
        steps += 1;
        if steps > max_sectors {
            return None;
        }
        for entry in sector(dir)?.chunks_exact(128) {
            let kind = entry[0x42];
            let len = usize::from(u16_at(entry, 0x40)?);
            if kind == 0 || !(2..=64).contains(&len) {
                continue;
            }
            let units: Vec<u16> = entry[..len - 2]
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            names.push(String::from_utf16_lossy(&units));
        }
        dir = *fat.get(dir as usize)?;
    }
    Some(names)
}

// ---------------------------------------------------------------------------------------------
// Compound File Binary (OLE2) sector chains

const CFB_END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const CFB_DIFAT_SECTOR: u32 = 0xFFFF_FFFC;

/// The streams calamine's xls reader opens (the first directory entry of each name).
const XLS_STREAMS: [&str; 4] = [
    "\u{5}SummaryInformation",
    "\u{5}DocumentSummaryInformation",
    "Workbook",
    "Book",
];

/// The `Workbook`/`Book` streams of a compound file as calamine's xls reader reads them, or
/// `None` when a sector chain that reader follows loops back on itself before the reader has the
/// bytes it wants. calamine (0.38) follows chains without remembering where it has been, and
/// reads the directory chain to its end: a FAT entry pointing back into the chain (found by
/// fuzzing: a 5.7 KB file) makes it append the same sector forever, gigabytes within seconds,
/// or spin without end on a sector past the end of the file. A well-formed file never visits a
/// sector twice in one chain.
///
/// Mirrors how calamine reads the header, the DIFAT and the FAT, the directory, the mini stream
/// and mini FAT, and the streams it opens; whatever calamine itself rejects is left to it.
pub(crate) fn cfb_workbook_streams(b: &[u8]) -> Option<Vec<Vec<u8>>> {
    let size: usize = match u16_at(b, 0x1E) {
        Some(9) => 512,
        Some(12) => 4096,
        _ => return Some(Vec::new()),
    };
    if b.len() < size || !b.starts_with(CFB_MAGIC) {
        return Some(Vec::new());
    }
    let max_id = (b.len() / size) as u32;
    // Sector `id` as calamine reads it: cut short (or empty) at the end of the file.
    let sector = |id: u32| -> &[u8] {
        let start = (id as usize + 1).saturating_mul(size).min(b.len());
        &b[start..start.saturating_add(size).min(b.len())]
    };
    let words = |s: &[u8]| -> Vec<u32> {
        s.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    };
    let header_u32 = |at: usize| u32_at(b, at).unwrap_or(CFB_END_OF_CHAIN);

    // DIFAT: the header's 109 entries, then DIFAT sectors (calamine bounds that chain itself).
    let mut difat = words(&b[0x4C..512.min(b.len())]);
    let mut id = header_u32(0x44);
    let mut steps = 0u32;
    while id < CFB_MAX_REGULAR {
        steps += 1;
        if id > max_id || steps > max_id.saturating_add(1) {
            return Some(Vec::new());
        }
        difat.extend(words(sector(id)));
        let Some(next) = difat.pop() else {
            return Some(Vec::new());
        };
        id = next;
    }
    let mut fat = Vec::new();
    for id in difat.into_iter().filter(|&id| id < CFB_DIFAT_SECTOR) {
        if id > max_id {
            return Some(Vec::new());
        }
        fat.extend(words(sector(id)));
    }

    let directory = cfb_follow(header_u32(0x30), &fat, &sector, max_id, usize::MAX)?;
    // Directory entries: name, start sector, stream length.
    let entries: Vec<(String, u32, usize)> = directory
        .chunks_exact(128)
        .map(|e| {
            let units: Vec<u16> = e[..64]
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .take_while(|&u| u != 0)
                .collect();
            let len = if size == 512 {
                u32_at(e, 120).map_or(0, |l| l as usize)
            } else {
                u64_at(e, 120).map_or(0, |l| usize::try_from(l).unwrap_or(usize::MAX))
            };
            (
                String::from_utf16_lossy(&units),
                u32_at(e, 116).unwrap_or(0),
                len,
            )
        })
        .collect();
    let Some(root) = entries.first() else {
        return Some(Vec::new());
    };

    let mini_fat_len = header_u32(0x40) as usize;
    let (mini_fat, mini_stream) = if mini_fat_len > 0 {
        let stream = cfb_follow(root.1, &fat, &sector, max_id, root.2)?;
        let table = cfb_follow(
            header_u32(0x3C),
            &fat,
            &sector,
            max_id,
            mini_fat_len.saturating_mul(size),
        )?;
        (words(&table), stream)
    } else {
        (Vec::new(), Vec::new())
    };
    let mini_sector = |id: u32| -> &[u8] {
        let start = (id as usize).saturating_mul(64).min(mini_stream.len());
        &mini_stream[start..start.saturating_add(64).min(mini_stream.len())]
    };

    let mut workbooks = Vec::new();
    for name in XLS_STREAMS {
        let Some(&(_, start, len)) = entries
            .iter()
            .find(|(n, _, _)| n.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
        else {
            continue;
        };
        let stream = if len < 4096 {
            cfb_follow(
                start,
                &mini_fat,
                &mini_sector,
                max_id.saturating_mul(8),
                len,
            )?
        } else {
            cfb_follow(start, &fat, &sector, max_id, len)?
        };
        if name == "Workbook" || name == "Book" {
            workbooks.push(stream);
        }
    }
    Some(workbooks)
}

/// Follows a chain as calamine's `get_chain` does, collecting up to `len` bytes from the
/// sectors `data` gives. `None`: the chain comes back to a sector it has visited. `Some`: it
/// ends, or calamine stops there with an error or a panic of its own (a sector number past
/// `limit` or past the table).
fn cfb_follow<'a>(
    start: u32,
    table: &[u32],
    data: &dyn Fn(u32) -> &'a [u8],
    limit: u32,
    len: usize,
) -> Option<Vec<u8>> {
    let mut seen = vec![false; limit as usize + 1];
    let mut out: Vec<u8> = Vec::new();
    let mut id = start;
    while id != CFB_END_OF_CHAIN {
        if id > limit {
            break;
        }
        if std::mem::replace(&mut seen[id as usize], true) {
            return None;
        }
        // Each sector is taken once, so this holds at most the file's size.
        let s = data(id);
        let take = s.len().min(len - out.len());
        out.extend_from_slice(&s[..take]);
        if out.len() >= len {
            break;
        }
        match table.get(id as usize) {
            Some(&next) => id = next,
            None => break,
        }
    }
    Some(out)
}

/// What calamine's xls reader (0.38) cannot be trusted with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum XlsHazard {
    /// A sector chain of the compound file loops ([`cfb_workbook_streams`]).
    LoopingChain,
    /// A sheet for which calamine would allocate room for more than `limit` cells at once
    /// ([`xls_largest_sheet`]).
    HugeSheet,
}

/// Checks an .xls file before calamine reads it.
pub(crate) fn xls_hazard(b: &[u8], limit: usize) -> Option<XlsHazard> {
    let Some(streams) = cfb_workbook_streams(b) else {
        return Some(XlsHazard::LoopingChain);
    };
    streams
        .iter()
        .any(|s| xls_largest_sheet(s) > limit)
        .then_some(XlsHazard::HugeSheet)
}

/// BIFF records `(type, data)` as calamine's `RecordIter` yields them: CONTINUE records are
/// swallowed, and the iteration ends where calamine would stop with an error.
fn biff_records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut s = stream;
    std::iter::from_fn(move || {
        let typ = u16_at(s, 0)?;
        let len = usize::from(u16_at(s, 2)?);
        let record = slice(s, 0, len + 4)?;
        s = &s[len + 4..];
        if s.len() > 4 && u16_at(s, 0) == Some(0x003C) {
            while s.len() > 4 && u16_at(s, 0) == Some(0x003C) {
                let len = usize::from(u16_at(s, 2)?);
                slice(s, 0, len + 4)?;
                s = &s[len + 4..];
            }
        }
        Some((typ, &record[4..]))
    })
}

/// The most cells calamine's xls reader would make room for at once for one sheet of this
/// `Workbook` stream: it reserves a DIMENSIONS record's rows × columns up front, and turns each
/// sheet into a dense range spanning all its cells (and another for its formulas). One cell at
/// A1 and one at row 65,000, column 60,000 of a few-hundred-byte file is a request for some
/// 4 billion cells (found by fuzzing): an allocation failure, which aborts the process.
/// Counts every cell record calamine may read, also ones it would then refuse.
pub(crate) fn xls_largest_sheet(stream: &[u8]) -> usize {
    // Workbook globals: where the sheets start; an encrypted file is refused by calamine.
    let mut sheets = Vec::new();
    for (typ, data) in biff_records(stream) {
        match typ {
            0x002F if u16_at(data, 0).is_some_and(|v| v != 0) => return 0,
            0x0085 => sheets.extend(u32_at(data, 0)),
            0x000A => break,
            _ => {}
        }
    }
    let mut largest = 0usize;
    for start in sheets {
        let Some(sheet) = stream.get(start as usize..) else {
            continue;
        };
        // (first row, last row, first column, last column) of the cells seen.
        let mut span: Option<(u32, u32, u32, u32)> = None;
        let mut add = |row: u32, col: u32| {
            span = Some(match span {
                None => (row, row, col, col),
                Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
            });
        };
        let mut formula_at = (0u32, 0u32);
        let mut nested = 0usize;
        let mut seen_bof = false;
        for (typ, data) in biff_records(sheet) {
            if nested > 0 {
                match typ {
                    0x0809 => nested += 1,
                    0x000A => nested -= 1,
                    _ => {}
                }
                continue;
            }
            let at = || Some((u32::from(u16_at(data, 0)?), u32::from(u16_at(data, 2)?)));
            match typ {
                0x0809 if seen_bof => nested += 1,
                0x0809 => seen_bof = true,
                0x0200 => largest = largest.max(xls_dimensions_cells(data)),
                // Number, Label, RString, BoolErr, Rk, LabelSst.
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD => {
                    if let Some((r, c)) = at() {
                        add(r, c);
                    }
                }
                // Formula; String (a formula's text value, placed at the last formula).
                0x0006 => {
                    if let Some((r, c)) = at() {
                        formula_at = (r, c);
                        add(r, c);
                    }
                }
                0x0207 => add(formula_at.0, formula_at.1),
                // MulRk: a row, the first column, values, the last column.
                0x00BD => {
                    if let (Some((r, first)), Some(last)) = (
                        at(),
                        data.len().checked_sub(2).and_then(|i| u16_at(data, i)),
                    ) {
                        add(r, first);
                        add(r, first.max(u32::from(last)));
                    }
                }
                0x000A => break,
                _ => {}
            }
        }
        if let Some((r0, r1, c0, c1)) = span {
            let cells = ((r1 - r0) as usize + 1).saturating_mul((c1 - c0) as usize + 1);
            largest = largest.max(cells);
        }
    }
    largest
}

/// Rows × columns of a DIMENSIONS record, computed as calamine does (wrapping, as in a
/// release build, where a last row before the first makes the count enormous).
fn xls_dimensions_cells(r: &[u8]) -> usize {
    let u16_ = |at| u16_at(r, at).map_or(0, u32::from);
    let (first_row, last_row, mut first_col, last_col) = match r.len() {
        10 => (u16_(0), u16_(2), u16_(4), u16_(6)),
        14 | 16 => (
            u32_at(r, 0).unwrap_or(0),
            u32_at(r, 4).unwrap_or(0),
            u16_(8),
            u16_(10),
        ),
        _ => return 0,
    };
    if first_col > 0xFF || last_col < first_col {
        first_col = 0;
    }
    let (end_row, end_col) = if last_row >= 1 && last_col >= 1 {
        (last_row - 1, last_col - 1)
    } else {
        (first_row, first_col)
    };
    let rows = end_row.wrapping_sub(first_row).wrapping_add(1) as usize;
    let cols = end_col.wrapping_sub(first_col).wrapping_add(1) as usize;
    rows.saturating_mul(cols)
}
