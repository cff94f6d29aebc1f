//! `/transactions/sync`, `/transactions/refresh`, and the transaction object.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::Account;
use crate::Secret;

open_enum! {
    /// How far Plaid's extraction of an Item's transactions has come (spec
    /// `TransactionsUpdateStatus`).
    pub enum TransactionsUpdateStatus {
        TransactionsUpdateStatusUnknown = "TRANSACTIONS_UPDATE_STATUS_UNKNOWN",
        /// Right after Link: nothing yet, `next_cursor` is `""`; retry later.
        NotReady = "NOT_READY",
        InitialUpdateComplete = "INITIAL_UPDATE_COMPLETE",
        HistoricalUpdateComplete = "HISTORICAL_UPDATE_COMPLETE",
    }
}

open_enum! {
    /// How a payment was made (spec `Transaction.payment_channel`).
    pub enum PaymentChannel {
        Online = "online",
        InStore = "in store",
        Other = "other",
    }
}

open_enum! {
    /// Institution-provided transaction code, mostly for European institutions (spec
    /// `TransactionCode`).
    pub enum TransactionCode {
        Adjustment = "adjustment",
        Atm = "atm",
        BankCharge = "bank charge",
        BillPayment = "bill payment",
        Cash = "cash",
        /// Since spec 2020-09-14_1.778.0 (plaid-python 46.0.0), as the next three.
        CashAdvance = "cash advance",
        Cashback = "cashback",
        Cheque = "cheque",
        DirectDebit = "direct debit",
        Interest = "interest",
        LateFee = "late fee",
        MembershipFee = "membership fee",
        Payment = "payment",
        Purchase = "purchase",
        Refund = "refund",
        ReturnedItemFee = "returned item fee",
        StandingOrder = "standing order",
        Transfer = "transfer",
    }
}

/// Request of `/transactions/sync`.
///
/// ```
/// # use coffer_plaid::{Secret, TransactionsSyncRequest};
/// let token = Secret::new("access-sandbox-...");
/// let first = TransactionsSyncRequest::new(&token).with_count(500);
/// let next = TransactionsSyncRequest::new(&token).with_cursor("cursor-from-last-page");
/// # let _ = (first, next);
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct TransactionsSyncRequest<'a> {
    #[serde(serialize_with = "crate::secret::serialize_secret::borrowed")]
    pub access_token: &'a Secret,
    /// Omit (or `""`) on the first call; then the `next_cursor` of the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// 1–500; Plaid's default is 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<TransactionsSyncOptions>,
}

impl<'a> TransactionsSyncRequest<'a> {
    /// A first-page request: no cursor, no count, no options.
    pub fn new(access_token: &'a Secret) -> Self {
        Self {
            access_token,
            cursor: None,
            count: None,
            options: None,
        }
    }

    /// Continue from a cursor (an empty cursor means "from the start").
    pub fn with_cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into());
        self
    }

    /// Page size (1–500).
    pub fn with_count(mut self, count: u32) -> Self {
        self.count = Some(count);
        self
    }

    /// Request options.
    pub fn with_options(mut self, options: TransactionsSyncOptions) -> Self {
        self.options = Some(options);
        self
    }
}

/// `options` of `/transactions/sync`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TransactionsSyncOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_original_description: Option<bool>,
    /// `v1` or `v2`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub personal_finance_category_version: Option<String>,
    /// Only when Transactions was not initialised at Link (1–730).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_requested: Option<u32>,
    /// Creates a separate cursor stream for one account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
}

/// Response of `/transactions/sync`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransactionsSyncResponse {
    pub transactions_update_status: TransactionsUpdateStatus,
    /// Accounts that have transactions (investment accounts are omitted).
    pub accounts: Vec<Account>,
    pub added: Vec<Transaction>,
    pub modified: Vec<Transaction>,
    pub removed: Vec<RemovedTransaction>,
    /// `""` while transactions are not ready.
    pub next_cursor: String,
    pub has_more: bool,
    pub request_id: String,
}

/// A transaction (spec `Transaction` = `TransactionBase` + extras).
///
/// `amount` is positive for money leaving the account and negative for money coming in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transaction {
    pub transaction_id: String,
    pub account_id: String,
    #[serde(with = "crate::money")]
    pub amount: Decimal,
    pub iso_currency_code: Option<String>,
    pub unofficial_currency_code: Option<String>,
    /// Posted date, or the date it occurred while pending.
    pub date: NaiveDate,
    pub pending: bool,
    /// On a posted transaction: the pending transaction it replaces.
    pub pending_transaction_id: Option<String>,
    pub account_owner: Option<String>,
    /// Deprecated by Plaid in favour of `merchant_name`, but always present.
    pub name: String,
    #[serde(default)]
    pub merchant_name: Option<String>,
    #[serde(default)]
    pub original_description: Option<String>,
    pub location: Location,
    pub payment_meta: PaymentMeta,
    pub payment_channel: PaymentChannel,
    pub authorized_date: Option<NaiveDate>,
    pub authorized_datetime: Option<DateTime<Utc>>,
    pub datetime: Option<DateTime<Utc>>,
    pub transaction_code: Option<TransactionCode>,
    #[serde(default)]
    pub category: Option<Vec<String>>,
    #[serde(default)]
    pub category_id: Option<String>,
    #[serde(default)]
    pub check_number: Option<String>,
    /// Deprecated: `digital`, `place`, `special`, `unresolved`.
    #[serde(default)]
    pub transaction_type: Option<String>,
    #[serde(default)]
    pub logo_url: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub personal_finance_category: Option<PersonalFinanceCategory>,
    #[serde(default)]
    pub personal_finance_category_icon_url: Option<String>,
    #[serde(default)]
    pub counterparties: Option<Vec<Counterparty>>,
    #[serde(default)]
    pub merchant_entity_id: Option<String>,
}

/// Where a transaction happened; every key is present, values may be `null`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub address: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub store_number: Option<String>,
}

/// Payment details of a transaction; every key is present, values may be `null`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMeta {
    pub reference_number: Option<String>,
    pub ppd_id: Option<String>,
    pub payee: Option<String>,
    pub by_order_of: Option<String>,
    pub payer: Option<String>,
    pub payment_method: Option<String>,
    pub payment_processor: Option<String>,
    pub reason: Option<String>,
}

/// Plaid's category of a transaction (e.g. `FOOD_AND_DRINK` / `FOOD_AND_DRINK_FAST_FOOD`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalFinanceCategory {
    pub primary: String,
    pub detailed: String,
    #[serde(default)]
    pub confidence_level: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
}

/// A merchant or institution involved in a transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counterparty {
    pub name: String,
    /// `merchant`, `financial_institution`, `payment_app`, …
    #[serde(rename = "type")]
    pub counterparty_type: String,
    pub website: Option<String>,
    pub logo_url: Option<String>,
    #[serde(default)]
    pub entity_id: Option<String>,
    #[serde(default)]
    pub confidence_level: Option<String>,
}

/// A transaction removed since the last cursor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemovedTransaction {
    pub transaction_id: String,
    pub account_id: String,
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn sync_request_omits_what_is_not_set() {
        let token = Secret::new("access-sandbox-q");
        let first = TransactionsSyncRequest::new(&token);
        assert_eq!(
            serde_json::to_string(&first).unwrap(),
            r#"{"access_token":"access-sandbox-q"}"#
        );
        let next = TransactionsSyncRequest::new(&token)
            .with_cursor("c1")
            .with_count(500)
            .with_options(TransactionsSyncOptions {
                include_original_description: Some(true),
                ..Default::default()
            });
        assert_eq!(
            serde_json::to_value(&next).unwrap(),
            serde_json::json!({"access_token": "access-sandbox-q", "cursor": "c1", "count": 500,
                               "options": {"include_original_description": true}})
        );
        let debug = format!("{next:?}{next:#?}");
        assert!(!debug.contains("access-sandbox-q"), "{debug}");
    }

    #[test]
    fn sync_response_with_a_full_transaction() {
        let body = r#"{
          "transactions_update_status": "HISTORICAL_UPDATE_COMPLETE",
          "accounts": [],
          "added": [{
            "account_id": "acc", "amount": 2307.21, "iso_currency_code": "USD",
            "unofficial_currency_code": null, "category": ["Shops"], "category_id": "19013000",
            "check_number": null, "date": "2023-09-24", "datetime": "2023-09-24T11:01:01Z",
            "authorized_date": "2023-09-22", "authorized_datetime": null,
            "location": {"address": "300 Post St", "city": "San Francisco", "region": "CA",
              "postal_code": "94108", "country": "US", "lat": 40.740352, "lon": -74.001761,
              "store_number": "1235"},
            "name": "Apple Store", "merchant_name": "Apple", "merchant_entity_id": "rz99",
            "logo_url": null, "website": "apple.com",
            "payment_meta": {"by_order_of": null, "payee": null, "payer": null,
              "payment_method": null, "payment_processor": null, "ppd_id": null, "reason": null,
              "reference_number": null},
            "payment_channel": "in store", "pending": false, "pending_transaction_id": null,
            "personal_finance_category": {"primary": "GENERAL_MERCHANDISE",
              "detailed": "GENERAL_MERCHANDISE_ELECTRONICS", "confidence_level": "VERY_HIGH"},
            "personal_finance_category_icon_url": "https://plaid-category-icons.plaid.com/x.png",
            "transaction_id": "lPNjeW1nR6CDn5okmGQ6hEpMo4lLNoSrzqDje",
            "transaction_code": null, "transaction_type": "place", "account_owner": null,
            "counterparties": [{"name": "Apple", "type": "merchant", "logo_url": null,
              "website": "apple.com", "entity_id": "rz99", "confidence_level": "VERY_HIGH"}],
            "client_customization": {"anything": 1}
          }],
          "modified": [],
          "removed": [{"transaction_id": "gone", "account_id": "acc"}],
          "next_cursor": "tVUUL15lYQN5rBnfDIc1I8xudpGdIlw9nsgeXWvhOfkECvUeR663i3Dt1uf",
          "has_more": false,
          "request_id": "Wvhy9PZHQLV8njG"
        }"#;
        let parsed: TransactionsSyncResponse = serde_json::from_str(body).unwrap();
        assert_eq!(
            parsed.transactions_update_status,
            TransactionsUpdateStatus::HistoricalUpdateComplete
        );
        let txn = &parsed.added[0];
        assert_eq!(txn.amount, Decimal::from_str("2307.21").unwrap());
        assert_eq!(txn.date, NaiveDate::from_ymd_opt(2023, 9, 24).unwrap());
        assert_eq!(txn.authorized_date, NaiveDate::from_ymd_opt(2023, 9, 22));
        assert_eq!(txn.payment_channel, PaymentChannel::InStore);
        assert_eq!(txn.location.city.as_deref(), Some("San Francisco"));
        assert_eq!(parsed.removed[0].transaction_id, "gone");
        assert_eq!(
            txn.counterparties.as_ref().unwrap()[0].counterparty_type,
            "merchant"
        );
    }
}
