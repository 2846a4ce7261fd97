//! The two schemas agree on their unique constraints: every unique index on SQLite and on
//! PostgreSQL is one entry of `db::UNIQUE`, with the same name, table and columns, so
//! `DbError::Conflict` names the same constraint on both backends.

use std::collections::BTreeSet;

use karya::config::Backend;
use karya::db::UNIQUE;
use sqlx::Row;

use crate::helpers;

type Unique = (String, String, Vec<String>);

fn registry() -> BTreeSet<Unique> {
    UNIQUE
        .iter()
        .map(|(name, table, cols)| {
            (
                (*name).to_owned(),
                (*table).to_owned(),
                cols.iter().map(|c| (*c).to_owned()).collect(),
            )
        })
        .collect()
}

/// SQLite's unique indexes (primary keys aside): an index created by name keeps it; one SQLite
/// made for an inline `UNIQUE` gets the registry's name for its table and columns (or a
/// placeholder that fails the comparison).
async fn sqlite_uniques(pool: &sqlx::AnyPool) -> BTreeSet<Unique> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut found = BTreeSet::new();
    for table in tables {
        let indexes = sqlx::query(
            "SELECT name, origin FROM pragma_index_list($1) WHERE \"unique\" = 1 AND origin <> 'pk'",
        )
        .bind(&table)
        .fetch_all(pool)
        .await
        .unwrap();
        for index in indexes {
            let index_name: String = index.get("name");
            let origin: String = index.get("origin");
            let cols: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&index_name)
                    .fetch_all(pool)
                    .await
                    .unwrap();
            let name = if origin == "c" {
                index_name
            } else {
                UNIQUE
                    .iter()
                    .find(|(_, t, c)| *t == table && *c == cols.as_slice())
                    .map(|(n, _, _)| (*n).to_owned())
                    .unwrap_or_else(|| format!("unnamed unique on {table}({})", cols.join(", ")))
            };
            found.insert((name, table.clone(), cols));
        }
    }
    found
}

async fn postgres_uniques(pool: &sqlx::AnyPool) -> BTreeSet<Unique> {
    let rows = sqlx::query(
        "SELECT i.relname::text AS name, t.relname::text AS tbl, \
         array_to_string(ARRAY(SELECT a.attname::text FROM unnest(ix.indkey) \
           WITH ORDINALITY AS k(attnum, ord) \
           JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
           ORDER BY k.ord), ',') AS cols \
         FROM pg_index ix \
         JOIN pg_class i ON i.oid = ix.indexrelid \
         JOIN pg_class t ON t.oid = ix.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE ix.indisunique AND NOT ix.indisprimary AND n.nspname = current_schema() \
         AND t.relname NOT LIKE '\\_sqlx%'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    rows.iter()
        .map(|r| {
            let cols: String = r.get("cols");
            (
                r.get("name"),
                r.get("tbl"),
                cols.split(',').map(str::to_owned).collect(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(karya_test_postgres), ignore = "KARYA_TEST_POSTGRES_URL not set")]
async fn unique_constraints_have_the_same_names_on_both_backends() {
    let sqlite = helpers::spawn(Backend::Sqlite).await.expect("sqlite app");
    let postgres = helpers::spawn(Backend::Postgres)
        .await
        .expect("postgres app: KARYA_TEST_POSTGRES_URL not set");
    let expected = registry();
    assert_eq!(sqlite_uniques(sqlite.db.pool()).await, expected, "SQLite");
    assert_eq!(
        postgres_uniques(postgres.db.pool()).await,
        expected,
        "PostgreSQL"
    );
}
