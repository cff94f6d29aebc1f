//! Configuration of a sandbox server.

use std::path::PathBuf;

use crate::clock::Clock;

/// Transactions per new Item when nothing else is asked for: about two years of activity.
pub const DEFAULT_HISTORY: usize = 1500;

/// How a [`crate::Sandbox`] behaves.
#[derive(Clone)]
pub struct SandboxConfig {
    /// `None`: any non-empty `client_id`/`secret` pair is accepted. `Some((id, secret))`: only
    /// that pair; anything else gets `INVALID_API_KEYS`.
    pub credentials: Option<(String, String)>,
    /// Transactions each new Item has (derived on demand, so 1,000,000 is fine).
    pub history: usize,
    /// Seed for generated data (account ids, transactions). Random per sandbox by default, so
    /// two sandboxes (two Coffer data directories, two test runs) never hand out the same ids;
    /// fix it for reproducible data. Item ids are always random, as Plaid's.
    pub seed: u64,
    /// Source of time for every expiry.
    pub clock: Clock,
    /// Persist Items, tokens and change logs here (JSON, written atomically); `None` = memory only.
    pub state_path: Option<PathBuf>,
    /// Keep every `(path, request, status, response)` for contract tests.
    pub record_exchanges: bool,
    /// First `/transactions/sync` of an Item made through `/_link/sessions` answers `NOT_READY`.
    pub not_ready_on_link: bool,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            credentials: None,
            history: DEFAULT_HISTORY,
            seed: rand::random(),
            clock: Clock::system(),
            state_path: None,
            record_exchanges: false,
            not_ready_on_link: true,
        }
    }
}

impl std::fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxConfig")
            .field(
                "credentials",
                &self
                    .credentials
                    .as_ref()
                    .map(|(id, _)| (id.as_str(), "***")),
            )
            .field("history", &self.history)
            .field("seed", &self.seed)
            .field("clock", &self.clock)
            .field("state_path", &self.state_path)
            .field("record_exchanges", &self.record_exchanges)
            .field("not_ready_on_link", &self.not_ready_on_link)
            .finish()
    }
}
