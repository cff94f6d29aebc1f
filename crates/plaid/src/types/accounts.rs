//! `/accounts/get`, `/accounts/balance/get`, and the account object.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::Item;
use crate::Secret;

open_enum! {
    /// Account type (spec `AccountType`).
    pub enum AccountType {
        Investment = "investment",
        Credit = "credit",
        Depository = "depository",
        Loan = "loan",
        Brokerage = "brokerage",
        Other = "other",
    }
}

open_enum! {
    /// Account subtype (spec `AccountSubtype`; Plaid adds new ones regularly).
    pub enum AccountSubtype {
        Plan401a = "401a",
        Plan401k = "401k",
        Plan403b = "403B",
        Plan457b = "457b",
        Plan529 = "529",
        Auto = "auto",
        Brokerage = "brokerage",
        Business = "business",
        CashIsa = "cash isa",
        CashManagement = "cash management",
        Cd = "cd",
        Checking = "checking",
        Commercial = "commercial",
        /// Since spec 2020-09-14_1.778.0 (plaid-python 46.0.0).
        CommercialLineOfCredit = "commercial line of credit",
        Construction = "construction",
        Consumer = "consumer",
        CreditCard = "credit card",
        CryptoExchange = "crypto exchange",
        Ebt = "ebt",
        EducationSavingsAccount = "education savings account",
        Fhsa = "fhsa",
        FixedAnnuity = "fixed annuity",
        Gic = "gic",
        HealthReimbursementArrangement = "health reimbursement arrangement",
        HomeEquity = "home equity",
        /// Since spec 2020-09-14_1.778.0.
        HomeEquityLoan = "home equity loan",
        Hsa = "hsa",
        Isa = "isa",
        Ira = "ira",
        Keogh = "keogh",
        Lif = "lif",
        LifeInsurance = "life insurance",
        LimitedPurposeChecking = "limited purpose checking",
        LineOfCredit = "line of credit",
        Lira = "lira",
        Loan = "loan",
        Lrif = "lrif",
        Lrsp = "lrsp",
        MoneyMarket = "money market",
        Mortgage = "mortgage",
        MutualFund = "mutual fund",
        NonCustodialWallet = "non-custodial wallet",
        NonTaxableBrokerageAccount = "non-taxable brokerage account",
        Other = "other",
        OtherInsurance = "other insurance",
        OtherAnnuity = "other annuity",
        Overdraft = "overdraft",
        Paypal = "paypal",
        Payroll = "payroll",
        Pension = "pension",
        /// Since spec 2020-09-14_1.778.0.
        PredictionMarket = "prediction market",
        Prepaid = "prepaid",
        Prif = "prif",
        ProfitSharingPlan = "profit sharing plan",
        Qshr = "qshr",
        Rdsp = "rdsp",
        Resp = "resp",
        Retirement = "retirement",
        Rlif = "rlif",
        Roth = "roth",
        Roth401k = "roth 401k",
        Roth403b = "roth 403B",
        Roth457b = "roth 457b",
        RothPension = "roth pension",
        RothProfitSharingPlan = "roth profit sharing plan",
        RothThriftSavingsPlan = "roth thrift savings plan",
        Rrif = "rrif",
        Rrsp = "rrsp",
        Sarsep = "sarsep",
        Savings = "savings",
        SepIra = "sep ira",
        SimpleIra = "simple ira",
        Sipp = "sipp",
        StockPlan = "stock plan",
        Student = "student",
        ThriftSavingsPlan = "thrift savings plan",
        Tfsa = "tfsa",
        Trust = "trust",
        Ugma = "ugma",
        Utma = "utma",
        VariableAnnuity = "variable annuity",
    }
}

open_enum! {
    /// Whether an account is held by a business or a person (spec `AccountHolderCategory`).
    pub enum HolderCategory {
        Business = "business",
        Personal = "personal",
        Unrecognized = "unrecognized",
    }
}

/// An account of an Item (spec `AccountBase`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// May change on "account churn"; closed accounts disappear.
    pub account_id: String,
    pub balances: AccountBalance,
    /// Last 2–4 characters of the account number.
    pub mask: Option<String>,
    pub name: String,
    pub official_name: Option<String>,
    #[serde(rename = "type")]
    pub account_type: AccountType,
    pub subtype: Option<AccountSubtype>,
    #[serde(default)]
    pub verification_status: Option<String>,
    #[serde(default)]
    pub verification_name: Option<String>,
    #[serde(default)]
    pub persistent_account_id: Option<String>,
    #[serde(default)]
    pub holder_category: Option<HolderCategory>,
}

/// The spec's name for [`Account`].
pub type AccountBase = Account;

/// Balances of an account (spec `AccountBalance`). For credit and loan accounts `current` is the
/// amount owed (positive).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountBalance {
    #[serde(with = "crate::money::option", default)]
    pub available: Option<Decimal>,
    #[serde(with = "crate::money::option", default)]
    pub current: Option<Decimal>,
    #[serde(with = "crate::money::option", default)]
    pub limit: Option<Decimal>,
    pub iso_currency_code: Option<String>,
    pub unofficial_currency_code: Option<String>,
    /// Capital One non-depository accounts only.
    #[serde(default)]
    pub last_updated_datetime: Option<DateTime<Utc>>,
}

/// Response of `/accounts/get` and `/accounts/balance/get`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountsGetResponse {
    pub accounts: Vec<Account>,
    pub item: Item,
    pub request_id: String,
}

/// Body of `/accounts/get` and `/accounts/balance/get`.
#[derive(Debug, Serialize)]
pub(crate) struct AccountsRequest<'a> {
    #[serde(serialize_with = "crate::secret::serialize_secret::borrowed")]
    pub access_token: &'a Secret,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<AccountsRequestOptions<'a>>,
}

#[derive(Debug, Serialize)]
pub(crate) struct AccountsRequestOptions<'a> {
    pub account_ids: &'a [String],
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    const ACCOUNTS: &str = r#"{
      "accounts": [
        {"account_id": "a1", "balances": {"available": null, "current": 23631.9805, "limit": null,
          "iso_currency_code": "USD", "unofficial_currency_code": null},
         "mask": "6666", "name": "Plaid 401k", "official_name": null,
         "type": "investment", "subtype": "401k"},
        {"account_id": "a2", "balances": {"available": 4980, "current": 5020, "limit": 10000,
          "iso_currency_code": "USD", "unofficial_currency_code": null},
         "mask": "9999", "name": "Plaid Business Credit Card", "official_name": "x",
         "type": "credit", "subtype": "credit card", "holder_category": "business",
         "verification_insights": {"whatever": true}},
        {"account_id": "a3", "balances": {"available": 0.1, "current": 0.1, "limit": null,
          "iso_currency_code": null, "unofficial_currency_code": "BTC"},
         "mask": null, "name": "New", "official_name": null,
         "type": "crypto", "subtype": null}
      ],
      "item": {"item_id": "i", "webhook": null, "error": null, "available_products": [],
               "billed_products": ["transactions"], "consent_expiration_time": null,
               "update_type": "user_present_required"},
      "request_id": "req"
    }"#;

    #[test]
    fn accounts_response_keeps_money_exact_and_tolerates_new_values() {
        let parsed: AccountsGetResponse = serde_json::from_str(ACCOUNTS).unwrap();
        let k401 = &parsed.accounts[0];
        assert_eq!(
            k401.balances.current,
            Some(Decimal::from_str("23631.9805").unwrap())
        );
        assert_eq!(k401.balances.available, None);
        assert_eq!(k401.subtype, Some(AccountSubtype::Plan401k));
        let card = &parsed.accounts[1];
        assert_eq!(card.account_type, AccountType::Credit);
        assert_eq!(card.balances.limit, Some(Decimal::from(10000)));
        assert_eq!(card.holder_category, Some(HolderCategory::Business));
        let new = &parsed.accounts[2];
        assert_eq!(new.account_type, AccountType::Unknown("crypto".into()));
        assert_eq!(
            new.balances.current,
            Some(Decimal::from_str("0.1").unwrap())
        );
        assert_eq!(new.subtype, None);

        // Written back, amounts stay JSON numbers with the same digits.
        let back = serde_json::to_value(&parsed).unwrap();
        assert_eq!(
            back["accounts"][0]["balances"]["current"].to_string(),
            "23631.9805"
        );
        assert_eq!(back["accounts"][0]["type"], "investment");
    }

    #[test]
    fn accounts_request_omits_absent_options() {
        let token = Secret::new("access-sandbox-t");
        let without = AccountsRequest {
            access_token: &token,
            options: None,
        };
        assert_eq!(
            serde_json::to_string(&without).unwrap(),
            r#"{"access_token":"access-sandbox-t"}"#
        );
        let ids = vec!["a1".to_owned()];
        let with = AccountsRequest {
            access_token: &token,
            options: Some(AccountsRequestOptions { account_ids: &ids }),
        };
        assert_eq!(
            serde_json::to_string(&with).unwrap(),
            r#"{"access_token":"access-sandbox-t","options":{"account_ids":["a1"]}}"#
        );
    }
}
