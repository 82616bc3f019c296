//! `aduan seed …`

use super::progress;
use crate::cli::SeedCommand;
use aduan_seed::synthetic::Options;
use aduan_seed::{DEMO_PASSWORD, catalog, demo, orgs, people, synthetic};
use aduan_service::App;

pub async fn run(cmd: SeedCommand, app: &App) -> anyhow::Result<()> {
    match cmd {
        SeedCommand::National => {
            national(app).await?;
        }
        SeedCommand::Regency { code } => {
            let n = orgs::seed_regency(app, &code, &progress()).await?;
            println!("organisations: {n} created");
            catalog_and_routing(app).await?;
        }
        SeedCommand::Catalog => catalog_and_routing(app).await?,
        SeedCommand::People => print_people(app).await?,
        SeedCommand::Reports { count } => {
            let n = demo::seed_demo_reports(app, count, &progress()).await?;
            println!("demo reports: {n} filed");
        }
        SeedCommand::Demo { count } => {
            national(app).await?;
            print_people(app).await?;
            let n = demo::seed_demo_reports(app, count, &progress()).await?;
            println!("demo reports: {n} filed");
        }
        SeedCommand::Synthetic { reports, years, seed, in_flight } => {
            if app.reference().orgs.is_empty() {
                national(app).await?;
            }
            let cast = synthetic::service_cast(app).await?;
            let options = Options { reports, years, seed, in_flight: usize::from(in_flight), ..Options::default() };
            let s = synthetic::seed_synthetic(app, cast, &options, &progress()).await?;
            // A bulk load: the planner's statistics and the search index's segments are
            // brought up to date now rather than by the first hour of serving.
            let refreshed = std::time::Instant::now();
            app.store().refresh_statistics().await?;
            let secs = (s.generating + s.storing).as_secs_f64();
            println!(
                "synthetic reports: {} with {} events in {secs:.1} s ({:.0} reports/s; storing took {:.1} s)",
                s.reports,
                s.events,
                s.reports as f64 / secs.max(0.001),
                s.storing.as_secs_f64()
            );
            println!("statistics refreshed in {:.1} s", refreshed.elapsed().as_secs_f64());
        }
    }
    Ok(())
}

async fn national(app: &App) -> anyhow::Result<()> {
    let n = orgs::seed_national(app, &progress()).await?;
    println!("organisations: {n} created");
    catalog_and_routing(app).await
}

async fn catalog_and_routing(app: &App) -> anyhow::Result<()> {
    let c = catalog::seed_categories(app).await?;
    let r = catalog::seed_routing(app).await?;
    println!("categories: {c} created; routing rules: {r} created");
    Ok(())
}

async fn print_people(app: &App) -> anyhow::Result<()> {
    let accounts = people::seed_people(app).await?;
    println!("demo accounts (password: {DEMO_PASSWORD}):");
    for a in accounts {
        let role = match a.roles.as_slice() {
            [] => "citizen".to_string(),
            [(r, org)] => format!("{} at {org}", r.label_en()),
            [(r, org), more @ ..] => format!("{} at {org} and {} more", r.label_en(), more.len()),
        };
        println!("  {:<36} {:<34} {role}", a.email, a.name);
    }
    Ok(())
}
