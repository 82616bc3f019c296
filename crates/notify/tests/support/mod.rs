//! Real servers for the transports' tests: an SMTP server (aiosmtpd, from PyPI, writing a
//! Maildir) and an HTTP endpoint (axum) that records what it is sent and answers with a
//! programmable sequence of replies.
//!
//! ```ignore
//! mod support;
//! use support::{HttpRecorder, Reply, SmtpServer};
//!
//! let mut smtp = SmtpServer::start();              // python3 -m aiosmtpd on a free port
//! let mailer = Mailer::new(&smtp.settings())?;     // plain SMTP to it
//! mailer.send(id, "warga@example.id", &mail, None).await?;
//! let mails = smtp.messages();                     // parsed, oldest first
//! assert_eq!(mails[0].subject(), Some("…"));
//! smtp.stop();                                     // sends now fail with Retry
//! smtp.restart();                                  // same port, same mailbox
//!
//! let http = HttpRecorder::start().await;          // 127.0.0.1, a free port
//! http.respond_with([Reply::new(500, "down")]);    // then the fallback, 200 "ok"
//! let url = http.url("/hook");
//! let requests = http.requests();
//! ```
//!
//! Each test binary uses only part of this module.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::fs;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use aduan_notify::transport::{SmtpSettings, TlsMode};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

/// The aiosmtpd release installed when python3 lacks it.
pub const AIOSMTPD_VERSION: &str = "1.4.6";

/// A port on 127.0.0.1 that nothing listened on a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("bind a free port").port()
}

/// Makes `import aiosmtpd` work, installing it with pip once if needed. Panics with pip's
/// output when that fails.
pub fn ensure_aiosmtpd() {
    static READY: OnceLock<Result<(), String>> = OnceLock::new();
    let ready = READY.get_or_init(|| {
        let importable = |python: &str| {
            Command::new(python)
                .args(["-c", "import aiosmtpd"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        if importable("python3") {
            return Ok(());
        }
        let out = Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
            .arg(format!("aiosmtpd=={AIOSMTPD_VERSION}"))
            .output()
            .map_err(|e| format!("cannot run python3 -m pip: {e}"))?;
        if out.status.success() && importable("python3") {
            Ok(())
        } else {
            Err(format!(
                "pip install aiosmtpd=={AIOSMTPD_VERSION} failed: {}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    });
    if let Err(e) = ready {
        panic!("{e}");
    }
}

/// An aiosmtpd process on 127.0.0.1 that accepts every mail and stores it in a Maildir
/// (`aiosmtpd.handlers.Mailbox`). Killed when dropped.
pub struct SmtpServer {
    port: u16,
    dir: tempfile::TempDir,
    size_limit: Option<usize>,
    child: Option<Child>,
}

impl SmtpServer {
    /// Starts a server on a free port and waits until it accepts connections.
    pub fn start() -> Self {
        Self::launch(None)
    }

    /// Like [`SmtpServer::start`], refusing messages bigger than `bytes` (RFC 1870 SIZE; a
    /// bigger message gets `552`), to provoke a permanent failure.
    pub fn start_with_size_limit(bytes: usize) -> Self {
        Self::launch(Some(bytes))
    }

    fn launch(size_limit: Option<usize>) -> Self {
        ensure_aiosmtpd();
        let dir = tempfile::tempdir().expect("temp dir for the mailbox");
        let mut server = SmtpServer { port: free_port(), dir, size_limit, child: None };
        server.spawn();
        server
    }

    pub fn host(&self) -> &'static str {
        "127.0.0.1"
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether the process runs (started and not stopped).
    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// Settings for a [`aduan_notify::transport::Mailer`] sending here: no TLS, no login,
    /// from `Aduan <noreply@example.go.id>`, a 10 s timeout.
    pub fn settings(&self) -> SmtpSettings {
        SmtpSettings {
            host: self.host().to_owned(),
            port: self.port,
            tls: TlsMode::None,
            username: None,
            password: None,
            from: "Aduan <noreply@example.go.id>".to_owned(),
            timeout: Duration::from_secs(10),
        }
    }

    /// The Maildir the server writes.
    pub fn maildir(&self) -> PathBuf {
        self.dir.path().join("maildir")
    }

    /// What the server printed (both streams, every run).
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("aiosmtpd.log")).unwrap_or_default()
    }

    /// Kills the server and waits for it to end; connections are refused from then on.
    /// Does nothing when it is not running.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port, with the same mailbox (messages
    /// accumulate), and waits until it accepts connections. Stops it first if running.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    fn spawn(&mut self) {
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("aiosmtpd.log"))
            .expect("open the server log");
        let mut command = Command::new("python3");
        command.args(["-m", "aiosmtpd", "-n", "-l"]).arg(format!("127.0.0.1:{}", self.port));
        if let Some(bytes) = self.size_limit {
            command.arg("-s").arg(bytes.to_string());
        }
        command
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(self.maildir())
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone the log handle"))
            .stderr(log);
        let child = command.spawn().expect("spawn python3 -m aiosmtpd");
        self.child = Some(child);
        self.wait_ready();
    }

    fn wait_ready(&mut self) {
        let address = SocketAddr::from(([127, 0, 0, 1], self.port));
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return;
            }
            let exited = match self.child.as_mut() {
                Some(child) => child.try_wait().expect("poll aiosmtpd").map(|s| s.to_string()),
                None => Some("not started".to_owned()),
            };
            if let Some(status) = exited {
                self.child = None;
                panic!("aiosmtpd on port {} ended ({status}):\n{}", self.port, self.log());
            }
            if Instant::now() > deadline {
                self.stop();
                panic!("aiosmtpd did not listen on port {} within 30 s:\n{}", self.port, self.log());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Every mail delivered so far, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = fs::read_dir(self.maildir().join(sub)) else { continue };
            for entry in entries.flatten() {
                let modified = entry.metadata().and_then(|m| m.modified()).unwrap_or(std::time::UNIX_EPOCH);
                files.push((modified, entry.path()));
            }
        }
        files.sort();
        files.iter().map(|(_, path)| ReceivedMail::read(path)).collect()
    }

    /// Waits up to `timeout` for at least `count` mails, and returns all there are.
    pub fn wait_for_messages(&self, count: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + timeout;
        loop {
            let mails = self.messages();
            if mails.len() >= count || Instant::now() > deadline {
                return mails;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One mail as the SMTP server stored it. aiosmtpd adds `X-Peer`, `X-MailFrom` and
/// `X-RcptTo` (the envelope) to the headers the client sent.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// The message as stored, headers and body, transfer encodings not undone.
    pub raw: String,
    /// The top-level headers in order: (name, value with RFC 2047 encoded-words decoded
    /// and folding undone).
    pub headers: Vec<(String, String)>,
    /// The leaf parts (the message itself when it is not multipart), bodies decoded.
    pub parts: Vec<ReceivedPart>,
    /// The content type of the message itself, e.g. `multipart/alternative`.
    pub mimetype: String,
}

/// A leaf part of a received mail.
#[derive(Debug, Clone)]
pub struct ReceivedPart {
    /// e.g. `text/plain`.
    pub mimetype: String,
    pub charset: String,
    /// Transfer encoding undone, charset applied, line ends `\n`.
    pub body: String,
}

impl ReceivedMail {
    /// Reads and parses one stored message.
    pub fn read(path: &Path) -> Self {
        let bytes = fs::read(path).expect("read a stored mail");
        Self::parse(&bytes)
    }

    /// Parses a message.
    pub fn parse(bytes: &[u8]) -> Self {
        let parsed = mailparse::parse_mail(bytes).expect("parse a stored mail");
        let headers = parsed.headers.iter().map(|h| (h.get_key(), h.get_value())).collect();
        let parts = parsed
            .parts()
            .filter(|part| part.subparts.is_empty())
            .map(|part| ReceivedPart {
                mimetype: part.ctype.mimetype.clone(),
                charset: part.ctype.charset.clone(),
                body: part.get_body().expect("decode a mail part").replace("\r\n", "\n"),
            })
            .collect();
        ReceivedMail {
            raw: String::from_utf8_lossy(bytes).into_owned(),
            headers,
            parts,
            mimetype: parsed.ctype.mimetype.clone(),
        }
    }

    /// The first header of that name (any case), decoded.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// Every header of that name (any case), decoded, in order.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str()).collect()
    }

    pub fn subject(&self) -> Option<&str> {
        self.header("Subject")
    }

    pub fn message_id(&self) -> Option<&str> {
        self.header("Message-ID")
    }

    /// The `To` header (not the envelope: see [`ReceivedMail::envelope_to`]).
    pub fn to(&self) -> Option<&str> {
        self.header("To")
    }

    pub fn from(&self) -> Option<&str> {
        self.header("From")
    }

    /// The envelope recipients (RCPT TO), as aiosmtpd recorded them.
    pub fn envelope_to(&self) -> Option<&str> {
        self.header("X-RcptTo")
    }

    /// The body of the first part of that type (`text/plain`, `text/html`, …).
    pub fn part(&self, mimetype: &str) -> Option<&str> {
        self.parts.iter().find(|p| p.mimetype.eq_ignore_ascii_case(mimetype)).map(|p| p.body.as_str())
    }

    /// The plain-text part.
    pub fn text(&self) -> Option<&str> {
        self.part("text/plain")
    }

    /// The HTML part.
    pub fn html(&self) -> Option<&str> {
        self.part("text/html")
    }
}

/// One reply of an [`HttpRecorder`].
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub headers: Vec<(String, String)>,
    /// Waits this long before answering (to provoke a client timeout).
    pub delay: Duration,
}

impl Reply {
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Reply { status, body: body.into(), headers: Vec::new(), delay: Duration::ZERO }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

impl From<(u16, &str)> for Reply {
    fn from((status, body): (u16, &str)) -> Self {
        Reply::new(status, body)
    }
}

impl From<u16> for Reply {
    fn from(status: u16) -> Self {
        Reply::new(status, "")
    }
}

/// A request an [`HttpRecorder`] received.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    /// The path and the query, as sent (still percent-encoded).
    pub path: String,
    /// Names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RecordedRequest {
    /// The first header of that name (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// The body as JSON; panics when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.body))
    }
}

struct RecorderState {
    requests: Vec<RecordedRequest>,
    queued: VecDeque<Reply>,
    fallback: Reply,
}

/// An HTTP server on 127.0.0.1 (a free port) that records every request, whatever its
/// method and path, and answers with the queued replies in order, then with the fallback
/// (`200 ok` unless changed). Stops when dropped.
pub struct HttpRecorder {
    addr: SocketAddr,
    state: Arc<Mutex<RecorderState>>,
    task: tokio::task::JoinHandle<()>,
}

impl HttpRecorder {
    /// Starts serving on the current Tokio runtime.
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(RecorderState {
            requests: Vec::new(),
            queued: VecDeque::new(),
            fallback: Reply::new(200, "ok"),
        }));
        let app = Router::new().fallback(record).with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the HTTP recorder");
        let addr = listener.local_addr().expect("the recorder's address");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        HttpRecorder { addr, state, task }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, RecorderState> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queues replies, used one per request after those already queued.
    pub fn respond_with<R: Into<Reply>>(&self, replies: impl IntoIterator<Item = R>) {
        self.state().queued.extend(replies.into_iter().map(Into::into));
    }

    /// The reply once the queue is empty.
    pub fn set_fallback(&self, reply: impl Into<Reply>) {
        self.state().fallback = reply.into();
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT{path}`; `path` starts with `/`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state().requests.clone()
    }

    /// Forgets the requests received so far.
    pub fn clear(&self) {
        self.state().requests.clear();
    }

    /// Waits up to `timeout` for at least `count` requests, and returns all there are.
    pub async fn wait_for_requests(&self, count: usize, timeout: Duration) -> Vec<RecordedRequest> {
        let deadline = Instant::now() + timeout;
        loop {
            let requests = self.requests();
            if requests.len() >= count || Instant::now() > deadline {
                return requests;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for HttpRecorder {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(
    State(state): State<Arc<Mutex<RecorderState>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let reply = {
        let mut state = state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        state.requests.push(RecordedRequest {
            method: method.to_string(),
            path: uri.path_and_query().map(|p| p.to_string()).unwrap_or_else(|| "/".into()),
            headers: headers
                .iter()
                .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into()))
                .collect(),
            body: String::from_utf8_lossy(&body).into_owned(),
        });
        let fallback = state.fallback.clone();
        state.queued.pop_front().unwrap_or(fallback)
    };
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let status = StatusCode::from_u16(reply.status).expect("a valid HTTP status");
    let mut response = (status, reply.body).into_response();
    for (name, value) in &reply.headers {
        response.headers_mut().append(
            HeaderName::from_bytes(name.as_bytes()).expect("a valid header name"),
            HeaderValue::from_str(value).expect("a valid header value"),
        );
    }
    response
}
