//! Sync behaviour: progress, one run per link, large histories paged.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use coffer_core::SyncStatus;
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn progress_is_reported_and_concurrent_syncs_do_not_duplicate() {
    let mut config = sandbox_config();
    config.history = 2600; // several pages of 500
    config.not_ready_on_link = false;
    let env = start_with("progress", config).await;
    let link_id = env.link_bank().await;
    let calls = Arc::new(AtomicU32::new(0));
    let c2 = calls.clone();
    let progress: coffer_core::ProgressFn = Arc::new(move |p: coffer_core::SyncProgress| {
        assert!(p.pages >= 1);
        c2.fetch_add(1, Ordering::SeqCst);
    });
    // Slow pages so both callers overlap.
    env.fault(json!({"path": "/transactions/sync", "delay_ms": 100, "times": 20}))
        .await;
    let (a, b) = tokio::join!(
        env.coffer.sync_link(link_id, Some(progress.clone())),
        env.coffer.sync_link(link_id, Some(progress))
    );
    let (a, b) = (a.expect("a"), b.expect("b"));
    assert_eq!(a.status, SyncStatus::Updated);
    assert_eq!(b.status, SyncStatus::Updated);
    // One of them did the work; the other waited and found nothing new.
    assert_eq!(a.added + b.added, env.truth(link_id).len() as u64);
    assert!(a.pages >= 6 || b.pages >= 6, "paged by 500: {a:?} {b:?}");
    assert!(calls.load(Ordering::SeqCst) >= 6);
    assert_eq!(env.stored(link_id), env.truth(link_id));
}

#[tokio::test]
async fn a_sync_dropped_mid_run_commits_nothing_and_the_next_one_completes() {
    let mut config = sandbox_config();
    config.history = 2600; // 6 pages of 500
    config.not_ready_on_link = false;
    let env = start_with("cancelled", config).await;
    let link_id = env.link_bank().await;
    env.fault(json!({"path": "/transactions/sync", "delay_ms": 100, "times": 3}))
        .await;
    let two_pages = Arc::new(tokio::sync::Notify::new());
    let notify = two_pages.clone();
    let progress: coffer_core::ProgressFn = Arc::new(move |p: coffer_core::SyncProgress| {
        if p.pages == 2 {
            notify.notify_one();
        }
    });
    // The caller goes away (a closed window, a timeout) once two pages are applied.
    tokio::select! {
        r = env.coffer.sync_link(link_id, Some(progress)) => panic!("finished before being dropped: {r:?}"),
        _ = two_pages.notified() => {}
    }
    assert!(env.stored(link_id).is_empty(), "a dropped run left rows");
    let link = env.coffer.link_view(link_id).expect("link");
    assert!(link.last_sync_at.is_none(), "a dropped run stored a sync");

    let r = env.coffer.sync_link(link_id, None).await.expect("sync");
    assert_eq!(r.status, SyncStatus::Updated);
    assert_eq!(r.added, env.truth(link_id).len() as u64);
    assert_eq!(env.stored(link_id), env.truth(link_id));
}
