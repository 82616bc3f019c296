//! The outbox (messages waiting to be sent, and those sent), webhooks, notice opt-outs,
//! single-use account tokens and confirmed e-mail addresses.
//!
//! Every write goes through the one writer connection, so a claim (one statement) can
//! never hand the same message to two workers.

use crate::time::{micros, ts, ts_opt};
use aduan_domain::ids::{MessageId, OrgId, PersonId, ReportId, WebhookId};
use aduan_domain::lifecycle::Filing;
use aduan_domain::notice::{
    DeliveryState, Facts, Medium, Message, NewAccountToken, NewMessage, NewWebhook, NoticeKind, TokenPurpose, Webhook,
};
use aduan_domain::person::Locale;
use aduan_domain::time::Timestamp;
use aduan_store::codec::{checked, from_json, parse, to_json};
use aduan_store::{IdempotencyKey, MessageFilter, StoreError, StoreResult};
use sqlx::sqlite::SqliteConnection;
use sqlx::{QueryBuilder, Sqlite, SqlitePool};

/// The columns a [`MessageRow`] is read from.
const MESSAGE_COLUMNS: &str = "id, created_at, kind, medium, address, locale, person_id, report_id, webhook_id, facts, \
     dedupe_key, state, attempts, next_attempt_at, sent_at, last_error, response";

/// SQLite accepts at most 32,766 bound values in one statement; 10 a row, stay well below.
const ROWS_PER_INSERT: usize = 2_000;

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: i64,
    created_at: i64,
    kind: String,
    medium: String,
    address: String,
    locale: String,
    person_id: Option<i64>,
    report_id: Option<i64>,
    webhook_id: Option<i64>,
    facts: String,
    dedupe_key: Option<String>,
    state: String,
    attempts: i64,
    next_attempt_at: i64,
    sent_at: Option<i64>,
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
                facts: from_json::<Facts>("facts", &self.facts)?,
                dedupe_key: self.dedupe_key,
                created_at: ts("created_at", self.created_at)?,
            },
            state: parse("state", &self.state, DeliveryState::parse)?,
            attempts: checked("attempts", u32::try_from(self.attempts))?,
            next_attempt_at: ts("next_attempt_at", self.next_attempt_at)?,
            sent_at: ts_opt("sent_at", self.sent_at)?,
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
pub async fn insert(conn: &mut SqliteConnection, messages: &[NewMessage]) -> StoreResult<usize> {
    let mut written = 0;
    for chunk in messages.chunks(ROWS_PER_INSERT) {
        let facts = chunk.iter().map(|m| to_json(&m.facts)).collect::<StoreResult<Vec<_>>>()?;
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO outbox (created_at, kind, medium, address, locale, person_id, report_id, webhook_id, facts, \
             dedupe_key, next_attempt_at) ",
        );
        q.push_values(chunk.iter().zip(facts), |mut b, (m, facts)| {
            b.push_bind(micros(m.created_at))
                .push_bind(m.kind.as_str())
                .push_bind(m.medium.as_str())
                .push_bind(m.address.clone())
                .push_bind(m.locale.as_str())
                .push_bind(m.person.map(|p| p.0))
                .push_bind(m.report.map(|r| r.0))
                .push_bind(m.webhook.map(|w| w.0))
                .push_bind(facts)
                .push_bind(m.dedupe_key.clone())
                .push_bind(micros(m.created_at));
        });
        q.push(" ON CONFLICT (dedupe_key) DO NOTHING");
        written += q.build().execute(&mut *conn).await?.rows_affected();
    }
    usize::try_from(written).map_err(|e| StoreError::Other(format!("rows written: {e}")))
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
    pool: &SqlitePool,
    holder: &str,
    now: Timestamp,
    lease_until: Timestamp,
    limit: u32,
) -> StoreResult<Vec<Message>> {
    // One statement on the one writer: atomic, and no other claim runs beside it.
    let mut rows: Vec<MessageRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE outbox SET claimed_by = ?, claimed_until = ? WHERE id IN (\
         SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? \
         AND (claimed_until IS NULL OR claimed_until <= ?) ORDER BY next_attempt_at, id LIMIT ?) \
         RETURNING {MESSAGE_COLUMNS}"
    )))
    .bind(holder)
    .bind(micros(lease_until))
    .bind(micros(now))
    .bind(micros(now))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    rows.sort_by_key(|r| r.id);
    into_messages(rows)
}

pub async fn sent(
    pool: &SqlitePool,
    id: MessageId,
    holder: &str,
    now: Timestamp,
    response: Option<&str>,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE outbox SET state = 'sent', sent_at = ?, response = ?, attempts = attempts + 1, claimed_by = NULL, \
         claimed_until = NULL WHERE id = ? AND claimed_by = ? AND state = 'pending'",
    )
    .bind(micros(now))
    .bind(response)
    .bind(id.0)
    .bind(holder)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn failed(
    pool: &SqlitePool,
    id: MessageId,
    holder: &str,
    error: &str,
    response: Option<&str>,
    retry_at: Option<Timestamp>,
) -> StoreResult<bool> {
    let retry_at = retry_at.map(micros);
    let done = sqlx::query(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?, response = ?, claimed_by = NULL, \
         claimed_until = NULL, state = CASE WHEN ? IS NULL THEN 'failed' ELSE 'pending' END, \
         next_attempt_at = COALESCE(?, next_attempt_at) WHERE id = ? AND claimed_by = ? AND state = 'pending'",
    )
    .bind(error)
    .bind(response)
    .bind(retry_at)
    .bind(retry_at)
    .bind(id.0)
    .bind(holder)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn by_id(pool: &SqlitePool, id: MessageId) -> StoreResult<Option<Message>> {
    let row: Option<MessageRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {MESSAGE_COLUMNS} FROM outbox WHERE id = ?")))
            .bind(id.0)
            .fetch_optional(pool)
            .await?;
    row.map(MessageRow::into_message).transpose()
}

pub async fn list(pool: &SqlitePool, filter: &MessageFilter, limit: u32) -> StoreResult<Vec<Message>> {
    let mut q = QueryBuilder::<Sqlite>::new(format!("SELECT {MESSAGE_COLUMNS} FROM outbox WHERE 1 = 1"));
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

pub async fn resend(pool: &SqlitePool, id: MessageId, now: Timestamp) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, claimed_by = NULL, \
         claimed_until = NULL WHERE id = ? AND state = 'failed'",
    )
    .bind(micros(now))
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
    events: String,
    secret: String,
    active: bool,
    created_at: i64,
}

impl WebhookRow {
    fn into_webhook(self) -> StoreResult<Webhook> {
        Ok(Webhook {
            id: WebhookId(self.id),
            org: OrgId(self.org_id),
            url: self.url,
            events: from_json("events", &self.events)?,
            secret: self.secret,
            active: self.active,
            created_at: ts("created_at", self.created_at)?,
        })
    }
}

pub async fn create_webhook(pool: &SqlitePool, hook: &NewWebhook, now: Timestamp) -> StoreResult<WebhookId> {
    let done =
        sqlx::query("INSERT INTO webhooks (org_id, url, events, secret, active, created_at) VALUES (?, ?, ?, ?, 1, ?)")
            .bind(hook.org.0)
            .bind(&hook.url)
            .bind(to_json(&hook.events)?)
            .bind(&hook.secret)
            .bind(micros(now))
            .execute(pool)
            .await?;
    Ok(WebhookId(done.last_insert_rowid()))
}

pub async fn webhooks(pool: &SqlitePool) -> StoreResult<Vec<Webhook>> {
    let rows: Vec<WebhookRow> =
        sqlx::query_as("SELECT id, org_id, url, events, secret, active, created_at FROM webhooks ORDER BY id")
            .fetch_all(pool)
            .await?;
    rows.into_iter().map(WebhookRow::into_webhook).collect()
}

pub async fn set_webhook_active(pool: &SqlitePool, id: WebhookId, active: bool) -> StoreResult<()> {
    let done = sqlx::query("UPDATE webhooks SET active = ? WHERE id = ?").bind(active).bind(id.0).execute(pool).await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("webhook {id}")));
    }
    Ok(())
}

pub async fn opt_outs(pool: &SqlitePool, subject: &str) -> StoreResult<Vec<NoticeKind>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT kind FROM notice_optouts WHERE subject = ?").bind(subject).fetch_all(pool).await?;
    let mut kinds = rows.iter().map(|(k,)| parse("kind", k, NoticeKind::parse)).collect::<StoreResult<Vec<_>>>()?;
    kinds.sort();
    Ok(kinds)
}

pub async fn set_opt_out(
    pool: &SqlitePool,
    subject: &str,
    kind: NoticeKind,
    opted_out: bool,
    now: Timestamp,
) -> StoreResult<()> {
    if opted_out {
        sqlx::query(
            "INSERT INTO notice_optouts (subject, kind, created_at) VALUES (?, ?, ?) \
             ON CONFLICT (subject, kind) DO NOTHING",
        )
        .bind(subject)
        .bind(kind.as_str())
        .bind(micros(now))
        .execute(pool)
        .await?;
    } else {
        sqlx::query("DELETE FROM notice_optouts WHERE subject = ? AND kind = ?")
            .bind(subject)
            .bind(kind.as_str())
            .execute(pool)
            .await?;
    }
    Ok(())
}

pub async fn create_account_token(pool: &SqlitePool, token: &NewAccountToken) -> StoreResult<()> {
    sqlx::query("INSERT INTO account_tokens (hash, person_id, purpose, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")
        .bind(&token.hash)
        .bind(token.person.0)
        .bind(token.purpose.as_str())
        .bind(micros(token.created_at))
        .bind(micros(token.expires_at))
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn use_account_token(
    pool: &SqlitePool,
    hash: &str,
    purpose: TokenPurpose,
    now: Timestamp,
) -> StoreResult<Option<PersonId>> {
    // Spent by the one statement that finds it unused: a second use finds nothing.
    let row: Option<(i64, String, i64)> = sqlx::query_as(
        "UPDATE account_tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL \
         RETURNING person_id, purpose, expires_at",
    )
    .bind(micros(now))
    .bind(hash)
    .fetch_optional(pool)
    .await?;
    let Some((person, stored, expires_at)) = row else { return Ok(None) };
    let stored = parse("purpose", &stored, TokenPurpose::parse)?;
    let expires_at = ts("expires_at", expires_at)?;
    Ok((stored == purpose && expires_at > now).then_some(PersonId(person)))
}

pub async fn email_verified_at(pool: &SqlitePool, person: PersonId) -> StoreResult<Option<Timestamp>> {
    let row: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT email_verified_at FROM people WHERE id = ?").bind(person.0).fetch_optional(pool).await?;
    ts_opt("email_verified_at", row.and_then(|(at,)| at))
}

pub async fn set_email_verified(pool: &SqlitePool, person: PersonId, at: Timestamp) -> StoreResult<()> {
    let done = sqlx::query("UPDATE people SET email_verified_at = ? WHERE id = ?")
        .bind(micros(at))
        .bind(person.0)
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("person {person}")));
    }
    Ok(())
}
