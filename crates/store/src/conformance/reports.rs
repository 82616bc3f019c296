//! Reports and transitions: round trips, atomicity, the version check.

use super::fixture::{Fixture, day, t0, text};
use crate::{ImportedReport, Store, StoreError};
use aduan_domain::event::{EventKind, Visibility};
use aduan_domain::ids::{OrgId, PersonId, ReportId};
use aduan_domain::lifecycle::{Command, invariant_violations};
use aduan_domain::permission::Access;
use aduan_domain::privacy::visible_events;
use aduan_domain::report::AnswerKind;
use aduan_domain::status::Status;
use aduan_domain::tracking::TrackingNumber;
use std::sync::Arc;

pub async fn a_report_round_trips_with_every_field(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let filing = aduan_domain::lifecycle::file(
        f.draft(
            "Jalan rusak di Sangatta Utara",
            "Jalan poros berlubang besar sejak dua bulan lalu.",
            "64.08.01.2001",
            "pupr.jalan",
        ),
        &f.citizen(),
        f.tracking(),
        Some("hash-of-the-secret".into()),
        &f.ctx(t0()),
    )
    .expect("file");
    let stored = f.store.create_report(&filing).await.expect("create");
    assert_ne!(stored.id, ReportId::UNSAVED);
    let mut expected = filing.report.clone();
    expected.id = stored.id;
    assert_eq!(stored, expected, "every field survives the round trip");
    assert_eq!(f.store.report(stored.id).await.expect("by id"), Some(expected.clone()));
    assert_eq!(f.store.report_by_tracking(&stored.tracking).await.expect("by tracking"), Some(expected));
    let events = f.store.events(stored.id).await.expect("events");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].seq, 1);
    assert_eq!(events[0].kind, filing.events[0].kind);
    assert_eq!(events[0].actor, filing.events[0].actor);
    assert_eq!(events[0].visibility, Visibility::Public);
    assert_eq!(events[0].at, t0());
}

pub async fn a_tracking_number_is_unique(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let first = f.file_road("Jalan rusak pertama sekali", t0()).await;
    let mut filing = aduan_domain::lifecycle::file(
        f.draft(
            "Jalan rusak kedua kalinya",
            "Jalan poros berlubang besar sejak dua bulan lalu.",
            "64.08.01.2001",
            "pupr.jalan",
        ),
        &f.citizen(),
        first.tracking.clone(),
        None,
        &f.ctx(t0()),
    )
    .expect("file");
    let r = f.store.create_report(&filing).await;
    assert!(matches!(r, Err(StoreError::Conflict(_))), "{r:?}");
    filing.report.tracking = f.tracking();
    f.store.create_report(&filing).await.expect("a fresh number works");
}

pub async fn transitions_round_trip_through_the_whole_lifecycle(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let r = f.file_road("Jalan rusak di Sangatta Utara", t0()).await;
    let r = f.act(&r, &f.screener, Command::RequestInfo { question: text("Di km berapa?") }, day(1)).await;
    let r = f.act(&r, &f.citizen(), Command::Reply { text: text("Km 12"), attachments: vec![] }, day(2)).await;
    let r = f.act(&r, &f.screener, f.verify_to("KAB-64.08"), day(3)).await;
    let units = vec![f.org("KAB-64.08/DPUPR"), f.org("KAB-64.08/DLH")];
    let r = f.act(&r, &f.kutim_coordinator, Command::Dispose { units: units.clone(), note: None }, day(3)).await;
    assert_eq!(r.units.iter().map(|u| u.unit).collect::<Vec<_>>(), units);
    let answer =
        |kind| Command::Respond { unit: None, answer: kind, text: text("Sudah ditambal"), attachments: vec![] };
    let r = f.act(&r, &f.pupr_officer, Command::InternalNote { text: text("Tim ke lokasi Senin") }, day(4)).await;
    let r = f.act(&r, &f.pupr_officer, answer(AnswerKind::Final), day(4)).await;
    assert_eq!(r.status, Status::InProgress);
    let r = f.act(&r, &f.kutim_coordinator, answer(AnswerKind::Final), day(5)).await;
    assert_eq!(r.status, Status::Responded);
    let r = f.act(&r, &f.citizen(), Command::Accept, day(6)).await;
    let r = f.act(&r, &f.citizen(), Command::Rate { stars: 2, comment: Some(text("Lambat")) }, day(6)).await;
    let r = f.act(&r, &f.citizen(), Command::Appeal { reason: text("Rusak lagi") }, day(7)).await;
    assert_eq!((r.status, r.appealed), (Status::InProgress, true));
    assert!(invariant_violations(&r).is_empty());
    let loaded = f.store.report(r.id).await.expect("load").expect("found");
    assert_eq!(loaded, r);

    let events = f.store.events(r.id).await.expect("events");
    assert_eq!(events.iter().map(|e| e.seq).collect::<Vec<_>>(), (1..=events.len() as i64).collect::<Vec<_>>());
    let together = f.store.report_with_events(&r.tracking).await.expect("read").expect("found");
    assert_eq!(together, (r.clone(), events.clone()), "one read gives the report and its timeline");
    assert!(f.store.report_with_events(&f.tracking()).await.expect("read").is_none());
    assert!(events.windows(2).all(|w| w[0].at <= w[1].at));
    assert!(matches!(events.last().map(|e| &e.kind), Some(EventKind::Appealed { .. })));
    let note = events.iter().find(|e| matches!(e.kind, EventKind::InternalNote { .. })).expect("note");
    assert_eq!(note.visibility, Visibility::Internal);
    assert!(
        !visible_events(&events, Access::Reporter).iter().any(|e| matches!(e.kind, EventKind::InternalNote { .. }))
    );
    assert!(visible_events(&events, Access::Public).iter().all(|e| e.visibility == Visibility::Public));
}

pub async fn a_stale_transition_is_refused_and_changes_nothing(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let r = f.file_road("Jalan rusak di Sangatta Utara", t0()).await;
    // Two screeners open the same report and both click.
    let first = f.decide(&r, &f.screener, f.verify_to("KAB-64.08"), day(1));
    let second = f.decide(&r, &f.screener, f.verify_to("KAB-91.03"), day(1));
    f.store.apply(&first).await.expect("first wins");
    let r2 = f.store.apply(&second).await;
    assert_eq!(r2, Err(StoreError::Stale(r.id)));
    let now = f.store.report(r.id).await.expect("load").expect("found");
    assert_eq!(now, first.report, "the second click changed nothing");
    assert_eq!(f.store.events(r.id).await.expect("events").len(), 1 + first.events.len());
    // The same transition applied twice (a retried request) is also refused.
    assert_eq!(f.store.apply(&first).await, Err(StoreError::Stale(r.id)));
}

pub async fn a_failing_transition_changes_nothing(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let r = f.file_road("Jalan rusak di Sangatta Utara", t0()).await;
    let events_before = f.store.events(r.id).await.expect("events");
    let mut t = f.decide(&r, &f.screener, f.verify_to("KAB-64.08"), day(1));
    // Corrupt the last part written: an event naming a person who does not exist.
    if let Some(e) = t.events.last_mut() {
        e.actor.person = Some(PersonId(987_654));
    }
    let result = f.store.apply(&t).await;
    assert!(matches!(result, Err(StoreError::Invalid(_))), "{result:?}");
    assert_eq!(f.store.report(r.id).await.expect("load"), Some(r.clone()), "report, clocks and units unchanged");
    assert_eq!(f.store.events(r.id).await.expect("events"), events_before, "no event written");
    // A clock held by an organisation that does not exist: also nothing.
    let mut t = f.decide(&r, &f.screener, f.verify_to("KAB-64.08"), day(1));
    if let Some(d) = t.report.deadlines.last_mut() {
        d.holder = OrgId(987_654);
    }
    assert!(f.store.apply(&t).await.is_err());
    assert_eq!(f.store.report(r.id).await.expect("load"), Some(r.clone()));
    // The genuine transition still applies afterwards.
    let t = f.decide(&r, &f.screener, f.verify_to("KAB-64.08"), day(1));
    f.store.apply(&t).await.expect("apply");
}

pub async fn unknown_ids_are_reported(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    assert_eq!(f.store.report(ReportId(424_242)).await.expect("query"), None);
    let unknown = TrackingNumber::from_random(1);
    assert_eq!(f.store.report_by_tracking(&unknown).await.expect("query"), None);
    assert!(f.store.events(ReportId(424_242)).await.expect("query").is_empty());
    let r = f.file_road("Jalan rusak di Sangatta Utara", t0()).await;
    let mut t = f.decide(&r, &f.screener, f.verify_to("KAB-64.08"), day(1));
    t.report.id = ReportId(424_242);
    assert!(matches!(f.store.apply(&t).await, Err(StoreError::NotFound(_) | StoreError::Stale(_))));
}

pub async fn imported_reports_load_like_created_ones(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let mut batch = Vec::new();
    for i in 0..40 {
        let filing = aduan_domain::lifecycle::file(
            f.draft(
                &format!("Laporan impor nomor {i}"),
                "Jalan poros berlubang besar sejak dua bulan lalu.",
                "64.08.01.2001",
                "pupr.jalan",
            ),
            &f.citizen(),
            f.tracking(),
            None,
            &f.ctx(t0()),
        )
        .expect("file");
        let mut report = filing.report;
        let mut events = filing.events;
        if i % 2 == 0 {
            let t = f.decide(&report, &f.screener, f.verify_to("KAB-64.08"), day(1));
            events.extend(t.events);
            report = t.report;
        }
        batch.push(ImportedReport::new(report, events, &f.calendar, &f.orgs));
    }
    f.store.import_reports(&batch).await.expect("import");
    for item in &batch {
        let loaded = f.store.report_by_tracking(&item.report.tracking).await.expect("load").expect("found");
        let mut expected = item.report.clone();
        expected.id = loaded.id;
        assert_eq!(loaded, expected);
        assert_eq!(f.store.events(loaded.id).await.expect("events").len(), item.events.len());
    }
}

/// Filings that arrive together may be stored in one transaction; one that cannot be
/// stored (a tracking number taken) is refused alone and the others are kept.
pub async fn concurrent_filings_are_kept_and_a_bad_one_refused_alone(store: Arc<dyn Store>) {
    let f = Arc::new(Fixture::new(store).await);
    let taken = f.file_road("Jalan rusak yang pertama dilaporkan", t0()).await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let f = Arc::clone(&f);
        let taken = taken.tracking.clone();
        tasks.push(tokio::spawn(async move {
            let mut filing = f.filing(&format!("Jalan rusak laporan nomor {i}"), t0());
            if i == 17 {
                filing.report.tracking = taken;
            }
            (i, f.store.create_report(&filing).await)
        }));
    }
    let mut kept = 0;
    for task in tasks {
        let (i, result) = task.await.expect("task");
        match result {
            Ok(report) => {
                kept += 1;
                assert_eq!(f.store.report(report.id).await.expect("read"), Some(report), "report {i} reads back");
            }
            Err(StoreError::Conflict(_)) => assert_eq!(i, 17, "only the filing with a taken number is refused"),
            Err(e) => panic!("filing {i}: {e}"),
        }
    }
    assert_eq!(kept, 39);
    let all = f.store.count_reports(&crate::ReportFilter::new(crate::Scope::All), u64::MAX).await.expect("count");
    assert_eq!(all, crate::Count::Exact(40));
}
