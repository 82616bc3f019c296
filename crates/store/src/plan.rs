//! How a list is read with bounded work, on either backend.
//!
//! A list is read from one *path*: a union of ordered index runs ([`Branch`]) that holds
//! every report the filter can match, in the list's order. The filter itself is applied to
//! each report read, so a path only has to be a superset. Of the paths a filter allows, the
//! one with the fewest entries is taken — each is counted, only up to [`SCAN_LIMIT`], in one
//! statement — and a page reads at most [`SCAN_LIMIT`] entries of it. When those hold fewer
//! matches than the page asks for (a rare combination of filters that each match many
//! reports), the page comes back short with a cursor at the last entry read: the next page
//! goes on from there. No request reads more than a fixed number of entries, whatever it
//! asks for; the common filters find a path short enough to be read whole.

use crate::error::StoreResult;
use crate::query::{Cursor, ReportFilter, Scope, SortOrder};
use aduan_domain::ids::{CategoryId, OrgId, PersonId};
use aduan_domain::region::RegionLevel;
use aduan_domain::status::Status;
use async_trait::async_trait;

/// Index entries one page, or one count, reads at most.
pub const SCAN_LIMIT: u32 = 2_000;

/// How far each branch is counted when choosing a path: enough to tell a short run from a
/// long one, little enough that choosing costs next to nothing.
pub const PLAN_CAP: u32 = 500;

/// An ordered run of index entries: the reports sharing these key values, in the list's
/// order (submission time, or in [`SortOrder::Deadline`] the queue deadline), then id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Branch {
    /// Reports in an organisation's lists ([`aduan_domain::org::OrgTree::reach`]) with one status.
    Reach(OrgId, Status),
    ProvinceStatus(String, Status),
    RegencyStatus(String, Status),
    Province(String),
    Regency(String),
    Status(Status),
    /// Reports of one status that are not confidential (public lists).
    Public(Status),
    Category(CategoryId),
    Instansi(OrgId),
    Reporter(PersonId),
    /// Reports with a map point.
    Located,
    /// Reports with a staff deadline marked overdue (deadline order only).
    Overdue,
    All,
}

impl Branch {
    /// Whether the branch's index is in queue-deadline order (the others are in
    /// submission order).
    pub fn has_deadline_order(&self) -> bool {
        matches!(self, Branch::Reach(..) | Branch::Status(_) | Branch::Overdue)
    }
}

#[cfg(feature = "sqlx")]
impl Branch {
    /// The condition selecting the branch's run in [`Branch::table`], the same SQL on both
    /// backends.
    pub fn push_condition<DB>(&self, q: &mut sqlx::QueryBuilder<DB>)
    where
        DB: sqlx::Database,
        for<'t> i64: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
        for<'t> String: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    {
        let status = |q: &mut sqlx::QueryBuilder<DB>, s: &Status| {
            q.push(" AND status = ").push_bind(s.as_str().to_string());
        };
        match self {
            Branch::Reach(org, s) => {
                q.push("org_id = ").push_bind(org.0);
                status(q, s);
            }
            Branch::ProvinceStatus(code, s) => {
                q.push("province_code = ").push_bind(code.clone());
                status(q, s);
            }
            Branch::RegencyStatus(code, s) => {
                q.push("regency_code = ").push_bind(code.clone());
                status(q, s);
            }
            Branch::Province(code) => {
                q.push("province_code = ").push_bind(code.clone());
            }
            Branch::Regency(code) => {
                q.push("regency_code = ").push_bind(code.clone());
            }
            Branch::Status(s) => {
                q.push("status = ").push_bind(s.as_str().to_string());
            }
            Branch::Public(s) => {
                // The partial index's own condition, so that the index is used.
                q.push("status = ").push_bind(s.as_str().to_string()).push(" AND NOT confidential");
            }
            Branch::Category(c) => {
                q.push("category_id = ").push_bind(c.0);
            }
            Branch::Instansi(i) => {
                q.push("instansi_id = ").push_bind(i.0);
            }
            Branch::Reporter(p) => {
                q.push("reporter_person_id = ").push_bind(p.0);
            }
            Branch::Located => {
                q.push("lat IS NOT NULL AND lon IS NOT NULL");
            }
            Branch::Overdue => {
                q.push("marked_overdue");
            }
            Branch::All => {
                q.push("1 = 1");
            }
        }
    }

    /// Whether the branch's index carries [`INDEX_COLUMNS`]: then the filters on them are
    /// checked on the index entries, before any report is read.
    pub fn covers_filters(&self) -> bool {
        !matches!(self, Branch::Reach(..))
    }

    /// The table the branch's run is in.
    pub fn table(&self) -> &'static str {
        if matches!(self, Branch::Reach(..)) { "report_reach" } else { "reports" }
    }

    /// The report id's column in [`Branch::table`].
    pub fn id_column(&self) -> &'static str {
        if matches!(self, Branch::Reach(..)) { "report_id" } else { "id" }
    }
}

/// A way to read a list: the union of its branches.
pub type Path = Vec<Branch>;

/// The columns every index of the reports a list is read from carries beyond its key
/// (see [`Branch::covers_filters`]), selected by a driver under these names.
pub const INDEX_COLUMNS: &str = "status, confidential, category_id, instansi_id, region_code";

/// The filter's conditions on [`INDEX_COLUMNS`], on the table or driver `alias`: status,
/// confidentiality, category, region (codes have fixed widths, so everything inside
/// 64.08 sorts between "64.08" and "64.08/"), instansi.
#[cfg(feature = "sqlx")]
pub fn push_index_filter<DB>(q: &mut sqlx::QueryBuilder<DB>, f: &ReportFilter, alias: &str)
where
    DB: sqlx::Database,
    for<'t> i64: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    for<'t> String: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    let shown = f.shown_statuses();
    if shown.len() < Status::ALL.len() {
        q.push(format!(" AND {alias}.status IN ("));
        let mut list = q.separated(", ");
        for s in shown {
            list.push_bind(s.as_str().to_string());
        }
        q.push(")");
    }
    if matches!(f.scope, Scope::Public) || f.exclude_confidential {
        q.push(format!(" AND NOT {alias}.confidential"));
    }
    if !f.categories.is_empty() {
        q.push(format!(" AND {alias}.category_id IN ("));
        let mut list = q.separated(", ");
        for c in &f.categories {
            list.push_bind(c.0);
        }
        q.push(")");
    }
    if let Some(region) = &f.region {
        q.push(format!(" AND {alias}.region_code >= ")).push_bind(region.as_str().to_string());
        q.push(format!(" AND {alias}.region_code < ")).push_bind(format!("{}/", region.as_str()));
    }
    if let Some(i) = f.instansi {
        q.push(format!(" AND {alias}.instansi_id = ")).push_bind(i.0);
    }
}

/// The paths that can read `f`'s list, most specific first; never empty.
pub fn paths(f: &ReportFilter) -> Vec<Path> {
    let shown = f.shown_statuses();
    let some_statuses = shown.len() < Status::ALL.len();
    let by_deadline = f.order == SortOrder::Deadline;
    let mut out: Vec<Path> = Vec::new();
    match &f.scope {
        Scope::Reporter(p) => out.push(vec![Branch::Reporter(*p)]),
        Scope::Within(o) => out.push(shown.iter().map(|s| Branch::Reach(*o, *s)).collect()),
        Scope::All | Scope::Public => {}
    }
    if f.overdue {
        out.push(vec![Branch::Overdue]);
    }
    if let Some(region) = &f.region {
        let (province, regency) = (region.level() == RegionLevel::Province, region.at_level(RegionLevel::Regency));
        let code = if province { region.as_str().to_string() } else { regency.as_str().to_string() };
        if some_statuses {
            out.push(
                shown
                    .iter()
                    .map(|s| {
                        if province {
                            Branch::ProvinceStatus(code.clone(), *s)
                        } else {
                            Branch::RegencyStatus(code.clone(), *s)
                        }
                    })
                    .collect(),
            );
        }
        out.push(vec![if province { Branch::Province(code) } else { Branch::Regency(code) }]);
    }
    if !f.categories.is_empty() {
        out.push(f.categories.iter().map(|c| Branch::Category(*c)).collect());
    }
    if let Some(i) = f.instansi {
        out.push(vec![Branch::Instansi(i)]);
    }
    if f.located {
        out.push(vec![Branch::Located]);
    }
    if matches!(f.scope, Scope::Public) {
        out.push(shown.iter().map(|s| Branch::Public(*s)).collect());
    } else if some_statuses {
        out.push(shown.iter().map(|s| Branch::Status(*s)).collect());
    }
    out.push(vec![Branch::All]);
    if by_deadline {
        out.retain(|p| p.iter().all(Branch::has_deadline_order));
        if out.is_empty() {
            out.push(Status::ALL.iter().map(|s| Branch::Status(*s)).collect());
        }
    }
    out
}

/// Whether the reports of `path` are exactly the filter's: then counting them, or passing
/// over some, needs their index entries alone and not the reports.
pub fn implied(f: &ReportFilter, path: &Path) -> bool {
    let all = |test: &dyn Fn(&Branch) -> bool| path.iter().all(test);
    let shown = f.shown_statuses();
    let status_of = |b: &Branch| match b {
        Branch::Reach(_, s)
        | Branch::ProvinceStatus(_, s)
        | Branch::RegencyStatus(_, s)
        | Branch::Status(s)
        | Branch::Public(s) => Some(*s),
        _ => None,
    };
    let scope = match &f.scope {
        Scope::All => true,
        Scope::Public => all(&|b| matches!(b, Branch::Public(_))),
        Scope::Within(o) => all(&|b| matches!(b, Branch::Reach(x, _) if x == o)),
        Scope::Reporter(p) => all(&|b| matches!(b, Branch::Reporter(x) if x == p)),
    };
    let statuses = shown.len() == Status::ALL.len() || all(&|b| status_of(b).is_some_and(|s| shown.contains(&s)));
    let categories = f.categories.is_empty() || all(&|b| matches!(b, Branch::Category(c) if f.categories.contains(c)));
    let region = match &f.region {
        None => true,
        Some(r) if r.level() == RegionLevel::Province => {
            all(&|b| matches!(b, Branch::Province(c) | Branch::ProvinceStatus(c, _) if c.as_str() == r.as_str()))
        }
        Some(r) if r.level() == RegionLevel::Regency => {
            all(&|b| matches!(b, Branch::Regency(c) | Branch::RegencyStatus(c, _) if c.as_str() == r.as_str()))
        }
        Some(_) => false,
    };
    let instansi = f.instansi.is_none_or(|i| all(&|b| *b == Branch::Instansi(i)));
    let overdue = !f.overdue || all(&|b| *b == Branch::Overdue);
    let located = !f.located || all(&|b| *b == Branch::Located);
    let confidential = !f.exclude_confidential || all(&|b| matches!(b, Branch::Public(_)));
    let others = f.search_text().is_none()
        && f.unit.is_none()
        && f.channel.is_none()
        && f.updated_from.is_none()
        && f.updated_before.is_none()
        && !f.ombudsman_flagged;
    scope && statuses && categories && region && instansi && overdue && located && confidential && others
}

/// Whether a search's facet tokens ([`crate::search::filter_tokens`]) hold every filter
/// but its words: then the text index's matches are exactly the filter's reports, and
/// counting them, or passing over some, needs the index alone.
pub fn tokens_imply(f: &ReportFilter) -> bool {
    let scope = !matches!(f.scope, Scope::Reporter(_));
    // The public token leaves out confidential reports; without it, nothing does.
    let confidential =
        if matches!(f.scope, Scope::Public) { crate::search::asks_public_token(f) } else { !f.exclude_confidential };
    let region = f.region.as_ref().is_none_or(|r| r.level() <= RegionLevel::District);
    scope
        && confidential
        && region
        && f.unit.is_none()
        && f.submitted_from.is_none()
        && f.submitted_before.is_none()
        && f.updated_from.is_none()
        && f.updated_before.is_none()
        && !f.overdue
        && !f.ombudsman_flagged
        && !f.located
}

/// What a backend counts for the planner.
#[async_trait]
pub trait PathCounter: Sync {
    /// For each path, its entries within the filter's submission dates and after `after`,
    /// each branch counted up to `cap` (so a path's count may stop early).
    async fn count_paths(
        &self,
        f: &ReportFilter,
        paths: &[Path],
        after: Option<Cursor>,
        cap: u32,
    ) -> StoreResult<Vec<u64>>;
}

/// The path with the fewest entries (ties: the more specific), and whether it holds at
/// most `cap` entries (then reading it whole is the complete answer).
pub async fn choose(
    counter: &impl PathCounter,
    f: &ReportFilter,
    after: Option<Cursor>,
    cap: u32,
) -> StoreResult<Path> {
    let mut candidates = paths(f);
    if candidates.len() == 1 {
        return Ok(candidates.remove(0));
    }
    let counts = counter.count_paths(f, &candidates, after, cap).await?;
    // Past the cap paths are alike, whatever their number of branches: the more specific
    // one is taken (it skips less).
    let best = counts.iter().enumerate().min_by_key(|(i, n)| ((**n).min(u64::from(cap)), *i)).map_or(0, |(i, _)| i);
    Ok(candidates.swap_remove(best))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aduan_domain::region::RegionCode;

    #[test]
    fn every_filter_has_a_path_and_deadline_order_only_ordered_ones() {
        let mut f = ReportFilter::new(Scope::Public);
        f.region = RegionCode::parse("64.08.01").ok();
        f.categories = vec![CategoryId(2)];
        let p = paths(&f);
        assert_eq!(p.first().map(Vec::len), Some(4), "one branch per verified status: {p:?}");
        assert_eq!(p.get(1), Some(&vec![Branch::Regency("64.08".into())]));
        assert_eq!(p.last(), Some(&vec![Branch::All]));
        assert!(p.iter().all(|path| !implied(&f, path)), "a village and a category: no index has both");
        let public = ReportFilter::new(Scope::Public);
        let by_status = paths(&public).remove(0);
        assert!(matches!(by_status.first(), Some(Branch::Public(_))));
        assert!(implied(&public, &by_status));
        assert!(!implied(&public, &vec![Branch::All]), "confidential reports are in that index");
        let mut search = ReportFilter::new(Scope::Within(OrgId(10)));
        search.text = Some("jalan".into());
        search.region = RegionCode::parse("64.08.01").ok();
        search.categories = vec![CategoryId(2)];
        assert!(tokens_imply(&search), "scope, district and category are tokens");
        search.region = RegionCode::parse("64.08.01.2001").ok();
        assert!(!tokens_imply(&search), "a village is not a token");
        let mut public_search = ReportFilter::new(Scope::Public);
        public_search.text = Some("jalan".into());
        assert!(tokens_imply(&public_search), "the public token leaves out the confidential");
        public_search.statuses = vec![Status::Responded];
        assert!(!tokens_imply(&public_search), "without it, confidential reports are in the matches");

        let mut queue = ReportFilter::new(Scope::Within(OrgId(10)));
        queue.statuses = vec![Status::Forwarded];
        queue.region = RegionCode::parse("64").ok();
        queue.order = SortOrder::Deadline;
        assert_eq!(
            paths(&queue),
            vec![vec![Branch::Reach(OrgId(10), Status::Forwarded)], vec![Branch::Status(Status::Forwarded)]]
        );
        let mut everything = ReportFilter::new(Scope::All);
        everything.order = SortOrder::Deadline;
        assert!(!implied(&queue, &vec![Branch::Reach(OrgId(10), Status::Forwarded)]), "the province is not in it");
        let tab = ReportFilter { region: None, ..queue.clone() };
        assert!(implied(&tab, &vec![Branch::Reach(OrgId(10), Status::Forwarded)]));
        assert!(!implied(&tab, &vec![Branch::Status(Status::Forwarded)]), "the scope is not in that index");
        assert_eq!(paths(&everything), vec![Status::ALL.iter().map(|s| Branch::Status(*s)).collect::<Vec<_>>()]);
    }
}
