//! Validation against the official OCDS 1.1.5 release-package schema, offline.
//!
//! The schemas are copies in `tests/data/ocds/` (see NOTICE). The package schema refers to the
//! release schema by its canonical https URL; that URL is registered with the local copy so no
//! network is needed. Formats (`date-time`, `uri`) are checked as well as structure.

use std::sync::OnceLock;

use serde_json::Value;

const RELEASE_SCHEMA_URL: &str =
    "https://standard.open-contracting.org/schema/1__1__5/release-schema.json";

fn load(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/ocds")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let registry = jsonschema::Registry::new()
            .add(RELEASE_SCHEMA_URL, load("release-schema.json"))
            .and_then(|b| b.prepare())
            .unwrap_or_else(|e| panic!("registering the OCDS release schema: {e}"));
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .with_registry(&registry)
            .offline()
            .should_validate_formats(true)
            .build(&load("release-package-schema.json"))
            .unwrap_or_else(|e| panic!("building the OCDS package validator: {e}"))
    })
}

/// Checks `value` against the OCDS 1.1.5 release-package schema. On failure, one line per
/// error: `<instance path>: <message>`.
pub fn validate(value: &Value) -> Result<(), Vec<String>> {
    let errors: Vec<String> = validator()
        .iter_errors(value)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
