//! Organisations, people and role assignments.

use aduan_domain::ids::{AssignmentId, OrgId, PersonId};
use aduan_domain::org::{NewOrganisation, OrgKind, Organisation};
use aduan_domain::person::{Email, Locale, NewPerson, Person, Phone, Role, RoleAssignment};
use aduan_domain::region::RegionCode;
use aduan_domain::time::Timestamp;
use aduan_store::codec::{checked, from_json_value, parse};
use aduan_store::{StoreError, StoreResult};
use sqlx::types::Json;
use sqlx::{PgPool, Postgres, Transaction};
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
    contact: serde_json::Value,
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
            contact: from_json_value("contact", self.contact)?,
        })
    }
}

pub async fn create_organisations(
    tx: &mut Transaction<'_, Postgres>,
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
                    let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM organisations WHERE code = $1")
                        .bind(code)
                        .fetch_optional(&mut **tx)
                        .await?;
                    found.map(|(id,)| id).ok_or_else(|| StoreError::Invalid(format!("no organisation {code}")))?
                }
            }),
        };
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO organisations (code, name, kind, parent_id, region_code, zone, screens_own_reports, contact) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(&o.code)
        .bind(&o.name)
        .bind(o.kind.as_str())
        .bind(parent)
        .bind(o.region.as_ref().map(|r| r.as_str()))
        .bind(o.zone.abbreviation())
        .bind(o.screens_own_reports)
        .bind(Json(&o.contact))
        .fetch_one(&mut **tx)
        .await?;
        known.insert(o.code.clone(), id);
        ids.push(OrgId(id));
    }
    Ok(ids)
}

pub async fn update_organisation(pool: &PgPool, o: &Organisation) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE organisations SET name = $1, kind = $2, parent_id = $3, region_code = $4, zone = $5, active = $6, \
         screens_own_reports = $7, contact = $8 WHERE id = $9",
    )
    .bind(&o.name)
    .bind(o.kind.as_str())
    .bind(o.parent.map(|p| p.0))
    .bind(o.region.as_ref().map(|r| r.as_str()))
    .bind(o.zone.abbreviation())
    .bind(o.active)
    .bind(o.screens_own_reports)
    .bind(Json(&o.contact))
    .bind(o.id.0)
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("organisation {}", o.id)));
    }
    Ok(())
}

pub async fn organisations(pool: &PgPool) -> StoreResult<Vec<Organisation>> {
    let rows: Vec<OrgRow> = sqlx::query_as(
        "SELECT id, code, name, kind, parent_id, region_code, zone, active, screens_own_reports, contact \
         FROM organisations ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
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
    created_at: Timestamp,
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
            created_at: self.created_at,
        })
    }
}

pub async fn create_person(pool: &PgPool, p: &NewPerson, now: Timestamp) -> StoreResult<PersonId> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO people (display_name, email, phone, locale, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(&p.display_name)
    .bind(p.email.as_ref().map(|e| e.as_str()))
    .bind(p.phone.as_ref().map(|e| e.as_str()))
    .bind(p.locale.as_str())
    .bind(&p.password_hash)
    .bind(now)
    .fetch_one(pool)
    .await?;
    Ok(PersonId(id))
}

pub enum PersonKey<'a> {
    Id(PersonId),
    Email(&'a Email),
}

/// The person query, as a literal so its variants stay `&'static str`.
macro_rules! select_person {
    ($where:literal) => {
        concat!("SELECT id, display_name, email, phone, locale, active, created_at FROM people WHERE ", $where)
    };
}

pub async fn person(pool: &PgPool, key: PersonKey<'_>) -> StoreResult<Option<Person>> {
    let row: Option<PersonRow> = match key {
        PersonKey::Id(id) => sqlx::query_as(select_person!("id = $1")).bind(id.0).fetch_optional(pool).await?,
        PersonKey::Email(e) => {
            sqlx::query_as(select_person!("email = $1")).bind(e.as_str()).fetch_optional(pool).await?
        }
    };
    row.map(PersonRow::into_person).transpose()
}

pub async fn grant(
    pool: &PgPool,
    person: PersonId,
    role: Role,
    org: OrgId,
    now: Timestamp,
) -> StoreResult<AssignmentId> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO role_assignments (person_id, role, org_id, granted_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(person.0)
    .bind(role.as_str())
    .bind(org.0)
    .bind(now)
    .fetch_one(pool)
    .await?;
    Ok(AssignmentId(id))
}

#[derive(sqlx::FromRow)]
pub(crate) struct AssignmentRow {
    pub id: i64,
    pub person_id: i64,
    pub role: String,
    pub org_id: i64,
    pub granted_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

impl AssignmentRow {
    pub(crate) fn into_assignment(self) -> StoreResult<RoleAssignment> {
        Ok(RoleAssignment {
            id: AssignmentId(self.id),
            person: PersonId(self.person_id),
            role: parse("role", &self.role, Role::parse)?,
            org: OrgId(self.org_id),
            granted_at: self.granted_at,
            revoked_at: self.revoked_at,
        })
    }
}

pub async fn assignments(pool: &PgPool, person: PersonId) -> StoreResult<Vec<RoleAssignment>> {
    let rows: Vec<AssignmentRow> = sqlx::query_as(
        "SELECT id, person_id, role, org_id, granted_at, revoked_at FROM role_assignments \
         WHERE person_id = $1 ORDER BY id",
    )
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
    granted_at: Timestamp,
    #[sqlx(flatten)]
    person: PersonRow,
}

pub async fn staff_of(pool: &PgPool, orgs: &[OrgId]) -> StoreResult<Vec<(Person, RoleAssignment)>> {
    let org_ids: Vec<i64> = orgs.iter().map(|o| o.0).collect();
    let rows: Vec<StaffRow> = sqlx::query_as(
        "SELECT a.id AS a_id, a.role, a.org_id, a.granted_at, p.id, p.display_name, p.email, p.phone, p.locale, \
         p.active, p.created_at FROM role_assignments a JOIN people p ON p.id = a.person_id \
         WHERE a.revoked_at IS NULL AND a.org_id = ANY($1) ORDER BY p.id, a.id",
    )
    .bind(org_ids)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            let assignment = AssignmentRow {
                id: row.a_id,
                person_id: row.person.id,
                role: row.role,
                org_id: row.org_id,
                granted_at: row.granted_at,
                revoked_at: None,
            }
            .into_assignment()?;
            Ok((row.person.into_person()?, assignment))
        })
        .collect()
}
