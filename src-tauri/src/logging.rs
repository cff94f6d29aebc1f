//! Logs: a size-rotated file in the app's log directory (`coffer.log`, then `coffer.log.1` ..
//! `.3`), through a writer that masks anything shaped like a Plaid token, as a last guard (the
//! core never logs a secret; this keeps a future mistake out of the file too).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
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
        self.file = OpenOptions::new()
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

/// Replaces the tail of `access-…`, `public-…` and `link-…` tokens of any environment by `***`.
pub fn redact(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    'outer: while !rest.is_empty() {
        for prefix in ["access-", "public-"] {
            if let Some(tail) = rest.strip_prefix(prefix) {
                for env in ["sandbox-", "production-", "development-"] {
                    if let Some(after) = tail.strip_prefix(env) {
                        let secret_len = after
                            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                            .unwrap_or(after.len());
                        if secret_len > 0 {
                            out.push_str(prefix);
                            out.push_str(env);
                            out.push_str("***");
                            rest = &after[secret_len..];
                            continue 'outer;
                        }
                    }
                }
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

/// The writer the subscriber uses (one shared rotating file).
#[derive(Clone, Debug)]
struct LogFile(Arc<Mutex<Rotating>>);

impl Write for LogFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = redact(&String::from_utf8_lossy(buf));
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
    std::fs::create_dir_all(dir)?;
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
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_masked_and_the_rest_kept() {
        let a = concat!(
            "access-",
            "sandbox-",
            "0c9f2e3a-1b2c-4d5e-8f90-123456789abc"
        );
        let p = concat!(
            "public-",
            "production-",
            "deadbeef-0000-4000-8000-000000000000"
        );
        assert_eq!(
            redact(&format!("token={a} next {p}, done")),
            "token=access-sandbox-*** next public-production-***, done"
        );
        assert_eq!(
            redact("access-denied and public-facing"),
            "access-denied and public-facing"
        );
        assert_eq!(redact("héllo"), "héllo");
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
