//! How a notification reaches a person: the channels they want besides the app, and their quiet
//! hours in WIB, which may wrap midnight (21:00–06:00). Pure: instants are Unix seconds the
//! caller passes in.

use std::collections::BTreeMap;

const DAY: i64 = 24 * 3600;
/// WIB is UTC+7, with no daylight saving.
const WIB_OFFSET: i64 = 7 * 3600;

/// A time of day in WIB, as minutes after midnight (0..1440).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeOfDay(i64);

impl TimeOfDay {
    /// `21:00`, `6:30`, `21.00` (as Indonesians write it).
    pub fn parse(text: &str) -> Result<TimeOfDay, &'static str> {
        let text = text.trim();
        let (h, m) = text
            .split_once([':', '.'])
            .ok_or("Tulis jam seperti 21:00.")?;
        let h: i64 = h.trim().parse().map_err(|_| "Tulis jam seperti 21:00.")?;
        let m: i64 = m.trim().parse().map_err(|_| "Tulis jam seperti 21:00.")?;
        if !(0..24).contains(&h) || !(0..60).contains(&m) {
            return Err("Jam harus antara 00:00 dan 23:59.");
        }
        Ok(TimeOfDay(h * 60 + m))
    }

    pub fn from_minutes(minutes: i64) -> Option<TimeOfDay> {
        (0..1440).contains(&minutes).then_some(TimeOfDay(minutes))
    }

    pub fn minutes(self) -> i64 {
        self.0
    }
}

impl std::fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// Quiet hours: from `from` (inclusive) until `until` (exclusive), WIB; `from > until` wraps
/// midnight. Never empty: `from == until` is refused on parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub from: TimeOfDay,
    pub until: TimeOfDay,
}

impl QuietHours {
    pub fn new(from: TimeOfDay, until: TimeOfDay) -> Result<QuietHours, &'static str> {
        if from == until {
            return Err("Jam mulai dan jam selesai tidak boleh sama.");
        }
        Ok(QuietHours { from, until })
    }

    /// Minutes after WIB midnight of an instant, and the instant of that WIB midnight.
    fn split(at: i64) -> (i64, i64) {
        let local = at + WIB_OFFSET;
        let midnight = local.div_euclid(DAY) * DAY - WIB_OFFSET;
        ((at - midnight) / 60, midnight)
    }

    /// Whether `at` falls inside the quiet hours.
    pub fn contains(&self, at: i64) -> bool {
        let (minute, _) = Self::split(at);
        let (from, until) = (self.from.0, self.until.0);
        if from < until {
            (from..until).contains(&minute)
        } else {
            minute >= from || minute < until
        }
    }

    /// When a message held at `at` may go: `at` itself outside the quiet hours, otherwise the
    /// quiet hours' end (today's, or tomorrow's when they wrap midnight and `at` is before it).
    pub fn release_at(&self, at: i64) -> i64 {
        if !self.contains(at) {
            return at;
        }
        let (minute, midnight) = Self::split(at);
        let end = midnight + self.until.0 * 60;
        if minute < self.until.0 {
            end
        } else {
            end + DAY
        }
    }
}

/// The channels besides the app, as a person may switch them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preferences {
    pub push: bool,
    pub whatsapp: bool,
    pub email: bool,
    pub quiet: Option<QuietHours>,
}

impl Default for Preferences {
    /// Every channel on, no quiet hours: a person who never opened the page is reached.
    fn default() -> Self {
        Preferences {
            push: true,
            whatsapp: true,
            email: true,
            quiet: None,
        }
    }
}

/// The preferences form: checkboxes `push`, `whatsapp`, `email`, and `jam_tenang` (on) with
/// `tenang_mulai` and `tenang_selesai`. Errors are per field, in Indonesian.
pub fn parse_form(
    fields: &[(String, String)],
) -> Result<Preferences, BTreeMap<&'static str, String>> {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    };
    let on = |name: &str| !get(name).is_empty();
    let mut errors = BTreeMap::new();
    let mut quiet = None;
    if on("jam_tenang") {
        let from = TimeOfDay::parse(get("tenang_mulai"));
        let until = TimeOfDay::parse(get("tenang_selesai"));
        if let Err(e) = from {
            errors.insert("tenang_mulai", e.to_owned());
        }
        if let Err(e) = until {
            errors.insert("tenang_selesai", e.to_owned());
        }
        if let (Ok(from), Ok(until)) = (from, until) {
            match QuietHours::new(from, until) {
                Ok(q) => quiet = Some(q),
                Err(e) => {
                    errors.insert("tenang_selesai", e.to_owned());
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Preferences {
        push: on("push"),
        whatsapp: on("whatsapp"),
        email: on("email"),
        quiet,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 7 December 2026 at hh:mm WIB.
    fn wib(h: i64, m: i64) -> i64 {
        // 2026-12-07T00:00:00+07:00
        1_796_576_400 + h * 3600 + m * 60
    }

    fn q(from: &str, until: &str) -> QuietHours {
        QuietHours::new(
            TimeOfDay::parse(from).unwrap(),
            TimeOfDay::parse(until).unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn the_day_anchor_is_wib_midnight() {
        assert_eq!(QuietHours::split(wib(0, 0)), (0, wib(0, 0)));
        assert_eq!(QuietHours::split(wib(23, 59)).0, 23 * 60 + 59);
        // 17:00 UTC is midnight WIB.
        assert_eq!(wib(0, 0) % DAY, 17 * 3600);
    }

    #[test]
    fn quiet_hours_within_a_day() {
        let lunch = q("12:00", "13:30");
        assert!(!lunch.contains(wib(11, 59)));
        assert!(lunch.contains(wib(12, 0)));
        assert!(lunch.contains(wib(13, 29)));
        assert!(!lunch.contains(wib(13, 30)));
        assert_eq!(lunch.release_at(wib(12, 10)), wib(13, 30));
        assert_eq!(lunch.release_at(wib(14, 0)), wib(14, 0));
    }

    #[test]
    fn quiet_hours_wrapping_midnight() {
        let night = q("21:00", "06:00");
        assert!(!night.contains(wib(20, 59)));
        assert!(night.contains(wib(21, 0)));
        assert!(night.contains(wib(23, 59)));
        assert!(night.contains(wib(0, 0)));
        assert!(night.contains(wib(5, 59)));
        assert!(!night.contains(wib(6, 0)));
        assert!(!night.contains(wib(12, 0)));
        // Before midnight: released tomorrow at 06:00; after midnight: today at 06:00.
        assert_eq!(night.release_at(wib(22, 15)), wib(6, 0) + DAY);
        assert_eq!(night.release_at(wib(2, 0)), wib(6, 0));
        assert_eq!(night.release_at(wib(6, 0)), wib(6, 0));
        assert_eq!(night.release_at(wib(7, 0)), wib(7, 0));
    }

    #[test]
    fn times_parse_as_people_write_them() {
        assert_eq!(TimeOfDay::parse("21:00").unwrap().minutes(), 21 * 60);
        assert_eq!(TimeOfDay::parse("6.30").unwrap().to_string(), "06:30");
        assert!(TimeOfDay::parse("24:00").is_err());
        assert!(TimeOfDay::parse("21").is_err());
        assert!(TimeOfDay::parse("jam 9").is_err());
        assert!(QuietHours::new(TimeOfDay(60), TimeOfDay(60)).is_err());
    }

    #[test]
    fn the_form_keeps_channels_and_names_bad_fields() {
        let f = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<Vec<_>>()
        };
        let p = parse_form(&f(&[("push", "on"), ("tenang_mulai", "x")])).unwrap();
        assert!(p.push && !p.whatsapp && !p.email && p.quiet.is_none());
        let p = parse_form(&f(&[
            ("jam_tenang", "on"),
            ("tenang_mulai", "21:00"),
            ("tenang_selesai", "06:00"),
        ]))
        .unwrap();
        assert_eq!(p.quiet, Some(q("21:00", "06:00")));
        let e = parse_form(&f(&[
            ("jam_tenang", "on"),
            ("tenang_mulai", "25:00"),
            ("tenang_selesai", "06:00"),
        ]))
        .unwrap_err();
        assert!(e.contains_key("tenang_mulai") && !e.contains_key("tenang_selesai"));
        let e = parse_form(&f(&[
            ("jam_tenang", "on"),
            ("tenang_mulai", "06:00"),
            ("tenang_selesai", "06:00"),
        ]))
        .unwrap_err();
        assert!(e.contains_key("tenang_selesai"));
    }
}
