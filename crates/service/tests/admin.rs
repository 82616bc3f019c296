//! Organisation administration, answer templates, duplicate candidates and role switching,
//! in process on a SQLite file of the test's own.

use aduan_domain::Refusal;
use aduan_domain::ids::{AssignmentId, OrgId, PersonId};
use aduan_domain::lifecycle::Command;
use aduan_domain::org::OrgKind;
use aduan_domain::permission::{Actor, StaffRole};
use aduan_domain::person::{Locale, Role};
use aduan_domain::region::RegionCode;
use aduan_domain::report::{ArchiveReason, Report};
use aduan_domain::routing::NewRoutingRule;
use aduan_domain::sla::Limits;
use aduan_domain::time::{ManualClock, Timestamp, Zone};
use aduan_service::{AnswerTemplate, App, AppError, AppResult, NewAnswerTemplate, TemplateId};
use aduan_store::Store;
use aduan_store::conformance::{Fixture, day, t0};
use aduan_store_sqlite::SqliteStore;
use std::sync::Arc;

struct World {
    f: Fixture,
    app: App,
    national_admin: Actor,
    kutim_admin: Actor,
    jayapura_admin: Actor,
    _dir: tempfile::TempDir,
}

impl World {
    async fn new() -> World {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("aduan.db");
        let store: Arc<dyn Store> = Arc::new(SqliteStore::connect(&path.display().to_string()).await.expect("open"));
        let f = Fixture::new(store.clone()).await;
        let app = App::open(store, Arc::new(ManualClock::new(day(1))), Limits::default()).await.expect("app");
        let admin = async |name: &str, code: &str| {
            let person = app.add_person(name, None, None, Locale::Id, None).await.expect("person");
            let org = f.org(code);
            app.grant_role(person, Role::OrgAdmin, org).await.expect("grant");
            Actor::Staff(StaffRole { person, role: Role::OrgAdmin, org })
        };
        let national_admin = admin("Admin Nasional", "NASIONAL").await;
        let kutim_admin = admin("Admin Kutim", "KAB-64.08").await;
        let jayapura_admin = admin("Admin Jayapura", "KAB-91.03").await;
        World { f, app, national_admin, kutim_admin, jayapura_admin, _dir: dir }
    }

    fn org(&self, id: OrgId) -> aduan_domain::org::Organisation {
        self.app.reference().orgs.get(id).cloned().expect("organisation")
    }

    async fn stored_orgs(&self) -> Vec<aduan_domain::org::Organisation> {
        let mut all = self.f.store.organisations().await.expect("organisations");
        all.sort_by_key(|o| o.id);
        all
    }
}

fn refusal<T: std::fmt::Debug>(r: AppResult<T>) -> Refusal {
    match r {
        Err(AppError::Refused(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn units_are_created_renamed_and_switched_off_in_scope_only() {
    let w = World::new().await;
    let (kutim, pupr) = (w.f.org("KAB-64.08"), w.f.org("KAB-64.08/DPUPR"));
    let before = w.stored_orgs().await;

    // Out of scope, by a non-admin, or under the national desk: refused, nothing changes.
    let r = w.app.create_unit(&w.jayapura_admin, kutim, "KAB-64.08/DISDIK", "Dinas Pendidikan").await;
    assert_eq!(refusal(r), Refusal::OutOfScope);
    let r = w.app.create_unit(&w.f.kutim_coordinator, kutim, "KAB-64.08/DISDIK", "Dinas Pendidikan").await;
    assert!(matches!(refusal(r), Refusal::RoleNotAllowed { .. }));
    let r = w.app.create_unit(&w.national_admin, w.f.org("NASIONAL"), "DISDIK", "Dinas Pendidikan").await;
    assert!(matches!(refusal(r), Refusal::Invalid { .. }));
    let r = w.app.create_unit(&w.kutim_admin, kutim, "KAB-64.08/DLH", "Dinas Lingkungan Hidup").await;
    assert!(matches!(refusal(r), Refusal::Invalid { field, .. } if field == "code"), "a code is unique");
    assert!(w.app.rename_org(&w.jayapura_admin, pupr, "Dinas PU").await.is_err());
    assert!(w.app.set_org_active(&w.jayapura_admin, pupr, false).await.is_err());
    assert!(w.app.set_org_active(&w.national_admin, w.f.org("NASIONAL"), false).await.is_err());
    assert_eq!(w.stored_orgs().await, before, "refused changes left the tree as it was");

    // In scope: a unit inherits its parent's zone and region.
    let disdik =
        w.app.create_unit(&w.kutim_admin, kutim, "KAB-64.08/DISDIK", "Dinas Pendidikan").await.expect("create");
    let created = w.org(disdik);
    assert_eq!((created.kind, created.parent, created.zone), (OrgKind::Unit, Some(kutim), Zone::Wita));
    assert_eq!(created.region, RegionCode::parse("64.08").ok());
    let sd = w.app.create_unit(&w.kutim_admin, disdik, "KAB-64.08/DISDIK/SD", "Bidang SD").await.expect("sub-unit");
    assert_eq!(w.org(sd).parent, Some(disdik));
    w.app.rename_org(&w.kutim_admin, pupr, "Dinas Pekerjaan Umum dan Penataan Ruang").await.expect("rename");
    assert_eq!(w.org(pupr).name, "Dinas Pekerjaan Umum dan Penataan Ruang");
    w.app.set_org_active(&w.kutim_admin, disdik, false).await.expect("deactivate");
    assert!(!w.org(disdik).active);
    assert!(
        w.stored_orgs().await.iter().any(|o| o.id == disdik && !o.active),
        "the reference was reloaded from the store"
    );
    w.app.set_org_active(&w.national_admin, disdik, true).await.expect("the national admin's scope covers it");
    assert!(w.org(disdik).active);
}

#[tokio::test]
async fn a_unit_moves_within_scope_and_never_under_itself() {
    let w = World::new().await;
    let (pupr, dlh) = (w.f.org("KAB-64.08/DPUPR"), w.f.org("KAB-64.08/DLH"));
    let bm = w.app.create_unit(&w.kutim_admin, pupr, "KAB-64.08/DPUPR/BM", "Bidang Bina Marga").await.expect("unit");
    let before = w.stored_orgs().await;

    let r = w.app.move_unit(&w.kutim_admin, pupr, bm).await;
    assert!(matches!(refusal(r), Refusal::Rule(_)), "under its own sub-unit");
    let r = w.app.move_unit(&w.kutim_admin, pupr, pupr).await;
    assert!(matches!(refusal(r), Refusal::Rule(_)), "under itself");
    let r = w.app.move_unit(&w.jayapura_admin, dlh, pupr).await;
    assert_eq!(refusal(r), Refusal::OutOfScope);
    let r = w.app.move_unit(&w.kutim_admin, dlh, w.f.org("KAB-91.03/DPUPR")).await;
    assert_eq!(refusal(r), Refusal::OutOfScope, "the new parent is outside the admin's scope");
    let r = w.app.move_unit(&w.national_admin, dlh, w.f.org("KAB-91.03/DPUPR")).await;
    assert!(matches!(refusal(r), Refusal::Rule(_)), "a unit stays within its instansi");
    assert_eq!(w.stored_orgs().await, before);

    // A report DLH holds is in DLH's lists, not yet in PUPR's.
    let waste = forwarded(&w, "Sampah menumpuk di pasar", day(1)).await;
    let to_dlh = Command::Dispose { units: vec![dlh], note: None };
    let waste = w.f.act(&waste, &w.f.kutim_coordinator, to_dlh, day(1)).await;
    let in_lists_of = async |org: OrgId| -> bool {
        let filter = aduan_store::ReportFilter::new(aduan_store::Scope::Within(org));
        let page = w.f.store.list_reports(&filter, &aduan_store::PageRequest::first(50)).await.expect("list");
        page.items.iter().any(|s| s.id == waste.id)
    };
    assert!(in_lists_of(dlh).await && !in_lists_of(pupr).await);

    w.app.move_unit(&w.kutim_admin, dlh, pupr).await.expect("move");
    assert_eq!(w.org(dlh).parent, Some(pupr));
    assert!(w.app.reference().orgs.is_within(dlh, pupr));
    // Moved under PUPR, what DLH holds is in PUPR's lists too (staff see what their units hold).
    assert!(in_lists_of(dlh).await && in_lists_of(pupr).await);
    assert!(in_lists_of(w.f.org("KAB-64.08")).await);
}

/// A road report verified to Kutai Timur, at `at`.
async fn forwarded(w: &World, title: &str, at: Timestamp) -> Report {
    let r = w.f.file_road(title, at).await;
    w.f.act(&r, &w.f.screener, w.f.verify_to("KAB-64.08"), at).await
}

#[tokio::test]
async fn a_deactivated_unit_is_refused_for_disposition_and_its_reports_stay_readable() {
    let w = World::new().await;
    let (pupr, dlh) = (w.f.org("KAB-64.08/DPUPR"), w.f.org("KAB-64.08/DLH"));
    let old = forwarded(&w, "Jalan rusak di Sangatta", t0()).await;
    let old = w.f.act(&old, &w.f.kutim_coordinator, Command::Dispose { units: vec![pupr], note: None }, t0()).await;
    let new = forwarded(&w, "Jembatan retak di Bengalon", t0()).await;

    w.app.set_org_active(&w.kutim_admin, pupr, false).await.expect("deactivate");
    let r = w
        .app
        .act(&w.f.kutim_coordinator, new.id, new.version, Command::Dispose { units: vec![pupr], note: None })
        .await;
    assert!(matches!(refusal(r), Refusal::Invalid { field, .. } if field == "units"));
    w.app
        .act(&w.f.kutim_coordinator, new.id, new.version, Command::Dispose { units: vec![dlh], note: None })
        .await
        .expect("an active unit still takes reports");

    // History stays: the old report, its timeline and the officer's assignment.
    for viewer in [&w.f.kutim_coordinator, &w.f.pupr_officer] {
        let view = w.app.view_report(viewer, old.id).await.expect("still readable");
        assert_eq!(view.report.units.first().map(|u| u.unit), Some(pupr));
        assert_eq!(view.events.len(), 3, "submitted, verified, disposed");
    }
    let staff = w.app.staff_in_scope(&w.kutim_admin).await.expect("staff");
    assert!(staff.iter().any(|(_, a)| a.org == pupr && a.role == Role::Officer));
}

#[tokio::test]
async fn staff_and_roles_are_managed_within_scope() {
    let w = World::new().await;
    let (kutim, pupr) = (w.f.org("KAB-64.08"), w.f.org("KAB-64.08/DPUPR"));
    let r = w.app.create_staff(&w.f.kutim_coordinator, "rina@kutaitimurkab.go.id", "Rina", "rahasia-sekali-123").await;
    assert!(matches!(refusal(r), Refusal::RoleNotAllowed { .. }));
    let rina = w
        .app
        .create_staff(&w.kutim_admin, "rina@kutaitimurkab.go.id", "Rina", "rahasia-sekali-123")
        .await
        .expect("create");
    assert!(matches!(
        w.app.create_staff(&w.kutim_admin, "RINA@kutaitimurkab.go.id", "Rina 2", "rahasia-sekali-123").await,
        Err(AppError::Conflict(_))
    ));

    // Not above or beside the admin's own scope.
    for org in [w.f.org("NASIONAL"), w.f.org("KAB-91.03")] {
        assert_eq!(
            refusal(w.app.grant_role_by(&w.kutim_admin, rina, Role::Coordinator, org).await),
            Refusal::OutOfScope
        );
    }
    assert!(w.app.assignments(rina).await.expect("assignments").is_empty(), "refused grants left nothing");
    let officer = w.app.grant_role_by(&w.kutim_admin, rina, Role::Officer, pupr).await.expect("grant");
    assert!(matches!(
        w.app.grant_role_by(&w.kutim_admin, PersonId(999_999), Role::Officer, pupr).await,
        Err(AppError::NotFound(_))
    ));

    let in_scope = w.app.staff_in_scope(&w.kutim_admin).await.expect("staff");
    let names: Vec<&str> = in_scope.iter().map(|(p, _)| p.display_name.as_str()).collect();
    for expected in ["Rina", "Admin Kominfo", "Petugas PUPR", "Admin Kutim"] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    assert!(!names.contains(&"Verifikator") && !names.contains(&"Admin Jayapura"), "{names:?}");
    assert!(in_scope.iter().all(|(_, a)| w.app.reference().orgs.is_within(a.org, kutim)));
    assert_eq!(w.app.staff_in_scope(&Actor::System).await.expect("all").len(), in_scope.len() + 3);

    assert_eq!(refusal(w.app.revoke_role_by(&w.jayapura_admin, officer).await), Refusal::OutOfScope);
    assert!(w.app.staff_roles(rina).await.expect("roles").iter().any(|a| a.id == officer), "still active");
    w.app.revoke_role_by(&w.kutim_admin, officer).await.expect("revoke");
    assert!(w.app.staff_roles(rina).await.expect("roles").is_empty());
    assert!(matches!(w.app.revoke_role_by(&w.kutim_admin, officer).await, Err(AppError::NotFound(_))));
    assert!(matches!(w.app.revoke_role_by(&w.kutim_admin, AssignmentId(999_999)).await, Err(AppError::NotFound(_))));
}

#[tokio::test]
async fn categories_and_holidays_are_national() {
    let w = World::new().await;
    let r = w.app.create_category(&w.kutim_admin, Some("pupr"), "pupr.trotoar", "Trotoar", None).await;
    assert_eq!(refusal(r), Refusal::OutOfScope);
    assert!(w.f.store.categories().await.expect("categories").iter().all(|c| c.code != "pupr.trotoar"));
    let id = w
        .app
        .create_category(&w.national_admin, Some("pupr"), "pupr.trotoar", "Trotoar", Some("Pavements"))
        .await
        .expect("create");
    let reference = w.app.reference();
    let created = reference.categories.get(id).expect("in the reference");
    assert_eq!((created.parent, created.name_en.as_str()), (Some(w.f.category("pupr")), "Pavements"));
    let r = w.app.create_category(&w.national_admin, None, "pupr.trotoar", "Trotoar", None).await;
    assert!(matches!(refusal(r), Refusal::Invalid { field, .. } if field == "code"));
    let r = w.app.create_category(&w.national_admin, Some("nope"), "nope.x", "X", None).await;
    assert!(matches!(refusal(r), Refusal::Invalid { field, .. } if field == "parent"));
    w.app.create_category(&Actor::System, None, "pungli", "Pungutan liar", None).await.expect("the CLI may");

    let csv = "date,kind,name\n2031-01-01,public,Tahun Baru Masehi\n2031-08-17,public,Hari Kemerdekaan\n";
    assert!(!w.app.reference().calendar.covers(2031));
    assert_eq!(refusal(w.app.load_holiday_year_by(&w.kutim_admin, csv).await), Refusal::OutOfScope);
    assert!(!w.app.reference().calendar.covers(2031) && w.f.store.holiday_years().await.expect("years").is_empty());
    let status = w.app.load_holiday_year_by(&w.national_admin, csv).await.expect("load");
    assert_eq!((status.year, status.public, status.missing), (2031, 2, false));
    assert!(w.app.reference().calendar.covers(2031));
}

#[tokio::test]
async fn routing_rules_and_deadlines_belong_to_an_instansi_in_scope() {
    let w = World::new().await;
    let (kutim, pupr) = (w.f.org("KAB-64.08"), w.f.org("KAB-64.08/DPUPR"));
    let rule = NewRoutingRule {
        category: w.f.category("pupr"),
        region: RegionCode::parse("64.08").ok(),
        instansi: kutim,
        unit: Some(pupr),
    };
    let desa = RegionCode::parse("64.08.01.2001").ok();
    assert_eq!(refusal(w.app.create_rule_by(&w.jayapura_admin, rule.clone()).await), Refusal::OutOfScope);
    assert!(w.app.suggest_route(Some(w.f.category("pupr.jalan")), desa.as_ref()).is_none());
    let wrong_unit = NewRoutingRule { unit: Some(w.f.org("KAB-91.03/DPUPR")), ..rule.clone() };
    assert!(matches!(refusal(w.app.create_rule_by(&w.kutim_admin, wrong_unit).await), Refusal::Invalid { .. }));
    let unknown_region = NewRoutingRule { region: RegionCode::parse("99.99").ok(), ..rule.clone() };
    assert!(matches!(refusal(w.app.create_rule_by(&w.kutim_admin, unknown_region).await), Refusal::Invalid { .. }));

    let id = w.app.create_rule_by(&w.kutim_admin, rule).await.expect("create");
    let s = w.app.suggest_route(Some(w.f.category("pupr.jalan")), desa.as_ref()).expect("a suggestion now");
    assert_eq!((s.rule, s.instansi, s.unit), (id, kutim, Some(pupr)));
    assert_eq!(refusal(w.app.delete_rule_by(&w.jayapura_admin, id).await), Refusal::OutOfScope);
    assert_eq!(w.f.store.routing_rules().await.expect("rules").len(), 1);
    w.app.delete_rule_by(&w.kutim_admin, id).await.expect("delete");
    assert!(w.app.suggest_route(Some(w.f.category("pupr.jalan")), desa.as_ref()).is_none());
    assert!(matches!(w.app.delete_rule_by(&w.kutim_admin, id).await, Err(AppError::NotFound(_))));

    let limits = Limits { follow_up: 3, ..Limits::default() };
    assert_eq!(refusal(w.app.set_deadlines_by(&w.jayapura_admin, kutim, Some(limits)).await), Refusal::OutOfScope);
    assert!(matches!(
        refusal(w.app.set_deadlines_by(&w.kutim_admin, pupr, Some(limits)).await),
        Refusal::Invalid { .. }
    ));
    let zero = Limits { verification: 0, ..Limits::default() };
    assert!(matches!(
        refusal(w.app.set_deadlines_by(&w.kutim_admin, kutim, Some(zero)).await),
        Refusal::Invalid { .. }
    ));
    assert!(w.f.store.sla_overrides().await.expect("overrides").is_empty());
    w.app.set_deadlines_by(&w.kutim_admin, kutim, Some(limits)).await.expect("set");
    assert_eq!(w.app.reference().sla.limits_for(Some(kutim)).follow_up, 3);
    w.app.set_deadlines_by(&w.kutim_admin, kutim, None).await.expect("back to the defaults");
    assert_eq!(w.app.reference().sla.limits_for(Some(kutim)), &Limits::default());
}

async fn stored(app: &App, id: TemplateId) -> Option<AnswerTemplate> {
    app.templates_in_scope(&Actor::System).await.expect("all").into_iter().find(|t| t.id == id)
}

fn template(org: OrgId, category: Option<aduan_domain::ids::CategoryId>, title: &str) -> NewAnswerTemplate {
    NewAnswerTemplate::parse(org, category, title, &format!("{title}: terima kasih atas laporan Anda."))
        .expect("template")
}

#[tokio::test]
async fn templates_are_kept_in_scope_and_offered_most_specific_first() {
    let w = World::new().await;
    let (national, kutim, pupr) = (w.f.org("NASIONAL"), w.f.org("KAB-64.08"), w.f.org("KAB-64.08/DPUPR"));
    let (pu, jalan) = (Some(w.f.category("pupr")), Some(w.f.category("pupr.jalan")));

    let r = w.app.create_template_by(&w.jayapura_admin, template(kutim, None, "Salam")).await;
    assert_eq!(refusal(r), Refusal::OutOfScope);
    let r = w.app.create_template_by(&w.kutim_admin, template(national, None, "Salam")).await;
    assert_eq!(refusal(r), Refusal::OutOfScope, "not above the admin's scope");
    assert!(w.f.store.templates().await.expect("templates").is_empty());

    let general =
        w.app.create_template_by(&w.national_admin, template(national, None, "Salam nasional")).await.expect("t");
    let kutim_pu = w.app.create_template_by(&w.kutim_admin, template(kutim, pu, "PU Kutim")).await.expect("t");
    let pupr_road =
        w.app.create_template_by(&w.kutim_admin, template(pupr, jalan, "Perbaikan jalan")).await.expect("t");
    let kutim_road = w.app.create_template_by(&w.kutim_admin, template(kutim, jalan, "Jalan Kutim")).await.expect("t");
    let pupr_general = w.app.create_template_by(&w.kutim_admin, template(pupr, None, "Salam PUPR")).await.expect("t");
    let health =
        w.app.create_template_by(&w.kutim_admin, template(kutim, Some(w.f.category("kesehatan")), "Sehat")).await;
    let jayapura = w.f.org("KAB-91.03");
    w.app.create_template_by(&w.jayapura_admin, template(jayapura, jalan, "Jalan Jayapura")).await.expect("t");

    // Switched off: kept, no longer offered. Out of scope: refused and unchanged.
    let health = stored(&w.app, health.expect("t")).await.expect("stored");
    let off = AnswerTemplate { active: false, ..health.clone() };
    assert_eq!(refusal(w.app.update_template_by(&w.jayapura_admin, off.clone()).await), Refusal::OutOfScope);
    let moved_out = AnswerTemplate { org: jayapura, ..health.clone() };
    assert_eq!(refusal(w.app.update_template_by(&w.kutim_admin, moved_out).await), Refusal::OutOfScope);
    assert_eq!(stored(&w.app, health.id).await, Some(health.clone()));
    let saved = w.app.update_template_by(&w.kutim_admin, off).await.expect("update");
    assert!(!saved.active && saved.updated_at == w.app.now());
    let bad_title = AnswerTemplate { title: "dua\nbaris".into(), ..saved.clone() };
    assert!(matches!(refusal(w.app.update_template_by(&w.kutim_admin, bad_title).await), Refusal::Invalid { .. }));

    let kutim_list = w.app.templates_in_scope(&w.kutim_admin).await.expect("list");
    assert_eq!(kutim_list.len(), 5, "Kutim's five, the national and Jayapura ones left out");

    // An officer of PUPR answering a road report.
    let report = forwarded(&w, "Jalan rusak di Sangatta", t0()).await;
    let report =
        w.f.act(&report, &w.f.kutim_coordinator, Command::Dispose { units: vec![pupr], note: None }, t0()).await;
    let offered: Vec<_> =
        w.app.templates_for(&w.f.pupr_officer, &report).await.expect("offered").iter().map(|t| t.id).collect();
    assert_eq!(offered, vec![pupr_road, kutim_road, kutim_pu, pupr_general, general]);
    // The coordinator sees the instansi's and the national ones, not the unit's.
    let offered: Vec<_> =
        w.app.templates_for(&w.f.kutim_coordinator, &report).await.expect("offered").iter().map(|t| t.id).collect();
    assert_eq!(offered, vec![kutim_road, kutim_pu, general]);
    assert!(matches!(refusal(w.app.templates_for(&w.f.screener, &report).await), Refusal::RoleNotAllowed { .. }));
    let jayapura_officer =
        Actor::Staff(StaffRole { person: PersonId(999), role: Role::Officer, org: w.f.org("KAB-91.03/DPUPR") });
    assert_eq!(refusal(w.app.templates_for(&jayapura_officer, &report).await), Refusal::OutOfScope);
}

#[tokio::test]
async fn duplicate_candidates_are_similar_open_reports_of_the_same_regency_and_category() {
    let w = World::new().await;
    let now = day(100);
    let clock = Arc::new(ManualClock::new(now));
    let app = App::open(w.f.store.clone(), clock, Limits::default()).await.expect("app");
    let recent = day(95);
    let file = |title: &str, region: &str, category: &str, at: Timestamp| {
        let draft = w.f.draft(
            title,
            "Jalan poros berlubang besar sejak dua bulan, membahayakan pengendara motor.",
            region,
            category,
        );
        w.f.file(draft, at)
    };
    let report = file("Jalan rusak di Sangatta", "64.08.01.2001", "pupr.jalan", recent).await;
    let same = file("jalan berlubang rusak parah Sangatta Utara", "64.08.03.2005", "pupr.jalan", recent).await;
    let weaker = file("Kerusakan jalan poros Bengalon", "64.08.01.2001", "pupr.jalan", recent).await;
    let _unrelated = file("Sampah menumpuk di pasar induk", "64.08.01.2001", "pupr.jalan", recent).await;
    let _elsewhere = file("Jalan rusak di Sentani", "91.03.01.2001", "pupr.jalan", recent).await;
    let _other_category = file("Jalan rusak di Sangatta", "64.08.01.2001", "lingkungan", recent).await;
    let _too_old = file("Jalan rusak di Sangatta", "64.08.01.2001", "pupr.jalan", day(5)).await;
    let archived = file("Jalan rusak di Sangatta", "64.08.01.2001", "pupr.jalan", recent).await;
    let archive = Command::Archive { reason: ArchiveReason::Duplicate { of: report.id }, note: None };
    w.f.act(&archived, &w.f.screener, archive, recent).await;

    let found = app.duplicate_candidates(&w.f.screener, &report, 5).await.expect("candidates");
    let ids: Vec<_> = found.iter().map(|(s, _)| s.id).collect();
    assert_eq!(ids, vec![same.id, weaker.id], "{found:?}");
    assert!(found[0].1 > found[1].1 && found[1].1 >= aduan_service::MIN_SIMILARITY);
    let best = app.duplicate_candidates(&w.f.screener, &report, 1).await.expect("candidates");
    assert_eq!(best.iter().map(|(s, _)| s.id).collect::<Vec<_>>(), vec![same.id]);

    // The same words in another regency find nothing there.
    let sentani = file("Jalan rusak di Sangatta", "91.03.01.2001", "pupr.jalan", recent).await;
    let found = app.duplicate_candidates(&w.f.screener, &sentani, 5).await.expect("candidates");
    assert_eq!(found.iter().map(|(s, _)| s.title.as_str()).collect::<Vec<_>>(), vec!["Jalan rusak di Sentani"]);
    // Someone who may not see the report learns nothing about it.
    let r = app.duplicate_candidates(&Actor::Citizen(PersonId(999)), &report, 5).await;
    assert!(matches!(r, Err(AppError::NotFound(_))), "{r:?}");
}

#[tokio::test]
async fn switching_roles_issues_a_new_token_and_revokes_the_old() {
    let w = World::new().await;
    let (kutim, pupr) = (w.f.org("KAB-64.08"), w.f.org("KAB-64.08/DPUPR"));
    let email = "dewi@kutaitimurkab.go.id";
    let dewi = w.app.create_staff(&w.kutim_admin, email, "Dewi", "rahasia-sekali-123").await.expect("staff");
    let coordinator = w.app.grant_role_by(&w.kutim_admin, dewi, Role::Coordinator, kutim).await.expect("grant");
    let officer = w.app.grant_role_by(&w.kutim_admin, dewi, Role::Officer, pupr).await.expect("grant");
    let someone_elses = w.app.staff_in_scope(&w.kutim_admin).await.expect("staff");
    let someone_elses = someone_elses.iter().find(|(p, _)| p.id != dewi).map(|(_, a)| a.id).expect("another");
    assert_eq!(
        w.app.staff_roles(dewi).await.expect("roles").iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![coordinator, officer]
    );

    let first = w.app.sign_in_citizen(email, "rahasia-sekali-123").await.expect("sign in");
    let caller = w.app.authenticate(&first.secret).await.expect("token");
    assert_eq!(caller.actor, Actor::Citizen(dewi));
    let r = w.app.switch_role(&caller, Some(someone_elses)).await;
    assert!(matches!(refusal(r), Refusal::Invalid { .. }));
    assert!(w.app.authenticate(&first.secret).await.is_ok(), "a refused switch keeps the session");

    let second = w.app.switch_role(&caller, Some(officer)).await.expect("switch");
    assert_eq!(second.acting.as_ref().map(|a| a.id), Some(officer));
    assert!(matches!(w.app.authenticate(&first.secret).await, Err(AppError::Unauthenticated(_))), "old token revoked");
    let caller = w.app.authenticate(&second.secret).await.expect("new token");
    assert_eq!(caller.actor, Actor::Staff(StaffRole { person: dewi, role: Role::Officer, org: pupr }));

    // Back to citizen; and a revoked role cannot be switched to.
    let third = w.app.switch_role(&caller, None).await.expect("as a citizen");
    assert!(w.app.authenticate(&second.secret).await.is_err());
    let caller = w.app.authenticate(&third.secret).await.expect("token");
    assert_eq!(caller.actor, Actor::Citizen(dewi));
    w.app.revoke_role_by(&w.kutim_admin, coordinator).await.expect("revoke");
    assert!(matches!(refusal(w.app.switch_role(&caller, Some(coordinator)).await), Refusal::Invalid { .. }));
    assert_eq!(w.app.staff_roles(dewi).await.expect("roles").len(), 1);
    assert!(matches!(
        w.app.switch_role(&aduan_service::Caller::ANONYMOUS, None).await,
        Err(AppError::Unauthenticated(_))
    ));
}
