//! What every benchmark program shares: the machine line and the national deployment
//! the synthetic reports are loaded into.

use aduan_seed::{catalog, orgs};
use aduan_service::App;
use std::time::Instant;

/// "24 GiB RAM", from /proc/meminfo.
pub fn memory() -> String {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| m.lines().next().map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string()))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map(|kb| format!("{:.0} GiB RAM", kb as f64 / 1_048_576.0))
        .unwrap_or_default()
}

/// The national tree, the category catalog and the routing rules; prints how long.
pub async fn seed_deployment(app: &App) -> anyhow::Result<()> {
    let quiet = indicatif::ProgressBar::hidden();
    let started = Instant::now();
    let orgs_created = orgs::seed_national(app, &quiet).await?;
    catalog::seed_categories(app).await?;
    let rules = catalog::seed_routing(app).await?;
    println!(
        "national tree: {orgs_created} organisations, {rules} routing rules in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Installs the TLS crypto provider reqwest needs when the workspace is built together
/// (see the bench's Cargo.toml); harmless when it does not.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
