//! The pages of outgoing mail, driven in-process the way a browser without JavaScript
//! drives them: notice preferences, the unsubscribe link (and a mail provider's
//! one-click post), address verification, password reset, and the admin's webhook and
//! outbox sections.

mod support;

use aduan_domain::notice::{DeliveryState, Message, NoticeKind, subject_of};
use aduan_domain::person::Role;
use aduan_service::Media;
use aduan_store::MessageFilter;
use aduan_web::WebSettings;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use support::browser::{Browser, location, signed_in, signed_in_with};
use support::{PASSWORD, World};

/// The support world, with e-mail and SMS configured so that messages are written, and
/// no rate limits (the tests sign in often from one address).
async fn world(name: &str) -> World {
    let settings = WebSettings { sign_in_per_minute: 0, file_per_minute: 0, ..WebSettings::default() };
    World::with_media(&format!("notices-{name}"), settings, Media { email: true, sms: true }).await
}

async fn messages(w: &World) -> Vec<Message> {
    w.app.store().messages(&MessageFilter::default(), 100).await.expect("messages")
}

async fn messages_of(w: &World, kind: NoticeKind, address: &str) -> Vec<Message> {
    messages(w).await.into_iter().filter(|m| m.message.kind == kind && m.message.address == address).collect()
}

/// The token at the end of a verification or reset message's link.
fn token_in(m: &Message, path: &str) -> String {
    let link = m.message.facts.link.as_deref().expect("a link");
    link.strip_prefix(path).unwrap_or_else(|| panic!("{link} is not under {path}")).to_string()
}

/// Files a report through the API: as a guest (Siti, by e-mail) or with a person's token.
async fn file(w: &World, title: &str, bearer: Option<&str>) -> String {
    let mut body = support::road_report(title);
    if bearer.is_some() {
        body.as_object_mut().expect("object").remove("reporter");
    }
    let r = w.call(Method::POST, "/api/v1/reports", bearer, Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.body["tracking"].as_str().expect("tracking").to_string()
}

async fn is_on(w: &World, email: &str, kind: NoticeKind) -> bool {
    let person = w.app.find_person(email).await.expect("person");
    let choices = w.app.notice_choices(person.id).await.expect("choices");
    choices.iter().find(|(k, _)| *k == kind).expect("a choice").1
}

/// A one-click unsubscribe as a mail provider sends it (RFC 8058): no cookie, no token.
async fn one_click(w: &World, path: &str) -> support::Response {
    let req = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "aduan.test")
        .body(Body::from("List-Unsubscribe=One-Click"))
        .expect("request");
    w.send(req).await
}

/// The other end of a token: its signature's last character changed.
fn tampered(token: &str) -> String {
    let mut t = token.to_string();
    let last = t.pop().expect("a character");
    t.push(if last == '0' { '1' } else { '0' });
    t
}

#[tokio::test]
async fn preferences_round_trip_a_notice_turned_off_is_not_written() {
    let w = world("notices-preferences").await;
    w.person("warga@contoh.id", None).await;
    w.person("kominfo@contoh.id", Some((Role::Coordinator, "KAB-64.08"))).await;
    // A guest is sent to sign in first.
    let r = Browser::new(&w).get("/akun/notifikasi").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/masuk?ke=/akun/notifikasi");

    let mut b = signed_in(&w, "warga@contoh.id").await;
    let mine = b.get("/laporan-saya").await;
    assert!(mine.text.contains("href=\"/akun/notifikasi\""), "my reports links to the preferences");
    let page = b.get("/akun/notifikasi").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("name=\"jenis\" value=\"received\" checked"), "{}", page.text);
    assert!(page.text.contains("<label for=\"jenis-received\">Laporan diterima</label>"));
    assert!(!page.text.contains("value=\"digest\""), "no staff notices for a citizen");

    // Everything but "received".
    let keep: Vec<(&str, &str)> = ["info_requested", "forwarded", "answered", "closing_soon", "closed", "archived"]
        .into_iter()
        .map(|k| ("jenis", k))
        .collect();
    let r = b.post_form("/akun/notifikasi", &keep).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = b.get(&location(&r)).await;
    assert!(page.text.contains("id=\"saved\""), "{}", page.text);
    assert!(page.text.contains("name=\"jenis\" value=\"received\">"), "received is unticked");
    assert!(page.text.contains("name=\"jenis\" value=\"answered\" checked"));
    assert!(!is_on(&w, "warga@contoh.id", NoticeKind::Received).await);
    assert!(is_on(&w, "warga@contoh.id", NoticeKind::Answered).await);

    let token = w.token("warga@contoh.id").await;
    file(&w, "Jalan rusak di Sangatta Utara", Some(&token)).await;
    assert!(
        messages_of(&w, NoticeKind::Received, "warga@contoh.id").await.is_empty(),
        "a notice turned off was written"
    );

    // On again: the next report is acknowledged.
    let mut all = keep.clone();
    all.push(("jenis", "received"));
    assert_eq!(b.post_form("/akun/notifikasi", &all).await.status, StatusCode::SEE_OTHER);
    file(&w, "Lampu jalan mati di Sangatta", Some(&token)).await;
    assert_eq!(messages_of(&w, NoticeKind::Received, "warga@contoh.id").await.len(), 1);

    // A form without its CSRF token changes nothing.
    let r = b
        .send(
            Request::post("/akun/notifikasi").header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            Body::from("jenis=forwarded"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(is_on(&w, "warga@contoh.id", NoticeKind::Received).await);

    // Staff also choose their own notices, under the staff header.
    let mut staff = signed_in(&w, "kominfo@contoh.id").await;
    let queue = staff.get("/staf/antrian").await;
    assert!(queue.text.contains("href=\"/akun/notifikasi\""), "the staff header links to the preferences");
    let page = staff.get("/akun/notifikasi").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("value=\"digest\" checked") && page.text.contains("staff-nav"), "{}", page.text);
}

#[tokio::test]
async fn unsubscribe_asks_first_then_turns_the_notice_off_and_takes_one_click_posts() {
    let w = world("notices-unsubscribe").await;
    w.person("warga@contoh.id", None).await;
    let token = w.token("warga@contoh.id").await;
    file(&w, "Jalan rusak di Sangatta Utara", Some(&token)).await;
    let received = messages_of(&w, NoticeKind::Received, "warga@contoh.id").await.remove(0);
    let link = w.app.unsubscribe_token(&received.message).expect("an unsubscribe token");
    let path = format!("/berhenti/{link}");

    // A mail scanner's GET changes nothing.
    let mut b = Browser::new(&w);
    let page = b.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Laporan diterima") && page.text.contains("id=\"unsubscribe\""), "{}", page.text);
    assert!(page.text.contains("href=\"/akun/notifikasi\""));
    assert!(is_on(&w, "warga@contoh.id", NoticeKind::Received).await, "a GET unsubscribed");

    // The page's button: no CSRF token is asked for.
    let r = b.send(Request::post(&path), Body::empty()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.contains("Anda berhenti berlangganan"), "{}", r.text);
    assert!(!is_on(&w, "warga@contoh.id", NoticeKind::Received).await);
    // The same link works again.
    assert_eq!(b.send(Request::post(&path), Body::empty()).await.status, StatusCode::OK);

    // A mail provider's one-click post, without cookies, for another kind.
    let mut answered = received.message.clone();
    answered.kind = NoticeKind::Answered;
    let link = w.app.unsubscribe_token(&answered).expect("token");
    let r = one_click(&w, &format!("/berhenti/{link}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(!is_on(&w, "warga@contoh.id", NoticeKind::Answered).await);
    assert!(is_on(&w, "warga@contoh.id", NoticeKind::Forwarded).await, "only the link's kind is off");

    // A reporter without an account unsubscribes their address.
    file(&w, "Lampu jalan mati di Sangatta", None).await;
    let guest = messages_of(&w, NoticeKind::Received, "siti@contoh.id").await.remove(0);
    let link = w.app.unsubscribe_token(&guest.message).expect("token");
    let page = Browser::new(&w).get(&format!("/berhenti/{link}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Laporan diterima"));
    assert!(w.app.store().opt_outs(&subject_of(None, "siti@contoh.id")).await.expect("opt-outs").is_empty());
    assert_eq!(one_click(&w, &format!("/berhenti/{link}")).await.status, StatusCode::OK);
    let off = w.app.store().opt_outs(&subject_of(None, "siti@contoh.id")).await.expect("opt-outs");
    assert_eq!(off, vec![NoticeKind::Received]);

    // A tampered or made-up link is not found, and changes nothing.
    let mut forwarded = received.message.clone();
    forwarded.kind = NoticeKind::Forwarded;
    let good = w.app.unsubscribe_token(&forwarded).expect("token");
    let other_kind = good.replacen("forwarded.", "closed.", 1);
    for bad in [tampered(&good), other_kind, "bukan-tautan".to_string()] {
        let path = format!("/berhenti/{bad}");
        let page = b.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "GET {bad}: {}", page.text);
        assert!(page.text.contains("Tautan berhenti berlangganan ini tidak berlaku"), "{}", page.text);
        assert_eq!(b.send(Request::post(&path), Body::empty()).await.status, StatusCode::NOT_FOUND, "POST {bad}");
        assert_eq!(one_click(&w, &path).await.status, StatusCode::NOT_FOUND, "one-click {bad}");
    }
    assert!(is_on(&w, "warga@contoh.id", NoticeKind::Forwarded).await);
    assert!(is_on(&w, "warga@contoh.id", NoticeKind::Closed).await);
}

#[tokio::test]
async fn a_new_account_confirms_its_address_with_a_post_and_the_link_works_once() {
    let w = world("notices-verify").await;
    let mut b = Browser::new(&w);
    b.get("/daftar").await;
    let r = b
        .post_form(
            "/daftar",
            &[
                ("name", "Rahmat Hidayat"),
                ("email", "rahmat@contoh.id"),
                ("phone", ""),
                ("password", PASSWORD),
                ("password2", PASSWORD),
                ("ke", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let person = w.app.find_person("rahmat@contoh.id").await.expect("person");
    let sent = messages_of(&w, NoticeKind::VerifyEmail, "rahmat@contoh.id").await;
    assert_eq!(sent.len(), 1, "registration mails a confirmation link");

    // "My reports" says so and offers the link again.
    let mine = b.get("/laporan-saya").await;
    assert!(mine.text.contains("id=\"unverified\"") && mine.text.contains("belum diverifikasi"), "{}", mine.text);
    let r = b.post_form("/akun/verifikasi", &[]).await;
    assert_eq!(location(&r), "/laporan-saya?verifikasi=terkirim");
    assert!(b.get(&location(&r)).await.text.contains("id=\"verification-sent\""));
    let sent = messages_of(&w, NoticeKind::VerifyEmail, "rahmat@contoh.id").await;
    assert_eq!(sent.len(), 2, "a second link was mailed");
    let token = token_in(&sent[0], "/akun/verifikasi/");
    let path = format!("/akun/verifikasi/{token}");

    // A mail scanner opens the link (without cookies) and a person opens it: nothing spent.
    let scanner = w.send(Request::get(&path).body(Body::empty()).expect("request")).await;
    assert_eq!(scanner.status, StatusCode::OK);
    let mut reader = Browser::new(&w);
    let page = reader.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("id=\"verify\""), "{}", page.text);
    assert!(w.app.store().email_verified_at(person.id).await.expect("read").is_none(), "a GET verified");

    let r = reader.post_form(&path, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.contains("Alamat e-mail terverifikasi"), "{}", r.text);
    assert!(w.app.store().email_verified_at(person.id).await.expect("read").is_some());
    let again = reader.post_form(&path, &[]).await;
    assert_eq!(again.status, StatusCode::GONE);
    assert!(again.text.contains("kedaluwarsa atau sudah dipakai"), "{}", again.text);
    assert!(!b.get("/laporan-saya").await.text.contains("id=\"unverified\""), "the notice is gone once verified");
}

#[tokio::test]
async fn password_reset_reveals_no_address_and_its_link_works_once() {
    let w = world("notices-reset").await;
    w.person("warga@contoh.id", None).await;
    let mut b = Browser::new(&w);
    assert!(b.get("/masuk").await.text.contains("href=\"/lupa-sandi\""), "the sign-in page links to the reset");
    assert!(b.get("/lupa-sandi").await.text.contains("id=\"forgot\""));

    let unknown = b.post_form("/lupa-sandi", &[("email", "tidak-ada@contoh.id")]).await;
    assert_eq!(unknown.status, StatusCode::SEE_OTHER, "{}", unknown.text);
    let unknown_page = b.get(&location(&unknown)).await;
    assert!(unknown_page.text.contains("Jika ada akun dengan alamat ini"), "{}", unknown_page.text);
    assert!(messages(&w).await.is_empty(), "a message for an unknown address");
    let known = b.post_form("/lupa-sandi", &[("email", "warga@contoh.id")]).await;
    assert_eq!(location(&known), location(&unknown), "the same answer either way");
    assert_eq!(b.get(&location(&known)).await.text, unknown_page.text);
    let sent = messages_of(&w, NoticeKind::ResetPassword, "warga@contoh.id").await;
    assert_eq!(sent.len(), 1);
    // Not an address at all: said at the field, nothing sent.
    let r = b.post_form("/lupa-sandi", &[("email", "bukan alamat")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("id=\"email-error\""));

    let token = token_in(&sent[0], "/atur-sandi/");
    let path = format!("/atur-sandi/{token}");
    let form = b.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("id=\"reset\""));
    // Too short, then two different ones: the form again, the link not spent.
    let r = b.post_form(&path, &[("password", "pendek"), ("password2", "pendek")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("id=\"password-error\"") && r.text.contains("paling sedikit 10"), "{}", r.text);
    let new = "sandi-baru-yang-panjang";
    let r = b.post_form(&path, &[("password", new), ("password2", "sandi-lain-yang-panjang")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("id=\"password2-error\""));

    let r = b.post_form(&path, &[("password", new), ("password2", new)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(location(&r), "/masuk?sandi=baru");
    assert!(b.get(&location(&r)).await.text.contains("Kata sandi baru Anda tersimpan"));
    let old = b.post_form("/masuk", &[("email", "warga@contoh.id"), ("password", PASSWORD), ("ke", "")]).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED, "the old password still works");
    signed_in_with(&w, "warga@contoh.id", new).await;

    let reuse =
        b.post_form(&path, &[("password", "sandi-ketiga-panjang"), ("password2", "sandi-ketiga-panjang")]).await;
    assert_eq!(reuse.status, StatusCode::GONE);
    assert!(reuse.text.contains("href=\"/lupa-sandi\""), "{}", reuse.text);
    signed_in_with(&w, "warga@contoh.id", new).await;
}

#[tokio::test]
async fn an_org_admin_registers_a_webhook_in_scope_and_sees_its_secret_once() {
    let w = world("notices-webhook").await;
    w.person("admin@contoh.id", Some((Role::OrgAdmin, "KAB-64.08"))).await;
    w.person("admin.jayapura@contoh.id", Some((Role::OrgAdmin, "KAB-91.03"))).await;
    let url = "https://sistem.kutaitimur.go.id/aduan/masuk";
    let mut admin = signed_in(&w, "admin@contoh.id").await;
    let page = admin.get("/staf/admin?bagian=webhook").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("section id=\"webhook\"") && page.text.contains("value=\"answered\""), "{}", page.text);
    assert!(!page.text.contains("bagian=kiriman"), "a regency's admin has no outbox tab");

    let r = admin
        .post_form(
            "/staf/admin/webhook",
            &[("aksi", "create"), ("org", "KAB-64.08"), ("url", url), ("events", "verified"), ("events", "answered")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let hooks = w.app.store().webhooks().await.expect("webhooks");
    assert_eq!(hooks.len(), 1);
    let hook = &hooks[0];
    assert_eq!(hook.events, vec!["verified".to_string(), "answered".to_string()]);
    assert!(r.text.contains("id=\"webhook-secret\"") && r.text.contains(&hook.secret), "the secret is shown");
    let page = admin.get("/staf/admin?bagian=webhook").await;
    assert!(page.text.contains(url) && !page.text.contains(&hook.secret), "the secret is shown once");

    // A bad address: said clearly, nothing stored, what was typed kept.
    let r =
        admin.post_form("/staf/admin/webhook", &[("aksi", "create"), ("org", "KAB-64.08"), ("url", "ftp://x")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text.contains("harus diawali http:// atau https://") && r.text.contains("value=\"ftp://x\""),
        "{}",
        r.text
    );
    assert_eq!(w.app.store().webhooks().await.expect("webhooks").len(), 1);

    // A report forwarded to Kutai Timur: the delivery is listed.
    let tracking = file(&w, "Jalan rusak di Sangatta Utara", None).await;
    w.person("verifikator@contoh.id", Some((Role::Screener, "NASIONAL"))).await;
    let screener = w.token("verifikator@contoh.id").await;
    let verify = serde_json::json!({"action": "verify", "version": 1, "instansi": "KAB-64.08"});
    let r = w.call(Method::POST, &format!("/api/v1/reports/{tracking}/actions"), Some(&screener), Some(verify)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let to_hook = MessageFilter { webhook: Some(hook.id), ..MessageFilter::default() };
    let deliveries = w.app.store().messages(&to_hook, 10).await.expect("messages");
    let page = admin.get(&format!("/staf/admin?bagian=webhook&hook={}", hook.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("id=\"deliveries\""), "{}", page.text);
    assert_eq!(deliveries.len(), 1, "the verification was delivered to the regency's webhook");
    assert!(page.text.contains("<code>verified</code>") && page.text.contains("Menunggu dikirim"), "{}", page.text);

    // Jayapura's admin neither sees it nor reaches it.
    let mut other = signed_in(&w, "admin.jayapura@contoh.id").await;
    let page = other.get("/staf/admin?bagian=webhook").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text.contains(url));
    let r = other.get(&format!("/staf/admin?bagian=webhook&hook={}", hook.id)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let id = hook.id.to_string();
    let r = other.post_form("/staf/admin/webhook", &[("aksi", "deactivate"), ("hook", &id)]).await;
    assert!(matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{}", r.status);
    assert!(w.app.store().webhooks().await.expect("webhooks")[0].active);
    let r = other
        .post_form(
            "/staf/admin/webhook",
            &[("aksi", "create"), ("org", "KAB-64.08"), ("url", "https://jayapura.example/")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(w.app.store().webhooks().await.expect("webhooks").len(), 1);

    // Its own admin turns it off and on.
    let r = admin.post_form("/staf/admin/webhook", &[("aksi", "deactivate"), ("hook", &id)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(!w.app.store().webhooks().await.expect("webhooks")[0].active);
    let r = admin.post_form("/staf/admin/webhook", &[("aksi", "activate"), ("hook", &id)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(w.app.store().webhooks().await.expect("webhooks")[0].active);
}

/// Claims every pending message and fails it for good.
async fn fail_all(w: &World, error: &str) {
    let store = w.app.store();
    let now = w.app.now();
    for m in store.claim_messages("uji", now, now + chrono::Duration::minutes(5), 100).await.expect("claim") {
        assert!(store.message_failed(m.id, "uji", error, None, None).await.expect("fail"));
    }
}

#[tokio::test]
async fn the_national_admin_resends_a_failed_message_and_a_regency_admin_cannot() {
    let w = world("notices-outbox").await;
    w.person("admin.nasional@contoh.id", Some((Role::OrgAdmin, "NASIONAL"))).await;
    w.person("admin@contoh.id", Some((Role::OrgAdmin, "KAB-64.08"))).await;
    file(&w, "Jalan rusak di Sangatta Utara", None).await;
    fail_all(&w, "550 mailbox unavailable").await;
    let failed = messages_of(&w, NoticeKind::Received, "siti@contoh.id").await.remove(0);
    assert_eq!(failed.state, DeliveryState::Failed);

    let mut national = signed_in(&w, "admin.nasional@contoh.id").await;
    let page = national.get("/staf/admin").await;
    assert!(page.text.contains("bagian=kiriman"), "the national admin has the outbox tab");
    let page = national.get("/staf/admin?bagian=kiriman").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("section id=\"kiriman\""), "{}", page.text);
    assert!(page.text.contains("550 mailbox unavailable") && page.text.contains("siti@contoh.id"), "{}", page.text);
    assert!(page.text.contains(&format!("name=\"message\" value=\"{}\"", failed.id)));
    let id = failed.id.to_string();
    let r = national.post_form("/staf/admin/kiriman", &[("aksi", "resend"), ("message", &id)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(w.app.store().message(failed.id).await.expect("read").expect("message").state, DeliveryState::Pending);
    // No longer among the failed ones; among the pending ones.
    assert!(!national.get("/staf/admin?bagian=kiriman").await.text.contains(&format!("id=\"message-{id}\"")));
    let pending = national.get("/staf/admin?bagian=kiriman&keadaan=pending").await;
    assert!(pending.text.contains(&format!("id=\"message-{id}\"")), "{}", pending.text);
    // A message that has not failed is not sent twice.
    let r = national.post_form("/staf/admin/kiriman", &[("aksi", "resend"), ("message", &id)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A regency's admin: no tab, no section, no resend.
    fail_all(&w, "550 mailbox unavailable").await;
    let mut regency = signed_in(&w, "admin@contoh.id").await;
    assert!(!regency.get("/staf/admin").await.text.contains("bagian=kiriman"));
    let page = regency.get("/staf/admin?bagian=kiriman").await;
    assert!(!page.text.contains("section id=\"kiriman\"") && !page.text.contains("siti@contoh.id"));
    let r = regency.post_form("/staf/admin/kiriman", &[("aksi", "resend"), ("message", &id)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(w.app.store().message(failed.id).await.expect("read").expect("message").state, DeliveryState::Failed);
}
