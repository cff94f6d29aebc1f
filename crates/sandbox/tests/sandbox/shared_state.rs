//! Several sandboxes (several processes' embedded servers) over one state file: one Plaid.

use serde_json::json;

use crate::common::{manual_config, start};

fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandboxes_on_one_state_file_are_one_plaid() {
    let dir = scratch();
    let path = dir.path().join("sandbox.json");
    let mut config = manual_config(40);
    config.state_path = Some(path.clone());
    let (a, api_a) = start(config.clone()).await;
    let (b, api_b) = start(config.clone()).await;

    // Items made through either server at the same time: none is lost when the other saves.
    let mut made = Vec::new();
    for _ in 0..6 {
        let (x, y) = tokio::join!(api_a.item("user_good"), api_b.item("user_good"));
        made.push(x);
        made.push(y);
    }
    for (access, item_id) in &made {
        // Each Item is known to both servers, through the access token either one issued.
        for api in [&api_a, &api_b] {
            let item = api.ok("/item/get", json!({"access_token": access})).await;
            assert_eq!(item["item"]["item_id"], json!(item_id));
        }
    }
    assert_eq!(a.live_item_ids().len(), 12);
    assert_eq!(b.live_item_ids().len(), 12);

    // A change through one is seen by the other at its next request.
    let (access, _) = &made[0];
    api_a
        .ok("/sandbox/item/reset_login", json!({"access_token": access}))
        .await;
    let (_, code, _) = api_b
        .err("/accounts/get", json!({"access_token": access}))
        .await;
    assert_eq!(code, "ITEM_LOGIN_REQUIRED");
    api_b
        .ok("/item/remove", json!({"access_token": made[1].0}))
        .await;
    let (_, code, _) = api_a
        .err("/item/get", json!({"access_token": made[1].0}))
        .await;
    assert_eq!(code, "ITEM_NOT_FOUND");

    // A public token is single use across servers.
    let pt = api_a
        .ok(
            "/sandbox/public_token/create",
            json!({"institution_id": "ins_109508", "initial_products": ["transactions"]}),
        )
        .await;
    api_b
        .ok(
            "/item/public_token/exchange",
            json!({"public_token": pt["public_token"]}),
        )
        .await;
    let (_, code, _) = api_a
        .err(
            "/item/public_token/exchange",
            json!({"public_token": pt["public_token"]}),
        )
        .await;
    assert_eq!(code, "INVALID_PUBLIC_TOKEN");

    // A third server started later sees everything; one stopping loses nothing.
    a.shutdown().await;
    let (c, api_c) = start(config).await;
    assert_eq!(c.live_item_ids().len(), 12);
    api_c
        .ok("/item/get", json!({"access_token": made[11].0}))
        .await;

    // No token rests in the file: only hashes.
    let bytes = std::fs::read_to_string(&path).expect("state file");
    for (access, _) in &made {
        assert!(
            !bytes.contains(access.as_str()),
            "an access token is in the state file"
        );
    }
    assert!(!bytes.contains(pt["public_token"].as_str().expect("pt")));
    assert!(
        !bytes.contains("access-sandbox-"),
        "no access token of any kind"
    );
    b.shutdown().await;
    c.shutdown().await;
}

/// A state file written before tokens were hashed keeps working, and is rewritten hashed.
#[tokio::test]
async fn a_state_file_with_plain_tokens_is_upgraded() {
    let dir = scratch();
    let path = dir.path().join("sandbox.json");
    let mut config = manual_config(40);
    config.state_path = Some(path.clone());
    let (sb, api) = start(config.clone()).await;
    let (access, item_id) = api.item("user_good").await;
    sb.shutdown().await;

    // Rewrite the file as version 0 wrote it: the access token itself as the key.
    let mut old: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
    old.as_object_mut().expect("object").remove("version");
    old["access_tokens"] = json!({ access.clone(): item_id.clone() });
    std::fs::write(&path, old.to_string()).expect("write");
    std::fs::write(dir.path().join("sandbox.json.lock"), "").expect("reset the generation");

    let (sb, api) = start(config).await;
    let item = api.ok("/item/get", json!({"access_token": access})).await;
    assert_eq!(item["item"]["item_id"], json!(item_id));
    api.ok("/sandbox/item/reset_login", json!({"access_token": access}))
        .await;
    let bytes = std::fs::read_to_string(&path).expect("state file");
    assert!(
        !bytes.contains(access.as_str()),
        "rewritten with the hash only"
    );
    sb.shutdown().await;
}
