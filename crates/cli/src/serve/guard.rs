//! What every request passes before a handler: the `Host` check (DNS rebinding), the bearer
//! token, and a JSON body reader whose refusals are JSON too.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::ApiState;
use super::error::ApiError;

/// The `Host` values a request may carry: the bound address and `localhost`, with its port.
#[derive(Debug, Clone)]
pub struct AllowedHosts(Arc<Vec<String>>);

impl AllowedHosts {
    /// For a server listening on `local`.
    pub fn for_addr(local: std::net::SocketAddr) -> Self {
        let port = local.port();
        let ip = match local.ip() {
            std::net::IpAddr::V4(v4) => v4.to_string(),
            std::net::IpAddr::V6(v6) => format!("[{v6}]"),
        };
        AllowedHosts(Arc::new(vec![
            format!("{ip}:{port}"),
            format!("localhost:{port}"),
        ]))
    }

    fn allows(&self, host: &str) -> bool {
        self.0.iter().any(|h| h.eq_ignore_ascii_case(host))
    }
}

/// Refuses a request whose `Host` is not this server's loopback address: a web page on another
/// site that rebinds its DNS name to 127.0.0.1 still sends its own name.
pub async fn check_host(State(hosts): State<AllowedHosts>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !hosts.allows(host) {
        return ApiError::http(
            StatusCode::FORBIDDEN,
            "HOST_NOT_ALLOWED",
            format!(
                "this API answers only requests for {} (Host was {:?})",
                hosts.0.join(" or "),
                crate::serve::clip(host)
            ),
        )
        .into_response();
    }
    next.run(req).await
}

/// One line per request on the server's log: method, path (never the query or a header),
/// status and time. Nothing of a body or token reaches the log.
pub async fn access_log(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = crate::serve::clip(req.uri().path());
    let started = std::time::Instant::now();
    let response = next.run(req).await;
    tracing::info!(
        target: "coffer_cli::serve",
        "{method} {path} {} {:.1} ms",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

/// Lets a request through only with `Authorization: Bearer <live token>`.
pub async fn require_token(State(state): State<ApiState>, req: Request, next: Next) -> Response {
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_string());
    let Some(token) = presented else {
        return ApiError::Unauthorized {
            message: "this API needs `Authorization: Bearer <token>` (create one with `coffer-cli serve token create`)",
            presented: false,
        }
        .into_response();
    };
    match state.coffer.check_api_token(&token) {
        Ok(Some(_)) => next.run(req).await,
        Ok(None) => ApiError::Unauthorized {
            message: "the bearer token is not a live API token (revoked, or never created here)",
            presented: true,
        }
        .into_response(),
        Err(e) => ApiError::Core(e).into_response(),
    }
}

/// A JSON request body. An empty body means "no options" (`T::default()`); anything else must
/// be `application/json`, a JSON object, and parse as `T`.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Default,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| {
                let mime = mime.trim();
                mime.eq_ignore_ascii_case("application/json")
                    || (mime.len() > 5 && mime[mime.len() - 5..].eq_ignore_ascii_case("+json"))
            });
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::http(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "PAYLOAD_TOO_LARGE",
                    format!(
                        "the request body is larger than {} bytes",
                        super::MAX_BODY_BYTES
                    ),
                )
            } else {
                ApiError::http(
                    StatusCode::BAD_REQUEST,
                    "INVALID_JSON",
                    format!("could not read the request body: {}", e.body_text()),
                )
            }
        })?;
        if bytes.is_empty() {
            return Ok(JsonBody(T::default()));
        }
        if !is_json {
            return Err(ApiError::http(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                "send the body as JSON with `Content-Type: application/json`",
            ));
        }
        // serde reads a struct from a JSON array too (`[]` would pass as "no options"); the
        // OpenAPI document says every body is an object, so nothing else is taken.
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::http(
                StatusCode::BAD_REQUEST,
                "INVALID_JSON",
                format!("the request body is not JSON: {}", clip_error(&e)),
            )
        })?;
        if !value.is_object() {
            return Err(ApiError::http(
                StatusCode::BAD_REQUEST,
                "INVALID_JSON",
                "the request body must be a JSON object (or empty)",
            ));
        }
        serde_json::from_value(value).map(JsonBody).map_err(|e| {
            ApiError::http(
                StatusCode::BAD_REQUEST,
                "INVALID_JSON",
                format!(
                    "the request body is not the expected JSON: {}",
                    clip_error(&e)
                ),
            )
        })
    }
}

/// serde's message without the value it quotes past a few characters (a body can hold a
/// public token).
fn clip_error(e: &serde_json::Error) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in e.to_string().chars() {
        if c == '"' {
            quoted = !quoted;
            out.push(c);
            if quoted {
                out.push('…');
            }
        } else if !quoted {
            out.push(c);
        }
    }
    crate::serve::clip(&out)
}

/// 404 for a path the API does not have.
pub async fn not_found(req: Request) -> ApiError {
    ApiError::http(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        format!(
            "no route {} {} (the routes are in /api/openapi.json)",
            req.method(),
            crate::serve::clip(req.uri().path())
        ),
    )
}

/// 405 for a known path with another method.
pub async fn method_not_allowed(req: Request) -> ApiError {
    ApiError::http(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        format!(
            "{} is not allowed on {}",
            req.method(),
            crate::serve::clip(req.uri().path())
        ),
    )
}
