/**
 * What to tell a person about a failed call. Plaid's `displayMessage` wins when Plaid sent
 * one; otherwise the text depends on `code` (and, for `PLAID`, on Plaid's `errorCode`), never
 * on the message text.
 */
import { toBackendError, type BackendError } from '../backend/backend';

export interface ErrorDisplay {
  text: string;
  /** Plaid request id, for support. */
  requestId: string | null;
  /** What to branch on in the UI. */
  code: BackendError['code'];
  /** Plaid's `error_code`, when Plaid answered. */
  plaidCode?: string | null;
}

const PLAID_CODES: Record<string, string> = {
  INVALID_API_KEYS: 'Plaid rejected the client ID or secret. Check them in Settings (keys are per environment).',
  INVALID_ACCESS_TOKEN: 'This connection is no longer valid at Plaid. Remove it and link the bank again.',
  ITEM_NOT_FOUND: 'This connection no longer exists at Plaid. Remove it and link the bank again.',
  RATE_LIMIT_EXCEEDED: 'Plaid is limiting requests right now. Wait a minute and try again.',
  INSTITUTION_DOWN: 'The bank is not responding right now. Try again later.',
  INSTITUTION_NOT_RESPONDING: 'The bank is not responding right now. Try again later.',
  INSTITUTION_NO_LONGER_SUPPORTED: 'Plaid no longer supports this bank.',
  PRODUCT_NOT_READY: 'The bank is still preparing this data. Try again in a few minutes.',
  INVALID_LINK_TOKEN: 'The Link session expired. Start again.',
  ITEM_LOCKED: 'The bank locked the account after too many sign-in attempts. Unlock it on the bank\u2019s website, then link again.',
  INVALID_CREDENTIALS: 'The bank did not accept the username or password.',
  USER_SETUP_REQUIRED: 'The bank needs you to finish setting up your account on its website first.',
  PASSWORD_RESET_REQUIRED: 'The bank needs you to reset your password on its website first.',
  ITEM_LOGIN_REQUIRED: 'Your bank needs you to sign in again. Use Reconnect.',
  INSTITUTION_NOT_AVAILABLE: 'The bank is not available right now. Try again later.',
};

/** What to say about a Plaid `error_code` when Plaid sent no `display_message`. */
export function plaidErrorText(code: string | null | undefined): string | undefined {
  return code ? PLAID_CODES[code] : undefined;
}

/** Turns any rejection into what the UI shows. */
export function describeError(e: unknown): ErrorDisplay {
  const err = toBackendError(e);
  const requestId = err.plaid?.requestId ?? null;
  const display = err.plaid?.displayMessage?.trim();
  const out = (text: string): ErrorDisplay => ({ text, requestId, code: err.code, plaidCode: err.plaid?.errorCode ?? null });
  if (display) return out(display);
  switch (err.code) {
    case 'LINK_LIMIT_REACHED':
      return out('You have reached the maximum number of linked banks. Remove one, or raise the limit in Settings.');
    case 'MISSING_PUBLIC_TOKEN':
      return out('Link finished without a connection to save. Please try again.');
    case 'NO_ACCOUNTS_SELECTED':
      return out('Choose at least one account to share.');
    case 'LINK_NOT_FOUND':
      return out('This connection no longer exists; it may have been removed elsewhere.');
    case 'LOGIN_REQUIRED':
      return out('Your bank needs you to sign in again. Use Reconnect.');
    case 'PLAID': {
      const code = err.plaid?.errorCode ?? '';
      return out(PLAID_CODES[code] ?? `Plaid returned an error${code ? ` (${code})` : ''}.`);
    }
    case 'KEYCHAIN_UNAVAILABLE':
      return out('The system keychain is locked or not available. Unlock it and try again.');
    case 'NETWORK':
      return out('Could not reach Plaid. Check your internet connection and try again.');
    case 'STORAGE':
      return out(`Coffer could not read or write its database (${err.message}).`);
    case 'DATABASE_TOO_NEW':
      return out('This data was written by a newer version of Coffer. Update Coffer to open it.');
    case 'NOT_CONFIGURED':
    case 'INVALID_INPUT':
    case 'IO':
      return out(sentence(err.message));
    case 'INTERNAL':
      return out(`Something went wrong: ${err.message}`);
  }
}

function sentence(s: string): string {
  const t = s.trim();
  if (!t) return 'Something went wrong.';
  const first = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}
