//! The demo district's marketplace: storefronts for the alumni businesses, their listings with
//! drawn photos, and a few months of public orders in every state with their reviews. Everything
//! goes through the functions the storefront forms, the photo upload and the order pages use; only
//! the timestamps of demo orders are moved into the past afterwards, so that the history reads
//! like months of trading.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use super::offers::{self, Offer, Price};
use super::pictures::{self, Motif};
use crate::app::storefronts as steps;
use crate::db::audit::Who;
use crate::db::{Db, DbError, DbResult, Tx};
use crate::domain::qris;
use crate::domain::storefront::{
    BusinessFields, BusinessInput, ListingFields, ListingInput, Places,
};
use crate::media::{self, Processed};

/// An alumni business of the demo register, before it has a storefront.
pub struct Shop {
    pub alumnus_id: i64,
    pub trade_code: &'static str,
    pub trade_id: i64,
    pub name: String,
    pub description: &'static str,
    pub kecamatan: &'static str,
    pub desa: Option<String>,
    pub phone: String,
    pub phone_public: bool,
    pub verified: bool,
    /// The demo's own alumna (the `alumni` account): the fullest storefront.
    pub star: bool,
}

/// A storefront made by `open_storefronts`.
pub struct Opened {
    pub business_id: i64,
    pub star: bool,
    pub verified: bool,
    /// Listings with the picture each should get.
    pub listings: Vec<(i64, Option<Motif>)>,
}

fn seed_error(what: &str, errors: &[(&'static str, String)]) -> DbError {
    DbError::Other(format!("demo {what} refused by its form: {errors:?}"))
}

/// One EMV QR field: id, two-digit length, value.
fn tlv(id: &str, value: &str) -> String {
    format!("{id}{:02}{value}", value.len())
}

/// A valid static QRIS payload for the demo alumna (account and NMID numbers invented).
fn demo_qris(merchant: &str) -> String {
    let account = [
        tlv("00", "ID.CO.BANKJAMBI.WWW"),
        tlv("01", "936001130000012345"),
        tlv("02", "000701202519"),
        tlv("03", "UMI"),
    ]
    .concat();
    let nmid = [
        tlv("00", "ID.CO.QRIS.WWW"),
        tlv("02", "ID1026123456789"),
        tlv("03", "UMI"),
    ]
    .concat();
    let mut payload = [
        tlv("00", "01"),
        tlv("01", "11"),
        tlv("26", &account),
        tlv("51", &nmid),
        tlv("52", "5812"),
        tlv("53", "360"),
        tlv("58", "ID"),
        tlv("59", merchant),
        tlv("60", "MUARA SABAK"),
        tlv("61", "36761"),
        tlv("62", &tlv("07", "A01")),
    ]
    .concat();
    payload.push_str("6304");
    let crc = qris::crc16(payload.as_bytes());
    payload.push_str(&format!("{crc:04X}"));
    payload
}

/// Rounds a varied price to what a seller would write: to Rp500 below Rp20.000, else Rp1.000
/// (Rp5.000 above Rp100.000).
fn round_price(p: i64) -> i64 {
    let step = match p {
        ..20_000 => 500,
        20_000..100_000 => 1_000,
        _ => 5_000,
    };
    ((p + step / 2) / step).max(1) * step
}

/// Opens every shop's storefront (its areas, hours, permits) and lists some of its trade's
/// offers; verified shops get the badge on their first participation in the trade.
pub async fn open_storefronts(
    db: &Db,
    tx: &mut Tx,
    shops: &[Shop],
    trades: &[(&'static str, i64)],
    places: &Places,
    who: Who<'_>,
    admin: Who<'_>,
) -> DbResult<Vec<Opened>> {
    let mut rng = StdRng::seed_from_u64(0x6b61727961);
    // The categories of each trade, as the agency would set them up.
    let mut categories: HashMap<i64, Vec<(&'static str, i64)>> = HashMap::new();
    for &(code, trade_id) in trades {
        let (names, _) = offers::for_trade(code);
        for name in names {
            let id = steps::create_category_in(tx, trade_id, name, admin).await?;
            categories.entry(trade_id).or_default().push((name, id));
        }
    }
    let trade_ids: Vec<i64> = trades.iter().map(|t| t.1).collect();
    let kecamatan = &places.kecamatan;
    let mut opened = Vec::new();
    for shop in shops {
        // Each shop serves its own kecamatan and one or two around it.
        let at = kecamatan
            .iter()
            .position(|k| k == shop.kecamatan)
            .unwrap_or(0);
        let mut areas = vec![shop.kecamatan.to_owned()];
        for step in 1..=rng.random_range(1..=2usize) {
            if let Some(k) = kecamatan.get((at + step) % kecamatan.len().max(1))
                && !areas.contains(k)
            {
                areas.push(k.clone());
            }
        }
        let open_days: Vec<String> = (0..if rng.random_range(0..3) == 0 { 7 } else { 6 })
            .map(|d: i32| d.to_string())
            .collect();
        let food = shop.trade_code == "TBG";
        let nib = format!(
            "{:013}",
            9_120_000_000_000u64 + rng.random_range(0..999_999_999u64)
        );
        let pirt = if food {
            format!(
                "{}-{}",
                2_061_507_010_000u64 + rng.random_range(0..9_999u64),
                rng.random_range(24..=30)
            )
        } else {
            String::new()
        };
        let halal = if food && rng.random_range(0..2) == 0 {
            format!("ID15110000{:06}0224", rng.random_range(0..999_999u32))
        } else {
            String::new()
        };
        let qris = if shop.star {
            demo_qris("DAPUR KUE SITI")
        } else {
            String::new()
        };
        let (bank_name, bank_account, bank_holder) = if shop.star {
            ("Bank Jambi", "7010 2190 5531", "Siti Rahmawati")
        } else {
            ("", "", "")
        };
        let input = BusinessInput {
            name: &shop.name,
            description: shop.description,
            trade_id: &shop.trade_id.to_string(),
            other_trades: &[],
            kecamatan: shop.kecamatan,
            desa: shop.desa.as_deref().unwrap_or(""),
            areas: &areas,
            pickup_address: if shop.star {
                "Jl. Sultan Thaha RT 07, dekat Masjid Al-Ikhlas"
            } else {
                ""
            },
            open_days: &open_days,
            open_from: if food { "07:00" } else { "08:00" },
            open_until: if food { "20:00" } else { "17:00" },
            phone: &shop.phone,
            phone_public: shop.phone_public || shop.star,
            nib: if rng.random_range(0..3) > 0 || shop.star {
                &nib
            } else {
                ""
            },
            pirt: &pirt,
            halal: &halal,
            qris: &qris,
            bank_name,
            bank_account,
            bank_holder,
        };
        let fields = BusinessFields::parse(&input, &trade_ids, places)
            .map_err(|e| seed_error("business", &e))?;
        let business_id = steps::create_business_in(tx, shop.alumnus_id, &fields, who).await?;
        if shop.verified {
            let basis = crate::db::register::participations_of(db, shop.alumnus_id)
                .await?
                .into_iter()
                .rev()
                .find(|p| p.cert_number.is_some() || p.result.as_deref() == Some("lulus"));
            if let Some(p) = basis {
                steps::verify_in(tx, business_id, p.id, admin).await?;
            }
        }

        // The listings: the star lists her trade's whole range, others three to six offers.
        let (_, menu) = offers::for_trade(shop.trade_code);
        let mut chosen: Vec<&Offer> = menu.iter().collect();
        if !shop.star {
            let keep = rng.random_range(3..=menu.len().clamp(3, 6));
            while chosen.len() > keep {
                chosen.remove(rng.random_range(0..chosen.len()));
            }
        }
        let category_ids: Vec<i64> = categories
            .get(&shop.trade_id)
            .map(|c| c.iter().map(|x| x.1).collect())
            .unwrap_or_default();
        let mut listings = Vec::new();
        for offer in chosen {
            let vary = |p: i64, rng: &mut StdRng| round_price(p * rng.random_range(90..=112) / 100);
            let (price_kind, price) = match offer.price {
                Price::Fixed(p) => ("fixed", vary(p, &mut rng).to_string()),
                Price::From(p) => ("from", vary(p, &mut rng).to_string()),
                Price::Quote => ("quote", String::new()),
            };
            let office_price = offer
                .office_price
                .map(|p| vary(p, &mut rng).to_string())
                .unwrap_or_default();
            let category = categories
                .get(&shop.trade_id)
                .and_then(|c| c.iter().find(|x| x.0 == offer.category))
                .map(|x| x.1.to_string())
                .unwrap_or_default();
            let input = ListingInput {
                kind: if offer.service { "service" } else { "product" },
                title: offer.title,
                description: offer.description,
                category_id: &category,
                price_kind,
                price: &price,
                office_price: &office_price,
                unit: offer.unit,
                min_order: &offer.min_order.to_string(),
                lead_days: &offer.lead_days.to_string(),
                areas: &[],
                active: true,
            };
            let fields = ListingFields::parse(&input, &category_ids, &fields.area_codes)
                .map_err(|e| seed_error("listing", &e))?;
            let id = steps::create_listing_in(tx, business_id, &fields, who).await?;
            listings.push((id, offer.motif));
        }
        opened.push(Opened {
            business_id,
            star: shop.star,
            verified: shop.verified,
            listings,
        });
    }
    Ok(opened)
}

/// Processed pictures, drawn and re-encoded once per process (tests seed many demo districts).
fn picture(motif: Motif, variant: u32) -> Result<Arc<Processed>, String> {
    type Cache = Mutex<HashMap<(Motif, u32), Arc<Processed>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Cache::default);
    if let Some(p) = cache
        .lock()
        .map_err(|e| e.to_string())?
        .get(&(motif, variant))
    {
        return Ok(p.clone());
    }
    let processed =
        Arc::new(media::process(&pictures::draw(motif, variant)).map_err(|e| e.to_string())?);
    cache
        .lock()
        .map_err(|e| e.to_string())?
        .insert((motif, variant), processed.clone());
    Ok(processed)
}

/// Gives listings their photos through the upload path: the star's listings all of theirs,
/// every other shop its first pictured listing (a demo database stays small).
pub async fn add_photos(db: &Db, opened: &[Opened], who: Who<'_>) -> DbResult<usize> {
    let mut jobs = Vec::new();
    for shop in opened {
        let pictured = shop
            .listings
            .iter()
            .filter_map(|(id, m)| m.map(|m| (*id, m)));
        let take = if shop.star { usize::MAX } else { 1 };
        for (i, (listing, motif)) in pictured.take(take).enumerate() {
            // The star's pictures differ from the others' in colour.
            jobs.push((listing, motif, u32::from(shop.star) + i as u32 % 2));
        }
    }
    // Drawing and encoding is CPU work: off the async threads, once per picture.
    let wanted: Vec<(Motif, u32)> = jobs.iter().map(|j| (j.1, j.2)).collect();
    let processed = tokio::task::spawn_blocking(move || {
        wanted
            .into_iter()
            .map(|(m, v)| picture(m, v))
            .collect::<Result<Vec<_>, String>>()
    })
    .await
    .map_err(|e| DbError::Other(e.to_string()))?
    .map_err(DbError::Other)?;
    let mut tx = db.begin().await?;
    for ((listing, _, _), photo) in jobs.iter().zip(&processed) {
        steps::add_photo_in(&mut tx, *listing, photo, who).await?;
    }
    tx.commit().await?;
    Ok(jobs.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_qris_is_a_valid_static_code() {
        let q = qris::validate_static(&demo_qris("DAPUR KUE SITI")).expect("valid");
        assert_eq!(q.merchant_name(), "DAPUR KUE SITI");
    }

    #[test]
    fn prices_round_like_sellers_write_them() {
        assert_eq!(round_price(12_345), 12_500);
        assert_eq!(round_price(185_400), 185_000);
        assert_eq!(round_price(77_600), 78_000);
    }
}
