//! Signed webhooks: an HTTP POST of a JSON body to a URL an organisation registered, with
//! its shared secret proving the sender.
//!
//! Headers sent:
//! - `X-Aduan-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`
//! - `X-Aduan-Delivery: <outbox message id>` — the same on every retry of one delivery
//! - `X-Aduan-Event: <event name>`
//!
//! A receiver checks the signature with [`verify`] (or its own code doing the same), and
//! refuses a timestamp too far from its clock so a captured request cannot be replayed
//! later. Redirects are not followed.

use std::time::Duration;

use aduan_domain::ids::MessageId;
use hmac::{Hmac, Mac};
use reqwest::Url;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use sha2::Sha256;

use super::{ConfigError, SendError, SendResult, check_http_url, http_client, http_exchange};

/// The header with the signature.
pub const SIGNATURE_HEADER: &str = "X-Aduan-Signature";
/// The header with the delivery id (the outbox message id).
pub const DELIVERY_HEADER: &str = "X-Aduan-Delivery";
/// The header with the event name.
pub const EVENT_HEADER: &str = "X-Aduan-Event";

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &str, timestamp: i64, body: &str) -> HmacSha256 {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    mac
}

/// The signature header's value: `t=<timestamp>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let digest = mac(secret, timestamp, body).finalize().into_bytes();
    format!("t={timestamp},v1={}", hex::encode(digest))
}

/// Whether `header` (a signature header's value) signs `body` with `secret`, at a time no
/// more than `tolerance_secs` away from `now` (either way). Several `v1=` entries are
/// allowed (one matching is enough), unknown entries are ignored. The comparison takes the
/// same time whatever the bytes.
pub fn verify(secret: &str, header: &str, body: &str, now: i64, tolerance_secs: i64) -> bool {
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.trim().parse::<i64>().ok(),
            Some(("v1", value)) => candidates.push(value.trim()),
            _ => {}
        }
    }
    let Some(timestamp) = timestamp else { return false };
    let Ok(tolerance) = u64::try_from(tolerance_secs) else { return false };
    if now.abs_diff(timestamp) > tolerance {
        return false;
    }
    let expected = mac(secret, timestamp, body);
    candidates.into_iter().any(|candidate| match hex::decode(candidate) {
        Ok(bytes) => expected.clone().verify_slice(&bytes).is_ok(),
        Err(_) => false,
    })
}

/// Delivers webhooks.
#[derive(Debug, Clone)]
pub struct WebhookSender {
    client: reqwest::Client,
}

impl WebhookSender {
    /// A sender whose every delivery, connecting included, gives up after `timeout`.
    pub fn new(timeout: Duration) -> Result<Self, ConfigError> {
        Ok(WebhookSender { client: http_client(timeout)? })
    }

    /// POSTs `body` (JSON) to `url`, signed with `secret` at `now_unix`, with the delivery
    /// id and the event name in headers. The answer is the status and the start of the
    /// receiver's body, e.g. `200 OK: thanks`; a 5xx, 408 or 429 is worth a retry, and a
    /// redirect, like another 4xx, is final.
    pub async fn send(
        &self,
        id: MessageId,
        url: &str,
        secret: &str,
        event: &str,
        body: &str,
        now_unix: i64,
    ) -> SendResult {
        let target =
            Url::parse(url).map_err(|e| SendError::Permanent(format!("webhook URL {url:?} is not valid: {e}")))?;
        check_http_url(&target).map_err(SendError::Permanent)?;
        let event = HeaderValue::from_str(event)
            .map_err(|e| SendError::Permanent(format!("webhook event name {event:?}: {e}")))?;
        let request = self
            .client
            .post(target)
            .header(CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, signature(secret, now_unix, body))
            .header(DELIVERY_HEADER, id.to_string())
            .header(EVENT_HEADER, event)
            .body(body.to_owned());
        http_exchange(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_a_known_value() {
        // python3: hmac.new(b"rahasia", b"1700000000.{\"a\":1}", hashlib.sha256).hexdigest()
        assert_eq!(
            signature("rahasia", 1_700_000_000, r#"{"a":1}"#),
            "t=1700000000,v1=efc40694ade7cea9d382b67309b4bdda5bb978766141c75a19fd823196cbedd5"
        );
    }

    #[test]
    fn verify_checks_secret_time_and_format() {
        let header = signature("s", 100, "body");
        assert!(verify("s", &header, "body", 100, 300));
        assert!(verify("s", &header, "body", 400, 300));
        assert!(!verify("s", &header, "body", 401, 300));
        assert!(!verify("s", &header, "body", -201, 300));
        assert!(!verify("other", &header, "body", 100, 300));
        assert!(!verify("s", &header, "body!", 100, 300));
        assert!(!verify("s", "v1=00", "body", 100, 300));
        assert!(!verify("s", "t=100,v1=zz", "body", 100, 300));
        assert!(!verify("s", &header, "body", 100, -1));
        let rotated = format!("t=100,v1={},v1={}", "ab".repeat(32), header.trim_start_matches("t=100,v1="));
        assert!(verify("s", &rotated, "body", 100, 300), "{rotated}");
    }
}
