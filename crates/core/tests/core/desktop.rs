//! The commands the desktop shell added: the Link script URL, products in the settings,
//! test_connection, the event log, balance history, spending by category, the sandbox tools
//! (transactions, faults) and the data revision the shell polls.

use std::collections::BTreeMap;
use std::sync::Arc;

use coffer_core::{
    AppError, Coffer, CofferConfig, Credentials, EnvConfig, ErrorCode, HistoryInput,
    LINK_SCRIPT_URL, ListEventsInput, Mode, NewSandboxTransaction, OpenOptions, SandboxFaultInput,
    Secret, SettingsInput, SpendingRow, SyncStatus, TestConnectionInput, Vault,
};
use rust_decimal::Decimal;
use serde_json::json;

use crate::common::*;

fn history(v: serde_json::Value) -> HistoryInput {
    serde_json::from_value(v).expect("history input")
}

fn code(r: Result<impl std::fmt::Debug, AppError>) -> ErrorCode {
    r.expect_err("must fail").code()
}

/// Opens a Coffer configured by `env` (as `Coffer::open` does) in a fresh home.
async fn open_env(home: &std::path::Path, vault: Arc<dyn Vault>, env: EnvConfig) -> Coffer {
    Coffer::open_with(OpenOptions {
        home: Some(home.to_path_buf()),
        vault: Some(vault),
        env: Some(env),
    })
    .await
    .expect("open")
}

fn sandbox_env(url: &str) -> EnvConfig {
    EnvConfig {
        client_id: Some(CLIENT_ID.into()),
        secret: Some(SECRET.into()),
        environment: Some(Mode::Sandbox),
        base_url: Some(url.into()),
        // The local sandbox speaks plain http; real keys never may (below).
        allow_http: true,
    }
}

#[tokio::test]
async fn keys_are_never_sent_to_a_plain_http_url() {
    let env = start("desk-http").await;
    let url = env.sandbox.url();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    // COFFER_PLAID_URL on loopback with keys set, as from_process reads it: refused, and
    // nothing is sent there (the sandbox sees no request with the secret).
    let home = tempfile::tempdir().expect("dir");
    let (vault, _) = test_vault("desk-http-env");
    let err = Coffer::open_with(OpenOptions {
        home: Some(home.path().to_path_buf()),
        vault: Some(vault.clone()),
        env: Some(EnvConfig {
            allow_http: false,
            ..sandbox_env(&url)
        }),
    })
    .await
    .expect_err("http with keys");
    assert_eq!(err.code(), ErrorCode::NotConfigured, "{err}");
    assert!(err.to_string().contains("https://"), "{err}");
    assert!(!err.to_string().contains(SECRET), "{err}");
    // test_connection from an offline app with keys typed in: the same rule.
    let bare = open_env(
        home.path(),
        vault,
        EnvConfig {
            base_url: Some(url.clone()),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(bare.mode(), Mode::Offline);
    let err = bare
        .test_connection(
            serde_json::from_value(json!({ "clientId": CLIENT_ID, "secret": SECRET }))
                .expect("input"),
        )
        .await
        .expect_err("typed keys to http");
    assert_eq!(err.code(), ErrorCode::NotConfigured, "{err}");
    // https is what real keys use (Plaid's own hosts by default).
    let https = EnvConfig::default();
    assert_eq!(
        https.plaid_url(Mode::Production).expect("production"),
        "https://production.plaid.com"
    );
    bare.shutdown().await;
}

#[tokio::test]
async fn status_names_the_link_script_of_the_mode() {
    let env = start("desk-script").await;
    let status = env.coffer.get_status().await.expect("status");
    assert_eq!(status.mode, Mode::Sandbox);
    // Sandbox mode talks to a local server here, but Link still comes from Plaid's CDN.
    assert_eq!(status.link_script_url, LINK_SCRIPT_URL);
    assert_eq!(
        LINK_SCRIPT_URL,
        "https://cdn.plaid.com/link/v2/stable/link-initialize.js"
    );
    let v = serde_json::to_value(&status).expect("json");
    assert_eq!(v["linkScriptUrl"], LINK_SCRIPT_URL);

    let dir = tempfile::tempdir().expect("dir");
    let (vault, _) = test_vault("desk-script-off");
    let offline = open_env(dir.path(), vault, EnvConfig::default()).await;
    let status = offline.get_status().await.expect("status");
    assert_eq!(status.mode, Mode::Offline);
    assert_eq!(
        status.link_script_url,
        format!("{}/link/v2/stable/link-initialize.js", offline.base_url())
    );
    assert!(status.link_script_url.starts_with("http://127.0.0.1:"));
    offline.shutdown().await;
}

#[tokio::test]
async fn settings_products_are_validated_and_saved() {
    let env = start("desk-products").await;
    let c = &env.coffer;
    let saved = c
        .save_settings(
            serde_json::from_value(json!({ "products": ["transactions", "Auth"] })).expect("input"),
        )
        .await
        .expect("save");
    assert_eq!(saved.products, ["transactions", "auth"]);
    let settings_file = std::fs::read_to_string(env.dir.path().join("settings.json")).ok();

    let refused = [
        json!({ "products": ["transactions", "balance"] }),
        json!({ "products": [] }),
        json!({ "products": ["teleportation"] }),
        json!({ "products": ["auth", "auth"] }),
        json!({ "products": vec!["transactions"; 11] }),
    ];
    for input in refused {
        let input: SettingsInput = serde_json::from_value(input.clone()).expect("input");
        let err = c.save_settings(input).await.expect_err("refused");
        assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
    }
    let err = c
        .save_settings(serde_json::from_value(json!({ "products": ["balance"] })).expect("input"))
        .await
        .expect_err("balance");
    assert!(
        err.to_string().contains("balance is not a valid product"),
        "{err}"
    );
    assert_eq!(
        c.get_settings().await.expect("settings").products,
        ["transactions", "auth"]
    );
    assert_eq!(
        std::fs::read_to_string(env.dir.path().join("settings.json")).ok(),
        settings_file,
        "a refused save left the file as it was"
    );
    // New links ask for what was saved: the sandbox sees both products.
    let tok = c
        .create_link_token(Default::default())
        .await
        .expect("link token with the saved products");
    assert!(tok.link_token.starts_with("link-"));
}

#[tokio::test]
async fn test_connection_checks_keys_without_saving_them() {
    let env = start("desk-conn").await;
    let url = env.sandbox.url();

    // Keys from the environment (PLAID_* + COFFER_PLAID_URL), as get_settings reads them.
    let home = tempfile::tempdir().expect("dir");
    let (vault, _) = test_vault("desk-conn-env");
    let c = open_env(home.path(), vault, sandbox_env(&url)).await;
    assert_eq!(c.mode(), Mode::Sandbox);
    let ok = c
        .test_connection(TestConnectionInput::default())
        .await
        .expect("keys work");
    assert_eq!(ok.environment, Mode::Sandbox);
    assert_eq!(ok.base_url, url.trim_end_matches('/'));
    assert!(ok.request_id.as_deref().is_some_and(|r| !r.is_empty()));
    let v = serde_json::to_value(&ok).expect("json");
    assert!(v.get("requestId").is_some() && v.get("baseUrl").is_some());

    // A wrong secret: Plaid's own error, whole, for the UI to branch on; never the secret.
    let wrong = "wrongsecret0c4d1e9a";
    let err = c
        .test_connection(
            serde_json::from_value(json!({ "secret": wrong, "environment": "sandbox" }))
                .expect("input"),
        )
        .await
        .expect_err("wrong secret");
    assert_eq!(err.code(), ErrorCode::Plaid, "{err}");
    assert_eq!(
        err.plaid_code().map(|c| c.as_str()),
        Some("INVALID_API_KEYS")
    );
    let text = serde_json::to_string(&err).expect("json");
    assert!(
        text.contains("\"errorCode\":\"INVALID_API_KEYS\""),
        "{text}"
    );
    assert!(!text.contains(wrong) && !text.contains(SECRET), "{text}");
    assert!(!format!("{err:?}").contains(wrong));
    let log = String::from_utf8_lossy(&log_buffer().lock().expect("log")).into_owned();
    assert!(!log.contains(wrong), "the secret reached a log");

    // Nothing configured: no client id anywhere.
    let home2 = tempfile::tempdir().expect("dir");
    let (vault2, _) = test_vault("desk-conn-none");
    let bare = open_env(
        home2.path(),
        vault2.clone(),
        EnvConfig {
            base_url: Some(url.clone()),
            allow_http: true,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(bare.mode(), Mode::Offline);
    assert_eq!(
        code(bare.test_connection(TestConnectionInput::default()).await),
        ErrorCode::NotConfigured
    );
    // A client id without a secret for that environment: still NOT_CONFIGURED.
    assert_eq!(
        code(
            bare.test_connection(
                serde_json::from_value(json!({ "clientId": CLIENT_ID })).expect("input")
            )
            .await
        ),
        ErrorCode::NotConfigured
    );
    // Keys typed in the settings screen, not saved yet: they work, and stay unsaved.
    let typed = bare
        .test_connection(
            serde_json::from_value(json!({ "clientId": CLIENT_ID, "secret": SECRET }))
                .expect("input"),
        )
        .await
        .expect("typed keys work");
    assert_eq!(typed.environment, Mode::Sandbox);
    let s = bare.get_settings().await.expect("settings");
    assert_eq!(s.client_id, None);
    assert!(!s.secret_saved);
    assert!(
        vault2
            .load(&coffer_core::vault::secret_key(Mode::Sandbox))
            .expect("vault")
            .is_none()
    );
    // Saved keys (settings + keychain) are what an empty input means.
    bare.save_settings(
        serde_json::from_value(
            json!({ "clientId": CLIENT_ID, "secret": SECRET, "environment": "sandbox" }),
        )
        .expect("input"),
    )
    .await
    .expect("save");
    bare.test_connection(TestConnectionInput::default())
        .await
        .expect("saved keys work");

    // Plaid cannot be reached: NETWORK.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let home3 = tempfile::tempdir().expect("dir");
    let (vault3, _) = test_vault("desk-conn-net");
    let far = open_env(
        home3.path(),
        vault3,
        sandbox_env(&format!("http://127.0.0.1:{closed}")),
    )
    .await;
    let err = far
        .test_connection(TestConnectionInput::default())
        .await
        .expect_err("closed port");
    assert_eq!(err.code(), ErrorCode::Network, "{err}");
    assert!(!err.to_string().contains(SECRET));

    // Bad input is refused before any call.
    for bad in [
        json!({ "environment": "offline" }),
        json!({ "secret": "has space" }),
        json!({ "clientId": "" }),
    ] {
        let input: TestConnectionInput = serde_json::from_value(bad).expect("input");
        assert_eq!(
            code(c.test_connection(input).await),
            ErrorCode::InvalidInput
        );
    }
    assert!(serde_json::from_value::<TestConnectionInput>(json!({ "url": "x" })).is_err());
    bare.shutdown().await;
}

#[tokio::test]
async fn events_page_newest_first() {
    let env = start("desk-events").await;
    let c = &env.coffer;
    let a = env.link_bank().await;
    let b = env.link_bank().await;
    c.rename_link(a, "Checking at home").await.expect("rename");
    c.refresh_balances(Some(b)).await.expect("refresh");
    let list = |v: serde_json::Value| {
        let input: ListEventsInput = serde_json::from_value(v).expect("input");
        c.list_events(input)
    };
    let all = list(json!({ "limit": 1000 })).await.expect("all");
    assert!(all.len() >= 4, "{all:?}");
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    assert_eq!(all[0].id, {
        let status = c.get_status().await.expect("status");
        status.recent_events[0].id
    });

    // Page through two at a time with beforeId: the same events, in the same order.
    let mut paged = Vec::new();
    let mut before: Option<i64> = None;
    loop {
        let page = list(json!({ "limit": 2, "beforeId": before }))
            .await
            .expect("page");
        assert!(page.len() <= 2);
        if page.is_empty() {
            break;
        }
        before = Some(page.last().expect("last").id);
        paged.extend(page);
    }
    assert_eq!(paged, all);

    let of_a = list(json!({ "linkId": a, "limit": 1000 }))
        .await
        .expect("of a");
    assert!(!of_a.is_empty());
    assert!(of_a.iter().all(|e| e.link_id == Some(a)));
    assert!(of_a.iter().any(|e| e.kind == "link_created"));
    let expected: Vec<_> = all
        .iter()
        .filter(|e| e.link_id == Some(a))
        .cloned()
        .collect();
    assert_eq!(of_a, expected);
    let v = serde_json::to_value(&of_a[0]).expect("json");
    assert!(v.get("linkId").is_some() && v.get("requestId").is_some());

    let before_all = snapshot(c.store());
    for bad in [
        json!({ "limit": 0 }),
        json!({ "limit": 1001 }),
        json!({ "limit": 5, "beforeId": 0 }),
        json!({ "limit": 5, "linkId": -1 }),
        json!({}),
    ] {
        assert_eq!(
            code(list(bad.clone()).await),
            ErrorCode::InvalidInput,
            "{bad}"
        );
    }
    assert!(serde_json::from_value::<ListEventsInput>(json!({ "limit": 5, "offset": 1 })).is_err());
    assert_eq!(snapshot(c.store()), before_all);
}

#[tokio::test]
async fn balance_history_has_the_last_snapshot_of_each_day() {
    let env = start("desk-history").await;
    let c = &env.coffer;
    let id = env.link_bank().await;
    c.refresh_balances(Some(id)).await.expect("refresh 1");
    let links = c.refresh_balances(Some(id)).await.expect("refresh 2");
    let accounts = &links.iter().find(|l| l.id == id).expect("link").accounts;
    let first = &accounts[0];

    // An older snapshot, two days ago, twice: the later one of that day is its point.
    let rowid = c
        .store()
        .read(|cn| coffer_core::store::accounts::read::by_account_id(cn, &first.account_id))
        .expect("read")
        .expect("account")
        .rowid;
    let day = chrono::Utc::now().date_naive() - chrono::Duration::days(2);
    c.store()
        .write(|cn| {
            for (time, current) in [("08:00:00.000Z", "100.10"), ("20:00:00.000Z", "200.20")] {
                coffer_core::store::accounts::write::insert_balance(
                    cn,
                    rowid,
                    &coffer_core::store::accounts::Balance {
                        available: Some("50.05".parse().expect("dec")),
                        current: Some(current.parse().expect("dec")),
                        limit: None,
                        iso_currency_code: Some("USD".into()),
                        unofficial_currency_code: None,
                        fetched_at: format!("{day}T{time}"),
                        source: "balance_get".into(),
                    },
                )?;
            }
            Ok(())
        })
        .expect("old snapshots");
    assert_eq!(
        c.store()
            .read(|cn| coffer_core::store::accounts::read::balance_count(cn, rowid))
            .expect("count"),
        5,
        "exchange + 2 refreshes + 2 old"
    );

    let all = c
        .list_balance_history(HistoryInput::default())
        .await
        .expect("history");
    assert_eq!(all.len(), accounts.len(), "one series per account");
    for (series, account) in all.iter().zip(accounts) {
        assert_eq!(series.account_id, account.account_id);
        assert_eq!(series.link_id, id);
        assert_eq!(series.name, account.name);
        assert_eq!(series.mask, account.mask);
        assert_eq!(series.account_type, account.account_type);
        let latest = account.balance.as_ref().expect("balance");
        assert_eq!(series.iso_currency_code, latest.iso_currency_code);
        // Today's point is the latest snapshot (the second refresh).
        let today = series.points.last().expect("today");
        assert_eq!(today.date, chrono::Utc::now().date_naive());
        assert_eq!(today.current, latest.current);
        assert_eq!(today.available, latest.available);
    }
    let s = &all[0];
    assert_eq!(s.points.len(), 2, "{:?}", s.points);
    assert_eq!(s.points[0].date, day);
    assert_eq!(s.points[0].current, Some("200.20".parse().expect("dec")));
    let v = serde_json::to_value(s).expect("json");
    assert_eq!(v["points"][0]["current"], "200.20");
    assert_eq!(v["points"][0]["date"], day.to_string());
    assert!(v.get("type").is_some() && v.get("isoCurrencyCode").is_some());

    // Filters: one account, only the old day.
    let only = c
        .list_balance_history(history(json!({
            "accountIds": [first.account_id],
            "from": day.to_string(),
            "to": day.to_string(),
        })))
        .await
        .expect("filtered");
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].points.len(), 1);
    assert_eq!(
        only[0].points[0].current,
        Some("200.20".parse().expect("dec"))
    );

    // Archived links keep their history.
    c.remove_link(id, true).await.expect("archive");
    let archived = c
        .list_balance_history(HistoryInput::default())
        .await
        .expect("history");
    assert_eq!(archived, all);
}

/// Spending as the test computes it from every stored row.
fn spending_truth(
    store: &coffer_core::Store,
    accounts: Option<&[String]>,
    from: Option<&str>,
    to: Option<&str>,
) -> Vec<SpendingRow> {
    type Row = (String, Option<String>, Option<String>, String, bool, String);
    let rows: Vec<Row> = store
        .read(|c| {
            let mut st = c.prepare(
                "SELECT t.date, t.category, t.iso_currency_code, t.amount, t.pending, a.account_id
                 FROM transactions t JOIN accounts a ON a.id = t.account_id",
            )?;
            Ok(st
                .query_map([], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .expect("rows");
    type Key = (String, Option<String>, Option<String>);
    let mut groups: BTreeMap<Key, (Decimal, u64)> = BTreeMap::new();
    for (date, category, currency, amount, pending, account) in rows {
        let amount: Decimal = amount.parse().expect("decimal");
        if pending
            || amount <= Decimal::ZERO
            || accounts.is_some_and(|a| !a.contains(&account))
            || from.is_some_and(|f| date.as_str() < f)
            || to.is_some_and(|t| date.as_str() > t)
        {
            continue;
        }
        let g = groups
            .entry((date[..7].to_string(), category, currency))
            .or_default();
        g.0 += amount;
        g.1 += 1;
    }
    groups
        .into_iter()
        .map(
            |((month, category, iso_currency_code), (spent, count))| SpendingRow {
                month,
                category,
                iso_currency_code,
                spent,
                count,
            },
        )
        .collect()
}

#[tokio::test]
async fn spending_by_category_sums_exactly() {
    let env = start("desk-spending").await;
    let c = &env.coffer;
    let id = env.link_bank().await;
    assert_eq!(env.sync_ready(id).await.status, SyncStatus::Updated);

    let all = c
        .list_spending_by_category(HistoryInput::default())
        .await
        .expect("spending");
    assert!(!all.is_empty());
    assert_eq!(all, spending_truth(c.store(), None, None, None));
    assert!(
        all.windows(2)
            .all(|w| (&w[0].month, &w[0].category) <= (&w[1].month, &w[1].category)),
        "ordered by month, then category"
    );
    assert!(all.iter().all(|r| r.spent > Decimal::ZERO && r.count > 0));
    let v = serde_json::to_value(&all[0]).expect("json");
    assert!(v["spent"].is_string() && v["month"].as_str().is_some_and(|m| m.len() == 7));

    // Filtered by one account and a range.
    let account = c.link_view(id).expect("link").accounts[0]
        .account_id
        .clone();
    let months: Vec<&str> = all.iter().map(|r| r.month.as_str()).collect();
    let from = format!("{}-10", months[0]);
    let to = format!("{}-20", months[months.len() - 1]);
    let some = c
        .list_spending_by_category(history(json!({
            "accountIds": [account], "from": from, "to": to,
        })))
        .await
        .expect("filtered");
    assert_eq!(
        some,
        spending_truth(
            c.store(),
            Some(std::slice::from_ref(&account)),
            Some(&from),
            Some(&to)
        )
    );

    // Amounts beyond what SQLite sums as integers, pending ones, money in: still exact.
    let rowid = c
        .store()
        .read(|cn| coffer_core::store::accounts::read::by_account_id(cn, &account))
        .expect("read")
        .expect("account")
        .rowid;
    c.store()
        .write(|cn| {
            for (tid, amount, pending) in [
                ("big-1", "12345678901234567.891", false),
                ("big-2", "0.0000001", false),
                ("pend-1", "99.99", true),
                ("in-1", "-500.00", false),
            ] {
                coffer_core::store::transactions::write::upsert(
                    cn,
                    &coffer_core::store::transactions::write::NewTransaction {
                        transaction_id: tid,
                        account_rowid: rowid,
                        date: "2031-05-04".into(),
                        authorized_date: None,
                        amount: amount.into(),
                        iso_currency_code: Some("USD"),
                        unofficial_currency_code: None,
                        name: "Test",
                        merchant_name: None,
                        pending,
                        pending_transaction_id: None,
                        payment_channel: None,
                        category: Some("Zeta"),
                        category_detailed: None,
                    },
                )?;
            }
            Ok(())
        })
        .expect("insert");
    let with_big = c
        .list_spending_by_category(HistoryInput::default())
        .await
        .expect("spending");
    assert_eq!(with_big, spending_truth(c.store(), None, None, None));
    let big = with_big.last().expect("row");
    assert_eq!(
        (big.month.as_str(), big.category.as_deref()),
        ("2031-05", Some("Zeta"))
    );
    assert_eq!(big.spent.to_string(), "12345678901234567.8910001");
    assert_eq!(big.count, 2);
}

#[tokio::test]
async fn chart_inputs_are_checked_first() {
    let env = start("desk-chart-bad").await;
    let c = &env.coffer;
    let id = env.link_bank().await;
    env.sync_ready(id).await;
    let before = snapshot(c.store());
    for bad in [
        json!({ "from": "2024-05-01", "to": "2024-04-01" }),
        json!({ "accountIds": ["nope"] }),
        json!({ "accountIds": ["x'; DROP TABLE links; --"] }),
        json!({ "from": "0900-01-01" }),
    ] {
        let input = history(bad.clone());
        assert_eq!(
            code(c.list_spending_by_category(input.clone()).await),
            ErrorCode::InvalidInput,
            "{bad}"
        );
        assert_eq!(
            code(c.list_balance_history(input).await),
            ErrorCode::InvalidInput,
            "{bad}"
        );
    }
    for bad in [
        json!({ "from": "2024-13-01" }),
        json!({ "from": "01/02/2024" }),
        json!({ "to": "yesterday" }),
        json!({ "accountId": "a" }),
    ] {
        assert!(
            serde_json::from_value::<HistoryInput>(bad.clone()).is_err(),
            "{bad}"
        );
    }
    assert_eq!(snapshot(c.store()), before);
}

fn txn(day: &str, amount: &str, description: &str) -> NewSandboxTransaction {
    serde_json::from_value(json!({
        "dateTransacted": day, "datePosted": day, "amount": amount, "description": description,
    }))
    .expect("transaction")
}

/// A synced link of `user_transactions_dynamic`, the test user that accepts added
/// transactions.
async fn dynamic_link(env: &Env) -> i64 {
    let id = env
        .coffer
        .sandbox_quick_link("ins_109508", "user_transactions_dynamic", "pass_good")
        .await
        .expect("dynamic link")
        .link_id;
    env.sync_ready(id).await;
    id
}

#[tokio::test]
async fn sandbox_transactions_reach_the_next_sync() {
    let env = start("desk-sbtx").await;
    let c = &env.coffer;
    let dynamic = dynamic_link(&env).await;
    let day = chrono::Utc::now().date_naive().to_string();
    c.sandbox_add_transactions(
        dynamic,
        vec![
            txn(&day, "12.34", "Coffer desk test one"),
            txn(&day, "-56.78", "Coffer desk test two"),
        ],
    )
    .await
    .expect("add");
    let report = c.sync_link(dynamic, None).await.expect("sync");
    assert_eq!(report.status, SyncStatus::Updated);
    assert!(report.added >= 2, "{report:?}");
    let page = c
        .list_transactions(
            serde_json::from_value(json!({ "search": "coffer desk test", "limit": 10 }))
                .expect("input"),
        )
        .await
        .expect("list");
    let mut got: Vec<(String, String)> = page
        .rows
        .iter()
        .map(|t| (t.name.clone(), t.amount.to_string()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("Coffer desk test one".to_string(), "12.34".to_string()),
            ("Coffer desk test two".to_string(), "-56.78".to_string())
        ]
    );

    // An ordinary user's Item: Plaid's refusal, passed on.
    let good = env.link_bank().await;
    let err = c
        .sandbox_add_transactions(good, vec![txn(&day, "1.00", "x")])
        .await
        .expect_err("not dynamic");
    assert_eq!(err.code(), ErrorCode::Plaid, "{err}");
    assert_eq!(err.plaid_code().map(|c| c.as_str()), Some("INVALID_FIELD"));

    // Bad input changes nothing and calls nobody.
    let before = snapshot(c.store());
    let eleven: Vec<_> = (0..11)
        .map(|i| txn(&day, "1.00", &format!("t{i}")))
        .collect();
    let cases: Vec<(Vec<NewSandboxTransaction>, i64)> = vec![
        (eleven, dynamic),
        (Vec::new(), dynamic),
        (vec![txn(&day, "abc", "x")], dynamic),
        (vec![txn(&day, "0", "x")], dynamic),
        (vec![txn(&day, "1.001", "x")], dynamic),
        (vec![txn(&day, "1.00", "")], dynamic),
        (vec![txn("1999-01-01", "1.00", "x")], dynamic),
        (vec![txn(&day, "1.00", "x")], 0),
    ];
    for (txns, link) in cases {
        assert_eq!(
            code(c.sandbox_add_transactions(link, txns).await),
            ErrorCode::InvalidInput
        );
    }
    assert_eq!(
        code(
            c.sandbox_add_transactions(9999, vec![txn(&day, "1.00", "x")])
                .await
        ),
        ErrorCode::LinkNotFound
    );
    assert!(
        serde_json::from_value::<NewSandboxTransaction>(json!({
            "dateTransacted": day, "datePosted": day, "amount": "1", "description": "x", "pending": true
        }))
        .is_err()
    );
    assert_eq!(snapshot(c.store()), before);

    // Production: no sandbox tools.
    let prod_home = tempfile::tempdir().expect("dir");
    let prod = Coffer::open_at(CofferConfig {
        home: prod_home.path().to_path_buf(),
        mode: Mode::Production,
        base_url: env.sandbox.url(),
        credentials: Credentials {
            client_id: CLIENT_ID.into(),
            secret: Secret::new(SECRET),
        },
        vault: env.vault.clone(),
    })
    .await
    .expect("open production");
    assert_eq!(
        code(
            prod.sandbox_add_transactions(1, vec![txn(&day, "1.00", "x")])
                .await
        ),
        ErrorCode::NotConfigured
    );
    assert_eq!(
        code(prod.sandbox_clear_faults().await),
        ErrorCode::NotConfigured
    );
}

#[tokio::test]
async fn faults_round_trip_in_offline_mode() {
    let dir = tempfile::tempdir().expect("dir");
    let (vault, _) = test_vault("desk-faults");
    let c = open_env(dir.path(), vault, EnvConfig::default()).await;
    assert_eq!(c.mode(), Mode::Offline);
    let id = c
        .sandbox_quick_link("ins_109508", "user_good", "pass_good")
        .await
        .expect("quick link")
        .link_id;
    c.refresh_balances(Some(id)).await.expect("refresh");

    let fault: SandboxFaultInput = serde_json::from_value(json!({
        "path": "/accounts/balance/get", "errorCode": "INSTITUTION_DOWN",
    }))
    .expect("fault");
    c.sandbox_inject_fault(fault).await.expect("inject");
    for _ in 0..2 {
        let err = c.refresh_balances(Some(id)).await.expect_err("down");
        assert_eq!(
            err.plaid_code().map(|c| c.as_str()),
            Some("INSTITUTION_DOWN"),
            "{err}"
        );
    }
    c.sandbox_clear_faults().await.expect("clear");
    let links = c
        .refresh_balances(Some(id))
        .await
        .expect("refresh after clear");
    assert!(!links[0].accounts.is_empty());

    // `after` and `times` bound a fault: one call through, one failure, then through again.
    c.sandbox_inject_fault(
        serde_json::from_value(json!({
            "path": "/accounts/balance/get", "errorCode": "INSTITUTION_DOWN",
            "after": 1, "times": 1,
        }))
        .expect("fault"),
    )
    .await
    .expect("inject");
    c.refresh_balances(Some(id)).await.expect("let through");
    let err = c.refresh_balances(Some(id)).await.expect_err("fails once");
    assert_eq!(
        err.plaid_code().map(|c| c.as_str()),
        Some("INSTITUTION_DOWN")
    );
    c.refresh_balances(Some(id)).await.expect("fault spent");
    let events = c
        .list_events(serde_json::from_value(json!({ "limit": 50 })).expect("input"))
        .await
        .expect("events");
    assert!(events.iter().any(|e| e.kind == "sandbox_fault_injected"));
    assert!(events.iter().any(|e| e.kind == "sandbox_faults_cleared"));

    for bad in [
        json!({ "path": "accounts/get", "errorCode": "INSTITUTION_DOWN" }),
        json!({ "path": "/accounts/get" }),
        json!({ "path": "/accounts/get", "errorCode": "NOT_A_PLAID_CODE" }),
        json!({ "path": "/accounts/get", "status": 99 }),
        json!({ "path": "/accounts/get", "errorCode": "INSTITUTION_DOWN", "times": 0 }),
        json!({ "path": "/x?y=1", "errorCode": "INSTITUTION_DOWN" }),
    ] {
        let input: SandboxFaultInput = serde_json::from_value(bad.clone()).expect("input");
        assert_eq!(
            code(c.sandbox_inject_fault(input).await),
            ErrorCode::InvalidInput,
            "{bad}"
        );
    }
    assert!(
        serde_json::from_value::<SandboxFaultInput>(json!({ "path": "*", "error_code": "X" }))
            .is_err()
    );
    c.refresh_balances(Some(id))
        .await
        .expect("refused faults were not armed");
    c.shutdown().await;

    // Sandbox mode has no embedded sandbox to arm.
    let env = start("desk-faults-sb").await;
    let input: SandboxFaultInput =
        serde_json::from_value(json!({ "path": "*", "errorCode": "INSTITUTION_DOWN" }))
            .expect("input");
    assert_eq!(
        code(env.coffer.sandbox_inject_fault(input).await),
        ErrorCode::NotConfigured
    );
}

#[tokio::test]
async fn data_revision_moves_with_another_process_commit() {
    let env = start("desk-revision").await;
    let c = &env.coffer;
    let id = env.link_bank().await;
    let r0 = c.data_revision().expect("revision");
    assert_eq!(c.data_revision().expect("again"), r0, "stable when idle");
    c.list_links().await.expect("list");
    c.get_status().await.expect("status");
    assert_eq!(c.data_revision().expect("after reads"), r0);

    // Another instance on the same home (another process, as far as SQLite knows).
    let other = open(env.dir.path(), &env.sandbox.url(), env.vault.clone()).await;
    let r1 = c.data_revision().expect("revision");
    other
        .rename_link(id, "Renamed elsewhere")
        .await
        .expect("rename");
    let r2 = c.data_revision().expect("revision");
    assert_ne!(r2, r1, "a rename by another instance");
    assert_eq!(
        c.list_links().await.expect("list")[0].name,
        "Renamed elsewhere"
    );
    other.refresh_balances(Some(id)).await.expect("refresh");
    let r3 = c.data_revision().expect("revision");
    assert_ne!(r3, r2, "a balance snapshot");
    let second = env.link_bank().await;
    let r4 = c.data_revision().expect("revision");
    assert_ne!(r4, r3, "a new link");
    other.remove_link(second, false).await.expect("remove");
    assert_ne!(c.data_revision().expect("revision"), r4, "a removed link");
    assert!(!r0.is_empty() && r0.len() <= 64);
}

#[tokio::test]
async fn csv_export_neutralises_spreadsheet_formulas() {
    let env = start("desk-csv").await;
    let c = &env.coffer;
    let dynamic = dynamic_link(&env).await;
    let day = chrono::Utc::now().date_naive().to_string();
    // What a merchant (or whoever names a transfer) controls, as spreadsheets read it.
    let names = [
        "=HYPERLINK(x) zz csv",
        "+1+1 zz csv",
        "-2+3 zz csv",
        "@SUM(A1) zz csv",
    ];
    // (A leading tab or carriage return cannot be sent as a sandbox description; the unit
    // test in export.rs covers them.)
    c.sandbox_add_transactions(
        dynamic,
        names.iter().map(|n| txn(&day, "1.00", n)).collect(),
    )
    .await
    .expect("add");
    c.sync_link(dynamic, None).await.expect("sync");
    let exports = tempfile::tempdir().expect("exports dir");
    let path = exports.path().join("formulas.csv");
    c.export_transactions(
        serde_json::from_value(json!({ "format": "csv", "path": path })).expect("input"),
    )
    .await
    .expect("export");
    // Read back by the csv crate's reader, as a spreadsheet would read the cells.
    let mut reader = csv::Reader::from_path(&path).expect("csv");
    let headers = reader.headers().expect("headers").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (name_col, amount_col) = (col("name"), col("amount"));
    let mut seen = 0;
    for record in reader.records() {
        let record = record.expect("record");
        for (i, cell) in record.iter().enumerate() {
            if i != amount_col {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "column {} starts a formula: {cell:?}",
                    &headers[i]
                );
            }
        }
        let name = &record[name_col];
        if let Some(original) = names.iter().find(|n| name == format!("'{n}")) {
            seen += 1;
            assert!(!original.is_empty());
        }
    }
    assert_eq!(seen, names.len(), "each crafted name is exported, quoted");
}
