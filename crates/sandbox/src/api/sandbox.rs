//! Sandbox-only endpoints: `/sandbox/public_token/create`, `/sandbox/item/reset_login`,
//! `/sandbox/item/fire_webhook`, `/sandbox/transactions/create`.

use serde_json::{Map, Value, json};

use super::items::{NewItem, check_login, create_item, institution_or_err, issue_public_token};
use super::{App, check_products, options, str_field, str_list};
use crate::data::{self, custom_txn};
use crate::ids;
use crate::plaid_error::ApiError;
use crate::state::Entry;

/// `/sandbox/public_token/create`. Items made here skip `NOT_READY`: Plaid's Sandbox has the
/// initial pull done within seconds, and tests want determinism.
pub(super) fn public_token_create(app: &App, body: &Map<String, Value>) -> Result<Value, ApiError> {
    let ins = institution_or_err(str_field(body, "institution_id").unwrap_or_default())?;
    let products = str_list(body, "initial_products");
    if products.is_empty() {
        return Err(ApiError::invalid_field(
            "initial_products must contain at least one product",
        ));
    }
    check_products(&products)?;
    let unsupported: Vec<&str> = products
        .iter()
        .map(String::as_str)
        .filter(|p| !ins.products.contains(p))
        .collect();
    if !unsupported.is_empty() {
        return Err(ApiError::with_message(
            "INVALID_PRODUCT",
            format!(
                "the following products are not supported by this institution: {}",
                unsupported.join(", ")
            ),
        ));
    }
    let opts = options(body);
    let username = opts
        .get("override_username")
        .and_then(Value::as_str)
        .unwrap_or("user_good");
    let password = opts
        .get("override_password")
        .and_then(Value::as_str)
        .unwrap_or("pass_good");
    let login = check_login(ins, username, password, false)?;
    let webhook = opts
        .get("webhook")
        .and_then(Value::as_str)
        .map(String::from);
    let now = app.now();
    let mut st = app.state();
    let new = NewItem {
        products,
        webhook,
        account_slots: (0..data::ACCOUNTS.len()).collect(),
        via_link: false,
    };
    let item_id = create_item(app, &mut st, ins, &login, new);
    let token = issue_public_token(&mut st, &item_id, now);
    drop(st);
    app.touch();
    Ok(json!({ "public_token": token }))
}

/// `/sandbox/item/reset_login`: the Item needs update mode from now on.
pub(super) fn reset_login(app: &App, body: &Map<String, Value>) -> Result<Value, ApiError> {
    let mut st = app.state();
    let item = st.item_mut(str_field(body, "access_token").unwrap_or_default())?;
    item.login_required = true;
    drop(st);
    app.touch();
    Ok(json!({ "reset_login": true }))
}

/// `/sandbox/item/fire_webhook`: records the webhook in `/item/get`'s status. Nothing is sent:
/// the sandbox is offline and a desktop app has no public endpoint.
pub(super) fn fire_webhook(app: &App, body: &Map<String, Value>) -> Result<Value, ApiError> {
    let now = app.now();
    let code = str_field(body, "webhook_code")
        .unwrap_or_default()
        .to_string();
    let mut st = app.state();
    let item = st.item_mut(str_field(body, "access_token").unwrap_or_default())?;
    if item.webhook.as_deref().is_none_or(str::is_empty) {
        return Err(ApiError::code("SANDBOX_WEBHOOK_INVALID"));
    }
    item.last_webhook = Some((now, code));
    drop(st);
    app.touch();
    Ok(json!({ "webhook_fired": true }))
}

/// `/sandbox/transactions/create`: only for `user_transactions_dynamic` Items; up to 10
/// posted transactions on the checking (first depository) account.
pub(super) fn transactions_create(app: &App, body: &Map<String, Value>) -> Result<Value, ApiError> {
    let now = app.now();
    let txns = body
        .get("transactions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if txns.is_empty() || txns.len() > 10 {
        return Err(ApiError::invalid_field(
            "transactions must contain between 1 and 10 transactions",
        ));
    }
    let mut st = app.state();
    let item = st.item_mut(str_field(body, "access_token").unwrap_or_default())?;
    item.check_data_access(now)?;
    if !item.dynamic {
        return Err(ApiError::invalid_field(
            "/sandbox/transactions/create can only be used with Items created with the user_transactions_dynamic test user",
        ));
    }
    let slot = item
        .account_slots
        .iter()
        .copied()
        .find(|&s| data::ACCOUNTS[s].account_type == "depository" && data::has_transactions(s))
        .ok_or_else(|| ApiError::code("NO_ACCOUNTS"))?;
    let account_id = data::account_id(item.seed, slot);
    for t in txns {
        let n = item.dyn_counter;
        item.dyn_counter += 1;
        let id = ids::derived_id(item.seed ^ 0xC0DE, n);
        let txn = custom_txn(
            id,
            account_id.clone(),
            t["amount"].clone(),
            t["date_posted"].as_str().unwrap_or_default(),
            t["date_transacted"].as_str().unwrap_or_default(),
            t["description"].as_str().unwrap_or_default(),
            t["iso_currency_code"].as_str().unwrap_or("USD"),
        );
        item.log.push(Entry::Added { txn });
    }
    drop(st);
    app.touch();
    Ok(json!({}))
}
