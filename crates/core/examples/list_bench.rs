//! Measures `Store::list_transactions` on a synthetic database of N rows (default 1,000,000)
//! and the write side (`store::transactions::write::upsert`, 100,000 rows):
//! `cargo run -p coffer-core --release --example list_bench [-- ROWS [DB_PATH]]`.
//!
//! Prints p50/p95 of a 50-row page (plus its total) per filter shape as a table. With
//! `DB_PATH`, the synthetic database is kept there and reused by later runs (same data every
//! run: names come from a fixed xorshift sequence). (The project benchmark lives in
//! `cargo xtask bench`.)
//!
//! The names look like real bank data: a few dozen merchants, most with store numbers,
//! reference numbers or order ids, so that distinct names run into the hundreds of thousands.
//! "sparkfun" is rare (~0.01 % of rows), "uber" common (~9 %), "xyzzy" absent.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use coffer_core::TransactionFilter;
use coffer_core::store::{self, Store};

const PAGE: u32 = 50;
const RUNS: usize = 60;

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
fn gen_name(x: &mut u64) -> (String, Option<&'static str>) {
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

fn transaction<'a>(
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
    }
}

fn setup_accounts(store: &Store) -> coffer_core::Result<Vec<i64>> {
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

/// Upserts `rows` generated transactions in one write transaction.
fn populate(store: &Store, accounts: &[i64], rows: u64) -> coffer_core::Result<()> {
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
            let accounts = setup_accounts(&store)?;
            let t = Instant::now();
            populate(&store, &accounts, N)?;
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

    bench_writes(&dir)?;

    let db = keep.clone().unwrap_or_else(|| dir.join("bench.db"));
    let store = Store::open(&db)?;
    let accounts = match store.read(|c| {
        Ok(c.query_row("SELECT count(*) FROM transactions", [], |r| {
            r.get::<_, i64>(0)
        })?)
    })? {
        0 => {
            let t0 = Instant::now();
            let accounts = setup_accounts(&store)?;
            populate(&store, &accounts, rows)?;
            store.read(|c| Ok(c.execute_batch("ANALYZE")?))?;
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
    let shapes: Vec<(&str, TransactionFilter, &[u64])> = vec![
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
            },
            &[0, 50],
        ),
        ("search common (uber)", search("uber"), &[0, 50]),
        ("search rare (sparkfun)", search("sparkfun"), &[0, 50]),
        ("search absent (xyzzy)", search("xyzzy"), &[0, 50]),
        ("search uber, offset 500", search("uber"), &[500]),
        // Beyond the targets: how the other paths behave.
        ("search non-ASCII (müller)", search("müller"), &[0, 50]),
        ("search mid-rare (chevron 1)", search("chevron 1"), &[0, 50]),
        (
            "account+search (uber)",
            TransactionFilter {
                account_rowids: Some(vec![accounts[3]]),
                search: Some("uber".into()),
                ..Default::default()
            },
            &[0, 50],
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
    ];
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
