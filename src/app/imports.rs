//! Register imports: read an agency workbook, preview its plan against the register, and apply
//! it in one transaction with the stored upload marked applied and the audit entry written.
//! Shared by the web pages and `karya import alumni`. The file formats and the planning are
//! `crate::import`'s; the storage is `crate::db::imports`'s.

use crate::db::audit::{self, Event, Who};
use crate::db::{self, Db, DbError, imports};
use crate::import::plan::{self, Counts, Options, Plan};
use crate::import::read::{ReadError, Workbook, read_workbook};
use crate::secrets::{Secrets, personal};

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{}", .0.message())]
    Read(ReadError),
    #[error("basis data: {0}")]
    Db(#[from] DbError),
    #[error("impor ini sudah diterapkan sebelumnya")]
    AlreadyApplied,
    #[error("{0}")]
    Internal(String),
}

/// Reads a file off the async runtime (parsing a large workbook takes CPU time).
pub async fn read(bytes: Vec<u8>, file_name: String) -> Result<Workbook, RunError> {
    tokio::task::spawn_blocking(move || read_workbook(&bytes, &file_name))
        .await
        .map_err(|e| RunError::Internal(e.to_string()))?
        .map_err(RunError::Read)
}

/// The report of a plan: every original row of the imported sheets with its status and
/// messages, as an `.xlsx` file.
pub fn report(workbook: &Workbook, plan: &Plan) -> Result<Vec<u8>, RunError> {
    crate::import::report::plan_report(workbook, plan)
        .map_err(|e| RunError::Internal(e.to_string()))
}

/// The plan as things stand; nothing is stored.
pub async fn preview(
    db: &Db,
    kabupaten: &[String],
    secrets: &Secrets,
    workbook: &Workbook,
    options: &Options,
) -> Result<Plan, RunError> {
    let mut tx = db.begin().await?;
    let snapshot = imports::snapshot(&mut tx, kabupaten).await?;
    drop(tx); // read only: rolled back
    let key = secrets.data_key.clone();
    Ok(plan::plan(workbook, &snapshot, options, &|nik| {
        personal::keyed_hash(&key, nik)
    }))
}

/// Plans again inside one transaction and applies. A stored `upload` is claimed first (see
/// `imports::begin_running`) and marked applied in the same transaction as the changes, so
/// confirming twice applies once; a failed apply leaves it `failed` with the reason.
#[allow(clippy::too_many_arguments)]
pub async fn apply(
    db: &Db,
    kabupaten: &[String],
    secrets: &Secrets,
    workbook: &Workbook,
    options: &Options,
    upload: Option<i64>,
    who: &Who<'_>,
    progress: imports::Progress<'_>,
) -> Result<(Plan, Counts), RunError> {
    let result = apply_once(
        db, kabupaten, secrets, workbook, options, upload, who, progress,
    )
    .await;
    if let (Some(id), Err(e)) = (upload, &result)
        && !matches!(e, RunError::AlreadyApplied)
    {
        tracing::error!(import = id, error = %e, "import failed; nothing was stored");
        let _ = imports::mark_failed(db, id, &format!("gagal: {e}")).await;
    }
    result
}

#[allow(clippy::too_many_arguments)]
async fn apply_once(
    db: &Db,
    kabupaten: &[String],
    secrets: &Secrets,
    workbook: &Workbook,
    options: &Options,
    upload: Option<i64>,
    who: &Who<'_>,
    progress: imports::Progress<'_>,
) -> Result<(Plan, Counts), RunError> {
    if let Some(id) = upload
        && !imports::begin_running(db, id).await?
    {
        return Err(RunError::AlreadyApplied);
    }
    let key = secrets.data_key.clone();
    let mut tx = db.begin().await?;
    let snapshot = imports::snapshot(&mut tx, kabupaten).await?;
    let plan = plan::plan(workbook, &snapshot, options, &|nik| {
        personal::keyed_hash(&key, nik)
    });
    let seal = |nik: &str| (personal::seal(&key, nik), personal::keyed_hash(&key, nik));
    let counts = imports::apply(&mut tx, &plan, &snapshot, &seal, who, progress).await?;
    let summary = counts.summary_line();
    if let Some(id) = upload {
        let report = report(workbook, &plan)?;
        match imports::mark_applied(&mut tx, id, &summary, &report).await {
            Err(DbError::Stale) => return Err(RunError::AlreadyApplied),
            other => other?,
        }
    }
    audit::append(
        &mut tx,
        Event {
            actor_id: who.id,
            actor_label: who.label,
            action: "import.applied",
            entity: "import",
            entity_id: upload.map_or("cli".into(), |id| id.to_string()),
            summary: serde_json::json!({"counts": counts}),
            ip: who.ip,
        },
    )
    .await?;
    db::commit(tx).await?;
    Ok((plan, counts))
}
