//! The CSV path of `read_workbook`: the input is made to look like text (control bytes other
//! than tab, CR and LF become delimiters, quotes or line breaks), optionally behind a UTF-8 or
//! UTF-16 byte-order mark chosen by the first byte, so that nearly every input reaches the
//! decoder, the delimiter sniffer and the quote-aware splitter rather than the binary readers.
#![no_main]

use karya::import::{Cell, Format, read_workbook};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut bytes: Vec<u8> = match mode % 4 {
        1 => b"\xEF\xBB\xBF".to_vec(),
        2 => vec![0xFF, 0xFE],
        3 => vec![0xFE, 0xFF],
        _ => Vec::new(),
    };
    let utf16 = matches!(mode % 4, 2 | 3);
    bytes.extend(rest.iter().map(|&b| {
        if utf16 || b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r') {
            b
        } else {
            [b',', b';', b'"', b'\n', b'\t', b' ', b'\r', b'-'][usize::from(b % 8)]
        }
    }));
    match read_workbook(&bytes, "alumni 2019.csv") {
        Ok(book) => {
            karya_fuzz::check_workbook(&book);
            assert_eq!(book.format, Format::Csv);
            assert_eq!(book.sheets.len(), 1);
            assert_eq!(book.sheets[0].name, "alumni 2019");
            for row in &book.sheets[0].rows {
                for c in &row.cells {
                    assert!(matches!(c, Cell::Text(_) | Cell::Empty));
                }
            }
        }
        Err(_) => {}
    }
});
