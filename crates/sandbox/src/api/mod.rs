//! The Plaid API surface: one dispatcher does what every Plaid endpoint shares (path and method,
//! faults, `Content-Type`, JSON, credentials, field validation, `request_id`, recording), then
//! calls the endpoint's handler, a plain function `(&App, &body) -> Result<Value, ApiError>`.

mod accounts;
mod institutions;
mod items;
mod link_tokens;
mod sandbox;
mod transactions;
mod webhook_keys;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::Exchange;
use crate::config::SandboxConfig;
use crate::conn::ConnHandle;
use crate::faults::{FaultSpec, Faults};
use crate::plaid_error::ApiError;
use crate::state::{Item, State as SandboxState};
use crate::state_file::StateFile;
use crate::validate::{self, Field};
use crate::{ids, link};

pub(crate) use items::{
    NewItem, check_login as items_check_login, create_item, forced_error as items_forced_error,
    institution_or_err as items_institution, issue_public_token as items_issue_public_token,
    linked_webhooks,
};

/// Shared server state.
pub(crate) struct App {
    pub config: SandboxConfig,
    pub state: Mutex<SandboxState>,
    /// The state file shared with other processes (`None`: memory only). Its mutex also
    /// serializes this process's transactions.
    pub file: Mutex<Option<StateFile>>,
    /// Set by [`App::touch`] during a transaction.
    pub dirty: AtomicBool,
    pub faults: Faults,
    pub exchanges: Mutex<Vec<Exchange>>,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The OAuth bank pages' own origin (another port).
    pub bank_url: String,
    /// Webhook signing key and delivery.
    pub webhooks: Arc<crate::webhooks::Webhooks>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("url", &self.url)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl App {
    pub fn now(&self) -> DateTime<Utc> {
        self.config.clock.now()
    }

    /// The state. Only inside [`App::transact`]: outside one, it may be stale or not yet saved.
    pub fn state(&self) -> MutexGuard<'_, SandboxState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records that the state changed: the transaction writes it to the state file.
    pub fn touch(&self) {
        self.dirty.store(true, Ordering::Relaxed);
    }

    /// Runs `f` as one transaction on the state: with a state file, under its lock, on the
    /// state as the last process to change it left it, and saved before the lock is released
    /// if `f` touched it (see `state_file`). Blocking: call it from a blocking thread.
    pub fn transact<T>(&self, f: impl FnOnce(&App) -> Result<T, ApiError>) -> Result<T, ApiError> {
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let Some(file) = file.as_mut() else {
            return f(self);
        };
        let mut locked = file.begin(&mut self.state()).map_err(state_file_error)?;
        self.dirty.store(false, Ordering::Relaxed);
        let out = f(self);
        if self.dirty.swap(false, Ordering::Relaxed) {
            locked.commit(&self.state()).map_err(state_file_error)?;
        }
        out
    }

    /// Delivers webhooks in the background. Call after releasing the state guard, with what
    /// the handler took out of the state (see `webhooks`).
    pub fn send_webhooks(&self, outgoing: Option<Outgoing>) {
        if let Some(Outgoing { url, bodies }) = outgoing {
            self.webhooks.send(&url, bodies);
        }
    }
}

/// Webhooks a handler decided to send: the Item's URL and the bodies, in order.
#[derive(Debug)]
pub(crate) struct Outgoing {
    pub url: String,
    pub bodies: Vec<Value>,
}

impl Outgoing {
    /// Records `bodies` as sent for `item` (its `status.last_webhook`) and returns them with
    /// its URL; `None` when the Item has no webhook or there is nothing to send.
    pub fn for_item(item: &mut Item, now: DateTime<Utc>, bodies: Vec<Value>) -> Option<Outgoing> {
        let url = item.webhook.clone().filter(|u| !u.is_empty())?;
        let last = bodies.last()?;
        let code = last["webhook_code"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        item.last_webhook = Some((now, code));
        Some(Outgoing { url, bodies })
    }
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

/// [`App::transact`] from async code: on a blocking thread when a state file may make it wait
/// for another process, inline when there is none.
pub(crate) async fn transact_async<T: Send + 'static>(
    app: &Arc<App>,
    f: impl FnOnce(&App) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    if app.config.state_path.is_none() {
        return app.transact(f);
    }
    let app = app.clone();
    tokio::task::spawn_blocking(move || app.transact(f))
        .await
        .unwrap_or_else(|_| Err(ApiError::code("INTERNAL_SERVER_ERROR")))
}

fn state_file_error(e: crate::Error) -> ApiError {
    tracing::warn!("sandbox state file: {e}");
    ApiError::with_message(
        "INTERNAL_SERVER_ERROR",
        format!("the sandbox could not read or write its state file: {e}"),
    )
}

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
        Handler::Json(items::exchange),
    ),
    (
        "/item/get",
        validate::ACCESS_TOKEN_ONLY,
        Handler::Json(items::get),
    ),
    (
        "/item/remove",
        validate::ITEM_REMOVE,
        Handler::Json(items::remove),
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

/// The router: Plaid paths through [`dispatch`], plus the non-Plaid `/`, the control routes
/// `/_faults`, `/_link/sessions` and `/_link/ui/*` (behind [`crate::control_guard`]), and the
/// Link stand-in's pages (`link_ui`).
pub(crate) fn router(app: Arc<App>) -> Router {
    let control = Router::new()
        .route(
            "/_faults",
            post(add_fault).delete(clear_faults).get(list_faults),
        )
        .route("/_link/sessions", post(link::finish_session))
        .merge(crate::link_ui::control_routes())
        .route_layer(axum::middleware::from_fn(
            crate::control_guard::control_guard,
        ));
    Router::new()
        .route("/", get(health))
        .merge(control)
        .merge(crate::link_ui::routes())
        .fallback(dispatch)
        .with_state(app)
}

async fn health() -> Response {
    (
        StatusCode::OK,
        axum::Json(json!({"status": "ok", "service": "plaid-sandbox"})),
    )
        .into_response()
}

async fn add_fault(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let spec: FaultSpec = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({"error": e.to_string()})),
            )
                .into_response();
        }
    };
    if let Err(e) = spec.validate() {
        return (StatusCode::BAD_REQUEST, axum::Json(json!({"error": e}))).into_response();
    }
    app.faults.add(spec);
    (
        StatusCode::OK,
        axum::Json(json!({"faults": app.faults.list()})),
    )
        .into_response()
}

async fn clear_faults(State(app): State<Arc<App>>) -> Response {
    app.faults.clear();
    (StatusCode::OK, axum::Json(json!({"faults": []}))).into_response()
}

async fn list_faults(State(app): State<Arc<App>>) -> Response {
    (
        StatusCode::OK,
        axum::Json(json!({"faults": app.faults.list()})),
    )
        .into_response()
}

/// A JSON response with a status.
pub(crate) fn json_response(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

/// A response whose body is already-serialized JSON.
fn bytes_response(status: u16, body: Vec<u8>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

async fn dispatch(
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
        Ok(Reply::Json(mut v)) => {
            if let Some(o) = v.as_object_mut() {
                o.insert("request_id".into(), json!(request_id));
            }
            (200, v)
        }
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
    let parsed: Value = serde_json::from_slice(body)
        .map_err(|_| ApiError::with_message("INVALID_BODY", "body could not be parsed as JSON"))?;
    let Value::Object(obj) = parsed else {
        return Err(ApiError::with_message(
            "INVALID_BODY",
            "body must be a JSON object",
        ));
    };
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

/// A string field of a validated body.
pub(crate) fn str_field<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    obj.get(name).and_then(Value::as_str)
}

/// A string-array field of a validated body (empty when absent).
pub(crate) fn str_list(obj: &Map<String, Value>, name: &str) -> Vec<String> {
    obj.get(name)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// The `options` object of a body (empty when absent).
pub(crate) fn options(obj: &Map<String, Value>) -> Map<String, Value> {
    obj.get("options")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// Checks products: `balance` and unknown names give `INVALID_PRODUCT`.
pub(crate) fn check_products(products: &[String]) -> Result<(), ApiError> {
    let bad: Vec<&str> = products
        .iter()
        .map(String::as_str)
        .filter(|p| !crate::data::products::PRODUCTS.contains(p))
        .collect();
    if bad.is_empty() {
        return Ok(());
    }
    if bad == ["balance"] {
        return Err(ApiError::with_message(
            "INVALID_PRODUCT",
            "balance is not a valid product. Balance is available by default with all products.",
        ));
    }
    Err(ApiError::with_message(
        "INVALID_PRODUCT",
        format!("the following products are not valid: {}", bad.join(", ")),
    ))
}
