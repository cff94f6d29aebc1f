//! Offline mode: the embedded sandbox starts on 127.0.0.1 and its items persist between runs;
//! a keychain that never answers times out with KEYCHAIN_UNAVAILABLE.

use std::sync::Arc;

use coffer_core::{
    Coffer, EnvConfig, ErrorCode, MemoryVault, Mode, OpenOptions, SyncStatus, Vault,
};

use crate::common::*;

#[tokio::test]
async fn offline_mode_embeds_a_persistent_sandbox() {
    let dir = tempfile::tempdir().expect("dir");
    let vault: Arc<dyn Vault> = Arc::new(MemoryVault::new());
    let opts = || OpenOptions {
        home: Some(dir.path().to_path_buf()),
        vault: Some(vault.clone()),
        env: Some(EnvConfig::default()),
    };
    let coffer = Coffer::open_with(opts()).await.expect("open offline");
    assert_eq!(coffer.mode(), Mode::Offline);
    assert!(
        coffer.base_url().starts_with("http://127.0.0.1:"),
        "{}",
        coffer.base_url()
    );
    let id = coffer
        .sandbox_quick_link("ins_109508", "user_good", "pass_good")
        .await
        .expect("quick link")
        .link_id;
    let mut synced = false;
    for _ in 0..5 {
        if coffer.sync_link(id, None).await.expect("sync").status == SyncStatus::Updated {
            synced = true;
            break;
        }
    }
    assert!(synced);
    let n = stored_in(coffer.store(), id).len();
    assert!(n > 0);
    coffer.shutdown().await;
    drop(coffer);
    assert!(dir.path().join("offline").join("coffer.db").exists());
    assert!(
        dir.path().join("offline").join("sandbox.json").exists(),
        "sandbox state persisted"
    );

    // Next run: same item, still known to the (restarted) sandbox.
    let again = Coffer::open_with(opts()).await.expect("reopen");
    let status = again.get_status().await.expect("status");
    assert!(status.reconcile.is_empty(), "{:?}", status.reconcile);
    let r = again.sync_link(id, None).await.expect("sync after restart");
    assert_eq!(r.status, SyncStatus::Updated);
    assert_eq!(stored_in(again.store(), id).len(), n);
    again.shutdown().await;
}

#[tokio::test]
async fn keychain_that_never_answers_times_out() {
    if std::env::var("COFFER_CHILD_HUNG_BUS").is_ok() {
        return;
    }
    // A "bus" that accepts connections and never says anything.
    let dir = tempfile::tempdir().expect("dir");
    let sock = dir.path().join("bus");
    let listener = std::os::unix::net::UnixListener::bind(&sock).expect("bind");
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in listener.incoming() {
            held.push(c);
        }
    });
    let exe = std::env::current_exe().expect("exe");
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(exe)
            .args([
                "--exact",
                "modes::child_hung_keychain",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("COFFER_CHILD_HUNG_BUS", "1")
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                format!("unix:path={}", sock.display()),
            )
            .output()
            .expect("child")
    })
    .await
    .expect("join");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "child failed:\n{text}");
    assert!(text.contains("CHILD-OK"), "{text}");
}

/// Runs only as the child of `keychain_that_never_answers_times_out`.
#[tokio::test]
async fn child_hung_keychain() {
    if std::env::var("COFFER_CHILD_HUNG_BUS").is_err() {
        return;
    }
    let v = coffer_core::KeyringVault::new("coffer-test-hung")
        .with_timeout(std::time::Duration::from_millis(800));
    let t0 = std::time::Instant::now();
    let err = v.load("anything").expect_err("must not hang");
    assert!(
        t0.elapsed() < std::time::Duration::from_secs(5),
        "took {:?}",
        t0.elapsed()
    );
    assert_eq!(err.code(), ErrorCode::KeychainUnavailable);
    println!("error: {err}");
    println!("CHILD-OK");
}
