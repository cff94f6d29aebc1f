//! `sync`: new, changed and removed transactions of one link or every active one, with a
//! spinner on an interactive terminal. A report with a failed link exits 1.

use std::io::IsTerminal;
use std::sync::Arc;

use coffer_core::{AppError, Coffer, SyncProgress};
use indicatif::{ProgressBar, ProgressStyle};

use super::Outcome;
use crate::render::{self, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this link (default: every link not archived; broken ones are reported skipped).
    #[arg(long)]
    link: Option<i64>,
}

pub async fn run(coffer: &Coffer, args: Args, out: &Out) -> Result<Outcome, AppError> {
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
    let reports = coffer.sync_transactions(args.link, progress).await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let reports = reports?;
    out.print(reports.as_slice(), render::sync_reports);
    if reports.iter().any(|r| r.error.is_some()) {
        return Ok(Outcome::PartialFailure);
    }
    Ok(Outcome::Done)
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
