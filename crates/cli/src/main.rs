//! `coffer-cli`: the headless front end over coffer-core.
//!
//! It shares the desktop's data directory (`COFFER_HOME` or the platform's app data dir) and
//! keychain, so it is good for scripts, cron and machines without a display. With no Plaid
//! keys configured it runs against the embedded offline sandbox, whose state persists in the
//! data directory: an item linked in one run is still there in the next.
//!
//! Output: human tables by default; `--json` prints one stable JSON document on stdout (the
//! same camelCase shapes the desktop UI receives). Errors exit 1. On stderr they say what
//! failed, what Plaid said (code, type, its reason, the request id) and what to do (the core's
//! remedy); with `--json`, one line on stderr and `{ "error": { code, message, remedy,
//! plaid? } }` on stdout. Usage errors come from the argument parser and exit 2.
//!
//! This file only parses the arguments and hands the command to [`cmd`]: each subcommand is
//! one module there, holding its arguments and its `run`.
//!
//! ## How to add a command
//! Add `src/cmd/NAME.rs` with its `Args` (clap) and a `run` that makes one call into
//! [`coffer_core::Coffer`] and prints the result in both forms with [`render::Out::print`];
//! add its variant to [`cmd::Cmd`] and one line to [`cmd::run`]; put its human form in
//! `render/`. Add a case to the integration tests in `tests/cli/` (`main.rs` runs the
//! binary as a user would).

mod cmd;
mod render;

use std::process::ExitCode;

use clap::Parser;

use crate::cmd::Outcome;
use crate::render::Out;

#[derive(Debug, Parser)]
#[command(
    name = "coffer-cli",
    version,
    about = "Coffer: your bank accounts through Plaid, kept on this machine"
)]
struct Cli {
    /// Print stable JSON on stdout instead of tables.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    cmd: cmd::Cmd,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = Out { json: cli.json };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("coffer-cli: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cmd::execute(cli.cmd, &out)) {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::PartialFailure) => ExitCode::FAILURE,
        Err(err) => {
            out.error(&err);
            ExitCode::FAILURE
        }
    }
}
