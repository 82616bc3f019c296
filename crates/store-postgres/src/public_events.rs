//! The published events of many reports in a period (Open311's `servicerequestupdates`).

use aduan_domain::event::{Event, EventActor, Visibility};
use aduan_domain::ids::{OrgId, PersonId, ReportId};
use aduan_domain::person::Role;
use aduan_domain::status::Status;
use aduan_domain::time::Timestamp;
use aduan_store::codec::{from_json_value, parse, parse_opt};
use aduan_store::{Scope, StoreResult};
use sqlx::{PgPool, Postgres, QueryBuilder};

#[derive(sqlx::FromRow)]
struct Row {
    report_id: i64,
    seq: i64,
    at: Timestamp,
    actor_person: Option<i64>,
    actor_org: Option<i64>,
    actor_role: Option<String>,
    from_status: Option<String>,
    to_status: String,
    visibility: String,
    data: serde_json::Value,
}

impl Row {
    fn into_event(self) -> StoreResult<Event> {
        Ok(Event {
            report: ReportId(self.report_id),
            seq: self.seq,
            at: self.at,
            actor: EventActor {
                person: self.actor_person.map(PersonId),
                org: self.actor_org.map(OrgId),
                role: parse_opt("actor_role", self.actor_role.as_deref(), Role::parse)?,
            },
            from: parse_opt("from_status", self.from_status.as_deref(), Status::parse)?,
            to: parse("to_status", &self.to_status, Status::parse)?,
            kind: from_json_value("data", self.data)?,
            visibility: parse("visibility", &self.visibility, Visibility::parse)?,
        })
    }
}

pub async fn between(
    pool: &PgPool,
    scope: &Scope,
    from: Timestamp,
    before: Timestamp,
    limit: u32,
) -> StoreResult<Vec<Event>> {
    // The partial index on public events walks the period in order; each event's report is
    // then checked against the scope.
    let mut q = QueryBuilder::<Postgres>::new(
        "SELECT e.report_id, e.seq, e.at, e.actor_person, e.actor_org, e.actor_role, e.from_status, e.to_status, \
         e.visibility, e.data FROM events e JOIN reports r ON r.id = e.report_id \
         WHERE e.visibility = 'public' AND NOT r.confidential AND e.at >= ",
    );
    q.push_bind(from).push(" AND e.at < ").push_bind(before);
    match scope {
        Scope::All => {}
        Scope::Public => {
            let verified: Vec<&str> = Status::ALL.into_iter().filter(|s| s.is_verified()).map(Status::as_str).collect();
            q.push(" AND r.status = ANY(").push_bind(verified).push(")");
        }
        Scope::Within(org) => {
            q.push(" AND EXISTS (SELECT 1 FROM report_reach x WHERE x.report_id = r.id AND x.org_id = ");
            q.push_bind(org.0).push(")");
        }
        Scope::Reporter(p) => {
            q.push(" AND r.reporter_person_id = ").push_bind(p.0);
        }
    }
    q.push(" ORDER BY e.at, e.report_id, e.seq LIMIT ").push_bind(i64::from(limit));
    let rows: Vec<Row> = q.build_query_as().fetch_all(pool).await?;
    rows.into_iter().map(Row::into_event).collect()
}
