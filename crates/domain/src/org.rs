//! The organisation tree: national desk → instansi → unit → sub-unit.

use crate::ids::OrgId;
use crate::refusal::Refusal;
use crate::region::RegionCode;
use crate::time::Zone;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// The root: the national screening desk.
    National,
    /// A government body that receives verified reports (ministry, local government, BUMN…).
    Instansi,
    /// A department (OPD) or office that follows reports up; may contain sub-units.
    Unit,
}

impl OrgKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::National => "national",
            OrgKind::Instansi => "instansi",
            OrgKind::Unit => "unit",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "national" => Some(OrgKind::National),
            "instansi" => Some(OrgKind::Instansi),
            "unit" => Some(OrgKind::Unit),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: OrgId,
    /// Stable, human-readable code, e.g. `KAB-64.08` or `KAB-64.08/DPUPR`.
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    pub parent: Option<OrgId>,
    /// Kemendagri region code for local governments and their units.
    pub region: Option<RegionCode>,
    pub zone: Zone,
    pub active: bool,
    /// An instansi that screens the reports addressed to it at its own desk instead of
    /// the national one (a regency running its own deployment).
    pub screens_own_reports: bool,
    pub contact: Contact,
}

/// Everything needed to create an organisation; the store assigns the id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganisation {
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    /// The parent's code, so a whole tree can be created in one batch.
    pub parent_code: Option<String>,
    pub region: Option<RegionCode>,
    pub zone: Zone,
    pub screens_own_reports: bool,
    pub contact: Contact,
}

/// The organisation tree, loaded once and consulted for every scope decision.
#[derive(Debug, Clone, Default)]
pub struct OrgTree {
    orgs: HashMap<OrgId, Organisation>,
    by_code: HashMap<String, OrgId>,
    children: HashMap<OrgId, Vec<OrgId>>,
    root: Option<OrgId>,
}

impl OrgTree {
    pub fn new(orgs: impl IntoIterator<Item = Organisation>) -> Self {
        let mut tree = OrgTree::default();
        for org in orgs {
            tree.by_code.insert(org.code.clone(), org.id);
            if org.kind == OrgKind::National && org.parent.is_none() {
                tree.root = Some(org.id);
            }
            if let Some(parent) = org.parent {
                tree.children.entry(parent).or_default().push(org.id);
            }
            tree.orgs.insert(org.id, org);
        }
        for list in tree.children.values_mut() {
            list.sort();
        }
        tree
    }

    pub fn len(&self) -> usize {
        self.orgs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.orgs.is_empty()
    }

    pub fn get(&self, id: OrgId) -> Option<&Organisation> {
        self.orgs.get(&id)
    }

    pub fn by_code(&self, code: &str) -> Option<&Organisation> {
        self.by_code.get(code).and_then(|id| self.orgs.get(id))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Organisation> {
        self.orgs.values()
    }

    /// The national desk, if the deployment has one.
    pub fn national(&self) -> Option<&Organisation> {
        self.root.and_then(|id| self.orgs.get(&id))
    }

    pub fn children(&self, id: OrgId) -> &[OrgId] {
        self.children.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// True when `org` is `ancestor` or lies below it.
    pub fn is_within(&self, org: OrgId, ancestor: OrgId) -> bool {
        let mut cur = Some(org);
        // The depth is bounded by the tree; the counter guards against a corrupt cycle.
        for _ in 0..64 {
            match cur {
                Some(id) if id == ancestor => return true,
                Some(id) => cur = self.orgs.get(&id).and_then(|o| o.parent),
                None => return false,
            }
        }
        false
    }

    /// `org` and the organisations above it, most specific first.
    pub fn lineage(&self, org: OrgId) -> Vec<OrgId> {
        let mut out = Vec::new();
        let mut cur = self.orgs.get(&org);
        while let Some(o) = cur {
            // A corrupt cycle stops at the first repeat.
            if out.contains(&o.id) {
                break;
            }
            out.push(o.id);
            cur = o.parent.and_then(|p| self.orgs.get(&p));
        }
        out
    }

    /// The organisations whose staff find a report in their lists (docs/DOMAIN.md §2): each
    /// one that holds or held it, and every one above it — a coordinator's lists hold
    /// what the instansi's units were given. The national root is left out: its staff
    /// list everything.
    pub fn reach<'a>(&self, involved: impl IntoIterator<Item = &'a OrgId>) -> Vec<OrgId> {
        let mut out: Vec<OrgId> =
            involved.into_iter().flat_map(|o| self.lineage(*o)).filter(|o| Some(*o) != self.root).collect();
        out.sort();
        out.dedup();
        out
    }

    /// `org` and every organisation below it.
    pub fn subtree(&self, org: OrgId) -> Vec<OrgId> {
        let mut out = Vec::new();
        let mut stack = vec![org];
        while let Some(id) = stack.pop() {
            if self.orgs.contains_key(&id) {
                out.push(id);
                stack.extend(self.children(id).iter().copied());
            }
        }
        out.sort();
        out
    }

    /// The instansi an organisation belongs to (itself if it is one).
    pub fn instansi_of(&self, org: OrgId) -> Option<&Organisation> {
        let mut cur = self.orgs.get(&org);
        for _ in 0..64 {
            match cur {
                Some(o) if o.kind == OrgKind::Instansi => return Some(o),
                Some(o) => cur = o.parent.and_then(|p| self.orgs.get(&p)),
                None => return None,
            }
        }
        None
    }

    /// The desk that screens a report addressed to `target` (or to nobody): the target's
    /// own desk when it screens its own reports, otherwise the national desk.
    pub fn screening_desk_for(&self, target: Option<OrgId>) -> Option<OrgId> {
        if let Some(inst) = target.and_then(|t| self.instansi_of(t))
            && inst.screens_own_reports
            && inst.active
        {
            return Some(inst.id);
        }
        self.root.or_else(|| {
            // A single-instansi deployment without a national root screens at its instansi.
            self.orgs
                .values()
                .filter(|o| o.kind == OrgKind::Instansi && o.screens_own_reports && o.active)
                .map(|o| o.id)
                .min()
        })
    }

    pub fn zone_of(&self, org: OrgId) -> Zone {
        self.orgs.get(&org).map(|o| o.zone).unwrap_or(Zone::Wib)
    }

    pub fn name_of(&self, org: OrgId) -> &str {
        self.orgs.get(&org).map(|o| o.name.as_str()).unwrap_or("?")
    }
}

/// Longest organisation code accepted.
const MAX_CODE_LEN: usize = 64;
/// Longest organisation name accepted.
const MAX_NAME_LEN: usize = 200;

/// An organisation code as people type it: `KAB-64.08/DPUPR`. Codes appear in URLs,
/// exports and federation messages, so they stay to letters, digits and `-._/`.
pub fn parse_code(s: &str) -> Result<String, Refusal> {
    let s = s.trim();
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "-._/".contains(c);
    if s.is_empty() || s.len() > MAX_CODE_LEN || !s.chars().all(ok_char) {
        return Err(Refusal::invalid(
            "code",
            format!("1 to {MAX_CODE_LEN} letters, digits or - . _ / (e.g. KAB-64.08/DPUPR)"),
        ));
    }
    Ok(s.to_string())
}

/// An organisation's name: one line of 1 to 200 characters.
pub fn parse_name(s: &str) -> Result<String, Refusal> {
    crate::text::one_line(s, MAX_NAME_LEN)
        .ok_or_else(|| Refusal::invalid("name", format!("one line of 1 to {MAX_NAME_LEN} characters")))
}

/// Where a new unit may go: under an active instansi or unit (the national desk holds
/// instansi, not units). Returns the parent, whose zone and region the unit inherits.
pub fn can_add_unit(tree: &OrgTree, parent: OrgId) -> Result<&Organisation, Refusal> {
    let parent_org = tree.get(parent).ok_or_else(|| Refusal::invalid("parent", "no such organisation"))?;
    if parent_org.kind == OrgKind::National {
        return Err(Refusal::invalid("parent", "a unit belongs under an instansi or another unit"));
    }
    if !parent_org.active {
        return Err(Refusal::invalid("parent", format!("{} is inactive", parent_org.name)));
    }
    Ok(parent_org)
}

/// Whether `unit` may move under `new_parent`: a unit, under an active instansi or unit
/// of the same instansi (its reports and their clocks belong to that instansi), and never
/// under itself or one of its own sub-units (the tree would become a cycle).
pub fn can_move(tree: &OrgTree, unit: OrgId, new_parent: OrgId) -> Result<(), Refusal> {
    let moving = tree.get(unit).ok_or_else(|| Refusal::invalid("unit", "no such organisation"))?;
    if moving.kind != OrgKind::Unit {
        return Err(Refusal::invalid("unit", "only a unit can be moved"));
    }
    if tree.is_within(new_parent, unit) {
        return Err(Refusal::rule("a unit cannot be moved under itself or one of its own sub-units"));
    }
    let parent = can_add_unit(tree, new_parent)?;
    let instansi = |id: OrgId| tree.instansi_of(id).map(|o| o.id);
    if instansi(unit) != instansi(parent.id) {
        return Err(Refusal::rule("a unit stays within its instansi, which its reports belong to"));
    }
    Ok(())
}

/// Whether `org` may be switched on or off. The national desk screens every report
/// without a desk of its own, so it stays active.
pub fn can_set_active(tree: &OrgTree, org: OrgId, active: bool) -> Result<(), Refusal> {
    let o = tree.get(org).ok_or_else(|| Refusal::invalid("organisation", "no such organisation"))?;
    if !active && o.kind == OrgKind::National {
        return Err(Refusal::rule("the national desk cannot be deactivated"));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;

    pub fn org(id: i64, code: &str, kind: OrgKind, parent: Option<i64>, zone: Zone) -> Organisation {
        Organisation {
            id: OrgId(id),
            code: code.into(),
            name: code.into(),
            kind,
            parent: parent.map(OrgId),
            region: None,
            zone,
            active: true,
            screens_own_reports: false,
            contact: Contact::default(),
        }
    }

    /// 1 national; 10 Pemkab Kutai Timur (WITA) with 11 PUPR (and 12 a PUPR sub-unit),
    /// 13 DLH; 20 Pemkab Jayapura (WIT) with 21 PUPR; 30 Kemenkes (WIB) with 31 a unit.
    pub fn tree() -> OrgTree {
        OrgTree::new([
            org(1, "NASIONAL", OrgKind::National, None, Zone::Wib),
            org(10, "KAB-64.08", OrgKind::Instansi, Some(1), Zone::Wita),
            org(11, "KAB-64.08/DPUPR", OrgKind::Unit, Some(10), Zone::Wita),
            org(12, "KAB-64.08/DPUPR/BM", OrgKind::Unit, Some(11), Zone::Wita),
            org(13, "KAB-64.08/DLH", OrgKind::Unit, Some(10), Zone::Wita),
            org(20, "KAB-91.03", OrgKind::Instansi, Some(1), Zone::Wit),
            org(21, "KAB-91.03/DPUPR", OrgKind::Unit, Some(20), Zone::Wit),
            org(30, "KEMENKES", OrgKind::Instansi, Some(1), Zone::Wib),
            org(31, "KEMENKES/YANKES", OrgKind::Unit, Some(30), Zone::Wib),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::tree;
    use super::*;

    #[test]
    fn scope_is_a_subtree() {
        let t = tree();
        assert!(t.is_within(OrgId(12), OrgId(10)));
        assert!(t.is_within(OrgId(12), OrgId(1)));
        assert!(!t.is_within(OrgId(21), OrgId(10)));
        assert!(!t.is_within(OrgId(10), OrgId(11)));
        assert_eq!(t.subtree(OrgId(10)), vec![OrgId(10), OrgId(11), OrgId(12), OrgId(13)]);
        assert_eq!(t.instansi_of(OrgId(12)).map(|o| o.id), Some(OrgId(10)));
    }

    #[test]
    fn lineage_runs_up_to_the_root() {
        let t = tree();
        assert_eq!(t.lineage(OrgId(12)), vec![OrgId(12), OrgId(11), OrgId(10), OrgId(1)]);
        assert_eq!(t.lineage(OrgId(1)), vec![OrgId(1)]);
        assert!(t.lineage(OrgId(999)).is_empty());
    }

    #[test]
    fn reach_is_what_held_the_report_and_everything_above_but_the_root() {
        let t = tree();
        // Held by the national desk, Kutai Timur and PUPR's sub-unit: the coordinator of
        // Kutai Timur and PUPR's staff find it; Jayapura's and the root's reach do not hold it.
        let involved = [OrgId(1), OrgId(10), OrgId(12)];
        assert_eq!(t.reach(&involved), vec![OrgId(10), OrgId(11), OrgId(12)]);
        for staff_org in [OrgId(10), OrgId(11), OrgId(12), OrgId(13), OrgId(20)] {
            let sees = involved.iter().any(|o| t.is_within(*o, staff_org));
            assert_eq!(t.reach(&involved).contains(&staff_org), sees, "{staff_org:?}");
        }
        assert!(t.reach(&[OrgId(1)]).is_empty());
    }

    #[test]
    fn units_move_within_their_instansi_and_never_under_themselves() {
        let t = tree();
        // DLH under PUPR, and the PUPR sub-unit up to the instansi: fine.
        assert_eq!(can_move(&t, OrgId(13), OrgId(11)), Ok(()));
        assert_eq!(can_move(&t, OrgId(12), OrgId(10)), Ok(()));
        // Under itself or its own sub-unit: a cycle.
        assert!(matches!(can_move(&t, OrgId(11), OrgId(11)), Err(Refusal::Rule(_))));
        assert!(matches!(can_move(&t, OrgId(11), OrgId(12)), Err(Refusal::Rule(_))));
        // Into another instansi, under the national desk, or moving an instansi: refused.
        assert!(matches!(can_move(&t, OrgId(13), OrgId(21)), Err(Refusal::Rule(_))));
        assert!(matches!(can_move(&t, OrgId(13), OrgId(1)), Err(Refusal::Invalid { .. })));
        assert!(matches!(can_move(&t, OrgId(10), OrgId(20)), Err(Refusal::Invalid { .. })));
        assert!(matches!(can_move(&t, OrgId(13), OrgId(999)), Err(Refusal::Invalid { .. })));
    }

    #[test]
    fn new_units_go_under_active_instansi_or_units() {
        let mut all: Vec<_> = tree().iter().cloned().collect();
        if let Some(dlh) = all.iter_mut().find(|o| o.id == OrgId(13)) {
            dlh.active = false;
        }
        let t = OrgTree::new(all);
        assert_eq!(can_add_unit(&t, OrgId(11)).map(|o| o.id), Ok(OrgId(11)));
        assert_eq!(can_add_unit(&t, OrgId(10)).map(|o| o.id), Ok(OrgId(10)));
        assert!(can_add_unit(&t, OrgId(1)).is_err(), "not under the national desk");
        assert!(can_add_unit(&t, OrgId(13)).is_err(), "not under an inactive unit");
        assert!(can_set_active(&t, OrgId(1), false).is_err());
        assert_eq!(can_set_active(&t, OrgId(11), false), Ok(()));
    }

    #[test]
    fn codes_and_names_are_checked() {
        assert_eq!(parse_code(" KAB-64.08/DISDIK ").as_deref(), Ok("KAB-64.08/DISDIK"));
        for bad in ["", "KAB 64", "KAB-64.08/DİNAS", &"X".repeat(65)] {
            assert!(parse_code(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_name(" Dinas Pendidikan ").as_deref(), Ok("Dinas Pendidikan"));
        assert!(parse_name("Dinas\nPendidikan").is_err());
        assert!(parse_name("  ").is_err());
    }

    #[test]
    fn screening_desk_is_national_unless_the_instansi_screens_its_own() {
        let mut t = tree();
        assert_eq!(t.screening_desk_for(Some(OrgId(10))), Some(OrgId(1)));
        let mut kutim = t.get(OrgId(10)).cloned().unwrap();
        kutim.screens_own_reports = true;
        let mut all: Vec<_> = t.iter().filter(|&o| o.id != OrgId(10)).cloned().collect();
        all.push(kutim);
        t = OrgTree::new(all);
        assert_eq!(t.screening_desk_for(Some(OrgId(11))), Some(OrgId(10)));
        assert_eq!(t.screening_desk_for(Some(OrgId(20))), Some(OrgId(1)));
        assert_eq!(t.screening_desk_for(None), Some(OrgId(1)));
    }
}
