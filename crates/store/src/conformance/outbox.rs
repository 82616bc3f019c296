//! The outbox, webhooks, notice opt-outs, account tokens and confirmed addresses.

use super::fixture::{Fixture, day, t0};
use crate::{IdempotencyKey, MessageFilter, Store, StoreError};
use aduan_domain::ids::{MessageId, OrgId, PersonId, ReportId, WebhookId};
use aduan_domain::lifecycle::Command;
use aduan_domain::notice::{
    DeliveryState, DigestItem, Facts, Medium, Message, NewAccountToken, NewMessage, NewWebhook, NoticeKind,
    TokenPurpose, Webhook, subject_of,
};
use aduan_domain::person::Locale;
use aduan_domain::time::Timestamp;
use chrono::Duration;
use std::collections::BTreeSet;
use std::sync::Arc;

fn message(kind: NoticeKind, medium: Medium, address: &str, report: Option<ReportId>, at: Timestamp) -> NewMessage {
    NewMessage {
        kind,
        medium,
        address: address.into(),
        locale: Locale::Id,
        person: None,
        report,
        webhook: None,
        facts: Facts {
            tracking: Some("ADU-2026-0001".into()),
            title: Some("Jalan rusak".into()),
            status: Some("submitted".into()),
            ..Facts::default()
        },
        dedupe_key: None,
        created_at: at,
    }
}

fn email(kind: NoticeKind, address: &str, at: Timestamp) -> NewMessage {
    message(kind, Medium::Email, address, None, at)
}

fn keyed(mut m: NewMessage, key: &str) -> NewMessage {
    m.dedupe_key = Some(key.into());
    m
}

async fn of_report(store: &dyn Store, report: ReportId) -> Vec<Message> {
    let filter = MessageFilter { report: Some(report), ..MessageFilter::default() };
    store.messages(&filter, 100).await.expect("messages of the report")
}

async fn to_address(store: &dyn Store, address: &str) -> Vec<Message> {
    let filter = MessageFilter { address: Some(address.into()), ..MessageFilter::default() };
    store.messages(&filter, 100).await.expect("messages to the address")
}

fn ids(messages: &[Message]) -> Vec<MessageId> {
    messages.iter().map(|m| m.id).collect()
}

pub async fn messages_are_written_with_their_report_change_or_not_at_all(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    // A filing: its message is stored under the new report's id, every field intact.
    let mut filing = f.filing("Jalan rusak di Sangatta Utara", t0());
    let mut received = email(NoticeKind::Received, "siti@example.id", t0());
    received.locale = Locale::En;
    received.person = Some(f.citizen);
    received.facts = Facts {
        tracking: Some(filing.report.tracking.as_str().to_string()),
        title: Some("Jalan rusak di Sangatta Utara".into()),
        status: Some("submitted".into()),
        org: Some("Admin Nasional SP4N".into()),
        text: Some("Terima kasih — \"laporan\" Anda\nkami terima.".into()),
        due: Some("Senin, 9 Maret 2026 pukul 09.00 WIB".into()),
        link: Some("/lacak/abc?k=1".into()),
        event: Some("submitted".into()),
        at: Some(t0() + Duration::microseconds(123_456)),
        items: vec![DigestItem {
            tracking: "ADU-1".into(),
            title: "Lampu".into(),
            status: "in_progress".into(),
            due: None,
            overdue: true,
        }],
    };
    filing.messages = vec![received.clone(), keyed(email(NoticeKind::NewInQueue, "verif@example.go.id", t0()), "q-1")];
    let r = f.store.create_report(&filing).await.expect("filed");
    let stored = of_report(&*f.store, r.id).await;
    assert_eq!(stored.len(), 2, "{stored:?}");
    let first = stored.iter().find(|m| m.message.kind == NoticeKind::Received).expect("received");
    assert_eq!(first.message, NewMessage { report: Some(r.id), ..received.clone() }, "every field round-trips");
    assert_eq!(first.state, DeliveryState::Pending);
    assert_eq!(first.attempts, 0);
    assert_eq!(first.next_attempt_at, t0(), "due when written");
    assert_eq!((first.sent_at, first.last_error.clone(), first.response.clone()), (None, None, None));
    assert_eq!(f.store.message(first.id).await.expect("one").as_ref(), Some(first));
    assert_eq!(f.store.message(MessageId(987_654)).await.expect("unknown"), None);

    // Filed once with an idempotency key: the same; a refused retry writes no message.
    let key = IdempotencyKey { caller: "key:7".into(), key: "req-1".into(), fingerprint: "f1".into() };
    let mut once = f.filing("Lampu jalan mati di Jalan Yos Sudarso", t0());
    once.messages = vec![email(NoticeKind::Received, "once@example.id", t0())];
    let r_once = f.store.create_report_once(&once, &key).await.expect("filed once");
    let mut retry = f.filing("Lampu jalan mati di Jalan Yos Sudarso", t0());
    retry.messages = vec![email(NoticeKind::Received, "retry@example.id", t0())];
    assert!(matches!(f.store.create_report_once(&retry, &key).await, Err(StoreError::Conflict(_))));
    assert_eq!(ids(&of_report(&*f.store, r_once.id).await).len(), 1);
    assert!(to_address(&*f.store, "retry@example.id").await.is_empty(), "the refused filing sent nothing");

    // A filing whose message names a person who does not exist is refused whole.
    let mut bad = f.filing("Sampah menumpuk di pasar", t0());
    let mut ghost = email(NoticeKind::Received, "ghost@example.id", t0());
    ghost.person = Some(PersonId(987_654));
    bad.messages = vec![ghost];
    assert!(matches!(f.store.create_report(&bad).await, Err(StoreError::Invalid(_))));
    assert_eq!(f.store.report_by_tracking(&bad.report.tracking).await.expect("lookup"), None);
    assert!(to_address(&*f.store, "ghost@example.id").await.is_empty());

    // A transition: its messages come with it.
    let mut t = f.decide(&r, &f.screener, f.verify_to("KAB-64.08"), day(1));
    let stale = f.decide(&r, &f.screener, f.verify_to("KAB-91.03"), day(1));
    let mut hook = message(NoticeKind::Webhook, Medium::Webhook, "https://hooks.example.id/a", Some(r.id), day(1));
    hook.dedupe_key = Some(format!("webhook:{}:verified", r.id));
    t.messages = vec![message(NoticeKind::Forwarded, Medium::Sms, "+6281234567890", Some(r.id), day(1)), hook];
    let r2 = f.store.apply(&t).await.expect("applied");
    let after = of_report(&*f.store, r.id).await;
    assert_eq!(after.len(), 4);
    assert_eq!(
        after.iter().map(|m| m.message.kind).collect::<Vec<_>>(),
        vec![NoticeKind::Webhook, NoticeKind::Forwarded, NoticeKind::NewInQueue, NoticeKind::Received],
        "newest first"
    );
    assert!(after[..2].iter().zip(t.messages.iter().rev()).all(|(m, sent)| m.message == *sent), "{after:?}");

    // A stale transition writes neither the change nor its messages.
    let mut stale = stale;
    stale.messages = vec![email(NoticeKind::Forwarded, "stale@example.id", day(1))];
    assert_eq!(f.store.apply(&stale).await, Err(StoreError::Stale(r.id)));
    assert_eq!(f.store.report(r.id).await.expect("load"), Some(r2.clone()));
    assert!(to_address(&*f.store, "stale@example.id").await.is_empty());

    // A transition that fails halfway (an event naming nobody) writes no message either.
    let mut failing = f.decide(
        &r2,
        &f.kutim_coordinator,
        Command::Dispose { units: vec![f.org("KAB-64.08/DPUPR")], note: None },
        day(2),
    );
    if let Some(e) = failing.events.last_mut() {
        e.actor.person = Some(PersonId(987_654));
    }
    failing.messages = vec![email(NoticeKind::NewInQueue, "failing@example.id", day(2))];
    assert!(matches!(f.store.apply(&failing).await, Err(StoreError::Invalid(_))));
    assert!(to_address(&*f.store, "failing@example.id").await.is_empty());

    // A message whose dedupe key is taken is skipped; the change itself goes through.
    let mut again = f.decide(
        &r2,
        &f.kutim_coordinator,
        Command::Dispose { units: vec![f.org("KAB-64.08/DPUPR")], note: None },
        day(2),
    );
    let mut dup = message(NoticeKind::Webhook, Medium::Webhook, "https://hooks.example.id/a", Some(r.id), day(2));
    dup.dedupe_key = Some(format!("webhook:{}:verified", r.id));
    again.messages =
        vec![dup, message(NoticeKind::NewInQueue, Medium::Email, "pupr@kutaitimurkab.go.id", Some(r.id), day(2))];
    f.store.apply(&again).await.expect("applied with a duplicate message");
    let last = of_report(&*f.store, r.id).await;
    assert_eq!(last.len(), 5);
    assert_eq!(last[0].message.address, "pupr@kutaitimurkab.go.id");
}

pub async fn enqueue_skips_a_dedupe_key_already_written(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let reminder = keyed(email(NoticeKind::ClosingSoon, "siti@example.id", t0()), "closing:1:2026-03-02");
    assert_eq!(f.store.enqueue(std::slice::from_ref(&reminder)).await.expect("first"), 1);
    assert_eq!(f.store.enqueue(std::slice::from_ref(&reminder)).await.expect("again"), 0, "skipped");
    let mut later = reminder.clone();
    later.created_at = day(1);
    assert_eq!(f.store.enqueue(&[later]).await.expect("same key, other day"), 0);
    assert_eq!(to_address(&*f.store, "siti@example.id").await.len(), 1);

    // In one batch: a repeated key is written once, messages without a key always.
    let digest = keyed(email(NoticeKind::Digest, "kominfo@kutaitimurkab.go.id", t0()), "digest:2:2026-03-02");
    let plain = email(NoticeKind::VerifyEmail, "kominfo@kutaitimurkab.go.id", t0());
    let batch = [digest.clone(), digest, plain.clone(), plain];
    assert_eq!(f.store.enqueue(&batch).await.expect("batch"), 3);
    assert_eq!(to_address(&*f.store, "kominfo@kutaitimurkab.go.id").await.len(), 3);
    assert_eq!(f.store.enqueue(&[]).await.expect("nothing"), 0);
    let all = f.store.messages(&MessageFilter::default(), 100).await.expect("all");
    assert_eq!(all.len(), 4);
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
}

pub async fn claims_never_overlap_and_lapse_at_their_lease(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let due: Vec<NewMessage> = (0..20)
        .map(|i| email(NoticeKind::Received, &format!("warga{i}@example.id"), t0() + Duration::minutes(i)))
        .collect();
    assert_eq!(f.store.enqueue(&due).await.expect("due"), 20);
    let future = email(NoticeKind::ClosingSoon, "nanti@example.id", day(5));
    f.store.enqueue(&[future]).await.expect("not yet due");
    let now = day(1);
    let lease = now + Duration::minutes(5);

    let (a, b) = tokio::join!(
        f.store.claim_messages("worker-a", now, lease, 100),
        f.store.claim_messages("worker-b", now, lease, 100)
    );
    let (a, b) = (a.expect("claim a"), b.expect("claim b"));
    let a_ids: BTreeSet<MessageId> = a.iter().map(|m| m.id).collect();
    let b_ids: BTreeSet<MessageId> = b.iter().map(|m| m.id).collect();
    assert!(a_ids.is_disjoint(&b_ids), "no message goes to two workers");
    assert_eq!(a_ids.len() + b_ids.len(), 20, "together they took every due message");
    assert!(a.iter().chain(&b).all(|m| m.message.address != "nanti@example.id"), "not due yet");
    assert!(a.windows(2).all(|w| w[0].id < w[1].id) && b.windows(2).all(|w| w[0].id < w[1].id), "by id");
    assert!(a.iter().chain(&b).all(|m| m.state == DeliveryState::Pending && m.attempts == 0));

    // While the leases run, nothing is left to take.
    assert!(f.store.claim_messages("worker-c", now + Duration::minutes(4), lease, 100).await.expect("c").is_empty());

    // A limit takes the earliest due first.
    let lapsed = lease;
    let c = f.store.claim_messages("worker-c", lapsed, lapsed + Duration::minutes(5), 2).await.expect("after lease");
    assert_eq!(c.len(), 2);
    assert_eq!(
        c.iter().map(|m| m.message.address.as_str()).collect::<Vec<_>>(),
        vec!["warga0@example.id", "warga1@example.id"]
    );
    // The first holder lost them: its report of success is refused, the new holder's taken.
    let taken = c[0].id;
    let first_holder = if a_ids.contains(&taken) { "worker-a" } else { "worker-b" };
    assert!(!f.store.message_sent(taken, first_holder, lapsed, Some("250 OK")).await.expect("late"));
    assert!(
        !f.store.message_failed(taken, first_holder, "timeout", None, Some(day(2))).await.expect("late failure"),
        "nor its failure"
    );
    assert!(f.store.message_sent(taken, "worker-c", lapsed, Some("250 OK")).await.expect("sent"));
    let sent = f.store.message(taken).await.expect("load").expect("found");
    assert_eq!((sent.state, sent.attempts, sent.sent_at), (DeliveryState::Sent, 1, Some(lapsed)));

    // The rest are taken again once the leases lapsed; the future one when it is due.
    let rest = f.store.claim_messages("worker-d", lapsed, lapsed + Duration::minutes(5), 100).await.expect("rest");
    assert_eq!(rest.len(), 18);
    let at_five = f.store.claim_messages("worker-e", day(5), day(5) + Duration::minutes(5), 100).await.expect("day 5");
    assert_eq!(at_five.len(), 20, "the future message and every lapsed claim");
    assert!(at_five.iter().any(|m| m.message.address == "nanti@example.id"));
    assert!(f.store.claim_messages("worker-f", day(5), day(6), 0).await.expect("limit 0").is_empty());
}

pub async fn delivery_outcomes_round_trip_and_lists_filter(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let r = f.file_road("Jalan rusak di Sangatta Utara", t0()).await;
    let other = f.file_road("Jalan rusak di Sangatta Selatan", t0()).await;
    let hook = f
        .store
        .create_webhook(
            &NewWebhook {
                org: f.org("KAB-64.08"),
                url: "https://hooks.example.id/kutim".into(),
                events: vec![],
                secret: "s".into(),
            },
            t0(),
        )
        .await
        .expect("webhook");
    let mut delivery =
        message(NoticeKind::Webhook, Medium::Webhook, "https://hooks.example.id/kutim", Some(r.id), t0());
    delivery.webhook = Some(hook);
    let batch = [
        message(NoticeKind::Received, Medium::Email, "siti@example.id", Some(r.id), t0()),
        delivery,
        message(NoticeKind::Received, Medium::Sms, "+6281234567890", Some(other.id), t0()),
    ];
    assert_eq!(f.store.enqueue(&batch).await.expect("enqueue"), 3);
    let claimed = f.store.claim_messages("w1", t0(), t0() + Duration::minutes(5), 10).await.expect("claim");
    let [mail, hooked, sms] = [0, 1, 2].map(|i| claimed[i].id);
    assert_eq!(claimed.iter().map(|m| m.message.clone()).collect::<Vec<_>>(), batch.to_vec());

    // Sent: once, by its holder only.
    let now = t0() + Duration::seconds(3);
    assert!(!f.store.message_sent(mail, "w2", now, None).await.expect("not the holder"));
    assert!(f.store.message_sent(mail, "w1", now, Some("250 2.0.0 OK")).await.expect("sent"));
    assert!(!f.store.message_sent(mail, "w1", now, None).await.expect("already sent"));
    let m = f.store.message(mail).await.expect("load").expect("found");
    assert_eq!(
        (m.state, m.attempts, m.sent_at, m.response.as_deref(), m.last_error.as_deref()),
        (DeliveryState::Sent, 1, Some(now), Some("250 2.0.0 OK"), None)
    );

    // Failed with a retry: pending again, due at the retry, not before.
    let retry = t0() + Duration::minutes(10);
    assert!(!f.store.message_failed(hooked, "w2", "timeout", None, Some(retry)).await.expect("not the holder"));
    assert!(f.store.message_failed(hooked, "w1", "timeout", Some("HTTP 504"), Some(retry)).await.expect("failed"));
    let m = f.store.message(hooked).await.expect("load").expect("found");
    assert_eq!(
        (m.state, m.attempts, m.next_attempt_at, m.last_error.as_deref(), m.response.as_deref(), m.sent_at),
        (DeliveryState::Pending, 1, retry, Some("timeout"), Some("HTTP 504"), None)
    );
    assert!(!f.store.message_failed(hooked, "w1", "again", None, None).await.expect("claim released"));
    let lapsed = t0() + Duration::minutes(6);
    let early = f.store.claim_messages("w2", lapsed, retry + Duration::minutes(1), 10).await.expect("early");
    assert_eq!(ids(&early), vec![sms], "the retry is not due yet; the SMS lease lapsed");
    let again = f.store.claim_messages("w3", retry, retry + Duration::minutes(5), 10).await.expect("at retry");
    assert_eq!(ids(&again), vec![hooked]);

    // Failed for good: parked, then put back by an admin.
    assert!(f.store.message_failed(hooked, "w3", "HTTP 410 Gone", Some("410"), None).await.expect("parked"));
    let parked = f.store.message(hooked).await.expect("load").expect("found");
    assert_eq!(
        (parked.state, parked.attempts, parked.next_attempt_at, parked.last_error.as_deref()),
        (DeliveryState::Failed, 2, retry, Some("HTTP 410 Gone"))
    );
    assert!(f.store.claim_messages("w4", day(3), day(4), 10).await.expect("none").iter().all(|m| m.id != hooked));
    assert!(!f.store.resend_message(mail, day(3)).await.expect("sent is not failed"));
    assert!(!f.store.resend_message(sms, day(3)).await.expect("pending is not failed"));
    assert!(!f.store.resend_message(MessageId(987_654), day(3)).await.expect("unknown"));
    assert!(f.store.resend_message(hooked, day(3)).await.expect("resend"));
    let back = f.store.message(hooked).await.expect("load").expect("found");
    assert_eq!(
        (back.state, back.attempts, back.next_attempt_at, back.last_error.as_deref()),
        (DeliveryState::Pending, 0, day(3), Some("HTTP 410 Gone"))
    );
    assert!(!f.store.resend_message(hooked, day(3)).await.expect("already back"));
    let retaken = f.store.claim_messages("w5", day(3), day(4), 10).await.expect("claim again");
    assert!(retaken.iter().any(|m| m.id == hooked));
    assert!(f.store.message_failed(hooked, "w5", "HTTP 410 Gone", None, None).await.expect("parked again"));

    // Lists filter by state, webhook, report and address, newest first, with a limit.
    let list = |filter: MessageFilter| {
        let store = Arc::clone(&f.store);
        async move { ids(&store.messages(&filter, 100).await.expect("list")) }
    };
    assert_eq!(list(MessageFilter::default()).await, vec![sms, hooked, mail]);
    assert_eq!(
        ids(&f.store.messages(&MessageFilter::default(), 2).await.expect("limited")),
        vec![sms, hooked],
        "the newest within the limit"
    );
    let by_state = |s| MessageFilter { state: Some(s), ..MessageFilter::default() };
    assert_eq!(list(by_state(DeliveryState::Sent)).await, vec![mail]);
    assert_eq!(list(by_state(DeliveryState::Failed)).await, vec![hooked]);
    assert_eq!(list(by_state(DeliveryState::Pending)).await, vec![sms]);
    assert_eq!(list(MessageFilter { webhook: Some(hook), ..MessageFilter::default() }).await, vec![hooked]);
    assert_eq!(list(MessageFilter { webhook: Some(WebhookId(987_654)), ..MessageFilter::default() }).await, vec![]);
    assert_eq!(list(MessageFilter { report: Some(r.id), ..MessageFilter::default() }).await, vec![hooked, mail]);
    assert_eq!(list(MessageFilter { report: Some(other.id), ..MessageFilter::default() }).await, vec![sms]);
    assert_eq!(
        list(MessageFilter { address: Some("siti@example.id".into()), ..MessageFilter::default() }).await,
        vec![mail]
    );
    assert_eq!(
        list(MessageFilter { address: Some("SITI@example.id".into()), ..MessageFilter::default() }).await,
        vec![],
        "addresses match exactly"
    );
    assert_eq!(
        list(MessageFilter { report: Some(r.id), state: Some(DeliveryState::Sent), ..MessageFilter::default() }).await,
        vec![mail],
        "filters combine"
    );
}

pub async fn webhooks_and_opt_outs_round_trip(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    assert!(f.store.webhooks().await.expect("none yet").is_empty());
    let (kutim, jayapura) = (f.org("KAB-64.08"), f.org("KAB-91.03"));
    let a = f
        .store
        .create_webhook(
            &NewWebhook {
                org: kutim,
                url: "https://sipd.kutaitimurkab.go.id/hook".into(),
                events: vec!["submitted".into(), "answered".into()],
                secret: "rahasia-1".into(),
            },
            t0(),
        )
        .await
        .expect("a");
    let b = f
        .store
        .create_webhook(
            &NewWebhook {
                org: jayapura,
                url: "https://jayapura.example.id/x".into(),
                events: vec![],
                secret: "r2".into(),
            },
            day(1),
        )
        .await
        .expect("b");
    assert_ne!(a, b);
    let expected_a = Webhook {
        id: a,
        org: kutim,
        url: "https://sipd.kutaitimurkab.go.id/hook".into(),
        events: vec!["submitted".into(), "answered".into()],
        secret: "rahasia-1".into(),
        active: true,
        created_at: t0(),
    };
    let expected_b = Webhook {
        id: b,
        org: jayapura,
        url: "https://jayapura.example.id/x".into(),
        events: vec![],
        secret: "r2".into(),
        active: true,
        created_at: day(1),
    };
    assert_eq!(f.store.webhooks().await.expect("list"), vec![expected_a.clone(), expected_b.clone()]);
    f.store.set_webhook_active(a, false).await.expect("off");
    let hooks = f.store.webhooks().await.expect("list");
    assert_eq!(hooks, vec![Webhook { active: false, ..expected_a.clone() }, expected_b.clone()]);
    f.store.set_webhook_active(a, false).await.expect("off again");
    f.store.set_webhook_active(a, true).await.expect("on");
    assert_eq!(f.store.webhooks().await.expect("list"), vec![expected_a, expected_b]);
    assert!(matches!(f.store.set_webhook_active(WebhookId(987_654), false).await, Err(StoreError::NotFound(_))));
    let nowhere =
        NewWebhook { org: OrgId(987_654), url: "https://x.example".into(), events: vec![], secret: "s".into() };
    assert!(matches!(f.store.create_webhook(&nowhere, t0()).await, Err(StoreError::Invalid(_))));

    // Opt-outs: set, set again, unset, per subject.
    let person = subject_of(Some(f.citizen), "siti@example.id");
    let anonymous = subject_of(None, " Warga@Example.ID ");
    assert!(f.store.opt_outs(&person).await.expect("none").is_empty());
    f.store.set_opt_out(&person, NoticeKind::Digest, true, t0()).await.expect("digest off");
    f.store.set_opt_out(&person, NoticeKind::Closed, true, t0()).await.expect("closed off");
    f.store.set_opt_out(&person, NoticeKind::Closed, true, day(1)).await.expect("idempotent");
    f.store.set_opt_out(&anonymous, NoticeKind::Answered, true, t0()).await.expect("anonymous");
    assert_eq!(f.store.opt_outs(&person).await.expect("list"), vec![NoticeKind::Closed, NoticeKind::Digest]);
    assert_eq!(
        f.store.opt_outs(&subject_of(None, "warga@example.id")).await.expect("list"),
        vec![NoticeKind::Answered],
        "an address is its own subject, whatever its case"
    );
    f.store.set_opt_out(&person, NoticeKind::Closed, false, day(2)).await.expect("closed on");
    f.store.set_opt_out(&person, NoticeKind::Closed, false, day(2)).await.expect("on again");
    f.store.set_opt_out(&person, NoticeKind::Received, false, day(2)).await.expect("never off");
    assert_eq!(f.store.opt_outs(&person).await.expect("list"), vec![NoticeKind::Digest]);
    assert!(f.store.opt_outs("person:987654").await.expect("other").is_empty());
}

pub async fn account_tokens_are_single_use_and_emails_verified(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let token = |hash: &str, purpose: TokenPurpose| NewAccountToken {
        hash: hash.into(),
        person: f.citizen,
        purpose,
        created_at: t0(),
        expires_at: day(1),
    };
    for (hash, purpose) in [
        ("h-verify", TokenPurpose::VerifyEmail),
        ("h-reset", TokenPurpose::ResetPassword),
        ("h-wrong", TokenPurpose::VerifyEmail),
        ("h-expired", TokenPurpose::ResetPassword),
        ("h-race", TokenPurpose::ResetPassword),
    ] {
        f.store.create_account_token(&token(hash, purpose)).await.expect("token");
    }
    assert!(matches!(
        f.store.create_account_token(&token("h-verify", TokenPurpose::ResetPassword)).await,
        Err(StoreError::Conflict(_))
    ));
    let ghost = NewAccountToken { person: PersonId(987_654), ..token("h-ghost", TokenPurpose::VerifyEmail) };
    assert!(matches!(f.store.create_account_token(&ghost).await, Err(StoreError::Invalid(_))));

    let now = t0() + Duration::hours(1);
    let use_token = |hash: &'static str, purpose: TokenPurpose| {
        let store = Arc::clone(&f.store);
        async move { store.use_account_token(hash, purpose, now).await.expect("use") }
    };
    assert_eq!(use_token("h-verify", TokenPurpose::VerifyEmail).await, Some(f.citizen));
    assert_eq!(use_token("h-verify", TokenPurpose::VerifyEmail).await, None, "single use");
    assert_eq!(use_token("h-reset", TokenPurpose::ResetPassword).await, Some(f.citizen));
    assert_eq!(use_token("h-wrong", TokenPurpose::ResetPassword).await, None, "wrong purpose");
    assert_eq!(use_token("h-wrong", TokenPurpose::VerifyEmail).await, None, "spent by the wrong use too");
    assert_eq!(use_token("h-unknown", TokenPurpose::VerifyEmail).await, None);
    assert_eq!(
        f.store.use_account_token("h-expired", TokenPurpose::ResetPassword, day(1)).await.expect("use"),
        None,
        "expired at its expiry"
    );
    assert_eq!(
        f.store.use_account_token("h-expired", TokenPurpose::ResetPassword, t0()).await.expect("use"),
        None,
        "and spent"
    );
    let (x, y) = tokio::join!(
        use_token("h-race", TokenPurpose::ResetPassword),
        use_token("h-race", TokenPurpose::ResetPassword)
    );
    assert_eq!([x, y].iter().filter(|p| p.is_some()).count(), 1, "two concurrent uses: one wins");

    // Confirmed e-mail addresses.
    assert_eq!(f.store.email_verified_at(f.citizen).await.expect("not yet"), None);
    f.store.set_email_verified(f.citizen, now).await.expect("verified");
    assert_eq!(f.store.email_verified_at(f.citizen).await.expect("load"), Some(now));
    f.store.set_email_verified(f.citizen, day(2)).await.expect("again");
    assert_eq!(f.store.email_verified_at(f.citizen).await.expect("load"), Some(day(2)));
    assert_eq!(f.store.email_verified_at(PersonId(987_654)).await.expect("unknown"), None);
    assert!(matches!(f.store.set_email_verified(PersonId(987_654), now).await, Err(StoreError::NotFound(_))));
    let person = f.store.person(f.citizen).await.expect("load").expect("found");
    assert_eq!(person.display_name, "Siti Rahma", "the person is otherwise unchanged");
}
