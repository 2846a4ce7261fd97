//! Black-box HTTP tests: the real server on a random port, each test run on SQLite and PostgreSQL.

mod helpers;

mod access;
mod accounts;
mod auth;
mod claim;
mod imports;
mod platform;
mod register;

#[path = "../browser/mod.rs"]
mod browser;

/// Both migration folders list the same versions with the same names.
#[test]
fn migration_sets_stay_in_step() {
    use karya::config::Backend;
    use karya::db::Db;
    let sqlite = Db::migration_versions(Backend::Sqlite);
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, Db::migration_versions(Backend::Postgres));
}
