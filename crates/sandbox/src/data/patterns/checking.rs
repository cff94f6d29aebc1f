//! Checking account transactions.

use super::{Pattern, SF};

pub static CHECKING_PATTERNS: &[Pattern] = &[
    pat!(
        "Tectra Inc",
        Some("Tectra Inc"),
        250000,
        250000,
        -1,
        ("INCOME", "INCOME_WAGES"),
        &["Transfer", "Payroll"],
        "21009000",
        "other",
        None,
        None,
        None
    ),
    pat!(
        "CREDIT CARD 3333 PAYMENT *//",
        None,
        2500,
        50000,
        1,
        ("LOAN_PAYMENTS", "LOAN_PAYMENTS_CREDIT_CARD_PAYMENT"),
        &["Payment", "Credit Card"],
        "16001000",
        "other",
        None,
        None,
        Some("payment")
    ),
    pat!(
        "RENT PAYMENT ZELLE",
        None,
        207850,
        207850,
        1,
        ("RENT_AND_UTILITIES", "RENT_AND_UTILITIES_RENT"),
        &["Payment", "Rent"],
        "16002000",
        "online",
        None,
        None,
        Some("bill payment")
    ),
    pat!(
        "PG&E WEB ONLINE",
        Some("PG&E"),
        4500,
        18000,
        1,
        (
            "RENT_AND_UTILITIES",
            "RENT_AND_UTILITIES_GAS_AND_ELECTRICITY"
        ),
        &["Service", "Utilities", "Gas"],
        "18068000",
        "online",
        None,
        Some("pge.com"),
        Some("bill payment")
    ),
    pat!(
        "ATM WITHDRAWAL 0451",
        None,
        2000,
        20000,
        1,
        ("TRANSFER_OUT", "TRANSFER_OUT_WITHDRAWAL"),
        &["Transfer", "Withdrawal", "ATM"],
        "21012002",
        "in store",
        SF,
        None,
        Some("atm")
    ),
    pat!(
        "Starbucks",
        Some("Starbucks"),
        433,
        1250,
        1,
        ("FOOD_AND_DRINK", "FOOD_AND_DRINK_COFFEE"),
        &["Food and Drink", "Restaurants", "Coffee Shop"],
        "13005043",
        "in store",
        SF,
        Some("starbucks.com"),
        None
    ),
    pat!(
        "Venmo",
        Some("Venmo"),
        1200,
        9000,
        1,
        ("TRANSFER_OUT", "TRANSFER_OUT_ACCOUNT_TRANSFER"),
        &["Transfer", "Third Party", "Venmo"],
        "21010001",
        "online",
        None,
        Some("venmo.com"),
        Some("transfer")
    ),
    pat!(
        "ATM FEE",
        None,
        300,
        300,
        1,
        ("BANK_FEES", "BANK_FEES_ATM_FEES"),
        &["Bank Fees", "ATM"],
        "10001000",
        "other",
        None,
        None,
        Some("bank charge")
    ),
];
