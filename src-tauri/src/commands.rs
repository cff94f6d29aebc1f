//! The commands the webview may call (docs/ARCHITECTURE.md, "The command contract"): each validates what the webview sent
//! (untrusted), calls one function of coffer-core and maps the error. No behaviour lives here.
//!
//! Every command takes one argument, `input` (the UI calls `invoke(name, { input })`); inputs
//! are coffer-core's (`views.rs`) and reject unknown fields. Errors serialize as
//! `{ code, message, remedy, plaid? }` (coffer-core's `ErrorView`). The UI's TypeScript types of both
//! are generated from coffer-core (`cargo xtask bindings`).

use coffer_core::store::events::Event;
use coffer_core::{
    AddTransactionsInput, AppError, ApplyRulesInput, CategoryNameInput, CategoryView, Coffer,
    CreateLinkTokenInput, EditTransactionsInput, ErrorView, ExchangeInput, ExchangeOutput,
    ExportInput, ExportRequest, ExportedFile, FireWebhookInput, HostedLinkPoll, ImportRulesInput,
    LinkExitReport, LinkIdInput, LinkSessionView, LinkTokenView, LinkView, ListTransactionsInput,
    OpenLinkInput, OpenUrlInput, OpenedInBrowser, OptionalLinkInput, PairTransferInput,
    PollHostedLinkInput, QrCodeInput, QrCodeView, QuickLinkInput, RemoveInput, RenameInput,
    RuleIdInput, RuleInput, RuleOrderInput, RulePreview, RuleView, RulesApplied, RulesProgress,
    SettingsInput, SettingsView, SplitInput, StatusView, SyncReport, TagView, TransactionIdInput,
    TransactionPage, TransactionView,
};
use serde::Serialize;
use tauri::{AppHandle, Manager, State};

use crate::events;
use crate::export_dialog;
use crate::link_window;
use crate::popups;
use crate::state::AppState;

/// What a command fails with: the core's error, or the reason the core could not open.
#[derive(Debug)]
pub enum CommandError {
    App(AppError),
    /// The error that stopped the core from opening (e.g. KEYCHAIN_UNAVAILABLE; boxed: it is
    /// large and rare).
    Startup(Box<ErrorView>),
}

impl From<AppError> for CommandError {
    fn from(e: AppError) -> Self {
        CommandError::App(e)
    }
}

impl Serialize for CommandError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            CommandError::App(e) => e.serialize(s),
            CommandError::Startup(v) => v.serialize(s),
        }
    }
}

type Result<T> = std::result::Result<T, CommandError>;

async fn core<'a>(state: &'a State<'_, AppState>) -> Result<&'a Coffer> {
    state
        .coffer()
        .await
        .map_err(|e| CommandError::Startup(Box::new(e)))
}

#[tauri::command]
pub async fn create_link_token(
    state: State<'_, AppState>,
    input: CreateLinkTokenInput,
) -> Result<LinkTokenView> {
    Ok(core(&state).await?.create_link_token(input).await?)
}

#[tauri::command]
pub async fn open_link(
    app: AppHandle,
    state: State<'_, AppState>,
    input: OpenLinkInput,
) -> Result<()> {
    Ok(link_window::open(&app, core(&state).await?, input).await?)
}

/// Cancels embedded Link: its window closes (the main window hears `link:ended` exit).
#[tauri::command]
pub fn close_link(app: AppHandle) {
    if let Some(window) = app.get_webview_window(link_window::LABEL) {
        let _ = window.close();
    }
}

/// The Link window's own: its token and script.
#[tauri::command]
pub fn link_session(app: AppHandle) -> Result<LinkSessionView> {
    Ok(link_window::session(&app)?)
}

/// The Link window's own: Link's onSuccess.
#[tauri::command]
pub async fn link_success(
    app: AppHandle,
    state: State<'_, AppState>,
    input: ExchangeInput,
) -> Result<()> {
    Ok(link_window::success(&app, core(&state).await?, input).await?)
}

/// The Link window's own: Link's onExit (or its script failed to load).
#[tauri::command]
pub async fn link_exit(
    app: AppHandle,
    state: State<'_, AppState>,
    input: LinkExitReport,
) -> Result<()> {
    Ok(link_window::exit(&app, core(&state).await?, input).await?)
}

#[tauri::command]
pub async fn poll_hosted_link(
    state: State<'_, AppState>,
    input: PollHostedLinkInput,
) -> Result<HostedLinkPoll> {
    Ok(core(&state)
        .await?
        .poll_hosted_link(&input.link_token)
        .await?)
}

/// Opens a Hosted Link page in the system browser; when none can be opened, says so (the UI
/// then shows the address, a Copy button and a QR code, and keeps waiting).
#[tauri::command]
pub async fn open_hosted_link(
    app: AppHandle,
    state: State<'_, AppState>,
    input: OpenUrlInput,
) -> Result<OpenedInBrowser> {
    let base = core(&state).await?.base_url().to_string();
    let url = popups::checked_external_url(&input.url, &base)?;
    Ok(match popups::open_in_browser(&app, &url) {
        Ok(()) => OpenedInBrowser {
            opened: true,
            message: None,
        },
        Err(e) => {
            tracing::warn!(error = %e, "no browser for Hosted Link");
            OpenedInBrowser {
                opened: false,
                message: Some(
                    "No web browser could be opened here: open this address in a browser on \
                     this computer, or scan the code with your phone. Coffer keeps waiting."
                        .into(),
                ),
            }
        }
    })
}

/// A QR code of `text` (a Hosted Link address), as an SVG path.
#[tauri::command]
pub fn qr_code(input: QrCodeInput) -> Result<QrCodeView> {
    Ok(coffer_core::qr::svg_path(&input.text)?)
}

#[tauri::command]
pub async fn list_links(state: State<'_, AppState>) -> Result<Vec<LinkView>> {
    Ok(core(&state).await?.list_links().await?)
}

#[tauri::command]
pub async fn rename_link(
    app: AppHandle,
    state: State<'_, AppState>,
    input: RenameInput,
) -> Result<LinkView> {
    let view = core(&state)
        .await?
        .rename_link(input.link_id, &input.name)
        .await?;
    events::links_changed(&app, &[view.id]);
    Ok(view)
}

#[tauri::command]
pub async fn remove_link(
    app: AppHandle,
    state: State<'_, AppState>,
    input: RemoveInput,
) -> Result<()> {
    core(&state)
        .await?
        .remove_link(input.link_id, input.keep_data)
        .await?;
    events::links_changed(&app, &[input.link_id]);
    Ok(())
}

#[tauri::command]
pub async fn refresh_balances(
    state: State<'_, AppState>,
    input: OptionalLinkInput,
) -> Result<Vec<LinkView>> {
    Ok(core(&state).await?.refresh_balances(input.link_id).await?)
}

#[tauri::command]
pub async fn sync_transactions(
    app: AppHandle,
    state: State<'_, AppState>,
    input: OptionalLinkInput,
) -> Result<Vec<SyncReport>> {
    Ok(events::sync_with_events(&app, core(&state).await?, input.link_id).await?)
}

#[tauri::command]
pub async fn list_transactions(
    state: State<'_, AppState>,
    input: ListTransactionsInput,
) -> Result<TransactionPage> {
    Ok(core(&state).await?.list_transactions(input).await?)
}

/// Exports through the system's save dialog, opened here: the page names no path (the core
/// also refuses one inside the data directory). `None`: the person cancelled.
#[tauri::command]
pub async fn export_transactions(
    app: AppHandle,
    state: State<'_, AppState>,
    input: ExportRequest,
) -> Result<Option<ExportedFile>> {
    let coffer = core(&state).await?;
    let Some(path) = export_dialog::choose(&app, input.format).await? else {
        return Ok(None);
    };
    let out = coffer
        .export_transactions(ExportInput {
            format: input.format,
            path: path.clone(),
            filter: input.filter,
        })
        .await?;
    Ok(Some(ExportedFile {
        rows: out.rows,
        path: path.display().to_string(),
    }))
}

#[tauri::command]
pub async fn get_status(state: State<'_, AppState>) -> Result<StatusView> {
    Ok(core(&state).await?.get_status().await?)
}

/// The UI has painted its first list of links (startup time, see `startup.rs`).
#[tauri::command]
pub fn ui_ready() {
    crate::startup::ready();
}

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> Result<SettingsView> {
    Ok(core(&state).await?.get_settings().await?)
}

/// The data-use screen's "Continue".
#[tauri::command]
pub async fn accept_data_use(state: State<'_, AppState>) -> Result<SettingsView> {
    Ok(core(&state).await?.accept_data_use().await?)
}

/// Plaid's End User Privacy Policy, in the system browser.
#[tauri::command]
pub fn open_privacy_policy(app: AppHandle) -> Result<()> {
    let url = url::Url::parse(popups::PLAID_PRIVACY_POLICY).expect("a valid URL");
    popups::open_in_browser(&app, &url).map_err(|_| {
        CommandError::App(AppError::Io {
            context: "no web browser could be opened",
            detail: format!("Plaid's End User Privacy Policy is at {url}"),
        })
    })
}

#[tauri::command]
pub async fn save_settings(
    state: State<'_, AppState>,
    input: SettingsInput,
) -> Result<SettingsView> {
    Ok(core(&state).await?.save_settings(input).await?)
}

#[tauri::command]
pub async fn test_connection(
    state: State<'_, AppState>,
    input: coffer_core::TestConnectionInput,
) -> Result<coffer_core::TestConnectionView> {
    Ok(core(&state).await?.test_connection(input).await?)
}

#[tauri::command]
pub async fn list_events(
    state: State<'_, AppState>,
    input: coffer_core::ListEventsInput,
) -> Result<Vec<Event>> {
    Ok(core(&state).await?.list_events(input).await?)
}

#[tauri::command]
pub async fn list_balance_history(
    state: State<'_, AppState>,
    input: coffer_core::HistoryInput,
) -> Result<Vec<coffer_core::BalanceSeries>> {
    Ok(core(&state).await?.list_balance_history(input).await?)
}

#[tauri::command]
pub async fn list_spending_by_category(
    state: State<'_, AppState>,
    input: coffer_core::HistoryInput,
) -> Result<Vec<coffer_core::SpendingRow>> {
    Ok(core(&state).await?.list_spending_by_category(input).await?)
}

#[tauri::command]
pub async fn sandbox_quick_link(
    app: AppHandle,
    state: State<'_, AppState>,
    input: QuickLinkInput,
) -> Result<ExchangeOutput> {
    let out = core(&state)
        .await?
        .sandbox_quick_link(
            &input.institution_id,
            input.username.as_deref().unwrap_or("user_good"),
            input.password.as_deref().unwrap_or("pass_good"),
        )
        .await?;
    events::links_changed(&app, &[out.link_id]);
    Ok(out)
}

#[tauri::command]
pub async fn sandbox_reset_login(
    app: AppHandle,
    state: State<'_, AppState>,
    input: LinkIdInput,
) -> Result<()> {
    let coffer = core(&state).await?;
    coffer.sandbox_reset_login(input.link_id).await?;
    // Plaid only says so at the next call: ask now, so the link shows "needs reconnect".
    coffer.reconnect_check().await?;
    events::links_changed(&app, &[input.link_id]);
    Ok(())
}

#[tauri::command]
pub async fn sandbox_fire_webhook(
    state: State<'_, AppState>,
    input: FireWebhookInput,
) -> Result<()> {
    Ok(core(&state)
        .await?
        .sandbox_fire_webhook(input.link_id, &input.webhook_code)
        .await?)
}

#[tauri::command]
pub async fn sandbox_add_transactions(
    state: State<'_, AppState>,
    input: AddTransactionsInput,
) -> Result<()> {
    Ok(core(&state)
        .await?
        .sandbox_add_transactions(input.link_id, input.transactions)
        .await?)
}

#[tauri::command]
pub async fn sandbox_inject_fault(
    state: State<'_, AppState>,
    input: coffer_core::SandboxFaultInput,
) -> Result<()> {
    Ok(core(&state).await?.sandbox_inject_fault(input).await?)
}

#[tauri::command]
pub async fn sandbox_clear_faults(state: State<'_, AppState>) -> Result<()> {
    Ok(core(&state).await?.sandbox_clear_faults().await?)
}

// ---- the person's edits, splits, transfers, categories and rules ----

#[tauri::command]
pub async fn get_transaction(
    state: State<'_, AppState>,
    input: TransactionIdInput,
) -> Result<TransactionView> {
    Ok(core(&state).await?.get_transaction(input).await?)
}

#[tauri::command]
pub async fn edit_transactions(
    state: State<'_, AppState>,
    input: EditTransactionsInput,
) -> Result<Vec<TransactionView>> {
    Ok(core(&state).await?.edit_transactions(input).await?)
}

#[tauri::command]
pub async fn split_transaction(
    state: State<'_, AppState>,
    input: SplitInput,
) -> Result<TransactionView> {
    Ok(core(&state).await?.split_transaction(input).await?)
}

#[tauri::command]
pub async fn pair_transfer(
    state: State<'_, AppState>,
    input: PairTransferInput,
) -> Result<Vec<TransactionView>> {
    Ok(core(&state).await?.pair_transfer(input).await?)
}

#[tauri::command]
pub async fn unpair_transfer(
    state: State<'_, AppState>,
    input: TransactionIdInput,
) -> Result<Vec<TransactionView>> {
    Ok(core(&state).await?.unpair_transfer(input).await?)
}

#[tauri::command]
pub async fn suggest_rule(
    state: State<'_, AppState>,
    input: TransactionIdInput,
) -> Result<RuleInput> {
    Ok(core(&state).await?.suggest_rule(input).await?)
}

#[tauri::command]
pub async fn list_categories(state: State<'_, AppState>) -> Result<Vec<CategoryView>> {
    Ok(core(&state).await?.list_categories().await?)
}

#[tauri::command]
pub async fn create_category(
    state: State<'_, AppState>,
    input: CategoryNameInput,
) -> Result<CategoryView> {
    Ok(core(&state).await?.create_category(input).await?)
}

#[tauri::command]
pub async fn delete_category(state: State<'_, AppState>, input: CategoryNameInput) -> Result<()> {
    Ok(core(&state).await?.delete_category(input).await?)
}

#[tauri::command]
pub async fn list_tags(state: State<'_, AppState>) -> Result<Vec<TagView>> {
    Ok(core(&state).await?.list_tags().await?)
}

#[tauri::command]
pub async fn list_rules(state: State<'_, AppState>) -> Result<Vec<RuleView>> {
    Ok(core(&state).await?.list_rules().await?)
}

#[tauri::command]
pub async fn save_rule(state: State<'_, AppState>, input: RuleInput) -> Result<RuleView> {
    Ok(core(&state).await?.save_rule(input).await?)
}

#[tauri::command]
pub async fn delete_rule(state: State<'_, AppState>, input: RuleIdInput) -> Result<()> {
    Ok(core(&state).await?.delete_rule(input).await?)
}

#[tauri::command]
pub async fn order_rules(
    state: State<'_, AppState>,
    input: RuleOrderInput,
) -> Result<Vec<RuleView>> {
    Ok(core(&state).await?.order_rules(input).await?)
}

#[tauri::command]
pub async fn preview_rules(
    state: State<'_, AppState>,
    input: ApplyRulesInput,
) -> Result<RulePreview> {
    Ok(core(&state).await?.preview_rules(input).await?)
}

#[tauri::command]
pub async fn import_rules(
    state: State<'_, AppState>,
    input: ImportRulesInput,
) -> Result<Vec<RuleView>> {
    Ok(core(&state).await?.import_rules(input).await?)
}

/// Applies the rules to the stored rows (what `preview_rules` showed), reporting
/// `rules:progress` events (`{ done, total }`) while it runs.
#[tauri::command]
pub async fn apply_rules(
    app: AppHandle,
    state: State<'_, AppState>,
    input: ApplyRulesInput,
) -> Result<RulesApplied> {
    use tauri::Emitter;
    let coffer = core(&state).await?.clone();
    let report = move |p: RulesProgress| {
        let _ = app.emit("rules:progress", p);
    };
    // Many rows: off the async runtime's threads.
    Ok(tauri::async_runtime::spawn_blocking(move || {
        tauri::async_runtime::block_on(coffer.apply_rules(input, Some(&report)))
    })
    .await
    .map_err(|e| AppError::Storage(format!("apply_rules: {e}")))??)
}

/// Saves every rule as a JSON file through the system's save dialog. `None`: cancelled.
#[tauri::command]
pub async fn export_rules(app: AppHandle, state: State<'_, AppState>) -> Result<Option<String>> {
    let coffer = core(&state).await?;
    let today = chrono::Local::now().date_naive();
    let Some(path) = export_dialog::choose_file(
        &app,
        "Export rules",
        &format!("coffer-rules-{today}.json"),
        ("JSON", "json"),
    )
    .await?
    else {
        return Ok(None);
    };
    coffer.export_rules_to(&path).await?;
    Ok(Some(path.display().to_string()))
}
