//! Logs: a size-rotated file in the app's log directory (`coffer.log`, then `coffer.log.1` ..
//! `.3`), owner-only (0700 directory, 0600 files), through `coffer_core::redact`: tokens of
//! every kind and the Plaid secret are masked, as a last guard (the core never logs a secret;
//! this keeps a future mistake out of the file too).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use coffer_core::paths::private;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

const MAX_BYTES: u64 = 5 * 1024 * 1024;
const KEEP: usize = 3;

/// A file that rotates past [`MAX_BYTES`].
#[derive(Debug)]
struct Rotating {
    path: PathBuf,
    file: File,
    written: u64,
}

impl Rotating {
    fn open(path: PathBuf) -> io::Result<Rotating> {
        let file = private::file_options()
            .create(true)
            .append(true)
            .open(&path)?;
        private::tighten(&path)?;
        let written = file.metadata()?.len();
        Ok(Rotating {
            path,
            file,
            written,
        })
    }

    fn rotate(&mut self) -> io::Result<()> {
        for i in (1..KEEP).rev() {
            let _ = std::fs::rename(numbered(&self.path, i), numbered(&self.path, i + 1));
        }
        std::fs::rename(&self.path, numbered(&self.path, 1))?;
        self.file = private::file_options()
            .create(true)
            .append(true)
            .open(&self.path)?;
        self.written = 0;
        Ok(())
    }
}

fn numbered(path: &Path, i: usize) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{i}"));
    path.with_file_name(name)
}

/// The writer the subscriber uses (one shared rotating file).
#[derive(Clone, Debug)]
struct LogFile(Arc<Mutex<Rotating>>);

impl Write for LogFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = coffer_core::redact::redact(&String::from_utf8_lossy(buf));
        let mut f = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if f.written + text.len() as u64 > MAX_BYTES {
            f.rotate()?;
        }
        f.file.write_all(text.as_bytes())?;
        f.written += text.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .file
            .flush()
    }
}

impl<'a> MakeWriter<'a> for LogFile {
    type Writer = LogFile;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Logs to `<dir>/coffer.log` at `RUST_LOG` (default info for Coffer's crates).
pub fn init(dir: &Path) -> io::Result<PathBuf> {
    private::create_dir(dir)?;
    let tightened = private::tighten_dir(dir)?;
    let path = dir.join("coffer.log");
    let file = LogFile(Arc::new(Mutex::new(Rotating::open(path.clone())?)));
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new("warn,coffer=info,coffer_core=info,coffer_plaid=info,coffer_sandbox=info")
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(file)
        .try_init();
    for path in tightened {
        tracing::warn!(path = %path.display(), "others could read this; it is now the owner's only");
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_owner_only_and_holds_no_token_or_secret() {
        let dir = tempfile::tempdir().expect("dir");
        let logs = dir.path().join("logs");
        std::fs::create_dir(&logs).expect("logs");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // As an older version left it: readable by everyone.
            std::fs::set_permissions(&logs, std::fs::Permissions::from_mode(0o755)).expect("chmod");
            std::fs::write(logs.join("coffer.log.1"), "old\n").expect("old log");
            std::fs::set_permissions(
                logs.join("coffer.log.1"),
                std::fs::Permissions::from_mode(0o644),
            )
            .expect("chmod");
        }
        let secret = "5ec4e70f9a1b2c3d4e5f60718293a4";
        coffer_core::redact::remember(&coffer_core::Secret::new(secret));
        let path = init(&logs).expect("init");
        let tokens = [
            concat!(
                "access-",
                "production-",
                "0c9f2e3a-1b2c-4d5e-8f90-123456789abc"
            ),
            concat!(
                "public-",
                "sandbox-",
                "deadbeef-0000-4000-8000-000000000000"
            ),
            concat!(
                "link-",
                "production-",
                "af1a0311-da53-4636-b754-dd15cc058176"
            ),
            concat!("coffer_", "00112233445566778899aabbccddeeff"),
            secret,
        ];
        for token in tokens {
            tracing::info!(value = token, "logging {token}");
            tracing::error!("{token:?} in an error");
        }
        let text = std::fs::read_to_string(&path).expect("log");
        for token in tokens {
            assert!(!text.contains(token), "{token} reached the log:\n{text}");
        }
        assert!(text.contains("link-production-***"), "{text}");
        assert!(text.contains("coffer_***"), "{text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode(&logs), 0o700);
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(&logs.join("coffer.log.1")), 0o600);
            assert!(text.contains("now the owner's only"), "{text}");
        }
    }

    #[test]
    fn the_file_rotates_and_keeps_three() {
        let dir = tempfile::tempdir().expect("dir");
        let mut f = LogFile(Arc::new(Mutex::new(
            Rotating::open(dir.path().join("coffer.log")).expect("open"),
        )));
        let line = vec![b'x'; 1024 * 1024];
        for _ in 0..25 {
            f.write_all(&line).expect("write");
        }
        assert!(dir.path().join("coffer.log.3").exists());
        assert!(!dir.path().join("coffer.log.4").exists());
        assert!(
            std::fs::metadata(dir.path().join("coffer.log"))
                .expect("log")
                .len()
                <= MAX_BYTES
        );
    }
}
