//! Tracer storage: questionnaire versions (rows never change), settings, the UMK per year,
//! invitations (one per completer and wave, idempotent by their UNIQUE), answers with their
//! obstacles, and the counts and lists the agency's pages read. The meaning of every column is
//! the migration's (0011_tracer.sql).

use std::collections::BTreeMap;

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, DbError, DbResult, Tx};

// ---- Versions ------------------------------------------------------------------------------

/// The current version (the highest id): (id, body).
pub async fn current_version(db: &Db) -> DbResult<Option<(i64, String)>> {
    let row = sqlx::query("SELECT id, body FROM tracer_versions ORDER BY id DESC LIMIT 1")
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| Ok((r.try_get("id")?, r.try_get("body")?)))
        .transpose()
}

pub async fn version(db: &Db, id: i64) -> DbResult<String> {
    Ok(
        sqlx::query_scalar("SELECT body FROM tracer_versions WHERE id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await?,
    )
}

pub async fn insert_version(tx: &mut Tx, body: &str, at: i64, by: Option<i64>) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO tracer_versions (body, created_at, created_by) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(body)
    .bind(at)
    .bind(by)
    .fetch_one(&mut **tx)
    .await?)
}

/// Whether the table is still empty, read inside the transaction that would fill it.
pub async fn has_version(tx: &mut Tx) -> DbResult<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tracer_versions")
        .fetch_one(&mut **tx)
        .await?;
    Ok(n > 0)
}

// ---- Settings and UMK ----------------------------------------------------------------------

pub async fn settings(db: &Db) -> DbResult<BTreeMap<String, String>> {
    super::settings::read(db, super::settings::Table::Tracer).await
}

pub async fn put_setting(tx: &mut Tx, key: &str, value: &str) -> DbResult<()> {
    super::settings::put(tx, super::settings::Table::Tracer, key, value).await
}

/// Every year's UMK, newest first: (year, amount).
pub async fn umk_list(db: &Db) -> DbResult<Vec<(i64, i64)>> {
    let rows = sqlx::query("SELECT year, amount FROM umk ORDER BY year DESC")
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("year")?, r.try_get("amount")?)))
        .collect()
}

/// The UMK of `year`, else of the latest earlier year: (year, amount).
pub async fn umk_for(db: &Db, year: i64) -> DbResult<Option<(i64, i64)>> {
    let row =
        sqlx::query("SELECT year, amount FROM umk WHERE year <= $1 ORDER BY year DESC LIMIT 1")
            .bind(year)
            .fetch_optional(db.pool())
            .await?;
    row.map(|r| Ok((r.try_get("year")?, r.try_get("amount")?)))
        .transpose()
}

pub async fn put_umk(tx: &mut Tx, year: i64, amount: i64, at: i64) -> DbResult<Option<i64>> {
    let before: Option<i64> = sqlx::query_scalar("SELECT amount FROM umk WHERE year = $1")
        .bind(year)
        .fetch_optional(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO umk (year, amount, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (year) DO UPDATE SET amount = excluded.amount, updated_at = excluded.updated_at",
    )
    .bind(year)
    .bind(amount)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(before)
}

// ---- Invitations ---------------------------------------------------------------------------

/// A completer (participation with result `lulus`) and the batch's end.
#[derive(Debug, Clone)]
pub struct Completer {
    pub participation_id: i64,
    pub alumnus_id: i64,
    pub full_name: String,
    pub phone: Option<String>,
    pub end_date: String,
    /// The waves already invited.
    pub invited: Vec<i64>,
}

/// Completers whose batch ended on or before `ended_by` (ISO date), with the waves they were
/// already invited to.
pub async fn completers(db: &Db, ended_by: &str) -> DbResult<Vec<Completer>> {
    let agg = match db.backend() {
        super::Backend::Sqlite => "GROUP_CONCAT(i.wave, ',')",
        super::Backend::Postgres => "STRING_AGG(CAST(i.wave AS TEXT), ',')",
    };
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT p.id, p.alumnus_id, a.full_name, a.phone, b.end_date, \
                (SELECT {agg} FROM tracer_invitations i WHERE i.participation_id = p.id) AS invited \
         FROM participations p JOIN batches b ON b.id = p.batch_id JOIN alumni a ON a.id = p.alumnus_id \
         WHERE p.result = 'lulus' AND b.end_date <= $1 ORDER BY b.end_date, p.id"
    )))
    .bind(ended_by)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let invited: Option<String> = r.try_get("invited")?;
            Ok(Completer {
                participation_id: r.try_get("id")?,
                alumnus_id: r.try_get("alumnus_id")?,
                full_name: r.try_get("full_name")?,
                phone: r.try_get("phone")?,
                end_date: r.try_get("end_date")?,
                invited: invited
                    .unwrap_or_default()
                    .split(',')
                    .filter_map(|w| w.trim().parse().ok())
                    .collect(),
            })
        })
        .collect()
}

pub struct NewInvitation<'a> {
    pub participation_id: i64,
    pub wave: i64,
    pub opens_on: &'a str,
    pub closes_on: &'a str,
    pub token_hash: &'a str,
    pub at: i64,
}

/// Inserts the invitation; `None` when this completer already has one for the wave.
pub async fn create_invitation(tx: &mut Tx, n: &NewInvitation<'_>) -> DbResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO tracer_invitations (participation_id, wave, opens_on, closes_on, token_hash, created_at, sent_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (participation_id, wave) DO NOTHING RETURNING id",
    )
    .bind(n.participation_id)
    .bind(n.wave)
    .bind(n.opens_on)
    .bind(n.closes_on)
    .bind(n.token_hash)
    .bind(n.at)
    .fetch_optional(&mut **tx)
    .await?)
}

/// An invitation with its person, batch and answer.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: i64,
    pub participation_id: i64,
    pub wave: i64,
    pub opens_on: String,
    pub closes_on: String,
    pub created_at: i64,
    pub reminders: i64,
    pub last_reminded_at: Option<i64>,
    pub alumnus_id: i64,
    pub full_name: String,
    pub phone: Option<String>,
    /// The alumnus's account, if any.
    pub user_id: Option<i64>,
    pub batch_id: i64,
    pub batch_year: i64,
    pub batch_number: i64,
    pub program: String,
    pub trade: String,
    /// The answer: (source, answered_at, entered_by's name).
    pub answered: Option<(String, i64, String)>,
}

const INVITATION: &str = "SELECT i.id, i.participation_id, i.wave, i.opens_on, i.closes_on, i.created_at, i.reminders, \
        i.last_reminded_at, p.alumnus_id, a.full_name, a.phone, \
        (SELECT u.id FROM users u WHERE u.alumnus_id = p.alumnus_id AND u.disabled_at IS NULL) AS user_id, \
        b.id AS batch_id, b.year AS batch_year, b.number AS batch_number, pr.name AS program, t.name AS trade, \
        r.source, r.answered_at, COALESCE(eu.display_name, '') AS entered_by \
     FROM tracer_invitations i JOIN participations p ON p.id = i.participation_id \
     JOIN alumni a ON a.id = p.alumnus_id JOIN batches b ON b.id = p.batch_id \
     JOIN programs pr ON pr.id = b.program_id JOIN trades t ON t.id = pr.trade_id \
     LEFT JOIN tracer_responses r ON r.invitation_id = i.id LEFT JOIN users eu ON eu.id = r.entered_by";

fn invitation_row(r: &AnyRow) -> DbResult<Invitation> {
    let source: Option<String> = r.try_get("source")?;
    Ok(Invitation {
        id: r.try_get("id")?,
        participation_id: r.try_get("participation_id")?,
        wave: r.try_get("wave")?,
        opens_on: r.try_get("opens_on")?,
        closes_on: r.try_get("closes_on")?,
        created_at: r.try_get("created_at")?,
        reminders: r.try_get("reminders")?,
        last_reminded_at: r.try_get("last_reminded_at")?,
        alumnus_id: r.try_get("alumnus_id")?,
        full_name: r.try_get("full_name")?,
        phone: r.try_get("phone")?,
        user_id: r.try_get("user_id")?,
        batch_id: r.try_get("batch_id")?,
        batch_year: r.try_get("batch_year")?,
        batch_number: r.try_get("batch_number")?,
        program: r.try_get("program")?,
        trade: r.try_get("trade")?,
        answered: match source {
            Some(s) => Some((s, r.try_get("answered_at")?, r.try_get("entered_by")?)),
            None => None,
        },
    })
}

pub async fn invitation(db: &Db, id: i64) -> DbResult<Invitation> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{INVITATION} WHERE i.id = $1")))
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(DbError::NotFound)?;
    invitation_row(&row)
}

/// The same, read inside the caller's transaction (an invitation it just created).
pub async fn invitation_in(tx: &mut Tx, id: i64) -> DbResult<Invitation> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{INVITATION} WHERE i.id = $1")))
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    invitation_row(&row)
}

pub async fn invitation_by_hash(db: &Db, token_hash: &str) -> DbResult<Invitation> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{INVITATION} WHERE i.token_hash = $1"
    )))
    .bind(token_hash)
    .fetch_optional(db.pool())
    .await?
    .ok_or(DbError::NotFound)?;
    invitation_row(&row)
}

/// Unanswered invitations whose window holds `today` (ISO date).
pub async fn open_unanswered(db: &Db, today: &str) -> DbResult<Vec<Invitation>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{INVITATION} WHERE i.opens_on <= $1 AND i.closes_on >= $1 AND r.id IS NULL ORDER BY i.id"
    )))
    .bind(today)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(invitation_row).collect()
}

/// The invitations of one batch and wave, by name.
pub async fn invitations(db: &Db, batch_id: i64, wave: i64) -> DbResult<Vec<Invitation>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{INVITATION} WHERE b.id = $1 AND i.wave = $2 ORDER BY a.full_name, i.id"
    )))
    .bind(batch_id)
    .bind(wave)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(invitation_row).collect()
}

/// Counts one more reminder, if nobody counted it meanwhile (`Stale` otherwise).
pub async fn mark_reminded(tx: &mut Tx, id: i64, expected: i64, at: i64) -> DbResult<()> {
    let done = sqlx::query(
        "UPDATE tracer_invitations SET reminders = reminders + 1, last_reminded_at = $1 \
         WHERE id = $2 AND reminders = $3",
    )
    .bind(at)
    .bind(id)
    .bind(expected)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::Stale);
    }
    Ok(())
}

// ---- Responses -----------------------------------------------------------------------------

/// An answer as stored; the flags come from `domain::tracer::classify`.
pub struct NewResponse<'a> {
    pub invitation_id: i64,
    pub version_id: i64,
    pub source: &'a str,
    pub status: &'a str,
    pub related: Option<bool>,
    pub income_band: Option<&'a str>,
    pub umk: Option<(i64, i64)>,
    pub works_in_trade: bool,
    pub earns_umk: bool,
    pub satisfaction: Option<i64>,
    pub next_training: &'a str,
    pub answers: &'a str,
    pub prefill: &'a str,
    pub confirmed_prefill: bool,
    pub entered_by: Option<i64>,
    pub obstacles: &'a [String],
    pub at: i64,
}

/// Stores the answer and its obstacles; `Conflict(TRACER_RESPONSES_INVITATION)` when the
/// invitation was answered already.
pub async fn insert_response(tx: &mut Tx, n: &NewResponse<'_>) -> DbResult<i64> {
    let flag = |b: bool| i64::from(b);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO tracer_responses (invitation_id, version_id, source, status, related, income_band, \
            umk_year, umk_amount, works_in_trade, earns_umk, satisfaction, next_training, answers, prefill, \
            confirmed_prefill, entered_by, answered_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
    )
    .bind(n.invitation_id)
    .bind(n.version_id)
    .bind(n.source)
    .bind(n.status)
    .bind(n.related.map(flag))
    .bind(n.income_band)
    .bind(n.umk.map(|u| u.0))
    .bind(n.umk.map(|u| u.1))
    .bind(flag(n.works_in_trade))
    .bind(flag(n.earns_umk))
    .bind(n.satisfaction)
    .bind(n.next_training)
    .bind(n.answers)
    .bind(n.prefill)
    .bind(flag(n.confirmed_prefill))
    .bind(n.entered_by)
    .bind(n.at)
    .fetch_one(&mut **tx)
    .await?;
    for obstacle in n.obstacles {
        sqlx::query("INSERT INTO tracer_obstacles (response_id, obstacle) VALUES ($1, $2)")
            .bind(id)
            .bind(obstacle)
            .execute(&mut **tx)
            .await?;
    }
    Ok(id)
}

// ---- The agency's counts -------------------------------------------------------------------

/// Invitations and answers of one batch and wave.
#[derive(Debug, Clone)]
pub struct Rate {
    pub batch_id: i64,
    pub batch_year: i64,
    pub batch_number: i64,
    pub program: String,
    pub trade: String,
    pub end_date: String,
    pub wave: i64,
    pub invited: i64,
    pub by_link: i64,
    pub by_phone: i64,
}

/// Response counts per batch and wave, newest batches first.
pub async fn rates(db: &Db) -> DbResult<Vec<Rate>> {
    let rows = sqlx::query(
        "SELECT b.id AS batch_id, b.year, b.number, pr.name AS program, t.name AS trade, b.end_date, i.wave, \
                COUNT(*) AS invited, \
                SUM(CASE WHEN r.source = 'tautan' THEN 1 ELSE 0 END) AS by_link, \
                SUM(CASE WHEN r.source = 'telepon' THEN 1 ELSE 0 END) AS by_phone \
         FROM tracer_invitations i JOIN participations p ON p.id = i.participation_id \
         JOIN batches b ON b.id = p.batch_id JOIN programs pr ON pr.id = b.program_id \
         JOIN trades t ON t.id = pr.trade_id LEFT JOIN tracer_responses r ON r.invitation_id = i.id \
         GROUP BY b.id, b.year, b.number, pr.name, t.name, b.end_date, i.wave \
         ORDER BY b.end_date DESC, b.id, i.wave",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Rate {
                batch_id: r.try_get("batch_id")?,
                batch_year: r.try_get("year")?,
                batch_number: r.try_get("number")?,
                program: r.try_get("program")?,
                trade: r.try_get("trade")?,
                end_date: r.try_get("end_date")?,
                wave: r.try_get("wave")?,
                invited: r.try_get("invited")?,
                by_link: r.try_get::<Option<i64>, _>("by_link")?.unwrap_or(0),
                by_phone: r.try_get::<Option<i64>, _>("by_phone")?.unwrap_or(0),
            })
        })
        .collect()
}
