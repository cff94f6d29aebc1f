//! The rules file over HTTP: `GET rules/export` answers it and `POST rules/import` takes it,
//! exactly as `coffer-cli rules export` and the desktop app write it (so one file goes
//! anywhere). Being a file format, it keeps its own spelling (camelCase, version 1) rather
//! than this dialect's snake_case; the types here describe it for the OpenAPI document.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use coffer_core::{ImportRulesInput, RulesDocument};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::bad_request;
use super::rules::{RulesResponse, rules};
use crate::serve::ApiState;
use crate::serve::error::{ApiError, ErrorBody};
use crate::serve::guard::JsonBody;

/// A rules file (version 1).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RulesFile {
    /// Format version: 1.
    pub coffer_rules: u32,
    /// The person's categories the rules use (made on import when missing).
    #[serde(default)]
    pub categories: Vec<String>,
    /// The rules, in order (ids are not kept).
    pub rules: Vec<RulesFileEntry>,
}

/// One rule in a rules file.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RulesFileEntry {
    /// Name.
    pub name: String,
    /// Runs on sync and apply (default `true`).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// All must hold.
    pub conditions: Vec<FileCondition>,
    /// What it does.
    pub actions: Vec<FileAction>,
}

fn yes() -> bool {
    true
}

/// How text is compared, as the file spells it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum FileTextOp {
    /// Anywhere in the text.
    Contains,
    /// At its start.
    StartsWith,
    /// The whole text.
    Exact,
}

/// A condition, as the file spells it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(tag = "field", rename_all = "camelCase", deny_unknown_fields)]
pub enum FileCondition {
    /// Plaid's merchant name.
    Merchant {
        /// How.
        op: FileTextOp,
        /// What.
        value: String,
    },
    /// Plaid's description.
    Description {
        /// How.
        op: FileTextOp,
        /// What.
        value: String,
    },
    /// The amount's size.
    Amount {
        /// At least (exact decimal).
        #[serde(default)]
        min: Option<String>,
        /// At most.
        #[serde(default)]
        max: Option<String>,
    },
    /// Money out or in.
    Direction {
        /// `out` or `in`.
        direction: super::rules::MoneyDirection,
    },
    /// One account.
    Account {
        /// Plaid account id.
        #[serde(rename = "accountId")]
        account_id: String,
    },
    /// Plaid's category.
    PlaidCategory {
        /// A Plaid code.
        category: String,
    },
}

/// An action, as the file spells it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "camelCase", deny_unknown_fields)]
pub enum FileAction {
    /// Sets the category.
    SetCategory {
        /// A Plaid code or a person's category.
        category: String,
    },
    /// Shows another name.
    Rename {
        /// The name.
        name: String,
    },
    /// Adds a tag.
    AddTag {
        /// The tag.
        tag: String,
    },
    /// Leaves the row out of spending and income.
    Exclude,
}

/// `POST rules/import` query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Replace every rule (`true`) instead of adding the file's after them.
    pub replace: bool,
}

/// The same document in the other type (the two spell it alike).
fn convert<A: Serialize, B: serde::de::DeserializeOwned>(a: &A) -> Result<B, String> {
    serde_json::to_value(a)
        .and_then(serde_json::from_value)
        .map_err(|e| e.to_string())
}

/// The rules file: every rule in order, with the person's categories they use.
#[utoipa::path(
    get, path = "/api/v1/banking/rules/export", tag = "banking",
    responses(
        (status = 200, description = "The rules file (camelCase, as `coffer-cli rules export` writes it)", body = RulesFile),
        (status = "4XX", description = "Refused (token, Host)", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn export_rules(State(state): State<ApiState>) -> Result<Json<RulesFile>, ApiError> {
    let doc = state.coffer.export_rules().await?;
    let file = convert(&doc).map_err(|e| {
        coffer_core::AppError::Storage(format!("the rules file could not be written: {e}"))
    })?;
    Ok(Json(file))
}

/// Read a rules file (as `rules/export` answers it) and add its rules after the person's (or
/// replace them), making the categories it names. Every rule is checked first: one bad rule
/// refuses the whole file. Stored transactions change only when the rules are applied.
#[utoipa::path(
    post, path = "/api/v1/banking/rules/import", tag = "banking",
    params(ImportQuery),
    request_body(content = RulesFile, description = "The rules file, as it is (at most 64 KiB)"),
    responses(
        (status = 200, description = "Every rule now, in order", body = RulesResponse),
        (status = "4XX", description = "Refused (not a version 1 rules file, a bad rule, too many rules, token, Host); nothing changed", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn import_rules(
    State(state): State<ApiState>,
    query: Result<Query<ImportQuery>, QueryRejection>,
    JsonBody(file): JsonBody<RulesFile>,
) -> Result<Json<RulesResponse>, ApiError> {
    let Query(q) = query.map_err(|e| bad_request(e.body_text()))?;
    if file.coffer_rules == 0 && file.rules.is_empty() {
        return Err(bad_request(
            "send a rules file (as rules/export answers it) as the body".into(),
        ));
    }
    let document: RulesDocument = convert(&file).map_err(bad_request)?;
    let list = state
        .coffer
        .import_rules(ImportRulesInput {
            document,
            replace: q.replace,
        })
        .await?;
    Ok(Json(rules(list)))
}
