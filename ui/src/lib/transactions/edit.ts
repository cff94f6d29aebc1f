/**
 * What the detail panel and the bulk bar send to `edit_transactions`. Each field of the input
 * is three-valued: absent = unchanged, `null` = back to Plaid's (the rules may set it again),
 * a value = set by hand (no rule overwrites it). The form holds plain strings, where '' means
 * "Plaid's"; {@link buildEdit} turns the difference between the row and the form into the
 * smallest input that says it, so an untouched field is never sent (and never pins a value a
 * rule set as a hand edit).
 */
import type { EditTransactionsInput, Personal } from '../backend/types';

export interface EditDraft {
  /** A Plaid code or the person's category; '' = Plaid's. */
  category: string;
  /** Display name; '' = Plaid's. */
  name: string;
  note: string;
  excluded: boolean;
  tags: string[];
}

/** The form for a row as it is. */
export function draftOf(p: Personal | null): EditDraft {
  return {
    category: p?.category ?? '',
    name: p?.name ?? '',
    note: p?.note ?? '',
    excluded: p?.excluded ?? false,
    tags: (p?.tags ?? []).map((t) => t.tag),
  };
}

/** absent (undefined) when equal, null when cleared, else the new text. */
function textField(before: string | null | undefined, typed: string): string | null | undefined {
  const now = typed.trim();
  const was = (before ?? '').trim();
  if (now === was) return undefined;
  return now === '' ? null : now;
}

/**
 * The edit that turns `current` into `draft` on `transactionIds`, or null when nothing
 * changed.
 */
export function buildEdit(transactionIds: string[], current: Personal | null, draft: EditDraft): EditTransactionsInput | null {
  const input: EditTransactionsInput = { transactionIds: [...transactionIds] };
  const category = textField(current?.category, draft.category);
  if (category !== undefined) input.category = category;
  const name = textField(current?.name, draft.name);
  if (name !== undefined) input.name = name;
  const note = textField(current?.note, draft.note);
  if (note !== undefined) input.note = note;
  // `false` is a choice too: kept in spending whatever a rule says.
  if (draft.excluded !== (current?.excluded ?? false)) input.exclude = draft.excluded;
  const had = new Set((current?.tags ?? []).map((t) => t.tag));
  const wanted = [...new Set(draft.tags.map((t) => t.trim()).filter(Boolean))];
  const add = wanted.filter((t) => !had.has(t));
  const remove = [...had].filter((t) => !wanted.includes(t));
  if (add.length) input.addTags = add;
  if (remove.length) input.removeTags = remove;
  return Object.keys(input).length > 1 ? input : null;
}

/**
 * Whether an edit set something a rule could repeat (category, name, tags, exclusion): then
 * the panel offers "Always do this for …?". A note or a field put back to Plaid's is not.
 */
export function offersRule(input: EditTransactionsInput): boolean {
  return (
    (input.category !== undefined && input.category !== null) ||
    (input.name !== undefined && input.name !== null) ||
    input.exclude === true ||
    (input.addTags?.length ?? 0) > 0
  );
}

/** One change the bulk bar makes to every selected row. */
export type BulkChange =
  | { kind: 'category'; category: string | null }
  | { kind: 'addTag'; tag: string }
  | { kind: 'exclude'; exclude: boolean };

/** The edit for a bulk change (only that field is sent: the rows' other fields stay). */
export function bulkEdit(transactionIds: string[], change: BulkChange): EditTransactionsInput {
  const input: EditTransactionsInput = { transactionIds: [...transactionIds] };
  switch (change.kind) {
    case 'category':
      input.category = change.category;
      break;
    case 'addTag':
      input.addTags = [change.tag.trim()];
      break;
    case 'exclude':
      input.exclude = change.exclude;
      break;
  }
  return input;
}
