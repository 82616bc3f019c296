//! Evaluation pages over real HTTP handling: the staff dashboard per scope, the public
//! statistics, the rankings, the printable monthly report — and that their figures are
//! the ones a direct count of the reports gives.

mod support;

use aduan_domain::ids::ReportId;
use aduan_domain::lifecycle::{Command, Verification};
use aduan_domain::measures::{Figures, Filter, Period, figures_direct};
use aduan_domain::permission::{Actor, StaffRole};
use aduan_domain::person::Role;
use aduan_domain::report::Report;
use aduan_domain::tracking::TrackingNumber;
use axum::http::{Method, StatusCode};
use support::World;
use support::browser::{Browser, signed_in};

async fn staffed(name: &str) -> World {
    let w = World::new(name).await;
    w.person("verifikator@contoh.id", Some((Role::Screener, "NASIONAL"))).await;
    w.person("kominfo@contoh.id", Some((Role::Coordinator, "KAB-64.08"))).await;
    w.person("pupr@contoh.id", Some((Role::Officer, "KAB-64.08/DPUPR"))).await;
    w.person("jayapura@contoh.id", Some((Role::Coordinator, "KAB-91.03"))).await;
    w.person("ombudsman@contoh.id", Some((Role::Supervisor, "NASIONAL"))).await;
    w
}

/// Files a report through the API as a guest.
async fn file(w: &World, title: &str, region: &str, confidential: bool) -> Report {
    let mut body = support::road_report(title);
    body["region"] = serde_json::json!(region);
    body["confidential"] = serde_json::json!(confidential);
    let r = w.call(Method::POST, "/api/v1/reports", None, Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let t = TrackingNumber::parse(r.body["tracking"].as_str().expect("tracking")).expect("tracking");
    w.app.report_for(&Actor::System, &t).await.expect("report")
}

async fn screener(w: &World) -> Actor {
    let person = w.app.find_person("verifikator@contoh.id").await.expect("person");
    Actor::Staff(StaffRole { person: person.id, role: Role::Screener, org: w.app.find_org("NASIONAL").expect("org") })
}

async fn verify(w: &World, r: &Report, to: &str) -> Report {
    let command =
        Command::Verify(Verification { instansi: Some(w.app.find_org(to).expect("org")), ..Verification::default() });
    w.app.act(&screener(w).await, r.id, r.version, command).await.expect("verify")
}

async fn all_reports(w: &World) -> Vec<Report> {
    let store = w.app.store();
    let ids = store.report_ids_after(ReportId(0), 1000).await.expect("ids");
    let mut out = Vec::new();
    for id in ids {
        out.push(store.report(id).await.expect("load").expect("found"));
    }
    out
}

/// Three reports in Kutai Timur (two verified, one confidential) and one in Jayapura.
async fn with_reports(name: &str) -> World {
    let w = staffed(name).await;
    let a = file(&w, "Jalan rusak di Sangatta Utara", "64.08.01.2001", false).await;
    let b = file(&w, "Lampu jalan mati di Sangatta", "64.08.01.2001", false).await;
    file(&w, "Pungutan liar di kantor desa", "64.08.01.2001", true).await;
    let j = file(&w, "Jalan berlubang di Sentani", "91.03.01.1001", false).await;
    w.clock.advance(chrono::Duration::hours(3));
    verify(&w, &a, "KAB-64.08").await;
    verify(&w, &b, "KAB-64.08").await;
    verify(&w, &j, "KAB-91.03").await;
    w
}

#[tokio::test]
async fn dashboard_figures_equal_a_direct_count_of_the_reports() {
    let w = with_reports("evaluation-direct").await;
    let march = Period::new(2026, 3).expect("month");
    let reports = all_reports(&w).await;
    let reference = w.app.reference();
    for org in [None, Some(w.app.find_org("KAB-64.08").expect("org")), Some(w.app.find_org("KAB-91.03").expect("org"))]
    {
        let d = w.app.dashboard(&Actor::System, org, march, march).await.expect("dashboard");
        let direct = figures_direct(&reports, &Filter::total(org, march, march), &reference.calendar, &reference.orgs);
        assert_eq!(d.figures, direct, "{org:?}");
        assert_eq!(d.previous, Figures::default(), "nothing in February");
    }
    let national = w.app.dashboard(&Actor::System, None, march, march).await.expect("dashboard");
    assert_eq!(national.figures.volume.submitted, 4);
    assert_eq!(national.figures.volume.verified, 3);
    assert_eq!(national.trend.len(), 12, "a year of trend ending with the period");
    assert_eq!(national.by_region.iter().map(|p| p.figures.volume.submitted).sum::<i64>(), 4);
}

#[tokio::test]
async fn staff_see_the_dashboard_of_their_scope_and_no_other() {
    let w = with_reports("evaluation-scope").await;
    let mut desk = signed_in(&w, "verifikator@contoh.id").await;
    let page = desk.get("/staf/dasbor?dari=2026-03&sampai=2026-03").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Seluruh Indonesia"));
    assert!(page.text.contains("<svg class=\"chart\""), "a server-drawn chart");
    assert!(page.text.contains("Tabel tren bulanan"), "with its table");
    assert!(page.text.contains("Menurut instansi"), "the nation by agency");
    assert!(
        page.text.contains("<a href=\"/staf/dasbor?org=KAB-64.08&#38;dari=2026-03&#38;sampai=2026-03\">"),
        "each agency links to its dashboard for the same period"
    );
    assert!(desk.get("/staf/dasbor?org=KAB-91.03").await.status == StatusCode::OK, "the desk sees every instansi");

    let mut kutim = signed_in(&w, "kominfo@contoh.id").await;
    let own = kutim.get("/staf/dasbor?dari=2026-03&sampai=2026-03").await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.text);
    assert!(own.text.contains("Kutai Timur"));
    assert!(own.text.contains("Dasbor unit"), "its units are one click away");
    assert_eq!(kutim.get("/staf/dasbor?org=KAB-91.03").await.status, StatusCode::FORBIDDEN);
    assert_eq!(kutim.get("/staf/dasbor?org=NASIONAL").await.status, StatusCode::FORBIDDEN);
    assert_eq!(kutim.get("/staf/dasbor?org=TIDAK-ADA").await.status, StatusCode::NOT_FOUND);
    let bad = kutim.get("/staf/dasbor?dari=2026-13").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    let reversed = kutim.get("/staf/dasbor?dari=2026-05&sampai=2026-01").await;
    assert_eq!(reversed.status, StatusCode::UNPROCESSABLE_ENTITY);

    let mut jayapura = signed_in(&w, "jayapura@contoh.id").await;
    let theirs = jayapura.get("/staf/dasbor").await;
    assert!(!theirs.text.contains("Kutai Timur"), "another regency's figures stay out");

    let mut officer = signed_in(&w, "pupr@contoh.id").await;
    let unit = officer.get("/staf/dasbor").await;
    assert_eq!(unit.status, StatusCode::OK, "{}", unit.text);
    assert!(unit.text.contains("PUPR"));
    assert_eq!(officer.get("/staf/dasbor?org=KAB-64.08").await.status, StatusCode::FORBIDDEN, "up is out of scope");

    let print = kutim.get("/staf/dasbor/cetak?bulan=2026-03").await;
    assert_eq!(print.status, StatusCode::OK, "{}", print.text);
    assert!(print.text.contains("Laporan bulanan pengelolaan pengaduan"));
    assert!(print.text.contains("Maret 2026"));
    assert_eq!(kutim.get("/staf/dasbor/cetak?bulan=Maret").await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn public_statistics_and_rankings_show_aggregates_only() {
    let w = with_reports("evaluation-public").await;
    let mut guest = Browser::new(&w);
    let page = guest.get("/statistik?dari=2026-03&sampai=2026-03").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Seluruh Indonesia"));
    // Four received, the confidential one included, but nothing of any report itself.
    let march = w.app.public_statistics(None, Period::new(2026, 3).expect("m"), Period::new(2026, 3).expect("m"));
    assert_eq!(march.await.expect("stats").figures.volume.submitted, 4);
    for secret in ["Pungutan liar", "Siti Rahma", "siti@contoh.id", "081234567890", "Jalan rusak di Sangatta"] {
        assert!(!page.text.contains(secret), "{secret} leaked into the statistics");
    }
    assert!(!page.text.contains("Menurut unit"), "no unit breakdown in public");
    assert!(page.text.contains("href=\"/statistik/instansi/KAB-64.08?dari=2026-03&#38;sampai=2026-03\""));
    assert!(!page.text.contains("href=\"/staf/"), "no staff page linked from the public one");
    let kutim = guest.get("/statistik/instansi/KAB-64.08").await;
    assert_eq!(kutim.status, StatusCode::OK);
    assert!(kutim.text.contains("Kutai Timur"));
    assert_eq!(
        guest.get("/statistik/instansi/KAB-64.08%2FDPUPR").await.status,
        StatusCode::NOT_FOUND,
        "units are not instansi"
    );
    assert_eq!(guest.get("/statistik/instansi/TIDAK-ADA").await.status, StatusCode::NOT_FOUND);

    let ranking = guest.get("/statistik/peringkat?kelompok=kabupaten&dari=2026-03&sampai=2026-03").await;
    assert_eq!(ranking.status, StatusCode::OK, "{}", ranking.text);
    let (kutim_at, jayapura_at) = (ranking.text.find("Kutai Timur"), ranking.text.find("Jayapura"));
    assert!(kutim_at.is_some() && jayapura_at.is_some(), "{}", ranking.text);
    assert!(ranking.text.contains("Belum dinilai"), "too few reports to grade");
    let only_papua = guest.get("/statistik/peringkat?kelompok=kabupaten&provinsi=91").await;
    assert!(only_papua.text.contains("Jayapura") && !only_papua.text.contains("Kutai Timur"));
    assert_eq!(guest.get("/statistik/peringkat?kelompok=desa").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(guest.get("/statistik/peringkat?urut=acak").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(guest.get("/statistik/peringkat?halaman=9").await.status, StatusCode::NOT_FOUND);
    let definitions = guest.get("/statistik/definisi").await;
    assert!(definitions.text.contains("id=\"penyelesaian\""));
}

#[tokio::test]
async fn a_unit_and_a_supervisors_set_have_dashboards_of_their_own() {
    let w = with_reports("evaluation-unit-set").await;
    let (kutim, pupr) = (w.app.find_org("KAB-64.08").expect("org"), w.app.find_org("KAB-64.08/DPUPR").expect("org"));
    let person = w.app.find_person("kominfo@contoh.id").await.expect("person");
    let coordinator = Actor::Staff(StaffRole { person: person.id, role: Role::Coordinator, org: kutim });
    let road = all_reports(&w).await.into_iter().find(|r| r.title.as_str() == "Jalan rusak di Sangatta Utara");
    let road = road.expect("the road report");
    let dispose = Command::Dispose { units: vec![pupr], note: None };
    w.app.act(&coordinator, road.id, road.version, dispose).await.expect("given to PUPR");

    // The unit's figures are the reports given to it, not zero.
    let march = Period::new(2026, 3).expect("month");
    let reports = all_reports(&w).await;
    let reference = w.app.reference();
    let given = Filter::total(Some(kutim), march, march).with(aduan_domain::measures::Breakdown::Unit(pupr));
    let unit = w.app.dashboard(&Actor::System, Some(pupr), march, march).await.expect("dashboard");
    assert_eq!(unit.figures, figures_direct(&reports, &given, &reference.calendar, &reference.orgs));
    assert_eq!(unit.figures.volume.verified, 1, "{:?}", unit.figures.volume);
    let mut officer = signed_in(&w, "pupr@contoh.id").await;
    let page = officer.get("/staf/dasbor?dari=2026-03&sampai=2026-03").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("didisposisikan kepadanya"), "what a unit's figures count");
    assert!(!page.text.contains("Menurut kategori"), "no empty breakdown claiming no reports");

    // An Ombudsman office overseeing two regencies sees them together.
    w.person("perwakilan@contoh.id", Some((Role::Supervisor, "KAB-64.08"))).await;
    let ombudsman = w.app.find_person("perwakilan@contoh.id").await.expect("person");
    w.app.grant_role(ombudsman.id, Role::Supervisor, w.app.find_org("KAB-91.03").expect("org")).await.expect("grant");
    let mut office = signed_in(&w, "perwakilan@contoh.id").await;
    let own = office.get("/staf/dasbor?dari=2026-03&sampai=2026-03").await;
    assert!(own.text.contains("href=\"/staf/dasbor/pengawasan?dari=2026-03&#38;sampai=2026-03\""), "{}", own.text);
    let set = office.get("/staf/dasbor/pengawasan?dari=2026-03&sampai=2026-03").await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    assert!(set.text.contains("2 organisasi"), "{}", set.text);
    assert!(
        set.text.contains("Pemerintah Kabupaten Kutai Timur") && set.text.contains("Pemerintah Kabupaten Jayapura")
    );
    assert!(set.text.contains("Menurut instansi"), "each organisation in its own row");
    assert!(!set.text.contains("Pungutan liar"), "aggregates only");
    let roles = [kutim, w.app.find_org("KAB-91.03").expect("org")]
        .map(|org| Actor::Staff(StaffRole { person: ombudsman.id, role: Role::Supervisor, org }));
    let figures = w.app.set_dashboard(&roles, march, march).await.expect("set").figures;
    // Two routed to Kutai Timur and one to Jayapura; the fourth is still at the desk.
    assert_eq!(figures.volume.submitted, 3);
    assert_eq!(figures.volume.verified, 3);
    let bad = office.get("/staf/dasbor/pengawasan?dari=2026-13").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Someone else's assignment cannot be slipped into a set, and a coordinator has none.
    let mixed = [roles[0], coordinator];
    assert!(w.app.set_dashboard(&mixed, march, march).await.is_err(), "two people's roles");
    let mut kominfo = signed_in(&w, "kominfo@contoh.id").await;
    assert_eq!(kominfo.get("/staf/dasbor/pengawasan").await.status, StatusCode::FORBIDDEN);
}
