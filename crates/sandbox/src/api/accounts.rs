//! `/accounts/get` and `/accounts/balance/get`.

use serde_json::{Map, Value, json};

use crate::app::App;
use crate::data::json::AccountJson;
use crate::items::with_item;
use crate::plaid_error::ApiError;
use crate::request::{options, str_list};

fn accounts(app: &App, body: &Map<String, Value>) -> Result<Value, ApiError> {
    let now = app.now();
    with_item(app, body, |item, _| {
        item.check_data_access(now)?;
        let wanted = str_list(&options(body), "account_ids");
        let ids = item.account_ids();
        if let Some(bad) = wanted.iter().find(|w| !ids.contains(w)) {
            return Err(ApiError::with_message(
                "INVALID_ACCOUNT_ID",
                format!("one or more of the account IDs is invalid: {bad}"),
            ));
        }
        let accounts: Vec<AccountJson> = item
            .accounts_json(false)
            .into_iter()
            .filter(|a| wanted.is_empty() || wanted.contains(&a.account_id))
            .collect();
        Ok(json!({ "accounts": accounts, "item": item.item_json(now, false) }))
    })
}

/// `/accounts/get`.
pub(super) fn get(app: &App, body: &Map<String, Value>) -> Result<Value, ApiError> {
    accounts(app, body)
}

/// `/accounts/balance/get` (balances are static in the sandbox, so the same data).
pub(super) fn balance_get(app: &App, body: &Map<String, Value>) -> Result<Value, ApiError> {
    accounts(app, body)
}
