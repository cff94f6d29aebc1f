//! Owner-only files: the data directory is 0700 and every file Coffer writes 0600, and a
//! directory an older version left readable by others is tightened on start.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

use coffer_core::{
    Coffer, EnvConfig, ExportFormat, ExportInput, MemoryVault, Mode, OpenOptions, SettingsInput,
};

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Every directory and file under `dir`, with its mode.
fn tree(dir: &Path) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(p) = stack.pop() {
        out.push((p.display().to_string(), mode(&p)));
        if p.is_dir() {
            for e in std::fs::read_dir(&p).expect("read_dir") {
                stack.push(e.expect("entry").path());
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn the_data_directory_is_the_owners_only() {
    let root = tempfile::tempdir().expect("dir");
    let home = root.path().join("coffer");
    // What an older Coffer left: a world-readable directory, database and settings.
    std::fs::create_dir_all(home.join("offline")).expect("mkdir");
    chmod(&home, 0o755);
    chmod(&home.join("offline"), 0o755);
    std::fs::write(home.join("settings.json"), "{}").expect("settings");
    chmod(&home.join("settings.json"), 0o644);

    let coffer = Coffer::open_with(OpenOptions {
        home: Some(home.clone()),
        vault: Some(Arc::new(MemoryVault::new())),
        env: Some(EnvConfig::default()),
    })
    .await
    .expect("open");
    assert_eq!(coffer.mode(), Mode::Offline);
    let link = coffer
        .sandbox_quick_link("ins_109508", "user_good", "pass_good")
        .await
        .expect("link");
    // Sync's lock file and a written database (the transactions may not be ready yet).
    let _ = coffer.sync_link(link.link_id, None).await;
    coffer
        .save_settings(SettingsInput {
            link_limit: Some(7),
            ..Default::default()
        })
        .await
        .expect("save settings");
    // An export inside the data directory's parent: the file is the owner's too.
    let export = root.path().join("out.csv");
    coffer
        .export_transactions(ExportInput {
            format: ExportFormat::Csv,
            path: export.clone(),
            filter: Default::default(),
        })
        .await
        .expect("export");
    assert_eq!(mode(&export), 0o600);
    // Never over the live database, nor anywhere else in the data directory.
    let db = home.join("offline").join("coffer.db");
    let before = std::fs::read(&db).expect("db");
    for target in [db.clone(), home.join("settings.json"), home.join("new.csv")] {
        let err = coffer
            .export_transactions(ExportInput {
                format: ExportFormat::Csv,
                path: target.clone(),
                filter: Default::default(),
            })
            .await
            .expect_err("inside the data directory");
        assert_eq!(
            err.code(),
            coffer_core::ErrorCode::InvalidInput,
            "{target:?}: {err}"
        );
    }
    assert!(!home.join("new.csv").exists());
    assert_eq!(
        std::fs::read(&db).expect("db"),
        before,
        "the database was touched"
    );

    let files = tree(&home);
    for name in [
        "coffer.db",
        "coffer.db-wal",
        "coffer.db-shm",
        "sandbox.json",
    ] {
        assert!(
            files.iter().any(|(p, _)| p.ends_with(name)),
            "{name} was not written: {files:?}"
        );
    }
    assert!(files.iter().any(|(p, _)| p.ends_with(".lock")), "{files:?}");
    for (path, m) in &files {
        let wanted = if Path::new(path).is_dir() {
            0o700
        } else {
            0o600
        };
        assert_eq!(*m, wanted, "{path} is {m:o}; all: {files:?}");
    }
    coffer.shutdown().await;
}
