//! The JSON API under `/api/v1`, described by an OpenAPI 3.1 document generated from
//! these handlers (`/api/v1/openapi.json`, rendered at `/api/docs`).

mod catalog;
mod extract;
pub(crate) mod input;
mod keys;
pub(crate) mod reports;
mod session;
pub(crate) mod uploads;
mod views;

use crate::AppState;
use crate::problem::Problem;
use axum::Router;
use axum::routing::get;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Aduan API",
        description = "Everything a person can do in Aduan's pages, for integrators: file and follow reports, \
                       work the screening, coordination and unit queues, read timelines, lists and searches. \
                       Errors are RFC 9457 problem details with a stable `code`.",
        license(name = "MIT")
    ),
    components(schemas(Problem)),
    modifiers(&Bearer),
    tags(
        (name = "reports", description = "Reports, their timelines and actions"),
        (name = "auth", description = "Sign-in tokens"),
        (name = "keys", description = "Integration keys of organisations"),
        (name = "reference", description = "Categories and organisations")
    )
)]
struct ApiDoc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A sign-in token (adt_…) or an integration key (adk_…)"))
                    .build(),
            ),
        );
    }
}

fn documented() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(reports::list, reports::create))
        .routes(routes!(reports::get))
        .routes(routes!(reports::act))
        .routes(routes!(reports::support))
        .routes(routes!(reports::queue))
        .routes(routes!(uploads::upload))
        .routes(routes!(uploads::download))
        .routes(routes!(session::sign_in, session::sign_out))
        .routes(routes!(session::me))
        .routes(routes!(keys::create, keys::list))
        .routes(routes!(keys::revoke))
        .routes(routes!(catalog::categories))
        .routes(routes!(catalog::organisations))
}

/// The API's routes, with the document served beside them.
pub fn routes() -> Router<AppState> {
    let (router, doc) = documented().split_for_parts();
    let json = serde_json::to_string_pretty(&with_problems(doc)).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    router.route(
        "/api/v1/openapi.json",
        get(move || {
            let json = json.clone();
            async move { ([(axum::http::header::CONTENT_TYPE, "application/json")], json) }
        }),
    )
}

/// The OpenAPI document, as served (for the snapshot test and tooling).
pub fn openapi() -> serde_json::Value {
    with_problems(documented().split_for_parts().1)
}

/// Documents the failures every operation can answer with, in their real media type:
/// any error is `application/problem+json`; every operation may meet a malformed
/// request (400), an invalid field (422) or an unavailable database (503); one that
/// accepts a bearer token, a bad token (401) or a refusal of role or scope (403); one
/// that takes a JSON body, an oversized (413) or unlabelled (415) one.
fn with_problems(doc: utoipa::openapi::OpenApi) -> serde_json::Value {
    use serde_json::{Value, json};
    let mut doc = serde_json::to_value(doc).unwrap_or(Value::Null);
    let problem = |description: &str| {
        json!({
            "description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        })
    };
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return doc };
    for item in paths.values_mut().filter_map(Value::as_object_mut) {
        for op in item.values_mut().filter_map(Value::as_object_mut) {
            let bearer = op.get("security").is_some_and(|s| s.to_string().contains("\"bearer\""));
            let json_body = op.get("requestBody").is_some_and(|b| b["content"].get("application/json").is_some());
            let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { continue };
            for (code, response) in responses.iter_mut() {
                // OpenAPI requires a description of every response: where the handler gave
                // none, the status's own phrase.
                if let Some(response) = response.as_object_mut()
                    && !response.contains_key("description")
                {
                    let phrase = code
                        .parse::<u16>()
                        .ok()
                        .and_then(|c| axum::http::StatusCode::from_u16(c).ok())
                        .and_then(|s| s.canonical_reason())
                        .unwrap_or("The answer");
                    response.insert("description".into(), Value::from(phrase));
                }
                if code.as_str() >= "400"
                    && let Some(content) = response.get_mut("content").and_then(Value::as_object_mut)
                    && let Some(body) = content.remove("application/json")
                {
                    content.insert("application/problem+json".into(), body);
                }
            }
            let mut common = vec![
                ("400", "A malformed request"),
                ("422", "A field is invalid; `field` names it"),
                ("503", "The database is unavailable; nothing was changed"),
            ];
            if bearer {
                common.push(("401", "The token or key is unknown, expired or revoked"));
                common.push(("403", "The caller's role, scope or key scopes do not allow it"));
            }
            if json_body {
                common.push(("413", "The body is too large"));
                common.push(("415", "The body is not labelled application/json"));
            }
            for (code, description) in common {
                responses.entry(code).or_insert_with(|| problem(description));
            }
        }
    }
    doc
}
