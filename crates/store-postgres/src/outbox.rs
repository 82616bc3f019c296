//! The outbox (messages waiting to be sent, and those sent), webhooks, notice opt-outs,
//! single-use account tokens and confirmed e-mail addresses.
//!
//! Several processes may deliver at once: a claim takes rows with `FOR UPDATE SKIP
//! LOCKED`, so two workers never get the same message and neither waits for the other.

use aduan_domain::ids::{MessageId, OrgId, PersonId, ReportId, WebhookId};
use aduan_domain::lifecycle::Filing;
use aduan_domain::notice::{
    DeliveryState, Facts, Medium, Message, NewAccountToken, NewMessage, NewWebhook, NoticeKind, TokenPurpose, Webhook,
};
use aduan_domain::person::Locale;
use aduan_domain::time::Timestamp;
use aduan_store::codec::{checked, from_json_value, parse};
use aduan_store::{IdempotencyKey, MessageFilter, StoreError, StoreResult};
use sqlx::types::Json;
use sqlx::{AssertSqlSafe, PgConnection, PgPool, Postgres, QueryBuilder};

/// The columns a [`MessageRow`] is read from.
const MESSAGE_COLUMNS: &str = "id, created_at, kind, medium, address, locale, person_id, report_id, webhook_id, facts, \
     dedupe_key, state, attempts, next_attempt_at, sent_at, last_error, response";

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: i64,
    created_at: Timestamp,
    kind: String,
    medium: String,
    address: String,
    locale: String,
    person_id: Option<i64>,
    report_id: Option<i64>,
    webhook_id: Option<i64>,
    facts: serde_json::Value,
    dedupe_key: Option<String>,
    state: String,
    attempts: i32,
    next_attempt_at: Timestamp,
    sent_at: Option<Timestamp>,
    last_error: Option<String>,
    response: Option<String>,
}

impl MessageRow {
    fn into_message(self) -> StoreResult<Message> {
        Ok(Message {
            id: MessageId(self.id),
            message: NewMessage {
                kind: parse("kind", &self.kind, NoticeKind::parse)?,
                medium: parse("medium", &self.medium, Medium::parse)?,
                address: self.address,
                locale: parse("locale", &self.locale, Locale::parse)?,
                person: self.person_id.map(PersonId),
                report: self.report_id.map(ReportId),
                webhook: self.webhook_id.map(WebhookId),
                facts: from_json_value::<Facts>("facts", self.facts)?,
                dedupe_key: self.dedupe_key,
                created_at: self.created_at,
            },
            state: parse("state", &self.state, DeliveryState::parse)?,
            attempts: checked("attempts", u32::try_from(self.attempts))?,
            next_attempt_at: self.next_attempt_at,
            sent_at: self.sent_at,
            last_error: self.last_error,
            response: self.response,
        })
    }
}

fn into_messages(rows: Vec<MessageRow>) -> StoreResult<Vec<Message>> {
    rows.into_iter().map(MessageRow::into_message).collect()
}

/// Writes messages in the caller's transaction, due at once; a message whose dedupe key
/// is already in the outbox (or earlier in `messages`) is skipped. Returns how many were
/// written.
pub async fn insert(conn: &mut PgConnection, messages: &[NewMessage]) -> StoreResult<usize> {
    if messages.is_empty() {
        return Ok(0);
    }
    let n = messages.len();
    let mut created_at = Vec::with_capacity(n);
    let mut kind = Vec::with_capacity(n);
    let mut medium = Vec::with_capacity(n);
    let mut address = Vec::with_capacity(n);
    let mut locale = Vec::with_capacity(n);
    let mut person = Vec::with_capacity(n);
    let mut report = Vec::with_capacity(n);
    let mut webhook = Vec::with_capacity(n);
    let mut facts = Vec::with_capacity(n);
    let mut dedupe_key = Vec::with_capacity(n);
    for m in messages {
        created_at.push(m.created_at);
        kind.push(m.kind.as_str());
        medium.push(m.medium.as_str());
        address.push(m.address.as_str());
        locale.push(m.locale.as_str());
        person.push(m.person.map(|p| p.0));
        report.push(m.report.map(|r| r.0));
        webhook.push(m.webhook.map(|w| w.0));
        facts.push(Json(&m.facts));
        dedupe_key.push(m.dedupe_key.as_deref());
    }
    let done = sqlx::query(
        "INSERT INTO outbox (created_at, kind, medium, address, locale, person_id, report_id, webhook_id, facts, \
         dedupe_key, next_attempt_at) \
         SELECT c, k, m, a, l, p, r, w, f, d, c FROM UNNEST($1::timestamptz[], $2::text[], $3::text[], $4::text[], \
         $5::text[], $6::bigint[], $7::bigint[], $8::bigint[], $9::jsonb[], $10::text[]) WITH ORDINALITY \
         AS u (c, k, m, a, l, p, r, w, f, d, n) ORDER BY n \
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(created_at)
    .bind(kind)
    .bind(medium)
    .bind(address)
    .bind(locale)
    .bind(person)
    .bind(report)
    .bind(webhook)
    .bind(facts)
    .bind(dedupe_key)
    .execute(&mut *conn)
    .await?;
    usize::try_from(done.rows_affected()).map_err(|e| StoreError::Other(format!("rows written: {e}")))
}

/// The messages of filings just stored, each naming its new report.
pub fn filed(batch: &[(Filing, Option<IdempotencyKey>)], ids: &[ReportId]) -> Vec<NewMessage> {
    batch
        .iter()
        .zip(ids)
        .flat_map(|((filing, _), id)| {
            filing.messages.iter().map(move |m| NewMessage { report: Some(*id), ..m.clone() })
        })
        .collect()
}

pub async fn claim(
    pool: &PgPool,
    holder: &str,
    now: Timestamp,
    lease_until: Timestamp,
    limit: u32,
) -> StoreResult<Vec<Message>> {
    let mut rows: Vec<MessageRow> = sqlx::query_as(AssertSqlSafe(format!(
        "UPDATE outbox SET claimed_by = $1, claimed_until = $2 WHERE id IN (\
         SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= $3 \
         AND (claimed_until IS NULL OR claimed_until <= $3) ORDER BY next_attempt_at, id LIMIT $4 \
         FOR UPDATE SKIP LOCKED) RETURNING {MESSAGE_COLUMNS}"
    )))
    .bind(holder)
    .bind(lease_until)
    .bind(now)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    rows.sort_by_key(|r| r.id);
    into_messages(rows)
}

pub async fn sent(
    pool: &PgPool,
    id: MessageId,
    holder: &str,
    now: Timestamp,
    response: Option<&str>,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE outbox SET state = 'sent', sent_at = $1, response = $2, attempts = attempts + 1, claimed_by = NULL, \
         claimed_until = NULL WHERE id = $3 AND claimed_by = $4 AND state = 'pending'",
    )
    .bind(now)
    .bind(response)
    .bind(id.0)
    .bind(holder)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn failed(
    pool: &PgPool,
    id: MessageId,
    holder: &str,
    error: &str,
    response: Option<&str>,
    retry_at: Option<Timestamp>,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $1, response = $2, claimed_by = NULL, \
         claimed_until = NULL, state = CASE WHEN $3::timestamptz IS NULL THEN 'failed' ELSE 'pending' END, \
         next_attempt_at = COALESCE($3, next_attempt_at) WHERE id = $4 AND claimed_by = $5 AND state = 'pending'",
    )
    .bind(error)
    .bind(response)
    .bind(retry_at)
    .bind(id.0)
    .bind(holder)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn by_id(pool: &PgPool, id: MessageId) -> StoreResult<Option<Message>> {
    let row: Option<MessageRow> =
        sqlx::query_as(AssertSqlSafe(format!("SELECT {MESSAGE_COLUMNS} FROM outbox WHERE id = $1")))
            .bind(id.0)
            .fetch_optional(pool)
            .await?;
    row.map(MessageRow::into_message).transpose()
}

pub async fn list(pool: &PgPool, filter: &MessageFilter, limit: u32) -> StoreResult<Vec<Message>> {
    let mut q = QueryBuilder::<Postgres>::new(format!("SELECT {MESSAGE_COLUMNS} FROM outbox WHERE true"));
    if let Some(state) = filter.state {
        q.push(" AND state = ").push_bind(state.as_str());
    }
    if let Some(webhook) = filter.webhook {
        q.push(" AND webhook_id = ").push_bind(webhook.0);
    }
    if let Some(report) = filter.report {
        q.push(" AND report_id = ").push_bind(report.0);
    }
    if let Some(address) = &filter.address {
        q.push(" AND address = ").push_bind(address.clone());
    }
    q.push(" ORDER BY id DESC LIMIT ").push_bind(i64::from(limit));
    let rows: Vec<MessageRow> = q.build_query_as().fetch_all(pool).await?;
    into_messages(rows)
}

pub async fn resend(pool: &PgPool, id: MessageId, now: Timestamp) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $1, claimed_by = NULL, \
         claimed_until = NULL WHERE id = $2 AND state = 'failed'",
    )
    .bind(now)
    .bind(id.0)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(sqlx::FromRow)]
struct WebhookRow {
    id: i64,
    org_id: i64,
    url: String,
    events: Vec<String>,
    secret: String,
    active: bool,
    created_at: Timestamp,
}

impl From<WebhookRow> for Webhook {
    fn from(r: WebhookRow) -> Self {
        Webhook {
            id: WebhookId(r.id),
            org: OrgId(r.org_id),
            url: r.url,
            events: r.events,
            secret: r.secret,
            active: r.active,
            created_at: r.created_at,
        }
    }
}

pub async fn create_webhook(pool: &PgPool, hook: &NewWebhook, now: Timestamp) -> StoreResult<WebhookId> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO webhooks (org_id, url, events, secret, active, created_at) VALUES ($1, $2, $3, $4, true, $5) \
         RETURNING id",
    )
    .bind(hook.org.0)
    .bind(&hook.url)
    .bind(&hook.events)
    .bind(&hook.secret)
    .bind(now)
    .fetch_one(pool)
    .await?;
    Ok(WebhookId(id))
}

pub async fn webhooks(pool: &PgPool) -> StoreResult<Vec<Webhook>> {
    let rows: Vec<WebhookRow> =
        sqlx::query_as("SELECT id, org_id, url, events, secret, active, created_at FROM webhooks ORDER BY id")
            .fetch_all(pool)
            .await?;
    Ok(rows.into_iter().map(Webhook::from).collect())
}

pub async fn set_webhook_active(pool: &PgPool, id: WebhookId, active: bool) -> StoreResult<()> {
    let done =
        sqlx::query("UPDATE webhooks SET active = $1 WHERE id = $2").bind(active).bind(id.0).execute(pool).await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("webhook {id}")));
    }
    Ok(())
}

pub async fn opt_outs(pool: &PgPool, subject: &str) -> StoreResult<Vec<NoticeKind>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT kind FROM notice_optouts WHERE subject = $1").bind(subject).fetch_all(pool).await?;
    let mut kinds = rows.iter().map(|(k,)| parse("kind", k, NoticeKind::parse)).collect::<StoreResult<Vec<_>>>()?;
    kinds.sort();
    Ok(kinds)
}

pub async fn set_opt_out(
    pool: &PgPool,
    subject: &str,
    kind: NoticeKind,
    opted_out: bool,
    now: Timestamp,
) -> StoreResult<()> {
    if opted_out {
        sqlx::query(
            "INSERT INTO notice_optouts (subject, kind, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (subject, kind) DO NOTHING",
        )
        .bind(subject)
        .bind(kind.as_str())
        .bind(now)
        .execute(pool)
        .await?;
    } else {
        sqlx::query("DELETE FROM notice_optouts WHERE subject = $1 AND kind = $2")
            .bind(subject)
            .bind(kind.as_str())
            .execute(pool)
            .await?;
    }
    Ok(())
}

pub async fn create_account_token(pool: &PgPool, token: &NewAccountToken) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO account_tokens (hash, person_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&token.hash)
    .bind(token.person.0)
    .bind(token.purpose.as_str())
    .bind(token.created_at)
    .bind(token.expires_at)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn use_account_token(
    pool: &PgPool,
    hash: &str,
    purpose: TokenPurpose,
    now: Timestamp,
) -> StoreResult<Option<PersonId>> {
    // Spent by the one statement that finds it unused: of two concurrent uses, the second
    // waits for the first's row lock, then finds it used.
    let row: Option<(i64, String, Timestamp)> = sqlx::query_as(
        "UPDATE account_tokens SET used_at = $1 WHERE hash = $2 AND used_at IS NULL \
         RETURNING person_id, purpose, expires_at",
    )
    .bind(now)
    .bind(hash)
    .fetch_optional(pool)
    .await?;
    let Some((person, stored, expires_at)) = row else { return Ok(None) };
    let stored = parse("purpose", &stored, TokenPurpose::parse)?;
    Ok((stored == purpose && expires_at > now).then_some(PersonId(person)))
}

pub async fn email_verified_at(pool: &PgPool, person: PersonId) -> StoreResult<Option<Timestamp>> {
    let row: Option<(Option<Timestamp>,)> = sqlx::query_as("SELECT email_verified_at FROM people WHERE id = $1")
        .bind(person.0)
        .fetch_optional(pool)
        .await?;
    Ok(row.and_then(|(at,)| at))
}

pub async fn set_email_verified(pool: &PgPool, person: PersonId, at: Timestamp) -> StoreResult<()> {
    let done = sqlx::query("UPDATE people SET email_verified_at = $1 WHERE id = $2")
        .bind(at)
        .bind(person.0)
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("person {person}")));
    }
    Ok(())
}
