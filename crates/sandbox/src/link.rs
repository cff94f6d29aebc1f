//! The Link side of the sandbox: every read and write of the sandbox's state that Link makes
//! (the operations on Items themselves are in `items`). No HTTP here: `link_ui` reads the
//! requests and calls these functions.
//!
//! Two front doors share this logic, both served by `link_ui`:
//! - `POST /_link/sessions` (tests, scripts): a user finishing Link in one call, straight to
//!   [`finish`].
//! - the offline Link stand-in's pages, which call [`ui_init`], [`ui_select`],
//!   [`ui_credentials`], [`finish`] and [`ui_append_events`] through the `/_link/ui/*`
//!   endpoints as the person clicks through.
//!
//! Either way [`finish`] records the session for `/link/token/get` (`link_sessions` with
//! `results`, `exit` and `events`). Every function here is synchronous, runs inside the
//! transaction its caller opened (`App::transact`), and takes the state guard only for its own
//! duration (never across an `.await`). [`finish`] is the long one: a session's whole outcome
//! (an exit, a new Item, or update mode's repair and account selection) and its record.
//!
//! In update mode with account selection the stand-in only adds accounts: those already
//! shared stay shared (its pages show them checked and disabled).

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::app::{App, Outgoing};
use crate::data::accounts::ACCOUNTS;
use crate::data::generate::{DEFAULT_DAYS_REQUESTED, account_id};
use crate::data::institutions::{Health, INSTITUTIONS, Institution, OWN_SITE_OAUTH, institution};
use crate::ids;
use crate::items::{
    NewItem, check_login, create_item, forced_error, institution_or_err, issue_public_token,
    linked_webhooks,
};
use crate::plaid_error::ApiError;
use crate::state::{LinkToken, rfc3339};

/// Most events one session may record (the pages send their own).
const MAX_EVENTS: usize = 500;

fn link_accounts(seed: u64, slots: &[usize]) -> Vec<Value> {
    slots
        .iter()
        .map(|&s| {
            let a = &ACCOUNTS[s];
            json!({
                "id": account_id(seed, s),
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

/// A finished Link session, as `/_link/sessions` or the stand-in's pages describe it.
#[derive(Debug, Default)]
pub(crate) struct FinishRequest {
    pub token: String,
    /// The session id the pages announced (a new one when absent).
    pub session_id: Option<String>,
    /// When the pages opened (now when absent).
    pub started_at: Option<String>,
    /// `true`: link (or repair) the Item; `false`: the person exited.
    pub success: bool,
    pub institution_id: Option<String>,
    pub username: String,
    pub password: String,
    /// Account ids or masks to share (empty: all).
    pub account_ids: Vec<String>,
    /// Exit only: onExit's `status` (default `requires_credentials`).
    pub exit_status: Option<String>,
    /// Exit only: the error the person saw (its code).
    pub exit_error_code: Option<String>,
    /// The events the pages saw, `[{event_name, metadata}]`; synthesized when absent.
    pub events: Option<Vec<Value>>,
}

/// The link token, or `INVALID_LINK_TOKEN` (unknown or expired).
fn live_token<'a>(
    st: &'a crate::state::State,
    token: &str,
    now: DateTime<Utc>,
) -> Result<&'a LinkToken, ApiError> {
    let lt = st
        .link_tokens
        .get(token)
        .ok_or_else(|| ApiError::code("INVALID_LINK_TOKEN"))?;
    if now >= lt.expiration {
        return Err(ApiError::with_message(
            "INVALID_LINK_TOKEN",
            "link token has expired",
        ));
    }
    Ok(lt)
}

/// The pages' events as stored by `/link/token/get`: `{event_id, event_name, timestamp,
/// event_metadata}`.
fn stored_events(events: &[Value]) -> Result<Vec<Value>, ApiError> {
    if events.len() > MAX_EVENTS {
        return Err(ApiError::invalid_field("too many events"));
    }
    events
        .iter()
        .map(|e| {
            let name = e["event_name"].as_str().unwrap_or_default();
            let valid = !name.is_empty()
                && name.len() <= 64
                && name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_');
            let metadata = e.get("metadata").filter(|m| m.is_object());
            match (valid, metadata) {
                (true, Some(m)) => {
                    let at = m["timestamp"].as_str().unwrap_or_default().to_string();
                    Ok(event(name, &at, m.clone()))
                }
                _ => Err(ApiError::invalid_field(
                    "events must be [{event_name, metadata}]",
                )),
            }
        })
        .collect()
}

/// Finishes a Link session: links or repairs the Item (success) or records the exit, and
/// answers the onSuccess `{public_token, metadata}` or onExit `{error, metadata}` shape.
pub(crate) fn finish(app: &App, req: &FinishRequest, request_id: &str) -> Result<Value, ApiError> {
    let token = req.token.as_str();
    let now = app.now();
    let at = rfc3339(now);
    let started_at = req.started_at.clone().unwrap_or_else(|| at.clone());
    let session_id = req
        .session_id
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let given_events = req.events.as_deref().map(stored_events).transpose()?;
    let mut st = app.state();
    let lt = live_token(&st, token, now)?;
    let update_item = lt.update_item_id.clone();
    let account_selection = lt.account_selection_enabled;
    let products = lt.products.clone();
    let webhook = lt.webhook.clone();
    let days_requested = lt.days_requested.unwrap_or(DEFAULT_DAYS_REQUESTED);
    let institution_id = match &update_item {
        Some(id) => st.items.get(id).map(|i| i.institution_id.clone()),
        None => req.institution_id.clone(),
    };
    let ins = match institution_id {
        Some(id) => Some(institution_or_err(&id)?),
        None if !req.success => None,
        None => return Err(ApiError::missing_fields(&["institution_id".into()])),
    };
    let institution = ins.map(|i| json!({ "name": i.name, "institution_id": i.id }));
    let ins_id = ins.map(|i| i.id);
    let ins_name = ins.map(|i| i.name);

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
        let events = given_events.clone().unwrap_or_else(|| {
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
                           "institution_id": ins_id, "institution_name": ins_name, "view_name": "ERROR"}),
                ));
            }
            events.push(event("EXIT", &at, json!({"exit_status": exit_status, "institution_id": ins_id, "institution_name": ins_name})));
            events
        });
        let exit_obj = json!({ "error": err_json, "metadata": metadata });
        if let Some(lt) = st.link_tokens.get_mut(token) {
            record_session(
                lt,
                json!({
                    "link_session_id": session_id,
                    "started_at": started_at,
                    "finished_at": at,
                    "exit": exit_obj,
                    "on_exit": exit_obj,
                    "results": null,
                    "events": events,
                }),
            );
        }
        json!({ "error": error.map(|e| e.to_link_json()), "metadata": metadata })
    };
    let exit_and_touch = |mut st: std::sync::MutexGuard<'_, crate::state::State>,
                          error: Option<ApiError>,
                          exit_status: &str| {
        let out = exit(&mut st, error, exit_status);
        drop(st);
        app.touch();
        Ok(out)
    };

    if !req.success {
        let error = req.exit_error_code.as_deref().map(forced_error);
        let status = req.exit_status.as_deref().unwrap_or("requires_credentials");
        return exit_and_touch(st, error, status);
    }
    let Some(ins) = ins else {
        return Err(ApiError::missing_fields(&["institution_id".into()]));
    };
    let login = match check_login(ins, &req.username, &req.password, true) {
        Ok(l) => l,
        Err(e) => return exit_and_touch(st, Some(e), "requires_credentials"),
    };
    if update_item.is_none() {
        let unsupported = products.iter().any(|p| !ins.products.contains(&p.as_str()));
        if unsupported {
            let e = ApiError::with_message(
                "PRODUCTS_NOT_SUPPORTED",
                "the institution does not support the requested products",
            );
            return exit_and_touch(st, Some(e), "institution_not_supported");
        }
    }
    let wanted = &req.account_ids;
    // Account ids cannot be known before the Item exists, so masks ("0000") select accounts too.
    let picks = |seed: u64, s: usize| {
        wanted
            .iter()
            .any(|w| *w == ACCOUNTS[s].mask || *w == account_id(seed, s))
    };
    let repairing = update_item.is_some();
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
                Outgoing::for_item(item, now, vec![body])
            } else {
                None
            };
            let mut shown = item.account_slots.clone();
            if account_selection && !wanted.is_empty() {
                // Update mode with account selection: the accounts shared from now on. Accounts
                // already shared stay (the stand-in only adds; see the module docs).
                let chosen: Vec<usize> = (0..ACCOUNTS.len())
                    .filter(|&s| picks(item.seed, s) || item.account_slots.contains(&s))
                    .collect();
                if chosen != item.account_slots {
                    if item.txn_slots.is_none() {
                        item.txn_slots = Some(item.account_slots.clone());
                    }
                    item.account_slots = chosen.clone();
                }
                shown = chosen
                    .into_iter()
                    .filter(|&s| picks(item.seed, s))
                    .collect();
            }
            (id, item.seed, shown, hooks)
        }
        None => {
            let seed_preview = ids::mix2(app.config.seed, st.item_counter);
            let slots: Vec<usize> = (0..ACCOUNTS.len())
                .filter(|&s| wanted.is_empty() || picks(seed_preview, s))
                .collect();
            if slots.is_empty() {
                let e = ApiError::code("NO_ACCOUNTS");
                return exit_and_touch(st, Some(e), "requires_account_selection");
            }
            let new = NewItem {
                products,
                webhook,
                days_requested,
                account_slots: slots.clone(),
                via_link: true,
            };
            let id = create_item(app, &mut st, ins, &login, new);
            let hooks = linked_webhooks(&mut st, &id, now);
            (id, seed_preview, slots, hooks)
        }
    };
    let public_token = issue_public_token(&mut st, &item_id, now);
    let accounts = link_accounts(seed, &slots);
    let metadata = json!({
        "institution": institution,
        "accounts": accounts,
        "link_session_id": session_id,
        "transfer_status": null,
    });
    let events = given_events.unwrap_or_else(|| {
        vec![
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
        ]
    });
    // Update mode repairs an Item rather than adding one: Plaid's session then finishes with
    // no `item_add_results` (the onSuccess public token needs no exchange).
    let item_add_results = if repairing {
        json!([])
    } else {
        json!([{ "public_token": public_token, "accounts": accounts, "institution": institution }])
    };
    if let Some(lt) = st.link_tokens.get_mut(token) {
        record_session(
            lt,
            json!({
                "link_session_id": session_id,
                "started_at": started_at,
                "finished_at": at,
                "results": {
                    "item_add_results": item_add_results,
                    "cra_item_add_results": [],
                    "cra_update_results": [],
                    "bank_income_results": [],
                    "payroll_income_results": [],
                    "document_income_results": null,
                },
                "on_success": if repairing { Value::Null } else { json!({ "public_token": public_token, "metadata": metadata }) },
                "exit": null,
                "events": events,
            }),
        );
    }
    drop(st);
    app.touch();
    app.send_webhooks(hooks);
    Ok(json!({ "public_token": public_token, "metadata": metadata }))
}

/// Records a finished session: in place of the same session's unfinished entry (listed since
/// Link opened), else as a new one.
fn record_session(lt: &mut LinkToken, session: Value) {
    let id = &session["link_session_id"];
    match lt
        .sessions
        .iter_mut()
        .find(|s| &s["link_session_id"] == id && s["finished_at"].is_null())
    {
        Some(open) => *open = session,
        None => lt.sessions.push(session),
    }
}

/// Appends events (e.g. `HANDOFF`, seen after the Item was linked) to a recorded session.
pub(crate) fn ui_append_events(
    app: &App,
    token: &str,
    session_id: &str,
    events: &[Value],
) -> Result<(), ApiError> {
    let events = stored_events(events)?;
    let mut st = app.state();
    let lt = st
        .link_tokens
        .get_mut(token)
        .ok_or_else(|| ApiError::code("INVALID_LINK_TOKEN"))?;
    let session = lt
        .sessions
        .iter_mut()
        .find(|s| s["link_session_id"] == session_id)
        .ok_or_else(|| ApiError::invalid_field("unknown link_session_id"))?;
    let Some(list) = session["events"].as_array_mut() else {
        return Err(ApiError::invalid_field("session has no events"));
    };
    if list.len() + events.len() > MAX_EVENTS {
        return Err(ApiError::invalid_field("too many events"));
    }
    list.extend(events);
    drop(st);
    app.touch();
    Ok(())
}

fn health_name(h: Health) -> &'static str {
    match h {
        Health::Healthy => "HEALTHY",
        Health::Degraded => "DEGRADED",
        Health::Down => "DOWN",
        Health::Unsupported => "UNSUPPORTED",
    }
}

fn institution_json(i: &Institution) -> Value {
    json!({
        "institution_id": i.id,
        "name": i.name,
        "oauth": i.oauth,
        "oauth_on_own_site": OWN_SITE_OAUTH.contains(&i.id),
        "status": health_name(i.health),
        "primary_color": i.primary_color,
    })
}

/// The accounts Link offers for slots (`shared`: already on the Item).
fn offered_accounts(slots: impl Iterator<Item = usize>, shared: &[usize]) -> Vec<Value> {
    slots
        .map(|s| {
            let a = &ACCOUNTS[s];
            json!({
                "mask": a.mask,
                "name": a.name,
                "official_name": a.official_name,
                "type": a.account_type,
                "subtype": a.subtype,
                "current": a.current,
                "shared": shared.contains(&s),
            })
        })
        .collect()
}

/// Why the pages cannot start.
#[derive(Debug)]
pub(crate) struct InitError {
    pub error: ApiError,
    /// An expired token: Link does not open at all.
    pub expired: bool,
}

/// What the pages need to start a session for a link token (or for a Hosted Link id).
pub(crate) fn ui_init(
    app: &App,
    token: Option<&str>,
    hosted_id: Option<&str>,
) -> Result<Value, InitError> {
    let now = app.now();
    let st = app.state();
    let found = match (token, hosted_id) {
        (Some(t), _) => st.link_tokens.get_key_value(t),
        (None, Some(id)) => {
            let suffix = format!("/link/hosted/{id}");
            st.link_tokens.iter().find(|(_, lt)| {
                lt.hosted_link_url
                    .as_deref()
                    .is_some_and(|u| u.ends_with(&suffix))
            })
        }
        (None, None) => None,
    };
    let invalid = |expired: bool| InitError {
        error: if expired {
            ApiError::with_message("INVALID_LINK_TOKEN", "link token has expired")
        } else {
            ApiError::code("INVALID_LINK_TOKEN")
        },
        expired,
    };
    let (token, lt) = found.ok_or_else(|| invalid(false))?;
    if now >= lt.expiration {
        return Err(invalid(true));
    }
    let update = match &lt.update_item_id {
        Some(id) => {
            let item = st
                .items
                .get(id)
                .filter(|i| !i.removed)
                .ok_or_else(|| InitError {
                    error: ApiError::code("ITEM_NOT_FOUND"),
                    expired: false,
                })?;
            let ins = institution(&item.institution_id).ok_or_else(|| invalid(false))?;
            let accounts = if lt.account_selection_enabled {
                offered_accounts(0..ACCOUNTS.len(), &item.account_slots)
            } else {
                offered_accounts(item.account_slots.iter().copied(), &item.account_slots)
            };
            json!({
                "institution": institution_json(ins),
                "account_selection_enabled": lt.account_selection_enabled,
                "accounts": accounts,
            })
        }
        None => Value::Null,
    };
    let institutions: Vec<Value> = INSTITUTIONS
        .iter()
        .filter(|i| {
            lt.country_codes
                .iter()
                .any(|c| i.country_codes.contains(&c.as_str()))
                && lt.products.iter().all(|p| i.products.contains(&p.as_str()))
        })
        .map(institution_json)
        .collect();
    let out = json!({
        "link_token": token,
        "link_session_id": uuid::Uuid::new_v4().to_string(),
        "started_at": rfc3339(now),
        "client_name": lt.client_name,
        "hosted": lt.hosted_link_url.is_some(),
        "bank_origin": app.bank_url,
        "update": update,
        "institutions": institutions,
    });
    // Like Plaid, `/link/token/get` lists a session from the moment Link opens, unfinished
    // (`finished_at: null`) until it ends: a poller sees that the person is at it again.
    let token = token.clone();
    drop(st);
    if let Some(lt) = app.state().link_tokens.get_mut(&token) {
        lt.sessions.push(json!({
            "link_session_id": out["link_session_id"],
            "started_at": out["started_at"],
            "finished_at": null,
            "results": null,
            "exit": null,
            "events": [],
        }));
    }
    app.touch();
    Ok(out)
}

/// The person picked an institution: its details, or the error Link shows for it.
pub(crate) fn ui_select(app: &App, token: &str, institution_id: &str) -> Result<Value, ApiError> {
    let now = app.now();
    {
        let st = app.state();
        live_token(&st, token, now)?;
    }
    let ins = institution_or_err(institution_id)?;
    match ins.health {
        Health::Down => Err(ApiError::code("INSTITUTION_DOWN")),
        Health::Unsupported => Err(ApiError::code("INSTITUTION_NO_LONGER_SUPPORTED")),
        _ => Ok(institution_json(ins)),
    }
}

/// The person submitted credentials (or came back from the bank's OAuth page): the accounts
/// to choose from, or the login's error. Changes nothing.
pub(crate) fn ui_credentials(
    app: &App,
    token: &str,
    institution_id: Option<&str>,
    username: &str,
    password: &str,
) -> Result<Value, ApiError> {
    let now = app.now();
    let st = app.state();
    let lt = live_token(&st, token, now)?;
    let item = match &lt.update_item_id {
        Some(id) => Some(
            st.items
                .get(id)
                .filter(|i| !i.removed)
                .ok_or_else(|| ApiError::code("ITEM_NOT_FOUND"))?,
        ),
        None => None,
    };
    let ins_id = match item {
        Some(i) => i.institution_id.as_str(),
        None => {
            institution_id.ok_or_else(|| ApiError::missing_fields(&["institution_id".into()]))?
        }
    };
    let ins = institution_or_err(ins_id)?;
    check_login(ins, username, password, true)?;
    let accounts = match item {
        Some(i) if lt.account_selection_enabled => {
            offered_accounts(0..ACCOUNTS.len(), &i.account_slots)
        }
        Some(i) => offered_accounts(i.account_slots.iter().copied(), &i.account_slots),
        None => offered_accounts(0..ACCOUNTS.len(), &[]),
    };
    Ok(json!({ "institution": institution_json(ins), "accounts": accounts }))
}
