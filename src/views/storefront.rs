//! Storefront pages (alumni side) and business verification (agency side).
//! Marketplace: storefront.

use askama::Template;

use super::{Choice, ChoiceGroup, Field, Layout};

/// A checkbox: its value, label, and whether it is ticked.
pub struct Check {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// A kecamatan with its desa, for choosing the areas served.
pub struct AreaGroup {
    pub kecamatan: Check,
    pub desa: Vec<Check>,
    /// Whether any desa is ticked (the group starts open).
    pub open: bool,
}

/// A fact line: label and value.
pub struct Fact {
    pub label: String,
    pub value: String,
}

pub struct ListingRow {
    pub id: i64,
    pub title: String,
    pub kind: &'static str,
    pub category: String,
    pub price: String,
    pub office_price: Option<String>,
    pub active: bool,
    pub photos: i64,
    pub cover: Option<i64>,
}

#[derive(Template)]
#[template(path = "storefront/dashboard.html")]
pub struct DashboardPage {
    pub layout: Layout,
    pub business_id: i64,
    pub name: String,
    pub verified: bool,
    pub badge: Option<String>,
    pub facts: Vec<Fact>,
    pub listings: Vec<ListingRow>,
    pub active_count: usize,
}

#[derive(Template)]
#[template(path = "storefront/none.html")]
pub struct NoBusinessPage {
    pub layout: Layout,
    pub claimed: bool,
}

#[derive(Template)]
#[template(path = "storefront/business_form.html")]
pub struct BusinessFormPage {
    pub layout: Layout,
    pub editing: bool,
    pub error_count: usize,
    pub name: Field,
    pub description: Field,
    pub trade_id: Field,
    pub trades: Vec<Choice>,
    pub other_trades: Vec<Check>,
    pub other_trades_error: Option<String>,
    pub kecamatan: Field,
    pub kecamatans: Vec<Choice>,
    pub desa: Field,
    pub desa_groups: Vec<ChoiceGroup>,
    pub areas: Vec<AreaGroup>,
    pub areas_error: Option<String>,
    pub pickup_address: Field,
    pub days: Vec<Check>,
    pub days_error: Option<String>,
    pub open_from: Field,
    pub open_until: Field,
    pub phone: Field,
    pub phone_public: bool,
    pub nib: Field,
    pub pirt: Field,
    pub halal: Field,
    pub qris: Field,
    pub bank_name: Field,
    pub bank_account: Field,
    pub bank_holder: Field,
}

#[derive(Template)]
#[template(path = "storefront/listing_form.html")]
pub struct ListingFormPage {
    pub layout: Layout,
    pub id: Option<i64>,
    pub error_count: usize,
    pub kind: Field,
    pub title: Field,
    pub description: Field,
    pub category_id: Field,
    pub categories: Vec<ChoiceGroup>,
    /// Trades of the business that have no category yet.
    pub trades_without_categories: Vec<String>,
    pub price_kind: Field,
    pub price: Field,
    pub office_price: Field,
    pub unit: Field,
    pub units: Vec<&'static str>,
    pub min_order: Field,
    pub lead_days: Field,
    pub areas: Vec<Check>,
    pub areas_error: Option<String>,
    pub active: bool,
    pub photos: i64,
}

pub struct PhotoView {
    pub id: i64,
    pub width: i64,
    pub height: i64,
    pub kb: i64,
}

#[derive(Template)]
#[template(path = "storefront/photos.html")]
pub struct PhotosPage {
    pub layout: Layout,
    pub listing_id: i64,
    pub title: String,
    pub photos: Vec<PhotoView>,
    pub max: i64,
    pub error: Option<String>,
}

pub struct BusinessLineView {
    pub id: i64,
    pub name: String,
    pub owner: String,
    pub trade: String,
    pub kecamatan: String,
    pub verified: bool,
    pub badge: Option<String>,
    pub listings: i64,
}

#[derive(Template)]
#[template(path = "storefront/admin_list.html")]
pub struct AdminBusinessesPage {
    pub layout: Layout,
    pub rows: Vec<BusinessLineView>,
    pub status: String,
    pub trade: String,
    pub kecamatan: String,
    pub trades: Vec<Choice>,
    pub kecamatans: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "storefront/admin_business.html")]
pub struct AdminBusinessPage {
    pub layout: Layout,
    pub id: i64,
    pub name: String,
    pub owner: String,
    pub alumnus_id: i64,
    pub badge: Option<String>,
    pub facts: Vec<Fact>,
    pub participations: Vec<Choice>,
    pub participation: Field,
    pub reason: Field,
    pub listings: i64,
}

pub struct CategoryLine {
    pub id: i64,
    pub name: String,
    pub listings: i64,
}

pub struct CategoryTrade {
    pub trade_id: i64,
    pub name: String,
    pub categories: Vec<CategoryLine>,
}

#[derive(Template)]
#[template(path = "storefront/categories.html")]
pub struct CategoriesPage {
    pub layout: Layout,
    pub trades: Vec<CategoryTrade>,
    pub trade_choices: Vec<Choice>,
    pub trade_id: Field,
    pub name: Field,
    /// The category whose rename failed, with the message.
    pub rename_error: Option<(i64, String)>,
}
