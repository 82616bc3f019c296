//! Files embedded in the binary and served under `/assets/`: third-party browser code
//! vendored from npm by `scripts/vendor-assets` (`/assets/vendor/`, immutable, with a
//! precompressed gzip copy), and the portal's own style sheet and scripts
//! (`/assets/portal/`, compressed on the fly). Nothing is fetched from elsewhere.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// One embedded file.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
    /// The same bytes, `gzip -9n`-compressed by `scripts/vendor-assets`.
    gzip: Option<&'static [u8]>,
}

const VENDOR: &[Asset] = &[
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
    Asset {
        name: "leaflet.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../assets/vendor/leaflet.js"),
        gzip: Some(include_bytes!("../assets/vendor/leaflet.js.gz")),
    },
    Asset {
        name: "leaflet.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../assets/vendor/leaflet.css"),
        gzip: Some(include_bytes!("../assets/vendor/leaflet.css.gz")),
    },
    Asset {
        name: "leaflet.LICENSE.txt",
        content_type: "text/plain; charset=utf-8",
        body: include_bytes!("../assets/vendor/leaflet.LICENSE.txt"),
        gzip: None,
    },
    Asset {
        name: "marker-icon.png",
        content_type: "image/png",
        body: include_bytes!("../assets/vendor/marker-icon.png"),
        gzip: None,
    },
    Asset {
        name: "marker-icon-2x.png",
        content_type: "image/png",
        body: include_bytes!("../assets/vendor/marker-icon-2x.png"),
        gzip: None,
    },
    Asset {
        name: "marker-shadow.png",
        content_type: "image/png",
        body: include_bytes!("../assets/vendor/marker-shadow.png"),
        gzip: None,
    },
];

/// The portal's own files (`crates/web/assets/portal/`).
const PORTAL: &[Asset] = &[
    Asset {
        name: "aduan.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../assets/portal/aduan.css"),
        gzip: None,
    },
    Asset {
        name: "lapor.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../assets/portal/lapor.js"),
        gzip: None,
    },
    Asset {
        name: "peta.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../assets/portal/peta.js"),
        gzip: None,
    },
    Asset {
        name: "staf.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../assets/portal/staf.css"),
        gzip: None,
    },
    Asset {
        name: "staf.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../assets/portal/staf.js"),
        gzip: None,
    },
];

/// `GET /assets/vendor/{file}` and `GET /assets/portal/{file}`; they need no state.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/assets/vendor/{file}", get(vendor_asset)).route("/assets/portal/{file}", get(portal_asset))
}

async fn vendor_asset(Path(file): Path<String>, headers: HeaderMap) -> Response {
    serve(VENDOR, "public, max-age=31536000, immutable", &file, &headers)
}

async fn portal_asset(Path(file): Path<String>, headers: HeaderMap) -> Response {
    serve(PORTAL, "public, max-age=3600", &file, &headers)
}

fn serve(list: &[Asset], cache: &'static str, file: &str, headers: &HeaderMap) -> Response {
    let Some(asset) = list.iter().find(|a| a.name == file) else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::X_CONTENT_TYPE_OPTIONS, "nosniff")],
            "not found\n",
        )
            .into_response();
    };
    let common = [
        (header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
        (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
    ];
    match asset.gzip {
        Some(gz) if accepts_gzip(headers) => (
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
    fn only_text_is_precompressed() {
        for asset in VENDOR.iter().chain(PORTAL) {
            assert!(asset.gzip.is_none() || asset.content_type.starts_with("text/"), "{}", asset.name);
        }
    }
}
