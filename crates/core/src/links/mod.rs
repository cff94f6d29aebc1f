//! The link lifecycle, one file per operation (docs/ARCHITECTURE.md, "Links"):
//!
//! - [`token`]: link tokens for a new link, update mode and Hosted Link; retiring one after
//!   Link ended in an error;
//! - [`exchange`]: a Link success becomes a link, exactly once;
//! - [`update`]: the end of update mode (Reconnect, add accounts);
//! - [`hosted`]: Hosted Link's result, polled from Plaid;
//! - [`remove`]: removing or archiving a link;
//! - [`health`]: `/item/get` health checks, consent dates and cached balances;
//! - [`view`]: links as the front ends show them, renaming, the data revision;
//! - [`accounts`]: storing a link's accounts and balance snapshots;
//! - [`sandbox`]: the sandbox tools.
//!
//! Each adds methods to [`Coffer`](crate::Coffer); SQL stays in `store/`.

mod accounts;
mod exchange;
mod health;
mod hosted;
mod remove;
mod sandbox;
mod token;
mod update;
mod view;

pub(crate) use accounts::{store_accounts, upsert_account};
pub use health::CONSENT_WARNING_DAYS;
pub(crate) use health::{reconnect_before, store_consent};
pub use hosted::HOSTED_LINK_URL_LIFETIME_SECS;
pub use sandbox::{SANDBOX_FAULT_CODES, SANDBOX_WEBHOOK_CODES};

/// Name shown in Link.
pub const CLIENT_NAME: &str = "Coffer";
