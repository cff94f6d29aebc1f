//! The synthetic `list_transactions` database shared by the examples (`#[path]`-included):
//! one link, 8 accounts, `rows` transactions spread evenly over six years from 2020-01-01,
//! names drawn from the Sandbox's merchants by a fixed xorshift sequence (same data every run).

use coffer_core::TransactionFilter;
use coffer_core::store::{self, Store};

/// Merchant / description names the rows are drawn from.
pub const NAMES: [&str; 14] = [
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

/// Fills an empty store with `rows` transactions (one write transaction, through the store's
/// own upsert so its indexing applies) and runs `ANALYZE`. Returns the 8 account row ids.
pub fn populate(store: &Store, rows: u64) -> coffer_core::Result<Vec<i64>> {
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
    let rows = rows.max(1);
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
    Ok(accounts)
}

/// The filter shapes a user produces in the transactions view, by name.
pub fn shapes(accounts: &[i64]) -> Vec<(&'static str, TransactionFilter)> {
    let d = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd);
    vec![
        ("no filter", TransactionFilter::default()),
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
            "date range (month)",
            TransactionFilter {
                from: d(2023, 3, 1),
                to: d(2023, 3, 31),
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
        (
            "search (common: uber)",
            TransactionFilter {
                search: Some("uber".into()),
                ..Default::default()
            },
        ),
        (
            "search (sparkfun)",
            TransactionFilter {
                search: Some("sparkfun".into()),
                ..Default::default()
            },
        ),
        (
            "search (no match)",
            TransactionFilter {
                search: Some("zzqx".into()),
                ..Default::default()
            },
        ),
    ]
}
