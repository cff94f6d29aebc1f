//! Link health: what Plaid's answers make of a link, and what the user is told to do.

use coffer_core::{LinkHealth, LinkStatus, SyncStatus};
use serde_json::json;

use crate::common::*;

async fn linked(name: &str) -> (Env, i64) {
    let mut config = sandbox_config();
    config.not_ready_on_link = false;
    config.history = 50;
    let env = start_with(name, config).await;
    let id = env.link_bank().await;
    (env, id)
}

/// A sync failing with `code` leaves the link with `status`, `health` and a remedy saying
/// `remedy_words`; `reconnect_check` and `get_status` say the same.
async fn sync_failure_gives(
    name: &str,
    code: &str,
    status: LinkStatus,
    health: LinkHealth,
    remedy_words: &str,
) {
    let (env, id) = linked(name).await;
    let v = env.coffer.link_view(id).expect("view");
    assert_eq!(
        (v.health, v.remedy.as_deref()),
        (LinkHealth::Healthy, None),
        "{name}: a new link Plaid answered for is healthy"
    );
    env.fault(json!({"path": "/transactions/sync", "error_code": code, "times": 1}))
        .await;
    let err = env.coffer.sync_link(id, None).await.expect_err(name);
    assert_eq!(err.plaid_code().map(|c| c.as_str()), Some(code), "{name}");
    let v = env.coffer.link_view(id).expect("view");
    assert_eq!(v.status, status, "{name}");
    assert_eq!(v.health, health, "{name}");
    let remedy = v.remedy.expect("a remedy");
    assert!(remedy.contains(remedy_words), "{name}: {remedy}");
    assert_eq!(v.last_error.map(|e| e.code).as_deref(), Some(code));

    let status_view = env.coffer.get_status().await.expect("status");
    assert_eq!(status_view.needs_attention, vec![id], "{name}");
    assert_eq!(status_view.attention[0].remedy, remedy);
}

#[tokio::test]
async fn invalid_access_token_means_broken() {
    sync_failure_gives(
        "health-invalid-token",
        "INVALID_ACCESS_TOKEN",
        LinkStatus::Broken,
        LinkHealth::Broken,
        "Remove it and link the bank again.",
    )
    .await;
}

#[tokio::test]
async fn item_not_found_means_broken() {
    sync_failure_gives(
        "health-item-not-found",
        "ITEM_NOT_FOUND",
        LinkStatus::Broken,
        LinkHealth::Broken,
        "Remove it and link the bank again.",
    )
    .await;
}

#[tokio::test]
async fn user_permission_revoked_means_broken() {
    sync_failure_gives(
        "health-revoked",
        "USER_PERMISSION_REVOKED",
        LinkStatus::Broken,
        LinkHealth::Broken,
        "Remove it and link the bank again.",
    )
    .await;
}

#[tokio::test]
async fn item_login_required_means_reconnect() {
    sync_failure_gives(
        "health-login",
        "ITEM_LOGIN_REQUIRED",
        LinkStatus::LoginRequired,
        LinkHealth::NeedsReconnect,
        "Reconnect",
    )
    .await;
}

#[tokio::test]
async fn access_not_granted_means_reconnect() {
    // Plaid: the OAuth scope was not granted; update mode asks for it again.
    sync_failure_gives(
        "health-access-not-granted",
        "ACCESS_NOT_GRANTED",
        LinkStatus::LoginRequired,
        LinkHealth::NeedsReconnect,
        "Reconnect",
    )
    .await;
}

/// A link whose Item was removed at Plaid behind Coffer's back: reconnect-check finds it
/// broken, sync-all skips it, and the other links stay healthy.
#[tokio::test]
async fn an_item_removed_elsewhere_is_found_broken_by_reconnect_check() {
    let (env, gone) = linked("health-removed-elsewhere").await;
    let kept = env.link_bank().await;
    let key = format!("sandbox/item/{}", env.item_id(gone));
    let token = env.vault.load(&key).expect("vault").expect("token");
    env.post(
        "/item/remove",
        json!({"access_token": token.expose(), "client_id": CLIENT_ID, "secret": SECRET}),
    )
    .await;

    let views = env.coffer.reconnect_check().await.expect("check");
    let by_id = |id: i64| views.iter().find(|v| v.id == id).expect("link");
    assert_eq!(by_id(gone).status, LinkStatus::Broken);
    assert_eq!(by_id(gone).health, LinkHealth::Broken);
    assert_eq!(
        by_id(gone).last_error.as_ref().map(|e| e.code.as_str()),
        Some("ITEM_NOT_FOUND")
    );
    assert_eq!(by_id(kept).health, LinkHealth::Healthy);

    let reports = env
        .coffer
        .sync_transactions(None, None)
        .await
        .expect("sync");
    let report = |id: i64| reports.iter().find(|r| r.link_id == id).expect("report");
    assert_eq!(report(gone).status, SyncStatus::Skipped);
    assert_eq!(report(kept).status, SyncStatus::Updated);
    // Removing it is the remedy, and works though Plaid no longer knows the Item.
    env.coffer.remove_link(gone, false).await.expect("remove");
    assert!(env.vault.load(&key).expect("vault").is_none());
}

/// A check that could not reach Plaid does not call the link healthy; the next clean answer
/// does.
#[tokio::test]
async fn healthy_only_when_plaid_said_so() {
    let (env, id) = linked("health-unknown").await;
    env.fault(json!({"path": "/item/get", "error_code": "INTERNAL_SERVER_ERROR", "times": 10}))
        .await;
    let views = env.coffer.reconnect_check().await.expect("check");
    assert_eq!(views[0].status, LinkStatus::Active);
    assert_eq!(
        views[0].health,
        LinkHealth::Error,
        "not known to be healthy"
    );
    assert!(views[0].remedy.is_some());
    env.clear_faults().await;
    let views = env.coffer.reconnect_check().await.expect("check");
    assert_eq!(
        (views[0].health, views[0].remedy.as_deref()),
        (LinkHealth::Healthy, None)
    );
    assert!(views[0].last_error.is_none());
    let _ = id;
}

/// Health and remedy are decided in one place from the stored status and last error code,
/// Plaid's or Coffer's own, known or not.
#[test]
fn health_and_remedy_of_every_kind_of_last_error() {
    let of = |status, code: Option<&str>| LinkHealth::of(status, code);
    assert_eq!(of(LinkStatus::Active, None), (LinkHealth::Healthy, None));
    for code in ["ITEM_LOGIN_REQUIRED", "ACCESS_NOT_GRANTED"] {
        let (health, remedy) = of(LinkStatus::Active, Some(code));
        assert_eq!(health, LinkHealth::NeedsReconnect, "{code}");
        assert!(remedy.expect("remedy").contains("Reconnect"), "{code}");
    }
    for code in ["INVALID_ACCESS_TOKEN", "USER_PERMISSION_REVOKED"] {
        let (health, remedy) = of(LinkStatus::Active, Some(code));
        assert_eq!(health, LinkHealth::Broken, "{code}");
        assert!(
            remedy
                .expect("remedy")
                .ends_with("Remove it and link the bank again."),
            "{code}"
        );
    }
    let (health, remedy) = of(LinkStatus::Active, Some("INSTITUTION_DOWN"));
    assert_eq!(health, LinkHealth::Error);
    assert_eq!(
        remedy.as_deref(),
        Some("The bank is not responding right now. Try again later.")
    );
    let (health, remedy) = of(LinkStatus::Active, Some("SOMETHING_PLAID_ADDED_LATER"));
    assert_eq!(health, LinkHealth::Error);
    assert_eq!(
        remedy.as_deref(),
        Some(
            "The last update failed (SOMETHING_PLAID_ADDED_LATER). Coffer tries again at the next sync."
        )
    );
    let (health, remedy) = of(LinkStatus::KeychainMissing, Some("KEYCHAIN_ENTRY_MISSING"));
    assert_eq!(health, LinkHealth::Broken);
    assert!(remedy.expect("remedy").contains("keychain"));
    let (health, remedy) = of(LinkStatus::Archived, Some("ITEM_LOGIN_REQUIRED"));
    assert_eq!(health, LinkHealth::Archived);
    assert!(remedy.expect("remedy").contains("transactions are kept"));
}
