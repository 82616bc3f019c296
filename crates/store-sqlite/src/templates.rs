//! Answer templates.

use crate::time::{micros, ts};
use aduan_domain::ids::{CategoryId, OrgId, TemplateId};
use aduan_domain::template::{AnswerTemplate, NewAnswerTemplate};
use aduan_domain::text::Text;
use aduan_domain::time::Timestamp;
use aduan_store::{StoreError, StoreResult};
use sqlx::SqlitePool;

#[derive(sqlx::FromRow)]
struct TemplateRow {
    id: i64,
    org_id: i64,
    category_id: Option<i64>,
    title: String,
    body: String,
    active: bool,
    updated_at: i64,
}

impl TemplateRow {
    fn into_template(self) -> StoreResult<AnswerTemplate> {
        Ok(AnswerTemplate {
            id: TemplateId(self.id),
            org: OrgId(self.org_id),
            category: self.category_id.map(CategoryId),
            title: self.title,
            body: Text::trusted(self.body),
            active: self.active,
            updated_at: ts("updated_at", self.updated_at)?,
        })
    }
}

pub async fn create(pool: &SqlitePool, t: &NewAnswerTemplate, now: Timestamp) -> StoreResult<TemplateId> {
    let done = sqlx::query(
        "INSERT INTO answer_templates (org_id, category_id, title, body, active, updated_at) VALUES (?, ?, ?, ?, 1, ?)",
    )
    .bind(t.org.0)
    .bind(t.category.map(|c| c.0))
    .bind(&t.title)
    .bind(t.body.as_str())
    .bind(micros(now))
    .execute(pool)
    .await?;
    Ok(TemplateId(done.last_insert_rowid()))
}

pub async fn update(pool: &SqlitePool, t: &AnswerTemplate) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE answer_templates SET org_id = ?, category_id = ?, title = ?, body = ?, active = ?, updated_at = ? \
         WHERE id = ?",
    )
    .bind(t.org.0)
    .bind(t.category.map(|c| c.0))
    .bind(&t.title)
    .bind(t.body.as_str())
    .bind(t.active)
    .bind(micros(t.updated_at))
    .bind(t.id.0)
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("answer template {}", t.id)));
    }
    Ok(())
}

pub async fn all(pool: &SqlitePool) -> StoreResult<Vec<AnswerTemplate>> {
    // Titles compare as bytes (BINARY), as PostgreSQL's "C" collation does.
    let rows: Vec<TemplateRow> = sqlx::query_as(
        "SELECT id, org_id, category_id, title, body, active, updated_at FROM answer_templates \
         ORDER BY org_id, category_id NULLS FIRST, title, id",
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(TemplateRow::into_template).collect()
}
