//! The link lifecycle against the real sandbox and keychain.

use coffer_core::{
    CreateLinkTokenInput, ErrorCode, ExportFormat, ExportInput, HostedLinkState, LinkStatus,
    ListTransactionsInput, SettingsInput, SyncStatus, vault,
};
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn link_list_sync_rename_remove() {
    let env = start("lifecycle").await;
    let link_id = env.link_bank().await;

    // The access token is in the keychain, under <mode>/item/<item_id>.
    let item_id = env.item_id(link_id);
    let key = vault::item_key(coffer_core::Mode::Sandbox, &item_id);
    let token = env.vault.load(&key).expect("vault").expect("token stored");
    assert!(token.expose().starts_with("access-"));

    let links = env.coffer.list_links().await.expect("list");
    assert_eq!(links.len(), 1);
    let l = &links[0];
    assert_eq!(l.status, LinkStatus::Active);
    assert_eq!(l.institution_id.as_deref(), Some("ins_109508"));
    assert!(!l.accounts.is_empty(), "accounts stored");
    assert!(
        l.accounts.iter().all(|a| a.balance.is_some()),
        "every account has a balance snapshot"
    );

    // First sync after Link: NOT_READY is a normal state, not an error.
    let first = env.coffer.sync_link(link_id, None).await.expect("sync");
    assert_eq!(first.status, SyncStatus::NotReady);
    assert!(first.error.is_none());
    let report = env.sync_ready(link_id).await;
    assert_eq!(report.status, SyncStatus::Updated);
    assert!(report.added > 0);
    assert_eq!(
        env.stored(link_id),
        env.truth(link_id),
        "store equals the sandbox's truth"
    );

    // Listing: a page, the total, filters.
    let all = env
        .coffer
        .list_transactions(ListTransactionsInput {
            limit: 50,
            ..Default::default()
        })
        .await
        .expect("list");
    assert_eq!(all.total as usize, env.truth(link_id).len());
    assert_eq!(all.rows.len(), 50);
    assert!(
        all.rows.windows(2).all(|w| w[0].date >= w[1].date),
        "newest first"
    );
    let acct = l.accounts[0].account_id.clone();
    let one = env
        .coffer
        .list_transactions(ListTransactionsInput {
            account_ids: Some(vec![acct.clone()]),
            limit: 1000,
            ..Default::default()
        })
        .await
        .expect("list by account");
    assert!(one.rows.iter().all(|t| t.account_id == acct));
    let needle = all.rows[0].name.to_uppercase();
    let found = env
        .coffer
        .list_transactions(ListTransactionsInput {
            search: Some(needle[..needle.len().min(5)].to_string()),
            limit: 1000,
            ..Default::default()
        })
        .await
        .expect("search");
    assert!(found.total > 0);
    assert!(found.rows.iter().all(|t| {
        let hay =
            format!("{} {}", t.name, t.merchant_name.clone().unwrap_or_default()).to_lowercase();
        hay.contains(&needle[..needle.len().min(5)].to_lowercase())
    }));
    let d = all.rows[10].date;
    let day = env
        .coffer
        .list_transactions(ListTransactionsInput {
            from: Some(d),
            to: Some(d),
            limit: 1000,
            ..Default::default()
        })
        .await
        .expect("by date");
    assert!(day.total > 0 && day.rows.iter().all(|t| t.date == d));

    // Exports: exact amounts, every row (outside the data directory, which refuses them).
    let exports = tempfile::tempdir().expect("exports dir");
    for (format, ext) in [
        (ExportFormat::Csv, "csv"),
        (ExportFormat::Json, "json"),
        (ExportFormat::Ofx, "ofx"),
    ] {
        let path = exports.path().join(format!("out.{ext}"));
        let out = env
            .coffer
            .export_transactions(ExportInput {
                format,
                path: path.clone(),
                filter: Default::default(),
            })
            .await
            .expect("export");
        assert_eq!(out.rows, all.total);
        let text = std::fs::read_to_string(&path).expect("read export");
        let t0 = &all.rows[0];
        assert!(
            text.contains(&t0.transaction_id),
            "{ext} has the transactions"
        );
        match format {
            ExportFormat::Json => {
                let v: Vec<serde_json::Value> = serde_json::from_str(&text).expect("json");
                assert_eq!(v.len() as u64, all.total);
                assert_eq!(
                    v[0]["amount"],
                    json!(t0.amount.to_string()),
                    "amount as exact text"
                );
            }
            ExportFormat::Csv => {
                assert_eq!(text.lines().count() as u64, all.total + 1);
                assert!(text.contains(&format!(",{},", t0.amount)));
            }
            ExportFormat::Ofx => {
                assert_eq!(text.matches("<STMTTRN>").count() as u64, all.total);
                assert!(text.contains(&format!("<TRNAMT>{}</TRNAMT>", -t0.amount)));
            }
        }
    }

    // Rename.
    let v = env
        .coffer
        .rename_link(link_id, "My checking")
        .await
        .expect("rename");
    assert_eq!(v.name, "My checking");

    // Remove: Plaid first, keychain, rows.
    env.coffer
        .remove_link(link_id, false)
        .await
        .expect("remove");
    assert!(env.coffer.list_links().await.expect("list").is_empty());
    assert!(
        env.vault.load(&key).expect("vault").is_none(),
        "keychain entry deleted"
    );
    let after = env
        .coffer
        .list_transactions(ListTransactionsInput {
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("list");
    assert_eq!(after.total, 0);
    // The item is gone at Plaid: the old token no longer works.
    let err = coffer_plaid::PlaidClient::new(
        &env.sandbox.url(),
        coffer_plaid::Credentials::new(CLIENT_ID, SECRET),
    )
    .expect("client")
    .item_get(&token)
    .await
    .expect_err("item removed");
    assert!(
        matches!(
            err.error_code().map(|c| c.as_str()),
            Some("ITEM_NOT_FOUND" | "INVALID_ACCESS_TOKEN")
        ),
        "{err}"
    );
    let status = env.coffer.get_status().await.expect("status");
    assert!(
        status
            .recent_events
            .iter()
            .any(|e| e.kind == "link_removed")
    );
}

#[tokio::test]
async fn exchange_is_idempotent_and_link_limit_holds() {
    let env = start("idempotent").await;
    env.coffer
        .save_settings(SettingsInput {
            link_limit: Some(1),
            ..Default::default()
        })
        .await
        .expect("settings");
    let tok = env
        .coffer
        .create_link_token(Default::default())
        .await
        .expect("token");
    // use_cache returns the same unexpired, unused token.
    let cached = env
        .coffer
        .create_link_token(CreateLinkTokenInput {
            use_cache: true,
            ..Default::default()
        })
        .await
        .expect("cached");
    assert_eq!(cached.link_token, tok.link_token);
    let success = env.link_session(&tok.link_token, "pass_good").await;
    let a = env
        .coffer
        .exchange_public_token(exchange_input(&success))
        .await
        .expect("exchange");
    let b = env
        .coffer
        .exchange_public_token(exchange_input(&success))
        .await
        .expect("again");
    assert_eq!(a, b, "same public token, same link");
    assert_eq!(env.coffer.list_links().await.expect("list").len(), 1);
    // The used token is not handed out again.
    let err = env
        .coffer
        .create_link_token(CreateLinkTokenInput {
            use_cache: true,
            ..Default::default()
        })
        .await
        .expect_err("limit");
    assert_eq!(err.code(), ErrorCode::LinkLimitReached);
    assert_eq!(err.to_string(), "max number of Plaid links already reached");
    let json = serde_json::to_value(&err).expect("json");
    assert_eq!(json["code"], "LINK_LIMIT_REACHED");
    // Raise the limit: a new token, not the used one.
    env.coffer
        .save_settings(SettingsInput {
            link_limit: Some(5),
            ..Default::default()
        })
        .await
        .expect("settings");
    let fresh = env
        .coffer
        .create_link_token(CreateLinkTokenInput {
            use_cache: true,
            ..Default::default()
        })
        .await
        .expect("fresh");
    assert_ne!(fresh.link_token, tok.link_token);
}

#[tokio::test]
async fn login_required_then_update_mode_repairs() {
    let env = start("update").await;
    let link_id = env.link_bank().await;
    env.sync_ready(link_id).await;
    env.coffer
        .sandbox_reset_login(link_id)
        .await
        .expect("reset login");

    // /item/get notices it.
    let views = env.coffer.reconnect_check().await.expect("check");
    assert_eq!(views[0].status, LinkStatus::LoginRequired);
    assert_eq!(
        views[0].last_error.as_ref().map(|e| e.code.as_str()),
        Some("ITEM_LOGIN_REQUIRED")
    );
    // Sync reports it with the right code.
    let err = env
        .coffer
        .sync_link(link_id, None)
        .await
        .expect_err("login required");
    assert_eq!(err.code(), ErrorCode::LoginRequired);
    let all = env
        .coffer
        .sync_transactions(None, None)
        .await
        .expect("sync all");
    assert_eq!(all[0].status, SyncStatus::LoginRequired);
    assert!(
        env.coffer
            .get_status()
            .await
            .expect("status")
            .needs_attention
            .contains(&link_id)
    );

    // Update mode: token for the link, the user logs in again, finish_update.
    let tok = env
        .coffer
        .create_link_token(CreateLinkTokenInput {
            link_id: Some(link_id),
            ..Default::default()
        })
        .await
        .expect("update token");
    env.link_session(&tok.link_token, "pass_good").await;
    let v = env
        .coffer
        .finish_update(link_id, None)
        .await
        .expect("finish update");
    assert_eq!(v.status, LinkStatus::Active);
    assert!(v.last_error.is_none());
    let r = env
        .coffer
        .sync_link(link_id, None)
        .await
        .expect("sync after repair");
    assert_eq!(r.status, SyncStatus::Updated);
    assert_eq!(env.stored(link_id), env.truth(link_id));
}

#[tokio::test]
async fn hosted_link_poll_exchanges_on_success() {
    let env = start("hosted").await;
    let tok = env
        .coffer
        .create_link_token(CreateLinkTokenInput {
            hosted: true,
            ..Default::default()
        })
        .await
        .expect("hosted token");
    assert!(tok.hosted_link_url.is_some(), "hostedLinkUrl returned");
    let p = env
        .coffer
        .poll_hosted_link(&tok.link_token)
        .await
        .expect("poll");
    assert_eq!(p.state, HostedLinkState::Pending);
    env.link_session(&tok.link_token, "pass_good").await;
    let p = env
        .coffer
        .poll_hosted_link(&tok.link_token)
        .await
        .expect("poll");
    assert_eq!(p.state, HostedLinkState::Success);
    let id = p.link_id.expect("link id");
    // Polling again is idempotent.
    let again = env
        .coffer
        .poll_hosted_link(&tok.link_token)
        .await
        .expect("poll again");
    assert_eq!(again.link_id, Some(id));
    assert_eq!(env.coffer.list_links().await.expect("links").len(), 1);
}

#[tokio::test]
async fn remove_keep_data_archives() {
    let env = start("archive").await;
    let link_id = env.link_bank().await;
    env.sync_ready(link_id).await;
    let before = env.stored(link_id);
    env.coffer
        .remove_link(link_id, true)
        .await
        .expect("remove keep data");
    let v = env.coffer.link_view(link_id).expect("still listed");
    assert_eq!(v.status, LinkStatus::Archived);
    assert_eq!(env.stored(link_id), before, "transactions kept");
    let err = env
        .coffer
        .sync_link(link_id, None)
        .await
        .expect_err("archived");
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    // Removing it for good.
    env.coffer
        .remove_link(link_id, false)
        .await
        .expect("remove");
    assert!(env.stored(link_id).is_empty());
}

#[tokio::test]
async fn refresh_balances_stores_snapshots() {
    let env = start("balances").await;
    let link_id = env.link_bank().await;
    let acct = env.coffer.link_view(link_id).expect("view").accounts[0]
        .account_id
        .clone();
    let count = |e: &Env| {
        e.coffer
            .store()
            .read(|c| {
                let a = coffer_core::store::accounts::read::by_account_id(c, &acct)?.expect("acct");
                coffer_core::store::accounts::read::balance_count(c, a.rowid)
            })
            .expect("count")
    };
    let n0 = count(&env);
    let views = env
        .coffer
        .refresh_balances(Some(link_id))
        .await
        .expect("refresh");
    assert_eq!(count(&env), n0 + 1);
    let b = views[0].accounts[0].balance.clone().expect("balance");
    assert_eq!(b.source, "balance_get");
}

#[tokio::test]
async fn reconcile_reports_and_repairs() {
    let env = start("reconcile").await;
    let a = env.link_bank().await;
    let b = env.link_bank().await;
    // Link a loses its keychain entry.
    let item_a = env.item_id(a);
    env.vault
        .delete(&vault::item_key(coffer_core::Mode::Sandbox, &item_a))
        .expect("delete");
    // An orphan entry: a keychain entry recorded in the index but with no link (a crash
    // between keychain write and link row).
    let item_b = env.item_id(b);
    let key_b = vault::item_key(coffer_core::Mode::Sandbox, &item_b);
    let token_b = env.vault.load(&key_b).expect("load").expect("token");
    env.coffer
        .store()
        .write(|c| {
            c.execute("DELETE FROM links WHERE id = ?1", [b])?;
            Ok(())
        })
        .expect("drop link row");
    drop(env.coffer.clone());
    let reopened = open(env.dir.path(), &env.sandbox.url(), env.vault.clone()).await;
    let status = reopened.get_status().await.expect("status");
    let kinds: Vec<&str> = status.reconcile.iter().map(|i| i.kind.as_str()).collect();
    assert!(kinds.contains(&"MISSING_KEYCHAIN_ENTRY"), "{kinds:?}");
    assert!(kinds.contains(&"ORPHAN_KEYCHAIN_ENTRY"), "{kinds:?}");
    assert!(status.needs_attention.contains(&a));
    assert_eq!(
        reopened.link_view(a).expect("a").status,
        LinkStatus::KeychainMissing
    );
    // The orphan was repaired: removed at Plaid and from the keychain.
    assert!(env.vault.load(&key_b).expect("load").is_none());
    let err = coffer_plaid::PlaidClient::new(
        &env.sandbox.url(),
        coffer_plaid::Credentials::new(CLIENT_ID, SECRET),
    )
    .expect("client")
    .item_get(&token_b)
    .await
    .expect_err("orphan item removed at Plaid");
    assert!(err.error_code().is_some());
    let events = reopened.get_status().await.expect("status").recent_events;
    assert!(
        events
            .iter()
            .any(|e| e.kind == "reconcile_missing_keychain_entry")
    );
    assert!(
        events
            .iter()
            .any(|e| e.kind == "reconcile_orphan_keychain_entry")
    );
    // Syncing the marked link says what is wrong.
    let err = reopened.sync_link(a, None).await.expect_err("no token");
    assert_eq!(err.code(), ErrorCode::KeychainUnavailable);
}

#[tokio::test]
async fn quick_link_and_settings_never_return_the_secret() {
    let env = start("quick").await;
    let out = env
        .coffer
        .sandbox_quick_link("ins_109508", "user_good", "pass_good")
        .await
        .expect("quick link");
    let v = env.coffer.link_view(out.link_id).expect("view");
    assert!(!v.accounts.is_empty());
    let s = env
        .coffer
        .save_settings(SettingsInput {
            client_id: Some("abc123".into()),
            secret: Some("settingssecret999".into()),
            environment: Some(coffer_core::Mode::Sandbox),
            ..Default::default()
        })
        .await
        .expect("save");
    assert!(s.secret_saved);
    let file =
        std::fs::read_to_string(env.dir.path().join("settings.json")).expect("settings file");
    assert!(
        !file.contains("settingssecret999"),
        "secret not in settings.json"
    );
    assert!(
        !serde_json::to_string(&s)
            .expect("json")
            .contains("settingssecret999")
    );
    let stored = env
        .vault
        .load(&vault::secret_key(coffer_core::Mode::Sandbox))
        .expect("vault")
        .expect("secret");
    assert_eq!(stored.expose(), "settingssecret999");
}
