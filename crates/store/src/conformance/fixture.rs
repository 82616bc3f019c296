//! A small deployment every conformance test starts from.

use crate::Store;
use aduan_domain::calendar::HolidayCalendar;
use aduan_domain::category::{CategoryTree, NewCategory};
use aduan_domain::deadline::ClockKind;
use aduan_domain::ids::{CategoryId, OrgId, PersonId};
use aduan_domain::lifecycle::{Command, Context, Draft, Filing, Transition, Verification, decide, file};
use aduan_domain::org::{Contact, NewOrganisation, OrgKind, OrgTree};
use aduan_domain::permission::{Actor, StaffRole};
use aduan_domain::person::{Email, Locale, NewPerson, Role};
use aduan_domain::region::RegionCode;
use aduan_domain::report::{
    AnswerKind, ArchiveReason, AttachmentMeta, Channel, GeoPoint, Location, Privacy, Report, ReportType, Reporter,
};
use aduan_domain::sla::SlaPolicy;
use aduan_domain::text::Text;
use aduan_domain::time::{Timestamp, Zone};
use aduan_domain::tracking::TrackingNumber;
use chrono::{Duration, TimeZone, Utc};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub struct Fixture {
    pub store: Arc<dyn Store>,
    pub orgs: OrgTree,
    pub categories: CategoryTree,
    pub calendar: HolidayCalendar,
    pub sla: SlaPolicy,
    pub citizen: PersonId,
    pub screener: Actor,
    pub kutim_coordinator: Actor,
    pub pupr_officer: Actor,
    serial: AtomicU64,
}

pub fn t0() -> Timestamp {
    // Monday 2 March 2026, 09:00 WIB.
    Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).single().unwrap_or_default()
}

pub fn day(n: i64) -> Timestamp {
    t0() + Duration::days(n)
}

fn org(
    code: &str,
    name: &str,
    kind: OrgKind,
    parent: Option<&str>,
    region: Option<&str>,
    zone: Zone,
) -> NewOrganisation {
    NewOrganisation {
        code: code.into(),
        name: name.into(),
        kind,
        parent_code: parent.map(Into::into),
        region: region.and_then(|r| RegionCode::parse(r).ok()),
        zone,
        screens_own_reports: false,
        contact: Contact::default(),
    }
}

pub fn text(s: &str) -> Text {
    Text::message(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

impl Fixture {
    /// Migrates the store and loads a national desk, Kutai Timur (with PUPR and DLH),
    /// Kabupaten Jayapura (with PUPR), Kemenkes, a category tree and three staff.
    pub async fn new(store: Arc<dyn Store>) -> Fixture {
        store.migrate().await.expect("migrate");
        store
            .create_organisations(&[
                org("NASIONAL", "Admin Nasional SP4N", OrgKind::National, None, None, Zone::Wib),
                org(
                    "KAB-64.08",
                    "Pemerintah Kabupaten Kutai Timur",
                    OrgKind::Instansi,
                    Some("NASIONAL"),
                    Some("64.08"),
                    Zone::Wita,
                ),
                org(
                    "KAB-64.08/DPUPR",
                    "Dinas PUPR Kutai Timur",
                    OrgKind::Unit,
                    Some("KAB-64.08"),
                    Some("64.08"),
                    Zone::Wita,
                ),
                org(
                    "KAB-64.08/DLH",
                    "Dinas Lingkungan Hidup Kutai Timur",
                    OrgKind::Unit,
                    Some("KAB-64.08"),
                    Some("64.08"),
                    Zone::Wita,
                ),
                org(
                    "KAB-91.03",
                    "Pemerintah Kabupaten Jayapura",
                    OrgKind::Instansi,
                    Some("NASIONAL"),
                    Some("91.03"),
                    Zone::Wit,
                ),
                org(
                    "KAB-91.03/DPUPR",
                    "Dinas PUPR Jayapura",
                    OrgKind::Unit,
                    Some("KAB-91.03"),
                    Some("91.03"),
                    Zone::Wit,
                ),
                org("KEMENKES", "Kementerian Kesehatan", OrgKind::Instansi, Some("NASIONAL"), None, Zone::Wib),
            ])
            .await
            .expect("organisations");
        store
            .create_categories(&[
                NewCategory {
                    code: "pupr".into(),
                    parent_code: None,
                    name_id: "Pekerjaan Umum".into(),
                    name_en: "Public works".into(),
                },
                NewCategory {
                    code: "pupr.jalan".into(),
                    parent_code: Some("pupr".into()),
                    name_id: "Jalan".into(),
                    name_en: "Roads".into(),
                },
                NewCategory {
                    code: "lingkungan".into(),
                    parent_code: None,
                    name_id: "Lingkungan".into(),
                    name_en: "Environment".into(),
                },
                NewCategory {
                    code: "kesehatan".into(),
                    parent_code: None,
                    name_id: "Kesehatan".into(),
                    name_en: "Health".into(),
                },
            ])
            .await
            .expect("categories");
        let orgs = OrgTree::new(store.organisations().await.expect("organisations"));
        let categories = CategoryTree::new(store.categories().await.expect("categories"));
        let person = |name: &str, email: &str| NewPerson {
            display_name: name.into(),
            email: Email::parse(email).ok(),
            phone: None,
            locale: Locale::Id,
            password_hash: None,
        };
        let citizen = store.create_person(&person("Siti Rahma", "siti@example.id"), t0()).await.expect("person");
        let mut staff = Vec::new();
        for (name, email, role, code) in [
            ("Verifikator", "verif@example.go.id", Role::Screener, "NASIONAL"),
            ("Admin Kominfo", "kominfo@kutaitimurkab.go.id", Role::Coordinator, "KAB-64.08"),
            ("Petugas PUPR", "pupr@kutaitimurkab.go.id", Role::Officer, "KAB-64.08/DPUPR"),
        ] {
            let p = store.create_person(&person(name, email), t0()).await.expect("staff");
            let org = orgs.by_code(code).expect("org").id;
            store.grant_role(p, role, org, t0()).await.expect("grant");
            staff.push(Actor::Staff(StaffRole { person: p, role, org }));
        }
        Fixture {
            store,
            orgs,
            categories,
            calendar: HolidayCalendar::new(),
            sla: SlaPolicy::default(),
            citizen,
            screener: staff[0],
            kutim_coordinator: staff[1],
            pupr_officer: staff[2],
            serial: AtomicU64::new(1),
        }
    }

    pub fn ctx(&self, now: Timestamp) -> Context<'_> {
        Context { now, orgs: &self.orgs, categories: &self.categories, calendar: &self.calendar, sla: &self.sla }
    }

    pub fn org(&self, code: &str) -> OrgId {
        self.orgs.by_code(code).map(|o| o.id).unwrap_or_else(|| panic!("no organisation {code}"))
    }

    pub fn category(&self, code: &str) -> CategoryId {
        self.categories.by_code(code).map(|c| c.id).unwrap_or_else(|| panic!("no category {code}"))
    }

    pub fn citizen(&self) -> Actor {
        Actor::Citizen(self.citizen)
    }

    pub fn draft(&self, title: &str, description: &str, region: &str, category: &str) -> Draft {
        Draft {
            kind: ReportType::Pengaduan,
            title: Text::title(title).expect("title"),
            description: Text::description(description).expect("description"),
            incident_date: chrono::NaiveDate::from_ymd_opt(2026, 2, 27),
            location: Location {
                region: RegionCode::parse(region).ok(),
                address: Some("Jl. Poros Sangatta–Bontang km 12".into()),
                point: GeoPoint::parse(0.512, 117.58).ok(),
            },
            category: Some(self.category(category)),
            target_instansi: None,
            channel: Channel::Web,
            privacy: Privacy::default(),
            reporter: Reporter {
                name: Some("Siti Rahma".into()),
                email: Email::parse("siti@example.id").ok(),
                phone: aduan_domain::person::Phone::parse("0812-3456-7890").ok(),
                nik: Some("6408011234560001".into()),
                public_name: Some("Bu Siti".into()),
                person: None,
            },
            attachments: vec![AttachmentMeta {
                key: "2026/03/abc".into(),
                file_name: "jalan.jpg".into(),
                content_type: "image/jpeg".into(),
                size: 123_456,
                sha256: "00".repeat(32),
            }],
        }
    }

    /// A fresh tracking number (deterministic per fixture).
    pub fn tracking(&self) -> TrackingNumber {
        TrackingNumber::from_random(self.serial.fetch_add(7919, Ordering::Relaxed) * 104_729)
    }

    /// Files and stores a report at `at`.
    pub async fn file(&self, draft: Draft, at: Timestamp) -> Report {
        let filing = self.filing_of(draft, at);
        self.store.create_report(&filing).await.expect("create report")
    }

    /// A road report decided at `at`, not yet stored.
    pub fn filing(&self, title: &str, at: Timestamp) -> Filing {
        self.filing_of(self.road(title), at)
    }

    fn filing_of(&self, mut draft: Draft, at: Timestamp) -> Filing {
        // Reports filed "in the past" of the fixture cannot describe a later incident.
        draft.incident_date = draft.incident_date.filter(|d| *d <= Zone::Wib.local_date(at));
        file(draft, &self.citizen(), self.tracking(), Some("secret-hash".into()), &self.ctx(at)).expect("file")
    }

    fn road(&self, title: &str) -> Draft {
        self.draft(
            title,
            "Jalan poros berlubang besar sejak dua bulan, membahayakan pengendara motor.",
            "64.08.01.2001",
            "pupr.jalan",
        )
    }

    pub async fn file_road(&self, title: &str, at: Timestamp) -> Report {
        self.file(self.road(title), at).await
    }

    /// Decides a command and stores it; panics on refusal.
    pub async fn act(&self, report: &Report, actor: &Actor, command: Command, at: Timestamp) -> Report {
        let t = self.decide(report, actor, command, at);
        let stored = self.store.apply(&t).await.expect("apply");
        assert_eq!(stored, t.report, "the store returns what the domain decided");
        stored
    }

    pub fn decide(&self, report: &Report, actor: &Actor, command: Command, at: Timestamp) -> Transition {
        decide(report, actor, report.version, command.clone(), &self.ctx(at))
            .unwrap_or_else(|e| panic!("{command:?} refused: {e}"))
    }

    pub fn verify_to(&self, code: &str) -> Command {
        Command::Verify(Verification { instansi: Some(self.org(code)), ..Verification::default() })
    }

    /// Stored reports in every state of their queue clocks: verification running, paused
    /// for the reporter, marked overdue, follow-up running, answered (none running),
    /// archived. For checks of what a store derives from the clocks.
    pub async fn reports_in_every_clock_state(&self) -> Vec<Report> {
        let verifying = self.file_road("Jalan rusak", t0()).await;
        let asked = self.file_road("Lokasi kurang jelas", t0()).await;
        let asked = self.act(&asked, &self.screener, Command::RequestInfo { question: text("Di mana?") }, day(1)).await;
        let late = self.file_road("Jembatan putus", day(-20)).await;
        let seq = late.active_clock(ClockKind::Verification).map(|c| c.seq).unwrap_or_default();
        let late = self.act(&late, &Actor::System, Command::MarkOverdue { seq }, day(1)).await;
        let forwarded = self.file_road("Drainase tersumbat", t0()).await;
        let forwarded = self.act(&forwarded, &self.screener, self.verify_to("KAB-64.08"), day(1)).await;
        let answered = self.act(&forwarded.clone(), &self.kutim_coordinator, answer(), day(2)).await;
        let archived = self.file_road("Iklan", t0()).await;
        let archived = self
            .act(&archived, &self.screener, Command::Archive { reason: ArchiveReason::Spam, note: None }, day(1))
            .await;
        let forwarded = self.file_road("Lampu jalan mati", t0()).await;
        let forwarded = self.act(&forwarded, &self.screener, self.verify_to("KAB-91.03"), day(1)).await;
        vec![verifying, asked, late, forwarded, answered, archived]
    }
}

/// What a store keeps on each report row for its lists, as the domain derives it from
/// the clocks: (id, queue deadline in microseconds or [`crate::NO_DEADLINE_MICROS`], its
/// zone, marked overdue), by id.
pub fn queue_columns_of(reports: &[Report]) -> Vec<(i64, i64, Option<String>, bool)> {
    let mut out: Vec<_> = reports
        .iter()
        .map(|r| {
            let due = r.queue_due();
            (
                r.id.0,
                due.map_or(crate::NO_DEADLINE_MICROS, |(at, _)| at.timestamp_micros()),
                due.map(|(_, zone)| zone.abbreviation().to_string()),
                r.marked_overdue(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The UPDATE statements of a migration's text: what a test replays to check how the
/// migration fills in a new column.
pub fn updates_of(migration: &str) -> Vec<String> {
    migration
        .split(';')
        .map(|s| s.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join("\n"))
        .filter(|s| s.trim_start().starts_with("UPDATE"))
        .collect()
}

fn answer() -> Command {
    Command::Respond {
        unit: None,
        answer: AnswerKind::Progress,
        text: text("Sedang kami tangani."),
        attachments: vec![],
    }
}
