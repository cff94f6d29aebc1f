//! Measures `list_spending_by_category`'s query (`Store::spending_by_category`) on a synthetic
//! database of N rows (default 1,000,000; the same data as `list_bench.rs`), beside SQLite's
//! own GROUP BY with a floating-point `sum` (inexact: a reference for the cost of grouping in
//! SQL, not an alternative), and checks that both count the same rows:
//! `cargo run -p coffer-core --release --example spending_bench [-- ROWS [DB_PATH]]`.
//!
//! With `DB_PATH`, the database is kept there and reused by later runs.

use std::time::{Duration, Instant};

#[path = "common/gen.rs"]
#[allow(dead_code)] // the list shapes
mod generator;

use coffer_core::ChartFilter;
use coffer_core::store::Store;

const RUNS: usize = 10;

fn main() -> coffer_core::Result<()> {
    let mut args = std::env::args().skip(1);
    let rows: u64 = args
        .next()
        .and_then(|a| a.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let dir = std::env::temp_dir().join(format!("coffer-spending-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| coffer_core::AppError::Storage(e.to_string()))?;
    let db = args
        .next()
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.join("bench.db"));
    let store = Store::open(&db)?;
    let n: i64 =
        store.read(|c| Ok(c.query_row("SELECT count(*) FROM transactions", [], |r| r.get(0))?))?;
    let accounts = if n == 0 {
        let t0 = Instant::now();
        let accounts = generator::populate(&store, rows)?;
        println!("inserted {rows} rows in {:.1?}", t0.elapsed());
        accounts
    } else {
        println!("reusing {} ({n} rows)", db.display());
        store.read(|c| {
            let mut st = c.prepare("SELECT id FROM accounts ORDER BY id")?;
            Ok(st
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<i64>>>()?)
        })?
    };
    let d = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd);
    let shapes = [
        ("everything", ChartFilter::default()),
        (
            "one year",
            ChartFilter {
                from: d(2023, 1, 1),
                to: d(2023, 12, 31),
                ..Default::default()
            },
        ),
        (
            "1 account",
            ChartFilter {
                account_rowids: Some(vec![accounts[0]]),
                ..Default::default()
            },
        ),
        (
            "2 accounts + one year",
            ChartFilter {
                account_rowids: Some(vec![accounts[0], accounts[1]]),
                from: d(2023, 1, 1),
                to: d(2023, 12, 31),
            },
        ),
    ];
    println!(
        "| {:<24} | {:>6} | {:>9} | {:>9} | {:>16} |",
        "shape", "groups", "p50", "max", "SQL GROUP BY p50"
    );
    println!(
        "|{:-<26}|{:->8}|{:->11}|{:->11}|{:->18}|",
        "", "", "", "", ""
    );
    for (name, f) in shapes {
        let mut grouped = Vec::new();
        let mut exact = Vec::new();
        let mut groups = 0;
        for i in 0..RUNS + 1 {
            let t = Instant::now();
            let out = store.spending_by_category(&f)?;
            let a = t.elapsed();
            let (where_sql, values) = reference_where(&f);
            let t = Instant::now();
            let counts: i64 = store.read(|c| {
                let mut st = c.prepare_cached(&format!(
                    "SELECT substr(date, 1, 7) AS m, category, iso_currency_code, sum(CAST(amount AS REAL)), count(*)
                     FROM transactions {where_sql} GROUP BY m, category, iso_currency_code"
                ))?;
                let rows = st
                    .query_map(rusqlite::params_from_iter(values.iter()), |r| r.get::<_, i64>(4))?
                    .collect::<rusqlite::Result<Vec<i64>>>()?;
                Ok(rows.iter().sum())
            })?;
            let b = t.elapsed();
            assert_eq!(
                out.iter().map(|r| r.count as i64).sum::<i64>(),
                counts,
                "the two count different rows"
            );
            groups = out.len();
            if i > 0 {
                grouped.push(a);
                exact.push(b);
            }
        }
        grouped.sort();
        exact.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "| {name:<24} | {groups:>6} | {:>6.1} ms | {:>6.1} ms | {:>13.1} ms |",
            ms(grouped[RUNS / 2]),
            ms(grouped[RUNS - 1]),
            ms(exact[RUNS / 2])
        );
    }
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// The reference query's WHERE: posted money out in the filter's accounts and dates.
fn reference_where(f: &ChartFilter) -> (String, Vec<String>) {
    let mut clauses = vec![
        "pending = 0".to_string(),
        "CAST(amount AS REAL) > 0".to_string(),
    ];
    let mut values = Vec::new();
    if let Some(ids) = &f.account_rowids {
        values.push(serde_json::to_string(ids).unwrap_or_default());
        clauses.push(format!(
            "account_id IN (SELECT value FROM json_each(?{}))",
            values.len()
        ));
    }
    if let Some(d) = f.from {
        values.push(d.to_string());
        clauses.push(format!("date >= ?{}", values.len()));
    }
    if let Some(d) = f.to {
        values.push(d.to_string());
        clauses.push(format!("date <= ?{}", values.len()));
    }
    (format!("WHERE {}", clauses.join(" AND ")), values)
}
