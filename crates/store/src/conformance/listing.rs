//! Lists, scopes, search and pagination.

use super::fixture::{Fixture, day, t0, text};
use crate::{Count, PageRequest, ReportFilter, ReportSummary, Scope, SortOrder, Store};
use aduan_domain::ids::ReportId;
use aduan_domain::lifecycle::{Command, Verification};
use aduan_domain::report::{Channel, Privacy, Report};
use aduan_domain::status::Status;
use aduan_domain::text::Text;
use aduan_domain::time::Timestamp;
use chrono::Duration;
use std::collections::BTreeSet;
use std::sync::Arc;

async fn ids(store: &Arc<dyn Store>, filter: &ReportFilter) -> BTreeSet<ReportId> {
    let mut out = BTreeSet::new();
    let mut page = PageRequest::first(50);
    loop {
        let p = store.list_reports(filter, &page).await.expect("list");
        out.extend(p.items.iter().map(|s| s.id));
        match p.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    let everything = store.count_reports(filter, u64::MAX).await.expect("count");
    assert_eq!(everything, Count::Exact(out.len() as u64), "count agrees with the list");
    // A count stopped early says so, and never says more than there are.
    match store.count_reports(filter, 2).await.expect("count") {
        Count::Exact(n) => assert_eq!(n, out.len() as u64),
        Count::AtLeast(n) => assert!(n <= 2 && n <= out.len() as u64, "at least {n} of {}", out.len()),
    }
    out
}

fn set(reports: &[&Report]) -> BTreeSet<ReportId> {
    reports.iter().map(|r| r.id).collect()
}

/// Six reports: Kutim road (in progress), Kutim waste (forwarded, confidential), Jayapura
/// road (submitted), a health report via phone (archived), and two more Kutim roads.
struct Sample {
    kutim_road: Report,
    kutim_waste: Report,
    jayapura_road: Report,
    health: Report,
    old_road: Report,
    flagged: Report,
}

async fn sample(f: &Fixture) -> Sample {
    let old_road = f.file_road("Jembatan kayu lapuk di Sangatta", t0() - Duration::days(90)).await;
    let kutim_road = f.file_road("Jalan rusak di Sangatta Utara", t0()).await;
    let kutim_road = f.act(&kutim_road, &f.screener, f.verify_to("KAB-64.08"), day(1)).await;
    let kutim_road = f
        .act(
            &kutim_road,
            &f.kutim_coordinator,
            Command::Dispose { units: vec![f.org("KAB-64.08/DPUPR")], note: None },
            day(1),
        )
        .await;
    let waste = f.file(
        f.draft(
            "Sampah menumpuk di pasar",
            "Sampah tidak diangkut selama seminggu, baunya menyengat sekali.",
            "64.08.02",
            "lingkungan",
        ),
        t0() + Duration::hours(1),
    );
    let kutim_waste = waste.await;
    let v = Verification {
        instansi: Some(f.org("KAB-64.08")),
        privacy: Some(Privacy { anonymous: true, confidential: true }),
        ..Verification::default()
    };
    let kutim_waste = f.act(&kutim_waste, &f.screener, Command::Verify(v), day(1)).await;
    let mut d = f.draft(
        "Jalan longsor di Sentani",
        "Jalan utama tertutup longsor sejak kemarin sore, kendaraan tidak bisa lewat.",
        "91.03.01",
        "pupr.jalan",
    );
    // Filed without a pin, unlike the fixture's other drafts.
    d.location.point = None;
    let jayapura_road = f.file(d, t0() + Duration::hours(2)).await;
    let mut d = f.draft(
        "Antrean puskesmas terlalu lama",
        "Pasien menunggu lebih dari lima jam di puskesmas tanpa kejelasan.",
        "64.08",
        "kesehatan",
    );
    d.channel = Channel::Phone;
    let filing =
        aduan_domain::lifecycle::file(d, &f.kutim_coordinator, f.tracking(), None, &f.ctx(t0() + Duration::hours(3)))
            .expect("intake");
    let health = f.store.create_report(&filing).await.expect("create");
    let health = f
        .act(
            &health,
            &f.screener,
            Command::Archive { reason: aduan_domain::report::ArchiveReason::OutOfScope, note: None },
            day(1),
        )
        .await;
    let flagged = f.file_road("Lampu jalan mati total", t0() - Duration::days(70)).await;
    let flagged = f.act(&flagged, &aduan_domain::permission::Actor::System, Command::FlagOmbudsman, t0()).await;
    Sample { kutim_road, kutim_waste, jayapura_road, health, old_road, flagged }
}

pub async fn lists_filter_by_every_field(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let s = sample(&f).await;
    let all = ReportFilter::new(Scope::All);
    assert_eq!(ids(&f.store, &all).await.len(), 6);
    let by = |change: &dyn Fn(&mut ReportFilter)| {
        let mut x = all.clone();
        change(&mut x);
        x
    };
    let st = &f.store;
    assert_eq!(
        ids(st, &by(&|x| x.statuses = vec![Status::Submitted])).await,
        set(&[&s.jayapura_road, &s.old_road, &s.flagged])
    );
    assert_eq!(
        ids(st, &by(&|x| x.statuses = vec![Status::Forwarded, Status::InProgress])).await,
        set(&[&s.kutim_road, &s.kutim_waste])
    );
    assert_eq!(ids(st, &by(&|x| x.categories = vec![f.category("kesehatan")])).await, set(&[&s.health]));
    assert_eq!(
        ids(st, &by(&|x| x.categories = vec![f.category("pupr.jalan"), f.category("pupr")])).await,
        set(&[&s.kutim_road, &s.jayapura_road, &s.old_road, &s.flagged])
    );
    let region = |c: &str| aduan_domain::region::RegionCode::parse(c).ok();
    assert_eq!(ids(st, &by(&|x| x.region = region("91"))).await, set(&[&s.jayapura_road]));
    assert_eq!(
        ids(st, &by(&|x| x.region = region("64.08"))).await,
        set(&[&s.kutim_road, &s.kutim_waste, &s.health, &s.old_road, &s.flagged])
    );
    assert_eq!(ids(st, &by(&|x| x.region = region("64.08.02"))).await, set(&[&s.kutim_waste]));
    assert!(ids(st, &by(&|x| x.region = region("64.09"))).await.is_empty(), "64.09 is not a prefix match of 64.08");
    assert_eq!(ids(st, &by(&|x| x.instansi = Some(f.org("KAB-64.08")))).await, set(&[&s.kutim_road, &s.kutim_waste]));
    assert_eq!(ids(st, &by(&|x| x.unit = Some(f.org("KAB-64.08/DPUPR")))).await, set(&[&s.kutim_road]));
    assert_eq!(ids(st, &by(&|x| x.channel = Some(Channel::Phone))).await, set(&[&s.health]));
    assert_eq!(
        ids(st, &by(&|x| x.submitted_before = Some(t0()))).await,
        set(&[&s.old_road, &s.flagged]),
        "the bound is exclusive"
    );
    assert_eq!(
        ids(
            st,
            &by(&|x| {
                x.submitted_from = Some(t0());
                x.submitted_before = Some(t0() + Duration::hours(2));
            })
        )
        .await,
        set(&[&s.kutim_road, &s.kutim_waste])
    );
    assert_eq!(ids(st, &by(&|x| x.ombudsman_flagged = true)).await, set(&[&s.flagged]));
    let open = ids(st, &by(&|x| x.exclude_confidential = true)).await;
    assert_eq!(open.len(), 5, "all but the confidential waste report");
    assert!(!open.contains(&s.kutim_waste.id));
    // Numbered pages pass over the rows before them in the query.
    let newest = st.list_reports(&all, &PageRequest::first(6)).await.expect("list");
    let third = st.list_reports(&all, &PageRequest::numbered(2, 2)).await.expect("list");
    let expected: Vec<_> = newest.items[2..4].iter().map(|r| r.id).collect();
    assert_eq!(third.items.iter().map(|r| r.id).collect::<Vec<_>>(), expected);
    let located = by(&|x| x.located = true);
    assert_eq!(ids(st, &located).await, set(&[&s.kutim_road, &s.kutim_waste, &s.health, &s.old_road, &s.flagged]));
    assert_eq!(st.count_reports(&located, u64::MAX).await.expect("count"), Count::Exact(5));
    let page = st.list_reports(&located, &PageRequest::first(10)).await.expect("list");
    assert!(page.items.iter().all(|i| i.point == Some(aduan_domain::report::GeoPoint { lat: 0.512, lon: 117.58 })));
    let unlocated = st.list_reports(&by(&|x| x.region = region("91")), &PageRequest::first(10)).await.expect("list");
    assert_eq!(unlocated.items[0].point, None);
    // Overdue: the old road's verification ran out long ago; the job marks it.
    let old = f.store.report(s.old_road.id).await.expect("load").expect("found");
    let seq = old.active_clock(aduan_domain::deadline::ClockKind::Verification).expect("clock").seq;
    f.act(&old, &aduan_domain::permission::Actor::System, Command::MarkOverdue { seq }, t0()).await;
    assert_eq!(ids(st, &by(&|x| x.overdue = true)).await, set(&[&s.old_road]));
    let page = st.list_reports(&by(&|x| x.overdue = true), &PageRequest::first(10)).await.expect("list");
    assert!(page.items.iter().all(|i| i.overdue));
    // Summaries carry what a list shows.
    let page =
        st.list_reports(&by(&|x| x.channel = Some(Channel::Phone)), &PageRequest::first(10)).await.expect("list");
    let row: &ReportSummary = &page.items[0];
    assert_eq!(
        (row.tracking.clone(), row.status, row.channel),
        (s.health.tracking.clone(), Status::Archived, Channel::Phone)
    );
}

pub async fn pagination_is_stable_while_reports_arrive(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let mut filed = Vec::new();
    for i in 0..23 {
        // Several reports share one instant: the id breaks the tie.
        let at = t0() + Duration::minutes(i / 3);
        filed.push(f.file_road(&format!("Jalan rusak nomor {i}"), at).await.id);
    }
    // Filed the same day, the reports share a deadline: in deadline order too the id
    // breaks the tie, and later arrivals (due later) come after.
    for order in [SortOrder::Newest, SortOrder::Oldest, SortOrder::Deadline] {
        let mut filter = ReportFilter::new(Scope::All);
        filter.order = order;
        let mut seen = Vec::new();
        let mut page = PageRequest::first(5);
        let mut extra = 0;
        loop {
            let p = f.store.list_reports(&filter, &page).await.expect("list");
            assert!(p.items.len() <= 5);
            seen.extend(p.items.iter().map(|s| s.id));
            // A report arriving between pages must not shift or repeat what follows.
            if extra < 2 {
                f.file_road(&format!("Laporan baru {order:?} {extra}"), t0() + Duration::days(1)).await;
                extra += 1;
            }
            match p.next {
                Some(next) => page.after = Some(next),
                None => break,
            }
        }
        let unique: BTreeSet<_> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len(), "no report appears twice");
        for id in &filed {
            assert!(unique.contains(id), "no report is skipped");
        }
        let mut sorted = seen.clone();
        match order {
            SortOrder::Newest => sorted.sort_by(|a, b| b.cmp(a)),
            SortOrder::Oldest | SortOrder::Deadline => sorted.sort(),
        }
        let firsts: Vec<_> = seen.iter().filter(|id| filed.contains(id)).copied().collect();
        let expected: Vec<_> = sorted.iter().filter(|id| filed.contains(id)).copied().collect();
        assert_eq!(firsts, expected, "{order:?} order with ties broken by id");
    }
    assert_eq!(crate::Cursor::decode("garbage"), None);
    let c = crate::Cursor { at: t0(), id: ReportId(42) };
    assert_eq!(crate::Cursor::decode(&c.encode()), Some(c));
}

pub async fn scopes_keep_reports_apart(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let s = sample(&f).await;
    let public = ids(&f.store, &ReportFilter::new(Scope::Public)).await;
    assert_eq!(public, set(&[&s.kutim_road]), "only verified, non-confidential reports are public");
    let mut asked = ReportFilter::new(Scope::Public);
    asked.statuses = vec![Status::Submitted];
    assert!(ids(&f.store, &asked).await.is_empty(), "asking for unverified reports does not show them");
    asked.statuses = vec![Status::Submitted, Status::InProgress];
    assert_eq!(ids(&f.store, &asked).await, set(&[&s.kutim_road]));
    let kutim = Scope::Within(f.org("KAB-64.08"));
    assert_eq!(ids(&f.store, &ReportFilter::new(kutim)).await, set(&[&s.kutim_road, &s.kutim_waste]));
    let jayapura = Scope::Within(f.org("KAB-91.03"));
    assert!(ids(&f.store, &ReportFilter::new(jayapura)).await.is_empty());
    let pupr = Scope::Within(f.org("KAB-64.08/DPUPR"));
    assert_eq!(ids(&f.store, &ReportFilter::new(pupr)).await, set(&[&s.kutim_road]));
    // Searches and queues within a scope find the same reports.
    let mut kutim_search = ReportFilter::new(Scope::Within(f.org("KAB-64.08")));
    kutim_search.text = Some("sampah".into());
    assert_eq!(ids(&f.store, &kutim_search).await, set(&[&s.kutim_waste]));
    kutim_search.text = Some("jalan".into());
    assert_eq!(ids(&f.store, &kutim_search).await, set(&[&s.kutim_road]));
    let mine = ids(&f.store, &ReportFilter::new(Scope::Reporter(f.citizen))).await;
    assert!(mine.contains(&s.kutim_road.id) && !mine.contains(&s.health.id), "the phone report was entered by staff");
    // A report returned as not-our-authority stays visible to the instansi that held it.
    let r = f.file_road("Jalan nasional rusak berat", t0()).await;
    let r = f.act(&r, &f.screener, f.verify_to("KAB-64.08"), day(1)).await;
    let r =
        f.act(&r, &f.kutim_coordinator, Command::ReturnNotAuthority { reason: text("Jalan nasional") }, day(2)).await;
    assert!(ids(&f.store, &ReportFilter::new(Scope::Within(f.org("KAB-64.08")))).await.contains(&r.id));
}

pub async fn search_finds_indonesian_word_forms(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let s = sample(&f).await;
    let search = |q: &str, scope: Scope| {
        let mut x = ReportFilter::new(scope);
        x.text = Some(q.into());
        x
    };
    let st = &f.store;
    assert_eq!(ids(st, &search("jalan rusak", Scope::All)).await, set(&[&s.kutim_road]));
    assert_eq!(
        ids(st, &search("JALAN", Scope::All)).await,
        set(&[&s.kutim_road, &s.jayapura_road, &s.old_road, &s.flagged])
    );
    // Affixes: "berlubang" is found by "lubang", "diangkut" by "angkutan", "menumpuk" by "tumpukan".
    assert_eq!(ids(st, &search("lubang", Scope::All)).await, set(&[&s.kutim_road, &s.old_road, &s.flagged]));
    assert_eq!(ids(st, &search("angkutan sampah", Scope::All)).await, set(&[&s.kutim_waste]));
    assert_eq!(ids(st, &search("puskesmasnya", Scope::All)).await, set(&[&s.health]));
    assert!(ids(st, &search("banjir", Scope::All)).await.is_empty());
    // The public never finds a confidential or unverified report.
    assert_eq!(ids(st, &search("sampah", Scope::Public)).await, BTreeSet::new());
    let mut forwarded = search("sampah", Scope::Public);
    forwarded.statuses = vec![Status::Forwarded];
    assert_eq!(ids(st, &forwarded).await, BTreeSet::new(), "nor by naming its status");
    assert_eq!(ids(st, &search("jalan", Scope::Public)).await, set(&[&s.kutim_road]));
    // Combined with filters.
    let mut x = search("jalan", Scope::All);
    x.region = aduan_domain::region::RegionCode::parse("91").ok();
    assert_eq!(ids(st, &x).await, set(&[&s.jayapura_road]));
    // Within filing dates, across month ends, open-ended, longer than the index narrows.
    let dated = |from: Timestamp, before: Option<Timestamp>| {
        let mut x = search("jalan", Scope::All);
        x.submitted_from = Some(from);
        x.submitted_before = before;
        x
    };
    let (old, flagged) = (s.old_road.submitted_at, s.flagged.submitted_at);
    assert_eq!(ids(st, &dated(flagged, Some(t0() + Duration::hours(1)))).await, set(&[&s.flagged, &s.kutim_road]));
    let around_old = dated(old - Duration::days(2), Some(old + Duration::days(1)));
    assert_eq!(ids(st, &around_old).await, set(&[&s.old_road]));
    assert_eq!(ids(st, &dated(flagged, None)).await, set(&[&s.flagged, &s.kutim_road, &s.jayapura_road]));
    let years = dated(old - Duration::days(800), Some(t0() + Duration::days(400)));
    assert_eq!(ids(st, &years).await, set(&[&s.kutim_road, &s.jayapura_road, &s.old_road, &s.flagged]));
    assert!(ids(st, &dated(old, Some(old))).await.is_empty());
    // Whatever a person types is a query, not syntax.
    for q in ["jalan\" OR 1=1 --", "(*)", "NEAR AND OR", "'; DROP TABLE reports; --", "\u{0}"] {
        f.store.list_reports(&search(q, Scope::All), &PageRequest::first(10)).await.expect("no error");
    }
    assert!(ids(st, &search("  ", Scope::All)).await.len() == 6, "an empty search is no search");
    assert!(ids(st, &search("-- ** ", Scope::All)).await.is_empty(), "punctuation only matches nothing");
}

pub async fn search_follows_edits_and_privacy(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let r = f.file_road("Jalan rusak di Sangatta Utara", t0()).await;
    let v = Verification {
        instansi: Some(f.org("KAB-64.08")),
        title: Some(Text::title("Jembatan ambruk di Sangatta Utara").expect("title")),
        ..Verification::default()
    };
    let r = f.act(&r, &f.screener, Command::Verify(v), day(1)).await;
    let search = |q: &str| {
        let mut x = ReportFilter::new(Scope::Public);
        x.text = Some(q.into());
        x
    };
    assert_eq!(ids(&f.store, &search("jembatan ambruk")).await, set(&[&r]));
    assert!(ids(&f.store, &search("rusak sangatta")).await.is_empty(), "the old title is no longer indexed");
    assert_eq!(ids(&f.store, &search("berlubang")).await, set(&[&r]), "the description still is");
}

pub async fn supporting_counts_each_supporter_once(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let r = f.file_road("Jalan rusak di Sangatta Utara", t0()).await;
    assert!(f.store.add_support(r.id, "person:1", t0()).await.expect("first"));
    assert!(!f.store.add_support(r.id, "person:1", t0()).await.expect("again"));
    assert!(f.store.add_support(r.id, "person:2", t0()).await.expect("another"));
    let loaded = f.store.report(r.id).await.expect("load").expect("found");
    assert_eq!(loaded.support_count, 2);
    assert_eq!(loaded.version, r.version, "support does not make open forms stale");
    assert!(f.store.add_support(ReportId(999_999), "person:1", t0()).await.is_err());
}

pub async fn search_pages_are_stable_newest_filed_first(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let mut filed = Vec::new();
    for i in 0..17 {
        // Submission times out of filing order: a search still comes newest filed first.
        let at = t0() - Duration::hours((i * 7 % 5) as i64);
        filed.push(f.file_road(&format!("Jalan rusak bagian {i}"), at).await.id);
    }
    let mut other = f.draft(
        "Sampah menumpuk di pasar",
        "Sampah tidak diangkut selama seminggu penuh di pasar.",
        "64.08",
        "lingkungan",
    );
    other.incident_date = None;
    f.file(other, t0()).await;
    let mut filter = ReportFilter::new(Scope::All);
    filter.text = Some("jalan".into());
    filter.order = SortOrder::Oldest;
    let mut seen = Vec::new();
    let mut page = PageRequest::first(4);
    let mut arrived = false;
    loop {
        let p = f.store.list_reports(&filter, &page).await.expect("search");
        seen.extend(p.items.iter().map(|s| s.id));
        if !arrived {
            f.file_road("Jalan rusak yang baru masuk", t0()).await;
            arrived = true;
        }
        match p.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    let mut expected = filed.clone();
    expected.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, expected, "every match once, most recently filed first, newcomers not mixed in");
    assert_eq!(f.store.count_reports(&filter, u64::MAX).await.expect("count"), Count::Exact(18));
}

/// A work queue comes earliest running deadline first, page after page; reports with no
/// running staff deadline come last, and each row carries its deadline and zone.
pub async fn queues_come_in_deadline_order(store: Arc<dyn Store>) {
    let f = Fixture::new(store.clone()).await;
    let monday = f.file_road("Jalan rusak di Sangatta Utara", t0()).await;
    let monday_later = f.file_road("Jalan berlubang di Sangatta Selatan", t0() + Duration::hours(1)).await;
    let sunday = f.file_road("Jembatan retak di Bengalon", t0() - Duration::days(1)).await;
    let verified = f.file_road("Jalan longsor di Rantau Pulung", t0() - Duration::days(2)).await;
    let verified = f.act(&verified, &f.screener, f.verify_to("KAB-64.08"), day(1)).await;
    let archived = f.file_road("Promo pinjaman cepat cair", t0() - Duration::days(3)).await;
    let archived = f
        .act(
            &archived,
            &f.screener,
            Command::Archive { reason: aduan_domain::report::ArchiveReason::Spam, note: None },
            day(0),
        )
        .await;
    let mut filter = ReportFilter::new(Scope::All);
    filter.order = SortOrder::Deadline;
    let mut order = Vec::new();
    let mut rows: Vec<ReportSummary> = Vec::new();
    let mut page = PageRequest::first(1);
    loop {
        let p = store.list_reports(&filter, &page).await.expect("list");
        order.extend(p.items.iter().map(|s| s.id));
        rows.extend(p.items);
        match p.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    assert_eq!(order, vec![sunday.id, monday.id, monday_later.id, verified.id, archived.id]);
    let due = |r: &Report, clock| r.active_clock(clock).map(|d| (d.due_at, d.zone));
    use aduan_domain::deadline::ClockKind;
    assert_eq!(rows[1].due, due(&monday, ClockKind::Verification));
    assert_eq!(rows[3].due, due(&verified, ClockKind::FollowUp));
    assert!(rows[1].due.is_some() && rows[3].due.is_some());
    assert_eq!(rows[4].due, None, "an archived report has no running deadline");
}

/// The reports a filter lists, page after page (for a backend's own tests).
pub async fn listed(store: &Arc<dyn Store>, filter: &ReportFilter) -> BTreeSet<ReportId> {
    ids(store, filter).await
}

/// Roads filed in November, December and January, and a search for "jalan" within
/// December: what the search index must answer however its entries were written (by the
/// store with each report, or rebuilt at start-up after a migration).
pub async fn a_dated_search(f: &Fixture) -> (ReportFilter, BTreeSet<ReportId>) {
    let december = t0() - Duration::days(80);
    let mut want = BTreeSet::new();
    for (title, at) in [
        ("Jalan berlubang di November", december - Duration::days(30)),
        ("Jalan amblas di Desember", december),
        ("Jalan retak di Desember", december + Duration::days(10)),
        ("Jalan licin di Januari", december + Duration::days(40)),
    ] {
        let r = f.file_road(title, at).await;
        if title.ends_with("Desember") {
            want.insert(r.id);
        }
    }
    let mut filter = ReportFilter::new(Scope::All);
    filter.text = Some("jalan".into());
    filter.submitted_from = Some(december - Duration::days(1));
    filter.submitted_before = Some(december + Duration::days(11));
    (filter, want)
}
