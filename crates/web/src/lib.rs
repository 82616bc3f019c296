//! Aduan's HTTP surfaces: the operational endpoints, the JSON API (`/api/v1`, with its
//! OpenAPI document), Open311 GeoReport v2 (`/open311/v2`). Every handler parses its
//! input into domain types and calls the use cases of `aduan-service`; none decides a
//! rule of its own.

mod api;
mod client;
pub mod docs;
mod health;
mod open311;
mod problem;

pub use api::openapi;
pub use client::RateLimits;

use aduan_service::App;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Settings of the HTTP surfaces.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Anonymous report filings per client address per minute.
    pub file_per_minute: u32,
    /// Sign-in attempts per client address per minute.
    pub sign_in_per_minute: u32,
    /// Take the client's address from the last `X-Forwarded-For` entry (only behind a
    /// reverse proxy that sets it).
    pub trust_forwarded_for: bool,
    /// Open311's `jurisdiction_id` of this deployment.
    pub jurisdiction_id: String,
    /// The address the public reaches this deployment at (`https://aduan.example.go.id`);
    /// without it, links are built from the request's Host header.
    pub public_url: Option<String>,
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings {
            file_per_minute: 10,
            sign_in_per_minute: 10,
            trust_forwarded_for: false,
            jurisdiction_id: "aduan.go.id".into(),
            public_url: None,
        }
    }
}

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub app: Arc<App>,
    pub settings: Arc<WebSettings>,
    pub limits: Arc<RateLimits>,
}

impl AppState {
    pub fn new(app: Arc<App>, settings: WebSettings) -> Self {
        let limits = Arc::new(RateLimits::new(&settings));
        AppState { app, settings: Arc::new(settings), limits }
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
        .merge(docs::routes())
        .fallback(problem::not_found)
        .method_not_allowed_fallback(problem::method_not_allowed);
    for (name, value) in SECURITY_HEADERS {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)));
    }
    router.layer(DefaultBodyLimit::max(body_limit)).layer(TraceLayer::new_for_http()).with_state(state)
}

/// Headers every answer carries unless its handler set its own: nothing is sniffed,
/// framed or sent as a referrer, and a response that is not a page runs no script.
const SECURITY_HEADERS: [(HeaderName, &str); 4] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "no-referrer"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::CONTENT_SECURITY_POLICY, "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
];

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
