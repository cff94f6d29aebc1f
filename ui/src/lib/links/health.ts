/** What a link's state means for the person looking at it, and what they can do. */
import type { LinkView } from '../backend/types';

export type HealthKind = 'healthy' | 'syncing' | 'reconnect' | 'broken' | 'error' | 'archived';

export interface Health {
  kind: HealthKind;
  /** Short badge text. */
  label: string;
  /** One sentence saying what to do, or null when nothing is needed. */
  hint: string | null;
}

/** Plaid error codes after which the access token is dead: remove and link again. */
export const BROKEN_CODES: ReadonlySet<string> = new Set(['INVALID_ACCESS_TOKEN', 'ITEM_NOT_FOUND', 'KEYCHAIN_MISSING']);
/** Codes that update mode (Reconnect) repairs. */
export const RECONNECT_CODES: ReadonlySet<string> = new Set(['ITEM_LOGIN_REQUIRED', 'LOGIN_REQUIRED', 'PENDING_EXPIRATION', 'PENDING_DISCONNECT']);

/** Maps a link (and whether a sync of it is running) to what the UI shows. */
export function linkHealth(link: Pick<LinkView, 'status' | 'lastError' | 'lastSyncStatus'>, syncing: boolean): Health {
  if (link.status === 'ARCHIVED') {
    return { kind: 'archived', label: 'Archived', hint: 'Disconnected from the bank; its transactions are kept.' };
  }
  if (link.status === 'KEYCHAIN_MISSING' || link.status === 'BROKEN' || (link.lastError && BROKEN_CODES.has(link.lastError.code))) {
    return {
      kind: 'broken',
      label: 'Broken',
      hint:
        link.status === 'KEYCHAIN_MISSING'
          ? 'Its saved access is missing from the keychain. Remove it and link the bank again.'
          : 'Plaid no longer accepts this connection. Remove it and link the bank again.',
    };
  }
  if (link.status === 'LOGIN_REQUIRED' || (link.lastError && RECONNECT_CODES.has(link.lastError.code))) {
    return { kind: 'reconnect', label: 'Needs reconnect', hint: 'The bank needs you to sign in again. Use Reconnect.' };
  }
  if (syncing) return { kind: 'syncing', label: 'Syncing', hint: null };
  if (link.lastError) {
    return { kind: 'error', label: 'Error', hint: `The last update failed (${link.lastError.code}). Try Sync again later.` };
  }
  if (link.lastSyncStatus === 'NOT_READY') {
    return { kind: 'healthy', label: 'Healthy', hint: 'The bank is still preparing transactions; they appear on a later sync.' };
  }
  return { kind: 'healthy', label: 'Healthy', hint: null };
}
