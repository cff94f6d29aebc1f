//! The checker fails where it must, and names the field: each test feeds one defect to a small
//! spec shaped like Plaid's and asserts the exact path and message.

use coffer_spec::{Spec, Violations};
use serde_json::{Value, json};

fn spec() -> Spec {
    Spec::from_value(json!({
        "openapi": "3.0.0",
        "paths": {
            "/thing/get": { "post": {
                "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ThingGetRequest" } } } },
                "responses": {
                    "200": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ThingGetResponse" } } } },
                    "default": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/PlaidError" } } } }
                }
            } }
        },
        "components": { "schemas": {
            "ThingGetRequest": {
                "type": "object",
                "required": ["access_token"],
                "properties": {
                    "access_token": { "type": "string", "minLength": 1 },
                    "count": { "type": "integer", "minimum": 1, "maximum": 500 },
                    "options": { "type": "object", "properties": { "flag": { "type": "boolean" } } }
                }
            },
            "ThingGetResponse": {
                "type": "object",
                "additionalProperties": true,
                "required": ["things", "request_id", "status"],
                "properties": {
                    "things": { "type": "array", "items": { "$ref": "#/components/schemas/Thing" }, "maxItems": 3 },
                    "request_id": { "type": "string" },
                    "status": { "$ref": "#/components/schemas/Status" },
                    "tree": { "$ref": "#/components/schemas/Tree" },
                    "either": { "oneOf": [ { "type": "string" }, { "$ref": "#/components/schemas/Money" } ] }
                }
            },
            "Thing": {
                "type": "object",
                "additionalProperties": false,
                "required": ["id", "date", "amount", "subtype", "updated_at"],
                "properties": {
                    "id": { "type": "string" },
                    "date": { "type": "string", "format": "date" },
                    "updated_at": { "type": "string", "format": "date-time", "nullable": true },
                    "amount": { "type": "number", "format": "double" },
                    "subtype": { "$ref": "#/components/schemas/Subtype" },
                    "money": { "allOf": [ { "$ref": "#/components/schemas/Money" } ], "nullable": true }
                }
            },
            "Money": {
                "type": "object",
                "required": ["value"],
                "properties": { "value": { "type": "number" }, "currency": { "type": "string", "nullable": true } }
            },
            "Subtype": { "type": "string", "nullable": true, "enum": ["checking", "savings"] },
            "Status": { "type": "string", "enum": ["READY", "NOT_READY"] },
            "Tree": {
                "type": "object",
                "properties": { "name": { "type": "string" }, "children": { "type": "array", "items": { "$ref": "#/components/schemas/Tree" } } }
            },
            "Loop": { "$ref": "#/components/schemas/Loop2" },
            "Loop2": { "allOf": [ { "$ref": "#/components/schemas/Loop" } ] },
            "PlaidError": {
                "type": "object",
                "additionalProperties": true,
                "nullable": true,
                "required": ["error_type", "error_code", "error_message", "display_message"],
                "properties": {
                    "error_type": { "type": "string" },
                    "error_code": { "type": "string" },
                    "error_message": { "type": "string" },
                    "display_message": { "type": "string", "nullable": true }
                }
            }
        } }
    }))
    .expect("a valid small spec")
}

fn good_thing() -> Value {
    json!({ "id": "t1", "date": "2024-02-29", "amount": 12.5, "subtype": "checking", "updated_at": "2024-03-01T10:00:00Z" })
}

fn good_response() -> Value {
    json!({ "things": [good_thing()], "request_id": "abc", "status": "READY" })
}

/// Asserts exactly one violation, at `path`, whose message contains `needle`.
fn assert_one(result: Result<(), Violations>, path: &str, needle: &str) {
    let violations = result.expect_err("the defect must be reported");
    assert_eq!(
        violations.items.len(),
        1,
        "expected one violation:\n{violations}"
    );
    let v = &violations.items[0];
    assert_eq!(v.path, path, "{violations}");
    assert!(
        v.message.contains(needle),
        "message {:?} lacks {needle:?}",
        v.message
    );
}

fn with(mut body: Value, pointer: &str, value: Value) -> Value {
    *body.pointer_mut(pointer).expect("pointer into the body") = value;
    body
}

#[test]
fn a_good_response_and_request_pass() {
    let spec = spec();
    spec.check_response("/thing/get", 200, &good_response())
        .unwrap();
    spec.check_request(
        "/thing/get",
        &json!({ "access_token": "a", "count": 500, "options": { "flag": true } }),
    )
    .unwrap();
}

#[test]
fn missing_required_field_is_named() {
    let mut body = good_response();
    body.as_object_mut().unwrap().remove("request_id");
    let result = spec().check_response("/thing/get", 200, &body);
    let text = result.clone().unwrap_err().to_string();
    assert_eq!(
        text,
        "/thing/get response 200: $.request_id: required property missing"
    );
    assert_one(result, "$.request_id", "required property missing");

    let mut thing = good_thing();
    thing.as_object_mut().unwrap().remove("date");
    let body = with(good_response(), "/things/0", thing);
    assert_one(
        spec().check_response("/thing/get", 200, &body),
        "$.things[0].date",
        "required property missing",
    );
}

#[test]
fn wrong_type_is_named() {
    let body = with(good_response(), "/things/0/amount", json!("12.50"));
    assert_one(
        spec().check_response("/thing/get", 200, &body),
        "$.things[0].amount",
        "expected number, got string",
    );
    let body = with(good_response(), "/things", json!({}));
    assert_one(
        spec().check_response("/thing/get", 200, &body),
        "$.things",
        "expected array, got object",
    );
}

#[test]
fn null_only_where_nullable() {
    let body = with(good_response(), "/things/0/id", Value::Null);
    assert_one(
        spec().check_response("/thing/get", 200, &body),
        "$.things[0].id",
        "expected string, got null",
    );
    // A `$ref` to a non-nullable enum refuses null...
    let body = with(good_response(), "/status", Value::Null);
    assert_one(
        spec().check_response("/thing/get", 200, &body),
        "$.status",
        "got null",
    );
    // ...nullable ones (also a nullable enum, and allOf + nullable) accept it.
    let body = with(good_response(), "/things/0/updated_at", Value::Null);
    let body = with(body, "/things/0/subtype", Value::Null);
    let mut body = body;
    body["things"][0]["money"] = Value::Null;
    spec().check_response("/thing/get", 200, &body).unwrap();
}

#[test]
fn unknown_key_is_refused_where_additional_properties_is_false() {
    let mut body = good_response();
    body["things"][0]["colour"] = json!("red");
    assert_one(
        spec().check_response("/thing/get", 200, &body),
        "$.things[0].colour",
        "unknown property",
    );
    // ...but allowed where it is `true` (the response root).
    let mut body = good_response();
    body["extra"] = json!(1);
    spec().check_response("/thing/get", 200, &body).unwrap();
    // The strict response check refuses it there too.
    assert_one(
        spec().check_response_strict("/thing/get", 200, &body),
        "$.extra",
        "not declared",
    );
}

#[test]
fn request_refuses_undeclared_keys_like_plaid() {
    let spec = spec();
    assert_one(
        spec.check_request("/thing/get", &json!({ "access_token": "a", "cursor": "x" })),
        "$.cursor",
        "UNKNOWN_FIELDS",
    );
    assert_one(
        spec.check_request(
            "/thing/get",
            &json!({ "access_token": "a", "options": { "flags": true } }),
        ),
        "$.options.flags",
        "UNKNOWN_FIELDS",
    );
    assert_one(
        spec.check_request("/thing/get", &json!({ "access_token": "" })),
        "$.access_token",
        "at least 1 characters",
    );
    assert_one(
        spec.check_request("/thing/get", &json!({ "access_token": "a", "count": 501 })),
        "$.count",
        "<= 500",
    );
    assert_one(
        spec.check_request("/thing/get", &json!({ "access_token": "a", "count": 2.5 })),
        "$.count",
        "expected integer",
    );
    assert_one(
        spec.check_request("/thing/get", &json!({ "access_token": "a", "count": null })),
        "$.count",
        "got null",
    );
}

#[test]
fn bad_enum_is_named() {
    let body = with(good_response(), "/things/0/subtype", json!("brokerage"));
    assert_one(
        spec().check_response("/thing/get", 200, &body),
        "$.things[0].subtype",
        r#"expected one of ["checking", "savings"], got "brokerage""#,
    );
    let body = with(good_response(), "/status", json!("DONE"));
    assert_one(
        spec().check_response("/thing/get", 200, &body),
        "$.status",
        r#"got "DONE""#,
    );
}

#[test]
fn bad_dates_are_named() {
    for bad in [
        "2024-02-30",
        "2023-02-29",
        "24-02-01",
        "2024/02/01",
        "2024-13-01",
        "2024-02-01T00:00:00Z",
    ] {
        let body = with(good_response(), "/things/0/date", json!(bad));
        assert_one(
            spec().check_response("/thing/get", 200, &body),
            "$.things[0].date",
            "expected a date YYYY-MM-DD",
        );
    }
    for bad in [
        "2024-03-01",
        "2024-03-01 10:00:00Z",
        "2024-03-01T10:00:00",
        "2024-03-01T25:00:00Z",
        "2024-03-01T10:00:00.Z",
        "2024-03-01T10:00:00+0100",
    ] {
        let body = with(good_response(), "/things/0/updated_at", json!(bad));
        assert_one(
            spec().check_response("/thing/get", 200, &body),
            "$.things[0].updated_at",
            "RFC 3339",
        );
    }
    for good in [
        "2024-03-01T10:00:00.123456Z",
        "2024-03-01t10:00:00-07:00",
        "2024-03-01T10:00:00+05:30",
    ] {
        let body = with(good_response(), "/things/0/updated_at", json!(good));
        spec().check_response("/thing/get", 200, &body).unwrap();
    }
}

#[test]
fn every_failure_is_listed() {
    let body = json!({ "things": [ { "id": 1, "date": "x", "amount": 1, "subtype": "checking", "updated_at": null, "zzz": 0 } ], "status": "READY" });
    let violations = spec().check_response("/thing/get", 200, &body).unwrap_err();
    let paths: Vec<&str> = violations.items.iter().map(|v| v.path.as_str()).collect();
    for expected in [
        "$.request_id",
        "$.things[0].id",
        "$.things[0].date",
        "$.things[0].zzz",
    ] {
        assert!(
            paths.contains(&expected),
            "{expected} missing from:\n{violations}"
        );
    }
    assert_eq!(
        violations.to_string().lines().count(),
        violations.items.len()
    );
}

#[test]
fn arrays_recursion_and_ref_cycles() {
    let body = with(
        good_response(),
        "/things",
        json!([good_thing(), good_thing(), good_thing(), good_thing()]),
    );
    assert_one(
        spec().check_response("/thing/get", 200, &body),
        "$.things",
        "at most 3 items",
    );
    let mut body = good_response();
    body["tree"] =
        json!({ "name": "a", "children": [ { "name": "b", "children": [ { "name": 3 } ] } ] });
    assert_one(
        spec().check_response("/thing/get", 200, &body),
        "$.tree.children[0].children[0].name",
        "expected string",
    );
    // A schema that only refers to itself terminates and accepts.
    spec()
        .check_schema("Loop", &json!({ "anything": 1 }))
        .unwrap();
}

#[test]
fn one_of_reports_the_closest_alternative() {
    let mut body = good_response();
    body["either"] = json!("text");
    spec().check_response("/thing/get", 200, &body).unwrap();
    body["either"] = json!({ "value": 3 });
    spec().check_response("/thing/get", 200, &body).unwrap();
    body["either"] = json!({ "value": "3" });
    assert_one(
        spec().check_response("/thing/get", 200, &body),
        "$.either.value",
        "closest is #1",
    );
}

#[test]
fn errors_use_the_default_response_and_unknown_operations_fail() {
    let spec = spec();
    let error = json!({ "error_type": "INVALID_INPUT", "error_code": "INVALID_ACCESS_TOKEN", "error_message": "m", "display_message": null, "request_id": "r" });
    spec.check_response("/thing/get", 400, &error).unwrap();
    spec.check_schema("PlaidError", &error).unwrap();
    // An error body checked as an error: the success schema does not apply, PlaidError does.
    let err = spec
        .check_response("/thing/get", 500, &good_response())
        .unwrap_err();
    for field in [
        "$.error_type",
        "$.error_code",
        "$.error_message",
        "$.display_message",
    ] {
        assert!(err.has_path(field), "{field} not reported:\n{err}");
    }
    let err = spec.check_response("/nope", 200, &json!({})).unwrap_err();
    assert!(err.to_string().contains("no POST /nope operation"), "{err}");
    let err = spec.check_request("/nope", &json!({})).unwrap_err();
    assert!(err.to_string().contains("no POST /nope operation"), "{err}");
}

#[test]
fn from_value_refuses_non_openapi() {
    assert!(Spec::from_value(json!({ "paths": {} })).is_err());
    assert!(Spec::from_value(json!([])).is_err());
}

/// OpenAPI 3.1 documents (utoipa's, for `coffer-cli serve`): `type` lists with `"null"`,
/// operations other than POST, and bodiless responses.
#[test]
fn openapi_3_1_type_lists_methods_and_bodiless_responses() {
    let spec = Spec::from_value(json!({
        "openapi": "3.1.0",
        "paths": {
            "/things/{id}": {
                "get": { "responses": { "200": { "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/Thing" } } } } } },
                "delete": { "responses": { "204": { "description": "gone" } } }
            }
        },
        "components": { "schemas": { "Thing": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": { "type": "string" },
                "note": { "type": ["string", "null"] },
                "owner": { "oneOf": [{ "type": "null" }, { "type": "integer" }] }
            }
        } } }
    }))
    .expect("spec");
    let ok = json!({ "name": "a", "note": null, "owner": null });
    assert!(
        spec.check_response_of("get", "/things/{id}", 200, &ok)
            .is_ok()
    );
    assert!(
        spec.check_response_of(
            "GET",
            "/things/{id}",
            200,
            &json!({ "name": "a", "note": "n", "owner": 3 })
        )
        .is_ok()
    );
    assert_one(
        spec.check_response_of(
            "get",
            "/things/{id}",
            200,
            &json!({ "name": "a", "note": 5 }),
        ),
        "$.note",
        "expected string or null, got number",
    );
    assert!(
        spec.check_response_of(
            "get",
            "/things/{id}",
            200,
            &json!({ "name": "a", "owner": "x" })
        )
        .is_err()
    );
    assert!(
        spec.check_response_of("delete", "/things/{id}", 204, &Value::Null)
            .is_ok()
    );
    assert_one(
        spec.check_response_of("delete", "/things/{id}", 204, &json!({})),
        "$",
        "documents no body",
    );
    assert_one(
        spec.check_response_of("post", "/things/{id}", 200, &ok),
        "$",
        "no POST /things/{id} operation",
    );
    assert!(
        spec.check_response("/things/{id}", 200, &ok).is_err(),
        "check_response is POST"
    );
}
