/**
 * PREVIEW FIXTURE (not part of the app): deterministic fake data for looking at screens
 * in a plain browser. Only bundled by `vite build --mode fixture`.
 */
import { PLAID_ERROR_CODES, type BalanceSeries, type Event, type LinkView, type SpendingRow, type TransactionView } from '../lib/backend/types';

const now = new Date();
export const iso = (d: Date) => d.toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - n));
const minutesAgo = (n: number) => new Date(now.getTime() - n * 60_000).toISOString();
/** The bank's consent ends in 5 days: the card says to reconnect before then. */
const consentEnds = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 5, 18));

function bal(current: string | null, available: string | null, limit: string | null = null, currency = 'USD') {
  return { current, available, limit, isoCurrencyCode: currency, unofficialCurrencyCode: null, fetchedAt: minutesAgo(12), source: 'accounts_get' };
}

export function initialLinks(): LinkView[] {
  return [
    {
      id: 1, name: 'First Platypus Bank', itemId: 'eVBnVMp7zdTJLkRNr33Rs6zr7KNJqBFL9DrE6', institutionId: 'ins_109508', institutionName: 'First Platypus Bank',
      status: 'ACTIVE', health: 'HEALTHY', remedy: null, products: ['transactions'], lastSyncAt: minutesAgo(12), lastSyncStatus: 'HISTORICAL_UPDATE_COMPLETE', lastError: null, createdAt: minutesAgo(60 * 24 * 40),
      consentExpiresAt: consentEnds.toISOString(), reconnectBefore: iso(consentEnds),
      accounts: [
        { accountId: 'acc-chk', name: 'Plaid Checking', officialName: 'Plaid Gold Standard 0% Interest Checking', mask: '0000', type: 'depository', subtype: 'checking', balance: bal('110', '100') },
        { accountId: 'acc-sav', name: 'Plaid Saving', officialName: 'Plaid Silver Standard 0.1% Interest Saving', mask: '1111', type: 'depository', subtype: 'savings', balance: bal('210', '200') },
        { accountId: 'acc-cc', name: 'Plaid Credit Card', officialName: 'Plaid Diamond 12.5% APR Interest Credit Card', mask: '3333', type: 'credit', subtype: 'credit card', balance: bal('410', '590', '1000') },
        { accountId: 'acc-mtg', name: 'Plaid Mortgage', officialName: null, mask: '8888', type: 'loan', subtype: 'mortgage', balance: bal('56302.06', null) },
      ],
    },
    {
      id: 2, name: 'Joint account', itemId: 'Ka9bWqzJdlTmVgxLpR2Qs8yN1cH4uE7oXiF3D', institutionId: 'ins_109511', institutionName: 'Tartan Bank',
      status: 'LOGIN_REQUIRED', health: 'NEEDS_RECONNECT', remedy: 'The bank needs you to log in again: choose Reconnect.', products: ['transactions'], lastSyncAt: minutesAgo(60 * 26), lastSyncStatus: 'HISTORICAL_UPDATE_COMPLETE',
      lastError: { code: PLAID_ERROR_CODES.ITEM_LOGIN_REQUIRED, requestId: 'Hq7cP2xLmW9sR4t', at: minutesAgo(60 * 3) }, createdAt: minutesAgo(60 * 24 * 90),
      consentExpiresAt: null, reconnectBefore: null,
      accounts: [
        { accountId: 'acc-tartan', name: 'Everyday Checking', officialName: null, mask: '5555', type: 'depository', subtype: 'checking', balance: bal('1250.40', '1180.40') },
      ],
    },
    {
      id: 3, name: 'Houndstooth Bank', itemId: 'Zp4rTq8WnVbXc2LmK6sJ9dH1gF5yE3uA7oI0B', institutionId: 'ins_109512', institutionName: 'Houndstooth Bank',
      status: 'KEYCHAIN_MISSING', health: 'BROKEN',
      remedy: 'The access token is missing from the keychain: remove this link and link the bank again.', products: ['transactions'], lastSyncAt: minutesAgo(60 * 24 * 6), lastSyncStatus: 'HISTORICAL_UPDATE_COMPLETE',
      lastError: { code: 'KEYCHAIN_MISSING', requestId: null, at: minutesAgo(60 * 24) }, createdAt: minutesAgo(60 * 24 * 200),
      consentExpiresAt: null, reconnectBefore: null,
      accounts: [
        { accountId: 'acc-hound', name: 'High-Yield Savings', officialName: null, mask: '7777', type: 'depository', subtype: 'savings', balance: bal('8400.00', '8400.00') },
      ],
    },
  ];
}

export const MERCHANTS: { name: string; merchant: string | null; category: string; min: number; max: number; income?: boolean }[] = [
  { name: 'UBER 072515 SF**POOL**', merchant: 'Uber', category: 'Transportation', min: 6, max: 38 },
  { name: 'Starbucks Store 1458', merchant: 'Starbucks', category: 'Food and Drink', min: 3, max: 12 },
  { name: 'SparkFun Electronics', merchant: 'SparkFun', category: 'Shopping', min: 20, max: 160 },
  { name: "McDonald's #3322", merchant: "McDonald's", category: 'Food and Drink', min: 5, max: 18 },
  { name: 'United Airlines', merchant: 'United Airlines', category: 'Travel', min: 120, max: 780 },
  { name: 'Tectra Inc', merchant: null, category: 'Food and Drink', min: 40, max: 600 },
  { name: 'KFC', merchant: 'KFC', category: 'Food and Drink', min: 6, max: 24 },
  { name: 'Madison Bicycle Shop', merchant: 'Madison Bicycle Shop', category: 'Shopping', min: 30, max: 500 },
  { name: 'Touchstone Climbing', merchant: 'Touchstone Climbing', category: 'Recreation', min: 25, max: 90 },
  { name: 'Whole Foods Market', merchant: 'Whole Foods', category: 'Groceries', min: 15, max: 180 },
  { name: 'Trader Joes #552', merchant: "Trader Joe's", category: 'Groceries', min: 12, max: 120 },
  { name: 'PG&E Utility Payment', merchant: 'PG&E', category: 'Utilities', min: 60, max: 210 },
  { name: 'Comcast Xfinity', merchant: 'Xfinity', category: 'Utilities', min: 50, max: 120 },
  { name: 'Netflix.com', merchant: 'Netflix', category: 'Entertainment', min: 15, max: 23 },
  { name: 'Shell Oil 5742', merchant: 'Shell', category: 'Transportation', min: 25, max: 80 },
  { name: 'CVS Pharmacy 2231', merchant: 'CVS', category: 'Health', min: 8, max: 90 },
  { name: 'Rent - Oak Street Apartments', merchant: null, category: 'Rent', min: 1850, max: 1850 },
  { name: 'GUSTO PAYROLL', merchant: 'Gusto', category: 'Income', min: 2100, max: 2100, income: true },
  { name: 'INTRST PYMNT', merchant: null, category: 'Income', min: 1, max: 9, income: true },
  { name: 'CD DEPOSIT .INITIAL.', merchant: null, category: 'Transfer', min: 200, max: 1000, income: true },
];

/** Deterministic 32-bit hash. */
export function hash(i: number): number {
  let x = (i + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

export const TX_ACCOUNTS = ['acc-chk', 'acc-cc', 'acc-chk', 'acc-sav', 'acc-tartan', 'acc-cc', 'acc-chk', 'acc-hound'];
const ACCOUNT_LINK: Record<string, number> = { 'acc-chk': 1, 'acc-sav': 1, 'acc-cc': 1, 'acc-mtg': 1, 'acc-tartan': 2, 'acc-hound': 3 };

export class TransactionTable {
  readonly merchant: Uint8Array;
  readonly account: Uint8Array;
  readonly perDay: number;
  constructor(readonly total: number) {
    this.merchant = new Uint8Array(total);
    this.account = new Uint8Array(total);
    this.perDay = Math.max(1, Math.ceil(total / 730));
    for (let i = 0; i < total; i++) {
      const h = hash(i);
      let m = h % MERCHANTS.length;
      if (MERCHANTS[m]!.min >= 1850 && h % 7 !== 0) m = (m + 3) % 15; // big ones are rare
      this.merchant[i] = m;
      this.account[i] = (h >>> 8) % TX_ACCOUNTS.length;
    }
  }
  dayOf(i: number) {
    return Math.floor(i / this.perDay);
  }
  row(i: number): TransactionView {
    const h = hash(i * 31 + 7);
    const m = MERCHANTS[this.merchant[i]!]!;
    const cents = Math.round((m.min + ((h % 10_000) / 10_000) * (m.max - m.min)) * 100);
    const amount = `${m.income ? '-' : ''}${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
    const accountId = TX_ACCOUNTS[this.account[i]!]!;
    return {
      transactionId: `tx-${i}`, accountId, linkId: ACCOUNT_LINK[accountId]!, date: iso(daysAgo(this.dayOf(i))), authorizedDate: null,
      amount, isoCurrencyCode: 'USD', unofficialCurrencyCode: null, name: m.name, merchantName: m.merchant, pending: i < 4,
      category: m.category, paymentChannel: 'in store', categoryDetailed: null, personal: null,
    };
  }
  /** Indices of rows matching a filter (newest first). */
  select(f: { accountIds?: string[]; from?: string; to?: string; search?: string }): Int32Array | null {
    if (!f.accountIds && !f.from && !f.to && !f.search) return null;
    const q = f.search?.toLowerCase();
    const merchants = new Set(MERCHANTS.flatMap((m, k) => (!q || m.name.toLowerCase().includes(q) || m.merchant?.toLowerCase().includes(q) ? [k] : [])));
    const accounts = f.accountIds ? new Set(TX_ACCOUNTS.flatMap((a, k) => (f.accountIds!.includes(a) ? [k] : []))) : null;
    const dayIndex = (d: string) => Math.round((daysAgo(0).getTime() - Date.parse(`${d}T00:00:00Z`)) / 86_400_000);
    const lo = f.to ? Math.max(0, dayIndex(f.to) * this.perDay) : 0;
    const hi = f.from ? Math.min(this.total, (dayIndex(f.from) + 1) * this.perDay) : this.total;
    const out = new Int32Array(Math.max(0, hi - lo));
    let n = 0;
    for (let i = lo; i < hi; i++) {
      if (merchants.has(this.merchant[i]!) && (!accounts || accounts.has(this.account[i]!))) out[n++] = i;
    }
    return out.subarray(0, n);
  }
}

export function balanceHistory(links: LinkView[]): BalanceSeries[] {
  return links.flatMap((l) =>
    l.accounts.map((a, k): BalanceSeries => {
      const end = Number(a.balance?.current ?? 0);
      const points = [];
      let v = end;
      for (let d = 0; d < 365; d += 1) {
        points.push({ date: iso(daysAgo(d)), current: v.toFixed(2), available: a.balance?.available == null ? null : (v * 0.95).toFixed(2) });
        const h = hash(d * 13 + k * 1000 + l.id * 7);
        const step = ((h % 2000) - 1000) / 100;
        v = Math.max(0, a.type === 'loan' ? v + 95 + step : a.type === 'credit' ? v + step * 4 : v - step * 6 + (d % 30 === 0 ? -400 : 0) * (a.subtype === 'savings' ? -1 : 0));
      }
      return {
        accountId: a.accountId, linkId: l.id, name: a.name, mask: a.mask, type: a.type, subtype: a.subtype,
        isoCurrencyCode: 'USD', unofficialCurrencyCode: null, points: points.reverse(),
      };
    }),
  );
}

export function spending(): SpendingRow[] {
  const rows: SpendingRow[] = [];
  const cats = ['Rent', 'Groceries', 'Food and Drink', 'Transportation', 'Shopping', 'Travel', 'Utilities', 'Entertainment', 'Health', 'Recreation'];
  const base = [1850, 420, 260, 180, 240, 300, 190, 40, 60, 80];
  for (let m = 11; m >= 0; m--) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - m, 1));
    const month = d.toISOString().slice(0, 7);
    cats.forEach((c, k) => {
      const h = hash(m * 100 + k);
      if (c === 'Travel' && m % 4 !== 1) return;
      const v = base[k]! * (0.7 + (h % 600) / 1000);
      rows.push({ month, category: c, isoCurrencyCode: 'USD', spent: v.toFixed(2), count: 1 + (h % 30) });
    });
  }
  return rows;
}

export function events(): Event[] {
  const kinds: [string, string, string | null, string | null, number | null][] = [
    ['sync_failed', 'failed to sync transactions', PLAID_ERROR_CODES.ITEM_LOGIN_REQUIRED, 'Hq7cP2xLmW9sR4t', 2],
    ['sync_completed', 'added 31, modified 2, removed 0', null, 'm8MDnv9okwxFNBV', 1],
    ['keychain_entry_missing', 'access token not found in the keychain', 'KEYCHAIN_MISSING', null, 3],
    ['balances_refreshed', '4 accounts', null, 'Tn2Lq8ZpXc3vBw1', 1],
    ['sync_completed', 'added 0, modified 0, removed 0', null, 'Ys4Rm7KqWp2Nd9C', 1],
    ['link_created', 'First Platypus Bank, 4 accounts', null, 'Af9Xk2LmQ7pRt3Z', 1],
    ['sync_completed', 'added 1,204, modified 0, removed 0', null, 'Qz8Wn3VbLp5Kx2M', 2],
    ['link_created', 'Tartan Bank, 1 account', null, 'Bc5Jt9HsWq1Pm8R', 2],
    ['sync_failed', 'failed to sync transactions', PLAID_ERROR_CODES.INSTITUTION_DOWN, 'Lk3Ns7DpXv2Qw9T', 3],
    ['link_created', 'Houndstooth Bank, 1 account', null, 'Wr2Mp8KsZn4Tq1V', 3],
  ];
  return kinds.map(([kind, detail, errorCode, requestId, linkId], k) => ({
    id: 100 - k, at: minutesAgo(k * 97 + 3), linkId, itemId: null, kind, detail, errorCode, requestId,
  }));
}
