//! What a report's search entry holds besides its words: tokens for the facets lists are
//! filtered by (public or not, status, category, region, instansi, channel, and every
//! organisation whose lists hold it). A search intersects its words with the filter's
//! tokens inside the text index, so a common word within one regency's queue, a public
//! search after a flood of unverified reports containing the same words, or one within a
//! few months of filing dates, reads only the entries that can match. Both backends index and query the same tokens.
//!
//! Every token starts with `_`, which no searched word can contain (words are runs of
//! letters and digits on both backends), so nothing a person types can name a facet.

use crate::query::{ReportFilter, Scope};
use aduan_domain::ids::OrgId;
use aduan_domain::region::{RegionCode, RegionLevel};
use aduan_domain::report::Report;
use aduan_domain::status::Status;
use aduan_domain::time::Timestamp;
use chrono::{Datelike, Duration};
use frostem::{Algorithm, Stemmer};

/// The searchable words of a text, lower-cased and stemmed with the Snowball Indonesian
/// algorithm: a word is a run of letters and digits, so "Jalannya rusak!" gives
/// `jalan`, `rusak`.
pub fn stems(text: &str) -> Vec<String> {
    let stemmer = Stemmer::new(Algorithm::Indonesian);
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| stemmer.stem(&w.to_lowercase()).into_owned())
        .collect()
}

/// The public may see it: verified and not confidential (docs/DOMAIN.md §9).
pub const PUBLIC: &str = "_p";

fn status(s: Status) -> String {
    format!("_s_{}", s.as_str())
}

fn org(o: OrgId) -> String {
    format!("_o_{}", o.0)
}

/// A province, kabupaten/kota or kecamatan: its code without dots.
fn region(code: &RegionCode) -> String {
    format!("_w_{}", code.as_str().replace('.', ""))
}

/// The month (UTC) a report was filed in: `_m_202612`.
fn month(year: i32, month: u32) -> String {
    format!("_m_{year:04}{month:02}")
}

/// The most months a submission-date range is narrowed by in the index; a longer range
/// reads its words' entries and is filtered report by report, as before.
pub const MONTHS_NARROWED: usize = 24;

/// The month tokens of the filing dates `[from, before)`, or `None` when the range is
/// open, empty or longer than [`MONTHS_NARROWED`].
fn months(from: Timestamp, before: Timestamp) -> Option<Vec<String>> {
    if before <= from {
        return None;
    }
    let last = before - Duration::microseconds(1);
    let (mut y, mut m) = (from.year(), from.month());
    let mut out = Vec::new();
    while (y, m) <= (last.year(), last.month()) {
        if out.len() == MONTHS_NARROWED {
            return None;
        }
        out.push(month(y, m));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    Some(out)
}

/// The facet tokens of a report whose lists are `reach` ([`aduan_domain::org::OrgTree::reach`]).
pub fn report_tokens(r: &Report, reach: &[OrgId]) -> Vec<String> {
    let mut out = Vec::with_capacity(8 + reach.len());
    if r.is_public() {
        out.push(PUBLIC.to_string());
    }
    out.push(status(r.status));
    if let Some(c) = r.category {
        out.push(format!("_c_{}", c.0));
    }
    if let Some(code) = &r.location.region {
        for level in [RegionLevel::Province, RegionLevel::Regency, RegionLevel::District] {
            if code.level() >= level {
                out.push(region(&code.at_level(level)));
            }
        }
    }
    if let Some(i) = r.instansi {
        out.push(format!("_i_{}", i.0));
    }
    out.push(format!("_k_{}", r.channel.as_str()));
    out.push(month(r.submitted_at.year(), r.submitted_at.month()));
    out.extend(reach.iter().map(|o| org(*o)));
    out
}

/// Whether a public search asks for [`PUBLIC`]: not when it names verified statuses, which
/// already leave out every unverified report. The public token is in most entries, and
/// the text index reads the whole of a term's entries when the other terms are rare
/// (a common word, one status, one category, one province: 16 against 5 ms at 1,000,000
/// reports); a confidential report is then left out report by report.
pub fn asks_public_token(f: &ReportFilter) -> bool {
    matches!(f.scope, Scope::Public) && !names_statuses(f)
}

/// Whether the filter's statuses are a token group: some, not all, of those its scope shows.
fn names_statuses(f: &ReportFilter) -> bool {
    let shown = f.shown_statuses();
    let implied_by_scope =
        matches!(f.scope, Scope::Public) && shown.iter().all(|s| s.is_verified()) && shown.len() == 4;
    shown.len() < Status::ALL.len() && !implied_by_scope
}

/// The tokens a filter requires: every group must match, each by any of its tokens. Every
/// report the filter matches holds them, so they narrow a search without losing anything;
/// the filter itself is still applied to each report read.
pub fn filter_tokens(f: &ReportFilter) -> Vec<Vec<String>> {
    let mut groups = Vec::new();
    match &f.scope {
        Scope::Public if asks_public_token(f) => groups.push(vec![PUBLIC.to_string()]),
        Scope::Within(o) => groups.push(vec![org(*o)]),
        Scope::Public | Scope::All | Scope::Reporter(_) => {}
    }
    if names_statuses(f) {
        groups.push(f.shown_statuses().into_iter().map(status).collect());
    }
    if !f.categories.is_empty() {
        groups.push(f.categories.iter().map(|c| format!("_c_{}", c.0)).collect());
    }
    if let Some(code) = &f.region {
        let level = code.level().min(RegionLevel::District);
        groups.push(vec![region(&code.at_level(level))]);
    }
    if let Some(i) = f.instansi {
        groups.push(vec![format!("_i_{}", i.0)]);
    }
    if let Some(c) = f.channel {
        groups.push(vec![format!("_k_{}", c.as_str())]);
    }
    if let (Some(from), Some(before)) = (f.submitted_from, f.submitted_before)
        && let Some(months) = months(from, before)
    {
        groups.push(months);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use aduan_domain::ids::CategoryId;
    use aduan_domain::report::Channel;

    #[test]
    fn a_filter_asks_for_tokens_its_reports_hold() {
        let mut f = ReportFilter::new(Scope::Within(OrgId(10)));
        f.statuses = vec![Status::Forwarded, Status::InProgress];
        f.categories = vec![CategoryId(3), CategoryId(4)];
        f.region = RegionCode::parse("64.08.01.2001").ok();
        f.channel = Some(Channel::Web);
        assert_eq!(
            filter_tokens(&f),
            vec![
                vec!["_o_10".to_string()],
                vec!["_s_forwarded".into(), "_s_in_progress".into()],
                vec!["_c_3".into(), "_c_4".into()],
                vec!["_w_640801".into()],
                vec!["_k_web".into()],
            ]
        );
        // The public scope implies the verified statuses: no status group for them.
        let mut public = ReportFilter::new(Scope::Public);
        assert_eq!(filter_tokens(&public), vec![vec![PUBLIC.to_string()]]);
        // Verified statuses named: they leave out the unverified, the public token is not asked.
        public.statuses = vec![Status::Responded];
        assert_eq!(filter_tokens(&public), vec![vec!["_s_responded".to_string()]]);
        assert!(!asks_public_token(&public));
        assert!(filter_tokens(&ReportFilter::new(Scope::All)).is_empty());
    }

    #[test]
    fn a_date_range_asks_for_its_months() {
        let at = |y, m, d| chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, y, m, d, 0, 0, 0).single().expect("date");
        let mut f = ReportFilter::new(Scope::All);
        f.submitted_from = Some(at(2025, 11, 20));
        f.submitted_before = Some(at(2026, 2, 1));
        // The range ends before February: January is its last month.
        assert_eq!(filter_tokens(&f), vec![vec!["_m_202511".to_string(), "_m_202512".into(), "_m_202601".into()]]);
        f.submitted_before = Some(at(2026, 2, 1) + Duration::microseconds(1));
        assert_eq!(filter_tokens(&f)[0].len(), 4);
        // Open, empty or too long: no narrowing (the filter still applies to each report).
        f.submitted_before = None;
        assert!(filter_tokens(&f).is_empty());
        f.submitted_before = f.submitted_from;
        assert!(filter_tokens(&f).is_empty());
        f.submitted_before = Some(at(2027, 11, 1));
        assert_eq!(filter_tokens(&f)[0].len(), MONTHS_NARROWED);
        f.submitted_before = Some(at(2027, 11, 1) + Duration::microseconds(1));
        assert!(filter_tokens(&f).is_empty());
    }
}
