//! One desktop instance per data directory: the first holds `<home>/desktop.lock` and listens
//! on a loopback port written to `<home>/desktop.port`; a second launch finds the lock taken,
//! asks the first to show its window, and exits.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What starting found.
#[derive(Debug)]
pub enum Claim {
    /// This process is the instance for the directory (keep the guard alive).
    First(Instance),
    /// Another instance has it and was asked to show itself.
    Other,
}

/// The running instance: holds the lock, answers "show yourself" requests.
#[derive(Debug)]
pub struct Instance {
    _lock: File,
    listener: TcpListener,
}

/// Claims `home` for this process, or tells the instance that has it to show itself.
pub fn claim(home: &Path) -> std::io::Result<Claim> {
    std::fs::create_dir_all(home)?;
    let lock = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(home.join("desktop.lock"))?;
    match lock.try_lock() {
        Ok(()) => {
            let listener = TcpListener::bind(("127.0.0.1", 0))?;
            std::fs::write(port_file(home), listener.local_addr()?.port().to_string())?;
            Ok(Claim::First(Instance {
                _lock: lock,
                listener,
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
    let port: u16 = std::fs::read_to_string(port_file(home))?
        .trim()
        .parse()
        .map_err(std::io::Error::other)?;
    let mut stream =
        TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(2))?;
    stream.write_all(b"show\n")
}

impl Instance {
    /// Calls `show` for every "show" request, on a thread of its own.
    pub fn serve(self, show: impl Fn() + Send + 'static) {
        std::thread::spawn(move || {
            let _keep = self._lock;
            for stream in self.listener.incoming().flatten() {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let mut line = String::new();
                if BufReader::new(stream).read_line(&mut line).is_ok() && line.trim() == "show" {
                    show();
                }
            }
        });
    }
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
}
