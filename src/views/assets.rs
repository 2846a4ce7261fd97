//! Static assets embedded in the binary, and their content-hashed URLs (`karya.3f2a9c1d.css`)
//! for pages to link. `web::assets` serves the files under those names with a long cache.

use std::sync::OnceLock;

use sha2::{Digest, Sha256};

pub struct Asset {
    name: &'static str,
    ext: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
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

/// The asset served under a content-hashed name, if any.
pub fn by_hashed_name(file: &str) -> Option<&'static Asset> {
    ASSETS
        .iter()
        .zip(hashed_names())
        .find(|(_, hashed)| **hashed == file)
        .map(|(asset, _)| asset)
}
