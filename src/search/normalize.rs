//! Query understanding, pure: text is normalised the same way for listings and queries (case,
//! accents, punctuation, spacing), split into words, and each query word or phrase is expanded
//! with its synonym groups and, for a longer unknown word, with the known words one typo away.

use std::collections::HashMap;

use crate::domain::text;

/// Longest query the catalog reads, in words; the rest is ignored.
pub const MAX_QUERY_WORDS: usize = 10;
/// A query word needs at least this many letters before a typo in it is forgiven.
pub const TYPO_MIN_LEN: usize = 5;

/// The words of a text as search compares them: [`text::words`], the one folding used for
/// listings and queries alike.
pub fn tokens(text: &str) -> Vec<String> {
    text::words(text)
}

/// One synonym group as the admin writes it, comma separated: `"ac, pendingin ruangan"`.
/// Returns its phrases (each a list of words), duplicates and empty entries removed.
pub fn parse_group(words: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for part in words.split([',', ';', '\n']) {
        let phrase = tokens(part);
        if !phrase.is_empty() && !out.contains(&phrase) {
            out.push(phrase);
        }
    }
    out
}

/// An admin's synonym group, checked and written the canonical way (normalised phrases joined
/// by ", "), or the message to show.
pub fn validate_group(raw: &str) -> Result<String, &'static str> {
    if raw.chars().count() > 500 {
        return Err("Terlalu panjang: paling banyak 500 karakter.");
    }
    let phrases = parse_group(raw);
    if phrases.len() < 2 {
        return Err("Tulis paling sedikit dua kata atau frasa yang berbeda, dipisahkan koma.");
    }
    if phrases.len() > 20 {
        return Err("Paling banyak 20 kata atau frasa dalam satu kelompok.");
    }
    if phrases.iter().any(|p| p.len() > 4) {
        return Err("Setiap frasa paling banyak 4 kata.");
    }
    Ok(phrases
        .iter()
        .map(|p| p.join(" "))
        .collect::<Vec<_>>()
        .join(", "))
}

/// The synonym groups, looked up by phrase.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    groups: Vec<Vec<Vec<String>>>,
    /// Phrase (words joined by a space) → the groups it belongs to.
    by_phrase: HashMap<String, Vec<usize>>,
    longest: usize,
}

impl Synonyms {
    pub fn new<'a>(groups: impl IntoIterator<Item = &'a str>) -> Synonyms {
        let mut s = Synonyms::default();
        for g in groups {
            let phrases = parse_group(g);
            if phrases.len() < 2 {
                continue;
            }
            let index = s.groups.len();
            for p in &phrases {
                s.longest = s.longest.max(p.len());
                s.by_phrase.entry(p.join(" ")).or_default().push(index);
            }
            s.groups.push(phrases);
        }
        s
    }

    /// The groups a phrase (already normalised, words joined by one space) belongs to.
    fn groups_of(&self, phrase: &str) -> &[usize] {
        self.by_phrase.get(phrase).map_or(&[], Vec::as_slice)
    }

    /// Every one-word entry, for typo correction.
    pub fn single_words(&self) -> impl Iterator<Item = &str> {
        self.by_phrase
            .keys()
            .filter(|k| !k.contains(' '))
            .map(String::as_str)
    }
}

/// How a query word was matched, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Exact,
    Synonym,
    Typo,
}

impl Kind {
    /// Score factor: an exact word counts more than a synonym, a synonym more than a typo.
    pub fn weight(self) -> u32 {
        match self {
            Kind::Exact => 3,
            Kind::Synonym => 2,
            Kind::Typo => 1,
        }
    }
}

/// One way a query term may appear in a listing: a phrase of consecutive words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    pub phrase: Vec<String>,
    pub kind: Kind,
}

/// A query word (or a multi-word synonym the query contains) and everything it may match.
/// A listing matches the query when it matches at least one alternative of every term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    pub alternatives: Vec<Alternative>,
}

impl Term {
    fn add(&mut self, phrase: Vec<String>, kind: Kind) {
        match self.alternatives.iter_mut().find(|a| a.phrase == phrase) {
            Some(a) => a.kind = a.kind.min(kind),
            None => self.alternatives.push(Alternative { phrase, kind }),
        }
    }

    fn add_groups(&mut self, synonyms: &Synonyms, phrase: &str, kind: Kind) {
        for &g in synonyms.groups_of(phrase) {
            for p in &synonyms.groups[g] {
                self.add(p.clone(), kind);
            }
        }
    }
}

/// Whether two words are at most one edit apart: one letter added, removed, changed, or two
/// neighbours swapped.
pub fn one_typo_apart(a: &str, b: &str) -> bool {
    let (la, lb) = (a.chars().count(), b.chars().count());
    la.abs_diff(lb) <= 1 && strsim::osa_distance(a, b) <= 1
}

/// Reads a query into terms. `known` says whether a word occurs in the catalog; `vocabulary`
/// lists the catalog's words (consulted only for a longer word the catalog does not know).
pub fn parse_query<'v>(
    query: &str,
    synonyms: &Synonyms,
    known: impl Fn(&str) -> bool,
    vocabulary: impl Fn() -> Box<dyn Iterator<Item = &'v str> + 'v>,
) -> Vec<Term> {
    let words: Vec<String> = tokens(query).into_iter().take(MAX_QUERY_WORDS).collect();
    let mut terms: Vec<Term> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        // The longest synonym phrase starting here wins: "pendingin ruangan" is one term.
        let longest = (1..=synonyms.longest.min(words.len() - i))
            .rev()
            .find(|&n| !synonyms.groups_of(&words[i..i + n].join(" ")).is_empty());
        if let Some(n) = longest {
            let phrase = words[i..i + n].to_vec();
            let text = phrase.join(" ");
            let mut term = Term {
                text: text.clone(),
                alternatives: vec![Alternative {
                    phrase,
                    kind: Kind::Exact,
                }],
            };
            term.add_groups(synonyms, &text, Kind::Synonym);
            terms.push(term);
            i += n;
            continue;
        }
        let word = &words[i];
        let mut term = Term {
            text: word.clone(),
            alternatives: vec![Alternative {
                phrase: vec![word.clone()],
                kind: Kind::Exact,
            }],
        };
        if word.chars().count() >= TYPO_MIN_LEN && !known(word) {
            let close = |v: &&str| *v != word && one_typo_apart(word, v);
            let mut near: Vec<String> = vocabulary().filter(close).map(str::to_owned).collect();
            near.extend(synonyms.single_words().filter(close).map(str::to_owned));
            near.sort();
            near.dedup();
            for v in near {
                term.add_groups(synonyms, &v, Kind::Typo);
                term.add(vec![v], Kind::Typo);
            }
        }
        terms.push(term);
        i += 1;
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> Synonyms {
        Synonyms::new([
            "servis, service, perbaikan, reparasi",
            "ac, pendingin ruangan, air conditioner",
            "ultah, ulang tahun, ulangtahun, birthday",
            "kue, roti, snack, jajanan",
            "jahit, menjahit, penjahit, jahitan",
            "snack box, kotak snack, kue kotak",
        ])
    }

    fn phrases(t: &Term) -> Vec<(String, Kind)> {
        t.alternatives
            .iter()
            .map(|a| (a.phrase.join(" "), a.kind))
            .collect()
    }

    const VOCAB: &[&str] = &["service", "split", "kue", "jahit", "baju", "ulang", "tahun"];

    fn parse(q: &str) -> Vec<Term> {
        parse_query(
            q,
            &seed(),
            |w| VOCAB.contains(&w),
            || Box::new(VOCAB.iter().copied()),
        )
    }

    #[test]
    fn tokens_are_folded_words() {
        assert_eq!(tokens("  Kue  Ulang-Tahun!! "), ["kue", "ulang", "tahun"]);
        assert_eq!(tokens("CAFÉ Crème,Brûlée"), ["cafe", "creme", "brulee"]);
        assert_eq!(
            tokens("Servis A.C. (split) 1/2 PK"),
            ["servis", "a", "c", "split", "1", "2", "pk"]
        );
        assert_eq!(tokens("  "), Vec::<String>::new());
        assert_eq!(
            tokens("Jahit\tSeragam\nSekolah"),
            ["jahit", "seragam", "sekolah"]
        );
    }

    #[test]
    fn groups_need_two_phrases_and_drop_duplicates() {
        assert_eq!(
            parse_group("AC, pendingin  ruangan,, ac ,"),
            vec![
                vec!["ac".to_string()],
                vec!["pendingin".into(), "ruangan".into()]
            ]
        );
        let s = Synonyms::new(["sendiri", "a, a"]);
        assert!(s.groups.is_empty());
    }

    #[test]
    fn a_word_expands_to_its_synonyms() {
        let terms = parse("Servis AC");
        assert_eq!(terms.len(), 2);
        let first = phrases(&terms[0]);
        assert_eq!(first[0], ("servis".into(), Kind::Exact));
        assert!(first.contains(&("service".into(), Kind::Synonym)));
        assert!(first.contains(&("perbaikan".into(), Kind::Synonym)));
        let second = phrases(&terms[1]);
        assert!(second.contains(&("pendingin ruangan".into(), Kind::Synonym)));
    }

    #[test]
    fn a_multi_word_synonym_is_one_term() {
        let terms = parse("pendingin ruangan");
        assert_eq!(terms.len(), 1);
        assert!(phrases(&terms[0]).contains(&("ac".into(), Kind::Synonym)));
        // The longest phrase wins: "kue kotak" is the snack-box group, not "kue" + "kotak".
        let terms = parse("kue kotak");
        assert_eq!(terms.len(), 1);
        assert!(phrases(&terms[0]).contains(&("snack box".into(), Kind::Synonym)));
        let terms = parse("kue ulang tahun");
        assert_eq!(terms.len(), 2);
        assert!(phrases(&terms[1]).contains(&("ultah".into(), Kind::Synonym)));
    }

    #[test]
    fn one_typo_in_a_longer_word_is_forgiven() {
        // "servce" is one letter short of "service", a catalog word; its synonyms come along.
        let terms = parse("servce");
        let p = phrases(&terms[0]);
        assert!(p.contains(&("service".into(), Kind::Typo)), "{p:?}");
        assert!(p.contains(&("servis".into(), Kind::Typo)), "{p:?}");
        // Transposed letters.
        assert!(phrases(&parse("jahti")[0]).contains(&("jahit".into(), Kind::Typo)));
        // "jahitn": six letters, one extra.
        assert!(phrases(&parse("jahitn")[0]).contains(&("jahit".into(), Kind::Typo)));
        // Short words must be exact: "kua" is not "kue".
        assert_eq!(phrases(&parse("kua")[0]), vec![("kua".into(), Kind::Exact)]);
        // Two typos are too many.
        assert_eq!(parse("srvce")[0].alternatives.len(), 1);
        // A word the catalog knows is taken as it is.
        assert_eq!(parse("split")[0].alternatives.len(), 1);
    }

    #[test]
    fn typo_distance() {
        assert!(one_typo_apart("service", "servce"));
        assert!(one_typo_apart("jahit", "jahti"));
        assert!(one_typo_apart("rias", "ruas"));
        assert!(!one_typo_apart("servis", "servce"));
        assert!(!one_typo_apart("kue", "kuenya"));
    }

    #[test]
    fn admin_groups_are_checked_and_normalised() {
        assert_eq!(
            validate_group(" Sablon, Cetak Kaos ,sablon"),
            Ok("sablon, cetak kaos".into())
        );
        assert!(validate_group("sablon").is_err());
        assert!(validate_group("sablon, SABLON").is_err());
        assert!(validate_group(" , ,").is_err());
        assert!(validate_group("a, b c d e f").is_err());
    }

    #[test]
    fn long_queries_are_cut() {
        let q = "a b c d e f g h i j k l m";
        assert_eq!(parse(q).len(), MAX_QUERY_WORDS);
    }
}
