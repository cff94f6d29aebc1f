//! coffer-spec's integration tests (one binary, docs/ARCHITECTURE.md, "Building and testing"): the checker on small specs,
//! and on the official Plaid spec and its own examples.

mod checker;
mod official;
