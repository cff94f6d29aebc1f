//! The library half of `coffer-cli`: the local REST API behind `coffer-cli serve`, shared by
//! the binary, its integration tests and the benchmark.

pub mod hosted;
pub mod serve;
