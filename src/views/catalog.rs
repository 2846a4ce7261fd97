//! Catalog, listing and public storefront pages; synonyms admin.

use askama::Template;

use super::{Choice, ChoiceGroup, Field, Layout};

/// `★ 4,8 (12)`, or nothing without reviews.
pub fn rating_text(count: i64, sum: i64) -> Option<String> {
    (count > 0).then(|| {
        let tenths = ((sum * 10) as f64 / count as f64).round() as i64;
        format!("★ {},{} ({count})", tenths / 10, tenths % 10)
    })
}

pub struct ResultCard {
    pub listing_id: i64,
    pub title: String,
    pub price: String,
    pub business_id: i64,
    pub business_name: String,
    pub kecamatan: String,
    pub rating: Option<String>,
    pub verified: bool,
    pub photo_id: Option<i64>,
    pub near: bool,
}

/// A link that removes one filter, for the empty-result suggestions.
pub struct Suggestion {
    pub href: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "catalog/search.html")]
pub struct SearchPage {
    pub layout: Layout,
    pub q: String,
    pub trades: Vec<Choice>,
    pub categories: Vec<ChoiceGroup>,
    pub kecamatan: Vec<Choice>,
    pub sorts: Vec<Choice>,
    pub trade: String,
    pub category: String,
    pub near: String,
    pub near_name: String,
    pub only_near: bool,
    pub min_price: Field,
    pub max_price: Field,
    pub verified: bool,
    pub sort: String,
    pub results: Vec<ResultCard>,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub suggestions: Vec<Suggestion>,
    pub filtered: bool,
}

pub struct BusinessCard {
    pub id: i64,
    pub name: String,
    pub kecamatan: String,
    pub badge: String,
    pub verified: bool,
    pub rating: Option<String>,
}

#[derive(Template)]
#[template(path = "catalog/listing.html")]
pub struct ListingPage {
    pub layout: Layout,
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub description: String,
    pub category: String,
    pub trade: String,
    pub price: String,
    pub min_order: i64,
    pub unit: String,
    pub lead: String,
    pub areas: String,
    pub photos: Vec<i64>,
    pub business: BusinessCard,
    pub whatsapp: Option<String>,
}

pub struct StoreListing {
    pub id: i64,
    pub title: String,
    pub category: String,
    pub price: String,
    pub photo_id: Option<i64>,
}

pub struct StoreReview {
    pub stars: String,
    pub rating: i64,
    pub body: String,
    pub reviewer: String,
    pub date: String,
    pub reply: Option<String>,
}

pub struct Permit {
    pub label: &'static str,
    pub number: String,
}

#[derive(Template)]
#[template(path = "catalog/store.html")]
pub struct StorePage {
    pub layout: Layout,
    pub business: BusinessCard,
    pub description: String,
    pub trades: String,
    pub location: String,
    pub pickup_address: String,
    pub hours: String,
    pub areas: String,
    pub permits: Vec<Permit>,
    pub listings: Vec<StoreListing>,
    pub reviews: Vec<StoreReview>,
    pub review_count: i64,
    pub whatsapp: Option<String>,
}

pub struct SynonymLine {
    pub id: i64,
    pub words: String,
}

#[derive(Template)]
#[template(path = "catalog/synonyms.html")]
pub struct SynonymsPage {
    pub layout: Layout,
    pub groups: Vec<SynonymLine>,
    pub words: Field,
}

#[derive(Template)]
#[template(path = "catalog/synonym_form.html")]
pub struct SynonymFormPage {
    pub layout: Layout,
    pub id: i64,
    pub words: Field,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_and_days() {
        assert_eq!(rating_text(12, 58).as_deref(), Some("★ 4,8 (12)"));
        assert_eq!(rating_text(1, 5).as_deref(), Some("★ 5,0 (1)"));
        assert_eq!(rating_text(0, 0), None);
    }
}
