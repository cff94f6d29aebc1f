//! Contract test: what coffer-plaid SENDS matches Plaid's official OpenAPI spec.
//!
//! Every client method is called against a recording coffer-sandbox (success paths and errors).
//! Then every recorded exchange is checked: the request body the client sent against the
//! operation's request schema (no unknown fields, no `null` where not allowed, required fields
//! present, enums and ranges respected), and the response against the response schema. A client
//! call is matched to the exchanges it caused by counting the recording before and after it, so
//! retried calls (several exchanges for one call) are checked too.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Duration;

use coffer_plaid::*;
use coffer_sandbox::{Sandbox, SandboxConfig};
use coffer_spec::Spec;
use rust_decimal::Decimal;
use serde_json::{Value, json};

const CLIENT_ID: &str = "coffer-contract-client";
const SECRET: &str = "coffer-contract-secret";
const INSTITUTION: &str = "ins_109508";

use coffer_spec::COFFER_ENDPOINTS as OUR_PATHS;

/// The exchanges one client call caused, with what the test meant by it.
#[derive(Debug)]
struct Tagged {
    label: String,
    /// `Some(reason)`: this test deliberately asked for a body the spec forbids.
    malformed: Option<&'static str>,
    from: usize,
    to: usize,
}

struct Harness {
    sandbox: Sandbox,
    client: PlaidClient,
    http: reqwest::Client,
    tags: Vec<Tagged>,
}

impl Harness {
    async fn start() -> Harness {
        let bind: SocketAddr = "127.0.0.1:0".parse().expect("address");
        let config = SandboxConfig {
            credentials: Some((CLIENT_ID.to_owned(), SECRET.to_owned())),
            history: 240,
            record_exchanges: true,
            ..SandboxConfig::default()
        };
        let sandbox = Sandbox::start(bind, config).await.expect("sandbox starts");
        let client = PlaidClient::new(&sandbox.url(), Credentials::new(CLIENT_ID, SECRET))
            .expect("client")
            .with_retry(fast_retry(2));
        Harness {
            sandbox,
            client,
            http: reqwest::Client::new(),
            tags: Vec::new(),
        }
    }

    fn recorded(&self) -> usize {
        self.sandbox.exchanges().len()
    }

    /// Runs one client call and remembers which exchanges it caused.
    async fn call<T, F>(
        &mut self,
        label: &str,
        malformed: Option<&'static str>,
        future: F,
    ) -> Result<T>
    where
        F: std::future::Future<Output = Result<T>>,
    {
        let from = self.recorded();
        let result = future.await;
        let to = self.recorded();
        self.tags.push(Tagged {
            label: label.to_owned(),
            malformed,
            from,
            to,
        });
        result
    }

    /// The Link stand-in: a user finishing Link for `link_token`.
    async fn link_session(&self, link_token: &str, password: &str, status: &str) -> Value {
        self.control(
            reqwest::Method::POST,
            "/_link/sessions",
            Some(
                json!({ "link_token": link_token, "institution_id": INSTITUTION,
                         "username": "user_good", "password": password, "status": status }),
            ),
        )
        .await
    }

    async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.sandbox.url()));
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
}

fn fast_retry(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        rate_limit_delay: Duration::from_millis(20),
    }
}

fn link_request() -> LinkTokenCreateRequest {
    LinkTokenCreateRequest {
        client_name: "Coffer".into(),
        language: "en".into(),
        country_codes: vec![CountryCode::Us],
        user: Some(LinkTokenUser::new("coffer-user-1")),
        products: Some(vec![Product::Transactions]),
        ..Default::default()
    }
}

fn api_code<T: std::fmt::Debug>(result: &Result<T>) -> (Option<u16>, Option<&str>) {
    match result {
        Ok(value) => panic!("expected a Plaid error, got {value:?}"),
        Err(e) => (e.status(), e.error_code().map(|c| c.as_str())),
    }
}

/// Syncs until `has_more` is false; returns the next cursor and the number of added rows.
async fn sync_all(
    h: &mut Harness,
    token: &Secret,
    mut cursor: String,
    count: u32,
) -> (String, usize) {
    let mut added = 0;
    for _ in 0..100 {
        let request = TransactionsSyncRequest::new(token)
            .with_cursor(cursor.clone())
            .with_count(count);
        let client = h.client.clone();
        let page = h
            .call("transactions_sync", None, async move {
                client.transactions_sync(&request).await
            })
            .await;
        let page = page.expect("sync page");
        added += page.added.len();
        cursor = page.next_cursor.clone();
        if !page.has_more {
            return (cursor, added);
        }
    }
    panic!("sync never ends");
}

/// Makes an Item through `/sandbox/public_token/create` + exchange.
async fn new_item(
    h: &mut Harness,
    request: SandboxPublicTokenCreateRequest,
) -> ItemPublicTokenExchangeResponse {
    let client = h.client.clone();
    let created = h
        .call("sandbox_public_token_create", None, async move {
            client.sandbox_public_token_create(&request).await
        })
        .await
        .expect("sandbox public token");
    let client = h.client.clone();
    h.call("item_public_token_exchange", None, async move {
        client
            .item_public_token_exchange(&created.public_token)
            .await
    })
    .await
    .expect("exchange")
}

async fn drive(h: &mut Harness) {
    let c = h.client.clone();

    // --- An Item's life, every client method. ---
    let item = new_item(
        h,
        SandboxPublicTokenCreateRequest::new(INSTITUTION, vec![Product::Transactions]),
    )
    .await;
    let token = item.access_token;
    let accounts = h
        .call("accounts_get", None, c.accounts_get(&token, None))
        .await
        .expect("accounts");
    assert_eq!(accounts.item.item_id, item.item_id);
    let ids: Vec<String> = accounts
        .accounts
        .iter()
        .map(|a| a.account_id.clone())
        .collect();
    assert!(!ids.is_empty());
    let one = h
        .call(
            "accounts_get ids",
            None,
            c.accounts_get(&token, Some(&ids[..1])),
        )
        .await
        .expect("accounts");
    assert_eq!(one.accounts.len(), 1);
    h.call(
        "accounts_balance_get",
        None,
        c.accounts_balance_get(&token, None),
    )
    .await
    .expect("balance");
    h.call(
        "accounts_balance_get ids",
        None,
        c.accounts_balance_get(&token, Some(&ids[..1])),
    )
    .await
    .expect("balance");
    let (cursor, added) = sync_all(h, &token, String::new(), 100).await;
    assert!(added > 0);
    let options = TransactionsSyncOptions {
        include_original_description: Some(true),
        ..Default::default()
    };
    let request = TransactionsSyncRequest::new(&token)
        .with_cursor(cursor.clone())
        .with_count(500)
        .with_options(options);
    h.call(
        "transactions_sync options",
        None,
        c.transactions_sync(&request),
    )
    .await
    .expect("sync");
    let got = h
        .call("item_get", None, c.item_get(&token))
        .await
        .expect("item");
    assert!(got.item.error.is_none());
    let request = InstitutionsGetByIdRequest::new(INSTITUTION, vec![CountryCode::Us]);
    let institution = h
        .call(
            "institutions_get_by_id",
            None,
            c.institutions_get_by_id(&request),
        )
        .await
        .expect("institution");
    assert_eq!(institution.institution.institution_id, INSTITUTION);
    let mut request = InstitutionsGetByIdRequest::new(INSTITUTION, vec![CountryCode::Us]);
    request.options = Some(InstitutionsGetByIdOptions {
        include_optional_metadata: Some(true),
        include_status: Some(true),
        ..Default::default()
    });
    h.call(
        "institutions_get_by_id options",
        None,
        c.institutions_get_by_id(&request),
    )
    .await
    .expect("institution");
    h.call("transactions_refresh", None, c.transactions_refresh(&token))
        .await
        .expect("refresh");

    // A dynamic Item with a webhook: sandbox transactions and webhooks.
    let dynamic = new_item(
        h,
        SandboxPublicTokenCreateRequest::new(INSTITUTION, vec![Product::Transactions])
            .with_user("user_transactions_dynamic", "pass_good")
            .with_webhook("https://coffer.invalid/webhook"),
    )
    .await;
    let dynamic_token = dynamic.access_token;
    let (dynamic_cursor, _) = sync_all(h, &dynamic_token, String::new(), 500).await;
    let txns = [
        SandboxTransaction {
            date_transacted: "2024-05-01".parse().expect("date"),
            date_posted: "2024-05-02".parse().expect("date"),
            amount: Decimal::new(1234, 2),
            description: "Coffer contract coffee".into(),
            iso_currency_code: Some("USD".into()),
        },
        SandboxTransaction {
            date_transacted: "2024-05-03".parse().expect("date"),
            date_posted: "2024-05-03".parse().expect("date"),
            amount: Decimal::new(-100, 0),
            description: "Coffer contract refund".into(),
            iso_currency_code: None,
        },
    ];
    h.call(
        "sandbox_transactions_create",
        None,
        c.sandbox_transactions_create(&dynamic_token, &txns),
    )
    .await
    .expect("sandbox transactions");
    let (mut cursor_now, added) = sync_all(h, &dynamic_token, dynamic_cursor, 100).await;
    assert!(
        added >= 2,
        "the created transactions arrive in the next sync"
    );
    // Refresh adds a pending transaction and modifies one; the next refresh posts it, so the
    // syncs after them carry `modified` and `removed` entries the client must decode.
    for _ in 0..2 {
        h.call(
            "transactions_refresh dynamic",
            None,
            c.transactions_refresh(&dynamic_token),
        )
        .await
        .expect("refresh");
        cursor_now = sync_all(h, &dynamic_token, cursor_now, 100).await.0;
    }
    let fired = h
        .call(
            "sandbox_item_fire_webhook",
            None,
            c.sandbox_item_fire_webhook(
                &dynamic_token,
                "SYNC_UPDATES_AVAILABLE",
                Some("TRANSACTIONS"),
            ),
        )
        .await
        .expect("webhook");
    assert!(fired.webhook_fired);
    h.call(
        "sandbox_item_fire_webhook no type",
        None,
        c.sandbox_item_fire_webhook(&dynamic_token, "DEFAULT_UPDATE", None),
    )
    .await
    .expect("webhook");
    let status = h
        .call("item_get after webhook", None, c.item_get(&dynamic_token))
        .await
        .expect("item");
    assert!(status.status.is_some(), "item status after a webhook");

    // Link, NOT_READY, Link sessions.
    let link = h
        .call(
            "link_token_create",
            None,
            c.link_token_create(&link_request()),
        )
        .await
        .expect("link token");
    let success = h
        .link_session(&link.link_token, "pass_good", "success")
        .await;
    let public_token = success["public_token"]
        .as_str()
        .expect("public_token")
        .to_owned();
    let got = h
        .call("link_token_get", None, c.link_token_get(&link.link_token))
        .await
        .expect("link token get");
    assert!(
        got.link_sessions.is_some_and(|s| !s.is_empty()),
        "the finished session is listed"
    );
    let linked = h
        .call(
            "item_public_token_exchange",
            None,
            c.item_public_token_exchange(&public_token),
        )
        .await
        .expect("exchange");
    let first = TransactionsSyncRequest::new(&linked.access_token);
    let not_ready = h
        .call("transactions_sync first", None, c.transactions_sync(&first))
        .await
        .expect("sync");
    assert_eq!(
        not_ready.transactions_update_status,
        TransactionsUpdateStatus::NotReady
    );
    sync_all(h, &linked.access_token, String::new(), 250).await;

    let mut hosted = link_request();
    hosted.hosted_link = Some(LinkTokenHostedLink {
        completion_redirect_uri: Some("coffer://link-complete".into()),
        url_lifetime_seconds: Some(1800),
        ..Default::default()
    });
    let hosted = h
        .call(
            "link_token_create hosted",
            None,
            c.link_token_create(&hosted),
        )
        .await
        .expect("hosted");
    assert!(hosted.hosted_link_url.is_some());
    h.call(
        "link_token_get empty",
        None,
        c.link_token_get(&hosted.link_token),
    )
    .await
    .expect("link token get");
    h.link_session(&hosted.link_token, "pass_good", "exit")
        .await;
    h.call(
        "link_token_get exit",
        None,
        c.link_token_get(&hosted.link_token),
    )
    .await
    .expect("link token get");
    let failing = h
        .call(
            "link_token_create",
            None,
            c.link_token_create(&link_request()),
        )
        .await
        .expect("link token");
    h.link_session(&failing.link_token, "error_INVALID_CREDENTIALS", "success")
        .await;
    h.call(
        "link_token_get error",
        None,
        c.link_token_get(&failing.link_token),
    )
    .await
    .expect("link token get");

    // Login required, then update mode.
    let reset = h
        .call(
            "sandbox_item_reset_login",
            None,
            c.sandbox_item_reset_login(&token),
        )
        .await
        .expect("reset");
    assert!(reset.reset_login);
    let broken = h
        .call("item_get broken", None, c.item_get(&token))
        .await
        .expect("item");
    assert_eq!(
        broken.item.error.as_ref().map(|e| e.error_code.as_str()),
        Some("ITEM_LOGIN_REQUIRED")
    );
    let e = h
        .call("accounts_get login", None, c.accounts_get(&token, None))
        .await
        .expect_err("login required");
    assert!(e.is_item_login_required() && !e.is_retryable(), "{e}");
    let e = h
        .call("balance login", None, c.accounts_balance_get(&token, None))
        .await
        .expect_err("login required");
    assert!(e.is_item_login_required(), "{e}");
    let request = TransactionsSyncRequest::new(&token).with_cursor(cursor);
    let e = h
        .call("sync login", None, c.transactions_sync(&request))
        .await
        .expect_err("login required");
    assert!(e.is_item_login_required(), "{e}");
    let update = LinkTokenCreateRequest {
        products: None,
        access_token: Some(token.clone()),
        update: Some(LinkTokenUpdate {
            account_selection_enabled: Some(true),
            ..Default::default()
        }),
        ..link_request()
    };
    let update = h
        .call(
            "link_token_create update",
            None,
            c.link_token_create(&update),
        )
        .await
        .expect("update token");
    h.link_session(&update.link_token, "pass_good", "success")
        .await;
    h.call(
        "link_token_get update",
        None,
        c.link_token_get(&update.link_token),
    )
    .await
    .expect("link token get");
    let repaired = h
        .call("item_get repaired", None, c.item_get(&token))
        .await
        .expect("item");
    assert!(
        repaired.item.error.is_none(),
        "update mode repairs the Item"
    );

    h.call("item_remove", None, c.item_remove(&token))
        .await
        .expect("remove");
    let gone = h.call("item_get removed", None, c.item_get(&token)).await;
    assert!(matches!(
        api_code(&gone),
        (Some(400), Some("ITEM_NOT_FOUND" | "INVALID_ACCESS_TOKEN"))
    ));

    // --- Errors through the client. ---
    let fresh = new_item(
        h,
        SandboxPublicTokenCreateRequest::new(INSTITUTION, vec![Product::Transactions]),
    )
    .await;
    let fresh = fresh.access_token;
    let r = h
        .call(
            "exchange bogus",
            None,
            c.item_public_token_exchange(concat!(
                "public-",
                "sandbox-00000000-0000-4000-8000-000000000000"
            )),
        )
        .await;
    assert_eq!(api_code(&r), (Some(400), Some("INVALID_PUBLIC_TOKEN")));
    let bogus = Secret::new("access-sandbox-nope");
    let r = h.call("item_get bogus", None, c.item_get(&bogus)).await;
    assert_eq!(api_code(&r), (Some(400), Some("INVALID_ACCESS_TOKEN")));
    let r = h
        .call(
            "link_token_get bogus",
            None,
            c.link_token_get("link-sandbox-nope"),
        )
        .await;
    assert_eq!(api_code(&r), (Some(400), Some("INVALID_LINK_TOKEN")));
    let mut balance = link_request();
    balance.products = Some(vec![Product::Transactions, Product::Balance]);
    let r = h
        .call(
            "link_token_create balance",
            None,
            c.link_token_create(&balance),
        )
        .await;
    assert_eq!(api_code(&r), (Some(400), Some("INVALID_PRODUCT")));
    let request = SandboxPublicTokenCreateRequest::new(INSTITUTION, vec![Product::Transactions])
        .with_user("user_good", "error_ITEM_LOCKED");
    let r = h
        .call(
            "sandbox_public_token_create locked",
            None,
            c.sandbox_public_token_create(&request),
        )
        .await;
    assert_eq!(api_code(&r), (Some(400), Some("ITEM_LOCKED")));
    let r = h
        .call(
            "fire_webhook no webhook",
            None,
            c.sandbox_item_fire_webhook(&fresh, "DEFAULT_UPDATE", None),
        )
        .await;
    assert_eq!(api_code(&r), (Some(400), Some("SANDBOX_WEBHOOK_INVALID")));
    let request = TransactionsSyncRequest::new(&fresh).with_count(501);
    let r = h
        .call(
            "sync count 501",
            Some("count above the maximum of 500"),
            c.transactions_sync(&request),
        )
        .await;
    match &r {
        Err(Error::InvalidConfig(_)) => {} // refused before sending: fine
        other => assert_eq!(api_code(other), (Some(400), Some("INVALID_FIELD"))),
    }

    // Wrong keys.
    let wrong = PlaidClient::new(
        &h.sandbox.url(),
        Credentials::new(CLIENT_ID, "wrong-secret"),
    )
    .expect("client");
    let r = h
        .call("item_get wrong keys", None, wrong.item_get(&fresh))
        .await;
    assert_eq!(api_code(&r), (Some(400), Some("INVALID_API_KEYS")));
    let e = r.expect_err("error");
    assert!(
        !format!("{e} {e:?}").contains("wrong-secret"),
        "the secret leaked into the error"
    );

    // Faults: retried ones succeed on the second attempt; 4xx ones are not retried.
    for (status, code) in [
        (429, "RATE_LIMIT_EXCEEDED"),
        (500, "INTERNAL_SERVER_ERROR"),
        (503, "PLANNED_MAINTENANCE"),
    ] {
        h.control(reqwest::Method::POST, "/_faults", Some(json!({ "path": "/accounts/get", "error_code": code, "status": status, "times": 1 }))).await;
        let from = h.recorded();
        h.call(
            "accounts_get after fault",
            None,
            c.accounts_get(&fresh, None),
        )
        .await
        .expect("retried");
        assert_eq!(
            h.recorded() - from,
            2,
            "{status} {code}: one failure, one retry"
        );
        h.control(reqwest::Method::POST, "/_faults", Some(json!({ "path": "/accounts/get", "error_code": code, "status": status, "times": 10 }))).await;
        let r = h
            .call(
                "accounts_get fault persists",
                None,
                c.accounts_get(&fresh, None),
            )
            .await;
        assert_eq!(api_code(&r), (Some(status), Some(code)));
        assert!(r.as_ref().is_err_and(Error::is_retryable));
        h.control(reqwest::Method::DELETE, "/_faults", None).await;
    }
    h.control(reqwest::Method::POST, "/_faults", Some(json!({ "path": "/accounts/get", "error_code": "INSTITUTION_DOWN", "status": 400, "times": 1 }))).await;
    let from = h.recorded();
    let r = h
        .call(
            "accounts_get institution down",
            None,
            c.accounts_get(&fresh, None),
        )
        .await;
    assert_eq!(api_code(&r), (Some(400), Some("INSTITUTION_DOWN")));
    assert_eq!(
        h.recorded() - from,
        1,
        "INSTITUTION_DOWN (400) is not retried"
    );
    h.control(reqwest::Method::DELETE, "/_faults", None).await;

    // An unknown endpoint (a base URL with a wrong prefix): 404 NOT_FOUND, a PlaidError.
    let lost = PlaidClient::new(
        &format!("{}/nope", h.sandbox.url()),
        Credentials::new(CLIENT_ID, SECRET),
    )
    .expect("client");
    let r = h
        .call(
            "item_get unknown path",
            Some("path not in the spec"),
            lost.item_get(&fresh),
        )
        .await;
    assert_eq!(api_code(&r), (Some(404), Some("NOT_FOUND")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_sends_and_understands_what_the_spec_says() {
    let mut h = Harness::start().await;
    drive(&mut h).await;

    // Requests against the official copy (valid for every API version since); answers strictly
    // against the current version, which the sandbox follows.
    let spec = Spec::official();
    let current = Spec::current();
    let exchanges = h.sandbox.exchanges();
    let mut failures = Vec::new();
    let mut covered = BTreeSet::new();
    let mut tagged = vec![false; exchanges.len()];
    let (mut requests, mut responses) = (0, 0);
    for tag in &h.tags {
        for (i, exchange) in exchanges.iter().enumerate().take(tag.to).skip(tag.from) {
            tagged[i] = true;
            let path = exchange.path.as_str();
            let label = &tag.label;
            assert!(
                !path.starts_with("/_"),
                "{label}: a control call landed inside a client call"
            );
            if exchange.status == 200 {
                covered.insert(path.to_owned());
            }
            // Credentials travel in headers only (the recording would show `"secret": "***"`).
            let body_keys = exchange
                .request
                .as_object()
                .map(|o| o.keys().cloned().collect::<Vec<_>>());
            assert!(
                body_keys.is_some_and(|k| !k.iter().any(|k| k == "secret" || k == "client_id")),
                "[{label}] the client put credentials (or no JSON object) in the body: {:?}",
                exchange
                    .request
                    .as_object()
                    .map(|o| o.keys().collect::<Vec<_>>())
            );
            match tag.malformed {
                None => {
                    requests += 1;
                    if let Err(v) = spec.check_request(path, &exchange.request) {
                        failures.push(format!("[{label}] the client sent:\n{v}"));
                    }
                }
                Some(reason) => assert!(
                    spec.check_request(path, &exchange.request).is_err(),
                    "[{label}] called malformed ({reason}) but the spec accepts it"
                ),
            }
            responses += 1;
            let checked = if spec.operation(path).is_some() {
                current.check_response_strict(path, exchange.status, &exchange.response)
            } else {
                assert_eq!(
                    exchange.status, 404,
                    "{label}: {path} is not in the spec, so only a 404 is right"
                );
                spec.check_schema("PlaidError", &exchange.response)
            };
            if let Err(v) = checked {
                failures.push(format!("[{label}] the sandbox answered:\n{v}"));
            }
        }
    }
    let untagged: Vec<&str> = exchanges
        .iter()
        .zip(&tagged)
        .filter(|(e, t)| !**t && !e.path.starts_with("/_"))
        .map(|(e, _)| e.path.as_str())
        .collect();
    assert!(
        untagged.is_empty(),
        "Plaid exchanges no client call accounts for: {untagged:?}"
    );
    // Every part of a sync page reached the client (so its decoding and schema were exercised).
    for part in ["added", "modified", "removed", "accounts"] {
        let seen = exchanges.iter().any(|e| {
            e.path == "/transactions/sync"
                && e.response[part].as_array().is_some_and(|a| !a.is_empty())
        });
        assert!(seen, "no /transactions/sync page had a non-empty `{part}`");
    }

    // The same check fails on a defect in a body the client really sent, naming the field.
    let sent = exchanges
        .iter()
        .find(|e| e.path == "/link/token/create" && e.status == 200)
        .expect("a /link/token/create was recorded");
    let mut broken = sent.request.clone();
    broken["webhook"] = Value::Null;
    broken["user"]["nickname"] = json!("x");
    let v = spec
        .check_request("/link/token/create", &broken)
        .expect_err("a broken request must fail");
    assert!(
        v.has_path("$.webhook") && v.has_path("$.user.nickname"),
        "{v}"
    );

    assert!(
        failures.is_empty(),
        "{} violations:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    let missing: Vec<&str> = OUR_PATHS
        .iter()
        .copied()
        .filter(|p| !covered.contains(*p))
        .collect();
    assert!(
        missing.is_empty(),
        "endpoints the client never got a 200 from: {missing:?}"
    );
    eprintln!("contract: {requests} client requests and {responses} responses checked");
    h.sandbox.shutdown().await;
}
