//! The public catalog: search, listing pages and storefront pages; the admin's search synonyms.

use axum::Router;
use axum::routing::get;

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    // Placeholder until the catalog lands.
    Router::new().route("/katalog", get(crate::web::public::catalog))
}
