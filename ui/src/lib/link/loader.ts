/**
 * Loads the Link script for the mode (Plaid's CDN, or the offline stand-in on loopback).
 * A stalled host gives WebKit no error event, so the load has its own timeout.
 */
import type { PlaidGlobal } from './plaid';

export class LinkLoadError extends Error {
  readonly reason: 'timeout' | 'failed' | 'no-plaid';
  constructor(reason: 'timeout' | 'failed' | 'no-plaid', url: string) {
    let host = url;
    try {
      host = new URL(url).host || url;
    } catch {
      /* keep the url */
    }
    super(
      reason === 'timeout'
        ? `Plaid Link did not load from ${host} in time. Check your connection, or continue in your browser.`
        : reason === 'failed'
          ? `Plaid Link could not be loaded from ${host}. Check your connection, or continue in your browser.`
          : `The script from ${host} did not provide Plaid Link. Continue in your browser instead.`,
    );
    this.name = 'LinkLoadError';
    this.reason = reason;
  }
}

export const LINK_SCRIPT_TIMEOUT_MS = 15_000;

let pending: { url: string; promise: Promise<PlaidGlobal> } | null = null;

/**
 * Resolves with `window.Plaid` once the script at `url` has run. Loads it once per URL;
 * after a failure the script element is removed so that a retry loads it afresh.
 */
export function loadLinkScript(url: string, timeoutMs = LINK_SCRIPT_TIMEOUT_MS, doc: Document = document): Promise<PlaidGlobal> {
  const win = doc.defaultView as (Window & typeof globalThis) | null;
  if (pending && pending.url === url) return pending.promise;
  const promise = new Promise<PlaidGlobal>((resolve, reject) => {
    const script = doc.createElement('script');
    script.src = url;
    script.async = true;
    script.dataset.plaidLink = '';
    let settled = false;
    const fail = (reason: 'timeout' | 'failed' | 'no-plaid') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      script.remove();
      if (pending?.promise === promise) pending = null;
      reject(new LinkLoadError(reason, url));
    };
    const timer = setTimeout(() => fail('timeout'), timeoutMs);
    script.addEventListener('load', () => {
      if (settled) return;
      const plaid = win?.Plaid;
      if (!plaid || typeof plaid.create !== 'function') return fail('no-plaid');
      settled = true;
      clearTimeout(timer);
      resolve(plaid);
    });
    script.addEventListener('error', () => fail('failed'));
    doc.head.appendChild(script);
  });
  pending = { url, promise };
  return promise;
}

/** Forgets a loaded script (tests). */
export function resetLinkScriptCache(): void {
  pending = null;
}
