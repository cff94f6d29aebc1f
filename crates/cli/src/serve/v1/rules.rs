//! Rules: conditions on Plaid's data, actions on the person's, run in order on every sync (the
//! first rule that sets a field decides it; what the person set by hand is never
//! overwritten). Applying them to the stored transactions is a preview, then an apply with the
//! preview's revision (refused when the data changed since). The rules file is in
//! [`super::rules_file`].

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use coffer_core::{
    Action, ApplyRulesInput, Condition, Direction, RuleIdInput, RuleInput, RuleOrderInput,
    RuleView, TextOp, TransactionIdInput,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::bad_request;
use crate::serve::ApiState;
use crate::serve::error::{ApiError, ErrorBody};
use crate::serve::guard::JsonBody;

/// How text is compared (without case).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TextMatch {
    /// Anywhere in the text.
    Contains,
    /// At its start.
    StartsWith,
    /// The whole text.
    Exact,
}

/// Money out of the account (Plaid's positive amounts) or in.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MoneyDirection {
    /// Money leaving the account.
    Out,
    /// Money arriving.
    In,
}

/// One condition of a rule; `field` says which. They read Plaid's values, never the person's
/// edits.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "field", rename_all = "snake_case", deny_unknown_fields)]
pub enum RuleCondition {
    /// Plaid's merchant name (a row without one never matches).
    Merchant {
        /// How.
        op: TextMatch,
        /// What (1–100 characters).
        value: String,
    },
    /// Plaid's description (its `name`).
    Description {
        /// How.
        op: TextMatch,
        /// What (1–100 characters).
        value: String,
    },
    /// The amount's size, money in or out alike, bounds included (at least one of them).
    Amount {
        /// At least (exact decimal, 0 or more).
        min: Option<String>,
        /// At most.
        max: Option<String>,
    },
    /// Money out or in.
    Direction {
        /// Which.
        direction: MoneyDirection,
    },
    /// One account.
    Account {
        /// Plaid account id.
        account_id: String,
    },
    /// Plaid's category, primary or detailed.
    PlaidCategory {
        /// A Plaid code.
        category: String,
    },
}

/// One action of a rule; `action` says which.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum RuleAction {
    /// Sets the category (once per rule).
    SetCategory {
        /// One of Plaid's codes or a category of the person's.
        category: String,
    },
    /// Shows another name (once per rule).
    Rename {
        /// The name (1–100 characters).
        name: String,
    },
    /// Adds a tag.
    AddTag {
        /// The tag (1–40 characters).
        tag: String,
    },
    /// Leaves the row out of spending and income (once per rule).
    Exclude,
}

/// A rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct Rule {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Runs on sync and apply.
    pub enabled: bool,
    /// All must hold.
    pub conditions: Vec<RuleCondition>,
    /// What it does.
    pub actions: Vec<RuleAction>,
}

/// The rules, in the order they run.
#[derive(Debug, Serialize, ToSchema)]
pub struct RulesResponse {
    /// First to run first.
    pub rules: Vec<Rule>,
}

/// `POST rules`, `PUT rules/{id}`; also a suggested rule (`transactions/{id}/rule-suggestion`).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleRequest {
    /// Name (1–100 characters).
    pub name: String,
    /// Runs on sync and apply (default `true`).
    #[serde(default = "yes")]
    #[schema(default = true)]
    pub enabled: bool,
    /// 1–20 conditions; all must hold.
    pub conditions: Vec<RuleCondition>,
    /// 1–10 actions.
    pub actions: Vec<RuleAction>,
}

fn yes() -> bool {
    true
}

/// `POST rules/order`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleOrderRequest {
    /// Every rule's id exactly once, first to run first.
    pub ids: Vec<i64>,
}

/// `POST rules/preview` (optional body).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PreviewRequest {
    /// Only the rows this rule holds for (every rule still runs on them, in order); absent:
    /// every row.
    pub rule_id: Option<i64>,
}

/// What applying the rules would change.
#[derive(Debug, Serialize, ToSchema)]
pub struct RulePreview {
    /// Send it to `rules/apply`: it names the data this preview saw.
    pub revision: String,
    /// Rows looked at.
    pub checked: u64,
    /// Rows that would change.
    pub changed: u64,
    /// Up to 10 of them, newest first.
    pub examples: Vec<RuleChange>,
}

/// One row the rules would change.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleChange {
    /// Plaid transaction id.
    pub transaction_id: String,
    /// Date.
    #[schema(format = Date)]
    pub date: String,
    /// Plaid's description.
    pub name: String,
    /// Exact decimal, positive = money out.
    pub amount: String,
    /// What changes, in words ("category: Food and drink → Coffee").
    pub changes: Vec<String>,
}

/// `POST rules/apply`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyRequest {
    /// The same as in the preview.
    #[serde(default)]
    pub rule_id: Option<i64>,
    /// The preview's `revision`.
    pub revision: String,
}

/// What applying the rules changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct RulesApplied {
    /// Rows looked at.
    pub checked: u64,
    /// Rows changed.
    pub changed: u64,
}

fn text_match(op: TextOp) -> TextMatch {
    match op {
        TextOp::Contains => TextMatch::Contains,
        TextOp::StartsWith => TextMatch::StartsWith,
        TextOp::Exact => TextMatch::Exact,
    }
}

fn text_op(op: TextMatch) -> TextOp {
    match op {
        TextMatch::Contains => TextOp::Contains,
        TextMatch::StartsWith => TextOp::StartsWith,
        TextMatch::Exact => TextOp::Exact,
    }
}

fn condition(c: Condition) -> RuleCondition {
    match c {
        Condition::Merchant { op, value } => RuleCondition::Merchant {
            op: text_match(op),
            value,
        },
        Condition::Description { op, value } => RuleCondition::Description {
            op: text_match(op),
            value,
        },
        Condition::Amount { min, max } => RuleCondition::Amount {
            min: min.map(|d| d.to_string()),
            max: max.map(|d| d.to_string()),
        },
        Condition::Direction { direction } => RuleCondition::Direction {
            direction: match direction {
                Direction::Out => MoneyDirection::Out,
                Direction::In => MoneyDirection::In,
            },
        },
        Condition::Account { account_id } => RuleCondition::Account { account_id },
        Condition::PlaidCategory { category } => RuleCondition::PlaidCategory { category },
    }
}

fn amount(field: &str, v: Option<String>) -> Result<Option<Decimal>, ApiError> {
    v.map(|s| {
        s.trim().parse::<Decimal>().map_err(|_| {
            bad_request(format!(
                "an amount condition's {field} {:?} is not an exact decimal",
                crate::serve::clip(&s)
            ))
        })
    })
    .transpose()
}

fn core_condition(c: RuleCondition) -> Result<Condition, ApiError> {
    Ok(match c {
        RuleCondition::Merchant { op, value } => Condition::Merchant {
            op: text_op(op),
            value,
        },
        RuleCondition::Description { op, value } => Condition::Description {
            op: text_op(op),
            value,
        },
        RuleCondition::Amount { min, max } => Condition::Amount {
            min: amount("min", min)?,
            max: amount("max", max)?,
        },
        RuleCondition::Direction { direction } => Condition::Direction {
            direction: match direction {
                MoneyDirection::Out => Direction::Out,
                MoneyDirection::In => Direction::In,
            },
        },
        RuleCondition::Account { account_id } => Condition::Account { account_id },
        RuleCondition::PlaidCategory { category } => Condition::PlaidCategory { category },
    })
}

fn action(a: Action) -> RuleAction {
    match a {
        Action::SetCategory { category } => RuleAction::SetCategory { category },
        Action::Rename { name } => RuleAction::Rename { name },
        Action::AddTag { tag } => RuleAction::AddTag { tag },
        Action::Exclude => RuleAction::Exclude,
    }
}

fn core_action(a: RuleAction) -> Action {
    match a {
        RuleAction::SetCategory { category } => Action::SetCategory { category },
        RuleAction::Rename { name } => Action::Rename { name },
        RuleAction::AddTag { tag } => Action::AddTag { tag },
        RuleAction::Exclude => Action::Exclude,
    }
}

pub(crate) fn rule(r: RuleView) -> Rule {
    Rule {
        id: r.id,
        name: r.name,
        enabled: r.enabled,
        conditions: r.conditions.into_iter().map(condition).collect(),
        actions: r.actions.into_iter().map(action).collect(),
    }
}

pub(crate) fn rules(list: Vec<RuleView>) -> RulesResponse {
    RulesResponse {
        rules: list.into_iter().map(rule).collect(),
    }
}

fn input(id: Option<i64>, body: RuleRequest) -> Result<RuleInput, ApiError> {
    Ok(RuleInput {
        id,
        name: body.name,
        enabled: body.enabled,
        conditions: body
            .conditions
            .into_iter()
            .map(core_condition)
            .collect::<Result<_, _>>()?,
        actions: body.actions.into_iter().map(core_action).collect(),
    })
}

fn path_id(id: Result<Path<i64>, PathRejection>) -> Result<i64, ApiError> {
    id.map(|Path(id)| id)
        .map_err(|e| bad_request(e.body_text()))
}

/// "Always do this?": a rule that would do for every row like this one what the person did to
/// it by hand (its merchant, else its description, exactly; its hand-made category, name,
/// tags and exclusion). Not saved: `POST rules` saves it as it is or changed.
#[utoipa::path(
    get, path = "/api/v1/banking/transactions/{id}/rule-suggestion", tag = "banking",
    params(("id" = String, Path, description = "Plaid transaction id")),
    responses(
        (status = 200, description = "The suggested rule", body = RuleRequest),
        (status = "4XX", description = "Refused (unknown transaction, nothing edited by hand on it, token, Host)", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn suggest_rule(
    State(state): State<ApiState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<RuleRequest>, ApiError> {
    let transaction_id = super::edits::path_text(id)?;
    let r = state
        .coffer
        .suggest_rule(TransactionIdInput { transaction_id })
        .await?;
    Ok(Json(RuleRequest {
        name: r.name,
        enabled: r.enabled,
        conditions: r.conditions.into_iter().map(condition).collect(),
        actions: r.actions.into_iter().map(action).collect(),
    }))
}

/// The rules, in the order they run.
#[utoipa::path(
    get, path = "/api/v1/banking/rules", tag = "banking",
    responses(
        (status = 200, description = "The rules", body = RulesResponse),
        (status = "4XX", description = "Refused (token, Host)", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_rules(State(state): State<ApiState>) -> Result<Json<RulesResponse>, ApiError> {
    Ok(Json(rules(state.coffer.list_rules().await?)))
}

/// A new rule, run after the others. It runs on what syncs bring from now on;
/// `rules/preview` and `rules/apply` bring it to the stored transactions.
#[utoipa::path(
    post, path = "/api/v1/banking/rules", tag = "banking",
    request_body = RuleRequest,
    responses(
        (status = 201, description = "The new rule", body = Rule),
        (status = "4XX", description = "Refused (no condition or action, an unknown category or account, an action twice, input, token, Host); nothing changed", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create_rule(
    State(state): State<ApiState>,
    JsonBody(body): JsonBody<RuleRequest>,
) -> Result<(StatusCode, Json<Rule>), ApiError> {
    let saved = state.coffer.save_rule(input(None, body)?).await?;
    Ok((StatusCode::CREATED, Json(rule(saved))))
}

/// Replace a rule's name, conditions and actions; what it set before is recomputed at once.
#[utoipa::path(
    put, path = "/api/v1/banking/rules/{id}", tag = "banking",
    params(("id" = i64, Path, description = "Rule id")),
    request_body = RuleRequest,
    responses(
        (status = 200, description = "The rule", body = Rule),
        (status = "4XX", description = "Refused (unknown rule, as for a new rule, token, Host); nothing changed", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn update_rule(
    State(state): State<ApiState>,
    id: Result<Path<i64>, PathRejection>,
    JsonBody(body): JsonBody<RuleRequest>,
) -> Result<Json<Rule>, ApiError> {
    let id = path_id(id)?;
    let saved = state.coffer.save_rule(input(Some(id), body)?).await?;
    Ok(Json(rule(saved)))
}

/// Remove a rule: what it set goes back to Plaid's (or to what the other rules decide); what
/// the person set by hand stays.
#[utoipa::path(
    delete, path = "/api/v1/banking/rules/{id}", tag = "banking",
    params(("id" = i64, Path, description = "Rule id")),
    responses(
        (status = 204, description = "Removed"),
        (status = "4XX", description = "Refused (unknown rule, token, Host)", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn delete_rule(
    State(state): State<ApiState>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let id = path_id(id)?;
    state.coffer.delete_rule(RuleIdInput { id }).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Set the order the rules run in. Stored transactions keep what they have until the rules
/// are applied again.
#[utoipa::path(
    post, path = "/api/v1/banking/rules/order", tag = "banking",
    request_body = RuleOrderRequest,
    responses(
        (status = 200, description = "The rules in their new order", body = RulesResponse),
        (status = "4XX", description = "Refused (not every rule's id exactly once, token, Host)", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn order_rules(
    State(state): State<ApiState>,
    JsonBody(body): JsonBody<RuleOrderRequest>,
) -> Result<Json<RulesResponse>, ApiError> {
    let list = state
        .coffer
        .order_rules(RuleOrderInput { ids: body.ids })
        .await?;
    Ok(Json(rules(list)))
}

/// What applying the rules to the stored transactions would change (nothing changes yet).
#[utoipa::path(
    post, path = "/api/v1/banking/rules/preview", tag = "banking",
    request_body(content = Option<PreviewRequest>, description = "Optional; an empty body previews every row"),
    responses(
        (status = 200, description = "How many rows would change, with examples, and the revision to apply", body = RulePreview),
        (status = "4XX", description = "Refused (unknown rule, token, Host)", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn preview_rules(
    State(state): State<ApiState>,
    JsonBody(body): JsonBody<PreviewRequest>,
) -> Result<Json<RulePreview>, ApiError> {
    let p = state
        .coffer
        .preview_rules(ApplyRulesInput {
            rule_id: body.rule_id,
            revision: None,
        })
        .await?;
    Ok(Json(RulePreview {
        revision: p.revision,
        checked: p.checked,
        changed: p.changed,
        examples: p
            .examples
            .into_iter()
            .map(|e| RuleChange {
                transaction_id: e.transaction_id,
                date: e.date,
                name: e.name,
                amount: e.amount,
                changes: e.changes,
            })
            .collect(),
    }))
}

/// Apply what the preview showed, all or nothing. Refused when the transactions or rules
/// changed since that preview (a sync, an edit): preview again.
#[utoipa::path(
    post, path = "/api/v1/banking/rules/apply", tag = "banking",
    request_body = ApplyRequest,
    responses(
        (status = 200, description = "What changed", body = RulesApplied),
        (status = "4XX", description = "Refused (no revision, or the data changed since the preview; unknown rule, token, Host); nothing changed", body = ErrorBody),
        (status = "5XX", description = "The database failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn apply_rules(
    State(state): State<ApiState>,
    JsonBody(body): JsonBody<ApplyRequest>,
) -> Result<Json<RulesApplied>, ApiError> {
    let revision = Some(body.revision).filter(|r| !r.is_empty());
    let applied = state
        .coffer
        .apply_rules(
            ApplyRulesInput {
                rule_id: body.rule_id,
                revision,
            },
            None,
        )
        .await?;
    Ok(Json(RulesApplied {
        checked: applied.checked,
        changed: applied.changed,
    }))
}
