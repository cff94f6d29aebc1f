//! `list_transactions` search against a naive filter over every row: the trigram index and
//! the planner's choices must return exactly the rows (and total) that "lowercase name +
//! merchant contains the lowercase term" selects, for short, non-ASCII and `%`/`_` terms,
//! mixed with account and date filters and offsets (one account, two, one named twice, with
//! and without dates; common, rare and absent terms; offsets 0 to 500), and after updates,
//! deletes, rows moving to another account, pending replaced by posted, link removal and a
//! migration from a database that already had rows.

use chrono::NaiveDate;
use coffer_core::TransactionFilter;
use coffer_core::TransactionView;
use coffer_core::store::{self, Store};

/// Rows: enough that an unfiltered search (and two accounts) is past the planner's
/// small-range scan, so the trigram index and both page plans are exercised.
const ROWS: u64 = 20_000;

const NAMES: [&str; 16] = [
    "UBER *TRIP {n}",
    "Uber Eats {n}",
    "STARBUCKS STORE #{n}",
    "Café Müller {n}",
    "ÉCLAIR Pâtisserie",
    "東京ラーメン {n}号店",
    "50% OFF SALE {n}",
    "a_b TRANSFER {n}",
    "PAYMENT \"THANK YOU\" {n}",
    "KFC #{n}",
    "SparkFun {n}",
    "İSTANBUL KEBAB {n}",
    "ŁÓDŹ SKLEP",
    "Straße 5",
    "x",
    "Ab",
];
const MERCHANTS: [Option<&str>; 6] = [
    None,
    Some("Uber"),
    Some("Starbücks"),
    Some(""),
    Some("50%_Merchant"),
    Some("ÜBER GmbH"),
];

fn next(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}

struct Db {
    _dir: tempfile::TempDir,
    store: Store,
    link: i64,
    accounts: Vec<i64>,
}

fn account_ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("acct-{i}")).collect()
}

fn setup(store: &Store, item: &str) -> (i64, Vec<i64>) {
    store
        .write(|c| {
            let link = store::links::write::insert(
                c,
                &store::links::write::NewLink {
                    item_id: item,
                    institution_id: None,
                    institution_name: None,
                    name: item,
                    products: &[],
                },
            )?;
            let accounts = account_ids(3)
                .iter()
                .map(|a| {
                    store::accounts::write::upsert(
                        c,
                        link,
                        &store::accounts::write::NewAccount {
                            account_id: &format!("{item}-{a}"),
                            name: "A",
                            official_name: None,
                            mask: None,
                            account_type: "depository",
                            subtype: None,
                        },
                    )
                })
                .collect::<coffer_core::Result<Vec<i64>>>()?;
            Ok((link, accounts))
        })
        .expect("setup")
}

struct Row {
    id: String,
    account: i64,
    date: String,
    name: String,
    merchant: Option<&'static str>,
    pending: bool,
    pending_id: Option<String>,
}

fn gen_row(x: &mut u64, i: u64, prefix: &str, accounts: &[i64]) -> Row {
    let r = next(x);
    let name =
        NAMES[(r % NAMES.len() as u64) as usize].replace("{n}", &((r >> 8) % 997).to_string());
    let start = NaiveDate::from_ymd_opt(2022, 1, 1).expect("date");
    Row {
        id: format!("{prefix}{i}"),
        account: accounts[((r >> 20) % accounts.len() as u64) as usize],
        date: (start + chrono::Duration::days(((r >> 24) % 700) as i64)).to_string(),
        name,
        merchant: MERCHANTS[((r >> 32) % MERCHANTS.len() as u64) as usize],
        pending: false,
        pending_id: None,
    }
}

fn upsert(c: &rusqlite::Connection, t: &Row) -> coffer_core::Result<()> {
    store::transactions::write::upsert(
        c,
        &store::transactions::write::NewTransaction {
            transaction_id: &t.id,
            account_rowid: t.account,
            date: t.date.clone(),
            authorized_date: None,
            amount: "1.00".into(),
            iso_currency_code: Some("USD"),
            unofficial_currency_code: None,
            name: &t.name,
            merchant_name: t.merchant,
            pending: t.pending,
            pending_transaction_id: t.pending_id.as_deref(),
            payment_channel: None,
            category: None,
            category_detailed: None,
        },
    )
}

fn populate(rows: u64) -> Db {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path().join("s.db")).expect("open");
    let (link, accounts) = setup(&store, "item");
    store
        .write(|c| {
            let mut x = 0x2545_F491_4F6C_DD1D_u64;
            for i in 0..rows {
                upsert(c, &gen_row(&mut x, i, "t", &accounts))?;
            }
            Ok(())
        })
        .expect("populate");
    Db {
        _dir: dir,
        store,
        link,
        accounts,
    }
}

/// Every row, newest first, through the unfiltered export path (no search involved).
fn all_rows(store: &Store) -> Vec<TransactionView> {
    let mut out = Vec::new();
    store
        .read(|c| {
            store::transactions::read::for_each(c, &TransactionFilter::default(), |t| {
                out.push(t);
                Ok(())
            })
        })
        .expect("all");
    out
}

/// The naive answer: filter every row in memory.
fn naive<'a>(
    store: &Store,
    all: &'a [TransactionView],
    f: &TransactionFilter,
) -> Vec<&'a TransactionView> {
    let accounts: Option<Vec<String>> = f.account_rowids.as_ref().map(|ids| {
        store
            .read(|c| {
                let mut st = c.prepare("SELECT id, account_id FROM accounts")?;
                let map: Vec<(i64, String)> = st
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                Ok(ids
                    .iter()
                    .filter_map(|id| map.iter().find(|(i, _)| i == id).map(|(_, a)| a.clone()))
                    .collect())
            })
            .expect("accounts")
    });
    let term = f.search.as_ref().map(|s| s.to_lowercase());
    all.iter()
        .filter(|t| accounts.as_ref().is_none_or(|a| a.contains(&t.account_id)))
        .filter(|t| f.from.is_none_or(|d| t.date >= d))
        .filter(|t| f.to.is_none_or(|d| t.date <= d))
        .filter(|t| {
            term.as_ref().is_none_or(|term| {
                let text = match t.merchant_name.as_deref() {
                    Some(m) if !m.is_empty() => format!("{} {m}", t.name),
                    _ => t.name.clone(),
                }
                .to_lowercase();
                text.contains(term.as_str())
            })
        })
        .collect()
}

const TERMS: [&str; 24] = [
    "a",
    "x",
    "ü",
    "5",
    "%",
    "_",
    "\"",
    "ub",
    "ab",
    "50",
    "b_",
    "uber",
    "über",
    "müller",
    "café m",
    "starbücks",
    "50%",
    "a_b",
    "% off",
    "\"thank you\"",
    "東京ラーメン",
    "ラー",
    "sparkfun 1",
    "zzz-absent",
];

fn filters(db: &Db) -> Vec<TransactionFilter> {
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
    let mut out = Vec::new();
    let ranges = [
        TransactionFilter::default(),
        TransactionFilter {
            account_rowids: Some(vec![db.accounts[0]]),
            ..Default::default()
        },
        TransactionFilter {
            account_rowids: Some(vec![db.accounts[1], db.accounts[2]]),
            ..Default::default()
        },
        TransactionFilter {
            from: d(2022, 3, 1),
            to: d(2022, 3, 31),
            ..Default::default()
        },
        TransactionFilter {
            account_rowids: Some(vec![db.accounts[2]]),
            from: d(2022, 6, 1),
            to: d(2023, 5, 31),
            ..Default::default()
        },
        // Two accounts and a date range; an account named twice; only an end date.
        TransactionFilter {
            account_rowids: Some(vec![db.accounts[0], db.accounts[2]]),
            from: d(2022, 2, 1),
            to: d(2023, 9, 30),
            ..Default::default()
        },
        TransactionFilter {
            account_rowids: Some(vec![db.accounts[1], db.accounts[1]]),
            ..Default::default()
        },
        TransactionFilter {
            account_rowids: Some(vec![db.accounts[0]]),
            to: d(2022, 12, 31),
            ..Default::default()
        },
    ];
    for r in &ranges {
        for t in TERMS {
            out.push(TransactionFilter {
                search: Some(t.to_string()),
                ..r.clone()
            });
        }
    }
    out.extend(ranges);
    out
}

/// Compares every filter at several offsets; returns how many comparisons were made.
fn check_all(db: &Db, label: &str) -> usize {
    let all = all_rows(&db.store);
    let mut n = 0;
    for f in filters(db) {
        let want = naive(&db.store, &all, &f);
        for (limit, offset) in [(50u32, 0u64), (50, 50), (7, 3), (50, 500), (1000, 0)] {
            let page = db.store.list_transactions(&f, limit, offset).expect("list");
            assert_eq!(
                page.total,
                want.len() as u64,
                "{label}: total for {f:?} at offset {offset}"
            );
            let got: Vec<&str> = page
                .rows
                .iter()
                .map(|t| t.transaction_id.as_str())
                .collect();
            let expected: Vec<&str> = want
                .iter()
                .skip(offset as usize)
                .take(limit as usize)
                .map(|t| t.transaction_id.as_str())
                .collect();
            assert_eq!(
                got, expected,
                "{label}: rows for {f:?} limit {limit} offset {offset}"
            );
            n += 1;
        }
    }
    n
}

/// The index holds exactly what `transactions` holds and nothing is left queued.
fn assert_index_in_step(store: &Store) {
    store
        .read(|c| {
            c.execute(
                "INSERT INTO transactions_fts (transactions_fts, rank) VALUES ('integrity-check', 1)",
                [],
            )?;
            let queued: i64 =
                c.query_row("SELECT count(*) FROM transactions_fts_queue", [], |r| r.get(0))?;
            assert_eq!(queued, 0, "changes left queued");
            // Every row is in its account's row id range (migration 7).
            let outside: i64 = c.query_row(
                "SELECT count(*) FROM transactions WHERE id >> 40 != account_id",
                [],
                |r| r.get(0),
            )?;
            assert_eq!(outside, 0, "rows outside their account's id range");
            Ok(())
        })
        .expect("integrity-check");
}

/// Every account's transaction counter (migration 6) equals its rows; returns their sum.
fn assert_counts_in_step(store: &Store) -> i64 {
    store
        .read(|c| {
            let mut st = c.prepare(
                "SELECT a.id, a.txn_count, (SELECT count(*) FROM transactions t WHERE t.account_id = a.id)
                 FROM accounts a",
            )?;
            let rows: Vec<(i64, i64, i64)> = st
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (id, counter, real) in &rows {
                assert_eq!(counter, real, "account {id}: counter vs rows");
            }
            let all: i64 = c.query_row("SELECT count(*) FROM transactions", [], |r| r.get(0))?;
            let sum: i64 = rows.iter().map(|r| r.1).sum();
            assert_eq!(sum, all, "counters vs all rows");
            Ok(sum)
        })
        .expect("counters")
}

#[test]
fn search_matches_a_naive_filter() {
    let db = populate(ROWS);
    assert_index_in_step(&db.store);
    assert_eq!(assert_counts_in_step(&db.store), ROWS as i64);
    // Sanity: the data exercise what they should.
    let all = all_rows(&db.store);
    let uber = TransactionFilter {
        search: Some("uber".into()),
        ..Default::default()
    };
    let n = naive(&db.store, &all, &uber).len();
    assert!(n > 2000 && n < 10_000, "uber matches {n}");
    let n = check_all(&db, "fresh");
    assert!(n > 500);

    // Upper-case and mixed-case terms are lowercased like the validator does.
    let upper = TransactionFilter {
        search: Some("CAFÉ MÜLLER".into()),
        ..Default::default()
    };
    let lower = TransactionFilter {
        search: Some("café müller".into()),
        ..Default::default()
    };
    let a = db.store.list_transactions(&upper, 100, 0).expect("upper");
    let b = db.store.list_transactions(&lower, 100, 0).expect("lower");
    assert!(b.total > 0);
    assert_eq!(a, b);
}

#[test]
fn index_follows_updates_deletes_and_pending_replacement() {
    let db = populate(ROWS);
    let x = &mut 0x1234_5678_9ABC_DEF1_u64;
    db.store
        .write(|c| {
            // Renames: every 7th row gets another row's name and merchant (search text changes).
            let mut y = 0x2545_F491_4F6C_DD1D_u64;
            for i in 0..ROWS {
                let mut row = gen_row(&mut y, i, "t", &db.accounts);
                if i % 7 == 0 {
                    let other = gen_row(x, i, "t", &db.accounts);
                    row.name = format!("Renamed {} xyzzy", other.name);
                    row.merchant = other.merchant;
                    upsert(c, &row)?;
                } else if i % 11 == 0 {
                    // Same text, other fields: nothing for the index to do.
                    row.date = "2021-12-31".into();
                    upsert(c, &row)?;
                } else if i % 5 == 0 {
                    // Same text, another account: the index's account column follows.
                    let at = db.accounts.iter().position(|a| *a == row.account);
                    row.account = db.accounts[at.map_or(0, |p| (p + 1) % db.accounts.len())];
                    upsert(c, &row)?;
                }
            }
            // Deletes.
            for i in (3..ROWS).step_by(13) {
                store::transactions::write::remove(c, &format!("t{i}"))?;
            }
            // Pending rows, then the posted rows replacing them (new ids, other names).
            for i in 0..300u64 {
                let mut p = gen_row(x, i, "p", &db.accounts);
                p.pending = true;
                p.name = format!("PENDING {} qqpend", p.name);
                upsert(c, &p)?;
            }
            Ok(())
        })
        .expect("changes");
    assert_index_in_step(&db.store);
    // Upserts that conflict (same account or another), deletes, new pending rows.
    assert_counts_in_step(&db.store);
    let pend = TransactionFilter {
        search: Some("qqpend".into()),
        ..Default::default()
    };
    assert_eq!(
        db.store.list_transactions(&pend, 10, 0).expect("l").total,
        300
    );
    check_all(&db, "after updates and deletes");

    db.store
        .write(|c| {
            for i in 0..300u64 {
                let mut p = gen_row(x, i, "posted", &db.accounts);
                p.name = format!("POSTED {}", p.name);
                p.pending_id = Some(format!("p{i}"));
                upsert(c, &p)?;
            }
            Ok(())
        })
        .expect("posted");
    assert_index_in_step(&db.store);
    assert_counts_in_step(&db.store);
    assert_eq!(
        db.store.list_transactions(&pend, 10, 0).expect("l").total,
        0
    );
    let posted = TransactionFilter {
        search: Some("posted".into()),
        ..Default::default()
    };
    assert_eq!(
        db.store.list_transactions(&posted, 10, 0).expect("l").total,
        300
    );
    check_all(&db, "after pending replaced");

    // A second link, then its removal (cascade deletes its transactions).
    let (link2, accounts2) = setup(&db.store, "other");
    db.store
        .write(|c| {
            for i in 0..3000u64 {
                let mut r = gen_row(x, i, "o", &accounts2);
                r.name = format!("{} secondlink", r.name);
                upsert(c, &r)?;
            }
            Ok(())
        })
        .expect("link2");
    let before = assert_counts_in_step(&db.store);
    let two = TransactionFilter {
        account_rowids: Some(vec![accounts2[0], accounts2[2], accounts2[0]]),
        ..Default::default()
    };
    let in_two = db.store.list_transactions(&two, 5, 0).expect("l").total;
    assert!(in_two > 1000 && in_two < 3000, "{in_two}");
    let second = TransactionFilter {
        search: Some("secondlink".into()),
        ..Default::default()
    };
    assert_eq!(
        db.store.list_transactions(&second, 10, 0).expect("l").total,
        3000
    );
    db.store
        .write(|c| store::links::write::delete(c, link2))
        .expect("delete link");
    assert_index_in_step(&db.store);
    // The cascade took the link's accounts and their rows: the others' counters hold.
    assert_eq!(assert_counts_in_step(&db.store), before - 3000);
    assert_eq!(db.store.list_transactions(&two, 5, 0).expect("l").total, 0);
    assert_eq!(
        db.store.list_transactions(&second, 10, 0).expect("l").total,
        0
    );
    check_all(&db, "after link removal");
    assert!(db.link > 0);
}

#[test]
fn a_write_through_a_bare_connection_is_never_served_stale() {
    let db = populate(ROWS);
    let path = db.store.path().to_path_buf();
    // Another connection writes without the store's flush: the change is only queued.
    let c = rusqlite::Connection::open(&path).expect("open");
    c.execute(
        "UPDATE transactions SET name = 'Zebra Stale', merchant_name = NULL, search_text = 'zebra stale'
         WHERE transaction_id = 't5'",
        [],
    )
    .expect("update");
    // A move to another account, a delete and an insert through it: the counters follow
    // (triggers, not the store's code).
    c.execute(
        "UPDATE transactions SET account_id = ?1 WHERE transaction_id = 't6' AND account_id != ?1",
        [db.accounts[0]],
    )
    .expect("move");
    c.execute(
        "UPDATE transactions SET account_id = ?1 WHERE transaction_id = 't7' AND account_id != ?1",
        [db.accounts[1]],
    )
    .expect("move");
    c.execute("DELETE FROM transactions WHERE transaction_id = 't8'", [])
        .expect("delete");
    c.execute(
        "INSERT INTO transactions (transaction_id, account_id, date, amount, name, pending, search_text)
         VALUES ('bare', ?1, '2022-05-05', '1.00', 'Bare Row', 0, 'bare row')",
        [db.accounts[2]],
    )
    .expect("insert");
    drop(c);
    assert_eq!(assert_counts_in_step(&db.store), ROWS as i64);
    let f = TransactionFilter {
        search: Some("zebra stale".into()),
        ..Default::default()
    };
    let page = db.store.list_transactions(&f, 10, 0).expect("list");
    assert_eq!(page.total, 1);
    assert_eq!(page.rows[0].transaction_id, "t5");
    check_all(&db, "queued");
    // The next write transaction catches the index up.
    db.store.write(|_| Ok(())).expect("write");
    assert_index_in_step(&db.store);
    check_all(&db, "caught up");
}

#[test]
fn migration_indexes_existing_rows() {
    // From version 1 (no search index), 2 (the index without accounts), 3 (the accounts
    // through a view), 4 and 5 (no per-account counters: backfilled by migration 6); the
    // rows written through a bare connection, so still queued.
    for version in [1, 2, 3, 4, 5] {
        migrate_from(version);
    }
}

fn migrate_from(version: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("old.db");
    {
        // A database with rows, as an earlier release wrote it.
        let c = rusqlite::Connection::open(&path).expect("open");
        for m in &store::schema::MIGRATIONS[..version] {
            c.execute_batch(m).expect("old schema");
        }
        c.pragma_update(None, "user_version", version as i64)
            .expect("version");
        c.execute_batch(
            "
             INSERT INTO links (id, item_id, name, created_at, updated_at) VALUES (1, 'i', 'L', 'x', 'x');
             INSERT INTO accounts (id, link_id, account_id, name, type, created_at, updated_at)
                 VALUES (1, 1, 'acct', 'A', 'depository', 'x', 'x');",
        )
        .expect("link");
        let mut st = c
            .prepare(
                "INSERT INTO transactions (transaction_id, account_id, date, amount, name, merchant_name, pending, search_text)
                 VALUES (?1, 1, ?2, '1.00', ?3, ?4, 0, ?5)",
            )
            .expect("prepare");
        let mut x = 0x2545_F491_4F6C_DD1D_u64;
        for i in 0..ROWS {
            let r = gen_row(&mut x, i, "t", &[1]);
            let text = match r.merchant {
                Some(m) if !m.is_empty() => format!("{} {m}", r.name),
                _ => r.name.clone(),
            }
            .to_lowercase();
            st.execute(rusqlite::params![r.id, r.date, r.name, r.merchant, text])
                .expect("insert");
        }
    }
    let store = Store::open(&path).expect("migrate");
    if version >= 5 {
        // No migration after 5 rebuilds the search index: the bare connection's rows stay
        // queued until the store's next write transaction applies them.
        store.write(|_| Ok(())).expect("flush");
    }
    assert_index_in_step(&store);
    assert_eq!(assert_counts_in_step(&store), ROWS as i64);
    let one = TransactionFilter {
        account_rowids: Some(vec![1]),
        ..Default::default()
    };
    assert_eq!(store.list_transactions(&one, 1, 0).expect("l").total, ROWS);
    let db = Db {
        _dir: dir,
        store,
        link: 1,
        accounts: vec![1; 3],
    };
    check_all(&db, &format!("migrated from {version}"));
}
