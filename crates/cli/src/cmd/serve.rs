//! `serve`: the REST API of [`coffer_cli::serve`] on loopback until Ctrl-C or SIGTERM (requests
//! in flight finish first); `serve token ...` manages its bearer tokens.

use std::io::IsTerminal;
use std::net::SocketAddr;

use clap::Subcommand;
use coffer_core::{AppError, Coffer};

use crate::render::{self, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Loopback address to listen on (port 0 picks a free one).
    #[arg(long, default_value = coffer_cli::serve::DEFAULT_BIND)]
    bind: SocketAddr,
    /// A web origin allowed to call the API from a browser (repeatable), e.g.
    /// http://localhost:3000. Without it, no cross-origin browser call is allowed.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    allow_origins: Vec<String>,
    #[command(subcommand)]
    cmd: Option<ServeCmd>,
}

#[derive(Debug, Subcommand)]
enum ServeCmd {
    /// Bearer tokens of the API.
    Token {
        #[command(subcommand)]
        cmd: TokenCmd,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCmd {
    /// Make a token and print it, once (only its hash is kept).
    Create {
        /// What it is for (e.g. the front end's name).
        #[arg(long, default_value = "api")]
        name: String,
    },
    /// List the tokens (never the tokens themselves).
    List,
    /// Revoke a token: requests with it are refused from now on.
    Revoke {
        /// Token id (see `serve token list`).
        id: i64,
    },
}

pub async fn run(coffer: &Coffer, args: Args, out: &Out) -> Result<(), AppError> {
    match args.cmd {
        None => serve(coffer, args.bind, &args.allow_origins).await,
        Some(ServeCmd::Token { cmd }) => token(coffer, cmd, out),
    }
}

/// `serve token create | list | revoke`.
fn token(coffer: &Coffer, cmd: TokenCmd, out: &Out) -> Result<(), AppError> {
    match cmd {
        TokenCmd::Create { name } => {
            let (view, token) = coffer.create_api_token(&name)?;
            let shown = serde_json::json!({
                "id": view.id,
                "name": view.name,
                "createdAt": view.created_at,
                "token": token.expose(),
            });
            out.print(&shown, |w, _| {
                render::line(
                    w,
                    format_args!(
                        "token {} ({}): {}\nkeep it now: it is not shown again (only its hash is stored)",
                        view.id,
                        view.name,
                        token.expose()
                    ),
                )
            });
        }
        TokenCmd::List => out.print(coffer.list_api_tokens()?.as_slice(), render::api_tokens),
        TokenCmd::Revoke { id } => {
            let view = coffer.revoke_api_token(id)?;
            out.print(&view, |w, v| {
                render::line(w, format_args!("revoked token {} ({})", v.id, v.name))
            });
        }
    }
    Ok(())
}

/// Binds (loopback only), says where, serves until Ctrl-C or SIGTERM.
async fn serve(coffer: &Coffer, bind: SocketAddr, origins: &[String]) -> Result<(), AppError> {
    let bind = coffer_cli::serve::check_bind(bind)?;
    // The access log on stderr (`RUST_LOG` changes the level; `warn` silences it), through
    // the same redaction as the desktop's log file.
    let _ = tracing_subscriber::fmt()
        .with_writer(|| coffer_core::redact::Writer(std::io::stderr()))
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .try_init();
    let origins = coffer_cli::serve::parse_origins(origins)?;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| AppError::Io {
            context: "cannot listen",
            detail: format!("{bind}: {e}"),
        })?;
    let local = listener.local_addr().map_err(|e| AppError::Io {
        context: "cannot listen",
        detail: e.to_string(),
    })?;
    let tokens = coffer.list_api_tokens()?;
    if !tokens.iter().any(|t| t.revoked_at.is_none()) {
        eprintln!(
            "coffer-cli serve: no API token yet; every request will get 401 until you create one \
             with `coffer-cli serve token create`"
        );
    }
    eprintln!(
        "coffer-cli serve: {} mode, Plaid at {}; the API's routes are described at \
         http://{local}/api/openapi.json; Ctrl-C stops",
        coffer.mode(),
        coffer.base_url()
    );
    // The one line on stdout: where to send requests (scripts and tests read it).
    println!("listening on http://{local}");
    coffer_cli::serve::run(
        coffer.clone(),
        listener,
        origins,
        coffer_cli::serve::shutdown_signal(),
    )
    .await
    .map_err(|e| AppError::Io {
        context: "the API server failed",
        detail: e.to_string(),
    })
}
