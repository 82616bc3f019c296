//! Who calls: the `api_key` parameter (an integration key, or a person's sign-in token).

use super::errors::Open311Error;
use super::params::Params;
use crate::AppState;
use aduan_domain::credential::KeyScope;
use aduan_domain::permission::Actor;
use aduan_service::Caller;

/// Reads are made as the key's actor when it may read, otherwise as the public: a key
/// that may only file reads what everyone may. A key that is not valid is refused, never
/// silently read as the public.
pub async fn reader(state: &AppState, params: &Params) -> Result<Actor, Open311Error> {
    let Some(secret) = params.get("api_key") else { return Ok(Actor::Public) };
    let caller = state.app.authenticate(secret).await?;
    Ok(if caller.require(KeyScope::Read).is_ok() { caller.actor } else { Actor::Public })
}

/// Writes need a key with `scope`.
pub async fn writer(state: &AppState, params: &Params, scope: KeyScope) -> Result<Caller, Open311Error> {
    let secret = params.get("api_key").ok_or_else(|| Open311Error::forbidden("api_key is required"))?;
    let caller = state.app.authenticate(secret).await?;
    caller.require(scope).map_err(|e| Open311Error::forbidden(format!("api_key may not do this: {e}")))?;
    Ok(caller)
}
