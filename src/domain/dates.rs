//! Dates and instants as Indonesians read them: `28 November 2026`, in WIB (UTC+7).

use time::{Date, Month, OffsetDateTime, UtcOffset};

pub const WIB: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

pub fn month_name(m: Month) -> &'static str {
    match m {
        Month::January => "Januari",
        Month::February => "Februari",
        Month::March => "Maret",
        Month::April => "April",
        Month::May => "Mei",
        Month::June => "Juni",
        Month::July => "Juli",
        Month::August => "Agustus",
        Month::September => "September",
        Month::October => "Oktober",
        Month::November => "November",
        Month::December => "Desember",
    }
}

/// `28 November 2026`
pub fn format_date(d: Date) -> String {
    format!("{} {} {}", d.day(), month_name(d.month()), d.year())
}

/// A stored instant (Unix seconds) as `28 November 2026 21.05 WIB`.
pub fn format_instant(unix: i64) -> String {
    match OffsetDateTime::from_unix_timestamp(unix) {
        Ok(t) => {
            let t = t.to_offset(WIB);
            format!(
                "{} {:02}.{:02} WIB",
                format_date(t.date()),
                t.hour(),
                t.minute()
            )
        }
        Err(_) => "-".into(),
    }
}

/// Parses a stored ISO date (`1998-05-12`).
pub fn parse_iso(s: &str) -> Option<Date> {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

pub fn to_iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// "3 menit", "45 detik": a wait, for messages.
pub fn format_wait(seconds: i64) -> String {
    if seconds >= 60 {
        format!("{} menit", (seconds + 59) / 60)
    } else {
        format!("{} detik", seconds.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn indonesian_dates() {
        assert_eq!(format_date(date!(2026 - 11 - 28)), "28 November 2026");
        // 2026-11-28 14:05 UTC is 21.05 WIB.
        assert_eq!(format_instant(1_795_874_700), "28 November 2026 21.05 WIB");
        assert_eq!(
            parse_iso("1998-05-12").map(to_iso).as_deref(),
            Some("1998-05-12")
        );
        assert_eq!(format_wait(61), "2 menit");
        assert_eq!(format_wait(30), "30 detik");
    }
}
