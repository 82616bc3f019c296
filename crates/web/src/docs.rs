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
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
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

/// One embedded file under `/assets/vendor/`.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
    /// The same bytes, `gzip -9n`-compressed by `scripts/vendor-assets`.
    gzip: Option<&'static [u8]>,
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "rapidoc-min.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../assets/vendor/rapidoc-min.js"),
        gzip: Some(include_bytes!("../assets/vendor/rapidoc-min.js.gz")),
    },
    // The bundle's header points at this file, relative to the bundle.
    Asset {
        name: "rapidoc-min.js.LICENSE.txt",
        content_type: "text/plain; charset=utf-8",
        body: include_bytes!("../assets/vendor/rapidoc-min.js.LICENSE.txt"),
        gzip: None,
    },
    Asset {
        name: "rapidoc.LICENSE.txt",
        content_type: "text/plain; charset=utf-8",
        body: include_bytes!("../assets/vendor/rapidoc.LICENSE.txt"),
        gzip: None,
    },
];

/// `GET /api/docs` and `GET /assets/vendor/{file}`; they need no state.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route(DOCS_PATH, get(docs_page)).route("/assets/vendor/{file}", get(vendor_asset))
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

async fn vendor_asset(Path(file): Path<String>, headers: HeaderMap) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == file) else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::X_CONTENT_TYPE_OPTIONS, "nosniff")],
            "not found\n",
        )
            .into_response();
    };
    let common = [
        (header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
        (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
    ];
    match asset.gzip {
        Some(gz) if accepts_gzip(&headers) => (
            common,
            [
                (header::CONTENT_ENCODING, HeaderValue::from_static("gzip")),
                (header::VARY, HeaderValue::from_static("accept-encoding")),
            ],
            gz,
        )
            .into_response(),
        Some(_) => (common, [(header::VARY, HeaderValue::from_static("accept-encoding"))], asset.body).into_response(),
        None => (common, asset.body).into_response(),
    }
}

/// Whether `accept-encoding` lets us send gzip: `gzip` (or `x-gzip`), else `*`, with a
/// non-zero `q`.
fn accepts_gzip(headers: &HeaderMap) -> bool {
    let mut gzip: Option<f32> = None;
    let mut any: Option<f32> = None;
    for item in
        headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(','))
    {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or_default().trim();
        let q = parts
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
            .map_or(1.0, |(_, v)| v.trim().parse::<f32>().unwrap_or(0.0));
        if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
            gzip = Some(gzip.map_or(q, |g| g.max(q)));
        } else if coding == "*" {
            any = Some(q);
        }
    }
    gzip.or(any).is_some_and(|q| q > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(value: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
        h
    }

    #[test]
    fn gzip_negotiation() {
        assert!(accepts_gzip(&with("gzip")));
        assert!(accepts_gzip(&with("br, GZIP;q=0.5, deflate")));
        assert!(accepts_gzip(&with("*")));
        assert!(!accepts_gzip(&with("gzip;q=0")));
        assert!(!accepts_gzip(&with("gzip; q=0.000")));
        assert!(!accepts_gzip(&with("gzip;q=0, *")));
        assert!(!accepts_gzip(&with("*;q=0")));
        assert!(!accepts_gzip(&with("br, identity")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn page_and_constants_agree() {
        assert!(DOCS_PAGE.contains(&format!(r#"<script src="{VIEWER_SCRIPT}"></script>"#)));
        assert!(VIEWER_SCRIPT.ends_with(&format!("?v={RAPIDOC_VERSION}")));
        assert!(DOCS_PAGE.contains(&format!(r#"spec-url="{SPEC_URL}""#)));
        for asset in ASSETS {
            assert!(asset.gzip.is_none() || asset.content_type.starts_with("text/javascript"));
        }
    }
}
