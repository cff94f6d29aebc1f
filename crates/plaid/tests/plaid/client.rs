//! coffer-plaid against a real coffer-sandbox over HTTP on 127.0.0.1:0: the life of an Item,
//! Link tokens, institutions, the sandbox helpers, every error path, and retries under faults
//! injected with `POST /_faults`. A few transport cases (HTML 502 from a proxy, the exact
//! headers on the wire, connection refused) use a tiny raw TCP server instead, because the
//! sandbox always answers JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use coffer_plaid::*;
use coffer_sandbox::{Sandbox, SandboxConfig};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const CLIENT_ID: &str = "coffer-test-client";
const SECRET: &str = "coffer-test-secret-5f2c";
const INSTITUTION: &str = "ins_109508";

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

async fn start(config: SandboxConfig) -> Sandbox {
    Sandbox::start(loopback(), config)
        .await
        .expect("the sandbox starts")
}

async fn start_recording() -> Sandbox {
    start(SandboxConfig {
        record_exchanges: true,
        ..SandboxConfig::default()
    })
    .await
}

fn tiny_retry(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        rate_limit_delay: Duration::from_millis(20),
    }
}

fn client_for(url: &str) -> PlaidClient {
    PlaidClient::new(url, Credentials::new(CLIENT_ID, SECRET))
        .expect("valid client")
        .with_retry(tiny_retry(3))
}

fn client(sandbox: &Sandbox) -> PlaidClient {
    client_for(&sandbox.url())
}

/// Requests the sandbox recorded for `path` (needs `record_exchanges`).
fn seen(sandbox: &Sandbox, path: &str) -> usize {
    sandbox
        .exchanges()
        .iter()
        .filter(|e| e.path == path)
        .count()
}

async fn fault(sandbox: &Sandbox, spec: Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/_faults", sandbox.url()))
        .json(&spec)
        .send()
        .await
        .expect("POST /_faults");
    assert_eq!(response.status().as_u16(), 200, "fault {spec} accepted");
}

async fn clear_faults(sandbox: &Sandbox) {
    let response = reqwest::Client::new()
        .delete(format!("{}/_faults", sandbox.url()))
        .send()
        .await
        .expect("DELETE /_faults");
    assert_eq!(response.status().as_u16(), 200);
}

async fn new_item(
    client: &PlaidClient,
    username: &str,
    password: &str,
) -> ItemPublicTokenExchangeResponse {
    let request = SandboxPublicTokenCreateRequest::new(INSTITUTION, vec![Product::Transactions])
        .with_user(username, password);
    let public = client
        .sandbox_public_token_create(&request)
        .await
        .expect("public token");
    assert!(
        public.public_token.starts_with("public-sandbox-"),
        "{}",
        public.public_token
    );
    client
        .item_public_token_exchange(&public.public_token)
        .await
        .expect("exchange")
}

/// A public token for a new First Platypus Bank Item (not exchanged yet).
async fn fresh_public_token(client: &PlaidClient) -> SandboxPublicTokenCreateResponse {
    client
        .sandbox_public_token_create(&SandboxPublicTokenCreateRequest::new(
            INSTITUTION,
            vec![Product::Transactions],
        ))
        .await
        .expect("public token")
}

async fn good_item(client: &PlaidClient) -> ItemPublicTokenExchangeResponse {
    new_item(client, "user_good", "pass_good").await
}

struct Synced {
    cursor: String,
    added: Vec<Transaction>,
    modified: Vec<Transaction>,
    removed: Vec<RemovedTransaction>,
    pages: usize,
    last_status: Option<TransactionsUpdateStatus>,
}

/// Pages through `/transactions/sync` from `cursor` until `has_more` is false.
async fn sync_all(client: &PlaidClient, token: &Secret, cursor: &str, count: u32) -> Synced {
    let mut out = Synced {
        cursor: cursor.to_owned(),
        added: Vec::new(),
        modified: Vec::new(),
        removed: Vec::new(),
        pages: 0,
        last_status: None,
    };
    loop {
        let mut request = TransactionsSyncRequest::new(token).with_count(count);
        if !out.cursor.is_empty() {
            request = request.with_cursor(out.cursor.clone());
        }
        let page = client.transactions_sync(&request).await.expect("sync page");
        out.pages += 1;
        assert!(out.pages < 10_000, "sync does not end");
        assert!(page.added.len() + page.modified.len() + page.removed.len() <= count as usize);
        out.added.extend(page.added);
        out.modified.extend(page.modified);
        out.removed.extend(page.removed);
        out.last_status = Some(page.transactions_update_status);
        out.cursor = page.next_cursor;
        if !page.has_more {
            return out;
        }
    }
}

fn decimal_of(value: &Value) -> Decimal {
    match value {
        Value::Number(n) => Decimal::from_str(&n.to_string()).expect("decimal"),
        Value::String(s) => Decimal::from_str(s).expect("decimal"),
        other => panic!("not an amount: {other}"),
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

/// Asserts that a failed call is the Plaid error `code`, and that nothing secret leaks from it.
fn assert_plaid_error<T: std::fmt::Debug>(
    result: Result<T>,
    code: &str,
    secrets: &[&str],
) -> Error {
    let error = result.expect_err(&format!("expected {code}"));
    assert_eq!(
        error.error_code().map(|c| c.as_str()),
        Some(code),
        "{error}"
    );
    assert!(
        error.request_id().is_some_and(|id| !id.is_empty()),
        "request_id kept: {error:?}"
    );
    let text = format!("{error} {error:?}");
    for secret in secrets.iter().chain([&SECRET]) {
        assert!(!text.contains(secret), "{secret} leaked into {text}");
    }
    error
}

// ---------------------------------------------------------------------------------------------
// The life of an Item

#[tokio::test]
async fn item_lifetime_from_public_token_to_removal() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = client(&sandbox);

    let item = good_item(&client).await;
    let token = &item.access_token;
    assert!(token.expose().starts_with("access-sandbox-"));
    assert!(!item.item_id.is_empty());
    assert!(
        !format!("{item:?}").contains(token.expose()),
        "exchange response Debug is redacted"
    );

    // Accounts with exact money.
    let accounts = client.accounts_get(token, None).await.expect("accounts");
    assert_eq!(accounts.item.item_id, item.item_id);
    assert!(
        accounts.accounts.len() >= 9,
        "default Sandbox accounts: {}",
        accounts.accounts.len()
    );
    let checking = accounts
        .accounts
        .iter()
        .find(|a| a.mask.as_deref() == Some("0000"))
        .expect("checking");
    assert_eq!(checking.name, "Plaid Checking");
    assert_eq!(checking.account_type, AccountType::Depository);
    assert_eq!(checking.subtype, Some(AccountSubtype::Checking));
    assert_eq!(checking.balances.available, Some(Decimal::from(100)));
    assert_eq!(checking.balances.current, Some(Decimal::from(110)));
    assert_eq!(checking.balances.iso_currency_code.as_deref(), Some("USD"));
    let k401 = accounts
        .accounts
        .iter()
        .find(|a| a.mask.as_deref() == Some("6666"))
        .expect("401k");
    assert_eq!(
        k401.balances.current,
        Some(Decimal::from_str("23631.9805").unwrap())
    );
    assert_eq!(k401.subtype, Some(AccountSubtype::Plan401k));

    let only = vec![checking.account_id.clone()];
    let filtered = client
        .accounts_get(token, Some(&only))
        .await
        .expect("filtered accounts");
    assert_eq!(filtered.accounts.len(), 1);
    assert_eq!(filtered.accounts[0].account_id, checking.account_id);

    let balances = client
        .accounts_balance_get(token, None)
        .await
        .expect("balances");
    let ids = |r: &AccountsGetResponse| {
        r.accounts
            .iter()
            .map(|a| a.account_id.clone())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(ids(&balances), ids(&accounts));

    // Sync to completion, 500 per page: every transaction of the Item exactly once.
    let synced = sync_all(&client, token, "", 500).await;
    assert!(!synced.cursor.is_empty());
    let truth = sandbox.transactions_of_item(&item.item_id);
    assert!(
        truth.len() > 500,
        "more than one page of history ({})",
        truth.len()
    );
    assert!(
        synced.pages >= truth.len().div_ceil(500),
        "pages of at most 500"
    );
    let mut by_id: BTreeMap<&str, &Transaction> = BTreeMap::new();
    for txn in &synced.added {
        assert!(
            by_id.insert(&txn.transaction_id, txn).is_none(),
            "{} seen twice",
            txn.transaction_id
        );
    }
    for txn in &synced.modified {
        by_id.insert(&txn.transaction_id, txn);
    }
    for removed in &synced.removed {
        by_id.remove(removed.transaction_id.as_str());
    }
    assert_eq!(
        by_id.len(),
        truth.len(),
        "the client saw what the sandbox holds"
    );
    for expected in &truth {
        let id = expected["transaction_id"].as_str().expect("transaction_id");
        let got = by_id.get(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(
            got.amount,
            decimal_of(&expected["amount"]),
            "amount of {id} is exact"
        );
        assert_eq!(got.account_id, expected["account_id"].as_str().unwrap());
        assert_eq!(got.date.to_string(), expected["date"].as_str().unwrap());
        assert_eq!(got.pending, expected["pending"].as_bool().unwrap());
    }

    // Nothing new from the final cursor.
    let again = sync_all(&client, token, &synced.cursor, 500).await;
    assert!(again.added.is_empty() && again.modified.is_empty() && again.removed.is_empty());
    assert_eq!(again.pages, 1);

    // /item/get
    let got = client.item_get(token).await.expect("item");
    assert_eq!(got.item.item_id, item.item_id);
    assert_eq!(got.item.institution_id.as_deref(), Some(INSTITUTION));
    assert!(got.item.error.is_none());
    let products = got
        .item
        .products
        .clone()
        .unwrap_or_else(|| got.item.billed_products.clone());
    assert!(products.contains(&Product::Transactions), "{products:?}");

    // Reset login: every data call answers ITEM_LOGIN_REQUIRED, and item.error says so.
    let reset = client
        .sandbox_item_reset_login(token)
        .await
        .expect("reset login");
    assert!(reset.reset_login);
    let secrets = [token.expose()];
    let e = assert_plaid_error(
        client.accounts_get(token, None).await,
        "ITEM_LOGIN_REQUIRED",
        &secrets,
    );
    assert!(e.is_item_login_required());
    assert_eq!(e.status(), Some(400));
    assert_eq!(e.plaid_error().unwrap().error_type, ErrorType::ItemError);
    assert!(!e.is_retryable());
    let e = assert_plaid_error(
        client.accounts_balance_get(token, None).await,
        "ITEM_LOGIN_REQUIRED",
        &secrets,
    );
    assert!(e.is_item_login_required());
    let first_page = TransactionsSyncRequest::new(token);
    let e = assert_plaid_error(
        client.transactions_sync(&first_page).await,
        "ITEM_LOGIN_REQUIRED",
        &secrets,
    );
    assert!(e.is_item_login_required());
    let broken = client
        .item_get(token)
        .await
        .expect("item/get still answers");
    let item_error = broken.item.error.expect("item.error is set");
    assert_eq!(item_error.error_code, "ITEM_LOGIN_REQUIRED");
    assert_eq!(item_error.error_type, ErrorType::ItemError);

    // Remove: the token is dead.
    client.item_remove(token).await.expect("remove");
    let e = client.item_get(token).await.expect_err("removed item");
    assert!(
        matches!(
            e.error_code().map(|c| c.as_str()),
            Some("ITEM_NOT_FOUND" | "INVALID_ACCESS_TOKEN")
        ),
        "after /item/remove: {e}"
    );
    assert!(!format!("{e} {e:?}").contains(token.expose()));
    sandbox.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Link tokens

#[tokio::test]
async fn link_tokens_new_hosted_and_update_mode() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = client(&sandbox);
    let http = reqwest::Client::new();

    // A token for a new Item: 4 hours.
    let before = Utc::now();
    let created = client
        .link_token_create(&link_request())
        .await
        .expect("link token");
    assert!(
        created.link_token.starts_with("link-sandbox-"),
        "{}",
        created.link_token
    );
    let lifetime = created.expiration - before;
    assert!(
        lifetime > chrono::Duration::minutes(235) && lifetime <= chrono::Duration::minutes(241),
        "{lifetime}"
    );
    assert!(created.hosted_link_url.is_none());

    let got = client
        .link_token_get(&created.link_token)
        .await
        .expect("link token get");
    assert_eq!(got.link_token, created.link_token);
    assert_eq!(got.metadata.initial_products, vec![Product::Transactions]);
    assert_eq!(got.metadata.country_codes, vec![CountryCode::Us]);
    assert_eq!(got.metadata.client_name.as_deref(), Some("Coffer"));
    assert_eq!(got.expiration, Some(created.expiration));
    assert!(got.link_sessions.unwrap_or_default().is_empty());

    // The user finishes Link; /link/token/get shows the session and its public token.
    let finished: Value = http
        .post(format!("{}/_link/sessions", sandbox.url()))
        .json(
            &json!({"link_token": created.link_token, "institution_id": INSTITUTION,
                      "username": "user_good", "password": "pass_good", "status": "success"}),
        )
        .send()
        .await
        .expect("finish link")
        .json()
        .await
        .expect("json");
    let public_token = finished["public_token"]
        .as_str()
        .expect("onSuccess public_token")
        .to_owned();
    let got = client
        .link_token_get(&created.link_token)
        .await
        .expect("link token get");
    let sessions = got.link_sessions.expect("sessions");
    assert_eq!(sessions.len(), 1);
    let results = sessions[0].results.as_ref().expect("results");
    assert_eq!(results.item_add_results[0].public_token, public_token);
    assert_eq!(
        results.item_add_results[0]
            .institution
            .as_ref()
            .and_then(|i| i.institution_id.as_deref()),
        Some(INSTITUTION)
    );
    assert!(!results.item_add_results[0].accounts.is_empty());
    let item = client
        .item_public_token_exchange(&public_token)
        .await
        .expect("exchange");

    // Hosted Link: a URL to open in the browser, 30 minutes by default.
    let hosted = client
        .link_token_create(&LinkTokenCreateRequest {
            hosted_link: Some(LinkTokenHostedLink {
                completion_redirect_uri: Some("coffer://link-done".into()),
                ..Default::default()
            }),
            ..link_request()
        })
        .await
        .expect("hosted link token");
    let url = hosted.hosted_link_url.expect("hosted_link_url");
    assert!(url.starts_with("http"), "{url}");
    assert!(hosted.expiration - Utc::now() <= chrono::Duration::minutes(31));

    // Update mode repairs an Item that needs a login.
    client
        .sandbox_item_reset_login(&item.access_token)
        .await
        .expect("reset");
    let update = client
        .link_token_create(&LinkTokenCreateRequest {
            products: None,
            access_token: Some(item.access_token.clone()),
            update: Some(LinkTokenUpdate {
                account_selection_enabled: Some(true),
                ..Default::default()
            }),
            ..link_request()
        })
        .await
        .expect("update-mode link token");
    assert!(
        update.expiration - Utc::now() <= chrono::Duration::minutes(31),
        "update tokens last 30 min"
    );
    let repaired = http
        .post(format!("{}/_link/sessions", sandbox.url()))
        .json(
            &json!({"link_token": update.link_token, "username": "user_good",
                      "password": "pass_good", "status": "success"}),
        )
        .send()
        .await
        .expect("finish update link");
    assert_eq!(repaired.status().as_u16(), 200);
    let fixed = client.item_get(&item.access_token).await.expect("item");
    assert!(
        fixed.item.error.is_none(),
        "update mode cleared ITEM_LOGIN_REQUIRED"
    );
    client
        .accounts_get(&item.access_token, None)
        .await
        .expect("data calls work again");

    // products with an access token is a developer error; balance is not a product.
    let both = client
        .link_token_create(&LinkTokenCreateRequest {
            access_token: Some(item.access_token.clone()),
            ..link_request()
        })
        .await;
    let e = assert_plaid_error(both, "INVALID_FIELD", &[item.access_token.expose()]);
    assert_eq!(
        e.plaid_error().unwrap().error_type,
        ErrorType::InvalidRequest
    );
    let balance = client
        .link_token_create(&LinkTokenCreateRequest {
            products: Some(vec![Product::Balance]),
            ..link_request()
        })
        .await;
    assert_plaid_error(balance, "INVALID_PRODUCT", &[]);
    assert_plaid_error(
        client.link_token_get("link-sandbox-unknown").await,
        "INVALID_LINK_TOKEN",
        &[],
    );
    sandbox.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Institutions, sandbox helpers

#[tokio::test]
async fn institutions_get_by_id() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = client(&sandbox);
    let found = client
        .institutions_get_by_id(&InstitutionsGetByIdRequest::new(
            INSTITUTION,
            vec![CountryCode::Us],
        ))
        .await
        .expect("institution");
    assert_eq!(found.institution.institution_id, INSTITUTION);
    assert_eq!(found.institution.name, "First Platypus Bank");
    assert!(!found.institution.oauth);
    assert!(found.institution.products.contains(&Product::Transactions));
    assert!(found.institution.country_codes.contains(&CountryCode::Us));

    let oauth = client
        .institutions_get_by_id(&InstitutionsGetByIdRequest {
            options: Some(InstitutionsGetByIdOptions {
                include_optional_metadata: Some(true),
                include_status: Some(true),
                ..Default::default()
            }),
            ..InstitutionsGetByIdRequest::new("ins_127287", vec![CountryCode::Us])
        })
        .await
        .expect("oauth institution");
    assert!(oauth.institution.oauth, "Platypus OAuth Bank");

    let missing = client
        .institutions_get_by_id(&InstitutionsGetByIdRequest::new(
            "ins_does_not_exist",
            vec![CountryCode::Us],
        ))
        .await;
    assert_plaid_error(missing, "INVALID_INSTITUTION", &[]);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn dynamic_item_gets_created_and_refreshed_transactions() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = client(&sandbox);
    let item = new_item(&client, "user_transactions_dynamic", "any-password").await;
    let token = &item.access_token;
    let initial = sync_all(&client, token, "", 500).await;
    assert!(!initial.added.is_empty());

    let day = |d: u32| NaiveDate::from_ymd_opt(2025, 3, d).unwrap();
    let created = [
        SandboxTransaction {
            date_transacted: day(1),
            date_posted: day(2),
            amount: Decimal::from_str("12.34").unwrap(),
            description: "Coffer test coffee".into(),
            iso_currency_code: Some("USD".into()),
        },
        SandboxTransaction {
            date_transacted: day(3),
            date_posted: day(3),
            amount: Decimal::from_str("-2078.5").unwrap(),
            description: "Coffer test refund".into(),
            iso_currency_code: None,
        },
    ];
    client
        .sandbox_transactions_create(token, &created)
        .await
        .expect("create transactions");
    let after_create = sync_all(&client, token, &initial.cursor, 500).await;
    for want in &created {
        let got = after_create
            .added
            .iter()
            .find(|t| {
                t.name == want.description
                    || t.original_description.as_deref() == Some(&want.description)
            })
            .unwrap_or_else(|| panic!("{} not synced", want.description));
        assert_eq!(
            got.amount, want.amount,
            "exact amount for {}",
            want.description
        );
        assert_eq!(got.date, want.date_posted);
    }

    client.transactions_refresh(token).await.expect("refresh");
    let after_refresh = sync_all(&client, token, &after_create.cursor, 500).await;
    assert!(
        !after_refresh.added.is_empty(),
        "refresh of a dynamic item adds transactions"
    );

    // Only dynamic Items accept created transactions.
    let good = good_item(&client).await;
    let refused = client
        .sandbox_transactions_create(&good.access_token, &created)
        .await;
    assert_plaid_error(refused, "INVALID_FIELD", &[good.access_token.expose()]);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn fire_webhook_needs_a_webhook_on_the_item() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = client(&sandbox);
    let request = SandboxPublicTokenCreateRequest::new(INSTITUTION, vec![Product::Transactions])
        .with_webhook("https://coffer.invalid/hook");
    let public = client
        .sandbox_public_token_create(&request)
        .await
        .expect("public token");
    let item = client
        .item_public_token_exchange(&public.public_token)
        .await
        .expect("exchange");
    let fired = client
        .sandbox_item_fire_webhook(
            &item.access_token,
            "SYNC_UPDATES_AVAILABLE",
            Some("TRANSACTIONS"),
        )
        .await
        .expect("fire webhook");
    assert!(fired.webhook_fired);
    let status = client
        .item_get(&item.access_token)
        .await
        .expect("item")
        .status
        .expect("status");
    let last = status.last_webhook.expect("last webhook recorded");
    assert_eq!(last.code_sent.as_deref(), Some("SYNC_UPDATES_AVAILABLE"));

    let plain = good_item(&client).await;
    let refused = client
        .sandbox_item_fire_webhook(&plain.access_token, "DEFAULT_UPDATE", None)
        .await;
    let e = assert_plaid_error(
        refused,
        "SANDBOX_WEBHOOK_INVALID",
        &[plain.access_token.expose()],
    );
    assert_eq!(e.plaid_error().unwrap().error_type, ErrorType::SandboxError);
    sandbox.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Error paths

#[tokio::test]
async fn wrong_api_keys_are_invalid_api_keys_and_not_retried() {
    let sandbox = start(SandboxConfig {
        credentials: Some((CLIENT_ID.into(), SECRET.into())),
        record_exchanges: true,
        ..SandboxConfig::default()
    })
    .await;
    let right = client(&sandbox);
    right
        .institutions_get_by_id(&InstitutionsGetByIdRequest::new(
            INSTITUTION,
            vec![CountryCode::Us],
        ))
        .await
        .expect("the configured keys work");

    let wrong_secret = "not-the-secret-91ab";
    let wrong = PlaidClient::new(&sandbox.url(), Credentials::new(CLIENT_ID, wrong_secret))
        .unwrap()
        .with_retry(tiny_retry(3));
    let before = seen(&sandbox, "/link/token/create");
    let e = assert_plaid_error(
        wrong.link_token_create(&link_request()).await,
        "INVALID_API_KEYS",
        &[wrong_secret],
    );
    assert_eq!(
        e.status(),
        Some(400),
        "INVALID_API_KEYS is a 400, not a 401"
    );
    assert_eq!(e.plaid_error().unwrap().error_type, ErrorType::InvalidInput);
    assert_eq!(
        seen(&sandbox, "/link/token/create") - before,
        1,
        "not retried"
    );

    let wrong_id =
        PlaidClient::new(&sandbox.url(), Credentials::new("someone-else", SECRET)).unwrap();
    assert_plaid_error(
        wrong_id.link_token_create(&link_request()).await,
        "INVALID_API_KEYS",
        &[],
    );

    // The body never carries the credentials: they travel in headers.
    for exchange in sandbox.exchanges() {
        let body = exchange.request.as_object().expect("JSON object body");
        assert!(
            !body.contains_key("secret") && !body.contains_key("client_id"),
            "{}",
            exchange.path
        );
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn token_errors() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = client(&sandbox);

    assert_plaid_error(
        client
            .item_public_token_exchange(concat!(
                "public-",
                "sandbox-00000000-0000-4000-8000-000000000000"
            ))
            .await,
        "INVALID_PUBLIC_TOKEN",
        &[],
    );

    // A public token is single-use.
    let public = fresh_public_token(&client).await;
    let first = client
        .item_public_token_exchange(&public.public_token)
        .await
        .expect("first exchange");
    let reuse = client
        .item_public_token_exchange(&public.public_token)
        .await;
    let e = assert_plaid_error(
        reuse,
        "INVALID_PUBLIC_TOKEN",
        &[first.access_token.expose()],
    );
    assert_eq!(e.plaid_error().unwrap().error_type, ErrorType::InvalidInput);

    let bogus = Secret::new(concat!(
        "access-",
        "sandbox-6b0c8a64-0000-4000-8000-bogusbogus00"
    ));
    for result in [
        client.item_get(&bogus).await.map(|_| ()),
        client.accounts_get(&bogus, None).await.map(|_| ()),
        client
            .transactions_sync(&TransactionsSyncRequest::new(&bogus))
            .await
            .map(|_| ()),
        client.item_remove(&bogus).await.map(|_| ()),
    ] {
        assert_plaid_error(result, "INVALID_ACCESS_TOKEN", &[bogus.expose()]);
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn sandbox_error_passwords_and_invalid_product() {
    let sandbox = start_recording().await;
    let client = client(&sandbox);
    for code in ["ITEM_LOCKED", "INVALID_CREDENTIALS", "INSTITUTION_DOWN"] {
        let request =
            SandboxPublicTokenCreateRequest::new(INSTITUTION, vec![Product::Transactions])
                .with_user("user_good", format!("error_{code}"));
        let before = seen(&sandbox, "/sandbox/public_token/create");
        let e = assert_plaid_error(
            client.sandbox_public_token_create(&request).await,
            code,
            &[],
        );
        assert_eq!(e.status(), Some(400), "{code}");
        assert!(!e.is_retryable(), "{code}");
        assert_eq!(
            seen(&sandbox, "/sandbox/public_token/create") - before,
            1,
            "{code} not retried"
        );
        let expected_type = if code == "INSTITUTION_DOWN" {
            ErrorType::InstitutionError
        } else {
            ErrorType::ItemError
        };
        assert_eq!(e.plaid_error().unwrap().error_type, expected_type);
    }
    let wrong_password =
        SandboxPublicTokenCreateRequest::new(INSTITUTION, vec![Product::Transactions])
            .with_user("user_good", "not-the-password");
    assert_plaid_error(
        client.sandbox_public_token_create(&wrong_password).await,
        "INVALID_CREDENTIALS",
        &[],
    );

    let balance = SandboxPublicTokenCreateRequest::new(INSTITUTION, vec![Product::Balance]);
    let e = assert_plaid_error(
        client.sandbox_public_token_create(&balance).await,
        "INVALID_PRODUCT",
        &[],
    );
    assert_eq!(e.plaid_error().unwrap().error_type, ErrorType::InvalidInput);
    sandbox.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Retries under injected faults

#[tokio::test]
async fn retries_rate_limits_and_server_errors_until_success() {
    let sandbox = start_recording().await;
    let client = client(&sandbox); // 3 retries
    let item = good_item(&client).await;
    let token = &item.access_token;

    for (path, status) in [
        ("/accounts/get", 429),
        ("/item/get", 500),
        ("/transactions/sync", 503),
    ] {
        fault(
            &sandbox,
            json!({"path": path, "status": status, "times": 2}),
        )
        .await;
        let before = seen(&sandbox, path);
        let outcome = match path {
            "/accounts/get" => client.accounts_get(token, None).await.map(|r| r.request_id),
            "/item/get" => client.item_get(token).await.map(|r| r.request_id),
            _ => client
                .transactions_sync(&TransactionsSyncRequest::new(token))
                .await
                .map(|r| r.request_id),
        };
        outcome.unwrap_or_else(|e| panic!("{path} succeeds after two {status}s: {e}"));
        let statuses: Vec<u16> = sandbox
            .exchanges()
            .iter()
            .filter(|e| e.path == path)
            .skip(before)
            .map(|e| e.status)
            .collect();
        assert_eq!(statuses, vec![status, status, 200], "{path}");
        clear_faults(&sandbox).await;
    }

    // A state-changing call is retried on 429 too: nothing happened server-side.
    let public = fresh_public_token(&client).await;
    fault(
        &sandbox,
        json!({"path": "/item/public_token/exchange", "error_code": "RATE_LIMIT", "times": 1}),
    )
    .await;
    client
        .item_public_token_exchange(&public.public_token)
        .await
        .expect("exchange after a 429");
    assert_eq!(
        seen(&sandbox, "/item/public_token/exchange"),
        3,
        "2 for the first item + 429 + 200"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_public_token_exchange_is_not_repeated_after_a_server_error() {
    let sandbox = start_recording().await;
    let client = client(&sandbox); // 3 retries
    for status in [500, 502, 504] {
        let public = fresh_public_token(&client).await;
        let before = seen(&sandbox, "/item/public_token/exchange");
        fault(
            &sandbox,
            json!({"path": "/item/public_token/exchange", "error_code": "INTERNAL_SERVER_ERROR",
                   "status": status, "times": 1}),
        )
        .await;
        // Plaid may have exchanged (and so used up) the public token before failing: the
        // error goes back to the caller after one attempt.
        let e = client
            .item_public_token_exchange(&public.public_token)
            .await
            .expect_err("no blind retry");
        assert_eq!(e.status(), Some(status), "{e}");
        assert_eq!(
            seen(&sandbox, "/item/public_token/exchange") - before,
            1,
            "one attempt after a {status}"
        );
        clear_faults(&sandbox).await;
    }
    // A read is retried through 502 and 504.
    let item = good_item(&client).await;
    for status in [502, 504] {
        fault(
            &sandbox,
            json!({"path": "/accounts/get", "error_code": "INTERNAL_SERVER_ERROR", "status": status, "times": 2}),
        )
        .await;
        let before = seen(&sandbox, "/accounts/get");
        client
            .accounts_get(&item.access_token, None)
            .await
            .unwrap_or_else(|e| panic!("retried through two {status}s: {e}"));
        assert_eq!(seen(&sandbox, "/accounts/get") - before, 3, "{status}");
        clear_faults(&sandbox).await;
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn gives_up_after_max_retries_with_the_last_error() {
    let sandbox = start_recording().await;
    let client = client(&sandbox).with_retry(tiny_retry(2));
    let item = good_item(&client).await;

    // 429, then 503, then 500 forever: three attempts, the error is the third.
    fault(
        &sandbox,
        json!({"path": "/accounts/get", "status": 429, "times": 1}),
    )
    .await;
    fault(
        &sandbox,
        json!({"path": "/accounts/get", "status": 503, "after": 1, "times": 1}),
    )
    .await;
    fault(
        &sandbox,
        json!({"path": "/accounts/get", "error_code": "INTERNAL_SERVER_ERROR", "after": 2}),
    )
    .await;
    let e = client
        .accounts_get(&item.access_token, None)
        .await
        .expect_err("keeps failing");
    assert_eq!(e.status(), Some(500), "{e}");
    assert_eq!(e.error_code(), Some(&types::ErrorCode::InternalServerError));
    assert!(e.is_retryable());
    let statuses: Vec<u16> = sandbox
        .exchanges()
        .iter()
        .filter(|x| x.path == "/accounts/get")
        .map(|x| x.status)
        .collect();
    assert_eq!(statuses, vec![429, 503, 500], "1 attempt + max_retries");

    // No retries at all with RetryPolicy::none().
    let once = client.clone().with_retry(RetryPolicy::none());
    once.accounts_get(&item.access_token, None)
        .await
        .expect_err("500");
    assert_eq!(seen(&sandbox, "/accounts/get"), 4);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn item_and_institution_errors_are_never_retried() {
    let sandbox = start_recording().await;
    let client = client(&sandbox);
    let item = good_item(&client).await;
    let token = &item.access_token;

    fault(
        &sandbox,
        json!({"path": "/transactions/sync", "error_code": "INSTITUTION_DOWN"}),
    )
    .await;
    let e = assert_plaid_error(
        client
            .transactions_sync(&TransactionsSyncRequest::new(token))
            .await,
        "INSTITUTION_DOWN",
        &[token.expose()],
    );
    assert!(!e.is_retryable());
    assert_eq!(
        seen(&sandbox, "/transactions/sync"),
        1,
        "INSTITUTION_DOWN is not retried"
    );
    clear_faults(&sandbox).await;

    client.sandbox_item_reset_login(token).await.expect("reset");
    let before = seen(&sandbox, "/accounts/get");
    let e = client
        .accounts_get(token, None)
        .await
        .expect_err("login required");
    assert!(e.is_item_login_required());
    assert_eq!(
        seen(&sandbox, "/accounts/get") - before,
        1,
        "ITEM_LOGIN_REQUIRED is not retried"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn dropped_connections() {
    let sandbox = start_recording().await;
    let client = client(&sandbox); // 3 retries
    let item = good_item(&client).await;
    let token = &item.access_token;

    // An idempotent call survives two dropped connections (the third attempt answers).
    fault(
        &sandbox,
        json!({"path": "/accounts/get", "drop_connection": true, "times": 2}),
    )
    .await;
    client
        .accounts_get(token, None)
        .await
        .expect("succeeds on the third attempt");
    clear_faults(&sandbox).await;

    // It gives up after 1 + max_retries attempts: of 5 armed drops, 2 are left for us.
    let two_retries = client.clone().with_retry(tiny_retry(2));
    fault(
        &sandbox,
        json!({"path": "/item/get", "drop_connection": true, "times": 5}),
    )
    .await;
    let e = two_retries
        .item_get(token)
        .await
        .expect_err("every attempt dropped");
    match &e {
        Error::Transport {
            connect,
            timeout,
            message,
        } => {
            assert!(!connect && !timeout, "{e:?}");
            assert!(message.starts_with("/item/get"), "{message}");
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(e.is_retryable());
    assert!(!format!("{e} {e:?}").contains(token.expose()));
    let once = client.clone().with_retry(RetryPolicy::none());
    let mut dropped_after = 0;
    while once.item_get(token).await.is_err() {
        dropped_after += 1;
        assert!(dropped_after <= 5);
    }
    assert_eq!(dropped_after, 2, "the client used exactly 3 of the 5 drops");
    clear_faults(&sandbox).await;

    // A public-token exchange is not replayed after a dropped connection: had the first attempt
    // reached Plaid, the replay would answer INVALID_PUBLIC_TOKEN and lose the access token.
    let public = fresh_public_token(&client).await;
    fault(
        &sandbox,
        json!({"path": "/item/public_token/exchange", "drop_connection": true, "times": 1}),
    )
    .await;
    let e = client
        .item_public_token_exchange(&public.public_token)
        .await
        .expect_err("not replayed");
    assert!(
        matches!(e, Error::Transport { connect: false, .. }),
        "{e:?}"
    );
    // The sandbox dropped it before doing anything, so the token is still good.
    client
        .item_public_token_exchange(&public.public_token)
        .await
        .expect("exchange");

    // Same for /item/remove.
    fault(
        &sandbox,
        json!({"path": "/item/remove", "drop_connection": true, "times": 1}),
    )
    .await;
    assert!(matches!(
        client.item_remove(token).await,
        Err(Error::Transport { .. })
    ));
    client
        .item_remove(token)
        .await
        .expect("the item was still there");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_timed_out_request_is_not_retried() {
    let sandbox = start_recording().await;
    let client = client(&sandbox)
        .with_timeouts(Timeouts {
            connect: Duration::from_secs(2),
            request: Duration::from_millis(200),
            balance: Duration::from_millis(1500),
        })
        .expect("timeouts");
    let item = good_item(&client).await;

    fault(
        &sandbox,
        json!({"path": "/item/get", "delay_ms": 1000, "times": 1}),
    )
    .await;
    let started = Instant::now();
    let e = client
        .item_get(&item.access_token)
        .await
        .expect_err("times out");
    let elapsed = started.elapsed();
    assert!(matches!(e, Error::Transport { timeout: true, .. }), "{e:?}");
    assert!(
        elapsed < Duration::from_millis(900),
        "gave up at the timeout, no retry: {elapsed:?}"
    );

    // /accounts/balance/get has its own, longer timeout.
    fault(
        &sandbox,
        json!({"path": "/accounts/balance/get", "delay_ms": 500, "times": 1}),
    )
    .await;
    client
        .accounts_balance_get(&item.access_token, None)
        .await
        .expect("balance within its timeout");
    sandbox.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Transport details against a raw TCP server

/// Serves each connection one canned HTTP response; counts requests and keeps the last one.
struct RawServer {
    url: String,
    requests: Arc<AtomicUsize>,
    last_request: Arc<std::sync::Mutex<String>>,
}

async fn raw_server(response: String) -> RawServer {
    let listener = TcpListener::bind(loopback()).await.expect("bind");
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let last_request = Arc::new(std::sync::Mutex::new(String::new()));
    let (count, last) = (requests.clone(), last_request.clone());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (count, last, response) = (count.clone(), last.clone(), response.clone());
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                let mut chunk = [0u8; 4096];
                // Read the head and the Content-Length body.
                loop {
                    let n = stream.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buffer.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buffer).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text[..end]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().to_owned())
                            })
                            .and_then(|v| v.parse::<usize>().ok())
                            .unwrap_or(0);
                        if buffer.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                count.fetch_add(1, Ordering::SeqCst);
                *last.lock().unwrap() = String::from_utf8_lossy(&buffer).to_string();
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    RawServer {
        url,
        requests,
        last_request,
    }
}

fn http_response(status_line: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status_line}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

#[tokio::test]
async fn a_proxy_html_502_is_a_clear_error_with_the_status() {
    let server = raw_server(http_response(
        "502 Bad Gateway",
        "text/html",
        "<html><body><h1>502 Bad Gateway</h1><p>upstream down</p></body></html>",
    ))
    .await;
    let client = client_for(&server.url);
    let token = Secret::new("access-sandbox-proxy-test");
    let e = client.item_get(&token).await.expect_err("502");
    match &e {
        Error::UnexpectedResponse {
            status,
            content_type,
            snippet,
            endpoint,
        } => {
            assert_eq!(*status, 502);
            assert_eq!(endpoint, "/item/get");
            assert_eq!(content_type.as_deref(), Some("text/html"));
            assert!(snippet.contains("502 Bad Gateway"), "{snippet}");
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
    assert!(e.to_string().contains("HTTP 502"), "{e}");
    // A gateway error of a read is retried (1 attempt + 3 retries), then reported whole.
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        4,
        "502 is retried for a call that is safe to repeat"
    );

    let unavailable = raw_server(http_response(
        "503 Service Unavailable",
        "text/html",
        "<html>try later</html>",
    ))
    .await;
    let e = client_for(&unavailable.url)
        .item_get(&token)
        .await
        .expect_err("503");
    assert_eq!(e.status(), Some(503));
    assert_eq!(
        unavailable.requests.load(Ordering::SeqCst),
        4,
        "503 is retried 3 times"
    );
}

#[tokio::test]
async fn requests_carry_headers_not_credentials_in_the_body() {
    let server = raw_server(http_response(
        "200 OK",
        "application/json",
        r#"{"request_id":"abcdefghijk"}"#,
    ))
    .await;
    let client = client_for(&format!("{}/", server.url)); // trailing slash tolerated
    let token = Secret::new("access-sandbox-header-test");
    let response = client.item_remove(&token).await.expect("200");
    assert_eq!(response.request_id, "abcdefghijk");
    let raw = server.last_request.lock().unwrap().clone();
    let (head, body) = raw.split_once("\r\n\r\n").expect("head and body");
    let head_lower = head.to_ascii_lowercase();
    assert!(head.starts_with("POST /item/remove HTTP/1.1"), "{head}");
    for line in [
        format!("plaid-client-id: {CLIENT_ID}"),
        format!("plaid-secret: {SECRET}"),
        "plaid-version: 2020-09-14".to_owned(),
        "content-type: application/json".to_owned(),
        format!("user-agent: coffer/{}", env!("CARGO_PKG_VERSION")),
    ] {
        assert!(
            head_lower.contains(&line.to_ascii_lowercase()),
            "missing {line:?} in\n{head}"
        );
    }
    let body: Value = serde_json::from_str(body).expect("JSON body");
    assert_eq!(body, json!({"access_token": "access-sandbox-header-test"}));
}

#[tokio::test]
async fn connection_refused_is_a_retried_connect_error() {
    let listener = std::net::TcpListener::bind(loopback()).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = client_for(&url);
    let public = client
        .item_public_token_exchange("public-sandbox-x")
        .await
        .expect_err("refused");
    match &public {
        Error::Transport {
            connect, message, ..
        } => {
            assert!(connect, "{public:?}");
            assert!(
                message.starts_with("/item/public_token/exchange: could not connect"),
                "{message}"
            );
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(!public.to_string().contains(SECRET));
}

// ---------------------------------------------------------------------------------------------
// Logs

/// A `MakeWriter` that appends to a shared buffer.
#[derive(Clone, Default)]
struct LogBuffer(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogBuffer {
    type Writer = LogBuffer;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn logs_name_path_status_and_request_id_but_never_a_secret() {
    let sandbox = start_recording().await;
    let client = client(&sandbox);
    // The process-wide subscriber, not a thread's own: tracing caches whether a call site is
    // enabled, and a site first reached by another test's thread (with no subscriber) could
    // stay silent here. Other tests' lines land in the buffer too; none may hold a secret.
    static LOGS: std::sync::OnceLock<LogBuffer> = std::sync::OnceLock::new();
    let logs = LOGS
        .get_or_init(|| {
            let logs = LogBuffer::default();
            let subscriber = tracing_subscriber::fmt()
                .with_writer(logs.clone())
                .with_max_level(tracing::Level::TRACE)
                .with_ansi(false)
                .finish();
            tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
            logs
        })
        .clone();

    let item = good_item(&client).await;
    let token = &item.access_token;
    fault(
        &sandbox,
        json!({"path": "/accounts/get", "status": 503, "times": 1}),
    )
    .await;
    client
        .accounts_get(token, None)
        .await
        .expect("succeeds after one retry");
    client.sandbox_item_reset_login(token).await.expect("reset");
    let failed = client.item_get(token).await.expect("item");
    assert!(failed.item.error.is_some());
    let e = client
        .accounts_get(token, None)
        .await
        .expect_err("login required");
    let request_id = e.request_id().expect("request id").to_owned();
    fault(
        &sandbox,
        json!({"path": "/item/get", "drop_connection": true, "times": 9}),
    )
    .await;
    client.item_get(token).await.expect_err("dropped");

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("retrying Plaid request"), "{text}");
    assert!(
        text.contains("path=\"/accounts/get\"") || text.contains("path=/accounts/get"),
        "{text}"
    );
    assert!(text.contains("status=400"), "{text}");
    assert!(
        text.contains(&request_id),
        "the failing call's request_id is logged: {text}"
    );
    assert!(text.contains("ITEM_LOGIN_REQUIRED"), "{text}");
    for secret in [SECRET, token.expose()] {
        assert!(!text.contains(secret), "{secret} in logs:\n{text}");
    }
    sandbox.shutdown().await;
}
