//! The delivery worker: takes due messages from the outbox, sends them, and records the
//! outcome. Retries back off exponentially; after the attempt limit a message is parked
//! as failed for a system admin to look at and send again.
//!
//! Several processes may run it on one PostgreSQL database: a message is claimed by one
//! worker for a lease (`FOR UPDATE SKIP LOCKED`), and a worker that dies loses its claim
//! when the lease ends. A worker that sent but died before recording it sends again
//! after the lease; the outbox id is the message's id on the wire (the e-mail's
//! Message-ID, the gateway's reference, the webhook's delivery id), so the receiver sees
//! the same message twice, not two messages.

use crate::render::{self, Links};
use crate::transport::{Mailer, SendError, SmsGateway, WebhookSender};
use aduan_domain::ids::WebhookId;
use aduan_domain::notice::{Medium, Message, Webhook};
use aduan_domain::time::Timestamp;
use aduan_service::{App, AppResult};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// What the worker can send with.
pub struct Transports {
    pub mailer: Option<Mailer>,
    pub sms: Option<SmsGateway>,
    pub webhooks: WebhookSender,
}

#[derive(Debug, Clone)]
pub struct DeliveryOptions {
    /// Time between passes when the outbox was empty.
    pub interval: Duration,
    /// Messages claimed per pass.
    pub batch: u32,
    /// How long a claim lasts; longer than a batch takes to send.
    pub lease: Duration,
    /// Attempts before a message is parked as failed.
    pub max_attempts: u32,
    /// Wait before the first retry; doubled at each further attempt.
    pub backoff: Duration,
    /// The longest wait between two attempts.
    pub max_backoff: Duration,
    /// This process's name in the claims.
    pub holder: String,
    /// The address the public reaches the deployment at, for links in messages.
    pub base_url: String,
}

impl Default for DeliveryOptions {
    fn default() -> Self {
        DeliveryOptions {
            interval: Duration::from_secs(5),
            batch: 10,
            lease: Duration::from_secs(300),
            max_attempts: 8,
            backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(6 * 3600),
            holder: format!("{}:{}:outbox", hostname(), std::process::id()),
            base_url: "http://127.0.0.1:8080".into(),
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_string()).unwrap_or_else(|_| "aduan".into())
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    /// Failed attempts that will be retried.
    pub retried: usize,
    /// Messages parked as failed.
    pub failed: usize,
    /// Claims lost to another worker before the outcome was recorded.
    pub lost: usize,
}

impl Delivered {
    pub fn claimed(&self) -> usize {
        self.sent + self.retried + self.failed + self.lost
    }
}

pub struct Worker {
    app: Arc<App>,
    transports: Transports,
    options: DeliveryOptions,
}

impl Worker {
    pub fn new(app: Arc<App>, transports: Transports, options: DeliveryOptions) -> Self {
        Worker { app, transports, options }
    }

    /// Sends one batch of what is due now.
    pub async fn tick(&self) -> AppResult<Delivered> {
        let now = self.app.now();
        let lease = chrono::Duration::from_std(self.options.lease).unwrap_or(chrono::Duration::minutes(5));
        let store = self.app.store();
        let claimed = store.claim_messages(&self.options.holder, now, now + lease, self.options.batch).await?;
        let mut done = Delivered::default();
        if claimed.is_empty() {
            return Ok(done);
        }
        let hooks: HashMap<WebhookId, Webhook> = store.webhooks().await?.into_iter().map(|h| (h.id, h)).collect();
        for message in claimed {
            let outcome = self.deliver(&message, &hooks).await;
            let holder = &self.options.holder;
            let recorded = match &outcome {
                Ok(response) => {
                    let ok = store.message_sent(message.id, holder, self.app.now(), Some(response)).await?;
                    if ok {
                        done.sent += 1;
                    }
                    ok
                }
                Err(error) => {
                    let attempts = message.attempts + 1;
                    let retry_at = match error {
                        SendError::Retry(_) if attempts < self.options.max_attempts => {
                            Some(self.retry_at(self.app.now(), attempts))
                        }
                        _ => None,
                    };
                    let ok = store
                        .message_failed(message.id, holder, &error.to_string(), Some(error.reason()), retry_at)
                        .await?;
                    if ok {
                        match retry_at {
                            Some(_) => done.retried += 1,
                            None => done.failed += 1,
                        }
                        tracing::warn!(
                            message = %message.id,
                            medium = message.message.medium.as_str(),
                            attempts,
                            parked = retry_at.is_none(),
                            error = %error,
                            "message not delivered"
                        );
                    }
                    ok
                }
            };
            if !recorded {
                done.lost += 1;
            }
        }
        if done.claimed() > 0 {
            tracing::info!(
                sent = done.sent,
                retried = done.retried,
                failed = done.failed,
                lost = done.lost,
                "outbox pass"
            );
        }
        Ok(done)
    }

    /// Exponential backoff from the first retry, capped.
    fn retry_at(&self, now: Timestamp, attempts: u32) -> Timestamp {
        let factor = 2u32.saturating_pow(attempts.saturating_sub(1).min(20));
        let wait = self.options.backoff.saturating_mul(factor).min(self.options.max_backoff);
        now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1))
    }

    async fn deliver(&self, message: &Message, hooks: &HashMap<WebhookId, Webhook>) -> Result<String, SendError> {
        let new = &message.message;
        let base = self.options.base_url.trim_end_matches('/');
        match new.medium {
            Medium::Email | Medium::Sms => {
                let unsubscribe = self.app.unsubscribe_token(new).map(|token| format!("{base}/berhenti/{token}"));
                let preferences = new.person.map(|_| format!("{base}/akun/notifikasi"));
                let links =
                    Links { base_url: base, unsubscribe: unsubscribe.as_deref(), preferences: preferences.as_deref() };
                let rendered = render::render(new, &links).map_err(|e| SendError::Permanent(e.to_string()))?;
                if new.medium == Medium::Email {
                    let mailer = self.transports.mailer.as_ref().ok_or_else(|| no_transport("SMTP"))?;
                    mailer.send(message.id, &new.address, &rendered, unsubscribe.as_deref()).await
                } else {
                    let gateway = self.transports.sms.as_ref().ok_or_else(|| no_transport("SMS gateway"))?;
                    gateway.send(message.id, &new.address, &rendered.short).await
                }
            }
            Medium::Webhook => {
                let hook = new
                    .webhook
                    .and_then(|id| hooks.get(&id))
                    .filter(|h| h.active)
                    .ok_or_else(|| SendError::Permanent("the webhook was turned off".into()))?;
                let body = render::webhook_body(message.id, new, base);
                let event = new.facts.event.as_deref().unwrap_or("event");
                let now = self.app.now().timestamp();
                self.transports.webhooks.send(message.id, &hook.url, &hook.secret, event, &body, now).await
            }
        }
    }

    /// Passes until `shutdown` turns true: straight on while there is work, otherwise
    /// every interval. Errors are logged, not fatal.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            let busy = match self.tick().await {
                Ok(done) => done.claimed() > 0,
                Err(e) => {
                    tracing::warn!(error = %e, "outbox pass failed");
                    false
                }
            };
            let pause = if busy { Duration::ZERO } else { self.options.interval };
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                changed = shutdown.changed() => {
                    if changed.is_err() || *shutdown.borrow() {
                        break;
                    }
                }
            }
        }
    }
}

fn no_transport(what: &str) -> SendError {
    SendError::Permanent(format!("no {what} configured"))
}
