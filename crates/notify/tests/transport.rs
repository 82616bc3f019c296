//! The transports against real servers: aiosmtpd for SMTP, an axum recorder for the SMS
//! gateway and webhooks.

mod support;

use std::time::Duration;

use aduan_domain::ids::MessageId;
use aduan_notify::render::Rendered;
use aduan_notify::transport::webhook::{self, WebhookSender};
use aduan_notify::transport::{BodyEncoding, GatewaySettings, Mailer, SendError, SmsGateway, SmtpSettings, TlsMode};
use support::{HttpRecorder, Reply, SmtpServer, free_port};

const SUBJECT: &str = "Laporan #1234 “Jalan berlubang di Jl. Malioboro” — sudah ditindaklanjuti";

fn mail() -> Rendered {
    Rendered {
        subject: SUBJECT.to_owned(),
        text: "Yth. Bapak/Ibu,\n\nLaporan Anda telah ditindaklanjuti oleh Dinas PUPR.\nTerima kasih — salam.\n"
            .to_owned(),
        html: "<p>Yth. Bapak/Ibu,</p><p>Laporan Anda telah <b>ditindaklanjuti</b> oleh Dinas PUPR.</p>".to_owned(),
        short: "Laporan #1234 ditindaklanjuti".to_owned(),
    }
}

fn retry_reason(result: Result<String, SendError>) -> String {
    match result {
        Err(SendError::Retry(reason)) => reason,
        other => panic!("expected Retry, got {other:?}"),
    }
}

fn permanent_reason(result: Result<String, SendError>) -> String {
    match result {
        Err(SendError::Permanent(reason)) => reason,
        other => panic!("expected Permanent, got {other:?}"),
    }
}

// ---------------------------------------------------------------- SMTP

#[tokio::test]
async fn mail_arrives_with_both_parts_message_id_and_unsubscribe_headers() {
    let smtp = SmtpServer::start();
    let mailer = Mailer::new(&smtp.settings()).expect("mailer");
    let unsubscribe = "https://lapor.example.go.id/berhenti?t=abc123&k=status";

    let answer =
        mailer.send(MessageId(42), "Siti Rahayu <siti@example.id>", &mail(), Some(unsubscribe)).await.expect("sent");
    assert!(answer.starts_with("250"), "{answer}");
    mailer.send(MessageId(43), "budi@example.id", &mail(), None).await.expect("sent");

    let mails = smtp.wait_for_messages(2, Duration::from_secs(5));
    assert_eq!(mails.len(), 2, "{}", smtp.log());
    let (first, second) = (&mails[0], &mails[1]);

    assert_eq!(first.message_id(), Some("<aduan-42@example.go.id>"));
    assert_eq!(second.message_id(), Some("<aduan-43@example.go.id>"));
    assert_eq!(first.subject(), Some(SUBJECT), "decoded subject; raw:\n{}", first.raw);
    assert_eq!(first.to(), Some(r#""Siti Rahayu" <siti@example.id>"#));
    assert_eq!(first.envelope_to(), Some("siti@example.id"));
    assert_eq!(first.from(), Some("Aduan <noreply@example.go.id>"));
    assert_eq!(first.mimetype, "multipart/alternative");
    assert_eq!(first.text().map(str::trim_end), Some(mail().text.trim_end()));
    assert_eq!(first.html().map(str::trim_end), Some(mail().html.as_str()));

    assert_eq!(first.header("List-Unsubscribe"), Some(format!("<{unsubscribe}>").as_str()));
    assert_eq!(first.header("List-Unsubscribe-Post"), Some("List-Unsubscribe=One-Click"));
    assert_eq!(second.header("List-Unsubscribe"), None);
    assert_eq!(second.header("List-Unsubscribe-Post"), None);
    assert_eq!(second.to(), Some("budi@example.id"));
}

#[tokio::test]
async fn the_same_outbox_message_keeps_its_message_id_on_a_retry() {
    let smtp = SmtpServer::start();
    let mailer = Mailer::new(&smtp.settings()).expect("mailer");
    assert_eq!(mailer.message_id(MessageId(7)), "<aduan-7@example.go.id>");
    for _ in 0..2 {
        mailer.send(MessageId(7), "a@example.id", &mail(), None).await.expect("sent");
    }
    let mails = smtp.wait_for_messages(2, Duration::from_secs(5));
    let ids: Vec<_> = mails.iter().map(|m| m.message_id()).collect();
    assert_eq!(ids, [Some("<aduan-7@example.go.id>"); 2]);
}

#[tokio::test]
async fn smtp_connection_refused_is_retry() {
    let settings = SmtpSettings {
        host: "127.0.0.1".into(),
        port: free_port(),
        tls: TlsMode::None,
        username: None,
        password: None,
        from: "Aduan <noreply@example.go.id>".into(),
        timeout: Duration::from_secs(5),
    };
    let mailer = Mailer::new(&settings).expect("mailer");
    let reason = retry_reason(mailer.send(MessageId(1), "a@example.id", &mail(), None).await);
    assert!(reason.to_lowercase().contains("refused"), "{reason}");
}

#[tokio::test]
async fn a_stopped_server_means_retry_and_a_restarted_one_keeps_its_mailbox() {
    let mut smtp = SmtpServer::start();
    let mailer = Mailer::new(&smtp.settings()).expect("mailer");
    mailer.send(MessageId(1), "a@example.id", &mail(), None).await.expect("sent");

    smtp.stop();
    assert!(!smtp.is_running());
    retry_reason(mailer.send(MessageId(2), "a@example.id", &mail(), None).await);

    smtp.restart();
    mailer.send(MessageId(2), "a@example.id", &mail(), None).await.expect("sent after restart");
    let ids: Vec<String> = smtp
        .wait_for_messages(2, Duration::from_secs(5))
        .iter()
        .filter_map(|m| m.message_id().map(str::to_owned))
        .collect();
    assert_eq!(ids, ["<aduan-1@example.go.id>", "<aduan-2@example.go.id>"]);
}

#[tokio::test]
async fn an_smtp_5xx_reply_is_permanent() {
    let smtp = SmtpServer::start_with_size_limit(1000);
    let mailer = Mailer::new(&smtp.settings()).expect("mailer");
    let mut big = mail();
    big.text = "Lorem ipsum dolor sit amet. ".repeat(100);
    let reason = permanent_reason(mailer.send(MessageId(5), "a@example.id", &big, None).await);
    assert!(reason.contains("552"), "{reason}");
    assert!(smtp.messages().is_empty());
}

#[tokio::test]
async fn bad_addresses_and_settings_are_refused() {
    let smtp = SmtpServer::start();
    let mailer = Mailer::new(&smtp.settings()).expect("mailer");
    for to in ["not an address", "", "a@b@c"] {
        permanent_reason(mailer.send(MessageId(1), to, &mail(), None).await);
    }
    permanent_reason(mailer.send(MessageId(1), "a@example.id", &mail(), Some("https://x/y\r\nBcc: z")).await);
    assert!(smtp.messages().is_empty());

    let mut settings = smtp.settings();
    settings.from = "no address here".into();
    assert!(Mailer::new(&settings).is_err());
    let mut settings = smtp.settings();
    settings.username = Some("user".into());
    assert!(Mailer::new(&settings).is_err(), "a username without a password");

    assert_eq!(TlsMode::parse("STARTTLS"), Ok(TlsMode::StartTls));
    assert_eq!(TlsMode::parse("tls"), Ok(TlsMode::Tls));
    assert_eq!(TlsMode::parse("none"), Ok(TlsMode::None));
    assert!(TlsMode::parse("ssl").is_err());
}

// ---------------------------------------------------------------- SMS gateway

fn gateway(url: String, body: Option<&str>, encoding: BodyEncoding) -> GatewaySettings {
    GatewaySettings {
        url,
        method: "POST".into(),
        headers: vec![
            ("Authorization".into(), "Bearer rahasia-123".into()),
            ("X-Reference".into(), "aduan-{id}".into()),
        ],
        body: body.map(str::to_owned),
        encoding,
        timeout: Duration::from_secs(5),
    }
}

#[tokio::test]
async fn gateway_posts_valid_json_with_the_right_values_and_headers() {
    let http = HttpRecorder::start().await;
    http.respond_with([Reply::new(200, r#"{"status":"queued","id":"sms-9"}"#)]);
    let settings = gateway(
        http.url("/v1/send/{to}?ref={id}"),
        Some(r#"{"to": "{to}", "message": "{text}", "reference": "aduan-{id}"}"#),
        BodyEncoding::Json,
    );
    let sms = SmsGateway::new(&settings).expect("gateway");
    let text = "Laporan \"Jalan rusak\" diterima.\nCek: https://lapor.id/r/1?a=1&b=2\t\\ {to} — ✓";

    let answer = sms.send(MessageId(42), "+62 812-3456", text).await.expect("sent");
    assert_eq!(answer, r#"200 OK: {"status":"queued","id":"sms-9"}"#);

    let requests = http.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/send/%2B62%20812-3456?ref=42");
    assert_eq!(request.header("authorization"), Some("Bearer rahasia-123"));
    assert_eq!(request.header("x-reference"), Some("aduan-42"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.json(), serde_json::json!({"to": "+62 812-3456", "message": text, "reference": "aduan-42"}));
}

#[tokio::test]
async fn gateway_form_and_get_requests() {
    let http = HttpRecorder::start().await;
    let form = gateway(http.url("/form"), Some("to={to}&msg={text}&ref={id}"), BodyEncoding::Form);
    SmsGateway::new(&form).expect("gateway").send(MessageId(3), "+6281", "a b&c=d ü").await.expect("sent");
    let get = GatewaySettings {
        method: "get".into(),
        body: None,
        ..gateway(http.url("/get?to={to}&text={text}"), None, BodyEncoding::Raw)
    };
    SmsGateway::new(&get).expect("gateway").send(MessageId(4), "+6281", "hi there").await.expect("sent");

    let requests = http.requests();
    assert_eq!(requests[0].header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(requests[0].body, "to=%2B6281&msg=a+b%26c%3Dd+%C3%BC&ref=3");
    assert_eq!(requests[1].method, "GET");
    assert_eq!(requests[1].path, "/get?to=%2B6281&text=hi%20there");
    assert_eq!(requests[1].body, "");
}

#[tokio::test]
async fn gateway_statuses_decide_retry_or_permanent() {
    let http = HttpRecorder::start().await;
    http.respond_with([
        Reply::new(500, "provider down"),
        Reply::new(400, r#"{"error":"invalid number"}"#),
        Reply::new(429, "slow down"),
        Reply::new(408, ""),
        Reply::new(503, ""),
        Reply::new(401, "bad key"),
        Reply::new(202, "accepted"),
    ]);
    let settings = gateway(http.url("/sms"), Some(r#"{"t":"{text}"}"#), BodyEncoding::Json);
    let sms = SmsGateway::new(&settings).expect("gateway");
    let send = || sms.send(MessageId(1), "+6281", "x");

    let reason = retry_reason(send().await);
    assert_eq!(reason, "500 Internal Server Error: provider down");
    let reason = permanent_reason(send().await);
    assert_eq!(reason, r#"400 Bad Request: {"error":"invalid number"}"#);
    assert!(retry_reason(send().await).starts_with("429"));
    assert!(retry_reason(send().await).starts_with("408"));
    assert!(retry_reason(send().await).starts_with("503"));
    assert!(permanent_reason(send().await).starts_with("401"));
    assert_eq!(send().await, Ok("202 Accepted: accepted".to_owned()));
    assert_eq!(http.requests().len(), 7);
}

#[tokio::test]
async fn gateway_settings_are_checked() {
    let ok = gateway("http://127.0.0.1:9/sms".into(), Some("{text}"), BodyEncoding::Raw);
    assert!(SmsGateway::new(&ok).is_ok());
    let bad = [
        GatewaySettings { method: "DELETE".into(), ..ok.clone() },
        GatewaySettings { method: "GET".into(), ..ok.clone() },
        GatewaySettings { url: "ftp://example.id/{to}".into(), ..ok.clone() },
        GatewaySettings { url: "not a url".into(), ..ok.clone() },
        GatewaySettings { headers: vec![("Bad Name".into(), "x".into())], ..ok.clone() },
        GatewaySettings { headers: vec![("X-A".into(), "line\nbreak".into())], ..ok.clone() },
    ];
    for settings in bad {
        assert!(SmsGateway::new(&settings).is_err(), "{settings:?}");
    }
    let https = GatewaySettings { url: "https://api.example.id/sms".into(), ..ok.clone() };
    let built = SmsGateway::new(&https);
    if cfg!(feature = "https") {
        assert!(built.is_ok(), "{built:?}");
    } else {
        let e = built.expect_err("https without the `https` feature");
        assert!(e.to_string().contains("`https` feature"), "{e}");
    }
    assert_eq!(BodyEncoding::parse("JSON"), Ok(BodyEncoding::Json));
    assert_eq!(BodyEncoding::parse("form"), Ok(BodyEncoding::Form));
    assert_eq!(BodyEncoding::parse("raw"), Ok(BodyEncoding::Raw));
    assert!(BodyEncoding::parse("xml").is_err());
}

#[tokio::test]
async fn gateway_connection_refused_is_retry() {
    let settings = gateway(format!("http://127.0.0.1:{}/sms", free_port()), Some("{text}"), BodyEncoding::Raw);
    let sms = SmsGateway::new(&settings).expect("gateway");
    let reason = retry_reason(sms.send(MessageId(1), "+6281", "x").await);
    assert!(reason.to_lowercase().contains("refused"), "{reason}");
}

// ---------------------------------------------------------------- webhooks

const SECRET: &str = "whsec_4f1c2b";
const NOW: i64 = 1_750_000_000;

#[tokio::test]
async fn webhook_signature_verifies_on_the_receiving_side() {
    let http = HttpRecorder::start().await;
    http.respond_with([Reply::new(200, "terima kasih")]);
    let sender = WebhookSender::new(Duration::from_secs(5)).expect("sender");
    let body = r#"{"event":"report.status_changed","report":1234,"note":"“selesai” ✓"}"#;

    let answer = sender
        .send(MessageId(77), &http.url("/hooks/aduan"), SECRET, "report.status_changed", body, NOW)
        .await
        .expect("delivered");
    assert_eq!(answer, "200 OK: terima kasih");

    let requests = http.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/hooks/aduan");
    assert_eq!(request.body, body);
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("x-aduan-delivery"), Some("77"));
    assert_eq!(request.header("x-aduan-event"), Some("report.status_changed"));
    let signature = request.header("x-aduan-signature").expect("signature header");
    assert!(signature.starts_with(&format!("t={NOW},v1=")), "{signature}");
    assert_eq!(signature, webhook::signature(SECRET, NOW, body));

    // What a receiver does with what it received.
    assert!(webhook::verify(SECRET, signature, &request.body, NOW + 10, 300));
    let tampered = request.body.replace("1234", "1235");
    assert!(!webhook::verify(SECRET, signature, &tampered, NOW + 10, 300), "tampered body");
    assert!(!webhook::verify(SECRET, signature, &request.body, NOW + 301, 300), "old timestamp");
    assert!(!webhook::verify("another-secret", signature, &request.body, NOW, 300), "secret");
    let replayed = signature.replace(&format!("t={NOW}"), &format!("t={}", NOW + 200));
    assert!(!webhook::verify(SECRET, &replayed, &request.body, NOW + 200, 300), "new t, old mac");
}

#[tokio::test]
async fn webhook_5xx_is_retry_with_the_response_body_recorded() {
    let http = HttpRecorder::start().await;
    // 3000 bytes of two-byte characters: the 2 KB cut falls inside one at an odd limit.
    let long = format!("x{}", "é".repeat(1500));
    http.respond_with([
        Reply::new(500, "database unavailable"),
        Reply::new(502, long.clone()),
        Reply::new(410, "webhook removed"),
        Reply::new(302, "").header("Location", "https://elsewhere.example.id/hook"),
    ]);
    let sender = WebhookSender::new(Duration::from_secs(5)).expect("sender");
    let url = http.url("/hook");
    let send = || sender.send(MessageId(9), &url, SECRET, "ping", "{}", NOW);

    assert_eq!(retry_reason(send().await), "500 Internal Server Error: database unavailable");

    let reason = retry_reason(send().await);
    let recorded = reason.strip_prefix("502 Bad Gateway: ").expect("status first");
    let recorded = recorded.strip_suffix('…').expect("marked as cut");
    assert!(recorded.len() <= 2048 && recorded.len() >= 2046, "{}", recorded.len());
    assert!(long.starts_with(recorded));

    assert_eq!(permanent_reason(send().await), "410 Gone: webhook removed");

    let reason = permanent_reason(send().await);
    assert!(reason.starts_with("302 Found"), "{reason}");
    assert!(reason.contains("https://elsewhere.example.id/hook"), "{reason}");
    assert_eq!(http.requests().len(), 4, "the redirect is not followed");
}

#[tokio::test]
async fn webhook_unreachable_slow_or_bad_urls() {
    let sender = WebhookSender::new(Duration::from_millis(500)).expect("sender");
    let refused = format!("http://127.0.0.1:{}/hook", free_port());
    let reason = retry_reason(sender.send(MessageId(1), &refused, SECRET, "ping", "{}", NOW).await);
    assert!(reason.to_lowercase().contains("refused"), "{reason}");

    let http = HttpRecorder::start().await;
    http.respond_with([Reply::new(200, "late").delay(Duration::from_secs(3))]);
    let reason = retry_reason(sender.send(MessageId(2), &http.url("/slow"), SECRET, "ping", "{}", NOW).await);
    assert!(reason.to_lowercase().contains("timed out"), "{reason}");

    // With the `https` feature an https URL is tried (and refused here); without, refused
    // up front with a reason that names the feature.
    let https = format!("https://127.0.0.1:{}/hook", free_port());
    let result = sender.send(MessageId(1), &https, SECRET, "ping", "{}", NOW).await;
    if cfg!(feature = "https") {
        retry_reason(result);
    } else {
        assert!(permanent_reason(result).contains("`https` feature"));
    }

    for url in ["not a url", "ftp://example.id/hook"] {
        permanent_reason(sender.send(MessageId(3), url, SECRET, "ping", "{}", NOW).await);
    }
    permanent_reason(sender.send(MessageId(3), &http.url("/x"), SECRET, "bad\nevent", "{}", NOW).await);
}
