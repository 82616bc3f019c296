//! A search index written before migration 0010 (no filing months) is rebuilt at start-up:
//! the migration leaves a task, the store runs it, and searches within dates find what
//! they found before.

use aduan_store::Store;
use aduan_store::conformance::{Fixture, a_dated_search, listed};
use aduan_store_sqlite::SqliteStore;
use sqlx::{Connection, SqliteConnection};
use std::path::PathBuf;
use std::sync::Arc;

#[tokio::test]
async fn the_search_index_is_rebuilt_after_the_migration() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("search-index");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("search.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect(&path.display().to_string()).await.expect("open"));
    let f = Fixture::new(store.clone()).await;
    let (filter, want) = a_dated_search(&f).await;
    assert_eq!(listed(&store, &filter).await, want, "as written with each report");

    let mut raw = SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.expect("raw");
    sqlx::query("DELETE FROM report_text").execute(&mut raw).await.expect("wipe");
    assert!(listed(&store, &filter).await.is_empty(), "the index is gone");
    sqlx::raw_sql(include_str!("../migrations/0010_search_months.sql")).execute(&mut raw).await.expect("task");
    store.migrate().await.expect("start-up");
    assert_eq!(listed(&store, &filter).await, want, "as rebuilt");
    let left: Vec<(String,)> = sqlx::query_as("SELECT name FROM store_tasks").fetch_all(&mut raw).await.expect("tasks");
    assert!(left.is_empty(), "the task is done: {left:?}");
}
