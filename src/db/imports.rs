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

/// An uploaded file waiting for (or done with) confirmation.
#[derive(Debug, Clone)]
pub struct Upload {
    pub id: i64,
    pub created_by: i64,
    pub created_at: i64,
    pub file_name: String,
    pub content: Vec<u8>,
    pub options: String,
    pub status: String,
    pub summary: String,
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

/// The most recent imports: (id, file name, uploaded at, status, summary, uploader).
pub async fn recent(
    db: &Db,
    limit: i64,
) -> DbResult<Vec<(i64, String, i64, String, String, String)>> {
    let rows = sqlx::query(
        "SELECT i.id, i.file_name, i.created_at, i.status, i.summary, u.username FROM imports i \
         JOIN users u ON u.id = i.created_by ORDER BY i.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("id")?,
                r.try_get("file_name")?,
                r.try_get("created_at")?,
                r.try_get("status")?,
                r.try_get("summary")?,
                r.try_get("username")?,
            ))
        })
        .collect()
}

pub async fn upload(db: &Db, id: i64) -> DbResult<Upload> {
    let r = sqlx::query(
        "SELECT id, created_by, created_at, file_name, content, options, status, summary FROM imports WHERE id = $1",
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
    })
}

/// The report stored when the import was applied.
pub async fn stored_report(db: &Db, id: i64) -> DbResult<Option<Vec<u8>>> {
    Ok(sqlx::query("SELECT report FROM imports WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await?
        .try_get("report")?)
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

/// Claims an upload for applying: from draft or failed, or from a run whose process died (a
/// marker older than 15 minutes). `false` when it is applied or being applied right now.
pub async fn begin_running(db: &Db, id: i64) -> DbResult<bool> {
    let t = now();
    let done = sqlx::query(
        "UPDATE imports SET status = 'running', started_at = $1 WHERE id = $2 \
         AND (status IN ('draft', 'failed') OR (status = 'running' AND started_at < $3))",
    )
    .bind(t)
    .bind(id)
    .bind(t - 15 * 60)
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

/// Marks a running upload applied inside the applying transaction; a second confirmation (a
/// double tap, another instance) finds it applied and changes nothing.
pub async fn mark_applied(tx: &mut Tx, id: i64, summary: &str, report: &[u8]) -> DbResult<()> {
    let done = sqlx::query(
        "UPDATE imports SET status = 'applied', applied_at = $1, summary = $2, report = $3 WHERE id = $4 AND status = 'running'",
    )
        .bind(now())
        .bind(summary)
        .bind(report.to_vec())
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

pub async fn apply(
    tx: &mut Tx,
    plan: &Plan,
    snapshot: &Snapshot,
    seal: SealNik<'_>,
    who: &Who<'_>,
    progress: Progress<'_>,
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
    for key in &plan.new_batches {
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
        snapshot
            .batches
            .iter()
            .find(|b| b.program_id == *program && b.year == key.year && b.number == key.number)
            .map(|b| b.id)
            .ok_or(DbError::NotFound)
    };

    let total = plan.people.len();
    let mut pending: Vec<Event<'_>> = Vec::new();
    for (done, person) in plan.people.iter().enumerate() {
        if done % 250 == 0 {
            audit::append_many(tx, &mut pending).await?;
            progress(done, total);
        }
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
