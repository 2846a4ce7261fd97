//! The public catalog's agency side: the groups of search synonyms.
//!
//! Each use case opens its transaction, stores through `db::catalog` (which audits the change
//! and bumps the synonyms' stamp so search picks them up at once), and commits. The words come
//! validated and normalised by `search::normalize::validate_group`.

use super::AppResult;
use crate::db::{Db, catalog};
use crate::domain::audit::Who;

/// The agency adds a group of synonyms.
pub async fn create_synonym(db: &Db, words: &str, who: &Who<'_>) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let id = catalog::create_synonym(&mut tx, words, who).await?;
    tx.commit().await?;
    Ok(id)
}

/// The agency changes a group (`NotFound` when it does not exist).
pub async fn update_synonym(db: &Db, id: i64, words: &str, who: &Who<'_>) -> AppResult<()> {
    let mut tx = db.begin().await?;
    catalog::update_synonym(&mut tx, id, words, who).await?;
    tx.commit().await?;
    Ok(())
}

/// The agency removes a group (`NotFound` when it does not exist).
pub async fn delete_synonym(db: &Db, id: i64, who: &Who<'_>) -> AppResult<()> {
    let mut tx = db.begin().await?;
    catalog::delete_synonym(&mut tx, id, who).await?;
    tx.commit().await?;
    Ok(())
}
