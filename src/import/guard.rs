//! Checks a ZIP-based workbook (xlsx, xlsb, ods) before calamine is given it.
//!
//! calamine (0.38) trusts what a file says about itself: it reserves room for as many shared
//! strings as `<sst uniqueCount=…>` declares (4,294,967,295 of them, 103 GB, abort the process),
//! builds a cell's text whatever its length (a 1 GiB string compresses into 1 MB) and inflates
//! parts whatever they expand to. So before calamine sees the bytes, every entry of the archive
//! is checked twice:
//!
//! 1. **Declared sizes.** The central directory's uncompressed size of each entry and their sum
//!    are compared with [`MAX_PART_BYTES`] (or [`MAX_SHARED_STRINGS_BYTES`] for the shared
//!    strings) and [`MAX_TOTAL_BYTES`]. This refuses an honest zip bomb without inflating it.
//! 2. **Actual content.** Headers can lie (an entry declared at 1 KB may inflate to gigabytes),
//!    so each entry is inflated again through a reader that stops one byte past its limit, and the
//!    bytes are streamed (64 KiB at a time, nothing kept) through [`XmlScan`], which counts the
//!    characters of each cell, the nesting depth and the shared strings, and reads the declared
//!    shared-string counts.
//!
//! Why this is enough: calamine opens the same archive with the same `zip` crate (a direct
//! dependency here at calamine's version, so there is one copy), and inflating is deterministic,
//! so what calamine reads afterwards is exactly what was checked here, whatever the headers say.
//! The check costs one extra inflate of at most [`MAX_TOTAL_BYTES`] and constant memory; the
//! alternative, rebuilding a verified archive in memory, would hold every inflated part at once.

use std::io::{Cursor, Read};

use super::read::{MAX_CELLS, ReadError};

/// Excel's limit on the characters of one cell; longer text is refused wherever it comes from.
pub const MAX_CELL_CHARS: usize = 32_767;

/// Excel's limit on a formula's characters: a formula cell holds its formula and its value.
const MAX_FORMULA_CHARS: usize = 8_192;

/// The most shared strings a workbook may hold (declared or actual): one per cell at most.
pub const MAX_SHARED_STRINGS: u64 = MAX_CELLS as u64;

/// How far a declared shared-string count may exceed the actual one: calamine reserves room for
/// the declared count (24 bytes each), so a lie costs at most 2.4 MB.
const SHARED_STRINGS_SLACK: u64 = 100_000;

/// The largest one part (a sheet's XML, `content.xml`…) may inflate to. A sheet of
/// [`MAX_CELLS`] cells takes about 80 MB of XML.
pub const MAX_PART_BYTES: u64 = 128 * 1024 * 1024;

/// The largest the shared strings may inflate to: calamine keeps them all in memory.
pub const MAX_SHARED_STRINGS_BYTES: u64 = 48 * 1024 * 1024;

/// The largest all parts together may inflate to.
pub const MAX_TOTAL_BYTES: u64 = 192 * 1024 * 1024;

/// The most entries an archive may list (a real workbook has a few dozen).
const MAX_ENTRIES: usize = 10_000;

/// How deep elements may nest; a real workbook's XML nests about ten deep.
pub const MAX_DEPTH: u32 = 100;

/// Checks every entry of the ZIP archive `bytes` as described in the module documentation.
pub(crate) fn check_zip(bytes: &[u8]) -> Result<(), ReadError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(zip_error)?;
    if archive.len() > MAX_ENTRIES {
        return Err(ReadError::Inflated);
    }
    let mut declared_total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(zip_error)?;
        let kind = Part::of(&entry.name().map_err(zip_error)?);
        if entry.size() > kind.limit() {
            return Err(ReadError::Inflated);
        }
        declared_total = declared_total.saturating_add(entry.size());
        if declared_total > MAX_TOTAL_BYTES {
            return Err(ReadError::Inflated);
        }
    }
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(zip_error)?;
        let kind = Part::of(&entry.name().map_err(zip_error)?);
        let limit = kind.limit();
        let mut capped = entry.take(limit + 1);
        let mut scan = XmlScan::new(kind);
        let mut size: u64 = 0;
        loop {
            // The zip crate stops an entry at its declared size itself; a lying header is the
            // same hazard as a zip bomb for the admin.
            let n = capped.read(&mut buf).map_err(|e| {
                if e.to_string().contains("larger than its declared") {
                    ReadError::Inflated
                } else {
                    corrupt(&e)
                }
            })?;
            if n == 0 {
                break;
            }
            size += n as u64;
            total = total.saturating_add(n as u64);
            if size > limit || total > MAX_TOTAL_BYTES {
                return Err(ReadError::Inflated);
            }
            if scan.active() {
                scan.feed(&buf[..n])?;
            }
        }
        if scan.active() {
            scan.finish()?;
        }
    }
    Ok(())
}

fn zip_error(e: zip::result::ZipError) -> ReadError {
    corrupt(&e)
}

fn corrupt(e: &dyn std::fmt::Display) -> ReadError {
    ReadError::Corrupt(format!("arsip ZIP: {e}"))
}

/// What an archive entry is, for its limits and its scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// An xlsx `sharedStrings.xml`.
    SharedStrings,
    /// An xlsb `sharedStrings.bin` (binary: only its size is checked).
    SharedStringsBin,
    /// Any other XML part.
    Xml,
    /// Anything else (binary sheets, images…): only its size is checked.
    Other,
}

impl Part {
    fn of(name: &str) -> Part {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with("sharedstrings.xml") {
            Part::SharedStrings
        } else if lower.ends_with("sharedstrings.bin") {
            Part::SharedStringsBin
        } else if lower.ends_with(".xml") || lower.ends_with(".rels") {
            Part::Xml
        } else {
            Part::Other
        }
    }

    fn limit(self) -> u64 {
        match self {
            Part::SharedStrings | Part::SharedStringsBin => MAX_SHARED_STRINGS_BYTES,
            Part::Xml | Part::Other => MAX_PART_BYTES,
        }
    }
}

/// Where the scanner is in the XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    /// Just after `<`.
    Open,
    /// Inside a start or end tag; `quote` is the quote of an attribute value being read.
    Tag {
        quote: Option<u8>,
    },
    /// Inside `<!…>` or `<?…?>` (comments, declarations, CDATA: their text is not counted).
    Bang,
    /// Inside an entity reference (`&amp;`), which is one character.
    Entity,
}

/// A streaming, allocation-bounded look at an XML part: element depth, the characters of text
/// inside each cell (`c`, `si`, `table-cell`), the number of `si` elements and the counts the
/// `sst` element declares. Not a validating parser: calamine parses afterwards; this only
/// makes sure what calamine will build stays small.
struct XmlScan {
    kind: Part,
    state: State,
    depth: u32,
    /// The depth at which the current cell opened, while inside one.
    cell_depth: Option<u32>,
    /// Characters of text in the current cell, or in the current text run outside cells.
    chars: usize,
    /// The current tag's bytes (the first few hundred: name and, for `sst`, its counts).
    tag: Vec<u8>,
    /// The previous byte inside a tag (`/` before `>` closes an empty element).
    last: u8,
    shared_strings: u64,
    declared: u64,
    /// The names of the open elements (at most [`MAX_DEPTH`] of at most [`TAG_KEPT`] bytes).
    open: Vec<Vec<u8>>,
}

const TAG_KEPT: usize = 4096;

impl XmlScan {
    fn new(kind: Part) -> XmlScan {
        XmlScan {
            kind,
            state: State::Text,
            depth: 0,
            cell_depth: None,
            chars: 0,
            tag: Vec::with_capacity(TAG_KEPT),
            last: 0,
            shared_strings: 0,
            declared: 0,
            open: Vec::new(),
        }
    }

    fn feed(&mut self, bytes: &[u8]) -> Result<(), ReadError> {
        for &b in bytes {
            match self.state {
                State::Text => match b {
                    b'<' => self.state = State::Open,
                    b'&' => {
                        self.count_char()?;
                        self.state = State::Entity;
                    }
                    // A UTF-8 continuation byte is part of the previous character.
                    _ if b & 0xC0 == 0x80 => {}
                    _ => self.count_char()?,
                },
                State::Entity => {
                    if b == b';' || b == b'<' {
                        self.state = if b == b'<' { State::Open } else { State::Text };
                    }
                }
                State::Open => {
                    self.tag.clear();
                    if b == b'!' || b == b'?' {
                        self.state = State::Bang;
                    } else {
                        self.tag.push(b);
                        self.last = b;
                        self.state = State::Tag { quote: None };
                    }
                }
                State::Bang => {
                    if b == b'>' {
                        self.state = State::Text;
                    }
                }
                State::Tag { quote: Some(q) } => {
                    self.keep(b);
                    if b == q {
                        self.state = State::Tag { quote: None };
                    }
                }
                State::Tag { quote: None } => match b {
                    b'"' | b'\'' => {
                        self.keep(b);
                        self.state = State::Tag { quote: Some(b) };
                    }
                    b'>' => {
                        let empty = self.last == b'/';
                        self.state = State::Text;
                        self.end_tag(empty)?;
                    }
                    _ => {
                        self.keep(b);
                        self.last = b;
                    }
                },
            }
        }
        Ok(())
    }

    fn keep(&mut self, b: u8) {
        if self.tag.len() < TAG_KEPT {
            self.tag.push(b);
        }
    }

    /// Counts a character of text inside a cell. Text elsewhere (whitespace between rows, a
    /// header or footer) becomes no cell: the part's size limit is enough for it.
    fn count_char(&mut self) -> Result<(), ReadError> {
        if self.cell_depth.is_none() {
            return Ok(());
        }
        self.chars += 1;
        // An xlsx cell (`c`) may hold a formula besides its value.
        let limit = if self.kind == Part::Xml {
            MAX_CELL_CHARS + MAX_FORMULA_CHARS
        } else {
            MAX_CELL_CHARS
        };
        if self.chars > limit {
            return Err(ReadError::CellTooLong);
        }
        Ok(())
    }

    /// A tag ended (at its `>`): `self.tag` holds its first bytes.
    fn end_tag(&mut self, empty: bool) -> Result<(), ReadError> {
        if self.tag.first() == Some(&b'/') {
            // An end tag must close the element that is open: calamine's ODS reader loops for
            // ever when `</table:table>` never comes.
            let end = self.tag[1..]
                .iter()
                .position(|c| c.is_ascii_whitespace())
                .map_or(self.tag.len(), |i| i + 1);
            if self.open.pop().as_deref() != Some(&self.tag[1..end]) {
                return Err(ReadError::Corrupt(
                    "tag penutup XML di dalamnya tidak cocok dengan tag pembukanya".to_owned(),
                ));
            }
            self.depth = self.depth.saturating_sub(1);
            if self.cell_depth.is_some_and(|d| self.depth < d) {
                self.cell_depth = None;
            }
            if self.cell_depth.is_none() {
                self.chars = 0;
            }
            return Ok(());
        }
        let name_end = self
            .tag
            .iter()
            .position(|&c| c.is_ascii_whitespace() || c == b'/')
            .unwrap_or(self.tag.len());
        let name = &self.tag[..name_end];
        let local = name.rsplit(|&c| c == b':').next().unwrap_or(name);
        let is_cell = matches!(local, b"c" | b"si" | b"table-cell" | b"covered-table-cell");
        if self.kind == Part::SharedStrings {
            if local == b"si" {
                self.shared_strings += 1;
                if self.shared_strings > MAX_SHARED_STRINGS {
                    return Err(ReadError::TooLarge);
                }
            } else if local == b"sst" {
                // Its counts could lie past the bytes kept (found by `import::mutate`).
                if self.tag.len() >= TAG_KEPT {
                    return Err(ReadError::Corrupt(
                        "tag <sst> di dalamnya terlalu panjang".to_owned(),
                    ));
                }
                let attrs = &self.tag[name_end..];
                for attr in [&b"uniqueCount"[..], b"count"] {
                    if let Some(n) = attribute_number(attrs, attr) {
                        self.declared = self.declared.max(n);
                    }
                }
                if self.declared > MAX_SHARED_STRINGS {
                    return Err(ReadError::DeclaredCount);
                }
            }
        }
        if empty {
            if self.cell_depth.is_none() {
                self.chars = 0;
            }
            return Ok(());
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ReadError::TooDeep);
        }
        self.open.push(name.to_vec());
        if is_cell && self.cell_depth.is_none() {
            self.cell_depth = Some(self.depth);
        }
        if self.cell_depth.is_none() || is_cell && self.cell_depth == Some(self.depth) {
            self.chars = 0;
        }
        Ok(())
    }

    /// Whether the part is XML, to be scanned.
    fn active(&self) -> bool {
        matches!(self.kind, Part::SharedStrings | Part::Xml)
    }

    /// The part ended: its elements must all be closed. calamine 0.38's ODS reader never
    /// returns on a `content.xml` that ends inside an element (found by `import::mutate`: a
    /// 966-byte file).
    fn finish(&self) -> Result<(), ReadError> {
        if self.depth != 0 || self.state != State::Text {
            return Err(ReadError::Corrupt(
                "bagian XML di dalamnya terpotong atau tidak tertutup".to_owned(),
            ));
        }
        if self.kind == Part::SharedStrings
            && self.declared > self.shared_strings.saturating_add(SHARED_STRINGS_SLACK)
        {
            return Err(ReadError::DeclaredCount);
        }
        Ok(())
    }
}

/// The value of `name="123"` among a tag's attribute bytes, saturating; `None` when absent or
/// not a number.
fn attribute_number(attrs: &[u8], name: &[u8]) -> Option<u64> {
    let mut at = 0;
    while let Some(i) = attrs[at..].windows(name.len()).position(|w| w == name) {
        let start = at + i;
        at = start + name.len();
        // A whole attribute name: preceded by whitespace, followed by `=`.
        if start == 0 || !attrs[start - 1].is_ascii_whitespace() {
            continue;
        }
        let rest = attrs[at..].trim_ascii_start();
        let Some(rest) = rest.strip_prefix(b"=") else {
            continue;
        };
        let rest = rest.trim_ascii_start();
        let quote = *rest.first()?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let digits = rest[1..].iter().take_while(|c| c.is_ascii_digit());
        let mut n: u64 = 0;
        let mut any = false;
        for d in digits {
            any = true;
            n = n.saturating_mul(10).saturating_add(u64::from(d - b'0'));
        }
        return any.then_some(n);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(kind: Part, xml: &str) -> Result<(), ReadError> {
        let mut s = XmlScan::new(kind);
        s.feed(xml.as_bytes())?;
        s.finish()
    }

    #[test]
    fn reads_declared_counts() {
        let attrs = br#" xmlns="x" count="12" uniqueCount = '4294967295'"#;
        assert_eq!(attribute_number(attrs, b"count"), Some(12));
        assert_eq!(attribute_number(attrs, b"uniqueCount"), Some(4_294_967_295));
        assert_eq!(
            attribute_number(b" count=\"99999999999999999999999\"", b"count"),
            Some(u64::MAX)
        );
        assert_eq!(attribute_number(b" xcount=\"5\"", b"count"), None);
    }

    #[test]
    fn counts_characters_per_cell_not_per_part() {
        let long = "é".repeat(MAX_CELL_CHARS);
        let ok = format!(
            "<sst count=\"2\" uniqueCount=\"2\"><si><t>{long}</t></si><si><r><t>{long}</t></r></si></sst>"
        );
        assert_eq!(scan(Part::SharedStrings, &ok), Ok(()));
        let split = format!("<sst><si><r><t>{long}</t></r><x/><r><t>a</t></r></si></sst>");
        assert_eq!(
            scan(Part::SharedStrings, &split),
            Err(ReadError::CellTooLong)
        );
        let entities = format!("<c><is><t>{}</t></is></c>", "&amp;".repeat(MAX_CELL_CHARS));
        assert_eq!(scan(Part::Xml, &entities), Ok(()));
    }

    #[test]
    fn refuses_lying_counts_and_deep_nesting() {
        let lie = "<sst uniqueCount=\"4294967295\"><si><t>a</t></si></sst>";
        assert_eq!(
            scan(Part::SharedStrings, lie),
            Err(ReadError::DeclaredCount)
        );
        let hidden = format!(
            "<sst xmlns=\"{}\" uniqueCount=\"4294967295\"><si><t>a</t></si></sst>",
            "<row r='1'>".repeat(1000)
        );
        assert!(matches!(
            scan(Part::SharedStrings, &hidden),
            Err(ReadError::Corrupt(_))
        ));
        let small_lie = "<sst uniqueCount=\"1000000\"><si><t>a</t></si></sst>";
        assert_eq!(
            scan(Part::SharedStrings, small_lie),
            Err(ReadError::DeclaredCount)
        );
        let cut = "<a><b>text</b>";
        assert!(matches!(scan(Part::Xml, cut), Err(ReadError::Corrupt(_))));
        assert!(matches!(
            scan(Part::Xml, "<a><b/></a"),
            Err(ReadError::Corrupt(_))
        ));
        assert_eq!(
            scan(Part::Xml, "<?xml version='1.0'?><!-- x > y --><a><b/></a>"),
            Ok(())
        );
        let deep = "<a>".repeat(MAX_DEPTH as usize + 1);
        assert_eq!(scan(Part::Xml, &deep), Err(ReadError::TooDeep));
        let flat = "<a/><b x='>'/>".repeat(1000);
        assert_eq!(scan(Part::Xml, &flat), Ok(()));
    }
}
