//! `/link/token/create` and `/link/token/get`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{AccountSubtype, AccountType, CountryCode, PlaidError, Product};
use crate::Secret;

/// Request of `/link/token/create` (spec `LinkTokenCreateRequest`; the fields Coffer uses).
///
/// New Item: set `products` (e.g. `[Transactions]`) and `user`. Update mode: set `access_token`
/// and leave `products` `None`. Hosted Link: set `hosted_link` (even empty) to get a
/// `hosted_link_url`.
///
/// ```
/// # use coffer_plaid::*;
/// let request = LinkTokenCreateRequest {
///     client_name: "Coffer".into(),
///     language: "en".into(),
///     country_codes: vec![CountryCode::Us],
///     user: Some(LinkTokenUser::new("local-user")),
///     products: Some(vec![Product::Transactions]),
///     ..Default::default()
/// };
/// # let _ = request;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LinkTokenCreateRequest {
    /// ≤ 30 characters, shown in Link.
    pub client_name: String,
    /// `en`, `fr`, `es`, …
    pub language: String,
    pub country_codes: Vec<CountryCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<LinkTokenUser>,
    /// Required (≥ 1) for a new Item, omitted in update mode. Not `Balance`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub products: Option<Vec<Product>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_if_supported_products: Option<Vec<Product>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optional_products: Option<Vec<Product>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_consented_products: Option<Vec<Product>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook: Option<String>,
    /// Update mode: the Item's access token.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::secret::serialize_secret::option"
    )]
    pub access_token: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update: Option<LinkTokenUpdate>,
    /// OAuth return page (HTTPS, allow-listed in the Dashboard; no custom schemes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub android_package_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_customization_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub institution_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hosted_link: Option<LinkTokenHostedLink>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transactions: Option<LinkTokenTransactions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_filters: Option<AccountFilters>,
}

/// `user` of `/link/token/create`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LinkTokenUser {
    /// A stable id for the end user; no personal data.
    pub client_user_id: String,
}

impl LinkTokenUser {
    /// A user with only `client_user_id`.
    pub fn new(client_user_id: impl Into<String>) -> Self {
        Self {
            client_user_id: client_user_id.into(),
        }
    }
}

/// `update` of `/link/token/create` (update mode options).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LinkTokenUpdate {
    /// Let the user add or remove accounts of the Item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_selection_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reauthorization_enabled: Option<bool>,
}

/// `hosted_link` of `/link/token/create`; send it (even empty) to get a `hosted_link_url`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LinkTokenHostedLink {
    /// `sms` or `email` (beta, ignored in Sandbox).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_method: Option<String>,
    /// Opened when the session ends, success or not; any scheme.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completion_redirect_uri: Option<String>,
    /// > 0, ≤ 21 days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url_lifetime_seconds: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_mobile_app: Option<bool>,
}

/// `transactions` of `/link/token/create`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LinkTokenTransactions {
    /// 1–730, Plaid's default 90.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_requested: Option<u32>,
}

/// `account_filters` (request) / `metadata.account_filters` (response): a type not listed is
/// hidden in Link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountFilters {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depository: Option<AccountSubtypeFilter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<AccountSubtypeFilter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loan: Option<AccountSubtypeFilter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub investment: Option<AccountSubtypeFilter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<AccountSubtypeFilter>,
}

/// The subtypes shown for one account type (`"all"` allowed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSubtypeFilter {
    pub account_subtypes: Vec<String>,
}

/// Response of `/link/token/create`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkTokenCreateResponse {
    pub link_token: String,
    pub expiration: DateTime<Utc>,
    pub request_id: String,
    /// Only when `hosted_link` was sent.
    #[serde(default)]
    pub hosted_link_url: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
}

/// Body of `/link/token/get`.
#[derive(Debug, Serialize)]
pub(crate) struct LinkTokenGetRequest<'a> {
    pub link_token: &'a str,
}

/// Response of `/link/token/get`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkTokenGetResponse {
    pub link_token: String,
    pub created_at: Option<DateTime<Utc>>,
    pub expiration: Option<DateTime<Utc>>,
    /// Sessions of this token (kept 6 h after they finish).
    #[serde(default)]
    pub link_sessions: Option<Vec<LinkSession>>,
    pub metadata: LinkTokenGetMetadata,
    #[serde(default)]
    pub user_id: Option<String>,
    pub request_id: String,
}

/// `metadata` of `/link/token/get`: what the token was created with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkTokenGetMetadata {
    pub initial_products: Vec<Product>,
    pub webhook: Option<String>,
    pub country_codes: Vec<CountryCode>,
    pub language: Option<String>,
    #[serde(default)]
    pub institution_data: Option<serde_json::Value>,
    #[serde(default)]
    pub account_filters: Option<AccountFilters>,
    pub redirect_uri: Option<String>,
    pub client_name: Option<String>,
}

/// One Link session of a token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkSession {
    pub link_session_id: String,
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub finished_at: Option<DateTime<Utc>>,
    /// The outcome; use `results.item_add_results[].public_token`.
    #[serde(default)]
    pub results: Option<LinkSessionResults>,
    #[serde(default)]
    pub exit: Option<LinkSessionExit>,
    /// Deprecated by Plaid in favour of `results`.
    #[serde(default)]
    pub on_success: Option<LinkSessionSuccess>,
    /// Deprecated by Plaid in favour of `exit`.
    #[serde(default)]
    pub on_exit: Option<LinkSessionExit>,
    #[serde(default)]
    pub events: Option<Vec<LinkEvent>>,
}

/// `results` of a Link session (the parts Coffer reads).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LinkSessionResults {
    #[serde(default)]
    pub item_add_results: Vec<LinkItemAddResult>,
}

/// An Item added in a Link session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkItemAddResult {
    pub public_token: String,
    #[serde(default)]
    pub accounts: Vec<LinkAccount>,
    #[serde(default)]
    pub institution: Option<LinkInstitution>,
}

/// Deprecated `on_success` of a Link session (the JS `onSuccess` arguments).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkSessionSuccess {
    pub public_token: String,
    pub metadata: LinkSuccessMetadata,
}

/// `metadata` of Link's `onSuccess`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkSuccessMetadata {
    #[serde(default)]
    pub institution: Option<LinkInstitution>,
    #[serde(default)]
    pub accounts: Vec<LinkAccount>,
    #[serde(default)]
    pub link_session_id: Option<String>,
    #[serde(default)]
    pub transfer_status: Option<String>,
}

/// `exit` of a Link session (the JS `onExit` arguments).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkSessionExit {
    #[serde(default)]
    pub error: Option<PlaidError>,
    pub metadata: LinkExitMetadata,
}

/// `metadata` of Link's `onExit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkExitMetadata {
    #[serde(default)]
    pub institution: Option<LinkInstitution>,
    /// e.g. `requires_credentials`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub link_session_id: Option<String>,
    #[serde(default)]
    pub request_id: Option<String>,
}

/// An institution as Link reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkInstitution {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub institution_id: Option<String>,
}

/// An account as Link reports it (spec `LinkSessionSuccessMetadataAccount`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkAccount {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub mask: Option<String>,
    #[serde(rename = "type", default)]
    pub account_type: Option<AccountType>,
    #[serde(default)]
    pub subtype: Option<AccountSubtype>,
    #[serde(default)]
    pub verification_status: Option<String>,
    #[serde(default)]
    pub class_type: Option<String>,
}

/// A Link analytics event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkEvent {
    pub event_id: String,
    pub event_name: String,
    pub timestamp: String,
    pub event_metadata: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_request_omits_everything_optional() {
        let request = LinkTokenCreateRequest {
            client_name: "Coffer".into(),
            language: "en".into(),
            country_codes: vec![CountryCode::Us],
            user: Some(LinkTokenUser::new("u1")),
            products: Some(vec![Product::Transactions]),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&request).unwrap(),
            r#"{"client_name":"Coffer","language":"en","country_codes":["US"],"user":{"client_user_id":"u1"},"products":["transactions"]}"#
        );
    }

    #[test]
    fn update_mode_and_hosted_link_request() {
        let request = LinkTokenCreateRequest {
            client_name: "Coffer".into(),
            language: "en".into(),
            country_codes: vec![CountryCode::Us],
            user: Some(LinkTokenUser::new("u1")),
            access_token: Some(Secret::new("access-sandbox-upd")),
            update: Some(LinkTokenUpdate {
                account_selection_enabled: Some(true),
                ..Default::default()
            }),
            hosted_link: Some(LinkTokenHostedLink::default()),
            ..Default::default()
        };
        let value = serde_json::to_value(&request).unwrap();
        assert_eq!(value["access_token"], "access-sandbox-upd");
        assert_eq!(
            value["update"],
            serde_json::json!({"account_selection_enabled": true})
        );
        assert_eq!(value["hosted_link"], serde_json::json!({}));
        assert!(
            value.get("products").is_none(),
            "products omitted in update mode"
        );
        let debug = format!("{request:?}{request:#?}");
        assert!(!debug.contains("access-sandbox-upd"), "{debug}");
    }

    #[test]
    fn get_response_with_a_finished_session() {
        let body = r#"{
          "link_token": "link-sandbox-af1a0311-da53-4636-b754-dd15cc058176",
          "created_at": "2024-07-01T10:00:00Z",
          "expiration": "2024-07-01T14:00:00Z",
          "metadata": {"initial_products": ["transactions"], "webhook": null,
            "country_codes": ["US"], "language": "en", "redirect_uri": null,
            "client_name": "Coffer"},
          "link_sessions": [{
            "link_session_id": "1daca4d5-9a0d-4e85-a2e9-1e905ecaa32e",
            "started_at": "2024-07-01T10:01:00Z",
            "finished_at": "2024-07-01T10:02:00Z",
            "results": {"item_add_results": [{"public_token": "public-sandbox-x",
               "accounts": [{"id": "a", "name": "Plaid Checking", "mask": "0000",
                             "type": "depository", "subtype": "checking",
                             "verification_status": null, "class_type": null}],
               "institution": {"name": "First Platypus Bank", "institution_id": "ins_109508"}}],
               "cra_item_add_results": [], "cra_update_results": [],
               "bank_income_results": [], "payroll_income_results": [],
               "document_income_results": null},
            "exit": null
          }],
          "request_id": "r"
        }"#;
        let parsed: LinkTokenGetResponse = serde_json::from_str(body).unwrap();
        let session = &parsed.link_sessions.unwrap()[0];
        let result = &session.results.as_ref().unwrap().item_add_results[0];
        assert_eq!(result.public_token, "public-sandbox-x");
        assert_eq!(result.accounts[0].subtype, Some(AccountSubtype::Checking));
        assert!(session.exit.is_none());
        assert_eq!(
            parsed.metadata.initial_products,
            vec![Product::Transactions]
        );
    }
}
