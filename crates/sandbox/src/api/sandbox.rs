//! Sandbox-only endpoints: `/sandbox/public_token/create`, `/sandbox/item/reset_login`,
//! `/sandbox/item/fire_webhook`, `/sandbox/transactions/create`.

use serde_json::{Map, Value, json};

use crate::app::App;
use crate::data::accounts::{ACCOUNTS, has_transactions};
use crate::data::generate::{DEFAULT_DAYS_REQUESTED, MAX_DAYS_REQUESTED, account_id};
use crate::data::json::custom_txn;
use crate::ids;
use crate::items::{
    NewItem, check_login, create_item, institution_or_err, issue_public_token, linked_webhooks,
    with_item,
};
use crate::plaid_error::ApiError;
use crate::request::{options, str_field, str_list};
use crate::state::Entry;
use crate::validate::check_products;
use crate::webhooks::body;

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
    let days_requested = sandbox_days_requested(&opts, now.date_naive());
    let mut st = app.state();
    let new = NewItem {
        products,
        webhook,
        days_requested,
        account_slots: (0..ACCOUNTS.len()).collect(),
        via_link: false,
    };
    let item_id = create_item(app, &mut st, ins, &login, new);
    let token = issue_public_token(&mut st, &item_id, now);
    let hooks = linked_webhooks(&mut st, &item_id, now);
    drop(st);
    app.touch();
    app.send_webhooks(hooks);
    Ok(json!({ "public_token": token }))
}

/// The history an Item from `/sandbox/public_token/create` gets: `options.transactions.
/// days_requested`, else the days since `options.transactions.start_date` (both validated),
/// else Plaid's default of 90 days.
fn sandbox_days_requested(opts: &Map<String, Value>, today: chrono::NaiveDate) -> u64 {
    let txns = opts.get("transactions").and_then(Value::as_object);
    let field = |k: &str| txns.and_then(|t| t.get(k));
    if let Some(days) = field("days_requested").and_then(Value::as_u64) {
        return days;
    }
    field("start_date")
        .and_then(Value::as_str)
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map(|start| ((today - start).num_days() + 1).clamp(1, MAX_DAYS_REQUESTED as i64) as u64)
        .unwrap_or(DEFAULT_DAYS_REQUESTED)
}

/// `/sandbox/item/reset_login`: the Item needs update mode from now on (and its webhook hears
/// `ITEM` `ERROR` with `ITEM_LOGIN_REQUIRED`, through the Item's due webhooks).
pub(super) fn reset_login(app: &App, body: &Map<String, Value>) -> Result<Value, ApiError> {
    let now = app.now();
    with_item(app, body, |item, hooks| {
        item.login_required = true;
        hooks.extend(item.due_webhooks(now));
        app.touch();
        Ok(json!({ "reset_login": true }))
    })
}

/// The `webhook_type` each `webhook_code` of `/sandbox/item/fire_webhook` belongs to.
fn webhook_type_of(code: &str) -> &'static str {
    match code {
        "DEFAULT_UPDATE" | "SYNC_UPDATES_AVAILABLE" | "RECURRING_TRANSACTIONS_UPDATE" => {
            "TRANSACTIONS"
        }
        "SMS_MICRODEPOSITS_VERIFICATION" => "AUTH",
        _ => "ITEM",
    }
}

/// `/sandbox/item/fire_webhook`: sends the webhook to the Item's URL (in the background) and
/// records it in `/item/get`'s `status.last_webhook`. Codes of products the sandbox does not
/// emulate (Auth micro-deposits, recurring transactions, `PRODUCT_READY`, `AUTHORIZATION_GRANTED`)
/// answer `SANDBOX_PRODUCT_NOT_ENABLED`, as Plaid does for an Item without the product.
pub(super) fn fire_webhook(app: &App, body: &Map<String, Value>) -> Result<Value, ApiError> {
    let now = app.now();
    let code = str_field(body, "webhook_code").unwrap_or_default();
    let new_transactions = options(body)
        .get("new_transactions")
        .and_then(Value::as_u64);
    with_item(app, body, |item, hooks| {
        if item.webhook.as_deref().is_none_or(str::is_empty) {
            return Err(ApiError::code("SANDBOX_WEBHOOK_INVALID"));
        }
        let wanted_type = str_field(body, "webhook_type").unwrap_or(webhook_type_of(code));
        if wanted_type != webhook_type_of(code) {
            return Err(ApiError::with_message(
                "SANDBOX_PRODUCT_NOT_ENABLED",
                format!("webhook_code {code} cannot be fired with webhook_type {wanted_type}"),
            ));
        }
        let id = item.item_id.clone();
        let webhook = match code {
            "DEFAULT_UPDATE" => body::default_update(&id, new_transactions.unwrap_or(0)),
            "SYNC_UPDATES_AVAILABLE" => {
                body::sync_updates_available(&id, true, item.historical_served || !item.via_link)
            }
            "NEW_ACCOUNTS_AVAILABLE" => body::new_accounts_available(&id),
            "LOGIN_REPAIRED" => body::login_repaired(&id),
            "ERROR" => {
                let e = item
                    .current_error(now)
                    .unwrap_or_else(|| ApiError::code("ITEM_LOGIN_REQUIRED"));
                body::item_error(&id, e.to_json(None, true))
            }
            "USER_PERMISSION_REVOKED" => body::user_permission_revoked(
                &id,
                ApiError::code("USER_PERMISSION_REVOKED").to_json(None, true),
            ),
            "USER_ACCOUNT_REVOKED" => {
                let account = item.account_ids().into_iter().next().unwrap_or_default();
                body::user_account_revoked(&id, &account)
            }
            "PENDING_DISCONNECT" => body::pending_disconnect(
                &id,
                "INSTITUTION_TOKEN_EXPIRATION",
                &crate::state::rfc3339(item.login_expires_at()),
            ),
            other => {
                return Err(ApiError::with_message(
                    "SANDBOX_PRODUCT_NOT_ENABLED",
                    format!(
                        "the Item does not have the product that sends {other} webhooks in this sandbox"
                    ),
                ));
            }
        };
        hooks.push(webhook);
        Ok(json!({ "webhook_fired": true }))
    })
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
    with_item(app, body, |item, hooks| {
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
            .find(|&s| ACCOUNTS[s].account_type == "depository" && has_transactions(s))
            .ok_or_else(|| ApiError::code("NO_ACCOUNTS"))?;
        let default_account = account_id(item.seed, slot);
        let with_txns: Vec<String> = item
            .account_slots
            .iter()
            .filter(|&&s| has_transactions(s))
            .map(|&s| account_id(item.seed, s))
            .collect();
        // `account_id` per transaction: new in spec 2020-09-14_1.778.0.
        if let Some(bad) = txns
            .iter()
            .filter_map(|t| t["account_id"].as_str())
            .find(|a| !with_txns.iter().any(|w| w == a))
        {
            return Err(ApiError::with_message(
                "INVALID_ACCOUNT_ID",
                format!("one or more of the account IDs is invalid: {bad}"),
            ));
        }
        for t in txns {
            let account_id = t["account_id"]
                .as_str()
                .map_or_else(|| default_account.clone(), String::from);
            let n = item.dyn_counter;
            item.dyn_counter += 1;
            let id = ids::derived_id(item.seed ^ 0xC0DE, n);
            let txn = custom_txn(
                id,
                account_id,
                t["amount"].clone(),
                t["date_posted"].as_str().unwrap_or_default(),
                t["date_transacted"].as_str().unwrap_or_default(),
                t["description"].as_str().unwrap_or_default(),
                t["iso_currency_code"].as_str().unwrap_or("USD"),
            );
            item.log.push(Entry::Added { txn });
        }
        hooks.push(body::sync_updates_available(&item.item_id, true, true));
        app.touch();
        Ok(json!({}))
    })
}
