//! `coffer-cli serve`: coffer-core's link lifecycle, and the person's edits, categories and
//! rules, as a REST API on loopback, for web front ends that expect a backend route. It is as thin as the desktop's Tauri commands: each
//! handler makes one call into [`Coffer`]; this module adds only HTTP.
//!
//! - Two dialects: `/api/v1/banking/...` (snake_case, [`v1`]) and monetr's Plaid Links API
//!   (`/api/plaid/token/...`, camelCase, [`monetr`]).
//! - Every `/api` route but `/api/openapi.json` needs `Authorization: Bearer <token>`; tokens
//!   are made with `coffer-cli serve token create` and only their hashes are stored.
//! - Loopback only; a request whose `Host` is not the bound address or `localhost` is refused
//!   (DNS rebinding); CORS only for the `--allow-origin` origins; bodies are JSON and at most
//!   [`MAX_BODY_BYTES`].
//! - The OpenAPI document ([`openapi::document`]) is generated from the handlers' annotations,
//!   served at `/api/openapi.json` and committed as `crates/cli/openapi.json` (a test fails
//!   when the two differ).
//!
//! ## How to add a route
//! Write the handler in the dialect's module with a `#[utoipa::path]` annotation, add it to
//! [`router`] and to [`openapi::ApiDoc`]'s `paths`, then regenerate the committed document
//! (`COFFER_WRITE_OPENAPI=1 cargo test -p coffer-cli --test cli openapi`) and add a case to
//! `tests/cli/serve.rs`.

pub mod error;
pub mod guard;
pub mod monetr;
pub mod openapi;
pub mod v1;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::from_fn_with_state;
use axum::routing::{delete, get, post, put};
use coffer_core::{AppError, Coffer};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The address `serve` binds unless told otherwise.
pub const DEFAULT_BIND: &str = "127.0.0.1:8750";

/// What the handlers share.
#[derive(Debug, Clone)]
pub struct ApiState {
    /// The core, one per process.
    pub coffer: Coffer,
    /// Held while a sync started through the API runs (a second one gets 409).
    pub sync_running: Arc<tokio::sync::Mutex<()>>,
}

/// The first 60 characters of `s` (for echoing what a client sent in an error).
pub fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// An enum of the core as its wire text (`LOGIN_REQUIRED`, `LINK_NOT_FOUND`).
pub fn wire<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Refuses an address that is not loopback: the API speaks for the user's bank data and is
/// meant for a front end on the same machine.
pub fn check_bind(addr: SocketAddr) -> Result<SocketAddr, AppError> {
    if !addr.ip().is_loopback() {
        return Err(AppError::invalid(format!(
            "refusing to listen on {addr}: `coffer-cli serve` binds loopback addresses only \
             (127.0.0.0/8 or [::1]), so nothing outside this machine can reach it"
        )));
    }
    Ok(addr)
}

/// Checks `--allow-origin` values: `scheme://host[:port]`, nothing else (no `*`, no path).
pub fn parse_origins(origins: &[String]) -> Result<Vec<HeaderValue>, AppError> {
    origins
        .iter()
        .map(|o| {
            let bad = || {
                AppError::invalid(format!(
                    "--allow-origin {o:?} is not an origin like http://localhost:3000 \
                     (scheme, host and port only; `*` is not allowed)"
                ))
            };
            let url = url::Url::parse(o).map_err(|_| bad())?;
            let origin = url.origin().ascii_serialization();
            if !matches!(url.scheme(), "http" | "https") || origin != o.trim_end_matches('/') {
                return Err(bad());
            }
            HeaderValue::from_str(&origin).map_err(|_| bad())
        })
        .collect()
}

/// The whole API for a server listening on `local`.
pub fn router(coffer: Coffer, local: SocketAddr, origins: Vec<HeaderValue>) -> Router {
    let state = ApiState {
        coffer,
        sync_running: Arc::new(tokio::sync::Mutex::new(())),
    };
    let mut app = Router::new()
        .route("/api/v1/banking/link-token", post(v1::link_token))
        .route("/api/v1/banking/exchange", post(v1::exchange))
        .route("/api/v1/banking/links", get(v1::links))
        .route("/api/v1/banking/links/{id}", delete(v1::remove_link))
        .route("/api/v1/banking/accounts", get(v1::accounts))
        .route("/api/v1/banking/transactions", get(v1::transactions))
        .route(
            "/api/v1/banking/transactions/edit",
            post(v1::edits::edit_transactions),
        )
        .route(
            "/api/v1/banking/transactions/{id}",
            get(v1::edits::get_transaction).patch(v1::edits::edit_transaction),
        )
        .route(
            "/api/v1/banking/transactions/{id}/split",
            put(v1::edits::split_transaction).delete(v1::edits::unsplit_transaction),
        )
        .route(
            "/api/v1/banking/transactions/{id}/rule-suggestion",
            get(v1::rules::suggest_rule),
        )
        .route("/api/v1/banking/transfers", post(v1::edits::pair_transfer))
        .route(
            "/api/v1/banking/transfers/{id}",
            delete(v1::edits::unpair_transfer),
        )
        .route(
            "/api/v1/banking/categories",
            get(v1::categories::list_categories).post(v1::categories::create_category),
        )
        .route(
            "/api/v1/banking/categories/{name}",
            delete(v1::categories::delete_category),
        )
        .route("/api/v1/banking/tags", get(v1::categories::list_tags))
        .route(
            "/api/v1/banking/rules",
            get(v1::rules::list_rules).post(v1::rules::create_rule),
        )
        .route(
            "/api/v1/banking/rules/{id}",
            put(v1::rules::update_rule).delete(v1::rules::delete_rule),
        )
        .route("/api/v1/banking/rules/order", post(v1::rules::order_rules))
        .route(
            "/api/v1/banking/rules/preview",
            post(v1::rules::preview_rules),
        )
        .route("/api/v1/banking/rules/apply", post(v1::rules::apply_rules))
        .route(
            "/api/v1/banking/rules/export",
            get(v1::rules_file::export_rules),
        )
        .route(
            "/api/v1/banking/rules/import",
            post(v1::rules_file::import_rules),
        )
        .route("/api/v1/banking/sync", post(v1::sync))
        .route("/api/plaid/token/new", get(monetr::token_new))
        .route("/api/plaid/token/callback", post(monetr::token_callback))
        .route_layer(from_fn_with_state(state.clone(), guard::require_token))
        .route("/api/openapi.json", get(openapi::serve))
        .fallback(guard::not_found)
        .method_not_allowed_fallback(guard::method_not_allowed)
        .with_state(state)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    if !origins.is_empty() {
        app = app.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([
                    Method::GET,
                    Method::POST,
                    Method::PUT,
                    Method::PATCH,
                    Method::DELETE,
                ])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
                .max_age(Duration::from_secs(600)),
        );
    }
    app.layer(from_fn_with_state(
        guard::AllowedHosts::for_addr(local),
        guard::check_host,
    ))
    .layer(axum::middleware::from_fn(guard::access_log))
}

/// Serves until `shutdown` completes; in-flight requests finish first.
pub async fn run(
    coffer: Coffer,
    listener: tokio::net::TcpListener,
    origins: Vec<HeaderValue>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let local = listener.local_addr()?;
    let app = router(coffer, local, origins);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Ctrl-C, or SIGTERM on Unix.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
