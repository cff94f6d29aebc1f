//! coffer-sandbox's integration tests (one binary, DESIGN.md §8), over raw HTTP against
//! `Sandbox::start` on 127.0.0.1:0: validation, faults, the life of an item, sync, and the
//! contract check of every body against Plaid's official OpenAPI spec.

mod common;
mod contract;
mod faults;
mod item_life;
mod shared_state;
mod sync;
mod validation;
