//! The field parsers of `src/domain/import/values.rs`, header detection and region matching on
//! arbitrary input. The first byte picks how the rest becomes a cell (text, a number parsed from
//! the text or taken from raw bytes, a date serial, a boolean, an error value, empty); the text
//! itself also goes to the text-only functions, and as a small grid to `detect_header`.
//!
//! Besides "no panic", the results are checked against what the functions promise: a valid NIK
//! is 16 digits of an existing kecamatan, a phone number is `+628…` with 9–12 digits after
//! +62, dates fall in 1930–2035 and read back from their ISO form, a matched region is one of
//! the candidates, a header names each field at most once.
#![no_main]

use std::sync::OnceLock;

use karya::domain::dates::to_iso;
use karya::domain::import::Cell;
use karya::domain::import::header::{Field, detect_header};
use karya::domain::import::region_match::{RegionMatch, RegionMatcher};
use karya::domain::import::values::{self, NikOutcome};
use karya::domain::region::{NationalRegions, Region, RegionLookup};
use karya_fuzz::{THIS_YEAR, desa, grid, kecamatan};
use libfuzzer_sys::fuzz_target;

fn matchers() -> &'static [(RegionMatcher, &'static [Region]); 2] {
    static M: OnceLock<[(RegionMatcher, &'static [Region]); 2]> = OnceLock::new();
    M.get_or_init(|| {
        [
            (RegionMatcher::new(kecamatan()), kecamatan()),
            (RegionMatcher::new(desa()), desa()),
        ]
    })
}

fn check_date(d: time::Date) {
    assert!(
        (values::MIN_DATE_YEAR..=values::MAX_DATE_YEAR).contains(&d.year()),
        "date {d} out of range"
    );
    assert_eq!(
        values::parse_date_text(&to_iso(d), THIS_YEAR),
        Ok(d),
        "ISO form reads back"
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest).into_owned();
    let parsed = || text.trim().parse::<f64>().ok();
    let raw = || {
        let mut b = [0u8; 8];
        let n = rest.len().min(8);
        b[..n].copy_from_slice(&rest[..n]);
        f64::from_le_bytes(b)
    };
    let cell = match kind % 8 {
        0 | 1 => Cell::Text(text.clone()),
        2 => parsed().map_or_else(|| Cell::Text(text.clone()), Cell::Number),
        3 => Cell::Number(raw()),
        4 => parsed().map_or_else(|| Cell::Text(text.clone()), Cell::DateTime),
        5 => Cell::DateTime(raw()),
        6 => Cell::Error(text.clone()),
        _ => {
            if text.is_empty() {
                Cell::Empty
            } else {
                Cell::Bool(kind & 0x80 != 0)
            }
        }
    };

    let _ = cell.as_text();
    let _ = cell.as_number();
    let _ = values::clean_text(&cell);
    let _ = values::parse_name(&cell);

    // Dates.
    let date = values::parse_date_at(&cell, THIS_YEAR);
    if let Ok(d) = date {
        check_date(d);
    }
    let _ = values::parse_date(&cell);
    if let Ok(d) = values::parse_date_text(&text, THIS_YEAR) {
        check_date(d);
    }
    if let Ok((place, d)) = values::split_place_date_at(&text, THIS_YEAR) {
        check_date(d);
        assert_eq!(place, place.trim(), "place is trimmed");
    }
    let _ = values::split_place_date(&text);
    if let Ok((_, d)) = values::parse_place_date_at(&cell, THIS_YEAR) {
        check_date(d);
    }

    // Gender and NIK.
    let gender = values::parse_gender(&cell).ok();
    match values::parse_nik(&cell, &NationalRegions) {
        NikOutcome::Valid(nik) => {
            let s = nik.as_str();
            assert_eq!(s.len(), 16);
            assert!(s.bytes().all(|b| b.is_ascii_digit()));
            assert!(NationalRegions.exists(&nik.region_code()));
            let _ = nik.encoded_birth();
            let _ = nik.masked();
            let _ = values::cross_check(&nik, date.ok(), gender);
        }
        NikOutcome::Missing => assert!(cell.is_blank()),
        NikOutcome::Rejected(m) => assert!(!m.is_empty()),
    }

    // Phone.
    if let Ok((phone, _)) = values::parse_phone(&cell) {
        let p = phone.as_str();
        assert!(p.starts_with("+628"), "{p}");
        assert!((12..=15).contains(&p.len()), "{p}");
        assert!(p[1..].bytes().all(|b| b.is_ascii_digit()), "{p}");
    }

    // Year, batch, result, competency, placement.
    if let Ok(y) = values::parse_year(&cell) {
        assert!((values::MIN_TRAINING_YEAR..=values::MAX_TRAINING_YEAR).contains(&y));
    }
    if let Ok(n) = values::parse_batch_number(&cell) {
        assert!(n >= 1);
    }
    let _ = values::parse_result(&cell);
    let _ = values::parse_competency(&cell);
    let _ = values::parse_placement(&cell);
    let _ = values::optional(&cell, values::parse_gender);

    // Header cells and header detection on a small grid.
    let _ = Field::from_header(&text);
    let rows = grid(&text);
    if let Some(h) = detect_header(&rows) {
        assert!(h.row < rows.len());
        assert!(h.is_sufficient());
        for f in Field::ALL {
            assert!(
                h.columns.iter().filter(|c| **c == Some(f)).count() <= 1,
                "{f:?} twice"
            );
        }
        for r in &rows {
            let _ = h.is_repeated_header(r);
        }
    }

    // Region names.
    for (matcher, candidates) in matchers() {
        let known = |code: &str| candidates.iter().any(|r| r.code == code);
        match matcher.find(&text) {
            RegionMatch::Exact(code) => assert!(known(&code)),
            RegionMatch::Probable { code, .. } => assert!(known(&code)),
            RegionMatch::Ambiguous(list) => {
                assert!(!list.is_empty(), "ambiguous among nothing");
                assert!(list.iter().all(|(c, _)| known(c)));
            }
            RegionMatch::NotFound => {}
        }
    }
});
