use super::*;
use crate::domain::region::embedded_children;

/// The 11 kecamatan of Tanjung Jabung Timur (15.07.01 Muara Sabak Timur … 15.07.11 Berbak).
fn kecamatan() -> Vec<Region> {
    embedded_children("15.07")
}

/// Every desa and kelurahan of Tanjung Jabung Timur.
fn all_desa() -> Vec<Region> {
    kecamatan()
        .iter()
        .flat_map(|k| embedded_children(&k.code))
        .collect()
}

fn probable(m: &RegionMatch) -> (&str, &str) {
    match m {
        RegionMatch::Probable { code, why, .. } => (code, why),
        other => panic!("expected a probable match, got {other:?}"),
    }
}

fn offered(m: &RegionMatch) -> Vec<&str> {
    match m {
        RegionMatch::Ambiguous(list) => list.iter().map(|(_, name)| name.as_str()).collect(),
        other => panic!("expected an ambiguous match, got {other:?}"),
    }
}

#[test]
fn the_tanjabtim_list_is_what_the_tests_assume() {
    let k = kecamatan();
    let names: Vec<&str> = k.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Muara Sabak Timur",
            "Nipah Panjang",
            "Mendahara",
            "Rantau Rasau",
            "Sadu",
            "Dendang",
            "Muara Sabak Barat",
            "Kuala Jambi",
            "Mendahara Ulu",
            "Geragai",
            "Berbak",
        ]
    );
    assert_eq!(all_desa().len(), 93);
}

#[test]
fn exact_names_up_to_case_punctuation_prefix_and_roman_numerals() {
    let k = kecamatan();
    for (typed, code) in [
        ("Muara Sabak Timur", "15.07.01"),
        ("muara sabak timur", "15.07.01"),
        ("  MUARA   SABAK  TIMUR ", "15.07.01"),
        ("Kec. Muara Sabak Timur", "15.07.01"),
        ("Kecamatan Berbak", "15.07.11"),
        ("KEC.SADU", "15.07.05"),
        ("Mendahara", "15.07.03"),
        ("Mendahara Ulu", "15.07.09"),
        ("Kuala Jambi.", "15.07.08"),
    ] {
        assert_eq!(
            match_region(typed, &k),
            RegionMatch::Exact(code.to_owned()),
            "{typed:?}"
        );
    }
    let d = all_desa();
    for (typed, code) in [
        ("Nipah Panjang I", "15.07.02.1001"),
        ("Kel. Nipah Panjang 2", "15.07.02.1002"),
        ("Desa Alang-Alang", "15.07.01.2001"),
        ("Alang Alang", "15.07.01.2001"),
        ("Alang2", "15.07.01.2001"),
        ("Ds. Lambur II", "15.07.01.2012"),
        ("Lambur", "15.07.01.2002"),
    ] {
        assert_eq!(
            match_region(typed, &d),
            RegionMatch::Exact(code.to_owned()),
            "{typed:?}"
        );
    }
}

#[test]
fn abbreviations_are_written_out_and_said() {
    let k = kecamatan();
    let m = match_region("Kec. Muara Sabak Tim.", &k);
    assert_eq!(
        m,
        RegionMatch::Probable {
            code: "15.07.01".into(),
            name: "Muara Sabak Timur".into(),
            why: "\"Kec. Muara Sabak Tim.\" dibaca sebagai Muara Sabak Timur".into(),
        }
    );
    assert_eq!(m.code(), Some("15.07.01"));
    for (typed, code) in [
        ("Muara Sabak Brt", "15.07.07"),
        ("Muara Sabak Bar.", "15.07.07"),
        ("Ma. Sabak Timur", "15.07.01"),
        ("Mdh Ulu", "15.07.09"),
        ("M. Sabak Tim", "15.07.01"),
        ("Muara Sbk Barat", "15.07.07"),
    ] {
        assert_eq!(probable(&match_region(typed, &k)).0, code, "{typed:?}");
    }
    let d = all_desa();
    for (typed, code) in [
        ("Sei Ular", "15.07.01.2016"),
        ("S. Ular", "15.07.01.2016"),
        ("Sg Tering", "15.07.02.2008"),
        ("Sp. Jelita", "15.07.02.2003"),
        ("Tlk Kijing", "15.07.02.2005"),
        ("Pangkal Duri Ilr", "15.07.03.2018"),
        ("Sei Terin", "15.07.02.2008"),
    ] {
        assert_eq!(probable(&match_region(typed, &d)).0, code, "{typed:?}");
    }
}

#[test]
fn initials() {
    let k = kecamatan();
    let m = match_region("MST", &k);
    assert_eq!(
        probable(&m),
        (
            "15.07.01",
            "\"MST\" dibaca sebagai Muara Sabak Timur (singkatan)"
        )
    );
    assert_eq!(probable(&match_region("msb", &k)).0, "15.07.07");
    assert_eq!(probable(&match_region("Kec. MSB", &k)).0, "15.07.07");
    assert_eq!(probable(&match_region("KJ", &k)).0, "15.07.08");
    // "MU" could be Mendahara Ulu only; "NP" Nipah Panjang.
    assert_eq!(probable(&match_region("NP", &k)).0, "15.07.02");
}

#[test]
fn nipah_pjg_is_ambiguous_between_the_two_kelurahan() {
    let d = all_desa();
    let m = match_region("Nipah Pjg", &d);
    assert_eq!(
        m,
        RegionMatch::Ambiguous(vec![
            ("15.07.02.1001".into(), "Nipah Panjang I".into()),
            ("15.07.02.1002".into(), "Nipah Panjang II".into()),
        ])
    );
    assert_eq!(m.code(), None);
    // The same within the kecamatan's own list.
    let np = embedded_children("15.07.02");
    assert_eq!(
        offered(&match_region("Nipah Panjang", &np)),
        ["Nipah Panjang I", "Nipah Panjang II"]
    );
    assert_eq!(
        offered(&match_region("Desa Nipah Pjg.", &np)),
        ["Nipah Panjang I", "Nipah Panjang II"]
    );
}

#[test]
fn partial_names_fitting_several_regions_are_asked() {
    let k = kecamatan();
    assert_eq!(
        offered(&match_region("Muara Sabak", &k)),
        ["Muara Sabak Timur", "Muara Sabak Barat"]
    );
    let d = all_desa();
    assert_eq!(
        offered(&match_region("Lagan", &d)),
        [
            "Lagan Ilir",
            "Kuala Lagan",
            "Lagan Ulu",
            "Lagan Tengah",
            "Pandan Lagan"
        ]
    );
    assert_eq!(
        offered(&match_region(
            "Rantau Rasau",
            &embedded_children("15.07.04")
        )),
        ["Rantau Rasau I", "Rantau Rasau II"]
    );
    // A single-letter start fits many: at most MAX_OFFERED are offered.
    assert_eq!(offered(&match_region("S", &d)).len(), MAX_OFFERED);
}

#[test]
fn a_unique_partial_name_is_used_and_said() {
    let d = all_desa();
    assert_eq!(
        probable(&match_region("Air Hitam", &d)),
        (
            "15.07.05.2002",
            "\"Air Hitam\" dibaca sebagai Air Hitam Laut"
        )
    );
}

#[test]
fn whole_words_from_inside_a_name() {
    let k = kecamatan();
    assert_eq!(
        probable(&match_region("Sabak Timur", &k)),
        (
            "15.07.01",
            "\"Sabak Timur\" dibaca sebagai Muara Sabak Timur"
        )
    );
    assert_eq!(
        offered(&match_region("Sabak", &k)),
        ["Muara Sabak Timur", "Muara Sabak Barat"]
    );
    // Too little of the name to use it without asking.
    assert_eq!(offered(&match_region("Timur", &k)), ["Muara Sabak Timur"]);
    assert_eq!(offered(&match_region("Sa", &k)), ["Sadu"]);
    assert_eq!(probable(&match_region("Sad", &k)).0, "15.07.05");
    let d = all_desa();
    assert_eq!(
        offered(&match_region("Panjang", &d)),
        ["Nipah Panjang I", "Nipah Panjang II"]
    );
}

#[test]
fn a_name_inside_longer_text() {
    let d = all_desa();
    assert_eq!(
        probable(&match_region("Lambur I RT 05", &d)),
        (
            "15.07.01.2011",
            "\"Lambur I RT 05\" dibaca sebagai Lambur I (nama wilayah di dalam teks)"
        )
    );
    let k = kecamatan();
    assert_eq!(probable(&match_region("Sadu, Tanjabtim", &k)).0, "15.07.05");
}

#[test]
fn misspellings_clearly_closest_are_used_and_said() {
    let k = kecamatan();
    for (typed, code) in [
        ("Mendhara", "15.07.03"),
        ("Geragae", "15.07.10"),
        ("Muara Sabak Timr", "15.07.01"),
        ("Muarasabak Barat", "15.07.07"),
        ("Brbak", "15.07.11"),
        ("Kuala Jmbi", "15.07.08"),
        ("Dendank", "15.07.06"),
    ] {
        let m = match_region(typed, &k);
        let (c, why) = probable(&m);
        assert_eq!(c, code, "{typed:?}");
        assert!(why.ends_with("(ejaan paling mirip)"), "{why}");
    }
    assert_eq!(
        probable(&match_region("Mendhara", &k)).1,
        "\"Mendhara\" dibaca sebagai Mendahara (ejaan paling mirip)"
    );
}

#[test]
fn the_margin_decides_between_close_spellings() {
    let d = all_desa();
    // "Sungai Tomar": one letter from Sungai Toman (0.91), two from Sungai Tawar (0.82). The
    // lead is under CLEAR_MARGIN, so the admin is asked.
    let typed = "sungaitomar";
    let toman = strsim::normalized_damerau_levenshtein(typed, "sungaitoman");
    let tawar = strsim::normalized_damerau_levenshtein(typed, "sungaitawar");
    assert!(toman >= CLEAR_SCORE && toman - tawar < CLEAR_MARGIN);
    assert_eq!(
        offered(&match_region("Sungai Tomar", &d)),
        ["Sungai Toman", "Sungai Tawar"]
    );
    // With Sungai Tawar out of the list the lead is clear.
    let without: Vec<Region> = d
        .iter()
        .filter(|r| r.name != "Sungai Tawar")
        .cloned()
        .collect();
    assert_eq!(
        probable(&match_region("Sungai Tomar", &without)).0,
        "15.07.09.2003"
    );
    // A spelling close to nothing clearly, but to one region somewhat, is asked about too.
    let k = kecamatan();
    assert_eq!(offered(&match_region("Sado", &k)), ["Sadu"]);
}

#[test]
fn nothing_close_is_not_found() {
    let k = kecamatan();
    for typed in ["Jakarta Selatan", "", "  ", "-", "Kec.", "Kuala Tungkal"] {
        assert_eq!(match_region(typed, &k), RegionMatch::NotFound, "{typed:?}");
    }
    assert_eq!(match_region("Sadu", &[]), RegionMatch::NotFound);
}

#[test]
fn duplicate_names_in_the_candidates_are_asked() {
    // Rantau Rasau is a kecamatan and also a desa of Berbak.
    let mut mixed = kecamatan();
    mixed.extend(embedded_children("15.07.11"));
    assert_eq!(
        match_region("Rantau Rasau", &mixed),
        RegionMatch::Ambiguous(vec![
            ("15.07.04".into(), "Rantau Rasau".into()),
            ("15.07.11.2002".into(), "Rantau Rasau".into()),
        ])
    );
}

#[test]
fn a_matcher_is_reusable() {
    let k = kecamatan();
    let matcher = RegionMatcher::new(&k);
    assert_eq!(matcher.find("Sadu").code(), Some("15.07.05"));
    assert_eq!(matcher.find("MST").code(), Some("15.07.01"));
    assert_eq!(matcher.find("xyz"), RegionMatch::NotFound);
}
