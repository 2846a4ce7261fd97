//! Small helpers shared by the forms' `parse` functions (register, storefront): cleaning typed
//! text and the Indonesian messages for required and over-long fields.

use super::rupiah::Rupiah;
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

/// Like `form::text` but keeps line breaks (descriptions): each line cleaned, blank runs collapsed.
pub fn paragraphs(
    errors: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    label: &str,
    max: usize,
) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in raw.lines().map(clean) {
        if line.is_empty() && lines.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let v = lines.join("\n");
    if v.chars().count() > max {
        errors.push((field, format!("{label} maksimal {max} karakter.")));
    }
    v
}

/// An optional whole number typed into a form, within `min..=max`; `default` when left empty.
pub fn whole(
    errors: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    label: &str,
    min: i64,
    max: i64,
    default: i64,
) -> i64 {
    let t = raw.trim();
    if t.is_empty() {
        return default;
    }
    match t.replace('.', "").parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => n,
        Ok(_) => {
            errors.push((field, format!("{label} harus antara {min} dan {max}.")));
            default
        }
        Err(_) => {
            errors.push((field, format!("{label} harus berupa angka bulat.")));
            default
        }
    }
}

/// An optional amount of money typed into a form: above Rp0 and at most `max`.
pub fn money(
    errors: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    label: &str,
    max: i64,
) -> Option<Rupiah> {
    if raw.trim().is_empty() {
        return None;
    }
    match Rupiah::parse(raw) {
        Ok(r) if r.amount() == 0 => {
            errors.push((field, format!("{label} harus lebih dari Rp0.")));
            None
        }
        Ok(r) if r.amount() > max => {
            errors.push((field, format!("{label} terlalu besar.")));
            None
        }
        Ok(r) => Some(r),
        Err(e) => {
            errors.push((field, format!("{label}: {e}")));
            None
        }
    }
}
