//! The public page of completed office purchases (open procurement data).

use askama::Template;

use super::{Choice, Layout};

/// A published document of a purchase, linked to its PDF.
pub struct DocumentLink {
    pub href: String,
    /// "Surat Pesanan", "SPK", "BAST".
    pub kind: String,
    /// The number split at its slashes (`001/SP/SETDA/III/2026`), so that the page can offer a
    /// line break after each one on a narrow screen.
    pub number_parts: Vec<String>,
}

/// One completed purchase, every text already redacted of NIK-like numbers.
pub struct PurchaseCard {
    pub request_id: i64,
    /// The Open Contracting ID, as in the JSON.
    pub ocid: String,
    /// Date the office ordered (Surat Pesanan), `3 November 2026`.
    pub ordered: String,
    pub office: String,
    pub title: String,
    pub category: String,
    /// "12 unit Servis AC split 1 PK; …"
    pub items: String,
    pub business_id: i64,
    pub business: String,
    pub business_kecamatan: String,
    /// `Rp1.250.000`
    pub value: String,
    /// "Kuitansi", "Bukti pembelian", "SPK" (or "—").
    pub form: String,
    /// Date of the (last) payment, or `None` when no live payment is recorded.
    pub paid: Option<String>,
    pub documents: Vec<DocumentLink>,
}

#[derive(Template)]
#[template(path = "open_data/index.html")]
pub struct OpenDataPage {
    pub layout: Layout,
    /// This page's purchases (the totals count the whole selection).
    pub purchases: Vec<PurchaseCard>,
    pub years: Vec<Choice>,
    pub offices: Vec<Choice>,
    /// The chosen filters ("" = all).
    pub year: String,
    pub office: String,
    /// What the filters mean in words: "tahun anggaran 2026, Sekretariat Daerah".
    pub filter_text: String,
    pub count: usize,
    /// Total value, `Rp123.450.000`.
    pub total: String,
    /// The same, short and without the currency: `123 juta`, `1,3 miliar`.
    pub total_short: String,
    pub suppliers: usize,
    pub office_count: usize,
    /// The JSON of the same selection.
    pub json_href: String,
    /// 1-based page of the list, of `pages`; links to the neighbours.
    pub page: usize,
    pub pages: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
}
