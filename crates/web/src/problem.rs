//! One error shape for the JSON API: RFC 9457 problem details.
//!
//! Every failure — a refusal of the domain, an unknown id, a malformed body, a rate
//! limit — becomes a [`Problem`] with the right status and a stable `code`. Internal
//! errors are logged and answered without their details.

use aduan_domain::Refusal;
use aduan_service::AppError;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// A problem (RFC 9457): boxed, since handlers return it on every error path.
#[derive(Debug, Clone)]
pub struct Problem(Box<Details>);

/// A problem (RFC 9457), in English with the same message in Bahasa Indonesia.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Problem)]
pub struct Details {
    /// `urn:aduan:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The detail in Bahasa Indonesia.
    pub detail_id: String,
    /// A stable code for programs: `invalid`, `stale`, `not_found`, `rate_limited`…
    pub code: String,
    /// The field at fault, for `invalid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Seconds to wait, for `rate_limited`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>, detail_id: impl Into<String>) -> Self {
        Problem(Box::new(Details {
            kind: format!("urn:aduan:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").into(),
            status: status.as_u16(),
            detail: detail.into(),
            detail_id: detail_id.into(),
            code: code.into(),
            field: None,
            retry_after: None,
        }))
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        let detail = detail.into();
        Problem::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            detail.clone(),
            format!("Permintaan tidak valid: {detail}"),
        )
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Problem::from_refusal(&Refusal::invalid(field, message))
    }

    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            detail,
            "Masuk terlebih dahulu atau periksa token Anda.",
        )
    }

    pub fn rate_limited(seconds: u64) -> Self {
        let mut p = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many requests from this address; try again in {seconds} s"),
            format!("Terlalu banyak permintaan dari alamat ini; coba lagi dalam {seconds} detik."),
        );
        p.0.retry_after = Some(seconds);
        p
    }

    pub fn from_refusal(r: &Refusal) -> Self {
        let status = match r {
            Refusal::Stale { .. } | Refusal::IllegalTransition { .. } | Refusal::Rule(_) => StatusCode::CONFLICT,
            Refusal::RoleNotAllowed { .. } | Refusal::OutOfScope | Refusal::NotReporter { .. } => StatusCode::FORBIDDEN,
            Refusal::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        };
        let mut p = Problem::new(status, r.code(), r.to_string(), r.message_id());
        if let Refusal::Invalid { field, .. } = r {
            p.0.field = Some(field.clone());
        }
        p
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl std::ops::Deref for Problem {
    type Target = Details;

    fn deref(&self) -> &Details {
        &self.0
    }
}

impl utoipa::PartialSchema for Problem {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        Details::schema()
    }
}

impl ToSchema for Problem {
    fn name() -> std::borrow::Cow<'static, str> {
        Details::name()
    }
}

impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Refused(r) => Problem::from_refusal(&r),
            AppError::NotFound(what) => Problem::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("{what} not found"),
                "Data yang dicari tidak ditemukan.",
            ),
            AppError::Stale => Problem::from_refusal(&Refusal::Stale { expected: 0, actual: 0 })
                .with_detail("the report changed while this action was being saved; reload it and try again"),
            AppError::Conflict(what) => {
                Problem::new(StatusCode::CONFLICT, "conflict", what, "Data bentrok dengan yang sudah ada.")
            }
            AppError::Unauthenticated(why) => Problem::unauthenticated(why),
            AppError::TooLarge(why) => Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                why,
                "Berkas atau isi permintaan terlalu besar.",
            ),
            AppError::Unsupported(why) => Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                why,
                "Jenis berkas tidak diterima. Kirim foto (JPEG, PNG, WebP), PDF, atau video pendek.",
            ),
            AppError::Unavailable(why) => {
                tracing::warn!(error = %why, "request failed: unavailable");
                Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the service is temporarily unavailable; nothing was changed, try again shortly",
                    "Layanan sedang tidak tersedia; tidak ada yang berubah. Coba lagi sebentar lagi.",
                )
            }
            AppError::Internal(why) => {
                tracing::error!(error = %why, "request failed: internal error");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "an internal error occurred; it has been logged",
                    "Terjadi kesalahan internal; sudah dicatat.",
                )
            }
        }
    }
}

impl Problem {
    fn with_detail(mut self, detail: &str) -> Self {
        self.0.detail = detail.into();
        self
    }
}

impl From<JsonRejection> for Problem {
    fn from(r: JsonRejection) -> Self {
        let status = r.status();
        let text = r.body_text();
        match r {
            JsonRejection::JsonDataError(_) => {
                let field = field_of(&text);
                let mut p = Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid",
                    text.clone(),
                    format!("Isian tidak valid: {text}"),
                );
                p.0.field = Some(field);
                p
            }
            JsonRejection::MissingJsonContentType(_) => Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with Content-Type: application/json",
                "Kirim isi permintaan sebagai JSON (Content-Type: application/json).",
            ),
            _ if status == StatusCode::PAYLOAD_TOO_LARGE => {
                Problem::new(status, "too_large", text, "Isi permintaan terlalu besar.")
            }
            _ => Problem::bad_request(text),
        }
    }
}

/// The field a JSON data error is about: the path serde reports before its message
/// ("reporter.email: invalid type…"), or the one named in "missing field `title`".
fn field_of(text: &str) -> String {
    let message = text.rsplit_once("target type: ").map_or(text, |(_, m)| m);
    if let Some((path, _)) = message.split_once(": ")
        && !path.is_empty()
        && !path.contains(' ')
        && path != "."
    {
        return path.to_string();
    }
    match message.split('`').nth(1) {
        Some(name) if message.starts_with("missing field") || message.starts_with("unknown field") => name.into(),
        _ => "body".into(),
    }
}

impl From<QueryRejection> for Problem {
    fn from(r: QueryRejection) -> Self {
        Problem::bad_request(r.body_text())
    }
}

impl From<PathRejection> for Problem {
    fn from(r: PathRejection) -> Self {
        Problem::bad_request(r.body_text())
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry = self.0.retry_after;
        let mut response = (status, axum::Json(self.0)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Some(seconds) = retry {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

pub async fn not_found() -> Problem {
    Problem::new(StatusCode::NOT_FOUND, "not_found", "no such address", "Alamat ini tidak ada.")
}

pub async fn method_not_allowed() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this address does not accept that method",
        "Alamat ini tidak menerima metode tersebut.",
    )
}
