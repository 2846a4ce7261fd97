//! The only database layer. One `Db` over sqlx's Any driver serves SQLite and PostgreSQL with the
//! same SQL (`$1` placeholders, `RETURNING`, `ON CONFLICT`); where the dialects differ the branch
//! stays inside this module. Column conventions (see the migrations): ids and instants are
//! BIGINT, dates are ISO text, flags are BIGINT 0/1, money is BIGINT whole Rupiah.

pub mod audit;
pub mod catalog;
pub mod claims;
pub mod directory;
pub mod gov_settings;
pub mod gov_stats;
pub mod imports;
pub mod notifications;
pub mod open_data;
pub mod orders;
pub mod procurement;
pub mod regions;
pub mod register;
pub mod reviews;
pub mod revision;
pub mod sessions;
pub mod stats;
pub mod storefront;
pub mod users;

use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyPool, Executor, Transaction};

pub use crate::config::Backend;

pub type Tx = Transaction<'static, Any>;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("record not found")]
    NotFound,
    /// A uniqueness rule was violated; the text names the constraint or column.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Other(String),
}

impl DbError {
    /// Whether this is a uniqueness conflict on the named column (works for both backends'
    /// messages: SQLite names `table.column`, PostgreSQL names `table_column_key`).
    pub fn is_conflict_on(&self, column: &str) -> bool {
        matches!(self, DbError::Conflict(detail) if detail.contains(column))
    }
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => DbError::NotFound,
            sqlx::Error::Database(ref db)
                if db.kind() == sqlx::error::ErrorKind::UniqueViolation =>
            {
                DbError::Conflict(
                    db.constraint()
                        .map(str::to_owned)
                        .unwrap_or_else(|| db.message().to_owned()),
                )
            }
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed => DbError::Unavailable(e.to_string()),
            other => DbError::Other(other.to_string()),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for DbError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        match e {
            sqlx::migrate::MigrateError::Execute(inner) => inner.into(),
            other => DbError::Other(other.to_string()),
        }
    }
}

pub type DbResult<T> = Result<T, DbError>;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

impl Db {
    /// Opens a pool. SQLite gets WAL, foreign keys, a busy timeout and `synchronous = NORMAL` on
    /// every connection, set here and nowhere else.
    pub async fn connect(url: &str, backend: Backend, max_connections: u32) -> DbResult<Db> {
        sqlx::any::install_default_drivers();
        let mut options = AnyPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(5));
        if backend == Backend::Sqlite {
            options = options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                         PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;",
                    )
                    .await?;
                    Ok(())
                })
            });
        }
        let pool = options.connect(url).await?;
        Ok(Db { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn migrate(&self) -> DbResult<()> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    /// Versions of the embedded migrations, per backend (a test keeps them in step).
    pub fn migration_versions(backend: Backend) -> Vec<(i64, String)> {
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect()
    }

    pub async fn ping(&self) -> DbResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// A transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`): a
    /// transaction that reads and then writes would otherwise fail with "database is locked"
    /// whenever another connection committed in between (WAL snapshots cannot be upgraded), and
    /// busy_timeout does not help there. Writers wait for each other instead.
    pub async fn begin(&self) -> DbResult<Tx> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Closes the pool: later queries fail as "unavailable" (used for shutdown and by tests).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A consistent online copy of a SQLite database (`VACUUM INTO`), safe while serving.
    pub async fn backup_sqlite(&self, target: &str) -> DbResult<()> {
        if self.backend != Backend::Sqlite {
            return Err(DbError::Other("backup is only built in for SQLite".into()));
        }
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

pub async fn commit(tx: Tx) -> DbResult<()> {
    Ok(tx.commit().await?)
}

/// Current instant as stored: seconds since the Unix epoch, UTC.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
