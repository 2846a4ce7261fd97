//! Static assets, embedded in the binary and served at content-hashed URLs with a long cache.

use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::WebError;

struct Asset {
    name: &'static str,
    ext: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "karya",
        ext: "css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../static/karya.css"),
    },
    Asset {
        name: "karya",
        ext: "js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../static/karya.js"),
    },
    Asset {
        name: "logo",
        ext: "svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("../../static/logo.svg"),
    },
];

/// `karya.css` → `karya.3f2a9c1d.css`, computed once from the embedded bytes.
fn hashed_names() -> &'static Vec<String> {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        ASSETS
            .iter()
            .map(|a| {
                let digest = hex::encode(Sha256::digest(a.bytes));
                format!("{}.{}.{}", a.name, &digest[..10], a.ext)
            })
            .collect()
    })
}

/// The URL of an asset by its plain file name (`karya.css`).
pub fn url(file: &str) -> String {
    ASSETS
        .iter()
        .zip(hashed_names())
        .find(|(a, _)| format!("{}.{}", a.name, a.ext) == file)
        .map(|(_, hashed)| format!("/static/{hashed}"))
        .unwrap_or_default()
}

pub async fn serve(Path(file): Path<String>) -> Result<Response, WebError> {
    let (asset, _) = ASSETS
        .iter()
        .zip(hashed_names())
        .find(|(_, hashed)| **hashed == file)
        .ok_or(WebError::NotFound)?;
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
