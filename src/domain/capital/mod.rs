//! Capital: partners' programs, who is eligible for them, and how an application moves from
//! draft to disbursement and repayment. Pure rules; `app::capital` runs them.

pub mod activity;
pub mod application;
pub mod dossier;
pub mod eligibility;
pub mod plan;
pub mod program;
pub mod record;
pub mod settings;
pub mod sikp;
