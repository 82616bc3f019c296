//! Exports and open data (issue 7): tables of reports and of the measures for staff, and
//! the public feed of reports without personal data.
//!
//! What a row may show is decided by the same code as every page: the list's scope by
//! [`App::list_reports`] (the domain's `report_scope`), each report's contents by the
//! domain's `access` and `redact_report` (docs/DOMAIN.md §9). This module only lays out what
//! is left as columns, so a CSV and an XLSX of the same request hold the same cells.

use crate::app::{App, Reference};
use crate::error::{AppError, AppResult};
use aduan_domain::ids::OrgId;
use aduan_domain::measures::{Breakdown, Figures, Period, predicate};
use aduan_domain::org::OrgKind;
use aduan_domain::permission::{Access, Actor, Permission, access, require_permission};
use aduan_domain::privacy::{redact_report, reporter_display_name};
use aduan_domain::report::Report;
use aduan_domain::time::{Timestamp, Zone};
use aduan_store::{Page, PageRequest, ReportFilter, ReportSummary};
use serde::Serialize;

/// The most reports one export holds. A larger request is refused (narrow the filters)
/// rather than cut short: a silently truncated spreadsheet reads as complete.
pub const MAX_EXPORT_ROWS: u64 = 100_000;

/// A column's header, in Bahasa Indonesia and in English (docs/UX.md: Indonesian first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub id: String,
    pub en: String,
}

impl Column {
    fn new(id: impl Into<String>, en: impl Into<String>) -> Column {
        Column { id: id.into(), en: en.into() }
    }
}

/// One cell. Numbers stay numbers so a spreadsheet can sum them.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    /// A share between 0 and 1 (a spreadsheet shows it as a percentage).
    Ratio(f64),
    Num(f64),
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() { Cell::Empty } else { Cell::Text(s) }
    }

    fn opt_text(s: Option<impl Into<String>>) -> Cell {
        s.map_or(Cell::Empty, Cell::text)
    }

    fn ratio(v: Option<f64>) -> Cell {
        v.map_or(Cell::Empty, Cell::Ratio)
    }

    fn num(v: Option<f64>) -> Cell {
        v.map_or(Cell::Empty, Cell::Num)
    }

    fn days(v: Option<u32>) -> Cell {
        v.map_or(Cell::Empty, |d| Cell::Int(i64::from(d)))
    }
}

/// A table ready to be written as CSV or XLSX.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

/// A public report as the open-data feed publishes it: what its public page shows, less
/// the reporter's chosen public name and the attachments — no personal data. Times are
/// UTC, RFC 3339 to the second.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenReport {
    pub tracking: String,
    /// `pengaduan`, `aspirasi` or `permintaan_informasi`.
    pub kind: String,
    pub title: String,
    pub description: String,
    /// `forwarded`, `in_progress`, `responded` or `closed`.
    pub status: String,
    pub status_label_id: String,
    pub status_label_en: String,
    pub category: Option<String>,
    pub category_name_id: Option<String>,
    pub category_name_en: Option<String>,
    /// Kemendagri region code.
    pub region: Option<String>,
    pub region_name: Option<String>,
    /// The instansi handling it, by code.
    pub instansi: Option<String>,
    pub instansi_name: Option<String>,
    pub submitted_at: String,
    pub verified_at: Option<String>,
    pub closed_at: Option<String>,
    pub support_count: i64,
    pub lat: Option<f64>,
    pub long: Option<f64>,
}

impl OpenReport {
    /// The field names: the JSON keys, and the CSV's columns in this order.
    pub const FIELDS: [&'static str; 20] = [
        "tracking",
        "kind",
        "title",
        "description",
        "status",
        "status_label_id",
        "status_label_en",
        "category",
        "category_name_id",
        "category_name_en",
        "region",
        "region_name",
        "instansi",
        "instansi_name",
        "submitted_at",
        "verified_at",
        "closed_at",
        "support_count",
        "lat",
        "long",
    ];

    /// The CSV row, in [`OpenReport::FIELDS`] order.
    pub fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::text(&self.tracking),
            Cell::text(&self.kind),
            Cell::text(&self.title),
            Cell::text(&self.description),
            Cell::text(&self.status),
            Cell::text(&self.status_label_id),
            Cell::text(&self.status_label_en),
            Cell::opt_text(self.category.as_deref()),
            Cell::opt_text(self.category_name_id.as_deref()),
            Cell::opt_text(self.category_name_en.as_deref()),
            Cell::opt_text(self.region.as_deref()),
            Cell::opt_text(self.region_name.as_deref()),
            Cell::opt_text(self.instansi.as_deref()),
            Cell::opt_text(self.instansi_name.as_deref()),
            Cell::text(&self.submitted_at),
            Cell::opt_text(self.verified_at.as_deref()),
            Cell::opt_text(self.closed_at.as_deref()),
            Cell::Int(self.support_count),
            Cell::num(self.lat),
            Cell::num(self.long),
        ]
    }

    fn of(reference: &Reference, r: &Report) -> OpenReport {
        let category = r.category.and_then(|c| reference.categories.get(c));
        let instansi = r.instansi.and_then(|o| reference.orgs.get(o));
        let regions = aduan_reference::regions::regions();
        OpenReport {
            tracking: r.tracking.to_string(),
            kind: r.kind.as_str().into(),
            title: r.title.as_str().into(),
            description: r.description.as_str().into(),
            status: r.status.as_str().into(),
            status_label_id: r.status.label_id(None),
            status_label_en: r.status.label_en(None),
            category: category.map(|c| c.code.clone()),
            category_name_id: category.map(|c| c.name_id.clone()),
            category_name_en: category.map(|c| c.name_en.clone()),
            region: r.location.region.as_ref().map(|c| c.to_string()),
            region_name: r.location.region.as_ref().map(|c| regions.describe(c)).filter(|n| !n.is_empty()),
            instansi: instansi.map(|o| o.code.clone()),
            instansi_name: instansi.map(|o| o.name.clone()),
            submitted_at: utc(r.submitted_at),
            verified_at: r.verified_at.map(utc),
            closed_at: r.closed_at.map(utc),
            support_count: r.support_count,
            lat: r.location.point.map(|p| p.lat),
            long: r.location.point.map(|p| p.lon),
        }
    }
}

fn utc(at: Timestamp) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn too_many(n: u64) -> AppError {
    AppError::TooLarge(format!(
        "the export would hold {n} reports, more than {MAX_EXPORT_ROWS}; narrow the filters (dates, status, category, region)"
    ))
}

impl App {
    /// The reports the actor may see that match `filter`, one row each, as the actor may
    /// see them. Needs the export permission; refused with [`AppError::TooLarge`] beyond
    /// [`MAX_EXPORT_ROWS`].
    pub async fn export_reports(&self, actor: &Actor, filter: ReportFilter) -> AppResult<Table> {
        require_permission(actor, Permission::Export)?;
        let total = self.count_reports(actor, filter.clone(), MAX_EXPORT_ROWS + 1).await?;
        if total.value() > MAX_EXPORT_ROWS {
            return Err(too_many(total.value()));
        }
        let reference = self.reference();
        // One zone for the whole sheet, so that its times sort: the actor's own.
        let zone = actor.staff().map_or(Zone::Wib, |s| reference.orgs.zone_of(s.org));
        let mut rows = Vec::new();
        let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
        loop {
            let found = self.list_reports(actor, filter.clone(), &page).await?;
            // Summaries carry no personal data; the identity columns need the reports (a
            // page of them in one read), shown through the same redaction as the staff
            // report page.
            let ids: Vec<_> = found.items.iter().map(|s| s.id).collect();
            let reports = self.store().reports(&ids).await?;
            for (summary, report) in
                found.items.iter().filter_map(|s| reports.iter().find(|r| r.id == s.id).map(|r| (s, r)))
            {
                let level = access(actor, report, &reference.orgs);
                let Some(shown) = redact_report(report, level) else { continue };
                let name = reporter_display_name(report, level);
                rows.push(report_row(&reference, &shown, level, &name, summary, zone));
            }
            // Reports filed while walking could push it over: still refuse, never cut.
            if rows.len() as u64 > MAX_EXPORT_ROWS {
                return Err(too_many(rows.len() as u64));
            }
            match found.next {
                Some(next) => page.after = Some(next),
                None => break,
            }
        }
        Ok(Table { columns: report_columns(zone), rows })
    }

    /// The measures of docs/DOMAIN.md §8 of an organisation (`None`: the nation) from `from`
    /// to `to`: one row per month, the period's total, then the period by category,
    /// channel, region and unit (the nation: by instansi too, each with its predicate). The figures are [`App::dashboard`]'s, with its checks
    /// of role and scope, plus the export permission.
    pub async fn export_measures(
        &self,
        actor: &Actor,
        org: Option<OrgId>,
        from: Period,
        to: Period,
    ) -> AppResult<Table> {
        require_permission(actor, Permission::Export)?;
        let dashboard = self.dashboard(actor, org, from, to).await?;
        let reference = self.reference();
        let graded = org.and_then(|o| reference.orgs.get(o)).is_some_and(|o| o.kind == OrgKind::Instansi);
        let thresholds = self.thresholds();
        let mut rows = Vec::new();
        // The dashboard's trend reaches back a year for its chart; the sheet keeps to the
        // period asked for, so its months add up to its total.
        for (month, figures) in dashboard.trend.iter().filter(|(m, _)| (from..=to).contains(m)) {
            rows.push(measure_row(month.to_string(), "Bulan", String::new(), figures, None));
        }
        let period = format!("{from}/{to}");
        // The predicate grades an instansi (§8); empty with too few verified reports.
        let grade = graded.then(|| predicate(&dashboard.figures, &thresholds).map_or("", |p| p.label_id()));
        rows.push(measure_row(period.clone(), "Periode", String::new(), &dashboard.figures, grade));
        let parts = [&dashboard.by_category, &dashboard.by_channel, &dashboard.by_region, &dashboard.by_unit];
        for part in parts.into_iter().flatten() {
            let (kind, value) = breakdown_words(&reference, &part.breakdown);
            rows.push(measure_row(period.clone(), kind, value, &part.figures, None));
        }
        // The nation's: each instansi (graded) and each screening desk's unrouted reports.
        for part in &dashboard.by_instansi {
            let is_instansi = reference.orgs.get(part.org).is_some_and(|o| o.kind == OrgKind::Instansi);
            let grade = is_instansi.then(|| predicate(&part.figures, &thresholds).map_or("", |p| p.label_id()));
            let name = reference.orgs.name_of(part.org).to_string();
            rows.push(measure_row(period.clone(), "Instansi", name, &part.figures, grade));
        }
        let mut columns = vec![
            Column::new("Periode", "Period"),
            Column::new("Rincian", "Breakdown"),
            Column::new("Nilai rincian", "Breakdown value"),
        ];
        columns.extend(MEASURES.iter().map(|(id, en, _)| Column::new(*id, *en)));
        columns.push(Column::new("Predikat", "Predicate"));
        Ok(Table { columns, rows })
    }

    /// One page of the open-data feed: public reports (verified, not confidential, as
    /// the public list shows them) without personal data.
    pub async fn open_data(&self, filter: ReportFilter, page: &PageRequest) -> AppResult<Page<OpenReport>> {
        let found = self.list_reports(&Actor::Public, filter, page).await?;
        let reference = self.reference();
        let ids: Vec<_> = found.items.iter().map(|s| s.id).collect();
        let mut items = Vec::with_capacity(found.items.len());
        for report in self.store().reports(&ids).await? {
            // The list is the public scope already; this is the public page's own check.
            if access(&Actor::Public, &report, &reference.orgs) != Access::Public {
                continue;
            }
            let Some(shown) = redact_report(&report, Access::Public) else { continue };
            items.push(OpenReport::of(&reference, &shown));
        }
        Ok(Page { items, next: found.next })
    }
}

fn report_columns(zone: Zone) -> Vec<Column> {
    let z = zone.abbreviation();
    vec![
        Column::new("Nomor laporan", "Tracking number"),
        Column::new("Jenis", "Type"),
        Column::new("Judul", "Title"),
        Column::new("Uraian", "Description"),
        Column::new("Kode status", "Status code"),
        Column::new("Status", "Status"),
        Column::new("Kategori", "Category"),
        Column::new("Kanal", "Channel"),
        Column::new("Kode wilayah", "Region code"),
        Column::new("Wilayah", "Region"),
        Column::new("Alamat", "Address"),
        Column::new("Lintang", "Latitude"),
        Column::new("Bujur", "Longitude"),
        Column::new("Instansi", "Agency"),
        Column::new("Unit", "Units"),
        Column::new("Anonim", "Anonymous"),
        Column::new("Rahasia", "Confidential"),
        Column::new("Pelapor", "Reporter"),
        Column::new("E-mail pelapor", "Reporter e-mail"),
        Column::new("Telepon pelapor", "Reporter phone"),
        Column::new(format!("Masuk ({z})"), format!("Submitted ({z})")),
        Column::new(format!("Diverifikasi ({z})"), format!("Verified ({z})")),
        Column::new(format!("Jawaban pertama ({z})"), format!("First answer ({z})")),
        Column::new(format!("Selesai ({z})"), format!("Closed ({z})")),
        Column::new("Terlambat", "Overdue"),
        Column::new("Eskalasi Ombudsman", "Flagged for the Ombudsman"),
        Column::new("Dukungan", "Supporters"),
        Column::new("Penilaian", "Rating"),
    ]
}

/// A report's row. `shown` is already redacted for `level`: where the actor may not know
/// the reporter, their contact details are gone and `name` is "Pelapor". NIK is left out
/// of every export (a spreadsheet travels further than a page); internal notes and the
/// timeline are never part of one.
fn report_row(
    reference: &Reference,
    shown: &Report,
    level: Access,
    name: &str,
    summary: &ReportSummary,
    zone: Zone,
) -> Vec<Cell> {
    let local = |at: Option<Timestamp>| Cell::opt_text(at.map(|t| zone.local(t).format("%Y-%m-%d %H:%M").to_string()));
    let yes_no = |b: bool| Cell::text(if b { "ya" } else { "tidak" });
    let org = |id| reference.orgs.name_of(id).to_string();
    let units: Vec<String> = shown.units.iter().map(|u| org(u.unit)).collect();
    let identity = level.sees_identity();
    let regions = aduan_reference::regions::regions();
    vec![
        Cell::text(shown.tracking.to_string()),
        Cell::text(shown.kind.label_id()),
        Cell::text(shown.title.as_str()),
        Cell::text(shown.description.as_str()),
        Cell::text(shown.status.as_str()),
        Cell::text(shown.status.label_id(None)),
        Cell::opt_text(shown.category.and_then(|c| reference.categories.get(c)).map(|c| c.name_id.clone())),
        Cell::text(shown.channel.as_str()),
        Cell::opt_text(shown.location.region.as_ref().map(|c| c.to_string())),
        Cell::opt_text(shown.location.region.as_ref().map(|c| regions.describe(c))),
        Cell::opt_text(shown.location.address.clone()),
        Cell::num(shown.location.point.map(|p| p.lat)),
        Cell::num(shown.location.point.map(|p| p.lon)),
        Cell::opt_text(shown.instansi.map(org)),
        Cell::text(units.join("; ")),
        yes_no(shown.privacy.anonymous),
        yes_no(shown.privacy.confidential),
        Cell::text(name),
        Cell::opt_text(shown.reporter.email.as_ref().filter(|_| identity).map(|e| e.as_str().to_string())),
        Cell::opt_text(shown.reporter.phone.as_ref().filter(|_| identity).map(|p| p.as_str().to_string())),
        local(Some(shown.submitted_at)),
        local(shown.verified_at),
        local(shown.first_answer_at),
        local(shown.closed_at),
        yes_no(summary.overdue),
        yes_no(shown.ombudsman_flagged_at.is_some() || summary.ombudsman_flagged),
        Cell::Int(shown.support_count),
        shown.rating.as_ref().map_or(Cell::Empty, |r| Cell::Int(i64::from(r.stars))),
    ]
}

/// A measure column: its headers and how to read it from the figures.
type Measure = (&'static str, &'static str, fn(&Figures) -> Cell);

/// The measures of docs/DOMAIN.md §8, in the order of the sheet. Rates and shares are
/// fractions (0–1), durations whole working days.
const MEASURES: [Measure; 30] = [
    ("Laporan masuk", "Submitted", |f| Cell::Int(f.volume.submitted)),
    ("Diarsipkan", "Archived", |f| Cell::Int(f.volume.archived)),
    ("Terverifikasi", "Verified", |f| Cell::Int(f.volume.verified)),
    ("Dijawab", "Answered", |f| Cell::Int(f.volume.answered)),
    ("Selesai", "Closed", |f| Cell::Int(f.volume.closed)),
    ("Tingkat penyelesaian", "Completion rate", |f| Cell::ratio(f.completion_rate)),
    ("Tingkat tindak lanjut", "Follow-up rate", |f| Cell::ratio(f.follow_up_rate)),
    ("Verifikasi tepat waktu", "Verified on time", |f| Cell::ratio(f.verified_on_time)),
    ("Dijawab tepat waktu", "Answered on time", |f| Cell::ratio(f.answered_on_time)),
    ("Verifikasi: jumlah", "Verification: count", |f| Cell::Int(f.to_verification.count)),
    ("Verifikasi: median (hari kerja)", "Verification: median (working days)", |f| {
        Cell::days(f.to_verification.median)
    }),
    ("Verifikasi: p90 (hari kerja)", "Verification: p90 (working days)", |f| Cell::days(f.to_verification.p90)),
    ("Jawaban pertama: jumlah", "First answer: count", |f| Cell::Int(f.to_first_answer.count)),
    ("Jawaban pertama: median (hari kerja)", "First answer: median (working days)", |f| {
        Cell::days(f.to_first_answer.median)
    }),
    ("Jawaban pertama: p90 (hari kerja)", "First answer: p90 (working days)", |f| Cell::days(f.to_first_answer.p90)),
    ("Penyelesaian: jumlah", "Closure: count", |f| Cell::Int(f.to_closure.count)),
    ("Penyelesaian: median (hari kerja)", "Closure: median (working days)", |f| Cell::days(f.to_closure.median)),
    ("Penyelesaian: p90 (hari kerja)", "Closure: p90 (working days)", |f| Cell::days(f.to_closure.p90)),
    ("Tunggakan: menunggu verifikasi", "Backlog: awaiting verification", |f| Cell::Int(f.backlog.submitted)),
    ("Tunggakan: perlu dilengkapi", "Backlog: more information needed", |f| Cell::Int(f.backlog.needs_info)),
    ("Tunggakan: diteruskan", "Backlog: forwarded", |f| Cell::Int(f.backlog.forwarded)),
    ("Tunggakan: diproses", "Backlog: being handled", |f| Cell::Int(f.backlog.in_progress)),
    ("Tunggakan: ditindaklanjuti", "Backlog: answered", |f| Cell::Int(f.backlog.responded)),
    ("Terlambat: verifikasi", "Overdue: verification", |f| Cell::Int(f.overdue.verification)),
    ("Terlambat: tindak lanjut", "Overdue: follow-up", |f| Cell::Int(f.overdue.follow_up)),
    ("Terlambat: penyelesaian", "Overdue: completion", |f| Cell::Int(f.overdue.completion)),
    ("Eskalasi Ombudsman", "Flagged for the Ombudsman", |f| Cell::Int(f.overdue.ombudsman)),
    ("Dinilai", "Rated", |f| Cell::Int(f.satisfaction.rated)),
    ("Rata-rata penilaian", "Mean rating", |f| Cell::num(f.satisfaction.mean)),
    ("Penilaian 4–5", "Ratings of 4–5", |f| Cell::ratio(f.satisfaction.share_4_plus)),
];

fn measure_row(period: String, kind: &str, value: String, f: &Figures, grade: Option<&str>) -> Vec<Cell> {
    let mut row = vec![Cell::text(period), Cell::text(kind), Cell::text(value)];
    row.extend(MEASURES.iter().map(|(_, _, read)| read(f)));
    row.push(Cell::opt_text(grade));
    row
}

/// A breakdown's kind and value in words.
fn breakdown_words(reference: &Reference, b: &Breakdown) -> (&'static str, String) {
    let unknown = || "(tidak diketahui)".to_string();
    match b {
        Breakdown::Total => ("Periode", String::new()),
        Breakdown::Category(c) => {
            ("Kategori", c.and_then(|c| reference.categories.get(c)).map_or_else(unknown, |c| c.name_id.clone()))
        }
        Breakdown::Channel(c) => ("Kanal", c.as_str().to_string()),
        Breakdown::Region(r) => (
            "Wilayah",
            r.as_ref()
                .map(|r| aduan_reference::regions::regions().describe(r))
                .filter(|n| !n.is_empty())
                .unwrap_or_else(unknown),
        ),
        Breakdown::Unit(u) => ("Unit", reference.orgs.name_of(*u).to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_report_fields_are_its_json_keys_in_csv_order() {
        let r = OpenReport {
            tracking: "K7M-P9Q-X4T".into(),
            kind: "pengaduan".into(),
            title: "t".into(),
            description: "d".into(),
            status: "closed".into(),
            status_label_id: "Selesai".into(),
            status_label_en: "Resolved".into(),
            category: None,
            category_name_id: None,
            category_name_en: None,
            region: None,
            region_name: None,
            instansi: None,
            instansi_name: None,
            submitted_at: "2026-03-02T02:00:00Z".into(),
            verified_at: None,
            closed_at: None,
            support_count: 0,
            lat: None,
            long: None,
        };
        let json = serde_json::to_value(&r).expect("json");
        let mut keys: Vec<&str> = json.as_object().expect("object").keys().map(String::as_str).collect();
        let mut fields = OpenReport::FIELDS.to_vec();
        keys.sort_unstable();
        fields.sort_unstable();
        assert_eq!(keys, fields, "every field is a key and nothing else");
        assert_eq!(r.cells().len(), OpenReport::FIELDS.len());
    }

    #[test]
    fn every_measure_row_has_a_cell_per_column() {
        let row = measure_row("2026-03".into(), "Bulan", String::new(), &Figures::default(), None);
        assert_eq!(row.len(), 3 + MEASURES.len() + 1);
        assert_eq!(report_columns(Zone::Wita)[20].id, "Masuk (WITA)");
    }
}
