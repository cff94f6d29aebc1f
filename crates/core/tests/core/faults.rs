//! The fault matrix: every injected failure leaves the store equal to the sandbox's truth
//! after recovery, and the user sees the right status and error code.

use coffer_core::{ErrorCode, LinkStatus, SyncStatus};
use serde_json::{Value, json};

use crate::common::*;

async fn linked(name: &str) -> (Env, i64) {
    let mut config = sandbox_config();
    config.not_ready_on_link = false;
    config.history = 1700;
    // Every request the sandbox answered is kept, so a test can show its fault fired.
    config.record_exchanges = true;
    let env = start_with(name, config).await;
    let id = env.link_bank().await;
    (env, id)
}

/// Transient faults the client retries: the fault really fired (the sandbox answered `path`
/// with `status` `times` times, a dropped connection being status 0), and the sync still
/// succeeds with the data exact.
async fn transient(name: &str, spec: Value, status: u16) {
    let (env, id) = linked(name).await;
    let path = spec["path"].as_str().expect("path").to_string();
    let times = spec["times"].as_u64().expect("times");
    env.fault(spec).await;
    let r = env
        .coffer
        .sync_link(id, None)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(r.status, SyncStatus::Updated, "{name}");
    let fired = env
        .sandbox
        .exchanges()
        .iter()
        .filter(|e| e.path == path && e.status == status)
        .count();
    assert_eq!(
        fired as u64, times,
        "{name}: the fault fired {times} time(s)"
    );
    assert_eq!(
        env.stored(id),
        env.truth(id),
        "{name}: none lost, none duplicated"
    );
    assert_eq!(
        env.coffer.link_view(id).expect("view").status,
        LinkStatus::Active
    );
}

#[tokio::test]
async fn rate_limit_429_waits_then_is_retried() {
    // Plaid's limits are per minute: the client waits as long as Retry-After says (30–60 s
    // when it says nothing; see coffer-plaid's unit test), so the run takes at least 1 s,
    // which also shows that the fault fired.
    let started = std::time::Instant::now();
    transient("429", json!({"path": "/transactions/sync", "error_code": "TRANSACTIONS_SYNC_LIMIT", "after": 1, "times": 1, "retry_after_secs": 1}), 429).await;
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(1),
        "the 429's Retry-After was not waited for"
    );
}

#[tokio::test]
async fn gateway_errors_502_and_504_are_retried() {
    transient("502", json!({"path": "/transactions/sync", "error_code": "INTERNAL_SERVER_ERROR", "status": 502, "after": 1, "times": 1}), 502).await;
    transient("504", json!({"path": "/transactions/sync", "error_code": "INTERNAL_SERVER_ERROR", "status": 504, "after": 1, "times": 2}), 504).await;
}

#[tokio::test]
async fn server_error_500_is_retried() {
    transient("500", json!({"path": "/transactions/sync", "error_code": "INTERNAL_SERVER_ERROR", "after": 1, "times": 1}), 500).await;
}

#[tokio::test]
async fn unavailable_503_is_retried() {
    transient("503", json!({"path": "/transactions/sync", "error_code": "PLANNED_MAINTENANCE", "after": 2, "times": 1}), 503).await;
}

#[tokio::test]
async fn dropped_connection_is_retried() {
    transient(
        "drop",
        json!({"path": "/transactions/sync", "drop_connection": true, "after": 1, "times": 1}),
        0,
    )
    .await;
}

#[tokio::test]
async fn persistent_500_fails_cleanly_then_recovers() {
    let (env, id) = linked("500-persistent").await;
    env.fault(
        json!({"path": "/transactions/sync", "error_code": "INTERNAL_SERVER_ERROR", "after": 1}),
    )
    .await;
    let err = env
        .coffer
        .sync_link(id, None)
        .await
        .expect_err("keeps failing");
    assert_eq!(err.code(), ErrorCode::Plaid);
    assert_eq!(
        err.plaid_code().map(|c| c.as_str()),
        Some("INTERNAL_SERVER_ERROR")
    );
    assert!(env.stored(id).is_empty(), "nothing half-applied");
    let v = env.coffer.link_view(id).expect("view");
    assert_eq!(
        v.last_error.map(|e| e.code),
        Some("INTERNAL_SERVER_ERROR".to_string())
    );
    env.clear_faults().await;
    env.coffer.sync_link(id, None).await.expect("recovers");
    assert_eq!(env.stored(id), env.truth(id));
    assert!(env.coffer.link_view(id).expect("view").last_error.is_none());
}

#[tokio::test]
async fn mutation_during_pagination_restarts() {
    let (env, id) = linked("mutation").await;
    env.fault(json!({"path": "/transactions/sync", "error_code": "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION", "after": 2, "times": 2}))
        .await;
    let r = env.coffer.sync_link(id, None).await.expect("sync");
    assert_eq!(r.status, SyncStatus::Updated);
    assert_eq!(r.restarts, 2);
    assert_eq!(
        r.added as usize,
        env.truth(id).len(),
        "restarted runs were rolled back, not double counted"
    );
    assert_eq!(env.stored(id), env.truth(id));
}

#[tokio::test]
async fn endless_mutation_gives_up() {
    let (env, id) = linked("mutation-forever").await;
    env.fault(json!({"path": "/transactions/sync", "error_code": "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION", "after": 1}))
        .await;
    let err = env.coffer.sync_link(id, None).await.expect_err("gives up");
    assert_eq!(
        err.plaid_code().map(|c| c.as_str()),
        Some("TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION")
    );
    assert!(env.stored(id).is_empty());
    env.clear_faults().await;
    env.coffer.sync_link(id, None).await.expect("recovers");
    assert_eq!(env.stored(id), env.truth(id));
}

#[tokio::test]
async fn item_login_required_marks_the_link() {
    let (env, id) = linked("login").await;
    env.fault(json!({"path": "/transactions/sync", "error_code": "ITEM_LOGIN_REQUIRED", "after": 1, "times": 1})).await;
    let err = env.coffer.sync_link(id, None).await.expect_err("login");
    assert_eq!(err.code(), ErrorCode::LoginRequired);
    let json = serde_json::to_value(&err).expect("json");
    assert_eq!(json["code"], "LOGIN_REQUIRED");
    assert_eq!(json["plaid"]["errorCode"], "ITEM_LOGIN_REQUIRED");
    assert!(json["plaid"]["requestId"].is_string());
    let v = env.coffer.link_view(id).expect("view");
    assert_eq!(v.status, LinkStatus::LoginRequired);
    assert!(env.stored(id).is_empty());
    // The next successful sync clears it.
    env.coffer.sync_link(id, None).await.expect("sync");
    assert_eq!(
        env.coffer.link_view(id).expect("view").status,
        LinkStatus::Active
    );
    assert_eq!(env.stored(id), env.truth(id));
}

#[tokio::test]
async fn institution_down_is_reported_not_retried() {
    let (env, id) = linked("institution-down").await;
    env.fault(json!({"path": "/transactions/sync", "error_code": "INSTITUTION_DOWN", "times": 1}))
        .await;
    let err = env.coffer.sync_link(id, None).await.expect_err("down");
    assert_eq!(err.code(), ErrorCode::Plaid);
    let p = err.plaid().expect("plaid details");
    assert_eq!(p.error_code, "INSTITUTION_DOWN");
    assert!(
        p.display_message.is_some(),
        "Plaid's display message is passed on"
    );
    let v = env.coffer.link_view(id).expect("view");
    assert_eq!(v.status, LinkStatus::Active, "not a login problem");
    assert_eq!(
        v.last_error.map(|e| e.code),
        Some("INSTITUTION_DOWN".to_string())
    );
    env.coffer.sync_link(id, None).await.expect("sync later");
    assert_eq!(env.stored(id), env.truth(id));
}

#[tokio::test]
async fn read_only_database_fails_with_storage_and_recovers() {
    let (env, id) = linked("readonly").await;
    let db = env.db_path();
    set_read_only(&db, true);
    let res = env.coffer.sync_link(id, None).await;
    set_read_only(&db, false);
    let err = res.expect_err("read-only database");
    assert_eq!(err.code(), ErrorCode::Storage, "{err}");
    assert!(env.stored(id).is_empty());
    env.coffer
        .sync_link(id, None)
        .await
        .expect("writable again");
    assert_eq!(env.stored(id), env.truth(id));
}

/// Makes a file unwritable for new opens: `chattr +i` as root (root ignores modes), else chmod.
fn set_read_only(path: &std::path::Path, yes: bool) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .map(|o| o.stdout == b"0\n")
            .unwrap_or(false);
        if root {
            let st = std::process::Command::new("chattr")
                .arg(if yes { "+i" } else { "-i" })
                .arg(path)
                .status()
                .expect("chattr");
            assert!(st.success(), "chattr failed");
        } else {
            let mode = if yes { 0o444 } else { 0o644 };
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
        }
    }
}

#[tokio::test]
async fn keychain_unavailable_in_a_child_process() {
    // Re-run one helper test in a child whose D-Bus address points nowhere.
    if std::env::var("COFFER_CHILD_NO_KEYCHAIN").is_ok() {
        return;
    }
    let exe = std::env::current_exe().expect("exe");
    let out = std::process::Command::new(exe)
        .args([
            "--exact",
            "faults::child_without_keychain",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("COFFER_CHILD_NO_KEYCHAIN", "1")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/coffer-test-bus",
        )
        .output()
        .expect("run child");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "child failed:\n{text}");
    assert!(
        text.contains("CHILD-OK"),
        "child did not run its checks:\n{text}"
    );
}

/// Runs only as the child of `keychain_unavailable_in_a_child_process`.
#[tokio::test]
async fn child_without_keychain() {
    if std::env::var("COFFER_CHILD_NO_KEYCHAIN").is_err() {
        return;
    }
    let config = coffer_sandbox::SandboxConfig {
        record_exchanges: true,
        ..sandbox_config()
    };
    let sandbox = coffer_sandbox::Sandbox::start("127.0.0.1:0".parse().expect("addr"), config)
        .await
        .expect("sandbox");
    let dir = tempfile::tempdir().expect("dir");
    let vault: std::sync::Arc<dyn coffer_core::Vault> =
        std::sync::Arc::new(coffer_core::KeyringVault::new("coffer-test-nokeychain"));
    let err = vault.load("x").expect_err("no keychain");
    assert_eq!(err.code(), ErrorCode::KeychainUnavailable);
    assert!(
        err.to_string().contains("gnome-keyring"),
        "says what to install: {err}"
    );
    let coffer = open(dir.path(), &sandbox.url(), vault).await;
    let tok = coffer
        .create_link_token(Default::default())
        .await
        .expect("token");
    let http = reqwest::Client::new();
    let success: Value = http
        .post(format!("{}/_link/sessions", sandbox.url()))
        .json(&json!({"link_token": tok.link_token, "institution_id": "ins_109508", "username": "user_good", "password": "pass_good", "status": "success"}))
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    let before = snapshot(coffer.store());
    let err = coffer
        .exchange_public_token(exchange_input(&success))
        .await
        .expect_err("no keychain");
    assert_eq!(err.code(), ErrorCode::KeychainUnavailable);
    assert!(
        coffer.list_links().await.expect("links").is_empty(),
        "nothing stored"
    );
    let after = snapshot(coffer.store());
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("events|"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&before), strip(&after), "only an event was added");
    // The exchange was undone: the item it made was removed at Plaid, so its access token
    // (which never reached the keychain) is dead.
    let exchanges = sandbox.exchanges();
    let exchanged = exchanges
        .iter()
        .find(|e| e.path == "/item/public_token/exchange" && e.status == 200)
        .expect("the exchange reached Plaid");
    let token = exchanged.response["access_token"]
        .as_str()
        .expect("access token");
    assert!(
        exchanges.iter().any(|e| e.path == "/item/remove"
            && e.status == 200
            && e.request["access_token"] == token),
        "the new item was removed at Plaid"
    );
    let gone: Value = http
        .post(format!("{}/accounts/get", sandbox.url()))
        .json(&json!({"client_id": CLIENT_ID, "secret": SECRET, "access_token": token}))
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert!(
        matches!(
            gone["error_code"].as_str(),
            Some("ITEM_NOT_FOUND" | "INVALID_ACCESS_TOKEN")
        ),
        "the undone item is gone at Plaid: {gone}"
    );
    let json_err = serde_json::to_string(&err).expect("json");
    assert!(json_err.contains("KEYCHAIN_UNAVAILABLE"));
    println!("CHILD-OK");
}
