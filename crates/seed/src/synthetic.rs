//! Synthetic history: realistic reports across regions, categories, channels, statuses
//! and years, made by running the real lifecycle in memory and loaded in bulk.
//!
//! Every report is the result of domain decisions at plausible times, so its status,
//! clocks and timeline are consistent exactly as if people had done it.

use crate::texts::{Place, pick};
use aduan_domain::Refusal;
use aduan_domain::category::Category;
use aduan_domain::event::NewEvent;
use aduan_domain::ids::{OrgId, PersonId, ReportId};
use aduan_domain::lifecycle::{Command, Draft, Verification, decide, due_commands, file};
use aduan_domain::org::OrgKind;
use aduan_domain::permission::{Actor, StaffRole};
use aduan_domain::person::{Email, Role};
use aduan_domain::region::{RegionCode, RegionLevel};
use aduan_domain::report::{AnswerKind, ArchiveReason, Channel, Location, Privacy, Report, ReportType, Reporter};
use aduan_domain::sla::Complexity;
use aduan_domain::status::Status;
use aduan_domain::text::Text;
use aduan_domain::time::Timestamp;
use aduan_domain::tracking::TrackingNumber;
use aduan_reference::regions::regions;
use aduan_service::{App, AppError, AppResult, Reference};
use aduan_store::{ImportedReport, StoreError};
use chrono::Duration;
use indicatif::ProgressBar;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, RngCore, SeedableRng};
use std::collections::HashSet;

/// Who acts in generated histories: one person per role, acting at whichever
/// organisation the step needs (the role and organisation decide, not the person).
#[derive(Debug, Clone, Copy)]
pub struct Cast {
    pub screener: PersonId,
    pub coordinator: PersonId,
    pub officer: PersonId,
    /// When set, a share of reports is filed by this signed-in citizen.
    pub citizen: Option<PersonId>,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub reports: u64,
    /// How far back the history reaches.
    pub years: f64,
    pub seed: u64,
    /// Reports per bulk insert.
    pub batch: usize,
    /// Only these instansi receive reports (all local governments when empty).
    pub instansi: Vec<OrgId>,
    /// Make the first reports cover every status once (for demos).
    pub every_status_first: bool,
    /// Batches imported at once while the next is generated. With 1 (the default) the
    /// reports are stored in the order they were made; more use more of a server's cores.
    pub in_flight: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            reports: 1000,
            years: 3.0,
            seed: 2026,
            batch: 2000,
            instansi: Vec::new(),
            every_status_first: false,
            in_flight: 1,
        }
    }
}

/// A local government that receives reports, with its units and villages.
struct Gov {
    instansi: OrgId,
    region: RegionCode,
    units: Vec<OrgId>,
    villages: Vec<RegionCode>,
}

const CHANNELS: &[(Channel, u32)] = &[
    (Channel::Web, 50),
    (Channel::Whatsapp, 12),
    (Channel::Social, 10),
    (Channel::Api, 6),
    (Channel::Sms, 6),
    (Channel::WalkIn, 5),
    (Channel::Email, 4),
    (Channel::Phone, 3),
    (Channel::Letter, 2),
    (Channel::Open311, 2),
];

const FIRST_NAMES: &[&str] = &[
    "Siti",
    "Agus",
    "Dewi",
    "Budi",
    "Rina",
    "Andi",
    "Wahyu",
    "Nur",
    "Putri",
    "Rudi",
    "Sri",
    "Eko",
    "Fitri",
    "Hendra",
    "Indah",
    "Joko",
    "Lina",
    "Made",
    "Nyoman",
    "Yohanes",
    "Maria",
    "Fransiskus",
    "Ahmad",
    "Aisyah",
    "Dian",
    "Ketut",
];
const LAST_NAMES: &[&str] = &[
    "Rahma",
    "Santoso",
    "Lestari",
    "Saputra",
    "Wulandari",
    "Hidayat",
    "Pratama",
    "Sari",
    "Siregar",
    "Nasution",
    "Wijaya",
    "Kurniawan",
    "Simanjuntak",
    "Manurung",
    "Tanjung",
    "Lubis",
    "Hutapea",
    "Rumbewas",
    "Daeng",
    "Sitompul",
];

struct Generator<'a> {
    reference: &'a Reference,
    cast: Cast,
    govs: Vec<Gov>,
    categories: Vec<(&'a Category, u32)>,
    end: Timestamp,
    span: Duration,
    rng: StdRng,
    seen: HashSet<String>,
}

fn category_weight(code: &str) -> u32 {
    match code {
        "pupr.jalan" => 24,
        "lingkungan.sampah" | "kependudukan.adminduk" | "pupr.drainase" => 10,
        "perhubungan.pju" | "pupr.air-bersih" | "kesehatan.layanan" | "sosial.bansos" => 7,
        c if c.contains('.') => 3,
        _ => 1,
    }
}

impl<'a> Generator<'a> {
    fn new(reference: &'a Reference, cast: Cast, options: &Options, end: Timestamp) -> AppResult<Self> {
        let orgs = &reference.orgs;
        let mut govs = Vec::new();
        for o in orgs.iter().filter(|o| o.kind == OrgKind::Instansi && o.active) {
            let Some(region) = o.region.clone().filter(|r| r.level() == RegionLevel::Regency) else { continue };
            if !options.instansi.is_empty() && !options.instansi.contains(&o.id) {
                continue;
            }
            let mut units: Vec<OrgId> =
                orgs.children(o.id).iter().copied().filter(|u| orgs.get(*u).is_some_and(|u| u.active)).collect();
            units.sort();
            let villages: Vec<RegionCode> =
                regions().children(&region).flat_map(|d| regions().children(&d.code)).map(|v| v.code.clone()).collect();
            if units.is_empty() || villages.is_empty() {
                continue;
            }
            govs.push(Gov { instansi: o.id, region, units, villages });
        }
        govs.sort_by_key(|g| g.instansi);
        if govs.is_empty() {
            return Err(AppError::NotFound("a kabupaten/kota with units (seed the organisations first)".into()));
        }
        let categories: Vec<(&Category, u32)> =
            reference.categories.iter().filter(|c| c.active).map(|c| (c, category_weight(&c.code))).collect();
        if categories.is_empty() {
            return Err(AppError::NotFound("categories (seed them first)".into()));
        }
        let mut categories = categories;
        categories.sort_by_key(|(c, _)| c.id);
        let span = Duration::seconds((options.years * 365.25 * 86_400.0) as i64).max(Duration::days(1));
        Ok(Generator {
            reference,
            cast,
            govs,
            categories,
            end,
            span,
            rng: StdRng::seed_from_u64(options.seed),
            seen: HashSet::new(),
        })
    }

    fn staff(&self, person: PersonId, role: Role, org: OrgId) -> Actor {
        Actor::Staff(StaffRole { person, role, org })
    }

    fn tracking(&mut self) -> TrackingNumber {
        loop {
            let t = TrackingNumber::from_random(self.rng.next_u64());
            if self.seen.insert(t.as_str().to_string()) {
                return t;
            }
        }
    }

    /// The status a report of this age should end in.
    fn target(&mut self, age: Duration) -> Status {
        let weights: &[(Status, u32)] = if age > Duration::days(60) {
            &[
                (Status::Closed, 80),
                (Status::Archived, 12),
                (Status::InProgress, 3),
                (Status::Responded, 2),
                (Status::Forwarded, 1),
                (Status::Submitted, 1),
                (Status::NeedsInfo, 1),
            ]
        } else {
            &[
                (Status::Closed, 25),
                (Status::InProgress, 20),
                (Status::Submitted, 15),
                (Status::Responded, 15),
                (Status::Forwarded, 10),
                (Status::Archived, 10),
                (Status::NeedsInfo, 5),
            ]
        };
        weights.choose_weighted(&mut self.rng, |(_, w)| *w).map(|(s, _)| *s).unwrap_or(Status::Closed)
    }

    fn hours(&mut self, from: u32, to: u32) -> Duration {
        Duration::minutes(i64::from(self.rng.random_range(from * 60..=to * 60)))
    }

    fn text(&mut self, category: &str, part: &str, place: &Place) -> Text {
        let s = pick(&mut self.rng, category, part, place);
        Text::message(&s).unwrap_or_else(|_| Text::trusted("Mohon ditindaklanjuti."))
    }

    /// One report's whole history, ending in (or before) `target`.
    fn history(&mut self, target: Status, submitted_at: Timestamp) -> Result<ImportedReport, Refusal> {
        let gov_index = self.rng.random_range(0..self.govs.len());
        let (cat, _) =
            *self.categories.choose_weighted(&mut self.rng, |(_, w)| *w).map_err(|_| Refusal::rule("no category"))?;
        let village = self.govs[gov_index].villages.choose(&mut self.rng).cloned();
        let dir = regions();
        let place = Place {
            desa: village.as_ref().and_then(|v| dir.get(v)).map(|v| v.name.clone()).unwrap_or_default(),
            kecamatan: village
                .as_ref()
                .and_then(|v| v.parent())
                .and_then(|d| dir.get(&d).map(|d| d.name.clone()))
                .unwrap_or_default(),
            kabupaten: dir.get(&self.govs[gov_index].region).map(|r| r.name.clone()).unwrap_or_default(),
            unit: String::new(),
        };
        let channel = CHANNELS.choose_weighted(&mut self.rng, |(_, w)| *w).map(|(c, _)| *c).unwrap_or(Channel::Web);
        let title = pick(&mut self.rng, &cat.code, "title", &place);
        let description = pick(&mut self.rng, &cat.code, "description", &place);
        let name = format!(
            "{} {}",
            FIRST_NAMES.choose(&mut self.rng).unwrap_or(&"Warga"),
            LAST_NAMES.choose(&mut self.rng).unwrap_or(&"")
        );
        let with_account = self.cast.citizen.filter(|_| self.rng.random_bool(0.3));
        let email = if self.rng.random_bool(0.6) {
            Email::parse(&format!(
                "{}{}@example.com",
                name.to_lowercase().replace(' ', "."),
                self.rng.random_range(1..999)
            ))
            .ok()
        } else {
            None
        };
        let draft = Draft {
            kind: *[
                ReportType::Pengaduan,
                ReportType::Pengaduan,
                ReportType::Pengaduan,
                ReportType::Aspirasi,
                ReportType::PermintaanInformasi,
            ]
            .choose(&mut self.rng)
            .unwrap_or(&ReportType::Pengaduan),
            title: Text::title(&title)
                .or_else(|_| Text::title("Laporan masyarakat"))
                .map_err(|e| Refusal::invalid("title", e.to_string()))?,
            description: Text::description(&description).unwrap_or_else(|_| Text::trusted(description.clone())),
            incident_date: Some((submitted_at - Duration::days(self.rng.random_range(0..30))).date_naive()),
            location: Location {
                point: village.as_ref().and_then(|v| dir.get(v)).and_then(|v| v.point),
                region: village,
                address: None,
            },
            category: Some(cat.id),
            target_instansi: if self.rng.random_bool(0.2) { Some(self.govs[gov_index].instansi) } else { None },
            channel,
            privacy: Privacy { anonymous: self.rng.random_bool(0.15), confidential: self.rng.random_bool(0.05) },
            reporter: Reporter { person: with_account, name: Some(name), email, ..Reporter::default() },
            attachments: Vec::new(),
        };
        let gov = &self.govs[gov_index];
        let (instansi, gov_units) = (gov.instansi, gov.units.clone());
        let filer = match (channel.is_self_service(), with_account) {
            (false, _) => self.staff(self.cast.coordinator, Role::Coordinator, instansi),
            (true, Some(p)) => Actor::Citizen(p),
            (true, None) => Actor::Public,
        };
        let tracking = self.tracking();
        let ctx = self.reference.ctx(submitted_at);
        let filing = file(draft, &filer, tracking, None, &ctx)?;
        let mut h = History { report: filing.report, events: filing.events, now: submitted_at, end: self.end };
        let desk = h.report.screening_desk;
        let screener = self.staff(self.cast.screener, Role::Screener, desk);
        let reporter = Actor::ReportLink(ReportId::UNSAVED);
        let code = cat.code.clone();
        let mut place = place;

        // Screening.
        if target == Status::Submitted {
            return Ok(h.done(self.reference));
        }
        let ask = target == Status::NeedsInfo || self.rng.random_bool(0.1);
        if ask {
            let question = self.text("*", "question", &place);
            let delay = self.hours(2, 40);
            if !h.step(self.reference, &screener, Command::RequestInfo { question }, delay)?
                || target == Status::NeedsInfo
            {
                return Ok(h.done(self.reference));
            }
            if target == Status::Archived && self.rng.random_bool(0.5) {
                h.run_system_after(self.reference, Duration::days(16));
                return Ok(h.done(self.reference));
            }
            let info = self.text("*", "info", &place);
            let delay = self.hours(4, 120);
            if !h.step(self.reference, &reporter, Command::Reply { text: info, attachments: vec![] }, delay)? {
                return Ok(h.done(self.reference));
            }
        }
        if target == Status::Archived {
            let reason = [ArchiveReason::Spam, ArchiveReason::Incomplete, ArchiveReason::OutOfScope]
                .choose(&mut self.rng)
                .cloned()
                .unwrap_or(ArchiveReason::Incomplete);
            let delay = self.hours(1, 70);
            h.step(self.reference, &screener, Command::Archive { reason, note: None }, delay)?;
            return Ok(h.done(self.reference));
        }
        let suggestion =
            self.reference.router.suggest(&self.reference.categories, Some(cat.id), h.report.location.region.as_ref());
        let to = suggestion.filter(|s| s.instansi == instansi).map(|s| s.instansi).unwrap_or(instansi);
        let complexity = if self.rng.random_bool(0.3) { Complexity::ALL.choose(&mut self.rng).copied() } else { None };
        let verify = Command::Verify(Verification { instansi: Some(to), complexity, ..Verification::default() });
        // Most within the three working days, some late.
        let delay = if self.rng.random_bool(0.85) { self.hours(1, 60) } else { self.hours(72, 200) };
        if !h.step(self.reference, &screener, verify, delay)? || target == Status::Forwarded {
            return Ok(h.done(self.reference));
        }
        // Distribution.
        let coordinator = self.staff(self.cast.coordinator, Role::Coordinator, instansi);
        let unit = suggestion
            .and_then(|s| s.unit)
            .filter(|u| gov_units.contains(u))
            .unwrap_or_else(|| *gov_units.choose(&mut self.rng).unwrap_or(&gov_units[0]));
        place.unit = self.reference.orgs.name_of(unit).to_string();
        let delay = self.hours(1, 30);
        if !h.step(self.reference, &coordinator, Command::Dispose { units: vec![unit], note: None }, delay)? {
            return Ok(h.done(self.reference));
        }
        let officer = self.staff(self.cast.officer, Role::Officer, unit);
        if self.rng.random_bool(0.2) {
            let note = self.text("*", "note", &place);
            let delay = self.hours(1, 24);
            h.step(self.reference, &officer, Command::InternalNote { text: note }, delay)?;
        }
        if target == Status::InProgress || self.rng.random_bool(0.25) {
            let text = self.text(&code, "progress", &place);
            let delay = self.hours(4, 80);
            let progress = Command::Respond { unit: None, answer: AnswerKind::Progress, text, attachments: vec![] };
            if !h.step(self.reference, &officer, progress, delay)? || target == Status::InProgress {
                return Ok(h.done(self.reference));
            }
        }
        let mut rounds = 0;
        loop {
            rounds += 1;
            let text = self.text(&code, "answer", &place);
            let delay = if self.rng.random_bool(0.8) { self.hours(8, 110) } else { self.hours(120, 400) };
            let answer = Command::Respond { unit: None, answer: AnswerKind::Final, text, attachments: vec![] };
            if !h.step(self.reference, &officer, answer, delay)? || target == Status::Responded {
                return Ok(h.done(self.reference));
            }
            // The reporter's answer to the answer.
            let roll = self.rng.random_range(0..100);
            if roll < 10 && rounds == 1 {
                let reply = self.text("*", "reply", &place);
                let delay = self.hours(6, 100);
                if !h.step(self.reference, &reporter, Command::Reply { text: reply, attachments: vec![] }, delay)? {
                    return Ok(h.done(self.reference));
                }
                continue;
            }
            let closed = if roll < 55 {
                let delay = self.hours(2, 150);
                h.step(self.reference, &reporter, Command::Accept, delay)?
            } else if roll < 93 {
                h.run_system_after(self.reference, Duration::days(16))
            } else {
                let reason = self.text("*", "outside", &place);
                let delay = self.hours(2, 48);
                h.step(self.reference, &coordinator, Command::CloseOutside { reason }, delay)?
            };
            if !closed || h.report.status != Status::Closed {
                return Ok(h.done(self.reference));
            }
            if self.rng.random_bool(0.6) {
                let stars = *[5u8, 5, 5, 4, 4, 4, 3, 2, 1].choose(&mut self.rng).unwrap_or(&4);
                let part = if stars >= 4 { "rating_good" } else { "rating_bad" };
                let comment = if self.rng.random_bool(0.5) { Some(self.text("*", part, &place)) } else { None };
                let delay = self.hours(0, 48);
                if !h.step(self.reference, &reporter, Command::Rate { stars, comment }, delay)? {
                    return Ok(h.done(self.reference));
                }
                if stars <= 2 && rounds == 1 && self.rng.random_bool(0.3) {
                    let reason = self.text("*", "appeal", &place);
                    let delay = self.hours(6, 200);
                    if h.step(self.reference, &reporter, Command::Appeal { reason }, delay)? {
                        continue;
                    }
                }
            }
            return Ok(h.done(self.reference));
        }
    }
}

/// A report being lived through, step by step, never past `end`.
struct History {
    report: Report,
    events: Vec<NewEvent>,
    now: Timestamp,
    end: Timestamp,
}

impl History {
    /// Applies a step after `delay`; false (and no change) when that would be in the future.
    fn step(
        &mut self,
        reference: &Reference,
        actor: &Actor,
        command: Command,
        delay: Duration,
    ) -> Result<bool, Refusal> {
        let at = self.now + delay;
        if at > self.end {
            return Ok(false);
        }
        let t = decide(&self.report, actor, self.report.version, command, &reference.ctx(at))?;
        self.report = t.report;
        self.events.extend(t.events);
        self.now = at;
        Ok(true)
    }

    /// Lets the scheduler act as it would have, up to `horizon` from now (bounded by `end`).
    fn run_system_after(&mut self, reference: &Reference, horizon: Duration) -> bool {
        let until = (self.now + horizon).min(self.end);
        let Some(due) = self.report.deadlines.iter().filter(|d| d.is_running()).map(|d| d.due_at).min() else {
            return false;
        };
        let at = due + Duration::hours(1);
        if at > until {
            return false;
        }
        let mut acted = false;
        for command in due_commands(&self.report, &reference.ctx(at)) {
            if let Ok(t) = decide(&self.report, &Actor::System, self.report.version, command, &reference.ctx(at)) {
                self.report = t.report;
                self.events.extend(t.events);
                acted = true;
            }
        }
        if acted {
            self.now = at;
        }
        acted
    }

    fn done(self, reference: &Reference) -> ImportedReport {
        ImportedReport::new(self.report, self.events, &reference.calendar, &reference.orgs)
    }
}

/// What a synthetic seed did, and where its time went.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    pub reports: u64,
    pub events: u64,
    /// Time spent running the lifecycle in memory.
    pub generating: std::time::Duration,
    /// Time spent in the store's bulk import.
    pub storing: std::time::Duration,
}

/// Generates and stores `options.reports` reports ending at the application's "now".
///
/// Generation and storage overlap: while up to [`Options::in_flight`] batches are being
/// imported (each in its own transaction), the next is generated. On PostgreSQL two
/// imports also use both cores of the server; on SQLite they queue for the one writer.
pub async fn seed_synthetic(app: &App, cast: Cast, options: &Options, progress: &ProgressBar) -> AppResult<Stats> {
    let reference = app.reference();
    let end = app.now();
    let mut generator = Generator::new(&reference, cast, options, end)?;
    progress.set_length(options.reports);
    progress.set_message("reports");
    let mut made = 0u64;
    let mut stats = Stats::default();
    let mut batch = Vec::with_capacity(options.batch);
    let mut imports = Imports::new(app, options.in_flight.max(1));
    let started = std::time::Instant::now();
    let mut forced = if options.every_status_first { Status::ALL.to_vec() } else { Vec::new() };
    while made < options.reports {
        let clock = std::time::Instant::now();
        let age = Duration::seconds(generator.rng.random_range(0..generator.span.num_seconds().max(1)));
        let (target, submitted_at) = match forced.pop() {
            // A forced status is reached by a recent report, so no clock of it has run out.
            Some(s) => (s, end - Duration::hours(generator.rng.random_range(30..90))),
            None => (generator.target(age), end - age),
        };
        match generator.history(target, submitted_at) {
            Ok(item) => {
                stats.reports += 1;
                stats.events += item.events.len() as u64;
                batch.push(item);
            }
            Err(e) => tracing::debug!(error = %e, "skipped a synthetic history"),
        }
        made += 1;
        stats.generating += clock.elapsed();
        if batch.len() >= options.batch || made == options.reports {
            imports.submit(std::mem::take(&mut batch), &mut generator).await?;
            progress.set_position(made);
        }
    }
    imports.finish(&mut generator).await?;
    stats.storing = started.elapsed().saturating_sub(stats.generating);
    Ok(stats)
}

/// An import running in a task: it hands the batch back with the outcome, for a retry.
type Import = tokio::task::JoinHandle<(Vec<ImportedReport>, Result<(), StoreError>)>;

/// Batches being imported, each by a task of its own.
struct Imports {
    store: std::sync::Arc<dyn aduan_store::Store>,
    limit: usize,
    running: std::collections::VecDeque<Import>,
}

impl Imports {
    fn new(app: &App, limit: usize) -> Self {
        Imports { store: app.store().clone(), limit, running: Default::default() }
    }

    fn spawn(&mut self, batch: Vec<ImportedReport>) {
        let store = self.store.clone();
        self.running.push_back(tokio::spawn(async move {
            let outcome = store.import_reports(&batch).await;
            (batch, outcome)
        }));
    }

    /// Starts importing `batch`, first waiting for the oldest import when enough run.
    async fn submit(&mut self, batch: Vec<ImportedReport>, generator: &mut Generator<'_>) -> AppResult<()> {
        while self.running.len() >= self.limit {
            self.wait_oldest(generator).await?;
        }
        if !batch.is_empty() {
            self.spawn(batch);
        }
        Ok(())
    }

    async fn finish(&mut self, generator: &mut Generator<'_>) -> AppResult<()> {
        while !self.running.is_empty() {
            self.wait_oldest(generator).await?;
        }
        Ok(())
    }

    /// Waits for the oldest import; a batch whose tracking numbers collide with stored
    /// ones (a database seeded before) is renumbered and imported again, a few times.
    async fn wait_oldest(&mut self, generator: &mut Generator<'_>) -> AppResult<()> {
        let Some(task) = self.running.pop_front() else { return Ok(()) };
        let mut attempts = 0;
        let (mut batch, mut outcome) = task.await.map_err(|e| AppError::Internal(format!("import task: {e}")))?;
        loop {
            match outcome {
                Ok(()) => return Ok(()),
                Err(StoreError::Conflict(_)) if attempts < 5 => {
                    attempts += 1;
                    for item in batch.iter_mut() {
                        item.report.tracking = generator.tracking();
                    }
                    outcome = self.store.import_reports(&batch).await;
                }
                Err(StoreError::Conflict(_)) => {
                    return Err(AppError::Internal("tracking numbers kept colliding".into()));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// The synthetic staff: three service accounts (no role assignments, no password),
/// created once and named as what they are.
pub async fn service_cast(app: &App) -> AppResult<Cast> {
    let mut ids = Vec::new();
    for (name, email) in [
        ("Verifikator (data sintetis)", "verifikator@synthetic.aduan.id"),
        ("Admin Instansi (data sintetis)", "koordinator@synthetic.aduan.id"),
        ("Petugas Unit (data sintetis)", "petugas@synthetic.aduan.id"),
    ] {
        let parsed = Email::parse(email).map_err(AppError::Internal)?;
        let id = match app.store().person_by_email(&parsed).await? {
            Some(p) => p.id,
            None => app.add_person(name, Some(email), None, Default::default(), None).await?,
        };
        ids.push(id);
    }
    Ok(Cast { screener: ids[0], coordinator: ids[1], officer: ids[2], citizen: None })
}
