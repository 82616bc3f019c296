//! What the scheduler needs: due reports and leases.

use super::fixture::{Fixture, day, t0};
use crate::Store;
use aduan_domain::deadline::ClockKind;
use aduan_domain::lifecycle::{Command, due_commands};
use aduan_domain::permission::Actor;
use aduan_domain::report::AnswerKind;
use chrono::Duration;
use std::sync::Arc;

pub async fn due_reports_and_leases(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let a = f.file_road("Jalan rusak pertama di Sangatta", t0()).await;
    let b = f.file_road("Jalan rusak kedua di Sangatta", t0() + Duration::hours(1)).await;
    let b = f.act(&b, &f.screener, f.verify_to("KAB-64.08"), day(1)).await;
    let b = f
        .act(&b, &f.kutim_coordinator, Command::Dispose { units: vec![f.org("KAB-64.08/DPUPR")], note: None }, day(1))
        .await;
    let b_answer = Command::Respond {
        unit: None,
        answer: AnswerKind::Final,
        text: super::fixture::text("Selesai"),
        attachments: vec![],
    };
    let b = f.act(&b, &f.pupr_officer, b_answer, day(1)).await;
    // Nothing is due at the start.
    assert!(f.store.due_reports(t0(), 10).await.expect("due").is_empty());
    let a_due = a.active_clock(ClockKind::Verification).expect("clock").due_at;
    let b_due = b.active_clock(ClockKind::AutoClose).expect("clock").due_at;
    assert!(a_due < b_due);
    assert_eq!(f.store.due_reports(a_due, 10).await.expect("due"), vec![], "due means past due");
    let later = b_due + Duration::seconds(1);
    assert_eq!(f.store.due_reports(later, 10).await.expect("due"), vec![a.id, b.id], "most overdue first");
    assert_eq!(f.store.due_reports(later, 1).await.expect("due"), vec![a.id]);
    // Acting on them removes them from the list.
    for id in [a.id, b.id] {
        let mut r = f.store.report(id).await.expect("load").expect("found");
        loop {
            let cmds = due_commands(&r, &f.ctx(later));
            let Some(cmd) = cmds.into_iter().next() else { break };
            r = f.act(&r, &Actor::System, cmd, later).await;
        }
    }
    assert!(f.store.due_reports(later, 10).await.expect("due").is_empty());

    // Leases: one holder at a time, renewable by its holder, free after expiry.
    let until = t0() + Duration::seconds(30);
    assert!(f.store.try_lease("jobs", "node-a", t0(), until).await.expect("lease"));
    assert!(!f.store.try_lease("jobs", "node-b", t0(), until).await.expect("lease"));
    assert!(f.store.try_lease("jobs", "node-a", t0(), until + Duration::seconds(30)).await.expect("renew"));
    assert!(!f.store.try_lease("jobs", "node-b", until + Duration::seconds(1), until).await.expect("still held"));
    assert!(
        f.store
            .try_lease("jobs", "node-b", until + Duration::seconds(61), until + Duration::seconds(90))
            .await
            .expect("expired")
    );
    f.store.release_lease("jobs", "node-a").await.expect("release by a non-holder is a no-op");
    assert!(!f.store.try_lease("jobs", "node-a", until + Duration::seconds(62), until).await.expect("b holds it"));
    f.store.release_lease("jobs", "node-b").await.expect("release");
    assert!(
        f.store
            .try_lease("jobs", "node-a", until + Duration::seconds(63), until + Duration::seconds(99))
            .await
            .expect("free")
    );
}
