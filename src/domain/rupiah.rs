//! Money: whole Rupiah in a 64-bit integer, never negative, never a float.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Rupiah(i64);

impl Rupiah {
    pub fn new(amount: i64) -> Result<Rupiah, &'static str> {
        if amount < 0 {
            Err("Jumlah uang tidak boleh negatif.")
        } else {
            Ok(Rupiah(amount))
        }
    }

    /// Parses what people type: `1.250.000`, `Rp 1.250.000`, `1250000`. A comma or a dot
    /// followed by fewer than three digits (cents) is refused: amounts are whole Rupiah.
    pub fn parse(raw: &str) -> Result<Rupiah, &'static str> {
        let s = raw.trim();
        let s = s
            .strip_prefix("Rp")
            .or_else(|| s.strip_prefix("rp"))
            .or_else(|| s.strip_prefix("RP"))
            .unwrap_or(s)
            .trim()
            .trim_start_matches('.')
            .trim();
        if s.is_empty() {
            return Err("Jumlah wajib diisi.");
        }
        if s.contains(',') {
            return Err("Tulis jumlah dalam rupiah utuh tanpa sen, misalnya 1.250.000.");
        }
        let groups: Vec<&str> = s.split('.').collect();
        if groups.len() > 1 && groups[1..].iter().any(|g| g.len() != 3) {
            return Err("Tulis jumlah dalam rupiah utuh, misalnya 1.250.000.");
        }
        let digits: String = groups.concat();
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err("Jumlah hanya boleh berisi angka.");
        }
        digits
            .parse::<i64>()
            .map_err(|_| "Jumlah terlalu besar.")
            .and_then(Rupiah::new)
    }

    pub fn amount(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Rupiah) -> Option<Rupiah> {
        self.0.checked_add(other.0).map(Rupiah)
    }
}

/// `Rp1.250.000`: EYD spelling, no space between the symbol and the amount.
impl fmt::Display for Rupiah {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_rupiah(self.0))
    }
}

/// Any whole-Rupiah amount as people read it, in EYD spelling (`Rp1.250.000`, negative
/// `-Rp1.250.000`): the one formatter for screens, documents and exports.
pub fn format_rupiah(amount: i64) -> String {
    let grouped = group_thousands(amount);
    match grouped.strip_prefix('-') {
        Some(digits) => format!("-Rp{digits}"),
        None => format!("Rp{grouped}"),
    }
}

/// An amount for a headline figure, without the currency: `123 juta`, `1,3 miliar`; below a
/// million the full amount (`437.500`).
pub fn short_amount(amount: i64) -> String {
    let (unit, size) = if amount >= 999_500_000 {
        ("miliar", 1_000_000_000)
    } else if amount >= 1_000_000 {
        ("juta", 1_000_000)
    } else {
        return group_thousands(amount);
    };
    // One decimal below 100 units, none above; a comma as the decimal sign.
    let whole = (amount.saturating_add(size / 2)) / size;
    let tenths = (amount.saturating_mul(10).saturating_add(size / 2)) / size;
    if whole >= 100 || tenths % 10 == 0 {
        format!("{whole} {unit}")
    } else {
        format!("{},{} {unit}", tenths / 10, tenths % 10)
    }
}

/// `1250000` → `1.250.000`
pub fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_the_indonesian_way() {
        assert_eq!(Rupiah::new(1_250_000).unwrap().to_string(), "Rp1.250.000");
        assert_eq!(Rupiah::new(0).unwrap().to_string(), "Rp0");
        assert_eq!(Rupiah::new(999).unwrap().to_string(), "Rp999");
        assert_eq!(format_rupiah(1_250_000), "Rp1.250.000");
        assert_eq!(format_rupiah(-1_250_000), "-Rp1.250.000");
        assert_eq!(format_rupiah(i64::MIN), "-Rp9.223.372.036.854.775.808");
        assert_eq!(group_thousands(1000), "1.000");
    }

    #[test]
    fn parses_what_people_type() {
        for raw in ["1.250.000", "Rp 1.250.000", "1250000", " rp1.250.000 "] {
            assert_eq!(Rupiah::parse(raw).unwrap().amount(), 1_250_000, "{raw}");
        }
        for raw in [
            "",
            "1,5",
            "12.50",
            "-5",
            "satu juta",
            "99999999999999999999",
        ] {
            assert!(Rupiah::parse(raw).is_err(), "{raw}");
        }
    }
}
