//! Use cases: one function for each thing a person (or the clock) does with Karya.
//!
//! A use case takes typed input, opens the transaction, asks the domain what may happen, stores
//! through `db`, writes the audit entry, queues the notifications (their words are composed here
//! or in `views`, never in `db`), commits, and returns a typed result or an [`AppError`].
//! Handlers in `web` parse a request, call one use case, and render or redirect; they never open
//! a transaction. `db` never imports from here.
//!
//! One module per capability.

pub mod accounts;
pub mod capital;
pub mod catalog;
pub mod imports;
pub mod notifications;
pub mod offices;
pub mod orders;
pub mod outcomes;
pub mod procurement;
pub mod register;
pub mod storefronts;
pub mod tracer;
pub mod track_record;
pub mod words;

use crate::db::DbError;
use crate::domain::Refusal;

/// Why a use case did not happen. The web layer turns each case into an Indonesian page.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The record does not exist, or this party may not know it exists.
    #[error("not found")]
    NotFound,
    /// The party may not use this at all (a role or ownership rule).
    #[error("forbidden")]
    Forbidden,
    /// The domain refuses this step now; the refusal says why, in words for the user.
    #[error("{0}")]
    Refused(Refusal),
    /// Someone changed the record meanwhile (a stale page, or the losing side of a race).
    #[error("Data ini baru saja diubah pihak lain; muat ulang halaman.")]
    Stale,
    /// A uniqueness rule of the storage, by constraint name, that the use case did not expect.
    #[error("conflict on {0}")]
    Conflict(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("internal: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// A refusal by a domain rule, with its words.
    pub fn refused(refusal: impl Into<Refusal>) -> AppError {
        AppError::Refused(refusal.into())
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => AppError::NotFound,
            DbError::Conflict(name) => AppError::Conflict(name),
            DbError::Stale => AppError::Stale,
            DbError::Unavailable(m) => AppError::Unavailable(m),
            DbError::Other(m) => AppError::Internal(m),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        DbError::from(e).into()
    }
}

/// A use case fed by a form: either the form's messages by field (shown again, nothing stored),
/// or an [`AppError`].
#[derive(Debug)]
pub enum FormError {
    Fields(crate::domain::user::FieldErrors),
    App(AppError),
}

pub type FormResult<T> = Result<T, FormError>;

impl FormError {
    /// One message on one field.
    pub fn field(name: &'static str, message: impl Into<String>) -> FormError {
        FormError::Fields(vec![(name, message.into())])
    }
}

impl From<AppError> for FormError {
    fn from(e: AppError) -> Self {
        FormError::App(e)
    }
}

impl From<DbError> for FormError {
    fn from(e: DbError) -> Self {
        FormError::App(e.into())
    }
}

impl From<sqlx::Error> for FormError {
    fn from(e: sqlx::Error) -> Self {
        FormError::App(e.into())
    }
}
