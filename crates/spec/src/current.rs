//! The spec as Plaid's current client libraries see it: the official copy
//! (`2020-09-14_1.697.4`, the newest public snapshot we hold) plus what changed up to
//! [`CURRENT_VERSION`] in the schemas Coffer's endpoints use.
//!
//! The changes were read from the generated models of plaid-python 46.0.0 (PyPI; its models
//! say "The version of the OpenAPI document: 2020-09-14_1.778.0"): required fields, enums and
//! new properties, compared schema by schema with the official copy. npm `plaid` 47.0.0 is
//! generated from an older document (`2020-09-14_1.740.1`) and adds nothing here. Relaxations
//! (fields no longer required, such as several `Transaction` fields) are left out on purpose:
//! the sandbox keeps sending them, since older clients still require them.
//!
//! To follow a newer client: diff its models against this list, extend [`overlay`], and keep
//! the unit test's expectations in step.

use serde_json::{Map, Value, json};

/// The API document version Plaid's newest client library (plaid-python 46.0.0) is built from.
pub const CURRENT_VERSION: &str = "2020-09-14_1.778.0";

/// The version of the official spec the extract in `plaid/` was made from.
pub const OFFICIAL_VERSION: &str = "2020-09-14_1.697.4";

/// Applies the changes from [`OFFICIAL_VERSION`] to [`CURRENT_VERSION`] to a parsed document.
pub(crate) fn overlay(doc: &mut Value) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    // New schemas.
    schemas.insert(
        "InstitutionConnectionAvailability".into(),
        json!({
            "type": "string",
            "enum": ["SUPPORTED", "NOT_SUPPORTED"],
            "description": "Whether Plaid supports connecting to the institution (since 2020-09-14_1.778.0)."
        }),
    );
    schemas.insert(
        "SandboxItemFireWebhookRequestOptions".into(),
        json!({
            "type": "object",
            "properties": { "new_transactions": { "type": "integer" } }
        }),
    );
    // Tightened: `Institution.connection_availability` is required.
    add_properties(
        schemas,
        "Institution",
        json!({ "connection_availability": { "$ref": "#/components/schemas/InstitutionConnectionAvailability" } }),
    );
    require(schemas, "Institution", "connection_availability");
    // New optional properties.
    let nullable_string = json!({ "type": "string", "nullable": true });
    let nullable_number = json!({ "type": "number", "nullable": true });
    add_properties(
        schemas,
        "AccountBase",
        json!({ "apy": nullable_number, "paired_account_id": nullable_string }),
    );
    add_properties(
        schemas,
        "Item",
        json!({ "paired_item_id": nullable_string }),
    );
    add_properties(
        schemas,
        "Transaction",
        json!({ "merchant_category_code": nullable_string, "running_balance": nullable_number }),
    );
    add_properties(
        schemas,
        "LinkSessionSuccessMetadata",
        json!({ "session_group_id": { "type": "string" } }),
    );
    add_properties(
        schemas,
        "CustomSandboxTransaction",
        json!({ "account_id": { "type": "string" } }),
    );
    add_properties(
        schemas,
        "LinkTokenCreateInstitutionData",
        json!({ "institution_id": { "type": "string" } }),
    );
    add_properties(
        schemas,
        "LinkTokenCreateRequest",
        json!({ "cra_report_parameter": { "type": "object" } }),
    );
    add_properties(
        schemas,
        "SandboxItemFireWebhookRequest",
        json!({ "options": { "$ref": "#/components/schemas/SandboxItemFireWebhookRequestOptions" } }),
    );
    // Extended enums.
    extend_enum(
        schemas,
        "AccountSubtype",
        &[
            "commercial line of credit",
            "home equity loan",
            "prediction market",
        ],
    );
    extend_enum(
        schemas,
        "TransactionCode",
        &[
            "cash advance",
            "late fee",
            "membership fee",
            "returned item fee",
        ],
    );
    extend_enum(schemas, "Products", &["cra_home_lending", "cra_qualify"]);
    extend_enum(schemas, "WebhookType", &["IDENTITY"]);
    extend_enum(
        schemas,
        "PlaidErrorType",
        &[
            "ASSETS_ERROR",
            "CRA_MONITORING_ERROR",
            "CRA_PARTNER_INSIGHTS_ERROR",
            "CRA_REPORT_ERROR",
            "CREDIT_PROFILE_REPORT_ERROR",
            "ENCOMPASS_ERROR",
            "ENRICH_ERROR",
            "FRAUD_INSIGHTS_ERROR",
            "FREDDIE_MAC_ERROR",
            "IDEMPOTENCY_ERROR",
            "LINK_DELIVERY_ERROR",
            "PROFILE_ERROR",
            "RECURRING_TRANSACTIONS_ERROR",
            "STATEMENTS_ERROR",
            "TRANSFER_RECURRING_ERROR",
            "TRANSFER_REFUND_ERROR",
        ],
    );
    if let Some(info) = doc.get_mut("info").and_then(Value::as_object_mut) {
        info.insert("version".into(), json!(CURRENT_VERSION));
    }
}

/// The object of schema `name` that holds its own `properties`: the schema itself, or for an
/// `allOf` schema (e.g. `Transaction`) its last inline member.
fn own_object<'a>(schemas: &'a mut Map<String, Value>, name: &str) -> &'a mut Map<String, Value> {
    let schema = schemas
        .get_mut(name)
        .unwrap_or_else(|| panic!("coffer-spec overlay: no schema {name}"));
    let has_all_of = schema.get("allOf").is_some();
    let target = if has_all_of {
        schema
            .get_mut("allOf")
            .and_then(Value::as_array_mut)
            .and_then(|parts| parts.iter_mut().rev().find(|p| p.get("$ref").is_none()))
            .unwrap_or_else(|| panic!("coffer-spec overlay: {name} has no inline allOf member"))
    } else {
        schema
    };
    target
        .as_object_mut()
        .unwrap_or_else(|| panic!("coffer-spec overlay: {name} is not an object"))
}

fn add_properties(schemas: &mut Map<String, Value>, name: &str, props: Value) {
    let object = own_object(schemas, name);
    let properties = object
        .entry("properties")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .unwrap_or_else(|| panic!("coffer-spec overlay: {name}.properties is not an object"));
    if let Value::Object(new) = props {
        properties.extend(new);
    }
}

fn require(schemas: &mut Map<String, Value>, name: &str, field: &str) {
    let object = own_object(schemas, name);
    let required = object.entry("required").or_insert_with(|| json!([]));
    if let Some(list) = required.as_array_mut()
        && !list.iter().any(|v| v == field)
    {
        list.push(json!(field));
    }
}

fn extend_enum(schemas: &mut Map<String, Value>, name: &str, values: &[&str]) {
    let list = schemas
        .get_mut(name)
        .and_then(|s| s.get_mut("enum"))
        .and_then(Value::as_array_mut)
        .unwrap_or_else(|| panic!("coffer-spec overlay: {name} has no enum"));
    for v in values {
        if !list.iter().any(|x| x == v) {
            list.push(json!(v));
        }
    }
}
