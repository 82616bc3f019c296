//! `aduan user …`

use crate::cli::{RoleArgs, UserCommand};
use aduan_domain::ids::OrgId;
use aduan_domain::person::{Locale, Person, Role};
use aduan_service::App;
use anyhow::{Context, bail};
use std::io::BufRead;

fn role(s: &str) -> anyhow::Result<Role> {
    Role::parse(s)
        .with_context(|| format!("unknown role {s:?} (screener, coordinator, officer, supervisor, org_admin)"))
}

/// The person, role and organisation named on the command line.
async fn resolve(app: &App, args: &RoleArgs) -> anyhow::Result<(Person, Role, OrgId)> {
    let person = app.find_person(&args.person).await?;
    let org = app.find_org(&args.org)?;
    Ok((person, role(&args.role)?, org))
}

pub async fn run(cmd: UserCommand, app: &App) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add { name, email, phone, locale, password_stdin } => {
            let locale = Locale::parse(&locale).with_context(|| format!("unknown locale {locale:?} (id or en)"))?;
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line).context("cannot read the password")?;
                let line = line.trim_end_matches(['\r', '\n']).to_string();
                if line.is_empty() {
                    bail!("no password on standard input");
                }
                Some(line)
            } else {
                None
            };
            let id = app.add_person(&name, Some(&email), phone.as_deref(), locale, password.as_deref()).await?;
            println!("person {id} added: {name} <{email}>");
        }
        UserCommand::Grant(args) => {
            let (p, r, org_id) = resolve(app, &args).await?;
            app.grant_role(p.id, r, org_id).await?;
            println!("{} is now {} at {}", p.display_name, r.label_en(), app.reference().orgs.name_of(org_id));
        }
        UserCommand::Revoke(args) => {
            let (p, r, org_id) = resolve(app, &args).await?;
            app.revoke_role(p.id, r, org_id).await?;
            println!("{} is no longer {} at {}", p.display_name, r.label_en(), app.reference().orgs.name_of(org_id));
        }
        UserCommand::Show { person } => {
            let p = app.find_person(&person).await?;
            let reference = app.reference();
            println!("{} (id {})", p.display_name, p.id);
            if let Some(e) = &p.email {
                println!("  e-mail: {e}");
            }
            println!("  language: {}", p.locale.as_str());
            for a in app.assignments(p.id).await? {
                let org = reference.orgs.get(a.org).map(|o| format!("{} ({})", o.name, o.code)).unwrap_or_default();
                let state = if a.is_active() { "" } else { " — revoked" };
                println!("  {} at {org}{state}", a.role.label_en());
            }
        }
    }
    Ok(())
}
