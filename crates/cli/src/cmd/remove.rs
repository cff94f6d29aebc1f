//! `remove LINK`: at Plaid, then its keychain entry, then its rows (or keep them, archived).

use coffer_core::{AppError, Coffer};

use crate::render::{self, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Link id (see `links`).
    link: i64,
    /// Keep accounts and transactions as an archived link.
    #[arg(long)]
    keep_data: bool,
}

pub async fn run(coffer: &Coffer, args: Args, out: &Out) -> Result<(), AppError> {
    let Args { link, keep_data } = args;
    coffer.remove_link(link, keep_data).await?;
    out.print(&serde_json::json!({}), |w, _| {
        render::line(
            w,
            format_args!(
                "removed link {link}{}",
                if keep_data {
                    " (data kept, archived)"
                } else {
                    ""
                }
            ),
        )
    });
    Ok(())
}
