//! The command line.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "aduan",
    version,
    about = "Aduan — public-service complaints, from the citizen's first report to the government's last answer.",
    long_about = "Aduan manages public-service complaints: citizens report, a screening desk verifies and routes, \
                  the responsible instansi distributes to its units, the units answer, and every step runs against \
                  deadlines counted in Indonesian working days.\n\n\
                  Configuration comes from flags, then environment variables (ADUAN_*), then an optional TOML file \
                  (--config), then defaults: SQLite in ./aduan-data, listening on 127.0.0.1:8080."
)]
pub struct Cli {
    /// TOML configuration file; flags and environment variables override what it says.
    #[arg(long, env = "ADUAN_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Database URL: `postgres://user@host/db` for PostgreSQL, `sqlite:PATH` for SQLite.
    /// Default: SQLite at `<data dir>/aduan.db`.
    #[arg(long, env = "ADUAN_DATABASE_URL", global = true, value_name = "URL")]
    pub database_url: Option<String>,

    /// Directory for the embedded database and attachments. Default: `./aduan-data`.
    #[arg(long, env = "ADUAN_DATA_DIR", global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Log format.
    #[arg(long, env = "ADUAN_LOG_FORMAT", global = true, value_enum)]
    pub log_format: Option<LogFormat>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One human-readable line per event, with key=value fields.
    Text,
    /// One JSON object per line.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server: HTTP, and the scheduler of deadlines and automatic actions.
    Serve(ServeArgs),
    /// Apply the database migrations that have not run yet (`serve` does this too).
    Migrate,
    /// Fill the database: organisations, categories, routing rules, demo people and reports.
    #[command(subcommand)]
    Seed(SeedCommand),
    /// Add people and grant or revoke their roles.
    #[command(subcommand)]
    User(UserCommand),
    /// The holiday calendar that working days are counted with.
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Run the time-driven actions by hand.
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Integration keys of organisations (for the API and Open311).
    #[command(subcommand)]
    Apikey(ApikeyCommand),
    /// The evaluation measures (dashboards, rankings, statistics).
    #[command(subcommand)]
    Measures(MeasuresCommand),
}

#[derive(Debug, Subcommand)]
pub enum MeasuresCommand {
    /// Count every measure again from the stored reports: after loading a holiday list
    /// for a past year or changing organisations' zones or regions. Run it while the
    /// server is stopped (changes made meanwhile would be counted twice or not at all).
    Rebuild,
}

#[derive(Debug, Subcommand)]
pub enum ApikeyCommand {
    /// Create a key for an organisation; the key is printed once.
    Create {
        /// The organisation's code (e.g. KAB-64.08) or id.
        #[arg(long, value_name = "CODE")]
        org: String,
        /// A label, e.g. the client application's name.
        #[arg(long, default_value = "integrasi")]
        name: String,
        /// Comma-separated: read, file, act.
        #[arg(long, default_value = "read,file")]
        scopes: String,
        /// screener, coordinator, officer or supervisor; by default the role the
        /// organisation plays (national: screener, instansi: coordinator, unit: officer).
        #[arg(long)]
        role: Option<String>,
    },
    /// List every key with its organisation, role, scopes and state.
    List,
    /// Revoke a key by id: it stops working at once.
    Revoke { id: i64 },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ADUAN_LISTEN", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// On an empty database, seed the national tree, demo people and demo reports first.
    #[arg(long, env = "ADUAN_DEMO")]
    pub demo: bool,
    /// Seconds between runs of the scheduler.
    #[arg(long, env = "ADUAN_JOBS_INTERVAL", value_name = "SECONDS")]
    pub jobs_interval: Option<u64>,
    /// Do not run the scheduler in this process (another process runs it).
    #[arg(long)]
    pub no_jobs: bool,
    /// Anonymous report filings per client address per minute (0: unlimited).
    #[arg(long, env = "ADUAN_RATE_FILE_PER_MINUTE", value_name = "N")]
    pub rate_file_per_minute: Option<u32>,
    /// Sign-in attempts per client address per minute (0: unlimited).
    #[arg(long, env = "ADUAN_RATE_SIGN_IN_PER_MINUTE", value_name = "N")]
    pub rate_sign_in_per_minute: Option<u32>,
    /// Lists, searches and open-data pages asked for without signing in, per client address
    /// per minute (0: unlimited).
    #[arg(long, env = "ADUAN_RATE_READ_PER_MINUTE", value_name = "N")]
    pub rate_read_per_minute: Option<u32>,
    /// Take the client address from X-Forwarded-For (only behind a proxy that sets it).
    #[arg(long, env = "ADUAN_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
}

#[derive(Debug, Subcommand)]
pub enum SeedCommand {
    /// The national tree: national desk, ministries, 38 provinces and 514 kabupaten/kota with
    /// their standard OPDs and kecamatan offices; then categories and routing rules.
    National,
    /// A single kabupaten/kota running its own screening desk (e.g. 64.08, Kutai Timur); then
    /// categories and routing rules.
    Regency {
        /// Kemendagri code of the kabupaten/kota.
        code: String,
    },
    /// The category tree and routing rules (done by `national` and `regency` too).
    Catalog,
    /// Demo accounts for every role (password printed at the end).
    People,
    /// Realistic demo reports in every status, for the demo accounts.
    Reports {
        #[arg(long, default_value_t = 60)]
        count: u64,
    },
    /// Everything for a demo: the national tree, catalog, people and reports.
    Demo {
        #[arg(long, default_value_t = 60)]
        count: u64,
    },
    /// Years of synthetic history across all local governments (for benchmarks and
    /// evaluation); seeds the national tree first when the database is empty.
    Synthetic {
        /// How many reports.
        #[arg(long)]
        reports: u64,
        /// How many years back the history reaches.
        #[arg(long, default_value_t = 3.0)]
        years: f64,
        /// Random seed, for repeatable data.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Batches imported at once while the next is generated: 2 keeps both cores of a
        /// PostgreSQL server busy; on SQLite imports queue for the one writer anyway.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=8))]
        in_flight: u16,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a person. The password is read from standard input when --password-stdin is given.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        phone: Option<String>,
        /// `id` (Bahasa Indonesia) or `en`.
        #[arg(long, default_value = "id")]
        locale: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Grant a role over an organisation and everything below it.
    Grant(RoleArgs),
    /// Revoke a role (the assignment is kept, marked revoked, for the audit trail).
    Revoke(RoleArgs),
    /// Show a person and their roles.
    Show {
        /// E-mail address or id.
        person: String,
    },
}

/// Who, which role, where.
#[derive(Debug, Args)]
pub struct RoleArgs {
    /// E-mail address or id of the person.
    #[arg(long)]
    pub person: String,
    /// screener, coordinator, officer, supervisor or org_admin.
    #[arg(long)]
    pub role: String,
    /// Organisation code (e.g. KAB-64.08) or id.
    #[arg(long)]
    pub org: String,
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// The years with holiday data, and the years without (deadlines there skip weekends only).
    Status,
    /// Load a year's holidays and cuti bersama from a CSV file (`date,kind,name`; kind is
    /// `public` or `cuti_bersama`), replacing that year's list.
    Load { file: PathBuf },
    /// Print a year's list in the same CSV format.
    Show { year: i32 },
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// One pass of the scheduler (auto-close, archive after no reply, overdue marking,
    /// Ombudsman flag), at the current time or at --at.
    Run {
        /// Act as if it were this instant (RFC 3339, e.g. 2026-06-01T09:00:00+07:00).
        #[arg(long)]
        at: Option<chrono::DateTime<chrono::FixedOffset>>,
    },
}
