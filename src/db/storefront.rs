//! Storefronts: businesses with their trades and areas, listings with their areas and photos,
//! listing categories, and the agency's verification. Every change stamps the catalog revision
//! (`db::revision`) in the transaction of the change; the audit entries are written by the use
//! cases in `app::storefronts`, which is why the writes here hand back what an entry's "before"
//! needs.

use std::collections::HashMap;

use sqlx::Row;

use super::constraint;
use super::{Db, DbError, DbResult, Tx, now, revision};
use crate::domain::storefront::{
    BusinessFields, ListingFields, ListingKind, PriceKind, badge_text,
};
use crate::media::Processed;

fn flag(b: bool) -> i64 {
    i64::from(b)
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

/// Binds the business form as `$1..$18`: trade_id, name, description, kecamatan_code, desa_code,
/// pickup_address, open_days, open_from, open_until, phone, phone_public, nib, pirt, halal,
/// qris_payload, bank_name, bank_account, bank_holder (create and update list them so).
fn bind_business<'q>(q: AnyQuery<'q>, f: &BusinessFields) -> AnyQuery<'q> {
    q.bind(f.trade_id)
        .bind(&f.name)
        .bind(&f.description)
        .bind(&f.kecamatan_code)
        .bind(f.desa_code.as_deref())
        .bind(&f.pickup_address)
        .bind(&f.open_days)
        .bind(&f.open_from)
        .bind(&f.open_until)
        .bind(f.phone.as_str())
        .bind(flag(f.phone_public))
        .bind(&f.nib)
        .bind(&f.pirt)
        .bind(&f.halal)
        .bind(&f.qris_payload)
        .bind(&f.bank_name)
        .bind(&f.bank_account)
        .bind(&f.bank_holder)
}

/// Binds the listing form as `$1..$11`: kind, title, description, category_id, price_kind,
/// price, office_price, unit, min_order, lead_days, active (create and update list them so).
fn bind_listing<'q>(q: AnyQuery<'q>, f: &ListingFields) -> AnyQuery<'q> {
    q.bind(f.kind.as_str())
        .bind(&f.title)
        .bind(&f.description)
        .bind(f.category_id)
        .bind(f.price_kind.as_str())
        .bind(f.price)
        .bind(f.office_price)
        .bind(&f.unit)
        .bind(f.min_order)
        .bind(f.lead_days)
        .bind(flag(f.active))
}

// ---------------------------------------------------------------------------------------------
// Businesses

#[derive(Debug, Clone)]
pub struct Business {
    pub id: i64,
    pub alumnus_id: i64,
    pub owner_name: String,
    pub trade_id: i64,
    pub trade_name: String,
    pub name: String,
    pub description: String,
    pub kecamatan_code: Option<String>,
    pub kecamatan_name: String,
    pub desa_code: Option<String>,
    pub desa_name: String,
    pub pickup_address: String,
    pub open_days: String,
    pub open_from: String,
    pub open_until: String,
    pub phone: Option<String>,
    pub phone_public: bool,
    pub nib: String,
    pub pirt: String,
    pub halal: String,
    pub qris_payload: String,
    pub bank_name: String,
    pub bank_account: String,
    pub bank_holder: String,
    pub verified_at: Option<i64>,
    pub verified_participation_id: Option<i64>,
    pub active: bool,
    pub created_at: i64,
    pub other_trade_ids: Vec<i64>,
    pub area_codes: Vec<String>,
}

const BUSINESS_SELECT: &str = "SELECT b.id, b.alumnus_id, a.full_name AS owner_name, b.trade_id, t.name AS trade_name, \
       b.name, b.description, b.kecamatan_code, COALESCE(k.name, '') AS kecamatan_name, b.desa_code, \
       COALESCE(d.name, '') AS desa_name, b.pickup_address, b.open_days, b.open_from, b.open_until, \
       b.phone, b.phone_public, b.nib, b.pirt, b.halal, b.qris_payload, b.bank_name, b.bank_account, \
       b.bank_holder, b.verified_at, b.verified_participation_id, b.active, b.created_at \
     FROM businesses b JOIN alumni a ON a.id = b.alumnus_id JOIN trades t ON t.id = b.trade_id \
       LEFT JOIN regions k ON k.code = b.kecamatan_code LEFT JOIN regions d ON d.code = b.desa_code";

async fn business_from_row(
    conn: &mut sqlx::AnyConnection,
    r: &sqlx::any::AnyRow,
) -> DbResult<Business> {
    let id: i64 = r.try_get("id")?;
    let other_trade_ids = sqlx::query_scalar::<_, i64>(
        "SELECT trade_id FROM business_trades WHERE business_id = $1 ORDER BY trade_id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let area_codes = sqlx::query_scalar::<_, String>(
        "SELECT region_code FROM business_areas WHERE business_id = $1 ORDER BY region_code",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Business {
        id,
        alumnus_id: r.try_get("alumnus_id")?,
        owner_name: r.try_get("owner_name")?,
        trade_id: r.try_get("trade_id")?,
        trade_name: r.try_get("trade_name")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        kecamatan_code: r.try_get("kecamatan_code")?,
        kecamatan_name: r.try_get("kecamatan_name")?,
        desa_code: r.try_get("desa_code")?,
        desa_name: r.try_get("desa_name")?,
        pickup_address: r.try_get("pickup_address")?,
        open_days: r.try_get("open_days")?,
        open_from: r.try_get("open_from")?,
        open_until: r.try_get("open_until")?,
        phone: r.try_get("phone")?,
        phone_public: r.try_get::<i64, _>("phone_public")? == 1,
        nib: r.try_get("nib")?,
        pirt: r.try_get("pirt")?,
        halal: r.try_get("halal")?,
        qris_payload: r.try_get("qris_payload")?,
        bank_name: r.try_get("bank_name")?,
        bank_account: r.try_get("bank_account")?,
        bank_holder: r.try_get("bank_holder")?,
        verified_at: r.try_get("verified_at")?,
        verified_participation_id: r.try_get("verified_participation_id")?,
        active: r.try_get::<i64, _>("active")? == 1,
        created_at: r.try_get("created_at")?,
        other_trade_ids,
        area_codes,
    })
}

async fn business_in(conn: &mut sqlx::AnyConnection, id: i64) -> DbResult<Business> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{BUSINESS_SELECT} WHERE b.id = $1"
    )))
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    business_from_row(conn, &r).await
}

/// One business (`NotFound` when there is none).
pub async fn business(db: &Db, id: i64) -> DbResult<Business> {
    let mut conn = db.pool().acquire().await?;
    business_in(&mut conn, id).await
}

/// The alumnus's business (the first one they opened), if any.
pub async fn business_of_alumnus(db: &Db, alumnus_id: i64) -> DbResult<Option<Business>> {
    let mut conn = db.pool().acquire().await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{BUSINESS_SELECT} WHERE b.alumnus_id = $1 ORDER BY b.id LIMIT 1"
    )))
    .bind(alumnus_id)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(r) => Ok(Some(business_from_row(&mut conn, &r).await?)),
        None => Ok(None),
    }
}

async fn replace_links(tx: &mut Tx, id: i64, f: &BusinessFields) -> DbResult<()> {
    sqlx::query("DELETE FROM business_trades WHERE business_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for t in &f.other_trade_ids {
        sqlx::query("INSERT INTO business_trades (business_id, trade_id) VALUES ($1, $2)")
            .bind(id)
            .bind(t)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("DELETE FROM business_areas WHERE business_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for code in &f.area_codes {
        sqlx::query("INSERT INTO business_areas (business_id, region_code) VALUES ($1, $2)")
            .bind(id)
            .bind(code)
            .execute(&mut **tx)
            .await?;
    }
    // Listing areas narrower than the business's must stay inside it.
    sqlx::query(
        "DELETE FROM listing_areas WHERE listing_id IN (SELECT id FROM listings WHERE business_id = $1) \
         AND region_code NOT IN (SELECT region_code FROM business_areas WHERE business_id = $1)",
    )
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Opens a business for an alumnus: the row, its other trades and areas.
pub async fn create_business(tx: &mut Tx, alumnus_id: i64, f: &BusinessFields) -> DbResult<i64> {
    let t = now();
    let insert = sqlx::query(
        "INSERT INTO businesses (trade_id, name, description, kecamatan_code, desa_code, \
           pickup_address, open_days, open_from, open_until, phone, phone_public, nib, pirt, halal, \
           qris_payload, bank_name, bank_account, bank_holder, alumnus_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) \
         RETURNING id",
    );
    let id: i64 = bind_business(insert, f)
        .bind(alumnus_id)
        .bind(t)
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
    replace_links(tx, id, f).await?;
    revision::touch_business(tx, id).await?;
    Ok(id)
}

/// Saves the business form over the stored business; returns the business as it was stored
/// before (read in the transaction, before it is overwritten).
pub async fn update_business(tx: &mut Tx, id: i64, f: &BusinessFields) -> DbResult<Business> {
    let before = business_in(tx, id).await?;
    let update = sqlx::query(
        "UPDATE businesses SET trade_id = $1, name = $2, description = $3, kecamatan_code = $4, \
           desa_code = $5, pickup_address = $6, open_days = $7, open_from = $8, open_until = $9, \
           phone = $10, phone_public = $11, nib = $12, pirt = $13, halal = $14, qris_payload = $15, \
           bank_name = $16, bank_account = $17, bank_holder = $18, updated_at = $19 WHERE id = $20",
    );
    let done = bind_business(update, f)
        .bind(now())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    replace_links(tx, id, f).await?;
    revision::touch_business(tx, id).await?;
    Ok(before)
}

// ---------------------------------------------------------------------------------------------
// Verification (agency)

/// The badge a verified business shows, naming the program and batch it rests on:
/// "Alumni BLK terverifikasi — Tata Boga Dasar, angkatan 2 tahun 2021". `None` when the business
/// is not verified. For many businesses at once use `badges`.
pub async fn badge(db: &Db, business_id: i64) -> DbResult<Option<String>> {
    Ok(badges(db, &[business_id]).await?.remove(&business_id))
}

/// Badge texts of the verified businesses among `ids` (unverified ones are absent).
pub async fn badges(db: &Db, ids: &[i64]) -> DbResult<HashMap<i64, String>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        if chunk.is_empty() {
            continue;
        }
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT bu.id, COALESCE(p.name, '') AS program, COALESCE(ba.number, 0) AS number, \
               COALESCE(ba.year, 0) AS year \
             FROM businesses bu LEFT JOIN participations pa ON pa.id = bu.verified_participation_id \
               LEFT JOIN batches ba ON ba.id = pa.batch_id LEFT JOIN programs p ON p.id = ba.program_id \
             WHERE bu.verified_at IS NOT NULL AND bu.id IN ({})",
            marks.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(db.pool()).await? {
            let program: String = r.try_get("program")?;
            out.insert(
                r.try_get::<i64, _>("id")?,
                badge_text(&program, r.try_get("number")?, r.try_get("year")?),
            );
        }
    }
    Ok(out)
}

/// Verifies a business on one of its owner's participations, by `verified_by` (`NotFound` when
/// the participation is not the owner's). Returns the badge text of the participation's batch.
pub async fn verify(
    tx: &mut Tx,
    business_id: i64,
    participation_id: i64,
    verified_by: Option<i64>,
) -> DbResult<String> {
    let owner: i64 = sqlx::query_scalar("SELECT alumnus_id FROM businesses WHERE id = $1")
        .bind(business_id)
        .fetch_one(&mut **tx)
        .await?;
    let row = sqlx::query(
        "SELECT p.name, b.number, b.year \
         FROM participations pa JOIN batches b ON b.id = pa.batch_id JOIN programs p ON p.id = b.program_id \
         WHERE pa.id = $1 AND pa.alumnus_id = $2",
    )
    .bind(participation_id)
    .bind(owner)
    .fetch_one(&mut **tx)
    .await?;
    let label = badge_text(
        &row.try_get::<String, _>("name")?,
        row.try_get("number")?,
        row.try_get("year")?,
    );
    sqlx::query(
        "UPDATE businesses SET verified_at = $1, verified_participation_id = $2, verified_by = $3, \
           updated_at = $1 WHERE id = $4",
    )
    .bind(now())
    .bind(participation_id)
    .bind(verified_by)
    .bind(business_id)
    .execute(&mut **tx)
    .await?;
    revision::touch_business(tx, business_id).await?;
    Ok(label)
}

/// Withdraws the verification.
pub async fn unverify(tx: &mut Tx, business_id: i64) -> DbResult<()> {
    let done = sqlx::query(
        "UPDATE businesses SET verified_at = NULL, verified_participation_id = NULL, verified_by = NULL, \
           updated_at = $1 WHERE id = $2",
    )
    .bind(now())
    .bind(business_id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    revision::touch_business(tx, business_id).await?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct BusinessFilter {
    /// `Some(true)` verified only, `Some(false)` unverified only.
    pub verified: Option<bool>,
    pub trade_id: Option<i64>,
    pub kecamatan_code: String,
}

#[derive(Debug, Clone)]
pub struct BusinessLine {
    pub id: i64,
    pub name: String,
    pub owner_name: String,
    pub trade_name: String,
    pub kecamatan_name: String,
    pub verified: bool,
    pub listings: i64,
    pub created_at: i64,
}

/// Businesses for the agency, newest first, filtered; at most `limit`.
pub async fn list_businesses(
    db: &Db,
    f: &BusinessFilter,
    limit: i64,
) -> DbResult<Vec<BusinessLine>> {
    let rows = sqlx::query(
        "SELECT b.id, b.name, a.full_name AS owner_name, t.name AS trade_name, \
           COALESCE(k.name, '') AS kecamatan_name, b.verified_at, b.created_at, \
           (SELECT COUNT(*) FROM listings l WHERE l.business_id = b.id) AS listings \
         FROM businesses b JOIN alumni a ON a.id = b.alumnus_id JOIN trades t ON t.id = b.trade_id \
           LEFT JOIN regions k ON k.code = b.kecamatan_code \
         WHERE ($1 = 0 OR ($1 = 1 AND b.verified_at IS NOT NULL) OR ($1 = 2 AND b.verified_at IS NULL)) \
           AND ($2 = 0 OR b.trade_id = $2 OR EXISTS (SELECT 1 FROM business_trades bt WHERE bt.business_id = b.id AND bt.trade_id = $2)) \
           AND ($3 = '' OR b.kecamatan_code = $3) \
         ORDER BY b.id DESC LIMIT $4",
    )
    .bind(match f.verified {
        None => 0i64,
        Some(true) => 1,
        Some(false) => 2,
    })
    .bind(f.trade_id.unwrap_or(0))
    .bind(&f.kecamatan_code)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(BusinessLine {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                owner_name: r.try_get("owner_name")?,
                trade_name: r.try_get("trade_name")?,
                kecamatan_name: r.try_get("kecamatan_name")?,
                verified: r.try_get::<Option<i64>, _>("verified_at")?.is_some(),
                listings: r.try_get("listings")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Categories

#[derive(Debug, Clone)]
pub struct Category {
    pub id: i64,
    pub trade_id: i64,
    pub trade_name: String,
    pub name: String,
    pub listings: i64,
}

/// Every category by trade and name, with how many listings use it.
pub async fn categories(db: &Db) -> DbResult<Vec<Category>> {
    let rows = sqlx::query(
        "SELECT c.id, c.trade_id, t.name AS trade_name, c.name, \
           (SELECT COUNT(*) FROM listings l WHERE l.category_id = c.id) AS listings \
         FROM categories c JOIN trades t ON t.id = c.trade_id ORDER BY t.name, c.name",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Category {
                id: r.try_get("id")?,
                trade_id: r.try_get("trade_id")?,
                trade_name: r.try_get("trade_name")?,
                name: r.try_get("name")?,
                listings: r.try_get("listings")?,
            })
        })
        .collect()
}

/// Adds a category; `Conflict` when the trade already has one of that name.
pub async fn create_category(tx: &mut Tx, trade_id: i64, name: &str) -> DbResult<i64> {
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM categories WHERE trade_id = $1 AND LOWER(name) = LOWER($2)",
    )
    .bind(trade_id)
    .bind(name)
    .fetch_optional(&mut **tx)
    .await?;
    if taken.is_some() {
        return Err(DbError::Conflict(constraint::CATEGORIES_TRADE_NAME.into()));
    }
    let id: i64 =
        sqlx::query_scalar("INSERT INTO categories (trade_id, name) VALUES ($1, $2) RETURNING id")
            .bind(trade_id)
            .bind(name)
            .fetch_one(&mut **tx)
            .await?;
    Ok(id)
}

/// Renames a category (its listings follow); `Conflict` when the name is taken in its trade.
/// Returns the name it had.
pub async fn rename_category(tx: &mut Tx, id: i64, name: &str) -> DbResult<String> {
    let row = sqlx::query("SELECT trade_id, name FROM categories WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    let trade_id: i64 = row.try_get("trade_id")?;
    let before: String = row.try_get("name")?;
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM categories WHERE trade_id = $1 AND LOWER(name) = LOWER($2) AND id <> $3",
    )
    .bind(trade_id)
    .bind(name)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    if taken.is_some() {
        return Err(DbError::Conflict(constraint::CATEGORIES_TRADE_NAME.into()));
    }
    sqlx::query("UPDATE categories SET name = $1 WHERE id = $2")
        .bind(name)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let listings: Vec<i64> = sqlx::query_scalar("SELECT id FROM listings WHERE category_id = $1")
        .bind(id)
        .fetch_all(&mut **tx)
        .await?;
    for l in listings {
        revision::touch_listing(tx, l).await?;
    }
    Ok(before)
}

// ---------------------------------------------------------------------------------------------
// Listings

#[derive(Debug, Clone)]
pub struct Listing {
    pub id: i64,
    pub business_id: i64,
    /// The alumnus who owns the listing's business (for the ownership check).
    pub owner_alumnus_id: i64,
    pub kind: ListingKind,
    pub title: String,
    pub description: String,
    pub category_id: i64,
    pub category_name: String,
    pub price_kind: PriceKind,
    pub price: Option<i64>,
    pub office_price: Option<i64>,
    pub unit: String,
    pub min_order: i64,
    pub lead_days: i64,
    pub active: bool,
    pub updated_at: i64,
    pub photo_count: i64,
    /// The first photo, for lists.
    pub cover_photo_id: Option<i64>,
    pub area_codes: Vec<String>,
}

const LISTING_SELECT: &str = "SELECT l.id, l.business_id, b.alumnus_id, l.kind, l.title, l.description, l.category_id, \
       c.name AS category_name, l.price_kind, l.price, l.office_price, l.unit, l.min_order, l.lead_days, \
       l.active, l.updated_at, \
       (SELECT COUNT(*) FROM listing_photos p WHERE p.listing_id = l.id) AS photo_count, \
       (SELECT p.id FROM listing_photos p WHERE p.listing_id = l.id ORDER BY p.position, p.id LIMIT 1) AS cover \
     FROM listings l JOIN businesses b ON b.id = l.business_id JOIN categories c ON c.id = l.category_id";

fn listing_from_row(r: &sqlx::any::AnyRow) -> DbResult<Listing> {
    let kind: String = r.try_get("kind")?;
    let price_kind: String = r.try_get("price_kind")?;
    Ok(Listing {
        id: r.try_get("id")?,
        business_id: r.try_get("business_id")?,
        owner_alumnus_id: r.try_get("alumnus_id")?,
        kind: ListingKind::parse(&kind).unwrap_or(ListingKind::Product),
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        category_id: r.try_get("category_id")?,
        category_name: r.try_get("category_name")?,
        price_kind: PriceKind::parse(&price_kind).unwrap_or(PriceKind::Quote),
        price: r.try_get("price")?,
        office_price: r.try_get("office_price")?,
        unit: r.try_get("unit")?,
        min_order: r.try_get("min_order")?,
        lead_days: r.try_get("lead_days")?,
        active: r.try_get::<i64, _>("active")? == 1,
        updated_at: r.try_get("updated_at")?,
        photo_count: r.try_get("photo_count")?,
        cover_photo_id: r.try_get("cover")?,
        area_codes: Vec::new(),
    })
}

/// One listing with its own areas (`NotFound` when there is none).
pub async fn listing(db: &Db, id: i64) -> DbResult<Listing> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{LISTING_SELECT} WHERE l.id = $1"
    )))
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    let mut l = listing_from_row(&r)?;
    l.area_codes = sqlx::query_scalar(
        "SELECT region_code FROM listing_areas WHERE listing_id = $1 ORDER BY region_code",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    Ok(l)
}

/// A business's listings, active first, then by title.
pub async fn listings_of(db: &Db, business_id: i64) -> DbResult<Vec<Listing>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "{LISTING_SELECT} WHERE l.business_id = $1 ORDER BY l.active DESC, l.title, l.id"
    )))
    .bind(business_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(listing_from_row)
    .collect()
}

async fn replace_listing_areas(tx: &mut Tx, id: i64, codes: &[String]) -> DbResult<()> {
    sqlx::query("DELETE FROM listing_areas WHERE listing_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for code in codes {
        sqlx::query("INSERT INTO listing_areas (listing_id, region_code) VALUES ($1, $2)")
            .bind(id)
            .bind(code)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub async fn create_listing(tx: &mut Tx, business_id: i64, f: &ListingFields) -> DbResult<i64> {
    let t = now();
    let insert = sqlx::query(
        "INSERT INTO listings (kind, title, description, category_id, price_kind, price, \
           office_price, unit, min_order, lead_days, active, business_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
    );
    let id: i64 = bind_listing(insert, f)
        .bind(business_id)
        .bind(t)
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
    replace_listing_areas(tx, id, &f.area_codes).await?;
    revision::touch_listing(tx, id).await?;
    Ok(id)
}

/// A listing's terms as stored before a change (the "before" of its audit entry).
#[derive(Debug, Clone)]
pub struct ListingTerms {
    pub title: String,
    pub price_kind: String,
    pub price: Option<i64>,
    pub office_price: Option<i64>,
    pub unit: String,
    pub min_order: i64,
    pub lead_days: i64,
    pub active: bool,
}

/// Saves a listing's form; returns its terms as they were stored before.
pub async fn update_listing(tx: &mut Tx, id: i64, f: &ListingFields) -> DbResult<ListingTerms> {
    let before = sqlx::query(
        "SELECT title, price_kind, price, office_price, unit, min_order, lead_days, active \
         FROM listings WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let before = ListingTerms {
        title: before.try_get("title")?,
        price_kind: before.try_get("price_kind")?,
        price: before.try_get("price")?,
        office_price: before.try_get("office_price")?,
        unit: before.try_get("unit")?,
        min_order: before.try_get("min_order")?,
        lead_days: before.try_get("lead_days")?,
        active: before.try_get::<i64, _>("active")? == 1,
    };
    let update = sqlx::query(
        "UPDATE listings SET kind = $1, title = $2, description = $3, category_id = $4, price_kind = $5, \
           price = $6, office_price = $7, unit = $8, min_order = $9, lead_days = $10, active = $11, \
           updated_at = $12 WHERE id = $13",
    );
    bind_listing(update, f)
        .bind(now())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    replace_listing_areas(tx, id, &f.area_codes).await?;
    revision::touch_listing(tx, id).await?;
    Ok(before)
}

/// Pauses (hides from the catalog) or activates a listing.
pub async fn set_listing_active(tx: &mut Tx, id: i64, active: bool) -> DbResult<()> {
    let done = sqlx::query("UPDATE listings SET active = $1, updated_at = $2 WHERE id = $3")
        .bind(flag(active))
        .bind(now())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    revision::touch_listing(tx, id).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Photos

#[derive(Debug, Clone)]
pub struct Photo {
    pub id: i64,
    pub position: i64,
    pub width: i64,
    pub height: i64,
    pub thumb_bytes: i64,
}

pub async fn photos_of(db: &Db, listing_id: i64) -> DbResult<Vec<Photo>> {
    let rows = sqlx::query(
        "SELECT id, position, width, height, LENGTH(thumb) AS thumb_bytes FROM listing_photos \
         WHERE listing_id = $1 ORDER BY position, id",
    )
    .bind(listing_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Photo {
                id: r.try_get("id")?,
                position: r.try_get("position")?,
                width: r.try_get("width")?,
                height: r.try_get("height")?,
                thumb_bytes: r.try_get::<i64, _>("thumb_bytes").unwrap_or(0),
            })
        })
        .collect()
}

/// Adds a processed photo at the end; `Ok(None)` when the listing already has `max` photos.
/// The listing row is locked first, so two uploads at once cannot both take the last place.
pub async fn add_photo(
    tx: &mut Tx,
    listing_id: i64,
    photo: &Processed,
    max: i64,
) -> DbResult<Option<i64>> {
    let t = now();
    let locked = sqlx::query("UPDATE listings SET updated_at = $1 WHERE id = $2")
        .bind(t)
        .bind(listing_id)
        .execute(&mut **tx)
        .await?;
    if locked.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, COALESCE(MAX(position), 0) AS last FROM listing_photos WHERE listing_id = $1",
    )
    .bind(listing_id)
    .fetch_one(&mut **tx)
    .await?;
    let n: i64 = row.try_get("n")?;
    let last: i64 = row.try_get("last")?;
    if n >= max {
        return Ok(None);
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO listing_photos (listing_id, position, thumb, detail, width, height, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(listing_id)
    .bind(last + 1)
    .bind(photo.thumb.clone())
    .bind(photo.detail.clone())
    .bind(i64::from(photo.width))
    .bind(i64::from(photo.height))
    .bind(t)
    .fetch_one(&mut **tx)
    .await?;
    revision::touch_listing(tx, listing_id).await?;
    Ok(Some(id))
}

/// Deletes one photo of the listing (`NotFound` when it is not that listing's).
pub async fn delete_photo(tx: &mut Tx, listing_id: i64, photo_id: i64) -> DbResult<()> {
    let done = sqlx::query("DELETE FROM listing_photos WHERE id = $1 AND listing_id = $2")
        .bind(photo_id)
        .bind(listing_id)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    revision::touch_listing(tx, listing_id).await?;
    Ok(())
}

/// A stored photo's JPEG: the thumbnail or the detail image.
pub async fn photo_bytes(db: &Db, photo_id: i64, detail: bool) -> DbResult<Vec<u8>> {
    let sql = if detail {
        "SELECT detail FROM listing_photos WHERE id = $1"
    } else {
        "SELECT thumb FROM listing_photos WHERE id = $1"
    };
    Ok(sqlx::query_scalar(sql)
        .bind(photo_id)
        .fetch_one(db.pool())
        .await?)
}
