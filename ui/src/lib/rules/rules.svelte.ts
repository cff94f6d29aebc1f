/**
 * The Rules screen's state: the rules in the order they run (the first rule that sets a field
 * decides it; hand edits are never overwritten), switching one on or off, moving one up or
 * down (`order_rules`), saving, deleting, and the rules file (export through Rust's save
 * dialog, import from a file the person picks).
 */
import * as cmd from '../backend/commands';
import type { RuleInput, RulesDocument, RuleView } from '../backend/types';
import { formatCount } from '../format/format';
import { describeFailure, type FailureDisplay } from '../ui/errors';

export type RulesNotice = { kind: 'done'; text: string } | { kind: 'failed'; failure: FailureDisplay };

/** A rules file read as text: its document, or why it is not one. */
export function parseRulesFile(text: string): { ok: true; document: RulesDocument } | { ok: false; problem: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: `This file is not JSON (${e instanceof Error ? e.message : String(e)}).` };
  }
  const d = doc as Partial<RulesDocument> | null;
  if (typeof d !== 'object' || d === null || Array.isArray(d) || typeof d.cofferRules !== 'number' || !Array.isArray(d.rules)) {
    return { ok: false, problem: 'This file is not a Coffer rules file (it has no "cofferRules" version and "rules" list).' };
  }
  return { ok: true, document: d as RulesDocument };
}

export class RulesStore {
  rules = $state<RuleView[]>([]);
  loaded = $state(false);
  busy = $state(false);
  notice = $state<RulesNotice | null>(null);

  async load(): Promise<void> {
    try {
      this.rules = await cmd.listRules();
      this.loaded = true;
    } catch (e) {
      this.notice = { kind: 'failed', failure: describeFailure(e) };
    }
  }

  /** Saves a new or changed rule; the refusal, if any. */
  async save(input: RuleInput): Promise<FailureDisplay | null> {
    try {
      const saved = await cmd.saveRule(input);
      await this.load();
      this.notice = { kind: 'done', text: input.id === undefined ? `Rule “${saved.name}” added at the end.` : `Rule “${saved.name}” saved.` };
      return null;
    } catch (e) {
      return describeFailure(e);
    }
  }

  async setEnabled(rule: RuleView, enabled: boolean): Promise<void> {
    await this.#run(async () => {
      await cmd.saveRule({ id: rule.id, name: rule.name, enabled, conditions: rule.conditions, actions: rule.actions });
      await this.load();
      return null;
    });
  }

  /** Moves a rule one place up (-1) or down (+1). */
  async move(id: number, by: -1 | 1): Promise<void> {
    const ids = this.rules.map((r) => r.id);
    const i = ids.indexOf(id);
    const j = i + by;
    if (i < 0 || j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    await this.#run(async () => {
      this.rules = await cmd.orderRules({ ids });
      return null;
    });
  }

  async remove(rule: RuleView): Promise<boolean> {
    return this.#run(async () => {
      await cmd.deleteRule({ id: rule.id });
      await this.load();
      return `Rule “${rule.name}” deleted; what it set is Plaid's again (or another rule's).`;
    });
  }

  /** Rust asks where to save and writes the file; a cancelled dialog says nothing. */
  async exportAll(): Promise<void> {
    await this.#run(async () => {
      const path = await cmd.exportRules();
      return path === null ? null : `Saved ${formatCount(this.rules.length)} rule${this.rules.length === 1 ? '' : 's'} to ${path}.`;
    });
  }

  /** Imports a parsed rules file, after the rules there are (or replacing them). */
  async importDocument(document: RulesDocument, replace: boolean): Promise<FailureDisplay | null> {
    try {
      const rules = await cmd.importRules({ document, replace });
      this.rules = rules;
      const n = document.rules.length;
      this.notice = { kind: 'done', text: `Imported ${formatCount(n)} rule${n === 1 ? '' : 's'}. Apply them to bring them to existing transactions.` };
      return null;
    } catch (e) {
      return describeFailure(e);
    }
  }

  dismiss(): void {
    this.notice = null;
  }

  async #run(f: () => Promise<string | null>): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    try {
      const text = await f();
      if (text !== null) this.notice = { kind: 'done', text };
      return true;
    } catch (e) {
      this.notice = { kind: 'failed', failure: describeFailure(e) };
      return false;
    } finally {
      this.busy = false;
    }
  }
}
