//! CSV and tab-separated text: decoding, delimiter sniffing and a small quote-aware splitter.
//!
//! The splitter is our own rather than the `csv` crate's because row numbers must be the ones a
//! spreadsheet program shows: the `csv` crate skips blank lines, which would shift every row
//! number after a blank line in an error message. Quoting follows Excel: a field that starts with
//! `"` is quoted, `""` inside it is a literal quote, and a quoted field may span lines.

/// Decode the bytes of a text file.
///
/// - UTF-8, with or without a byte-order mark;
/// - UTF-16 LE/BE with a byte-order mark (Excel's "Unicode Text" export);
/// - anything else that is not valid UTF-8 is decoded as Windows-1252 (what Excel on Windows in
///   Indonesia writes for "CSV (Comma delimited)"), with a hand-written table: every byte maps to
///   a character, so decoding never fails and nothing is replaced by U+FFFD, except the five
///   bytes Windows-1252 leaves undefined, which map to the C1 control of the same value.
pub(crate) fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(s) => s.to_owned(),
            Err(_) => windows_1252(rest),
        };
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => windows_1252(bytes),
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Windows-1252 differs from Latin-1 only in 0x80–0x9F.
const CP1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

pub(crate) fn windows_1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => CP1252_HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

/// Pick the delimiter among `,`, `;` and tab: the one that splits the first records into the
/// same number of fields most consistently; ties go to the one giving more fields, then to tab,
/// `;` (Indonesian-locale Excel) and `,` in that order. Text with none of them is one column.
pub(crate) fn sniff_delimiter(text: &str) -> char {
    const CANDIDATES: [char; 3] = ['\t', ';', ','];
    const SAMPLE_RECORDS: usize = 50;
    let mut counts: Vec<[usize; 3]> = Vec::new();
    let mut current = [0usize; 3];
    let mut in_quotes = false;
    let mut at_field_start = true;
    let mut blank = true;
    let mut chars = text.chars().take(256 * 1024).peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                } else {
                    in_quotes = false;
                }
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                in_quotes = true;
                blank = false;
                at_field_start = false;
            }
            '\r' | '\n' => {
                if !blank {
                    counts.push(current);
                    if counts.len() == SAMPLE_RECORDS {
                        break;
                    }
                }
                current = [0; 3];
                blank = true;
                at_field_start = true;
            }
            _ => {
                if let Some(i) = CANDIDATES.iter().position(|&d| d == c) {
                    current[i] += 1;
                    at_field_start = true;
                } else {
                    at_field_start = false;
                }
                if !c.is_whitespace() || c == '\t' {
                    blank = false;
                }
            }
        }
    }
    if !blank {
        counts.push(current);
    }
    let mut best: Option<(usize, usize, usize)> = None; // (consistency, fields, index)
    for i in 0..CANDIDATES.len() {
        let column: Vec<usize> = counts.iter().map(|c| c[i]).collect();
        // The most frequent non-zero count.
        let mut mode = 0;
        let mut mode_freq = 0;
        for &n in column.iter().filter(|&&n| n > 0) {
            let freq = column.iter().filter(|&&m| m == n).count();
            if freq > mode_freq || (freq == mode_freq && n > mode) {
                mode = n;
                mode_freq = freq;
            }
        }
        if mode == 0 {
            continue;
        }
        let candidate = (mode_freq, mode, i);
        let better = match best {
            None => true,
            Some((freq, fields, _)) => (mode_freq, mode) > (freq, fields),
        };
        if better {
            best = Some(candidate);
        }
    }
    best.map_or(',', |(_, _, i)| CANDIDATES[i])
}

/// Split `text` into records and fields, calling `emit(row, column, field)` (both 0-based) for
/// every field that is not empty. Blank lines count as rows, as in a spreadsheet program.
pub(crate) fn split<E>(
    text: &str,
    delimiter: char,
    mut emit: impl FnMut(u32, u32, &str) -> Result<(), E>,
) -> Result<(), E> {
    let mut row: u32 = 0;
    let mut col: u32 = 0;
    let mut field = String::new();
    let mut in_quotes = false;
    let mut at_field_start = true;
    let mut chars = text.chars().peekable();
    macro_rules! end_field {
        () => {
            if !field.is_empty() {
                emit(row, col, &field)?;
                field.clear();
            }
            at_field_start = true;
        };
    }
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                in_quotes = true;
                at_field_start = false;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                end_field!();
                row = row.saturating_add(1);
                col = 0;
            }
            d if d == delimiter => {
                end_field!();
                col = col.saturating_add(1);
            }
            _ => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    if !field.is_empty() {
        emit(row, col, &field)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str, d: char) -> Vec<(u32, u32, String)> {
        let mut out = Vec::new();
        split::<()>(text, d, |r, c, s| {
            out.push((r, c, s.to_owned()));
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn decodes_utf8_bom_utf16_and_windows_1252() {
        assert_eq!(decode(b"\xEF\xBB\xBFNama;Umur"), "Nama;Umur");
        assert_eq!(decode("Jalan Mawar №1".as_bytes()), "Jalan Mawar №1");
        // "Café – “A”" in Windows-1252.
        assert_eq!(decode(b"Caf\xE9 \x96 \x93A\x94"), "Café – “A”");
        assert_eq!(decode(b"\xEF\xBB\xBFCaf\xE9"), "Café");
        assert_eq!(decode(b"\xFF\xFEN\x00o\x00\t\x00A\x00"), "No\tA");
        assert_eq!(decode(b"\xFE\xFF\x00N\x00o"), "No");
        // Every byte decodes to something.
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(windows_1252(&all).chars().count(), 256);
    }

    #[test]
    fn sniffs_delimiters() {
        assert_eq!(
            sniff_delimiter("No;Nama;Tgl Lahir\n1;Siti;12-05-1998\n"),
            ';'
        );
        assert_eq!(sniff_delimiter("No,Nama,Tgl\n1,Siti,x\n2,Budi,y\n"), ',');
        assert_eq!(sniff_delimiter("No\tNama\n1\tSiti\n"), '\t');
        // Commas inside a field do not fool it.
        assert_eq!(
            sniff_delimiter("No;Tempat/Tgl Lahir\n1;\"Muara Sabak, 12-05-1998\"\n2;Sabak, 1\n"),
            ';'
        );
        assert_eq!(sniff_delimiter("satu kolom\nsaja\n"), ',');
        assert_eq!(sniff_delimiter(""), ',');
    }

    #[test]
    fn splits_like_a_spreadsheet() {
        let got = fields("a;b\r\n\r\n;\"x;\"\"y\"\"\nz\"\nlast", ';');
        assert_eq!(
            got,
            vec![
                (0, 0, "a".into()),
                (0, 1, "b".into()),
                (2, 1, "x;\"y\"\nz".into()),
                (3, 0, "last".into()),
            ]
        );
        // A quote in the middle of a field is literal; an unterminated quote runs to the end.
        assert_eq!(
            fields("5\" pipa;\"abc", ';'),
            vec![(0, 0, "5\" pipa".into()), (0, 1, "abc".into())]
        );
    }
}
