//! Indonesian mobile numbers, normalised to +62.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// Accepts `0812…`, `812…` (a number whose leading 0 a spreadsheet dropped), `62812…`,
    /// `+62 812-…`, with spaces, dots and dashes. Rejects anything that cannot be an Indonesian
    /// mobile number (mobile numbers start with 8 after the country code, 9–12 digits after it).
    pub fn parse(raw: &str) -> Result<Phone, &'static str> {
        let trimmed = raw.trim().trim_start_matches('\'');
        if trimmed.is_empty() {
            return Err("Nomor WhatsApp wajib diisi.");
        }
        if trimmed
            .chars()
            .any(|c| !(c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '.' | '(' | ')')))
        {
            return Err("Nomor WhatsApp hanya boleh berisi angka.");
        }
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        let national = if let Some(rest) = digits.strip_prefix("62") {
            rest
        } else if let Some(rest) = digits.strip_prefix('0') {
            rest
        } else {
            digits.as_str()
        };
        if !national.starts_with('8') || !(9..=12).contains(&national.len()) {
            return Err(
                "Nomor WhatsApp bukan nomor seluler Indonesia yang valid (contoh: 0812 3456 7890).",
            );
        }
        Ok(Phone(format!("+62{national}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Digits only, for wa.me links.
    pub fn wa_digits(&self) -> &str {
        &self.0[1..]
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_the_ways_people_type_numbers() {
        for raw in [
            "0812-3456-7890",
            "+62 812 3456 7890",
            "6281234567890",
            "81234567890",
            "'081234567890",
        ] {
            assert_eq!(
                Phone::parse(raw).unwrap().as_str(),
                "+6281234567890",
                "{raw}"
            );
        }
    }

    #[test]
    fn rejects_what_is_not_a_mobile_number() {
        for raw in [
            "",
            "0741-21234",
            "12345",
            "08123",
            "0812345678901234",
            "0812abc7890",
        ] {
            assert!(Phone::parse(raw).is_err(), "{raw}");
        }
    }
}
