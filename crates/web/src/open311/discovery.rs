//! `discovery`: where this endpoint is and what it speaks.

use super::errors::Reply;
use super::format::{Doc, Node};
use crate::AppState;
use axum::http::{HeaderMap, header};

/// When this surface last changed in a way a client could notice.
const CHANGESET: &str = "2026-11-28T00:00:00+07:00";

pub fn get(state: &AppState, headers: &HeaderMap) -> Reply {
    let endpoint = Node::Object(vec![
        ("specification", Node::text("http://wiki.open311.org/GeoReport_v2")),
        ("url", Node::text(format!("{}/open311/v2", origin(state, headers)))),
        ("changeset", Node::text(CHANGESET)),
        ("type", Node::text("production")),
        ("formats", Node::List("format", vec![Node::text("application/json"), Node::text("text/xml")])),
    ]);
    Ok(Doc {
        root: "discovery",
        body: Node::Object(vec![
            ("changeset", Node::text(CHANGESET)),
            ("contact", Node::text(format!("Aduan, jurisdiction_id {}", state.settings.jurisdiction_id))),
            (
                "key_service",
                Node::text(
                    "Reading needs no key. To file reports and post updates, ask an organisation admin of this \
                     deployment for an integration key with the file scope (read to see your organisation's \
                     reports); send it as api_key.",
                ),
            ),
            ("endpoints", Node::List("endpoint", vec![endpoint])),
        ]),
    })
}

/// The configured public address; else `scheme://host` as the client reached us: the
/// Host header — only when it is a plain host name or address with an optional port —
/// and the scheme of the proxy (when trusted) or https, except for a local address.
fn origin(state: &AppState, headers: &HeaderMap) -> String {
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
