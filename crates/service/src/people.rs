//! People and role assignments.

use crate::app::App;
use crate::error::{AppError, AppResult};
use aduan_domain::Refusal;
use aduan_domain::ids::{AssignmentId, OrgId, PersonId};
use aduan_domain::person::{Email, Locale, NewPerson, Person, Phone, Role, RoleAssignment};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 10;

/// Hashes a password with argon2id (the library's default parameters).
pub fn hash_password(password: &str) -> AppResult<String> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(Refusal::invalid("password", format!("at least {MIN_PASSWORD_LEN} characters")).into());
    }
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("cannot hash a password: {e}")))
}

/// Checks a password against a stored hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

impl App {
    pub async fn add_person(
        &self,
        display_name: &str,
        email: Option<&str>,
        phone: Option<&str>,
        locale: Locale,
        password: Option<&str>,
    ) -> AppResult<PersonId> {
        let display_name = display_name.trim();
        if display_name.is_empty() || display_name.chars().count() > 120 {
            return Err(Refusal::invalid("name", "1 to 120 characters").into());
        }
        let email = email.map(Email::parse).transpose().map_err(|m| Refusal::invalid("email", m))?;
        let phone = phone.map(Phone::parse).transpose().map_err(|m| Refusal::invalid("phone", m))?;
        let password_hash = password.map(hash_password).transpose()?;
        let person = NewPerson { display_name: display_name.into(), email, phone, locale, password_hash };
        match self.store().create_person(&person, self.now()).await {
            Err(aduan_store::StoreError::Conflict(_)) => {
                Err(AppError::Conflict("someone already has this e-mail address".into()))
            }
            other => Ok(other?),
        }
    }

    /// Finds a person by e-mail address or numeric id.
    pub async fn find_person(&self, who: &str) -> AppResult<Person> {
        let found = match who.trim().parse::<i64>() {
            Ok(id) => self.store().person(PersonId(id)).await?,
            Err(_) => {
                let email = Email::parse(who).map_err(|m| Refusal::invalid("person", m))?;
                self.store().person_by_email(&email).await?
            }
        };
        found.ok_or_else(|| AppError::NotFound(format!("person {who}")))
    }

    /// Finds an organisation by code or numeric id.
    pub fn find_org(&self, code: &str) -> AppResult<OrgId> {
        let reference = self.reference();
        let by_code = reference.orgs.by_code(code.trim()).map(|o| o.id);
        let by_id = code.trim().parse::<i64>().ok().map(OrgId).filter(|id| reference.orgs.get(*id).is_some());
        by_code.or(by_id).ok_or_else(|| AppError::NotFound(format!("organisation {code}")))
    }

    pub async fn grant_role(&self, person: PersonId, role: Role, org: OrgId) -> AppResult<AssignmentId> {
        if role == Role::Reporter {
            return Err(Refusal::invalid("role", "everyone is a reporter of their own reports; no grant needed").into());
        }
        match self.store().grant_role(person, role, org, self.now()).await {
            Err(aduan_store::StoreError::Conflict(_)) => {
                Err(AppError::Conflict("the person already has this role".into()))
            }
            other => Ok(other?),
        }
    }

    /// Revokes the person's active assignment of `role` at `org`.
    pub async fn revoke_role(&self, person: PersonId, role: Role, org: OrgId) -> AppResult<AssignmentId> {
        let assignment = self
            .store()
            .assignments(person)
            .await?
            .into_iter()
            .find(|a| a.is_active() && a.role == role && a.org == org)
            .ok_or_else(|| AppError::NotFound("an active assignment of that role".into()))?;
        self.store().revoke_role(assignment.id, self.now()).await?;
        Ok(assignment.id)
    }

    pub async fn assignments(&self, person: PersonId) -> AppResult<Vec<RoleAssignment>> {
        Ok(self.store().assignments(person).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("rahasia-sekali-123").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("rahasia-sekali-123", &h));
        assert!(!verify_password("rahasia-sekali-124", &h));
        assert!(!verify_password("x", "not a hash"));
        assert!(hash_password("pendek").is_err());
    }
}
