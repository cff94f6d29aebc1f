/**
 * What to tell a person about a failed call. Plaid's `displayMessage` wins when Plaid sent
 * one; otherwise the core's `remedy` (decided in Rust for every error code, Plaid's included);
 * only when neither came, a sentence made from the message. The UI keeps no table of codes.
 */
import { toBackendError, type BackendError } from '../backend/backend';

export interface ErrorDisplay {
  text: string;
  /** Plaid request id, for support. */
  requestId: string | null;
  /** What to branch on in the UI (Coffer's own codes, never Plaid's). */
  code: BackendError['code'];
}

/** Turns any rejection into what the UI shows. */
export function describeError(e: unknown): ErrorDisplay {
  const err = toBackendError(e);
  const out = (text: string): ErrorDisplay => ({ text, requestId: err.plaid?.requestId ?? null, code: err.code });
  // Never reached a command: no core to say what to do.
  if (err.code === 'INTERNAL') return out(`Something went wrong: ${err.message}`);
  const display = err.plaid?.displayMessage?.trim();
  if (display) return out(display);
  const remedy = err.remedy?.trim();
  if (remedy) return out(remedy);
  return out(sentence(err.message));
}

function sentence(s: string): string {
  const t = s.trim();
  if (!t) return 'Something went wrong.';
  const first = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

/**
 * A refusal with both parts the core gave: what failed (`message`, as a sentence) and, when
 * the core or Plaid had more to say, what to do (`remedy`). For commands whose message is the
 * news itself, such as a split that does not add up or a category still in use.
 */
export interface FailureDisplay {
  message: string;
  remedy: string | null;
  requestId: string | null;
  code: BackendError['code'];
}

export function describeFailure(e: unknown): FailureDisplay {
  const err = toBackendError(e);
  const requestId = err.plaid?.requestId ?? null;
  if (err.code === 'INTERNAL') return { message: `Something went wrong: ${err.message}`, remedy: null, requestId, code: err.code };
  const remedy = err.plaid?.displayMessage?.trim() || err.remedy?.trim() || null;
  return { message: sentence(err.message), remedy, requestId, code: err.code };
}
