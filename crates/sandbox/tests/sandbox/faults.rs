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
