//! Building the application from settings: database, migrations, regions, demo data, router,
//! listener, and the background jobs beside it; `server` serves the connections. Tests build it
//! the same way on port 0.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer};

use crate::config::Settings;
use crate::db::{self, Db};
use crate::secrets::Secrets;
use crate::web::{AppState, csrf, middleware, session};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("{0}")]
    Config(#[from] crate::config::ConfigError),
    #[error("{0}")]
    Secrets(#[from] crate::secrets::SecretsError),
    #[error("folder data {0} tidak dapat dibuat: {1}")]
    DataDir(String, std::io::Error),
    #[error("basis data: {0}")]
    Db(#[from] db::DbError),
    #[error("alamat {0} tidak dapat dipakai: {1}")]
    Bind(String, std::io::Error),
}

pub struct Application {
    listener: TcpListener,
    pub state: AppState,
}

/// Opens the database named by the settings with the instance's audit key, creating the data
/// folder for SQLite. Files the process creates from here on are its owner's alone.
pub async fn open_database(settings: &Settings, secrets: &Secrets) -> Result<Db, StartupError> {
    let backend = settings.backend()?;
    owner_only_files(&settings.data_dir)?;
    let options = db::Options {
        max_connections: settings.db_max_connections,
        synchronous: settings.sqlite_synchronous,
        chain_key: crate::domain::audit::ChainKey::derive(secrets.data_key.bytes()),
    };
    let db = Db::connect(&settings.database_url(), backend, options).await?;
    // The database and its journal were created under the mask, or by an older version that
    // left them readable by every local user: they are the owner's alone from here on.
    owner_only_files(&settings.data_dir)?;
    Ok(db)
}

/// Personal data rests in the data folder (the SQLite database, its WAL, backups, exports the
/// command line writes): every file and folder the process creates is its owner's alone
/// (umask 077), the data folder is 0700, and files an older version left readable by others
/// in it are made 0600.
pub fn owner_only_files(data_dir: &std::path::Path) -> Result<(), StartupError> {
    let failed = |e: std::io::Error| StartupError::DataDir(data_dir.display().to_string(), e);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // SAFETY: umask only sets the process's file creation mask; it cannot fail.
        unsafe {
            libc::umask(0o077);
        }
        std::fs::create_dir_all(data_dir).map_err(failed)?;
        std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o700))
            .map_err(failed)?;
        for entry in std::fs::read_dir(data_dir).map_err(failed)? {
            let entry = entry.map_err(failed)?;
            let meta = entry.metadata().map_err(failed)?;
            if meta.is_file() && meta.permissions().mode() & 0o077 != 0 {
                std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(0o600))
                    .map_err(failed)?;
            }
        }
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(data_dir).map_err(failed)?;
    Ok(())
}

/// Migrations, the instance's regions, stored imports sealed (those kept in clear before
/// sealing existed) and their expired uploads deleted, and (demo mode, empty database) the demo
/// district.
pub async fn prepare_database(
    db: &Db,
    settings: &Settings,
    secrets: &Secrets,
) -> Result<(), StartupError> {
    use crate::app::imports;
    db.migrate().await?;
    crate::app::procurement::seal_stored_npwps(db, &secrets.data_key)
        .await
        .map_err(|e| StartupError::Db(db::DbError::Other(e.to_string())))?;
    db::regions::load(db, &settings.instance.kabupaten).await?;
    imports::seal_stored(db, secrets)
        .await
        .map_err(import_error)?;
    purge_expired_imports(db, settings.import_retention_days).await;
    if settings.demo {
        crate::demo::seed_if_empty(db, settings, secrets).await?;
    }
    Ok(())
}

fn import_error(e: crate::app::imports::RunError) -> StartupError {
    match e {
        crate::app::imports::RunError::Db(d) => StartupError::Db(d),
        other => StartupError::Db(db::DbError::Other(other.to_string())),
    }
}

/// Deletes the expired uploads of imports; a failure is logged and retried by the next sweep.
async fn purge_expired_imports(db: &Db, retention_days: i64) {
    match crate::app::imports::purge_expired(db, retention_days).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(count = n, "expired import uploads deleted"),
        Err(e) => tracing::warn!(error = %e, "deleting expired import uploads failed"),
    }
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Application, StartupError> {
        settings.validate()?;
        std::fs::create_dir_all(&settings.data_dir)
            .map_err(|e| StartupError::DataDir(settings.data_dir.display().to_string(), e))?;
        let secrets = Secrets::load_or_create(&settings.data_dir)?;
        let db = open_database(&settings, &secrets).await?;
        prepare_database(&db, &settings, &secrets).await?;
        let listener = TcpListener::bind(&settings.bind)
            .await
            .map_err(|e| StartupError::Bind(settings.bind.clone(), e))?;
        let mut settings = settings;
        if settings.public_url.is_empty() {
            let addr = listener
                .local_addr()
                .map_err(|e| StartupError::Bind(settings.bind.clone(), e))?;
            settings.public_url = format!("http://{addr}");
        }
        // Notifications fan out to the channels this instance has (the demo, seeded above,
        // reached people in the app only).
        let db = db.with_fanout(db::notifications::Fanout::from_settings(&settings));
        let state = AppState {
            db,
            settings: Arc::new(settings),
            secrets: Arc::new(secrets),
            running: Default::default(),
            catalog: Default::default(),
        };
        // The search index is loaded before the first request.
        state.catalog.refresh(&state.db).await?;
        Ok(Application { listener, state })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("bound listener has an address")
    }

    /// Serves until `shutdown` resolves; in-flight requests finish first.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let app = app(self.state.clone());
        let jobs = self
            .state
            .settings
            .background_jobs
            .then(|| Jobs::start(&self.state));
        crate::server::serve(
            self.listener,
            app,
            crate::server::Limits::from_settings(&self.state.settings),
            shutdown,
        )
        .await;
        if let Some(jobs) = jobs {
            jobs.stop().await;
        }
        Ok(())
    }
}

/// The background jobs of an instance (`settings.background_jobs`).
struct Jobs {
    periodic: Vec<tokio::task::JoinHandle<()>>,
    stop_outbox: tokio::sync::watch::Sender<bool>,
    outbox: tokio::task::JoinHandle<()>,
}

impl Jobs {
    fn start(state: &AppState) -> Jobs {
        let (db, settings) = (&state.db, &state.settings);
        let periodic = vec![
            tokio::spawn(sweep_periodically(db.clone(), settings.clone())),
            tokio::spawn(crate::app::orders::autocomplete_periodically(
                db.clone(),
                settings.clone(),
                state.secrets.data_key.clone(),
            )),
            tokio::spawn(crate::app::procurement::expire_periodically(
                db.clone(),
                settings.clone(),
                state.secrets.data_key.clone(),
            )),
            tokio::spawn(crate::app::capital::remind_periodically(
                db.clone(),
                settings.clone(),
                state.secrets.data_key.clone(),
            )),
            tokio::spawn(crate::app::tracer::run_periodically(
                db.clone(),
                settings.clone(),
                state.secrets.data_key.clone(),
            )),
        ];
        // The outbox sender; asked to stop after the server, it finishes its current step.
        let (stop_outbox, outbox_stop) = tokio::sync::watch::channel(false);
        let sender = crate::outbox::Outbound::from_settings(
            settings,
            &crate::secrets::vapid_private_key(&state.secrets.data_key),
        );
        let outbox = tokio::spawn(crate::outbox::run(db.clone(), sender, outbox_stop));
        Jobs {
            periodic,
            stop_outbox,
            outbox,
        }
    }

    async fn stop(self) {
        for job in self.periodic {
            job.abort();
        }
        let _ = self.stop_outbox.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(30), self.outbox).await;
    }
}

/// Hourly: expired sessions, and the uploads of imports past `import_retention_days`.
async fn sweep_periodically(db: Db, settings: Arc<Settings>) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        if let Err(e) = db::sessions::sweep(&db).await {
            tracing::warn!(error = %e, "session sweep failed");
        }
        purge_expired_imports(&db, settings.import_retention_days).await;
    }
}

/// The router with every layer, in the order a request meets them.
pub fn app(state: AppState) -> axum::Router {
    let request_id = HeaderName::from_static("x-request-id");
    let limit = state.settings.body_limit_bytes;
    let timeout = Duration::from_secs(state.settings.request_timeout_secs);
    crate::routes::router()
        .layer(from_fn_with_state(
            state.clone(),
            middleware::signed_in_error_pages,
        ))
        .layer(from_fn_with_state(state.clone(), csrf::protect))
        .layer(from_fn_with_state(state.clone(), session::resolve))
        .layer(DefaultBodyLimit::max(limit))
        // The outer cap admits an uploaded spreadsheet; ordinary forms stay at `limit`
        // (DefaultBodyLimit and the CSRF check), the upload route raises its own.
        .layer(RequestBodyLimitLayer::new(limit.max(crate::web::imports::UPLOAD_LIMIT)))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(from_fn(middleware::error_pages))
        .layer(CompressionLayer::new())
        .layer(from_fn(middleware::security_headers))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    let id = req
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO))
                .on_failure(DefaultOnFailure::new().level(tracing::Level::ERROR)),
        )
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

/// A future that resolves on SIGTERM or Ctrl-C. The handlers are installed when this is called,
/// not when the future is first polled, so a signal sent right after start-up is not missed.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        let ctrl_c = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let term = async move {
            match term {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            () = ctrl_c => {},
            () = term => {},
        }
        tracing::info!("shutdown signal received; finishing in-flight requests");
    }
}
