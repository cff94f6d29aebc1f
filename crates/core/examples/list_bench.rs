//! Measures `Store::list_transactions` on a synthetic database of N rows (default 1,000,000):
//! `cargo run -p coffer-core --release --example list_bench [-- ROWS]`. Prints p50/p95 per
//! filter shape. (The project benchmark lives in `cargo xtask bench`.)

use std::time::{Duration, Instant};

use coffer_core::TransactionFilter;
use coffer_core::store::{self, Store};

const NAMES: [&str; 14] = [
    "United Airlines",
    "Uber 063015 SF**POOL**",
    "Tectra Inc",
    "KFC",
    "Madison Bicycle Shop",
    "Touchstone Climbing",
    "McDonald's",
    "Starbucks",
    "SparkFun",
    "INTRST PYMNT",
    "CD DEPOSIT .INITIAL.",
    "CREDIT CARD 3333 PAYMENT",
    "AUTOMATIC PAYMENT - THANK",
    "Uber 072515 SF**POOL**",
];

fn main() -> coffer_core::Result<()> {
    let rows: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = std::env::temp_dir().join(format!("coffer-list-bench-{}", std::process::id()));
    let store = Store::open(dir.join("bench.db"))?;
    let t0 = Instant::now();
    let accounts: Vec<i64> = store.write(|c| {
        let link = store::links::write::insert(
            c,
            &store::links::write::NewLink {
                item_id: "bench-item",
                institution_id: None,
                institution_name: None,
                name: "Bench",
                products: &[],
            },
        )?;
        (0..8)
            .map(|i| {
                store::accounts::write::upsert(
                    c,
                    link,
                    &store::accounts::write::NewAccount {
                        account_id: &format!("acct{i}"),
                        name: "A",
                        official_name: None,
                        mask: None,
                        account_type: "depository",
                        subtype: None,
                    },
                )
            })
            .collect()
    })?;
    let start = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).expect("date");
    store.write(|c| {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..rows {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let date = start + chrono::Duration::days((i * 2190 / rows) as i64);
            let name = NAMES[(x % NAMES.len() as u64) as usize];
            store::transactions::write::upsert(
                c,
                &store::transactions::write::NewTransaction {
                    transaction_id: &format!("t{i:09}"),
                    account_rowid: accounts[(x >> 8) as usize % accounts.len()],
                    date: date.to_string(),
                    authorized_date: None,
                    amount: format!("{}.{:02}", x % 500, x % 100),
                    iso_currency_code: Some("USD"),
                    unofficial_currency_code: None,
                    name,
                    merchant_name: None,
                    pending: false,
                    pending_transaction_id: None,
                    payment_channel: Some("online"),
                    category: None,
                },
            )?;
        }
        Ok(())
    })?;
    store.read(|c| Ok(c.execute_batch("ANALYZE")?))?;
    println!("inserted {rows} rows in {:?}", t0.elapsed());
    let d = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd);
    let shapes: Vec<(&str, TransactionFilter)> = vec![
        ("none", TransactionFilter::default()),
        (
            "account",
            TransactionFilter {
                account_rowids: Some(vec![accounts[0]]),
                ..Default::default()
            },
        ),
        (
            "2 accounts",
            TransactionFilter {
                account_rowids: Some(vec![accounts[0], accounts[1]]),
                ..Default::default()
            },
        ),
        (
            "month",
            TransactionFilter {
                from: d(2023, 3, 1),
                to: d(2023, 3, 31),
                ..Default::default()
            },
        ),
        (
            "search uber",
            TransactionFilter {
                search: Some("uber".into()),
                ..Default::default()
            },
        ),
        (
            "search rare",
            TransactionFilter {
                search: Some("sparkfun".into()),
                ..Default::default()
            },
        ),
        (
            "account+quarter+search",
            TransactionFilter {
                account_rowids: Some(vec![accounts[2]]),
                from: d(2022, 1, 1),
                to: d(2022, 3, 31),
                search: Some("kfc".into()),
            },
        ),
    ];
    for (name, f) in shapes {
        let mut times: Vec<Duration> = Vec::new();
        let mut total = 0;
        for i in 0..40u64 {
            let t = Instant::now();
            let page = store.list_transactions(&f, 50, (i % 4) * 50)?;
            times.push(t.elapsed());
            total = page.total;
        }
        times.sort();
        println!(
            "{name:>24}: total {total:>8}  p50 {:>8.2?}  p95 {:>8.2?}",
            times[times.len() / 2],
            times[times.len() * 95 / 100]
        );
    }
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
