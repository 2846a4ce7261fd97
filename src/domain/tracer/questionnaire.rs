//! The questionnaire as data (stored whole as JSON in `tracer_versions.body`): ordered
//! questions, each with a key, text, optional help, kind, options and a required flag. The
//! standard questions have fixed keys and, where the indicators count them, fixed option keys;
//! the agency rewords texts, help and labels, adds obstacle options and adds or removes extra
//! questions. Every saved change is a new version; an unchanged save is none.

use serde::{Deserialize, Serialize};

use super::{Band, Status};
use crate::domain::user::FieldErrors;

pub const STATUS: &str = "status";
pub const RELATED: &str = "related";
pub const INCOME: &str = "income";
pub const OBSTACLES: &str = "obstacles";
pub const SATISFACTION: &str = "satisfaction";
pub const NEXT_TRAINING: &str = "next_training";

/// The standard questions, in their default order.
pub const STANDARD: [&str; 6] = [
    STATUS,
    RELATED,
    INCOME,
    OBSTACLES,
    SATISFACTION,
    NEXT_TRAINING,
];

/// The standard obstacle options (the agency may add more, never remove these).
pub const OBSTACLE_KEYS: [(&str, &str); 6] = [
    (
        "pemasaran",
        "Pemasaran: sulit mendapat pembeli atau pelanggan",
    ),
    ("modal", "Modal usaha atau modal kerja"),
    ("alat", "Alat kerja belum punya atau kurang"),
    ("bahan", "Bahan baku mahal atau sulit didapat"),
    ("izin_usaha", "Izin usaha (NIB, P-IRT, halal)"),
    ("lainnya", "Lainnya"),
];

/// Form field names the answer form uses for itself: no question may take them.
const RESERVED: [&str; 4] = ["_csrf", "version_id", "confirm", "kuesioner"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Single,
    Multiple,
    Scale,
    Text,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Single, Kind::Multiple, Kind::Scale, Kind::Text];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Single => "single",
            Kind::Multiple => "multiple",
            Kind::Scale => "scale",
            Kind::Text => "text",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Single => "Pilih satu",
            Kind::Multiple => "Boleh pilih beberapa",
            Kind::Scale => "Skala 1–5",
            Kind::Text => "Jawaban singkat",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    fn has_options(self) -> bool {
        matches!(self, Kind::Single | Kind::Multiple)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub key: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub key: String,
    pub text: String,
    #[serde(default)]
    pub help: String,
    pub kind: Kind,
    #[serde(default)]
    pub options: Vec<Choice>,
    pub required: bool,
}

impl Question {
    pub fn standard(&self) -> bool {
        STANDARD.contains(&self.key.as_str())
    }

    /// Asked only of those working (employed, self-employed or both).
    pub fn only_when_working(&self) -> bool {
        self.key == RELATED || self.key == INCOME
    }

    pub fn option(&self, key: &str) -> Option<&Choice> {
        self.options.iter().find(|c| c.key == key)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Questionnaire {
    pub questions: Vec<Question>,
}

fn choices(pairs: &[(&str, &str)]) -> Vec<Choice> {
    pairs
        .iter()
        .map(|(k, l)| Choice {
            key: (*k).to_owned(),
            label: (*l).to_owned(),
        })
        .collect()
}

fn question(
    key: &str,
    text: &str,
    help: &str,
    kind: Kind,
    options: Vec<Choice>,
    required: bool,
) -> Question {
    Question {
        key: key.to_owned(),
        text: text.to_owned(),
        help: help.to_owned(),
        kind,
        options,
        required,
    }
}

impl Default for Questionnaire {
    /// Version 1: the standard questions, adapted from the national graduate tracer standard.
    fn default() -> Self {
        let status: Vec<(&str, &str)> = Status::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect();
        let bands: Vec<(&str, &str)> = Band::ALL.iter().map(|b| (b.as_str(), b.label())).collect();
        Questionnaire {
            questions: vec![
                question(
                    STATUS,
                    "Apa kegiatan utama Anda sekarang?",
                    "",
                    Kind::Single,
                    choices(&status),
                    true,
                ),
                question(
                    RELATED,
                    "Jika bekerja atau berusaha: apakah pekerjaan atau usaha Anda sesuai dengan kejuruan pelatihan?",
                    "",
                    Kind::Single,
                    choices(&[("ya", "Ya, sesuai"), ("tidak", "Tidak sesuai")]),
                    true,
                ),
                question(
                    INCOME,
                    "Jika bekerja atau berusaha: berapa penghasilan Anda sebulan?",
                    "Dibandingkan dengan UMK Tanjung Jabung Timur tahun ini.",
                    Kind::Single,
                    choices(&bands),
                    true,
                ),
                question(
                    OBSTACLES,
                    "Apa kendala Anda dalam bekerja atau berusaha?",
                    "Boleh pilih lebih dari satu.",
                    Kind::Multiple,
                    choices(&OBSTACLE_KEYS),
                    false,
                ),
                question(
                    SATISFACTION,
                    "Seberapa puas Anda dengan pelatihan di BLK?",
                    "1 = sangat tidak puas, 5 = sangat puas.",
                    Kind::Scale,
                    vec![],
                    false,
                ),
                question(
                    NEXT_TRAINING,
                    "Pelatihan apa yang ingin Anda ikuti berikutnya?",
                    "",
                    Kind::Text,
                    vec![],
                    false,
                ),
            ],
        }
    }
}

fn valid_key(key: &str) -> bool {
    (1..=30).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl Questionnaire {
    pub fn question(&self, key: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.key == key)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(body: &str) -> Option<Questionnaire> {
        serde_json::from_str(body).ok()
    }

    /// The rules every version keeps, as messages naming the question.
    pub fn check(&self) -> Vec<String> {
        let mut errors = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for q in &self.questions {
            let name = if q.text.trim().is_empty() {
                q.key.clone()
            } else {
                q.text.clone()
            };
            let say = |m: &str| format!("Pertanyaan \u{201c}{name}\u{201d}: {m}");
            if seen.contains(&q.key.as_str()) {
                errors.push(say("kode pertanyaan dipakai dua kali."));
            }
            seen.push(&q.key);
            if !valid_key(&q.key) || RESERVED.contains(&q.key.as_str()) {
                errors.push(say("kode hanya boleh huruf kecil, angka dan garis bawah (paling panjang 30), dan bukan kode khusus."));
            }
            if q.text.trim().is_empty() || q.text.chars().count() > 300 {
                errors.push(say(
                    "teks pertanyaan wajib diisi, paling panjang 300 huruf.",
                ));
            }
            if q.help.chars().count() > 500 {
                errors.push(say("keterangan paling panjang 500 huruf."));
            }
            let mut keys: Vec<&str> = Vec::new();
            for c in &q.options {
                if !valid_key(&c.key) {
                    errors.push(say(&format!("kode pilihan \u{201c}{}\u{201d} hanya boleh huruf kecil, angka dan garis bawah.", c.key)));
                }
                if c.label.trim().is_empty() || c.label.chars().count() > 160 {
                    errors.push(say(&format!(
                        "pilihan \u{201c}{}\u{201d} perlu teks, paling panjang 160 huruf.",
                        c.key
                    )));
                }
                if keys.contains(&c.key.as_str()) {
                    errors.push(say(&format!(
                        "pilihan \u{201c}{}\u{201d} tertulis dua kali.",
                        c.key
                    )));
                }
                keys.push(&c.key);
            }
            if q.kind.has_options() && q.options.len() < 2 {
                errors.push(say("perlu paling sedikit dua pilihan."));
            }
            if !q.kind.has_options() && !q.options.is_empty() {
                errors.push(say("jenis ini tidak memakai pilihan."));
            }
            let fixed: Option<(Kind, Vec<&str>, bool)> = match q.key.as_str() {
                STATUS => Some((
                    Kind::Single,
                    Status::ALL.iter().map(|s| s.as_str()).collect(),
                    true,
                )),
                RELATED => Some((Kind::Single, vec!["ya", "tidak"], true)),
                INCOME => Some((
                    Kind::Single,
                    Band::ALL.iter().map(|b| b.as_str()).collect(),
                    true,
                )),
                OBSTACLES => Some((
                    Kind::Multiple,
                    OBSTACLE_KEYS.iter().map(|(k, _)| *k).collect(),
                    false,
                )),
                SATISFACTION => Some((Kind::Scale, vec![], true)),
                NEXT_TRAINING => Some((Kind::Text, vec![], true)),
                _ => None,
            };
            if let Some((kind, wanted, exact)) = fixed {
                if q.kind != kind {
                    errors.push(say("jenis pertanyaan baku tidak dapat diubah."));
                }
                let missing: Vec<&str> = wanted
                    .iter()
                    .copied()
                    .filter(|w| !keys.contains(w))
                    .collect();
                if !missing.is_empty() {
                    errors.push(say(&format!(
                        "pilihan baku tidak boleh dihapus ({}); indikator dihitung darinya.",
                        missing.join(", ")
                    )));
                }
                if exact && keys.iter().any(|k| !wanted.contains(k)) {
                    errors.push(say(
                        "pilihan pertanyaan ini tetap; hanya teksnya yang dapat diubah.",
                    ));
                }
            }
        }
        for key in STANDARD {
            if self.question(key).is_none() {
                errors.push(format!("Pertanyaan baku \u{201c}{key}\u{201d} tidak boleh dihapus; indikator dihitung darinya."));
            }
        }
        if self.question(STATUS).is_some_and(|q| !q.required) {
            errors.push("Pertanyaan kegiatan utama selalu wajib dijawab.".to_owned());
        }
        errors
    }
}

/// Options as the editor writes them, one a line: `kode = teks`.
pub fn options_text(options: &[Choice]) -> String {
    options
        .iter()
        .map(|c| format!("{} = {}", c.key, c.label))
        .collect::<Vec<_>>()
        .join("\n")
}

fn parse_options(text: &str) -> Vec<Choice> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| match l.split_once('=') {
            Some((k, v)) => Choice {
                key: k.trim().to_owned(),
                label: v.trim().to_owned(),
            },
            None => Choice {
                key: crate::domain::text::fold(l).replace(' ', "_"),
                label: l.to_owned(),
            },
        })
        .collect()
}

/// The editor's form, read against the current version: each question's fields are named by
/// its key (`text_status`, `help_status`, `options_status`, `required_status`, `remove_<key>`
/// for extra questions), and a new question by `new_key`, `new_text`, `new_help`, `new_kind`,
/// `new_options`, `new_required`. All messages go on the `kuesioner` field.
pub fn edit(
    current: &Questionnaire,
    get: impl Fn(&str) -> Option<String>,
) -> Result<Questionnaire, FieldErrors> {
    let mut questions = Vec::new();
    let mut errors = FieldErrors::new();
    for q in &current.questions {
        if !q.standard() && get(&format!("remove_{}", q.key)).is_some_and(|v| !v.is_empty()) {
            continue;
        }
        let field = |f: &str| get(&format!("{f}_{}", q.key));
        let mut next = q.clone();
        if let Some(t) = field("text") {
            next.text = t.trim().to_owned();
        }
        if let Some(h) = field("help") {
            next.help = h.trim().to_owned();
        }
        if q.kind.has_options()
            && let Some(o) = field("options")
        {
            next.options = parse_options(&o);
        }
        next.required = field("required").is_some_and(|v| !v.is_empty());
        questions.push(next);
    }
    let new_text = get("new_text").unwrap_or_default();
    let new_key = get("new_key").unwrap_or_default();
    if !new_text.trim().is_empty() || !new_key.trim().is_empty() {
        match Kind::parse(get("new_kind").unwrap_or_default().trim()) {
            Some(kind) => questions.push(Question {
                key: new_key.trim().to_owned(),
                text: new_text.trim().to_owned(),
                help: get("new_help").unwrap_or_default().trim().to_owned(),
                kind,
                options: if kind.has_options() {
                    parse_options(&get("new_options").unwrap_or_default())
                } else {
                    vec![]
                },
                required: get("new_required").is_some_and(|v| !v.is_empty()),
            }),
            None => errors.push(("kuesioner", "Pilih jenis pertanyaan baru.".to_owned())),
        }
    }
    let next = Questionnaire { questions };
    errors.extend(next.check().into_iter().map(|m| ("kuesioner", m)));
    if errors.is_empty() {
        Ok(next)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn the_default_keeps_the_rules_and_round_trips() {
        let q = Questionnaire::default();
        assert!(q.check().is_empty(), "{:?}", q.check());
        assert_eq!(Questionnaire::from_json(&q.to_json()), Some(q));
    }

    #[test]
    fn standard_questions_and_status_options_cannot_go() {
        let mut q = Questionnaire::default();
        q.questions.retain(|x| x.key != INCOME);
        assert!(q.check().iter().any(|m| m.contains("income")));
        let mut q = Questionnaire::default();
        q.questions[0].options.pop();
        assert!(
            q.check().iter().any(|m| m.contains("tidak_mencari")),
            "{:?}",
            q.check()
        );
    }

    #[test]
    fn the_editor_rewords_adds_and_removes() {
        let q = Questionnaire::default();
        let same = edit(
            &q,
            form(&[
                ("required_status", "1"),
                ("required_related", "1"),
                ("required_income", "1"),
            ]),
        )
        .unwrap();
        assert_eq!(same, q, "an unchanged form is the same questionnaire");
        let added = edit(
            &q,
            form(&[
                ("required_status", "1"),
                ("options_obstacles", "pemasaran = Pemasaran\nmodal = Modal\nalat = Alat\nbahan = Bahan\nizin_usaha = Izin\nlainnya = Lainnya\nsinyal = Sinyal internet"),
                ("new_key", "kerja_di"),
                ("new_text", "Di mana Anda bekerja?"),
                ("new_kind", "text"),
            ]),
        )
        .unwrap();
        assert_eq!(added.questions.len(), 7);
        assert!(
            added
                .question(OBSTACLES)
                .unwrap()
                .option("sinyal")
                .is_some()
        );
        let removed = edit(
            &added,
            form(&[
                ("required_status", "1"),
                ("remove_kerja_di", "1"),
                ("remove_status", "1"),
            ]),
        )
        .unwrap();
        assert_eq!(
            removed.questions.len(),
            6,
            "extra removed, the standard one kept"
        );
        let bad = edit(
            &q,
            form(&[
                ("required_status", "1"),
                ("options_status", "penuh_waktu = Kerja"),
            ]),
        )
        .unwrap_err();
        assert!(
            bad.iter().any(|(_, m)| m.contains("tidak boleh dihapus")),
            "{bad:?}"
        );
        let bad = edit(
            &q,
            form(&[
                ("required_status", "1"),
                ("new_key", "x"),
                ("new_text", "Pilih"),
                ("new_kind", "single"),
                ("new_options", "a = A"),
            ]),
        )
        .unwrap_err();
        assert!(bad[0].1.contains("dua pilihan"), "{bad:?}");
    }
}
