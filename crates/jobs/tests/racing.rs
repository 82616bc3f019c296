//! Two schedulers on one database (two processes' worth: separate connection pools)
//! racing over the same due reports never act twice on a report, and a second pass
//! finds nothing left to do.

use aduan_domain::event::EventKind;
use aduan_domain::ids::ReportId;
use aduan_domain::lifecycle::Command;
use aduan_domain::report::AnswerKind;
use aduan_domain::sla::Limits;
use aduan_domain::status::Status;
use aduan_domain::time::ManualClock;
use aduan_jobs::{Scheduler, SchedulerOptions};
use aduan_service::App;
use aduan_store::Store;
use aduan_store::conformance::Fixture;
use chrono::Duration;
use std::collections::HashMap;
use std::sync::Arc;

/// Files 30 reports in three states whose clocks all run out within 90 days.
async fn prepare(first: Arc<dyn Store>) -> (Fixture, Vec<ReportId>) {
    let f = Fixture::new(first).await;
    let t0 = aduan_store::conformance::t0();
    let mut ids = Vec::new();
    for i in 0..30 {
        let r = f.file_road(&format!("Jalan rusak nomor {i} di Sangatta"), t0).await;
        let r = match i % 3 {
            0 => r,
            1 => {
                f.act(
                    &r,
                    &f.screener,
                    Command::RequestInfo { question: aduan_store::conformance::text("Di mana?") },
                    t0,
                )
                .await
            }
            _ => {
                let r = f.act(&r, &f.screener, f.verify_to("KAB-64.08"), t0).await;
                let units = vec![f.org("KAB-64.08/DPUPR")];
                let r = f.act(&r, &f.kutim_coordinator, Command::Dispose { units, note: None }, t0).await;
                let answer = Command::Respond {
                    unit: None,
                    answer: AnswerKind::Final,
                    text: aduan_store::conformance::text("Sudah diperbaiki"),
                    attachments: vec![],
                };
                f.act(&r, &f.pupr_officer, answer, t0).await
            }
        };
        ids.push(r.id);
    }
    (f, ids)
}

async fn app(store: Arc<dyn Store>, clock: Arc<ManualClock>) -> Arc<App> {
    Arc::new(App::open(store, clock, Limits::default()).await.expect("app"))
}

fn racing(holder: &str) -> SchedulerOptions {
    SchedulerOptions { use_lease: false, holder: holder.into(), ..SchedulerOptions::default() }
}

async fn race(first: Arc<dyn Store>, second: Arc<dyn Store>) {
    let (f, ids) = prepare(first.clone()).await;
    let clock = Arc::new(ManualClock::new(aduan_store::conformance::t0() + Duration::days(90)));
    let a = Scheduler::new(app(first.clone(), clock.clone()).await, racing("a"));
    let b = Scheduler::new(app(second, clock.clone()).await, racing("b"));
    let mut acted = 0;
    for _ in 0..5 {
        let (ra, rb) = tokio::join!(a.tick(), b.tick());
        let (ra, rb) = (ra.expect("tick a"), rb.expect("tick b"));
        acted += ra.acted + rb.acted;
    }
    // Idempotent: nothing left.
    let again = a.tick().await.expect("tick");
    assert_eq!((again.acted, again.reports), (0, 0));

    let mut added = 0;
    for (i, id) in ids.iter().enumerate() {
        let events = f.store.events(*id).await.expect("events");
        let mut kinds: HashMap<String, usize> = HashMap::new();
        for e in &events {
            let key = match &e.kind {
                EventKind::DeadlineMissed { clock, due_at } => format!("missed {} {due_at}", clock.as_str()),
                other => other.code().to_string(),
            };
            *kinds.entry(key).or_default() += 1;
        }
        for (kind, n) in &kinds {
            if !matches!(kind.as_str(), "submitted" | "disposed" | "answered" | "verified" | "info_requested") {
                assert_eq!(*n, 1, "report {i}: {kind} happened {n} times");
            }
        }
        let report = f.store.report(*id).await.expect("load").expect("found");
        let expected = [Status::Submitted, Status::Archived, Status::Closed][i % 3];
        assert_eq!(report.status, expected, "report {i}");
        if i % 3 == 0 {
            assert!(report.ombudsman_flagged_at.is_some(), "an untouched report is flagged after 60 days");
            assert!(kinds.contains_key("ombudsman_flagged"));
        }
        added += events.iter().filter(|e| e.actor.is_system()).count();
    }
    assert_eq!(acted, added, "every action the schedulers counted is one event, none twice");
}

async fn sqlite(name: &str) -> Arc<dyn Store> {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("jobs");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(format!("{name}.db"));
    Arc::new(aduan_store_sqlite::SqliteStore::connect(&path.display().to_string()).await.expect("open"))
}

fn fresh_sqlite_path(name: &str) {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("jobs");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("{name}.db{suffix}")));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_schedulers_on_one_sqlite_file_never_act_twice() {
    fresh_sqlite_path("race");
    let first = sqlite("race").await;
    first.migrate().await.expect("migrate");
    let second = sqlite("race").await;
    race(first, second).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_lease_lets_one_scheduler_work_at_a_time() {
    fresh_sqlite_path("lease");
    let store = sqlite("lease").await;
    let (_f, _ids) = prepare(store.clone()).await;
    let clock = Arc::new(ManualClock::new(aduan_store::conformance::t0() + Duration::days(90)));
    let leased = |h: &str| SchedulerOptions { holder: h.into(), ..SchedulerOptions::default() };
    let a = Scheduler::new(app(store.clone(), clock.clone()).await, leased("a"));
    let b = Scheduler::new(app(sqlite("lease").await, clock.clone()).await, leased("b"));
    let ra = a.tick().await.expect("a");
    let rb = b.tick().await.expect("b");
    assert!(ra.ran && ra.acted > 0);
    assert!(!rb.ran, "b waits while a holds the lease");
    // After the lease runs out (a died), b takes over.
    clock.advance(Duration::minutes(10));
    assert!(b.tick().await.expect("b").ran);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_schedulers_on_one_postgres_database_never_act_twice() {
    use aduan_store_postgres::{PgOptions, PgStore, scratch};
    let Some(server) = scratch::test_server() else { return };
    let db = scratch::recreate(&server, "aduan_test_jobs_race").await.expect("database");
    let open = || PgStore::connect_with(db.clone(), PgOptions { max_connections: 4, ..PgOptions::default() });
    let first: Arc<dyn Store> = Arc::new(open().await.expect("first pool"));
    first.migrate().await.expect("migrate");
    let second: Arc<dyn Store> = Arc::new(open().await.expect("second pool"));
    race(first, second).await;
}
