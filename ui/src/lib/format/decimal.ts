/**
 * Exact decimal arithmetic on amount strings, for sums that must come out exact (a split's
 * parts against its transaction, a rule's amount bounds). Values are held as a BigInt of
 * units at a scale (number of decimals), never as floats: `0.1 + 0.2` is `0.3` here.
 * Results keep the largest scale of their operands (`"50.00" - "30"` is `"20.00"`).
 */
import type { Decimal } from '../backend/types';

const EXACT = /^-?\d+(\.\d+)?$/;

interface Scaled {
  units: bigint;
  scale: number;
}

function scaled(value: Decimal): Scaled {
  const v = value.trim();
  if (!EXACT.test(v)) throw new Error(`not a decimal: ${value}`);
  const neg = v.startsWith('-');
  const [int = '0', frac = ''] = (neg ? v.slice(1) : v).split('.');
  const units = BigInt(int + frac);
  return { units: neg ? -units : units, scale: frac.length };
}

function atScale(x: Scaled, scale: number): bigint {
  return x.units * 10n ** BigInt(scale - x.scale);
}

function text({ units, scale }: Scaled): Decimal {
  const neg = units < 0n;
  const digits = (neg ? -units : units).toString().padStart(scale + 1, '0');
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return neg ? `-${body}` : body;
}

/** Whether `value` is a decimal as the backend writes it (`-12.5`, `3`, `0.10`). */
export function isDecimal(value: string): boolean {
  return EXACT.test(value.trim());
}

/** The sum of decimals (`[]` is `"0"`). */
export function sumDecimals(values: readonly Decimal[]): Decimal {
  const xs = values.map(scaled);
  const scale = Math.max(0, ...xs.map((x) => x.scale));
  return text({ units: xs.reduce((acc, x) => acc + atScale(x, scale), 0n), scale });
}

/** `a - b`, exactly. */
export function subtractDecimals(a: Decimal, b: Decimal): Decimal {
  const x = scaled(a);
  const y = scaled(b);
  const scale = Math.max(x.scale, y.scale);
  return text({ units: atScale(x, scale) - atScale(y, scale), scale });
}

/** `-value` (zero stays unsigned). */
export function negate(value: Decimal): Decimal {
  const x = scaled(value);
  return text({ units: -x.units, scale: x.scale });
}

/** -1, 0 or 1 as `a` is below, equal to or above `b` (`"1.50"` equals `"1.5"`). */
export function compareDecimals(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const x = scaled(a);
  const y = scaled(b);
  const scale = Math.max(x.scale, y.scale);
  const d = atScale(x, scale) - atScale(y, scale);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** The sign of a decimal. */
export function sign(value: Decimal): -1 | 0 | 1 {
  return compareDecimals(value, '0');
}

/** `|value|`. */
export function abs(value: Decimal): Decimal {
  return sign(value) < 0 ? negate(value) : value.trim();
}

/**
 * An amount as a person types it, as a decimal string, or null when it is not one:
 * surrounding spaces, a leading `+`, a `$` and thousands commas (`1,234.50`) are accepted;
 * `.5` and `5.` are read as `0.5` and `5`.
 */
export function parseTypedAmount(typed: string): Decimal | null {
  let t = typed.trim();
  let neg = false;
  if (t.startsWith('-') || t.startsWith('+')) {
    neg = t.startsWith('-');
    t = t.slice(1);
  }
  if (t.startsWith('$')) t = t.slice(1);
  if (/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(t)) t = t.replace(/,/g, '');
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(t)) return null;
  if (t.startsWith('.')) t = `0${t}`;
  if (t.endsWith('.')) t = t.slice(0, -1);
  const v = neg ? `-${t}` : t;
  return sign(v) === 0 ? t : v;
}
