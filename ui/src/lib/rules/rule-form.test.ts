import { describe, expect, it } from 'vitest';
import { emptyForm, formOf, newAction, newCondition, toRuleInput, type RuleForm } from './rule-form';
import { describeAction, describeCondition } from './describe';
import type { RuleView } from '../backend/types';

const labels = { category: (c: string) => (c === 'FOOD_AND_DRINK_COFFEE' ? 'Coffee' : c), account: () => 'Plaid Checking ••0000' };

describe('rule form → RuleInput', () => {
  it('maps every condition and action', () => {
    const form: RuleForm = {
      name: '  Coffee  ',
      enabled: false,
      conditions: [
        { field: 'merchant', op: 'exact', value: ' Starbucks ' },
        { field: 'description', op: 'startsWith', value: 'SBUX' },
        { field: 'amount', min: '$1,000', max: '' },
        { field: 'amount', min: '', max: '12.5' },
        { field: 'direction', direction: 'in' },
        { field: 'account', accountId: 'acc-1' },
        { field: 'plaidCategory', category: 'FOOD_AND_DRINK' },
      ],
      actions: [
        { action: 'setCategory', category: 'FOOD_AND_DRINK_COFFEE' },
        { action: 'rename', name: ' Coffee ' },
        { action: 'addTag', tag: 'treats' },
        { action: 'addTag', tag: 'daily' },
        { action: 'exclude' },
      ],
    };
    expect(toRuleInput(form)).toEqual({
      ok: true,
      input: {
        name: 'Coffee',
        enabled: false,
        conditions: [
          { field: 'merchant', op: 'exact', value: 'Starbucks' },
          { field: 'description', op: 'startsWith', value: 'SBUX' },
          { field: 'amount', min: '1000', max: null },
          { field: 'amount', min: null, max: '12.5' },
          { field: 'direction', direction: 'in' },
          { field: 'account', accountId: 'acc-1' },
          { field: 'plaidCategory', category: 'FOOD_AND_DRINK' },
        ],
        actions: [
          { action: 'setCategory', category: 'FOOD_AND_DRINK_COFFEE' },
          { action: 'rename', name: 'Coffee' },
          { action: 'addTag', tag: 'treats' },
          { action: 'addTag', tag: 'daily' },
          { action: 'exclude' },
        ],
      },
    });
  });

  it('keeps the id of a rule being changed, and round-trips a saved rule', () => {
    const saved: RuleView = {
      id: 4, name: 'Big', enabled: true,
      conditions: [{ field: 'amount', min: '100', max: null }, { field: 'direction', direction: 'out' }],
      actions: [{ action: 'addTag', tag: 'big' }],
    };
    const form = formOf(saved);
    expect(form.conditions[0]).toEqual({ field: 'amount', min: '100', max: '' });
    expect(toRuleInput(form)).toEqual({ ok: true, input: { ...saved } });
    // suggest_rule's draft has no id: the rule is new.
    const draft = toRuleInput(formOf({ name: 'Starbucks', conditions: [{ field: 'merchant', op: 'exact', value: 'Starbucks' }], actions: [{ action: 'exclude' }] }));
    expect(draft.ok && draft.input).toEqual({ name: 'Starbucks', enabled: true, conditions: [{ field: 'merchant', op: 'exact', value: 'Starbucks' }], actions: [{ action: 'exclude' }] });
    expect(draft.ok && 'id' in draft.input).toBe(false);
  });

  it('says what is wrong beside each row instead of sending it', () => {
    const form: RuleForm = {
      name: ' ',
      enabled: true,
      conditions: [
        { field: 'merchant', op: 'contains', value: '' },
        { field: 'amount', min: '', max: '' },
        { field: 'amount', min: '-5', max: '' },
        { field: 'amount', min: '20', max: '10.00' },
        { field: 'amount', min: 'ten', max: '' },
        newCondition('account'),
        newCondition('plaidCategory'),
        newCondition('direction'),
      ],
      actions: [newAction('setCategory'), { action: 'exclude' }, { action: 'exclude' }, { action: 'addTag', tag: 'x'.repeat(41) }, { action: 'rename', name: '' }],
    };
    const check = toRuleInput(form);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problems.name).toBe('Type a name.');
    expect(check.problems.conditions).toEqual([
      'Type a merchant.',
      'Type a minimum, a maximum or both.',
      'Amounts are sizes (0 or more); add "Money in or out" for a direction.',
      'The minimum is above the maximum.',
      '"ten" is not an amount.',
      'Choose an account.',
      'Choose a category.',
      null,
    ]);
    expect(check.problems.actions).toEqual(['Choose a category.', null, 'A rule excludes only once.', 'At most 40 characters.', 'Type a name.']);
    expect(toRuleInput({ ...emptyForm(), name: 'x', conditions: [] })).toMatchObject({ ok: false, problems: { form: 'Add at least one condition.' } });
  });

  it('reads a rule in words', () => {
    expect(describeCondition({ field: 'merchant', op: 'exact', value: 'Starbucks' }, labels)).toBe('Merchant is exactly “Starbucks”');
    expect(describeCondition({ field: 'amount', min: '5', max: '10.5' }, labels)).toBe('Amount from 5.00 to 10.50');
    expect(describeCondition({ field: 'account', accountId: 'acc-1' }, labels)).toBe('Account is Plaid Checking ••0000');
    expect(describeAction({ action: 'setCategory', category: 'FOOD_AND_DRINK_COFFEE' }, labels)).toBe('Set category to Coffee');
  });
});
