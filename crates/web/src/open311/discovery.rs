//! `discovery`: where this endpoint is and what it speaks.

use super::errors::Reply;
use super::format::{Doc, Node};
use crate::AppState;
use axum::http::HeaderMap;

/// When this surface last changed in a way a client could notice.
const CHANGESET: &str = "2026-12-07T00:00:00+07:00";

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
            (
                "paging",
                Node::text(format!(
                    "GET requests answers {} requests a page unless page_size says otherwise (up to {}), newest \
                     first; page counts from 1 and may pass over at most {} requests: deeper, narrow start_date \
                     and end_date.",
                    super::requests::DEFAULT_ROWS,
                    super::requests::MAX_ROWS,
                    aduan_store::PageRequest::MAX_SKIP,
                )),
            ),
            (
                "search",
                Node::text(
                    "GET requests also takes q, words the request's description holds (as the public portal \
                     searches: every word, in any form of it), with the other filters.",
                ),
            ),
            ("endpoints", Node::List("endpoint", vec![endpoint])),
        ]),
    })
}
