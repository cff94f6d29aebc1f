/**
 * The detail panel's state: one row as `get_transaction` gives it (Plaid's values and the
 * person's), the edit form, the split and the transfer. Saving sends only what changed
 * ({@link buildEdit}); after a hand edit a rule could repeat, the panel offers "Always do this
 * for <merchant>?" (a {@link RuleRun}).
 */
import * as cmd from '../backend/commands';
import type { EditTransactionsInput, SplitInput, TransactionView } from '../backend/types';
import { describeFailure, type FailureDisplay } from '../ui/errors';
import { buildEdit, draftOf, offersRule, type EditDraft } from './edit';

export class TransactionDetail {
  /** The row shown; null when the panel is closed. */
  row = $state<TransactionView | null>(null);
  /** The id asked for (the row arrives a moment later). */
  openId = $state<string | null>(null);
  draft = $state<EditDraft>(draftOf(null));
  loading = $state(false);
  saving = $state(false);
  failure = $state<FailureDisplay | null>(null);
  /** "Saved" shows after a save until the next change. */
  saved = $state(false);
  /** After a hand edit a rule could repeat: the merchant (or description) to name. */
  ruleOffer = $state<string | null>(null);
  splitFailure = $state<FailureDisplay | null>(null);
  splitting = $state(false);
  transferBusy = $state(false);
  transferFailure = $state<FailureDisplay | null>(null);

  #onChanged: () => void;
  #generation = 0;

  /** `onChanged`: rows changed (the list reloads). */
  constructor(onChanged: () => void = () => {}) {
    this.#onChanged = onChanged;
  }

  /** What Save would send, or null when the form is as the row is. */
  get edit(): EditTransactionsInput | null {
    return this.row ? buildEdit([this.row.transactionId], this.row.personal, this.draft) : null;
  }

  /** The row's merchant as people read it (what a suggested rule matches). */
  get merchant(): string {
    return this.row ? (this.row.merchantName ?? this.row.name) : '';
  }

  async open(transactionId: string): Promise<void> {
    const gen = ++this.#generation;
    this.openId = transactionId;
    this.loading = true;
    this.failure = null;
    try {
      const row = await cmd.getTransaction({ transactionId });
      if (gen !== this.#generation) return;
      this.#show(row);
      this.ruleOffer = null;
    } catch (e) {
      if (gen !== this.#generation) return;
      this.row = null;
      this.failure = describeFailure(e);
    } finally {
      if (gen === this.#generation) this.loading = false;
    }
  }

  close(): void {
    this.#generation++;
    this.row = null;
    this.openId = null;
    this.loading = false;
    this.failure = null;
    this.ruleOffer = null;
  }

  /** Changing the form hides "Saved". */
  touch(): void {
    this.saved = false;
  }

  async save(): Promise<void> {
    const input = this.edit;
    const row = this.row;
    if (!input || !row || this.saving) return;
    this.saving = true;
    this.failure = null;
    try {
      const [updated] = await cmd.editTransactions(input);
      if (updated && this.row?.transactionId === updated.transactionId) {
        this.#show(updated);
        this.saved = true;
        this.ruleOffer = offersRule(input) ? (updated.merchantName ?? updated.name) : null;
      }
      this.#onChanged();
    } catch (e) {
      this.failure = describeFailure(e);
    } finally {
      this.saving = false;
    }
  }

  dismissRuleOffer(): void {
    this.ruleOffer = null;
  }

  /** Saves a split (`parts` empty: undoes it); true when it was saved. */
  async split(input: SplitInput): Promise<boolean> {
    this.splitting = true;
    this.splitFailure = null;
    try {
      const updated = await cmd.splitTransaction(input);
      if (this.row?.transactionId === updated.transactionId) this.#show(updated, true);
      this.#onChanged();
      return true;
    } catch (e) {
      this.splitFailure = describeFailure(e);
      return false;
    } finally {
      this.splitting = false;
    }
  }

  clearSplitFailure(): void {
    this.splitFailure = null;
  }

  async unpair(): Promise<void> {
    const row = this.row;
    if (!row || this.transferBusy) return;
    this.transferBusy = true;
    this.transferFailure = null;
    try {
      const rows = await cmd.unpairTransfer({ transactionId: row.transactionId });
      const mine = rows.find((r) => r.transactionId === row.transactionId);
      if (mine && this.row?.transactionId === mine.transactionId) this.#show(mine, true);
      this.#onChanged();
    } catch (e) {
      this.transferFailure = describeFailure(e);
    } finally {
      this.transferBusy = false;
    }
  }

  /** Another part of the app changed this row (a bulk edit, a pairing): show it afresh. */
  async refresh(): Promise<void> {
    if (this.openId) await this.open(this.openId);
  }

  /** Shows `row`; the form follows it unless `keepForm` (a split or an unpair keeps what is being typed). */
  #show(row: TransactionView, keepForm = false) {
    this.row = row;
    this.openId = row.transactionId;
    if (!keepForm) {
      this.draft = draftOf(row.personal);
      this.saved = false;
    }
  }
}
