//! `reconnect LINK`: Plaid's update mode for a link, through Hosted Link as `link` does.

use coffer_cli::hosted;
use coffer_core::{AppError, Coffer};

use crate::render::{self, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The link (its id in `links`).
    link: i64,
    /// Print the address only; do not try to open a browser.
    #[arg(long)]
    no_browser: bool,
}

pub async fn run(coffer: &Coffer, args: Args, out: &Out) -> Result<(), AppError> {
    let purpose = hosted::Purpose::Reconnect(args.link);
    let id = hosted::run(coffer, purpose, !args.no_browser).await?;
    out.print(&coffer.link_view(id)?, render::link);
    Ok(())
}
