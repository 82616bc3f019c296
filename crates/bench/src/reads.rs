//! What users see when they read: makes a database the way users' data grows (`aduan seed
//! synthetic`, then optionally filings over HTTP), starts the release binary on it and
//! times every read route — the portal's pages, the staff workspace, the JSON API,
//! Open311 — at several client counts, printing requests/s, p50 and p99 and naming the
//! slowest case of each route. Then a mixed load of every route with the server's memory,
//! then filing. A program that prints figures, not a test: it asserts no timing.
//!
//! cargo build --release -p aduan -p aduan-bench
//! target/release/read-bench --backend sqlite --reports 1000000
//! target/release/read-bench --backend postgres --reports 10000000
//! target/release/read-bench --backend sqlite --reuse --flood 100000   # the same data after a flood

use aduan_bench::common;

use anyhow::{Context, bail};
use clap::Parser;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

#[derive(Parser)]
#[command(about = "Time every read route of Aduan over HTTP on a database made the way users make it.")]
struct Args {
    /// sqlite or postgres.
    #[arg(long, default_value = "sqlite")]
    backend: String,
    /// Reports `aduan seed synthetic` makes (ignored with --reuse).
    #[arg(long, default_value_t = 20_000)]
    reports: u64,
    /// Measure the database made by an earlier run instead of making a new one.
    #[arg(long)]
    reuse: bool,
    /// SQLite: the data directory (the database is `aduan.db` in it).
    #[arg(long, default_value = "target/bench/reads")]
    data_dir: PathBuf,
    /// PostgreSQL: the database's name (dropped and made again unless --reuse).
    #[arg(long, default_value = "aduan_bench_reads")]
    database: String,
    #[arg(long, env = "ADUAN_BENCH_POSTGRES_URL", default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres_url: String,
    /// The server binary.
    #[arg(long, default_value = "target/release/aduan")]
    server: PathBuf,
    /// Reports filed over HTTP (realistic texts, unverified) before measuring.
    #[arg(long, default_value_t = 0)]
    grow: u64,
    /// Unverified reports made of the very words searched for, filed over HTTP before
    /// measuring (a spam flood).
    #[arg(long, default_value_t = 0)]
    flood: u64,
    /// Seconds each route runs at each client count.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    clients: Vec<usize>,
    /// Seconds of the mixed load (every route at once, 64 clients) that the memory is read after.
    #[arg(long, default_value_t = 20.0)]
    mixed_seconds: f64,
    /// Client counts for filing, measured last (0 skips it).
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    filing_clients: Vec<usize>,
    /// Only routes whose name contains this.
    #[arg(long)]
    only: Option<String>,
}

/// Words of the synthetic corpus by how many reports hold them (share at 100,000
/// reports): the cases a search must answer.
const COMMON: [&str; 6] = ["jalan", "air", "rusak", "izin", "sekolah", "puskesmas"]; // 9–37%
const MIDDLE: [&str; 6] = ["banjir", "drainase", "listrik", "pungutan", "longsor", "bansos"]; // 1.3–3.5%
const RARE: [&str; 6] = ["tumbang", "nikah", "macet", "tarakan", "cimahi", "kintamani"]; // 0.05–0.3%
const SEVERAL: [&str; 6] = [
    "jalan rusak",
    "pungutan liar",
    "lampu jalan mati",
    "air pdam keruh",
    "puskesmas jembatan",
    "sampah menumpuk pasar",
];
const NO_MATCH: [&str; 4] = ["xyzzy", "kuantum", "preman xyzzy", "jalan xyzzy"];

/// The staff the workspace and the API are read as: the national screener, the
/// coordinator of a province and of a regency.
const STAFF: [(&str, &str, &str); 3] = [
    ("screener", "NASIONAL", "bench.verifikator@bench.aduan.id"),
    ("coordinator", "PROV-64", "bench.provinsi@bench.aduan.id"),
    ("coordinator", "KAB-64.08", "bench.kabupaten@bench.aduan.id"),
];
const STAFF_PASSWORD: &str = "bench-password-2026";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    common::install_crypto_provider();
    let args = Args::parse();
    println!("# Aduan read benchmark");
    println!(
        "machine: {} cores, {}; client and server on the same machine; backend {}",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        common::memory(),
        args.backend
    );
    let db = Database::of(&args)?;
    if !args.reuse {
        db.make(&args).await?;
    }
    for (role, org, email) in STAFF {
        db.staff(&args, role, org, email).await?;
    }
    let server = Server::start(&args.server, &db).await?;
    let client = reqwest::Client::builder().pool_max_idle_per_host(512).build()?;
    let base = server.base.clone();
    let mut m = material(&client, &base).await?;
    if args.grow > 0 {
        file_many(&client, &base, &m, args.grow, Texts::Realistic).await?;
    }
    if args.flood > 0 {
        file_many(&client, &base, &m, args.flood, Texts::Flood).await?;
    }
    m.sessions = sessions(&client, &base).await?;
    m.staff_tracking = staff_tracking(&client, &base, &m).await?;
    let m = Arc::new(m);
    let routes: Vec<Route> =
        ROUTES.iter().copied().filter(|r| args.only.as_deref().is_none_or(|o| r.name().contains(o))).collect();
    // Requests that did not get their 200: the program fails at the end if there were any
    // (it asserts no timing, only that every route answers).
    let mut failed = 0;
    println!("\n| route | clients | requests/s | p50 ms | p99 ms | max ms | failed | slowest case |");
    println!("|---|---:|---:|---:|---:|---:|---:|---|");
    for route in &routes {
        for &clients in &args.clients {
            let tally = run(&client, &base, &m, &[*route], clients, args.seconds).await;
            tally.print(route.name(), clients);
            failed += tally.failed;
        }
    }
    if args.mixed_seconds > 0.0 && !routes.is_empty() {
        println!("\n## Mixed load: every route at once, 64 clients, {} s", args.mixed_seconds);
        let before = server.memory();
        let tally = run(&client, &base, &m, &routes, 64, args.mixed_seconds).await;
        println!("\n| route | clients | requests/s | p50 ms | p99 ms | max ms | failed | slowest case |");
        println!("|---|---:|---:|---:|---:|---:|---:|---|");
        tally.print("all routes", 64);
        failed += tally.failed;
        for (name, part) in tally.by_route() {
            part.print(name, 64);
        }
        let after = server.memory();
        println!(
            "\nserver memory: RSS {} MiB before the mixed load, {} MiB after; peak (VmHWM) {} MiB",
            before.0, after.0, after.1
        );
    }
    let filing_clients: Vec<usize> = args.filing_clients.iter().copied().filter(|&c| c > 0).collect();
    if !filing_clients.is_empty() {
        println!("\n| filing | clients | reports/s | p50 ms | p99 ms | max ms | failed | |");
        println!("|---|---:|---:|---:|---:|---:|---:|---|");
    }
    for clients in filing_clients {
        failed += filing(&client, &base, &m, clients, args.seconds).await?;
    }
    let (rss, peak) = server.memory();
    println!("\nserver memory at the end: RSS {rss} MiB, peak (VmHWM) {peak} MiB");
    if failed > 0 {
        bail!("{failed} requests did not get their answer (see the failed column)");
    }
    Ok(())
}

/// Where the data lives, and how the server and the commands reach it.
struct Database {
    backend: &'static str,
    url: String,
    data_dir: PathBuf,
}

impl Database {
    fn of(args: &Args) -> anyhow::Result<Database> {
        match args.backend.as_str() {
            "sqlite" => Ok(Database {
                backend: "sqlite",
                url: format!("sqlite:{}", args.data_dir.join("aduan.db").display()),
                data_dir: args.data_dir.clone(),
            }),
            "postgres" => Ok(Database {
                backend: "postgres",
                url: aduan_store_postgres::scratch::database_url(&args.postgres_url, &args.database),
                data_dir: std::env::temp_dir().join(format!("aduan-read-bench-{}", args.database)),
            }),
            other => bail!("--backend {other}: sqlite or postgres"),
        }
    }

    fn command(&self, binary: &PathBuf) -> Command {
        let mut c = Command::new(binary);
        c.env("ADUAN_DATABASE_URL", &self.url).env("ADUAN_DATA_DIR", &self.data_dir).env("RUST_LOG", "warn");
        c
    }

    /// A new database holding `--reports` synthetic reports, made by the documented command.
    async fn make(&self, args: &Args) -> anyhow::Result<()> {
        match self.backend {
            "sqlite" => {
                if self.data_dir.exists() {
                    std::fs::remove_dir_all(&self.data_dir)
                        .with_context(|| format!("cannot remove {}", self.data_dir.display()))?;
                }
            }
            _ => {
                aduan_store_postgres::scratch::recreate(&args.postgres_url, &args.database).await?;
            }
        }
        let started = Instant::now();
        println!("seeding: aduan seed synthetic --reports {}", args.reports);
        let status = self
            .command(&args.server)
            .args(["seed", "synthetic", "--reports", &args.reports.to_string()])
            .stdout(Stdio::null())
            .status()
            .await
            .with_context(|| format!("cannot run {}", args.server.display()))?;
        if !status.success() {
            bail!("aduan seed synthetic failed: {status}");
        }
        println!("seeded in {:.1} s", started.elapsed().as_secs_f64());
        Ok(())
    }

    /// A staff account with one role (made once; later runs find it there).
    async fn staff(&self, args: &Args, role: &str, org: &str, email: &str) -> anyhow::Result<()> {
        let mut add = self
            .command(&args.server)
            .args(["user", "add", "--name", &format!("Bench {role} {org}"), "--email", email, "--password-stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        if let Some(mut stdin) = add.stdin.take() {
            use tokio::io::AsyncWriteExt;
            stdin.write_all(STAFF_PASSWORD.as_bytes()).await?;
        }
        // Fails when the person exists already (a reused database): the grant tells.
        add.wait().await?;
        let grant = self
            .command(&args.server)
            .args(["user", "grant", "--person", email, "--role", role, "--org", org])
            .output()
            .await?;
        let said = String::from_utf8_lossy(&grant.stderr);
        if !grant.status.success() && !said.contains("already") {
            bail!("cannot grant {role} at {org} to {email}: {said}");
        }
        Ok(())
    }
}

struct Server {
    child: Child,
    base: String,
}

impl Server {
    async fn start(binary: &PathBuf, db: &Database) -> anyhow::Result<Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = db
            .command(binary)
            .args(["serve", "--no-jobs", "--listen", &format!("127.0.0.1:{port}")])
            // One address sends everything here: no per-address limit may throttle it.
            .env("ADUAN_RATE_FILE_PER_MINUTE", "0")
            .env("ADUAN_RATE_SIGN_IN_PER_MINUTE", "0")
            .env("ADUAN_RATE_READ_PER_MINUTE", "0")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let server = Server { child, base: format!("http://127.0.0.1:{port}") };
        let client = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Ok(r) = client.get(format!("{}/readyz", server.base)).send().await
                && r.status().is_success()
            {
                break;
            }
            if started.elapsed() > Duration::from_secs(3600) {
                bail!("the server did not become ready in an hour");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        println!("server ready in {:.1} s (migrations included)", started.elapsed().as_secs_f64());
        Ok(server)
    }

    /// Resident memory now and at its peak (VmRSS, VmHWM), in MiB.
    fn memory(&self) -> (String, String) {
        let read = |key: &str| -> Option<String> {
            let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()?)).ok()?;
            let line = status.lines().find(|l| l.starts_with(key))?;
            let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(format!("{:.0}", kb / 1024.0))
        };
        (read("VmRSS:").unwrap_or_else(|| "?".into()), read("VmHWM:").unwrap_or_else(|| "?".into()))
    }
}

/// What the requests need: codes, places, tracking numbers, signed-in staff.
#[derive(Default)]
struct Material {
    regencies: Vec<String>,
    provinces: Vec<String>,
    categories: Vec<String>,
    instansi: Vec<String>,
    /// Public reports.
    tracking: Vec<String>,
    /// Reports each staff member's queue holds.
    staff_tracking: Vec<Vec<String>>,
    sessions: Vec<Session>,
}

struct Session {
    cookie: String,
    token: String,
}

async fn get_json(client: &reqwest::Client, url: String) -> anyhow::Result<Value> {
    let r = client.get(&url).send().await?;
    if !r.status().is_success() {
        bail!("GET {url}: {}", r.status());
    }
    Ok(r.json().await?)
}

async fn material(client: &reqwest::Client, base: &str) -> anyhow::Result<Material> {
    let cats = get_json(client, format!("{base}/api/v1/categories")).await?;
    let categories: Vec<String> =
        cats.as_array().context("categories")?.iter().filter_map(|c| c["code"].as_str().map(String::from)).collect();
    let orgs = get_json(client, format!("{base}/api/v1/organisations")).await?;
    let mut m = Material { categories, ..Material::default() };
    for o in orgs.as_array().context("organisations")? {
        if o["kind"] == "instansi"
            && let (Some(r), Some(code)) = (o["region"].as_str(), o["code"].as_str())
        {
            m.instansi.push(code.to_string());
            if r.contains('.') { m.regencies.push(r.to_string()) } else { m.provinces.push(r.to_string()) }
        }
    }
    let mut rng = StdRng::seed_from_u64(7);
    for _ in 0..60 {
        let region = m.regencies.choose(&mut rng).context("no regencies")?;
        let page = get_json(client, format!("{base}/api/v1/reports?region={region}&limit=200")).await?;
        m.tracking.extend(
            page["items"].as_array().into_iter().flatten().filter_map(|i| i["tracking"].as_str().map(String::from)),
        );
        if m.tracking.len() >= 2_000 {
            break;
        }
    }
    if m.tracking.is_empty() {
        bail!("no public report found: is the database seeded?");
    }
    Ok(m)
}

/// Signs each staff member in twice: to the workspace (a session cookie) and to the API
/// (a bearer token).
async fn sessions(client: &reqwest::Client, base: &str) -> anyhow::Result<Vec<Session>> {
    let no_redirect = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let mut out = Vec::new();
    for (_, _, email) in STAFF {
        let form = no_redirect.get(format!("{base}/masuk")).send().await?;
        let mut cookies = set_cookies(form.headers());
        let body = form.text().await?;
        let csrf = body
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .context("no CSRF token in the sign-in form")?
            .to_string();
        let signed = no_redirect
            .post(format!("{base}/masuk"))
            .header("Origin", base)
            .header("Cookie", cookie_header(&cookies))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form_body(&[("csrf", csrf.as_str()), ("ke", ""), ("email", email), ("password", STAFF_PASSWORD)]))
            .send()
            .await?;
        cookies.extend(set_cookies(signed.headers()));
        if !cookies.contains_key("aduan_sesi") {
            bail!("signing in {email} to the workspace failed: {}", signed.status());
        }
        let token: Value = client
            .post(format!("{base}/api/v1/auth/token"))
            .json(&json!({"email": email, "password": STAFF_PASSWORD}))
            .send()
            .await?
            .json()
            .await?;
        let token = token["token"].as_str().with_context(|| format!("no API token for {email}: {token}"))?;
        out.push(Session { cookie: cookie_header(&cookies), token: token.to_string() });
    }
    Ok(out)
}

/// `application/x-www-form-urlencoded`: letters, digits and `-._~` as they are, the rest escaped.
fn form_body(fields: &[(&str, &str)]) -> String {
    let encode = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    fields.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
}

fn set_cookies(headers: &reqwest::header::HeaderMap) -> HashMap<String, String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next()?.split_once('=').map(|(k, v)| (k.trim().to_string(), v.to_string())))
        .collect()
}

fn cookie_header(cookies: &HashMap<String, String>) -> String {
    cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
}

/// Reports each staff member may open: their queue's, or when it is empty, their lists'.
async fn staff_tracking(client: &reqwest::Client, base: &str, m: &Material) -> anyhow::Result<Vec<Vec<String>>> {
    let mut out = Vec::new();
    for s in &m.sessions {
        let mut found = Vec::new();
        for path in ["/api/v1/queue?limit=200", "/api/v1/reports?limit=200"] {
            let page: Value = client.get(format!("{base}{path}")).bearer_auth(&s.token).send().await?.json().await?;
            found = page["items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|i| i["tracking"].as_str().map(String::from))
                .collect();
            if !found.is_empty() {
                break;
            }
        }
        out.push(found);
    }
    Ok(out)
}

#[derive(Clone, Copy)]
enum Texts {
    Realistic,
    Flood,
}

/// Files `n` unverified reports over the API, 16 at a time.
async fn file_many(client: &reqwest::Client, base: &str, m: &Material, n: u64, texts: Texts) -> anyhow::Result<()> {
    let started = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let regencies = Arc::new(m.regencies.clone());
    let categories = Arc::new(m.categories.clone());
    let mut tasks = Vec::new();
    for i in 0..16u64 {
        let (client, base, next) = (client.clone(), base.to_string(), Arc::clone(&next));
        let (regencies, categories) = (Arc::clone(&regencies), Arc::clone(&categories));
        tasks.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(50_000 + i);
            let mut failed = 0u64;
            while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < n {
                let body = new_report(&mut rng, &regencies, &categories, texts);
                match client.post(format!("{base}/api/v1/reports")).json(&body).send().await {
                    Ok(r) if r.status() == reqwest::StatusCode::CREATED => {}
                    _ => failed += 1,
                }
            }
            failed
        }));
    }
    let mut failed = 0;
    for t in tasks {
        failed += t.await?;
    }
    let what = match texts {
        Texts::Realistic => "reports with realistic texts",
        Texts::Flood => "flood reports made of the searched words",
    };
    println!("filed {n} {what} over HTTP in {:.1} s ({failed} failed)", started.elapsed().as_secs_f64());
    Ok(())
}

fn new_report(rng: &mut StdRng, regencies: &[String], categories: &[String], texts: Texts) -> Value {
    let category = categories.choose(rng).cloned().unwrap_or_default();
    let (title, description) = match texts {
        Texts::Realistic => {
            let place = aduan_seed::texts::Place {
                desa: "Sukamaju".into(),
                kecamatan: "Kota".into(),
                kabupaten: "Kabupaten".into(),
                unit: "Dinas terkait".into(),
            };
            (
                aduan_seed::texts::pick(rng, &category, "title", &place),
                aduan_seed::texts::pick(rng, &category, "description", &place),
            )
        }
        Texts::Flood => {
            let words: Vec<&str> = COMMON.iter().chain(&MIDDLE).chain(&RARE).chain(&SEVERAL).copied().collect();
            let pick = |rng: &mut StdRng| words.choose(rng).copied().unwrap_or("jalan");
            (
                format!("{} {} {} promo murah", pick(rng), pick(rng), pick(rng)),
                format!(
                    "{} {} {} {} {} klik tautan ini sekarang juga",
                    pick(rng),
                    pick(rng),
                    pick(rng),
                    pick(rng),
                    pick(rng)
                ),
            )
        }
    };
    json!({
        "title": title.chars().take(200).collect::<String>(),
        "description": description,
        "region": regencies.choose(rng),
        "category": category,
        "reporter": {"name": "Warga Uji", "email": "warga.uji@contoh.id"}
    })
}

/// Filing throughput after the reads (every report filed stays in the database); returns
/// the filings refused.
async fn filing(
    client: &reqwest::Client,
    base: &str,
    m: &Material,
    clients: usize,
    seconds: f64,
) -> anyhow::Result<u64> {
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let regencies = Arc::new(m.regencies.clone());
    let categories = Arc::new(m.categories.clone());
    let mut tasks = Vec::new();
    let started = Instant::now();
    for i in 0..clients {
        let (client, base) = (client.clone(), base.to_string());
        let (regencies, categories) = (Arc::clone(&regencies), Arc::clone(&categories));
        tasks.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(90_000 + i as u64);
            let mut tally = Tally::default();
            while Instant::now() < deadline {
                let body = new_report(&mut rng, &regencies, &categories, Texts::Realistic);
                let t = Instant::now();
                let ok = matches!(client.post(format!("{base}/api/v1/reports")).json(&body).send().await,
                    Ok(r) if r.status() == reqwest::StatusCode::CREATED);
                tally.add(0, "file a report", t.elapsed(), ok);
            }
            tally
        }));
    }
    let mut all = Tally::default();
    for t in tasks {
        all.merge(t.await?);
    }
    all.elapsed = started.elapsed();
    all.print("file a report (durable), API", clients);
    Ok(all.failed)
}

/// The read routes, each a generator of random cases.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Route {
    Home,
    PublicList,
    PublicSearch,
    PublicReport,
    Track,
    Map,
    MapPoints,
    OpenData,
    Statistics,
    StaffQueue,
    StaffQueueSearch,
    StaffReport,
    ApiList,
    ApiSearch,
    ApiListNextPages,
    ApiReport,
    ApiQueue,
    Open311Page100,
    Open311DefaultPage,
    Open311Filtered,
    Open311Search,
    Open311DeepPage,
    Open311Request,
    Open311Services,
}

const ROUTES: [Route; 24] = [
    Route::Home,
    Route::PublicList,
    Route::PublicSearch,
    Route::PublicReport,
    Route::Track,
    Route::Map,
    Route::MapPoints,
    Route::OpenData,
    Route::Statistics,
    Route::StaffQueue,
    Route::StaffQueueSearch,
    Route::StaffReport,
    Route::ApiList,
    Route::ApiSearch,
    Route::ApiListNextPages,
    Route::ApiReport,
    Route::ApiQueue,
    Route::Open311Page100,
    Route::Open311DefaultPage,
    Route::Open311Filtered,
    Route::Open311Search,
    Route::Open311DeepPage,
    Route::Open311Request,
    Route::Open311Services,
];

/// Who asks.
enum Who {
    Public,
    Cookie(usize),
    Bearer(usize),
}

struct Case {
    path: String,
    who: Who,
    /// Follow `next_cursor` this many times (the request's time is all pages').
    pages: u32,
}

impl Case {
    fn public(path: String) -> Case {
        Case { path, who: Who::Public, pages: 1 }
    }
}

/// A search text of one of the kinds a search must answer.
fn search_text(rng: &mut StdRng) -> String {
    let kinds: [&[&str]; 5] = [&COMMON, &MIDDLE, &RARE, &SEVERAL, &NO_MATCH];
    let kind = kinds.choose(rng).copied().unwrap_or(&COMMON);
    kind.choose(rng).copied().unwrap_or("jalan").replace(' ', "+")
}

/// The names a surface gives its list filters.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Names {
    /// The portal's `/laporan` and the API.
    Portal,
    Api,
}

/// Random list filters, as the portal or the API names them.
fn filters(rng: &mut StdRng, m: &Material, names: Names) -> Vec<String> {
    let portal = names == Names::Portal;
    let mut q = Vec::new();
    let statuses = ["forwarded", "in_progress", "responded", "closed"];
    if rng.random_bool(0.5)
        && let Some(s) = statuses.choose(rng)
    {
        q.push(format!("status={s}"));
    }
    if rng.random_bool(0.4)
        && let Some(c) = m.categories.choose(rng)
    {
        q.push(format!("category={c}"));
    }
    match rng.random_range(0..3) {
        0 => {
            if let Some(p) = m.provinces.choose(rng) {
                q.push(if portal { format!("province={p}") } else { format!("region={p}") });
            }
        }
        1 => {
            if let Some(r) = m.regencies.choose(rng) {
                let province = r.split('.').next().unwrap_or_default();
                q.push(if portal { format!("province={province}&regency={r}") } else { format!("region={r}") });
            }
        }
        _ => {}
    }
    if rng.random_bool(0.2)
        && let Some(i) = m.instansi.choose(rng)
    {
        q.push(format!("instansi={i}"));
    }
    if rng.random_bool(0.3) {
        let year = rng.random_range(2024..=2026);
        q.push(if portal {
            format!("from={year}-01-01&to={year}-06-30")
        } else {
            format!("from={year}-01-01&to={year}-07-01")
        });
    }
    q
}

impl Route {
    fn name(self) -> &'static str {
        match self {
            Route::Home => "portal: home `/`",
            Route::PublicList => "portal: public list `/laporan`, random filters",
            Route::PublicSearch => "portal: public search `/laporan?q=`, words ± filters",
            Route::PublicReport => "portal: one public report `/laporan/{nomor}`",
            Route::Track => "portal: track `/lacak?nomor=`",
            Route::Map => "portal: map page `/peta`",
            Route::MapPoints => "portal: map points `/peta/titik.json`",
            Route::OpenData => "open data `/data/laporan.json`, 100 rows, filters",
            Route::Statistics => "public statistics `/statistik`",
            Route::StaffQueue => "workspace: queue `/staf/antrian` with tab counts",
            Route::StaffQueueSearch => "workspace: queue search `/staf/antrian?q=`",
            Route::StaffReport => "workspace: one report `/staf/laporan/{nomor}`",
            Route::ApiList => "API: list `/api/v1/reports`, random filters, 50 rows",
            Route::ApiSearch => "API: search `/api/v1/reports?q=`, 50 rows",
            Route::ApiListNextPages => "API: list, pages 2–5 by cursor, 100 rows",
            Route::ApiReport => "API: one report `/api/v1/reports/{nomor}`",
            Route::ApiQueue => "API: staff queue `/api/v1/queue`",
            Route::Open311Page100 => "Open311: `requests.json?page_size=100`",
            Route::Open311DefaultPage => "Open311: `requests.json` (default page)",
            Route::Open311Filtered => "Open311: `requests.json`, service/status/dates, page 1–3",
            Route::Open311Search => "Open311: search `requests.json?q=`, 100 rows ± service",
            Route::Open311DeepPage => "Open311: `requests.json`, page 2–50 of 100",
            Route::Open311Request => "Open311: one request `requests/{id}.json`",
            Route::Open311Services => "Open311: `services.json`",
        }
    }

    fn case(self, rng: &mut StdRng, m: &Material) -> Case {
        let tracking = m.tracking.choose(rng).cloned().unwrap_or_default();
        let staff = rng.random_range(0..m.sessions.len().max(1));
        match self {
            Route::Home => Case::public("/".into()),
            Route::PublicList => Case::public(format!("/laporan?{}", filters(rng, m, Names::Portal).join("&"))),
            Route::PublicSearch => {
                let mut q = vec![format!("q={}", search_text(rng))];
                if rng.random_bool(0.5) {
                    q.extend(filters(rng, m, Names::Portal));
                }
                Case::public(format!("/laporan?{}", q.join("&")))
            }
            Route::PublicReport => Case::public(format!("/laporan/{tracking}")),
            Route::Track => Case::public(format!("/lacak?nomor={tracking}")),
            Route::Map => Case::public("/peta".into()),
            Route::MapPoints => Case::public("/peta/titik.json".into()),
            Route::OpenData => {
                let mut q = vec!["batas=100".to_string()];
                if rng.random_bool(0.5)
                    && let Some(c) = m.categories.choose(rng)
                {
                    q.push(format!("kategori={c}"));
                }
                if rng.random_bool(0.5)
                    && let Some(r) = m.regencies.choose(rng)
                {
                    q.push(format!("wilayah={r}"));
                }
                Case::public(format!("/data/laporan.json?{}", q.join("&")))
            }
            Route::Statistics => Case::public("/statistik".into()),
            Route::StaffQueue | Route::StaffQueueSearch => {
                let tabs: &[&str] = match staff {
                    0 => &["submitted", "needs_info", "archived"],
                    _ => &["forwarded", "in_progress", "responded", "closed"],
                };
                let mut q = vec![format!("status={}", tabs.choose(rng).copied().unwrap_or("submitted"))];
                if self == Route::StaffQueueSearch {
                    q.push(format!("q={}", search_text(rng)));
                }
                if rng.random_bool(0.3)
                    && let Some(c) = m.categories.choose(rng)
                {
                    q.push(format!("kategori={c}"));
                }
                Case { path: format!("/staf/antrian?{}", q.join("&")), who: Who::Cookie(staff), pages: 1 }
            }
            Route::StaffReport => {
                let Some(t) = m.staff_tracking.get(staff).and_then(|l| l.choose(rng)).cloned() else {
                    return Case::public(format!("/laporan/{tracking}"));
                };
                Case { path: format!("/staf/laporan/{t}"), who: Who::Cookie(staff), pages: 1 }
            }
            Route::ApiList => {
                Case::public(format!("/api/v1/reports?limit=50&{}", filters(rng, m, Names::Api).join("&")))
            }
            Route::ApiSearch => {
                let mut q = vec![format!("q={}", search_text(rng))];
                if rng.random_bool(0.5) {
                    q.extend(filters(rng, m, Names::Api));
                }
                let who = if rng.random_bool(0.3) { Who::Bearer(staff) } else { Who::Public };
                Case { path: format!("/api/v1/reports?limit=50&{}", q.join("&")), who, pages: 1 }
            }
            Route::ApiListNextPages => Case {
                path: format!("/api/v1/reports?limit=100&{}", filters(rng, m, Names::Api).join("&")),
                who: Who::Public,
                pages: rng.random_range(2..=5),
            },
            Route::ApiReport => Case::public(format!("/api/v1/reports/{tracking}")),
            Route::ApiQueue => {
                let mut q = vec!["limit=50".to_string()];
                if rng.random_bool(0.3) {
                    q.push(format!("q={}", search_text(rng)));
                }
                Case { path: format!("/api/v1/queue?{}", q.join("&")), who: Who::Bearer(staff), pages: 1 }
            }
            Route::Open311Page100 => Case::public("/open311/v2/requests.json?page_size=100".into()),
            Route::Open311DefaultPage => Case::public("/open311/v2/requests.json".into()),
            Route::Open311Filtered => {
                let mut q = vec![format!("page_size={}", [20, 100, 500, 1000].choose(rng).copied().unwrap_or(100))];
                if rng.random_bool(0.6)
                    && let Some(c) = m.categories.choose(rng)
                {
                    q.push(format!("service_code={c}"));
                }
                if rng.random_bool(0.5) {
                    q.push(format!("status={}", if rng.random_bool(0.5) { "open" } else { "closed" }));
                }
                if rng.random_bool(0.5) {
                    let month = rng.random_range(1..=9);
                    q.push(format!(
                        "start_date=2026-{month:02}-01T00:00:00Z&end_date=2026-{:02}-01T00:00:00Z",
                        month + 2
                    ));
                }
                q.push(format!("page={}", rng.random_range(1..=3)));
                Case::public(format!("/open311/v2/requests.json?{}", q.join("&")))
            }
            Route::Open311Search => {
                let mut q = vec![format!("q={}", search_text(rng)), "page_size=100".to_string()];
                if rng.random_bool(0.5)
                    && let Some(c) = m.categories.choose(rng)
                {
                    q.push(format!("service_code={c}"));
                }
                Case::public(format!("/open311/v2/requests.json?{}", q.join("&")))
            }
            Route::Open311DeepPage => {
                Case::public(format!("/open311/v2/requests.json?page_size=100&page={}", rng.random_range(2..=50)))
            }
            Route::Open311Request => Case::public(format!("/open311/v2/requests/{tracking}.json")),
            Route::Open311Services => Case::public("/open311/v2/services.json".into()),
        }
    }
}

/// Latencies with the case each came from.
#[derive(Default)]
struct Tally {
    /// (route index, latency, path)
    samples: Vec<(usize, Duration, String)>,
    failed: u64,
    failures: Vec<String>,
    elapsed: Duration,
    names: Vec<&'static str>,
}

impl Tally {
    fn add(&mut self, route: usize, path: &str, latency: Duration, ok: bool) {
        if ok {
            self.samples.push((route, latency, path.to_string()));
        } else {
            self.failed += 1;
            if self.failures.len() < 3 {
                self.failures.push(path.to_string());
            }
        }
    }

    fn merge(&mut self, other: Tally) {
        self.samples.extend(other.samples);
        self.failed += other.failed;
        for f in other.failures {
            if self.failures.len() < 3 {
                self.failures.push(f);
            }
        }
    }

    fn print(&self, name: &str, clients: usize) {
        let mut latencies: Vec<Duration> = self.samples.iter().map(|s| s.1).collect();
        latencies.sort();
        let pct = |p: f64| {
            let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len().max(1)) - 1;
            latencies.get(i).map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
        };
        let slowest = self.samples.iter().max_by_key(|s| s.1).map(|s| s.2.clone()).unwrap_or_default();
        let failed = if self.failures.is_empty() {
            self.failed.to_string()
        } else {
            format!("{} (e.g. `{}`)", self.failed, self.failures.join("`, `"))
        };
        println!(
            "| {name} | {clients} | {:.0} | {:.2} | {:.2} | {:.1} | {failed} | `{slowest}` |",
            latencies.len() as f64 / self.elapsed.as_secs_f64().max(1e-9),
            pct(0.50),
            pct(0.99),
            pct(1.0),
        );
        let _ = std::io::stdout().flush();
    }

    /// The samples of each route apart (a mixed run).
    fn by_route(&self) -> Vec<(&'static str, Tally)> {
        let mut parts: Vec<(&'static str, Tally)> =
            self.names.iter().map(|n| (*n, Tally { elapsed: self.elapsed, ..Tally::default() })).collect();
        for (route, latency, path) in &self.samples {
            if let Some((_, part)) = parts.get_mut(*route) {
                part.samples.push((*route, *latency, path.clone()));
            }
        }
        parts
    }
}

/// `clients` loops, each sending a random case of a random one of `routes`, for `seconds`.
async fn run(
    client: &reqwest::Client,
    base: &str,
    m: &Arc<Material>,
    routes: &[Route],
    clients: usize,
    seconds: f64,
) -> Tally {
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let routes: Arc<Vec<Route>> = Arc::new(routes.to_vec());
    let mut tasks = Vec::new();
    for i in 0..clients {
        let (client, base, m, routes) = (client.clone(), base.to_string(), Arc::clone(m), Arc::clone(&routes));
        tasks.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(1_000 + i as u64);
            let mut tally = Tally::default();
            while Instant::now() < deadline {
                let index = rng.random_range(0..routes.len());
                let case = routes[index].case(&mut rng, &m);
                let t = Instant::now();
                let outcome = send(&client, &base, &m, &case).await;
                let label = match &outcome {
                    Ok(()) => case.path.clone(),
                    Err(e) => format!("{} → {e}", case.path),
                };
                tally.add(index, &label, t.elapsed(), outcome.is_ok());
            }
            tally
        }));
    }
    let mut all = Tally::default();
    for t in tasks {
        if let Ok(tally) = t.await {
            all.merge(tally);
        }
    }
    all.elapsed = started.elapsed();
    all.names = routes.iter().map(|r| r.name()).collect();
    all
}

/// Sends a case (following `next_cursor` for its extra pages); the first answer that was
/// not 200, if any.
async fn send(client: &reqwest::Client, base: &str, m: &Material, case: &Case) -> Result<(), String> {
    let mut path = case.path.clone();
    for page in 0..case.pages {
        let mut request = client.get(format!("{base}{path}"));
        match case.who {
            Who::Public => {}
            Who::Cookie(i) => request = request.header("Cookie", m.sessions.get(i).map_or("", |s| &s.cookie)),
            Who::Bearer(i) => request = request.bearer_auth(m.sessions.get(i).map_or("", |s| &s.token)),
        }
        let answer = request.send().await.map_err(|e| e.to_string())?;
        if answer.status() != reqwest::StatusCode::OK {
            return Err(answer.status().to_string());
        }
        let body = answer.bytes().await.map_err(|e| e.to_string())?;
        if page + 1 < case.pages {
            let next =
                serde_json::from_slice::<Value>(&body).ok().and_then(|v| v["next_cursor"].as_str().map(String::from));
            match next {
                Some(cursor) => path = format!("{}&cursor={cursor}", case.path),
                None => return Ok(()),
            }
        }
    }
    Ok(())
}
