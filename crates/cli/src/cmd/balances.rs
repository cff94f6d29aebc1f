//! `balances`: the stored balances, or live ones with `--refresh`.

use coffer_core::{AppError, Coffer};

use crate::render::{self, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Fetch live balances first.
    #[arg(long)]
    refresh: bool,
    /// Only this link.
    #[arg(long)]
    link: Option<i64>,
}

pub async fn run(coffer: &Coffer, args: Args, out: &Out) -> Result<(), AppError> {
    let links = if args.refresh {
        coffer.refresh_balances(args.link).await?
    } else {
        let all = coffer.list_links().await?;
        match args.link {
            Some(id) => {
                let one: Vec<_> = all.into_iter().filter(|l| l.id == id).collect();
                if one.is_empty() {
                    // The same error the core gives for an unknown link.
                    coffer.link_view(id)?;
                }
                one
            }
            None => all,
        }
    };
    out.print(links.as_slice(), render::balances);
    Ok(())
}
