//! The tracer's settings as the agency edits them: the waves (months after a batch ends), how
//! long a link works after its wave opens, the reminders' interval and number, and the UMK per
//! year.

use std::collections::BTreeMap;

use crate::domain::user::FieldErrors;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Months after the batch's end, strictly increasing, each 1..=120.
    pub waves: Vec<i64>,
    /// Days a link works after its wave opens.
    pub window_days: i64,
    /// Days between reminders.
    pub reminder_days: i64,
    pub max_reminders: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            waves: vec![1, 3, 6, 12],
            window_days: 30,
            reminder_days: 7,
            max_reminders: 2,
        }
    }
}

fn parse_waves(raw: &str) -> Result<Vec<i64>, String> {
    let mut waves = Vec::new();
    for part in raw
        .split([',', ' ', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match part.parse::<i64>() {
            Ok(n) if (1..=120).contains(&n) => waves.push(n),
            _ => return Err(format!("\u{201c}{part}\u{201d} bukan bulan 1 sampai 120.")),
        }
    }
    if waves.is_empty() {
        return Err("Isi paling sedikit satu gelombang, misalnya 1, 3, 6, 12.".into());
    }
    if waves.windows(2).any(|w| w[0] >= w[1]) {
        return Err("Gelombang harus urut naik tanpa ulangan, misalnya 1, 3, 6, 12.".into());
    }
    Ok(waves)
}

fn number(raw: &str, range: std::ops::RangeInclusive<i64>) -> Option<i64> {
    raw.trim().parse::<i64>().ok().filter(|n| range.contains(n))
}

impl Settings {
    /// Stored values; a missing or unreadable one takes the default.
    pub fn from_stored(stored: &BTreeMap<String, String>) -> Settings {
        let d = Settings::default();
        let get = |k: &str, range, default| {
            stored
                .get(k)
                .and_then(|v| number(v, range))
                .unwrap_or(default)
        };
        Settings {
            waves: stored
                .get("waves")
                .and_then(|w| parse_waves(w).ok())
                .unwrap_or(d.waves),
            window_days: get("window_days", 1..=365, d.window_days),
            reminder_days: get("reminder_days", 1..=90, d.reminder_days),
            max_reminders: get("max_reminders", 0..=10, d.max_reminders),
        }
    }

    /// The pairs stored.
    pub fn to_stored(&self) -> Vec<(&'static str, String)> {
        vec![
            ("waves", self.waves_text()),
            ("window_days", self.window_days.to_string()),
            ("reminder_days", self.reminder_days.to_string()),
            ("max_reminders", self.max_reminders.to_string()),
        ]
    }

    pub fn waves_text(&self) -> String {
        self.waves
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn parse(
        waves: &str,
        window: &str,
        reminder: &str,
        max: &str,
    ) -> Result<Settings, FieldErrors> {
        let mut errors = FieldErrors::new();
        let waves = parse_waves(waves)
            .map_err(|m| errors.push(("waves", m)))
            .unwrap_or_default();
        let mut one =
            |field: &'static str, raw: &str, range: std::ops::RangeInclusive<i64>, label: &str| {
                number(raw, range.clone()).unwrap_or_else(|| {
                    errors.push((
                        field,
                        format!(
                            "{label} harus angka {} sampai {}.",
                            range.start(),
                            range.end()
                        ),
                    ));
                    0
                })
            };
        let s = Settings {
            window_days: one("window_days", window, 1..=365, "Masa berlaku tautan"),
            reminder_days: one("reminder_days", reminder, 1..=90, "Jarak pengingat"),
            max_reminders: one("max_reminders", max, 0..=10, "Jumlah pengingat"),
            waves,
        };
        if errors.is_empty() {
            Ok(s)
        } else {
            Err(errors)
        }
    }
}

/// A UMK as the agency types it: the year and the monthly amount in whole Rupiah.
pub fn parse_umk(year: &str, amount: &str) -> Result<(i64, i64), FieldErrors> {
    let mut errors = FieldErrors::new();
    let year = number(year, 2000..=2100).unwrap_or_else(|| {
        errors.push(("umk_year", "Tahun UMK harus tahun 2000 sampai 2100.".into()));
        0
    });
    let amount = match crate::domain::rupiah::Rupiah::parse(amount) {
        Ok(r) if r.amount() > 0 => r.amount(),
        _ => {
            errors.push((
                "umk_amount",
                "UMK harus jumlah Rupiah lebih dari 0, misalnya 3.486.521.".into(),
            ));
            0
        }
    };
    if errors.is_empty() {
        Ok((year, amount))
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waves_must_increase_within_ten_years() {
        assert_eq!(
            Settings::parse("1, 3,6 12", "30", "7", "2").unwrap(),
            Settings::default()
        );
        let e = Settings::parse("1, 6, 3", "0", "7", "2").unwrap_err();
        assert_eq!(
            e.iter().map(|(f, _)| *f).collect::<Vec<_>>(),
            vec!["waves", "window_days"]
        );
        assert!(Settings::parse("1, 1", "30", "7", "2").is_err());
        assert!(Settings::parse("121", "30", "7", "2").is_err());
        assert_eq!(
            Settings::from_stored(&BTreeMap::from([("waves".into(), "6, 2".into())])),
            Settings::default()
        );
    }

    #[test]
    fn umk_is_a_year_and_a_positive_amount() {
        assert_eq!(parse_umk("2027", "Rp3.700.000").unwrap(), (2027, 3_700_000));
        let e = parse_umk("1999", "0").unwrap_err();
        assert_eq!(e.len(), 2);
    }
}
