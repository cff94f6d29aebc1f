/**
 * One Plaid Link session at a time: embedded Link in a window of its own, or Hosted Link in
 * the system browser. This window never loads Plaid's script: `open_link` has Rust open the
 * Link window (its page is src/link-window/), which saves the result itself; how it ended
 * arrives as the `link:ended` event. A bank that signs people in on its own site is handed
 * to the browser (`handoff`), and this flow continues there as Hosted Link.
 */
import * as cmd from '../backend/commands';
import type { LinkEnded, QrCodeView, SignIn } from '../backend/types';
import { describeError, type ErrorDisplay } from '../ui/errors';
import { HostedLinkCancelled, waitForHostedLink } from './hosted';

export type LinkPurpose = { kind: 'new' } | { kind: 'reconnect'; linkId: number } | { kind: 'add-accounts'; linkId: number };

export type LinkPhase = 'idle' | 'preparing' | 'open' | 'browser';

/** Hosted Link when no browser took the address: show it to copy, or to scan on a phone. */
export interface NoBrowser {
  /** Why, in one sentence (from the shell). */
  message: string;
  url: string;
  /** Null until drawn (or when it could not be). */
  qr: QrCodeView | null;
}

export interface LinkFlowDeps {
  /** Called with the link that was created or repaired. */
  onLinked: (linkId: number, purpose: LinkPurpose) => Promise<void> | void;
  /** Where the person chose to sign in to banks (settings); `app` until known. */
  signIn?: () => SignIn | null | undefined;
  /** Resolves to true once the person has accepted the data-use screen (asks if needed). */
  confirmDataUse?: () => Promise<boolean>;
  pollIntervalMs?: number;
}

export class LinkFlow {
  phase = $state<LinkPhase>('idle');
  purpose = $state<LinkPurpose | null>(null);
  /** Why the last attempt failed (null after success or a plain cancel). */
  error = $state<ErrorDisplay | null>(null);
  /** What happened last, for a status line ("First Platypus Bank is linked."). */
  message = $state<string | null>(null);
  /** A note for the running session (why it continues in the browser). */
  info = $state<string | null>(null);
  /** Set while a Hosted Link session waits and no browser could be opened. */
  noBrowser = $state<NoBrowser | null>(null);

  #deps: LinkFlowDeps;
  #asking = false;
  #abort: AbortController | null = null;
  /** Ends the wait for `link:ended` (cancel). */
  #stopEmbedded: (() => void) | null = null;

  constructor(deps: LinkFlowDeps) {
    this.#deps = deps;
  }

  get busy(): boolean {
    return this.phase !== 'idle';
  }

  /** Where the primary buttons send the person. */
  get signIn(): SignIn {
    return this.#deps.signIn?.() ?? 'app';
  }

  /** The primary action: Link in Coffer or in the browser, as chosen in Settings. */
  start(purpose: LinkPurpose): Promise<void> {
    return this.#start(purpose, null);
  }

  /** Embedded Link, in its own window. */
  openEmbedded(purpose: LinkPurpose): Promise<void> {
    return this.#start(purpose, 'app');
  }

  /** Hosted Link in the system browser; polls until the person finishes there or cancels here. */
  openInBrowser(purpose: LinkPurpose): Promise<void> {
    return this.#start(purpose, 'browser');
  }

  /** Stops waiting for the browser (Hosted Link) or closes the Link window. */
  cancel(): void {
    this.#abort?.abort();
    if (this.#stopEmbedded) {
      this.#stopEmbedded();
      void cmd.closeLink().catch(() => {});
    }
  }

  async #start(purpose: LinkPurpose, how: SignIn | null): Promise<void> {
    if (this.busy || this.#asking) return;
    this.#asking = true;
    let ok: boolean;
    try {
      ok = this.#deps.confirmDataUse ? await this.#deps.confirmDataUse() : true;
    } finally {
      this.#asking = false;
    }
    if (!ok || this.busy) return;
    if ((how ?? this.signIn) === 'browser') await this.#browser(purpose);
    else await this.#embedded(purpose);
  }

  #begin(purpose: LinkPurpose) {
    this.purpose = purpose;
    this.error = null;
    this.message = null;
    this.info = null;
    this.phase = 'preparing';
  }

  async #embedded(purpose: LinkPurpose): Promise<void> {
    this.#begin(purpose);
    let settle!: (e: LinkEnded | null) => void;
    const ended = new Promise<LinkEnded | null>((r) => (settle = r));
    let unlisten: (() => void) | null = null;
    try {
      // Subscribed before the window opens, so that a quick ending is not missed.
      unlisten = await cmd.onBackendEvent('link:ended', (e) => settle(e));
      this.#stopEmbedded = () => settle(null);
      await cmd.openLink({
        ...('linkId' in purpose ? { linkId: purpose.linkId } : {}),
        ...(purpose.kind === 'add-accounts' ? { accountSelection: true } : {}),
      });
      this.phase = 'open';
      const e = await ended;
      unlisten();
      unlisten = null;
      this.#stopEmbedded = null;
      this.phase = 'idle';
      if (!e) return;
      switch (e.outcome) {
        case 'success': {
          this.message = this.#doneText(purpose, e.institutionName);
          const id = e.linkId ?? ('linkId' in purpose ? purpose.linkId : undefined);
          if (id !== undefined) await this.#deps.onLinked(id, purpose);
          return;
        }
        case 'exit':
          if (e.error) this.error = describeError(e.error);
          return;
        case 'failed':
          this.error = e.error ? describeError(e.error) : { text: e.message ?? 'Plaid Link could not finish. Try again.', requestId: null, code: 'INTERNAL' };
          return;
        case 'handoff':
          await this.#browser(purpose, e.message ?? null);
          return;
      }
    } catch (e) {
      this.error = describeError(e);
      this.phase = 'idle';
    } finally {
      unlisten?.();
      this.#stopEmbedded = null;
    }
  }

  async #browser(purpose: LinkPurpose, info: string | null = null): Promise<void> {
    this.#begin(purpose);
    this.info = info;
    const abort = new AbortController();
    this.#abort = abort;
    try {
      const linkId = 'linkId' in purpose ? purpose.linkId : undefined;
      const token = await cmd.createLinkToken({
        hosted: true,
        ...(linkId !== undefined ? { linkId } : {}),
        ...(purpose.kind === 'add-accounts' ? { accountSelection: true } : {}),
      });
      const url = token.hostedLinkUrl;
      if (!url) throw new Error('Plaid did not return a Hosted Link URL.');
      const opened = await cmd.openHostedLink({ url });
      if (abort.signal.aborted) throw new HostedLinkCancelled('cancelled');
      if (!opened.opened) {
        this.noBrowser = { message: opened.message ?? 'No browser could be opened.', url, qr: null };
        void this.#drawQr(url);
      }
      this.phase = 'browser';
      const r = await waitForHostedLink(token.linkToken, {
        signal: abort.signal,
        expiresAt: token.expiration,
        ...(this.#deps.pollIntervalMs !== undefined ? { intervalMs: this.#deps.pollIntervalMs } : {}),
      });
      this.noBrowser = null;
      if (r.state === 'success') {
        const id = r.linkId ?? linkId;
        this.message = this.#doneText(purpose, undefined);
        this.phase = 'idle';
        if (id !== undefined) await this.#deps.onLinked(id, purpose);
      } else {
        // Plaid's exit error carries no remedy: its display message, else its reason.
        if (r.error) this.error = describeError({ code: 'PLAID', message: r.error.errorMessage || r.error.errorCode, plaid: r.error });
        else this.message = 'Link was closed in the browser before it finished.';
        this.phase = 'idle';
      }
    } catch (e) {
      if (e instanceof HostedLinkCancelled) {
        if (e.why === 'expired') this.error = { text: e.message, requestId: null, code: 'PLAID' };
      } else {
        this.error = describeError(e);
      }
      this.phase = 'idle';
    } finally {
      this.noBrowser = null;
      if (this.#abort === abort) this.#abort = null;
    }
  }

  async #drawQr(url: string): Promise<void> {
    try {
      const qr = await cmd.qrCode({ text: url });
      if (this.noBrowser?.url === url) this.noBrowser = { ...this.noBrowser, qr };
    } catch {
      // The address and Copy are still there.
    }
  }

  #doneText(purpose: LinkPurpose, institution: string | undefined): string {
    const what = institution ?? 'The bank';
    if (purpose.kind === 'new') return `${what} is linked. Its transactions show up as they arrive.`;
    if (purpose.kind === 'reconnect') return `${what} is reconnected.`;
    return `Accounts updated for ${what}.`;
  }
}
