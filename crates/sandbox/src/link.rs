//! The Link side of the sandbox (non-Plaid paths).
//!
//! `POST /_link/sessions` simulates a user finishing Link for a link token: `status: "success"`
//! creates the Item (or, for an update-mode token, repairs it) and answers the onSuccess shape
//! `{public_token, metadata}`; a bad login or `status: "exit"` answers the onExit shape
//! `{error, metadata}`. Either way the session is recorded for `/link/token/get`.
//!
//! The offline Link stand-in (a local `link-initialize.js` exposing `Plaid.create` and its pages,
//! including `GET /link/hosted/<id>` for `hosted_link_url`) will live in this module in a later
//! issue; it will drive the same session logic as `finish_session`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use serde_json::{Value, json};

use crate::api::{App, NewItem, create_item, json_response};
use crate::data;
use crate::ids;
use crate::plaid_error::ApiError;
use crate::state::rfc3339;

fn link_accounts(seed: u64, slots: &[usize]) -> Vec<Value> {
    slots
        .iter()
        .map(|&s| {
            let a = &data::ACCOUNTS[s];
            json!({
                "id": data::account_id(seed, s),
                "name": a.name,
                "mask": a.mask,
                "type": a.account_type,
                "subtype": a.subtype,
                "verification_status": null,
                "class_type": null,
            })
        })
        .collect()
}

fn event(name: &str, at: &str, metadata: Value) -> Value {
    json!({
        "event_id": uuid::Uuid::new_v4().to_string(),
        "event_name": name,
        "timestamp": at,
        "event_metadata": metadata,
    })
}

/// `POST /_link/sessions`.
pub(crate) async fn finish_session(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let request_id = ids::request_id();
    let result = {
        let request_id = request_id.clone();
        tokio::task::spawn_blocking(move || app.transact(|app| finish(app, &body, &request_id)))
            .await
            .unwrap_or_else(|_| Err(ApiError::code("INTERNAL_SERVER_ERROR")))
    };
    match result {
        Ok(v) => json_response(200, &v),
        Err(e) => json_response(e.status, &e.to_json(Some(&request_id), false)),
    }
}

fn finish(app: &App, body: &[u8], request_id: &str) -> Result<Value, ApiError> {
    let body: Value = serde_json::from_slice(body)
        .map_err(|_| ApiError::with_message("INVALID_BODY", "body could not be parsed as JSON"))?;
    let s = |k: &str| body.get(k).and_then(Value::as_str).map(String::from);
    let token = s("link_token").ok_or_else(|| ApiError::missing_fields(&["link_token".into()]))?;
    let status = s("status").unwrap_or_else(|| "success".into());
    if status != "success" && status != "exit" {
        return Err(ApiError::invalid_field(
            "status must be \"success\" or \"exit\"",
        ));
    }
    let now = app.now();
    let at = rfc3339(now);
    let session_id = uuid::Uuid::new_v4().to_string();
    let mut st = app.state();
    let lt = st
        .link_tokens
        .get(&token)
        .ok_or_else(|| ApiError::code("INVALID_LINK_TOKEN"))?;
    if now >= lt.expiration {
        return Err(ApiError::with_message(
            "INVALID_LINK_TOKEN",
            "link token has expired",
        ));
    }
    let update_item = lt.update_item_id.clone();
    let products = lt.products.clone();
    let webhook = lt.webhook.clone();
    let days_requested = lt.days_requested.unwrap_or(data::DEFAULT_DAYS_REQUESTED);
    let institution_id = match &update_item {
        Some(id) => st.items.get(id).map(|i| i.institution_id.clone()),
        None => s("institution_id"),
    }
    .ok_or_else(|| ApiError::missing_fields(&["institution_id".into()]))?;
    let ins = crate::api::items_institution(&institution_id)?;
    let institution = json!({ "name": ins.name, "institution_id": ins.id });

    let exit = |st: &mut crate::state::State,
                error: Option<ApiError>,
                exit_status: &str|
     -> Value {
        let metadata = json!({
            "institution": institution,
            "status": exit_status,
            "link_session_id": session_id,
            "request_id": request_id,
        });
        let err_json = error.as_ref().map(|e| e.to_json(Some(request_id), false));
        let mut events = vec![event(
            "OPEN",
            &at,
            json!({"view_name": "CONSENT", "request_id": request_id}),
        )];
        if let Some(e) = &error {
            events.push(event(
                "ERROR",
                &at,
                json!({"error_code": e.error_code, "error_type": e.error_type, "error_message": e.error_message,
                       "institution_id": ins.id, "institution_name": ins.name, "view_name": "ERROR"}),
            ));
        }
        events.push(event("EXIT", &at, json!({"exit_status": exit_status, "institution_id": ins.id, "institution_name": ins.name})));
        let exit_obj = json!({ "error": err_json, "metadata": metadata });
        if let Some(lt) = st.link_tokens.get_mut(&token) {
            lt.sessions.push(json!({
                "link_session_id": session_id,
                "started_at": at,
                "finished_at": at,
                "exit": exit_obj,
                "on_exit": exit_obj,
                "results": null,
                "events": events,
            }));
        }
        json!({ "error": error.map(|e| e.to_link_json()), "metadata": metadata })
    };

    if status == "exit" {
        let out = exit(&mut st, None, "requires_credentials");
        drop(st);
        app.touch();
        return Ok(out);
    }
    let username = s("username").unwrap_or_default();
    let password = s("password").unwrap_or_default();
    let login = match crate::api::items_check_login(ins, &username, &password, true) {
        Ok(l) => l,
        Err(e) => {
            let out = exit(&mut st, Some(e), "requires_credentials");
            drop(st);
            app.touch();
            return Ok(out);
        }
    };
    if update_item.is_none() {
        let unsupported = products.iter().any(|p| !ins.products.contains(&p.as_str()));
        if unsupported {
            let e = ApiError::with_message(
                "PRODUCTS_NOT_SUPPORTED",
                "the institution does not support the requested products",
            );
            let out = exit(&mut st, Some(e), "institution_not_supported");
            drop(st);
            app.touch();
            return Ok(out);
        }
    }
    let wanted: Vec<String> = body
        .get("account_ids")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let (item_id, seed, slots, hooks) = match update_item {
        Some(id) => {
            let item = st
                .items
                .get_mut(&id)
                .filter(|i| !i.removed)
                .ok_or_else(|| ApiError::code("ITEM_NOT_FOUND"))?;
            let repaired = item.current_error(now).is_some();
            item.login_required = false;
            item.login_valid_from = now;
            item.error_notified = false;
            item.expiry_warned = false;
            // The issue asks for LOGIN_REPAIRED after update mode; Plaid documents it for an
            // Item repaired outside the app's own Link flow, which this stand-in also is.
            let hooks = if repaired {
                let body = crate::webhooks::body::login_repaired(&id);
                crate::api::Outgoing::for_item(item, now, vec![body])
            } else {
                None
            };
            (id, item.seed, item.account_slots.clone(), hooks)
        }
        None => {
            // A new Item: account_ids cannot be known yet, so masks ("0000") select accounts too.
            let seed_preview = ids::mix2(app.config.seed, st.item_counter);
            let slots: Vec<usize> = (0..data::ACCOUNTS.len())
                .filter(|&s| {
                    wanted.is_empty()
                        || wanted.iter().any(|w| {
                            *w == data::ACCOUNTS[s].mask || *w == data::account_id(seed_preview, s)
                        })
                })
                .collect();
            if slots.is_empty() {
                let e = ApiError::code("NO_ACCOUNTS");
                let out = exit(&mut st, Some(e), "requires_account_selection");
                drop(st);
                app.touch();
                return Ok(out);
            }
            let new = NewItem {
                products,
                webhook,
                days_requested,
                account_slots: slots.clone(),
                via_link: true,
            };
            let id = create_item(app, &mut st, ins, &login, new);
            let hooks = crate::api::linked_webhooks(&mut st, &id, now);
            (id, seed_preview, slots, hooks)
        }
    };
    let public_token = crate::api::items_issue_public_token(&mut st, &item_id, now);
    let accounts = link_accounts(seed, &slots);
    let metadata = json!({
        "institution": institution,
        "accounts": accounts,
        "link_session_id": session_id,
        "transfer_status": null,
    });
    let events = vec![
        event(
            "OPEN",
            &at,
            json!({"view_name": "CONSENT", "request_id": request_id}),
        ),
        event(
            "SELECT_INSTITUTION",
            &at,
            json!({"institution_id": ins.id, "institution_name": ins.name}),
        ),
        event(
            "SUBMIT_CREDENTIALS",
            &at,
            json!({"institution_id": ins.id, "institution_name": ins.name, "view_name": "CREDENTIAL"}),
        ),
        event(
            "HANDOFF",
            &at,
            json!({"institution_id": ins.id, "institution_name": ins.name, "view_name": "CONNECTED"}),
        ),
    ];
    if let Some(lt) = st.link_tokens.get_mut(&token) {
        lt.sessions.push(json!({
            "link_session_id": session_id,
            "started_at": at,
            "finished_at": at,
            "results": {
                "item_add_results": [{ "public_token": public_token, "accounts": accounts, "institution": institution }],
                "cra_item_add_results": [],
                "cra_update_results": [],
                "bank_income_results": [],
                "payroll_income_results": [],
                "document_income_results": null,
            },
            "on_success": { "public_token": public_token, "metadata": metadata },
            "exit": null,
            "events": events,
        }));
    }
    drop(st);
    app.touch();
    app.send_webhooks(hooks);
    Ok(json!({ "public_token": public_token, "metadata": metadata }))
}
