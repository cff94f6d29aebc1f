//! `rules add` and `rules edit ID`: a rule from flags (every condition all must hold, every
//! action), or from JSON in the desktop's shape (`--json-rule FILE|-`).

use clap::{ArgGroup, ValueEnum};
use coffer_core::{Action, AppError, Coffer, Condition, Direction, RuleInput, TextOp};
use rust_decimal::Decimal;

use super::file::read_text;
use crate::render::{self, Out};

/// A rule's content. Flags of one kind may repeat (all must hold); give at least one
/// condition and one action.
#[derive(Debug, clap::Args)]
#[command(group(ArgGroup::new("by_flags").multiple(true)))]
pub struct RuleArgs {
    /// The whole rule as JSON, from a file or `-` for stdin: `{"name": "Coffee",
    /// "conditions": [{"field": "merchant", "op": "exact", "value": "Starbucks"}], "actions":
    /// [{"action": "setCategory", "category": "FOOD_AND_DRINK_COFFEE"}]}`.
    #[arg(long, value_name = "FILE|-", conflicts_with = "by_flags")]
    json_rule: Option<String>,
    /// Its name.
    #[arg(long, group = "by_flags", required_unless_present = "json_rule")]
    name: Option<String>,
    /// Saved but not run.
    #[arg(long, group = "by_flags")]
    disabled: bool,

    /// When Plaid's merchant name contains this text (case-insensitive).
    #[arg(
        long,
        value_name = "TEXT",
        group = "by_flags",
        help_heading = "Conditions"
    )]
    merchant_contains: Vec<String>,
    /// When the merchant name starts with this text.
    #[arg(
        long,
        value_name = "TEXT",
        group = "by_flags",
        help_heading = "Conditions"
    )]
    merchant_starts_with: Vec<String>,
    /// When the merchant name is this text.
    #[arg(
        long,
        value_name = "TEXT",
        group = "by_flags",
        help_heading = "Conditions"
    )]
    merchant_is: Vec<String>,
    /// When Plaid's description contains this text.
    #[arg(
        long,
        value_name = "TEXT",
        group = "by_flags",
        help_heading = "Conditions"
    )]
    description_contains: Vec<String>,
    /// When the description starts with this text.
    #[arg(
        long,
        value_name = "TEXT",
        group = "by_flags",
        help_heading = "Conditions"
    )]
    description_starts_with: Vec<String>,
    /// When the description is this text.
    #[arg(
        long,
        value_name = "TEXT",
        group = "by_flags",
        help_heading = "Conditions"
    )]
    description_is: Vec<String>,
    /// When the amount's size (in or out) is at least this.
    #[arg(
        long,
        value_name = "AMOUNT",
        group = "by_flags",
        help_heading = "Conditions"
    )]
    amount_min: Option<Decimal>,
    /// When the amount's size is at most this.
    #[arg(
        long,
        value_name = "AMOUNT",
        group = "by_flags",
        help_heading = "Conditions"
    )]
    amount_max: Option<Decimal>,
    /// When money goes out of the account, or comes in.
    #[arg(long, value_enum, group = "by_flags", help_heading = "Conditions")]
    direction: Option<DirectionArg>,
    /// When it is in this account (Plaid account id, see `links --json`).
    #[arg(
        long,
        value_name = "ACCOUNT_ID",
        group = "by_flags",
        help_heading = "Conditions"
    )]
    account: Option<String>,
    /// When Plaid's category is this code (a primary or a detailed one).
    #[arg(
        long,
        value_name = "CODE",
        group = "by_flags",
        help_heading = "Conditions"
    )]
    plaid_category: Option<String>,

    /// Set the category (one of Plaid's codes or one of yours).
    #[arg(
        long,
        value_name = "CATEGORY",
        group = "by_flags",
        help_heading = "Actions"
    )]
    set_category: Option<String>,
    /// Show this name instead of Plaid's.
    #[arg(
        long,
        value_name = "NAME",
        group = "by_flags",
        help_heading = "Actions"
    )]
    rename: Option<String>,
    /// Add this tag (repeatable).
    #[arg(long, value_name = "TAG", group = "by_flags", help_heading = "Actions")]
    add_tag: Vec<String>,
    /// Leave the transaction out of spending and income.
    #[arg(long, group = "by_flags", help_heading = "Actions")]
    exclude: bool,
}

/// `--direction`.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum DirectionArg {
    /// Money leaving the account.
    Out,
    /// Money arriving.
    In,
}

impl RuleArgs {
    /// The core's input, from JSON or from the flags.
    fn into_input(self) -> Result<RuleInput, AppError> {
        if let Some(source) = &self.json_rule {
            let text = read_text(source)?;
            return serde_json::from_str(&text)
                .map_err(|e| AppError::invalid(format!("{source}: not a rule ({e})")));
        }
        let text = |op: TextOp, values: Vec<String>, merchant: bool| {
            values.into_iter().map(move |value| {
                if merchant {
                    Condition::Merchant { op, value }
                } else {
                    Condition::Description { op, value }
                }
            })
        };
        let mut conditions: Vec<Condition> = Vec::new();
        conditions.extend(text(TextOp::Contains, self.merchant_contains, true));
        conditions.extend(text(TextOp::StartsWith, self.merchant_starts_with, true));
        conditions.extend(text(TextOp::Exact, self.merchant_is, true));
        conditions.extend(text(TextOp::Contains, self.description_contains, false));
        conditions.extend(text(
            TextOp::StartsWith,
            self.description_starts_with,
            false,
        ));
        conditions.extend(text(TextOp::Exact, self.description_is, false));
        if self.amount_min.is_some() || self.amount_max.is_some() {
            conditions.push(Condition::Amount {
                min: self.amount_min,
                max: self.amount_max,
            });
        }
        if let Some(d) = self.direction {
            conditions.push(Condition::Direction {
                direction: match d {
                    DirectionArg::Out => Direction::Out,
                    DirectionArg::In => Direction::In,
                },
            });
        }
        if let Some(account_id) = self.account {
            conditions.push(Condition::Account { account_id });
        }
        if let Some(category) = self.plaid_category {
            conditions.push(Condition::PlaidCategory { category });
        }
        let mut actions = Vec::new();
        if let Some(category) = self.set_category {
            actions.push(Action::SetCategory { category });
        }
        if let Some(name) = self.rename {
            actions.push(Action::Rename { name });
        }
        actions.extend(self.add_tag.into_iter().map(|tag| Action::AddTag { tag }));
        if self.exclude {
            actions.push(Action::Exclude);
        }
        Ok(RuleInput {
            id: None,
            name: self.name.unwrap_or_default(),
            enabled: !self.disabled,
            conditions,
            actions,
        })
    }
}

/// Saves the rule: a new one (`id` `None`), or a replacement of rule `id`.
pub async fn run(
    coffer: &Coffer,
    id: Option<i64>,
    args: RuleArgs,
    out: &Out,
) -> Result<(), AppError> {
    let mut input = args.into_input()?;
    match (id, input.id) {
        (None, Some(named)) => {
            return Err(AppError::invalid(format!(
                "`rules add` makes a new rule, and this JSON names rule {named}: use `rules edit {named}`"
            )));
        }
        (Some(id), Some(named)) if id != named => {
            return Err(AppError::invalid(format!(
                "the JSON names rule {named}, not rule {id}"
            )));
        }
        _ => input.id = id,
    }
    let rule = coffer.save_rule(input).await?;
    out.print(&rule, render::rule);
    Ok(())
}
