//! `discovery`: where this endpoint is and what it speaks.

use super::errors::Reply;
use super::format::{Doc, Node};
use crate::AppState;
use axum::http::HeaderMap;

/// When this surface last changed in a way a client could notice.
const CHANGESET: &str = "2026-11-28T00:00:00+07:00";

pub fn get(state: &AppState, headers: &HeaderMap) -> Reply {
    let endpoint = Node::Object(vec![
        ("specification", Node::text("http://wiki.open311.org/GeoReport_v2")),
        ("url", Node::text(format!("{}/open311/v2", crate::origin(state, headers)))),
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
