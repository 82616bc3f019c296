//! Open311 GeoReport v2 under `/open311/v2/`, driven in-process: every JSON answer is
//! checked against the official validator's schemas (tests/open311/schemas), every XML
//! answer is parsed back, and no answer may carry a confidential report or a reporter's
//! identity, whoever asks.

use aduan_domain::credential::KeyScope;
use aduan_domain::ids::{OrgId, ReportId};
use aduan_domain::lifecycle::{Command, Verification};
use aduan_domain::org::{Contact, NewOrganisation, OrgKind};
use aduan_domain::permission::{Actor, StaffRole};
use aduan_domain::person::{Locale, Role};
use aduan_domain::region::RegionCode;
use aduan_domain::report::{AnswerKind, Channel, Privacy, Report};
use aduan_domain::status::Status;
use aduan_domain::text::Text;
use aduan_domain::time::{SystemClock, Zone};
use aduan_domain::tracking::TrackingNumber;
use aduan_service::App;
use aduan_store::Store;
use aduan_store_sqlite::SqliteStore;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use serde_json::Value;
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

// ── the deployment ─────────────────────────────────────────────────────────────────

/// A national desk, Kutai Timur (PUPR, DLH) and Jayapura (PUPR), the shipped categories,
/// staff to move reports along, and integration keys of three organisations.
struct World {
    app: Arc<App>,
    /// One router for the whole test, so that its rate limits remember.
    router: axum::Router,
    screener: Actor,
    kutim_coordinator: Actor,
    pupr_officer: Actor,
    /// Keys with every scope: of Kutai Timur, of Jayapura, of the national desk.
    kutim_key: String,
    jayapura_key: String,
    national_key: String,
    /// Kutai Timur's key that may only read.
    kutim_reader: String,
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

async fn world(name: &str) -> World {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("open311");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(format!("{name}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let store = Arc::new(SqliteStore::connect(&path.display().to_string()).await.expect("open"));
    store.migrate().await.expect("migrate");
    let app =
        Arc::new(App::open(store, Arc::new(SystemClock), aduan_domain::sla::Limits::default()).await.expect("app"));
    app.store()
        .create_organisations(&[
            org("NASIONAL", "Admin Nasional SP4N-LAPOR!", OrgKind::National, None, None, Zone::Wib),
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
            org("KAB-64.08/DLH", "Dinas LH Kutai Timur", OrgKind::Unit, Some("KAB-64.08"), Some("64.08"), Zone::Wita),
            org(
                "KAB-91.03",
                "Pemerintah Kabupaten Jayapura",
                OrgKind::Instansi,
                Some("NASIONAL"),
                Some("91.03"),
                Zone::Wit,
            ),
            org("KAB-91.03/DPUPR", "Dinas PUPR Jayapura", OrgKind::Unit, Some("KAB-91.03"), Some("91.03"), Zone::Wit),
        ])
        .await
        .expect("organisations");
    app.reload_reference().await.expect("reload");
    aduan_seed::catalog::seed_categories(&app).await.expect("categories");
    let mut staff = Vec::new();
    for (who, role, code) in [
        ("Verifikator", Role::Screener, "NASIONAL"),
        ("Admin Kominfo", Role::Coordinator, "KAB-64.08"),
        ("Petugas PUPR", Role::Officer, "KAB-64.08/DPUPR"),
    ] {
        let person = app.add_person(who, None, None, Locale::Id, None).await.expect("person");
        let org = app.find_org(code).expect("org");
        app.grant_role(person, role, org).await.expect("grant");
        staff.push(Actor::Staff(StaffRole { person, role, org }));
    }
    let all = vec![KeyScope::Read, KeyScope::File, KeyScope::Act];
    let key = |code: &str, scopes: Vec<KeyScope>| {
        let app = Arc::clone(&app);
        let org = app.find_org(code).expect("org");
        async move { app.create_api_key(&Actor::System, org, None, scopes, "Aplikasi 311").await.expect("key").secret }
    };
    World {
        kutim_key: key("KAB-64.08", all.clone()).await,
        jayapura_key: key("KAB-91.03", all.clone()).await,
        national_key: key("NASIONAL", all).await,
        kutim_reader: key("KAB-64.08", vec![KeyScope::Read]).await,
        screener: staff[0],
        kutim_coordinator: staff[1],
        pupr_officer: staff[2],
        router: aduan_web::router(Arc::clone(&app)),
        app,
    }
}

// The reporter of every report filed here: none of this may come back.
const NAME_FIRST: &str = "Siti";
const NAME_LAST: &str = "Rahmawati";
const EMAIL: &str = "siti.rahmawati@example.id";
const PHONE: &str = "0812-3456-7890";
const PHONE_DIGITS: &str = "81234567890";

impl World {
    fn org(&self, code: &str) -> OrgId {
        self.app.find_org(code).expect("org")
    }

    async fn report(&self, tracking: &str) -> Report {
        let tracking = TrackingNumber::parse(tracking).expect("tracking");
        self.app.store().report_by_tracking(&tracking).await.expect("load").expect("found")
    }

    /// Acts on the report as it stands now.
    async fn act(&self, id: ReportId, actor: &Actor, command: Command) -> Report {
        let version = self.app.store().report(id).await.expect("load").expect("found").version;
        self.app.act(actor, id, version, command).await.unwrap_or_else(|e| panic!("act: {e}"))
    }

    async fn verify(&self, id: ReportId, confidential: bool) -> Report {
        let v = Verification {
            instansi: Some(self.org("KAB-64.08")),
            privacy: confidential.then_some(Privacy { anonymous: false, confidential: true }),
            ..Verification::default()
        };
        self.act(id, &self.screener, Command::Verify(v)).await
    }

    async fn dispose(&self, id: ReportId) -> Report {
        let units = vec![self.org("KAB-64.08/DPUPR")];
        self.act(id, &self.kutim_coordinator, Command::Dispose { units, note: None }).await
    }

    async fn answer(&self, id: ReportId, text: &str) -> Report {
        let command = Command::Respond {
            unit: None,
            answer: AnswerKind::Final,
            text: Text::message(text).expect("text"),
            attachments: vec![],
        };
        self.act(id, &self.pupr_officer, command).await
    }

    /// Files a road report in Kutai Timur through Open311 with `key`; its tracking number.
    async fn file(&self, key: &str, description: &str) -> String {
        let (status, body) = self.post("requests.json", &road(key, description)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        json(&body)[0]["service_request_id"].as_str().expect("id").to_string()
    }

    async fn call(&self, req: Request<Body>) -> (StatusCode, HeaderMap, String) {
        let response = self.router.clone().oneshot(req).await.expect("response");
        let (parts, body) = response.into_parts();
        let body = axum::body::to_bytes(body, 1 << 24).await.expect("body");
        (parts.status, parts.headers, String::from_utf8(body.to_vec()).expect("utf-8"))
    }

    async fn get(&self, path: &str, params: &[(&str, &str)]) -> (StatusCode, String) {
        let (status, _, body) = self.get_with_headers(path, params).await;
        (status, body)
    }

    async fn get_with_headers(&self, path: &str, params: &[(&str, &str)]) -> (StatusCode, HeaderMap, String) {
        let uri = format!("/open311/v2/{path}?{}", encode(params));
        self.call(Request::get(uri).body(Body::empty()).expect("request")).await
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let (status, _, body) = self.post_with_headers(path, form).await;
        (status, body)
    }

    async fn post_with_headers(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, HeaderMap, String) {
        let req = Request::post(format!("/open311/v2/{path}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(encode(form)))
            .expect("request");
        self.call(req).await
    }
}

/// A complete filing of a road report in Kutai Timur.
fn road<'a>(key: &'a str, description: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("api_key", key),
        ("service_code", "pupr.jalan"),
        ("lat", "0.512"),
        ("long", "117.58"),
        ("address_string", "Jl. Poros Sangatta–Bontang km 12"),
        ("address_id", "64.08.01"),
        ("description", description),
        ("first_name", NAME_FIRST),
        ("last_name", NAME_LAST),
        ("email", EMAIL),
        ("phone", PHONE),
        ("attribute[kedalaman]", "30 cm"),
    ]
}

const ROAD: &str = "Jalan berlubang besar di km 12\nSudah dua bulan tidak diperbaiki, membahayakan pengendara motor.";

/// `application/x-www-form-urlencoded`.
fn encode(pairs: &[(&str, &str)]) -> String {
    let byte = |b: u8| match b {
        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
        b' ' => "+".into(),
        _ => format!("%{b:02X}"),
    };
    pairs
        .iter()
        .map(|(k, v)| {
            let k: String = k.bytes().map(byte).collect();
            let v: String = v.bytes().map(byte).collect();
            format!("{k}={v}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

// ── the official schemas ───────────────────────────────────────────────────────────

struct Schemas {
    requests: jsonschema::Validator,
    services: jsonschema::Validator,
    definition: jsonschema::Validator,
}

const BASE: &str = "https://schemas.open311.test/georeport-v2/";

fn schema_file(name: &str) -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/open311/schemas/");
    let text = std::fs::read_to_string(format!("{path}{name}")).expect("schema file");
    serde_json::from_str(&text).expect("schema JSON")
}

fn schemas() -> &'static Schemas {
    static SCHEMAS: OnceLock<Schemas> = OnceLock::new();
    SCHEMAS.get_or_init(|| {
        // `requests.json` and `services.json` refer to their items by file name.
        let registry = jsonschema::Registry::new()
            .add(format!("{BASE}request.json"), schema_file("request.json"))
            .expect("request.json")
            .add(format!("{BASE}service.json"), schema_file("service.json"))
            .expect("service.json")
            .prepare()
            .expect("registry");
        let build = |name: &str| {
            jsonschema::options()
                .with_registry(&registry)
                .with_base_uri(format!("{BASE}{name}"))
                .should_validate_formats(true)
                .build(&schema_file(name))
                .unwrap_or_else(|e| panic!("{name}: {e}"))
        };
        Schemas {
            requests: build("requests.json"),
            services: build("services.json"),
            definition: build("service-definition.json"),
        }
    })
}

fn assert_valid(validator: &jsonschema::Validator, body: &str) -> Value {
    let value = json(body);
    let errors: Vec<String> =
        validator.iter_errors(&value).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}\nin {body}");
    value
}

// ── XML read back ──────────────────────────────────────────────────────────────────

#[derive(Debug, Default)]
struct El {
    name: String,
    text: String,
    children: Vec<El>,
}

impl El {
    fn all(&self, name: &str) -> Vec<&El> {
        self.children.iter().filter(|c| c.name == name).collect()
    }

    fn child(&self, name: &str) -> &El {
        self.children.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("<{}> has no <{name}>", self.name))
    }

    fn text_of(&self, name: &str) -> &str {
        &self.child(name).text
    }
}

fn xml(body: &str) -> El {
    use quick_xml::events::Event;
    assert!(body.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), "{body}");
    let mut reader = quick_xml::Reader::from_str(body);
    let mut stack = vec![El::default()];
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("bad XML ({e}): {body}")) {
            Event::Start(e) => {
                assert!(e.attributes().next().is_none(), "no attributes, no namespace: {body}");
                stack.push(El { name: e.name().0.to_string(), ..El::default() });
            }
            Event::Empty(e) => {
                let el = El { name: e.name().0.to_string(), ..El::default() };
                stack.last_mut().expect("parent").children.push(el);
            }
            Event::End(_) => {
                let el = stack.pop().expect("element");
                stack.last_mut().expect("parent").children.push(el);
            }
            Event::Text(t) => stack.last_mut().expect("element").text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().expect("char ref") {
                    Some(c) => c,
                    None => match &*r.xml10_content() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => panic!("unknown entity {other}"),
                    },
                };
                stack.last_mut().expect("element").text.push(c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut document = stack.pop().expect("document");
    assert_eq!(document.children.len(), 1, "one document element");
    let root = document.children.remove(0);
    assert!(!root.name.contains(':'), "no namespace prefix");
    root
}

fn assert_error(status: StatusCode, body: &str, expected: StatusCode, words: &str) {
    assert_eq!(status, expected, "{body}");
    let v = json(body);
    let errors = v.as_array().expect("an array of errors");
    assert_eq!(errors.len(), 1, "{body}");
    assert_eq!(errors[0]["code"], expected.as_u16(), "{body}");
    let description = errors[0]["description"].as_str().expect("description");
    assert!(description.contains(words), "{description:?} should mention {words:?}");
}

fn assert_xml_error(status: StatusCode, body: &str, expected: StatusCode) {
    assert_eq!(status, expected, "{body}");
    let root = xml(body);
    assert_eq!(root.name, "errors");
    let error = root.child("error");
    assert_eq!(error.text_of("code"), expected.as_u16().to_string());
    assert!(!error.text_of("description").is_empty());
}

/// No part of the reporter's identity is anywhere in the answer.
fn assert_anonymous(body: &str) {
    for secret in [NAME_FIRST, NAME_LAST, EMAIL, "siti.rahmawati", PHONE, PHONE_DIGITS] {
        assert!(!body.contains(secret), "the answer shows {secret:?}: {body}");
    }
}

// ── tests ──────────────────────────────────────────────────────────────────────────

#[tokio::test]
async fn discovery_services_and_definitions_follow_the_schemas() {
    let w = world("discovery").await;

    let (status, body) = w.get("discovery.json", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let d = json(&body);
    assert!(d["changeset"].as_str().is_some_and(|c| c.ends_with("+07:00")));
    let endpoint = &d["endpoints"][0];
    assert_eq!(endpoint["specification"], "http://wiki.open311.org/GeoReport_v2");
    assert!(endpoint["url"].as_str().is_some_and(|u| u.ends_with("/open311/v2")), "{body}");
    assert_eq!(endpoint["formats"], serde_json::json!(["application/json", "text/xml"]));
    // A configured public address wins over the Host header.
    let settings =
        aduan_web::WebSettings { public_url: Some("https://aduan.kutaitimurkab.go.id/".into()), ..Default::default() };
    let configured = aduan_web::router_with(aduan_web::AppState::new(Arc::clone(&w.app), settings));
    let req = axum::http::Request::get("/open311/v2/discovery.json")
        .header("host", "evil.example")
        .body(axum::body::Body::empty())
        .expect("request");
    let response = configured.oneshot(req).await.expect("response");
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 16).await.expect("body");
    let d = json(&String::from_utf8_lossy(&bytes));
    assert_eq!(d["endpoints"][0]["url"], "https://aduan.kutaitimurkab.go.id/open311/v2");
    let (status, headers, body) = w.get_with_headers("discovery.xml", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/xml; charset=utf-8");
    let d = xml(&body);
    assert_eq!(d.name, "discovery");
    let formats: Vec<&str> =
        d.child("endpoints").child("endpoint").child("formats").all("format").iter().map(|f| f.text.as_str()).collect();
    assert_eq!(formats, ["application/json", "text/xml"]);

    let (status, headers, body) = w.get_with_headers("services.json", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json; charset=utf-8");
    let services = assert_valid(&schemas().services, &body);
    let services = services.as_array().expect("a list");
    let jalan = services.iter().find(|s| s["service_code"] == "pupr.jalan").expect("roads");
    assert_eq!(jalan["service_name"], "Jalan dan Jembatan");
    assert_eq!(jalan["group"], "Pekerjaan Umum dan Penataan Ruang");
    assert_eq!(jalan["metadata"], false);
    assert_eq!(jalan["type"], "realtime");
    assert!(jalan["keywords"].as_str().is_some_and(|k| k.contains("Roads and bridges")), "keywords are a string");
    let top = services.iter().find(|s| s["service_code"] == "pupr").expect("topic");
    assert_eq!(top["group"], Value::Null);

    let (status, body) = w.get("services.xml", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let root = xml(&body);
    assert_eq!(root.name, "services");
    assert_eq!(root.all("service").len(), services.len());
    let jalan = root.all("service").into_iter().find(|s| s.text_of("service_code") == "pupr.jalan").expect("roads");
    assert_eq!(jalan.text_of("metadata"), "false");
    assert_eq!(jalan.text_of("group"), "Pekerjaan Umum dan Penataan Ruang");

    // A service definition; its code contains a dot, the suffix is still the format.
    let (status, body) = w.get("services/pupr.jalan.json", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let def = assert_valid(&schemas().definition, &body);
    assert_eq!(def, serde_json::json!({"service_code": "pupr.jalan", "attributes": []}));
    let (status, body) = w.get("services/pupr.jalan.xml", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let def = xml(&body);
    assert_eq!((def.name.as_str(), def.text_of("service_code")), ("service_definition", "pupr.jalan"));
    assert!(def.child("attributes").children.is_empty());

    let (status, body) = w.get("services/tidak-ada.json", &[]).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "service_code tidak-ada");
    let (status, body) = w.get("services/tidak-ada.xml", &[]).await;
    assert_xml_error(status, &body, StatusCode::NOT_FOUND);

    // The jurisdiction: checked when given, an empty one is no jurisdiction.
    assert_eq!(w.get("services.json", &[("jurisdiction_id", "aduan.go.id")]).await.0, StatusCode::OK);
    assert_eq!(w.get("services.json", &[("jurisdiction_id", "")]).await.0, StatusCode::OK);
    let (status, body) = w.get("services.json", &[("jurisdiction_id", "sfgov.org")]).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "jurisdiction_id");
    let (status, body) = w.get("requests.xml", &[("jurisdiction_id", "sfgov.org")]).await;
    assert_xml_error(status, &body, StatusCode::NOT_FOUND);
    let (status, body) = w.post("requests.json", &[("jurisdiction_id", "sfgov.org"), ("api_key", &w.kutim_key)]).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "jurisdiction_id");
}

#[tokio::test]
async fn a_key_files_a_report_on_channel_open311() {
    let w = world("filing").await;
    let mut form = road(&w.kutim_key, ROAD);
    form.push(("media_url", "https://foto.example.id/jalan-12.jpg"));
    let (status, body) = w.post("requests.json", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_anonymous(&body);
    let answer = json(&body);
    let created = answer.as_array().expect("a list");
    assert_eq!(created.len(), 1);
    let id = created[0]["service_request_id"].as_str().expect("service_request_id");
    assert!(created[0].get("token").is_none(), "exactly one of service_request_id and token");
    assert!(created[0]["service_notice"].as_str().is_some_and(|n| n.contains("Admin Nasional")), "{body}");

    let report = w.report(id).await;
    assert_eq!(report.channel, Channel::Open311);
    assert_eq!(report.status, Status::Submitted);
    assert_eq!(report.target_instansi, Some(w.org("KAB-64.08")), "addressed to the key's instansi");
    assert!(report.entered_by.is_some(), "the key's service account entered it");
    assert_eq!(report.title.as_str(), "Jalan berlubang besar di km 12", "the title is the first line");
    assert!(report.description.as_str().starts_with(ROAD));
    assert!(report.description.as_str().ends_with("Media: https://foto.example.id/jalan-12.jpg"));
    assert_eq!(
        report.category.and_then(|c| w.app.reference().categories.get(c).map(|c| c.code.clone())),
        Some("pupr.jalan".into())
    );
    assert_eq!(report.location.region.as_ref().map(|r| r.as_str()), Some("64.08.01"));
    assert_eq!(report.location.point.map(|p| (p.lat, p.lon)), Some((0.512, 117.58)));
    assert_eq!(report.location.address.as_deref(), Some("Jl. Poros Sangatta–Bontang km 12"));
    assert_eq!(report.reporter.name.as_deref(), Some("Siti Rahmawati"));
    assert_eq!(report.reporter.email.as_ref().map(|e| e.as_str()), Some(EMAIL));
    assert_eq!(report.reporter.phone.as_ref().map(|p| p.as_str()), Some("+6281234567890"));

    // XML, a location by region code alone, a title sent by the client, a key of the
    // national desk (no instansi to address).
    let (status, body) = w
        .post(
            "requests.xml",
            &[
                ("api_key", &w.national_key),
                ("service_code", "lingkungan.sampah"),
                ("address_id", "64.08"),
                ("title", "Sampah menumpuk di pasar"),
                ("description", "Sampah tidak diangkut selama seminggu, baunya menyengat sekali."),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let root = xml(&body);
    assert_eq!(root.name, "service_requests");
    let request = root.child("request");
    assert!(request.all("token").is_empty());
    let report = w.report(request.text_of("service_request_id")).await;
    assert_eq!((report.title.as_str(), report.target_instansi), ("Sampah menumpuk di pasar", None));
    assert_eq!(report.channel, Channel::Open311);
}

#[tokio::test]
async fn filing_refuses_bad_input() {
    let w = world("refusals").await;
    let without = |name: &str| -> Vec<(&str, &str)> {
        road(&w.kutim_key, ROAD).into_iter().filter(|(k, _)| *k != name).collect()
    };
    let with = |name: &'static str, value: &'static str| -> Vec<(&str, &str)> {
        let mut form = without(name);
        form.push((name, value));
        form
    };
    // The key.
    let (status, body) = w.post("requests.json", &without("api_key")).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "api_key");
    let (status, body) = w.post("requests.xml", &with("api_key", "adk_bukan-kunci")).await;
    assert_xml_error(status, &body, StatusCode::FORBIDDEN);
    let mut form = without("api_key");
    form.push(("api_key", &w.kutim_reader));
    let (status, body) = w.post("requests.json", &form).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "file");
    // The service.
    let (status, body) = w.post("requests.json", &with("service_code", "tidak-ada")).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "service_code");
    let (status, body) = w.post("requests.json", &without("service_code")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "service_code");
    // The location.
    for (name, value, words) in [
        ("lat", "nol koma lima", "lat"),
        ("lat", "51.5", "not a point in Indonesia"),
        ("long", "-0.12", "not a point in Indonesia"),
        ("address_id", "64-08", "address_id"),
        ("address_id", "99.99", "address_id"),
    ] {
        let (status, body) = w.post("requests.json", &with(name, value)).await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, words);
    }
    let (status, body) = w.post("requests.json", &without("long")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "together");
    let nowhere: Vec<(&str, &str)> = road(&w.kutim_key, ROAD)
        .into_iter()
        .filter(|(k, _)| !matches!(*k, "lat" | "long" | "address_string" | "address_id"))
        .collect();
    let (status, body) = w.post("requests.json", &nowhere).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "location is required");
    // The description.
    let long = "Jalan rusak. ".repeat(400);
    let mut form = without("description");
    form.push(("description", &long));
    let (status, body) = w.post("requests.json", &form).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "at most 4000 characters");
    let (status, body) = w.post("requests.json", &with("description", "Jalan rusak")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "description");
    let (status, body) = w.post("requests.json", &without("description")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "description is required");
    // The reporter's contact, without echoing it.
    let (status, body) = w.post("requests.json", &with("email", "siti-at-example")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "email");
    assert!(!body.contains("siti-at-example"));
    let (status, body) = w.post("requests.json", &with("phone", "telepon saya")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "phone");
    let (status, body) = w.post("requests.json", &with("media_url", "javascript:alert(1)")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "media_url");
    // A body that is not a form, or not well-formed.
    let req = Request::post("/open311/v2/requests.json")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"service_code":"pupr.jalan"}"#))
        .expect("request");
    let (status, _, body) = w.call(req).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "x-www-form-urlencoded");
    let mut garbage = format!("api_key={}&", w.kutim_key).into_bytes();
    garbage.extend([0xff, 0xfe, b'=', b'%', b'z', b'&', b'&', b'=']);
    let req = Request::post("/open311/v2/requests.json")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(garbage))
        .expect("request");
    let (status, _, body) = w.call(req).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "service_code is required");
    // Nothing of all that was filed.
    let filter = aduan_store::ReportFilter::new(aduan_store::Scope::All);
    assert_eq!(w.app.store().count_reports(&filter, u64::MAX).await.expect("count").value(), 0);
    // Parameters may also come in the query string, as the v2.1 description has them.
    let uri = format!("/open311/v2/requests.json?{}", encode(&road(&w.kutim_key, ROAD)));
    let (status, _, body) = w.call(Request::post(uri).body(Body::empty()).expect("request")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn requests_follow_the_schema_and_show_progress() {
    let w = world("requests").await;
    let id = w.file(&w.kutim_key, ROAD).await;
    let report = w.report(&id).await;

    // Before screening, the public does not see it; the key that filed it does.
    let (status, body) = w.get(&format!("requests/{id}.json"), &[]).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, &id);
    let (status, body) = w.get(&format!("requests/{id}.json"), &[("api_key", &w.kutim_key)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let r = &assert_valid(&schemas().requests, &body)[0];
    assert_eq!((r["status"].as_str(), r["status_notes"].as_null()), (Some("open"), Some(())));
    assert_eq!(r["agency_responsible"], "Admin Nasional SP4N-LAPOR!");
    assert!(r["expected_datetime"].as_str().is_some_and(|t| t.ends_with("+07:00")), "the desk's clock, in WIB: {body}");
    assert_anonymous(&body);

    w.verify(report.id, false).await;
    w.dispose(report.id).await;
    w.answer(report.id, "Lubang sudah ditambal pada hari Senin.").await;
    let (status, body) = w.get(&format!("requests/{id}.json"), &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let list = assert_valid(&schemas().requests, &body);
    assert_eq!(list.as_array().map(Vec::len), Some(1), "an array of one");
    let r = &list[0];
    assert_eq!(r["service_request_id"], id.as_str());
    assert_eq!(r["status"], "open", "answered is still open until accepted");
    assert_eq!(r["status_notes"], "Lubang sudah ditambal pada hari Senin.");
    assert_eq!(
        (r["service_code"].as_str(), r["service_name"].as_str()),
        (Some("pupr.jalan"), Some("Jalan dan Jembatan"))
    );
    assert_eq!(r["description"].as_str(), Some(ROAD));
    assert_eq!(r["agency_responsible"], "Pemerintah Kabupaten Kutai Timur — Dinas PUPR Kutai Timur");
    assert_eq!((r["lat"].as_f64(), r["long"].as_f64()), (Some(0.512), Some(117.58)));
    assert_eq!(
        (r["address"].as_str(), r["address_id"].as_str()),
        (Some("Jl. Poros Sangatta–Bontang km 12"), Some("64.08.01"))
    );
    for field in ["requested_datetime", "updated_datetime"] {
        assert!(
            r[field].as_str().is_some_and(|t| t.ends_with("+08:00")),
            "{field} in Kutai Timur's time (WITA): {body}"
        );
    }
    assert_eq!(r["expected_datetime"], Value::Null, "the public sees no deadlines");
    assert_anonymous(&body);
    // The handling instansi's key sees the running clock, still nothing of the reporter.
    let (_, body) = w.get(&format!("requests/{id}.json"), &[("api_key", &w.kutim_reader)]).await;
    assert_anonymous(&body);
    let r = &assert_valid(&schemas().requests, &body)[0];
    assert_eq!(r["status_notes"], "Lubang sudah ditambal pada hari Senin.");

    let (status, body) = w.get(&format!("requests/{id}.xml"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    let root = xml(&body);
    assert_eq!(root.name, "service_requests");
    let r = root.child("request");
    assert_eq!(r.text_of("service_request_id"), id);
    assert_eq!(r.text_of("status"), "open");
    assert_eq!(r.text_of("long"), "117.58");
    assert_eq!(r.text_of("agency_responsible"), "Pemerintah Kabupaten Kutai Timur — Dinas PUPR Kutai Timur");
    assert!(r.child("expected_datetime").text.is_empty());
    assert_anonymous(&body);

    // Accepted through the client that filed it: closed.
    let (status, body) = w
        .post(
            "servicerequestupdates.json",
            &[("api_key", &w.kutim_key), ("service_request_id", &id), ("status", "FIXED")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = w.get(&format!("requests/{id}.json"), &[]).await;
    let r = &assert_valid(&schemas().requests, &body)[0];
    assert_eq!(r["status"], "closed");
    let closed = w.report(&id).await.closed_at.expect("closed");
    assert_eq!(
        r["updated_datetime"],
        closed.with_timezone(&Zone::Wita.offset()).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    );

    // Unknown and malformed ids are 404, in either format.
    for path in ["requests/K7MP9QX4T.json", "requests/bukan-nomor.json", "requests/.json"] {
        let (status, body) = w.get(path, &[]).await;
        assert_error(status, &body, StatusCode::NOT_FOUND, "");
    }
    let (status, body) = w.get("requests/K7MP9QX4T.xml", &[]).await;
    assert_xml_error(status, &body, StatusCode::NOT_FOUND);
    // A key that is not valid is refused, not read as the public.
    let (status, body) = w.get(&format!("requests/{id}.json"), &[("api_key", "adk_salah")]).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "api_key");
}

#[tokio::test]
async fn a_kept_public_list_is_given_again_only_until_a_report_changes() {
    let w = world("kept-lists").await;
    let id = w.file(&w.kutim_key, ROAD).await;
    let report = w.report(&id).await;
    w.verify(report.id, false).await;
    let row = |body: &str| -> Value {
        let list = assert_valid(&schemas().requests, body);
        list.as_array()
            .into_iter()
            .flatten()
            .find(|r| r["service_request_id"] == id.as_str())
            .cloned()
            .unwrap_or_default()
    };
    let (_, first) = w.get("requests.json", &[]).await;
    assert_eq!(row(&first)["status_notes"], Value::Null);
    let (_, again) = w.get("requests.json", &[]).await;
    assert_eq!(first, again);
    // An answer: the next list shows it at once, not the kept one.
    w.dispose(report.id).await;
    w.answer(report.id, "Lubang sudah ditambal pada hari Senin.").await;
    let (_, answered) = w.get("requests.json", &[]).await;
    assert_eq!(row(&answered)["status_notes"], "Lubang sudah ditambal pada hari Senin.");
    // XML is kept apart from JSON.
    let (_, as_xml) = w.get("requests.xml", &[]).await;
    assert!(as_xml.starts_with("<?xml"), "{as_xml}");
    let (status, body) = w
        .post(
            "servicerequestupdates.json",
            &[("api_key", &w.kutim_key), ("service_request_id", &id), ("status", "FIXED")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, closed) = w.get("requests.json", &[]).await;
    assert_eq!(row(&closed)["status"], "closed");
}

#[tokio::test]
async fn request_lists_filter_and_page() {
    let w = world("lists").await;
    let mut public = Vec::new();
    for i in 0..5 {
        let id = w.file(&w.kutim_key, &format!("Jalan rusak nomor {i} di Sangatta\nLubang besar, membahayakan.")).await;
        w.verify(w.report(&id).await.id, false).await;
        public.push(id);
    }
    let waste = {
        let (status, body) = w
            .post(
                "requests.json",
                &[
                    ("api_key", &w.kutim_key),
                    ("service_code", "lingkungan.sampah"),
                    ("address_id", "64.08"),
                    ("description", "Sampah tidak diangkut selama seminggu, baunya menyengat sekali."),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        json(&body)[0]["service_request_id"].as_str().expect("id").to_string()
    };
    let waste_id = w.report(&waste).await.id;
    w.verify(waste_id, false).await;
    w.dispose(waste_id).await;
    w.answer(waste_id, "Sudah diangkut.").await;
    w.act(waste_id, &Actor::ReportLink(waste_id), Command::Accept).await;
    let unverified = w.file(&w.kutim_key, ROAD).await;

    let ids = |body: &str| -> Vec<String> {
        assert_valid(&schemas().requests, body)
            .as_array()
            .expect("list")
            .iter()
            .map(|r| r["service_request_id"].as_str().expect("id").to_string())
            .collect()
    };
    // The public list: verified reports, newest first.
    let (status, body) = w.get("requests.json", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut expected: Vec<String> = public.iter().rev().cloned().collect();
    expected.insert(0, waste.clone());
    assert_eq!(ids(&body), expected);
    assert!(!ids(&body).contains(&unverified));
    // Filters; empty parameters are absent ones.
    let (_, body) = w.get("requests.json", &[("service_code", "lingkungan.sampah"), ("status", "")]).await;
    assert_eq!(ids(&body), vec![waste.clone()]);
    let (_, body) = w.get("requests.json", &[("status", "closed")]).await;
    assert_eq!(ids(&body), vec![waste.clone()]);
    let (_, body) =
        w.get("requests.json", &[("status", "open"), ("service_code", "pupr.jalan,lingkungan.sampah")]).await;
    assert_eq!(ids(&body).len(), 5);
    let (_, body) = w.get("requests.json", &[("status", "open,closed")]).await;
    assert_eq!(ids(&body).len(), 6);
    // Words (an extension): the description's, in any form, with the other filters.
    let (_, body) = w.get("requests.json", &[("q", "sampah diangkut")]).await;
    assert_eq!(ids(&body), vec![waste.clone()]);
    let (_, body) = w.get("requests.json", &[("q", "lubang"), ("service_code", "pupr.jalan")]).await;
    assert_eq!(ids(&body).len(), 5);
    let (_, body) = w.get("requests.json", &[("q", "lubang"), ("status", "closed")]).await;
    assert!(ids(&body).is_empty());
    // Pages.
    let (_, body) = w.get("requests.json", &[("page_size", "2")]).await;
    assert_eq!(ids(&body), expected[..2].to_vec());
    let (_, body) = w.get("requests.json", &[("page_size", "2"), ("page", "3")]).await;
    assert_eq!(ids(&body), expected[4..].to_vec());
    let (_, body) = w.get("requests.json", &[("page_size", "2"), ("page", "4")]).await;
    assert!(ids(&body).is_empty());
    // By id: overrides the rest, keeps the order asked, leaves out what cannot be shown.
    let asked = format!("{},{},{unverified},K7MP9QX4T,bukan", public[0], waste);
    let (_, body) = w.get("requests.json", &[("service_request_id", &asked), ("status", "closed")]).await;
    assert_eq!(ids(&body), vec![public[0].clone(), waste.clone()]);
    // Dates.
    let now = chrono::Utc::now();
    let iso = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&Zone::Wib.offset()).to_rfc3339();
    let (_, body) = w.get("requests.json", &[("start_date", &iso(now - chrono::Duration::hours(1)))]).await;
    assert_eq!(ids(&body).len(), 6);
    let (_, body) = w.get("requests.json", &[("end_date", &iso(now - chrono::Duration::hours(1)))]).await;
    assert!(ids(&body).is_empty());
    let (_, body) = w.get("requests.json", &[("updated_after", &iso(now + chrono::Duration::hours(1)))]).await;
    assert!(ids(&body).is_empty());
    let (_, body) = w.get("requests.json", &[("updated_before", &iso(now + chrono::Duration::hours(1)))]).await;
    assert_eq!(ids(&body).len(), 6);
    // An unencoded "+" of an offset arrives as a space and is still understood.
    let start = iso(now - chrono::Duration::hours(1));
    let uri = format!("/open311/v2/requests.json?start_date={start}");
    let (status, _, body) = w.call(Request::get(uri).body(Body::empty()).expect("request")).await;
    assert_eq!((status, ids(&body).len()), (StatusCode::OK, 6));
    // What is refused.
    for (params, words) in [
        (vec![("status", "pending")], "status pending"),
        (vec![("start_date", "kemarin")], "start_date"),
        (vec![("start_date", "2026-01-01T00:00:00+07:00"), ("end_date", "2026-06-01T00:00:00+07:00")], "90 days"),
        (vec![("start_date", "2026-06-01T00:00:00+07:00"), ("end_date", "2026-01-01T00:00:00+07:00")], "before"),
        (vec![("page", "0")], "page"),
        (vec![("page_size", "banyak")], "page_size"),
    ] {
        let (status, body) = w.get("requests.json", &params).await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, words);
    }
    let (status, body) = w.get("requests.json", &[("service_code", "tidak-ada")]).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "service_code");
    let (status, body) = w.get("requests.xml", &[("status", "pending")]).await;
    assert_xml_error(status, &body, StatusCode::BAD_REQUEST);
    // XML lists.
    let (status, body) = w.get("requests.xml", &[("page_size", "3")]).await;
    assert_eq!(status, StatusCode::OK);
    let root = xml(&body);
    assert_eq!(root.all("request").len(), 3);
    assert_eq!(root.all("request")[0].text_of("service_request_id"), waste);
    assert_eq!(root.all("request")[0].text_of("status"), "closed");
}

#[tokio::test]
async fn confidential_reports_and_personal_data_never_appear() {
    let w = world("privacy").await;
    let open_id = w.file(&w.kutim_key, ROAD).await;
    let open = w.report(&open_id).await;
    w.verify(open.id, false).await;
    w.dispose(open.id).await;
    let secret_id =
        w.file(&w.kutim_key, "Pungutan liar di kantor kecamatan\nPetugas meminta uang untuk surat pengantar.").await;
    let secret = w.report(&secret_id).await;
    w.verify(secret.id, true).await;
    w.dispose(secret.id).await;
    w.answer(secret.id, "Petugas sudah diperiksa Inspektorat.").await;
    assert!(w.report(&secret_id).await.privacy.confidential);

    // The public, the handling instansi's keys, the national desk's key: none sees it here.
    for key in [None, Some(&w.kutim_key), Some(&w.kutim_reader), Some(&w.national_key)] {
        let with_key = |mut params: Vec<(&'static str, String)>| {
            if let Some(k) = key {
                params.push(("api_key", k.clone()));
            }
            params
        };
        for (path, params) in [
            ("requests.json", with_key(vec![])),
            ("requests.xml", with_key(vec![])),
            ("requests.json", with_key(vec![("service_request_id", format!("{secret_id},{open_id}"))])),
            ("requests.json", with_key(vec![("status", "open".into()), ("service_code", "pupr.jalan".into())])),
            ("servicerequestupdates.json", with_key(vec![])),
            ("servicerequestupdates.xml", with_key(vec![])),
        ] {
            let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (status, body) = w.get(path, &params).await;
            assert_eq!(status, StatusCode::OK, "{path}: {body}");
            assert!(body.contains(&open_id), "{path} with {key:?} shows the public report: {body}");
            assert!(!body.contains(&secret_id), "{path} with {key:?} shows the confidential report: {body}");
            assert!(!body.contains("Inspektorat") && !body.contains("Pungutan"), "{body}");
            assert_anonymous(&body);
        }
        let params: Vec<(&str, &str)> = key.map(|k| vec![("api_key", k.as_str())]).unwrap_or_default();
        for format in ["json", "xml"] {
            let (status, body) = w.get(&format!("requests/{secret_id}.{format}"), &params).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{key:?}: {body}");
            assert!(!body.contains("Pungutan"));
        }
        let (_, body) = w.get(&format!("requests/{open_id}.json"), &params).await;
        assert_anonymous(&body);
    }
    // Nor can its updates be posted here, even by the client that filed it.
    let (status, body) = w
        .post(
            "servicerequestupdates.json",
            &[("api_key", &w.kutim_key), ("service_request_id", &secret_id), ("status", "FIXED")],
        )
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, &secret_id);
}

#[tokio::test]
async fn keys_read_their_own_scope_and_post_only_for_their_reports() {
    let w = world("scope").await;
    // Filed by Kutai Timur's client; the desk asks the reporter a question: not public.
    let pending_id = w.file(&w.kutim_key, ROAD).await;
    let pending = w.report(&pending_id).await;
    let question = Command::RequestInfo { question: Text::message("Di km berapa tepatnya?").expect("text") };
    w.act(pending.id, &w.screener, question).await;
    let path = format!("requests/{pending_id}.json");
    assert_eq!(w.get(&path, &[]).await.0, StatusCode::NOT_FOUND, "not public");
    assert_eq!(w.get(&path, &[("api_key", &w.jayapura_key)]).await.0, StatusCode::NOT_FOUND, "another regency");
    let (status, body) = w.get(&path, &[("api_key", &w.kutim_key)]).await;
    assert_eq!(status, StatusCode::OK, "the client that filed it: {body}");
    assert_anonymous(&body);
    assert!(!body.contains("Di km berapa"), "a question to the reporter is not a public note: {body}");
    assert_eq!(w.get(&path, &[("api_key", &w.national_key)]).await.0, StatusCode::OK, "the national desk");
    let (_, body) = w.get("requests.json", &[("api_key", &w.jayapura_key)]).await;
    assert!(!body.contains(&pending_id));
    // Jayapura's key cannot post to it: it does not even exist for that key.
    let reply = |key: &str, id: &str| {
        vec![
            ("api_key", key.to_string()),
            ("service_request_id", id.to_string()),
            ("status", "OPEN".to_string()),
            ("description", "Di km 12, dekat jembatan.".to_string()),
        ]
    };
    let as_refs = |v: &Vec<(&'static str, String)>| v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let form = as_refs(&reply(&w.jayapura_key, &pending_id));
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = w.post("servicerequestupdates.json", &form).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, &pending_id);
    // A public report of Kutai Timur: Jayapura's key reads it, but does not speak for its
    // reporter; nor does the national desk's.
    let public_id = w.file(&w.kutim_key, ROAD).await;
    w.verify(w.report(&public_id).await.id, false).await;
    assert_eq!(w.get(&format!("requests/{public_id}.json"), &[("api_key", &w.jayapura_key)]).await.0, StatusCode::OK);
    for key in [&w.jayapura_key, &w.national_key] {
        let form = reply(key, &public_id);
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, body) = w.post("servicerequestupdates.json", &form).await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "only the client that filed");
    }
    // The client that filed it answers the question for its reporter.
    let form = reply(&w.kutim_key, &pending_id);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = w.post("servicerequestupdates.json", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(json(&body)[0]["status"], "open");
    assert_eq!(json(&body)[0]["description"], "Di km 12, dekat jembatan.");
    assert_eq!(w.report(&pending_id).await.status, Status::Submitted, "back to the screening queue");
}

#[tokio::test]
async fn updates_are_listed_and_posted_by_the_filer() {
    let w = world("updates").await;
    let id = w.file(&w.kutim_key, ROAD).await;
    let report = w.report(&id).await;
    w.verify(report.id, false).await;
    w.dispose(report.id).await;
    let internal =
        Command::InternalNote { text: Text::message("Catatan internal: tim berangkat Senin").expect("text") };
    w.act(report.id, &w.pupr_officer, internal).await;
    w.answer(report.id, "Lubang sudah ditambal.").await;

    let (status, body) = w.get("servicerequestupdates.json", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!body.contains("Catatan internal"), "internal notes are never published");
    let updates = json(&body);
    let updates = updates.as_array().expect("a list");
    let statuses: Vec<&str> = updates.iter().map(|u| u["status"].as_str().expect("status")).collect();
    assert_eq!(statuses, ["open", "investigating", "in_progress", "fixed"]);
    for u in updates {
        assert_eq!(u["service_request_id"], id.as_str());
        assert!(u["update_id"].as_str().is_some_and(|i| i.starts_with(&format!("{id}-"))));
        assert!(u["updated_datetime"].as_str().is_some_and(|t| t.ends_with("+08:00")));
        assert!(u["description"].as_str().is_some_and(|d| !d.is_empty()));
        assert_eq!(u["media_url"], Value::Null);
    }
    assert_eq!(updates[1]["description"], "Diteruskan ke Pemerintah Kabupaten Kutai Timur");
    assert_eq!(updates[3]["description"], "Lubang sudah ditambal.");
    let ids: std::collections::BTreeSet<&str> = updates.iter().map(|u| u["update_id"].as_str().expect("id")).collect();
    assert_eq!(ids.len(), updates.len(), "update ids are unique");
    // A period: start and end included, to the second.
    let last = updates[3]["updated_datetime"].as_str().expect("time").to_string();
    let (_, body) = w.get("servicerequestupdates.json", &[("start_date", &last), ("end_date", &last)]).await;
    assert!(body.contains(updates[3]["update_id"].as_str().expect("id")), "{body}");
    let first = aduan_domain::time::Timestamp::from(
        chrono::DateTime::parse_from_rfc3339(updates[0]["updated_datetime"].as_str().expect("time")).expect("time"),
    );
    let before = (first - chrono::Duration::seconds(1)).to_rfc3339();
    let (_, body) = w.get("servicerequestupdates.json", &[("end_date", &before)]).await;
    assert_eq!(json(&body).as_array().map(Vec::len), Some(0));
    let (status, body) =
        w.get("servicerequestupdates.json", &[("start_date", "2026-06-01"), ("end_date", "2026-01-01")]).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "before");
    let (status, body) = w.get("servicerequestupdates.xml", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let root = xml(&body);
    assert_eq!(root.name, "service_request_updates");
    let items = root.all("request_update");
    assert_eq!(items.len(), 4);
    assert_eq!(items[3].text_of("status"), "fixed");
    assert!(items[3].child("media_url").text.is_empty());

    // POST: what a reporter's client may and may not say.
    let send = |fields: Vec<(&'static str, &'static str)>| {
        let mut form = vec![("api_key", w.kutim_key.clone()), ("service_request_id", id.clone())];
        form.extend(fields.into_iter().map(|(k, v)| (k, v.to_string())));
        let w = &w;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            w.post("servicerequestupdates.json", &form).await
        }
    };
    let (status, body) = send(vec![("status", "SELESAI")]).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "status SELESAI is unknown");
    let (status, body) = send(vec![("status", "ACTION_SCHEDULED"), ("description", "Dijadwalkan")]).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "agency");
    let (status, body) = send(vec![("status", "OPEN")]).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "description is required");
    let (status, body) = send(vec![]).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "status is required");
    let (status, body) =
        w.post("servicerequestupdates.json", &[("service_request_id", &id), ("status", "FIXED")]).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "api_key");
    let (status, body) = w
        .post(
            "servicerequestupdates.xml",
            &[("api_key", &w.kutim_key), ("service_request_id", "K7MP9QX4T"), ("status", "FIXED")],
        )
        .await;
    assert_xml_error(status, &body, StatusCode::NOT_FOUND);

    // The reporter is not satisfied: a reply reopens the answered report.
    let (status, body) =
        send(vec![("status", "REOPEN"), ("description", "Lubang di sebelahnya belum ditambal.")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let created = json(&body);
    assert_eq!(created[0]["service_request_id"], id.as_str());
    assert_eq!(created[0]["status"], "in_progress");
    assert_eq!(created[0]["description"], "Lubang di sebelahnya belum ditambal.");
    assert!(created[0]["update_id"].as_str().is_some_and(|u| u.starts_with(&format!("{id}-"))));
    assert_eq!(w.report(&id).await.status, Status::InProgress);
    // Accepting is only possible once answered again.
    let (status, body) = send(vec![("status", "CLOSED")]).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "none to accept yet");
    w.answer(report.id, "Lubang di sebelahnya juga sudah ditambal.").await;
    let (status, body) = w
        .post(
            "servicerequestupdates.xml",
            &[("api_key", &w.kutim_key), ("service_request_id", &id), ("status", "FIXED")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let root = xml(&body);
    assert_eq!(root.name, "service_request_updates");
    assert_eq!(root.child("request_update").text_of("status"), "fixed");
    let closed = w.report(&id).await;
    assert_eq!(closed.status, Status::Closed);
    let (status, body) = send(vec![("status", "CLOSED")]).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "already closed");
    // Published: the acceptance; the reporter's reply stays between the reporter and staff.
    let (_, body) = w.get("servicerequestupdates.json", &[]).await;
    assert!(!body.contains("Lubang di sebelahnya belum"), "{body}");
    assert!(body.contains("Lubang di sebelahnya juga sudah ditambal."));
    assert_anonymous(&body);
    let events = w.app.store().events(closed.id).await.expect("events");
    let replied = events.iter().find(|e| e.kind.code() == "reporter_replied").expect("reply");
    assert_eq!(replied.actor.role, Some(Role::Reporter), "the client spoke as the reporter");
}

#[tokio::test]
async fn a_person_filing_with_a_token_is_rate_limited() {
    let w = world("rate").await;
    w.app
        .add_person("Budi", Some("budi@example.id"), None, Locale::Id, Some("kata-sandi-budi-2026"))
        .await
        .expect("person");
    let token = w.app.sign_in("budi@example.id", "kata-sandi-budi-2026", None).await.expect("sign in").secret;
    for _ in 0..10 {
        let (status, body) = w.post("requests.json", &road(&token, ROAD)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, headers, body) = w.post_with_headers("requests.xml", &road(&token, ROAD)).await;
    assert_xml_error(status, &body, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = headers[header::RETRY_AFTER].to_str().expect("ascii").parse().expect("seconds");
    assert!(wait >= 1);
    // Budi follows his own report with his token, and writes to it as its reporter.
    let (status, body) = w.get("requests.json", &[("api_key", &token)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let own = assert_valid(&schemas().requests, &body);
    assert_eq!(own.as_array().map(Vec::len), Some(10), "his own reports, screened or not");
    assert_anonymous(&body);
    let id = own[0]["service_request_id"].as_str().expect("id").to_string();
    let (status, body) = w
        .post(
            "servicerequestupdates.json",
            &[
                ("api_key", &token),
                ("service_request_id", &id),
                ("status", "OPEN"),
                ("description", "Tambahan: di km 12."),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(json(&body)[0]["status"], "open");
    // An integration files for many people from one address: not limited.
    for _ in 0..3 {
        assert_eq!(w.post("requests.json", &road(&w.kutim_key, ROAD)).await.0, StatusCode::OK);
    }
}

#[tokio::test]
async fn unknown_paths_formats_and_methods_answer_in_open311_shape() {
    let w = world("paths").await;
    for path in ["requests.csv", "requests", "nope.json", "tokens/abc.json", "services/pupr.jalan", "a/b/c.json"] {
        let (status, body) = w.get(path, &[]).await;
        assert_error(status, &body, StatusCode::NOT_FOUND, "");
    }
    let (status, body) = w.get("tokens/abc.xml", &[]).await;
    assert_xml_error(status, &body, StatusCode::NOT_FOUND);
    let (status, body) = w.get("nope.xml", &[]).await;
    assert_xml_error(status, &body, StatusCode::NOT_FOUND);
    let (status, body) = w.post("services.json", &[]).await;
    assert_error(status, &body, StatusCode::METHOD_NOT_ALLOWED, "GET");
    let req = Request::builder().method(Method::DELETE).uri("/open311/v2/requests.json").body(Body::empty());
    let (status, _, body) = w.call(req.expect("request")).await;
    assert_error(status, &body, StatusCode::METHOD_NOT_ALLOWED, "");
}

#[test]
fn the_schemas_refuse_what_open311_clients_would_refuse() {
    let good = serde_json::json!([{
        "service_request_id": "K7MP9QX4T",
        "status": "open",
        "service_code": "pupr.jalan",
        "requested_datetime": "2026-03-02T09:00:00+07:00",
        "lat": 0.5,
        "long": 117.5,
    }]);
    assert!(schemas().requests.is_valid(&good));
    for (field, value) in [
        ("status", serde_json::json!("in_progress")),
        ("requested_datetime", serde_json::json!("2026-03-02 09:00")),
        ("service_request_id", serde_json::json!(42)),
        ("lat", serde_json::json!("0.5")),
        ("media_url", serde_json::json!("bukan url")),
        ("description", serde_json::json!("x".repeat(4001))),
    ] {
        let mut bad = good.clone();
        bad[0][field] = value;
        assert!(!schemas().requests.is_valid(&bad), "{field} should be refused");
    }
    let mut missing = good.clone();
    missing[0].as_object_mut().expect("object").remove("requested_datetime");
    assert!(!schemas().requests.is_valid(&missing));
    let service =
        serde_json::json!([{"service_code": "a", "service_name": "A", "metadata": false, "type": "realtime"}]);
    assert!(schemas().services.is_valid(&service));
    let mut bad = service.clone();
    bad[0]["keywords"] = serde_json::json!(["a", "b"]);
    assert!(!schemas().services.is_valid(&bad), "keywords are a string");
    assert!(!schemas().definition.is_valid(&serde_json::json!({"service_code": "a"})));
}
