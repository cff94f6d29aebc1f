/**
 * Chart data from the stored balance snapshots and monthly spending: pure functions,
 * tested with exact cases. Sums are done in minor units (exact); the chart gets numbers.
 */
import type { BalanceSeries, SpendingRow } from '../backend/types';
import { currencyOf, isLiability, netWorthContribution, toMinorUnits } from '../format/format';

/** `YYYY-MM-DD` -> seconds since the epoch (uPlot's x unit), at UTC midnight. */
export function dayToSeconds(date: string): number {
  return Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / 1000;
}

/** The currency most accounts use: net worth is drawn in it; others are left out and counted. */
export function mainCurrency(series: BalanceSeries[]): string | null {
  const counts = new Map<string, number>();
  for (const s of series) {
    const c = currencyOf(s) ?? '';
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let best: string | null = null;
  let n = 0;
  for (const [c, k] of counts) if (k > n) [best, n] = [c, k];
  return best === '' ? null : best;
}

export interface Line {
  x: number[];
  ys: (number | null)[][];
}

/** One account: current (as people read it: a card's debt positive, labelled owed) and available. */
export function accountLine(s: BalanceSeries): Line {
  const x: number[] = [];
  const cur: (number | null)[] = [];
  const avail: (number | null)[] = [];
  for (const p of s.points) {
    x.push(dayToSeconds(p.date));
    cur.push(p.current === null ? null : toMinorUnits(p.current) / 100);
    avail.push(p.available === null ? null : toMinorUnits(p.available) / 100);
  }
  return { x, ys: [cur, avail] };
}

export interface NetWorth {
  x: number[];
  /** Net worth per day, assets minus liabilities (major units). */
  y: number[];
  currency: string | null;
  /** Accounts left out because they are in another currency. */
  excluded: number;
}

/**
 * Net worth per day over the accounts in the main currency: each account's last known
 * current balance carried forward; an account counts from its first snapshot on.
 */
export function netWorthSeries(series: BalanceSeries[]): NetWorth {
  const currency = mainCurrency(series);
  const used = series.filter((s) => (currencyOf(s) ?? null) === currency);
  const days = [...new Set(used.flatMap((s) => s.points.map((p) => p.date)))].sort();
  const last = new Map<string, number>();
  const idx = new Map<string, number>(used.map((s) => [s.accountId, 0]));
  const y: number[] = [];
  for (const day of days) {
    for (const s of used) {
      let i = idx.get(s.accountId)!;
      while (i < s.points.length && s.points[i]!.date <= day) {
        const c = s.points[i]!.current;
        if (c !== null) last.set(s.accountId, netWorthContribution(c, s.type));
        i++;
      }
      idx.set(s.accountId, i);
    }
    let sum = 0;
    for (const v of last.values()) sum += v;
    y.push(sum / 100);
  }
  return { x: days.map(dayToSeconds), y, currency, excluded: series.length - used.length };
}

export interface SpendingMatrix {
  months: string[];
  /** Category names, largest total first; the rest folded into "Other". */
  categories: string[];
  /** values[c][m]: spent in category c during month m (major units). */
  values: number[][];
  currency: string | null;
}

/** Spending per category per month for the main currency, top `top` categories + Other. */
export function spendingMatrix(rows: SpendingRow[], top = 6): SpendingMatrix {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.isoCurrencyCode ?? '', (counts.get(r.isoCurrencyCode ?? '') ?? 0) + 1);
  const currency = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  const used = rows.filter((r) => (r.isoCurrencyCode ?? '') === currency);
  const months = [...new Set(used.map((r) => r.month))].sort();
  const totals = new Map<string, number>();
  for (const r of used) {
    const c = r.category ?? 'Uncategorized';
    totals.set(c, (totals.get(c) ?? 0) + toMinorUnits(r.spent));
  }
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c);
  const named = ranked.length > top + 1 ? ranked.slice(0, top) : ranked;
  const categories = ranked.length > named.length ? [...named, 'Other'] : named;
  const values = categories.map(() => months.map(() => 0));
  for (const r of used) {
    const c = r.category ?? 'Uncategorized';
    const ci = named.includes(c) ? named.indexOf(c) : categories.length - 1;
    values[ci]![months.indexOf(r.month)]! += toMinorUnits(r.spent);
  }
  return { months, categories, values: values.map((v) => v.map((m) => m / 100)), currency: currency || null };
}

/** Running sums for a stacked bar chart: stack[c][m] = values[0..=c][m]. */
export function stack(values: number[][]): number[][] {
  const out: number[][] = [];
  values.forEach((row, c) => out.push(row.map((v, m) => v + (c > 0 ? out[c - 1]![m]! : 0))));
  return out;
}

export { isLiability };
