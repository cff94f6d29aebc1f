//! The JSON every front end receives for an error: `{ code, message, remedy, plaid? }`, byte
//! for byte.

use coffer_core::{AppError, PlaidErrorInfo};
use coffer_plaid::ErrorCode as PlaidCode;

#[test]
fn json_shape_snapshot() {
    let cases = vec![
        AppError::LinkLimitReached { limit: 5 },
        AppError::MissingPublicToken,
        AppError::NoAccountsSelected,
        AppError::LinkNotFound(42),
        AppError::Plaid {
            context: "failed to exchange token",
            plaid: Box::new(PlaidErrorInfo {
                error_type: "INVALID_INPUT".into(),
                error_code: PlaidCode::InvalidPublicToken,
                error_message: "provided public token is expired".into(),
                display_message: None,
                request_id: Some("m8MDnv9okwxFNBV".into()),
                status: 400,
            }),
        },
        AppError::LoginRequired {
            context: "failed to sync transactions",
            link_id: Some(1),
            plaid: Box::new(PlaidErrorInfo {
                error_type: "ITEM_ERROR".into(),
                error_code: PlaidCode::ItemLoginRequired,
                error_message: "the login details of this item have changed".into(),
                display_message: Some("Please log in again".into()),
                request_id: Some("abc".into()),
                status: 400,
            }),
        },
        AppError::KeychainUnavailable("keychain locked or not responding".into()),
        AppError::InvalidInput("name is empty".into()),
        AppError::DatabaseTooNew {
            found: 9,
            supported: 1,
        },
    ];
    let json = serde_json::to_string_pretty(&cases).expect("serialize");
    let expected = r#"[
  {
    "code": "LINK_LIMIT_REACHED",
    "message": "max number of Plaid links already reached",
    "remedy": "You have reached the maximum number of linked banks. Remove one, or raise the limit in Settings."
  },
  {
    "code": "MISSING_PUBLIC_TOKEN",
    "message": "must provide a public token",
    "remedy": "Link finished without a connection to save. Please try again."
  },
  {
    "code": "NO_ACCOUNTS_SELECTED",
    "message": "must select at least one account",
    "remedy": "Choose at least one account to share."
  },
  {
    "code": "LINK_NOT_FOUND",
    "message": "link 42 not found",
    "remedy": "This connection no longer exists; it may have been removed elsewhere."
  },
  {
    "code": "PLAID",
    "message": "failed to exchange token",
    "remedy": "The bank connection expired before Coffer could save it. Link the bank again.",
    "plaid": {
      "errorType": "INVALID_INPUT",
      "errorCode": "INVALID_PUBLIC_TOKEN",
      "errorMessage": "provided public token is expired",
      "displayMessage": null,
      "requestId": "m8MDnv9okwxFNBV"
    }
  },
  {
    "code": "LOGIN_REQUIRED",
    "message": "failed to sync transactions: the bank needs you to log in again (reconnect this link)",
    "remedy": "Your bank needs you to sign in again. Use Reconnect.",
    "plaid": {
      "errorType": "ITEM_ERROR",
      "errorCode": "ITEM_LOGIN_REQUIRED",
      "errorMessage": "the login details of this item have changed",
      "displayMessage": "Please log in again",
      "requestId": "abc"
    }
  },
  {
    "code": "KEYCHAIN_UNAVAILABLE",
    "message": "keychain locked or not responding",
    "remedy": "The system keychain is locked or not available. Unlock it and try again."
  },
  {
    "code": "INVALID_INPUT",
    "message": "invalid input: name is empty",
    "remedy": null
  },
  {
    "code": "DATABASE_TOO_NEW",
    "message": "this database was written by a newer version of Coffer (schema 9, this version knows 1); it was not modified",
    "remedy": "This data was written by a newer version of Coffer. Update Coffer to open it."
  }
]"#;
    assert_eq!(json, expected);
}
