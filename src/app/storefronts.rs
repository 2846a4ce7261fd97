//! Storefronts: an alumnus's business, its listings and photos, the agency's verification of a
//! business and its listing categories.
//!
//! Each use case opens its transaction, asks the domain or the storage whether the step may
//! happen, stores it through `db::storefront` (which stamps the catalog revision in the same
//! transaction), writes the audit entry, and commits. A refused step comes back as
//! `AppError::Refused` with the words the form shows.
//!
//! The steps the demo district also takes (`*_in`: a category, a business, its verification, a
//! listing, a photo) store and audit inside the caller's transaction, so the demo is made
//! through the same code as the users' forms.

use super::{AppError, AppResult};
use crate::db::storefront as store;
use crate::db::{Db, DbError, DbResult, Tx, audit, constraint};
use crate::domain::Refusal;
use crate::domain::audit::Who;
use crate::domain::policy::{self, Actor};
use crate::domain::storefront::{BusinessFields, ListingFields, MAX_PHOTOS};
use crate::media::Processed;

/// A category name already used in the trade.
pub const NAME_TAKEN: &str = "Kejuruan ini sudah punya kategori dengan nama tersebut.";

/// The participation chosen for a verification is not one of the owner's.
pub const NOT_OWNERS_TRAINING: &str = "Pelatihan ini bukan milik pemilik usaha.";

/// A business's fields as its audit entries record them.
fn business_json(f: &BusinessFields) -> serde_json::Value {
    serde_json::json!({
        "name": f.name,
        "trade_id": f.trade_id,
        "other_trades": f.other_trade_ids,
        "kecamatan": f.kecamatan_code,
        "desa": f.desa_code,
        "areas": f.area_codes,
        "open_days": f.open_days,
        "hours": format!("{}-{}", f.open_from, f.open_until),
        "phone_public": f.phone_public,
        "nib": f.nib,
        "pirt": f.pirt,
        "halal": f.halal,
        "qris": !f.qris_payload.is_empty(),
        "bank": !f.bank_account.is_empty(),
    })
}

/// A stored business as its audit entries record it (the same keys as [`business_json`]).
fn stored_json(b: &store::Business) -> serde_json::Value {
    serde_json::json!({
        "name": b.name,
        "trade_id": b.trade_id,
        "other_trades": b.other_trade_ids,
        "kecamatan": b.kecamatan_code,
        "desa": b.desa_code,
        "areas": b.area_codes,
        "open_days": b.open_days,
        "hours": format!("{}-{}", b.open_from, b.open_until),
        "phone_public": b.phone_public,
        "nib": b.nib,
        "pirt": b.pirt,
        "halal": b.halal,
        "qris": !b.qris_payload.is_empty(),
        "bank": !b.bank_account.is_empty(),
    })
}

/// A listing's fields as its audit entries record them.
fn listing_json(f: &ListingFields) -> serde_json::Value {
    serde_json::json!({
        "kind": f.kind.as_str(),
        "title": f.title,
        "category_id": f.category_id,
        "price_kind": f.price_kind.as_str(),
        "price": f.price,
        "office_price": f.office_price,
        "unit": f.unit,
        "min_order": f.min_order,
        "lead_days": f.lead_days,
        "areas": f.area_codes,
        "active": f.active,
    })
}

/// One audit entry about a business, a listing or a category.
async fn audited(
    tx: &mut Tx,
    who: Who<'_>,
    action: &str,
    entity: &str,
    id: i64,
    summary: serde_json::Value,
) -> DbResult<()> {
    audit::append(tx, who.event(action, entity, id, summary)).await?;
    Ok(())
}

/// A listing may be changed by its owner (or the agency): `Forbidden` otherwise.
pub async fn own_listing(db: &Db, actor: &Actor, listing_id: i64) -> AppResult<store::Listing> {
    let listing = store::listing(db, listing_id).await?;
    if !policy::may_manage_business(actor, listing.owner_alumnus_id) {
        return Err(AppError::Forbidden);
    }
    Ok(listing)
}

/// An alumnus opens their business.
pub async fn create_business(
    db: &Db,
    alumnus_id: i64,
    fields: &BusinessFields,
    who: Who<'_>,
) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let id = create_business_in(&mut tx, alumnus_id, fields, who).await?;
    tx.commit().await?;
    Ok(id)
}

/// Opens a business inside the caller's transaction, audited.
pub async fn create_business_in(
    tx: &mut Tx,
    alumnus_id: i64,
    fields: &BusinessFields,
    who: Who<'_>,
) -> DbResult<i64> {
    let id = store::create_business(tx, alumnus_id, fields).await?;
    let summary = serde_json::json!({"after": business_json(fields)});
    audited(tx, who, "business.create", "business", id, summary).await?;
    Ok(id)
}

/// The owner saves the business form.
pub async fn update_business(
    db: &Db,
    actor: &Actor,
    business: &store::Business,
    fields: &BusinessFields,
    who: Who<'_>,
) -> AppResult<()> {
    if !policy::may_manage_business(actor, business.alumnus_id) {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin().await?;
    update_business_in(&mut tx, business.id, fields, who).await?;
    tx.commit().await?;
    Ok(())
}

/// Saves a business's fields inside the caller's transaction, audited with before and after.
pub async fn update_business_in(
    tx: &mut Tx,
    business_id: i64,
    fields: &BusinessFields,
    who: Who<'_>,
) -> DbResult<()> {
    let before = store::update_business(tx, business_id, fields).await?;
    let summary =
        serde_json::json!({"before": stored_json(&before), "after": business_json(fields)});
    audited(tx, who, "business.update", "business", business_id, summary).await
}

/// The owner adds a listing to their business.
pub async fn create_listing(
    db: &Db,
    business_id: i64,
    fields: &ListingFields,
    who: Who<'_>,
) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let id = create_listing_in(&mut tx, business_id, fields, who).await?;
    tx.commit().await?;
    Ok(id)
}

/// Adds a listing inside the caller's transaction, audited.
pub async fn create_listing_in(
    tx: &mut Tx,
    business_id: i64,
    fields: &ListingFields,
    who: Who<'_>,
) -> DbResult<i64> {
    let id = store::create_listing(tx, business_id, fields).await?;
    let summary = serde_json::json!({"business_id": business_id, "after": listing_json(fields)});
    audited(tx, who, "listing.create", "listing", id, summary).await?;
    Ok(id)
}

/// The owner saves a listing's form.
pub async fn update_listing(
    db: &Db,
    listing_id: i64,
    fields: &ListingFields,
    who: Who<'_>,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let b = store::update_listing(&mut tx, listing_id, fields).await?;
    let before = serde_json::json!({
        "title": b.title,
        "price_kind": b.price_kind,
        "price": b.price,
        "office_price": b.office_price,
        "unit": b.unit,
        "min_order": b.min_order,
        "lead_days": b.lead_days,
        "active": b.active,
    });
    let summary = serde_json::json!({"before": before, "after": listing_json(fields)});
    audited(
        &mut tx,
        who,
        "listing.update",
        "listing",
        listing_id,
        summary,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The owner pauses or reactivates a listing.
pub async fn set_listing_active(
    db: &Db,
    actor: &Actor,
    listing_id: i64,
    active: bool,
    who: Who<'_>,
) -> AppResult<()> {
    own_listing(db, actor, listing_id).await?;
    let mut tx = db.begin().await?;
    store::set_listing_active(&mut tx, listing_id, active).await?;
    let action = if active {
        "listing.activate"
    } else {
        "listing.pause"
    };
    let summary = serde_json::json!({"active": active});
    audited(&mut tx, who, action, "listing", listing_id, summary).await?;
    tx.commit().await?;
    Ok(())
}

/// The words for a listing that has all its photos.
pub fn photos_full() -> String {
    format!("Sudah {MAX_PHOTOS} foto, batas untuk satu produk/jasa. Hapus satu foto dulu.")
}

/// Adds a processed photo at the end of the listing's photos; refused when the listing has
/// [`MAX_PHOTOS`] already (checked under the listing's lock, so two uploads cannot both take the
/// last place).
pub async fn add_photo(
    db: &Db,
    listing_id: i64,
    photo: &Processed,
    who: Who<'_>,
) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    match add_photo_in(&mut tx, listing_id, photo, who).await? {
        Some(id) => {
            tx.commit().await?;
            Ok(id)
        }
        None => Err(AppError::refused(Refusal::rule(photos_full()))),
    }
}

/// Adds a photo inside the caller's transaction, audited; `None` when the listing has
/// [`MAX_PHOTOS`] already.
pub async fn add_photo_in(
    tx: &mut Tx,
    listing_id: i64,
    photo: &Processed,
    who: Who<'_>,
) -> DbResult<Option<i64>> {
    let Some(id) = store::add_photo(tx, listing_id, photo, MAX_PHOTOS).await? else {
        return Ok(None);
    };
    let summary = serde_json::json!({"photo_id": id, "width": photo.width, "height": photo.height,
        "thumb_bytes": photo.thumb.len(), "detail_bytes": photo.detail.len()});
    audited(tx, who, "listing.photo_add", "listing", listing_id, summary).await?;
    Ok(Some(id))
}

/// The owner deletes one photo of a listing.
pub async fn delete_photo(
    db: &Db,
    actor: &Actor,
    listing_id: i64,
    photo_id: i64,
    who: Who<'_>,
) -> AppResult<()> {
    own_listing(db, actor, listing_id).await?;
    let mut tx = db.begin().await?;
    store::delete_photo(&mut tx, listing_id, photo_id).await?;
    let summary = serde_json::json!({"photo_id": photo_id});
    audited(
        &mut tx,
        who,
        "listing.photo_delete",
        "listing",
        listing_id,
        summary,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The agency verifies a business on one of its owner's trainings; refused when the training is
/// not the owner's.
pub async fn verify(
    db: &Db,
    business_id: i64,
    participation_id: i64,
    who: Who<'_>,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    match verify_in(&mut tx, business_id, participation_id, who).await {
        Ok(()) => {}
        Err(DbError::NotFound) => {
            return Err(AppError::refused(Refusal::rule(NOT_OWNERS_TRAINING)));
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(())
}

/// Verifies a business inside the caller's transaction, audited with the batch it rests on
/// (`NotFound` when the training is not the owner's).
pub async fn verify_in(
    tx: &mut Tx,
    business_id: i64,
    participation_id: i64,
    who: Who<'_>,
) -> DbResult<()> {
    let label = store::verify(tx, business_id, participation_id, who.id).await?;
    let summary = serde_json::json!({"participation_id": participation_id, "batch": label});
    audited(tx, who, "business.verify", "business", business_id, summary).await
}

/// The agency withdraws a verification, with its reason.
pub async fn unverify(db: &Db, business_id: i64, reason: &str, who: Who<'_>) -> AppResult<()> {
    let mut tx = db.begin().await?;
    store::unverify(&mut tx, business_id).await?;
    let summary = serde_json::json!({"reason": reason});
    audited(
        &mut tx,
        who,
        "business.unverify",
        "business",
        business_id,
        summary,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A name taken in the trade is refused with [`NAME_TAKEN`].
fn name_taken(e: DbError) -> AppError {
    match e {
        e if e.is_conflict(constraint::CATEGORIES_TRADE_NAME) => {
            AppError::refused(Refusal::rule(NAME_TAKEN))
        }
        e => e.into(),
    }
}

/// The agency adds a listing category to a trade.
pub async fn create_category(db: &Db, trade_id: i64, name: &str, who: Who<'_>) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let id = create_category_in(&mut tx, trade_id, name, who)
        .await
        .map_err(name_taken)?;
    tx.commit().await?;
    Ok(id)
}

/// Adds a category inside the caller's transaction, audited (`Conflict` when the name is taken).
pub async fn create_category_in(
    tx: &mut Tx,
    trade_id: i64,
    name: &str,
    who: Who<'_>,
) -> DbResult<i64> {
    let id = store::create_category(tx, trade_id, name).await?;
    let summary = serde_json::json!({"after": {"trade_id": trade_id, "name": name}});
    audited(tx, who, "category.create", "category", id, summary).await?;
    Ok(id)
}

/// The agency renames a category (its listings follow).
pub async fn rename_category(db: &Db, id: i64, name: &str, who: Who<'_>) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let before = store::rename_category(&mut tx, id, name)
        .await
        .map_err(name_taken)?;
    let summary = serde_json::json!({"before": {"name": before}, "after": {"name": name}});
    audited(&mut tx, who, "category.rename", "category", id, summary).await?;
    tx.commit().await?;
    Ok(())
}
