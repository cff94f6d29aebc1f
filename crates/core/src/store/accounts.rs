//! `accounts` and `balances` (snapshots over time, exact decimal text).

use rust_decimal::Decimal;
use serde::Serialize;

/// A row of `accounts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    /// Local row id.
    pub rowid: i64,
    /// The link it belongs to.
    pub link_id: i64,
    /// Plaid account id.
    pub account_id: String,
    /// Name.
    pub name: String,
    /// Official name.
    pub official_name: Option<String>,
    /// Last digits.
    pub mask: Option<String>,
    /// Plaid type.
    pub account_type: String,
    /// Plaid subtype.
    pub subtype: Option<String>,
}

/// One balance snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Balance {
    /// Available, exact.
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub available: Option<Decimal>,
    /// Current, exact.
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub current: Option<Decimal>,
    /// Credit limit, exact.
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub limit: Option<Decimal>,
    /// ISO currency.
    pub iso_currency_code: Option<String>,
    /// Unofficial currency.
    pub unofficial_currency_code: Option<String>,
    /// When it was fetched (RFC 3339).
    pub fetched_at: String,
    /// Which call fetched it (`accounts_get`, `balance_get`).
    pub source: String,
}

fn dec(s: Option<String>) -> Option<Decimal> {
    s.and_then(|s| s.parse().ok())
}

/// Queries.
pub mod read {
    use rusqlite::{Connection, OptionalExtension, params};

    use super::{AccountRow, Balance, dec};
    use crate::error::Result;

    fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AccountRow> {
        Ok(AccountRow {
            rowid: r.get(0)?,
            link_id: r.get(1)?,
            account_id: r.get(2)?,
            name: r.get(3)?,
            official_name: r.get(4)?,
            mask: r.get(5)?,
            account_type: r.get(6)?,
            subtype: r.get(7)?,
        })
    }
    const COLS: &str = "id, link_id, account_id, name, official_name, mask, type, subtype";

    /// Accounts of a link.
    pub fn by_link(c: &Connection, link_id: i64) -> Result<Vec<AccountRow>> {
        let mut st = c.prepare_cached(&format!(
            "SELECT {COLS} FROM accounts WHERE link_id = ?1 ORDER BY id"
        ))?;
        Ok(st
            .query_map(params![link_id], row)?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Every account's row id and Plaid `account_id`, in row order.
    pub fn all_ids(c: &Connection) -> Result<Vec<(i64, String)>> {
        let mut st = c.prepare_cached("SELECT id, account_id FROM accounts ORDER BY id")?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// An account by Plaid id.
    pub fn by_account_id(c: &Connection, account_id: &str) -> Result<Option<AccountRow>> {
        let mut st = c.prepare_cached(&format!(
            "SELECT {COLS} FROM accounts WHERE account_id = ?1"
        ))?;
        Ok(st.query_row(params![account_id], row).optional()?)
    }

    /// The latest balance snapshot of an account.
    pub fn latest_balance(c: &Connection, rowid: i64) -> Result<Option<Balance>> {
        let mut st = c.prepare_cached(
            "SELECT available, current, credit_limit, iso_currency_code, unofficial_currency_code, fetched_at, source
             FROM balances WHERE account_id = ?1 ORDER BY fetched_at DESC, id DESC LIMIT 1",
        )?;
        Ok(st
            .query_row(params![rowid], |r| {
                Ok(Balance {
                    available: dec(r.get(0)?),
                    current: dec(r.get(1)?),
                    limit: dec(r.get(2)?),
                    iso_currency_code: r.get(3)?,
                    unofficial_currency_code: r.get(4)?,
                    fetched_at: r.get(5)?,
                    source: r.get(6)?,
                })
            })
            .optional()?)
    }

    /// Number of transactions of the given accounts, each counted once however often it is
    /// named: the sum of `accounts.txn_count`, which triggers keep exact (migration 6).
    pub fn transaction_count(c: &Connection, rowids: &[i64]) -> Result<u64> {
        let mut ids = rowids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut st = c.prepare_cached(
            "SELECT coalesce(sum(txn_count), 0) FROM accounts WHERE id IN (SELECT value FROM json_each(?1))",
        )?;
        let json = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
        let n: i64 = st.query_row(params![json], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// Number of balance snapshots of an account.
    pub fn balance_count(c: &Connection, rowid: i64) -> Result<i64> {
        Ok(c.query_row(
            "SELECT count(*) FROM balances WHERE account_id = ?1",
            params![rowid],
            |r| r.get(0),
        )?)
    }
}

/// Changes.
pub mod write {
    use rusqlite::{Connection, params};

    use super::Balance;
    use crate::error::Result;
    use crate::store::now;

    /// An account as Plaid describes it.
    #[derive(Debug, Clone)]
    pub struct NewAccount<'a> {
        /// Plaid account id.
        pub account_id: &'a str,
        /// Name.
        pub name: &'a str,
        /// Official name.
        pub official_name: Option<&'a str>,
        /// Mask.
        pub mask: Option<&'a str>,
        /// Type.
        pub account_type: &'a str,
        /// Subtype.
        pub subtype: Option<&'a str>,
    }

    /// Inserts or updates an account of `link_id`; returns its row id.
    pub fn upsert(c: &Connection, link_id: i64, a: &NewAccount<'_>) -> Result<i64> {
        let t = now();
        let mut st = c.prepare_cached(
            "INSERT INTO accounts (link_id, account_id, name, official_name, mask, type, subtype, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
             ON CONFLICT(account_id) DO UPDATE SET name = excluded.name, official_name = excluded.official_name,
                 mask = excluded.mask, type = excluded.type, subtype = excluded.subtype, updated_at = excluded.updated_at
             RETURNING id",
        )?;
        Ok(st.query_row(
            params![
                link_id,
                a.account_id,
                a.name,
                a.official_name,
                a.mask,
                a.account_type,
                a.subtype,
                t
            ],
            |r| r.get(0),
        )?)
    }

    /// Stores a balance snapshot.
    pub fn insert_balance(c: &Connection, rowid: i64, b: &Balance) -> Result<()> {
        let mut st = c.prepare_cached(
            "INSERT INTO balances (account_id, fetched_at, source, available, current, credit_limit, iso_currency_code, unofficial_currency_code)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        st.execute(params![
            rowid,
            b.fetched_at,
            b.source,
            b.available.map(|d| d.to_string()),
            b.current.map(|d| d.to_string()),
            b.limit.map(|d| d.to_string()),
            b.iso_currency_code,
            b.unofficial_currency_code
        ])?;
        Ok(())
    }
}
