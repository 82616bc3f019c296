//! The open-data feed: public reports without personal data, a page at a time, as JSON
//! (`/data/laporan.json`) or CSV (`/data/laporan.csv`), under CC BY 4.0. Documented for
//! people at `/data`. Read as the public, whoever asks: no cookie, no session.

use super::filters::ReportParams;
use super::{invalid, problem, table};
use crate::AppState;
use crate::client::ClientAddr;
use crate::problem::Problem;
use aduan_domain::status::Status;
use aduan_domain::time::Zone;
use aduan_service::OpenReport;
use aduan_store::{Cursor, PageRequest};
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};

/// Rows per page unless `batas` says otherwise.
pub(crate) const DEFAULT_LIMIT: u32 = 100;

pub(crate) const LICENCE_ID: &str = "CC-BY-4.0";
pub(crate) const LICENCE_NAME: &str = "Creative Commons Attribution 4.0 International (CC BY 4.0)";
pub(crate) const LICENCE_URL: &str = "https://creativecommons.org/licenses/by/4.0/";

pub fn routes() -> Router<AppState> {
    Router::new().route("/data/laporan.json", get(json)).route("/data/laporan.csv", get(csv))
}

/// The feed's parameters; an unknown one is refused (a typo would otherwise silently
/// return everything).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedParams {
    #[serde(default)]
    status: String,
    #[serde(default)]
    kategori: String,
    #[serde(default)]
    wilayah: String,
    #[serde(default)]
    instansi: String,
    #[serde(default)]
    dari: String,
    #[serde(default)]
    sampai: String,
    /// Rows per page, 1 to 200.
    #[serde(default)]
    batas: String,
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    setelah: String,
}

impl FeedParams {
    fn filters(&self) -> ReportParams {
        ReportParams {
            status: self.status.clone(),
            kategori: self.kategori.clone(),
            wilayah: self.wilayah.clone(),
            instansi: self.instansi.clone(),
            dari: self.dari.clone(),
            sampai: self.sampai.clone(),
        }
    }

    fn page(&self) -> Result<PageRequest, Problem> {
        let max = PageRequest::MAX_LIMIT;
        let limit = match self.batas.trim() {
            "" => DEFAULT_LIMIT,
            b => b.parse().ok().filter(|n| (1..=max).contains(n)).ok_or_else(|| {
                invalid("batas", format!("{b:?}: a number from 1 to {max}"), format!("{b:?}: angka 1 sampai {max}"))
            })?,
        };
        let after = match self.setelah.trim() {
            "" => None,
            c => Some(Cursor::decode(c).ok_or_else(|| {
                invalid(
                    "setelah",
                    "not a cursor of this feed; start again without it",
                    "bukan penanda halaman umpan ini; mulai lagi tanpa parameter ini",
                )
            })?),
        };
        Ok(PageRequest::after(limit, after))
    }
}

/// Who may use the data, and how to credit it.
#[derive(Debug, Serialize)]
struct Licence {
    id: &'static str,
    name: &'static str,
    url: &'static str,
    attribution: String,
}

#[derive(Debug, Serialize)]
struct FeedPage {
    licence: Licence,
    /// The page describing the feed.
    documentation: String,
    /// Rows in this page.
    count: usize,
    /// The next page's address; `null` on the last page.
    next: Option<String>,
    /// The next page's `setelah`; `null` on the last page.
    next_cursor: Option<String>,
    data: Vec<OpenReport>,
}

/// One page, and the address of the next.
struct Fetched {
    items: Vec<OpenReport>,
    next_cursor: Option<String>,
    next: Option<String>,
    origin: String,
}

async fn fetch(
    state: &AppState,
    addr: ClientAddr,
    headers: &HeaderMap,
    params: Result<Query<FeedParams>, QueryRejection>,
    path: &str,
) -> Result<Fetched, Problem> {
    state.limits.check_read(addr)?;
    let _place = state.lists.enter().await;
    let Query(p) = params.map_err(|r| invalid("query", r.body_text(), r.body_text()))?;
    let app = &state.app;
    let public: Vec<Status> = Status::ALL.into_iter().filter(|s| s.is_verified()).collect();
    let filters = p.filters();
    // Days in WIB, as in the JSON API.
    let filter = filters.filter(app, Zone::Wib, &public)?;
    let page = p.page()?;
    let found = app.open_data(filter, &page).await.map_err(problem)?;
    let origin = crate::origin(state, headers);
    let next_cursor = found.next.map(|c| c.encode());
    let next = next_cursor.as_ref().map(|c| {
        let mut query = filters.query();
        query.push(format!("batas={}", page.limit));
        query.push(format!("setelah={}", crate::html::percent_encode(c)));
        format!("{origin}{path}?{}", query.join("&"))
    });
    Ok(Fetched { items: found.items, next_cursor, next, origin })
}

/// The headers of every page of the feed: the next page and the licence as links
/// (RFC 8288), open to any site's scripts, briefly cacheable.
fn feed_headers(response: &mut Response, next: Option<&str>, origin: &str, content_type: &'static str) {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
    let mut links = Vec::new();
    if let Some(next) = next {
        links.push(format!("<{next}>; rel=\"next\""));
    }
    links.push(format!("<{LICENCE_URL}>; rel=\"license\""));
    links.push(format!("<{origin}/data>; rel=\"describedby\""));
    if let Ok(v) = HeaderValue::from_str(&links.join(", ")) {
        headers.insert(header::LINK, v);
    }
}

fn attribution(origin: &str) -> String {
    format!("Sumber: Aduan — layanan pengaduan publik ({origin}/data), CC BY 4.0")
}

/// `GET /data/laporan.json`.
async fn json(
    State(state): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    params: Result<Query<FeedParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let Fetched { items, next_cursor, next, origin } =
        fetch(&state, addr, &headers, params, "/data/laporan.json").await?;
    let page = FeedPage {
        licence: Licence { id: LICENCE_ID, name: LICENCE_NAME, url: LICENCE_URL, attribution: attribution(&origin) },
        documentation: format!("{origin}/data"),
        count: items.len(),
        next: next.clone(),
        next_cursor,
        data: items,
    };
    let mut response = (StatusCode::OK, axum::Json(page)).into_response();
    feed_headers(&mut response, next.as_deref(), &origin, "application/json");
    Ok(response)
}

/// `GET /data/laporan.csv`: the same page as CSV. The licence is in a `licence` column
/// of every row (a saved file loses the HTTP headers, and a comment line would break
/// CSV readers) and in the `Link` header with the next page.
async fn csv(
    State(state): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    params: Result<Query<FeedParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let f = fetch(&state, addr, &headers, params, "/data/laporan.csv").await?;
    let mut header: Vec<String> = OpenReport::FIELDS.iter().map(|s| s.to_string()).collect();
    header.push("licence".into());
    let licence = aduan_service::Cell::Text(format!("{LICENCE_ID} {LICENCE_URL}"));
    let rows: Vec<_> = f
        .items
        .iter()
        .map(|r| {
            let mut row = r.cells();
            row.push(licence.clone());
            row
        })
        .collect();
    let bytes = table::csv(&header, &rows, false)?;
    let mut response = (StatusCode::OK, bytes).into_response();
    feed_headers(&mut response, f.next.as_deref(), &f.origin, "text/csv; charset=utf-8; header=present");
    response
        .headers_mut()
        .insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("inline; filename=\"aduan-laporan-publik.csv\""));
    Ok(response)
}
