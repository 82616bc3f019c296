//! HTTP benchmark: runs the real `aduan serve` on a database already holding the
//! reports (load it with `storage-bench`), then drives it over HTTP and prints, per
//! scenario, throughput, p50 and p99, and the server's peak memory. Reads come first;
//! the reports filed last stay in the database (reload it to measure the same data). Report creation is
//! durable: the server answers after the transaction is committed (SQLite
//! `synchronous = FULL`, PostgreSQL `synchronous_commit = on`). A program, not a test.
//!
//! cargo build --release -p aduan -p aduan-bench
//! target/release/api-bench --postgres-url postgres://postgres@127.0.0.1:5432/postgres

use anyhow::{Context, bail};
use clap::Parser;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

#[derive(Parser)]
#[command(about = "Measure Aduan's HTTP API on a loaded database.")]
struct Args {
    /// Which backends: sqlite, postgres or both.
    #[arg(long, default_value = "both")]
    backend: String,
    /// The SQLite file loaded by storage-bench.
    #[arg(long, default_value = "target/bench/storage.db")]
    sqlite_path: PathBuf,
    /// The PostgreSQL server holding the database `aduan_bench_storage` loaded by storage-bench.
    #[arg(long, env = "ADUAN_BENCH_POSTGRES_URL", default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres_url: String,
    /// The server binary.
    #[arg(long, default_value = "target/release/aduan")]
    server: PathBuf,
    /// Seconds each scenario runs.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Concurrent clients for report creation.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    create_clients: Vec<usize>,
    /// Concurrent clients for the reads.
    #[arg(long, value_delimiter = ',', default_value = "1,16")]
    read_clients: Vec<usize>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    println!("# Aduan HTTP API benchmark");
    println!(
        "machine: {} cores; client and server on the same machine; {} s per scenario",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        args.seconds
    );
    if matches!(args.backend.as_str(), "sqlite" | "both") {
        let url = format!("sqlite:{}", args.sqlite_path.display());
        run("sqlite", &url, &args).await?;
    }
    if matches!(args.backend.as_str(), "postgres" | "both") {
        let url = aduan_store_postgres::scratch::database_url(&args.postgres_url, "aduan_bench_storage");
        run("postgres", &url, &args).await?;
    }
    Ok(())
}

struct Server {
    child: Child,
    base: String,
}

impl Server {
    async fn start(binary: &PathBuf, database_url: &str) -> anyhow::Result<Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let data_dir = std::env::temp_dir().join(format!("aduan-api-bench-{port}"));
        let child = Command::new(binary)
            .args(["serve", "--no-jobs", "--listen", &format!("127.0.0.1:{port}")])
            .env("ADUAN_DATABASE_URL", database_url)
            .env("ADUAN_DATA_DIR", &data_dir)
            .env("ADUAN_RATE_FILE_PER_MINUTE", "0")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| {
                format!("cannot start {} (build it with cargo build --release -p aduan)", binary.display())
            })?;
        let server = Server { child, base: format!("http://127.0.0.1:{port}") };
        let client = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Ok(r) = client.get(format!("{}/readyz", server.base)).send().await
                && r.status().is_success()
            {
                break;
            }
            if started.elapsed() > Duration::from_secs(600) {
                bail!("the server did not become ready in 10 minutes");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        println!("server ready in {:.1} s (migrations included)", started.elapsed().as_secs_f64());
        Ok(server)
    }

    /// The peak resident memory of the server process (VmHWM), in MiB.
    fn peak_memory_mib(&self) -> Option<f64> {
        let pid = self.child.id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb / 1024.0)
    }
}

/// What the requests of a scenario need: regions, categories, known tracking numbers.
struct Material {
    regencies: Vec<String>,
    provinces: Vec<String>,
    categories: Vec<String>,
    tracking: Vec<String>,
}

const WORDS: [&str; 12] = [
    "jalan",
    "sampah",
    "banjir",
    "lampu",
    "air",
    "sekolah",
    "puskesmas",
    "pungutan",
    "izin",
    "drainase",
    "jembatan",
    "listrik",
];

const STATUSES: [&str; 5] = ["forwarded", "in_progress", "responded", "closed", "forwarded,in_progress"];

async fn material(client: &reqwest::Client, base: &str) -> anyhow::Result<Material> {
    let cats: Value = client.get(format!("{base}/api/v1/categories")).send().await?.json().await?;
    let categories: Vec<String> =
        cats.as_array().context("categories")?.iter().filter_map(|c| c["code"].as_str().map(String::from)).collect();
    let orgs: Value = client.get(format!("{base}/api/v1/organisations")).send().await?.json().await?;
    let mut regencies = Vec::new();
    let mut provinces = Vec::new();
    for o in orgs.as_array().context("organisations")? {
        if o["kind"] == "instansi"
            && let Some(r) = o["region"].as_str()
        {
            if r.contains('.') { regencies.push(r.to_string()) } else { provinces.push(r.to_string()) }
        }
    }
    let mut tracking = Vec::new();
    let mut rng = StdRng::seed_from_u64(7);
    while tracking.len() < 2_000 {
        let region = regencies.choose(&mut rng).context("no regencies")?;
        let page: Value =
            client.get(format!("{base}/api/v1/reports?region={region}&limit=200")).send().await?.json().await?;
        for item in page["items"].as_array().context("items")? {
            if let Some(t) = item["tracking"].as_str() {
                tracking.push(t.to_string());
            }
        }
    }
    Ok(Material { regencies, provinces, categories, tracking })
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    failures: u64,
}

/// Runs `clients` loops of `request` for `seconds`; prints requests/s, p50, p99.
async fn scenario<F, Fut>(name: &str, clients: usize, seconds: u64, request: F) -> anyhow::Result<()>
where
    F: Fn(StdRng) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Option<StdRng>> + Send,
{
    let request = Arc::new(request);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..clients {
        let request = Arc::clone(&request);
        tasks.push(tokio::spawn(async move {
            let mut tally = Tally::default();
            let mut rng = StdRng::seed_from_u64(1_000 + i as u64);
            while Instant::now() < deadline {
                let t = Instant::now();
                match request(rng.clone()).await {
                    Some(next) => {
                        tally.latencies.push(t.elapsed());
                        rng = next;
                    }
                    None => {
                        tally.failures += 1;
                        rng = StdRng::seed_from_u64(rng.random());
                    }
                }
            }
            tally
        }));
    }
    let mut all = Tally::default();
    for t in tasks {
        let tally = t.await?;
        all.latencies.extend(tally.latencies);
        all.failures += tally.failures;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.latencies.sort();
    let pct = |p: f64| {
        let i = ((all.latencies.len() as f64 * p).ceil() as usize).clamp(1, all.latencies.len().max(1)) - 1;
        all.latencies.get(i).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(f64::NAN)
    };
    println!(
        "| {name} | {clients} | {:.0} | {:.2} | {:.2} | {} |",
        all.latencies.len() as f64 / elapsed,
        pct(0.50),
        pct(0.99),
        all.failures
    );
    Ok(())
}

async fn run(backend: &str, database_url: &str, args: &Args) -> anyhow::Result<()> {
    println!("\n## {backend}");
    let server = Server::start(&args.server, database_url).await?;
    let client = reqwest::Client::builder().pool_max_idle_per_host(256).build()?;
    let base = server.base.clone();
    let m = Arc::new(material(&client, &base).await?);
    println!("| scenario | clients | requests/s | p50 ms | p99 ms | failures |");
    println!("|---|---:|---:|---:|---:|---:|");
    for &clients in &args.read_clients {
        let ctx = (client.clone(), base.clone(), Arc::clone(&m));
        scenario("fetch one report with its timeline", clients, args.seconds, move |mut rng| {
            let (client, base, m) = (ctx.0.clone(), ctx.1.clone(), Arc::clone(&ctx.2));
            async move {
                let t = m.tracking.choose(&mut rng)?;
                let r = client.get(format!("{base}/api/v1/reports/{t}")).send().await.ok()?;
                let ok = r.status().is_success();
                r.bytes().await.ok()?;
                ok.then_some(rng)
            }
        })
        .await?;
        let ctx = (client.clone(), base.clone(), Arc::clone(&m));
        scenario("public list, random filters, 20 rows", clients, args.seconds, move |mut rng| {
            let (client, base, m) = (ctx.0.clone(), ctx.1.clone(), Arc::clone(&ctx.2));
            async move {
                let mut q = vec![format!("status={}", STATUSES.choose(&mut rng)?)];
                if rng.random_bool(0.5) {
                    q.push(format!("category={}", m.categories.choose(&mut rng)?));
                }
                let region =
                    if rng.random_bool(0.5) { m.provinces.choose(&mut rng)? } else { m.regencies.choose(&mut rng)? };
                q.push(format!("region={region}"));
                if rng.random_bool(0.5) {
                    let year = rng.random_range(2024..=2026);
                    q.push(format!("from={year}-01-01&to={}-01-01", year + 1));
                }
                let r = client.get(format!("{base}/api/v1/reports?limit=20&{}", q.join("&"))).send().await.ok()?;
                let ok = r.status().is_success();
                r.bytes().await.ok()?;
                ok.then_some(rng)
            }
        })
        .await?;
        let ctx = (client.clone(), base.clone(), Arc::clone(&m));
        scenario("full-text search, 20 rows", clients, args.seconds, move |mut rng| {
            let (client, base) = (ctx.0.clone(), ctx.1.clone());
            async move {
                let word = WORDS.choose(&mut rng)?;
                let r = client.get(format!("{base}/api/v1/reports?limit=20&q={word}")).send().await.ok()?;
                let ok = r.status().is_success();
                r.bytes().await.ok()?;
                ok.then_some(rng)
            }
        })
        .await?;
    }
    for &clients in &args.create_clients {
        let ctx = (client.clone(), base.clone(), Arc::clone(&m));
        scenario("create a report (durable)", clients, args.seconds, move |mut rng| {
            let (client, base, m) = (ctx.0.clone(), ctx.1.clone(), Arc::clone(&ctx.2));
            async move {
                let region = m.regencies.choose(&mut rng)?.clone();
                let word = *WORDS.choose(&mut rng)?;
                let body = json!({
                    "title": format!("Keluhan {word} nomor {}", rng.random::<u32>()),
                    "description": format!("Warga melaporkan masalah {word} yang belum ditangani sejak bulan lalu di wilayah ini."),
                    "region": region,
                    "category": m.categories.choose(&mut rng)?,
                    "reporter": {"name": "Warga Uji", "email": "warga.uji@contoh.id"}
                });
                let r = client.post(format!("{base}/api/v1/reports")).json(&body).send().await.ok()?;
                (r.status() == reqwest::StatusCode::CREATED).then_some(rng)
            }
        })
        .await?;
    }
    match server.peak_memory_mib() {
        Some(mib) => println!("\nserver peak memory (VmHWM): {mib:.0} MiB"),
        None => println!("\nserver peak memory: not available"),
    }
    drop(server);
    Ok(())
}
