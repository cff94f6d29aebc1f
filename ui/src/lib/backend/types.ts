/**
 * Wire types of the Tauri commands, hand-written to mirror coffer-core's serde output
 * (crates/core/src/views.rs, error.rs, store/*.rs, settings.rs) field for field.
 *
 * This is the one file to replace with the ts-rs generated bindings (src/lib/backend/bindings/)
 * when the shell lands: keep every wire type here and nowhere else.
 *
 * Conventions: camelCase fields; 64-bit ids as `number`; money as exact decimal strings
 * (rust_decimal `serde::str`), never floats; dates `YYYY-MM-DD`; timestamps RFC 3339.
 * Types marked "UI-proposed" are not in coffer-core yet: the shell implements them as written.
 */

/** A decimal number as text, exactly as stored ("-12.5", "23631.9805"). */
export type Decimal = string;
/** `YYYY-MM-DD`. */
export type IsoDate = string;
/** RFC 3339 timestamp. */
export type Timestamp = string;

// ---- error.rs -----------------------------------------------------------------------------

/** error.rs `ErrorCode`: the closed set the UI branches on. */
export const ERROR_CODES = [
  'LINK_LIMIT_REACHED',
  'MISSING_PUBLIC_TOKEN',
  'NO_ACCOUNTS_SELECTED',
  'LINK_NOT_FOUND',
  'LOGIN_REQUIRED',
  'PLAID',
  'KEYCHAIN_UNAVAILABLE',
  'NOT_CONFIGURED',
  'NETWORK',
  'STORAGE',
  'DATABASE_TOO_NEW',
  'INVALID_INPUT',
  'IO',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** error.rs `PlaidErrorInfo` (`status` is `#[serde(skip)]`). */
export interface PlaidErrorInfo {
  errorType: string;
  errorCode: string;
  displayMessage: string | null;
  requestId: string | null;
}

/** error.rs `AppError` as serialized; also views.rs `ErrorView`. */
export interface AppError {
  code: ErrorCode;
  message: string;
  plaid?: PlaidErrorInfo;
}

// ---- mode.rs ------------------------------------------------------------------------------

export type Mode = 'offline' | 'sandbox' | 'production';

// ---- store/links.rs, store/accounts.rs, views.rs -----------------------------------------

/** store/links.rs `LinkStatus`. */
export type LinkStatus = 'ACTIVE' | 'LOGIN_REQUIRED' | 'KEYCHAIN_MISSING' | 'ARCHIVED';

/** store/accounts.rs `Balance`. */
export interface Balance {
  available: Decimal | null;
  current: Decimal | null;
  limit: Decimal | null;
  isoCurrencyCode: string | null;
  unofficialCurrencyCode: string | null;
  fetchedAt: Timestamp;
  /** `accounts_get` or `balance_get`. */
  source: string;
}

/** views.rs `AccountView`. */
export interface AccountView {
  accountId: string;
  name: string;
  officialName: string | null;
  mask: string | null;
  /** Plaid account type: depository, credit, loan, investment, other. */
  type: string;
  subtype: string | null;
  balance: Balance | null;
}

/** views.rs `LinkErrorView`. */
export interface LinkErrorView {
  code: string;
  requestId: string | null;
  at: Timestamp | null;
}

/** views.rs `LinkView`. */
export interface LinkView {
  id: number;
  name: string;
  itemId: string;
  institutionId: string | null;
  institutionName: string | null;
  status: LinkStatus;
  products: string[];
  accounts: AccountView[];
  lastSyncAt: Timestamp | null;
  lastSyncStatus: string | null;
  lastError: LinkErrorView | null;
  createdAt: Timestamp;
}

/** views.rs `CreateLinkTokenInput`. */
export interface CreateLinkTokenInput {
  useCache?: boolean;
  linkId?: number;
  accountSelection?: boolean;
  hosted?: boolean;
}

/** views.rs `LinkTokenView`. */
export interface LinkTokenView {
  linkToken: string;
  expiration: Timestamp;
  hostedLinkUrl?: string;
}

/** views.rs `ExchangeInput`. */
export interface ExchangeInput {
  publicToken: string;
  institutionId: string;
  institutionName: string;
  accountIds: string[];
}

/** views.rs `ExchangeOutput`. */
export interface ExchangeOutput {
  linkId: number;
}

/** `finish_update` input. */
export interface FinishUpdateInput {
  linkId: number;
  accountIds?: string[];
}

/** views.rs `HostedLinkState`. */
export type HostedLinkState = 'pending' | 'success' | 'exited';

/** views.rs `HostedLinkPoll`. */
export interface HostedLinkPoll {
  state: HostedLinkState;
  linkId?: number;
  error?: PlaidErrorInfo;
}

/** views.rs `SyncStatus`. */
export type SyncStatus = 'UPDATED' | 'NOT_READY' | 'LOGIN_REQUIRED' | 'FAILED' | 'SKIPPED';

/** views.rs `SyncReport`. */
export interface SyncReport {
  linkId: number;
  status: SyncStatus;
  updateStatus: string | null;
  added: number;
  modified: number;
  removed: number;
  pages: number;
  restarts: number;
  error?: AppError;
}

/** views.rs `SyncProgress` (payload of the `sync:progress` event). */
export interface SyncProgress {
  linkId: number;
  pages: number;
  rows: number;
  restarts: number;
  hasMore: boolean;
}

// ---- store/transactions.rs, views.rs ------------------------------------------------------

/** store/transactions.rs `TransactionView`. `amount` positive = money out (Plaid's sign). */
export interface TransactionView {
  transactionId: string;
  accountId: string;
  linkId: number;
  date: IsoDate;
  authorizedDate: IsoDate | null;
  amount: Decimal;
  isoCurrencyCode: string | null;
  unofficialCurrencyCode: string | null;
  name: string;
  merchantName: string | null;
  pending: boolean;
  category: string | null;
  paymentChannel: string | null;
}

/** views.rs `ListTransactionsInput` (also the export filter; limit/offset ignored there). */
export interface ListTransactionsInput {
  accountIds?: string[];
  from?: IsoDate;
  to?: IsoDate;
  search?: string;
  /** 1–1000. */
  limit: number;
  offset: number;
}

/** The filter part of {@link ListTransactionsInput}. */
export type TransactionFilter = Omit<ListTransactionsInput, 'limit' | 'offset'>;

/** views.rs `TransactionPage`. */
export interface TransactionPage {
  total: number;
  rows: TransactionView[];
}

/** views.rs `ExportFormat`. */
export type ExportFormat = 'csv' | 'ofx' | 'json';

/** views.rs `ExportInput`. */
export interface ExportInput {
  format: ExportFormat;
  /** Absolute path chosen in the save dialog. */
  path: string;
  filter: Partial<ListTransactionsInput>;
}

/** views.rs `ExportOutput`. */
export interface ExportOutput {
  rows: number;
}

// ---- store/events.rs ----------------------------------------------------------------------

/** store/events.rs `Event`. */
export interface Event {
  id: number;
  at: Timestamp;
  linkId: number | null;
  itemId: string | null;
  /** `link_created`, `sync_failed`, ... */
  kind: string;
  detail: string;
  errorCode: string | null;
  requestId: string | null;
}

// ---- status and settings ------------------------------------------------------------------

/** views.rs `ReconcileIssue`. */
export interface ReconcileIssue {
  kind: string;
  itemId: string;
  linkId: number | null;
  action: string;
}

/** views.rs `StatusView`, plus the UI-proposed `linkScriptUrl`. */
export interface StatusView {
  mode: Mode;
  baseUrl: string;
  dataDir: string;
  database: string;
  schemaVersion: number;
  links: number;
  needsAttention: number[];
  reconcile: ReconcileIssue[];
  notes: string[];
  recentEvents: Event[];
  /**
   * UI-proposed: the Link script for this mode (Plaid's CDN `link-initialize.js`, or the
   * offline stand-in's URL on the loopback sandbox).
   */
  linkScriptUrl: string;
}

/** settings.rs `SettingsView`: never the secret, only whether one is stored. */
export interface SettingsView {
  mode: Mode;
  clientId: string | null;
  environment: Mode | null;
  secretSaved: boolean;
  countryCodes: string[];
  daysRequested: number;
  products: string[];
  linkLimit: number;
  envOverrides: string[];
  baseUrl: string;
}

/**
 * settings.rs `SettingsInput`: only given fields change. `clientId: ""` clears the keys
 * (back to offline). `products` is UI-proposed (not in the core's input yet).
 */
export interface SettingsInput {
  clientId?: string;
  secret?: string;
  environment?: 'sandbox' | 'production';
  countryCodes?: string[];
  daysRequested?: number;
  linkLimit?: number;
  products?: string[];
}

// ---- UI-proposed commands -----------------------------------------------------------------

/** UI-proposed `test_connection` input: absent fields use the saved settings. */
export interface TestConnectionInput {
  clientId?: string;
  secret?: string;
  environment?: 'sandbox' | 'production';
}

/** UI-proposed `test_connection` output (failures are an `AppError`). */
export interface TestConnectionView {
  environment: 'sandbox' | 'production';
  baseUrl: string;
  requestId: string | null;
}

/** UI-proposed `list_events` input: newest first. */
export interface ListEventsInput {
  linkId?: number;
  /** Only events older than this id (paging). */
  beforeId?: number;
  /** 1–1000. */
  limit: number;
}

/** UI-proposed `list_balance_history` input. */
export interface BalanceHistoryInput {
  accountIds?: string[];
  from?: IsoDate;
  to?: IsoDate;
}

/** One stored balance snapshot per day (the day's last). */
export interface BalancePoint {
  date: IsoDate;
  current: Decimal | null;
  available: Decimal | null;
}

/** UI-proposed `list_balance_history` output item: one per account, points oldest first. */
export interface BalanceSeries {
  accountId: string;
  linkId: number;
  name: string;
  mask: string | null;
  type: string;
  subtype: string | null;
  isoCurrencyCode: string | null;
  unofficialCurrencyCode: string | null;
  points: BalancePoint[];
}

/** UI-proposed `list_spending_by_category` input. */
export interface SpendingInput {
  accountIds?: string[];
  from?: IsoDate;
  to?: IsoDate;
}

/**
 * UI-proposed `list_spending_by_category` output row: per month, category and currency, the
 * sum of positive amounts (money out), pending excluded.
 */
export interface SpendingRow {
  /** `YYYY-MM`. */
  month: string;
  category: string | null;
  isoCurrencyCode: string | null;
  spent: Decimal;
  count: number;
}

/** UI-proposed `sandbox_quick_link` input (credentials default to user_good / pass_good). */
export interface QuickLinkInput {
  institutionId: string;
  username?: string;
  password?: string;
}

/** UI-proposed `sandbox_add_transactions` input (Plaid's /sandbox/transactions/create, ≤ 10). */
export interface SandboxTransactionInput {
  dateTransacted: IsoDate;
  datePosted: IsoDate;
  /** Plaid's sign: positive = money out. */
  amount: Decimal;
  description: string;
  isoCurrencyCode?: string;
}

/** UI-proposed `sandbox_inject_fault` input (offline only; coffer-sandbox `FaultSpec`). */
export interface FaultInput {
  /** Plaid path such as `/transactions/sync`, or `*`. */
  path: string;
  errorCode?: string;
  status?: number;
  after?: number;
  times?: number;
  delayMs?: number;
  dropConnection?: boolean;
}

// ---- events (Rust -> UI) ------------------------------------------------------------------

/** UI-proposed event names and payloads. */
export interface BackendEvents {
  /** A sync run for a link began (timer, command, or another process). */
  'sync:started': { linkId: number };
  /** A page was applied (views.rs `SyncProgress`). */
  'sync:progress': SyncProgress;
  /** A sync run for a link ended (views.rs `SyncReport`). */
  'sync:finished': SyncReport;
  /** Links were added, removed, renamed or changed status (possibly by another process). */
  'links:changed': { linkIds: number[] };
}
export type BackendEventName = keyof BackendEvents;
