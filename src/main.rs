use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn init_logging() {
    let filter =
        EnvFilter::try_from_env("KARYA_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let json = std::env::var("KARYA_LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = karya::cli::Cli::parse();
    init_logging();
    karya::cli::run(cli).await
}
