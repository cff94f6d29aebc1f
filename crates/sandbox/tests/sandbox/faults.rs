//! Fault injection: after/times, statuses and types, delay, dropped connections.

use std::time::{Duration, Instant};

use crate::common::*;
use serde_json::json;

async fn add_fault(api: &Api, fault: serde_json::Value) {
    let resp = api
        .http
        .post(format!("{}/_faults", api.base))
        .json(&fault)
        .send()
        .await
        .expect("fault");
    assert_eq!(resp.status().as_u16(), 200, "{:?}", resp.text().await);
}

#[tokio::test]
async fn faults_fire_after_n_requests_for_m_times() {
    let (sandbox, api) = start(manual_config(10)).await;
    let (access, _) = api.item("user_good").await;
    add_fault(&api, json!({"path": "/accounts/get", "error_code": "INTERNAL_SERVER_ERROR", "after": 2, "times": 2})).await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(
            api.post("/accounts/get", json!({"access_token": access}))
                .await
                .0,
        );
    }
    assert_eq!(statuses, [200, 200, 500, 500, 200, 200]);

    for (code, status, ty) in [
        ("TRANSACTIONS_SYNC_LIMIT", 429, "RATE_LIMIT_EXCEEDED"),
        ("PLANNED_MAINTENANCE", 503, "API_ERROR"),
        ("INSTITUTION_DOWN", 400, "INSTITUTION_ERROR"),
        ("ITEM_LOGIN_REQUIRED", 400, "ITEM_ERROR"),
        (
            "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION",
            400,
            "TRANSACTIONS_ERROR",
        ),
    ] {
        add_fault(
            &api,
            json!({"path": "/transactions/sync", "error_code": code, "times": 1}),
        )
        .await;
        let (s, got, body) = api
            .err("/transactions/sync", json!({"access_token": access}))
            .await;
        assert_eq!(
            (s, got.as_str(), body["error_type"].as_str()),
            (status, code, Some(ty))
        );
    }
    api.ok("/transactions/sync", json!({"access_token": access}))
        .await;

    add_fault(
        &api,
        json!({"path": "/item/get", "error_code": "RATE_LIMIT"}),
    )
    .await;
    for _ in 0..3 {
        assert_eq!(
            api.post("/item/get", json!({"access_token": access}))
                .await
                .0,
            429,
            "forever without times"
        );
    }
    let resp = api
        .http
        .delete(format!("{}/_faults", api.base))
        .send()
        .await
        .expect("delete");
    assert_eq!(resp.status().as_u16(), 200);
    api.ok("/item/get", json!({"access_token": access})).await;
    sandbox.shutdown().await;
}

#[tokio::test]
async fn delay_and_dropped_connection() {
    let (sandbox, api) = start(manual_config(10)).await;
    let (access, _) = api.item("user_good").await;
    add_fault(
        &api,
        json!({"path": "/accounts/balance/get", "delay_ms": 300, "times": 1}),
    )
    .await;
    let t = Instant::now();
    api.ok("/accounts/balance/get", json!({"access_token": access}))
        .await;
    assert!(t.elapsed() >= Duration::from_millis(300));

    add_fault(
        &api,
        json!({"path": "/item/get", "drop_connection": true, "times": 1}),
    )
    .await;
    let result = api
        .http
        .post(format!("{}/item/get", api.base))
        .header("PLAID-CLIENT-ID", CLIENT_ID)
        .header("PLAID-SECRET", SECRET)
        .json(&json!({"access_token": access}))
        .send()
        .await;
    let err = result.expect_err("the connection is closed without a response");
    assert!(!err.is_status() && !err.is_timeout(), "{err}");
    api.ok("/item/get", json!({"access_token": access})).await;

    let resp = api
        .http
        .post(format!("{}/_faults", api.base))
        .json(&json!({"path": "/item/get"}))
        .send()
        .await
        .expect("req");
    assert_eq!(
        resp.status().as_u16(),
        400,
        "a fault that does nothing is refused"
    );
    sandbox.shutdown().await;
}

/// What a web page could send to the embedded sandbox: a "simple" cross-origin POST (no
/// preflight: text/plain or a form) or, through DNS rebinding, a request whose Host is the
/// page's own name. Neither may change the offline Plaid.
#[tokio::test]
async fn control_routes_want_json_and_a_loopback_host() {
    let (_sandbox, api) = start(manual_config(10)).await;
    let fault = json!({"path": "/accounts/get", "error_code": "INTERNAL_SERVER_ERROR"}).to_string();
    let faults = format!("{}/_faults", api.base);
    let listed = || async {
        let v: serde_json::Value = api
            .http
            .get(&faults)
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("json");
        v["faults"].as_array().expect("faults").len()
    };
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let r = api
            .http
            .post(&faults)
            .header("content-type", content_type)
            .body(fault.clone())
            .send()
            .await
            .expect("post");
        assert_eq!(r.status().as_u16(), 415, "{content_type}");
    }
    let r = api
        .http
        .post(&faults)
        .body(fault.clone())
        .send()
        .await
        .expect("post");
    assert_eq!(r.status().as_u16(), 415, "no content type");
    for host in ["evil.example", "rebind.evil.example:8080", "192.168.1.2"] {
        for request in [
            api.http
                .post(&faults)
                .header("content-type", "application/json")
                .body(fault.clone()),
            api.http.delete(&faults),
            api.http
                .post(format!("{}/_link/sessions", api.base))
                .header("content-type", "application/json")
                .body(r#"{"link_token":"link-sandbox-x"}"#),
        ] {
            let r = request.header("host", host).send().await.expect("send");
            assert_eq!(r.status().as_u16(), 403, "Host {host}");
        }
    }
    assert_eq!(listed().await, 0, "a refused request added a fault");
    // The app's own requests: JSON to a loopback Host.
    add_fault(&api, serde_json::from_str(&fault).expect("fault")).await;
    assert_eq!(listed().await, 1);
}
