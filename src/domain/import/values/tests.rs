use std::collections::HashSet;

use time::macros::date;

use super::*;
use crate::domain::region::NationalRegions;

/// Tests pin the year so the two-digit-year pivot does not move under them.
const YEAR: i32 = 2026;

fn t(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

fn date_of(cell: &Cell) -> Result<Date, String> {
    parse_date_at(cell, YEAR)
}

// --- dates -----------------------------------------------------------------------------------

#[test]
fn dates_in_every_listed_format() {
    for raw in [
        "12-05-1998",
        "12/05/1998",
        "12.05.1998",
        "1998-05-12",
        "1998/05/12",
        "12 Mei 1998",
        "12 Mei 98",
        "12-Mei-1998",
        "12-mei-98",
        "12 MEI 1998",
        "12 mei, 1998",
        "12Mei1998",
        "12-May-98",
        "12 May 1998",
        "May 12, 1998",
        "12051998",
        "120598",
        "'12-05-1998",
        "  12 - 05 - 1998  ",
        "1998-05-12 00:00:00",
        "1998-05-12T00:00:00",
        "12/05/1998 7:30",
        "Selasa, 12 Mei 1998",
        "12-05-98",
        "12/5/98",
    ] {
        assert_eq!(date_of(&t(raw)), Ok(date!(1998 - 05 - 12)), "{raw:?}");
    }
}

#[test]
fn day_first_always() {
    assert_eq!(date_of(&t("02/05/1998")), Ok(date!(1998 - 05 - 02)));
    assert_eq!(date_of(&t("2-5-1998")), Ok(date!(1998 - 05 - 02)));
    assert_eq!(date_of(&t("05/02/1998")), Ok(date!(1998 - 02 - 05)));
}

#[test]
fn every_indonesian_month_name_and_abbreviation() {
    for (names, month) in [
        (&["Januari", "Jan"][..], 1),
        (&["Februari", "Feb", "Peb", "Pebruari"], 2),
        (&["Maret", "Mar"], 3),
        (&["April", "Apr"], 4),
        (&["Mei"], 5),
        (&["Juni", "Jun"], 6),
        (&["Juli", "Jul"], 7),
        (&["Agustus", "Agu", "Agt", "Ags"], 8),
        (&["September", "Sep", "Sept"], 9),
        (&["Oktober", "Okt"], 10),
        (&["November", "Nov", "Nop", "Nopember"], 11),
        (&["Desember", "Des"], 12),
    ] {
        let expected = Date::from_calendar_date(1999, Month::try_from(month).unwrap(), 3).unwrap();
        for name in names {
            for raw in [
                format!("3 {name} 1999"),
                format!("03-{name}-99"),
                format!("3 {}. 1999", name.to_uppercase()),
            ] {
                assert_eq!(date_of(&t(&raw)), Ok(expected), "{raw:?}");
            }
        }
    }
}

#[test]
fn english_month_abbreviations() {
    for (raw, expected) in [
        ("3 Aug 1999", date!(1999 - 08 - 03)),
        ("3-Oct-99", date!(1999 - 10 - 03)),
        ("3 Dec 1999", date!(1999 - 12 - 03)),
        ("3 Feb 1999", date!(1999 - 02 - 03)),
    ] {
        assert_eq!(date_of(&t(raw)), Ok(expected), "{raw}");
    }
}

#[test]
fn two_digit_years_pivot_on_this_year() {
    assert_eq!(date_of(&t("12-05-26")), Ok(date!(2026 - 05 - 12)));
    assert_eq!(date_of(&t("01-01-00")), Ok(date!(2000 - 01 - 01)));
    assert_eq!(date_of(&t("12 Mei 45")), Ok(date!(1945 - 05 - 12)));
    // 27 is after this year's 26, so 1927: out of the sane range.
    assert!(date_of(&t("12-05-27")).unwrap_err().contains("1927"));
    // Another year moves the pivot.
    assert_eq!(
        parse_date_at(&t("12-05-30"), 2030),
        Ok(date!(2030 - 05 - 12))
    );
    // The real clock is used by `parse_date`.
    assert_eq!(parse_date(&t("12 Mei 98")), Ok(date!(1998 - 05 - 12)));
}

#[test]
fn excel_serials_and_date_cells() {
    assert_eq!(date_of(&Cell::Number(35927.0)), Ok(date!(1998 - 05 - 12)));
    assert_eq!(date_of(&Cell::DateTime(35927.0)), Ok(date!(1998 - 05 - 12)));
    assert_eq!(
        date_of(&Cell::DateTime(35927.999)),
        Ok(date!(1998 - 05 - 12))
    );
    // A serial that reached a CSV as text.
    assert_eq!(date_of(&t("35927")), Ok(date!(1998 - 05 - 12)));
    // Day, month and year typed as one number.
    assert_eq!(
        date_of(&Cell::Number(12_051_998.0)),
        Ok(date!(1998 - 05 - 12))
    );
    assert_eq!(
        date_of(&Cell::Number(1_051_998.0)),
        Ok(date!(1998 - 05 - 01))
    );
    assert_eq!(date_of(&Cell::Number(120_598.0)), Ok(date!(1998 - 05 - 12)));
    // The sane range: 1930-01-01 is serial 10959, 2035-12-31 is 49674.
    assert_eq!(date_of(&Cell::DateTime(10959.0)), Ok(date!(1930 - 01 - 01)));
    assert_eq!(date_of(&Cell::DateTime(49674.0)), Ok(date!(2035 - 12 - 31)));
    assert_eq!(
        date_of(&Cell::DateTime(10958.0)).unwrap_err(),
        "Tanggal 31 Desember 1929 di luar rentang yang wajar (1930–2035)."
    );
    assert!(date_of(&Cell::DateTime(49675.0)).is_err());
    // Serial 60, Excel's 29 February 1900, is a date but far out of range.
    assert!(
        date_of(&Cell::DateTime(60.0))
            .unwrap_err()
            .contains("1 Maret 1900")
    );
    assert!(date_of(&Cell::Number(-5.0)).is_err());
    assert!(date_of(&Cell::Number(f64::NAN)).is_err());
}

#[test]
fn year_alone_is_not_a_date() {
    assert_eq!(
        date_of(&Cell::Number(1998.0)).unwrap_err(),
        "Hanya tahun (1998); tulis tanggal lengkap, contoh 12-05-1998."
    );
    assert!(date_of(&t("1998")).is_err());
}

#[test]
fn date_failures_say_why() {
    assert_eq!(date_of(&Cell::Empty).unwrap_err(), "Tanggal kosong.");
    assert_eq!(date_of(&t("  ")).unwrap_err(), "Tanggal kosong.");
    assert_eq!(
        date_of(&t("31-02-1998")).unwrap_err(),
        "Tanggal 31 Februari 1998 tidak ada di kalender."
    );
    assert_eq!(
        date_of(&t("29 Feb 1999")).unwrap_err(),
        "Tanggal 29 Februari 1999 tidak ada di kalender."
    );
    assert_eq!(date_of(&t("29 Feb 2000")), Ok(date!(2000 - 02 - 29)));
    assert_eq!(
        date_of(&t("05/13/1998")).unwrap_err(),
        "Bulan 13 tidak ada; tanggal ditulis hari-bulan-tahun, contoh 12-05-1998."
    );
    assert!(
        date_of(&t("12 Mai 1998"))
            .unwrap_err()
            .starts_with("Nama bulan \"mai\"")
    );
    assert_eq!(
        date_of(&t("kemarin")).unwrap_err(),
        "Tanggal \"kemarin\" tidak dikenali; tulis seperti 12-05-1998 atau 12 Mei 1998."
    );
    assert!(date_of(&t("12-05")).is_err());
    assert!(date_of(&t("12-05-1998-1")).is_err());
    assert!(
        date_of(&t("12-05-199"))
            .unwrap_err()
            .contains("Tahun \"199\"")
    );
    assert!(date_of(&t("123-05-1998")).is_err());
    assert!(date_of(&t("00-05-1998")).is_err());
    assert!(date_of(&t("12-00-1998")).is_err());
    assert_eq!(
        date_of(&Cell::Error("#VALUE!".into())).unwrap_err(),
        "Sel berisi galat Excel (#VALUE!)."
    );
    assert!(date_of(&Cell::Bool(true)).is_err());
}

// --- place and date --------------------------------------------------------------------------

#[test]
fn place_and_date_in_one_column() {
    let may12 = date!(1998 - 05 - 12);
    for (raw, place) in [
        ("Muara Sabak, 12-05-1998", "Muara Sabak"),
        ("Muara Sabak 12 Mei 1998", "Muara Sabak"),
        ("Jambi,12/05/98", "Jambi"),
        ("MUARA  SABAK ,  12 Mei 1998", "MUARA SABAK"),
        ("Muara Sabak / 12-05-1998", "Muara Sabak"),
        ("Nipah Panjang II, 12-05-1998", "Nipah Panjang II"),
        ("Rantau Rasau 2 12-05-1998", "Rantau Rasau 2"),
        ("Sungai Tering 12 Mei 98", "Sungai Tering"),
        ("Kuala Tungkal, 12-Mei-1998", "Kuala Tungkal"),
        ("Jambi, Selasa, 12 Mei 1998", "Jambi"),
    ] {
        assert_eq!(
            split_place_date_at(raw, YEAR),
            Ok((place.to_owned(), may12)),
            "{raw:?}"
        );
    }
    assert_eq!(
        split_place_date_at("12-05-1998", YEAR),
        Ok((String::new(), may12))
    );
    assert_eq!(
        split_place_date("Jambi, 12 Mei 98"),
        Ok(("Jambi".to_owned(), may12))
    );
}

#[test]
fn place_and_date_failures() {
    assert_eq!(
        split_place_date_at("", YEAR).unwrap_err(),
        "Tempat dan tanggal lahir kosong."
    );
    assert_eq!(
        split_place_date_at("Muara Sabak", YEAR).unwrap_err(),
        "\"Muara Sabak\" tidak terbaca sebagai tempat dan tanggal lahir; tulis seperti \
         \"Muara Sabak, 12-05-1998\"."
    );
    assert_eq!(
        split_place_date_at("Muara Sabak, 31-02-1998", YEAR).unwrap_err(),
        "Tanggal lahir pada \"Muara Sabak, 31-02-1998\": Tanggal 31 Februari 1998 tidak ada di \
         kalender."
    );
}

#[test]
fn place_and_date_cells() {
    let may12 = date!(1998 - 05 - 12);
    assert_eq!(
        parse_place_date_at(&t("Sadu, 12-05-1998"), YEAR),
        Ok(("Sadu".to_owned(), may12))
    );
    assert_eq!(
        parse_place_date_at(&Cell::DateTime(35927.0), YEAR),
        Ok((String::new(), may12))
    );
    assert!(parse_place_date_at(&Cell::Empty, YEAR).is_err());
    assert!(parse_place_date(&t("Sadu, 12-05-1998")).is_ok());
}

// --- gender ----------------------------------------------------------------------------------

#[test]
fn gender_variants() {
    for raw in [
        "L",
        "l",
        " L ",
        "Lk",
        "LK.",
        "Laki-laki",
        "LAKI - LAKI",
        "Laki Laki",
        "laki2",
        "Pria",
        "Male",
    ] {
        assert_eq!(parse_gender(&t(raw)), Ok(Gender::L), "{raw:?}");
    }
    for raw in [
        "P",
        "p",
        "Pr",
        "Perempuan",
        "PEREMPUAN",
        "Wanita",
        "W",
        "Female",
    ] {
        assert_eq!(parse_gender(&t(raw)), Ok(Gender::P), "{raw:?}");
    }
}

#[test]
fn gender_failures() {
    assert_eq!(
        parse_gender(&Cell::Empty).unwrap_err(),
        "Jenis kelamin kosong; isi L atau P."
    );
    assert_eq!(
        parse_gender(&t("X")).unwrap_err(),
        "Jenis kelamin \"X\" tidak dikenali; isi L atau P."
    );
    assert!(parse_gender(&t("L/P")).is_err());
    assert!(parse_gender(&Cell::Number(1.0)).is_err());
}

// --- NIK -------------------------------------------------------------------------------------

/// A woman born 12 May 1998, registered in Muara Sabak Timur (15.07.01).
const NIK_P: &str = "1507015205980003";
/// A man born 12 May 1998, same kecamatan.
const NIK_L: &str = "1507011205980003";

fn nik(cell: &Cell) -> NikOutcome {
    parse_nik(cell, &NationalRegions)
}

fn rejected(cell: &Cell) -> String {
    match nik(cell) {
        NikOutcome::Rejected(e) => e,
        other => panic!("expected a rejection for {cell:?}, got {other:?}"),
    }
}

#[test]
fn nik_as_text_in_the_ways_people_type_it() {
    for raw in [
        NIK_P,
        "'1507015205980003",
        "1507 0152 0598 0003",
        " 1507015205980003 ",
        "1507-0152-0598-0003",
        "1507.0152.0598.0003",
        "1507\u{a0}0152\u{a0}0598\u{a0}0003",
    ] {
        let outcome = nik(&t(raw));
        assert_eq!(
            outcome.nik().map(Nik::as_str),
            Some(NIK_P),
            "{raw:?}: {outcome:?}"
        );
    }
}

#[test]
fn nik_precision_lost_in_a_number_cell_is_rejected() {
    // Excel stores 1507015205980003 typed as a number as 1507015205980000.
    let message = rejected(&Cell::Number(1_507_015_205_980_000.0));
    assert_eq!(
        message,
        "NIK tersimpan sebagai angka di Excel sehingga digit terakhir hilang; ketik ulang NIK \
         sebagai teks (awali dengan tanda ')."
    );
    // The same digits as text were typed by a person: accepted.
    assert_eq!(
        nik(&t("1507015205980000")).nik().map(Nik::as_str),
        Some("1507015205980000")
    );
    // A number cell holding all 16 digits (written by a tool, not typed in Excel) is exact
    // below 2^53 and kept.
    assert_eq!(
        nik(&Cell::Number(1_507_015_205_980_003.0))
            .nik()
            .map(Nik::as_str),
        Some(NIK_P)
    );
    // Above 2^53 a double cannot hold every integer: never trusted. (Papua, 91…)
    assert!(rejected(&Cell::Number(9_171_015_205_980_001.0)).contains("digit terakhir"));
    // 9171015205980003 as a double is 9171015205980004: the wrong NIK must not come out.
    assert_eq!(
        format!("{:.0}", 9_171_015_205_980_003.0_f64),
        "9171015205980004"
    );
    assert!(rejected(&Cell::Number(9_171_015_205_980_003.0)).contains("digit terakhir"));
    // A number written out as text by some tool is judged as that number.
    assert!(rejected(&t("1507015205980000.0")).contains("digit terakhir"));
    assert_eq!(
        nik(&t("1507015205980003.0")).nik().map(Nik::as_str),
        Some(NIK_P)
    );
}

#[test]
fn nik_in_scientific_notation_is_rejected() {
    for raw in ["1.50701E+15", "1,50702E+15", "1.507015205980E+15", "1E15"] {
        let message = rejected(&t(raw));
        assert!(
            message.starts_with("NIK tertulis dalam format ilmiah"),
            "{raw}: {message}"
        );
    }
}

#[test]
fn nik_shape_failures() {
    assert_eq!(
        rejected(&t("150701520598000")),
        "NIK harus 16 digit (terisi 15 digit)."
    );
    assert_eq!(
        rejected(&Cell::Number(150_701_520_598_000.0)),
        "NIK harus 16 digit (terisi 15 digit)."
    );
    assert_eq!(
        rejected(&t("15070152059800031")),
        "NIK harus 16 digit (terisi 17 digit)."
    );
    assert_eq!(
        rejected(&t("15070152O5980003")),
        "NIK hanya boleh berisi angka."
    );
    assert_eq!(
        rejected(&Cell::Number(1.5)),
        "NIK harus berupa 16 digit angka."
    );
    assert_eq!(
        rejected(&Cell::Number(-1.0)),
        "NIK harus berupa 16 digit angka."
    );
    assert_eq!(
        rejected(&Cell::Bool(true)),
        "NIK harus berupa 16 digit angka."
    );
    assert_eq!(
        rejected(&Cell::DateTime(35927.0)),
        "Sel NIK berformat tanggal; ketik ulang NIK sebagai teks."
    );
    assert_eq!(
        rejected(&Cell::Error("#N/A".into())),
        "Sel NIK berisi galat Excel (#N/A)."
    );
}

#[test]
fn nik_birth_date_digits_with_day_plus_forty_for_women() {
    let ok = |s: &str| nik(&t(s)).nik().cloned();
    let woman = ok(NIK_P).unwrap();
    assert_eq!(woman.gender(), Gender::P);
    assert_eq!(woman.encoded_birth(), (12, Month::May, 98));
    let man = ok(NIK_L).unwrap();
    assert_eq!(man.gender(), Gender::L);
    assert_eq!(man.encoded_birth(), (12, Month::May, 98));
    // Day 1 for a woman is 41; 29 February for a woman is 69.
    assert_eq!(ok("1507014101990001").unwrap().gender(), Gender::P);
    assert_eq!(
        ok("1507016902000001").unwrap().encoded_birth(),
        (29, Month::February, 0)
    );
    assert_eq!(
        ok("1507017112990001").unwrap().encoded_birth(),
        (31, Month::December, 99)
    );
    for bad in [
        "1507013202980003", // day 32
        "1507014005980003", // day 40: neither a man's nor a woman's
        "1507017205980003", // day 72 = 32 for a woman
        "1507010005980003", // day 0
        "1507013002980003", // 30 February
        "1507011213980003", // month 13
        "1507011200980003", // month 0
    ] {
        assert_eq!(
            rejected(&t(bad)),
            "Digit 7–12 NIK bukan tanggal lahir yang valid.",
            "{bad}"
        );
    }
}

#[test]
fn nik_region_must_exist_at_every_level() {
    assert_eq!(
        rejected(&t("9907015205980003")),
        "Kode provinsi pada NIK (99) tidak ada dalam daftar wilayah."
    );
    assert_eq!(
        rejected(&t("1599015205980003")),
        "Kode kabupaten/kota pada NIK (15.99) tidak ada dalam daftar wilayah."
    );
    assert_eq!(
        rejected(&t("1507995205980003")),
        "Kode kecamatan pada NIK (15.07.99) tidak ada dalam daftar wilayah."
    );
    // Every Tanjabtim kecamatan, and a city's.
    for code in ["150701", "150705", "150711", "157101"] {
        let raw = format!("{code}5205980003");
        assert!(nik(&t(&raw)).nik().is_some(), "{raw}");
    }
    // Any lookup will do.
    let only_jambi: HashSet<&str> = ["15", "15.07", "15.07.01"].into();
    assert!(parse_nik(&t(NIK_P), &only_jambi).nik().is_some());
    assert!(matches!(
        parse_nik(&t("1507025205980003"), &only_jambi),
        NikOutcome::Rejected(_)
    ));
}

#[test]
fn nik_missing() {
    for cell in [Cell::Empty, t(""), t("   "), t("-")] {
        assert_eq!(nik(&cell), NikOutcome::Missing, "{cell:?}");
    }
    assert_eq!(nik(&Cell::Empty).into_result(), Ok(None));
    assert!(nik(&t("1")).into_result().is_err());
    assert_eq!(
        nik(&t(NIK_P)).into_result().unwrap().unwrap().as_str(),
        NIK_P
    );
}

#[test]
fn cross_check_warns_when_the_row_disagrees() {
    let woman = Nik::parse(NIK_P).unwrap();
    assert!(cross_check(&woman, Some(date!(1998 - 05 - 12)), Some(Gender::P)).is_empty());
    assert!(cross_check(&woman, None, None).is_empty());
    assert_eq!(
        cross_check(&woman, Some(date!(1998 - 05 - 13)), Some(Gender::P)),
        vec![
            "Tanggal lahir pada NIK (12-05-98) berbeda dengan tanggal lahir di baris \
             (13 Mei 1998)."
                .to_owned()
        ]
    );
    assert_eq!(
        cross_check(&woman, Some(date!(1998 - 05 - 12)), Some(Gender::L)),
        vec![
            "Jenis kelamin pada NIK (perempuan) berbeda dengan jenis kelamin di baris \
             (laki-laki)."
                .to_owned()
        ]
    );
    let man = Nik::parse(NIK_L).unwrap();
    let both = cross_check(&man, Some(date!(1997 - 05 - 12)), Some(Gender::P));
    assert_eq!(both.len(), 2, "{both:?}");
    assert!(both[0].contains("(12-05-98)") && both[0].contains("12 Mei 1997"));
    assert!(both[1].contains("NIK (laki-laki)") && both[1].contains("baris (perempuan)"));
    // Only the last two digits of the year are encoded.
    assert!(cross_check(&man, Some(date!(2098 - 05 - 12)), None).is_empty());
}

// --- phone -----------------------------------------------------------------------------------

#[test]
fn phone_from_numbers_and_text() {
    let expect = "+6281234567890";
    for cell in [
        Cell::Number(81_234_567_890.0),
        Cell::Number(6_281_234_567_890.0),
        t("0812-3456-7890"),
        t("0812 3456 7890"),
        t("+62 812-3456-7890"),
        t("62812.3456.7890"),
        t("'081234567890"),
        t("WA: 0812 3456 7890"),
        t("0812-3456-7890 (WA)"),
        t("HP. 081234567890"),
    ] {
        let (phone, note) = parse_phone(&cell).unwrap_or_else(|e| panic!("{cell:?}: {e}"));
        assert_eq!(phone.as_str(), expect, "{cell:?}");
        assert_eq!(note, None);
    }
}

#[test]
fn phone_cell_with_two_numbers_uses_the_first_valid_and_says_so() {
    let (phone, note) = parse_phone(&t("0812-3456-7890 / 0852-1111-2222")).unwrap();
    assert_eq!(phone.as_str(), "+6281234567890");
    assert_eq!(
        note.as_deref(),
        Some("Sel berisi 2 nomor; yang dipakai +6281234567890.")
    );
    let (phone, note) = parse_phone(&t("0741-21234, 0852 1111 2222")).unwrap();
    assert_eq!(phone.as_str(), "+6285211112222");
    assert!(note.is_some());
    let (phone, _) = parse_phone(&t("081234567890 atau 085211112222")).unwrap();
    assert_eq!(phone.as_str(), "+6281234567890");
}

#[test]
fn phone_failures() {
    assert_eq!(
        parse_phone(&Cell::Empty).unwrap_err(),
        "Nomor WhatsApp wajib diisi."
    );
    assert_eq!(
        parse_phone(&t("0741-21234")).unwrap_err(),
        "Nomor WhatsApp bukan nomor seluler Indonesia yang valid (contoh: 0812 3456 7890)."
    );
    assert_eq!(
        parse_phone(&t("0812 abc 7890")).unwrap_err(),
        "Nomor WhatsApp hanya boleh berisi angka."
    );
    assert!(parse_phone(&Cell::Number(74_121_234.0)).is_err());
    assert!(parse_phone(&Cell::Number(8.12e10 + 0.5)).is_err());
    assert!(parse_phone(&Cell::Number(-81_234_567_890.0)).is_err());
    assert!(parse_phone(&Cell::Bool(true)).is_err());
    assert!(parse_phone(&Cell::Error("#REF!".into())).is_err());
    assert!(parse_phone(&t("0741-21234 / 0741-21235")).is_err());
}

// --- result, competency, placement -------------------------------------------------------------

#[test]
fn training_result() {
    for raw in ["Lulus", "LULUS", "L", "ya", "✓", "Lulus Pelatihan", "1"] {
        assert_eq!(parse_result(&t(raw)), Ok(TrainingResult::Lulus), "{raw}");
    }
    for raw in [
        "Tidak Lulus",
        "TDK LULUS",
        "tdk. lulus",
        "TL",
        "Gagal",
        "Belum Lulus",
        "Tidak",
    ] {
        assert_eq!(
            parse_result(&t(raw)),
            Ok(TrainingResult::TidakLulus),
            "{raw}"
        );
    }
    assert_eq!(parse_result(&Cell::Bool(true)), Ok(TrainingResult::Lulus));
    assert_eq!(
        parse_result(&Cell::Number(0.0)),
        Ok(TrainingResult::TidakLulus)
    );
    assert_eq!(
        parse_result(&t("Mengundurkan diri")).unwrap_err(),
        "Hasil pelatihan \"Mengundurkan diri\" tidak dikenali; isi Lulus atau Tidak Lulus."
    );
    assert!(parse_result(&Cell::Empty).is_err());
    assert_eq!(TrainingResult::Lulus.as_str(), "lulus");
    assert_eq!(TrainingResult::TidakLulus.as_str(), "tidak_lulus");
    assert_eq!(TrainingResult::TidakLulus.label(), "Tidak lulus");
}

#[test]
fn competency() {
    for raw in ["Kompeten", "KOMPETEN", "K", "ya", "Kompeten (BNSP)"] {
        assert_eq!(parse_competency(&t(raw)), Ok(Competency::Kompeten), "{raw}");
    }
    for raw in [
        "Belum Kompeten",
        "BK",
        "Tidak Kompeten",
        "TK",
        "blm kompeten",
        "belum",
    ] {
        assert_eq!(
            parse_competency(&t(raw)),
            Ok(Competency::BelumKompeten),
            "{raw}"
        );
    }
    assert_eq!(
        parse_competency(&Cell::Bool(false)),
        Ok(Competency::BelumKompeten)
    );
    assert_eq!(
        parse_competency(&t("Lulus")).unwrap_err(),
        "Kompetensi \"Lulus\" tidak dikenali; isi Kompeten atau Belum Kompeten."
    );
    assert!(parse_competency(&Cell::Empty).is_err());
    assert_eq!(Competency::Kompeten.as_str(), "kompeten");
    assert_eq!(Competency::BelumKompeten.as_str(), "belum_kompeten");
}

#[test]
fn placement() {
    for (raw, expected) in [
        ("Mandiri", Placement::Mandiri),
        ("Wirausaha", Placement::Mandiri),
        ("Usaha sendiri (kue)", Placement::Mandiri),
        ("WIRASWASTA", Placement::Mandiri),
        ("Industri", Placement::Industri),
        ("Bekerja", Placement::Industri),
        ("Bekerja di PT Sinar Mas", Placement::Industri),
        ("Karyawan", Placement::Industri),
        ("Belum", Placement::Belum),
        ("Belum bekerja", Placement::Belum),
        ("Tidak bekerja", Placement::Belum),
        ("Menganggur", Placement::Belum),
    ] {
        assert_eq!(parse_placement(&t(raw)), Ok(expected), "{raw}");
    }
    assert_eq!(
        parse_placement(&t("Ibu rumah tangga")).unwrap_err(),
        "Penempatan \"Ibu rumah tangga\" tidak dikenali; isi Mandiri, Industri atau Belum."
    );
    assert!(parse_placement(&Cell::Empty).is_err());
    assert_eq!(Placement::Mandiri.as_str(), "mandiri");
    assert_eq!(Placement::Industri.as_str(), "industri");
    assert_eq!(Placement::Belum.as_str(), "belum");
}

// --- year and batch --------------------------------------------------------------------------

#[test]
fn training_year() {
    for cell in [
        Cell::Number(2019.0),
        t("2019"),
        t(" Tahun 2019 "),
        t("TA. 2019"),
        t("2019/2019"),
        // A year typed into a date-formatted cell.
        Cell::DateTime(2019.0),
        // A real date: its year.
        Cell::DateTime(43_600.0),
    ] {
        assert_eq!(parse_year(&cell), Ok(2019), "{cell:?}");
    }
    assert_eq!(
        parse_year(&Cell::Number(1998.0)).unwrap_err(),
        "Tahun 1998 di luar rentang 2000–2100."
    );
    assert_eq!(
        parse_year(&t("2019/2020")).unwrap_err(),
        "\"2019/2020\" berisi lebih dari satu tahun; isi satu tahun saja."
    );
    assert_eq!(
        parse_year(&t("sembilan belas")).unwrap_err(),
        "Tahun \"sembilan belas\" tidak dikenali; isi 4 angka, contoh 2019."
    );
    assert!(parse_year(&t("19")).is_err());
    assert!(parse_year(&Cell::Number(2019.5)).is_err());
    assert_eq!(parse_year(&Cell::Empty).unwrap_err(), "Tahun kosong.");
}

#[test]
fn batch_number() {
    for (cell, n) in [
        (t("Angkatan I"), 1),
        (t("Angkatan 2"), 2),
        (t("II"), 2),
        (t("Ke-3"), 3),
        (t("ke 3"), 3),
        (t("Angk. IV"), 4),
        (t("ANGKATAN V"), 5),
        (t("Gelombang 1"), 1),
        (t("Angkatan Ketiga"), 3),
        (t("angkatan2"), 2),
        (t("Angkatan II Tahun 2019"), 2),
        (t("Angkatan 1 (Satu)"), 1),
        (t("IX"), 9),
        (t("xii"), 12),
        (Cell::Number(4.0), 4),
        (t("7"), 7),
    ] {
        assert_eq!(parse_batch_number(&cell), Ok(n), "{cell:?}");
    }
    assert_eq!(
        parse_batch_number(&t("Angkatan A")).unwrap_err(),
        "Angkatan \"Angkatan A\" tidak dikenali; isi angka seperti 1, 2 atau I, II."
    );
    for bad in ["IIII", "Angkatan 1 2", "Angkatan 1 (Dua)", "0", "Angkatan"] {
        assert!(parse_batch_number(&t(bad)).is_err(), "{bad}");
    }
    assert!(parse_batch_number(&Cell::Number(0.0)).is_err());
    assert!(parse_batch_number(&Cell::Number(1.5)).is_err());
    assert_eq!(
        parse_batch_number(&Cell::Empty).unwrap_err(),
        "Angkatan kosong."
    );
}

// --- helpers ---------------------------------------------------------------------------------

#[test]
fn optional_names_and_text() {
    assert_eq!(optional(&Cell::Empty, parse_gender), Ok(None));
    assert_eq!(optional(&t("-"), parse_gender), Ok(None));
    assert_eq!(optional(&t("P"), parse_gender), Ok(Some(Gender::P)));
    assert!(optional(&t("?"), parse_gender).is_err());
    assert_eq!(clean_text(&t("  Tata   Boga \n")), "Tata Boga");
    assert_eq!(clean_text(&Cell::Number(12.0)), "12");
    assert_eq!(
        parse_name(&t(" Siti   Aminah ")),
        Ok("Siti Aminah".to_owned())
    );
    assert_eq!(parse_name(&Cell::Empty).unwrap_err(), "Nama kosong.");
    assert_eq!(
        parse_name(&Cell::Number(3.0)).unwrap_err(),
        "Nama \"3\" tidak berisi huruf."
    );
}

#[test]
fn year_from_a_sheet_name_or_title() {
    for (text, year) in [
        ("2019", Some(2019)),
        ("Alumni 2019", Some(2019)),
        ("alumni_2019", Some(2019)),
        ("Thn.2021", Some(2021)),
        (
            "DAFTAR ALUMNI PELATIHAN BLK TANJABTIM TAHUN 2019",
            Some(2019),
        ),
        ("DAFTAR ALUMNI TAHUN 2019 (per 31-12-2019)", Some(2019)),
        ("2027", Some(2027)), // next year's plan
        // Several years: the admin says which.
        ("TA 2019/2020", None),
        ("Alumni 2017-2019", None),
        // No plausible year.
        ("Sheet1", None),
        ("Lembar 12019", None),
        ("Alumni 1998", None),
        ("Rencana 2031", None),
        ("Kode 0000", None),
        ("", None),
    ] {
        assert_eq!(year_in_text(text, YEAR), year, "{text}");
    }
}
