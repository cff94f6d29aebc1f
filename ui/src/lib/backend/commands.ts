/**
 * Typed wrappers for every command the UI calls (Tauri command names are snake_case; the
 * single argument `input` carries camelCase fields, DESIGN.md §3). Commands marked
 * "UI-proposed" are not in DESIGN.md §3 yet; their shapes are the contract for the shell.
 */
import { backend } from './backend';
import type {
  BalanceHistoryInput,
  BalanceSeries,
  CreateLinkTokenInput,
  Event,
  ExchangeInput,
  ExchangeOutput,
  ExportInput,
  ExportOutput,
  FaultInput,
  FinishUpdateInput,
  HostedLinkPoll,
  LinkTokenView,
  LinkView,
  ListEventsInput,
  ListTransactionsInput,
  QuickLinkInput,
  SandboxTransactionInput,
  SettingsInput,
  SettingsView,
  SpendingInput,
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
export const pollHostedLink = (input: { linkToken: string }) => backend.call<HostedLinkPoll>('poll_hosted_link', input);
export const listLinks = () => backend.call<LinkView[]>('list_links');
export const renameLink = (input: { linkId: number; name: string }) => backend.call<LinkView>('rename_link', input);
export const removeLink = (input: { linkId: number; keepData?: boolean }) => backend.call<unknown>('remove_link', input);
export const refreshBalances = (input: { linkId?: number }) => backend.call<LinkView[]>('refresh_balances', input);
export const syncTransactions = (input: { linkId?: number }) => backend.call<SyncReport[]>('sync_transactions', input);
/** UI-proposed: the shell opens a Hosted Link URL in the system browser after its host check. */
export const openHostedLink = (input: { url: string }) => backend.call<null>('open_hosted_link', input);

// ---- transactions ----
export const listTransactions = (input: ListTransactionsInput) => backend.call<TransactionPage>('list_transactions', input);
export const exportTransactions = (input: ExportInput) => backend.call<ExportOutput>('export_transactions', input);

// ---- status and settings ----
export const getStatus = () => backend.call<StatusView>('get_status');
export const getSettings = () => backend.call<SettingsView>('get_settings');
export const saveSettings = (input: SettingsInput) => backend.call<SettingsView>('save_settings', input);
/** UI-proposed. */
export const testConnection = (input: TestConnectionInput) => backend.call<TestConnectionView>('test_connection', input);

// ---- activity and charts (UI-proposed) ----
export const listEvents = (input: ListEventsInput) => backend.call<Event[]>('list_events', input);
export const listBalanceHistory = (input: BalanceHistoryInput) => backend.call<BalanceSeries[]>('list_balance_history', input);
export const listSpendingByCategory = (input: SpendingInput) => backend.call<SpendingRow[]>('list_spending_by_category', input);

// ---- sandbox tools (offline and sandbox modes only) ----
export const sandboxQuickLink = (input: QuickLinkInput) => backend.call<ExchangeOutput>('sandbox_quick_link', input);
export const sandboxResetLogin = (input: { linkId: number }) => backend.call<null>('sandbox_reset_login', input);
export const sandboxFireWebhook = (input: { linkId: number; webhookCode: string }) => backend.call<null>('sandbox_fire_webhook', input);
/** UI-proposed. */
export const sandboxAddTransactions = (input: { linkId: number; transactions: SandboxTransactionInput[] }) =>
  backend.call<null>('sandbox_add_transactions', input);
/** UI-proposed, offline mode only. */
export const sandboxInjectFault = (input: FaultInput) => backend.call<null>('sandbox_inject_fault', input);
/** UI-proposed, offline mode only. */
export const sandboxClearFaults = () => backend.call<null>('sandbox_clear_faults');

// ---- events and dialogs ----
export const onBackendEvent = backend.on;
export const saveDialog = backend.saveDialog;
