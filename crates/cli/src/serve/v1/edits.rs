//! One transaction and the person's words on it: its category, name, note, tags and exclusion
//! (`PATCH`, or one change on many rows), its split, and transfers between the person's
//! accounts. Plaid's values are never changed; the person's sit in `personal`.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use coffer_core::{
    Direction, EditTransactionsInput, PairTransferInput, SplitInput, SplitPartInput,
    TransactionIdInput,
};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use super::{Transaction, bad_request, transaction};
use crate::serve::ApiState;
use crate::serve::error::{ApiError, ErrorBody};
use crate::serve::guard::JsonBody;

/// What the person set on a transaction.
#[derive(Debug, Serialize, ToSchema)]
pub struct Personal {
    /// Their category: one of Plaid's codes or a category of theirs (Plaid's stays in the
    /// transaction's `category`).
    pub category: Option<String>,
    /// The rule that set the category (`null`: set by hand, or not set).
    pub category_rule: Option<i64>,
    /// Their name for it.
    pub name: Option<String>,
    /// The rule that set the name.
    pub name_rule: Option<i64>,
    /// Their note.
    pub note: Option<String>,
    /// Left out of spending and income.
    pub excluded: bool,
    /// The rule that set the exclusion.
    pub excluded_rule: Option<i64>,
    /// Tags.
    pub tags: Vec<TagOnTransaction>,
    /// The parts it is split into (empty: not split); they add up to the amount.
    pub split: Vec<SplitPart>,
    /// The transfer it is one side of.
    pub transfer: Option<TransferSide>,
}

/// A tag on a transaction.
#[derive(Debug, Serialize, ToSchema)]
pub struct TagOnTransaction {
    /// The tag.
    pub tag: String,
    /// The rule that added it (`null`: by hand).
    pub rule: Option<i64>,
}

/// One part of a split.
#[derive(Debug, Serialize, ToSchema)]
pub struct SplitPart {
    /// Exact decimal, the transaction's sign (positive = money out).
    pub amount: String,
    /// Category (`null`: the transaction's).
    pub category: Option<String>,
    /// Note.
    pub note: Option<String>,
}

/// The other side of a transfer.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransferSide {
    /// `out`: this row left its account; `in`: it arrived.
    pub direction: String,
    /// The other row's Plaid transaction id.
    pub other_transaction_id: String,
    /// The other row's Plaid account id.
    pub other_account_id: String,
    /// Paired by the person (`false`: found by Coffer after a sync).
    pub by_hand: bool,
}

pub(crate) fn personal(p: coffer_core::Personal) -> Personal {
    Personal {
        category: p.category,
        category_rule: p.category_rule,
        name: p.name,
        name_rule: p.name_rule,
        note: p.note,
        excluded: p.excluded,
        excluded_rule: p.excluded_rule,
        tags: p
            .tags
            .into_iter()
            .map(|t| TagOnTransaction {
                tag: t.tag,
                rule: t.rule,
            })
            .collect(),
        split: p
            .split
            .into_iter()
            .map(|s| SplitPart {
                amount: s.amount.to_string(),
                category: s.category,
                note: s.note,
            })
            .collect(),
        transfer: p.transfer.map(|t| TransferSide {
            direction: match t.direction {
                Direction::Out => "out".into(),
                Direction::In => "in".into(),
            },
            other_transaction_id: t.other_transaction_id,
            other_account_id: t.other_account_id,
            by_hand: t.by_hand,
        }),
    }
}

/// A field sent, even as `null` (`Some(None)`); an absent one stays `None` (`#[serde(default)]`).
fn sent<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A change to transactions. Each field: absent = unchanged; `null` = back to Plaid's (the
/// rules may then set it); a value = set by hand (no rule overwrites it).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransactionChanges {
    /// The category: one of Plaid's codes (`GET categories`) or a category of the person's.
    #[serde(default, deserialize_with = "sent")]
    #[schema(value_type = Option<String>)]
    pub category: Option<Option<String>>,
    /// The name to show (1–100 characters).
    #[serde(default, deserialize_with = "sent")]
    #[schema(value_type = Option<String>)]
    pub name: Option<Option<String>>,
    /// A note (up to 1000 characters).
    #[serde(default, deserialize_with = "sent")]
    #[schema(value_type = Option<String>)]
    pub note: Option<Option<String>>,
    /// `true`: left out of spending and income; `false`: kept in, whatever the rules say.
    #[serde(default, deserialize_with = "sent")]
    #[schema(value_type = Option<bool>)]
    pub exclude: Option<Option<bool>>,
    /// Tags to add (1–40 characters each).
    #[serde(default)]
    pub add_tags: Vec<String>,
    /// Tags to remove.
    #[serde(default)]
    pub remove_tags: Vec<String>,
}

impl TransactionChanges {
    fn on(self, transaction_ids: Vec<String>) -> EditTransactionsInput {
        EditTransactionsInput {
            transaction_ids,
            category: self.category,
            name: self.name,
            note: self.note,
            exclude: self.exclude,
            add_tags: self.add_tags,
            remove_tags: self.remove_tags,
        }
    }
}

/// `POST transactions/edit`: one change on many transactions.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkEditRequest {
    /// Plaid transaction ids (1–1000); every one must exist, or nothing changes.
    #[schema(min_items = 1, max_items = 1000)]
    pub transaction_ids: Vec<String>,
    /// The change.
    pub changes: TransactionChanges,
}

/// Transactions as they are after a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangedTransactions {
    /// The rows, in the order asked (a transfer: money out first).
    pub transactions: Vec<Transaction>,
}

/// `PUT transactions/{id}/split`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitRequest {
    /// 2–20 parts that add up exactly to the transaction's amount.
    #[schema(min_items = 2, max_items = 20)]
    pub parts: Vec<SplitPartRequest>,
}

/// One part of a split, as sent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitPartRequest {
    /// Exact decimal, the transaction's sign (positive = money out), not zero.
    pub amount: String,
    /// Category (absent: the transaction's).
    #[serde(default)]
    pub category: Option<String>,
    /// Note.
    #[serde(default)]
    pub note: Option<String>,
}

/// `POST transfers`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PairRequest {
    /// The two rows, either order: money out of one account and the same amount, in the same
    /// currency, into another; neither paired already.
    #[schema(min_items = 2, max_items = 2)]
    pub transaction_ids: Vec<String>,
}

pub(super) fn path_text(p: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    p.map(|Path(id)| id).map_err(|e| bad_request(e.body_text()))
}

/// One transaction: Plaid's values and the person's.
#[utoipa::path(
    get, path = "/api/v1/banking/transactions/{id}", tag = "banking",
    params(("id" = String, Path, description = "Plaid transaction id")),
    responses(
        (status = 200, description = "The transaction", body = Transaction),
        (status = "4XX", description = "Refused (unknown transaction, token, Host)", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_transaction(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<Transaction>, ApiError> {
    let transaction_id = path_text(id)?;
    let row = state
        .coffer
        .get_transaction(TransactionIdInput { transaction_id })
        .await?;
    Ok(Json(transaction(row)))
}

/// Change one transaction's category, name, note, tags or exclusion.
#[utoipa::path(
    patch, path = "/api/v1/banking/transactions/{id}", tag = "banking",
    params(("id" = String, Path, description = "Plaid transaction id")),
    request_body = TransactionChanges,
    responses(
        (status = 200, description = "The transaction after the change", body = Transaction),
        (status = "4XX", description = "Refused (nothing to change, unknown transaction or category, input, token, Host); nothing changed", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn edit_transaction(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
    JsonBody(changes): JsonBody<TransactionChanges>,
) -> Result<Json<Transaction>, ApiError> {
    let id = path_text(id)?;
    let rows = state.coffer.edit_transactions(changes.on(vec![id])).await?;
    let row = rows
        .into_iter()
        .next()
        .ok_or_else(|| coffer_core::AppError::Storage("the edited row is missing".into()))?;
    Ok(Json(transaction(row)))
}

/// The same change on many transactions at once (all or nothing).
#[utoipa::path(
    post, path = "/api/v1/banking/transactions/edit", tag = "banking",
    request_body = BulkEditRequest,
    responses(
        (status = 200, description = "The transactions after the change", body = ChangedTransactions),
        (status = "4XX", description = "Refused (an unknown transaction or category, input, token, Host); nothing changed", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn edit_transactions(
    State(state): State<ApiState>,
    JsonBody(body): JsonBody<BulkEditRequest>,
) -> Result<Json<ChangedTransactions>, ApiError> {
    let rows = state
        .coffer
        .edit_transactions(body.changes.on(body.transaction_ids))
        .await?;
    Ok(Json(ChangedTransactions {
        transactions: rows.into_iter().map(transaction).collect(),
    }))
}

/// Split a transaction into parts (each with its category and note), replacing any split.
#[utoipa::path(
    put, path = "/api/v1/banking/transactions/{id}/split", tag = "banking",
    params(("id" = String, Path, description = "Plaid transaction id")),
    request_body = SplitRequest,
    responses(
        (status = 200, description = "The transaction with its parts", body = Transaction),
        (status = "4XX", description = "Refused (parts that do not add up to the amount, 1 or more than 20 parts, an unknown transaction or category, token, Host); nothing changed", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn split_transaction(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
    JsonBody(body): JsonBody<SplitRequest>,
) -> Result<Json<Transaction>, ApiError> {
    let transaction_id = path_text(id)?;
    if body.parts.is_empty() {
        return Err(bad_request(
            "a split has 2 to 20 parts (DELETE the split to make the transaction whole again)"
                .into(),
        ));
    }
    let row = state
        .coffer
        .split_transaction(SplitInput {
            transaction_id,
            parts: body
                .parts
                .into_iter()
                .map(|p| SplitPartInput {
                    amount: p.amount,
                    category: p.category,
                    note: p.note,
                })
                .collect(),
        })
        .await?;
    Ok(Json(transaction(row)))
}

/// Make a split transaction whole again.
#[utoipa::path(
    delete, path = "/api/v1/banking/transactions/{id}/split", tag = "banking",
    params(("id" = String, Path, description = "Plaid transaction id")),
    responses(
        (status = 200, description = "The transaction, whole", body = Transaction),
        (status = "4XX", description = "Refused (unknown transaction, token, Host)", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn unsplit_transaction(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<Transaction>, ApiError> {
    let transaction_id = path_text(id)?;
    let row = state
        .coffer
        .split_transaction(SplitInput {
            transaction_id,
            parts: Vec::new(),
        })
        .await?;
    Ok(Json(transaction(row)))
}

/// Pair two transactions as one transfer between the person's accounts (neither spending nor
/// income).
#[utoipa::path(
    post, path = "/api/v1/banking/transfers", tag = "banking",
    request_body = PairRequest,
    responses(
        (status = 200, description = "Both sides, money out first", body = ChangedTransactions),
        (status = "4XX", description = "Refused (not two rows, the same account, amounts or currencies that differ, one paired already, token, Host); nothing changed", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn pair_transfer(
    State(state): State<ApiState>,
    JsonBody(body): JsonBody<PairRequest>,
) -> Result<Json<ChangedTransactions>, ApiError> {
    let Ok(transaction_ids) = <[String; 2]>::try_from(body.transaction_ids) else {
        return Err(bad_request(
            "a transfer pairs exactly two transactions".into(),
        ));
    };
    let rows = state
        .coffer
        .pair_transfer(PairTransferInput { transaction_ids })
        .await?;
    Ok(Json(ChangedTransactions {
        transactions: rows.into_iter().map(transaction).collect(),
    }))
}

/// Undo the transfer a transaction is part of: both rows count as spending and income again,
/// and Coffer never pairs them automatically again.
#[utoipa::path(
    delete, path = "/api/v1/banking/transfers/{id}", tag = "banking",
    params(("id" = String, Path, description = "Either side's Plaid transaction id")),
    responses(
        (status = 200, description = "Both sides, unpaired", body = ChangedTransactions),
        (status = "4XX", description = "Refused (not part of a transfer, token, Host)", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn unpair_transfer(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<ChangedTransactions>, ApiError> {
    let transaction_id = path_text(id)?;
    let rows = state
        .coffer
        .unpair_transfer(TransactionIdInput { transaction_id })
        .await?;
    Ok(Json(ChangedTransactions {
        transactions: rows.into_iter().map(transaction).collect(),
    }))
}
