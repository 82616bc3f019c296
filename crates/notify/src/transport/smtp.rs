//! E-mail over SMTP, with lettre: one pooled connection set per [`Mailer`], plain, STARTTLS
//! or implicit TLS (rustls with the *ring* provider, Mozilla's roots from `webpki-roots`).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use aduan_domain::ids::MessageId;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::response::Response;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::{ConfigError, SendError, SendResult};
use crate::render::Rendered;

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain text: only for a relay on the same host or a trusted network (port 25).
    None,
    /// Plain connection upgraded with STARTTLS, which the server must offer (port 587).
    StartTls,
    /// TLS from the first byte, "SMTPS" (port 465).
    Tls,
}

impl TlsMode {
    /// Reads `none`, `starttls` or `tls` (any case).
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "none" => Ok(TlsMode::None),
            "starttls" => Ok(TlsMode::StartTls),
            "tls" => Ok(TlsMode::Tls),
            other => Err(ConfigError(format!("unknown SMTP TLS mode {other:?}: use none, starttls or tls"))),
        }
    }

    /// The name [`TlsMode::parse`] reads.
    pub fn as_str(self) -> &'static str {
        match self {
            TlsMode::None => "none",
            TlsMode::StartTls => "starttls",
            TlsMode::Tls => "tls",
        }
    }
}

impl FromStr for TlsMode {
    type Err = ConfigError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        TlsMode::parse(text)
    }
}

impl fmt::Display for TlsMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where and how to send e-mail.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    /// Set both or neither: AUTH is only tried with both.
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender, e.g. `Aduan <noreply@example.go.id>`. Its domain is also the domain of
    /// the Message-IDs.
    pub from: String,
    /// For connecting and for each SMTP command.
    pub timeout: Duration,
}

/// Sends e-mail through one SMTP server, reusing connections between messages.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The domain of `from`, for Message-IDs.
    domain: String,
    /// `host:port`, to say which server could not be reached.
    server: String,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

/// SMTP replies that refuse the sender's credentials, not the message: a configuration
/// problem an operator can fix, so the message is kept for a retry.
const AUTH_REPLIES: [&str; 4] = ["530", "534", "535", "538"];

impl Mailer {
    /// Checks the settings and prepares the connection pool; nothing is connected yet.
    /// Must be called inside a Tokio runtime (the pool runs a cleanup task).
    pub fn new(settings: &SmtpSettings) -> Result<Self, ConfigError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(ConfigError("the mailer must be built inside a Tokio runtime".into()));
        }
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| ConfigError(format!("the sender address {:?} is not valid: {e}", settings.from)))?;
        let domain = from.email.domain().to_owned();
        if settings.host.trim().is_empty() {
            return Err(ConfigError("no SMTP host given".into()));
        }
        let tls = match settings.tls {
            TlsMode::None => Tls::None,
            TlsMode::StartTls => Tls::Required(tls_parameters(&settings.host)?),
            TlsMode::Tls => Tls::Wrapper(tls_parameters(&settings.host)?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port)
            .tls(tls)
            .timeout(Some(settings.timeout));
        match (&settings.username, &settings.password) {
            (Some(user), Some(password)) => {
                builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
            }
            (None, None) => {}
            _ => {
                return Err(ConfigError("SMTP username and password go together: give both or neither".into()));
            }
        }
        Ok(Mailer { transport: builder.build(), from, domain, server: format!("{}:{}", settings.host, settings.port) })
    }

    /// The Message-ID a message gets: `<aduan-{id}@{domain of from}>`. The same for every
    /// try of one outbox message, so a receiver can tell a retry from a new mail.
    pub fn message_id(&self, id: MessageId) -> String {
        format!("<aduan-{id}@{}>", self.domain)
    }

    /// Sends one mail, multipart/alternative text and HTML, to `to` (an address, or
    /// `Name <address>`). With `unsubscribe`, adds `List-Unsubscribe: <url>` and
    /// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058). The answer is the
    /// server's reply to the message, e.g. `250 OK`.
    pub async fn send(&self, id: MessageId, to: &str, mail: &Rendered, unsubscribe: Option<&str>) -> SendResult {
        let message = self.build(id, to, mail, unsubscribe)?;
        match self.transport.send(message).await {
            Ok(response) => Ok(reply_text(&response)),
            Err(e) => Err(classify(&e, &self.server)),
        }
    }

    /// The message as it goes on the wire, for [`Mailer::send`] and tests.
    fn build(&self, id: MessageId, to: &str, mail: &Rendered, unsubscribe: Option<&str>) -> Result<Message, SendError> {
        let to: Mailbox =
            to.trim().parse().map_err(|e| SendError::Permanent(format!("bad e-mail address {to:?}: {e}")))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(self.message_id(id)));
        if let Some(url) = unsubscribe {
            if url.is_empty() || !url.bytes().all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>') {
                return Err(SendError::Permanent(format!("bad unsubscribe URL {url:?}")));
            }
            builder = builder
                .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), format!("<{url}>")))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        builder
            .multipart(MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone()))
            .map_err(|e| SendError::Permanent(format!("cannot build the mail: {e}")))
    }
}

fn tls_parameters(host: &str) -> Result<TlsParameters, ConfigError> {
    TlsParameters::new(host.to_owned()).map_err(|e| ConfigError(format!("cannot set up TLS for {host}: {e}")))
}

/// `250 2.0.0 Ok: queued as …`: the code and the reply's lines.
fn reply_text(response: &Response) -> String {
    let lines: Vec<&str> = response.message().collect();
    if lines.is_empty() { response.code().to_string() } else { format!("{} {}", response.code(), lines.join(" ")) }
}

fn classify(e: &lettre::transport::smtp::Error, server: &str) -> SendError {
    // lettre's text carries the reply code and the server's words, e.g.
    // "permanent error (550): 5.1.1 no such user".
    let mut reason = e.to_string();
    if !e.is_permanent() && !e.is_transient() {
        // Network and TLS errors: lettre's text is "network error: …"; say which server,
        // and add the cause chain past the first, which Display already includes.
        reason = format!("SMTP server {server}: {reason}");
        let mut source = std::error::Error::source(e).and_then(std::error::Error::source);
        while let Some(inner) = source {
            reason.push_str(": ");
            reason.push_str(&inner.to_string());
            source = inner.source();
        }
    }
    if e.is_permanent() {
        let code = e.status().map(|c| c.to_string()).unwrap_or_default();
        if AUTH_REPLIES.contains(&code.as_str()) {
            return SendError::Retry(format!("the SMTP server refused the login: {reason}"));
        }
        return SendError::Permanent(reason);
    }
    // 4xx replies, connection refused, timeouts, TLS failures, a dropped connection, and
    // what lettre refuses for want of a server feature (STARTTLS, an AUTH mechanism,
    // SMTPUTF8): all may pass, or be fixed by an operator; the outbox's try limit ends it.
    SendError::Retry(reason)
}
