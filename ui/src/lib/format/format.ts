/**
 * Money and dates, the one place they are formatted (every screen uses this module).
 *
 * Plaid's sign convention (CONTRACT §1): a transaction `amount` > 0 is money *out* of the
 * account; for credit and loan accounts `balances.current` > 0 is what is *owed*. People read
 * the opposite for transactions (money out negative, money in positive), and read a
 * liability's balance as an amount owed, so the conversion happens here and only here.
 * Amounts arrive as exact decimal strings and are handed to `Intl.NumberFormat` as strings
 * (no float rounding before display).
 */
import type { Balance, Decimal } from '../backend/types';

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** The locale used when a caller gives none: the system's, if `Intl` knows it. A POSIX
 * "C" locale (as WebKitGTK reports without LANG) is no BCP 47 tag and would throw. */
export function defaultLocale(): string {
  const wanted = typeof navigator !== 'undefined' ? navigator.language : undefined;
  if (wanted) {
    try {
      return Intl.NumberFormat.supportedLocalesOf([wanted])[0] ?? 'en-US';
    } catch {
      // An invalid tag: fall through.
    }
  }
  return 'en-US';
}

/** `"12.50"` -> `"-12.50"`, `"-3"` -> `"3"`, zero stays unsigned. */
export function negateDecimal(value: Decimal): Decimal {
  const v = value.trim();
  if (!DECIMAL.test(v)) throw new Error(`not a decimal: ${value}`);
  if (v.startsWith('-')) return v.slice(1);
  return /^0+(\.0+)?$/.test(v) ? v : `-${v}`;
}

/** -1, 0 or 1 for a decimal string. */
export function signOf(value: Decimal): -1 | 0 | 1 {
  const v = value.trim();
  if (!DECIMAL.test(v)) throw new Error(`not a decimal: ${value}`);
  if (/^-?0+(\.0+)?$/.test(v)) return 0;
  return v.startsWith('-') ? -1 : 1;
}

const formatters = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string, currency: string | null, signDisplay: 'auto' | 'exceptZero' | 'never'): Intl.NumberFormat {
  const key = `${locale}|${currency ?? ''}|${signDisplay}`;
  let f = formatters.get(key);
  if (!f) {
    try {
      f = currency
        ? new Intl.NumberFormat(locale, { style: 'currency', currency, signDisplay })
        : new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay });
    } catch {
      // A code Intl rejects (unofficial currencies can be anything): plain number + code.
      f = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 8, signDisplay });
    }
    formatters.set(key, f);
  }
  return f;
}

/** The currency to show: ISO code first, then Plaid's unofficial code, else none. */
export function currencyOf(x: { isoCurrencyCode: string | null; unofficialCurrencyCode: string | null }): string | null {
  return x.isoCurrencyCode ?? x.unofficialCurrencyCode ?? null;
}

/**
 * Formats an exact decimal in a currency. `signDisplay: 'exceptZero'` puts a `+` on
 * positive values (used for money in).
 */
export function formatMoney(
  value: Decimal,
  currency: string | null,
  opts: { locale?: string; signDisplay?: 'auto' | 'exceptZero' | 'never' } = {},
): string {
  const locale = opts.locale ?? defaultLocale();
  const signDisplay = opts.signDisplay ?? 'auto';
  const v = value.trim();
  if (!DECIMAL.test(v)) throw new Error(`not a decimal: ${value}`);
  const f = numberFormat(locale, currency, signDisplay);
  const text = f.format(v as Intl.StringNumericLiteral);
  if (currency && f.resolvedOptions().style !== 'currency') return `${text} ${currency}`;
  return text;
}

/** Direction of a transaction as a person reads it. */
export type Flow = 'in' | 'out' | 'none';

export interface FormattedAmount {
  /** e.g. `-$12.34` (money out) or `+$1,200.00` (money in). */
  text: string;
  flow: Flow;
}

/**
 * A transaction amount as people read it: Plaid's positive (money out) becomes negative,
 * Plaid's negative (refund, deposit, card payment) becomes positive with a `+`.
 */
export function formatTransactionAmount(
  t: { amount: Decimal; isoCurrencyCode: string | null; unofficialCurrencyCode: string | null },
  locale?: string,
): FormattedAmount {
  const shown = negateDecimal(t.amount);
  const sign = signOf(shown);
  return {
    text: formatMoney(shown, currencyOf(t), { locale, signDisplay: 'exceptZero' }),
    flow: sign < 0 ? 'out' : sign > 0 ? 'in' : 'none',
  };
}

/** Credit and loan accounts: their current balance is an amount owed. */
export function isLiability(accountType: string): boolean {
  return accountType === 'credit' || accountType === 'loan';
}

export interface FormattedBalance {
  /** The amount, unsigned for liabilities (the note says which way). */
  text: string;
  /** `owed` for a liability with a debt, `credit` for an overpaid liability, else none. */
  note: 'owed' | 'credit' | null;
}

/**
 * A balance figure for an account of `accountType`. For liabilities Plaid's positive current
 * balance is a debt: shown as `$410.00` with the note `owed`; a negative one is money the
 * bank owes back (`credit`). Asset balances are shown signed as they are (an overdraft is
 * negative).
 */
export function formatBalanceAmount(value: Decimal, currency: string | null, accountType: string, locale?: string): FormattedBalance {
  if (!isLiability(accountType)) return { text: formatMoney(value, currency, { locale }), note: null };
  const sign = signOf(value);
  return {
    text: formatMoney(value, currency, { locale, signDisplay: 'never' }),
    note: sign > 0 ? 'owed' : sign < 0 ? 'credit' : null,
  };
}

/** Current and available balances of an account, formatted (null when unknown). */
export function formatBalance(
  balance: Balance | null,
  accountType: string,
  locale?: string,
): { current: FormattedBalance | null; available: FormattedBalance | null } {
  if (!balance) return { current: null, available: null };
  const cur = currencyOf(balance);
  return {
    current: balance.current === null ? null : formatBalanceAmount(balance.current, cur, accountType, locale),
    // "Available" on a card is credit left to spend, not a debt: shown as is.
    available: balance.available === null ? null : { text: formatMoney(balance.available, cur, { locale }), note: null },
  };
}

/**
 * Decimal string to a number of minor units (cents) for sums that must be exact, e.g. net
 * worth; extra decimals are rounded half away from zero.
 */
export function toMinorUnits(value: Decimal, digits = 2): number {
  const v = value.trim();
  if (!DECIMAL.test(v)) throw new Error(`not a decimal: ${value}`);
  const neg = v.startsWith('-');
  const [int = '0', frac = ''] = (neg ? v.slice(1) : v).split('.');
  const padded = (frac + '0'.repeat(digits + 1)).slice(0, digits + 1);
  let minor = Number(int) * 10 ** digits + Number(padded.slice(0, digits) || '0');
  if (Number(padded[digits] ?? '0') >= 5) minor += 1;
  return neg ? -minor : minor;
}

/** What an account adds to net worth, in minor units: assets plus, liabilities minus. */
export function netWorthContribution(current: Decimal, accountType: string): number {
  const minor = toMinorUnits(current);
  return isLiability(accountType) ? -minor : minor;
}

// ---- dates --------------------------------------------------------------------------------

const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(locale: string, key: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const k = `${locale}|${key}`;
  let f = dateFormats.get(k);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    dateFormats.set(k, f);
  }
  return f;
}

/** Short month for chart axes: `Jan` (or `Jan 2025` when asked). */
export function formatMonthShort(month: string, withYear = false, locale = defaultLocale()): string {
  const d = new Date(`${month.slice(0, 7)}-01T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return month;
  const year = withYear;
  return dateFormat(locale, year ? 'month' : 'monthshort', year ? { year: 'numeric', month: 'short', timeZone: 'UTC' } : { month: 'short', timeZone: 'UTC' }).format(d);
}

/** `2024-03-05` -> `Mar 5, 2024` (a calendar date: no time zone shift). */
export function formatDate(date: string, locale = defaultLocale()): string {
  const d = new Date(`${date.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  return dateFormat(locale, 'date', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(d);
}

/** The day of an RFC 3339 timestamp in the user's time zone, e.g. `Mar 5, 2024`. */
export function formatDay(ts: string, locale = defaultLocale(), timeZone?: string): string {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  return dateFormat(locale, `day|${timeZone ?? ''}`, { year: 'numeric', month: 'short', day: 'numeric', ...(timeZone ? { timeZone } : {}) }).format(d);
}

/** `2024-03` -> `Mar 2024`. */
export function formatMonth(month: string, locale = defaultLocale()): string {
  const d = new Date(`${month.slice(0, 7)}-01T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return month;
  return dateFormat(locale, 'month', { year: 'numeric', month: 'short', timeZone: 'UTC' }).format(d);
}

/** An RFC 3339 timestamp in the user's time zone, e.g. `Mar 5, 2024, 2:07 PM`. */
export function formatDateTime(ts: string, locale = defaultLocale(), timeZone?: string): string {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  return dateFormat(locale, `datetime|${timeZone ?? ''}`, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(timeZone ? { timeZone } : {}),
  }).format(d);
}

/** How long ago `ts` was, e.g. `just now`, `5 minutes ago`, `yesterday`. */
export function formatRelative(ts: string, now: Date = new Date(), locale = defaultLocale()): string {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  const seconds = Math.round((d.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
  if (abs < 86400 * 30) return rtf.format(Math.round(seconds / 86400), 'day');
  return formatDate(d.toISOString(), locale);
}

/** `1234567` -> `1,234,567`. */
export function formatCount(n: number, locale = defaultLocale()): string {
  return new Intl.NumberFormat(locale).format(n);
}

/** Today's date as `YYYY-MM-DD` in local time. */
export function todayIso(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/** Minor units back to an exact decimal string: `-41001` -> `"-410.01"`. */
export function fromMinorUnits(minor: number, digits = 2): Decimal {
  const neg = minor < 0;
  const s = String(Math.abs(Math.round(minor))).padStart(digits + 1, '0');
  return `${neg ? '-' : ''}${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

// Words in Plaid's subtypes (AccountSubtype in its spec) that people write as acronyms, or
// spell otherwise; the first word is capitalized anyway ("roth 401k" -> "Roth 401k").
const ACRONYMS = new Set(['cd', 'ebt', 'fhsa', 'gic', 'hsa', 'ira', 'isa', 'lif', 'lira', 'lrif', 'lrsp', 'prif', 'qshr', 'rdsp', 'resp', 'rlif', 'rrif', 'rrsp', 'sarsep', 'sep', 'simple', 'sipp', 'tfsa', 'ugma', 'utma']);
const SPELLED: Record<string, string> = { paypal: 'PayPal' };

/** An account's kind as people say it: `Credit card`, `CD`, `Roth 401k`, `SEP IRA`. */
export function accountKind(type: string, subtype: string | null): string {
  const words = (subtype ?? type).replace(/_/g, ' ').trim().split(/\s+/);
  const k = words.map((w) => (ACRONYMS.has(w.toLowerCase()) ? w.toUpperCase() : (SPELLED[w.toLowerCase()] ?? w))).join(' ');
  return k.charAt(0).toUpperCase() + k.slice(1);
}

/** A Plaid category as people read it: `RENT_AND_UTILITIES` → `Rent and utilities`. */
export function categoryLabel(category: string): string {
  if (category !== category.toUpperCase()) return category;
  const k = category.replace(/_/g, ' ').toLowerCase().trim();
  return k.charAt(0).toUpperCase() + k.slice(1);
}

/** Chart axis labels: a short amount (`$12K`, `$950`) from a plotted number. */
export function formatAxisMoney(v: number, currency: string | null, locale = defaultLocale()): string {
  const abs = Math.abs(v);
  const opts: Intl.NumberFormatOptions = {
    notation: abs >= 10_000 ? 'compact' : 'standard',
    maximumFractionDigits: abs >= 100 || Number.isInteger(v) ? 0 : 2,
  };
  try {
    return new Intl.NumberFormat(locale, currency ? { ...opts, style: 'currency', currency } : opts).format(v);
  } catch {
    return new Intl.NumberFormat(locale, opts).format(v);
  }
}

/** A plotted number shown as money (chart legends): rounded to cents, then formatted. */
export function formatChartMoney(v: number, currency: string | null, locale?: string): string {
  return formatMoney(v.toFixed(2), currency, locale ? { locale } : {});
}
