//! The one error type of the core, and its JSON form for the UI.
//!
//! `AppError` serializes to `{ code, message, remedy, plaid? }` (docs/ARCHITECTURE.md, "The
//! command contract"). `code` is the closed [`ErrorCode`] enum the UI branches on; `message`
//! says what failed; `remedy` is what to tell a person (what happened in their words, and
//! what to do), decided here once for every front end; `plaid` carries Plaid's own error
//! fields when the failure came from Plaid. Nothing in here ever holds a secret:
//! Plaid error messages and request ids are not secrets, and no variant takes a token.

use coffer_plaid::ErrorCode as PlaidCode;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// Result of every core operation.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The closed set of error codes the UI may branch on (its TypeScript type is generated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// The configured maximum number of links is reached.
    LinkLimitReached,
    /// `exchange_public_token` without a public token.
    MissingPublicToken,
    /// `exchange_public_token` with an empty account list.
    NoAccountsSelected,
    /// No link with that id.
    LinkNotFound,
    /// The link needs the user to log in again (Link update mode).
    LoginRequired,
    /// Any other error answered by Plaid.
    Plaid,
    /// The OS keychain is missing, locked or not responding.
    KeychainUnavailable,
    /// Plaid credentials are missing or the operation is not available in this mode.
    NotConfigured,
    /// Plaid could not be reached (connection, timeout, malformed answer).
    Network,
    /// The local database failed (I/O, read-only, corrupt).
    Storage,
    /// The database was written by a newer Coffer.
    DatabaseTooNew,
    /// A command input failed validation.
    InvalidInput,
    /// Reading or writing a user file (export) failed.
    Io,
}

/// Plaid's error fields, as shown to the UI (camelCase on the wire).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PlaidErrorInfo {
    /// Plaid `error_type` (e.g. `ITEM_ERROR`).
    pub error_type: String,
    /// Plaid `error_code` (e.g. `ITEM_LOGIN_REQUIRED`).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub error_code: PlaidCode,
    /// Plaid's own reason (`error_message`, written for developers).
    pub error_message: String,
    /// Plaid's user-facing message, when it sent one.
    pub display_message: Option<String>,
    /// Plaid request id, for support.
    pub request_id: Option<String>,
    /// HTTP status of the failed call.
    #[serde(skip)]
    pub status: u16,
}

/// Every failure the core reports.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The link limit from the settings is reached.
    #[error("max number of Plaid links already reached")]
    LinkLimitReached {
        /// The configured limit.
        limit: u32,
    },
    /// No public token given.
    #[error("must provide a public token")]
    MissingPublicToken,
    /// No account given.
    #[error("must select at least one account")]
    NoAccountsSelected,
    /// Unknown link id.
    #[error("link {0} not found")]
    LinkNotFound(i64),
    /// The link needs a re-login through Link update mode.
    #[error("{context}: the bank needs you to log in again (reconnect this link)")]
    LoginRequired {
        /// What was being done ("failed to sync transactions").
        context: &'static str,
        /// The link concerned.
        link_id: Option<i64>,
        /// Plaid's error.
        plaid: Box<PlaidErrorInfo>,
    },
    /// Plaid answered with an error.
    #[error("{context}")]
    Plaid {
        /// What was being done ("failed to exchange token").
        context: &'static str,
        /// Plaid's error.
        plaid: Box<PlaidErrorInfo>,
    },
    /// The keychain is not usable.
    #[error("{0}")]
    KeychainUnavailable(String),
    /// Missing configuration, or a command not available in this mode.
    #[error("{0}")]
    NotConfigured(String),
    /// Plaid could not be reached or answered something unreadable.
    #[error("{context}: {detail}")]
    Network {
        /// What was being done.
        context: &'static str,
        /// What went wrong on the wire (never holds a secret).
        detail: String,
    },
    /// SQLite failed.
    #[error("database error: {0}")]
    Storage(String),
    /// The database comes from a newer version of Coffer.
    #[error(
        "this database was written by a newer version of Coffer (schema {found}, this version knows {supported}); it was not modified"
    )]
    DatabaseTooNew {
        /// Schema version found in the file.
        found: i64,
        /// Latest schema version this build knows.
        supported: i64,
    },
    /// A command input is invalid.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A file could not be read or written.
    #[error("{context}: {detail}")]
    Io {
        /// What was being done.
        context: &'static str,
        /// The OS error text.
        detail: String,
    },
}

impl AppError {
    /// The code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::LinkLimitReached { .. } => ErrorCode::LinkLimitReached,
            AppError::MissingPublicToken => ErrorCode::MissingPublicToken,
            AppError::NoAccountsSelected => ErrorCode::NoAccountsSelected,
            AppError::LinkNotFound(_) => ErrorCode::LinkNotFound,
            AppError::LoginRequired { .. } => ErrorCode::LoginRequired,
            AppError::Plaid { .. } => ErrorCode::Plaid,
            AppError::KeychainUnavailable(_) => ErrorCode::KeychainUnavailable,
            AppError::NotConfigured(_) => ErrorCode::NotConfigured,
            AppError::Network { .. } => ErrorCode::Network,
            AppError::Storage(_) => ErrorCode::Storage,
            AppError::DatabaseTooNew { .. } => ErrorCode::DatabaseTooNew,
            AppError::InvalidInput(_) => ErrorCode::InvalidInput,
            AppError::Io { .. } => ErrorCode::Io,
        }
    }

    /// Plaid's error fields, when the failure came from Plaid.
    pub fn plaid(&self) -> Option<&PlaidErrorInfo> {
        match self {
            AppError::LoginRequired { plaid, .. } | AppError::Plaid { plaid, .. } => Some(plaid),
            _ => None,
        }
    }

    /// Shorthand for [`AppError::InvalidInput`].
    pub fn invalid(msg: impl Into<String>) -> Self {
        AppError::InvalidInput(msg.into())
    }

    /// Converts a Plaid client error, naming what was being done.
    pub(crate) fn from_plaid(context: &'static str, err: coffer_plaid::Error) -> Self {
        match err {
            coffer_plaid::Error::Api { status, error } => {
                let info = Box::new(PlaidErrorInfo {
                    error_type: error.error_type.to_string(),
                    error_code: error.error_code.clone(),
                    error_message: error.error_message.clone(),
                    display_message: error.display_message.clone(),
                    request_id: error.request_id.clone(),
                    status,
                });
                if info.error_code == PlaidCode::ItemLoginRequired {
                    AppError::LoginRequired {
                        context,
                        link_id: None,
                        plaid: info,
                    }
                } else {
                    AppError::Plaid {
                        context,
                        plaid: info,
                    }
                }
            }
            e @ (coffer_plaid::Error::Transport { .. }
            | coffer_plaid::Error::Decode { .. }
            | coffer_plaid::Error::UnexpectedResponse { .. }) => AppError::Network {
                context,
                detail: e.to_string(),
            },
            coffer_plaid::Error::InvalidConfig(msg) => AppError::NotConfigured(msg),
        }
    }

    /// Attaches a link id to a login-required error.
    pub(crate) fn with_link(mut self, id: i64) -> Self {
        if let AppError::LoginRequired { link_id, .. } = &mut self {
            *link_id = Some(id);
        }
        self
    }

    /// Plaid error code, if any.
    pub fn plaid_code(&self) -> Option<&PlaidCode> {
        self.plaid().map(|p| &p.error_code)
    }

    /// What to tell a person about this failure: what happened in their words, and what to
    /// do. `None` when the message already says it (bad input, a missing setting, a file).
    pub fn remedy(&self) -> Option<String> {
        let text = match self {
            AppError::LinkLimitReached { .. } => {
                "You have reached the maximum number of linked banks. Remove one, or raise the limit in Settings."
            }
            AppError::MissingPublicToken => {
                "Link finished without a connection to save. Please try again."
            }
            AppError::NoAccountsSelected => "Choose at least one account to share.",
            AppError::LinkNotFound(_) => {
                "This connection no longer exists; it may have been removed elsewhere."
            }
            AppError::LoginRequired { plaid, .. } | AppError::Plaid { plaid, .. } => {
                return Some(plaid_remedy(&plaid.error_code).map_or_else(
                    || {
                        format!(
                            "Plaid refused the request ({}). If it keeps happening, quote the request id to Plaid support.",
                            plaid.error_code
                        )
                    },
                    str::to_string,
                ));
            }
            AppError::KeychainUnavailable(_) => {
                "The system keychain is locked or not available. Unlock it and try again."
            }
            AppError::Network { .. } => {
                "Could not reach Plaid. Check your internet connection and try again."
            }
            AppError::Storage(_) => {
                "Coffer could not read or write its database. Check that the disk is not full and the data directory is writable."
            }
            AppError::DatabaseTooNew { .. } => {
                "This data was written by a newer version of Coffer. Update Coffer to open it."
            }
            AppError::NotConfigured(_) | AppError::InvalidInput(_) | AppError::Io { .. } => {
                return None;
            }
        };
        Some(text.to_string())
    }
}

/// What to tell a person whose bank wants them to sign in again (Link's update mode repairs it).
pub(crate) const RECONNECT_REMEDY: &str = "Your bank needs you to sign in again. Use Reconnect.";

/// What to tell a person whose link's access token Plaid no longer accepts.
pub(crate) const DEAD_TOKEN_REMEDY: &str =
    "Plaid no longer accepts this connection. Remove it and link the bank again.";

/// What a Plaid error code means for a person, and what they can do about it. `None` for
/// codes that only a developer can act on (a malformed request, an unknown code).
pub fn plaid_remedy(code: &PlaidCode) -> Option<&'static str> {
    use PlaidCode as C;
    Some(match code {
        c if c.needs_reconnect() => RECONNECT_REMEDY,
        c if c.is_dead_token() => DEAD_TOKEN_REMEDY,
        c if c.is_bad_keys() => {
            "Plaid rejected this client ID and secret. Keys differ per environment: check that these are the keys for this environment, or switch the environment."
        }
        c if c.retry_later() => match c {
            C::RateLimitExceeded => {
                "Plaid is limiting requests right now. Wait a minute and try again."
            }
            C::ProductNotReady => {
                "The bank is still preparing this data. Try again in a few minutes."
            }
            C::InternalServerError => {
                "Plaid had a problem on its side. Try again in a few minutes."
            }
            C::InstitutionNotAvailable => "The bank is not available right now. Try again later.",
            _ => "The bank is not responding right now. Try again later.",
        },
        C::InstitutionNoLongerSupported => "Plaid no longer supports this bank.",
        C::ProductNotReady => "The bank is still preparing this data. Try again in a few minutes.",
        C::InternalServerError => "Plaid had a problem on its side. Try again in a few minutes.",
        C::InvalidLinkToken => "The Link session expired. Start again.",
        C::InvalidPublicToken => {
            "The bank connection expired before Coffer could save it. Link the bank again."
        }
        C::ItemLocked => {
            "The bank locked the account after too many sign-in attempts. Unlock it on the bank\u{2019}s website, then link again."
        }
        C::InvalidCredentials => "The bank did not accept the username or password.",
        C::UserSetupRequired => {
            "The bank needs you to finish setting up your account on its website first."
        }
        C::PasswordResetRequired => {
            "The bank needs you to reset your password on its website first."
        }
        C::InvalidInstitution | C::InstitutionNotFound => {
            "Plaid does not know this institution. Check its id (Plaid's ids start with ins_)."
        }
        C::InstitutionNotEnabledInEnvironment => {
            "This bank is not available in this Plaid environment."
        }
        C::NoAccounts => "The bank has no accounts Coffer can show for this login.",
        _ => return None,
    })
}

impl Serialize for AppError {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let plaid = self.plaid();
        let mut s = serializer.serialize_struct("AppError", if plaid.is_some() { 4 } else { 3 })?;
        s.serialize_field("code", &self.code())?;
        s.serialize_field("message", &self.to_string())?;
        s.serialize_field("remedy", &self.remedy())?;
        if let Some(p) = plaid {
            s.serialize_field("plaid", p)?;
        }
        s.end()
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> Self {
        AppError::Storage(e.to_string())
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        AppError::Storage(format!("background task failed: {e}"))
    }
}
