//! Dialect 1: `/api/v1/banking/...`, snake_case throughout. Each handler is one call into
//! coffer-core; the types here only rename the core's views for this dialect.
//!
//! * here: links, accounts, transactions (listed) and sync;
//! * [`edits`]: one transaction, the person's edits, splits and transfers;
//! * [`categories`]: categories and tags;
//! * [`rules`]: rules and applying them; [`rules_file`]: their export and import.

pub mod categories;
pub mod edits;
pub mod rules;
pub mod rules_file;

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use coffer_core::{
    AccountView, CreateLinkTokenInput, ExchangeInput, LinkView, ListTransactionsInput, SyncReport,
    TransactionView,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, ErrorBody};
use super::guard::JsonBody;
use super::{ApiState, wire};

/// `POST link-token` body (optional).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LinkTokenRequest {
    /// Hand back an unexpired, unused token made for the same purpose instead of a new one.
    pub use_cache: bool,
}

/// A link token for Plaid Link.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkTokenResponse {
    /// Pass to `Plaid.create({ token })`.
    pub link_token: String,
    /// When it stops working (RFC 3339).
    pub expiration: String,
}

/// `POST exchange` body: what Link's `onSuccess` gave.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ExchangeRequest {
    /// `public_token` from `onSuccess`.
    pub public_token: String,
    /// `metadata.institution.institution_id`.
    pub institution_id: String,
    /// `metadata.institution.name`.
    pub institution_name: String,
    /// `metadata.accounts[].id` (at least one).
    pub account_ids: Vec<String>,
}

/// The link made (or, for a public token exchanged before, the one it made then).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExchangeResponse {
    /// Local id of the link.
    pub link_id: i64,
}

/// The latest stored balance of an account (exact decimals as strings).
#[derive(Debug, Serialize, ToSchema)]
pub struct Balance {
    /// Available.
    pub available: Option<String>,
    /// Current.
    pub current: Option<String>,
    /// Credit limit.
    pub limit: Option<String>,
    /// ISO currency.
    pub iso_currency_code: Option<String>,
    /// Unofficial currency.
    pub unofficial_currency_code: Option<String>,
    /// When it was fetched (RFC 3339).
    pub fetched_at: String,
}

/// An account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Account {
    /// Plaid account id.
    pub account_id: String,
    /// Local id of its link.
    pub link_id: i64,
    /// Name.
    pub name: String,
    /// Official name.
    pub official_name: Option<String>,
    /// Last digits.
    pub mask: Option<String>,
    /// `depository`, `credit`, `loan`, `investment`, ...
    #[serde(rename = "type")]
    pub account_type: String,
    /// Subtype.
    pub subtype: Option<String>,
    /// Latest balance.
    pub balance: Option<Balance>,
}

/// A link's last error.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkError {
    /// Plaid's error code or Coffer's.
    pub code: String,
    /// Plaid request id.
    pub request_id: Option<String>,
    /// When (RFC 3339).
    pub at: Option<String>,
}

/// A linked institution (a Plaid Item) with its accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct Link {
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
    /// `ACTIVE`, `LOGIN_REQUIRED`, `KEYCHAIN_MISSING`, `BROKEN`, `ARCHIVED`.
    pub status: String,
    /// `HEALTHY`, `NEEDS_RECONNECT`, `BROKEN`, `ERROR`, `ARCHIVED`.
    pub health: String,
    /// What to do about it, when not healthy.
    pub remedy: Option<String>,
    /// Plaid products.
    pub products: Vec<String>,
    /// Accounts.
    pub accounts: Vec<Account>,
    /// Last successful sync (RFC 3339).
    pub last_sync_at: Option<String>,
    /// Plaid's last `transactions_update_status`.
    pub last_sync_status: Option<String>,
    /// Last error.
    pub last_error: Option<LinkError>,
    /// When the person's consent to share this Item's data ends (RFC 3339), if the bank sets
    /// one.
    pub consent_expires_at: Option<String>,
    /// Set when that consent ends within 7 days: reconnect (update mode) before this day.
    #[schema(format = Date)]
    pub reconnect_before: Option<String>,
    /// Created (RFC 3339).
    pub created_at: String,
}

/// `GET links`.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinksResponse {
    /// Every link, archived ones included.
    pub links: Vec<Link>,
}

/// `GET accounts`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountsResponse {
    /// Every account of every link.
    pub accounts: Vec<Account>,
}

/// `GET transactions` query: coffer-core's filters and paging.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TransactionsQuery {
    /// Plaid account ids, comma-separated.
    pub account_ids: Option<String>,
    /// From this date (YYYY-MM-DD, inclusive).
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// To this date (YYYY-MM-DD, inclusive).
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
    /// Text in the name or merchant, or the person's name or note for it (case-insensitive,
    /// three characters or more).
    pub search: Option<String>,
    /// A category group: the person's category, else Plaid's primary (a detailed code selects
    /// its primary).
    pub category: Option<String>,
    /// A tag.
    pub tag: Option<String>,
    /// Transfers between the person's accounts: `only` them, or `hide` them (default: both).
    pub transfers: Option<TransfersFilter>,
    /// Page size, 1 to 1000 (default 100).
    pub limit: Option<u32>,
    /// Rows to skip (default 0).
    pub offset: Option<u64>,
}

/// `GET transactions?transfers=`.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TransfersFilter {
    /// Transfers only.
    Only,
    /// No transfers.
    Hide,
}

/// A transaction: Plaid's values as Plaid sent them, and the person's words in `personal`.
/// `amount` is Plaid's sign: positive is money out.
#[derive(Debug, Serialize, ToSchema)]
pub struct Transaction {
    /// Plaid transaction id.
    pub transaction_id: String,
    /// Plaid account id.
    pub account_id: String,
    /// Local id of its link.
    pub link_id: i64,
    /// Posted date (or the date it happened, when pending).
    #[schema(format = Date)]
    pub date: String,
    /// Authorized date.
    #[schema(format = Date)]
    pub authorized_date: Option<String>,
    /// Exact decimal, positive = money out.
    pub amount: String,
    /// ISO currency.
    pub iso_currency_code: Option<String>,
    /// Unofficial currency.
    pub unofficial_currency_code: Option<String>,
    /// Description.
    pub name: String,
    /// Merchant.
    pub merchant_name: Option<String>,
    /// Pending.
    pub pending: bool,
    /// Plaid's category (personal finance category, primary).
    pub category: Option<String>,
    /// Plaid's detailed personal finance category.
    pub category_detailed: Option<String>,
    /// `online`, `in store`, `other`.
    pub payment_channel: Option<String>,
    /// What the person set (category, name, note, tags, exclusion, split, transfer); `null`
    /// when nothing.
    pub personal: Option<edits::Personal>,
}

/// `GET transactions`: newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransactionsResponse {
    /// Matching rows in all.
    pub total: u64,
    /// This page.
    pub transactions: Vec<Transaction>,
}

/// `POST sync` body (optional).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SyncRequest {
    /// Only this link (default: every link not archived; broken ones are reported skipped).
    pub link_id: Option<i64>,
}

/// A failure inside a sync report.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncError {
    /// coffer-core's `ErrorCode`.
    pub code: String,
    /// For people.
    pub error: String,
}

/// How one link's sync went.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncReportDto {
    /// Link.
    pub link_id: i64,
    /// `UPDATED`, `NOT_READY`, `LOGIN_REQUIRED`, `FAILED`, `SKIPPED`.
    pub status: String,
    /// Plaid's `transactions_update_status`.
    pub update_status: Option<String>,
    /// Rows added.
    pub added: u64,
    /// Rows modified.
    pub modified: u64,
    /// Rows removed.
    pub removed: u64,
    /// Pages fetched.
    pub pages: u32,
    /// Restarts after Plaid's data changed mid-pagination.
    pub restarts: u32,
    /// Why it failed.
    pub error: Option<SyncError>,
}

/// `POST sync`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncResponse {
    /// One report per link synced.
    pub reports: Vec<SyncReportDto>,
}

/// `DELETE links/{id}` query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RemoveQuery {
    /// Keep the accounts and transactions as an archived link.
    pub keep_data: bool,
}

fn account(link_id: i64, a: AccountView) -> Account {
    Account {
        account_id: a.account_id,
        link_id,
        name: a.name,
        official_name: a.official_name,
        mask: a.mask,
        account_type: a.account_type,
        subtype: a.subtype,
        balance: a.balance.map(|b| Balance {
            available: b.available.map(|d| d.to_string()),
            current: b.current.map(|d| d.to_string()),
            limit: b.limit.map(|d| d.to_string()),
            iso_currency_code: b.iso_currency_code,
            unofficial_currency_code: b.unofficial_currency_code,
            fetched_at: b.fetched_at,
        }),
    }
}

fn link(l: LinkView) -> Link {
    let id = l.id;
    Link {
        id,
        name: l.name,
        item_id: l.item_id,
        institution_id: l.institution_id,
        institution_name: l.institution_name,
        status: wire(&l.status),
        health: wire(&l.health),
        remedy: l.remedy,
        products: l.products,
        accounts: l.accounts.into_iter().map(|a| account(id, a)).collect(),
        last_sync_at: l.last_sync_at,
        last_sync_status: l.last_sync_status,
        last_error: l.last_error.map(|e| LinkError {
            code: e.code,
            request_id: e.request_id,
            at: e.at,
        }),
        consent_expires_at: l.consent_expires_at,
        reconnect_before: l.reconnect_before,
        created_at: l.created_at,
    }
}

pub(crate) fn transaction(t: TransactionView) -> Transaction {
    Transaction {
        transaction_id: t.transaction_id,
        account_id: t.account_id,
        link_id: t.link_id,
        date: t.date.to_string(),
        authorized_date: t.authorized_date.map(|d| d.to_string()),
        amount: t.amount.to_string(),
        iso_currency_code: t.iso_currency_code,
        unofficial_currency_code: t.unofficial_currency_code,
        name: t.name,
        merchant_name: t.merchant_name,
        pending: t.pending,
        category: t.category,
        category_detailed: t.category_detailed,
        payment_channel: t.payment_channel,
        personal: t.personal.map(|p| edits::personal(*p)),
    }
}

fn report(r: SyncReport) -> SyncReportDto {
    SyncReportDto {
        link_id: r.link_id,
        status: wire(&r.status),
        update_status: r.update_status,
        added: r.added,
        modified: r.modified,
        removed: r.removed,
        pages: r.pages,
        restarts: r.restarts,
        error: r.error.map(|e| SyncError {
            code: wire(&e.code),
            error: e.message,
        }),
    }
}

/// A query string or path the core never sees: 400 in this dialect's form.
pub(crate) fn bad_request(message: String) -> ApiError {
    ApiError::http(StatusCode::BAD_REQUEST, "INVALID_INPUT", message)
}

/// Create a link token for Plaid Link.
#[utoipa::path(
    post, path = "/api/v1/banking/link-token", tag = "banking",
    request_body(content = Option<LinkTokenRequest>, description = "Optional; an empty body is `{}`"),
    responses(
        (status = 200, description = "A link token", body = LinkTokenResponse),
        (status = "4XX", description = "Refused (input, token, Host, link limit)", body = ErrorBody),
        (status = "5XX", description = "Plaid, the keychain or the database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn link_token(
    State(state): State<ApiState>,
    JsonBody(body): JsonBody<LinkTokenRequest>,
) -> Result<Json<LinkTokenResponse>, ApiError> {
    let token = state
        .coffer
        .create_link_token(CreateLinkTokenInput {
            use_cache: body.use_cache,
            ..CreateLinkTokenInput::default()
        })
        .await?;
    Ok(Json(LinkTokenResponse {
        link_token: token.link_token,
        expiration: token.expiration,
    }))
}

/// Exchange Link's public token: the link is stored, its access token goes to the keychain.
#[utoipa::path(
    post, path = "/api/v1/banking/exchange", tag = "banking",
    request_body = ExchangeRequest,
    responses(
        (status = 200, description = "The link", body = ExchangeResponse),
        (status = "4XX", description = "Refused (input, token, Host, link limit)", body = ErrorBody),
        (status = "5XX", description = "Plaid, the keychain or the database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn exchange(
    State(state): State<ApiState>,
    JsonBody(body): JsonBody<ExchangeRequest>,
) -> Result<Json<ExchangeResponse>, ApiError> {
    let out = state
        .coffer
        .exchange_public_token(ExchangeInput {
            public_token: body.public_token,
            institution_id: body.institution_id,
            institution_name: body.institution_name,
            account_ids: body.account_ids,
        })
        .await?;
    Ok(Json(ExchangeResponse {
        link_id: out.link_id,
    }))
}

/// Every link with its accounts and balances.
#[utoipa::path(
    get, path = "/api/v1/banking/links", tag = "banking",
    responses(
        (status = 200, description = "The links", body = LinksResponse),
        (status = "4XX", description = "Refused (token, Host)", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn links(State(state): State<ApiState>) -> Result<Json<LinksResponse>, ApiError> {
    let links = state.coffer.list_links().await?;
    Ok(Json(LinksResponse {
        links: links.into_iter().map(link).collect(),
    }))
}

/// Every account of every link, with its latest balance.
#[utoipa::path(
    get, path = "/api/v1/banking/accounts", tag = "banking",
    responses(
        (status = 200, description = "The accounts", body = AccountsResponse),
        (status = "4XX", description = "Refused (token, Host)", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn accounts(State(state): State<ApiState>) -> Result<Json<AccountsResponse>, ApiError> {
    let links = state.coffer.list_links().await?;
    Ok(Json(AccountsResponse {
        accounts: links
            .into_iter()
            .flat_map(|l| {
                let id = l.id;
                l.accounts.into_iter().map(move |a| account(id, a))
            })
            .collect(),
    }))
}

/// Stored transactions, newest first, filtered and paged.
#[utoipa::path(
    get, path = "/api/v1/banking/transactions", tag = "banking",
    params(TransactionsQuery),
    responses(
        (status = 200, description = "A page of transactions", body = TransactionsResponse),
        (status = "4XX", description = "Refused (filters, token, Host)", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn transactions(
    State(state): State<ApiState>,
    query: Result<Query<TransactionsQuery>, QueryRejection>,
) -> Result<Json<TransactionsResponse>, ApiError> {
    let Query(q) = query.map_err(|e| bad_request(e.body_text()))?;
    let account_ids = q.account_ids.map(|ids| {
        ids.split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_string)
            .collect()
    });
    let page = state
        .coffer
        .list_transactions(ListTransactionsInput {
            account_ids,
            from: q.from,
            to: q.to,
            search: q.search,
            category: q.category,
            tag: q.tag,
            transfers: q.transfers.map(|t| matches!(t, TransfersFilter::Only)),
            limit: q.limit.unwrap_or(100),
            offset: q.offset.unwrap_or(0),
        })
        .await?;
    Ok(Json(TransactionsResponse {
        total: page.total,
        transactions: page.rows.into_iter().map(transaction).collect(),
    }))
}

/// Download new, changed and removed transactions from Plaid (one sync at a time).
#[utoipa::path(
    post, path = "/api/v1/banking/sync", tag = "banking",
    request_body(content = Option<SyncRequest>, description = "Optional; an empty body syncs every link"),
    responses(
        (status = 200, description = "One report per link (a failed link is reported, not an error)", body = SyncResponse),
        (status = 409, description = "A sync started through this API is still running", body = ErrorBody),
        (status = "4XX", description = "Refused (input, token, Host, unknown link)", body = ErrorBody),
        (status = "5XX", description = "Plaid, the keychain or the database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn sync(
    State(state): State<ApiState>,
    JsonBody(body): JsonBody<SyncRequest>,
) -> Result<Json<SyncResponse>, ApiError> {
    let Ok(_running) = state.sync_running.try_lock() else {
        return Err(ApiError::http(
            StatusCode::CONFLICT,
            "SYNC_RUNNING",
            "a sync is already running; try again when it has finished",
        ));
    };
    let reports = state.coffer.sync_transactions(body.link_id, None).await?;
    Ok(Json(SyncResponse {
        reports: reports.into_iter().map(report).collect(),
    }))
}

/// Remove a link at Plaid, then its keychain entry, then its rows (or keep them, archived).
#[utoipa::path(
    delete, path = "/api/v1/banking/links/{id}", tag = "banking",
    params(("id" = i64, Path, description = "Local link id"), RemoveQuery),
    responses(
        (status = 204, description = "Removed"),
        (status = "4XX", description = "Refused (unknown link, token, Host)", body = ErrorBody),
        (status = "5XX", description = "Plaid, the keychain or the database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn remove_link(
    State(state): State<ApiState>,
    id: Result<Path<i64>, PathRejection>,
    query: Result<Query<RemoveQuery>, QueryRejection>,
) -> Result<StatusCode, ApiError> {
    let Path(id) = id.map_err(|e| bad_request(e.body_text()))?;
    let Query(q) = query.map_err(|e| bad_request(e.body_text()))?;
    state.coffer.remove_link(id, q.keep_data).await?;
    Ok(StatusCode::NO_CONTENT)
}
