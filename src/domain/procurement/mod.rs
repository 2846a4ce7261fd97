//! Office procurement: service requests from government offices (OPD) to alumni businesses,
//! the rotation that proposes providers, documents, tax and payment.

pub mod catalog;
pub mod deposit;
pub mod documents;
pub mod office;
pub mod request;
pub mod rotation;
pub mod tax;
pub mod words;

/// One admin-editable setting: its stored key, Indonesian label and help text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettingField {
    pub key: &'static str,
    pub label: &'static str,
    pub help: &'static str,
}
