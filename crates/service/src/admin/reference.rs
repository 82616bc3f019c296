//! Reference data: categories, routing rules, deadline overrides and holiday years.

use crate::app::App;
use crate::calendar::YearStatus;
use crate::error::{AppError, AppResult};
use aduan_domain::Refusal;
use aduan_domain::category::NewCategory;
use aduan_domain::ids::{CategoryId, OrgId, RuleId};
use aduan_domain::org::OrgKind;
use aduan_domain::permission::{Actor, Permission, authorize_deployment_admin};
use aduan_domain::routing::NewRoutingRule;
use aduan_domain::sla::Limits;
use aduan_store::StoreError;

impl App {
    /// Adds a category under `parent` (a category code) or at the top. Categories are
    /// national: one tree for every organisation, so only an admin at the root may.
    pub async fn create_category(
        &self,
        by: &Actor,
        parent: Option<&str>,
        code: &str,
        name_id: &str,
        name_en: Option<&str>,
    ) -> AppResult<CategoryId> {
        authorize_deployment_admin(by, Permission::ManageCategories, &self.reference().orgs)?;
        let new = NewCategory::parse(parent, code, name_id, name_en)?;
        if let Some(p) = &new.parent_code
            && self.reference().categories.by_code(p).is_none()
        {
            return Err(Refusal::invalid("parent", format!("no category {p}")).into());
        }
        let taken = || Refusal::invalid("code", format!("{} is already a category", new.code));
        if self.reference().categories.by_code(&new.code).is_some() {
            return Err(taken().into());
        }
        let ids = match self.store().create_categories(std::slice::from_ref(&new)).await {
            Err(StoreError::Conflict(_)) => return Err(taken().into()),
            other => other?,
        };
        self.reload_reference().await?;
        let id = ids.first().copied().ok_or_else(|| AppError::Internal("the store returned no id".into()))?;
        tracing::info!(category = %id, code = %new.code, by = ?by.person(), "category created");
        Ok(id)
    }

    /// Adds a routing rule for an instansi in `by`'s scope.
    pub async fn create_rule_by(&self, by: &Actor, rule: NewRoutingRule) -> AppResult<RuleId> {
        self.authorize_admin(by, Permission::ManageRouting, rule.instansi)?;
        {
            let reference = self.reference();
            rule.check(&reference.orgs, &reference.categories)?;
        }
        if let Some(region) = &rule.region
            && !aduan_reference::regions::regions().contains(region)
        {
            return Err(Refusal::invalid("region", format!("{region} is not a Kemendagri region code")).into());
        }
        self.store().create_routing_rules(std::slice::from_ref(&rule)).await?;
        self.reload_reference().await?;
        // The newest rule with these fields is the one just written.
        let id = self
            .reference()
            .router
            .rules()
            .iter()
            .filter(|r| {
                (r.category, &r.region, r.instansi, r.unit) == (rule.category, &rule.region, rule.instansi, rule.unit)
            })
            .map(|r| r.id)
            .max()
            .ok_or_else(|| AppError::Internal("the new routing rule is missing".into()))?;
        tracing::info!(rule = %id, instansi = %rule.instansi, by = ?by.person(), "routing rule created");
        Ok(id)
    }

    /// Deletes a routing rule of an instansi in `by`'s scope.
    pub async fn delete_rule_by(&self, by: &Actor, id: RuleId) -> AppResult<()> {
        let instansi = self
            .reference()
            .router
            .rules()
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.instansi)
            .ok_or_else(|| AppError::NotFound(format!("routing rule {id}")))?;
        self.authorize_admin(by, Permission::ManageRouting, instansi)?;
        self.store().delete_routing_rule(id).await?;
        self.reload_reference().await?;
        tracing::info!(rule = %id, by = ?by.person(), "routing rule deleted");
        Ok(())
    }

    /// Sets an instansi's own deadline limits, or with `None` returns it to the
    /// deployment's defaults. Running clocks keep their deadlines; new ones use these.
    pub async fn set_deadlines_by(&self, by: &Actor, instansi: OrgId, limits: Option<Limits>) -> AppResult<()> {
        self.authorize_admin(by, Permission::ManageDeadlines, instansi)?;
        match self.reference().orgs.get(instansi) {
            Some(o) if o.kind == OrgKind::Instansi => {}
            Some(_) => return Err(Refusal::invalid("instansi", "deadline limits are set per instansi").into()),
            None => return Err(AppError::NotFound(format!("organisation {instansi}"))),
        }
        if let Some(l) = &limits {
            l.check()?;
        }
        self.store().set_sla_override(instansi, limits.as_ref()).await?;
        self.reload_reference().await?;
        tracing::info!(instansi = %instansi, custom = limits.is_some(), by = ?by.person(), "deadline limits set");
        Ok(())
    }

    /// Loads a holiday year (see [`App::load_holiday_year`]). The calendar is national:
    /// only an admin at the root may.
    pub async fn load_holiday_year_by(&self, by: &Actor, csv: &str) -> AppResult<YearStatus> {
        authorize_deployment_admin(by, Permission::ManageCalendar, &self.reference().orgs)?;
        self.load_holiday_year(csv).await
    }
}
