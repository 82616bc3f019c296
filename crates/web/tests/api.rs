//! The JSON API, driven in-process: the whole lifecycle by every role, idempotent
//! filing, tokens and keys, scope and privacy, and the error contract.

mod support;

use aduan_domain::credential::KeyScope;
use aduan_domain::person::Role;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};
use support::{World, road_report};

async fn staffed(name: &str) -> World {
    let w = World::new(name).await;
    w.person("warga@contoh.id", None).await;
    w.person("verifikator@contoh.id", Some((Role::Screener, "NASIONAL"))).await;
    w.person("kominfo@contoh.id", Some((Role::Coordinator, "KAB-64.08"))).await;
    w.person("pupr@contoh.id", Some((Role::Officer, "KAB-64.08/DPUPR"))).await;
    w.person("jayapura@contoh.id", Some((Role::Coordinator, "KAB-91.03"))).await;
    w.person("ombudsman@contoh.id", Some((Role::Supervisor, "NASIONAL"))).await;
    w.person("admin@contoh.id", Some((Role::OrgAdmin, "KAB-64.08"))).await;
    w
}

fn version(r: &Value) -> i64 {
    r["version"].as_i64().expect("version")
}

async fn act(w: &World, token: &str, tracking: &str, body: Value) -> support::Response {
    w.call(Method::POST, &format!("/api/v1/reports/{tracking}/actions"), Some(token), Some(body)).await
}

#[tokio::test]
async fn a_report_travels_the_whole_lifecycle_over_http() {
    let w = staffed("lifecycle").await;
    let citizen = w.token("warga@contoh.id").await;
    let screener = w.token("verifikator@contoh.id").await;
    let coordinator = w.token("kominfo@contoh.id").await;
    let officer = w.token("pupr@contoh.id").await;

    let filed =
        w.call(Method::POST, "/api/v1/reports", Some(&citizen), Some(road_report("Jalan berlubang di Sangatta"))).await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.text);
    let tracking = filed.body["report"]["tracking"].as_str().expect("tracking").to_string();
    assert_eq!(filed.body["report"]["status"]["code"], "submitted");
    assert_eq!(filed.body["report"]["channel"], "api");
    assert!(filed.body["secret"].as_str().is_some_and(|s| s.len() == 64));

    // The screening queue holds it; the screener verifies to the suggested instansi.
    let queue = w.call(Method::GET, "/api/v1/queue", Some(&screener), None).await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.text);
    assert!(queue.body["items"].as_array().expect("items").iter().any(|i| i["tracking"] == tracking.as_str()));
    // No instansi named: the routing suggestion (a road in Kutai Timur → the regency).
    let r = act(&w, &screener, &tracking, json!({"action": "verify", "version": 1})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"]["code"], "forwarded");
    assert_eq!(r.body["instansi"]["code"], "KAB-64.08");

    // A replayed (stale) verification is refused and changes nothing.
    let stale = act(&w, &screener, &tracking, json!({"action": "verify", "version": 1})).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
    assert_eq!(stale.body["code"], "stale");
    assert_eq!(stale.headers["content-type"], "application/problem+json");

    // The officer cannot act before disposition: the status forbids it.
    let early = act(
        &w,
        &officer,
        &tracking,
        json!({"action": "hand_back", "version": version(&r.body), "reason": "bukan kami"}),
    )
    .await;
    assert!(matches!(early.status, StatusCode::CONFLICT | StatusCode::FORBIDDEN), "{}", early.text);

    // No unit named: the routing rule's default unit (Dinas PUPR).
    let r = act(&w, &coordinator, &tracking, json!({"action": "dispose", "version": version(&r.body)})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"]["code"], "in_progress");
    assert_eq!(r.body["units"][0]["code"], "KAB-64.08/DPUPR");
    let unit_queue = w.call(Method::GET, "/api/v1/queue", Some(&officer), None).await;
    assert_eq!(unit_queue.body["items"][0]["tracking"], tracking.as_str(), "{}", unit_queue.text);

    let r = act(
        &w,
        &officer,
        &tracking,
        json!({"action": "internal_note", "version": version(&r.body), "text": "Catatan internal: cek anggaran"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = act(
        &w,
        &officer,
        &tracking,
        json!({"action": "respond", "version": version(&r.body), "answer": "final", "text": "Jalan sudah ditambal."}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"]["code"], "responded");

    // The reporter sees the answer but never the internal note; accepts and rates.
    let mine = w.call(Method::GET, &format!("/api/v1/reports/{tracking}"), Some(&citizen), None).await;
    assert_eq!(mine.body["access"], "reporter");
    let kinds: Vec<&str> =
        mine.body["timeline"].as_array().expect("timeline").iter().filter_map(|e| e["kind"].as_str()).collect();
    assert!(kinds.contains(&"answered") && !kinds.contains(&"internal_note"), "{kinds:?}");
    assert!(!mine.text.contains("cek anggaran"));
    let actions: Vec<&str> =
        mine.body["actions"].as_array().expect("actions").iter().filter_map(|a| a["action"].as_str()).collect();
    assert!(actions.contains(&"accept") && actions.contains(&"reply"), "{actions:?}");
    let r = act(&w, &citizen, &tracking, json!({"action": "accept", "version": version(&mine.body)})).await;
    assert_eq!(r.body["status"]["code"], "closed", "{}", r.text);
    let r = act(
        &w,
        &citizen,
        &tracking,
        json!({"action": "rate", "version": version(&r.body), "stars": 5, "comment": "Cepat"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["rating"]["stars"], 5);

    // The public page: public events only, no personal data.
    let public = w.call(Method::GET, &format!("/api/v1/reports/{tracking}"), None, None).await;
    assert_eq!(public.status, StatusCode::OK);
    assert_eq!(public.body["access"], "public");
    assert_eq!(public.body["reporter"]["display_name"], "Pelapor");
    for secret in ["Siti Rahma", "siti@contoh.id", "081234567890", "cek anggaran"] {
        assert!(!public.text.contains(secret), "{secret} leaked: {}", public.text);
    }
}

/// Every action of docs/DOMAIN.md §4 goes through the API's translation at least once.
#[tokio::test]
async fn every_action_of_the_lifecycle_is_reachable_over_http() {
    let w = staffed("every-action").await;
    let citizen = w.token("warga@contoh.id").await;
    let screener = w.token("verifikator@contoh.id").await;
    let coordinator = w.token("kominfo@contoh.id").await;
    let officer = w.token("pupr@contoh.id").await;
    let filed =
        w.call(Method::POST, "/api/v1/reports", Some(&citizen), Some(road_report("Jalan ambles di Sangatta"))).await;
    let t = filed.body["tracking"].as_str().expect("tracking").to_string();
    let mut version = 1;
    let steps: Vec<(&str, Value, &str)> = vec![
        (&screener, json!({"action": "request_info", "question": "Di kilometer berapa?"}), "needs_info"),
        (&citizen, json!({"action": "reply", "text": "Kilometer 12"}), "submitted"),
        (&screener, json!({"action": "archive", "reason": "spam"}), "archived"),
        (&screener, json!({"action": "restore", "note": "Keliru arsip"}), "submitted"),
        (
            &screener,
            json!({"action": "verify", "instansi": "KAB-64.08", "complexity": "normatif", "tags": ["jalan"]}),
            "forwarded",
        ),
        (&coordinator, json!({"action": "return_not_authority", "reason": "Jalan nasional"}), "submitted"),
        (&screener, json!({"action": "verify", "instansi": "KAB-64.08"}), "forwarded"),
        (&coordinator, json!({"action": "dispose", "units": ["KAB-64.08/DPUPR"]}), "in_progress"),
        (&officer, json!({"action": "hand_back", "reason": "Bukan tugas kami"}), "forwarded"),
        (
            &coordinator,
            json!({"action": "dispose", "units": ["KAB-64.08/DPUPR"], "note": "Mohon dicek"}),
            "in_progress",
        ),
        (&officer, json!({"action": "internal_note", "text": "Survei besok"}), "in_progress"),
        (&officer, json!({"action": "respond", "answer": "progress", "text": "Sedang disurvei"}), "in_progress"),
        (&coordinator, json!({"action": "respond", "answer": "final", "text": "Sudah diperbaiki"}), "responded"),
        (&citizen, json!({"action": "reply", "text": "Belum rapi"}), "in_progress"),
        (&coordinator, json!({"action": "close_outside", "reason": "Ditangani lewat telepon"}), "closed"),
        (&citizen, json!({"action": "rate", "stars": 1, "comment": "Tidak puas"}), "closed"),
        (&citizen, json!({"action": "appeal", "reason": "Jalan masih rusak"}), "in_progress"),
        (&officer, json!({"action": "respond", "answer": "final", "text": "Diperbaiki ulang"}), "responded"),
        (&citizen, json!({"action": "accept"}), "closed"),
    ];
    for (bearer, mut body, status) in steps {
        body["version"] = json!(version);
        let r = act(&w, bearer, &t, body.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{body}: {}", r.text);
        assert_eq!(r.body["status"]["code"], status, "{body}");
        version = r.body["version"].as_i64().expect("version");
    }
    // Archive as a duplicate names the original by tracking number.
    let dup = w.call(Method::POST, "/api/v1/reports", None, Some(road_report("Jalan ambles di Sangatta lagi"))).await;
    let d = dup.body["tracking"].as_str().expect("tracking");
    let r = act(&w, &screener, d, json!({"action": "archive", "version": 1, "reason": "duplicate", "duplicate_of": t}))
        .await;
    assert_eq!((r.status, r.body["status"]["code"].as_str()), (StatusCode::OK, Some("archived")), "{}", r.text);
    let r = act(&w, &screener, d, json!({"action": "archive", "version": 2, "reason": "duplicate"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
}

#[tokio::test]
async fn the_private_link_opens_the_reporters_view_without_an_account() {
    let w = staffed("private-link").await;
    let filed = w.call(Method::POST, "/api/v1/reports", None, Some(road_report("Lampu jalan mati total"))).await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.text);
    let tracking = filed.body["report"]["tracking"].as_str().expect("tracking");
    let secret = filed.body["secret"].as_str().expect("secret");
    let with = |s: &str| {
        Request::get(format!("/api/v1/reports/{tracking}"))
            .header("x-report-secret", s)
            .body(Body::empty())
            .expect("req")
    };
    let mine = w.send(with(secret)).await;
    assert_eq!((mine.status, mine.body["access"].as_str()), (StatusCode::OK, Some("reporter")), "{}", mine.text);
    assert_eq!(mine.body["reporter"]["email"], "siti@contoh.id");
    let wrong = w.send(with("0".repeat(64).as_str())).await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND, "a wrong secret reveals nothing");
    // Not yet verified: not public.
    let public = w.call(Method::GET, &format!("/api/v1/reports/{tracking}"), None, None).await;
    assert_eq!(public.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_idempotency_key_files_once() {
    let w = staffed("idempotency").await;
    let key = w.key("KAB-64.08", &[KeyScope::File, KeyScope::Read]).await;
    let post = |body: Value, idem: &str| {
        Request::post("/api/v1/reports")
            .header("authorization", format!("Bearer {key}"))
            .header("content-type", "application/json")
            .header("idempotency-key", idem)
            .body(Body::from(body.to_string()))
            .expect("req")
    };
    let first = w.send(post(road_report("Jembatan kayu rusak parah"), "req-001")).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let again = w.send(post(road_report("Jembatan kayu rusak parah"), "req-001")).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body["replayed"], true);
    assert_eq!(again.body["tracking"], first.body["tracking"]);
    assert_eq!(again.body["report"]["access"], "reporter", "the key that filed it follows it");
    assert!(again.body["secret"].is_null(), "the secret was shown once");
    let other_body = w.send(post(road_report("Jembatan beton retak"), "req-001")).await;
    assert_eq!(other_body.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", other_body.text);
    assert_eq!(other_body.body["field"], "Idempotency-Key");
    let count = w
        .app
        .count_reports(
            &aduan_domain::permission::Actor::System,
            aduan_store::ReportFilter::new(aduan_store::Scope::All),
            u64::MAX,
        )
        .await
        .expect("count");
    assert_eq!(count.value(), 1, "a retry filed nothing");
    // A key of an instansi files to that instansi's desk by default; the channel says api.
    assert_eq!(first.body["report"]["target_instansi"]["code"], "KAB-64.08");
}

#[tokio::test]
async fn keys_are_limited_to_their_organisation_and_their_scopes() {
    let w = staffed("key-scope").await;
    let screener = w.token("verifikator@contoh.id").await;
    let citizen = w.token("warga@contoh.id").await;
    let mut tracking = Vec::new();
    for (title, instansi) in
        [("Jalan rusak di Sangatta Utara", "KAB-64.08"), ("Jalan rusak di Sentani kota", "KAB-91.03")]
    {
        let mut body = road_report(title);
        body["confidential"] = json!(true);
        let f = w.call(Method::POST, "/api/v1/reports", Some(&citizen), Some(body)).await;
        let t = f.body["report"]["tracking"].as_str().expect("tracking").to_string();
        let r = act(&w, &screener, &t, json!({"action": "verify", "version": 1, "instansi": instansi})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        tracking.push(t);
    }
    let kutim = w.key("KAB-64.08", &[KeyScope::Read]).await;
    let list = w.call(Method::GET, "/api/v1/reports", Some(&kutim), None).await;
    let seen: Vec<&str> =
        list.body["items"].as_array().expect("items").iter().filter_map(|i| i["tracking"].as_str()).collect();
    assert_eq!(seen, vec![tracking[0].as_str()], "only its own regency's report");
    let other = w.call(Method::GET, &format!("/api/v1/reports/{}", tracking[1]), Some(&kutim), None).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND, "another regency's confidential report does not exist for it");
    let own = w.call(Method::GET, &format!("/api/v1/reports/{}", tracking[0]), Some(&kutim), None).await;
    assert_eq!(own.body["access"], "staff");

    // Read scope only: no filing, no acting.
    let file = w.call(Method::POST, "/api/v1/reports", Some(&kutim), Some(road_report("Jalan lain yang rusak"))).await;
    assert_eq!(file.status, StatusCode::FORBIDDEN, "{}", file.text);
    let dispose =
        act(&w, &kutim, &tracking[0], json!({"action": "dispose", "version": 2, "units": ["KAB-64.08/DPUPR"]})).await;
    assert_eq!(dispose.status, StatusCode::FORBIDDEN, "{}", dispose.text);

    // With the act scope it may dispose its own report, never the other regency's.
    let acting = w.key("KAB-64.08", &[KeyScope::Read, KeyScope::Act]).await;
    let ok =
        act(&w, &acting, &tracking[0], json!({"action": "dispose", "version": 2, "units": ["KAB-64.08/DPUPR"]})).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let theirs =
        act(&w, &acting, &tracking[1], json!({"action": "dispose", "version": 2, "units": ["KAB-91.03/DPUPR"]})).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{}", theirs.text);
    // Even a malformed action on it answers "not found": its existence is not revealed.
    let probe =
        act(&w, &acting, &tracking[1], json!({"action": "dispose", "version": 2, "units": ["TIDAK-ADA"]})).await;
    assert_eq!(probe.status, StatusCode::NOT_FOUND, "{}", probe.text);

    // Only signed-in organisation admins see keys.
    assert_eq!(w.call(Method::GET, "/api/v1/keys", None, None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(w.call(Method::GET, "/api/v1/keys", Some(&citizen), None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.call(Method::GET, "/api/v1/keys", Some(&screener), None).await.status, StatusCode::FORBIDDEN);
    // A revoked key stops at once.
    let admin = w.token("admin@contoh.id").await;
    let keys = w.call(Method::GET, "/api/v1/keys", Some(&admin), None).await;
    assert_eq!(keys.body.as_array().expect("keys").len(), 2, "{}", keys.text);
    let id = keys.body[0]["id"].as_i64().expect("id");
    let revoked = w.call(Method::DELETE, &format!("/api/v1/keys/{id}"), Some(&admin), None).await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.text);
    let after = w.call(Method::GET, "/api/v1/reports", Some(&kutim), None).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    // An org admin of Kutai Timur cannot make keys for Jayapura.
    let foreign = w
        .call(
            Method::POST,
            "/api/v1/keys",
            Some(&admin),
            Some(json!({"org": "KAB-91.03", "name": "x", "scopes": ["read"]})),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN, "{}", foreign.text);
    let made = w
        .call(
            Method::POST,
            "/api/v1/keys",
            Some(&admin),
            Some(json!({"org": "KAB-64.08/DLH", "name": "Aplikasi DLH", "scopes": ["read"]})),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    assert_eq!(made.body["acting_as"]["role"], "officer");
}

#[tokio::test]
async fn an_anonymous_reporter_stays_unknown_outside_the_screening_desk() {
    let w = staffed("anonymous").await;
    let screener = w.token("verifikator@contoh.id").await;
    let coordinator = w.token("kominfo@contoh.id").await;
    let mut body = road_report("Pungutan liar di kantor kecamatan");
    body["anonymous"] = json!(true);
    let f = w.call(Method::POST, "/api/v1/reports", None, Some(body)).await;
    let t = f.body["report"]["tracking"].as_str().expect("tracking").to_string();
    let desk = w.call(Method::GET, &format!("/api/v1/reports/{t}"), Some(&screener), None).await;
    assert_eq!(desk.body["reporter"]["name"], "Siti Rahma", "the screening desk knows, for abuse handling");
    act(&w, &screener, &t, json!({"action": "verify", "version": 1, "instansi": "KAB-64.08"})).await;
    let r = act(&w, &coordinator, &t, json!({"action": "dispose", "version": 2, "units": ["KAB-64.08/DPUPR"]})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let key = w.key("KAB-64.08", &[KeyScope::Read]).await;
    let unit_key = w.key("KAB-64.08/DPUPR", &[KeyScope::Read]).await;
    let officer = w.token("pupr@contoh.id").await;
    for bearer in [coordinator.as_str(), key.as_str(), unit_key.as_str(), officer.as_str()] {
        let seen = w.call(Method::GET, &format!("/api/v1/reports/{t}"), Some(bearer), None).await;
        assert_eq!(seen.status, StatusCode::OK, "{}", seen.text);
        for secret in ["Siti Rahma", "siti@contoh.id", "081234567890"] {
            assert!(!seen.text.contains(secret), "{secret} reached the instansi: {}", seen.text);
        }
        let list = w.call(Method::GET, "/api/v1/reports?q=pungutan", Some(bearer), None).await;
        assert!(!list.text.contains("Siti"), "{}", list.text);
    }
}

#[tokio::test]
async fn confidential_reports_stay_out_of_public_reads() {
    let w = staffed("confidential").await;
    let screener = w.token("verifikator@contoh.id").await;
    let mut tracking = Vec::new();
    for (title, confidential) in [("Sampah menumpuk di pasar", false), ("Sampah rahasia di gudang", true)] {
        let f = w.call(Method::POST, "/api/v1/reports", None, Some(road_report(title))).await;
        let t = f.body["report"]["tracking"].as_str().expect("tracking").to_string();
        let r = act(
            &w,
            &screener,
            &t,
            json!({"action": "verify", "version": 1, "instansi": "KAB-64.08", "confidential": confidential}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        tracking.push(t);
    }
    let list = w.call(Method::GET, "/api/v1/reports?q=sampah", None, None).await;
    let seen: Vec<&str> =
        list.body["items"].as_array().expect("items").iter().filter_map(|i| i["tracking"].as_str()).collect();
    assert_eq!(seen, vec![tracking[0].as_str()]);
    let plain = w.call(Method::GET, "/api/v1/reports", None, None).await;
    assert!(!plain.text.contains(&tracking[1]));
    let one = w.call(Method::GET, &format!("/api/v1/reports/{}", tracking[1]), None, None).await;
    assert_eq!(one.status, StatusCode::NOT_FOUND);
    let supervisor = w.token("ombudsman@contoh.id").await;
    let seen = w.call(Method::GET, &format!("/api/v1/reports/{}", tracking[1]), Some(&supervisor), None).await;
    assert_eq!(seen.status, StatusCode::OK, "the national supervisor reads it");
    assert!(seen.body["actions"].as_array().expect("actions").is_empty(), "a supervisor is offered nothing");
    let tried =
        act(&w, &supervisor, &tracking[1], json!({"action": "dispose", "version": 2, "units": ["KAB-64.08/DPUPR"]}))
            .await;
    assert_eq!(tried.status, StatusCode::FORBIDDEN, "{}", tried.text);
}

#[tokio::test]
async fn tokens_expire_and_sign_out_revokes() {
    let w = staffed("tokens").await;
    let token = w.token("warga@contoh.id").await;
    let me = w.call(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(me.body["credential"], "token");
    let out = w.call(Method::DELETE, "/api/v1/auth/token", Some(&token), None).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_eq!(w.call(Method::GET, "/api/v1/me", Some(&token), None).await.status, StatusCode::UNAUTHORIZED);

    let token = w.token("warga@contoh.id").await;
    w.clock.advance(chrono::Duration::hours(9));
    let late = w.call(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(late.status, StatusCode::UNAUTHORIZED, "{}", late.text);

    let wrong = w
        .call(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({"email": "warga@contoh.id", "password": "salah-sekali-123"})),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let nobody = w
        .call(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({"email": "siapa@contoh.id", "password": "salah-sekali-123"})),
        )
        .await;
    assert_eq!(
        (nobody.status, &nobody.body["detail"]),
        (StatusCode::UNAUTHORIZED, &wrong.body["detail"]),
        "the same answer"
    );
    let garbage = w.call(Method::GET, "/api/v1/me", Some("adt_bukan-token"), None).await;
    assert_eq!(garbage.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn limits_apply_per_address_across_requests() {
    let settings = aduan_web::WebSettings { file_per_minute: 2, sign_in_per_minute: 3, ..Default::default() };
    let w = World::with_settings("rate", settings).await;
    for _ in 0..2 {
        let ok = w.call(Method::POST, "/api/v1/reports", None, Some(road_report("Saluran air tersumbat"))).await;
        assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    }
    let limited = w.call(Method::POST, "/api/v1/reports", None, Some(road_report("Saluran air tersumbat"))).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.body["code"], "rate_limited");
    assert!(limited.headers["retry-after"].to_str().expect("header").parse::<u64>().expect("seconds") >= 1);
    let login = json!({"email": "x@contoh.id", "password": "salah-sekali-123"});
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(w.call(Method::POST, "/api/v1/auth/token", None, Some(login.clone())).await.status);
    }
    assert_eq!(statuses[..3], [StatusCode::UNAUTHORIZED; 3]);
    assert_eq!(statuses[3], StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn anonymous_lists_and_searches_share_one_limit_per_address() {
    let settings = aduan_web::WebSettings { read_per_minute: 3, sign_in_per_minute: 0, ..Default::default() };
    let w = World::with_settings("read-rate", settings).await;
    w.person("pembaca@contoh.id", None).await;
    let citizen = w.token("pembaca@contoh.id").await;
    // The API's search, the portal's list and Open311's list count against one budget.
    assert_eq!(w.call(Method::GET, "/api/v1/reports?q=jalan", None, None).await.status, StatusCode::OK);
    assert_eq!(w.call(Method::GET, "/laporan?q=jalan", None, None).await.status, StatusCode::OK);
    assert_eq!(w.call(Method::GET, "/open311/v2/requests.json", None, None).await.status, StatusCode::OK);
    let limited = w.call(Method::GET, "/api/v1/reports", None, None).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.body["code"], "rate_limited");
    let open311 = w.call(Method::GET, "/open311/v2/requests.json", None, None).await;
    assert_eq!(open311.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(open311.body[0]["code"], 429, "{}", open311.text);
    assert_eq!(w.call(Method::GET, "/laporan", None, None).await.status, StatusCode::TOO_MANY_REQUESTS);
    // Signed in, a caller is known and not held to the anonymous budget.
    assert_eq!(w.call(Method::GET, "/api/v1/reports?q=jalan", Some(&citizen), None).await.status, StatusCode::OK);
    // One report by its number is not a list: it stays open to everyone.
    assert_eq!(w.call(Method::GET, "/open311/v2/services.json", None, None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn bad_input_gets_a_problem_and_never_a_500() {
    let w = staffed("errors").await;
    let citizen = w.token("warga@contoh.id").await;
    let raw = |method: Method, path: &str, ctype: Option<&str>, body: &str| {
        let mut b = Request::builder().method(method).uri(path).header("authorization", format!("Bearer {citizen}"));
        if let Some(c) = ctype {
            b = b.header("content-type", c);
        }
        b.body(Body::from(body.to_string())).expect("req")
    };
    let cases: Vec<(Request<Body>, StatusCode, &str)> = vec![
        (
            raw(Method::POST, "/api/v1/reports", Some("application/json"), "{\"title\": "),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            raw(Method::POST, "/api/v1/reports", Some("text/plain"), "{}"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            raw(Method::POST, "/api/v1/reports", Some("application/json"), "{\"title\": 5}"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            raw(
                Method::POST,
                "/api/v1/reports",
                Some("application/json"),
                "{\"title\":\"Judul\",\"description\":\"x\",\"sihir\":1}",
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (raw(Method::GET, "/api/v1/reports/ZZZ-ZZZ-ZZZ", None, ""), StatusCode::NOT_FOUND, "not_found"),
        (raw(Method::GET, "/api/v1/reports?status=terbang", None, ""), StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        (raw(Method::GET, "/api/v1/reports?limit=-4", None, ""), StatusCode::BAD_REQUEST, "bad_request"),
        (raw(Method::GET, "/api/v1/reports?cursor=%00%ff", None, ""), StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        (raw(Method::GET, "/api/v1/tidak-ada", None, ""), StatusCode::NOT_FOUND, "not_found"),
        (raw(Method::PUT, "/api/v1/reports", None, ""), StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        (
            raw(
                Method::POST,
                "/api/v1/reports/ABC/actions",
                Some("application/json"),
                "{\"action\":\"accept\",\"version\":1}",
            ),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            raw(
                Method::POST,
                "/api/v1/reports",
                Some("application/json"),
                &format!("{{\"title\":\"{}\"}}", "x".repeat(400 * 1024)),
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
        ),
    ];
    for (req, status, code) in cases {
        let what = format!("{} {}", req.method(), req.uri());
        let r = w.send(req).await;
        assert_eq!(r.status, status, "{what}: {}", r.text);
        assert_eq!(r.body["code"], code, "{what}: {}", r.text);
        assert_eq!(r.headers["content-type"], "application/problem+json", "{what}");
    }
    // Fields at fault are named, by serde or by the domain.
    let r = w
        .call(Method::POST, "/api/v1/reports", Some(&citizen), Some(json!({"title": "Jalan", "description": 5})))
        .await;
    assert_eq!(r.body["field"], "description", "{}", r.text);
    let r = w
        .call(
            Method::POST,
            "/api/v1/reports",
            Some(&citizen),
            Some(json!({"description": "Jalan rusak sekali dan berbahaya"})),
        )
        .await;
    assert_eq!(r.body["field"], "title", "{}", r.text);
    let mut short = road_report("Jalan");
    short["description"] = json!("pendek");
    let r = w.call(Method::POST, "/api/v1/reports", Some(&citizen), Some(short)).await;
    assert_eq!(
        (r.status, r.body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("description")),
        "{}",
        r.text
    );
    let mut far = road_report("Jalan rusak di luar negeri");
    far["lat"] = json!(48.85);
    far["long"] = json!(2.35);
    let r = w.call(Method::POST, "/api/v1/reports", Some(&citizen), Some(far)).await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("lat")), "{}", r.text);

    // Unknown actions on a real report, and junk of every shape: never a 500.
    let f = w.call(Method::POST, "/api/v1/reports", Some(&citizen), Some(road_report("Drainase mampet total"))).await;
    let t = f.body["report"]["tracking"].as_str().expect("tracking").to_string();
    let junk = [
        json!({"action": "fly", "version": 1}),
        json!({"action": "verify"}),
        json!({"action": "verify", "version": "satu"}),
        json!({"action": "rate", "version": 1, "stars": 900}),
        json!({"action": "rate", "version": 1, "stars": 3}),
        json!({"action": "dispose", "version": 1, "units": ["TIDAK-ADA"]}),
        json!({"action": "reply", "version": 1, "text": "", "attachments": ["../../etc/passwd"]}),
        json!([1, 2, 3]),
        json!(null),
        json!("verify"),
    ];
    for body in junk {
        let r = act(&w, &citizen, &t, body.clone()).await;
        assert!(r.status.is_client_error(), "{body}: {} {}", r.status, r.text);
    }
    let still = w.call(Method::GET, &format!("/api/v1/reports/{t}"), Some(&citizen), None).await;
    assert_eq!(still.body["version"], 1, "nothing changed");
}

/// A JPEG with an EXIF segment carrying a GPS position.
/// A real JPEG photo with an EXIF block naming a GPS position, spliced in after SOI.
fn jpeg_with_gps() -> Vec<u8> {
    let mut photo = Vec::new();
    image::RgbImage::from_pixel(8, 8, image::Rgb([120, 90, 60]))
        .write_to(&mut std::io::Cursor::new(&mut photo), image::ImageFormat::Jpeg)
        .expect("jpeg");
    let exif = b"Exif\0\0GPS -0.5012 117";
    let len = u16::try_from(exif.len() + 2).expect("short");
    let mut jpeg = photo[..2].to_vec();
    jpeg.extend_from_slice(&[0xFF, 0xE1]);
    jpeg.extend_from_slice(&len.to_be_bytes());
    jpeg.extend_from_slice(exif);
    jpeg.extend_from_slice(&photo[2..]);
    jpeg
}

fn multipart(bearer: Option<&str>, file_name: &str, bytes: &[u8]) -> Request<Body> {
    let boundary = "batasuji";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut b =
        Request::post("/api/v1/uploads").header("content-type", format!("multipart/form-data; boundary={boundary}"));
    if let Some(t) = bearer {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    b.body(Body::from(body)).expect("req")
}

#[tokio::test]
async fn uploads_are_judged_by_content_and_lose_their_location() {
    let w = staffed("uploads").await;
    let citizen = w.token("warga@contoh.id").await;
    let up = w.send(multipart(Some(&citizen), "foto jalan.jpg", &jpeg_with_gps())).await;
    assert_eq!(up.status, StatusCode::CREATED, "{}", up.text);
    assert_eq!(up.body["content_type"], "image/jpeg");
    let key = up.body["key"].as_str().expect("key").to_string();
    let stored = std::fs::read(w.dir.join("attachments").join(&key)).expect("stored");
    assert!(!stored.windows(4).any(|x| x == b"Exif") && !stored.windows(3).any(|x| x == b"GPS"), "EXIF removed");

    let fake = w.send(multipart(Some(&citizen), "foto.jpg", b"<html><script>alert(1)</script></html>")).await;
    assert_eq!(
        (fake.status, fake.body["code"].as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("unsupported_media_type"))
    );
    let mut big = jpeg_with_gps();
    big.extend(std::iter::repeat_n(0u8, 300 * 1024));
    let huge = w.send(multipart(Some(&citizen), "besar.jpg", &big)).await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", huge.text);

    // Attached to a report; someone else's upload key is refused.
    let mut body = road_report("Jalan berlubang dengan foto");
    body["attachments"] = json!([key]);
    let f = w.call(Method::POST, "/api/v1/reports", Some(&citizen), Some(body.clone())).await;
    assert_eq!(f.status, StatusCode::CREATED, "{}", f.text);
    assert_eq!(f.body["report"]["attachments"][0]["key"], key.as_str());
    let stranger = w.call(Method::POST, "/api/v1/reports", None, Some(body)).await;
    assert_eq!(
        (stranger.status, stranger.body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("attachments"))
    );

    // The reporter downloads it; the public may not while the report is unverified.
    let t = f.body["report"]["tracking"].as_str().expect("tracking");
    let path = format!("/api/v1/reports/{t}/attachments/{key}");
    let mine = w.call(Method::GET, &path, Some(&citizen), None).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.headers["content-type"], "image/jpeg");
    assert_eq!(mine.headers["x-content-type-options"], "nosniff");
    assert_eq!(w.call(Method::GET, &path, None, None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_openapi_document_matches_its_snapshot() {
    let w = World::new("openapi").await;
    let served = w.call(Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.body["openapi"], "3.1.0");
    let doc = aduan_web::openapi();
    assert_eq!(served.body, doc, "the served document is the generated one");
    // Errors are documented in the media type they are sent in.
    let list = &doc["paths"]["/api/v1/reports"]["get"]["responses"];
    assert!(list["422"]["content"]["application/problem+json"].is_object(), "{list}");
    assert!(doc.to_string().contains("application/problem+json"));
    // OpenAPI requires a description of every response and operation ids that differ.
    let mut ids = std::collections::HashSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operations") {
            assert!(ids.insert(op["operationId"].to_string()), "{method} {path}: operationId used twice");
            for (code, response) in op["responses"].as_object().expect("responses") {
                assert!(response["description"].is_string(), "{method} {path} {code} has no description");
            }
        }
    }
    insta::assert_json_snapshot!("openapi", doc);
}

#[tokio::test]
async fn a_dead_database_is_a_503_and_nothing_else() {
    let w = staffed("dead-db").await;
    let citizen = w.token("warga@contoh.id").await;
    w.app.store().close().await;
    for (method, path, body) in [
        (Method::GET, "/api/v1/reports", None),
        (Method::POST, "/api/v1/reports", Some(road_report("Jalan rusak saat database mati"))),
        (Method::GET, "/api/v1/me", None),
    ] {
        let r = w.call(method, path, Some(&citizen), body).await;
        // The token cannot be checked either: the answer is "unavailable", never a 500.
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{path}: {}", r.text);
        assert_eq!(r.body["code"], "unavailable");
        assert!(!r.text.contains("pool"), "no internals in the answer: {}", r.text);
    }
}

mod never_a_500 {
    use super::*;
    use proptest::prelude::*;

    fn world() -> &'static (tokio::runtime::Runtime, World, String, String) {
        static WORLD: std::sync::OnceLock<(tokio::runtime::Runtime, World, String, String)> =
            std::sync::OnceLock::new();
        WORLD.get_or_init(|| {
            let rt = tokio::runtime::Runtime::new().expect("runtime");
            let (w, token, tracking) = rt.block_on(async {
                let w = staffed("fuzz").await;
                let token = w.token("verifikator@contoh.id").await;
                let f = w
                    .call(Method::POST, "/api/v1/reports", None, Some(road_report("Jalan rusak untuk uji acak")))
                    .await;
                let t = f.body["tracking"].as_str().expect("tracking").to_string();
                (w, token, t)
            });
            (rt, w, token, tracking)
        })
    }

    /// JSON-ish bodies: fragments of real requests, mangled.
    fn body() -> impl Strategy<Value = String> {
        let field = prop_oneof![
            Just("action"),
            Just("version"),
            Just("title"),
            Just("description"),
            Just("units"),
            Just("stars"),
            Just("region"),
            Just("lat"),
            Just("long"),
            Just("attachments"),
            Just("reporter"),
            Just("instansi"),
        ];
        let value = prop_oneof![
            Just("\"verify\"".to_string()),
            Just("\"dispose\"".to_string()),
            Just("\"rate\"".to_string()),
            Just("1".to_string()),
            Just("-9223372036854775808".to_string()),
            Just("1e400".to_string()),
            Just("null".to_string()),
            Just("[]".to_string()),
            Just("{}".to_string()),
            Just("\"\\u0000\"".to_string()),
            "\"[^\"\\\\]{0,40}\"".prop_map(|s| s),
            any::<f64>().prop_map(|f| f.to_string()),
        ];
        prop_oneof![
            prop::collection::vec((field, value), 0..6).prop_map(|kv| {
                let inner: Vec<String> = kv.into_iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                format!("{{{}}}", inner.join(","))
            }),
            ".{0,60}",
            // Form bodies, as Open311 clients send them.
            prop::collection::vec(("[a-z_\\[\\]]{1,12}", "[^&]{0,20}"), 0..6)
                .prop_map(|kv| { kv.into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&") }),
        ]
    }

    fn path(tracking: &str) -> impl Strategy<Value = String> {
        let t = tracking.to_string();
        prop_oneof![
            Just("/api/v1/reports".to_string()),
            Just(format!("/api/v1/reports/{t}/actions")),
            Just("/api/v1/reports/%FF%00/actions".to_string()),
            Just("/api/v1/auth/token".to_string()),
            Just("/api/v1/keys".to_string()),
            "[a-z0-9%/?=&.-]{0,30}".prop_map(|s| format!("/api/v1/{s}")),
            "[a-z=&%0-9,-]{0,40}".prop_map(|q| format!("/api/v1/reports?{q}")),
            Just("/open311/v2/requests.json".to_string()),
            Just("/open311/v2/requests.xml".to_string()),
            Just("/open311/v2/servicerequestupdates.json".to_string()),
            Just(format!("/open311/v2/requests/{t}.json")),
            "[a-z_=&%0-9:.+,-]{0,60}".prop_map(|q| format!("/open311/v2/requests.json?{q}")),
            "[a-z_=&%0-9:.+,-]{0,60}".prop_map(|q| format!("/open311/v2/servicerequestupdates.xml?{q}")),
            "[a-z0-9%/?=&._-]{0,30}".prop_map(|s| format!("/open311/v2/{s}")),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        #[test]
        fn no_request_gets_a_server_error(
            p in path(&world().3),
            b in body(),
            post in any::<bool>(),
            json in any::<bool>(),
            signed in any::<bool>(),
        ) {
            let (rt, w, token, _) = world();
            let mut req = Request::builder().method(if post { Method::POST } else { Method::GET }).uri(p.as_str());
            if json {
                req = req.header("content-type", "application/json");
            } else if post {
                req = req.header("content-type", "application/x-www-form-urlencoded");
            }
            if signed {
                req = req.header("authorization", format!("Bearer {token}"));
            }
            let Ok(req) = req.body(Body::from(b.clone())) else { return Ok(()) };
            let r = rt.block_on(w.send(req));
            prop_assert!(r.status.as_u16() < 500, "{p} {b:?} → {} {}", r.status, r.text);
        }
    }
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let w = World::new("headers").await;
    for path in
        ["/api/v1/reports", "/api/v1/openapi.json", "/api/v1/tidak-ada", "/open311/v2/services.json", "/healthz"]
    {
        let r = w.call(Method::GET, path, None, None).await;
        assert_eq!(r.headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(r.headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(r.headers["x-frame-options"], "DENY", "{path}");
        let csp = r.headers["content-security-policy"].to_str().expect("csp");
        assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    }
    // A page with its own policy keeps it.
    let docs = w.call(Method::GET, "/api/docs", None, None).await;
    let csp = docs.headers["content-security-policy"].to_str().expect("csp");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert_eq!(docs.headers.get_all("content-security-policy").iter().count(), 1);
}

#[tokio::test]
async fn an_upload_that_is_not_multipart_is_a_problem() {
    let w = World::new("upload-not-multipart").await;
    let r = w.call(Method::POST, "/api/v1/uploads", None, Some(json!({"file": "foto"}))).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.text);
    assert_eq!(r.headers["content-type"], "application/problem+json");
}
