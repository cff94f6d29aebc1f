//! The synthetic transactions the examples share (`#[path]`-included): the generator of
//! `list_bench.rs` (same constants and xorshift sequence, so the same data), names that look
//! like real bank data (a few dozen merchants, most with store numbers, reference numbers or
//! order ids: distinct names run into the hundreds of thousands; "sparkfun" ~0.01 % of rows,
//! "uber" ~9 %, "xyzzy" absent), spread evenly over six years from 2020-01-01, 8 accounts.

use coffer_core::TransactionFilter;
use coffer_core::store::{self, Store};

const CITIES: [&str; 12] = [
    "SAN FRANCISCO",
    "OAKLAND",
    "BERKELEY",
    "SEATTLE",
    "PORTLAND",
    "AUSTIN",
    "DENVER",
    "CHICAGO",
    "BOSTON",
    "NEW YORK",
    "MADISON",
    "SACRAMENTO",
];
const PEOPLE: [&str; 10] = [
    "JOHN SMITH",
    "MARIA GARCIA",
    "WEI ZHANG",
    "AISHA KHAN",
    "OLGA IVANOVA",
    "JOSÉ ÁLVAREZ",
    "FRANÇOIS DUBOIS",
    "SØREN NIELSEN",
    "PRIYA PATEL",
    "LIAM O'BRIEN",
];
const SMALL: [&str; 12] = [
    "BLUE BOTTLE",
    "FARMERS MKT",
    "JOE'S PIZZA",
    "GREEN LEAF DELI",
    "CORNER BARBER",
    "SUNRISE BAKERY",
    "LUCKY NAILS",
    "BOOKS INC",
    "TACO LOCO",
    "PHO 88",
    "THE MILL",
    "ZEN YOGA",
];

/// One xorshift step.
fn next(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}

fn alnum(x: &mut u64, n: usize) -> String {
    const A: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    (0..n)
        .map(|_| A[(next(x) % A.len() as u64) as usize] as char)
        .collect()
}

/// A (name, merchant) pair drawn from the distribution above.
#[allow(dead_code)] // bench.rs only populates
pub fn gen_name(x: &mut u64) -> (String, Option<&'static str>) {
    let pick = next(x) % 10_000;
    let r = next(x);
    let city = CITIES[(r % CITIES.len() as u64) as usize];
    match pick {
        0 => (
            format!("SPARKFUN ELECTRONICS {:06}", r % 1_000_000),
            Some("SparkFun"),
        ),
        1..=400 => (format!("UBER *TRIP {}", alnum(x, 6)), Some("Uber")),
        401..=700 => (format!("UBER *EATS {}", alnum(x, 6)), Some("Uber Eats")),
        701..=900 => (format!("Uber {:06} SF**POOL**", (r >> 8) % 1_000_000), None),
        901..=1700 => (
            format!("STARBUCKS STORE #{:05} {city}", (r >> 8) % 30_000),
            Some("Starbucks"),
        ),
        1701..=2600 => (format!("AMZN Mktp US*{}", alnum(x, 9)), Some("Amazon")),
        2601..=3100 => (
            format!("TRADER JOE'S #{:03} {city}", (r >> 8) % 600),
            Some("Trader Joe's"),
        ),
        3101..=3600 => (
            format!("SAFEWAY #{:04} {city}", (r >> 8) % 2000),
            Some("Safeway"),
        ),
        3601..=4000 => (
            format!("SHELL OIL {:011}", (r >> 8) % 100_000_000_000),
            Some("Shell"),
        ),
        4001..=4300 => (
            format!("CHEVRON {:07}", (r >> 8) % 10_000_000),
            Some("Chevron"),
        ),
        4301..=4800 => (
            format!(
                "ZELLE PAYMENT TO {} REF # {}",
                PEOPLE[((r >> 8) % PEOPLE.len() as u64) as usize],
                alnum(x, 10)
            ),
            None,
        ),
        4801..=5100 => (format!("ONLINE TRANSFER REF #IB{}", alnum(x, 8)), None),
        5101..=5300 => (
            format!(
                "ACME CORP PAYROLL PPD ID: {:010}",
                (r >> 8) % 10_000_000_000
            ),
            None,
        ),
        5301..=5900 => (
            format!(
                "SQ *{} {city}",
                SMALL[((r >> 8) % SMALL.len() as u64) as usize]
            ),
            None,
        ),
        5901..=6300 => (
            format!(
                "TST* {} {:03}",
                SMALL[((r >> 8) % SMALL.len() as u64) as usize],
                (r >> 16) % 1000
            ),
            None,
        ),
        6301..=6700 => (
            format!("McDonald's F{:05} {city}", (r >> 8) % 40_000),
            Some("McDonald's"),
        ),
        6701..=7000 => (format!("KFC #{:04} {city}", (r >> 8) % 5000), Some("KFC")),
        7001..=7200 => (
            format!("United Airlines {:013}", (r >> 8) % 10_000_000_000_000),
            Some("United Airlines"),
        ),
        7201..=7400 => (format!("PAYPAL *{}", alnum(x, 7)), Some("PayPal")),
        7401..=7600 => (
            format!("Café Müller {:03}", (r >> 8) % 400),
            Some("Café Müller"),
        ),
        7601..=7750 => (
            format!("Bäckerei Schäfer Filiale {:02}", (r >> 8) % 80),
            None,
        ),
        7751..=7850 => (format!("ŁÓDŹ SKLEP {:03}", (r >> 8) % 300), None),
        7851..=7950 => (format!("東京ラーメン {:02}号店", (r >> 8) % 60), None),
        7951..=8300 => ("Madison Bicycle Shop".into(), None),
        8301..=8600 => ("Touchstone Climbing".into(), None),
        8601..=8800 => ("Tectra Inc".into(), None),
        8801..=9100 => ("INTRST PYMNT".into(), None),
        9101..=9300 => ("CD DEPOSIT .INITIAL.".into(), None),
        9301..=9600 => (
            format!("CREDIT CARD {:04} PAYMENT", (r >> 8) % 10_000),
            None,
        ),
        _ => ("AUTOMATIC PAYMENT - THANK".into(), None),
    }
}

/// One generated transaction (`list_bench.rs`'s plain INSERT baseline shares it).
#[allow(dead_code)] // bench.rs only populates
pub fn transaction<'a>(
    i: u64,
    rows: u64,
    x: &mut u64,
    accounts: &[i64],
    id: &'a str,
    name: &'a str,
    merchant: Option<&'a str>,
) -> store::transactions::write::NewTransaction<'a> {
    let start = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).expect("date");
    let r = next(x);
    let date = start + chrono::Duration::days((i * 2190 / rows.max(1)) as i64);
    store::transactions::write::NewTransaction {
        transaction_id: id,
        account_rowid: accounts[(r >> 8) as usize % accounts.len()],
        date: date.to_string(),
        authorized_date: Some(date.to_string()),
        amount: format!("{}.{:02}", r % 500, (r >> 20) % 100),
        iso_currency_code: Some("USD"),
        unofficial_currency_code: None,
        name,
        merchant_name: merchant,
        pending: false,
        pending_transaction_id: None,
        payment_channel: Some("online"),
        category: Some("Shops"),
        category_detailed: None,
    }
}

pub fn setup_accounts(store: &Store) -> coffer_core::Result<Vec<i64>> {
    store.write(|c| {
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
    })
}

/// Upserts `rows` generated transactions in one write transaction through the store's own
/// path (so its indexing applies).
pub fn upsert_rows(store: &Store, accounts: &[i64], rows: u64) -> coffer_core::Result<()> {
    store.write(|c| {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..rows {
            let (name, merchant) = gen_name(&mut x);
            let id = format!("t{i:09}");
            let t = transaction(i, rows, &mut x, accounts, &id, &name, merchant);
            store::transactions::write::upsert(c, &t)?;
        }
        Ok(())
    })
}

/// Fills an empty store: `rows` transactions ([`upsert_rows`]), the search index merged as
/// the app merges it after a sync of that size (`Store::settle_search`), then `ANALYZE`.
/// Returns the account row ids.
#[allow(dead_code)] // list_bench.rs reuses a kept database
pub fn populate(store: &Store, rows: u64) -> coffer_core::Result<Vec<i64>> {
    let accounts = setup_accounts(store)?;
    upsert_rows(store, &accounts, rows)?;
    store.settle_search()?;
    store.read(|c| Ok(c.execute_batch("ANALYZE")?))?;
    Ok(accounts)
}

/// The filter shapes the `list_transactions` target covers, with the offsets cycled through.
#[allow(dead_code)] // desktop_bench.rs does not time filter shapes
pub fn shapes(accounts: &[i64]) -> Vec<(&'static str, TransactionFilter, &'static [u64])> {
    let d = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd);
    let search = |s: &str| TransactionFilter {
        search: Some(s.into()),
        ..Default::default()
    };
    vec![
        ("no filter", TransactionFilter::default(), &[0, 50]),
        (
            "1 account",
            TransactionFilter {
                account_rowids: Some(vec![accounts[0]]),
                ..Default::default()
            },
            &[0, 50],
        ),
        (
            "2 accounts",
            TransactionFilter {
                account_rowids: Some(vec![accounts[0], accounts[1]]),
                ..Default::default()
            },
            &[0, 50],
        ),
        (
            "one month",
            TransactionFilter {
                from: d(2023, 3, 1),
                to: d(2023, 3, 31),
                ..Default::default()
            },
            &[0, 50],
        ),
        (
            "account+quarter+search",
            TransactionFilter {
                account_rowids: Some(vec![accounts[2]]),
                from: d(2022, 1, 1),
                to: d(2022, 3, 31),
                search: Some("kfc".into()),
                ..Default::default()
            },
            &[0, 50],
        ),
        ("search common (uber)", search("uber"), &[0, 50]),
        ("search rare (sparkfun)", search("sparkfun"), &[0, 50]),
        ("search absent (xyzzy)", search("xyzzy"), &[0, 50]),
        ("search uber, offset 500", search("uber"), &[500]),
        (
            "1 account + common term",
            TransactionFilter {
                account_rowids: Some(vec![accounts[3]]),
                search: Some("uber".into()),
                ..Default::default()
            },
            &[0, 50, 500],
        ),
        (
            "1 account + rare term",
            TransactionFilter {
                account_rowids: Some(vec![accounts[3]]),
                search: Some("sparkfun".into()),
                ..Default::default()
            },
            &[0, 50],
        ),
        (
            "1 account + year + term",
            TransactionFilter {
                account_rowids: Some(vec![accounts[3]]),
                from: d(2023, 1, 1),
                to: d(2023, 12, 31),
                search: Some("starbucks".into()),
                ..Default::default()
            },
            &[0, 500],
        ),
        (
            "2 accounts + common term",
            TransactionFilter {
                account_rowids: Some(vec![accounts[0], accounts[1]]),
                search: Some("uber".into()),
                ..Default::default()
            },
            &[0, 50, 500],
        ),
        ("long mid-frequency term", search("chevron 1"), &[0, 50]),
    ]
}

/// The person's words on a generated store (`cargo xtask bench`): an edit on every 10th
/// row (a category, a note naming the row, so notes are searchable), a tag on every 30th,
/// a two-part split on every 50th, every 1,000th row paired with the next as a transfer:
/// 100,000 edits, 33,334 tags, 20,000 splits and 1,000 transfers at a million rows.
/// Returns how many edits, tags and splits.
#[allow(dead_code)] // bench.rs only
pub fn add_personal(store: &Store, rows: u64) -> coffer_core::Result<(u64, u64, u64)> {
    use coffer_core::store::personal::{EditRow, SplitRow, write};
    use rust_decimal::Decimal;
    store
        .write(|c| {
            write::create_category(c, "Bench")?;
            let (mut edits, mut tags, mut splits) = (0, 0, 0);
            let mut amount =
                c.prepare("SELECT amount FROM transactions WHERE transaction_id = ?1")?;
            for i in (0..rows).step_by(10) {
                let id = format!("t{i:09}");
                let category = if i % 20 == 0 {
                    "FOOD_AND_DRINK_COFFEE"
                } else {
                    "Bench"
                };
                write::set_edit(
                    c,
                    &id,
                    &EditRow {
                        category: Some(category.into()),
                        note: Some(format!("bench note {i}")),
                        ..Default::default()
                    },
                )?;
                edits += 1;
                if i % 30 == 0 {
                    write::add_tag(c, &id, "work", None)?;
                    tags += 1;
                }
                if i % 50 == 0 {
                    let total: Decimal = amount
                        .query_row([&id], |r| r.get::<_, String>(0))?
                        .parse()
                        .unwrap_or_default();
                    let half = (total / Decimal::from(2)).round_dp(2);
                    let part = |a: Decimal| SplitRow {
                        amount: a.to_string(),
                        category: Some("Bench".into()),
                        note: None,
                    };
                    write::set_splits(c, &id, &[part(half), part(total - half)])?;
                    splits += 1;
                }
            }
            // 1,000 transfers: each 1,000th row with the next.
            for i in (0..rows.saturating_sub(1)).step_by(1000) {
                write::pair(c, &format!("t{i:09}"), &format!("t{:09}", i + 1), true)?;
            }
            Ok((edits, tags, splits))
        })
        .and_then(|n| {
            // The app merges the search index after every 1,000 rows changed (edits included).
            store.settle_search()?;
            store.read(|c| Ok(c.execute_batch("ANALYZE")?))?;
            Ok(n)
        })
}

/// The filter shapes on the person's data (with [`add_personal`]).
#[allow(dead_code)] // bench.rs only
pub fn personal_shapes(accounts: &[i64]) -> Vec<(&'static str, TransactionFilter, &'static [u64])> {
    vec![
        (
            "category (Bench)",
            TransactionFilter {
                category: Some("Bench".into()),
                ..Default::default()
            },
            &[0, 50],
        ),
        (
            "tag (work)",
            TransactionFilter {
                tag: Some("work".into()),
                ..Default::default()
            },
            &[0, 50],
        ),
        (
            "1 account + tag",
            TransactionFilter {
                account_rowids: Some(vec![accounts[3]]),
                tag: Some("work".into()),
                ..Default::default()
            },
            &[0, 50],
        ),
        (
            "transfers only",
            TransactionFilter {
                transfers: Some(true),
                ..Default::default()
            },
            &[0, 50],
        ),
        (
            "no transfers",
            TransactionFilter {
                transfers: Some(false),
                ..Default::default()
            },
            &[0, 50],
        ),
        (
            "search a note",
            TransactionFilter {
                search: Some("bench note 12340".into()),
                ..Default::default()
            },
            &[0],
        ),
    ]
}

/// 200 rules of the kinds people write (`cargo xtask bench`): merchant and description
/// words, amount ranges, each setting a category or adding a tag.
#[allow(dead_code)] // bench.rs only
pub fn add_rules(store: &Store) -> coffer_core::Result<usize> {
    use coffer_core::store::personal::write;
    const WORDS: [&str; 20] = [
        "starbucks",
        "uber",
        "shell oil",
        "safeway",
        "trader joe",
        "kfc",
        "chevron",
        "sparkfun",
        "paypal",
        "zelle",
        "amzn",
        "tst*",
        "sq *",
        "payroll",
        "transfer",
        "deposit",
        "credit card",
        "intrst",
        "pizza",
        "bakery",
    ];
    store.write(|c| {
        let mut n = 0;
        for k in 0..200 {
            let word = WORDS[k % WORDS.len()];
            let (field, op) = match k % 3 {
                0 => ("merchant", "contains"),
                1 => ("description", "contains"),
                _ => ("description", "startsWith"),
            };
            let mut conditions = vec![serde_json::json!({"field": field, "op": op, "value": word})];
            if k % 4 == 1 {
                conditions.push(serde_json::json!({"field": "amount", "min": format!("{}.00", k), "max": format!("{}.00", k + 150)}));
            }
            let action = if k % 2 == 0 {
                serde_json::json!({"action": "setCategory", "category": "FOOD_AND_DRINK_RESTAURANT"})
            } else {
                serde_json::json!({"action": "addTag", "tag": format!("t{}", k % 7)})
            };
            write::insert_rule(
                c,
                &format!("rule {k}"),
                true,
                &serde_json::Value::from(conditions).to_string(),
                &serde_json::json!([action]).to_string(),
            )?;
            n += 1;
        }
        Ok(n)
    })
}
