//! The timeline is append-only in the database itself, not only by convention: even SQL
//! written by hand cannot change, remove or truncate events.

use aduan_store::Store;
use aduan_store::conformance::{Fixture, t0};
use aduan_store_postgres::{PgStore, scratch};
use sqlx::Connection;
use std::sync::Arc;

#[tokio::test]
async fn events_cannot_be_updated_or_deleted() {
    let Some(server) = scratch::test_server() else { return };
    scratch::recreate(&server, "aduan_test_append_only").await.expect("database");
    let url = scratch::database_url(&server, "aduan_test_append_only");
    let store: Arc<dyn Store> = Arc::new(PgStore::connect(&url).await.expect("connect"));
    let f = Fixture::new(store).await;
    let r = f.file_road("Jalan rusak di Sangatta Utara", t0()).await;
    let mut raw = sqlx::PgConnection::connect(&url).await.expect("raw");
    for sql in ["UPDATE events SET data = '{}'", "DELETE FROM events", "TRUNCATE events CASCADE"] {
        let err = sqlx::query(sql).execute(&mut raw).await.expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(f.store.events(r.id).await.expect("events").len(), 1);
    raw.close().await.expect("close");
    f.store.close().await;
    scratch::drop_database(&server, "aduan_test_append_only").await.expect("drop");
}
