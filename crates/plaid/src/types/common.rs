//! Types shared by several endpoints: products, country codes, the Plaid error object.

use serde::{Deserialize, Serialize};

use super::ErrorCode;

open_enum! {
    /// A Plaid product (spec `Products`). Coffer uses `Transactions`; `balance` is not a valid
    /// value in `products` of `/link/token/create` (Plaid answers `INVALID_PRODUCT`).
    pub enum Product {
        Assets = "assets",
        Auth = "auth",
        Balance = "balance",
        BalancePlus = "balance_plus",
        Beacon = "beacon",
        Identity = "identity",
        IdentityMatch = "identity_match",
        Investments = "investments",
        InvestmentsAuth = "investments_auth",
        Liabilities = "liabilities",
        PaymentInitiation = "payment_initiation",
        IdentityVerification = "identity_verification",
        Transactions = "transactions",
        CreditDetails = "credit_details",
        Income = "income",
        IncomeVerification = "income_verification",
        StandingOrders = "standing_orders",
        Transfer = "transfer",
        Employment = "employment",
        RecurringTransactions = "recurring_transactions",
        TransactionsRefresh = "transactions_refresh",
        Signal = "signal",
        Statements = "statements",
        ProcessorPayments = "processor_payments",
        ProcessorIdentity = "processor_identity",
        Profile = "profile",
        CraBaseReport = "cra_base_report",
        CraIncomeInsights = "cra_income_insights",
        CraPartnerInsights = "cra_partner_insights",
        CraNetworkInsights = "cra_network_insights",
        CraCashflowInsights = "cra_cashflow_insights",
        CraMonitoring = "cra_monitoring",
        CraLendScore = "cra_lend_score",
        CraPlaidCreditScore = "cra_plaid_credit_score",
        /// Since spec 2020-09-14_1.778.0 (plaid-python 46.0.0), as the next one.
        CraHomeLending = "cra_home_lending",
        CraQualify = "cra_qualify",
        Layer = "layer",
        PayByBank = "pay_by_bank",
        ProtectLinkedBank = "protect_linked_bank",
        ProtectTransactions = "protect_transactions",
    }
}

open_enum! {
    /// An ISO-3166-1 alpha-2 country code Plaid supports (spec `CountryCode`).
    pub enum CountryCode {
        Us = "US",
        Gb = "GB",
        Es = "ES",
        Nl = "NL",
        Fr = "FR",
        Ie = "IE",
        Ca = "CA",
        De = "DE",
        It = "IT",
        Pl = "PL",
        Dk = "DK",
        No = "NO",
        Se = "SE",
        Ee = "EE",
        Lt = "LT",
        Lv = "LV",
        Pt = "PT",
        Be = "BE",
        At = "AT",
        Fi = "FI",
    }
}

open_enum! {
    /// The broad category of a Plaid error (spec `PlaidErrorType`).
    pub enum ErrorType {
        InvalidRequest = "INVALID_REQUEST",
        InvalidResult = "INVALID_RESULT",
        InvalidInput = "INVALID_INPUT",
        InstitutionError = "INSTITUTION_ERROR",
        RateLimitExceeded = "RATE_LIMIT_EXCEEDED",
        ApiError = "API_ERROR",
        ItemError = "ITEM_ERROR",
        AssetReportError = "ASSET_REPORT_ERROR",
        BaseReportError = "BASE_REPORT_ERROR",
        RecaptchaError = "RECAPTCHA_ERROR",
        OauthError = "OAUTH_ERROR",
        PaymentError = "PAYMENT_ERROR",
        BankTransferError = "BANK_TRANSFER_ERROR",
        IncomeVerificationError = "INCOME_VERIFICATION_ERROR",
        MicrodepositsError = "MICRODEPOSITS_ERROR",
        SandboxError = "SANDBOX_ERROR",
        PartnerError = "PARTNER_ERROR",
        SignalError = "SIGNAL_ERROR",
        TransactionsError = "TRANSACTIONS_ERROR",
        TransactionError = "TRANSACTION_ERROR",
        TransferError = "TRANSFER_ERROR",
        CheckReportError = "CHECK_REPORT_ERROR",
        ConsumerReportError = "CONSUMER_REPORT_ERROR",
        UserError = "USER_ERROR",
        /// Since spec 2020-09-14_1.778.0 (plaid-python 46.0.0), as all that follow.
        AssetsError = "ASSETS_ERROR",
        CraMonitoringError = "CRA_MONITORING_ERROR",
        CraPartnerInsightsError = "CRA_PARTNER_INSIGHTS_ERROR",
        CraReportError = "CRA_REPORT_ERROR",
        CreditProfileReportError = "CREDIT_PROFILE_REPORT_ERROR",
        EncompassError = "ENCOMPASS_ERROR",
        EnrichError = "ENRICH_ERROR",
        FraudInsightsError = "FRAUD_INSIGHTS_ERROR",
        FreddieMacError = "FREDDIE_MAC_ERROR",
        IdempotencyError = "IDEMPOTENCY_ERROR",
        LinkDeliveryError = "LINK_DELIVERY_ERROR",
        ProfileError = "PROFILE_ERROR",
        RecurringTransactionsError = "RECURRING_TRANSACTIONS_ERROR",
        StatementsError = "STATEMENTS_ERROR",
        TransferRecurringError = "TRANSFER_RECURRING_ERROR",
        TransferRefundError = "TRANSFER_REFUND_ERROR",
    }
}

/// Plaid's error object (spec `PlaidError`): the whole body of a non-2xx response, and
/// `item.error` of `/item/get`.
///
/// Branch on `error_code` (plus `error_type`); the messages are not stable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaidError {
    pub error_type: ErrorType,
    pub error_code: ErrorCode,
    /// Only for OAuth Item errors (`OAUTH_INVALID_TOKEN`, `OAUTH_CONSENT_EXPIRED`, …).
    #[serde(default)]
    pub error_code_reason: Option<String>,
    /// Developer-facing text.
    pub error_message: String,
    /// User-facing text, or `null`.
    pub display_message: Option<String>,
    /// Absent in errors delivered through webhooks or embedded in `item.error`.
    #[serde(default)]
    pub request_id: Option<String>,
    #[serde(default)]
    pub causes: Option<Vec<serde_json::Value>>,
    /// HTTP status; only present when the error arrives embedded (webhook, `item.error`).
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub documentation_url: Option<String>,
    #[serde(default)]
    pub suggested_action: Option<String>,
    #[serde(default)]
    pub required_account_subtypes: Option<Vec<String>>,
    #[serde(default)]
    pub provided_account_subtypes: Option<Vec<String>>,
}

/// A response that carries nothing but `request_id` (`/item/remove`, `/transactions/refresh`,
/// `/sandbox/transactions/create`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestIdResponse {
    pub request_id: String,
}

/// `/item/remove` answers only `request_id` (the old `removed` flag is gone in 2020-09-14).
pub type ItemRemoveResponse = RequestIdResponse;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plaid_error_from_a_minimal_and_a_full_body() {
        let minimal: PlaidError = serde_json::from_str(
            r#"{"error_type":"ITEM_ERROR","error_code":"ITEM_LOGIN_REQUIRED",
                "error_message":"login required","display_message":null}"#,
        )
        .unwrap();
        assert_eq!(minimal.error_type, ErrorType::ItemError);
        assert_eq!(minimal.request_id, None);

        let full: PlaidError = serde_json::from_str(
            r#"{"error_type":"NEW_KIND_ERROR","error_code":"X","error_code_reason":null,
                "error_message":"m","display_message":"d","request_id":"abc","causes":[],
                "status":400,"documentation_url":"https://plaid.com/docs","suggested_action":null,
                "some_future_key":{"a":1}}"#,
        )
        .unwrap();
        assert_eq!(full.error_type, ErrorType::Unknown("NEW_KIND_ERROR".into()));
        assert_eq!(full.display_message.as_deref(), Some("d"));
        assert_eq!(full.status, Some(400));
    }
}
