//! The JSON API under `/api/v1`, described by an OpenAPI 3.1 document generated from
//! these handlers (`/api/v1/openapi.json`, rendered at `/api/docs`).

mod catalog;
mod extract;
mod input;
mod keys;
mod reports;
mod session;
mod uploads;
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
    let json = doc.to_pretty_json().unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    router.route(
        "/api/v1/openapi.json",
        get(move || {
            let json = json.clone();
            async move { ([(axum::http::header::CONTENT_TYPE, "application/json")], json) }
        }),
    )
}

/// The OpenAPI document (for the snapshot test and `aduan` tooling).
pub fn openapi() -> utoipa::openapi::OpenApi {
    documented().split_for_parts().1
}
