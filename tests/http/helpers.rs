//! Test harness: the real application on a random port against a fresh database, once per
//! backend. PostgreSQL tests run when `KARYA_TEST_POSTGRES_URL` is set (each test gets its own
//! schema); without it the `::postgres` variants show as ignored (cfg `karya_test_postgres`, set
//! by build.rs). `KARYA_TEST_REQUIRE=postgres` turns a missing database into a failure.

use std::sync::Arc;

use karya::config::{Backend, Settings};
use karya::db::Db;
use karya::startup::Application;
use reqwest::StatusCode;
use tokio::sync::oneshot;

pub const DEMO_PASSWORD: &str = "karya-demo";

pub fn required(what: &str) -> bool {
    std::env::var("KARYA_TEST_REQUIRE")
        .map(|v| v.split(',').any(|p| p.trim() == what))
        .unwrap_or(false)
}

pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub settings: Arc<Settings>,
    pub client: reqwest::Client,
    pub backend: Backend,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    _dir: tempfile::TempDir,
    schema: Option<(String, String)>,
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn postgres_base() -> Option<String> {
    match std::env::var("KARYA_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                !required("postgres"),
                "KARYA_TEST_POSTGRES_URL is not set but PostgreSQL tests are required"
            );
            eprintln!("skipping PostgreSQL: KARYA_TEST_POSTGRES_URL not set");
            None
        }
    }
}

/// `base` with its database name replaced by `database`.
fn with_database(base: &str, database: &str) -> String {
    let (url, query) = match base.split_once('?') {
        Some((u, q)) => (u, format!("?{q}")),
        None => (base, String::new()),
    };
    let prefix = match url.rsplit_once('/') {
        Some((p, _)) if p.ends_with('/') || !p.contains("//") => url,
        Some((p, _)) => p,
        None => url,
    };
    format!("{prefix}/{database}{query}")
}

async fn admin_execute(base: &str, sql: String) {
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(base)
        .await
        .expect("PostgreSQL at KARYA_TEST_POSTGRES_URL answers");
    sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Settings of a test app in `dir` on `database_url`, with the demo district.
fn test_settings(dir: &std::path::Path, database_url: String) -> Settings {
    Settings {
        bind: "127.0.0.1:0".into(),
        data_dir: dir.to_path_buf(),
        demo: true,
        database_url,
        ..Settings::default()
    }
}

fn sqlite_url(dir: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("karya.db").display())
}

/// Seeds the demo district once into a template (on a thread and runtime of its own, since
/// every test has its own runtime), so that each test copies it instead of seeding anew.
fn build_template(settings: Settings) {
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let app = Application::build(settings)
                .await
                .expect("template application builds");
            app.state.db.pool().close().await;
        });
    })
    .join()
    .expect("template seeded");
}

/// The seeded SQLite template: its folder holds `karya.db` and the secrets that go with it.
fn sqlite_template() -> &'static std::path::Path {
    static TEMPLATE: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("tempdir");
            build_template(test_settings(dir.path(), sqlite_url(dir.path())));
            dir
        })
        .path()
}

/// The seeded PostgreSQL template database and the folder with its secrets. Templates of
/// earlier runs older than an hour are dropped first.
fn postgres_template(base: &str) -> &'static (String, tempfile::TempDir) {
    static TEMPLATE: std::sync::OnceLock<(String, tempfile::TempDir)> = std::sync::OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let name = format!("karya_tpl_{now}_{}", std::process::id());
        let dir = tempfile::tempdir().expect("tempdir");
        let base_owned = base.to_owned();
        let name_owned = name.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                sqlx::any::install_default_drivers();
                let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&base_owned)
                    .await
                    .expect("PostgreSQL at KARYA_TEST_POSTGRES_URL answers");
                let old: Vec<String> = sqlx::query_scalar(
                    "SELECT datname::text FROM pg_database WHERE datname LIKE 'karya_tpl_%'",
                )
                .fetch_all(&mut conn)
                .await
                .unwrap_or_default();
                for db in old {
                    let born: u64 = db
                        .split('_')
                        .nth(2)
                        .and_then(|t| t.parse().ok())
                        .unwrap_or(0);
                    if born + 3600 < now {
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {db} WITH (FORCE)"
                        )))
                        .execute(&mut conn)
                        .await;
                    }
                }
            });
        })
        .join()
        .expect("old templates checked");
        let create = format!("CREATE DATABASE {name_owned}");
        let base_for_create = base.to_owned();
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(admin_execute(&base_for_create, create));
        })
        .join()
        .expect("template database created");
        build_template(test_settings(dir.path(), with_database(base, &name)));
        (name, dir)
    })
}

fn copy_secrets(from: &std::path::Path, to: &std::path::Path) {
    let (from, to) = (from.join("secrets"), to.join("secrets"));
    std::fs::create_dir_all(&to).expect("secrets folder");
    for entry in std::fs::read_dir(&from).expect("template secrets") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy secret");
    }
}

pub async fn spawn(backend: Backend) -> Option<TestApp> {
    spawn_with(backend, |_| {}).await
}

/// Spawns the app with the demo district; `tweak` may change settings first.
pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut Settings)) -> Option<TestApp> {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = test_settings(dir.path(), String::new());
    let mut schema = None;
    match backend {
        Backend::Sqlite => settings.database_url = sqlite_url(dir.path()),
        Backend::Postgres => {
            let base = postgres_base()?;
            let name = format!("karya_test_{}", uuid::Uuid::new_v4().simple());
            settings.database_url = with_database(&base, &name);
            schema = Some((base, name));
        }
    }
    let untouched = settings.clone();
    tweak(&mut settings);
    // A test that keeps the demo district as it is starts from a copy of the seeded template.
    let from_template = settings.demo
        && settings.instance.kabupaten == untouched.instance.kabupaten
        && settings.database_url == untouched.database_url
        && settings.data_dir == untouched.data_dir;
    match (&schema, from_template) {
        (None, true) => {
            let template = sqlite_template();
            for file in ["karya.db", "karya.db-wal"] {
                if template.join(file).exists() {
                    std::fs::copy(template.join(file), dir.path().join(file))
                        .expect("copy template database");
                }
            }
            copy_secrets(template, dir.path());
        }
        (Some((base, name)), true) => {
            let (template, template_dir) = postgres_template(base);
            admin_execute(base, format!("CREATE DATABASE {name} TEMPLATE {template}")).await;
            copy_secrets(template_dir.path(), dir.path());
        }
        (Some((base, name)), false) => {
            admin_execute(base, format!("CREATE DATABASE {name}")).await;
        }
        (None, false) => {}
    }
    let app = Application::build(settings)
        .await
        .expect("application builds");
    let addr = app.local_addr();
    let state = app.state.clone();
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        app.run_until(async {
            let _ = rx.await;
        })
        .await
        .expect("server runs");
    });
    Some(TestApp {
        base: format!("http://{addr}"),
        db: state.db.clone(),
        settings: state.settings.clone(),
        client: client(),
        backend,
        shutdown: Some(tx),
        server: Some(server),
        _dir: dir,
        schema,
    })
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
        if let Some((admin, schema)) = self.schema.take() {
            // Dropping a schema needs async I/O; do it on a runtime of its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async {
                    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
                        .await
                        .ok()?;
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {schema} WITH (FORCE)"
                    )))
                    .execute(&mut conn)
                    .await
                    .ok()
                })
            })
            .join();
        }
    }
}

/// A response read once: status, location, body.
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    pub fn contains(&self, text: &str) -> bool {
        self.body.contains(text)
    }

    #[track_caller]
    pub fn assert_redirect_to(&self, prefix: &str) {
        assert_eq!(
            self.status,
            StatusCode::SEE_OTHER,
            "expected redirect; body: {}",
            self.body
        );
        let loc = self.location.as_deref().unwrap_or("");
        assert!(
            loc.starts_with(prefix),
            "redirect to {loc}, expected {prefix}"
        );
    }

    /// The value of the first form field `name` in the page (for CSRF tokens and re-rendered input).
    pub fn input_value(&self, name: &str) -> Option<String> {
        let doc = scraper::Html::parse_document(&self.body);
        let sel = scraper::Selector::parse(&format!("[name=\"{name}\"]")).ok()?;
        let element = doc.select(&sel).next()?;
        match element.value().name() {
            "textarea" => Some(element.text().collect()),
            _ => element.value().attr("value").map(str::to_owned),
        }
    }

    /// Visible text of the elements matching a CSS selector, joined.
    pub fn text_of(&self, selector: &str) -> String {
        let doc = scraper::Html::parse_document(&self.body);
        let sel = scraper::Selector::parse(selector).expect("selector");
        doc.select(&sel)
            .map(|e| e.text().collect::<String>())
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

pub async fn read(response: reqwest::Response) -> Page {
    let status = response.status();
    let headers = response.headers().clone();
    let location = headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.text().await.unwrap_or_default();
    Page {
        status,
        location,
        headers,
        body,
    }
}

/// A browser-like visitor with its own cookie jar.
pub struct Visitor {
    pub client: reqwest::Client,
    pub base: String,
}

impl TestApp {
    pub fn visitor(&self) -> Visitor {
        Visitor {
            client: client(),
            base: self.base.clone(),
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        self.as_visitor().get(path).await
    }

    fn as_visitor(&self) -> Visitor {
        Visitor {
            client: self.client.clone(),
            base: self.base.clone(),
        }
    }

    /// A visitor already signed in as a demo account.
    pub async fn signed_in(&self, username: &str) -> Visitor {
        let v = self.visitor();
        let page = v.login(username, DEMO_PASSWORD).await;
        page.assert_redirect_to("/dasbor");
        v
    }

    pub async fn scalar(&self, sql: &'static str) -> i64 {
        use sqlx::Row;
        sqlx::query(sql)
            .fetch_one(self.db.pool())
            .await
            .expect("query")
            .try_get(0)
            .expect("i64")
    }
}

impl Visitor {
    pub async fn get(&self, path: &str) -> Page {
        read(
            self.client
                .get(format!("{}{path}", self.base))
                .send()
                .await
                .expect("GET"),
        )
        .await
    }

    /// The body of a download (a PDF, a workbook), asserting it answered 200.
    pub async fn get_bytes(&self, path: &str) -> Vec<u8> {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET");
        assert_eq!(r.status(), reqwest::StatusCode::OK, "{path}");
        r.bytes().await.expect("body").to_vec()
    }

    /// The CSRF token this visitor's forms carry (read from a page, as a browser would).
    pub async fn csrf(&self) -> String {
        // Signed out, the login form carries it; signed in, the logout form on every page.
        let page = self.get("/masuk").await;
        let page = if page.status.is_redirection() {
            self.get("/dasbor").await
        } else {
            page
        };
        page.input_value("_csrf").expect("page has a CSRF field")
    }

    /// Posts a form with this visitor's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("_csrf", &token)];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts exactly the given fields (no CSRF token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        read(
            self.client
                .post(format!("{}{path}", self.base))
                .form(fields)
                .send()
                .await
                .expect("POST"),
        )
        .await
    }

    pub async fn login(&self, username: &str, password: &str) -> Page {
        self.post("/masuk", &[("username", username), ("password", password)])
            .await
    }
}

/// Writes each test once and runs it on both backends: `both!(name)` for `async fn name(app)`.
/// The PostgreSQL variant is ignored (and says so in the summary) unless the build script saw
/// `KARYA_TEST_POSTGRES_URL` or `KARYA_TEST_REQUIRE=postgres` (cfg `karya_test_postgres`).
#[macro_export]
macro_rules! both {
    ($($name:ident),+ $(,)?) => {
        $crate::both_with!(|_| {}; $($name),+);
    };
}

/// `both!` with the settings changed first: `both_with!(|s| s.demo = false; name, …)`.
#[macro_export]
macro_rules! both_with {
    ($tweak:expr; $($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::helpers::spawn_with(karya::config::Backend::Sqlite, $tweak)
                    .await
                    .expect("sqlite app");
                super::$name(app).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(not(karya_test_postgres), ignore = "KARYA_TEST_POSTGRES_URL not set")]
            async fn postgres() {
                let app = $crate::helpers::spawn_with(karya::config::Backend::Postgres, $tweak)
                    .await
                    .expect("postgres app: KARYA_TEST_POSTGRES_URL not set");
                super::$name(app).await;
            }
        }
    )+};
}

/// The CSRF cookie and form token of a browser that opened the login page.
pub async fn login_form(app: &TestApp) -> (String, String) {
    let form = crate::helpers::read(
        client()
            .get(format!("{}/masuk", app.base))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let token = form.input_value("_csrf").expect("csrf field");
    let cookie = form
        .headers
        .get("set-cookie")
        .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_owned())
        .expect("csrf cookie");
    (cookie, token)
}
