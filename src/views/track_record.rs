//! An alumnus's track record in words: the partial every page of it includes (the alumna's own
//! page, the agency's, later the partners' dossier), the agency's "records behind a figure"
//! page, and the same facts as a PDF document.

use askama::Template;

use super::Layout;
use super::charts::{self, AMBER, Bar, GREEN, Series, StackedBars};
use crate::domain::capital::record::{Figure, RecordKind, RecordRow, TrackRecord, Training};
use crate::domain::dates::{long_date, month_name, month_short, parse_iso};
use crate::domain::rupiah::{format_rupiah, group_thousands};
use crate::pdf;

/// The title of the printed record.
pub const PDF_TITLE: &str = "REKAM JEJAK USAHA ALUMNI BLK";

/// One figure: its label, its value in words, and the page of the records behind it.
pub struct Fact {
    pub label: &'static str,
    pub value: String,
    pub figure: Option<Figure>,
    pub href: Option<String>,
}

pub struct MonthRow {
    /// "Jan 2026", with the full name for screen readers and hover.
    pub label: String,
    pub long_label: String,
    pub public: String,
    pub office: String,
    pub total: String,
}

pub struct BusinessView {
    pub name: String,
    pub since: String,
    pub kecamatan: String,
    pub categories: String,
    pub nib: String,
}

/// What `templates/capital/record.html` shows.
pub struct RecordView {
    pub name: String,
    pub as_of: String,
    pub training: Vec<String>,
    pub business: Option<BusinessView>,
    pub facts: Vec<Fact>,
    pub chart: String,
    pub months: Vec<MonthRow>,
    pub total_public: String,
    pub total_office: String,
    pub total: String,
}

/// `2026-07` → ("Jul", "Juli 2026").
fn month_labels(month: &str) -> (String, String) {
    let parsed = parse_iso(&format!("{month}-01"));
    match parsed {
        Some(d) => (
            month_short(d.month()).to_owned(),
            format!("{} {}", month_name(d.month()), d.year()),
        ),
        None => (month.to_owned(), month.to_owned()),
    }
}

fn training_line(t: &Training) -> String {
    let mut parts = vec![format!(
        "{} — {}, angkatan {} tahun {}",
        t.trade, t.program, t.batch_number, t.year
    )];
    match t.result.as_deref() {
        Some("lulus") => parts.push("lulus".into()),
        Some("tidak_lulus") => parts.push("tidak lulus".into()),
        _ => {}
    }
    match t.competency.as_deref() {
        Some("kompeten") => parts.push("kompeten".into()),
        Some("belum_kompeten") => parts.push("belum kompeten".into()),
        _ => {}
    }
    if let Some(n) = t.cert_number.as_deref().filter(|n| !n.trim().is_empty()) {
        parts.push(format!("sertifikat {n}"));
    }
    parts.join(" · ")
}

/// "4,7 dari 5 (12 ulasan)".
pub fn rating_text(r: &TrackRecord) -> String {
    match r.rating_tenths() {
        Some(t) => format!("{},{} dari 5 ({} ulasan)", t / 10, t % 10, r.rating_count),
        None => "Belum ada ulasan".into(),
    }
}

/// The figures in words, in the order they are shown and printed. `links`: the base path of the
/// records-behind pages (the agency's view), or `None`.
pub fn facts(r: &TrackRecord, links: Option<&str>) -> Vec<Fact> {
    let fact = |label, value: String, figure: Option<Figure>| Fact {
        label,
        value,
        figure,
        href: figure
            .zip(links)
            .map(|(f, base)| format!("{base}/{}", f.as_str())),
    };
    let public: i64 = r.revenue_by_month.iter().map(|m| m.public).sum();
    let office: i64 = r.revenue_by_month.iter().map(|m| m.office).sum();
    vec![
        fact(
            "Lama aktif di Karya",
            match &r.active_since {
                Some(since) => format!("{} bulan (sejak {})", r.months_active, long_date(since)),
                None => "Belum ada kegiatan".into(),
            },
            Some(Figure::Activity),
        ),
        fact(
            "Pesanan umum selesai",
            r.orders_public.to_string(),
            Some(Figure::PublicOrders),
        ),
        fact(
            "Pekerjaan OPD selesai",
            format!(
                "{} pekerjaan, nilai {}",
                r.orders_office,
                format_rupiah(r.office_value)
            ),
            Some(Figure::OfficeJobs),
        ),
        fact(
            "Pendapatan 12 bulan terakhir",
            format!(
                "{} (umum {}, OPD {})",
                format_rupiah(r.revenue_12_months()),
                format_rupiah(public),
                format_rupiah(office)
            ),
            Some(Figure::Revenue),
        ),
        fact(
            "Pembeli berbeda",
            match r.repeat_share_percent() {
                Some(p) => format!(
                    "{} pembeli; {} membeli lagi ({p}%)",
                    r.distinct_buyers, r.repeat_buyers
                ),
                None => "Belum ada".into(),
            },
            Some(Figure::Buyers),
        ),
        fact(
            "Selesai tepat waktu",
            match r.on_time_percent() {
                Some(p) => format!("{p}% ({} dari {})", r.on_time, r.on_time_of),
                None => "Belum ada pekerjaan bertanggal".into(),
            },
            Some(Figure::OnTime),
        ),
        fact("Penilaian rata-rata", rating_text(r), Some(Figure::Ratings)),
        fact(
            "Sengketa",
            if r.disputes == 0 {
                "Tidak ada".into()
            } else {
                r.disputes.to_string()
            },
            Some(Figure::Disputes),
        ),
        fact("Jawaban tracer", "belum ada".into(), None),
    ]
}

impl RecordView {
    pub fn new(r: &TrackRecord, links: Option<&str>) -> RecordView {
        let bars: Vec<Bar> = r
            .revenue_by_month
            .iter()
            .map(|m| {
                let (label, long_label) = month_labels(&m.month);
                Bar {
                    label,
                    long_label,
                    values: vec![m.public, m.office],
                }
            })
            .collect();
        let series = [
            Series {
                name: "Pesanan umum",
                colour: GREEN,
            },
            Series {
                name: "Pekerjaan OPD",
                colour: AMBER,
            },
        ];
        let chart = charts::stacked_bars(&StackedBars {
            id: "pendapatan-bulanan",
            title: "Pendapatan per bulan, 12 bulan terakhir",
            desc: &format!(
                "Pendapatan terkonfirmasi per bulan dari pesanan umum dan pekerjaan OPD; jumlah \
                 12 bulan {}. Angka lengkap ada di tabel.",
                format_rupiah(r.revenue_12_months())
            ),
            series: &series,
            bars: &bars,
            empty: "Belum ada pendapatan tercatat",
        });
        RecordView {
            name: r.person.name.clone(),
            as_of: long_date(&r.as_of),
            training: r.training.iter().map(training_line).collect(),
            business: r.business.as_ref().map(|b| BusinessView {
                name: b.name.clone(),
                since: long_date(&b.since),
                kecamatan: b.kecamatan.clone(),
                categories: b.categories.join(", "),
                nib: if b.nib.trim().is_empty() {
                    "belum ada".into()
                } else {
                    b.nib.clone()
                },
            }),
            facts: facts(r, links),
            chart,
            months: bars
                .iter()
                .zip(&r.revenue_by_month)
                .map(|(b, m)| MonthRow {
                    label: format!("{} {}", b.label, m.month.get(..4).unwrap_or("")),
                    long_label: b.long_label.clone(),
                    public: group_thousands(m.public),
                    office: group_thousands(m.office),
                    total: group_thousands(m.total()),
                })
                .collect(),
            total_public: group_thousands(r.revenue_by_month.iter().map(|m| m.public).sum()),
            total_office: group_thousands(r.revenue_by_month.iter().map(|m| m.office).sum()),
            total: group_thousands(r.revenue_12_months()),
        }
    }
}

/// The alumna's own record, or the agency's view of one.
#[derive(Template)]
#[template(path = "capital/page.html")]
pub struct RecordPage {
    pub layout: Layout,
    pub heading: String,
    pub intro: String,
    pub pdf_href: String,
    /// The agency's way back to the register record.
    pub back: Option<(String, String)>,
    pub record: RecordView,
}

pub struct BehindRow {
    pub date: String,
    pub kind: &'static str,
    pub description: String,
    pub amount: String,
    pub note: String,
    pub href: String,
}

/// The records behind one figure.
#[derive(Template)]
#[template(path = "capital/behind.html")]
pub struct BehindPage {
    pub layout: Layout,
    pub name: String,
    pub figure: &'static str,
    pub explanation: &'static str,
    pub value: String,
    pub back: String,
    pub rows: Vec<BehindRow>,
}

/// The label and the definition of a figure, as the records-behind page states them.
pub fn figure_words(f: Figure) -> (&'static str, &'static str) {
    match f {
        Figure::Activity => (
            "Lama aktif di Karya",
            "Dihitung dari kegiatan tercatat paling awal: toko dibuka, pesanan pertama, atau \
             permintaan OPD pertama yang ditawarkan kepada usahanya.",
        ),
        Figure::PublicOrders => (
            "Pesanan umum selesai",
            "Pesanan dari pembeli umum yang berstatus selesai atau sudah diulas.",
        ),
        Figure::OfficeJobs => (
            "Pekerjaan OPD selesai",
            "Permintaan OPD yang dikerjakan usaha ini dan sudah dibayar atau selesai; nilainya \
             menurut penawaran yang disetujui.",
        ),
        Figure::Revenue => (
            "Pendapatan 12 bulan terakhir",
            "Pembayaran pesanan umum yang sudah dikonfirmasi pembeli, dan pembayaran OPD (bruto) \
             yang tidak dibatalkan, menurut tanggal bayar.",
        ),
        Figure::Buyers => (
            "Pembeli berbeda",
            "Pembeli dari pesanan umum yang selesai (menurut akun, atau nomor HP bila tanpa akun) \
             dan OPD dari pekerjaan yang selesai; dikelompokkan per pembeli.",
        ),
        Figure::OnTime => (
            "Selesai tepat waktu",
            "Pesanan umum selesai yang diantar paling lambat akhir hari yang diminta (WIB), dan \
             pekerjaan OPD selesai yang dikerjakan paling lambat tanggal akhirnya.",
        ),
        Figure::Ratings => (
            "Penilaian rata-rata",
            "Ulasan pembeli umum dan penilaian OPD pada serah terima pekerjaan yang selesai.",
        ),
        Figure::Disputes => (
            "Sengketa",
            "Pesanan dan permintaan OPD yang pernah masuk status sengketa.",
        ),
    }
}

fn kind_label(k: RecordKind) -> &'static str {
    match k {
        RecordKind::Business => "Toko dibuka",
        RecordKind::Order => "Pesanan",
        RecordKind::OrderPayment => "Pembayaran pesanan",
        RecordKind::Review => "Ulasan",
        RecordKind::OfficeRequest => "Pekerjaan OPD",
        RecordKind::OfficePayment => "Pembayaran OPD",
    }
}

impl BehindRow {
    pub fn new(r: &RecordRow) -> BehindRow {
        let mut notes = Vec::new();
        if let Some(n) = r.rating {
            notes.push(format!("{n} dari 5"));
        }
        match r.on_time {
            Some(true) => notes.push("tepat waktu".into()),
            Some(false) => notes.push("terlambat".into()),
            None => {}
        }
        BehindRow {
            date: long_date(&r.date),
            kind: kind_label(r.kind),
            description: r.description.clone(),
            amount: r.amount.map(format_rupiah).unwrap_or_default(),
            note: notes.join(", "),
            href: r.link(),
        }
    }
}

/// The record as a printable document: the person, training and business, the figures, and
/// the 12 months of revenue as the table. `identifier` (a frozen snapshot's number and hash)
/// is printed under the title and in every page's footer.
pub fn document(
    r: &TrackRecord,
    letterhead: pdf::Letterhead,
    identifier: Option<&str>,
) -> pdf::Document {
    let mut facts = vec![
        ("Nama".to_owned(), r.person.name.clone()),
        (
            "Kecamatan".to_owned(),
            if r.person.kecamatan.is_empty() {
                "—".to_owned()
            } else {
                r.person.kecamatan.clone()
            },
        ),
    ];
    if r.training.is_empty() {
        facts.push(("Pelatihan".to_owned(), "Belum tercatat".to_owned()));
    }
    for (i, t) in r.training.iter().enumerate() {
        let label = if i == 0 { "Pelatihan" } else { "" };
        facts.push((label.to_owned(), training_line(t)));
    }
    match &r.business {
        Some(b) => {
            facts.push(("Usaha".to_owned(), b.name.clone()));
            facts.push(("Buka di Karya sejak".to_owned(), long_date(&b.since)));
            facts.push(("Kecamatan usaha".to_owned(), b.kecamatan.clone()));
            facts.push(("Bidang".to_owned(), b.categories.join(", ")));
            facts.push((
                "NIB".to_owned(),
                if b.nib.trim().is_empty() {
                    "belum ada".to_owned()
                } else {
                    b.nib.clone()
                },
            ));
        }
        None => facts.push((
            "Usaha".to_owned(),
            "Belum membuka usaha di Karya".to_owned(),
        )),
    }
    facts.extend(
        self::facts(r, None)
            .into_iter()
            .map(|f| (f.label.to_owned(), f.value)),
    );
    let lines = r
        .revenue_by_month
        .iter()
        .map(|m| pdf::Line {
            description: format!(
                "{}: pesanan umum {}, pekerjaan OPD {}",
                month_labels(&m.month).1,
                format_rupiah(m.public),
                format_rupiah(m.office)
            ),
            quantity: 1,
            unit: "bulan".into(),
            unit_price: None,
            total: Some(m.total()),
        })
        .collect();
    pdf::Document {
        letterhead,
        title: PDF_TITLE.to_owned(),
        number: identifier.unwrap_or_default().to_owned(),
        intro: vec![format!(
            "Angka di bawah dihitung Karya dari catatan yang tersimpan (pesanan, pembayaran yang \
             dikonfirmasi, pekerjaan OPD, ulasan) per {}. Tabel memuat pendapatan 12 bulan \
             terakhir.",
            long_date(&r.as_of)
        )],
        facts,
        lines,
        total: Some(r.revenue_12_months()),
        ..pdf::Document::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::capital::record::MonthRevenue;

    fn record() -> TrackRecord {
        TrackRecord {
            as_of: "2026-07-14".into(),
            active_since: Some("2026-01-15".into()),
            months_active: 5,
            orders_public: 7,
            rating_total: 14,
            rating_count: 3,
            distinct_buyers: 4,
            repeat_buyers: 1,
            revenue_by_month: (1..=12)
                .map(|m| MonthRevenue {
                    month: format!("2026-{m:02}"),
                    public: 1_000,
                    office: if m == 7 { 5_000 } else { 0 },
                })
                .collect(),
            ..TrackRecord::default()
        }
    }

    fn value(facts: &[Fact], label: &str) -> String {
        facts
            .iter()
            .find(|f| f.label == label)
            .map(|f| f.value.clone())
            .unwrap_or_default()
    }

    #[test]
    fn figures_read_as_indonesian_words() {
        let f = facts(&record(), None);
        assert_eq!(
            value(&f, "Lama aktif di Karya"),
            "5 bulan (sejak 15 Januari 2026)"
        );
        assert_eq!(value(&f, "Penilaian rata-rata"), "4,7 dari 5 (3 ulasan)");
        assert_eq!(
            value(&f, "Pembeli berbeda"),
            "4 pembeli; 1 membeli lagi (25%)"
        );
        assert_eq!(
            value(&f, "Pendapatan 12 bulan terakhir"),
            "Rp17.000 (umum Rp12.000, OPD Rp5.000)"
        );
        assert_eq!(value(&f, "Sengketa"), "Tidak ada");
        assert_eq!(value(&f, "Jawaban tracer"), "belum ada");
        assert!(f.iter().all(|x| x.href.is_none()));
        let empty = facts(&TrackRecord::default(), None);
        assert_eq!(value(&empty, "Penilaian rata-rata"), "Belum ada ulasan");
        assert_eq!(value(&empty, "Lama aktif di Karya"), "Belum ada kegiatan");
    }

    #[test]
    fn the_agency_gets_a_link_for_every_figure() {
        let f = facts(&record(), Some("/admin/alumni/5/rekam-jejak"));
        let linked: Vec<&str> = f.iter().filter_map(|x| x.href.as_deref()).collect();
        assert_eq!(linked.len(), Figure::ALL.len());
        assert!(linked.contains(&"/admin/alumni/5/rekam-jejak/ulasan"));
        assert!(f.iter().all(|x| x.href.is_some() == x.figure.is_some()));
    }

    #[test]
    fn the_document_tables_the_twelve_months() {
        let doc = document(&record(), pdf::Letterhead::default(), None);
        assert_eq!(doc.title, PDF_TITLE);
        assert_eq!(doc.number, "");
        assert_eq!(doc.lines.len(), 12);
        assert_eq!(doc.total, Some(17_000));
        assert!(doc.lines[6].description.starts_with("Juli 2026"));
        let frozen = document(&record(), pdf::Letterhead::default(), Some("Snapshot #3"));
        assert_eq!(frozen.number, "Snapshot #3");
    }
}
