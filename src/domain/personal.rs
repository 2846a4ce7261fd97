//! Personal identifiers (UU PDP 27/2022) where they must not appear in full: masked to the
//! first and last four digits. The audit log is append-only and travels into every backup, so
//! whatever reaches it is masked here, once, whoever wrote the entry.

use std::borrow::Cow;

/// `1507••••••••0003`: the first four and last four digits, a dot for each digit between.
/// Fewer than nine digits show nothing but dots.
pub fn mask_digits(text: &str) -> String {
    let digits: Vec<char> = text.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 9 {
        return "•".repeat(digits.len().max(4));
    }
    let n = digits.len();
    let head: String = digits[..4].iter().collect();
    let tail: String = digits[n - 4..].iter().collect();
    format!("{head}{}{tail}", "•".repeat(n - 8))
}

/// Summary fields that hold a personal identifier, whatever their value looks like.
const PERSONAL_KEYS: &[&str] = &[
    "nik",
    "npwp",
    "nip",
    "phone",
    "whatsapp",
    "bank_account",
    "username",
];

/// Separators people write inside numbers: `+62 812-3456-7890`, `01.234.567.8-901.000`.
fn is_number_like(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '.' | '\''))
}

fn digit_count(text: &str) -> usize {
    text.chars().filter(char::is_ascii_digit).count()
}

/// Runs this long are masked wherever they stand: NIK and NPWP (15–16 digits), NIP (18).
const ALWAYS_MASKED_RUN: usize = 15;

/// A value that is a phone number, NIK, NPWP, NIP or account number written on its own (at
/// least ten digits, nothing but digits and separators) is masked, and so is any run of 15
/// digits or more inside other text; anything else is kept.
pub fn mask_identifier(text: &str) -> Cow<'_, str> {
    if digit_count(text) >= 10 && is_number_like(text) {
        return mask_digits(text).into();
    }
    let mut out = String::new();
    let mut run = String::new();
    let mut changed = false;
    for c in text.chars().chain(std::iter::once('\0')) {
        if c.is_ascii_digit() {
            run.push(c);
            continue;
        }
        if run.len() >= ALWAYS_MASKED_RUN {
            out.push_str(&mask_digits(&run));
            changed = true;
        } else {
            out.push_str(&run);
        }
        run.clear();
        if c != '\0' {
            out.push(c);
        }
    }
    if changed { out.into() } else { text.into() }
}

/// Masks every personal identifier in an audit summary: values under a personal field's name,
/// and anywhere a value that is an identifier on its own (see [`mask_identifier`]). Amounts are
/// JSON numbers and are left alone.
pub fn mask_in_summary(value: &mut serde_json::Value) {
    mask_value(value, false);
}

fn mask_value(value: &mut serde_json::Value, personal: bool) {
    use serde_json::Value;
    match value {
        Value::String(s) => {
            // A value masked already keeps eight digits: it stays as it is.
            let masked = if personal && digit_count(s) >= 9 {
                Some(mask_digits(s))
            } else {
                match mask_identifier(s) {
                    Cow::Owned(m) => Some(m),
                    Cow::Borrowed(_) => None,
                }
            };
            if let Some(m) = masked {
                *s = m;
            }
        }
        Value::Number(n) if personal && digit_count(&n.to_string()) >= 9 => {
            *value = Value::String(mask_digits(&n.to_string()))
        }
        Value::Array(items) => items.iter_mut().for_each(|v| mask_value(v, personal)),
        Value::Object(fields) => {
            for (key, v) in fields.iter_mut() {
                mask_value(v, personal || PERSONAL_KEYS.contains(&key.as_str()));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn digits_keep_four_at_each_end() {
        assert_eq!(mask_digits("1507015205980003"), "1507••••••••0003");
        assert_eq!(mask_digits("+62 812-7000-5555"), "6281•••••5555");
        assert_eq!(mask_digits("01.234.567.8-901.000"), "0123•••••••1000");
        assert_eq!(mask_digits("1234"), "••••");
    }

    #[test]
    fn summaries_lose_every_identifier_and_keep_the_rest() {
        let mut s = json!({
            "before": {"phone": "+6281270005555", "nik": "1507••••••••0999", "address": "Jl. Pelabuhan RT 03"},
            "after": {"npwp": "1507015205980003", "bank_account": "0012345678", "pkp": true},
            "note": "3201234567890001",
            "username": "6281234567890",
            "amount": 2_500_000_000_i64,
            "budget_text": "Rp2.500.000.000",
            "order": "KRY-2026-000123",
            "date": "2026-12-07",
            "lines": ["+62 852 6600 1234", "kue bolu"],
        });
        mask_in_summary(&mut s);
        assert_eq!(s["before"]["phone"], "6281•••••5555");
        assert_eq!(s["before"]["nik"], "1507••••••••0999");
        assert_eq!(s["before"]["address"], "Jl. Pelabuhan RT 03");
        assert_eq!(s["after"]["npwp"], "1507••••••••0003");
        assert_eq!(s["after"]["bank_account"], "0012••5678");
        assert_eq!(s["after"]["pkp"], true);
        assert_eq!(s["note"], "3201••••••••0001");
        assert_eq!(s["username"], "6281•••••7890");
        assert_eq!(s["amount"], 2_500_000_000_i64);
        assert_eq!(s["budget_text"], "Rp2.500.000.000");
        assert_eq!(s["order"], "KRY-2026-000123");
        assert_eq!(s["date"], "2026-12-07");
        assert_eq!(s["lines"][0], "6285•••••1234");
        assert_eq!(s["lines"][1], "kue bolu");
        assert_eq!(mask_identifier("admin"), "admin");
        assert_eq!(
            mask_identifier("NIK 1507015205980003 di catatan"),
            "NIK 1507••••••••0003 di catatan"
        );
        assert_eq!(
            mask_identifier("ID151100003220760224"),
            "ID1511••••••••••0224"
        );
        assert_eq!(
            mask_identifier("Rp2.500.000.000 (12 item)"),
            "Rp2.500.000.000 (12 item)"
        );
        assert_eq!(mask_identifier("6281234567890"), "6281•••••7890");
    }
}
