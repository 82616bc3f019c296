//! `aduan`: the one program. `aduan serve` runs the system; the other sub-commands
//! prepare and administer its database.

mod cli;
mod commands;
mod logging;
mod notify_settings;
mod settings;
mod store;

use clap::Parser;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    // TLS for webhooks and the SMS gateway (rustls with ring), before any HTTP client.
    aduan_notify::transport::install_crypto_provider();
    let cli = cli::Cli::parse();
    let settings = match settings::Settings::resolve(&cli) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    logging::init(settings.log_format, matches!(cli.command, cli::Command::Serve(_)));
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli.command, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
