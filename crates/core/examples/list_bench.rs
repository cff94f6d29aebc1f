//! Measures `Store::list_transactions` on a synthetic database of N rows (default 1,000,000)
//! and the write side (`store::transactions::write::upsert`, 100,000 rows):
//! `cargo run -p coffer-core --release --example list_bench [-- ROWS [DB_PATH]]`.
//!
//! Prints p50/p95 of a 50-row page (plus its total) per filter shape as a table. With
//! `DB_PATH`, the synthetic database is kept there and reused by later runs (same data every
//! run: names come from a fixed xorshift sequence). `LIST_BENCH_SKIP_WRITES=1` skips the
//! write side; `LIST_BENCH_NO_COUNTERS=1` measures it without the per-account counters'
//! triggers (migration 6). (The project benchmark lives in `cargo xtask bench`; both take the data and
//! the target shapes from `examples/common/gen.rs`.)
//!
//! The names look like real bank data: a few dozen merchants, most with store numbers,
//! reference numbers or order ids, so that distinct names run into the hundreds of thousands.
//! "sparkfun" is rare (~0.01 % of rows), "uber" common (~9 %), "xyzzy" absent.

use std::path::PathBuf;
use std::time::{Duration, Instant};

#[path = "common/gen.rs"]
mod generator;

use coffer_core::TransactionFilter;
use coffer_core::store::{self, Store};
use generator::{gen_name, setup_accounts, transaction};

const PAGE: u32 = 50;
const RUNS: usize = 60;

/// The write side: 100,000 upserts into a fresh store, against a plain prepared INSERT of the
/// same rows into the first migration's `transactions` table and indexes (no FTS, no
/// triggers; foreign keys off), the baseline the sync benchmark compares with.
fn bench_writes(dir: &std::path::Path) -> coffer_core::Result<()> {
    const N: u64 = 100_000;
    // Median of 3 interleaved runs each: the store's upsert as shipped, the same upsert with
    // the search index's triggers dropped (what it cost before migration 2), and the plain
    // prepared INSERT.
    let mut with = Vec::new();
    let mut without = Vec::new();
    let mut plain = Vec::new();
    for round in 0..3 {
        for index in [true, false] {
            let path = dir.join(format!("upsert-{round}-{index}.db"));
            let store = Store::open(&path)?;
            if !index {
                store.write(|c| {
                    Ok(c.execute_batch(
                        "DROP TRIGGER transactions_fts_insert;
                         DROP TRIGGER transactions_fts_delete;
                         DROP TRIGGER transactions_fts_update;",
                    )?)
                })?;
            }
            if std::env::var_os("LIST_BENCH_NO_COUNTERS").is_some() {
                // The per-account counters' triggers (migration 6) off: what they cost.
                store.write(|c| {
                    Ok(c.execute_batch(
                        "DROP TRIGGER transactions_count_insert;
                         DROP TRIGGER transactions_count_delete;
                         DROP TRIGGER transactions_count_move;",
                    )?)
                })?;
            }
            let accounts = setup_accounts(&store)?;
            let t = Instant::now();
            generator::upsert_rows(&store, &accounts, N)?;
            let el = t.elapsed();
            if index {
                with.push(el)
            } else {
                without.push(el)
            }
            drop(store);
            let _ = std::fs::remove_file(&path);
        }
        plain.push(plain_insert(dir, round, N)?);
    }
    for v in [&mut with, &mut without, &mut plain] {
        v.sort();
    }
    let (with, without, plain) = (with[1], without[1], plain[1]);
    let rate = |d: Duration| N as f64 / d.as_secs_f64();
    println!(
        "writes ({N} rows, median of 3): upsert {with:.2?} ({:.0} rows/s); upsert without the search index {without:.2?} ({:.0} rows/s); plain prepared INSERT {plain:.2?} ({:.0} rows/s)",
        rate(with),
        rate(without),
        rate(plain)
    );
    println!(
        "        upsert / plain: {:.0} % with the search index, {:.0} % without",
        100.0 * rate(with) / rate(plain),
        100.0 * rate(without) / rate(plain)
    );
    Ok(())
}

fn plain_insert(dir: &std::path::Path, round: u32, n_rows: u64) -> coffer_core::Result<Duration> {
    let accounts = [1i64, 2, 3, 4, 5, 6, 7, 8];
    let path = dir.join(format!("plain-{round}.db"));
    let db = rusqlite::Connection::open(&path)?;
    let _: String = db.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    db.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF;")?;
    let first = store::schema::MIGRATIONS[0];
    let table = &first[first.find("CREATE TABLE transactions").expect("table")..];
    let table = &table[..table.find("-- Link token").expect("end")];
    db.execute_batch(table)?;
    let t = Instant::now();
    db.execute_batch("BEGIN")?;
    {
        let mut st = db.prepare(
            "INSERT INTO transactions (transaction_id, account_id, date, authorized_date, amount, iso_currency_code,
                 unofficial_currency_code, name, merchant_name, pending, pending_transaction_id, payment_channel, category, search_text)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?;
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..n_rows {
            let (name, merchant) = gen_name(&mut x);
            let id = format!("t{i:09}");
            let n = transaction(i, n_rows, &mut x, &accounts, &id, &name, merchant);
            let search = match n.merchant_name {
                Some(m) => format!("{} {m}", n.name).to_lowercase(),
                None => n.name.to_lowercase(),
            };
            st.execute(rusqlite::params![
                n.transaction_id,
                n.account_rowid,
                n.date,
                n.authorized_date,
                n.amount,
                n.iso_currency_code,
                n.unofficial_currency_code,
                n.name,
                n.merchant_name,
                n.pending,
                n.pending_transaction_id,
                n.payment_channel,
                n.category,
                search
            ])?;
        }
    }
    db.execute_batch("COMMIT")?;
    let el = t.elapsed();
    drop(db);
    let _ = std::fs::remove_file(&path);
    Ok(el)
}

fn main() -> coffer_core::Result<()> {
    let mut args = std::env::args().skip(1);
    let rows: u64 = args
        .next()
        .and_then(|a| a.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let keep: Option<PathBuf> = args.next().map(PathBuf::from);
    let dir = std::env::temp_dir().join(format!("coffer-list-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| coffer_core::AppError::Storage(e.to_string()))?;

    // LIST_BENCH_SKIP_WRITES=1: list shapes only.
    if std::env::var_os("LIST_BENCH_SKIP_WRITES").is_none() {
        bench_writes(&dir)?;
    }

    let db = keep.clone().unwrap_or_else(|| dir.join("bench.db"));
    let store = Store::open(&db)?;
    let accounts = match store.read(|c| {
        Ok(c.query_row("SELECT count(*) FROM transactions", [], |r| {
            r.get::<_, i64>(0)
        })?)
    })? {
        0 => {
            let t0 = Instant::now();
            let accounts = generator::populate(&store, rows)?;
            println!("inserted {rows} rows in {:.1?}", t0.elapsed());
            accounts
        }
        n => {
            println!("reusing {} ({n} rows)", db.display());
            store.read(|c| {
                let mut st = c.prepare("SELECT id FROM accounts ORDER BY id")?;
                Ok(st
                    .query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<i64>>>()?)
            })?
        }
    };
    let distinct: i64 = store.read(|c| {
        Ok(c.query_row(
            "SELECT count(DISTINCT search_text) FROM transactions",
            [],
            |r| r.get(0),
        )?)
    })?;
    println!("distinct search texts: {distinct}");

    let d = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd);
    let search = |s: &str| TransactionFilter {
        search: Some(s.into()),
        ..Default::default()
    };
    // (label, filter, offsets cycled through)
    // The target shapes (`cargo xtask bench` reports the same), then other paths.
    let mut shapes = generator::shapes(&accounts);
    shapes.extend::<Vec<(&str, TransactionFilter, &[u64])>>(vec![
        // Beyond the targets: how the other paths behave.
        ("search non-ASCII (müller)", search("müller"), &[0, 50]),
        (
            "search long rare (shell oil 12)",
            search("shell oil 12"),
            &[0, 50],
        ),
        (
            "2 accounts+year+search (uber)",
            TransactionFilter {
                account_rowids: Some(vec![accounts[0], accounts[5]]),
                from: d(2021, 1, 1),
                to: d(2021, 12, 31),
                search: Some("uber".into()),
                ..Default::default()
            },
            &[0, 500],
        ),
        (
            "month+search (starbucks)",
            TransactionFilter {
                from: d(2023, 3, 1),
                to: d(2023, 3, 31),
                search: Some("starbucks".into()),
                ..Default::default()
            },
            &[0, 50],
        ),
        ("search 2 chars (ub)", search("ub"), &[0, 50]),
        ("search 2 chars rare (łó)", search("łó"), &[0, 50]),
    ]);
    println!();
    println!(
        "| {:<28} | {:>8} | {:>9} | {:>9} |",
        "shape", "total", "p50", "p95"
    );
    println!("|{:-<30}|{:->10}|{:->11}|{:->11}|", "", "", "", "");
    for (name, f, offsets) in shapes {
        let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
        let mut total = 0;
        for i in 0..RUNS + 2 {
            let offset = offsets[i % offsets.len()];
            let t = Instant::now();
            let page = store.list_transactions(&f, PAGE, offset)?;
            let el = t.elapsed();
            if i >= 2 {
                // two warm-up runs
                times.push(el);
            }
            total = page.total;
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "| {name:<28} | {total:>8} | {:>6.2} ms | {:>6.2} ms |",
            ms(times[times.len() / 2]),
            ms(times[times.len() * 95 / 100])
        );
    }
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
