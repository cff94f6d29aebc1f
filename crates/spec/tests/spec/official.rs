//! The official spec's extract loads, knows our endpoints, holds no text written for people,
//! and the spec's own examples pass the checker (except two examples that really are wrong,
//! which the checker must keep catching).

use coffer_spec::Spec;
use serde_json::Value;

use coffer_spec::COFFER_ENDPOINTS as OUR_PATHS;

/// Every (path, status, example body) of the spec's JSON response examples (kept beside the
/// extract, which has none: `coffer_spec::examples`). Only paths the spec has.
fn response_examples(spec: &Spec) -> Vec<(String, u16, Value)> {
    let mut out = Vec::new();
    let responses = coffer_spec::examples()["responses"]
        .as_object()
        .expect("responses");
    for (path, by_status) in responses {
        assert!(
            spec.operation(path).is_some(),
            "example for {path}, not in the spec"
        );
        for (status, examples) in by_status.as_object().expect("statuses") {
            let status: u16 = status.parse().expect("numeric status");
            for value in examples.as_array().expect("examples") {
                out.push((path.clone(), status, value.clone()));
            }
        }
    }
    out
}

#[test]
fn official_spec_has_our_operations() {
    let spec = Spec::official();
    for path in OUR_PATHS {
        assert!(spec.operation(path).is_some(), "{path} not in the spec");
    }
    assert!(spec.schema("PlaidError").is_some());
    let paths = spec.document()["paths"].as_object().map_or(0, |p| p.len());
    assert_eq!(paths, 339);
}

#[test]
fn official_response_examples_pass() {
    let spec = Spec::official();
    let examples = response_examples(spec);
    assert!(
        examples.len() > 300,
        "only {} examples found",
        examples.len()
    );
    let mut failures = Vec::new();
    for (path, status, value) in &examples {
        if let Err(v) = spec.check_response(path, *status, value) {
            failures.push(v.to_string());
        }
    }
    // The spec's own Signal examples omit the required `risk_tier`: real errors in the spec,
    // and proof the checker finds a missing field deep in a real body.
    let expected = [
        "/processor/signal/evaluate response 200: $.scores.bank_initiated_return_risk.risk_tier: required property missing\n\
         /processor/signal/evaluate response 200: $.scores.customer_initiated_return_risk.risk_tier: required property missing",
        "/signal/evaluate response 200: $.scores.bank_initiated_return_risk.risk_tier: required property missing\n\
         /signal/evaluate response 200: $.scores.customer_initiated_return_risk.risk_tier: required property missing",
    ];
    assert_eq!(failures, expected, "{} examples checked", examples.len());
}

#[test]
fn our_endpoints_examples_pass_even_strictly() {
    let spec = Spec::official();
    let mut checked = 0;
    let mut failures = Vec::new();
    for (path, status, value) in response_examples(spec) {
        if !OUR_PATHS.contains(&path.as_str()) {
            continue;
        }
        checked += 1;
        if let Err(v) = spec.check_response_strict(&path, status, &value) {
            failures.push(v.to_string());
        }
    }
    assert!(checked >= 12, "only {checked} examples of our endpoints");
    // Plaid's own example sends one key its schema does not declare.
    assert_eq!(
        failures,
        [
            "/institutions/get_by_id response 200: $.institution.status.investments.liabilities: unknown property: not declared in the spec"
        ]
    );
}

#[test]
fn official_schema_examples_pass() {
    let spec = Spec::official();
    let examples = coffer_spec::examples()["schemas"]
        .as_object()
        .expect("schemas");
    let mut checked = 0;
    for (name, example) in examples {
        checked += 1;
        if let Err(v) = spec.check_schema(name, example) {
            panic!("{v}");
        }
    }
    assert!(checked > 100, "only {checked} schema examples");
}

#[test]
fn official_spec_rejects_a_broken_real_body() {
    let spec = Spec::official();
    let body = serde_json::json!({
        "link_token": "link-sandbox-af1a0311-da53-4636-b754-dd15cc058176",
        "expiration": null,
        "request_id": "XQVgFigpGHXkb0b"
    });
    let v = spec
        .check_response("/link/token/create", 200, &body)
        .unwrap_err();
    assert_eq!(
        v.to_string(),
        "/link/token/create response 200: $.expiration: expected string, got null"
    );
    let request = serde_json::json!({ "access_token": "access-sandbox-x", "cursor": null, "count": 0, "colour": "red" });
    let v = spec
        .check_request("/transactions/sync", &request)
        .unwrap_err();
    for path in ["$.cursor", "$.count", "$.colour"] {
        assert!(v.has_path(path), "{path} not reported:\n{v}");
    }
}

#[test]
fn current_spec_requires_what_the_newest_client_requires() {
    let (official, current) = (Spec::official(), Spec::current());
    assert_eq!(
        current.document()["info"]["version"],
        coffer_spec::CURRENT_VERSION
    );
    assert_eq!(
        official.document()["info"]["version"],
        coffer_spec::OFFICIAL_VERSION
    );
    let old_answer = serde_json::json!({
        "institution": {
            "institution_id": "ins_109508", "name": "First Platypus Bank",
            "products": ["transactions"], "country_codes": ["US"], "routing_numbers": [],
            "oauth": false,
        },
        "request_id": "abc",
    });
    assert!(
        official
            .check_response("/institutions/get_by_id", 200, &old_answer)
            .is_ok()
    );
    let err = current
        .check_response("/institutions/get_by_id", 200, &old_answer)
        .expect_err("connection_availability is required since 1.778.0");
    assert!(err.to_string().contains("connection_availability"), "{err}");
    let mut new_answer = old_answer.clone();
    new_answer["institution"]["connection_availability"] = "SUPPORTED".into();
    current
        .check_response_strict("/institutions/get_by_id", 200, &new_answer)
        .expect("the current answer");
    new_answer["institution"]["connection_availability"] = "MAYBE".into();
    assert!(
        current
            .check_response("/institutions/get_by_id", 200, &new_answer)
            .is_err()
    );
    // New enum values: valid now, not before.
    let subtype = serde_json::json!("home equity loan");
    assert!(current.check_schema("AccountSubtype", &subtype).is_ok());
    assert!(official.check_schema("AccountSubtype", &subtype).is_err());
    // Every example of our endpoints that passes the official copy still passes, except
    // institutions lacking the now-required field.
    for (path, status, value) in response_examples(current) {
        if !OUR_PATHS.contains(&path.as_str()) || path == "/institutions/get_by_id" {
            continue;
        }
        if official.check_response(&path, status, &value).is_ok() {
            current
                .check_response(&path, status, &value)
                .unwrap_or_else(|v| panic!("{v}"));
        }
    }
}

/// The extract is schema only: nothing written for people, and the version it was made from.
#[test]
fn the_extract_is_schema_only() {
    let spec = Spec::official();
    fn walk(v: &Value, at: &str, found: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let here = format!("{at}/{k}");
                    // Under `properties`, keys are field names (a field may be called `description`).
                    let field_names = at.ends_with("/properties");
                    if !field_names
                        && matches!(
                            k.as_str(),
                            "description" | "example" | "examples" | "summary"
                        )
                    {
                        found.push(here.clone());
                    }
                    walk(x, &here, found);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, at, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(&spec.document()["paths"], "paths", &mut found);
    walk(&spec.document()["components"], "components", &mut found);
    assert!(
        found.is_empty(),
        "text for people in the extract: {:?}",
        &found[..found.len().min(5)]
    );
    assert_eq!(
        spec.document()["info"]["version"],
        coffer_spec::OFFICIAL_VERSION
    );
    let schemas = spec.document()["components"]["schemas"]
        .as_object()
        .map_or(0, |s| s.len());
    assert_eq!(schemas, 2275, "every component schema of the spec");
}
