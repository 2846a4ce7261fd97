//! Tells the tests what this machine can run, so a test that cannot run shows as ignored in the
//! summary instead of passing without doing anything.
//!
//! - `karya_test_postgres`: `KARYA_TEST_POSTGRES_URL` is set, or `KARYA_TEST_REQUIRE` names
//!   `postgres` (then a missing database fails the test instead of hiding it).
//! - `karya_test_browser`: chromedriver and a Chromium/Chrome binary are on `PATH`, or
//!   `KARYA_TEST_REQUIRE` names `browser`.
//! - `karya_test_screenshots`: `KARYA_SCREENSHOTS` names a directory for the screenshot tests.
//!
//! The application itself never reads these cfgs.

use std::env;
use std::path::Path;

fn main() {
    for var in [
        "KARYA_TEST_POSTGRES_URL",
        "KARYA_TEST_REQUIRE",
        "KARYA_SCREENSHOTS",
        "PATH",
    ] {
        println!("cargo::rerun-if-env-changed={var}");
    }
    println!("cargo::rerun-if-changed=build.rs");
    for cfg in [
        "karya_test_postgres",
        "karya_test_browser",
        "karya_test_screenshots",
    ] {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
    }

    let set = |var: &str| env::var_os(var).is_some_and(|v| !v.is_empty());
    let required = |what: &str| {
        env::var("KARYA_TEST_REQUIRE")
            .map(|v| v.split(',').any(|p| p.trim() == what))
            .unwrap_or(false)
    };

    if set("KARYA_TEST_POSTGRES_URL") || required("postgres") {
        println!("cargo::rustc-cfg=karya_test_postgres");
    }
    let browser = on_path(&["chromedriver"])
        && on_path(&[
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
        ]);
    if browser || required("browser") {
        println!("cargo::rustc-cfg=karya_test_browser");
    }
    if set("KARYA_SCREENSHOTS") {
        println!("cargo::rustc-cfg=karya_test_screenshots");
    }
}

/// Whether one of `names` is a file in a `PATH` directory.
fn on_path(names: &[&str]) -> bool {
    let Some(path) = env::var_os("PATH") else {
        return false;
    };
    env::split_paths(&path).any(|dir| names.iter().any(|n| Path::new(&dir).join(n).is_file()))
}
