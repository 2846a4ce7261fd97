//! `plan::plan` — header detection, every field parser, region matching, trade/program
//! resolution and the merging of one person's rows — on a small workbook built from the input,
//! against an empty register or one like the demo district's; then the import report for it.
//!
//! Input: one flags byte, then the workbook as text (lines are rows, `|` or tab separates cells,
//! `#n` a number, `@n` a date serial, form feed a new sheet; see `fuzz/src/lib.rs`). Flags:
//!   bit 0  plan against the demo-like register instead of an empty one;
//!   bit 1  put a realistic header row (one of four variants, bits 2–3) above the input, so
//!          that the input's rows are read as data straight away;
//!   bit 4  plan again allowing every unknown trade and program (`--create-missing`);
//!   bit 5  write the `.xlsx` report;
//!   bit 6  give the first sheet an explicit column mapping taken from the next bytes.
#![no_main]

use karya::domain::import::header::Field;
use karya::import::plan::{self, Mapping, Options, RowStatus, Snapshot};
use karya_fuzz::{demo_snapshot, workbook};
use libfuzzer_sys::fuzz_target;

const HEADERS: [&str; 4] = [
    "No|NIK|Nama|L/P|Tempat/Tgl Lahir|No. HP|Kecamatan|Desa|Kejuruan|Program Pelatihan|Angkatan|Tahun",
    "NO|NAMA LENGKAP|JENIS KELAMIN|TEMPAT LAHIR|TGL LAHIR|NIK|HP/WA|ALAMAT|KEC.|KEJURUAN|TAHUN|KETERANGAN",
    "Nama|Nomor Telepon|Program|Tahun|Hasil|Kompetensi|No Sertifikat|Tgl Sertifikat|Penempatan",
    "nik|nama|jenis kelamin|tanggal lahir|hp|kecamatan|desa|pendidikan|kejuruan|program|angkatan|tahun|lulus",
];

fuzz_target!(|data: &[u8]| {
    let Some((&flags, mut rest)) = data.split_first() else {
        return;
    };
    let mut mapping = None;
    if flags & 0x40 != 0 {
        let Some((&n, tail)) = rest.split_first() else {
            return;
        };
        let n = usize::from(n % 16).min(tail.len());
        let (keys, tail) = tail.split_at(n);
        mapping = Some(Mapping {
            header_row: 1 + u32::from(keys.first().copied().unwrap_or(0) % 4),
            columns: keys
                .iter()
                .map(|&k| {
                    Field::ALL
                        .get(usize::from(k) % (Field::ALL.len() + 2))
                        .map_or(String::new(), |f| f.key().to_owned())
                })
                .collect(),
        });
        rest = tail;
    }
    let body = String::from_utf8_lossy(rest);
    let text = if flags & 0x02 != 0 {
        format!("{}\n{body}", HEADERS[usize::from(flags >> 2) & 3])
    } else {
        body.into_owned()
    };
    let book = workbook(&text, 1);
    let empty = Snapshot::default();
    let snapshot = if flags & 0x01 != 0 {
        demo_snapshot()
    } else {
        &empty
    };
    let mut options = Options::default();
    if let (Some(m), Some(sheet)) = (mapping, book.sheets.first()) {
        options.mappings.insert(sheet.name.clone(), m);
    }
    let hash = |nik: &str| format!("h:{nik}");
    let mut result = plan::plan(&book, snapshot, &options, &hash);
    if flags & 0x10 != 0 {
        options.new_trades = result
            .unknown_trades
            .iter()
            .map(|(n, _, _)| plan::normalise(n))
            .collect();
        options.new_programs = result
            .unknown_programs
            .iter()
            .map(|(t, p, _, _)| format!("{}|{}", plan::normalise(t), plan::normalise(p)))
            .collect();
        result = plan::plan(&book, snapshot, &options, &hash);
    }

    // What the plan promises.
    let counts = result.counts();
    assert_eq!(
        counts.created + counts.updated + counts.unchanged + counts.rejected,
        result.rows.len()
    );
    for row in &result.rows {
        match row.person {
            Some(i) => {
                assert!(i < result.people.len());
                assert_ne!(row.status, RowStatus::Rejected);
            }
            None => assert_eq!(row.status, RowStatus::Rejected),
        }
    }
    // Against an empty register nothing exists yet: nothing is updated or unchanged on the
    // first row of a person, and every person is new.
    if !std::ptr::eq(snapshot, demo_snapshot()) {
        assert!(result.people.iter().all(|p| p.existing.is_none()));
    }
    for p in &result.people {
        if let Some(nik) = &p.nik {
            assert_eq!(nik.len(), 16);
        }
        assert!(!p.person.full_name.is_empty());
        assert!(p.person.gender == "L" || p.person.gender == "P");
    }

    if flags & 0x20 != 0 {
        let _ = karya::import::run::report(&book, &result);
    }
});
