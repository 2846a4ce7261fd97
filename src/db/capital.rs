//! Capital storage: programs, applications with their timeline, sealed documents, frozen
//! dossiers, consents, repayment reports, eligibility notices and settings. Every change of an
//! application's state is one conditional `UPDATE … WHERE state = $expected AND version = $v`
//! (`apply`); no row means `Stale`.

use std::collections::BTreeMap;

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, DbError, DbResult, Tx};
use crate::domain::capital::application::{Action, Party, Repayment, State};
use crate::domain::capital::plan::{Item, MaritalStatus, Purpose, RequestFields};
use crate::domain::capital::program::{DocumentKind, ProgramFields, ProgramKind, Rules};

// ---- Programs ----------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct Program {
    pub id: i64,
    pub partner_id: i64,
    pub partner: String,
    pub partner_kind: String,
    pub name: String,
    pub kind: ProgramKind,
    pub kur: bool,
    pub description: String,
    pub min_amount: i64,
    pub max_amount: i64,
    pub terms: String,
    pub tenor_min: i64,
    pub tenor_max: i64,
    pub opens_on: String,
    pub closes_on: String,
    pub quota: Option<i64>,
    pub documents: Vec<DocumentKind>,
    pub rules: Rules,
    pub version: i64,
    /// Applications approved so far (approved, disbursed, closed): what the quota counts.
    pub approved: i64,
}

const PROGRAM_COLUMNS: &str = "p.id, p.partner_id, pa.name AS partner, pa.kind AS partner_kind, \
    p.name, p.kind, p.kur, p.description, p.min_amount, p.max_amount, p.terms, p.tenor_min, \
    p.tenor_max, p.opens_on, p.closes_on, p.quota, p.documents, p.rules, p.version, \
    (SELECT COUNT(*) FROM capital_applications a WHERE a.program_id = p.id \
       AND a.state IN ('approved','disbursed','closed')) AS approved";

fn program_from(r: &AnyRow) -> DbResult<Program> {
    let kind: String = r.try_get("kind")?;
    Ok(Program {
        id: r.try_get("id")?,
        partner_id: r.try_get("partner_id")?,
        partner: r.try_get("partner")?,
        partner_kind: r.try_get("partner_kind")?,
        name: r.try_get("name")?,
        kind: ProgramKind::parse(&kind)
            .ok_or_else(|| DbError::Other(format!("unknown program kind {kind}")))?,
        kur: r.try_get::<i64, _>("kur")? == 1,
        description: r.try_get("description")?,
        min_amount: r.try_get("min_amount")?,
        max_amount: r.try_get("max_amount")?,
        terms: r.try_get("terms")?,
        tenor_min: r.try_get("tenor_min")?,
        tenor_max: r.try_get("tenor_max")?,
        opens_on: r.try_get("opens_on")?,
        closes_on: r.try_get("closes_on")?,
        quota: r.try_get("quota")?,
        documents: DocumentKind::parse_list(&r.try_get::<String, _>("documents")?),
        rules: Rules::from_json(&r.try_get::<String, _>("rules")?),
        version: r.try_get("version")?,
        approved: r.try_get("approved")?,
    })
}

pub async fn programs(db: &Db) -> DbResult<Vec<Program>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {PROGRAM_COLUMNS} FROM capital_programs p JOIN partners pa ON pa.id = p.partner_id \
         ORDER BY p.closes_on DESC, p.name"
    )))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(program_from).collect()
}

pub async fn program(db: &Db, id: i64) -> DbResult<Program> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {PROGRAM_COLUMNS} FROM capital_programs p JOIN partners pa ON pa.id = p.partner_id \
         WHERE p.id = $1"
    )))
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    program_from(&r)
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

/// The program's fields bound as `$1`..`$16` (the last one the instant), in column order.
fn bind_program<'q>(q: AnyQuery<'q>, f: &'q ProgramFields, at: i64) -> AnyQuery<'q> {
    q.bind(f.partner_id)
        .bind(&f.name)
        .bind(f.kind.as_str())
        .bind(i64::from(f.kur))
        .bind(&f.description)
        .bind(f.min_amount)
        .bind(f.max_amount)
        .bind(&f.terms)
        .bind(f.tenor_min)
        .bind(f.tenor_max)
        .bind(&f.opens_on)
        .bind(&f.closes_on)
        .bind(f.quota)
        .bind(DocumentKind::list_text(&f.documents))
        .bind(f.rules.to_json())
        .bind(at)
}

pub async fn insert_program(tx: &mut Tx, f: &ProgramFields, at: i64) -> DbResult<i64> {
    let row = bind_program(
        sqlx::query(
            "INSERT INTO capital_programs (partner_id, name, kind, kur, description, min_amount, \
             max_amount, terms, tenor_min, tenor_max, opens_on, closes_on, quota, documents, rules, \
             created_at, updated_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$16) RETURNING id",
        ),
        f,
        at,
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get("id")?)
}

/// Updates a program the editor loaded at `version`; `Stale` when someone saved meanwhile.
pub async fn update_program(
    tx: &mut Tx,
    id: i64,
    version: i64,
    f: &ProgramFields,
    at: i64,
) -> DbResult<()> {
    let done = bind_program(
        sqlx::query(
            "UPDATE capital_programs SET partner_id = $1, name = $2, kind = $3, kur = $4, \
             description = $5, min_amount = $6, max_amount = $7, terms = $8, tenor_min = $9, \
             tenor_max = $10, opens_on = $11, closes_on = $12, quota = $13, documents = $14, \
             rules = $15, updated_at = $16, version = version + 1 WHERE id = $17 AND version = $18",
        ),
        f,
        at,
    )
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::Stale);
    }
    Ok(())
}

/// Takes the program's row for the rest of the transaction (approvals of one program wait for
/// each other) and counts its approved applications.
pub async fn hold_program(tx: &mut Tx, program_id: i64) -> DbResult<i64> {
    sqlx::query("UPDATE capital_programs SET version = version WHERE id = $1")
        .bind(program_id)
        .execute(&mut **tx)
        .await?;
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM capital_applications WHERE program_id = $1 \
         AND state IN ('approved','disbursed','closed')",
    )
    .bind(program_id)
    .fetch_one(&mut **tx)
    .await?)
}

// ---- Applications ------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct Application {
    pub id: i64,
    pub program_id: i64,
    pub program: String,
    pub program_kind: ProgramKind,
    pub kur: bool,
    pub partner_id: i64,
    pub partner: String,
    pub alumnus_id: i64,
    pub applicant: String,
    pub user_id: i64,
    pub state: State,
    pub purpose: Purpose,
    pub amount: i64,
    pub tenor_months: i64,
    pub plan: Vec<Item>,
    pub marital_status: Option<MaritalStatus>,
    pub business_capital: Option<i64>,
    pub workers: i64,
    pub kbli: String,
    pub reason: String,
    pub approved_amount: Option<i64>,
    pub approved_tenor: Option<i64>,
    pub approved_rate: String,
    pub disbursed_on: Option<String>,
    pub disbursed_amount: Option<i64>,
    pub repayment: Option<Repayment>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    pub referred_at: Option<i64>,
    pub decided_at: Option<i64>,
    pub reminded_at: Option<i64>,
    /// The live consent's dossier, when the alumna consented and has not revoked.
    pub consent_dossier_id: Option<i64>,
    /// The latest month (`YYYY-MM`) the partner reported repayment for.
    pub last_period: Option<String>,
    /// Trade of the applicant's main training, and the kecamatan of her business (else hers).
    pub trade: String,
    pub kecamatan: String,
}

impl Application {
    pub fn consent_live(&self) -> bool {
        self.consent_dossier_id.is_some()
    }
}

const APPLICATION_COLUMNS: &str = "a.id, a.program_id, p.name AS program, p.kind AS program_kind, \
    p.kur, p.partner_id, pa.name AS partner, a.alumnus_id, al.full_name AS applicant, a.user_id, \
    a.state, a.purpose, a.amount, a.tenor_months, a.plan, a.marital_status, a.business_capital, \
    a.workers, a.kbli, a.reason, a.approved_amount, \
    a.approved_tenor, a.approved_rate, a.disbursed_on, a.disbursed_amount, a.repayment, a.version, \
    a.created_at, a.updated_at, a.submitted_at, a.referred_at, a.decided_at, a.reminded_at, \
    (SELECT c.dossier_id FROM capital_consents c WHERE c.application_id = a.id \
       AND c.revoked_at IS NULL AND c.partner_id = p.partner_id) AS consent_dossier_id, \
    (SELECT MAX(r.period) FROM capital_repayments r WHERE r.application_id = a.id) AS last_period, \
    COALESCE((SELECT t.name FROM participations pp JOIN batches b ON b.id = pp.batch_id \
       JOIN programs pr ON pr.id = b.program_id JOIN trades t ON t.id = pr.trade_id \
       WHERE pp.alumnus_id = a.alumnus_id ORDER BY b.year DESC, pp.id DESC LIMIT 1), '') AS trade, \
    COALESCE((SELECT r.name FROM businesses bu JOIN regions r ON r.code = bu.kecamatan_code \
       WHERE bu.alumnus_id = a.alumnus_id ORDER BY bu.id LIMIT 1), \
       (SELECT r.name FROM regions r WHERE r.code = al.kecamatan_code), '') AS kecamatan";

const APPLICATION_FROM: &str = "FROM capital_applications a \
    JOIN capital_programs p ON p.id = a.program_id JOIN partners pa ON pa.id = p.partner_id \
    JOIN alumni al ON al.id = a.alumnus_id";

fn application_from(r: &AnyRow) -> DbResult<Application> {
    let state: String = r.try_get("state")?;
    let purpose: String = r.try_get("purpose")?;
    let kind: String = r.try_get("program_kind")?;
    let repayment: Option<String> = r.try_get("repayment")?;
    let plan: String = r.try_get("plan")?;
    Ok(Application {
        id: r.try_get("id")?,
        program_id: r.try_get("program_id")?,
        program: r.try_get("program")?,
        program_kind: ProgramKind::parse(&kind)
            .ok_or_else(|| DbError::Other(format!("unknown program kind {kind}")))?,
        kur: r.try_get::<i64, _>("kur")? == 1,
        partner_id: r.try_get("partner_id")?,
        partner: r.try_get("partner")?,
        alumnus_id: r.try_get("alumnus_id")?,
        applicant: r.try_get("applicant")?,
        user_id: r.try_get("user_id")?,
        state: State::parse(&state)
            .ok_or_else(|| DbError::Other(format!("unknown application state {state}")))?,
        purpose: Purpose::parse(&purpose)
            .ok_or_else(|| DbError::Other(format!("unknown purpose {purpose}")))?,
        amount: r.try_get("amount")?,
        tenor_months: r.try_get("tenor_months")?,
        plan: serde_json::from_str(&plan).map_err(|e| DbError::Other(e.to_string()))?,
        marital_status: MaritalStatus::parse(&r.try_get::<String, _>("marital_status")?),
        business_capital: r.try_get("business_capital")?,
        workers: r.try_get("workers")?,
        kbli: r.try_get("kbli")?,
        reason: r.try_get("reason")?,
        approved_amount: r.try_get("approved_amount")?,
        approved_tenor: r.try_get("approved_tenor")?,
        approved_rate: r.try_get("approved_rate")?,
        disbursed_on: r.try_get("disbursed_on")?,
        disbursed_amount: r.try_get("disbursed_amount")?,
        repayment: repayment.as_deref().and_then(Repayment::parse),
        version: r.try_get("version")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        submitted_at: r.try_get("submitted_at")?,
        referred_at: r.try_get("referred_at")?,
        decided_at: r.try_get("decided_at")?,
        reminded_at: r.try_get("reminded_at")?,
        consent_dossier_id: r.try_get("consent_dossier_id")?,
        last_period: r.try_get("last_period")?,
        trade: r.try_get("trade")?,
        kecamatan: r.try_get("kecamatan")?,
    })
}

pub async fn application(db: &Db, id: i64) -> DbResult<Application> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {APPLICATION_COLUMNS} {APPLICATION_FROM} WHERE a.id = $1"
    )))
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    application_from(&r)
}

/// Which applications a list shows.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    All,
    Alumnus(i64),
    /// Referred to this partner with live consent, or decided by it.
    Partner(i64),
    Program(i64),
}

pub async fn applications(db: &Db, scope: Scope) -> DbResult<Vec<Application>> {
    let (filter, id) = match scope {
        Scope::All => ("", 0),
        Scope::Alumnus(id) => ("WHERE a.alumnus_id = $1", id),
        Scope::Program(id) => ("WHERE a.program_id = $1", id),
        Scope::Partner(id) => (
            "WHERE p.partner_id = $1 AND ((a.state = 'referred' AND EXISTS (SELECT 1 FROM \
             capital_consents c WHERE c.application_id = a.id AND c.revoked_at IS NULL \
             AND c.partner_id = p.partner_id)) \
             OR (a.decided_at IS NOT NULL AND a.state IN ('approved','declined','disbursed','closed')))",
            id,
        ),
    };
    let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {APPLICATION_COLUMNS} {APPLICATION_FROM} {filter} ORDER BY a.updated_at DESC, a.id DESC"
    )));
    if !filter.is_empty() {
        q = q.bind(id);
    }
    let rows = q.fetch_all(db.pool()).await?;
    rows.iter().map(application_from).collect()
}

/// Whether the alumnus has an application still moving (or an active loan) in the program,
/// other than `except`.
pub async fn open_in_program(
    db: &Db,
    alumnus_id: i64,
    program_id: i64,
    except: Option<i64>,
) -> DbResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM capital_applications WHERE alumnus_id = $1 AND program_id = $2 \
         AND id <> $3 AND state NOT IN ('rejected','declined','closed','withdrawn','expired')",
    )
    .bind(alumnus_id)
    .bind(program_id)
    .bind(except.unwrap_or(0))
    .fetch_one(db.pool())
    .await?;
    Ok(n > 0)
}

pub async fn insert_application(
    tx: &mut Tx,
    program_id: i64,
    alumnus_id: i64,
    user_id: i64,
    f: &RequestFields,
    at: i64,
) -> DbResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO capital_applications (program_id, alumnus_id, user_id, state, purpose, amount, \
         tenor_months, plan, created_at, updated_at, marital_status, business_capital, workers, kbli) \
         VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(program_id)
    .bind(alumnus_id)
    .bind(user_id)
    .bind(f.purpose.as_str())
    .bind(f.amount)
    .bind(f.tenor_months)
    .bind(plan_json(&f.plan))
    .bind(at)
    .bind(f.marital_status.as_str())
    .bind(f.business_capital)
    .bind(f.workers)
    .bind(&f.kbli)
    .fetch_one(&mut **tx)
    .await?;
    insert_event(
        tx,
        id,
        at,
        Party::Alumnus,
        Some(user_id),
        "dibuat",
        None,
        State::Draft,
        "",
    )
    .await?;
    Ok(id)
}

fn plan_json(plan: &[Item]) -> String {
    serde_json::to_string(plan).unwrap_or_else(|_| "[]".into())
}

/// What a step changes besides the state.
#[derive(Debug, Clone)]
pub enum Effect<'a> {
    /// Only the state and the timeline (review, recommend, withdraw, expire, consent, …).
    Plain,
    /// The request as edited (draft or returned).
    Request(&'a RequestFields),
    Submit,
    /// Returned, rejected or declined: the reason is kept on the application.
    Reason,
    Refer,
    Approve {
        amount: i64,
        tenor: i64,
        rate: &'a str,
    },
    Disburse {
        on: &'a str,
        amount: i64,
    },
    Repayment(Repayment),
    /// A timeout reminder was sent (no change of state).
    Reminded,
}

pub struct Change<'a> {
    pub at: i64,
    pub action: Action,
    pub party: Party,
    pub user_id: Option<i64>,
    pub to: State,
    pub note: &'a str,
    pub effect: Effect<'a>,
}

/// Applies one step to the application loaded at `app.version`: the conditional update and the
/// timeline entry. `Stale` when it moved meanwhile.
pub async fn apply(tx: &mut Tx, app: &Application, change: &Change<'_>) -> DbResult<()> {
    let mut sets = String::from("state = $1, version = version + 1, updated_at = $2");
    match &change.effect {
        Effect::Plain | Effect::Reminded => {}
        Effect::Request(_) => sets.push_str(
            ", purpose = $6, amount = $7, tenor_months = $8, plan = $9, marital_status = $10, \
             business_capital = $11, workers = $12, kbli = $13",
        ),
        Effect::Submit => sets.push_str(", submitted_at = $2, reason = ''"),
        Effect::Reason => sets.push_str(", reason = $6"),
        Effect::Refer => sets.push_str(", referred_at = $2"),
        Effect::Approve { .. } => sets.push_str(
            ", decided_at = $2, approved_amount = $6, approved_tenor = $7, approved_rate = $8",
        ),
        Effect::Disburse { .. } => {
            sets.push_str(", disbursed_on = $6, disbursed_amount = $7, repayment = 'on_track'")
        }
        Effect::Repayment(_) => sets.push_str(", repayment = $6"),
    }
    if matches!(change.effect, Effect::Reason) && change.to == State::Declined {
        sets.push_str(", decided_at = $2");
    }
    // A move to another state starts that state's clock afresh; a reminder marks it.
    if matches!(change.effect, Effect::Reminded) {
        sets.push_str(", reminded_at = $2");
    } else if change.to != app.state {
        sets.push_str(", reminded_at = NULL");
    }
    let sql = format!(
        "UPDATE capital_applications SET {sets} WHERE id = $3 AND state = $4 AND version = $5"
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(change.to.as_str())
        .bind(change.at)
        .bind(app.id)
        .bind(app.state.as_str())
        .bind(app.version);
    match &change.effect {
        Effect::Request(f) => {
            q = q
                .bind(f.purpose.as_str())
                .bind(f.amount)
                .bind(f.tenor_months)
                .bind(plan_json(&f.plan))
                .bind(f.marital_status.as_str())
                .bind(f.business_capital)
                .bind(f.workers)
                .bind(&f.kbli)
        }
        Effect::Reason => q = q.bind(change.note),
        Effect::Approve {
            amount,
            tenor,
            rate,
        } => q = q.bind(*amount).bind(*tenor).bind(*rate),
        Effect::Disburse { on, amount } => q = q.bind(*on).bind(*amount),
        Effect::Repayment(r) => q = q.bind(r.as_str()),
        _ => {}
    }
    if q.execute(&mut **tx).await?.rows_affected() == 0 {
        return Err(DbError::Stale);
    }
    if !matches!(change.effect, Effect::Reminded) {
        insert_event(
            tx,
            app.id,
            change.at,
            change.party,
            change.user_id,
            change.action.slug(),
            Some(app.state),
            change.to,
            change.note,
        )
        .await?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn insert_event(
    tx: &mut Tx,
    application_id: i64,
    at: i64,
    party: Party,
    user_id: Option<i64>,
    action: &str,
    from: Option<State>,
    to: State,
    note: &str,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO capital_application_events (application_id, at, actor, user_id, action, \
         from_state, to_state, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(application_id)
    .bind(at)
    .bind(party.as_str())
    .bind(user_id)
    .bind(action)
    .bind(from.map(State::as_str))
    .bind(to.as_str())
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct Event {
    pub at: i64,
    pub party: Party,
    pub action: String,
    pub from: Option<State>,
    pub to: State,
    pub note: String,
}

pub async fn events(db: &Db, application_id: i64) -> DbResult<Vec<Event>> {
    let rows = sqlx::query(
        "SELECT at, actor, action, from_state, to_state, note FROM capital_application_events \
         WHERE application_id = $1 ORDER BY at, id",
    )
    .bind(application_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(event_from).collect()
}

fn event_from(r: &AnyRow) -> DbResult<Event> {
    let actor: String = r.try_get("actor")?;
    let from: Option<String> = r.try_get("from_state")?;
    let to: String = r.try_get("to_state")?;
    Ok(Event {
        at: r.try_get("at")?,
        party: Party::parse(&actor).unwrap_or(Party::System),
        action: r.try_get("action")?,
        from: from.as_deref().and_then(State::parse),
        to: State::parse(&to).unwrap_or(State::Draft),
        note: r.try_get("note")?,
    })
}

// ---- Documents ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct Document {
    pub kind: DocumentKind,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_at: i64,
}

/// Stores (or replaces) the application's document of one kind; `sealed` is already sealed.
#[allow(clippy::too_many_arguments)]
pub async fn put_document(
    tx: &mut Tx,
    application_id: i64,
    kind: DocumentKind,
    file_name: &str,
    content_type: &str,
    size: i64,
    sealed: &[u8],
    at: i64,
) -> DbResult<()> {
    sqlx::query("DELETE FROM capital_documents WHERE application_id = $1 AND kind = $2")
        .bind(application_id)
        .bind(kind.as_str())
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO capital_documents (application_id, kind, file_name, content_type, size, \
         content, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(application_id)
    .bind(kind.as_str())
    .bind(file_name)
    .bind(content_type)
    .bind(size)
    .bind(sealed)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn documents(db: &Db, application_id: i64) -> DbResult<Vec<Document>> {
    let rows = sqlx::query(
        "SELECT kind, file_name, content_type, size, uploaded_at FROM capital_documents \
         WHERE application_id = $1 ORDER BY kind",
    )
    .bind(application_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .filter_map(|r| {
            let kind: String = r.try_get("kind").ok()?;
            Some(DocumentKind::parse(&kind).map(|kind| {
                Ok(Document {
                    kind,
                    file_name: r.try_get("file_name")?,
                    content_type: r.try_get("content_type")?,
                    size: r.try_get("size")?,
                    uploaded_at: r.try_get("uploaded_at")?,
                })
            }))
        })
        .flatten()
        .collect()
}

/// The sealed bytes of one document.
pub async fn document_content(
    db: &Db,
    application_id: i64,
    kind: DocumentKind,
) -> DbResult<(Document, Vec<u8>)> {
    let r = sqlx::query(
        "SELECT file_name, content_type, size, uploaded_at, content FROM capital_documents \
         WHERE application_id = $1 AND kind = $2",
    )
    .bind(application_id)
    .bind(kind.as_str())
    .fetch_one(db.pool())
    .await?;
    Ok((
        Document {
            kind,
            file_name: r.try_get("file_name")?,
            content_type: r.try_get("content_type")?,
            size: r.try_get("size")?,
            uploaded_at: r.try_get("uploaded_at")?,
        },
        r.try_get("content")?,
    ))
}

// ---- Dossiers and consent ----------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct Dossier {
    pub id: i64,
    pub version: i64,
    pub created_at: i64,
    pub body: String,
    pub hash: String,
}

/// Freezes a new dossier version; returns it.
pub async fn insert_dossier(
    tx: &mut Tx,
    application_id: i64,
    body: &str,
    hash: &str,
    at: i64,
) -> DbResult<Dossier> {
    let version: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM capital_dossiers WHERE application_id = $1",
    )
    .bind(application_id)
    .fetch_one(&mut **tx)
    .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO capital_dossiers (application_id, version, created_at, body, hash) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(application_id)
    .bind(version)
    .bind(at)
    .bind(body)
    .bind(hash)
    .fetch_one(&mut **tx)
    .await?;
    Ok(Dossier {
        id,
        version,
        created_at: at,
        body: body.to_owned(),
        hash: hash.to_owned(),
    })
}

fn dossier_from(r: &AnyRow) -> DbResult<Dossier> {
    Ok(Dossier {
        id: r.try_get("id")?,
        version: r.try_get("version")?,
        created_at: r.try_get("created_at")?,
        body: r.try_get("body")?,
        hash: r.try_get("hash")?,
    })
}

/// Every frozen version, newest first.
pub async fn dossiers(db: &Db, application_id: i64) -> DbResult<Vec<Dossier>> {
    let rows = sqlx::query(
        "SELECT id, version, created_at, body, hash FROM capital_dossiers \
         WHERE application_id = $1 ORDER BY version DESC",
    )
    .bind(application_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(dossier_from).collect()
}

pub async fn dossier(db: &Db, id: i64) -> DbResult<Dossier> {
    let r = sqlx::query(
        "SELECT id, version, created_at, body, hash FROM capital_dossiers WHERE id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    dossier_from(&r)
}

pub async fn grant_consent(
    tx: &mut Tx,
    application_id: i64,
    partner_id: i64,
    dossier_id: i64,
    user_id: i64,
    at: i64,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO capital_consents (application_id, partner_id, dossier_id, granted_at, granted_by) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(application_id)
    .bind(partner_id)
    .bind(dossier_id)
    .bind(at)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn revoke_consent(tx: &mut Tx, application_id: i64, at: i64) -> DbResult<()> {
    sqlx::query(
        "UPDATE capital_consents SET revoked_at = $1 WHERE application_id = $2 AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(application_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct Consent {
    pub partner: String,
    pub dossier_version: i64,
    pub granted_at: i64,
    pub revoked_at: Option<i64>,
}

pub async fn consents(db: &Db, application_id: i64) -> DbResult<Vec<Consent>> {
    let rows = sqlx::query(
        "SELECT pa.name AS partner, d.version, c.granted_at, c.revoked_at FROM capital_consents c \
         JOIN partners pa ON pa.id = c.partner_id JOIN capital_dossiers d ON d.id = c.dossier_id \
         WHERE c.application_id = $1 ORDER BY c.id",
    )
    .bind(application_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Consent {
                partner: r.try_get("partner")?,
                dossier_version: r.try_get("version")?,
                granted_at: r.try_get("granted_at")?,
                revoked_at: r.try_get("revoked_at")?,
            })
        })
        .collect()
}

// ---- Repayments --------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct RepaymentReport {
    pub period: String,
    pub status: Repayment,
    pub note: String,
    pub reported_at: i64,
}

pub async fn insert_repayment(
    tx: &mut Tx,
    application_id: i64,
    period: &str,
    status: Repayment,
    note: &str,
    user_id: Option<i64>,
    at: i64,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO capital_repayments (application_id, period, status, note, reported_at, reported_by) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(application_id)
    .bind(period)
    .bind(status.as_str())
    .bind(note)
    .bind(at)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn repayments(db: &Db, application_id: i64) -> DbResult<Vec<RepaymentReport>> {
    let rows = sqlx::query(
        "SELECT period, status, note, reported_at FROM capital_repayments \
         WHERE application_id = $1 ORDER BY period DESC",
    )
    .bind(application_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let status: String = r.try_get("status")?;
            Ok(RepaymentReport {
                period: r.try_get("period")?,
                status: Repayment::parse(&status).unwrap_or(Repayment::OnTrack),
                note: r.try_get("note")?,
                reported_at: r.try_get("reported_at")?,
            })
        })
        .collect()
}

// ---- Eligibility notices, settings, people to tell ---------------------------------------

/// Records that the alumnus was told she meets the program's rules; `false` when she already
/// was (nothing to send).
pub async fn note_eligibility(
    tx: &mut Tx,
    alumnus_id: i64,
    program_id: i64,
    at: i64,
) -> DbResult<bool> {
    let done = sqlx::query(
        "INSERT INTO capital_eligibility_notices (alumnus_id, program_id, notified_at) \
         VALUES ($1, $2, $3) ON CONFLICT (alumnus_id, program_id) DO NOTHING",
    )
    .bind(alumnus_id)
    .bind(program_id)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn settings(db: &Db) -> DbResult<BTreeMap<String, String>> {
    super::settings::read(db, super::settings::Table::Capital).await
}

pub async fn put_setting(tx: &mut Tx, key: &str, value: &str) -> DbResult<()> {
    super::settings::put(tx, super::settings::Table::Capital, key, value).await
}

/// Active users of a role linked to a partner (`mitra`), or every active agency user.
pub async fn partner_users(db: &Db, partner_id: i64) -> DbResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM users WHERE role = 'mitra' AND partner_id = $1 AND disabled_at IS NULL ORDER BY id",
    )
    .bind(partner_id)
    .fetch_all(db.pool())
    .await?)
}

pub async fn agency_users(db: &Db) -> DbResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id",
    )
    .fetch_all(db.pool())
    .await?)
}

/// The alumnus's own account, when she has claimed one.
pub async fn alumnus_user(db: &Db, alumnus_id: i64) -> DbResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM users WHERE alumnus_id = $1 AND disabled_at IS NULL")
            .bind(alumnus_id)
            .fetch_optional(db.pool())
            .await?,
    )
}

/// Applications sitting in `state` since before `before` with no reminder yet.
pub async fn waiting(db: &Db, state: State, before: i64) -> DbResult<Vec<Application>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {APPLICATION_COLUMNS} {APPLICATION_FROM} \
         WHERE a.state = $1 AND a.updated_at < $2 AND a.reminded_at IS NULL ORDER BY a.id"
    )))
    .bind(state.as_str())
    .bind(before)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(application_from).collect()
}

/// Programs taking applications on `today` (ISO).
pub async fn open_programs(db: &Db, today: &str) -> DbResult<Vec<Program>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {PROGRAM_COLUMNS} FROM capital_programs p JOIN partners pa ON pa.id = p.partner_id \
         WHERE p.opens_on <= $1 AND p.closes_on >= $1 ORDER BY p.closes_on, p.name"
    )))
    .bind(today)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(program_from).collect()
}

// ---- Names, contacts, outcomes -----------------------------------------------------------

pub async fn trade_names(db: &Db) -> DbResult<BTreeMap<i64, String>> {
    let rows = sqlx::query("SELECT id, name FROM trades")
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
        .collect()
}

pub async fn kecamatan_names(db: &Db) -> DbResult<BTreeMap<String, String>> {
    let rows = sqlx::query("SELECT code, name FROM regions WHERE level = 'kecamatan'")
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("code")?, r.try_get("name")?)))
        .collect()
}

/// A user's email and phone, for messages outside the app.
pub async fn user_contact(tx: &mut Tx, user_id: i64) -> DbResult<(String, Option<String>)> {
    let r = sqlx::query("SELECT email, phone FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok((r.try_get("email")?, r.try_get("phone")?))
}

/// Confirmed money the alumnus's businesses received with `paid_on` in `from..until` (ISO
/// dates, `until` excluded): confirmed public payments and live office payments (gross).
pub async fn revenue_between(db: &Db, alumnus_id: i64, from: &str, until: &str) -> DbResult<i64> {
    let public: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(op.amount), 0) AS BIGINT) FROM order_payments op \
         JOIN orders o ON o.id = op.order_id JOIN businesses b ON b.id = o.business_id \
         WHERE b.alumnus_id = $1 AND op.confirmed_at IS NOT NULL AND op.paid_on >= $2 AND op.paid_on < $3",
    )
    .bind(alumnus_id)
    .bind(from)
    .bind(until)
    .fetch_one(db.pool())
    .await?;
    let office: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(p.gross), 0) AS BIGINT) FROM office_payments p \
         JOIN office_requests r ON r.id = p.request_id JOIN businesses b ON b.id = r.business_id \
         WHERE b.alumnus_id = $1 AND p.voided_at IS NULL AND p.paid_on >= $2 AND p.paid_on < $3",
    )
    .bind(alumnus_id)
    .bind(from)
    .bind(until)
    .fetch_one(db.pool())
    .await?;
    Ok(public + office)
}

/// What a KUR candidate's SIKP row needs from the register and the business.
#[derive(Debug, Clone, Default)]
pub struct CandidateFacts {
    pub nik_enc: Option<String>,
    pub full_name: String,
    pub birth_date: Option<String>,
    pub gender: String,
    pub address: String,
    pub region_code: String,
    pub phone: String,
    pub education: String,
    pub npwp_sealed: String,
    pub business_since: Option<i64>,
    pub business_address: String,
    pub nib: String,
}

pub async fn candidate_facts(db: &Db, alumnus_id: i64) -> DbResult<CandidateFacts> {
    let r = sqlx::query(
        "SELECT a.nik_enc, a.full_name, a.birth_date, a.gender, a.address, \
         COALESCE(a.desa_code, a.kecamatan_code, '') AS region_code, COALESCE(a.phone, '') AS phone, \
         a.education, b.npwp, b.created_at AS since, b.pickup_address, b.nib, \
         COALESCE(b.desa_code, b.kecamatan_code, '') AS business_region \
         FROM alumni a LEFT JOIN businesses b ON b.id = (SELECT MIN(id) FROM businesses WHERE alumnus_id = a.id) \
         WHERE a.id = $1",
    )
    .bind(alumnus_id)
    .fetch_one(db.pool())
    .await?;
    Ok(CandidateFacts {
        nik_enc: r.try_get("nik_enc")?,
        full_name: r.try_get("full_name")?,
        birth_date: r.try_get("birth_date")?,
        gender: r.try_get("gender")?,
        address: r.try_get("address")?,
        region_code: r.try_get("region_code")?,
        phone: r.try_get("phone")?,
        education: r.try_get("education")?,
        npwp_sealed: r.try_get::<Option<String>, _>("npwp")?.unwrap_or_default(),
        business_since: r.try_get("since")?,
        business_address: r
            .try_get::<Option<String>, _>("pickup_address")?
            .unwrap_or_default(),
        nib: r.try_get::<Option<String>, _>("nib")?.unwrap_or_default(),
    })
}

/// The NIK of an application's applicant, sealed.
pub async fn applicant_nik(db: &Db, alumnus_id: i64) -> DbResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT nik_enc FROM alumni WHERE id = $1")
            .bind(alumnus_id)
            .fetch_one(db.pool())
            .await?,
    )
}

/// Every timeline entry of every application (for the agency's stage durations).
pub async fn all_events(db: &Db) -> DbResult<Vec<(i64, Event)>> {
    let rows = sqlx::query(
        "SELECT application_id, at, actor, action, from_state, to_state, note \
         FROM capital_application_events ORDER BY application_id, at, id",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("application_id")?, event_from(r)?)))
        .collect()
}
