//! Errors of this crate: loading a spec ([`Error`]) and the result of a check ([`Violations`]).

use std::fmt;
use std::path::PathBuf;

/// Why a spec could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read or is not JSON.
    #[error("cannot load the OpenAPI spec {path}: {message}")]
    Load { path: PathBuf, message: String },
    /// The JSON is not an OpenAPI 3.0 document (no `paths` or `components.schemas`).
    #[error("not an OpenAPI 3.0 document: {0}")]
    NotOpenApi(String),
}

/// The result type of loading a spec.
pub type Result<T> = std::result::Result<T, Error>;

/// One failure: where in the body (`$.accounts[0].balances.current`) and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON path into the checked body, `$` being the body itself.
    pub path: String,
    /// What was wrong, e.g. `required property missing`, `expected string, got null`.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Every failure of one check. `Display` prints one line per failure, each prefixed with what
/// was checked: `/link/token/create response 200: $.link_token: required property missing`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Violations {
    /// What was checked: `/item/get request`, `/item/get response 400`, `schema PlaidError`.
    pub context: String,
    /// The failures, in the order they were found (never empty).
    pub items: Vec<Violation>,
}

impl Violations {
    /// True when some failure is at exactly `path` (e.g. `$.link_token`).
    pub fn has_path(&self, path: &str) -> bool {
        self.items.iter().any(|v| v.path == path)
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.items.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}: {v}", self.context)?;
        }
        Ok(())
    }
}
