//! Small JSON answers for the filing form's script: the next level of the region
//! cascade, and the instansi the routing rules suggest. Without JavaScript the form
//! gets the same from the server on a full round trip.

use super::views::Choice;
use crate::AppState;
use crate::problem::Problem;
use aduan_domain::region::RegionCode;
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
pub struct Place {
    code: String,
    name: String,
}

/// `GET /wilayah/{code}`: the regions directly inside `code` (`id` for the provinces).
pub async fn children(Path(code): Path<String>) -> Result<Json<Vec<Place>>, Problem> {
    Ok(Json(region_choices(&code, "")?.into_iter().map(|c| Place { code: c.value, name: c.label }).collect()))
}

/// The regions inside `parent` ("id" or "" for the provinces), sorted by name.
pub fn region_choices(parent: &str, current: &str) -> Result<Vec<Choice>, Problem> {
    let regions = aduan_reference::regions::regions();
    let mut list: Vec<Choice> = if parent.is_empty() || parent == "id" {
        regions.provinces().map(|r| Choice::new(r.code.as_str(), r.full_name(), current)).collect()
    } else {
        let code = RegionCode::parse(parent).map_err(|e| Problem::invalid("code", e.to_string()))?;
        if !regions.contains(&code) {
            return Err(Problem::invalid("code", format!("{parent} is not a Kemendagri region code")));
        }
        regions.children(&code).map(|r| Choice::new(r.code.as_str(), r.full_name(), current)).collect()
    };
    list.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(list)
}

#[derive(Deserialize)]
pub struct SuggestionQuery {
    kategori: Option<String>,
    wilayah: Option<String>,
}

#[derive(Serialize)]
pub struct SuggestionOut {
    code: Option<String>,
    name: Option<String>,
}

/// `GET /saran-instansi?kategori=pupr.jalan&wilayah=64.08`: the instansi the routing
/// rules would send such a report to.
pub async fn suggestion(State(state): State<AppState>, Query(q): Query<SuggestionQuery>) -> Json<SuggestionOut> {
    let app = &state.app;
    let reference = app.reference();
    let category = q.kategori.as_deref().and_then(|c| reference.categories.by_code(c.trim())).map(|c| c.id);
    let region = q.wilayah.as_deref().and_then(|r| RegionCode::parse(r.trim()).ok());
    match app.suggest_route(category, region.as_ref()).and_then(|s| reference.orgs.get(s.instansi)) {
        Some(org) => Json(SuggestionOut { code: Some(org.code.clone()), name: Some(org.name.clone()) }),
        None => Json(SuggestionOut { code: None, name: None }),
    }
}
