//! The HTTP routers, put together from the surfaces that never call each other: the Plaid API
//! (`api`, every Plaid path through its dispatcher), the Link stand-in (`link_ui`: its pages,
//! its calls and `/_link/sessions`), and the sandbox's own routes defined here (`GET /` health
//! and `/_faults`). Control routes sit behind [`crate::control_guard`].

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use crate::app::App;
use crate::faults::FaultSpec;
use crate::{api, control_guard, link_ui};

/// The sandbox's main listener: Plaid paths through `api`'s dispatcher, plus the non-Plaid
/// `/`, the control routes `/_faults`, `/_link/sessions` and `/_link/ui/*` (behind the control
/// guard), and the Link stand-in's pages.
pub(crate) fn router(app: Arc<App>) -> Router {
    let control = Router::new()
        .route(
            "/_faults",
            post(add_fault).delete(clear_faults).get(list_faults),
        )
        .merge(link_ui::control_routes())
        .route_layer(axum::middleware::from_fn(control_guard::control_guard));
    Router::new()
        .route("/", get(health))
        .merge(control)
        .merge(link_ui::routes())
        .fallback(api::dispatch)
        .with_state(app)
}

/// The second listener: the bank's own site (`link_ui::bank_routes`).
pub(crate) fn bank_router(app: Arc<App>) -> Router {
    link_ui::bank_routes().with_state(app)
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
