//! The storage trait.

use crate::error::StoreResult;
use crate::query::{Page, PageRequest, ReportFilter, ReportSummary};
use aduan_domain::calendar::Holiday;
use aduan_domain::category::{Category, NewCategory};
use aduan_domain::event::{Event, NewEvent};
use aduan_domain::ids::{AssignmentId, CategoryId, OrgId, PersonId, ReportId, RuleId};
use aduan_domain::lifecycle::{Filing, Transition};
use aduan_domain::org::{NewOrganisation, Organisation};
use aduan_domain::person::{Email, NewPerson, Person, Role, RoleAssignment};
use aduan_domain::report::Report;
use aduan_domain::routing::{NewRoutingRule, RoutingRule};
use aduan_domain::sla::Limits;
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

    // ── reports ────────────────────────────────────────────────────────────────────
    /// Saves a new report with its first events and clocks; returns it with its id.
    /// A tracking number already taken is a [`crate::StoreError::Conflict`].
    async fn create_report(&self, filing: &Filing) -> StoreResult<Report>;
    async fn report(&self, id: ReportId) -> StoreResult<Option<Report>>;
    async fn report_by_tracking(&self, tracking: &TrackingNumber) -> StoreResult<Option<Report>>;
    /// Writes a transition atomically — the report, its clocks, units and events — if
    /// the report is still at `expected_version`; otherwise [`crate::StoreError::Stale`]
    /// and nothing is written.
    async fn apply(&self, transition: &Transition) -> StoreResult<Report>;
    /// The whole timeline, oldest first.
    async fn events(&self, report: ReportId) -> StoreResult<Vec<Event>>;
    async fn list_reports(&self, filter: &ReportFilter, page: &PageRequest) -> StoreResult<Page<ReportSummary>>;
    async fn count_reports(&self, filter: &ReportFilter) -> StoreResult<u64>;
    /// Records one supporter ("dukung"); `false` if this supporter already did.
    async fn add_support(&self, report: ReportId, supporter: &str, now: Timestamp) -> StoreResult<bool>;
    /// Loads many reports with their histories in few transactions.
    async fn import_reports(&self, reports: &[ImportedReport]) -> StoreResult<()>;

    // ── time-driven jobs ───────────────────────────────────────────────────────────
    /// Reports with a running clock past due that no job has acted on yet, most overdue
    /// first.
    async fn due_reports(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<ReportId>>;
    /// Takes or renews a named lease until `until`; `false` while another holder has it.
    async fn try_lease(&self, name: &str, holder: &str, now: Timestamp, until: Timestamp) -> StoreResult<bool>;
    async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()>;
}
