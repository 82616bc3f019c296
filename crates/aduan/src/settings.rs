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
    /// Deadline limits of the deployment (docs/DOMAIN.md §6); missing keys keep the defaults.
    deadlines: Option<Limits>,
    rate_file_per_minute: Option<u32>,
    rate_sign_in_per_minute: Option<u32>,
    rate_read_per_minute: Option<u32>,
    trust_forwarded_for: Option<bool>,
    /// Open311's jurisdiction_id of this deployment.
    jurisdiction_id: Option<String>,
    /// The address the public reaches the deployment at.
    public_url: Option<String>,
    token_lifetime_minutes: Option<u32>,
    max_upload_megabytes: Option<u32>,
    /// Map tiles for the portal's maps: URL template and attribution.
    map_tile_url: Option<String>,
    map_attribution: Option<String>,
    /// Signs unsubscribe links; every process of a deployment needs the same (default: a
    /// key made on first start in the data directory).
    secret_key: Option<String>,
    #[serde(default)]
    mail: crate::notify_settings::MailConfig,
    #[serde(default)]
    sms: crate::notify_settings::SmsConfig,
    #[serde(default)]
    outbox: crate::notify_settings::OutboxConfig,
    /// The bars of the predicate Baik / Sedang / Kurang (`min_verified`, and `baik` and
    /// `sedang` each with `completion`, `follow_up`, `answered_on_time`); defaults if absent.
    evaluation: Option<aduan_domain::measures::Thresholds>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    pub log_format: LogFormat,
    pub jobs_interval: Duration,
    pub limits: Limits,
    pub web: aduan_web::WebSettings,
    pub app: aduan_service::AppOptions,
    pub notify: crate::notify_settings::NotifySettings,
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
        let serve = match &cli.command {
            Command::Serve(args) => Some(args),
            _ => None,
        };
        let defaults = aduan_web::WebSettings::default();
        let web = aduan_web::WebSettings {
            file_per_minute: serve
                .and_then(|a| a.rate_file_per_minute)
                .or(file.rate_file_per_minute)
                .unwrap_or(defaults.file_per_minute),
            sign_in_per_minute: serve
                .and_then(|a| a.rate_sign_in_per_minute)
                .or(file.rate_sign_in_per_minute)
                .unwrap_or(defaults.sign_in_per_minute),
            read_per_minute: serve
                .and_then(|a| a.rate_read_per_minute)
                .or(file.rate_read_per_minute)
                .unwrap_or(defaults.read_per_minute),
            trust_forwarded_for: serve.is_some_and(|a| a.trust_forwarded_for)
                || file.trust_forwarded_for.unwrap_or(false),
            jurisdiction_id: std::env::var("ADUAN_JURISDICTION_ID")
                .ok()
                .or(file.jurisdiction_id)
                .unwrap_or(defaults.jurisdiction_id),
            public_url: std::env::var("ADUAN_PUBLIC_URL").ok().filter(|u| !u.trim().is_empty()).or(file.public_url),
            map_tile_url: std::env::var("ADUAN_MAP_TILE_URL")
                .ok()
                .filter(|u| !u.trim().is_empty())
                .or(file.map_tile_url)
                .unwrap_or(defaults.map_tile_url),
            map_attribution: std::env::var("ADUAN_MAP_ATTRIBUTION")
                .ok()
                .filter(|u| !u.trim().is_empty())
                .or(file.map_attribution)
                .unwrap_or(defaults.map_attribution),
        };
        let listen = match listen.or(file.listen) {
            Some(l) => l,
            None => DEFAULT_LISTEN.parse().context("default listen address")?,
        };
        let base_url = web.public_url.clone().unwrap_or_else(|| format!("http://{listen}"));
        let notify = crate::notify_settings::NotifySettings::resolve(
            file.mail,
            file.sms,
            file.outbox,
            file.secret_key,
            &data_dir,
            base_url,
        )?;
        let app_defaults = aduan_service::AppOptions::default();
        let app = aduan_service::AppOptions {
            token_lifetime: file
                .token_lifetime_minutes
                .map(|m| chrono::Duration::minutes(i64::from(m.max(1))))
                .unwrap_or(app_defaults.token_lifetime),
            attachment_dir: Some(data_dir.join("attachments")),
            max_upload_bytes: file
                .max_upload_megabytes
                .map(|m| u64::from(m.max(1)) * 1024 * 1024)
                .unwrap_or(app_defaults.max_upload_bytes),
            media: aduan_service::Media { email: notify.smtp.is_some(), sms: notify.sms.is_some() },
            signing_key: notify.signing_key.clone(),
            thresholds: file.evaluation.unwrap_or_default(),
        };
        app.thresholds.check().map_err(|e| anyhow::anyhow!("[evaluation] in the configuration: {e}"))?;
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
            web,
            app,
            notify,
        })
    }
}
