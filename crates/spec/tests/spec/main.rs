//! coffer-spec's integration tests (one binary, DESIGN.md §8): the checker on small specs,
//! and on the official Plaid spec and its own examples.

mod checker;
mod official;
