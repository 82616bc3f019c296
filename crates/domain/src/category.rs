//! The category tree (topics of LAPOR! and their common sub-categories).

use crate::ids::CategoryId;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: CategoryId,
    /// Stable code, e.g. `pu` or `pu.jalan`; also the Open311 service code.
    pub code: String,
    pub parent: Option<CategoryId>,
    pub name_id: String,
    pub name_en: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCategory {
    pub code: String,
    pub parent_code: Option<String>,
    pub name_id: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Default)]
pub struct CategoryTree {
    cats: HashMap<CategoryId, Category>,
    by_code: HashMap<String, CategoryId>,
}

impl CategoryTree {
    pub fn new(cats: impl IntoIterator<Item = Category>) -> Self {
        let mut tree = CategoryTree::default();
        for c in cats {
            tree.by_code.insert(c.code.clone(), c.id);
            tree.cats.insert(c.id, c);
        }
        tree
    }

    pub fn get(&self, id: CategoryId) -> Option<&Category> {
        self.cats.get(&id)
    }

    pub fn by_code(&self, code: &str) -> Option<&Category> {
        self.by_code.get(code).and_then(|id| self.cats.get(id))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Category> {
        self.cats.values()
    }

    pub fn len(&self) -> usize {
        self.cats.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cats.is_empty()
    }

    /// The category and its ancestors, most specific first.
    pub fn lineage(&self, id: CategoryId) -> Vec<CategoryId> {
        let mut out = Vec::new();
        let mut cur = Some(id);
        while let Some(c) = cur.and_then(|c| self.cats.get(&c)) {
            if out.contains(&c.id) {
                break;
            }
            out.push(c.id);
            cur = c.parent;
        }
        out
    }

    /// The category and every category below it (to filter by a top-level topic).
    pub fn with_descendants(&self, id: CategoryId) -> Vec<CategoryId> {
        let mut out: Vec<CategoryId> =
            self.cats.values().filter(|c| self.lineage(c.id).contains(&id)).map(|c| c.id).collect();
        out.sort();
        out
    }

    pub fn depth(&self, id: CategoryId) -> usize {
        self.lineage(id).len()
    }
}
