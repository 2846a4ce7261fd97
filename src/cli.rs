//! The command line: `karya serve | migrate | user add | backup | audit verify | check`.
//! Exit codes: 0 success, 1 runtime failure (e.g. database unreachable), 2 bad usage or
//! configuration, 3 audit chain broken.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::{Backend, Settings, redact_url};
use crate::db::audit as audit_db;
use crate::db::users;
use crate::domain::password::NewPassword;
use crate::domain::user::{AccountFields, AccountInput};
use crate::secrets::Secrets;
use crate::startup::{self, Application, StartupError};

#[derive(Parser, Debug)]
#[command(
    name = "karya",
    version,
    about = "Karya — pasar dan permodalan untuk alumni BLK"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone, Default)]
pub struct Global {
    /// Configuration file (default: ./karya.toml when present).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB (default: SQLite in the data folder).
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// Data folder for the SQLite database and secrets.
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Start the web server.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        bind: Option<String>,
        /// Fill an empty database with the demo district (Tanjabtim) and demo accounts.
        #[arg(long)]
        demo: bool,
    },
    /// Run database migrations and exit.
    Migrate,
    /// Manage users without the web (e.g. the first admin).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Consistent online copy of the SQLite database (PostgreSQL: use pg_dump).
    Backup { file: PathBuf },
    /// Audit trail tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Check the configuration and that the database answers.
    Check,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user; the password is read from standard input, never from arguments.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// admin, opd, bendahara, alumni, pembeli or mitra.
        #[arg(long, default_value = "admin")]
        role: String,
        #[arg(long)]
        office_id: Option<i64>,
        #[arg(long)]
        partner_id: Option<i64>,
        #[arg(long)]
        alumnus_id: Option<i64>,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check that no audit entry was changed, removed or reordered.
    Verify,
}

fn settings(global: &Global) -> Result<Settings, StartupError> {
    let mut s = Settings::load(global.config.as_deref())?;
    if let Some(url) = &global.database_url {
        s.database_url = url.clone();
    }
    if let Some(dir) = &global.data_dir {
        s.data_dir = dir.clone();
    }
    s.validate()?;
    Ok(s)
}

fn fail(e: &StartupError) -> ExitCode {
    eprintln!("galat: {e}");
    match e {
        StartupError::Config(_) => {
            eprintln!("periksa karya.toml atau variabel KARYA_*; lihat README bagian Konfigurasi.");
            ExitCode::from(2)
        }
        StartupError::Db(crate::db::DbError::Unavailable(_)) => {
            eprintln!("pastikan basis data berjalan dan database_url benar.");
            ExitCode::from(1)
        }
        _ => ExitCode::from(1),
    }
}

pub async fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Serve { bind, demo } => serve(&cli.global, bind, demo).await,
        Command::Migrate => migrate(&cli.global).await,
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    name,
                    role,
                    office_id,
                    partner_id,
                    alumnus_id,
                },
        } => {
            user_add(
                &cli.global,
                &username,
                &name,
                &role,
                [office_id, partner_id, alumnus_id],
            )
            .await
        }
        Command::Backup { file } => backup(&cli.global, &file).await,
        Command::Audit {
            command: AuditCommand::Verify,
        } => audit_verify(&cli.global).await,
        Command::Check => check(&cli.global).await,
    };
    result.unwrap_or_else(|e| fail(&e))
}

async fn serve(
    global: &Global,
    bind: Option<String>,
    demo: bool,
) -> Result<ExitCode, StartupError> {
    let mut s = settings(global)?;
    if let Some(b) = bind {
        s.bind = b;
    }
    s.demo |= demo;
    let backend = s.backend()?;
    let url = redact_url(&s.database_url());
    let app = Application::build(s).await?;
    let shutdown = startup::shutdown_signal();
    tracing::info!(addr = %app.local_addr(), ?backend, database = %url, "Karya berjalan");
    eprintln!("Karya berjalan di http://{}", app.local_addr());
    app.run_until(shutdown)
        .await
        .map_err(|e| StartupError::Bind("server".into(), e))?;
    Ok(ExitCode::SUCCESS)
}

async fn migrate(global: &Global) -> Result<ExitCode, StartupError> {
    let s = settings(global)?;
    std::fs::create_dir_all(&s.data_dir)
        .map_err(|e| StartupError::DataDir(s.data_dir.display().to_string(), e))?;
    let secrets = Secrets::load_or_create(&s.data_dir)?;
    let db = startup::open_database(&s).await?;
    startup::prepare_database(&db, &s, &secrets).await?;
    println!("migrasi selesai ({})", redact_url(&s.database_url()));
    Ok(ExitCode::SUCCESS)
}

async fn user_add(
    global: &Global,
    username: &str,
    name: &str,
    role: &str,
    [office, partner, alumnus]: [Option<i64>; 3],
) -> Result<ExitCode, StartupError> {
    let s = settings(global)?;
    let id = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let (office, partner, alumnus) = (id(office), id(partner), id(alumnus));
    let fields = match AccountFields::parse(&AccountInput {
        username,
        display_name: name,
        role,
        office_id: &office,
        partner_id: &partner,
        alumnus_id: &alumnus,
        phone: "",
    }) {
        Ok(f) => f,
        Err(errors) => {
            for (field, message) in errors {
                eprintln!("galat: {field}: {message}");
            }
            return Ok(ExitCode::from(2));
        }
    };
    eprintln!("Ketik kata sandi untuk {username} lalu Enter (dibaca dari stdin):");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| StartupError::DataDir("stdin".into(), e))?;
    let raw = line.trim_end_matches(['\r', '\n']);
    let password = match NewPassword::parse(raw, raw) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("galat: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let secrets = Secrets::load_or_create(&s.data_dir)?;
    let db = startup::open_database(&s).await?;
    startup::prepare_database(&db, &s, &secrets).await?;
    let mut tx = db.begin().await?;
    let who = audit_db::Who {
        id: None,
        label: "cli",
        ip: "cli",
    };
    let user = match users::create_audited(&mut tx, &fields, &password.hash(), &who).await {
        Ok(u) => u,
        Err(e) if e.is_conflict_on("username") => {
            eprintln!("galat: nama pengguna {username} sudah dipakai");
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(e.into()),
    };
    crate::db::commit(tx).await?;
    println!(
        "pengguna {} ({}) dibuat dengan id {}",
        user.username,
        user.role.label(),
        user.id
    );
    Ok(ExitCode::SUCCESS)
}

async fn backup(global: &Global, file: &std::path::Path) -> Result<ExitCode, StartupError> {
    let s = settings(global)?;
    if s.backend()? == Backend::Postgres {
        eprintln!(
            "Untuk PostgreSQL gunakan pg_dump, misalnya: pg_dump --format=custom --file=karya.dump \"$KARYA_DATABASE_URL\""
        );
        return Ok(ExitCode::from(2));
    }
    if file.exists() {
        eprintln!(
            "galat: {} sudah ada; pilih nama berkas baru agar cadangan lama tidak tertimpa",
            file.display()
        );
        return Ok(ExitCode::from(2));
    }
    let db = startup::open_database(&s).await?;
    db.backup_sqlite(&file.display().to_string()).await?;
    println!("cadangan tersimpan di {}", file.display());
    Ok(ExitCode::SUCCESS)
}

async fn audit_verify(global: &Global) -> Result<ExitCode, StartupError> {
    let s = settings(global)?;
    let db = startup::open_database(&s).await?;
    match audit_db::verify(&db).await? {
        Ok(n) => {
            println!("jejak audit utuh: {n} entri diperiksa");
            Ok(ExitCode::SUCCESS)
        }
        Err(b) => {
            println!("jejak audit RUSAK: {b}");
            Ok(ExitCode::from(3))
        }
    }
}

async fn check(global: &Global) -> Result<ExitCode, StartupError> {
    let s = settings(global)?;
    println!("konfigurasi: valid");
    println!(
        "basis data: {} ({:?})",
        redact_url(&s.database_url()),
        s.backend()?
    );
    let db = startup::open_database(&s).await?;
    db.ping().await?;
    println!("basis data: terhubung");
    Ok(ExitCode::SUCCESS)
}
