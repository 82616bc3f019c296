//! Organisations, people, roles and reference data.

use super::fixture::{Fixture, t0};
use crate::{Store, StoreError};
use aduan_domain::calendar::{Holiday, HolidayKind};
use aduan_domain::ids::{AssignmentId, CategoryId, OrgId, PersonId};
use aduan_domain::org::{Contact, NewOrganisation, OrgKind, OrgTree};
use aduan_domain::person::{Email, Locale, NewPerson, Role};
use aduan_domain::region::RegionCode;
use aduan_domain::routing::NewRoutingRule;
use aduan_domain::sla::Limits;
use aduan_domain::time::Zone;
use chrono::NaiveDate;
use std::sync::Arc;

pub async fn migrations_run_twice(store: Arc<dyn Store>) {
    store.migrate().await.expect("first");
    store.migrate().await.expect("second run changes nothing");
    store.ping().await.expect("ping");
    store.refresh_statistics().await.expect("statistics");
    assert!(store.database_size().await.expect("size") > 0);
}

pub async fn organisations_round_trip(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let all = f.store.organisations().await.expect("load");
    assert_eq!(all.len(), 7);
    let pupr = all.iter().find(|o| o.code == "KAB-64.08/DPUPR").expect("PUPR");
    assert_eq!(pupr.kind, OrgKind::Unit);
    assert_eq!(pupr.parent, Some(f.org("KAB-64.08")));
    assert_eq!(pupr.zone, Zone::Wita);
    assert_eq!(pupr.region, RegionCode::parse("64.08").ok());
    assert!(pupr.active);
    // Rename, move under DLH, deactivate, give contact details: history stays (same id).
    let mut changed = pupr.clone();
    changed.name = "Dinas Pekerjaan Umum Kutai Timur".into();
    changed.parent = Some(f.org("KAB-64.08/DLH"));
    changed.active = false;
    changed.screens_own_reports = true;
    changed.contact = Contact { email: Some("pupr@kutaitimurkab.go.id".into()), ..Contact::default() };
    f.store.update_organisation(&changed).await.expect("update");
    let reloaded = OrgTree::new(f.store.organisations().await.expect("load"));
    assert_eq!(reloaded.get(pupr.id), Some(&changed));
    assert!(reloaded.is_within(pupr.id, f.org("KAB-64.08/DLH")));
    let mut ghost = changed.clone();
    ghost.id = OrgId(999_999);
    assert!(matches!(f.store.update_organisation(&ghost).await, Err(StoreError::NotFound(_))));
}

pub async fn organisations_are_created_all_or_nothing(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let new = |code: &str, parent: &str| NewOrganisation {
        code: code.into(),
        name: code.into(),
        kind: OrgKind::Unit,
        parent_code: Some(parent.into()),
        region: None,
        zone: Zone::Wita,
        screens_own_reports: false,
        contact: Contact::default(),
    };
    // The second names a parent that does not exist: neither is created.
    let r = f.store.create_organisations(&[new("KAB-64.08/DISDIK", "KAB-64.08"), new("X/Y", "NOPE")]).await;
    assert!(matches!(r, Err(StoreError::Invalid(_))), "{r:?}");
    // A duplicate code is a conflict.
    let r = f.store.create_organisations(&[new("KAB-64.08/DLH", "KAB-64.08")]).await;
    assert!(matches!(r, Err(StoreError::Conflict(_))), "{r:?}");
    assert_eq!(f.store.organisations().await.expect("load").len(), 7);
    // A parent earlier in the same batch is fine.
    let ids = f
        .store
        .create_organisations(&[new("KAB-64.08/DISDIK", "KAB-64.08"), new("KAB-64.08/DISDIK/SD", "KAB-64.08/DISDIK")])
        .await;
    assert_eq!(ids.expect("batch").len(), 2);
}

pub async fn people_and_roles(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let email = Email::parse("Budi@Example.ID").expect("email");
    let new = NewPerson {
        display_name: "Budi".into(),
        email: Some(email.clone()),
        phone: None,
        locale: Locale::En,
        password_hash: Some("$argon2id$v=19$stub".into()),
    };
    let id = f.store.create_person(&new, t0()).await.expect("create");
    let p = f.store.person_by_email(&email).await.expect("by email").expect("found");
    assert_eq!((p.id, p.display_name.as_str(), p.locale, p.created_at), (id, "Budi", Locale::En, t0()));
    assert_eq!(f.store.person(id).await.expect("by id"), Some(p));
    assert_eq!(f.store.password_hash(id).await.expect("hash").as_deref(), Some("$argon2id$v=19$stub"));
    f.store.set_password_hash(id, "new").await.expect("set hash");
    assert_eq!(f.store.password_hash(id).await.expect("hash").as_deref(), Some("new"));
    assert!(matches!(f.store.create_person(&new, t0()).await, Err(StoreError::Conflict(_))), "e-mail is unique");
    assert_eq!(f.store.person(PersonId(999_999)).await.expect("missing"), None);

    let kutim = f.org("KAB-64.08");
    let a = f.store.grant_role(id, Role::Coordinator, kutim, t0()).await.expect("grant");
    assert!(matches!(f.store.grant_role(id, Role::Coordinator, kutim, t0()).await, Err(StoreError::Conflict(_))));
    let b = f.store.grant_role(id, Role::Supervisor, f.org("NASIONAL"), t0()).await.expect("second role");
    let list = f.store.assignments(id).await.expect("assignments");
    assert_eq!(
        list.iter().map(|x| (x.id, x.role)).collect::<Vec<_>>(),
        vec![(a, Role::Coordinator), (b, Role::Supervisor)]
    );
    let staff = f.store.staff_of(&[kutim]).await.expect("staff of");
    assert!(staff.iter().any(|(p, x)| p.id == id && x.role == Role::Coordinator));
    f.store.revoke_role(a, t0()).await.expect("revoke");
    assert!(matches!(f.store.revoke_role(a, t0()).await, Err(StoreError::NotFound(_))), "already revoked");
    assert!(matches!(f.store.revoke_role(AssignmentId(999_999), t0()).await, Err(StoreError::NotFound(_))));
    let list = f.store.assignments(id).await.expect("assignments");
    assert!(list.iter().find(|x| x.id == a).is_some_and(|x| x.revoked_at == Some(t0())));
    assert!(!f.store.staff_of(&[kutim]).await.expect("staff").iter().any(|(p, _)| p.id == id));
    // After revoking, the role can be granted again.
    f.store.grant_role(id, Role::Coordinator, kutim, t0()).await.expect("grant again");
    // A role at an organisation that does not exist is refused.
    assert!(matches!(f.store.grant_role(id, Role::Officer, OrgId(999_999), t0()).await, Err(StoreError::Invalid(_))));
}

pub async fn categories_and_routing_rules(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let cats = f.store.categories().await.expect("categories");
    assert_eq!(cats.len(), 4);
    let jalan = cats.iter().find(|c| c.code == "pupr.jalan").expect("jalan");
    assert_eq!(jalan.parent, Some(f.category("pupr")));
    assert!(jalan.active);
    let rules = vec![
        NewRoutingRule {
            category: f.category("pupr"),
            region: RegionCode::parse("64.08").ok(),
            instansi: f.org("KAB-64.08"),
            unit: Some(f.org("KAB-64.08/DPUPR")),
        },
        NewRoutingRule { category: f.category("kesehatan"), region: None, instansi: f.org("KEMENKES"), unit: None },
    ];
    f.store.create_routing_rules(&rules).await.expect("rules");
    let stored = f.store.routing_rules().await.expect("load");
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].region, RegionCode::parse("64.08").ok());
    assert_eq!(stored[0].unit, Some(f.org("KAB-64.08/DPUPR")));
    assert_eq!(stored[1].region, None);
    f.store.delete_routing_rule(stored[0].id).await.expect("delete");
    assert_eq!(f.store.routing_rules().await.expect("load").len(), 1);
    assert!(matches!(f.store.delete_routing_rule(stored[0].id).await, Err(StoreError::NotFound(_))));
    let bad = NewRoutingRule { category: CategoryId(999_999), region: None, instansi: f.org("KEMENKES"), unit: None };
    assert!(matches!(f.store.create_routing_rules(&[bad]).await, Err(StoreError::Invalid(_))));
    assert_eq!(f.store.routing_rules().await.expect("load").len(), 1);
}

pub async fn holidays_and_deadline_overrides(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    assert!(f.store.holiday_years().await.expect("none yet").is_empty());
    let day = |m, d| NaiveDate::from_ymd_opt(2028, m, d).expect("date");
    let list = vec![
        Holiday { date: day(1, 1), kind: HolidayKind::Public, name: "Tahun Baru Masehi".into() },
        Holiday { date: day(1, 26), kind: HolidayKind::Public, name: "Tahun Baru Imlek".into() },
        Holiday { date: day(2, 25), kind: HolidayKind::CutiBersama, name: "Cuti Bersama Idul Fitri".into() },
    ];
    f.store.save_holiday_year(2028, &list, t0()).await.expect("save");
    assert_eq!(f.store.holiday_years().await.expect("load"), vec![(2028, list.clone())]);
    // Loading a year again replaces it.
    f.store.save_holiday_year(2028, &list[..1], t0()).await.expect("replace");
    assert_eq!(f.store.holiday_years().await.expect("load"), vec![(2028, list[..1].to_vec())]);
    // A date of another year is refused and nothing changes.
    let wrong = vec![Holiday {
        date: NaiveDate::from_ymd_opt(2029, 1, 1).expect("date"),
        kind: HolidayKind::Public,
        name: "x".into(),
    }];
    assert!(f.store.save_holiday_year(2028, &wrong, t0()).await.is_err());
    assert_eq!(f.store.holiday_years().await.expect("load"), vec![(2028, list[..1].to_vec())]);

    let kutim = f.org("KAB-64.08");
    let limits = Limits { follow_up: 3, ..Limits::default() };
    f.store.set_sla_override(kutim, Some(&limits)).await.expect("set");
    assert_eq!(f.store.sla_overrides().await.expect("load").get(&kutim), Some(&limits));
    f.store.set_sla_override(kutim, None).await.expect("remove");
    assert!(f.store.sla_overrides().await.expect("load").is_empty());
}
