//! The ways a message leaves Aduan: e-mail over SMTP ([`smtp`]), SMS/WhatsApp through an
//! HTTP gateway ([`gateway`]) and signed webhooks ([`webhook`]).
//!
//! Every transport answers a send with a [`SendResult`]: the receiver's answer when the
//! message was accepted, or a [`SendError`] that tells the outbox worker whether trying
//! again later can help ([`SendError::Retry`]) or not ([`SendError::Permanent`]).
//!
//! HTTPS for the gateway and webhooks needs the crate feature `https` (reqwest with rustls
//! and the *ring* provider); see [`install_crypto_provider`]. Without it an `https://` URL
//! is refused with a clear error rather than failing at connect time. SMTP always has TLS
//! (lettre with rustls and *ring*).

pub mod gateway;
pub mod smtp;
pub mod webhook;

pub use gateway::{BodyEncoding, GatewaySettings, SmsGateway};
pub use smtp::{Mailer, SmtpSettings, TlsMode};
pub use webhook::WebhookSender;

/// A failed send. The text is the reason, with the receiver's answer where there is one
/// (the SMTP reply, or the HTTP status and the start of the response body).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later: the receiver could not be reached (connection refused,
    /// timeout), or answered "not now" (an SMTP 4xx reply, HTTP 5xx, 408 or 429).
    #[error("{0}")]
    Retry(String),
    /// Trying again will not help: the receiver refused this message (an SMTP 5xx reply,
    /// HTTP 4xx other than 408 and 429, a redirect), or the address or URL is not valid.
    #[error("{0}")]
    Permanent(String),
}

impl SendError {
    /// Whether the outbox should try this message again later.
    pub fn is_retry(&self) -> bool {
        matches!(self, SendError::Retry(_))
    }

    /// The reason, with the receiver's answer where there is one.
    pub fn reason(&self) -> &str {
        match self {
            SendError::Retry(reason) | SendError::Permanent(reason) => reason,
        }
    }
}

/// What a transport answers: the receiver's answer when the message was accepted (for
/// example the SMTP reply `250 OK`, or `200 OK: <the response body, at most 2 KB>`).
pub type SendResult = Result<String, SendError>;

/// Settings a transport cannot work with (an unknown TLS mode, a sender address that does
/// not parse, a gateway URL that is not HTTP, …). Found when the transport is built, so a
/// misconfigured server refuses to start instead of failing every message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// The most of a receiver's response body that is kept with a send's result.
pub const RESPONSE_LIMIT: usize = 2048;

/// Cuts `text` to at most `limit` bytes on a character boundary, marking the cut with `…`
/// (which is not counted in the limit).
pub(crate) fn truncate(mut text: String, limit: usize) -> String {
    if text.len() > limit {
        let cut = text.floor_char_boundary(limit);
        text.truncate(cut);
        text.push('…');
    }
    text
}

/// Installs rustls' *ring* crypto provider as the process default, unless one is already
/// installed. reqwest built with the `https` feature of this crate (reqwest's
/// `rustls-no-provider`) panics when a client is built without a process default, so
/// every program that builds a reqwest client — this crate's transports do it themselves —
/// calls this first. Safe to call any number of times.
#[cfg(feature = "https")]
pub fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race with another thread installing one is fine: there is one now.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// Builds the HTTP client of the gateway and webhooks: a timeout for the whole exchange,
/// no redirects followed (a 3xx is an answer, not a delivery).
pub(crate) fn http_client(timeout: std::time::Duration) -> Result<reqwest::Client, ConfigError> {
    #[cfg(feature = "https")]
    install_crypto_provider();
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("aduan-notify/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ConfigError(format!("cannot build the HTTP client: {e}")))
}

/// Checks that `url` is one this build can send to.
pub(crate) fn check_http_url(url: &reqwest::Url) -> Result<(), String> {
    match url.scheme() {
        "http" => Ok(()),
        "https" if cfg!(feature = "https") => Ok(()),
        "https" => {
            Err(format!("{url}: https is not available in this build (aduan-notify without its `https` feature)"))
        }
        other => Err(format!("{url}: scheme {other} is not http or https")),
    }
}

/// Sends a prepared request and classifies the answer: 2xx is a delivery, 408, 429 and
/// 5xx are worth a retry, anything else (3xx, other 4xx) is final. The answer carries the
/// status and the start of the body.
pub(crate) async fn http_exchange(request: reqwest::RequestBuilder) -> SendResult {
    let mut response = match request.send().await {
        Ok(response) => response,
        Err(e) => return Err(classify_reqwest_error(&e)),
    };
    let status = response.status();
    let location = response.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = read_limited(&mut response).await;
    let mut answer = if body.is_empty() { status.to_string() } else { format!("{status}: {body}") };
    if status.is_success() {
        return Ok(answer);
    }
    if let Some(location) = location.filter(|_| status.is_redirection()) {
        answer = format!("{answer} (redirect to {location} not followed)");
    }
    let code = status.as_u16();
    if status.is_server_error() || code == 408 || code == 429 {
        Err(SendError::Retry(answer))
    } else {
        Err(SendError::Permanent(answer))
    }
}

/// Reads at most [`RESPONSE_LIMIT`] bytes of the body (a little more, to cut on a
/// character boundary); the rest is left unread. A body that breaks off counts as what was
/// read: the status has already said what happened.
async fn read_limited(response: &mut reqwest::Response) -> String {
    let mut bytes: Vec<u8> = Vec::new();
    while bytes.len() <= RESPONSE_LIMIT {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    truncate(String::from_utf8_lossy(&bytes).into_owned(), RESPONSE_LIMIT)
}

fn classify_reqwest_error(e: &reqwest::Error) -> SendError {
    // Show the whole chain: reqwest's own text is often just "error sending request".
    let mut reason = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        reason.push_str(": ");
        reason.push_str(&inner.to_string());
        source = inner.source();
    }
    if e.is_builder() {
        SendError::Permanent(reason)
    } else {
        // Connection refused, DNS, TLS, timeouts, a body that broke off: all may pass.
        SendError::Retry(reason)
    }
}
