//! Organisation administration (docs/DOMAIN.md §2, "org admin"): units, staff and their roles,
//! categories, routing rules, deadline overrides, holidays and answer templates.
//!
//! Every operation takes the acting `by` and lets the domain decide whether it may
//! ([`aduan_domain::permission::authorize_admin`]): an org admin within the subtree of
//! their assignment, the system (the command line) everywhere. Changes to reference
//! data reload it, so the next decision sees them.

mod people;
mod reference;
mod templates;
mod units;

use crate::app::App;
use crate::error::AppResult;
use aduan_domain::ids::OrgId;
use aduan_domain::permission::{Actor, Permission, authorize_admin};

impl App {
    /// Refuses unless `by` holds `permission` over `target`.
    pub(crate) fn authorize_admin(&self, by: &Actor, permission: Permission, target: OrgId) -> AppResult<()> {
        Ok(authorize_admin(by, permission, target, &self.reference().orgs)?)
    }

    /// The organisations `by` administers: the subtree of their assignment, or all.
    fn admin_scope(&self, by: &Actor) -> Vec<OrgId> {
        let reference = self.reference();
        match by.staff() {
            Some(s) => reference.orgs.subtree(s.org),
            None => {
                let mut all: Vec<OrgId> = reference.orgs.iter().map(|o| o.id).collect();
                all.sort();
                all
            }
        }
    }
}
