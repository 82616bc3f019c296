//! The storage trait.

use crate::error::StoreResult;
use crate::measures::CellQuery;
use crate::outbox::MessageFilter;
use crate::query::{Count, Page, PageRequest, ReportFilter, ReportSummary, Scope};
use aduan_domain::calendar::{Holiday, HolidayCalendar};
use aduan_domain::category::{Category, NewCategory};
use aduan_domain::credential::{Credential, NewCredential};
use aduan_domain::event::{Event, NewEvent, Visibility};
use aduan_domain::ids::{
    AssignmentId, CategoryId, CredentialId, MessageId, OrgId, PersonId, ReportId, RuleId, TemplateId, WebhookId,
};
use aduan_domain::lifecycle::{Filing, Transition};
use aduan_domain::measures::Cells;
use aduan_domain::notice::{Message, NewAccountToken, NewMessage, NewWebhook, NoticeKind, TokenPurpose, Webhook};
use aduan_domain::org::{NewOrganisation, OrgTree, Organisation};
use aduan_domain::person::{Email, NewPerson, Person, Role, RoleAssignment};
use aduan_domain::report::Report;
use aduan_domain::routing::{NewRoutingRule, RoutingRule};
use aduan_domain::sla::Limits;
use aduan_domain::template::{AnswerTemplate, NewAnswerTemplate};
use aduan_domain::time::Timestamp;
use aduan_domain::tracking::TrackingNumber;
use async_trait::async_trait;
use std::collections::HashMap;

/// A report with its whole history, for bulk loading (seeds, benchmarks, migrations
/// from another system). The report's id is ignored; the store assigns one.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedReport {
    pub report: Report,
    pub events: Vec<NewEvent>,
    /// What the report adds to the evaluation cells ([`aduan_domain::measures::contribution`]).
    pub measures: Cells,
    /// Whose lists hold it ([`OrgTree::reach`]).
    pub reach: Vec<OrgId>,
}

impl ImportedReport {
    /// A report with its history, what it adds to the evaluation cells and whose lists
    /// hold it.
    pub fn new(report: Report, events: Vec<NewEvent>, calendar: &HolidayCalendar, orgs: &OrgTree) -> Self {
        let measures = aduan_domain::measures::contribution(&report, calendar, orgs);
        let reach = orgs.reach(&report.involved);
        ImportedReport { report, events, measures, reach }
    }
}

/// A client's idempotency key for filing a report: a retry with the same caller and key
/// gets the report already filed instead of a second one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    /// Who is retrying: a credential, or the network address of an anonymous client.
    pub caller: String,
    pub key: String,
    /// A digest of the request, so that the same key with a different request is caught.
    pub fingerprint: String,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;

    // ── lifecycle of the database ──────────────────────────────────────────────────
    /// Applies this backend's migrations that have not run yet.
    async fn migrate(&self) -> StoreResult<()>;
    /// Succeeds when the database answers a query.
    async fn ping(&self) -> StoreResult<()>;
    /// Bytes on disk used by the database.
    async fn database_size(&self) -> StoreResult<u64>;
    /// Closes the connections (graceful shutdown).
    async fn close(&self);
    /// Refreshes the query planner's statistics and housekeeping (after a bulk load).
    async fn refresh_statistics(&self) -> StoreResult<()>;
    /// The light housekeeping a running server does now and then (the scheduler, hourly):
    /// statistics where they went stale, the search index's segments merged. Nothing by
    /// default — PostgreSQL's autovacuum does it.
    async fn maintain(&self) -> StoreResult<()> {
        Ok(())
    }

    // ── organisations ──────────────────────────────────────────────────────────────
    /// Creates organisations in order; a parent is named by code and must exist already
    /// or come earlier in the batch. All or nothing.
    async fn create_organisations(&self, orgs: &[NewOrganisation]) -> StoreResult<Vec<OrgId>>;
    /// Saves name, parent, region, zone, active flag, screening and contact.
    async fn update_organisation(&self, org: &Organisation) -> StoreResult<()>;
    async fn organisations(&self) -> StoreResult<Vec<Organisation>>;

    // ── people and roles ───────────────────────────────────────────────────────────
    async fn create_person(&self, person: &NewPerson, now: Timestamp) -> StoreResult<PersonId>;
    async fn person(&self, id: PersonId) -> StoreResult<Option<Person>>;
    async fn person_by_email(&self, email: &Email) -> StoreResult<Option<Person>>;
    async fn password_hash(&self, id: PersonId) -> StoreResult<Option<String>>;
    async fn set_password_hash(&self, id: PersonId, hash: &str) -> StoreResult<()>;
    /// Grants a role; granting one the person already holds is a conflict.
    async fn grant_role(&self, person: PersonId, role: Role, org: OrgId, now: Timestamp) -> StoreResult<AssignmentId>;
    async fn revoke_role(&self, assignment: AssignmentId, now: Timestamp) -> StoreResult<()>;
    /// Every assignment of the person, revoked ones included.
    async fn assignments(&self, person: PersonId) -> StoreResult<Vec<RoleAssignment>>;
    /// People holding an active role at one of these organisations.
    async fn staff_of(&self, orgs: &[OrgId]) -> StoreResult<Vec<(Person, RoleAssignment)>>;

    // ── credentials (sign-in tokens and integration keys) ───────────────────────────
    async fn create_credential(&self, credential: &NewCredential) -> StoreResult<CredentialId>;
    /// The credential with this secret hash, revoked or expired ones included.
    async fn credential_by_hash(&self, secret_hash: &str) -> StoreResult<Option<Credential>>;
    async fn credential(&self, id: CredentialId) -> StoreResult<Option<Credential>>;
    /// Every integration key with the role assignment it acts through.
    async fn api_keys(&self) -> StoreResult<Vec<(Credential, RoleAssignment)>>;
    /// Revokes a credential; revoking one already revoked keeps the first time.
    async fn revoke_credential(&self, id: CredentialId, now: Timestamp) -> StoreResult<()>;

    // ── categories and routing ─────────────────────────────────────────────────────
    /// Creates categories in order; a parent is named by code. All or nothing.
    async fn create_categories(&self, categories: &[NewCategory]) -> StoreResult<Vec<CategoryId>>;
    async fn categories(&self) -> StoreResult<Vec<Category>>;
    async fn create_routing_rules(&self, rules: &[NewRoutingRule]) -> StoreResult<()>;
    async fn delete_routing_rule(&self, id: RuleId) -> StoreResult<()>;
    async fn routing_rules(&self) -> StoreResult<Vec<RoutingRule>>;

    // ── calendar and deadline limits ───────────────────────────────────────────────
    /// Years loaded by an admin (the shipped years are in the program).
    async fn holiday_years(&self) -> StoreResult<Vec<(i32, Vec<Holiday>)>>;
    /// Replaces one year's list.
    async fn save_holiday_year(&self, year: i32, holidays: &[Holiday], now: Timestamp) -> StoreResult<()>;
    async fn sla_overrides(&self) -> StoreResult<HashMap<OrgId, Limits>>;
    /// Sets (or with `None` removes) an instansi's own limits.
    async fn set_sla_override(&self, org: OrgId, limits: Option<&Limits>) -> StoreResult<()>;

    // ── answer templates ───────────────────────────────────────────────────────────
    /// Creates an active template updated at `now`.
    async fn create_template(&self, template: &NewAnswerTemplate, now: Timestamp) -> StoreResult<TemplateId>;
    /// Saves every field of the template with this id; [`crate::StoreError::NotFound`]
    /// when there is none.
    async fn update_template(&self, template: &AnswerTemplate) -> StoreResult<()>;
    /// Every template, inactive ones included, by organisation, category (general ones
    /// first) and title.
    async fn templates(&self) -> StoreResult<Vec<AnswerTemplate>>;

    // ── reports ────────────────────────────────────────────────────────────────────
    /// Saves a new report with its first events and clocks; returns it with its id.
    /// A tracking number already taken is a [`crate::StoreError::Conflict`].
    async fn create_report(&self, filing: &Filing) -> StoreResult<Report>;
    /// [`Store::create_report`], recording `key` in the same transaction. A key already
    /// recorded is a [`crate::StoreError::Conflict`] and nothing is written.
    async fn create_report_once(&self, filing: &Filing, key: &IdempotencyKey) -> StoreResult<Report>;
    /// The report filed under this caller's key, with the request's fingerprint.
    async fn idempotent_report(&self, caller: &str, key: &str) -> StoreResult<Option<(ReportId, String)>>;
    async fn report(&self, id: ReportId) -> StoreResult<Option<Report>>;
    /// Many reports at once, in the order asked (ids that do not exist are left out): a
    /// page's reports in a fixed number of queries.
    async fn reports(&self, ids: &[ReportId]) -> StoreResult<Vec<Report>>;
    async fn report_by_tracking(&self, tracking: &TrackingNumber) -> StoreResult<Option<Report>>;
    /// A report and its whole timeline (oldest first) in one read: what a page showing one
    /// report needs.
    async fn report_with_events(&self, tracking: &TrackingNumber) -> StoreResult<Option<(Report, Vec<Event>)>>;
    /// The ids of the reports with these tracking numbers, in the order asked (numbers
    /// without a report are left out).
    async fn report_ids(&self, trackings: &[TrackingNumber]) -> StoreResult<Vec<ReportId>>;
    /// Writes a transition atomically — the report, its clocks, units and events — if
    /// the report is still at `expected_version`; otherwise [`crate::StoreError::Stale`]
    /// and nothing is written.
    async fn apply(&self, transition: &Transition) -> StoreResult<Report>;
    /// The whole timeline, oldest first.
    async fn events(&self, report: ReportId) -> StoreResult<Vec<Event>>;
    /// The events of these reports with this visibility whose kind
    /// ([`aduan_domain::event::EventKind::code`]) is one of `kinds` — a page's status notes
    /// in one query — by report id, then oldest first.
    async fn events_of(&self, reports: &[ReportId], visibility: Visibility, kinds: &[&str]) -> StoreResult<Vec<Event>>;
    /// The published side of many timelines at once (Open311's `servicerequestupdates`):
    /// events of public visibility with `from <= at < before`, of the reports in `scope`
    /// (chosen as for lists: for [`Scope::Public`] only verified reports), oldest first
    /// (ties by report and position), at most `limit`. A confidential report's timeline is
    /// never published, so its events are left out whatever the scope.
    async fn public_events_between(
        &self,
        scope: &Scope,
        from: Timestamp,
        before: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<Event>>;
    /// A page of the filter's list, reading a bounded number of index entries
    /// ([`crate::plan`]).
    async fn list_reports(&self, filter: &ReportFilter, page: &PageRequest) -> StoreResult<Page<ReportSummary>>;
    /// Counts the filter's reports until `enough` are found, reading at most twice that
    /// many index entries: [`Count::AtLeast`] when it stopped early. `u64::MAX` counts them
    /// all, however long that takes (tools and tests, never a request).
    async fn count_reports(&self, filter: &ReportFilter, enough: u64) -> StoreResult<Count>;
    /// Sets whose lists hold these reports ([`OrgTree::reach`]) after the organisation
    /// tree changed under them.
    async fn set_reach(&self, reach: &[(ReportId, Vec<OrgId>)]) -> StoreResult<()>;
    /// Records one supporter ("dukung"); `false` if this supporter already did.
    async fn add_support(&self, report: ReportId, supporter: &str, now: Timestamp) -> StoreResult<bool>;
    /// Loads many reports with their histories in few transactions, adding their
    /// measures to the evaluation cells.
    async fn import_reports(&self, reports: &[ImportedReport]) -> StoreResult<()>;
    /// Ids of reports after `after`, in id order, at most `limit` (for walking every report).
    async fn report_ids_after(&self, after: ReportId, limit: u32) -> StoreResult<Vec<ReportId>>;

    // ── evaluation cells (docs/DOMAIN.md §8) ────────────────────────────────────────────
    // Filings, transitions and imports add their measures in their own transaction.

    /// The stored cells of the query's organisations, cube and months.
    async fn measure_cells(&self, query: &CellQuery) -> StoreResult<Cells>;
    /// Replaces every cell: a rebuild after the reference data the measures depend on
    /// (holidays, the organisation tree) changed, or after an upgrade.
    async fn replace_measures(&self, cells: &Cells) -> StoreResult<()>;

    // ── time-driven jobs ───────────────────────────────────────────────────────────
    /// Reports with a running clock past due that no job has acted on yet, most overdue
    /// first.
    async fn due_reports(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<ReportId>>;
    /// Takes or renews a named lease until `until`; `false` while another holder has it.
    async fn try_lease(&self, name: &str, holder: &str, now: Timestamp, until: Timestamp) -> StoreResult<bool>;
    async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()>;

    // Outbox (messages also arrive with a filing or a transition, in its transaction).

    /// Writes messages not caused by a report change (reminders, digests, account mail).
    /// A message whose dedupe key is already in the outbox is skipped; returns how many
    /// were written.
    async fn enqueue(&self, messages: &[NewMessage]) -> StoreResult<usize>;
    /// Takes up to `limit` pending messages due at `now` that no other worker holds, for
    /// `holder` until `lease_until` (on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so that
    /// several processes share the work). A holder that dies loses its claim at
    /// `lease_until` and the message is taken again.
    async fn claim_messages(
        &self,
        holder: &str,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<Message>>;
    /// Marks a claimed message sent. False when `holder` no longer holds it.
    async fn message_sent(
        &self,
        id: MessageId,
        holder: &str,
        now: Timestamp,
        response: Option<&str>,
    ) -> StoreResult<bool>;
    /// Records a failed attempt of a claimed message: retried at `retry_at`, or parked as
    /// failed when `retry_at` is `None`. False when `holder` no longer holds it.
    async fn message_failed(
        &self,
        id: MessageId,
        holder: &str,
        error: &str,
        response: Option<&str>,
        retry_at: Option<Timestamp>,
    ) -> StoreResult<bool>;
    async fn message(&self, id: MessageId) -> StoreResult<Option<Message>>;
    /// Messages matching the filter, newest first.
    async fn messages(&self, filter: &MessageFilter, limit: u32) -> StoreResult<Vec<Message>>;
    /// Puts a failed message back in the queue with its attempts reset. False when it is
    /// not failed.
    async fn resend_message(&self, id: MessageId, now: Timestamp) -> StoreResult<bool>;

    async fn create_webhook(&self, hook: &NewWebhook, now: Timestamp) -> StoreResult<WebhookId>;
    async fn webhooks(&self) -> StoreResult<Vec<Webhook>>;
    /// Turns a webhook off (or on again); its deliveries stay listed.
    async fn set_webhook_active(&self, id: WebhookId, active: bool) -> StoreResult<()>;

    /// The notices a subject ([`aduan_domain::notice::subject_of`]) turned off.
    async fn opt_outs(&self, subject: &str) -> StoreResult<Vec<NoticeKind>>;
    async fn set_opt_out(&self, subject: &str, kind: NoticeKind, opted_out: bool, now: Timestamp) -> StoreResult<()>;

    async fn create_account_token(&self, token: &NewAccountToken) -> StoreResult<()>;
    /// Uses a token once: the person it was made for when it exists, has this purpose, is
    /// unused and unexpired at `now`; it is spent either way it is found.
    async fn use_account_token(
        &self,
        hash: &str,
        purpose: TokenPurpose,
        now: Timestamp,
    ) -> StoreResult<Option<PersonId>>;
    /// When the person's e-mail address was confirmed (cleared when the address changes).
    async fn email_verified_at(&self, person: PersonId) -> StoreResult<Option<Timestamp>>;
    async fn set_email_verified(&self, person: PersonId, at: Timestamp) -> StoreResult<()>;
}
