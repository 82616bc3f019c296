//! The staff workspace: one sign-in, the queue of the role the person acts in, the
//! report page with the actions that role may take, intake on a citizen's behalf and the
//! organisation admin's pages. Every action goes through the same service calls as the
//! JSON API; a refusal (out of scope, stale, wrong status) comes back as a page.

mod admin;
mod dashboard;
mod exports;
mod intake;
mod queue;
mod report;

use super::format;
use super::lang::Lang;
use super::session::{SESSION_COOKIE, Visitor};
use super::{Chrome, PageError, PageResult, see_other};
use crate::AppState;
use aduan_domain::deadline::Standing;
use aduan_domain::ids::AssignmentId;
use aduan_domain::permission::{Actor, StaffRole};
use aduan_domain::person::{Role, RoleAssignment};
use aduan_domain::time::{Timestamp, Zone};
use aduan_service::{AppError, Caller, Reference};
use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

pub fn routes(state: &AppState) -> Router<AppState> {
    let upload_limit = usize::try_from(state.app.options().max_upload_bytes)
        .unwrap_or(usize::MAX)
        .saturating_mul(aduan_domain::lifecycle::MAX_ATTACHMENTS)
        .saturating_add(1024 * 1024);
    Router::new()
        .route("/staf", get(queue::home))
        .route("/staf/antrian", get(queue::page))
        .route("/staf/arsip-massal", post(queue::archive_many))
        .route("/staf/peran", get(choose_role).post(switch_role))
        .route("/staf/laporan/{tracking}", get(report::page))
        .route(
            "/staf/laporan/{tracking}/aksi",
            post(report::act).layer(axum::extract::DefaultBodyLimit::max(upload_limit)),
        )
        .route("/staf/laporan/{tracking}/lampiran/{key}", get(report::attachment))
        .route("/staf/input", get(intake::form).post(intake::submit))
        .route("/staf/dasbor", get(dashboard::page))
        .route("/staf/dasbor/cetak", get(dashboard::print))
        .route("/staf/dasbor/pengawasan", get(dashboard::set))
        .merge(admin::routes())
        .merge(exports::routes())
}

/// A signed-in member of staff, acting in one of their roles.
pub struct Staff {
    pub v: Visitor,
    pub role: StaffRole,
    pub roles: Vec<RoleAssignment>,
    pub current: AssignmentId,
}

impl Staff {
    pub fn actor(&self) -> Actor {
        Actor::Staff(self.role)
    }

    pub fn lang(&self) -> Lang {
        self.v.lang
    }

    pub fn t<'a>(&self, id: &'a str, en: &'a str) -> &'a str {
        self.v.lang.t(id, en)
    }

    pub fn chrome(&self, title: impl Into<String>, section: &'static str) -> Chrome {
        let mut c = self.v.chrome(title, section);
        c.styles.push("/assets/portal/staf.css");
        c
    }

    /// The header's role switch and navigation.
    pub fn bar(&self, reference: &Reference) -> StaffBar {
        let lang = self.v.lang;
        StaffBar {
            roles: self
                .roles
                .iter()
                .map(|a| RoleChoice {
                    id: a.id.0.to_string(),
                    label: role_label(lang, reference, a),
                    current: a.id == self.current,
                })
                .collect(),
            has_queue: !self.role.role.queue_statuses().is_empty() || self.role.role == Role::Supervisor,
            can_intake: self.role.role.has(aduan_domain::permission::Permission::IntakeOnBehalf),
            is_admin: self.role.role == Role::OrgAdmin,
            has_dashboard: dashboard::has_dashboard(&self.actor()),
            can_export: self.role.role.has(aduan_domain::permission::Permission::Export),
            who: self.v.person.as_ref().map(|p| p.display_name.clone()).unwrap_or_default(),
        }
    }
}

/// "Admin Instansi — Pemerintah Kabupaten Kutai Timur".
pub fn role_label(lang: Lang, reference: &Reference, a: &RoleAssignment) -> String {
    format!("{} — {}", lang.t(a.role.label_id(), a.role.label_en()), reference.orgs.name_of(a.org))
}

#[derive(Clone)]
pub struct RoleChoice {
    pub id: String,
    pub label: String,
    pub current: bool,
}

/// What the staff header shows.
#[derive(Clone)]
pub struct StaffBar {
    pub roles: Vec<RoleChoice>,
    pub has_queue: bool,
    pub can_intake: bool,
    pub is_admin: bool,
    pub has_dashboard: bool,
    pub can_export: bool,
    pub who: String,
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let v = Visitor::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        let Some(person) = v.person.clone() else {
            return Err(see_other(&format!("/masuk?ke={}", super::percent_encode(&v.here))));
        };
        let roles = active_staff_roles(state, person.id).await.map_err(|e| PageError::from(e).into_response())?;
        let current = v.caller.credential.as_ref().and_then(|c| c.assignment);
        match (v.caller.actor, current) {
            (Actor::Staff(role), Some(current)) => {
                let mut staff = Staff { v, role, roles, current };
                // Every page of a staff member carries the staff header.
                staff.v.staff = Some(staff.bar(&state.app.reference()));
                Ok(staff)
            }
            // Signed in as a citizen but holding staff roles: choose one first.
            _ if !roles.is_empty() => Err(see_other("/staf/peran")),
            _ => Err(PageError::from(crate::problem::Problem::new(
                StatusCode::FORBIDDEN,
                "not_staff",
                "these pages are for staff; your account holds no staff role",
                "Halaman ini untuk petugas; akun Anda tidak memiliki peran petugas.",
            ))
            .into_response()),
        }
    }
}

async fn active_staff_roles(
    state: &AppState,
    person: aduan_domain::ids::PersonId,
) -> Result<Vec<RoleAssignment>, AppError> {
    Ok(state
        .app
        .assignments(person)
        .await?
        .into_iter()
        .filter(|a| a.is_active() && Role::STAFF.contains(&a.role))
        .collect())
}

/// Where a role's work starts.
pub fn landing(role: Role) -> &'static str {
    match role {
        Role::OrgAdmin => "/staf/admin",
        _ => "/staf/antrian",
    }
}

#[derive(Template)]
#[template(path = "staf_peran.html")]
struct ChooseRolePage {
    c: Chrome,
    roles: Vec<RoleChoice>,
}

/// `GET /staf/peran`: a person signed in as a citizen who also holds staff roles.
async fn choose_role(State(state): State<AppState>, v: Visitor) -> PageResult {
    let Some(person) = v.person.clone() else {
        return Ok(see_other("/masuk?ke=%2Fstaf"));
    };
    let reference = state.app.reference();
    let roles = active_staff_roles(&state, person.id)
        .await?
        .iter()
        .map(|a| RoleChoice { id: a.id.0.to_string(), label: role_label(v.lang, &reference, a), current: false })
        .collect();
    let page = ChooseRolePage { c: v.chrome(v.t("Pilih peran", "Choose a role"), "staf"), roles };
    Ok(super::render(&page))
}

#[derive(Deserialize)]
struct SwitchForm {
    csrf: String,
    /// An assignment id, or `pelapor` for the person's own reports.
    peran: String,
}

/// `POST /staf/peran`: act through another of one's roles (or as a reporter).
async fn switch_role(State(state): State<AppState>, v: Visitor, Form(form): Form<SwitchForm>) -> PageResult {
    v.check_csrf(&form.csrf)?;
    if v.person.is_none() {
        return Ok(see_other("/masuk?ke=%2Fstaf"));
    }
    let target = match form.peran.trim() {
        "pelapor" => None,
        id => Some(AssignmentId(
            id.parse()
                .map_err(|_| AppError::from(aduan_domain::Refusal::invalid("peran", "choose one of your roles")))?,
        )),
    };
    let issued = state.app.switch_role(&v.caller, target).await?;
    let to = match &issued.acting {
        Some(a) => landing(a.role),
        None => "/laporan-saya",
    };
    Ok(with_session(&state, &v, issued.secret, to))
}

/// Replaces the session cookie and goes on to `to`.
pub fn with_session(state: &AppState, v: &Visitor, secret: String, to: &str) -> Response {
    let mut session = v.cookie(SESSION_COOKIE, secret);
    let lifetime = state.app.options().token_lifetime.num_seconds();
    session.set_max_age(Some(cookie::time::Duration::seconds(lifetime)));
    (CookieJar::new().add(session), see_other(to)).into_response()
}

/// After sign-in: a person holding staff roles starts in the first of them.
pub async fn after_sign_in(state: &AppState, caller: &Caller) -> Result<Option<aduan_service::Issued>, AppError> {
    let Some(person) = caller.actor.person() else { return Ok(None) };
    let roles = active_staff_roles(state, person).await?;
    match roles.first() {
        Some(first) => Ok(Some(state.app.switch_role(caller, Some(first.id)).await?)),
        None => Ok(None),
    }
}

/// "Saved: …" after an action, from the `berhasil` parameter of the page it led to.
pub fn done_message(staff: &Staff, action: &str) -> Option<String> {
    let action = aduan_domain::permission::Action::ALL.into_iter().find(|a| a.as_str() == action)?;
    Some(
        staff.v.lang.pick(
            format!("Tersimpan: {}.", action.label_id()),
            format!("Saved: {}.", action.label_en().to_lowercase()),
        ),
    )
}

/// A deadline as a badge: its standing, in words (never colour alone), with the time
/// in the holding organisation's zone.
pub struct Clock {
    pub standing: &'static str,
    pub label: String,
    pub due: String,
}

impl Clock {
    pub fn of(lang: Lang, reference: &Reference, due: Option<(Timestamp, Zone)>, now: Timestamp) -> Option<Clock> {
        let (at, zone) = due?;
        let standing = Standing::of(at, now, zone, &reference.calendar);
        let label = match standing {
            Standing::Overdue => {
                let (late, _) = reference.calendar.working_days_between(at, now, zone);
                if late == 0 {
                    lang.t("Terlambat", "Overdue").to_string()
                } else {
                    lang.pick(format!("Terlambat {late} hari kerja"), format!("{late} working days overdue"))
                }
            }
            Standing::DueSoon => lang.t("Segera jatuh tempo", "Due soon").to_string(),
            Standing::OnTime => {
                let (left, _) = reference.calendar.working_days_between(now, at, zone);
                lang.pick(format!("{left} hari kerja lagi"), format!("{left} working days left"))
            }
        };
        Some(Clock { standing: standing.as_str(), label, due: format::moment(lang, at, zone) })
    }
}
