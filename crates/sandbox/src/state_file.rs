//! The state file, shared by every sandbox process that names it.
//!
//! Several processes may run a sandbox over one state file at once (the desktop app, the CLI
//! from cron, `coffer-cli serve`, tests: each embeds its own server on its own port). They see
//! one and the same Plaid because every request is a transaction on the file:
//!
//! 1. take an exclusive lock on `<state>.lock` (an OS file lock: released by the kernel if the
//!    process dies, so a crash never leaves it held);
//! 2. read the generation number the lock file holds; if another process committed since this
//!    one last looked, reload the state from the state file;
//! 3. run the handler on the in-memory state;
//! 4. if the handler changed anything, write the next generation into the lock file, then the
//!    state file (to a temporary file renamed over it: a reader never sees half a file);
//! 5. release the lock.
//!
//! Why a lock around read-modify-write rather than one shared server or a database: a sandbox
//! that other processes find and use needs a hand-over when its owner exits, and every client
//! would have to notice and move to the new address mid-call; state in SQLite would mean
//! rewriting the sandbox's state model. The state is small (Items' change logs, tokens: the
//! bulk of each Item's history is regenerated from its seed), so reading it again only when
//! another process changed it and writing it once per changing request costs little, and a
//! crash at any point leaves either the old or the new file. The generation is bumped before
//! the state file is replaced, so a process killed in between only makes the others reload a
//! file that did not change.
//!
//! Both files are created owner-only (0600 on Unix): the state holds the person's sandbox
//! Items and their transactions.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::state::State;

/// An open state file and the generation the caller's in-memory state reflects.
#[derive(Debug)]
pub(crate) struct StateFile {
    path: PathBuf,
    lock: File,
    /// `None`: the in-memory state must be (re)loaded at the next transaction.
    seen: Option<u64>,
}

/// Holds the lock of a [`StateFile`]; unlocks on drop (also when a handler panics).
pub(crate) struct Locked<'a>(&'a mut StateFile);

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        let _ = self.0.lock.unlock();
    }
}

impl StateFile {
    /// Opens `path` (creating its lock file) and loads the state it holds (empty if none).
    pub(crate) fn open(path: &Path) -> Result<(StateFile, State)> {
        let lock = owner_only()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(lock_path(path))?;
        let mut file = StateFile {
            path: path.to_path_buf(),
            lock,
            seen: None,
        };
        let mut state = State::default();
        file.begin(&mut state)?;
        Ok((file, state))
    }

    /// Step 1 and 2: locks, and reloads `state` if another process committed since.
    pub(crate) fn begin(&mut self, state: &mut State) -> Result<Locked<'_>> {
        self.lock.lock()?;
        let locked = Locked(self);
        let generation = locked.0.read_generation()?;
        if locked.0.seen != Some(generation) {
            *state = load(&locked.0.path)?;
            locked.0.seen = Some(generation);
        }
        Ok(locked)
    }

    fn read_generation(&mut self) -> io::Result<u64> {
        let mut text = String::new();
        self.lock.seek(SeekFrom::Start(0))?;
        self.lock.read_to_string(&mut text)?;
        // An empty lock file (first use, or a file from before generations) is generation 0.
        Ok(text.trim().parse().unwrap_or(0))
    }
}

impl Locked<'_> {
    /// Step 4: the next generation, then the state file. On failure the in-memory state is
    /// marked stale, so the next transaction reloads what is really on disk.
    pub(crate) fn commit(&mut self, state: &State) -> Result<()> {
        let result = self.write(state);
        if result.is_err() {
            self.0.seen = None;
        }
        result
    }

    fn write(&mut self, state: &State) -> Result<()> {
        let next = self.0.read_generation()?.wrapping_add(1);
        let lock = &mut self.0.lock;
        lock.set_len(0)?;
        lock.seek(SeekFrom::Start(0))?;
        lock.write_all(next.to_string().as_bytes())?;
        lock.flush()?;
        let bytes = serde_json::to_vec(state).map_err(io::Error::other)?;
        let tmp = {
            let mut name = self.0.path.file_name().unwrap_or_default().to_os_string();
            name.push(format!(".{}.tmp", std::process::id()));
            self.0.path.with_file_name(name)
        };
        let written = owner_only()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)
            .and_then(|mut f| f.write_all(&bytes));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(e.into());
        }
        std::fs::rename(&tmp, &self.0.path)?;
        self.0.seen = Some(next);
        Ok(())
    }
}

/// Options that create a file readable and writable by its owner only.
fn owner_only() -> OpenOptions {
    #[allow(unused_mut)]
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    path.with_file_name(name)
}

fn load(path: &Path) -> Result<State> {
    match std::fs::read(path) {
        Ok(bytes) => {
            let mut state: State =
                serde_json::from_slice(&bytes).map_err(|e| Error::StateFile {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                })?;
            state.upgrade();
            Ok(state)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(State::default()),
        Err(e) => Err(Error::Io(e)),
    }
}
