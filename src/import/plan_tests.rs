//! Planning rules on workbooks built in memory (no file format involved).

use super::*;
use crate::import::read::Format;

pub(crate) fn book(sheets: &[(&str, &[&[&str]])]) -> Workbook {
    Workbook {
        format: Format::Xlsx,
        sheets: sheets
            .iter()
            .map(|(name, rows)| Sheet {
                name: (*name).to_owned(),
                rows: rows
                    .iter()
                    .enumerate()
                    .map(|(i, cells)| crate::import::Row {
                        number: i as u32 + 1,
                        cells: cells
                            .iter()
                            .map(|c| {
                                if c.is_empty() {
                                    Cell::Empty
                                } else {
                                    Cell::Text((*c).to_owned())
                                }
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn run(book: &Workbook, snapshot: &Snapshot, options: &Options) -> Plan {
    plan(book, snapshot, options, &|n| n.to_owned())
}

fn tailoring() -> Snapshot {
    Snapshot {
        trades: vec![TradeRef {
            id: 1,
            name: "Menjahit".into(),
        }],
        programs: vec![ProgramRef {
            id: 1,
            trade_id: 1,
            name: "Menjahit / Asisten Pembuat Pakaian".into(),
        }],
        ..Snapshot::default()
    }
}

#[test]
fn names_differing_only_in_case_are_one_new_trade_program_and_batch() {
    let rows: &[&[&str]] = &[
        &["Nama", "L/P", "Kejuruan", "Program Pelatihan", "Tahun"],
        &["Siti", "P", "Menjahit", "Menjahit Dasar", "2019"],
        &["Ani", "P", "MENJAHIT", "MENJAHIT  DASAR", "2019"],
        &["Rina", "P", "menjahit", "Menjahit-Dasar", "2019"],
    ];
    let options = Options {
        new_trades: ["menjahit".to_owned()].into(),
        new_programs: ["menjahit|menjahit dasar".to_owned()].into(),
        ..Options::default()
    };
    let p = run(&book(&[("2019", rows)]), &Snapshot::default(), &options);
    assert_eq!(p.counts().created, 3, "{:#?}", p.rows);
    assert_eq!(p.unknown_trades.len(), 1, "{:?}", p.unknown_trades);
    assert_eq!(p.unknown_programs.len(), 1, "{:?}", p.unknown_programs);
    assert_eq!(
        p.new_batches,
        [BatchKey {
            trade: "Menjahit".into(),
            program: "Menjahit Dasar".into(),
            year: 2019,
            number: 1
        }],
        "one batch, spelled as its first row spells it"
    );
}

fn stored_budi(name: &str, address: &str) -> Snapshot {
    let mut s = tailoring();
    s.batches.push(BatchRef {
        id: 1,
        program_id: 1,
        year: 2019,
        number: 1,
    });
    s.alumni_by_nik.insert(
        "1507010101900001".into(),
        Existing {
            id: 7,
            person: Person {
                full_name: name.into(),
                gender: "L".into(),
                address: address.into(),
                ..Person::default()
            },
        },
    );
    s.participations.insert(
        (7, 1),
        Participation {
            placement: "belum".into(),
            ..Participation::default()
        },
    );
    s
}

fn budi_file(name: &str, address: &str) -> Workbook {
    let header: &[&str] = &["Nama", "NIK", "L/P", "Alamat", "Program Pelatihan", "Tahun"];
    let row: &[&str] = &[
        name,
        "1507010101900001",
        "L",
        address,
        "Menjahit / Asisten Pembuat Pakaian",
        "2019",
    ];
    book(&[("2019", &[header, row])])
}

#[test]
fn case_or_spacing_alone_is_no_change_and_the_stored_spelling_stays() {
    for (stored, typed) in [
        (
            ("BUDI SANTOSO", "JL. MERDEKA NO 1"),
            ("Budi Santoso", "Jl. Merdeka  No 1"),
        ),
        (
            ("Budi Santoso", "Jl. Merdeka No 1"),
            ("BUDI  SANTOSO", "JL MERDEKA NO. 1"),
        ),
    ] {
        let p = run(
            &budi_file(typed.0, typed.1),
            &stored_budi(stored.0, stored.1),
            &Options::default(),
        );
        assert_eq!(p.rows[0].status, RowStatus::Unchanged, "{:#?}", p.rows[0]);
        assert!(p.rows[0].changes.is_empty());
        assert_eq!(
            p.people[0].person.full_name, stored.0,
            "stored spelling kept"
        );
        assert_eq!(p.people[0].person.address, stored.1);
    }
    // A real change is still one.
    let p = run(
        &budi_file("Budi Santosa", "Jl. Merdeka No 1"),
        &stored_budi("BUDI SANTOSO", "Jl. Merdeka No 1"),
        &Options::default(),
    );
    assert_eq!(p.rows[0].status, RowStatus::Updated);
    assert_eq!(p.rows[0].changes, ["nama: BUDI SANTOSO → Budi Santosa"]);
}

#[test]
fn rows_of_one_person_differing_only_in_case_raise_no_warning() {
    let header: &[&str] = &["Nama", "NIK", "L/P", "Program Pelatihan", "Tahun"];
    let rows: &[&[&str]] = &[
        header,
        &[
            "BUDI SANTOSO",
            "1507010101900001",
            "L",
            "Menjahit / Asisten Pembuat Pakaian",
            "2019",
        ],
        &[
            "Budi Santoso",
            "1507010101900001",
            "L",
            "Menjahit / Asisten Pembuat Pakaian",
            "2020",
        ],
    ];
    let p = run(&book(&[("Data", rows)]), &tailoring(), &Options::default());
    assert_eq!(p.counts().warnings, 0, "{:#?}", p.rows);
    assert_eq!(p.people.len(), 1);
}

const TAILOR: &str = "Menjahit / Asisten Pembuat Pakaian";

fn years_of(p: &Plan) -> Vec<Option<i32>> {
    p.rows
        .iter()
        .map(|r| {
            r.person
                .and_then(|i| p.people[i].participations.first())
                .map(|(k, _, _)| k.year)
        })
        .collect()
}

#[test]
fn the_year_comes_from_the_sheet_name_or_the_title_rows() {
    let header: &[&str] = &["Nama", "L/P", "Program Pelatihan"];
    let siti: &[&str] = &["Siti", "P", TAILOR];
    // The sheet's name.
    let p = run(
        &book(&[("Alumni 2019", &[header, siti])]),
        &tailoring(),
        &Options::default(),
    );
    assert_eq!(years_of(&p), [Some(2019)], "{:#?}", p.rows);
    assert_eq!(
        p.sheets[0].year_note.as_deref(),
        Some("Tahun 2019 diambil dari nama sheet.")
    );
    // A title row above the header.
    let title: &[&str] = &["DAFTAR ALUMNI PELATIHAN BLK TANJABTIM TAHUN 2018"];
    let p = run(
        &book(&[("Sheet1", &[title, &[], header, siti])]),
        &tailoring(),
        &Options::default(),
    );
    assert_eq!(years_of(&p), [Some(2018)]);
    assert_eq!(
        p.sheets[0].year_note.as_deref(),
        Some("Tahun 2018 diambil dari judul di baris 1.")
    );
    assert!(!p.sheets[0].year_missing);
}

#[test]
fn without_a_year_anywhere_rows_are_rejected_until_the_admin_sets_one() {
    let header: &[&str] = &["Nama", "L/P", "Program Pelatihan"];
    let siti: &[&str] = &["Siti", "P", TAILOR];
    for name in ["Sheet1", "TA 2019/2020"] {
        let p = run(
            &book(&[(name, &[header, siti])]),
            &tailoring(),
            &Options::default(),
        );
        assert_eq!(p.rows[0].status, RowStatus::Rejected, "{name}");
        assert!(
            p.rows[0]
                .problems
                .iter()
                .any(|x| x.message.contains("tidak punya kolom Tahun")),
            "{:?}",
            p.rows[0].problems
        );
        assert!(p.sheets[0].year_missing);
        let options = Options {
            years: [(name.to_owned(), 2020)].into(),
            ..Options::default()
        };
        let p = run(&book(&[(name, &[header, siti])]), &tailoring(), &options);
        assert_eq!(years_of(&p), [Some(2020)]);
        assert_eq!(
            p.sheets[0].year_note.as_deref(),
            Some("Tahun 2020 ditetapkan untuk lembar ini.")
        );
    }
    // The name and the title disagree: the admin says which.
    let title: &[&str] = &["DAFTAR ALUMNI TAHUN 2018"];
    let p = run(
        &book(&[("2019", &[title, header, siti])]),
        &tailoring(),
        &Options::default(),
    );
    assert_eq!(p.rows[0].status, RowStatus::Rejected);
    assert!(p.sheets[0].year_missing);
    assert!(
        p.sheets[0]
            .year_note
            .as_deref()
            .is_some_and(|n| n.contains("2019") && n.contains("2018")),
        "{:?}",
        p.sheets[0].year_note
    );
    // The admin's year corrects the sheet name's.
    let options = Options {
        years: [("2019".to_owned(), 2018)].into(),
        ..Options::default()
    };
    let p = run(&book(&[("2019", &[header, siti])]), &tailoring(), &options);
    assert_eq!(years_of(&p), [Some(2018)]);
}

#[test]
fn a_tahun_column_wins_and_its_empty_cells_take_the_sheet_year() {
    let header: &[&str] = &["Nama", "L/P", "Program Pelatihan", "Tahun"];
    let rows: &[&[&str]] = &[
        header,
        &["Siti", "P", TAILOR, "2017"],
        &["Ani", "P", TAILOR, ""],
    ];
    let p = run(&book(&[("2019", rows)]), &tailoring(), &Options::default());
    assert_eq!(years_of(&p), [Some(2017), Some(2019)]);
    // Without a sheet year an empty cell is still "Tahun kosong".
    let p = run(&book(&[("Data", rows)]), &tailoring(), &Options::default());
    assert_eq!(p.rows[1].status, RowStatus::Rejected);
    assert!(!p.sheets[0].year_missing);
}

fn two_tailoring_programs() -> Snapshot {
    let mut s = tailoring();
    s.trades.push(TradeRef {
        id: 2,
        name: "Tata Boga".into(),
    });
    s.programs.push(ProgramRef {
        id: 2,
        trade_id: 1,
        name: "Menjahit (Busana Muslim)".into(),
    });
    s.programs.push(ProgramRef {
        id: 3,
        trade_id: 2,
        name: "Pembuatan Roti dan Kue".into(),
    });
    s
}

#[test]
fn a_program_as_people_write_it_finds_the_one_it_probably_means() {
    let header: &[&str] = &["Nama", "L/P", "Program Pelatihan", "Tahun"];
    for typed in ["Menjahit", "MENJAHIT", " menjahit. ", "Menjahit / Asisten"] {
        let rows: &[&[&str]] = &[header, &["Siti", "P", typed, "2019"]];
        let p = run(&book(&[("Data", rows)]), &tailoring(), &Options::default());
        assert_eq!(
            p.rows[0].status,
            RowStatus::Created,
            "{typed}: {:#?}",
            p.rows
        );
        let (key, _, _) = &p.people[0].participations[0];
        assert_eq!(
            (key.trade.as_str(), key.program.as_str()),
            ("Menjahit", TAILOR),
            "the trade follows from the program"
        );
        assert!(
            p.rows[0]
                .problems
                .iter()
                .any(|x| x.severity == Severity::Note
                    && x.message
                        .contains("dibaca sebagai \"Menjahit / Asisten Pembuat Pakaian\"")),
            "{typed}: {:?}",
            p.rows[0].problems
        );
        assert!(p.new_batches.len() == 1 && p.unknown_programs.is_empty());
    }
    // A trade's name in the program column: that trade's one program.
    let rows: &[&[&str]] = &[header, &["Siti", "P", "Tata Boga", "2019"]];
    let p = run(
        &book(&[("Data", rows)]),
        &two_tailoring_programs(),
        &Options::default(),
    );
    assert_eq!(
        p.people[0].participations[0].0.program,
        "Pembuatan Roti dan Kue"
    );
    // Words that fit nothing stay unknown.
    let rows: &[&[&str]] = &[header, &["Siti", "P", "Menjahit Kebaya", "2019"]];
    let p = run(&book(&[("Data", rows)]), &tailoring(), &Options::default());
    assert_eq!(p.rows[0].status, RowStatus::Rejected);
}

#[test]
fn a_program_name_fitting_several_programs_is_asked() {
    let header: &[&str] = &["Nama", "L/P", "Program Pelatihan", "Tahun"];
    let rows: &[&[&str]] = &[
        header,
        &["Siti", "P", "Menjahit", "2019"],
        &["Ani", "P", "menjahit", "2019"],
    ];
    let workbook = book(&[("Data", rows)]);
    let p = run(&workbook, &two_tailoring_programs(), &Options::default());
    assert_eq!(p.counts().rejected, 2);
    assert!(
        p.rows[0].problems.iter().any(|x| x
            .message
            .contains("cocok dengan beberapa program: Menjahit / Asisten Pembuat Pakaian (kejuruan Menjahit); Menjahit (Busana Muslim)")),
        "{:?}",
        p.rows[0].problems
    );
    assert_eq!(p.programs.len(), 1, "one question for both spellings");
    let q = &p.programs[0];
    assert_eq!((q.rows, q.candidates.len()), (2, 2));
    let options = Options {
        programs: [(q.key.clone(), 2)].into(),
        ..Options::default()
    };
    let p = run(&workbook, &two_tailoring_programs(), &options);
    assert_eq!(p.counts().created, 2);
    assert_eq!(
        p.people[0].participations[0].0.program,
        "Menjahit (Busana Muslim)"
    );
}

#[test]
fn one_plan_lists_a_new_trade_with_its_programs_and_allowing_the_trade_brings_them() {
    let header: &[&str] = &["Nama", "L/P", "Kejuruan", "Program Pelatihan", "Tahun"];
    let rows: &[&[&str]] = &[
        header,
        &["Siti", "P", "Tata Rias", "Rias Pengantin", "2019"],
        &["Ani", "P", "Barista", "", "2019"],
    ];
    let workbook = book(&[("Data", rows)]);
    let fresh = Snapshot::default();
    let p = run(&workbook, &fresh, &Options::default());
    assert_eq!(p.counts().rejected, 2);
    assert_eq!(p.unknown_trades.len(), 2, "{:?}", p.unknown_trades);
    assert_eq!(
        p.unknown_programs
            .iter()
            .map(|(t, p, allowed, _)| (t.as_str(), p.as_str(), *allowed))
            .collect::<Vec<_>>(),
        [
            ("Barista", "Barista", false),
            ("Tata Rias", "Rias Pengantin", false)
        ],
        "the program of a refused new trade is listed too"
    );
    assert!(
        p.rows[0]
            .problems
            .iter()
            .all(|x| !x.message.contains("pratinjau")),
        "{:?}",
        p.rows[0].problems
    );
    // The command line's --create-missing: everything the first plan found missing.
    let mut all = Options::default();
    all.allow_missing(&p);
    let p = run(&workbook, &fresh, &all);
    assert_eq!(p.counts().created, 2, "{:#?}", p.rows);
    // The web's ticks on the trades alone bring their programs.
    let trades = Options {
        new_trades: ["tata rias".to_owned(), "barista".to_owned()].into(),
        ..Options::default()
    };
    let p = run(&workbook, &fresh, &trades);
    assert_eq!(p.counts().created, 2, "{:#?}", p.rows);
    assert!(p.unknown_programs.iter().all(|(_, _, allowed, _)| *allowed));
    assert_eq!(p.new_batches.len(), 2);
}

#[test]
fn a_new_trade_given_alone_means_the_one_program_the_file_names_under_it() {
    let header: &[&str] = &["Nama", "L/P", "Kejuruan", "Program Pelatihan", "Tahun"];
    let rows: &[&[&str]] = &[
        header,
        &[
            "Siti",
            "P",
            "Menjahit",
            "Menjahit / Asisten Pembuat Pakaian",
            "2019",
        ],
        &["Ani", "P", "MENJAHIT", "", "2019"],
        &["Rina", "P", "Menjahit", "", "2020"],
        &["Budi", "L", "Barista", "", "2019"],
    ];
    let workbook = book(&[("Data", rows)]);
    let fresh = Snapshot::default();
    let mut all = Options::default();
    all.allow_missing(&run(&workbook, &fresh, &Options::default()));
    let p = run(&workbook, &fresh, &all);
    assert_eq!(p.counts().created, 4, "{:#?}", p.rows);
    assert_eq!(
        p.unknown_programs
            .iter()
            .map(|(t, p, _, rows)| (t.as_str(), p.as_str(), *rows))
            .collect::<Vec<_>>(),
        [
            ("Barista", "Barista", 1),
            ("Menjahit", "Menjahit / Asisten Pembuat Pakaian", 3)
        ],
        "one program for Menjahit, not a second named after the trade"
    );
    let mut batches: Vec<(String, i32)> = p
        .new_batches
        .iter()
        .map(|b| (b.program.clone(), b.year))
        .collect();
    batches.sort();
    assert_eq!(
        batches,
        [
            ("Barista".to_owned(), 2019),
            ("Menjahit / Asisten Pembuat Pakaian".to_owned(), 2019),
            ("Menjahit / Asisten Pembuat Pakaian".to_owned(), 2020)
        ]
    );
    assert!(
        p.people
            .iter()
            .flat_map(|person| &person.participations)
            .all(|(key, _, _)| key.program != "Menjahit"),
        "every participation names the one program"
    );
}
