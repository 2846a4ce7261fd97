//! Office procurement pages: the request list, the request form, the request page (proposals,
//! answers, documents, payment, timeline) and the provider's settings for office work.

use askama::Template;

use super::{Choice, Field, Layout};

pub struct RequestRow {
    pub id: i64,
    pub title: String,
    pub office: String,
    pub category: String,
    pub business: String,
    pub state_key: &'static str,
    pub state: &'static str,
    pub value: String,
    pub when: String,
    /// The viewer has something to do on it.
    pub todo: bool,
    /// Days since the BAST while the payment is overdue ("terlambat N hari").
    pub overdue: Option<i64>,
}

#[derive(Template)]
#[template(path = "procurement/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub heading: String,
    pub intro: String,
    pub can_create: bool,
    pub is_provider: bool,
    pub is_agency: bool,
    pub rows: Vec<RequestRow>,
    /// Only the requests waiting for the viewer are listed (`?tampil=perlu-tindakan`).
    pub only_todo: bool,
    /// How many requests wait for the viewer.
    pub waiting: usize,
}

pub struct ItemField {
    pub description: Field,
    pub quantity: Field,
    pub unit: Field,
}

#[derive(Template)]
#[template(path = "procurement/form.html")]
pub struct FormPage {
    pub layout: Layout,
    pub office: String,
    pub categories: Vec<Choice>,
    pub category_id: Field,
    pub title: Field,
    pub items: Vec<ItemField>,
    pub items_error: Option<String>,
    pub place: Field,
    pub kecamatan: Field,
    pub kecamatans: Vec<Choice>,
    pub date_from: Field,
    pub date_until: Field,
    pub min_date: String,
    pub time_window: Field,
    pub hps: Field,
    pub budget_line_id: Field,
    pub budget_lines: Vec<Choice>,
    pub notes: Field,
    pub error_count: usize,
}

pub struct ProposalLine {
    pub business_id: i64,
    pub rank: usize,
    pub name: String,
    pub kecamatan: String,
    pub reasons: Vec<String>,
    pub checked: bool,
    /// The provider's catalog prices for the request ("Servis AC split: Rp85.000 / unit").
    pub catalog: Vec<String>,
    /// The request's items at those prices, when every item has a fixed one.
    pub catalog_total: Option<String>,
}

pub struct ExcludedLine {
    pub name: String,
    pub why: String,
}

pub struct ItemLine {
    pub index: usize,
    pub description: String,
    pub quantity: i64,
    pub unit: String,
    pub price: String,
    pub subtotal: String,
    /// The quote form's field for this item.
    pub price_field: Field,
}

pub struct DocumentLine {
    pub id: i64,
    pub label: &'static str,
    pub number: String,
    pub issued: String,
    pub amount: String,
    pub voided: Option<String>,
    pub can_reissue: bool,
}

pub struct TaxLine {
    /// The tax line's code, naming its deposit fields.
    pub code: String,
    pub label: String,
    pub base: String,
    pub amount: String,
    pub basis: String,
    pub billing_code: String,
    pub ntpn: String,
}

/// One tax line's deposit fields as typed (`billing-{code}`, `ntpn-{code}`).
pub struct DepositField {
    pub code: String,
    pub billing: Field,
    pub ntpn: Field,
}

pub struct PaymentBlock {
    pub paid_on: String,
    pub method: String,
    pub gross: String,
    pub taxes: Vec<TaxLine>,
    pub withheld: String,
    pub net: String,
    pub proof: String,
    pub confirmed: Option<String>,
    pub voided: Option<String>,
    pub late_days: Option<i64>,
    /// Why a tax is not taken, one sentence each.
    pub notes: Vec<String>,
}

pub struct OfferLine {
    pub name: String,
    pub rank: i64,
    pub state: &'static str,
    pub reason: String,
    pub at: String,
}

pub struct TimelineLine {
    pub at: String,
    pub who: String,
    pub what: String,
    pub note: String,
}

/// A button with its small form.
pub struct ActionForm {
    pub slug: &'static str,
    pub label: &'static str,
    /// `simple` or `reason`.
    pub kind: &'static str,
    pub danger: bool,
    pub hint: &'static str,
}

/// The small forms of the request page, re-rendered with what was typed.
#[derive(Default)]
pub struct Forms {
    pub reason: Field,
    pub reason_for: String,
    pub override_reason: Field,
    /// The proposal the office chose, kept when its form comes back with a message.
    pub chosen: Option<i64>,
    pub quote_note: Field,
    pub quote_error: Option<String>,
    pub rating: Field,
    pub bast_note: Field,
    pub paid_on: Field,
    pub method: Field,
    pub proof: Field,
    pub reissue_reason: Field,
    pub reissue_for: i64,
    /// The deposit fields of the payment form or the later deposit form, by tax line.
    pub deposits: Vec<DepositField>,
    /// The deposit fields belong to the later deposit form (`setoran`).
    pub deposits_later: bool,
}

impl Forms {
    /// The typed deposit field of a tax line, or an empty one.
    pub fn deposit(&self, code: &str, initial_billing: &str, initial_ntpn: &str) -> DepositField {
        match self.deposits.iter().find(|d| d.code == code) {
            Some(d) => DepositField {
                code: d.code.clone(),
                billing: d.billing.clone(),
                ntpn: d.ntpn.clone(),
            },
            None => DepositField {
                code: code.to_owned(),
                billing: Field::new(initial_billing),
                ntpn: Field::new(initial_ntpn),
            },
        }
    }
}

#[derive(Template)]
#[template(path = "procurement/show.html")]
pub struct ShowPage {
    pub layout: Layout,
    pub id: i64,
    pub version: i64,
    pub title: String,
    pub state_key: &'static str,
    pub state: &'static str,
    pub viewer: &'static str,
    pub office: String,
    pub category: String,
    pub facts: Vec<(String, String)>,
    pub alert: Option<String>,
    pub notice: Option<String>,
    /// The office chooses a provider (state open).
    pub proposals: Vec<ProposalLine>,
    pub more_proposals: usize,
    pub excluded: Vec<ExcludedLine>,
    pub can_choose: bool,
    /// The provider answers (state offered, their business).
    pub can_quote: bool,
    pub deadline: Option<String>,
    pub provider: Option<String>,
    /// For the office while the provider has not answered: a WhatsApp message to the provider
    /// with the request's link, so the offer is seen before its deadline.
    /// A click-to-chat link to whoever waits on the viewer's step, and who that is.
    pub whatsapp: Option<(String, &'static str)>,
    pub items: Vec<ItemLine>,
    pub total: Option<String>,
    pub total_words: Option<String>,
    pub hps: Option<String>,
    pub quote_note: String,
    pub can_order: bool,
    pub document_set: String,
    pub can_bast: bool,
    pub can_pay: bool,
    pub tax_preview: Option<PaymentBlock>,
    /// The provider's bank account and NPWP, for the treasurer paying.
    pub provider_bank: Option<String>,
    pub provider_npwp: Option<String>,
    /// Days since the BAST while the payment is overdue.
    pub overdue: Option<i64>,
    /// The treasurer may write the live payment's billing codes and NTPNs.
    pub can_deposit: bool,
    pub methods: Vec<Choice>,
    pub today: String,
    pub actions: Vec<ActionForm>,
    pub documents: Vec<DocumentLine>,
    pub payments: Vec<PaymentBlock>,
    pub offers: Vec<OfferLine>,
    pub timeline: Vec<TimelineLine>,
    pub forms: Forms,
}

#[derive(Template)]
#[template(path = "procurement/business.html")]
pub struct BusinessPage {
    pub layout: Layout,
    pub business: String,
    pub npwp: Field,
    pub pkp: bool,
    pub umkm_final: bool,
    pub capacity: Field,
    pub saved: bool,
    pub appeal: Field,
    pub appeal_sent: bool,
    pub appeals: Vec<(String, String, Option<String>)>,
    pub exclusion: Option<String>,
}
