//! A proposed provider's catalog price beside the office's HPS: which of the business's listings
//! answer the request's items (by their words, folded as everywhere else), and what the items
//! would cost at those prices (the listing's price for offices when it has one).

use crate::domain::storefront::PriceKind;
use crate::domain::text::words;

/// A listing of a proposed business, as the choice needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub title: String,
    pub unit: String,
    pub kind: PriceKind,
    /// The public price (`None` for "sesuai penawaran").
    pub price: Option<i64>,
    /// The price for government offices, when the seller set one.
    pub office_price: Option<i64>,
}

impl Listed {
    /// The price an office pays: the office price, else the public price.
    pub fn for_office(&self) -> Option<i64> {
        self.office_price.or(self.price)
    }
}

/// An item of the request: what and how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted<'a> {
    pub description: &'a str,
    pub quantity: i64,
    pub unit: &'a str,
}

/// What the catalog says about a proposed business for the request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CatalogPrice {
    /// The listings that answer the request's items (best first, at most one per item).
    pub matches: Vec<Listed>,
    /// The request's items at the catalog's fixed prices, when every item has one.
    pub total: Option<i64>,
}

/// Words too common to tell listings apart.
const STOP: [&str; 12] = [
    "dan", "untuk", "dengan", "per", "isi", "yang", "atau", "paket", "buah", "unit", "di", "ke",
];

fn meaningful(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|w| w.chars().count() >= 3 && !STOP.contains(&w.as_str()))
        .collect()
}

/// "per kotak", "Kotak" → "kotak".
fn unit_of(unit: &str) -> String {
    let folded = crate::domain::text::fold(unit);
    folded.strip_prefix("per ").unwrap_or(&folded).to_owned()
}

/// The listing of `listings` sharing the most words with `text`: one shared word is enough when
/// the units agree ("kotak" and "kotak"), two otherwise, so a "kue" in a snack box does not
/// find a birthday cake sold by the "loyang". None when nothing qualifies.
fn best<'a>(text: &str, unit: &str, listings: &'a [Listed]) -> Option<&'a Listed> {
    let wanted = meaningful(text);
    let unit = unit_of(unit);
    listings
        .iter()
        .map(|l| {
            let have = meaningful(&l.title);
            let shared = wanted.iter().filter(|w| have.contains(w)).count();
            let same_unit = !unit.is_empty() && unit_of(&l.unit) == unit;
            (shared, same_unit, l)
        })
        .filter(|(shared, same_unit, _)| *shared >= if *same_unit { 1 } else { 2 })
        .max_by(|a, b| {
            (a.0, a.1)
                .cmp(&(b.0, b.1))
                // Ties: the cheaper listing (then the first).
                .then_with(|| {
                    b.2.for_office()
                        .unwrap_or(i64::MAX)
                        .cmp(&a.2.for_office().unwrap_or(i64::MAX))
                })
        })
        .map(|(_, _, l)| l)
}

/// The catalog price of a business for the request: each item's best listing by words (the
/// request's title stands in for an item whose description finds none), and the total when
/// every item has a fixed price.
pub fn price(title: &str, items: &[Wanted<'_>], listings: &[Listed]) -> CatalogPrice {
    let mut matches: Vec<Listed> = Vec::new();
    let mut total: Option<i64> = Some(0);
    for item in items {
        let found = best(item.description, item.unit, listings)
            .or_else(|| best(title, item.unit, listings));
        match found {
            Some(l) => {
                let line = match (l.kind, l.for_office()) {
                    (PriceKind::Fixed, Some(p)) => p.checked_mul(item.quantity),
                    _ => None,
                };
                total = total.zip(line).and_then(|(t, v)| t.checked_add(v));
                if !matches.contains(l) {
                    matches.push(l.clone());
                }
            }
            None => total = None,
        }
    }
    if items.is_empty() {
        total = None;
    }
    CatalogPrice { matches, total }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(title: &str, kind: PriceKind, price: Option<i64>, office: Option<i64>) -> Listed {
        Listed {
            title: title.into(),
            unit: "unit".into(),
            kind,
            price,
            office_price: office,
        }
    }

    #[test]
    fn items_find_their_listing_and_the_office_price_counts() {
        let listings = [
            listed(
                "Servis AC split 1/2–1 PK",
                PriceKind::Fixed,
                Some(85_000),
                Some(80_000),
            ),
            listed("Isi freon R32", PriceKind::From, Some(150_000), None),
            listed("Bongkar pasang AC", PriceKind::Fixed, Some(250_000), None),
        ];
        let items = [Wanted {
            description: "Servis AC split ruang rapat",
            quantity: 4,
            unit: "unit",
        }];
        let p = price("Servis AC kantor", &items, &listings);
        assert_eq!(p.matches[0].title, "Servis AC split 1/2–1 PK");
        assert_eq!(p.total, Some(320_000));
    }

    #[test]
    fn an_item_without_a_fixed_price_or_a_match_leaves_no_total() {
        let listings = [listed(
            "Isi freon R32",
            PriceKind::From,
            Some(150_000),
            None,
        )];
        let items = [Wanted {
            description: "Isi freon",
            quantity: 2,
            unit: "unit",
        }];
        let p = price("Freon", &items, &listings);
        assert_eq!(p.matches.len(), 1);
        assert_eq!(p.total, None);
        let none = price(
            "Snack rapat",
            &[Wanted {
                description: "Kue basah",
                quantity: 50,
                unit: "kotak",
            }],
            &listings,
        );
        assert!(none.matches.is_empty());
        assert_eq!(none.total, None);
    }

    #[test]
    fn one_shared_word_needs_the_same_unit() {
        let cake = [listed(
            "Kue Ulang Tahun Bolu Pandan",
            PriceKind::Fixed,
            Some(205_000),
            None,
        )];
        let snack = Wanted {
            description: "Snack box isi 3 kue",
            quantity: 30,
            unit: "kotak",
        };
        assert!(
            price("Snack rapat", std::slice::from_ref(&snack), &cake)
                .matches
                .is_empty()
        );
        let mut boxed = cake[0].clone();
        boxed.title = "Kue kotak isi 3".into();
        boxed.unit = "per kotak".into();
        let p = price("Snack rapat", &[snack], &[boxed]);
        assert_eq!(p.total, Some(30 * 205_000));
    }
}
