//! The filters of an export and of the open-data feed, named in the query string as on
//! the staff queue (`status`, `kategori`, `wilayah`, plus `instansi`, `dari`, `sampai`).
//! Anything that does not parse is a 400 naming the parameter; nothing is guessed.

use super::invalid;
use crate::html::percent_encode;
use crate::problem::Problem;
use aduan_domain::region::RegionCode;
use aduan_domain::status::Status;
use aduan_domain::time::Zone;
use aduan_service::App;
use aduan_store::{ReportFilter, Scope, SortOrder};
use chrono::NaiveDate;
use serde::Deserialize;

#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct ReportParams {
    /// Comma-separated status codes, e.g. `forwarded,in_progress`.
    #[serde(default)]
    pub status: String,
    /// A category code; its sub-categories are included.
    #[serde(default)]
    pub kategori: String,
    /// A Kemendagri region code: reports in it or below it.
    #[serde(default)]
    pub wilayah: String,
    /// An instansi, by code.
    #[serde(default)]
    pub instansi: String,
    /// Submitted on or after this day (YYYY-MM-DD).
    #[serde(default)]
    pub dari: String,
    /// Submitted on or before this day (YYYY-MM-DD), the whole day included.
    #[serde(default)]
    pub sampai: String,
}

impl ReportParams {
    /// The list filter these parameters ask for. Days are read in `zone`; `allowed` are
    /// the statuses the caller may ask for (the feed: the public ones). The scope is set
    /// by the use case from the actor.
    pub fn filter(&self, app: &App, zone: Zone, allowed: &[Status]) -> Result<ReportFilter, Problem> {
        let reference = app.reference();
        let mut f = ReportFilter::new(Scope::Public);
        f.order = SortOrder::Oldest;
        for code in self.status.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let status = Status::parse(code).filter(|s| allowed.contains(s)).ok_or_else(|| {
                let list = allowed.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
                invalid(
                    "status",
                    format!("{code:?} is not one of {list}"),
                    format!("{code:?} bukan salah satu dari {list}"),
                )
            })?;
            f.statuses.push(status);
        }
        if let Some(code) = present(&self.kategori) {
            let category = reference.categories.by_code(code).ok_or_else(|| {
                invalid("kategori", format!("no category {code:?}"), format!("kategori {code:?} tidak dikenal"))
            })?;
            f.categories = reference.categories.with_descendants(category.id);
        }
        if let Some(code) = present(&self.wilayah) {
            let region = RegionCode::parse(code).ok().filter(|r| aduan_reference::regions::regions().contains(r));
            f.region = Some(region.ok_or_else(|| {
                invalid(
                    "wilayah",
                    format!("{code:?} is not a Kemendagri region code, e.g. 64.08"),
                    format!("{code:?} bukan kode wilayah Kemendagri, contoh 64.08"),
                )
            })?);
        }
        if let Some(code) = present(&self.instansi) {
            let org = reference.orgs.by_code(code).ok_or_else(|| {
                invalid("instansi", format!("no organisation {code:?}"), format!("instansi {code:?} tidak dikenal"))
            })?;
            f.instansi = Some(org.id);
        }
        let from = present(&self.dari).map(|d| day("dari", d)).transpose()?;
        let to = present(&self.sampai).map(|d| day("sampai", d)).transpose()?;
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            return Err(invalid("sampai", "must not be before dari", "tidak boleh sebelum tanggal dari"));
        }
        f.submitted_from = from.map(|d| zone.start_of_day(d));
        f.submitted_before = to.and_then(|d| d.succ_opt()).map(|d| zone.start_of_day(d));
        Ok(f)
    }

    /// The non-empty parameters as a query string, to build the next page's link.
    pub fn query(&self) -> Vec<String> {
        [
            ("status", &self.status),
            ("kategori", &self.kategori),
            ("wilayah", &self.wilayah),
            ("instansi", &self.instansi),
            ("dari", &self.dari),
            ("sampai", &self.sampai),
        ]
        .into_iter()
        .filter_map(|(k, v)| present(v).map(|v| format!("{k}={}", percent_encode(v))))
        .collect()
    }
}

fn present(v: &str) -> Option<&str> {
    Some(v.trim()).filter(|v| !v.is_empty())
}

fn day(field: &str, value: &str) -> Result<NaiveDate, Problem> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
        invalid(
            field,
            format!("{value:?} is not a date like 2026-03-30"),
            format!("{value:?} bukan tanggal seperti 2026-03-30"),
        )
    })
}
