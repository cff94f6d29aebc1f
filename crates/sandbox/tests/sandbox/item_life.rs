//! The life of an Item over raw HTTP: Link, exchange, data, NOT_READY, update mode, removal.

use crate::common::*;
use serde_json::{Value, json};

#[tokio::test]
async fn an_item_from_link_to_removal() {
    let (sandbox, api) = start(manual_config(300)).await;
    let health = api.http.get(sandbox.url()).send().await.expect("health");
    assert_eq!(health.status().as_u16(), 200);

    let lt = api.ok("/link/token/create", link_token_request()).await;
    let link_token = lt["link_token"].as_str().expect("token").to_string();
    assert!(link_token.starts_with("link-sandbox-") && link_token.len() == 13 + 36);
    assert_eq!(lt["expiration"], "2025-03-10T19:00:00Z", "4 hours");

    let (status, success) = link_session(&api, &link_token, json!({})).await;
    assert_eq!(status, 200, "{success}");
    let public_token = success["public_token"]
        .as_str()
        .expect("public token")
        .to_string();
    assert!(public_token.starts_with("public-sandbox-"));
    assert_eq!(
        success["metadata"]["institution"]["institution_id"],
        "ins_109508"
    );
    assert_eq!(
        success["metadata"]["accounts"].as_array().map(Vec::len),
        Some(12)
    );

    let got = api
        .ok("/link/token/get", json!({"link_token": link_token}))
        .await;
    let session = &got["link_sessions"][0];
    assert_eq!(
        session["results"]["item_add_results"][0]["public_token"],
        public_token.as_str()
    );
    assert_eq!(got["metadata"]["initial_products"], json!(["transactions"]));

    let ex = api
        .ok(
            "/item/public_token/exchange",
            json!({"public_token": public_token}),
        )
        .await;
    let access = ex["access_token"].as_str().expect("access").to_string();
    let item_id = ex["item_id"].as_str().expect("item").to_string();
    assert!(access.starts_with("access-sandbox-"));
    assert_eq!(item_id.len(), 37);
    let (_, code, _) = api
        .err(
            "/item/public_token/exchange",
            json!({"public_token": public_token}),
        )
        .await;
    assert_eq!(code, "INVALID_PUBLIC_TOKEN", "single use");

    let item = api.ok("/item/get", json!({"access_token": access})).await;
    assert_eq!(item["item"]["item_id"], item_id.as_str());
    assert_eq!(item["item"]["error"], Value::Null);
    assert_eq!(item["item"]["institution_id"], "ins_109508");

    let accounts = api
        .ok("/accounts/get", json!({"access_token": access}))
        .await;
    let accs = accounts["accounts"].as_array().expect("accounts");
    assert_eq!(accs.len(), 12);
    let by_mask = |m: &str| accs.iter().find(|a| a["mask"] == m).cloned().expect("mask");
    assert_eq!(
        by_mask("0000")["balances"],
        json!({"available": 100.0, "current": 110.0, "limit": null, "iso_currency_code": "USD", "unofficial_currency_code": null})
    );
    assert_eq!(
        by_mask("6666")["balances"]["current"].as_f64(),
        Some(23631.9805)
    );
    assert_eq!(by_mask("9999")["holder_category"], "business");
    assert_eq!(
        by_mask("3333")["official_name"],
        "Plaid Diamond 12.5% APR Interest Credit Card"
    );
    let checking = by_mask("0000")["account_id"]
        .as_str()
        .expect("id")
        .to_string();
    let one = api
        .ok(
            "/accounts/balance/get",
            json!({"access_token": access, "options": {"account_ids": [checking]}}),
        )
        .await;
    assert_eq!(one["accounts"].as_array().map(Vec::len), Some(1));
    let (_, code, _) = api
        .err(
            "/accounts/get",
            json!({"access_token": access, "options": {"account_ids": ["nope"]}}),
        )
        .await;
    assert_eq!(code, "INVALID_ACCOUNT_ID");

    // Link-made Items answer NOT_READY once, then data.
    let first = api
        .ok("/transactions/sync", json!({"access_token": access}))
        .await;
    assert_eq!(first["transactions_update_status"], "NOT_READY");
    assert_eq!(first["next_cursor"], "");
    assert_eq!(first["added"], json!([]));
    let all = api.sync_all(&access, "", 100).await;
    assert_eq!(
        all.statuses.first().map(String::as_str),
        Some("INITIAL_UPDATE_COMPLETE")
    );
    assert_eq!(all.added.len(), 300);
    let again = api
        .ok(
            "/transactions/sync",
            json!({"access_token": access, "cursor": all.cursor}),
        )
        .await;
    assert_eq!(
        again["transactions_update_status"],
        "HISTORICAL_UPDATE_COMPLETE"
    );
    assert_eq!(again["added"], json!([]));
    // Only depository/credit/student-loan accounts carry transactions; investments are omitted.
    let sync_accounts = again["accounts"].as_array().expect("accounts");
    assert!(
        sync_accounts
            .iter()
            .all(|a| a["type"] != "investment" && a["subtype"] != "mortgage")
    );
    assert_eq!(sync_accounts.len(), 9);

    let ins = api.ok("/institutions/get_by_id", json!({"institution_id": "ins_127287", "country_codes": ["US"], "options": {"include_status": true, "include_optional_metadata": true}})).await;
    assert_eq!(ins["institution"]["oauth"], true);
    assert_eq!(ins["institution"]["name"], "Platypus OAuth Bank");

    api.ok("/item/remove", json!({"access_token": access}))
        .await;
    for path in [
        "/item/get",
        "/accounts/get",
        "/transactions/sync",
        "/item/remove",
    ] {
        let (status, code, _) = api.err(path, json!({"access_token": access})).await;
        assert_eq!((status, code.as_str()), (400, "ITEM_NOT_FOUND"), "{path}");
    }
    assert!(sandbox.transactions_of_item(&item_id).is_empty());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn reset_login_then_update_mode_repairs_the_item() {
    let (sandbox, api) = start(manual_config(50)).await;
    let (access, _) = api.item("user_good").await;
    let reset = api
        .ok("/sandbox/item/reset_login", json!({"access_token": access}))
        .await;
    assert_eq!(reset["reset_login"], true);
    for path in [
        "/accounts/get",
        "/accounts/balance/get",
        "/transactions/sync",
        "/transactions/refresh",
    ] {
        let (status, code, body) = api.err(path, json!({"access_token": access})).await;
        assert_eq!(
            (status, code.as_str()),
            (400, "ITEM_LOGIN_REQUIRED"),
            "{path}"
        );
        assert_eq!(body["error_type"], "ITEM_ERROR");
    }
    let item = api.ok("/item/get", json!({"access_token": access})).await;
    assert_eq!(item["item"]["error"]["error_code"], "ITEM_LOGIN_REQUIRED");

    // Update mode: link token with access_token and no products, 30 minutes.
    let mut req = link_token_request();
    req.as_object_mut().map(|o| o.remove("products"));
    req["access_token"] = json!(access);
    let lt = api.ok("/link/token/create", req.clone()).await;
    assert_eq!(lt["expiration"], "2025-03-10T15:30:00Z");
    let token = lt["link_token"].as_str().expect("token").to_string();
    let mut with_products = req;
    with_products["products"] = json!(["transactions"]);
    let (_, code, _) = api.err("/link/token/create", with_products).await;
    assert_eq!(code, "INVALID_FIELD");

    // A wrong password in update mode exits with the error and leaves the Item broken.
    let (_, exit) = link_session(
        &api,
        &token,
        json!({"password": "error_INVALID_CREDENTIALS"}),
    )
    .await;
    assert_eq!(exit["error"]["error_code"], "INVALID_CREDENTIALS");
    assert_eq!(exit["metadata"]["status"], "requires_credentials");
    let (_, code, _) = api
        .err("/accounts/get", json!({"access_token": access}))
        .await;
    assert_eq!(code, "ITEM_LOGIN_REQUIRED");

    let (status, ok) = link_session(&api, &token, json!({})).await;
    assert_eq!(status, 200, "{ok}");
    assert!(ok["public_token"].is_string());
    api.ok("/accounts/get", json!({"access_token": access}))
        .await;
    let item = api.ok("/item/get", json!({"access_token": access})).await;
    assert_eq!(item["item"]["error"], Value::Null);
    let got = api
        .ok("/link/token/get", json!({"link_token": token}))
        .await;
    assert_eq!(got["link_sessions"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        got["link_sessions"][0]["exit"]["error"]["error_code"],
        "INVALID_CREDENTIALS"
    );

    // Sandbox Items need a new login after 30 days.
    sandbox
        .clock()
        .advance(std::time::Duration::from_secs(31 * 24 * 3600));
    let (_, code, _) = api
        .err("/accounts/get", json!({"access_token": access}))
        .await;
    assert_eq!(code, "ITEM_LOGIN_REQUIRED");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn sandbox_public_token_create_honours_credentials_and_institutions() {
    let (sandbox, api) = start(manual_config(20)).await;
    let create = |ins: &str, user: &str, pass: &str| {
        json!({"institution_id": ins, "initial_products": ["transactions"],
               "options": {"override_username": user, "override_password": pass}})
    };
    for (pass, code, ty) in [
        ("error_ITEM_LOCKED", "ITEM_LOCKED", "ITEM_ERROR"),
        (
            "error_INVALID_CREDENTIALS",
            "INVALID_CREDENTIALS",
            "ITEM_ERROR",
        ),
        (
            "error_INSTITUTION_DOWN",
            "INSTITUTION_DOWN",
            "INSTITUTION_ERROR",
        ),
        ("wrong", "INVALID_CREDENTIALS", "ITEM_ERROR"),
    ] {
        let (status, got, body) = api
            .err(
                "/sandbox/public_token/create",
                create("ins_109508", "user_good", pass),
            )
            .await;
        assert_eq!(
            (status, got.as_str(), body["error_type"].as_str()),
            (400, code, Some(ty)),
            "{pass}"
        );
    }
    let (_, code, body) = api
        .err(
            "/sandbox/public_token/create",
            create("ins_132361", "user_good", "pass_good"),
        )
        .await;
    assert_eq!(code, "INSTITUTION_DOWN");
    assert!(body["display_message"].is_string());
    let (_, code, _) = api
        .err(
            "/sandbox/public_token/create",
            create("ins_nope", "user_good", "pass_good"),
        )
        .await;
    assert_eq!(code, "INVALID_INSTITUTION");
    let (_, code, _) = api
        .err(
            "/sandbox/public_token/create",
            json!({"institution_id": "ins_133502", "initial_products": ["transactions"]}),
        )
        .await;
    assert_eq!(code, "INVALID_PRODUCT");
    let (_, code, _) = api
        .err(
            "/sandbox/public_token/create",
            json!({"institution_id": "ins_109508", "initial_products": ["balance"]}),
        )
        .await;
    assert_eq!(code, "INVALID_PRODUCT");
    // Degraded institution works; OAuth institution works.
    api.ok(
        "/sandbox/public_token/create",
        create("ins_132363", "user_good", "pass_good"),
    )
    .await;
    api.ok(
        "/sandbox/public_token/create",
        create("ins_127287", "user_good", "pass_good"),
    )
    .await;
    // Link exits with the forced error, recorded for /link/token/get.
    let lt = api.ok("/link/token/create", link_token_request()).await;
    let token = lt["link_token"].as_str().expect("token");
    let (_, exit) = link_session(&api, token, json!({"password": "error_ITEM_LOCKED"})).await;
    assert_eq!(exit["error"]["error_code"], "ITEM_LOCKED");
    let (_, exit) = link_session(&api, token, json!({"status": "exit"})).await;
    assert_eq!(exit["error"], Value::Null);
    let got = api
        .ok("/link/token/get", json!({"link_token": token}))
        .await;
    assert_eq!(
        got["link_sessions"].as_array().map(Vec::len),
        Some(2),
        "link tokens are reusable in Sandbox"
    );
    // Fire webhook needs a webhook on the Item.
    let (access, _) = api.item("user_good").await;
    let (_, code, _) = api
        .err(
            "/sandbox/item/fire_webhook",
            json!({"access_token": access, "webhook_code": "SYNC_UPDATES_AVAILABLE"}),
        )
        .await;
    assert_eq!(code, "SANDBOX_WEBHOOK_INVALID");
    let pt = api
        .ok("/sandbox/public_token/create", json!({"institution_id": "ins_109508", "initial_products": ["transactions"], "options": {"webhook": "https://example.com/hook"}}))
        .await;
    let ex = api
        .ok(
            "/item/public_token/exchange",
            json!({"public_token": pt["public_token"]}),
        )
        .await;
    let fired = api
        .ok(
            "/sandbox/item/fire_webhook",
            json!({"access_token": ex["access_token"], "webhook_code": "SYNC_UPDATES_AVAILABLE"}),
        )
        .await;
    assert_eq!(fired["webhook_fired"], true);
    let item = api
        .ok("/item/get", json!({"access_token": ex["access_token"]}))
        .await;
    assert_eq!(
        item["status"]["last_webhook"]["code_sent"],
        "SYNC_UPDATES_AVAILABLE"
    );
    sandbox.shutdown().await;
}
