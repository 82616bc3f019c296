//! Open311 GeoReport v2 under `/open311/v2/` (OPEN311.md), with the
//! `servicerequestupdates` extension.
//!
//! Every resource answers in JSON or XML by its suffix (`services.json`,
//! `requests/K7MP9QX4T.xml`), errors included. Handlers parse the parameters, resolve the
//! caller from `api_key`, call the use cases of `aduan-service` and write only what
//! Open311 shows (see `requests` for what is left out).

mod auth;
mod discovery;
mod errors;
mod filing;
mod format;
mod params;
mod requests;
mod services;
mod updates;

use crate::AppState;
use crate::client::ClientAddr;
use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use errors::{Open311Error, Reply};
use format::Format;
use params::Params;

pub fn routes() -> Router<AppState> {
    let v2 = Router::new()
        .route("/{resource}", get(get_resource).post(post_resource))
        .route("/services/{code}", get(get_service))
        .route("/requests/{id}", get(get_request))
        .route("/tokens/{token}", get(get_token))
        .fallback(errors::unknown_path)
        .method_not_allowed_fallback(errors::method_not_allowed);
    Router::new().nest("/open311/v2", v2)
}

/// The last path segment, split into name and format; an unknown suffix is a 404.
fn target(segment: &Result<Path<String>, PathRejection>) -> Result<(&str, Format), Open311Error> {
    let unknown = || Open311Error::not_found("no such Open311 resource: add .json or .xml");
    let Ok(Path(segment)) = segment else { return Err(unknown()) };
    Format::split(segment).ok_or_else(unknown)
}

fn format_of(segment: &Result<Path<String>, PathRejection>) -> Format {
    segment.as_ref().map_or(Format::Json, |Path(s)| Format::of(s))
}

fn respond(format: Format, reply: Reply) -> Response {
    match reply {
        Ok(doc) => doc.render(format, StatusCode::OK),
        Err(e) => e.render(format),
    }
}

/// Parameters of a GET, the jurisdiction checked.
fn query(state: &AppState, uri: &Uri) -> Result<Params, Open311Error> {
    let params = Params::from_query(uri)?;
    params.check_jurisdiction(state)?;
    Ok(params)
}

async fn get_resource(
    State(state): State<AppState>,
    addr: ClientAddr,
    segment: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let format = format_of(&segment);
    let reply = async {
        let (name, _) = target(&segment)?;
        let params = query(&state, &uri)?;
        match name {
            "discovery" => discovery::get(&state, &headers),
            "services" => services::list(&state),
            "requests" => {
                let reader = auth::reader(&state, &params).await?;
                if reader == aduan_domain::permission::Actor::Public {
                    state.limits.check_read(addr).map_err(|p| Open311Error::rate_limited(&p))?;
                }
                let _place = state.lists.enter().await;
                requests::list(&state, &reader, &params).await
            }
            "servicerequestupdates" => updates::list(&state, &auth::reader(&state, &params).await?, &params).await,
            _ => Err(Open311Error::not_found(format!("no Open311 resource {name}"))),
        }
    };
    respond(format, reply.await)
}

async fn post_resource(
    State(state): State<AppState>,
    addr: ClientAddr,
    segment: Result<Path<String>, PathRejection>,
    req: Request,
) -> Response {
    let format = format_of(&segment);
    let reply = async {
        let (name, _) = target(&segment)?;
        if !matches!(name, "requests" | "servicerequestupdates") {
            return Err(Open311Error::new(StatusCode::METHOD_NOT_ALLOWED, format!("{name} is read with GET")));
        }
        let params = Params::from_request(req).await?;
        params.check_jurisdiction(&state)?;
        match name {
            "requests" => filing::create(&state, addr, &params).await,
            _ => updates::create(&state, &params).await,
        }
    };
    respond(format, reply.await)
}

async fn get_service(
    State(state): State<AppState>,
    segment: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Response {
    let format = format_of(&segment);
    let reply = (|| {
        let (code, _) = target(&segment)?;
        query(&state, &uri)?;
        services::definition(&state, code)
    })();
    respond(format, reply)
}

async fn get_request(
    State(state): State<AppState>,
    segment: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Response {
    let format = format_of(&segment);
    let reply = async {
        let (id, _) = target(&segment)?;
        let params = query(&state, &uri)?;
        requests::one(&state, &auth::reader(&state, &params).await?, id).await
    };
    respond(format, reply.await)
}

async fn get_token(State(state): State<AppState>, segment: Result<Path<String>, PathRejection>, uri: Uri) -> Response {
    let format = format_of(&segment);
    let reply = (|| {
        let (token, _) = target(&segment)?;
        query(&state, &uri)?;
        requests::token(token)
    })();
    respond(format, reply)
}
