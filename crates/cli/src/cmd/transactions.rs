//! `transactions`: a page of stored transactions, newest first, as a table (with the names,
//! categories, tags and transfers you set), JSON or CSV. Its filter options are shared with
//! `export`.

use chrono::NaiveDate;
use coffer_core::{AppError, Coffer, ListTransactionsInput};

use crate::render::{self, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    filter: FilterArgs,
    /// Rows per page.
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// Rows to skip.
    #[arg(long, default_value_t = 0)]
    offset: u64,
    /// Print CSV instead of a table.
    #[arg(long, conflicts_with = "json")]
    csv: bool,
}

/// Which transactions (`transactions` and `export`).
#[derive(Debug, clap::Args)]
pub struct FilterArgs {
    /// Only these Plaid account ids (repeatable).
    #[arg(long = "account", value_name = "ACCOUNT_ID")]
    accounts: Vec<String>,
    /// From this date (YYYY-MM-DD, inclusive).
    #[arg(long)]
    from: Option<NaiveDate>,
    /// To this date (YYYY-MM-DD, inclusive).
    #[arg(long)]
    to: Option<NaiveDate>,
    /// Text in the name or merchant, or your name or note for it (case-insensitive).
    #[arg(long)]
    search: Option<String>,
    /// Only this category: yours, or Plaid's code (a detailed code means its primary).
    #[arg(long)]
    category: Option<String>,
    /// Only rows with this tag.
    #[arg(long)]
    tag: Option<String>,
    /// Transfers between your accounts: `only` them, or `hide` them.
    #[arg(long, value_enum)]
    transfers: Option<TransfersArg>,
}

/// `--transfers`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum TransfersArg {
    /// Transfers only.
    Only,
    /// No transfers.
    Hide,
}

impl FilterArgs {
    pub fn into_input(self, limit: u32, offset: u64) -> ListTransactionsInput {
        ListTransactionsInput {
            account_ids: (!self.accounts.is_empty()).then_some(self.accounts),
            from: self.from,
            to: self.to,
            search: self.search,
            category: self.category,
            tag: self.tag,
            transfers: self.transfers.map(|t| matches!(t, TransfersArg::Only)),
            limit,
            offset,
        }
    }
}

pub async fn run(coffer: &Coffer, args: Args, out: &Out) -> Result<(), AppError> {
    let page = coffer
        .list_transactions(args.filter.into_input(args.limit, args.offset))
        .await?;
    if args.csv {
        render::transactions_csv(&page.rows);
    } else {
        out.print(&page, render::transactions);
    }
    Ok(())
}
