//! Opening the store named by the database URL.

use aduan_store::Store;
use aduan_store_postgres::PgStore;
use aduan_store_sqlite::SqliteStore;
use anyhow::Context;
use std::sync::Arc;

pub async fn open(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    let store: Arc<dyn Store> = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Arc::new(PgStore::connect(url).await.context("cannot connect to PostgreSQL")?)
    } else if url.starts_with("sqlite:") {
        Arc::new(SqliteStore::connect(url).await.context("cannot open the SQLite database")?)
    } else {
        anyhow::bail!("unsupported database URL {url:?}: use postgres://… or sqlite:PATH");
    };
    Ok(store)
}

/// Opens the store and applies pending migrations.
pub async fn open_migrated(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    let store = open(url).await?;
    store.migrate().await.context("cannot migrate the database")?;
    Ok(store)
}
