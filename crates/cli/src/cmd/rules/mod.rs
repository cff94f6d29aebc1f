//! `rules ...`: conditions on Plaid's data, actions on yours, run in order on every sync (the
//! first rule that sets a field decides it; what you set by hand is never overwritten).
//!
//! * here: `rules [list]`, `remove`, `order`, and the dispatch;
//! * [`save`]: `add` and `edit` (a rule from flags or from JSON);
//! * [`apply`]: the preview, the question, then the change with progress;
//! * [`file`]: `export` and `import` (the rules file the desktop reads too).

mod apply;
mod file;
mod save;

use clap::Subcommand;
use coffer_core::{AppError, Coffer, RuleIdInput, RuleOrderInput, TransactionIdInput};

use crate::render::{self, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    cmd: Option<RulesCmd>,
}

#[derive(Debug, Subcommand)]
enum RulesCmd {
    /// The rules, in the order they run.
    List,
    /// A new rule, run after the others. It runs on what syncs bring from now on; `rules
    /// apply` brings it to the stored transactions.
    Add(Box<save::RuleArgs>),
    /// Replace a rule's name, conditions and actions (what it set before is recomputed).
    Edit {
        /// Rule id (see `rules`).
        id: i64,
        #[command(flatten)]
        rule: Box<save::RuleArgs>,
    },
    /// Remove a rule: what it set goes back to Plaid's (or to what the other rules say).
    Remove {
        /// Rule id.
        id: i64,
    },
    /// Set the order the rules run in: every rule's id, first to run first.
    Order {
        /// Rule ids.
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// "Always do this?": the rule that would do for every row like this one what you did to
    /// it by hand (its merchant, else its description; your category, name, tags, exclusion).
    Suggest {
        /// Plaid transaction id (see `transactions --json`).
        transaction_id: String,
        /// Save it (after the other rules); `rules apply` then brings it to the stored rows.
        #[arg(long)]
        save: bool,
    },
    /// Run the rules on the stored transactions: shows what would change, asks, applies.
    Apply(apply::Args),
    /// Write the rules (and the categories of yours they use) to a JSON file, or `-` for
    /// stdout.
    Export {
        /// Destination (not inside Coffer's data directory), or `-`.
        #[arg(value_name = "FILE|-")]
        file: String,
    },
    /// Read rules from a file written by `rules export` (or `-` for stdin) and add them
    /// after yours; one bad rule refuses the whole file.
    Import {
        /// The file, or `-`.
        #[arg(value_name = "FILE|-")]
        file: String,
        /// Replace all your rules instead of adding after them.
        #[arg(long)]
        replace: bool,
    },
}

pub async fn run(coffer: &Coffer, args: Args, out: &Out) -> Result<(), AppError> {
    match args.cmd.unwrap_or(RulesCmd::List) {
        RulesCmd::List => {
            let rules = coffer.list_rules().await?;
            out.print(rules.as_slice(), render::rules);
        }
        RulesCmd::Add(rule) => save::run(coffer, None, *rule, out).await?,
        RulesCmd::Edit { id, rule } => save::run(coffer, Some(id), *rule, out).await?,
        RulesCmd::Remove { id } => {
            coffer.delete_rule(RuleIdInput { id }).await?;
            out.print(&serde_json::json!({}), |w, _| {
                render::line(w, format_args!("removed rule {id}"))
            });
        }
        RulesCmd::Order { ids } => {
            let rules = coffer.order_rules(RuleOrderInput { ids }).await?;
            out.print(rules.as_slice(), render::rules);
        }
        RulesCmd::Suggest {
            transaction_id,
            save,
        } => {
            let draft = coffer
                .suggest_rule(TransactionIdInput { transaction_id })
                .await?;
            if save {
                let saved = coffer.save_rule(draft).await?;
                out.print(&saved, |w, r| {
                    render::rule(w, r);
                    render::line(
                        w,
                        format_args!("Saved. `coffer-cli rules apply --rule {}` brings it to the stored transactions.", r.id),
                    );
                });
            } else {
                out.print(&draft, |w, r| {
                    render::rule_suggestion(w, r);
                    render::line(w, format_args!("Not saved: add --save to keep it."));
                });
            }
        }
        RulesCmd::Apply(a) => apply::run(coffer, a, out).await?,
        RulesCmd::Export { file } => file::export(coffer, &file, out).await?,
        RulesCmd::Import { file, replace } => file::import(coffer, &file, replace, out).await?,
    }
    Ok(())
}
