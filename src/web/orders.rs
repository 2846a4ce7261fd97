//! Orders from the public: the order form, the order page (timeline, messages, payment, QRIS),
//! each side's order list, reviews, and the agency's dispute decisions.

use axum::Router;

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
