/**
 * The bulk bar's changes to the selected rows: one `edit_transactions` per change (up to
 * 1000 rows, all or nothing), or `pair_transfer` for exactly two rows.
 */
import * as cmd from '../backend/commands';
import { formatCount } from '../format/format';
import { describeFailure, type FailureDisplay } from '../ui/errors';
import { bulkEdit, type BulkChange } from './edit';

/** The most rows one edit changes (the core's MAX_EDIT_ROWS). */
export const MAX_BULK_ROWS = 1000;

export type BulkOutcome = { kind: 'done'; text: string } | { kind: 'failed'; failure: FailureDisplay };

export class BulkActions {
  busy = $state(false);
  outcome = $state<BulkOutcome | null>(null);
  #onChanged: () => void;

  constructor(onChanged: () => void = () => {}) {
    this.#onChanged = onChanged;
  }

  async apply(ids: string[], change: BulkChange): Promise<boolean> {
    if (ids.length === 0 || this.busy) return false;
    if (ids.length > MAX_BULK_ROWS) {
      this.outcome = { kind: 'failed', failure: { message: `Select at most ${formatCount(MAX_BULK_ROWS)} rows for one change.`, remedy: null, requestId: null, code: 'INVALID_INPUT' } };
      return false;
    }
    return this.#run(async () => {
      const rows = await cmd.editTransactions(bulkEdit(ids, change));
      const n = `${formatCount(rows.length)} transaction${rows.length === 1 ? '' : 's'}`;
      switch (change.kind) {
        case 'category':
          return change.category === null ? `${n} back to Plaid's category.` : `Category set on ${n}.`;
        case 'addTag':
          return `Tag “${change.tag.trim()}” added to ${n}.`;
        case 'exclude':
          return change.exclude ? `${n} left out of spending.` : `${n} counted in spending again.`;
      }
    });
  }

  /** Pairs two rows as one transfer. */
  async pair(ids: string[]): Promise<boolean> {
    const [a, b] = ids;
    if (ids.length !== 2 || a === undefined || b === undefined || this.busy) return false;
    return this.#run(async () => {
      await cmd.pairTransfer({ transactionIds: [a, b] });
      return 'Paired as a transfer.';
    });
  }

  dismiss(): void {
    this.outcome = null;
  }

  async #run(f: () => Promise<string>): Promise<boolean> {
    this.busy = true;
    this.outcome = null;
    try {
      this.outcome = { kind: 'done', text: await f() };
      this.#onChanged();
      return true;
    } catch (e) {
      this.outcome = { kind: 'failed', failure: describeFailure(e) };
      return false;
    } finally {
      this.busy = false;
    }
  }
}
