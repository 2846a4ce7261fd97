//! NIK, the 16-digit national identity number. Personal data (UU 27/2022): stored encrypted,
//! shown masked.

use time::{Date, Month};

#[derive(Clone, PartialEq, Eq)]
pub struct Nik(String);

impl std::fmt::Debug for Nik {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Nik({})", self.masked())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    L,
    P,
}

impl Gender {
    /// `L` or `P`, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::L => "L",
            Gender::P => "P",
        }
    }

    /// `laki-laki` or `perempuan`, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Gender::L => "laki-laki",
            Gender::P => "perempuan",
        }
    }
}

impl Nik {
    /// Shape rules: 16 digits (spaces and a leading apostrophe are tolerated); digits 7–12 a
    /// valid date `DDMMYY`, with 40 added to the day for women. Whether digits 1–6 name an
    /// existing kecamatan is checked against the region list by the caller (`region_code`).
    pub fn parse(raw: &str) -> Result<Nik, &'static str> {
        let cleaned: String = raw
            .trim()
            .trim_start_matches('\'')
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if cleaned.is_empty() {
            return Err("NIK wajib diisi.");
        }
        if !cleaned.chars().all(|c| c.is_ascii_digit()) {
            return Err("NIK hanya boleh berisi angka.");
        }
        if cleaned.len() != 16 {
            return Err("NIK harus 16 digit.");
        }
        let nik = Nik(cleaned);
        if nik.birth_day_month().is_none() {
            return Err("Digit 7–12 NIK bukan tanggal lahir yang valid.");
        }
        Ok(nik)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `15.07.01`: the kecamatan the NIK was issued in.
    pub fn region_code(&self) -> String {
        let d = &self.0;
        format!("{}.{}.{}", &d[0..2], &d[2..4], &d[4..6])
    }

    pub fn gender(&self) -> Gender {
        let day: u8 = self.0[6..8].parse().unwrap_or(0);
        if day > 40 { Gender::P } else { Gender::L }
    }

    fn birth_day_month(&self) -> Option<(u8, Month, u8)> {
        let mut day: u8 = self.0[6..8].parse().ok()?;
        if day > 40 {
            day -= 40;
        }
        let month = Month::try_from(self.0[8..10].parse::<u8>().ok()?).ok()?;
        let yy: u8 = self.0[10..12].parse().ok()?;
        // Validate against a leap year so 29 February is accepted; the century is unknown.
        Date::from_calendar_date(2000, month, day).ok()?;
        Some((day, month, yy))
    }

    /// The birth date digits 7–12 encode: day (40 already taken off for women), month and
    /// two-digit year. The century is not encoded.
    pub fn encoded_birth(&self) -> (u8, Month, u8) {
        // `parse` is the only constructor and rejects NIKs whose digits 7–12 are not a date.
        self.birth_day_month().unwrap_or((1, Month::January, 0))
    }

    /// Whether the encoded birth date can be the given date (two-digit year).
    pub fn matches_birth_date(&self, date: Date) -> bool {
        self.birth_day_month().is_some_and(|(d, m, yy)| {
            d == date.day() && m == date.month() && i32::from(yy) == date.year().rem_euclid(100)
        })
    }

    /// `1507••••••••0003`: the province and kabupaten, and the last four digits only.
    pub fn masked(&self) -> String {
        super::personal::mask_digits(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn accepts_real_shapes() {
        let n = Nik::parse("'1507 0152 0598 0003").unwrap();
        assert_eq!(n.as_str(), "1507015205980003");
        assert_eq!(n.region_code(), "15.07.01");
        assert_eq!(n.gender(), Gender::P);
        assert!(n.matches_birth_date(date!(1998 - 05 - 12)));
        assert!(!n.matches_birth_date(date!(1998 - 05 - 13)));
        assert_eq!(n.masked(), "1507••••••••0003");
        assert_eq!(n.encoded_birth(), (12, Month::May, 98));
        let man = Nik::parse("1507011205980003").unwrap();
        assert_eq!(man.gender(), Gender::L);
        assert_eq!(man.encoded_birth(), (12, Month::May, 98));
        assert_eq!(Gender::P.as_str(), "P");
        assert_eq!(Gender::L.label(), "laki-laki");
    }

    #[test]
    fn rejects_bad_shapes() {
        assert!(Nik::parse("150701120598000").is_err()); // 15 digits: Excel lost one
        assert!(Nik::parse("15070112059800031").is_err());
        assert!(Nik::parse("1507013205980003").is_err()); // day 32
        assert!(Nik::parse("1507011213980003").is_err()); // month 13
        assert!(Nik::parse("1.50701E+15").is_err());
    }
}
