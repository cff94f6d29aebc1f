//! Where Coffer keeps its files: the platform's app data directory, or `COFFER_HOME`.
//!
//! ```text
//! <home>/settings.json            settings shared by all modes (no secret in it)
//! <home>/<mode>/coffer.db         one database per mode (+ -wal, -shm)
//! <home>/offline/sandbox.json     state of the embedded sandbox (offline mode only)
//! <home>/settings.lock, <home>/<mode>/vault.lock, <home>/<mode>/locks/
//!                                 cross-process locks (see `locks`)
//! ```
//!
//! Everything here is the owner's alone (docs/ARCHITECTURE.md, "Security"): directories are
//! created 0700 and files 0600 through [`private`], and [`Paths::ensure`] tightens a data
//! directory that an older version (or a person) left readable by others.

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
    /// Creates the directory of `mode` (and the home) if missing, owner-only, and tightens
    /// whatever in the data directory others could read (the databases and their WAL/SHM,
    /// settings, locks, the sandbox state). Each path tightened is logged.
    pub fn ensure(&self, mode: Mode) -> Result<()> {
        let io = |path: &Path, e: std::io::Error| AppError::Io {
            context: "failed to create the data directory",
            detail: format!("{}: {e}", path.display()),
        };
        private::create_dir(&self.mode_dir(mode)).map_err(|e| io(&self.mode_dir(mode), e))?;
        for path in private::tighten_dir(&self.home).map_err(|e| io(&self.home, e))? {
            tracing::warn!(
                path = %path.display(),
                "others could read this; it is now the owner's only"
            );
        }
        Ok(())
    }
}

/// Owner-only directories (0700) and files (0600) on Unix; elsewhere the platform's defaults
/// (the per-user profile directory is already private on Windows and macOS).
pub mod private {
    use std::fs::OpenOptions;
    use std::io;
    use std::path::{Path, PathBuf};

    /// The mode of a directory Coffer creates.
    pub const DIR_MODE: u32 = 0o700;
    /// The mode of a file Coffer creates.
    pub const FILE_MODE: u32 = 0o600;

    /// `create_dir_all`, every directory it creates owner-only; `path` itself is tightened
    /// when it already existed with looser bits.
    pub fn create_dir(path: &Path) -> io::Result<()> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
        builder.create(path)?;
        tighten(path)?;
        Ok(())
    }

    /// Options that create a file owner-only (the mode applies only when it is created).
    pub fn file_options() -> OpenOptions {
        #[allow(unused_mut)]
        let mut options = OpenOptions::new();
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
        options
    }

    /// Creates (or truncates) `path` owner-only for writing.
    pub fn create_file(path: &Path) -> io::Result<std::fs::File> {
        let file = file_options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)?;
        tighten(path)?;
        Ok(file)
    }

    /// Removes the group and other bits of `path` (0700 for a directory, 0600 for a file)
    /// when any is set; says whether it changed anything. Symbolic links are left alone.
    pub fn tighten(path: &Path) -> io::Result<bool> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = match std::fs::symlink_metadata(path) {
                Ok(meta) => meta,
                // Gone since it was listed (another process's temporary file).
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
                Err(e) => return Err(e),
            };
            let mode = meta.permissions().mode() & 0o777;
            let wanted = if meta.is_dir() {
                DIR_MODE
            } else if meta.is_file() {
                mode & FILE_MODE
            } else {
                return Ok(false);
            };
            if mode & 0o077 != 0 {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(wanted))?;
                return Ok(true);
            }
        }
        #[cfg(not(unix))]
        let _ = path;
        Ok(false)
    }

    /// Tightens `dir` and everything under it (symbolic links are neither changed nor
    /// followed); returns the paths it changed. A data directory holds a handful of files.
    pub fn tighten_dir(dir: &Path) -> io::Result<Vec<PathBuf>> {
        let mut changed = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(path) = stack.pop() {
            if tighten(&path)? {
                changed.push(path.clone());
            }
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
                for entry in std::fs::read_dir(&path)? {
                    stack.push(entry?.path());
                }
            }
        }
        Ok(changed)
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
        let mut f = private::create_file(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}
