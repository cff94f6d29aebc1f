//! `settings [show]` and `settings set`: the settings file, and the Plaid secret (read from
//! stdin) in the keychain.

use std::io::Read;

use clap::{Subcommand, ValueEnum};
use coffer_core::{AppError, Coffer, Mode, SettingsInput, SignIn};

use crate::render::{self, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    cmd: Option<SettingsCmd>,
}

#[derive(Debug, Subcommand)]
enum SettingsCmd {
    /// Show the settings (never the secret).
    Show,
    /// Change settings; only the options given change.
    Set(SetArgs),
}

#[derive(Debug, clap::Args)]
struct SetArgs {
    /// Plaid client id ("" clears it: back to offline mode).
    #[arg(long)]
    client_id: Option<String>,
    /// sandbox or production.
    #[arg(long)]
    environment: Option<String>,
    /// Read the Plaid secret for the environment from stdin (stored in the keychain).
    #[arg(long)]
    secret_stdin: bool,
    /// Countries offered in Link (repeatable, e.g. US).
    #[arg(long = "country")]
    countries: Vec<String>,
    /// Days of history asked for new links (1-730).
    #[arg(long)]
    days_requested: Option<u32>,
    /// Maximum number of links.
    #[arg(long)]
    link_limit: Option<u32>,
    /// Where the desktop app has people sign in to banks: app or browser.
    #[arg(long, value_enum)]
    sign_in: Option<SignInArg>,
}

/// `--sign-in`.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum SignInArg {
    App,
    Browser,
}

pub async fn run(coffer: &Coffer, args: Args, out: &Out) -> Result<(), AppError> {
    match args.cmd.unwrap_or(SettingsCmd::Show) {
        SettingsCmd::Show => out.print(&coffer.get_settings().await?, render::settings),
        SettingsCmd::Set(set) => {
            let environment = set.environment.map(|e| e.parse::<Mode>()).transpose()?;
            let secret = if set.secret_stdin {
                Some(read_secret()?)
            } else {
                None
            };
            let view = coffer
                .save_settings(SettingsInput {
                    client_id: set.client_id,
                    secret,
                    environment,
                    country_codes: (!set.countries.is_empty()).then_some(set.countries),
                    days_requested: set.days_requested,
                    link_limit: set.link_limit,
                    products: None,
                    sign_in: set.sign_in.map(|s| match s {
                        SignInArg::App => SignIn::App,
                        SignInArg::Browser => SignIn::Browser,
                    }),
                })
                .await?;
            out.print(&view, render::settings);
        }
    }
    Ok(())
}

/// The secret from stdin, trimmed; empty is refused.
fn read_secret() -> Result<String, AppError> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| AppError::invalid(format!("could not read the secret from stdin: {e}")))?;
    let s = s.trim().to_string();
    if s.is_empty() {
        return Err(AppError::invalid("no secret on stdin"));
    }
    Ok(s)
}
