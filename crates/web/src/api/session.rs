//! Signing in and out, and who the caller is.

use super::extract::{Auth, Body};
use super::views::OrgRef;
use crate::AppState;
use crate::client::ClientAddr;
use crate::problem::Problem;
use aduan_domain::ids::AssignmentId;
use aduan_domain::permission::Actor;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub email: String,
    pub password: String,
    /// The role assignment to act through, when the person holds several.
    pub assignment: Option<i64>,
}

/// A role held over an organisation and everything below it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoleOut {
    pub assignment: i64,
    pub role: String,
    pub org: OrgRef,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    /// Send as `Authorization: Bearer <token>`. Shown once.
    pub token: String,
    pub expires_at: Option<DateTime<Utc>>,
    /// The role the token acts through; none for a citizen.
    pub acting_as: Option<RoleOut>,
}

/// Signs in with e-mail and password for a short-lived bearer token (rate-limited per
/// address).
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = SignIn,
    responses((status = 201, body = TokenOut), (status = 401, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem)))]
pub async fn sign_in(
    State(state): State<AppState>,
    addr: ClientAddr,
    Body(body): Body<SignIn>,
) -> Result<(StatusCode, axum::Json<TokenOut>), Problem> {
    state.limits.check_sign_in(addr)?;
    let issued = state.app.sign_in(&body.email, &body.password, body.assignment.map(AssignmentId)).await?;
    let reference = state.app.reference();
    Ok((
        StatusCode::CREATED,
        axum::Json(TokenOut {
            token: issued.secret,
            expires_at: issued.credential.expires_at,
            acting_as: issued.acting.map(|a| RoleOut {
                assignment: a.id.0,
                role: a.role.as_str().into(),
                org: OrgRef::of(&reference, a.org),
            }),
        }),
    ))
}

/// Signs out: the token stops working at once.
#[utoipa::path(delete, path = "/api/v1/auth/token", tag = "auth",
    responses((status = 204), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn sign_out(State(state): State<AppState>, Auth(caller): Auth) -> Result<StatusCode, Problem> {
    state.app.sign_out(&caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub person: i64,
    pub display_name: String,
    /// `token` or `api_key`.
    pub credential: String,
    /// Integration keys only: `read`, `file`, `act`.
    pub scopes: Vec<String>,
    pub acting_as: Option<RoleOut>,
    pub roles: Vec<RoleOut>,
}

/// The signed-in person or integration, the role it acts through, and its other roles.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    responses((status = 200, body = Me), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn me(State(state): State<AppState>, Auth(caller): Auth) -> Result<axum::Json<Me>, Problem> {
    let credential = caller.credential.as_ref().ok_or_else(|| Problem::unauthenticated("not signed in"))?;
    let app = &state.app;
    let person = app.find_person(&credential.person.0.to_string()).await?;
    let reference = app.reference();
    let role_out = |a: &aduan_domain::person::RoleAssignment| RoleOut {
        assignment: a.id.0,
        role: a.role.as_str().into(),
        org: OrgRef::of(&reference, a.org),
    };
    let roles: Vec<_> = app.assignments(person.id).await?.into_iter().filter(|a| a.is_active()).collect();
    let acting_as = match caller.actor {
        Actor::Staff(_) => roles.iter().find(|a| Some(a.id) == credential.assignment).map(role_out),
        _ => None,
    };
    Ok(axum::Json(Me {
        person: person.id.0,
        display_name: person.display_name,
        credential: credential.kind.as_str().into(),
        scopes: credential.scopes.iter().map(|s| s.as_str().into()).collect(),
        acting_as,
        roles: roles.iter().map(role_out).collect(),
    }))
}
