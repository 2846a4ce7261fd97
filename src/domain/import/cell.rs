//! One spreadsheet cell as the reader found it, before any field parsing.

use std::borrow::Cow;

use crate::domain::dates;

/// One spreadsheet cell as read from the file. The reader (`crate::import`) produces these for
/// `.xlsx`, `.xls`, `.ods` and CSV alike; CSV yields only `Empty` and `Text`.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// Excel serial date (1900 system; the reader converts 1904-system workbooks).
    DateTime(f64),
    /// An error value such as `#N/A` or `#DIV/0!`.
    Error(String),
}

impl Cell {
    /// A cell from text as read from CSV: blank text is `Empty`.
    pub fn from_text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.trim().is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    /// Nothing in it: `Empty`, or text that is only whitespace.
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// Empty, or holding only the placeholder people type for "nothing" (`-`, `–`, `—`).
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Text(s) => {
                let t = s.trim();
                t.is_empty() || t.chars().all(|c| matches!(c, '-' | '–' | '—'))
            }
            other => other.is_empty(),
        }
    }

    /// The cell as text, trimmed. Whole numbers print without a fraction (`81234567890`, not
    /// `81234567890.0` or `8.1234567890e10`); dates print as ISO `1998-05-12`; booleans as
    /// `TRUE`/`FALSE`; errors as their code (`#N/A`).
    pub fn as_text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(s) => Cow::Borrowed(s.trim()),
            Cell::Number(n) => Cow::Owned(format_number(*n)),
            Cell::Bool(true) => Cow::Borrowed("TRUE"),
            Cell::Bool(false) => Cow::Borrowed("FALSE"),
            Cell::DateTime(serial) => Cow::Owned(match dates::from_excel_serial(*serial) {
                Some(d) => dates::to_iso(d),
                None => format_number(*serial),
            }),
            Cell::Error(e) => Cow::Borrowed(e.trim()),
        }
    }

    /// The value of a `Number` cell.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Cell::Number(n) => Some(*n),
            _ => None,
        }
    }
}

/// A number as people read it: whole numbers without `.0`, others in the shortest form that
/// reads back to the same value.
fn format_number(n: f64) -> String {
    if n == 0.0 {
        "0".to_owned()
    } else if n.is_finite() && n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_blank() {
        assert!(Cell::Empty.is_empty());
        assert!(Cell::Text("  \t".into()).is_empty());
        assert!(!Cell::Text("-".into()).is_empty());
        assert!(Cell::Text(" - ".into()).is_blank());
        assert!(Cell::Text("—".into()).is_blank());
        assert!(Cell::Empty.is_blank());
        assert!(!Cell::Text("-5".into()).is_blank());
        assert!(!Cell::Number(0.0).is_empty());
        assert!(!Cell::Bool(false).is_blank());
        assert!(!Cell::Error("#N/A".into()).is_empty());
        assert_eq!(Cell::from_text("  "), Cell::Empty);
        assert_eq!(Cell::from_text("x"), Cell::Text("x".into()));
    }

    #[test]
    fn text_of_each_kind() {
        assert_eq!(Cell::Empty.as_text(), "");
        assert_eq!(Cell::Text("  Siti Aminah ".into()).as_text(), "Siti Aminah");
        assert_eq!(Cell::Number(81_234_567_890.0).as_text(), "81234567890");
        assert_eq!(
            Cell::Number(1_507_015_205_980_000.0).as_text(),
            "1507015205980000"
        );
        assert_eq!(Cell::Number(2019.0).as_text(), "2019");
        assert_eq!(Cell::Number(-0.0).as_text(), "0");
        assert_eq!(Cell::Number(-3.0).as_text(), "-3");
        assert_eq!(Cell::Number(2.5).as_text(), "2.5");
        assert_eq!(Cell::Number(0.1).as_text(), "0.1");
        assert_eq!(Cell::Number(f64::NAN).as_text(), "NaN");
        assert_eq!(Cell::Bool(true).as_text(), "TRUE");
        assert_eq!(Cell::Bool(false).as_text(), "FALSE");
        assert_eq!(Cell::DateTime(35927.0).as_text(), "1998-05-12");
        assert_eq!(Cell::DateTime(35927.5).as_text(), "1998-05-12");
        assert_eq!(Cell::DateTime(-1.0).as_text(), "-1");
        assert_eq!(Cell::Error("#DIV/0!".into()).as_text(), "#DIV/0!");
        assert_eq!(Cell::Number(7.0).as_number(), Some(7.0));
        assert_eq!(Cell::Text("7".into()).as_number(), None);
    }
}
