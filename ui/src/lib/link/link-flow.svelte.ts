/**
 * One Plaid Link session at a time: embedded (the Link script in this webview) or Hosted
 * Link in the system browser. New links are exchanged; update mode (Reconnect, Add accounts)
 * ends with `finish_update` and no exchange.
 */
import * as cmd from '../backend/commands';
import { describeError, plaidErrorText, type ErrorDisplay } from '../ui/errors';
import { HostedLinkCancelled, waitForHostedLink } from './hosted';
import { LinkLoadError, loadLinkScript } from './loader';
import type { PlaidExitMetadata, PlaidGlobal, PlaidHandler, PlaidLinkError, PlaidSuccessMetadata } from './plaid';

export type LinkPurpose = { kind: 'new' } | { kind: 'reconnect'; linkId: number } | { kind: 'add-accounts'; linkId: number };

export type LinkPhase = 'idle' | 'preparing' | 'loading' | 'open' | 'saving' | 'browser';

export interface LinkFlowDeps {
  /** The Link script URL for the mode (from `get_status`). */
  scriptUrl: () => string | null;
  /** Called with the link that was created or repaired. */
  onLinked: (linkId: number, purpose: LinkPurpose) => Promise<void> | void;
  loadScript?: (url: string) => Promise<PlaidGlobal>;
  pollIntervalMs?: number;
}

type Outcome =
  | { kind: 'success'; publicToken: string; metadata: PlaidSuccessMetadata }
  | { kind: 'exit'; error: PlaidLinkError | null; metadata: PlaidExitMetadata };

export class LinkFlow {
  phase = $state<LinkPhase>('idle');
  purpose = $state<LinkPurpose | null>(null);
  /** Why the last attempt failed (null after success or a plain cancel). */
  error = $state<ErrorDisplay | null>(null);
  /** What happened last, for a status line ("First Platypus Bank linked"). */
  message = $state<string | null>(null);

  #deps: LinkFlowDeps;
  #handler: PlaidHandler | null = null;
  #abort: AbortController | null = null;

  constructor(deps: LinkFlowDeps) {
    this.#deps = deps;
  }

  get busy(): boolean {
    return this.phase !== 'idle';
  }

  #begin(purpose: LinkPurpose): boolean {
    if (this.busy) return false;
    this.purpose = purpose;
    this.error = null;
    this.message = null;
    this.phase = 'preparing';
    return true;
  }

  #fail(e: unknown) {
    this.error =
      e instanceof LinkLoadError ? { text: e.message, requestId: null, code: 'NETWORK' } : describeError(e);
    this.phase = 'idle';
  }

  /** Embedded Link in this window. */
  async openEmbedded(purpose: LinkPurpose): Promise<void> {
    if (!this.#begin(purpose)) return;
    try {
      const linkId = 'linkId' in purpose ? purpose.linkId : undefined;
      const token = await cmd.createLinkToken({
        useCache: true,
        ...(linkId !== undefined ? { linkId } : {}),
        ...(purpose.kind === 'add-accounts' ? { accountSelection: true } : {}),
      });
      const url = this.#deps.scriptUrl();
      if (!url) throw new LinkLoadError('failed', 'the Link host');
      this.phase = 'loading';
      const plaid = await (this.#deps.loadScript ?? loadLinkScript)(url);
      const outcome = await new Promise<Outcome>((resolve) => {
        this.#handler = plaid.create({
          token: token.linkToken,
          onSuccess: (publicToken, metadata) => resolve({ kind: 'success', publicToken, metadata }),
          onExit: (error, metadata) => resolve({ kind: 'exit', error, metadata }),
        });
        this.phase = 'open';
        this.#handler.open();
      });
      this.#handler?.destroy();
      this.#handler = null;
      if (outcome.kind === 'exit') {
        if (outcome.error) {
          this.error = {
            text:
              outcome.error.display_message?.trim() ||
              plaidErrorText(outcome.error.error_code) ||
              `Link closed with an error (${outcome.error.error_code}).`,
            requestId: outcome.metadata.request_id,
            code: 'PLAID',
          };
        }
        this.phase = 'idle';
        return;
      }
      this.phase = 'saving';
      const { metadata, publicToken } = outcome;
      const accountIds = metadata.accounts.map((a) => a.id);
      let id: number;
      if (purpose.kind === 'new') {
        ({ linkId: id } = await cmd.exchangePublicToken({
          publicToken,
          institutionId: metadata.institution?.institution_id ?? '',
          institutionName: metadata.institution?.name ?? '',
          accountIds,
        }));
      } else {
        id = purpose.linkId;
        await cmd.finishUpdate({ linkId: id, ...(purpose.kind === 'add-accounts' ? { accountIds } : {}) });
      }
      this.message = this.#doneText(purpose, metadata.institution?.name);
      this.phase = 'idle';
      await this.#deps.onLinked(id, purpose);
    } catch (e) {
      this.#handler?.destroy();
      this.#handler = null;
      this.#fail(e);
    }
  }

  /** Hosted Link in the system browser; polls until the person finishes there or cancels here. */
  async openInBrowser(purpose: LinkPurpose): Promise<void> {
    if (!this.#begin(purpose)) return;
    const abort = new AbortController();
    this.#abort = abort;
    try {
      const linkId = 'linkId' in purpose ? purpose.linkId : undefined;
      const token = await cmd.createLinkToken({
        hosted: true,
        ...(linkId !== undefined ? { linkId } : {}),
        ...(purpose.kind === 'add-accounts' ? { accountSelection: true } : {}),
      });
      if (!token.hostedLinkUrl) throw new Error('Plaid did not return a Hosted Link URL.');
      await cmd.openHostedLink({ url: token.hostedLinkUrl });
      this.phase = 'browser';
      const r = await waitForHostedLink(token.linkToken, {
        signal: abort.signal,
        expiresAt: token.expiration,
        ...(this.#deps.pollIntervalMs !== undefined ? { intervalMs: this.#deps.pollIntervalMs } : {}),
      });
      if (r.state === 'success') {
        const id = r.linkId ?? linkId;
        this.message = this.#doneText(purpose, undefined);
        this.phase = 'idle';
        if (id !== undefined) await this.#deps.onLinked(id, purpose);
      } else {
        if (r.error) this.error = describeError({ code: 'PLAID', message: r.error.errorCode, plaid: r.error });
        else this.message = 'Link was closed in the browser before it finished.';
        this.phase = 'idle';
      }
    } catch (e) {
      if (e instanceof HostedLinkCancelled) {
        if (e.why === 'expired') this.error = { text: e.message, requestId: null, code: 'PLAID' };
        this.phase = 'idle';
      } else {
        this.#fail(e);
      }
    } finally {
      if (this.#abort === abort) this.#abort = null;
    }
  }

  /** Stops waiting for the browser (Hosted Link) or closes embedded Link. */
  cancel(): void {
    this.#abort?.abort();
    this.#handler?.exit({ force: true });
  }

  #doneText(purpose: LinkPurpose, institution: string | undefined): string {
    const what = institution ?? 'The bank';
    if (purpose.kind === 'new') return `${what} is linked. Its transactions show up as they arrive.`;
    if (purpose.kind === 'reconnect') return `${what} is reconnected.`;
    return `Accounts updated for ${what}.`;
  }
}
