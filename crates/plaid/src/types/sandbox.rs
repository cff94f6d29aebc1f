//! Sandbox-only endpoints (`/sandbox/...`; Production answers `SANDBOX_ONLY`).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::Product;
use crate::Secret;

/// Request of `/sandbox/public_token/create`: makes an Item without Link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SandboxPublicTokenCreateRequest {
    /// e.g. `ins_109508` (First Platypus Bank).
    pub institution_id: String,
    /// Non-empty; products the institution supports.
    pub initial_products: Vec<Product>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<SandboxPublicTokenCreateOptions>,
}

impl SandboxPublicTokenCreateRequest {
    /// A request with the default test user (`user_good` / `pass_good`).
    pub fn new(institution_id: impl Into<String>, initial_products: Vec<Product>) -> Self {
        Self {
            institution_id: institution_id.into(),
            initial_products,
            options: None,
        }
    }

    /// Log in as another Sandbox test user (e.g. `user_transactions_dynamic`, or `user_good`
    /// with password `error_ITEM_LOCKED`).
    pub fn with_user(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        let options = self.options.get_or_insert_with(Default::default);
        options.override_username = Some(username.into());
        options.override_password = Some(password.into());
        self
    }

    /// Ask for `days` of transaction history (`options.transactions.days_requested`, 1–730;
    /// Plaid's default is 90).
    pub fn with_days_requested(mut self, days: u32) -> Self {
        let options = self.options.get_or_insert_with(Default::default);
        options
            .transactions
            .get_or_insert_with(Default::default)
            .days_requested = Some(days);
        self
    }

    /// Set the Item's webhook.
    pub fn with_webhook(mut self, webhook: impl Into<String>) -> Self {
        self.options.get_or_insert_with(Default::default).webhook = Some(webhook.into());
        self
    }
}

/// `options` of `/sandbox/public_token/create`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SandboxPublicTokenCreateOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook: Option<String>,
    /// Default `user_good`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub override_username: Option<String>,
    /// Default `pass_good`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub override_password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transactions: Option<SandboxPublicTokenCreateTransactions>,
}

/// `options.transactions` of `/sandbox/public_token/create`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SandboxPublicTokenCreateTransactions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_requested: Option<u32>,
}

/// Response of `/sandbox/public_token/create`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxPublicTokenCreateResponse {
    pub public_token: String,
    pub request_id: String,
}

/// Response of `/sandbox/item/reset_login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxItemResetLoginResponse {
    pub reset_login: bool,
    pub request_id: String,
}

/// Response of `/sandbox/item/fire_webhook`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxItemFireWebhookResponse {
    pub webhook_fired: bool,
    pub request_id: String,
}

/// A transaction to add with `/sandbox/transactions/create` (spec `CustomSandboxTransaction`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SandboxTransaction {
    pub date_transacted: NaiveDate,
    pub date_posted: NaiveDate,
    /// Positive = money out.
    #[serde(with = "crate::money")]
    pub amount: Decimal,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iso_currency_code: Option<String>,
}

open_enum! {
    /// What `/sandbox/item/fire_webhook` can fire (spec
    /// `SandboxItemFireWebhookRequest.webhook_code`).
    pub enum SandboxWebhookCode {
        SyncUpdatesAvailable = "SYNC_UPDATES_AVAILABLE",
        DefaultUpdate = "DEFAULT_UPDATE",
        NewAccountsAvailable = "NEW_ACCOUNTS_AVAILABLE",
        LoginRepaired = "LOGIN_REPAIRED",
        PendingDisconnect = "PENDING_DISCONNECT",
        UserPermissionRevoked = "USER_PERMISSION_REVOKED",
        Error = "ERROR",
        SmsMicrodepositsVerification = "SMS_MICRODEPOSITS_VERIFICATION",
        AuthorizationGranted = "AUTHORIZATION_GRANTED",
        UserAccountRevoked = "USER_ACCOUNT_REVOKED",
        RecurringTransactionsUpdate = "RECURRING_TRANSACTIONS_UPDATE",
        ProductReady = "PRODUCT_READY",
    }
}

/// Body of `/sandbox/item/fire_webhook`.
#[derive(Debug, Serialize)]
pub(crate) struct FireWebhookRequest<'a> {
    #[serde(serialize_with = "crate::secret::serialize_secret::borrowed")]
    pub access_token: &'a Secret,
    pub webhook_code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_type: Option<&'a str>,
}

/// Body of `/sandbox/transactions/create`.
#[derive(Debug, Serialize)]
pub(crate) struct SandboxTransactionsCreateRequest<'a> {
    #[serde(serialize_with = "crate::secret::serialize_secret::borrowed")]
    pub access_token: &'a Secret,
    pub transactions: &'a [SandboxTransaction],
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn public_token_create_shape() {
        let plain = SandboxPublicTokenCreateRequest::new("ins_109508", vec![Product::Transactions]);
        assert_eq!(
            serde_json::to_string(&plain).unwrap(),
            r#"{"institution_id":"ins_109508","initial_products":["transactions"]}"#
        );
        let dynamic = plain.with_user("user_transactions_dynamic", "any");
        assert_eq!(
            serde_json::to_value(&dynamic).unwrap()["options"],
            serde_json::json!({"override_username": "user_transactions_dynamic",
                               "override_password": "any"})
        );
        let month = dynamic.with_days_requested(30);
        assert_eq!(
            serde_json::to_value(&month).unwrap()["options"]["transactions"],
            serde_json::json!({"days_requested": 30})
        );
    }

    #[test]
    fn sandbox_transactions_and_webhook_bodies() {
        let token = Secret::new("access-sandbox-w");
        let txns = [SandboxTransaction {
            date_transacted: NaiveDate::from_ymd_opt(2025, 1, 2).unwrap(),
            date_posted: NaiveDate::from_ymd_opt(2025, 1, 3).unwrap(),
            amount: Decimal::from_str("12.34").unwrap(),
            description: "Coffee".into(),
            iso_currency_code: None,
        }];
        let body = SandboxTransactionsCreateRequest {
            access_token: &token,
            transactions: &txns,
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"access_token":"access-sandbox-w","transactions":[{"date_transacted":"2025-01-02","date_posted":"2025-01-03","amount":12.34,"description":"Coffee"}]}"#
        );
        assert!(!format!("{body:?}").contains("access-sandbox-w"));
        let hook = FireWebhookRequest {
            access_token: &token,
            webhook_code: "SYNC_UPDATES_AVAILABLE",
            webhook_type: None,
        };
        assert_eq!(
            serde_json::to_string(&hook).unwrap(),
            r#"{"access_token":"access-sandbox-w","webhook_code":"SYNC_UPDATES_AVAILABLE"}"#
        );
        assert!(!format!("{hook:?}").contains("access-sandbox-w"));
    }
}
