//! Integration keys, managed by organisation admins for organisations in their scope.

use super::extract::{Auth, Body, Path};
use super::session::RoleOut;
use super::views::OrgRef;
use crate::AppState;
use crate::problem::Problem;
use aduan_domain::credential::KeyScope;
use aduan_domain::ids::CredentialId;
use aduan_domain::person::Role;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    /// The organisation (code) the key works for; its scope is that organisation's.
    pub org: String,
    /// A label, e.g. the client application's name.
    pub name: String,
    /// Any of `read`, `file`, `act`.
    pub scopes: Vec<String>,
    /// `screener`, `coordinator`, `officer` or `supervisor`; by default the role the
    /// organisation plays (national desk: screener, instansi: coordinator, unit: officer).
    pub role: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeyOut {
    pub id: i64,
    pub name: String,
    pub scopes: Vec<String>,
    pub acting_as: RoleOut,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedKey {
    /// Send as `Authorization: Bearer <key>` (or Open311's `api_key`). Shown once.
    pub key: String,
    #[serde(flatten)]
    pub info: KeyOut,
}

fn key_out(
    state: &AppState,
    credential: &aduan_domain::credential::Credential,
    a: &aduan_domain::person::RoleAssignment,
) -> KeyOut {
    let reference = state.app.reference();
    KeyOut {
        id: credential.id.0,
        name: credential.name.clone(),
        scopes: credential.scopes.iter().map(|s| s.as_str().into()).collect(),
        acting_as: RoleOut { assignment: a.id.0, role: a.role.as_str().into(), org: OrgRef::of(&reference, a.org) },
        created_at: credential.created_at,
        revoked_at: credential.revoked_at,
    }
}

/// Keys are managed by signed-in organisation admins only.
fn signed_in(caller: &aduan_service::Caller) -> Result<(), Problem> {
    match caller.credential {
        Some(_) => Ok(()),
        None => Err(Problem::unauthenticated("sign in as an organisation admin to manage integration keys")),
    }
}

/// Creates an integration key (organisation admins, within their scope).
#[utoipa::path(post, path = "/api/v1/keys", tag = "keys", operation_id = "create_key", request_body = NewKey,
    responses((status = 201, body = CreatedKey), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Body(body): Body<NewKey>,
) -> Result<(StatusCode, axum::Json<CreatedKey>), Problem> {
    signed_in(&caller)?;
    let app = &state.app;
    let org = super::input::org(app, "org", &body.org)?;
    let scopes = KeyScope::parse_list(&body.scopes.join(",")).map_err(|m| Problem::invalid("scopes", m))?;
    let role = body
        .role
        .as_deref()
        .map(|r| Role::parse(r).ok_or_else(|| Problem::invalid("role", format!("{r:?} is not a role"))))
        .transpose()?;
    let issued = app.create_api_key(&caller.actor, org, role, scopes, &body.name).await?;
    let acting =
        issued.acting.ok_or_else(|| Problem::from(aduan_service::AppError::Internal("key without role".into())))?;
    let info = key_out(&state, &issued.credential, &acting);
    Ok((StatusCode::CREATED, axum::Json(CreatedKey { key: issued.secret, info })))
}

/// The integration keys of the organisations the caller administers.
#[utoipa::path(get, path = "/api/v1/keys", tag = "keys", operation_id = "list_keys",
    responses((status = 200, body = Vec<KeyOut>), (status = 403, body = Problem)), security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, Auth(caller): Auth) -> Result<axum::Json<Vec<KeyOut>>, Problem> {
    signed_in(&caller)?;
    let keys = state.app.api_keys(&caller.actor).await?;
    Ok(axum::Json(keys.iter().map(|(c, a)| key_out(&state, c, a)).collect()))
}

/// Revokes a key: it stops working at once.
#[utoipa::path(delete, path = "/api/v1/keys/{id}", tag = "keys", operation_id = "revoke_key",
    params(("id" = i64, Path, description = "The key's id")),
    responses((status = 204), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<i64>,
) -> Result<StatusCode, Problem> {
    signed_in(&caller)?;
    state.app.revoke_api_key(&caller.actor, CredentialId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
