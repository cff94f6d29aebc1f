/**
 * Bringing rules to the rows already stored, one step at a time, as the dialog shows it:
 *
 * 1. (from a hand edit) `suggest_rule` drafts "always do this for Starbucks?"; the person
 *    may rename it; `save_rule` saves it;
 * 2. `preview_rules` says how many rows would change, with examples;
 * 3. `apply_rules` applies exactly what the preview saw (its `revision`), with progress from
 *    `rules:progress` events;
 * 4. how many rows changed.
 *
 * The same steps serve the Rules screen's "Apply to existing transactions" (from step 2).
 */
import * as cmd from '../backend/commands';
import type { RuleInput, RulePreview, RuleView } from '../backend/types';
import { describeFailure, type FailureDisplay } from '../ui/errors';

export type RunStep =
  | { kind: 'closed' }
  | { kind: 'suggesting'; merchant: string }
  | { kind: 'draft'; merchant: string; rule: RuleInput; saving: boolean; failure: FailureDisplay | null }
  | { kind: 'previewing'; rule: RuleView | null }
  | { kind: 'preview'; rule: RuleView | null; preview: RulePreview; failure: FailureDisplay | null }
  | { kind: 'applying'; rule: RuleView | null; done: number; total: number }
  | { kind: 'done'; rule: RuleView | null; changed: number; checked: number }
  | { kind: 'failed'; failure: FailureDisplay };

export class RuleRun {
  step = $state<RunStep>({ kind: 'closed' });
  /** Told after a rule is saved and after rows changed (lists reload). */
  #onChanged: () => void;

  constructor(onChanged: () => void = () => {}) {
    this.#onChanged = onChanged;
  }

  get open(): boolean {
    return this.step.kind !== 'closed';
  }

  /** Step 1: a draft rule repeating the hand edit of `transactionId`. */
  async suggest(transactionId: string, merchant: string): Promise<void> {
    this.step = { kind: 'suggesting', merchant };
    try {
      const rule = await cmd.suggestRule({ transactionId });
      if (this.step.kind === 'suggesting') this.step = { kind: 'draft', merchant, rule, saving: false, failure: null };
    } catch (e) {
      if (this.step.kind === 'suggesting') this.step = { kind: 'failed', failure: describeFailure(e) };
    }
  }

  /** Saves the draft (renamed to `name`), then previews what it changes on stored rows. */
  async saveDraft(name: string): Promise<void> {
    const s = this.step;
    if (s.kind !== 'draft' || s.saving) return;
    this.step = { ...s, saving: true, failure: null };
    try {
      const saved = await cmd.saveRule({ ...s.rule, name: name.trim() || s.rule.name });
      this.#onChanged();
      await this.preview(saved);
    } catch (e) {
      this.step = { ...s, saving: false, failure: describeFailure(e) };
    }
  }

  /** Step 2: what the rules would change on stored rows (only where `rule` holds, if given). */
  async preview(rule: RuleView | null): Promise<void> {
    this.step = { kind: 'previewing', rule };
    try {
      const preview = await cmd.previewRules(rule ? { ruleId: rule.id } : {});
      if (this.step.kind === 'previewing') this.step = { kind: 'preview', rule, preview, failure: null };
    } catch (e) {
      if (this.step.kind === 'previewing') this.step = { kind: 'failed', failure: describeFailure(e) };
    }
  }

  /** Step 3: applies what the preview showed; progress as it goes. */
  async apply(): Promise<void> {
    const s = this.step;
    if (s.kind !== 'preview') return;
    const { rule, preview } = s;
    this.step = { kind: 'applying', rule, done: 0, total: preview.checked };
    const unlisten = await cmd.onBackendEvent('rules:progress', (p) => {
      if (this.step.kind === 'applying') this.step = { ...this.step, done: p.done, total: p.total };
    });
    try {
      const out = await cmd.applyRules(rule ? { ruleId: rule.id, revision: preview.revision } : { revision: preview.revision });
      this.step = { kind: 'done', rule, changed: out.changed, checked: out.checked };
      this.#onChanged();
    } catch (e) {
      // Refused (the data changed since the preview, say): back to the preview, saying why.
      this.step = { kind: 'preview', rule, preview, failure: describeFailure(e) };
    } finally {
      unlisten();
    }
  }

  close(): void {
    if (this.step.kind === 'applying') return;
    this.step = { kind: 'closed' };
  }
}
