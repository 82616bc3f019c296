//! What Open311 asks of the store: lists by last change, and the published events of
//! many reports in a period.

use super::fixture::{Fixture, day, t0, text};
use crate::{PageRequest, ReportFilter, Scope, Store};
use aduan_domain::event::{Event, Visibility};
use aduan_domain::ids::ReportId;
use aduan_domain::lifecycle::{Command, Verification};
use aduan_domain::report::{AnswerKind, Privacy};
use aduan_domain::time::Timestamp;
use chrono::Duration;
use std::collections::BTreeSet;
use std::sync::Arc;

async fn listed(store: &Arc<dyn Store>, filter: &ReportFilter) -> BTreeSet<ReportId> {
    let page = store.list_reports(filter, &PageRequest::first(50)).await.expect("list");
    assert!(page.next.is_none());
    let ids: BTreeSet<ReportId> = page.items.iter().map(|s| s.id).collect();
    let counted = store.count_reports(filter, u64::MAX).await.expect("count");
    assert_eq!(counted, crate::Count::Exact(ids.len() as u64), "count agrees with the list");
    ids
}

pub async fn lists_filter_by_last_change(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let untouched = f.file_road("Jalan rusak di Sangatta Utara", t0()).await;
    let verified = f.file_road("Jalan berlubang di Bengalon", t0()).await;
    let verified = f.act(&verified, &f.screener, f.verify_to("KAB-64.08"), day(2)).await;
    let disposed = f.file_road("Jembatan retak di Rantau Pulung", t0()).await;
    let disposed = f.act(&disposed, &f.screener, f.verify_to("KAB-64.08"), day(1)).await;
    let disposed = f
        .act(
            &disposed,
            &f.kutim_coordinator,
            Command::Dispose { units: vec![f.org("KAB-64.08/DPUPR")], note: None },
            day(5),
        )
        .await;
    assert_eq!((verified.updated_at, disposed.updated_at), (day(2), day(5)));
    let by = |from: Option<Timestamp>, before: Option<Timestamp>| {
        let mut x = ReportFilter::new(Scope::All);
        x.updated_from = from;
        x.updated_before = before;
        x
    };
    let set = |ids: &[ReportId]| ids.iter().copied().collect::<BTreeSet<_>>();
    let st = &f.store;
    assert_eq!(
        listed(st, &by(Some(day(2)), None)).await,
        set(&[verified.id, disposed.id]),
        "the lower bound is inclusive"
    );
    assert_eq!(listed(st, &by(None, Some(day(2)))).await, set(&[untouched.id]), "the upper bound is exclusive");
    assert_eq!(listed(st, &by(Some(day(2)), Some(day(5)))).await, set(&[verified.id]));
    assert!(listed(st, &by(Some(day(6)), None)).await.is_empty());
    // Combined with the submission period: all three were filed at t0.
    let mut x = by(Some(day(1)), None);
    x.submitted_before = Some(t0());
    assert!(listed(st, &x).await.is_empty());
    x.submitted_before = Some(t0() + Duration::seconds(1));
    assert_eq!(listed(st, &x).await, set(&[verified.id, disposed.id]));
}

fn codes(events: &[Event]) -> Vec<(ReportId, &'static str)> {
    events.iter().map(|e| (e.report, e.kind.code())).collect()
}

pub async fn public_events_between_respect_scope_and_privacy(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    // A road report through to an answer, with an internal note on the way.
    let road = f.file_road("Jalan rusak di Sangatta Utara", t0()).await;
    let road = f.act(&road, &f.screener, f.verify_to("KAB-64.08"), day(1)).await;
    let road = f
        .act(
            &road,
            &f.kutim_coordinator,
            Command::Dispose { units: vec![f.org("KAB-64.08/DPUPR")], note: None },
            day(2),
        )
        .await;
    let road = f.act(&road, &f.pupr_officer, Command::InternalNote { text: text("Tim ke lokasi Senin") }, day(2)).await;
    let road = f
        .act(
            &road,
            &f.pupr_officer,
            Command::Respond {
                unit: None,
                answer: AnswerKind::Final,
                text: text("Sudah ditambal"),
                attachments: vec![],
            },
            day(3),
        )
        .await;
    // A confidential report: its public events are never published.
    let waste = f
        .file(
            f.draft(
                "Sampah menumpuk di pasar",
                "Sampah tidak diangkut selama seminggu, baunya menyengat sekali.",
                "64.08.02",
                "lingkungan",
            ),
            t0() + Duration::hours(1),
        )
        .await;
    let v = Verification {
        instansi: Some(f.org("KAB-64.08")),
        privacy: Some(Privacy { anonymous: false, confidential: true }),
        ..Verification::default()
    };
    let waste = f.act(&waste, &f.screener, Command::Verify(v), day(1)).await;
    // Not yet verified, with a question for the reporter (visible to the reporter only).
    let jayapura = f
        .file(
            f.draft(
                "Jalan longsor di Sentani",
                "Jalan utama tertutup longsor sejak kemarin sore, kendaraan tidak bisa lewat.",
                "91.03.01",
                "pupr.jalan",
            ),
            t0() + Duration::hours(2),
        )
        .await;
    let jayapura =
        f.act(&jayapura, &f.screener, Command::RequestInfo { question: text("Di km berapa?") }, day(1)).await;

    let st = &f.store;
    let between = |scope: Scope, from: Timestamp, before: Timestamp, limit: u32| {
        let st = Arc::clone(st);
        async move { st.public_events_between(&scope, from, before, limit).await.expect("events") }
    };
    let road_timeline =
        vec![(road.id, "submitted"), (road.id, "verified"), (road.id, "disposed"), (road.id, "answered")];
    let public = between(Scope::Public, t0() - Duration::days(1), day(10), 100).await;
    assert_eq!(codes(&public), road_timeline, "verified, non-confidential reports only, oldest first");
    assert!(public.iter().all(|e| e.visibility == Visibility::Public));
    let stored = st.events(road.id).await.expect("timeline");
    for e in &public {
        assert!(stored.contains(e), "an event comes back as stored: {e:?}");
    }
    // The period: from inclusive, before exclusive.
    assert_eq!(codes(&between(Scope::Public, day(1), day(3), 100).await), road_timeline[1..3].to_vec());
    assert_eq!(codes(&between(Scope::Public, day(3), day(3), 100).await), vec![]);
    // The limit keeps the oldest.
    assert_eq!(codes(&between(Scope::Public, t0(), day(10), 2).await), road_timeline[..2].to_vec());
    // Everything: the unverified report's submission too, still no confidential report and
    // no event of another visibility.
    let all = between(Scope::All, t0(), day(10), 100).await;
    let reports: BTreeSet<ReportId> = all.iter().map(|e| e.report).collect();
    assert_eq!(reports, BTreeSet::from([road.id, jayapura.id]));
    assert!(!reports.contains(&waste.id));
    assert!(all.iter().all(|e| e.visibility == Visibility::Public));
    assert!(all.windows(2).all(|w| (w[0].at, w[0].report, w[0].seq) <= (w[1].at, w[1].report, w[1].seq)));
    // Staff scopes: what involves their organisations, never a confidential report.
    let kutim = Scope::Within(f.org("KAB-64.08"));
    assert_eq!(codes(&between(kutim, t0(), day(10), 100).await), road_timeline);
    let jayapura_staff = Scope::Within(f.org("KAB-91.03"));
    assert!(between(jayapura_staff, t0(), day(10), 100).await.is_empty(), "its report is still at the national desk");
    // The reporter filed all three here (the fixture files as the signed-in citizen).
    let own = between(Scope::Reporter(f.citizen), t0(), day(10), 100).await;
    assert_eq!(own.iter().map(|e| e.report).collect::<BTreeSet<_>>(), BTreeSet::from([road.id, jayapura.id]));
}
