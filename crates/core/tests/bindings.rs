//! The UI's TypeScript bindings (`ui/src/lib/backend/bindings/`) are generated with ts-rs from
//! the types that cross the command boundary: every command's input and output, the error
//! (`ErrorView`, `ErrorCode`) and the event payloads. This test renders them and fails when the
//! committed files differ; `cargo xtask bindings` rewrites them (it runs this test with
//! `COFFER_WRITE_BINDINGS=1`).
//!
//! Run: `cargo test -p coffer-core --features ts --test bindings`.
//!
//! How to add a type: derive `ts_rs::TS` on it behind the `ts` feature (as the others do) and,
//! if no listed type reaches it, list it in [`roots`]; then `cargo xtask bindings`. Field
//! types follow the JSON, not the Rust type: a `Decimal` (serialized as text) is
//! `#[ts(type = "string")]`, a chrono date `#[ts(as = "String")]` (ts-rs's chrono feature would
//! change chrono's features, and rebuild its dependents, in every `ts` build); an input field
//! serde fills in by default is optional (`#[ts(optional_fields)]` on the struct for `Option`s,
//! `#[ts(as = "Option<_>", optional)]` for others), as is an output field skipped when `None`.

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use coffer_core::*;
use ts_rs::{Config, TS, TypeVisitor};

/// Where the bindings live, from the workspace root.
const DIR: &str = "ui/src/lib/backend/bindings";

/// The environment variable that makes this test write the files instead of comparing.
const WRITE: &str = "COFFER_WRITE_BINDINGS";

/// 64-bit ids and counts are `number` in TypeScript: ids come from SQLite rowids and counts
/// stay far below 2^53, and the UI does arithmetic on neither.
fn config() -> Config {
    Config::new().with_large_int("number")
}

/// Renders each root and everything it refers to, once.
struct Render<'a> {
    cfg: &'a Config,
    seen: HashSet<TypeId>,
    files: BTreeMap<String, String>,
}

impl Render<'_> {
    fn add<T: TS + 'static + ?Sized>(&mut self) {
        let Some(path) = T::output_path() else {
            return;
        };
        if !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let text = T::export_to_string(self.cfg)
            .unwrap_or_else(|e| panic!("cannot render {}: {e}", T::ident(self.cfg)));
        // ts-rs leaves a space at the end of lines that open a type; git and editors flag it.
        let text: String = text
            .lines()
            .map(|l| l.trim_end().to_owned() + "\n")
            .collect();
        let name = path.to_string_lossy().into_owned();
        assert!(
            self.files.insert(name.clone(), text).is_none(),
            "two types render to {name}: rename one with #[ts(rename)]"
        );
        T::visit_dependencies(self);
    }
}

impl TypeVisitor for Render<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        self.add::<T>();
    }
}

/// Every command's input and output (docs/ARCHITECTURE.md, "The command contract"; src-tauri/src/commands.rs), the error and
/// the event payloads; their fields' types follow.
fn roots(r: &mut Render<'_>) {
    // Errors: every command rejects with `{ code, message, plaid? }`.
    r.add::<ErrorView>();
    r.add::<ErrorCode>();
    // Links.
    r.add::<CreateLinkTokenInput>();
    r.add::<LinkExitInput>();
    r.add::<OpenLinkInput>();
    r.add::<LinkSessionView>();
    r.add::<LinkExitReport>();
    r.add::<LinkEnded>();
    r.add::<OpenedInBrowser>();
    r.add::<QrCodeInput>();
    r.add::<QrCodeView>();
    r.add::<SignIn>();
    r.add::<ExportRequest>();
    r.add::<ExportedFile>();
    r.add::<LinkTokenView>();
    r.add::<ExchangeInput>();
    r.add::<ExchangeOutput>();
    r.add::<FinishUpdateInput>();
    r.add::<PollHostedLinkInput>();
    r.add::<HostedLinkPoll>();
    r.add::<OpenUrlInput>();
    r.add::<LinkView>();
    r.add::<RenameInput>();
    r.add::<RemoveInput>();
    r.add::<OptionalLinkInput>();
    r.add::<SyncReport>();
    // Transactions.
    r.add::<ListTransactionsInput>();
    r.add::<TransactionPage>();
    r.add::<ExportInput>();
    r.add::<ExportOutput>();
    // The person's edits, splits, transfers, categories and rules.
    r.add::<TransactionIdInput>();
    r.add::<EditTransactionsInput>();
    r.add::<SplitInput>();
    r.add::<PairTransferInput>();
    r.add::<CategoryNameInput>();
    r.add::<CategoryView>();
    r.add::<TagView>();
    r.add::<RuleView>();
    r.add::<RuleInput>();
    r.add::<RuleIdInput>();
    r.add::<RuleOrderInput>();
    r.add::<ApplyRulesInput>();
    r.add::<RulePreview>();
    r.add::<RulesApplied>();
    r.add::<RulesProgress>();
    r.add::<RulesDocument>();
    r.add::<ImportRulesInput>();
    // Status and settings.
    r.add::<StatusView>();
    r.add::<SettingsView>();
    r.add::<SettingsInput>();
    r.add::<TestConnectionInput>();
    r.add::<TestConnectionView>();
    // Activity and charts.
    r.add::<ListEventsInput>();
    r.add::<Event>();
    r.add::<HistoryInput>();
    r.add::<BalanceSeries>();
    r.add::<SpendingRow>();
    // Sandbox tools.
    r.add::<QuickLinkInput>();
    r.add::<LinkIdInput>();
    r.add::<FireWebhookInput>();
    r.add::<AddTransactionsInput>();
    r.add::<SandboxFaultInput>();
    // Event payloads (`sync:progress`, `sync:finished`).
    r.add::<SyncProgress>();
}

/// File name → contents, `index.ts` (re-exporting every type) included.
fn render() -> BTreeMap<String, String> {
    let cfg = config();
    let mut r = Render {
        cfg: &cfg,
        seen: HashSet::new(),
        files: BTreeMap::new(),
    };
    roots(&mut r);
    let mut files = r.files;
    let mut index = String::from(
        "// Generated from coffer-core's types by `cargo xtask bindings`. Do not edit this file manually.\n\n",
    );
    for name in files.keys() {
        let ty = name.trim_end_matches(".ts");
        // `index.ts` re-exports types; `PlaidCodes.ts` holds values and is imported by name.
        index.push_str(&format!("export type {{ {ty} }} from \"./{ty}\";\n"));
    }
    files.insert("index.ts".into(), index);
    files.insert("PlaidCodes.ts".into(), plaid_codes());
    files
}

/// `PlaidCodes.ts`: the Plaid codes the UI may name, from the Rust enums, so that no Plaid
/// error code is written by hand in the UI.
fn plaid_codes() -> String {
    fn list<T>(items: &[T], text: impl Fn(&T) -> &str) -> String {
        let quoted: Vec<String> = items.iter().map(|c| format!("'{}'", text(c))).collect();
        format!("[{}]", quoted.join(", "))
    }
    let mut out = String::from(
        "// Generated from coffer-plaid's `ErrorCode` and coffer-core's sandbox lists by `cargo xtask bindings`. Do not edit this file manually.\n\n",
    );
    out.push_str("/** Every Plaid `error_code` Coffer knows (Plaid may send others). */\n");
    out.push_str("export const PLAID_ERROR_CODES = {\n");
    for code in coffer_plaid::ErrorCode::KNOWN {
        out.push_str(&format!("  {0}: '{0}',\n", code.as_str()));
    }
    out.push_str("} as const;\n\n");
    out.push_str("/** The Plaid errors the Sandbox screen can inject, in its order. */\n");
    out.push_str(&format!(
        "export const SANDBOX_FAULT_CODES: readonly string[] = {};\n\n",
        list(SANDBOX_FAULT_CODES, |c| c.as_str())
    ));
    out.push_str("/** The webhooks the Sandbox screen can fire, in its order. */\n");
    out.push_str(&format!(
        "export const SANDBOX_WEBHOOK_CODES: readonly string[] = {};\n",
        list(SANDBOX_WEBHOOK_CODES, |c| c.as_str())
    ));
    out
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(DIR)
}

/// The `.ts` files now in `dir`.
fn committed(dir: &Path) -> BTreeMap<String, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| e.expect("read bindings dir").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ts"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).expect("read binding");
            (name, text)
        })
        .collect()
}

#[test]
fn bindings_are_current() {
    let dir = dir();
    let want = render();
    let have = committed(&dir);
    if std::env::var_os(WRITE).is_some_and(|v| v == "1") {
        std::fs::create_dir_all(&dir).expect("create bindings dir");
        for name in have.keys().filter(|n| !want.contains_key(*n)) {
            std::fs::remove_file(dir.join(name)).expect("remove stale binding");
        }
        let mut changed = 0;
        for (name, text) in &want {
            if have.get(name) != Some(text) {
                std::fs::write(dir.join(name), text).expect("write binding");
                changed += 1;
            }
        }
        eprintln!(
            "{DIR}: {changed} of {} files written, {} stale removed",
            want.len(),
            have.keys().filter(|n| !want.contains_key(*n)).count()
        );
        return;
    }
    let mut drift = Vec::new();
    for (name, text) in &want {
        match have.get(name) {
            None => drift.push(format!("missing: {name}")),
            Some(t) if t != text => drift.push(format!(
                "differs: {name}\n--- committed\n{t}--- generated\n{text}"
            )),
            Some(_) => {}
        }
    }
    for name in have.keys().filter(|n| !want.contains_key(*n)) {
        drift.push(format!("not generated (stale): {name}"));
    }
    assert!(
        drift.is_empty(),
        "the TypeScript bindings in {DIR} are out of date with the Rust types; run `cargo xtask bindings` and commit the result\n\n{}",
        drift.join("\n")
    );
}

#[test]
fn ids_and_counts_are_numbers_not_bigint() {
    for (name, text) in render() {
        assert!(!text.contains("bigint"), "{name} uses bigint:\n{text}");
    }
}

/// `AppError` (what commands reject with; also the shell's start-up error) serializes exactly
/// as `ErrorView`, the type the bindings export for it.
#[test]
fn app_error_serializes_as_error_view() {
    let plaid = PlaidErrorInfo {
        error_type: "ITEM_ERROR".into(),
        error_code: "ITEM_LOGIN_REQUIRED".into(),
        error_message: "the login details of this item have changed".into(),
        display_message: Some("Please log in again".into()),
        request_id: Some("abc".into()),
        status: 400,
    };
    let cases = [
        AppError::LinkNotFound(7),
        AppError::InvalidInput("name is empty".into()),
        AppError::Plaid {
            context: "failed to exchange token",
            plaid: Box::new(plaid.clone()),
        },
        AppError::LoginRequired {
            context: "failed to sync transactions",
            link_id: Some(1),
            plaid: Box::new(plaid),
        },
    ];
    for e in &cases {
        assert_eq!(
            serde_json::to_value(e).unwrap(),
            serde_json::to_value(ErrorView::from(e)).unwrap(),
            "{e:?}"
        );
    }
}
