//! Property test of the API's request parsing over real HTTP: random methods, routes, path
//! parameters, query strings, bodies and content types, with a valid token. Never a hang, never
//! a 5xx but the two the document promises for Plaid's refusals (502 `PLAID` with Plaid's
//! request id; monetr's 500 `failed to exchange token` / `failed to create link token`), and
//! every answer to a documented route is one the document describes.

use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::Method;
use serde_json::{Value, json};

use super::Home;
use super::serve::{Server, UNKNOWN_PUBLIC_TOKEN, answer};

/// The document's routes, with a concrete path for `{id}`.
const ROUTES: &[&str] = &[
    "/api/v1/banking/link-token",
    "/api/v1/banking/exchange",
    "/api/v1/banking/links",
    "/api/v1/banking/links/{id}",
    "/api/v1/banking/accounts",
    "/api/v1/banking/transactions",
    "/api/v1/banking/sync",
    "/api/v1/banking/transactions/{id}",
    "/api/v1/banking/transactions/edit",
    "/api/v1/banking/transactions/{id}/split",
    "/api/v1/banking/transfers",
    "/api/v1/banking/transfers/{id}",
    "/api/v1/banking/categories",
    "/api/v1/banking/categories/{name}",
    "/api/v1/banking/tags",
    "/api/v1/banking/rules",
    "/api/v1/banking/rules/{id}",
    "/api/v1/banking/rules/order",
    "/api/v1/banking/rules/preview",
    "/api/v1/banking/rules/apply",
    "/api/v1/banking/rules/export",
    "/api/v1/banking/rules/import",
    "/api/plaid/token/new",
    "/api/plaid/token/callback",
    "/api/openapi.json",
    "/api/v1/banking",
    "/",
];

const KEYS: &[&str] = &[
    "use_cache",
    "public_token",
    "publicToken",
    "institution_id",
    "institutionId",
    "institution_name",
    "account_ids",
    "accountIds",
    "link_id",
    "limit",
    "offset",
    "search",
    "from",
    "to",
    "keep_data",
    "category",
    "tag",
    "transfers",
    "name",
    "note",
    "exclude",
    "add_tags",
    "changes",
    "transaction_ids",
    "parts",
    "amount",
    "ids",
    "rule_id",
    "revision",
    "conditions",
    "actions",
    "field",
    "op",
    "value",
    "replace",
    "cofferRules",
    "rules",
    "x",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9_ -]{0,12}",
        Just(UNKNOWN_PUBLIC_TOKEN.to_string()),
        Just("2024-02-30".to_string()),
        Just("-1".to_string()),
        Just("99999999999999999999".to_string()),
        Just("true".to_string()),
        Just("ins_109508".to_string()),
        "\\PC{0,8}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..5).prop_map(|kv| {
                Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}

#[derive(Debug, Clone)]
enum Body {
    None,
    Json(Value),
    Raw(Vec<u8>, &'static str),
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        Just(Body::None),
        json_value().prop_map(Body::Json),
        (
            prop::collection::vec(any::<u8>(), 0..64),
            prop::sample::select(vec![
                "application/json",
                "text/plain",
                "application/problem+json",
                ""
            ]),
        )
            .prop_map(|(b, ct)| Body::Raw(b, ct)),
    ]
}

#[derive(Debug, Clone)]
struct Case {
    method: Method,
    route: &'static str,
    id: String,
    query: Vec<(&'static str, String)>,
    body: Body,
}

/// A body of the route's own shape, each field present or not, with fuzzed values (so that
/// requests get past the JSON parsing into the core's validation and on to Plaid).
fn shaped(route: &'static str) -> BoxedStrategy<Value> {
    let fields: &[(&str, u8)] = match route {
        "/api/v1/banking/exchange" => &[
            ("public_token", 4),
            ("institution_id", 0),
            ("institution_name", 0),
            ("account_ids", 1),
        ],
        "/api/plaid/token/callback" => &[
            ("publicToken", 4),
            ("institutionId", 0),
            ("institutionName", 0),
            ("accountIds", 1),
        ],
        "/api/v1/banking/link-token" => &[("use_cache", 2)],
        "/api/v1/banking/sync" => &[("link_id", 3)],
        _ => return json_value().boxed(),
    };
    let values: Vec<BoxedStrategy<Option<(String, Value)>>> = fields
        .iter()
        .map(|&(key, kind)| {
            let value = match kind {
                0 => text().prop_map(Value::String).boxed(),
                1 => prop::collection::vec(
                    prop_oneof!["[a-zA-Z0-9]{1,20}", text()].prop_map(Value::String),
                    0..3,
                )
                .prop_map(Value::Array)
                .boxed(),
                2 => any::<bool>().prop_map(Value::Bool).boxed(),
                4 => prop_oneof![
                    2 => "public-sandbox-[0-9a-f-]{8,36}".prop_map(Value::String),
                    1 => text().prop_map(Value::String),
                ]
                .boxed(),
                _ => prop_oneof![
                    any::<i64>().prop_map(|n| json!(n)),
                    (1i64..4).prop_map(|n| json!(n))
                ]
                .boxed(),
            };
            prop::option::weighted(
                0.85,
                prop_oneof![4 => value, 1 => json_value()].prop_map(move |v| (key.to_string(), v)),
            )
            .boxed()
        })
        .collect();
    values
        .prop_map(|kv| Value::Object(kv.into_iter().flatten().collect()))
        .boxed()
}

fn case() -> impl Strategy<Value = Case> {
    prop::sample::select(ROUTES).prop_flat_map(|route| {
        let documented = match route {
            "/api/v1/banking/links/{id}"
            | "/api/v1/banking/transfers/{id}"
            | "/api/v1/banking/categories/{name}" => Method::DELETE,
            "/api/v1/banking/transactions/{id}/split" | "/api/v1/banking/rules/{id}" => Method::PUT,
            "/api/v1/banking/links"
            | "/api/v1/banking/accounts"
            | "/api/v1/banking/transactions"
            | "/api/v1/banking/transactions/{id}"
            | "/api/v1/banking/tags"
            | "/api/v1/banking/rules/export"
            | "/api/plaid/token/new"
            | "/api/openapi.json" => Method::GET,
            _ => Method::POST,
        };
        (
            prop_oneof![
                3 => Just(documented),
                1 => prop::sample::select(vec![Method::GET, Method::POST, Method::DELETE, Method::PUT, Method::PATCH]),
            ],
            Just(route),
            prop_oneof![Just("1".to_string()), Just("-5".to_string()), text()],
            prop::collection::vec((prop::sample::select(KEYS), text()), 0..4),
            prop_oneof![2 => shaped(route).prop_map(Body::Json), 1 => body()],
        )
            .prop_map(|(method, route, id, query, body)| Case { method, route, id, query, body })
    })
}

fn allowed_5xx(status: u16, body: &Value) -> bool {
    match status {
        502 => body["code"] == "PLAID" && body["request_id"].is_string(),
        500 => {
            *body == json!({ "error": "failed to exchange token" })
                || *body == json!({ "error": "failed to create link token" })
        }
        _ => false,
    }
}

#[test]
fn fuzzed_requests_never_5xx_hang_or_break_the_document() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let home = Home::new();
    let server = rt.block_on(Server::start(&home, &[]));
    let cases: u32 = std::env::var("COFFER_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&case(), |c| {
        let path = c
            .route
            .replace("{id}", &urlencode(&c.id))
            .replace("{name}", &urlencode(&c.id));
        let mut url = url::Url::parse(&format!("{}{path}", server.url)).expect("url");
        if !c.query.is_empty() {
            let mut q = url.query_pairs_mut();
            for (k, v) in &c.query {
                q.append_pair(k, v);
            }
        }
        let mut req = server
            .http
            .request(c.method.clone(), url)
            .bearer_auth(&server.token)
            .timeout(Duration::from_secs(10));
        req = match &c.body {
            Body::None => req,
            Body::Json(v) => req.json(v),
            Body::Raw(bytes, "") => req.body(bytes.clone()),
            Body::Raw(bytes, ct) => req.header("content-type", *ct).body(bytes.clone()),
        };
        let a = rt.block_on(async {
            let r = req
                .send()
                .await
                .map_err(|e| TestCaseError::fail(format!("no answer (a hang?): {e}")))?;
            Ok::<_, TestCaseError>(answer(r).await)
        })?;
        prop_assert!(
            a.status < 500 || allowed_5xx(a.status, &a.body),
            "{} {path}: {} {}",
            c.method,
            a.status,
            a.body
        );
        let documented = server
            .doc
            .operation_of(c.method.as_str(), c.route)
            .is_some();
        if documented {
            if let Err(v) =
                server
                    .doc
                    .check_response_of(c.method.as_str(), c.route, a.status, &a.body)
            {
                return Err(TestCaseError::fail(format!(
                    "{} {path}: {v}\n{}",
                    c.method, a.body
                )));
            }
        } else if c.route != "/api/openapi.json" {
            prop_assert!(
                matches!(a.status, 404 | 405) && a.body["code"].is_string(),
                "{} {path}: an undocumented request gets a JSON 404/405: {} {}",
                c.method,
                a.status,
                a.body
            );
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
