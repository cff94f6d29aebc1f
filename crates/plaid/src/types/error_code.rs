//! Plaid's `error_code`, and the questions Coffer asks of it.
//!
//! The set is open: Plaid adds codes, and a code this crate does not know is kept as text in
//! `ErrorCode::Unknown`, so it still reaches logs and the person unchanged. Everything that
//! depends on what a code *means* (does the person need to sign in again, is the access token
//! dead, is it worth trying later) is a method here, so that no other part of Coffer matches
//! codes by their text.

open_enum! {
    /// The specific error Plaid answered (spec `PlaidError.error_code`). Codes from Plaid's
    /// error reference, grouped by `error_type`; only the ones Coffer can meet are listed.
    pub enum ErrorCode {
        // ITEM_ERROR
        ItemLoginRequired = "ITEM_LOGIN_REQUIRED",
        AccessNotGranted = "ACCESS_NOT_GRANTED",
        AdditionalConsentRequired = "ADDITIONAL_CONSENT_REQUIRED",
        ItemNotFound = "ITEM_NOT_FOUND",
        ItemNoLongerAvailable = "ITEM_NO_LONGER_AVAILABLE",
        ItemConcurrentlyDeleted = "ITEM_CONCURRENTLY_DELETED",
        ItemLocked = "ITEM_LOCKED",
        ItemNotSupported = "ITEM_NOT_SUPPORTED",
        InvalidCredentials = "INVALID_CREDENTIALS",
        InvalidMfa = "INVALID_MFA",
        InsufficientCredentials = "INSUFFICIENT_CREDENTIALS",
        MfaNotSupported = "MFA_NOT_SUPPORTED",
        NoAccounts = "NO_ACCOUNTS",
        PasswordResetRequired = "PASSWORD_RESET_REQUIRED",
        UserSetupRequired = "USER_SETUP_REQUIRED",
        UserPermissionRevoked = "USER_PERMISSION_REVOKED",
        ProductNotReady = "PRODUCT_NOT_READY",
        ProductsNotSupported = "PRODUCTS_NOT_SUPPORTED",
        // TRANSACTIONS_ERROR
        TransactionsSyncMutationDuringPagination = "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION",
        // INSTITUTION_ERROR
        InstitutionDown = "INSTITUTION_DOWN",
        InstitutionNotResponding = "INSTITUTION_NOT_RESPONDING",
        InstitutionNotAvailable = "INSTITUTION_NOT_AVAILABLE",
        InstitutionNoLongerSupported = "INSTITUTION_NO_LONGER_SUPPORTED",
        InstitutionRegistrationRequired = "INSTITUTION_REGISTRATION_REQUIRED",
        // INVALID_INPUT
        InvalidApiKeys = "INVALID_API_KEYS",
        InvalidAccessToken = "INVALID_ACCESS_TOKEN",
        InvalidPublicToken = "INVALID_PUBLIC_TOKEN",
        InvalidLinkToken = "INVALID_LINK_TOKEN",
        InvalidInstitution = "INVALID_INSTITUTION",
        InvalidProduct = "INVALID_PRODUCT",
        InvalidAccountId = "INVALID_ACCOUNT_ID",
        InvalidWebhookVerificationKeyId = "INVALID_WEBHOOK_VERIFICATION_KEY_ID",
        InstitutionNotEnabledInEnvironment = "INSTITUTION_NOT_ENABLED_IN_ENVIRONMENT",
        InstitutionNotFound = "INSTITUTION_NOT_FOUND",
        UnauthorizedEnvironment = "UNAUTHORIZED_ENVIRONMENT",
        DirectIntegrationNotEnabled = "DIRECT_INTEGRATION_NOT_ENABLED",
        // INVALID_REQUEST
        InvalidField = "INVALID_FIELD",
        InvalidBody = "INVALID_BODY",
        InvalidHeaders = "INVALID_HEADERS",
        MissingFields = "MISSING_FIELDS",
        UnknownFields = "UNKNOWN_FIELDS",
        NotFound = "NOT_FOUND",
        SandboxOnly = "SANDBOX_ONLY",
        // RATE_LIMIT_EXCEEDED
        RateLimitExceeded = "RATE_LIMIT_EXCEEDED",
        AdditionLimit = "ADDITION_LIMIT",
        // API_ERROR
        InternalServerError = "INTERNAL_SERVER_ERROR",
        PlannedMaintenance = "PLANNED_MAINTENANCE",
    }
}

impl ErrorCode {
    /// The person must sign in at the bank again; Link's update mode repairs the Item and
    /// the access token stays valid.
    pub fn needs_reconnect(&self) -> bool {
        matches!(
            self,
            Self::ItemLoginRequired | Self::AccessNotGranted | Self::AdditionalConsentRequired
        )
    }

    /// The access token is dead for good: only removing the link and linking the bank again
    /// helps.
    pub fn is_dead_token(&self) -> bool {
        matches!(
            self,
            Self::InvalidAccessToken
                | Self::ItemNotFound
                | Self::ItemNoLongerAvailable
                | Self::UserPermissionRevoked
                | Self::ItemConcurrentlyDeleted
        )
    }

    /// The Item no longer exists at Plaid, so there is nothing left to remove there.
    pub fn item_is_gone(&self) -> bool {
        matches!(self, Self::ItemNotFound | Self::InvalidAccessToken)
    }

    /// The same request may well succeed later without anything changing on our side: the
    /// bank or Plaid is busy, down or still preparing data. (Whether to repeat it *now* is the
    /// client's retry policy, which looks at the HTTP status.)
    pub fn retry_later(&self) -> bool {
        matches!(
            self,
            Self::InstitutionDown
                | Self::InstitutionNotResponding
                | Self::InstitutionNotAvailable
                | Self::ProductNotReady
                | Self::RateLimitExceeded
                | Self::InternalServerError
                | Self::PlannedMaintenance
        )
    }

    /// `/transactions/sync` pagination must start again from the cursor the page run began
    /// with.
    pub fn restarts_sync(&self) -> bool {
        matches!(self, Self::TransactionsSyncMutationDuringPagination)
    }

    /// The keys (client id and secret) were refused, or are not allowed in this environment.
    pub fn is_bad_keys(&self) -> bool {
        matches!(self, Self::InvalidApiKeys | Self::UnauthorizedEnvironment)
    }
}

impl PartialEq<str> for ErrorCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_codes_round_trip() {
        for code in ErrorCode::KNOWN {
            let json = serde_json::to_string(code).unwrap();
            let back: ErrorCode = serde_json::from_str(&json).unwrap();
            assert_eq!(&back, code);
            assert!(!matches!(back, ErrorCode::Unknown(_)), "{json}");
        }
        let new: ErrorCode = serde_json::from_str("\"SOMETHING_PLAID_ADDED\"").unwrap();
        assert_eq!(new, ErrorCode::Unknown("SOMETHING_PLAID_ADDED".into()));
        assert_eq!(new.as_str(), "SOMETHING_PLAID_ADDED");
        assert!(!new.needs_reconnect() && !new.is_dead_token() && !new.retry_later());
    }

    #[test]
    fn every_known_code_is_written_once() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::KNOWN {
            assert!(seen.insert(code.as_str()), "{code} twice");
        }
    }

    #[test]
    fn the_questions_do_not_overlap() {
        for code in ErrorCode::KNOWN {
            let answers = [
                code.needs_reconnect(),
                code.is_dead_token(),
                code.retry_later(),
            ];
            assert!(answers.iter().filter(|a| **a).count() <= 1, "{code}");
            if code.item_is_gone() {
                assert!(code.is_dead_token(), "{code}");
            }
        }
        assert!(ErrorCode::ItemLoginRequired.needs_reconnect());
        assert!(ErrorCode::UserPermissionRevoked.is_dead_token());
        assert!(ErrorCode::InstitutionDown.retry_later());
        assert!(ErrorCode::TransactionsSyncMutationDuringPagination.restarts_sync());
        assert!(ErrorCode::InvalidApiKeys.is_bad_keys());
    }
}
