//! The Plaid API surface: one dispatcher does what every Plaid endpoint shares (path and method,
//! faults, `Content-Type`, JSON, credentials, field validation, `request_id`, recording), then
//! calls the endpoint's handler: a plain function of `(&App, &body)` returning the 200 body as a
//! `Value` ([`Handler::Json`]), or its serialized bytes ([`Handler::Body`]). The handlers live
//! in one module per endpoint group; what they share with Link (the state, Item operations,
//! body fields) is in `app`, `items` and `request`, never here.

mod accounts;
mod institutions;
mod item;
mod link_tokens;
mod sandbox;
mod transactions;
mod webhook_keys;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::app::{App, Exchange, bytes_response, json_response, with_request_id};
use crate::conn::ConnHandle;
use crate::ids;
use crate::plaid_error::ApiError;
use crate::request::parse_object;
use crate::validate::{self, Field};

/// A handler returning the 200 body as a `Value` without `request_id` (the dispatcher adds it).
type JsonHandler = fn(&App, &Map<String, Value>) -> Result<Value, ApiError>;
/// A handler serializing the whole 200 body itself, with the `request_id` it is given.
type BodyHandler = fn(&App, &Map<String, Value>, &str) -> Result<Vec<u8>, ApiError>;

/// An endpoint's handler.
#[derive(Clone, Copy)]
enum Handler {
    Json(JsonHandler),
    /// For the hot `/transactions/sync` path, which must not build a `Value` tree.
    Body(BodyHandler),
}

/// What a handler answered.
enum Reply {
    Json(Value),
    Body(Vec<u8>),
}

/// The Plaid endpoints: path, fields, handler.
static ENDPOINTS: &[(&str, &[Field], Handler)] = &[
    (
        "/link/token/create",
        validate::LINK_TOKEN_CREATE,
        Handler::Json(link_tokens::create),
    ),
    (
        "/link/token/get",
        validate::LINK_TOKEN_GET,
        Handler::Json(link_tokens::get),
    ),
    (
        "/item/public_token/exchange",
        validate::PUBLIC_TOKEN_EXCHANGE,
        Handler::Json(item::exchange),
    ),
    (
        "/item/get",
        validate::ACCESS_TOKEN_ONLY,
        Handler::Json(item::get),
    ),
    (
        "/item/remove",
        validate::ITEM_REMOVE,
        Handler::Json(item::remove),
    ),
    (
        "/accounts/get",
        validate::ACCOUNTS_GET,
        Handler::Json(accounts::get),
    ),
    (
        "/accounts/balance/get",
        validate::ACCOUNTS_BALANCE_GET,
        Handler::Json(accounts::balance_get),
    ),
    (
        "/transactions/sync",
        validate::TRANSACTIONS_SYNC,
        Handler::Body(transactions::sync),
    ),
    (
        "/transactions/refresh",
        validate::ACCESS_TOKEN_ONLY,
        Handler::Json(transactions::refresh),
    ),
    (
        "/institutions/get_by_id",
        validate::INSTITUTIONS_GET_BY_ID,
        Handler::Json(institutions::get_by_id),
    ),
    (
        "/sandbox/public_token/create",
        validate::SANDBOX_PUBLIC_TOKEN_CREATE,
        Handler::Json(sandbox::public_token_create),
    ),
    (
        "/sandbox/item/reset_login",
        validate::ACCESS_TOKEN_ONLY,
        Handler::Json(sandbox::reset_login),
    ),
    (
        "/sandbox/item/fire_webhook",
        validate::SANDBOX_FIRE_WEBHOOK,
        Handler::Json(sandbox::fire_webhook),
    ),
    (
        "/sandbox/transactions/create",
        validate::SANDBOX_TRANSACTIONS_CREATE,
        Handler::Json(sandbox::transactions_create),
    ),
    (
        "/webhook_verification_key/get",
        validate::WEBHOOK_VERIFICATION_KEY_GET,
        Handler::Json(webhook_keys::get),
    ),
];

/// The fallback route: every Plaid path (and any unknown path, Plaid's 404 `NOT_FOUND`).
pub(crate) async fn dispatch(
    State(app): State<Arc<App>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request_id = ids::request_id();
    let path = uri.path();
    let found = ENDPOINTS
        .iter()
        .find(|(p, _, _)| *p == path)
        .filter(|_| method == Method::POST);
    let Some(&(path, fields, handler)) = found else {
        // Unknown path, or not POST: Plaid's 404 NOT_FOUND (recorded like any API call).
        let out = ApiError::code("NOT_FOUND").to_json(Some(&request_id), false);
        record(&app, path, &body, 404, &out);
        return json_response(404, &out);
    };
    if let Some(action) = app.faults.on_request(path) {
        if action.delay_ms > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(action.delay_ms)).await;
        }
        if action.drop_connection {
            // Recorded as status 0: no answer was sent.
            record(&app, path, &body, 0, &Value::Null);
            conn.kill();
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        if let Some(e) = action.error {
            let out = e.to_json(Some(&request_id), false);
            record(&app, path, &body, e.status, &out);
            let mut response = json_response(e.status, &out);
            if let Some(secs) = action.retry_after_secs {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
            }
            return response;
        }
    }
    let result = if app.config.state_path.is_some() {
        // A transaction may wait for another process's lock: off the async workers.
        let (app, request_id, body) = (app.clone(), request_id.clone(), body.clone());
        tokio::task::spawn_blocking(move || {
            handle(&app, fields, handler, &headers, &body, &request_id)
        })
        .await
        .unwrap_or_else(|_| Err(ApiError::code("INTERNAL_SERVER_ERROR")))
    } else {
        handle(&app, fields, handler, &headers, &body, &request_id)
    };
    let (status, out) = match result {
        Ok(Reply::Json(v)) => (200, with_request_id(v, &request_id)),
        Ok(Reply::Body(bytes)) => {
            if app.config.record_exchanges {
                let out = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
                record(&app, path, &body, 200, &out);
            }
            return bytes_response(200, bytes);
        }
        Err(e) => (e.status, e.to_json(Some(&request_id), false)),
    };
    record(&app, path, &body, status, &out);
    json_response(status, &out)
}

fn record(app: &App, path: &str, body: &[u8], status: u16, response: &Value) {
    if !app.config.record_exchanges {
        return;
    }
    let mut request = serde_json::from_slice::<Value>(body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()));
    if let Some(o) = request.as_object_mut()
        && o.contains_key("secret")
    {
        o.insert("secret".into(), json!("***"));
    }
    let exchange = Exchange {
        path: path.to_string(),
        request,
        status,
        response: response.clone(),
    };
    app.exchanges
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(exchange);
}

fn handle(
    app: &App,
    fields: &[Field],
    handler: Handler,
    headers: &HeaderMap,
    body: &[u8],
    request_id: &str,
) -> Result<Reply, ApiError> {
    match headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or(""))
    {
        None => {
            return Err(ApiError::with_message(
                "INVALID_HEADERS",
                "the following required headers are missing: Content-Type (use Content-Type: application/json)",
            ));
        }
        Some(ct) => {
            let mime = ct.split(';').next().unwrap_or("").trim();
            if !mime.eq_ignore_ascii_case("application/json") {
                return Err(ApiError::with_message(
                    "INVALID_BODY",
                    format!(
                        "request body must be JSON sent with Content-Type: application/json, got \"{mime}\""
                    ),
                ));
            }
        }
    }
    let obj = parse_object(body)?;
    check_credentials(app, headers, &obj)?;
    validate::check(&obj, fields)?;
    app.transact(|app| match handler {
        Handler::Json(f) => f(app, &obj).map(Reply::Json),
        Handler::Body(f) => f(app, &obj, request_id).map(Reply::Body),
    })
}

fn credential(
    headers: &HeaderMap,
    obj: &Map<String, Value>,
    header_name: &str,
    field: &str,
) -> Result<Option<String>, ApiError> {
    if let Some(v) = headers.get(header_name) {
        let s = v.to_str().unwrap_or("").trim().to_string();
        if s.is_empty() {
            return Err(ApiError::invalid_field(format!(
                "{field} must be a properly formatted, non-empty string"
            )));
        }
        return Ok(Some(s));
    }
    match obj.get(field) {
        None => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::invalid_field(format!(
            "{field} must be a properly formatted, non-empty string"
        ))),
    }
}

fn check_credentials(
    app: &App,
    headers: &HeaderMap,
    obj: &Map<String, Value>,
) -> Result<(), ApiError> {
    let id = credential(headers, obj, "plaid-client-id", "client_id")?;
    let secret = credential(headers, obj, "plaid-secret", "secret")?;
    let (Some(id), Some(secret)) = (id.clone(), secret.clone()) else {
        let mut missing = Vec::new();
        if id.is_none() {
            missing.push("client_id".to_string());
        }
        if secret.is_none() {
            missing.push("secret".to_string());
        }
        return Err(ApiError::missing_fields(&missing));
    };
    if let Some((want_id, want_secret)) = &app.config.credentials
        && (&id != want_id || &secret != want_secret)
    {
        return Err(ApiError::code("INVALID_API_KEYS"));
    }
    Ok(())
}
