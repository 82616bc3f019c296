//! Aduan's scale-out storage: PostgreSQL with native types (timestamptz, date, jsonb)
//! and full-text search in the `indonesian` configuration.
//!
//! One pool serves reads and writes: PostgreSQL's MVCC lets them run side by side, and
//! row locks on the report make the optimistic version check safe across nodes.

mod credentials;
mod directory;
mod listing;
mod measures;
mod outbox;
mod public_events;
mod reference;
mod reports;
pub mod scratch;
mod templates;

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
use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Postgres, Transaction};
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// Where and how to connect, for callers that build it from parts rather than a URL.
pub use sqlx::postgres::PgConnectOptions;

/// Rows added or removed since a table's last vacuum that make [`Store::maintain`] vacuum it.
const MAINTAIN_AFTER_ROWS: i64 = 20_000;

/// How the pool is sized.
#[derive(Debug, Clone)]
pub struct PgOptions {
    /// Connections this process may hold; the server's `max_connections` is shared by
    /// every node.
    pub max_connections: u32,
    /// How long a request waits for a free connection before the store is reported
    /// unavailable.
    pub acquire_timeout: Duration,
}

impl Default for PgOptions {
    fn default() -> Self {
        PgOptions { max_connections: 16, acquire_timeout: Duration::from_secs(30) }
    }
}

pub struct PgStore {
    pool: PgPool,
    filings: FilingQueue,
    /// How common each word and facet of the search vectors is, for planning searches.
    terms: listing::TermStats,
}

/// New reports waiting to be written are stored together (see [`FilingQueue`]).
const FILING_BATCH: usize = 64;

/// Files batches of reports, one transaction each.
struct Filer {
    pool: PgPool,
}

#[async_trait]
impl FileMany for Filer {
    async fn file_many(&self, batch: &[(Filing, Option<IdempotencyKey>)]) -> StoreResult<Vec<ReportId>> {
        let mut tx = self.pool.begin().await?;
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

const IDS_AFTER: &str = "SELECT id FROM reports WHERE id > $1 ORDER BY id LIMIT $2";

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl PgStore {
    /// Connects to a `postgres://` URL with the default options.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        Self::connect_with(PgConnectOptions::from_str(url)?, PgOptions::default()).await
    }

    pub async fn connect_with(connect: PgConnectOptions, options: PgOptions) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect)
            .await?;
        let filings = FilingQueue::start(Arc::new(Filer { pool: pool.clone() }), FILING_BATCH);
        Ok(PgStore { pool, filings, terms: listing::TermStats::default() })
    }

    /// Files a report through the group-commit queue.
    async fn file(&self, filing: &Filing, key: Option<&IdempotencyKey>) -> StoreResult<Report> {
        self.filings.file(filing, key).await
    }

    async fn begin(&self) -> StoreResult<Transaction<'static, Postgres>> {
        Ok(self.pool.begin().await?)
    }

    /// Writes the search vectors a migration left to the program (see migrations 0009 and 0010), a
    /// batch per transaction, resuming where an interrupted run stopped. A row lock on the
    /// task keeps two nodes starting together from doing it twice.
    async fn finish_search_index(&self) -> StoreResult<()> {
        let mut announced = false;
        loop {
            let mut tx = self.begin().await?;
            let task: Option<(i64,)> =
                sqlx::query_as("SELECT progress FROM store_tasks WHERE name = 'search_index' FOR UPDATE")
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((done,)) = task else { break };
            if !announced {
                tracing::info!(after = done, "writing the search index");
                announced = true;
            }
            match reports::reindex(&mut tx, done, 5_000).await? {
                Some(last) => {
                    sqlx::query("UPDATE store_tasks SET progress = $1 WHERE name = 'search_index'")
                        .bind(last)
                        .execute(&mut *tx)
                        .await?;
                }
                None => {
                    sqlx::query("DELETE FROM store_tasks WHERE name = 'search_index'").execute(&mut *tx).await?;
                }
            }
            tx.commit().await?;
        }
        if announced {
            tracing::info!("search index written");
            sqlx::query("ANALYZE reports").execute(&self.pool).await?;
        }
        Ok(())
    }
}

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn migrate(&self) -> StoreResult<()> {
        // sqlx holds an advisory lock while migrating, so nodes starting together wait.
        MIGRATOR.run(&self.pool).await.map_err(|e| StoreError::Other(format!("migration failed: {e}")))?;
        self.finish_search_index().await
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn database_size(&self) -> StoreResult<u64> {
        let (size,): (i64,) =
            sqlx::query_as("SELECT pg_database_size(current_database())").fetch_one(&self.pool).await?;
        Ok(u64::try_from(size).unwrap_or(0))
    }

    async fn close(&self) {
        self.pool.close().await;
    }

    async fn refresh_statistics(&self) -> StoreResult<()> {
        // VACUUM as well: after a bulk load it sets the hint bits and visibility map that
        // autovacuum would set some time later, so the first queries are not the slowest.
        sqlx::query("VACUUM ANALYZE").execute(&self.pool).await?;
        Ok(())
    }

    async fn maintain(&self) -> StoreResult<()> {
        // Autovacuum waits until a fifth of a table has changed. Long before that, a flood
        // of filings leaves the list indexes' newest entries pointing at pages not yet
        // marked all-visible, and every index-only read of them visits the table: so the
        // tables that took many rows since their last vacuum get one now (it reads only
        // the pages that changed).
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT quote_ident(relname) FROM pg_stat_user_tables \
             WHERE schemaname = current_schema() AND n_ins_since_vacuum + n_dead_tup > $1",
        )
        .bind(MAINTAIN_AFTER_ROWS)
        .fetch_all(&self.pool)
        .await?;
        for table in tables {
            sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM (ANALYZE) {table}"))).execute(&self.pool).await?;
        }
        Ok(())
    }

    async fn create_organisations(&self, orgs: &[NewOrganisation]) -> StoreResult<Vec<OrgId>> {
        let mut tx = self.begin().await?;
        let ids = directory::create_organisations(&mut tx, orgs).await?;
        tx.commit().await?;
        Ok(ids)
    }

    async fn update_organisation(&self, org: &Organisation) -> StoreResult<()> {
        directory::update_organisation(&self.pool, org).await
    }

    async fn organisations(&self) -> StoreResult<Vec<Organisation>> {
        directory::organisations(&self.pool).await
    }

    async fn create_person(&self, person: &NewPerson, now: Timestamp) -> StoreResult<PersonId> {
        directory::create_person(&self.pool, person, now).await
    }

    async fn person(&self, id: PersonId) -> StoreResult<Option<Person>> {
        directory::person(&self.pool, PersonKey::Id(id)).await
    }

    async fn person_by_email(&self, email: &Email) -> StoreResult<Option<Person>> {
        directory::person(&self.pool, PersonKey::Email(email)).await
    }

    async fn password_hash(&self, id: PersonId) -> StoreResult<Option<String>> {
        let row: Option<(Option<String>,)> = sqlx::query_as("SELECT password_hash FROM people WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.and_then(|(h,)| h))
    }

    async fn set_password_hash(&self, id: PersonId, hash: &str) -> StoreResult<()> {
        let done = sqlx::query("UPDATE people SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(id.0)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("person {id}")));
        }
        Ok(())
    }

    async fn grant_role(&self, person: PersonId, role: Role, org: OrgId, now: Timestamp) -> StoreResult<AssignmentId> {
        directory::grant(&self.pool, person, role, org, now).await
    }

    async fn revoke_role(&self, assignment: AssignmentId, now: Timestamp) -> StoreResult<()> {
        let done = sqlx::query("UPDATE role_assignments SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(assignment.0)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("active role assignment {assignment}")));
        }
        Ok(())
    }

    async fn assignments(&self, person: PersonId) -> StoreResult<Vec<RoleAssignment>> {
        directory::assignments(&self.pool, person).await
    }

    async fn staff_of(&self, orgs: &[OrgId]) -> StoreResult<Vec<(Person, RoleAssignment)>> {
        directory::staff_of(&self.pool, orgs).await
    }

    async fn create_credential(&self, credential: &NewCredential) -> StoreResult<CredentialId> {
        credentials::create(&self.pool, credential).await
    }

    async fn credential_by_hash(&self, secret_hash: &str) -> StoreResult<Option<Credential>> {
        credentials::by_hash(&self.pool, secret_hash).await
    }

    async fn credential(&self, id: CredentialId) -> StoreResult<Option<Credential>> {
        credentials::by_id(&self.pool, id).await
    }

    async fn api_keys(&self) -> StoreResult<Vec<(Credential, RoleAssignment)>> {
        credentials::api_keys(&self.pool).await
    }

    async fn revoke_credential(&self, id: CredentialId, now: Timestamp) -> StoreResult<()> {
        credentials::revoke(&self.pool, id, now).await
    }

    async fn create_categories(&self, categories: &[NewCategory]) -> StoreResult<Vec<CategoryId>> {
        let mut tx = self.begin().await?;
        let ids = reference::create_categories(&mut tx, categories).await?;
        tx.commit().await?;
        Ok(ids)
    }

    async fn categories(&self) -> StoreResult<Vec<Category>> {
        reference::categories(&self.pool).await
    }

    async fn create_routing_rules(&self, rules: &[NewRoutingRule]) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        reference::create_routing_rules(&mut tx, rules).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_routing_rule(&self, id: RuleId) -> StoreResult<()> {
        let done = sqlx::query("DELETE FROM routing_rules WHERE id = $1").bind(id.0).execute(&self.pool).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("routing rule {id}")));
        }
        Ok(())
    }

    async fn routing_rules(&self) -> StoreResult<Vec<RoutingRule>> {
        reference::routing_rules(&self.pool).await
    }

    async fn holiday_years(&self) -> StoreResult<Vec<(i32, Vec<Holiday>)>> {
        reference::holiday_years(&self.pool).await
    }

    async fn save_holiday_year(&self, year: i32, holidays: &[Holiday], now: Timestamp) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        reference::save_holiday_year(&mut tx, year, holidays, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn sla_overrides(&self) -> StoreResult<HashMap<OrgId, Limits>> {
        reference::sla_overrides(&self.pool).await
    }

    async fn set_sla_override(&self, org: OrgId, limits: Option<&Limits>) -> StoreResult<()> {
        reference::set_sla_override(&self.pool, org, limits).await
    }

    async fn create_template(&self, template: &NewAnswerTemplate, now: Timestamp) -> StoreResult<TemplateId> {
        templates::create(&self.pool, template, now).await
    }

    async fn update_template(&self, template: &AnswerTemplate) -> StoreResult<()> {
        templates::update(&self.pool, template).await
    }

    async fn templates(&self) -> StoreResult<Vec<AnswerTemplate>> {
        templates::all(&self.pool).await
    }

    async fn create_report(&self, filing: &Filing) -> StoreResult<Report> {
        self.file(filing, None).await
    }

    async fn create_report_once(&self, filing: &Filing, key: &IdempotencyKey) -> StoreResult<Report> {
        self.file(filing, Some(key)).await
    }

    async fn idempotent_report(&self, caller: &str, key: &str) -> StoreResult<Option<(ReportId, String)>> {
        credentials::idempotent_report(&self.pool, caller, key).await
    }

    async fn report(&self, id: ReportId) -> StoreResult<Option<Report>> {
        let mut conn = self.pool.acquire().await?;
        reports::load(&mut conn, id).await
    }

    async fn report_by_tracking(&self, tracking: &TrackingNumber) -> StoreResult<Option<Report>> {
        let mut conn = self.pool.acquire().await?;
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

    async fn report_with_events(&self, tracking: &TrackingNumber) -> StoreResult<Option<(Report, Vec<Event>)>> {
        let mut conn = self.pool.acquire().await?;
        reports::load_with_events(&mut conn, tracking).await
    }

    async fn report_ids(&self, trackings: &[TrackingNumber]) -> StoreResult<Vec<ReportId>> {
        let mut conn = self.pool.acquire().await?;
        reports::ids_by_tracking(&mut conn, trackings).await
    }

    async fn reports(&self, ids: &[ReportId]) -> StoreResult<Vec<Report>> {
        let mut conn = self.pool.acquire().await?;
        reports::load_many(&mut conn, ids).await
    }

    async fn events_of(&self, ids: &[ReportId], visibility: Visibility, kinds: &[&str]) -> StoreResult<Vec<Event>> {
        let mut conn = self.pool.acquire().await?;
        reports::events_of(&mut conn, ids, visibility, kinds).await
    }

    async fn set_reach(&self, reach: &[(ReportId, Vec<OrgId>)]) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        reports::set_reach(&mut tx, reach).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn events(&self, report: ReportId) -> StoreResult<Vec<Event>> {
        let mut conn = self.pool.acquire().await?;
        reports::events(&mut conn, report).await
    }

    async fn public_events_between(
        &self,
        scope: &Scope,
        from: Timestamp,
        before: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<Event>> {
        public_events::between(&self.pool, scope, from, before, limit).await
    }

    async fn list_reports(&self, filter: &ReportFilter, page: &PageRequest) -> StoreResult<Page<ReportSummary>> {
        listing::list(&self.pool, &self.terms, filter, page).await
    }

    async fn count_reports(&self, filter: &ReportFilter, enough: u64) -> StoreResult<Count> {
        listing::count(&self.pool, &self.terms, filter, enough).await
    }

    async fn add_support(&self, report: ReportId, supporter: &str, now: Timestamp) -> StoreResult<bool> {
        let mut tx = self.begin().await?;
        let added = sqlx::query(
            "INSERT INTO supports (report_id, supporter, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(report.0)
        .bind(supporter)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if added {
            sqlx::query("UPDATE reports SET support_count = support_count + 1 WHERE id = $1")
                .bind(report.0)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    async fn import_reports(&self, batch: &[ImportedReport]) -> StoreResult<()> {
        let items: Vec<Written> =
            batch.iter().map(|r| Written { report: &r.report, events: &r.events, reach: &r.reach }).collect();
        let mut tx = self.begin().await?;
        reports::insert(&mut tx, &items).await?;
        measures::add(&mut tx, &Cells::sum(batch.iter().map(|r| &r.measures))).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn report_ids_after(&self, after: ReportId, limit: u32) -> StoreResult<Vec<ReportId>> {
        let rows: Vec<(i64,)> =
            sqlx::query_as(IDS_AFTER).bind(after.0).bind(i64::from(limit)).fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(|(id,)| ReportId(id)).collect())
    }

    async fn measure_cells(&self, query: &CellQuery) -> StoreResult<Cells> {
        measures::read(&self.pool, query).await
    }

    async fn replace_measures(&self, cells: &Cells) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        measures::replace(&mut tx, cells).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn due_reports(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<ReportId>> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT report_id FROM deadlines WHERE state = 'running' AND overdue_at IS NULL AND due_at < $1 \
             GROUP BY report_id ORDER BY MIN(due_at), report_id LIMIT $2",
        )
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(id,)| ReportId(id)).collect())
    }

    async fn try_lease(&self, name: &str, holder: &str, now: Timestamp, until: Timestamp) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO job_leases (name, holder, expires_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE \
             SET holder = excluded.holder, expires_at = excluded.expires_at \
             WHERE job_leases.holder = excluded.holder OR job_leases.expires_at < $4",
        )
        .bind(name)
        .bind(holder)
        .bind(until)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM job_leases WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder)
            .execute(&self.pool)
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
        outbox::claim(&self.pool, holder, now, lease_until, limit).await
    }

    async fn message_sent(
        &self,
        id: MessageId,
        holder: &str,
        now: Timestamp,
        response: Option<&str>,
    ) -> StoreResult<bool> {
        outbox::sent(&self.pool, id, holder, now, response).await
    }

    async fn message_failed(
        &self,
        id: MessageId,
        holder: &str,
        error: &str,
        response: Option<&str>,
        retry_at: Option<Timestamp>,
    ) -> StoreResult<bool> {
        outbox::failed(&self.pool, id, holder, error, response, retry_at).await
    }

    async fn message(&self, id: MessageId) -> StoreResult<Option<Message>> {
        outbox::by_id(&self.pool, id).await
    }

    async fn messages(&self, filter: &MessageFilter, limit: u32) -> StoreResult<Vec<Message>> {
        outbox::list(&self.pool, filter, limit).await
    }

    async fn resend_message(&self, id: MessageId, now: Timestamp) -> StoreResult<bool> {
        outbox::resend(&self.pool, id, now).await
    }

    async fn create_webhook(&self, hook: &NewWebhook, now: Timestamp) -> StoreResult<WebhookId> {
        outbox::create_webhook(&self.pool, hook, now).await
    }

    async fn webhooks(&self) -> StoreResult<Vec<Webhook>> {
        outbox::webhooks(&self.pool).await
    }

    async fn set_webhook_active(&self, id: WebhookId, active: bool) -> StoreResult<()> {
        outbox::set_webhook_active(&self.pool, id, active).await
    }

    async fn opt_outs(&self, subject: &str) -> StoreResult<Vec<NoticeKind>> {
        outbox::opt_outs(&self.pool, subject).await
    }

    async fn set_opt_out(&self, subject: &str, kind: NoticeKind, opted_out: bool, now: Timestamp) -> StoreResult<()> {
        outbox::set_opt_out(&self.pool, subject, kind, opted_out, now).await
    }

    async fn create_account_token(&self, token: &NewAccountToken) -> StoreResult<()> {
        outbox::create_account_token(&self.pool, token).await
    }

    async fn use_account_token(
        &self,
        hash: &str,
        purpose: TokenPurpose,
        now: Timestamp,
    ) -> StoreResult<Option<PersonId>> {
        outbox::use_account_token(&self.pool, hash, purpose, now).await
    }

    async fn email_verified_at(&self, person: PersonId) -> StoreResult<Option<Timestamp>> {
        outbox::email_verified_at(&self.pool, person).await
    }

    async fn set_email_verified(&self, person: PersonId, at: Timestamp) -> StoreResult<()> {
        outbox::set_email_verified(&self.pool, person, at).await
    }
}
