//! Aduan's embedded storage: one SQLite file in WAL mode.
//!
//! All writes go through one connection (SQLite has one writer at a time; queueing in
//! the pool is cheaper than retrying on a busy database), reads through a small pool
//! that WAL lets run beside the writer.

mod credentials;
mod directory;
mod listing;
mod measures;
mod outbox;
mod public_events;
mod reference;
mod reports;
mod search_text;
mod templates;
mod time;

use aduan_domain::calendar::Holiday;
use aduan_domain::category::{Category, NewCategory};
use aduan_domain::credential::{Credential, NewCredential};
use aduan_domain::event::{Event, Visibility};
use aduan_domain::ids::{
    AssignmentId, CategoryId, CredentialId, MessageId, OrgId, PersonId, ReportId, RuleId, TemplateId, WebhookId,
};
use aduan_domain::lifecycle::{Filing, Transition};
use aduan_domain::measures::Cells;
use aduan_domain::notice::{Message, NewAccountToken, NewMessage, NewWebhook, NoticeKind, TokenPurpose, Webhook};
use aduan_domain::org::{NewOrganisation, Organisation};
use aduan_domain::person::{Email, NewPerson, Person, Role, RoleAssignment};
use aduan_domain::report::Report;
use aduan_domain::routing::{NewRoutingRule, RoutingRule};
use aduan_domain::sla::Limits;
use aduan_domain::template::{AnswerTemplate, NewAnswerTemplate};
use aduan_domain::time::Timestamp;
use aduan_domain::tracking::TrackingNumber;
use aduan_store::batch::{FileMany, FilingQueue};
use aduan_store::{
    CellQuery, Count, IdempotencyKey, ImportedReport, MessageFilter, Page, PageRequest, ReportFilter, ReportSummary,
    Scope, Store, StoreError, StoreResult,
};
use async_trait::async_trait;
use directory::PersonKey;
use reports::Written;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AssertSqlSafe, Sqlite, SqlitePool, Transaction};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use time::micros;

/// How the database file is opened.
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    /// `FULL` makes every commit durable before it returns (the default); `NORMAL` may
    /// lose the last commits on power loss, never on a crash of the process.
    pub synchronous_full: bool,
    /// Connections for reads, beside the one writer.
    pub readers: u32,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions { synchronous_full: true, readers: 4 }
    }
}

pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    path: PathBuf,
    filings: FilingQueue,
}

/// New reports waiting for the writer are stored together (see [`FilingQueue`]).
const FILING_BATCH: usize = 64;

/// The writer connection, filing batches of reports.
struct Filer {
    writer: SqlitePool,
}

#[async_trait]
impl FileMany for Filer {
    async fn file_many(&self, batch: &[(Filing, Option<IdempotencyKey>)]) -> StoreResult<Vec<ReportId>> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let items: Vec<Written> =
            batch.iter().map(|(f, _)| Written { report: &f.report, events: &f.events, reach: &f.reach }).collect();
        let ids = reports::insert(&mut tx, &items).await?;
        for ((filing, key), id) in batch.iter().zip(&ids) {
            if let Some(key) = key {
                credentials::record_idempotency(&mut tx, key, *id, filing.report.submitted_at).await?;
            }
        }
        outbox::insert(&mut tx, &outbox::filed(batch, &ids)).await?;
        measures::add(&mut tx, &Cells::sum(batch.iter().map(|(f, _)| &f.measures))).await?;
        tx.commit().await?;
        Ok(ids)
    }
}

const IDS_AFTER: &str = "SELECT id FROM reports WHERE id > ? ORDER BY id LIMIT ?";

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl SqliteStore {
    /// Opens (creating it if needed) the database at a `sqlite:` URL or a file path.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
        Self::open(Path::new(path), SqliteOptions::default()).await
    }

    pub async fn open(path: &Path, options: SqliteOptions) -> StoreResult<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Unavailable(format!("cannot create {}: {e}", dir.display())))?;
        }
        let base = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(if options.synchronous_full { SqliteSynchronous::Full } else { SqliteSynchronous::Normal })
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory");
        // Each connection keeps its own page cache; the operating system's file cache holds
        // the database for all of them, so these stay small: 16 MiB for the writer (its
        // index pages are rewritten by every filing), 4 MiB for each reader.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(base.clone().pragma("cache_size", "-16384"))
            .await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(options.readers.max(1))
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(base.read_only(true).pragma("query_only", "1").pragma("cache_size", "-4096"))
            .await?;
        let filings = FilingQueue::start(Arc::new(Filer { writer: writer.clone() }), FILING_BATCH);
        Ok(SqliteStore { writer, reader, path: path.to_path_buf(), filings })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Files a report through the group-commit queue.
    async fn file(&self, filing: &Filing, key: Option<&IdempotencyKey>) -> StoreResult<Report> {
        self.filings.file(filing, key).await
    }

    /// ANALYZE where SQLite finds the statistics stale (`optimize`), then a step of merging
    /// the full-text index's segments, which grow in number with every write.
    async fn housekeeping(&self, optimize: &str) -> StoreResult<()> {
        sqlx::query("PRAGMA analysis_limit = 2000").execute(&self.writer).await?;
        sqlx::query(AssertSqlSafe(optimize.to_string())).execute(&self.writer).await?;
        sqlx::query("INSERT INTO report_text (report_text, rank) VALUES ('merge', 500)").execute(&self.writer).await?;
        Ok(())
    }

    /// Writes the search entries a migration left to the program (see migrations 0009 and 0010),
    /// a batch per transaction, resuming where an interrupted run stopped.
    async fn finish_search_index(&self) -> StoreResult<()> {
        let task: Option<(i64,)> = sqlx::query_as("SELECT progress FROM store_tasks WHERE name = 'search_index'")
            .fetch_optional(&self.writer)
            .await?;
        let Some((mut done,)) = task else { return Ok(()) };
        tracing::info!(after = done, "writing the search index");
        loop {
            let mut tx = self.begin().await?;
            match reports::reindex(&mut tx, done, 2_000).await? {
                Some(last) => {
                    sqlx::query("UPDATE store_tasks SET progress = ? WHERE name = 'search_index'")
                        .bind(last)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    done = last;
                }
                None => {
                    sqlx::query("DELETE FROM store_tasks WHERE name = 'search_index'").execute(&mut *tx).await?;
                    tx.commit().await?;
                    break;
                }
            }
        }
        tracing::info!("search index written");
        self.refresh_statistics().await
    }

    /// The write transaction: `BEGIN IMMEDIATE`, so a second process waits for the lock
    /// up front instead of failing halfway through.
    async fn begin(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR.run(&self.writer).await.map_err(|e| StoreError::Other(format!("migration failed: {e}")))?;
        self.finish_search_index().await
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    async fn database_size(&self) -> StoreResult<u64> {
        let mut total = 0;
        for suffix in ["", "-wal", "-shm"] {
            let file = PathBuf::from(format!("{}{suffix}", self.path.display()));
            total += std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        }
        Ok(total)
    }

    async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }

    async fn refresh_statistics(&self) -> StoreResult<()> {
        // After a bulk load: every table's statistics (with a row limit per index, so it
        // stays quick), and the text index's segments merged.
        self.housekeeping("PRAGMA optimize = 0x10002").await
    }

    async fn maintain(&self) -> StoreResult<()> {
        self.housekeeping("PRAGMA optimize").await
    }

    async fn create_organisations(&self, orgs: &[NewOrganisation]) -> StoreResult<Vec<OrgId>> {
        let mut tx = self.begin().await?;
        let ids = directory::create_organisations(&mut tx, orgs).await?;
        tx.commit().await?;
        Ok(ids)
    }

    async fn update_organisation(&self, org: &Organisation) -> StoreResult<()> {
        directory::update_organisation(&self.writer, org).await
    }

    async fn organisations(&self) -> StoreResult<Vec<Organisation>> {
        directory::organisations(&self.reader).await
    }

    async fn create_person(&self, person: &NewPerson, now: Timestamp) -> StoreResult<PersonId> {
        directory::create_person(&self.writer, person, now).await
    }

    async fn person(&self, id: PersonId) -> StoreResult<Option<Person>> {
        directory::person(&self.reader, "id", PersonKey::Id(id)).await
    }

    async fn person_by_email(&self, email: &Email) -> StoreResult<Option<Person>> {
        directory::person(&self.reader, "email", PersonKey::Email(email)).await
    }

    async fn password_hash(&self, id: PersonId) -> StoreResult<Option<String>> {
        let row: Option<(Option<String>,)> = sqlx::query_as("SELECT password_hash FROM people WHERE id = ?")
            .bind(id.0)
            .fetch_optional(&self.reader)
            .await?;
        Ok(row.and_then(|(h,)| h))
    }

    async fn set_password_hash(&self, id: PersonId, hash: &str) -> StoreResult<()> {
        let done = sqlx::query("UPDATE people SET password_hash = ? WHERE id = ?")
            .bind(hash)
            .bind(id.0)
            .execute(&self.writer)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("person {id}")));
        }
        Ok(())
    }

    async fn grant_role(&self, person: PersonId, role: Role, org: OrgId, now: Timestamp) -> StoreResult<AssignmentId> {
        let mut conn = self.writer.acquire().await?;
        directory::grant(&mut conn, person, role, org, micros(now)).await
    }

    async fn revoke_role(&self, assignment: AssignmentId, now: Timestamp) -> StoreResult<()> {
        let done = sqlx::query("UPDATE role_assignments SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
            .bind(micros(now))
            .bind(assignment.0)
            .execute(&self.writer)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("active role assignment {assignment}")));
        }
        Ok(())
    }

    async fn assignments(&self, person: PersonId) -> StoreResult<Vec<RoleAssignment>> {
        directory::assignments(&self.reader, person).await
    }

    async fn staff_of(&self, orgs: &[OrgId]) -> StoreResult<Vec<(Person, RoleAssignment)>> {
        directory::staff_of(&self.reader, orgs).await
    }

    async fn create_credential(&self, credential: &NewCredential) -> StoreResult<CredentialId> {
        credentials::create(&self.writer, credential).await
    }

    async fn credential_by_hash(&self, secret_hash: &str) -> StoreResult<Option<Credential>> {
        credentials::by_hash(&self.reader, secret_hash).await
    }

    async fn credential(&self, id: CredentialId) -> StoreResult<Option<Credential>> {
        credentials::by_id(&self.reader, id).await
    }

    async fn api_keys(&self) -> StoreResult<Vec<(Credential, RoleAssignment)>> {
        credentials::api_keys(&self.reader).await
    }

    async fn revoke_credential(&self, id: CredentialId, now: Timestamp) -> StoreResult<()> {
        credentials::revoke(&self.writer, id, now).await
    }

    async fn create_categories(&self, categories: &[NewCategory]) -> StoreResult<Vec<CategoryId>> {
        let mut tx = self.begin().await?;
        let ids = reference::create_categories(&mut tx, categories).await?;
        tx.commit().await?;
        Ok(ids)
    }

    async fn categories(&self) -> StoreResult<Vec<Category>> {
        reference::categories(&self.reader).await
    }

    async fn create_routing_rules(&self, rules: &[NewRoutingRule]) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        reference::create_routing_rules(&mut tx, rules).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_routing_rule(&self, id: RuleId) -> StoreResult<()> {
        let done = sqlx::query("DELETE FROM routing_rules WHERE id = ?").bind(id.0).execute(&self.writer).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("routing rule {id}")));
        }
        Ok(())
    }

    async fn routing_rules(&self) -> StoreResult<Vec<RoutingRule>> {
        reference::routing_rules(&self.reader).await
    }

    async fn holiday_years(&self) -> StoreResult<Vec<(i32, Vec<Holiday>)>> {
        reference::holiday_years(&self.reader).await
    }

    async fn save_holiday_year(&self, year: i32, holidays: &[Holiday], now: Timestamp) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        reference::save_holiday_year(&mut tx, year, holidays, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn sla_overrides(&self) -> StoreResult<HashMap<OrgId, Limits>> {
        reference::sla_overrides(&self.reader).await
    }

    async fn set_sla_override(&self, org: OrgId, limits: Option<&Limits>) -> StoreResult<()> {
        reference::set_sla_override(&self.writer, org, limits).await
    }

    async fn create_template(&self, template: &NewAnswerTemplate, now: Timestamp) -> StoreResult<TemplateId> {
        templates::create(&self.writer, template, now).await
    }

    async fn update_template(&self, template: &AnswerTemplate) -> StoreResult<()> {
        templates::update(&self.writer, template).await
    }

    async fn templates(&self) -> StoreResult<Vec<AnswerTemplate>> {
        templates::all(&self.reader).await
    }

    async fn create_report(&self, filing: &Filing) -> StoreResult<Report> {
        self.file(filing, None).await
    }

    async fn create_report_once(&self, filing: &Filing, key: &IdempotencyKey) -> StoreResult<Report> {
        self.file(filing, Some(key)).await
    }

    async fn idempotent_report(&self, caller: &str, key: &str) -> StoreResult<Option<(ReportId, String)>> {
        credentials::idempotent_report(&self.reader, caller, key).await
    }

    async fn report(&self, id: ReportId) -> StoreResult<Option<Report>> {
        let mut conn = self.reader.acquire().await?;
        reports::load(&mut conn, id).await
    }

    async fn report_with_events(&self, tracking: &TrackingNumber) -> StoreResult<Option<(Report, Vec<Event>)>> {
        let mut conn = self.reader.acquire().await?;
        reports::load_with_events(&mut conn, tracking).await
    }

    async fn report_ids(&self, trackings: &[TrackingNumber]) -> StoreResult<Vec<ReportId>> {
        let mut conn = self.reader.acquire().await?;
        reports::ids_by_tracking(&mut conn, trackings).await
    }

    async fn reports(&self, ids: &[ReportId]) -> StoreResult<Vec<Report>> {
        let mut conn = self.reader.acquire().await?;
        reports::load_many(&mut conn, ids).await
    }

    async fn report_by_tracking(&self, tracking: &TrackingNumber) -> StoreResult<Option<Report>> {
        let mut conn = self.reader.acquire().await?;
        reports::load_by_tracking(&mut conn, tracking).await
    }

    async fn apply(&self, t: &Transition) -> StoreResult<Report> {
        let mut tx = self.begin().await?;
        let item = Written { report: &t.report, events: &t.events, reach: &t.reach };
        let support_count = reports::update(&mut tx, t.expected_version, item).await?;
        outbox::insert(&mut tx, &t.messages).await?;
        measures::add(&mut tx, &t.measures).await?;
        tx.commit().await?;
        Ok(Report { support_count, ..t.report.clone() })
    }

    async fn events(&self, report: ReportId) -> StoreResult<Vec<Event>> {
        let mut conn = self.reader.acquire().await?;
        reports::events(&mut conn, report).await
    }

    async fn events_of(&self, ids: &[ReportId], visibility: Visibility, kinds: &[&str]) -> StoreResult<Vec<Event>> {
        let mut conn = self.reader.acquire().await?;
        reports::events_of(&mut conn, ids, visibility, kinds).await
    }

    async fn public_events_between(
        &self,
        scope: &Scope,
        from: Timestamp,
        before: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<Event>> {
        public_events::between(&self.reader, scope, from, before, limit).await
    }

    async fn list_reports(&self, filter: &ReportFilter, page: &PageRequest) -> StoreResult<Page<ReportSummary>> {
        listing::list(&self.reader, filter, page).await
    }

    async fn count_reports(&self, filter: &ReportFilter, enough: u64) -> StoreResult<Count> {
        listing::count(&self.reader, filter, enough).await
    }

    async fn set_reach(&self, reach: &[(ReportId, Vec<OrgId>)]) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        reports::set_reach(&mut tx, reach).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn add_support(&self, report: ReportId, supporter: &str, now: Timestamp) -> StoreResult<bool> {
        let mut tx = self.begin().await?;
        let added = sqlx::query("INSERT OR IGNORE INTO supports (report_id, supporter, created_at) VALUES (?, ?, ?)")
            .bind(report.0)
            .bind(supporter)
            .bind(micros(now))
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        if added {
            sqlx::query("UPDATE reports SET support_count = support_count + 1 WHERE id = ?")
                .bind(report.0)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    async fn import_reports(&self, batch: &[ImportedReport]) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let items: Vec<Written> =
            batch.iter().map(|r| Written { report: &r.report, events: &r.events, reach: &r.reach }).collect();
        reports::insert(&mut tx, &items).await?;
        measures::add(&mut tx, &Cells::sum(batch.iter().map(|r| &r.measures))).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn report_ids_after(&self, after: ReportId, limit: u32) -> StoreResult<Vec<ReportId>> {
        let rows: Vec<(i64,)> =
            sqlx::query_as(IDS_AFTER).bind(after.0).bind(i64::from(limit)).fetch_all(&self.reader).await?;
        Ok(rows.into_iter().map(|(id,)| ReportId(id)).collect())
    }

    async fn measure_cells(&self, query: &CellQuery) -> StoreResult<Cells> {
        measures::read(&self.reader, query).await
    }

    async fn replace_measures(&self, cells: &Cells) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        measures::replace(&mut tx, cells).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn due_reports(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<ReportId>> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT report_id FROM deadlines WHERE state = 'running' AND overdue_at IS NULL AND due_at < ? \
             GROUP BY report_id ORDER BY MIN(due_at) LIMIT ?",
        )
        .bind(micros(now))
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.into_iter().map(|(id,)| ReportId(id)).collect())
    }

    async fn try_lease(&self, name: &str, holder: &str, now: Timestamp, until: Timestamp) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO job_leases (name, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE \
             SET holder = excluded.holder, expires_at = excluded.expires_at \
             WHERE job_leases.holder = excluded.holder OR job_leases.expires_at < ?",
        )
        .bind(name)
        .bind(holder)
        .bind(micros(until))
        .bind(micros(now))
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM job_leases WHERE name = ? AND holder = ?")
            .bind(name)
            .bind(holder)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn enqueue(&self, messages: &[NewMessage]) -> StoreResult<usize> {
        let mut tx = self.begin().await?;
        let written = outbox::insert(&mut tx, messages).await?;
        tx.commit().await?;
        Ok(written)
    }

    async fn claim_messages(
        &self,
        holder: &str,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<Message>> {
        outbox::claim(&self.writer, holder, now, lease_until, limit).await
    }

    async fn message_sent(
        &self,
        id: MessageId,
        holder: &str,
        now: Timestamp,
        response: Option<&str>,
    ) -> StoreResult<bool> {
        outbox::sent(&self.writer, id, holder, now, response).await
    }

    async fn message_failed(
        &self,
        id: MessageId,
        holder: &str,
        error: &str,
        response: Option<&str>,
        retry_at: Option<Timestamp>,
    ) -> StoreResult<bool> {
        outbox::failed(&self.writer, id, holder, error, response, retry_at).await
    }

    async fn message(&self, id: MessageId) -> StoreResult<Option<Message>> {
        outbox::by_id(&self.reader, id).await
    }

    async fn messages(&self, filter: &MessageFilter, limit: u32) -> StoreResult<Vec<Message>> {
        outbox::list(&self.reader, filter, limit).await
    }

    async fn resend_message(&self, id: MessageId, now: Timestamp) -> StoreResult<bool> {
        outbox::resend(&self.writer, id, now).await
    }

    async fn create_webhook(&self, hook: &NewWebhook, now: Timestamp) -> StoreResult<WebhookId> {
        outbox::create_webhook(&self.writer, hook, now).await
    }

    async fn webhooks(&self) -> StoreResult<Vec<Webhook>> {
        outbox::webhooks(&self.reader).await
    }

    async fn set_webhook_active(&self, id: WebhookId, active: bool) -> StoreResult<()> {
        outbox::set_webhook_active(&self.writer, id, active).await
    }

    async fn opt_outs(&self, subject: &str) -> StoreResult<Vec<NoticeKind>> {
        outbox::opt_outs(&self.reader, subject).await
    }

    async fn set_opt_out(&self, subject: &str, kind: NoticeKind, opted_out: bool, now: Timestamp) -> StoreResult<()> {
        outbox::set_opt_out(&self.writer, subject, kind, opted_out, now).await
    }

    async fn create_account_token(&self, token: &NewAccountToken) -> StoreResult<()> {
        outbox::create_account_token(&self.writer, token).await
    }

    async fn use_account_token(
        &self,
        hash: &str,
        purpose: TokenPurpose,
        now: Timestamp,
    ) -> StoreResult<Option<PersonId>> {
        outbox::use_account_token(&self.writer, hash, purpose, now).await
    }

    async fn email_verified_at(&self, person: PersonId) -> StoreResult<Option<Timestamp>> {
        outbox::email_verified_at(&self.reader, person).await
    }

    async fn set_email_verified(&self, person: PersonId, at: Timestamp) -> StoreResult<()> {
        outbox::set_email_verified(&self.writer, person, at).await
    }
}
