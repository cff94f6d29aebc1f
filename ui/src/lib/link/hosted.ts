/** Hosted Link: poll `poll_hosted_link` until the browser session ends, is cancelled or expires. */
import { pollHostedLink } from '../backend/commands';
import type { HostedLinkPoll } from '../backend/types';

export const HOSTED_POLL_INTERVAL_MS = 2_000;

export class HostedLinkCancelled extends Error {
  constructor(readonly why: 'cancelled' | 'expired') {
    super(why === 'expired' ? 'The browser session expired. Start again.' : 'Cancelled.');
    this.name = 'HostedLinkCancelled';
  }
}

/**
 * Polls every `intervalMs` until the state is not `pending`. Rejects with
 * {@link HostedLinkCancelled} when `signal` aborts or `expiresAt` passes; a failing poll
 * rejects with its error (the caller shows it).
 */
export function waitForHostedLink(
  linkToken: string,
  opts: { signal?: AbortSignal; intervalMs?: number; expiresAt?: string; now?: () => number } = {},
): Promise<HostedLinkPoll> {
  const interval = opts.intervalMs ?? HOSTED_POLL_INTERVAL_MS;
  const now = opts.now ?? Date.now;
  const expires = opts.expiresAt ? Date.parse(opts.expiresAt) : Number.NaN;
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const abort = () => {
      clearTimeout(timer);
      reject(new HostedLinkCancelled('cancelled'));
    };
    if (opts.signal?.aborted) return abort();
    opts.signal?.addEventListener('abort', abort, { once: true });
    const tick = async () => {
      if (!Number.isNaN(expires) && now() >= expires) {
        opts.signal?.removeEventListener('abort', abort);
        return reject(new HostedLinkCancelled('expired'));
      }
      try {
        const r = await pollHostedLink({ linkToken });
        if (opts.signal?.aborted) return;
        if (r.state !== 'pending') {
          opts.signal?.removeEventListener('abort', abort);
          return resolve(r);
        }
        timer = setTimeout(tick, interval);
      } catch (e) {
        opts.signal?.removeEventListener('abort', abort);
        reject(e);
      }
    };
    timer = setTimeout(tick, interval);
  });
}
