import { afterEach, describe, expect, it, vi } from 'vitest';
import { effectiveSearch, PAGE_SIZE, SEARCH_THROTTLE_MS, TransactionsStore } from './transactions.svelte';
import { scrollTopFor, virtualWindow } from './virtual';
import { emitEvent, flush, mockCommands } from '../testing/ipc';
import type { ListTransactionsInput, TransactionView } from '../backend/types';

afterEach(() => vi.useRealTimers());

function row(i: number): TransactionView {
  return {
    transactionId: `t${i}`, accountId: 'acc-1', linkId: 1, date: '2024-03-01', authorizedDate: null, amount: '1.00',
    isoCurrencyCode: 'USD', unofficialCurrencyCode: null, name: `Row ${i}`, merchantName: null, pending: false, category: null, paymentChannel: null, categoryDetailed: null, personal: null,
  };
}

/** A backend of `total` rows answering list_transactions pages. */
function table(total: number) {
  return mockCommands({
    list_transactions: (raw) => {
      const i = raw as unknown as ListTransactionsInput;
      // Rust's defaults for what the request leaves out.
      const { limit = 0, offset = 0 } = i;
      const n = Math.max(0, Math.min(limit, total - offset));
      return { total, rows: Array.from({ length: n }, (_, k) => row(offset + k)) };
    },
  });
}

describe('search', () => {
  it('applies from the third character', () => {
    expect(effectiveSearch('ub')).toBeUndefined();
    expect(effectiveSearch('  ub  ')).toBeUndefined();
    expect(effectiveSearch('ube')).toBe('ube');
    expect(effectiveSearch(' Uber ')).toBe('Uber');
  });

  it('is throttled with a leading edge and never sends fewer than 3 characters', async () => {
    vi.useFakeTimers();
    const ipc = table(10);
    const s = new TransactionsStore();
    await s.start();
    await vi.advanceTimersByTimeAsync(SEARCH_THROTTLE_MS + 50);
    const initial = ipc.callsTo('list_transactions').length;
    s.setSearch('u');
    s.setSearch('ub');
    await vi.advanceTimersByTimeAsync(SEARCH_THROTTLE_MS + 50);
    expect(ipc.callsTo('list_transactions')).toHaveLength(initial);
    // The third character searches at once.
    s.setSearch('ube');
    await vi.advanceTimersByTimeAsync(0);
    let sent = ipc.callsTo('list_transactions').slice(initial);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ search: 'ube', offset: 0, limit: PAGE_SIZE });
    // A burst right after is grouped into one trailing search of what was typed last.
    s.setSearch('uber');
    s.setSearch('uber ');
    s.setSearch('uber e');
    await vi.advanceTimersByTimeAsync(SEARCH_THROTTLE_MS - 10);
    expect(ipc.callsTo('list_transactions').slice(initial)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(20);
    sent = ipc.callsTo('list_transactions').slice(initial);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ search: 'uber e', offset: 0 });
    // Back to two characters: the search is dropped (all rows again).
    await vi.advanceTimersByTimeAsync(SEARCH_THROTTLE_MS);
    s.setSearch('ub');
    await vi.advanceTimersByTimeAsync(SEARCH_THROTTLE_MS);
    expect(ipc.callsTo('list_transactions').at(-1)).not.toHaveProperty('search');
    s.dispose();
  });
});

describe('paging', () => {
  it('fetches only the pages around the visible window of a million rows', async () => {
    vi.useFakeTimers();
    const ipc = table(1_000_000);
    const s = new TransactionsStore();
    await s.start();
    await vi.advanceTimersByTimeAsync(50);
    expect(s.total).toBe(1_000_000);
    expect(s.rowAt(0)?.name).toBe('Row 0');
    expect(s.rowAt(150)).toBeUndefined();

    const before = ipc.callsTo('list_transactions').length;
    s.setWindow(500_000, 20);
    s.setWindow(500_010, 20); // within the throttle: one trailing round, nothing fetched twice
    s.setWindow(500_020, 20);
    await vi.advanceTimersByTimeAsync(100);
    const offsets = ipc.callsTo('list_transactions').slice(before).map((c) => c!.offset);
    // rows 499,970..500,070 (+/- overscan) live in pages 4999 and 5000
    expect(offsets).toEqual([499_900, 500_000]);
    expect(s.rowAt(500_010)?.name).toBe('Row 500010');
    // Every request is one page, never the table.
    expect(ipc.callsTo('list_transactions').every((c) => (c!.limit as number) <= PAGE_SIZE)).toBe(true);
    // A cached window is not fetched again.
    const n = ipc.callsTo('list_transactions').length;
    s.setWindow(500_005, 20);
    await vi.advanceTimersByTimeAsync(100);
    expect(ipc.callsTo('list_transactions')).toHaveLength(n);
    s.dispose();
  });

  it('drops answers of an old filter', async () => {
    let release: (() => void) | null = null;
    mockCommands({
      list_transactions: (raw) => {
        const i = raw as unknown as ListTransactionsInput;
        if (!i.search) return new Promise((r) => (release = () => r({ total: 500, rows: [row(999)] })));
        return { total: 3, rows: [row(1), row(2), row(3)] };
      },
    });
    const s = new TransactionsStore();
    void s.start();
    s.searchText = 'coffee';
    s.flushSearch();
    await flush();
    release!();
    await flush();
    expect(s.total).toBe(3);
    expect(s.rowAt(0)?.name).toBe('Row 1');
  });
});

describe('filters', () => {
  it('sends accounts and dates, and scrolls back to the top', async () => {
    const ipc = table(5);
    const s = new TransactionsStore();
    await s.start();
    const token = s.resetToken;
    s.setAccounts(['acc-1', 'acc-2']);
    s.setDates('2024-01-01', '2024-01-31');
    await flush();
    expect(ipc.callsTo('list_transactions').at(-1)).toEqual({
      accountIds: ['acc-1', 'acc-2'], from: '2024-01-01', to: '2024-01-31', limit: PAGE_SIZE, offset: 0,
    });
    expect(s.resetToken).toBe(token + 2);
    s.clearFilters();
    await flush();
    expect(ipc.callsTo('list_transactions').at(-1)).toEqual({ limit: PAGE_SIZE, offset: 0 });
  });

  it('does not send dates that are not YYYY-MM-DD or that run backwards', async () => {
    const ipc = table(5);
    const s = new TransactionsStore();
    await s.start();
    await flush();
    const n = ipc.callsTo('list_transactions').length;
    s.setDates('3/1/2024', '');
    expect(s.dateProblem).toContain('YYYY-MM-DD');
    s.setDates('2024-03-02', '2024-03-01');
    expect(s.dateProblem).toContain('after');
    await flush();
    expect(ipc.callsTo('list_transactions')).toHaveLength(n);
    s.setDates('2024-03-01', '');
    await flush();
    expect(s.dateProblem).toBeNull();
    expect(ipc.callsTo('list_transactions').at(-1)).toMatchObject({ from: '2024-03-01' });
  });

  it('reloads after a sync that changed rows', async () => {
    const ipc = table(5);
    const s = new TransactionsStore();
    await s.start();
    await flush();
    const n = ipc.callsTo('list_transactions').length;
    await emitEvent('sync:finished', { linkId: 1, status: 'UPDATED', updateStatus: null, added: 0, modified: 0, removed: 0, pages: 1, restarts: 0 });
    await flush();
    expect(ipc.callsTo('list_transactions')).toHaveLength(n);
    await emitEvent('sync:finished', { linkId: 1, status: 'UPDATED', updateStatus: null, added: 4, modified: 0, removed: 0, pages: 1, restarts: 0 });
    await flush();
    expect(ipc.callsTo('list_transactions').length).toBeGreaterThan(n);
    s.dispose();
  });
});

describe('export', () => {
  it('exports the filtered rows; Rust asks where and says where it saved them', async () => {
    const ipc = mockCommands({
      list_transactions: () => ({ total: 2, rows: [row(1), row(2)] }),
      export_transactions: () => ({ rows: 2, path: '/home/me/out.csv' }),
    });
    const s = new TransactionsStore();
    await s.start();
    s.searchText = 'coffee'; // typed, not yet debounced: export applies it first
    s.setAccounts(['acc-1']);
    await s.exportAs('csv');
    expect(ipc.callsTo('export_transactions')).toEqual([{ format: 'csv', filter: { accountIds: ['acc-1'], search: 'coffee' } }]);
    expect(ipc.calls.map((c) => c.cmd)).not.toContain('plugin:dialog|save');
    expect(s.exportState).toEqual({ kind: 'done', rows: 2, path: '/home/me/out.csv' });
  });

  it('does nothing when the save dialog is cancelled (null)', async () => {
    const ipc = mockCommands({ list_transactions: () => ({ total: 0, rows: [] }), export_transactions: () => null });
    const s = new TransactionsStore();
    await s.start();
    await s.exportAs('ofx');
    expect(ipc.callsTo('export_transactions')).toEqual([{ format: 'ofx', filter: {} }]);
    expect(s.exportState.kind).toBe('idle');
  });
});

describe('virtualWindow', () => {
  it('maps scroll to rows one to one for short lists', () => {
    const g = virtualWindow({ total: 1000, rowHeight: 40, viewportHeight: 400, scrollTop: 1000 });
    expect(g).toEqual({ spacerPx: 40_000, first: 25, count: 11, translateY: 1000 });
    expect(scrollTopFor(25, { total: 1000, rowHeight: 40, viewportHeight: 400 })).toBe(1000);
  });
  it('scales a million rows into the browser height limit and reaches both ends', () => {
    const base = { total: 1_000_000, rowHeight: 40, viewportHeight: 400, maxPx: 15_000_000 };
    expect(virtualWindow({ ...base, scrollTop: 0 }).first).toBe(0);
    const end = virtualWindow({ ...base, scrollTop: 15_000_000 });
    expect(end.spacerPx).toBe(15_000_000);
    expect(end.first + end.count).toBe(1_000_000);
    const mid = virtualWindow({ ...base, scrollTop: scrollTopFor(500_000, base) });
    expect(mid.first).toBe(500_000);
    // the rendered block stays within the spacer
    expect(mid.translateY).toBeGreaterThanOrEqual(0);
    expect(mid.translateY + mid.count * 40).toBeLessThanOrEqual(15_000_000 + 40);
  });
  it('renders nothing for an empty list', () => {
    expect(virtualWindow({ total: 0, rowHeight: 40, viewportHeight: 400, scrollTop: 0 }).count).toBe(0);
  });
});
