/**
 * The rule editor's form and its mapping to `save_rule`'s `RuleInput`. The form holds what is
 * typed (amounts as text, a picker's '' for "not chosen yet"); {@link toRuleInput} checks it
 * as the core will (1–20 conditions, 1–10 actions, a category, a name or an exclusion at most
 * once; amounts are sizes, 0 or more) and says what is wrong next to the field, so a rule the
 * core would refuse is not sent.
 */
import type { Action, Condition, Direction, RuleInput, RuleView, TextOp } from '../backend/types';
import { compareDecimals, parseTypedAmount, sign } from '../format/decimal';

export type ConditionDraft =
  | { field: 'merchant' | 'description'; op: TextOp; value: string }
  | { field: 'amount'; min: string; max: string }
  | { field: 'direction'; direction: Direction }
  | { field: 'account'; accountId: string }
  | { field: 'plaidCategory'; category: string };

export type ActionDraft =
  | { action: 'setCategory'; category: string }
  | { action: 'rename'; name: string }
  | { action: 'addTag'; tag: string }
  | { action: 'exclude' };

export type ConditionField = ConditionDraft['field'];
export type ActionKind = ActionDraft['action'];

export interface RuleForm {
  /** The rule being changed; absent for a new one. */
  id?: number;
  name: string;
  enabled: boolean;
  conditions: ConditionDraft[];
  actions: ActionDraft[];
}

export const CONDITION_FIELDS: { id: ConditionField; label: string }[] = [
  { id: 'merchant', label: 'Merchant' },
  { id: 'description', label: 'Description' },
  { id: 'amount', label: 'Amount' },
  { id: 'direction', label: 'Money in or out' },
  { id: 'account', label: 'Account' },
  { id: 'plaidCategory', label: "Plaid's category" },
];

export const TEXT_OPS: { id: TextOp; label: string }[] = [
  { id: 'contains', label: 'contains' },
  { id: 'startsWith', label: 'starts with' },
  { id: 'exact', label: 'is exactly' },
];

export const ACTION_KINDS: { id: ActionKind; label: string }[] = [
  { id: 'setCategory', label: 'Set category' },
  { id: 'rename', label: 'Rename' },
  { id: 'addTag', label: 'Add tag' },
  { id: 'exclude', label: 'Exclude from spending' },
];

export const MAX_CONDITIONS = 20;
export const MAX_ACTIONS = 10;

export function newCondition(field: ConditionField): ConditionDraft {
  switch (field) {
    case 'merchant':
    case 'description':
      return { field, op: 'contains', value: '' };
    case 'amount':
      return { field, min: '', max: '' };
    case 'direction':
      return { field, direction: 'out' };
    case 'account':
      return { field, accountId: '' };
    case 'plaidCategory':
      return { field, category: '' };
  }
}

export function newAction(action: ActionKind): ActionDraft {
  switch (action) {
    case 'setCategory':
      return { action, category: '' };
    case 'rename':
      return { action, name: '' };
    case 'addTag':
      return { action, tag: '' };
    case 'exclude':
      return { action };
  }
}

/** A new rule's form: one merchant condition, one category action. */
export function emptyForm(): RuleForm {
  return { name: '', enabled: true, conditions: [newCondition('merchant')], actions: [newAction('setCategory')] };
}

/** The form for a saved rule, or for a draft (`suggest_rule`'s). */
export function formOf(rule: RuleView | RuleInput): RuleForm {
  const form: RuleForm = {
    name: rule.name,
    enabled: rule.enabled ?? true,
    conditions: rule.conditions.map((c): ConditionDraft => (c.field === 'amount' ? { field: 'amount', min: c.min ?? '', max: c.max ?? '' } : { ...c })),
    actions: rule.actions.map((a): ActionDraft => ({ ...a })),
  };
  if (rule.id !== undefined) form.id = rule.id;
  return form;
}

export interface FormProblems {
  name: string | null;
  /** Per condition. */
  conditions: (string | null)[];
  /** Per action. */
  actions: (string | null)[];
  /** About the lists as a whole (none, too many). */
  form: string | null;
}

export type RuleCheck = { ok: true; input: RuleInput } | { ok: false; problems: FormProblems };

function textProblem(what: string, value: string, max: number): string | null {
  const t = value.trim();
  if (!t) return `Type ${what}.`;
  if ([...t].length > max) return `At most ${max} characters.`;
  return null;
}

/** A size bound: '' is none; else a decimal of 0 or more. */
function bound(typed: string): { value: string | null; problem: string | null } {
  if (typed.trim() === '') return { value: null, problem: null };
  const v = parseTypedAmount(typed);
  if (v === null) return { value: null, problem: `"${typed.trim()}" is not an amount.` };
  if (sign(v) < 0) return { value: null, problem: 'Amounts are sizes (0 or more); add "Money in or out" for a direction.' };
  return { value: v, problem: null };
}

function condition(d: ConditionDraft): { value: Condition | null; problem: string | null } {
  switch (d.field) {
    case 'merchant':
    case 'description': {
      const problem = textProblem(d.field === 'merchant' ? 'a merchant' : 'a description', d.value, 100);
      return problem ? { value: null, problem } : { value: { field: d.field, op: d.op, value: d.value.trim() }, problem: null };
    }
    case 'amount': {
      const min = bound(d.min);
      const max = bound(d.max);
      const problem = min.problem ?? max.problem;
      if (problem) return { value: null, problem };
      if (min.value === null && max.value === null) return { value: null, problem: 'Type a minimum, a maximum or both.' };
      if (min.value !== null && max.value !== null && compareDecimals(min.value, max.value) > 0) {
        return { value: null, problem: 'The minimum is above the maximum.' };
      }
      return { value: { field: 'amount', min: min.value, max: max.value }, problem: null };
    }
    case 'direction':
      return { value: { field: 'direction', direction: d.direction }, problem: null };
    case 'account':
      return d.accountId ? { value: { field: 'account', accountId: d.accountId }, problem: null } : { value: null, problem: 'Choose an account.' };
    case 'plaidCategory':
      return d.category ? { value: { field: 'plaidCategory', category: d.category }, problem: null } : { value: null, problem: 'Choose a category.' };
  }
}

function action(d: ActionDraft, seen: Set<ActionKind>): { value: Action | null; problem: string | null } {
  if (d.action !== 'addTag' && seen.has(d.action)) {
    const what = { setCategory: 'sets the category', rename: 'renames', exclude: 'excludes' }[d.action];
    return { value: null, problem: `A rule ${what} only once.` };
  }
  seen.add(d.action);
  switch (d.action) {
    case 'setCategory':
      return d.category ? { value: { action: 'setCategory', category: d.category }, problem: null } : { value: null, problem: 'Choose a category.' };
    case 'rename': {
      const problem = textProblem('a name', d.name, 100);
      return problem ? { value: null, problem } : { value: { action: 'rename', name: d.name.trim() }, problem: null };
    }
    case 'addTag': {
      const problem = textProblem('a tag', d.tag, 40);
      return problem ? { value: null, problem } : { value: { action: 'addTag', tag: d.tag.trim() }, problem: null };
    }
    case 'exclude':
      return { value: { action: 'exclude' }, problem: null };
  }
}

/** The `save_rule` input for a form, or what is wrong with it. */
export function toRuleInput(form: RuleForm): RuleCheck {
  const conds = form.conditions.map(condition);
  const seen = new Set<ActionKind>();
  const acts = form.actions.map((a) => action(a, seen));
  const problems: FormProblems = {
    name: textProblem('a name', form.name, 100),
    conditions: conds.map((c) => c.problem),
    actions: acts.map((a) => a.problem),
    form:
      form.conditions.length === 0
        ? 'Add at least one condition.'
        : form.actions.length === 0
          ? 'Add at least one action.'
          : form.conditions.length > MAX_CONDITIONS
            ? `At most ${MAX_CONDITIONS} conditions.`
            : form.actions.length > MAX_ACTIONS
              ? `At most ${MAX_ACTIONS} actions.`
              : null,
  };
  if (problems.name || problems.form || problems.conditions.some(Boolean) || problems.actions.some(Boolean)) return { ok: false, problems };
  const input: RuleInput = {
    name: form.name.trim(),
    enabled: form.enabled,
    conditions: conds.map((c) => c.value!),
    actions: acts.map((a) => a.value!),
  };
  if (form.id !== undefined) input.id = form.id;
  return { ok: true, input };
}
