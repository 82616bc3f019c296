//! Throwaway PostgreSQL databases for tests: each test gets a database of its own,
//! cloned from a template that was migrated once (cloning is much faster than migrating).

use aduan_store::Store;
use aduan_store_postgres::{PgConnectOptions, PgOptions, PgStore, scratch};
use sqlx::{Connection, PgConnection};
use std::str::FromStr;
use std::sync::Arc;

/// Serialises creating and cloning databases across the test threads and processes:
/// `CREATE DATABASE … TEMPLATE` fails while anyone else is connected to the template.
const LOCK_KEY: i64 = 0x6164_7561_6e5f_6462; // "aduan_db"

/// A store on a fresh, migrated, empty database for `test`; `None` (skip) when no
/// server is configured, except in CI, where nothing may be skipped.
pub async fn fresh_store(test: &str) -> Option<Arc<dyn Store>> {
    let url = scratch::test_server()?;
    let server = PgConnectOptions::from_str(&url).unwrap_or_else(|e| panic!("{}: {e}", scratch::TEST_URL_VAR));
    let db = database_name(test);
    let mut admin = PgConnection::connect_with(&server).await.unwrap_or_else(|e| panic!("connect to {url}: {e}"));
    sqlx::query("SELECT pg_advisory_lock($1)").bind(LOCK_KEY).execute(&mut admin).await.expect("lock");
    // A panic below drops the connection, which ends the session and frees the lock.
    let template = ensure_template(&mut admin, &server).await;
    execute(&mut admin, format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)")).await;
    execute(&mut admin, format!("CREATE DATABASE \"{db}\" TEMPLATE \"{template}\"")).await;
    sqlx::query("SELECT pg_advisory_unlock($1)").bind(LOCK_KEY).execute(&mut admin).await.expect("unlock");
    admin.close().await.expect("close");
    let options = PgOptions { max_connections: 4, ..PgOptions::default() };
    let store = PgStore::connect_with(server.database(&db), options).await.expect("connect to the test database");
    Some(Arc::new(store))
}

/// The migrated template for the current migrations, created if missing. It is built
/// under another name and renamed when complete, so a crash never leaves a half-made one.
async fn ensure_template(admin: &mut PgConnection, server: &PgConnectOptions) -> String {
    let template = format!("aduan_tpl_{}", migrations_hash());
    let (exists,): (bool,) = sqlx::query_as("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(&template)
        .fetch_one(&mut *admin)
        .await
        .expect("look for the template");
    if !exists {
        let building = format!("{template}_building");
        execute(admin, format!("DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)")).await;
        execute(admin, format!("CREATE DATABASE \"{building}\"")).await;
        let options = PgOptions { max_connections: 1, ..PgOptions::default() };
        let store = PgStore::connect_with(server.clone().database(&building), options).await.expect("connect");
        store.migrate().await.expect("migrate the template");
        store.close().await;
        execute(admin, format!("ALTER DATABASE \"{building}\" RENAME TO \"{template}\"")).await;
    }
    template
}

/// A short hash of the migrations (sqlx's checksums of their contents): a changed
/// migration gets a template of its own.
fn migrations_hash() -> String {
    let migrator = sqlx::migrate!("./migrations");
    // FNV-1a: stable across Rust versions, unlike the standard hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for m in migrator.iter() {
        for b in m.version.to_le_bytes().iter().chain(m.checksum.iter()) {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{:012x}", h >> 16)
}

/// `aduan_test_<test>`, within PostgreSQL's 63-byte limit for names.
fn database_name(test: &str) -> String {
    scratch::database_name("aduan_test_", &test[..test.len().min(52)]).expect("test name")
}

async fn execute(admin: &mut PgConnection, sql: String) {
    scratch::execute(admin, sql.clone()).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}
