import { describe, expect, it } from 'vitest';
import { accountLine, dayToSeconds, netWorthSeries, spendingMatrix, stack } from './series';
import { periodStart } from './charts.svelte';
import type { BalanceSeries } from '../backend/types';

const acct = (id: string, type: string, points: [string, string | null][], cur = 'USD'): BalanceSeries => ({
  accountId: id, linkId: 1, name: id, mask: null, type, subtype: null, isoCurrencyCode: cur, unofficialCurrencyCode: null,
  points: points.map(([date, current]) => ({ date, current, available: null })),
});

describe('net worth', () => {
  it('adds assets, subtracts debts, carries balances forward', () => {
    const nw = netWorthSeries([
      acct('chk', 'depository', [['2024-01-01', '100.10'], ['2024-01-03', '50']]),
      acct('card', 'credit', [['2024-01-02', '30.05']]),
      acct('eur', 'depository', [['2024-01-01', '999']], 'EUR'),
    ]);
    expect(nw.currency).toBe('USD');
    expect(nw.excluded).toBe(1);
    expect(nw.x).toEqual([dayToSeconds('2024-01-01'), dayToSeconds('2024-01-02'), dayToSeconds('2024-01-03')]);
    expect(nw.y).toEqual([100.1, 70.05, 19.95]);
  });
});

describe('account line', () => {
  it('keeps unknown values as gaps', () => {
    const l = accountLine(acct('chk', 'depository', [['2024-01-01', '1.5'], ['2024-01-02', null]]));
    expect(l.ys[0]).toEqual([1.5, null]);
  });
});

describe('spending', () => {
  it('groups by month, ranks categories, folds the tail into Other', () => {
    const rows = [
      { month: '2024-02', category: 'Food', isoCurrencyCode: 'USD', spent: '10', count: 1 },
      { month: '2024-01', category: 'Food', isoCurrencyCode: 'USD', spent: '20.5', count: 2 },
      { month: '2024-01', category: 'Travel', isoCurrencyCode: 'USD', spent: '100', count: 1 },
      { month: '2024-01', category: 'Rent', isoCurrencyCode: 'USD', spent: '5', count: 1 },
      { month: '2024-02', category: null, isoCurrencyCode: 'USD', spent: '1', count: 1 },
    ];
    const m = spendingMatrix(rows, 2);
    expect(m.months).toEqual(['2024-01', '2024-02']);
    expect(m.categories).toEqual(['Travel', 'Food', 'Other']);
    expect(m.values).toEqual([[100, 0], [20.5, 10], [5, 1]]);
    expect(stack(m.values)).toEqual([[100, 0], [120.5, 10], [125.5, 11]]);
    // With room for all, nothing is folded.
    expect(spendingMatrix(rows, 6).categories).toEqual(['Travel', 'Food', 'Rent', 'Uncategorized']);
  });
});

describe('periods', () => {
  it('start on the first of a month', () => {
    const now = new Date('2024-03-15T10:00:00Z');
    expect(periodStart('3m', now)).toBe('2024-01-01');
    expect(periodStart('1y', now)).toBe('2023-04-01');
    expect(periodStart('all', now)).toBeUndefined();
  });
});
