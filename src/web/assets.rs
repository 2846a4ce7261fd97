//! Serving the static assets at their content-hashed URLs with a long cache; which assets there
//! are and their URLs is `views::assets`'s.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::WebError;
use crate::views::assets::by_hashed_name;

pub async fn serve(Path(file): Path<String>) -> Result<Response, WebError> {
    let asset = by_hashed_name(&file).ok_or(WebError::NotFound)?;
    let mut response = asset.bytes.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(response)
}
