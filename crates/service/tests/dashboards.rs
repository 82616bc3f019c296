//! Random histories played through the application on a real SQLite store (a fixed one on
//! PostgreSQL too): every figure
//! a dashboard (of the nation, an instansi, a unit, a supervisor's set), the public
//! statistics and a ranking show — the period, the period before, each month of the
//! trend, each row of each breakdown, each instansi of the nation or the set — equals a
//! direct count of the stored reports (`figures_direct`), which never looks at the cells.

use aduan_domain::ids::{OrgId, ReportId};
use aduan_domain::lifecycle::{Command, Verification, available_actions, due_commands};
use aduan_domain::measures::{Breakdown, Figures, Filter, Peers, Period, figures_direct, predicate};
use aduan_domain::org::OrgKind;
use aduan_domain::permission::{Actor, StaffRole};
use aduan_domain::person::{NewPerson, Role};
use aduan_domain::report::{AnswerKind, ArchiveReason, Channel, Privacy, Report};
use aduan_domain::sla::{Complexity, Limits};
use aduan_domain::time::{ManualClock, Timestamp, Zone};
use aduan_service::{App, AppError, Dashboard, Subject};
use aduan_store::Store;
use aduan_store::conformance::{Fixture, text};
use aduan_store_postgres::{PgStore, scratch};
use aduan_store_sqlite::SqliteStore;
use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;
use std::sync::Arc;

/// What varies between reports: channel, category, region, confidentiality.
type Spec = (usize, usize, usize, bool);
/// One step: which report, which of the actors offered the action, which command (or
/// the scheduler's due action), after how many hours.
type Step = (usize, usize, usize, i64);

const DUE: usize = usize::MAX;
const CHANNELS: [Channel; 3] = [Channel::Web, Channel::Api, Channel::Phone];
const CATEGORIES: [&str; 3] = ["pupr.jalan", "lingkungan", "kesehatan"];
const REGIONS: [Option<&str>; 4] = [Some("64.08.01.2001"), Some("64.08.02"), Some("91.03.01.1001"), None];

struct World {
    f: Fixture,
    app: App,
    clock: Arc<ManualClock>,
    actors: Vec<Actor>,
    /// One supervisor's assignments: Kutai Timur, its DLH (within it) and Jayapura.
    supervisor: Vec<Actor>,
    _dir: Option<tempfile::TempDir>,
}

/// A world on a fresh SQLite file.
async fn world() -> World {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("aduan.db");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect(&path.display().to_string()).await.expect("open"));
    let mut w = world_on(store).await;
    w._dir = Some(dir);
    w
}

async fn world_on(store: Arc<dyn Store>) -> World {
    let f = Fixture::new(store.clone()).await;
    let mut actors = vec![f.screener, f.kutim_coordinator, f.pupr_officer];
    for (email, role, code) in [
        ("dlh@kutaitimurkab.go.id", Role::Officer, "KAB-64.08/DLH"),
        ("kominfo@jayapurakab.go.id", Role::Coordinator, "KAB-91.03"),
        ("pupr@jayapurakab.go.id", Role::Officer, "KAB-91.03/DPUPR"),
        ("pengaduan@kemkes.go.id", Role::Coordinator, "KEMENKES"),
    ] {
        let new = NewPerson {
            display_name: email.into(),
            email: aduan_domain::person::Email::parse(email).ok(),
            phone: None,
            locale: Default::default(),
            password_hash: None,
        };
        let person = store.create_person(&new, start()).await.expect("person");
        let org = f.org(code);
        store.grant_role(person, role, org, start()).await.expect("grant");
        actors.push(Actor::Staff(StaffRole { person, role, org }));
    }
    let new = NewPerson {
        display_name: "Ombudsman Perwakilan".into(),
        email: None,
        phone: None,
        locale: Default::default(),
        password_hash: None,
    };
    let person = store.create_person(&new, start()).await.expect("person");
    let mut supervisor = Vec::new();
    for code in ["KAB-64.08", "KAB-64.08/DLH", "KAB-91.03"] {
        let org = f.org(code);
        store.grant_role(person, Role::Supervisor, org, start()).await.expect("grant");
        supervisor.push(Actor::Staff(StaffRole { person, role: Role::Supervisor, org }));
    }
    let clock = Arc::new(ManualClock::new(start()));
    let app = App::open_with(store, clock.clone(), Limits::default(), Default::default()).await.expect("app");
    World { f, app, clock, actors, supervisor, _dir: None }
}

/// Tuesday 27 January 2026, 08:00 WIB: the first month ends within days.
fn start() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 1, 27, 1, 0, 0).single().expect("time")
}

fn commands(f: &Fixture) -> Vec<Command> {
    let verify = |code: &str| f.verify_to(code);
    let dispose = |codes: &[&str]| Command::Dispose { units: codes.iter().map(|c| f.org(c)).collect(), note: None };
    let answer =
        |kind| Command::Respond { unit: None, answer: kind, text: text("Sudah kami perbaiki."), attachments: vec![] };
    vec![
        verify("KAB-64.08"),
        verify("KAB-64.08"),
        verify("KAB-91.03"),
        verify("KEMENKES"),
        Command::Verify(Verification {
            instansi: Some(f.org("KAB-64.08")),
            complexity: Some(Complexity::Ringan),
            privacy: Some(Privacy { anonymous: true, confidential: true }),
            ..Verification::default()
        }),
        Command::RequestInfo { question: text("Lokasi tepatnya di mana?") },
        Command::Archive { reason: ArchiveReason::Spam, note: None },
        Command::Restore { note: None },
        Command::ReturnNotAuthority { reason: text("Bukan kewenangan kami") },
        dispose(&["KAB-64.08/DPUPR"]),
        dispose(&["KAB-64.08/DPUPR", "KAB-64.08/DLH"]),
        dispose(&["KAB-64.08/DLH"]),
        dispose(&["KAB-91.03/DPUPR"]),
        Command::HandBack { unit: None, reason: text("Salah unit") },
        answer(AnswerKind::Progress),
        answer(AnswerKind::Final),
        answer(AnswerKind::Final),
        Command::CloseOutside { reason: text("Sudah ditangani langsung") },
        Command::Reply { text: text("Belum diperbaiki."), attachments: vec![] },
        Command::Accept,
        Command::Rate { stars: 2, comment: None },
        Command::Rate { stars: 4, comment: None },
        Command::Rate { stars: 5, comment: None },
        Command::Appeal { reason: text("Masih rusak") },
    ]
}

/// Files a report through the application: self-service channels as a guest, the others
/// entered by the screener on the citizen's behalf.
async fn file(w: &World, spec: Spec) -> Result<Report, TestCaseError> {
    let (channel, category, region, confidential) = spec;
    let mut draft =
        w.f.draft("Jalan rusak", "Jalan poros berlubang besar sejak dua bulan.", "64.08.01.2001", CATEGORIES[category]);
    draft.channel = CHANNELS[channel];
    draft.location.region = REGIONS[region].and_then(|r| aduan_domain::region::RegionCode::parse(r).ok());
    draft.privacy = Privacy { anonymous: false, confidential };
    draft.attachments.clear();
    draft.incident_date = None;
    let actor = if draft.channel.is_self_service() { Actor::Public } else { w.f.screener };
    match w.app.file_report(&actor, draft).await {
        Ok(filed) => Ok(filed.report),
        Err(e) => Err(TestCaseError::fail(format!("filing refused: {e}"))),
    }
}

/// The action a step tries, by whom; `None` when nobody may.
fn pick(
    w: &World,
    commands: &[Command],
    r: &Report,
    actor: usize,
    command: usize,
    now: Timestamp,
) -> Option<(Actor, Command)> {
    let reference = w.app.reference();
    let ctx = reference.ctx(now);
    if command == DUE {
        return due_commands(r, &ctx).into_iter().next().map(|c| (Actor::System, c));
    }
    let command = commands[command % commands.len()].clone();
    let mut offered: Vec<Actor> = w.actors.clone();
    offered.push(Actor::ReportLink(r.id));
    offered.retain(|a| available_actions(r, a, &ctx).contains(&command.action()));
    (!offered.is_empty()).then(|| (offered[actor % offered.len()], command))
}

/// Plays the steps; returns the first and last month the history touched.
async fn play(w: &World, specs: &[Spec], steps: &[Step]) -> Result<(Period, Period), TestCaseError> {
    let commands = commands(&w.f);
    let mut ids: Vec<Option<ReportId>> = vec![None; specs.len()];
    let mut now = start();
    for &(index, actor, command, hours) in steps {
        now += Duration::hours(hours);
        w.clock.set(now);
        let i = index % specs.len();
        let Some(id) = ids[i] else {
            ids[i] = Some(file(w, specs[i]).await?.id);
            continue;
        };
        let report = w.app.store().report(id).await.map_err(|e| TestCaseError::fail(e.to_string()))?;
        let Some(report) = report else { return Err(TestCaseError::fail("a filed report is gone")) };
        let Some((actor, command)) = pick(w, &commands, &report, actor, command, now) else { continue };
        match w.app.act(&actor, id, report.version, command).await {
            Ok(_) | Err(AppError::Refused(_)) => {}
            Err(e) => return Err(TestCaseError::fail(format!("unexpected failure: {e}"))),
        }
    }
    // Months in the zones of the organisations (WIB to WIT).
    Ok((Period::of(start(), Zone::Wib), Period::of(now, Zone::Wit)))
}

async fn stored_reports(app: &App) -> Vec<Report> {
    let ids = app.store().report_ids_after(ReportId(0), 1000).await.expect("ids");
    let mut out = Vec::new();
    for id in ids {
        out.push(app.store().report(id).await.expect("read").expect("report"));
    }
    out
}

/// The direct count of a breakdown value of a dashboard's subject: the nation's or an
/// organisation's reports, the reports given to a unit, or a set's organisations' reports
/// each chosen by its organisation's own filter.
fn direct_of(
    subject: &Subject,
    breakdown: &Breakdown,
    from: Period,
    to: Period,
    reports: &[Report],
    app: &App,
) -> Figures {
    let reference = app.reference();
    let (calendar, orgs) = (&reference.calendar, &reference.orgs);
    let filter = |org: Option<OrgId>, from, to| Filter::total(org, from, to).with(breakdown.clone());
    let is_unit = |o: OrgId| orgs.get(o).is_some_and(|u| u.kind == OrgKind::Unit);
    match subject {
        Subject::Nation => figures_direct(reports, &filter(None, from, to), calendar, orgs),
        // A unit's figures are its headline ones only.
        Subject::Org(o) if is_unit(*o) => figures_direct(reports, &Filter::of_org(orgs, *o, from, to), calendar, orgs),
        Subject::Org(o) => figures_direct(reports, &filter(Some(*o), from, to), calendar, orgs),
        Subject::Set(members) => {
            let (ever, never) = (Period::new(2000, 1).expect("month"), Period::new(2100, 12).expect("month"));
            let chosen: Vec<Report> = reports
                .iter()
                .filter(|r| {
                    let one = std::slice::from_ref(*r);
                    members.iter().any(|m| {
                        figures_direct(one, &filter(Some(*m), ever, never), calendar, orgs).volume.submitted == 1
                    })
                })
                .cloned()
                .collect();
            figures_direct(&chosen, &Filter::total(None, from, to), calendar, orgs)
        }
    }
}

/// Every figure of a dashboard against the direct count; `units`: whether it has a unit
/// breakdown (staff dashboards of an instansi do, public statistics do not).
fn check_dashboard(d: &Dashboard, reports: &[Report], app: &App, units: bool) -> Result<(), TestCaseError> {
    let direct = |b: &Breakdown, from, to| direct_of(&d.subject, b, from, to, reports, app);
    let total = Breakdown::Total;
    prop_assert_eq!(&d.figures, &direct(&total, d.from, d.to), "{:?} {}…{}", d.subject, d.from, d.to);
    prop_assert_eq!(&d.previous, &direct(&total, d.previous_from, d.previous_to), "previous of {:?}", d.subject);
    prop_assert_eq!(d.previous_from.months_to(d.previous_to), d.from.months_to(d.to));
    prop_assert_eq!(d.previous_to.plus(1), d.from);
    prop_assert!(d.trend.len() >= 12);
    prop_assert_eq!(d.trend.last().map(|(m, _)| *m), Some(d.to));
    for (month, figures) in &d.trend {
        prop_assert_eq!(figures, &direct(&total, *month, *month), "trend {} of {:?}", month, d.subject);
    }
    let reference = app.reference();
    let is_unit = d.subject.org().and_then(|o| reference.orgs.get(o)).is_some_and(|o| o.kind == OrgKind::Unit);
    let parts = [&d.by_category, &d.by_channel, &d.by_region, &d.by_unit];
    for (i, cube) in parts.into_iter().enumerate() {
        if is_unit {
            prop_assert!(cube.is_empty(), "a unit's cells have no breakdown");
            continue;
        }
        for part in cube {
            prop_assert_eq!(
                &part.figures,
                &direct(&part.breakdown, d.from, d.to),
                "{:?} {:?}",
                d.subject,
                part.breakdown
            );
        }
        let is_unit_cube = i == 3;
        if is_unit_cube {
            prop_assert!(units || cube.is_empty(), "no unit breakdown here");
            continue;
        }
        // Each report is in exactly one row of the other breakdowns: none is left out.
        let sum = |f: fn(&Figures) -> i64| cube.iter().map(|p| f(&p.figures)).sum::<i64>();
        prop_assert_eq!(sum(|f| f.volume.submitted), d.figures.volume.submitted);
        prop_assert_eq!(sum(|f| f.volume.verified), d.figures.volume.verified);
        prop_assert_eq!(sum(|f| f.backlog.total()), d.figures.backlog.total());
    }
    if matches!(d.subject, Subject::Org(_)) {
        prop_assert!(d.by_instansi.is_empty(), "only the nation and a set are broken down by organisation");
    }
    for part in &d.by_instansi {
        let one = Subject::Org(part.org);
        prop_assert_eq!(&part.figures, &direct_of(&one, &total, d.from, d.to, reports, app), "{:?}", part.org);
    }
    if !matches!(d.subject, Subject::Org(_)) {
        let sum = |f: fn(&Figures) -> i64| d.by_instansi.iter().map(|p| f(&p.figures)).sum::<i64>();
        prop_assert_eq!(sum(|f| f.volume.submitted), d.figures.volume.submitted);
        prop_assert_eq!(sum(|f| f.volume.verified), d.figures.volume.verified);
        prop_assert_eq!(sum(|f| f.volume.closed), d.figures.volume.closed);
    }
    Ok(())
}

async fn check_everything(w: &World, first: Period, last: Period) -> Result<(), TestCaseError> {
    let reports = stored_reports(&w.app).await;
    let fail = |e: AppError| TestCaseError::fail(e.to_string());
    let orgs = [
        None,
        Some(w.f.org("NASIONAL")),
        Some(w.f.org("KAB-64.08")),
        Some(w.f.org("KAB-91.03")),
        Some(w.f.org("KEMENKES")),
        Some(w.f.org("KAB-64.08/DPUPR")),
        Some(w.f.org("KAB-64.08/DLH")),
        Some(w.f.org("KAB-91.03/DPUPR")),
    ];
    let mut periods = vec![(first, last)];
    periods.extend(first.through(last).map(|m| (m, m)));
    if first < last {
        periods.push((first.plus(1), last));
    }
    for &(from, to) in &periods {
        for org in orgs {
            let d = w.app.dashboard(&Actor::System, org, from, to).await.map_err(fail)?;
            check_dashboard(&d, &reports, &w.app, org.is_some())?;
        }
        let set = w.app.set_dashboard(&w.supervisor, from, to).await.map_err(fail)?;
        let members = vec![w.f.org("KAB-64.08"), w.f.org("KAB-91.03")];
        prop_assert_eq!(&set.subject, &Subject::Set(members), "DLH counts within Kutai Timur");
        check_dashboard(&set, &reports, &w.app, false)?;
        for org in [None, Some(w.f.org("KAB-64.08")), Some(w.f.org("KEMENKES"))] {
            let d = w.app.public_statistics(org, from, to).await.map_err(fail)?;
            check_dashboard(&d, &reports, &w.app, false)?;
        }
        let reference = w.app.reference();
        let rows = w.app.ranking(&Peers::Regencies(None), from, to).await.map_err(fail)?;
        prop_assert_eq!(rows.len(), 2, "Kutai Timur and Jayapura");
        for row in rows {
            let direct =
                figures_direct(&reports, &Filter::total(Some(row.org), from, to), &reference.calendar, &reference.orgs);
            prop_assert_eq!(row.predicate, predicate(&direct, &w.app.thresholds()));
            prop_assert_eq!(row.figures, direct);
        }
    }
    Ok(())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

fn step() -> impl Strategy<Value = Step> {
    let hours = prop_oneof![3 => 0i64..30, 1 => 0i64..24 * 15];
    (0..5usize, 0..16usize, prop_oneof![5 => 0..64usize, 1 => Just(DUE)], hours)
}

proptest! {
    // Each case opens a database of its own and plays up to 80 actions through it.
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_dashboard_figure_equals_a_direct_count_of_the_reports(
        specs in prop::collection::vec((0..CHANNELS.len(), 0..CATEGORIES.len(), 0..REGIONS.len(), any::<bool>()), 1..=5),
        steps in prop::collection::vec(step(), 1..80),
    ) {
        runtime().block_on(async {
            let w = world().await;
            let (first, last) = play(&w, &specs, &steps).await?;
            check_everything(&w, first, last).await
        })?;
    }
}

/// The property is only worth something if its histories get somewhere: a fixed walk
/// through the same code reaches a closed, rated report and an overdue one.
#[test]
fn a_fixed_history_reaches_closure_ratings_and_overdue_marks() {
    runtime().block_on(async { fixed_history(world().await).await });
}

/// The same walk on PostgreSQL: every dashboard, statistics and ranking figure equal to
/// the direct count there too.
#[test]
fn a_fixed_history_on_postgresql() {
    let Some(server) = scratch::test_server() else { return };
    runtime().block_on(async {
        let name = "aduan_test_service_dashboards";
        scratch::recreate(&server, name).await.expect("database");
        let url = scratch::database_url(&server, name);
        let store: Arc<dyn Store> = Arc::new(PgStore::connect(&url).await.expect("connect"));
        fixed_history(world_on(store.clone()).await).await;
        store.close().await;
        scratch::drop_database(&server, name).await.expect("drop");
    });
}

async fn fixed_history(w: World) {
    let specs = [(0, 0, 0, false), (2, 1, 1, true)];
    let mut steps: Vec<Step> = vec![(0, 0, 0, 1), (1, 0, 0, 1)];
    // Verify both to Kutai Timur, dispose to PUPR, answer, accept, rate 4; leave the
    // second waiting until its follow-up clock runs out.
    steps.extend([(0, 0, 0, 2), (1, 0, 1, 2), (0, 0, 9, 2), (0, 0, 15, 2), (0, 0, 19, 2), (0, 0, 21, 2)]);
    steps.extend([(1, 0, DUE, 24 * 9), (1, 0, DUE, 1), (1, 0, DUE, 1)]);
    let (first, last) = play(&w, &specs, &steps).await.expect("play");
    let d = w.app.dashboard(&Actor::System, None, first, last).await.expect("dashboard");
    assert_eq!(d.figures.volume.closed, 1, "{:?}", d.figures);
    assert_eq!(d.figures.satisfaction.rated, 1);
    assert!(d.figures.overdue.follow_up >= 1, "{:?}", d.figures.overdue);
    check_everything(&w, first, last).await.expect("figures equal the direct count");
}
