/** The Charts screen's data: balance snapshots and monthly spending, by period. */
import * as cmd from '../backend/commands';
import type { BalanceSeries, SpendingRow } from '../backend/types';
import { describeError, type ErrorDisplay } from '../ui/errors';
import { accountLine, netWorthSeries, spendingMatrix, type Line, type NetWorth, type SpendingMatrix } from './series';

export type Period = '3m' | '1y' | 'all';
export const PERIODS: { id: Period; label: string }[] = [
  { id: '3m', label: '3 months' },
  { id: '1y', label: '12 months' },
  { id: 'all', label: 'All' },
];

/** First day of the period, `YYYY-MM-DD`, or undefined for all. */
export function periodStart(p: Period, now: Date = new Date()): string | undefined {
  if (p === 'all') return undefined;
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (p === '3m' ? 2 : 11), 1));
  return d.toISOString().slice(0, 10);
}

export class ChartsStore {
  period = $state<Period>('1y');
  series = $state.raw<BalanceSeries[]>([]);
  spending = $state.raw<SpendingRow[]>([]);
  accountId = $state<string | null>(null);
  loaded = $state(false);
  error = $state<ErrorDisplay | null>(null);

  async load(): Promise<void> {
    const from = periodStart(this.period);
    try {
      const [series, spending] = await Promise.all([
        cmd.listBalanceHistory(from ? { from } : {}),
        cmd.listSpendingByCategory(from ? { from } : {}),
      ]);
      this.series = series;
      this.spending = spending;
      if (!this.accountId || !series.some((s) => s.accountId === this.accountId)) this.accountId = series[0]?.accountId ?? null;
      this.error = null;
    } catch (e) {
      this.error = describeError(e);
    } finally {
      this.loaded = true;
    }
  }

  setPeriod(p: Period): Promise<void> {
    this.period = p;
    return this.load();
  }

  get account(): BalanceSeries | null {
    return this.series.find((s) => s.accountId === this.accountId) ?? null;
  }
  get accountLine(): Line | null {
    const a = this.account;
    return a ? accountLine(a) : null;
  }
  get netWorth(): NetWorth {
    return netWorthSeries(this.series);
  }
  get spendingMatrix(): SpendingMatrix {
    return spendingMatrix(this.spending);
  }
}
