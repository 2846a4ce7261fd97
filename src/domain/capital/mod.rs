//! Capital: partners' programs, who is eligible for them, and how an application moves from
//! draft to disbursement and repayment. Pure rules; `app::capital` runs them.

pub mod activity;
pub mod record;
