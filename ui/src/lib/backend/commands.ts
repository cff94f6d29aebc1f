/**
 * Typed wrappers for every command the main window calls (Tauri command names are snake_case;
 * the single argument `input` carries camelCase fields; docs/ARCHITECTURE.md, "The command
 * contract"). Inputs and outputs are the
 * types generated from coffer-core (./bindings/); each wrapper pairs a command with the types
 * of its Rust signature in src-tauri/src/commands.rs. Commands that return `()` resolve to `null`.
 * The Link window has its own three commands (src/link-window/commands.ts); the main window
 * never loads Plaid's script and has no command to save a Link result itself.
 */
import { backend } from './backend';
import type {
  AddTransactionsInput,
  ApplyRulesInput,
  CategoryNameInput,
  CategoryView,
  EditTransactionsInput,
  ImportRulesInput,
  PairTransferInput,
  RuleIdInput,
  RuleInput,
  RuleOrderInput,
  RulePreview,
  RulesApplied,
  RuleView,
  SplitInput,
  TagView,
  TransactionIdInput,
  TransactionView,
  BalanceSeries,
  CreateLinkTokenInput,
  Event,
  ExchangeOutput,
  ExportedFile,
  ExportRequest,
  FireWebhookInput,
  HistoryInput,
  HostedLinkPoll,
  LinkIdInput,
  LinkTokenView,
  LinkView,
  ListEventsInput,
  ListTransactionsInput,
  OpenedInBrowser,
  OpenLinkInput,
  OpenUrlInput,
  OptionalLinkInput,
  PollHostedLinkInput,
  QrCodeInput,
  QrCodeView,
  QuickLinkInput,
  RemoveInput,
  RenameInput,
  SandboxFaultInput,
  SettingsInput,
  SettingsView,
  SpendingRow,
  StatusView,
  SyncReport,
  TestConnectionInput,
  TestConnectionView,
  TransactionPage,
} from './types';

// ---- links ----
/**
 * Embedded Link: Rust makes the link token and opens Link in a window of its own (label
 * `link`), which saves the result itself; how it ended arrives as the `link:ended` event.
 */
export const openLink = (input: OpenLinkInput) => backend.call<null>('open_link', input);
/** Closes the Link window (the person cancelled here). */
export const closeLink = () => backend.call<null>('close_link');
export const createLinkToken = (input: CreateLinkTokenInput) => backend.call<LinkTokenView>('create_link_token', input);
export const pollHostedLink = (input: PollHostedLinkInput) => backend.call<HostedLinkPoll>('poll_hosted_link', input);
export const listLinks = () => backend.call<LinkView[]>('list_links');
export const renameLink = (input: RenameInput) => backend.call<LinkView>('rename_link', input);
export const removeLink = (input: RemoveInput) => backend.call<null>('remove_link', input);
export const refreshBalances = (input: OptionalLinkInput) => backend.call<LinkView[]>('refresh_balances', input);
export const syncTransactions = (input: OptionalLinkInput) => backend.call<SyncReport[]>('sync_transactions', input);
/**
 * The shell opens a Hosted Link URL in the system browser after its host check; when no
 * browser takes it, `{ opened: false, message }` (the UI shows the address and a QR code).
 */
export const openHostedLink = (input: OpenUrlInput) => backend.call<OpenedInBrowser>('open_hosted_link', input);
/** A QR code of `text`, drawn by the UI as one SVG path. */
export const qrCode = (input: QrCodeInput) => backend.call<QrCodeView>('qr_code', input);
/** The person accepted the data-use screen (shown once, before the first link). */
export const acceptDataUse = () => backend.call<SettingsView>('accept_data_use');
/** Opens Plaid's End User Privacy Policy in the browser. */
export const openPrivacyPolicy = () => backend.call<null>('open_privacy_policy');

// ---- transactions ----
export const listTransactions = (input: ListTransactionsInput) => backend.call<TransactionPage>('list_transactions', input);
/** Rust asks where to save (the system's save dialog), then writes; `null`: cancelled. */
export const exportTransactions = (input: ExportRequest) => backend.call<ExportedFile | null>('export_transactions', input);

// ---- the person's edits, splits, transfers, categories and rules ----
/** One row with Plaid's values and the person's (`personal`). */
export const getTransaction = (input: TransactionIdInput) => backend.call<TransactionView>('get_transaction', input);
/** One change on 1–1000 rows: a field absent = unchanged, `null` = back to Plaid's, a value = set by hand. */
export const editTransactions = (input: EditTransactionsInput) => backend.call<TransactionView[]>('edit_transactions', input);
/** Parts that add up exactly to the amount (none: undo the split). */
export const splitTransaction = (input: SplitInput) => backend.call<TransactionView>('split_transaction', input);
export const pairTransfer = (input: PairTransferInput) => backend.call<TransactionView[]>('pair_transfer', input);
export const unpairTransfer = (input: TransactionIdInput) => backend.call<TransactionView[]>('unpair_transfer', input);
/** A draft rule repeating what the person did to this row ("always do this for Starbucks?"); not saved. */
export const suggestRule = (input: TransactionIdInput) => backend.call<RuleInput>('suggest_rule', input);
export const listCategories = () => backend.call<CategoryView[]>('list_categories');
export const createCategory = (input: CategoryNameInput) => backend.call<CategoryView>('create_category', input);
export const deleteCategory = (input: CategoryNameInput) => backend.call<null>('delete_category', input);
export const listTags = () => backend.call<TagView[]>('list_tags');
export const listRules = () => backend.call<RuleView[]>('list_rules');
export const saveRule = (input: RuleInput) => backend.call<RuleView>('save_rule', input);
export const deleteRule = (input: RuleIdInput) => backend.call<null>('delete_rule', input);
export const orderRules = (input: RuleOrderInput) => backend.call<RuleView[]>('order_rules', input);
/** What applying the rules to stored rows would change; pass its `revision` to `applyRules`. */
export const previewRules = (input: ApplyRulesInput) => backend.call<RulePreview>('preview_rules', input);
/** Applies what the preview showed (refused if the data changed since); `rules:progress` events while it runs. */
export const applyRules = (input: ApplyRulesInput) => backend.call<RulesApplied>('apply_rules', input);
/** Rust asks where to save (the system's save dialog) and writes the rules as JSON; `null`: cancelled. */
export const exportRules = () => backend.call<string | null>('export_rules');
export const importRules = (input: ImportRulesInput) => backend.call<RuleView[]>('import_rules', input);

// ---- status and settings ----
/** Once, when the first list of links has been painted: the shell logs the startup time. */
export const uiReady = () => backend.call<null>('ui_ready');
export const getStatus = () => backend.call<StatusView>('get_status');
export const getSettings = () => backend.call<SettingsView>('get_settings');
export const saveSettings = (input: SettingsInput) => backend.call<SettingsView>('save_settings', input);
export const testConnection = (input: TestConnectionInput) => backend.call<TestConnectionView>('test_connection', input);

// ---- activity and charts ----
export const listEvents = (input: ListEventsInput) => backend.call<Event[]>('list_events', input);
export const listBalanceHistory = (input: HistoryInput) => backend.call<BalanceSeries[]>('list_balance_history', input);
export const listSpendingByCategory = (input: HistoryInput) => backend.call<SpendingRow[]>('list_spending_by_category', input);

// ---- sandbox tools (offline and sandbox modes only) ----
export const sandboxQuickLink = (input: QuickLinkInput) => backend.call<ExchangeOutput>('sandbox_quick_link', input);
export const sandboxResetLogin = (input: LinkIdInput) => backend.call<null>('sandbox_reset_login', input);
export const sandboxFireWebhook = (input: FireWebhookInput) => backend.call<null>('sandbox_fire_webhook', input);
export const sandboxAddTransactions = (input: AddTransactionsInput) => backend.call<null>('sandbox_add_transactions', input);
/** Offline mode only. */
export const sandboxInjectFault = (input: SandboxFaultInput) => backend.call<null>('sandbox_inject_fault', input);
/** Offline mode only. */
export const sandboxClearFaults = () => backend.call<null>('sandbox_clear_faults');

// ---- events ----
export const onBackendEvent = backend.on;
