//! Savings, CD and student loan transactions.

use super::Pattern;

pub static SAVINGS_PATTERNS: &[Pattern] = &[
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

pub static CD_PATTERNS: &[Pattern] = &[
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

pub static LOAN_PATTERNS: &[Pattern] = &[
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
