//! The queue deadline and the overdue mark kept on each report row (migration 0008) are
//! what the domain derives from the report's clocks: as the store writes them, and as the
//! migration fills them in from the clocks of a database that had none.

use aduan_store::Store;
use aduan_store::conformance::{Fixture, queue_columns_of, updates_of};
use aduan_store_postgres::{PgStore, scratch};
use sqlx::{Connection, PgConnection};
use std::sync::Arc;

type Columns = Vec<(i64, i64, Option<String>, bool)>;

async fn stored(raw: &mut PgConnection) -> Columns {
    sqlx::query_as(
        "SELECT id, (EXTRACT(EPOCH FROM queue_due_at) * 1000000)::bigint, queue_due_zone, marked_overdue FROM reports \
         ORDER BY id",
    )
    .fetch_all(raw)
    .await
    .expect("columns")
}

#[tokio::test]
async fn queue_columns_follow_the_clocks_when_written_and_when_backfilled() {
    let Some(server) = scratch::test_server() else { return };
    let name = "aduan_test_queue_columns";
    scratch::recreate(&server, name).await.expect("database");
    let url = scratch::database_url(&server, name);
    let store: Arc<dyn Store> = Arc::new(PgStore::connect(&url).await.expect("connect"));
    let f = Fixture::new(store).await;
    let want = queue_columns_of(&f.reports_in_every_clock_state().await);
    assert!(want.iter().any(|r| r.3) && want.iter().any(|r| r.2.is_some()) && want.iter().any(|r| r.2.is_none()));
    let mut raw = PgConnection::connect(&url).await.expect("raw");
    assert_eq!(stored(&mut raw).await, want, "as written");

    sqlx::query(
        "UPDATE reports SET queue_due_at = '9999-12-31 23:59:59+00', queue_due_zone = NULL, marked_overdue = false",
    )
    .execute(&mut raw)
    .await
    .expect("reset");
    let statements = updates_of(include_str!("../migrations/0008_queue_deadline.sql"));
    assert_eq!(statements.len(), 2);
    for sql in statements {
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut raw).await.expect("backfill");
    }
    assert_eq!(stored(&mut raw).await, want, "as backfilled");
    raw.close().await.expect("close");
    f.store.close().await;
    scratch::drop_database(&server, name).await.expect("drop");
}
