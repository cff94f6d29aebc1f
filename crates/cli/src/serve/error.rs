//! What the API answers when something fails, in its two dialects.
//!
//! - `/api/v1/...` and everything the HTTP layer refuses: `{ "error": message, "code": CODE }`,
//!   where `CODE` is coffer-core's `ErrorCode` (or one of the HTTP layer's own: `UNAUTHORIZED`,
//!   `HOST_NOT_ALLOWED`, `NOT_FOUND`, `METHOD_NOT_ALLOWED`, `PAYLOAD_TOO_LARGE`,
//!   `UNSUPPORTED_MEDIA_TYPE`, `INVALID_JSON`, `SYNC_RUNNING`), plus `remedy` (what to tell a
//!   person, decided by coffer-core) when there is one, and `display_message`,
//!   `plaid_error_code`, `plaid_error_message` and `request_id` (Plaid's fields) when Plaid
//!   refused. A core error's status is
//!   [`status_of`]'s: 400 input, 404 unknown link, 502 Plaid, 503 keychain unavailable or
//!   Plaid not configured, 500 database and files.
//! - monetr's routes: exactly monetr's `{ "error": message }` bodies and statuses.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use coffer_core::{AppError, ErrorCode};
use serde::Serialize;
use utoipa::ToSchema;

/// The error body of `/api/v1` and of every refusal by the HTTP layer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for people (Plaid's `display_message` is separate).
    pub error: String,
    /// What to branch on: coffer-core's `ErrorCode` or the HTTP layer's own code.
    pub code: String,
    /// What to tell a person: what happened in their words, and what to do (coffer-core's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remedy: Option<String>,
    /// Plaid's message for the end user, when Plaid sent one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_message: Option<String>,
    /// Plaid's `error_code` (e.g. `ITEM_LOGIN_REQUIRED`), when Plaid refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plaid_error_code: Option<String>,
    /// Plaid's own reason (its `error_message`, written for developers), when Plaid refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plaid_error_message: Option<String>,
    /// Plaid's request id, for support.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// monetr's error body.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonetrError {
    /// monetr's message, word for word.
    pub error: String,
}

/// A failed request.
#[derive(Debug)]
pub enum ApiError {
    /// coffer-core refused or failed.
    Core(AppError),
    /// The HTTP layer refused the request.
    Http {
        /// Status.
        status: StatusCode,
        /// One of the HTTP layer's codes (module docs).
        code: &'static str,
        /// For people.
        message: String,
    },
    /// 401: no token, or not a live one.
    Unauthorized {
        /// For people.
        message: &'static str,
        /// Whether a token was presented (then `error="invalid_token"`, RFC 6750).
        presented: bool,
    },
    /// monetr's dialect: its body and status.
    Monetr {
        /// Status.
        status: StatusCode,
        /// monetr's message.
        message: String,
    },
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError::Core(e)
    }
}

impl ApiError {
    /// A refusal by the HTTP layer.
    pub fn http(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Http {
            status,
            code,
            message: message.into(),
        }
    }

    /// The same failure in monetr's dialect: monetr's words and statuses for what monetr
    /// defines (the link limit, a missing public token or account, a failed link token or
    /// exchange), `{ "error": message }` with the usual status for the rest. Authentication
    /// and Host refusals keep their form (they come before any dialect).
    pub fn monetr(self, failed: &'static str) -> Self {
        match self {
            ApiError::Core(e) => {
                let status = match e.code() {
                    ErrorCode::LinkLimitReached
                    | ErrorCode::MissingPublicToken
                    | ErrorCode::NoAccountsSelected
                    | ErrorCode::InvalidInput => StatusCode::BAD_REQUEST,
                    ErrorCode::LoginRequired | ErrorCode::Plaid | ErrorCode::Network => {
                        return ApiError::Monetr {
                            status: StatusCode::INTERNAL_SERVER_ERROR,
                            message: failed.to_string(),
                        };
                    }
                    other => status_of(other),
                };
                ApiError::Monetr {
                    status,
                    message: e.to_string(),
                }
            }
            ApiError::Http {
                status, message, ..
            } if status == StatusCode::BAD_REQUEST => ApiError::Monetr { status, message },
            other => other,
        }
    }
}

/// The status of a core error.
pub fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::InvalidInput
        | ErrorCode::MissingPublicToken
        | ErrorCode::NoAccountsSelected
        | ErrorCode::LinkLimitReached => StatusCode::BAD_REQUEST,
        ErrorCode::LinkNotFound => StatusCode::NOT_FOUND,
        ErrorCode::LoginRequired | ErrorCode::Plaid | ErrorCode::Network => StatusCode::BAD_GATEWAY,
        ErrorCode::KeychainUnavailable | ErrorCode::NotConfigured => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        ErrorCode::Storage | ErrorCode::DatabaseTooNew | ErrorCode::Io => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Core(e) => {
                let status = status_of(e.code());
                if status.is_server_error() {
                    tracing::warn!(code = ?e.code(), error = %e, "request failed");
                }
                let plaid = e.plaid();
                let body = ErrorBody {
                    error: e.to_string(),
                    code: super::wire(&e.code()),
                    remedy: e.remedy(),
                    display_message: plaid.and_then(|p| p.display_message.clone()),
                    plaid_error_code: plaid.map(|p| p.error_code.to_string()),
                    plaid_error_message: plaid.map(|p| p.error_message.clone()),
                    request_id: plaid.and_then(|p| p.request_id.clone()),
                };
                (status, Json(body)).into_response()
            }
            ApiError::Http {
                status,
                code,
                message,
            } => (status, Json(plain(code, message))).into_response(),
            ApiError::Unauthorized { message, presented } => {
                let challenge = if presented {
                    r#"Bearer realm="coffer", error="invalid_token""#
                } else {
                    r#"Bearer realm="coffer""#
                };
                let mut response = (
                    StatusCode::UNAUTHORIZED,
                    Json(plain("UNAUTHORIZED", message.to_string())),
                )
                    .into_response();
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(challenge),
                );
                response
            }
            ApiError::Monetr { status, message } => {
                (status, Json(MonetrError { error: message })).into_response()
            }
        }
    }
}

fn plain(code: &str, message: String) -> ErrorBody {
    ErrorBody {
        error: message,
        code: code.to_string(),
        remedy: None,
        display_message: None,
        plaid_error_code: None,
        plaid_error_message: None,
        request_id: None,
    }
}
