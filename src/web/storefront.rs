//! An alumnus's storefront: their business, its listings and photos; and the agency's
//! verification of businesses.

use axum::Router;

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
