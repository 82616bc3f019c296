//! Evaluation cells on SQLite. Writes run in the writer's `BEGIN IMMEDIATE` transaction,
//! so read–merge–write needs no lock of its own. Each statement carries many cells: an
//! import batch touches thousands, and one statement per cell would cost more than the
//! reports themselves.

use aduan_domain::measures::{CellKey, Cells, Counters};
use aduan_store::StoreResult;
use aduan_store::measures::{CellQuery, KeyColumns, decode, key_of, merged, org_column, period_column};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection, SqlitePool};
use std::collections::HashMap;

/// Cells per statement: five bound values each, well under SQLite's 32,766.
const CHUNK: usize = 500;

/// Adds a change's delta to the stored cells.
pub async fn add(conn: &mut SqliteConnection, cells: &Cells) -> StoreResult<()> {
    let all: Vec<(&CellKey, &Counters)> = cells.iter().collect();
    for chunk in all.chunks(CHUNK) {
        add_chunk(conn, chunk).await?;
    }
    Ok(())
}

async fn add_chunk(conn: &mut SqliteConnection, chunk: &[(&CellKey, &Counters)]) -> StoreResult<()> {
    let keys: Vec<KeyColumns> = chunk.iter().map(|(key, _)| KeyColumns::of(key)).collect();
    let mut select =
        QueryBuilder::<Sqlite>::new("SELECT m.cube, m.org_id, m.value, m.period, m.counters FROM (VALUES ");
    for (i, k) in keys.iter().enumerate() {
        select.push(if i == 0 { "(" } else { ", (" }).push_bind(k.cube).push(", ").push_bind(k.org_id);
        select.push(", ").push_bind(k.value.as_str()).push(", ").push_bind(k.period).push(")");
    }
    select.push(
        ") AS k JOIN measure_cells m \
         ON m.cube = k.column1 AND m.org_id = k.column2 AND m.value = k.column3 AND m.period = k.column4",
    );
    let rows: Vec<(String, i64, String, i32, Vec<u8>)> = select.build_query_as().fetch_all(&mut *conn).await?;
    let mut stored = HashMap::with_capacity(rows.len());
    for (cube, org, value, period, counters) in rows {
        stored.insert(key_of(&cube, org, &value, period)?, counters);
    }
    let mut kept = Vec::with_capacity(chunk.len());
    let mut gone = Vec::new();
    for ((key, delta), k) in chunk.iter().zip(keys) {
        match merged(stored.get(*key).map(Vec::as_slice), delta)? {
            Some(bytes) => kept.push((k, bytes)),
            None => gone.push(k),
        }
    }
    if !kept.is_empty() {
        let mut upsert =
            QueryBuilder::<Sqlite>::new("INSERT INTO measure_cells (cube, org_id, value, period, counters) ");
        upsert.push_values(kept, |mut row, (k, bytes)| {
            row.push_bind(k.cube).push_bind(k.org_id).push_bind(k.value).push_bind(k.period).push_bind(bytes);
        });
        upsert.push(" ON CONFLICT (cube, org_id, period, value) DO UPDATE SET counters = excluded.counters");
        upsert.build().execute(&mut *conn).await?;
    }
    // Rare (a report moving to another organisation empties its old cells): one each.
    for k in gone {
        sqlx::query("DELETE FROM measure_cells WHERE cube = ? AND org_id = ? AND period = ? AND value = ?")
            .bind(k.cube)
            .bind(k.org_id)
            .bind(k.period)
            .bind(k.value)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn read(pool: &SqlitePool, q: &CellQuery) -> StoreResult<Cells> {
    let mut cells = Cells::new();
    if q.orgs.is_empty() {
        return Ok(cells);
    }
    let mut sql =
        QueryBuilder::<Sqlite>::new("SELECT cube, org_id, value, period, counters FROM measure_cells WHERE cube = ");
    sql.push_bind(q.cube.as_str()).push(" AND org_id IN (");
    let mut list = sql.separated(", ");
    for org in &q.orgs {
        list.push_bind(org_column(*org));
    }
    sql.push(") AND period BETWEEN ").push_bind(period_column(q.from)).push(" AND ").push_bind(period_column(q.to));
    let rows: Vec<(String, i64, String, i32, Vec<u8>)> = sql.build_query_as().fetch_all(pool).await?;
    for (cube, org, value, period, counters) in rows {
        cells.add_to(key_of(&cube, org, &value, period)?, &decode(&counters)?);
    }
    Ok(cells)
}

/// Replaces every cell (a rebuild).
pub async fn replace(conn: &mut SqliteConnection, cells: &Cells) -> StoreResult<()> {
    sqlx::query("DELETE FROM measure_cells").execute(&mut *conn).await?;
    add(conn, cells).await
}
