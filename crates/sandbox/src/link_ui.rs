//! The offline Link stand-in's HTTP surface: the script, its pages and the JSON calls they make.
//!
//! - `GET /link/v2/stable/link-initialize.js`: the same path as Plaid's CDN script; defines
//!   `window.Plaid.create(config)` and runs Link in a full-window iframe of `GET /link/frame`.
//! - `GET /link/hosted/<id>`: Hosted Link (the `hosted_link_url` of a token made with
//!   `hosted_link`): the same flow as a full page.
//! - `GET /link/oauth`: the OAuth bank's authorization page (Authorize / Deny), opened in a
//!   pop-up by the iframe (reporting back through `window.opener`) or in the same tab by Hosted
//!   Link.
//! - `GET /link/assets/<file>`: the pages' JS and CSS.
//! - On the second listener ("the bank's own site", another origin): `GET /oauth/authorize`,
//!   the same authorization page for banks that sign people in on their own site.
//! - `POST /_link/ui/{init,select,credentials,finish,events}`: what the pages ask the sandbox;
//!   every one calls a function of [`crate::link`], where every state change Link makes is.
//! - `POST /_link/sessions`: a user finishing Link in one call (tests, scripts), without the
//!   pages: [`crate::link::finish`] too.
//!
//! The JS/HTML/CSS are plain files in `crates/sandbox/link/`, embedded at build time. Pages are
//! served with a CSP without inline script or `eval`, and use no network resource but the
//! sandbox itself.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use crate::app::{App, json_response, transact_async, with_request_id};
use crate::ids;
use crate::link::{self, FinishRequest};
use crate::plaid_error::ApiError;
use crate::request::{is_json, parse_json, parse_object, str_field, str_list};

const INITIALIZE_JS: &str = include_str!("../link/link-initialize.js");
const LINK_HTML: &str = include_str!("../link/link.html");
const LINK_JS: &str = include_str!("../link/link.js");
const LINK_CSS: &str = include_str!("../link/link.css");
const OAUTH_HTML: &str = include_str!("../link/oauth.html");
const OAUTH_JS: &str = include_str!("../link/oauth.js");

/// The pages' CSP: only the sandbox's own files and calls, no inline script, no eval.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

/// onExit `metadata.status` values (Plaid's Link web documentation, `onExit`).
const EXIT_STATUSES: &[&str] = &[
    "requires_questions",
    "requires_selections",
    "requires_code",
    "choose_device",
    "requires_credentials",
    "requires_account_selection",
    "requires_oauth",
    "institution_not_found",
    "institution_not_supported",
];

/// The routes of the stand-in.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/link/v2/stable/link-initialize.js", get(initialize_js))
        .route("/link/frame", get(frame_page))
        .route("/link/hosted/{id}", get(hosted_page))
        .route("/link/oauth", get(oauth_page))
        .route("/link/assets/{file}", get(asset))
}

/// The bank's own site (served on the sandbox's second listener, another origin): the OAuth
/// authorization page of [`crate::data::institutions::OWN_SITE_OAUTH`] institutions and its
/// files.
pub(crate) fn bank_routes() -> Router<Arc<App>> {
    Router::new()
        .route("/oauth/authorize", get(oauth_page))
        .route("/link/assets/{file}", get(asset))
}

/// The stand-in's calls back to the server, and `/_link/sessions` (behind the control guard:
/// JSON, loopback Host).
pub(crate) fn control_routes() -> Router<Arc<App>> {
    Router::new()
        .route("/_link/sessions", post(finish_session))
        .route("/_link/ui/init", post(init))
        .route("/_link/ui/select", post(select))
        .route("/_link/ui/credentials", post(credentials))
        .route("/_link/ui/finish", post(finish))
        .route("/_link/ui/events", post(events))
}

fn file(content_type: &'static str, body: &'static str, csp: Option<String>) -> Response {
    let mut resp = (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        body,
    )
        .into_response();
    if let Some(csp) = csp
        && let Ok(v) = csp.parse()
    {
        resp.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, v);
    }
    resp
}

async fn initialize_js() -> Response {
    file("text/javascript; charset=utf-8", INITIALIZE_JS, None)
}

async fn frame_page() -> Response {
    // Embedded by the app's page, whatever its origin (loopback, tauri://localhost, ...).
    file("text/html; charset=utf-8", LINK_HTML, Some(PAGE_CSP.into()))
}

async fn hosted_page(Path(_id): Path<String>) -> Response {
    let csp = format!("{PAGE_CSP}; frame-ancestors 'none'");
    file("text/html; charset=utf-8", LINK_HTML, Some(csp))
}

async fn oauth_page() -> Response {
    let csp = format!("{PAGE_CSP}; frame-ancestors 'none'");
    file("text/html; charset=utf-8", OAUTH_HTML, Some(csp))
}

async fn asset(Path(name): Path<String>) -> Response {
    match name.as_str() {
        "link.js" => file("text/javascript; charset=utf-8", LINK_JS, None),
        "oauth.js" => file("text/javascript; charset=utf-8", OAUTH_JS, None),
        "link.css" => file("text/css; charset=utf-8", LINK_CSS, None),
        _ => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

/// Parses a page's JSON call; only `Content-Type: application/json` (so another site's form
/// cannot post here, and a cross-origin `fetch` needs a preflight the sandbox never grants).
fn parse(headers: &HeaderMap, body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if !is_json(headers) {
        return Err(ApiError::with_message(
            "INVALID_HEADERS",
            "Content-Type must be application/json",
        ));
    }
    parse_object(body)
}

fn required<'a>(body: &'a Map<String, Value>, key: &str) -> Result<&'a str, ApiError> {
    str_field(body, key).ok_or_else(|| ApiError::missing_fields(&[key.to_string()]))
}

/// 200 with the body plus `request_id`, or 400 with `{error: PlaidError, request_id}`.
fn reply(result: Result<Value, ApiError>, request_id: &str) -> Response {
    match result {
        Ok(v) => json_response(200, &with_request_id(v, request_id)),
        Err(e) => json_response(
            400,
            &json!({
                "error": e.to_json(Some(request_id), false),
                "request_id": request_id,
            }),
        ),
    }
}

/// `POST /_link/sessions`: a user finishing Link in one call (tests, scripts). `status:
/// "success"` (the default) links the Item, or repairs it for an update-mode token, and answers
/// the onSuccess shape `{public_token, metadata}`; a bad login or `status: "exit"` answers the
/// onExit shape `{error, metadata}`. Errors are Plaid's error bodies.
async fn finish_session(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let request_id = ids::request_id();
    let result = match parse_session_body(&body) {
        Ok(req) => {
            let request_id = request_id.clone();
            transact_async(&app, move |app| link::finish(app, &req, &request_id)).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(v) => json_response(200, &v),
        Err(e) => json_response(e.status, &e.to_json(Some(&request_id), false)),
    }
}

fn parse_session_body(body: &[u8]) -> Result<FinishRequest, ApiError> {
    // Any JSON is read; one that is not an object has none of the fields.
    let body = match parse_json(body)? {
        Value::Object(obj) => obj,
        _ => Map::new(),
    };
    let s = |k: &str| str_field(&body, k).map(String::from);
    let token = s("link_token").ok_or_else(|| ApiError::missing_fields(&["link_token".into()]))?;
    let status = s("status").unwrap_or_else(|| "success".into());
    if status != "success" && status != "exit" {
        return Err(ApiError::invalid_field(
            "status must be \"success\" or \"exit\"",
        ));
    }
    Ok(FinishRequest {
        token,
        success: status == "success",
        institution_id: s("institution_id"),
        username: s("username").unwrap_or_default(),
        password: s("password").unwrap_or_default(),
        account_ids: str_list(&body, "account_ids"),
        ..FinishRequest::default()
    })
}

async fn init(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let request_id = ids::request_id();
    let body = match parse(&headers, &body) {
        Ok(b) => b,
        Err(e) => return reply(Err(e), &request_id),
    };
    let init = transact_async(&app, move |app| {
        Ok(link::ui_init(
            app,
            str_field(&body, "link_token"),
            str_field(&body, "hosted_id"),
        ))
    })
    .await;
    match init {
        Err(e) => reply(Err(e), &request_id),
        Ok(Ok(v)) => reply(Ok(v), &request_id),
        Ok(Err(e)) => json_response(
            400,
            &json!({
                "error": e.error.to_json(Some(&request_id), false),
                "expired": e.expired,
                "request_id": request_id,
            }),
        ),
    }
}

async fn select(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let request_id = ids::request_id();
    let result = match parse(&headers, &body) {
        Ok(b) => {
            transact_async(&app, move |app| {
                link::ui_select(
                    app,
                    required(&b, "link_token")?,
                    required(&b, "institution_id")?,
                )
            })
            .await
        }
        Err(e) => Err(e),
    };
    reply(result, &request_id)
}

async fn credentials(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let request_id = ids::request_id();
    let result = match parse(&headers, &body) {
        Ok(b) => {
            transact_async(&app, move |app| {
                link::ui_credentials(
                    app,
                    required(&b, "link_token")?,
                    str_field(&b, "institution_id"),
                    str_field(&b, "username").unwrap_or_default(),
                    str_field(&b, "password").unwrap_or_default(),
                )
            })
            .await
        }
        Err(e) => Err(e),
    };
    reply(result, &request_id)
}

async fn finish(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let request_id = ids::request_id();
    let req = parse(&headers, &body).and_then(|b| {
        let session_id = required(&b, "link_session_id")?;
        if uuid::Uuid::parse_str(session_id).is_err() {
            return Err(ApiError::invalid_field("link_session_id must be a UUID"));
        }
        let started_at = required(&b, "started_at")?;
        if chrono::DateTime::parse_from_rfc3339(started_at).is_err() {
            return Err(ApiError::invalid_field("started_at must be RFC 3339"));
        }
        let status = required(&b, "status")?;
        let exit_status = str_field(&b, "exit_status");
        if exit_status.is_some_and(|s| !EXIT_STATUSES.contains(&s)) {
            return Err(ApiError::invalid_field(
                "exit_status is not one of Plaid's values",
            ));
        }
        let error_code = str_field(&b, "error_code");
        if error_code.is_some_and(|c| {
            c.is_empty() || c.len() > 64 || !c.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
        }) {
            return Err(ApiError::invalid_field("error_code must be an error code"));
        }
        let req = FinishRequest {
            token: required(&b, "link_token")?.to_string(),
            session_id: Some(session_id.to_string()),
            started_at: Some(started_at.to_string()),
            success: match status {
                "success" => true,
                "exit" => false,
                _ => {
                    return Err(ApiError::invalid_field(
                        "status must be \"success\" or \"exit\"",
                    ));
                }
            },
            institution_id: str_field(&b, "institution_id").map(String::from),
            username: str_field(&b, "username").unwrap_or_default().to_string(),
            password: str_field(&b, "password").unwrap_or_default().to_string(),
            account_ids: str_list(&b, "account_ids"),
            exit_status: exit_status.map(String::from),
            exit_error_code: error_code.map(String::from),
            events: Some(
                b.get("events")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
            ),
        };
        Ok(req)
    });
    let result = match req {
        Ok(req) => {
            let id = request_id.clone();
            transact_async(&app, move |app| link::finish(app, &req, &id)).await
        }
        Err(e) => Err(e),
    };
    reply(result, &request_id)
}

async fn events(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let request_id = ids::request_id();
    let result = match parse(&headers, &body) {
        Ok(b) => {
            transact_async(&app, move |app| {
                let events = b
                    .get("events")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                link::ui_append_events(
                    app,
                    required(&b, "link_token")?,
                    required(&b, "link_session_id")?,
                    &events,
                )
                .map(|()| json!({}))
            })
            .await
        }
        Err(e) => Err(e),
    };
    reply(result, &request_id)
}
