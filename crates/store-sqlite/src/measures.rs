//! Evaluation cells on SQLite. Writes run in the writer's `BEGIN IMMEDIATE` transaction,
//! so read–merge–write needs no lock of its own.

use aduan_domain::measures::Cells;
use aduan_store::StoreResult;
use aduan_store::measures::{CellQuery, KeyColumns, decode, key_of, merged, org_column, period_column};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection, SqlitePool};

/// Adds a change's delta to the stored cells.
pub async fn add(conn: &mut SqliteConnection, cells: &Cells) -> StoreResult<()> {
    for (key, delta) in cells.iter() {
        let k = KeyColumns::of(key);
        let stored: Option<(String,)> = sqlx::query_as(
            "SELECT counters FROM measure_cells WHERE cube = ? AND org_id = ? AND value = ? AND period = ?",
        )
        .bind(k.cube)
        .bind(k.org_id)
        .bind(&k.value)
        .bind(k.period)
        .fetch_optional(&mut *conn)
        .await?;
        let query = match merged(stored.as_ref().map(|(s,)| s.as_str()), delta)? {
            Some(text) => sqlx::query(
                "INSERT INTO measure_cells (cube, org_id, value, period, counters) VALUES (?, ?, ?, ?, ?) \
                 ON CONFLICT (cube, org_id, value, period) DO UPDATE SET counters = excluded.counters",
            )
            .bind(k.cube)
            .bind(k.org_id)
            .bind(k.value)
            .bind(k.period)
            .bind(text),
            None => sqlx::query("DELETE FROM measure_cells WHERE cube = ? AND org_id = ? AND value = ? AND period = ?")
                .bind(k.cube)
                .bind(k.org_id)
                .bind(k.value)
                .bind(k.period),
        };
        query.execute(&mut *conn).await?;
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
    let rows: Vec<(String, i64, String, i32, String)> = sql.build_query_as().fetch_all(pool).await?;
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
