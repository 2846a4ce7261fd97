//! Register imports: the register snapshot a plan is computed against, the stored upload with
//! the admin's choices, and applying a plan in one transaction with every change audited.

use std::collections::HashMap;

use sqlx::Row;

use super::audit::{self, Event, Who};
use super::register::{self, NewAlumnus, NewBatch, NewParticipation, NewProgram};
use super::{Db, DbError, DbResult, Tx, now};
use crate::domain::import::plan::{
    BatchKey, BatchRef, Counts, Existing, Participation, Person, Plan, ProgramRef, Snapshot,
    TradeRef, normalise,
};
use crate::domain::region::{Region, RegionLevel};

/// Reads what a plan needs. Inside a transaction when applying, so the plan is recomputed
/// against the register as it is at that moment.
pub async fn snapshot(tx: &mut Tx, kabupaten: &[String]) -> DbResult<Snapshot> {
    let mut s = Snapshot::default();
    for r in sqlx::query("SELECT id, name FROM trades")
        .fetch_all(&mut **tx)
        .await?
    {
        s.trades.push(TradeRef {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
        });
    }
    for r in sqlx::query("SELECT id, trade_id, name FROM programs")
        .fetch_all(&mut **tx)
        .await?
    {
        s.programs.push(ProgramRef {
            id: r.try_get("id")?,
            trade_id: r.try_get("trade_id")?,
            name: r.try_get("name")?,
        });
    }
    for r in sqlx::query("SELECT id, program_id, year, number FROM batches")
        .fetch_all(&mut **tx)
        .await?
    {
        s.batches.push(BatchRef {
            id: r.try_get("id")?,
            program_id: r.try_get("program_id")?,
            year: r.try_get::<i64, _>("year")? as i32,
            number: r.try_get::<i64, _>("number")? as u32,
        });
    }
    let rows = sqlx::query(
        "SELECT id, nik_hmac, full_name, gender, birth_place, birth_date, phone, address, kecamatan_code, desa_code, education \
         FROM alumni",
    )
    .fetch_all(&mut **tx)
    .await?;
    for r in rows {
        let existing = Existing {
            id: r.try_get("id")?,
            person: Person {
                full_name: r.try_get("full_name")?,
                gender: r.try_get("gender")?,
                birth_place: r.try_get("birth_place")?,
                birth_date: r.try_get("birth_date")?,
                phone: r.try_get("phone")?,
                address: r.try_get("address")?,
                kecamatan_code: r.try_get("kecamatan_code")?,
                desa_code: r.try_get("desa_code")?,
                education: r.try_get("education")?,
            },
        };
        match r.try_get::<Option<String>, _>("nik_hmac")? {
            Some(h) => {
                s.alumni_by_nik.insert(h, existing);
            }
            None => {
                let key = (
                    normalise(&existing.person.full_name),
                    existing.person.birth_date.clone().unwrap_or_default(),
                );
                s.alumni_by_name_birth.insert(key, existing);
            }
        }
    }
    let rows = sqlx::query(
        "SELECT alumnus_id, batch_id, result, competency, cert_number, cert_issuer, cert_date, placement FROM participations",
    )
    .fetch_all(&mut **tx)
    .await?;
    for r in rows {
        s.participations.insert(
            (r.try_get("alumnus_id")?, r.try_get("batch_id")?),
            Participation {
                result: r.try_get("result")?,
                competency: r.try_get("competency")?,
                cert_number: r.try_get("cert_number")?,
                cert_issuer: r.try_get("cert_issuer")?,
                cert_date: r.try_get("cert_date")?,
                placement: r.try_get("placement")?,
            },
        );
    }
    for k in kabupaten {
        let prefix = format!("{k}.%");
        let rows =
            sqlx::query("SELECT code, name, level FROM regions WHERE code LIKE $1 ORDER BY code")
                .bind(&prefix)
                .fetch_all(&mut **tx)
                .await?;
        for r in rows {
            let level: String = r.try_get("level")?;
            let region = Region {
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                level: RegionLevel::parse(&level).unwrap_or(RegionLevel::Desa),
            };
            match region.level {
                RegionLevel::Kecamatan => s.kecamatan.push(region),
                RegionLevel::Desa | RegionLevel::Kelurahan => s.desa.push(region),
                _ => {}
            }
        }
    }
    Ok(s)
}

/// An uploaded file waiting for (or done with) confirmation. The blobs are stored as the caller
/// gives them (sealed by `app::imports`).
#[derive(Debug, Clone)]
pub struct Upload {
    pub id: i64,
    pub created_by: i64,
    pub created_at: i64,
    pub file_name: String,
    /// `None` once the original file was deleted (see `purged_at`).
    pub content: Option<Vec<u8>>,
    pub options: String,
    pub status: String,
    pub summary: String,
    pub applied_at: Option<i64>,
    pub purged_at: Option<i64>,
    /// Why the upload could not be read, once it failed to (it is not read again).
    pub read_error: Option<String>,
}

pub async fn store_upload(
    db: &Db,
    created_by: i64,
    file_name: &str,
    content: &[u8],
) -> DbResult<i64> {
    Ok(sqlx::query(
        "INSERT INTO imports (created_by, created_at, file_name, content) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(created_by)
    .bind(now())
    .bind(file_name)
    .bind(content.to_vec())
    .fetch_one(db.pool())
    .await?
    .try_get("id")?)
}

/// One line of the list of imports.
#[derive(Debug, Clone)]
pub struct Listed {
    pub id: i64,
    pub file_name: String,
    pub created_at: i64,
    pub status: String,
    pub summary: String,
    pub uploader: String,
    pub purged: bool,
    /// The upload failed to read (see [`mark_unreadable`]).
    pub unreadable: bool,
}

/// The most recent imports, newest first.
pub async fn recent(db: &Db, limit: i64) -> DbResult<Vec<Listed>> {
    let rows = sqlx::query(
        "SELECT i.id, i.file_name, i.created_at, i.status, i.summary, u.username, i.purged_at, i.read_error FROM imports i \
         JOIN users u ON u.id = i.created_by ORDER BY i.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Listed {
                id: r.try_get("id")?,
                file_name: r.try_get("file_name")?,
                created_at: r.try_get("created_at")?,
                status: r.try_get("status")?,
                summary: r.try_get("summary")?,
                uploader: r.try_get("username")?,
                purged: r.try_get::<Option<i64>, _>("purged_at")?.is_some(),
                unreadable: r.try_get::<Option<String>, _>("read_error")?.is_some(),
            })
        })
        .collect()
}

pub async fn upload(db: &Db, id: i64) -> DbResult<Upload> {
    let r = sqlx::query(
        "SELECT id, created_by, created_at, file_name, content, options, status, summary, applied_at, purged_at, \
         read_error FROM imports WHERE id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    Ok(Upload {
        id: r.try_get("id")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        file_name: r.try_get("file_name")?,
        content: r.try_get("content")?,
        options: r.try_get("options")?,
        status: r.try_get("status")?,
        summary: r.try_get("summary")?,
        applied_at: r.try_get("applied_at")?,
        purged_at: r.try_get("purged_at")?,
        read_error: r.try_get("read_error")?,
    })
}

/// The report stored when the import was applied: with full NIKs (`full`) or masked.
pub async fn stored_report(db: &Db, id: i64, full: bool) -> DbResult<Option<Vec<u8>>> {
    let sql = if full {
        "SELECT report AS r FROM imports WHERE id = $1"
    } else {
        "SELECT report_masked AS r FROM imports WHERE id = $1"
    };
    Ok(sqlx::query(sql)
        .bind(id)
        .fetch_one(db.pool())
        .await?
        .try_get("r")?)
}

/// Imports whose original file is due for deletion: applied before `applied_before`, or never
/// applied and uploaded before `uploaded_before`, and not being applied right now (a running
/// marker newer than `running_since`). Returns (id, applied).
pub async fn purge_due(
    db: &Db,
    applied_before: i64,
    uploaded_before: i64,
    running_since: i64,
) -> DbResult<Vec<(i64, bool)>> {
    let rows = sqlx::query(
        "SELECT id, applied_at FROM imports WHERE content IS NOT NULL \
         AND ((applied_at IS NOT NULL AND applied_at < $1) OR (applied_at IS NULL AND created_at < $2)) \
         AND NOT (status = 'running' AND started_at >= $3) ORDER BY id",
    )
    .bind(applied_before)
    .bind(uploaded_before)
    .bind(running_since)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("id")?,
                r.try_get::<Option<i64>, _>("applied_at")?.is_some(),
            ))
        })
        .collect()
}

/// Deletes the original file of an import (its row, summary and reports stay). `false` when
/// it was already deleted (another instance got there first).
pub async fn purge_upload(tx: &mut Tx, id: i64) -> DbResult<bool> {
    let done = sqlx::query(
        "UPDATE imports SET content = NULL, purged_at = $1 WHERE id = $2 AND content IS NOT NULL",
    )
    .bind(now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Imports with a blob (upload or report) that does not start with `sealed_prefix`: stored
/// before blobs were sealed.
pub async fn unsealed(db: &Db, sealed_prefix: &[u8]) -> DbResult<Vec<i64>> {
    let n = i32::try_from(sealed_prefix.len()).map_err(|e| DbError::Other(e.to_string()))?;
    let rows = sqlx::query(
        "SELECT id FROM imports WHERE substr(content, 1, $1) <> $2 OR substr(report, 1, $1) <> $2 ORDER BY id",
    )
    .bind(n)
    .bind(sealed_prefix.to_vec())
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
}

/// The stored upload and full report of one import.
pub async fn blobs(db: &Db, id: i64) -> DbResult<(Option<Vec<u8>>, Option<Vec<u8>>)> {
    let r = sqlx::query("SELECT content, report FROM imports WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await?;
    Ok((r.try_get("content")?, r.try_get("report")?))
}

/// Replaces a clear upload with its sealed form, unless it changed meanwhile (sealed by another
/// instance, or deleted).
pub async fn reseal_content(db: &Db, id: i64, clear: &[u8], sealed: &[u8]) -> DbResult<()> {
    sqlx::query("UPDATE imports SET content = $1 WHERE id = $2 AND content = $3")
        .bind(sealed.to_vec())
        .bind(id)
        .bind(clear.to_vec())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Replaces a clear report with its sealed forms (full and masked; no masked one when it could
/// not be made), unless it changed meanwhile.
pub async fn reseal_report(
    db: &Db,
    id: i64,
    clear: &[u8],
    sealed: &[u8],
    sealed_masked: Option<&[u8]>,
) -> DbResult<()> {
    sqlx::query("UPDATE imports SET report = $1, report_masked = $2 WHERE id = $3 AND report = $4")
        .bind(sealed.to_vec())
        .bind(sealed_masked.map(<[u8]>::to_vec))
        .bind(id)
        .bind(clear.to_vec())
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn save_options(db: &Db, id: i64, options: &str) -> DbResult<()> {
    let done = sqlx::query(
        "UPDATE imports SET options = $1 WHERE id = $2 AND status IN ('draft', 'failed')",
    )
    .bind(options)
    .bind(id)
    .execute(db.pool())
    .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::Stale);
    }
    Ok(())
}

/// A running marker older than this belongs to a process that died.
pub const RUNNING_MARKER_SECS: i64 = 15 * 60;

/// Claims an upload for applying: from draft or failed, or from a run whose process died (a
/// marker older than [`RUNNING_MARKER_SECS`]). `false` when it is applied or being applied right
/// now.
pub async fn begin_running(db: &Db, id: i64) -> DbResult<bool> {
    let t = now();
    let done = sqlx::query(
        "UPDATE imports SET status = 'running', started_at = $1 WHERE id = $2 \
         AND read_error IS NULL \
         AND (status IN ('draft', 'failed') OR (status = 'running' AND started_at < $3))",
    )
    .bind(t)
    .bind(id)
    .bind(t - RUNNING_MARKER_SECS)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The apply failed (its transaction rolled back): say why, and allow another attempt.
pub async fn mark_failed(db: &Db, id: i64, reason: &str) -> DbResult<()> {
    sqlx::query(
        "UPDATE imports SET status = 'failed', summary = $1 WHERE id = $2 AND status = 'running'",
    )
    .bind(reason)
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The upload, not yet applied, could not be read: mark it failed with the reader's `reason`
/// so that it is never read again nor applied. `false` when it is applied or running.
pub async fn mark_unreadable(db: &Db, id: i64, reason: &str) -> DbResult<bool> {
    let done = sqlx::query(
        "UPDATE imports SET status = 'failed', summary = $1, read_error = $1 \
         WHERE id = $2 AND status IN ('draft', 'failed')",
    )
    .bind(reason)
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a running upload applied inside the applying transaction, with its report (full and
/// masked); a second confirmation (a double tap, another instance) finds it applied and changes
/// nothing.
pub async fn mark_applied(
    tx: &mut Tx,
    id: i64,
    summary: &str,
    report: &[u8],
    report_masked: &[u8],
) -> DbResult<()> {
    let done = sqlx::query(
        "UPDATE imports SET status = 'applied', applied_at = $1, summary = $2, report = $3, report_masked = $4 \
         WHERE id = $5 AND status = 'running'",
    )
    .bind(now())
    .bind(summary)
    .bind(report.to_vec())
    .bind(report_masked.to_vec())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::Stale);
    }
    Ok(())
}

/// Protects a NIK for storage: (sealed, keyed hash).
pub type SealNik<'a> = &'a (dyn Fn(&str) -> (String, String) + Sync);

/// Applies a plan computed against the snapshot read in this same transaction.
/// Told (people done, people in all) as the apply goes on.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// What an apply was storing when it failed: a batch (with its trade and program) or the
/// person at this index of `Plan::people`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplyStep {
    Batch(BatchKey),
    Person(usize),
}

/// An apply that failed (the caller rolls its transaction back), and what it was storing.
#[derive(Debug)]
pub struct ApplyError {
    pub error: DbError,
    pub at: Option<ApplyStep>,
}

pub async fn apply(
    tx: &mut Tx,
    plan: &Plan,
    snapshot: &Snapshot,
    seal: SealNik<'_>,
    who: &Who<'_>,
    progress: Progress<'_>,
) -> Result<Counts, ApplyError> {
    let mut at = None;
    match apply_steps(tx, plan, snapshot, seal, who, progress, &mut at).await {
        Ok(counts) => Ok(counts),
        Err(error) => Err(ApplyError { error, at }),
    }
}

async fn apply_steps(
    tx: &mut Tx,
    plan: &Plan,
    snapshot: &Snapshot,
    seal: SealNik<'_>,
    who: &Who<'_>,
    progress: Progress<'_>,
    at: &mut Option<ApplyStep>,
) -> DbResult<Counts> {
    // New trades and programs the admin allowed, then every batch the plan needs.
    let mut trade_ids: HashMap<String, i64> = snapshot
        .trades
        .iter()
        .map(|t| (normalise(&t.name), t.id))
        .collect();
    let mut program_ids: HashMap<(i64, String), i64> = snapshot
        .programs
        .iter()
        .map(|p| ((p.trade_id, normalise(&p.name)), p.id))
        .collect();
    let mut batch_ids: HashMap<BatchKey, i64> = HashMap::new();
    // Batches by (program, year, number), created here or stored: names that differ only in
    // case or spacing are one batch, never a second insert.
    let mut batch_by_program: HashMap<(i64, i32, u32), i64> = snapshot
        .batches
        .iter()
        .map(|b| ((b.program_id, b.year, b.number), b.id))
        .collect();
    for key in &plan.new_batches {
        *at = Some(ApplyStep::Batch(key.clone()));
        let trade_id = match trade_ids.get(&normalise(&key.trade)) {
            Some(id) => *id,
            None => {
                let code = trade_code(&key.trade);
                let id = register::create_trade(tx, &code, &key.trade, "").await?;
                audit::append(
                    tx,
                    who.event(
                        "trade.create",
                        "trade",
                        id,
                        serde_json::json!({"name": key.trade}),
                    ),
                )
                .await?;
                trade_ids.insert(normalise(&key.trade), id);
                id
            }
        };
        let program_id = match program_ids.get(&(trade_id, normalise(&key.program))) {
            Some(id) => *id,
            None => {
                let id = register::create_program(
                    tx,
                    &NewProgram {
                        trade_id,
                        name: &key.program,
                        hours: 1,
                        days: 1,
                        competency_units: "",
                    },
                )
                .await?;
                sqlx::query("UPDATE programs SET needs_review = 1 WHERE id = $1")
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                audit::append(
                    tx,
                    who.event(
                        "program.create",
                        "program",
                        id,
                        serde_json::json!({"name": key.program, "needs_review": true}),
                    ),
                )
                .await?;
                program_ids.insert((trade_id, normalise(&key.program)), id);
                id
            }
        };
        if let Some(id) = batch_by_program.get(&(program_id, key.year, key.number)) {
            batch_ids.insert(key.clone(), *id);
            continue;
        }
        let date = format!("{}-01-01", key.year);
        let batch_id = register::create_batch(
            tx,
            &NewBatch {
                program_id,
                year: i64::from(key.year),
                number: i64::from(key.number),
                start_date: &date,
                end_date: &date,
                place: "",
                funding: "lainnya",
                capacity: 1,
                instructor: "",
            },
        )
        .await?;
        sqlx::query("UPDATE batches SET needs_review = 1 WHERE id = $1")
            .bind(batch_id)
            .execute(&mut **tx)
            .await?;
        audit::append(tx, who.event("batch.create", "batch", batch_id, serde_json::json!({"program": key.program, "year": key.year, "number": key.number, "needs_review": true})))
        .await?;
        batch_ids.insert(key.clone(), batch_id);
        batch_by_program.insert((program_id, key.year, key.number), batch_id);
    }
    let batch_id = |key: &BatchKey| -> DbResult<i64> {
        if let Some(id) = batch_ids.get(key) {
            return Ok(*id);
        }
        let trade = trade_ids
            .get(&normalise(&key.trade))
            .ok_or(DbError::NotFound)?;
        let program = program_ids
            .get(&(*trade, normalise(&key.program)))
            .ok_or(DbError::NotFound)?;
        batch_by_program
            .get(&(*program, key.year, key.number))
            .copied()
            .ok_or(DbError::NotFound)
    };

    let total = plan.people.len();
    let mut pending: Vec<Event<'_>> = Vec::new();
    for (done, person) in plan.people.iter().enumerate() {
        if done % 250 == 0 {
            *at = None;
            audit::append_many(tx, &mut pending).await?;
            progress(done, total);
        }
        *at = Some(ApplyStep::Person(done));
        let p = &person.person;
        let alumnus_id = match &person.existing {
            None => {
                let (nik_enc, nik_hmac) = person.nik.as_deref().map(seal).unzip();
                let id = register::create_alumnus(
                    tx,
                    &NewAlumnus {
                        full_name: &p.full_name,
                        gender: &p.gender,
                        birth_place: &p.birth_place,
                        birth_date: p.birth_date.as_deref(),
                        nik_enc,
                        nik_hmac,
                        phone: p.phone.as_deref(),
                        address: &p.address,
                        kecamatan_code: p.kecamatan_code.as_deref(),
                        desa_code: p.desa_code.as_deref(),
                        education: &p.education,
                    },
                )
                .await?;
                pending.push(Event {
                    actor_id: who.id,
                    actor_label: who.label,
                    action: "alumni.create",
                    entity: "alumni",
                    entity_id: id.to_string(),
                    summary: serde_json::json!({"after": p}),
                    ip: who.ip,
                });
                id
            }
            Some(existing) => {
                if existing.person != *p {
                    update_person(tx, existing.id, p).await?;
                    pending.push(Event {
                        actor_id: who.id,
                        actor_label: who.label,
                        action: "alumni.update",
                        entity: "alumni",
                        entity_id: existing.id.to_string(),
                        summary: serde_json::json!({"before": existing.person, "after": p}),
                        ip: who.ip,
                    });
                }
                existing.id
            }
        };
        for (key, participation, before) in &person.participations {
            let batch = batch_id(key)?;
            match before {
                None => {
                    register::add_participation(
                        tx,
                        &NewParticipation {
                            alumnus_id,
                            batch_id: batch,
                            result: participation.result.as_deref(),
                            competency: participation.competency.as_deref(),
                            cert_number: participation.cert_number.as_deref(),
                            cert_issuer: participation.cert_issuer.as_deref(),
                            cert_date: participation.cert_date.as_deref(),
                            placement: &participation.placement,
                        },
                    )
                    .await?;
                }
                Some(_) => update_participation(tx, alumnus_id, batch, participation).await?,
            }
            pending.push(
                Event {
                    actor_id: who.id,
                    actor_label: who.label,
                    action: if before.is_some() { "participation.update" } else { "participation.create" },
                    entity: "alumni",
                    entity_id: alumnus_id.to_string(),
                    summary: serde_json::json!({"batch": key, "before": before, "after": participation}),
                    ip: who.ip,
                },
            );
        }
    }
    *at = None;
    audit::append_many(tx, &mut pending).await?;
    Ok(plan.counts())
}

/// A unique code for a trade created by an import (`IMP-<initials>-<random>`), to be renamed by the agency.
fn trade_code(name: &str) -> String {
    let initials: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .collect::<String>()
        .to_uppercase();
    format!("IMP-{}-{}", initials, &crate::secrets::new_token().1[..6])
}

async fn update_person(tx: &mut Tx, id: i64, p: &Person) -> DbResult<()> {
    sqlx::query(
        "UPDATE alumni SET full_name = $1, gender = $2, birth_place = $3, birth_date = $4, phone = $5, address = $6, \
         kecamatan_code = $7, desa_code = $8, education = $9, updated_at = $10 WHERE id = $11",
    )
    .bind(&p.full_name)
    .bind(&p.gender)
    .bind(&p.birth_place)
    .bind(p.birth_date.as_deref())
    .bind(p.phone.as_deref())
    .bind(&p.address)
    .bind(p.kecamatan_code.as_deref())
    .bind(p.desa_code.as_deref())
    .bind(&p.education)
    .bind(now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn update_participation(
    tx: &mut Tx,
    alumnus_id: i64,
    batch_id: i64,
    p: &Participation,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE participations SET result = $1, competency = $2, cert_number = $3, cert_issuer = $4, cert_date = $5, \
         placement = $6 WHERE alumnus_id = $7 AND batch_id = $8",
    )
    .bind(p.result.as_deref())
    .bind(p.competency.as_deref())
    .bind(p.cert_number.as_deref())
    .bind(p.cert_issuer.as_deref())
    .bind(p.cert_date.as_deref())
    .bind(&p.placement)
    .bind(alumnus_id)
    .bind(batch_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The alumnus whose NIK has this keyed hash.
pub async fn alumnus_id_by_nik_hash(tx: &mut Tx, nik_hmac: &str) -> DbResult<Option<i64>> {
    Ok(sqlx::query("SELECT id FROM alumni WHERE nik_hmac = $1")
        .bind(nik_hmac)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.try_get("id"))
        .transpose()?)
}
