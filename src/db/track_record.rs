//! PLACEHOLDER replaced by the dossier branch (helper) at merge: the real computation.
use super::{Db, DbResult};
use crate::domain::capital::record::TrackRecord;

pub async fn track_record(_db: &Db, _alumnus_id: i64, _now: i64) -> DbResult<TrackRecord> {
    Ok(TrackRecord::default())
}
