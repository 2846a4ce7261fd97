//! Catalog search. Each instance keeps an in-memory index of the live listings, loaded at
//! start-up and brought up to date before every search: listings whose revision is above the
//! index's (see `db::revision`) are read again, so a change made through any instance is seen
//! by every instance at its next search. Synonyms are reloaded when their counter moves.

pub mod index;
pub mod normalize;

#[cfg(test)]
mod generate;

use std::sync::{Arc, RwLock, RwLockReadGuard};

use crate::db::{Db, DbResult, catalog};
pub use index::{Card, Hit, Index, Query, Results, Sort};

/// The shared index of one instance.
#[derive(Default)]
pub struct Catalog {
    index: RwLock<Index>,
    /// One refresh at a time; others wait and find the index current.
    refreshing: tokio::sync::Mutex<()>,
}

pub type SharedCatalog = Arc<Catalog>;

impl Catalog {
    pub fn new() -> Catalog {
        Catalog::default()
    }

    fn read(&self) -> RwLockReadGuard<'_, Index> {
        self.index.read().unwrap_or_else(|e| e.into_inner())
    }

    fn current(&self, stamps: &catalog::Stamps) -> bool {
        let ix = self.read();
        ix.revision.is_some_and(|r| r >= stamps.catalog)
            && ix.synonyms_stamp == Some(stamps.synonyms)
    }

    /// Brings the index up to date with the database.
    pub async fn refresh(&self, db: &Db) -> DbResult<()> {
        let stamps = catalog::stamps(db).await?;
        if self.current(&stamps) {
            return Ok(());
        }
        let _one = self.refreshing.lock().await;
        // Counters read again under the lock: a refresh that just finished may have done it.
        let stamps = catalog::stamps(db).await?;
        if self.current(&stamps) {
            return Ok(());
        }
        let (revision, synonyms_stamp) = {
            let ix = self.read();
            (ix.revision, ix.synonyms_stamp)
        };
        let synonyms = if synonyms_stamp != Some(stamps.synonyms) {
            let groups = catalog::synonyms(db).await?;
            Some(normalize::Synonyms::new(
                groups.iter().map(|g| g.words.as_str()),
            ))
        } else {
            None
        };
        // Every revision up to the counter value read is committed (the counter row is held
        // until commit), so reading past `revision` and then recording the counter loses nothing.
        let rows = if revision.is_none_or(|r| r < stamps.catalog) {
            Some(catalog::index_rows(db, revision.unwrap_or(-1)).await?)
        } else {
            None
        };
        let mut ix = self.index.write().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = synonyms {
            ix.set_synonyms(s);
            ix.synonyms_stamp = Some(stamps.synonyms);
        }
        if let Some(rows) = rows {
            let count = rows.len();
            ix.apply(rows);
            ix.revision = Some(stamps.catalog);
            tracing::debug!(
                rows = count,
                revision = stamps.catalog,
                "catalog index refreshed"
            );
        }
        Ok(())
    }

    /// Searches the current catalog.
    pub async fn search(&self, db: &Db, query: &Query) -> DbResult<Results> {
        self.refresh(db).await?;
        Ok(self.read().search(query))
    }

    /// The card of a live listing, as last refreshed.
    pub fn card(&self, listing_id: i64) -> Option<std::sync::Arc<Card>> {
        self.read().card(listing_id)
    }

    /// Number of listings in the index.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }
}
