//! `/item/public_token/exchange`, `/item/get`, `/item/remove`, and the `Item` object.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{PlaidError, Product};
use crate::Secret;

open_enum! {
    /// Whether Plaid can refresh the Item without the user (spec `Item.update_type`).
    pub enum ItemUpdateType {
        Background = "background",
        UserPresentRequired = "user_present_required",
    }
}

/// Response of `/item/public_token/exchange`. `Debug` redacts the access token; there is no
/// `Serialize` (the token belongs in the keychain, not in a JSON document).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ItemPublicTokenExchangeResponse {
    pub access_token: Secret,
    pub item_id: String,
    pub request_id: String,
}

/// An Item: one login at one institution (spec `Item`, and `ItemWithConsentFields` in
/// `/item/get`; the consent fields are `None` elsewhere).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub item_id: String,
    #[serde(default)]
    pub institution_id: Option<String>,
    #[serde(default)]
    pub institution_name: Option<String>,
    /// The Item's webhook URL (Sandbox sends `""` when unset).
    pub webhook: Option<String>,
    #[serde(default)]
    pub auth_method: Option<String>,
    /// The Item's error, e.g. `ITEM_LOGIN_REQUIRED`, visible here without an error response.
    pub error: Option<PlaidError>,
    pub available_products: Vec<Product>,
    pub billed_products: Vec<Product>,
    #[serde(default)]
    pub products: Option<Vec<Product>>,
    #[serde(default)]
    pub consented_products: Option<Vec<Product>>,
    pub consent_expiration_time: Option<DateTime<Utc>>,
    pub update_type: ItemUpdateType,
    /// `/item/get` only.
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    /// `/item/get` only.
    #[serde(default)]
    pub consented_use_cases: Option<Vec<String>>,
    /// `/item/get` only.
    #[serde(default)]
    pub consented_data_scopes: Option<Vec<String>>,
}

/// Response of `/item/get`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemGetResponse {
    pub item: Item,
    #[serde(default)]
    pub status: Option<ItemStatus>,
    pub request_id: String,
}

/// `status` of `/item/get`: when Plaid last updated the Item's products.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemStatus {
    #[serde(default)]
    pub transactions: Option<ItemStatusUpdates>,
    #[serde(default)]
    pub investments: Option<ItemStatusUpdates>,
    #[serde(default)]
    pub last_webhook: Option<ItemStatusLastWebhook>,
}

/// Last successful / failed update of one product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemStatusUpdates {
    #[serde(default)]
    pub last_successful_update: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_failed_update: Option<DateTime<Utc>>,
}

/// The last webhook Plaid sent for the Item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemStatusLastWebhook {
    #[serde(default)]
    pub sent_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub code_sent: Option<String>,
}

/// Body of every endpoint that takes only an access token.
#[derive(Debug, Serialize)]
pub(crate) struct AccessTokenRequest<'a> {
    #[serde(serialize_with = "crate::secret::serialize_secret::borrowed")]
    pub access_token: &'a Secret,
}

/// Body of `/item/public_token/exchange`.
#[derive(Debug, Serialize)]
pub(crate) struct PublicTokenExchangeRequest<'a> {
    pub public_token: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_get_with_error_and_nulls() {
        let body = r#"{
          "item": {
            "item_id": "M5eVJqLnv3tbzdngLDp9FL5OlDNxlNhlE55op",
            "institution_id": "ins_109508",
            "webhook": "",
            "error": {"error_type":"ITEM_ERROR","error_code":"ITEM_LOGIN_REQUIRED",
                      "error_message":"m","display_message":null,"status":400},
            "available_products": ["balance","auth"],
            "billed_products": ["transactions"],
            "consent_expiration_time": null,
            "update_type": "background",
            "created_at": "2024-01-02T03:04:05Z"
          },
          "status": {"transactions": {"last_successful_update": "2024-01-02T03:04:05.123Z",
                                      "last_failed_update": null},
                     "last_webhook": null},
          "request_id": "m8MDnv9okwxFNBV"
        }"#;
        let parsed: ItemGetResponse = serde_json::from_str(body).unwrap();
        assert_eq!(
            parsed.item.error.as_ref().unwrap().error_code,
            "ITEM_LOGIN_REQUIRED"
        );
        assert_eq!(parsed.item.billed_products, vec![Product::Transactions]);
        assert_eq!(parsed.item.institution_name, None);
        assert_eq!(parsed.item.update_type, ItemUpdateType::Background);
        let status = parsed.status.unwrap();
        assert!(
            status
                .transactions
                .unwrap()
                .last_successful_update
                .is_some()
        );
        assert!(status.last_webhook.is_none());
    }

    #[test]
    fn access_token_request_shape_and_debug() {
        let token = Secret::new("access-sandbox-abc");
        let body = AccessTokenRequest {
            access_token: &token,
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"access_token":"access-sandbox-abc"}"#
        );
        assert!(!format!("{body:?}").contains("access-sandbox-abc"));
    }

    #[test]
    fn exchange_response_debug_hides_the_token() {
        let parsed: ItemPublicTokenExchangeResponse = serde_json::from_str(
            r#"{"access_token":"access-sandbox-xyz","item_id":"i","request_id":"r"}"#,
        )
        .unwrap();
        assert_eq!(parsed.access_token.expose(), "access-sandbox-xyz");
        assert!(!format!("{parsed:?}{parsed:#?}").contains("access-sandbox-xyz"));
    }
}
