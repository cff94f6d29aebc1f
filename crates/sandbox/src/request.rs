//! Reading a JSON request: its content type, its body, and fields of the body. Shared by the
//! Plaid API (`api`), the Link stand-in's calls (`link_ui`) and the control guard.

use axum::http::{HeaderMap, header};
use serde_json::{Map, Value};

use crate::plaid_error::ApiError;

/// True when `Content-Type` names `application/json` (parameters such as `charset` aside).
pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

/// The body as JSON, or `INVALID_BODY`.
pub(crate) fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body)
        .map_err(|_| ApiError::with_message("INVALID_BODY", "body could not be parsed as JSON"))
}

/// The body as a JSON object, or `INVALID_BODY`.
pub(crate) fn parse_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match parse_json(body)? {
        Value::Object(obj) => Ok(obj),
        _ => Err(ApiError::with_message(
            "INVALID_BODY",
            "body must be a JSON object",
        )),
    }
}

/// A string field of a body (`None` when absent or not a string).
pub(crate) fn str_field<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    obj.get(name).and_then(Value::as_str)
}

/// A string-array field of a body (empty when absent; entries that are not strings skipped).
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
