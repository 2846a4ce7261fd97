//! `read_workbook` on arbitrary bytes: every format the sniffer recognises (xlsx, xlsb, ods,
//! xls, CSV) and everything it rejects. It must never panic, hang or blow up memory, and what
//! it returns must keep the shape documented in `src/import/read.rs`.
//!
//! `read_workbook` runs calamine under `catch_unwind` on purpose: a panic inside the spreadsheet
//! libraries on a damaged file becomes "Berkas ini rusak" for the admin, which is the designed
//! behaviour. libFuzzer's panic hook would abort on those too, so the hook installed here lets
//! a panic whose location is in a dependency (`.cargo/registry`) unwind into that
//! `catch_unwind`; a panic anywhere else (Karya's own code, including the CSV path, which has
//! no `catch_unwind`) still aborts and is reported. Set `FUZZ_STRICT_PANICS=1` to report every
//! panic.
#![no_main]

use std::sync::atomic::{AtomicU64, Ordering};

use libfuzzer_sys::fuzz_target;

static DEPENDENCY_PANICS: AtomicU64 = AtomicU64::new(0);

fn tolerate_dependency_panics() {
    if std::env::var_os("FUZZ_STRICT_PANICS").is_some() {
        return;
    }
    let abort = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_dependency = info
            .location()
            .is_some_and(|l| l.file().contains(".cargo/registry/"));
        if in_dependency {
            let n = DEPENDENCY_PANICS.fetch_add(1, Ordering::Relaxed) + 1;
            if n.is_power_of_two() {
                eprintln!("(dependency panics caught by read_workbook so far: {n}; last: {info})");
            }
        } else {
            abort(info);
        }
    }));
}

fuzz_target!(init: tolerate_dependency_panics(), |data: &[u8]| {
    if let Ok(book) = karya::import::read_workbook(data, "alumni.xlsx") {
        karya_fuzz::check_workbook(&book);
    }
});
