//! `/institutions/get_by_id`.

use serde_json::{Map, Value, json};

use crate::app::App;
use crate::data::institutions::Health;
use crate::items::institution_or_err;
use crate::plaid_error::ApiError;
use crate::request::{options, str_field, str_list};
use crate::state::rfc3339;

/// `/institutions/get_by_id`.
pub(super) fn get_by_id(app: &App, body: &Map<String, Value>) -> Result<Value, ApiError> {
    let id = str_field(body, "institution_id").unwrap_or_default();
    let countries = str_list(body, "country_codes");
    if countries.is_empty() {
        return Err(ApiError::invalid_field(
            "country_codes must be a non-empty array",
        ));
    }
    let ins = institution_or_err(id)?;
    if !ins
        .country_codes
        .iter()
        .any(|c| countries.iter().any(|w| w == c))
    {
        return Err(ApiError::with_message(
            "INVALID_INSTITUTION",
            "invalid institution_id provided",
        ));
    }
    let opts = options(body);
    let flag = |k: &str| opts.get(k).and_then(Value::as_bool).unwrap_or(false);
    let mut inst = json!({
        "institution_id": ins.id,
        "name": ins.name,
        "products": ins.products,
        "country_codes": ins.country_codes,
        "routing_numbers": ins.routing_numbers,
        "dtc_numbers": [],
        "oauth": ins.oauth,
        // Required since spec 2020-09-14_1.778.0 (plaid-python 46.0.0 rejects its absence).
        "connection_availability": if ins.health == Health::Unsupported { "NOT_SUPPORTED" } else { "SUPPORTED" },
        "url": null,
        "primary_color": null,
        "logo": null,
    });
    if flag("include_optional_metadata") {
        inst["url"] = json!(ins.url);
        inst["primary_color"] = json!(ins.primary_color);
    }
    if flag("include_status") {
        let (status, success) = match ins.health {
            Health::Healthy => ("HEALTHY", 0.98),
            Health::Degraded => ("DEGRADED", 0.62),
            Health::Down | Health::Unsupported => ("DOWN", 0.0),
        };
        let changed = rfc3339(app.now() - chrono::Duration::days(3));
        let product = json!({
            "status": status,
            "last_status_change": changed,
            "breakdown": {
                "success": success,
                "error_plaid": 0.01,
                "error_institution": ((1.0 - success - 0.01_f64).max(0.0) * 100.0).round() / 100.0,
                "refresh_interval": if status == "HEALTHY" { "NORMAL" } else { "DELAYED" },
            },
        });
        inst["status"] = json!({
            "item_logins": product,
            "transactions_updates": product,
            "auth": product,
            "identity": product,
            "investments_updates": product,
            "liabilities_updates": product,
            "liabilities": product,
            "investments": product,
            "health_incidents": [],
        });
    }
    Ok(json!({ "institution": inst }))
}
