import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import TransactionList from './TransactionList.svelte';
import TransactionsScreen from './TransactionsScreen.svelte';
import { LinksStore } from '../links/links.svelte';
import { TransactionsStore } from './transactions.svelte';
import { flush, mockCommands } from '../testing/ipc';
import type { ListTransactionsInput } from '../backend/types';

describe('TransactionList', () => {
  it('renders a handful of rows for a million, and the keyboard reaches the last', async () => {
    mockCommands({
      list_transactions: (raw) => {
        const i = raw as unknown as ListTransactionsInput;
        // Rust's defaults for what the request leaves out.
        const { limit = 0, offset = 0 } = i;
        return {
          total: 1_000_000,
          rows: Array.from({ length: limit }, (_, k) => ({
            transactionId: `t${offset + k}`, accountId: 'a', linkId: 1, date: '2024-03-01', authorizedDate: null,
            amount: k % 2 ? '12.5' : '-3', isoCurrencyCode: 'USD', unofficialCurrencyCode: null, name: `Row ${offset + k}`,
            merchantName: null, pending: k === 0, category: 'Food and Drink', paymentChannel: null, categoryDetailed: null, personal: null,
          })),
        };
      },
    });
    const store = new TransactionsStore();
    await store.start();
    await flush();
    render(TransactionList, { store, accountLabel: () => 'Checking ••0000' });
    await flush();
    const grid = screen.getByRole('grid');
    expect(grid.getAttribute('aria-rowcount')).toBe('1000000');
    expect(screen.getAllByRole('row').length).toBeLessThan(40);
    // Money out negative, money in positive, pending marked.
    expect(screen.getByText('+$3.00')).toBeTruthy();
    expect(screen.getByText('Pending')).toBeTruthy();
    await fireEvent.keyDown(grid, { key: 'End' });
    expect(grid.getAttribute('aria-activedescendant')).toBe('tx-row-999999');
    await fireEvent.keyDown(grid, { key: 'Home' });
    await fireEvent.keyDown(grid, { key: 'ArrowDown' });
    expect(grid.getAttribute('aria-activedescendant')).toBe('tx-row-1');
    store.dispose();
  });
});

describe('AccountFilter', () => {
  it('picks several accounts, and All clears them', async () => {
    const { default: AccountFilter } = await import('./AccountFilter.svelte');
    const { link } = await import('../testing/ipc');
    const two = link({
      accounts: [
        ...link().accounts,
        { accountId: 'acc-2', name: 'Plaid Saving', officialName: null, mask: '1111', type: 'depository', subtype: 'savings', balance: null },
      ],
    });
    let selected: string[] = [];
    const r = render(AccountFilter, { links: [two], selected, onchange: (ids: string[]) => (selected = ids) });
    const trigger = screen.getByRole('button', { name: /All accounts/ });
    await fireEvent.click(trigger);
    await fireEvent.click(screen.getByRole('checkbox', { name: /Plaid Checking/ }));
    expect(selected).toEqual(['acc-1']);
    await r.rerender({ links: [two], selected, onchange: (ids: string[]) => (selected = ids) });
    await fireEvent.click(screen.getByRole('checkbox', { name: /Plaid Saving/ }));
    expect(selected).toEqual(['acc-1', 'acc-2']);
    await r.rerender({ links: [two], selected, onchange: (ids: string[]) => (selected = ids) });
    expect(screen.getByRole('button', { name: /2 accounts/ })).toBeTruthy();
    await fireEvent.click(screen.getByRole('checkbox', { name: 'All accounts' }));
    expect(selected).toEqual([]);
  });
});

describe('TransactionsScreen export', () => {
  async function screenWith(answer: unknown) {
    const ipc = mockCommands({
      list_links: () => [],
      list_transactions: () => ({ total: 2, rows: [] }),
      export_transactions: () => answer,
    });
    const links = new LinksStore();
    await links.load();
    const r = render(TransactionsScreen, { links, store: new TransactionsStore() });
    await flush();
    await fireEvent.click(screen.getByRole('button', { name: 'Export…' }));
    await flush();
    return { ipc, r };
  }

  it('a cancelled save dialog (null) shows nothing', async () => {
    const { ipc, r } = await screenWith(null);
    expect(ipc.callsTo('export_transactions')).toEqual([{ format: 'csv', filter: {} }]);
    expect(screen.queryByText(/Saved/)).toBeNull();
    expect(screen.queryByText(/Exporting/)).toBeNull();
    expect(screen.queryByText(/Export failed/)).toBeNull();
    r.unmount(); // unsubscribes while the IPC mock is still there
  });

  it('says how many rows went where', async () => {
    const { r } = await screenWith({ rows: 2, path: '/home/me/coffer.csv' });
    expect(screen.getByText('/home/me/coffer.csv')).toBeTruthy();
    expect(screen.getByText(/Saved 2 transactions to/)).toBeTruthy();
    r.unmount();
  });
});
