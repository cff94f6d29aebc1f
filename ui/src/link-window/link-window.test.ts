import { describe, expect, it, vi } from 'vitest';
import { runLinkWindow } from './link-window';
import { LinkLoadError } from '../lib/link/loader';
import type { PlaidCreateConfig, PlaidGlobal } from '../lib/link/plaid';
import { appError, flush, mockCommands, type Handler } from '../lib/testing/ipc';
import { PLAID_ERROR_CODES } from '../lib/backend/types';

const SESSION = { linkToken: 'link-sandbox-x', scriptUrl: 'https://cdn.plaid.com/link/v2/stable/link-initialize.js' };

/** A Plaid global whose create() hands the config to the test. */
function fakePlaid() {
  let config: PlaidCreateConfig | null = null;
  const handler = { open: vi.fn(), exit: vi.fn(), destroy: vi.fn() };
  const plaid: PlaidGlobal = {
    create: (c) => {
      config = c;
      return handler;
    },
  };
  return { plaid, handler, config: () => config! };
}

async function start(extra: Record<string, Handler> = {}, loadScript?: (url: string) => Promise<PlaidGlobal>) {
  const ipc = mockCommands({ link_session: () => SESSION, link_success: () => null, link_exit: () => null, ...extra });
  const f = fakePlaid();
  const load = vi.fn(loadScript ?? (async () => f.plaid));
  const status = document.createElement('p');
  status.textContent = 'Opening Plaid Link…';
  await runLinkWindow({ status, loadScript: load });
  await flush();
  return { ipc, f, load, status };
}

const success = {
  institution: { name: 'First Platypus Bank', institution_id: 'ins_109508' },
  accounts: [
    { id: 'a1', name: 'Checking', mask: '0000', type: 'depository', subtype: 'checking' },
    { id: 'a2', name: 'Saving', mask: '1111', type: 'depository', subtype: 'savings' },
  ],
  link_session_id: 's',
};

describe('the Link window', () => {
  it("asks for the session, loads the mode's script, opens Link with the token", async () => {
    const { ipc, f, load } = await start();
    expect(ipc.callsTo('link_session')).toEqual([undefined]);
    expect(load).toHaveBeenCalledWith(SESSION.scriptUrl);
    expect(f.config().token).toBe('link-sandbox-x');
    expect(f.handler.open).toHaveBeenCalled();
    expect(ipc.calls.map((c) => c.cmd)).toEqual(['link_session']);
  });

  it("onSuccess: link_success with Link's metadata, once", async () => {
    const { ipc, f, status } = await start();
    f.config().onSuccess('public-sandbox-1', success);
    f.config().onExit!(null, { institution: null, status: null, link_session_id: 's', request_id: null });
    await flush();
    expect(ipc.callsTo('link_success')).toEqual([
      { publicToken: 'public-sandbox-1', institutionId: 'ins_109508', institutionName: 'First Platypus Bank', accountIds: ['a1', 'a2'] },
    ]);
    expect(ipc.callsTo('link_exit')).toHaveLength(0);
    expect(status.textContent).toBe('Saving the connection…');
  });

  it('a failed save is shown in the window', async () => {
    const { f, status } = await start({ link_success: () => appError('KEYCHAIN_UNAVAILABLE', 'the keychain is locked') });
    f.config().onSuccess('public-sandbox-1', success);
    await flush();
    expect(status.dataset.kind).toBe('error');
    expect(status.textContent).toContain('the keychain is locked');
  });

  it("onExit with an error: link_exit with Plaid's fields", async () => {
    const { ipc, f } = await start();
    f.config().onExit!(
      { error_type: 'ITEM_ERROR', error_code: PLAID_ERROR_CODES.INVALID_CREDENTIALS, error_message: 'dev text', display_message: 'The credentials were not correct.' },
      { institution: null, status: 'requires_credentials', link_session_id: 's', request_id: 'req-1' },
    );
    await flush();
    expect(ipc.callsTo('link_exit')).toEqual([
      { errorCode: PLAID_ERROR_CODES.INVALID_CREDENTIALS, errorType: 'ITEM_ERROR', displayMessage: 'The credentials were not correct.', requestId: 'req-1' },
    ]);
    expect(ipc.callsTo('link_success')).toHaveLength(0);
  });

  it('a plain exit: link_exit with nothing to report', async () => {
    const { ipc, f } = await start();
    f.config().onExit!(null, { institution: null, status: null, link_session_id: null, request_id: null });
    await flush();
    expect(ipc.callsTo('link_exit')).toEqual([{}]);
  });

  it("a script that does not load: the loader's message in the window and in link_exit", async () => {
    const url = SESSION.scriptUrl;
    const { ipc, status } = await start({}, () => Promise.reject(new LinkLoadError('timeout', url)));
    const text = 'Plaid Link did not load from cdn.plaid.com in time. Check your connection, or continue in your browser.';
    expect(status.textContent).toBe(text);
    expect(status.dataset.kind).toBe('error');
    expect(status.getAttribute('role')).toBe('alert');
    expect(ipc.callsTo('link_exit')).toEqual([{ loadError: text }]);
  });

  it('no session: says so and reports it, without loading anything', async () => {
    const load = vi.fn();
    const { ipc, status } = await start({ link_session: () => appError('INVALID_INPUT', 'no Link session is open') }, load);
    expect(load).not.toHaveBeenCalled();
    expect(status.textContent).toContain('no Link session is open');
    expect(ipc.callsTo('link_exit')).toEqual([{ loadError: 'Plaid Link could not be started: no Link session is open' }]);
  });
});
