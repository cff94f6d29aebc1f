/**
 * The one seam between the UI and Rust. Everything the UI asks of the shell goes through
 * {@link backend}: commands (`invoke`) and events (`listen`).
 * Components never import `@tauri-apps/api` themselves; tests replace the IPC underneath
 * with Tauri's `mockIPC`, and another implementation of {@link Backend} could talk to
 * `coffer-cli serve` instead.
 */
import { invoke as tauriInvoke } from '@tauri-apps/api/core';
import { listen as tauriListen } from '@tauri-apps/api/event';
import { ERROR_CODES, type AppError, type BackendEventName, type BackendEvents, type ErrorCode, type PlaidErrorInfo } from './types';

/** `ErrorCode` from Rust, plus `INTERNAL` for failures that never reached a command. */
export type UiErrorCode = ErrorCode | 'INTERNAL';

/** What every failed call rejects with. */
export class BackendError extends Error {
  readonly code: UiErrorCode;
  readonly plaid?: PlaidErrorInfo;
  /** What to tell the person, as the core put it (null when it had nothing to add). */
  readonly remedy: string | null;
  constructor(code: UiErrorCode, message: string, plaid?: PlaidErrorInfo, remedy: string | null = null) {
    super(message);
    this.name = 'BackendError';
    this.code = code;
    this.remedy = remedy;
    if (plaid) this.plaid = plaid;
  }
}

function isAppError(e: unknown): e is AppError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as AppError).code === 'string' &&
    (ERROR_CODES as readonly string[]).includes((e as AppError).code) &&
    typeof (e as AppError).message === 'string'
  );
}

/** Turns whatever a call rejected with into a {@link BackendError}. */
export function toBackendError(e: unknown): BackendError {
  if (e instanceof BackendError) return e;
  if (isAppError(e)) return new BackendError(e.code, e.message, e.plaid, typeof e.remedy === 'string' ? e.remedy : null);
  if (e instanceof Error) return new BackendError('INTERNAL', e.message);
  return new BackendError('INTERNAL', typeof e === 'string' ? e : 'unexpected error');
}

export interface Backend {
  /** Runs a command. Commands with input receive it as the single argument `input`. */
  call<T>(command: string, input?: object): Promise<T>;
  /** Subscribes to a backend event; resolves to the unsubscribe function. */
  on<K extends BackendEventName>(event: K, handler: (payload: BackendEvents[K]) => void): Promise<() => void>;
}

export const tauriBackend: Backend = {
  async call<T>(command: string, input?: object): Promise<T> {
    try {
      return await tauriInvoke<T>(command, input === undefined ? {} : { input });
    } catch (e) {
      throw toBackendError(e);
    }
  },
  on(event, handler) {
    return tauriListen(event, (e) => handler(e.payload as never));
  },
};

/** The backend in use (tests and the preview fixture keep this and mock the IPC under it). */
export const backend: Backend = tauriBackend;
