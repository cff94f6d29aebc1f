//! Output: the stable JSON form (`--json`) or human tables; errors for a person (what failed,
//! what Plaid said, what to do), or with `--json` one line on stderr and the error object.
//! The person's edits, categories, tags and rules are shown by [`personal`].

use coffer_core::{
    ApiTokenView, AppError, LinkHealth, LinkTokenView, LinkView, SettingsView, StatusView,
    SyncReport, SyncStatus, TransactionPage, TransactionView,
};
use serde::Serialize;

/// `writeln!` into the output buffer (writing to a `String` cannot fail).
macro_rules! out {
    ($w:expr) => {{
        use std::fmt::Write as _;
        let _ = writeln!($w);
    }};
    ($w:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($w, $($arg)*);
    }};
}

mod personal;

pub use personal::*;

/// Where and how results are printed.
#[derive(Debug, Clone, Copy)]
pub struct Out {
    /// `--json`: one JSON document on stdout.
    pub json: bool,
}

impl Out {
    /// Prints `value` as pretty JSON, or through `human`.
    pub fn print<T: Serialize + ?Sized>(&self, value: &T, human: impl FnOnce(&mut String, &T)) {
        let mut w = String::new();
        if self.json {
            match serde_json::to_string_pretty(value) {
                Ok(s) => out!(w, "{s}"),
                Err(e) => eprintln!("coffer-cli: could not encode the result: {e}"),
            }
        } else {
            human(&mut w, value);
        }
        write_stdout(&w);
    }

    /// Prints `value` through `human`, and nothing with `--json` (for a part of the result
    /// shown before a question; the JSON document comes whole at the end).
    pub fn text<T: ?Sized>(&self, value: &T, human: impl FnOnce(&mut String, &T)) {
        if !self.json {
            let mut w = String::new();
            human(&mut w, value);
            write_stdout(&w);
        }
    }

    /// The error on stderr: for a person ([`error_text`]), or with `--json` one line on stderr
    /// and `{ "error": { code, message, remedy, plaid? } }` on stdout.
    pub fn error(&self, err: &AppError) {
        if !self.json {
            eprint!("{}", error_text(err));
            return;
        }
        let code = serde_json::to_value(err.code())
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let shown = err
            .plaid()
            .and_then(|p| p.display_message.clone())
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        eprintln!("coffer-cli: {err}{shown} [{code}]");
        write_stdout(&format!("{}\n", serde_json::json!({ "error": err })));
    }
}

/// An error for a person: what failed; when Plaid refused, Plaid's code, type and own reason
/// (and its message for end users, when it sent one); what to do (the core's remedy); and the
/// request id to quote to Plaid's support.
///
/// ```text
/// error: failed to create link token
///   Plaid: INVALID_INSTITUTION (INVALID_INPUT): <Plaid's error_message>
///   What to do: Plaid does not know this institution. Check its id (...).
///   Request id: <request id>
/// ```
pub fn error_text(err: &AppError) -> String {
    let mut w = String::new();
    out!(w, "error: {err}");
    let plaid = err.plaid();
    if let Some(p) = plaid {
        let reason = if p.error_message.trim().is_empty() {
            String::new()
        } else {
            format!(": {}", p.error_message)
        };
        out!(w, "  Plaid: {} ({}){reason}", p.error_code, p.error_type);
        if let Some(shown) = p
            .display_message
            .as_deref()
            .filter(|d| !d.trim().is_empty() && *d != p.error_message)
        {
            out!(w, "  Plaid says: {shown}");
        }
    }
    if let Some(remedy) = err.remedy() {
        out!(w, "  What to do: {remedy}");
    }
    if let Some(id) = plaid.and_then(|p| p.request_id.as_deref()) {
        out!(w, "  Request id: {id}");
    }
    w
}

/// Writes everything at once; a closed pipe (`coffer-cli ... | head`) is not an error.
fn write_stdout(text: &str) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

/// One line of human output.
pub fn line(w: &mut String, args: std::fmt::Arguments<'_>) {
    out!(w, "{args}");
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("-")
}

/// `status`.
pub fn status(w: &mut String, s: &StatusView) {
    out!(w, "mode       {:?}", s.mode);
    out!(w, "plaid      {}", s.base_url);
    out!(w, "data       {}", s.data_dir);
    out!(w, "database   {} (schema {})", s.database, s.schema_version);
    out!(w, "links      {}", s.links);
    for a in &s.attention {
        out!(w, "attention  [{}] {}: {}", a.link_id, a.name, a.remedy);
    }
    for issue in &s.reconcile {
        out!(
            w,
            "reconcile  {} item {}: {}",
            issue.kind,
            issue.item_id,
            issue.action
        );
    }
    for note in &s.notes {
        out!(w, "note       {note}");
    }
    if s.links == 0 {
        out!(w);
        out!(
            w,
            "No links yet. Try: coffer-cli link --sandbox ins_109508   (First Platypus Bank)"
        );
    }
    if !s.recent_events.is_empty() {
        out!(w, "\nrecent events");
        for e in s.recent_events.iter().take(10) {
            out!(
                w,
                "  {}  {:<22} {}{}",
                e.at,
                e.kind,
                e.detail,
                e.error_code
                    .as_ref()
                    .map(|c| format!(" [{c}]"))
                    .unwrap_or_default()
            );
        }
    }
}

fn status_word(l: &LinkView) -> &'static str {
    match l.health {
        LinkHealth::Healthy => "healthy",
        LinkHealth::NeedsReconnect => "needs reconnect",
        LinkHealth::Broken => "broken",
        LinkHealth::Error => "error",
        LinkHealth::Archived => "archived",
    }
}

/// `links`.
pub fn links(w: &mut String, links: &[LinkView]) {
    if links.is_empty() {
        out!(w, "No links. Try: coffer-cli link --sandbox ins_109508");
        return;
    }
    for l in links {
        out!(
            w,
            "[{}] {}  ({}, {})  last sync: {}{}",
            l.id,
            l.name,
            opt(&l.institution_name),
            status_word(l),
            l.last_sync_at.as_deref().unwrap_or("never"),
            l.last_error
                .as_ref()
                .map(|e| format!("  last error: {}", e.code))
                .unwrap_or_default()
        );
        if let Some(day) = &l.reconnect_before {
            out!(
                w,
                "    The bank's consent ends soon: reconnect before {day} (coffer-cli reconnect {}).",
                l.id
            );
        }
        account_rows(w, l);
    }
}

/// One link (`link`, `reconnect`, `rename`), as in `links`.
pub fn link(w: &mut String, l: &LinkView) {
    links(w, std::slice::from_ref(l));
}

fn account_rows(w: &mut String, l: &LinkView) {
    for a in &l.accounts {
        let (current, available, currency) = match &a.balance {
            Some(b) => (
                b.current.map(|d| d.to_string()),
                b.available.map(|d| d.to_string()),
                b.iso_currency_code
                    .clone()
                    .or_else(|| b.unofficial_currency_code.clone()),
            ),
            None => (None, None, None),
        };
        out!(
            w,
            "    {:<28} {:>6}  {:<14} current {:>12} available {:>12} {}",
            a.name,
            a.mask
                .as_deref()
                .map(|m| format!("…{m}"))
                .unwrap_or_default(),
            a.subtype.as_deref().unwrap_or(&a.account_type),
            current.as_deref().unwrap_or("-"),
            available.as_deref().unwrap_or("-"),
            currency.as_deref().unwrap_or("")
        );
    }
}

/// `balances`.
pub fn balances(w: &mut String, links: &[LinkView]) {
    if links.is_empty() {
        out!(w, "No links.");
    }
    for l in links {
        out!(w, "[{}] {}", l.id, l.name);
        account_rows(w, l);
    }
}

/// `reconnect-check`: a link is called healthy only if Plaid's last answer about it was good.
pub fn reconnect(w: &mut String, links: &[LinkView]) {
    let live: Vec<&LinkView> = links
        .iter()
        .filter(|l| l.health != LinkHealth::Archived)
        .collect();
    let mut healthy = 0;
    for l in &live {
        match &l.remedy {
            None => healthy += 1,
            Some(remedy) => {
                let code = l
                    .last_error
                    .as_ref()
                    .map(|e| format!(" [{}]", e.code))
                    .unwrap_or_default();
                out!(
                    w,
                    "[{}] {}: {}{code}. {remedy}",
                    l.id,
                    l.name,
                    status_word(l)
                );
            }
        }
    }
    if live.is_empty() {
        out!(w, "No links to check.");
    } else if healthy == live.len() {
        out!(w, "All {} links are healthy.", live.len());
    } else if healthy > 0 {
        out!(w, "{healthy} of {} links are healthy.", live.len());
    }
}

/// `link-token`.
pub fn link_token(w: &mut String, t: &LinkTokenView) {
    out!(w, "link token  {}", t.link_token);
    out!(w, "expires     {}", t.expiration);
    if let Some(url) = &t.hosted_link_url {
        out!(w, "hosted link {url}");
    }
}

/// `sync`.
pub fn sync_reports(w: &mut String, reports: &[SyncReport]) {
    if reports.is_empty() {
        out!(w, "Nothing to sync: no active links.");
    }
    for r in reports {
        let what = match r.status {
            SyncStatus::Updated => format!(
                "+{} added, {} modified, {} removed ({} pages{})",
                r.added,
                r.modified,
                r.removed,
                r.pages,
                if r.restarts > 0 {
                    format!(", restarted {} times", r.restarts)
                } else {
                    String::new()
                }
            ),
            SyncStatus::NotReady => {
                "the bank is still preparing transactions; sync again in a minute".into()
            }
            SyncStatus::LoginRequired => {
                "the bank needs you to log in again (reconnect this link)".into()
            }
            SyncStatus::Skipped => "skipped".into(),
            SyncStatus::Failed => "failed".into(),
        };
        let err = r
            .error
            .as_ref()
            .map(|e| format!(": {}", e.message))
            .unwrap_or_default();
        out!(w, "link {}: {what}{err}", r.link_id);
        if let Some(e) = &r.error {
            if let Some(p) = &e.plaid {
                out!(
                    w,
                    "  Plaid: {} ({}): {}",
                    p.error_code,
                    p.error_type,
                    p.error_message
                );
            }
            if let Some(remedy) = &e.remedy {
                out!(w, "  What to do: {remedy}");
            }
        }
    }
}

/// `transactions`.
pub fn transactions(w: &mut String, page: &TransactionPage) {
    for t in &page.rows {
        personal::transaction_line(w, t);
    }
    out!(
        w,
        "{} of {} transactions (positive = money out)",
        page.rows.len(),
        page.total
    );
}

/// `transactions --csv`: Plaid's columns, then what the person set (their name, the category
/// they see, tags separated by `;`, excluded, the other side of a transfer).
pub fn transactions_csv(rows: &[TransactionView]) {
    let mut w = csv_writer();
    let _ = w.write_record([
        "date",
        "amount",
        "currency",
        "name",
        "merchant",
        "pending",
        "account_id",
        "transaction_id",
        "display_name",
        "category",
        "tags",
        "excluded",
        "transfer_with",
    ]);
    for t in rows {
        let p = t.personal.as_deref();
        let tags: Vec<&str> = p
            .map(|p| p.tags.iter().map(|t| t.tag.as_str()).collect())
            .unwrap_or_default();
        let _ = w.write_record([
            t.date.to_string(),
            t.amount.to_string(),
            t.iso_currency_code.clone().unwrap_or_default(),
            t.name.clone(),
            t.merchant_name.clone().unwrap_or_default(),
            t.pending.to_string(),
            t.account_id.clone(),
            t.transaction_id.clone(),
            t.display_name().to_string(),
            t.effective_category().unwrap_or_default().to_string(),
            tags.join(";"),
            p.is_some_and(|p| p.excluded).to_string(),
            p.and_then(|p| p.transfer.as_ref())
                .map(|x| x.other_transaction_id.clone())
                .unwrap_or_default(),
        ]);
    }
    let _ = w.flush();
}

fn csv_writer() -> csv::Writer<std::io::Stdout> {
    csv::Writer::from_writer(std::io::stdout())
}

/// `settings`.
pub fn settings(w: &mut String, s: &SettingsView) {
    out!(w, "mode            {:?}", s.mode);
    out!(w, "plaid           {}", s.base_url);
    out!(w, "client id       {}", opt(&s.client_id));
    out!(
        w,
        "environment     {}",
        s.environment
            .map(|m| m.as_str().to_string())
            .unwrap_or_else(|| "-".into())
    );
    out!(
        w,
        "secret          {}",
        if s.secret_saved { "saved" } else { "not saved" }
    );
    out!(w, "countries       {}", s.country_codes.join(", "));
    out!(w, "days requested  {}", s.days_requested);
    out!(w, "products        {}", s.products.join(", "));
    out!(w, "link limit      {}", s.link_limit);
    out!(
        w,
        "sign in         {}",
        match s.sign_in {
            coffer_core::SignIn::App => "in Coffer (banks with their own sign-in page: browser)",
            coffer_core::SignIn::Browser => "in the browser (Hosted Link)",
        }
    );
    out!(
        w,
        "data use        {}",
        s.data_use_accepted_at
            .as_deref()
            .map(|at| format!("accepted {at}"))
            .unwrap_or_else(|| "not yet accepted (asked before the first link)".into())
    );
    if !s.env_overrides.is_empty() {
        out!(w, "from env        {}", s.env_overrides.join(", "));
    }
}

/// `serve token list`.
pub fn api_tokens(w: &mut String, tokens: &[ApiTokenView]) {
    if tokens.is_empty() {
        out!(
            w,
            "No API tokens. Make one: coffer-cli serve token create --name NAME"
        );
        return;
    }
    for t in tokens {
        let state = match &t.revoked_at {
            Some(at) => format!("revoked {at}"),
            None => "live".to_string(),
        };
        out!(
            w,
            "[{}] {}  created {}  {}",
            t.id,
            t.name,
            t.created_at,
            state
        );
    }
}
