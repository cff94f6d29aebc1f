import { afterEach, describe, expect, it, vi } from 'vitest';
import { LinkLoadError, loadLinkScript, resetLinkScriptCache } from './loader';
import { HostedLinkCancelled, waitForHostedLink } from './hosted';
import { LinkFlow, type LinkPurpose } from './link-flow.svelte';
import type { PlaidGlobal } from './plaid';
import { appError, emitEvent, flush, mockCommands, type Handler } from '../testing/ipc';
import { PLAID_ERROR_CODES } from '../backend/types';

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

const hostedToken = () => ({ linkToken: 'link-h', expiration: '2099-01-01T00:00:00Z', hostedLinkUrl: 'https://secure.plaid.com/link/abc' });

/** A flow with embedded Link answered by the test (`link:ended`), Hosted Link polled every 1 ms. */
function embedded(extra: Record<string, Handler> = {}) {
  const ipc = mockCommands({ open_link: () => null, close_link: () => null, ...extra });
  const linked = vi.fn();
  const flow = new LinkFlow({ onLinked: linked, pollIntervalMs: 1 });
  return { ipc, linked, flow };
}

describe('LinkFlow: embedded Link in its own window', () => {
  it('new link: open_link, then the link:ended success names the new link', async () => {
    const { ipc, linked, flow } = embedded();
    const done = flow.openEmbedded({ kind: 'new' });
    await flush();
    expect(ipc.callsTo('open_link')).toEqual([{}]);
    expect(flow.phase).toBe('open');
    await emitEvent('link:ended', { outcome: 'success', linkId: 5, institutionName: 'First Platypus Bank' });
    await done;
    expect(linked).toHaveBeenCalledWith(5, { kind: 'new' });
    expect(flow.phase).toBe('idle');
    expect(flow.error).toBeNull();
    expect(flow.message).toBe('First Platypus Bank is linked. Its transactions show up as they arrive.');
    // Unsubscribed: a later ending (another session) changes nothing here.
    await emitEvent('link:ended', { outcome: 'exit', error: { code: 'PLAID', message: 'x', remedy: null } });
    await flush();
    expect(flow.error).toBeNull();
    // The main window never saves a Link result itself.
    expect(ipc.calls.map((c) => c.cmd)).toEqual(expect.not.arrayContaining(['exchange_public_token', 'finish_update', 'create_link_token']));
  });

  it('add accounts: update mode with account selection; the link is the one updated', async () => {
    const { ipc, linked, flow } = embedded();
    const done = flow.openEmbedded({ kind: 'add-accounts', linkId: 3 });
    await flush();
    expect(ipc.callsTo('open_link')).toEqual([{ linkId: 3, accountSelection: true }]);
    await emitEvent('link:ended', { outcome: 'success' });
    await done;
    expect(linked).toHaveBeenCalledWith(3, { kind: 'add-accounts', linkId: 3 });
    expect(flow.message).toBe('Accounts updated for The bank.');
  });

  it("an exit with an error shows Link's display message, else the core's remedy; a plain exit shows nothing", async () => {
    const { flow } = embedded();
    let done = flow.openEmbedded({ kind: 'new' });
    await flush();
    await emitEvent('link:ended', {
      outcome: 'exit',
      error: {
        code: 'PLAID',
        message: 'the provided credentials were not correct',
        remedy: 'The bank did not accept the username or password.',
        plaid: {
          errorType: 'ITEM_ERROR',
          errorCode: PLAID_ERROR_CODES.INVALID_CREDENTIALS,
          errorMessage: 'the provided credentials were not correct',
          displayMessage: 'The credentials were not correct.',
          requestId: 'req-1',
        },
      },
    });
    await done;
    expect(flow.error).toMatchObject({ text: 'The credentials were not correct.', requestId: 'req-1', code: 'PLAID' });
    expect(flow.phase).toBe('idle');
    // Without a display message (Plaid sends null for many codes): what the core says to do.
    done = flow.openEmbedded({ kind: 'new' });
    await flush();
    expect(flow.error).toBeNull();
    await emitEvent('link:ended', {
      outcome: 'exit',
      error: {
        code: 'PLAID',
        message: 'the account is locked',
        remedy: 'The bank locked the account; unlock it on its website.',
        plaid: { errorType: 'ITEM_ERROR', errorCode: PLAID_ERROR_CODES.ITEM_LOCKED, errorMessage: 'the account is locked', displayMessage: null, requestId: 'req-2' },
      },
    });
    await done;
    expect(flow.error).toEqual({ text: 'The bank locked the account; unlock it on its website.', requestId: 'req-2', code: 'PLAID' });
    done = flow.openEmbedded({ kind: 'new' });
    await flush();
    await emitEvent('link:ended', { outcome: 'exit' });
    await done;
    expect(flow.error).toBeNull();
    expect(flow.message).toBeNull();
    expect(flow.phase).toBe('idle');
  });

  it("a failed save is shown by the core's remedy, with its code", async () => {
    const { linked, flow } = embedded();
    const done = flow.openEmbedded({ kind: 'new' });
    await flush();
    await emitEvent('link:ended', { outcome: 'failed', error: { code: 'KEYCHAIN_UNAVAILABLE', message: 'keyring locked', remedy: 'Unlock the keychain and try again.' } });
    await done;
    expect(flow.error).toEqual({ code: 'KEYCHAIN_UNAVAILABLE', text: 'Unlock the keychain and try again.', requestId: null });
    expect(linked).not.toHaveBeenCalled();
  });

  it('the link limit is reported by code; no window, nothing left waiting', async () => {
    const { flow } = embedded({
      open_link: () => appError('LINK_LIMIT_REACHED', 'max number of Plaid links already reached', { remedy: 'Remove a link, or raise the limit in Settings.' }),
    });
    await flow.openEmbedded({ kind: 'new' });
    expect(flow.phase).toBe('idle');
    expect(flow.error?.code).toBe('LINK_LIMIT_REACHED');
    expect(flow.error?.text).toBe('Remove a link, or raise the limit in Settings.');
  });

  it('handoff: says why, then continues as Hosted Link for the same purpose', async () => {
    let finish = false;
    const { ipc, linked, flow } = embedded({
      create_link_token: () => hostedToken(),
      open_hosted_link: () => ({ opened: true }),
      poll_hosted_link: () => (finish ? { state: 'success', linkId: 2 } : { state: 'pending' }),
    });
    const purpose: LinkPurpose = { kind: 'reconnect', linkId: 2 };
    const done = flow.openEmbedded(purpose);
    await flush();
    await emitEvent('link:ended', { outcome: 'handoff', message: 'Your bank signs you in on its own website, so Link continues in your browser.' });
    await flush();
    expect(flow.phase).toBe('browser');
    expect(flow.info).toBe('Your bank signs you in on its own website, so Link continues in your browser.');
    expect(ipc.callsTo('create_link_token')).toEqual([{ hosted: true, linkId: 2 }]);
    expect(ipc.callsTo('open_hosted_link')).toEqual([{ url: 'https://secure.plaid.com/link/abc' }]);
    finish = true;
    await done;
    expect(ipc.callsTo('open_link')).toHaveLength(1);
    expect(linked).toHaveBeenCalledWith(2, purpose);
    expect(flow.message).toBe('The bank is reconnected.');
  });

  it("Hosted Link ended with Plaid's error: its display message, else its reason", async () => {
    let displayMessage: string | null = 'The credentials were not correct.';
    const { flow } = embedded({
      create_link_token: () => hostedToken(),
      open_hosted_link: () => ({ opened: true }),
      poll_hosted_link: () => ({
        state: 'exited',
        error: { errorType: 'ITEM_ERROR', errorCode: PLAID_ERROR_CODES.INVALID_CREDENTIALS, errorMessage: 'the provided credentials were not correct', displayMessage, requestId: 'req-7' },
      }),
    });
    await flow.openInBrowser({ kind: 'new' });
    expect(flow.error).toEqual({ text: 'The credentials were not correct.', requestId: 'req-7', code: 'PLAID' });
    displayMessage = null;
    await flow.openInBrowser({ kind: 'new' });
    expect(flow.error).toEqual({ text: 'The provided credentials were not correct.', requestId: 'req-7', code: 'PLAID' });
  });

  it('cancel closes the Link window and returns quietly', async () => {
    const { ipc, linked, flow } = embedded();
    const done = flow.openEmbedded({ kind: 'new' });
    await flush();
    expect(flow.phase).toBe('open');
    flow.cancel();
    await done;
    expect(ipc.callsTo('close_link')).toHaveLength(1);
    expect(flow.phase).toBe('idle');
    expect(flow.error).toBeNull();
    expect(linked).not.toHaveBeenCalled();
  });
});

describe('LinkFlow: which way, and the data-use screen first', () => {
  it("the primary action follows the sign-in setting: 'browser' means Hosted Link", async () => {
    let signIn: 'app' | 'browser' = 'browser';
    const ipc = mockCommands({
      open_link: () => null,
      create_link_token: () => hostedToken(),
      open_hosted_link: () => ({ opened: true }),
      poll_hosted_link: () => ({ state: 'exited' }),
    });
    const flow = new LinkFlow({ onLinked: () => {}, signIn: () => signIn, pollIntervalMs: 1 });
    await flow.start({ kind: 'new' });
    expect(ipc.callsTo('create_link_token')).toEqual([{ hosted: true }]);
    expect(ipc.callsTo('open_link')).toHaveLength(0);
    signIn = 'app';
    void flow.start({ kind: 'new' });
    await flush();
    expect(ipc.callsTo('open_link')).toEqual([{}]);
    flow.cancel();
    await flush();
  });

  it('nothing starts until the data-use screen is accepted', async () => {
    const ipc = mockCommands({ open_link: () => null, create_link_token: () => hostedToken() });
    let answer = false;
    const confirmDataUse = vi.fn(async () => answer);
    const flow = new LinkFlow({ onLinked: () => {}, confirmDataUse });
    await flow.openEmbedded({ kind: 'new' });
    await flow.openInBrowser({ kind: 'new' });
    expect(confirmDataUse).toHaveBeenCalledTimes(2);
    expect(ipc.calls).toHaveLength(0);
    expect(flow.phase).toBe('idle');
    answer = true;
    void flow.openEmbedded({ kind: 'new' });
    await flush();
    expect(ipc.callsTo('open_link')).toEqual([{}]);
    flow.cancel();
    await flush();
  });
});

describe('LinkFlow: Hosted Link', () => {
  it('opens the URL through the shell, polls, reports the new link', async () => {
    const ipc = mockCommands({
      create_link_token: () => hostedToken(),
      open_hosted_link: () => ({ opened: true }),
      poll_hosted_link: () => ({ state: 'success', linkId: 9 }),
    });
    const linked = vi.fn();
    const flow = new LinkFlow({ onLinked: linked, pollIntervalMs: 1 });
    await flow.openInBrowser({ kind: 'new' });
    expect(ipc.callsTo('create_link_token')).toEqual([{ hosted: true }]);
    expect(ipc.callsTo('open_hosted_link')).toEqual([{ url: 'https://secure.plaid.com/link/abc' }]);
    expect(ipc.callsTo('qr_code')).toHaveLength(0);
    expect(linked).toHaveBeenCalledWith(9, { kind: 'new' });
  });

  it('cancel stops polling quietly', async () => {
    mockCommands({
      create_link_token: () => hostedToken(),
      open_hosted_link: () => ({ opened: true }),
      poll_hosted_link: () => ({ state: 'pending' }),
    });
    const flow = new LinkFlow({ onLinked: () => {}, pollIntervalMs: 5 });
    const done = flow.openInBrowser({ kind: 'reconnect', linkId: 2 });
    await new Promise((r) => setTimeout(r, 30));
    expect(flow.phase).toBe('browser');
    flow.cancel();
    await done;
    expect(flow.phase).toBe('idle');
    expect(flow.error).toBeNull();
  });

  it('without a browser: the address, its QR code, and polling as if it had opened', async () => {
    let polls = 0;
    let finish = false;
    const ipc = mockCommands({
      create_link_token: () => hostedToken(),
      open_hosted_link: () => ({ opened: false, message: 'No web browser could be opened on this computer.' }),
      qr_code: () => ({ size: 29, path: 'M4 4h7v7h-7z' }),
      poll_hosted_link: () => (++polls, finish ? { state: 'success', linkId: 4 } : { state: 'pending' }),
    });
    const linked = vi.fn();
    const flow = new LinkFlow({ onLinked: linked, pollIntervalMs: 1 });
    const done = flow.openInBrowser({ kind: 'new' });
    await new Promise((r) => setTimeout(r, 30));
    expect(flow.phase).toBe('browser');
    expect(flow.noBrowser).toEqual({
      message: 'No web browser could be opened on this computer.',
      url: 'https://secure.plaid.com/link/abc',
      qr: { size: 29, path: 'M4 4h7v7h-7z' },
    });
    expect(ipc.callsTo('qr_code')).toEqual([{ text: 'https://secure.plaid.com/link/abc' }]);
    expect(polls).toBeGreaterThan(2);
    finish = true;
    await done;
    expect(linked).toHaveBeenCalledWith(4, { kind: 'new' });
    expect(flow.noBrowser).toBeNull();
  });

  it('without a browser: the panel goes when the person cancels', async () => {
    mockCommands({
      create_link_token: () => hostedToken(),
      open_hosted_link: () => ({ opened: false, message: 'No browser.' }),
      qr_code: () => appError('INVALID_INPUT', 'too long'),
      poll_hosted_link: () => ({ state: 'pending' }),
    });
    const flow = new LinkFlow({ onLinked: () => {}, pollIntervalMs: 1 });
    const done = flow.openInBrowser({ kind: 'new' });
    await new Promise((r) => setTimeout(r, 20));
    // No QR code: the address and Copy still work.
    expect(flow.noBrowser).toMatchObject({ url: 'https://secure.plaid.com/link/abc', qr: null });
    flow.cancel();
    await done;
    expect(flow.noBrowser).toBeNull();
    expect(flow.error).toBeNull();
  });
});
