//! `/api/docs` and the vendored viewer it loads, served in-process.

use aduan_web::docs;
use axum::Router;
use axum::body::{Body, Bytes, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode, header};
use tower::ServiceExt;

fn app() -> Router {
    Router::new().merge(docs::routes::<()>()).merge(aduan_web::assets::routes::<()>())
}

async fn get(uri: &str, accept_encoding: Option<&str>) -> (StatusCode, HeaderMap, Bytes) {
    let mut req = Request::get(uri);
    if let Some(enc) = accept_encoding {
        req = req.header(header::ACCEPT_ENCODING, enc);
    }
    let resp = app().oneshot(req.body(Body::empty()).expect("request")).await.expect("response");
    let (parts, body) = resp.into_parts();
    (parts.status, parts.headers, to_bytes(body, usize::MAX).await.expect("body"))
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers.get(&name).unwrap_or_else(|| panic!("no {name} header")).to_str().expect("visible ASCII")
}

#[tokio::test]
async fn docs_page_is_strict_html_pointing_at_the_spec_and_the_vendored_viewer() {
    let (status, headers, body) = get("/api/docs", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header_str(&headers, header::CONTENT_TYPE), "text/html; charset=utf-8");
    assert_eq!(header_str(&headers, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(header_str(&headers, header::REFERRER_POLICY), "no-referrer");

    let csp = header_str(&headers, header::CONTENT_SECURITY_POLICY);
    let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
    for wanted in ["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"] {
        assert!(directives.contains(&wanted), "CSP {csp:?} lacks {wanted:?}");
    }
    assert!(!csp.contains("unsafe-eval"), "{csp}");
    let script_src = directives.iter().find(|d| d.starts_with("script-src")).unwrap();
    assert!(!script_src.contains("unsafe-inline"), "{csp}");
    assert!(!csp.contains("http:") && !csp.contains("https:"), "no other origin: {csp}");

    let html = std::str::from_utf8(&body).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains(r#"<html lang="id">"#));
    assert!(html.contains("<title>Aduan — dokumentasi API / API documentation</title>"));
    assert!(html.contains(r#"spec-url="/api/v1/openapi.json""#));
    assert!(html.contains(docs::SPEC_URL));
    assert!(html.contains(r#"<script src="/assets/vendor/rapidoc-min.js"#));
    assert!(html.contains(&format!(r#"<script src="{}"></script>"#, docs::VIEWER_SCRIPT)));
    assert!(!html.contains("http://") && !html.contains("https://"), "nothing from elsewhere");
    assert!(!html.contains(" style="), "no inline style attributes");
    assert!(!html.contains("<style"), "no inline style element");

    // Every <script> loads a file and has an empty body.
    let scripts: Vec<&str> = html.split("<script").skip(1).collect();
    assert!(!scripts.is_empty());
    for s in scripts {
        let (open_tag, rest) = s.split_once('>').unwrap();
        assert!(open_tag.contains(" src=\"/"), "script without a same-origin src: <script{open_tag}>");
        assert!(rest.starts_with("</script>"), "inline script body: {rest:.60}");
    }
}

#[tokio::test]
async fn the_page_names_the_pinned_viewer_version() {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/package.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let pinned = manifest["dependencies"]["rapidoc"].as_str().unwrap();
    assert_eq!(pinned, docs::RAPIDOC_VERSION, "update RAPIDOC_VERSION and VIEWER_SCRIPT with package.json");
    assert!(docs::VIEWER_SCRIPT.ends_with(&format!("?v={pinned}")));

    let (_, _, body) = get(docs::VIEWER_SCRIPT, None).await;
    let head = std::str::from_utf8(&body[..200]).unwrap();
    assert!(head.contains(&format!("RapiDoc {pinned} ")), "bundle header: {head}");
}

#[tokio::test]
async fn viewer_script_is_served_as_immutable_javascript() {
    let (status, headers, body) = get("/assets/vendor/rapidoc-min.js", None).await;
    assert_eq!(status, StatusCode::OK);
    let ct = header_str(&headers, header::CONTENT_TYPE);
    assert!(ct.starts_with("text/javascript") || ct.starts_with("application/javascript"), "{ct}");
    assert_eq!(header_str(&headers, header::CACHE_CONTROL), "public, max-age=31536000, immutable");
    assert_eq!(header_str(&headers, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    assert!(body.len() > 100_000, "bundle is only {} bytes", body.len());
    assert!(body.starts_with(b"/*! RapiDoc "));

    // The version query the page adds changes nothing server-side.
    let (status, _, same) = get(docs::VIEWER_SCRIPT, Some("identity")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(same, body);
}

#[tokio::test]
async fn viewer_script_is_gzipped_for_clients_that_accept_it() {
    let (_, _, plain) = get("/assets/vendor/rapidoc-min.js", None).await;
    let (status, headers, gz) = get("/assets/vendor/rapidoc-min.js", Some("br, gzip;q=0.8")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header_str(&headers, header::CONTENT_ENCODING), "gzip");
    assert_eq!(header_str(&headers, header::VARY), "accept-encoding");
    assert!(header_str(&headers, header::CONTENT_TYPE).starts_with("text/javascript"));
    assert_eq!(header_str(&headers, header::CACHE_CONTROL), "public, max-age=31536000, immutable");
    assert!(gz.starts_with(&[0x1f, 0x8b]), "gzip magic");
    assert!(gz.len() < plain.len() / 2);

    let (_, headers, body) = get("/assets/vendor/rapidoc-min.js", Some("gzip;q=0")).await;
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(body, plain);
}

#[tokio::test]
async fn licences_are_served_next_to_the_bundle() {
    for name in ["rapidoc.LICENSE.txt", "rapidoc-min.js.LICENSE.txt"] {
        let (status, headers, body) = get(&format!("/assets/vendor/{name}"), Some("gzip")).await;
        assert_eq!(status, StatusCode::OK, "{name}");
        assert!(header_str(&headers, header::CONTENT_TYPE).starts_with("text/plain"), "{name}");
        assert!(headers.get(header::CONTENT_ENCODING).is_none(), "{name}");
        assert!(std::str::from_utf8(&body).unwrap().contains("MIT"), "{name}");
    }
}

#[tokio::test]
async fn unknown_assets_are_404() {
    for uri in [
        "/assets/vendor/nope.js",
        "/assets/vendor/rapidoc-min.js.gz",
        "/assets/vendor/..%2Fdocs.rs",
        "/assets/vendor/",
        "/assets/vendor/rapidoc-min.js/extra",
    ] {
        let (status, headers, body) = get(uri, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(body.len() < 64, "{uri}: small body");
        assert!(headers.get(header::CACHE_CONTROL).is_none(), "{uri}: not cached forever");
    }
}
