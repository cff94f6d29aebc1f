//! `/webhook_verification_key/get`: the public key that verifies the `Plaid-Verification` JWT
//! of the sandbox's webhooks (see `webhooks`).

use serde_json::{Map, Value, json};

use crate::app::App;
use crate::plaid_error::ApiError;
use crate::request::str_field;

/// `/webhook_verification_key/get`: the JWK whose `kid` the JWT header names. Any other
/// `key_id` (e.g. one of a previous run: the key is made at start) is `INVALID_FIELD`.
pub(super) fn get(app: &App, body: &Map<String, Value>) -> Result<Value, ApiError> {
    let key_id = str_field(body, "key_id").unwrap_or_default();
    let key = &app.webhooks.key;
    if key_id != key.kid() {
        return Err(ApiError::invalid_field(
            "key_id does not match any webhook verification key",
        ));
    }
    Ok(json!({ "key": key.jwk() }))
}
