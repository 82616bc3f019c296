//! A small deployment for driving the HTTP surfaces in-process: the national desk,
//! Kutai Timur (64.08) and Kabupaten Jayapura (91.03) with their OPDs and kecamatan,
//! the category tree with its routing rules, and one person per role.

#![allow(dead_code)]

pub mod browser;

use aduan_domain::credential::KeyScope;
use aduan_domain::permission::Actor;
use aduan_domain::person::{Locale, Role};
use aduan_domain::sla::Limits;
use aduan_domain::time::{Clock, ManualClock};
use aduan_service::{App, AppOptions};
use aduan_store::Store;
use aduan_store_sqlite::SqliteStore;
use aduan_web::{AppState, WebSettings};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use chrono::TimeZone;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
use tower::ServiceExt;

pub const PASSWORD: &str = "kata-sandi-uji-2026";

pub struct World {
    pub app: Arc<App>,
    pub clock: Arc<ManualClock>,
    pub router: Router,
    pub dir: PathBuf,
}

pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl World {
    pub async fn new(name: &str) -> World {
        World::with_settings(name, WebSettings::default()).await
    }

    pub async fn with_settings(name: &str, settings: WebSettings) -> World {
        World::with_media(name, settings, aduan_service::Media::default()).await
    }

    /// A world whose application writes messages for these media (none by default).
    pub async fn with_media(name: &str, settings: WebSettings, media: aduan_service::Media) -> World {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("web-api").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let store = Arc::new(SqliteStore::connect(&dir.join("aduan.db").display().to_string()).await.expect("open"));
        store.migrate().await.expect("migrate");
        // Monday 2 March 2026, 09:00 WIB.
        let clock = Arc::new(ManualClock::new(chrono::Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap()));
        let options = AppOptions {
            attachment_dir: Some(dir.join("attachments")),
            max_upload_bytes: 256 * 1024,
            media,
            ..AppOptions::default()
        };
        let app = Arc::new(
            App::open_with(store.clone(), clock.clone() as Arc<dyn Clock>, Limits::default(), options)
                .await
                .expect("app"),
        );
        let wanted = |code: &str| code == "NASIONAL" || code.starts_with("KAB-64.08") || code.starts_with("KAB-91.03");
        let orgs: Vec<_> = aduan_seed::orgs::national_tree().into_iter().filter(|o| wanted(&o.code)).collect();
        store.create_organisations(&orgs).await.expect("orgs");
        app.reload_reference().await.expect("reload");
        aduan_seed::catalog::seed_categories(&app).await.expect("categories");
        aduan_seed::catalog::seed_routing(&app).await.expect("routing");
        let router = aduan_web::router_with(AppState::new(app.clone(), settings));
        World { app, clock, router, dir }
    }

    /// A person with a password and, optionally, one role at an organisation (by code).
    pub async fn person(&self, email: &str, role: Option<(Role, &str)>) {
        let id = self.app.add_person(email, Some(email), None, Locale::Id, Some(PASSWORD)).await.expect("person");
        if let Some((role, org)) = role {
            let org = self.app.find_org(org).expect("org");
            self.app.grant_role(id, role, org).await.expect("grant");
        }
    }

    /// Signs in over HTTP and returns the bearer token.
    pub async fn token(&self, email: &str) -> String {
        let r = self
            .call(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some(serde_json::json!({"email": email, "password": PASSWORD})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.body["token"].as_str().expect("token").to_string()
    }

    pub async fn key(&self, org: &str, scopes: &[KeyScope]) -> String {
        let org = self.app.find_org(org).expect("org");
        self.app.create_api_key(&Actor::System, org, None, scopes.to_vec(), "uji").await.expect("key").secret
    }

    pub async fn call(&self, method: Method, path: &str, bearer: Option<&str>, json: Option<Value>) -> Response {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(b) = bearer {
            req = req.header("authorization", format!("Bearer {b}"));
        }
        let body = match json {
            Some(v) => {
                req = req.header("content-type", "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.send(req.body(body).expect("request")).await
    }

    pub async fn send(&self, req: Request<Body>) -> Response {
        let response = self.router.clone().oneshot(req).await.expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 16 << 20).await.expect("body");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Response { status, headers, body, text }
    }
}

/// A report body a citizen might send.
pub fn road_report(title: &str) -> Value {
    serde_json::json!({
        "title": title,
        "description": "Jalan poros Sangatta berlubang besar sejak dua bulan, membahayakan pengendara motor.",
        "region": "64.08.01.2001",
        "category": "pupr.jalan",
        "reporter": {"name": "Siti Rahma", "email": "siti@contoh.id", "phone": "081234567890"}
    })
}
