//! An answer read from a posted form against the version it was given under: required answers
//! present, chosen options existing in that version, the related and income questions kept only
//! when the person works (otherwise stored empty), and the standard answers typed for the
//! columns beside the JSON.

use std::collections::BTreeMap;

use serde_json::Value;

use super::questionnaire::{
    INCOME, Kind, NEXT_TRAINING, OBSTACLES, Questionnaire, RELATED, SATISFACTION, STATUS,
};
use super::{Band, Status};
use crate::domain::user::FieldErrors;

/// Longest short-text answer, in characters.
pub const MAX_TEXT: usize = 500;

/// A parsed answer: the standard questions typed, and every answer by key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: Status,
    /// `None` when not working.
    pub related: Option<bool>,
    /// `None` when not working (or not answered where optional).
    pub income: Option<Band>,
    pub obstacles: Vec<String>,
    pub satisfaction: Option<i64>,
    pub next_training: String,
    /// Every answer by question key (extra questions too), as stored.
    pub answers: BTreeMap<String, Value>,
}

impl Answer {
    pub fn answers_json(&self) -> String {
        serde_json::to_string(&self.answers).unwrap_or_else(|_| "{}".into())
    }
}

/// Reads the form (`get` the first value of a field, `all` every value) against `version`.
/// Messages are on the field named by the question's key; unknown keys (the form's own fields)
/// are ignored.
pub fn parse(
    version: &Questionnaire,
    get: impl Fn(&str) -> String,
    all: impl Fn(&str) -> Vec<String>,
) -> Result<Answer, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut answers = BTreeMap::new();
    let status_raw = get(STATUS);
    let status = Status::parse(status_raw.trim());
    let working = status.is_some_and(Status::working);
    for q in &version.questions {
        // Field names must be 'static for FieldErrors: the standard keys are, extra questions
        // are reported on their own key through a leaked-free lookup of the stable name.
        let field: &'static str = field_name(&q.key);
        let name = &q.text;
        if q.only_when_working() && !working {
            continue;
        }
        let value = match q.kind {
            Kind::Single => {
                let v = get(&q.key).trim().to_owned();
                if v.is_empty() {
                    None
                } else if q.option(&v).is_none() {
                    errors.push((field, format!("Pilihan untuk \u{201c}{name}\u{201d} tidak ada. Pilih salah satu yang tersedia.")));
                    continue;
                } else {
                    Some(Value::String(v))
                }
            }
            Kind::Multiple => {
                let mut picked: Vec<String> = all(&q.key)
                    .into_iter()
                    .map(|v| v.trim().to_owned())
                    .filter(|v| !v.is_empty())
                    .collect();
                picked.sort();
                picked.dedup();
                if let Some(bad) = picked.iter().find(|v| q.option(v).is_none()) {
                    errors.push((
                        field,
                        format!(
                            "Pilihan \u{201c}{bad}\u{201d} untuk \u{201c}{name}\u{201d} tidak ada."
                        ),
                    ));
                    continue;
                }
                (!picked.is_empty())
                    .then(|| Value::Array(picked.into_iter().map(Value::String).collect()))
            }
            Kind::Scale => {
                let v = get(&q.key).trim().to_owned();
                if v.is_empty() {
                    None
                } else {
                    match v.parse::<i64>() {
                        Ok(n) if (1..=5).contains(&n) => Some(Value::from(n)),
                        _ => {
                            errors.push((
                                field,
                                format!("Jawaban \u{201c}{name}\u{201d} harus angka 1 sampai 5."),
                            ));
                            continue;
                        }
                    }
                }
            }
            Kind::Text => {
                let v = get(&q.key).trim().to_owned();
                if v.chars().count() > MAX_TEXT {
                    errors.push((
                        field,
                        format!("Jawaban \u{201c}{name}\u{201d} paling panjang {MAX_TEXT} huruf."),
                    ));
                    continue;
                }
                (!v.is_empty()).then_some(Value::String(v))
            }
        };
        match value {
            Some(v) => {
                answers.insert(q.key.clone(), v);
            }
            None if q.key == STATUS => {
                errors.push((STATUS, "Pilih kegiatan utama Anda sekarang.".to_owned()));
            }
            None if q.required => {
                let why = if q.only_when_working() {
                    " karena Anda bekerja atau berusaha"
                } else {
                    ""
                };
                errors.push((
                    field,
                    format!("Pertanyaan \u{201c}{name}\u{201d} wajib dijawab{why}."),
                ));
            }
            None => {}
        }
    }
    let Some(status) = status else {
        if !errors.iter().any(|(f, _)| *f == STATUS) {
            errors.push((STATUS, "Pilih kegiatan utama Anda sekarang.".to_owned()));
        }
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let text = |k: &str| answers.get(k).and_then(Value::as_str).map(str::to_owned);
    Ok(Answer {
        status,
        related: text(RELATED).map(|v| v == "ya"),
        income: text(INCOME).and_then(|v| Band::parse(&v)),
        obstacles: answers
            .get(OBSTACLES)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        satisfaction: answers.get(SATISFACTION).and_then(Value::as_i64),
        next_training: text(NEXT_TRAINING).unwrap_or_default(),
        answers,
    })
}

/// The form field a question's message sits on: the standard keys as they are, any extra
/// question on the shared `kuesioner` field (its message names the question).
fn field_name(key: &str) -> &'static str {
    super::questionnaire::STANDARD
        .iter()
        .find(|k| **k == key)
        .copied()
        .unwrap_or("kuesioner")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(pairs: &[(&str, &str)]) -> Result<Answer, FieldErrors> {
        let q = Questionnaire::default();
        parse(
            &q,
            |k| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
                    .unwrap_or_default()
            },
            |k| {
                pairs
                    .iter()
                    .filter(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
                    .collect()
            },
        )
    }

    #[test]
    fn working_answers_need_related_and_income() {
        let e = run(&[("status", "wirausaha")]).unwrap_err();
        assert_eq!(e.len(), 2, "{e:?}");
        let a = run(&[
            ("status", "wirausaha"),
            ("related", "ya"),
            ("income", "umk"),
            ("obstacles", "modal"),
            ("obstacles", "alat"),
            ("satisfaction", "5"),
        ])
        .unwrap();
        assert_eq!((a.related, a.income), (Some(true), Some(Band::Umk)));
        assert_eq!(a.obstacles, vec!["alat", "modal"]);
        assert_eq!(a.satisfaction, Some(5));
    }

    #[test]
    fn not_working_stores_no_related_or_income() {
        let a = run(&[
            ("status", "mencari"),
            ("related", "ya"),
            ("income", "di_atas"),
        ])
        .unwrap();
        assert_eq!((a.related, a.income), (None, None));
        assert!(!a.answers.contains_key("income"));
    }

    #[test]
    fn missing_status_and_unknown_options_are_refused() {
        let e = run(&[]).unwrap_err();
        assert_eq!(e[0].0, "status");
        let e = run(&[("status", "pensiun")]).unwrap_err();
        assert!(e[0].1.contains("tidak ada"), "{e:?}");
        let e = run(&[("status", "studi"), ("obstacles", "cuaca")]).unwrap_err();
        assert!(e[0].1.contains("cuaca"), "{e:?}");
        let e = run(&[("status", "studi"), ("satisfaction", "9")]).unwrap_err();
        assert!(e[0].1.contains("1 sampai 5"), "{e:?}");
    }
}
