//! A stable-toolchain stand-in for `fuzz/` (cargo-fuzz needs nightly and is not installed where
//! this runs): real workbooks mutated at random, structure-aware, and fed to the reader, which
//! must answer (a workbook or an Indonesian refusal) without panicking, within 5 s each.
//!
//! Mutations work on the inflated parts of ZIP workbooks (so they reach the XML, not just the
//! CRC check): flip, delete, duplicate or repeat a byte range, replace a number with a huge one,
//! nest or repeat an element; and on raw bytes (CSV, xls, the archive headers themselves).
//!
//! `KARYA_MUTATE_CASES` (default 64) sets the number of cases, `KARYA_MUTATE_SECS` an optional
//! time budget after which it stops early, `KARYA_MUTATE_SEED` the seed (default: from the
//! clock, printed so a failure can be replayed). Progress is printed every 10,000 cases.
//! `KARYA_MUTATE_KEEP_LAST=1` writes each case to `$TMPDIR/karya-mutant-last` before reading
//! it, for a crash that leaves no panic.

use std::io::{Cursor, Read};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use super::hostile::{Entry, zip};
use super::read::read_workbook;

/// The seed workbooks: those of `fuzz/seeds/read_workbook` and the hand-built ODS.
fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "alumni.xlsx",
            include_bytes!("../../fuzz/seeds/read_workbook/alumni.xlsx").to_vec(),
        ),
        (
            "alumni-one-sheet.xlsx",
            include_bytes!("../../fuzz/seeds/read_workbook/alumni-one-sheet.xlsx").to_vec(),
        ),
        (
            "alumni.ods",
            include_bytes!("../../fuzz/seeds/read_workbook/alumni.ods").to_vec(),
        ),
        (
            "alumni.xls",
            include_bytes!("../../fuzz/seeds/read_workbook/alumni.xls").to_vec(),
        ),
        (
            "alumni.csv",
            include_bytes!("../../fuzz/seeds/read_workbook/alumni.csv").to_vec(),
        ),
        ("honest.xlsx", super::hostile::honest()),
    ]
}

/// The entries of a ZIP archive, inflated; `None` when it is not one.
fn unzip(bytes: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let mut archive = ::zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).ok()?;
        let name = entry.name().ok()?.into_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).ok()?;
        out.push((name, data));
    }
    Some(out)
}

/// One random change to `data`.
fn mutate(rng: &mut StdRng, data: &mut Vec<u8>) {
    if data.is_empty() {
        data.extend_from_slice(b"<a>");
        return;
    }
    let at = rng.random_range(0..data.len());
    let len = rng.random_range(1..=64.min(data.len() - at));
    match rng.random_range(0..8) {
        0 => data[at] = rng.random(),
        1 => {
            data.drain(at..at + len);
        }
        2 => {
            let piece = data[at..at + len].to_vec();
            let times = rng.random_range(1..2000);
            let tail = data.split_off(at);
            for _ in 0..times {
                data.extend_from_slice(&piece);
            }
            data.extend_from_slice(&tail);
        }
        3 => {
            // A number (a count, a row, a column, a shared-string index) made huge.
            if let Some(start) = (at..data.len()).find(|&i| data[i].is_ascii_digit()) {
                let end = (start..data.len())
                    .find(|&i| !data[i].is_ascii_digit())
                    .unwrap_or(data.len());
                let huge: &[u8] = match rng.random_range(0..4) {
                    0 => b"4294967295",
                    1 => b"1048576",
                    2 => b"18446744073709551616",
                    _ => b"-1",
                };
                data.splice(start..end, huge.iter().copied());
            }
        }
        4 => {
            let tag: &[u8] = match rng.random_range(0..4) {
                0 => b"<row r=\"1\">",
                1 => b"<c r=\"XFD1048576\" t=\"s\"><v>0</v></c>",
                2 => b"<si><t>x</t></si>",
                _ => b"<table:table-cell table:number-columns-repeated=\"16384\"/>",
            };
            let times = rng.random_range(1..500);
            let tail = data.split_off(at);
            for _ in 0..times {
                data.extend_from_slice(tag);
            }
            data.extend_from_slice(&tail);
        }
        5 => data.truncate(at),
        6 => {
            let other = rng.random_range(0..data.len());
            data.swap(at, other);
        }
        _ => {
            let b: u8 = rng.random();
            let times = rng.random_range(1..100_000);
            data.splice(at..at, std::iter::repeat_n(b, times));
        }
    }
}

/// A mutated copy of `seed`.
fn mutant(rng: &mut StdRng, seed: &[u8]) -> Vec<u8> {
    let rounds = rng.random_range(1..=4);
    match unzip(seed) {
        Some(mut entries) if rng.random_range(0..5) > 0 => {
            for _ in 0..rounds {
                let i = rng.random_range(0..entries.len());
                mutate(rng, &mut entries[i].1);
            }
            let mut rebuilt: Vec<Entry> = entries
                .iter()
                .map(|(name, data)| Entry::deflated(name, data))
                .collect();
            if rng.random_range(0..10) == 0 {
                // A header that lies about an entry's size.
                let i = rng.random_range(0..rebuilt.len());
                rebuilt[i] = Entry::deflated(&entries[i].0, &entries[i].1)
                    .declaring(rng.random_range(0..64));
            }
            zip(&rebuilt)
        }
        _ => {
            let mut bytes = seed.to_vec();
            for _ in 0..rounds {
                mutate(rng, &mut bytes);
            }
            bytes
        }
    }
}

#[test]
fn mutated_workbooks_never_panic_and_are_answered_within_5_s() {
    let cases: usize = std::env::var("KARYA_MUTATE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    let seed: u64 = std::env::var("KARYA_MUTATE_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    let budget = std::env::var("KARYA_MUTATE_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_secs);
    let began = Instant::now();
    let keep_last = std::env::var_os("KARYA_MUTATE_KEEP_LAST").is_some();
    eprintln!("KARYA_MUTATE_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let seeds = seeds();
    let (mut read, mut refused) = (0usize, 0usize);
    let mut slowest = Duration::ZERO;
    let mut done = 0;
    for case in 0..cases {
        if budget.is_some_and(|b| began.elapsed() > b) {
            break;
        }
        if case > 0 && case % 10_000 == 0 {
            eprintln!("{case} cases: {read} read, {refused} refused, slowest {slowest:?}");
        }
        done += 1;
        let (name, seed_bytes) = &seeds[rng.random_range(0..seeds.len())];
        let bytes = mutant(&mut rng, seed_bytes);
        if keep_last {
            // A crash (an abort on a failed allocation) leaves no panic: keep the case first.
            let _ = std::fs::write(std::env::temp_dir().join("karya-mutant-last"), &bytes);
        }
        // Read on another thread, so that a reader that never ends is reported too (its
        // thread is left spinning; the test fails and the process ends).
        let start = Instant::now();
        let (tx, rx) = std::sync::mpsc::channel();
        let (input, file) = (bytes.clone(), name.to_string());
        std::thread::spawn(move || {
            let answer =
                std::panic::catch_unwind(|| read_workbook(&input, &file).map_err(|e| e.message()));
            let _ = tx.send(answer.map(|r| r.is_ok()));
        });
        let keep = |why: &str| -> ! {
            let path = std::env::temp_dir().join(format!("karya-mutant-{seed}-{case}"));
            let _ = std::fs::write(&path, &bytes);
            panic!("case {case} of seed {seed} ({name}) {why}; file at {path:?}");
        };
        match rx.recv_timeout(Duration::from_secs(5)) {
            Ok(Ok(true)) => read += 1,
            Ok(Ok(false)) => refused += 1,
            Ok(Err(_)) => keep("panicked"),
            Err(_) => keep("was not answered within 5 s"),
        }
        slowest = slowest.max(start.elapsed());
    }
    eprintln!(
        "{done} cases in {:?}: {read} read, {refused} refused, slowest {slowest:?}",
        began.elapsed()
    );
}
