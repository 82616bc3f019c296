//! The staff workspace, driven in-process the way a browser without JavaScript drives
//! it: sign-in and role switching, the desks' queues and actions, scope and privacy.

mod support;

use aduan_domain::person::{Locale, Role};
use aduan_domain::status::Status;
use aduan_domain::tracking::TrackingNumber;
use axum::http::StatusCode;
use support::browser::{Browser, Part, hidden, location, signed_in, text};
use support::{PASSWORD, World};

/// Five people: a national screener, Kutai Timur's Diskominfo coordinator, Dinas PUPR's
/// officer, an inspectorate supervisor of Kutai Timur, and Jayapura's coordinator.
async fn staffed(name: &str) -> World {
    let w = World::new(name).await;
    w.person("verifikator@contoh.id", Some((Role::Screener, "NASIONAL"))).await;
    w.person("kominfo@contoh.id", Some((Role::Coordinator, "KAB-64.08"))).await;
    w.person("pupr@contoh.id", Some((Role::Officer, "KAB-64.08/DPUPR"))).await;
    w.person("inspektorat@contoh.id", Some((Role::Supervisor, "KAB-64.08"))).await;
    w.person("jayapura@contoh.id", Some((Role::Coordinator, "KAB-91.03"))).await;
    w
}

/// Files a report through the API as a guest, in Kutai Timur or Jayapura.
async fn file(w: &World, title: &str, region: &str, anonymous: bool) -> String {
    let mut body = support::road_report(title);
    body["region"] = serde_json::json!(region);
    body["anonymous"] = serde_json::json!(anonymous);
    let r = w.call(axum::http::Method::POST, "/api/v1/reports", None, Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let plain = r.body["tracking"].as_str().expect("tracking");
    TrackingNumber::parse(plain).expect("tracking").to_string()
}

/// A real PNG, 4×3 pixels.
fn png() -> Vec<u8> {
    let mut out = Vec::new();
    let img = image::RgbImage::from_pixel(4, 3, image::Rgb([30, 120, 30]));
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).expect("png");
    out
}

async fn status_of(w: &World, tracking: &str) -> (Status, i64) {
    let t = TrackingNumber::parse(tracking).expect("tracking");
    let r = w.app.report_for(&aduan_domain::permission::Actor::System, &t).await.expect("report");
    (r.status, r.version)
}

/// Posts one action form of the staff report page, with the version the page showed.
async fn act(b: &mut Browser<'_>, tracking: &str, action: &str, fields: Vec<Part<'_>>) -> support::Response {
    let page = b.get(&format!("/staf/laporan/{tracking}")).await;
    let version = if page.status == StatusCode::OK { hidden(&page.text, "versi") } else { "1".into() };
    act_at(b, tracking, action, &version, fields).await
}

async fn act_at(
    b: &mut Browser<'_>,
    tracking: &str,
    action: &str,
    version: &str,
    fields: Vec<Part<'_>>,
) -> support::Response {
    let mut parts = vec![text("versi", version), text("dilihat", "1"), text("aksi", action)];
    parts.extend(fields);
    b.post_multipart(&format!("/staf/laporan/{tracking}/aksi"), parts, true).await
}

#[tokio::test]
async fn staff_sign_in_lands_on_the_queue_of_their_role_and_switches_roles() {
    let w = staffed("staff-sign-in").await;
    // One person, two roles.
    let person = w.app.find_person("verifikator@contoh.id").await.expect("person");
    let kutim = w.app.find_org("KAB-64.08").expect("org");
    w.app.grant_role(person.id, Role::Coordinator, kutim).await.expect("grant");
    let mut b = Browser::new(&w);
    b.get("/masuk").await;
    let r = b.post_form("/masuk", &[("email", "verifikator@contoh.id"), ("password", PASSWORD), ("ke", "")]).await;
    assert_eq!(location(&r), "/staf/antrian");
    let queue = b.get("/staf/antrian").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.text.contains("Antrian verifikasi"), "{}", queue.text);
    // Switch to the coordinator role.
    let roles = w.app.assignments(person.id).await.expect("roles");
    let coordinator = roles.iter().find(|a| a.role == Role::Coordinator).expect("coordinator");
    let r = b.post_form("/staf/peran", &[("peran", &coordinator.id.0.to_string())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let queue = b.get("/staf/antrian").await;
    assert!(queue.text.contains("Laporan instansi"), "{}", queue.text);
    // Someone else's role cannot be taken.
    let other = w.app.find_person("pupr@contoh.id").await.expect("person");
    let theirs = w.app.assignments(other.id).await.expect("roles").remove(0);
    let r = b.post_form("/staf/peran", &[("peran", &theirs.id.0.to_string())]).await;
    assert_ne!(r.status, StatusCode::SEE_OTHER);
    // A citizen without staff roles is told the pages are not for them.
    w.app.add_person("Warga", Some("warga@contoh.id"), None, Locale::Id, Some(PASSWORD)).await.expect("person");
    let mut citizen = signed_in(&w, "warga@contoh.id").await;
    assert_eq!(citizen.get("/staf/antrian").await.status, StatusCode::FORBIDDEN);
    // A guest is sent to sign in.
    let mut guest = Browser::new(&w);
    let r = guest.get("/staf/antrian").await;
    assert!(location(&r).starts_with("/masuk?ke="), "{}", location(&r));
}

#[tokio::test]
async fn a_report_travels_through_every_desk_in_the_pages() {
    let w = staffed("staff-journey").await;
    let tracking = file(&w, "Jalan rusak di Sangatta Utara", "64.08.01.2001", false).await;

    let mut screener = signed_in(&w, "verifikator@contoh.id").await;
    let queue = screener.get("/staf/antrian").await;
    assert!(queue.text.contains(&tracking), "the report is in the screening queue: {}", queue.text);
    assert!(queue.text.contains("hari kerja lagi"), "the queue shows the clock: {}", queue.text);
    let page = screener.get(&format!("/staf/laporan/{tracking}")).await;
    assert!(page.text.contains("Pemerintah Kabupaten Kutai Timur"), "the routing suggestion is shown");
    let r =
        act(&mut screener, &tracking, "verify", vec![text("instansi", "KAB-64.08"), text("category", "pupr.jalan")])
            .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(status_of(&w, &tracking).await.0, Status::Forwarded);

    let mut coordinator = signed_in(&w, "kominfo@contoh.id").await;
    let page = coordinator.get(&format!("/staf/laporan/{tracking}")).await;
    assert!(page.text.contains("value=\"KAB-64.08/DPUPR\" checked"), "the default unit is pre-filled");
    let r = act(&mut coordinator, &tracking, "dispose", vec![text("units", "KAB-64.08/DPUPR")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(status_of(&w, &tracking).await.0, Status::InProgress);

    let mut officer = signed_in(&w, "pupr@contoh.id").await;
    assert!(officer.get("/staf/antrian").await.text.contains(&tracking));
    let r = act(
        &mut officer,
        &tracking,
        "internal_note",
        vec![text("text", "Tim survei berangkat Selasa; anggaran dari pos darurat.")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = act(
        &mut officer,
        &tracking,
        "respond",
        vec![
            text("answer", "final"),
            text("text", "Lubang jalan sudah ditambal tim Dinas PUPR pada hari Senin."),
            Part::File("attachments", "foto-perbaikan.png", png()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(status_of(&w, &tracking).await.0, Status::Responded);

    // The public page shows the answer and never the internal note.
    let public = Browser::new(&w).get(&format!("/laporan/{tracking}")).await;
    assert!(public.text.contains("sudah ditambal"), "{}", public.text);
    assert!(public.text.contains("foto-perbaikan.png"), "the answer's photo is published with it");
    assert!(!public.text.contains("pos darurat"), "an internal note reached the public");
    // The supervisor reads everything in scope, the note included, and is offered nothing.
    let mut supervisor = signed_in(&w, "inspektorat@contoh.id").await;
    let page = supervisor.get(&format!("/staf/laporan/{tracking}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("pos darurat") && page.text.contains("id=\"read-only\""));
    assert!(!page.text.contains("name=\"aksi\""), "no action form for a supervisor");
}

#[tokio::test]
async fn return_as_not_our_authority_goes_back_to_the_screening_desk_and_is_routed_again() {
    let w = staffed("staff-return").await;
    let tracking = file(&w, "Jalan rusak di Sangatta Utara", "64.08.01.2001", false).await;
    let mut screener = signed_in(&w, "verifikator@contoh.id").await;
    act(&mut screener, &tracking, "verify", vec![text("instansi", "KAB-91.03")]).await;
    let mut jayapura = signed_in(&w, "jayapura@contoh.id").await;
    let r = act(
        &mut jayapura,
        &tracking,
        "return_not_authority",
        vec![text("text", "Lokasi di Kutai Timur, bukan Jayapura.")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(status_of(&w, &tracking).await.0, Status::Submitted);
    let page = screener.get(&format!("/staf/laporan/{tracking}")).await;
    assert!(page.text.contains("bukan Jayapura"), "the screener reads the reason");
    let r = act(&mut screener, &tracking, "verify", vec![text("instansi", "KAB-64.08")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let mut coordinator = signed_in(&w, "kominfo@contoh.id").await;
    assert!(coordinator.get("/staf/antrian").await.text.contains(&tracking));
}

#[tokio::test]
async fn a_stale_form_shows_what_changed_instead_of_applying_twice() {
    let w = staffed("staff-stale").await;
    let person =
        w.app.add_person("V2", Some("verifikator2@contoh.id"), None, Locale::Id, Some(PASSWORD)).await.expect("p");
    w.app.grant_role(person, Role::Screener, w.app.find_org("NASIONAL").expect("org")).await.expect("grant");
    let tracking = file(&w, "Jalan rusak di Sangatta Utara", "64.08.01.2001", false).await;
    let mut first = signed_in(&w, "verifikator@contoh.id").await;
    let mut second = signed_in(&w, "verifikator2@contoh.id").await;
    let page = second.get(&format!("/staf/laporan/{tracking}")).await;
    let seen_version = hidden(&page.text, "versi");
    act(&mut first, &tracking, "request_info", vec![text("text", "Mohon foto lokasi jalan yang rusak.")]).await;
    let (_, version) = status_of(&w, &tracking).await;
    let r = act_at(&mut second, &tracking, "verify", &seen_version, vec![text("instansi", "KAB-64.08")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("sudah berubah") && r.text.contains("Mohon foto lokasi"), "{}", r.text);
    assert_eq!(status_of(&w, &tracking).await, (Status::NeedsInfo, version), "nothing applied");
}

#[tokio::test]
async fn the_screening_desk_archives_spam_in_bulk_and_restores() {
    let w = staffed("staff-bulk").await;
    let a = file(&w, "Promo pinjaman cepat cair", "64.08.01.2001", false).await;
    let b_ = file(&w, "Promo pinjaman cepat cair lagi", "64.08.01.2001", false).await;
    let keep = file(&w, "Jalan rusak di Sangatta Utara", "64.08.01.2001", false).await;
    let mut screener = signed_in(&w, "verifikator@contoh.id").await;
    screener.get("/staf/antrian").await;
    let r = screener.post_form("/staf/arsip-massal", &[("pilih", &a), ("pilih", &b_)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(status_of(&w, &a).await.0, Status::Archived);
    assert_eq!(status_of(&w, &b_).await.0, Status::Archived);
    assert_eq!(status_of(&w, &keep).await.0, Status::Submitted);
    let r = act(&mut screener, &a, "restore", vec![text("note", "Bukan spam, salah pilih.")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(status_of(&w, &a).await.0, Status::Submitted);
    // A coordinator cannot archive in bulk: nothing changes.
    let mut coordinator = signed_in(&w, "kominfo@contoh.id").await;
    coordinator.get("/staf/antrian").await;
    let r = coordinator.post_form("/staf/arsip-massal", &[("pilih", &keep)]).await;
    assert_ne!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(status_of(&w, &keep).await.0, Status::Submitted);
}

/// For each role, a report inside and one outside its scope: every view and action.
#[tokio::test]
async fn scope_matrix_nothing_outside_leaks_or_succeeds() {
    let w = staffed("staff-scope").await;
    // Inside Kutai Timur's scope once forwarded there; outside: forwarded to Jayapura.
    let inside = file(&w, "Jalan rusak di Sangatta Utara", "64.08.01.2001", false).await;
    let outside = file(&w, "Jalan rusak di Sentani", "91.03.01.1001", false).await;
    let mut screener = signed_in(&w, "verifikator@contoh.id").await;
    act(&mut screener, &inside, "verify", vec![text("instansi", "KAB-64.08")]).await;
    act(&mut screener, &outside, "verify", vec![text("instansi", "KAB-91.03")]).await;
    let mut coordinator = signed_in(&w, "kominfo@contoh.id").await;
    act(&mut coordinator, &inside, "dispose", vec![text("units", "KAB-64.08/DPUPR")]).await;
    let mut jayapura = signed_in(&w, "jayapura@contoh.id").await;
    act(&mut jayapura, &outside, "dispose", vec![text("units", "KAB-91.03/DPUPR")]).await;
    assert_eq!(status_of(&w, &inside).await.0, Status::InProgress);
    assert_eq!(status_of(&w, &outside).await.0, Status::InProgress);

    let actions: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("verify", vec![("instansi", "KAB-64.08")]),
        ("request_info", vec![("text", "Pertanyaan dari luar kewenangan.")]),
        ("archive", vec![("reason", "spam")]),
        ("restore", vec![]),
        ("return_not_authority", vec![("text", "Bukan kewenangan kami.")]),
        ("dispose", vec![("units", "KAB-64.08/DPUPR")]),
        ("hand_back", vec![("text", "Salah disposisi.")]),
        ("respond", vec![("answer", "final"), ("text", "Jawaban dari luar kewenangan.")]),
        ("internal_note", vec![("text", "Catatan dari luar kewenangan.")]),
        ("close_outside", vec![("text", "Ditutup dari luar kewenangan.")]),
    ];
    for email in ["kominfo@contoh.id", "pupr@contoh.id", "inspektorat@contoh.id"] {
        let mut b = signed_in(&w, email).await;
        // Inside: the page opens; outside: it does not exist for them, in lists or by number.
        assert_eq!(b.get(&format!("/staf/laporan/{inside}")).await.status, StatusCode::OK, "{email}");
        assert_eq!(b.get(&format!("/staf/laporan/{outside}")).await.status, StatusCode::NOT_FOUND, "{email}");
        for status in ["in_progress", "submitted", "forwarded"] {
            let list = b.get(&format!("/staf/antrian?status={status}")).await;
            assert!(!list.text.contains(&outside), "{email} sees {outside} in {status}");
        }
        let search = b.get("/staf/antrian?status=in_progress&q=Sentani").await;
        assert!(!search.text.contains(&outside), "{email} finds {outside} by search");
        for (action, fields) in &actions {
            let before = status_of(&w, &outside).await;
            let parts = fields.iter().map(|(k, v)| text(k, v)).collect();
            let r = act_at(&mut b, &outside, action, &before.1.to_string(), parts).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{email} {action} outside: {}", r.text);
            assert_eq!(status_of(&w, &outside).await, before, "{email} {action} changed a report outside");
            assert!(!r.text.contains("Sentani"), "{email} {action}: the refusal names the report");
        }
    }
    // The supervisor, inside its scope: every action refused, nothing changes.
    let mut supervisor = signed_in(&w, "inspektorat@contoh.id").await;
    for (action, fields) in &actions {
        let before = status_of(&w, &inside).await;
        let parts = fields.iter().map(|(k, v)| text(k, v)).collect();
        let r = act_at(&mut supervisor, &inside, action, &before.1.to_string(), parts).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "supervisor {action}: {}", r.text);
        assert_eq!(status_of(&w, &inside).await, before, "supervisor {action} changed the report");
    }
    // The org admin of Kutai Timur administers; it reads and changes no report, inside
    // its organisation or not.
    w.person("admin@contoh.id", Some((Role::OrgAdmin, "KAB-64.08"))).await;
    let mut admin = signed_in(&w, "admin@contoh.id").await;
    for tracking in [&inside, &outside] {
        assert_eq!(admin.get(&format!("/staf/laporan/{tracking}")).await.status, StatusCode::NOT_FOUND);
        for (action, fields) in &actions {
            let before = status_of(&w, tracking).await;
            let parts = fields.iter().map(|(k, v)| text(k, v)).collect();
            let r = act_at(&mut admin, tracking, action, &before.1.to_string(), parts).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "org admin {action}: {}", r.text);
            assert_eq!(status_of(&w, tracking).await, before, "org admin {action} changed a report");
        }
    }
    assert!(location(&admin.get("/staf/antrian").await).starts_with("/staf/admin"), "no queue for an org admin");
    // The screener's scope is the national desk's: a report it screened stays readable.
    assert_eq!(screener.get(&format!("/staf/laporan/{outside}")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn an_anonymous_reporter_is_hidden_from_the_handling_unit_and_coordinator() {
    let w = staffed("staff-anonymous").await;
    let tracking = file(&w, "Pungli di kantor kecamatan", "64.08.01.2001", true).await;
    let mut screener = signed_in(&w, "verifikator@contoh.id").await;
    let page = screener.get(&format!("/staf/laporan/{tracking}")).await;
    assert!(page.text.contains("Siti Rahma"), "the screening desk sees the identity for abuse handling");
    act(&mut screener, &tracking, "verify", vec![text("instansi", "KAB-64.08"), text("anonymous", "1")]).await;
    let mut coordinator = signed_in(&w, "kominfo@contoh.id").await;
    act(&mut coordinator, &tracking, "dispose", vec![text("units", "KAB-64.08/DPUPR")]).await;
    for email in ["kominfo@contoh.id", "pupr@contoh.id", "inspektorat@contoh.id"] {
        let mut b = signed_in(&w, email).await;
        let page = b.get(&format!("/staf/laporan/{tracking}")).await;
        assert_eq!(page.status, StatusCode::OK);
        for secret in ["Siti Rahma", "siti@contoh.id", "081234567890"] {
            assert!(!page.text.contains(secret), "{email} sees {secret}");
        }
        assert!(page.text.contains("Anonim"));
    }
}

#[tokio::test]
async fn staff_enter_a_walk_in_report_with_its_channel_and_contact() {
    let w = staffed("staff-intake").await;
    let mut coordinator = signed_in(&w, "kominfo@contoh.id").await;
    let form = coordinator.get("/staf/input").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("name=\"channel\""));
    let form_id = hidden(&form.text, "form_id");
    let fields = |step: &str| {
        vec![
            text("form_id", &form_id),
            text("kind", "pengaduan"),
            text("title", "Lampu jalan mati di Jalan Yos Sudarso"),
            text("description", "Warga datang ke kantor: lampu jalan mati sejak seminggu, jalan gelap dan rawan."),
            text("province", "64"),
            text("regency", "64.08"),
            text("district", "64.08.01"),
            text("channel", "walk_in"),
            text("name", "Pak Darto"),
            text("phone", "081298765432"),
            text("step", step),
        ]
    };
    let check = coordinator.post_multipart("/staf/input", fields("check"), true).await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.text);
    assert!(check.text.contains("Datang langsung"));
    let sent = coordinator.post_multipart("/staf/input", fields("send"), true).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    let tracking = location(&sent).trim_start_matches("/lapor/").split('?').next().expect("tracking").to_string();
    let t = TrackingNumber::parse(&tracking).expect("tracking");
    let r = w.app.report_for(&aduan_domain::permission::Actor::System, &t).await.expect("report");
    assert_eq!(r.channel, aduan_domain::report::Channel::WalkIn);
    assert_eq!(r.reporter.name.as_deref(), Some("Pak Darto"));
    assert!(r.entered_by.is_some());
    // Without a channel the form comes back with the error at the field, nothing filed.
    let mut missing = fields("check");
    missing.retain(|p| !matches!(p, Part::Text("channel", _)));
    let again = coordinator.post_multipart("/staf/input", missing, true).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text.contains("id=\"channel-error\""));
    // A supervisor enters nothing.
    let mut supervisor = signed_in(&w, "inspektorat@contoh.id").await;
    assert_eq!(supervisor.get("/staf/input").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_queue_shows_overdue_reports_in_the_holders_time() {
    let w = staffed("staff-clock").await;
    let tracking = file(&w, "Jalan rusak di Sangatta Utara", "64.08.01.2001", false).await;
    // Monday 2 March 09:00 WIB + 3 working days: due Thursday 5 March, 23:59 WIB.
    let mut screener = signed_in(&w, "verifikator@contoh.id").await;
    let queue = screener.get("/staf/antrian").await;
    assert!(queue.text.contains("clock-on_time") && queue.text.contains("Kamis, 5 Maret 2026"), "{}", queue.text);
    // Days later the sign-in has expired: sign in again each time.
    w.clock.set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 3, 5, 3, 0, 0).unwrap());
    let mut screener = signed_in(&w, "verifikator@contoh.id").await;
    assert!(screener.get("/staf/antrian").await.text.contains("clock-due_soon"));
    w.clock.set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 3, 9, 3, 0, 0).unwrap());
    let mut screener = signed_in(&w, "verifikator@contoh.id").await;
    let queue = screener.get("/staf/antrian").await;
    assert!(queue.text.contains("clock-overdue") && queue.text.contains("Terlambat"), "{}", queue.text);
    let _ = tracking;
}

#[tokio::test]
async fn the_org_admin_manages_units_people_rules_templates_and_deadlines_in_scope_only() {
    let w = staffed("staff-admin").await;
    w.person("admin@contoh.id", Some((Role::OrgAdmin, "KAB-64.08"))).await;
    let mut admin = Browser::new(&w);
    admin.get("/masuk").await;
    let r = admin.post_form("/masuk", &[("email", "admin@contoh.id"), ("password", PASSWORD), ("ke", "")]).await;
    assert_eq!(location(&r), "/staf/admin", "an org admin lands on the administration page");
    let page = admin.get("/staf/admin").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Dinas Pekerjaan Umum") || page.text.contains("PUPR"));

    // Units: create, rename, deactivate; nothing outside the regency.
    let ok = |r: &support::Response| assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    ok(&admin
        .post_form(
            "/staf/admin/unit",
            &[
                ("aksi", "create"),
                ("parent", "KAB-64.08"),
                ("code", "KAB-64.08/UPTJALAN"),
                ("name", "UPT Jalan Sangatta"),
            ],
        )
        .await);
    let unit = w.app.find_org("KAB-64.08/UPTJALAN").expect("unit created");
    ok(&admin
        .post_form(
            "/staf/admin/unit",
            &[("aksi", "rename"), ("org", "KAB-64.08/UPTJALAN"), ("name", "UPT Jalan dan Jembatan")],
        )
        .await);
    assert_eq!(w.app.reference().orgs.name_of(unit), "UPT Jalan dan Jembatan");
    let r = admin
        .post_form(
            "/staf/admin/unit",
            &[("aksi", "create"), ("parent", "KAB-91.03"), ("code", "KAB-91.03/X"), ("name", "Di luar")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert!(w.app.find_org("KAB-91.03/X").is_err(), "nothing created outside the scope");
    let r = admin
        .post_form("/staf/admin/unit", &[("aksi", "rename"), ("org", "KAB-91.03/DPUPR"), ("name", "Diganti")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_ne!(w.app.reference().orgs.name_of(w.app.find_org("KAB-91.03/DPUPR").expect("org")), "Diganti");

    // A deactivated unit keeps its history but is no longer offered for disposition.
    ok(&admin.post_form("/staf/admin/unit", &[("aksi", "deactivate"), ("org", "KAB-64.08/UPTJALAN")]).await);
    let tracking = file(&w, "Jalan rusak di Sangatta Utara", "64.08.01.2001", false).await;
    let mut screener = signed_in(&w, "verifikator@contoh.id").await;
    act(&mut screener, &tracking, "verify", vec![text("instansi", "KAB-64.08")]).await;
    let mut coordinator = signed_in(&w, "kominfo@contoh.id").await;
    let page = coordinator.get(&format!("/staf/laporan/{tracking}")).await;
    assert!(page.text.contains("KAB-64.08/DPUPR") && !page.text.contains("KAB-64.08/UPTJALAN"));

    // Answer templates: written by the admin, offered to the unit's officer, editable.
    ok(&admin
        .post_form(
            "/staf/admin/templat",
            &[
                ("aksi", "create"),
                ("org", "KAB-64.08/DPUPR"),
                ("category", "pupr.jalan"),
                ("title", "Jalan sudah diperbaiki"),
                ("body", "Terima kasih. Tim Dinas PUPR sudah memperbaiki ruas jalan yang Anda laporkan."),
            ],
        )
        .await);
    act(&mut coordinator, &tracking, "dispose", vec![text("units", "KAB-64.08/DPUPR")]).await;
    let mut officer = signed_in(&w, "pupr@contoh.id").await;
    let page = officer.get(&format!("/staf/laporan/{tracking}")).await;
    let marker = "data-template=\"";
    let start = page.text.find(marker).expect("a template is offered") + marker.len();
    let id = page.text[start..].split('"').next().expect("id").to_string();
    let filled = officer.get(&format!("/staf/laporan/{tracking}?templat={id}")).await;
    assert!(
        filled.text.contains(">Terima kasih. Tim Dinas PUPR sudah memperbaiki"),
        "the template fills the answer box"
    );

    // People: a new officer who can sign in to the unit's queue; not outside the scope.
    ok(&admin
        .post_form(
            "/staf/admin/orang",
            &[
                ("aksi", "create"),
                ("name", "Rudi"),
                ("email", "rudi@contoh.id"),
                ("password", PASSWORD),
                ("role", "officer"),
                ("org", "KAB-64.08/DPUPR"),
            ],
        )
        .await);
    let mut rudi = signed_in(&w, "rudi@contoh.id").await;
    assert!(rudi.get("/staf/antrian").await.text.contains(&tracking));
    let r = admin
        .post_form(
            "/staf/admin/orang",
            &[("aksi", "grant"), ("email", "rudi@contoh.id"), ("role", "coordinator"), ("org", "KAB-91.03")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);

    // Routing rules and deadlines of the regency.
    ok(&admin
        .post_form(
            "/staf/admin/aturan",
            &[
                ("aksi", "create"),
                ("category", "pupr.drainase"),
                ("region", "64.08"),
                ("instansi", "KAB-64.08"),
                ("unit", "KAB-64.08/DPUPR"),
            ],
        )
        .await);
    let drainase = w.app.reference().categories.by_code("pupr.drainase").expect("category").id;
    let region = aduan_domain::region::RegionCode::parse("64.08.01").expect("region");
    let suggestion = w.app.suggest_route(Some(drainase), Some(&region)).expect("a suggestion");
    assert_eq!(suggestion.unit, Some(w.app.find_org("KAB-64.08/DPUPR").expect("unit")));
    ok(&admin
        .post_form(
            "/staf/admin/batas",
            &[("aksi", "set"), ("instansi", "KAB-64.08"), ("verification", "3"), ("follow_up", "7")],
        )
        .await);
    let kutim = w.app.find_org("KAB-64.08").expect("org");
    assert_eq!(w.app.reference().sla.limits_for(Some(kutim)).follow_up, 7);
    let r = admin
        .post_form(
            "/staf/admin/batas",
            &[("aksi", "set"), ("instansi", "KAB-91.03"), ("verification", "3"), ("follow_up", "9")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = admin
        .post_form(
            "/staf/admin/batas",
            &[("aksi", "set"), ("instansi", "KAB-64.08"), ("verification", "x"), ("follow_up", "7")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a bad number is refused at the form");

    // Someone who is not an org admin changes nothing.
    let before = w.app.reference().orgs.len();
    let r = coordinator
        .post_form(
            "/staf/admin/unit",
            &[("aksi", "create"), ("parent", "KAB-64.08"), ("code", "KAB-64.08/Y"), ("name", "Y")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(w.app.reference().orgs.len(), before);
    assert_eq!(coordinator.get("/staf/admin").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_officer_hands_back_and_a_coordinator_closes_a_report_answered_outside() {
    let w = staffed("staff-handback").await;
    let tracking = file(&w, "Jalan rusak di Sangatta Utara", "64.08.01.2001", false).await;
    let mut screener = signed_in(&w, "verifikator@contoh.id").await;
    act(&mut screener, &tracking, "verify", vec![text("instansi", "KAB-64.08")]).await;
    let mut coordinator = signed_in(&w, "kominfo@contoh.id").await;
    act(&mut coordinator, &tracking, "dispose", vec![text("units", "KAB-64.08/DPUPR")]).await;
    let mut officer = signed_in(&w, "pupr@contoh.id").await;
    let r = act(&mut officer, &tracking, "hand_back", vec![text("text", "Ini jalan provinsi, bukan kabupaten.")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(!officer.get("/staf/antrian").await.text.contains(&tracking), "gone from the unit's queue");
    let page = coordinator.get(&format!("/staf/laporan/{tracking}")).await;
    assert!(page.text.contains("bukan kabupaten"), "the coordinator reads why");
    let r = act(
        &mut coordinator,
        &tracking,
        "close_outside",
        vec![text("text", "Sudah dijawab lewat surat resmi nomor 12/2026.")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(status_of(&w, &tracking).await.0, Status::Closed);
    // An empty reason is refused at the form, and the report is unchanged.
    let other = file(&w, "Jalan rusak di Sangatta Selatan", "64.08.01.2001", false).await;
    act(&mut screener, &other, "verify", vec![text("instansi", "KAB-64.08")]).await;
    let before = status_of(&w, &other).await;
    let r = act(&mut coordinator, &other, "close_outside", vec![text("text", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"action-error\""));
    assert_eq!(status_of(&w, &other).await, before);
}

#[tokio::test]
async fn internal_notes_never_reach_the_reporter() {
    let w = staffed("staff-notes").await;
    let mut body = support::road_report("Jalan rusak di Sangatta Utara");
    body["region"] = serde_json::json!("64.08.01.2001");
    let r = w.call(axum::http::Method::POST, "/api/v1/reports", None, Some(body)).await;
    let tracking = TrackingNumber::parse(r.body["tracking"].as_str().expect("t")).expect("t").to_string();
    let secret = r.body["secret"].as_str().expect("secret").to_string();
    let mut screener = signed_in(&w, "verifikator@contoh.id").await;
    act(&mut screener, &tracking, "internal_note", vec![text("text", "Pelapor ini sering mengirim laporan ganda.")])
        .await;
    let page = screener.get(&format!("/staf/laporan/{tracking}")).await;
    assert!(page.text.contains("sering mengirim"), "staff read the note");
    let public = Browser::new(&w).get(&format!("/laporan/{tracking}")).await;
    assert!(!public.text.contains("sering mengirim"));
    let path = format!("/lapor/{tracking}?kunci={secret}");
    {
        let mine = Browser::new(&w).get(&path).await;
        assert_eq!(mine.status, StatusCode::OK, "{path}");
        assert!(mine.text.contains("Jalan rusak"), "the reporter's page opened");
        assert!(!mine.text.contains("sering mengirim"), "the reporter never reads an internal note");
    }
}

#[tokio::test]
async fn the_national_admin_loads_next_years_holidays_and_adds_a_category() {
    let w = staffed("staff-national-admin").await;
    w.person("admin.nasional@contoh.id", Some((Role::OrgAdmin, "NASIONAL"))).await;
    w.person("admin@contoh.id", Some((Role::OrgAdmin, "KAB-64.08"))).await;
    let mut national = signed_in(&w, "admin.nasional@contoh.id").await;
    let page = national.get("/staf/admin?bagian=libur").await;
    assert!(page.text.contains("section id=\"libur\""), "{}", page.text);
    assert!(!w.app.calendar_status().iter().any(|y| y.year == 2030 && !y.missing));
    let csv = "date,kind,name\n2030-01-01,public,Tahun Baru Masehi\n2030-08-17,public,Hari Kemerdekaan\n";
    let r = national.post_form("/staf/admin/libur", &[("aksi", "load"), ("csv", csv)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(w.app.calendar_status().iter().any(|y| y.year == 2030 && !y.missing), "2030 is loaded");
    let r = national.post_form("/staf/admin/libur", &[("aksi", "load"), ("csv", "bukan,csv")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a malformed file is refused on the page");
    let r = national
        .post_form(
            "/staf/admin/kategori",
            &[
                ("aksi", "create"),
                ("parent", "pupr"),
                ("code", "pupr.trotoar"),
                ("name_id", "Trotoar"),
                ("name_en", "Pavements"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(w.app.reference().categories.by_code("pupr.trotoar").is_some());
    // A regency's admin may do neither.
    let mut regency = signed_in(&w, "admin@contoh.id").await;
    assert!(!regency.get("/staf/admin?bagian=libur").await.text.contains("section id=\"libur\""));
    let r = regency
        .post_form("/staf/admin/libur", &[("aksi", "load"), ("csv", "date,kind,name\n2031-01-01,public,Tahun Baru\n")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert!(!w.app.calendar_status().iter().any(|y| y.year == 2031 && !y.missing));
}
