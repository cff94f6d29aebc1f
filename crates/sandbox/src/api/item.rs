//! `/item/public_token/exchange`, `/item/get`, `/item/remove` (the Item operations themselves
//! are in `items`).

use serde_json::{Map, Value, json};

use crate::app::App;
use crate::items::{exchange_public_token, remove_item, with_item};
use crate::plaid_error::ApiError;
use crate::request::str_field;
use crate::state::rfc3339;

/// `/item/public_token/exchange`: single use, 30 minutes.
pub(super) fn exchange(app: &App, body: &Map<String, Value>) -> Result<Value, ApiError> {
    let token = str_field(body, "public_token").unwrap_or_default();
    let now = app.now();
    let mut st = app.state();
    let (access_token, item_id) = exchange_public_token(&mut st, token, now)?;
    drop(st);
    app.touch();
    Ok(json!({ "access_token": access_token, "item_id": item_id }))
}

/// `/item/get`: the Item with its error (e.g. `ITEM_LOGIN_REQUIRED`) and status.
pub(super) fn get(app: &App, body: &Map<String, Value>) -> Result<Value, ApiError> {
    let now = app.now();
    with_item(app, body, |item, _| {
        let last_webhook = item
            .last_webhook
            .as_ref()
            .map(|(at, code)| json!({"sent_at": rfc3339(*at), "code_sent": code}));
        Ok(json!({
            "item": item.item_json(now, true),
            "status": {
                "transactions": {
                    "last_successful_update": item.last_successful_update.map(rfc3339),
                    "last_failed_update": null,
                },
                "investments": null,
                "last_webhook": last_webhook,
            },
        }))
    })
}

/// `/item/remove`: the access token is dead for good (`ITEM_NOT_FOUND` afterwards).
pub(super) fn remove(app: &App, body: &Map<String, Value>) -> Result<Value, ApiError> {
    let mut st = app.state();
    remove_item(&mut st, str_field(body, "access_token").unwrap_or_default())?;
    drop(st);
    app.touch();
    Ok(json!({}))
}
