//! The public catalog's reads: listing rows for the search index (by catalog revision), one
//! listing, one storefront with its listings and reviews; and the admin's search synonyms.
//! Nothing here returns a NIK or a bank account; a phone number only when the business chose
//! to publish it.

use std::collections::HashMap;

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, DbResult, Tx, now};

/// The catalog and synonym counters: an index is current when it has seen both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stamps {
    pub catalog: i64,
    pub synonyms: i64,
}

pub async fn stamps(db: &Db) -> DbResult<Stamps> {
    let rows =
        sqlx::query("SELECT name, value FROM counters WHERE name IN ('catalog', 'synonyms')")
            .fetch_all(db.pool())
            .await?;
    let mut s = Stamps::default();
    for r in rows {
        let name: String = r.try_get("name")?;
        let value: i64 = r.try_get("value")?;
        match name.as_str() {
            "catalog" => s.catalog = value,
            _ => s.synonyms = value,
        }
    }
    Ok(s)
}

/// One listing as the search index needs it.
#[derive(Debug, Clone)]
pub struct IndexRow {
    pub listing_id: i64,
    pub business_id: i64,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub category_id: i64,
    pub category: String,
    pub trade_id: i64,
    pub trade: String,
    pub price_kind: String,
    pub price: Option<i64>,
    pub unit: String,
    pub created_at: i64,
    /// Listing active and its business active: shown in the catalog.
    pub live: bool,
    pub business_name: String,
    pub kecamatan_code: Option<String>,
    pub kecamatan_name: String,
    pub verified: bool,
    pub rating_count: i64,
    pub rating_sum: i64,
    /// Region codes (kecamatan or desa) the listing serves: its own areas when it has any,
    /// otherwise its business's; plus the business's own desa.
    pub areas: Vec<String>,
}

const INDEX_SELECT: &str = "SELECT l.id, l.business_id, l.kind, l.title, l.description, l.category_id, \
       c.name AS category, c.trade_id, t.name AS trade, l.price_kind, l.price, l.unit, l.created_at, \
       l.active AS listing_active, b.active AS business_active, b.name AS business_name, \
       b.kecamatan_code, b.desa_code, COALESCE(r.name, '') AS kecamatan_name, \
       CASE WHEN b.verified_at IS NULL THEN 0 ELSE 1 END AS verified, \
       (SELECT COUNT(*) FROM reviews v WHERE v.business_id = l.business_id) AS rating_count, \
       (SELECT CAST(COALESCE(SUM(v.rating), 0) AS BIGINT) FROM reviews v WHERE v.business_id = l.business_id) AS rating_sum \
     FROM listings l \
     JOIN businesses b ON b.id = l.business_id \
     JOIN categories c ON c.id = l.category_id \
     JOIN trades t ON t.id = c.trade_id \
     LEFT JOIN regions r ON r.code = b.kecamatan_code \
     WHERE l.revision > $1";

fn index_row(r: &AnyRow) -> DbResult<IndexRow> {
    let listing_active: i64 = r.try_get("listing_active")?;
    let business_active: i64 = r.try_get("business_active")?;
    let verified: i64 = r.try_get("verified")?;
    let desa: Option<String> = r.try_get("desa_code")?;
    Ok(IndexRow {
        listing_id: r.try_get("id")?,
        business_id: r.try_get("business_id")?,
        kind: r.try_get("kind")?,
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        category_id: r.try_get("category_id")?,
        category: r.try_get("category")?,
        trade_id: r.try_get("trade_id")?,
        trade: r.try_get("trade")?,
        price_kind: r.try_get("price_kind")?,
        price: r.try_get("price")?,
        unit: r.try_get("unit")?,
        created_at: r.try_get("created_at")?,
        live: listing_active == 1 && business_active == 1,
        business_name: r.try_get("business_name")?,
        kecamatan_code: r.try_get("kecamatan_code")?,
        kecamatan_name: r.try_get("kecamatan_name")?,
        verified: verified == 1,
        rating_count: r.try_get("rating_count")?,
        rating_sum: r.try_get("rating_sum")?,
        areas: desa.into_iter().collect(),
    })
}

/// Listings changed after `since` (every listing for `since` < 0), with their areas.
pub async fn index_rows(db: &Db, since: i64) -> DbResult<Vec<IndexRow>> {
    let rows = sqlx::query(INDEX_SELECT)
        .bind(since)
        .fetch_all(db.pool())
        .await?;
    let mut out = rows.iter().map(index_row).collect::<DbResult<Vec<_>>>()?;
    if out.is_empty() {
        return Ok(out);
    }
    let mut own: HashMap<i64, Vec<String>> = HashMap::new();
    for r in sqlx::query(
        "SELECT la.listing_id, la.region_code FROM listing_areas la \
         JOIN listings l ON l.id = la.listing_id WHERE l.revision > $1",
    )
    .bind(since)
    .fetch_all(db.pool())
    .await?
    {
        own.entry(r.try_get("listing_id")?)
            .or_default()
            .push(r.try_get("region_code")?);
    }
    let mut of_business: HashMap<i64, Vec<String>> = HashMap::new();
    for r in sqlx::query(
        "SELECT ba.business_id, ba.region_code FROM business_areas ba \
         WHERE ba.business_id IN (SELECT business_id FROM listings WHERE revision > $1)",
    )
    .bind(since)
    .fetch_all(db.pool())
    .await?
    {
        of_business
            .entry(r.try_get("business_id")?)
            .or_default()
            .push(r.try_get("region_code")?);
    }
    for row in &mut out {
        let areas = own
            .get(&row.listing_id)
            .or_else(|| of_business.get(&row.business_id));
        if let Some(areas) = areas {
            row.areas.extend(areas.iter().cloned());
        }
    }
    Ok(out)
}

// ---- one listing, one storefront ----

#[derive(Debug, Clone)]
pub struct ListingDetail {
    pub id: i64,
    pub business_id: i64,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub category_id: i64,
    pub category: String,
    pub trade_id: i64,
    pub trade: String,
    pub price_kind: String,
    pub price: Option<i64>,
    pub unit: String,
    pub min_order: i64,
    pub lead_days: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// Names of the listing's own areas (empty: the business's areas apply).
    pub areas: Vec<String>,
    pub photo_ids: Vec<i64>,
}

/// An active listing of an active business; anything else is not found.
pub async fn listing(db: &Db, id: i64) -> DbResult<ListingDetail> {
    let r = sqlx::query(
        "SELECT l.id, l.business_id, l.kind, l.title, l.description, l.category_id, \
                c.name AS category, c.trade_id, t.name AS trade, l.price_kind, l.price, l.unit, \
                l.min_order, l.lead_days, l.created_at, l.updated_at \
         FROM listings l JOIN businesses b ON b.id = l.business_id \
         JOIN categories c ON c.id = l.category_id JOIN trades t ON t.id = c.trade_id \
         WHERE l.id = $1 AND l.active = 1 AND b.active = 1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    let areas = sqlx::query(
        "SELECT r.name FROM listing_areas la JOIN regions r ON r.code = la.region_code \
         WHERE la.listing_id = $1 ORDER BY r.name",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| r.try_get("name"))
    .collect::<Result<Vec<String>, _>>()?;
    Ok(ListingDetail {
        id: r.try_get("id")?,
        business_id: r.try_get("business_id")?,
        kind: r.try_get("kind")?,
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        category_id: r.try_get("category_id")?,
        category: r.try_get("category")?,
        trade_id: r.try_get("trade_id")?,
        trade: r.try_get("trade")?,
        price_kind: r.try_get("price_kind")?,
        price: r.try_get("price")?,
        unit: r.try_get("unit")?,
        min_order: r.try_get("min_order")?,
        lead_days: r.try_get("lead_days")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        areas,
        photo_ids: photo_ids(db, id).await?,
    })
}

pub async fn photo_ids(db: &Db, listing_id: i64) -> DbResult<Vec<i64>> {
    sqlx::query("SELECT id FROM listing_photos WHERE listing_id = $1 ORDER BY position, id")
        .bind(listing_id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| Ok(r.try_get("id")?))
        .collect()
}

/// The first photo (by position) of each listing that has one.
pub async fn first_photos(db: &Db, listing_ids: &[i64]) -> DbResult<HashMap<i64, i64>> {
    let mut out = HashMap::new();
    if listing_ids.is_empty() {
        return Ok(out);
    }
    let list: Vec<String> = (1..=listing_ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT listing_id, id FROM listing_photos WHERE listing_id IN ({}) \
         ORDER BY listing_id, position, id",
        list.join(", ")
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id in listing_ids {
        q = q.bind(*id);
    }
    for r in q.fetch_all(db.pool()).await? {
        let listing: i64 = r.try_get("listing_id")?;
        let id: i64 = r.try_get("id")?;
        out.entry(listing).or_insert(id);
    }
    Ok(out)
}

/// The badge: the program and batch a verified business is based on.
#[derive(Debug, Clone)]
pub struct Verification {
    pub program: String,
    pub year: i64,
    pub batch: i64,
}

/// What the public may see of a business.
#[derive(Debug, Clone)]
pub struct PublicBusiness {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub trades: Vec<String>,
    pub kecamatan_code: Option<String>,
    pub kecamatan: String,
    pub desa: String,
    pub pickup_address: String,
    pub open_days: String,
    pub open_from: String,
    pub open_until: String,
    pub nib: String,
    pub pirt: String,
    pub halal: String,
    /// Only when the business chose to publish it.
    pub phone: Option<String>,
    pub verified: bool,
    pub verification: Option<Verification>,
    pub areas: Vec<String>,
    pub rating_count: i64,
    pub rating_sum: i64,
    pub created_at: i64,
}

/// An active business; an inactive one is not found.
pub async fn business(db: &Db, id: i64) -> DbResult<PublicBusiness> {
    let r = sqlx::query(
        "SELECT b.id, b.name, b.description, t.name AS trade, b.kecamatan_code, \
                COALESCE(k.name, '') AS kecamatan, COALESCE(d.name, '') AS desa, b.pickup_address, \
                b.open_days, b.open_from, b.open_until, b.nib, b.pirt, b.halal, b.phone, \
                b.phone_public, CASE WHEN b.verified_at IS NULL THEN 0 ELSE 1 END AS verified, \
                p.name AS program, ba.year, ba.number, b.created_at, \
                (SELECT COUNT(*) FROM reviews v WHERE v.business_id = b.id) AS rating_count, \
                (SELECT CAST(COALESCE(SUM(v.rating), 0) AS BIGINT) FROM reviews v WHERE v.business_id = b.id) AS rating_sum \
         FROM businesses b JOIN trades t ON t.id = b.trade_id \
         LEFT JOIN regions k ON k.code = b.kecamatan_code \
         LEFT JOIN regions d ON d.code = b.desa_code \
         LEFT JOIN participations pa ON pa.id = b.verified_participation_id \
         LEFT JOIN batches ba ON ba.id = pa.batch_id \
         LEFT JOIN programs p ON p.id = ba.program_id \
         WHERE b.id = $1 AND b.active = 1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    let mut trades = vec![r.try_get::<String, _>("trade")?];
    for t in sqlx::query(
        "SELECT t.name FROM business_trades bt JOIN trades t ON t.id = bt.trade_id \
         WHERE bt.business_id = $1 ORDER BY t.name",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    {
        let name: String = t.try_get("name")?;
        if !trades.contains(&name) {
            trades.push(name);
        }
    }
    let areas = sqlx::query(
        "SELECT r.name FROM business_areas ba JOIN regions r ON r.code = ba.region_code \
         WHERE ba.business_id = $1 ORDER BY r.level, r.name",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| r.try_get("name"))
    .collect::<Result<Vec<String>, _>>()?;
    let verified: i64 = r.try_get("verified")?;
    let phone_public: i64 = r.try_get("phone_public")?;
    let phone: Option<String> = r.try_get("phone")?;
    let program: Option<String> = r.try_get("program")?;
    let verification = match (verified == 1, program) {
        (true, Some(program)) => Some(Verification {
            program,
            year: r.try_get::<Option<i64>, _>("year")?.unwrap_or_default(),
            batch: r.try_get::<Option<i64>, _>("number")?.unwrap_or_default(),
        }),
        _ => None,
    };
    Ok(PublicBusiness {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        trades,
        kecamatan_code: r.try_get("kecamatan_code")?,
        kecamatan: r.try_get("kecamatan")?,
        desa: r.try_get("desa")?,
        pickup_address: r.try_get("pickup_address")?,
        open_days: r.try_get("open_days")?,
        open_from: r.try_get("open_from")?,
        open_until: r.try_get("open_until")?,
        nib: r.try_get("nib")?,
        pirt: r.try_get("pirt")?,
        halal: r.try_get("halal")?,
        phone: phone.filter(|p| phone_public == 1 && !p.is_empty()),
        verified: verified == 1,
        verification,
        areas,
        rating_count: r.try_get("rating_count")?,
        rating_sum: r.try_get("rating_sum")?,
        created_at: r.try_get("created_at")?,
    })
}

/// A listing as a line on a storefront.
#[derive(Debug, Clone)]
pub struct ListingLine {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub category: String,
    pub price_kind: String,
    pub price: Option<i64>,
    pub unit: String,
    pub lead_days: i64,
}

/// The active listings of a business, newest first.
pub async fn business_listings(db: &Db, business_id: i64) -> DbResult<Vec<ListingLine>> {
    sqlx::query(
        "SELECT l.id, l.kind, l.title, c.name AS category, l.price_kind, l.price, l.unit, l.lead_days \
         FROM listings l JOIN categories c ON c.id = l.category_id \
         WHERE l.business_id = $1 AND l.active = 1 ORDER BY l.created_at DESC, l.id DESC",
    )
    .bind(business_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(ListingLine {
            id: r.try_get("id")?,
            kind: r.try_get("kind")?,
            title: r.try_get("title")?,
            category: r.try_get("category")?,
            price_kind: r.try_get("price_kind")?,
            price: r.try_get("price")?,
            unit: r.try_get("unit")?,
            lead_days: r.try_get("lead_days")?,
        })
    })
    .collect()
}

/// Categories with their trade, for the catalog's filter.
#[derive(Debug, Clone)]
pub struct CategoryOption {
    pub id: i64,
    pub trade_id: i64,
    pub name: String,
}

pub async fn categories(db: &Db) -> DbResult<Vec<CategoryOption>> {
    sqlx::query("SELECT id, trade_id, name FROM categories ORDER BY name")
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(CategoryOption {
                id: r.try_get("id")?,
                trade_id: r.try_get("trade_id")?,
                name: r.try_get("name")?,
            })
        })
        .collect()
}

// ---- search synonyms ----

#[derive(Debug, Clone)]
pub struct SynonymGroup {
    pub id: i64,
    pub words: String,
    pub created_at: i64,
}

fn synonym_row(r: &AnyRow) -> DbResult<SynonymGroup> {
    Ok(SynonymGroup {
        id: r.try_get("id")?,
        words: r.try_get("words")?,
        created_at: r.try_get("created_at")?,
    })
}

pub async fn synonyms(db: &Db) -> DbResult<Vec<SynonymGroup>> {
    sqlx::query("SELECT id, words, created_at FROM search_synonyms ORDER BY words, id")
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(synonym_row)
        .collect()
}

pub async fn synonym(db: &Db, id: i64) -> DbResult<SynonymGroup> {
    let r = sqlx::query("SELECT id, words, created_at FROM search_synonyms WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await?;
    synonym_row(&r)
}

/// Every change to the synonyms moves this counter, so each instance's index reloads them.
async fn bump_synonyms(tx: &mut Tx) -> DbResult<()> {
    sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'synonyms'")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Adds a group (already validated and normalised).
pub async fn insert_synonym(tx: &mut Tx, words: &str) -> DbResult<i64> {
    let id: i64 =
        sqlx::query("INSERT INTO search_synonyms (words, created_at) VALUES ($1, $2) RETURNING id")
            .bind(words)
            .bind(now())
            .fetch_one(&mut **tx)
            .await?
            .try_get("id")?;
    bump_synonyms(tx).await?;
    Ok(id)
}

/// The words of a group, read in the transaction that changes it (`NotFound` when it does not
/// exist).
pub async fn synonym_words(tx: &mut Tx, id: i64) -> DbResult<String> {
    Ok(
        sqlx::query_scalar("SELECT words FROM search_synonyms WHERE id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?,
    )
}

/// Changes a group's words.
pub async fn set_synonym(tx: &mut Tx, id: i64, words: &str) -> DbResult<()> {
    sqlx::query("UPDATE search_synonyms SET words = $1 WHERE id = $2")
        .bind(words)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    bump_synonyms(tx).await
}

/// Removes a group.
pub async fn remove_synonym(tx: &mut Tx, id: i64) -> DbResult<()> {
    sqlx::query("DELETE FROM search_synonyms WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    bump_synonyms(tx).await
}
