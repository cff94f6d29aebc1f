//! The error type of every Plaid call.

use crate::types::{ErrorCode, PlaidError};

/// Result of a Plaid call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a Plaid call failed. No variant ever holds the Plaid secret or an access token: texts
/// that come from the server or from the HTTP stack are scrubbed of both before they get here.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Plaid answered with its error object (any non-2xx status with a `PlaidError` body).
    #[error("{}", api_message(*.status, .error))]
    Api {
        /// HTTP status (400 for most Item errors, 429 rate limits, 500/503 Plaid trouble).
        status: u16,
        /// The whole Plaid error, including `display_message` and `request_id` (boxed: it is
        /// large and `Result<T, Error>` is on every call's path).
        error: Box<PlaidError>,
    },

    /// The request did not complete: DNS, connect, TLS, a dropped connection, a timeout.
    #[error("could not reach Plaid: {message}")]
    Transport {
        /// What went wrong, starting with the endpoint path; never contains a secret.
        message: String,
        /// The request (or connecting) took longer than the configured timeout.
        timeout: bool,
        /// The connection could not be established, so the request was never sent.
        connect: bool,
    },

    /// The body was JSON but not of the documented shape.
    #[error(
        "unexpected response from Plaid {endpoint} (HTTP {status}{}): at `{path}`: {message}",
        request_id_suffix(.request_id.as_deref())
    )]
    Decode {
        /// The endpoint, e.g. `/accounts/get`.
        endpoint: String,
        /// HTTP status of the response.
        status: u16,
        /// The JSON path of the value that did not fit, e.g. `accounts[2].balances.current`.
        path: String,
        /// The decoder's message.
        message: String,
        /// Plaid's `request_id` if the body had one.
        request_id: Option<String>,
    },

    /// The body was not JSON at all, e.g. the HTML page of a proxy answering 502.
    #[error(
        "Plaid {endpoint} answered HTTP {status} with a body that is not JSON ({}): {snippet}",
        .content_type.as_deref().unwrap_or("no content type")
    )]
    UnexpectedResponse {
        /// The endpoint, e.g. `/item/get`.
        endpoint: String,
        /// HTTP status of the response.
        status: u16,
        /// The `Content-Type` header, if any.
        content_type: Option<String>,
        /// The first characters of the body, whitespace collapsed.
        snippet: String,
    },

    /// The client was configured wrongly (bad base URL, empty credentials, …).
    #[error("invalid Plaid client configuration: {0}")]
    InvalidConfig(String),
}

fn api_message(status: u16, error: &PlaidError) -> String {
    format!(
        "Plaid error {} ({}, HTTP {status}): {}{}",
        error.error_code,
        error.error_type,
        error.error_message,
        request_id_suffix(error.request_id.as_deref())
    )
}

fn request_id_suffix(request_id: Option<&str>) -> String {
    request_id
        .map(|id| format!(", request_id {id}"))
        .unwrap_or_default()
}

impl Error {
    /// Plaid's `error_code` (e.g. `ITEM_LOGIN_REQUIRED`) when Plaid answered with an error.
    pub fn error_code(&self) -> Option<&ErrorCode> {
        self.plaid_error().map(|error| &error.error_code)
    }

    /// The Plaid error object when Plaid answered with one.
    pub fn plaid_error(&self) -> Option<&PlaidError> {
        match self {
            Error::Api { error, .. } => Some(error.as_ref()),
            _ => None,
        }
    }

    /// HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. }
            | Error::Decode { status, .. }
            | Error::UnexpectedResponse { status, .. } => Some(*status),
            Error::Transport { .. } | Error::InvalidConfig(_) => None,
        }
    }

    /// Plaid's `request_id` of the failed call, if the response carried one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { error, .. } => error.request_id.as_deref(),
            Error::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The Item needs the user to log in again (Link update mode): `ITEM_LOGIN_REQUIRED`.
    pub fn is_item_login_required(&self) -> bool {
        self.error_code() == Some(&ErrorCode::ItemLoginRequired)
    }

    /// Whether repeating the same request later may succeed: HTTP 429, 500 and 503 (from Plaid
    /// or from a proxy in front of it), and transport failures (connection refused or dropped,
    /// timeouts). Never a 4xx Plaid error such as `ITEM_LOGIN_REQUIRED` or `INSTITUTION_DOWN`
    /// (which is transient, but for hours: not something to retry in a loop).
    ///
    /// The client's own retry loop is stricter: it does not repeat a timed-out request, and it
    /// repeats a state-changing call (exchange, remove) after a transport failure only when
    /// the connection was never established.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api { status, .. } | Error::UnexpectedResponse { status, .. } => {
                is_retryable_status(*status)
            }
            Error::Transport { .. } => true,
            Error::Decode { .. } | Error::InvalidConfig(_) => false,
        }
    }
}

/// HTTP statuses worth retrying: rate limited, internal error, unavailable.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ErrorType;

    pub(crate) fn plaid_error(code: &str, error_type: ErrorType) -> PlaidError {
        PlaidError {
            error_type,
            error_code: code.into(),
            error_code_reason: None,
            error_message: "message".into(),
            display_message: None,
            request_id: Some("req123".into()),
            causes: None,
            status: None,
            documentation_url: None,
            suggested_action: None,
            required_account_subtypes: None,
            provided_account_subtypes: None,
        }
    }

    #[test]
    fn classification() {
        let login = Error::Api {
            status: 400,
            error: Box::new(plaid_error("ITEM_LOGIN_REQUIRED", ErrorType::ItemError)),
        };
        assert!(login.is_item_login_required());
        assert!(!login.is_retryable());
        assert_eq!(login.error_code(), Some(&ErrorCode::ItemLoginRequired));
        assert_eq!(login.request_id(), Some("req123"));
        assert_eq!(login.status(), Some(400));

        let down = Error::Api {
            status: 400,
            error: Box::new(plaid_error("INSTITUTION_DOWN", ErrorType::InstitutionError)),
        };
        assert!(!down.is_retryable());
        assert!(!down.is_item_login_required());

        for status in [429, 500, 502, 503, 504] {
            let error = Error::Api {
                status,
                error: Box::new(plaid_error("WHATEVER", ErrorType::ApiError)),
            };
            assert!(error.is_retryable(), "{status}");
        }
        for status in [400, 401, 404, 501] {
            let error = Error::Api {
                status,
                error: Box::new(plaid_error("WHATEVER", ErrorType::ApiError)),
            };
            assert!(!error.is_retryable(), "{status}");
        }
        let proxy = Error::UnexpectedResponse {
            endpoint: "/item/get".into(),
            status: 503,
            content_type: Some("text/html".into()),
            snippet: "<html>".into(),
        };
        assert!(proxy.is_retryable());
        assert_eq!(proxy.error_code(), None);
        let dropped = Error::Transport {
            message: "/item/get: dropped".into(),
            timeout: false,
            connect: false,
        };
        assert!(dropped.is_retryable());
        let decode = Error::Decode {
            endpoint: "/item/get".into(),
            status: 200,
            path: "item.item_id".into(),
            message: "invalid type".into(),
            request_id: Some("r1".into()),
        };
        assert!(!decode.is_retryable());
        assert_eq!(decode.request_id(), Some("r1"));
        assert!(!Error::InvalidConfig("x".into()).is_retryable());
    }

    #[test]
    fn display_says_what_a_developer_needs() {
        let login = Error::Api {
            status: 400,
            error: Box::new(plaid_error("ITEM_LOGIN_REQUIRED", ErrorType::ItemError)),
        };
        assert_eq!(
            login.to_string(),
            "Plaid error ITEM_LOGIN_REQUIRED (ITEM_ERROR, HTTP 400): message, request_id req123"
        );
        let decode = Error::Decode {
            endpoint: "/accounts/get".into(),
            status: 200,
            path: "accounts[2].balances.current".into(),
            message: "invalid type: string \"x\", expected a decimal number".into(),
            request_id: None,
        };
        assert_eq!(
            decode.to_string(),
            "unexpected response from Plaid /accounts/get (HTTP 200): at \
             `accounts[2].balances.current`: invalid type: string \"x\", expected a decimal number"
        );
        let proxy = Error::UnexpectedResponse {
            endpoint: "/item/get".into(),
            status: 502,
            content_type: Some("text/html".into()),
            snippet: "<html>Bad Gateway</html>".into(),
        };
        assert!(proxy.to_string().contains("HTTP 502"));
        assert!(proxy.to_string().contains("Bad Gateway"));
    }
}
