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
