//! Evaluation benchmark (issue 7): how long the national dashboard, one instansi's
//! dashboard and the ranking of the 514 kabupaten/kota take to compute for a one-year
//! period, summed from the pre-aggregated cells — and evidence that the cells stay equal
//! to the reports as reports change.
//!
//! 1. Loads synthetic reports (unless `--reuse`), like `storage-bench`.
//! 2. Times the three use cases a page calls (`App::dashboard`, `App::ranking`): the wall
//!    time of the call is the server time without HTTP and HTML.
//! 3. Cross-checks the cells against the reports with independent store queries
//!    (`count_reports`), applies `--transitions` real transitions through the application
//!    (`App::act`, as the pages and the scheduler do), and cross-checks again.
//! 4. With `--recount`, recounts every report's contribution and compares it with every
//!    stored cell.
//!
//! A program, not a test: it prints figures and asserts no timing. It exits non-zero when
//! a correctness check fails. Note that `--reuse` with `--transitions` > 0 changes the
//! reused database (that is the point: the checks after them show the cells followed).
//!
//! cargo run --release -p aduan-bench --bin evaluation-bench -- --backend sqlite --reports 1000000
//! cargo run --release -p aduan-bench --bin evaluation-bench -- --backend postgres --reports 10000000

use aduan_bench::common;

use aduan_domain::ids::{OrgId, PersonId, ReportId};
use aduan_domain::lifecycle::{Command, Verification, due_commands};
use aduan_domain::measures::{Breakdown, CellKey, Cells, Counters, Cube, Field, Filter, Peers, Period, contribution};
use aduan_domain::org::OrgKind;
use aduan_domain::permission::{Actor, ReportScope, StaffRole};
use aduan_domain::person::Role;
use aduan_domain::region::RegionLevel;
use aduan_domain::report::{AnswerKind, ArchiveReason, Report};
use aduan_domain::status::Status;
use aduan_domain::text::Text;
use aduan_domain::time::{ManualClock, Timestamp, Zone};
use aduan_seed::orgs;
use aduan_seed::synthetic::{self, Cast, Options};
use aduan_service::{App, AppError, Reference, Subject};
use aduan_store::{CellQuery, PageRequest, ReportFilter, SortOrder, Store, StoreError};
use aduan_store_postgres::{PgOptions, PgStore, scratch};
use aduan_store_sqlite::SqliteStore;
use anyhow::Context;
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use clap::{Parser, ValueEnum};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Parser)]
#[command(about = "Time the evaluation dashboards and ranking on many reports, and check the cells.")]
struct Args {
    #[arg(long, value_enum, default_value = "sqlite")]
    backend: Backend,
    /// Reports to load (ignored with --reuse when the database already holds reports).
    #[arg(long, default_value_t = 1_000_000)]
    reports: u64,
    /// Years of synthetic history the reports are spread over.
    #[arg(long, default_value_t = 2.0)]
    years: f64,
    /// Import batches in flight while the next is generated (2: both cores of the
    /// PostgreSQL server at work).
    #[arg(long, default_value_t = 2)]
    in_flight: usize,
    /// PostgreSQL server.
    #[arg(long, env = "ADUAN_BENCH_POSTGRES_URL", default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres_url: String,
    /// PostgreSQL database: dropped and created unless --reuse.
    #[arg(long, default_value = "aduan_bench_evaluation")]
    database: String,
    /// SQLite file: deleted first unless --reuse.
    #[arg(long, default_value = "target/bench/evaluation.db")]
    sqlite_path: PathBuf,
    /// Measure a database that already holds reports (e.g. filled by `aduan seed
    /// national` and `aduan seed synthetic`) instead of loading one.
    #[arg(long)]
    reuse: bool,
    /// Measured runs of each use case (after one warm-up run).
    #[arg(long, default_value_t = 50)]
    runs: usize,
    /// Measure this calendar year instead of the last 12 complete months of the data.
    #[arg(long)]
    year: Option<i32>,
    /// Transitions applied between the two rounds of checks (0: leave the data alone).
    #[arg(long, default_value_t = 2000)]
    transitions: usize,
    /// Also recount every report's contribution and compare it with every stored cell.
    #[arg(long)]
    recount: bool,
}

/// The synthetic history ends here when this program loads it, so that every run on
/// every backend measures the same data.
fn load_end() -> anyhow::Result<Timestamp> {
    Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).single().context("time")
}

/// Every month a cell can have.
fn all_time() -> anyhow::Result<(Period, Period)> {
    Ok((Period::new(1900, 1).context("month")?, Period::new(9999, 12).context("month")?))
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    let args = Args::parse();
    let store: Arc<dyn Store> = match args.backend {
        Backend::Sqlite => {
            if !args.reuse {
                for suffix in ["", "-wal", "-shm"] {
                    let path = format!("{}{suffix}", args.sqlite_path.display());
                    match std::fs::remove_file(&path) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => return Err(e).with_context(|| format!("removing {path}")),
                    }
                }
            }
            Arc::new(SqliteStore::connect(&format!("sqlite:{}", args.sqlite_path.display())).await?)
        }
        Backend::Postgres => {
            let db = if args.reuse {
                use std::str::FromStr;
                aduan_store_postgres::PgConnectOptions::from_str(&scratch::database_url(
                    &args.postgres_url,
                    &args.database,
                ))?
            } else {
                scratch::recreate(&args.postgres_url, &args.database).await.context("PostgreSQL")?
            };
            Arc::new(PgStore::connect_with(db, PgOptions::default()).await?)
        }
    };
    let outcome = run(store.clone(), &args).await;
    store.close().await;
    let summary = outcome?;
    summary.print();
    Ok(if summary.all_correct() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// What the summary table shows.
#[derive(Default)]
struct Summary {
    backend: &'static str,
    reports: u64,
    load: Option<String>,
    period: String,
    database_mib: f64,
    cells: usize,
    timings: Vec<Timing>,
    ranked: usize,
    ranked_ok: bool,
    checks_before: Option<bool>,
    transitions: String,
    checks_after: Option<bool>,
    recount: Option<(bool, String)>,
}

impl Summary {
    fn all_correct(&self) -> bool {
        self.ranked_ok
            && self.checks_before != Some(false)
            && self.checks_after != Some(false)
            && self.recount.as_ref().is_none_or(|(ok, _)| *ok)
    }

    fn print(&self) {
        let yes_no = |b: Option<bool>| match b {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "not run",
        };
        println!("\n## Summary\n");
        println!("| {} | |", self.backend);
        println!("|---|---|");
        println!("| reports | {} |", self.reports);
        if let Some(load) = &self.load {
            println!("| load | {load} |");
        }
        println!("| period | {} |", self.period);
        println!("| database | {:.0} MiB, {} evaluation cells |", self.database_mib, self.cells);
        for t in &self.timings {
            println!(
                "| {} | median {:.1} ms, p95 {:.1} ms, max {:.1} ms ({} cells read, alone in {:.1} ms) |",
                t.name,
                t.pct(0.5),
                t.pct(0.95),
                t.max(),
                t.cells,
                median(&t.reads)
            );
        }
        println!(
            "| kabupaten/kota ranked | {}{} |",
            self.ranked,
            if self.ranked_ok { "" } else { " (**expected 514**)" }
        );
        println!("| cells match the reports (before changes) | {} |", yes_no(self.checks_before));
        println!("| transitions | {} |", self.transitions);
        println!("| cells match the reports (after changes) | {} |", yes_no(self.checks_after));
        match &self.recount {
            Some((ok, text)) => println!(
                "| full recount equals the stored cells | {} — {} |",
                yes_no(Some(*ok)),
                text.lines().next().unwrap_or_default()
            ),
            None => println!("| full recount equals the stored cells | not run (--recount) |"),
        }
        println!("\nall checks passed: {}", if self.all_correct() { "yes" } else { "NO" });
    }
}

async fn run(store: Arc<dyn Store>, args: &Args) -> anyhow::Result<Summary> {
    let mut summary = Summary { backend: store.backend(), ..Summary::default() };
    println!("# Aduan evaluation benchmark — {}", store.backend());
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        common::memory()
    );
    store.migrate().await?;
    let clock = Arc::new(ManualClock::new(load_end()?));
    let app = App::open(store.clone(), clock.clone(), Default::default()).await?;
    let stored = store.count_reports(&ReportFilter::new(ReportScope::All), u64::MAX).await?.value();
    let reused = args.reuse && stored > 0;
    if reused {
        println!("reusing {stored} stored reports");
        summary.reports = stored;
    } else {
        let (loaded, line) = load(&app, store.as_ref(), args).await?;
        summary.reports = loaded;
        summary.load = Some(line);
    }
    let reference = app.reference();
    let national_zone = reference.orgs.national().map(|o| o.zone).unwrap_or(Zone::Wib);
    let own_desks = reference.orgs.iter().filter(|o| o.screens_own_reports && o.zone != national_zone).count();
    if own_desks > 0 {
        println!(
            "note: {own_desks} instansi screen their own reports in another zone; their intake months are counted \
             in that zone, the monthly check below uses {}",
            national_zone.abbreviation()
        );
    }

    // The data's end: the newest submission. Changes are made no earlier.
    let mut newest = ReportFilter::new(ReportScope::All);
    newest.order = SortOrder::Newest;
    let end = store
        .list_reports(&newest, &PageRequest::first(1))
        .await?
        .items
        .first()
        .map(|r| r.submitted_at)
        .context("the database holds no reports")?;
    let base = if reused { end.max(Utc::now()) } else { load_end()? };
    clock.set(base);
    let (from, to) = match args.year {
        Some(y) => Period::year_range(y),
        None => {
            let last = Period::of(end, national_zone).plus(-1);
            (last.plus(-11), last)
        }
    };
    summary.period = format!("{from} … {to}");
    println!(
        "\nperiod: {from} … {to} ({}; the data ends {})",
        if args.year.is_some() { "--year" } else { "the last 12 complete months" },
        national_zone.local(end).format("%Y-%m-%d %H:%M")
    );

    summary.database_mib = store.database_size().await? as f64 / 1_048_576.0;
    let started = Instant::now();
    let everyone = all_orgs(&reference);
    let (ever, never) = all_time()?;
    let mut per_cube = Vec::new();
    for cube in Cube::ALL {
        let n = stored_cells(store.as_ref(), &everyone, cube, ever, never).await?.len();
        summary.cells += n;
        per_cube.push(format!("{} {n}", cube.as_str()));
    }
    println!(
        "database size: {:.0} MiB; evaluation cells: {} rows ({}), all read in {:.1} s",
        summary.database_mib,
        summary.cells,
        per_cube.join(", "),
        started.elapsed().as_secs_f64()
    );

    // The instansi with the most reports in the period.
    let instansi: Vec<Option<OrgId>> =
        reference.orgs.iter().filter(|o| o.kind == OrgKind::Instansi).map(|o| Some(o.id)).collect();
    let period_cells = store.measure_cells(&CellQuery { cube: Cube::Total, orgs: instansi, from, to }).await?;
    let mut volume: BTreeMap<OrgId, i64> = BTreeMap::new();
    for (key, counters) in period_cells.iter() {
        if let Some(org) = key.org {
            *volume.entry(org).or_default() += counters.get(Field::Submitted);
        }
    }
    let (top, top_reports) = volume
        .iter()
        .max_by_key(|(org, n)| (**n, std::cmp::Reverse(**org)))
        .map(|(o, n)| (*o, *n))
        .context("no instansi has reports in the period")?;
    println!("instansi with the most reports: {} ({top_reports} in the period)", reference.orgs.name_of(top));

    // ── timing ──────────────────────────────────────────────────────────────────────
    // Each use case, then the same cell reads alone (database and decoding, without
    // turning the cells into figures), to show where the time goes.
    let members: Vec<Option<OrgId>> =
        aduan_domain::measures::peers(&reference.orgs, &Peers::Regencies(None)).into_iter().map(Some).collect();
    let store_ref = store.as_ref();
    let reads = |subject: Subject| {
        let reference = &reference;
        move || {
            let subject = subject.clone();
            async move { dashboard_reads(store_ref, reference, &subject, from, to).await }
        }
    };
    let national = time(args.runs, || app.dashboard(&Actor::System, None, from, to)).await?;
    let national_reads = time(args.runs, reads(Subject::Nation)).await?;
    let one = time(args.runs, || app.dashboard(&Actor::System, Some(top), from, to)).await?;
    let one_reads = time(args.runs, reads(Subject::Org(top))).await?;
    // The top instansi's busiest unit, and an Ombudsman office over its province.
    let unit = one.1.by_unit.iter().find_map(|p| match p.breakdown {
        Breakdown::Unit(u) => Some(u),
        _ => None,
    });
    let unit = unit.context("the instansi with the most reports gave none to a unit")?;
    let unit_one = time(args.runs, || app.dashboard(&Actor::System, Some(unit), from, to)).await?;
    let unit_reads = time(args.runs, reads(Subject::Org(unit))).await?;
    let office = province_supervisor(&reference, top);
    let set = time(args.runs, || app.set_dashboard(&office, from, to)).await?;
    let set_reads = time(args.runs, reads(set.1.subject.clone())).await?;
    let ranking = time(args.runs, || app.ranking(&Peers::Regencies(None), from, to)).await?;
    let ranking_reads = time(args.runs, || async {
        let query = CellQuery { cube: Cube::Total, orgs: members.clone(), from, to };
        Ok::<_, StoreError>(store_ref.measure_cells(&query).await?.len())
    })
    .await?;
    let timings = vec![
        Timing { name: "national dashboard", times: national.0, cells: national_reads.1, reads: national_reads.0 },
        Timing { name: "one instansi's dashboard", times: one.0, cells: one_reads.1, reads: one_reads.0 },
        Timing { name: "its busiest unit's dashboard", times: unit_one.0, cells: unit_reads.1, reads: unit_reads.0 },
        Timing {
            name: "a supervisor's set: every instansi of its province",
            times: set.0,
            cells: set_reads.1,
            reads: set_reads.0,
        },
        Timing {
            name: "ranking of the kabupaten/kota",
            times: ranking.0,
            cells: ranking_reads.1,
            reads: ranking_reads.0,
        },
    ];
    println!(
        "\n| use case ({} runs after a warm-up) | min ms | median ms | p95 ms | max ms | cells read | reading them \
         alone, median ms |",
        args.runs
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for t in &timings {
        t.print_row();
    }
    let (national, one, ranking) = (national.1, one.1, ranking.1);
    summary.timings = timings;
    summary.ranked = ranking.len();
    // 514 with the national tree (`aduan seed national`); a reused database may hold another.
    summary.ranked_ok = reference.orgs.by_code(orgs::NATIONAL).is_none() || ranking.len() == 514;
    let f = &national.figures;
    println!(
        "\nnational, {from} … {to}: {} submitted, {} verified, completion {}, answered on time {}, backlog {}",
        f.volume.submitted,
        f.volume.verified,
        percent(f.completion_rate),
        percent(f.answered_on_time),
        f.backlog.total()
    );
    println!(
        "{}: {} submitted, {} verified, completion {}; {} categories, {} regions, {} units in the breakdowns",
        reference.orgs.name_of(top),
        one.figures.volume.submitted,
        one.figures.volume.verified,
        percent(one.figures.completion_rate),
        one.by_category.len(),
        one.by_region.len(),
        one.by_unit.len()
    );
    let graded = ranking.iter().filter(|r| r.predicate.is_some()).count();
    println!("ranked {} kabupaten/kota ({graded} with a predicate); first three:", ranking.len());
    for row in ranking.iter().take(3) {
        println!(
            "- {}: completion {}, {} verified, {}",
            reference.orgs.name_of(row.org),
            percent(row.figures.completion_rate),
            row.figures.volume.verified,
            row.predicate.map(|p| p.label_id()).unwrap_or("—")
        );
    }

    // ── correctness ─────────────────────────────────────────────────────────────────
    let sample: Vec<OrgId> = [0, ranking.len() / 2, ranking.len().saturating_sub(1)]
        .into_iter()
        .filter_map(|i| ranking.get(i).map(|r| r.org))
        .collect();
    println!("\n### Cells against the reports, before any change");
    let checks = cross_checks(&app, from, to, top, &sample, national_zone).await?;
    summary.checks_before = Some(print_checks(&checks));

    if args.transitions > 0 {
        println!("\n### {} transitions", args.transitions);
        let applied = apply_transitions(&app, &clock, base, args.transitions).await?;
        summary.transitions = applied.line();
        println!("{}", summary.transitions);
        for (action, (n, reason)) in &applied.refused {
            println!("refused {n} × {action} (e.g. {reason})");
        }
        println!("\n### Cells against the reports, after the transitions");
        let checks = cross_checks(&app, from, to, top, &sample, national_zone).await?;
        summary.checks_after = Some(print_checks(&checks));
    } else {
        summary.transitions = "none (--transitions 0)".into();
    }

    if args.recount {
        println!("\n### Full recount");
        let (equal, line) = recount(&app, &everyone).await?;
        println!("{line}");
        summary.recount = Some((equal, line));
    }
    Ok(summary)
}

/// Seeds the national tree, the catalog and the routing, then the synthetic reports;
/// prints and returns how fast.
async fn load(app: &App, store: &dyn Store, args: &Args) -> anyhow::Result<(u64, String)> {
    common::seed_deployment(app).await?;
    let cast = synthetic::service_cast(app).await?;
    let bar = indicatif::ProgressBar::new(args.reports);
    let options = Options { reports: args.reports, years: args.years, in_flight: args.in_flight, ..Options::default() };
    let loading = Instant::now();
    let stats = synthetic::seed_synthetic(app, cast, &options, &bar).await?;
    bar.finish_and_clear();
    let analyzed = Instant::now();
    store.refresh_statistics().await?;
    let wall = loading.elapsed().as_secs_f64();
    let line = format!(
        "{} reports over {} years in {wall:.0} s: {:.0} reports/s overall, {:.0} reports/s into the store \
         (store {:.1} s, generation {:.1} s, statistics {:.1} s)",
        stats.reports,
        args.years,
        stats.reports as f64 / wall,
        stats.reports as f64 / stats.storing.as_secs_f64(),
        stats.storing.as_secs_f64(),
        stats.generating.as_secs_f64(),
        analyzed.elapsed().as_secs_f64()
    );
    println!("loaded {line}");
    Ok((stats.reports, line))
}

fn percent(share: Option<f64>) -> String {
    share.map(|s| format!("{:.1}%", s * 100.0)).unwrap_or_else(|| "—".into())
}

// ── timing ─────────────────────────────────────────────────────────────────────────

struct Timing {
    name: &'static str,
    /// Milliseconds, sorted.
    times: Vec<f64>,
    cells: usize,
    /// Milliseconds of the same cell reads alone, sorted.
    reads: Vec<f64>,
}

impl Timing {
    /// Nearest rank.
    fn pct(&self, p: f64) -> f64 {
        let rank = ((self.times.len() as f64 * p).ceil() as usize).clamp(1, self.times.len().max(1));
        self.times.get(rank - 1).copied().unwrap_or(0.0)
    }

    fn max(&self) -> f64 {
        self.times.last().copied().unwrap_or(0.0)
    }

    fn print_row(&self) {
        println!(
            "| {} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {:.1} |",
            self.name,
            self.times.first().copied().unwrap_or(0.0),
            self.pct(0.5),
            self.pct(0.95),
            self.max(),
            self.cells,
            median(&self.reads)
        );
    }
}

/// The median of sorted milliseconds (the lower one of an even count).
fn median(sorted: &[f64]) -> f64 {
    sorted.get(sorted.len().saturating_sub(1) / 2).copied().unwrap_or(0.0)
}

/// One warm-up call, then `runs` timed calls; returns the milliseconds, sorted, and the
/// last result.
async fn time<T, E, F, Fut>(runs: usize, mut call: F) -> anyhow::Result<(Vec<f64>, T)>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    anyhow::Error: From<E>,
{
    let mut last = call().await?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        last = call().await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok((times, last))
}

/// One supervisor's assignments over every instansi of the province of `org`.
fn province_supervisor(reference: &Reference, org: OrgId) -> Vec<Actor> {
    let province = reference.orgs.get(org).and_then(|o| o.region.as_ref()).map(|r| r.province());
    reference
        .orgs
        .iter()
        .filter(|o| o.kind == OrgKind::Instansi && o.region.as_ref().map(|r| r.province()) == province)
        .map(|o| Actor::Staff(StaffRole { person: PersonId(1), role: Role::Supervisor, org: o.id }))
        .collect()
}

/// The cell reads [`App::dashboard`] and [`App::set_dashboard`] make for a subject:
/// totals over the trend and the previous period (a unit's are its instansi's unit cells),
/// each breakdown of whole organisations over the period, and for the nation every
/// holder's totals. Returns the number of cells read.
async fn dashboard_reads(
    store: &dyn Store,
    reference: &Reference,
    subject: &Subject,
    from: Period,
    to: Period,
) -> anyhow::Result<usize> {
    let months = from.months_to(to);
    let first = from.plus(-months).min(from.min(to.plus(-11)));
    let orgs = &reference.orgs;
    let members: Vec<OrgId> = match subject {
        Subject::Nation => Vec::new(),
        Subject::Org(o) => vec![*o],
        Subject::Set(m) => m.clone(),
    };
    let picks: Vec<Filter> = members.iter().map(|o| Filter::of_org(orgs, *o, from, to)).collect();
    let holders = |total: bool| picks.iter().filter(move |p| (p.breakdown == Breakdown::Total) == total).map(|p| p.org);
    let mut whole: Vec<Option<OrgId>> = holders(true).collect();
    let units: Vec<Option<OrgId>> = holders(false).collect();
    if *subject == Subject::Nation {
        whole.push(None);
    }
    let read = |cube, orgs: &Vec<Option<OrgId>>, from| {
        let query = CellQuery { cube, orgs: orgs.clone(), from, to };
        async move { store.measure_cells(&query).await.map(|c| c.len()) }
    };
    let mut n = 0;
    if !whole.is_empty() {
        n += read(Cube::Total, &whole, first).await?;
        let single = matches!(subject, Subject::Org(_));
        for cube in [Cube::Category, Cube::Channel, Cube::Region, Cube::Unit] {
            if cube != Cube::Unit || single {
                n += read(cube, &whole, from).await?;
            }
        }
    }
    if !units.is_empty() {
        n += read(Cube::Unit, &units, first).await?;
    }
    if *subject == Subject::Nation {
        let holders = orgs.iter().filter(|o| o.kind != OrgKind::Unit).map(|o| Some(o.id)).collect();
        n += read(Cube::Total, &holders, from).await?;
    }
    Ok(n)
}

// ── cross-checks ───────────────────────────────────────────────────────────────────

/// A figure from the cells and the same figure counted from the reports.
struct Check {
    what: String,
    cells: i64,
    reports: i64,
}

impl Check {
    fn ok(&self) -> bool {
        self.cells == self.reports
    }
}

fn print_checks(checks: &[Check]) -> bool {
    println!("| check | from the cells | from the reports | |");
    println!("|---|---:|---:|---|");
    for c in checks {
        println!("| {} | {} | {} | {} |", c.what, c.cells, c.reports, if c.ok() { "ok" } else { "**DIFFERENT**" });
    }
    let ok = checks.iter().all(Check::ok);
    let wrong = checks.iter().filter(|c| !c.ok()).count();
    if ok {
        println!("cells match: yes ({} checks)", checks.len());
    } else {
        println!("cells match: NO ({wrong} of {} checks differ)", checks.len());
    }
    ok
}

/// The first instant of a month in `zone`.
fn month_start(p: Period, zone: Zone) -> anyhow::Result<Timestamp> {
    let day = NaiveDate::from_ymd_opt(p.year(), p.month(), 1).context("month")?;
    Ok(zone.start_of_day(day))
}

async fn count(store: &dyn Store, shape: impl FnOnce(&mut ReportFilter)) -> anyhow::Result<i64> {
    let mut f = ReportFilter::new(ReportScope::All);
    shape(&mut f);
    Ok(i64::try_from(store.count_reports(&f, u64::MAX).await?.value())?)
}

/// Figures from the cells (through the use cases where a page shows them) against the
/// same figures counted from the reports by the store's report queries. A report's
/// intake month is the month of its submission in its screening desk's zone (the
/// national desk's, WIB, for every report of the national tree); its backlog status is
/// its status now; its cells' organisation is its instansi (its screening desk before
/// routing).
async fn cross_checks(
    app: &App,
    from: Period,
    to: Period,
    top: OrgId,
    sample: &[OrgId],
    zone: Zone,
) -> anyhow::Result<Vec<Check>> {
    let store = app.store().as_ref();
    let reference = app.reference();
    let name = |o: OrgId| reference.orgs.name_of(o).to_string();
    let mut checks = Vec::new();
    let in_period = |p: Period| -> anyhow::Result<(Timestamp, Timestamp)> {
        Ok((month_start(p, zone)?, month_start(p.plus(1), zone)?))
    };

    // Month by month, as the national dashboard's trend shows them.
    let national = app.dashboard(&Actor::System, None, from, to).await?;
    for (month, figures) in national.trend.iter().filter(|(m, _)| (from..=to).contains(m)) {
        let (start, end) = in_period(*month)?;
        let reports = count(store, |f| {
            f.submitted_from = Some(start);
            f.submitted_before = Some(end);
        })
        .await?;
        checks.push(Check {
            what: format!("national submitted in {month} ({})", zone.abbreviation()),
            cells: figures.volume.submitted,
            reports,
        });
    }
    let (start, end) = (in_period(from)?.0, in_period(to)?.1);
    let year = |f: &mut ReportFilter| {
        f.submitted_from = Some(start);
        f.submitted_before = Some(end);
    };
    checks.push(Check {
        what: format!("national submitted {from} … {to}"),
        cells: national.figures.volume.submitted,
        reports: count(store, year).await?,
    });

    // Everything, every month: the national roll-up.
    let (ever, never) = all_time()?;
    let all = store.measure_cells(&CellQuery { cube: Cube::Total, orgs: vec![None], from: ever, to: never }).await?;
    let c = all.total(&Filter::total(None, ever, never));
    checks.push(Check {
        what: "national submitted, all months".into(),
        cells: c.get(Field::Submitted),
        reports: count(store, |_| {}).await?,
    });
    let open = [Status::Submitted, Status::NeedsInfo, Status::Forwarded, Status::InProgress, Status::Responded];
    for s in open {
        checks.push(Check {
            what: format!("national backlog {}", s.as_str()),
            cells: c.get(Field::Open(s)),
            reports: count(store, |f| f.statuses = vec![s]).await?,
        });
    }
    checks.push(Check {
        what: "national archived".into(),
        cells: c.get(Field::Archived),
        reports: count(store, |f| f.statuses = vec![Status::Archived]).await?,
    });
    let verified: Vec<Status> = Status::ALL.into_iter().filter(|s| s.is_verified()).collect();
    checks.push(Check {
        what: "national verified (in a verified status)".into(),
        cells: c.get(Field::Verified),
        reports: count(store, |f| f.statuses = verified).await?,
    });
    checks.push(Check {
        what: "national closed".into(),
        cells: c.get(Field::Closed),
        reports: count(store, |f| f.statuses = vec![Status::Closed]).await?,
    });
    checks.push(Check {
        what: "national open and flagged for the Ombudsman".into(),
        cells: c.get(Field::Overdue(aduan_domain::deadline::ClockKind::Ombudsman)),
        reports: count(store, |f| {
            f.statuses = open.to_vec();
            f.ombudsman_flagged = true;
        })
        .await?,
    });

    // The instansi with the most reports: its own cells, every month and the period.
    let own =
        store.measure_cells(&CellQuery { cube: Cube::Total, orgs: vec![Some(top)], from: ever, to: never }).await?;
    let c = own.total(&Filter::total(Some(top), ever, never));
    checks.push(Check {
        what: format!("{} submitted, all months", name(top)),
        cells: c.get(Field::Submitted),
        reports: count(store, |f| f.instansi = Some(top)).await?,
    });
    for s in open.into_iter().filter(|s| !matches!(s, Status::Submitted | Status::NeedsInfo)) {
        checks.push(Check {
            what: format!("{} backlog {}", name(top), s.as_str()),
            cells: c.get(Field::Open(s)),
            reports: count(store, |f| {
                f.instansi = Some(top);
                f.statuses = vec![s];
            })
            .await?,
        });
    }
    let dashboard = app.dashboard(&Actor::System, Some(top), from, to).await?;
    checks.push(Check {
        what: format!("{} submitted {from} … {to} (dashboard)", name(top)),
        cells: dashboard.figures.volume.submitted,
        reports: count(store, |f| {
            year(f);
            f.instansi = Some(top);
        })
        .await?,
    });

    // A few rows of the ranking.
    let ranking = app.ranking(&Peers::Regencies(None), from, to).await?;
    for org in sample {
        let Some(row) = ranking.iter().find(|r| r.org == *org) else { continue };
        checks.push(Check {
            what: format!("{} submitted {from} … {to} (ranking)", name(*org)),
            cells: row.figures.volume.submitted,
            reports: count(store, |f| {
                year(f);
                f.instansi = Some(*org);
            })
            .await?,
        });
    }
    Ok(checks)
}

// ── transitions ────────────────────────────────────────────────────────────────────

#[derive(Default)]
struct Applied {
    total: usize,
    by_action: BTreeMap<&'static str, usize>,
    /// Per action: how many were refused, and one reason.
    refused: BTreeMap<&'static str, (usize, String)>,
    reports: usize,
    seconds: f64,
}

impl Applied {
    fn line(&self) -> String {
        let actions: Vec<String> = self.by_action.iter().map(|(a, n)| format!("{a} {n}")).collect();
        format!(
            "{} transitions on {} reports in {:.1} s ({:.0}/s, cells updated in each transaction): {}",
            self.total,
            self.reports,
            self.seconds,
            self.total as f64 / self.seconds.max(1e-9),
            actions.join(", ")
        )
    }
}

/// Applies `k` transitions through `App::act`, as pages and the scheduler do: on open
/// reports, newest first, the scheduler's due action if one is due (mark overdue, flag
/// for the Ombudsman, close after silence…), else the next step of the report's life
/// (verify or archive, reply, dispose, answer, accept, rate). Repeats over the same
/// reports while fewer than `k` were applied.
async fn apply_transitions(app: &App, clock: &ManualClock, base: Timestamp, k: usize) -> anyhow::Result<Applied> {
    let store = app.store().clone();
    let reference = app.reference();
    let cast = synthetic::service_cast(app).await?;
    let govs: BTreeMap<String, OrgId> = reference
        .orgs
        .iter()
        .filter(|o| o.kind == OrgKind::Instansi && o.active)
        .filter_map(|o| {
            o.region.as_ref().filter(|r| r.level() == RegionLevel::Regency).map(|r| (r.as_str().to_string(), o.id))
        })
        .collect();
    let mut filter = ReportFilter::new(ReportScope::All);
    filter.statuses =
        vec![Status::Submitted, Status::NeedsInfo, Status::Forwarded, Status::InProgress, Status::Responded];
    filter.order = SortOrder::Newest;
    let mut ids = Vec::new();
    let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
    while ids.len() < k {
        let p = store.list_reports(&filter, &page).await?;
        ids.extend(p.items.iter().map(|r| r.id));
        match p.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    ids.truncate(k);
    let mut applied = Applied { reports: ids.len(), ..Applied::default() };
    let started = Instant::now();
    'passes: loop {
        let before = applied.total;
        for id in &ids {
            if applied.total >= k {
                break 'passes;
            }
            let Some(report) = store.report(*id).await? else { continue };
            let at = base.max(report.updated_at + Duration::minutes(1));
            clock.set(at);
            let due = due_commands(&report, &reference.ctx(at)).into_iter().next();
            let Some((actor, command)) =
                due.map(|c| (Actor::System, c)).or_else(|| next_step(&report, &cast, &reference, &govs))
            else {
                continue;
            };
            let action = command.action().as_str();
            match app.act(&actor, *id, report.version, command).await {
                Ok(_) => {
                    applied.total += 1;
                    *applied.by_action.entry(action).or_default() += 1;
                }
                Err(AppError::Refused(r)) => {
                    let entry = applied.refused.entry(action).or_insert_with(|| (0, r.to_string()));
                    entry.0 += 1;
                }
                Err(e) => return Err(e).with_context(|| format!("{action} on report {id}")),
            }
        }
        if applied.total == before {
            break;
        }
    }
    applied.seconds = started.elapsed().as_secs_f64();
    Ok(applied)
}

fn staff(person: aduan_domain::ids::PersonId, role: Role, org: OrgId) -> Actor {
    Actor::Staff(StaffRole { person, role, org })
}

/// The next step of a report's life, by whom.
fn next_step(
    report: &Report,
    cast: &Cast,
    reference: &Reference,
    govs: &BTreeMap<String, OrgId>,
) -> Option<(Actor, Command)> {
    let reporter = Actor::ReportLink(report.id);
    let text = |s: &str| Text::trusted(s);
    Some(match report.status {
        Status::Submitted if report.id.0 % 5 == 0 => (
            staff(cast.screener, Role::Screener, report.screening_desk),
            Command::Archive { reason: ArchiveReason::Incomplete, note: None },
        ),
        Status::Submitted => {
            let region = report.location.region.as_ref();
            let instansi = report
                .target_instansi
                .or_else(|| {
                    reference.router.suggest(&reference.categories, report.category, region).map(|s| s.instansi)
                })
                .or_else(|| region.and_then(|r| govs.get(r.at_level(RegionLevel::Regency).as_str()).copied()))?;
            let verification = Verification { instansi: Some(instansi), ..Verification::default() };
            (staff(cast.screener, Role::Screener, report.screening_desk), Command::Verify(verification))
        }
        Status::NeedsInfo => (
            reporter,
            Command::Reply { text: text("Lokasinya di depan balai desa, sudah saya lengkapi."), attachments: vec![] },
        ),
        Status::Forwarded => {
            let instansi = report.instansi?;
            let unit = reference
                .orgs
                .children(instansi)
                .iter()
                .copied()
                .find(|u| reference.orgs.get(*u).is_some_and(|u| u.kind == OrgKind::Unit && u.active))?;
            (staff(cast.coordinator, Role::Coordinator, instansi), Command::Dispose { units: vec![unit], note: None })
        }
        Status::InProgress => {
            let unit = report.units.first()?.unit;
            (
                staff(cast.officer, Role::Officer, unit),
                Command::Respond {
                    unit: None,
                    answer: AnswerKind::Final,
                    text: text("Sudah kami tindak lanjuti di lapangan. Terima kasih atas laporannya."),
                    attachments: vec![],
                },
            )
        }
        Status::Responded => (reporter, Command::Accept),
        Status::Closed if report.rating.is_none() => {
            (reporter, Command::Rate { stars: (report.id.0 % 5 + 1) as u8, comment: None })
        }
        Status::Closed | Status::Archived => return None,
    })
}

// ── full recount ───────────────────────────────────────────────────────────────────

/// Every organisation of the tree and the national roll-up.
fn all_orgs(reference: &Reference) -> Vec<Option<OrgId>> {
    std::iter::once(None).chain(reference.orgs.iter().map(|o| Some(o.id))).collect()
}

/// The stored cells of one cube, of these organisations, over these months.
async fn stored_cells(
    store: &dyn Store,
    orgs: &[Option<OrgId>],
    cube: Cube,
    from: Period,
    to: Period,
) -> anyhow::Result<Cells> {
    let mut cells = Cells::new();
    // A few thousand organisations per query: SQLite binds each one.
    for chunk in orgs.chunks(2000) {
        cells.add(&store.measure_cells(&CellQuery { cube, orgs: chunk.to_vec(), from, to }).await?);
    }
    Ok(cells)
}

/// Sums every report's contribution and compares the sum, cube by cube, with the stored
/// cells. Returns whether they are equal, and a line to print.
async fn recount(app: &App, everyone: &[Option<OrgId>]) -> anyhow::Result<(bool, String)> {
    let store = app.store().clone();
    let reference = app.reference();
    let started = Instant::now();
    let total = u64::try_from(count(store.as_ref(), |_| {}).await?)?;
    let bar = indicatif::ProgressBar::new(total);
    let mut recounted = Cells::new();
    let mut counted = 0u64;
    let mut after = ReportId(0);
    loop {
        let ids = store.report_ids_after(after, 2000).await?;
        let Some(last) = ids.last() else { break };
        after = *last;
        let mut tasks = tokio::task::JoinSet::new();
        for chunk in ids.chunks(500) {
            let (chunk, store, reference) = (chunk.to_vec(), store.clone(), reference.clone());
            tasks.spawn(async move {
                let mut part = Cells::new();
                let mut n = 0u64;
                for id in chunk {
                    if let Some(report) = store.report(id).await? {
                        part.add(&contribution(&report, &reference.calendar, &reference.orgs));
                        n += 1;
                    }
                }
                Ok::<_, StoreError>((part, n))
            });
        }
        while let Some(done) = tasks.join_next().await {
            let (part, n) = done??;
            recounted.add(&part);
            counted += n;
        }
        bar.set_position(counted);
    }
    bar.finish_and_clear();
    let recount_seconds = started.elapsed().as_secs_f64();
    let (ever, never) = all_time()?;
    let mut stored_total = 0;
    let mut different = 0;
    let mut examples = Vec::new();
    for cube in Cube::ALL {
        let stored = stored_cells(store.as_ref(), everyone, cube, ever, never).await?;
        stored_total += stored.len();
        let mut differ = |key: &CellKey, stored: Option<&Counters>, recounted: Option<&Counters>| {
            different += 1;
            if examples.len() < 5 {
                let mut delta = recounted.cloned().unwrap_or_default();
                delta.sub(&stored.cloned().unwrap_or_default());
                examples.push(format!("  {key:?}: recount − stored = {:?}", delta.iter().collect::<Vec<_>>()));
            }
        };
        for (key, counters) in recounted.iter().filter(|(k, _)| k.breakdown.cube() == cube) {
            match stored.get(key) {
                Some(s) if s == counters => {}
                s => differ(key, s, Some(counters)),
            }
        }
        for (key, counters) in stored.iter() {
            if recounted.get(key).is_none() {
                differ(key, Some(counters), None);
            }
        }
    }
    let equal = different == 0;
    let mut line = format!(
        "recounted {counted} reports into {} cells in {recount_seconds:.1} s ({:.0} reports/s); {stored_total} stored \
         cells; {}",
        recounted.len(),
        counted as f64 / recount_seconds.max(1e-9),
        if equal { "equal".to_string() } else { format!("DIFFERENT: {different} cells differ") }
    );
    for e in examples {
        line.push('\n');
        line.push_str(&e);
    }
    Ok((equal, line))
}
