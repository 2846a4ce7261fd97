//! Order form, order page, order lists, reviews, disputes.
//! Marketplace: orders.

use askama::Template;

use super::{Choice, Field, Layout};

/// One listing on the order form with its quantity field.
pub struct OfferLine {
    pub listing_id: i64,
    pub title: String,
    pub unit: String,
    /// As the catalog shows it (`domain::storefront::price_text`): "Rp150.000 / loyang",
    /// "mulai Rp75.000 / unit AC (harga dipastikan penjual)", "Sesuai survei/penawaran".
    pub price: String,
    pub min_order: i64,
    pub lead_days: i64,
    pub quantity: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "orders/form.html")]
pub struct OrderFormPage {
    pub layout: Layout,
    pub business_id: i64,
    pub business_name: String,
    pub pickup_address: String,
    pub key: String,
    pub offers: Vec<OfferLine>,
    pub items_error: Option<String>,
    pub needed_on: Field,
    /// ISO date for the date picker's `min`.
    pub min_date: String,
    pub fulfilment: Field,
    pub fulfilments: Vec<Choice>,
    pub address: Field,
    pub note: Field,
    pub name: Field,
    pub phone: Field,
    pub email: Field,
    pub error_count: usize,
    pub guest: bool,
}

pub struct ItemLine {
    pub title: String,
    pub quantity: String,
    pub price: String,
    pub subtotal: String,
}

/// A line of the bill between the items and the total (the delivery fee, a quote's price).
pub struct BillLine {
    pub label: String,
    pub amount: String,
}

pub struct TimelineLine {
    pub at: String,
    pub who: String,
    pub what: String,
    pub note: String,
}

pub struct MessageLine {
    pub at: String,
    pub who: String,
    pub body: String,
    pub mine: bool,
}

/// A button (with its small form) the viewer may use.
pub struct ActionForm {
    pub slug: &'static str,
    pub label: &'static str,
    /// `simple`, `reason`, `quote`, `accept` (with the delivery fee) or `review`.
    pub kind: &'static str,
    pub danger: bool,
    pub hint: &'static str,
}

pub struct PaymentLine {
    pub method: String,
    pub paid_on: String,
    pub amount: String,
    pub confirmed: Option<String>,
}

pub struct BankLine {
    pub bank: String,
    pub account: String,
    pub holder: String,
}

pub struct ReviewLine {
    pub stars: String,
    pub rating: i64,
    pub body: String,
    pub reviewer: String,
    pub at: String,
    pub reply: Option<String>,
}

/// Messages for the small forms of the order page, re-rendered with what was typed.
#[derive(Default)]
pub struct OrderForms {
    pub reason: Field,
    pub reason_for: String,
    pub quote_amount: Field,
    pub quote_note: Field,
    /// The delivery fee typed with a quote or an acceptance, and which form it came from.
    pub fee: Field,
    pub fee_for: String,
    pub message: Field,
    pub pay_method: Field,
    pub pay_date: Field,
    pub pay_amount: Field,
    pub rating: Field,
    pub review_body: Field,
    pub reply: Field,
}

#[derive(Template)]
#[template(path = "orders/show.html")]
pub struct OrderPage {
    pub layout: Layout,
    pub id: i64,
    /// The order's version as shown; forms send it back so a stale page cannot act.
    pub version: i64,
    pub business_id: i64,
    pub business_name: String,
    pub state_key: &'static str,
    pub state_label: &'static str,
    /// "Pembeli", "Penjual", "Disnakertrans".
    pub viewer: &'static str,
    pub is_buyer: bool,
    pub is_seller: bool,
    pub is_agency: bool,
    pub buyer_name: String,
    /// Shown to the seller and the agency.
    pub buyer_phone: String,
    pub buyer_email: String,
    pub fulfilment: String,
    pub address: String,
    pub needed_on: String,
    pub note: String,
    pub created_at: String,
    pub items: Vec<ItemLine>,
    /// Between the items and the total: the delivery fee, a quote's price; the total is their
    /// sum with the items' (`domain::order::bill_lines`).
    pub bill: Vec<BillLine>,
    pub total: Option<String>,
    /// The order is to be delivered and the seller has not set the fee yet.
    pub fee_pending: bool,
    /// The order is to be delivered: the seller's quote and acceptance forms ask for the fee.
    pub delivery: bool,
    pub quoted_total: Option<String>,
    /// The delivery fee inside the waiting quote.
    pub quoted_fee: Option<String>,
    pub estimate: Option<String>,
    pub timeline: Vec<TimelineLine>,
    pub messages: Vec<MessageLine>,
    pub actions: Vec<ActionForm>,
    /// Why "Terima pesanan" is not offered yet (no total).
    pub needs_quote: bool,
    /// The guest's secret link (full URL), when the viewer is that guest.
    pub guest_link: Option<String>,
    pub save_link_wa: Option<String>,
    /// Sent back with every form so the guest link works without cookies.
    pub token: Option<String>,
    pub payment: Option<PaymentLine>,
    /// These flags and `actions` come from the domain's one answer (`domain::order::allowed`).
    pub can_record_payment: bool,
    pub can_confirm_payment: bool,
    pub pay_methods: Vec<Choice>,
    pub today: String,
    pub bank: Option<BankLine>,
    pub qris_svg: Option<String>,
    pub qris_amount: Option<String>,
    /// The QRIS as a PNG to save (`/pesanan/{id}/qris.png`, with the guest's token).
    pub qris_png: Option<String>,
    pub review: Option<ReviewLine>,
    pub can_reply: bool,
    /// The viewer may write in the thread.
    pub can_message: bool,
    /// A click-to-chat link telling the other side what just happened (with their own link,
    /// the amount and the date), and whom it goes to.
    pub kabari: Option<String>,
    pub kabari_to: &'static str,
    /// The order was just placed: the buyer's button to tell the seller on WhatsApp.
    pub placed: bool,
    pub alert: Option<String>,
    pub forms: OrderForms,
}

pub struct OrderRow {
    pub id: i64,
    pub title: String,
    pub party: String,
    pub state_key: &'static str,
    pub state_label: &'static str,
    pub total: String,
    pub needed_on: String,
    pub created_at: String,
}

pub struct StateTab {
    pub href: String,
    pub label: String,
    pub count: i64,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "orders/list.html")]
pub struct OrderListPage {
    pub layout: Layout,
    pub intro: String,
    pub tabs: Vec<StateTab>,
    pub rows: Vec<OrderRow>,
    pub empty: String,
    pub catalog_link: bool,
}
