//! The agency's side of office procurement: offices with their officers, needs and budget
//! lines; kinds of work; settings; the public page on how rotation works; the head's view of
//! offices; rotation appeals; and an office's own page.

use askama::Template;

use super::{Choice, Field, Layout};

/// A labelled value.
pub struct Fact {
    pub label: String,
    pub value: String,
}

// ---- offices ----

pub struct OfficeRow {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub kind: &'static str,
    pub kecamatan: String,
    pub users: i64,
    /// Officers whose name or NIP is still empty ("Kepala", "Pejabat pengadaan", …).
    pub missing: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "gov_admin/offices.html")]
pub struct OfficesPage {
    pub layout: Layout,
    pub rows: Vec<OfficeRow>,
    pub year: i64,
}

#[derive(Template)]
#[template(path = "gov_admin/office_form.html")]
pub struct OfficeFormPage {
    pub layout: Layout,
    /// `None` when creating.
    pub id: Option<i64>,
    pub error_count: usize,
    pub name: Field,
    pub code: Field,
    pub kind: Field,
    pub kinds: Vec<Choice>,
    pub address: Field,
    pub kecamatan: Field,
    pub kecamatans: Vec<Choice>,
    pub head_name: Field,
    pub head_nip: Field,
    pub ppk_name: Field,
    pub ppk_nip: Field,
    pub treasurer_name: Field,
    pub treasurer_nip: Field,
    pub phone: Field,
    pub email: Field,
    pub postal_code: Field,
    pub signer: Field,
    pub signers: Vec<Choice>,
}

/// One kind of work on the needs form.
pub struct NeedRow {
    pub category_id: i64,
    pub category: String,
    pub trade: String,
    pub unit: String,
    pub active: bool,
    pub quantity: Field,
    pub note: Field,
}

pub struct BudgetRow {
    pub id: i64,
    pub account_code: String,
    pub name: String,
    pub ceiling: String,
    pub requests: i64,
}

/// A year to switch to, and whether it is the one shown.
pub struct YearChoice {
    pub year: i64,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "gov_admin/budget.html")]
pub struct BudgetPage {
    pub layout: Layout,
    pub office_id: i64,
    pub office_name: String,
    pub year: i64,
    pub years: Vec<YearChoice>,
    pub needs: Vec<NeedRow>,
    pub needs_error_count: usize,
    pub lines: Vec<BudgetRow>,
    pub total_ceiling: String,
    pub account_code: Field,
    pub line_name: Field,
    pub ceiling: Field,
    pub line_error_count: usize,
    /// A refusal shown at the top (a line in use cannot be deleted).
    pub alert: Option<String>,
}

#[derive(Template)]
#[template(path = "gov_admin/budget_line_form.html")]
pub struct BudgetLineFormPage {
    pub layout: Layout,
    pub office_id: i64,
    pub office_name: String,
    pub line_id: i64,
    pub year: i64,
    pub error_count: usize,
    pub account_code: Field,
    pub line_name: Field,
    pub ceiling: Field,
}

// ---- kinds of work ----

pub struct CategoryRow {
    pub id: i64,
    pub name: String,
    pub trade: String,
    pub unit: String,
    pub tax_kind: &'static str,
    pub active: bool,
    pub requests: i64,
}

#[derive(Template)]
#[template(path = "gov_admin/categories.html")]
pub struct CategoriesPage {
    pub layout: Layout,
    pub rows: Vec<CategoryRow>,
}

#[derive(Template)]
#[template(path = "gov_admin/category_form.html")]
pub struct CategoryFormPage {
    pub layout: Layout,
    pub id: Option<i64>,
    pub error_count: usize,
    pub trade_id: Field,
    pub trades: Vec<Choice>,
    pub name: Field,
    pub unit: Field,
    pub tax_kind: Field,
    pub tax_kinds: Vec<Choice>,
    pub active: bool,
}

// ---- settings ----

pub struct SettingRow {
    pub key: &'static str,
    /// The key as an element id (dots replaced).
    pub id: String,
    pub label: &'static str,
    pub help: &'static str,
    pub value: Field,
    /// The shipped default, as stored text.
    pub default: String,
    /// Fixed choices (a select); empty for a text field.
    pub options: Vec<Choice>,
}

pub struct SettingsGroup {
    pub anchor: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub rows: Vec<SettingRow>,
}

#[derive(Template)]
#[template(path = "gov_admin/settings.html")]
pub struct SettingsPage {
    pub layout: Layout,
    pub error_count: usize,
    pub groups: Vec<SettingsGroup>,
}

// ---- the public page on rotation ----

/// One imagined business in the worked example, scored with the current settings.
pub struct ExampleRow {
    pub rank: String,
    pub name: &'static str,
    pub facts: Vec<String>,
    pub score: i64,
    /// The score with a true minus sign.
    pub score_text: String,
    pub parts: String,
}

#[derive(Template)]
#[template(path = "gov_admin/how.html")]
pub struct HowPage {
    pub layout: Layout,
    pub weight_wait_day: i64,
    pub wait_cap_days: i64,
    /// Points lost by a business that received the candidates' average office value this year,
    /// and twice that average (computed by the rotation itself).
    pub value_at_mean: i64,
    pub value_at_double: i64,
    pub weight_same_kecamatan: i64,
    pub weight_rating: i64,
    /// "3,5"
    pub floor: String,
    pub floor_min_reviews: i64,
    pub proposals_shown: i64,
    pub offer_hours: i64,
    pub late_payment_days: i64,
    pub receipt_max: String,
    pub kuitansi_max: String,
    pub spk_max: String,
    pub example: Vec<ExampleRow>,
}

// ---- the head's view ----

pub struct NeedView {
    pub category: String,
    pub unit: String,
    pub need: String,
    pub served: String,
    pub percent: i64,
}

/// One office's year as the pages show it.
pub struct OfficeStats {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub requests: i64,
    pub completed: i64,
    pub contracted_count: i64,
    pub contracted: String,
    pub paid: String,
    pub budget: String,
    pub has_budget: bool,
    /// "42,9%" of the budget given to alumni; empty without a budget.
    pub share: String,
    /// Bar length in percent of the bar (0–100).
    pub bar: i64,
    /// At least 40%.
    pub meets: bool,
    pub needs: Vec<NeedView>,
    /// "6,7 hari"; "–" when nothing paid yet.
    pub average_days: String,
    pub paid_after_bast: i64,
    pub late: i64,
    pub chosen: i64,
    pub overrides: i64,
    /// "33%"; "–" when the office never chose.
    pub override_share: String,
}

/// One office's line in the needs matrix: a cell per kind of work (`None`: no need declared).
pub struct NeedMatrixRow {
    pub office_id: i64,
    pub name: String,
    pub cells: Vec<Option<NeedView>>,
}

pub struct GroupRow {
    pub name: String,
    pub jobs: i64,
    pub value: String,
    pub businesses: i64,
}

pub struct LateRow {
    pub request_id: i64,
    pub title: String,
    pub office_id: i64,
    pub office: String,
    pub business: String,
    pub bast_on: String,
    /// Payment date, or "belum dibayar".
    pub paid_on: String,
    pub unpaid: bool,
    pub days: i64,
    pub days_late: i64,
}

pub struct DeclinerRow {
    pub business_id: i64,
    pub name: String,
    pub trade: String,
    pub kecamatan: String,
    pub offers: i64,
    pub declined: i64,
    pub expired: i64,
    pub percent: i64,
}

#[derive(Template)]
#[template(path = "gov_admin/performance.html")]
pub struct PerformancePage {
    pub layout: Layout,
    pub year: i64,
    pub years: Vec<YearChoice>,
    pub late_days: i64,
    /// Ranked by share of budget given to alumni; offices without a budget last.
    pub ranking: Vec<OfficeStats>,
    /// The district as a whole.
    pub total: OfficeStats,
    /// Offices with requests this year, in ranking order (the detail table).
    pub active: Vec<OfficeStats>,
    /// Offices without any request this year.
    pub idle: Vec<String>,
    /// Kinds of work with a declared need (name, unit), and each office's line.
    pub need_columns: Vec<(String, String)>,
    pub need_rows: Vec<NeedMatrixRow>,
    pub by_kecamatan: Vec<GroupRow>,
    pub by_trade: Vec<GroupRow>,
    pub late: Vec<LateRow>,
    pub decliners: Vec<DeclinerRow>,
    pub open_appeals: i64,
    pub printed_on: String,
}

// ---- appeals ----

pub struct AppealView {
    pub id: i64,
    pub business_id: i64,
    pub business: String,
    pub owner: String,
    pub note: String,
    pub created: String,
    /// "rating 3,2 dari 9 ulasan".
    pub rating: String,
    pub answer: String,
    pub answered_by: String,
    pub answered: String,
    /// The answer field (typed text and message) when this appeal's answer was refused.
    pub field: Field,
}

#[derive(Template)]
#[template(path = "gov_admin/appeals.html")]
pub struct AppealsPage {
    pub layout: Layout,
    pub open: Vec<AppealView>,
    pub answered: Vec<AppealView>,
    pub floor: String,
}

// ---- an office's own page ----

#[derive(Template)]
#[template(path = "gov_admin/office.html")]
pub struct OfficeHomePage {
    pub layout: Layout,
    pub office: crate::domain::procurement::office::Office,
    pub officers: Vec<Fact>,
    pub users: i64,
    pub nearby_businesses: i64,
    pub year: i64,
    pub years: Vec<YearChoice>,
    pub stats: OfficeStats,
    pub late_days: i64,
    pub late: Vec<LateRow>,
    pub is_admin: bool,
}
