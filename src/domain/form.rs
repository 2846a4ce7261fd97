//! Small helpers shared by the forms' `parse` functions (register, storefront): cleaning typed
//! text and the Indonesian messages for required and over-long fields.

use super::user::FieldErrors;

/// Whitespace runs collapsed to one space, ends trimmed.
pub fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A one-line text field, cleaned; a message when it is required and empty, or longer than `max`
/// characters.
pub fn text(
    errors: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    label: &str,
    required: bool,
    max: usize,
) -> String {
    let v = clean(raw);
    if v.is_empty() && required {
        errors.push((field, format!("{label} wajib diisi.")));
    } else if v.chars().count() > max {
        errors.push((field, format!("{label} maksimal {max} karakter.")));
    }
    v
}
