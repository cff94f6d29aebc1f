//! coffer-sandbox's integration tests (one test binary for the crate), over raw HTTP against
//! `Sandbox::start` on 127.0.0.1:0: validation, faults, the life of an item, sync, and the
//! contract check of every body against Plaid's official OpenAPI spec, `days_requested`,
//! webhook delivery to a receiver on 127.0.0.1:0, and Plaid's official Python client (from
//! PyPI, in a cached virtualenv) through an Item's life; and the `plaid-sandbox` binary's own
//! flags, run as a process (`cli`).

mod cli;
mod common;
mod contract;
mod faults;
mod history;
mod item_life;
mod official_client;
mod shared_state;
mod sync;
mod validation;
mod webhooks;
