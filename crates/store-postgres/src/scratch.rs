//! Scratch databases for tests and benchmarks: a server named by an environment
//! variable, and databases dropped and created on it by name.

use aduan_store::{StoreError, StoreResult};
use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use std::io::Write;
use std::str::FromStr;
use std::sync::Once;

/// The variable naming the PostgreSQL server tests may use.
pub const TEST_URL_VAR: &str = "ADUAN_TEST_POSTGRES_URL";

/// The test server's URL; `None` means "skip the PostgreSQL tests" — except when
/// `CI=true`, where nothing may be skipped and this panics.
pub fn test_server() -> Option<String> {
    if let Some(url) = std::env::var(TEST_URL_VAR).ok().filter(|u| !u.trim().is_empty()) {
        return Some(url);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{TEST_URL_VAR} is not set but CI=true: the PostgreSQL tests must run in CI \
             (e.g. {TEST_URL_VAR}=postgres://postgres@127.0.0.1:5432/postgres)"
        );
    }
    static SKIPPED: Once = Once::new();
    // Straight to stderr: the test harness would capture (and hide) `eprintln!`.
    SKIPPED.call_once(|| {
        let _ = writeln!(std::io::stderr(), "{TEST_URL_VAR} is not set: PostgreSQL tests are skipped");
    });
    None
}

/// A database name safe to put in DDL: letters, digits and underscores, at most 63 bytes.
pub fn database_name(prefix: &str, name: &str) -> StoreResult<String> {
    let full = format!("{prefix}{name}");
    if full.is_empty() || full.len() > 63 || !full.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(StoreError::Invalid(format!("{full:?} is not a usable database name")));
    }
    Ok(full)
}

/// Drops (disconnecting its users) and creates the database `name` on the server of
/// `server_url`; returns options to connect to it. The database is empty, not migrated.
pub async fn recreate(server_url: &str, name: &str) -> StoreResult<PgConnectOptions> {
    let name = database_name("", name)?;
    let server = PgConnectOptions::from_str(server_url)?;
    let mut admin = PgConnection::connect_with(&server).await?;
    execute(&mut admin, format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await?;
    execute(&mut admin, format!("CREATE DATABASE \"{name}\"")).await?;
    admin.close().await?;
    Ok(server.database(&name))
}

/// Runs DDL whose only variable parts passed [`database_name`].
pub async fn execute(admin: &mut PgConnection, sql: String) -> StoreResult<()> {
    sqlx::query(AssertSqlSafe(sql)).execute(admin).await?;
    Ok(())
}

/// Drops the database `name` (disconnecting its users) if it exists.
pub async fn drop_database(server_url: &str, name: &str) -> StoreResult<()> {
    let name = database_name("", name)?;
    let mut admin = PgConnection::connect_with(&PgConnectOptions::from_str(server_url)?).await?;
    execute(&mut admin, format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await?;
    admin.close().await?;
    Ok(())
}

/// The URL of database `name` on the server of `server_url` (same user, host, options).
pub fn database_url(server_url: &str, name: &str) -> String {
    let (base, query) = match server_url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (server_url, String::new()),
    };
    let authority_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[authority_end..].find('/') {
        Some(i) => &base[..authority_end + i],
        None => base,
    };
    format!("{base}/{name}{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_keep_the_server() {
        assert_eq!(
            database_url("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(database_url("postgres://h/db?sslmode=disable", "x"), "postgres://h/x?sslmode=disable");
        assert_eq!(database_url("postgres://h", "x"), "postgres://h/x");
        assert!(database_name("", "ok_name_1").is_ok());
        assert!(database_name("", "bad\"; DROP").is_err());
    }
}
