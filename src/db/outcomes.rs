//! The outcomes dashboard's counts (`domain::outcomes` defines each figure): set-based queries
//! over participations of the filter's cohort, grouped by one dimension, with no per-alumnus
//! loop. Revenue uses the definitions of `domain::capital::activity` (as read by
//! `db::track_record`): a public order's payment counts when confirmed (`order_payments.
//! confirmed_at`), an office job's when live (`office_payments.voided_at IS NULL`, its gross);
//! here the same WHERE clauses are summed per alumnus in SQL instead of per record in Rust.
//! Tracer figures read the stored flags of `tracer_responses`; nothing is decided again here.
//!
//! Every query binds the filter as `$1`..`$6` (year text, trade, program, batch, kecamatan,
//! gender; `''` or `0` for "all").

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, DbResult};
use crate::domain::outcomes::{
    Counts, Dimension, Filter, Group, Measure, Wave, gender_label, waves_setting,
};

/// The cohort: participations with their batch, program, trade, person and kecamatan.
const FROM: &str = "FROM participations p JOIN batches b ON b.id = p.batch_id \
    JOIN programs pr ON pr.id = b.program_id JOIN trades t ON t.id = pr.trade_id \
    JOIN alumni a ON a.id = p.alumnus_id LEFT JOIN regions k ON k.code = a.kecamatan_code";

/// The filter, bound as `$1`..`$6`.
const WHERE: &str = "WHERE ($1 = '' OR SUBSTR(b.end_date, 1, 4) = $1) \
    AND ($2 = 0 OR pr.trade_id = $2) AND ($3 = 0 OR b.program_id = $3) \
    AND ($4 = 0 OR p.batch_id = $4) AND ($5 = '' OR a.kecamatan_code = $5) \
    AND ($6 = '' OR a.gender = $6)";

/// A batch's name in lists: "Menjahit · Angkatan 2/2026".
const BATCH_LABEL: &str =
    "pr.name || ' · Angkatan ' || CAST(b.number AS TEXT) || '/' || CAST(b.year AS TEXT)";

/// Alumni with at least one confirmed public payment or live office payment.
const PAID_ALUMNI: &str = "SELECT alumnus_id FROM alumni_sales WHERE paid_orders > 0 \
    UNION SELECT bz.alumnus_id FROM businesses bz \
      JOIN office_requests r ON r.business_id = bz.id \
      JOIN office_payments pay ON pay.request_id = r.id AND pay.voided_at IS NULL";

/// Alumni with an active business that has at least one active listing.
const STOREFRONT_ALUMNI: &str = "SELECT DISTINCT bz.alumnus_id FROM businesses bz \
    WHERE bz.active = 1 AND EXISTS (SELECT 1 FROM listings l WHERE l.business_id = bz.id AND l.active = 1)";

/// Confirmed public revenue per alumnus: `alumni_sales`, the sum of confirmed payments the
/// triggers of migration 0012 keep (the same definition as `domain::capital::activity`; a test
/// holds the table equal to the sum over the payments).
const PUBLIC_REVENUE: &str =
    "SELECT alumnus_id, revenue AS amount FROM alumni_sales WHERE paid_orders > 0";

/// Live office revenue (gross) per alumnus.
const OFFICE_REVENUE: &str = "SELECT bz.alumnus_id, CAST(SUM(pay.gross) AS BIGINT) AS amount \
    FROM office_payments pay JOIN office_requests r ON r.id = pay.request_id \
    JOIN businesses bz ON bz.id = r.business_id \
    WHERE pay.voided_at IS NULL GROUP BY bz.alumnus_id";

/// The group key and name of a dimension, as SQL over `FROM`; `None` is everyone.
fn key_sql(dimension: Option<Dimension>) -> (&'static str, String) {
    match dimension {
        None => ("'semua'", "'Semua'".into()),
        Some(Dimension::Year) => (
            "SUBSTR(b.end_date, 1, 4)",
            "SUBSTR(b.end_date, 1, 4)".into(),
        ),
        Some(Dimension::Trade) => ("CAST(t.id AS TEXT)", "t.name".into()),
        Some(Dimension::Program) => ("CAST(pr.id AS TEXT)", "t.name || ' · ' || pr.name".into()),
        Some(Dimension::Batch) => ("CAST(b.id AS TEXT)", BATCH_LABEL.into()),
        Some(Dimension::Kecamatan) => (
            "COALESCE(a.kecamatan_code, '')",
            "COALESCE(k.name, 'Tanpa kecamatan')".into(),
        ),
        Some(Dimension::Gender) => ("a.gender", "a.gender".into()),
    }
}

fn bind_filter<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    f: &Filter,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    q.bind(f.year.map(|y| y.to_string()).unwrap_or_default())
        .bind(f.trade.unwrap_or(0))
        .bind(f.program.unwrap_or(0))
        .bind(f.batch.unwrap_or(0))
        .bind(f.kecamatan.clone().unwrap_or_default())
        .bind(f.gender.clone().unwrap_or_default())
}

fn label_of(dimension: Option<Dimension>, raw: String) -> String {
    match dimension {
        Some(Dimension::Gender) => gender_label(&raw).to_owned(),
        _ => raw,
    }
}

/// Per alumnus of the cohort `c`: storefront, paid, revenue and capital, in one pass over each
/// source (restricted to the cohort's alumni), so that every breakdown reads the same facts.
const FACTS: &str = "facts AS (SELECT alumnus_id, MAX(shop) AS shop, \
      CAST(SUM(pub) AS BIGINT) AS pub, CAST(SUM(off) AS BIGINT) AS off, \
      CAST(SUM(applied) AS BIGINT) AS applied, CAST(SUM(applied_amount) AS BIGINT) AS applied_amount, \
      CAST(SUM(approved) AS BIGINT) AS approved, CAST(SUM(approved_amount) AS BIGINT) AS approved_amount, \
      CAST(SUM(disbursed) AS BIGINT) AS disbursed, CAST(SUM(disbursed_amount) AS BIGINT) AS disbursed_amount, \
      MAX(paid) AS paid \
    FROM ( \
      SELECT alumnus_id, 1 AS shop, 0 AS pub, 0 AS off, 0 AS applied, 0 AS applied_amount, 0 AS approved, \
        0 AS approved_amount, 0 AS disbursed, 0 AS disbursed_amount, 0 AS paid \
      FROM (SELECT DISTINCT bz.alumnus_id FROM businesses bz WHERE bz.active = 1 \
        AND EXISTS (SELECT 1 FROM listings l WHERE l.business_id = bz.id AND l.active = 1)) s \
      WHERE alumnus_id IN (SELECT alumnus_id FROM c) \
      UNION ALL \
      SELECT alumnus_id, 0, revenue, 0, 0, 0, 0, 0, 0, 0, 1 \
      FROM alumni_sales WHERE paid_orders > 0 AND alumnus_id IN (SELECT alumnus_id FROM c) \
      UNION ALL \
      SELECT bz.alumnus_id, 0, 0, pay.gross, 0, 0, 0, 0, 0, 0, 1 \
      FROM office_payments pay JOIN office_requests r ON r.id = pay.request_id \
        JOIN businesses bz ON bz.id = r.business_id \
      WHERE pay.voided_at IS NULL AND bz.alumnus_id IN (SELECT alumnus_id FROM c) \
      UNION ALL \
      SELECT alumnus_id, 0, 0, 0, \
        CASE WHEN submitted_at IS NOT NULL THEN 1 ELSE 0 END, \
        CASE WHEN submitted_at IS NOT NULL THEN amount ELSE 0 END, \
        CASE WHEN state IN ('approved','disbursed','closed') THEN 1 ELSE 0 END, \
        CASE WHEN state IN ('approved','disbursed','closed') THEN COALESCE(approved_amount, amount) ELSE 0 END, \
        CASE WHEN disbursed_amount IS NOT NULL THEN 1 ELSE 0 END, \
        COALESCE(disbursed_amount, 0), 0 \
      FROM capital_applications WHERE alumnus_id IN (SELECT alumnus_id FROM c) \
    ) u GROUP BY alumnus_id)";

/// Counts per group of each of `dimensions` (`None`: one group, everyone), in one query whose
/// per-alumnus facts are computed once; each list ordered by name (years ascending).
pub async fn groups(
    db: &Db,
    filter: &Filter,
    dimensions: &[Option<Dimension>],
) -> DbResult<Vec<Vec<Group>>> {
    if dimensions.is_empty() {
        return Ok(Vec::new());
    }
    let sql = groups_sql(dimensions);
    let rows = bind_filter(sqlx::query(sqlx::AssertSqlSafe(sql)), filter)
        .fetch_all(db.pool())
        .await?;
    groups_of(&rows, dimensions)
}

/// The query of `groups` (its filter as `$1`..`$6`).
pub(crate) fn groups_sql(dimensions: &[Option<Dimension>]) -> String {
    let mut keys = String::new();
    let mut arms = Vec::new();
    for (i, d) in dimensions.iter().enumerate() {
        let (key, label) = key_sql(*d);
        keys.push_str(&format!(", {key} AS k{i}, {label} AS l{i}"));
        arms.push(format!(
            "SELECT {i} AS d, x.k, x.l, x.trained, x.completed, x.certified, y.alumni, y.storefront, \
               y.paid, y.rev_pub, y.rev_off, y.applied, y.applied_amount, y.approved, \
               y.approved_amount, y.disbursed, y.disbursed_amount \
             FROM (SELECT k{i} AS k, MIN(l{i}) AS l, COUNT(*) AS trained, \
                     CAST(SUM(CASE WHEN result = 'lulus' THEN 1 ELSE 0 END) AS BIGINT) AS completed, \
                     CAST(SUM(CASE WHEN competency = 'kompeten' THEN 1 ELSE 0 END) AS BIGINT) AS certified \
                   FROM c GROUP BY k{i}) x \
             JOIN (SELECT ca.k, COUNT(*) AS alumni, \
                     CAST(COALESCE(SUM(f.shop), 0) AS BIGINT) AS storefront, \
                     CAST(COALESCE(SUM(f.paid), 0) AS BIGINT) AS paid, \
                     CAST(COALESCE(SUM(f.pub), 0) AS BIGINT) AS rev_pub, \
                     CAST(COALESCE(SUM(f.off), 0) AS BIGINT) AS rev_off, \
                     CAST(COALESCE(SUM(f.applied), 0) AS BIGINT) AS applied, \
                     CAST(COALESCE(SUM(f.applied_amount), 0) AS BIGINT) AS applied_amount, \
                     CAST(COALESCE(SUM(f.approved), 0) AS BIGINT) AS approved, \
                     CAST(COALESCE(SUM(f.approved_amount), 0) AS BIGINT) AS approved_amount, \
                     CAST(COALESCE(SUM(f.disbursed), 0) AS BIGINT) AS disbursed, \
                     CAST(COALESCE(SUM(f.disbursed_amount), 0) AS BIGINT) AS disbursed_amount \
                   FROM (SELECT DISTINCT alumnus_id, k{i} AS k FROM c) ca \
                     LEFT JOIN facts f ON f.alumnus_id = ca.alumnus_id \
                   GROUP BY ca.k) y ON y.k = x.k"
        ));
    }
    format!(
        "WITH c AS (SELECT p.id AS pid, p.alumnus_id, p.result, p.competency{keys} {FROM} {WHERE}), \
         {FACTS} \
         SELECT * FROM ({}) z ORDER BY d, l, k",
        arms.join(" UNION ALL ")
    )
}

fn groups_of(rows: &[AnyRow], dimensions: &[Option<Dimension>]) -> DbResult<Vec<Vec<Group>>> {
    let mut out: Vec<Vec<Group>> = vec![Vec::new(); dimensions.len()];
    for r in rows {
        let d: i64 = r.try_get("d")?;
        let Some(list) = usize::try_from(d).ok().and_then(|d| out.get_mut(d)) else {
            continue;
        };
        let dimension = dimensions[usize::try_from(d).unwrap_or(0)];
        list.push(Group {
            key: r.try_get("k")?,
            label: label_of(dimension, r.try_get("l")?),
            counts: Counts {
                trained: r.try_get("trained")?,
                completed: r.try_get("completed")?,
                certified: r.try_get("certified")?,
                alumni: r.try_get("alumni")?,
                storefront: r.try_get("storefront")?,
                paid: r.try_get("paid")?,
                revenue_public: r.try_get("rev_pub")?,
                revenue_office: r.try_get("rev_off")?,
                capital_applied: r.try_get("applied")?,
                capital_applied_amount: r.try_get("applied_amount")?,
                capital_approved: r.try_get("approved")?,
                capital_approved_amount: r.try_get("approved_amount")?,
                capital_disbursed: r.try_get("disbursed")?,
                capital_disbursed_amount: r.try_get("disbursed_amount")?,
            },
            waves: Vec::new(),
        });
    }
    Ok(out)
}

/// Tracer waves per group key of each of `dimensions` (`None`: key `semua`), from the stored
/// flags, in one query: for each dimension, (key, wave) rows for every wave with invitations.
pub async fn waves(
    db: &Db,
    filter: &Filter,
    dimensions: &[Option<Dimension>],
) -> DbResult<Vec<Vec<(String, Wave)>>> {
    if dimensions.is_empty() {
        return Ok(Vec::new());
    }
    let sql = waves_sql(dimensions);
    let rows = bind_filter(sqlx::query(sqlx::AssertSqlSafe(sql)), filter)
        .fetch_all(db.pool())
        .await?;
    let mut out: Vec<Vec<(String, Wave)>> = vec![Vec::new(); dimensions.len()];
    for r in &rows {
        let d: i64 = r.try_get("d")?;
        if let Some(list) = usize::try_from(d).ok().and_then(|d| out.get_mut(d)) {
            list.push((
                r.try_get("k")?,
                Wave {
                    wave: r.try_get("wave")?,
                    invited: r.try_get("invited")?,
                    responded: r.try_get("responded")?,
                    works_in_trade: r.try_get("works")?,
                    earns_umk: r.try_get("umk")?,
                    platform_paid: r.try_get("platform")?,
                },
            ));
        }
    }
    Ok(out)
}

/// The query of `waves` (its filter as `$1`..`$6`).
pub(crate) fn waves_sql(dimensions: &[Option<Dimension>]) -> String {
    let mut keys = String::new();
    let mut arms = Vec::new();
    for (i, d) in dimensions.iter().enumerate() {
        let (key, _) = key_sql(*d);
        keys.push_str(&format!(", {key} AS k{i}"));
        arms.push(format!(
            "SELECT {i} AS d, k{i} AS k, wave, COUNT(*) AS invited, \
               CAST(SUM(responded) AS BIGINT) AS responded, CAST(SUM(works) AS BIGINT) AS works, \
               CAST(SUM(umk) AS BIGINT) AS umk, CAST(SUM(platform) AS BIGINT) AS platform \
             FROM w GROUP BY k{i}, wave"
        ));
    }
    format!(
        "WITH c AS (SELECT p.id AS pid, p.alumnus_id{keys} {FROM} {WHERE} AND p.result = 'lulus'), \
         paid AS (SELECT alumnus_id FROM alumni_sales \
           WHERE paid_orders > 0 AND alumnus_id IN (SELECT alumnus_id FROM c) \
           UNION SELECT bz.alumnus_id FROM businesses bz \
             JOIN office_requests r ON r.business_id = bz.id \
             JOIN office_payments pay ON pay.request_id = r.id AND pay.voided_at IS NULL \
           WHERE bz.alumnus_id IN (SELECT alumnus_id FROM c)), \
         w AS (SELECT c.*, i.wave, CASE WHEN r.id IS NOT NULL THEN 1 ELSE 0 END AS responded, \
             COALESCE(r.works_in_trade, 0) AS works, COALESCE(r.earns_umk, 0) AS umk, \
             CASE WHEN paid.alumnus_id IS NOT NULL THEN 1 ELSE 0 END AS platform \
           FROM c JOIN tracer_invitations i ON i.participation_id = c.pid \
             LEFT JOIN tracer_responses r ON r.invitation_id = i.id \
             LEFT JOIN paid ON paid.alumnus_id = c.alumnus_id) \
         SELECT * FROM ({}) z ORDER BY d, k, wave",
        arms.join(" UNION ALL ")
    )
}

/// Obstacles named in the answers of the cohort's completers (all waves), most named first.
pub async fn obstacles(db: &Db, filter: &Filter) -> DbResult<Vec<(String, i64)>> {
    let sql = format!(
        "SELECT o.obstacle, COUNT(*) AS n {FROM} \
           JOIN tracer_invitations i ON i.participation_id = p.id \
           JOIN tracer_responses r ON r.invitation_id = i.id \
           JOIN tracer_obstacles o ON o.response_id = r.id \
         {WHERE} AND p.result = 'lulus' GROUP BY o.obstacle ORDER BY n DESC, o.obstacle"
    );
    let rows = bind_filter(sqlx::query(sqlx::AssertSqlSafe(sql)), filter)
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("obstacle")?, r.try_get("n")?)))
        .collect()
}

/// The configured tracer waves (`tracer_settings.waves`).
pub async fn configured_waves(db: &Db) -> DbResult<Vec<i64>> {
    let value: Option<String> =
        sqlx::query_scalar("SELECT value FROM tracer_settings WHERE key = 'waves'")
            .fetch_optional(db.pool())
            .await?;
    Ok(waves_setting(value.as_deref()))
}

/// One person or record behind a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Behind {
    pub alumnus_id: i64,
    pub name: String,
    pub trade: String,
    pub batch: String,
    pub kecamatan: String,
    /// An amount in Rupiah (revenue, capital), when the measure has one.
    pub amount: Option<i64>,
    /// A short note (the application's state, the wave's answer).
    pub note: String,
}

/// At most this many rows are returned; the page says how many there are in all.
pub const BEHIND_LIMIT: i64 = 2000;

/// The people or records behind one number of `groups`/`waves`/`obstacles`, and how many
/// there are in all (the rows stop at `BEHIND_LIMIT`).
pub async fn behind(db: &Db, filter: &Filter, measure: &Measure) -> DbResult<(i64, Vec<Behind>)> {
    // Participation level: one row per participation.
    let part = format!(
        "SELECT p.id AS pid, p.alumnus_id, a.full_name AS name, t.name AS trade, {BATCH_LABEL} AS batch, \
           COALESCE(k.name, '') AS kecamatan, p.result, p.competency {FROM} {WHERE}"
    );
    // Person level: one row per person, named by their first participation in the cohort.
    let person = format!(
        "SELECT p.alumnus_id, MIN(a.full_name) AS name, MIN(t.name) AS trade, MIN({BATCH_LABEL}) AS batch, \
           MIN(COALESCE(k.name, '')) AS kecamatan {FROM} {WHERE} GROUP BY p.alumnus_id"
    );
    let cols = "c.alumnus_id, c.name, c.trade, c.batch, c.kecamatan";
    let wave_join = "JOIN tracer_invitations i ON i.participation_id = c.pid AND i.wave = $7 \
                     LEFT JOIN tracer_responses r ON r.invitation_id = i.id";
    let none = "CAST(NULL AS BIGINT) AS amount, ''";
    let (body, extra): (String, Option<ExtraBind>) = match measure {
        Measure::Trained => (
            format!("WITH c AS ({part}) SELECT {cols}, {none} AS note FROM c"),
            None,
        ),
        Measure::Completed => (
            format!(
                "WITH c AS ({part}) SELECT {cols}, {none} AS note FROM c WHERE c.result = 'lulus'"
            ),
            None,
        ),
        Measure::Certified => (
            format!(
                "WITH c AS ({part}) SELECT {cols}, {none} AS note FROM c WHERE c.competency = 'kompeten'"
            ),
            None,
        ),
        Measure::Alumni => (
            format!("WITH c AS ({person}) SELECT {cols}, {none} AS note FROM c"),
            None,
        ),
        Measure::Storefront => (
            format!(
                "WITH c AS ({person}) SELECT {cols}, {none} AS note FROM c \
                 WHERE c.alumnus_id IN ({STOREFRONT_ALUMNI})"
            ),
            None,
        ),
        Measure::Paid => (
            format!(
                "WITH c AS ({person}) SELECT {cols}, {none} AS note FROM c \
                 WHERE c.alumnus_id IN ({PAID_ALUMNI})"
            ),
            None,
        ),
        Measure::RevenuePublic | Measure::RevenueOffice => {
            let source = if *measure == Measure::RevenuePublic {
                PUBLIC_REVENUE
            } else {
                OFFICE_REVENUE
            };
            (
                format!(
                    "WITH c AS ({person}), v AS ({source}) SELECT {cols}, v.amount, '' AS note \
                     FROM c JOIN v ON v.alumnus_id = c.alumnus_id WHERE v.amount > 0"
                ),
                None,
            )
        }
        Measure::CapitalApplied | Measure::CapitalApproved | Measure::CapitalDisbursed => {
            let (cond, amount) = match measure {
                Measure::CapitalApplied => ("x.submitted_at IS NOT NULL", "x.amount"),
                Measure::CapitalApproved => (
                    "x.state IN ('approved','disbursed','closed')",
                    "COALESCE(x.approved_amount, x.amount)",
                ),
                _ => ("x.disbursed_amount IS NOT NULL", "x.disbursed_amount"),
            };
            (
                format!(
                    "WITH c AS ({person}) SELECT {cols}, {amount} AS amount, x.state AS note \
                     FROM c JOIN capital_applications x ON x.alumnus_id = c.alumnus_id WHERE {cond}"
                ),
                None,
            )
        }
        Measure::Invited(w)
        | Measure::Responded(w)
        | Measure::WorksInTrade(w)
        | Measure::EarnsUmk(w)
        | Measure::PlatformPaid(w) => {
            let cond = match measure {
                Measure::Invited(_) => "1 = 1".to_owned(),
                Measure::Responded(_) => "r.id IS NOT NULL".to_owned(),
                Measure::WorksInTrade(_) => "r.works_in_trade = 1".to_owned(),
                Measure::EarnsUmk(_) => "r.earns_umk = 1".to_owned(),
                _ => format!("c.alumnus_id IN ({PAID_ALUMNI})"),
            };
            (
                format!(
                    "WITH c AS ({part}) SELECT {cols}, CAST(NULL AS BIGINT) AS amount, \
                       COALESCE(r.status, 'belum menjawab') AS note \
                     FROM c {wave_join} WHERE c.result = 'lulus' AND {cond}"
                ),
                Some(ExtraBind::Int(*w)),
            )
        }
        Measure::Obstacle(o) => (
            format!(
                "WITH c AS ({part}) SELECT {cols}, CAST(NULL AS BIGINT) AS amount, \
                   'bulan ke-' || CAST(i.wave AS TEXT) AS note \
                 FROM c JOIN tracer_invitations i ON i.participation_id = c.pid \
                   JOIN tracer_responses r ON r.invitation_id = i.id \
                   JOIN tracer_obstacles o ON o.response_id = r.id AND o.obstacle = $7 \
                 WHERE c.result = 'lulus'"
            ),
            Some(ExtraBind::Text(o.clone())),
        ),
    };
    let count_sql = format!("SELECT COUNT(*) FROM ({body}) q");
    let list_sql = format!("{body} ORDER BY 2, 1 LIMIT {BEHIND_LIMIT}");
    let bind = |sql: String| {
        let q = bind_filter(sqlx::query(sqlx::AssertSqlSafe(sql)), filter);
        match &extra {
            Some(ExtraBind::Int(n)) => q.bind(*n),
            Some(ExtraBind::Text(s)) => q.bind(s.clone()),
            None => q,
        }
    };
    let total: i64 = bind(count_sql).fetch_one(db.pool()).await?.try_get(0)?;
    let rows = bind(list_sql).fetch_all(db.pool()).await?;
    let rows = rows.iter().map(behind_row).collect::<DbResult<_>>()?;
    Ok((total, rows))
}

enum ExtraBind {
    Int(i64),
    Text(String),
}

fn behind_row(r: &AnyRow) -> DbResult<Behind> {
    Ok(Behind {
        alumnus_id: r.try_get("alumnus_id")?,
        name: r.try_get("name")?,
        trade: r.try_get("trade")?,
        batch: r.try_get("batch")?,
        kecamatan: r.try_get("kecamatan")?,
        amount: r.try_get("amount")?,
        note: r.try_get("note")?,
    })
}

/// One complaint about an alumnus's work, placed under the training of the business's trade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Complaint {
    pub trade: String,
    pub program: String,
    pub batch: String,
    /// `sengketa` (a public order disputed), `ulasan` (a review of 1–2 stars), `opd` (an office
    /// job disputed or rated 1–2).
    pub kind: String,
    pub rating: Option<i64>,
    pub text: String,
    pub at: i64,
    pub business: String,
}

/// Disputes, low ratings (≤ 2 stars) and their texts about the businesses of the cohort's
/// alumni, each under the participation whose program is of the business's trade; newest first
/// within trade, program and batch.
pub async fn complaints(db: &Db, filter: &Filter) -> DbResult<Vec<Complaint>> {
    let cohort = format!(
        "SELECT DISTINCT p.alumnus_id, pr.trade_id, t.name AS trade, pr.name AS program, \
           {BATCH_LABEL} AS batch {FROM} {WHERE}"
    );
    let on = "JOIN c ON c.alumnus_id = bz.alumnus_id AND c.trade_id = bz.trade_id";
    let sql = format!(
        "WITH c AS ({cohort}) \
         SELECT c.trade, c.program, c.batch, 'ulasan' AS kind, rv.rating, rv.body AS text, \
           rv.created_at AS at, bz.name AS business \
         FROM reviews rv JOIN businesses bz ON bz.id = rv.business_id {on} WHERE rv.rating <= 2 \
         UNION ALL \
         SELECT c.trade, c.program, c.batch, 'sengketa', CAST(NULL AS BIGINT), e.note, e.at, bz.name \
         FROM order_events e JOIN orders o ON o.id = e.order_id \
           JOIN businesses bz ON bz.id = o.business_id {on} \
         WHERE e.to_state = 'disputed' AND (e.from_state IS NULL OR e.from_state <> 'disputed') \
         UNION ALL \
         SELECT c.trade, c.program, c.batch, 'opd', rq.rating, \
           CASE WHEN rq.rating_note <> '' THEN rq.rating_note ELSE rq.title END, \
           COALESCE(rq.completed_at, rq.updated_at), bz.name \
         FROM office_requests rq JOIN businesses bz ON bz.id = rq.business_id {on} \
         WHERE rq.state = 'disputed' OR rq.rating <= 2 \
         ORDER BY 1, 2, 3, 7 DESC"
    );
    let rows = bind_filter(sqlx::query(sqlx::AssertSqlSafe(sql)), filter)
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Complaint {
                trade: r.try_get(0)?,
                program: r.try_get(1)?,
                batch: r.try_get(2)?,
                kind: r.try_get(3)?,
                rating: r.try_get(4)?,
                text: r.try_get(5)?,
                at: r.try_get(6)?,
                business: r.try_get(7)?,
            })
        })
        .collect()
}

/// A choice for the filter form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// The filter form's choices: years with batches, trades, programs, batches, kecamatan.
/// Rows of (value, label) as choices.
fn to_choices(rows: &[AnyRow]) -> DbResult<Vec<Choice>> {
    rows.iter()
        .map(|r| {
            Ok(Choice {
                value: r.try_get(0)?,
                label: r.try_get(1)?,
            })
        })
        .collect()
}

/// The filter's choices. Batches are many (thousands at national scale), so the batch list holds
/// those that ended in the filter's year (the latest year when none is chosen), narrowed to the
/// chosen trade or program, and the chosen batch.
pub async fn choices(db: &Db, filter: &Filter) -> DbResult<[Vec<Choice>; 5]> {
    let pick = |sql: &'static str| async move {
        to_choices(&sqlx::query(sql).fetch_all(db.pool()).await?)
    };
    Ok([
        pick(
            "SELECT DISTINCT SUBSTR(end_date, 1, 4), SUBSTR(end_date, 1, 4) FROM batches ORDER BY 1 DESC",
        )
        .await?,
        pick("SELECT CAST(id AS TEXT), name FROM trades ORDER BY name").await?,
        pick(
            "SELECT CAST(pr.id AS TEXT), t.name || ' · ' || pr.name FROM programs pr \
             JOIN trades t ON t.id = pr.trade_id ORDER BY 2",
        )
        .await?,
        sqlx::query(
            "SELECT CAST(b.id AS TEXT), pr.name || ' · Angkatan ' || CAST(b.number AS TEXT) || '/' || CAST(b.year AS TEXT) \
             FROM batches b JOIN programs pr ON pr.id = b.program_id \
             WHERE b.id = $4 OR (SUBSTR(b.end_date, 1, 4) = \
                 COALESCE(NULLIF($1, ''), (SELECT MAX(SUBSTR(end_date, 1, 4)) FROM batches)) \
               AND ($2 = 0 OR pr.trade_id = $2) AND ($3 = 0 OR b.program_id = $3)) \
             ORDER BY b.year DESC, 2",
        )
        .bind(filter.year.map(|y| y.to_string()).unwrap_or_default())
        .bind(filter.trade.unwrap_or(0))
        .bind(filter.program.unwrap_or(0))
        .bind(filter.batch.unwrap_or(0))
        .fetch_all(db.pool())
        .await
        .map_err(super::DbError::from)
        .and_then(|rows| to_choices(&rows))?,
        pick(
            "SELECT DISTINCT k.code, k.name FROM alumni a JOIN regions k ON k.code = a.kecamatan_code ORDER BY 2",
        )
        .await?,
    ])
}
