//! Pure domain logic: no HTTP, no SQL. Types here validate on construction.

pub mod audit;
pub mod capital;
pub mod claim;
pub mod dates;
pub mod form;
pub mod import;
pub mod nik;
pub mod nip;
pub mod npwp;
pub mod order;
pub mod outcomes;
pub mod password;
pub mod personal;
pub mod phone;
pub mod policy;
pub mod procurement;
pub mod qris;
pub mod reach;
pub mod redirect;
pub mod refusal;
pub mod region;
pub mod register;
pub mod rupiah;
pub mod storefront;
pub mod text;
pub mod throttle;
pub mod tracer;
pub mod user;
pub mod whatsapp;

/// The (from, to) pairs a migration's `INSERT INTO <table>` writes: the state machines' tables,
/// which tests compare with the domain's.
#[cfg(test)]
pub(crate) fn migration_transitions(sql: &str, table: &str) -> Vec<(String, String)> {
    let start = sql
        .find(&format!("INSERT INTO {table}"))
        .unwrap_or_else(|| panic!("the migration fills {table}"));
    let end = sql[start..]
        .find(';')
        .map(|e| start + e)
        .unwrap_or(sql.len());
    sql[start..end]
        .split('(')
        .skip(2)
        .map(|tuple| {
            let inner = tuple.split(')').next().unwrap_or("");
            let mut names = inner
                .split(',')
                .map(|s| s.trim().trim_matches('\'').to_owned());
            (
                names.next().unwrap_or_default(),
                names.next().unwrap_or_default(),
            )
        })
        .collect()
}
pub use refusal::Refusal;
