//! Turning what came back (or did not) into a typed answer or an [`Error`]: JSON decoding
//! that names the failing path, Plaid's error bodies, non-JSON bodies, transport failures.
//! Every text taken from the server or the HTTP stack is scrubbed of secrets.

use std::error::Error as _;

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::secret::scrub;
use crate::types::*;

use super::Failure;

pub(super) fn transport_error(path: &str, error: &reqwest::Error, secrets: &[&str]) -> Failure {
    let what = if error.is_connect() {
        "could not connect"
    } else if error.is_timeout() {
        "timed out"
    } else if error.is_body() || error.is_decode() {
        "the connection failed while reading the response"
    } else if error.is_request() {
        "the request failed"
    } else {
        "HTTP error"
    };
    let mut message = format!("{path}: {what}");
    let mut parts: Vec<String> = Vec::new();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        source = cause.source();
    }
    for part in parts {
        message.push_str(": ");
        message.push_str(&part);
    }
    Failure::from(Error::Transport {
        message: scrub(&message, secrets),
        timeout: error.is_timeout(),
        connect: error.is_connect(),
    })
}

/// Decodes a JSON body; a failure names the JSON path.
pub(super) fn decode_body<T: DeserializeOwned>(
    endpoint: &str,
    status: u16,
    bytes: &[u8],
    content_type: Option<&str>,
    secrets: &[&str],
) -> Result<T> {
    let looks_like_json = matches!(
        bytes.iter().find(|byte| !byte.is_ascii_whitespace()),
        Some(b'{') | Some(b'[')
    );
    if !looks_like_json {
        return Err(not_json(endpoint, status, bytes, content_type, secrets));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let decode_error = |path: String, error: &serde_json::Error| Error::Decode {
        endpoint: endpoint.to_owned(),
        status,
        path,
        message: scrub(&error.to_string(), secrets),
        request_id: find_request_id(bytes),
    };
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(value) => match deserializer.end() {
            Ok(()) => Ok(value),
            Err(error) => Err(decode_error("$".to_owned(), &error)),
        },
        Err(error) => {
            let path = error.path().to_string();
            let path = match path.as_str() {
                "." | "" => "$".to_owned(),
                p if p.starts_with('[') => format!("${p}"),
                p => format!("$.{p}"),
            };
            Err(decode_error(path, error.inner()))
        }
    }
}

/// The error of a non-2xx response.
pub(super) fn error_from_body(
    endpoint: &str,
    status: u16,
    bytes: &[u8],
    content_type: Option<&str>,
    secrets: &[&str],
) -> Error {
    match decode_body::<PlaidError>(endpoint, status, bytes, content_type, secrets) {
        Ok(mut error) => {
            error.error_message = scrub(&error.error_message, secrets);
            error.display_message = error.display_message.map(|text| scrub(&text, secrets));
            Error::Api {
                status,
                error: Box::new(error),
            }
        }
        Err(error) => error,
    }
}

fn not_json(
    endpoint: &str,
    status: u16,
    bytes: &[u8],
    content_type: Option<&str>,
    secrets: &[&str],
) -> Error {
    let text = String::from_utf8_lossy(bytes);
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut snippet: String = collapsed.chars().take(200).collect();
    if collapsed.chars().count() > 200 {
        snippet.push('…');
    }
    if snippet.is_empty() {
        snippet = "(empty body)".into();
    }
    Error::UnexpectedResponse {
        endpoint: endpoint.to_owned(),
        status,
        content_type: content_type.map(str::to_owned),
        snippet: scrub(&snippet, secrets),
    }
}

fn find_request_id(bytes: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct RequestIdOnly {
        #[serde(default)]
        request_id: Option<serde_json::Value>,
    }
    let parsed: RequestIdOnly = serde_json::from_slice(bytes).ok()?;
    parsed.request_id?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_failures_name_the_json_path() {
        let body = br#"{"accounts":[{"account_id":"a","balances":{"available":null,
            "current":"lots","limit":null,"iso_currency_code":"USD",
            "unofficial_currency_code":null},"mask":null,"name":"n","official_name":null,
            "type":"depository","subtype":"checking"}],
            "item":{},"request_id":"reqABC"}"#;
        let error =
            decode_body::<AccountsGetResponse>("/accounts/get", 200, body, None, &[]).unwrap_err();
        match &error {
            Error::Decode {
                endpoint,
                status,
                path,
                message,
                request_id,
            } => {
                assert_eq!(endpoint, "/accounts/get");
                assert_eq!(*status, 200);
                assert_eq!(path, "$.accounts[0].balances.current");
                assert!(message.contains("lots"), "{message}");
                assert_eq!(request_id.as_deref(), Some("reqABC"));
            }
            other => panic!("expected Decode, got {other:?}"),
        }
        assert_eq!(error.request_id(), Some("reqABC"));

        let missing =
            decode_body::<RequestIdResponse>("/item/remove", 200, b"{}", None, &[]).unwrap_err();
        assert!(
            matches!(&missing, Error::Decode { path, .. } if path == "$"),
            "{missing:?}"
        );
        assert!(missing.to_string().contains("request_id"));

        let trailing = decode_body::<RequestIdResponse>(
            "/item/remove",
            200,
            br#"{"request_id":"r"} x"#,
            None,
            &[],
        );
        assert!(matches!(trailing, Err(Error::Decode { .. })));
    }

    #[test]
    fn non_json_error_bodies_keep_the_status() {
        let html = b"<html>\n<head><title>502 Bad Gateway</title></head>\n</html>";
        let error = error_from_body("/item/get", 502, html, Some("text/html"), &[]);
        match &error {
            Error::UnexpectedResponse {
                status,
                content_type,
                snippet,
                ..
            } => {
                assert_eq!(*status, 502);
                assert_eq!(content_type.as_deref(), Some("text/html"));
                assert_eq!(
                    snippet,
                    "<html> <head><title>502 Bad Gateway</title></head> </html>"
                );
            }
            other => panic!("expected UnexpectedResponse, got {other:?}"),
        }
        assert!(error.to_string().contains("HTTP 502"), "{error}");
        assert!(error.is_retryable(), "a gateway error is worth another try");

        let empty = error_from_body("/item/get", 503, b"", None, &[]);
        assert!(empty.to_string().contains("(empty body)"), "{empty}");
        assert!(empty.is_retryable());

        let long = "x".repeat(1000);
        let error = error_from_body("/item/get", 500, long.as_bytes(), None, &[]);
        assert!(error.to_string().len() < 400);
    }

    #[test]
    fn plaid_error_bodies_become_api_errors() {
        let body = br#"{"error_type":"ITEM_ERROR","error_code":"ITEM_LOGIN_REQUIRED",
            "error_message":"the login details of this item have changed",
            "display_message":null,"request_id":"HNTDNrA8F1shFEW","suggested_action":null,
            "documentation_url":"https://plaid.com/docs/errors/item/#item_login_required"}"#;
        let error = error_from_body("/accounts/get", 400, body, Some("application/json"), &[]);
        assert!(error.is_item_login_required());
        assert_eq!(error.status(), Some(400));
        assert_eq!(error.request_id(), Some("HNTDNrA8F1shFEW"));
        assert!(!error.is_retryable());

        let not_plaid = error_from_body("/accounts/get", 503, br#"{"message":"busy"}"#, None, &[]);
        assert!(
            matches!(not_plaid, Error::Decode { status: 503, .. }),
            "{not_plaid:?}"
        );
    }
}
