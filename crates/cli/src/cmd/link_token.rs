//! `link-token`: a Link token for a Link UI or Hosted Link, optionally for update mode.

use coffer_core::{AppError, Coffer, CreateLinkTokenInput};

use crate::render::{self, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Update mode for this link (reconnect).
    #[arg(long)]
    link: Option<i64>,
    /// Ask for a Hosted Link URL.
    #[arg(long)]
    hosted: bool,
    /// Reuse an unexpired, unused token for the same purpose.
    #[arg(long)]
    use_cache: bool,
}

pub async fn run(coffer: &Coffer, args: Args, out: &Out) -> Result<(), AppError> {
    let token = coffer
        .create_link_token(CreateLinkTokenInput {
            use_cache: args.use_cache,
            link_id: args.link,
            account_selection: false,
            hosted: args.hosted,
        })
        .await?;
    out.print(&token, render::link_token);
    Ok(())
}
