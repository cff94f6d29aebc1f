/**
 * Wire types of the Tauri commands. The commands' inputs, outputs and errors are generated from
 * coffer-core's Rust types into ./bindings/ (`cargo xtask bindings`; `cargo xtask test` fails
 * when the committed files drift from the Rust types) and re-exported here, so the UI imports
 * every wire type from this one module. Only UI-side helpers are written by hand below, and
 * each is checked against the generated types.
 *
 * Conventions: camelCase fields; 64-bit ids as `number`; money as exact decimal strings
 * (rust_decimal `serde::str`), never floats; dates `YYYY-MM-DD`; timestamps RFC 3339.
 */
import type { ErrorCode, ErrorView, LinkEnded, ListTransactionsInput, RulesProgress, SyncProgress, SyncReport } from './bindings';

export type * from './bindings';
/** Plaid's error codes Coffer knows, and the Sandbox screen's lists (generated from Rust too). */
export { PLAID_ERROR_CODES, SANDBOX_FAULT_CODES, SANDBOX_WEBHOOK_CODES } from './bindings/PlaidCodes';

/** A decimal number as text, exactly as stored ("-12.5", "23631.9805"). */
export type Decimal = string;
/** `YYYY-MM-DD`. */
export type IsoDate = string;
/** RFC 3339 timestamp. */
export type Timestamp = string;

// ---- errors -------------------------------------------------------------------------------

/** Every {@link ErrorCode}, once: TypeScript rejects this object if one is missing or unknown. */
const ERROR_CODE_SET: { readonly [K in ErrorCode]: null } = {
  LINK_LIMIT_REACHED: null,
  MISSING_PUBLIC_TOKEN: null,
  NO_ACCOUNTS_SELECTED: null,
  LINK_NOT_FOUND: null,
  LOGIN_REQUIRED: null,
  PLAID: null,
  KEYCHAIN_UNAVAILABLE: null,
  NOT_CONFIGURED: null,
  NETWORK: null,
  STORAGE: null,
  DATABASE_TOO_NEW: null,
  INVALID_INPUT: null,
  IO: null,
};

/** error.rs `ErrorCode`: the closed set the UI branches on, for runtime checks. */
export const ERROR_CODES: readonly ErrorCode[] = Object.keys(ERROR_CODE_SET) as ErrorCode[];

/** What every command rejects with (error.rs `AppError`, serialized as views.rs `ErrorView`). */
export type AppError = ErrorView;

// ---- transactions -------------------------------------------------------------------------

/** The filter part of {@link ListTransactionsInput}. */
export type TransactionFilter = Omit<ListTransactionsInput, 'limit' | 'offset'>;

// ---- events (Rust -> UI, src-tauri/src/events.rs) -----------------------------------------

/** Event names and payloads. */
export interface BackendEvents {
  /** A sync run of this app for a link began (its timer or a command); another process's
   * changes arrive as `links:changed`. */
  'sync:started': { linkId: number };
  /** A page was applied (views.rs `SyncProgress`). */
  'sync:progress': SyncProgress;
  /** A sync run for a link ended (views.rs `SyncReport`). */
  'sync:finished': SyncReport;
  /** Links were added, removed, renamed or changed status (possibly by another process). */
  'links:changed': { linkIds: number[] };
  /** The Link window ended (views.rs `LinkEnded`); Rust has closed it. */
  'link:ended': LinkEnded;
  /** How far `apply_rules` is (views `RulesProgress`): rows looked at, then rows written. */
  'rules:progress': RulesProgress;
}
export type BackendEventName = keyof BackendEvents;
