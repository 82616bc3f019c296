//! Who may do what (docs/DOMAIN.md §2), decided here and nowhere else.
//!
//! A staff member acts through one role assignment at a time; the assignment's
//! organisation and everything below it is the scope. Reporters act on their own reports,
//! either signed in or through the report's private link.

use crate::ids::{OrgId, PersonId, ReportId};
use crate::org::OrgTree;
use crate::person::Role;
use crate::refusal::Refusal;
use crate::report::Report;
use crate::status::Status;
use serde::{Deserialize, Serialize};

/// A staff member acting under one of their role assignments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StaffRole {
    pub person: PersonId,
    pub role: Role,
    pub org: OrgId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    /// Anyone, not signed in.
    Public,
    /// A signed-in citizen.
    Citizen(PersonId),
    /// Whoever holds a report's private link (checked by the caller against its hash).
    ReportLink(ReportId),
    Staff(StaffRole),
    /// A scheduled job.
    System,
}

impl Actor {
    pub fn staff(&self) -> Option<&StaffRole> {
        match self {
            Actor::Staff(s) => Some(s),
            _ => None,
        }
    }

    pub fn person(&self) -> Option<PersonId> {
        match self {
            Actor::Citizen(p) => Some(*p),
            Actor::Staff(s) => Some(s.person),
            _ => None,
        }
    }

    /// The role an actor acts in, for messages.
    pub fn role_name(&self) -> &'static str {
        match self {
            Actor::Public => "public",
            Actor::Citizen(_) | Actor::ReportLink(_) => "reporter",
            Actor::Staff(s) => s.role.as_str(),
            Actor::System => "system",
        }
    }

    /// The reporter of this report, signed in or through its link.
    pub fn is_reporter_of(&self, report: &Report) -> bool {
        match self {
            Actor::Citizen(p) => report.reporter.person == Some(*p),
            Actor::ReportLink(id) => *id == report.id,
            _ => false,
        }
    }
}

/// Every action on a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Verify,
    RequestInfo,
    Archive,
    Restore,
    ReturnNotAuthority,
    Dispose,
    HandBack,
    Respond,
    InternalNote,
    CloseOutside,
    Reply,
    Accept,
    Rate,
    Appeal,
    AutoClose,
    ExpireInfoRequest,
    MarkOverdue,
    FlagOmbudsman,
}

/// Who an action belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Party {
    Staff(&'static [Role]),
    Reporter,
    System,
}

impl Action {
    pub const ALL: [Action; 18] = [
        Action::Verify,
        Action::RequestInfo,
        Action::Archive,
        Action::Restore,
        Action::ReturnNotAuthority,
        Action::Dispose,
        Action::HandBack,
        Action::Respond,
        Action::InternalNote,
        Action::CloseOutside,
        Action::Reply,
        Action::Accept,
        Action::Rate,
        Action::Appeal,
        Action::AutoClose,
        Action::ExpireInfoRequest,
        Action::MarkOverdue,
        Action::FlagOmbudsman,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Verify => "verify",
            Action::RequestInfo => "request_info",
            Action::Archive => "archive",
            Action::Restore => "restore",
            Action::ReturnNotAuthority => "return_not_authority",
            Action::Dispose => "dispose",
            Action::HandBack => "hand_back",
            Action::Respond => "respond",
            Action::InternalNote => "internal_note",
            Action::CloseOutside => "close_outside",
            Action::Reply => "reply",
            Action::Accept => "accept",
            Action::Rate => "rate",
            Action::Appeal => "appeal",
            Action::AutoClose => "auto_close",
            Action::ExpireInfoRequest => "expire_info_request",
            Action::MarkOverdue => "mark_overdue",
            Action::FlagOmbudsman => "flag_ombudsman",
        }
    }

    /// The words of docs/UX.md.
    pub fn label_id(self) -> &'static str {
        match self {
            Action::Verify => "Verifikasi dan teruskan",
            Action::RequestInfo => "Minta kelengkapan",
            Action::Archive => "Arsipkan",
            Action::Restore => "Pulihkan",
            Action::ReturnNotAuthority => "Kembalikan (bukan kewenangan)",
            Action::Dispose => "Disposisi ke unit",
            Action::HandBack => "Kembalikan ke koordinator",
            Action::Respond => "Kirim tindak lanjut",
            Action::InternalNote => "Catatan internal",
            Action::CloseOutside => "Tutup (ditangani di luar sistem)",
            Action::Reply => "Tanggapi",
            Action::Accept => "Terima jawaban",
            Action::Rate => "Beri penilaian",
            Action::Appeal => "Ajukan banding",
            Action::AutoClose => "Selesai otomatis",
            Action::ExpireInfoRequest => "Arsip otomatis",
            Action::MarkOverdue => "Tandai terlambat",
            Action::FlagOmbudsman => "Tandai eskalasi Ombudsman",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Action::Verify => "Verify and forward",
            Action::RequestInfo => "Request information",
            Action::Archive => "Archive",
            Action::Restore => "Restore",
            Action::ReturnNotAuthority => "Return (not our authority)",
            Action::Dispose => "Dispose to units",
            Action::HandBack => "Hand back to coordinator",
            Action::Respond => "Publish follow-up",
            Action::InternalNote => "Internal note",
            Action::CloseOutside => "Close (handled outside the system)",
            Action::Reply => "Reply",
            Action::Accept => "Accept the answer",
            Action::Rate => "Rate",
            Action::Appeal => "Appeal",
            Action::AutoClose => "Close automatically",
            Action::ExpireInfoRequest => "Archive automatically",
            Action::MarkOverdue => "Mark overdue",
            Action::FlagOmbudsman => "Flag for Ombudsman",
        }
    }

    fn party(self) -> Party {
        use Action::*;
        const SCREENER: &[Role] = &[Role::Screener];
        const COORDINATOR: &[Role] = &[Role::Coordinator];
        const OFFICER: &[Role] = &[Role::Officer];
        const HANDLERS: &[Role] = &[Role::Coordinator, Role::Officer];
        const WORKERS: &[Role] = &[Role::Screener, Role::Coordinator, Role::Officer];
        match self {
            Verify | RequestInfo | Archive | Restore => Party::Staff(SCREENER),
            ReturnNotAuthority | Dispose | CloseOutside => Party::Staff(COORDINATOR),
            HandBack => Party::Staff(OFFICER),
            Respond => Party::Staff(HANDLERS),
            InternalNote => Party::Staff(WORKERS),
            Reply | Accept | Rate | Appeal => Party::Reporter,
            AutoClose | ExpireInfoRequest | MarkOverdue | FlagOmbudsman => Party::System,
        }
    }

    /// The statuses in which the action applies (the arrows of docs/DOMAIN.md §4).
    pub fn allowed_in(self, status: Status) -> bool {
        use Action::*;
        use Status::*;
        match self {
            Verify | RequestInfo => status == Submitted,
            Archive => matches!(status, Submitted | NeedsInfo),
            Restore => status == Archived,
            ReturnNotAuthority => status == Forwarded,
            Dispose => matches!(status, Forwarded | InProgress),
            HandBack => status == InProgress,
            Respond => matches!(status, Forwarded | InProgress),
            InternalNote => true,
            CloseOutside => matches!(status, Forwarded | InProgress | Responded),
            Reply => matches!(status, Submitted | NeedsInfo | Forwarded | InProgress | Responded),
            Accept | AutoClose => status == Responded,
            Rate | Appeal => status == Closed,
            ExpireInfoRequest => status == NeedsInfo,
            MarkOverdue | FlagOmbudsman => status.is_open(),
        }
    }
}

/// Permissions that do not concern one report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Enter a report received off-line on a citizen's behalf.
    IntakeOnBehalf,
    /// See the reports of the scope (lists, search, timelines).
    ReadReports,
    ViewDashboards,
    Export,
    ManageUsers,
    ManageUnits,
    ManageCategories,
    ManageRouting,
    ManageTemplates,
    ManageDeadlines,
    ManageCalendar,
    /// Register the organisation's webhooks and read their deliveries.
    ManageWebhooks,
    /// See the outbox's failed messages and send them again (the deployment's admin).
    ManageOutbox,
}

impl Permission {
    /// What the permission allows, as the end of "your role may not …".
    pub fn action_en(self) -> &'static str {
        use Permission::*;
        match self {
            IntakeOnBehalf => "enter reports on a citizen's behalf",
            ReadReports => "read reports",
            ViewDashboards => "view dashboards",
            Export => "export",
            ManageUsers => "manage users",
            ManageUnits => "manage units",
            ManageCategories => "manage categories",
            ManageRouting => "manage routing rules",
            ManageTemplates => "manage answer templates",
            ManageDeadlines => "manage deadlines",
            ManageCalendar => "manage the holiday calendar",
            ManageWebhooks => "manage webhooks",
            ManageOutbox => "manage outgoing messages",
        }
    }
}

/// Checks that the actor holds a permission at all, wherever its scope: the system may
/// do anything; staff need a role with the permission.
pub fn require_permission(actor: &Actor, permission: Permission) -> Result<(), Refusal> {
    match actor {
        Actor::System => Ok(()),
        Actor::Staff(s) if s.role.has(permission) => Ok(()),
        _ => Err(Refusal::RoleNotAllowed { role: actor.role_name().into(), action: permission.action_en().into() }),
    }
}

/// Checks an administrative permission over `target`: the system (the command line) may
/// do anything; staff need a role with the permission whose scope (its organisation and
/// everything below) covers the target.
pub fn authorize_admin(actor: &Actor, permission: Permission, target: OrgId, orgs: &OrgTree) -> Result<(), Refusal> {
    require_permission(actor, permission)?;
    match actor {
        Actor::Staff(s) if !orgs.is_within(target, s.org) => Err(Refusal::OutOfScope),
        _ => Ok(()),
    }
}

/// Checks an administrative permission over the whole deployment (categories and the
/// holiday calendar are shared by every organisation): staff need it at the root.
pub fn authorize_deployment_admin(actor: &Actor, permission: Permission, orgs: &OrgTree) -> Result<(), Refusal> {
    require_permission(actor, permission)?;
    match actor {
        // Only an assignment at the root of the tree covers the whole deployment.
        Actor::Staff(s) if orgs.get(s.org).is_none_or(|o| o.parent.is_some()) => Err(Refusal::OutOfScope),
        _ => Ok(()),
    }
}

impl Role {
    pub fn has(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Reporter => false,
            Role::Screener => matches!(permission, IntakeOnBehalf | ReadReports | ViewDashboards | Export),
            Role::Coordinator => matches!(permission, IntakeOnBehalf | ReadReports | ViewDashboards | Export),
            Role::Officer => matches!(permission, IntakeOnBehalf | ReadReports | ViewDashboards),
            Role::Supervisor => matches!(permission, ReadReports | ViewDashboards | Export),
            Role::OrgAdmin => matches!(
                permission,
                ManageUsers
                    | ManageUnits
                    | ManageCategories
                    | ManageRouting
                    | ManageTemplates
                    | ManageDeadlines
                    | ManageCalendar
                    | ManageWebhooks
                    | ManageOutbox
            ),
        }
    }

    /// The statuses of the reports waiting for this role: its work queue.
    pub fn queue_statuses(self) -> &'static [Status] {
        match self {
            Role::Screener => &[Status::Submitted],
            Role::Coordinator => &[Status::Forwarded],
            Role::Officer => &[Status::InProgress],
            Role::Reporter | Role::Supervisor | Role::OrgAdmin => &[],
        }
    }

    /// May act on reports at all (supervisors and org admins change nothing).
    pub fn acts_on_reports(self) -> bool {
        Action::ALL.into_iter().any(|a| matches!(a.party(), Party::Staff(roles) if roles.contains(&self)))
    }
}

/// An integration (API or Open311 client) that filed a report for a citizen speaks for
/// that reporter on it — a reply, an acceptance — as the report's private link would.
pub fn speaks_for_reporter(actor: &Actor, report: &Report) -> bool {
    use crate::report::Channel;
    matches!(actor, Actor::Staff(s) if report.entered_by == Some(s.person))
        && matches!(report.channel, Channel::Api | Channel::Open311)
}

/// The actor to take a reporter's action as: the report's private link for the
/// integration that filed it ([`speaks_for_reporter`]), anyone else as themselves.
pub fn reporter_voice(actor: &Actor, report: &Report) -> Actor {
    if speaks_for_reporter(actor, report) { Actor::ReportLink(report.id) } else { *actor }
}

/// Checks role and scope for an action on a report. The status is checked separately
/// (see [`Action::allowed_in`]) so a refusal says which of the two failed.
pub fn authorize(actor: &Actor, action: Action, report: &Report, orgs: &OrgTree) -> Result<(), Refusal> {
    match (action.party(), actor) {
        (Party::System, Actor::System) => Ok(()),
        (Party::Reporter, a) if a.is_reporter_of(report) => Ok(()),
        (Party::Reporter, _) => Err(Refusal::NotReporter { action: action.label_en().to_lowercase() }),
        (Party::Staff(roles), Actor::Staff(staff)) => {
            if !roles.contains(&staff.role) {
                return Err(Refusal::RoleNotAllowed {
                    role: staff.role.as_str().into(),
                    action: action.label_en().to_lowercase(),
                });
            }
            if staff_scope_covers(staff, action, report, orgs) { Ok(()) } else { Err(Refusal::OutOfScope) }
        }
        (Party::Staff(_), _) | (Party::System, _) => {
            Err(Refusal::RoleNotAllowed { role: actor.role_name().into(), action: action.label_en().to_lowercase() })
        }
    }
}

/// Whether the report is where this staff member's role may act on it.
fn staff_scope_covers(staff: &StaffRole, action: Action, report: &Report, orgs: &OrgTree) -> bool {
    let within = |org: OrgId| orgs.is_within(org, staff.org);
    if action == Action::InternalNote {
        return has_seen(staff, report, orgs);
    }
    match staff.role {
        Role::Screener => within(report.screening_desk),
        Role::Coordinator => report.instansi.is_some_and(within),
        Role::Officer => report.units.iter().any(|u| within(u.unit)),
        _ => false,
    }
}

/// The report is, or was, in the staff member's scope (§2).
fn has_seen(staff: &StaffRole, report: &Report, orgs: &OrgTree) -> bool {
    report.involved.iter().any(|org| orgs.is_within(*org, staff.org))
}

/// What a viewer may see of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "level")]
pub enum Access {
    /// Nothing: it does not exist as far as this viewer knows.
    None,
    /// The public page: public events, no personal data.
    Public,
    /// The reporter: public and reporter events, their own data.
    Reporter,
    /// Staff in scope: every event; the reporter's identity only when `identity`.
    Staff { identity: bool },
}

impl Access {
    pub fn sees_identity(self) -> bool {
        matches!(self, Access::Reporter | Access::Staff { identity: true })
    }
}

pub fn access(actor: &Actor, report: &Report, orgs: &OrgTree) -> Access {
    let public_or_none = || if report.is_public() { Access::Public } else { Access::None };
    match actor {
        Actor::System => Access::Staff { identity: true },
        a if a.is_reporter_of(report) => Access::Reporter,
        Actor::Staff(staff) if staff.role.has(Permission::ReadReports) && has_seen(staff, report, orgs) => {
            // An anonymous reporter is known to the screening desk only (abuse handling).
            let identity = !report.privacy.anonymous
                || (staff.role == Role::Screener && orgs.is_within(report.screening_desk, staff.org));
            Access::Staff { identity }
        }
        a if speaks_for_reporter(a, report) => Access::Reporter,
        _ => public_or_none(),
    }
}

/// Which reports a viewer's lists cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportScope {
    /// Everything (the national desk's staff, scheduled jobs).
    All,
    /// What the public may see: verified and not confidential.
    Public,
    /// Reports that involve, or involved, this organisation or one below it: those whose
    /// [`crate::org::OrgTree::reach`] holds it.
    Within(OrgId),
    /// A reporter's own reports.
    Reporter(PersonId),
}

/// The reports an actor's lists and searches cover (docs/DOMAIN.md §2: staff see only reports
/// that are, or were, in their scope).
pub fn report_scope(actor: &Actor, orgs: &OrgTree) -> ReportScope {
    match actor {
        Actor::System => ReportScope::All,
        Actor::Staff(s) if s.role.has(Permission::ReadReports) => {
            if orgs.national().is_some_and(|n| n.id == s.org) {
                ReportScope::All
            } else {
                ReportScope::Within(s.org)
            }
        }
        Actor::Citizen(p) => ReportScope::Reporter(*p),
        Actor::Staff(_) | Actor::Public | Actor::ReportLink(_) => ReportScope::Public,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::fixtures::tree;

    fn staff(role: Role, org: i64) -> Actor {
        Actor::Staff(StaffRole { person: PersonId(7), role, org: OrgId(org) })
    }

    #[test]
    fn org_admins_manage_their_subtree_only() {
        let t = tree();
        let kutim_admin = staff(Role::OrgAdmin, 10);
        assert_eq!(authorize_admin(&kutim_admin, Permission::ManageUnits, OrgId(12), &t), Ok(()));
        assert_eq!(authorize_admin(&kutim_admin, Permission::ManageUnits, OrgId(10), &t), Ok(()));
        assert_eq!(authorize_admin(&kutim_admin, Permission::ManageUnits, OrgId(21), &t), Err(Refusal::OutOfScope));
        assert_eq!(authorize_admin(&kutim_admin, Permission::ManageUnits, OrgId(1), &t), Err(Refusal::OutOfScope));
        let coordinator = staff(Role::Coordinator, 10);
        assert!(matches!(
            authorize_admin(&coordinator, Permission::ManageUnits, OrgId(11), &t),
            Err(Refusal::RoleNotAllowed { .. })
        ));
        assert!(matches!(
            authorize_admin(&Actor::Citizen(PersonId(1)), Permission::ManageUsers, OrgId(11), &t),
            Err(Refusal::RoleNotAllowed { .. })
        ));
        assert_eq!(authorize_admin(&Actor::System, Permission::ManageUnits, OrgId(21), &t), Ok(()));
    }

    #[test]
    fn deployment_wide_changes_need_the_root() {
        let t = tree();
        let national = staff(Role::OrgAdmin, 1);
        assert_eq!(authorize_deployment_admin(&national, Permission::ManageCategories, &t), Ok(()));
        assert_eq!(authorize_deployment_admin(&Actor::System, Permission::ManageCalendar, &t), Ok(()));
        assert_eq!(
            authorize_deployment_admin(&staff(Role::OrgAdmin, 10), Permission::ManageCategories, &t),
            Err(Refusal::OutOfScope)
        );
        assert!(matches!(
            authorize_deployment_admin(&staff(Role::Screener, 1), Permission::ManageCategories, &t),
            Err(Refusal::RoleNotAllowed { .. })
        ));
    }
}
