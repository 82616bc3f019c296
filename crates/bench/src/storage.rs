//! Storage benchmark: loads synthetic reports into each backend and prints the insert
//! rate, the latency of searches, filtered lists and single reports (p50/p99), and the
//! size of the database. A program, not a test: it prints figures and asserts nothing.
//!
//! cargo run --release -p aduan-bench --bin storage-bench -- --reports 1000000 \
//!     --postgres-url postgres://postgres@127.0.0.1:5432/postgres

use aduan_bench::common;

use aduan_domain::ids::{CategoryId, ReportId};
use aduan_domain::org::OrgKind;
use aduan_domain::permission::ReportScope;
use aduan_domain::region::RegionCode;
use aduan_domain::status::Status;
use aduan_domain::time::ManualClock;
use aduan_seed::synthetic::{self, Options};

use aduan_service::App;
use aduan_store::{PageRequest, ReportFilter, SortOrder, Store};
use aduan_store_postgres::{PgOptions, PgStore, scratch};
use aduan_store_sqlite::SqliteStore;
use anyhow::Context;
use chrono::{Duration, TimeZone, Utc};
use clap::Parser;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

#[derive(Parser)]
#[command(about = "Load synthetic reports into each backend and measure it.")]
struct Args {
    /// Reports to load.
    #[arg(long, default_value_t = 1_000_000)]
    reports: u64,
    /// Which backends: sqlite, postgres or both.
    #[arg(long, default_value = "both")]
    backend: String,
    /// PostgreSQL server (a database `aduan_bench_storage` is dropped and created on it).
    #[arg(long, env = "ADUAN_BENCH_POSTGRES_URL", default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres_url: String,
    /// SQLite file (deleted first).
    #[arg(long, default_value = "target/bench/storage.db")]
    sqlite_path: PathBuf,
    /// Measured runs of each query.
    #[arg(long, default_value_t = 300)]
    queries: usize,
    /// Keep a database that already holds the reports and only measure the queries.
    #[arg(long)]
    reuse: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    println!("# Aduan storage benchmark — {} reports", args.reports);
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        common::memory()
    );
    if matches!(args.backend.as_str(), "sqlite" | "both") {
        if !args.reuse {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", args.sqlite_path.display()));
            }
        }
        let store = SqliteStore::connect(&format!("sqlite:{}", args.sqlite_path.display())).await?;
        run(Arc::new(store), &args).await?;
    }
    if matches!(args.backend.as_str(), "postgres" | "both") {
        let db = if args.reuse {
            use std::str::FromStr;
            aduan_store_postgres::PgConnectOptions::from_str(&scratch::database_url(
                &args.postgres_url,
                "aduan_bench_storage",
            ))?
        } else {
            scratch::recreate(&args.postgres_url, "aduan_bench_storage").await.context("PostgreSQL")?
        };
        let store = PgStore::connect_with(db, PgOptions::default()).await?;
        run(Arc::new(store), &args).await?;
    }
    Ok(())
}

/// Seeds the national tree and `reports` synthetic reports; prints how fast.
async fn load(app: &App, store: &dyn Store, reports: u64) -> anyhow::Result<u64> {
    common::seed_deployment(app).await?;
    let cast = synthetic::service_cast(app).await?;
    let bar = indicatif::ProgressBar::new(reports);
    let options = Options { reports, ..Options::default() };
    let stats = synthetic::seed_synthetic(app, cast, &options, &bar).await?;
    bar.finish_and_clear();
    let analyzed = Instant::now();
    store.refresh_statistics().await?;
    println!(
        "loaded {} reports ({} events): insert {:.0} reports/s ({:.0} events/s) — store time {:.1} s, \
         generation {:.1} s, statistics {:.1} s",
        stats.reports,
        stats.events,
        stats.reports as f64 / stats.storing.as_secs_f64(),
        stats.events as f64 / stats.storing.as_secs_f64(),
        stats.storing.as_secs_f64(),
        stats.generating.as_secs_f64(),
        analyzed.elapsed().as_secs_f64()
    );
    Ok(stats.reports)
}

async fn run(store: Arc<dyn Store>, args: &Args) -> anyhow::Result<()> {
    println!("\n## {}", store.backend());
    store.migrate().await?;
    // A fixed "now" so both backends get the same history.
    let now = Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).single().context("time")?;
    let app = App::open(store.clone(), Arc::new(ManualClock::new(now)), Default::default()).await?;
    let stored = store.count_reports(&ReportFilter::new(ReportScope::All), u64::MAX).await?.value();
    let reports = if args.reuse && stored >= args.reports {
        println!("reusing {stored} stored reports");
        stored
    } else {
        load(&app, store.as_ref(), args.reports).await?
    };
    println!("database size: {:.0} MiB", store.database_size().await? as f64 / 1_048_576.0);

    let reference = app.reference();
    let regencies: Vec<_> = reference
        .orgs
        .iter()
        .filter(|o| o.kind == OrgKind::Instansi && o.region.as_ref().is_some_and(|r| r.as_str().len() == 5))
        .map(|o| (o.id, o.region.clone()))
        .collect();
    let provinces: Vec<RegionCode> =
        reference.orgs.iter().filter_map(|o| o.region.clone()).filter(|r| r.as_str().len() == 2).collect();
    let top_categories: Vec<CategoryId> =
        reference.categories.iter().filter(|c| c.parent.is_none()).map(|c| c.id).collect();
    let mut rng = StdRng::seed_from_u64(7);
    let words = [
        "jalan rusak",
        "sampah",
        "lampu jalan",
        "banjir",
        "ktp",
        "puskesmas",
        "air bersih",
        "sekolah",
        "pungutan liar",
        "bantuan sosial",
        "drainase",
        "jembatan",
        "izin usaha",
        "listrik",
        "limbah",
    ];
    println!("\n| query | p50 ms | p99 ms | mean ms | rows/page |");
    println!("|---|---:|---:|---:|---:|");

    let n = reports.max(1) as i64;
    let mut slowest = Vec::new();
    slowest.push(
        measure("one report with its timeline", args.queries, &mut rng, |rng| {
            let id = ReportId(rng.random_range(1..=n));
            let store = store.clone();
            async move {
                let r = store.report(id).await?;
                let e = store.events(id).await?;
                Ok((r.map(|_| e.len()).unwrap_or(0), format!("report {}", id.0)))
            }
        })
        .await?,
    );

    slowest.push(
        measure("public list, random filters", args.queries, &mut rng, |rng| {
            let mut f = ReportFilter::new(ReportScope::Public);
            if rng.random_bool(0.5) {
                f.statuses = vec![
                    *[Status::Closed, Status::InProgress, Status::Responded].choose(rng).unwrap_or(&Status::Closed),
                ];
            }
            if rng.random_bool(0.5)
                && let Some(c) = top_categories.choose(rng)
            {
                f.categories = reference.categories.with_descendants(*c);
            }
            match rng.random_range(0..3) {
                0 => f.region = provinces.choose(rng).cloned(),
                1 => f.region = regencies.choose(rng).and_then(|(_, r)| r.clone()),
                _ => {}
            }
            if rng.random_bool(0.3) {
                let from = now - Duration::days(rng.random_range(30..900));
                f.submitted_from = Some(from);
                f.submitted_before = Some(from + Duration::days(365));
            }
            list(store.clone(), f, 20)
        })
        .await?,
    );

    slowest.push(
        measure("full-text search (public)", args.queries, &mut rng, |rng| {
            let mut f = ReportFilter::new(ReportScope::Public);
            f.text = words.choose(rng).map(|w| w.to_string());
            list(store.clone(), f, 20)
        })
        .await?,
    );

    slowest.push(
        measure("search + regency filter", args.queries, &mut rng, |rng| {
            let mut f = ReportFilter::new(ReportScope::Public);
            f.text = words.choose(rng).map(|w| w.to_string());
            f.region = regencies.choose(rng).and_then(|(_, r)| r.clone());
            list(store.clone(), f, 20)
        })
        .await?,
    );

    slowest.push(
        measure("regency queue (staff scope, oldest first)", args.queries, &mut rng, |rng| {
            let (instansi, _) = regencies.choose(rng).cloned().unwrap_or((aduan_domain::ids::OrgId(0), None));
            let mut f = ReportFilter::new(ReportScope::Within(instansi));
            f.statuses = vec![Status::Forwarded, Status::InProgress];
            f.order = SortOrder::Oldest;
            list(store.clone(), f, 50)
        })
        .await?,
    );

    slowest.push(
        measure("regency queue (staff scope, earliest deadline first)", args.queries, &mut rng, |rng| {
            let (instansi, _) = regencies.choose(rng).cloned().unwrap_or((aduan_domain::ids::OrgId(0), None));
            let mut f = ReportFilter::new(ReportScope::Within(instansi));
            f.statuses = vec![Status::Forwarded];
            f.order = SortOrder::Deadline;
            list(store.clone(), f, 50)
        })
        .await?,
    );

    slowest.push(
        measure("national screening queue (earliest deadline first)", args.queries, &mut rng, |_| {
            let mut f = ReportFilter::new(ReportScope::All);
            f.statuses = vec![Status::Submitted];
            f.order = SortOrder::Deadline;
            list(store.clone(), f, 50)
        })
        .await?,
    );

    slowest.push(
        measure("10th page of the public list", args.queries / 3, &mut rng, |_| {
            let store = store.clone();
            async move {
                let f = ReportFilter::new(ReportScope::Public);
                let mut page = PageRequest::first(20);
                let mut rows = 0;
                for _ in 0..10 {
                    let p = store.list_reports(&f, &page).await?;
                    rows = p.items.len();
                    match p.next {
                        Some(next) => page.after = Some(next),
                        None => break,
                    }
                }
                Ok((rows, String::new()))
            }
        })
        .await?,
    );
    println!("\nslowest case of each query:");
    for line in slowest {
        println!("- {line}");
    }
    store.close().await;
    Ok(())
}

async fn list(store: Arc<dyn Store>, f: ReportFilter, limit: u32) -> anyhow::Result<(usize, String)> {
    let rows = store.list_reports(&f, &PageRequest::first(limit)).await?.items.len();
    Ok((rows, describe(&f)))
}

/// The filter in a few words, to name the slowest case.
fn describe(f: &ReportFilter) -> String {
    let mut parts = Vec::new();
    if !f.statuses.is_empty() {
        parts.push(format!("status {:?}", f.statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
    }
    if !f.categories.is_empty() {
        parts.push(format!("{} categories", f.categories.len()));
    }
    if let Some(r) = &f.region {
        parts.push(format!("region {r}"));
    }
    if f.submitted_from.is_some() {
        parts.push("a year's dates".into());
    }
    if let Some(t) = &f.text {
        parts.push(format!("text {t:?}"));
    }
    if let ReportScope::Within(org) = &f.scope {
        parts.push(format!("scope of organisation {org}"));
    }
    if parts.is_empty() { "no filter".into() } else { parts.join(", ") }
}

/// Runs `make(rng)` `runs` times after a short warm-up and prints its latency figures;
/// the slowest case is remembered to say where the time goes.
async fn measure<F, Fut>(name: &str, runs: usize, rng: &mut StdRng, mut make: F) -> anyhow::Result<String>
where
    F: FnMut(&mut StdRng) -> Fut,
    Fut: Future<Output = anyhow::Result<(usize, String)>>,
{
    for _ in 0..runs.min(20) {
        make(rng).await?;
    }
    let mut times = Vec::with_capacity(runs);
    let mut rows = 0;
    let mut slowest = (0.0, String::new());
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let (n, case) = make(rng).await?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        rows += n;
        if ms > slowest.0 {
            slowest = (ms, case);
        }
        times.push(ms);
    }
    let slowest = format!("{name}: {:.1} ms — {}", slowest.0, slowest.1);
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    println!("| {name} | {:.2} | {:.2} | {:.2} | {:.0} |", pct(0.5), pct(0.99), mean, rows as f64 / times.len() as f64);
    Ok(slowest)
}
