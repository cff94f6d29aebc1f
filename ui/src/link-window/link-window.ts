/**
 * The Link window's page: asks Rust for the session, loads Plaid's Link script, opens Link
 * and reports how it ended. Rust saves the result, tells the main window (`link:ended`) and
 * closes this window.
 */
import { toBackendError } from '../lib/backend/backend';
import type { ExchangeInput, LinkExitReport } from '../lib/backend/types';
import { LinkLoadError, loadLinkScript } from '../lib/link/loader';
import type { PlaidExitMetadata, PlaidGlobal, PlaidLinkError, PlaidSuccessMetadata } from '../lib/link/plaid';
import { linkExit, linkSession, linkSuccess } from './commands';

export interface LinkWindowDeps {
  /** Where the page says what is going on. */
  status: HTMLElement;
  loadScript?: (url: string) => Promise<PlaidGlobal>;
}

/** What `link_success` receives, from Link's onSuccess metadata. */
export function exchangeInput(publicToken: string, metadata: PlaidSuccessMetadata): ExchangeInput {
  return {
    publicToken,
    institutionId: metadata.institution?.institution_id ?? '',
    institutionName: metadata.institution?.name ?? '',
    accountIds: metadata.accounts.map((a) => a.id),
  };
}

/** What `link_exit` receives, from Link's onExit (only the fields Link gave). */
export function exitReport(error: PlaidLinkError | null, metadata: PlaidExitMetadata | null | undefined): LinkExitReport {
  const r: LinkExitReport = {};
  if (error?.error_code) r.errorCode = error.error_code;
  if (error?.error_type) r.errorType = error.error_type;
  if (error?.display_message) r.displayMessage = error.display_message;
  if (metadata?.request_id) r.requestId = metadata.request_id;
  return r;
}

export async function runLinkWindow({ status, loadScript = loadLinkScript }: LinkWindowDeps): Promise<void> {
  const show = (text: string, kind: 'status' | 'error' = 'status') => {
    status.textContent = text;
    status.dataset.kind = kind;
    status.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  };
  const fail = async (text: string) => {
    show(text, 'error');
    try {
      await linkExit({ loadError: text });
    } catch {
      // Nothing more this window can do; the main window's Cancel closes it.
    }
  };

  show('Opening Plaid Link…');
  let token: string;
  let plaid: PlaidGlobal;
  try {
    const session = await linkSession();
    token = session.linkToken;
    try {
      plaid = await loadScript(session.scriptUrl);
    } catch (e) {
      return await fail(e instanceof LinkLoadError ? e.message : `Plaid Link could not be loaded: ${toBackendError(e).message}`);
    }
  } catch (e) {
    return await fail(`Plaid Link could not be started: ${toBackendError(e).message}`);
  }

  let ended = false;
  const handler = plaid.create({
    token,
    onSuccess: (publicToken, metadata) => {
      if (ended) return;
      ended = true;
      show('Saving the connection…');
      linkSuccess(exchangeInput(publicToken, metadata)).catch((e: unknown) => {
        show(`The connection could not be saved: ${toBackendError(e).message}`, 'error');
      });
    },
    onExit: (error, metadata) => {
      if (ended) return;
      ended = true;
      show('Closing Plaid Link…');
      linkExit(exitReport(error, metadata)).catch((e: unknown) => {
        show(`Plaid Link could not report back: ${toBackendError(e).message}`, 'error');
      });
    },
  });
  show('Plaid Link is open.');
  handler.open();
}
