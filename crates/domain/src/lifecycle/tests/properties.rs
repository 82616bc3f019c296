//! Random histories: whatever anyone tries, in any order, at any time, the report never
//! reaches a state the lifecycle does not allow and its clocks never run backwards.

use super::*;
use proptest::prelude::*;

fn actors() -> Vec<Actor> {
    vec![
        screener(),
        kutim_coordinator(),
        pupr_officer(),
        dlh_officer(),
        jayapura_coordinator(),
        jayapura_officer(),
        ombudsman(),
        CITIZEN,
        Actor::System,
        Actor::Public,
    ]
}

fn commands() -> Vec<Command> {
    vec![
        verify_to(10),
        verify_to(20),
        Command::Verify(Verification {
            instansi: Some(OrgId(10)),
            complexity: Some(crate::sla::Complexity::Ringan),
            ..Verification::default()
        }),
        Command::RequestInfo { question: text("Lokasi tepatnya?") },
        Command::Archive { reason: ArchiveReason::Spam, note: None },
        Command::Archive { reason: ArchiveReason::Duplicate { of: ReportId(7) }, note: None },
        Command::Restore { note: None },
        Command::ReturnNotAuthority { reason: text("Bukan kewenangan") },
        dispose(&[11]),
        dispose(&[11, 13]),
        dispose(&[13]),
        dispose(&[21]),
        Command::HandBack { unit: None, reason: text("Salah unit") },
        answer(AnswerKind::Progress),
        answer(AnswerKind::Final),
        Command::InternalNote { text: text("catatan") },
        Command::CloseOutside { reason: text("Sudah ditangani langsung") },
        Command::Reply { text: text("Tanggapan pelapor"), attachments: vec![] },
        Command::Accept,
        Command::Rate { stars: 1, comment: None },
        Command::Rate { stars: 5, comment: None },
        Command::Appeal { reason: text("Belum selesai") },
        Command::AutoClose,
        Command::ExpireInfoRequest,
        Command::FlagOmbudsman,
        Command::MarkOverdue { seq: 0 },
        Command::MarkOverdue { seq: 2 },
    ]
}

/// One step: an actor tries a command after some hours pass; index `DUE` runs whatever
/// the scheduler would run.
const DUE: usize = usize::MAX;

fn step() -> impl Strategy<Value = (usize, usize, i64)> {
    let n_cmd = commands().len();
    let hours = prop_oneof![3 => 0i64..30, 1 => 0i64..24 * 15];
    (0..actors().len() * 2, prop_oneof![4 => 0..n_cmd, 1 => Just(DUE)], hours)
}

/// Half of the actor choices pick someone the action is offered to (so walks get far);
/// the other half anyone at all (so wrong actors are tried too).
fn pick_actor(index: usize, cmd: &Command, r: &Report, ctx: &Context) -> Actor {
    let all = actors();
    if index < all.len() {
        return all[index];
    }
    let offered: Vec<Actor> =
        all.iter().copied().filter(|a| available_actions(r, a, ctx).contains(&cmd.action())).collect();
    if offered.is_empty() { all[index % all.len()] } else { offered[index % offered.len()] }
}

fn check_step(before: &Report, t: &Transition) -> Result<(), TestCaseError> {
    let after = &t.report;
    prop_assert_eq!(after.version, before.version + 1);
    prop_assert!(!t.events.is_empty(), "every accepted action leaves an event");
    prop_assert_eq!(t.events[0].from, Some(before.status));
    prop_assert_eq!(t.events.last().map(|e| e.to), Some(after.status));
    if before.status != after.status {
        prop_assert!(
            ALLOWED_MOVES.contains(&(before.status, after.status)),
            "{:?} → {:?} is not a move of the lifecycle",
            before.status,
            after.status
        );
    }
    let violations = invariant_violations(after);
    prop_assert!(violations.is_empty(), "{:?}", violations);
    // Clocks never run backwards; finished clocks stay finished; none disappears.
    prop_assert!(after.deadlines.len() >= before.deadlines.len());
    for old in &before.deadlines {
        let new = after.deadlines.iter().find(|d| d.seq == old.seq);
        prop_assert!(new.is_some(), "clock {} disappeared", old.seq);
        let new = new.unwrap_or(old);
        prop_assert_eq!(new.started_at, old.started_at);
        prop_assert_eq!(new.clock, old.clock);
        prop_assert!(new.due_at >= old.due_at, "clock {} ran backwards", old.seq);
        if !old.state.is_active() {
            prop_assert_eq!(new, old, "a finished clock changed");
        }
        if old.overdue_at.is_some() {
            prop_assert_eq!(new.overdue_at, old.overdue_at);
        }
    }
    prop_assert!(after.involved.is_superset(&before.involved), "scope history is never lost");
    Ok(())
}

/// Whatever the state, the scheduler can always clear every clock that has run out:
/// otherwise the report would come back as "due" at every tick forever.
fn check_scheduler_drains(w: &World, report: &Report, now: chrono::DateTime<chrono::Utc>) -> Result<(), TestCaseError> {
    let later = now + Duration::days(400);
    let ctx = w.ctx(later);
    let mut r = report.clone();
    for _ in 0..12 {
        let Some(cmd) = due_commands(&r, &ctx).into_iter().next() else { break };
        match decide(&r, &Actor::System, r.version, cmd.clone(), &ctx) {
            Ok(t) => r = t.report,
            Err(e) => return Err(TestCaseError::fail(format!("due {cmd:?} refused: {e}"))),
        }
    }
    let stuck: Vec<_> =
        r.deadlines.iter().filter(|d| d.is_running() && d.overdue_at.is_none() && d.due_at < later).collect();
    prop_assert!(stuck.is_empty(), "clocks the scheduler cannot clear: {:?}", stuck);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn no_history_breaks_the_lifecycle(steps in prop::collection::vec(step(), 1..100)) {
        let w = World::new();
        let commands = commands();
        let mut r = filed(&w, Privacy::default());
        let mut now = t0();
        for (a, c, hours) in steps {
            now += Duration::hours(hours);
            let ctx = w.ctx(now);
            let (actor, cmd) = if c == DUE {
                match due_commands(&r, &ctx).into_iter().next() {
                    Some(cmd) => (Actor::System, cmd),
                    None => continue,
                }
            } else {
                (pick_actor(a, &commands[c], &r, &ctx), commands[c].clone())
            };
            let allowed = available_actions(&r, &actor, &ctx).contains(&cmd.action());
            // An offered action may still be refused for its input (a unit of another
            // instansi); the unit tests cover those refusals.
            if let Ok(t) = decide(&r, &actor, r.version, cmd.clone(), &ctx) {
                    check_step(&r, &t)?;
                    check_scheduler_drains(&w, &t.report, now)?;
                    // Whatever succeeds for a person was offered to them (and vice versa
                    // up to the command's own input).
                    if actor != Actor::System {
                        prop_assert!(allowed, "{:?} succeeded for {:?} but was not offered", cmd, actor);
                    }
                    // A second attempt with the same (now stale) version is refused.
                    let again = decide(&t.report, &actor, r.version, cmd, &ctx);
                    prop_assert!(
                        matches!(again, Err(Refusal::Stale { .. })),
                        "replayed action was not refused as stale"
                    );
                    r = t.report;
            }
        }
    }

    #[test]
    fn refused_actions_are_always_refused_the_same_way(steps in prop::collection::vec(step(), 1..30)) {
        // decide is pure: the same input gives the same answer.
        let w = World::new();
        let commands = commands();
        let mut r = filed(&w, Privacy::default());
        let mut now = t0();
        for (a, c, hours) in steps {
            if c == DUE {
                continue;
            }
            now += Duration::hours(hours);
            let ctx = w.ctx(now);
            let actor = pick_actor(a, &commands[c], &r, &ctx);
            let first = decide(&r, &actor, r.version, commands[c].clone(), &ctx);
            let second = decide(&r, &actor, r.version, commands[c].clone(), &ctx);
            prop_assert_eq!(&first, &second);
            if let Ok(t) = first {
                r = t.report;
            }
        }
    }
}

/// The random walks above are only worth something if they reach every status and most
/// moves; this walks deterministically and counts.
#[test]
fn random_walks_reach_every_status_and_move() {
    let w = World::new();
    let actors = actors();
    let commands = commands();
    let mut seed: u64 = 0x5eed;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut statuses = std::collections::BTreeSet::new();
    let mut moves = std::collections::BTreeSet::new();
    for _ in 0..2000 {
        let mut r = filed(&w, Privacy::default());
        let mut now = t0();
        for _ in 0..60 {
            let hours = if next(4) == 0 { next(24 * 15) } else { next(30) };
            now += Duration::hours(hours as i64);
            let cmd = commands[next(commands.len())].clone();
            let actor = pick_actor(next(actors.len() * 2), &cmd, &r, &w.ctx(now));
            if let Ok(t) = decide(&r, &actor, r.version, cmd, &w.ctx(now)) {
                if t.report.status != r.status {
                    moves.insert((r.status, t.report.status));
                }
                r = t.report;
                statuses.insert(r.status);
            }
        }
    }
    assert_eq!(statuses.len(), Status::ALL.len(), "reached {statuses:?}");
    let missing: Vec<_> = ALLOWED_MOVES.iter().filter(|m| !moves.contains(m)).collect();
    assert!(missing.is_empty(), "never exercised: {missing:?}");
}
