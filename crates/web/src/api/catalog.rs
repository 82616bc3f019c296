//! Reference data integrators need to fill in a report: categories and organisations.

use super::views::OrgRef;
use crate::AppState;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryOut {
    pub code: String,
    pub parent: Option<String>,
    pub name_id: String,
    pub name_en: String,
}

/// The active categories, parents before children.
#[utoipa::path(get, path = "/api/v1/categories", tag = "reference", responses((status = 200, body = Vec<CategoryOut>)))]
pub async fn categories(State(state): State<AppState>) -> axum::Json<Vec<CategoryOut>> {
    let reference = state.app.reference();
    let cats = &reference.categories;
    axum::Json(
        cats.iter()
            .filter(|c| c.active)
            .map(|c| CategoryOut {
                code: c.code.clone(),
                parent: c.parent.and_then(|p| cats.get(p)).map(|p| p.code.clone()),
                name_id: c.name_id.clone(),
                name_en: c.name_en.clone(),
            })
            .collect(),
    )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgOut {
    #[serde(flatten)]
    pub org: OrgRef,
    /// `national`, `instansi` or `unit`.
    pub kind: String,
    pub parent: Option<String>,
    pub region: Option<String>,
    /// WIB, WITA or WIT: the zone its deadlines are counted in.
    pub zone: String,
}

/// The active organisations: the national desk, instansi and their units.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "reference", responses((status = 200, body = Vec<OrgOut>)))]
pub async fn organisations(State(state): State<AppState>) -> axum::Json<Vec<OrgOut>> {
    let reference = state.app.reference();
    let orgs = &reference.orgs;
    axum::Json(
        orgs.iter()
            .filter(|o| o.active)
            .map(|o| OrgOut {
                org: OrgRef { id: o.id.0, code: o.code.clone(), name: o.name.clone() },
                kind: o.kind.as_str().into(),
                parent: o.parent.and_then(|p| orgs.get(p)).map(|p| p.code.clone()),
                region: o.region.as_ref().map(|r| r.as_str().into()),
                zone: o.zone.abbreviation().into(),
            })
            .collect(),
    )
}
