/**
 * Typed wrappers for every command the UI calls (Tauri command names are snake_case; the
 * single argument `input` carries camelCase fields, DESIGN.md §3). Inputs and outputs are the
 * types generated from coffer-core (./bindings/); each wrapper pairs a command with the types
 * of its Rust signature in src-tauri/src/commands.rs. Commands that return `()` resolve to `null`.
 */
import { backend } from './backend';
import type {
  AddTransactionsInput,
  BalanceSeries,
  CreateLinkTokenInput,
  Event,
  ExchangeInput,
  ExchangeOutput,
  ExportInput,
  ExportOutput,
  FinishUpdateInput,
  FireWebhookInput,
  HistoryInput,
  HostedLinkPoll,
  LinkIdInput,
  LinkTokenView,
  LinkView,
  ListEventsInput,
  ListTransactionsInput,
  OpenUrlInput,
  OptionalLinkInput,
  PollHostedLinkInput,
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

// ---- links (DESIGN.md §3) ----
export const createLinkToken = (input: CreateLinkTokenInput) => backend.call<LinkTokenView>('create_link_token', input);
export const exchangePublicToken = (input: ExchangeInput) => backend.call<ExchangeOutput>('exchange_public_token', input);
export const finishUpdate = (input: FinishUpdateInput) => backend.call<LinkView>('finish_update', input);
export const pollHostedLink = (input: PollHostedLinkInput) => backend.call<HostedLinkPoll>('poll_hosted_link', input);
export const listLinks = () => backend.call<LinkView[]>('list_links');
export const renameLink = (input: RenameInput) => backend.call<LinkView>('rename_link', input);
export const removeLink = (input: RemoveInput) => backend.call<null>('remove_link', input);
export const refreshBalances = (input: OptionalLinkInput) => backend.call<LinkView[]>('refresh_balances', input);
export const syncTransactions = (input: OptionalLinkInput) => backend.call<SyncReport[]>('sync_transactions', input);
/** The shell opens a Hosted Link URL in the system browser after its host check. */
export const openHostedLink = (input: OpenUrlInput) => backend.call<null>('open_hosted_link', input);

// ---- transactions ----
export const listTransactions = (input: ListTransactionsInput) => backend.call<TransactionPage>('list_transactions', input);
export const exportTransactions = (input: ExportInput) => backend.call<ExportOutput>('export_transactions', input);

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

// ---- events and dialogs ----
export const onBackendEvent = backend.on;
export const saveDialog = backend.saveDialog;
