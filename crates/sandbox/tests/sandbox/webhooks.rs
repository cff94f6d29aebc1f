//! Webhooks: delivered to a receiver on 127.0.0.1:0 with Plaid's bodies (checked against the
//! spec's webhook schemas) and a `Plaid-Verification` JWT that verifies with the key
//! `/webhook_verification_key/get` serves; retried and then given up on without slowing the API.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use coffer_sandbox::{DeliveryOutcome, RetryPolicy, Sandbox, SandboxConfig};
use coffer_spec::Spec;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::common::{Api, link_session, link_token_request, manual_config, start};

/// One webhook as the receiver saw it.
#[derive(Clone, Debug)]
struct Received {
    jwt: Option<String>,
    body: Vec<u8>,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("webhook body is JSON")
    }
}

#[derive(Default)]
struct Inbox {
    got: Mutex<Vec<Received>>,
    /// Answer this status (200 when 0).
    status: Mutex<u16>,
    /// Answer `DEFAULT_UPDATE` webhooks only after this long (a slow receiver).
    slow_default_update: Mutex<Duration>,
}

/// A webhook receiver on 127.0.0.1:0; returns its URL. Stops with the test's runtime.
async fn receiver(inbox: Arc<Inbox>) -> String {
    async fn hook(State(inbox): State<Arc<Inbox>>, headers: HeaderMap, body: Bytes) -> StatusCode {
        inbox.got.lock().expect("inbox").push(Received {
            jwt: headers
                .get("plaid-verification")
                .and_then(|v| v.to_str().ok())
                .map(String::from),
            body: body.to_vec(),
        });
        let slow = *inbox.slow_default_update.lock().expect("slow");
        if body.windows(14).any(|w| w == b"DEFAULT_UPDATE") {
            tokio::time::sleep(slow).await;
        }
        let status = *inbox.status.lock().expect("status");
        StatusCode::from_u16(if status == 0 { 200 } else { status }).expect("status")
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    let app = Router::new().route("/hook", post(hook)).with_state(inbox);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url
}

/// Waits until the inbox holds `n` webhooks (or fails after 10 s).
async fn wait_for(inbox: &Inbox, n: usize) -> Vec<Received> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let got = inbox.got.lock().expect("inbox").clone();
        if got.len() >= n {
            return got;
        }
        assert!(
            Instant::now() < deadline,
            "waited for {n} webhooks, got {}: {:?}",
            got.len(),
            got.iter().map(Received::json).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The spec schema of a webhook body.
fn schema_of(body: &Value) -> &'static str {
    match (
        body["webhook_type"].as_str().unwrap_or_default(),
        body["webhook_code"].as_str().unwrap_or_default(),
    ) {
        ("TRANSACTIONS", "SYNC_UPDATES_AVAILABLE") => "SyncUpdatesAvailableWebhook",
        ("TRANSACTIONS", "DEFAULT_UPDATE") => "DefaultUpdateWebhook",
        ("ITEM", "ERROR") => "ItemErrorWebhook",
        ("ITEM", "LOGIN_REPAIRED") => "ItemLoginRepairedWebhook",
        ("ITEM", "NEW_ACCOUNTS_AVAILABLE") => "NewAccountsAvailableWebhook",
        ("ITEM", "PENDING_EXPIRATION") => "PendingExpirationWebhook",
        ("ITEM", "PENDING_DISCONNECT") => "PendingDisconnectWebhook",
        other => panic!("unexpected webhook {other:?}"),
    }
}

fn b64(part: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(part).expect("base64url")
}

/// Verifies a webhook as a backend following Plaid's guide would: the JWT header's `kid`
/// fetched from `/webhook_verification_key/get`, the ES256 signature, `iat`, and the body's
/// SHA-256. Returns why it fails, if it does.
async fn verify(api: &Api, jwt: &str, body: &[u8]) -> Result<(), String> {
    let parts: Vec<&str> = jwt.split('.').collect();
    let [header, claims, signature] = parts.as_slice() else {
        return Err("not a compact JWS".into());
    };
    let header: Value = serde_json::from_slice(&b64(header)).map_err(|e| e.to_string())?;
    if header["alg"] != "ES256" {
        return Err(format!("alg {}", header["alg"]));
    }
    let kid = header["kid"].as_str().ok_or("no kid")?;
    let key = api
        .ok("/webhook_verification_key/get", json!({ "key_id": kid }))
        .await;
    Spec::current()
        .check_schema("JWKPublicKey", &key["key"])
        .map_err(|v| v.to_string())?;
    let mut sec1 = vec![4u8];
    sec1.extend(b64(key["key"]["x"].as_str().ok_or("x")?));
    sec1.extend(b64(key["key"]["y"].as_str().ok_or("y")?));
    let vk = VerifyingKey::from_sec1_bytes(&sec1).map_err(|e| e.to_string())?;
    let sig = Signature::from_slice(&b64(signature)).map_err(|e| e.to_string())?;
    vk.verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &sig)
        .map_err(|_| "bad signature".to_string())?;
    let claims: Value = serde_json::from_slice(&b64(claims)).map_err(|e| e.to_string())?;
    if !claims["iat"].is_i64() {
        return Err("no iat".into());
    }
    let digest: String = Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if claims["request_body_sha256"] != json!(digest) {
        return Err("request_body_sha256 does not match the body".into());
    }
    Ok(())
}

/// Every received webhook: body valid for its schema, JWT valid, and invalid once the body
/// changes.
async fn check_all(api: &Api, got: &[Received]) {
    for r in got {
        let body = r.json();
        if let Err(v) = Spec::current().check_schema(schema_of(&body), &body) {
            panic!("{v}\n{body}");
        }
        assert_eq!(body["environment"], "sandbox");
        let jwt = r.jwt.as_deref().expect("Plaid-Verification header");
        verify(api, jwt, &r.body)
            .await
            .unwrap_or_else(|e| panic!("{e}: {body}"));
        let mut changed = r.body.clone();
        changed.extend_from_slice(b" ");
        assert_eq!(
            verify(api, jwt, &changed).await,
            Err("request_body_sha256 does not match the body".to_string())
        );
    }
}

fn codes(got: &[Received]) -> Vec<String> {
    got.iter()
        .map(|r| {
            let b = r.json();
            format!(
                "{} {}",
                b["webhook_type"].as_str().unwrap_or_default(),
                b["webhook_code"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

async fn new_item(api: &Api, webhook: &str, username: &str, institution: &str) -> (String, String) {
    let pt = api
        .ok(
            "/sandbox/public_token/create",
            json!({"institution_id": institution, "initial_products": ["transactions"],
                   "options": {"webhook": webhook, "override_username": username,
                               "override_password": "pass_good"}}),
        )
        .await;
    let ex = api
        .ok(
            "/item/public_token/exchange",
            json!({"public_token": pt["public_token"]}),
        )
        .await;
    (
        ex["access_token"].as_str().expect("at").to_string(),
        ex["item_id"].as_str().expect("id").to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn item_lifecycle_webhooks_are_signed_and_match_the_spec() {
    let inbox = Arc::new(Inbox::default());
    let url = receiver(inbox.clone()).await;
    let (sandbox, api) = start(manual_config(100)).await;

    // Linking: the initial then the historical pull.
    let (access, item_id) = new_item(&api, &url, "user_good", "ins_109508").await;
    let got = wait_for(&inbox, 2).await;
    assert_eq!(
        codes(&got),
        [
            "TRANSACTIONS SYNC_UPDATES_AVAILABLE",
            "TRANSACTIONS SYNC_UPDATES_AVAILABLE"
        ]
    );
    let (first, second) = (got[0].json(), got[1].json());
    assert_eq!(first["item_id"], json!(item_id));
    assert_eq!(
        (
            &first["initial_update_complete"],
            &first["historical_update_complete"]
        ),
        (&json!(true), &json!(false))
    );
    assert_eq!(second["historical_update_complete"], json!(true));

    // Reset login: ITEM ERROR with ITEM_LOGIN_REQUIRED; update mode: LOGIN_REPAIRED.
    api.ok("/sandbox/item/reset_login", json!({"access_token": access}))
        .await;
    let got = wait_for(&inbox, 3).await;
    let error = got[2].json();
    assert_eq!(
        (&error["webhook_code"], &error["error"]["error_code"]),
        (&json!("ERROR"), &json!("ITEM_LOGIN_REQUIRED"))
    );
    let mut update = link_token_request();
    update.as_object_mut().expect("obj").remove("products");
    update["access_token"] = json!(access);
    let lt = api.ok("/link/token/create", update).await;
    let (status, done) =
        link_session(&api, lt["link_token"].as_str().expect("lt"), json!({})).await;
    assert_eq!(status, 200, "{done}");
    let got = wait_for(&inbox, 4).await;
    assert_eq!(codes(&got)[3], "ITEM LOGIN_REPAIRED");

    // On request.
    api.ok(
        "/sandbox/item/fire_webhook",
        json!({"access_token": access, "webhook_code": "DEFAULT_UPDATE"}),
    )
    .await;
    api.ok(
        "/sandbox/item/fire_webhook",
        json!({"access_token": access, "webhook_code": "NEW_ACCOUNTS_AVAILABLE"}),
    )
    .await;
    let got = wait_for(&inbox, 6).await;
    // Two deliveries in flight at once: Plaid promises no order between them either.
    let mut fired = codes(&got)[4..].to_vec();
    fired.sort();
    assert_eq!(
        fired,
        ["ITEM NEW_ACCOUNTS_AVAILABLE", "TRANSACTIONS DEFAULT_UPDATE"]
    );
    let item = api.ok("/item/get", json!({"access_token": access})).await;
    assert_eq!(
        item["status"]["last_webhook"]["code_sent"],
        "NEW_ACCOUNTS_AVAILABLE"
    );

    // New transactions on a dynamic Item.
    let (dynamic, _) = new_item(&api, &url, "user_transactions_dynamic", "ins_109508").await;
    wait_for(&inbox, 8).await;
    api.ok("/transactions/refresh", json!({"access_token": dynamic}))
        .await;
    api.ok(
        "/sandbox/transactions/create",
        json!({"access_token": dynamic, "transactions": [{"date_transacted": "2025-03-09",
               "date_posted": "2025-03-10", "amount": 3.5, "description": "Tea"}]}),
    )
    .await;
    let got = wait_for(&inbox, 10).await;
    assert_eq!(
        codes(&got)[8..],
        [
            "TRANSACTIONS SYNC_UPDATES_AVAILABLE",
            "TRANSACTIONS SYNC_UPDATES_AVAILABLE"
        ]
    );

    // Consent expiry of a UK Item: PENDING_EXPIRATION a week ahead, then ITEM ERROR.
    let (uk, _) = new_item(&api, &url, "user_good", "ins_117650").await;
    wait_for(&inbox, 12).await;
    sandbox.clock().advance(Duration::from_secs(24 * 86400));
    let item = api.ok("/item/get", json!({"access_token": uk})).await;
    let expires = item["item"]["consent_expiration_time"].clone();
    assert!(expires.is_string(), "{item}");
    let got = wait_for(&inbox, 13).await;
    let pending = got[12].json();
    assert_eq!(pending["webhook_code"], "PENDING_EXPIRATION");
    assert_eq!(pending["consent_expiration_time"], expires);
    sandbox.clock().advance(Duration::from_secs(7 * 86400));
    let (_, code, _) = api.err("/accounts/get", json!({"access_token": uk})).await;
    assert_eq!(code, "ITEM_LOGIN_REQUIRED");
    let got = wait_for(&inbox, 14).await;
    assert_eq!(got[13].json()["error"]["error_code"], "ITEM_LOGIN_REQUIRED");

    check_all(&api, &got).await;
    // Nothing more was sent than the test expected (e.g. no duplicate ERROR): the sandbox
    // logs a webhook when it decides to send it, before the API call that caused it answers.
    api.ok("/item/get", json!({"access_token": uk})).await;
    assert_eq!(sandbox.webhook_deliveries().len(), 14);
    assert_eq!(inbox.got.lock().expect("inbox").len(), 14);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_receiver_is_retried_then_given_up_without_slowing_the_api() {
    let inbox = Arc::new(Inbox::default());
    *inbox.status.lock().expect("status") = 500;
    *inbox.slow_default_update.lock().expect("slow") = Duration::from_secs(1);
    let url = receiver(inbox.clone()).await;
    let config = SandboxConfig {
        webhook_retry: RetryPolicy {
            first_delay: Duration::from_millis(100),
            factor: 2,
            window: Duration::from_millis(800),
            timeout: Duration::from_secs(5),
        },
        ..manual_config(50)
    };
    // 100 + 200 + 400 ms fit in 800 ms: four attempts each.
    assert_eq!(config.webhook_retry.delays().len(), 3);
    let (sandbox, api) = start(config).await;
    let (access, _) = new_item(&api, &url, "user_good", "ins_109508").await;
    let started = Instant::now();
    api.ok(
        "/sandbox/item/fire_webhook",
        json!({"access_token": access, "webhook_code": "DEFAULT_UPDATE"}),
    )
    .await;
    api.ok("/item/get", json!({"access_token": access})).await;
    // The receiver takes a second to answer each DEFAULT_UPDATE attempt.
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "API calls do not wait for the receiver ({:?})",
        started.elapsed()
    );
    // 2 linking webhooks in order, then DEFAULT_UPDATE: 3 × 4 attempts.
    let got = wait_for(&inbox, 12).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let deliveries = loop {
        let d = sandbox.webhook_deliveries();
        if d.iter().all(|d| d.outcome != DeliveryOutcome::Pending) {
            break d;
        }
        assert!(Instant::now() < deadline, "{d:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(deliveries.len(), 3);
    for d in &deliveries {
        assert_eq!(d.outcome, DeliveryOutcome::GaveUp, "{d:?}");
        assert_eq!(d.attempts, 4);
        assert_eq!(d.last_error.as_deref(), Some("status 500"));
    }
    // A delivery is marked given up after its last attempt was answered, and its task ends
    // there: the receiver has seen every attempt there will be.
    assert_eq!(
        inbox.got.lock().expect("inbox").len(),
        12,
        "no attempt after giving up"
    );
    // Every attempt carries the same body and a valid signature.
    check_all(&api, &got[..1]).await;
    // The Item still answers.
    api.ok("/accounts/get", json!({"access_token": access}))
        .await;
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_recovers_gets_the_webhook() {
    let inbox = Arc::new(Inbox::default());
    *inbox.status.lock().expect("status") = 503;
    let url = receiver(inbox.clone()).await;
    let config = SandboxConfig {
        webhook_retry: RetryPolicy {
            first_delay: Duration::from_millis(150),
            factor: 4,
            window: Duration::from_secs(60),
            timeout: Duration::from_secs(2),
        },
        ..manual_config(50)
    };
    let (sandbox, api) = start(config).await;
    new_item(&api, &url, "user_good", "ins_109508").await;
    wait_for(&inbox, 1).await;
    *inbox.status.lock().expect("status") = 200;
    wait_for(&inbox, 3).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let d = sandbox.webhook_deliveries();
        if d.iter().all(|d| d.outcome == DeliveryOutcome::Delivered) {
            assert_eq!(d[0].attempts, 2, "{d:?}");
            assert_eq!(d[1].attempts, 1, "{d:?}");
            break;
        }
        assert!(Instant::now() < deadline, "{d:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn only_loopback_and_allowed_hosts_are_contacted() {
    let (sandbox, api) = start(SandboxConfig {
        webhook_allow: vec!["hooks.example.test".into()],
        ..manual_config(20)
    })
    .await;
    new_item(
        &api,
        "https://coffer.invalid/hook",
        "user_good",
        "ins_109508",
    )
    .await;
    new_item(
        &api,
        "http://hooks.example.test:9/hook",
        "user_good",
        "ins_109508",
    )
    .await;
    let deliveries = sandbox.webhook_deliveries();
    assert_eq!(deliveries.len(), 4);
    assert!(
        matches!(deliveries[0].outcome, DeliveryOutcome::Refused(_)),
        "{deliveries:?}"
    );
    assert!(
        !matches!(deliveries[2].outcome, DeliveryOutcome::Refused(_)),
        "an allowed host is tried: {deliveries:?}"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn webhook_key_is_served_only_for_its_kid() {
    let (sandbox, api) = start(manual_config(10)).await;
    let key = api
        .ok(
            "/webhook_verification_key/get",
            json!({"key_id": sandbox.webhook_key_id()}),
        )
        .await;
    assert_eq!(
        (&key["key"]["alg"], &key["key"]["crv"], &key["key"]["kty"]),
        (&json!("ES256"), &json!("P-256"), &json!("EC"))
    );
    let (status, code, _) = api
        .err("/webhook_verification_key/get", json!({"key_id": "other"}))
        .await;
    assert_eq!((status, code.as_str()), (400, "INVALID_FIELD"));
    let other = Sandbox::start("127.0.0.1:0".parse().expect("addr"), manual_config(10))
        .await
        .expect("start");
    assert_ne!(
        other.webhook_key_id(),
        sandbox.webhook_key_id(),
        "a key per start"
    );
    other.shutdown().await;
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_item_with_a_webhook_has_what_the_webhook_announced() {
    let inbox = Arc::new(Inbox::default());
    let url = receiver(inbox.clone()).await;
    let (sandbox, api) = start(manual_config(30)).await;
    let mut request = link_token_request();
    request["webhook"] = json!(url);
    let lt = api.ok("/link/token/create", request).await;
    let (status, success) =
        link_session(&api, lt["link_token"].as_str().expect("lt"), json!({})).await;
    assert_eq!(status, 200, "{success}");
    let got = wait_for(&inbox, 2).await;
    assert_eq!(got[1].json()["historical_update_complete"], json!(true));
    let ex = api
        .ok(
            "/item/public_token/exchange",
            json!({"public_token": success["public_token"]}),
        )
        .await;
    // No NOT_READY first: the data the webhook announced is there.
    let page = api
        .ok(
            "/transactions/sync",
            json!({"access_token": ex["access_token"], "count": 500}),
        )
        .await;
    assert_eq!(
        page["transactions_update_status"],
        "HISTORICAL_UPDATE_COMPLETE"
    );
    assert_eq!(page["added"].as_array().map(Vec::len), Some(30));
    sandbox.shutdown().await;
}
