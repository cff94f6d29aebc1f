//! `plaid-sandbox`: run the offline Plaid Sandbox.
//!
//! `plaid-sandbox --bind 127.0.0.1:PORT [--client-id ID --secret SECRET] [--history N] [--state FILE]
//! [--webhook-allow HOST]...`

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use coffer_sandbox::{Sandbox, SandboxConfig};

/// An offline, stateful server that answers like Plaid's Sandbox.
#[derive(Debug, Parser)]
#[command(name = "plaid-sandbox", version)]
struct Args {
    /// Loopback address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:0")]
    bind: SocketAddr,
    /// Only accept this client_id (requires --secret).
    #[arg(long, requires = "secret")]
    client_id: Option<String>,
    /// Only accept this secret (requires --client-id).
    #[arg(
        long,
        requires = "client_id",
        env = "PLAID_SANDBOX_SECRET",
        hide_env_values = true
    )]
    secret: Option<String>,
    /// Transactions per new Item, dated evenly over its days_requested (Link's or
    /// /sandbox/public_token/create's `transactions.days_requested`, default 90 days).
    #[arg(long, default_value_t = coffer_sandbox::DEFAULT_HISTORY)]
    history: usize,
    /// Also deliver webhooks to this host (loopback hosts always are); repeatable.
    #[arg(long = "webhook-allow", value_name = "HOST")]
    webhook_allow: Vec<String>,
    /// Persist state to this JSON file (loaded at start).
    #[arg(long)]
    state: Option<PathBuf>,
    /// Seed for generated data.
    #[arg(long)]
    seed: Option<u64>,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let mut config = SandboxConfig {
        history: args.history,
        state_path: args.state,
        webhook_allow: args.webhook_allow,
        ..SandboxConfig::default()
    };
    if let Some(seed) = args.seed {
        config.seed = seed;
    }
    if let (Some(id), Some(secret)) = (args.client_id, args.secret) {
        config.credentials = Some((id, secret));
    }
    let sandbox = match Sandbox::start(args.bind, config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("plaid-sandbox: {e}");
            return ExitCode::from(2);
        }
    };
    println!("plaid-sandbox listening on {}", sandbox.url());
    let _ = tokio::signal::ctrl_c().await;
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}
