//! Messages written to the outbox by report changes and by the reminder pass, in process
//! on a SQLite file of the test's own.

use aduan_domain::lifecycle::{Command, Draft};
use aduan_domain::notice::{Medium, Message, NoticeKind, subject_of};
use aduan_domain::permission::Actor;
use aduan_domain::report::{AnswerKind, Privacy};
use aduan_domain::sla::Limits;
use aduan_domain::time::{ManualClock, Timestamp};
use aduan_service::{App, AppOptions, Media};
use aduan_store::conformance::{Fixture, day, t0, text};
use aduan_store::{MessageFilter, Store};
use aduan_store_sqlite::SqliteStore;
use chrono::Duration;
use std::sync::Arc;

struct World {
    f: Fixture,
    app: App,
    clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

impl World {
    async fn new(media: Media) -> World {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("aduan.db");
        let store: Arc<dyn Store> = Arc::new(SqliteStore::connect(&path.display().to_string()).await.expect("open"));
        let f = Fixture::new(store.clone()).await;
        let clock = Arc::new(ManualClock::new(t0()));
        let options = AppOptions { media, ..AppOptions::default() };
        let app = App::open_with(store, clock.clone(), Limits::default(), options).await.expect("app");
        World { f, app, clock, _dir: dir }
    }

    async fn all(&self) -> Vec<Message> {
        let mut all = self.app.store().messages(&MessageFilter::default(), 1000).await.expect("messages");
        all.reverse();
        all
    }

    fn draft(&self, privacy: Privacy) -> Draft {
        let mut d =
            self.f.draft("Jalan rusak di Sangatta", "Jalan poros berlubang besar.", "64.08.01.2001", "pupr.jalan");
        d.privacy = privacy;
        d
    }

    async fn act(&self, actor: &Actor, id: aduan_domain::ids::ReportId, command: Command) {
        let report = self.app.store().report(id).await.expect("read").expect("report");
        self.app.act(actor, id, report.version, command).await.expect("action accepted");
    }

    fn at(&self, t: Timestamp) {
        self.clock.set(t);
    }
}

const BOTH: Media = Media { email: true, sms: true };
/// What identifies the fixture's reporter.
const IDENTITY: [&str; 5] = ["Siti Rahma", "siti@example.id", "3456", "6408011234560001", "Bu Siti"];

fn kinds(messages: &[Message]) -> Vec<(NoticeKind, &str)> {
    messages
        .iter()
        .filter(|m| m.message.medium != Medium::Webhook)
        .map(|m| (m.message.kind, m.message.address.as_str()))
        .collect()
}

#[tokio::test]
async fn a_filing_writes_the_receipt_with_the_private_link_and_tells_the_screeners() {
    let w = World::new(BOTH).await;
    let filed = w
        .app
        .file_report(&Actor::Public, w.draft(Privacy { anonymous: true, confidential: false }))
        .await
        .expect("filed");
    let all = w.all().await;
    assert_eq!(
        kinds(&all),
        vec![(NoticeKind::Received, "siti@example.id"), (NoticeKind::NewInQueue, "verif@example.go.id")]
    );
    let receipt = &all[0].message;
    assert_eq!(receipt.report, Some(filed.report.id), "the store sets the new report's id");
    assert_eq!(
        receipt.facts.link.as_deref(),
        Some(format!("/lapor/{}?kunci={}", filed.report.tracking, filed.secret).as_str())
    );
    // The screeners' message says nothing about who filed it.
    let staff = format!("{:?}", all[1].message.facts);
    for id in IDENTITY {
        assert!(!staff.contains(id), "{id} in {staff}");
    }
    assert!(all[1].message.facts.due.is_some(), "the verification deadline, in words");
}

#[tokio::test]
async fn a_reporter_without_email_hears_by_sms_and_nothing_goes_without_a_transport() {
    let w = World::new(BOTH).await;
    let mut draft = w.draft(Privacy::default());
    draft.reporter.email = None;
    w.app.file_report(&Actor::Public, draft.clone()).await.expect("filed");
    let all = w.all().await;
    assert_eq!(all[0].message.kind, NoticeKind::Received);
    assert_eq!((all[0].message.medium, all[0].message.address.as_str()), (Medium::Sms, "+6281234567890"));

    let quiet = World::new(Media::default()).await;
    quiet.app.file_report(&Actor::Public, draft).await.expect("filed");
    assert!(quiet.all().await.is_empty(), "no transport configured, no messages");
}

#[tokio::test]
async fn every_step_tells_the_next_desk_and_the_reporter_and_a_stale_action_writes_nothing() {
    let w = World::new(BOTH).await;
    let f = &w.f;
    let id = w
        .app
        .file_report(&f.citizen(), w.draft(Privacy { anonymous: true, confidential: false }))
        .await
        .expect("filed")
        .report
        .id;
    let before = w.all().await.len();
    w.act(&f.screener, id, f.verify_to("KAB-64.08")).await;
    w.act(&f.kutim_coordinator, id, Command::Dispose { units: vec![f.org("KAB-64.08/DPUPR")], note: None }).await;
    w.act(&f.pupr_officer, id, Command::InternalNote { text: text("Catatan rahasia petugas") }).await;
    w.act(
        &f.pupr_officer,
        id,
        Command::Respond { unit: None, answer: AnswerKind::Final, text: text("Sudah ditambal."), attachments: vec![] },
    )
    .await;
    let all = w.all().await;
    assert_eq!(
        kinds(&all[before..]),
        vec![
            (NoticeKind::Forwarded, "siti@example.id"),
            (NoticeKind::NewInQueue, "kominfo@kutaitimurkab.go.id"),
            (NoticeKind::NewInQueue, "pupr@kutaitimurkab.go.id"),
            (NoticeKind::Answered, "siti@example.id"),
        ]
    );
    for m in &all {
        let facts = format!("{:?}", m.message.facts);
        assert!(!facts.contains("Catatan rahasia"), "an internal note left the building: {facts}");
        if m.message.address != "siti@example.id" {
            for who in IDENTITY {
                assert!(!facts.contains(who), "{who} reached {}: {facts}", m.message.address);
            }
        }
    }

    // A stale form: refused, and neither the change nor a message is written.
    let report = w.app.store().report(id).await.expect("read").expect("report");
    let stale = w.app.act(&f.citizen(), id, report.version - 1, Command::Accept).await;
    assert!(stale.is_err());
    assert_eq!(w.all().await.len(), all.len());
}

#[tokio::test]
async fn a_kind_turned_off_is_not_written() {
    let w = World::new(BOTH).await;
    let store = w.app.store();
    store.set_opt_out(&subject_of(None, "siti@example.id"), NoticeKind::Received, true, t0()).await.expect("opt out");
    store
        .set_opt_out(&subject_of(Some(w.f.screener.person().expect("staff")), ""), NoticeKind::NewInQueue, true, t0())
        .await
        .expect("opt out");
    w.app.file_report(&Actor::Public, w.draft(Privacy::default())).await.expect("filed");
    assert_eq!(kinds(&w.all().await), vec![]);
}

#[tokio::test]
async fn reminders_and_digests_go_once() {
    let w = World::new(BOTH).await;
    let f = &w.f;
    // Filed Monday 09:00 WIB: verification due Thursday.
    let id = w.app.file_report(&Actor::Public, w.draft(Privacy::default())).await.expect("filed").report.id;
    let count = async |kind: NoticeKind| w.all().await.iter().filter(|m| m.message.kind == kind).count();
    assert_eq!(w.app.queue_reminders().await.expect("pass").due_soon, 0, "Monday: on time");
    w.at(day(2) + Duration::hours(1));
    assert_eq!(w.app.queue_reminders().await.expect("pass").due_soon, 1, "Wednesday: due by tomorrow");
    assert_eq!(w.app.queue_reminders().await.expect("pass").due_soon, 0, "once");
    assert_eq!(count(NoticeKind::DueSoon).await, 1);

    w.act(&f.screener, id, f.verify_to("KAB-64.08")).await;
    // The coordinator's digest: once per local working day, from 07:00 WITA.
    w.at(day(3) - Duration::hours(4)); // Thursday 06:00 WITA
    assert_eq!(w.app.queue_reminders().await.expect("pass").digests, 0, "before seven");
    w.at(day(3) - Duration::hours(2)); // Thursday 08:00 WITA
    assert_eq!(w.app.queue_reminders().await.expect("pass").digests, 1);
    assert_eq!(w.app.queue_reminders().await.expect("pass").digests, 0, "once a day");
    let digest = w.all().await.into_iter().find(|m| m.message.kind == NoticeKind::Digest).expect("digest");
    assert_eq!(digest.message.address, "kominfo@kutaitimurkab.go.id");
    assert_eq!(digest.message.facts.items.len(), 1);

    w.act(&f.kutim_coordinator, id, Command::Dispose { units: vec![f.org("KAB-64.08/DPUPR")], note: None }).await;
    w.act(
        &f.pupr_officer,
        id,
        Command::Respond { unit: None, answer: AnswerKind::Final, text: text("Sudah ditambal."), attachments: vec![] },
    )
    .await;
    let report = w.app.store().report(id).await.expect("read").expect("report");
    let closes = report.active_clock(aduan_domain::deadline::ClockKind::AutoClose).expect("auto-close clock").due_at;
    assert_eq!(w.app.queue_reminders().await.expect("pass").closing_soon, 0, "far from closing");
    w.at(closes - Duration::hours(30));
    assert_eq!(w.app.queue_reminders().await.expect("pass").closing_soon, 1);
    assert_eq!(w.app.queue_reminders().await.expect("pass").closing_soon, 0);
    let closing = w.all().await.into_iter().find(|m| m.message.kind == NoticeKind::ClosingSoon).expect("closing");
    assert_eq!(closing.message.address, "siti@example.id");
    assert!(closing.message.facts.due.as_deref().is_some_and(|d| d.contains("WITA")), "in the instansi's time");
}
