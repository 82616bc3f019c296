//! Answer templates: kept by org admins, offered to the staff who answer reports.

use crate::app::App;
use crate::error::{AppError, AppResult};
use aduan_domain::Refusal;
use aduan_domain::ids::{CategoryId, OrgId, TemplateId};
use aduan_domain::permission::{Access, Actor, Permission, access, require_permission};
use aduan_domain::person::Role;
use aduan_domain::report::Report;
use aduan_domain::template::{AnswerTemplate, NewAnswerTemplate, check_target, offered, parse_body, parse_title};
use aduan_domain::text::Text;

impl App {
    /// Creates a template for an organisation in `by`'s scope.
    pub async fn create_template_by(&self, by: &Actor, template: NewAnswerTemplate) -> AppResult<TemplateId> {
        self.authorize_admin(by, Permission::ManageTemplates, template.org)?;
        let (title, body) = self.check_template(template.org, template.category, &template.title, &template.body)?;
        let template = NewAnswerTemplate { title, body, ..template };
        let id = self.store().create_template(&template, self.now()).await?;
        tracing::info!(template = %id, org = %template.org, by = ?by.person(), "answer template created");
        Ok(id)
    }

    /// Saves a changed template (title, body, category, organisation, active flag); the
    /// organisation it belonged to and the one it moves to must both be in `by`'s scope.
    /// Returns it as stored, with the time of the change.
    pub async fn update_template_by(&self, by: &Actor, template: AnswerTemplate) -> AppResult<AnswerTemplate> {
        require_permission(by, Permission::ManageTemplates)?;
        let stored = self
            .store()
            .templates()
            .await?
            .into_iter()
            .find(|t| t.id == template.id)
            .ok_or_else(|| AppError::NotFound(format!("answer template {}", template.id)))?;
        self.authorize_admin(by, Permission::ManageTemplates, stored.org)?;
        self.authorize_admin(by, Permission::ManageTemplates, template.org)?;
        let (title, body) = self.check_template(template.org, template.category, &template.title, &template.body)?;
        let changed = AnswerTemplate { title, body, updated_at: self.now(), ..template };
        self.store().update_template(&changed).await?;
        tracing::info!(template = %changed.id, by = ?by.person(), "answer template changed");
        Ok(changed)
    }

    /// Every template of `by`'s scope, inactive ones included (the admin's list).
    pub async fn templates_in_scope(&self, by: &Actor) -> AppResult<Vec<AnswerTemplate>> {
        require_permission(by, Permission::ManageTemplates)?;
        let reference = self.reference();
        let mine = |t: &AnswerTemplate| by.staff().is_none_or(|s| reference.orgs.is_within(t.org, s.org));
        Ok(self.store().templates().await?.into_iter().filter(mine).collect())
    }

    /// The templates offered to an officer or coordinator answering `report`: active
    /// ones of their organisation or above, for the report's category or above or for
    /// none, most specific first (see [`offered`]).
    pub async fn templates_for(&self, actor: &Actor, report: &Report) -> AppResult<Vec<AnswerTemplate>> {
        let staff = match actor {
            Actor::Staff(s) if matches!(s.role, Role::Officer | Role::Coordinator) => s,
            _ => {
                return Err(Refusal::RoleNotAllowed {
                    role: actor.role_name().into(),
                    action: "use answer templates".into(),
                }
                .into());
            }
        };
        let reference = self.reference();
        match access(actor, report, &reference.orgs) {
            Access::Staff { .. } => {}
            // Not revealed to someone who may not see it at all.
            Access::None => return Err(AppError::NotFound(format!("report {}", report.id))),
            Access::Public | Access::Reporter => return Err(Refusal::OutOfScope.into()),
        }
        let all = self.store().templates().await?;
        Ok(offered(&all, &reference.orgs, &reference.categories, staff.org, report.category)
            .into_iter()
            .cloned()
            .collect())
    }

    /// Checks a template's organisation, category, title and body (which may not have
    /// come through [`NewAnswerTemplate::parse`]); returns title and body as stored.
    fn check_template(
        &self,
        org: OrgId,
        category: Option<CategoryId>,
        title: &str,
        body: &Text,
    ) -> AppResult<(String, Text)> {
        let reference = self.reference();
        check_target(&reference.orgs, &reference.categories, org, category)?;
        Ok((parse_title(title)?, parse_body(body.as_str())?))
    }
}
