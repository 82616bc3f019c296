//! Aduan's HTTP surfaces: the citizen portal (HTML pages), the operational endpoints,
//! the JSON API (`/api/v1`, with its OpenAPI document), Open311 GeoReport v2
//! (`/open311/v2`). Every handler parses its
//! input into domain types and calls the use cases of `aduan-service`; none decides a
//! rule of its own.

pub(crate) mod api;
pub mod assets;
mod client;
pub mod docs;
mod export;
mod gate;
mod health;
pub mod html;
mod open311;
mod problem;

pub use api::openapi;
pub use client::RateLimits;

use aduan_service::App;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::routing::get;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Settings of the HTTP surfaces.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Anonymous report filings per client address per minute.
    pub file_per_minute: u32,
    /// Sign-in attempts per client address per minute.
    pub sign_in_per_minute: u32,
    /// Lists, searches and open-data pages asked for without signing in, per client
    /// address per minute: a harvester walking every page at 200 rows still moves 60,000
    /// reports a minute, and one address cannot keep the database busy for everyone else.
    pub read_per_minute: u32,
    /// Take the client's address from the last `X-Forwarded-For` entry (only behind a
    /// reverse proxy that sets it).
    pub trust_forwarded_for: bool,
    /// Open311's `jurisdiction_id` of this deployment.
    pub jurisdiction_id: String,
    /// The address the public reaches this deployment at (`https://aduan.example.go.id`);
    /// without it, links are built from the request's Host header.
    pub public_url: Option<String>,
    /// The map tiles' URL template (`{z}`, `{x}`, `{y}`, optionally `{s}`), fetched by
    /// the reader's browser; its host joins the pages' image policy.
    pub map_tile_url: String,
    /// The attribution the tile server asks for, shown on every map.
    pub map_attribution: String,
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings {
            file_per_minute: 10,
            sign_in_per_minute: 10,
            read_per_minute: 300,
            trust_forwarded_for: false,
            jurisdiction_id: "aduan.go.id".into(),
            public_url: None,
            map_tile_url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".into(),
            map_attribution: "© OpenStreetMap contributors".into(),
        }
    }
}

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub app: Arc<App>,
    pub settings: Arc<WebSettings>,
    pub limits: Arc<RateLimits>,
    /// The home page's counts, reused for a minute.
    pub home_counts: Arc<html::CountsCache>,
    /// How many lists are worked on at once.
    pub lists: Arc<gate::ListGate>,
    /// Open311's answers to the public's list requests, kept while no report changes.
    pub(crate) open311_pages: Arc<open311::PublicPages>,
    /// The map's public reports, kept the same way.
    pub(crate) map_reports: Arc<html::MapReports>,
}

impl AppState {
    pub fn new(app: Arc<App>, settings: WebSettings) -> Self {
        let limits = Arc::new(RateLimits::new(&settings));
        AppState {
            app,
            settings: Arc::new(settings),
            limits,
            home_counts: Arc::default(),
            lists: Arc::default(),
            open311_pages: Arc::new(open311::public_pages()),
            map_reports: Arc::new(html::map_reports()),
        }
    }
}

/// Every route of the server, with default web settings.
pub fn router(app: Arc<App>) -> Router {
    router_with(AppState::new(app, WebSettings::default()))
}

pub fn router_with(state: AppState) -> Router {
    // Uploads are the largest bodies; the multipart envelope adds a little.
    let body_limit =
        usize::try_from(state.app.options().max_upload_bytes).unwrap_or(usize::MAX).saturating_add(64 * 1024);
    let mut router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(api::routes())
        .merge(open311::routes())
        .merge(export::feed::routes())
        .merge(docs::routes())
        .merge(assets::routes())
        .merge(html::routes(&state))
        .fallback(html::not_found)
        .method_not_allowed_fallback(problem::method_not_allowed);
    for (name, value) in SECURITY_HEADERS {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)));
    }
    router
        .layer(DefaultBodyLimit::max(body_limit))
        // Slow phones on slow networks: pages, scripts and JSON travel compressed.
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Headers every answer carries unless its handler set its own: nothing is sniffed,
/// framed or sent as a referrer, and a response that is not a page runs no script.
const SECURITY_HEADERS: [(HeaderName, &str); 4] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "no-referrer"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::CONTENT_SECURITY_POLICY, "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
];

/// The configured public address; else `scheme://host` as the client reached us: the
/// Host header — only when it is a plain host name or address with an optional port —
/// and the scheme of the proxy (when trusted) or https, except for a local address.
pub(crate) fn origin(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.settings.public_url {
        return url.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    let forwarded = state
        .settings
        .trust_forwarded_for
        .then(|| headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()))
        .flatten()
        .filter(|p| matches!(*p, "http" | "https"));
    let local = ["localhost", "127.", "[::1]"].iter().any(|p| host.starts_with(p));
    let scheme = forwarded.unwrap_or(if local { "http" } else { "https" });
    format!("{scheme}://{host}")
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router_with(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
