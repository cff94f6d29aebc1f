//! Plaid-style request validation, credentials, headers and paths.

use crate::common::*;
use serde_json::json;

async fn raw(
    api: &Api,
    path: &str,
    content_type: Option<&str>,
    body: &str,
) -> (u16, serde_json::Value) {
    let mut req = api
        .http
        .post(format!("{}{path}", api.base))
        .header("PLAID-CLIENT-ID", CLIENT_ID)
        .header("PLAID-SECRET", SECRET);
    if let Some(ct) = content_type {
        req = req.header("Content-Type", ct);
    }
    let resp = req.body(body.to_string()).send().await.expect("request");
    let status = resp.status().as_u16();
    let body = resp.json().await.expect("json");
    check_spec(path, status, &body);
    (status, body)
}

#[tokio::test]
async fn every_validation_error_has_plaids_code_and_message() {
    let (sandbox, api) = start(manual_config(10)).await;
    let (access, _) = api.item("user_good").await;

    let (s, code, body) = api.err("/item/get", json!({})).await;
    assert_eq!((s, code.as_str()), (400, "MISSING_FIELDS"));
    assert_eq!(
        body["error_message"],
        "the following required fields are missing: access_token"
    );
    assert_eq!(body["error_type"], "INVALID_REQUEST");

    let (_, code, body) = api
        .err("/item/get", json!({"access_token": access, "x": 1}))
        .await;
    assert_eq!(code, "UNKNOWN_FIELDS");
    assert_eq!(
        body["error_message"],
        "the following fields are not recognized by this endpoint: x"
    );

    let (_, code, _) = api.err("/item/get", json!({"access_token": 12})).await;
    assert_eq!(code, "INVALID_FIELD");
    for count in [0, 501, -3] {
        let (_, code, body) = api
            .err(
                "/transactions/sync",
                json!({"access_token": access, "count": count}),
            )
            .await;
        assert_eq!(code, "INVALID_FIELD", "{count}");
        assert!(
            body["error_message"]
                .as_str()
                .unwrap_or_default()
                .contains("count")
        );
    }
    let (_, code, _) = api
        .err(
            "/transactions/sync",
            json!({"access_token": access, "count": "5"}),
        )
        .await;
    assert_eq!(code, "INVALID_FIELD");
    let (_, code, _) = api
        .err(
            "/transactions/sync",
            json!({"access_token": access, "cursor": "bm90LWEtY3Vyc29y"}),
        )
        .await;
    assert_eq!(code, "INVALID_FIELD");
    let (_, code, _) = api
        .err(
            "/sandbox/item/fire_webhook",
            json!({"access_token": access, "webhook_code": "NOPE"}),
        )
        .await;
    assert_eq!(code, "INVALID_FIELD");

    let mut lt = link_token_request();
    lt["products"] = json!(["transactions", "balance"]);
    let (_, code, _) = api.err("/link/token/create", lt).await;
    assert_eq!(code, "INVALID_PRODUCT");
    let mut lt = link_token_request();
    lt["language"] = json!("xx");
    assert_eq!(api.err("/link/token/create", lt).await.1, "INVALID_FIELD");
    let mut lt = link_token_request();
    lt.as_object_mut().map(|o| o.remove("user"));
    let (_, code, body) = api.err("/link/token/create", lt).await;
    assert_eq!(
        (code.as_str(), body["error_message"].as_str()),
        (
            "MISSING_FIELDS",
            Some("the following required fields are missing: user")
        )
    );
    let mut lt = link_token_request();
    lt.as_object_mut().map(|o| o.remove("products"));
    assert_eq!(api.err("/link/token/create", lt).await.1, "MISSING_FIELDS");
    let mut lt = link_token_request();
    lt["redirect_uri"] = json!("myapp://oauth");
    assert_eq!(api.err("/link/token/create", lt).await.1, "INVALID_FIELD");
    let mut lt = link_token_request();
    lt["user"] = json!({});
    let (_, code, body) = api.err("/link/token/create", lt).await;
    assert_eq!(
        (code.as_str(), body["error_message"].as_str()),
        (
            "MISSING_FIELDS",
            Some("the following required fields are missing: user.client_user_id")
        )
    );

    let (_, code, body) = api
        .err(
            "/item/get",
            json!({"access_token": concat!("access-", "sandbox-00000000-0000-0000-0000-000000000000")}),
        )
        .await;
    assert_eq!(
        (code.as_str(), body["error_message"].as_str()),
        (
            "INVALID_ACCESS_TOKEN",
            Some("could not find matching access token")
        )
    );
    assert_eq!(body["error_type"], "INVALID_INPUT");
    let (_, code, _) = api
        .err(
            "/link/token/get",
            json!({"link_token": "link-sandbox-nope"}),
        )
        .await;
    assert_eq!(code, "INVALID_LINK_TOKEN");
    let (_, code, _) = api.err("/sandbox/transactions/create", json!({"access_token": access, "transactions": [{"date_transacted": "2025-03-01", "date_posted": "2025-03-02", "amount": 1.5, "description": "x"}]})).await;
    assert_eq!(
        code, "INVALID_FIELD",
        "only user_transactions_dynamic Items"
    );

    // Headers, body, paths, methods.
    let (s, body) = raw(&api, "/item/get", None, "{}").await;
    assert_eq!(
        (s, body["error_code"].as_str()),
        (400, Some("INVALID_HEADERS"))
    );
    let (s, body) = raw(&api, "/item/get", Some("text/plain"), "{}").await;
    assert_eq!(
        (s, body["error_code"].as_str()),
        (400, Some("INVALID_BODY"))
    );
    let (s, body) = raw(&api, "/item/get", Some("application/json"), "{not json").await;
    assert_eq!(
        (s, body["error_code"].as_str()),
        (400, Some("INVALID_BODY"))
    );
    let (s, body) = raw(
        &api,
        "/item/get",
        Some("application/json; charset=utf-8"),
        "[1]",
    )
    .await;
    assert_eq!(
        (s, body["error_code"].as_str()),
        (400, Some("INVALID_BODY"))
    );
    let (s, body) = raw(&api, "/nope/get", Some("application/json"), "{}").await;
    assert_eq!(
        (s, body["error_code"].as_str(), body["error_type"].as_str()),
        (404, Some("NOT_FOUND"), Some("INVALID_REQUEST"))
    );
    let resp = api
        .http
        .get(format!("{}/item/get", api.base))
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status().as_u16(), 404);

    // Missing credentials.
    let resp = api
        .http
        .post(format!("{}/item/get", api.base))
        .json(&json!({"access_token": access}))
        .send()
        .await
        .expect("req");
    assert_eq!(resp.status().as_u16(), 400);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["error_code"], "MISSING_FIELDS");
    assert_eq!(
        body["error_message"],
        "the following required fields are missing: client_id, secret"
    );
    // Body credentials work too.
    let resp = api
        .http
        .post(format!("{}/item/get", api.base))
        .json(&json!({"access_token": access, "client_id": "a", "secret": "b"}))
        .send()
        .await
        .expect("req");
    assert_eq!(resp.status().as_u16(), 200);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn configured_keys_are_enforced() {
    let mut config = manual_config(10);
    config.credentials = Some((CLIENT_ID.into(), SECRET.into()));
    let (sandbox, api) = start(config).await;
    api.ok("/link/token/create", link_token_request()).await;
    let resp = api
        .http
        .post(format!("{}/link/token/create", api.base))
        .header("PLAID-CLIENT-ID", CLIENT_ID)
        .header("PLAID-SECRET", "wrong")
        .json(&link_token_request())
        .send()
        .await
        .expect("req");
    assert_eq!(resp.status().as_u16(), 400);
    let body: serde_json::Value = resp.json().await.expect("json");
    check_spec("/link/token/create", 400, &body);
    assert_eq!(body["error_code"], "INVALID_API_KEYS");
    assert_eq!(body["error_type"], "INVALID_INPUT");
    assert_eq!(
        body["error_message"],
        "invalid client_id or secret provided"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn non_loopback_bind_is_refused() {
    let err = coffer_sandbox::Sandbox::start("0.0.0.0:0".parse().expect("addr"), manual_config(1))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("loopback"), "{err}");
}
