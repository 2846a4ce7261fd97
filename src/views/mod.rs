//! One typed context per page. Templates live in `templates/` and are checked at compile time.

pub mod assets;
pub mod capital;
pub mod catalog;
pub mod charts;
pub mod gov_admin;
pub mod notifications;
pub mod open_data;
pub mod orders;
pub mod outcomes;
pub mod procurement;
pub mod storefront;
pub mod tracer;
pub mod track_record;

use askama::Template;

use crate::config::Settings;
use crate::domain::user::User;

/// What the base layout needs on every page.
#[derive(Clone)]
pub struct Layout {
    pub title: String,
    pub user: Option<NavUser>,
    pub csrf: String,
    pub css: String,
    pub js: String,
    pub logo: String,
    pub district: String,
    pub agency: String,
    pub path: String,
    pub notice: Option<String>,
    /// Seconds after which the page reloads itself (a running job), if any.
    pub refresh: Option<u32>,
    /// Unread notifications of the signed-in user (the header badge).
    pub unread: i64,
}

#[derive(Clone)]
pub struct NavUser {
    pub display_name: String,
    pub role_label: &'static str,
    pub is_admin: bool,
    /// Alumni get their shop and its orders in the menu; buyers their orders.
    pub is_alumnus: bool,
    pub is_buyer: bool,
    /// Office staff, treasurers and alumni get the procurement requests in the menu.
    pub uses_procurement: bool,
    /// Capital partners get their referrals in the menu.
    pub is_partner: bool,
    /// The agency and its head get the outcomes dashboard in the menu.
    pub sees_outcomes: bool,
}

impl Layout {
    pub fn new(
        title: String,
        user: Option<&User>,
        csrf: &str,
        settings: &Settings,
        path: &str,
    ) -> Layout {
        Layout {
            title,
            user: user.map(|u| NavUser {
                display_name: u.display_name.clone(),
                role_label: u.role.label(),
                is_admin: u.role == crate::domain::policy::Role::Admin,
                is_alumnus: u.role == crate::domain::policy::Role::Alumni,
                is_buyer: u.role == crate::domain::policy::Role::Pembeli,
                is_partner: u.role == crate::domain::policy::Role::Mitra,
                sees_outcomes: crate::domain::policy::allows(
                    u.role,
                    crate::domain::policy::Permission::ViewOutcomes,
                ),
                uses_procurement: matches!(
                    u.role,
                    crate::domain::policy::Role::Opd
                        | crate::domain::policy::Role::Bendahara
                        | crate::domain::policy::Role::Alumni
                ),
            }),
            csrf: csrf.to_owned(),
            css: assets::url("karya.css"),
            js: assets::url("karya.js"),
            logo: assets::url("logo.svg"),
            district: settings.instance.district_name.clone(),
            agency: settings.instance.agency_name.clone(),
            path: path.to_owned(),
            notice: None,
            refresh: None,
            unread: 0,
        }
    }

    pub fn with_refresh(mut self, seconds: u32) -> Layout {
        self.refresh = Some(seconds);
        self
    }

    pub fn with_notice(mut self, notice: Option<&str>) -> Layout {
        self.notice = notice.map(str::to_owned);
        self
    }

    fn bare(title: &str) -> Layout {
        Layout {
            title: title.to_owned(),
            user: None,
            csrf: String::new(),
            css: assets::url("karya.css"),
            js: assets::url("karya.js"),
            logo: assets::url("logo.svg"),
            district: String::new(),
            agency: String::new(),
            path: String::new(),
            notice: None,
            refresh: None,
            unread: 0,
        }
    }
}

/// A form field's value and its message, for re-rendering with the user's input.
#[derive(Clone, Default)]
pub struct Field {
    pub value: String,
    pub error: Option<String>,
}

impl Field {
    pub fn new(value: &str) -> Field {
        Field {
            value: value.to_owned(),
            error: None,
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub status: u16,
    pub message: String,
}

impl ErrorPage {
    pub fn new(status: u16, title: &str, message: &str) -> ErrorPage {
        ErrorPage {
            layout: Layout::bare(title),
            status,
            message: message.to_owned(),
        }
    }

    /// The same page with the signed-in user's header and menu (`layout` carries the title).
    pub fn with_layout(layout: Layout, status: u16, message: &str) -> ErrorPage {
        ErrorPage {
            layout,
            status,
            message: message.to_owned(),
        }
    }
}

pub struct TradeCard {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub alumni: i64,
    pub businesses: i64,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub layout: Layout,
    /// A few products from the catalog.
    pub products: Vec<catalog::ResultCard>,
    pub trades: Vec<TradeCard>,
    pub alumni: i64,
    pub businesses: i64,
    pub offices: i64,
    pub since: i64,
    pub kecamatan: i64,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub layout: Layout,
    pub username: Field,
    pub password: Field,
    pub next: String,
    pub error: Option<String>,
    pub demo: bool,
}

#[derive(Template)]
#[template(path = "password.html")]
pub struct PasswordPage {
    pub layout: Layout,
    pub current: Field,
    pub new: Field,
    pub confirm: Field,
    /// Set for the one-time reset link form, which asks no current password.
    pub reset_for: Option<String>,
    pub action: String,
}

#[derive(Clone)]
pub struct StatCard {
    pub label: String,
    pub value: String,
    pub note: String,
    /// The list of what the card counts; empty when there is none to open.
    pub href: String,
}

pub struct Row3 {
    pub a: String,
    pub b: String,
    pub c: String,
}

pub struct LinkItem {
    pub href: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub layout: Layout,
    /// What waits for this user, each linking to where it is done; shown first.
    pub tasks: Vec<LinkItem>,
    pub heading: String,
    pub intro: String,
    pub cards: Vec<StatCard>,
    pub table_title: String,
    pub table_head: [&'static str; 3],
    pub rows: Vec<Row3>,
    pub links: Vec<LinkItem>,
}

pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role_label: &'static str,
    pub belongs_to: String,
    pub disabled: bool,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
pub struct UsersPage {
    pub layout: Layout,
    pub users: Vec<UserRow>,
    pub query: String,
    pub role: String,
    pub roles: Vec<(&'static str, &'static str)>,
}

pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "admin/user_form.html")]
pub struct UserFormPage {
    pub layout: Layout,
    /// `None` when creating.
    pub user_id: Option<i64>,
    pub disabled: bool,
    pub username: Field,
    pub display_name: Field,
    pub role: Field,
    pub office_id: Field,
    pub alumnus_id: Field,
    pub partner_id: Field,
    pub phone: Field,
    pub roles: Vec<(&'static str, &'static str)>,
    pub offices: Vec<Choice>,
    pub partners: Vec<Choice>,
    pub is_self: bool,
    /// How many fields need correcting (a summary at the top of a rejected form).
    pub error_count: usize,
}

#[derive(Template)]
#[template(path = "admin/reset_link.html")]
pub struct ResetLinkPage {
    pub layout: Layout,
    pub username: String,
    pub display_name: String,
    pub link: String,
    pub expires: String,
    pub created: bool,
    /// A wa.me link with the message prefilled (to the user's number when known).
    pub whatsapp: String,
}

pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub record: String,
    pub summary: String,
    pub ip: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
pub struct AuditPage {
    pub layout: Layout,
    pub rows: Vec<AuditRow>,
    pub chain_ok: bool,
    pub chain_message: String,
    pub action: String,
    pub actions: &'static [(&'static str, &'static str)],
    /// The user, from and to filters, kept as typed with their messages.
    pub user: Field,
    pub from: Field,
    pub to: Field,
    /// The filters as a query string, for the pager's links.
    pub query: String,
    pub page: i64,
    pub pages: i64,
    pub total: i64,
}

#[derive(Template)]
#[template(path = "admin/alumni.html")]
pub struct AlumniPage {
    pub layout: Layout,
    pub rows: Vec<crate::domain::register::AlumnusRow>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    /// The active filters, for pager links.
    pub query_string: String,
    pub name: String,
    pub trade: String,
    pub year: String,
    pub batch: String,
    pub kecamatan: String,
    pub result: String,
    pub trades: Vec<Choice>,
    pub years: Vec<String>,
    pub batches: Vec<Choice>,
    pub kecamatans: Vec<Choice>,
}

/// One participation on the alumnus record, in words.
pub struct Training {
    /// The participation's id (for its edit link).
    pub id: i64,
    /// "Program — angkatan N tahun Y".
    pub batch: String,
    pub trade: String,
    /// Labels; empty when not recorded.
    pub result: String,
    pub competency: String,
    pub placement: String,
    pub cert_number: String,
    pub cert_issuer: String,
    pub cert_date: String,
    pub cert_expiry: String,
}

#[derive(Template)]
#[template(path = "admin/alumnus.html")]
pub struct AlumnusPage {
    pub layout: Layout,
    pub record: crate::domain::register::AlumnusRecord,
    /// Masked unless revealed.
    pub nik: String,
    pub has_nik: bool,
    pub revealed: bool,
    /// Where the NIK disagrees with the recorded birth date or gender.
    pub warnings: Vec<String>,
    pub trainings: Vec<Training>,
    pub businesses: Vec<(String, bool)>,
}

// ---- Claiming a record: sign-up, claim, own contact details, claim codes ----

#[derive(Template)]
#[template(path = "claim/signup.html")]
pub struct SignUpPage {
    pub layout: Layout,
    pub display_name: Field,
    pub phone: Field,
    pub password: Field,
    pub confirm: Field,
    pub error_count: usize,
}

#[derive(Template)]
#[template(path = "claim/claim.html")]
pub struct ClaimPage {
    pub layout: Layout,
    pub code: Field,
    pub nik: Field,
    /// Birth date as typed: day, month (1–12), year; one message for the three.
    pub day: String,
    pub month: String,
    pub year: String,
    pub birth_date_error: Option<String>,
    pub months: Vec<Choice>,
    /// A refusal or a wait, shown at the top.
    pub error: Option<String>,
    /// The form that was sent (`kode` or `nik`): its answer is shown next to it.
    pub method: String,
}

#[derive(Template)]
#[template(path = "claim/profile.html")]
pub struct ProfilePage {
    pub layout: Layout,
    pub full_name: String,
    /// Masked.
    pub nik: String,
    pub birth_date: String,
    pub kecamatan: String,
    pub username: String,
    pub phone: Field,
    pub address: Field,
    pub desa: Field,
    pub desas: Vec<Choice>,
    pub error_count: usize,
}

/// One cut-out slip on the printed sheet.
pub struct CodeSlip {
    pub name: String,
    pub place: String,
    pub code: String,
}

#[derive(Template)]
#[template(path = "admin/claim_codes.html")]
pub struct ClaimCodesPage {
    pub layout: Layout,
    /// The batch (id, label) for a batch sheet; `None` for one alumnus.
    pub batch: Option<(i64, String)>,
    /// The alumnus record to go back to, for a single code.
    pub alumnus_id: Option<i64>,
    /// Before printing a batch: the alumni who will get a new code.
    pub pending: Vec<String>,
    pub claimed: i64,
    pub confirm: bool,
    pub slips: Vec<CodeSlip>,
    pub expires: String,
    pub signup_url: String,
    pub message: Option<String>,
}

// ---- Register imports ----

#[derive(Template)]
#[template(path = "admin/import_upload.html")]
pub struct ImportUploadPage {
    pub layout: Layout,
    pub error: Option<String>,
    pub recent: Vec<ImportListItem>,
}

pub struct ImportListItem {
    pub id: i64,
    pub file: String,
    pub at: String,
    pub status: &'static str,
    pub summary: String,
    pub by: String,
}

pub struct ImportRowView {
    pub sheet: String,
    pub row: u32,
    pub name: String,
    pub status: &'static str,
    /// (kind: galat/peringatan/catatan, column letter, message)
    pub messages: Vec<(&'static str, String, String)>,
    pub changes: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin/import.html")]
pub struct ImportPage {
    pub layout: Layout,
    pub id: i64,
    pub file_name: String,
    pub uploaded: String,
    pub applied: bool,
    /// Never applied, and the original file is gone: nothing to preview or apply.
    pub abandoned: bool,
    /// When and after how long the original file was deleted, in words.
    pub purged: Option<String>,
    /// Whether the viewer may download the report with full NIKs.
    pub may_see_full_nik: bool,
    pub summary: String,
    pub counts: crate::import::plan::Counts,
    pub summary_line: String,
    /// (key, label) of every field a column can hold.
    pub fields: Vec<(&'static str, &'static str)>,
    pub sheets: Vec<crate::import::plan::SheetReading>,
    pub places: Vec<crate::import::plan::PlaceQuestion>,
    /// Questions and creations beyond the ones listed (each list shows at most `listed`).
    pub hidden_questions: usize,
    pub programs: Vec<crate::import::plan::ProgramQuestion>,
    pub unknown_trades: Vec<(String, bool, usize)>,
    pub unknown_programs: Vec<(String, String, bool, usize)>,
    pub new_batches: Vec<String>,
    pub rejected: Vec<ImportRowView>,
    pub warned: Vec<ImportRowView>,
    pub created: Vec<ImportRowView>,
    pub updated: Vec<ImportRowView>,
    /// Rows of each kind on one page.
    pub listed: usize,
    /// This page of the lists (1-based), and whether a list goes on past it.
    pub page: usize,
    pub more: bool,
}

impl ImportPage {
    /// The form key of a trade consent (the planner's normalised name).
    pub fn trade_key(&self, name: &str) -> String {
        crate::import::plan::normalise(name)
    }

    pub fn program_key(&self, trade: &str, program: &str) -> String {
        format!(
            "{}|{}",
            crate::import::plan::normalise(trade),
            crate::import::plan::normalise(program)
        )
    }
}

// ---- Keeping the register: trades, programs, batches, alumni and their participation ----

/// Options under a heading (`<optgroup>`).
pub struct ChoiceGroup {
    pub label: String,
    pub choices: Vec<Choice>,
}

pub struct ProgramLine {
    pub id: i64,
    pub name: String,
    pub hours: i64,
    pub days: i64,
    pub units: usize,
    pub batches: i64,
    pub needs_review: bool,
}

pub struct TradeBlock {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub description: String,
    pub alumni: i64,
    pub programs: Vec<ProgramLine>,
}

#[derive(Template)]
#[template(path = "register/trades.html")]
pub struct TradesPage {
    pub layout: Layout,
    pub trades: Vec<TradeBlock>,
    /// Programs an import created whose hours and days are still placeholders.
    pub to_complete: usize,
}

#[derive(Template)]
#[template(path = "register/trade_form.html")]
pub struct TradeFormPage {
    pub layout: Layout,
    /// `None` when creating.
    pub id: Option<i64>,
    pub code: Field,
    pub name: Field,
    pub description: Field,
    pub error_count: usize,
}

#[derive(Template)]
#[template(path = "register/program_form.html")]
pub struct ProgramFormPage {
    pub layout: Layout,
    pub id: Option<i64>,
    pub needs_review: bool,
    pub trade_id: Field,
    pub name: Field,
    pub hours: Field,
    pub days: Field,
    pub competency_units: Field,
    pub trades: Vec<Choice>,
    pub error_count: usize,
}

pub struct BatchLine {
    pub id: i64,
    /// "Program — angkatan N tahun Y".
    pub label: String,
    pub trade: String,
    /// "6 Mei 2024 – 31 Mei 2024"; empty while the dates are placeholders.
    pub dates: String,
    pub place: String,
    pub funding: &'static str,
    pub capacity: i64,
    pub participants: i64,
    pub instructor: String,
    pub needs_review: bool,
}

#[derive(Template)]
#[template(path = "register/batches.html")]
pub struct BatchesPage {
    pub layout: Layout,
    pub rows: Vec<BatchLine>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    /// The active filters, for pager links.
    pub query_string: String,
    pub trade: String,
    pub year: String,
    pub review: bool,
    pub trades: Vec<Choice>,
    pub years: Vec<String>,
    /// Batches still to complete, in the whole register.
    pub to_complete: i64,
}

#[derive(Template)]
#[template(path = "register/batch_form.html")]
pub struct BatchFormPage {
    pub layout: Layout,
    pub id: Option<i64>,
    pub needs_review: bool,
    pub participants: i64,
    pub program_id: Field,
    pub year: Field,
    pub number: Field,
    pub start_date: Field,
    pub end_date: Field,
    pub place: Field,
    pub funding: Field,
    pub capacity: Field,
    pub instructor: Field,
    pub programs: Vec<ChoiceGroup>,
    pub fundings: Vec<Choice>,
    pub error_count: usize,
}

#[derive(Template)]
#[template(path = "register/alumnus_form.html")]
pub struct AlumnusFormPage {
    pub layout: Layout,
    pub id: Option<i64>,
    pub full_name: Field,
    pub gender: Field,
    pub birth_place: Field,
    pub birth_date: Field,
    pub nik: Field,
    /// The stored NIK, masked, when editing a record that has one.
    pub stored_nik: Option<String>,
    pub remove_nik: bool,
    pub phone: Field,
    pub address: Field,
    pub kecamatan: Field,
    pub desa: Field,
    pub education: Field,
    pub kecamatans: Vec<Choice>,
    pub desas: Vec<ChoiceGroup>,
    pub educations: &'static [&'static str],
    pub error_count: usize,
}

#[derive(Template)]
#[template(path = "register/participation_form.html")]
pub struct ParticipationFormPage {
    pub layout: Layout,
    pub alumnus_id: i64,
    pub alumnus_name: String,
    pub id: Option<i64>,
    pub batch_id: Field,
    pub result: Field,
    pub competency: Field,
    pub cert_number: Field,
    pub cert_issuer: Field,
    pub cert_date: Field,
    pub cert_expiry: Field,
    pub placement: Field,
    pub batches: Vec<ChoiceGroup>,
    pub issuers: Vec<String>,
    pub error_count: usize,
}

#[derive(Template)]
#[template(path = "admin/import_running.html")]
pub struct ImportRunningPage {
    pub layout: Layout,
    pub file_name: String,
    /// People applied so far and in all; 0/0 when another instance runs it.
    pub done: usize,
    pub total: usize,
}

/// One review on `/akun/ulasan`.
pub struct ReviewRow {
    pub order_id: i64,
    pub business_id: i64,
    pub business: String,
    pub item: String,
    pub stars: String,
    pub rating: i64,
    pub body: String,
    pub when: String,
    pub reply: Option<String>,
}

#[derive(Template)]
#[template(path = "account_reviews.html")]
pub struct MyReviewsPage {
    pub layout: Layout,
    pub rows: Vec<ReviewRow>,
    /// Completed orders not reviewed yet.
    pub waiting: Vec<LinkItem>,
}
