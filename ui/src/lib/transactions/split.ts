/**
 * The split editor's arithmetic, exact (lib/format/decimal.ts; no floats). People type each
 * part as an amount in the transaction's own direction ("12.50" of a $50.00 purchase, or of a
 * $50.00 refund); a leading minus means the other way. What is sent is in Plaid's sign
 * (positive = money out), as `split_transaction` wants it, and the parts must add up exactly
 * to the transaction's amount: "left to assign" must reach 0.
 */
import type { Decimal, SplitInput, SplitPart } from '../backend/types';
import { abs, negate, parseTypedAmount, sign, subtractDecimals, sumDecimals } from '../format/decimal';

export interface PartDraft {
  amount: string;
  /** '' = none. */
  category: string;
  note: string;
}

export const MAX_PARTS = 20;

/** A blank part. */
export function blankPart(): PartDraft {
  return { amount: '', category: '', note: '' };
}

/** Plaid's sign to the typed direction and back (the same flip both ways). */
function flip(txAmount: Decimal, value: Decimal): Decimal {
  return sign(txAmount) < 0 ? negate(value) : value;
}

/** The editor's rows for a row: its split if it has one, else two blank parts. */
export function partsOf(txAmount: Decimal, split: SplitPart[]): PartDraft[] {
  if (split.length === 0) return [blankPart(), blankPart()];
  return split.map((p) => ({ amount: flip(txAmount, p.amount), category: p.category ?? '', note: p.note ?? '' }));
}

export interface SplitCheck {
  /** What is left to assign, in the transaction's direction (negative: assigned too much). */
  left: Decimal;
  /** Per part: why its amount is not usable, or null. */
  problems: (string | null)[];
  /**
   * 2–20 parts, each an amount: the split can be sent. Whether it adds up is the core's to
   * say (`split_transaction` refuses, naming what is left); `left` shows it as it is typed.
   */
  sendable: boolean;
  /** Sendable, no part zero, and the parts add up exactly. */
  ready: boolean;
}

/** Checks the parts against the transaction's amount. */
export function checkSplit(txAmount: Decimal, parts: PartDraft[]): SplitCheck {
  const amounts = parts.map((p) => (p.amount.trim() === '' ? null : parseTypedAmount(p.amount)));
  const problems = parts.map((p, i) => {
    if (p.amount.trim() === '') return 'Type an amount.';
    const a = amounts[i];
    if (a === null || a === undefined) return 'Not an amount (e.g. 12.50).';
    if (sign(a) === 0) return 'A part cannot be zero.';
    return null;
  });
  const typed = amounts.filter((a): a is Decimal => a !== null && a !== undefined);
  const left = subtractDecimals(abs(txAmount), sumDecimals(typed));
  const sendable = parts.length >= 2 && parts.length <= MAX_PARTS && amounts.every((a) => a !== null && a !== undefined);
  const ready = sendable && problems.every((p) => p === null) && sign(left) === 0;
  return { left, problems, sendable, ready };
}

/** The `split_transaction` input for ready parts (amounts in Plaid's sign). */
export function splitInput(transactionId: string, txAmount: Decimal, parts: PartDraft[]): SplitInput {
  return {
    transactionId,
    parts: parts.map((p) => {
      const typed = parseTypedAmount(p.amount);
      if (typed === null) throw new Error(`not an amount: ${p.amount}`);
      const out: SplitInput['parts'][number] = { amount: flip(txAmount, typed) };
      if (p.category) out.category = p.category;
      if (p.note.trim()) out.note = p.note.trim();
      return out;
    }),
  };
}

/** Part `index` takes what the other parts leave ("the rest" button). */
export function fillLeft(txAmount: Decimal, parts: PartDraft[], index: number): PartDraft[] {
  const others = parts.filter((_, i) => i !== index).map((p) => parseTypedAmount(p.amount)).filter((a): a is Decimal => a !== null);
  const left = subtractDecimals(abs(txAmount), sumDecimals(others));
  return parts.map((p, i) => (i === index ? { ...p, amount: left } : p));
}
