//! Matching a typed kecamatan or desa name against the region list.
//!
//! Staff type `Kec. Muara Sabak Tim.`, `MST`, `Nipah Pjg`, `Sei Ular`, `Mendhara`. When one
//! region is clearly meant, it is used and the preview says how the name was read; when several
//! fit, the admin is asked. Nothing is guessed silently.
//!
//! The stages, first decisive one wins:
//! 1. the same name once case, punctuation, a `Kec.`/`Desa`/`Kel.` prefix and Roman numerals
//!    (`I` = `1`) are set aside → [`RegionMatch::Exact`];
//! 2. the same name once abbreviations are written out (`Tim.` → Timur, `Pjg` → Panjang,
//!    `Sei`/`S.` → Sungai …);
//! 3. every typed word starts the corresponding word of the name (`M. Sabak Tim`, `Nipah Pjg`
//!    → `Nipah Panjang I` and `II`), or the typed words are whole words of the name (`Sabak
//!    Timur`), or the typed word is the name's initials (`MST`). A single fit is used only
//!    when enough of it was typed ([`MIN_TYPED`], [`MIN_COVERAGE`]), else the admin is asked;
//! 4. a region's full name appears inside the typed text (`Lambur I RT 05`), the longest wins;
//! 5. spelling similarity (normalised Damerau–Levenshtein on the names without spaces): the
//!    best is used only when it scores at least [`CLEAR_SCORE`] and leads the runner-up by
//!    [`CLEAR_MARGIN`]; otherwise every candidate within the margin of the best, down to
//!    [`ASK_SCORE`], is offered.
//!
//! In stages 1–4 a single fitting region is used, several are offered.

use crate::domain::region::Region;
use crate::domain::text;

/// The least similarity at which a spelling is read as a region without asking.
pub const CLEAR_SCORE: f64 = 0.80;
/// How far the best similarity must lead the runner-up to be used without asking.
pub const CLEAR_MARGIN: f64 = 0.10;
/// Below this similarity a region is not offered at all.
pub const ASK_SCORE: f64 = 0.60;
/// A name typed in part (`Air Hitam` for Air Hitam Laut) is used without asking only when at
/// least this many letters were typed, covering at least [`MIN_COVERAGE`] of the name.
pub const MIN_TYPED: usize = 3;
pub const MIN_COVERAGE: f64 = 0.4;
/// At most this many regions are offered for one ambiguous name.
pub const MAX_OFFERED: usize = 10;

/// How a typed region name was matched.
#[derive(Debug, Clone, PartialEq)]
pub enum RegionMatch {
    /// The name itself, up to case, punctuation, prefix and Roman numerals.
    Exact(String),
    /// One region is clearly meant; `why` tells the admin how the name was read.
    Probable {
        code: String,
        name: String,
        why: String,
    },
    /// Several regions fit (code, name), best first: the admin chooses.
    Ambiguous(Vec<(String, String)>),
    NotFound,
}

impl RegionMatch {
    /// The region used without asking, if any.
    pub fn code(&self) -> Option<&str> {
        match self {
            RegionMatch::Exact(code) | RegionMatch::Probable { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// Words that precede a name without being part of it.
const PREFIXES: &[&str] = &[
    "kecamatan",
    "kec",
    "desa",
    "ds",
    "kelurahan",
    "kel",
    "dusun",
];

/// Abbreviations seen in the agency's files, written out.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("tim", "timur"),
    ("tmr", "timur"),
    ("bar", "barat"),
    ("brt", "barat"),
    ("br", "barat"),
    ("slt", "selatan"),
    ("sel", "selatan"),
    ("utr", "utara"),
    ("tgh", "tengah"),
    ("pjg", "panjang"),
    ("pnjg", "panjang"),
    ("pj", "panjang"),
    ("sei", "sungai"),
    ("s", "sungai"),
    ("sg", "sungai"),
    ("sng", "sungai"),
    ("sungei", "sungai"),
    ("mdh", "mendahara"),
    ("mdhr", "mendahara"),
    ("ma", "muara"),
    ("mr", "muara"),
    ("sbk", "sabak"),
    ("nph", "nipah"),
    ("tg", "tanjung"),
    ("tj", "tanjung"),
    ("tjg", "tanjung"),
    ("sp", "simpang"),
    ("spg", "simpang"),
    ("smp", "simpang"),
    ("ilr", "ilir"),
    ("kp", "kampung"),
    ("kpg", "kampung"),
    ("pmt", "pematang"),
    ("bkt", "bukit"),
    ("kl", "kuala"),
    ("prt", "parit"),
    ("tlk", "teluk"),
    ("tl", "teluk"),
    ("tlg", "talang"),
    ("rnt", "rantau"),
    ("jy", "jaya"),
    ("mkm", "makmur"),
];

const ROMAN: &[(&str, &str)] = &[
    ("i", "1"),
    ("ii", "2"),
    ("iii", "3"),
    ("iv", "4"),
    ("v", "5"),
    ("vi", "6"),
    ("vii", "7"),
    ("viii", "8"),
    ("ix", "9"),
    ("x", "10"),
];

/// A region name as this module compares it: the folded words of [`text::words`] (lower case,
/// accents removed, punctuation as spaces), then this module's own steps: `Alang2` as
/// `alang alang`, Roman numerals as digits, the prefix dropped.
fn normalise(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    for w in text::words(name) {
        let w = w.as_str();
        if let Some(stem) = w.strip_suffix('2')
            && stem.len() > 2
            && stem.chars().all(char::is_alphabetic)
        {
            words.push(stem.to_owned());
            words.push(stem.to_owned());
            continue;
        }
        let w = ROMAN
            .iter()
            .find(|(r, _)| *r == w)
            .map_or(w, |(_, d)| *d)
            .to_owned();
        words.push(w);
    }
    while words.len() > 1 && PREFIXES.contains(&words[0].as_str()) {
        words.remove(0);
    }
    words
}

fn expand(words: &[String]) -> Vec<String> {
    words
        .iter()
        .map(|w| {
            ABBREVIATIONS
                .iter()
                .find(|(short, _)| short == w)
                .map_or_else(|| w.clone(), |(_, long)| (*long).to_owned())
        })
        .collect()
}

struct Candidate {
    code: String,
    name: String,
    words: Vec<String>,
    compact: String,
    initials: String,
}

/// Matches typed names against a fixed list of candidates (for example the kecamatan of the
/// kabupaten, or the desa of one kecamatan). Build it once per import; callers may cache
/// results per distinct typed name.
pub struct RegionMatcher {
    candidates: Vec<Candidate>,
}

impl RegionMatcher {
    pub fn new(candidates: &[Region]) -> RegionMatcher {
        let candidates = candidates
            .iter()
            .map(|r| {
                let words = normalise(&r.name);
                Candidate {
                    code: r.code.clone(),
                    name: r.name.clone(),
                    compact: words.concat(),
                    initials: words.iter().filter_map(|w| w.chars().next()).collect(),
                    words,
                }
            })
            .collect();
        RegionMatcher { candidates }
    }

    pub fn find(&self, typed: &str) -> RegionMatch {
        let shown = typed.split_whitespace().collect::<Vec<_>>().join(" ");
        let plain = normalise(typed);
        if plain.is_empty() {
            return RegionMatch::NotFound;
        }
        let read_as = |c: &Candidate, how: &str| RegionMatch::Probable {
            code: c.code.clone(),
            name: c.name.clone(),
            why: format!("\"{shown}\" dibaca sebagai {}{how}", c.name),
        };

        // 1. The name itself.
        let exact: Vec<&Candidate> = self
            .candidates
            .iter()
            .filter(|c| c.words == plain)
            .collect();
        match exact.as_slice() {
            [one] => return RegionMatch::Exact(one.code.clone()),
            [] => {}
            many => return offer(many),
        }

        // 2. Abbreviations written out.
        let expanded = expand(&plain);
        let written_out: Vec<&Candidate> = self
            .candidates
            .iter()
            .filter(|c| c.words == expanded)
            .collect();
        match written_out.as_slice() {
            [one] => return read_as(one, ""),
            [] => {}
            many => return offer(many),
        }

        // 3. Word beginnings, initials, or whole words from inside the name.
        let initials = match expanded.as_slice() {
            [w] if w.len() >= 2 && w.chars().all(char::is_alphabetic) => Some(w.as_str()),
            _ => None,
        };
        let typed_len = expanded.iter().map(|w| w.chars().count()).sum::<usize>();
        let mut by_initials = false;
        let shaped: Vec<&Candidate> = self
            .candidates
            .iter()
            .filter(|c| {
                let starts = expanded.len() <= c.words.len()
                    && expanded.iter().zip(&c.words).all(|(t, w)| w.starts_with(t));
                let within = expanded.len() < c.words.len()
                    && c.words.windows(expanded.len()).any(|w| w == expanded);
                let initial = initials.is_some_and(|i| c.words.len() >= 2 && c.initials == i);
                by_initials |= initial && !starts && !within;
                starts || within || initial
            })
            .collect();
        match shaped.as_slice() {
            [one] if by_initials => return read_as(one, " (singkatan)"),
            // Enough of the name was typed to say it is this one.
            [one]
                if typed_len >= MIN_TYPED
                    && typed_len as f64 >= MIN_COVERAGE * one.compact.chars().count() as f64 =>
            {
                return read_as(one, "");
            }
            [] => {}
            few => return offer(few),
        }

        // 4. A full name inside the typed text, the longest.
        let inside: Vec<&Candidate> = self
            .candidates
            .iter()
            .filter(|c| {
                c.words.len() < expanded.len()
                    && expanded.windows(c.words.len()).any(|w| w == c.words)
            })
            .collect();
        if let Some(longest) = inside.iter().map(|c| c.words.len()).max() {
            let longest: Vec<&Candidate> = inside
                .into_iter()
                .filter(|c| c.words.len() == longest)
                .collect();
            match longest.as_slice() {
                [one] => return read_as(one, " (nama wilayah di dalam teks)"),
                many => return offer(many),
            }
        }

        // 5. Spelling.
        let typed_compact = expanded.concat();
        let plain_compact = plain.concat();
        let mut scored: Vec<(f64, &Candidate)> = self
            .candidates
            .iter()
            .map(|c| {
                let score = strsim::normalized_damerau_levenshtein(&typed_compact, &c.compact).max(
                    strsim::normalized_damerau_levenshtein(&plain_compact, &c.compact),
                );
                (score, c)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
        let Some(&(best, best_candidate)) = scored.first() else {
            return RegionMatch::NotFound;
        };
        let runner_up = scored.get(1).map_or(0.0, |s| s.0);
        if best >= CLEAR_SCORE && best - runner_up >= CLEAR_MARGIN {
            return read_as(best_candidate, " (ejaan paling mirip)");
        }
        if best < ASK_SCORE {
            return RegionMatch::NotFound;
        }
        let close: Vec<&Candidate> = scored
            .iter()
            .take_while(|(s, _)| *s >= ASK_SCORE && best - s < CLEAR_MARGIN)
            .map(|(_, c)| *c)
            .collect();
        offer(&close)
    }
}

fn offer(candidates: &[&Candidate]) -> RegionMatch {
    RegionMatch::Ambiguous(
        candidates
            .iter()
            .take(MAX_OFFERED)
            .map(|c| (c.code.clone(), c.name.clone()))
            .collect(),
    )
}

/// Matches one typed name; see the module documentation. For many rows build a
/// [`RegionMatcher`] once instead.
pub fn match_region(typed: &str, candidates: &[Region]) -> RegionMatch {
    RegionMatcher::new(candidates).find(typed)
}

#[cfg(test)]
mod tests;
