//! Units: create, rename, move, switch on and off. Organisations are never deleted: their
//! reports, events and role assignments keep pointing at them.

use crate::app::App;
use crate::error::{AppError, AppResult};
use aduan_domain::Refusal;
use aduan_domain::ids::{OrgId, ReportId};
use aduan_domain::org::{Contact, NewOrganisation, OrgKind, Organisation};
use aduan_domain::org::{can_add_unit, can_move, can_set_active, parse_code, parse_name};
use aduan_domain::permission::{Actor, Permission};
use aduan_store::{PageRequest, ReportFilter, Scope, SortOrder, StoreError};

impl App {
    /// Creates a unit under `parent` (an instansi or unit), in the parent's time zone and
    /// region.
    pub async fn create_unit(&self, by: &Actor, parent: OrgId, code: &str, name: &str) -> AppResult<OrgId> {
        self.authorize_admin(by, Permission::ManageUnits, parent)?;
        let reference = self.reference();
        let parent = can_add_unit(&reference.orgs, parent)?;
        let (code, name) = (parse_code(code)?, parse_name(name)?);
        let taken = || Refusal::invalid("code", format!("{code} is already used by another organisation"));
        if reference.orgs.by_code(&code).is_some() {
            return Err(taken().into());
        }
        let new = NewOrganisation {
            code: code.clone(),
            name,
            kind: OrgKind::Unit,
            parent_code: Some(parent.code.clone()),
            region: parent.region.clone(),
            zone: parent.zone,
            screens_own_reports: false,
            contact: Contact::default(),
        };
        let ids = match self.store().create_organisations(&[new]).await {
            // Another admin (or process) took the code since the reference was loaded.
            Err(StoreError::Conflict(_)) => return Err(taken().into()),
            other => other?,
        };
        self.reload_reference().await?;
        let id = ids.first().copied().ok_or_else(|| AppError::Internal("the store returned no id".into()))?;
        tracing::info!(org = %id, code = %code, by = ?by.person(), "unit created");
        Ok(id)
    }

    pub async fn rename_org(&self, by: &Actor, org: OrgId, name: &str) -> AppResult<()> {
        self.authorize_admin(by, Permission::ManageUnits, org)?;
        let mut changed = self.org_to_change(org)?;
        changed.name = parse_name(name)?;
        self.save_org(by, &changed, "organisation renamed").await
    }

    /// Moves a unit under another instansi or unit of the same instansi; both must be in
    /// `by`'s scope.
    pub async fn move_unit(&self, by: &Actor, unit: OrgId, new_parent: OrgId) -> AppResult<()> {
        self.authorize_admin(by, Permission::ManageUnits, unit)?;
        self.authorize_admin(by, Permission::ManageUnits, new_parent)?;
        can_move(&self.reference().orgs, unit, new_parent)?;
        let mut changed = self.org_to_change(unit)?;
        changed.parent = Some(new_parent);
        self.save_org(by, &changed, "unit moved").await?;
        self.rescope(unit).await
    }

    /// After `org` moved, the lists its reports are in change with it: every report whose
    /// reach held it is given its reach under the new tree.
    async fn rescope(&self, org: OrgId) -> AppResult<()> {
        let mut filter = ReportFilter::new(Scope::Within(org));
        filter.order = SortOrder::Oldest;
        let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
        let mut changed = 0;
        loop {
            let found = self.store().list_reports(&filter, &page).await?;
            let ids: Vec<ReportId> = found.items.iter().map(|s| s.id).collect();
            let orgs = &self.reference().orgs;
            let reach: Vec<(ReportId, Vec<OrgId>)> =
                self.store().reports(&ids).await?.iter().map(|r| (r.id, orgs.reach(&r.involved))).collect();
            self.store().set_reach(&reach).await?;
            changed += reach.len();
            match found.next {
                Some(next) => page.after = Some(next),
                None => break,
            }
        }
        tracing::info!(org = %org, reports = changed, "lists of the moved unit's reports updated");
        Ok(())
    }

    /// Switches an organisation on or off. An inactive unit is no longer offered for
    /// disposition (the lifecycle refuses it); its reports and history stay.
    pub async fn set_org_active(&self, by: &Actor, org: OrgId, active: bool) -> AppResult<()> {
        self.authorize_admin(by, Permission::ManageUnits, org)?;
        can_set_active(&self.reference().orgs, org, active)?;
        let mut changed = self.org_to_change(org)?;
        changed.active = active;
        self.save_org(by, &changed, if active { "organisation activated" } else { "organisation deactivated" }).await
    }

    fn org_to_change(&self, org: OrgId) -> AppResult<Organisation> {
        self.reference().orgs.get(org).cloned().ok_or_else(|| AppError::NotFound(format!("organisation {org}")))
    }

    async fn save_org(&self, by: &Actor, org: &Organisation, what: &'static str) -> AppResult<()> {
        self.store().update_organisation(org).await?;
        self.reload_reference().await?;
        tracing::info!(org = %org.id, by = ?by.person(), "{what}");
        Ok(())
    }
}
