//! The only database layer. One `Db` over sqlx's Any driver serves SQLite and PostgreSQL with the
//! same SQL (`$1` placeholders, `RETURNING`, `ON CONFLICT`); where the dialects differ the branch
//! stays inside this module. Column conventions (see the migrations): ids and instants are
//! BIGINT, dates are ISO text, flags are BIGINT 0/1, money is BIGINT whole Rupiah.

pub mod audit;
pub mod capital;
pub mod catalog;
pub mod claims;
pub mod directory;
pub mod gov_settings;
pub mod gov_stats;
pub mod imports;
pub mod notifications;
pub mod open_data;
pub mod orders;
pub mod outcomes;
pub mod procurement;
pub mod regions;
pub mod register;
pub mod reviews;
pub mod revision;
pub mod scale;
pub mod sessions;
pub mod settings;
pub mod stats;
pub mod storefront;
pub mod tracer;
pub mod track_record;
pub mod users;

use std::sync::Arc;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyConnection, AnyPool, Executor, Transaction};

pub use crate::config::{Backend, Synchronous};
use crate::domain::audit::ChainKey;

/// A transaction, carrying the key that seals the audit entries written in it. Its connection
/// is `&mut **tx` (inside a function given `&mut Tx`) or `&mut *tx`, as with sqlx's own.
pub struct Tx {
    inner: Transaction<'static, Any>,
    chain_key: Arc<ChainKey>,
    fanout: Arc<notifications::Fanout>,
}

impl std::ops::Deref for Tx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }
}

impl Tx {
    pub async fn commit(self) -> DbResult<()> {
        Ok(self.inner.commit().await?)
    }

    pub async fn rollback(self) -> DbResult<()> {
        Ok(self.inner.rollback().await?)
    }

    /// The key audit entries written in this transaction are sealed with.
    pub(crate) fn chain_key(&self) -> &ChainKey {
        &self.chain_key
    }

    /// The channels this instance reaches people through (`notifications::notify_user`).
    pub(crate) fn fanout(&self) -> &notifications::Fanout {
        &self.fanout
    }
}

/// How to open the database.
#[derive(Debug, Clone)]
pub struct Options {
    pub max_connections: u32,
    /// SQLite only.
    pub synchronous: Synchronous,
    /// The instance's audit chain key (derived from the data key).
    pub chain_key: ChainKey,
}

/// An executor: the pool, or a transaction's connection (`&mut **tx`). Reads that an update's
/// "before" comes from take one, so they can run inside the update's transaction.
pub trait Exec<'e>: sqlx::Executor<'e, Database = Any> {}
impl<'e, T: sqlx::Executor<'e, Database = Any>> Exec<'e> for T {}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("record not found")]
    NotFound,
    /// A uniqueness rule was violated; the value is the constraint's name, the same on both
    /// backends (one of the [`constraint`] constants for every unique index the migrations
    /// create).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The row changed since the caller loaded it (a conditional write matched nothing):
    /// nothing was written.
    #[error("changed meanwhile")]
    Stale,
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Other(String),
}

impl DbError {
    /// Whether this is a uniqueness conflict on exactly the named constraint (a [`constraint`]
    /// constant).
    pub fn is_conflict(&self, name: &str) -> bool {
        matches!(self, DbError::Conflict(c) if c == name)
    }
}

/// The names of the unique constraints and unique indexes, as PostgreSQL names them (inline
/// `UNIQUE` becomes `<table>_<columns>_key`; named indexes keep their name). SQLite reports a
/// violation by table and columns only; [`UNIQUE`] maps those back to these names. A test
/// (`tests/http/schema.rs`) checks that [`UNIQUE`] is exactly the unique indexes of both schemas.
pub mod constraint {
    pub const ALUMNI_NIK_HMAC: &str = "alumni_nik_hmac_key";
    pub const CAPITAL_CONSENTS_ONE_LIVE: &str = "capital_consents_one_live";
    pub const CAPITAL_DOCUMENTS_APPLICATION_KIND: &str =
        "capital_documents_application_id_kind_key";
    pub const CAPITAL_DOSSIERS_APPLICATION_VERSION: &str =
        "capital_dossiers_application_id_version_key";
    pub const CAPITAL_PROGRAMS_PARTNER_NAME: &str = "capital_programs_partner_id_name_key";
    pub const CAPITAL_REPAYMENTS_APPLICATION_PERIOD: &str =
        "capital_repayments_application_id_period_key";
    pub const BATCHES_PROGRAM_YEAR_NUMBER: &str = "batches_program_id_year_number_key";
    pub const CATEGORIES_TRADE_NAME: &str = "categories_trade_id_name_key";
    pub const CLAIM_CODES_CODE_HASH: &str = "claim_codes_code_hash_key";
    pub const OFFICE_BUDGET_LINES_OFFICE_YEAR_ACCOUNT: &str =
        "office_budget_lines_office_id_year_account_code_key";
    pub const OFFICE_DOCUMENTS_SCOPE_NUMBER: &str = "office_documents_scope_number_key";
    pub const OFFICE_DOCUMENTS_SCOPE_YEAR_SEQ: &str = "office_documents_scope_year_seq_key";
    pub const OFFICE_OFFERS_ONE_PENDING: &str = "office_offers_one_pending";
    pub const OFFICE_OFFERS_REQUEST_BUSINESS: &str = "office_offers_request_id_business_id_key";
    pub const OFFICE_PAYMENTS_ONE_LIVE: &str = "office_payments_one_live";
    pub const OFFICES_CODE: &str = "offices_code_key";
    pub const OFFICES_NAME: &str = "offices_name_key";
    pub const OUTBOX_NOTIFICATION_CHANNEL_RECIPIENT: &str =
        "outbox_notification_id_channel_recipient_key";
    pub const ORDERS_IDEMPOTENCY_KEY: &str = "orders_idempotency_key_key";
    pub const PARTICIPATIONS_ALUMNUS_BATCH: &str = "participations_alumnus_id_batch_id_key";
    pub const PARTNERS_NAME: &str = "partners_name_key";
    pub const PROCUREMENT_CATEGORIES_NAME: &str = "procurement_categories_name_key";
    pub const PUSH_SUBSCRIPTIONS_ENDPOINT: &str = "push_subscriptions_endpoint_key";
    pub const PROGRAMS_TRADE_NAME: &str = "programs_trade_id_name_key";
    pub const REVIEWS_ORDER_ID: &str = "reviews_order_id_key";
    pub const TRACER_INVITATIONS_PARTICIPATION_WAVE: &str =
        "tracer_invitations_participation_id_wave_key";
    pub const TRACER_INVITATIONS_TOKEN_HASH: &str = "tracer_invitations_token_hash_key";
    pub const TRACER_RESPONSES_INVITATION: &str = "tracer_responses_invitation_id_key";
    pub const TRADES_CODE: &str = "trades_code_key";
    pub const TRADES_NAME: &str = "trades_name_key";
    pub const USERS_ALUMNUS_ID: &str = "users_alumnus_id_key";
    pub const USERS_USERNAME: &str = "users_username_key";
}

/// Every unique constraint: its name, table and columns (in index order).
pub const UNIQUE: &[(&str, &str, &[&str])] = {
    use constraint::*;
    &[
        (ALUMNI_NIK_HMAC, "alumni", &["nik_hmac"]),
        (
            BATCHES_PROGRAM_YEAR_NUMBER,
            "batches",
            &["program_id", "year", "number"],
        ),
        (
            CAPITAL_CONSENTS_ONE_LIVE,
            "capital_consents",
            &["application_id"],
        ),
        (
            CAPITAL_DOCUMENTS_APPLICATION_KIND,
            "capital_documents",
            &["application_id", "kind"],
        ),
        (
            CAPITAL_DOSSIERS_APPLICATION_VERSION,
            "capital_dossiers",
            &["application_id", "version"],
        ),
        (
            CAPITAL_PROGRAMS_PARTNER_NAME,
            "capital_programs",
            &["partner_id", "name"],
        ),
        (
            CAPITAL_REPAYMENTS_APPLICATION_PERIOD,
            "capital_repayments",
            &["application_id", "period"],
        ),
        (CATEGORIES_TRADE_NAME, "categories", &["trade_id", "name"]),
        (CLAIM_CODES_CODE_HASH, "claim_codes", &["code_hash"]),
        (
            OFFICE_BUDGET_LINES_OFFICE_YEAR_ACCOUNT,
            "office_budget_lines",
            &["office_id", "year", "account_code"],
        ),
        (
            OFFICE_DOCUMENTS_SCOPE_NUMBER,
            "office_documents",
            &["scope", "number"],
        ),
        (
            OFFICE_DOCUMENTS_SCOPE_YEAR_SEQ,
            "office_documents",
            &["scope", "year", "seq"],
        ),
        (OFFICE_OFFERS_ONE_PENDING, "office_offers", &["request_id"]),
        (
            OFFICE_OFFERS_REQUEST_BUSINESS,
            "office_offers",
            &["request_id", "business_id"],
        ),
        (OFFICE_PAYMENTS_ONE_LIVE, "office_payments", &["request_id"]),
        (OFFICES_CODE, "offices", &["code"]),
        (OFFICES_NAME, "offices", &["name"]),
        (ORDERS_IDEMPOTENCY_KEY, "orders", &["idempotency_key"]),
        (
            OUTBOX_NOTIFICATION_CHANNEL_RECIPIENT,
            "outbox",
            &["notification_id", "channel", "recipient"],
        ),
        (
            PARTICIPATIONS_ALUMNUS_BATCH,
            "participations",
            &["alumnus_id", "batch_id"],
        ),
        (PARTNERS_NAME, "partners", &["name"]),
        (
            PROCUREMENT_CATEGORIES_NAME,
            "procurement_categories",
            &["name"],
        ),
        (PROGRAMS_TRADE_NAME, "programs", &["trade_id", "name"]),
        (
            PUSH_SUBSCRIPTIONS_ENDPOINT,
            "push_subscriptions",
            &["endpoint"],
        ),
        (REVIEWS_ORDER_ID, "reviews", &["order_id"]),
        (
            TRACER_INVITATIONS_PARTICIPATION_WAVE,
            "tracer_invitations",
            &["participation_id", "wave"],
        ),
        (
            TRACER_INVITATIONS_TOKEN_HASH,
            "tracer_invitations",
            &["token_hash"],
        ),
        (
            TRACER_RESPONSES_INVITATION,
            "tracer_responses",
            &["invitation_id"],
        ),
        (TRADES_CODE, "trades", &["code"]),
        (TRADES_NAME, "trades", &["name"]),
        (USERS_ALUMNUS_ID, "users", &["alumnus_id"]),
        (USERS_USERNAME, "users", &["username"]),
    ]
};

/// The constraint a SQLite unique violation names: its message says
/// `UNIQUE constraint failed: t.a, t.b` (or `... index 'name'` for an index on expressions).
/// `None` when the table and columns are not a known unique constraint (a primary key).
fn sqlite_constraint(message: &str) -> Option<String> {
    let detail = message.strip_prefix("UNIQUE constraint failed: ")?;
    if let Some(index) = detail.strip_prefix("index '") {
        return Some(index.trim_end_matches('\'').to_owned());
    }
    let mut table = None;
    let mut columns = Vec::new();
    for part in detail.split(',') {
        let (t, c) = part.trim().split_once('.')?;
        if *table.get_or_insert(t) != t {
            return None;
        }
        columns.push(c);
    }
    let table = table?;
    UNIQUE
        .iter()
        .find(|(_, t, cols)| *t == table && *cols == columns.as_slice())
        .map(|(name, _, _)| (*name).to_owned())
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
                        .or_else(|| sqlite_constraint(db.message()))
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
    chain_key: Arc<ChainKey>,
    fanout: Arc<notifications::Fanout>,
}

impl Db {
    /// Opens a pool. SQLite gets WAL, foreign keys, a busy timeout and the configured
    /// `synchronous` (FULL unless the operator chose otherwise) on every connection, set here
    /// and nowhere else.
    pub async fn connect(url: &str, backend: Backend, options: Options) -> DbResult<Db> {
        sqlx::any::install_default_drivers();
        let mut pool = AnyPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(5));
        if backend == Backend::Sqlite {
            let pragmas = format!(
                "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                 PRAGMA busy_timeout = 5000; PRAGMA synchronous = {};",
                options.synchronous.pragma()
            );
            pool = pool.after_connect(move |conn, _meta| {
                let pragmas = pragmas.clone();
                Box::pin(async move {
                    conn.execute(sqlx::AssertSqlSafe(pragmas)).await?;
                    Ok(())
                })
            });
        }
        let pool = pool.connect(url).await?;
        Ok(Db {
            pool,
            backend,
            chain_key: Arc::new(options.chain_key),
            fanout: Arc::default(),
        })
    }

    /// The same pool, with the channels besides the app that this instance has (set once at
    /// start-up from the settings; without it a notification stays in the app and push).
    pub fn with_fanout(mut self, fanout: notifications::Fanout) -> Db {
        self.fanout = Arc::new(fanout);
        self
    }

    pub fn fanout(&self) -> &notifications::Fanout {
        &self.fanout
    }

    /// The key the audit chain is sealed with.
    pub fn chain_key(&self) -> &ChainKey {
        &self.chain_key
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
        let inner = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(Tx {
            inner,
            chain_key: self.chain_key.clone(),
            fanout: self.fanout.clone(),
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
    tx.commit().await
}

/// Current instant as stored: seconds since the Unix epoch, UTC.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_messages_name_the_postgresql_constraint() {
        assert_eq!(
            sqlite_constraint("UNIQUE constraint failed: users.username").as_deref(),
            Some(constraint::USERS_USERNAME)
        );
        assert_eq!(
            sqlite_constraint(
                "UNIQUE constraint failed: batches.program_id, batches.year, batches.number"
            )
            .as_deref(),
            Some(constraint::BATCHES_PROGRAM_YEAR_NUMBER)
        );
        // A partial unique index is named by its own name.
        assert_eq!(
            sqlite_constraint("UNIQUE constraint failed: office_offers.request_id").as_deref(),
            Some(constraint::OFFICE_OFFERS_ONE_PENDING)
        );
        assert_eq!(
            sqlite_constraint("UNIQUE constraint failed: index 'some_index'").as_deref(),
            Some("some_index")
        );
        // Columns in another order are another index; a primary key is none of these.
        assert_eq!(
            sqlite_constraint("UNIQUE constraint failed: batches.year, batches.program_id"),
            None
        );
        assert_eq!(
            sqlite_constraint("UNIQUE constraint failed: users.id"),
            None
        );
        assert_eq!(
            sqlite_constraint("NOT NULL constraint failed: users.id"),
            None
        );
    }

    #[test]
    fn conflicts_match_exact_names_only() {
        let e = DbError::Conflict(constraint::TRADES_NAME.into());
        assert!(e.is_conflict(constraint::TRADES_NAME));
        assert!(!e.is_conflict("name"));
        assert!(!DbError::Stale.is_conflict(constraint::TRADES_NAME));
    }
}
