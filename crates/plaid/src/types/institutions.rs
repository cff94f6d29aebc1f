//! `/institutions/get_by_id`.

use serde::{Deserialize, Serialize};

use super::{CountryCode, Product};

open_enum! {
    /// Whether Plaid can connect to the institution at all (spec
    /// `InstitutionConnectionAvailability`, required since 2020-09-14_1.778.0).
    pub enum ConnectionAvailability {
        Supported = "SUPPORTED",
        NotSupported = "NOT_SUPPORTED",
    }
}

/// Request of `/institutions/get_by_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstitutionsGetByIdRequest {
    pub institution_id: String,
    /// Required since 2020-09-14.
    pub country_codes: Vec<CountryCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<InstitutionsGetByIdOptions>,
}

impl InstitutionsGetByIdRequest {
    /// A request without options.
    pub fn new(institution_id: impl Into<String>, country_codes: Vec<CountryCode>) -> Self {
        Self {
            institution_id: institution_id.into(),
            country_codes,
            options: None,
        }
    }
}

/// `options` of `/institutions/get_by_id` (all default to false at Plaid).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InstitutionsGetByIdOptions {
    /// Logo (base64 PNG), primary colour and URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_optional_metadata: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_status: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_auth_metadata: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_payment_initiation_metadata: Option<bool>,
}

/// Response of `/institutions/get_by_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstitutionsGetByIdResponse {
    pub institution: Institution,
    pub request_id: String,
}

/// A financial institution (spec `Institution`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Institution {
    pub institution_id: String,
    pub name: String,
    pub products: Vec<Product>,
    pub country_codes: Vec<CountryCode>,
    #[serde(default)]
    pub url: Option<String>,
    /// Hex colour, e.g. `#1f1f1f`.
    #[serde(default)]
    pub primary_color: Option<String>,
    /// Base64-encoded 152×152 PNG.
    #[serde(default)]
    pub logo: Option<String>,
    pub routing_numbers: Vec<String>,
    #[serde(default)]
    pub dtc_numbers: Option<Vec<String>>,
    pub oauth: bool,
    /// Required by spec 2020-09-14_1.778.0; optional here, since answers of older API
    /// versions (and older sandboxes) lack it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_availability: Option<ConnectionAvailability>,
    /// Health of the institution's products (kept as JSON; large and rarely needed).
    #[serde(default)]
    pub status: Option<serde_json::Value>,
    #[serde(default)]
    pub payment_initiation_metadata: Option<serde_json::Value>,
    #[serde(default)]
    pub auth_metadata: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_shape() {
        let plain = InstitutionsGetByIdRequest::new("ins_109508", vec![CountryCode::Us]);
        assert_eq!(
            serde_json::to_string(&plain).unwrap(),
            r#"{"institution_id":"ins_109508","country_codes":["US"]}"#
        );
        let with = InstitutionsGetByIdRequest {
            options: Some(InstitutionsGetByIdOptions {
                include_optional_metadata: Some(true),
                ..Default::default()
            }),
            ..plain
        };
        assert_eq!(
            serde_json::to_value(&with).unwrap()["options"],
            serde_json::json!({"include_optional_metadata": true})
        );
    }

    #[test]
    fn response_with_minimal_institution() {
        let parsed: InstitutionsGetByIdResponse = serde_json::from_str(
            r#"{"institution":{"institution_id":"ins_109508","name":"First Platypus Bank",
                "products":["auth","transactions"],"country_codes":["US"],"url":null,
                "primary_color":null,"logo":null,"routing_numbers":[],"oauth":false,
                "dtc_numbers":[]},"request_id":"r"}"#,
        )
        .unwrap();
        assert_eq!(parsed.institution.name, "First Platypus Bank");
        assert!(parsed.institution.products.contains(&Product::Transactions));
        assert!(!parsed.institution.oauth);
        assert_eq!(parsed.institution.connection_availability, None);
        let current: Institution = serde_json::from_value(serde_json::json!({
            "institution_id": "ins_1", "name": "n", "products": [], "country_codes": ["US"],
            "routing_numbers": [], "oauth": true, "connection_availability": "NOT_SUPPORTED",
        }))
        .unwrap();
        assert_eq!(
            current.connection_availability,
            Some(ConnectionAvailability::NotSupported)
        );
    }
}
