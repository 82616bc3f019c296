//! The operational endpoints, driven in-process.

use aduan_domain::sla::Limits;
use aduan_domain::time::SystemClock;
use aduan_service::App;
use aduan_store::Store;
use aduan_store_sqlite::SqliteStore;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use std::sync::Arc;
use tower::ServiceExt;

async fn app(name: &str) -> Arc<App> {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("web");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(format!("{name}.db"));
    let _ = std::fs::remove_file(&path);
    let store = Arc::new(SqliteStore::connect(&path.display().to_string()).await.expect("open"));
    store.migrate().await.expect("migrate");
    Arc::new(App::open(store, Arc::new(SystemClock), Limits::default()).await.expect("app"))
}

async fn get(app: Arc<App>, path: &str) -> (StatusCode, String) {
    let response = aduan_web::router(app)
        .oneshot(Request::builder().uri(path).body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.expect("body");
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn healthz_and_readyz_answer() {
    let app = app("health").await;
    assert_eq!(get(app.clone(), "/healthz").await, (StatusCode::OK, r#"{"status":"alive"}"#.into()));
    assert_eq!(get(app, "/readyz").await, (StatusCode::OK, r#"{"database":"sqlite","status":"ready"}"#.into()));
}

#[tokio::test]
async fn readyz_is_503_when_the_database_is_gone() {
    let app = app("gone").await;
    app.store().close().await;
    let (status, body) = get(app.clone(), "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("unavailable"), "{body}");
    // The process itself is still alive.
    assert_eq!(get(app, "/healthz").await.0, StatusCode::OK);
}

#[tokio::test]
async fn unknown_paths_are_404() {
    let app = app("unknown").await;
    assert_eq!(get(app, "/nope").await.0, StatusCode::NOT_FOUND);
}
