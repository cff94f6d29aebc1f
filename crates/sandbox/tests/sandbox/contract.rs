//! Contract test: every answer of coffer-sandbox matches Plaid's official OpenAPI spec, strictly
//! as of the current API version (`Spec::current`, what Plaid's newest client reads) and by the
//! rules of the official copy too (what older clients read).
//!
//! One sandbox (`record_exchanges: true`) is driven over HTTP with raw reqwest through the whole
//! life of Items (success paths) and through every error the app must handle. Then EVERY
//! recorded exchange is checked: its response against the operation's response schema (errors
//! against `PlaidError`), strictly (no keys the spec does not declare), and the request against
//! the request schema when this test meant it to be well-formed. Nothing is skipped silently:
//! each exchange is either checked or skipped for a stated reason (a test-control path such as
//! `/_faults`), and the recorded exchanges must be exactly the Plaid calls the test made.

use std::collections::BTreeSet;
use std::net::SocketAddr;

use coffer_sandbox::{Sandbox, SandboxConfig};
use coffer_spec::Spec;
use serde_json::{Value, json};

const CLIENT_ID: &str = "coffer-contract-client";
const SECRET: &str = "coffer-contract-secret";
const INSTITUTION: &str = "ins_109508";

use coffer_spec::COFFER_ENDPOINTS as OUR_PATHS;

#[derive(Debug, Clone, PartialEq)]
enum Intent {
    /// A body the spec allows: the request is checked too.
    WellFormed,
    /// Deliberately broken by this test (the reason says how): only the response is checked.
    Malformed(&'static str),
}

#[derive(Debug)]
struct Call {
    path: String,
    body: Value,
    intent: Intent,
    status: u16,
    response: Value,
}

/// Drives the sandbox and remembers every Plaid call it made (control calls are not kept).
struct Driver {
    http: reqwest::Client,
    base: String,
    calls: Vec<Call>,
}

impl Driver {
    fn new(base: String) -> Self {
        Driver {
            http: reqwest::Client::new(),
            base,
            calls: Vec::new(),
        }
    }

    async fn send(
        &mut self,
        path: &str,
        body: Value,
        intent: Intent,
        keys: Option<(&str, &str)>,
    ) -> (u16, Value) {
        let mut request = self.http.post(format!("{}{path}", self.base)).json(&body);
        if let Some((id, secret)) = keys {
            request = request
                .header("PLAID-CLIENT-ID", id)
                .header("PLAID-SECRET", secret);
        }
        request = request.header("Plaid-Version", "2020-09-14");
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        let status = response.status().as_u16();
        let text = response
            .text()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: body: {e}"));
        let value: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("POST {path} -> {status}: body is not JSON ({e}): {text}"));
        self.calls.push(Call {
            path: path.to_owned(),
            body,
            intent,
            status,
            response: value.clone(),
        });
        (status, value)
    }

    /// A well-formed call that must succeed; returns the body.
    async fn ok(&mut self, path: &str, body: Value) -> Value {
        let (status, value) = self
            .send(path, body, Intent::WellFormed, Some((CLIENT_ID, SECRET)))
            .await;
        assert_eq!(status, 200, "POST {path} should succeed: {value}");
        value
    }

    /// A call that must fail with `status` and Plaid `error_code`; returns the error body.
    async fn fails(
        &mut self,
        path: &str,
        body: Value,
        intent: Intent,
        status: u16,
        code: &str,
    ) -> Value {
        self.fails_with_keys(path, body, intent, Some((CLIENT_ID, SECRET)), status, code)
            .await
    }

    async fn fails_with_keys(
        &mut self,
        path: &str,
        body: Value,
        intent: Intent,
        keys: Option<(&str, &str)>,
        status: u16,
        code: &str,
    ) -> Value {
        let (got, value) = self.send(path, body, intent, keys).await;
        assert_eq!(
            (got, value["error_code"].as_str()),
            (status, Some(code)),
            "POST {path} should fail with {status} {code}: {value}"
        );
        value
    }

    /// A test-control call (`/_faults`, `/_link/sessions`): not Plaid, not recorded here.
    async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert!(status.is_success(), "{path} -> {status}: {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    async fn fault(&self, fault: Value) {
        self.control(reqwest::Method::POST, "/_faults", Some(fault))
            .await;
    }

    async fn clear_faults(&self) {
        self.control(reqwest::Method::DELETE, "/_faults", None)
            .await;
    }

    /// Finishes Link for `link_token` like a user would (the Link stand-in).
    async fn link_session(&self, link_token: &str, password: &str, status: &str) -> Value {
        self.control(
            reqwest::Method::POST,
            "/_link/sessions",
            Some(json!({
                "link_token": link_token,
                "institution_id": INSTITUTION,
                "username": "user_good",
                "password": password,
                "status": status,
            })),
        )
        .await
    }

    /// A new Item through `/sandbox/public_token/create` + exchange: `(access_token, item_id)`.
    async fn new_item(&mut self, options: Value) -> (String, String) {
        let mut body =
            json!({ "institution_id": INSTITUTION, "initial_products": ["transactions"] });
        if !options.is_null() {
            body["options"] = options;
        }
        let created = self.ok("/sandbox/public_token/create", body).await;
        let public_token = created["public_token"]
            .as_str()
            .expect("public_token")
            .to_owned();
        let exchanged = self
            .ok(
                "/item/public_token/exchange",
                json!({ "public_token": public_token }),
            )
            .await;
        (
            exchanged["access_token"]
                .as_str()
                .expect("access_token")
                .to_owned(),
            exchanged["item_id"].as_str().expect("item_id").to_owned(),
        )
    }

    fn link_token_body(&self) -> Value {
        json!({
            "client_name": "Coffer",
            "language": "en",
            "country_codes": ["US"],
            "user": { "client_user_id": "coffer-user-1" },
            "products": ["transactions"],
        })
    }

    /// Syncs until `has_more` is false; returns the pages.
    async fn sync_all(&mut self, access_token: &str, mut cursor: String, count: u32) -> Vec<Value> {
        let mut pages = Vec::new();
        loop {
            let mut body = json!({ "access_token": access_token, "count": count });
            if !cursor.is_empty() {
                body["cursor"] = json!(cursor);
            }
            let page = self.ok("/transactions/sync", body).await;
            cursor = page["next_cursor"]
                .as_str()
                .expect("next_cursor")
                .to_owned();
            let more = page["has_more"].as_bool().expect("has_more");
            pages.push(page);
            if !more {
                return pages;
            }
            assert!(pages.len() < 100, "sync never ends");
        }
    }
}

async fn start(credentials: Option<(String, String)>) -> Sandbox {
    let bind: SocketAddr = "127.0.0.1:0".parse().expect("address");
    let config = SandboxConfig {
        credentials,
        history: 240,
        record_exchanges: true,
        ..SandboxConfig::default()
    };
    Sandbox::start(bind, config).await.expect("sandbox starts")
}

/// The success paths through the whole life of Items.
async fn drive_success_paths(d: &mut Driver) {
    // An Item made without Link; accounts, balances, full sync with small pages.
    let (access, item_id) = d.new_item(Value::Null).await;
    let accounts = d
        .ok("/accounts/get", json!({ "access_token": access }))
        .await;
    let ids: Vec<String> = accounts["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| a["account_id"].as_str().expect("account_id").to_owned())
        .collect();
    assert!(!ids.is_empty(), "a user_good Item has accounts");
    assert_eq!(accounts["item"]["item_id"], json!(item_id));
    let one = d
        .ok(
            "/accounts/get",
            json!({ "access_token": access, "options": { "account_ids": [ids[0]] } }),
        )
        .await;
    assert_eq!(one["accounts"].as_array().map(Vec::len), Some(1));
    d.ok("/accounts/balance/get", json!({ "access_token": access }))
        .await;
    d.ok(
        "/accounts/balance/get",
        json!({ "access_token": access, "options": { "account_ids": [ids[0]] } }),
    )
    .await;
    let pages = d.sync_all(&access, String::new(), 100).await;
    assert!(
        pages.len() >= 2,
        "240 transactions in pages of 100 need several pages"
    );
    let added: usize = pages
        .iter()
        .map(|p| p["added"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(added > 0, "the first full sync adds transactions");
    let cursor = pages
        .last()
        .and_then(|p| p["next_cursor"].as_str())
        .unwrap_or_default()
        .to_owned();
    // Options the app may send, and a sync with nothing new.
    d.ok(
        "/transactions/sync",
        json!({ "access_token": access, "cursor": cursor, "count": 500,
                "options": { "include_original_description": true } }),
    )
    .await;
    d.ok("/item/get", json!({ "access_token": access })).await;
    d.ok(
        "/institutions/get_by_id",
        json!({ "institution_id": INSTITUTION, "country_codes": ["US"] }),
    )
    .await;
    d.ok(
        "/institutions/get_by_id",
        json!({ "institution_id": INSTITUTION, "country_codes": ["US"],
                "options": { "include_optional_metadata": true, "include_status": true } }),
    )
    .await;
    d.ok("/transactions/refresh", json!({ "access_token": access }))
        .await;

    // Credentials in the body instead of headers (the spec allows both).
    let (status, value) = d
        .send(
            "/item/get",
            json!({ "client_id": CLIENT_ID, "secret": SECRET, "access_token": access }),
            Intent::WellFormed,
            None,
        )
        .await;
    assert_eq!(status, 200, "credentials in the body: {value}");

    // A dynamic Item with a webhook: sandbox transactions, webhooks.
    let (dynamic, _) = d
        .new_item(json!({
            "override_username": "user_transactions_dynamic",
            "override_password": "pass_good",
            "webhook": "https://coffer.invalid/webhook",
        }))
        .await;
    let first = d.sync_all(&dynamic, String::new(), 500).await;
    let dynamic_cursor = first
        .last()
        .and_then(|p| p["next_cursor"].as_str())
        .unwrap_or_default()
        .to_owned();
    d.ok(
        "/sandbox/transactions/create",
        json!({ "access_token": dynamic, "transactions": [
            { "date_transacted": "2024-05-01", "date_posted": "2024-05-02", "amount": 12.34,
              "description": "Coffer contract coffee", "iso_currency_code": "USD" },
            { "date_transacted": "2024-05-03", "date_posted": "2024-05-03", "amount": -100,
              "description": "Coffer contract refund" }
        ] }),
    )
    .await;
    let after = d.sync_all(&dynamic, dynamic_cursor, 100).await;
    let descriptions: Vec<&str> = after
        .iter()
        .flat_map(|p| p["added"].as_array().into_iter().flatten())
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert!(
        descriptions.contains(&"Coffer contract coffee"),
        "sandbox-created transactions show up in the next sync: {descriptions:?}"
    );
    // Refreshes of a dynamic Item add a pending transaction and modify one; the next refresh
    // posts the pending one: `modified` and `removed` entries in the following syncs.
    let mut cursor_now = after
        .last()
        .and_then(|p| p["next_cursor"].as_str())
        .unwrap_or_default()
        .to_owned();
    for _ in 0..2 {
        d.ok("/transactions/refresh", json!({ "access_token": dynamic }))
            .await;
        let pages = d.sync_all(&dynamic, cursor_now, 100).await;
        cursor_now = pages
            .last()
            .and_then(|p| p["next_cursor"].as_str())
            .unwrap_or_default()
            .to_owned();
    }
    d.ok(
        "/sandbox/item/fire_webhook",
        json!({ "access_token": dynamic, "webhook_code": "SYNC_UPDATES_AVAILABLE", "webhook_type": "TRANSACTIONS" }),
    )
    .await;
    d.ok(
        "/sandbox/item/fire_webhook",
        json!({ "access_token": dynamic, "webhook_code": "DEFAULT_UPDATE" }),
    )
    .await;
    // `/item/get` now reports the last webhook and the last successful update.
    let status = d.ok("/item/get", json!({ "access_token": dynamic })).await;
    assert!(
        status["status"].is_object(),
        "item status after a webhook: {status}"
    );

    // Link: a token, a finished session, NOT_READY, then data.
    let link = d.ok("/link/token/create", d.link_token_body()).await;
    let link_token = link["link_token"].as_str().expect("link_token").to_owned();
    let success = d.link_session(&link_token, "pass_good", "success").await;
    let public_token = success["public_token"]
        .as_str()
        .expect("onSuccess public_token")
        .to_owned();
    let got = d
        .ok("/link/token/get", json!({ "link_token": link_token }))
        .await;
    assert!(
        got["link_sessions"]
            .as_array()
            .is_some_and(|s| !s.is_empty()),
        "/link/token/get shows the finished session: {got}"
    );
    let exchanged = d
        .ok(
            "/item/public_token/exchange",
            json!({ "public_token": public_token }),
        )
        .await;
    // A public token is single-use.
    d.fails(
        "/item/public_token/exchange",
        json!({ "public_token": public_token }),
        Intent::WellFormed,
        400,
        "INVALID_PUBLIC_TOKEN",
    )
    .await;
    let linked = exchanged["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned();
    let not_ready = d
        .ok("/transactions/sync", json!({ "access_token": linked }))
        .await;
    assert_eq!(
        not_ready["transactions_update_status"],
        json!("NOT_READY"),
        "{not_ready}"
    );
    assert_eq!(not_ready["next_cursor"], json!(""));
    d.sync_all(&linked, String::new(), 250).await;

    // Hosted Link, with a completion redirect.
    let mut hosted = d.link_token_body();
    hosted["hosted_link"] = json!({ "completion_redirect_uri": "coffer://link-complete", "url_lifetime_seconds": 1800 });
    let hosted = d.ok("/link/token/create", hosted).await;
    assert!(
        hosted["hosted_link_url"].is_string(),
        "hosted_link_url when hosted_link is sent: {hosted}"
    );
    let hosted_token = hosted["link_token"]
        .as_str()
        .expect("link_token")
        .to_owned();
    d.ok("/link/token/get", json!({ "link_token": hosted_token }))
        .await; // no session yet
    d.link_session(&hosted_token, "pass_good", "exit").await;
    d.ok("/link/token/get", json!({ "link_token": hosted_token }))
        .await; // an exit session

    // A Link session that fails with a forced error.
    let failing = d.ok("/link/token/create", d.link_token_body()).await;
    let failing_token = failing["link_token"]
        .as_str()
        .expect("link_token")
        .to_owned();
    let exit = d
        .link_session(&failing_token, "error_INVALID_CREDENTIALS", "success")
        .await;
    assert_eq!(
        exit["error"]["error_code"],
        json!("INVALID_CREDENTIALS"),
        "{exit}"
    );
    d.ok("/link/token/get", json!({ "link_token": failing_token }))
        .await;

    // Login required, visible in item.error, then repaired through update mode.
    let reset = d
        .ok(
            "/sandbox/item/reset_login",
            json!({ "access_token": access }),
        )
        .await;
    assert_eq!(reset["reset_login"], json!(true));
    let item = d.ok("/item/get", json!({ "access_token": access })).await;
    assert_eq!(
        item["item"]["error"]["error_code"],
        json!("ITEM_LOGIN_REQUIRED"),
        "{item}"
    );
    d.fails(
        "/accounts/get",
        json!({ "access_token": access }),
        Intent::WellFormed,
        400,
        "ITEM_LOGIN_REQUIRED",
    )
    .await;
    d.fails(
        "/accounts/balance/get",
        json!({ "access_token": access }),
        Intent::WellFormed,
        400,
        "ITEM_LOGIN_REQUIRED",
    )
    .await;
    d.fails(
        "/transactions/sync",
        json!({ "access_token": access, "cursor": cursor }),
        Intent::WellFormed,
        400,
        "ITEM_LOGIN_REQUIRED",
    )
    .await;
    let update = d
        .ok(
            "/link/token/create",
            json!({ "client_name": "Coffer", "language": "en", "country_codes": ["US"],
                    "user": { "client_user_id": "coffer-user-1" }, "access_token": access,
                    "update": { "account_selection_enabled": true } }),
        )
        .await;
    let update_token = update["link_token"]
        .as_str()
        .expect("link_token")
        .to_owned();
    d.link_session(&update_token, "pass_good", "success").await;
    d.ok("/link/token/get", json!({ "link_token": update_token }))
        .await;
    let repaired = d.ok("/item/get", json!({ "access_token": access })).await;
    assert_eq!(
        repaired["item"]["error"],
        Value::Null,
        "update mode repairs the Item: {repaired}"
    );
    d.ok("/accounts/get", json!({ "access_token": access }))
        .await;

    // Removal: the token stops working.
    d.ok("/item/remove", json!({ "access_token": access }))
        .await;
    let (status, gone) = d
        .send(
            "/item/get",
            json!({ "access_token": access }),
            Intent::WellFormed,
            Some((CLIENT_ID, SECRET)),
        )
        .await;
    assert_eq!(status, 400, "a removed Item's token fails: {gone}");
    assert!(
        matches!(
            gone["error_code"].as_str(),
            Some("ITEM_NOT_FOUND" | "INVALID_ACCESS_TOKEN")
        ),
        "{gone}"
    );
}

/// Every error the app must handle.
async fn drive_error_paths(d: &mut Driver) {
    let (access, _) = d.new_item(Value::Null).await;

    let e = d
        .fails(
            "/item/get",
            json!({}),
            Intent::Malformed("access_token left out"),
            400,
            "MISSING_FIELDS",
        )
        .await;
    assert_eq!(e["error_type"], json!("INVALID_REQUEST"));
    d.fails(
        "/link/token/create",
        json!({ "client_name": "Coffer", "user": { "client_user_id": "u" }, "products": ["transactions"] }),
        Intent::Malformed("language and country_codes left out"),
        400,
        "MISSING_FIELDS",
    )
    .await;
    d.fails(
        "/accounts/get",
        json!({ "access_token": access, "colour": "red" }),
        Intent::Malformed("unknown field `colour`"),
        400,
        "UNKNOWN_FIELDS",
    )
    .await;
    d.fails(
        "/transactions/sync",
        json!({ "access_token": access, "count": 501 }),
        Intent::Malformed("count above the maximum of 500"),
        400,
        "INVALID_FIELD",
    )
    .await;
    d.fails(
        "/transactions/sync",
        json!({ "access_token": access, "count": "ten" }),
        Intent::Malformed("count is a string"),
        400,
        "INVALID_FIELD",
    )
    .await;
    let mut balance = d.link_token_body();
    balance["products"] = json!(["transactions", "balance"]);
    d.fails(
        "/link/token/create",
        balance,
        Intent::WellFormed,
        400,
        "INVALID_PRODUCT",
    )
    .await;
    d.fails(
        "/sandbox/public_token/create",
        json!({ "institution_id": INSTITUTION, "initial_products": ["balance"] }),
        Intent::WellFormed,
        400,
        "INVALID_PRODUCT",
    )
    .await;
    let e = d
        .fails(
            "/item/public_token/exchange",
            json!({ "public_token": concat!("public-", "sandbox-00000000-0000-4000-8000-000000000000") }),
            Intent::WellFormed,
            400,
            "INVALID_PUBLIC_TOKEN",
        )
        .await;
    assert_eq!(e["error_type"], json!("INVALID_INPUT"));
    d.fails(
        "/item/get",
        json!({ "access_token": "access-sandbox-nope" }),
        Intent::WellFormed,
        400,
        "INVALID_ACCESS_TOKEN",
    )
    .await;
    d.fails(
        "/transactions/sync",
        json!({ "access_token": "access-sandbox-nope" }),
        Intent::WellFormed,
        400,
        "INVALID_ACCESS_TOKEN",
    )
    .await;
    d.fails(
        "/link/token/get",
        json!({ "link_token": "link-sandbox-nope" }),
        Intent::WellFormed,
        400,
        "INVALID_LINK_TOKEN",
    )
    .await;
    d.fails(
        "/institutions/get_by_id",
        json!({ "institution_id": "ins_nope", "country_codes": ["US"] }),
        Intent::WellFormed,
        400,
        "INVALID_INSTITUTION",
    )
    .await;
    d.fails(
        "/sandbox/item/fire_webhook",
        json!({ "access_token": access, "webhook_code": "DEFAULT_UPDATE" }),
        Intent::WellFormed,
        400,
        "SANDBOX_WEBHOOK_INVALID",
    )
    .await;
    // Special passwords force Link errors.
    d.fails(
        "/sandbox/public_token/create",
        json!({ "institution_id": INSTITUTION, "initial_products": ["transactions"],
                "options": { "override_username": "user_good", "override_password": "error_ITEM_LOCKED" } }),
        Intent::WellFormed,
        400,
        "ITEM_LOCKED",
    )
    .await;
    // No credentials at all: Plaid names them as missing fields.
    let e = d
        .fails_with_keys(
            "/item/get",
            json!({ "access_token": access }),
            Intent::WellFormed,
            None,
            400,
            "MISSING_FIELDS",
        )
        .await;
    assert!(
        e["error_message"]
            .as_str()
            .is_some_and(|m| m.contains("client_id")),
        "{e}"
    );

    // Injected faults: rate limit, server errors, an institution outage.
    for (status, code, error_type) in [
        (429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT_EXCEEDED"),
        (500, "INTERNAL_SERVER_ERROR", "API_ERROR"),
        (503, "PLANNED_MAINTENANCE", "API_ERROR"),
        (400, "INSTITUTION_DOWN", "INSTITUTION_ERROR"),
    ] {
        d.fault(
            json!({ "path": "/accounts/get", "error_code": code, "status": status, "times": 1 }),
        )
        .await;
        let e = d
            .fails(
                "/accounts/get",
                json!({ "access_token": access }),
                Intent::WellFormed,
                status,
                code,
            )
            .await;
        assert_eq!(e["error_type"], json!(error_type), "{e}");
        // The fault was for one call only.
        d.ok("/accounts/get", json!({ "access_token": access }))
            .await;
    }
    d.fault(json!({ "path": "/transactions/sync", "error_code": "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION", "status": 400 }))
        .await;
    d.fails(
        "/transactions/sync",
        json!({ "access_token": access }),
        Intent::WellFormed,
        400,
        "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION",
    )
    .await;
    d.clear_faults().await;
    d.ok("/transactions/sync", json!({ "access_token": access }))
        .await;

    // Unknown endpoint.
    let e = d
        .fails(
            "/no/such/endpoint",
            json!({}),
            Intent::Malformed("not a Plaid path"),
            404,
            "NOT_FOUND",
        )
        .await;
    assert_eq!(e["error_type"], json!("INVALID_REQUEST"));
}

/// Is this a test-control path of the sandbox, not part of Plaid's API?
fn control_path(path: &str) -> bool {
    path.starts_with("/_") || path == "/"
}

/// Strips credentials from a request body: the recording may redact them.
fn without_credentials(body: &Value) -> Value {
    let mut body = body.clone();
    if let Some(map) = body.as_object_mut() {
        map.remove("client_id");
        map.remove("secret");
    }
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_exchange_matches_the_official_spec() {
    let sandbox = start(None).await;
    let mut d = Driver::new(sandbox.url());
    drive_success_paths(&mut d).await;
    drive_error_paths(&mut d).await;
    // The webhook verification key (not one of Coffer's 14, but the sandbox serves it).
    let key = d
        .ok(
            "/webhook_verification_key/get",
            json!({ "key_id": sandbox.webhook_key_id() }),
        )
        .await;
    assert_eq!(key["key"]["kid"], json!(sandbox.webhook_key_id()));
    d.fails(
        "/webhook_verification_key/get",
        json!({ "key_id": "not-a-key" }),
        Intent::WellFormed,
        400,
        "INVALID_FIELD",
    )
    .await;

    // Strictly the current API (what plaid-python 46 reads), and still the official copy's
    // rules (what older clients read).
    let spec = Spec::current();
    let older = Spec::official();
    let exchanges = sandbox.exchanges();
    let mut skipped = Vec::new();
    let mut plaid = Vec::new();
    for exchange in &exchanges {
        if control_path(&exchange.path) {
            skipped.push(format!(
                "{} (test control, not a Plaid path)",
                exchange.path
            ));
        } else {
            plaid.push(exchange);
        }
    }
    let recorded: Vec<&str> = plaid.iter().map(|e| e.path.as_str()).collect();
    let made: Vec<&str> = d.calls.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        recorded, made,
        "the sandbox must record exactly the Plaid calls this test made, in order"
    );

    let mut failures = Vec::new();
    let (mut requests_checked, mut responses_checked) = (0, 0);
    for (call, exchange) in d.calls.iter().zip(&plaid) {
        let path = exchange.path.as_str();
        assert_eq!(
            exchange.status, call.status,
            "{path}: recorded status differs from the one sent"
        );
        assert_eq!(
            exchange.response, call.response,
            "{path}: recorded response differs from the one sent"
        );
        assert_eq!(
            without_credentials(&exchange.request),
            without_credentials(&call.body),
            "{path}: recorded request differs from the one sent"
        );
        match &call.intent {
            Intent::WellFormed => {
                requests_checked += 1;
                if let Err(v) = spec.check_request(path, &exchange.request) {
                    failures.push(format!("(this test sent an invalid request)\n{v}"));
                }
            }
            Intent::Malformed(reason) => {
                // Skipping is justified only if the spec really refuses this body.
                assert!(
                    spec.check_request(path, &exchange.request).is_err(),
                    "{path}: this test calls the request malformed ({reason}) but the spec accepts it"
                );
                skipped.push(format!("{path} request ({reason})"));
            }
        }
        responses_checked += 1;
        let checked = if spec.operation(path).is_some() {
            spec.check_response_strict(path, exchange.status, &exchange.response)
        } else {
            assert_eq!(
                exchange.status, 404,
                "{path} is not in the spec, so only a 404 is right"
            );
            spec.check_schema("PlaidError", &exchange.response)
        };
        if let Err(v) = checked {
            failures.push(v.to_string());
        }
        if spec.operation(path).is_some()
            && let Err(v) = older.check_response(path, exchange.status, &exchange.response)
        {
            failures.push(format!(
                "(for clients of {})\n{v}",
                coffer_spec::OFFICIAL_VERSION
            ));
        }
    }
    // The same pipeline fails on a defect in a real recorded body, and names the field.
    let sample = plaid
        .iter()
        .find(|e| e.path == "/accounts/get" && e.status == 200)
        .expect("an /accounts/get success was recorded");
    let mut broken = sample.response.clone();
    broken["accounts"][0]["balances"]["current"] = json!("110.00");
    broken.as_object_mut().expect("object").remove("request_id");
    let v = spec
        .check_response_strict("/accounts/get", 200, &broken)
        .expect_err("a broken body must fail");
    assert!(
        v.has_path("$.request_id") && v.has_path("$.accounts[0].balances.current"),
        "{v}"
    );

    assert!(
        failures.is_empty(),
        "{} of {responses_checked} exchanges break the spec:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );

    // Every part of a sync page was exercised (so its item schema was checked).
    for part in ["added", "modified", "removed", "accounts"] {
        let seen = d.calls.iter().any(|c| {
            c.path == "/transactions/sync"
                && c.response[part].as_array().is_some_and(|a| !a.is_empty())
        });
        assert!(seen, "no /transactions/sync page had a non-empty `{part}`");
    }

    let covered: BTreeSet<&str> = d
        .calls
        .iter()
        .filter(|c| c.status == 200)
        .map(|c| c.path.as_str())
        .collect();
    let missing: Vec<&str> = OUR_PATHS
        .iter()
        .copied()
        .filter(|p| !covered.contains(p))
        .collect();
    assert!(
        missing.is_empty(),
        "endpoints never answered 200: {missing:?}"
    );
    let error_codes: BTreeSet<&str> = d
        .calls
        .iter()
        .filter_map(|c| c.response["error_code"].as_str())
        .collect();
    eprintln!(
        "contract: {responses_checked} responses and {requests_checked} requests checked, {} endpoints, error codes {error_codes:?}; skipped: {skipped:#?}",
        covered.len()
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn wrong_api_keys_answer_the_spec_error() {
    let sandbox = start(Some((CLIENT_ID.to_owned(), SECRET.to_owned()))).await;
    let mut d = Driver::new(sandbox.url());
    let e = d
        .fails_with_keys(
            "/item/get",
            json!({ "access_token": "access-sandbox-x" }),
            Intent::WellFormed,
            Some((CLIENT_ID, "wrong-secret")),
            400,
            "INVALID_API_KEYS",
        )
        .await;
    assert_eq!(e["error_type"], json!("INVALID_INPUT"));
    let exchanges = sandbox.exchanges();
    assert_eq!(exchanges.len(), 1, "one call, one recorded exchange");
    let exchange = &exchanges[0];
    let secret_in_record = exchange.request.to_string().contains("wrong-secret")
        || exchange.response.to_string().contains("wrong-secret");
    assert!(!secret_in_record, "the secret leaked into the recording");
    if let Err(v) =
        Spec::current().check_response_strict(&exchange.path, exchange.status, &exchange.response)
    {
        panic!("{v}");
    }
    sandbox.shutdown().await;
}
