//! Sign-in tokens, integration keys and idempotency keys.

use crate::directory::AssignmentRow;
use crate::time::{micros, micros_opt, ts, ts_opt};
use aduan_domain::credential::{Credential, CredentialKind, NewCredential};
use aduan_domain::ids::{AssignmentId, CredentialId, PersonId, ReportId};
use aduan_domain::person::RoleAssignment;
use aduan_domain::time::Timestamp;
use aduan_store::codec::{from_json, parse, to_json};
use aduan_store::{IdempotencyKey, StoreError, StoreResult};
use sqlx::{Sqlite, SqlitePool, Transaction};

#[derive(sqlx::FromRow)]
struct CredentialRow {
    id: i64,
    kind: String,
    person_id: i64,
    assignment_id: Option<i64>,
    scopes: String,
    name: String,
    created_by: Option<i64>,
    created_at: i64,
    expires_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl CredentialRow {
    fn into_credential(self) -> StoreResult<Credential> {
        Ok(Credential {
            id: CredentialId(self.id),
            kind: parse("kind", &self.kind, CredentialKind::parse)?,
            person: PersonId(self.person_id),
            assignment: self.assignment_id.map(AssignmentId),
            scopes: from_json("scopes", &self.scopes)?,
            name: self.name,
            created_by: self.created_by.map(PersonId),
            created_at: ts("created_at", self.created_at)?,
            expires_at: ts_opt("expires_at", self.expires_at)?,
            revoked_at: ts_opt("revoked_at", self.revoked_at)?,
        })
    }
}

const COLUMNS: &str = "c.id, c.kind, c.person_id, c.assignment_id, c.scopes, c.name, c.created_by, c.created_at, c.expires_at, c.revoked_at";

pub async fn create(pool: &SqlitePool, c: &NewCredential) -> StoreResult<CredentialId> {
    let done = sqlx::query(
        "INSERT INTO credentials (kind, secret_hash, person_id, assignment_id, scopes, name, created_by, created_at, \
         expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(c.kind.as_str())
    .bind(&c.secret_hash)
    .bind(c.person.0)
    .bind(c.assignment.map(|a| a.0))
    .bind(to_json(&c.scopes)?)
    .bind(&c.name)
    .bind(c.created_by.map(|p| p.0))
    .bind(micros(c.created_at))
    .bind(micros_opt(c.expires_at))
    .execute(pool)
    .await?;
    Ok(CredentialId(done.last_insert_rowid()))
}

pub async fn by_hash(pool: &SqlitePool, secret_hash: &str) -> StoreResult<Option<Credential>> {
    let sql = format!("SELECT {COLUMNS} FROM credentials c WHERE c.secret_hash = ?");
    let row: Option<CredentialRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(secret_hash).fetch_optional(pool).await?;
    row.map(CredentialRow::into_credential).transpose()
}

pub async fn by_id(pool: &SqlitePool, id: CredentialId) -> StoreResult<Option<Credential>> {
    let sql = format!("SELECT {COLUMNS} FROM credentials c WHERE c.id = ?");
    let row: Option<CredentialRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(pool).await?;
    row.map(CredentialRow::into_credential).transpose()
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    #[sqlx(flatten)]
    credential: CredentialRow,
    a_id: i64,
    a_person_id: i64,
    role: String,
    org_id: i64,
    granted_at: i64,
    a_revoked_at: Option<i64>,
}

pub async fn api_keys(pool: &SqlitePool) -> StoreResult<Vec<(Credential, RoleAssignment)>> {
    let sql = format!(
        "SELECT {COLUMNS}, a.id AS a_id, a.person_id AS a_person_id, a.role, a.org_id, a.granted_at, \
         a.revoked_at AS a_revoked_at FROM credentials c JOIN role_assignments a ON a.id = c.assignment_id \
         WHERE c.kind = 'api_key' ORDER BY c.id"
    );
    let rows: Vec<KeyRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?;
    rows.into_iter()
        .map(|r| {
            let assignment = AssignmentRow {
                id: r.a_id,
                person_id: r.a_person_id,
                role: r.role,
                org_id: r.org_id,
                granted_at: r.granted_at,
                revoked_at: r.a_revoked_at,
            }
            .into_assignment()?;
            Ok((r.credential.into_credential()?, assignment))
        })
        .collect()
}

pub async fn revoke(pool: &SqlitePool, id: CredentialId, now: Timestamp) -> StoreResult<()> {
    let done = sqlx::query("UPDATE credentials SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?")
        .bind(micros(now))
        .bind(id.0)
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("credential {id}")));
    }
    Ok(())
}

/// Records the key in the transaction that files the report; a key taken is a conflict.
pub async fn record_idempotency(
    tx: &mut Transaction<'_, Sqlite>,
    key: &IdempotencyKey,
    report: ReportId,
    now: Timestamp,
) -> StoreResult<()> {
    let done = sqlx::query(
        "INSERT INTO idempotency_keys (caller, key, fingerprint, report_id, created_at) VALUES (?, ?, ?, ?, ?) \
         ON CONFLICT DO NOTHING",
    )
    .bind(&key.caller)
    .bind(&key.key)
    .bind(&key.fingerprint)
    .bind(report.0)
    .bind(micros(now))
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!("idempotency key {:?} already used", key.key)));
    }
    Ok(())
}

pub async fn idempotent_report(pool: &SqlitePool, caller: &str, key: &str) -> StoreResult<Option<(ReportId, String)>> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT report_id, fingerprint FROM idempotency_keys WHERE caller = ? AND key = ?")
            .bind(caller)
            .bind(key)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(id, f)| (ReportId(id), f)))
}
