//! `services` and `services/{service_code}`: the categories that can receive reports.

use super::errors::{Open311Error, Reply};
use super::format::{Doc, Node};
use crate::AppState;
use aduan_domain::category::{Category, CategoryTree};

/// Every active category, by code. The category's Indonesian name is the service name,
/// its English name the description, its parent's name the group; the names of it and
/// its ancestors, in both languages, are its keywords.
pub fn list(state: &AppState) -> Reply {
    let reference = state.app.reference();
    let tree = &reference.categories;
    let mut categories: Vec<&Category> = tree.iter().filter(|c| c.active).collect();
    categories.sort_by(|a, b| a.code.cmp(&b.code));
    let services = categories
        .into_iter()
        .map(|c| {
            Node::Object(vec![
                ("service_code", Node::text(c.code.clone())),
                ("service_name", Node::text(c.name_id.clone())),
                ("description", Node::text(c.name_en.clone())),
                // No category asks extra questions yet (see `definition`).
                ("metadata", Node::Bool(false)),
                // The service_request_id is returned at once.
                ("type", Node::text("realtime")),
                ("keywords", Node::text(keywords(tree, c))),
                ("group", Node::opt_text(c.parent.and_then(|p| tree.get(p)).map(|p| p.name_id.clone()))),
            ])
        })
        .collect();
    Ok(Doc::list("services", "service", services))
}

fn keywords(tree: &CategoryTree, category: &Category) -> String {
    let mut words: Vec<&str> = Vec::new();
    for c in tree.lineage(category.id).into_iter().filter_map(|id| tree.get(id)) {
        for w in [c.name_id.as_str(), c.name_en.as_str()] {
            if !words.contains(&w) {
                words.push(w);
            }
        }
    }
    words.join(", ")
}

/// The service definition: the category's extra questions. None of ours has any yet, so
/// the list is empty and `attribute[…]` parameters are accepted and ignored.
pub fn definition(state: &AppState, code: &str) -> Reply {
    let reference = state.app.reference();
    let category = reference
        .categories
        .by_code(code)
        .filter(|c| c.active)
        .ok_or_else(|| Open311Error::not_found(format!("service_code {code} not found")))?;
    Ok(Doc {
        root: "service_definition",
        body: Node::Object(vec![
            ("service_code", Node::text(category.code.clone())),
            ("attributes", Node::List("attribute", Vec::new())),
        ]),
    })
}
