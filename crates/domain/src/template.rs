//! Answer templates (docs/DOMAIN.md §2): ready answers of an organisation, per category,
//! that its officers and coordinators insert with one click and then adapt.

use crate::category::CategoryTree;
use crate::ids::{CategoryId, OrgId, TemplateId};
use crate::org::OrgTree;
use crate::refusal::Refusal;
use crate::text::Text;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Longest template title, in characters.
pub const MAX_TITLE_LEN: usize = 120;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerTemplate {
    pub id: TemplateId,
    /// Offered to the staff of this organisation and everything below it.
    pub org: OrgId,
    /// Offered for reports of this category and its sub-categories; `None` for all.
    pub category: Option<CategoryId>,
    /// What the template is for, one line (shown in the picker).
    pub title: String,
    /// The answer text inserted into the form.
    pub body: Text,
    /// An inactive template is kept (and editable) but no longer offered.
    pub active: bool,
    pub updated_at: Timestamp,
}

/// A template to create; it starts active.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAnswerTemplate {
    pub org: OrgId,
    pub category: Option<CategoryId>,
    pub title: String,
    pub body: Text,
}

/// A template title: one line of 1 to [`MAX_TITLE_LEN`] characters.
pub fn parse_title(s: &str) -> Result<String, Refusal> {
    crate::text::one_line(s, MAX_TITLE_LEN)
        .ok_or_else(|| Refusal::invalid("title", format!("one line of 1 to {MAX_TITLE_LEN} characters")))
}

/// A template body: an answer's text (1 to 20,000 characters).
pub fn parse_body(s: &str) -> Result<Text, Refusal> {
    Text::message(s).map_err(|e| Refusal::invalid("body", e.to_string()))
}

impl NewAnswerTemplate {
    /// Parses what an admin typed.
    pub fn parse(org: OrgId, category: Option<CategoryId>, title: &str, body: &str) -> Result<Self, Refusal> {
        Ok(NewAnswerTemplate { org, category, title: parse_title(title)?, body: parse_body(body)? })
    }
}

/// The organisation and category a template is for must exist.
pub fn check_target(
    orgs: &OrgTree,
    categories: &CategoryTree,
    org: OrgId,
    category: Option<CategoryId>,
) -> Result<(), Refusal> {
    if orgs.get(org).is_none() {
        return Err(Refusal::invalid("org", "no such organisation"));
    }
    if let Some(c) = category
        && categories.get(c).is_none()
    {
        return Err(Refusal::invalid("category", "no such category"));
    }
    Ok(())
}

/// The templates offered to staff of `org` answering a report of `category`: active ones
/// of that organisation or an organisation above it, for no category or for the report's
/// category or one above it. Most specific first: by category (the report's own, then its
/// parents, then general ones), then by organisation (own before inherited), then title.
pub fn offered<'a>(
    templates: &'a [AnswerTemplate],
    orgs: &OrgTree,
    categories: &CategoryTree,
    org: OrgId,
    category: Option<CategoryId>,
) -> Vec<&'a AnswerTemplate> {
    let org_line = orgs.lineage(org);
    let cat_line = category.map(|c| categories.lineage(c)).unwrap_or_default();
    let mut ranked: Vec<((usize, usize), &AnswerTemplate)> = templates
        .iter()
        .filter(|t| t.active)
        .filter_map(|t| {
            let org_rank = org_line.iter().position(|o| *o == t.org)?;
            let cat_rank = match t.category {
                None => cat_line.len(),
                Some(c) => cat_line.iter().position(|x| *x == c)?,
            };
            Some(((cat_rank, org_rank), t))
        })
        .collect();
    ranked.sort_by(|(a, ta), (b, tb)| a.cmp(b).then_with(|| ta.title.cmp(&tb.title)).then(ta.id.cmp(&tb.id)));
    ranked.into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::category::fixtures::cat;
    use crate::org::fixtures::tree;
    use chrono::{TimeZone, Utc};

    fn cats() -> CategoryTree {
        CategoryTree::new([cat(1, "pu", None), cat(2, "pu.jalan", Some(1)), cat(3, "kesehatan", None)])
    }

    fn template(id: i64, org: i64, category: Option<i64>, title: &str) -> AnswerTemplate {
        AnswerTemplate {
            id: TemplateId(id),
            org: OrgId(org),
            category: category.map(CategoryId),
            title: title.into(),
            body: Text::trusted(format!("Isi {title}")),
            active: true,
            updated_at: Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).single().unwrap_or_default(),
        }
    }

    #[test]
    fn the_most_specific_templates_come_first() {
        let mut all = vec![
            template(1, 1, None, "Salam nasional"),
            template(2, 10, Some(1), "PU Kutim"),
            template(3, 11, Some(2), "Jalan PUPR"),
            template(4, 10, Some(2), "Jalan Kutim"),
            template(5, 11, None, "Salam PUPR"),
            template(6, 20, Some(2), "Jalan Jayapura"),
            template(7, 11, Some(3), "Kesehatan"),
            template(8, 12, Some(2), "Sub-unit below"),
            template(9, 11, Some(2), "Inactive"),
        ];
        all[8].active = false;
        // An officer of PUPR Kutim (11) answering a road report (2).
        let ids: Vec<i64> =
            offered(&all, &tree(), &cats(), OrgId(11), Some(CategoryId(2))).iter().map(|t| t.id.0).collect();
        assert_eq!(ids, vec![3, 4, 2, 5, 1]);
        // A report without a category gets the general ones only.
        let ids: Vec<i64> = offered(&all, &tree(), &cats(), OrgId(11), None).iter().map(|t| t.id.0).collect();
        assert_eq!(ids, vec![5, 1]);
    }

    #[test]
    fn titles_and_bodies_are_checked() {
        assert!(NewAnswerTemplate::parse(OrgId(1), None, " Jalan sudah diperbaiki ", "Terima kasih.").is_ok());
        assert!(parse_title("").is_err());
        assert!(parse_title("dua\nbaris").is_err());
        assert!(parse_title(&"x".repeat(121)).is_err());
        assert_eq!(parse_title(&"x".repeat(120)).map(|t| t.len()), Ok(120));
        assert!(parse_body("   ").is_err());
        assert!(check_target(&tree(), &cats(), OrgId(999), None).is_err());
        assert!(check_target(&tree(), &cats(), OrgId(11), Some(CategoryId(99))).is_err());
        assert_eq!(check_target(&tree(), &cats(), OrgId(11), Some(CategoryId(2))), Ok(()));
    }
}
