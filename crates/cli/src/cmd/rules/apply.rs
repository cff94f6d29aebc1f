//! `rules apply [--rule ID] [--yes]`: what the rules would change on the stored transactions
//! (how many rows, with examples), a question (unless `--yes`), then the change, all or
//! nothing, with progress on an interactive terminal. The change is refused when the data
//! moved since the preview (a sync meanwhile): run it again.
//!
//! With `--json`, one document at the end: `{ "preview": ..., "applied": ... }` (`applied` is
//! `null` when nothing was to change or the answer was no).

use std::io::IsTerminal;

use coffer_core::{AppError, ApplyRulesInput, Coffer, RulePreview, RulesApplied, RulesProgress};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::render::{self, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only the transactions this rule holds for (every rule still runs on them, in order).
    #[arg(long, value_name = "ID")]
    rule: Option<i64>,
    /// Apply without asking.
    #[arg(long, short = 'y')]
    yes: bool,
}

/// The `--json` document.
#[derive(Debug, Serialize)]
struct Report {
    preview: RulePreview,
    applied: Option<RulesApplied>,
}

pub async fn run(coffer: &Coffer, args: Args, out: &Out) -> Result<(), AppError> {
    let preview = coffer
        .preview_rules(ApplyRulesInput {
            rule_id: args.rule,
            revision: None,
        })
        .await?;
    out.text(&preview, render::rule_preview);
    let go = preview.changed > 0 && (args.yes || confirm(preview.changed)?);
    if preview.changed > 0 && !go {
        eprintln!("Nothing was changed.");
    }
    let applied = if go {
        let bar = progress_bar(out);
        let report = bar.clone().map(|bar| {
            move |p: RulesProgress| {
                bar.set_length(p.total);
                bar.set_position(p.done);
            }
        });
        let applied = coffer
            .apply_rules(
                ApplyRulesInput {
                    rule_id: args.rule,
                    revision: Some(preview.revision.clone()),
                },
                report
                    .as_ref()
                    .map(|f| f as &(dyn Fn(RulesProgress) + Sync)),
            )
            .await;
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        Some(applied?)
    } else {
        None
    };
    if let Some(a) = &applied {
        out.text(a, render::rules_applied);
    }
    if out.json {
        out.print(&Report { preview, applied }, |_, _| {});
    }
    Ok(())
}

/// Asks on stderr, reads the answer from stdin: yes only for `y` or `yes`.
fn confirm(changed: u64) -> Result<bool, AppError> {
    eprint!("Apply the rules to these {changed} transactions? [y/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| AppError::invalid(format!("could not read the answer: {e}")))?;
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}

/// A bar of rows done, only on an interactive terminal and not with `--json`.
fn progress_bar(out: &Out) -> Option<ProgressBar> {
    if out.json || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("applying rules {bar:30} {pos}/{len} rows ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}
