//! # coffer-core: everything Coffer does, without a window
//!
//! The desktop shell (`src-tauri`) and the CLI are thin front ends over [`Coffer`], whose async
//! methods are the commands (docs/ARCHITECTURE.md, "The command contract":
//! `create_link_token`, `exchange_public_token`, `finish_update`, `poll_hosted_link`, `list_links`, `rename_link`, `remove_link`,
//! `refresh_balances`, `sync_transactions`, `list_transactions`, `export_transactions`,
//! `get_status`, `get_settings`, `save_settings`, `test_connection`, `list_events`,
//! `list_balance_history`, `list_spending_by_category`, `data_revision`, `sandbox_*`,
//! `reconnect_check`; the person's words: `get_transaction`, `edit_transactions`,
//! `split_transaction`, `pair_transfer`, `unpair_transfer`, `suggest_rule`, `*_categories`,
//! `list_tags`, `*_rules`). Every one
//! validates its input first and returns [`Result<T, AppError>`](AppError), whose JSON form
//! `{ code, message, remedy, plaid? }` is the UI contract.
//!
//! ## Pieces
//!
//! * [`Mode`], [`Settings`], [`paths`]: offline / sandbox / production, one data directory
//!   (`COFFER_HOME` or the platform's app data dir), one database per mode, a settings file
//!   without secrets; `PLAID_CLIENT_ID` / `PLAID_SECRET` / `PLAID_ENV` / `COFFER_PLAID_URL` win.
//! * [`store::Store`]: SQLite (WAL, foreign keys, busy timeout), atomic append-only migrations,
//!   one module per table with `read` / `write` submodules. Money is exact decimal text.
//! * [`vault`]: the OS keychain (`<mode>/item/<item_id>` → access token,
//!   `<mode>/plaid-secret`), every call under a timeout; [`MemoryVault`] for tests.
//! * `links/`: the link lifecycle, one file per operation (token, exchange, update, hosted,
//!   remove, health, view, sandbox tools); `coffer.rs` opens the core and reconciles the
//!   keychain with the database.
//! * `sync.rs`: `/transactions/sync` in one SQLite transaction per run, crash-safe; a
//!   [`SyncObserver`] hears which links a run covers and how each ended.
//! * `export.rs`: CSV, OFX and JSON, written to a temp file then renamed.
//! * `charts.rs`: balance history and spending by category (one query, exact decimal sums).
//! * [`personal`]: the person's edits, tags, splits, transfers, categories and rules beside
//!   Plaid's rows (docs/ARCHITECTURE.md, "Edits, rules, splits and transfers").
//!
//! Plaid is reached only through `coffer-plaid`; `coffer-sandbox` is started in-process in
//! offline mode. No access token or secret is ever written to SQLite, logs, events, errors or
//! any returned value.
//!
//! ## How to add a table
//!
//! 1. Append a migration to [`store::schema::MIGRATIONS`] (never edit an existing entry).
//! 2. Add `store/<table>.rs` with a row type and `read` / `write` submodules of free functions
//!    over `&rusqlite::Connection`, and declare it in `store/mod.rs`.
//! 3. Call them through `Store::read` / `Store::write` (or a sync [`store::Run`]).
//!
//! ## How to add a command
//!
//! 1. Add an input struct (`#[serde(rename_all = "camelCase", deny_unknown_fields)]`) and an
//!    output view (camelCase, no secret) in `views.rs`, both with
//!    `#[cfg_attr(feature = "ts", derive(ts_rs::TS))]`; list them in `tests/bindings.rs` and
//!    run `cargo xtask bindings` to regenerate the UI's TypeScript types.
//! 2. Add an `async fn verb_noun(&self, input) -> Result<Output>` on [`Coffer`] in the module
//!    that owns the concern; validate with [`validate`] before touching Plaid or the store.
//! 3. Add an integration test in `tests/core/` against the real sandbox, asserting what a user
//!    would see, and a bad-input case proving nothing changed.

mod api_tokens;
mod charts;
mod coffer;
pub mod error;
mod export;
mod links;
mod locks;
pub mod mode;
pub mod paths;
pub mod personal;
pub mod qr;
pub mod redact;
pub mod settings;

/// The offline Plaid sandbox, for front ends that serve it standalone (`coffer-cli sandbox
/// serve`); the only way front ends reach coffer-sandbox (docs/ARCHITECTURE.md, "Crates").
pub mod sandbox {
    pub use coffer_sandbox::{FaultSpec, Sandbox, SandboxConfig};
}
pub mod store;
mod sync;
pub mod validate;
pub mod vault;
pub mod views;

pub use api_tokens::{API_TOKEN_PREFIX, ApiTokenView};
pub use coffer::{Coffer, CofferConfig, OFFLINE_CLIENT_ID, OpenOptions};
pub use coffer_plaid::{Credentials, Secret};
pub use error::{AppError, ErrorCode, PlaidErrorInfo, Result, plaid_remedy};
pub use links::{
    CONSENT_WARNING_DAYS, HOSTED_LINK_URL_LIFETIME_SECS, SANDBOX_FAULT_CODES, SANDBOX_WEBHOOK_CODES,
};
pub use mode::{LINK_SCRIPT_URL, Mode};
pub use personal::categories::{CategorySource, CategoryView};
pub use personal::rules::{
    Action, ApplyRulesInput, Condition, Direction, ImportRulesInput, RuleChangeView,
    RuleDocumentEntry, RuleIdInput, RuleInput, RuleOrderInput, RulePreview, RuleView, RulesApplied,
    RulesDocument, RulesProgress, TextOp,
};
pub use personal::{
    CategoryNameInput, EditTransactionsInput, PairTransferInput, Personal, SplitInput, SplitPart,
    SplitPartInput, TagOnRow, TagView, TransactionIdInput, TransferSide,
};
pub use settings::{EnvConfig, Settings, SettingsInput, SettingsView, SignIn};
pub use store::Store;
pub use store::charts::{BalancePoint, BalanceSeries, ChartFilter, SpendingRow};
pub use store::events::Event;
pub use store::links::LinkStatus;
pub use store::transactions::{TransactionFilter, TransactionView};
pub use sync::{MAX_SYNC_RESTARTS, SYNC_PAGE_SIZE};
pub use vault::{KeyringVault, MemoryVault, Vault};
pub use views::*;
