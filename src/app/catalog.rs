//! The public catalog's agency side: the groups of search synonyms.
//!
//! Each use case opens its transaction, stores through `db::catalog` (which bumps the synonyms'
//! stamp so search picks them up at once), writes the audit entry, and commits. The words come
//! validated and normalised by `search::normalize::validate_group`.

use super::AppResult;
use crate::db::{Db, Tx, audit, catalog};
use crate::domain::audit::{Event, Who};

async fn audited(
    tx: &mut Tx,
    who: &Who<'_>,
    action: &str,
    id: i64,
    summary: serde_json::Value,
) -> AppResult<()> {
    let event = Event {
        actor_id: who.id,
        actor_label: who.label,
        action,
        entity: "synonym",
        entity_id: id.to_string(),
        summary,
        ip: who.ip,
    };
    audit::append(tx, event).await?;
    Ok(())
}

/// The agency adds a group of synonyms.
pub async fn create_synonym(db: &Db, words: &str, who: &Who<'_>) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let id = catalog::insert_synonym(&mut tx, words).await?;
    let summary = serde_json::json!({ "words": words });
    audited(&mut tx, who, "synonym.create", id, summary).await?;
    tx.commit().await?;
    Ok(id)
}

/// The agency changes a group (`NotFound` when it does not exist).
pub async fn update_synonym(db: &Db, id: i64, words: &str, who: &Who<'_>) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let before = catalog::synonym_words(&mut tx, id).await?;
    catalog::set_synonym(&mut tx, id, words).await?;
    let summary = serde_json::json!({ "before": before, "after": words });
    audited(&mut tx, who, "synonym.update", id, summary).await?;
    tx.commit().await?;
    Ok(())
}

/// The agency removes a group (`NotFound` when it does not exist).
pub async fn delete_synonym(db: &Db, id: i64, who: &Who<'_>) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let before = catalog::synonym_words(&mut tx, id).await?;
    catalog::remove_synonym(&mut tx, id).await?;
    let summary = serde_json::json!({ "words": before });
    audited(&mut tx, who, "synonym.delete", id, summary).await?;
    tx.commit().await?;
    Ok(())
}
