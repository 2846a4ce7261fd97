//! The public read-only JSON API and its OpenAPI document.

use axum::Router;

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
