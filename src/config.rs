//! Settings: defaults that run with no setup → optional `karya.toml` → `KARYA_*` environment
//! variables. Validated once at start-up and passed into the application; never global.

use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("berkas konfigurasi {path} tidak dapat dibaca: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("berkas konfigurasi {path} tidak valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("variabel lingkungan {name} tidak valid: {message}")]
    Env { name: String, message: String },
    #[error(
        "database_url '{0}' tidak dikenal: gunakan sqlite://BERKAS atau postgres://PENGGUNA@HOST/DB"
    )]
    UnknownDatabaseScheme(String),
    #[error("{0}")]
    Invalid(String),
}

/// The largest `max_connections` accepted: far above what one process's file descriptors allow,
/// and small enough for a semaphore's permit count.
pub const MAX_CONNECTIONS_LIMIT: usize = 1_000_000;

/// What the district running this instance is called, and what goes on its letterhead.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Instance {
    pub district_name: String,
    pub agency_name: String,
    pub blk_name: String,
    pub address: String,
    pub letterhead: String,
    /// Path of a logo image (PNG) for documents; empty means the built-in emblem placeholder.
    pub logo_path: String,
    /// Kemendagri codes of the kabupaten/kota this instance serves (default Tanjabtim, 15.07).
    pub kabupaten: Vec<String>,
}

impl Default for Instance {
    fn default() -> Self {
        Instance {
            district_name: "Kabupaten Tanjung Jabung Timur".into(),
            agency_name: "Dinas Ketenagakerjaan dan Transmigrasi".into(),
            blk_name: "UPTD Balai Latihan Kerja Kabupaten Tanjung Jabung Timur".into(),
            address: "Jl. Prof. Dr. Sri Soedewi M.S., S.H., Rano, Muara Sabak Barat, Tanjung Jabung Timur, Jambi 36761".into(),
            letterhead: "PEMERINTAH KABUPATEN TANJUNG JABUNG TIMUR\nDINAS KETENAGAKERJAAN DAN TRANSMIGRASI".into(),
            logo_path: String::new(),
            kabupaten: vec!["15.07".into()],
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address to listen on; port 0 picks a free port (tests).
    pub bind: String,
    /// Folder for the SQLite database, secrets and uploads.
    pub data_dir: PathBuf,
    /// Empty: `sqlite://<data_dir>/karya.db`.
    pub database_url: String,
    /// Fill an empty database with the demo district and enable the demo accounts.
    pub demo: bool,
    /// Public base URL, e.g. `https://karya.tanjabtimkab.go.id`; an https URL makes cookies Secure.
    /// Empty: `http://` and the address the server listens on.
    pub public_url: String,
    /// Take the client address from `X-Forwarded-For` (only behind a reverse proxy you control).
    pub trust_proxy: bool,
    pub session_hours: i64,
    pub reset_link_minutes: i64,
    pub request_timeout_secs: u64,
    /// Most client connections served at once; one more is answered 503 and closed. Each takes
    /// one file descriptor (see `server::raise_open_file_limit`).
    pub max_connections: usize,
    /// Seconds a client has to send a request's line and headers, counted from the connection's
    /// opening or from the first byte of a later request on it.
    pub header_read_timeout_secs: u64,
    /// Seconds a kept-alive connection may sit idle between requests before it is closed.
    pub keep_alive_idle_secs: u64,
    /// Largest accepted request body for ordinary forms, in bytes.
    pub body_limit_bytes: usize,
    pub db_max_connections: u32,
    /// How SQLite waits for the disk on commit: `full` (default; a commit acknowledged to the
    /// user survives a power cut) or `normal` (faster; in WAL mode a power cut can lose the
    /// last commits, never corrupt the database). Ignored on PostgreSQL, whose own
    /// `synchronous_commit` decides.
    pub sqlite_synchronous: Synchronous,
    /// Days after delivery when an order the buyer has not confirmed completes by itself.
    pub order_autocomplete_days: i64,
    /// Days an uploaded import file is kept after the import was applied (or, for an upload
    /// never applied, after it was uploaded); then the original file is deleted and only the
    /// import's summary and report remain.
    pub import_retention_days: i64,
    /// Outgoing mail, e.g. `smtps://user:pass@mail.example.go.id:465` or
    /// `smtp://mail.example.go.id:587?tls=required`. Empty: no email; notifications for people
    /// outside the app become WhatsApp click-to-chat hand-offs.
    pub smtp_url: String,
    /// Sender address for email, e.g. `Karya Tanjabtim <karya@tanjabtimkab.go.id>`.
    pub smtp_from: String,
    /// Whether this instance runs the background jobs: the outbox sender, order
    /// auto-completion, procurement deadlines, capital reminders, the tracer and the sweeper.
    /// Every job is safe on several instances at once; `false` suits an instance that only
    /// serves pages (at least one instance must keep them on).
    pub background_jobs: bool,
    /// WhatsApp Business Cloud API: the access token and the sending number's id. Both set:
    /// WhatsApp messages go out through the API as templates; empty: click-to-chat hand-offs.
    pub whatsapp_token: String,
    pub whatsapp_phone_number_id: String,
    /// The Graph API base, version included (a test's fake server otherwise).
    pub whatsapp_api_url: String,
    /// The app secret that signs the webhook's status reports (X-Hub-Signature-256).
    pub whatsapp_app_secret: String,
    /// The token Meta echoes when the webhook is registered (hub.verify_token).
    pub whatsapp_verify_token: String,
    /// The approved message template (two body parameters: title, message) and its language.
    pub whatsapp_template: String,
    pub whatsapp_template_language: String,
    /// The push services a browser's subscription may point at (a host, or a domain whose
    /// subdomains count): Karya sends Web Push only there, over https, so a subscription cannot
    /// make the server call an address of the caller's choosing. A loopback host listed here
    /// may use plain http (tests' fake push service).
    pub push_hosts: Vec<String>,
    pub instance: Instance,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("data-karya"),
            database_url: String::new(),
            demo: false,
            public_url: String::new(),
            trust_proxy: false,
            session_hours: 12,
            reset_link_minutes: 24 * 60,
            request_timeout_secs: 30,
            max_connections: 1024,
            header_read_timeout_secs: 10,
            keep_alive_idle_secs: 60,
            body_limit_bytes: 1024 * 1024,
            db_max_connections: 8,
            sqlite_synchronous: Synchronous::Full,
            order_autocomplete_days: 3,
            import_retention_days: 30,
            smtp_url: String::new(),
            smtp_from: String::new(),
            background_jobs: true,
            whatsapp_token: String::new(),
            whatsapp_phone_number_id: String::new(),
            whatsapp_api_url: "https://graph.facebook.com/v21.0".into(),
            whatsapp_app_secret: String::new(),
            whatsapp_verify_token: String::new(),
            whatsapp_template: "karya_notifikasi".into(),
            whatsapp_template_language: "id".into(),
            push_hosts: [
                "fcm.googleapis.com",
                "push.services.mozilla.com",
                "push.apple.com",
                "notify.windows.com",
            ]
            .map(String::from)
            .to_vec(),
            instance: Instance::default(),
        }
    }
}

/// SQLite's `PRAGMA synchronous` for the WAL journal: `full` syncs the log on every commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Synchronous {
    Full,
    Normal,
}

impl Synchronous {
    pub fn pragma(self) -> &'static str {
        match self {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        }
    }
}

impl std::str::FromStr for Synchronous {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s.trim().to_ascii_lowercase().as_str() {
            "full" => Ok(Synchronous::Full),
            "normal" => Ok(Synchronous::Normal),
            _ => Err(()),
        }
    }
}

/// The database backends Karya runs on, chosen from the URL scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Settings {
    /// Defaults, then `config_file` (or `./karya.toml` when it exists), then `KARYA_*` variables.
    pub fn load(config_file: Option<&Path>) -> Result<Settings, ConfigError> {
        let mut settings = match config_file {
            Some(path) => Self::from_file(path)?,
            None if Path::new("karya.toml").exists() => Self::from_file(Path::new("karya.toml"))?,
            None => Settings::default(),
        };
        settings.apply_env(|name| std::env::var(name).ok())?;
        settings.validate()?;
        Ok(settings)
    }

    fn from_file(path: &Path) -> Result<Settings, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: e.to_string(),
        })
    }

    /// Overrides from the environment; `get` is injectable so tests need not touch the process env.
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        fn parse<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, ConfigError> {
            v.trim().parse().map_err(|_| ConfigError::Env {
                name: name.into(),
                message: format!("nilai '{v}' tidak dapat dibaca"),
            })
        }
        fn flag(name: &str, v: &str) -> Result<bool, ConfigError> {
            match v.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "ya" | "yes" | "on" => Ok(true),
                "0" | "false" | "tidak" | "no" | "off" | "" => Ok(false),
                _ => Err(ConfigError::Env {
                    name: name.into(),
                    message: format!("'{v}' bukan true/false"),
                }),
            }
        }
        let env = |key: &str| get(&format!("KARYA_{key}"));
        if let Some(v) = env("BIND") {
            self.bind = v;
        }
        if let Some(v) = env("DATA_DIR") {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = env("DATABASE_URL") {
            self.database_url = v;
        }
        if let Some(v) = env("DEMO") {
            self.demo = flag("KARYA_DEMO", &v)?;
        }
        if let Some(v) = env("PUBLIC_URL") {
            self.public_url = v;
        }
        if let Some(v) = env("TRUST_PROXY") {
            self.trust_proxy = flag("KARYA_TRUST_PROXY", &v)?;
        }
        if let Some(v) = env("SESSION_HOURS") {
            self.session_hours = parse("KARYA_SESSION_HOURS", &v)?;
        }
        if let Some(v) = env("RESET_LINK_MINUTES") {
            self.reset_link_minutes = parse("KARYA_RESET_LINK_MINUTES", &v)?;
        }
        if let Some(v) = env("REQUEST_TIMEOUT_SECS") {
            self.request_timeout_secs = parse("KARYA_REQUEST_TIMEOUT_SECS", &v)?;
        }
        if let Some(v) = env("MAX_CONNECTIONS") {
            self.max_connections = parse("KARYA_MAX_CONNECTIONS", &v)?;
        }
        if let Some(v) = env("HEADER_READ_TIMEOUT_SECS") {
            self.header_read_timeout_secs = parse("KARYA_HEADER_READ_TIMEOUT_SECS", &v)?;
        }
        if let Some(v) = env("KEEP_ALIVE_IDLE_SECS") {
            self.keep_alive_idle_secs = parse("KARYA_KEEP_ALIVE_IDLE_SECS", &v)?;
        }
        if let Some(v) = env("BODY_LIMIT_BYTES") {
            self.body_limit_bytes = parse("KARYA_BODY_LIMIT_BYTES", &v)?;
        }
        if let Some(v) = env("DB_MAX_CONNECTIONS") {
            self.db_max_connections = parse("KARYA_DB_MAX_CONNECTIONS", &v)?;
        }
        if let Some(v) = env("SQLITE_SYNCHRONOUS") {
            self.sqlite_synchronous = parse("KARYA_SQLITE_SYNCHRONOUS", &v)?;
        }
        if let Some(v) = env("ORDER_AUTOCOMPLETE_DAYS") {
            self.order_autocomplete_days = parse("KARYA_ORDER_AUTOCOMPLETE_DAYS", &v)?;
        }
        if let Some(v) = env("IMPORT_RETENTION_DAYS") {
            self.import_retention_days = parse("KARYA_IMPORT_RETENTION_DAYS", &v)?;
        }
        if let Some(v) = env("SMTP_URL") {
            self.smtp_url = v;
        }
        if let Some(v) = env("SMTP_FROM") {
            self.smtp_from = v;
        }
        if let Some(v) = env("BACKGROUND_JOBS") {
            self.background_jobs = flag("KARYA_BACKGROUND_JOBS", &v)?;
        }
        let text = |key: &str, field: &mut String| {
            if let Some(v) = env(key) {
                *field = v;
            }
        };
        text("WHATSAPP_TOKEN", &mut self.whatsapp_token);
        text(
            "WHATSAPP_PHONE_NUMBER_ID",
            &mut self.whatsapp_phone_number_id,
        );
        text("WHATSAPP_API_URL", &mut self.whatsapp_api_url);
        text("WHATSAPP_APP_SECRET", &mut self.whatsapp_app_secret);
        text("WHATSAPP_VERIFY_TOKEN", &mut self.whatsapp_verify_token);
        text("WHATSAPP_TEMPLATE", &mut self.whatsapp_template);
        text(
            "WHATSAPP_TEMPLATE_LANGUAGE",
            &mut self.whatsapp_template_language,
        );
        if let Some(v) = env("PUSH_HOSTS") {
            self.push_hosts = v
                .split(',')
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect();
        }
        if let Some(v) = env("DISTRICT_NAME") {
            self.instance.district_name = v;
        }
        if let Some(v) = env("AGENCY_NAME") {
            self.instance.agency_name = v;
        }
        if let Some(v) = env("KABUPATEN") {
            self.instance.kabupaten = v.split(',').map(|s| s.trim().to_owned()).collect();
        }
        Ok(())
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        self.backend()?;
        if self.order_autocomplete_days <= 0 {
            return Err(ConfigError::Invalid(
                "order_autocomplete_days harus lebih dari 0".into(),
            ));
        }
        if self.import_retention_days <= 0 {
            return Err(ConfigError::Invalid(
                "import_retention_days harus lebih dari 0".into(),
            ));
        }
        if self.session_hours <= 0 || self.reset_link_minutes <= 0 {
            return Err(ConfigError::Invalid(
                "session_hours dan reset_link_minutes harus lebih dari 0".into(),
            ));
        }
        if !(1..=MAX_CONNECTIONS_LIMIT).contains(&self.max_connections) {
            return Err(ConfigError::Invalid(format!(
                "max_connections harus antara 1 dan {MAX_CONNECTIONS_LIMIT}"
            )));
        }
        if !(1..=3600).contains(&self.header_read_timeout_secs) {
            return Err(ConfigError::Invalid(
                "header_read_timeout_secs harus antara 1 dan 3600".into(),
            ));
        }
        if !(1..=86_400).contains(&self.keep_alive_idle_secs) {
            return Err(ConfigError::Invalid(
                "keep_alive_idle_secs harus antara 1 dan 86400".into(),
            ));
        }
        if self.whatsapp_token.trim().is_empty() != self.whatsapp_phone_number_id.trim().is_empty()
        {
            return Err(ConfigError::Invalid(
                "whatsapp_token dan whatsapp_phone_number_id harus diisi berdua (atau keduanya kosong)"
                    .into(),
            ));
        }
        if !(self.whatsapp_api_url.starts_with("https://")
            || self.whatsapp_api_url.starts_with("http://"))
        {
            return Err(ConfigError::Invalid(
                "whatsapp_api_url harus diawali https://".into(),
            ));
        }
        if self.whatsapp_cloud().is_some()
            && (self.whatsapp_template.trim().is_empty()
                || self.whatsapp_template_language.trim().is_empty())
        {
            return Err(ConfigError::Invalid(
                "whatsapp_template dan whatsapp_template_language tidak boleh kosong".into(),
            ));
        }
        if self.instance.kabupaten.is_empty() {
            return Err(ConfigError::Invalid(
                "instance.kabupaten harus berisi minimal satu kode".into(),
            ));
        }
        for code in &self.instance.kabupaten {
            let parts: Vec<&str> = code.split('.').collect();
            if parts.len() != 2
                || parts
                    .iter()
                    .any(|p| p.len() != 2 || !p.chars().all(|c| c.is_ascii_digit()))
            {
                return Err(ConfigError::Invalid(format!(
                    "kode kabupaten '{code}' tidak valid; contoh: 15.07"
                )));
            }
        }
        Ok(())
    }

    /// The effective database URL.
    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("karya.db").display()
            )
        } else {
            self.database_url.clone()
        }
    }

    /// The backend named by the URL; an unknown scheme is an error, never a new empty database.
    pub fn backend(&self) -> Result<Backend, ConfigError> {
        let url = self.database_url();
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(ConfigError::UnknownDatabaseScheme(redact_url(&url)))
        }
    }

    /// The WhatsApp Cloud API account, when both its token and number id are set.
    pub fn whatsapp_cloud(&self) -> Option<crate::outbox::CloudConfig> {
        let (token, id) = (
            self.whatsapp_token.trim(),
            self.whatsapp_phone_number_id.trim(),
        );
        (!token.is_empty() && !id.is_empty()).then(|| crate::outbox::CloudConfig {
            api_url: self.whatsapp_api_url.trim().to_owned(),
            phone_number_id: id.to_owned(),
            token: token.to_owned(),
            template: self.whatsapp_template.trim().to_owned(),
            language: self.whatsapp_template_language.trim().to_owned(),
        })
    }

    /// Who push services may contact about this instance's messages (the VAPID `sub` claim):
    /// the public https address, else the email sender, else a placeholder.
    pub fn push_contact(&self) -> String {
        if self.public_url.starts_with("https://") {
            return self.public_url.trim_end_matches('/').to_owned();
        }
        let from = self.smtp_from.trim();
        let address = match (from.rfind('<'), from.rfind('>')) {
            (Some(a), Some(b)) if a < b => &from[a + 1..b],
            _ => from,
        };
        if address.contains('@') {
            format!("mailto:{address}")
        } else {
            "mailto:karya@localhost".into()
        }
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// A database URL without its password, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &creds[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_run_on_sqlite_in_the_data_dir() {
        let s = Settings::default();
        assert_eq!(s.backend().unwrap(), Backend::Sqlite);
        assert!(s.database_url().contains("data-karya"));
        assert_eq!(s.instance.kabupaten, vec!["15.07".to_string()]);
    }

    #[test]
    fn sqlite_syncs_fully_unless_told_otherwise() {
        let mut s = Settings::default();
        assert_eq!(s.sqlite_synchronous, Synchronous::Full);
        s.apply_env(|k| (k == "KARYA_SQLITE_SYNCHRONOUS").then(|| "Normal".into()))
            .unwrap();
        assert_eq!(s.sqlite_synchronous, Synchronous::Normal);
        assert!(
            s.apply_env(|k| (k == "KARYA_SQLITE_SYNCHRONOUS").then(|| "off".into()))
                .is_err()
        );
        let file: Settings = toml::from_str("sqlite_synchronous = \"normal\"").unwrap();
        assert_eq!(file.sqlite_synchronous, Synchronous::Normal);
    }

    #[test]
    fn unknown_scheme_is_an_error() {
        let mut s = Settings::default();
        s.apply_env(|k| (k == "KARYA_DATABASE_URL").then(|| "mysql://x/y".to_string()))
            .unwrap();
        assert!(matches!(
            s.validate(),
            Err(ConfigError::UnknownDatabaseScheme(_))
        ));
    }

    #[test]
    fn env_overrides_file_values() {
        let mut s: Settings = toml::from_str("bind = '0.0.0.0:9000'\ndemo = false").unwrap();
        s.apply_env(|k| match k {
            "KARYA_DEMO" => Some("ya".into()),
            "KARYA_KABUPATEN" => Some("15.07, 15.06".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(s.bind, "0.0.0.0:9000");
        assert!(s.demo);
        assert_eq!(s.instance.kabupaten, vec!["15.07", "15.06"]);
        s.validate().unwrap();
    }

    #[test]
    fn import_retention_defaults_to_30_days_and_is_read_and_checked() {
        assert_eq!(Settings::default().import_retention_days, 30);
        let mut s: Settings = toml::from_str("import_retention_days = 14").unwrap();
        assert_eq!(s.import_retention_days, 14);
        s.apply_env(|k| (k == "KARYA_IMPORT_RETENTION_DAYS").then(|| "7".into()))
            .unwrap();
        assert_eq!(s.import_retention_days, 7);
        s.validate().unwrap();
        s.import_retention_days = 0;
        assert!(
            s.validate()
                .unwrap_err()
                .to_string()
                .contains("import_retention_days")
        );
        let err = s
            .apply_env(|k| (k == "KARYA_IMPORT_RETENTION_DAYS").then(|| "sebulan".into()))
            .unwrap_err();
        assert!(err.to_string().contains("KARYA_IMPORT_RETENTION_DAYS"));
    }

    #[test]
    fn bad_values_are_named() {
        let mut s = Settings::default();
        let err = s
            .apply_env(|k| (k == "KARYA_SESSION_HOURS").then(|| "dua belas".into()))
            .unwrap_err();
        assert!(err.to_string().contains("KARYA_SESSION_HOURS"));
        assert!(toml::from_str::<Settings>("unknown_key = 1").is_err());
    }

    #[test]
    fn connection_limits_are_read_and_checked() {
        let s = Settings::default();
        assert_eq!(
            (
                s.max_connections,
                s.header_read_timeout_secs,
                s.keep_alive_idle_secs
            ),
            (1024, 10, 60)
        );
        let mut s: Settings =
            toml::from_str("max_connections = 200\nheader_read_timeout_secs = 5").unwrap();
        s.apply_env(|k| (k == "KARYA_KEEP_ALIVE_IDLE_SECS").then(|| "30".into()))
            .unwrap();
        assert_eq!(
            (
                s.max_connections,
                s.header_read_timeout_secs,
                s.keep_alive_idle_secs
            ),
            (200, 5, 30)
        );
        s.validate().unwrap();
        for (key, value) in [
            ("KARYA_MAX_CONNECTIONS", "0"),
            ("KARYA_HEADER_READ_TIMEOUT_SECS", "0"),
            ("KARYA_KEEP_ALIVE_IDLE_SECS", "0"),
            ("KARYA_KEEP_ALIVE_IDLE_SECS", "18446744073709551615"),
        ] {
            let mut s = Settings::default();
            s.apply_env(|k| (k == key).then(|| value.into())).unwrap();
            assert!(s.validate().is_err(), "{key}={value} is refused");
        }
    }

    #[test]
    fn whatsapp_cloud_needs_token_and_number_together() {
        let mut s = Settings::default();
        assert!(s.whatsapp_cloud().is_none());
        s.apply_env(|k| (k == "KARYA_WHATSAPP_TOKEN").then(|| "t".into()))
            .unwrap();
        assert!(s.validate().is_err(), "a token without a number id");
        s.whatsapp_phone_number_id = "123".into();
        s.validate().unwrap();
        let cloud = s.whatsapp_cloud().expect("configured");
        assert_eq!(cloud.api_url, "https://graph.facebook.com/v21.0");
        assert_eq!(
            (cloud.template.as_str(), cloud.language.as_str()),
            ("karya_notifikasi", "id")
        );
        s.whatsapp_api_url = "graph.facebook.com".into();
        assert!(s.validate().is_err());
        assert_eq!(s.push_contact(), "mailto:karya@localhost");
        s.smtp_from = "Karya <karya@tanjabtimkab.go.id>".into();
        assert_eq!(s.push_contact(), "mailto:karya@tanjabtimkab.go.id");
        s.public_url = "https://karya.tanjabtimkab.go.id/".into();
        assert_eq!(s.push_contact(), "https://karya.tanjabtimkab.go.id");
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://karya:rahasia@db:5432/karya"),
            "postgres://karya:***@db:5432/karya"
        );
    }
}
