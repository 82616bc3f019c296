//! Lifecycle tests: every action, its refusals, and properties over random histories.

use super::*;
use crate::calendar::HolidayCalendar;
use crate::category::{Category, CategoryTree};
use crate::deadline::{ClockKind, ClockState};
use crate::event::{EventKind, Visibility};
use crate::ids::{CategoryId, OrgId, PersonId, ReportId};
use crate::org::fixtures;
use crate::permission::{Access, Actor, StaffRole, access};
use crate::person::Role;
use crate::privacy::{redact_report, visible_events};
use crate::report::{Channel, Location, Privacy, ReportType, Reporter};
use crate::sla::SlaPolicy;
use crate::time::{Timestamp, Zone};
use crate::tracking::TrackingNumber;
use chrono::{Duration, NaiveDate, TimeZone, Utc};

pub(crate) struct World {
    pub orgs: crate::org::OrgTree,
    pub categories: CategoryTree,
    pub calendar: HolidayCalendar,
    pub sla: SlaPolicy,
}

impl World {
    pub fn new() -> Self {
        let categories = CategoryTree::new([
            Category {
                id: CategoryId(1),
                code: "pu".into(),
                parent: None,
                name_id: "PU".into(),
                name_en: "PW".into(),
                active: true,
            },
            Category {
                id: CategoryId(2),
                code: "pu.jalan".into(),
                parent: Some(CategoryId(1)),
                name_id: "Jalan".into(),
                name_en: "Roads".into(),
                active: true,
            },
            Category {
                id: CategoryId(3),
                code: "lama".into(),
                parent: None,
                name_id: "Lama".into(),
                name_en: "Old".into(),
                active: false,
            },
        ]);
        World { orgs: fixtures::tree(), categories, calendar: HolidayCalendar::new(), sla: SlaPolicy::default() }
    }

    pub fn ctx(&self, now: Timestamp) -> Context<'_> {
        Context { now, orgs: &self.orgs, categories: &self.categories, calendar: &self.calendar, sla: &self.sla }
    }
}

pub(crate) fn t0() -> Timestamp {
    // Monday 2 March 2026, 09:00 WIB.
    Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap()
}

pub(crate) fn staff(person: i64, role: Role, org: i64) -> Actor {
    Actor::Staff(StaffRole { person: PersonId(person), role, org: OrgId(org) })
}

pub(crate) const CITIZEN: Actor = Actor::Citizen(PersonId(100));

pub(crate) fn screener() -> Actor {
    staff(1, Role::Screener, 1)
}
pub(crate) fn kutim_coordinator() -> Actor {
    staff(2, Role::Coordinator, 10)
}
pub(crate) fn pupr_officer() -> Actor {
    staff(3, Role::Officer, 11)
}
pub(crate) fn dlh_officer() -> Actor {
    staff(4, Role::Officer, 13)
}
pub(crate) fn jayapura_coordinator() -> Actor {
    staff(5, Role::Coordinator, 20)
}
pub(crate) fn jayapura_officer() -> Actor {
    staff(6, Role::Officer, 21)
}
pub(crate) fn ombudsman() -> Actor {
    staff(7, Role::Supervisor, 1)
}

pub(crate) fn text(s: &str) -> Text {
    Text::message(s).unwrap()
}

pub(crate) fn draft(privacy: Privacy) -> Draft {
    Draft {
        kind: ReportType::Pengaduan,
        title: Text::title("Jalan rusak di Sangatta Utara").unwrap(),
        description: Text::description("Jalan poros berlubang besar sejak dua bulan, membahayakan pengendara motor.")
            .unwrap(),
        incident_date: NaiveDate::from_ymd_opt(2026, 2, 27),
        location: Location {
            region: crate::region::RegionCode::parse("64.08.01.2001").ok(),
            address: None,
            point: None,
        },
        category: Some(CategoryId(2)),
        target_instansi: None,
        channel: Channel::Web,
        privacy,
        reporter: Reporter { name: Some("Siti Rahma".into()), ..Reporter::default() },
        attachments: vec![],
    }
}

pub(crate) fn filed(w: &World, privacy: Privacy) -> Report {
    let f = file(draft(privacy), &CITIZEN, TrackingNumber::from_random(42), None, &w.ctx(t0())).unwrap();
    let mut r = f.report;
    r.id = ReportId(1);
    r
}

/// Applies a command, asserting it is accepted, and returns the new state.
pub(crate) fn ok(w: &World, r: &Report, actor: &Actor, cmd: Command, now: Timestamp) -> Report {
    match decide(r, actor, r.version, cmd.clone(), &w.ctx(now)) {
        Ok(t) => {
            assert!(invariant_violations(&t.report).is_empty(), "{:?} after {cmd:?}", invariant_violations(&t.report));
            t.report
        }
        Err(e) => panic!("{cmd:?} by {actor:?} refused: {e}"),
    }
}

fn refused(w: &World, r: &Report, actor: &Actor, cmd: Command, now: Timestamp) -> Refusal {
    decide(r, actor, r.version, cmd, &w.ctx(now)).expect_err("should be refused")
}

pub(crate) fn verify_to(instansi: i64) -> Command {
    Command::Verify(Verification { instansi: Some(OrgId(instansi)), ..Verification::default() })
}

pub(crate) fn dispose(units: &[i64]) -> Command {
    Command::Dispose { units: units.iter().map(|u| OrgId(*u)).collect(), note: None }
}

pub(crate) fn answer(kind: AnswerKind) -> Command {
    Command::Respond { unit: None, answer: kind, text: text("Jalan sudah ditambal."), attachments: vec![] }
}

pub(crate) fn day(n: i64) -> Timestamp {
    t0() + Duration::days(n)
}

/// Filed, verified to Kutai Timur, disposed to Dinas PUPR.
pub(crate) fn in_progress(w: &World) -> Report {
    let r = filed(w, Privacy::default());
    let r = ok(w, &r, &screener(), verify_to(10), day(1));
    ok(w, &r, &kutim_coordinator(), dispose(&[11]), day(1))
}

#[test]
fn the_whole_journey_closes_with_a_rating() {
    let w = World::new();
    let r = filed(&w, Privacy::default());
    assert_eq!(r.status, Status::Submitted);
    assert_eq!(r.screening_desk, OrgId(1));
    let verification = r.active_clock(ClockKind::Verification).unwrap();
    // Monday + 3 working days = Thursday, end of day in WIB (the national desk).
    assert_eq!(verification.due_at, Zone::Wib.end_of_day(NaiveDate::from_ymd_opt(2026, 3, 5).unwrap()));

    let r = ok(&w, &r, &screener(), verify_to(10), day(1));
    assert_eq!((r.status, r.instansi), (Status::Forwarded, Some(OrgId(10))));
    let follow_up = r.active_clock(ClockKind::FollowUp).unwrap();
    // Forwarded Tuesday; 5 working days in WITA (Kutai Timur) = next Tuesday.
    assert_eq!(follow_up.zone, Zone::Wita);
    assert_eq!(follow_up.due_at, Zone::Wita.end_of_day(NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()));
    assert_eq!(r.deadlines.iter().find(|d| d.clock == ClockKind::Verification).unwrap().met(), Some(true));

    let r = ok(&w, &r, &kutim_coordinator(), dispose(&[11]), day(1));
    assert_eq!(r.status, Status::InProgress);
    let r = ok(&w, &r, &pupr_officer(), answer(AnswerKind::Progress), day(2));
    assert_eq!(r.status, Status::InProgress);
    assert!(r.active_clock(ClockKind::FollowUp).is_none(), "any answer stops the follow-up clock");
    let r = ok(&w, &r, &pupr_officer(), answer(AnswerKind::Final), day(3));
    assert_eq!(r.status, Status::Responded);
    assert!(r.active_clock(ClockKind::AutoClose).is_some());
    let r = ok(&w, &r, &CITIZEN, Command::Accept, day(4));
    assert_eq!(r.status, Status::Closed);
    assert_eq!(r.closure, Some(crate::report::Closure::Accepted));
    let r = ok(&w, &r, &CITIZEN, Command::Rate { stars: 5, comment: None }, day(4));
    assert_eq!(r.rating.as_ref().map(|x| x.stars), Some(5));
    assert!(matches!(refused(&w, &r, &CITIZEN, Command::Rate { stars: 4, comment: None }, day(5)), Refusal::Rule(_)));
    // A good rating gives no appeal.
    assert!(matches!(refused(&w, &r, &CITIZEN, Command::Appeal { reason: text("x") }, day(5)), Refusal::Rule(_)));
}

#[test]
fn stale_actions_are_refused() {
    let w = World::new();
    let r = filed(&w, Privacy::default());
    let t = decide(&r, &screener(), r.version, verify_to(10), &w.ctx(day(1))).unwrap();
    // A second click made on the old page carries the old version.
    let again = decide(&t.report, &screener(), r.version, verify_to(20), &w.ctx(day(1)));
    assert_eq!(again, Err(Refusal::Stale { expected: 1, actual: 2 }));
}

#[test]
fn wrong_roles_and_scopes_are_refused() {
    let w = World::new();
    let r = filed(&w, Privacy::default());
    let e = refused(&w, &r, &kutim_coordinator(), verify_to(10), day(1));
    assert!(matches!(e, Refusal::RoleNotAllowed { .. }), "{e:?}");
    assert!(matches!(refused(&w, &r, &ombudsman(), verify_to(10), day(1)), Refusal::RoleNotAllowed { .. }));
    assert!(matches!(refused(&w, &r, &Actor::Public, verify_to(10), day(1)), Refusal::RoleNotAllowed { .. }));
    // A screener of another instansi's desk cannot screen a national-desk report.
    assert_eq!(refused(&w, &r, &staff(9, Role::Screener, 10), verify_to(10), day(1)), Refusal::OutOfScope);

    let r = ok(&w, &r, &screener(), verify_to(10), day(1));
    assert_eq!(refused(&w, &r, &jayapura_coordinator(), dispose(&[21]), day(1)), Refusal::OutOfScope);
    // A unit of another regency cannot be chosen.
    let e = refused(&w, &r, &kutim_coordinator(), dispose(&[21]), day(1));
    assert!(matches!(e, Refusal::Invalid { ref field, .. } if field == "units"), "{e:?}");
    let r = ok(&w, &r, &kutim_coordinator(), dispose(&[11]), day(1));
    assert_eq!(refused(&w, &r, &jayapura_officer(), answer(AnswerKind::Final), day(2)), Refusal::OutOfScope);
    assert_eq!(refused(&w, &r, &dlh_officer(), answer(AnswerKind::Final), day(2)), Refusal::OutOfScope);
    assert!(matches!(refused(&w, &r, &ombudsman(), answer(AnswerKind::Final), day(2)), Refusal::RoleNotAllowed { .. }));
    // Someone else's report.
    let other = Actor::Citizen(PersonId(999));
    assert!(matches!(
        refused(&w, &r, &other, Command::Reply { text: text("x"), attachments: vec![] }, day(2)),
        Refusal::NotReporter { .. }
    ));
    // The private link of another report.
    assert!(matches!(
        refused(
            &w,
            &r,
            &Actor::ReportLink(ReportId(2)),
            Command::Reply { text: text("x"), attachments: vec![] },
            day(2)
        ),
        Refusal::NotReporter { .. }
    ));
    // Only the system closes by itself.
    assert!(matches!(refused(&w, &r, &screener(), Command::AutoClose, day(2)), Refusal::RoleNotAllowed { .. }));
}

#[test]
fn illegal_transitions_are_refused_with_the_status() {
    let w = World::new();
    let r = filed(&w, Privacy::default());
    assert_eq!(
        refused(&w, &r, &CITIZEN, Command::Accept, day(1)),
        Refusal::IllegalTransition { action: "accept".into(), status: Status::Submitted }
    );
    assert!(matches!(
        refused(&w, &r, &screener(), Command::Restore { note: None }, day(1)),
        Refusal::IllegalTransition { .. }
    ));
    let r = ok(&w, &r, &screener(), Command::Archive { reason: ArchiveReason::Spam, note: None }, day(1));
    assert!(matches!(refused(&w, &r, &screener(), verify_to(10), day(1)), Refusal::IllegalTransition { .. }));
    let r = ok(&w, &r, &screener(), Command::Restore { note: None }, day(2));
    assert_eq!(r.status, Status::Submitted);
}

#[test]
fn verification_needs_a_category_and_a_real_instansi() {
    let w = World::new();
    let mut d = draft(Privacy::default());
    d.category = None;
    let f = file(d, &CITIZEN, TrackingNumber::from_random(1), None, &w.ctx(t0())).unwrap();
    let r = f.report;
    let e = refused(&w, &r, &screener(), verify_to(10), day(1));
    assert!(matches!(e, Refusal::Invalid { ref field, .. } if field == "category"));
    // A unit is not an instansi.
    let v = Verification { instansi: Some(OrgId(11)), category: Some(CategoryId(2)), ..Verification::default() };
    assert!(matches!(refused(&w, &r, &screener(), Command::Verify(v), day(1)), Refusal::Invalid { .. }));
    // An inactive category is refused.
    let v = Verification { instansi: Some(OrgId(10)), category: Some(CategoryId(3)), ..Verification::default() };
    assert!(matches!(refused(&w, &r, &screener(), Command::Verify(v), day(1)), Refusal::Invalid { .. }));
    let v = Verification {
        instansi: Some(OrgId(10)),
        category: Some(CategoryId(2)),
        title: Some(Text::title("Jalan poros Sangatta rusak").unwrap()),
        privacy: Some(Privacy { anonymous: true, confidential: false }),
        tags: Some(vec![" Jalan ".into(), "jalan".into(), "Lubang".into()]),
        ..Verification::default()
    };
    let t = decide(&r, &screener(), r.version, Command::Verify(v), &w.ctx(day(1))).unwrap();
    assert_eq!(t.report.tags, vec!["jalan".to_string(), "lubang".to_string()]);
    assert!(t.report.privacy.anonymous);
    // The edit is internal, the verification public.
    assert_eq!(t.events[0].visibility(), Visibility::Internal);
    assert!(matches!(t.events[0].kind, EventKind::Edited { .. }));
    assert_eq!(t.events[1].visibility(), Visibility::Public);
}

#[test]
fn requesting_information_pauses_verification_and_an_answer_resumes_it() {
    let w = World::new();
    let r = filed(&w, Privacy::default());
    let due = r.active_clock(ClockKind::Verification).unwrap().due_at;
    // Asked on Tuesday 3 March, answered Monday 9 March: 4 working days paused.
    let r = ok(&w, &r, &screener(), Command::RequestInfo { question: text("Di km berapa?") }, day(1));
    assert_eq!(r.status, Status::NeedsInfo);
    assert_eq!(r.active_clock(ClockKind::Verification).unwrap().state, ClockState::Paused);
    let r = ok(&w, &r, &CITIZEN, Command::Reply { text: text("Km 12"), attachments: vec![] }, day(7));
    assert_eq!(r.status, Status::Submitted);
    let resumed = r.active_clock(ClockKind::Verification).unwrap();
    assert_eq!(resumed.state, ClockState::Running);
    assert!(resumed.due_at > due);
    assert_eq!(Zone::Wib.local_date(resumed.due_at), NaiveDate::from_ymd_opt(2026, 3, 11).unwrap());
    assert_eq!(r.deadlines.iter().find(|d| d.clock == ClockKind::InfoExpiry).unwrap().met(), Some(true));
}

#[test]
fn an_unanswered_request_for_information_archives_the_report() {
    let w = World::new();
    let r = filed(&w, Privacy::default());
    let r = ok(&w, &r, &screener(), Command::RequestInfo { question: text("Di mana?") }, day(1));
    let due = r.active_clock(ClockKind::InfoExpiry).unwrap().due_at;
    assert!(due_commands(&r, &w.ctx(due)).is_empty(), "not before the deadline has passed");
    let later = due + Duration::seconds(1);
    assert_eq!(due_commands(&r, &w.ctx(later)), vec![Command::ExpireInfoRequest]);
    let r = ok(&w, &r, &Actor::System, Command::ExpireInfoRequest, later);
    assert_eq!((r.status, r.archive_reason.clone()), (Status::Archived, Some(ArchiveReason::NoReply)));
    assert!(due_commands(&r, &w.ctx(later)).is_empty(), "idempotent: nothing left to do");
}

#[test]
fn silence_after_an_answer_closes_the_report_by_itself() {
    let w = World::new();
    let r = in_progress(&w);
    let r = ok(&w, &r, &pupr_officer(), answer(AnswerKind::Final), day(2));
    let due = r.active_clock(ClockKind::AutoClose).unwrap().due_at;
    // Answered Wednesday 4 March; 10 working days in WITA = Wednesday 18 March.
    assert_eq!(Zone::Wita.local_date(due), NaiveDate::from_ymd_opt(2026, 3, 18).unwrap());
    assert!(matches!(refused(&w, &r, &Actor::System, Command::AutoClose, due), Refusal::Rule(_)));
    let r = ok(&w, &r, &Actor::System, Command::AutoClose, due + Duration::seconds(1));
    assert_eq!(r.closure, Some(crate::report::Closure::Auto));
}

#[test]
fn a_reply_reopens_with_the_same_units_and_a_new_follow_up_clock() {
    let w = World::new();
    let r = filed(&w, Privacy::default());
    let r = ok(&w, &r, &screener(), verify_to(10), day(1));
    let r = ok(&w, &r, &kutim_coordinator(), dispose(&[11, 13]), day(1));
    let r = ok(&w, &r, &pupr_officer(), answer(AnswerKind::Final), day(2));
    assert_eq!(r.status, Status::InProgress, "DLH has not answered yet");
    let r = ok(&w, &r, &dlh_officer(), answer(AnswerKind::Final), day(3));
    assert_eq!(r.status, Status::Responded);
    let r = ok(&w, &r, &CITIZEN, Command::Reply { text: text("Belum selesai"), attachments: vec![] }, day(4));
    assert_eq!(r.status, Status::InProgress);
    assert_eq!(r.units.len(), 2);
    assert!(r.units.iter().all(|u| u.final_answer_at.is_none()));
    assert_eq!(r.deadlines.iter().filter(|d| d.clock == ClockKind::FollowUp).count(), 2);
    // The coordinator may answer for the whole instansi.
    let r = ok(&w, &r, &kutim_coordinator(), answer(AnswerKind::Final), day(5));
    assert_eq!(r.status, Status::Responded);
}

#[test]
fn returning_as_not_our_authority_goes_back_to_screening() {
    let w = World::new();
    let r = filed(&w, Privacy::default());
    let r = ok(&w, &r, &screener(), verify_to(10), day(1));
    let r = ok(&w, &r, &kutim_coordinator(), Command::ReturnNotAuthority { reason: text("Jalan nasional") }, day(2));
    assert_eq!((r.status, r.instansi), (Status::Submitted, None));
    assert!(r.involved.contains(&OrgId(10)), "Kutai Timur keeps seeing what it once held");
    let r = ok(&w, &r, &screener(), verify_to(30), day(2));
    assert_eq!(r.instansi, Some(OrgId(30)));
    assert_eq!(r.active_clock(ClockKind::FollowUp).unwrap().zone, Zone::Wib);
    // Kutai Timur's coordinator can no longer act on it.
    assert_eq!(refused(&w, &r, &kutim_coordinator(), dispose(&[11]), day(2)), Refusal::OutOfScope);
}

#[test]
fn handing_back_the_last_unit_returns_to_the_coordinator() {
    let w = World::new();
    let r = in_progress(&w);
    let r = ok(&w, &r, &pupr_officer(), Command::HandBack { unit: None, reason: text("Bukan tugas kami") }, day(2));
    assert_eq!(r.status, Status::Forwarded);
    assert!(r.units.is_empty());
    let r = ok(&w, &r, &kutim_coordinator(), dispose(&[13]), day(2));
    assert_eq!(r.units[0].unit, OrgId(13));
    // Reassigning to the same units changes nothing and is refused.
    assert!(matches!(refused(&w, &r, &kutim_coordinator(), dispose(&[13]), day(2)), Refusal::Invalid { .. }));
}

#[test]
fn an_officer_of_a_parent_unit_acts_for_its_sub_unit() {
    let w = World::new();
    let r = filed(&w, Privacy::default());
    let r = ok(&w, &r, &screener(), verify_to(10), day(1));
    let r = ok(&w, &r, &kutim_coordinator(), dispose(&[12]), day(1));
    let r = ok(&w, &r, &pupr_officer(), answer(AnswerKind::Final), day(2));
    assert_eq!(r.status, Status::Responded);
    let sub_officer = staff(8, Role::Officer, 12);
    let r2 = in_progress(&w);
    assert_eq!(refused(&w, &r2, &sub_officer, answer(AnswerKind::Final), day(2)), Refusal::OutOfScope);
}

#[test]
fn appeal_once_after_a_low_rating_within_30_days() {
    let w = World::new();
    let r = in_progress(&w);
    let r = ok(&w, &r, &pupr_officer(), answer(AnswerKind::Final), day(2));
    let r = ok(&w, &r, &CITIZEN, Command::Accept, day(3));
    let appeal = Command::Appeal { reason: text("Jalan rusak lagi") };
    assert!(matches!(refused(&w, &r, &CITIZEN, appeal.clone(), day(3)), Refusal::Rule(_)), "rate first");
    let r = ok(&w, &r, &CITIZEN, Command::Rate { stars: 1, comment: Some(text("Tidak diperbaiki")) }, day(3));
    assert!(matches!(refused(&w, &r, &CITIZEN, appeal.clone(), day(40)), Refusal::Rule(_)), "too late");
    let r = ok(&w, &r, &CITIZEN, appeal.clone(), day(10));
    assert!(r.appealed);
    assert_eq!(r.status, Status::InProgress);
    let r = ok(&w, &r, &pupr_officer(), answer(AnswerKind::Final), day(11));
    let r = ok(&w, &r, &CITIZEN, Command::Accept, day(12));
    let r = ok(&w, &r, &CITIZEN, Command::Rate { stars: 2, comment: None }, day(12));
    assert_eq!(refused(&w, &r, &CITIZEN, appeal, day(13)), Refusal::Rule("a report can be appealed only once".into()));
}

#[test]
fn the_ombudsman_flag_is_set_once_after_60_days() {
    let w = World::new();
    let r = in_progress(&w);
    assert!(!due_commands(&r, &w.ctx(day(59))).contains(&Command::FlagOmbudsman));
    let cmds = due_commands(&r, &w.ctx(day(61)));
    assert!(cmds.contains(&Command::FlagOmbudsman));
    let r = ok(&w, &r, &Actor::System, Command::FlagOmbudsman, day(61));
    assert!(r.ombudsman_flagged_at.is_some());
    assert_eq!(r.status, Status::InProgress, "a flag, not a status");
    assert!(!due_commands(&r, &w.ctx(day(62))).contains(&Command::FlagOmbudsman));
}

#[test]
fn overdue_clocks_are_marked_once() {
    let w = World::new();
    let r = in_progress(&w);
    let follow = r.active_clock(ClockKind::FollowUp).unwrap().clone();
    let later = follow.due_at + Duration::hours(1);
    let cmds = due_commands(&r, &w.ctx(later));
    assert_eq!(cmds, vec![Command::MarkOverdue { seq: follow.seq }]);
    let r = ok(&w, &r, &Actor::System, Command::MarkOverdue { seq: follow.seq }, later);
    assert!(due_commands(&r, &w.ctx(later)).is_empty());
    assert!(r.is_overdue(later));
    let missed = refused(&w, &r, &Actor::System, Command::MarkOverdue { seq: follow.seq }, later);
    assert!(matches!(missed, Refusal::Rule(_)));
}

#[test]
fn a_wit_instansi_counts_in_wit() {
    let w = World::new();
    let r = filed(&w, Privacy::default());
    // Verified Friday 6 March 2026 at 23:30 WIB = Saturday 01:30 WIT.
    let at = Utc.with_ymd_and_hms(2026, 3, 6, 16, 30, 0).unwrap();
    let r = ok(&w, &r, &screener(), verify_to(20), at);
    let follow = r.active_clock(ClockKind::FollowUp).unwrap();
    assert_eq!(follow.zone, Zone::Wit);
    // Counting starts on Monday 9 March in WIT: 5 working days end Friday 13 March, 23:59:59 WIT.
    assert_eq!(follow.due_at, Utc.with_ymd_and_hms(2026, 3, 13, 14, 59, 59).unwrap());
}

#[test]
fn instansi_overrides_change_the_limits() {
    let mut w = World::new();
    let kutim = crate::sla::Limits { follow_up: 2, ..Default::default() };
    w.sla.per_instansi.insert(OrgId(10), kutim);
    let r = filed(&w, Privacy::default());
    let r = ok(&w, &r, &screener(), verify_to(10), day(1));
    let due = r.active_clock(ClockKind::FollowUp).unwrap().due_at;
    assert_eq!(Zone::Wita.local_date(due), NaiveDate::from_ymd_opt(2026, 3, 5).unwrap());
}

#[test]
fn filing_rules() {
    let w = World::new();
    let ctx = w.ctx(t0());
    let mut d = draft(Privacy::default());
    d.channel = Channel::WalkIn;
    let e = file(d.clone(), &CITIZEN, TrackingNumber::from_random(1), None, &ctx).unwrap_err();
    assert!(matches!(e, Refusal::Invalid { ref field, .. } if field == "channel"));
    // Staff may enter a walk-in report on the citizen's behalf.
    let f = file(d.clone(), &kutim_coordinator(), TrackingNumber::from_random(1), None, &ctx).unwrap();
    assert_eq!(f.report.entered_by, Some(PersonId(2)));
    assert!(file(d, &ombudsman(), TrackingNumber::from_random(1), None, &ctx).is_err());
    let mut d = draft(Privacy::default());
    d.incident_date = NaiveDate::from_ymd_opt(2026, 3, 5);
    assert!(file(d, &CITIZEN, TrackingNumber::from_random(1), None, &ctx).is_err());
    let mut d = draft(Privacy::default());
    d.location.address = Some("Jl. Poros\u{0} km 12".into());
    assert!(matches!(file(d, &CITIZEN, TrackingNumber::from_random(1), None, &ctx), Err(Refusal::Invalid { .. })));
    let mut d = draft(Privacy::default());
    d.reporter.nik = Some("12345".into());
    assert!(matches!(file(d, &CITIZEN, TrackingNumber::from_random(1), None, &ctx), Err(Refusal::Invalid { .. })));
    let mut d = draft(Privacy::default());
    d.reporter.name = Some("  ".into());
    assert_eq!(file(d, &CITIZEN, TrackingNumber::from_random(1), None, &ctx).unwrap().report.reporter.name, None);
    let mut d = draft(Privacy::default());
    d.target_instansi = Some(OrgId(11));
    assert!(file(d, &CITIZEN, TrackingNumber::from_random(1), None, &ctx).is_err(), "a unit is not an instansi");
}

#[test]
fn a_regency_that_screens_its_own_reports_gets_them_at_its_desk() {
    let mut w = World::new();
    let mut all: Vec<_> = w.orgs.iter().cloned().collect();
    for o in &mut all {
        if o.id == OrgId(10) {
            o.screens_own_reports = true;
        }
    }
    w.orgs = crate::org::OrgTree::new(all);
    let mut d = draft(Privacy::default());
    d.target_instansi = Some(OrgId(10));
    let r = file(d, &CITIZEN, TrackingNumber::from_random(1), None, &w.ctx(t0())).unwrap().report;
    assert_eq!(r.screening_desk, OrgId(10));
    assert_eq!(r.active_clock(ClockKind::Verification).unwrap().zone, Zone::Wita);
    let kutim_screener = staff(20, Role::Screener, 10);
    let r = ok(&w, &r, &kutim_screener, verify_to(10), day(1));
    // Returned as not its authority, it goes to the national desk.
    let r = ok(&w, &r, &kutim_coordinator(), Command::ReturnNotAuthority { reason: text("Bukan kewenangan") }, day(2));
    assert_eq!(r.screening_desk, OrgId(1));
    assert_eq!(refused(&w, &r, &kutim_screener, verify_to(30), day(2)), Refusal::OutOfScope);
}

#[test]
fn who_sees_what() {
    let w = World::new();
    let r = filed(&w, Privacy { anonymous: true, confidential: false });
    assert_eq!(access(&Actor::Public, &r, &w.orgs), Access::None, "unverified reports are not public");
    let r = ok(&w, &r, &screener(), verify_to(10), day(1));
    let r = ok(&w, &r, &kutim_coordinator(), dispose(&[11]), day(1));
    assert_eq!(access(&screener(), &r, &w.orgs), Access::Staff { identity: true });
    assert_eq!(access(&pupr_officer(), &r, &w.orgs), Access::Staff { identity: false });
    assert_eq!(access(&kutim_coordinator(), &r, &w.orgs), Access::Staff { identity: false });
    assert_eq!(access(&ombudsman(), &r, &w.orgs), Access::Staff { identity: false });
    assert_eq!(access(&CITIZEN, &r, &w.orgs), Access::Reporter);
    assert_eq!(access(&Actor::ReportLink(r.id), &r, &w.orgs), Access::Reporter);
    // Another regency's officer sees only what the public sees.
    assert_eq!(access(&jayapura_officer(), &r, &w.orgs), Access::Public);
    let officer_view = redact_report(&r, access(&pupr_officer(), &r, &w.orgs)).unwrap();
    assert_eq!(officer_view.reporter, Reporter::default());
    let public_view = redact_report(&r, Access::Public).unwrap();
    assert!(public_view.reporter.name.is_none() && public_view.deadlines.is_empty());

    let mut confidential = r.clone();
    confidential.privacy.confidential = true;
    assert_eq!(access(&Actor::Public, &confidential, &w.orgs), Access::None);
    assert_eq!(access(&jayapura_officer(), &confidential, &w.orgs), Access::None);
}

#[test]
fn timelines_are_filtered_by_visibility() {
    let w = World::new();
    let r = filed(&w, Privacy { anonymous: true, confidential: false });
    let mut events = Vec::new();
    let mut r = r;
    let steps: Vec<(Actor, Command)> = vec![
        (screener(), verify_to(10)),
        (kutim_coordinator(), dispose(&[11])),
        (pupr_officer(), Command::InternalNote { text: text("Pelapor tinggal di RT 3") }),
        (pupr_officer(), answer(AnswerKind::Final)),
        (CITIZEN, Command::Reply { text: text("Terima kasih, tapi belum rata"), attachments: vec![] }),
    ];
    for (i, (actor, cmd)) in steps.into_iter().enumerate() {
        let t = decide(&r, &actor, r.version, cmd, &w.ctx(day(1 + i as i64))).unwrap();
        for (j, e) in t.events.iter().enumerate() {
            events.push(crate::event::Event {
                report: r.id,
                seq: (events.len() + j + 1) as i64,
                at: e.at,
                actor: e.actor,
                from: e.from,
                to: e.to,
                kind: e.kind.clone(),
                visibility: e.visibility(),
            });
        }
        r = t.report;
    }
    let public = visible_events(&events, Access::Public);
    assert!(public.iter().all(|e| e.visibility == Visibility::Public));
    assert!(
        !public.iter().any(|e| matches!(e.kind, EventKind::InternalNote { .. } | EventKind::ReporterReplied { .. }))
    );
    assert!(public.iter().all(|e| e.actor.person.is_none()), "no civil servant or reporter named in public");
    let reporter = visible_events(&events, Access::Reporter);
    assert!(reporter.iter().any(|e| matches!(e.kind, EventKind::ReporterReplied { .. })));
    assert!(!reporter.iter().any(|e| matches!(e.kind, EventKind::InternalNote { .. })));
    let officer = visible_events(&events, Access::Staff { identity: false });
    assert!(officer.iter().any(|e| matches!(e.kind, EventKind::InternalNote { .. })));
    let reply = officer.iter().find(|e| matches!(e.kind, EventKind::ReporterReplied { .. })).unwrap();
    assert_eq!(reply.actor.person, None, "the anonymous reporter is not named to the unit");
    let screener_view = visible_events(&events, Access::Staff { identity: true });
    let reply = screener_view.iter().find(|e| matches!(e.kind, EventKind::ReporterReplied { .. })).unwrap();
    assert_eq!(reply.actor.person, Some(PersonId(100)));
}

#[test]
fn available_actions_match_what_decide_accepts() {
    let w = World::new();
    let r = in_progress(&w);
    let ctx = w.ctx(day(2));
    assert_eq!(
        available_actions(&r, &pupr_officer(), &ctx),
        vec![Action::HandBack, Action::Respond, Action::InternalNote]
    );
    assert_eq!(
        available_actions(&r, &kutim_coordinator(), &ctx),
        vec![Action::Dispose, Action::Respond, Action::InternalNote, Action::CloseOutside]
    );
    assert!(available_actions(&r, &ombudsman(), &ctx).is_empty());
    assert!(available_actions(&r, &jayapura_officer(), &ctx).is_empty());
    assert_eq!(available_actions(&r, &CITIZEN, &ctx), vec![Action::Reply]);
}

mod properties;

#[test]
fn an_integration_that_filed_a_report_follows_it_as_its_reporter() {
    let w = World::new();
    let ctx = w.ctx(t0());
    let integration = kutim_coordinator();
    for (channel, speaks) in [(Channel::Api, true), (Channel::Open311, true), (Channel::WalkIn, false)] {
        let mut d = draft(Privacy { anonymous: true, confidential: true });
        d.channel = channel;
        let mut r = file(d, &integration, TrackingNumber::from_random(9), None, &ctx).unwrap().report;
        r.id = ReportId(5);
        assert_eq!(crate::permission::speaks_for_reporter(&integration, &r), speaks, "{channel:?}");
        // Not yet forwarded to its instansi: it sees the report only as the reporter's voice.
        let expected = if speaks { Access::Reporter } else { Access::None };
        assert_eq!(access(&integration, &r, &w.orgs), expected, "{channel:?}");
        assert!(!crate::permission::speaks_for_reporter(&pupr_officer(), &r), "only the filer");
    }
}
