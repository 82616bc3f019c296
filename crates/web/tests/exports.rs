//! Exports and open data, over HTTP: who may export, what each export holds (scope and
//! the privacy rules of docs/DOMAIN.md §9), that the measures are the dashboard's, that the
//! open-data feed pages through every public report once and nothing else, and that bad
//! parameters are a 400.

mod support;

use aduan_domain::ids::OrgId;
use aduan_domain::lifecycle::{Command, Verification};
use aduan_domain::measures::Period;
use aduan_domain::permission::{Actor, StaffRole};
use aduan_domain::person::Role;
use aduan_domain::tracking::TrackingNumber;
use aduan_web::WebSettings;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use calamine::{Data, Reader, Xlsx};
use std::collections::{BTreeMap, BTreeSet};
use support::World;
use support::browser::{Browser, location, signed_in};
use tower::ServiceExt;

/// The reporters' personal data, none of which may reach the public. Phones as stored
/// (normalised to +62), so that finding them in an export proves they are there.
const SITI: [&str; 3] = ["Siti Rahma", "siti@contoh.id", "+6281234567890"];
/// The anonymous reporter: known to the screening desk only.
const BUDI: [&str; 3] = ["Budi Santoso", "budi@rahasia.id", "+6281299988877"];
/// The reporter of the confidential report.
const RINA: [&str; 3] = ["Rina Wati", "rina@contoh.id", "+6281377766655"];

/// What the scenario filed, by tracking number.
struct Filed {
    /// Kutai Timur, verified, reporter named.
    named: String,
    /// Kutai Timur, verified, anonymous.
    anonymous: String,
    /// Jayapura, verified.
    jayapura: String,
    /// Kutai Timur, verified, confidential.
    confidential: String,
    /// Kutai Timur, still waiting for screening.
    unverified: String,
    /// Kutai Timur, verified, a title that would be a spreadsheet formula.
    formula: String,
    /// Every public report (verified, not confidential).
    public: BTreeSet<String>,
}

async fn world(name: &str) -> World {
    let settings = WebSettings { file_per_minute: 0, sign_in_per_minute: 0, ..WebSettings::default() };
    let w = World::with_settings(name, settings).await;
    w.person("verifikator@contoh.id", Some((Role::Screener, "NASIONAL"))).await;
    w.person("kominfo@contoh.id", Some((Role::Coordinator, "KAB-64.08"))).await;
    w.person("pupr@contoh.id", Some((Role::Officer, "KAB-64.08/DPUPR"))).await;
    w.person("inspektorat@contoh.id", Some((Role::Supervisor, "KAB-64.08"))).await;
    w.person("jayapura@contoh.id", Some((Role::Coordinator, "KAB-91.03"))).await;
    w
}

async fn actor(w: &World, email: &str) -> Actor {
    let person = w.app.find_person(email).await.expect("person");
    let a = w.app.assignments(person.id).await.expect("roles").remove(0);
    Actor::Staff(StaffRole { person: person.id, role: a.role, org: a.org })
}

/// Files through the API as a guest and returns the tracking number.
async fn file(w: &World, title: &str, region: &str, reporter: [&str; 3], privacy: (bool, bool)) -> String {
    let mut body = support::road_report(title);
    body["region"] = serde_json::json!(region);
    body["anonymous"] = serde_json::json!(privacy.0);
    body["confidential"] = serde_json::json!(privacy.1);
    body["reporter"] = serde_json::json!({"name": reporter[0], "email": reporter[1], "phone": reporter[2]});
    let r = w.call(Method::POST, "/api/v1/reports", None, Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let plain = r.body["tracking"].as_str().expect("tracking");
    TrackingNumber::parse(plain).expect("tracking").to_string()
}

/// The national screener verifies and forwards a report to an instansi.
async fn verify(w: &World, tracking: &str, instansi: &str) {
    let screener = actor(w, "verifikator@contoh.id").await;
    let t = TrackingNumber::parse(tracking).expect("tracking");
    let r = w.app.report_for(&screener, &t).await.expect("report");
    let v = Verification { instansi: Some(w.app.find_org(instansi).expect("org")), ..Verification::default() };
    w.app.act(&screener, r.id, r.version, Command::Verify(v)).await.expect("verify");
}

/// Kutai Timur and Jayapura reports of every kind the rules tell apart, and a few more
/// public ones so that the feed has pages to walk.
async fn scenario(w: &World) -> Filed {
    let kutim = "64.08.01.2001";
    let named = file(w, "Jalan rusak di Sangatta Utara", kutim, SITI, (false, false)).await;
    let anonymous = file(w, "Pungutan liar di kantor kecamatan", kutim, BUDI, (true, false)).await;
    let jayapura = file(w, "Jembatan putus di Sentani", "91.03", SITI, (false, false)).await;
    let confidential = file(w, "Dugaan penyalahgunaan dana desa", kutim, RINA, (false, true)).await;
    let unverified = file(w, "Lampu jalan padam di Sangatta", kutim, SITI, (false, false)).await;
    let formula = file(w, "=HYPERLINK(\"http://contoh.invalid\",\"klik\") jalan", kutim, SITI, (false, false)).await;
    for t in [&named, &anonymous, &confidential, &formula] {
        verify(w, t, "KAB-64.08").await;
    }
    verify(w, &jayapura, "KAB-91.03").await;
    let mut public: BTreeSet<String> = [&named, &anonymous, &jayapura, &formula].into_iter().cloned().collect();
    for i in 0..6 {
        // Some at the same instant, some later: the cursor must order ties by id.
        if i % 2 == 0 {
            w.clock.advance(chrono::Duration::minutes(7));
        }
        let t = file(w, &format!("Drainase tersumbat nomor {i}"), kutim, SITI, (false, false)).await;
        verify(w, &t, "KAB-64.08").await;
        public.insert(t);
    }
    Filed { named, anonymous, jayapura, confidential, unverified, formula, public }
}

/// A GET with the browser's cookies, answered as bytes (an XLSX is not text).
async fn download(b: &Browser<'_>, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    let req = Request::get(path)
        .header(header::COOKIE, b.cookie_header())
        .header(header::HOST, "aduan.test")
        .body(Body::empty())
        .expect("request");
    let response = b.w.router.clone().oneshot(req).await.expect("response");
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = axum::body::to_bytes(response.into_body(), 64 << 20).await.expect("body");
    (status, headers, bytes.to_vec())
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).expect("utf-8");
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    reader.records().map(|r| r.expect("record").iter().map(str::to_string).collect()).collect()
}

/// Every cell of the first sheet as text, and whether any cell holds a formula.
fn xlsx_rows(bytes: Vec<u8>) -> (Vec<Vec<Data>>, bool) {
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("an XLSX that parses");
    let name = book.sheet_names().first().cloned().expect("a sheet");
    let range = book.worksheet_range(&name).expect("sheet");
    let formulas = book.worksheet_formula(&name).expect("formulas");
    let any_formula = formulas.rows().flatten().any(|f| !f.is_empty());
    (range.rows().map(<[Data]>::to_vec).collect(), any_formula)
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

fn column(header: &[String], starts: &str) -> usize {
    header.iter().position(|h| h.starts_with(starts)).unwrap_or_else(|| panic!("no column {starts}: {header:?}"))
}

#[tokio::test]
async fn an_officer_may_not_export_and_a_guest_must_sign_in() {
    let w = world("exports-officer").await;
    scenario(&w).await;
    let mut officer = signed_in(&w, "pupr@contoh.id").await;
    for path in [
        "/staf/ekspor",
        "/staf/ekspor/laporan.csv",
        "/staf/ekspor/laporan.xlsx",
        "/staf/ekspor/ukuran.csv",
        "/staf/ekspor/ukuran.xlsx",
    ] {
        let r = officer.get(path).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.text);
        assert!(r.text.contains("Tidak diizinkan"), "a page saying why: {}", r.text);
        assert!(!r.text.contains("Siti Rahma"), "no data on the refusal");
    }
    assert!(!officer.get("/staf/antrian").await.text.contains("href=\"/staf/ekspor\""), "no export link");
    let mut coordinator = signed_in(&w, "kominfo@contoh.id").await;
    let page = coordinator.get("/staf/ekspor").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("href=\"/staf/ekspor\""), "the staff menu links the exports");
    let mut guest = Browser::new(&w);
    let r = guest.get("/staf/ekspor/laporan.csv").await;
    assert!(location(&r).starts_with("/masuk?ke="), "{}", location(&r));
}

#[tokio::test]
async fn report_exports_keep_to_the_scope_and_hide_anonymous_reporters_outside_screening() {
    let w = world("exports-reports").await;
    let f = scenario(&w).await;
    let coordinator = signed_in(&w, "kominfo@contoh.id").await;

    let (status, headers, bytes) = download(&coordinator, "/staf/ekspor/laporan.csv").await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().expect("text");
    assert_eq!(disposition, "attachment; filename=\"aduan-laporan-2026-03-02.csv\"");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    let rows = csv_rows(&bytes);
    let header = &rows[0];
    assert!(header[0].starts_with("Nomor laporan"), "Indonesian first: {header:?}");
    let tracking: BTreeSet<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    // Its regency's reports, the confidential one included (staff see it); nothing of
    // Jayapura, nothing still at the national screening desk.
    for t in [&f.named, &f.anonymous, &f.confidential, &f.formula] {
        assert!(tracking.contains(t.as_str()), "{t} missing from {tracking:?}");
    }
    assert!(!tracking.contains(f.jayapura.as_str()), "another regency's report was exported");
    assert!(!tracking.contains(f.unverified.as_str()), "a report outside the coordinator's scope");
    assert_eq!(tracking.len(), rows.len() - 1, "each report once");
    let text = String::from_utf8(bytes).expect("utf-8");
    assert!(text.contains("Siti Rahma") && text.contains("siti@contoh.id"), "named reporters are staff-visible");
    for secret in BUDI {
        assert!(!text.contains(secret), "the anonymous reporter's {secret} reached a coordinator");
    }
    let anonymous_row = rows.iter().find(|r| r[0] == f.anonymous).expect("row");
    assert_eq!(anonymous_row[column(header, "Pelapor /")], "Pelapor");
    // A title that would be a formula is text in the sheet.
    let formula_row = rows.iter().find(|r| r[0] == f.formula).expect("row");
    assert!(formula_row[column(header, "Judul")].starts_with("'=HYPERLINK"), "{formula_row:?}");
    assert!(!text.contains("Catatan internal"), "no timeline in an export");

    // The XLSX holds the same, parses, and has no formula at all.
    let (status, headers, bytes) = download(&coordinator, "/staf/ekspor/laporan.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(headers[header::CONTENT_DISPOSITION].to_str().expect("text").ends_with(".xlsx\""));
    let (sheet, any_formula) = xlsx_rows(bytes);
    assert!(!any_formula, "a citizen's text became a formula");
    assert_eq!(sheet.len(), rows.len(), "the same rows as the CSV");
    let cells: Vec<String> = sheet.iter().flatten().map(cell_text).collect();
    for secret in BUDI {
        assert!(!cells.iter().any(|c| c.contains(secret)), "{secret} in the coordinator's XLSX");
    }
    assert!(cells.iter().any(|c| c.starts_with("=HYPERLINK")), "the title kept as plain text");
    assert!(!cells.iter().any(|c| c == &f.jayapura));

    // The supervisor of the same regency is not the screening desk either.
    let supervisor = signed_in(&w, "inspektorat@contoh.id").await;
    let (_, _, bytes) = download(&supervisor, "/staf/ekspor/laporan.csv").await;
    let text = String::from_utf8(bytes).expect("utf-8");
    assert!(text.contains(f.anonymous.as_str()));
    for secret in BUDI {
        assert!(!text.contains(secret), "{secret} reached a supervisor");
    }

    // The screening desk may know who the anonymous reporter is (abuse handling), and
    // sees the whole country.
    let screener = signed_in(&w, "verifikator@contoh.id").await;
    let (_, _, bytes) = download(&screener, "/staf/ekspor/laporan.csv").await;
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    for secret in BUDI {
        assert!(text.contains(secret), "the screening desk sees the anonymous reporter's {secret}");
    }
    assert!(text.contains(f.jayapura.as_str()) && text.contains(f.unverified.as_str()));
    let (_, _, bytes) = download(&screener, "/staf/ekspor/laporan.xlsx").await;
    let cells: Vec<String> = xlsx_rows(bytes).0.iter().flatten().map(cell_text).collect();
    assert!(cells.iter().any(|c| c == BUDI[0]), "the screening desk's XLSX names the reporter");

    // Filters narrow it: status and dates.
    let (_, _, bytes) = download(&screener, "/staf/ekspor/laporan.csv?status=submitted").await;
    let rows = csv_rows(&bytes);
    assert_eq!(rows.len(), 2, "only the report still waiting: {rows:?}");
    assert_eq!(rows[1][0], f.unverified);
    let (_, _, bytes) = download(&screener, "/staf/ekspor/laporan.csv?dari=2026-03-03&wilayah=64.08").await;
    assert_eq!(csv_rows(&bytes).len(), 1, "nothing filed after today: only the header");
}

#[tokio::test]
async fn the_measures_export_holds_the_dashboards_figures() {
    let w = world("exports-measures").await;
    scenario(&w).await;
    let coordinator = signed_in(&w, "kominfo@contoh.id").await;
    let (status, headers, bytes) = download(&coordinator, "/staf/ekspor/ukuran.csv?dari=2026-01&sampai=2026-03").await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(
        headers[header::CONTENT_DISPOSITION].to_str().expect("text"),
        "attachment; filename=\"aduan-ukuran-2026-01-sampai-2026-03.csv\""
    );
    let rows = csv_rows(&bytes);
    let header = &rows[0];
    let kutim = w.app.find_org("KAB-64.08").expect("org");
    let (from, to) = (Period::parse("2026-01").expect("month"), Period::parse("2026-03").expect("month"));
    let who = actor(&w, "kominfo@contoh.id").await;
    let dashboard = w.app.dashboard(&who, Some(kutim), from, to).await.expect("dashboard");
    assert!(dashboard.figures.volume.verified >= 8, "the scenario counts: {:?}", dashboard.figures.volume);

    let at = |period: &str, kind: &str| -> BTreeMap<String, String> {
        let row = rows.iter().find(|r| r[0] == period && r[1] == kind).unwrap_or_else(|| panic!("{period} {kind}"));
        header.iter().cloned().zip(row.iter().cloned()).collect()
    };
    let number = |row: &BTreeMap<String, String>, col: &str| -> f64 {
        let key = row.keys().find(|k| k.starts_with(col)).unwrap_or_else(|| panic!("no column {col}"));
        row[key].parse().unwrap_or_else(|_| panic!("{col}: {:?}", row[key]))
    };
    let total = at("2026-01/2026-03", "Periode");
    let f = &dashboard.figures;
    assert_eq!(number(&total, "Laporan masuk"), f.volume.submitted as f64);
    assert_eq!(number(&total, "Terverifikasi"), f.volume.verified as f64);
    assert_eq!(number(&total, "Tunggakan: diteruskan"), f.backlog.forwarded as f64);
    assert_eq!(number(&total, "Tingkat tindak lanjut"), f.follow_up_rate.expect("a rate"));
    assert_eq!(number(&total, "Verifikasi: jumlah"), f.to_verification.count as f64);
    // One row per month of the period, each the dashboard's trend of that month.
    let months: Vec<&str> = rows.iter().filter(|r| r[1] == "Bulan").map(|r| r[0].as_str()).collect();
    assert_eq!(months, ["2026-01", "2026-02", "2026-03"]);
    let march = dashboard.trend.iter().find(|(m, _)| *m == to).map(|(_, f)| f).expect("March");
    assert_eq!(number(&at("2026-03", "Bulan"), "Terverifikasi"), march.volume.verified as f64);
    assert_eq!(number(&at("2026-01", "Bulan"), "Laporan masuk"), 0.0);
    // The period by category, as on the dashboard.
    let by_category: f64 = rows
        .iter()
        .filter(|r| r[1] == "Kategori")
        .map(|r| r[column(header, "Terverifikasi")].parse::<f64>().expect("n"))
        .sum();
    assert_eq!(by_category, dashboard.by_category.iter().map(|p| p.figures.volume.verified).sum::<i64>() as f64);

    // The XLSX has the same numbers, as numbers, and shares as percentages.
    let (status, _, bytes) = download(&coordinator, "/staf/ekspor/ukuran.xlsx?dari=2026-01&sampai=2026-03").await;
    assert_eq!(status, StatusCode::OK);
    let (sheet, _) = xlsx_rows(bytes);
    let xheader: Vec<String> = sheet[0].iter().map(cell_text).collect();
    assert_eq!(&xheader, header);
    let xtotal = sheet.iter().find(|r| cell_text(&r[0]) == "2026-01/2026-03").expect("total row");
    assert_eq!(xtotal[column(header, "Terverifikasi")], Data::Float(f.volume.verified as f64));

    // Without parameters: the coordinator's own instansi, this year so far.
    let (status, _, bytes) = download(&coordinator, "/staf/ekspor/ukuran.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv_rows(&bytes).iter().any(|r| r[0] == "2026-01/2026-03"));
    // Another instansi is out of the coordinator's scope.
    let (status, _, _) = download(&coordinator, "/staf/ekspor/ukuran.csv?org=KAB-91.03").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The national screener's default is the whole country.
    let screener = signed_in(&w, "verifikator@contoh.id").await;
    let (status, _, bytes) = download(&screener, "/staf/ekspor/ukuran.csv?dari=2026-03&sampai=2026-03").await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&bytes));
    let rows = csv_rows(&bytes);
    let nation =
        w.app.dashboard(&actor(&w, "verifikator@contoh.id").await, None::<OrgId>, to, to).await.expect("nation");
    let total = rows.iter().find(|r| r[0] == "2026-03/2026-03").expect("total");
    assert_eq!(total[column(&rows[0], "Laporan masuk")], nation.figures.volume.submitted.to_string());
    // The nation by instansi: every report in one row, Kutai Timur's the dashboard's.
    let instansi: Vec<&Vec<String>> = rows.iter().filter(|r| r[1] == "Instansi").collect();
    let received: i64 = instansi.iter().map(|r| r[column(&rows[0], "Laporan masuk")].parse::<i64>().expect("n")).sum();
    assert_eq!(received, nation.figures.volume.submitted);
    let kutim_row = instansi.iter().find(|r| r[2] == "Pemerintah Kabupaten Kutai Timur").expect("Kutai Timur");
    let kutim_march = w.app.dashboard(&who, Some(kutim), to, to).await.expect("dashboard");
    assert_eq!(kutim_row[column(&rows[0], "Terverifikasi")], kutim_march.figures.volume.verified.to_string());
}

/// Walks the JSON feed by its `next` links; returns the tracking numbers in order.
async fn walk_json(w: &World, first: &str) -> (Vec<String>, String) {
    let mut seen = Vec::new();
    let mut text = String::new();
    let mut next = Some(first.to_string());
    let mut pages = 0;
    while let Some(url) = next {
        pages += 1;
        assert!(pages < 50, "the feed does not end");
        let path = url.trim_start_matches("http://localhost");
        let r = w.call(Method::GET, path, None, None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
        assert_eq!(r.headers[header::CONTENT_TYPE], "application/json");
        assert_eq!(r.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert!(r.headers.get(header::SET_COOKIE).is_none(), "the feed sets no cookie");
        assert_eq!(r.body["licence"]["id"], "CC-BY-4.0");
        assert_eq!(r.body["licence"]["url"], "https://creativecommons.org/licenses/by/4.0/");
        let items = r.body["data"].as_array().expect("data");
        assert_eq!(r.body["count"].as_u64(), Some(items.len() as u64));
        seen.extend(items.iter().map(|i| i["tracking"].as_str().expect("tracking").to_string()));
        next = r.body["next"].as_str().map(str::to_string);
        let link = r.headers[header::LINK].to_str().expect("link");
        assert!(link.contains("rel=\"license\""), "{link}");
        assert_eq!(link.contains("rel=\"next\""), next.is_some(), "{link}");
        text.push_str(&r.text);
    }
    (seen, text)
}

/// Walks the CSV feed by its `Link: rel="next"` headers.
async fn walk_csv(w: &World, first: &str) -> (Vec<Vec<String>>, String) {
    let mut rows = Vec::new();
    let mut text = String::new();
    let mut next = Some(first.to_string());
    let mut pages = 0;
    while let Some(path) = next {
        pages += 1;
        assert!(pages < 50, "the feed does not end");
        let r = w.call(Method::GET, &path, None, None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
        assert!(r.headers[header::CONTENT_TYPE].to_str().expect("type").starts_with("text/csv"));
        let page = csv_rows(r.text.as_bytes());
        assert_eq!(page[0][0], "tracking", "a header row of field names");
        assert_eq!(page[0].last().map(String::as_str), Some("licence"));
        rows.extend(page.into_iter().skip(1));
        let link = r.headers[header::LINK].to_str().expect("link").to_string();
        assert!(link.contains("<https://creativecommons.org/licenses/by/4.0/>; rel=\"license\""), "{link}");
        next = link
            .split(", ")
            .find(|l| l.ends_with("rel=\"next\""))
            .map(|l| l.trim_start_matches("<http://localhost").split('>').next().expect("url").to_string());
        text.push_str(&r.text);
    }
    (rows, text)
}

#[tokio::test]
async fn the_open_data_feed_pages_through_every_public_report_once_without_personal_data() {
    let w = world("exports-open-data").await;
    let f = scenario(&w).await;

    let (seen, text) = walk_json(&w, "/data/laporan.json?batas=3").await;
    let unique: BTreeSet<String> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "a report came twice: {seen:?}");
    assert_eq!(unique, f.public, "every public report, and nothing else");
    assert!(!unique.contains(&f.confidential) && !unique.contains(&f.unverified));
    for secret in SITI.into_iter().chain(BUDI).chain(RINA) {
        assert!(!text.contains(secret), "personal data in the feed: {secret}");
    }
    assert!(!text.contains("penyalahgunaan"), "the confidential report's title");
    // A page holds what the public page shows.
    let r = w.call(Method::GET, "/data/laporan.json?batas=200", None, None).await;
    let named =
        r.body["data"].as_array().expect("data").iter().find(|i| i["tracking"] == f.named.as_str()).expect("named");
    assert_eq!(named["title"], "Jalan rusak di Sangatta Utara");
    assert_eq!(named["status"], "forwarded");
    assert_eq!(named["instansi"], "KAB-64.08");
    assert_eq!(named["region"], "64.08.01.2001");
    assert_eq!(named["category"], "pupr.jalan");
    assert!(named["submitted_at"].as_str().expect("time").ends_with('Z'));
    assert!(named.get("reporter").is_none() && named.get("address").is_none());
    assert!(r.body["next"].is_null());

    let (rows, text) = walk_csv(&w, "/data/laporan.csv?batas=4").await;
    let tracking: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    let unique: BTreeSet<String> = tracking.iter().map(|t| t.to_string()).collect();
    assert_eq!(unique.len(), tracking.len(), "a report came twice");
    assert_eq!(unique, f.public);
    assert!(rows.iter().all(|r| r.last().is_some_and(|l| l.starts_with("CC-BY-4.0"))));
    for secret in SITI.into_iter().chain(BUDI).chain(RINA) {
        assert!(!text.contains(secret), "personal data in the CSV: {secret}");
    }
    let formula = rows.iter().find(|r| r[0] == f.formula).expect("row");
    assert!(formula[2].starts_with("'=HYPERLINK"), "{formula:?}");

    // Filters: Jayapura only.
    let r = w.call(Method::GET, "/data/laporan.json?wilayah=91.03", None, None).await;
    let only: Vec<&str> =
        r.body["data"].as_array().expect("data").iter().map(|i| i["tracking"].as_str().expect("t")).collect();
    assert_eq!(only, [f.jayapura.as_str()]);
    let r = w.call(Method::GET, "/data/laporan.json?status=closed", None, None).await;
    assert_eq!(r.body["count"], 0);

    // The documentation, linked from every page's footer.
    let mut b = Browser::new(&w);
    assert!(b.get("/").await.text.contains("href=\"/data\""));
    let doc = b.get("/data").await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.text.contains("CC BY 4.0") && doc.text.contains("/data/laporan.csv") && doc.text.contains("setelah"));
}

#[tokio::test]
async fn malformed_parameters_are_a_400_and_nothing_else() {
    let w = world("exports-bad-input").await;
    scenario(&w).await;
    for path in [
        "/data/laporan.json?status=bogus",
        "/data/laporan.json?status=submitted",
        "/data/laporan.json?status=archived",
        "/data/laporan.json?batas=0",
        "/data/laporan.json?batas=201",
        "/data/laporan.json?batas=banyak",
        "/data/laporan.json?setelah=bukan-penanda",
        "/data/laporan.json?dari=2026-13-01",
        "/data/laporan.json?dari=2026-03-10&sampai=2026-03-01",
        "/data/laporan.json?kategori=tidak.ada",
        "/data/laporan.json?wilayah=99.99.99",
        "/data/laporan.json?instansi=TIDAK-ADA",
        "/data/laporan.json?limit=5",
        "/data/laporan.csv?batas=-1",
        "/data/laporan.csv?setelah=12.ab",
    ] {
        let r = w.call(Method::GET, path, None, None).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.text);
        assert_eq!(r.headers[header::CONTENT_TYPE], "application/problem+json", "{path}");
        assert!(r.body["detail"].as_str().is_some_and(|d| !d.is_empty()), "{path}: {}", r.text);
        assert!(r.body["detail_id"].as_str().is_some_and(|d| !d.is_empty()), "{path}: {}", r.text);
        assert!(!r.text.contains("Jalan rusak"), "{path}: no data with an error");
    }
    let coordinator = signed_in(&w, "kominfo@contoh.id").await;
    for path in [
        "/staf/ekspor/laporan.csv?status=bogus",
        "/staf/ekspor/laporan.xlsx?dari=30-03-2026",
        "/staf/ekspor/laporan.csv?sampai=2026-02-30",
        "/staf/ekspor/laporan.csv?kategori=tidak.ada",
        "/staf/ekspor/laporan.csv?wilayah=abc",
        "/staf/ekspor/ukuran.csv?dari=2026-13",
        "/staf/ekspor/ukuran.xlsx?sampai=maret",
        "/staf/ekspor/ukuran.csv?dari=2026-03&sampai=2026-01",
        "/staf/ekspor/ukuran.csv?dari=2020-01&sampai=2026-03",
        "/staf/ekspor/ukuran.csv?org=TIDAK-ADA",
    ] {
        let (status, headers, bytes) = download(&coordinator, path).await;
        let text = String::from_utf8_lossy(&bytes);
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {text}");
        assert!(headers[header::CONTENT_TYPE].to_str().expect("type").starts_with("text/html"), "{path}");
        assert!(headers.get(header::CONTENT_DISPOSITION).is_none(), "{path}: no file with an error");
        assert!(!text.contains("Jalan rusak"), "{path}: no data with an error");
    }
}
