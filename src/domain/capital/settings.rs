//! The capital pipeline's timeouts, as settings the agency edits (Credere-style): a submitted
//! application not reviewed in N days reminds the agency, a referral not decided in N days
//! reminds the partner, and drafts left alone expire.

use std::collections::BTreeMap;

use crate::domain::user::FieldErrors;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub review_days: i64,
    pub decision_days: i64,
    pub draft_days: i64,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            review_days: 5,
            decision_days: 10,
            draft_days: 30,
        }
    }
}

pub const KEYS: [(&str, &str); 3] = [
    ("review_days", "Pengingat pemeriksaan Disnakertrans (hari)"),
    ("decision_days", "Pengingat keputusan mitra (hari)"),
    ("draft_days", "Draf kedaluwarsa setelah (hari)"),
];

impl Timeouts {
    /// Stored values; a missing or unreadable one takes the default.
    pub fn from_stored(stored: &BTreeMap<String, String>) -> Timeouts {
        let d = Timeouts::default();
        let get = |k: &str, default: i64| {
            stored
                .get(k)
                .and_then(|v| v.trim().parse::<i64>().ok())
                .filter(|n| (1..=365).contains(n))
                .unwrap_or(default)
        };
        Timeouts {
            review_days: get("review_days", d.review_days),
            decision_days: get("decision_days", d.decision_days),
            draft_days: get("draft_days", d.draft_days),
        }
    }

    pub fn parse(review: &str, decision: &str, draft: &str) -> Result<Timeouts, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut one = |field: &'static str, raw: &str, label: &str| match raw.trim().parse::<i64>()
        {
            Ok(n) if (1..=365).contains(&n) => n,
            _ => {
                errors.push((field, format!("{label} harus angka 1 sampai 365.")));
                0
            }
        };
        let t = Timeouts {
            review_days: one("review_days", review, "Pengingat pemeriksaan"),
            decision_days: one("decision_days", decision, "Pengingat keputusan mitra"),
            draft_days: one("draft_days", draft, "Masa berlaku draf"),
        };
        if errors.is_empty() {
            Ok(t)
        } else {
            Err(errors)
        }
    }
}
