//! Sign-in tokens, integration keys and idempotent filing.

use super::fixture::{Fixture, day, t0};
use crate::{IdempotencyKey, Store, StoreError};
use aduan_domain::credential::{CredentialKind, KeyScope, NewCredential};
use aduan_domain::ids::CredentialId;
use aduan_domain::person::{Locale, NewPerson, Role};
use std::sync::Arc;

pub async fn credentials_round_trip_and_revoke(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let person = NewPerson {
        display_name: "Integrasi: Kutim Mengadu".into(),
        email: None,
        phone: None,
        locale: Locale::Id,
        password_hash: None,
    };
    let service = f.store.create_person(&person, t0()).await.expect("service account");
    let kutim = f.org("KAB-64.08");
    let assignment = f.store.grant_role(service, Role::Coordinator, kutim, t0()).await.expect("grant");
    let key = NewCredential {
        kind: CredentialKind::ApiKey,
        secret_hash: "a".repeat(64),
        person: service,
        assignment: Some(assignment),
        scopes: vec![KeyScope::Read, KeyScope::File],
        name: "Kutim Mengadu".into(),
        created_by: Some(f.citizen),
        created_at: t0(),
        expires_at: None,
    };
    let id = f.store.create_credential(&key).await.expect("create key");
    let token = NewCredential {
        kind: CredentialKind::Token,
        secret_hash: "b".repeat(64),
        person: f.citizen,
        assignment: None,
        scopes: vec![],
        name: "sign-in".into(),
        created_by: None,
        created_at: t0(),
        expires_at: Some(day(1)),
    };
    let token_id = f.store.create_credential(&token).await.expect("create token");
    assert_ne!(id, token_id);

    let found = f.store.credential_by_hash(&"a".repeat(64)).await.expect("by hash").expect("found");
    assert_eq!(
        (found.id, found.kind, found.person, found.assignment, found.scopes.clone(), found.name.as_str()),
        (id, CredentialKind::ApiKey, service, Some(assignment), vec![KeyScope::Read, KeyScope::File], "Kutim Mengadu")
    );
    assert_eq!(
        (found.created_by, found.created_at, found.expires_at, found.revoked_at),
        (Some(f.citizen), t0(), None, None)
    );
    let t = f.store.credential(token_id).await.expect("by id").expect("found");
    assert_eq!((t.kind, t.expires_at, t.assignment), (CredentialKind::Token, Some(day(1)), None));
    assert_eq!(f.store.credential_by_hash(&"c".repeat(64)).await.expect("unknown"), None);

    let keys = f.store.api_keys().await.expect("keys");
    assert_eq!(keys.len(), 1, "tokens are not keys");
    assert_eq!((keys[0].0.id, keys[0].1.org, keys[0].1.role), (id, kutim, Role::Coordinator));

    f.store.revoke_credential(id, day(2)).await.expect("revoke");
    f.store.revoke_credential(id, day(3)).await.expect("revoke again");
    let revoked = f.store.credential(id).await.expect("by id").expect("found");
    assert_eq!(revoked.revoked_at, Some(day(2)), "the first revocation time stays");
    assert!(matches!(f.store.revoke_credential(CredentialId(9_999), day(2)).await, Err(StoreError::NotFound(_))));
    let dup = f.store.create_credential(&NewCredential { name: "again".into(), ..token }).await;
    assert!(dup.is_err(), "a secret hash is unique");
}

pub async fn an_idempotency_key_files_once(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    let key = IdempotencyKey { caller: "key:7".into(), key: "req-1".into(), fingerprint: "f1".into() };
    let filing = f.filing("Lampu jalan mati di Jalan Yos Sudarso", t0());
    let first = f.store.create_report_once(&filing, &key).await.expect("first");
    assert_eq!(f.store.idempotent_report("key:7", "req-1").await.expect("lookup"), Some((first.id, "f1".to_string())));
    assert_eq!(f.store.idempotent_report("key:8", "req-1").await.expect("other caller"), None);

    let again = f.filing("Lampu jalan mati di Jalan Yos Sudarso", t0());
    let second = f.store.create_report_once(&again, &key).await;
    assert!(matches!(second, Err(StoreError::Conflict(_))), "{second:?}");
    assert!(
        f.store.report_by_tracking(&again.report.tracking).await.expect("lookup").is_none(),
        "the refused filing left nothing behind"
    );
    let other = IdempotencyKey { caller: "key:8".into(), ..key };
    f.store.create_report_once(&again, &other).await.expect("the same key of another caller is another request");
}
