//! Each measure on hand-made histories built with the real lifecycle. Every figure is
//! computed twice — from the cells and straight from the reports — and must agree.

use super::*;
use crate::calendar::{Holiday, HolidayCalendar, HolidayKind};
use crate::deadline::ClockKind;
use crate::lifecycle::tests::{
    CITIZEN, World, answer, dispose, draft, kutim_coordinator, ok, pupr_officer, screener, text, verify_to,
};
use crate::lifecycle::{Command, file};
use crate::org::OrgTree;
use crate::permission::Actor;
use crate::report::{AnswerKind, Privacy, Report};
use crate::status::Status;
use crate::tracking::TrackingNumber;
use chrono::{Duration, NaiveDate};

mod properties;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A local time in `zone`.
fn at(zone: Zone, y: i32, m: u32, d: u32, h: u32, min: u32) -> Timestamp {
    zone.start_of_day(date(y, m, d)) + Duration::minutes(i64::from(h * 60 + min))
}

fn wib(y: i32, m: u32, d: u32, h: u32) -> Timestamp {
    at(Zone::Wib, y, m, d, h, 0)
}

/// Idul Fitri 2026: Wednesday 18 to Tuesday 24 March are holidays or cuti bersama.
pub(super) fn calendar_2026() -> HolidayCalendar {
    let mut c = HolidayCalendar::new();
    let days = [
        (18, HolidayKind::CutiBersama),
        (19, HolidayKind::Public),
        (20, HolidayKind::Public),
        (21, HolidayKind::Public),
        (23, HolidayKind::CutiBersama),
        (24, HolidayKind::CutiBersama),
    ];
    let list = days.iter().map(|(d, kind)| Holiday { date: date(2026, 3, *d), kind: *kind, name: "Idul Fitri".into() });
    c.set_year(2026, list.collect()).unwrap();
    c
}

/// The lifecycle's world with a 2026 holiday list, and regions on the two regencies so
/// their region breakdown is by district.
pub(super) fn world() -> World {
    let mut w = World::new();
    w.calendar = calendar_2026();
    let orgs = w.orgs.iter().cloned().map(|mut o| {
        o.region = match o.id.0 {
            10 => RegionCode::parse("64.08").ok(),
            20 => RegionCode::parse("91.03").ok(),
            _ => None,
        };
        o
    });
    w.orgs = OrgTree::new(orgs.collect::<Vec<_>>());
    w
}

/// A report filed by a citizen at `when`.
pub(super) fn filed_at(w: &World, when: Timestamp, privacy: Privacy) -> Report {
    let mut d = draft(privacy);
    d.incident_date = None;
    let mut r = file(d, &CITIZEN, TrackingNumber::from_random(7), None, &w.ctx(when)).unwrap().report;
    r.id = crate::ids::ReportId(1);
    r
}

/// The figures of `filter` from the cells of `reports`, checked against the direct count.
fn measured(w: &World, reports: &[&Report], filter: &Filter) -> Figures {
    let mut cells = Cells::new();
    for r in reports {
        cells.add(&contribution(r, &w.calendar, &w.orgs));
    }
    let from_cells = Figures::from_counters(&cells.total(filter));
    let owned: Vec<Report> = reports.iter().map(|r| (*r).clone()).collect();
    let direct = figures_direct(&owned, filter, &w.calendar, &w.orgs);
    assert_eq!(from_cells, direct, "cells and direct count disagree for {filter:?}");
    from_cells
}

fn month(y: i32, m: u32) -> Period {
    Period::new(y, m).unwrap()
}

fn national(y: i32, m: u32) -> Filter {
    Filter::total(None, month(y, m), month(y, m))
}

fn of_kutim(y: i32, m: u32) -> Filter {
    Filter::total(Some(OrgId(10)), month(y, m), month(y, m))
}

fn verified(w: &World, r: &Report, when: Timestamp) -> Report {
    ok(w, r, &screener(), verify_to(10), when)
}

#[test]
fn verification_on_time_counts_working_days_across_a_weekend_and_a_holiday_week() {
    let w = world();
    // Friday → Wednesday: 3 working days (Mon, Tue, Wed), on time.
    let a = verified(&w, &filed_at(&w, wib(2026, 3, 6, 10), Privacy::default()), wib(2026, 3, 11, 10));
    // Friday → Thursday: 4, late.
    let b = verified(&w, &filed_at(&w, wib(2026, 3, 6, 10), Privacy::default()), wib(2026, 3, 12, 10));
    // Tuesday 17 → Thursday 26 March: 9 calendar days, 2 working days around Idul Fitri.
    let c = verified(&w, &filed_at(&w, wib(2026, 3, 17, 10), Privacy::default()), wib(2026, 3, 26, 10));
    let f = measured(&w, &[&a, &b, &c], &national(2026, 3));
    assert_eq!(f.volume.verified, 3);
    assert_eq!(f.verified_on_time, Some(2.0 / 3.0));
    // Durations 3, 4, 2: the median is 3, p90 the longest.
    assert_eq!(f.to_verification, Durations { count: 3, median: Some(3), p90: Some(4) });
}

#[test]
fn time_waiting_for_the_reporter_does_not_count_toward_verification() {
    let w = world();
    let r = filed_at(&w, wib(2026, 3, 2, 9), Privacy::default());
    // Asked on Tuesday 3 March, answered Monday 9 March (4 working days paused), verified
    // Wednesday 11 March: 7 working days elapsed, 3 of them the desk's.
    let r = ok(&w, &r, &screener(), Command::RequestInfo { question: text("Di km berapa?") }, wib(2026, 3, 3, 9));
    let r = ok(&w, &r, &CITIZEN, Command::Reply { text: text("Km 12"), attachments: vec![] }, wib(2026, 3, 9, 9));
    let r = verified(&w, &r, wib(2026, 3, 11, 9));
    let f = measured(&w, &[&r], &national(2026, 3));
    assert_eq!(f.verified_on_time, Some(1.0));
    assert_eq!(f.to_verification.median, Some(3));
}

#[test]
fn answers_are_timed_from_forwarding_in_the_instansi_zone() {
    let w = world();
    let forwarded = |seed: i64| {
        let r = filed_at(&w, wib(2026, 3, 2, 9) + Duration::minutes(seed), Privacy::default());
        let r = verified(&w, &r, wib(2026, 3, 3, 9));
        ok(&w, &r, &kutim_coordinator(), dispose(&[11]), wib(2026, 3, 3, 10))
    };
    // Forwarded Tuesday 3 March to Kutai Timur (WITA): due the end of Tuesday 10 March, WITA.
    let in_time =
        ok(&w, &forwarded(1), &pupr_officer(), answer(AnswerKind::Progress), at(Zone::Wita, 2026, 3, 10, 23, 30));
    // Still Tuesday in Jakarta, already Wednesday in Sangatta: late.
    let late = ok(&w, &forwarded(2), &pupr_officer(), answer(AnswerKind::Progress), at(Zone::Wita, 2026, 3, 11, 0, 30));
    // Never answered and marked overdue by the scheduler: late too.
    let ignored = forwarded(3);
    let seq = ignored.active_clock(ClockKind::FollowUp).unwrap().seq;
    let ignored = ok(&w, &ignored, &Actor::System, Command::MarkOverdue { seq }, wib(2026, 3, 12, 0));
    // Past due but not marked yet: not counted either way until the scheduler notices.
    let unnoticed = forwarded(4);
    let f = measured(&w, &[&in_time, &late, &ignored, &unnoticed], &of_kutim(2026, 3));
    assert_eq!(f.volume.verified, 4);
    assert_eq!(f.volume.answered, 2);
    assert_eq!(f.follow_up_rate, Some(0.5));
    assert_eq!(f.answered_on_time, Some(1.0 / 3.0));
    assert_eq!(f.to_first_answer, Durations { count: 2, median: Some(5), p90: Some(6) });
    assert_eq!(f.overdue, Overdue { follow_up: 1, ..Overdue::default() });
    assert_eq!(f.backlog, Backlog { in_progress: 4, ..Backlog::default() });
}

#[test]
fn median_and_p90_are_whole_working_days_by_nearest_rank() {
    let mut c = Counters::new();
    for days in [0, 1, 1, 2, 3, 5, 8, 13, 21, 34] {
        c.bump(Field::Days(Stage::Closure, days), 1);
    }
    let f = Figures::from_counters(&c);
    assert_eq!(f.to_closure, Durations { count: 10, median: Some(3), p90: Some(21) });
    // One more value moves the median up and p90 to the longest.
    c.bump(Field::Days(Stage::Closure, 40), 1);
    assert_eq!(Figures::from_counters(&c).to_closure, Durations { count: 11, median: Some(5), p90: Some(34) });
    let mut one = Counters::new();
    one.bump(Field::Days(Stage::FirstAnswer, 4), 1);
    assert_eq!(Figures::from_counters(&one).to_first_answer, Durations { count: 1, median: Some(4), p90: Some(4) });
    assert_eq!(Figures::from_counters(&one).to_closure, Durations::default());
}

/// Forwarded, answered with a final answer and accepted on the days given (from t0).
fn closed(w: &World, seed: i64, answered_day: i64, accepted_day: i64) -> Report {
    let start = wib(2026, 3, 2, 9) + Duration::minutes(seed);
    let r = verified(w, &filed_at(w, start, Privacy::default()), start + Duration::days(1));
    let r = ok(w, &r, &kutim_coordinator(), dispose(&[11]), start + Duration::days(1));
    let r = ok(w, &r, &pupr_officer(), answer(AnswerKind::Final), start + Duration::days(answered_day));
    ok(w, &r, &CITIZEN, Command::Accept, start + Duration::days(accepted_day))
}

fn rated(w: &World, r: &Report, stars: u8) -> Report {
    ok(w, r, &CITIZEN, Command::Rate { stars, comment: None }, r.closed_at.unwrap())
}

#[test]
fn satisfaction_is_the_mean_rating_and_the_share_of_four_or_more() {
    let w = world();
    let five = rated(&w, &closed(&w, 1, 2, 3), 5);
    let four = rated(&w, &closed(&w, 2, 2, 3), 4);
    let one = rated(&w, &closed(&w, 3, 2, 3), 1);
    let unrated = closed(&w, 4, 2, 3);
    let f = measured(&w, &[&five, &four, &one, &unrated], &of_kutim(2026, 3));
    assert_eq!(f.satisfaction, Satisfaction { rated: 3, mean: Some(10.0 / 3.0), share_4_plus: Some(2.0 / 3.0) });
    assert_eq!(measured(&w, &[&unrated], &of_kutim(2026, 3)).satisfaction, Satisfaction::default());
}

#[test]
fn completion_is_full_only_when_every_verified_report_is_closed() {
    let w = world();
    let done = closed(&w, 1, 2, 3);
    let start = wib(2026, 3, 2, 9);
    let pending = rated(&w, &closed(&w, 2, 2, 3), 1);
    assert_eq!(measured(&w, &[&done, &pending], &of_kutim(2026, 3)).completion_rate, Some(1.0));
    // An appeal reopens it: no longer complete, and its rating is gone.
    let appealed =
        ok(&w, &pending, &CITIZEN, Command::Appeal { reason: text("Belum beres") }, start + Duration::days(4));
    let f = measured(&w, &[&done, &appealed], &of_kutim(2026, 3));
    assert_eq!(f.completion_rate, Some(0.5));
    assert_eq!(f.follow_up_rate, Some(1.0));
    assert_eq!(f.satisfaction.rated, 0);
    // Forwarded Tuesday 3 March, accepted Thursday 5 March: 2 working days.
    assert_eq!(f.to_closure, Durations { count: 1, median: Some(2), p90: Some(2) });
    // Nothing verified: no rate at all, not 0%.
    let fresh = filed_at(&w, start, Privacy::default());
    assert_eq!(measured(&w, &[&fresh], &national(2026, 3)).completion_rate, None);
}

#[test]
fn confidential_and_anonymous_reports_count_in_the_aggregates() {
    let w = world();
    let secret = Privacy { anonymous: true, confidential: true };
    let a = verified(&w, &filed_at(&w, wib(2026, 3, 2, 9), secret), wib(2026, 3, 3, 9));
    let b = verified(&w, &filed_at(&w, wib(2026, 3, 2, 10), Privacy::default()), wib(2026, 3, 3, 9));
    assert!(!a.is_public());
    let f = measured(&w, &[&a, &b], &national(2026, 3));
    assert_eq!((f.volume.submitted, f.volume.verified), (2, 2));
}

#[test]
fn intake_counts_in_the_month_of_submission_and_the_cohort_in_the_month_of_verification() {
    let w = world();
    // Submitted Friday 30 January, verified Monday 2 February.
    let r = verified(&w, &filed_at(&w, wib(2026, 1, 30, 10), Privacy::default()), wib(2026, 2, 2, 10));
    let jan = measured(&w, &[&r], &national(2026, 1));
    assert_eq!((jan.volume.submitted, jan.volume.verified, jan.backlog.forwarded), (1, 0, 1));
    let feb = measured(&w, &[&r], &national(2026, 2));
    assert_eq!((feb.volume.submitted, feb.volume.verified), (0, 1));
    assert_eq!(feb.verified_on_time, Some(1.0));
    let year = measured(&w, &[&r], &Filter::total(None, month(2026, 1), month(2026, 12)));
    assert_eq!((year.volume.submitted, year.volume.verified), (1, 1));
}

#[test]
fn the_cohort_month_is_the_instansi_s_own() {
    let w = world();
    // Filed and verified late on 31 March in Jakarta: already 1 April in Sangatta (WITA).
    let r = filed_at(&w, at(Zone::Wib, 2026, 3, 31, 23, 30), Privacy::default());
    let r = verified(&w, &r, at(Zone::Wib, 2026, 3, 31, 23, 40));
    let march = measured(&w, &[&r], &national(2026, 3));
    assert_eq!((march.volume.submitted, march.volume.verified), (1, 0), "submitted at the national desk, WIB");
    let april = measured(&w, &[&r], &of_kutim(2026, 4));
    assert_eq!((april.volume.submitted, april.volume.verified), (0, 1));
}

#[test]
fn overdue_comes_from_the_scheduler_s_mark_not_from_the_clock_on_the_wall() {
    let w = world();
    let r = filed_at(&w, wib(2026, 3, 2, 9), Privacy::default());
    let before = measured(&w, &[&r], &national(2026, 3));
    assert_eq!((before.backlog.submitted, before.overdue.verification), (1, 0));
    // Due the end of Thursday 5 March; marked on Friday.
    let seq = r.active_clock(ClockKind::Verification).unwrap().seq;
    let marked = ok(&w, &r, &Actor::System, Command::MarkOverdue { seq }, wib(2026, 3, 6, 9));
    let after = measured(&w, &[&marked], &national(2026, 3));
    assert_eq!(after.overdue, Overdue { verification: 1, ..Overdue::default() });
    // The mark is a transition, so it arrives as a delta.
    let d = delta(Some(&r), Some(&marked), &w.calendar, &w.orgs);
    assert!(!d.is_empty());
    assert!(d.iter().all(|(_, c)| c.iter().collect::<Vec<_>>() == vec![(Field::Overdue(ClockKind::Verification), 1)]));
    // Verified late: no longer overdue, counted as late.
    let late = verified(&w, &marked, wib(2026, 3, 9, 9));
    let f = measured(&w, &[&late], &national(2026, 3));
    assert_eq!((f.overdue.verification, f.verified_on_time), (0, Some(0.0)));
}

#[test]
fn a_removed_contribution_leaves_no_cell_behind() {
    let w = world();
    let r = closed(&w, 1, 2, 3);
    let cells = contribution(&r, &w.calendar, &w.orgs);
    assert!(!cells.is_empty());
    let mut store = cells.clone();
    store.add(&delta(Some(&r), None, &w.calendar, &w.orgs));
    assert!(store.is_empty());
    assert!(delta(Some(&r), Some(&r), &w.calendar, &w.orgs).is_empty());
    let mut c = Counters::new();
    c.bump(Field::Verified, 2);
    c.bump(Field::Days(Stage::Verification, 3), 1);
    let copy = c.clone();
    c.sub(&copy);
    assert!(c.is_zero());
}

#[test]
fn every_breakdown_has_its_cells_and_the_region_level_suits_the_organisation() {
    let w = world();
    let r = verified(&w, &filed_at(&w, wib(2026, 3, 2, 9), Privacy::default()), wib(2026, 3, 3, 9));
    let r = ok(&w, &r, &kutim_coordinator(), dispose(&[11, 13]), wib(2026, 3, 3, 10));
    let cells = contribution(&r, &w.calendar, &w.orgs);
    let keys: Vec<(Option<OrgId>, Breakdown)> = cells.iter().map(|(k, _)| (k.org, k.breakdown.clone())).collect();
    let region = |s: &str| Breakdown::Region(RegionCode::parse(s).ok());
    let kutim = Some(OrgId(10));
    for expected in [
        (kutim, Breakdown::Total),
        (kutim, Breakdown::Category(Some(crate::ids::CategoryId(2)))),
        (kutim, Breakdown::Channel(crate::report::Channel::Web)),
        (kutim, region("64.08.01")),
        (kutim, Breakdown::Unit(OrgId(11))),
        (kutim, Breakdown::Unit(OrgId(13))),
        (None, Breakdown::Total),
        (None, region("64.08")),
    ] {
        assert!(keys.contains(&expected), "{expected:?} missing from {keys:?}");
    }
    assert!(!keys.iter().any(|(org, b)| org.is_none() && b.cube() == Cube::Unit), "no national unit cells");
    // One month: intake and cohort share each cell.
    assert_eq!(cells.len(), 10);
    let by_unit = Filter::total(kutim, month(2026, 3), month(2026, 3)).with(Breakdown::Unit(OrgId(13)));
    assert_eq!(measured(&w, &[&r], &by_unit).volume.verified, 1);
    let by_district = Filter::total(kutim, month(2026, 3), month(2026, 3)).with(region("64.08.01"));
    assert_eq!(measured(&w, &[&r], &by_district).volume.submitted, 1);
    // The ministry's cells (no region of its own) count regencies.
    assert_eq!(region_level(&w.orgs, Some(OrgId(30))), crate::region::RegionLevel::Regency);
}

#[test]
fn a_report_returned_as_not_our_authority_follows_its_instansi() {
    let w = world();
    let r = verified(&w, &filed_at(&w, wib(2026, 3, 2, 9), Privacy::default()), wib(2026, 3, 3, 9));
    let returned = ok(
        &w,
        &r,
        &kutim_coordinator(),
        Command::ReturnNotAuthority { reason: text("Jalan nasional") },
        wib(2026, 3, 4, 9),
    );
    let f = measured(&w, &[&returned], &of_kutim(2026, 3));
    assert_eq!(f.volume, Volume::default(), "no longer Kutai Timur's");
    let desk = measured(&w, &[&returned], &Filter::total(Some(OrgId(1)), month(2026, 3), month(2026, 3)));
    assert_eq!((desk.volume.submitted, desk.volume.verified, desk.backlog.submitted), (1, 0, 1));
    // Routed again to Kemenkes: its cohort, in the month of the first verification.
    let again = ok(&w, &returned, &screener(), verify_to(30), wib(2026, 4, 1, 9));
    let kemenkes = measured(&w, &[&again], &Filter::total(Some(OrgId(30)), month(2026, 3), month(2026, 3)));
    assert_eq!(kemenkes.volume.verified, 1);
    assert_eq!(kemenkes.verified_on_time, Some(1.0), "the first verification's clock");
}

#[test]
fn codes_round_trip() {
    let fields = [
        Field::Submitted,
        Field::Archived,
        Field::Open(Status::NeedsInfo),
        Field::Overdue(ClockKind::FollowUp),
        Field::Verified,
        Field::VerifiedOnTime,
        Field::VerifiedLate,
        Field::Answered,
        Field::AnsweredOnTime,
        Field::AnsweredLate,
        Field::Closed,
        Field::Rated,
        Field::RatingSum,
        Field::RatedFourPlus,
        Field::Days(Stage::FirstAnswer, 17),
    ];
    for f in fields {
        assert_eq!(Field::parse(&f.code()), Some(f), "{}", f.code());
    }
    assert_eq!(Field::parse("open.closed"), None, "a closed report is not backlog");
    assert_eq!(Field::parse("days.closure.x"), None);
    let c: Counters = fields.into_iter().map(|f| (f, 3)).collect();
    let json = serde_json::to_string(&c).unwrap();
    assert!(json.contains("\"days.first_answer.17\":3"), "{json}");
    assert_eq!(serde_json::from_str::<Counters>(&json).unwrap(), c);
    assert!(serde_json::from_str::<Counters>("{\"nonsense\":1}").is_err());

    assert_eq!(month(2026, 3).to_string(), "2026-03");
    assert_eq!(Period::parse("2026-03"), Some(month(2026, 3)));
    assert_eq!(Period::parse("2026-13"), None);
    assert_eq!(serde_json::to_string(&month(2026, 11)).unwrap(), "\"2026-11\"");
    for b in [
        Breakdown::Total,
        Breakdown::Category(None),
        Breakdown::Category(Some(crate::ids::CategoryId(4))),
        Breakdown::Channel(crate::report::Channel::WalkIn),
        Breakdown::Region(None),
        Breakdown::Region(RegionCode::parse("64.08").ok()),
        Breakdown::Unit(OrgId(11)),
    ] {
        assert_eq!(Breakdown::parse(b.cube(), &b.value()), Some(b.clone()), "{b:?}");
        assert_eq!(Cube::parse(b.cube().as_str()), Some(b.cube()));
    }
}

fn figures_with(verified: i64, closed: i64, answered: i64, on_time: i64, late: i64) -> Figures {
    let c: Counters = [
        (Field::Verified, verified),
        (Field::Closed, closed),
        (Field::Answered, answered),
        (Field::AnsweredOnTime, on_time),
        (Field::AnsweredLate, late),
    ]
    .into_iter()
    .collect();
    Figures::from_counters(&c)
}

#[test]
fn the_predicate_follows_the_thresholds_and_needs_enough_reports() {
    let t = Thresholds::default();
    assert_eq!(t.check(), Ok(()));
    assert_eq!(predicate(&figures_with(9, 9, 9, 9, 0), &t), None, "too few to judge");
    assert_eq!(predicate(&figures_with(10, 8, 9, 8, 2), &t), Some(Predicate::Baik));
    assert_eq!(predicate(&figures_with(10, 7, 9, 8, 2), &t), Some(Predicate::Sedang));
    assert_eq!(predicate(&figures_with(10, 8, 9, 7, 3), &t), Some(Predicate::Sedang), "answers too often late");
    assert_eq!(predicate(&figures_with(10, 4, 9, 8, 2), &t), Some(Predicate::Kurang));
    assert_eq!(predicate(&figures_with(10, 6, 6, 6, 0), &t), Some(Predicate::Kurang), "too few answered");
    // No answer outcome known yet: that share is not held against the instansi.
    assert_eq!(predicate(&figures_with(10, 10, 10, 0, 0), &t), Some(Predicate::Baik));
    // Thresholds come from configuration; missing parts keep their defaults.
    let strict: Thresholds = serde_json::from_str(r#"{"min_verified": 5}"#).unwrap();
    assert_eq!(strict, Thresholds { min_verified: 5, ..Thresholds::default() });
    assert_eq!(predicate(&figures_with(5, 5, 5, 5, 0), &strict), Some(Predicate::Baik));
    let inverted = Thresholds { sedang: Bar { completion: 0.9, ..t.sedang }, ..t };
    assert!(inverted.check().is_err());
    assert!(Thresholds { min_verified: 0, ..t }.check().is_err());
    assert_eq!(Predicate::Kurang.label_id(), "Kurang");
}
