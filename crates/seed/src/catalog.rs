//! The category tree and the routing rules that follow from the organisation tree.

use crate::orgs::unit_code;
use aduan_domain::category::NewCategory;
use aduan_domain::org::OrgKind;
use aduan_domain::routing::NewRoutingRule;
use aduan_reference::catalog::categories;
use aduan_service::{App, AppResult};

/// Creates the shipped category tree if the store has no categories.
pub async fn seed_categories(app: &App) -> AppResult<usize> {
    if !app.reference().categories.is_empty() {
        return Ok(0);
    }
    let list: Vec<NewCategory> = categories()
        .iter()
        .map(|c| NewCategory {
            code: c.code.clone(),
            parent_code: c.parent.clone(),
            name_id: c.name_id.clone(),
            name_en: c.name_en.clone(),
        })
        .collect();
    let n = app.store().create_categories(&list).await?.len();
    app.reload_reference().await?;
    Ok(n)
}

/// Routing rules for every local government in the store (its OPD for each category
/// that names one, within its region) and for the ministries (the whole country).
/// Replaces nothing: run it once, after the organisations and categories.
pub async fn seed_routing(app: &App) -> AppResult<usize> {
    let reference = app.reference();
    if !reference.router.rules().is_empty() {
        return Ok(0);
    }
    let mut rules = Vec::new();
    for spec in categories() {
        let Some(category) = reference.categories.by_code(&spec.code) else { continue };
        if let Some(ministry) = spec.ministry.as_deref().and_then(|m| reference.orgs.by_code(m)) {
            rules.push(NewRoutingRule { category: category.id, region: None, instansi: ministry.id, unit: None });
        }
        let Some(opd) = spec.opd.as_deref() else { continue };
        for gov in reference.orgs.iter().filter(|o| o.kind == OrgKind::Instansi && o.region.is_some()) {
            if let Some(unit) = reference.orgs.by_code(&unit_code(&gov.code, opd)) {
                rules.push(NewRoutingRule {
                    category: category.id,
                    region: gov.region.clone(),
                    instansi: gov.id,
                    unit: Some(unit.id),
                });
            }
        }
    }
    for chunk in rules.chunks(2000) {
        app.store().create_routing_rules(chunk).await?;
    }
    app.reload_reference().await?;
    Ok(rules.len())
}
