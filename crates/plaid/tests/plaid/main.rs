//! coffer-plaid's integration tests (one binary, docs/ARCHITECTURE.md, "Building and testing"): the client against a real
//! coffer-sandbox over HTTP, and the contract check of every request and response against
//! Plaid's official OpenAPI spec.

mod client;
mod contract;
