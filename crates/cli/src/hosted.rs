//! `coffer-cli link` (without `--sandbox`) and `coffer-cli reconnect LINK`: Plaid's Hosted
//! Link, the way to link a bank without a desktop, in every mode. The address is printed (with
//! a QR code on a terminal, for a phone), the browser opened when there is one, and the
//! command waits, with progress, until the session ends; the link is then stored exactly as
//! the desktop app stores it (`poll_hosted_link` exchanges, or finishes update mode).

use std::io::IsTerminal;
use std::time::Duration;

use coffer_core::{AppError, Coffer, CreateLinkTokenInput, HostedLinkState};
use indicatif::{ProgressBar, ProgressStyle};

/// How often Plaid is asked whether the session ended (Plaid's Hosted Link guide polls about
/// every few seconds; `/link/token/get` is not billed).
const POLL_EVERY: Duration = Duration::from_secs(2);

/// What the person is doing in the browser.
#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    /// A new link.
    New,
    /// Update mode for this link.
    Reconnect(i64),
}

/// Runs Hosted Link for `purpose` until it ends; returns the link made or repaired.
/// Everything for the person goes to stderr, so `--json` keeps stdout for the result.
pub async fn run(coffer: &Coffer, purpose: Purpose, open_browser: bool) -> Result<i64, AppError> {
    let link_id = match purpose {
        Purpose::New => None,
        Purpose::Reconnect(id) => Some(id),
    };
    let token = coffer
        .create_link_token(CreateLinkTokenInput {
            use_cache: false,
            link_id,
            account_selection: false,
            hosted: true,
        })
        .await?;
    let url = token
        .hosted_link_url
        .clone()
        .ok_or_else(|| AppError::NotConfigured("Plaid returned no Hosted Link address".into()))?;
    let what = match purpose {
        Purpose::New => "link your bank".to_string(),
        Purpose::Reconnect(id) => format!("reconnect link {id}"),
    };
    eprintln!("To {what}, open this address in a browser (here, or on your phone):\n\n  {url}\n");
    let terminal = std::io::stderr().is_terminal();
    if terminal && let Ok(code) = coffer_core::qr::terminal(&url) {
        eprintln!("{code}");
    }
    if open_browser {
        match launch_browser(&url) {
            Ok(()) => eprintln!("Opened it in your browser."),
            Err(why) => eprintln!(
                "No browser could be opened here ({why}); use the address or the QR code above."
            ),
        }
    }
    let bar = terminal.then(|| {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} waiting for you to finish in the browser ({elapsed}; Ctrl-C stops waiting)")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let expires = chrono::DateTime::parse_from_rfc3339(&token.expiration).ok();
    let result = loop {
        let poll = coffer.poll_hosted_link(&token.link_token).await;
        match poll {
            Ok(p) => match p.state {
                HostedLinkState::Pending => {}
                HostedLinkState::Success => {
                    break p
                        .link_id
                        .or(link_id)
                        .ok_or_else(|| AppError::invalid("Hosted Link finished without a link"));
                }
                HostedLinkState::Exited => {
                    break Err(match p.error {
                        Some(e) => AppError::Plaid {
                            context: "Link ended in an error",
                            plaid: Box::new(e),
                        },
                        None => AppError::invalid(
                            "Link was closed in the browser before it finished; run the command again to retry",
                        ),
                    });
                }
            },
            // A transient failure (network, Plaid busy) is retried at the next poll.
            Err(e) if transient(&e) => tracing::debug!(error = %e, "poll failed; retrying"),
            Err(e) => break Err(e),
        }
        if expires.is_some_and(|at| chrono::Utc::now() >= at) {
            break Err(AppError::invalid(
                "the Hosted Link address expired before the session ended; run the command again",
            ));
        }
        tokio::time::sleep(POLL_EVERY).await;
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    result
}

/// A failure the next poll may not see (network, Plaid busy or rate-limiting).
fn transient(e: &AppError) -> bool {
    matches!(e, AppError::Network { .. })
        || e.plaid()
            .is_some_and(|p| p.status >= 500 || p.error_type == "RATE_LIMIT_EXCEEDED")
}

/// Opens `url` with the platform's launcher; the reason when none worked.
fn launch_browser(url: &str) -> Result<(), String> {
    let candidates: &[(&str, &[&str])] = if cfg!(target_os = "macos") {
        &[("open", &[])]
    } else if cfg!(windows) {
        &[("cmd", &["/C", "start", ""])]
    } else {
        &[("xdg-open", &[]), ("gio", &["open"])]
    };
    let mut why = String::from("no launcher found");
    for (program, args) in candidates {
        match std::process::Command::new(program)
            .args(*args)
            .arg(url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
        {
            Ok(s) if s.success() => return Ok(()),
            Ok(s) => why = format!("{program} exited with {s}"),
            Err(e) => why = format!("{program}: {e}"),
        }
    }
    Err(why)
}
