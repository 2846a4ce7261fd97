//! The outcomes dashboard (`/admin/hasil`), the lists behind its numbers, the training feedback
//! and the report. Every table is built once here from `domain::outcomes::Outcomes` and rendered
//! three ways (page, XLSX sheet, PDF table), so the three give the same figures.

use askama::Template;

use super::Layout;
use super::charts::{self, AMBER, BarItem, Bars, GREEN, Lines, Series};
use crate::db::outcomes::{Behind, Choice, Complaint};
use crate::domain::dates::format_instant;
use crate::domain::outcomes::{
    Counts, Dimension, Filter, Measure, Outcomes, Wave, obstacle_label, percent,
};
use crate::domain::rupiah::{format_rupiah, group_thousands};
use crate::{export, pdf};

/// A number and, on the page, the list behind it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
}

impl Cell {
    fn plain(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            href: None,
        }
    }
}

/// One table of the dashboard and of the report (one XLSX sheet).
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Sheet name and HTML id.
    pub id: String,
    pub title: String,
    /// What the numbers mean.
    pub note: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn to_export(&self) -> export::Table {
        export::Table {
            sheet: self.title.clone(),
            header: self.header.clone(),
            rows: self
                .rows
                .iter()
                .map(|r| r.iter().map(|c| c.text.clone()).collect())
                .collect(),
        }
    }

    fn to_pdf(&self) -> pdf::ReportTable {
        let e = self.to_export();
        pdf::ReportTable {
            title: self.title.clone(),
            note: self.note.clone(),
            header: e.header,
            rows: e.rows,
        }
    }
}

fn href(filter: &Filter, measure: &Measure) -> String {
    let f = filter.query();
    if f.is_empty() {
        format!("/admin/hasil/daftar?{}", measure.query())
    } else {
        format!("/admin/hasil/daftar?{}&{f}", measure.query())
    }
}

fn n(v: i64, filter: &Filter, measure: Measure) -> Cell {
    Cell {
        text: group_thousands(v),
        href: Some(href(filter, &measure)),
    }
}

fn rp(v: i64, filter: &Filter, measure: Measure) -> Cell {
    Cell {
        text: format_rupiah(v),
        href: Some(href(filter, &measure)),
    }
}

fn summary_rows(c: &Counts, f: &Filter) -> Vec<Vec<Cell>> {
    let row = |label: &str, cell: Cell| vec![Cell::plain(label), cell];
    vec![
        row("Peserta pelatihan", n(c.trained, f, Measure::Trained)),
        row("Lulus", n(c.completed, f, Measure::Completed)),
        row(
            "Kompeten (bersertifikat)",
            n(c.certified, f, Measure::Certified),
        ),
        row("Alumni (orang)", n(c.alumni, f, Measure::Alumni)),
        row(
            "Alumni dengan etalase aktif",
            n(c.storefront, f, Measure::Storefront),
        ),
        row("Alumni dengan pesanan dibayar", n(c.paid, f, Measure::Paid)),
        row(
            "Pendapatan dari pembeli umum",
            rp(c.revenue_public, f, Measure::RevenuePublic),
        ),
        row(
            "Pendapatan dari OPD",
            rp(c.revenue_office, f, Measure::RevenueOffice),
        ),
        row(
            "Pengajuan modal",
            n(c.capital_applied, f, Measure::CapitalApplied),
        ),
        row(
            "Nilai diajukan",
            rp(c.capital_applied_amount, f, Measure::CapitalApplied),
        ),
        row(
            "Pengajuan modal disetujui",
            n(c.capital_approved, f, Measure::CapitalApproved),
        ),
        row(
            "Nilai disetujui",
            rp(c.capital_approved_amount, f, Measure::CapitalApproved),
        ),
        row(
            "Pengajuan modal dicairkan",
            n(c.capital_disbursed, f, Measure::CapitalDisbursed),
        ),
        row(
            "Nilai dicairkan",
            rp(c.capital_disbursed_amount, f, Measure::CapitalDisbursed),
        ),
    ]
}

const WAVE_HEADER: [&str; 10] = [
    "Gelombang",
    "Diundang",
    "Menjawab",
    "Tingkat respons",
    "Sesuai kejuruan",
    "% dari penjawab",
    "Min. UMK",
    "% dari penjawab",
    "Dibayar melalui Karya",
    "% dari diundang",
];

fn wave_cells(w: &Wave, f: &Filter) -> Vec<Cell> {
    vec![
        Cell::plain(format!("Bulan ke-{}", w.wave)),
        n(w.invited, f, Measure::Invited(w.wave)),
        n(w.responded, f, Measure::Responded(w.wave)),
        Cell::plain(percent(w.responded, w.invited)),
        n(w.works_in_trade, f, Measure::WorksInTrade(w.wave)),
        Cell::plain(percent(w.works_in_trade, w.responded)),
        n(w.earns_umk, f, Measure::EarnsUmk(w.wave)),
        Cell::plain(percent(w.earns_umk, w.responded)),
        n(w.platform_paid, f, Measure::PlatformPaid(w.wave)),
        Cell::plain(percent(w.platform_paid, w.invited)),
    ]
}

/// The headline tables, then one per breakdown and one tracer table per breakdown.
pub fn tables(o: &Outcomes) -> Vec<Table> {
    let f = &o.filter;
    let mut out = vec![
        Table {
            id: "ringkasan".into(),
            title: "Ringkasan".into(),
            note: "Peserta dihitung per keikutsertaan; alumni per orang. Pendapatan: pembayaran \
                   pembeli umum yang dikonfirmasi dan pembayaran OPD yang sah (tidak dibatalkan), \
                   sejak awal tercatat di Karya."
                .into(),
            header: vec!["Ukuran".into(), "Jumlah".into()],
            rows: summary_rows(&o.totals, f),
        },
        Table {
            id: "belanja-opd".into(),
            title: "Belanja OPD 40%".into(),
            note: format!(
                "Seluruh OPD, tahun anggaran {}: nilai pekerjaan yang dipesan dari usaha alumni \
                 dibanding pagu belanja yang dinyatakan (Perpres 12/2021 Pasal 65: minimal 40% \
                 untuk usaha mikro dan kecil). Tidak dipersempit oleh filter lain.",
                o.office.fiscal_year
            ),
            header: vec![
                "Tahun anggaran".into(),
                "Pagu".into(),
                "Dipesan dari alumni".into(),
                "Dibayar".into(),
                "Porsi dari pagu".into(),
            ],
            rows: vec![vec![
                Cell::plain(o.office.fiscal_year.to_string()),
                Cell::plain(format_rupiah(o.office.budget)),
                Cell::plain(format_rupiah(o.office.contracted)),
                Cell::plain(format_rupiah(o.office.paid)),
                Cell::plain(percent(o.office.contracted, o.office.budget)),
            ]],
        },
        Table {
            id: "tracer".into(),
            title: "Tracer study".into(),
            note: "Laporan alumni (jawaban tracer: sesuai kejuruan, minimal UMK, dibagi jumlah penjawab) \
                   dan bukti platform (lulusan yang diundang dan pernah menerima pembayaran melalui \
                   Karya, kapan pun, dibagi jumlah diundang) ditampilkan berdampingan, tidak digabung."
                .into(),
            header: WAVE_HEADER.iter().map(|h| h.to_string()).collect(),
            rows: o.waves.iter().map(|w| wave_cells(w, f)).collect(),
        },
        Table {
            id: "hambatan".into(),
            title: "Hambatan".into(),
            note: "Hambatan yang dipilih dalam jawaban tracer (semua gelombang).".into(),
            header: vec!["Hambatan".into(), "Jawaban".into()],
            rows: o
                .obstacles
                .iter()
                .map(|(k, v)| {
                    vec![
                        Cell::plain(obstacle_label(k)),
                        n(*v, f, Measure::Obstacle(k.clone())),
                    ]
                })
                .collect(),
        },
    ];
    for (d, groups) in &o.breakdowns {
        out.push(Table {
            id: format!("menurut-{}", d.slug()),
            title: format!("Menurut {}", d.label().to_lowercase()),
            note: "Seseorang yang mengikuti beberapa pelatihan dihitung di setiap kelompoknya."
                .into(),
            header: [
                d.label(),
                "Peserta",
                "Lulus",
                "Kompeten",
                "Etalase aktif",
                "Pesanan dibayar",
                "Pendapatan umum",
                "Pendapatan OPD",
                "Modal dicairkan",
            ]
            .iter()
            .map(|h| h.to_string())
            .collect(),
            rows: groups
                .iter()
                .map(|g| {
                    let gf = f.narrowed(*d, &g.key);
                    let c = &g.counts;
                    vec![
                        Cell::plain(&g.label),
                        n(c.trained, &gf, Measure::Trained),
                        n(c.completed, &gf, Measure::Completed),
                        n(c.certified, &gf, Measure::Certified),
                        n(c.storefront, &gf, Measure::Storefront),
                        n(c.paid, &gf, Measure::Paid),
                        rp(c.revenue_public, &gf, Measure::RevenuePublic),
                        rp(c.revenue_office, &gf, Measure::RevenueOffice),
                        rp(c.capital_disbursed_amount, &gf, Measure::CapitalDisbursed),
                    ]
                })
                .collect(),
        });
        let mut header = vec![d.label().to_string()];
        header.extend(WAVE_HEADER.iter().map(|h| h.to_string()));
        out.push(Table {
            id: format!("tracer-{}", d.slug()),
            title: format!("Tracer menurut {}", d.label().to_lowercase()),
            note: "Gelombang bulan ke-1 dan ke-6 (indikator baku).".into(),
            header,
            rows: groups
                .iter()
                .flat_map(|g| {
                    let gf = f.narrowed(*d, &g.key);
                    g.waves
                        .iter()
                        .filter(|w| w.wave == 1 || w.wave == 6)
                        .map(move |w| {
                            let mut row = vec![Cell::plain(&g.label)];
                            row.extend(wave_cells(w, &gf));
                            row
                        })
                        .collect::<Vec<_>>()
                })
                .collect(),
        });
    }
    out
}

/// A chart and the table of its numbers (the same texts).
pub struct Chart {
    pub id: String,
    pub title: String,
    pub svg: String,
    /// Header and rows of the data table beside the chart.
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

fn bar_chart(
    id: &str,
    title: &str,
    desc: &str,
    series: &[Series],
    first: &str,
    items: Vec<BarItem>,
) -> Chart {
    let svg = charts::bars(&Bars {
        id,
        title,
        desc,
        series,
        items: &items,
        empty: "Belum ada data",
    });
    let mut header = vec![first.to_string()];
    header.extend(series.iter().map(|s| s.name.to_string()));
    let rows = items
        .iter()
        .map(|i| {
            let mut r = vec![i.label.clone()];
            r.extend(i.values.iter().map(|(_, t)| t.clone()));
            r
        })
        .collect();
    Chart {
        id: id.into(),
        title: title.into(),
        svg,
        header,
        rows,
    }
}

/// The dashboard's charts: the yearly trend, completers and paid alumni per group of the first
/// breakdown, revenue per group, and the tracer's two kinds of evidence per wave.
pub fn charts(o: &Outcomes) -> Vec<Chart> {
    let mut out = Vec::new();
    let labels: Vec<String> = o.by_year.iter().map(|g| g.label.clone()).collect();
    let values = vec![
        o.by_year.iter().map(|g| g.counts.trained).collect(),
        o.by_year.iter().map(|g| g.counts.completed).collect(),
        o.by_year
            .iter()
            .map(|g| g.counts.paid)
            .collect::<Vec<i64>>(),
    ];
    let trend_series = [
        Series {
            name: "Peserta",
            colour: "#5a6470",
        },
        Series {
            name: "Lulus",
            colour: GREEN,
        },
        Series {
            name: "Dibayar",
            colour: AMBER,
        },
    ];
    let title = "Tren per tahun angkatan selesai";
    let svg = charts::lines(&Lines {
        id: "grafik-tren",
        title,
        desc: "Peserta, lulusan, dan alumni dengan pesanan dibayar menurut tahun angkatan selesai.",
        series: &trend_series,
        labels: &labels,
        values: &values,
        empty: "Belum ada data",
    });
    out.push(Chart {
        id: "grafik-tren".into(),
        title: title.into(),
        svg,
        header: vec![
            "Tahun".into(),
            "Peserta".into(),
            "Lulus".into(),
            "Dibayar".into(),
        ],
        rows: o
            .by_year
            .iter()
            .map(|g| {
                vec![
                    g.label.clone(),
                    g.counts.trained.to_string(),
                    g.counts.completed.to_string(),
                    g.counts.paid.to_string(),
                ]
            })
            .collect(),
    });
    if let Some((d, groups)) = o.breakdowns.first() {
        let series = [
            Series {
                name: "Lulus",
                colour: GREEN,
            },
            Series {
                name: "Pesanan dibayar",
                colour: AMBER,
            },
        ];
        let items = groups
            .iter()
            .map(|g| BarItem {
                label: g.label.clone(),
                values: vec![
                    (g.counts.completed, group_thousands(g.counts.completed)),
                    (g.counts.paid, group_thousands(g.counts.paid)),
                ],
            })
            .collect();
        out.push(bar_chart(
            "grafik-lulus",
            &format!(
                "Lulusan dan alumni dibayar menurut {}",
                d.label().to_lowercase()
            ),
            "Jumlah lulusan dan alumni dengan minimal satu pesanan dibayar per kelompok.",
            &series,
            d.label(),
            items,
        ));
        let series = [
            Series {
                name: "Umum",
                colour: GREEN,
            },
            Series {
                name: "OPD",
                colour: AMBER,
            },
        ];
        let items = groups
            .iter()
            .map(|g| BarItem {
                label: g.label.clone(),
                values: vec![
                    (
                        g.counts.revenue_public,
                        format_rupiah(g.counts.revenue_public),
                    ),
                    (
                        g.counts.revenue_office,
                        format_rupiah(g.counts.revenue_office),
                    ),
                ],
            })
            .collect();
        out.push(bar_chart(
            "grafik-pendapatan",
            &format!(
                "Pendapatan melalui Karya menurut {}",
                d.label().to_lowercase()
            ),
            "Pendapatan alumni dari pembeli umum dan dari OPD per kelompok.",
            &series,
            d.label(),
            items,
        ));
    }
    let series = [
        Series {
            name: "Laporan alumni: sesuai kejuruan",
            colour: GREEN,
        },
        Series {
            name: "Bukti platform: dibayar",
            colour: AMBER,
        },
    ];
    let items = o
        .waves
        .iter()
        .map(|w| {
            let share = |a, b| crate::domain::outcomes::permille(a, b).unwrap_or(0);
            BarItem {
                label: format!("Bulan ke-{}", w.wave),
                values: vec![
                    (
                        share(w.works_in_trade, w.responded),
                        percent(w.works_in_trade, w.responded),
                    ),
                    (
                        share(w.platform_paid, w.invited),
                        percent(w.platform_paid, w.invited),
                    ),
                ],
            }
        })
        .collect();
    out.push(bar_chart(
        "grafik-tracer",
        "Tracer: laporan alumni dan bukti platform",
        "Per gelombang: persen penjawab yang bekerja atau berusaha sesuai kejuruan, dan persen \
         lulusan diundang yang pernah dibayar melalui Karya. Dua sumber, tidak digabung.",
        &series,
        "Gelombang",
        items,
    ));
    out
}

/// A filter form choice with its selection.
pub struct Option_ {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct Select {
    pub name: &'static str,
    pub label: &'static str,
    pub options: Vec<Option_>,
}

/// The filter form's selects.
pub fn selects(filter: &Filter, choices: [Vec<Choice>; 5], per: Dimension) -> Vec<Select> {
    let [years, trades, programs, batches, kecamatan] = choices;
    let pick = |name, label, list: Vec<Choice>, current: Option<String>| Select {
        name,
        label,
        options: list
            .into_iter()
            .map(|c| Option_ {
                selected: current.as_deref() == Some(c.value.as_str()),
                value: c.value,
                label: c.label,
            })
            .collect(),
    };
    let genders = vec![
        Choice {
            value: "L".into(),
            label: "Laki-laki".into(),
        },
        Choice {
            value: "P".into(),
            label: "Perempuan".into(),
        },
    ];
    let dims = Dimension::ALL
        .iter()
        .map(|d| Choice {
            value: d.slug().into(),
            label: d.label().into(),
        })
        .collect();
    let mut s = vec![
        pick(
            "tahun",
            "Tahun selesai",
            years,
            filter.year.map(|v| v.to_string()),
        ),
        pick(
            "kejuruan",
            "Kejuruan",
            trades,
            filter.trade.map(|v| v.to_string()),
        ),
        pick(
            "program",
            "Program",
            programs,
            filter.program.map(|v| v.to_string()),
        ),
        pick(
            "angkatan",
            "Angkatan",
            batches,
            filter.batch.map(|v| v.to_string()),
        ),
        pick(
            "kecamatan",
            "Kecamatan",
            kecamatan,
            filter.kecamatan.clone(),
        ),
        pick("jk", "Jenis kelamin", genders, filter.gender.clone()),
    ];
    let mut per_select = pick("rincian", "Rincian menurut", dims, Some(per.slug().into()));
    // The breakdown always has a value: no "Semua" choice.
    per_select.label = "Rincian menurut";
    s.push(per_select);
    s
}

pub struct Card {
    pub label: String,
    pub value: String,
    pub href: String,
    pub note: String,
}

/// The headline cards (the same figures as the summary table).
pub fn cards(o: &Outcomes) -> Vec<Card> {
    let f = &o.filter;
    let c = &o.totals;
    let card = |label: &str, value: String, m: Measure, note: String| Card {
        label: label.into(),
        value,
        href: href(f, &m),
        note,
    };
    let w1 = o
        .waves
        .iter()
        .find(|w| w.wave == 1)
        .cloned()
        .unwrap_or_default();
    vec![
        card(
            "lulus",
            group_thousands(c.completed),
            Measure::Completed,
            format!("dari {} peserta", group_thousands(c.trained)),
        ),
        card(
            "kompeten",
            group_thousands(c.certified),
            Measure::Certified,
            "bersertifikat".into(),
        ),
        card(
            "etalase aktif",
            group_thousands(c.storefront),
            Measure::Storefront,
            format!("dari {} alumni", group_thousands(c.alumni)),
        ),
        card(
            "dibayar melalui Karya",
            group_thousands(c.paid),
            Measure::Paid,
            format!(
                "pendapatan {}",
                format_rupiah(c.revenue_public + c.revenue_office)
            ),
        ),
        card(
            "sesuai kejuruan (bulan ke-1)",
            percent(w1.works_in_trade, w1.responded),
            Measure::WorksInTrade(1),
            format!("laporan {} penjawab", group_thousands(w1.responded)),
        ),
        card(
            "modal dicairkan",
            format_rupiah(c.capital_disbursed_amount),
            Measure::CapitalDisbursed,
            format!("{} pengajuan", group_thousands(c.capital_disbursed)),
        ),
    ]
}

#[derive(Template)]
#[template(path = "outcomes/dashboard.html")]
pub struct DashboardPage {
    pub layout: Layout,
    pub selects: Vec<Select>,
    pub cards: Vec<Card>,
    pub charts: Vec<Chart>,
    pub tables: Vec<Table>,
    pub year: i64,
    pub feedback_href: String,
}

pub struct BehindRow {
    pub name: String,
    pub href: Option<String>,
    pub trade: String,
    pub batch: String,
    pub kecamatan: String,
    pub amount: String,
    pub note: String,
}

pub fn behind_rows(rows: Vec<Behind>, link_people: bool) -> Vec<BehindRow> {
    rows.into_iter()
        .map(|r| BehindRow {
            href: link_people.then(|| format!("/admin/alumni/{}", r.alumnus_id)),
            name: r.name,
            trade: r.trade,
            batch: r.batch,
            kecamatan: r.kecamatan,
            amount: r.amount.map(format_rupiah).unwrap_or_default(),
            note: note_label(&r.note),
        })
        .collect()
}

fn note_label(note: &str) -> String {
    match note {
        "penuh_waktu" => "Bekerja penuh waktu".into(),
        "paruh_waktu" => "Bekerja paruh waktu".into(),
        "wirausaha" => "Wirausaha".into(),
        "bekerja_wirausaha" => "Bekerja dan wirausaha".into(),
        "studi" => "Pelatihan lanjut/studi".into(),
        "mencari" => "Tidak bekerja, mencari".into(),
        "tidak_mencari" => "Tidak bekerja, tidak mencari".into(),
        "submitted" | "in_review" => "Diajukan".into(),
        "approved" => "Disetujui".into(),
        "disbursed" => "Dicairkan".into(),
        "closed" => "Lunas/ditutup".into(),
        "rejected" | "declined" => "Ditolak".into(),
        other => other.replace('_', " "),
    }
}

#[derive(Template)]
#[template(path = "outcomes/behind.html")]
pub struct BehindPage {
    pub layout: Layout,
    pub title: String,
    pub back: String,
    pub total: i64,
    pub total_text: String,
    pub shown: usize,
    pub rows: Vec<BehindRow>,
}

pub struct FeedbackItem {
    pub kind: &'static str,
    pub rating: String,
    pub text: String,
    pub date: String,
    pub business: String,
}

pub struct FeedbackGroup {
    pub trade: String,
    pub program: String,
    pub batch: String,
    pub items: Vec<FeedbackItem>,
}

/// Complaints grouped by trade, program and batch (in the order given).
pub fn feedback_groups(list: Vec<Complaint>) -> Vec<FeedbackGroup> {
    let mut out: Vec<FeedbackGroup> = Vec::new();
    for c in list {
        let item = FeedbackItem {
            kind: match c.kind.as_str() {
                "ulasan" => "Ulasan rendah",
                "sengketa" => "Sengketa pesanan",
                _ => "Keluhan OPD",
            },
            rating: c.rating.map(|r| format!("{r}/5")).unwrap_or_default(),
            text: c.text,
            date: format_instant(c.at),
            business: c.business,
        };
        match out.last_mut() {
            Some(g) if g.trade == c.trade && g.program == c.program && g.batch == c.batch => {
                g.items.push(item)
            }
            _ => out.push(FeedbackGroup {
                trade: c.trade,
                program: c.program,
                batch: c.batch,
                items: vec![item],
            }),
        }
    }
    out
}

#[derive(Template)]
#[template(path = "outcomes/feedback.html")]
pub struct FeedbackPage {
    pub layout: Layout,
    pub selects: Vec<Select>,
    pub groups: Vec<FeedbackGroup>,
    pub back: String,
}

/// The report as a PDF document: summary, charts as bars, the tables, and a page per trade.
pub fn report(o: &Outcomes, letterhead: pdf::Letterhead, district: &str) -> pdf::Report {
    let year = o.filter.year.unwrap_or(o.office.fiscal_year);
    let all = tables(o);
    let find = |id: &str| all.iter().find(|t| t.id == id).map(Table::to_pdf);
    let mut sections = Vec::new();
    let c = &o.totals;
    let w1 = o
        .waves
        .iter()
        .find(|w| w.wave == 1)
        .cloned()
        .unwrap_or_default();
    let w6 = o
        .waves
        .iter()
        .find(|w| w.wave == 6)
        .cloned()
        .unwrap_or_default();
    sections.push(pdf::ReportSection {
        heading: "Ringkasan".into(),
        new_page: false,
        paragraphs: vec![
            format!(
                "Laporan ini memuat hasil pelatihan angkatan yang selesai pada tahun {year} di {district}: \
                 {} peserta, {} lulus, {} kompeten. {} alumni memiliki etalase aktif di Karya dan {} \
                 telah menerima pembayaran melalui Karya, dengan pendapatan {} dari pembeli umum dan \
                 {} dari OPD.",
                group_thousands(c.trained),
                group_thousands(c.completed),
                group_thousands(c.certified),
                group_thousands(c.storefront),
                group_thousands(c.paid),
                format_rupiah(c.revenue_public),
                format_rupiah(c.revenue_office),
            ),
            format!(
                "Tracer study (laporan alumni): pada bulan ke-1, {} dari {} penjawab ({}) bekerja atau \
                 berusaha sesuai kejuruan; pada bulan ke-6, {} dari {} ({}). Bukti platform, terpisah: \
                 {} dari {} lulusan yang diundang pada bulan ke-1 ({}) pernah dibayar melalui Karya.",
                w1.works_in_trade,
                w1.responded,
                percent(w1.works_in_trade, w1.responded),
                w6.works_in_trade,
                w6.responded,
                percent(w6.works_in_trade, w6.responded),
                w1.platform_paid,
                w1.invited,
                percent(w1.platform_paid, w1.invited),
            ),
        ],
        bars: None,
        tables: ["ringkasan", "belanja-opd", "tracer", "hambatan"]
            .iter()
            .filter_map(|id| find(id))
            .collect(),
    });
    for (d, groups) in &o.breakdowns {
        let mut tables = Vec::new();
        if let Some(t) = find(&format!("menurut-{}", d.slug())) {
            tables.push(t);
        }
        if let Some(t) = find(&format!("tracer-{}", d.slug())) {
            tables.push(t);
        }
        sections.push(pdf::ReportSection {
            heading: format!("Menurut {}", d.label().to_lowercase()),
            new_page: true,
            paragraphs: Vec::new(),
            bars: Some(pdf::ReportBars {
                title: format!("Lulusan menurut {}", d.label().to_lowercase()),
                items: groups
                    .iter()
                    .map(|g| (g.label.clone(), g.counts.completed))
                    .collect(),
            }),
            tables,
        });
    }
    // One page per trade.
    if let Some((_, trades)) = o.breakdowns.iter().find(|(d, _)| *d == Dimension::Trade) {
        for g in trades {
            let gf = o.filter.narrowed(Dimension::Trade, &g.key);
            let mut summary = Table {
                title: format!("Kejuruan {}", g.label),
                header: vec!["Ukuran".into(), "Jumlah".into()],
                rows: summary_rows(&g.counts, &gf),
                ..Table::default()
            }
            .to_pdf();
            summary.note = String::new();
            let waves = Table {
                title: format!("Tracer kejuruan {}", g.label),
                header: WAVE_HEADER.iter().map(|h| h.to_string()).collect(),
                rows: g.waves.iter().map(|w| wave_cells(w, &gf)).collect(),
                ..Table::default()
            }
            .to_pdf();
            sections.push(pdf::ReportSection {
                heading: format!("Kejuruan {}", g.label),
                new_page: true,
                paragraphs: Vec::new(),
                bars: None,
                tables: vec![summary, waves],
            });
        }
    }
    pdf::Report {
        letterhead,
        title: "LAPORAN PEMBERDAYAAN ALUMNI BLK".into(),
        subtitle: format!("Angkatan yang selesai pada tahun {year}"),
        footer: format!("Laporan Pemberdayaan Alumni BLK {year}"),
        sections,
    }
}
