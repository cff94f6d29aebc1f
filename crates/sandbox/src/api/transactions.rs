//! `/transactions/sync` and `/transactions/refresh`.
//!
//! Cursor = base64 of `v1:<position>:<snapshot>:<item tag>`. `snapshot` is the log length when
//! the current update began; while paginating (`position < snapshot`) a log that grew since
//! gives `TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION`, as Plaid does. A cursor at its
//! snapshot starts a new update.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::app::App;
use crate::data::json::{AccountJson, dollars};
use crate::items::with_item;
use crate::plaid_error::ApiError;
use crate::request::{options, str_field};
use crate::state::{Entry, Item, Page, PageTxn, PendingTxn, RemovedTxn};
use crate::webhooks;

/// Default and bounds of `count`.
pub const DEFAULT_COUNT: i64 = 100;
/// Largest `count`.
pub const MAX_COUNT: i64 = 500;

fn tag(item: &Item) -> &str {
    &item.item_id[..8.min(item.item_id.len())]
}

fn encode_cursor(item: &Item, pos: u64, snap: u64) -> String {
    STANDARD.encode(format!("v1:{pos}:{snap}:{}", tag(item)))
}

fn decode_cursor(item: &Item, cursor: &str) -> Result<(u64, u64), ApiError> {
    let bad = || ApiError::invalid_field("cursor is malformed or does not belong to this item");
    let raw = STANDARD.decode(cursor).map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let parts: Vec<&str> = text.split(':').collect();
    let [v, pos, snap, t] = parts.as_slice() else {
        return Err(bad());
    };
    if *v != "v1" || *t != tag(item) {
        return Err(bad());
    }
    let pos: u64 = pos.parse().map_err(|_| bad())?;
    let snap: u64 = snap.parse().map_err(|_| bad())?;
    if pos > snap {
        return Err(bad());
    }
    Ok((pos, snap))
}

/// `TransactionsSyncResponse`, serialized straight from the page (no `Value` tree).
#[derive(Serialize)]
struct SyncResponse<'a> {
    transactions_update_status: &'static str,
    accounts: &'a [AccountJson],
    added: &'a [PageTxn],
    modified: &'a [PageTxn],
    removed: &'a [RemovedTxn],
    next_cursor: &'a str,
    has_more: bool,
    request_id: &'a str,
}

impl SyncResponse<'_> {
    /// The JSON body, written into a buffer sized for it up front.
    fn to_body(&self) -> Result<Vec<u8>, ApiError> {
        let txns = self.added.len() + self.modified.len();
        let size = 256 + self.accounts.len() * 512 + txns * 1400 + self.removed.len() * 96;
        let mut out = Vec::with_capacity(size);
        serde_json::to_writer(&mut out, self)
            .map_err(|_| ApiError::code("INTERNAL_SERVER_ERROR"))?;
        Ok(out)
    }
}

/// `/transactions/sync`.
pub(super) fn sync(
    app: &App,
    body: &Map<String, Value>,
    request_id: &str,
) -> Result<Vec<u8>, ApiError> {
    let now = app.now();
    let count = body
        .get("count")
        .and_then(Value::as_i64)
        .unwrap_or(DEFAULT_COUNT);
    if !(1..=MAX_COUNT).contains(&count) {
        return Err(ApiError::invalid_field(format!(
            "count must be between 1 and {MAX_COUNT}"
        )));
    }
    let opts = options(body);
    let original = opts
        .get("include_original_description")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let account_filter = opts
        .get("account_id")
        .and_then(Value::as_str)
        .map(String::from);
    let cursor = str_field(body, "cursor").unwrap_or("").to_string();
    let read = with_item(app, body, |item, _| {
        item.check_data_access(now)?;
        if let Some(a) = &account_filter
            && !item.account_ids().contains(a)
        {
            return Err(ApiError::with_message(
                "INVALID_ACCOUNT_ID",
                format!("one or more of the account IDs is invalid: {a}"),
            ));
        }
        let accounts = item.accounts_json(true);
        if item.not_ready_pending {
            item.not_ready_pending = false;
            app.touch();
            return Ok(SyncRead {
                status: "NOT_READY",
                accounts,
                page: Page::default(),
                next_cursor: String::new(),
                has_more: false,
            });
        }
        let (pos, snap) = if cursor.is_empty() {
            (0, None)
        } else {
            let (p, s) = decode_cursor(item, &cursor)?;
            (p, Some(s))
        };
        let g = item.generator();
        let snap = match snap {
            Some(s) if pos < s => {
                if item.log_len(&g) != s {
                    return Err(ApiError::code(
                        "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION",
                    ));
                }
                s
            }
            _ => {
                item.settle(now, false);
                item.log_len(&g)
            }
        };
        if pos > snap {
            return Err(ApiError::invalid_field(
                "cursor is malformed or does not belong to this item",
            ));
        }
        let end = (pos + count as u64).min(snap);
        let page = item.read_page(&g, pos, end, account_filter.as_deref(), original);
        let has_more = end < snap;
        let status = if item.historical_served {
            "HISTORICAL_UPDATE_COMPLETE"
        } else {
            "INITIAL_UPDATE_COMPLETE"
        };
        if !has_more {
            item.historical_served = true;
        }
        item.last_successful_update = Some(now);
        app.touch();
        Ok(SyncRead {
            status,
            accounts,
            page,
            next_cursor: encode_cursor(item, end, snap),
            has_more,
        })
    })?;
    SyncResponse {
        transactions_update_status: read.status,
        accounts: &read.accounts,
        added: &read.page.added,
        modified: &read.page.modified,
        removed: &read.page.removed,
        next_cursor: &read.next_cursor,
        has_more: read.has_more,
        request_id,
    }
    .to_body()
}

/// What `/transactions/sync` read under the state guard, serialized after releasing it.
struct SyncRead {
    status: &'static str,
    accounts: Vec<AccountJson>,
    page: Page,
    next_cursor: String,
    has_more: bool,
}

/// `/transactions/refresh`: posts due pending transactions; `user_transactions_dynamic` Items
/// also post every pending one, get new transactions (one posted, one pending) and a modified one.
pub(super) fn refresh(app: &App, body: &Map<String, Value>) -> Result<Value, ApiError> {
    let now = app.now();
    with_item(app, body, |item, hooks| {
        item.check_data_access(now)?;
        let before = item.log.len();
        item.settle(now, item.dynamic);
        if item.dynamic {
            let g = item.generator();
            let today = now.date_naive();
            let n = item.dyn_counter;
            item.dyn_counter += 3;
            item.log.push(Entry::Added {
                txn: g.dynamic(n, today, false),
            });
            let pending = g.dynamic(n + 1, today, true);
            item.log.push(Entry::Added {
                txn: pending.clone(),
            });
            item.open_pending.push(PendingTxn {
                due: now + chrono::Duration::days(2),
                txn: pending,
            });
            let fp = g.first_pending();
            if fp > 0 {
                let idx = fp - 1 - (n / 3) % fp.min(5);
                let mut changed = g.base(idx);
                let amount = changed["amount"].as_f64().unwrap_or(0.0);
                changed["amount"] = dollars((amount * 100.0).round() as i64 + 100);
                item.log.push(Entry::Modified { txn: changed });
            }
        }
        if item.log.len() != before {
            hooks.push(webhooks::body::sync_updates_available(
                &item.item_id,
                true,
                true,
            ));
        }
        item.last_successful_update = Some(now);
        app.touch();
        Ok(json!({}))
    })
}
