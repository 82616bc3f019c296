//! Settings of outgoing messages: SMTP, the SMS/WhatsApp gateway, the outbox worker and
//! the key that signs unsubscribe links. From the `[mail]`, `[sms]` and `[outbox]`
//! tables of the configuration file, with the SMTP keys also from the environment.

use aduan_notify::transport::{BodyEncoding, GatewaySettings, SmtpSettings, TlsMode};
use aduan_notify::worker::DeliveryOptions;
use anyhow::Context;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    pub smtp_host: Option<String>,
    pub smtp_port: Option<u16>,
    /// `none`, `starttls` or `tls`.
    pub tls: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender, e.g. `Aduan Kutai Timur <noreply@kutaitimurkab.go.id>`.
    pub from: Option<String>,
    pub timeout_seconds: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsConfig {
    /// The provider's endpoint; `{to}`, `{id}` and `{text}` are filled in (URL-encoded).
    pub url: Option<String>,
    pub method: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The request body with `{to}`, `{id}` and `{text}`.
    pub body: Option<String>,
    /// How values are written into the body: `json`, `form` or `raw`.
    pub encoding: Option<String>,
    pub timeout_seconds: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboxConfig {
    pub max_attempts: Option<u32>,
    pub backoff_seconds: Option<u64>,
    pub batch: Option<u32>,
    pub interval_seconds: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct NotifySettings {
    pub smtp: Option<SmtpSettings>,
    pub sms: Option<GatewaySettings>,
    pub delivery: DeliveryOptions,
    pub signing_key: Vec<u8>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl NotifySettings {
    pub fn resolve(
        mail: MailConfig,
        sms: SmsConfig,
        outbox: OutboxConfig,
        secret_key: Option<String>,
        data_dir: &Path,
        base_url: String,
    ) -> anyhow::Result<NotifySettings> {
        let smtp = match env("ADUAN_SMTP_HOST").or(mail.smtp_host) {
            None => None,
            Some(host) => {
                let tls = env("ADUAN_SMTP_TLS").or(mail.tls).unwrap_or_else(|| "starttls".into());
                let tls = TlsMode::parse(&tls)
                    .with_context(|| format!("SMTP tls must be none, starttls or tls, not {tls:?}"))?;
                let port = match env("ADUAN_SMTP_PORT") {
                    Some(p) => p.parse().with_context(|| format!("ADUAN_SMTP_PORT {p:?} is not a port"))?,
                    None => mail.smtp_port.unwrap_or(match tls {
                        TlsMode::Tls => 465,
                        TlsMode::StartTls => 587,
                        TlsMode::None => 25,
                    }),
                };
                Some(SmtpSettings {
                    host,
                    port,
                    tls,
                    username: env("ADUAN_SMTP_USERNAME").or(mail.username),
                    password: env("ADUAN_SMTP_PASSWORD").or(mail.password),
                    from: env("ADUAN_MAIL_FROM")
                        .or(mail.from)
                        .context("mail needs a sender: `from` or ADUAN_MAIL_FROM")?,
                    timeout: Duration::from_secs(mail.timeout_seconds.unwrap_or(20).max(1)),
                })
            }
        };
        let sms = match env("ADUAN_SMS_URL").or(sms.url.clone()) {
            None => None,
            Some(url) => {
                let encoding = sms.encoding.as_deref().unwrap_or("json");
                Some(GatewaySettings {
                    url,
                    method: sms.method.unwrap_or_else(|| "POST".into()),
                    headers: sms.headers.into_iter().collect(),
                    body: sms.body,
                    encoding: BodyEncoding::parse(encoding)
                        .with_context(|| format!("sms encoding must be json, form or raw, not {encoding:?}"))?,
                    timeout: Duration::from_secs(sms.timeout_seconds.unwrap_or(20).max(1)),
                })
            }
        };
        let defaults = DeliveryOptions::default();
        let delivery = DeliveryOptions {
            max_attempts: outbox.max_attempts.unwrap_or(defaults.max_attempts).max(1),
            backoff: outbox.backoff_seconds.map(Duration::from_secs).unwrap_or(defaults.backoff),
            batch: outbox.batch.unwrap_or(defaults.batch).clamp(1, 200),
            interval: outbox.interval_seconds.map(|s| Duration::from_secs(s.max(1))).unwrap_or(defaults.interval),
            base_url,
            ..defaults
        };
        let signing_key = match env("ADUAN_SECRET_KEY").or(secret_key) {
            Some(key) => key.into_bytes(),
            None => local_key(data_dir)?,
        };
        Ok(NotifySettings { smtp, sms, delivery, signing_key })
    }
}

/// The signing key of a single-machine deployment, made on first start and kept in the
/// data directory. Several processes must share one: set `secret_key`.
fn local_key(data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    let path = data_dir.join("secret.key");
    if let Ok(key) = std::fs::read_to_string(&path)
        && !key.trim().is_empty()
    {
        return Ok(key.trim().as_bytes().to_vec());
    }
    std::fs::create_dir_all(data_dir).with_context(|| format!("cannot create {}", data_dir.display()))?;
    let key = aduan_service::new_secret();
    write_private(&path, &key).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(key.into_bytes())
}

#[cfg(unix)]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    file.write_all(content.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}
