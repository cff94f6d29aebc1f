//! /transactions/sync: pagination, pending→posted, dynamic Items, mutation during pagination,
//! a million-transaction Item, token expiry, persistence.

use std::collections::HashSet;
use std::time::Duration;

use crate::common::*;
use serde_json::{Value, json};

fn ids(txns: &[Value]) -> Vec<String> {
    txns.iter()
        .map(|t| t["transaction_id"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn ten_thousand_transactions_in_pages_of_500() {
    let (sandbox, api) = start(manual_config(10_000)).await;
    let (access, item_id) = api.item("user_good").await;
    let all = api.sync_all(&access, "", 500).await;
    assert_eq!(all.pages, 20);
    assert_eq!(
        all.statuses[0], "HISTORICAL_UPDATE_COMPLETE",
        "sandbox/public_token/create Items skip NOT_READY"
    );
    let seen = ids(&all.added);
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no duplicates");
    let truth = sandbox.transactions_of_item(&item_id);
    assert_eq!(truth.len(), 10_000);
    for t in &truth {
        assert!(unique.contains(&t["transaction_id"].as_str().unwrap_or_default().to_string()));
    }
    let dates: Vec<&str> = all
        .added
        .iter()
        .map(|t| t["date"].as_str().unwrap_or_default())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "ascending");
    assert!(all.added.iter().any(|t| t["pending"] == true));
    assert!(
        all.added
            .iter()
            .any(|t| t["amount"].as_f64().unwrap_or(0.0) < 0.0),
        "deposits are negative"
    );
    // Same seed, same data.
    let (sandbox2, api2) = start(manual_config(10_000)).await;
    let (access2, _) = api2.item("user_good").await;
    let first = api2
        .ok(
            "/transactions/sync",
            json!({"access_token": access2, "count": 3}),
        )
        .await;
    assert_eq!(
        first["added"].as_array().expect("added")[..],
        all.added[..3]
    );
    sandbox2.shutdown().await;
    sandbox.shutdown().await;
}

#[tokio::test]
async fn pending_transactions_post_later() {
    let (sandbox, api) = start(manual_config(2_000)).await;
    let (access, item_id) = api.item("user_good").await;
    let all = api.sync_all(&access, "", 500).await;
    let pending: Vec<String> = all
        .added
        .iter()
        .filter(|t| t["pending"] == true)
        .map(|t| t["transaction_id"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(!pending.is_empty());
    let nothing = api.sync_all(&access, &all.cursor, 100).await;
    assert!(nothing.added.is_empty() && nothing.removed.is_empty());

    sandbox.clock().advance(Duration::from_secs(3 * 24 * 3600));
    let later = api.sync_all(&access, &all.cursor, 100).await;
    let removed: HashSet<&String> = later.removed.iter().collect();
    for p in &pending {
        assert!(removed.contains(p), "pending {p} removed");
    }
    assert_eq!(later.added.len(), pending.len());
    for posted in &later.added {
        assert_eq!(posted["pending"], false);
        let replaced = posted["pending_transaction_id"]
            .as_str()
            .expect("pending_transaction_id")
            .to_string();
        assert!(pending.contains(&replaced));
    }
    let truth = sandbox.transactions_of_item(&item_id);
    assert_eq!(truth.len(), 2_000);
    assert!(truth.iter().all(|t| t["pending"] == false));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn dynamic_items_change_and_mutation_during_pagination_is_detected() {
    let (sandbox, api) = start(manual_config(1_000)).await;
    let (access, item_id) = api.item("user_transactions_dynamic").await;
    let first = api
        .ok(
            "/transactions/sync",
            json!({"access_token": access, "count": 100}),
        )
        .await;
    assert_eq!(first["has_more"], true);
    let restart_from = "";
    api.ok("/transactions/refresh", json!({"access_token": access}))
        .await;
    let (_, code, body) = api
        .err(
            "/transactions/sync",
            json!({"access_token": access, "cursor": first["next_cursor"], "count": 100}),
        )
        .await;
    assert_eq!(code, "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION");
    assert_eq!(body["error_type"], "TRANSACTIONS_ERROR");
    let all = api.sync_all(&access, restart_from, 500).await;
    let truth = sandbox.transactions_of_item(&item_id);
    let mut state: std::collections::HashMap<String, Value> = std::collections::HashMap::new();
    for t in all.added.iter().chain(all.modified.iter()) {
        state.insert(
            t["transaction_id"].as_str().unwrap_or_default().to_string(),
            t.clone(),
        );
    }
    for r in &all.removed {
        state.remove(r);
    }
    assert_eq!(state.len(), truth.len());
    for t in &truth {
        assert_eq!(
            state.get(t["transaction_id"].as_str().unwrap_or_default()),
            Some(t)
        );
    }

    // A refresh: pending ones post, new ones arrive, one is modified.
    api.ok("/transactions/refresh", json!({"access_token": access}))
        .await;
    let next = api.sync_all(&access, &all.cursor, 100).await;
    assert!(!next.added.is_empty());
    assert!(!next.removed.is_empty());
    assert_eq!(next.modified.len(), 1);
    assert!(
        next.added
            .iter()
            .any(|t| t["pending_transaction_id"].is_string())
    );

    let created = api
        .ok(
            "/sandbox/transactions/create",
            json!({"access_token": access, "transactions": [
                {"date_transacted": "2025-03-08", "date_posted": "2025-03-09", "amount": 12.34, "description": "Corner Bakery"},
                {"date_transacted": "2025-03-08", "date_posted": "2025-03-09", "amount": -500, "description": "Refund", "iso_currency_code": "USD"}
            ]}),
        )
        .await;
    assert!(created["request_id"].is_string());
    let custom = api.sync_all(&access, &next.cursor, 100).await;
    let names: Vec<&str> = custom
        .added
        .iter()
        .map(|t| t["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(names, ["Corner Bakery", "Refund"]);
    assert_eq!(custom.added[0]["amount"].as_f64(), Some(12.34));
    assert_eq!(custom.added[0]["date"], "2025-03-09");
    assert_eq!(custom.added[0]["authorized_date"], "2025-03-08");
    let (_, code, _) = api
        .err(
            "/sandbox/transactions/create",
            json!({"access_token": access, "transactions": []}),
        )
        .await;
    assert_eq!(code, "INVALID_FIELD");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_million_transaction_item_pages_cheaply() {
    let (sandbox, api) = start(manual_config(1_000_000)).await;
    let (access, _) = api.item("user_good").await;
    let first = api
        .ok(
            "/transactions/sync",
            json!({"access_token": access, "count": 500}),
        )
        .await;
    assert_eq!(first["added"].as_array().map(Vec::len), Some(500));
    assert_eq!(first["has_more"], true);
    let second = api
        .ok(
            "/transactions/sync",
            json!({"access_token": access, "count": 500, "cursor": first["next_cursor"]}),
        )
        .await;
    let a: HashSet<String> = ids(first["added"].as_array().expect("a"))
        .into_iter()
        .collect();
    assert!(
        ids(second["added"].as_array().expect("b"))
            .iter()
            .all(|id| !a.contains(id))
    );
    // A million transactions over the default 90 days requested.
    assert_eq!(first["added"][0]["date"], "2024-12-11");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn tokens_expire_on_the_manual_clock() {
    let (sandbox, api) = start(manual_config(10)).await;
    let clock = sandbox.clock();
    let pt = api
        .ok(
            "/sandbox/public_token/create",
            json!({"institution_id": "ins_109508", "initial_products": ["transactions"]}),
        )
        .await;
    clock.advance(Duration::from_secs(30 * 60 + 1));
    let (_, code, _) = api
        .err(
            "/item/public_token/exchange",
            json!({"public_token": pt["public_token"]}),
        )
        .await;
    assert_eq!(code, "INVALID_PUBLIC_TOKEN", "30 minutes");
    let pt = api
        .ok(
            "/sandbox/public_token/create",
            json!({"institution_id": "ins_109508", "initial_products": ["transactions"]}),
        )
        .await;
    clock.advance(Duration::from_secs(29 * 60));
    api.ok(
        "/item/public_token/exchange",
        json!({"public_token": pt["public_token"]}),
    )
    .await;

    let lt = api.ok("/link/token/create", link_token_request()).await;
    let token = lt["link_token"].as_str().expect("token").to_string();
    clock.advance(Duration::from_secs(3 * 3600 + 59 * 60));
    let (s, ok) = link_session(&api, &token, json!({})).await;
    assert_eq!(s, 200, "{ok}");
    clock.advance(Duration::from_secs(2 * 60));
    let (s, body) = link_session(&api, &token, json!({})).await;
    assert_eq!(
        (s, body["error_code"].as_str()),
        (400, Some("INVALID_LINK_TOKEN")),
        "4 hours"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!("coffer-sandbox-test-{}", uuid_like()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("state.json");
    let mut config = manual_config(500);
    config.state_path = Some(path.clone());
    let (sandbox, api) = start(config.clone()).await;
    let (access, item_id) = api.item("user_transactions_dynamic").await;
    let all = api.sync_all(&access, "", 500).await;
    api.ok("/transactions/refresh", json!({"access_token": access}))
        .await;
    let (removed_access, _) = api.item("user_good").await;
    api.ok("/item/remove", json!({"access_token": removed_access}))
        .await;
    let truth = sandbox.transactions_of_item(&item_id);
    sandbox.shutdown().await;
    let size = std::fs::metadata(&path).expect("state file").len();
    assert!(
        size < 200_000,
        "the base history is not stored ({size} bytes)"
    );

    let (sandbox, api) = start(config).await;
    assert_eq!(sandbox.transactions_of_item(&item_id), truth);
    let next = api.sync_all(&access, &all.cursor, 100).await;
    assert!(!next.added.is_empty(), "the change log survived");
    let (_, code, _) = api
        .err("/item/get", json!({"access_token": removed_access}))
        .await;
    assert_eq!(code, "ITEM_NOT_FOUND");
    sandbox.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

fn uuid_like() -> String {
    format!(
        "{}-{:?}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos()
    )
}
