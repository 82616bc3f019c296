//! Attachments: upload first (multipart), then name the key when filing or answering;
//! download with the rights of whoever may see where the file is attached.

use super::extract::{Auth, Path};
use super::reports;
use super::views::AttachmentOut;
use crate::AppState;
use crate::client::ClientAddr;
use crate::problem::Problem;
use aduan_domain::credential::KeyScope;
use aduan_service::AppError;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Uploads one file (multipart field `file`). The type is judged from the content:
/// photos (JPEG, PNG, WebP), PDF, short videos (MP4, MOV, WebM, 3GP). Images lose
/// their EXIF/GPS metadata. Returns the key to name in `attachments`.
#[utoipa::path(post, path = "/api/v1/uploads", tag = "reports",
    request_body(content_type = "multipart/form-data", description = "One part named `file`"),
    responses((status = 201, body = AttachmentOut), (status = 400, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem), (status = 429, body = Problem)),
    security((), ("bearer" = [])))]
pub async fn upload(
    State(state): State<AppState>,
    Auth(caller): Auth,
    addr: ClientAddr,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, axum::Json<AttachmentOut>), Problem> {
    let mut multipart = multipart.map_err(|r| {
        Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("send the file as multipart/form-data with a part named \"file\" ({})", r.body_text()),
            "Kirim berkas sebagai multipart/form-data dengan bagian bernama \"file\".",
        )
    })?;
    caller.require(KeyScope::File).or_else(|_| caller.require(KeyScope::Act))?;
    if caller.credential.is_none() {
        state.limits.check_filing(addr)?;
    }
    let uploader = caller.key().unwrap_or_else(|| format!("addr:{}", addr.0));
    let too_large = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Problem::from(AppError::TooLarge(e.body_text()))
        } else {
            Problem::bad_request(e.body_text())
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(too_large)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("lampiran").to_string();
        let bytes = field.bytes().await.map_err(too_large)?;
        let meta = state.app.upload(&uploader, &name, bytes.to_vec()).await?;
        return Ok((StatusCode::CREATED, axum::Json(AttachmentOut::from(&meta))));
    }
    Err(Problem::invalid("file", "send the file in a multipart part named \"file\""))
}

/// Downloads an attachment of a report, if the caller may see where it is attached.
#[utoipa::path(get, path = "/api/v1/reports/{tracking}/attachments/{key}", tag = "reports",
    params(("tracking" = String, Path, description = "Tracking number"), ("key" = String, Path, description = "Attachment key"),
           ("X-Report-Secret" = Option<String>, Header, description = "The private link's secret")),
    responses((status = 200, description = "The file"), (status = 404, body = Problem)),
    security((), ("bearer" = [])))]
pub async fn download(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path((tracking, key)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    caller.require(KeyScope::Read)?;
    let app = &state.app;
    let tracking = reports::tracking_of(&tracking)?;
    let actor = reports::actor_for(app, &caller, &tracking, &headers).await?;
    let report = app.report_for(&actor, &tracking).await?;
    let (meta, bytes) = app.attachment(&actor, report.id, &key).await?;
    Ok(attachment_response(&meta, bytes))
}

/// An attachment's bytes as a download, typed as stored (its type was read from its
/// content on upload), never sniffed, never cached by a shared cache. Photos open in
/// the browser; anything else is saved.
pub(crate) fn attachment_response(meta: &aduan_domain::report::AttachmentMeta, bytes: Vec<u8>) -> Response {
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&meta.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    let ascii: String = meta.file_name.chars().filter(|c| c.is_ascii_alphanumeric() || "._-".contains(*c)).collect();
    let disposition = if meta.content_type.starts_with("image/") { "inline" } else { "attachment" };
    if let Ok(v) = HeaderValue::from_str(&format!("{disposition}; filename=\"{ascii}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}
