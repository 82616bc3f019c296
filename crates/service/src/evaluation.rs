//! Evaluation use cases (docs/DOMAIN.md §8): dashboards, public statistics and rankings, all
//! summed from the stored cells — a few indexed reads whatever the number of reports.

use crate::app::App;
use crate::error::{AppError, AppResult};
use aduan_domain::Refusal;
use aduan_domain::ids::{OrgId, ReportId};
use aduan_domain::measures::{
    Breakdown, Cells, Counters, Cube, Figures, Filter, Peers, Period, Predicate, Thresholds, contribution, peers,
    predicate,
};
use aduan_domain::org::OrgKind;
use aduan_domain::permission::{Actor, Permission, authorize_admin, authorize_deployment_admin};
use aduan_store::CellQuery;
use std::collections::{BTreeMap, HashMap};

/// The longest period a dashboard or ranking covers, in months: enough for a multi-year
/// comparison, few enough cells to stay quick.
pub const MAX_MONTHS: i32 = 60;

/// The trend shows at least this many months ending with the period.
const TREND_MONTHS: i32 = 12;

/// One breakdown value with its figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub breakdown: Breakdown,
    pub figures: Figures,
}

/// Whose figures a dashboard shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    /// The whole country.
    Nation,
    /// An instansi, a screening desk (its reports not routed yet), or a unit (the reports
    /// given to it).
    Org(OrgId),
    /// A supervisor's organisations together, none within another.
    Set(Vec<OrgId>),
}

impl Subject {
    /// The one organisation of [`Subject::Org`].
    pub fn org(&self) -> Option<OrgId> {
        match self {
            Subject::Org(o) => Some(*o),
            _ => None,
        }
    }
}

/// What an evaluation page shows for one organisation (or the nation) and period.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    pub subject: Subject,
    pub from: Period,
    pub to: Period,
    pub figures: Figures,
    /// The same number of months just before, for the change.
    pub previous: Figures,
    pub previous_from: Period,
    pub previous_to: Period,
    /// Month by month, at least [`TREND_MONTHS`] ending with `to`.
    pub trend: Vec<(Period, Figures)>,
    /// By category, channel, region and (for an instansi) unit, largest first. A unit's
    /// dashboard has none: its cells are one breakdown of its instansi's.
    pub by_category: Vec<Part>,
    pub by_channel: Vec<Part>,
    pub by_region: Vec<Part>,
    pub by_unit: Vec<Part>,
    /// For the nation: by the organisation accountable for each report (its instansi,
    /// or the screening desk before routing), largest first; every report is in one row.
    /// For a set: each of its organisations.
    pub by_instansi: Vec<OrgPart>,
}

/// One organisation's figures within a larger scope.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgPart {
    pub org: OrgId,
    pub figures: Figures,
}

/// One instansi's row of a ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct RankRow {
    pub org: OrgId,
    pub figures: Figures,
    /// `None` with too few verified reports to judge.
    pub predicate: Option<Predicate>,
}

/// A checked period: `from <= to`, at most [`MAX_MONTHS`].
pub fn check_period(from: Period, to: Period) -> AppResult<()> {
    if to < from {
        return Err(Refusal::invalid("dari", "the period must start before it ends").into());
    }
    if from.months_to(to) > MAX_MONTHS {
        return Err(Refusal::invalid("dari", format!("a period of at most {MAX_MONTHS} months")).into());
    }
    Ok(())
}

impl App {
    /// The grading thresholds of this deployment.
    pub fn thresholds(&self) -> Thresholds {
        self.options().thresholds
    }

    /// A staff dashboard: the nation for staff at the root, else an organisation within
    /// the role's scope. Refused without the dashboard permission or out of scope.
    pub async fn dashboard(&self, actor: &Actor, org: Option<OrgId>, from: Period, to: Period) -> AppResult<Dashboard> {
        let orgs = &self.reference().orgs;
        let subject = match org {
            None => {
                authorize_deployment_admin(actor, Permission::ViewDashboards, orgs)?;
                Subject::Nation
            }
            Some(o) => {
                orgs.get(o).ok_or_else(|| AppError::NotFound("organisation".into()))?;
                authorize_admin(actor, Permission::ViewDashboards, o, orgs)?;
                Subject::Org(o)
            }
        };
        self.figures_of(subject, from, to, true).await
    }

    /// A supervisor's set: the organisations of several of one person's assignments (one
    /// actor each) summed into one dashboard, each also in its own row. Every actor must
    /// see the dashboard of its own organisation. An organisation within another of the
    /// set counts once, in the larger; the national root makes the set the nation.
    pub async fn set_dashboard(&self, actors: &[Actor], from: Period, to: Period) -> AppResult<Dashboard> {
        let orgs = &self.reference().orgs;
        let mut members = Vec::new();
        let person = actors.first().and_then(Actor::staff).map(|s| s.person);
        for actor in actors {
            // One person's assignments, each a staff role.
            let Some(staff) = actor.staff().filter(|s| Some(s.person) == person) else {
                return Err(Refusal::OutOfScope.into());
            };
            authorize_admin(actor, Permission::ViewDashboards, staff.org, orgs)?;
            members.push(staff.org);
        }
        if members.is_empty() {
            return Err(Refusal::OutOfScope.into());
        }
        if members.iter().any(|o| orgs.get(*o).is_some_and(|o| o.kind == OrgKind::National)) {
            return self.figures_of(Subject::Nation, from, to, false).await;
        }
        members.sort();
        members.dedup();
        let outer: Vec<OrgId> =
            members.iter().copied().filter(|o| !members.iter().any(|m| m != o && orgs.is_within(*o, *m))).collect();
        self.figures_of(Subject::Set(outer), from, to, false).await
    }

    /// Public statistics: the nation or one instansi, aggregates only (no unit breakdown,
    /// no lists). Confidential reports are in the counts and nowhere else.
    pub async fn public_statistics(&self, org: Option<OrgId>, from: Period, to: Period) -> AppResult<Dashboard> {
        let key = (org, format!("{from}/{to}"));
        let generation = self.changes.now();
        if let Some(kept) = self.statistics.get(&key, generation) {
            return Ok(Dashboard::clone(&kept));
        }
        let subject = match org {
            None => Subject::Nation,
            Some(o) => {
                let found = self.reference().orgs.get(o).is_some_and(|o| o.kind == OrgKind::Instansi && o.active);
                if !found {
                    return Err(AppError::NotFound("instansi".into()));
                }
                Subject::Org(o)
            }
        };
        let dashboard = self.figures_of(subject, from, to, false).await?;
        self.statistics.put(key, generation, std::sync::Arc::new(dashboard.clone()));
        Ok(dashboard)
    }

    /// The nation's figures for a period from its total cells alone (a row a month): the
    /// home page's headline numbers.
    pub async fn national_figures(&self, from: Period, to: Period) -> AppResult<Figures> {
        check_period(from, to)?;
        let cells = self.cells(Cube::Total, vec![None], from, to).await?;
        Ok(Figures::from_counters(&cells.total(&Filter::total(None, from, to))))
    }

    async fn figures_of(&self, subject: Subject, from: Period, to: Period, units: bool) -> AppResult<Dashboard> {
        check_period(from, to)?;
        let months = from.months_to(to);
        let (previous_from, previous_to) = (from.plus(-months), from.plus(-1));
        let trend_from = from.min(to.plus(1 - TREND_MONTHS));
        let first = previous_from.min(trend_from);
        let reference = self.reference();
        // What each organisation sums, over the period (other months via `during`).
        let of_org = |o: &OrgId| Filter::of_org(&reference.orgs, *o, from, to);
        let picks: Vec<Filter> = match &subject {
            Subject::Nation => vec![Filter::total(None, from, to)],
            Subject::Org(o) => vec![of_org(o)],
            Subject::Set(members) => members.iter().map(of_org).collect(),
        };
        // Whole organisations (or the nation) have breakdowns; a unit's cells are one.
        let whole: Vec<Option<OrgId>> =
            picks.iter().filter(|p| p.breakdown == Breakdown::Total).map(|p| p.org).collect();
        let read = |cube, orgs, from, to| self.cells(cube, orgs, from, to);
        let mut totals = read(Cube::Total, whole.clone(), first, to).await?;
        let unit_holders: Vec<Option<OrgId>> =
            picks.iter().filter(|p| p.breakdown != Breakdown::Total).map(|p| p.org).collect();
        if !unit_holders.is_empty() {
            totals.add(&read(Cube::Unit, unit_holders, first, to).await?);
        }
        let of_picks = |picks: &[Filter], from, to| {
            let mut sum = Counters::new();
            for p in picks {
                sum.add(&totals.total(&p.during(from, to)));
            }
            Figures::from_counters(&sum)
        };
        let figures_between = |from, to| of_picks(&picks, from, to);
        let trend = trend_from.through(to).map(|m| (m, figures_between(m, m))).collect();
        let mut by = Vec::new();
        let single_org = matches!(subject, Subject::Org(_)) && whole.len() == 1;
        for cube in [Cube::Category, Cube::Channel, Cube::Region, Cube::Unit] {
            let skip = whole.is_empty() || (cube == Cube::Unit && !(units && single_org));
            if skip {
                by.push(Vec::new());
                continue;
            }
            by.push(parts(&read(cube, whole.clone(), from, to).await?, &whole, from, to));
        }
        let by_instansi = match &subject {
            Subject::Nation => self.by_instansi(from, to).await?,
            Subject::Org(_) => Vec::new(),
            Subject::Set(members) => {
                let mut parts: Vec<OrgPart> = picks
                    .iter()
                    .zip(members)
                    .map(|(p, org)| OrgPart { org: *org, figures: Figures::from_counters(&totals.total(p)) })
                    .collect();
                parts.sort_by(|a, b| size(&b.figures).cmp(&size(&a.figures)).then(a.org.cmp(&b.org)));
                parts
            }
        };
        let mut by = by.into_iter();
        let mut next = || by.next().unwrap_or_default();
        Ok(Dashboard {
            subject,
            from,
            to,
            figures: figures_between(from, to),
            previous: figures_between(previous_from, previous_to),
            previous_from,
            previous_to,
            trend,
            by_category: next(),
            by_channel: next(),
            by_region: next(),
            by_unit: next(),
            by_instansi,
        })
    }

    /// Every organisation that holds reports (instansi and screening desks), largest first.
    async fn by_instansi(&self, from: Period, to: Period) -> AppResult<Vec<OrgPart>> {
        let holders: Vec<Option<OrgId>> =
            self.reference().orgs.iter().filter(|o| o.kind != OrgKind::Unit).map(|o| Some(o.id)).collect();
        let sums = sums_by_org(&self.cells(Cube::Total, holders, from, to).await?);
        let mut parts: Vec<OrgPart> =
            sums.into_iter().map(|(org, c)| OrgPart { org, figures: Figures::from_counters(&c) }).collect();
        parts.sort_by(|a, b| size(&b.figures).cmp(&size(&a.figures)).then(a.org.cmp(&b.org)));
        Ok(parts)
    }

    /// The instansi of a group with their figures and predicate, best completion first
    /// (ties: more verified reports first, then by id). Public: aggregates only.
    pub async fn ranking(&self, group: &Peers, from: Period, to: Period) -> AppResult<Vec<RankRow>> {
        check_period(from, to)?;
        let members = peers(&self.reference().orgs, group);
        let cells = self.cells(Cube::Total, members.iter().map(|o| Some(*o)).collect(), from, to).await?;
        let thresholds = self.thresholds();
        let sums = sums_by_org(&cells);
        let mut rows: Vec<RankRow> = members
            .into_iter()
            .map(|org| {
                let figures = sums.get(&org).map(Figures::from_counters).unwrap_or_default();
                let predicate = predicate(&figures, &thresholds);
                RankRow { org, figures, predicate }
            })
            .collect();
        rows.sort_by(|a, b| {
            let rate = |r: &RankRow| r.figures.completion_rate.unwrap_or(-1.0);
            rate(b)
                .total_cmp(&rate(a))
                .then(b.figures.volume.verified.cmp(&a.figures.volume.verified))
                .then(a.org.cmp(&b.org))
        });
        Ok(rows)
    }

    async fn cells(&self, cube: Cube, orgs: Vec<Option<OrgId>>, from: Period, to: Period) -> AppResult<Cells> {
        Ok(self.store().measure_cells(&CellQuery { cube, orgs, from, to }).await?)
    }

    /// Recounts every cell from the stored reports and replaces them: after an upgrade
    /// that added the cells, or a change of the holiday calendar or the organisation
    /// tree. Run it while no report changes (the command line, at start-up). Returns the
    /// number of reports counted.
    pub async fn rebuild_measures(&self, on_progress: &(dyn Fn(u64) + Sync)) -> AppResult<u64> {
        let reference = self.reference();
        let mut cells = Cells::new();
        let mut after = ReportId(0);
        let mut counted = 0u64;
        loop {
            let ids = self.store().report_ids_after(after, 500).await?;
            let Some(last) = ids.last() else { break };
            after = *last;
            for id in ids {
                if let Some(report) = self.store().report(id).await? {
                    cells.add(&contribution(&report, &reference.calendar, &reference.orgs));
                    counted += 1;
                }
            }
            on_progress(counted);
        }
        self.store().replace_measures(&cells).await?;
        Ok(counted)
    }

    /// Rebuilds the cells when reports exist but no cell does (a database from before the
    /// cells existed). Returns whether it did.
    pub async fn ensure_measures(&self) -> AppResult<bool> {
        if self.store().report_ids_after(ReportId(0), 1).await?.is_empty() {
            return Ok(false);
        }
        let (ever, never) = (Period::new(1900, 1), Period::new(9999, 12));
        let (Some(from), Some(to)) = (ever, never) else { return Ok(false) };
        if !self.cells(Cube::Total, vec![None], from, to).await?.is_empty() {
            return Ok(false);
        }
        self.rebuild_measures(&|_| {}).await?;
        Ok(true)
    }
}

/// The counters of each organisation over all its cells: one pass over the cells (a cell
/// per organisation and month), not one per organisation.
fn sums_by_org(cells: &Cells) -> HashMap<OrgId, Counters> {
    let mut sums: HashMap<OrgId, Counters> = HashMap::new();
    for (key, counters) in cells.iter() {
        if let Some(org) = key.org {
            sums.entry(org).or_default().add(counters);
        }
    }
    sums
}

/// What "largest" means in a breakdown: reports received, or verified when more.
fn size(f: &Figures) -> i64 {
    f.volume.submitted.max(f.volume.verified)
}

/// The figures of each breakdown value of one cube over the organisations `orgs`,
/// largest volume first.
fn parts(cells: &Cells, orgs: &[Option<OrgId>], from: Period, to: Period) -> Vec<Part> {
    let mut sums: BTreeMap<&Breakdown, Counters> = BTreeMap::new();
    let all = Filter::total(None, from, to);
    for (key, counters) in cells.iter().filter(|(k, _)| orgs.contains(&k.org) && all.covers(k.period)) {
        sums.entry(&key.breakdown).or_default().add(counters);
    }
    let mut parts: Vec<Part> =
        sums.into_iter().map(|(b, c)| Part { breakdown: b.clone(), figures: Figures::from_counters(&c) }).collect();
    parts.sort_by(|a, b| size(&b.figures).cmp(&size(&a.figures)).then(a.breakdown.cmp(&b.breakdown)));
    parts
}
