//! The real binary: its commands, `serve` on a real port, and two processes sharing one
//! PostgreSQL database.

use aduan_store::Store;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_aduan");

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn aduan(data: &PathBuf, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("ADUAN_DATABASE_URL")
        .output()
        .expect("run aduan")
}

fn ok(data: &PathBuf, args: &[&str]) -> String {
    let out = aduan(data, args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "aduan {args:?} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

fn fails(data: &PathBuf, args: &[&str]) -> String {
    let out = aduan(data, args);
    assert!(!out.status.success(), "aduan {args:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn help_documents_every_command() {
    let out = Command::new(BIN).arg("--help").output().expect("run");
    let help = String::from_utf8_lossy(&out.stdout);
    for cmd in
        ["serve", "migrate", "seed", "user", "calendar", "jobs", "apikey", "ADUAN_DATABASE_URL", "ADUAN_DATA_DIR"]
    {
        assert!(help.contains(cmd), "--help lacks {cmd}:\n{help}");
    }
    let out = Command::new(BIN).args(["seed", "--help"]).output().expect("run");
    let help = String::from_utf8_lossy(&out.stdout);
    for cmd in ["national", "regency", "people", "reports", "synthetic"] {
        assert!(help.contains(cmd), "seed --help lacks {cmd}");
    }
    let out = Command::new(BIN).args(["serve", "--help"]).output().expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).contains("ADUAN_LISTEN"));
}

#[test]
fn bad_configuration_is_a_clear_error() {
    let data = scratch("badconfig");
    let err = fails(&data, &["--database-url", "mysql://localhost/aduan", "migrate"]);
    assert!(err.contains("unsupported database URL"), "{err}");
    let config = data.join("aduan.toml");
    std::fs::write(&config, "listen = \"127.0.0.1:9\"\ncolour = \"red\"\n").expect("write");
    let err = fails(&data, &["--config", config.to_str().expect("path"), "migrate"]);
    assert!(err.contains("not valid configuration"), "{err}");
}

#[test]
fn administration_from_the_command_line() {
    let data = scratch("admin");
    assert!(ok(&data, &["migrate"]).contains("sqlite database is up to date"));
    let out = ok(&data, &["seed", "regency", "64.08"]);
    assert!(out.contains("organisations:") && out.contains("routing rules"), "{out}");
    // Seeding again changes nothing.
    assert!(ok(&data, &["seed", "regency", "64.08"]).contains("organisations: 0 created"));
    let out = ok(&data, &["seed", "people"]);
    assert!(out.contains("verifikator@demo.aduan.id") && out.contains("password"), "{out}");

    let mut add = Command::new(BIN)
        .arg("--data-dir")
        .arg(&data)
        .args(["user", "add", "--name", "Wulan", "--email", "wulan@kutaitimurkab.go.id", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    add.stdin.take().expect("stdin").write_all(b"kata-sandi-panjang\n").expect("write");
    assert!(add.wait_with_output().expect("wait").status.success());
    ok(
        &data,
        &["user", "grant", "--person", "wulan@kutaitimurkab.go.id", "--role", "officer", "--org", "KAB-64.08/DLH"],
    );
    let err = fails(
        &data,
        &["user", "grant", "--person", "wulan@kutaitimurkab.go.id", "--role", "officer", "--org", "KAB-64.08/DLH"],
    );
    assert!(err.contains("already has this role"), "{err}");
    let err = fails(
        &data,
        &["user", "grant", "--person", "wulan@kutaitimurkab.go.id", "--role", "king", "--org", "KAB-64.08"],
    );
    assert!(err.contains("unknown role"), "{err}");
    let err =
        fails(&data, &["user", "grant", "--person", "nobody@example.com", "--role", "officer", "--org", "KAB-64.08"]);
    assert!(err.contains("not found"), "{err}");
    let show = ok(&data, &["user", "show", "wulan@kutaitimurkab.go.id"]);
    assert!(show.contains("Unit officer at Dinas Lingkungan Hidup Kabupaten Kutai Timur"), "{show}");
    ok(
        &data,
        &["user", "revoke", "--person", "wulan@kutaitimurkab.go.id", "--role", "officer", "--org", "KAB-64.08/DLH"],
    );
    assert!(ok(&data, &["user", "show", "wulan@kutaitimurkab.go.id"]).contains("revoked"));

    // The calendar: shipped years, a missing year, loading one, refusing a bad file.
    let status = ok(&data, &["calendar", "status"]);
    assert!(status.contains("2026") && status.contains("shipped with Aduan"), "{status}");
    assert!(status.contains("2028") && status.contains("MISSING"), "{status}");
    let file = data.join("2028.csv");
    std::fs::write(&file, "date,kind,name\n2028-01-01,public,Tahun Baru Masehi\n2028-01-26,public,Tahun Baru Imlek\n")
        .expect("write");
    let out = ok(&data, &["calendar", "load", file.to_str().expect("path")]);
    assert!(out.contains("2028: 2 holidays"), "{out}");
    assert!(ok(&data, &["calendar", "status"]).contains("loaded by an admin"));
    std::fs::write(&file, "date,kind,name\n2028-02-30,public,Tidak ada\n").expect("write");
    let err = fails(&data, &["calendar", "load", file.to_str().expect("path")]);
    assert!(err.contains("line 2"), "{err}");
    assert!(ok(&data, &["calendar", "show", "2028"]).contains("Tahun Baru Imlek"), "the bad file changed nothing");
    let y2026 = ok(&data, &["calendar", "show", "2026"]);
    assert_eq!(y2026.lines().count(), 26, "a header and 25 days");

    // Demo reports, then the scheduler at a future instant, twice.
    assert!(ok(&data, &["seed", "reports", "--count", "30"]).contains("demo reports: 30 filed"));
    let first = ok(&data, &["jobs", "run", "--at", "2027-12-01T09:00:00+07:00"]);
    let acted: usize =
        first.split("applied ").nth(1).and_then(|s| s.split(' ').next()).and_then(|n| n.parse().ok()).expect("count");
    assert!(acted > 0, "{first}");
    assert!(ok(&data, &["jobs", "run", "--at", "2027-12-01T09:00:00+07:00"]).contains("applied 0 actions"));
}

/// Starts `aduan serve` on a free port; returns the child, its base URL and its log lines.
fn serve(data: &PathBuf, extra: &[&str]) -> (Child, String, std::sync::mpsc::Receiver<String>) {
    // reqwest in these tests shares the binary's TLS build, which needs its crypto provider.
    aduan_notify::transport::install_crypto_provider();
    let args: Vec<&str> = ["serve", "--listen", "127.0.0.1:0"].iter().chain(extra).copied().collect();
    let (child, rx) = spawn_logged(&args, data);
    let url = wait_for_url(&rx);
    (child, url, rx)
}

/// Reads log lines until the server says where it listens.
fn wait_for_url(rx: &std::sync::mpsc::Receiver<String>) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let line = rx.recv_timeout(left).expect("serve did not start");
        if let Some(i) = line.find("http://") {
            return line[i..].chars().take_while(|c| !c.is_whitespace() && *c != '"').collect();
        }
    }
}

fn stop(mut child: Child, rx: std::sync::mpsc::Receiver<String>) -> Vec<String> {
    let status = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().expect("kill");
    assert!(status.success());
    let exit = child.wait().expect("wait");
    assert!(exit.success(), "serve exited with {exit}");
    rx.iter().collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_answers_and_stops_gracefully() {
    let data = scratch("serve");
    let (child, url, rx) = serve(&data, &["--no-jobs"]);
    let health = reqwest::get(format!("{url}/healthz")).await.expect("healthz");
    assert_eq!(health.status(), 200);
    let ready = reqwest::get(format!("{url}/readyz")).await.expect("readyz");
    assert_eq!(ready.status(), 200);
    assert!(ready.text().await.expect("body").contains("sqlite"));
    let logs = stop(child, rx);
    assert!(logs.iter().any(|l| l.contains("stopped")), "{logs:?}");
    assert!(data.join("aduan.db").exists(), "the default database lives in the data directory");
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_logs_json_lines() {
    let data = scratch("json");
    let (child, url, rx) = serve(&data, &["--no-jobs", "--log-format", "json"]);
    reqwest::get(format!("{url}/healthz")).await.expect("healthz");
    let logs = stop(child, rx);
    assert!(!logs.is_empty());
    for line in &logs {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert!(v.get("level").is_some() && v.get("timestamp").is_some(), "{line}");
    }
}

fn spawn_logged(args: &[&str], data: &PathBuf) -> (Child, std::sync::mpsc::Receiver<String>) {
    let mut child = Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("ADUAN_DATABASE_URL")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    (child, rx)
}

#[tokio::test(flavor = "multi_thread")]
async fn readyz_turns_503_when_postgres_goes_away() {
    use aduan_store_postgres::scratch as pg;
    let Some(server) = pg::test_server() else { return };
    aduan_notify::transport::install_crypto_provider();
    pg::recreate(&server, "aduan_test_cli_ready").await.expect("database");
    let url = pg::database_url(&server, "aduan_test_cli_ready");
    let data = scratch("ready");
    let (child, rx) = spawn_logged(&["--database-url", &url, "serve", "--listen", "127.0.0.1:0", "--no-jobs"], &data);
    let base = wait_for_url(&rx);
    assert_eq!(reqwest::get(format!("{base}/readyz")).await.expect("readyz").status(), 200);
    // Dropping the database with FORCE ends the server's connections: a dead database.
    pg::drop_database(&server, "aduan_test_cli_ready").await.expect("drop");
    let ready = reqwest::get(format!("{base}/readyz")).await.expect("readyz");
    assert_eq!(ready.status(), 503);
    assert_eq!(reqwest::get(format!("{base}/healthz")).await.expect("healthz").status(), 200, "the process is alive");
    let logs = stop(child, rx);
    assert!(logs.iter().any(|l| l.contains("database unavailable")), "{logs:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_processes_running_the_jobs_on_one_postgres_database_never_act_twice() {
    use aduan_store_postgres::scratch as pg;
    let Some(server) = pg::test_server() else { return };
    pg::recreate(&server, "aduan_test_cli_jobs").await.expect("database");
    let url = pg::database_url(&server, "aduan_test_cli_jobs");
    let data = scratch("jobs");
    let with_db = |args: &[&'static str]| -> Vec<String> {
        ["--database-url", url.as_str()].iter().chain(args).map(|s| s.to_string()).collect()
    };
    let ok = |data: &PathBuf, args: &[String]| ok(data, &args.iter().map(String::as_str).collect::<Vec<_>>());
    ok(&data, &with_db(&["seed", "regency", "64.08"]));
    ok(&data, &with_db(&["seed", "people"]));
    ok(&data, &with_db(&["seed", "reports", "--count", "80"]));
    let run = with_db(&["jobs", "run", "--at", "2028-01-03T09:00:00+07:00"]);
    let spawn =
        || Command::new(BIN).arg("--data-dir").arg(&data).args(&run).stdout(Stdio::piped()).spawn().expect("spawn");
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().expect("a"), b.wait_with_output().expect("b"));
    assert!(a.status.success() && b.status.success());
    let applied = |o: &Output| -> usize {
        let s = String::from_utf8_lossy(&o.stdout);
        s.split("applied ").nth(1).and_then(|s| s.split(' ').next()).and_then(|n| n.parse().ok()).expect("count")
    };
    let total = applied(&a) + applied(&b);
    assert!(total > 0);

    let store = aduan_store_postgres::PgStore::connect(&url).await.expect("connect");
    let start = chrono::DateTime::parse_from_rfc3339("2028-01-01T00:00:00Z").expect("time").to_utc();
    let system_events = system_events_since(&store, start).await;
    assert_eq!(system_events, total, "each action reported by a process is one event");
    store.close().await;
    pg::drop_database(&server, "aduan_test_cli_jobs").await.expect("drop");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_serve_processes_on_one_postgres_database_never_act_twice() {
    use aduan_store_postgres::scratch as pg;
    let Some(server) = pg::test_server() else { return };
    pg::recreate(&server, "aduan_test_cli_serve2").await.expect("database");
    let url = pg::database_url(&server, "aduan_test_cli_serve2");
    let data = scratch("serve2");
    let with_db = |args: &[&'static str]| -> Vec<String> {
        ["--database-url", url.as_str()].iter().chain(args).map(|s| s.to_string()).collect()
    };
    for args in [&["seed", "regency", "64.08"][..], &["seed", "people"], &["seed", "reports", "--count", "80"]] {
        let args = with_db(args);
        ok(&data, &args.iter().map(String::as_str).collect::<Vec<_>>());
    }
    // Demo histories end "now", so some of their clocks are already due: both servers'
    // schedulers find work at once.
    let serve_args = with_db(&["serve", "--listen", "127.0.0.1:0", "--jobs-interval", "1"]);
    let serve_args: Vec<&str> = serve_args.iter().map(String::as_str).collect();
    // The seeded histories hold system events of their own (closings that happened in
    // the past); only what happens from here on is the servers' doing.
    let started = chrono::Utc::now();
    let (a, rx_a) = spawn_logged(&serve_args, &data);
    let (b, rx_b) = spawn_logged(&serve_args, &data);
    wait_for_url(&rx_a);
    wait_for_url(&rx_b);
    tokio::time::sleep(Duration::from_secs(4)).await;
    let logs: Vec<String> = stop(a, rx_a).into_iter().chain(stop(b, rx_b)).collect();
    let acted: usize = logs
        .iter()
        .filter(|l| l.contains("clock tick"))
        .filter_map(|l| l.split("acted=").nth(1)?.split(|c: char| !c.is_ascii_digit()).next()?.parse::<usize>().ok())
        .sum();
    assert!(acted > 0, "the schedulers found work: {logs:?}");

    let store = aduan_store_postgres::PgStore::connect(&url).await.expect("connect");
    let system_events = system_events_since(&store, started).await;
    assert_eq!(system_events, acted, "every action logged by either server is one event");
    store.close().await;
    pg::drop_database(&server, "aduan_test_cli_serve2").await.expect("drop");
}

/// Counts the scheduler's events from `since` on, asserting that no report received the
/// same automatic action twice.
async fn system_events_since(store: &dyn Store, since: chrono::DateTime<chrono::Utc>) -> usize {
    use aduan_domain::event::EventKind;
    use aduan_store::{PageRequest, ReportFilter};
    let mut page = PageRequest::first(200);
    let mut count = 0;
    loop {
        let p = store.list_reports(&ReportFilter::new(aduan_store::Scope::All), &page).await.expect("list");
        for r in &p.items {
            let mut seen = std::collections::HashSet::new();
            for e in store.events(r.id).await.expect("events").iter().filter(|e| e.actor.is_system() && e.at >= since) {
                let key = match &e.kind {
                    EventKind::DeadlineMissed { clock, due_at } => format!("{} {due_at}", clock.as_str()),
                    other => other.code().to_string(),
                };
                assert!(seen.insert(key.clone()), "report {}: {key} twice", r.tracking);
                count += 1;
            }
        }
        match p.next {
            Some(n) => page.after = Some(n),
            None => break,
        }
    }
    count
}

#[tokio::test(flavor = "multi_thread")]
async fn integration_keys_from_the_command_line_work_over_real_http() {
    let data = scratch("apikey");
    ok(&data, &["seed", "regency", "64.08"]);
    ok(&data, &["seed", "catalog"]);
    let key =
        ok(&data, &["apikey", "create", "--org", "KAB-64.08", "--name", "Kutim Mengadu", "--scopes", "read,file"]);
    let key = key.trim().to_string();
    assert!(key.starts_with("adk_"), "{key}");
    let err = fails(&data, &["apikey", "create", "--org", "KAB-64.08", "--scopes", "read,write"]);
    assert!(err.contains("\"write\""), "{err}");
    let listed = ok(&data, &["apikey", "list"]);
    assert!(listed.contains("KAB-64.08\tcoordinator\tread,file\tactive\tKutim Mengadu"), "{listed}");

    let (child, url, rx) = serve(&data, &["--no-jobs"]);
    let client = reqwest::Client::new();
    let body = serde_json::json!({
        "title": "Jalan berlubang di Sangatta Utara",
        "description": "Jalan poros berlubang besar sejak dua bulan, membahayakan pengendara motor.",
        "region": "64.08.01.2001",
        "category": "pupr.jalan"
    });
    let filed = client.post(format!("{url}/api/v1/reports")).bearer_auth(&key).json(&body).send().await.expect("post");
    assert_eq!(filed.status(), 201);
    let filed: serde_json::Value = filed.json().await.expect("json");
    assert_eq!(filed["report"]["channel"], "api");
    let doc = client.get(format!("{url}/api/v1/openapi.json")).send().await.expect("openapi");
    assert_eq!(doc.status(), 200);
    let docs = client.get(format!("{url}/api/docs")).send().await.expect("docs");
    assert_eq!(docs.status(), 200);

    let id = listed.split('\t').next().expect("id").trim().to_string();
    assert!(ok(&data, &["apikey", "revoke", &id]).contains("revoked"));
    let after = client.get(format!("{url}/api/v1/reports")).bearer_auth(&key).send().await.expect("get");
    assert_eq!(after.status(), 401, "a revoked key stops at once, even in a running server");
    stop(child, rx);
}
