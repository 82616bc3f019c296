//! Downloads of tables: the staff's exports of reports and measures, and the public
//! open-data feed. The service decides what a table holds
//! ([`aduan_service::App::export_reports`], [`aduan_service::App::open_data`]); this
//! module reads the filters of a request, writes tables as CSV or XLSX, and answers
//! with the headers a download needs.

pub(crate) mod feed;
pub(crate) mod filters;
pub(crate) mod table;

use crate::problem::Problem;
use aduan_domain::Refusal;
use aduan_service::{AppError, MAX_EXPORT_ROWS};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The two formats of a download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// A file to save: `attachment`, never cached (staff exports hold personal data).
pub(crate) fn attachment(bytes: Vec<u8>, format: Format, file_name: &str) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // The name is built by us from dates and fixed words: always a valid header value.
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// A bad parameter: 400, naming it, in both languages.
pub(crate) fn invalid(field: &str, en: impl std::fmt::Display, id: impl std::fmt::Display) -> Problem {
    Problem::new(StatusCode::BAD_REQUEST, "invalid", format!("{field}: {en}"), format!("{field}: {id}"))
}

/// A use case's failure as the answer of a download: a refused input is the request's
/// fault (400, not the 422 of a form), an export over the limit says how to narrow it.
pub(crate) fn problem(e: AppError) -> Problem {
    match e {
        AppError::Refused(r @ Refusal::Invalid { .. }) => {
            Problem::new(StatusCode::BAD_REQUEST, "invalid", r.to_string(), r.message_id())
        }
        AppError::TooLarge(why) => Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_many_rows",
            why,
            format!(
                "Ekspor ini akan berisi lebih dari {MAX_EXPORT_ROWS} laporan. Persempit saringannya \
                 (tanggal, status, kategori, wilayah) lalu unduh beberapa bagian."
            ),
        ),
        other => Problem::from(other),
    }
}
