//! Offices (OPD) and capital partners: the organisations users belong to; for offices also
//! their declared annual needs and budget lines per fiscal year, and the kinds of office work
//! (procurement categories). Every change the agency makes is audited in its transaction.

use sqlx::Row;

use super::audit::{self, Who};
use super::{Db, DbError, DbResult, Tx, now};

pub use crate::domain::procurement::office::Office;
use crate::domain::procurement::office::Signer;

pub async fn create_office(tx: &mut Tx, o: &Office) -> DbResult<i64> {
    Ok(sqlx::query(
        "INSERT INTO offices (code, name, kind, address, kecamatan_code, head_name, head_nip, ppk_name, ppk_nip, \
         treasurer_name, treasurer_nip, created_at, phone, email, postal_code, signer) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
    )
    .bind(&o.code)
    .bind(&o.name)
    .bind(&o.kind)
    .bind(&o.address)
    .bind(o.kecamatan_code.as_deref())
    .bind(&o.head_name)
    .bind(&o.head_nip)
    .bind(&o.ppk_name)
    .bind(&o.ppk_nip)
    .bind(&o.treasurer_name)
    .bind(&o.treasurer_nip)
    .bind(now())
    .bind(&o.phone)
    .bind(&o.email)
    .bind(&o.postal_code)
    .bind(o.signer.as_str())
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?)
}

const OFFICE_COLUMNS: &str = "o.id, o.code, o.name, o.kind, o.address, o.kecamatan_code, COALESCE(r.name, '') AS kecamatan, \
     o.head_name, o.head_nip, o.ppk_name, o.ppk_nip, o.treasurer_name, o.treasurer_nip, \
     o.phone, o.email, o.postal_code, o.signer";

fn office_from_row(r: &sqlx::any::AnyRow) -> DbResult<Office> {
    Ok(Office {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        kind: r.try_get("kind")?,
        address: r.try_get("address")?,
        kecamatan_code: r.try_get("kecamatan_code")?,
        kecamatan: r.try_get("kecamatan")?,
        head_name: r.try_get("head_name")?,
        head_nip: r.try_get("head_nip")?,
        ppk_name: r.try_get("ppk_name")?,
        ppk_nip: r.try_get("ppk_nip")?,
        treasurer_name: r.try_get("treasurer_name")?,
        treasurer_nip: r.try_get("treasurer_nip")?,
        phone: r.try_get("phone")?,
        email: r.try_get("email")?,
        postal_code: r.try_get("postal_code")?,
        signer: Signer::parse(&r.try_get::<String, _>("signer")?).unwrap_or_default(),
    })
}

pub async fn office(db: &Db, id: i64) -> DbResult<Office> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {OFFICE_COLUMNS} FROM offices o LEFT JOIN regions r ON r.code = o.kecamatan_code WHERE o.id = $1"
    )))
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    office_from_row(&row)
}

pub async fn offices(db: &Db) -> DbResult<Vec<Office>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {OFFICE_COLUMNS} FROM offices o LEFT JOIN regions r ON r.code = o.kecamatan_code ORDER BY o.name"
    )))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(office_from_row).collect()
}

#[derive(Debug, Clone)]
pub struct Partner {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub contact: String,
}

pub async fn create_partner(tx: &mut Tx, name: &str, kind: &str, contact: &str) -> DbResult<i64> {
    Ok(sqlx::query("INSERT INTO partners (name, kind, contact, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(name)
        .bind(kind)
        .bind(contact)
        .bind(now())
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?)
}

pub async fn partners(db: &Db) -> DbResult<Vec<Partner>> {
    let rows = sqlx::query("SELECT id, name, kind, contact FROM partners ORDER BY name")
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Partner {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                kind: r.try_get("kind")?,
                contact: r.try_get("contact")?,
            })
        })
        .collect()
}

pub async fn partner(db: &Db, id: i64) -> DbResult<Partner> {
    let r = sqlx::query("SELECT id, name, kind, contact FROM partners WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await?;
    Ok(Partner {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        kind: r.try_get("kind")?,
        contact: r.try_get("contact")?,
    })
}

// ---------------------------------------------------------------------------------------------
// Offices kept by the agency: audited create and update.

fn office_json(o: &Office) -> serde_json::Value {
    serde_json::json!({
        "code": o.code,
        "name": o.name,
        "kind": o.kind,
        "address": o.address,
        "kecamatan": o.kecamatan_code,
        "head": [o.head_name, o.head_nip],
        "ppk": [o.ppk_name, o.ppk_nip],
        "treasurer": [o.treasurer_name, o.treasurer_nip],
        "contact": [o.phone, o.email, o.postal_code],
        "signer": o.signer.as_str(),
    })
}

/// Registers an office (the form's fields), audited. A taken code or name is a `Conflict`
/// naming the column.
pub async fn register_office(tx: &mut Tx, o: &Office, who: Who<'_>) -> DbResult<i64> {
    let id = create_office(tx, o).await?;
    audit::append(
        tx,
        who.event(
            "office.create",
            "office",
            id,
            serde_json::json!({"after": office_json(o)}),
        ),
    )
    .await?;
    Ok(id)
}

/// Saves the office form over the stored office, audited with before and after.
pub async fn update_office(tx: &mut Tx, id: i64, o: &Office, who: Who<'_>) -> DbResult<()> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {OFFICE_COLUMNS} FROM offices o LEFT JOIN regions r ON r.code = o.kecamatan_code WHERE o.id = $1"
    )))
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let before = office_from_row(&row)?;
    sqlx::query(
        "UPDATE offices SET code = $1, name = $2, kind = $3, address = $4, kecamatan_code = $5, \
           head_name = $6, head_nip = $7, ppk_name = $8, ppk_nip = $9, treasurer_name = $10, \
           treasurer_nip = $11, phone = $13, email = $14, postal_code = $15, signer = $16 \
           WHERE id = $12",
    )
    .bind(&o.code)
    .bind(&o.name)
    .bind(&o.kind)
    .bind(&o.address)
    .bind(o.kecamatan_code.as_deref())
    .bind(&o.head_name)
    .bind(&o.head_nip)
    .bind(&o.ppk_name)
    .bind(&o.ppk_nip)
    .bind(&o.treasurer_name)
    .bind(&o.treasurer_nip)
    .bind(id)
    .bind(&o.phone)
    .bind(&o.email)
    .bind(&o.postal_code)
    .bind(o.signer.as_str())
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        who.event(
            "office.update",
            "office",
            id,
            serde_json::json!({"before": office_json(&before), "after": office_json(o)}),
        ),
    )
    .await?;
    Ok(())
}

/// Each office's number of Karya users, by office id.
pub async fn office_user_counts(db: &Db) -> DbResult<std::collections::HashMap<i64, i64>> {
    let rows = sqlx::query(
        "SELECT office_id, COUNT(*) AS n FROM users WHERE office_id IS NOT NULL GROUP BY office_id",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("office_id")?, r.try_get("n")?)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// An office's declared annual need per kind of work, per fiscal year.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    pub category_id: i64,
    pub category: String,
    pub unit: String,
    pub quantity: i64,
    pub note: String,
}

/// One declared need as the form gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedInput {
    pub category_id: i64,
    pub quantity: i64,
    pub note: String,
}

pub async fn needs(db: &Db, office_id: i64, year: i64) -> DbResult<Vec<Need>> {
    let rows = sqlx::query(
        "SELECT n.category_id, c.name, c.unit, n.quantity, n.note \
         FROM office_needs n JOIN procurement_categories c ON c.id = n.category_id \
         WHERE n.office_id = $1 AND n.year = $2 ORDER BY c.name",
    )
    .bind(office_id)
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Need {
                category_id: r.try_get("category_id")?,
                category: r.try_get("name")?,
                unit: r.try_get("unit")?,
                quantity: r.try_get("quantity")?,
                note: r.try_get("note")?,
            })
        })
        .collect()
}

/// Replaces the office's declared needs for the year with `list` (an empty list clears them),
/// audited with before and after.
pub async fn save_needs(
    tx: &mut Tx,
    office_id: i64,
    year: i64,
    list: &[NeedInput],
    who: Who<'_>,
) -> DbResult<()> {
    let before = sqlx::query(
        "SELECT category_id, quantity, note FROM office_needs \
         WHERE office_id = $1 AND year = $2 ORDER BY category_id",
    )
    .bind(office_id)
    .bind(year)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| {
        Ok(serde_json::json!({
            "category": r.try_get::<i64, _>("category_id")?,
            "quantity": r.try_get::<i64, _>("quantity")?,
            "note": r.try_get::<String, _>("note")?,
        }))
    })
    .collect::<DbResult<Vec<_>>>()?;
    sqlx::query("DELETE FROM office_needs WHERE office_id = $1 AND year = $2")
        .bind(office_id)
        .bind(year)
        .execute(&mut **tx)
        .await?;
    let mut sorted: Vec<&NeedInput> = list.iter().collect();
    sorted.sort_by_key(|n| n.category_id);
    for n in &sorted {
        sqlx::query(
            "INSERT INTO office_needs (office_id, year, category_id, quantity, note) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(office_id)
        .bind(year)
        .bind(n.category_id)
        .bind(n.quantity)
        .bind(&n.note)
        .execute(&mut **tx)
        .await?;
    }
    let after: Vec<serde_json::Value> = sorted
        .iter()
        .map(|n| serde_json::json!({"category": n.category_id, "quantity": n.quantity, "note": n.note}))
        .collect();
    audit::append(
        tx,
        who.event(
            "office.needs",
            "office",
            office_id,
            serde_json::json!({"year": year, "before": before, "after": after}),
        ),
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// An office's budget lines (kode rekening, name, ceiling) per fiscal year.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetLine {
    pub id: i64,
    pub office_id: i64,
    pub year: i64,
    pub account_code: String,
    pub name: String,
    pub ceiling: i64,
    /// Office requests charged to this line (a line in use is not deleted).
    pub requests: i64,
}

/// A budget line as the form gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetLineFields {
    pub account_code: String,
    pub name: String,
    pub ceiling: i64,
}

/// The conflict name for "this budget line is charged by requests".
pub const BUDGET_LINE_IN_USE: &str = "office_budget_line_in_use";

const BUDGET_SELECT: &str = "SELECT l.id, l.office_id, l.year, l.account_code, l.name, l.ceiling, \
       (SELECT COUNT(*) FROM office_requests q WHERE q.budget_line_id = l.id) AS requests \
     FROM office_budget_lines l";

fn budget_line_from_row(r: &sqlx::any::AnyRow) -> DbResult<BudgetLine> {
    Ok(BudgetLine {
        id: r.try_get("id")?,
        office_id: r.try_get("office_id")?,
        year: r.try_get("year")?,
        account_code: r.try_get("account_code")?,
        name: r.try_get("name")?,
        ceiling: r.try_get("ceiling")?,
        requests: r.try_get("requests")?,
    })
}

fn budget_json(f: &BudgetLineFields) -> serde_json::Value {
    serde_json::json!({"account_code": f.account_code, "name": f.name, "ceiling": f.ceiling})
}

pub async fn budget_lines(db: &Db, office_id: i64, year: i64) -> DbResult<Vec<BudgetLine>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{BUDGET_SELECT} WHERE l.office_id = $1 AND l.year = $2 ORDER BY l.account_code"
    )))
    .bind(office_id)
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(budget_line_from_row).collect()
}

/// One budget line of one office (`NotFound` when the line belongs to another office).
pub async fn budget_line(db: &Db, office_id: i64, id: i64) -> DbResult<BudgetLine> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{BUDGET_SELECT} WHERE l.id = $1 AND l.office_id = $2"
    )))
    .bind(id)
    .bind(office_id)
    .fetch_one(db.pool())
    .await?;
    budget_line_from_row(&row)
}

/// Adds a budget line, audited. A code the office already has that year is a `Conflict`.
pub async fn add_budget_line(
    tx: &mut Tx,
    office_id: i64,
    year: i64,
    f: &BudgetLineFields,
    who: Who<'_>,
) -> DbResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO office_budget_lines (office_id, year, account_code, name, ceiling) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(office_id)
    .bind(year)
    .bind(&f.account_code)
    .bind(&f.name)
    .bind(f.ceiling)
    .fetch_one(&mut **tx)
    .await?;
    audit::append(
        tx,
        who.event(
            "budget_line.create",
            "office_budget_line",
            id,
            serde_json::json!({"office": office_id, "year": year, "after": budget_json(f)}),
        ),
    )
    .await?;
    Ok(id)
}

async fn stored_budget_line(tx: &mut Tx, office_id: i64, id: i64) -> DbResult<BudgetLine> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{BUDGET_SELECT} WHERE l.id = $1 AND l.office_id = $2"
    )))
    .bind(id)
    .bind(office_id)
    .fetch_one(&mut **tx)
    .await?;
    budget_line_from_row(&row)
}

/// Saves a budget line, audited with before and after.
pub async fn update_budget_line(
    tx: &mut Tx,
    office_id: i64,
    id: i64,
    f: &BudgetLineFields,
    who: Who<'_>,
) -> DbResult<()> {
    let before = stored_budget_line(tx, office_id, id).await?;
    sqlx::query(
        "UPDATE office_budget_lines SET account_code = $1, name = $2, ceiling = $3 \
         WHERE id = $4 AND office_id = $5",
    )
    .bind(&f.account_code)
    .bind(&f.name)
    .bind(f.ceiling)
    .bind(id)
    .bind(office_id)
    .execute(&mut **tx)
    .await?;
    let before_fields = BudgetLineFields {
        account_code: before.account_code,
        name: before.name,
        ceiling: before.ceiling,
    };
    audit::append(
        tx,
        who.event(
            "budget_line.update",
            "office_budget_line",
            id,
            serde_json::json!({
                "office": office_id,
                "year": before.year,
                "before": budget_json(&before_fields),
                "after": budget_json(f),
            }),
        ),
    )
    .await?;
    Ok(())
}

/// Deletes a budget line no request is charged to, audited; a line in use is a
/// `Conflict(BUDGET_LINE_IN_USE)` with nothing written.
pub async fn delete_budget_line(
    tx: &mut Tx,
    office_id: i64,
    id: i64,
    who: Who<'_>,
) -> DbResult<()> {
    let before = stored_budget_line(tx, office_id, id).await?;
    if before.requests > 0 {
        return Err(DbError::Conflict(BUDGET_LINE_IN_USE.into()));
    }
    sqlx::query("DELETE FROM office_budget_lines WHERE id = $1 AND office_id = $2")
        .bind(id)
        .bind(office_id)
        .execute(&mut **tx)
        .await?;
    let fields = BudgetLineFields {
        account_code: before.account_code,
        name: before.name,
        ceiling: before.ceiling,
    };
    audit::append(
        tx,
        who.event(
            "budget_line.delete",
            "office_budget_line",
            id,
            serde_json::json!({"office": office_id, "year": before.year, "before": budget_json(&fields)}),
        ),
    )
    .await?;
    Ok(())
}

/// Fiscal years in which the office has declared needs, budget lines or requests, newest first.
pub async fn office_years(db: &Db, office_id: i64) -> DbResult<Vec<i64>> {
    let rows = sqlx::query(
        "SELECT year FROM office_needs WHERE office_id = $1 \
         UNION SELECT year FROM office_budget_lines WHERE office_id = $1 \
         UNION SELECT fiscal_year AS year FROM office_requests WHERE office_id = $1 \
         ORDER BY year DESC",
    )
    .bind(office_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(|r| Ok(r.try_get("year")?)).collect()
}

// ---------------------------------------------------------------------------------------------
// Kinds of office work (procurement categories), kept by the agency.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcurementCategory {
    pub id: i64,
    pub trade_id: i64,
    pub trade_name: String,
    pub name: String,
    pub unit: String,
    /// `goods` or `services`, as stored.
    pub tax_kind: String,
    pub active: bool,
    /// Office requests of this kind, all years.
    pub requests: i64,
}

/// A category as the form gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryFields {
    pub trade_id: i64,
    pub name: String,
    pub unit: String,
    pub tax_kind: crate::domain::procurement::tax::TaxKind,
    pub active: bool,
}

const CATEGORY_SELECT: &str = "SELECT c.id, c.trade_id, t.name AS trade_name, c.name, c.unit, \
       c.tax_kind, c.active, (SELECT COUNT(*) FROM office_requests q WHERE q.category_id = c.id) AS requests \
     FROM procurement_categories c JOIN trades t ON t.id = c.trade_id";

fn category_from_row(r: &sqlx::any::AnyRow) -> DbResult<ProcurementCategory> {
    Ok(ProcurementCategory {
        id: r.try_get("id")?,
        trade_id: r.try_get("trade_id")?,
        trade_name: r.try_get("trade_name")?,
        name: r.try_get("name")?,
        unit: r.try_get("unit")?,
        tax_kind: r.try_get("tax_kind")?,
        active: r.try_get::<i64, _>("active")? == 1,
        requests: r.try_get("requests")?,
    })
}

fn category_json(f: &CategoryFields) -> serde_json::Value {
    serde_json::json!({
        "trade_id": f.trade_id,
        "name": f.name,
        "unit": f.unit,
        "tax_kind": f.tax_kind.as_str(),
        "active": f.active,
    })
}

/// Every kind of work, active first, by name.
pub async fn procurement_categories(db: &Db) -> DbResult<Vec<ProcurementCategory>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{CATEGORY_SELECT} ORDER BY c.active DESC, c.name"
    )))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(category_from_row).collect()
}

pub async fn procurement_category(db: &Db, id: i64) -> DbResult<ProcurementCategory> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{CATEGORY_SELECT} WHERE c.id = $1"
    )))
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    category_from_row(&row)
}

/// Adds a kind of work, audited. A taken name is a `Conflict` naming the column.
pub async fn create_procurement_category(
    tx: &mut Tx,
    f: &CategoryFields,
    who: Who<'_>,
) -> DbResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO procurement_categories (trade_id, name, unit, tax_kind, active) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(f.trade_id)
    .bind(&f.name)
    .bind(&f.unit)
    .bind(f.tax_kind.as_str())
    .bind(i64::from(f.active))
    .fetch_one(&mut **tx)
    .await?;
    audit::append(
        tx,
        who.event(
            "procurement_category.create",
            "procurement_category",
            id,
            serde_json::json!({"after": category_json(f)}),
        ),
    )
    .await?;
    Ok(id)
}

/// Saves a kind of work, audited with before and after.
pub async fn update_procurement_category(
    tx: &mut Tx,
    id: i64,
    f: &CategoryFields,
    who: Who<'_>,
) -> DbResult<()> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{CATEGORY_SELECT} WHERE c.id = $1"
    )))
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let b = category_from_row(&row)?;
    sqlx::query(
        "UPDATE procurement_categories SET trade_id = $1, name = $2, unit = $3, tax_kind = $4, \
           active = $5 WHERE id = $6",
    )
    .bind(f.trade_id)
    .bind(&f.name)
    .bind(&f.unit)
    .bind(f.tax_kind.as_str())
    .bind(i64::from(f.active))
    .bind(id)
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        who.event(
            "procurement_category.update",
            "procurement_category",
            id,
            serde_json::json!({
                "before": {"trade_id": b.trade_id, "name": b.name, "unit": b.unit,
                           "tax_kind": b.tax_kind, "active": b.active},
                "after": category_json(f),
            }),
        ),
    )
    .await?;
    Ok(())
}
