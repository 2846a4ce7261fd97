//! The dossier: what an application carries to the partner, frozen at submission. Its body is
//! the canonical JSON of [`Dossier`] and its identity the SHA-256 of that body, so a partner
//! sees exactly what was submitted and anyone can check a printed copy against the stored one.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::plan::Item;
use super::record::TrackRecord;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dossier {
    pub application_id: i64,
    /// Unix seconds of the freeze.
    pub frozen_at: i64,
    pub program: String,
    pub partner: String,
    /// `domain::capital::plan::Purpose` slug.
    pub purpose: String,
    pub amount: i64,
    pub tenor_months: i64,
    pub plan: Vec<Item>,
    /// Labels of the documents attached at the freeze.
    pub documents: Vec<String>,
    pub record: TrackRecord,
}

impl Dossier {
    /// The stored body: serde's field order is the struct's, so the same dossier always gives the
    /// same bytes.
    pub fn body(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn parse(body: &str) -> Option<Dossier> {
        serde_json::from_str(body).ok()
    }
}

/// SHA-256 of a stored body, in hex.
pub fn hash(body: &str) -> String {
    hex::encode(Sha256::digest(body.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_follows_the_body_byte_for_byte() {
        let d = Dossier {
            application_id: 1,
            frozen_at: 10,
            program: "KUR".into(),
            partner: "Bank".into(),
            purpose: "equipment".into(),
            amount: 5,
            tenor_months: 12,
            plan: vec![Item {
                item: "Oven".into(),
                price: 5,
            }],
            documents: vec![],
            record: TrackRecord::default(),
        };
        let body = d.body();
        assert_eq!(Dossier::parse(&body).unwrap(), d);
        assert_eq!(hash(&body), hash(&d.clone().body()));
        let mut changed = d.clone();
        changed.amount = 6;
        assert_ne!(hash(&body), hash(&changed.body()));
        assert_eq!(hash(&body).len(), 64);
    }
}
