//! `sandbox ...`: the offline Plaid sandbox standalone (`sandbox serve`, which opens no data
//! directory), and sandbox tools on a link.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Subcommand;
use coffer_core::sandbox::{Sandbox, SandboxConfig};
use coffer_core::{AppError, Coffer};

use crate::render::{self, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub cmd: SandboxCmd,
}

#[derive(Debug, Subcommand)]
pub enum SandboxCmd {
    /// Run the offline Plaid sandbox standalone (Ctrl-C stops it).
    Serve(ServeArgs),
    /// Put a link's item into ITEM_LOGIN_REQUIRED (to try Reconnect).
    ResetLogin {
        /// Link id.
        link: i64,
    },
    /// Ask the sandbox to fire a webhook for a link's item.
    FireWebhook {
        /// Link id.
        link: i64,
        /// Webhook code, e.g. SYNC_UPDATES_AVAILABLE.
        code: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Loopback address to bind.
    #[arg(long, default_value = "127.0.0.1:8089")]
    bind: SocketAddr,
    /// Require these keys (otherwise any non-empty pair is accepted).
    #[arg(long, requires = "secret")]
    client_id: Option<String>,
    /// Secret that goes with --client-id.
    #[arg(long, requires = "client_id")]
    secret: Option<String>,
    /// Transactions per new item.
    #[arg(long)]
    history: Option<usize>,
    /// Persist the sandbox's state in this file.
    #[arg(long)]
    state: Option<PathBuf>,
}

/// The tools on a link (`sandbox serve` goes to [`serve_standalone`] instead).
pub async fn run(coffer: &Coffer, args: Args, out: &Out) -> Result<(), AppError> {
    match args.cmd {
        SandboxCmd::ResetLogin { link } => {
            coffer.sandbox_reset_login(link).await?;
            out.print(&serde_json::json!({}), |w, _| {
                render::line(
                    w,
                    format_args!(
                        "link {link} now needs the user to log in again (ITEM_LOGIN_REQUIRED)"
                    ),
                )
            });
        }
        SandboxCmd::FireWebhook { link, code } => {
            coffer.sandbox_fire_webhook(link, &code).await?;
            out.print(&serde_json::json!({}), |w, _| {
                render::line(w, format_args!("webhook {code} fired for link {link}"))
            });
        }
        SandboxCmd::Serve(_) => unreachable!("handled before opening the store"),
    }
    Ok(())
}

/// `sandbox serve`: prints where it listens, serves until Ctrl-C.
pub async fn serve_standalone(args: ServeArgs) -> Result<(), AppError> {
    let ServeArgs {
        bind,
        client_id,
        secret,
        history,
        state,
    } = args;
    let mut config = SandboxConfig {
        credentials: client_id.zip(secret),
        state_path: state,
        ..SandboxConfig::default()
    };
    if let Some(h) = history {
        config.history = h;
    }
    let sandbox = Sandbox::start(bind, config)
        .await
        .map_err(|e| AppError::Io {
            context: "cannot start the sandbox",
            detail: format!("{bind}: {e}"),
        })?;
    println!("plaid-sandbox listening on {}", sandbox.url());
    let _ = tokio::signal::ctrl_c().await;
    sandbox.shutdown().await;
    Ok(())
}
