//! A tax deposit's references: the billing code the treasurer makes before paying a tax to the
//! state (kode billing, 15 digits) and the NTPN the bank or post office gives once it is paid
//! (Nomor Transaksi Penerimaan Negara, 16 letters and digits). Both are typed as people copy
//! them, with spaces or dashes, and stored without.

use std::fmt;

/// The characters people put between groups, dropped before checking.
fn compact(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '.')
        .collect()
}

/// A kode billing: 15 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingCode(String);

impl BillingCode {
    pub fn parse(raw: &str) -> Result<BillingCode, &'static str> {
        let s = compact(raw);
        if s.is_empty() {
            return Err("Tulis kode billing.");
        }
        if !s.chars().all(|c| c.is_ascii_digit()) {
            return Err("Kode billing hanya berisi angka.");
        }
        if s.len() != 15 {
            return Err("Kode billing terdiri atas 15 angka.");
        }
        Ok(BillingCode(s))
    }

    /// Empty text is no code yet.
    pub fn parse_optional(raw: &str) -> Result<Option<BillingCode>, &'static str> {
        if compact(raw).is_empty() {
            Ok(None)
        } else {
            BillingCode::parse(raw).map(Some)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BillingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An NTPN: 16 letters and digits, stored upper case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ntpn(String);

impl Ntpn {
    pub fn parse(raw: &str) -> Result<Ntpn, &'static str> {
        let s = compact(raw).to_uppercase();
        if s.is_empty() {
            return Err("Tulis NTPN.");
        }
        if !s.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err("NTPN hanya berisi huruf dan angka.");
        }
        if s.chars().count() != 16 {
            return Err("NTPN terdiri atas 16 huruf dan angka.");
        }
        Ok(Ntpn(s))
    }

    /// Empty text is no NTPN yet.
    pub fn parse_optional(raw: &str) -> Result<Option<Ntpn>, &'static str> {
        if compact(raw).is_empty() {
            Ok(None)
        } else {
            Ntpn::parse(raw).map(Some)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Ntpn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn billing_codes() {
        assert_eq!(
            BillingCode::parse("0123 4567 8901 234").unwrap().as_str(),
            "012345678901234"
        );
        assert_eq!(
            BillingCode::parse("012-345-678-901-234")
                .unwrap()
                .to_string(),
            "012345678901234"
        );
        assert_eq!(BillingCode::parse(""), Err("Tulis kode billing."));
        assert_eq!(
            BillingCode::parse("01234567890123"),
            Err("Kode billing terdiri atas 15 angka.")
        );
        assert_eq!(
            BillingCode::parse("0123456789012345"),
            Err("Kode billing terdiri atas 15 angka.")
        );
        assert_eq!(
            BillingCode::parse("01234567890123A"),
            Err("Kode billing hanya berisi angka.")
        );
        assert_eq!(BillingCode::parse_optional("  "), Ok(None));
        assert!(BillingCode::parse_optional("1").is_err());
    }

    #[test]
    fn ntpns() {
        assert_eq!(
            Ntpn::parse("a1b2 c3d4 e5f6 0718").unwrap().as_str(),
            "A1B2C3D4E5F60718"
        );
        assert_eq!(Ntpn::parse(""), Err("Tulis NTPN."));
        assert_eq!(
            Ntpn::parse("A1B2C3D4E5F6071"),
            Err("NTPN terdiri atas 16 huruf dan angka.")
        );
        assert_eq!(
            Ntpn::parse("A1B2C3D4E5F6071/"),
            Err("NTPN hanya berisi huruf dan angka.")
        );
        assert_eq!(
            Ntpn::parse("A1B2C3D4E5F6071É"),
            Err("NTPN hanya berisi huruf dan angka.")
        );
        assert_eq!(Ntpn::parse_optional(""), Ok(None));
    }
}
