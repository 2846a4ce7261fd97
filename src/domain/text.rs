//! Text folding: the one way Karya makes typed text comparable. Search (listings and queries),
//! import headers, import values, names of trades, programs and people, and region matching all
//! start from [`fold`]; each adds its own steps on top in its own module (search tokenising,
//! header remarks in parentheses, Roman numerals and `Alang2` in region names).

/// Lower case, accents removed, everything but letters and digits turned into a space, spaces
/// collapsed and trimmed: `"  Kue  Ulang-Tahun!"` → `"kue ulang tahun"`,
/// `"CAFÉ Crème"` → `"cafe creme"`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.chars() {
        for l in c.to_lowercase() {
            let l = fold_accent(l);
            if l.is_alphanumeric() {
                out.push(l);
                space = false;
            } else if !space {
                out.push(' ');
                space = true;
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The words of [`fold`]: `"Jahit\tSeragam"` → `["jahit", "seragam"]`.
pub fn words(text: &str) -> Vec<String> {
    fold(text).split_whitespace().map(str::to_owned).collect()
}

/// [`fold`] with the spaces removed, letters and digits only: `"Laki-laki"` → `"lakilaki"`.
pub fn compact(text: &str) -> String {
    fold(text).replace(' ', "")
}

/// Latin letters with diacritics as their base letter (names and loanwords: "café", "Muara
/// Sabak Timur" typed on a French keyboard). Other characters are returned unchanged.
fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
        'ç' | 'č' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'ñ' | 'ń' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' => 'u',
        'ý' | 'ÿ' => 'y',
        'š' | 'ś' => 's',
        'ž' | 'ź' | 'ż' => 'z',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_punctuation_and_spaces() {
        assert_eq!(fold("  Kue  Ulang-Tahun!! "), "kue ulang tahun");
        assert_eq!(fold("CAFÉ Crème,Brûlée"), "cafe creme brulee");
        assert_eq!(
            fold("Servis A.C. (split) 1/2 PK"),
            "servis a c split 1 2 pk"
        );
        assert_eq!(fold(" Tdk. Lulus "), "tdk lulus");
        assert_eq!(fold("JOSÉ  Ñuñez"), "jose nunez");
        assert_eq!(fold(""), "");
        assert_eq!(fold(" .,- "), "");
    }

    #[test]
    fn lower_cases_beyond_ascii() {
        // Full lower-casing, not ASCII only: the folded forms of "Ö" and "ö" are equal.
        assert_eq!(fold("ÖZIL"), fold("özil"));
        assert_eq!(fold("ΑΒΓ"), "αβγ");
    }

    #[test]
    fn words_and_compact_form() {
        assert_eq!(
            words("Jahit\tSeragam\nSekolah"),
            ["jahit", "seragam", "sekolah"]
        );
        assert_eq!(words("  "), Vec::<String>::new());
        assert_eq!(compact("Laki-laki"), "lakilaki");
        assert_eq!(compact("No. HP / WA"), "nohpwa");
        assert_eq!(compact("Tgl. Lahir"), "tgllahir");
    }
}
