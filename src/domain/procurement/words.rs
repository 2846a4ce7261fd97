//! Amounts in Indonesian words ("terbilang"), as written on receipts, SPK and kuitansi:
//! `1.250.000` → "satu juta dua ratus lima puluh ribu rupiah".

const UNITS: [&str; 10] = [
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
];

const TRILIUN: u64 = 1_000_000_000_000;

/// Scale words for the groups of three digits below one triliun, highest first.
const SCALES: [(u64, &str); 3] = [
    (1_000_000_000, "miliar"),
    (1_000_000, "juta"),
    (1_000, "ribu"),
];

/// The number in Indonesian words, lower case: 0 → "nol", 11 → "sebelas", 100 → "seratus",
/// 1.000 → "seribu", 1.250.000 → "satu juta dua ratus lima puluh ribu".
///
/// Named scales go up to triliun (10^12); larger values repeat it
/// (10^15 → "seribu triliun"), so every `u64` has words.
pub fn terbilang(n: u64) -> String {
    if n == 0 {
        return UNITS[0].to_string();
    }
    let mut words: Vec<String> = Vec::new();
    push_words(n, &mut words);
    words.join(" ")
}

/// Words for `n > 0`, appended to `out`.
fn push_words(n: u64, out: &mut Vec<String>) {
    let mut rest = n;
    if rest >= TRILIUN {
        push_words(rest / TRILIUN, out);
        out.push("triliun".to_string());
        rest %= TRILIUN;
    }
    for (scale, name) in SCALES {
        let group = rest / scale;
        rest %= scale;
        if group == 0 {
            continue;
        }
        if group == 1 && scale == 1_000 {
            // "seribu", but "satu juta", "satu miliar".
            out.push("seribu".to_string());
        } else {
            push_below_thousand(group, out);
            out.push(name.to_string());
        }
    }
    if rest > 0 {
        push_below_thousand(rest, out);
    }
}

/// Words for `1..=999`.
fn push_below_thousand(n: u64, out: &mut Vec<String>) {
    debug_assert!((1..1000).contains(&n));
    let hundreds = n / 100;
    let rest = n % 100;
    match hundreds {
        0 => {}
        1 => out.push("seratus".to_string()),
        h => {
            out.push(UNITS[h as usize].to_string());
            out.push("ratus".to_string());
        }
    }
    match rest {
        0 => {}
        1..=9 => out.push(UNITS[rest as usize].to_string()),
        10 => out.push("sepuluh".to_string()),
        11 => out.push("sebelas".to_string()),
        12..=19 => {
            out.push(UNITS[(rest - 10) as usize].to_string());
            out.push("belas".to_string());
        }
        _ => {
            out.push(UNITS[(rest / 10) as usize].to_string());
            out.push("puluh".to_string());
            if !rest.is_multiple_of(10) {
                out.push(UNITS[(rest % 10) as usize].to_string());
            }
        }
    }
}

/// A Rupiah amount in words, lower case: "satu juta dua ratus lima puluh ribu rupiah";
/// negative amounts start with "minus".
pub fn rupiah_in_words(amount: i64) -> String {
    let words = format!("{} rupiah", terbilang(amount.unsigned_abs()));
    if amount < 0 {
        format!("minus {words}")
    } else {
        words
    }
}

/// The first letter in upper case, the rest unchanged: "satu juta rupiah" → "Satu juta rupiah".
pub fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The form printed on documents: "Satu juta dua ratus lima puluh ribu rupiah".
pub fn rupiah_in_words_capitalised(amount: i64) -> String {
    capitalised(&rupiah_in_words(amount))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_named_in_the_issue() {
        let cases: [(u64, &str); 11] = [
            (0, "nol"),
            (1, "satu"),
            (11, "sebelas"),
            (12, "dua belas"),
            (100, "seratus"),
            (101, "seratus satu"),
            (1_000, "seribu"),
            (1_001, "seribu satu"),
            (1_000_000, "satu juta"),
            (1_250_000, "satu juta dua ratus lima puluh ribu"),
            (
                999_999_999_999,
                "sembilan ratus sembilan puluh sembilan miliar \
                 sembilan ratus sembilan puluh sembilan juta \
                 sembilan ratus sembilan puluh sembilan ribu \
                 sembilan ratus sembilan puluh sembilan",
            ),
        ];
        for (n, want) in cases {
            assert_eq!(terbilang(n), want, "terbilang({n})");
        }
    }

    #[test]
    fn tens_teens_and_round_numbers() {
        let cases: [(u64, &str); 11] = [
            (10, "sepuluh"),
            (19, "sembilan belas"),
            (20, "dua puluh"),
            (110, "seratus sepuluh"),
            (111, "seratus sebelas"),
            (1_100, "seribu seratus"),
            (2_000, "dua ribu"),
            (10_000, "sepuluh ribu"),
            (11_000, "sebelas ribu"),
            (100_000, "seratus ribu"),
            (1_000_000_000, "satu miliar"),
        ];
        for (n, want) in cases {
            assert_eq!(terbilang(n), want, "terbilang({n})");
        }
    }

    #[test]
    fn every_number_below_one_hundred_follows_the_pattern() {
        assert_eq!(terbilang(9), "sembilan");
        assert_eq!(terbilang(13), "tiga belas");
        assert_eq!(terbilang(21), "dua puluh satu");
        assert_eq!(terbilang(45), "empat puluh lima");
        assert_eq!(terbilang(99), "sembilan puluh sembilan");
        // No "se-" form except 10, 11, 100, 1000, and no doubled spaces anywhere.
        for n in 1..2_000u64 {
            let w = terbilang(n);
            assert!(!w.contains("  "), "{n}: {w:?}");
            assert!(!w.contains("satu ratus"), "{n}: {w:?}");
            assert!(!w.contains("satu ribu"), "{n}: {w:?}");
            assert!(!w.contains("satu puluh"), "{n}: {w:?}");
            assert!(!w.contains("satu belas"), "{n}: {w:?}");
            assert!(!w.contains("nol"), "{n}: {w:?}");
        }
    }

    #[test]
    fn thousands_inside_larger_numbers() {
        assert_eq!(terbilang(1_001_000), "satu juta seribu");
        assert_eq!(terbilang(1_000_001), "satu juta satu");
        assert_eq!(terbilang(21_000), "dua puluh satu ribu");
        assert_eq!(terbilang(101_000), "seratus satu ribu");
        assert_eq!(terbilang(201_001), "dua ratus satu ribu satu");
        assert_eq!(
            terbilang(2_015_300_450),
            "dua miliar lima belas juta tiga ratus ribu empat ratus lima puluh"
        );
    }

    #[test]
    fn triliun_range() {
        assert_eq!(terbilang(1_000_000_000_000), "satu triliun");
        assert_eq!(terbilang(1_000_000_000_001), "satu triliun satu");
        assert_eq!(
            terbilang(12_000_500_000_000),
            "dua belas triliun lima ratus juta"
        );
        assert_eq!(
            terbilang(999_999_999_999_999),
            "sembilan ratus sembilan puluh sembilan triliun \
             sembilan ratus sembilan puluh sembilan miliar \
             sembilan ratus sembilan puluh sembilan juta \
             sembilan ratus sembilan puluh sembilan ribu \
             sembilan ratus sembilan puluh sembilan"
        );
        // Beyond the named scales the triliun repeats instead of failing.
        assert_eq!(terbilang(1_000_000_000_000_000), "seribu triliun");
        assert_eq!(
            terbilang(u64::MAX),
            "delapan belas juta empat ratus empat puluh enam ribu tujuh ratus empat puluh empat \
             triliun tujuh puluh tiga miliar tujuh ratus sembilan juta \
             lima ratus lima puluh satu ribu enam ratus lima belas"
        );
    }

    #[test]
    fn rupiah_amounts() {
        assert_eq!(
            rupiah_in_words(1_250_000),
            "satu juta dua ratus lima puluh ribu rupiah"
        );
        assert_eq!(rupiah_in_words(0), "nol rupiah");
        assert_eq!(rupiah_in_words(-1_500), "minus seribu lima ratus rupiah");
        assert_eq!(
            rupiah_in_words(i64::MIN),
            "minus sembilan juta dua ratus dua puluh tiga ribu tiga ratus tujuh puluh dua \
             triliun tiga puluh enam miliar delapan ratus lima puluh empat juta \
             tujuh ratus tujuh puluh lima ribu delapan ratus delapan rupiah"
        );
    }

    #[test]
    fn capitalised_for_documents() {
        assert_eq!(
            rupiah_in_words_capitalised(1_250_000),
            "Satu juta dua ratus lima puluh ribu rupiah"
        );
        assert_eq!(rupiah_in_words_capitalised(-5), "Minus lima rupiah");
        assert_eq!(capitalised(""), "");
        assert_eq!(capitalised("seribu"), "Seribu");
        assert_eq!(capitalised("Sudah"), "Sudah");
    }
}
