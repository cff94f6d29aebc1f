//! Plaid-shaped errors: the `PlaidError` body, and the table of error codes to HTTP status and
//! `error_type`, as Plaid's Errors documentation lists them.

use serde_json::{Value, json};

/// A Plaid API error as answered to a client (`PlaidError` body + HTTP status).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// `error_type` (e.g. `ITEM_ERROR`).
    pub error_type: String,
    /// `error_code` (e.g. `ITEM_LOGIN_REQUIRED`).
    pub error_code: String,
    /// `error_message`.
    pub error_message: String,
    /// `display_message`.
    pub display_message: Option<String>,
}

const INSTITUTION_DISPLAY: &str = "This financial institution is not currently responding to requests. We apologize for the inconvenience.";

/// `(status, error_type)` for the codes we know, `None` otherwise.
pub fn classify(code: &str) -> Option<(u16, &'static str)> {
    const RATE: &[&str] = &[
        "ACCOUNTS_LIMIT",
        "ACCOUNTS_BALANCE_GET_LIMIT",
        "BALANCE_LIMIT",
        "AUTH_LIMIT",
        "IDENTITY_LIMIT",
        "INSTITUTIONS_GET_LIMIT",
        "INSTITUTIONS_GET_BY_ID_LIMIT",
        "INSTITUTION_RATE_LIMIT",
        "INVESTMENT_HOLDINGS_GET_LIMIT",
        "INVESTMENT_TRANSACTIONS_LIMIT",
        "ITEM_GET_LIMIT",
        "TRANSACTIONS_LIMIT",
        "TRANSACTIONS_REFRESH_LIMIT",
        "TRANSACTIONS_SYNC_LIMIT",
        "RATE_LIMIT",
        "RATE_LIMIT_EXCEEDED",
        "CREDITS_EXHAUSTED",
    ];
    const ITEM: &[&str] = &[
        "ITEM_LOGIN_REQUIRED",
        "ITEM_NOT_FOUND",
        "PRODUCT_NOT_READY",
        "PRODUCTS_NOT_SUPPORTED",
        "PRODUCT_NOT_ENABLED",
        "NO_ACCOUNTS",
        "ACCESS_NOT_GRANTED",
        "ITEM_LOCKED",
        "INVALID_CREDENTIALS",
        "INVALID_MFA",
        "INVALID_SEND_METHOD",
        "INVALID_UPDATED_USERNAME",
        "INSUFFICIENT_CREDENTIALS",
        "USER_SETUP_REQUIRED",
        "PASSWORD_RESET_REQUIRED",
        "MFA_NOT_SUPPORTED",
        "ITEM_NOT_SUPPORTED",
        "USER_INPUT_TIMEOUT",
        "ITEM_CONCURRENTLY_DELETED",
        "NO_AUTH_ACCOUNTS",
        "NO_INVESTMENT_ACCOUNTS",
        "NO_LIABILITY_ACCOUNTS",
    ];
    const INPUT: &[&str] = &[
        "INVALID_ACCESS_TOKEN",
        "INVALID_PUBLIC_TOKEN",
        "INVALID_API_KEYS",
        "INVALID_LINK_TOKEN",
        "INVALID_ACCOUNT_ID",
        "INVALID_INSTITUTION",
        "INVALID_PRODUCT",
        "UNAUTHORIZED_ENVIRONMENT",
        "USER_PERMISSION_REVOKED",
        "ADDITIONAL_CONSENT_REQUIRED",
        "INVALID_WEBHOOK_VERIFICATION_KEY_ID",
        "TOO_MANY_VERIFICATION_ATTEMPTS",
    ];
    const INSTITUTION: &[&str] = &[
        "INSTITUTION_DOWN",
        "INSTITUTION_NOT_RESPONDING",
        "INSTITUTION_NOT_AVAILABLE",
        "INSTITUTION_NO_LONGER_SUPPORTED",
        "INSTITUTION_NOT_ENABLED_IN_ENVIRONMENT",
        "UNAUTHORIZED_INSTITUTION",
        "INSTITUTION_REGISTRATION_REQUIRED",
        "UNSUPPORTED_RESPONSE",
    ];
    const REQUEST: &[&str] = &[
        "MISSING_FIELDS",
        "UNKNOWN_FIELDS",
        "INVALID_FIELD",
        "INVALID_BODY",
        "INVALID_HEADERS",
        "INVALID_CONFIGURATION",
        "SANDBOX_ONLY",
        "INCOMPATIBLE_API_VERSION",
    ];
    Some(match code {
        c if RATE.contains(&c) => (429, "RATE_LIMIT_EXCEEDED"),
        c if ITEM.contains(&c) => (400, "ITEM_ERROR"),
        c if INPUT.contains(&c) => (400, "INVALID_INPUT"),
        c if INSTITUTION.contains(&c) => (400, "INSTITUTION_ERROR"),
        c if REQUEST.contains(&c) => (400, "INVALID_REQUEST"),
        "NOT_FOUND" | "NO_LONGER_AVAILABLE" => (404, "INVALID_REQUEST"),
        "INTERNAL_SERVER_ERROR" | "plaid-internal-error" => (500, "API_ERROR"),
        "PLANNED_MAINTENANCE" => (503, "API_ERROR"),
        "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION" => (400, "TRANSACTIONS_ERROR"),
        "SANDBOX_PRODUCT_NOT_ENABLED"
        | "SANDBOX_WEBHOOK_INVALID"
        | "SANDBOX_TRANSACTIONS_CREATE_NOT_SUPPORTED" => (400, "SANDBOX_ERROR"),
        "INCORRECT_OAUTH_NONCE" | "INCORRECT_LINK_TOKEN" => (400, "OAUTH_ERROR"),
        "OAUTH_STATE_ID_ALREADY_PROCESSED" => (208, "OAUTH_ERROR"),
        "OAUTH_STATE_ID_NOT_FOUND" => (404, "OAUTH_ERROR"),
        "INVALID_USER_IDENTITY_DATA" => (403, "USER_ERROR"),
        _ => return None,
    })
}

/// Plaid's canonical developer message for a code (docs samples where known).
pub fn canonical_message(code: &str) -> String {
    let m = match code {
        "ITEM_LOGIN_REQUIRED" => {
            "the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information. use Link's update mode to restore the item to a good state"
        }
        "INVALID_ACCESS_TOKEN" => "could not find matching access token",
        "INVALID_PUBLIC_TOKEN" => "could not find matching public token",
        "INVALID_API_KEYS" => "invalid client_id or secret provided",
        "INVALID_LINK_TOKEN" => "could not find matching link token",
        "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION" => {
            "Underlying transaction data changed since last page was fetched. Please restart pagination from last update."
        }
        "ITEM_NOT_FOUND" => {
            "The Item you requested cannot be found. This Item does not exist, has been previously removed via /item/remove, or has had access removed by the user."
        }
        "PRODUCT_NOT_READY" => {
            "the requested product is not yet ready. please provide a webhook or try the request again later"
        }
        "INVALID_CREDENTIALS" => "the provided credentials were not correct",
        "ITEM_LOCKED" => {
            "the account is locked. prompt the user to visit the institution's site and unlock their account"
        }
        "INVALID_MFA" => "the provided MFA response(s) were not correct",
        "INSTITUTION_DOWN" => {
            "this institution is not currently responding to this request. please try again soon"
        }
        "INSTITUTION_NOT_RESPONDING" => {
            "this institution is not currently responding to this request. please try again soon"
        }
        "INSTITUTION_NOT_AVAILABLE" => {
            "this institution is not available at this time. please try again later"
        }
        "INSTITUTION_NO_LONGER_SUPPORTED" => "this institution is no longer supported",
        "INTERNAL_SERVER_ERROR" | "plaid-internal-error" => {
            "an unexpected error occurred while processing the request"
        }
        "PLANNED_MAINTENANCE" => {
            "the Plaid API is undergoing planned maintenance. please try again later"
        }
        "NOT_FOUND" => "not found",
        "SANDBOX_WEBHOOK_INVALID" => "the Item does not have a webhook set",
        "NO_ACCOUNTS" => "no valid accounts were found for this item",
        "USER_SETUP_REQUIRED" => {
            "the user must log into their financial institution and complete setup"
        }
        "PASSWORD_RESET_REQUIRED" => {
            "the user must reset their password at the financial institution"
        }
        c if classify(c).map(|(s, _)| s) == Some(429) => {
            "rate limit exceeded for attempts to access this item. please try again later"
        }
        other => return format!("the request failed with {other}"),
    };
    m.to_string()
}

fn documentation_slug(error_type: &str) -> String {
    let t = error_type.strip_suffix("_ERROR").unwrap_or(error_type);
    t.to_ascii_lowercase().replace('_', "-")
}

impl ApiError {
    /// An error for a known code with its canonical status, type and message.
    pub fn code(code: &str) -> Self {
        Self::with_message(code, canonical_message(code))
    }

    /// An error for `code` with a custom developer message.
    pub fn with_message(code: &str, message: impl Into<String>) -> Self {
        let (status, error_type) = classify(code).unwrap_or((400, "API_ERROR"));
        let display_message = if error_type == "INSTITUTION_ERROR" {
            Some(INSTITUTION_DISPLAY.to_string())
        } else if code == "INVALID_CREDENTIALS" {
            Some("The provided credentials were not correct. Please try again.".to_string())
        } else {
            None
        };
        ApiError {
            status,
            error_type: error_type.to_string(),
            error_code: code.to_string(),
            error_message: message.into(),
            display_message,
        }
    }

    /// `MISSING_FIELDS` naming the fields.
    pub fn missing_fields(fields: &[String]) -> Self {
        Self::with_message(
            "MISSING_FIELDS",
            format!(
                "the following required fields are missing: {}",
                fields.join(", ")
            ),
        )
    }

    /// `UNKNOWN_FIELDS` naming the fields.
    pub fn unknown_fields(fields: &[String]) -> Self {
        Self::with_message(
            "UNKNOWN_FIELDS",
            format!(
                "the following fields are not recognized by this endpoint: {}",
                fields.join(", ")
            ),
        )
    }

    /// `INVALID_FIELD` with a message.
    pub fn invalid_field(message: impl Into<String>) -> Self {
        Self::with_message("INVALID_FIELD", message)
    }

    /// The full `PlaidError` JSON body. `status` is the spec's webhook-only field and stays
    /// `null` in API responses; pass `embedded = true` for the copy inside `item.error`.
    pub fn to_json(&self, request_id: Option<&str>, embedded: bool) -> Value {
        let mut v = json!({
            "error_type": self.error_type,
            "error_code": self.error_code,
            "error_code_reason": null,
            "error_message": self.error_message,
            "display_message": self.display_message,
            "causes": [],
            "status": if embedded { json!(self.status) } else { Value::Null },
            "documentation_url": format!(
                "https://plaid.com/docs/errors/{}/#{}",
                documentation_slug(&self.error_type),
                self.error_code.to_ascii_lowercase()
            ),
            "suggested_action": null,
        });
        if let (Some(id), Some(obj)) = (request_id, v.as_object_mut()) {
            obj.insert("request_id".into(), json!(id));
        }
        v
    }

    /// The short Link-callback form `{error_type, error_code, error_message, display_message}`.
    pub fn to_link_json(&self) -> Value {
        json!({
            "error_type": self.error_type,
            "error_code": self.error_code,
            "error_message": self.error_message,
            "display_message": self.display_message,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_contract_statuses() {
        assert_eq!(classify("INVALID_API_KEYS"), Some((400, "INVALID_INPUT")));
        assert_eq!(classify("ITEM_LOGIN_REQUIRED"), Some((400, "ITEM_ERROR")));
        assert_eq!(
            classify("INSTITUTION_DOWN"),
            Some((400, "INSTITUTION_ERROR"))
        );
        assert_eq!(
            classify("TRANSACTIONS_SYNC_LIMIT"),
            Some((429, "RATE_LIMIT_EXCEEDED"))
        );
        assert_eq!(classify("INTERNAL_SERVER_ERROR"), Some((500, "API_ERROR")));
        assert_eq!(classify("PLANNED_MAINTENANCE"), Some((503, "API_ERROR")));
        assert_eq!(classify("NOT_FOUND"), Some((404, "INVALID_REQUEST")));
        assert_eq!(classify("WHATEVER"), None);
    }

    #[test]
    fn error_body_has_every_plaid_error_key() {
        let body = ApiError::code("INSTITUTION_DOWN").to_json(Some("abc"), false);
        for key in [
            "error_type",
            "error_code",
            "error_code_reason",
            "error_message",
            "display_message",
            "request_id",
            "causes",
            "status",
            "documentation_url",
            "suggested_action",
        ] {
            assert!(body.get(key).is_some(), "missing {key}");
        }
        assert!(body["display_message"].is_string());
        assert_eq!(
            body["documentation_url"],
            "https://plaid.com/docs/errors/institution/#institution_down"
        );
        assert_eq!(
            ApiError::code("ITEM_NOT_FOUND").to_json(None, false)["display_message"],
            Value::Null
        );
    }
}
