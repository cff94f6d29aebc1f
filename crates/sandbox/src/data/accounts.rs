//! The default accounts of Plaid's Sandbox `user_good`: twelve account slots, in Plaid's order.
//! An Item holds some of the slots; an account's id is derived from the Item's seed and its
//! slot ([`crate::data::generate::account_id`]).

/// One of the default accounts of Plaid's Sandbox `user_good`.
#[derive(Debug)]
pub struct AccountTemplate {
    pub name: &'static str,
    pub official_name: Option<&'static str>,
    pub mask: &'static str,
    pub account_type: &'static str,
    pub subtype: &'static str,
    pub available: Option<f64>,
    pub current: f64,
    pub limit: Option<f64>,
    pub business: bool,
    /// Relative share of the Item's transactions (0 = the account has none, as for investments).
    pub txn_weight: u32,
}

macro_rules! acct {
    ($name:expr, $official:expr, $mask:expr, $ty:expr, $sub:expr, $avail:expr, $cur:expr, $limit:expr, $biz:expr, $w:expr) => {
        AccountTemplate {
            name: $name,
            official_name: $official,
            mask: $mask,
            account_type: $ty,
            subtype: $sub,
            available: $avail,
            current: $cur,
            limit: $limit,
            business: $biz,
            txn_weight: $w,
        }
    };
}

/// The twelve default accounts, in Plaid's order.
pub static ACCOUNTS: [AccountTemplate; 12] = [
    acct!(
        "Plaid Checking",
        Some("Plaid Gold Standard 0% Interest Checking"),
        "0000",
        "depository",
        "checking",
        Some(100.0),
        110.0,
        None,
        false,
        40
    ),
    acct!(
        "Plaid Saving",
        Some("Plaid Silver Standard 0.1% Interest Saving"),
        "1111",
        "depository",
        "savings",
        Some(200.0),
        210.0,
        None,
        false,
        6
    ),
    acct!(
        "Plaid CD",
        Some("Plaid Bronze Standard 0.2% Interest CD"),
        "2222",
        "depository",
        "cd",
        None,
        1000.0,
        None,
        false,
        1
    ),
    acct!(
        "Plaid Credit Card",
        Some("Plaid Diamond 12.5% APR Interest Credit Card"),
        "3333",
        "credit",
        "credit card",
        None,
        410.0,
        Some(2000.0),
        false,
        30
    ),
    acct!(
        "Plaid Money Market",
        Some("Plaid Platinum Standard 1.85% Interest Money Market"),
        "4444",
        "depository",
        "money market",
        Some(43200.0),
        43200.0,
        None,
        false,
        2
    ),
    acct!(
        "Plaid IRA",
        None,
        "5555",
        "investment",
        "ira",
        None,
        320.76,
        None,
        false,
        0
    ),
    acct!(
        "Plaid 401k",
        None,
        "6666",
        "investment",
        "401k",
        None,
        23631.9805,
        None,
        false,
        0
    ),
    acct!(
        "Plaid Student Loan",
        None,
        "7777",
        "loan",
        "student",
        None,
        65262.0,
        None,
        false,
        2
    ),
    acct!(
        "Plaid Mortgage",
        None,
        "8888",
        "loan",
        "mortgage",
        None,
        56302.06,
        None,
        false,
        0
    ),
    acct!(
        "Plaid HSA",
        Some("Plaid Cares Health Savings Account"),
        "9001",
        "depository",
        "hsa",
        Some(6009.0),
        6009.0,
        None,
        false,
        3
    ),
    acct!(
        "Plaid Cash Management",
        Some("Plaid Growth Cash Management"),
        "9002",
        "depository",
        "cash management",
        Some(12060.0),
        12060.0,
        None,
        false,
        3
    ),
    acct!(
        "Plaid Business Credit Card",
        Some("Plaid Platinum Small Business Credit Card"),
        "9999",
        "credit",
        "credit card",
        Some(4980.0),
        5020.0,
        Some(10000.0),
        true,
        8
    ),
];

/// True when the account slot carries transactions (depository, credit, student loan).
pub fn has_transactions(slot: usize) -> bool {
    ACCOUNTS[slot].txn_weight > 0
}
