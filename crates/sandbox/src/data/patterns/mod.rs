//! The merchants and counterparties the generator draws transactions from, one table per kind of
//! account: credit cards ([`card`]), checking ([`checking`]), and savings, CDs and student
//! loans (here).

use super::accounts::ACCOUNTS;

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

mod card;
mod checking;

static SAVINGS_PATTERNS: &[Pattern] = &[
    pat!(
        "INTRST PYMNT",
        None,
        2,
        450,
        -1,
        ("INCOME", "INCOME_INTEREST_EARNED"),
        &["Transfer", "Credit"],
        "21005000",
        "other",
        None,
        None,
        Some("interest")
    ),
    pat!(
        "ONLINE TRANSFER FROM CHK 0000",
        None,
        2500,
        50000,
        -1,
        ("TRANSFER_IN", "TRANSFER_IN_ACCOUNT_TRANSFER"),
        &["Transfer", "Internal Account Transfer"],
        "21001000",
        "other",
        None,
        None,
        Some("transfer")
    ),
    pat!(
        "ONLINE TRANSFER TO CHK 0000",
        None,
        2500,
        30000,
        1,
        ("TRANSFER_OUT", "TRANSFER_OUT_ACCOUNT_TRANSFER"),
        &["Transfer", "Internal Account Transfer"],
        "21001000",
        "other",
        None,
        None,
        Some("transfer")
    ),
];

static CD_PATTERNS: &[Pattern] = &[
    pat!(
        "CD DEPOSIT .INITIAL.",
        None,
        100000,
        100000,
        -1,
        ("TRANSFER_IN", "TRANSFER_IN_DEPOSIT"),
        &["Transfer", "Deposit"],
        "21007000",
        "other",
        None,
        None,
        None
    ),
    pat!(
        "INTRST PYMNT",
        None,
        2,
        450,
        -1,
        ("INCOME", "INCOME_INTEREST_EARNED"),
        &["Transfer", "Credit"],
        "21005000",
        "other",
        None,
        None,
        Some("interest")
    ),
];

static LOAN_PATTERNS: &[Pattern] = &[
    pat!(
        "STUDENT LOAN PAYMENT - THANK YOU",
        None,
        25000,
        65000,
        -1,
        ("LOAN_PAYMENTS", "LOAN_PAYMENTS_STUDENT_LOAN_PAYMENT"),
        &["Payment", "Loan"],
        "16003000",
        "other",
        None,
        None,
        Some("payment")
    ),
    pat!(
        "INTEREST CHARGED",
        None,
        1500,
        30000,
        1,
        ("BANK_FEES", "BANK_FEES_INTEREST_CHARGE"),
        &["Interest", "Interest Charged"],
        "15002000",
        "other",
        None,
        None,
        Some("interest")
    ),
];

/// The patterns of account slot `slot`'s transactions.
pub fn patterns_for(slot: usize) -> &'static [Pattern] {
    let a = &ACCOUNTS[slot];
    match (a.account_type, a.subtype) {
        ("credit", _) => card::CARD_PATTERNS,
        ("loan", _) => LOAN_PATTERNS,
        (_, "checking") => checking::CHECKING_PATTERNS,
        (_, "cd") => CD_PATTERNS,
        _ => SAVINGS_PATTERNS,
    }
}
