//! `link`: a new link through Hosted Link (see [`coffer_cli::hosted`]), or at once with test
//! credentials (`--sandbox INSTITUTION_ID`, offline and sandbox modes).

use coffer_cli::hosted;
use coffer_core::{AppError, Coffer};

use crate::render::{self, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Institution to link straight away with test credentials (e.g. ins_109508).
    #[arg(long, value_name = "INSTITUTION_ID")]
    sandbox: Option<String>,
    /// Print the address only; do not try to open a browser.
    #[arg(long)]
    no_browser: bool,
    /// Sandbox username (user_good, user_transactions_dynamic, ...).
    #[arg(long, default_value = "user_good")]
    username: String,
    /// Sandbox password (pass_good, or error_<CODE> to force a Plaid error).
    #[arg(long, default_value = "pass_good")]
    password: String,
}

pub async fn run(coffer: &Coffer, args: Args, out: &Out) -> Result<(), AppError> {
    let link_id = match args.sandbox {
        Some(institution) => {
            coffer
                .sandbox_quick_link(&institution, &args.username, &args.password)
                .await?
                .link_id
        }
        None => hosted::run(coffer, hosted::Purpose::New, !args.no_browser).await?,
    };
    out.print(&coffer.link_view(link_id)?, render::link);
    Ok(())
}
