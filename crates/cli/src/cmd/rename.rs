//! `rename LINK NAME`.

use coffer_core::{AppError, Coffer};

use crate::render::{self, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Link id (see `links`).
    link: i64,
    /// New name.
    name: String,
}

pub async fn run(coffer: &Coffer, args: Args, out: &Out) -> Result<(), AppError> {
    let view = coffer.rename_link(args.link, &args.name).await?;
    out.print(&view, render::link);
    Ok(())
}
