import { describe, expect, it, vi } from 'vitest';
import { LinksStore, NOT_READY_RETRY_MS } from './links.svelte';
import { linkHealth } from './health';
import { appError, emitEvent, flush, link, mockCommands } from '../testing/ipc';
import { PLAID_ERROR_CODES } from '../backend/types';

describe('linkHealth', () => {
  it("shows the core's health with its remedy as given", () => {
    const cases = [
      ['HEALTHY', null, 'healthy', 'Healthy'],
      ['NEEDS_RECONNECT', 'Log in again, please.', 'reconnect', 'Needs reconnect'],
      ['BROKEN', 'Remove it and start over.', 'broken', 'Broken'],
      ['ERROR', 'The bank is down; it is retried later.', 'error', 'Error'],
      ['ARCHIVED', null, 'archived', 'Archived'],
    ] as const;
    for (const [health, remedy, kind, label] of cases) {
      expect(linkHealth(link({ health, remedy }), false)).toEqual({ kind, label, hint: remedy });
    }
    // The status and the error code are the core's to weigh: the UI reads health alone.
    const e = linkHealth(link({ status: 'LOGIN_REQUIRED', health: 'ERROR', remedy: 'Try later.', lastError: { code: PLAID_ERROR_CODES.ITEM_LOGIN_REQUIRED, requestId: 'r', at: null } }), false);
    expect(e).toEqual({ kind: 'error', label: 'Error', hint: 'Try later.' });
    // A remedy on a healthy link (the core's call) is shown too.
    expect(linkHealth(link({ health: 'HEALTHY', remedy: 'Reconnect soon.' }), false).hint).toBe('Reconnect soon.');
  });

  it('shows Syncing only while a sync runs, and never over what needs the person', () => {
    expect(linkHealth(link(), true)).toEqual({ kind: 'syncing', label: 'Syncing', hint: null });
    expect(linkHealth(link({ health: 'ERROR', remedy: 'Try later.' }), true).kind).toBe('syncing');
    expect(linkHealth(link({ health: 'ERROR', remedy: 'Try later.' }), false).kind).toBe('error');
    expect(linkHealth(link({ health: 'NEEDS_RECONNECT', remedy: 'Log in again.' }), true)).toEqual({ kind: 'reconnect', label: 'Needs reconnect', hint: 'Log in again.' });
    expect(linkHealth(link({ health: 'BROKEN', remedy: 'Start over.' }), true).kind).toBe('broken');
    expect(linkHealth(link({ health: 'ARCHIVED', remedy: null }), true).kind).toBe('archived');
  });

  it('notes a bank still preparing transactions on a healthy link', () => {
    const h = linkHealth(link({ lastSyncStatus: 'NOT_READY' }), false);
    expect(h.kind).toBe('healthy');
    expect(h.hint).toContain('still preparing transactions');
    expect(linkHealth(link({ lastSyncStatus: 'NOT_READY', health: 'ERROR', remedy: 'Try later.' }), false).hint).toBe('Try later.');
  });
});

describe('LinksStore', () => {
  it('follows sync progress events and reloads when a run finishes', async () => {
    let listed = 0;
    mockCommands({ list_links: () => (listed++, [link()]) });
    const s = new LinksStore();
    await s.start();
    expect(s.loaded).toBe(true);
    expect(s.health(s.links[0]!).kind).toBe('healthy');

    await emitEvent('sync:started', { linkId: 1 });
    expect(s.syncing[1]).toEqual({ pages: 0, rows: 0 });
    expect(s.health(s.links[0]!).kind).toBe('syncing');
    await emitEvent('sync:progress', { linkId: 1, pages: 2, rows: 812, restarts: 0, hasMore: true });
    expect(s.syncing[1]).toEqual({ pages: 2, rows: 812 });

    const before = listed;
    await emitEvent('sync:finished', { linkId: 1, status: 'UPDATED', updateStatus: null, added: 812, modified: 0, removed: 0, pages: 3, restarts: 0 });
    await flush();
    expect(s.syncing[1]).toBeUndefined();
    expect(s.health(s.links[0]!).kind).toBe('healthy');
    expect(listed).toBeGreaterThan(before);
    s.dispose();
  });

  it('reads the list again once subscribed, so a change made meanwhile is not missed', async () => {
    let links = [link()];
    let listed = 0;
    mockCommands({
      list_links: () => {
        const now = links;
        // The CLI links a bank right after the first read, before any event could tell.
        if (++listed === 1) links = [link(), link({ id: 2, name: 'Tartan Bank' })];
        return now;
      },
    });
    const s = new LinksStore();
    await s.start();
    await s.subscribed;
    await flush();
    expect(s.links.map((l) => l.name)).toEqual(['First Platypus Bank', 'Tartan Bank']);
    s.dispose();
  });

  it('follows nothing after dispose, even when it came before the subscriptions', async () => {
    let listed = 0;
    mockCommands({ list_links: () => (listed++, [link()]) });
    const s = new LinksStore();
    const started = s.start();
    s.dispose();
    await started;
    await s.subscribed;
    await flush();
    const before = listed;
    await emitEvent('links:changed', { linkIds: [1] });
    await flush();
    expect(listed).toBe(before);
  });

  it('reloads when links change elsewhere (another process)', async () => {
    let links = [link()];
    mockCommands({ list_links: () => links });
    const s = new LinksStore();
    await s.start();
    links = [link(), link({ id: 2, name: 'Tartan Bank' })];
    await emitEvent('links:changed', { linkIds: [2] });
    await flush();
    expect(s.links.map((l) => l.name)).toEqual(['First Platypus Bank', 'Tartan Bank']);
    s.dispose();
  });

  it("shows Plaid's display message for a failed sync, and branches on the code otherwise", async () => {
    mockCommands({
      list_links: () => [link()],
      sync_transactions: () =>
        appError('LOGIN_REQUIRED', 'failed to sync transactions: the bank needs you to log in again (reconnect this link)', {
          remedy: 'The bank needs you to log in again: choose Reconnect.',
          plaid: {
            errorType: 'ITEM_ERROR',
            errorCode: PLAID_ERROR_CODES.ITEM_LOGIN_REQUIRED,
            errorMessage: 'the login details of this item have changed',
            displayMessage: 'Please sign in to First Platypus again',
            requestId: 'req-9',
          },
        }),
    });
    const s = new LinksStore();
    await s.start();
    await s.sync(1);
    expect(s.notices[1]).toEqual({ kind: 'error', text: 'Please sign in to First Platypus again', requestId: 'req-9' });
    expect(s.syncing[1]).toBeUndefined();
    expect(s.busy[1]).toBeUndefined();
  });

  it("shows the core's remedy when Plaid sent no display message, else the message", async () => {
    let remedy: string | null = 'Check your connection, then Sync again.';
    mockCommands({
      list_links: () => [link()],
      sync_transactions: () => appError('NETWORK', 'failed to sync transactions: connection refused', { remedy }),
      rename_link: () =>
        appError('PLAID', 'failed to rename', {
          remedy: 'The bank is not answering: try again later.',
          plaid: { errorType: 'INSTITUTION_ERROR', errorCode: PLAID_ERROR_CODES.INSTITUTION_NOT_RESPONDING, errorMessage: 'this institution is not currently responding', displayMessage: null, requestId: 'req-3' },
        }),
    });
    const s = new LinksStore();
    await s.start();
    await s.sync(1);
    expect(s.notices[1]).toEqual({ kind: 'error', text: 'Check your connection, then Sync again.', requestId: null });
    await s.rename(1, 'New');
    expect(s.notices[1]).toEqual({ kind: 'error', text: 'The bank is not answering: try again later.', requestId: 'req-3' });
    remedy = null;
    await s.sync(1);
    expect(s.notices[1]?.text).toBe('Failed to sync transactions: connection refused.');
  });

  it("a failed sync report shows the core's remedy for it", async () => {
    mockCommands({
      list_links: () => [link()],
      sync_transactions: () => [
        {
          linkId: 1, status: 'FAILED', updateStatus: null, added: 0, modified: 0, removed: 0, pages: 0, restarts: 0,
          error: {
            code: 'PLAID', message: 'failed to sync transactions', remedy: 'The bank is not answering; Coffer tries again at the next sync.',
            plaid: { errorType: 'INSTITUTION_ERROR', errorCode: PLAID_ERROR_CODES.INSTITUTION_DOWN, errorMessage: 'this institution is not currently responding', displayMessage: null, requestId: 'req-4' },
          },
        },
      ],
    });
    const s = new LinksStore();
    await s.start();
    await s.sync(1);
    expect(s.notices[1]).toEqual({ kind: 'error', text: 'The bank is not answering; Coffer tries again at the next sync.', requestId: 'req-4' });
    s.dispose();
  });

  it('notes per-link outcomes of a sync report', async () => {
    mockCommands({
      list_links: () => [link()],
      sync_transactions: () => [
        { linkId: 1, status: 'NOT_READY', updateStatus: 'NOT_READY', added: 0, modified: 0, removed: 0, pages: 1, restarts: 0 },
      ],
    });
    const s = new LinksStore();
    await s.start();
    await s.sync(1);
    expect(s.notices[1]?.kind).toBe('info');
    s.dispose();
  });

  it('syncs again by itself while the bank is not ready, then stops', async () => {
    vi.useFakeTimers();
    try {
      let answers = ['NOT_READY', 'NOT_READY', 'UPDATED'];
      const ipc = mockCommands({
        list_links: () => [link()],
        sync_transactions: () => [
          { linkId: 1, status: answers.shift() ?? 'UPDATED', updateStatus: null, added: 0, modified: 0, removed: 0, pages: 1, restarts: 0 },
        ],
      });
      const s = new LinksStore();
      await s.start();
      await s.sync(1);
      expect(s.notices[1]?.text).toContain('tries again in 3 seconds');
      expect(ipc.callsTo('sync_transactions')).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(NOT_READY_RETRY_MS[0]! - 1);
      expect(ipc.callsTo('sync_transactions')).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(ipc.callsTo('sync_transactions')).toHaveLength(2);
      expect(s.notices[1]?.text).toContain('tries again in 10 seconds');
      await vi.advanceTimersByTimeAsync(NOT_READY_RETRY_MS[1]!);
      expect(ipc.callsTo('sync_transactions')).toHaveLength(3);
      expect(s.notices[1]).toBeUndefined();
      // Ready: no more retries.
      await vi.advanceTimersByTimeAsync(600_000);
      expect(ipc.callsTo('sync_transactions')).toHaveLength(3);

      // A bank that never gets ready: the retries end, and the notice says what happens next.
      answers = Array(20).fill('NOT_READY');
      await s.sync(1);
      for (const ms of NOT_READY_RETRY_MS) await vi.advanceTimersByTimeAsync(ms);
      const calls = ipc.callsTo('sync_transactions').length;
      expect(calls).toBe(4 + NOT_READY_RETRY_MS.length);
      expect(s.notices[1]?.text).toContain('within 30 minutes');
      await vi.advanceTimersByTimeAsync(3_600_000);
      expect(ipc.callsTo('sync_transactions')).toHaveLength(calls);
      s.dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it('renames with a trimmed name and refuses an empty one without calling Rust', async () => {
    const ipc = mockCommands({
      list_links: () => [link()],
      rename_link: (i) => link({ name: String(i?.name) }),
    });
    const s = new LinksStore();
    await s.start();
    expect(await s.rename(1, '   ')).toBe(false);
    expect(ipc.callsTo('rename_link')).toHaveLength(0);
    expect(await s.rename(1, '  Joint account ')).toBe(true);
    expect(ipc.callsTo('rename_link')).toEqual([{ linkId: 1, name: 'Joint account' }]);
    expect(s.links[0]?.name).toBe('Joint account');
  });

  it('removes with keepData as chosen and reloads', async () => {
    let links = [link()];
    const ipc = mockCommands({
      list_links: () => links,
      remove_link: () => ((links = []), null),
    });
    const s = new LinksStore();
    await s.start();
    expect(await s.remove(1, true)).toBe(true);
    expect(ipc.callsTo('remove_link')).toEqual([{ linkId: 1, keepData: true }]);
    expect(s.links).toEqual([]);
  });
});

describe('LinksStore.summary', () => {
  it('sums what is owned and owed in the main currency, exactly', async () => {
    const card = { accountId: 'c', name: 'Card', officialName: null, mask: '3333', type: 'credit', subtype: 'credit card',
      balance: { available: null, current: '410.10', limit: null, isoCurrencyCode: 'USD', unofficialCurrencyCode: null, fetchedAt: '', source: '' } };
    const eur = { ...card, accountId: 'e', type: 'depository', balance: { ...card.balance, current: '5', isoCurrencyCode: 'EUR' } };
    mockCommands({ list_links: () => [link({ accounts: [...link().accounts, card, eur] }), link({ id: 2, status: 'ARCHIVED' })] });
    const s = new LinksStore();
    await s.load();
    expect(s.summary).toEqual({ currency: 'USD', assets: 11000, debts: 41010, net: -30010, accounts: 2 });
  });
});
