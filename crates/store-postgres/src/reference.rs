//! Categories, routing rules, holiday years and deadline overrides.

use aduan_domain::calendar::{Holiday, HolidayKind};
use aduan_domain::category::{Category, NewCategory};
use aduan_domain::ids::{CategoryId, OrgId, RuleId};
use aduan_domain::region::RegionCode;
use aduan_domain::routing::{NewRoutingRule, RoutingRule};
use aduan_domain::sla::Limits;
use aduan_domain::time::Timestamp;
use aduan_store::codec::{checked, from_json_value, parse};
use aduan_store::{StoreError, StoreResult};
use chrono::{Datelike, NaiveDate};
use sqlx::types::Json;
use sqlx::{PgPool, Postgres, Transaction};
use std::collections::HashMap;

pub async fn create_categories(
    tx: &mut Transaction<'_, Postgres>,
    cats: &[NewCategory],
) -> StoreResult<Vec<CategoryId>> {
    let mut known: HashMap<String, i64> = HashMap::new();
    let mut ids = Vec::with_capacity(cats.len());
    for c in cats {
        let parent = match &c.parent_code {
            None => None,
            Some(code) => Some(match known.get(code) {
                Some(id) => *id,
                None => {
                    let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM categories WHERE code = $1")
                        .bind(code)
                        .fetch_optional(&mut **tx)
                        .await?;
                    found.map(|(id,)| id).ok_or_else(|| StoreError::Invalid(format!("no category {code}")))?
                }
            }),
        };
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO categories (code, parent_id, name_id, name_en) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(&c.code)
        .bind(parent)
        .bind(&c.name_id)
        .bind(&c.name_en)
        .fetch_one(&mut **tx)
        .await?;
        known.insert(c.code.clone(), id);
        ids.push(CategoryId(id));
    }
    Ok(ids)
}

pub async fn categories(pool: &PgPool) -> StoreResult<Vec<Category>> {
    let rows: Vec<(i64, String, Option<i64>, String, String, bool)> =
        sqlx::query_as("SELECT id, code, parent_id, name_id, name_en, active FROM categories ORDER BY id")
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, code, parent, name_id, name_en, active)| Category {
            id: CategoryId(id),
            code,
            parent: parent.map(CategoryId),
            name_id,
            name_en,
            active,
        })
        .collect())
}

pub async fn create_routing_rules(tx: &mut Transaction<'_, Postgres>, rules: &[NewRoutingRule]) -> StoreResult<()> {
    for r in rules {
        sqlx::query(
            "INSERT INTO routing_rules (category_id, region_code, instansi_id, unit_id) VALUES ($1, $2, $3, $4)",
        )
        .bind(r.category.0)
        .bind(r.region.as_ref().map(|c| c.as_str()))
        .bind(r.instansi.0)
        .bind(r.unit.map(|u| u.0))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct RuleRow {
    id: i64,
    category_id: i64,
    region_code: Option<String>,
    instansi_id: i64,
    unit_id: Option<i64>,
}

pub async fn routing_rules(pool: &PgPool) -> StoreResult<Vec<RoutingRule>> {
    let rows: Vec<RuleRow> =
        sqlx::query_as("SELECT id, category_id, region_code, instansi_id, unit_id FROM routing_rules ORDER BY id")
            .fetch_all(pool)
            .await?;
    rows.into_iter()
        .map(|r| {
            Ok(RoutingRule {
                id: RuleId(r.id),
                category: CategoryId(r.category_id),
                region: r.region_code.map(|c| checked("region_code", RegionCode::parse(&c))).transpose()?,
                instansi: OrgId(r.instansi_id),
                unit: r.unit_id.map(OrgId),
            })
        })
        .collect()
}

pub async fn holiday_years(pool: &PgPool) -> StoreResult<Vec<(i32, Vec<Holiday>)>> {
    let years: Vec<(i32,)> = sqlx::query_as("SELECT year FROM holiday_years ORDER BY year").fetch_all(pool).await?;
    let rows: Vec<(NaiveDate, String, String)> =
        sqlx::query_as("SELECT date, kind, name FROM holidays ORDER BY date").fetch_all(pool).await?;
    let mut out: Vec<(i32, Vec<Holiday>)> = years.into_iter().map(|(y,)| (y, Vec::new())).collect();
    for (date, kind, name) in rows {
        let kind = parse("kind", &kind, HolidayKind::parse)?;
        if let Some((_, list)) = out.iter_mut().find(|(y, _)| *y == date.year()) {
            list.push(Holiday { date, kind, name });
        }
    }
    Ok(out)
}

pub async fn save_holiday_year(
    tx: &mut Transaction<'_, Postgres>,
    year: i32,
    holidays: &[Holiday],
    now: Timestamp,
) -> StoreResult<()> {
    if let Some(h) = holidays.iter().find(|h| h.date.year() != year) {
        return Err(StoreError::Invalid(format!("{} is not in {year}", h.date)));
    }
    sqlx::query("DELETE FROM holidays WHERE year = $1").bind(year).execute(&mut **tx).await?;
    sqlx::query(
        "INSERT INTO holiday_years (year, loaded_at) VALUES ($1, $2) \
         ON CONFLICT (year) DO UPDATE SET loaded_at = excluded.loaded_at",
    )
    .bind(year)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let dates: Vec<NaiveDate> = holidays.iter().map(|h| h.date).collect();
    let kinds: Vec<&str> = holidays.iter().map(|h| h.kind.as_str()).collect();
    let names: Vec<&str> = holidays.iter().map(|h| h.name.as_str()).collect();
    sqlx::query(
        "INSERT INTO holidays (date, year, kind, name) \
         SELECT d, $1, k, n FROM UNNEST($2::date[], $3::text[], $4::text[]) AS h (d, k, n)",
    )
    .bind(year)
    .bind(dates)
    .bind(kinds)
    .bind(names)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn sla_overrides(pool: &PgPool) -> StoreResult<HashMap<OrgId, Limits>> {
    let rows: Vec<(i64, serde_json::Value)> =
        sqlx::query_as("SELECT org_id, limits FROM sla_overrides").fetch_all(pool).await?;
    rows.into_iter().map(|(org, limits)| Ok((OrgId(org), from_json_value("limits", limits)?))).collect()
}

pub async fn set_sla_override(pool: &PgPool, org: OrgId, limits: Option<&Limits>) -> StoreResult<()> {
    match limits {
        Some(l) => {
            sqlx::query(
                "INSERT INTO sla_overrides (org_id, limits) VALUES ($1, $2) \
                 ON CONFLICT (org_id) DO UPDATE SET limits = excluded.limits",
            )
            .bind(org.0)
            .bind(Json(l))
            .execute(pool)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM sla_overrides WHERE org_id = $1").bind(org.0).execute(pool).await?;
        }
    }
    Ok(())
}
