//! NPWP, the taxpayer number. Since 2024 an individual's NPWP is their NIK, so it is personal
//! data like the NIK: stored sealed with the data key, shown masked to anyone but its owner,
//! and never written to the audit log in full.

/// 15 digits (the old format, often written `01.234.567.8-901.000`) or 16 (NIK-based).
#[derive(Clone, PartialEq, Eq)]
pub struct Npwp(String);

impl std::fmt::Debug for Npwp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Npwp({})", self.masked())
    }
}

impl Npwp {
    /// The digits of what was typed; separators people write are tolerated.
    pub fn parse(raw: &str) -> Result<Npwp, &'static str> {
        let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        let only_separators = raw
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | ' ' | '\''));
        if !only_separators || (digits.len() != 15 && digits.len() != 16) {
            return Err("NPWP terdiri dari 15 angka (format lama) atau 16 angka (NIK/NPWP baru).");
        }
        Ok(Npwp(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        super::personal::mask_digits(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_formats_are_read_and_masked() {
        let old = Npwp::parse("01.234.567.8-901.000").unwrap();
        assert_eq!(old.as_str(), "012345678901000");
        assert_eq!(old.masked(), "0123•••••••1000");
        let new = Npwp::parse("1507 0152 0598 0003").unwrap();
        assert_eq!(new.as_str(), "1507015205980003");
        assert_eq!(format!("{new:?}"), "Npwp(1507••••••••0003)");
        for bad in ["12345", "1507015205980003 1", "NPWP 1507015205980003", ""] {
            assert!(Npwp::parse(bad).is_err(), "{bad}");
        }
    }
}
