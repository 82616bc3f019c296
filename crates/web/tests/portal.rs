//! The citizen portal, driven in-process the way a browser without JavaScript drives it:
//! cookies kept between requests, forms posted with their CSRF token, redirects read.

mod support;

use aduan_domain::lifecycle::{Command, Verification};
use aduan_domain::permission::{Actor, StaffRole};
use aduan_domain::person::Role;
use aduan_domain::report::AnswerKind;
use aduan_domain::text::Text;
use aduan_domain::tracking::TrackingNumber;
use aduan_web::WebSettings;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use support::browser::{Browser, Part, hidden, location, text};
use support::{PASSWORD, World};

/// A real PNG, 3×2 pixels.
fn png() -> Vec<u8> {
    let mut out = Vec::new();
    let img = image::RgbImage::from_pixel(3, 2, image::Rgb([200, 30, 30]));
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).expect("png");
    out
}

fn report_fields<'a>(form_id: &str, title: &str, description: &str) -> Vec<Part<'a>> {
    vec![
        text("form_id", form_id),
        text("kind", "pengaduan"),
        text("title", title),
        text("description", description),
        text("province", "64"),
        text("regency", "64.08"),
        text("district", "64.08.01"),
        text("village", ""),
        text("category", "pupr.jalan"),
        text("name", "Siti Rahma"),
        text("email", "siti@contoh.id"),
        text("phone", "081234567890"),
    ]
}

/// Files a report through the form's two steps and returns (tracking, private link path).
async fn file_as_guest(b: &mut Browser<'_>, title: &str, extra: Vec<Part<'_>>) -> (String, String) {
    let form_id = b.open_form().await;
    let mut fields = report_fields(&form_id, title, "Jalan berlubang besar di depan sekolah sejak dua bulan lalu.");
    fields.extend(extra);
    fields.push(text("step", "send"));
    let sent = b.post_multipart("/lapor", fields, true).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    let link = location(&sent);
    let tracking = link.trim_start_matches("/lapor/").split('?').next().expect("tracking").to_string();
    (tracking, link)
}

async fn staffed(name: &str) -> World {
    let w = World::new(name).await;
    w.person("verifikator@contoh.id", Some((Role::Screener, "NASIONAL"))).await;
    w.person("kominfo@contoh.id", Some((Role::Coordinator, "KAB-64.08"))).await;
    w.person("pupr@contoh.id", Some((Role::Officer, "KAB-64.08/DPUPR"))).await;
    w
}

async fn staff(w: &World, email: &str) -> Actor {
    let person = w.app.find_person(email).await.expect("person");
    let a = w.app.assignments(person.id).await.expect("roles").remove(0);
    Actor::Staff(StaffRole { person: person.id, role: a.role, org: a.org })
}

/// Staff move a report from submitted to an answer, through the domain.
async fn answer(w: &World, tracking: &str, kind: AnswerKind) {
    let t = TrackingNumber::parse(tracking).expect("tracking");
    let r = w.app.report_for(&Actor::System, &t).await.expect("report");
    if r.status == aduan_domain::status::Status::Submitted {
        let v = Verification { instansi: Some(w.app.find_org("KAB-64.08").expect("org")), ..Verification::default() };
        step(w, &t, staff(w, "verifikator@contoh.id").await, Command::Verify(v)).await;
        let unit = w.app.find_org("KAB-64.08/DPUPR").expect("unit");
        step(w, &t, staff(w, "kominfo@contoh.id").await, Command::Dispose { units: vec![unit], note: None }).await;
    }
    let text = Text::message("Jalan sudah ditambal oleh tim Dinas PUPR pada hari Senin.").expect("text");
    let respond = Command::Respond { unit: None, answer: kind, text, attachments: vec![] };
    step(w, &t, staff(w, "pupr@contoh.id").await, respond).await;
}

async fn step(w: &World, t: &TrackingNumber, actor: Actor, command: Command) {
    let r = w.app.report_for(&actor, t).await.expect("report");
    w.app.act(&actor, r.id, r.version, command).await.expect("act");
}

#[tokio::test]
async fn a_guest_files_checks_and_follows_a_report_with_an_attachment() {
    let w = staffed("portal-guest").await;
    let mut b = Browser::new(&w);
    let form_id = b.open_form().await;

    // A mistake: the title is too short. The form comes back with the error at the
    // field and in the summary, with everything typed and the photo kept.
    let mut fields = report_fields(&form_id, "Rus", "Jalan berlubang besar di depan sekolah sejak dua bulan lalu.");
    fields.push(Part::File("attachments", "jalan.png", png()));
    fields.push(text("step", "check"));
    let back = b.post_multipart("/lapor", fields, true).await;
    assert_eq!(back.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", back.text);
    assert!(back.text.contains("class=\"error-summary\""));
    assert!(back.text.contains("id=\"title-error\""));
    assert!(back.text.contains("Jalan berlubang besar di depan sekolah sejak dua bulan lalu."), "description kept");
    assert!(back.text.contains("value=\"64.08\" selected"), "the region kept");
    assert!(back.text.contains("class=\"kept-attachment\"") && back.text.contains("jalan.png"), "the file kept");
    let kept = hidden(&back.text, "kept");

    // Corrected: the check page shows what will be sent; nothing is filed yet.
    let mut fields = report_fields(
        &form_id,
        "Jalan rusak di Sangatta",
        "Jalan berlubang besar di depan sekolah sejak dua bulan lalu.",
    );
    fields.push(text("kept", &kept));
    fields.push(text("step", "check"));
    let check = b.post_multipart("/lapor", fields, true).await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.text);
    assert!(check.text.contains("Periksa laporan Anda") && check.text.contains("jalan.png"));
    assert_eq!(
        w.app
            .count_reports(&Actor::System, aduan_store::ReportFilter::new(aduan_store::Scope::All), u64::MAX)
            .await
            .expect("count")
            .value(),
        0
    );

    // Sent: the confirmation is the private link's page.
    let mut fields = report_fields(
        &form_id,
        "Jalan rusak di Sangatta",
        "Jalan berlubang besar di depan sekolah sejak dua bulan lalu.",
    );
    fields.push(text("kept", &kept));
    fields.push(text("step", "send"));
    let sent = b.post_multipart("/lapor", fields.iter().map(clone_part).collect(), true).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    let link = location(&sent);
    assert!(link.starts_with("/lapor/") && link.contains("?kunci=") && link.ends_with("&baru=1"), "{link}");
    let confirmation = b.get(&link).await;
    assert_eq!(confirmation.status, StatusCode::OK);
    let tracking = link.trim_start_matches("/lapor/").split('?').next().expect("tracking").to_string();
    assert!(confirmation.text.contains(&format!("<p id=\"tracking\" class=\"tracking\">{tracking}</p>")));
    assert!(confirmation.text.contains("id=\"private-link\" href=\"https://aduan.test/lapor/"));
    assert!(confirmation.text.contains("Menunggu verifikasi"));
    assert!(confirmation.text.contains("jalan.png"), "the attachment is on the report");

    // A second click on "send" files nothing new.
    let again = b.post_multipart("/lapor", fields, true).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert!(location(&again).starts_with(&format!("/lapor/{tracking}")));
    assert_eq!(
        w.app
            .count_reports(&Actor::System, aduan_store::ReportFilter::new(aduan_store::Scope::All), u64::MAX)
            .await
            .expect("count")
            .value(),
        1
    );

    // Following: the link opens the full view; without it, only a pointer to it.
    let without = b.get(&format!("/lapor/{tracking}")).await;
    assert!(without.text.contains("Buka laporan Anda") && !without.text.contains("Jalan rusak di Sangatta"));
    let secret = link.split("kunci=").nth(1).expect("secret").split('&').next().expect("secret");
    let wrong = b.get(&format!("/lapor/{tracking}?kunci=X{secret}")).await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);

    // The attachment opens through the link, and not for the public while unverified.
    let report = w.app.report_for(&Actor::System, &TrackingNumber::parse(&tracking).expect("t")).await.expect("r");
    let key = &report.attachments[0].key;
    let file = b.get(&format!("/lapor/{tracking}/lampiran/{key}?kunci={secret}")).await;
    assert_eq!((file.status, file.headers[header::CONTENT_TYPE].to_str().ok()), (StatusCode::OK, Some("image/png")));
    assert_eq!(b.get(&format!("/laporan/{tracking}/lampiran/{key}")).await.status, StatusCode::NOT_FOUND);
}

fn clone_part<'a>(p: &Part<'a>) -> Part<'a> {
    match p {
        Part::Text(n, v) => Part::Text(n, v.clone()),
        Part::File(n, f, b) => Part::File(n, f, b.clone()),
    }
}

#[tokio::test]
async fn forms_without_the_csrf_token_or_from_another_site_change_nothing() {
    let w = staffed("portal-csrf").await;
    let mut b = Browser::new(&w);
    let form_id = b.open_form().await;
    let mut fields = report_fields(
        &form_id,
        "Jalan rusak di Sangatta",
        "Jalan berlubang besar di depan sekolah sejak dua bulan lalu.",
    );
    fields.push(text("step", "send"));
    let missing = b.post_multipart("/lapor", fields.iter().map(clone_part).collect(), false).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    let mut forged: Vec<Part> = fields.iter().map(clone_part).collect();
    forged.insert(0, text("csrf", "0123456789abcdef0123456789abcdef0123456789abcdef"));
    assert_eq!(b.post_multipart("/lapor", forged, false).await.status, StatusCode::FORBIDDEN);
    // From another site, even with the right token (a cookie the attacker cannot read,
    // but the browser would send): refused before the form is read.
    let csrf = b.csrf();
    let req = Request::post("/masuk")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, "https://penipu.example");
    let cross = b.send(req, Body::from(format!("csrf={csrf}&email=a%40b.id&password=x"))).await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    assert_eq!(
        w.app
            .count_reports(&Actor::System, aduan_store::ReportFilter::new(aduan_store::Scope::All), u64::MAX)
            .await
            .expect("count")
            .value(),
        0
    );
    // Sign-out and support are forms too.
    assert_eq!(b.post_form("/keluar", &[]).await.status, StatusCode::SEE_OTHER);
    let req = Request::post("/keluar").header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    assert_eq!(b.send(req, Body::from("csrf=salah")).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn user_text_is_escaped_on_every_page_that_shows_it() {
    let w = staffed("portal-escape").await;
    let mut b = Browser::new(&w);
    let title = "<script>alert('judul')</script> <b>Jalan</b>";
    let description =
        "Lubang <img src=x onerror=alert(1)> besar \"di\" depan <a href='javascript:x'>sekolah</a> & pasar.";
    let form_id = b.open_form().await;
    let mut fields = report_fields(&form_id, title, description);
    fields.push(text("address", "Jl. <i>Poros</i> \"Sangatta\""));
    fields.push(text("lat", "0.5012"));
    fields.push(text("long", "117.5"));
    fields.push(text("step", "check"));
    let check = b.post_multipart("/lapor", fields.iter().map(clone_part).collect(), true).await;
    let last = fields.len() - 1;
    fields[last] = text("step", "send");
    let sent = b.post_multipart("/lapor", fields, true).await;
    let link = location(&sent);
    let tracking = link.trim_start_matches("/lapor/").split('?').next().expect("t").to_string();
    answer(&w, &tracking, AnswerKind::Progress).await;

    let mut pages = vec![("check", check.text)];
    for path in [
        link.clone(),
        "/".into(),
        "/laporan".into(),
        format!("/laporan/{tracking}"),
        "/peta".into(),
        "/laporan?q=Jalan".into(),
    ] {
        let r = b.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        pages.push((Box::leak(path.into_boxed_str()), r.text));
    }
    for (name, html) in &pages {
        let shown = [
            "&#60;script&#62;alert(&#39;judul&#39;)&#60;/script&#62;",
            "&lt;script&gt;alert(&#39;judul&#39;)&lt;/script&gt;",
        ];
        assert!(shown.iter().any(|s| html.contains(s)), "{name}: the title is shown, escaped");
        for raw in ["<script>alert", "<b>Jalan</b>", "<img src=x", "<a href='javascript", "<i>Poros</i>"] {
            assert!(!html.contains(raw), "{name} contains raw {raw}");
        }
    }
    // The map's points are JSON, drawn with textContent by its script.
    let points = b.get("/peta/titik.json").await;
    assert_eq!(points.headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(points.body[0]["title"], title);
}

#[tokio::test]
async fn pages_carry_a_strict_security_policy() {
    let w = World::with_settings(
        "portal-headers",
        WebSettings { map_tile_url: "https://{s}.tiles.contoh.id/{z}/{x}/{y}.png".into(), ..WebSettings::default() },
    )
    .await;
    let mut b = Browser::new(&w);
    for path in
        ["/", "/lapor", "/laporan", "/peta", "/lacak", "/masuk", "/daftar", "/lacak?nomor=K7M-P9Q-X4T", "/tidak-ada"]
    {
        let r = b.get(path).await;
        let h = |name: header::HeaderName| {
            r.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
        };
        let csp = h(header::CONTENT_SECURITY_POLICY);
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(h(header::X_CONTENT_TYPE_OPTIONS), "nosniff", "{path}");
        assert_eq!(h(header::REFERRER_POLICY), "no-referrer", "{path}");
        if path != "/tidak-ada" {
            assert!(csp.contains("img-src 'self' data: blob: https://*.tiles.contoh.id"), "{path}: {csp}");
            assert_eq!(h(header::CACHE_CONTROL), "no-store", "{path}");
            assert!(
                !r.text.contains("<script>") && !r.text.contains(" style=\"") && !r.text.contains("<style"),
                "{path}: inline script or style"
            );
        }
    }
    // The CSRF cookie is HttpOnly and SameSite=Lax; not Secure over plain HTTP.
    let r = Browser::new(&w).get("/").await;
    let cookie = r.headers[header::SET_COOKIE].to_str().expect("cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"), "{cookie}");
    // Behind HTTPS every cookie is Secure.
    let w = World::with_settings(
        "portal-https",
        WebSettings { public_url: Some("https://aduan.contoh.go.id".into()), ..WebSettings::default() },
    )
    .await;
    let r = Browser::new(&w).get("/").await;
    assert!(r.headers[header::SET_COOKIE].to_str().expect("cookie").contains("Secure"));
}

#[tokio::test]
async fn accounts_register_sign_in_and_out_and_are_throttled() {
    let w =
        World::with_settings("portal-accounts", WebSettings { sign_in_per_minute: 4, ..WebSettings::default() }).await;
    let mut b = Browser::new(&w);
    b.get("/daftar").await;
    let bad = b
        .post_form(
            "/daftar",
            &[("name", ""), ("email", "bukan-email"), ("password", "pendek"), ("password2", "pendek")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["name-error", "email-error", "password-error"] {
        assert!(bad.text.contains(field), "{field}");
    }
    let ok = b
        .post_form(
            "/daftar",
            &[
                ("name", "Budi Santoso"),
                ("email", "budi@contoh.id"),
                ("password", PASSWORD),
                ("password2", PASSWORD),
                ("ke", "/lapor"),
            ],
        )
        .await;
    assert_eq!((ok.status, location(&ok).as_str()), (StatusCode::SEE_OTHER, "/lapor"), "{}", ok.text);
    let session = ok
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .find_map(|v| v.to_str().ok().filter(|v| v.starts_with("aduan_sesi=")));
    let session = session.expect("a session cookie").to_string();
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Max-Age"),
        "{session}"
    );
    // Stored with argon2id.
    let person = w.app.find_person("budi@contoh.id").await.expect("person");
    let hash = w.app.store().password_hash(person.id).await.expect("hash").expect("some");
    assert!(hash.starts_with("$argon2id$"));

    // Signed in: the header names the way out; a report filed now is in "my reports".
    let form_id = b.open_form().await;
    let page = b.get("/lapor").await;
    assert!(
        page.text.contains("id=\"logout\"") && !page.text.contains("id=\"email\""),
        "no contact fields when signed in"
    );
    let mut fields = report_fields(
        &form_id,
        "Lampu jalan padam di Sangatta",
        "Lampu jalan padam total di sepanjang jalan poros sejak seminggu.",
    );
    fields.retain(|p| !matches!(p, Part::Text("name" | "email" | "phone", _)));
    fields.push(text("step", "send"));
    let sent = b.post_multipart("/lapor", fields, true).await;
    let link = location(&sent);
    assert!(!link.contains("kunci=") || link.contains("baru=1"));
    let mine = b.get("/laporan-saya").await;
    assert!(
        mine.text.contains("Lampu jalan padam di Sangatta")
            && mine.text.contains("class=\"report-link\" href=\"/lapor/")
    );
    let tracking = link.trim_start_matches("/lapor/").split('?').next().expect("t").to_string();
    let full = b.get(&format!("/lapor/{tracking}")).await;
    assert!(full.text.contains("id=\"next-step\""), "the account opens the full view");
    let stored = w.app.report_for(&Actor::System, &TrackingNumber::parse(&tracking).expect("t")).await.expect("r");
    assert_eq!(stored.reporter.person, Some(person.id));

    // Signing out revokes the token: the old cookie no longer signs anyone in.
    let old = b.cookies.get("aduan_sesi").cloned().expect("session");
    let out = b.post_form("/keluar", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(!b.cookies.contains_key("aduan_sesi"));
    b.cookies.insert("aduan_sesi".into(), old);
    assert_eq!(location(&b.get("/laporan-saya").await), "/masuk?ke=/laporan-saya");
    b.cookies.remove("aduan_sesi");

    // A wrong password is refused; after the limit, the address waits.
    let wrong = b.post_form("/masuk", &[("email", "budi@contoh.id"), ("password", "salah-sekali-123")]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let good = b.post_form("/masuk", &[("email", "budi@contoh.id"), ("password", PASSWORD)]).await;
    assert_eq!((good.status, location(&good).as_str()), (StatusCode::SEE_OTHER, "/laporan-saya"));
    let mut last = StatusCode::OK;
    for _ in 0..4 {
        b.get("/masuk").await;
        last = b.post_form("/masuk", &[("email", "budi@contoh.id"), ("password", PASSWORD)]).await.status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    // Never sent elsewhere after signing in.
    let w2 = World::new("portal-redirect").await;
    w2.person("c@contoh.id", None).await;
    let mut b2 = Browser::new(&w2);
    b2.get("/masuk").await;
    let r =
        b2.post_form("/masuk", &[("email", "c@contoh.id"), ("password", PASSWORD), ("ke", "//penipu.example/")]).await;
    assert_eq!(location(&r), "/laporan-saya");
}

#[tokio::test]
async fn the_reporter_replies_accepts_rates_and_appeals_through_the_pages() {
    let w = staffed("portal-actions").await;
    let mut b = Browser::new(&w);
    let (tracking, link) = file_as_guest(&mut b, "Jalan rusak di Sangatta", vec![]).await;
    let link = link.replace("&baru=1", "");
    let secret = link.split("kunci=").nth(1).expect("secret").to_string();
    answer(&w, &tracking, AnswerKind::Final).await;

    let page = b.get(&link).await;
    assert!(page.text.contains("Jalan sudah ditambal oleh tim Dinas PUPR"), "the answer is in the timeline");
    for form in ["action-reply", "action-accept"] {
        assert!(page.text.contains(&format!("id=\"{form}\"")), "{form}");
    }
    assert!(!page.text.contains("id=\"action-rate\""), "rating only once closed");
    let version = hidden(&page.text, "versi");
    let action = format!("/lapor/{tracking}/aksi");
    let reply = vec![
        text("kunci", &secret),
        text("versi", &version),
        text("aksi", "reply"),
        text("message", "Belum semua lubang ditambal, masih ada dua."),
    ];
    let r = b.post_multipart(&action, reply.iter().map(clone_part).collect(), true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    // The same form again is stale: refused, shown, nothing applied twice.
    let stale = b.post_multipart(&action, reply, true).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.text.contains("sudah berubah"));
    let t = TrackingNumber::parse(&tracking).expect("t");
    let events = w.app.find_by_tracking(&Actor::System, &t).await.expect("view").events;
    assert_eq!(events.iter().filter(|e| e.kind.code() == "reporter_replied").count(), 1);

    // Answered again; accepted; rated.
    answer(&w, &tracking, AnswerKind::Final).await;
    let page = b.get(&link).await;
    let r = b
        .post_multipart(
            &action,
            vec![text("kunci", &secret), text("versi", &hidden(&page.text, "versi")), text("aksi", "accept")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = b.get(&link).await;
    assert!(page.text.contains("Selesai") && page.text.contains("id=\"action-rate\""));
    let bad = b
        .post_multipart(
            &action,
            vec![
                text("kunci", &secret),
                text("versi", &hidden(&page.text, "versi")),
                text("aksi", "rate"),
                text("stars", "9"),
            ],
            true,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = b
        .post_multipart(
            &action,
            vec![
                text("kunci", &secret),
                text("versi", &hidden(&page.text, "versi")),
                text("aksi", "rate"),
                text("stars", "2"),
                text("comment", "Lambat sekali."),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = b.get(&link).await;
    assert!(page.text.contains("id=\"action-appeal\""), "appeal offered after a low rating");
    let r = b
        .post_multipart(
            &action,
            vec![
                text("kunci", &secret),
                text("versi", &hidden(&page.text, "versi")),
                text("aksi", "appeal"),
                text("message", "Perbaikan asal-asalan."),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = b.get(&link).await;
    assert!(!page.text.contains("id=\"action-appeal\""), "only one appeal");
    assert!(page.text.contains("Pelapor mengajukan banding"));
    // Without the secret, a guest cannot act.
    let r = b.post_multipart(&action, vec![text("versi", "1"), text("aksi", "accept")], true).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_public_sees_public_reports_without_their_reporters() {
    let w = staffed("portal-public").await;
    w.person("warga@contoh.id", None).await;
    let mut b = Browser::new(&w);
    // Read before anything is public: what the map keeps must not outlive the change.
    assert_eq!(b.get("/peta/titik.json").await.body.as_array().map(Vec::len), Some(0));
    let (open, _) = file_as_guest(
        &mut b,
        "Jalan berlubang di Sangatta Utara",
        vec![text("anonymous", "1"), text("lat", "0.51"), text("long", "117.6")],
    )
    .await;
    let (secret, secret_link) = file_as_guest(
        &mut b,
        "Pungutan liar di kantor kecamatan",
        vec![text("confidential", "1"), text("lat", "0.52"), text("long", "117.61")],
    )
    .await;
    answer(&w, &open, AnswerKind::Progress).await;
    answer(&w, &secret, AnswerKind::Progress).await;

    let list = b.get("/laporan").await;
    assert!(list.text.contains("Jalan berlubang di Sangatta Utara"));
    assert!(!list.text.contains("Pungutan liar"), "confidential reports are not listed");
    let found = b.get("/laporan?q=berlubang").await;
    assert!(found.text.contains(&format!("/laporan/{open}")));
    let none = b.get("/laporan?q=pungutan").await;
    assert!(!none.text.contains(&secret));
    let filtered = b.get("/laporan?status=closed").await;
    assert!(!filtered.text.contains(&open));
    let filtered = b
        .get("/laporan?category=pupr&province=64&regency=64.08&instansi=KAB-64.08&from=2026-03-01&to=2026-03-03")
        .await;
    assert!(filtered.text.contains(&open), "{}", filtered.text);
    let bad = b.get("/laporan?from=kemarin").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let detail = b.get(&format!("/laporan/{open}")).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert!(detail.text.contains("<dd id=\"reporter\">Pelapor</dd>"));
    assert!(detail.text.contains("Diproses oleh Dinas Pekerjaan Umum"), "who holds it: the unit");
    assert!(detail.text.contains("Jalan sudah ditambal"), "the answer is public");
    for personal in ["Siti Rahma", "siti@contoh.id", "081234567890"] {
        assert!(!detail.text.contains(personal), "{personal} on the public page");
        assert!(!list.text.contains(personal));
    }
    for path in [format!("/laporan/{secret}"), format!("/lacak?nomor={secret}")] {
        assert_eq!(b.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let tracked = b.get(&format!("/lacak?nomor={}", open.to_lowercase())).await;
    assert_eq!(location(&tracked), format!("/laporan/{open}"));
    let points = b.get("/peta/titik.json").await;
    let points = points.body.as_array().expect("points").clone();
    assert_eq!(points.len(), 1);
    assert_eq!(points[0]["tracking"], open.as_str());
    assert!(!points.iter().any(|p| p.to_string().contains("Siti")));
    assert!(b.get(&secret_link).await.text.contains("Pungutan liar"), "the reporter still reads it");

    // Dukung: signed in, once per person.
    let support = format!("/laporan/{open}/dukung");
    let guest = b.post_form(&support, &[]).await;
    assert_eq!(location(&guest), format!("/masuk?ke=/laporan/{open}"));
    b.get("/masuk").await;
    b.post_form("/masuk", &[("email", "warga@contoh.id"), ("password", PASSWORD)]).await;
    b.get(&format!("/laporan/{open}")).await;
    let first = b.post_form(&support, &[]).await;
    assert!(location(&first).contains("dukungan=baru"));
    let second = b.post_form(&support, &[]).await;
    assert!(location(&second).contains("dukungan=sudah"));
    let page = b.get(&format!("/laporan/{open}")).await;
    assert!(page.text.contains("<span id=\"support-count\">1</span>"));
    assert_eq!(b.post_form(&format!("/laporan/{secret}/dukung"), &[]).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_language_switch_is_remembered_and_stays_on_this_site() {
    let w = World::new("portal-language").await;
    let mut b = Browser::new(&w);
    let home = b.get("/").await;
    assert!(home.text.contains("<html lang=\"id\">") && home.text.contains("Buat laporan"));
    let switch = b.get("/bahasa/en?ke=/laporan%3Fq%3Djalan").await;
    assert_eq!((switch.status, location(&switch).as_str()), (StatusCode::SEE_OTHER, "/laporan?q=jalan"));
    for path in ["/", "/lapor", "/laporan"] {
        let page = b.get(path).await;
        assert!(page.text.contains("<html lang=\"en\">"), "{path}");
        assert!(page.text.contains("File a report") && !page.text.contains("Buat laporan<"), "{path}");
        assert!(page.text.contains("href=\"/bahasa/id?ke="), "{path}: the way back");
    }
    let away = b.get("/bahasa/id?ke=//penipu.example/").await;
    assert_eq!(location(&away), "/");
}

#[tokio::test]
async fn guests_share_the_filing_limit_and_lose_nothing_to_it() {
    let w = World::with_settings("portal-limit", WebSettings { file_per_minute: 1, ..WebSettings::default() }).await;
    let mut b = Browser::new(&w);
    file_as_guest(&mut b, "Jalan rusak di Sangatta", vec![]).await;
    let form_id = b.open_form().await;
    let mut fields = report_fields(
        &form_id,
        "Drainase tersumbat di Sangatta",
        "Saluran air tersumbat sampah, air meluap ke jalan setiap hujan.",
    );
    fields.push(text("step", "send"));
    let limited = b.post_multipart("/lapor", fields, true).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.text.contains("Terlalu banyak laporan") && limited.text.contains("Drainase tersumbat di Sangatta"));
    assert!(limited.text.contains("value=\"send\""), "the check page, ready to send again");
    let all = aduan_store::ReportFilter::new(aduan_store::Scope::All);
    assert_eq!(w.app.count_reports(&Actor::System, all, u64::MAX).await.expect("count").value(), 1);
}

#[tokio::test]
async fn deadlines_read_in_the_reporters_local_time() {
    let w = staffed("portal-zones").await;
    let mut b = Browser::new(&w);
    // Kabupaten Jayapura keeps Eastern Indonesia Time (UTC+9).
    let form_id = b.open_form().await;
    let mut fields = report_fields(
        &form_id,
        "Jalan longsor di Sentani",
        "Jalan utama tertutup longsor sejak kemarin sore, kendaraan tidak bisa lewat.",
    );
    for p in fields.iter_mut() {
        match p {
            Part::Text("province", v) => *v = "91".into(),
            Part::Text("regency", v) => *v = "91.03".into(),
            Part::Text("district", v) => *v = "91.03.01".into(),
            _ => {}
        }
    }
    fields.push(text("step", "send"));
    let sent = b.post_multipart("/lapor", fields, true).await;
    let page = b.get(&location(&sent)).await;
    let next = page.text.split("id=\"next-step\"").nth(1).expect("next step");
    let next = next.split("</dd>").next().expect("dd");
    // Filed Monday 2 March 2026; the national desk (Jakarta, WIB) has three working days,
    // to the end of Thursday 5 March in WIB — already Friday 01.59 in Jayapura.
    assert!(next.contains("Jumat, 6 Maret 2026 pukul 01.59 WIT"), "{next}");
    assert!(page.text.contains("Diverifikasi paling lambat Jumat, 6 Maret 2026 pukul 01.59 WIT"));
    b.get("/bahasa/en?ke=/").await;
    let page = b.get(&location(&sent).replace("&baru=1", "")).await;
    assert!(page.text.contains("Friday, 6 March 2026 at 01:59 WIT"), "English words, same local time");
}

#[tokio::test]
async fn bad_files_are_refused_at_their_field_and_nothing_else_is_lost() {
    let w = staffed("portal-files").await;
    let mut b = Browser::new(&w);
    let form_id = b.open_form().await;
    let mut fields = report_fields(
        &form_id,
        "Jalan rusak di Sangatta",
        "Jalan berlubang besar di depan sekolah sejak dua bulan lalu.",
    );
    // A web page named like a photo, a "photo" that does not decode, one real photo, and
    // one photo too large for the limit (256 KB in these tests).
    fields.push(Part::File("attachments", "foto.jpg", b"<html><script>alert(1)</script></html>".to_vec()));
    fields.push(Part::File("attachments", "rusak.png", png()[..40].to_vec()));
    fields.push(Part::File("attachments", "jalan.png", png()));
    let mut big = png();
    big.extend(std::iter::repeat_n(0u8, 300 * 1024));
    fields.push(Part::File("attachments", "besar.png", big));
    fields.push(text("step", "check"));
    let back = b.post_multipart("/lapor", fields, true).await;
    assert_eq!(back.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", back.text);
    assert!(back.text.contains("foto.jpg tidak diterima"), "the mislabelled file is named");
    assert!(back.text.contains("rusak.png tidak dapat dibaca sebagai foto"));
    assert!(back.text.contains("besar.png terlalu besar"));
    assert_eq!(back.text.matches("class=\"kept-attachment\"").count(), 1, "only the real photo is kept");
    assert!(back.text.contains("value=\"Jalan rusak di Sangatta\""), "the title is kept");
    let stored = std::fs::read_dir(w.dir.join("attachments")).expect("dir").count();
    assert_eq!(stored, 2, "the one photo and its metadata, nothing else");

    // A form larger than any allowed set of files is refused as a whole, with a page that
    // says what to do.
    let form_id = b.open_form().await;
    let mut fields = report_fields(
        &form_id,
        "Jalan rusak di Sangatta",
        "Jalan berlubang besar di depan sekolah sejak dua bulan lalu.",
    );
    fields.push(Part::File("attachments", "video.mp4", vec![0u8; 3 * 1024 * 1024]));
    fields.push(text("step", "check"));
    let huge = b.post_multipart("/lapor", fields, true).await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(huge.text.contains("terlalu besar") && huge.text.contains("<html lang=\"id\">"));
    assert_eq!(std::fs::read_dir(w.dir.join("attachments")).expect("dir").count(), 2);
}

#[tokio::test]
async fn enter_in_a_text_field_moves_on_to_the_check_page() {
    let w = staffed("portal-enter").await;
    let mut b = Browser::new(&w);
    let form_id = b.open_form().await;
    let page = b.get("/lapor").await;
    // The form's first submit button is the one Enter presses.
    let first = page.text.split("<form id=\"report-form\"").nth(1).expect("form");
    let first = first.split("type=\"submit\"").nth(1).expect("a button");
    assert!(first.starts_with(" name=\"step\" value=\"next\""), "{}", &first[..80]);
    let mut fields = report_fields(
        &form_id,
        "Jalan rusak di Sangatta",
        "Jalan berlubang besar di depan sekolah sejak dua bulan lalu.",
    );
    fields.push(text("step", "next"));
    let check = b.post_multipart("/lapor", fields, true).await;
    assert!(check.text.contains("Periksa laporan Anda"));
}
