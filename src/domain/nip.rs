//! NIP (Nomor Induk Pegawai), the 18-digit civil servant number printed under an officer's name
//! on procurement documents: birth date `YYYYMMDD`, appointment (TMT CPNS) `YYYYMM`, gender
//! digit (1 man, 2 woman), and a 3-digit sequence. PP 11/2017 and BKN rules; the same shape
//! serves the NI PPPK.

use time::{Date, Month};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nip(String);

impl Nip {
    /// Shape rules: 18 digits (spaces, dots and dashes between groups are tolerated); a real
    /// birth date; an appointment month 1–12 at least 17 years after the birth year and not
    /// after 2100; gender digit 1 or 2; sequence not 000.
    pub fn parse(raw: &str) -> Result<Nip, &'static str> {
        let cleaned: String = raw
            .trim()
            .trim_start_matches('\'')
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
            .collect();
        if cleaned.is_empty() {
            return Err("NIP wajib diisi.");
        }
        if !cleaned.chars().all(|c| c.is_ascii_digit()) {
            return Err("NIP hanya boleh berisi angka.");
        }
        if cleaned.len() != 18 {
            return Err("NIP harus 18 digit.");
        }
        let num = |from: usize, to: usize| cleaned[from..to].parse::<i32>().unwrap_or(-1);
        let (birth_year, birth_month, birth_day) = (num(0, 4), num(4, 6), num(6, 8));
        let birth = Month::try_from(u8::try_from(birth_month).unwrap_or(0))
            .ok()
            .and_then(|m| {
                Date::from_calendar_date(birth_year, m, u8::try_from(birth_day).ok()?).ok()
            })
            .filter(|_| (1940..=2015).contains(&birth_year));
        if birth.is_none() {
            return Err("Digit 1–8 NIP harus tanggal lahir yang valid (TTTTBBHH).");
        }
        let (tmt_year, tmt_month) = (num(8, 12), num(12, 14));
        if !(1..=12).contains(&tmt_month) || tmt_year < birth_year + 17 || tmt_year > 2100 {
            return Err("Digit 9–14 NIP harus tahun dan bulan pengangkatan yang valid (TTTTBB).");
        }
        if !matches!(&cleaned[14..15], "1" | "2") {
            return Err("Digit ke-15 NIP (jenis kelamin) harus 1 atau 2.");
        }
        if &cleaned[15..18] == "000" {
            return Err("Tiga digit terakhir NIP (nomor urut) tidak boleh 000.");
        }
        Ok(Nip(cleaned))
    }

    /// An optional NIP: empty input is `None`.
    pub fn parse_optional(raw: &str) -> Result<Option<Nip>, &'static str> {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            Nip::parse(raw).map(Some)
        }
    }

    /// The 18 digits, as stored.
    /// Whether the gender digit (the 15th) says a woman (2) rather than a man (1).
    pub fn is_woman(&self) -> bool {
        &self.0[14..15] == "2"
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As printed on documents: `19800101 200501 1 001`.
    pub fn grouped(&self) -> String {
        grouped(&self.0)
    }
}

/// A stored NIP in its printed groups; anything that is not 18 digits is returned as it is.
pub fn grouped(digits: &str) -> String {
    if digits.len() == 18 && digits.chars().all(|c| c.is_ascii_digit()) {
        format!(
            "{} {} {} {}",
            &digits[0..8],
            &digits[8..14],
            &digits[14..15],
            &digits[15..18]
        )
    } else {
        digits.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_valid_nip_with_or_without_spaces() {
        let nip = Nip::parse("19800101 200501 1 001").expect("valid");
        assert_eq!(nip.as_str(), "198001012005011001");
        assert_eq!(nip.grouped(), "19800101 200501 1 001");
        assert_eq!(
            Nip::parse("198507142010122002").expect("valid").as_str(),
            "198507142010122002"
        );
        assert_eq!(
            Nip::parse("'19850714.201012.2.002")
                .expect("valid")
                .as_str(),
            "198507142010122002"
        );
    }

    #[test]
    fn refuses_bad_shapes_with_their_message() {
        assert_eq!(Nip::parse(""), Err("NIP wajib diisi."));
        assert_eq!(Nip::parse("1980010120050110"), Err("NIP harus 18 digit."));
        assert_eq!(
            Nip::parse("1980010120050110012"),
            Err("NIP harus 18 digit.")
        );
        assert_eq!(
            Nip::parse("19800101200501100A"),
            Err("NIP hanya boleh berisi angka.")
        );
    }

    #[test]
    fn refuses_impossible_dates_gender_and_sequence() {
        // 31 February.
        assert!(
            Nip::parse("198002312005011001")
                .unwrap_err()
                .contains("tanggal lahir")
        );
        // Born in 1900.
        assert!(
            Nip::parse("190001012005011001")
                .unwrap_err()
                .contains("tanggal lahir")
        );
        // Appointed in month 13.
        assert!(
            Nip::parse("198001012005131001")
                .unwrap_err()
                .contains("pengangkatan")
        );
        // Appointed at 10 years old.
        assert!(
            Nip::parse("198001011990011001")
                .unwrap_err()
                .contains("pengangkatan")
        );
        assert!(
            Nip::parse("198001012005013001")
                .unwrap_err()
                .contains("jenis kelamin")
        );
        assert!(
            Nip::parse("198001012005011000")
                .unwrap_err()
                .contains("nomor urut")
        );
    }

    #[test]
    fn optional_nip_is_none_when_empty() {
        assert_eq!(Nip::parse_optional("  "), Ok(None));
        assert_eq!(
            Nip::parse_optional("198001012005011001").map(|n| n.map(|n| n.grouped())),
            Ok(Some("19800101 200501 1 001".to_owned()))
        );
        assert!(Nip::parse_optional("123").is_err());
    }

    #[test]
    fn grouping_leaves_other_text_alone() {
        assert_eq!(grouped("123"), "123");
        assert_eq!(grouped(""), "");
    }
}
