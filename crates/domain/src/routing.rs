//! Routing rules: (category, region) → instansi and default unit.
//!
//! A screener gets the instansi as a suggestion; a coordinator gets the unit as the
//! default disposition. Neither is applied without a person's click.

use crate::category::CategoryTree;
use crate::ids::{CategoryId, OrgId, RuleId};
use crate::org::{OrgKind, OrgTree};
use crate::refusal::Refusal;
use crate::region::RegionCode;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingRule {
    pub id: RuleId,
    pub category: CategoryId,
    /// The region the rule covers (and everything inside it); `None` for the whole country.
    pub region: Option<RegionCode>,
    pub instansi: OrgId,
    pub unit: Option<OrgId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRoutingRule {
    pub category: CategoryId,
    pub region: Option<RegionCode>,
    pub instansi: OrgId,
    pub unit: Option<OrgId>,
}

impl NewRoutingRule {
    /// A rule must name a category, an instansi and, if any, a unit of that instansi: a
    /// suggestion the lifecycle would refuse helps nobody. (Whether the region exists is
    /// for the region directory.)
    pub fn check(&self, orgs: &OrgTree, categories: &CategoryTree) -> Result<(), Refusal> {
        if categories.get(self.category).is_none() {
            return Err(Refusal::invalid("category", "no such category"));
        }
        match orgs.get(self.instansi) {
            Some(o) if o.kind == OrgKind::Instansi => {}
            _ => return Err(Refusal::invalid("instansi", "not an instansi")),
        }
        if let Some(unit) = self.unit {
            match orgs.get(unit) {
                Some(o) if o.kind == OrgKind::Unit && orgs.is_within(unit, self.instansi) => {}
                _ => return Err(Refusal::invalid("unit", "not a unit of this instansi")),
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub rule: RuleId,
    pub instansi: OrgId,
    pub unit: Option<OrgId>,
}

/// The routing table, indexed for suggestion lookups.
#[derive(Debug, Clone, Default)]
pub struct Router {
    rules: Vec<RoutingRule>,
    /// Positions in `rules` by category: a suggestion reads only the rules of the
    /// report's category and its ancestors (a deployment has thousands of rules).
    by_category: HashMap<CategoryId, Vec<usize>>,
}

impl Router {
    pub fn new(rules: Vec<RoutingRule>) -> Self {
        let mut by_category: HashMap<CategoryId, Vec<usize>> = HashMap::new();
        for (i, rule) in rules.iter().enumerate() {
            by_category.entry(rule.category).or_default().push(i);
        }
        Self { rules, by_category }
    }

    pub fn rules(&self) -> &[RoutingRule] {
        &self.rules
    }

    /// The best rule for a report: the most specific region wins (a regency's own
    /// government before a ministry), then the most specific category.
    pub fn suggest(
        &self,
        categories: &CategoryTree,
        category: Option<CategoryId>,
        region: Option<&RegionCode>,
    ) -> Option<Suggestion> {
        let lineage = category.map(|c| categories.lineage(c)).unwrap_or_default();
        let region_rank = |r: &Option<RegionCode>| -> Option<usize> {
            match (r, region) {
                (None, _) => Some(0),
                (Some(rule), Some(report)) if report.is_within(rule) => Some(rule.lineage().len()),
                _ => None,
            }
        };
        lineage
            .iter()
            .enumerate()
            .flat_map(|(cat_rank, c)| {
                let at = self.by_category.get(c).map_or(&[][..], Vec::as_slice);
                at.iter().map(move |&i| (cat_rank, &self.rules[i]))
            })
            .filter_map(|(cat_rank, rule)| {
                let reg_rank = region_rank(&rule.region)?;
                // Higher region rank is better; lower category position is more specific.
                Some(((reg_rank, usize::MAX - cat_rank, std::cmp::Reverse(rule.id)), rule))
            })
            .max_by_key(|(rank, _)| *rank)
            .map(|(_, rule)| Suggestion { rule: rule.id, instansi: rule.instansi, unit: rule.unit })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::category::fixtures::cat;

    fn rule(id: i64, cat: i64, region: Option<&str>, instansi: i64, unit: Option<i64>) -> RoutingRule {
        RoutingRule {
            id: RuleId(id),
            category: CategoryId(cat),
            region: region.map(|r| RegionCode::parse(r).unwrap()),
            instansi: OrgId(instansi),
            unit: unit.map(OrgId),
        }
    }

    #[test]
    fn a_damaged_road_in_kutai_timur_goes_to_its_pupr() {
        let cats = CategoryTree::new([cat(1, "pu", None), cat(2, "pu.jalan", Some(1)), cat(3, "kesehatan", None)]);
        let router = Router::new(vec![
            rule(1, 2, None, 500, None),             // national roads ministry
            rule(2, 1, Some("64.08"), 10, Some(11)), // Pemkab Kutai Timur → Dinas PUPR
            rule(3, 1, Some("64"), 60, None),        // Pemprov Kaltim
            rule(4, 3, Some("64.08"), 10, Some(14)),
        ]);
        let desa = RegionCode::parse("64.08.01.2001").unwrap();
        let s = router.suggest(&cats, Some(CategoryId(2)), Some(&desa)).unwrap();
        assert_eq!((s.instansi, s.unit), (OrgId(10), Some(OrgId(11))));
        // Outside Kaltim, only the national rule applies.
        let jayapura = RegionCode::parse("91.03").unwrap();
        let s = router.suggest(&cats, Some(CategoryId(2)), Some(&jayapura)).unwrap();
        assert_eq!(s.instansi, OrgId(500));
        // Without a location, the national rule.
        assert_eq!(router.suggest(&cats, Some(CategoryId(2)), None).unwrap().instansi, OrgId(500));
        // No category: no suggestion.
        assert_eq!(router.suggest(&cats, None, Some(&desa)), None);
    }

    #[test]
    fn a_rule_names_a_category_an_instansi_and_one_of_its_units() {
        let cats = CategoryTree::new([cat(1, "pu", None)]);
        let orgs = crate::org::fixtures::tree();
        let rule = |category: i64, instansi: i64, unit: Option<i64>| NewRoutingRule {
            category: CategoryId(category),
            region: None,
            instansi: OrgId(instansi),
            unit: unit.map(OrgId),
        };
        assert_eq!(rule(1, 10, Some(12)).check(&orgs, &cats), Ok(()));
        assert_eq!(rule(1, 10, None).check(&orgs, &cats), Ok(()));
        assert!(rule(9, 10, None).check(&orgs, &cats).is_err(), "unknown category");
        assert!(rule(1, 11, None).check(&orgs, &cats).is_err(), "a unit is not an instansi");
        assert!(rule(1, 10, Some(21)).check(&orgs, &cats).is_err(), "another instansi's unit");
        assert!(rule(1, 10, Some(10)).check(&orgs, &cats).is_err(), "the instansi is not a unit");
    }
}
