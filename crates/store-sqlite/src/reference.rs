//! Categories, routing rules, holiday years and deadline overrides.

use crate::time::micros;
use aduan_domain::calendar::{Holiday, HolidayKind};
use aduan_domain::category::{Category, NewCategory};
use aduan_domain::ids::{CategoryId, OrgId, RuleId};
use aduan_domain::region::RegionCode;
use aduan_domain::routing::{NewRoutingRule, RoutingRule};
use aduan_domain::sla::Limits;
use aduan_domain::time::Timestamp;
use aduan_store::codec::{checked, from_json, parse, to_json};
use aduan_store::{StoreError, StoreResult};
use chrono::{Datelike, NaiveDate};
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::collections::HashMap;

pub async fn create_categories(tx: &mut Transaction<'_, Sqlite>, cats: &[NewCategory]) -> StoreResult<Vec<CategoryId>> {
    let mut known: HashMap<String, i64> = HashMap::new();
    let mut ids = Vec::new();
    for c in cats {
        let parent = match &c.parent_code {
            None => None,
            Some(code) => Some(match known.get(code) {
                Some(id) => *id,
                None => {
                    let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM categories WHERE code = ?")
                        .bind(code)
                        .fetch_optional(&mut **tx)
                        .await?;
                    found.map(|(id,)| id).ok_or_else(|| StoreError::Invalid(format!("no category {code}")))?
                }
            }),
        };
        let done = sqlx::query("INSERT INTO categories (code, parent_id, name_id, name_en) VALUES (?, ?, ?, ?)")
            .bind(&c.code)
            .bind(parent)
            .bind(&c.name_id)
            .bind(&c.name_en)
            .execute(&mut **tx)
            .await?;
        known.insert(c.code.clone(), done.last_insert_rowid());
        ids.push(CategoryId(done.last_insert_rowid()));
    }
    Ok(ids)
}

pub async fn categories(pool: &SqlitePool) -> StoreResult<Vec<Category>> {
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

pub async fn create_routing_rules(tx: &mut Transaction<'_, Sqlite>, rules: &[NewRoutingRule]) -> StoreResult<()> {
    for r in rules {
        sqlx::query("INSERT INTO routing_rules (category_id, region_code, instansi_id, unit_id) VALUES (?, ?, ?, ?)")
            .bind(r.category.0)
            .bind(r.region.as_ref().map(|c| c.as_str().to_string()))
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

pub async fn routing_rules(pool: &SqlitePool) -> StoreResult<Vec<RoutingRule>> {
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

pub async fn holiday_years(pool: &SqlitePool) -> StoreResult<Vec<(i32, Vec<Holiday>)>> {
    let years: Vec<(i64,)> = sqlx::query_as("SELECT year FROM holiday_years ORDER BY year").fetch_all(pool).await?;
    let rows: Vec<(String, i64, String, String)> =
        sqlx::query_as("SELECT date, year, kind, name FROM holidays ORDER BY date").fetch_all(pool).await?;
    let mut out: Vec<(i32, Vec<Holiday>)> = years
        .into_iter()
        .map(|(y,)| Ok((checked("year", i32::try_from(y))?, Vec::new())))
        .collect::<StoreResult<_>>()?;
    for (date, _, kind, name) in rows {
        let date = checked("date", NaiveDate::parse_from_str(&date, "%Y-%m-%d"))?;
        let kind = parse("kind", &kind, HolidayKind::parse)?;
        if let Some((_, list)) = out.iter_mut().find(|(y, _)| *y == date.year()) {
            list.push(Holiday { date, kind, name });
        }
    }
    Ok(out)
}

pub async fn save_holiday_year(
    tx: &mut Transaction<'_, Sqlite>,
    year: i32,
    holidays: &[Holiday],
    now: Timestamp,
) -> StoreResult<()> {
    if let Some(h) = holidays.iter().find(|h| h.date.year() != year) {
        return Err(StoreError::Invalid(format!("{} is not in {year}", h.date)));
    }
    sqlx::query("DELETE FROM holidays WHERE year = ?").bind(year).execute(&mut **tx).await?;
    sqlx::query("INSERT INTO holiday_years (year, loaded_at) VALUES (?, ?) ON CONFLICT (year) DO UPDATE SET loaded_at = excluded.loaded_at")
        .bind(year)
        .bind(micros(now))
        .execute(&mut **tx)
        .await?;
    for h in holidays {
        sqlx::query("INSERT INTO holidays (date, year, kind, name) VALUES (?, ?, ?, ?)")
            .bind(h.date.format("%Y-%m-%d").to_string())
            .bind(year)
            .bind(h.kind.as_str())
            .bind(&h.name)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub async fn sla_overrides(pool: &SqlitePool) -> StoreResult<HashMap<OrgId, Limits>> {
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT org_id, limits FROM sla_overrides").fetch_all(pool).await?;
    rows.into_iter().map(|(org, limits)| Ok((OrgId(org), from_json("limits", &limits)?))).collect()
}

pub async fn set_sla_override(pool: &SqlitePool, org: OrgId, limits: Option<&Limits>) -> StoreResult<()> {
    match limits {
        Some(l) => {
            sqlx::query(
                "INSERT INTO sla_overrides (org_id, limits) VALUES (?, ?) ON CONFLICT (org_id) DO UPDATE SET limits = excluded.limits",
            )
            .bind(org.0)
            .bind(to_json(l)?)
            .execute(pool)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM sla_overrides WHERE org_id = ?").bind(org.0).execute(pool).await?;
        }
    }
    Ok(())
}
