//! Where Coffer keeps its files: the platform's app data directory, or `COFFER_HOME`.
//!
//! ```text
//! <home>/settings.json            settings shared by all modes (no secret in it)
//! <home>/<mode>/coffer.db         one database per mode (+ -wal, -shm)
//! <home>/offline/sandbox.json     state of the embedded sandbox (offline mode only)
//! <home>/settings.lock, <home>/<mode>/vault.lock, <home>/<mode>/locks/
//!                                 cross-process locks (see `locks`)
//! ```

use std::path::{Path, PathBuf};

use crate::error::{AppError, Result};
use crate::mode::Mode;

/// Environment variable overriding the data directory.
pub const COFFER_HOME: &str = "COFFER_HOME";

/// The data directory: `$COFFER_HOME`, else `<platform data dir>/coffer`
/// (`~/.local/share/coffer`, `~/Library/Application Support/coffer`, `%APPDATA%\coffer`).
pub fn default_home() -> Result<PathBuf> {
    if let Some(h) = std::env::var_os(COFFER_HOME).filter(|h| !h.is_empty()) {
        return Ok(PathBuf::from(h));
    }
    dirs::data_dir().map(|d| d.join("coffer")).ok_or_else(|| {
        AppError::NotConfigured(
            "no application data directory on this system; set COFFER_HOME".into(),
        )
    })
}

/// The files of one data directory.
#[derive(Debug, Clone)]
pub struct Paths {
    home: PathBuf,
}

impl Paths {
    /// Paths under `home`.
    pub fn new(home: impl Into<PathBuf>) -> Self {
        Self { home: home.into() }
    }
    /// The data directory.
    pub fn home(&self) -> &Path {
        &self.home
    }
    /// The settings file.
    pub fn settings(&self) -> PathBuf {
        self.home.join("settings.json")
    }
    /// The directory of one mode.
    pub fn mode_dir(&self, mode: Mode) -> PathBuf {
        self.home.join(mode.as_str())
    }
    /// The database of one mode.
    pub fn database(&self, mode: Mode) -> PathBuf {
        self.mode_dir(mode).join("coffer.db")
    }
    /// The embedded sandbox's state file.
    pub fn sandbox_state(&self) -> PathBuf {
        self.mode_dir(Mode::Offline).join("sandbox.json")
    }
    /// Lock of `settings.json`'s read-modify-write.
    pub fn settings_lock(&self) -> PathBuf {
        self.home.join("settings.lock")
    }
    /// Lock of the keychain entries of one mode and their index.
    pub fn vault_lock(&self, mode: Mode) -> PathBuf {
        self.mode_dir(mode).join("vault.lock")
    }
    /// Lock of one link's sync.
    pub fn sync_lock(&self, mode: Mode, link_id: i64) -> PathBuf {
        self.mode_dir(mode)
            .join("locks")
            .join(format!("sync-{link_id}.lock"))
    }
    /// Creates the directory of `mode` (and the home) if missing.
    pub fn ensure(&self, mode: Mode) -> Result<()> {
        std::fs::create_dir_all(self.mode_dir(mode)).map_err(|e| AppError::Io {
            context: "failed to create the data directory",
            detail: format!("{}: {e}", self.mode_dir(mode).display()),
        })
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, then rename.
pub fn write_atomic(path: &Path, bytes: &[u8], context: &'static str) -> Result<()> {
    use std::io::Write;
    let io = |e: std::io::Error| AppError::Io {
        context,
        detail: format!("{}: {e}", path.display()),
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}
