//! The citizen portal: server-rendered pages (askama) that work without JavaScript and
//! are made richer where it runs. Every page calls the same use cases of
//! `aduan-service` as the JSON API; nothing here decides a rule or a visibility.
//!
//! Sessions are the service's sign-in tokens, held in an HttpOnly cookie. Every form
//! carries a CSRF token that must match the visitor's CSRF cookie, and a cross-site
//! form post is refused before it is read.

mod account;
mod evaluation;
mod filing;
mod follow;
mod format;
mod home;
mod lang;
mod notices;
mod opendata;
mod public;
mod regions;
mod session;
mod staff;
mod timeline;
mod views;

pub use home::CountsCache;
pub use public::{MapReports, map_reports};
pub use session::{CSRF_COOKIE, SESSION_COOKIE};

use crate::AppState;
use crate::problem::Problem;
use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use lang::Lang;
use std::collections::HashMap;

/// The pages and their form endpoints.
pub fn routes(state: &AppState) -> Router<AppState> {
    // Five attachments of the largest size, plus the form's text.
    let filing_limit = usize::try_from(state.app.options().max_upload_bytes)
        .unwrap_or(usize::MAX)
        .saturating_mul(filing::MAX_ATTACHMENTS)
        .saturating_add(1024 * 1024);
    Router::new()
        .route("/", get(home::page))
        .route("/bahasa/{code}", get(session::switch_language))
        .route(
            "/lapor",
            get(filing::form).post(filing::submit).layer(axum::extract::DefaultBodyLimit::max(filing_limit)),
        )
        .route("/lapor/{tracking}", get(follow::page))
        .route("/lapor/{tracking}/aksi", post(follow::act).layer(axum::extract::DefaultBodyLimit::max(filing_limit)))
        .route("/lapor/{tracking}/lampiran/{key}", get(follow::attachment))
        .route("/lacak", get(public::track))
        .route("/laporan", get(public::list))
        .route("/laporan/{tracking}", get(public::detail))
        .route("/laporan/{tracking}/dukung", post(public::support))
        .route("/laporan/{tracking}/lampiran/{key}", get(public::attachment))
        .route("/peta", get(public::map))
        .route("/peta/titik.json", get(public::map_points))
        .route("/data", get(opendata::page))
        .route("/wilayah/{code}", get(regions::children))
        .route("/saran-instansi", get(regions::suggestion))
        .route("/masuk", get(account::sign_in_form).post(account::sign_in))
        .route("/daftar", get(account::register_form).post(account::register))
        .route("/keluar", post(account::sign_out))
        .route("/laporan-saya", get(account::my_reports))
        .route("/akun/notifikasi", get(notices::preferences).post(notices::save_preferences))
        .route("/akun/verifikasi", post(notices::resend_verification))
        .route("/akun/verifikasi/{token}", get(notices::verify_page).post(notices::verify))
        .route("/berhenti/{token}", get(notices::unsubscribe_page).post(notices::unsubscribe))
        .route("/lupa-sandi", get(notices::forgot_form).post(notices::forgot))
        .route("/atur-sandi/{token}", get(notices::reset_form).post(notices::reset))
        .merge(evaluation::routes())
        .merge(staff::routes(state))
        .layer(axum::middleware::from_fn_with_state(state.clone(), session::guard))
}

/// What every page's frame needs: the reader's language, who is signed in, the CSRF
/// token for its forms, and where the language switch returns to.
pub struct Chrome {
    pub lang: Lang,
    pub title: String,
    pub signed_in: Option<String>,
    pub csrf: String,
    pub here: String,
    /// The navigation entry to mark as current.
    pub section: &'static str,
    /// Extra style sheets and scripts of this page (served from `/assets/`).
    pub styles: Vec<&'static str>,
    pub scripts: Vec<&'static str>,
    /// The staff header instead of the citizen's menu.
    pub staff: Option<staff::StaffBar>,
}

impl Chrome {
    pub fn t<'a>(&self, id: &'a str, en: &'a str) -> &'a str {
        self.lang.t(id, en)
    }

    /// The language switch's link.
    pub fn switch_href(&self) -> String {
        format!("/bahasa/{}?ke={}", self.lang.other().code(), percent_encode(&self.here))
    }

    pub fn current(&self, section: &str) -> &'static str {
        if self.section == section { "page" } else { "false" }
    }
}

/// The text fields (each name with its values, in order) and the non-empty files
/// (`attachments`) of a multipart form.
pub async fn read_multipart(
    mut multipart: axum::extract::Multipart,
) -> Result<(HashMap<String, Vec<String>>, Vec<(String, Vec<u8>)>), PageError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        PageError::from(aduan_service::AppError::from(aduan_domain::Refusal::invalid("form", e.body_text())))
    };
    let mut fields: HashMap<String, Vec<String>> = HashMap::new();
    let mut files = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "attachments" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(unreadable)?;
            if !bytes.is_empty() {
                files.push((file_name, bytes.to_vec()));
            }
        } else {
            let value = field.text().await.map_err(unreadable)?;
            fields.entry(name).or_default().push(value);
        }
    }
    Ok((fields, files))
}

/// A rendered page, with the headers every page carries.
pub fn render(page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => page_response(StatusCode::OK, html),
        Err(e) => {
            tracing::error!(error = %e, "page failed to render");
            PageError::from(Problem::from(aduan_service::AppError::Internal(e.to_string()))).into_response()
        }
    }
}

/// A rendered page with another status (a form returned with its errors: 422).
pub fn render_with(status: StatusCode, page: &impl Template) -> Response {
    let mut response = render(page);
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

fn page_response(status: StatusCode, html: String) -> Response {
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    // Pages may hold a private link or a person's details: never kept by a cache.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// After a form: "see other" to a page, so that reloading does not post again.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// A failure shown as a page, in both languages (Indonesian first): the reader may
/// not have a language cookie yet, and the message must reach them either way.
#[derive(Debug)]
pub struct PageError(Problem);

impl From<Problem> for PageError {
    fn from(p: Problem) -> Self {
        PageError(p)
    }
}

impl From<aduan_service::AppError> for PageError {
    fn from(e: aduan_service::AppError) -> Self {
        PageError(Problem::from(e))
    }
}

impl From<aduan_domain::Refusal> for PageError {
    fn from(r: aduan_domain::Refusal) -> Self {
        PageError(Problem::from_refusal(&r))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title_id: &'a str,
    title_en: &'a str,
    detail_id: &'a str,
    detail_en: &'a str,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let p = &self.0;
        let status = p.status();
        let (title_id, title_en) = match status {
            StatusCode::NOT_FOUND => ("Halaman tidak ditemukan", "Page not found"),
            StatusCode::FORBIDDEN => ("Tidak diizinkan", "Not allowed"),
            StatusCode::UNAUTHORIZED => ("Perlu masuk", "Sign-in needed"),
            StatusCode::CONFLICT => ("Laporan sudah berubah", "The report has changed"),
            StatusCode::TOO_MANY_REQUESTS => ("Terlalu banyak permintaan", "Too many requests"),
            StatusCode::SERVICE_UNAVAILABLE => ("Layanan sedang tidak tersedia", "Service unavailable"),
            s if s.is_server_error() => ("Terjadi kesalahan", "Something went wrong"),
            _ => ("Permintaan tidak dapat diproses", "The request could not be processed"),
        };
        let page =
            ErrorPage { status: status.as_u16(), title_id, title_en, detail_id: &p.detail_id, detail_en: &p.detail };
        let html = page.render().unwrap_or_else(|_| format!("{title_id} / {title_en}"));
        let mut response = page_response(status, html);
        if let Some(seconds) = p.retry_after
            && let Ok(v) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

pub type PageResult = Result<Response, PageError>;

/// The report a page's address names; a malformed number is simply not found.
pub fn tracking_of(value: &str) -> Result<aduan_domain::tracking::TrackingNumber, PageError> {
    aduan_domain::tracking::TrackingNumber::parse(value)
        .map_err(|_| aduan_service::AppError::NotFound(format!("report {value}")).into())
}

/// Any address nobody answers: a page for people, a problem document for programs
/// (the API, Open311 and the operational endpoints).
pub async fn not_found(axum::extract::State(state): axum::extract::State<AppState>, uri: axum::http::Uri) -> Response {
    let path = uri.path();
    let machine = ["/api/", "/open311/", "/healthz", "/readyz", "/assets/"].iter().any(|p| path.starts_with(p));
    let problem = crate::problem::not_found().await;
    if machine {
        return problem.into_response();
    }
    let mut response = PageError::from(problem).into_response();
    if let Ok(v) = HeaderValue::from_str(&session::page_policy(&state.settings.map_tile_url)) {
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    response
}

/// Percent-encodes a value for a query string.
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
