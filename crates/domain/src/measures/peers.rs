//! Groups of instansi that an evaluation compares with each other: the regencies and
//! cities of a province (or of the whole country), the provinces, the central
//! government's ministries and agencies.

use crate::ids::OrgId;
use crate::org::{OrgKind, OrgTree};
use crate::region::{RegionCode, RegionLevel};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "group", content = "province")]
pub enum Peers {
    /// Kabupaten and kota governments, of one province or (`None`) of the country.
    Regencies(Option<RegionCode>),
    Provinces,
    /// Instansi without a region: ministries, agencies, state enterprises.
    Central,
}

impl Peers {
    pub fn code(&self) -> &'static str {
        match self {
            Peers::Regencies(_) => "kabupaten",
            Peers::Provinces => "provinsi",
            Peers::Central => "pusat",
        }
    }

    /// From a group code and an optional province code (`64`).
    pub fn parse(group: &str, province: Option<&str>) -> Option<Peers> {
        match group {
            "kabupaten" => {
                let province = match province.map(str::trim).filter(|p| !p.is_empty()) {
                    Some(p) => Some(RegionCode::parse(p).ok().filter(|r| r.level() == RegionLevel::Province)?),
                    None => None,
                };
                Some(Peers::Regencies(province))
            }
            "provinsi" => Some(Peers::Provinces),
            "pusat" => Some(Peers::Central),
            _ => None,
        }
    }

    fn includes(&self, region: Option<&RegionCode>) -> bool {
        match (self, region) {
            (Peers::Regencies(province), Some(r)) => {
                r.level() == RegionLevel::Regency && province.as_ref().is_none_or(|p| r.parent().as_ref() == Some(p))
            }
            (Peers::Provinces, Some(r)) => r.level() == RegionLevel::Province,
            (Peers::Central, None) => true,
            _ => false,
        }
    }
}

/// The active instansi of a group, in the tree's order.
pub fn peers(orgs: &OrgTree, group: &Peers) -> Vec<OrgId> {
    orgs.iter()
        .filter(|o| o.kind == OrgKind::Instansi && o.active && group.includes(o.region.as_ref()))
        .map(|o| o.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::Organisation;
    use crate::org::fixtures::org;
    use crate::time::Zone;

    fn gov(id: i64, region: Option<&str>) -> Organisation {
        let mut o = org(id, &format!("I-{id}"), OrgKind::Instansi, Some(1), Zone::Wib);
        o.region = region.map(|r| RegionCode::parse(r).expect("region"));
        o
    }

    #[test]
    fn groups_select_by_region_level_and_province() {
        let mut inactive = gov(7, Some("64.09"));
        inactive.active = false;
        let mut unit = gov(8, Some("64.08"));
        unit.kind = OrgKind::Unit;
        let tree = OrgTree::new([
            org(1, "NASIONAL", OrgKind::National, None, Zone::Wib),
            gov(2, Some("64")),
            gov(3, Some("64.08")),
            gov(4, Some("91.03")),
            gov(5, None),
            gov(6, Some("64.72")),
            inactive,
            unit,
        ]);
        let ids = |g: Peers| {
            let mut ids: Vec<i64> = peers(&tree, &g).into_iter().map(|o| o.0).collect();
            ids.sort();
            ids
        };
        assert_eq!(ids(Peers::Regencies(None)), vec![3, 4, 6]);
        assert_eq!(ids(Peers::parse("kabupaten", Some("64")).expect("group")), vec![3, 6]);
        assert_eq!(ids(Peers::Provinces), vec![2]);
        assert_eq!(ids(Peers::Central), vec![5]);
        assert_eq!(Peers::parse("kabupaten", Some("64.08")), None, "a regency is not a province");
        assert_eq!(Peers::parse("kabupaten", Some(" ")), Some(Peers::Regencies(None)));
        assert_eq!(Peers::parse("desa", None), None);
    }

    #[test]
    fn months_step_across_years() {
        use crate::measures::Period;
        let p = |y, m| Period::new(y, m).expect("month");
        assert_eq!(p(2026, 1).plus(-1), p(2025, 12));
        assert_eq!(p(2025, 12).plus(1), p(2026, 1));
        assert_eq!(p(2026, 3).plus(-27), p(2023, 12));
        assert_eq!(p(2025, 11).months_to(p(2026, 2)), 4);
        assert_eq!(p(2025, 11).through(p(2026, 2)).count(), 4);
        assert_eq!(p(2026, 2).through(p(2025, 11)).count(), 0);
    }
}
