//! Read-only summaries for the charts, over `balances` and `transactions` (no table of their
//! own): balance history per account (the last snapshot of each UTC day) and spending per
//! month, category and currency (exact sums).
//!
//! Spending is one query over the posted transactions, grouped and summed exactly in Rust
//! ([`read::spending`]).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// One day of an account's balance: the last snapshot of that (UTC) day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BalancePoint {
    /// `YYYY-MM-DD`.
    #[cfg_attr(feature = "ts", ts(as = "String"))]
    pub date: NaiveDate,
    /// Current balance, exact.
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub current: Option<Decimal>,
    /// Available balance, exact.
    #[serde(with = "rust_decimal::serde::str_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub available: Option<Decimal>,
}

/// An account's balance over time (`list_balance_history`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BalanceSeries {
    /// Plaid account id.
    pub account_id: String,
    /// Local link id.
    pub link_id: i64,
    /// Account name.
    pub name: String,
    /// Last digits.
    pub mask: Option<String>,
    /// Plaid type.
    #[serde(rename = "type")]
    pub account_type: String,
    /// Plaid subtype.
    pub subtype: Option<String>,
    /// ISO currency of the latest snapshot.
    pub iso_currency_code: Option<String>,
    /// Unofficial currency of the latest snapshot.
    pub unofficial_currency_code: Option<String>,
    /// Oldest first.
    pub points: Vec<BalancePoint>,
}

/// Money out in one month, category and currency (`list_spending_by_category`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SpendingRow {
    /// `YYYY-MM`.
    pub month: String,
    /// Category group: the person's category (a Plaid primary, or their own), else Plaid's
    /// primary; `None` when there is neither.
    pub category: Option<String>,
    /// ISO currency; `None` for unofficial currencies or none given.
    pub iso_currency_code: Option<String>,
    /// Exact sum of the positive (money out) amounts of posted transactions (split parts
    /// counted each under their category; excluded rows and transfers left out).
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub spent: Decimal,
    /// Number of those transactions.
    pub count: u64,
}

/// Which rows a summary covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChartFilter {
    /// Local account row ids (resolved and checked); `None` = every account.
    pub account_rowids: Option<Vec<i64>>,
    /// Inclusive first day.
    pub from: Option<NaiveDate>,
    /// Inclusive last day.
    pub to: Option<NaiveDate>,
}

impl ChartFilter {
    fn accounts_json(&self) -> Option<String> {
        self.account_rowids
            .as_ref()
            .map(|ids| serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()))
    }
    fn first_day(&self) -> String {
        self.from.map(|d| d.to_string()).unwrap_or_default()
    }
    /// The first day after the range, for `<` on RFC 3339 timestamps.
    fn day_after(&self) -> String {
        self.to
            .and_then(|d| d.succ_opt())
            .map(|d| d.to_string())
            .unwrap_or_else(|| "~".into())
    }
    fn last_day(&self) -> String {
        self.to.map(|d| d.to_string()).unwrap_or_else(|| "~".into())
    }
}

/// Queries.
pub mod read {
    use std::collections::HashMap;

    use rusqlite::{Connection, params};
    use rust_decimal::Decimal;

    use super::{BalancePoint, BalanceSeries, ChartFilter, SpendingRow};
    use crate::error::Result;
    use crate::store::accounts;

    fn dec(s: Option<String>) -> Option<Decimal> {
        s.and_then(|s| s.parse().ok())
    }

    /// One series per selected account (of live and archived links), ordered by link and
    /// account; points are the last snapshot of each UTC day in the range, oldest first.
    pub fn balance_history(c: &Connection, f: &ChartFilter) -> Result<Vec<BalanceSeries>> {
        let accounts_json = f.accounts_json();
        let mut st = c.prepare_cached(
            "SELECT id, link_id, account_id, name, mask, type, subtype FROM accounts
             WHERE ?1 IS NULL OR id IN (SELECT value FROM json_each(?1))
             ORDER BY link_id, id",
        )?;
        let accounts = st
            .query_map(params![accounts_json], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    BalanceSeries {
                        link_id: r.get(1)?,
                        account_id: r.get(2)?,
                        name: r.get(3)?,
                        mask: r.get(4)?,
                        account_type: r.get(5)?,
                        subtype: r.get(6)?,
                        iso_currency_code: None,
                        unofficial_currency_code: None,
                        points: Vec::new(),
                    },
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut points = c.prepare_cached(
            "SELECT day, current, available FROM (
                 SELECT substr(fetched_at, 1, 10) AS day, current, available,
                        row_number() OVER (PARTITION BY substr(fetched_at, 1, 10)
                                           ORDER BY fetched_at DESC, id DESC) AS rn
                 FROM balances
                 WHERE account_id = ?1 AND fetched_at >= ?2 AND fetched_at < ?3)
             WHERE rn = 1 ORDER BY day",
        )?;
        let (from, after) = (f.first_day(), f.day_after());
        let mut out = Vec::with_capacity(accounts.len());
        for (rowid, mut series) in accounts {
            if let Some(latest) = accounts::read::latest_balance(c, rowid)? {
                series.iso_currency_code = latest.iso_currency_code;
                series.unofficial_currency_code = latest.unofficial_currency_code;
            }
            series.points = points
                .query_map(params![rowid, from, after], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?
                .into_iter()
                .filter_map(|(day, current, available)| {
                    Some(BalancePoint {
                        date: day.parse().ok()?,
                        current: dec(current),
                        available: dec(available),
                    })
                })
                .collect();
            out.push(series);
        }
        Ok(out)
    }

    /// The WHERE clause of the spending query (posted transactions, in the accounts and dates)
    /// and its parameters; only the given filters appear, so SQLite picks the account/date
    /// index for accounts, the date index for a date range, and a plain scan for neither.
    fn spending_where(f: &ChartFilter) -> (String, Vec<String>) {
        let mut clauses = vec!["t.pending = 0".to_string()];
        let mut values = Vec::new();
        if let Some(json) = f.accounts_json() {
            values.push(json);
            clauses.push(format!(
                "t.account_id IN (SELECT value FROM json_each(?{}))",
                values.len()
            ));
        }
        if f.from.is_some() {
            values.push(f.first_day());
            clauses.push(format!("t.date >= ?{}", values.len()));
        }
        if f.to.is_some() {
            values.push(f.last_day());
            clauses.push(format!("t.date <= ?{}", values.len()));
        }
        (format!("WHERE {}", clauses.join(" AND ")), values)
    }

    /// Money out per month, category and currency, ordered by month, category and currency.
    ///
    /// One query streams the posted rows of the accounts and dates (the account/date index
    /// with accounts, the date index with a range, a plain scan otherwise); each amount is
    /// parsed as a decimal and added exactly, grouped in a hash map keyed by small integers
    /// (month number, interned category and currency), so no row allocates. Measured faster
    /// than SQLite's own GROUP BY, whose sorter orders every row first (see
    /// `examples/spending_bench.rs`).
    pub fn spending(c: &Connection, f: &ChartFilter) -> Result<Vec<SpendingRow>> {
        let (filter, values) = spending_where(f);
        // The person's words (docs/ARCHITECTURE.md, "Edits, rules, splits and transfers"):
        // their category group over Plaid's, excluded rows and both sides of a transfer left
        // out, a split counted part by part (below).
        let sql = format!(
            "SELECT t.date, t.category_group, t.iso_currency_code, t.amount,
                    coalesce(e.exclude, 0)
                    OR t.transaction_id IN (SELECT out_id FROM transfers)
                    OR t.transaction_id IN (SELECT in_id FROM transfers),
                    t.transaction_id IN (SELECT transaction_id FROM transaction_splits),
                    t.transaction_id
             FROM transactions t LEFT JOIN transaction_edits e ON e.transaction_id = t.transaction_id
             {filter}"
        );
        let mut st = c.prepare_cached(&sql)?;
        let mut rows = st.query(rusqlite::params_from_iter(values.iter()))?;
        let mut names = Interner::default();
        let mut groups: HashMap<(u32, u32, u32), (Decimal, u64)> = HashMap::new();
        let mut add =
            |month: u32, category: Option<&str>, currency: Option<&str>, amount: Decimal| {
                let key = (month, names.id(category), names.id(currency));
                let g = groups.entry(key).or_default();
                g.0 += amount;
                g.1 += 1;
            };
        let mut split_rows = Vec::new();
        while let Some(r) = rows.next()? {
            let Some(Ok(amount)) = text(r, 3)?.map(str::parse::<Decimal>) else {
                tracing::warn!("spending: an amount is not a decimal; left out");
                continue;
            };
            if r.get::<_, bool>(4)? {
                continue;
            }
            let Some(month) = text(r, 0)?.and_then(month_number) else {
                continue;
            };
            if r.get::<_, bool>(5)? {
                split_rows.push((
                    month,
                    text(r, 1)?.map(str::to_string),
                    text(r, 2)?.map(str::to_string),
                    amount,
                    r.get::<_, String>(6)?,
                ));
                continue;
            }
            if amount > Decimal::ZERO {
                add(month, text(r, 1)?, text(r, 2)?, amount);
            }
        }
        drop(rows);
        // Each part of a split under its own category (the row's when it has none); a split
        // that no longer adds up (Plaid changed the amount since) counts as the whole row.
        let mut parts_of = c.prepare_cached(
            "SELECT amount, category_group FROM transaction_splits WHERE transaction_id = ?1 ORDER BY part",
        )?;
        for (month, category, currency, amount, id) in split_rows {
            let parts: Vec<(Option<Decimal>, Option<String>)> = parts_of
                .query_map(params![id], |r| {
                    Ok((r.get::<_, String>(0)?.parse().ok(), r.get(1)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            let sum: Option<Decimal> = parts.iter().map(|p| p.0).sum();
            if sum != Some(amount) {
                if amount > Decimal::ZERO {
                    add(month, category.as_deref(), currency.as_deref(), amount);
                }
                continue;
            }
            for (part, part_category) in parts {
                let part = part.unwrap_or_default();
                if part > Decimal::ZERO {
                    let cat = part_category.as_deref().or(category.as_deref());
                    add(month, cat, currency.as_deref(), part);
                }
            }
        }
        let mut out: Vec<SpendingRow> = groups
            .into_iter()
            .map(
                |((month, category, currency), (spent, count))| SpendingRow {
                    month: format!("{:04}-{:02}", month / 12, month % 12 + 1),
                    category: names.name(category),
                    iso_currency_code: names.name(currency),
                    spent,
                    count,
                },
            )
            .collect();
        out.sort_by(|a, b| {
            (&a.month, &a.category, &a.iso_currency_code).cmp(&(
                &b.month,
                &b.category,
                &b.iso_currency_code,
            ))
        });
        Ok(out)
    }

    /// A text column, borrowed; `None` for NULL (or anything but UTF-8 text).
    fn text<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
        Ok(match r.get_ref(i)? {
            rusqlite::types::ValueRef::Text(b) => std::str::from_utf8(b).ok(),
            _ => None,
        })
    }

    /// `YYYY-MM-…` as `year * 12 + month - 1`.
    fn month_number(date: &str) -> Option<u32> {
        let year: u32 = date.get(0..4)?.parse().ok()?;
        let month: u32 = date.get(5..7)?.parse().ok()?;
        (1..=12).contains(&month).then(|| year * 12 + month - 1)
    }

    /// Categories and currencies as small integers (0 = none), so grouping keys are `Copy`.
    #[derive(Default)]
    struct Interner {
        ids: HashMap<String, u32>,
        names: Vec<String>,
    }

    impl Interner {
        fn id(&mut self, name: Option<&str>) -> u32 {
            let Some(name) = name else { return 0 };
            if let Some(&id) = self.ids.get(name) {
                return id;
            }
            self.names.push(name.to_string());
            let id = self.names.len() as u32;
            self.ids.insert(name.to_string(), id);
            id
        }
        fn name(&self, id: u32) -> Option<String> {
            id.checked_sub(1)
                .and_then(|i| self.names.get(i as usize))
                .cloned()
        }
    }
}
