//! The admin's procurement settings (rotation weights, tax rules, document thresholds) as
//! key/value text in `procurement_settings`. A missing key takes the default written in the
//! domain code; the settings form saves only when every group parses.

use std::collections::BTreeMap;

use sqlx::Row;

use super::audit::{self, Who};
use super::{Db, DbResult};
use crate::domain::procurement::documents::DocumentRules;
use crate::domain::procurement::rotation::RotationSettings;
use crate::domain::procurement::tax::TaxRules;

/// Every stored pair, by key.
pub async fn load(db: &Db) -> DbResult<BTreeMap<String, String>> {
    let rows = sqlx::query("SELECT key, value FROM procurement_settings ORDER BY key")
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("key")?, r.try_get("value")?)))
        .collect()
}

/// Writes `pairs` (inserting or replacing each key) in one transaction with one audit entry
/// naming every key whose value changed, before and after. Keys not in `pairs` stay as they are.
pub async fn save(db: &Db, pairs: &BTreeMap<String, String>, who: Who<'_>) -> DbResult<()> {
    let mut tx = db.begin().await?;
    let stored: BTreeMap<String, String> =
        sqlx::query("SELECT key, value FROM procurement_settings")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("key")?, r.try_get("value")?)))
            .collect::<DbResult<_>>()?;
    let defaults = default_pairs();
    let mut before = serde_json::Map::new();
    let mut after = serde_json::Map::new();
    for (key, value) in pairs {
        let old = stored.get(key).or_else(|| defaults.get(key));
        if old != Some(value) {
            before.insert(key.clone(), old.cloned().into());
            after.insert(key.clone(), value.clone().into());
        }
        if stored.get(key) == Some(value) {
            continue;
        }
        sqlx::query(
            "INSERT INTO procurement_settings (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&mut *tx)
        .await?;
    }
    audit::append(
        &mut tx,
        who.event(
            "procurement_settings.update",
            "procurement_settings",
            0,
            serde_json::json!({"before": before, "after": after}),
        ),
    )
    .await?;
    super::commit(tx).await
}

/// Every procurement setting in force.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProcurementSettings {
    pub rotation: RotationSettings,
    pub tax: TaxRules,
    pub documents: DocumentRules,
}

/// The shipped defaults of every key, as stored text.
pub fn default_pairs() -> BTreeMap<String, String> {
    ProcurementSettings::default().to_pairs()
}

impl ProcurementSettings {
    /// Stored pairs over the defaults. A stored value that no longer parses (written by an
    /// older version, or by hand) is dropped with a warning, so one bad key does not take the
    /// others' values with it.
    pub fn from_stored(pairs: &BTreeMap<String, String>) -> ProcurementSettings {
        ProcurementSettings {
            rotation: lenient(pairs, RotationSettings::from_pairs),
            tax: lenient(pairs, TaxRules::from_pairs),
            documents: lenient(pairs, DocumentRules::from_pairs),
        }
    }

    /// Parses all three groups; every message of every group when any fails.
    pub fn parse(
        pairs: &BTreeMap<String, String>,
    ) -> Result<ProcurementSettings, Vec<(String, String)>> {
        let rotation = RotationSettings::from_pairs(pairs);
        let tax = TaxRules::from_pairs(pairs);
        let documents = DocumentRules::from_pairs(pairs);
        match (rotation, tax, documents) {
            (Ok(rotation), Ok(tax), Ok(documents)) => Ok(ProcurementSettings {
                rotation,
                tax,
                documents,
            }),
            (r, t, d) => {
                let mut errors = Vec::new();
                errors.extend(r.err().unwrap_or_default());
                errors.extend(t.err().unwrap_or_default());
                errors.extend(d.err().unwrap_or_default());
                Err(errors)
            }
        }
    }

    /// Every key with its text.
    pub fn to_pairs(&self) -> BTreeMap<String, String> {
        self.rotation
            .to_pairs()
            .into_iter()
            .chain(self.tax.to_pairs())
            .chain(self.documents.to_pairs())
            .map(|(k, v)| (k.to_owned(), v))
            .collect()
    }
}

/// A settings group's `from_pairs`.
type Parse<T> = fn(&BTreeMap<String, String>) -> Result<T, Vec<(String, String)>>;

fn lenient<T: Default>(pairs: &BTreeMap<String, String>, parse: Parse<T>) -> T {
    match parse(pairs) {
        Ok(v) => v,
        Err(errors) => {
            let mut kept = pairs.clone();
            for (key, message) in &errors {
                tracing::warn!(%key, %message, "stored procurement setting ignored");
                kept.remove(key);
            }
            parse(&kept).unwrap_or_default()
        }
    }
}

/// The settings in force: stored pairs over the defaults.
pub async fn current(db: &Db) -> DbResult<ProcurementSettings> {
    Ok(ProcurementSettings::from_stored(&load(db).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> BTreeMap<String, String> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn stored_values_override_defaults() {
        let s = ProcurementSettings::from_stored(&pairs(&[
            ("rotation.weight_wait_day", "3"),
            ("docs.late_payment_days", "30"),
        ]));
        assert_eq!(s.rotation.weight_wait_day, 3);
        assert_eq!(s.documents.late_payment_days, 30);
        assert_eq!(s.tax, TaxRules::default());
    }

    #[test]
    fn a_bad_stored_value_falls_back_without_losing_the_others() {
        let s = ProcurementSettings::from_stored(&pairs(&[
            ("rotation.weight_wait_day", "banyak"),
            ("rotation.weight_value", "7"),
        ]));
        assert_eq!(
            s.rotation.weight_wait_day,
            RotationSettings::default().weight_wait_day
        );
        assert_eq!(s.rotation.weight_value, 7);
    }

    #[test]
    fn parse_collects_messages_of_every_group() {
        let errors = ProcurementSettings::parse(&pairs(&[
            ("rotation.weight_wait_day", "x"),
            ("docs.late_payment_days", "0"),
        ]))
        .unwrap_err();
        let keys: Vec<&str> = errors.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["rotation.weight_wait_day", "docs.late_payment_days"]);
    }

    #[test]
    fn defaults_round_trip_through_pairs() {
        let all = default_pairs();
        assert_eq!(
            all.len(),
            RotationSettings::FIELDS.len() + TaxRules::FIELDS.len() + DocumentRules::FIELDS.len()
        );
        assert_eq!(
            ProcurementSettings::parse(&all).expect("defaults parse"),
            ProcurementSettings::default()
        );
    }
}
