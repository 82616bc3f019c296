//! Organisations, people and role assignments.

use crate::time::{micros, ts, ts_opt};
use aduan_domain::ids::{AssignmentId, OrgId, PersonId};
use aduan_domain::org::{NewOrganisation, OrgKind, Organisation};
use aduan_domain::person::{Email, Locale, NewPerson, Person, Phone, Role, RoleAssignment};
use aduan_domain::region::RegionCode;
use aduan_store::codec::{checked, from_json, parse, to_json};
use aduan_store::{StoreError, StoreResult};
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};
use std::collections::HashMap;

#[derive(sqlx::FromRow)]
struct OrgRow {
    id: i64,
    code: String,
    name: String,
    kind: String,
    parent_id: Option<i64>,
    region_code: Option<String>,
    zone: String,
    active: bool,
    screens_own_reports: bool,
    contact: String,
}

impl OrgRow {
    fn into_org(self) -> StoreResult<Organisation> {
        Ok(Organisation {
            id: OrgId(self.id),
            code: self.code,
            name: self.name,
            kind: parse("kind", &self.kind, OrgKind::parse)?,
            parent: self.parent_id.map(OrgId),
            region: self.region_code.map(|c| checked("region_code", RegionCode::parse(&c))).transpose()?,
            zone: checked("zone", self.zone.parse())?,
            active: self.active,
            screens_own_reports: self.screens_own_reports,
            contact: from_json("contact", &self.contact)?,
        })
    }
}

pub async fn create_organisations(
    tx: &mut Transaction<'_, Sqlite>,
    orgs: &[NewOrganisation],
) -> StoreResult<Vec<OrgId>> {
    let mut known: HashMap<String, i64> = HashMap::new();
    let mut ids = Vec::with_capacity(orgs.len());
    for o in orgs {
        let parent = match &o.parent_code {
            None => None,
            Some(code) => Some(match known.get(code) {
                Some(id) => *id,
                None => {
                    let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM organisations WHERE code = ?")
                        .bind(code)
                        .fetch_optional(&mut **tx)
                        .await?;
                    found.map(|(id,)| id).ok_or_else(|| StoreError::Invalid(format!("no organisation {code}")))?
                }
            }),
        };
        let done = sqlx::query(
            "INSERT INTO organisations (code, name, kind, parent_id, region_code, zone, active, screens_own_reports, contact) \
             VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
        )
        .bind(&o.code)
        .bind(&o.name)
        .bind(o.kind.as_str())
        .bind(parent)
        .bind(o.region.as_ref().map(|r| r.as_str().to_string()))
        .bind(o.zone.abbreviation())
        .bind(o.screens_own_reports)
        .bind(to_json(&o.contact)?)
        .execute(&mut **tx)
        .await?;
        let id = done.last_insert_rowid();
        known.insert(o.code.clone(), id);
        ids.push(OrgId(id));
    }
    Ok(ids)
}

pub async fn update_organisation(pool: &SqlitePool, o: &Organisation) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE organisations SET name = ?, kind = ?, parent_id = ?, region_code = ?, zone = ?, active = ?, \
         screens_own_reports = ?, contact = ? WHERE id = ?",
    )
    .bind(&o.name)
    .bind(o.kind.as_str())
    .bind(o.parent.map(|p| p.0))
    .bind(o.region.as_ref().map(|r| r.as_str().to_string()))
    .bind(o.zone.abbreviation())
    .bind(o.active)
    .bind(o.screens_own_reports)
    .bind(to_json(&o.contact)?)
    .bind(o.id.0)
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("organisation {}", o.id)));
    }
    Ok(())
}

pub async fn organisations(pool: &SqlitePool) -> StoreResult<Vec<Organisation>> {
    let rows: Vec<OrgRow> = sqlx::query_as("SELECT * FROM organisations ORDER BY id").fetch_all(pool).await?;
    rows.into_iter().map(OrgRow::into_org).collect()
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: i64,
    display_name: String,
    email: Option<String>,
    phone: Option<String>,
    locale: String,
    active: bool,
    created_at: i64,
}

impl PersonRow {
    fn into_person(self) -> StoreResult<Person> {
        Ok(Person {
            id: PersonId(self.id),
            display_name: self.display_name,
            email: self.email.map(|e| checked("email", Email::parse(&e))).transpose()?,
            phone: self.phone.map(|p| checked("phone", Phone::parse(&p))).transpose()?,
            locale: parse("locale", &self.locale, Locale::parse)?,
            active: self.active,
            created_at: ts("created_at", self.created_at)?,
        })
    }
}

const PERSON_COLUMNS: &str = "id, display_name, email, phone, locale, active, created_at";

pub async fn create_person(
    pool: &SqlitePool,
    p: &NewPerson,
    now: aduan_domain::time::Timestamp,
) -> StoreResult<PersonId> {
    let done = sqlx::query(
        "INSERT INTO people (display_name, email, phone, locale, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(&p.display_name)
    .bind(p.email.as_ref().map(|e| e.as_str().to_string()))
    .bind(p.phone.as_ref().map(|e| e.as_str().to_string()))
    .bind(p.locale.as_str())
    .bind(&p.password_hash)
    .bind(micros(now))
    .execute(pool)
    .await?;
    Ok(PersonId(done.last_insert_rowid()))
}

pub async fn person(pool: &SqlitePool, column: &str, value: PersonKey<'_>) -> StoreResult<Option<Person>> {
    let sql = format!("SELECT {PERSON_COLUMNS} FROM people WHERE {column} = ?");
    // Only the column name varies, and it comes from this module.
    let q = sqlx::query_as::<_, PersonRow>(sqlx::AssertSqlSafe(sql));
    let row = match value {
        PersonKey::Id(id) => q.bind(id.0).fetch_optional(pool).await?,
        PersonKey::Email(e) => q.bind(e.as_str().to_string()).fetch_optional(pool).await?,
    };
    row.map(PersonRow::into_person).transpose()
}

pub enum PersonKey<'a> {
    Id(PersonId),
    Email(&'a Email),
}

pub async fn grant(
    conn: &mut SqliteConnection,
    person: PersonId,
    role: Role,
    org: OrgId,
    now: i64,
) -> StoreResult<AssignmentId> {
    let done = sqlx::query("INSERT INTO role_assignments (person_id, role, org_id, granted_at) VALUES (?, ?, ?, ?)")
        .bind(person.0)
        .bind(role.as_str())
        .bind(org.0)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(AssignmentId(done.last_insert_rowid()))
}

#[derive(sqlx::FromRow)]
pub(crate) struct AssignmentRow {
    pub id: i64,
    pub person_id: i64,
    pub role: String,
    pub org_id: i64,
    pub granted_at: i64,
    pub revoked_at: Option<i64>,
}

impl AssignmentRow {
    pub(crate) fn into_assignment(self) -> StoreResult<RoleAssignment> {
        Ok(RoleAssignment {
            id: AssignmentId(self.id),
            person: PersonId(self.person_id),
            role: parse("role", &self.role, Role::parse)?,
            org: OrgId(self.org_id),
            granted_at: ts("granted_at", self.granted_at)?,
            revoked_at: ts_opt("revoked_at", self.revoked_at)?,
        })
    }
}

pub async fn assignments(pool: &SqlitePool, person: PersonId) -> StoreResult<Vec<RoleAssignment>> {
    let rows: Vec<AssignmentRow> = sqlx::query_as("SELECT * FROM role_assignments WHERE person_id = ? ORDER BY id")
        .bind(person.0)
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(AssignmentRow::into_assignment).collect()
}

#[derive(sqlx::FromRow)]
struct StaffRow {
    a_id: i64,
    role: String,
    org_id: i64,
    granted_at: i64,
    #[sqlx(flatten)]
    person: PersonRow,
}

pub async fn staff_of(pool: &SqlitePool, orgs: &[OrgId]) -> StoreResult<Vec<(Person, RoleAssignment)>> {
    let mut out = Vec::new();
    for chunk in orgs.chunks(500) {
        let mut q = sqlx::QueryBuilder::<Sqlite>::new(
            "SELECT a.id AS a_id, a.role, a.org_id, a.granted_at, p.id, p.display_name, p.email, p.phone, p.locale, \
             p.active, p.created_at FROM role_assignments a JOIN people p ON p.id = a.person_id \
             WHERE a.revoked_at IS NULL AND a.org_id IN (",
        );
        let mut list = q.separated(", ");
        for o in chunk {
            list.push_bind(o.0);
        }
        q.push(") ORDER BY p.id, a.id");
        let rows: Vec<StaffRow> = q.build_query_as().fetch_all(pool).await?;
        for row in rows {
            let assignment = AssignmentRow {
                id: row.a_id,
                person_id: row.person.id,
                role: row.role,
                org_id: row.org_id,
                granted_at: row.granted_at,
                revoked_at: None,
            }
            .into_assignment()?;
            out.push((row.person.into_person()?, assignment));
        }
    }
    Ok(out)
}
