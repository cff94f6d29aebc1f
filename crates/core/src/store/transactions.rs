//! `transactions`: upserted and deleted by sync, listed in pages, streamed for export.
//!
//! Listing is ordered by `(date DESC, id DESC)` and served by two indexes: `(date, id)` for
//! unfiltered or date-filtered pages and `(account_id, date, id)` when accounts are given.
//! Text search is a `LIKE '%…%'` on `search_text` (lowercased name + merchant) evaluated
//! while walking one of those indexes, so the page query stops after `offset + limit` hits.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A transaction as the UI sees it. Amounts are exact decimal strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionView {
    /// Plaid transaction id.
    pub transaction_id: String,
    /// Plaid account id.
    pub account_id: String,
    /// Local link id.
    pub link_id: i64,
    /// Posted date (or occurrence date when pending).
    pub date: NaiveDate,
    /// Authorized date.
    pub authorized_date: Option<NaiveDate>,
    /// Amount, positive = money out.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// ISO currency.
    pub iso_currency_code: Option<String>,
    /// Unofficial currency.
    pub unofficial_currency_code: Option<String>,
    /// Description.
    pub name: String,
    /// Merchant.
    pub merchant_name: Option<String>,
    /// Pending.
    pub pending: bool,
    /// Category (first level), when known.
    pub category: Option<String>,
    /// `online`, `in store`, `other`.
    pub payment_channel: Option<String>,
}

/// Which transactions to list or export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransactionFilter {
    /// Local account row ids (already resolved and checked); `None` = all.
    pub account_rowids: Option<Vec<i64>>,
    /// Inclusive start date.
    pub from: Option<NaiveDate>,
    /// Inclusive end date.
    pub to: Option<NaiveDate>,
    /// Lowercase search text.
    pub search: Option<String>,
}

fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('%');
    for ch in s.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

/// Builds the WHERE clause and its parameters.
fn where_clause(f: &TransactionFilter) -> (String, Vec<rusqlite::types::Value>) {
    use rusqlite::types::Value;
    let mut parts = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    if let Some(ids) = &f.account_rowids {
        if ids.is_empty() {
            parts.push("0".to_string());
        } else {
            let marks = vec!["?"; ids.len()].join(",");
            parts.push(format!("t.account_id IN ({marks})"));
            params.extend(ids.iter().map(|i| Value::Integer(*i)));
        }
    }
    if let Some(d) = f.from {
        parts.push("t.date >= ?".into());
        params.push(Value::Text(d.to_string()));
    }
    if let Some(d) = f.to {
        parts.push("t.date <= ?".into());
        params.push(Value::Text(d.to_string()));
    }
    if let Some(s) = &f.search {
        parts.push("t.search_text LIKE ? ESCAPE '\\'".into());
        params.push(Value::Text(escape_like(s)));
    }
    let clause = if parts.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", parts.join(" AND "))
    };
    (clause, params)
}

fn date(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    let s: Option<String> = r.get(i)?;
    s.map(|s| {
        NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        })
    })
    .transpose()
}

fn view(r: &rusqlite::Row<'_>) -> rusqlite::Result<TransactionView> {
    let amount: String = r.get(5)?;
    Ok(TransactionView {
        transaction_id: r.get(0)?,
        account_id: r.get(1)?,
        link_id: r.get(2)?,
        date: date(r, 3)?.ok_or(rusqlite::Error::InvalidColumnType(
            3,
            "date".into(),
            rusqlite::types::Type::Null,
        ))?,
        authorized_date: date(r, 4)?,
        amount: amount.parse().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, Box::new(e))
        })?,
        iso_currency_code: r.get(6)?,
        unofficial_currency_code: r.get(7)?,
        name: r.get(8)?,
        merchant_name: r.get(9)?,
        pending: r.get(10)?,
        category: r.get(11)?,
        payment_channel: r.get(12)?,
    })
}

const SELECT: &str = "SELECT t.transaction_id, a.account_id, a.link_id, t.date, t.authorized_date, t.amount, \
     t.iso_currency_code, t.unofficial_currency_code, t.name, t.merchant_name, t.pending, t.category, t.payment_channel \
     FROM transactions t JOIN accounts a ON a.id = t.account_id";

/// Queries.
pub mod read {
    use rusqlite::{Connection, params, params_from_iter};

    use super::{SELECT, TransactionFilter, TransactionView, view, where_clause};
    use crate::error::Result;

    /// Number of matching rows.
    pub fn count(c: &Connection, f: &TransactionFilter) -> Result<u64> {
        let (w, p) = where_clause(f);
        let mut st = c.prepare_cached(&format!("SELECT count(*) FROM transactions t {w}"))?;
        Ok(st.query_row(params_from_iter(p), |r| r.get::<_, i64>(0))? as u64)
    }

    /// One page, newest first.
    pub fn page(
        c: &Connection,
        f: &TransactionFilter,
        limit: u32,
        offset: u64,
    ) -> Result<Vec<TransactionView>> {
        let (w, mut p) = where_clause(f);
        p.push(rusqlite::types::Value::Integer(i64::from(limit)));
        p.push(rusqlite::types::Value::Integer(
            offset.min(i64::MAX as u64) as i64
        ));
        let sql = format!("{SELECT} {w} ORDER BY t.date DESC, t.id DESC LIMIT ? OFFSET ?");
        let mut st = c.prepare_cached(&sql)?;
        Ok(st
            .query_map(params_from_iter(p), view)?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Every matching row, newest first, handed one at a time to `each` (export: memory stays
    /// bounded by one row).
    pub fn for_each(
        c: &Connection,
        f: &TransactionFilter,
        mut each: impl FnMut(TransactionView) -> Result<()>,
    ) -> Result<u64> {
        let (w, p) = where_clause(f);
        let sql = format!("{SELECT} {w} ORDER BY t.date DESC, t.id DESC");
        let mut st = c.prepare(&sql)?;
        let mut rows = st.query(params_from_iter(p))?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            each(view(r)?)?;
            n += 1;
        }
        Ok(n)
    }

    /// All transaction ids of a link with their amounts and pending flag (tests, reconcile).
    pub fn ids_of_link(c: &Connection, link_id: i64) -> Result<Vec<(String, String, bool)>> {
        let mut st = c.prepare(
            "SELECT t.transaction_id, t.amount, t.pending FROM transactions t JOIN accounts a ON a.id = t.account_id
             WHERE a.link_id = ?1 ORDER BY t.transaction_id",
        )?;
        Ok(st
            .query_map(params![link_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

/// Changes.
pub mod write {
    use rusqlite::{Connection, params};

    use crate::error::Result;

    /// A transaction to store (from a sync page).
    #[derive(Debug, Clone)]
    pub struct NewTransaction<'a> {
        /// Plaid transaction id.
        pub transaction_id: &'a str,
        /// Local account row id.
        pub account_rowid: i64,
        /// YYYY-MM-DD.
        pub date: String,
        /// YYYY-MM-DD.
        pub authorized_date: Option<String>,
        /// Exact decimal text.
        pub amount: String,
        /// ISO currency.
        pub iso_currency_code: Option<&'a str>,
        /// Unofficial currency.
        pub unofficial_currency_code: Option<&'a str>,
        /// Description.
        pub name: &'a str,
        /// Merchant.
        pub merchant_name: Option<&'a str>,
        /// Pending.
        pub pending: bool,
        /// Id of the pending transaction this posted one replaces.
        pub pending_transaction_id: Option<&'a str>,
        /// Payment channel.
        pub payment_channel: Option<&'a str>,
        /// Category.
        pub category: Option<&'a str>,
    }

    /// Inserts or replaces by transaction id; a posted transaction removes the pending one it
    /// replaces.
    pub fn upsert(c: &Connection, t: &NewTransaction<'_>) -> Result<()> {
        let search = match t.merchant_name {
            Some(m) if !m.is_empty() => format!("{} {}", t.name, m).to_lowercase(),
            _ => t.name.to_lowercase(),
        };
        let mut st = c.prepare_cached(
            "INSERT INTO transactions (transaction_id, account_id, date, authorized_date, amount, iso_currency_code,
                 unofficial_currency_code, name, merchant_name, pending, pending_transaction_id, payment_channel, category, search_text)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
             ON CONFLICT(transaction_id) DO UPDATE SET account_id = excluded.account_id, date = excluded.date,
                 authorized_date = excluded.authorized_date, amount = excluded.amount,
                 iso_currency_code = excluded.iso_currency_code, unofficial_currency_code = excluded.unofficial_currency_code,
                 name = excluded.name, merchant_name = excluded.merchant_name, pending = excluded.pending,
                 pending_transaction_id = excluded.pending_transaction_id, payment_channel = excluded.payment_channel,
                 category = excluded.category, search_text = excluded.search_text",
        )?;
        st.execute(params![
            t.transaction_id,
            t.account_rowid,
            t.date,
            t.authorized_date,
            t.amount,
            t.iso_currency_code,
            t.unofficial_currency_code,
            t.name,
            t.merchant_name,
            t.pending,
            t.pending_transaction_id,
            t.payment_channel,
            t.category,
            search
        ])?;
        if !t.pending
            && let Some(p) = t.pending_transaction_id
            && p != t.transaction_id
        {
            remove(c, p)?;
        }
        Ok(())
    }

    /// Deletes by transaction id; returns whether a row went.
    pub fn remove(c: &Connection, transaction_id: &str) -> Result<bool> {
        let mut st = c.prepare_cached("DELETE FROM transactions WHERE transaction_id = ?1")?;
        Ok(st.execute(params![transaction_id])? > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_is_escaped() {
        assert_eq!(escape_like("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}
