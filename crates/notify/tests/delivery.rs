//! The outbox worker end to end: report changes write messages, the worker sends them
//! through a real SMTP server (aiosmtpd), a real HTTP SMS gateway and real webhook
//! receivers, across outages, retries and several workers on one PostgreSQL database.

mod support;

use aduan_domain::deadline::ClockKind;
use aduan_domain::ids::{MessageId, ReportId};
use aduan_domain::lifecycle::{Command, Draft};
use aduan_domain::notice::{DeliveryState, Medium, Message, NoticeKind};
use aduan_domain::permission::Actor;
use aduan_domain::report::{AnswerKind, ArchiveReason, Privacy};
use aduan_domain::sla::Limits;
use aduan_domain::time::ManualClock;
use aduan_notify::render::{Links, render};
use aduan_notify::transport::{BodyEncoding, GatewaySettings, Mailer, SmsGateway, WebhookSender, webhook};
use aduan_notify::worker::{Delivered, DeliveryOptions, Transports, Worker};
use aduan_service::{App, AppOptions, Media};
use aduan_store::conformance::{Fixture, t0, text};
use aduan_store::{MessageFilter, Store};
use aduan_store_sqlite::SqliteStore;
use chrono::Duration;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration as StdDuration;
use support::{HttpRecorder, Reply, SmtpServer};

const BASE: &str = "https://lapor.example.go.id";
/// What identifies the fixture's reporter.
const IDENTITY: [&str; 5] = ["Siti Rahma", "siti@example.id", "3456", "6408011234560001", "Bu Siti"];

struct World {
    f: Fixture,
    app: Arc<App>,
    clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

impl World {
    async fn sqlite() -> World {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("aduan.db");
        let store: Arc<dyn Store> = Arc::new(SqliteStore::connect(&path.display().to_string()).await.expect("open"));
        let f = Fixture::new(store.clone()).await;
        let (app, clock) = open(store).await;
        World { f, app, clock, _dir: dir }
    }

    fn draft(&self, privacy: Privacy) -> Draft {
        let mut d =
            self.f.draft("Jalan rusak di Sangatta", "Jalan poros berlubang besar.", "64.08.01.2001", "pupr.jalan");
        d.privacy = privacy;
        d
    }

    async fn file(&self, draft: Draft) -> ReportId {
        self.app.file_report(&Actor::Public, draft).await.expect("filed").report.id
    }

    async fn act(&self, actor: &Actor, id: ReportId, command: Command) {
        act(&self.app, actor, id, command).await;
    }

    async fn outbox(&self) -> Vec<Message> {
        self.app.store().messages(&MessageFilter::default(), 1000).await.expect("messages")
    }
}

async fn open(store: Arc<dyn Store>) -> (Arc<App>, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(t0()));
    let options = AppOptions { media: Media { email: true, sms: true }, ..AppOptions::default() };
    let app = App::open_with(store, clock.clone(), Limits::default(), options).await.expect("app");
    (Arc::new(app), clock)
}

async fn act(app: &App, actor: &Actor, id: ReportId, command: Command) {
    let report = app.store().report(id).await.expect("read").expect("report");
    app.act(actor, id, report.version, command).await.expect("action accepted");
}

fn options(holder: &str) -> DeliveryOptions {
    DeliveryOptions {
        holder: holder.into(),
        base_url: BASE.into(),
        batch: 50,
        backoff: StdDuration::from_secs(60),
        max_attempts: 3,
        ..DeliveryOptions::default()
    }
}

fn transports(smtp: Option<&SmtpServer>, sms: Option<&HttpRecorder>) -> Transports {
    Transports {
        mailer: smtp.map(|s| Mailer::new(&s.settings()).expect("mailer")),
        sms: sms.map(|h| {
            SmsGateway::new(&GatewaySettings {
                url: h.url("/sms"),
                method: "POST".into(),
                headers: vec![("Authorization".into(), "Bearer rahasia-gateway".into())],
                body: Some(r#"{"to":"{to}","message":"{text}","ref":"{id}"}"#.into()),
                encoding: BodyEncoding::Json,
                timeout: StdDuration::from_secs(5),
            })
            .expect("gateway")
        }),
        webhooks: WebhookSender::new(StdDuration::from_secs(5)).expect("webhook client"),
    }
}

/// Passes until nothing is claimed.
async fn drain(worker: &Worker) -> Delivered {
    let mut total = Delivered::default();
    loop {
        let d = worker.tick().await.expect("pass");
        if d.claimed() == 0 {
            return total;
        }
        total.sent += d.sent;
        total.retried += d.retried;
        total.failed += d.failed;
        total.lost += d.lost;
    }
}

fn ids_of(mails: &[support::ReceivedMail]) -> Vec<String> {
    let mut ids: Vec<String> = mails.iter().filter_map(|m| m.message_id().map(str::to_string)).collect();
    ids.sort();
    ids
}

fn expected_ids(outbox: &[Message], medium: Medium) -> Vec<String> {
    let mut ids: Vec<String> = outbox
        .iter()
        .filter(|m| m.message.medium == medium)
        .map(|m| format!("<aduan-{}@example.go.id>", m.id))
        .collect();
    ids.sort();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mail_arrives_exactly_once_across_an_smtp_outage() {
    let w = World::sqlite().await;
    let f = &w.f;
    let mut smtp = SmtpServer::start();
    let worker = Worker::new(w.app.clone(), transports(Some(&smtp), None), options("a"));

    let id = w.file(w.draft(Privacy::default())).await;
    let first = drain(&worker).await;
    assert_eq!(first.sent, 2, "the receipt and the screeners' notice");
    smtp.wait_for_messages(2, StdDuration::from_secs(10));

    // The server goes down while the report moves on.
    smtp.stop();
    w.act(&f.screener, id, f.verify_to("KAB-64.08")).await;
    w.act(&f.kutim_coordinator, id, Command::Dispose { units: vec![f.org("KAB-64.08/DPUPR")], note: None }).await;
    let down = drain(&worker).await;
    assert_eq!((down.sent, down.retried), (0, 3), "each waits for a retry");
    let waiting = MessageFilter { state: Some(DeliveryState::Pending), ..MessageFilter::default() };
    let pending = w.app.store().messages(&waiting, 100).await.expect("pending");
    assert!(pending.iter().all(|m| m.attempts == 1 && m.last_error.is_some()), "{pending:?}");
    w.act(
        &f.pupr_officer,
        id,
        Command::Respond { unit: None, answer: AnswerKind::Final, text: text("Sudah ditambal."), attachments: vec![] },
    )
    .await;

    // Back up: nothing goes before the backoff, then everything goes once.
    smtp.restart();
    let early = drain(&worker).await;
    assert_eq!(early.sent, 1, "only the answer, which never failed, goes before the backoff ends");
    w.clock.advance(Duration::minutes(2));
    let later = drain(&worker).await;
    assert_eq!((later.sent, later.retried, later.failed), (3, 0, 0));
    assert_eq!(drain(&worker).await, Delivered::default(), "nothing left");

    let outbox = w.outbox().await;
    assert!(outbox.iter().all(|m| m.state == DeliveryState::Sent), "{outbox:?}");
    let mails = smtp.wait_for_messages(6, StdDuration::from_secs(10));
    assert_eq!(ids_of(&mails), expected_ids(&outbox, Medium::Email), "each message once, by its outbox id");

    // The receipt carries the private link; the officer's mail carries no reporter.
    let receipt = mails.iter().find(|m| m.envelope_to() == Some("siti@example.id")).expect("receipt");
    assert!(receipt.text().is_some_and(|t| t.contains("kunci=")), "{:?}", receipt.text());
    assert!(receipt.header("List-Unsubscribe").is_some_and(|u| u.contains("/berhenti/")));
    for mail in mails.iter().filter(|m| m.envelope_to() != Some("siti@example.id")) {
        for who in IDENTITY {
            assert!(!mail.raw.contains(who), "{who} reached {:?}", mail.envelope_to());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_is_parked_after_its_attempts_and_sent_again_by_the_admin() {
    let w = World::sqlite().await;
    let mut smtp = SmtpServer::start();
    smtp.stop();
    let worker = Worker::new(w.app.clone(), transports(Some(&smtp), None), options("a"));
    w.file(w.draft(Privacy::default())).await;
    for _ in 0..3 {
        drain(&worker).await;
        w.clock.advance(Duration::hours(1));
    }
    let failed = MessageFilter { state: Some(DeliveryState::Failed), ..MessageFilter::default() };
    let parked = w.app.outbox_messages(&Actor::System, &failed, 10).await.expect("failed list");
    assert_eq!(parked.len(), 2, "both messages parked after three attempts");
    assert!(parked.iter().all(|m| m.attempts == 3));

    // Only the deployment's admin may send again; a coordinator may not.
    assert!(w.app.resend_message(&w.f.kutim_coordinator, parked[0].id).await.is_err());
    assert!(w.app.resend_message(&Actor::System, MessageId(9999)).await.is_err());
    for m in &parked {
        w.app.resend_message(&Actor::System, m.id).await.expect("resend");
    }
    assert!(w.app.resend_message(&Actor::System, parked[0].id).await.is_err(), "only a failed one");
    smtp.restart();
    assert_eq!(drain(&worker).await.sent, 2);
    assert_eq!(smtp.wait_for_messages(2, StdDuration::from_secs(10)).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sms_for_a_reporter_without_email_and_signed_webhooks_with_retries() {
    let w = World::sqlite().await;
    let gateway = HttpRecorder::start().await;
    let receiver = HttpRecorder::start().await;
    let hook = w
        .app
        .register_webhook(&Actor::System, w.f.org("KAB-64.08"), &receiver.url("/aduan"), &["verified".into()])
        .await
        .expect("webhook");
    let worker = Worker::new(w.app.clone(), transports(None, Some(&gateway)), options("a"));

    let mut draft = w.draft(Privacy { anonymous: true, confidential: false });
    draft.reporter.email = None;
    let id = w.file(draft).await;
    // The screeners have e-mail only, and no SMTP is configured here: parked at once.
    let d = drain(&worker).await;
    assert_eq!((d.sent, d.failed), (1, 1));
    let sms = gateway.wait_for_requests(1, StdDuration::from_secs(5)).await;
    let body = sms[0].json();
    assert_eq!(body["to"], "+6281234567890");
    assert!(body["message"].as_str().is_some_and(|m| m.contains("kunci=")), "{body}");
    assert_eq!(sms[0].header("authorization"), Some("Bearer rahasia-gateway"));

    // The regency's webhook hears of the verification only (what it asked for); the
    // first delivery meets a 500 and is retried with the same delivery id.
    receiver.respond_with([Reply::new(500, "sibuk")]);
    w.act(&w.f.screener, id, w.f.verify_to("KAB-64.08")).await;
    let d = drain(&worker).await;
    assert_eq!((d.sent, d.retried), (1, 1), "the reporter's SMS goes, the webhook waits");
    w.clock.advance(Duration::minutes(2));
    assert_eq!(drain(&worker).await.sent, 1);
    let deliveries = receiver.wait_for_requests(2, StdDuration::from_secs(5)).await;
    assert_eq!(deliveries.len(), 2);
    assert_eq!(deliveries[0].header("x-aduan-delivery"), deliveries[1].header("x-aduan-delivery"));
    for d in &deliveries {
        let signature = d.header("x-aduan-signature").expect("signed");
        let now = w.clock_now();
        assert!(webhook::verify(&hook.secret, signature, &d.body, now, 300), "signature verifies");
        assert!(!webhook::verify(&hook.secret, signature, &d.body.replace("verified", "archived"), now, 300));
        assert_eq!(d.json()["event"], "verified");
        for who in IDENTITY {
            assert!(!d.body.contains(who), "{who} in a webhook body");
        }
    }
    let listed = w.app.webhook_deliveries(&Actor::System, hook.id, 10).await.expect("deliveries");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].state, DeliveryState::Sent);
    assert!(listed[0].response.as_deref().is_some_and(|r| r.starts_with("200")), "{:?}", listed[0].response);
}

impl World {
    fn clock_now(&self) -> i64 {
        self.app.now().timestamp()
    }
}

/// Every message a whole journey writes, rendered: what reaches staff never names an
/// anonymous reporter, and what reaches the reporter never carries an internal note.
#[tokio::test]
async fn no_rendered_message_carries_what_its_reader_may_not_see() {
    let w = World::sqlite().await;
    let f = &w.f;
    let id = w.file(w.draft(Privacy { anonymous: true, confidential: false })).await;
    w.act(&f.screener, id, Command::RequestInfo { question: text("Di km berapa?") }).await;
    let reporter = Actor::ReportLink(id);
    w.act(&reporter, id, Command::Reply { text: text("Km 12."), attachments: vec![] }).await;
    w.act(&f.screener, id, f.verify_to("KAB-64.08")).await;
    w.act(&f.kutim_coordinator, id, Command::Dispose { units: vec![f.org("KAB-64.08/DPUPR")], note: None }).await;
    w.act(&f.pupr_officer, id, Command::InternalNote { text: text("Catatan rahasia petugas") }).await;
    w.act(
        &f.pupr_officer,
        id,
        Command::Respond { unit: None, answer: AnswerKind::Final, text: text("Sudah ditambal."), attachments: vec![] },
    )
    .await;
    w.act(&reporter, id, Command::Accept).await;
    // A second report archived; a third left to run late: reminded, then marked missed.
    let spam = w.file(w.draft(Privacy { anonymous: true, confidential: false })).await;
    w.act(&f.screener, spam, Command::Archive { reason: ArchiveReason::Spam, note: None }).await;
    let late = w.file(w.draft(Privacy { anonymous: true, confidential: false })).await;
    // One left open with the coordinator, for the digest.
    let open = w.file(w.draft(Privacy { anonymous: true, confidential: false })).await;
    w.act(&f.screener, open, f.verify_to("KAB-64.08")).await;
    w.clock.set(aduan_store::conformance::day(2) + Duration::hours(1));
    w.app.queue_reminders().await.expect("reminders");
    w.clock.set(aduan_store::conformance::day(5));
    let report = w.app.store().report(late).await.expect("read").expect("report");
    let seq = report.active_clock(ClockKind::Verification).expect("verification clock").seq;
    w.act(&Actor::System, late, Command::MarkOverdue { seq }).await;

    let mut seen: HashMap<NoticeKind, usize> = HashMap::new();
    for m in w.outbox().await.iter().filter(|m| m.message.medium != Medium::Webhook) {
        let links = Links { base_url: BASE, unsubscribe: Some("https://x/berhenti/t"), preferences: None };
        let r = render(&m.message, &links).expect("renders");
        let all = format!("{}\n{}\n{}\n{}", r.subject, r.text, r.html, r.short);
        *seen.entry(m.message.kind).or_default() += 1;
        let named = m.message.facts.tracking.as_deref().or(m.message.facts.items.first().map(|i| i.tracking.as_str()));
        assert!(named.is_some_and(|t| all.contains(t)), "a {:?} does not name its report:\n{all}", m.message.kind);
        assert!(!all.contains("Catatan rahasia"), "an internal note in a {:?}", m.message.kind);
        if m.message.address != "siti@example.id" {
            for who in IDENTITY {
                assert!(!all.contains(who), "{who} in a {:?} to {}", m.message.kind, m.message.address);
            }
        }
    }
    for kind in [
        NoticeKind::Received,
        NoticeKind::InfoRequested,
        NoticeKind::Forwarded,
        NoticeKind::Answered,
        NoticeKind::Closed,
        NoticeKind::NewInQueue,
        NoticeKind::Archived,
        NoticeKind::DueSoon,
        NoticeKind::DeadlineMissed,
        NoticeKind::Digest,
    ] {
        assert!(seen.contains_key(&kind), "{kind:?} not written: {seen:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn several_workers_on_one_postgres_database_send_each_message_once() {
    use aduan_store_postgres::{PgOptions, PgStore, scratch};
    let Some(server) = scratch::test_server() else { return };
    let db = scratch::recreate(&server, "aduan_test_outbox_workers").await.expect("database");
    let pool = || PgStore::connect_with(db.clone(), PgOptions { max_connections: 4, ..PgOptions::default() });
    let first: Arc<dyn Store> = Arc::new(pool().await.expect("first pool"));
    let f = Fixture::new(first.clone()).await;
    let smtp = SmtpServer::start();
    // Three processes' worth: each its own pool, application and worker.
    let mut workers = Vec::new();
    let mut apps = Vec::new();
    for name in ["satu", "dua", "tiga"] {
        let store: Arc<dyn Store> = Arc::new(pool().await.expect("pool"));
        let (app, _) = open(store).await;
        workers.push(Arc::new(Worker::new(
            app.clone(),
            transports(Some(&smtp), None),
            DeliveryOptions { batch: 3, ..options(name) },
        )));
        apps.push(app);
    }
    let app = &apps[0];
    for i in 0..15 {
        let mut draft = f.draft(
            &format!("Jalan rusak nomor {i}"),
            "Jalan berlubang besar di tengah kota.",
            "64.08.01.2001",
            "pupr.jalan",
        );
        draft.privacy = Privacy::default();
        let id = app.file_report(&Actor::Public, draft).await.expect("filed").report.id;
        act(app, &f.screener, id, f.verify_to("KAB-64.08")).await;
    }
    let written = app.store().messages(&MessageFilter::default(), 1000).await.expect("outbox");
    assert_eq!(written.len(), 60, "per report: receipt, screeners, forwarded, coordinator");

    let runs: Vec<_> = workers
        .iter()
        .map(|w| {
            let w = w.clone();
            tokio::spawn(async move { drain(&w).await })
        })
        .collect();
    let mut sent = 0;
    let mut busy = 0;
    for run in runs {
        let d = run.await.expect("worker");
        sent += d.sent;
        busy += usize::from(d.sent > 0);
        assert_eq!((d.failed, d.lost), (0, 0));
    }
    assert_eq!(sent, 60, "each message sent once in all");
    assert!(busy >= 2, "the work was shared");
    let mails = smtp.wait_for_messages(60, StdDuration::from_secs(20));
    let outbox = app.store().messages(&MessageFilter::default(), 1000).await.expect("outbox");
    assert_eq!(ids_of(&mails), expected_ids(&outbox, Medium::Email), "no Message-ID twice");
    app.store().close().await;
}
