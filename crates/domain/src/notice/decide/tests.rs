use super::*;
use crate::ids::PersonId;
use crate::lifecycle::tests::*;
use crate::lifecycle::{Command, decide, file};
use crate::report::{AnswerKind, ArchiveReason, Privacy};
use crate::tracking::TrackingNumber;

fn kinds_to(notices: &[Notice]) -> Vec<(NoticeKind, To)> {
    notices.iter().filter(|n| n.kind != NoticeKind::Webhook).map(|n| (n.kind, n.to)).collect()
}

/// Decides `cmd` and returns the state after it with the notices it sends.
fn act(w: &World, r: &Report, actor: &crate::permission::Actor, cmd: Command, n: i64) -> (Report, Vec<Notice>) {
    let t = decide(r, actor, r.version, cmd, &w.ctx(day(n))).expect("accepted");
    let notices = notices_for(&t.report, &t.events, &w.orgs);
    (t.report, notices)
}

fn desk(org: i64, role: Role) -> To {
    To::Desk { org: OrgId(org), role }
}

#[test]
fn filing_tells_the_reporter_and_the_screening_desk() {
    let w = World::new();
    let f = file(draft(Privacy::default()), &CITIZEN, TrackingNumber::from_random(42), None, &w.ctx(t0())).unwrap();
    let notices = notices_for(&f.report, &f.events, &w.orgs);
    assert_eq!(
        kinds_to(&notices),
        vec![(NoticeKind::Received, To::Reporter), (NoticeKind::NewInQueue, desk(1, Role::Screener))]
    );
    let queue = &notices[1];
    assert_eq!(queue.facts.link.as_deref(), Some(format!("/staf/laporan/{}", f.report.tracking).as_str()));
    assert!(queue.due.is_some(), "the verification deadline is shown");
    // Every event also goes to the integrations, as its code.
    let hook = notices.iter().find(|n| n.kind == NoticeKind::Webhook).unwrap();
    assert_eq!(hook.facts.event.as_deref(), Some("submitted"));
}

#[test]
fn each_step_of_the_journey_tells_the_next_desk_and_the_reporter() {
    let w = World::new();
    let r = filed(&w, Privacy::default());
    let (r, n) = act(&w, &r, &screener(), verify_to(10), 1);
    assert_eq!(
        kinds_to(&n),
        vec![(NoticeKind::Forwarded, To::Reporter), (NoticeKind::NewInQueue, desk(10, Role::Coordinator))]
    );
    assert_eq!(n[0].facts.org.as_deref(), Some(w.orgs.name_of(OrgId(10))));
    let (r, n) = act(&w, &r, &kutim_coordinator(), dispose(&[11, 13]), 1);
    assert_eq!(
        kinds_to(&n),
        vec![(NoticeKind::NewInQueue, desk(11, Role::Officer)), (NoticeKind::NewInQueue, desk(13, Role::Officer))]
    );
    assert_eq!(n[0].skip, Some(PersonId(2)), "the coordinator who disposed needs no notice");
    let (r, n) = act(&w, &r, &pupr_officer(), answer(AnswerKind::Final), 2);
    assert_eq!(kinds_to(&n), vec![(NoticeKind::Answered, To::Reporter)]);
    assert_eq!(n[0].facts.text.as_deref(), Some("Jalan sudah ditambal."));
    let (r, n) = act(&w, &r, &CITIZEN, Command::Reply { text: text("Belum selesai."), attachments: vec![] }, 3);
    assert!(kinds_to(&n).iter().all(|(k, _)| *k == NoticeKind::NewInQueue), "a reopening goes back to the desk");
    assert!(!n.is_empty());
    let (r, _) = act(&w, &r, &dlh_officer(), answer(AnswerKind::Final), 4);
    let (_, n) = act(&w, &r, &CITIZEN, Command::Accept, 5);
    assert_eq!(kinds_to(&n), vec![(NoticeKind::Closed, To::Reporter)]);
}

#[test]
fn requests_archives_returns_and_handbacks() {
    let w = World::new();
    let r = filed(&w, Privacy::default());
    let (r, n) = act(&w, &r, &screener(), Command::RequestInfo { question: text("Di mana tepatnya?") }, 1);
    assert_eq!(kinds_to(&n), vec![(NoticeKind::InfoRequested, To::Reporter)]);
    assert_eq!(n[0].facts.text.as_deref(), Some("Di mana tepatnya?"));
    let (r, n) = act(&w, &r, &CITIZEN, Command::Reply { text: text("Di km 5."), attachments: vec![] }, 2);
    assert_eq!(kinds_to(&n), vec![(NoticeKind::NewInQueue, desk(1, Role::Screener))]);
    let (_, n) = act(&w, &r, &screener(), Command::Archive { reason: ArchiveReason::Spam, note: None }, 2);
    assert_eq!(kinds_to(&n), vec![(NoticeKind::Archived, To::Reporter)]);
    assert_eq!(n[0].facts.text.as_deref(), Some("Spam"));

    let r = in_progress(&w);
    let (r, n) = act(&w, &r, &pupr_officer(), Command::HandBack { unit: None, reason: text("Bukan kami.") }, 2);
    assert_eq!(kinds_to(&n), vec![(NoticeKind::NewInQueue, desk(10, Role::Coordinator))]);
    let (_, n) = act(&w, &r, &kutim_coordinator(), Command::ReturnNotAuthority { reason: text("Jalan nasional.") }, 2);
    assert_eq!(kinds_to(&n), vec![(NoticeKind::NewInQueue, desk(1, Role::Screener))]);
}

#[test]
fn internal_notes_reach_no_reporter() {
    let w = World::new();
    let r = in_progress(&w);
    let (_, n) = act(&w, &r, &pupr_officer(), Command::InternalNote { text: text("Catatan rahasia") }, 2);
    assert_eq!(kinds_to(&n), vec![], "an internal note sends nothing to anyone");
    // The integration hears the event's code only, never its text.
    assert!(n.iter().all(|x| x.facts.text.is_none()));
}

#[test]
fn a_missed_deadline_goes_to_the_holder_and_the_desk_above() {
    let w = World::new();
    let r = in_progress(&w);
    let seq = r.active_clock(ClockKind::FollowUp).unwrap().seq;
    let (_, n) = act(&w, &r, &crate::permission::Actor::System, Command::MarkOverdue { seq }, 30);
    assert_eq!(
        kinds_to(&n),
        vec![
            (NoticeKind::DeadlineMissed, desk(11, Role::Officer)),
            (NoticeKind::DeadlineMissed, desk(10, Role::Coordinator))
        ]
    );

    let r = filed(&w, Privacy::default());
    let seq = r.active_clock(ClockKind::Verification).unwrap().seq;
    let (_, n) = act(&w, &r, &crate::permission::Actor::System, Command::MarkOverdue { seq }, 30);
    assert_eq!(kinds_to(&n), vec![(NoticeKind::DeadlineMissed, desk(1, Role::Screener))]);
}

#[test]
fn reminders_go_once_per_clock() {
    let w = World::new();
    let r = in_progress(&w);
    let soon = due_soon(&r, &w.orgs);
    assert_eq!(kinds_to(&soon), vec![(NoticeKind::DueSoon, desk(11, Role::Officer))]);
    assert!(soon[0].once.as_deref().is_some_and(|k| k.starts_with("due_soon:")));
    assert!(closing_soon(&r).is_none(), "no auto-close clock before an answer");
    let r = ok(&w, &r, &pupr_officer(), answer(AnswerKind::Final), day(2));
    let closing = closing_soon(&r).expect("an answered report closes by itself");
    assert_eq!(closing.to, To::Reporter);
    assert_ne!(closing.once, None);
}

#[test]
fn no_notice_carries_the_reporters_identity() {
    let w = World::new();
    let r = filed(&w, Privacy { anonymous: true, confidential: false });
    let (r, mut all) = act(&w, &r, &screener(), verify_to(10), 1);
    let (r, n) = act(&w, &r, &kutim_coordinator(), dispose(&[11]), 1);
    all.extend(n);
    let (_, n) = act(&w, &r, &pupr_officer(), answer(AnswerKind::Final), 2);
    all.extend(n);
    let printed = format!("{all:?}");
    assert!(!printed.contains("Siti Rahma"), "{printed}");
}
