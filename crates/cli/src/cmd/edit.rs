//! `edit TXN_ID...`: the same change on one or more transactions (their category, name, note,
//! tags, exclusion). A value is set by hand, so no rule overwrites it; `--clear-*` gives the
//! field back to Plaid (and the rules). Every id must exist, or nothing changes.

use coffer_core::{AppError, Coffer, EditTransactionsInput};

use crate::render::{self, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Plaid transaction ids (`transactions --json` shows them).
    #[arg(required = true, value_name = "TXN_ID")]
    ids: Vec<String>,
    /// Your category: one of Plaid's codes (`categories` lists them) or one you made.
    #[arg(long, conflicts_with = "clear_category")]
    category: Option<String>,
    /// Back to Plaid's category.
    #[arg(long)]
    clear_category: bool,
    /// The name to show instead of Plaid's.
    #[arg(long, conflicts_with = "clear_name")]
    name: Option<String>,
    /// Back to Plaid's name.
    #[arg(long)]
    clear_name: bool,
    /// A note.
    #[arg(long, conflicts_with = "clear_note")]
    note: Option<String>,
    /// Remove the note.
    #[arg(long)]
    clear_note: bool,
    /// Add a tag (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Remove a tag (repeatable).
    #[arg(long = "untag", value_name = "TAG")]
    untags: Vec<String>,
    /// Leave out of spending and income.
    #[arg(long, group = "exclusion")]
    exclude: bool,
    /// Keep in spending and income, whatever the rules say.
    #[arg(long, group = "exclusion")]
    include: bool,
    /// Let the rules decide again whether it is left out.
    #[arg(long, group = "exclusion")]
    clear_exclude: bool,
}

/// `--x VALUE` sets, `--clear-x` clears (`Some(None)`), neither leaves it (`None`).
fn field<T>(value: Option<T>, clear: bool) -> Option<Option<T>> {
    match (value, clear) {
        (Some(v), _) => Some(Some(v)),
        (None, true) => Some(None),
        (None, false) => None,
    }
}

pub async fn run(coffer: &Coffer, args: Args, out: &Out) -> Result<(), AppError> {
    let exclude = if args.exclude {
        Some(Some(true))
    } else if args.include {
        Some(Some(false))
    } else if args.clear_exclude {
        Some(None)
    } else {
        None
    };
    let rows = coffer
        .edit_transactions(EditTransactionsInput {
            transaction_ids: args.ids,
            category: field(args.category, args.clear_category),
            name: field(args.name, args.clear_name),
            note: field(args.note, args.clear_note),
            exclude,
            add_tags: args.tags,
            remove_tags: args.untags,
        })
        .await?;
    out.print(rows.as_slice(), render::transactions_changed);
    Ok(())
}
