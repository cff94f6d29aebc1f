//! The three modes (docs/ARCHITECTURE.md, "Modes"): each has its own database and keychain namespace.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Plaid Link's script in sandbox and production: always Plaid's CDN (never bundled).
pub const LINK_SCRIPT_URL: &str = coffer_plaid::LINK_SCRIPT_URL;

/// Where the embedded offline sandbox serves its Link stand-in (same `Plaid.create` API).
pub const OFFLINE_LINK_SCRIPT_PATH: &str = "/link/v2/stable/link-initialize.js";

/// Where Plaid calls go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// No credentials: an embedded coffer-sandbox on 127.0.0.1.
    Offline,
    /// https://sandbox.plaid.com with the user's keys.
    Sandbox,
    /// https://production.plaid.com with the user's keys.
    Production,
}

impl Mode {
    /// All modes, in display order.
    pub const ALL: [Mode; 3] = [Mode::Offline, Mode::Sandbox, Mode::Production];

    /// Lowercase name, used in paths and keychain keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Offline => "offline",
            Mode::Sandbox => "sandbox",
            Mode::Production => "production",
        }
    }

    /// Whether the `sandbox_*` commands are allowed.
    pub fn allows_sandbox_tools(self) -> bool {
        !matches!(self, Mode::Production)
    }

    /// Plaid's default base URL for this mode (offline has none: it is the embedded server).
    pub fn default_base_url(self) -> Option<&'static str> {
        match self {
            Mode::Offline => None,
            Mode::Sandbox => Some("https://sandbox.plaid.com"),
            Mode::Production => Some("https://production.plaid.com"),
        }
    }
}

impl Mode {
    /// The Link script the webview loads in this mode (chosen by mode, never by token):
    /// offline, the stand-in served by the sandbox at `base_url`; otherwise Plaid's CDN.
    pub fn link_script_url(self, base_url: &str) -> String {
        match self {
            Mode::Offline => format!(
                "{}{OFFLINE_LINK_SCRIPT_PATH}",
                base_url.trim_end_matches('/')
            ),
            Mode::Sandbox | Mode::Production => LINK_SCRIPT_URL.to_string(),
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Mode {
    type Err = AppError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "offline" => Ok(Mode::Offline),
            "sandbox" => Ok(Mode::Sandbox),
            "production" => Ok(Mode::Production),
            other => Err(AppError::invalid(format!(
                "unknown environment {other:?} (expected offline, sandbox or production)"
            ))),
        }
    }
}
