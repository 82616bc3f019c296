//! Signing in for a bearer token, integration keys, and turning either back into an
//! actor. Secrets are shown once; only their SHA-256 is stored (they are long and
//! random, so a slow hash would add nothing).

use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::people::{hash_password, verify_password};
use crate::secrets::{hash_secret, new_secret};
use aduan_domain::Refusal;
use aduan_domain::credential::{Credential, CredentialKind, KeyScope, NewCredential};
use aduan_domain::ids::{AssignmentId, CredentialId, OrgId, PersonId};
use aduan_domain::org::OrgKind;
use aduan_domain::permission::{Actor, Permission, StaffRole};
use aduan_domain::person::{Email, Locale, NewPerson, Person, Role, RoleAssignment};
use std::sync::OnceLock;

/// Prefixes that tell a reader (and a secret scanner) what a string is.
const TOKEN_PREFIX: &str = "adt_";
const KEY_PREFIX: &str = "adk_";

/// Who is calling, once their credential is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub actor: Actor,
    /// `None` for an anonymous caller.
    pub credential: Option<Credential>,
}

impl Caller {
    pub const ANONYMOUS: Caller = Caller { actor: Actor::Public, credential: None };

    /// Refuses a key used beyond the scopes it was created with. Tokens pass: a person's
    /// rights come from their role.
    pub fn require(&self, scope: KeyScope) -> AppResult<()> {
        match &self.credential {
            Some(c) if !c.allows(scope) => Err(Refusal::RoleNotAllowed {
                role: format!("integration key without the {} scope", scope.as_str()),
                action: match scope {
                    KeyScope::Read => "read reports".into(),
                    KeyScope::File => "file reports".into(),
                    KeyScope::Act => "act on reports".into(),
                },
            }
            .into()),
            _ => Ok(()),
        }
    }

    /// A stable name for this caller, e.g. to scope idempotency keys.
    pub fn key(&self) -> Option<String> {
        self.credential.as_ref().map(|c| format!("{}:{}", c.kind.as_str(), c.person))
    }
}

/// A token just issued: the secret is shown once.
#[derive(Debug, Clone)]
pub struct Issued {
    pub secret: String,
    pub credential: Credential,
    pub acting: Option<RoleAssignment>,
}

impl App {
    /// Checks an e-mail address and password and issues a token acting through
    /// `assignment` (required when the person holds several roles).
    pub async fn sign_in(&self, email: &str, password: &str, assignment: Option<AssignmentId>) -> AppResult<Issued> {
        let person = self.check_password(email, password).await?;
        let active: Vec<RoleAssignment> =
            self.store().assignments(person.id).await?.into_iter().filter(RoleAssignment::is_active).collect();
        let acting =
            match (assignment, active.as_slice()) {
                (Some(id), _) => {
                    Some(active.iter().find(|a| a.id == id).cloned().ok_or_else(|| {
                        Refusal::invalid("assignment", format!("{id} is not one of your active roles"))
                    })?)
                }
                (None, []) => None,
                (None, [only]) => Some(only.clone()),
                (None, several) => {
                    let reference = self.reference();
                    let list: Vec<String> = several
                        .iter()
                        .map(|a| format!("{} ({} at {})", a.id, a.role.as_str(), reference.orgs.name_of(a.org)))
                        .collect();
                    return Err(Refusal::invalid(
                        "assignment",
                        format!("you hold several roles; name one of {}", list.join(", ")),
                    )
                    .into());
                }
            };
        self.issue_token(&person, acting).await
    }

    /// Signs a person in as a citizen, whatever roles they also hold: the portal's
    /// session, in which they file and follow their own reports.
    pub async fn sign_in_citizen(&self, email: &str, password: &str) -> AppResult<Issued> {
        let person = self.check_password(email, password).await?;
        self.issue_token(&person, None).await
    }

    /// The active person with this address and password. A wrong password and an unknown
    /// address give the same answer.
    async fn check_password(&self, email: &str, password: &str) -> AppResult<Person> {
        let wrong = || AppError::Unauthenticated("wrong e-mail address or password".into());
        let email = Email::parse(email).map_err(|_| wrong())?;
        let person = self.store().person_by_email(&email).await?;
        let hash = match &person {
            Some(p) if p.active => self.store().password_hash(p.id).await?,
            _ => None,
        };
        let password = password.to_string();
        // Verify even without an account, so timing does not reveal which addresses exist.
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(unknown_account_hash);
        let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .map_err(|e| AppError::Internal(format!("password check failed: {e}")))?;
        match person {
            Some(p) if ok && known => Ok(p),
            _ => Err(wrong()),
        }
    }

    async fn issue_token(&self, person: &Person, acting: Option<RoleAssignment>) -> AppResult<Issued> {
        let secret = format!("{TOKEN_PREFIX}{}", new_secret());
        let now = self.now();
        let new = NewCredential {
            kind: CredentialKind::Token,
            secret_hash: hash_secret(&secret),
            person: person.id,
            assignment: acting.as_ref().map(|a| a.id),
            scopes: Vec::new(),
            name: "sign-in".into(),
            created_by: Some(person.id),
            created_at: now,
            expires_at: Some(now + self.options().token_lifetime),
        };
        let id = self.store().create_credential(&new).await?;
        let credential = self.credential(id).await?;
        tracing::info!(person = %person.id, credential = %id, "signed in");
        Ok(Issued { secret, credential, acting })
    }

    /// Acts through another of the caller's roles (`None`: as a citizen, for their own
    /// reports): issues a new token for the same person through that active assignment
    /// and revokes the caller's current one. Only a sign-in token can switch; an
    /// integration key acts through the one role it was made for.
    pub async fn switch_role(&self, caller: &Caller, assignment: Option<AssignmentId>) -> AppResult<Issued> {
        let current = match &caller.credential {
            Some(c) if c.kind == CredentialKind::Token && c.is_valid(self.now()) => c,
            Some(c) if c.kind == CredentialKind::ApiKey => {
                return Err(Refusal::rule("an integration key acts through the role it was made for").into());
            }
            _ => return Err(AppError::Unauthenticated("not signed in".into())),
        };
        let person = match self.store().person(current.person).await? {
            Some(p) if p.active => p,
            _ => return Err(AppError::Unauthenticated("this account is no longer active".into())),
        };
        let not_mine = |id| Refusal::invalid("assignment", format!("{id} is not one of your active roles"));
        let acting = match assignment {
            None => None,
            Some(id) => {
                Some(self.staff_roles(person.id).await?.into_iter().find(|a| a.id == id).ok_or_else(|| not_mine(id))?)
            }
        };
        let issued = self.issue_token(&person, acting).await?;
        if let Err(e) = self.store().revoke_credential(current.id, self.now()).await {
            // Never leave two sessions behind: withdraw the new one too.
            let _ = self.store().revoke_credential(issued.credential.id, self.now()).await;
            return Err(e.into());
        }
        tracing::info!(person = %person.id, from = %current.id, to = %issued.credential.id, "role switched");
        Ok(issued)
    }

    /// The person's active role assignments.
    pub async fn staff_roles(&self, person: PersonId) -> AppResult<Vec<RoleAssignment>> {
        Ok(self.store().assignments(person).await?.into_iter().filter(RoleAssignment::is_active).collect())
    }

    /// Turns a bearer secret (token or key) into the caller it stands for.
    pub async fn authenticate(&self, secret: &str) -> AppResult<Caller> {
        let refused = |why: &str| AppError::Unauthenticated(why.into());
        if !(secret.starts_with(TOKEN_PREFIX) || secret.starts_with(KEY_PREFIX)) {
            return Err(refused("not an Aduan token or key"));
        }
        let credential = self
            .store()
            .credential_by_hash(&hash_secret(secret))
            .await?
            .ok_or_else(|| refused("unknown token or key"))?;
        if !credential.is_valid(self.now()) {
            return Err(refused("this token or key has expired or was revoked"));
        }
        let actor = match credential.assignment {
            None => Actor::Citizen(credential.person),
            Some(id) => {
                let assignment = self
                    .store()
                    .assignments(credential.person)
                    .await?
                    .into_iter()
                    .find(|a| a.id == id && a.is_active())
                    .ok_or_else(|| refused("the role this token or key acts through was revoked"))?;
                Actor::Staff(StaffRole { person: assignment.person, role: assignment.role, org: assignment.org })
            }
        };
        Ok(Caller { actor, credential: Some(credential) })
    }

    /// Signs out: the token stops working at once.
    pub async fn sign_out(&self, caller: &Caller) -> AppResult<()> {
        match &caller.credential {
            Some(c) if c.kind == CredentialKind::Token => Ok(self.store().revoke_credential(c.id, self.now()).await?),
            Some(_) => {
                Err(Refusal::rule("an integration key is revoked by an organisation admin, not signed out").into())
            }
            None => Err(AppError::Unauthenticated("not signed in".into())),
        }
    }

    /// Creates an integration key for `org`, acting as `role` (by default the role that
    /// organisation plays in the flow) with the chosen scopes. `by` is an org admin in
    /// scope, or the system (the command line).
    pub async fn create_api_key(
        &self,
        by: &Actor,
        org: OrgId,
        role: Option<Role>,
        scopes: Vec<KeyScope>,
        name: &str,
    ) -> AppResult<Issued> {
        self.may_manage_keys_of(by, org)?;
        let reference = self.reference();
        let organisation = reference.orgs.get(org).ok_or_else(|| AppError::NotFound(format!("organisation {org}")))?;
        let role = role.unwrap_or(match organisation.kind {
            OrgKind::National => Role::Screener,
            OrgKind::Instansi => Role::Coordinator,
            OrgKind::Unit => Role::Officer,
        });
        if !(role.acts_on_reports() || role == Role::Supervisor) {
            return Err(Refusal::invalid("role", "a key acts as a screener, coordinator, officer or supervisor").into());
        }
        if scopes.is_empty() {
            return Err(Refusal::invalid("scopes", "name at least one scope: read, file, act").into());
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 120 || name.chars().any(char::is_control) {
            return Err(Refusal::invalid("name", "1 to 120 characters, one line").into());
        }
        let now = self.now();
        // The key acts as a service account of its own, so its actions are attributed to
        // it in the timeline and its role can be revoked like anyone's.
        let account = NewPerson {
            display_name: format!("Integrasi: {name}"),
            email: None,
            phone: None,
            locale: Locale::Id,
            password_hash: None,
        };
        let person = self.store().create_person(&account, now).await?;
        let assignment = self.store().grant_role(person, role, org, now).await?;
        let secret = format!("{KEY_PREFIX}{}", new_secret());
        let new = NewCredential {
            kind: CredentialKind::ApiKey,
            secret_hash: hash_secret(&secret),
            person,
            assignment: Some(assignment),
            scopes,
            name: name.into(),
            created_by: by.person(),
            created_at: now,
            expires_at: None,
        };
        let id = self.store().create_credential(&new).await?;
        let credential = self.credential(id).await?;
        let acting = self.store().assignments(person).await?.into_iter().find(|a| a.id == assignment);
        tracing::info!(key = %id, org = %org, role = role.as_str(), "integration key created");
        Ok(Issued { secret, credential, acting })
    }

    /// The integration keys this actor manages, with the role each acts through.
    pub async fn api_keys(&self, by: &Actor) -> AppResult<Vec<(Credential, RoleAssignment)>> {
        let manages = match by {
            Actor::System => true,
            Actor::Staff(s) => s.role.has(Permission::ManageUsers),
            _ => false,
        };
        if !manages {
            return Err(Refusal::RoleNotAllowed {
                role: by.role_name().into(),
                action: "manage integration keys".into(),
            }
            .into());
        }
        let keys = self.store().api_keys().await?;
        Ok(keys.into_iter().filter(|(_, a)| self.may_manage_keys_of(by, a.org).is_ok()).collect())
    }

    pub async fn revoke_api_key(&self, by: &Actor, id: CredentialId) -> AppResult<()> {
        let keys = self.api_keys(by).await?;
        let (key, _) =
            keys.into_iter().find(|(c, _)| c.id == id).ok_or_else(|| AppError::NotFound(format!("key {id}")))?;
        self.store().revoke_credential(key.id, self.now()).await?;
        tracing::info!(key = %id, "integration key revoked");
        Ok(())
    }

    async fn credential(&self, id: CredentialId) -> AppResult<Credential> {
        self.store().credential(id).await?.ok_or_else(|| AppError::Internal(format!("credential {id} vanished")))
    }

    fn may_manage_keys_of(&self, by: &Actor, org: OrgId) -> AppResult<()> {
        match by {
            Actor::System => Ok(()),
            Actor::Staff(s) if s.role.has(Permission::ManageUsers) && self.reference().orgs.is_within(org, s.org) => {
                Ok(())
            }
            Actor::Staff(s) if s.role.has(Permission::ManageUsers) => Err(Refusal::OutOfScope.into()),
            _ => Err(Refusal::RoleNotAllowed { role: by.role_name().into(), action: "manage integration keys".into() }
                .into()),
        }
    }
}

/// The hash of a random password nobody knows, verified when an address has no account
/// so that both paths cost the same.
fn unknown_account_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password(&new_secret()).unwrap_or_default()).clone()
}
