//! The category tree (topics of LAPOR! and their common sub-categories).

use crate::ids::CategoryId;
use crate::refusal::Refusal;
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

/// Longest category code and name accepted.
const MAX_CODE_LEN: usize = 64;
const MAX_NAME_LEN: usize = 120;

impl NewCategory {
    /// Parses what an admin typed. The code is also the Open311 service code, so it keeps
    /// to lower-case letters, digits and `._-` (e.g. `pupr.jalan`); the English name
    /// defaults to the Indonesian one.
    pub fn parse(parent_code: Option<&str>, code: &str, name_id: &str, name_en: Option<&str>) -> Result<Self, Refusal> {
        let code = code.trim();
        let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c);
        if code.is_empty() || code.len() > MAX_CODE_LEN || !code.chars().all(ok_char) {
            return Err(Refusal::invalid(
                "code",
                format!("1 to {MAX_CODE_LEN} lower-case letters, digits or . _ - (e.g. pupr.jalan)"),
            ));
        }
        let name = |field: &str, s: &str| {
            crate::text::one_line(s, MAX_NAME_LEN)
                .ok_or_else(|| Refusal::invalid(field, format!("one line of 1 to {MAX_NAME_LEN} characters")))
        };
        let name_id = name("name_id", name_id)?;
        let name_en = match name_en.map(str::trim).filter(|s| !s.is_empty()) {
            Some(en) => name("name_en", en)?,
            None => name_id.clone(),
        };
        let parent_code = parent_code.map(str::trim).filter(|p| !p.is_empty()).map(str::to_string);
        Ok(NewCategory { code: code.into(), parent_code, name_id, name_en })
    }
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

/// Categories for the domain's unit tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::Category;
    use crate::ids::CategoryId;

    pub fn cat(id: i64, code: &str, parent: Option<i64>) -> Category {
        Category {
            id: CategoryId(id),
            code: code.into(),
            parent: parent.map(CategoryId),
            name_id: code.into(),
            name_en: code.into(),
            active: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_categories_are_parsed() {
        let c = NewCategory::parse(Some("pupr"), " pupr.trotoar ", "Trotoar", None).unwrap();
        assert_eq!(
            (c.code.as_str(), c.parent_code.as_deref(), c.name_en.as_str()),
            ("pupr.trotoar", Some("pupr"), "Trotoar")
        );
        let c = NewCategory::parse(None, "pungli", "Pungutan liar", Some("Illegal levies")).unwrap();
        assert_eq!((c.parent_code, c.name_en.as_str()), (None, "Illegal levies"));
        assert!(NewCategory::parse(None, "PUPR", "x", None).is_err(), "lower case only");
        assert!(NewCategory::parse(None, "pu jalan", "x", None).is_err());
        assert!(NewCategory::parse(None, "pu", " ", None).is_err());
    }
}
