//! One desktop instance per data directory: the first holds `<home>/desktop.lock` and listens
//! on a loopback port written, with a random key, to `<home>/desktop.port` (0600, like every
//! file in the data directory); a second launch finds the lock taken, asks the first to show
//! its window, and exits. Any local process can connect to a loopback port, so a request counts
//! only with the key: only the same user (who can read the file) is heard.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

use coffer_core::paths::private;

/// What starting found.
#[derive(Debug)]
pub enum Claim {
    /// This process is the instance for the directory (keep the guard alive).
    First(Instance),
    /// Another instance has it and was asked to show itself.
    Other,
}

/// The running instance: holds the lock, answers "show yourself" requests.
pub struct Instance {
    _lock: File,
    listener: TcpListener,
    /// What a request must carry (also in `desktop.port`).
    key: String,
}

impl std::fmt::Debug for Instance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instance")
            .field("listener", &self.listener)
            .finish_non_exhaustive()
    }
}

/// Claims `home` for this process, or tells the instance that has it to show itself.
pub fn claim(home: &Path) -> std::io::Result<Claim> {
    private::create_dir(home)?;
    let lock = private::file_options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(home.join("desktop.lock"))?;
    match lock.try_lock() {
        Ok(()) => {
            let listener = TcpListener::bind(("127.0.0.1", 0))?;
            let key = uuid::Uuid::new_v4().simple().to_string();
            private::create_file(&port_file(home))?
                .write_all(format!("{} {key}", listener.local_addr()?.port()).as_bytes())?;
            Ok(Claim::First(Instance {
                _lock: lock,
                listener,
                key,
            }))
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            if let Err(e) = ask_to_show(home) {
                eprintln!("coffer: another instance has this data directory ({e})");
            }
            Ok(Claim::Other)
        }
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

fn port_file(home: &Path) -> PathBuf {
    home.join("desktop.port")
}

fn ask_to_show(home: &Path) -> std::io::Result<()> {
    let text = std::fs::read_to_string(port_file(home))?;
    let (port, key) = text
        .trim()
        .split_once(' ')
        .ok_or_else(|| std::io::Error::other("desktop.port has no key"))?;
    let port: u16 = port.parse().map_err(std::io::Error::other)?;
    let mut stream =
        TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(2))?;
    stream.write_all(format!("show {key}\n").as_bytes())
}

impl Instance {
    /// Calls `show` for every "show" request, on a thread of its own.
    pub fn serve(self, show: impl Fn() + Send + 'static) {
        std::thread::spawn(move || {
            let _keep = self._lock;
            for stream in self.listener.incoming().flatten() {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let mut line = String::new();
                let _ = BufReader::new((&stream).take(256)).read_line(&mut line);
                let heard = line
                    .trim()
                    .strip_prefix("show ")
                    .is_some_and(|key| same_key(key, &self.key));
                if heard {
                    show();
                    let _ = (&stream).write_all(b"ok\n");
                } else {
                    tracing::warn!("a show-window request without this instance's key was ignored");
                }
            }
        });
    }
}

/// Compares in time independent of where the two keys differ.
fn same_key(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_claim_asks_the_first_to_show_itself() {
        let dir = tempfile::tempdir().expect("dir");
        let Claim::First(first) = claim(dir.path()).expect("claim") else {
            panic!("the first claim wins");
        };
        let (tx, rx) = std::sync::mpsc::channel();
        first.serve(move || {
            let _ = tx.send(());
        });
        assert!(matches!(claim(dir.path()).expect("claim"), Claim::Other));
        rx.recv_timeout(Duration::from_secs(5))
            .expect("asked to show");
    }

    #[test]
    fn only_a_request_with_the_key_is_heard() {
        let dir = tempfile::tempdir().expect("dir");
        let Claim::First(first) = claim(dir.path()).expect("claim") else {
            panic!("the first claim wins");
        };
        let text = std::fs::read_to_string(port_file(dir.path())).expect("port file");
        let (port, key) = text.split_once(' ').expect("port and key");
        let port: u16 = port.parse().expect("port");
        assert_eq!(key.len(), 32, "{text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode(&port_file(dir.path())), 0o600);
            assert_eq!(mode(&dir.path().join("desktop.lock")), 0o600);
        }
        let (tx, rx) = std::sync::mpsc::channel();
        first.serve(move || {
            let _ = tx.send(());
        });
        // The instance answers "ok" to a request it heard and closes the others unanswered
        // (after it handled them: requests are handled one at a time, in order).
        let send = |line: &str| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
            s.write_all(line.as_bytes()).expect("write");
            s.shutdown(std::net::Shutdown::Write).expect("shutdown");
            let mut answer = String::new();
            s.read_to_string(&mut answer).expect("read");
            answer
        };
        // What any local process could send without reading the 0600 file.
        assert_eq!(send("show\n"), "");
        assert_eq!(send("show 00000000000000000000000000000000\n"), "");
        assert!(
            rx.try_recv().is_err(),
            "a request without the key was heard"
        );
        assert_eq!(send(&format!("show {key}\n")), "ok\n");
        rx.try_recv().expect("the keyed request is heard");
    }
}
