//! Settings kept as key/value text rows (capital's timeouts and SIKP columns, the tracer's waves
//! and reminders), read and validated by the domain of each capability.

use std::collections::BTreeMap;

use sqlx::Row;

use super::{Db, DbResult, Tx};

/// The key/value settings tables.
#[derive(Debug, Clone, Copy)]
pub enum Table {
    Capital,
    Tracer,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Capital => "capital_settings",
            Table::Tracer => "tracer_settings",
        }
    }
}

/// Every stored setting of the table.
pub async fn read(db: &Db, table: Table) -> DbResult<BTreeMap<String, String>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT key, value FROM {}",
        table.name()
    )))
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("key")?, r.try_get("value")?)))
        .collect()
}

/// Stores one setting, replacing its earlier value.
pub async fn put(tx: &mut Tx, table: Table, key: &str, value: &str) -> DbResult<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO {} (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        table.name()
    )))
    .bind(key)
    .bind(value)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
