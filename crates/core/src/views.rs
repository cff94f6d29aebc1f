//! Command inputs (validated by the commands) and outputs (camelCase, never a secret).

use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, ErrorCode, PlaidErrorInfo};
use crate::mode::Mode;
use crate::store::accounts::Balance;
use crate::store::events::Event;
use crate::store::links::LinkStatus;
use crate::store::transactions::TransactionView;

/// `create_link_token` input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct CreateLinkTokenInput {
    /// Reuse an unexpired, unused token for the same purpose.
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub use_cache: bool,
    /// Update mode for this link.
    pub link_id: Option<i64>,
    /// Update mode: let the user add accounts.
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub account_selection: bool,
    /// Hosted Link: also return `hostedLinkUrl`.
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub hosted: bool,
}

/// `report_link_exit` input: embedded Link's `onExit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LinkExitInput {
    /// The token the session was opened with.
    pub link_token: String,
    /// Plaid's `error_code` when Link ended in an error (`INVALID_LINK_TOKEN`, ...).
    #[serde(default)]
    pub error_code: Option<String>,
}

/// `open_link` input: embedded Link in its own window, for a new link or update mode.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct OpenLinkInput {
    /// Update mode for this link (Reconnect, Add accounts).
    pub link_id: Option<i64>,
    /// Update mode: let the person add accounts.
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub account_selection: bool,
}

/// `link_session` output: what the Link window needs to open Plaid Link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LinkSessionView {
    /// The link token for `Plaid.create`.
    pub link_token: String,
    /// The Link script of the mode (Plaid's CDN, or the offline stand-in).
    pub script_url: String,
}

/// `link_exit` input: Link's `onExit`, as the Link window saw it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct LinkExitReport {
    /// Plaid's `error_code`, when Link ended in an error.
    pub error_code: Option<String>,
    /// Plaid's `error_type`.
    pub error_type: Option<String>,
    /// Plaid's `display_message`, for the person.
    pub display_message: Option<String>,
    /// `metadata.request_id`.
    pub request_id: Option<String>,
    /// The Link script could not be loaded (the loader's message): Link never opened.
    pub load_error: Option<String>,
}

impl LinkExitReport {
    /// The error Link ended with, if any, as every error reaches a person (with its remedy).
    /// The page's texts are clipped: they come from the Link window, which is not trusted.
    pub fn error(&self) -> Option<AppError> {
        let clip = |s: &Option<String>, n: usize| {
            s.as_deref().map(|s| s.chars().take(n).collect::<String>())
        };
        let code = clip(&self.error_code, 100)?;
        Some(AppError::Plaid {
            context: "Plaid Link ended with an error",
            plaid: Box::new(PlaidErrorInfo {
                error_type: clip(&self.error_type, 100).unwrap_or_default(),
                error_code: coffer_plaid::ErrorCode::from(code.as_str()),
                error_message: String::new(),
                display_message: clip(&self.display_message, 300),
                request_id: clip(&self.request_id, 100),
                status: 400,
            }),
        })
    }
}

/// How embedded Link ended (the `link:ended` event).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum LinkOutcome {
    /// Linked (exchanged) or repaired (update mode).
    Success,
    /// The person closed Link, or Link ended in an error (`error` says which).
    Exit,
    /// Link succeeded but saving the link failed (`error`).
    Failed,
    /// The bank signs people in on its own site: continue as Hosted Link in the browser.
    Handoff,
}

/// The `link:ended` event's payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LinkEnded {
    /// How it ended.
    pub outcome: LinkOutcome,
    /// The link made or repaired (success).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub link_id: Option<i64>,
    /// The institution, when Link said.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub institution_name: Option<String>,
    /// Why it failed (exit with an error, failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub error: Option<ErrorView>,
    /// One sentence for the person (handoff: why the browser).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub message: Option<String>,
}

/// `open_hosted_link` output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OpenedInBrowser {
    /// Whether a browser took the address.
    pub opened: bool,
    /// When not: one sentence for the person (show the address, a Copy button, a QR code).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub message: Option<String>,
}

/// `qr_code` input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QrCodeInput {
    /// What to encode (at most 2048 characters).
    pub text: String,
}

/// A QR code to draw as one SVG path: `<svg viewBox="0 0 size size"><path d={path}/></svg>`
/// (the quiet zone included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct QrCodeView {
    /// Width and height in modules.
    pub size: u32,
    /// The dark modules, as SVG path data.
    pub path: String,
}

/// `create_link_token` output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LinkTokenView {
    /// The link token for `Plaid.create`.
    pub link_token: String,
    /// Expiration (RFC 3339).
    pub expiration: String,
    /// Hosted Link URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub hosted_link_url: Option<String>,
}

/// `exchange_public_token` input.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ExchangeInput {
    /// From Link's onSuccess (single use, short-lived).
    pub public_token: String,
    /// `metadata.institution.institution_id`.
    pub institution_id: String,
    /// `metadata.institution.name`.
    pub institution_name: String,
    /// `metadata.accounts[].id`.
    pub account_ids: Vec<String>,
}

impl std::fmt::Debug for ExchangeInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExchangeInput")
            .field("public_token", &"***")
            .field("institution_id", &self.institution_id)
            .field("institution_name", &self.institution_name)
            .field("account_ids", &self.account_ids)
            .finish()
    }
}

/// `exchange_public_token` output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ExchangeOutput {
    /// The new (or, for a repeated token, existing) link.
    pub link_id: i64,
}

/// An account with its latest balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    /// Plaid account id.
    pub account_id: String,
    /// Name.
    pub name: String,
    /// Official name.
    pub official_name: Option<String>,
    /// Last digits.
    pub mask: Option<String>,
    /// Type.
    #[serde(rename = "type")]
    pub account_type: String,
    /// Subtype.
    pub subtype: Option<String>,
    /// Latest snapshot.
    pub balance: Option<Balance>,
}

/// The last error of a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LinkErrorView {
    /// Error code (Plaid's, e.g. `ITEM_LOGIN_REQUIRED`, or ours).
    pub code: String,
    /// Plaid request id.
    pub request_id: Option<String>,
    /// When.
    pub at: Option<String>,
}

/// A link as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LinkView {
    /// Local id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Plaid item id.
    pub item_id: String,
    /// Institution id.
    pub institution_id: Option<String>,
    /// Institution name.
    pub institution_name: Option<String>,
    /// Stored status.
    pub status: LinkStatus,
    /// What the user should make of it (status and last error together).
    pub health: LinkHealth,
    /// What to do about it (or, archived, what it means), in the person's words; `None`
    /// when healthy. Decided by [`LinkHealth::of`].
    pub remedy: Option<String>,
    /// Products.
    pub products: Vec<String>,
    /// Accounts with balances.
    pub accounts: Vec<AccountView>,
    /// Last successful sync.
    pub last_sync_at: Option<String>,
    /// Last `transactions_update_status`.
    pub last_sync_status: Option<String>,
    /// Last error.
    pub last_error: Option<LinkErrorView>,
    /// When the person's consent to share this Item's data ends (`/item/get`'s
    /// `consent_expiration_time`, RFC 3339), if the bank sets one.
    pub consent_expires_at: Option<String>,
    /// The day (YYYY-MM-DD) to reconnect before: set when the consent ends within 7 days.
    pub reconnect_before: Option<String>,
    /// Created.
    pub created_at: String,
}

/// A link that needs the user, in `get_status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AttentionView {
    /// Link.
    pub link_id: i64,
    /// Its display name.
    pub name: String,
    /// Its health.
    pub health: LinkHealth,
    /// What to do.
    pub remedy: String,
}

/// A link's health as the UI shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LinkHealth {
    /// Plaid's last answer about this link was good.
    Healthy,
    /// The bank needs the user to log in again: Reconnect (Link update mode).
    NeedsReconnect,
    /// The access token is dead or gone: remove the link and link the bank again.
    Broken,
    /// The last call failed for another reason (network, the bank is down, ...).
    Error,
    /// Removed at Plaid, data kept.
    Archived,
}

impl LinkHealth {
    /// Health and remedy of a link with `status` whose last call failed with `last_error`
    /// (Plaid's `error_code`, or one of Coffer's own such as a missing keychain entry).
    ///
    /// This is the one place that decides it: the desktop UI, the CLI and the REST API show
    /// what it returns.
    pub fn of(status: LinkStatus, last_error: Option<&str>) -> (LinkHealth, Option<String>) {
        use crate::error::{DEAD_TOKEN_REMEDY, RECONNECT_REMEDY};
        let code = last_error.map(coffer_plaid::ErrorCode::from);
        let reconnect = (
            LinkHealth::NeedsReconnect,
            Some(RECONNECT_REMEDY.to_string()),
        );
        let broken = (LinkHealth::Broken, Some(DEAD_TOKEN_REMEDY.to_string()));
        match (status, code) {
            (LinkStatus::Archived, _) => (
                LinkHealth::Archived,
                Some("Disconnected from the bank; its transactions are kept.".to_string()),
            ),
            (LinkStatus::LoginRequired, _) => reconnect,
            (LinkStatus::KeychainMissing, _) => (
                LinkHealth::Broken,
                Some(
                    "Its saved access is missing from the keychain. Remove it and link the bank again."
                        .to_string(),
                ),
            ),
            (LinkStatus::Broken, _) => broken,
            (LinkStatus::Active, None) => (LinkHealth::Healthy, None),
            (LinkStatus::Active, Some(code)) if code.needs_reconnect() => reconnect,
            (LinkStatus::Active, Some(code)) if code.is_dead_token() => broken,
            (LinkStatus::Active, Some(code)) => {
                let remedy = crate::error::plaid_remedy(&code).map_or_else(
                    || {
                        format!(
                            "The last update failed ({code}). Coffer tries again at the next sync."
                        )
                    },
                    str::to_string,
                );
                (LinkHealth::Error, Some(remedy))
            }
        }
    }
}

/// `poll_hosted_link` state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum HostedLinkState {
    /// The user has not finished.
    Pending,
    /// Linked (or repaired, in update mode).
    Success,
    /// The user quit, or Link failed.
    Exited,
}

/// `poll_hosted_link` output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HostedLinkPoll {
    /// State.
    pub state: HostedLinkState,
    /// The link, on success.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub link_id: Option<i64>,
    /// Plaid's exit error, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub error: Option<PlaidErrorInfo>,
}

/// What one sync run ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SyncStatus {
    /// New data applied (or nothing new).
    Updated,
    /// Plaid has not prepared the transactions yet: a normal state, try later.
    NotReady,
    /// The bank needs the user: Reconnect.
    LoginRequired,
    /// Failed; see `error`.
    Failed,
    /// Not attempted: Plaid said the link's token is dead (`BROKEN`), or its keychain entry is
    /// missing. (Archived links are not part of a run.)
    Skipped,
}

/// An error inside a report (serialized like [`AppError`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ErrorView {
    /// Code.
    pub code: ErrorCode,
    /// Message.
    pub message: String,
    /// What to tell a person ([`AppError::remedy`]).
    pub remedy: Option<String>,
    /// Plaid's fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub plaid: Option<PlaidErrorInfo>,
}

impl From<&AppError> for ErrorView {
    fn from(e: &AppError) -> Self {
        ErrorView {
            code: e.code(),
            message: e.to_string(),
            remedy: e.remedy(),
            plaid: e.plaid().cloned(),
        }
    }
}

/// `sync_transactions` output, one per link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    /// Link.
    pub link_id: i64,
    /// Outcome.
    pub status: SyncStatus,
    /// Plaid's `transactions_update_status` of the last page.
    pub update_status: Option<String>,
    /// Transactions added.
    pub added: u64,
    /// Transactions modified.
    pub modified: u64,
    /// Transactions removed.
    pub removed: u64,
    /// Pages fetched in the committed run.
    pub pages: u32,
    /// Restarts after TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION.
    pub restarts: u32,
    /// Error, when `status` is FAILED or LOGIN_REQUIRED.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub error: Option<ErrorView>,
}

impl SyncReport {
    /// A link whose sync failed with `e`: a sign-in problem is `LOGIN_REQUIRED`, anything
    /// else `FAILED`; the error goes with it.
    pub fn failed(link_id: i64, e: &AppError) -> SyncReport {
        SyncReport {
            status: match e {
                AppError::LoginRequired { .. } => SyncStatus::LoginRequired,
                _ => SyncStatus::Failed,
            },
            error: Some(ErrorView::from(e)),
            ..SyncReport::skipped(link_id)
        }
    }

    /// A link not synced (its token is known to be dead or missing).
    pub fn skipped(link_id: i64) -> SyncReport {
        SyncReport {
            link_id,
            status: SyncStatus::Skipped,
            update_status: None,
            added: 0,
            modified: 0,
            removed: 0,
            pages: 0,
            restarts: 0,
            error: None,
        }
    }
}

/// Progress of a sync run, for a bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SyncProgress {
    /// Link.
    pub link_id: i64,
    /// Pages applied so far in this run.
    pub pages: u32,
    /// Rows (added + modified + removed) applied so far in this run.
    pub rows: u64,
    /// Restarts so far.
    pub restarts: u32,
    /// Whether Plaid said there is more.
    pub has_more: bool,
}

/// Told about a sync as it runs. The core decides which links a run covers and what each
/// ended with; a front end only passes it on (the desktop as `sync:started`,
/// `sync:progress` and `sync:finished` events, the CLI as a progress line). Every link in
/// `started` gets exactly one `finished`, also when its sync failed or was skipped.
pub trait SyncObserver: Send + Sync {
    /// The run covers these links; called once, before any of them is synced.
    fn started(&self, _link_ids: &[i64]) {}
    /// A page was applied.
    fn progress(&self, _progress: SyncProgress) {}
    /// A link's sync ended, with what it did or why it failed.
    fn finished(&self, _report: &SyncReport) {}
}

/// A closure observes progress only.
impl<F: Fn(SyncProgress) + Send + Sync> SyncObserver for F {
    fn progress(&self, progress: SyncProgress) {
        self(progress)
    }
}

/// How a sync is observed (a closure over [`SyncProgress`] will do).
pub type ProgressFn = Arc<dyn SyncObserver>;

/// `list_transactions` input (also the export filter).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ListTransactionsInput {
    /// Plaid account ids.
    pub account_ids: Option<Vec<String>>,
    /// Inclusive start.
    #[cfg_attr(feature = "ts", ts(as = "Option<String>"))]
    pub from: Option<NaiveDate>,
    /// Inclusive end.
    #[cfg_attr(feature = "ts", ts(as = "Option<String>"))]
    pub to: Option<NaiveDate>,
    /// Text in name or merchant, or the person's name or note (case-insensitive).
    pub search: Option<String>,
    /// A category group: the person's category, else Plaid's primary (a detailed code
    /// selects its primary).
    pub category: Option<String>,
    /// A tag.
    pub tag: Option<String>,
    /// `true`: transfers only; `false`: no transfers; absent: both.
    pub transfers: Option<bool>,
    /// Page size (1–1000): required by `list_transactions`, ignored in an export filter.
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub limit: u32,
    /// Rows to skip.
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub offset: u64,
}

/// `list_transactions` output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TransactionPage {
    /// Matching rows in all.
    pub total: u64,
    /// This page.
    pub rows: Vec<TransactionView>,
}

/// Export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// Comma-separated values.
    Csv,
    /// OFX 2 (XML).
    Ofx,
    /// A JSON array.
    Json,
}

/// `export_transactions` input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExportInput {
    /// Format.
    pub format: ExportFormat,
    /// Destination file (absolute).
    pub path: std::path::PathBuf,
    /// Which transactions (limit/offset ignored).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub filter: ListTransactionsInput,
}

/// The desktop's `export_transactions` input: no path, the shell asks the person for one in
/// the system's save dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExportRequest {
    /// Format.
    pub format: ExportFormat,
    /// Which transactions (limit/offset ignored).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub filter: ListTransactionsInput,
}

/// The desktop's `export_transactions` output (`null` when the person cancelled the dialog).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ExportedFile {
    /// Rows written.
    pub rows: u64,
    /// Where, as chosen in the dialog.
    pub path: String,
}

/// `export_transactions` output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ExportOutput {
    /// Rows written.
    pub rows: u64,
}

/// Something reconcile found between the keychain and the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ReconcileIssue {
    /// `ORPHAN_KEYCHAIN_ENTRY` (entry without link) or `MISSING_KEYCHAIN_ENTRY` (link without entry).
    pub kind: String,
    /// Plaid item id.
    pub item_id: String,
    /// Link, if any.
    pub link_id: Option<i64>,
    /// What was done.
    pub action: String,
}

/// `get_status` output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StatusView {
    /// Mode in use.
    pub mode: Mode,
    /// Plaid base URL in use.
    pub base_url: String,
    /// The Link script to load for this mode: the offline sandbox's stand-in, or Plaid's CDN.
    pub link_script_url: String,
    /// Data directory.
    pub data_dir: String,
    /// Database file.
    pub database: String,
    /// Schema version.
    pub schema_version: i64,
    /// Number of links (archived included).
    pub links: u32,
    /// Links that need the user (LOGIN_REQUIRED, KEYCHAIN_MISSING, BROKEN).
    pub needs_attention: Vec<i64>,
    /// The same links with what to do about each.
    pub attention: Vec<AttentionView>,
    /// Issues found by reconcile at open.
    pub reconcile: Vec<ReconcileIssue>,
    /// Notes about the configuration (e.g. a client id without a secret).
    pub notes: Vec<String>,
    /// Recent events.
    pub recent_events: Vec<Event>,
}

/// `test_connection` input: every field optional, an absent one means the saved value
/// (settings, keychain; environment variables win as in `get_settings`). Never serialized.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct TestConnectionInput {
    /// Plaid client id to try.
    pub client_id: Option<String>,
    /// Plaid secret to try (not saved).
    pub secret: Option<String>,
    /// `sandbox` or `production`.
    pub environment: Option<Mode>,
}

impl std::fmt::Debug for TestConnectionInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestConnectionInput")
            .field("client_id", &self.client_id)
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .field("environment", &self.environment)
            .finish()
    }
}

/// `test_connection` output: Plaid accepted the keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TestConnectionView {
    /// The environment tried.
    pub environment: Mode,
    /// The base URL called.
    pub base_url: String,
    /// Plaid's request id of the answer, when it sent one.
    pub request_id: Option<String>,
}

/// `list_events` input: a page of the support log, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ListEventsInput {
    /// Only this link's events (removed links' events included).
    pub link_id: Option<i64>,
    /// Only events with an id below this one (the last id of the previous page).
    pub before_id: Option<i64>,
    /// Page size (1–1000).
    pub limit: u32,
}

/// `list_balance_history` and `list_spending_by_category` input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct HistoryInput {
    /// Plaid account ids; absent = every account (of live and archived links).
    pub account_ids: Option<Vec<String>>,
    /// Inclusive start (a balance snapshot's UTC day; a transaction's date).
    #[cfg_attr(feature = "ts", ts(as = "Option<String>"))]
    pub from: Option<NaiveDate>,
    /// Inclusive end.
    #[cfg_attr(feature = "ts", ts(as = "Option<String>"))]
    pub to: Option<NaiveDate>,
}

/// One transaction for `sandbox_add_transactions` (Plaid's `/sandbox/transactions/create`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewSandboxTransaction {
    /// When it happened.
    #[cfg_attr(feature = "ts", ts(as = "String"))]
    pub date_transacted: NaiveDate,
    /// When it posted.
    #[cfg_attr(feature = "ts", ts(as = "String"))]
    pub date_posted: NaiveDate,
    /// Decimal text, Plaid's sign (positive = money out).
    pub amount: String,
    /// Description (becomes the transaction's name).
    pub description: String,
    /// ISO currency (Plaid's default: USD).
    #[serde(default)]
    pub iso_currency_code: Option<String>,
}

/// `sandbox_inject_fault` input: what the embedded offline sandbox should do to a Plaid path
/// (coffer-sandbox's fault spec, camelCase).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SandboxFaultInput {
    /// Exact API path (`/transactions/sync`), or `*` for every Plaid path.
    pub path: String,
    /// Plaid error code to answer with.
    #[serde(default)]
    pub error_code: Option<String>,
    /// HTTP status (needed for codes Plaid's table does not know).
    #[serde(default)]
    pub status: Option<u16>,
    /// Let this many matching requests through first.
    #[serde(default)]
    pub after: Option<u64>,
    /// Fail this many times, then stop (absent = until cleared).
    #[serde(default)]
    pub times: Option<u64>,
    /// Wait this long before answering.
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Close the connection without an answer.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub drop_connection: bool,
}

/// `sandbox_reset_login` input: `{ linkId }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LinkIdInput {
    /// The link.
    pub link_id: i64,
}

/// `refresh_balances` and `sync_transactions` input: `{ linkId? }` (absent = every live link).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct OptionalLinkInput {
    /// Only this link.
    pub link_id: Option<i64>,
}

/// `finish_update` input.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FinishUpdateInput {
    /// The link repaired or extended in update mode.
    pub link_id: i64,
    /// `metadata.accounts[].id` after update mode with account selection.
    #[serde(default)]
    pub account_ids: Option<Vec<String>>,
}

/// `poll_hosted_link` input.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PollHostedLinkInput {
    /// The link token whose Hosted Link session to check.
    pub link_token: String,
}

/// `open_hosted_link` input.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpenUrlInput {
    /// The Hosted Link URL (the shell checks scheme and host).
    pub url: String,
}

/// `rename_link` input.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RenameInput {
    /// The link.
    pub link_id: i64,
    /// Its new display name.
    pub name: String,
}

/// `remove_link` input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RemoveInput {
    /// The link.
    pub link_id: i64,
    /// Keep its accounts and transactions (the link is archived).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub keep_data: bool,
}

/// `sandbox_quick_link` input (credentials default to `user_good` / `pass_good`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QuickLinkInput {
    /// Sandbox institution (`ins_109508`).
    pub institution_id: String,
    /// Sandbox username.
    #[serde(default)]
    pub username: Option<String>,
    /// Sandbox password.
    #[serde(default)]
    pub password: Option<String>,
}

/// `sandbox_fire_webhook` input.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FireWebhookInput {
    /// The link.
    pub link_id: i64,
    /// Plaid's webhook code (`SYNC_UPDATES_AVAILABLE`, ...).
    pub webhook_code: String,
}

/// `sandbox_add_transactions` input.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddTransactionsInput {
    /// The link.
    pub link_id: i64,
    /// Up to 10 transactions.
    pub transactions: Vec<NewSandboxTransaction>,
}
