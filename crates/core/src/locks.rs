//! Cross-process locks of one data directory (docs/ARCHITECTURE.md, "Many processes").
//!
//! The desktop app, the CLI (from a terminal or cron) and `coffer-cli serve` may open one data
//! directory at once. Decisions that must not interleave across processes take an OS file lock
//! (`File::lock`: flock on Unix, LockFileEx on Windows), which the kernel releases when the
//! holder dies, so a crash never leaves one held:
//!
//! ```text
//! <home>/settings.lock             read-modify-write of settings.json
//! <home>/<mode>/vault.lock         keychain entry + its index row + its link (exchange, remove,
//!                                  reconcile): reconcile never sees an exchange half done
//! <home>/<mode>/locks/sync-<id>    one sync of a link at a time
//! ```
//!
//! Within one process the same file locked through two handles also excludes (both flock and
//! LockFileEx lock per open file), so the locks hold between tasks of one process as well.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use crate::error::{AppError, Result};

/// An exclusive lock on a file, released on drop.
#[derive(Debug)]
pub(crate) struct FileLock {
    file: File,
}

impl Drop for FileLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

fn open(path: &Path) -> Result<File> {
    if let Some(dir) = path.parent() {
        crate::paths::private::create_dir(dir).map_err(|e| io_error(path, e))?;
    }
    crate::paths::private::file_options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| io_error(path, e))
}

fn io_error(path: &Path, e: std::io::Error) -> AppError {
    AppError::Io {
        context: "failed to take a lock in the data directory",
        detail: format!("{}: {e}", path.display()),
    }
}

impl FileLock {
    /// Waits for the lock (blocking: call from a blocking thread, or use [`FileLock::acquire`]).
    pub(crate) fn acquire_blocking(path: &Path) -> Result<FileLock> {
        let file = open(path)?;
        file.lock().map_err(|e| io_error(path, e))?;
        Ok(FileLock { file })
    }

    /// Waits for the lock on a blocking thread. If the caller's future is dropped while
    /// waiting, the lock is released as soon as it is obtained.
    pub(crate) async fn acquire(path: PathBuf) -> Result<FileLock> {
        tokio::task::spawn_blocking(move || Self::acquire_blocking(&path)).await?
    }

    /// The lock if nobody holds it, else `None`.
    pub(crate) fn try_acquire(path: &Path) -> Result<Option<FileLock>> {
        let file = open(path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(FileLock { file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(io_error(path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_excludes_another_handle_until_dropped() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("sub").join("x.lock");
        let held = FileLock::acquire_blocking(&path).expect("first");
        assert!(FileLock::try_acquire(&path).expect("try").is_none());
        drop(held);
        assert!(FileLock::try_acquire(&path).expect("try").is_some());
    }

    #[test]
    fn a_waiter_gets_the_lock_when_the_holder_lets_go() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("y.lock");
        let held = FileLock::acquire_blocking(&path).expect("first");
        let p = path.clone();
        let waiter = std::thread::spawn(move || FileLock::acquire_blocking(&p).map(|_| ()));
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(!waiter.is_finished(), "waits while held");
        drop(held);
        waiter.join().expect("thread").expect("lock");
    }
}
