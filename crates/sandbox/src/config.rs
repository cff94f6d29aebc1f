//! Configuration of a sandbox server.

use std::path::PathBuf;

use crate::clock::Clock;
use crate::webhooks::RetryPolicy;

/// Transactions per new Item when nothing else is asked for, spread over the Item's
/// `days_requested` (90 days by default: about 17 a day across its accounts).
pub const DEFAULT_HISTORY: usize = 1500;

/// How a [`crate::Sandbox`] behaves.
#[derive(Clone)]
pub struct SandboxConfig {
    /// `None`: any non-empty `client_id`/`secret` pair is accepted. `Some((id, secret))`: only
    /// that pair; anything else gets `INVALID_API_KEYS`.
    pub credentials: Option<(String, String)>,
    /// Transactions each new Item has (derived on demand, so 1,000,000 is fine), dated evenly
    /// over the Item's `days_requested` (Link's `transactions.days_requested`, or
    /// `/sandbox/public_token/create`'s `options.transactions.days_requested`; default 90) and
    /// ending on its creation day. The count never depends on the days, so benchmarks get
    /// exactly N rows whatever the window.
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
    /// Hosts (besides loopback) webhooks may be delivered to, e.g. `hooks.lan` or `192.168.1.5`
    /// (IPv6 in brackets). Anything else is recorded as refused and never contacted.
    pub webhook_allow: Vec<String>,
    /// Webhook retries (Plaid's schedule by default; tests shorten it).
    pub webhook_retry: RetryPolicy,
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
            webhook_allow: Vec::new(),
            webhook_retry: RetryPolicy::default(),
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
            .field("webhook_allow", &self.webhook_allow)
            .field("webhook_retry", &self.webhook_retry)
            .finish()
    }
}
