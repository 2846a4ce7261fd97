//! The register: trades, programs, batches, alumni, their participation in batches, and the
//! alumni businesses built on them.

use sqlx::Row;

use super::{Db, DbResult, Exec, Tx, now};
pub use crate::domain::register::{AlumnusRecord, AlumnusRow};

#[derive(Debug, Clone)]
pub struct Trade {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub description: String,
}

pub async fn create_trade(tx: &mut Tx, code: &str, name: &str, description: &str) -> DbResult<i64> {
    Ok(sqlx::query(
        "INSERT INTO trades (code, name, description, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(code)
    .bind(name)
    .bind(description)
    .bind(now())
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?)
}

pub async fn trades(db: &Db) -> DbResult<Vec<Trade>> {
    let rows = sqlx::query("SELECT id, code, name, description FROM trades ORDER BY name")
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Trade {
                id: r.try_get("id")?,
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                description: r.try_get("description")?,
            })
        })
        .collect()
}

#[derive(Debug, Clone)]
pub struct NewProgram<'a> {
    pub trade_id: i64,
    pub name: &'a str,
    pub hours: i64,
    pub days: i64,
    pub competency_units: &'a str,
}

pub async fn create_program(tx: &mut Tx, p: &NewProgram<'_>) -> DbResult<i64> {
    Ok(sqlx::query(
        "INSERT INTO programs (trade_id, name, hours, days, competency_units, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(p.trade_id)
    .bind(p.name)
    .bind(p.hours)
    .bind(p.days)
    .bind(p.competency_units)
    .bind(now())
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?)
}

#[derive(Debug, Clone)]
pub struct NewBatch<'a> {
    pub program_id: i64,
    pub year: i64,
    pub number: i64,
    pub start_date: &'a str,
    pub end_date: &'a str,
    pub place: &'a str,
    pub funding: &'a str,
    pub capacity: i64,
    pub instructor: &'a str,
}

pub async fn create_batch(tx: &mut Tx, b: &NewBatch<'_>) -> DbResult<i64> {
    Ok(sqlx::query(
        "INSERT INTO batches (program_id, year, number, start_date, end_date, place, funding, capacity, instructor, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(b.program_id)
    .bind(b.year)
    .bind(b.number)
    .bind(b.start_date)
    .bind(b.end_date)
    .bind(b.place)
    .bind(b.funding)
    .bind(b.capacity)
    .bind(b.instructor)
    .bind(now())
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?)
}

/// An alumnus as the agency records them; `nik_enc`/`nik_hmac` are already protected.
#[derive(Debug, Clone)]
pub struct NewAlumnus<'a> {
    pub full_name: &'a str,
    pub gender: &'a str,
    pub birth_place: &'a str,
    pub birth_date: Option<&'a str>,
    pub nik_enc: Option<String>,
    pub nik_hmac: Option<String>,
    pub phone: Option<&'a str>,
    pub address: &'a str,
    pub kecamatan_code: Option<&'a str>,
    pub desa_code: Option<&'a str>,
    pub education: &'a str,
}

pub async fn create_alumnus(tx: &mut Tx, a: &NewAlumnus<'_>) -> DbResult<i64> {
    let t = now();
    Ok(sqlx::query(
        "INSERT INTO alumni (full_name, gender, birth_place, birth_date, nik_enc, nik_hmac, phone, address, \
         kecamatan_code, desa_code, education, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(a.full_name)
    .bind(a.gender)
    .bind(a.birth_place)
    .bind(a.birth_date)
    .bind(a.nik_enc.as_deref())
    .bind(a.nik_hmac.as_deref())
    .bind(a.phone)
    .bind(a.address)
    .bind(a.kecamatan_code)
    .bind(a.desa_code)
    .bind(a.education)
    .bind(t)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?)
}

#[derive(Debug, Clone)]
pub struct NewParticipation<'a> {
    pub alumnus_id: i64,
    pub batch_id: i64,
    pub result: Option<&'a str>,
    pub competency: Option<&'a str>,
    pub cert_number: Option<&'a str>,
    pub cert_issuer: Option<&'a str>,
    pub cert_date: Option<&'a str>,
    pub placement: &'a str,
}

pub async fn add_participation(tx: &mut Tx, p: &NewParticipation<'_>) -> DbResult<i64> {
    Ok(sqlx::query(
        "INSERT INTO participations (alumnus_id, batch_id, result, competency, cert_number, cert_issuer, cert_date, placement) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(p.alumnus_id)
    .bind(p.batch_id)
    .bind(p.result)
    .bind(p.competency)
    .bind(p.cert_number)
    .bind(p.cert_issuer)
    .bind(p.cert_date)
    .bind(p.placement)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?)
}

/// An alumnus's own view: who they are and what they trained in.
#[derive(Debug, Clone)]
pub struct AlumnusSummary {
    pub id: i64,
    pub full_name: String,
    pub kecamatan: String,
    pub trainings: Vec<TrainingLine>,
    pub businesses: Vec<(i64, String, bool)>,
}

#[derive(Debug, Clone)]
pub struct TrainingLine {
    pub program: String,
    pub year: i64,
    pub number: i64,
    pub result: String,
    pub cert_number: String,
}

pub async fn alumnus_summary(db: &Db, id: i64) -> DbResult<AlumnusSummary> {
    let row = sqlx::query(
        "SELECT a.id, a.full_name, COALESCE(r.name, '') AS kecamatan FROM alumni a \
         LEFT JOIN regions r ON r.code = a.kecamatan_code WHERE a.id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    let trainings = sqlx::query(
        "SELECT p.name AS program, b.year, b.number, COALESCE(pa.result, '') AS result, \
         COALESCE(pa.cert_number, '') AS cert_number \
         FROM participations pa JOIN batches b ON b.id = pa.batch_id JOIN programs p ON p.id = b.program_id \
         WHERE pa.alumnus_id = $1 ORDER BY b.year, b.number",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(TrainingLine {
            program: r.try_get("program")?,
            year: r.try_get("year")?,
            number: r.try_get("number")?,
            result: r.try_get("result")?,
            cert_number: r.try_get("cert_number")?,
        })
    })
    .collect::<DbResult<Vec<_>>>()?;
    let businesses = sqlx::query(
        "SELECT id, name, verified_at FROM businesses WHERE alumnus_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("id")?,
            r.try_get("name")?,
            r.try_get::<Option<i64>, _>("verified_at")?.is_some(),
        ))
    })
    .collect::<DbResult<Vec<_>>>()?;
    Ok(AlumnusSummary {
        id: row.try_get("id")?,
        full_name: row.try_get("full_name")?,
        kecamatan: row.try_get("kecamatan")?,
        trainings,
        businesses,
    })
}

pub async fn alumnus_exists(db: &Db, id: i64) -> DbResult<bool> {
    Ok(sqlx::query("SELECT id FROM alumni WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .is_some())
}

/// Filters of the admin's alumni list; empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct AlumniFilter {
    pub name: String,
    pub trade_id: Option<i64>,
    pub year: Option<i64>,
    pub batch_id: Option<i64>,
    pub kecamatan_code: String,
    /// `lulus` or `tidak_lulus`.
    pub result: String,
}

/// The filter as SQL; `$1`–`$6` are bound by `bind_filter`. The participation conditions apply
/// together: one participation must match them all.
const ALUMNI_WHERE: &str = "WHERE LOWER(a.full_name) LIKE $1 AND ($2 = '' OR a.kecamatan_code = $2) \
     AND ($3 = 0 AND $4 = 0 AND $5 = 0 AND $6 = '' OR EXISTS ( \
       SELECT 1 FROM participations pa JOIN batches b ON b.id = pa.batch_id JOIN programs p ON p.id = b.program_id \
       WHERE pa.alumnus_id = a.id AND ($3 = 0 OR p.trade_id = $3) AND ($4 = 0 OR b.year = $4) \
         AND ($5 = 0 OR b.id = $5) AND ($6 = '' OR pa.result = $6)))";

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

fn bind_filter<'q>(q: AnyQuery<'q>, f: &AlumniFilter) -> AnyQuery<'q> {
    q.bind(format!("%{}%", f.name.trim().to_lowercase()))
        .bind(f.kecamatan_code.clone())
        .bind(f.trade_id.unwrap_or(0))
        .bind(f.year.unwrap_or(0))
        .bind(f.batch_id.unwrap_or(0))
        .bind(f.result.clone())
}

/// Trainings of an alumnus in one text ("Program 2019; Program 2021"), per backend.
fn trainings_sql(db: &Db) -> String {
    let agg = match db.backend() {
        super::Backend::Sqlite => "GROUP_CONCAT(p.name || ' ' || b.year, '; ')",
        super::Backend::Postgres => "STRING_AGG(p.name || ' ' || b.year, '; ')",
    };
    format!(
        "COALESCE((SELECT {agg} FROM participations pa JOIN batches b ON b.id = pa.batch_id \
           JOIN programs p ON p.id = b.program_id WHERE pa.alumnus_id = a.id), '')"
    )
}

/// One page of alumni matching the filter, and how many match in all.
pub async fn list_alumni(
    db: &Db,
    f: &AlumniFilter,
    limit: i64,
    offset: i64,
) -> DbResult<(Vec<AlumnusRow>, i64)> {
    let rows = bind_filter(
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT a.id, a.full_name, a.gender, COALESCE(k.name, '') AS kecamatan, COALESCE(d.name, '') AS desa, \
               {} AS trainings \
             FROM alumni a LEFT JOIN regions k ON k.code = a.kecamatan_code LEFT JOIN regions d ON d.code = a.desa_code \
             {ALUMNI_WHERE} ORDER BY a.full_name, a.id LIMIT $7 OFFSET $8",
            trainings_sql(db)
        ))),
        f,
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?;
    let total: i64 = bind_filter(
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n FROM alumni a {ALUMNI_WHERE}"
        ))),
        f,
    )
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    let rows = rows
        .iter()
        .map(|r| {
            Ok(AlumnusRow {
                id: r.try_get("id")?,
                full_name: r.try_get("full_name")?,
                gender: r.try_get("gender")?,
                kecamatan: r.try_get("kecamatan")?,
                desa: r.try_get("desa")?,
                trainings: r.try_get("trainings")?,
            })
        })
        .collect::<DbResult<Vec<_>>>()?;
    Ok((rows, total))
}

pub async fn alumnus_record(db: &Db, id: i64) -> DbResult<AlumnusRecord> {
    let r = sqlx::query(
        "SELECT a.id, a.full_name, a.gender, a.birth_place, a.birth_date, a.nik_enc, a.phone, a.address, a.education, \
           a.kecamatan_code, a.desa_code, COALESCE(k.name, '') AS kecamatan, COALESCE(d.name, '') AS desa \
         FROM alumni a LEFT JOIN regions k ON k.code = a.kecamatan_code LEFT JOIN regions d ON d.code = a.desa_code \
         WHERE a.id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    record_from_row(&r)
}

#[derive(Debug, Clone)]
pub struct BatchOption {
    pub id: i64,
    pub label: String,
    pub year: i64,
    pub trade_id: i64,
}

/// Every batch, newest first, labelled "Program — angkatan N tahun".
pub async fn batch_options(db: &Db) -> DbResult<Vec<BatchOption>> {
    let rows = sqlx::query(
        "SELECT b.id, b.year, b.number, p.name AS program, p.trade_id FROM batches b JOIN programs p ON p.id = b.program_id \
         ORDER BY b.year DESC, p.name, b.number",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let program: String = r.try_get("program")?;
            let year: i64 = r.try_get("year")?;
            let number: i64 = r.try_get("number")?;
            Ok(BatchOption {
                id: r.try_get("id")?,
                label: format!("{program} — angkatan {number} tahun {year}"),
                year,
                trade_id: r.try_get("trade_id")?,
            })
        })
        .collect()
}

/// A full alumnus row for export; NIK still sealed.
#[derive(Debug, Clone)]
pub struct ExportRow {
    pub record: AlumnusRecord,
    pub trainings: String,
}

/// Every alumnus matching the filter, for export (streams nothing to the client until built).
pub async fn export_alumni(db: &Db, f: &AlumniFilter) -> DbResult<Vec<ExportRow>> {
    let rows = bind_filter(
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT a.id, a.full_name, a.gender, a.birth_place, a.birth_date, a.nik_enc, a.phone, a.address, a.education, \
               a.kecamatan_code, a.desa_code, COALESCE(k.name, '') AS kecamatan, COALESCE(d.name, '') AS desa, {} AS trainings \
             FROM alumni a LEFT JOIN regions k ON k.code = a.kecamatan_code LEFT JOIN regions d ON d.code = a.desa_code \
             {ALUMNI_WHERE} ORDER BY a.full_name, a.id",
            trainings_sql(db)
        ))),
        f,
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ExportRow {
                record: record_from_row(r)?,
                trainings: r.try_get("trainings")?,
            })
        })
        .collect()
}

fn record_from_row(r: &sqlx::any::AnyRow) -> DbResult<AlumnusRecord> {
    Ok(AlumnusRecord {
        id: r.try_get("id")?,
        full_name: r.try_get("full_name")?,
        gender: r.try_get("gender")?,
        birth_place: r.try_get("birth_place")?,
        birth_date: r.try_get("birth_date")?,
        nik_enc: r.try_get("nik_enc")?,
        phone: r.try_get("phone")?,
        address: r.try_get("address")?,
        kecamatan: r.try_get("kecamatan")?,
        desa: r.try_get("desa")?,
        kecamatan_code: r.try_get("kecamatan_code")?,
        desa_code: r.try_get("desa_code")?,
        education: r.try_get("education")?,
    })
}

// ---------------------------------------------------------------------------------------------
// Keeping the register: reads for the lists and forms, and the audited updates. Reads that an
// update's "before" comes from take any executor, so they can run inside its transaction.

/// Takes the row's write lock first (PostgreSQL: the row; SQLite: the database), so the
/// "before" an update records is the row it changes. `NotFound` when there is no such row.
async fn lock_row(tx: &mut Tx, table: &str, column: &str, id: i64) -> DbResult<()> {
    let done = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE {table} SET {column} = {column} WHERE id = $1"
    )))
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(super::DbError::NotFound);
    }
    Ok(())
}

/// A trade with what hangs off it.
#[derive(Debug, Clone)]
pub struct TradeLine {
    pub trade: Trade,
    pub alumni: i64,
}

/// Every trade, by name, with how many alumni trained in it.
pub async fn trade_lines(db: &Db) -> DbResult<Vec<TradeLine>> {
    let rows = sqlx::query(
        "SELECT t.id, t.code, t.name, t.description, \
           (SELECT COUNT(DISTINCT pa.alumnus_id) FROM participations pa JOIN batches b ON b.id = pa.batch_id \
              JOIN programs p ON p.id = b.program_id WHERE p.trade_id = t.id) AS alumni \
         FROM trades t ORDER BY t.name",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(TradeLine {
                trade: trade_from_row(r)?,
                alumni: r.try_get("alumni")?,
            })
        })
        .collect()
}

fn trade_from_row(r: &sqlx::any::AnyRow) -> DbResult<Trade> {
    Ok(Trade {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
    })
}

pub async fn trade<'e>(ex: impl Exec<'e>, id: i64) -> DbResult<Trade> {
    let r = sqlx::query("SELECT id, code, name, description FROM trades WHERE id = $1")
        .bind(id)
        .fetch_one(ex)
        .await?;
    trade_from_row(&r)
}

/// Locks the trade and returns it as it is.
pub async fn trade_for_update(tx: &mut Tx, id: i64) -> DbResult<Trade> {
    lock_row(tx, "trades", "name", id).await?;
    trade(&mut **tx, id).await
}

pub async fn update_trade(
    tx: &mut Tx,
    id: i64,
    code: &str,
    name: &str,
    description: &str,
) -> DbResult<()> {
    sqlx::query("UPDATE trades SET code = $1, name = $2, description = $3 WHERE id = $4")
        .bind(code)
        .bind(name)
        .bind(description)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A program as the register keeps it, with its trade's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramRow {
    pub id: i64,
    pub trade_id: i64,
    pub trade: String,
    pub name: String,
    pub hours: i64,
    pub days: i64,
    pub competency_units: String,
    /// Created by an import with placeholder hours and days.
    pub needs_review: bool,
    pub batches: i64,
}

const PROGRAM_SELECT: &str = "SELECT p.id, p.trade_id, t.name AS trade, p.name, p.hours, p.days, p.competency_units, \
       p.needs_review, (SELECT COUNT(*) FROM batches b WHERE b.program_id = p.id) AS batches \
     FROM programs p JOIN trades t ON t.id = p.trade_id";

fn program_from_row(r: &sqlx::any::AnyRow) -> DbResult<ProgramRow> {
    Ok(ProgramRow {
        id: r.try_get("id")?,
        trade_id: r.try_get("trade_id")?,
        trade: r.try_get("trade")?,
        name: r.try_get("name")?,
        hours: r.try_get("hours")?,
        days: r.try_get("days")?,
        competency_units: r.try_get("competency_units")?,
        needs_review: r.try_get::<i64, _>("needs_review")? != 0,
        batches: r.try_get("batches")?,
    })
}

/// Every program, by trade and name.
pub async fn programs(db: &Db) -> DbResult<Vec<ProgramRow>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "{PROGRAM_SELECT} ORDER BY t.name, p.name"
    )))
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(program_from_row)
    .collect()
}

pub async fn program<'e>(ex: impl Exec<'e>, id: i64) -> DbResult<ProgramRow> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{PROGRAM_SELECT} WHERE p.id = $1"
    )))
    .bind(id)
    .fetch_one(ex)
    .await?;
    program_from_row(&r)
}

pub async fn program_for_update(tx: &mut Tx, id: i64) -> DbResult<ProgramRow> {
    lock_row(tx, "programs", "name", id).await?;
    program(&mut **tx, id).await
}

/// Saves a program as the agency completed it: the import's "needs review" mark clears.
pub async fn update_program(tx: &mut Tx, id: i64, p: &NewProgram<'_>) -> DbResult<()> {
    sqlx::query(
        "UPDATE programs SET trade_id = $1, name = $2, hours = $3, days = $4, competency_units = $5, \
         needs_review = 0 WHERE id = $6",
    )
    .bind(p.trade_id)
    .bind(p.name)
    .bind(p.hours)
    .bind(p.days)
    .bind(p.competency_units)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A batch with its program and trade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRow {
    pub id: i64,
    pub program_id: i64,
    pub program: String,
    pub trade_id: i64,
    pub trade: String,
    pub year: i64,
    pub number: i64,
    pub start_date: String,
    pub end_date: String,
    pub place: String,
    pub funding: String,
    pub capacity: i64,
    pub instructor: String,
    /// Created by an import with placeholder dates.
    pub needs_review: bool,
    pub participants: i64,
}

impl BatchRow {
    /// "Program — angkatan N tahun Y", as in every batch list.
    pub fn label(&self) -> String {
        format!(
            "{} — angkatan {} tahun {}",
            self.program, self.number, self.year
        )
    }
}

const BATCH_SELECT: &str = "SELECT b.id, b.program_id, p.name AS program, p.trade_id, t.name AS trade, b.year, b.number, \
       b.start_date, b.end_date, b.place, b.funding, b.capacity, b.instructor, b.needs_review, \
       (SELECT COUNT(*) FROM participations pa WHERE pa.batch_id = b.id) AS participants \
     FROM batches b JOIN programs p ON p.id = b.program_id JOIN trades t ON t.id = p.trade_id";

fn batch_from_row(r: &sqlx::any::AnyRow) -> DbResult<BatchRow> {
    Ok(BatchRow {
        id: r.try_get("id")?,
        program_id: r.try_get("program_id")?,
        program: r.try_get("program")?,
        trade_id: r.try_get("trade_id")?,
        trade: r.try_get("trade")?,
        year: r.try_get("year")?,
        number: r.try_get("number")?,
        start_date: r.try_get("start_date")?,
        end_date: r.try_get("end_date")?,
        place: r.try_get("place")?,
        funding: r.try_get("funding")?,
        capacity: r.try_get("capacity")?,
        instructor: r.try_get("instructor")?,
        needs_review: r.try_get::<i64, _>("needs_review")? != 0,
        participants: r.try_get("participants")?,
    })
}

/// Filters of the batch list; `None`/`false` do not filter.
#[derive(Debug, Clone, Default)]
pub struct BatchFilter {
    pub trade_id: Option<i64>,
    pub year: Option<i64>,
    /// Only batches an import created that still need their details.
    pub needs_review: bool,
}

const BATCH_WHERE: &str = "WHERE ($1 = 0 OR p.trade_id = $1) AND ($2 = 0 OR b.year = $2) AND ($3 = 0 OR b.needs_review = 1)";

fn bind_batch_filter<'q>(q: AnyQuery<'q>, f: &BatchFilter) -> AnyQuery<'q> {
    q.bind(f.trade_id.unwrap_or(0))
        .bind(f.year.unwrap_or(0))
        .bind(i64::from(f.needs_review))
}

/// One page of batches, newest first, and how many match in all.
pub async fn list_batches(
    db: &Db,
    f: &BatchFilter,
    limit: i64,
    offset: i64,
) -> DbResult<(Vec<BatchRow>, i64)> {
    let rows = bind_batch_filter(
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{BATCH_SELECT} {BATCH_WHERE} ORDER BY b.year DESC, t.name, p.name, b.number, b.id LIMIT $4 OFFSET $5"
        ))),
        f,
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(batch_from_row)
    .collect::<DbResult<Vec<_>>>()?;
    let total: i64 = bind_batch_filter(
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n FROM batches b JOIN programs p ON p.id = b.program_id {BATCH_WHERE}"
        ))),
        f,
    )
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    Ok((rows, total))
}

/// Every batch, newest first (for the batch choice of a participation).
pub async fn all_batches(db: &Db) -> DbResult<Vec<BatchRow>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "{BATCH_SELECT} ORDER BY b.year DESC, t.name, p.name, b.number, b.id"
    )))
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(batch_from_row)
    .collect()
}

/// How many batches still need the details an import could not give.
pub async fn batches_needing_review(db: &Db) -> DbResult<i64> {
    Ok(
        sqlx::query("SELECT COUNT(*) AS n FROM batches WHERE needs_review = 1")
            .fetch_one(db.pool())
            .await?
            .try_get("n")?,
    )
}

/// The years that have batches, newest first.
pub async fn batch_years(db: &Db) -> DbResult<Vec<i64>> {
    sqlx::query("SELECT DISTINCT year FROM batches ORDER BY year DESC")
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| Ok(r.try_get("year")?))
        .collect()
}

pub async fn batch<'e>(ex: impl Exec<'e>, id: i64) -> DbResult<BatchRow> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{BATCH_SELECT} WHERE b.id = $1"
    )))
    .bind(id)
    .fetch_one(ex)
    .await?;
    batch_from_row(&r)
}

pub async fn batch_for_update(tx: &mut Tx, id: i64) -> DbResult<BatchRow> {
    lock_row(tx, "batches", "place", id).await?;
    batch(&mut **tx, id).await
}

/// Saves a batch as the agency completed it: the import's "needs review" mark clears.
pub async fn update_batch(tx: &mut Tx, id: i64, b: &NewBatch<'_>) -> DbResult<()> {
    sqlx::query(
        "UPDATE batches SET program_id = $1, year = $2, number = $3, start_date = $4, end_date = $5, place = $6, \
         funding = $7, capacity = $8, instructor = $9, needs_review = 0 WHERE id = $10",
    )
    .bind(b.program_id)
    .bind(b.year)
    .bind(b.number)
    .bind(b.start_date)
    .bind(b.end_date)
    .bind(b.place)
    .bind(b.funding)
    .bind(b.capacity)
    .bind(b.instructor)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An alumnus row as stored (codes, not names; NIK sealed), for the edit form and the audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAlumnus {
    pub id: i64,
    pub full_name: String,
    pub gender: String,
    pub birth_place: String,
    pub birth_date: Option<String>,
    pub nik_enc: Option<String>,
    pub nik_hmac: Option<String>,
    pub phone: Option<String>,
    pub address: String,
    pub kecamatan_code: Option<String>,
    pub desa_code: Option<String>,
    pub education: String,
}

pub async fn stored_alumnus<'e>(ex: impl Exec<'e>, id: i64) -> DbResult<StoredAlumnus> {
    let r = sqlx::query(
        "SELECT id, full_name, gender, birth_place, birth_date, nik_enc, nik_hmac, phone, address, \
         kecamatan_code, desa_code, education FROM alumni WHERE id = $1",
    )
    .bind(id)
    .fetch_one(ex)
    .await?;
    Ok(StoredAlumnus {
        id: r.try_get("id")?,
        full_name: r.try_get("full_name")?,
        gender: r.try_get("gender")?,
        birth_place: r.try_get("birth_place")?,
        birth_date: r.try_get("birth_date")?,
        nik_enc: r.try_get("nik_enc")?,
        nik_hmac: r.try_get("nik_hmac")?,
        phone: r.try_get("phone")?,
        address: r.try_get("address")?,
        kecamatan_code: r.try_get("kecamatan_code")?,
        desa_code: r.try_get("desa_code")?,
        education: r.try_get("education")?,
    })
}

pub async fn alumnus_for_update(tx: &mut Tx, id: i64) -> DbResult<StoredAlumnus> {
    lock_row(tx, "alumni", "updated_at", id).await?;
    stored_alumnus(&mut **tx, id).await
}

/// Replaces an alumnus's fields, NIK included (`nik_enc`/`nik_hmac` already protected).
pub async fn update_alumnus(tx: &mut Tx, id: i64, a: &NewAlumnus<'_>) -> DbResult<()> {
    sqlx::query(
        "UPDATE alumni SET full_name = $1, gender = $2, birth_place = $3, birth_date = $4, nik_enc = $5, \
         nik_hmac = $6, phone = $7, address = $8, kecamatan_code = $9, desa_code = $10, education = $11, \
         updated_at = $12 WHERE id = $13",
    )
    .bind(a.full_name)
    .bind(a.gender)
    .bind(a.birth_place)
    .bind(a.birth_date)
    .bind(a.nik_enc.as_deref())
    .bind(a.nik_hmac.as_deref())
    .bind(a.phone)
    .bind(a.address)
    .bind(a.kecamatan_code)
    .bind(a.desa_code)
    .bind(a.education)
    .bind(now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Alumni without a NIK born on the given date (or with no birth date when `None`), other than
/// `except`: (id, full name). The importer tells such people apart by name and birth date only.
pub async fn alumni_without_nik_born(
    db: &Db,
    birth_date: Option<&str>,
    except: Option<i64>,
) -> DbResult<Vec<(i64, String)>> {
    let rows = sqlx::query(
        "SELECT id, full_name FROM alumni WHERE nik_hmac IS NULL AND COALESCE(birth_date, '') = $1 AND id <> $2",
    )
    .bind(birth_date.unwrap_or(""))
    .bind(except.unwrap_or(0))
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("full_name")?)))
        .collect()
}

/// The desa and kelurahan under the given kabupaten, by kecamatan and name.
pub async fn desa_of(
    db: &Db,
    kabupaten: &[String],
) -> DbResult<Vec<crate::domain::region::Region>> {
    use crate::domain::region::{Region, RegionLevel};
    let mut out = Vec::new();
    for k in kabupaten {
        let rows = sqlx::query(
            "SELECT code, name, level FROM regions WHERE code LIKE $1 AND level IN ('desa', 'kelurahan') \
             ORDER BY parent_code, name",
        )
        .bind(format!("{k}.%"))
        .fetch_all(db.pool())
        .await?;
        for r in rows {
            let level: String = r.try_get("level")?;
            out.push(Region {
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                level: RegionLevel::parse(&level).unwrap_or(RegionLevel::Desa),
            });
        }
    }
    Ok(out)
}

/// One alumnus's participation in one batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipationRow {
    pub id: i64,
    pub alumnus_id: i64,
    pub batch_id: i64,
    pub program: String,
    pub trade: String,
    pub year: i64,
    pub number: i64,
    pub result: Option<String>,
    pub competency: Option<String>,
    pub cert_number: Option<String>,
    pub cert_issuer: Option<String>,
    pub cert_date: Option<String>,
    pub cert_expiry: Option<String>,
    pub placement: String,
}

impl ParticipationRow {
    pub fn batch_label(&self) -> String {
        format!(
            "{} — angkatan {} tahun {}",
            self.program, self.number, self.year
        )
    }
}

const PARTICIPATION_SELECT: &str = "SELECT pa.id, pa.alumnus_id, pa.batch_id, p.name AS program, t.name AS trade, b.year, b.number, \
       pa.result, pa.competency, pa.cert_number, pa.cert_issuer, pa.cert_date, pa.cert_expiry, pa.placement \
     FROM participations pa JOIN batches b ON b.id = pa.batch_id JOIN programs p ON p.id = b.program_id \
       JOIN trades t ON t.id = p.trade_id";

fn participation_from_row(r: &sqlx::any::AnyRow) -> DbResult<ParticipationRow> {
    Ok(ParticipationRow {
        id: r.try_get("id")?,
        alumnus_id: r.try_get("alumnus_id")?,
        batch_id: r.try_get("batch_id")?,
        program: r.try_get("program")?,
        trade: r.try_get("trade")?,
        year: r.try_get("year")?,
        number: r.try_get("number")?,
        result: r.try_get("result")?,
        competency: r.try_get("competency")?,
        cert_number: r.try_get("cert_number")?,
        cert_issuer: r.try_get("cert_issuer")?,
        cert_date: r.try_get("cert_date")?,
        cert_expiry: r.try_get("cert_expiry")?,
        placement: r.try_get("placement")?,
    })
}

/// An alumnus's participations, oldest batch first.
pub async fn participations_of(db: &Db, alumnus_id: i64) -> DbResult<Vec<ParticipationRow>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "{PARTICIPATION_SELECT} WHERE pa.alumnus_id = $1 ORDER BY b.year, b.number, pa.id"
    )))
    .bind(alumnus_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(participation_from_row)
    .collect()
}

/// One participation of one alumnus (`NotFound` when it belongs to someone else).
pub async fn participation<'e>(
    ex: impl Exec<'e>,
    alumnus_id: i64,
    id: i64,
) -> DbResult<ParticipationRow> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{PARTICIPATION_SELECT} WHERE pa.id = $1 AND pa.alumnus_id = $2"
    )))
    .bind(id)
    .bind(alumnus_id)
    .fetch_one(ex)
    .await?;
    participation_from_row(&r)
}

pub async fn participation_for_update(
    tx: &mut Tx,
    alumnus_id: i64,
    id: i64,
) -> DbResult<ParticipationRow> {
    lock_row(tx, "participations", "placement", id).await?;
    participation(&mut **tx, alumnus_id, id).await
}

/// The certificate's expiry, which `add_participation` does not take.
pub async fn set_cert_expiry(tx: &mut Tx, id: i64, expiry: Option<&str>) -> DbResult<()> {
    sqlx::query("UPDATE participations SET cert_expiry = $1 WHERE id = $2")
        .bind(expiry)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn update_participation(
    tx: &mut Tx,
    id: i64,
    p: &NewParticipation<'_>,
    cert_expiry: Option<&str>,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE participations SET batch_id = $1, result = $2, competency = $3, cert_number = $4, \
         cert_issuer = $5, cert_date = $6, cert_expiry = $7, placement = $8 WHERE id = $9",
    )
    .bind(p.batch_id)
    .bind(p.result)
    .bind(p.competency)
    .bind(p.cert_number)
    .bind(p.cert_issuer)
    .bind(p.cert_date)
    .bind(cert_expiry)
    .bind(p.placement)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Certificate issuers already in the register (suggestions for the participation form).
pub async fn cert_issuers(db: &Db) -> DbResult<Vec<String>> {
    sqlx::query(
        "SELECT DISTINCT cert_issuer FROM participations WHERE cert_issuer IS NOT NULL AND cert_issuer <> '' \
         ORDER BY cert_issuer LIMIT 50",
    )
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| Ok(r.try_get("cert_issuer")?))
    .collect()
}
