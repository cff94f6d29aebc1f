//! Accounts of a link and their balance snapshots, as Plaid lists them.

use coffer_plaid::Account;

use crate::error::Result;
use crate::store::accounts::Balance;
use crate::store::{self, now};

/// Inserts or updates one Plaid account of a link; returns its row id.
pub(crate) fn upsert_account(c: &rusqlite::Connection, link_id: i64, a: &Account) -> Result<i64> {
    let subtype = a.subtype.as_ref().map(|s| s.as_str().to_string());
    store::accounts::write::upsert(
        c,
        link_id,
        &store::accounts::write::NewAccount {
            account_id: &a.account_id,
            name: &a.name,
            official_name: a.official_name.as_deref(),
            mask: a.mask.as_deref(),
            account_type: a.account_type.as_str(),
            subtype: subtype.as_deref(),
        },
    )
}

/// Stores accounts of a link and a balance snapshot of each.
pub(crate) fn store_accounts(
    c: &rusqlite::Connection,
    link_id: i64,
    accounts: &[Account],
    only: Option<&[String]>,
    source: &str,
) -> Result<()> {
    let fetched_at = now();
    for a in accounts {
        if let Some(only) = only
            && !only.contains(&a.account_id)
        {
            continue;
        }
        let rowid = upsert_account(c, link_id, a)?;
        store::accounts::write::insert_balance(
            c,
            rowid,
            &Balance {
                available: a.balances.available,
                current: a.balances.current,
                limit: a.balances.limit,
                iso_currency_code: a.balances.iso_currency_code.clone(),
                unofficial_currency_code: a.balances.unofficial_currency_code.clone(),
                fetched_at: fetched_at.clone(),
                source: source.to_string(),
            },
        )?;
    }
    Ok(())
}
