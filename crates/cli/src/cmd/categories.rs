//! `categories [list]`, `categories add NAME`, `categories remove NAME`: Plaid's taxonomy and
//! your own categories (one in use cannot be removed).

use clap::Subcommand;
use coffer_core::{AppError, CategoryNameInput, Coffer};

use crate::render::{self, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    cmd: Option<CategoriesCmd>,
}

#[derive(Debug, Subcommand)]
enum CategoriesCmd {
    /// Plaid's categories and yours, with how many transactions each holds.
    List,
    /// Make a category of your own.
    Add {
        /// Its name (1–60 characters; not one of Plaid's codes).
        name: String,
    },
    /// Remove one of your categories (only when no transaction, split or rule uses it).
    Remove {
        /// Its name.
        name: String,
    },
}

pub async fn run(coffer: &Coffer, args: Args, out: &Out) -> Result<(), AppError> {
    match args.cmd.unwrap_or(CategoriesCmd::List) {
        CategoriesCmd::List => {
            let list = coffer.list_categories().await?;
            out.print(list.as_slice(), render::categories);
        }
        CategoriesCmd::Add { name } => {
            let view = coffer.create_category(CategoryNameInput { name }).await?;
            out.print(&view, render::category_added);
        }
        CategoriesCmd::Remove { name } => {
            coffer
                .delete_category(CategoryNameInput { name: name.clone() })
                .await?;
            out.print(&serde_json::json!({}), |w, _| {
                render::line(w, format_args!("removed category {name:?}"))
            });
        }
    }
    Ok(())
}
