//! Evaluation pages: public statistics (the nation and each instansi), rankings of
//! instansi with their predicate, and the definitions of the measures. Everything here
//! is aggregates read from the measure cells; no report and no person appears, so a
//! confidential report counts only inside the numbers (docs/DOMAIN.md §9).

pub mod chart;
pub mod view;

use super::lang::Lang;
use super::session::Visitor;
use super::views::org_name;
use super::{Chrome, PageResult, percent_encode, render};
use crate::AppState;
use aduan_domain::Refusal;
use aduan_domain::measures::{Peers, Period, Predicate, Thresholds};
use aduan_domain::org::OrgKind;
use aduan_domain::time::{Timestamp, Zone};
use aduan_service::{AppError, RankRow, Reference};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use serde::Deserialize;
use view::{DashboardView, count, percent, period_label};

/// Rows per page of a ranking: a page of all 514 regencies would be too heavy for a phone.
const RANK_PAGE: usize = 100;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/statistik", get(national))
        .route("/statistik/instansi/{code}", get(instansi))
        .route("/statistik/peringkat", get(ranking))
        .route("/statistik/definisi", get(definitions))
}

/// The months a page covers, as the reader chose them (`dari`, `sampai`: `2026-03`).
#[derive(Deserialize, Default, Clone)]
pub struct PeriodParams {
    #[serde(default)]
    pub dari: String,
    #[serde(default)]
    pub sampai: String,
}

impl PeriodParams {
    /// The chosen months; by default the current year up to this month (in WIB, the
    /// national desk's zone).
    pub fn resolve(&self, now: Timestamp) -> Result<(Period, Period), Refusal> {
        let this = Period::of(now, Zone::Wib);
        let month =
            |field: &str, v: &str| Period::parse(v).ok_or_else(|| Refusal::invalid(field, "a month like 2026-03"));
        let (from, to) = match (self.dari.trim(), self.sampai.trim()) {
            ("", "") => (Period::year_range(this.year()).0, this),
            (from, "") => {
                let from = month("dari", from)?;
                (from, from)
            }
            ("", to) => {
                let to = month("sampai", to)?;
                (to, to)
            }
            (from, to) => (month("dari", from)?, month("sampai", to)?),
        };
        aduan_service::check_period(from, to).map_err(|e| match e {
            AppError::Refused(r) => r,
            other => Refusal::invalid("dari", other.to_string()),
        })?;
        Ok((from, to))
    }

    pub fn query(from: Period, to: Period) -> String {
        format!("dari={from}&sampai={to}")
    }
}

/// The quick choices above a dashboard: this month, last month, this year, last year,
/// the last twelve months.
pub struct PeriodLink {
    pub label: String,
    pub href: String,
    pub current: bool,
}

/// The period form and quick choices above a dashboard (`periode.html`).
pub struct PeriodForm {
    pub periods: Vec<PeriodLink>,
    pub dari: String,
    pub sampai: String,
    /// Where the form goes, and the hidden fields it keeps (the quick choices keep them too).
    pub action: String,
    pub keep: Vec<(String, String)>,
}

impl PeriodForm {
    pub fn new(
        lang: Lang,
        action: &str,
        keep: Vec<(String, String)>,
        now: Timestamp,
        from: Period,
        to: Period,
    ) -> Self {
        let kept: Vec<String> = keep.iter().map(|(k, v)| format!("{k}={}", percent_encode(v))).collect();
        let base = if kept.is_empty() { action.to_string() } else { format!("{action}?{}", kept.join("&")) };
        PeriodForm {
            periods: period_links(lang, &base, now, from, to),
            dari: from.to_string(),
            sampai: to.to_string(),
            action: action.into(),
            keep,
        }
    }
}

pub fn period_links(lang: Lang, base: &str, now: Timestamp, from: Period, to: Period) -> Vec<PeriodLink> {
    let this = Period::of(now, Zone::Wib);
    let sep = if base.contains('?') { '&' } else { '?' };
    let (this_year, last_year) = (Period::year_range(this.year()), Period::year_range(this.year() - 1));
    [
        (lang.t("Bulan ini", "This month"), this, this),
        (lang.t("Bulan lalu", "Last month"), this.plus(-1), this.plus(-1)),
        (lang.t("Tahun ini", "This year"), this_year.0, this),
        (lang.t("Tahun lalu", "Last year"), last_year.0, last_year.1),
        (lang.t("12 bulan terakhir", "Last 12 months"), this.plus(-11), this),
    ]
    .into_iter()
    .map(|(label, f, t)| PeriodLink {
        label: label.into(),
        href: format!("{base}{sep}{}", PeriodParams::query(f, t)),
        current: (f, t) == (from, to),
    })
    .collect()
}

#[derive(Template)]
#[template(path = "statistik.html")]
struct StatisticsPage {
    c: Chrome,
    d: DashboardView,
    pf: PeriodForm,
    /// The instansi's own page links back to the national one.
    national: bool,
}

/// `GET /statistik`: the nation's figures.
async fn national(State(state): State<AppState>, v: Visitor, Query(p): Query<PeriodParams>) -> PageResult {
    statistics(&state, &v, None, &p, "/statistik".into()).await
}

/// `GET /statistik/instansi/{code}`.
async fn instansi(
    State(state): State<AppState>,
    v: Visitor,
    Path(code): Path<String>,
    Query(p): Query<PeriodParams>,
) -> PageResult {
    let reference = state.app.reference();
    let org = reference
        .orgs
        .by_code(&code)
        .filter(|o| o.kind == OrgKind::Instansi)
        .ok_or_else(|| AppError::NotFound(format!("instansi {code}")))?;
    let base = format!("/statistik/instansi/{}", percent_encode(&org.code));
    statistics(&state, &v, Some(org.id), &p, base).await
}

async fn statistics(
    state: &AppState,
    v: &Visitor,
    org: Option<aduan_domain::ids::OrgId>,
    p: &PeriodParams,
    base: String,
) -> PageResult {
    let _place = state.lists.enter().await;
    let app = &state.app;
    let now = app.now();
    let (from, to) = p.resolve(now)?;
    let d = app.public_statistics(org, from, to).await?;
    let reference = app.reference();
    let scope = match org {
        Some(o) => org_name(&reference, o),
        None => v.t("Seluruh Indonesia", "All of Indonesia").into(),
    };
    let title = format!("{} — {}", v.t("Statistik", "Statistics"), scope);
    let page = StatisticsPage {
        c: v.chrome(title, "statistik"),
        d: DashboardView::new(v.lang, &reference, scope, &d, &|o| {
            // Only an active instansi has a public statistics page.
            let org = reference.orgs.get(o).filter(|o| o.kind == OrgKind::Instansi && o.active)?;
            Some(format!("/statistik/instansi/{}?{}", percent_encode(&org.code), PeriodParams::query(from, to)))
        }),
        pf: PeriodForm::new(v.lang, &base, Vec::new(), now, from, to),
        national: org.is_none(),
    };
    Ok(render(&page))
}

#[derive(Deserialize, Default)]
struct RankParams {
    #[serde(default)]
    kelompok: String,
    #[serde(default)]
    provinsi: String,
    #[serde(default)]
    dari: String,
    #[serde(default)]
    sampai: String,
    #[serde(default)]
    urut: String,
    #[serde(default)]
    halaman: String,
}

/// What a ranking may be ordered by.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RankOrder {
    Completion,
    FollowUp,
    OnTime,
    Volume,
}

impl RankOrder {
    const ALL: [RankOrder; 4] = [RankOrder::Completion, RankOrder::FollowUp, RankOrder::OnTime, RankOrder::Volume];

    fn code(self) -> &'static str {
        match self {
            RankOrder::Completion => "penyelesaian",
            RankOrder::FollowUp => "tindak-lanjut",
            RankOrder::OnTime => "tepat-waktu",
            RankOrder::Volume => "volume",
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        match self {
            RankOrder::Completion => lang.t("Tingkat penyelesaian", "Completion rate"),
            RankOrder::FollowUp => lang.t("Tingkat tindak lanjut", "Follow-up rate"),
            RankOrder::OnTime => lang.t("Tindak lanjut tepat waktu", "Answered on time"),
            RankOrder::Volume => lang.t("Laporan terverifikasi", "Verified reports"),
        }
    }

    /// Best first; an instansi without the figure goes last.
    fn sort(self, rows: &mut [RankRow]) {
        let key = |r: &RankRow| match self {
            RankOrder::Completion => r.figures.completion_rate.unwrap_or(-1.0),
            RankOrder::FollowUp => r.figures.follow_up_rate.unwrap_or(-1.0),
            RankOrder::OnTime => r.figures.answered_on_time.unwrap_or(-1.0),
            RankOrder::Volume => r.figures.volume.verified as f64,
        };
        rows.sort_by(|a, b| {
            key(b)
                .total_cmp(&key(a))
                .then(b.figures.volume.verified.cmp(&a.figures.volume.verified))
                .then(a.org.cmp(&b.org))
        });
    }
}

pub struct RankLine {
    pub rank: usize,
    pub name: String,
    pub href: String,
    pub verified: String,
    pub completion: String,
    pub follow_up: String,
    pub on_time: String,
    pub median_answer: String,
    pub predicate: String,
    pub predicate_code: &'static str,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct Grade {
    pub label: String,
    pub count: String,
}

#[derive(Template)]
#[template(path = "statistik_peringkat.html")]
struct RankingPage {
    c: Chrome,
    groups: Vec<Choice>,
    provinces: Vec<Choice>,
    orders: Vec<Choice>,
    dari: String,
    sampai: String,
    periods: Vec<PeriodLink>,
    period: String,
    rows: Vec<RankLine>,
    grades: Vec<Grade>,
    total: String,
    previous_page: Option<String>,
    next_page: Option<String>,
    thresholds: Vec<String>,
}

/// `GET /statistik/peringkat`: the instansi of a group by a measure, with their predicate.
async fn ranking(State(state): State<AppState>, v: Visitor, Query(p): Query<RankParams>) -> PageResult {
    let _place = state.lists.enter().await;
    let app = &state.app;
    let lang = v.lang;
    let now = app.now();
    let (from, to) = PeriodParams { dari: p.dari.clone(), sampai: p.sampai.clone() }.resolve(now)?;
    let group_code = if p.kelompok.trim().is_empty() { "kabupaten" } else { p.kelompok.trim() };
    let group = Peers::parse(group_code, Some(&p.provinsi))
        .ok_or_else(|| Refusal::invalid("kelompok", "kabupaten, provinsi or pusat, with a province code like 64"))?;
    let order = match p.urut.trim() {
        "" => RankOrder::Completion,
        code => RankOrder::ALL
            .into_iter()
            .find(|o| o.code() == code)
            .ok_or_else(|| Refusal::invalid("urut", "penyelesaian, tindak-lanjut, tepat-waktu or volume"))?,
    };
    let page_no: usize = match p.halaman.trim() {
        "" => 1,
        n => n.parse().ok().filter(|n| *n >= 1).ok_or_else(|| Refusal::invalid("halaman", "a page number"))?,
    };
    let mut rows = app.ranking(&group, from, to).await?;
    order.sort(&mut rows);
    let reference = app.reference();
    let thresholds = app.thresholds();
    let grades = grade_counts(lang, &rows);
    let pages = rows.len().div_ceil(RANK_PAGE).max(1);
    if page_no > pages {
        return Err(AppError::NotFound(format!("page {page_no}")).into());
    }
    let province = match &group {
        Peers::Regencies(Some(p)) => p.to_string(),
        _ => String::new(),
    };
    let base = format!(
        "/statistik/peringkat?kelompok={}&provinsi={}&urut={}&{}",
        group.code(),
        province,
        order.code(),
        PeriodParams::query(from, to)
    );
    let lines = rows
        .iter()
        .enumerate()
        .skip((page_no - 1) * RANK_PAGE)
        .take(RANK_PAGE)
        .map(|(i, r)| rank_line(lang, &reference, i + 1, r, from, to))
        .collect();
    let page = RankingPage {
        c: v.chrome(v.t("Peringkat instansi", "Agency rankings"), "statistik"),
        groups: [
            ("kabupaten", lang.t("Kabupaten/kota", "Regencies and cities")),
            ("provinsi", lang.t("Provinsi", "Provinces")),
            ("pusat", lang.t("Kementerian/lembaga", "Ministries and agencies")),
        ]
        .into_iter()
        .map(|(value, label)| Choice { value: value.into(), label: label.into(), selected: value == group.code() })
        .collect(),
        provinces: province_choices(lang, &province),
        orders: RankOrder::ALL
            .into_iter()
            .map(|o| Choice { value: o.code().into(), label: o.label(lang).into(), selected: o == order })
            .collect(),
        dari: from.to_string(),
        sampai: to.to_string(),
        periods: period_links(
            lang,
            &format!("/statistik/peringkat?kelompok={}&provinsi={province}&urut={}", group.code(), order.code()),
            now,
            from,
            to,
        ),
        period: period_label(lang, from, to),
        rows: lines,
        grades,
        total: count(lang, rows.len() as i64),
        previous_page: (page_no > 1).then(|| format!("{base}&halaman={}", page_no - 1)),
        next_page: (page_no < pages).then(|| format!("{base}&halaman={}", page_no + 1)),
        thresholds: threshold_lines(lang, &thresholds),
    };
    Ok(render(&page))
}

fn rank_line(lang: Lang, reference: &Reference, rank: usize, r: &RankRow, from: Period, to: Period) -> RankLine {
    let f = &r.figures;
    let code = reference.orgs.get(r.org).map(|o| o.code.clone()).unwrap_or_default();
    let (predicate, predicate_code) = match r.predicate {
        Some(p) => (lang.t(p.label_id(), p.label_en()).to_string(), p.as_str()),
        None => (lang.t("Belum dinilai", "Not graded").to_string(), "none"),
    };
    RankLine {
        rank,
        name: org_name(reference, r.org),
        href: format!("/statistik/instansi/{}?{}", percent_encode(&code), PeriodParams::query(from, to)),
        verified: count(lang, f.volume.verified),
        completion: percent(lang, f.completion_rate),
        follow_up: percent(lang, f.follow_up_rate),
        on_time: percent(lang, f.answered_on_time),
        median_answer: f.to_first_answer.median.map(|d| d.to_string()).unwrap_or_else(|| "–".into()),
        predicate,
        predicate_code,
    }
}

fn grade_counts(lang: Lang, rows: &[RankRow]) -> Vec<Grade> {
    let n = |p: Option<Predicate>| rows.iter().filter(|r| r.predicate == p).count() as i64;
    [Some(Predicate::Baik), Some(Predicate::Sedang), Some(Predicate::Kurang), None]
        .into_iter()
        .map(|p| Grade {
            label: match p {
                Some(p) => lang.t(p.label_id(), p.label_en()).into(),
                None => lang.t("Belum dinilai", "Not graded").into(),
            },
            count: count(lang, n(p)),
        })
        .collect()
}

/// The bars of the predicate, in words.
fn threshold_lines(lang: Lang, t: &Thresholds) -> Vec<String> {
    let pct = |v: f64| percent(lang, Some(v));
    let bar = |label: &str, b: &aduan_domain::measures::Bar| {
        lang.pick(
            format!(
                "{label}: penyelesaian ≥ {}, tindak lanjut ≥ {}, tindak lanjut tepat waktu ≥ {}.",
                pct(b.completion),
                pct(b.follow_up),
                pct(b.answered_on_time)
            ),
            format!(
                "{label}: completion ≥ {}, follow-up ≥ {}, answered on time ≥ {}.",
                pct(b.completion),
                pct(b.follow_up),
                pct(b.answered_on_time)
            ),
        )
    };
    vec![
        bar(lang.t("Baik", "Good"), &t.baik),
        bar(lang.t("Sedang", "Fair"), &t.sedang),
        lang.pick("Kurang: di bawah batas Sedang.".into(), "Poor: below the bar for Fair.".into()),
        lang.pick(
            format!("Instansi dengan kurang dari {} laporan terverifikasi belum dinilai.", t.min_verified),
            format!("Agencies with fewer than {} verified reports are not graded.", t.min_verified),
        ),
    ]
}

fn province_choices(lang: Lang, current: &str) -> Vec<Choice> {
    let regions = aduan_reference::regions::regions();
    let mut out = vec![Choice {
        value: String::new(),
        label: lang.t("Semua provinsi", "All provinces").into(),
        selected: current.is_empty(),
    }];
    out.extend(regions.provinces().map(|r| Choice {
        value: r.code.to_string(),
        label: r.full_name(),
        selected: r.code.to_string() == current,
    }));
    out
}

#[derive(Template)]
#[template(path = "statistik_definisi.html")]
struct DefinitionsPage {
    c: Chrome,
    thresholds: Vec<String>,
}

/// `GET /statistik/definisi`: docs/DOMAIN.md §8 in the reader's words.
async fn definitions(State(state): State<AppState>, v: Visitor) -> PageResult {
    let page = DefinitionsPage {
        c: v.chrome(v.t("Definisi ukuran", "How the measures are defined"), "statistik"),
        thresholds: threshold_lines(v.lang, &state.app.thresholds()),
    };
    Ok(render(&page))
}
