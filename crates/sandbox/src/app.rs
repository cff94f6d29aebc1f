//! The server's state and its JSON responses: what every route shares, whichever surface it
//! belongs to (the Plaid API in `api`, the Link stand-in in `link`/`link_ui`, the control
//! routes in `server`).
//!
//! - [`App`]: the configuration, the Items and tokens, the state file, faults, recorded
//!   exchanges, the listeners' URLs and webhook delivery. Every read or write of the state
//!   runs in [`App::transact`] (or [`transact_async`] from async code).
//! - [`Outgoing`]: webhooks decided under the state guard, sent after it is released.
//! - [`json_response`], [`bytes_response`], [`with_request_id`]: the JSON answers.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};

use crate::config::SandboxConfig;
use crate::error::Error;
use crate::faults::Faults;
use crate::plaid_error::ApiError;
use crate::state::{Item, State};
use crate::state_file::StateFile;
use crate::webhooks::Webhooks;

/// One recorded request/response pair (when `record_exchanges` is on); a connection a fault
/// dropped is recorded with status 0 and a null response. The request's `secret`
/// field, if any, is replaced by `"***"`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Exchange {
    pub path: String,
    pub request: Value,
    pub status: u16,
    pub response: Value,
}

/// Shared server state.
pub(crate) struct App {
    pub config: SandboxConfig,
    pub state: Mutex<State>,
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
    pub webhooks: Arc<Webhooks>,
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
    pub fn state(&self) -> MutexGuard<'_, State> {
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

fn state_file_error(e: Error) -> ApiError {
    tracing::warn!("sandbox state file: {e}");
    ApiError::with_message(
        "INTERNAL_SERVER_ERROR",
        format!("the sandbox could not read or write its state file: {e}"),
    )
}

/// A JSON response with a status.
pub(crate) fn json_response(status: u16, body: &Value) -> Response {
    bytes_response(status, body.to_string().into_bytes())
}

/// A response whose body is already-serialized JSON.
pub(crate) fn bytes_response(status: u16, body: Vec<u8>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Adds `request_id` to a 200 body (Plaid sends one in every answer); a body that is not an
/// object is left as it is.
pub(crate) fn with_request_id(mut body: Value, request_id: &str) -> Value {
    if let Some(o) = body.as_object_mut() {
        o.insert("request_id".into(), json!(request_id));
    }
    body
}
