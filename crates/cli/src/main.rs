//! `coffer-cli`: the headless front end over coffer-core.
//!
//! It shares the desktop's data directory (`COFFER_HOME` or the platform's app data dir) and
//! keychain, so it is good for scripts, cron and machines without a display. With no Plaid
//! keys configured it runs against the embedded offline sandbox, whose state persists in the
//! data directory: an item linked in one run is still there in the next.
//!
//! Output: human tables by default; `--json` prints one stable JSON document on stdout (the
//! same camelCase shapes the desktop UI receives). Errors print one line on stderr (with
//! `--json`, the error object `{ code, message, plaid? }` on stdout too) and exit non-zero.
//!
//! ## How to add a command
//! Add a variant to [`Cmd`], handle it in [`execute`] with one call into [`Coffer`], and
//! render its result in both forms with [`Out::print`]. Add a case to `tests/cli.rs`.

mod render;

use std::io::{IsTerminal, Read};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use coffer_cli::hosted;
use coffer_core::sandbox::{Sandbox, SandboxConfig};
use coffer_core::{
    AppError, Coffer, CreateLinkTokenInput, ExportFormat, ExportInput, ListTransactionsInput, Mode,
    SettingsInput, SignIn, SyncProgress,
};
use indicatif::{ProgressBar, ProgressStyle};

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
    cmd: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Mode, data directory, links that need attention, recent events.
    Status,
    /// Linked institutions with their accounts and balances.
    Links,
    /// Link a bank through Plaid's Hosted Link: prints its address (and a QR code), opens
    /// the browser when there is one, waits until you finish, stores the link. Offline and
    /// sandbox modes also take `--sandbox INSTITUTION_ID`: linked at once with test
    /// credentials, no browser.
    Link {
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
    },
    /// Reconnect a link whose bank needs you to log in again (Plaid's update mode), through
    /// Hosted Link in the browser, as `link` does.
    Reconnect {
        /// The link (its id in `links`).
        link: i64,
        /// Print the address only; do not try to open a browser.
        #[arg(long)]
        no_browser: bool,
    },
    /// Create a Link token (for a Link UI or Hosted Link), optionally for update mode.
    LinkToken {
        /// Update mode for this link (reconnect).
        #[arg(long)]
        link: Option<i64>,
        /// Ask for a Hosted Link URL.
        #[arg(long)]
        hosted: bool,
        /// Reuse an unexpired, unused token for the same purpose.
        #[arg(long)]
        use_cache: bool,
    },
    /// Download new, changed and removed transactions.
    Sync {
        /// Only this link (default: every active link).
        #[arg(long)]
        link: Option<i64>,
    },
    /// Show balances; `--refresh` asks the bank for live ones (billed by Plaid in production).
    Balances {
        /// Fetch live balances first.
        #[arg(long)]
        refresh: bool,
        /// Only this link.
        #[arg(long)]
        link: Option<i64>,
    },
    /// List stored transactions, newest first.
    Transactions {
        #[command(flatten)]
        filter: FilterArgs,
        /// Rows per page.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Rows to skip.
        #[arg(long, default_value_t = 0)]
        offset: u64,
        /// Print CSV instead of a table.
        #[arg(long, conflicts_with = "json")]
        csv: bool,
    },
    /// Write transactions to a file (CSV, OFX or JSON), exact amounts.
    Export {
        /// File format.
        #[arg(long, value_enum)]
        format: FormatArg,
        /// Destination file.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Rename a link.
    Rename {
        /// Link id (see `links`).
        link: i64,
        /// New name.
        name: String,
    },
    /// Remove a link at Plaid, then its keychain entry, then its rows.
    Remove {
        /// Link id (see `links`).
        link: i64,
        /// Keep accounts and transactions as an archived link.
        #[arg(long)]
        keep_data: bool,
    },
    /// Ask Plaid (`/item/get`) which links need the user to log in again.
    ReconnectCheck,
    /// Show or change settings. The secret is read from stdin and goes to the keychain.
    Settings {
        #[command(subcommand)]
        cmd: Option<SettingsCmd>,
    },
    /// Sandbox tools (offline and sandbox modes).
    Sandbox {
        #[command(subcommand)]
        cmd: SandboxCmd,
    },
    /// Serve the link lifecycle as a REST API on loopback, for a web front end (Ctrl-C stops
    /// it); `serve token ...` manages the API's bearer tokens.
    #[command(args_conflicts_with_subcommands = true)]
    Serve {
        /// Loopback address to listen on (port 0 picks a free one).
        #[arg(long, default_value = coffer_cli::serve::DEFAULT_BIND)]
        bind: SocketAddr,
        /// A web origin allowed to call the API from a browser (repeatable), e.g.
        /// http://localhost:3000. Without it, no cross-origin browser call is allowed.
        #[arg(long = "allow-origin", value_name = "ORIGIN")]
        allow_origins: Vec<String>,
        #[command(subcommand)]
        cmd: Option<ServeCmd>,
    },
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

#[derive(Debug, clap::Args)]
struct FilterArgs {
    /// Only these Plaid account ids (repeatable).
    #[arg(long = "account", value_name = "ACCOUNT_ID")]
    accounts: Vec<String>,
    /// From this date (YYYY-MM-DD, inclusive).
    #[arg(long)]
    from: Option<NaiveDate>,
    /// To this date (YYYY-MM-DD, inclusive).
    #[arg(long)]
    to: Option<NaiveDate>,
    /// Text in the name or merchant (case-insensitive).
    #[arg(long)]
    search: Option<String>,
}

impl FilterArgs {
    fn into_input(self, limit: u32, offset: u64) -> ListTransactionsInput {
        ListTransactionsInput {
            account_ids: (!self.accounts.is_empty()).then_some(self.accounts),
            from: self.from,
            to: self.to,
            search: self.search,
            limit,
            offset,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Csv,
    Ofx,
    Json,
}

impl From<FormatArg> for ExportFormat {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Csv => ExportFormat::Csv,
            FormatArg::Ofx => ExportFormat::Ofx,
            FormatArg::Json => ExportFormat::Json,
        }
    }
}

#[derive(Debug, Subcommand)]
enum SettingsCmd {
    /// Show the settings (never the secret).
    Show,
    /// Change settings; only the options given change.
    Set {
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
    },
}

/// `--sign-in`.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum SignInArg {
    App,
    Browser,
}

#[derive(Debug, Subcommand)]
enum SandboxCmd {
    /// Run the offline Plaid sandbox standalone (Ctrl-C stops it).
    Serve {
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
    },
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
    match runtime.block_on(execute(cli.cmd, &out)) {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::PartialFailure) => ExitCode::FAILURE,
        Err(err) => {
            out.error(&err);
            ExitCode::FAILURE
        }
    }
}

async fn execute(cmd: Cmd, out: &Out) -> Result<Outcome, AppError> {
    if let Cmd::Sandbox {
        cmd:
            SandboxCmd::Serve {
                bind,
                client_id,
                secret,
                history,
                state,
            },
    } = cmd
    {
        serve_sandbox(bind, client_id.zip(secret), history, state).await?;
        return Ok(Outcome::Done);
    }
    let coffer = Coffer::open().await?;
    let result = run_command(&coffer, cmd, out).await;
    coffer.shutdown().await;
    result
}

/// How a command that printed its result ended.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Done,
    /// The report was printed but some of it failed (e.g. one link of several did not sync).
    PartialFailure,
}

async fn run_command(coffer: &Coffer, cmd: Cmd, out: &Out) -> Result<Outcome, AppError> {
    match cmd {
        Cmd::Status => out.print(&coffer.get_status().await?, render::status),
        Cmd::Links => out.print(coffer.list_links().await?.as_slice(), render::links),
        Cmd::Link {
            sandbox,
            no_browser,
            username,
            password,
        } => {
            let link_id = match sandbox {
                Some(institution) => {
                    coffer
                        .sandbox_quick_link(&institution, &username, &password)
                        .await?
                        .link_id
                }
                None => hosted::run(coffer, hosted::Purpose::New, !no_browser).await?,
            };
            let view = coffer.link_view(link_id)?;
            out.print(&view, |w, v| render::links(w, std::slice::from_ref(v)));
        }
        Cmd::Reconnect { link, no_browser } => {
            let id = hosted::run(coffer, hosted::Purpose::Reconnect(link), !no_browser).await?;
            let view = coffer.link_view(id)?;
            out.print(&view, |w, v| render::links(w, std::slice::from_ref(v)));
        }
        Cmd::LinkToken {
            link,
            hosted,
            use_cache,
        } => {
            let token = coffer
                .create_link_token(CreateLinkTokenInput {
                    use_cache,
                    link_id: link,
                    account_selection: false,
                    hosted,
                })
                .await?;
            out.print(&token, render::link_token);
        }
        Cmd::Sync { link } => {
            let bar = progress_bar(out);
            let progress = bar.clone().map(|bar| {
                Arc::new(move |p: SyncProgress| {
                    bar.set_message(format!(
                        "link {}: {} pages, {} rows{}",
                        p.link_id,
                        p.pages,
                        p.rows,
                        if p.restarts > 0 {
                            format!(", {} restarts", p.restarts)
                        } else {
                            String::new()
                        }
                    ));
                    bar.tick();
                }) as coffer_core::ProgressFn
            });
            let reports = coffer.sync_transactions(link, progress).await;
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            let reports = reports?;
            out.print(reports.as_slice(), render::sync_reports);
            if reports.iter().any(|r| r.error.is_some()) {
                return Ok(Outcome::PartialFailure);
            }
        }
        Cmd::Balances { refresh, link } => {
            let links = if refresh {
                coffer.refresh_balances(link).await?
            } else {
                let all = coffer.list_links().await?;
                match link {
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
        }
        Cmd::Transactions {
            filter,
            limit,
            offset,
            csv,
        } => {
            let page = coffer
                .list_transactions(filter.into_input(limit, offset))
                .await?;
            if csv {
                render::transactions_csv(&page.rows);
            } else {
                out.print(&page, render::transactions);
            }
        }
        Cmd::Export {
            format,
            out: path,
            filter,
        } => {
            let path = std::path::absolute(&path)
                .map_err(|e| AppError::invalid(format!("export path {}: {e}", path.display())))?;
            let written = coffer
                .export_transactions(ExportInput {
                    format: format.into(),
                    path: path.clone(),
                    filter: filter.into_input(1, 0),
                })
                .await?;
            out.print(&written, |w, r| {
                render::line(
                    w,
                    format_args!("wrote {} transactions to {}", r.rows, path.display()),
                )
            });
        }
        Cmd::Rename { link, name } => {
            let view = coffer.rename_link(link, &name).await?;
            out.print(&view, |w, v| render::links(w, std::slice::from_ref(v)));
        }
        Cmd::Remove { link, keep_data } => {
            coffer.remove_link(link, keep_data).await?;
            out.print(&serde_json::json!({}), |w, _| {
                render::line(
                    w,
                    format_args!(
                        "removed link {link}{}",
                        if keep_data {
                            " (data kept, archived)"
                        } else {
                            ""
                        }
                    ),
                )
            });
        }
        Cmd::ReconnectCheck => {
            let links = coffer.reconnect_check().await?;
            out.print(links.as_slice(), render::reconnect);
        }
        Cmd::Settings { cmd } => match cmd.unwrap_or(SettingsCmd::Show) {
            SettingsCmd::Show => out.print(&coffer.get_settings().await?, render::settings),
            SettingsCmd::Set {
                client_id,
                environment,
                secret_stdin,
                countries,
                days_requested,
                link_limit,
                sign_in,
            } => {
                let environment = environment.map(|e| e.parse::<Mode>()).transpose()?;
                let secret = if secret_stdin {
                    Some(read_secret()?)
                } else {
                    None
                };
                let view = coffer
                    .save_settings(SettingsInput {
                        client_id,
                        secret,
                        environment,
                        country_codes: (!countries.is_empty()).then_some(countries),
                        days_requested,
                        link_limit,
                        products: None,
                        sign_in: sign_in.map(|s| match s {
                            SignInArg::App => SignIn::App,
                            SignInArg::Browser => SignIn::Browser,
                        }),
                    })
                    .await?;
                out.print(&view, render::settings);
            }
        },
        Cmd::Serve {
            bind,
            allow_origins,
            cmd: None,
        } => serve(coffer, bind, &allow_origins).await?,
        Cmd::Serve {
            cmd: Some(ServeCmd::Token { cmd }),
            ..
        } => match cmd {
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
        },
        Cmd::Sandbox { cmd } => {
            match cmd {
                SandboxCmd::ResetLogin { link } => {
                    coffer.sandbox_reset_login(link).await?;
                    out.print(&serde_json::json!({}), |w, _| {
                    render::line(w, format_args!("link {link} now needs the user to log in again (ITEM_LOGIN_REQUIRED)"))
                });
                }
                SandboxCmd::FireWebhook { link, code } => {
                    coffer.sandbox_fire_webhook(link, &code).await?;
                    out.print(&serde_json::json!({}), |w, _| {
                        render::line(w, format_args!("webhook {code} fired for link {link}"))
                    });
                }
                SandboxCmd::Serve { .. } => unreachable!("handled before opening the store"),
            }
        }
    }
    Ok(Outcome::Done)
}

/// `serve`: binds (loopback only), says where, serves until Ctrl-C or SIGTERM.
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

/// A spinner with a running count, only on an interactive terminal and not with `--json`.
fn progress_bar(out: &Out) -> Option<ProgressBar> {
    if out.json || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} syncing {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}

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

async fn serve_sandbox(
    bind: SocketAddr,
    credentials: Option<(String, String)>,
    history: Option<usize>,
    state: Option<PathBuf>,
) -> Result<(), AppError> {
    let mut config = SandboxConfig {
        credentials,
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
