//! Staff accounts and their role assignments.

use crate::app::App;
use crate::error::{AppError, AppResult};
use aduan_domain::Refusal;
use aduan_domain::ids::{AssignmentId, OrgId, PersonId};
use aduan_domain::permission::{Actor, Permission, require_permission};
use aduan_domain::person::{Locale, Person, Role, RoleAssignment};

impl App {
    /// Creates a staff account (with no role yet: grant one with [`App::grant_role_by`]).
    pub async fn create_staff(
        &self,
        by: &Actor,
        email: &str,
        display_name: &str,
        password: &str,
    ) -> AppResult<PersonId> {
        require_permission(by, Permission::ManageUsers)?;
        let id = self.add_person(display_name, Some(email), None, Locale::Id, Some(password)).await?;
        tracing::info!(person = %id, by = ?by.person(), "staff account created");
        Ok(id)
    }

    /// Grants `role` at `org`, which must lie in `by`'s scope: an org admin cannot hand
    /// out a role reaching above their own.
    pub async fn grant_role_by(&self, by: &Actor, person: PersonId, role: Role, org: OrgId) -> AppResult<AssignmentId> {
        self.authorize_admin(by, Permission::ManageUsers, org)?;
        if self.reference().orgs.get(org).is_none() {
            return Err(AppError::NotFound(format!("organisation {org}")));
        }
        if self.store().person(person).await?.is_none() {
            return Err(AppError::NotFound(format!("person {person}")));
        }
        let id = self.grant_role(person, role, org).await?;
        tracing::info!(person = %person, role = role.as_str(), org = %org, by = ?by.person(), "role granted");
        Ok(id)
    }

    /// Revokes an active assignment at an organisation in `by`'s scope. Tokens acting
    /// through it stop working at once.
    pub async fn revoke_role_by(&self, by: &Actor, assignment: AssignmentId) -> AppResult<()> {
        require_permission(by, Permission::ManageUsers)?;
        let found = match self.find_active_assignment(&self.admin_scope(by), assignment).await? {
            Some(a) => a,
            // Say "out of scope" rather than "not found" when it exists elsewhere.
            None => match self.find_active_assignment(&self.admin_scope(&Actor::System), assignment).await? {
                Some(_) => return Err(Refusal::OutOfScope.into()),
                None => return Err(AppError::NotFound(format!("active role assignment {assignment}"))),
            },
        };
        self.authorize_admin(by, Permission::ManageUsers, found.org)?;
        self.store().revoke_role(found.id, self.now()).await?;
        tracing::info!(assignment = %assignment, by = ?by.person(), "role revoked");
        Ok(())
    }

    /// The people holding an active role in `by`'s scope, each with that assignment.
    pub async fn staff_in_scope(&self, by: &Actor) -> AppResult<Vec<(Person, RoleAssignment)>> {
        require_permission(by, Permission::ManageUsers)?;
        Ok(self.store().staff_of(&self.admin_scope(by)).await?)
    }

    async fn find_active_assignment(&self, orgs: &[OrgId], id: AssignmentId) -> AppResult<Option<RoleAssignment>> {
        Ok(self.store().staff_of(orgs).await?.into_iter().map(|(_, a)| a).find(|a| a.id == id))
    }
}
