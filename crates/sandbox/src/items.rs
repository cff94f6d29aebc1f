//! Operations on Items, whichever door they come through (the Plaid API in `api`, Link in
//! `link`): the Sandbox credential rules, creating an Item, issuing and exchanging its public
//! token, removing it, and running a call on the Item of an access token. Each runs inside
//! the caller's transaction on the state it is given (or the [`App`] whose state it locks) and
//! leaves sending webhooks and persisting ([`App::touch`]) to its caller, except
//! [`with_item`], which does both itself.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::app::{App, Outgoing};
use crate::data::institutions::{Health, Institution, institution};
use crate::plaid_error::{ApiError, canonical_message, classify};
use crate::request::str_field;
use crate::state::{Item, PublicToken, State, token_hash};
use crate::{ids, webhooks};

/// Public tokens live this long.
pub const PUBLIC_TOKEN_MINUTES: i64 = 30;

/// What a login resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Login {
    pub username: String,
    pub dynamic: bool,
}

/// Plaid's Sandbox test credentials (Plaid's "Sandbox test credentials" page): `error_<CODE>`
/// passwords force that error; `user_good`/`pass_good` (and its MFA variants, auto-answered);
/// persona users with any non-blank password. OAuth institutions accept anything through Link (`lenient_oauth`).
pub(crate) fn check_login(
    ins: &Institution,
    username: &str,
    password: &str,
    lenient_oauth: bool,
) -> Result<Login, ApiError> {
    match ins.health {
        Health::Down => return Err(ApiError::code("INSTITUTION_DOWN")),
        Health::Unsupported => return Err(ApiError::code("INSTITUTION_NO_LONGER_SUPPORTED")),
        _ => {}
    }
    let persona = |u: &str| {
        matches!(
            u,
            "user_transactions_dynamic" | "user_ewa_user" | "user_yuppie" | "user_small_business"
        )
    };
    if ins.oauth && lenient_oauth {
        let username = if username == "user_good" || persona(username) {
            username
        } else {
            "user_good"
        };
        return Ok(Login {
            username: username.to_string(),
            dynamic: username == "user_transactions_dynamic",
        });
    }
    if let Some(code) = password.strip_prefix("error_") {
        return Err(forced_error(code));
    }
    let ok = match username {
        "user_good" => {
            password == "pass_good" || password == "credential_good" || password.starts_with("mfa_")
        }
        u if persona(u) => !password.trim().is_empty(),
        _ => false,
    };
    if !ok {
        return Err(ApiError::code("INVALID_CREDENTIALS"));
    }
    Ok(Login {
        username: username.to_string(),
        dynamic: username == "user_transactions_dynamic",
    })
}

/// The error an `error_<CODE>` password forces (unknown codes count as Item errors).
pub(crate) fn forced_error(code: &str) -> ApiError {
    let mut e = ApiError::with_message(code, canonical_message(code));
    if classify(code).is_none() {
        e.error_type = "ITEM_ERROR".into();
        e.status = 400;
    }
    e
}

/// What a new Item is made of, besides its institution and login.
#[derive(Debug)]
pub(crate) struct NewItem {
    pub products: Vec<String>,
    pub webhook: Option<String>,
    /// `transactions.days_requested` (1..=730): the base history ends at creation and spans
    /// this many days.
    pub days_requested: u64,
    pub account_slots: Vec<usize>,
    /// Made through `/_link/sessions` (gets `NOT_READY` first when configured).
    pub via_link: bool,
}

/// Creates an Item and returns its id (its access token is made by the exchange).
pub(crate) fn create_item(
    app: &App,
    st: &mut State,
    ins: &Institution,
    login: &Login,
    new: NewItem,
) -> String {
    let NewItem {
        products,
        webhook,
        days_requested,
        account_slots,
        via_link,
    } = new;
    let now = app.now();
    let seed = ids::mix2(app.config.seed, st.item_counter);
    st.item_counter += 1;
    // Random, as Plaid's: item ids key keychain entries, so they must never repeat across
    // sandboxes, whatever the seed.
    let item_id = ids::random_base62(37);
    // An Item whose webhook hears "initial and historical pulls complete" at creation (see
    // `linked_webhooks`) has its data ready: no NOT_READY first page for it, so a backend that
    // waits for the webhook before syncing gets what the webhook announced.
    let announced = webhook.as_deref().is_some_and(|w| !w.is_empty())
        && products.iter().any(|p| p == "transactions");
    let item = Item {
        item_id: item_id.clone(),
        institution_id: ins.id.to_string(),
        username: login.username.clone(),
        dynamic: login.dynamic,
        seed,
        history: app.config.history as u64,
        days_requested,
        created_at: now,
        products,
        webhook,
        account_slots,
        txn_slots: None,
        login_required: false,
        login_valid_from: now,
        removed: false,
        via_link,
        not_ready_pending: via_link && app.config.not_ready_on_link && !announced,
        historical_served: !via_link || announced,
        log: Vec::new(),
        base_pending_settled: false,
        open_pending: Vec::new(),
        dyn_counter: 0,
        last_successful_update: Some(now),
        last_webhook: None,
        error_notified: false,
        expiry_warned: false,
    };
    st.items.insert(item_id.clone(), item);
    item_id
}

/// The webhooks Plaid sends once a new Item's transactions are pulled: `SYNC_UPDATES_AVAILABLE`
/// with the initial update done, then with the historical one done too (none without the
/// `transactions` product). Records them on the Item; send them after releasing the state.
pub(crate) fn linked_webhooks(
    st: &mut State,
    item_id: &str,
    now: DateTime<Utc>,
) -> Option<Outgoing> {
    let item = st.items.get_mut(item_id)?;
    if !item.products.iter().any(|p| p == "transactions") {
        return None;
    }
    let bodies = vec![
        webhooks::body::sync_updates_available(item_id, true, false),
        webhooks::body::sync_updates_available(item_id, true, true),
    ];
    Outgoing::for_item(item, now, bodies)
}

/// Issues a public token for an Item.
pub(crate) fn issue_public_token(st: &mut State, item_id: &str, now: DateTime<Utc>) -> String {
    let token = ids::token("public");
    st.public_tokens.insert(
        token_hash(&token),
        PublicToken {
            item_id: item_id.to_string(),
            expires_at: now + chrono::Duration::minutes(PUBLIC_TOKEN_MINUTES),
            used: false,
        },
    );
    token
}

/// Exchanges a public token (single use, within [`PUBLIC_TOKEN_MINUTES`]) for a new access
/// token of its Item: `(access_token, item_id)`, or `INVALID_PUBLIC_TOKEN`. Only the access
/// token's hash is kept. Exchanging the public token of an update-mode session (never needed)
/// gives the Item a second token.
pub(crate) fn exchange_public_token(
    st: &mut State,
    public_token: &str,
    now: DateTime<Utc>,
) -> Result<(String, String), ApiError> {
    let pt = st
        .public_tokens
        .get_mut(&token_hash(public_token))
        .ok_or_else(|| ApiError::code("INVALID_PUBLIC_TOKEN"))?;
    if pt.used || now >= pt.expires_at {
        return Err(ApiError::code("INVALID_PUBLIC_TOKEN"));
    }
    pt.used = true;
    let item_id = pt.item_id.clone();
    st.items
        .get(&item_id)
        .filter(|i| !i.removed)
        .ok_or_else(|| ApiError::code("INVALID_PUBLIC_TOKEN"))?;
    let access_token = ids::token("access");
    st.access_tokens
        .insert(token_hash(&access_token), item_id.clone());
    Ok((access_token, item_id))
}

/// Removes the Item of an access token: the token is dead for good (`ITEM_NOT_FOUND`
/// afterwards) and the Item's transactions are dropped.
pub(crate) fn remove_item(st: &mut State, access_token: &str) -> Result<(), ApiError> {
    let item = st.item_mut(access_token)?;
    item.removed = true;
    item.log = Vec::new();
    item.open_pending = Vec::new();
    Ok(())
}

/// Looks up an institution or answers `INVALID_INSTITUTION`.
pub(crate) fn institution_or_err(id: &str) -> Result<&'static Institution, ApiError> {
    institution(id).ok_or_else(|| {
        ApiError::with_message("INVALID_INSTITUTION", "invalid institution_id provided")
    })
}

/// Runs `f` on the Item of the body's `access_token`, after collecting the webhooks time owes
/// the Item (`Item::due_webhooks`, e.g. `ITEM` `ERROR` once its login lapsed). `f` may add
/// webhooks of its own; all are sent once the state guard is released, whatever `f` returns
/// (an Item whose login lapsed is told so even though the call fails).
pub(crate) fn with_item<T>(
    app: &App,
    body: &Map<String, Value>,
    f: impl FnOnce(&mut Item, &mut Vec<Value>) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let now = app.now();
    let mut st = app.state();
    let item = st.item_mut(str_field(body, "access_token").unwrap_or_default())?;
    let due = item.due_webhooks(now);
    let changed = !due.is_empty();
    let mut out = Outgoing::for_item(item, now, due);
    let mut extra = Vec::new();
    let result = f(item, &mut extra);
    if let Some(more) = Outgoing::for_item(item, now, extra) {
        match &mut out {
            Some(o) => o.bodies.extend(more.bodies),
            None => out = Some(more),
        }
    }
    drop(st);
    if changed || out.is_some() {
        app.touch();
    }
    app.send_webhooks(out);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sandbox_credentials_follow_plaid_rules() {
        let good = institution("ins_109508").expect("ins");
        let oauth = institution("ins_127287").expect("ins");
        let down = institution("ins_132361").expect("ins");
        assert!(check_login(good, "user_good", "pass_good", false).is_ok());
        assert_eq!(
            check_login(good, "user_good", "nope", false)
                .unwrap_err()
                .error_code,
            "INVALID_CREDENTIALS"
        );
        let locked = check_login(good, "user_good", "error_ITEM_LOCKED", false).unwrap_err();
        assert_eq!(
            (locked.status, locked.error_type.as_str()),
            (400, "ITEM_ERROR")
        );
        let inst = check_login(good, "user_good", "error_INSTITUTION_DOWN", false).unwrap_err();
        assert_eq!(inst.error_type, "INSTITUTION_ERROR");
        assert!(
            check_login(good, "user_transactions_dynamic", "x", false)
                .expect("ok")
                .dynamic
        );
        assert!(check_login(good, "user_transactions_dynamic", " ", false).is_err());
        assert!(check_login(oauth, "", "", true).is_ok());
        assert_eq!(
            check_login(down, "user_good", "pass_good", false)
                .unwrap_err()
                .error_code,
            "INSTITUTION_DOWN"
        );
    }
}
