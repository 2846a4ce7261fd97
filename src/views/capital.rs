//! Capital pages: the public programs, the alumna's applications, the application page each
//! party sees (alumna, agency, partner), the agency's overview, programs and settings, and the
//! partner's queue.

use askama::Template;

use super::{Choice, Field, Layout};
use crate::domain::capital::eligibility::Verdict;
use crate::domain::dates::format_instant;
pub use crate::domain::dates::long_date;
use crate::domain::rupiah::Rupiah;
use crate::domain::user::FieldErrors;

pub fn rp(n: i64) -> String {
    Rupiah::new(n).unwrap_or_default().to_string()
}

pub fn instant(unix: i64) -> String {
    format_instant(unix)
}

/// What a posted form held and what was wrong with it, to show it again as typed.
#[derive(Clone, Default)]
pub struct Echo {
    pub pairs: Vec<(String, String)>,
    pub errors: FieldErrors,
}

impl Echo {
    pub fn new(pairs: Vec<(String, String)>, errors: FieldErrors) -> Echo {
        Echo { pairs, errors }
    }

    pub fn value(&self, name: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    pub fn values(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn has(&self, name: &str, value: &str) -> bool {
        self.pairs.iter().any(|(k, v)| k == name && v == value)
    }

    pub fn error(&self, name: &str) -> Option<String> {
        let all: Vec<&str> = self
            .errors
            .iter()
            .filter(|(f, _)| *f == name)
            .map(|(_, m)| m.as_str())
            .collect();
        (!all.is_empty()).then(|| all.join(" "))
    }

    pub fn field(&self, name: &str) -> Field {
        Field {
            value: self.value(name).to_owned(),
            error: self.error(name),
        }
    }

    pub fn count(&self) -> usize {
        self.errors.len()
    }
}

/// One rule checked, as shown.
pub struct CheckRow {
    pub met: bool,
    pub requirement: String,
    pub yours: String,
    pub how: String,
}

pub struct VerdictView {
    pub summary: String,
    pub eligible: bool,
    pub checks: Vec<CheckRow>,
}

impl VerdictView {
    pub fn from(v: &Verdict) -> VerdictView {
        VerdictView {
            summary: v.summary(),
            eligible: v.eligible(),
            checks: v
                .checks
                .iter()
                .map(|c| CheckRow {
                    met: c.met,
                    requirement: c.requirement.clone(),
                    yours: c.yours.clone(),
                    how: c.how.unwrap_or("").to_owned(),
                })
                .collect(),
        }
    }
}

/// A program as a card or a page.
pub struct ProgramCard {
    pub id: i64,
    pub name: String,
    pub partner: String,
    pub kind: String,
    pub amounts: String,
    pub terms: String,
    pub tenor: String,
    pub dates: String,
    pub quota: String,
    pub documents: Vec<String>,
    pub description: String,
    pub rules: Vec<String>,
    pub open: bool,
    pub kur: bool,
    pub verdict: Option<VerdictView>,
}

#[derive(Template)]
#[template(path = "capital/programs.html")]
pub struct ProgramsPage {
    pub layout: Layout,
    pub programs: Vec<ProgramCard>,
    pub is_alumnus: bool,
    pub signed_in: bool,
}

#[derive(Template)]
#[template(path = "capital/program.html")]
pub struct ProgramPage {
    pub layout: Layout,
    pub p: ProgramCard,
    pub is_alumnus: bool,
    pub signed_in: bool,
    pub open_application: Option<i64>,
}

/// A row of a list of applications.
pub struct ApplicationRow {
    pub id: i64,
    pub href: String,
    pub applicant: String,
    pub program: String,
    pub partner: String,
    pub amount: String,
    pub state: String,
    pub state_key: &'static str,
    pub updated: String,
    pub trade: String,
    pub kecamatan: String,
    pub waiting: String,
}

#[derive(Template)]
#[template(path = "capital/mine.html")]
pub struct MinePage {
    pub layout: Layout,
    pub applications: Vec<ApplicationRow>,
    pub eligible: Vec<ProgramCard>,
    pub almost: Vec<ProgramCard>,
}

/// The request form (new or edit).
pub struct RequestForm {
    pub action: String,
    pub echo: Echo,
    pub purposes: Vec<Choice>,
    pub marital: Vec<Choice>,
    pub ranges: String,
    pub has_tenor: bool,
    pub tenor_hint: String,
    /// Rows of the plan (at least five, the typed ones first).
    pub plan_rows: Vec<(String, String)>,
    pub submit_label: String,
    /// The application's version, for an edit (a stale page is refused).
    pub version: Option<i64>,
}

#[derive(Template)]
#[template(path = "capital/new.html")]
pub struct NewApplicationPage {
    pub layout: Layout,
    pub program: ProgramCard,
    pub form: RequestForm,
}

pub struct DocumentRow {
    pub kind: String,
    pub label: String,
    pub file_name: String,
    pub size: String,
    pub uploaded: String,
    pub href: String,
    pub required: bool,
    pub carries_nik: bool,
}

pub struct EventRow {
    pub at: String,
    pub who: String,
    pub what: String,
    pub note: String,
}

pub struct ActionButton {
    pub slug: &'static str,
    pub label: &'static str,
    pub needs_reason: bool,
    pub danger: bool,
    /// Irreversible without a reason (withdrawing): asks once more.
    pub confirm: bool,
}

pub struct Fact {
    pub label: String,
    pub value: String,
}

/// The dossier as shown: its identity, and the frozen record's figures.
pub struct DossierView {
    pub version: i64,
    pub frozen: String,
    pub hash: String,
    pub pdf_href: String,
    pub versions: Vec<(i64, String, String)>,
    /// The frozen record, as the track record partial shows it.
    pub record: super::track_record::RecordView,
    pub documents: Vec<String>,
}

pub struct ConsentView {
    pub partner: String,
    pub version: i64,
    pub hash: String,
    pub shares: Vec<String>,
    pub live: bool,
    pub may_give: bool,
    pub may_revoke: bool,
}

#[derive(Template)]
#[template(path = "capital/application.html")]
pub struct ApplicationPage {
    pub layout: Layout,
    pub base: String,
    pub back_href: String,
    pub back_label: String,
    pub id: i64,
    pub version: i64,
    pub state: String,
    pub state_key: &'static str,
    pub viewer: &'static str,
    pub is_alumnus: bool,
    pub is_agency: bool,
    pub is_partner: bool,
    pub alert: Option<String>,
    pub notice: Option<String>,
    pub summary: Vec<Fact>,
    pub plan: Vec<(String, String)>,
    pub plan_total: String,
    pub reason: String,
    pub decision: Vec<Fact>,
    pub actions: Vec<ActionButton>,
    pub reason_echo: Echo,
    pub edit: Option<RequestForm>,
    pub documents: Vec<DocumentRow>,
    pub missing: Vec<String>,
    pub upload_kinds: Vec<Choice>,
    pub can_upload: bool,
    pub upload_error: Option<String>,
    pub verdict: Option<VerdictView>,
    pub consent: Option<ConsentView>,
    pub dossier: Option<DossierView>,
    pub can_reveal_nik: bool,
    pub nik: Option<String>,
    pub approve: Option<Echo>,
    pub disburse: Option<Echo>,
    pub repayment: Option<Echo>,
    pub repayment_statuses: Vec<Choice>,
    pub approve_hint: String,
    /// The partner's decision forms sit below the dossier; the top of the page says so.
    pub decide_below: bool,
    pub events: Vec<EventRow>,
    pub consents: Vec<Fact>,
    pub repayments: Vec<Fact>,
    pub outcome: Vec<Fact>,
}

/// A count with its label and the list it filters to.
pub struct Count {
    pub label: String,
    pub n: usize,
    pub href: String,
}

#[derive(Template)]
#[template(path = "capital/admin.html")]
pub struct AdminPage {
    pub layout: Layout,
    pub by_state: Vec<Count>,
    pub by_partner: Vec<Count>,
    pub by_trade: Vec<Count>,
    pub by_kecamatan: Vec<Count>,
    pub approval_rate: String,
    pub amounts: Vec<Fact>,
    pub medians: Vec<Fact>,
    pub outcomes: Vec<OutcomeRow>,
    pub filter: String,
    pub applications: Vec<ApplicationRow>,
    pub partners: Vec<Choice>,
}

pub struct OutcomeRow {
    pub href: String,
    pub applicant: String,
    pub program: String,
    pub disbursed: String,
    pub before: String,
    pub after_6: String,
    pub after_12: String,
}

#[derive(Template)]
#[template(path = "capital/admin_programs.html")]
pub struct AdminProgramsPage {
    pub layout: Layout,
    pub programs: Vec<ProgramCard>,
}

#[derive(Template)]
#[template(path = "capital/program_form.html")]
pub struct ProgramFormPage {
    pub layout: Layout,
    pub id: Option<i64>,
    pub version: i64,
    pub echo: Echo,
    pub partners: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub documents: Vec<Choice>,
    pub trades: Vec<Choice>,
    pub kecamatan: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "capital/settings.html")]
pub struct SettingsPage {
    pub layout: Layout,
    pub echo: Echo,
    pub fields: Vec<(String, String)>,
    pub saved: bool,
}

/// A section of the partner's to-do list.
pub struct Todo {
    pub title: String,
    pub hint: String,
    pub rows: Vec<ApplicationRow>,
}

#[derive(Template)]
#[template(path = "capital/partner.html")]
pub struct PartnerPage {
    pub layout: Layout,
    pub partner: String,
    pub todo: Vec<Todo>,
    pub all: Vec<ApplicationRow>,
}

pub struct PartnerRow {
    pub name: String,
    pub kind: String,
    pub contact: String,
    pub programs: usize,
}

#[derive(Template)]
#[template(path = "capital/partners.html")]
pub struct PartnersPage {
    pub layout: Layout,
    pub partners: Vec<PartnerRow>,
    pub echo: Echo,
    pub kinds: Vec<Choice>,
}
