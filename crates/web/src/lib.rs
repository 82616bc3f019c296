//! Aduan's HTTP surfaces. For now the operational endpoints; the citizen portal, the
//! staff workspace, the JSON API and Open311 are added as modules here, all calling the
//! same use cases of `aduan-service`.

mod health;

use aduan_service::App;
use axum::Router;
use axum::routing::get;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

/// Shared by every handler.
pub type AppState = Arc<App>;

/// Every route of the server.
pub fn router(app: AppState) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .layer(TraceLayer::new_for_http())
        .with_state(app)
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    app: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(app)).with_graceful_shutdown(shutdown).await
}
