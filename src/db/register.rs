//! The register: trades, programs, batches, alumni, their participation in batches, and the
//! alumni businesses built on them.

use sqlx::Row;

use super::{Db, DbResult, Tx, now};

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

#[derive(Debug, Clone)]
pub struct NewBusiness<'a> {
    pub alumnus_id: i64,
    pub trade_id: i64,
    pub name: &'a str,
    pub description: &'a str,
    pub kecamatan_code: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub phone_public: bool,
    pub verified: bool,
}

pub async fn create_business(tx: &mut Tx, b: &NewBusiness<'_>) -> DbResult<i64> {
    let t = now();
    Ok(sqlx::query(
        "INSERT INTO businesses (alumnus_id, trade_id, name, description, kecamatan_code, phone, phone_public, verified_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(b.alumnus_id)
    .bind(b.trade_id)
    .bind(b.name)
    .bind(b.description)
    .bind(b.kecamatan_code)
    .bind(b.phone)
    .bind(i64::from(b.phone_public))
    .bind(b.verified.then_some(t))
    .bind(t)
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

#[derive(Debug, Clone)]
pub struct AlumnusRow {
    pub id: i64,
    pub full_name: String,
    pub gender: String,
    pub kecamatan: String,
    pub desa: String,
    pub trainings: String,
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

/// Everything the agency holds on one alumnus; NIK still sealed.
#[derive(Debug, Clone)]
pub struct AlumnusRecord {
    pub id: i64,
    pub full_name: String,
    pub gender: String,
    pub birth_place: String,
    pub birth_date: Option<String>,
    pub nik_enc: Option<String>,
    pub phone: Option<String>,
    pub address: String,
    pub kecamatan: String,
    pub desa: String,
    pub education: String,
}

pub async fn alumnus_record(db: &Db, id: i64) -> DbResult<AlumnusRecord> {
    let r = sqlx::query(
        "SELECT a.id, a.full_name, a.gender, a.birth_place, a.birth_date, a.nik_enc, a.phone, a.address, a.education, \
           COALESCE(k.name, '') AS kecamatan, COALESCE(d.name, '') AS desa \
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
               COALESCE(k.name, '') AS kecamatan, COALESCE(d.name, '') AS desa, {} AS trainings \
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
        education: r.try_get("education")?,
    })
}
