//! The subcommands, one module each: its clap arguments and its `run`, which makes one call
//! into [`Coffer`] and prints the result through [`Out`].

mod balances;
mod categories;
mod edit;
mod export;
mod link;
mod link_token;
mod links;
mod reconnect;
mod reconnect_check;
mod remove;
mod rename;
mod rules;
mod sandbox;
mod serve;
mod settings;
mod split;
mod status;
mod sync;
mod tags;
mod transactions;
mod transfer;

use clap::Subcommand;
use coffer_core::{AppError, Coffer};

use crate::render::Out;

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Mode, data directory, links that need attention, recent events.
    Status,
    /// Linked institutions with their accounts and balances.
    Links,
    /// Link a bank through Plaid's Hosted Link: prints its address (and a QR code), opens
    /// the browser when there is one, waits until you finish, stores the link. Offline and
    /// sandbox modes also take `--sandbox INSTITUTION_ID`: linked at once with test
    /// credentials, no browser.
    Link(link::Args),
    /// Reconnect a link whose bank needs you to log in again (Plaid's update mode), through
    /// Hosted Link in the browser, as `link` does.
    Reconnect(reconnect::Args),
    /// Create a Link token (for a Link UI or Hosted Link), optionally for update mode.
    LinkToken(link_token::Args),
    /// Download new, changed and removed transactions.
    Sync(sync::Args),
    /// Show balances; `--refresh` asks the bank for live ones (billed by Plaid in production).
    Balances(balances::Args),
    /// List stored transactions, newest first (with the names, categories and tags you set).
    Transactions(transactions::Args),
    /// Change transactions: your category, name, note, tags, or leave them out of spending
    /// and income. Set by hand, never overwritten by a rule; `--clear-*` gives a field back.
    Edit(edit::Args),
    /// Split a transaction into parts that add up to its amount, each with its category and
    /// note (`--undo` makes it whole again).
    Split(split::Args),
    /// Pair two transactions as a transfer between your accounts, or unpair one.
    Transfer(transfer::Args),
    /// Plaid's categories and yours; `add` and `remove` yours.
    Categories(categories::Args),
    /// The tags in use.
    Tags,
    /// Rules that set categories, names, tags and exclusions on every sync: list, add, edit,
    /// remove, order, apply to stored transactions, export and import.
    Rules(rules::Args),
    /// Write transactions to a file (CSV, OFX or JSON), exact amounts.
    Export(export::Args),
    /// Rename a link.
    Rename(rename::Args),
    /// Remove a link at Plaid, then its keychain entry, then its rows.
    Remove(remove::Args),
    /// Ask Plaid (`/item/get`) which links need the user to log in again.
    ReconnectCheck,
    /// Show or change settings. The secret is read from stdin and goes to the keychain.
    Settings(settings::Args),
    /// Sandbox tools (offline and sandbox modes).
    Sandbox(sandbox::Args),
    /// Serve the link lifecycle as a REST API on loopback, for a web front end (Ctrl-C stops
    /// it); `serve token ...` manages the API's bearer tokens.
    #[command(args_conflicts_with_subcommands = true)]
    Serve(serve::Args),
}

/// How a command that printed its result ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// The report was printed but some of it failed (e.g. one link of several did not sync).
    PartialFailure,
}

/// Runs `cmd`: the standalone sandbox on its own, every other command on an open [`Coffer`]
/// (closed again afterwards).
pub async fn execute(cmd: Cmd, out: &Out) -> Result<Outcome, AppError> {
    if let Cmd::Sandbox(sandbox::Args {
        cmd: sandbox::SandboxCmd::Serve(args),
    }) = cmd
    {
        sandbox::serve_standalone(args).await?;
        return Ok(Outcome::Done);
    }
    let coffer = Coffer::open().await?;
    let result = run(&coffer, cmd, out).await;
    coffer.shutdown().await;
    result
}

/// Hands `cmd` to its module.
async fn run(coffer: &Coffer, cmd: Cmd, out: &Out) -> Result<Outcome, AppError> {
    match cmd {
        Cmd::Status => status::run(coffer, out).await?,
        Cmd::Links => links::run(coffer, out).await?,
        Cmd::Link(args) => link::run(coffer, args, out).await?,
        Cmd::Reconnect(args) => reconnect::run(coffer, args, out).await?,
        Cmd::LinkToken(args) => link_token::run(coffer, args, out).await?,
        Cmd::Sync(args) => return sync::run(coffer, args, out).await,
        Cmd::Balances(args) => balances::run(coffer, args, out).await?,
        Cmd::Transactions(args) => transactions::run(coffer, args, out).await?,
        Cmd::Edit(args) => edit::run(coffer, args, out).await?,
        Cmd::Split(args) => split::run(coffer, args, out).await?,
        Cmd::Transfer(args) => transfer::run(coffer, args, out).await?,
        Cmd::Categories(args) => categories::run(coffer, args, out).await?,
        Cmd::Tags => tags::run(coffer, out).await?,
        Cmd::Rules(args) => rules::run(coffer, args, out).await?,
        Cmd::Export(args) => export::run(coffer, args, out).await?,
        Cmd::Rename(args) => rename::run(coffer, args, out).await?,
        Cmd::Remove(args) => remove::run(coffer, args, out).await?,
        Cmd::ReconnectCheck => reconnect_check::run(coffer, out).await?,
        Cmd::Settings(args) => settings::run(coffer, args, out).await?,
        Cmd::Sandbox(args) => sandbox::run(coffer, args, out).await?,
        Cmd::Serve(args) => serve::run(coffer, args, out).await?,
    }
    Ok(Outcome::Done)
}
