//! A sync killed with SIGKILL mid-run leaves the previous consistent state; the next sync
//! brings the store to exactly the sandbox's truth.

use std::io::{BufRead, Write};
use std::sync::Arc;

use coffer_core::SyncStatus;
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn sigkill_during_sync_loses_and_duplicates_nothing() {
    if std::env::var("COFFER_CHILD_SYNC").is_ok() {
        return;
    }
    let mut config = sandbox_config();
    config.not_ready_on_link = false;
    config.history = 3200; // 7 pages of 500
    let env = start_with("crash", config).await;
    let link_id = env.link_bank().await;
    // Pages after the second one are slow: the child is killed while a run is open.
    env.fault(json!({"path": "/transactions/sync", "delay_ms": 1500, "after": 2}))
        .await;

    let mut cmd = env.child("crash::child_slow_sync", "COFFER_CHILD_SYNC", link_id);
    let mut child = cmd.spawn().expect("spawn child");
    let stdout = child.stdout.take().expect("stdout");
    let saw = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        tokio::task::spawn_blocking(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let line = line.unwrap_or_default();
                if line.starts_with("PAGE 2") {
                    return true;
                }
            }
            false
        }),
    )
    .await
    .expect("child made progress in time")
    .expect("reader");
    assert!(saw, "child never reached page 2");
    // SIGKILL (Child::kill on Unix) while the run's transaction is open.
    child.kill().expect("kill");
    let status = child.wait().expect("wait");
    assert!(!status.success());

    // The killed run left nothing: the previous consistent state (no transactions, no cursor).
    assert!(
        env.stored(link_id).is_empty(),
        "uncommitted pages are not visible"
    );
    let row = env
        .coffer
        .store()
        .read(|c| coffer_core::store::links::read::get(c, link_id))
        .expect("read")
        .expect("link");
    assert!(row.cursor.is_none());

    // Recover: reopen (as the app would after a crash) and sync again.
    env.clear_faults().await;
    let reopened = open(env.dir.path(), &env.sandbox.url(), env.vault.clone()).await;
    let r = reopened
        .sync_link(link_id, None)
        .await
        .expect("sync after crash");
    assert_eq!(r.status, SyncStatus::Updated);
    let stored = stored_in(reopened.store(), link_id);
    let truth = env.truth(link_id);
    assert_eq!(stored.len(), truth.len(), "none lost, none duplicated");
    assert_eq!(stored, truth);
    let v = reopened.link_view(link_id).expect("view");
    assert_eq!(v.status, coffer_core::LinkStatus::Active);
    assert!(v.last_error.is_none());
}

/// Runs only as the child of `sigkill_during_sync_loses_and_duplicates_nothing`.
#[tokio::test]
async fn child_slow_sync() {
    if std::env::var("COFFER_CHILD_SYNC").is_err() {
        return;
    }
    let (coffer, link_id) = child_coffer().await;
    let progress: coffer_core::ProgressFn = Arc::new(|p: coffer_core::SyncProgress| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "PAGE {} rows {}", p.pages, p.rows);
        let _ = out.flush();
    });
    let _ = coffer.sync_link(link_id, Some(progress)).await;
    // Should have been killed long before this.
    std::thread::sleep(std::time::Duration::from_secs(60));
}
