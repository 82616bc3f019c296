//! Open311's error shape: `[{"code": 404, "description": "…"}]`, or
//! `<errors><error><code>…</code><description>…</description></error></errors>`.
//!
//! 404 for an unknown service, request or jurisdiction; 403 for a missing or bad
//! `api_key` (or a key that may not do what it asks); 400 for anything else the client
//! got wrong. Failures of our own are 500/503 and say nothing of their cause.

use super::format::{Doc, Format, Node};
use crate::problem::Problem;
use aduan_domain::Refusal;
use aduan_service::AppError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open311Error {
    pub status: StatusCode,
    pub description: String,
    /// Seconds to wait, for 429.
    pub retry_after: Option<u64>,
}

pub type Reply = Result<Doc, Open311Error>;

impl Open311Error {
    pub fn new(status: StatusCode, description: impl Into<String>) -> Self {
        Open311Error { status, description: description.into(), retry_after: None }
    }

    pub fn bad_request(description: impl Into<String>) -> Self {
        Open311Error::new(StatusCode::BAD_REQUEST, description)
    }

    pub fn not_found(description: impl Into<String>) -> Self {
        Open311Error::new(StatusCode::NOT_FOUND, description)
    }

    pub fn forbidden(description: impl Into<String>) -> Self {
        Open311Error::new(StatusCode::FORBIDDEN, description)
    }

    /// The per-address limit of the JSON API, in this shape.
    pub fn rate_limited(problem: &Problem) -> Self {
        let mut e = Open311Error::new(StatusCode::TOO_MANY_REQUESTS, problem.detail.clone());
        e.retry_after = problem.retry_after;
        e
    }

    pub fn render(&self, format: Format) -> Response {
        let doc = Doc::list(
            "errors",
            "error",
            vec![Node::Object(vec![
                ("code", Node::Int(i64::from(self.status.as_u16()))),
                ("description", Node::text(self.description.clone())),
            ])],
        );
        let mut response = doc.render(format, self.status);
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<AppError> for Open311Error {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Refused(r) => Open311Error::from(r),
            AppError::NotFound(what) => Open311Error::not_found(format!("{what} not found")),
            AppError::Stale => {
                Open311Error::bad_request("the service request changed while this was being saved; try again")
            }
            AppError::Conflict(what) | AppError::Unsupported(what) => Open311Error::bad_request(what),
            AppError::Unauthenticated(why) => Open311Error::forbidden(format!("api_key refused: {why}")),
            AppError::TooLarge(why) => Open311Error::new(StatusCode::PAYLOAD_TOO_LARGE, why),
            AppError::Unavailable(why) => {
                tracing::warn!(error = %why, "open311 request failed: unavailable");
                Open311Error::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the service is temporarily unavailable; nothing was changed, try again shortly",
                )
            }
            AppError::Internal(why) => {
                tracing::error!(error = %why, "open311 request failed: internal error");
                Open311Error::new(StatusCode::INTERNAL_SERVER_ERROR, "an internal error occurred; it has been logged")
            }
        }
    }
}

impl From<Refusal> for Open311Error {
    fn from(r: Refusal) -> Self {
        match r {
            // Who the key is, not what it sent: the key may not do this.
            Refusal::RoleNotAllowed { .. } | Refusal::OutOfScope | Refusal::NotReporter { .. } => {
                Open311Error::forbidden(r.to_string())
            }
            Refusal::Invalid { .. } | Refusal::Stale { .. } | Refusal::IllegalTransition { .. } | Refusal::Rule(_) => {
                Open311Error::bad_request(r.to_string())
            }
        }
    }
}

pub async fn unknown_path() -> Response {
    Open311Error::not_found(
        "no such Open311 resource; see discovery.json (resources end in .json or .xml, e.g. services.json)",
    )
    .render(Format::Json)
}

pub async fn method_not_allowed() -> Response {
    Open311Error::new(StatusCode::METHOD_NOT_ALLOWED, "this resource does not accept that method").render(Format::Json)
}
