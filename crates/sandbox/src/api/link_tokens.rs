//! `/link/token/create` and `/link/token/get`.

use serde_json::{Map, Value, json};

use crate::app::App;
use crate::ids;
use crate::plaid_error::ApiError;
use crate::request::{str_field, str_list};
use crate::state::{LinkToken, rfc3339};
use crate::validate::check_products;

/// Lifetime of a link token for a new Item.
pub const LINK_TOKEN_HOURS: i64 = 4;
/// Lifetime of an update-mode (and default Hosted Link) link token.
pub const SHORT_LINK_TOKEN_MINUTES: i64 = 30;
/// `/link/token/get` shows sessions this long after they finished.
pub const SESSION_VISIBLE_HOURS: i64 = 6;

fn check_redirect_uri(uri: &str) -> Result<(), ApiError> {
    let ok_scheme = uri.starts_with("https://")
        || uri.starts_with("http://localhost")
        || uri.starts_with("http://127.0.0.1");
    if !ok_scheme || uri.contains('#') || uri.contains('?') {
        return Err(ApiError::invalid_field(
            "OAuth redirect URI must be an https URL (http://localhost allowed in Sandbox) without query string or fragment, configured in the developer dashboard",
        ));
    }
    Ok(())
}

/// `/link/token/create`.
pub(super) fn create(app: &App, body: &Map<String, Value>) -> Result<Value, ApiError> {
    let now = app.now();
    if body.get("user").is_none_or(Value::is_null) && body.get("user_id").is_none_or(Value::is_null)
    {
        return Err(ApiError::missing_fields(&["user".to_string()]));
    }
    let country_codes = str_list(body, "country_codes");
    if country_codes.is_empty() {
        return Err(ApiError::invalid_field(
            "country_codes must be a non-empty array",
        ));
    }
    let products = str_list(body, "products");
    for list in [
        "products",
        "optional_products",
        "required_if_supported_products",
        "additional_consented_products",
    ] {
        check_products(&str_list(body, list))?;
    }
    let webhook = str_field(body, "webhook").map(String::from);
    if let Some(w) = &webhook
        && !(w.starts_with("https://") || w.starts_with("http://"))
    {
        return Err(ApiError::invalid_field("webhook must be a valid URL"));
    }
    let redirect_uri = str_field(body, "redirect_uri").map(String::from);
    if let Some(r) = &redirect_uri {
        check_redirect_uri(r)?;
    }
    let mut st = app.state();
    let update_item_id = match str_field(body, "access_token") {
        Some(token) => {
            if !products.is_empty() {
                return Err(ApiError::invalid_field(
                    "products must be omitted when access_token is provided (update mode)",
                ));
            }
            Some(st.item_mut(token)?.item_id.clone())
        }
        None => {
            if body.get("products").is_none_or(Value::is_null) {
                return Err(ApiError::missing_fields(&["products".to_string()]));
            }
            if products.is_empty() {
                return Err(ApiError::invalid_field(
                    "products must contain at least one product",
                ));
            }
            None
        }
    };
    let hosted = body.get("hosted_link").and_then(Value::as_object);
    let lifetime = match (hosted, &update_item_id) {
        (Some(h), _) => match h.get("url_lifetime_seconds").and_then(Value::as_i64) {
            Some(secs) => chrono::Duration::seconds(secs),
            None => chrono::Duration::minutes(SHORT_LINK_TOKEN_MINUTES),
        },
        (None, Some(_)) => chrono::Duration::minutes(SHORT_LINK_TOKEN_MINUTES),
        (None, None) => chrono::Duration::hours(LINK_TOKEN_HOURS),
    };
    let token = ids::token("link");
    let hosted_link_url =
        hosted.map(|_| format!("{}/link/hosted/{}", app.url, uuid::Uuid::new_v4()));
    let expiration = now + lifetime;
    let account_selection_enabled = update_item_id.is_some()
        && body
            .get("update")
            .and_then(|u| u.get("account_selection_enabled"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
    st.link_tokens.insert(
        token.clone(),
        LinkToken {
            created_at: now,
            expiration,
            client_name: str_field(body, "client_name")
                .unwrap_or_default()
                .to_string(),
            language: str_field(body, "language").unwrap_or("en").to_string(),
            country_codes,
            products,
            webhook,
            days_requested: body
                .get("transactions")
                .and_then(|t| t.get("days_requested"))
                .and_then(Value::as_u64),
            redirect_uri,
            update_item_id,
            hosted_link_url: hosted_link_url.clone(),
            account_selection_enabled,
            sessions: Vec::new(),
        },
    );
    drop(st);
    app.touch();
    let mut out = json!({ "link_token": token, "expiration": rfc3339(expiration) });
    if let (Some(url), Some(o)) = (hosted_link_url, out.as_object_mut()) {
        o.insert("hosted_link_url".into(), json!(url));
    }
    Ok(out)
}

/// `/link/token/get`.
pub(super) fn get(app: &App, body: &Map<String, Value>) -> Result<Value, ApiError> {
    let now = app.now();
    let st = app.state();
    let token = str_field(body, "link_token").unwrap_or_default();
    let lt = st
        .link_tokens
        .get(token)
        .ok_or_else(|| ApiError::code("INVALID_LINK_TOKEN"))?;
    let cutoff = now - chrono::Duration::hours(SESSION_VISIBLE_HOURS);
    let sessions: Vec<Value> = lt
        .sessions
        .iter()
        .filter(|s| {
            s["finished_at"]
                .as_str()
                .and_then(|f| chrono::DateTime::parse_from_rfc3339(f).ok())
                .is_none_or(|f| f >= cutoff)
        })
        .cloned()
        .collect();
    Ok(json!({
        "link_token": token,
        "created_at": rfc3339(lt.created_at),
        "expiration": rfc3339(lt.expiration),
        "metadata": {
            "initial_products": lt.products,
            "webhook": lt.webhook,
            "country_codes": lt.country_codes,
            "language": lt.language,
            "redirect_uri": lt.redirect_uri,
            "client_name": lt.client_name,
        },
        "link_sessions": sessions,
    }))
}
