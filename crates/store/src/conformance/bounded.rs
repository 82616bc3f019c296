//! Lists and searches over more reports than one page may read ([`crate::plan::SCAN_LIMIT`]):
//! pages stay bounded, and walking them loses nothing and shows nothing it should not.

use super::fixture::{Fixture, day, t0};
use crate::plan::SCAN_LIMIT;
use crate::{Count, ImportedReport, PageRequest, ReportFilter, Scope, Store};
use aduan_domain::ids::ReportId;
use aduan_domain::report::{Channel, Privacy};
use aduan_domain::status::Status;
use chrono::Duration;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Every row of the filter's list, page by page; checks each page's size and order.
async fn walk(store: &Arc<dyn Store>, filter: &ReportFilter, limit: u32) -> (BTreeSet<ReportId>, usize, usize) {
    let (mut out, mut pages, mut short) = (BTreeSet::new(), 0, 0);
    let mut page = PageRequest::first(limit);
    loop {
        let p = store.list_reports(filter, &page).await.expect("list");
        pages += 1;
        assert!(p.items.len() <= limit as usize);
        if p.next.is_some() && p.items.len() < limit as usize {
            short += 1;
        }
        for s in &p.items {
            assert!(out.insert(s.id), "{} came twice", s.id);
        }
        match p.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
        assert!(pages < 500, "the walk does not end");
    }
    (out, pages, short)
}

/// 5,000 verified road reports in Kutai Timur (every 500th also naming Kintamani, every
/// 700th sent by SMS, a few confidential), then a flood of 2,500 unverified ones naming
/// the same words, filed last.
pub async fn bounded_reads_lose_nothing_and_pass_a_flood(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let verified = 5_000;
    let mut batch = Vec::new();
    let (mut kintamani, mut sms, mut public_jalan) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for i in 0..verified {
        let at = t0() - Duration::minutes(10 * (verified - i));
        let mut draft = f.draft(
            &format!("Jalan rusak nomor {i}"),
            if i % 500 == 0 {
                "Jalan menuju Kintamani berlubang besar sejak dua bulan."
            } else {
                "Jalan poros berlubang besar sejak dua bulan lalu."
            },
            "64.08.01.2001",
            "pupr.jalan",
        );
        draft.incident_date = None;
        draft.channel = if i % 700 == 0 { Channel::Sms } else { Channel::Web };
        draft.privacy = Privacy { anonymous: false, confidential: i % 1_000 == 1 };
        // An SMS arrives through staff, who enter it.
        let filer = if draft.channel == Channel::Sms { f.screener } else { f.citizen() };
        let filing = aduan_domain::lifecycle::file(draft, &filer, f.tracking(), None, &f.ctx(at)).expect("file");
        let t = f.decide(&filing.report, &f.screener, f.verify_to("KAB-64.08"), at + Duration::minutes(5));
        let mut events = filing.events;
        events.extend(t.events);
        batch.push(ImportedReport::new(t.report, events, &f.calendar, &f.orgs));
    }
    f.store.import_reports(&batch).await.expect("import");
    let mut flood = Vec::new();
    for i in 0..2_500 {
        let draft = f.draft(
            &format!("Jalan Kintamani promo {i}"),
            "Jalan Kintamani klik tautan ini sekarang.",
            "64.08",
            "pupr.jalan",
        );
        let filing =
            aduan_domain::lifecycle::file(draft, &f.citizen(), f.tracking(), None, &f.ctx(day(1))).expect("file");
        flood.push(ImportedReport::new(filing.report, filing.events, &f.calendar, &f.orgs));
    }
    f.store.import_reports(&flood).await.expect("flood");
    f.store.refresh_statistics().await.expect("statistics");
    // The server's hourly housekeeping changes nothing a list reads.
    f.store.maintain().await.expect("housekeeping");
    // Which stored report is which: the fixture stored no other, and an import's ids
    // follow its order.
    let everything = walk(&f.store, &ReportFilter::new(Scope::All), 200).await.0;
    assert_eq!(everything.len(), batch.len() + flood.len());
    for (i, (id, item)) in everything.iter().zip(&batch).enumerate() {
        let r = &item.report;
        if r.privacy.confidential {
            continue;
        }
        public_jalan.insert(*id);
        if i % 500 == 0 {
            kintamani.insert(*id);
        }
        if r.channel == Channel::Sms {
            sms.insert(*id);
        }
    }

    // A public search of a common word: the flood is never read, the first page is full,
    // and the pages hold exactly the public reports with the word.
    let mut search = ReportFilter::new(Scope::Public);
    search.text = Some("jalan".into());
    let first = f.store.list_reports(&search, &PageRequest::first(50)).await.expect("search");
    assert_eq!(first.items.len(), 50, "a full first page despite the flood");
    assert!(first.items.iter().all(|s| s.status.is_verified() && !s.privacy.confidential));
    assert_eq!(walk(&f.store, &search, 200).await.0, public_jalan);
    // A rare word: exactly its reports, none of the flood's.
    search.text = Some("kintamani".into());
    assert_eq!(walk(&f.store, &search, 50).await.0, kintamani);
    // Within a staff member's scope and queue tab (the flood waits at the national desk).
    let mut queue = ReportFilter::new(Scope::Within(f.org("KAB-64.08")));
    queue.statuses = vec![Status::Forwarded];
    queue.text = Some("kintamani".into());
    assert_eq!(walk(&f.store, &queue, 50).await.0, kintamani);
    // The national screener's queue holds the flood, newest first.
    let mut screening = ReportFilter::new(Scope::All);
    screening.statuses = vec![Status::Submitted];
    screening.text = Some("kintamani".into());
    assert_eq!(f.store.list_reports(&screening, &PageRequest::first(50)).await.expect("list").items.len(), 50);

    // A filter matched by few reports spread along a long path: pages may come back
    // short, with a cursor to go on, and together hold exactly its reports.
    let mut rare = ReportFilter::new(Scope::Public);
    rare.region = aduan_domain::region::RegionCode::parse("64.08").ok();
    rare.channel = Some(Channel::Sms);
    let (found, pages, short) = walk(&f.store, &rare, 20).await;
    assert_eq!(found, sms);
    assert!(short > 0, "some page stopped at the reading limit");
    assert!(pages <= (verified as usize / SCAN_LIMIT as usize) + 2, "{pages} pages");

    // A search narrowed by what only a report's row holds (its last change): the newest
    // matches are read and left out (pages may come back short, with a cursor), and the
    // walk finds exactly the older ones.
    let bound = t0() - Duration::minutes(10 * (verified - 700));
    let mut older = ReportFilter::new(Scope::Public);
    older.text = Some("jalan".into());
    older.updated_before = Some(bound);
    let want: BTreeSet<ReportId> = everything
        .iter()
        .zip(&batch)
        .filter(|(_, item)| item.report.updated_at < bound && !item.report.privacy.confidential)
        .map(|(id, _)| *id)
        .collect();
    assert!(!want.is_empty());
    assert_eq!(walk(&f.store, &older, 50).await.0, want);

    // Counts stop where they are told, and say so; counted to the end they are exact.
    search.text = Some("jalan".into());
    assert_eq!(f.store.count_reports(&search, 1_000).await.expect("count"), Count::AtLeast(1_000));
    assert_eq!(f.store.count_reports(&search, u64::MAX).await.expect("count"), Count::Exact(public_jalan.len() as u64));
    assert_eq!(f.store.count_reports(&rare, u64::MAX).await.expect("count"), Count::Exact(sms.len() as u64));
    let public = ReportFilter::new(Scope::Public);
    assert_eq!(f.store.count_reports(&public, 10).await.expect("count"), Count::AtLeast(10));
}
