//! Random histories of several reports, each step kept up to date in the cells by its
//! delta alone; at the end the cells must equal a fresh sum of contributions, and their
//! figures the direct count, for every scope a dashboard asks for.

use super::*;
use crate::deadline::ClockKind;
use crate::ids::{CategoryId, ReportId};
use crate::lifecycle::tests::{dlh_officer, jayapura_coordinator, jayapura_officer, staff};
use crate::lifecycle::{Verification, available_actions, decide, due_commands};
use crate::person::Role;
use crate::region::RegionLevel;
use crate::report::{ArchiveReason, Channel};
use proptest::prelude::*;

fn actors() -> Vec<Actor> {
    vec![
        screener(),
        kutim_coordinator(),
        pupr_officer(),
        dlh_officer(),
        jayapura_coordinator(),
        jayapura_officer(),
        staff(20, Role::Coordinator, 30),
        staff(21, Role::Officer, 31),
        CITIZEN,
    ]
}

fn commands() -> Vec<Command> {
    vec![
        verify_to(10),
        verify_to(10),
        verify_to(20),
        verify_to(30),
        Command::Verify(Verification {
            instansi: Some(OrgId(10)),
            complexity: Some(crate::sla::Complexity::Ringan),
            privacy: Some(Privacy { anonymous: true, confidential: true }),
            ..Verification::default()
        }),
        Command::RequestInfo { question: text("Lokasi tepatnya?") },
        Command::Archive { reason: ArchiveReason::Spam, note: None },
        Command::Restore { note: None },
        Command::ReturnNotAuthority { reason: text("Bukan kewenangan") },
        dispose(&[11]),
        dispose(&[11, 13]),
        dispose(&[13]),
        dispose(&[21]),
        dispose(&[31]),
        Command::HandBack { unit: None, reason: text("Salah unit") },
        answer(AnswerKind::Progress),
        answer(AnswerKind::Final),
        answer(AnswerKind::Final),
        Command::CloseOutside { reason: text("Sudah ditangani langsung") },
        Command::Reply { text: text("Tanggapan pelapor"), attachments: vec![] },
        Command::Accept,
        Command::Rate { stars: 1, comment: None },
        Command::Rate { stars: 4, comment: None },
        Command::Rate { stars: 5, comment: None },
        Command::Appeal { reason: text("Belum selesai") },
    ]
}

/// Whatever the scheduler would run now (auto-close, expiry, Ombudsman flag, overdue marks).
const DUE: usize = usize::MAX;

const REGIONS: [Option<&str>; 5] = [Some("64.08.01.2001"), Some("64.08.02"), Some("91.03.05.1001"), Some("31"), None];

/// What varies between the reports: channel, category, region, privacy.
fn report_spec() -> impl Strategy<Value = (usize, usize, usize, bool)> {
    (0..Channel::ALL.len(), 0..3usize, 0..REGIONS.len(), any::<bool>())
}

/// One step: which report, which actor (among those offered the action), which command
/// (or the scheduler), after how many hours.
fn step() -> impl Strategy<Value = (usize, usize, usize, i64)> {
    let hours = prop_oneof![3 => 0i64..30, 1 => 0i64..24 * 15];
    (0..6usize, 0..16usize, prop_oneof![5 => 0..commands().len(), 1 => Just(DUE)], hours)
}

fn new_report(w: &World, index: usize, spec: (usize, usize, usize, bool), now: Timestamp) -> Report {
    let (channel, category, region, confidential) = spec;
    let mut r = filed_at(w, now, Privacy { anonymous: false, confidential });
    r.id = ReportId(index as i64 + 1);
    r.channel = Channel::ALL[channel];
    r.category = [Some(CategoryId(1)), Some(CategoryId(2)), None][category];
    r.location.region = REGIONS[region].and_then(|c| RegionCode::parse(c).ok());
    r
}

/// The command a step tries, and who tries it; `None` when nobody may.
fn pick(w: &World, r: &Report, actor: usize, command: usize, now: Timestamp) -> Option<(Actor, Command)> {
    let ctx = w.ctx(now);
    if command == DUE {
        return due_commands(r, &ctx).into_iter().next().map(|c| (Actor::System, c));
    }
    let command = commands()[command].clone();
    let offered: Vec<Actor> =
        actors().into_iter().filter(|a| available_actions(r, a, &ctx).contains(&command.action())).collect();
    (!offered.is_empty()).then(|| (offered[actor % offered.len()], command))
}

/// The scopes the dashboards ask for, over every month the history touched.
fn filters(months: &[Period]) -> Vec<Filter> {
    let (first, last) = (months[0], months[months.len() - 1]);
    let all = |org| Filter::total(org, first, last);
    let kutim = Some(OrgId(10));
    let region = |s: &str| Breakdown::Region(RegionCode::parse(s).ok());
    let mut out = vec![
        all(None),
        all(kutim),
        all(Some(OrgId(1))),
        all(Some(OrgId(20))),
        all(Some(OrgId(30))),
        all(kutim).with(Breakdown::Unit(OrgId(11))),
        all(kutim).with(Breakdown::Unit(OrgId(13))),
        all(None).with(Breakdown::Category(Some(CategoryId(2)))),
        all(None).with(Breakdown::Category(None)),
        all(kutim).with(Breakdown::Category(Some(CategoryId(1)))),
        all(None).with(Breakdown::Channel(Channel::Web)),
        all(kutim).with(Breakdown::Channel(Channel::Phone)),
        all(None).with(region("64.08")),
        all(None).with(Breakdown::Region(None)),
        all(kutim).with(region("64.08.01")),
        all(Some(OrgId(30))).with(region("91.03")),
    ];
    for m in months {
        out.push(Filter::total(None, *m, *m));
        out.push(Filter::total(kutim, *m, *m));
    }
    out
}

fn months_between(from: Period, to: Period) -> Vec<Period> {
    let mut out = vec![from];
    let mut cur = from;
    while cur < to {
        cur = if cur.month() == 12 { Period::new(cur.year() + 1, 1) } else { Period::new(cur.year(), cur.month() + 1) }
            .unwrap_or(to);
        out.push(cur);
    }
    out
}

/// Where a walk ended: the cells kept by deltas, the reports, the months it spanned.
struct Walk {
    cells: Cells,
    reports: Vec<Report>,
    months: Vec<Period>,
}

/// Plays the steps on the reports of `specs`: a report's first step files it, every
/// later accepted action adds its delta to the cells.
fn walk(
    w: &World,
    specs: &[(usize, usize, usize, bool)],
    steps: &[(usize, usize, usize, i64)],
) -> Result<Walk, TestCaseError> {
    let mut cells = Cells::new();
    let mut reports: Vec<Option<Report>> = vec![None; specs.len()];
    // Tuesday 27 January 2026, 08:00 WIB: the first month ends soon.
    let start = wib(2026, 1, 27, 8);
    let mut now = start;
    for &(index, actor, command, hours) in steps {
        now += Duration::hours(hours);
        let i = index % specs.len();
        let Some(r) = &reports[i] else {
            let r = new_report(w, i, specs[i], now);
            cells.add(&contribution(&r, &w.calendar, &w.orgs));
            reports[i] = Some(r);
            continue;
        };
        let Some((actor, command)) = pick(w, r, actor, command, now) else { continue };
        if let Ok(t) = decide(r, &actor, r.version, command, &w.ctx(now)) {
            let d = delta(Some(r), Some(&t.report), &w.calendar, &w.orgs);
            prop_assert!(d.iter().all(|(_, c)| !c.is_zero()), "a delta carries only changes");
            cells.add(&d);
            reports[i] = Some(t.report);
        }
    }
    let months = months_between(Period::of(start, Zone::Wib), Period::of(now, Zone::Wit));
    Ok(Walk { cells, reports: reports.into_iter().flatten().collect(), months })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn cells_kept_by_deltas_give_the_figures_of_a_direct_count(
        specs in prop::collection::vec(report_spec(), 2..=6),
        steps in prop::collection::vec(step(), 1..120),
    ) {
        let w = world();
        let Walk { cells, reports, months } = walk(&w, &specs, &steps)?;

        // The deltas add up to exactly the contributions of the final states.
        let mut fresh = Cells::new();
        for r in &reports {
            fresh.add(&contribution(r, &w.calendar, &w.orgs));
        }
        prop_assert_eq!(&cells, &fresh);
        for (key, c) in cells.iter() {
            prop_assert!(c.iter().all(|(_, n)| n > 0), "negative or zero counter in {:?}: {:?}", key, c);
        }

        // Every dashboard scope: the cells' figures are the direct count's.
        for filter in filters(&months) {
            let from_cells = Figures::from_counters(&cells.total(&filter));
            let direct = figures_direct(&reports, &filter, &w.calendar, &w.orgs);
            prop_assert_eq!(&from_cells, &direct, "{:?}", filter);
        }

        // The national roll-up is the organisations' cells added up (regions coarsened to
        // regencies; units have no national cells).
        let (mut rolled, mut national) = (Cells::new(), Cells::new());
        for (key, c) in cells.iter() {
            let breakdown = match (&key.org, &key.breakdown) {
                (None, _) => {
                    national.add_to(key.clone(), c);
                    continue;
                }
                (Some(_), Breakdown::Unit(_)) => continue,
                (Some(_), Breakdown::Region(r)) => Breakdown::Region(r.as_ref().map(|r| r.at_level(RegionLevel::Regency))),
                (Some(_), b) => b.clone(),
            };
            rolled.add_to(CellKey { period: key.period, org: None, breakdown }, c);
        }
        prop_assert_eq!(rolled, national);
    }
}

/// The property above is only worth something if its walks reach every counter; this
/// walks deterministically and collects the kinds of counter the cells ended with.
#[test]
fn random_histories_reach_every_kind_of_counter() {
    let w = world();
    let mut seed: u64 = 0x03ea_50e5;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut months = 0;
    for _ in 0..300 {
        let specs: Vec<_> =
            (0..4).map(|_| (next(Channel::ALL.len()), next(3), next(REGIONS.len()), next(2) == 1)).collect();
        let steps: Vec<_> = (0..100)
            .map(|_| {
                let command = if next(6) == 0 { DUE } else { next(commands().len()) };
                let hours = if next(4) == 0 { next(24 * 15) } else { next(30) };
                (next(6), next(16), command, hours as i64)
            })
            .collect();
        let walk = walk(&w, &specs, &steps).unwrap();
        months = months.max(walk.months.len());
        for (_, c) in walk.cells.iter() {
            seen.extend(c.iter().map(|(f, _)| match f {
                Field::Days(stage, _) => Field::Days(stage, 0),
                f => f,
            }));
        }
    }
    let mut expected = Field::PLAIN.to_vec();
    expected.extend(Status::ALL.into_iter().filter(|s| s.is_open()).map(Field::Open));
    expected.extend(
        [ClockKind::Verification, ClockKind::FollowUp, ClockKind::Completion, ClockKind::Ombudsman].map(Field::Overdue),
    );
    expected.extend(Stage::ALL.map(|s| Field::Days(s, 0)));
    let missing: Vec<_> = expected.iter().filter(|f| !seen.contains(f)).collect();
    assert!(missing.is_empty(), "never reached: {missing:?}");
    assert!(months >= 4, "walks span several months");
}
