//! The library half of `coffer-cli`: the local REST API behind `coffer-cli serve` ([`serve`])
//! and Hosted Link from a terminal ([`hosted`]). The binary (`src/main.rs`, `src/cmd/`) uses
//! both; the integration tests use [`serve::openapi::document`] to check the committed
//! `openapi.json`. The REST API benchmark (`cargo xtask bench`) drives the binary over HTTP,
//! not this library.

pub mod hosted;
pub mod serve;
