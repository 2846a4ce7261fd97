//! Dates and instants as Indonesians read them: `28 November 2026`, in WIB (UTC+7).

use time::{Date, Month, OffsetDateTime, UtcOffset, Weekday};

use crate::domain::procurement::words::terbilang;

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

/// "Jan", "Feb", … "Des": for chart axes.
pub fn month_short(m: Month) -> &'static str {
    match m {
        Month::January => "Jan",
        Month::February => "Feb",
        Month::March => "Mar",
        Month::April => "Apr",
        Month::May => "Mei",
        Month::June => "Jun",
        Month::July => "Jul",
        Month::August => "Agu",
        Month::September => "Sep",
        Month::October => "Okt",
        Month::November => "Nov",
        Month::December => "Des",
    }
}

/// Today's date in WIB.
pub fn today_wib() -> Date {
    time::OffsetDateTime::now_utc().to_offset(WIB).date()
}

/// `28 November 2026`
pub fn format_date(d: Date) -> String {
    format!("{} {} {}", d.day(), month_name(d.month()), d.year())
}

/// A stored ISO date (`2026-12-07`) in long form (`7 Desember 2026`), or the text as given
/// when it is not a date.
pub fn long_date(iso: &str) -> String {
    parse_iso(iso)
        .map(format_date)
        .unwrap_or_else(|| iso.to_owned())
}

/// `7 Desember 2026` with non-breaking spaces, for a line that must never break inside the
/// date ("Muara Sabak Barat, 7 Desember 2026" may break only after the comma).
pub fn format_date_unbroken(d: Date) -> String {
    format_date(d).replace(' ', "\u{a0}")
}

/// "Senin", "Selasa", … "Minggu".
pub fn day_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Monday => "Senin",
        Weekday::Tuesday => "Selasa",
        Weekday::Wednesday => "Rabu",
        Weekday::Thursday => "Kamis",
        Weekday::Friday => "Jumat",
        Weekday::Saturday => "Sabtu",
        Weekday::Sunday => "Minggu",
    }
}

/// The date as a berita acara writes it after "Pada hari ini": day name, the day, month and
/// year in words. 2026-12-07 → "Senin tanggal tujuh bulan Desember tahun dua ribu dua puluh
/// enam".
pub fn date_in_words(d: Date) -> String {
    format!(
        "{} tanggal {} bulan {} tahun {}",
        day_name(d.weekday()),
        terbilang(u64::from(d.day())),
        month_name(d.month()),
        terbilang(u64::try_from(d.year()).unwrap_or(0))
    )
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

/// A month name as people type it in spreadsheets: Indonesian full names and abbreviations,
/// old spellings (`Pebruari`, `Nopember`, `Peb`, `Nop`, `Agt`, `Ags`), and English names and
/// abbreviations. Case-insensitive; a trailing dot is ignored.
pub fn parse_month_name(s: &str) -> Option<Month> {
    let lower = s.trim().trim_end_matches('.').to_lowercase();
    Some(match lower.as_str() {
        "januari" | "january" | "jan" => Month::January,
        "februari" | "pebruari" | "february" | "feb" | "peb" | "pebr" | "febr" => Month::February,
        "maret" | "march" | "mar" | "mrt" => Month::March,
        "april" | "apr" => Month::April,
        "mei" | "may" => Month::May,
        "juni" | "june" | "jun" => Month::June,
        "juli" | "july" | "jul" => Month::July,
        "agustus" | "august" | "agu" | "agt" | "ags" | "agust" | "aug" => Month::August,
        "september" | "sep" | "sept" | "spt" => Month::September,
        "oktober" | "october" | "okt" | "oct" => Month::October,
        "november" | "nopember" | "nov" | "nop" => Month::November,
        "desember" | "december" | "des" | "dec" => Month::December,
        _ => return None,
    })
}

/// An Excel serial day number (1900 date system) as a date; the time of day is dropped.
///
/// Serial 1 is 1900-01-01. Excel counts 1900 as a leap year (a bug kept from Lotus 1-2-3), so
/// serial 60 is the non-existent 29 February 1900 and every later serial is one day ahead of a
/// plain count; that phantom day is read as 1 March 1900. Returns `None` below 1 and beyond
/// Excel's last date (9999-12-31).
pub fn from_excel_serial(serial: f64) -> Option<Date> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // Truncation is intended: the fraction is the time of day.
    let days = serial.floor() as i64;
    let (base, offset) = if days < 60 {
        (time::macros::date!(1899 - 12 - 31), days)
    } else if days == 60 {
        (time::macros::date!(1900 - 03 - 01), 0)
    } else {
        (time::macros::date!(1899 - 12 - 30), days)
    };
    base.checked_add(time::Duration::days(offset))
}

/// "3 menit", "45 detik": a wait, for messages.
pub fn format_wait(seconds: i64) -> String {
    if seconds >= 60 {
        format!("{} menit", (seconds + 59) / 60)
    } else {
        format!("{} detik", seconds.max(1))
    }
}

/// The same day `months` calendar months later (or earlier), kept within the month
/// (`2026-01-31` + 1 → `2026-02-28`).
pub fn add_months(d: Date, months: i32) -> Option<Date> {
    let total = d.year() * 12 + (d.month() as i32 - 1) + months;
    let month = Month::try_from(u8::try_from(total.rem_euclid(12) + 1).ok()?).ok()?;
    let day = d
        .day()
        .min(time::util::days_in_month(month, total.div_euclid(12)));
    Date::from_calendar_date(total.div_euclid(12), month, day).ok()
}

/// The WIB calendar date of a stored instant.
pub fn wib_date(unix: i64) -> Date {
    OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| t.to_offset(WIB).date())
        .unwrap_or_else(|_| today_wib())
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

    #[test]
    fn long_dates_and_unbroken_dates() {
        assert_eq!(long_date("2026-12-07"), "7 Desember 2026");
        assert_eq!(long_date("bukan tanggal"), "bukan tanggal");
        let d = format_date_unbroken(date!(2026 - 12 - 07));
        assert_eq!(d, "7\u{a0}Desember\u{a0}2026");
        assert!(!d.contains(' '));
    }

    #[test]
    fn day_names() {
        // 2026-12-07 is a Monday.
        let names: Vec<&str> = (0..7)
            .map(|i| day_name((date!(2026 - 12 - 07) + time::Duration::days(i)).weekday()))
            .collect();
        assert_eq!(
            names,
            [
                "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"
            ]
        );
    }

    #[test]
    fn dates_in_words_as_a_berita_acara_opens() {
        assert_eq!(
            date_in_words(date!(2026 - 12 - 07)),
            "Senin tanggal tujuh bulan Desember tahun dua ribu dua puluh enam"
        );
        let days = [
            (1, "satu"),
            (11, "sebelas"),
            (19, "sembilan belas"),
            (20, "dua puluh"),
            (21, "dua puluh satu"),
            (29, "dua puluh sembilan"),
            (30, "tiga puluh"),
            (31, "tiga puluh satu"),
        ];
        for (day, words) in days {
            let d = Date::from_calendar_date(2026, Month::December, day).unwrap();
            let got = date_in_words(d);
            assert!(
                got.contains(&format!(" tanggal {words} bulan Desember ")),
                "{day}: {got}"
            );
        }
        let years = [
            (2000, "Sabtu tanggal satu bulan Januari tahun dua ribu"),
            (
                2026,
                "Kamis tanggal satu bulan Januari tahun dua ribu dua puluh enam",
            ),
            (
                2100,
                "Jumat tanggal satu bulan Januari tahun dua ribu seratus",
            ),
        ];
        for (year, want) in years {
            let d = Date::from_calendar_date(year, Month::January, 1).unwrap();
            assert_eq!(date_in_words(d), want);
        }
        // The leap day and the year's last day.
        assert_eq!(
            date_in_words(date!(2028 - 02 - 29)),
            "Selasa tanggal dua puluh sembilan bulan Februari tahun dua ribu dua puluh delapan"
        );
        assert_eq!(
            date_in_words(date!(2026 - 12 - 31)),
            "Kamis tanggal tiga puluh satu bulan Desember tahun dua ribu dua puluh enam"
        );
    }

    #[test]
    fn month_names_indonesian_english_and_abbreviated() {
        for (names, month) in [
            (&["Januari", "JAN", "january", "Jan."][..], Month::January),
            (
                &["Februari", "Feb", "Peb", "Pebruari", "february"],
                Month::February,
            ),
            (&["Maret", "Mar", "march", "Mrt"], Month::March),
            (&["April", "apr"], Month::April),
            (&["Mei", "MEI", "May"], Month::May),
            (&["Juni", "Jun", "June"], Month::June),
            (&["Juli", "Jul", "July"], Month::July),
            (
                &["Agustus", "Agu", "Agt", "Ags", "Aug", "Agt."],
                Month::August,
            ),
            (&["September", "Sep", "Sept", "sept."], Month::September),
            (&["Oktober", "Okt", "Oct", "october"], Month::October),
            (&["November", "Nov", "Nop", "Nopember"], Month::November),
            (&["Desember", "Des", "Dec", "december"], Month::December),
        ] {
            for n in names {
                assert_eq!(parse_month_name(n), Some(month), "{n}");
            }
        }
        for n in ["", "Mai", "13", "Ju", "Desemberr"] {
            assert_eq!(parse_month_name(n), None, "{n}");
        }
    }

    #[test]
    fn excel_serials_in_the_1900_system() {
        assert_eq!(from_excel_serial(1.0), Some(date!(1900 - 01 - 01)));
        assert_eq!(from_excel_serial(59.0), Some(date!(1900 - 02 - 28)));
        // Serial 60 is Excel's phantom 29 February 1900.
        assert_eq!(from_excel_serial(60.0), Some(date!(1900 - 03 - 01)));
        assert_eq!(from_excel_serial(61.0), Some(date!(1900 - 03 - 01)));
        assert_eq!(from_excel_serial(35927.0), Some(date!(1998 - 05 - 12)));
        // The time of day is dropped.
        assert_eq!(from_excel_serial(35927.75), Some(date!(1998 - 05 - 12)));
        assert_eq!(from_excel_serial(45_658.0), Some(date!(2025 - 01 - 01)));
        assert_eq!(from_excel_serial(2_958_465.0), Some(date!(9999 - 12 - 31)));
        for bad in [0.0, -3.0, 0.5, 2_958_466.0, f64::NAN, f64::INFINITY] {
            assert_eq!(from_excel_serial(bad), None, "{bad}");
        }
    }
}
