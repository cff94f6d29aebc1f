//! Errors of the sandbox as a library (starting, persisting). Plaid-shaped API errors returned
//! to HTTP clients live in `plaid_error`.

use std::path::PathBuf;

/// What can go wrong while starting or running the sandbox itself.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The bind address is not a loopback address (the sandbox never listens on a network).
    #[error(
        "refusing to bind {0}: the sandbox only listens on loopback addresses (127.0.0.1 / ::1)"
    )]
    NotLoopback(std::net::SocketAddr),
    /// Binding or serving failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// The state file exists but cannot be read back.
    #[error("state file {path} is not valid sandbox state: {message}")]
    StateFile { path: PathBuf, message: String },
}

/// Result with the sandbox's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl From<Error> for std::io::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Io(io) => io,
            Error::NotLoopback(_) => {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string())
            }
            Error::StateFile { .. } => {
                std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string())
            }
        }
    }
}
