//! Tracer pages: the alumnus's one-page survey behind the personal link, the same form for a
//! phone entry by staff, the agency's response rates and lists, the questionnaire editor and
//! the settings.

use askama::Template;

use super::Layout;
use super::capital::Echo;
use crate::domain::tracer::Band;
use crate::domain::tracer::questionnaire::{INCOME, Kind, Questionnaire, options_text};
use crate::domain::user::FieldErrors;

pub struct OptionView {
    pub key: String,
    pub label: String,
    pub checked: bool,
}

/// One question as the form shows it.
pub struct QuestionView {
    pub key: String,
    pub text: String,
    pub help: String,
    /// `single`, `multiple`, `scale` or `text`.
    pub kind: &'static str,
    pub options: Vec<OptionView>,
    pub required: bool,
    pub only_when_working: bool,
    pub value: String,
    pub error: Option<String>,
}

/// The questions of `q` with the values in `values` (a field's values) and the messages in
/// `errors`; income options carry their Rupiah range for `umk`.
pub fn questions(
    q: &Questionnaire,
    umk: i64,
    values: impl Fn(&str) -> Vec<String>,
    errors: &FieldErrors,
) -> Vec<QuestionView> {
    q.questions
        .iter()
        .map(|x| {
            let picked = values(&x.key);
            let options = match x.kind {
                Kind::Scale => (1..=5)
                    .map(|n: i64| OptionView {
                        key: n.to_string(),
                        label: n.to_string(),
                        checked: picked.contains(&n.to_string()),
                    })
                    .collect(),
                _ => x
                    .options
                    .iter()
                    .map(|o| OptionView {
                        label: match Band::parse(&o.key).filter(|_| x.key == INCOME) {
                            Some(b) => format!("{} ({})", o.label, b.range(umk)),
                            None => o.label.clone(),
                        },
                        checked: picked.contains(&o.key),
                        key: o.key.clone(),
                    })
                    .collect(),
            };
            let field = crate::domain::tracer::questionnaire::STANDARD
                .iter()
                .find(|k| **k == x.key)
                .copied()
                .unwrap_or("kuesioner");
            let mine: Vec<&str> = errors
                .iter()
                .filter(|(f, m)| *f == field && (field != "kuesioner" || m.contains(&x.text)))
                .map(|(_, m)| m.as_str())
                .collect();
            QuestionView {
                key: x.key.clone(),
                text: x.text.clone(),
                help: x.help.clone(),
                kind: x.kind.as_str(),
                options,
                required: x.required,
                only_when_working: x.only_when_working(),
                value: picked.first().cloned().unwrap_or_default(),
                error: (!mine.is_empty()).then(|| mine.join(" ")),
            }
        })
        .collect()
}

/// The answer form (public link or phone entry).
pub struct AnswerForm {
    pub action: String,
    pub version_id: i64,
    pub questions: Vec<QuestionView>,
    pub errors: usize,
    /// The platform evidence sentence, if there was any.
    pub prefill: String,
    /// The suggested answers as hidden fields, for the one-tap confirmation.
    pub confirm: Vec<(String, String)>,
    pub umk_note: String,
}

#[derive(Template)]
#[template(path = "tracer/public.html")]
pub struct PublicPage {
    pub layout: Layout,
    pub name: String,
    pub batch: String,
    pub wave: i64,
    pub closes: String,
    pub form: AnswerForm,
}

#[derive(Template)]
#[template(path = "tracer/message.html")]
pub struct MessagePage {
    pub layout: Layout,
    pub heading: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "tracer/phone.html")]
pub struct PhonePage {
    pub layout: Layout,
    pub name: String,
    pub phone: String,
    pub wa_link: String,
    pub batch: String,
    pub wave: i64,
    pub window: String,
    pub note: String,
    pub back: String,
    /// `None` once answered.
    pub form: Option<AnswerForm>,
}

pub struct RateRow {
    pub batch: String,
    pub ended: String,
    pub wave: i64,
    pub invited: i64,
    pub by_link: i64,
    pub by_phone: i64,
    pub rate: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "tracer/admin.html")]
pub struct AdminPage {
    pub layout: Layout,
    pub notice: String,
    pub waves: String,
    pub rows: Vec<RateRow>,
    pub total: RateRow,
}

pub struct ListRow {
    pub name: String,
    pub window: String,
    pub reminders: i64,
    pub answer: String,
    pub href: String,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "tracer/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub heading: String,
    pub rows: Vec<ListRow>,
}

pub struct EditorQuestion {
    pub key: String,
    pub text: String,
    pub help: String,
    pub kind: &'static str,
    pub has_options: bool,
    pub options: String,
    pub required: bool,
    pub standard: bool,
    pub status: bool,
}

impl EditorQuestion {
    pub fn of(q: &Questionnaire, echo: &Echo) -> Vec<EditorQuestion> {
        let echoed = !echo.pairs.is_empty();
        q.questions
            .iter()
            .map(|x| {
                let v = |f: &str, stored: String| {
                    if echoed {
                        echo.value(&format!("{f}_{}", x.key)).to_owned()
                    } else {
                        stored
                    }
                };
                EditorQuestion {
                    text: v("text", x.text.clone()),
                    help: v("help", x.help.clone()),
                    kind: x.kind.label(),
                    has_options: matches!(x.kind, Kind::Single | Kind::Multiple),
                    options: v("options", options_text(&x.options)),
                    required: if echoed {
                        !echo.value(&format!("required_{}", x.key)).is_empty()
                    } else {
                        x.required
                    },
                    standard: x.standard(),
                    status: x.key == "status",
                    key: x.key.clone(),
                }
            })
            .collect()
    }
}

#[derive(Template)]
#[template(path = "tracer/editor.html")]
pub struct EditorPage {
    pub layout: Layout,
    pub version: i64,
    pub notice: String,
    pub errors: Vec<String>,
    pub questions: Vec<EditorQuestion>,
    pub kinds: Vec<(String, String)>,
    pub echo: Echo,
}

#[derive(Template)]
#[template(path = "tracer/settings.html")]
pub struct SettingsPage {
    pub layout: Layout,
    pub notice: String,
    pub echo: Echo,
    pub umk: Vec<(i64, String)>,
}
