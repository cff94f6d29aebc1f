//! Transfers: money leaving one of the person's accounts and arriving in another is not
//! spending or income. Pairs are found after every sync ([`pair_all`]) and kept in
//! `transfers`; the person can pair or unpair by hand (an unpaired row is never paired
//! again automatically).
//!
//! Plaid fields relied on: `amount` (positive = money out) and `iso_currency_code`, `date`,
//! `account_id`, `pending` (only posted rows pair), `personal_finance_category.primary`
//! (`TRANSFER_OUT`, `TRANSFER_IN`, `LOAN_PAYMENTS`) and the account's `type` (`credit`,
//! `loan`). A pair is: an outflow categorised `TRANSFER_OUT` or `LOAN_PAYMENTS`, and an inflow
//! of exactly the same size and currency in another account, categorised `TRANSFER_IN` or
//! `LOAN_PAYMENTS` or landing on a credit or loan account (a card's payment received),
//! at most [`WINDOW_DAYS`] apart; the closest date wins, then the earliest row. A category
//! the person changed away from those makes a row no candidate.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::Connection;
use rust_decimal::Decimal;

use crate::error::Result;
use crate::store::personal::write;

/// How many days apart the two sides of a transfer may be.
pub const WINDOW_DAYS: i64 = 4;

struct Side {
    id: String,
    account: i64,
    date: NaiveDate,
}

/// Pairs every unpaired candidate (see the module doc). Returns how many pairs were made.
pub fn pair_all(c: &Connection) -> Result<u64> {
    let mut st = c.prepare_cached(
        "SELECT t.transaction_id, t.account_id, t.date, t.amount, coalesce(t.iso_currency_code, t.unofficial_currency_code, ''),
                t.category_group, a.type
         FROM transactions t JOIN accounts a ON a.id = t.account_id
         LEFT JOIN transaction_edits e ON e.transaction_id = t.transaction_id
         WHERE NOT t.pending AND coalesce(e.not_transfer, 0) = 0
           AND (t.category IN ('TRANSFER_OUT', 'TRANSFER_IN', 'LOAN_PAYMENTS') OR a.type IN ('credit', 'loan'))
           AND t.transaction_id NOT IN (SELECT out_id FROM transfers)
           AND t.transaction_id NOT IN (SELECT in_id FROM transfers)",
    )?;
    let mut rows = st.query([])?;
    // (currency, size) -> outflows and inflows.
    let mut outs: HashMap<(String, Decimal), Vec<Side>> = HashMap::new();
    let mut ins: HashMap<(String, Decimal), Vec<Side>> = HashMap::new();
    while let Some(r) = rows.next()? {
        let amount: String = r.get(3)?;
        let Ok(amount) = amount.parse::<Decimal>() else {
            continue;
        };
        let date: String = r.get(2)?;
        let Ok(date) = NaiveDate::parse_from_str(&date, "%Y-%m-%d") else {
            continue;
        };
        let group: Option<String> = r.get(5)?;
        let account_type: String = r.get(6)?;
        let group = group.as_deref();
        let side = Side {
            id: r.get(0)?,
            account: r.get(1)?,
            date,
        };
        let key = (r.get::<_, String>(4)?, amount.abs().normalize());
        if amount > Decimal::ZERO && matches!(group, Some("TRANSFER_OUT" | "LOAN_PAYMENTS")) {
            outs.entry(key).or_default().push(side);
        } else if amount < Decimal::ZERO
            && (matches!(group, Some("TRANSFER_IN" | "LOAN_PAYMENTS"))
                || matches!(account_type.as_str(), "credit" | "loan"))
        {
            ins.entry(key).or_default().push(side);
        }
    }
    drop(rows);
    let mut made = 0;
    for (key, mut o) in outs {
        let Some(candidates) = ins.get_mut(&key) else {
            continue;
        };
        o.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
        candidates.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
        for out in o {
            let best = candidates
                .iter()
                .enumerate()
                .filter(|(_, i)| {
                    i.account != out.account && (i.date - out.date).num_days().abs() <= WINDOW_DAYS
                })
                .min_by_key(|(_, i)| ((i.date - out.date).num_days().abs(), i.date, i.id.clone()))
                .map(|(n, _)| n);
            if let Some(n) = best {
                let inflow = candidates.remove(n);
                write::pair(c, &out.id, &inflow.id, false)?;
                made += 1;
            }
        }
    }
    if made > 0 {
        write::bump(c)?;
    }
    Ok(made)
}
