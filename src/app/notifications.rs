//! Notifications' agency side: the outbox's "Kirim ulang".
//!
//! The use case opens its transaction, makes the row due through `db::notifications`, writes the
//! audit entry, and commits.

use super::AppResult;
use crate::db::{Db, audit, notifications as store};
use crate::domain::audit::Who;

/// "Kirim ulang": a failed or waiting outbox row becomes due now, audited with the status and
/// attempts it had. `false` when the row is being sent or already delivered.
pub async fn retry(db: &Db, id: i64, who: Who<'_>) -> AppResult<bool> {
    let mut tx = db.begin().await?;
    let Some((status, attempts)) = store::retry_now(&mut tx, id).await? else {
        return Ok(false);
    };
    let summary = serde_json::json!({ "status": status, "attempts": attempts });
    audit::append(&mut tx, who.event("outbox.retry", "outbox", id, summary)).await?;
    tx.commit().await?;
    Ok(true)
}
