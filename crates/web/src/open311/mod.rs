//! Open311 GeoReport v2 under `/open311/v2/` (docs/OPEN311.md), with the
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
use aduan_domain::permission::Actor;
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
            "discovery" => discovery::get(&state, &headers).map(Answer::Doc),
            "services" => services::list(&state).map(Answer::Doc),
            "requests" => {
                let reader = auth::reader(&state, &params).await?;
                if reader != Actor::Public {
                    let _place = state.lists.enter().await;
                    return requests::list(&state, &reader, &params).await.map(Answer::Doc);
                }
                state.limits.check_read(addr).map_err(|p| Open311Error::rate_limited(&p))?;
                public_requests(&state, &params, format, uri.query().unwrap_or_default()).await.map(Answer::Written)
            }
            "servicerequestupdates" => {
                updates::list(&state, &auth::reader(&state, &params).await?, &params).await.map(Answer::Doc)
            }
            _ => Err(Open311Error::not_found(format!("no Open311 resource {name}"))),
        }
    };
    match reply.await {
        Ok(Answer::Doc(doc)) => doc.render(format, StatusCode::OK),
        Ok(Answer::Written(written)) => written.respond(StatusCode::OK),
        Err(e) => e.render(format),
    }
}

/// Open311's written answers to the public's list requests, by format and query.
pub(crate) type PublicPages = aduan_service::recent::Recent<(Format, String), format::Written>;

/// How long a kept answer serves at most, how many are kept, and the largest kept (a
/// page of a hundred requests, about 110 KB, is well under it; the memory they take stays
/// under 4 MB).
const PAGE_TTL: std::time::Duration = std::time::Duration::from_secs(5);
const PAGES_KEPT: usize = 16;
const LARGEST_KEPT: usize = 256 * 1024;

pub(crate) fn public_pages() -> PublicPages {
    PublicPages::new(PAGE_TTL, PAGES_KEPT)
}

/// A document to write, or one written already.
enum Answer {
    Doc(format::Doc),
    Written(format::Written),
}

/// `GET requests` as the public asks for it. The same question gets the same answer
/// until a report changes, so the written answer is kept and given again while no report
/// changed in this process, for at most a few seconds (changes made by another process
/// show within them).
async fn public_requests(
    state: &AppState,
    params: &params::Params,
    format: Format,
    query: &str,
) -> Result<format::Written, Open311Error> {
    let key = (format, query.to_string());
    let generation = state.app.changes_seen();
    if let Some(kept) = state.open311_pages.get(&key, generation) {
        return Ok(format::Written::clone(&kept));
    }
    let _place = state.lists.enter().await;
    let doc = requests::list(state, &Actor::Public, params).await?;
    let written = doc.bytes(format).map_err(|e| {
        tracing::error!(error = %e, "open311: could not write the answer");
        Open311Error::new(StatusCode::INTERNAL_SERVER_ERROR, "the answer could not be written")
    })?;
    if written.body.len() <= LARGEST_KEPT {
        state.open311_pages.put(key, generation, std::sync::Arc::new(written.clone()));
    }
    Ok(written)
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
