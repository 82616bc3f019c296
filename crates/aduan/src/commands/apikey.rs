//! `aduan apikey`: integration keys of organisations.

use crate::cli::ApikeyCommand;
use aduan_domain::credential::KeyScope;
use aduan_domain::ids::CredentialId;
use aduan_domain::permission::Actor;
use aduan_domain::person::Role;
use aduan_service::App;
use anyhow::Context;

pub async fn run(cmd: ApikeyCommand, app: &App) -> anyhow::Result<()> {
    match cmd {
        ApikeyCommand::Create { org, name, scopes, role } => {
            let org_id = app.find_org(&org)?;
            let scopes = KeyScope::parse_list(&scopes).map_err(anyhow::Error::msg).context("--scopes")?;
            let role =
                role.map(|r| Role::parse(&r).with_context(|| format!("--role: {r:?} is not a role"))).transpose()?;
            let issued = app.create_api_key(&Actor::System, org_id, role, scopes, &name).await?;
            let acting = issued.acting.as_ref().map(|a| a.role.as_str()).unwrap_or("?");
            eprintln!(
                "key {} for {} acting as {acting}, scopes {}; it is shown only now:",
                issued.credential.id,
                app.reference().orgs.name_of(org_id),
                issued.credential.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
            );
            println!("{}", issued.secret);
        }
        ApikeyCommand::List => {
            let reference = app.reference();
            for (key, role) in app.api_keys(&Actor::System).await? {
                let org = reference.orgs.get(role.org).map(|o| o.code.as_str()).unwrap_or("?");
                let state = if key.revoked_at.is_some() { "revoked" } else { "active" };
                let scopes: Vec<_> = key.scopes.iter().map(|s| s.as_str()).collect();
                println!("{}\t{org}\t{}\t{}\t{state}\t{}", key.id, role.role.as_str(), scopes.join(","), key.name);
            }
        }
        ApikeyCommand::Revoke { id } => {
            app.revoke_api_key(&Actor::System, CredentialId(id)).await?;
            println!("key {id} revoked");
        }
    }
    Ok(())
}
