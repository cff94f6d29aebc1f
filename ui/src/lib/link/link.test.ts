import { afterEach, describe, expect, it, vi } from 'vitest';
import { LinkLoadError, loadLinkScript, resetLinkScriptCache } from './loader';
import { HostedLinkCancelled, waitForHostedLink } from './hosted';
import { LinkFlow } from './link-flow.svelte';
import type { PlaidCreateConfig, PlaidGlobal } from './plaid';
import { appError, flush, mockCommands } from '../testing/ipc';

afterEach(() => {
  vi.useRealTimers();
  resetLinkScriptCache();
  document.head.querySelectorAll('script[data-plaid-link]').forEach((s) => s.remove());
  delete window.Plaid;
});

describe('loadLinkScript', () => {
  it('times out when the host stalls (no load or error event ever comes)', async () => {
    vi.useFakeTimers();
    const p = loadLinkScript('https://cdn.plaid.com/link/v2/stable/link-initialize.js', 15_000);
    const caught = p.catch((e: unknown) => e);
    expect(document.head.querySelector('script[data-plaid-link]')).not.toBeNull();
    await vi.advanceTimersByTimeAsync(14_999);
    let settled = false;
    void p.then(() => (settled = true), () => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const e = await caught;
    expect(e).toBeInstanceOf(LinkLoadError);
    expect((e as LinkLoadError).reason).toBe('timeout');
    expect((e as LinkLoadError).message).toContain('cdn.plaid.com');
    // The stalled element is removed so that a retry starts afresh.
    expect(document.head.querySelector('script[data-plaid-link]')).toBeNull();
  });

  it('fails clearly on an error event, and when the script defines no Plaid', async () => {
    const p1 = loadLinkScript('http://127.0.0.1:9/link-initialize.js');
    document.head.querySelector('script[data-plaid-link]')!.dispatchEvent(new Event('error'));
    await expect(p1).rejects.toMatchObject({ reason: 'failed' });
    const p2 = loadLinkScript('http://127.0.0.1:9/link-initialize.js');
    document.head.querySelector('script[data-plaid-link]')!.dispatchEvent(new Event('load'));
    await expect(p2).rejects.toMatchObject({ reason: 'no-plaid' });
  });

  it('resolves with window.Plaid and loads a URL once', async () => {
    const fake: PlaidGlobal = { create: vi.fn() };
    const url = 'http://127.0.0.1:9/link-initialize.js';
    const p = loadLinkScript(url);
    expect(loadLinkScript(url)).toBe(p);
    window.Plaid = fake;
    document.head.querySelector('script[data-plaid-link]')!.dispatchEvent(new Event('load'));
    await expect(p).resolves.toBe(fake);
    expect(document.head.querySelectorAll('script[data-plaid-link]')).toHaveLength(1);
  });
});

describe('waitForHostedLink', () => {
  it('polls until the session is no longer pending', async () => {
    vi.useFakeTimers();
    let n = 0;
    const ipc = mockCommands({ poll_hosted_link: () => (++n < 3 ? { state: 'pending' } : { state: 'success', linkId: 7 }) });
    const p = waitForHostedLink('link-sandbox-1', { intervalMs: 1000 });
    await vi.advanceTimersByTimeAsync(999);
    expect(ipc.callsTo('poll_hosted_link')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(ipc.callsTo('poll_hosted_link')).toEqual([{ linkToken: 'link-sandbox-1' }]);
    await vi.advanceTimersByTimeAsync(2000);
    await expect(p).resolves.toEqual({ state: 'success', linkId: 7 });
    expect(n).toBe(3);
    await vi.advanceTimersByTimeAsync(5000);
    expect(n).toBe(3);
  });

  it('stops when cancelled', async () => {
    vi.useFakeTimers();
    const ipc = mockCommands({ poll_hosted_link: () => ({ state: 'pending' }) });
    const abort = new AbortController();
    const p = waitForHostedLink('t', { intervalMs: 1000, signal: abort.signal });
    const caught = p.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(2500);
    abort.abort();
    expect(await caught).toBeInstanceOf(HostedLinkCancelled);
    const count = ipc.callsTo('poll_hosted_link').length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(ipc.callsTo('poll_hosted_link')).toHaveLength(count);
  });

  it('gives up when the token expires', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2024-03-05T12:00:00Z'));
    mockCommands({ poll_hosted_link: () => ({ state: 'pending' }) });
    const p = waitForHostedLink('t', { intervalMs: 1000, expiresAt: '2024-03-05T12:00:03Z' });
    const caught = p.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(4000);
    expect(await caught).toMatchObject({ why: 'expired' });
  });
});

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

const success = {
  institution: { name: 'First Platypus Bank', institution_id: 'ins_109508' },
  accounts: [
    { id: 'a1', name: 'Checking', mask: '0000', type: 'depository', subtype: 'checking' },
    { id: 'a2', name: 'Saving', mask: '1111', type: 'depository', subtype: 'savings' },
  ],
  link_session_id: 's',
};

describe('LinkFlow', () => {
  it('new link: token, script, Link, exchange with the chosen accounts', async () => {
    const f = fakePlaid();
    const ipc = mockCommands({
      create_link_token: () => ({ linkToken: 'link-sandbox-x', expiration: '2099-01-01T00:00:00Z' }),
      exchange_public_token: () => ({ linkId: 5 }),
    });
    const linked = vi.fn();
    const flow = new LinkFlow({ scriptUrl: () => 'http://127.0.0.1:1/link-initialize.js', onLinked: linked, loadScript: async () => f.plaid });
    const done = flow.openEmbedded({ kind: 'new' });
    await flush();
    expect(flow.phase).toBe('open');
    expect(f.handler.open).toHaveBeenCalled();
    expect(f.config().token).toBe('link-sandbox-x');
    f.config().onSuccess('public-sandbox-1', success);
    await done;
    expect(ipc.callsTo('create_link_token')).toEqual([{ useCache: true }]);
    expect(ipc.callsTo('exchange_public_token')).toEqual([
      { publicToken: 'public-sandbox-1', institutionId: 'ins_109508', institutionName: 'First Platypus Bank', accountIds: ['a1', 'a2'] },
    ]);
    expect(linked).toHaveBeenCalledWith(5, { kind: 'new' });
    expect(flow.phase).toBe('idle');
    expect(flow.error).toBeNull();
    expect(f.handler.destroy).toHaveBeenCalled();
  });

  it('add accounts: update mode with account selection, finish_update, no exchange', async () => {
    const f = fakePlaid();
    const ipc = mockCommands({
      create_link_token: () => ({ linkToken: 'link-sandbox-u', expiration: '2099-01-01T00:00:00Z' }),
      finish_update: () => ({}),
    });
    const flow = new LinkFlow({ scriptUrl: () => 'x', onLinked: () => {}, loadScript: async () => f.plaid });
    const done = flow.openEmbedded({ kind: 'add-accounts', linkId: 3 });
    await flush();
    f.config().onSuccess('public-sandbox-2', success);
    await done;
    expect(ipc.callsTo('create_link_token')).toEqual([{ useCache: true, linkId: 3, accountSelection: true }]);
    expect(ipc.callsTo('finish_update')).toEqual([{ linkId: 3, accountIds: ['a1', 'a2'] }]);
    expect(ipc.callsTo('exchange_public_token')).toHaveLength(0);
  });

  it("an exit with an error shows Link's display message; a plain exit shows nothing", async () => {
    const f = fakePlaid();
    mockCommands({ create_link_token: () => ({ linkToken: 't', expiration: '2099-01-01T00:00:00Z' }) });
    const flow = new LinkFlow({ scriptUrl: () => 'x', onLinked: () => {}, loadScript: async () => f.plaid });
    let done = flow.openEmbedded({ kind: 'new' });
    await flush();
    f.config().onExit!(
      { error_type: 'ITEM_ERROR', error_code: 'INVALID_CREDENTIALS', error_message: 'dev text', display_message: 'The credentials were not correct.' },
      { institution: null, status: 'requires_credentials', link_session_id: 's', request_id: 'req-1' },
    );
    await done;
    expect(flow.error).toEqual({ text: 'The credentials were not correct.', requestId: 'req-1', code: 'PLAID' });
    // Without a display message (Plaid sends null for many codes): a sentence for the code.
    done = flow.openEmbedded({ kind: 'new' });
    await flush();
    f.config().onExit!(
      { error_type: 'ITEM_ERROR', error_code: 'ITEM_LOCKED', error_message: 'the account is locked', display_message: null },
      { institution: null, status: 'requires_credentials', link_session_id: 's', request_id: 'req-2' },
    );
    await done;
    expect(flow.error?.text).toContain('locked the account');
    expect(flow.error?.text).not.toContain('the account is locked');
    done = flow.openEmbedded({ kind: 'new' });
    await flush();
    f.config().onExit!(null, { institution: null, status: null, link_session_id: null, request_id: null });
    await done;
    expect(flow.error).toBeNull();
    expect(flow.phase).toBe('idle');
  });

  it('the link limit is reported by code before Link opens', async () => {
    const load = vi.fn();
    mockCommands({ create_link_token: () => appError('LINK_LIMIT_REACHED', 'max number of Plaid links already reached') });
    const flow = new LinkFlow({ scriptUrl: () => 'x', onLinked: () => {}, loadScript: load });
    await flow.openEmbedded({ kind: 'new' });
    expect(load).not.toHaveBeenCalled();
    expect(flow.error?.code).toBe('LINK_LIMIT_REACHED');
    expect(flow.error?.text).toContain('Remove one, or raise the limit in Settings');
  });

  it('a script that cannot load says so and offers the browser', async () => {
    mockCommands({ create_link_token: () => ({ linkToken: 't', expiration: '2099-01-01T00:00:00Z' }) });
    const flow = new LinkFlow({
      scriptUrl: () => 'https://cdn.plaid.com/link/v2/stable/link-initialize.js',
      onLinked: () => {},
      loadScript: (u) => Promise.reject(new LinkLoadError('timeout', u)),
    });
    await flow.openEmbedded({ kind: 'new' });
    expect(flow.error?.text).toMatch(/did not load from cdn\.plaid\.com.*continue in your browser/);
  });

  it('hosted link: opens the URL through the shell, polls, reports the new link', async () => {
    const ipc = mockCommands({
      create_link_token: () => ({ linkToken: 'link-h', expiration: '2099-01-01T00:00:00Z', hostedLinkUrl: 'https://secure.plaid.com/link/abc' }),
      open_hosted_link: () => null,
      poll_hosted_link: () => ({ state: 'success', linkId: 9 }),
    });
    const linked = vi.fn();
    const flow = new LinkFlow({ scriptUrl: () => 'x', onLinked: linked, pollIntervalMs: 1 });
    await flow.openInBrowser({ kind: 'new' });
    expect(ipc.callsTo('create_link_token')).toEqual([{ hosted: true }]);
    expect(ipc.callsTo('open_hosted_link')).toEqual([{ url: 'https://secure.plaid.com/link/abc' }]);
    expect(linked).toHaveBeenCalledWith(9, { kind: 'new' });
  });

  it('hosted link: cancel stops polling quietly', async () => {
    mockCommands({
      create_link_token: () => ({ linkToken: 'link-h', expiration: '2099-01-01T00:00:00Z', hostedLinkUrl: 'https://secure.plaid.com/link/abc' }),
      open_hosted_link: () => null,
      poll_hosted_link: () => ({ state: 'pending' }),
    });
    const flow = new LinkFlow({ scriptUrl: () => 'x', onLinked: () => {}, pollIntervalMs: 5 });
    const done = flow.openInBrowser({ kind: 'reconnect', linkId: 2 });
    await new Promise((r) => setTimeout(r, 30));
    expect(flow.phase).toBe('browser');
    flow.cancel();
    await done;
    expect(flow.phase).toBe('idle');
    expect(flow.error).toBeNull();
  });
});
