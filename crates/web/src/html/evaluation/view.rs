//! A dashboard as the pages show it: headline figures with their change, trend charts
//! with their tables, breakdown tables. The same view serves the staff dashboard, the
//! public statistics and the printable monthly report, so a figure reads the same
//! everywhere (docs/DOMAIN.md §8, docs/UX.md "Evaluation pages").

use super::chart::{self, Bar};
use crate::html::format;
use crate::html::lang::Lang;
use crate::html::views::{category_name, org_name, region_name};
use aduan_domain::ids::OrgId;
use aduan_domain::measures::{Breakdown, Figures, Period};
use aduan_domain::org::OrgKind;
use aduan_service::{Dashboard, Part, Reference, Subject};

/// A share as "87,5%", "–" when it cannot be computed.
pub fn percent(lang: Lang, share: Option<f64>) -> String {
    match share {
        Some(s) => decimal(lang, s * 100.0) + "%",
        None => "–".into(),
    }
}

/// One decimal, with the reader's decimal mark.
pub fn decimal(lang: Lang, v: f64) -> String {
    let text = format!("{v:.1}");
    if lang.is_en() { text } else { text.replace('.', ",") }
}

pub fn count(lang: Lang, n: i64) -> String {
    let digits = format::count(lang, n.unsigned_abs());
    if n < 0 { format!("-{digits}") } else { digits }
}

/// "Maret 2026", or "Januari 2026 – Desember 2026".
pub fn period_label(lang: Lang, from: Period, to: Period) -> String {
    let one = |p: Period| format::month(lang, p.year(), p.month());
    if from == to { one(from) } else { format!("{} – {}", one(from), one(to)) }
}

/// A headline figure with its change from the previous period.
pub struct Headline {
    pub label: String,
    pub value: String,
    pub change: String,
    /// Where its definition is, on the definitions page.
    pub anchor: &'static str,
}

pub struct TrendRow {
    pub month: String,
    pub submitted: String,
    pub verified: String,
    pub closed: String,
    pub completion: String,
    pub answered_on_time: String,
}

pub struct PartRow {
    pub label: String,
    pub submitted: String,
    pub verified: String,
    pub completion: String,
    pub follow_up: String,
    pub answered_on_time: String,
    pub bar: String,
    /// The row's own dashboard or statistics page, where it has one.
    pub href: Option<String>,
}

pub struct PartTable {
    pub id: &'static str,
    pub title: String,
    pub rows: Vec<PartRow>,
    /// "25 terbesar dari 514" when the table is cut short.
    pub more: Option<String>,
    /// What the rows count, when it needs saying.
    pub note: Option<String>,
}

/// Rows of a breakdown table: the largest, so that the national page (514 regencies)
/// stays light on a phone. The exports carry every row.
const PART_ROWS: usize = 25;

pub struct StageRow {
    pub stage: String,
    pub count: String,
    pub median: String,
    pub p90: String,
}

pub struct Tally {
    pub label: String,
    pub count: String,
}

pub struct DashboardView {
    pub scope: String,
    pub period: String,
    pub previous: String,
    pub headlines: Vec<Headline>,
    pub stages: Vec<StageRow>,
    pub backlog: Vec<Tally>,
    pub overdue: Vec<Tally>,
    pub satisfaction: String,
    pub volume_chart: String,
    pub completion_chart: String,
    pub trend: Vec<TrendRow>,
    pub parts: Vec<PartTable>,
    /// What the figures cover, where that is not evident.
    pub note: Option<String>,
}

impl DashboardView {
    /// `link`: the page of an organisation's own figures, where the viewer has one.
    pub fn new(
        lang: Lang,
        reference: &Reference,
        scope: String,
        d: &Dashboard,
        link: &dyn Fn(OrgId) -> Option<String>,
    ) -> DashboardView {
        let t = |id: &str, en: &str| lang.t(id, en).to_string();
        let (f, p) = (&d.figures, &d.previous);
        let rate = |label: String, now: Option<f64>, before: Option<f64>, anchor| Headline {
            label,
            value: percent(lang, now),
            change: points_change(lang, now, before),
            anchor,
        };
        let number = |label: String, now: i64, before: i64, anchor| Headline {
            label,
            value: count(lang, now),
            change: count_change(lang, now, before),
            anchor,
        };
        let headlines = vec![
            rate(t("Tingkat penyelesaian", "Completion rate"), f.completion_rate, p.completion_rate, "penyelesaian"),
            rate(
                t("Tindak lanjut tepat waktu", "Answered on time"),
                f.answered_on_time,
                p.answered_on_time,
                "tepat-waktu",
            ),
            number(t("Tunggakan", "Backlog"), f.backlog.total(), p.backlog.total(), "tunggakan"),
            rate(t("Tingkat tindak lanjut", "Follow-up rate"), f.follow_up_rate, p.follow_up_rate, "tindak-lanjut"),
            rate(
                t("Verifikasi tepat waktu", "Verified on time"),
                f.verified_on_time,
                p.verified_on_time,
                "tepat-waktu",
            ),
            number(t("Laporan masuk", "Reports received"), f.volume.submitted, p.volume.submitted, "volume"),
            number(t("Terverifikasi", "Verified"), f.volume.verified, p.volume.verified, "volume"),
            number(t("Terlambat", "Overdue"), overdue_total(f), overdue_total(p), "terlambat"),
        ];
        let days = |v: Option<u32>| v.map(|d| lang.pick(format!("{d} hari kerja"), format!("{d} working days")));
        let stage = |label: String, s: &aduan_domain::measures::Durations| StageRow {
            stage: label,
            count: count(lang, s.count),
            median: days(s.median).unwrap_or_else(|| "–".into()),
            p90: days(s.p90).unwrap_or_else(|| "–".into()),
        };
        let stages = vec![
            stage(t("Sampai verifikasi", "To verification"), &f.to_verification),
            stage(t("Sampai tindak lanjut pertama", "To first answer"), &f.to_first_answer),
            stage(t("Sampai selesai", "To resolution"), &f.to_closure),
        ];
        let tally = |label: String, n: i64| Tally { label, count: count(lang, n) };
        let b = &f.backlog;
        let backlog = vec![
            tally(t("Menunggu verifikasi", "Awaiting verification"), b.submitted),
            tally(t("Perlu dilengkapi", "More information needed"), b.needs_info),
            tally(t("Diteruskan", "Forwarded"), b.forwarded),
            tally(t("Diproses", "Being handled"), b.in_progress),
            tally(t("Ditindaklanjuti", "Answered"), b.responded),
        ];
        let o = &f.overdue;
        let overdue = vec![
            tally(t("Verifikasi", "Verification"), o.verification),
            tally(t("Tindak lanjut", "Follow-up"), o.follow_up),
            tally(t("Penyelesaian", "Completion"), o.completion),
            tally(t("Ditandai ke Ombudsman", "Flagged to the Ombudsman"), o.ombudsman),
        ];
        let s = &f.satisfaction;
        let satisfaction = match s.mean {
            Some(mean) => lang.pick(
                format!(
                    "{} dari 5 ({} penilaian; {} memberi 4 atau 5)",
                    decimal(lang, mean),
                    count(lang, s.rated),
                    percent(lang, s.share_4_plus)
                ),
                format!(
                    "{} out of 5 ({} ratings; {} gave 4 or 5)",
                    decimal(lang, mean),
                    count(lang, s.rated),
                    percent(lang, s.share_4_plus)
                ),
            ),
            None => t("Belum ada penilaian.", "No ratings yet."),
        };
        let month = |m: Period| format::month(lang, m.year(), m.month());
        let short = |m: Period| format!("{} {:02}", format::month_short(lang, m.month()), m.year() % 100);
        let volume_bars: Vec<Bar> = d
            .trend
            .iter()
            .map(|(m, f)| Bar {
                label: short(*m),
                value: Some(f.volume.submitted as f64),
                text: count(lang, f.volume.submitted),
            })
            .collect();
        let completion_bars: Vec<Bar> = d
            .trend
            .iter()
            .map(|(m, f)| Bar {
                label: short(*m),
                value: f.completion_rate.map(|r| r * 100.0),
                text: percent(lang, f.completion_rate),
            })
            .collect();
        let volume_chart = chart::bars(
            "grafik-volume",
            &t("Laporan masuk per bulan", "Reports received per month"),
            &t(
                "Jumlah laporan yang masuk setiap bulan; angkanya ada di tabel di bawah.",
                "Reports received each month; the numbers are in the table below.",
            ),
            &volume_bars,
            None,
        );
        let completion_chart = chart::bars(
            "grafik-penyelesaian",
            &t("Tingkat penyelesaian per bulan verifikasi", "Completion rate by month of verification"),
            &t(
                "Bagian laporan terverifikasi yang sudah selesai, per bulan verifikasi; angkanya ada di tabel di bawah.",
                "Share of verified reports resolved, by month of verification; the numbers are in the table below.",
            ),
            &completion_bars,
            Some(100.0),
        );
        let trend = d
            .trend
            .iter()
            .rev()
            .map(|(m, f)| TrendRow {
                month: month(*m),
                submitted: count(lang, f.volume.submitted),
                verified: count(lang, f.volume.verified),
                closed: count(lang, f.volume.closed),
                completion: percent(lang, f.completion_rate),
                answered_on_time: percent(lang, f.answered_on_time),
            })
            .collect();
        let more = |n: usize| {
            (n > PART_ROWS).then(|| {
                lang.pick(
                    format!("{PART_ROWS} terbesar dari {}.", count(lang, n as i64)),
                    format!("The largest {PART_ROWS} of {}.", count(lang, n as i64)),
                )
            })
        };
        let table = |id, title: String, parts: &[Part]| {
            let rows = parts.iter().take(PART_ROWS).map(|p| {
                let href = match p.breakdown {
                    Breakdown::Unit(u) => link(u),
                    _ => None,
                };
                (breakdown_label(lang, reference, &p.breakdown), &p.figures, href)
            });
            PartTable { id, title, rows: part_rows(lang, rows), more: more(parts.len()), note: None }
        };
        let mut parts = Vec::new();
        if !d.by_instansi.is_empty() {
            let rows =
                d.by_instansi.iter().take(PART_ROWS).map(|p| (org_name(reference, p.org), &p.figures, link(p.org)));
            let note = match d.subject {
                Subject::Set(_) => t(
                    "Setiap organisasi yang Anda awasi; satuan di dalam organisasi lain dihitung bersamanya.",
                    "Each organisation you oversee; one within another counts with it.",
                ),
                _ => t(
                    "Laporan yang belum diteruskan dihitung pada meja verifikasi yang memegangnya.",
                    "Reports not forwarded yet count with the screening desk that holds them.",
                ),
            };
            parts.push(PartTable {
                id: "instansi",
                title: t("Menurut instansi", "By agency"),
                rows: part_rows(lang, rows),
                more: more(d.by_instansi.len()),
                note: Some(note),
            });
        }
        // A unit's figures are one breakdown of its instansi's cells: they have no
        // breakdown of their own, and an empty table would say "no reports".
        let is_unit = d.subject.org().and_then(|o| reference.orgs.get(o)).is_some_and(|o| o.kind == OrgKind::Unit);
        if !is_unit {
            parts.extend([
                table("kategori", t("Menurut kategori", "By category"), &d.by_category),
                table("kanal", t("Menurut kanal", "By channel"), &d.by_channel),
                table("wilayah", t("Menurut wilayah", "By region"), &d.by_region),
            ]);
        }
        let note = is_unit.then(|| {
            t(
                "Angka unit ini menghitung laporan yang didisposisikan kepadanya. Rincian menurut kategori, kanal dan wilayah ada di dasbor instansinya.",
                "This unit's figures count the reports given to it. The breakdowns by category, channel and region are on its agency's dashboard.",
            )
        });
        if !d.by_unit.is_empty() {
            parts.push(table("unit", t("Menurut unit", "By unit"), &d.by_unit));
        }
        DashboardView {
            scope,
            period: period_label(lang, d.from, d.to),
            previous: period_label(lang, d.previous_from, d.previous_to),
            headlines,
            stages,
            backlog,
            overdue,
            satisfaction,
            volume_chart,
            completion_chart,
            trend,
            parts,
            note,
        }
    }
}

fn overdue_total(f: &Figures) -> i64 {
    let o = &f.overdue;
    o.verification + o.follow_up + o.completion
}

/// "▲ 3,2 poin" for a share that rose 3.2 percentage points.
fn points_change(lang: Lang, now: Option<f64>, before: Option<f64>) -> String {
    match (now, before) {
        (Some(n), Some(b)) => {
            let d = (n - b) * 100.0;
            if d.abs() < 0.05 {
                lang.t("sama", "unchanged").into()
            } else {
                let arrow = if d > 0.0 { "▲" } else { "▼" };
                format!("{arrow} {} {}", decimal(lang, d.abs()), lang.t("poin", "points"))
            }
        }
        _ => lang.t("tanpa pembanding", "no comparison").into(),
    }
}

/// "▲ 12 (+5,0%)".
fn count_change(lang: Lang, now: i64, before: i64) -> String {
    let d = now - before;
    if d == 0 {
        return lang.t("sama", "unchanged").into();
    }
    let arrow = if d > 0 { "▲" } else { "▼" };
    let relative = if before > 0 {
        format!(" ({}{}%)", if d > 0 { "+" } else { "-" }, decimal(lang, d.abs() as f64 * 100.0 / before as f64))
    } else {
        String::new()
    };
    format!("{arrow} {}{relative}", count(lang, d.abs()))
}

/// The rows of a breakdown table from each row's label, figures and page, with bars
/// drawn against the largest row.
fn part_rows<'a>(lang: Lang, rows: impl Iterator<Item = (String, &'a Figures, Option<String>)>) -> Vec<PartRow> {
    let rows: Vec<_> = rows.collect();
    let largest = rows.iter().map(|(_, f, _)| f.volume.submitted).max().unwrap_or(0).max(1);
    rows.into_iter()
        .map(|(label, f, href)| PartRow {
            label,
            submitted: count(lang, f.volume.submitted),
            verified: count(lang, f.volume.verified),
            completion: percent(lang, f.completion_rate),
            follow_up: percent(lang, f.follow_up_rate),
            answered_on_time: percent(lang, f.answered_on_time),
            bar: chart::inline_bar(f.volume.submitted as f64 / largest as f64),
            href,
        })
        .collect()
}

pub fn breakdown_label(lang: Lang, reference: &Reference, b: &Breakdown) -> String {
    let none = || lang.t("(tidak ada)", "(none)").to_string();
    match b {
        Breakdown::Total => lang.t("Semua", "All").into(),
        Breakdown::Category(c) => {
            Some(category_name(lang, reference, *c)).filter(|s| !s.is_empty()).unwrap_or_else(none)
        }
        Breakdown::Channel(c) => crate::html::filing::channel_label(lang, *c).into(),
        Breakdown::Region(Some(r)) => Some(region_name(r)).filter(|s| !s.is_empty()).unwrap_or_else(|| r.to_string()),
        Breakdown::Region(None) => none(),
        Breakdown::Unit(u) => org_name(reference, *u),
    }
}
