//! Answer templates.

use aduan_domain::ids::{CategoryId, OrgId, TemplateId};
use aduan_domain::template::{AnswerTemplate, NewAnswerTemplate};
use aduan_domain::text::Text;
use aduan_domain::time::Timestamp;
use aduan_store::{StoreError, StoreResult};
use sqlx::PgPool;

#[derive(sqlx::FromRow)]
struct TemplateRow {
    id: i64,
    org_id: i64,
    category_id: Option<i64>,
    title: String,
    body: String,
    active: bool,
    updated_at: Timestamp,
}

impl From<TemplateRow> for AnswerTemplate {
    fn from(r: TemplateRow) -> Self {
        AnswerTemplate {
            id: TemplateId(r.id),
            org: OrgId(r.org_id),
            category: r.category_id.map(CategoryId),
            title: r.title,
            body: Text::trusted(r.body),
            active: r.active,
            updated_at: r.updated_at,
        }
    }
}

pub async fn create(pool: &PgPool, t: &NewAnswerTemplate, now: Timestamp) -> StoreResult<TemplateId> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO answer_templates (org_id, category_id, title, body, active, updated_at) \
         VALUES ($1, $2, $3, $4, true, $5) RETURNING id",
    )
    .bind(t.org.0)
    .bind(t.category.map(|c| c.0))
    .bind(&t.title)
    .bind(t.body.as_str())
    .bind(now)
    .fetch_one(pool)
    .await?;
    Ok(TemplateId(id))
}

pub async fn update(pool: &PgPool, t: &AnswerTemplate) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE answer_templates SET org_id = $1, category_id = $2, title = $3, body = $4, active = $5, \
         updated_at = $6 WHERE id = $7",
    )
    .bind(t.org.0)
    .bind(t.category.map(|c| c.0))
    .bind(&t.title)
    .bind(t.body.as_str())
    .bind(t.active)
    .bind(t.updated_at)
    .bind(t.id.0)
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("answer template {}", t.id)));
    }
    Ok(())
}

pub async fn all(pool: &PgPool) -> StoreResult<Vec<AnswerTemplate>> {
    let rows: Vec<TemplateRow> = sqlx::query_as(
        "SELECT id, org_id, category_id, title, body, active, updated_at FROM answer_templates \
         ORDER BY org_id, category_id NULLS FIRST, title, id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(AnswerTemplate::from).collect())
}
