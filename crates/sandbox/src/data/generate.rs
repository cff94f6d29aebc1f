//! The deterministic transaction generator. Transaction `i` of an Item is a pure function of
//! `(item seed, i, history size, creation date, days requested)`: nothing is stored per
//! transaction, so a million-transaction Item costs nothing until a page of it is read. Ids are
//! derived from the seed the same way (account ids from the account slot).

use chrono::{Days, NaiveDate};
use serde_json::Value;

use super::accounts::{ACCOUNTS, has_transactions};
use super::patterns::{Pattern, card, checking, other};
use crate::ids::{derived_id, mix2};

const ACCOUNT_SALT: u64 = 0xACC0_0000;
/// Salt for transaction ids (base history).
const TXN_SALT: u64 = 0x7000_0000_0000_0000;
/// Salt for the posted copies of pending base transactions.
const POSTED_SALT: u64 = 0x5000_0000_0000_0000;

/// The id of account slot `slot` of the Item with `seed`.
pub fn account_id(seed: u64, slot: usize) -> String {
    derived_id(seed, ACCOUNT_SALT + slot as u64)
}

/// Days of history an Item's base transactions cover when nothing asked otherwise (Plaid's
/// `days_requested` default).
pub const DEFAULT_DAYS_REQUESTED: u64 = 90;
/// Largest `days_requested` Plaid accepts (and the span of Items from state files written before
/// `days_requested` was honoured).
pub const MAX_DAYS_REQUESTED: u64 = 730;
/// Base transactions dated within this many days of the Item's creation are pending.
pub const PENDING_DAYS: u64 = 2;

/// The patterns account slot `slot`'s transactions are drawn from.
fn patterns_for(slot: usize) -> &'static [Pattern] {
    let a = &ACCOUNTS[slot];
    match (a.account_type, a.subtype) {
        ("credit", _) => card::CARD_PATTERNS,
        ("loan", _) => other::LOAN_PATTERNS,
        (_, "checking") => checking::CHECKING_PATTERNS,
        (_, "cd") => other::CD_PATTERNS,
        _ => other::SAVINGS_PATTERNS,
    }
}

/// Everything the generator needs to derive an Item's base transactions.
#[derive(Clone, Debug)]
pub struct Generator {
    pub seed: u64,
    pub history: u64,
    pub created: NaiveDate,
    /// Days the base transactions are spread over, ending on `created` (1..=730).
    pub span_days: u64,
    /// `(slot, cumulative weight)` of the Item's accounts that carry transactions.
    slots: Vec<(usize, u32)>,
    total_weight: u32,
}

impl Generator {
    /// A generator for an Item with these account slots: `history` transactions spread evenly
    /// over the `span_days` days ending on `created` (clamped to 1..=730).
    pub fn new(
        seed: u64,
        history: u64,
        created: NaiveDate,
        span_days: u64,
        account_slots: &[usize],
    ) -> Self {
        let mut slots = Vec::new();
        let mut total = 0;
        for &s in account_slots {
            if has_transactions(s) {
                total += ACCOUNTS[s].txn_weight;
                slots.push((s, total));
            }
        }
        Generator {
            seed,
            history: if slots.is_empty() { 0 } else { history },
            created,
            span_days: span_days.clamp(1, MAX_DAYS_REQUESTED),
            slots,
            total_weight: total,
        }
    }

    fn start(&self) -> NaiveDate {
        self.created
            .checked_sub_days(Days::new(self.span_days - 1))
            .unwrap_or(self.created)
    }

    /// Date of base transaction `i` (ascending in `i`).
    pub fn date_of(&self, i: u64) -> NaiveDate {
        let offset = (i as u128 * self.span_days as u128 / self.history.max(1) as u128) as u64;
        self.start()
            .checked_add_days(Days::new(offset))
            .unwrap_or(self.created)
    }

    /// Index of the first pending base transaction (`history` when none is pending).
    pub fn first_pending(&self) -> u64 {
        // date_of(i) >= created - (PENDING_DAYS - 1)  <=>  i * SPAN >= (SPAN - PENDING) * n
        let n = self.history as u128;
        let span = self.span_days as u128;
        let need = span.saturating_sub(PENDING_DAYS as u128) * n;
        need.div_ceil(span) as u64
    }

    /// Id of base transaction `i`.
    pub fn txn_id(&self, i: u64) -> String {
        derived_id(self.seed, TXN_SALT ^ i)
    }

    fn slot_of(&self, h: u64) -> usize {
        let pick = (h % self.total_weight.max(1) as u64) as u32;
        self.slots
            .iter()
            .find(|(_, cum)| pick < *cum)
            .map(|(s, _)| *s)
            .unwrap_or(0)
    }

    /// Base transaction `i` as it was at Item creation (pending when recent).
    pub fn base_txn(&self, i: u64) -> GenTxn {
        let pending = i >= self.first_pending();
        self.build(i, pending, None)
    }

    /// The posted copy of pending base transaction `i`, posted on `date`.
    pub fn posted_txn(&self, i: u64, date: NaiveDate) -> GenTxn {
        self.build(i, false, Some(date))
    }

    /// [`Generator::base_txn`] as a `Value` (for the change log and the truth).
    pub fn base(&self, i: u64) -> Value {
        self.base_txn(i).to_value()
    }

    /// [`Generator::posted_txn`] as a `Value`.
    pub fn posted(&self, i: u64, date: NaiveDate) -> Value {
        self.posted_txn(i, date).to_value()
    }

    /// The account id a base transaction belongs to (cheap; no JSON).
    pub fn account_of(&self, i: u64) -> String {
        let h = mix2(self.seed, i);
        account_id(self.seed, self.slot_of(h))
    }

    fn build(&self, i: u64, pending: bool, posted_on: Option<NaiveDate>) -> GenTxn {
        let h = mix2(self.seed, i);
        let slot = self.slot_of(h);
        let patterns = patterns_for(slot);
        let p = &patterns[((h >> 16) % patterns.len() as u64) as usize];
        let span = (p.max_cents - p.min_cents).max(0) as u64;
        let cents = p.min_cents
            + if span == 0 {
                0
            } else {
                ((h >> 32) % (span + 1)) as i64
            };
        let occurred = self.date_of(i);
        let (id, date, pending_id, authorized) = match posted_on {
            Some(d) => (
                derived_id(self.seed, POSTED_SALT ^ i),
                d,
                Some(self.txn_id(i)),
                occurred,
            ),
            None => {
                let lag = if pending || p.channel == "other" {
                    0
                } else {
                    (h >> 60) % 2
                };
                let auth = occurred
                    .checked_sub_days(Days::new(lag))
                    .unwrap_or(occurred);
                (self.txn_id(i), occurred, None, auth)
            }
        };
        GenTxn {
            id,
            account_id: account_id(self.seed, slot),
            amount_cents: cents * p.sign,
            date,
            authorized_date: authorized,
            pending,
            pending_transaction_id: pending_id,
            pattern: p,
            store_number: (h >> 8) % 9000 + 1000,
            original_description: None,
        }
    }

    /// A fresh transaction for dynamic Items (refresh), numbered by `n`, dated `date`.
    pub fn dynamic(&self, n: u64, date: NaiveDate, pending: bool) -> Value {
        let h = mix2(self.seed ^ 0xD1CE, n);
        let slot = self.slot_of(h);
        let patterns = patterns_for(slot);
        let p = &patterns[((h >> 16) % patterns.len() as u64) as usize];
        let span = (p.max_cents - p.min_cents).max(0) as u64;
        let cents = p.min_cents
            + if span == 0 {
                0
            } else {
                ((h >> 32) % (span + 1)) as i64
            };
        GenTxn {
            id: derived_id(self.seed ^ 0xD1CE, n),
            account_id: account_id(self.seed, slot),
            amount_cents: cents * p.sign,
            date,
            authorized_date: date,
            pending,
            pending_transaction_id: None,
            pattern: p,
            store_number: (h >> 8) % 9000 + 1000,
            original_description: None,
        }
        .to_value()
    }
}

/// A generated transaction. It serializes straight to Plaid's `Transaction` JSON (every key the
/// spec requires, nullable ones as `null`) without building a `Value` tree: this is the hot path
/// of `/transactions/sync`.
#[derive(Clone, Debug)]
pub struct GenTxn {
    pub id: String,
    pub account_id: String,
    pub(in crate::data) amount_cents: i64,
    pub(in crate::data) date: NaiveDate,
    pub(in crate::data) authorized_date: NaiveDate,
    pub(in crate::data) pending: bool,
    pub(in crate::data) pending_transaction_id: Option<String>,
    pub(in crate::data) pattern: &'static Pattern,
    pub(in crate::data) store_number: u64,
    pub(in crate::data) original_description: Option<String>,
}

impl GenTxn {
    /// Fills `original_description` (the name in capitals, as the sandbox reports it).
    pub fn set_original_description(&mut self) {
        self.original_description = Some(self.pattern.name.to_uppercase());
    }

    /// The same JSON as a `Value`.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}
