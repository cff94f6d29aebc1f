//! The merchants and counterparties the generator draws transactions from, one table per kind of
//! account: credit cards ([`card`]), checking ([`checking`]), savings, CDs and student loans
//! ([`other`]). Which account slot uses which table: `generate`.

/// A merchant or counterparty pattern the generator draws from.
#[derive(Debug)]
pub struct Pattern {
    pub(in crate::data) name: &'static str,
    pub(in crate::data) merchant: Option<&'static str>,
    pub(in crate::data) min_cents: i64,
    pub(in crate::data) max_cents: i64,
    /// +1: money out (purchases), -1: money in (deposits, refunds, payments to a card).
    pub(in crate::data) sign: i64,
    pub(in crate::data) pfc: (&'static str, &'static str),
    pub(in crate::data) category: &'static [&'static str],
    pub(in crate::data) category_id: &'static str,
    pub(in crate::data) channel: &'static str,
    pub(in crate::data) place: Option<(&'static str, &'static str, &'static str, &'static str)>,
    pub(in crate::data) website: Option<&'static str>,
    pub(in crate::data) code: Option<&'static str>,
}

macro_rules! pat {
    ($name:expr, $merchant:expr, $min:expr, $max:expr, $sign:expr, $pfc:expr, $cat:expr, $catid:expr, $ch:expr, $place:expr, $web:expr, $code:expr) => {
        Pattern {
            name: $name,
            merchant: $merchant,
            min_cents: $min,
            max_cents: $max,
            sign: $sign,
            pfc: $pfc,
            category: $cat,
            category_id: $catid,
            channel: $ch,
            place: $place,
            website: $web,
            code: $code,
        }
    };
}

const SF: Option<(&str, &str, &str, &str)> = Some(("San Francisco", "CA", "94103", "US"));
const BERKELEY: Option<(&str, &str, &str, &str)> = Some(("Berkeley", "CA", "94704", "US"));
const MADISON: Option<(&str, &str, &str, &str)> = Some(("Madison", "WI", "53703", "US"));

pub mod card;
pub mod checking;
pub mod other;
