//! Evaluation cells on PostgreSQL. Several processes change reports at once, so a change
//! first makes sure each of its rows exists, then locks them all in one order (the key
//! order, the same for every transaction, so two changes sharing cells cannot deadlock),
//! merges, and writes back — a few statements per change whatever the number of cells.

use aduan_domain::measures::Cells;
use aduan_store::StoreResult;
use aduan_store::measures::{CellQuery, KeyColumns, decode, key_of, merged, org_column, period_column};
use sqlx::{PgConnection, PgPool};
use std::collections::HashMap;

/// The key columns of many cells, as arrays for `unnest`.
#[derive(Default)]
struct Keys {
    cubes: Vec<&'static str>,
    orgs: Vec<i64>,
    values: Vec<String>,
    periods: Vec<i32>,
}

impl Keys {
    fn push(&mut self, k: KeyColumns) {
        self.cubes.push(k.cube);
        self.orgs.push(k.org_id);
        self.values.push(k.value);
        self.periods.push(k.period);
    }
}

/// Adds a change's delta to the stored cells.
pub async fn add(conn: &mut PgConnection, cells: &Cells) -> StoreResult<()> {
    if cells.is_empty() {
        return Ok(());
    }
    let mut keys = Keys::default();
    for (key, _) in cells.iter() {
        keys.push(KeyColumns::of(key));
    }
    sqlx::query(
        "INSERT INTO measure_cells (cube, org_id, value, period, counters) \
         SELECT c, o, v, p, '\\x01'::bytea FROM unnest($1::text[], $2::bigint[], $3::text[], $4::int[]) AS k (c, o, v, p) \
         ORDER BY c, o, p, v ON CONFLICT DO NOTHING",
    )
    .bind(&keys.cubes)
    .bind(&keys.orgs)
    .bind(&keys.values)
    .bind(&keys.periods)
    .execute(&mut *conn)
    .await?;
    let rows: Vec<(String, i64, String, i32, Vec<u8>)> = sqlx::query_as(
        "SELECT m.cube, m.org_id, m.value, m.period, m.counters FROM measure_cells m \
         JOIN unnest($1::text[], $2::bigint[], $3::text[], $4::int[]) AS k (c, o, v, p) \
           ON m.cube = k.c AND m.org_id = k.o AND m.value = k.v AND m.period = k.p \
         ORDER BY m.cube, m.org_id, m.period, m.value FOR UPDATE OF m",
    )
    .bind(&keys.cubes)
    .bind(&keys.orgs)
    .bind(&keys.values)
    .bind(&keys.periods)
    .fetch_all(&mut *conn)
    .await?;
    let mut stored = HashMap::with_capacity(rows.len());
    for (cube, org, value, period, counters) in rows {
        stored.insert(key_of(&cube, org, &value, period)?, counters);
    }
    let (mut kept, mut encoded, mut gone) = (Keys::default(), Vec::new(), Keys::default());
    for (key, delta) in cells.iter() {
        match merged(stored.get(key).map(Vec::as_slice), delta)? {
            Some(bytes) => {
                kept.push(KeyColumns::of(key));
                encoded.push(bytes);
            }
            None => gone.push(KeyColumns::of(key)),
        }
    }
    if !encoded.is_empty() {
        sqlx::query(
            "UPDATE measure_cells m SET counters = k.t \
             FROM unnest($1::text[], $2::bigint[], $3::text[], $4::int[], $5::bytea[]) AS k (c, o, v, p, t) \
             WHERE m.cube = k.c AND m.org_id = k.o AND m.value = k.v AND m.period = k.p",
        )
        .bind(&kept.cubes)
        .bind(&kept.orgs)
        .bind(&kept.values)
        .bind(&kept.periods)
        .bind(&encoded)
        .execute(&mut *conn)
        .await?;
    }
    if !gone.cubes.is_empty() {
        sqlx::query(
            "DELETE FROM measure_cells m USING unnest($1::text[], $2::bigint[], $3::text[], $4::int[]) AS k (c, o, v, p) \
             WHERE m.cube = k.c AND m.org_id = k.o AND m.value = k.v AND m.period = k.p",
        )
        .bind(&gone.cubes)
        .bind(&gone.orgs)
        .bind(&gone.values)
        .bind(&gone.periods)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn read(pool: &PgPool, q: &CellQuery) -> StoreResult<Cells> {
    let orgs: Vec<i64> = q.orgs.iter().map(|o| org_column(*o)).collect();
    let rows: Vec<(String, i64, String, i32, Vec<u8>)> = sqlx::query_as(
        "SELECT cube, org_id, value, period, counters FROM measure_cells \
         WHERE cube = $1 AND org_id = ANY($2) AND period BETWEEN $3 AND $4",
    )
    .bind(q.cube.as_str())
    .bind(&orgs)
    .bind(period_column(q.from))
    .bind(period_column(q.to))
    .fetch_all(pool)
    .await?;
    let mut cells = Cells::new();
    for (cube, org, value, period, counters) in rows {
        cells.add_to(key_of(&cube, org, &value, period)?, &decode(&counters)?);
    }
    Ok(cells)
}

/// Replaces every cell (a rebuild).
pub async fn replace(conn: &mut PgConnection, cells: &Cells) -> StoreResult<()> {
    sqlx::query("DELETE FROM measure_cells").execute(&mut *conn).await?;
    add(conn, cells).await
}
