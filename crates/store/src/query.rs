//! Listing and searching reports: filters, scopes and keyset pagination.

use aduan_domain::ids::{CategoryId, OrgId, ReportId};
use aduan_domain::region::RegionCode;
use aduan_domain::report::{Channel, GeoPoint, Privacy, ReportType};
use aduan_domain::status::Status;
use aduan_domain::time::{Timestamp, Zone};
use aduan_domain::tracking::TrackingNumber;
use serde::{Deserialize, Serialize};

/// Whose view a list is for: decided by the domain's permission rules
/// ([`aduan_domain::permission::report_scope`]); the store only applies it.
pub use aduan_domain::permission::ReportScope as Scope;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Newest submission first.
    #[default]
    Newest,
    /// Oldest submission first.
    Oldest,
    /// Earliest running staff deadline first (a work queue); reports without one last.
    Deadline,
}

/// Filters combine with AND; an empty list means "any".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFilter {
    pub scope: Scope,
    pub statuses: Vec<Status>,
    /// Already expanded to include sub-categories where the caller wants that.
    pub categories: Vec<CategoryId>,
    /// Reports located in this region or inside it.
    pub region: Option<RegionCode>,
    pub instansi: Option<OrgId>,
    /// Reports currently with this unit.
    pub unit: Option<OrgId>,
    pub channel: Option<Channel>,
    pub submitted_from: Option<Timestamp>,
    pub submitted_before: Option<Timestamp>,
    /// Last changed at or after this instant (Open311's `updated_after`/`updated_before`).
    pub updated_from: Option<Timestamp>,
    /// Last changed before this instant (exclusive).
    pub updated_before: Option<Timestamp>,
    /// Only reports with a staff deadline marked overdue and still running.
    pub overdue: bool,
    /// Only reports flagged for the Ombudsman.
    pub ombudsman_flagged: bool,
    /// Only reports with a map point.
    pub located: bool,
    /// Leave confidential reports out whoever asks (Open311 never shows one).
    pub exclude_confidential: bool,
    /// Full-text search over title and description. Results of a search come most
    /// recently filed first (by id), whatever `order` says.
    pub text: Option<String>,
    pub order: SortOrder,
}

impl ReportFilter {
    pub fn new(scope: Scope) -> Self {
        ReportFilter {
            scope,
            statuses: Vec::new(),
            categories: Vec::new(),
            region: None,
            instansi: None,
            unit: None,
            channel: None,
            submitted_from: None,
            submitted_before: None,
            updated_from: None,
            updated_before: None,
            overdue: false,
            ombudsman_flagged: false,
            located: false,
            exclude_confidential: false,
            text: None,
            order: SortOrder::Newest,
        }
    }

    /// The statuses the list may show: those asked for (all when none), and for the
    /// public only verified ones — the domain's rule of what is public.
    pub fn shown_statuses(&self) -> Vec<Status> {
        let public = matches!(self.scope, Scope::Public);
        Status::ALL
            .into_iter()
            .filter(|s| self.statuses.is_empty() || self.statuses.contains(s))
            .filter(|s| !public || s.is_verified())
            .collect()
    }

    /// The search text, trimmed, or `None` when there is nothing to search for.
    pub fn search_text(&self) -> Option<&str> {
        self.text.as_deref().map(str::trim).filter(|t| !t.is_empty())
    }
}

/// A position in a list: the last entry the previous page read (a row of it, or, when the
/// page came back short because it read as much as one page may, the last entry read).
/// Searches page by `id` alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The sort key's time: the submission, or in [`SortOrder::Deadline`] the deadline.
    pub at: Timestamp,
    pub id: ReportId,
}

/// Where a list without a running deadline sorts in [`SortOrder::Deadline`]: the end of
/// year 9999, later than any deadline.
pub const NO_DEADLINE_MICROS: i64 = 253_402_300_799_000_000;

/// [`NO_DEADLINE_MICROS`] as a time: what a store writes for a report with no running
/// queue deadline, so that its deadline order needs no special case.
pub fn no_deadline() -> Timestamp {
    chrono::DateTime::from_timestamp_micros(NO_DEADLINE_MICROS).unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC)
}

impl Cursor {
    /// The cursor for the page after this row, in this order.
    pub fn after(order: SortOrder, row: &ReportSummary) -> Cursor {
        let at = match (order, row.due) {
            (SortOrder::Deadline, Some((due, _))) => due,
            (SortOrder::Deadline, None) => no_deadline(),
            _ => row.submitted_at,
        };
        Cursor { at, id: row.id }
    }

    /// An opaque token for URLs: `<micros>.<id>`.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.at.timestamp_micros(), self.id.0)
    }

    pub fn decode(s: &str) -> Option<Cursor> {
        let (t, id) = s.split_once('.')?;
        let at = chrono::DateTime::from_timestamp_micros(t.parse().ok()?)?;
        Some(Cursor { at, id: ReportId(id.parse().ok()?) })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageRequest {
    pub limit: u32,
    pub after: Option<Cursor>,
    /// Matching rows passed over before the page (Open311's numbered pages); at most
    /// [`PageRequest::MAX_SKIP`].
    pub skip: u32,
}

impl PageRequest {
    /// Most rows of a page (Open311's pages may hold up to [`PageRequest::MAX_WIDE_LIMIT`]).
    pub const MAX_LIMIT: u32 = 200;
    /// Most rows of one of Open311's pages.
    pub const MAX_WIDE_LIMIT: u32 = 1_000;
    /// Most rows a numbered page may pass over: deeper, a client narrows the dates or
    /// follows the cursor.
    pub const MAX_SKIP: u32 = 10_000;

    pub fn first(limit: u32) -> Self {
        PageRequest { limit: limit.clamp(1, Self::MAX_LIMIT), after: None, skip: 0 }
    }

    /// A page after `after` (`None`: the first).
    pub fn after(limit: u32, after: Option<Cursor>) -> Self {
        PageRequest { after, ..Self::first(limit) }
    }

    /// Open311's numbered page: `size` rows (up to [`PageRequest::MAX_WIDE_LIMIT`]) after
    /// passing over `skip` (up to [`PageRequest::MAX_SKIP`]).
    pub fn numbered(size: u32, skip: u32) -> Self {
        PageRequest { limit: size.clamp(1, Self::MAX_WIDE_LIMIT), after: None, skip: skip.min(Self::MAX_SKIP) }
    }

    pub fn limit(&self) -> u32 {
        self.limit.clamp(1, Self::MAX_WIDE_LIMIT)
    }

    pub fn skip(&self) -> u32 {
        self.skip.min(Self::MAX_SKIP)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The rows; fewer than asked for when the page read as many index entries as one page
    /// may ([`crate::plan::SCAN_LIMIT`]) before finding them all — then `next` goes on.
    pub items: Vec<T>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<Cursor>,
}

impl<T> Page<T> {
    /// The count of the whole list, without counting, when this is its first page and no
    /// page follows: then it holds every row.
    pub fn whole_count(&self, first: bool) -> Option<Count> {
        (first && self.next.is_none()).then_some(Count::Exact(self.items.len() as u64))
    }
}

/// How many reports a filter matches, counted with bounded work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Exact(u64),
    /// At least this many; counting stopped there.
    AtLeast(u64),
}

impl Count {
    /// The number counted (a lower bound when not exact).
    pub fn value(self) -> u64 {
        match self {
            Count::Exact(n) | Count::AtLeast(n) => n,
        }
    }

    pub fn is_exact(self) -> bool {
        matches!(self, Count::Exact(_))
    }
}

/// How far a count shown to people goes: "1.000+" beyond it.
pub const SHOWN_COUNT_LIMIT: u64 = 1_000;

/// A row of a report list: enough to show and filter, no personal data.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSummary {
    pub id: ReportId,
    pub tracking: TrackingNumber,
    pub kind: ReportType,
    pub title: String,
    pub status: Status,
    pub category: Option<CategoryId>,
    pub region: Option<RegionCode>,
    pub instansi: Option<OrgId>,
    pub channel: Channel,
    pub privacy: Privacy,
    pub support_count: i64,
    pub submitted_at: Timestamp,
    pub updated_at: Timestamp,
    pub overdue: bool,
    pub ombudsman_flagged: bool,
    /// Where it happened, when the reporter placed a pin.
    pub point: Option<GeoPoint>,
    /// The earliest running staff deadline (verification or follow-up), in the time
    /// zone of the organisation holding it.
    pub due: Option<(Timestamp, Zone)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_first_page_without_a_next_one_is_its_own_count() {
        let last = Page { items: vec![1, 2, 3], next: None };
        assert_eq!(last.whole_count(true), Some(Count::Exact(3)));
        assert_eq!(last.whole_count(false), None, "a later page holds only the rest");
        let first =
            Page { items: vec![1, 2], next: Some(Cursor { at: chrono::DateTime::UNIX_EPOCH, id: ReportId(2) }) };
        assert_eq!(first.whole_count(true), None);
    }
}
