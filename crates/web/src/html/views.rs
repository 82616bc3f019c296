//! What pages show of reports, categories and organisations, in the reader's language.
//! Built from what the service already filtered by access.

use super::format;
use super::lang::Lang;
use aduan_domain::ids::{CategoryId, OrgId};
use aduan_domain::org::OrgKind;
use aduan_domain::region::RegionCode;
use aduan_domain::status::Status;
use aduan_domain::time::Zone;
use aduan_service::Reference;
use aduan_store::ReportSummary;

/// The reader's words for a status, naming who holds the report where it has a holder.
pub fn status_label(lang: Lang, status: Status, holder: Option<&str>) -> String {
    lang.pick(status.label_id(holder), status.label_en(holder))
}

/// A row of a report list: no personal data (a summary has none).
pub struct Row {
    /// Where the row leads: the public page, or the reporter's own view.
    pub href: String,
    pub tracking: String,
    pub title: String,
    pub status: String,
    pub status_code: &'static str,
    pub category: String,
    pub place: String,
    pub date: String,
    pub support_count: i64,
}

impl Row {
    pub fn of(lang: Lang, reference: &Reference, s: &ReportSummary) -> Row {
        let holder = s.instansi.map(|i| reference.orgs.name_of(i).to_string());
        let zone = zone_of(s.region.as_ref());
        Row {
            href: format!("/laporan/{}", s.tracking),
            tracking: s.tracking.to_string(),
            title: s.title.clone(),
            status: status_label(lang, s.status, holder.as_deref()),
            status_code: s.status.as_str(),
            category: category_name(lang, reference, s.category),
            place: s.region.as_ref().map(region_name).unwrap_or_default(),
            date: format::day_of(lang, s.submitted_at, zone),
            support_count: s.support_count,
        }
    }
}

/// The time zone a reader at this place lives in (WIB where unknown).
pub fn zone_of(region: Option<&RegionCode>) -> Zone {
    region.and_then(|r| aduan_reference::regions::regions().zone_of(r)).unwrap_or(Zone::Wib)
}

/// The region's own name with the kabupaten/kota it lies in, e.g. "Sangatta Utara,
/// Kabupaten Kutai Timur" — short enough for a list.
pub fn region_name(code: &RegionCode) -> String {
    let regions = aduan_reference::regions::regions();
    let lineage = code.lineage();
    let names: Vec<String> = lineage.iter().take(2).filter_map(|c| regions.get(c)).map(|r| r.full_name()).collect();
    names.join(", ")
}

pub fn category_name(lang: Lang, reference: &Reference, id: Option<CategoryId>) -> String {
    match id.and_then(|id| reference.categories.get(id)) {
        Some(c) => lang.t(&c.name_id, &c.name_en).to_string(),
        None => String::new(),
    }
}

/// One `<option>` of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>, current: &str) -> Choice {
        let value = value.into();
        let selected = !value.is_empty() && value == current;
        Choice { value, label: label.into(), selected }
    }
}

/// The active categories as a tree: top-level topics with their sub-categories indented.
pub fn category_choices(lang: Lang, reference: &Reference, current: &str) -> Vec<Choice> {
    let cats = &reference.categories;
    let mut tops: Vec<_> = cats.iter().filter(|c| c.active && c.parent.is_none()).collect();
    tops.sort_by(|a, b| lang.t(&a.name_id, &a.name_en).cmp(lang.t(&b.name_id, &b.name_en)));
    let mut out = Vec::new();
    for top in tops {
        out.push(Choice::new(top.code.clone(), lang.t(&top.name_id, &top.name_en), current));
        let mut subs: Vec<_> = cats.iter().filter(|c| c.active && c.parent == Some(top.id)).collect();
        subs.sort_by(|a, b| lang.t(&a.name_id, &a.name_en).cmp(lang.t(&b.name_id, &b.name_en)));
        for sub in subs {
            // A no-break space indents the sub-category inside a plain <select>.
            out.push(Choice::new(
                sub.code.clone(),
                format!("\u{a0}\u{a0}\u{a0}{}", lang.t(&sub.name_id, &sub.name_en)),
                current,
            ));
        }
    }
    out
}

/// The instansi a reader at this place would address: the ministries and agencies, the
/// province's government and the kabupaten/kota's government. Short enough for a phone.
pub fn instansi_choices(reference: &Reference, region: Option<&RegionCode>, current: &str) -> Vec<Choice> {
    let lineage: Vec<RegionCode> = region.map(RegionCode::lineage).unwrap_or_default();
    let mut local = Vec::new();
    let mut central = Vec::new();
    for org in reference.orgs.iter().filter(|o| o.kind == OrgKind::Instansi && o.active) {
        match &org.region {
            Some(r) if lineage.contains(r) => local.push(org),
            Some(_) => {}
            None => central.push(org),
        }
    }
    local.sort_by_key(|o| o.region.as_ref().map(|r| r.as_str().len()));
    central.sort_by(|a, b| a.name.cmp(&b.name));
    let mut choices: Vec<Choice> =
        local.into_iter().chain(central).map(|o| Choice::new(o.code.clone(), o.name.clone(), current)).collect();
    // The current choice stays listed even when it lies elsewhere (a suggestion).
    if !current.is_empty()
        && !choices.iter().any(|c| c.selected)
        && let Some(o) = reference.orgs.by_code(current)
    {
        choices.insert(0, Choice::new(o.code.clone(), o.name.clone(), current));
    }
    choices
}

/// Who holds the report now, in words: its units, else its instansi.
pub fn holder(reference: &Reference, r: &aduan_domain::report::Report) -> Option<String> {
    let units: Vec<String> = r.units.iter().map(|u| org_name(reference, u.unit)).collect();
    match (r.status, units.is_empty()) {
        (Status::InProgress, false) => Some(units.join(", ")),
        _ => r.instansi.map(|i| org_name(reference, i)),
    }
}

/// The name of an organisation by id, for a page.
pub fn org_name(reference: &Reference, id: OrgId) -> String {
    reference.orgs.name_of(id).to_string()
}
