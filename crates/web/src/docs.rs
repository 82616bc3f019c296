//! `/api/docs`: a human-readable view of the OpenAPI document at `/api/v1/openapi.json`,
//! drawn in the browser by RapiDoc. The viewer's script is vendored into
//! `crates/web/assets/vendor/` by `scripts/vendor-assets` and embedded in the binary, so
//! the page loads nothing from anywhere but this server.
//!
//! RapiDoc needs no `eval` and no inline script, but it themes itself with a `<style>`
//! element in its shadow root and with `style` attributes, so the page's policy allows
//! inline *styles* (never inline scripts). Its web fonts, fetched from a CDN by default,
//! are turned off. The page's own text sits in RapiDoc's `overview` slot: styled like the
//! rest when the viewer runs, and plain HTML with the link to the document when it cannot.

use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// Where the page is served.
pub const DOCS_PATH: &str = "/api/docs";

/// The document the viewer shows.
pub const SPEC_URL: &str = "/api/v1/openapi.json";

/// RapiDoc's version, as pinned in `crates/web/assets/package.json`. It is part of the
/// script's URL so that browsers holding the old, `immutable` copy fetch a new one.
pub const RAPIDOC_VERSION: &str = "9.3.8";

/// The viewer's script, as the page asks for it.
pub const VIEWER_SCRIPT: &str = "/assets/vendor/rapidoc-min.js?v=9.3.8";

/// No inline script, nothing from elsewhere. `'unsafe-inline'` for styles only: see the
/// module's doc.
const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const DOCS_PAGE: &str = r#"<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Aduan — dokumentasi API / API documentation</title>
<script src="/assets/vendor/rapidoc-min.js?v=9.3.8"></script>
</head>
<body>
<rapi-doc spec-url="/api/v1/openapi.json" render-style="read" theme="light" show-header="false" load-fonts="false" allow-spec-url-load="false" allow-spec-file-load="false">
<div slot="overview">
<h1>Aduan — dokumentasi API</h1>
<p>Dokumentasi API Aduan, dibuat dari dokumen OpenAPI 3.1 (<a href="/api/v1/openapi.json">openapi.json</a>).</p>
<p lang="en">Documentation of the Aduan API, generated from its OpenAPI 3.1 document (<a href="/api/v1/openapi.json">openapi.json</a>).</p>
<noscript><p>Penampil ini memerlukan JavaScript; dokumen OpenAPI tetap tersedia di tautan di atas. <span lang="en">This viewer needs JavaScript; the OpenAPI document is still available at the link above.</span></p></noscript>
</div>
</rapi-doc>
</body>
</html>
"#;

/// `GET /api/docs`; it needs no state.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route(DOCS_PATH, get(docs_page))
}

async fn docs_page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, DOCS_CSP),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        DOCS_PAGE,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_and_constants_agree() {
        assert!(DOCS_PAGE.contains(&format!(r#"<script src="{VIEWER_SCRIPT}"></script>"#)));
        assert!(VIEWER_SCRIPT.ends_with(&format!("?v={RAPIDOC_VERSION}")));
        assert!(DOCS_PAGE.contains(&format!(r#"spec-url="{SPEC_URL}""#)));
    }
}
