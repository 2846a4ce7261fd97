//! Storefronts: an alumnus's business, its listings and photos, the agency's verification of a
//! business and its listing categories.
//!
//! Each use case opens its transaction, asks the domain or the storage whether the step may
//! happen, stores it through `db::storefront` (which writes the audit entry and stamps the
//! catalog revision in the same transaction), and commits. A refused step comes back as
//! `AppError::Refused` with the words the form shows.

use super::{AppError, AppResult};
use crate::db::storefront as store;
use crate::db::{Db, DbError, constraint};
use crate::domain::Refusal;
use crate::domain::audit::Who;
use crate::domain::policy::{self, Actor};
use crate::domain::storefront::{BusinessFields, ListingFields, MAX_PHOTOS};
use crate::media::Processed;

/// A category name already used in the trade.
pub const NAME_TAKEN: &str = "Kejuruan ini sudah punya kategori dengan nama tersebut.";

/// The participation chosen for a verification is not one of the owner's.
pub const NOT_OWNERS_TRAINING: &str = "Pelatihan ini bukan milik pemilik usaha.";

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
    let id = store::create_business(&mut tx, alumnus_id, fields, who).await?;
    tx.commit().await?;
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
    store::update_business(&mut tx, business.id, fields, who).await?;
    tx.commit().await?;
    Ok(())
}

/// The owner adds a listing to their business.
pub async fn create_listing(
    db: &Db,
    business_id: i64,
    fields: &ListingFields,
    who: Who<'_>,
) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let id = store::create_listing(&mut tx, business_id, fields, who).await?;
    tx.commit().await?;
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
    store::update_listing(&mut tx, listing_id, fields, who).await?;
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
    store::set_listing_active(&mut tx, listing_id, active, who).await?;
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
    match store::add_photo(&mut tx, listing_id, photo, MAX_PHOTOS, who).await? {
        Some(id) => {
            tx.commit().await?;
            Ok(id)
        }
        None => Err(AppError::refused(Refusal::rule(photos_full()))),
    }
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
    store::delete_photo(&mut tx, listing_id, photo_id, who).await?;
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
    match store::verify(&mut tx, business_id, participation_id, who).await {
        Ok(()) => {}
        Err(DbError::NotFound) => {
            return Err(AppError::refused(Refusal::rule(NOT_OWNERS_TRAINING)));
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(())
}

/// The agency withdraws a verification, with its reason.
pub async fn unverify(db: &Db, business_id: i64, reason: &str, who: Who<'_>) -> AppResult<()> {
    let mut tx = db.begin().await?;
    store::unverify(&mut tx, business_id, reason, who).await?;
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
    let id = store::create_category(&mut tx, trade_id, name, who)
        .await
        .map_err(name_taken)?;
    tx.commit().await?;
    Ok(id)
}

/// The agency renames a category (its listings follow).
pub async fn rename_category(db: &Db, id: i64, name: &str, who: Who<'_>) -> AppResult<()> {
    let mut tx = db.begin().await?;
    store::rename_category(&mut tx, id, name, who)
        .await
        .map_err(name_taken)?;
    tx.commit().await?;
    Ok(())
}
