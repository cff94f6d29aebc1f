//! Several Coffers on one data directory (as several processes would open it): the decisions
//! they share are made under file locks, never in one instance's memory.

use std::fs::OpenOptions;

use coffer_core::{Settings, SettingsInput, paths::Paths};

use crate::common::*;

/// Reconcile at open must not take an exchange in flight elsewhere (index row written,
/// keychain entry not yet) for an orphan: it leaves everything alone while another process
/// holds the vault lock, and does its work at a later open.
#[tokio::test]
async fn reconcile_leaves_an_exchange_in_flight_alone() {
    let env = start("reconcile-in-flight").await;
    let key = "sandbox/item/in-flight-item";
    env.coffer
        .store()
        .write(|c| coffer_core::store::vault_entries::write::insert(c, key, "in-flight-item"))
        .expect("index row");

    // "Another process" mid-exchange holds the vault lock.
    let lock = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(env.dir.path().join("sandbox").join("vault.lock"))
        .expect("lock file");
    lock.lock().expect("lock");
    let second = open(env.dir.path(), &env.sandbox.url(), env.vault.clone()).await;
    let index = second
        .store()
        .read(coffer_core::store::vault_entries::read::list)
        .expect("index");
    assert!(
        index.iter().any(|(k, _)| k == key),
        "the in-flight entry is left alone"
    );
    assert!(
        second
            .get_status()
            .await
            .expect("status")
            .reconcile
            .is_empty()
    );

    // Once the exchange is over (lock released, here without ever writing the entry), a
    // later open reconciles it.
    lock.unlock().expect("unlock");
    let third = open(env.dir.path(), &env.sandbox.url(), env.vault.clone()).await;
    let index = third
        .store()
        .read(coffer_core::store::vault_entries::read::list)
        .expect("index");
    assert!(!index.iter().any(|(k, _)| k == key), "reconciled later");
    let status = third.get_status().await.expect("status");
    assert_eq!(status.reconcile.len(), 1);
    assert_eq!(status.reconcile[0].item_id, "in-flight-item");
}

/// Read-modify-write of settings from many threads (each with its own file handles, as
/// processes have): no increment is lost.
#[test]
fn concurrent_settings_updates_lose_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let start = Settings::load(&Paths::new(dir.path()))
        .expect("load")
        .link_limit;
    let threads: Vec<_> = (0..6)
        .map(|_| {
            let home = dir.path().to_path_buf();
            std::thread::spawn(move || {
                for _ in 0..15 {
                    Settings::update(&Paths::new(&home), |s| {
                        s.link_limit += 1;
                        Ok(())
                    })
                    .expect("update");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("thread");
    }
    let end = Settings::read(&Paths::new(dir.path())).expect("read");
    assert_eq!(end.link_limit, start + 90);
    assert!(!end.client_user_id.is_empty());
}

/// Two open Coffers each save a different setting: neither reverts the other's, and each
/// reads the other's change without reopening.
#[tokio::test]
async fn two_instances_saving_settings_keep_both_changes() {
    let env = start("settings-two-instances").await;
    let other = open(env.dir.path(), &env.sandbox.url(), env.vault.clone()).await;
    env.coffer
        .save_settings(SettingsInput {
            days_requested: Some(45),
            ..Default::default()
        })
        .await
        .expect("save days");
    let view = other
        .save_settings(SettingsInput {
            link_limit: Some(7),
            ..Default::default()
        })
        .await
        .expect("save limit");
    assert_eq!((view.days_requested, view.link_limit), (45, 7));
    let view = env.coffer.get_settings().await.expect("settings");
    assert_eq!((view.days_requested, view.link_limit), (45, 7));
}

/// Two instances (no memory shared, as two processes) syncing one link at once: the second
/// waits for the first, then finds nothing new, so nothing is fetched or applied twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_instance_waits_for_a_sync_in_progress() {
    let mut config = sandbox_config();
    config.not_ready_on_link = false;
    config.history = 1200;
    let env = start_with("sync-two-instances", config).await;
    let id = env.link_bank().await;
    let other = open(env.dir.path(), &env.sandbox.url(), env.vault.clone()).await;
    env.fault(serde_json::json!({"path": "/transactions/sync", "delay_ms": 150, "times": 3}))
        .await;
    // The first sync reports its first page while it still holds the link (three pages):
    // only then does the second start.
    let (page_tx, page_rx) = tokio::sync::oneshot::channel::<()>();
    let page_tx = std::sync::Mutex::new(Some(page_tx));
    let progress: coffer_core::ProgressFn =
        std::sync::Arc::new(move |_: coffer_core::SyncProgress| {
            if let Some(tx) = page_tx.lock().expect("progress").take() {
                let _ = tx.send(());
            }
        });
    let first = {
        let c = env.coffer.clone();
        tokio::spawn(async move { c.sync_link(id, Some(progress)).await })
    };
    tokio::time::timeout(std::time::Duration::from_secs(30), page_rx)
        .await
        .expect("the first sync applies a page")
        .expect("progress");
    let second = other.sync_link(id, None).await.expect("second sync");
    let first = first.await.expect("join").expect("first sync");
    assert_eq!(first.added, 1200);
    assert_eq!(
        (second.added, second.pages),
        (0, 1),
        "the second waited and found nothing new"
    );
    assert_eq!(env.stored(id), env.truth(id));
}
