//! Request validation like Plaid's: per-endpoint field lists (from the 2020-09-14 spec's request
//! schemas) checked for unknown fields (`UNKNOWN_FIELDS`), missing required fields
//! (`MISSING_FIELDS`) and wrong types or values (`INVALID_FIELD`); and product names
//! ([`check_products`], `INVALID_PRODUCT`). `client_id`/`secret` are handled before
//! (credentials) and accepted at the top level of every body.
//!
//! Explicit `null`: for a field the spec marks `nullable` (constructor [`opt_null`]) it means
//! absent; for any other field it is a wrong type, `INVALID_FIELD` (a required one stays
//! `MISSING_FIELDS`). Plaid documents `null` only where a schema says `nullable: true`, its
//! official clients refuse to send `None` for other fields, and a Plaid answer on record
//! rejected exactly this: plaid-python 7 sent `options.account_ids: null` and got
//! `INVALID_FIELD` "options.account_ids must be a non-empty array of valid account ids"
//! (frappe/erpnext#23376). Rejecting it also keeps a client from learning a habit Production
//! would punish.

use serde_json::{Map, Value};

use crate::data::products::PRODUCTS;
use crate::plaid_error::ApiError;

/// The type a field must have.
#[derive(Debug)]
pub enum Ty {
    /// Any string.
    Str,
    /// A string with at least one character.
    NonEmpty,
    /// `true`/`false`.
    Bool,
    /// An integer in `min..=max`.
    Int { min: i64, max: i64 },
    /// Any JSON number.
    Num,
    /// `YYYY-MM-DD`.
    Date,
    /// RFC 3339 date-time.
    DateTime,
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// An array of this type.
    Arr(&'static Ty),
    /// An object with exactly these fields.
    Obj(&'static [Field]),
    /// Any object (fields this sandbox does not interpret).
    AnyObj,
    /// Anything.
    Any,
}

/// One field of a request body.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    /// The spec marks it `nullable`: an explicit `null` means absent.
    pub nullable: bool,
}

/// A required field.
pub const fn req(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: true,
        nullable: false,
    }
}

/// An optional field (an explicit `null` is `INVALID_FIELD`).
pub const fn opt(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: false,
        nullable: false,
    }
}

/// An optional field the spec marks `nullable` (an explicit `null` means absent).
pub const fn opt_null(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: false,
        nullable: true,
    }
}

#[derive(Default)]
struct Findings {
    unknown: Vec<String>,
    missing: Vec<String>,
    invalid: Option<String>,
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

fn check_object(
    obj: &Map<String, Value>,
    fields: &[Field],
    prefix: &str,
    top: bool,
    f: &mut Findings,
) {
    for key in obj.keys() {
        let known = fields.iter().any(|fd| fd.name == key)
            || (top && (key == "client_id" || key == "secret"));
        if !known {
            f.unknown.push(join(prefix, key));
        }
    }
    for fd in fields {
        match obj.get(fd.name) {
            None => {
                if fd.required {
                    f.missing.push(join(prefix, fd.name));
                }
            }
            Some(Value::Null) if fd.required => f.missing.push(join(prefix, fd.name)),
            Some(Value::Null) if fd.nullable => {}
            Some(Value::Null) => invalid(
                f,
                format!(
                    "{} must not be null (omit it instead)",
                    join(prefix, fd.name)
                ),
            ),
            Some(v) => check_value(v, &fd.ty, &join(prefix, fd.name), f),
        }
    }
}

fn invalid(f: &mut Findings, msg: String) {
    if f.invalid.is_none() {
        f.invalid = Some(msg);
    }
}

fn check_value(v: &Value, ty: &Ty, path: &str, f: &mut Findings) {
    match ty {
        Ty::Any => {}
        Ty::Str => {
            if !v.is_string() {
                invalid(f, format!("{path} must be a string"));
            }
        }
        Ty::NonEmpty => match v.as_str() {
            Some(s) if !s.trim().is_empty() => {}
            _ => invalid(
                f,
                format!("{path} must be a properly formatted, non-empty string"),
            ),
        },
        Ty::Bool => {
            if !v.is_boolean() {
                invalid(f, format!("{path} must be a boolean"));
            }
        }
        Ty::Int { min, max } => match v.as_i64() {
            Some(n) if n >= *min && n <= *max => {}
            Some(_) => invalid(
                f,
                format!("{path} must be an integer between {min} and {max}"),
            ),
            None => invalid(f, format!("{path} must be an integer")),
        },
        Ty::Num => {
            if !v.is_number() {
                invalid(f, format!("{path} must be a number"));
            }
        }
        Ty::Date => match v.as_str() {
            Some(s)
                if s.len() == 10 && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() => {}
            _ => invalid(f, format!("{path} must be a date in YYYY-MM-DD format")),
        },
        Ty::DateTime => match v.as_str() {
            Some(s) if chrono::DateTime::parse_from_rfc3339(s).is_ok() => {}
            _ => invalid(f, format!("{path} must be an RFC 3339 date-time")),
        },
        Ty::Enum(values) => match v.as_str() {
            Some(s) if values.contains(&s) => {}
            Some(s) => invalid(
                f,
                format!(
                    "{path} has an invalid value \"{s}\"; it must be one of: {}",
                    values.join(", ")
                ),
            ),
            None => invalid(f, format!("{path} must be a string")),
        },
        Ty::Arr(inner) => match v.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    check_value(item, inner, &format!("{path}[{i}]"), f);
                }
            }
            None => invalid(f, format!("{path} must be an array")),
        },
        Ty::Obj(fields) => match v.as_object() {
            Some(o) => check_object(o, fields, path, false, f),
            None => invalid(f, format!("{path} must be an object")),
        },
        Ty::AnyObj => {
            if !v.is_object() {
                invalid(f, format!("{path} must be an object"));
            }
        }
    }
}

/// Checks a request body against an endpoint's fields: unknown fields first, then missing
/// ones, then the first wrong type or value.
pub fn check(body: &Map<String, Value>, fields: &[Field]) -> Result<(), ApiError> {
    let mut f = Findings::default();
    check_object(body, fields, "", true, &mut f);
    if !f.unknown.is_empty() {
        return Err(ApiError::unknown_fields(&f.unknown));
    }
    if !f.missing.is_empty() {
        return Err(ApiError::missing_fields(&f.missing));
    }
    if let Some(m) = f.invalid {
        return Err(ApiError::invalid_field(m));
    }
    Ok(())
}

/// Languages `/link/token/create` accepts.
pub const LANGUAGES: &[&str] = &[
    "en", "fr", "es", "de", "nl", "da", "et", "hi", "it", "lv", "lt", "no", "pl", "pt", "ro", "sv",
    "vi", "ja", "zh",
];
/// Country codes Plaid accepts.
pub const COUNTRY_CODES: &[&str] = &[
    "US", "GB", "ES", "NL", "FR", "IE", "CA", "DE", "IT", "PL", "DK", "NO", "SE", "EE", "LT", "LV",
    "PT", "BE", "AT", "FI",
];

const STR_ARR: Ty = Ty::Arr(&Ty::Str);

/// `/link/token/create`.
pub static LINK_TOKEN_CREATE: &[Field] = &[
    req("client_name", Ty::NonEmpty),
    req("language", Ty::Enum(LANGUAGES)),
    req("country_codes", Ty::Arr(&Ty::Enum(COUNTRY_CODES))),
    opt(
        "user",
        Ty::Obj(&[
            req("client_user_id", Ty::NonEmpty),
            opt("legal_name", Ty::Str),
            opt_null("name", Ty::AnyObj),
            opt("phone_number", Ty::Str),
            opt_null("phone_number_verified_time", Ty::Any),
            opt("email_address", Ty::Str),
            opt_null("email_address_verified_time", Ty::Any),
            opt("ssn", Ty::Str),
            opt_null("date_of_birth", Ty::Date),
            opt_null("address", Ty::AnyObj),
            opt_null("id_number", Ty::AnyObj),
        ]),
    ),
    opt("user_id", Ty::Str),
    opt_null("products", STR_ARR),
    opt_null("required_if_supported_products", STR_ARR),
    opt_null("optional_products", STR_ARR),
    opt_null("additional_consented_products", STR_ARR),
    opt("webhook", Ty::Str),
    opt_null("access_token", Ty::NonEmpty),
    opt("access_tokens", STR_ARR),
    opt("link_customization_name", Ty::Str),
    opt_null("appearance_mode", Ty::Str),
    opt("redirect_uri", Ty::Str),
    opt("android_package_name", Ty::Str),
    opt("institution_data", Ty::AnyObj),
    opt("card_switch", Ty::AnyObj),
    opt("account_filters", Ty::AnyObj),
    opt("eu_config", Ty::AnyObj),
    opt("institution_id", Ty::Str),
    opt("payment_configuration", Ty::AnyObj),
    opt("payment_initiation", Ty::AnyObj),
    opt("employment", Ty::AnyObj),
    opt("income_verification", Ty::AnyObj),
    opt("base_report", Ty::AnyObj),
    opt("credit_partner_insights", Ty::AnyObj),
    opt("cra_options", Ty::AnyObj),
    opt("consumer_report_permissible_purpose", Ty::Str),
    opt("auth", Ty::AnyObj),
    opt("transfer", Ty::AnyObj),
    opt(
        "update",
        Ty::Obj(&[
            opt("account_selection_enabled", Ty::Bool),
            opt("reauthorization_enabled", Ty::Bool),
            opt("user", Ty::Bool),
            opt_null("item_ids", STR_ARR),
        ]),
    ),
    opt("identity_verification", Ty::AnyObj),
    opt("statements", Ty::AnyObj),
    opt("third_party_user_token", Ty::Str),
    opt("investments", Ty::AnyObj),
    opt("investments_auth", Ty::AnyObj),
    opt(
        "hosted_link",
        Ty::Obj(&[
            opt("delivery_method", Ty::Enum(&["sms", "email"])),
            opt("completion_redirect_uri", Ty::Str),
            opt(
                "url_lifetime_seconds",
                Ty::Int {
                    min: 1,
                    max: 21 * 24 * 3600,
                },
            ),
            opt("is_mobile_app", Ty::Bool),
        ]),
    ),
    opt(
        "transactions",
        Ty::Obj(&[opt("days_requested", Ty::Int { min: 1, max: 730 })]),
    ),
    opt("cashflow_report", Ty::AnyObj),
    opt("cra_report_parameter", Ty::AnyObj),
    opt("cra_enabled", Ty::Bool),
    opt("identity", Ty::AnyObj),
    opt("financekit_supported", Ty::Bool),
    opt("enable_multi_item_link", Ty::Bool),
    opt("user_token", Ty::Str),
];

/// `/link/token/get`.
pub static LINK_TOKEN_GET: &[Field] = &[req("link_token", Ty::NonEmpty)];
/// `/item/public_token/exchange`.
pub static PUBLIC_TOKEN_EXCHANGE: &[Field] = &[req("public_token", Ty::NonEmpty)];
/// Endpoints taking only an access token.
pub static ACCESS_TOKEN_ONLY: &[Field] = &[req("access_token", Ty::NonEmpty)];
/// `/item/remove`.
pub static ITEM_REMOVE: &[Field] = &[
    req("access_token", Ty::NonEmpty),
    opt_null(
        "reason_code",
        Ty::Enum(&[
            "FRAUD_FIRST_PARTY",
            "FRAUD_FALSE_IDENTITY",
            "FRAUD_ABUSE",
            "FRAUD_OTHER",
            "CONNECTION_IS_NON_FUNCTIONAL",
            "OTHER",
        ]),
    ),
    opt_null("reason_note", Ty::Str),
];
/// `/accounts/get`.
pub static ACCOUNTS_GET: &[Field] = &[
    req("access_token", Ty::NonEmpty),
    opt("options", Ty::Obj(&[opt("account_ids", STR_ARR)])),
];
/// `/accounts/balance/get`.
pub static ACCOUNTS_BALANCE_GET: &[Field] = &[
    req("access_token", Ty::NonEmpty),
    opt(
        "options",
        Ty::Obj(&[
            opt("account_ids", STR_ARR),
            opt("min_last_updated_datetime", Ty::DateTime),
        ]),
    ),
];
/// `/transactions/sync` (count's range is checked by the handler so the message can be precise).
pub static TRANSACTIONS_SYNC: &[Field] = &[
    req("access_token", Ty::NonEmpty),
    opt("cursor", Ty::Str),
    opt(
        "count",
        Ty::Int {
            min: i64::MIN,
            max: i64::MAX,
        },
    ),
    opt(
        "options",
        Ty::Obj(&[
            opt_null("include_original_description", Ty::Bool),
            opt("include_personal_finance_category", Ty::Bool),
            opt("include_logo_and_counterparty_beta", Ty::Bool),
            opt("personal_finance_category_version", Ty::Enum(&["v1", "v2"])),
            opt("days_requested", Ty::Int { min: 1, max: 730 }),
            opt("account_id", Ty::NonEmpty),
        ]),
    ),
];
/// `/institutions/get_by_id`.
pub static INSTITUTIONS_GET_BY_ID: &[Field] = &[
    req("institution_id", Ty::NonEmpty),
    req("country_codes", Ty::Arr(&Ty::Enum(COUNTRY_CODES))),
    opt(
        "options",
        Ty::Obj(&[
            opt("include_optional_metadata", Ty::Bool),
            opt("include_status", Ty::Bool),
            opt("include_auth_metadata", Ty::Bool),
            opt("include_payment_initiation_metadata", Ty::Bool),
        ]),
    ),
];
/// `/sandbox/public_token/create`.
pub static SANDBOX_PUBLIC_TOKEN_CREATE: &[Field] = &[
    req("institution_id", Ty::NonEmpty),
    req("initial_products", STR_ARR),
    opt(
        "options",
        Ty::Obj(&[
            opt("webhook", Ty::Str),
            opt_null("override_username", Ty::Str),
            opt_null("override_password", Ty::Str),
            opt_null(
                "transactions",
                Ty::Obj(&[
                    opt("start_date", Ty::Date),
                    opt("end_date", Ty::Date),
                    opt("days_requested", Ty::Int { min: 1, max: 730 }),
                ]),
            ),
            opt_null("statements", Ty::AnyObj),
            opt("income_verification", Ty::AnyObj),
        ]),
    ),
    opt("user_token", Ty::Str),
    opt("user_id", Ty::Str),
];
/// Webhook codes `/sandbox/item/fire_webhook` accepts.
pub const WEBHOOK_CODES: &[&str] = &[
    "DEFAULT_UPDATE",
    "NEW_ACCOUNTS_AVAILABLE",
    "SMS_MICRODEPOSITS_VERIFICATION",
    "AUTHORIZATION_GRANTED",
    "USER_PERMISSION_REVOKED",
    "USER_ACCOUNT_REVOKED",
    "PENDING_DISCONNECT",
    "RECURRING_TRANSACTIONS_UPDATE",
    "LOGIN_REPAIRED",
    "SYNC_UPDATES_AVAILABLE",
    "PRODUCT_READY",
    "ERROR",
];
/// `/sandbox/item/fire_webhook`.
pub static SANDBOX_FIRE_WEBHOOK: &[Field] = &[
    req("access_token", Ty::NonEmpty),
    opt(
        "webhook_type",
        Ty::Enum(&[
            "AUTH",
            "HOLDINGS",
            "INVESTMENTS_TRANSACTIONS",
            "ITEM",
            "LIABILITIES",
            "TRANSACTIONS",
            "ASSETS",
            "IDENTITY",
        ]),
    ),
    req("webhook_code", Ty::Enum(WEBHOOK_CODES)),
    opt(
        "options",
        Ty::Obj(&[opt(
            "new_transactions",
            Ty::Int {
                min: 0,
                max: i64::MAX,
            },
        )]),
    ),
];
/// `/webhook_verification_key/get`.
pub static WEBHOOK_VERIFICATION_KEY_GET: &[Field] = &[req("key_id", Ty::NonEmpty)];
/// `/sandbox/transactions/create`.
pub static SANDBOX_TRANSACTIONS_CREATE: &[Field] = &[
    req("access_token", Ty::NonEmpty),
    req(
        "transactions",
        Ty::Arr(&Ty::Obj(&[
            req("date_transacted", Ty::Date),
            req("date_posted", Ty::Date),
            req("amount", Ty::Num),
            req("description", Ty::NonEmpty),
            opt("iso_currency_code", Ty::Str),
            opt("account_id", Ty::NonEmpty),
        ])),
    ),
];

/// Checks products: `balance` and unknown names give `INVALID_PRODUCT`.
pub(crate) fn check_products(products: &[String]) -> Result<(), ApiError> {
    let bad: Vec<&str> = products
        .iter()
        .map(String::as_str)
        .filter(|p| !PRODUCTS.contains(p))
        .collect();
    if bad.is_empty() {
        return Ok(());
    }
    if bad == ["balance"] {
        return Err(ApiError::with_message(
            "INVALID_PRODUCT",
            "balance is not a valid product. Balance is available by default with all products.",
        ));
    }
    Err(ApiError::with_message(
        "INVALID_PRODUCT",
        format!("the following products are not valid: {}", bad.join(", ")),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(body: Value, fields: &[Field]) -> Result<(), ApiError> {
        check(body.as_object().expect("object"), fields)
    }

    #[test]
    fn reports_unknown_missing_and_invalid_fields() {
        let e = run(
            json!({"access_token": "a", "foo": 1, "options": {"bar": 2}}),
            ACCOUNTS_GET,
        )
        .unwrap_err();
        assert_eq!(e.error_code, "UNKNOWN_FIELDS");
        assert_eq!(
            e.error_message,
            "the following fields are not recognized by this endpoint: foo, options.bar"
        );
        let e = run(json!({"client_id": "x"}), ACCESS_TOKEN_ONLY).unwrap_err();
        assert_eq!(
            e.error_message,
            "the following required fields are missing: access_token"
        );
        let e = run(json!({"access_token": 5}), ACCESS_TOKEN_ONLY).unwrap_err();
        assert_eq!(e.error_code, "INVALID_FIELD");
        let e = run(
            json!({"access_token": "a", "webhook_code": "NOPE"}),
            SANDBOX_FIRE_WEBHOOK,
        )
        .unwrap_err();
        assert_eq!(e.error_code, "INVALID_FIELD");
        assert!(e.error_message.contains("webhook_code"));
        let e = run(json!({"access_token": "a", "transactions": [{"date_transacted": "2025-13-01", "date_posted": "2025-01-01", "amount": 1, "description": "x"}]}), SANDBOX_TRANSACTIONS_CREATE).unwrap_err();
        assert!(
            e.error_message.contains("transactions[0].date_transacted"),
            "{}",
            e.error_message
        );
        // Explicit null: absent where the spec says nullable, INVALID_FIELD elsewhere.
        let e = run(json!({"access_token": "a", "options": null}), ACCOUNTS_GET).unwrap_err();
        assert_eq!(
            (e.error_code.as_str(), e.error_message.as_str()),
            (
                "INVALID_FIELD",
                "options must not be null (omit it instead)"
            )
        );
        let e = run(json!({"access_token": null}), ACCESS_TOKEN_ONLY).unwrap_err();
        assert_eq!(e.error_code, "MISSING_FIELDS");
        assert!(
            run(
                json!({"access_token": "a", "reason_code": null}),
                ITEM_REMOVE
            )
            .is_ok()
        );
        let e = run(
            json!({"access_token": "a", "options": {"include_original_description": null, "account_id": null}}),
            TRANSACTIONS_SYNC,
        )
        .unwrap_err();
        assert_eq!(
            e.error_message,
            "options.account_id must not be null (omit it instead)"
        );
    }
}
