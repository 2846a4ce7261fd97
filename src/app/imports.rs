//! Register imports: read an agency workbook, preview its plan against the register, and apply
//! it in one transaction with the stored upload marked applied and the audit entry written.
//! Shared by the web pages and `karya import alumni`. The file formats and the planning are
//! `crate::import`'s; the storage is `crate::db::imports`'s.
//!
//! A stored import holds personal data (every NIK of the workbook), so its upload and its
//! reports are sealed with the data key (`personal::seal_bytes`), the upload is deleted after
//! `import_retention_days` ([`purge_expired`]), and the report is downloaded with NIKs masked
//! unless the viewer may see full NIKs and asks for them (audited, [`report`]).

use crate::db::audit::{self, Event, Who};
use crate::db::{self, Db, DbError, imports};
use crate::domain::policy::{self, Role};
use crate::import::plan::{self, Counts, Options, Plan};
use crate::import::read::{ReadError, Workbook, read_workbook};
use crate::import::{NikShown, masked_copy, plan_report, plan_reports};
use crate::secrets::{Key, Secrets, personal};

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{}", .0.message())]
    Read(ReadError),
    #[error("basis data: {0}")]
    Db(#[from] DbError),
    #[error("impor ini sudah diterapkan sebelumnya")]
    AlreadyApplied,
    /// The stored upload could not be read; it is marked failed and not read again.
    #[error("Berkas impor ini tidak dapat dibaca dan tidak akan dibaca lagi: {0}")]
    Unreadable(String),
    /// The original file was deleted after the retention period.
    #[error("berkas asli impor ini sudah dihapus; unggah berkasnya lagi untuk impor baru")]
    Purged,
    /// A report with full NIKs asked for by a role that may not see them.
    #[error("tidak berhak melihat NIK lengkap")]
    Forbidden,
    /// An import applied before reports were kept masked, whose report could not be masked.
    #[error("laporan impor lama ini tidak tersedia tanpa NIK lengkap")]
    NoMaskedReport,
    /// The register refused a row while applying (a uniqueness rule): in words, naming the
    /// row; nothing was stored.
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Internal(String),
}

/// An apply's storage failure as the admin reads it: a conflict names the sheet and row the
/// register refused; nothing of the import was stored either way.
fn apply_error(plan: &Plan, e: imports::ApplyError) -> RunError {
    let DbError::Conflict(_) = &e.error else {
        return RunError::Db(e.error);
    };
    let row = match &e.at {
        Some(imports::ApplyStep::Person(i)) => plan.people.get(*i).map(|p| {
            let (_, sheet, row) = &p.first;
            (sheet.clone(), *row)
        }),
        Some(imports::ApplyStep::Batch(key)) => plan
            .rows
            .iter()
            .find(|r| {
                r.person
                    .and_then(|i| plan.people.get(i))
                    .is_some_and(|p| p.participations.iter().any(|(k, _, _)| k == key))
            })
            .map(|r| (r.sheet.clone(), r.row)),
        None => None,
    };
    let what = match &e.at {
        Some(imports::ApplyStep::Batch(key)) => format!(
            "angkatan {} {} {} (kejuruan {}) bentrok dengan data yang sudah ada di register",
            key.program, key.number, key.year, key.trade
        ),
        _ => "data alumni ini bentrok dengan data yang sudah ada di register (mis. NIK ganda)"
            .to_owned(),
    };
    let place = row.map_or_else(String::new, |(sheet, row)| {
        format!("Lembar {sheet} baris {row}: ")
    });
    RunError::Conflict(format!("{place}{what}"))
}

/// Reads a file off the async runtime (parsing a large workbook takes CPU time).
pub async fn read(bytes: Vec<u8>, file_name: String) -> Result<Workbook, RunError> {
    tokio::task::spawn_blocking(move || read_workbook(&bytes, &file_name))
        .await
        .map_err(|e| RunError::Internal(e.to_string()))?
        .map_err(RunError::Read)
}

/// The report of a plan: every original row of the imported sheets with its status and
/// messages, as an `.xlsx` file, with NIKs as `nik` says.
pub fn plan_report_file(
    workbook: &Workbook,
    plan: &Plan,
    nik: NikShown,
) -> Result<Vec<u8>, RunError> {
    plan_report(workbook, plan, nik).map_err(|e| RunError::Internal(e.to_string()))
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
    let counts = imports::apply(&mut tx, &plan, &snapshot, &seal, who, progress)
        .await
        .map_err(|e| apply_error(&plan, e))?;
    let summary = counts.summary_line();
    if let Some(id) = upload {
        let reports =
            plan_reports(workbook, &plan).map_err(|e| RunError::Internal(e.to_string()))?;
        let full = personal::seal_bytes(&key, &reports.full);
        let masked = personal::seal_bytes(&key, &reports.masked);
        match imports::mark_applied(&mut tx, id, &summary, &full, &masked).await {
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

// ---- the stored import ----

/// An import as stored, its original file opened.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: i64,
    pub file_name: String,
    pub created_at: i64,
    pub status: String,
    pub summary: String,
    pub options: Options,
    pub applied_at: Option<i64>,
    pub purged_at: Option<i64>,
    /// The original file; `None` once deleted after the retention period.
    pub content: Option<Vec<u8>>,
    /// Why the original file could not be read, once it failed to.
    pub read_error: Option<String>,
}

impl Stored {
    pub fn applied(&self) -> bool {
        self.status == "applied"
    }

    /// The workbook of the original file, read again. A file that fails to read (a hostile
    /// upload stored by an older version, say) is marked failed with the reason and never read
    /// again: each reading would cost the same time and memory.
    pub async fn workbook(&self, db: &Db) -> Result<Workbook, RunError> {
        if let Some(reason) = &self.read_error {
            return Err(RunError::Unreadable(reason.clone()));
        }
        let Some(bytes) = &self.content else {
            return Err(RunError::Purged);
        };
        match read(bytes.clone(), self.file_name.clone()).await {
            Err(RunError::Read(e)) => {
                let reason = e.message();
                tracing::warn!(import = self.id, error = %reason, "stored import unreadable; marked failed");
                imports::mark_unreadable(db, self.id, &reason).await?;
                Err(RunError::Unreadable(reason))
            }
            other => other,
        }
    }
}

/// Stores an upload (checked readable by the caller), sealed; returns its id.
pub async fn store_upload(
    db: &Db,
    secrets: &Secrets,
    created_by: i64,
    file_name: &str,
    bytes: &[u8],
) -> Result<i64, RunError> {
    let sealed = personal::seal_bytes(&secrets.data_key, bytes);
    Ok(imports::store_upload(db, created_by, file_name, &sealed).await?)
}

/// A stored import with its upload opened.
pub async fn stored(db: &Db, secrets: &Secrets, id: i64) -> Result<Stored, RunError> {
    let upload = imports::upload(db, id).await?;
    Ok(Stored {
        id: upload.id,
        file_name: upload.file_name,
        created_at: upload.created_at,
        status: upload.status,
        summary: upload.summary,
        options: serde_json::from_str(&upload.options).unwrap_or_default(),
        applied_at: upload.applied_at,
        purged_at: upload.purged_at,
        read_error: upload.read_error,
        content: upload
            .content
            .map(|blob| open_blob(&secrets.data_key, blob))
            .transpose()?,
    })
}

/// A stored blob's bytes: a sealed one opened with the data key; one stored in clear before
/// blobs were sealed (and not yet sealed by [`seal_stored`]) as it is.
fn open_blob(key: &Key, blob: Vec<u8>) -> Result<Vec<u8>, RunError> {
    if !personal::is_sealed(&blob) {
        return Ok(blob);
    }
    personal::open_bytes(key, &blob).ok_or_else(|| {
        RunError::Internal("berkas impor tersimpan tidak dapat dibuka dengan kunci data ini".into())
    })
}

/// Where an import stands, for its page.
pub enum Stage {
    /// Being applied (by this or another instance).
    Running,
    /// Applied; its report is stored.
    Applied,
    /// Never applied, and its original file was deleted after the retention period.
    Abandoned,
    /// Waiting for confirmation: the dry run as things stand.
    Draft(Box<Plan>),
}

/// The page of one import.
pub struct ImportView {
    pub import: Stored,
    pub stage: Stage,
    /// Whether the viewer may download the report with full NIKs.
    pub may_see_full_nik: bool,
}

/// An import's page: where it stands and, before it is applied, its dry run.
pub async fn page(
    db: &Db,
    kabupaten: &[String],
    secrets: &Secrets,
    role: Role,
    id: i64,
) -> Result<ImportView, RunError> {
    let import = stored(db, secrets, id).await?;
    let stage = if import.status == "running" {
        Stage::Running
    } else if import.applied() {
        Stage::Applied
    } else if import.content.is_none() {
        Stage::Abandoned
    } else {
        let workbook = import.workbook(db).await?;
        let plan = preview(db, kabupaten, secrets, &workbook, &import.options).await?;
        Stage::Draft(Box::new(plan))
    };
    Ok(ImportView {
        import,
        stage,
        may_see_full_nik: policy::allows(role, policy::FULL_NIK),
    })
}

/// A report to download, and the name of the file it reports on.
pub struct ReportFile {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// An import's report: as applied, or (before confirmation) as the dry run would apply it. NIKs
/// masked unless `nik` is `Full`, which only a role that may see full NIKs gets, and which is
/// recorded in the audit trail (`import.report_full_nik`) before the file is handed out.
#[allow(clippy::too_many_arguments)]
pub async fn report(
    db: &Db,
    kabupaten: &[String],
    secrets: &Secrets,
    id: i64,
    nik: NikShown,
    role: Role,
    who: &Who<'_>,
) -> Result<ReportFile, RunError> {
    if nik == NikShown::Full && !policy::allows(role, policy::FULL_NIK) {
        return Err(RunError::Forbidden);
    }
    let import = stored(db, secrets, id).await?;
    let full = nik == NikShown::Full;
    let bytes = match imports::stored_report(db, id, full).await? {
        Some(blob) => open_blob(&secrets.data_key, blob)?,
        None if import.applied() => return Err(RunError::NoMaskedReport),
        None => {
            let workbook = import.workbook(db).await?;
            let plan = preview(db, kabupaten, secrets, &workbook, &import.options).await?;
            tokio::task::spawn_blocking(move || plan_report_file(&workbook, &plan, nik))
                .await
                .map_err(|e| RunError::Internal(e.to_string()))??
        }
    };
    if full {
        audit::record(
            db,
            who.event(
                "import.report_full_nik",
                "import",
                id,
                serde_json::json!({"file": import.file_name, "applied": import.applied()}),
            ),
        )
        .await?;
    }
    Ok(ReportFile {
        file_name: import.file_name,
        bytes,
    })
}

// ---- keeping stored imports ----

/// Deletes the original file of every import older than `retention_days`, as the system, with
/// an audit entry (`import.upload_purged`) for each; the import's row, summary and reports stay.
/// An applied import counts from its apply. An upload never applied (a preview abandoned, or an
/// apply that failed and was not retried) counts from its upload and is deleted after the same
/// period. Run at start-up and by the hourly sweeper. Returns how many files were deleted.
pub async fn purge_expired(db: &Db, retention_days: i64) -> Result<usize, RunError> {
    let now = db::now();
    let cutoff = now - retention_days.max(1) * 86_400;
    let due = imports::purge_due(db, cutoff, cutoff, now - imports::RUNNING_MARKER_SECS).await?;
    let who = Who {
        id: None,
        label: "sistem",
        ip: "",
    };
    let mut purged = 0;
    for (id, applied) in due {
        let mut tx = db.begin().await?;
        // Another instance may have deleted it meanwhile: then nothing is recorded twice.
        if imports::purge_upload(&mut tx, id).await? {
            audit::append(
                &mut tx,
                who.event(
                    "import.upload_purged",
                    "import",
                    id,
                    serde_json::json!({"retention_days": retention_days, "applied": applied}),
                ),
            )
            .await?;
            purged += 1;
        }
        db::commit(tx).await?;
    }
    Ok(purged)
}

/// Seals the uploads and reports stored in clear before blobs were sealed, and keeps a masked
/// copy of each such report (the default download). A one-time conversion run at start-up
/// (`startup::prepare_database`); a blob another instance sealed meanwhile is left alone.
/// Returns how many imports had a clear blob.
pub async fn seal_stored(db: &Db, secrets: &Secrets) -> Result<usize, RunError> {
    let key = &secrets.data_key;
    let ids = imports::unsealed(db, personal::SEALED_PREFIX).await?;
    for &id in &ids {
        let (content, report) = imports::blobs(db, id).await?;
        if let Some(clear) = content.filter(|c| !personal::is_sealed(c)) {
            imports::reseal_content(db, id, &clear, &personal::seal_bytes(key, &clear)).await?;
        }
        if let Some(clear) = report.filter(|r| !personal::is_sealed(r)) {
            let copy = clear.clone();
            let masked = match tokio::task::spawn_blocking(move || masked_copy(&copy)).await {
                Ok(Ok(masked)) => Some(personal::seal_bytes(key, &masked)),
                Ok(Err(e)) => {
                    tracing::warn!(import = id, error = %e, "old import report could not be masked; only the full-NIK download remains");
                    None
                }
                Err(e) => return Err(RunError::Internal(e.to_string())),
            };
            let sealed = personal::seal_bytes(key, &clear);
            imports::reseal_report(db, id, &clear, &sealed, masked.as_deref()).await?;
        }
    }
    if !ids.is_empty() {
        tracing::info!(count = ids.len(), "stored imports sealed with the data key");
    }
    Ok(ids.len())
}
