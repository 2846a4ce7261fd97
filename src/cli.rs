//! The command line: `karya serve | migrate | user add | backup | audit verify | check | import |
//! export sikp | report outcomes | simulate`.
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
    /// Import the agency's spreadsheets into the register.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Files for other systems.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Benchmark data (never for a real district): see `benches/outcomes.sh`.
    Generate {
        #[command(subcommand)]
        command: GenerateCommand,
    },
    /// Reports for the agency.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Simulations that need no database.
    Simulate {
        #[command(subcommand)]
        command: SimulateCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Alumni and their training from an .xlsx, .xls, .ods or CSV file. The last line of output
    /// is `dibuat=N diperbarui=N tetap=N ditolak=N peringatan=N`; the exit status is 1 when any
    /// row was rejected.
    Alumni {
        file: PathBuf,
        /// Import only this sheet (repeatable); default: every sheet with a recognisable header.
        #[arg(long)]
        sheet: Vec<String>,
        /// Plan and report, store nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write the report (original rows plus status and message) to this .xlsx file.
        #[arg(long)]
        report: Option<PathBuf>,
        /// Create trades and programs the register does not have yet.
        #[arg(long)]
        create_missing: bool,
        /// The training year of a sheet's rows, `SHEET=2019` (repeatable): for a sheet without a
        /// Tahun column whose name or title does not say the year, or says it wrong.
        #[arg(long = "tahun", value_name = "LEMBAR=TAHUN")]
        tahun: Vec<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// KUR candidates for SIKP: applications referred to or approved by a bank with the
    /// applicant's live consent to share with it, in the admin's column layout. The file's
    /// extension chooses the format (.xlsx or .csv); it holds full NIKs, is written owner-only
    /// and the export is audited. The last line of output is `baris=N`.
    Sikp {
        file: PathBuf,
        /// Only the candidates of this partner (its id, as on the partners list).
        #[arg(long)]
        partner: Option<i64>,
    },
}

#[derive(Subcommand, Debug)]
pub enum GenerateCommand {
    /// Adds a district at national scale to a database that holds the demo (`serve --demo`
    /// once first): batches 2017–2026, alumni with their training, businesses, and public
    /// orders, paid and reviewed. The last line of output is `alumni=N orders=N detik=N`.
    Scale {
        #[arg(long, default_value_t = 100_000)]
        alumni: i64,
        #[arg(long, default_value_t = 1_000_000)]
        orders: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// "Laporan Pemberdayaan Alumni BLK" for the batches that ended in a year, the same figures
    /// as the dashboard at /admin/hasil. The extension of --out chooses the format (.pdf or
    /// .xlsx); the file is written owner-only.
    Outcomes {
        #[arg(long)]
        year: i64,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum SimulateCommand {
    /// One fiscal year of office requests served by Karya's rotation, by "highest rating wins"
    /// and by "random eligible", on the same generated district. The last line of output is
    /// `gini=0.NN idle_share=0.NN rating_vs_best=0.NN` for Karya's policy.
    Rotation {
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Alumni businesses in the generated district.
        #[arg(long, default_value_t = 500)]
        alumni: usize,
        /// Office requests over the year.
        #[arg(long, default_value_t = 20000)]
        requests: usize,
    },
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
    Verify {
        /// A head printed earlier by `karya audit head` (SEQ:HASH) and kept off this machine:
        /// the log must still hold it.
        #[arg(long)]
        head: Option<String>,
    },
    /// Print the chain head (SEQ:HASH) to record off this machine.
    Head,
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
            command: AuditCommand::Verify { head },
        } => audit_verify(&cli.global, head.as_deref()).await,
        Command::Audit {
            command: AuditCommand::Head,
        } => audit_head(&cli.global).await,
        Command::Check => check(&cli.global).await,
        Command::Import {
            command:
                ImportCommand::Alumni {
                    file,
                    sheet,
                    dry_run,
                    report,
                    create_missing,
                    tahun,
                },
        } => {
            import_alumni(
                &cli.global,
                &file,
                sheet,
                dry_run,
                report.as_deref(),
                create_missing,
                &tahun,
            )
            .await
        }
        Command::Export {
            command: ExportCommand::Sikp { file, partner },
        } => export_sikp(&cli.global, &file, partner).await,
        Command::Generate {
            command: GenerateCommand::Scale { alumni, orders },
        } => generate_scale(&cli.global, alumni, orders).await,
        Command::Report {
            command: ReportCommand::Outcomes { year, out },
        } => report_outcomes(&cli.global, year, &out).await,
        Command::Simulate {
            command:
                SimulateCommand::Rotation {
                    seed,
                    alumni,
                    requests,
                },
        } => {
            println!("{}", crate::simulate::rotation(seed, alumni, requests));
            Ok(ExitCode::SUCCESS)
        }
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
    crate::server::raise_open_file_limit(&mut s);
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
    let db = startup::open_database(&s, &secrets).await?;
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
    let db = startup::open_database(&s, &secrets).await?;
    startup::prepare_database(&db, &s, &secrets).await?;
    let mut tx = db.begin().await?;
    let who = audit_db::Who {
        id: None,
        label: "cli",
        ip: "cli",
    };
    let user = match users::create_audited(&mut tx, &fields, &password.hash(), &who).await {
        Ok(u) => u,
        Err(e) if e.is_conflict(crate::db::constraint::USERS_USERNAME) => {
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

async fn generate_scale(
    global: &Global,
    alumni: i64,
    orders: i64,
) -> Result<ExitCode, StartupError> {
    let s = settings(global)?;
    let db = open_existing(&s).await?;
    let started = std::time::Instant::now();
    let now = crate::db::now();
    let added = {
        let kabupaten = s
            .instance
            .kabupaten
            .first()
            .map(String::as_str)
            .unwrap_or("15.07");
        crate::db::scale::generate(&db, alumni, orders, kabupaten, now).await?
    };
    println!(
        "angkatan={} usaha={} selesai={} ulasan={} undangan_tracer={} jawaban_tracer={}",
        added.batches,
        added.businesses,
        added.completed,
        added.reviews,
        added.invitations,
        added.responses
    );
    println!(
        "alumni={} orders={} detik={}",
        added.alumni,
        added.orders,
        started.elapsed().as_secs()
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
    let db = open_existing(&s).await?;
    db.backup_sqlite(&file.display().to_string()).await?;
    println!("cadangan tersimpan di {}", file.display());
    Ok(ExitCode::SUCCESS)
}

async fn audit_verify(global: &Global, head: Option<&str>) -> Result<ExitCode, StartupError> {
    let recorded = match head.map(crate::domain::audit::Head::parse) {
        None => None,
        Some(Some(h)) => Some(h),
        Some(None) => {
            eprintln!(
                "galat: --head harus berbentuk NOMOR:HASH, seperti yang dicetak `karya audit head`"
            );
            return Ok(ExitCode::from(2));
        }
    };
    let s = settings(global)?;
    let db = open_existing(&s).await?;
    match audit_db::verify(&db, recorded.as_ref()).await? {
        Ok(v) => {
            println!(
                "jejak audit utuh: {}",
                crate::domain::audit::verified_message(&v)
            );
            if let Some(h) = &recorded {
                println!("kepala yang dicatat (entri #{}) masih ada dan cocok", h.seq);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(b) => {
            println!("jejak audit RUSAK: {b}");
            Ok(ExitCode::from(3))
        }
    }
}

/// The database with this instance's keys, for commands that read or copy it.
async fn open_existing(s: &Settings) -> Result<crate::db::Db, StartupError> {
    let secrets = Secrets::load_or_create(&s.data_dir)?;
    startup::open_database(s, &secrets).await
}

async fn audit_head(global: &Global) -> Result<ExitCode, StartupError> {
    let s = settings(global)?;
    let db = open_existing(&s).await?;
    println!("{}", audit_db::head(&db).await?);
    eprintln!(
        "Catat baris di atas di luar mesin ini (misalnya di buku log atau surel ke atasan). \
         Nanti `karya audit verify --head BARIS` memeriksa bahwa jejak masih memuatnya."
    );
    Ok(ExitCode::SUCCESS)
}

async fn check(global: &Global) -> Result<ExitCode, StartupError> {
    let s = settings(global)?;
    println!("konfigurasi: valid");
    println!(
        "basis data: {} ({:?})",
        redact_url(&s.database_url()),
        s.backend()?
    );
    let db = open_existing(&s).await?;
    db.ping().await?;
    println!("basis data: terhubung");
    Ok(ExitCode::SUCCESS)
}

async fn import_alumni(
    global: &Global,
    file: &std::path::Path,
    sheets: Vec<String>,
    dry_run: bool,
    report: Option<&std::path::Path>,
    create_missing: bool,
    tahun: &[String],
) -> Result<ExitCode, StartupError> {
    use crate::app::imports as run;
    use crate::import::plan::Severity;
    let s = settings(global)?;
    // Never more than one byte past the reader's limit, however large the file (which the
    // reader then refuses as too large).
    let limit = crate::import::MAX_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    let read = std::fs::File::open(file)
        .and_then(|f| std::io::Read::read_to_end(&mut std::io::Read::take(f, limit), &mut bytes));
    let bytes = match read {
        Ok(_) => bytes,
        Err(e) => {
            eprintln!("galat: {} tidak dapat dibaca: {e}", file.display());
            return Ok(ExitCode::from(2));
        }
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let workbook = match run::read(bytes, name).await {
        Ok(w) => w,
        Err(e) => {
            eprintln!("galat: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let years = match sheet_years(tahun, &workbook) {
        Ok(y) => y,
        Err(m) => {
            eprintln!("galat: {m}");
            return Ok(ExitCode::from(2));
        }
    };
    let secrets = Secrets::load_or_create(&s.data_dir)?;
    let db = startup::open_database(&s, &secrets).await?;
    startup::prepare_database(&db, &s, &secrets).await?;
    let kabupaten = &s.instance.kabupaten;
    let mut options = crate::import::plan::Options {
        sheets,
        years,
        ..Default::default()
    };
    let first = run::preview(&db, kabupaten, &secrets, &workbook, &options)
        .await
        .map_err(cli_error)?;
    if create_missing {
        options.allow_missing(&first);
    }
    // Plan again only when the choices changed (new trades allowed); an apply plans inside its
    // own transaction, so the first plan is dropped before it to keep memory down.
    let needs_replan =
        create_missing && !(first.unknown_trades.is_empty() && first.unknown_programs.is_empty());
    let (plan, counts) = if dry_run {
        let plan = if needs_replan {
            drop(first);
            run::preview(&db, kabupaten, &secrets, &workbook, &options)
                .await
                .map_err(cli_error)?
        } else {
            first
        };
        let counts = plan.counts();
        (plan, counts)
    } else {
        drop(first);
        let who = audit_db::Who {
            id: None,
            label: "cli",
            ip: "cli",
        };
        let progress = |done: usize, total: usize| {
            if done > 0 {
                eprintln!("menerapkan: {done} dari {total} alumni");
            }
        };
        match run::apply(
            &db, kabupaten, &secrets, &workbook, &options, None, &who, &progress,
        )
        .await
        {
            Ok(done) => done,
            Err(run::RunError::Conflict(m)) => {
                eprintln!("galat: {m}; impor dibatalkan, tidak ada yang disimpan");
                return Ok(ExitCode::from(1));
            }
            Err(e) => return Err(cli_error(e)),
        }
    };
    for sheet in &plan.sheets {
        if let Some(m) = &sheet.message {
            println!("lembar {}: {m}", sheet.name);
        }
        if let Some(n) = sheet.year_note.as_ref().filter(|_| sheet.selected) {
            let flag = if sheet.year_missing {
                format!(" (--tahun \"{}=TAHUN\")", sheet.name)
            } else {
                String::new()
            };
            println!("lembar {}: {n}{flag}", sheet.name);
        }
    }
    for row in &plan.rows {
        for p in row.problems.iter().filter(|p| p.severity != Severity::Note) {
            let col = p
                .column
                .as_deref()
                .map(|c| format!(" kolom {c}"))
                .unwrap_or_default();
            let kind = if p.severity == Severity::Error {
                "ditolak"
            } else {
                "peringatan"
            };
            println!(
                "lembar {} baris {}{col}: {kind}: {}",
                row.sheet, row.row, p.message
            );
        }
    }
    for (name, allowed, rows) in &plan.unknown_trades {
        if !allowed {
            println!(
                "kejuruan baru \"{name}\" ({rows} baris): jalankan dengan --create-missing untuk membuatnya"
            );
        }
    }
    for (trade, program, allowed, rows) in &plan.unknown_programs {
        if !allowed {
            println!(
                "program baru \"{program}\" pada kejuruan \"{trade}\" ({rows} baris): jalankan dengan --create-missing untuk membuatnya"
            );
        }
    }
    for q in &plan.programs {
        let names: Vec<&str> = q.candidates.iter().map(|(_, n)| n.as_str()).collect();
        println!(
            "program \"{}\" ({} baris) cocok dengan beberapa program: {}; tulis nama program lengkap di berkas",
            q.typed,
            q.rows,
            names.join("; ")
        );
    }
    if let Some(path) = report {
        // The operator's own file, next to the workbook it reports on: NIKs as the file had them.
        let bytes = run::plan_report_file(&workbook, &plan, crate::import::NikShown::Full)
            .map_err(cli_error)?;
        if let Err(e) = std::fs::write(path, bytes) {
            eprintln!(
                "galat: laporan tidak dapat ditulis ke {}: {e}",
                path.display()
            );
            return Ok(ExitCode::from(1));
        }
    }
    if dry_run {
        println!("uji coba: tidak ada yang disimpan");
    }
    println!("{}", counts.summary_line());
    Ok(if counts.rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes `bytes` to `path` readable by its owner only (0600), replacing an earlier file.
fn write_owner_only(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let mut f = options.open(path)?;
        // An existing file keeps its mode on open: narrow it before writing NIKs into it.
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        f.write_all(bytes)?;
        f.sync_all()
    }
    #[cfg(not(unix))]
    {
        let mut f = options.open(path)?;
        f.write_all(bytes)?;
        f.sync_all()
    }
}

async fn export_sikp(
    global: &Global,
    file: &std::path::Path,
    partner: Option<i64>,
) -> Result<ExitCode, StartupError> {
    let extension = file
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let csv = match extension.as_str() {
        "xlsx" => false,
        "csv" => true,
        _ => {
            eprintln!(
                "galat: nama berkas harus berakhiran .xlsx atau .csv (format dipilih dari akhiran), misalnya sikp.xlsx"
            );
            return Ok(ExitCode::from(2));
        }
    };
    let s = settings(global)?;
    let secrets = Secrets::load_or_create(&s.data_dir)?;
    let db = startup::open_database(&s, &secrets).await?;
    startup::prepare_database(&db, &s, &secrets).await?;
    if let Some(id) = partner
        && !crate::db::directory::partners(&db)
            .await?
            .iter()
            .any(|p| p.id == id)
    {
        eprintln!("galat: mitra dengan id {id} tidak ada; lihat daftar mitra di halaman admin");
        return Ok(ExitCode::from(2));
    }
    let who = audit_db::Who {
        id: None,
        label: "cli",
        ip: "cli",
    };
    let table = crate::app::capital::sikp_table(&db, &secrets.data_key, &who, partner)
        .await
        .map_err(|e| StartupError::Db(crate::db::DbError::Other(e.to_string())))?;
    let bytes = if csv {
        crate::export::to_csv(&table)
    } else {
        crate::export::to_xlsx(&table)
    };
    let bytes = bytes.map_err(|e| StartupError::Db(crate::db::DbError::Other(e.to_string())))?;
    let rows = table.rows.len();
    if let Err(e) = write_owner_only(file, &bytes) {
        eprintln!(
            "galat: berkas tidak dapat ditulis ke {}: {e}",
            file.display()
        );
        return Ok(ExitCode::from(1));
    }
    println!(
        "calon debitur KUR untuk SIKP ditulis ke {} (berisi NIK lengkap: simpan dan kirim dengan aman)",
        file.display()
    );
    println!("baris={rows}");
    Ok(ExitCode::SUCCESS)
}

async fn report_outcomes(
    global: &Global,
    year: i64,
    file: &std::path::Path,
) -> Result<ExitCode, StartupError> {
    let extension = file
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if !matches!(extension.as_str(), "pdf" | "xlsx") {
        eprintln!(
            "galat: nama berkas harus berakhiran .pdf atau .xlsx (format dipilih dari akhiran), misalnya laporan-2026.pdf"
        );
        return Ok(ExitCode::from(2));
    }
    if !(2000..=2100).contains(&year) {
        eprintln!("galat: tahun harus antara 2000 dan 2100");
        return Ok(ExitCode::from(2));
    }
    let s = settings(global)?;
    let secrets = Secrets::load_or_create(&s.data_dir)?;
    let db = startup::open_database(&s, &secrets).await?;
    startup::prepare_database(&db, &s, &secrets).await?;
    let started = std::time::Instant::now();
    let bytes = if extension == "pdf" {
        crate::app::outcomes::report_pdf(&db, &s.instance, year).await
    } else {
        crate::app::outcomes::report_xlsx(&db, year).await
    }
    .map_err(|e| StartupError::Db(crate::db::DbError::Other(e.to_string())))?;
    let elapsed = started.elapsed();
    if let Err(e) = write_owner_only(file, &bytes) {
        eprintln!(
            "galat: berkas tidak dapat ditulis ke {}: {e}",
            file.display()
        );
        return Ok(ExitCode::from(1));
    }
    println!(
        "laporan pemberdayaan alumni {year} ditulis ke {}",
        file.display()
    );
    println!("bytes={} ms={}", bytes.len(), elapsed.as_millis());
    Ok(ExitCode::SUCCESS)
}

/// `--tahun LEMBAR=TAHUN` values: each names a sheet of the workbook and a plausible year.
fn sheet_years(
    given: &[String],
    workbook: &crate::import::Workbook,
) -> Result<std::collections::BTreeMap<String, i32>, String> {
    use crate::domain::import::values::{MAX_TRAINING_YEAR, MIN_TRAINING_YEAR};
    let mut years = std::collections::BTreeMap::new();
    for g in given {
        let Some((sheet, year)) = g.rsplit_once('=') else {
            return Err(format!(
                "--tahun \"{g}\" tidak dikenali; tulis LEMBAR=TAHUN, contoh --tahun \"Alumni=2019\""
            ));
        };
        let year = year
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (MIN_TRAINING_YEAR..=MAX_TRAINING_YEAR).contains(y))
            .ok_or_else(|| {
                format!(
                    "--tahun \"{g}\": tahun harus 4 angka antara {MIN_TRAINING_YEAR} dan {MAX_TRAINING_YEAR}"
                )
            })?;
        if !workbook.sheets.iter().any(|s| s.name == sheet) {
            let names: Vec<_> = workbook.sheets.iter().map(|s| s.name.as_str()).collect();
            return Err(format!(
                "--tahun \"{g}\": lembar \"{sheet}\" tidak ada di berkas (lembar: {})",
                names.join(", ")
            ));
        }
        years.insert(sheet.to_owned(), year);
    }
    Ok(years)
}

fn cli_error(e: crate::app::imports::RunError) -> StartupError {
    match e {
        crate::app::imports::RunError::Db(d) => StartupError::Db(d),
        other => StartupError::Db(crate::db::DbError::Other(other.to_string())),
    }
}
