//! The timeline is append-only in the database itself, not only by convention: even SQL
//! written by hand cannot change or remove an event.

use aduan_store::Store;
use aduan_store::conformance::{Fixture, t0};
use aduan_store_sqlite::SqliteStore;
use sqlx::Connection;
use std::path::PathBuf;
use std::sync::Arc;

#[tokio::test]
async fn events_cannot_be_updated_or_deleted() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("append-only");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("events.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect(&path.display().to_string()).await.expect("open"));
    let f = Fixture::new(store).await;
    let r = f.file_road("Jalan rusak di Sangatta Utara", t0()).await;
    let mut raw = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.expect("raw");
    for sql in ["UPDATE events SET data = '{}'", "DELETE FROM events"] {
        let err = sqlx::query(sql).execute(&mut raw).await.expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(f.store.events(r.id).await.expect("events").len(), 1);
}
