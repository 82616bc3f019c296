//! How fast `import_reports` loads reports (the storage benchmark loads a million through
//! it). A measurement, not a pass/fail test:
//! `ADUAN_TEST_POSTGRES_URL=… cargo test --release -p aduan-store-postgres --test import_rate -- --ignored --nocapture`

mod common;

use aduan_domain::lifecycle::Command;
use aduan_domain::report::AnswerKind;
use aduan_store::ImportedReport;
use aduan_store::conformance::Fixture;
use chrono::Duration;
use std::time::Instant;

const REPORTS: usize = 20_000;
const BATCH: usize = 2_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement; run with --ignored --nocapture"]
async fn import_rate() {
    let Some(store) = common::fresh_store("import_rate").await else { return };
    let f = Fixture::new(store).await;
    let t0 = aduan_store::conformance::t0();
    let mut reports = Vec::with_capacity(REPORTS);
    for i in 0..REPORTS {
        let at = t0 + Duration::minutes(i as i64);
        let draft = f.draft(
            &format!("Jalan rusak nomor {i} di Sangatta"),
            "Jalan poros berlubang besar sejak dua bulan, membahayakan pengendara motor.",
            "64.08.01.2001",
            "pupr.jalan",
        );
        let filing = aduan_domain::lifecycle::file(draft, &f.citizen(), f.tracking(), None, &f.ctx(at)).expect("file");
        let (mut report, mut events) = (filing.report, filing.events);
        // Histories of different lengths: filed, forwarded, disposed, answered.
        let steps = [
            f.verify_to("KAB-64.08"),
            Command::Dispose { units: vec![f.org("KAB-64.08/DPUPR")], note: None },
            Command::Respond {
                unit: None,
                answer: AnswerKind::Final,
                text: aduan_store::conformance::text("Sudah ditambal"),
                attachments: vec![],
            },
        ];
        let actors = [f.screener, f.kutim_coordinator, f.pupr_officer];
        for (step, actor) in steps.into_iter().zip(actors).take(1 + i % 3) {
            let t = f.decide(&report, &actor, step, at + Duration::hours(1));
            events.extend(t.events);
            report = t.report;
        }
        reports.push(ImportedReport::new(report, events, &f.calendar, &f.orgs));
    }
    let events: usize = reports.iter().map(|r| r.events.len()).sum();
    let deadlines: usize = reports.iter().map(|r| r.report.deadlines.len()).sum();
    let started = Instant::now();
    for batch in reports.chunks(BATCH) {
        f.store.import_reports(batch).await.expect("import");
    }
    let secs = started.elapsed().as_secs_f64();
    let rows = REPORTS + events + deadlines;
    println!(
        "imported {REPORTS} reports ({events} events, {deadlines} deadlines) in batches of {BATCH}: {secs:.2} s, \
         {:.0} reports/s, {:.0} rows/s",
        REPORTS as f64 / secs,
        rows as f64 / secs
    );
}
