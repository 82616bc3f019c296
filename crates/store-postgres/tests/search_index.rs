//! A search index written before migration 0010 (no filing months) is rebuilt at start-up:
//! the migration leaves a task, the store runs it, and searches within dates find what
//! they found before.

use aduan_store::Store;
use aduan_store::conformance::{Fixture, a_dated_search, listed};
use aduan_store_postgres::{PgStore, scratch};
use sqlx::{Connection, PgConnection};
use std::sync::Arc;

#[tokio::test]
async fn the_search_index_is_rebuilt_after_the_migration() {
    let Some(server) = scratch::test_server() else { return };
    let name = "aduan_test_search_index";
    scratch::recreate(&server, name).await.expect("database");
    let url = scratch::database_url(&server, name);
    let store: Arc<dyn Store> = Arc::new(PgStore::connect(&url).await.expect("connect"));
    let f = Fixture::new(store.clone()).await;
    let (filter, want) = a_dated_search(&f).await;
    assert_eq!(listed(&store, &filter).await, want, "as written with each report");

    let mut raw = PgConnection::connect(&url).await.expect("raw");
    sqlx::query("UPDATE reports SET search = ''::tsvector").execute(&mut raw).await.expect("wipe");
    assert!(listed(&store, &filter).await.is_empty(), "the index is gone");
    sqlx::raw_sql(include_str!("../migrations/0010_search_months.sql")).execute(&mut raw).await.expect("task");
    store.migrate().await.expect("start-up");
    assert_eq!(listed(&store, &filter).await, want, "as rebuilt");
    let left: Vec<(String,)> = sqlx::query_as("SELECT name FROM store_tasks").fetch_all(&mut raw).await.expect("tasks");
    assert!(left.is_empty(), "the task is done: {left:?}");
}
