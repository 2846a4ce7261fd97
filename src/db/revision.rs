//! Catalog revisions. Every change that a search index must see (a listing, its business, the
//! business's reviews) stamps the affected listings with the next value of the `catalog`
//! counter, inside the transaction of the change. The counter row stays locked until commit, so
//! revisions become visible in order and an index that reads `revision > last_seen` misses
//! nothing, on one instance or several.

use crate::db::{DbResult, Tx};

async fn next(tx: &mut Tx) -> DbResult<i64> {
    let value: i64 = sqlx::query_scalar(
        "UPDATE counters SET value = value + 1 WHERE name = 'catalog' RETURNING value",
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(value)
}

/// A listing was created or changed.
pub async fn touch_listing(tx: &mut Tx, listing_id: i64) -> DbResult<()> {
    let revision = next(tx).await?;
    sqlx::query("UPDATE listings SET revision = $1 WHERE id = $2")
        .bind(revision)
        .bind(listing_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A business changed in a way its listings show (name, area, verification, rating).
pub async fn touch_business(tx: &mut Tx, business_id: i64) -> DbResult<()> {
    let revision = next(tx).await?;
    sqlx::query("UPDATE listings SET revision = $1 WHERE business_id = $2")
        .bind(revision)
        .bind(business_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
