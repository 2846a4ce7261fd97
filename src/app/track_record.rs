//! An alumnus's track record: the alumna's own, and the agency's view of anyone's, on a page
//! and as a PDF. The agency opening or downloading someone's record is personal data and is
//! audited (`track_record.viewed`, `track_record.downloaded`); the alumna reading her own is not.

use crate::app::AppResult;
use crate::config::Instance;
use crate::db::Db;
use crate::db::audit::{self, Event, Who};
use crate::db::track_record as store;
use crate::domain::capital::record::{Figure, RecordRow, TrackRecord};
use crate::{pdf, views};

/// Whose record, and who is asking.
#[derive(Clone, Copy)]
pub enum Viewer<'a> {
    /// The alumna herself (her account's link names the record).
    Own,
    /// Agency staff, audited.
    Agency(&'a Who<'a>),
}

async fn audited(
    db: &Db,
    viewer: Viewer<'_>,
    action: &'static str,
    alumnus_id: i64,
    summary: serde_json::Value,
) -> AppResult<()> {
    if let Viewer::Agency(by) = viewer {
        audit::record(
            db,
            Event {
                actor_id: by.id,
                actor_label: by.label,
                action,
                entity: "alumni",
                entity_id: alumnus_id.to_string(),
                summary,
                ip: by.ip,
            },
        )
        .await?;
    }
    Ok(())
}

/// The live record as of `now` (`NotFound` for an unknown alumnus).
pub async fn record(
    db: &Db,
    viewer: Viewer<'_>,
    alumnus_id: i64,
    now: i64,
) -> AppResult<TrackRecord> {
    let record = store::track_record(db, alumnus_id, now).await?;
    audited(
        db,
        viewer,
        "track_record.viewed",
        alumnus_id,
        serde_json::json!({}),
    )
    .await?;
    Ok(record)
}

/// The records behind one figure, with the record they belong to (agency only).
pub async fn behind(
    db: &Db,
    by: &Who<'_>,
    alumnus_id: i64,
    figure: Figure,
    now: i64,
) -> AppResult<(TrackRecord, Vec<RecordRow>)> {
    let record = store::track_record(db, alumnus_id, now).await?;
    let rows = store::records_behind(db, alumnus_id, figure, now).await?;
    audited(
        db,
        Viewer::Agency(by),
        "track_record.viewed",
        alumnus_id,
        serde_json::json!({ "angka": figure.as_str() }),
    )
    .await?;
    Ok((record, rows))
}

/// The record as a PDF on the agency's letterhead. `identifier` is printed under the title and
/// in the footer (a frozen snapshot's number and hash); `None` for the live record.
pub async fn pdf(
    db: &Db,
    instance: &Instance,
    viewer: Viewer<'_>,
    alumnus_id: i64,
    now: i64,
    identifier: Option<&str>,
) -> AppResult<Vec<u8>> {
    let record = store::track_record(db, alumnus_id, now).await?;
    let bytes = render_pdf(&record, instance, identifier)?;
    audited(
        db,
        viewer,
        "track_record.downloaded",
        alumnus_id,
        serde_json::json!({}),
    )
    .await?;
    Ok(bytes)
}

/// A (live or frozen) record as PDF bytes.
pub fn render_pdf(
    record: &TrackRecord,
    instance: &Instance,
    identifier: Option<&str>,
) -> AppResult<Vec<u8>> {
    let letterhead = super::procurement::agency_letterhead(instance);
    let doc = views::track_record::document(record, letterhead, identifier);
    pdf::render(&doc).map_err(|e| crate::app::AppError::Internal(e.to_string()))
}
