//! The sandbox's fixed data, and what it derives from it.
//!
//! Tables (plain data, no logic beyond a lookup):
//! - [`institutions`]: the institutions Link offers and `/institutions/get_by_id` answers.
//! - [`products`]: the product names Plaid accepts.
//! - [`accounts`]: the default accounts of Plaid's Sandbox `user_good`, one per account slot.
//! - [`patterns`]: the merchants and counterparties each kind of account's transactions are
//!   drawn from.
//!
//! Derived from them:
//! - [`generate`]: the deterministic generator. Transaction `i` of an Item is a pure function
//!   of `(item seed, i, history size, creation date, days requested)`, so a million-transaction
//!   Item costs nothing until a page of it is read.
//! - [`json`]: Plaid's `AccountBase` and `Transaction` JSON, written straight from the tables
//!   and the generator (no `Value` tree on the hot path of `/transactions/sync`).

pub mod accounts;
pub mod generate;
pub mod institutions;
pub mod json;
pub mod patterns;
pub mod products;

#[cfg(test)]
mod tests;
