//! Settings: flags and environment (via clap), then the optional TOML file, then defaults.

use crate::cli::{Cli, Command, LogFormat};
use aduan_domain::sla::Limits;
use anyhow::Context;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The optional configuration file. Every key may be left out.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    data_dir: Option<PathBuf>,
    listen: Option<SocketAddr>,
    log_format: Option<LogFormat>,
    jobs_interval_seconds: Option<u64>,
    /// Deadline limits of the deployment (DOMAIN.md §6); missing keys keep the defaults.
    deadlines: Option<Limits>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    pub log_format: LogFormat,
    pub jobs_interval: Duration,
    pub limits: Limits,
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "aduan-data";

impl Settings {
    pub fn resolve(cli: &Cli) -> anyhow::Result<Settings> {
        let file = match &cli.config {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
                toml::from_str::<FileConfig>(&text)
                    .with_context(|| format!("{} is not valid configuration", path.display()))?
            }
            None => FileConfig::default(),
        };
        let data_dir = cli.data_dir.clone().or(file.data_dir).unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let database_url = cli
            .database_url
            .clone()
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite:{}", data_dir.join("aduan.db").display()));
        let (listen, interval) = match &cli.command {
            Command::Serve(args) => (args.listen, args.jobs_interval),
            _ => (None, None),
        };
        let listen = match listen.or(file.listen) {
            Some(l) => l,
            None => DEFAULT_LISTEN.parse().context("default listen address")?,
        };
        let seconds = interval.or(file.jobs_interval_seconds).unwrap_or(60);
        if seconds == 0 {
            anyhow::bail!("the scheduler interval must be at least one second");
        }
        Ok(Settings {
            database_url,
            data_dir,
            listen,
            log_format: cli.log_format.or(file.log_format).unwrap_or(LogFormat::Text),
            jobs_interval: Duration::from_secs(seconds),
            limits: file.deadlines.unwrap_or_default(),
        })
    }
}
