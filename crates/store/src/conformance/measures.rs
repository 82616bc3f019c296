//! Evaluation cells: every write path (filing, transition, import) keeps them equal to the
//! sum of the stored reports' contributions; a refused change leaves them alone.

use super::fixture::{Fixture, day, t0, text};
use crate::{CellQuery, ImportedReport, Store, StoreError};
use aduan_domain::ids::ReportId;
use aduan_domain::lifecycle::Command;
use aduan_domain::measures::{Cells, Cube, Figures, Filter, Period, contribution, figures_direct};
use aduan_domain::report::{AnswerKind, ArchiveReason, Report};
use std::sync::Arc;

/// Every stored cell, read cube by cube.
async fn stored_cells(f: &Fixture) -> Cells {
    let mut orgs: Vec<_> = f.orgs.iter().map(|o| Some(o.id)).collect();
    orgs.push(None);
    let (from, to) = (Period::new(2000, 1).expect("month"), Period::new(2100, 12).expect("month"));
    let mut all = Cells::new();
    for cube in Cube::ALL {
        let query = CellQuery { cube, orgs: orgs.clone(), from, to };
        all.add(&f.store.measure_cells(&query).await.expect("cells"));
    }
    all
}

async fn all_reports(f: &Fixture) -> Vec<Report> {
    let mut reports = Vec::new();
    let mut after = ReportId(0);
    loop {
        let ids = f.store.report_ids_after(after, 7).await.expect("ids");
        let Some(last) = ids.last() else { break };
        after = *last;
        for id in ids {
            reports.push(f.store.report(id).await.expect("load").expect("found"));
        }
    }
    reports
}

/// The cells a recount from the stored reports gives.
async fn recounted(f: &Fixture) -> Cells {
    let reports = all_reports(f).await;
    let parts: Vec<Cells> = reports.iter().map(|r| contribution(r, &f.calendar, &f.orgs)).collect();
    Cells::sum(&parts)
}

pub async fn measure_cells_follow_every_change(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    assert!(stored_cells(&f).await.is_empty());

    // Filed, then carried through the lifecycle.
    let a = f.file_road("Jalan rusak di Sangatta Utara", t0()).await;
    let a = f.act(&a, &f.screener, f.verify_to("KAB-64.08"), day(1)).await;
    let units = vec![f.org("KAB-64.08/DPUPR")];
    let a = f.act(&a, &f.kutim_coordinator, Command::Dispose { units, note: None }, day(2)).await;
    let answer = Command::Respond { unit: None, answer: AnswerKind::Final, text: text("Sudah"), attachments: vec![] };
    let a = f.act(&a, &f.pupr_officer, answer, day(3)).await;
    let a = f.act(&a, &f.citizen(), Command::Accept, day(5)).await;
    let a = f.act(&a, &f.citizen(), Command::Rate { stars: 2, comment: None }, day(5)).await;
    // Archived at screening.
    let b = f.file_road("Laporan tidak jelas isinya", t0()).await;
    let archive = Command::Archive { reason: ArchiveReason::Incomplete, note: None };
    f.act(&b, &f.screener, archive, day(1)).await;
    // Still waiting, in the next month.
    f.file_road("Lampu jalan mati di Sangatta", day(40)).await;
    assert_eq!(stored_cells(&f).await, recounted(&f).await, "filings and transitions");

    // A stale transition is refused and the cells stay as they were.
    let before = stored_cells(&f).await;
    let stale = f.decide(&a, &f.citizen(), Command::Appeal { reason: text("Rusak lagi") }, day(6));
    f.act(&a, &f.citizen(), Command::Appeal { reason: text("Rusak lagi lagi") }, day(6)).await;
    let moved = stored_cells(&f).await;
    assert_ne!(moved, before, "the appeal changed the cells");
    assert!(matches!(f.store.apply(&stale).await, Err(StoreError::Stale(_))));
    assert_eq!(stored_cells(&f).await, moved, "a refused change adds nothing");

    // Imports add theirs.
    let mut batch = Vec::new();
    for i in 0..12 {
        let mut filing = f.filing(&format!("Laporan impor nomor {i}"), day(i));
        if i % 3 == 0 {
            let t = f.decide(&filing.report, &f.screener, f.verify_to("KAB-64.08"), day(i + 1));
            filing.events.extend(t.events);
            filing.report = t.report;
        }
        batch.push(ImportedReport::new(filing.report, filing.events, &f.calendar, &f.orgs));
    }
    f.store.import_reports(&batch).await.expect("import");
    let cells = stored_cells(&f).await;
    assert_eq!(cells, recounted(&f).await, "after an import");

    // The national headline figures from cells equal a direct count.
    let (from, to) = (Period::new(2026, 1).expect("month"), Period::new(2026, 12).expect("month"));
    let filter = Filter::total(None, from, to);
    let reports = all_reports(&f).await;
    assert_eq!(reports.len(), 15);
    assert_eq!(Figures::from_counters(&cells.total(&filter)), figures_direct(&reports, &filter, &f.calendar, &f.orgs));
    assert_eq!(cells.total(&filter).get(aduan_domain::measures::Field::Submitted), 15);

    // A rebuild writes exactly what it is given.
    f.store.replace_measures(&Cells::new()).await.expect("clear");
    assert!(stored_cells(&f).await.is_empty());
    f.store.replace_measures(&cells).await.expect("rebuild");
    assert_eq!(stored_cells(&f).await, cells);
}

/// A query reads only its cube, organisations and months.
pub async fn measure_queries_select_cube_orgs_and_months(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    f.file_road("Jalan rusak bulan Maret", t0()).await;
    f.file_road("Jalan rusak bulan April", day(31)).await;
    let march = Period::new(2026, 3).expect("month");
    let april = Period::new(2026, 4).expect("month");
    let desk = f.org("NASIONAL");
    let read = |cube, orgs, from, to| {
        let store = Arc::clone(&f.store);
        async move { store.measure_cells(&CellQuery { cube, orgs, from, to }).await.expect("cells") }
    };
    let national = read(Cube::Total, vec![None], march, april).await;
    assert_eq!(national.len(), 2, "one headline cell per month");
    assert!(national.iter().all(|(k, _)| k.org.is_none()));
    assert_eq!(read(Cube::Total, vec![None], april, april).await.len(), 1);
    let desk_cells = read(Cube::Total, vec![Some(desk)], march, april).await;
    assert_eq!(desk_cells.len(), 2, "{desk_cells:?}");
    assert!(desk_cells.iter().all(|(k, _)| k.org == Some(desk)));
    let channels = read(Cube::Channel, vec![None, Some(desk)], march, march).await;
    assert!(channels.iter().all(|(k, _)| k.breakdown.cube() == Cube::Channel && k.period == march));
    assert_eq!(channels.len(), 2);
    assert!(read(Cube::Total, vec![], march, april).await.is_empty());
}
