import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import RulesScreen from './RulesScreen.svelte';
import { parseRulesFile, RulesStore } from './rules.svelte';
import CategoriesScreen from '../categories/CategoriesScreen.svelte';
import { CategoriesStore } from '../categories/categories.svelte';
import { LinksStore } from '../links/links.svelte';
import { appError, flush, link, mockCommands } from '../testing/ipc';
import type { CategoryView, RuleInput, RuleView } from '../backend/types';

const CATEGORIES: CategoryView[] = [
  { category: 'FOOD_AND_DRINK', label: 'Food and drink', group: 'FOOD_AND_DRINK', source: 'plaid', transactions: 12 },
  { category: 'FOOD_AND_DRINK_COFFEE', label: 'Coffee', group: 'FOOD_AND_DRINK', source: 'plaid', transactions: 0 },
  { category: 'Coffee runs', label: 'Coffee runs', group: 'Coffee runs', source: 'own', transactions: 3 },
];

function rules(): RuleView[] {
  return [
    { id: 1, name: 'Coffee', enabled: true, conditions: [{ field: 'merchant', op: 'exact', value: 'Starbucks' }], actions: [{ action: 'setCategory', category: 'Coffee runs' }] },
    { id: 2, name: 'Big ones', enabled: false, conditions: [{ field: 'amount', min: '500', max: null }], actions: [{ action: 'addTag', tag: 'big' }] },
  ];
}

async function rulesScreen(extra: Record<string, (i: Record<string, unknown> | undefined) => unknown> = {}) {
  let list = rules();
  const ipc = mockCommands({
    list_links: () => [link()],
    list_categories: () => CATEGORIES,
    list_tags: () => [],
    list_rules: () => list,
    order_rules: (i) => (list = (i!.ids as number[]).map((id) => list.find((r) => r.id === id)!)),
    save_rule: (i) => {
      const input = i as unknown as RuleInput;
      const saved = { ...input, id: input.id ?? 3, enabled: input.enabled ?? true } as RuleView;
      list = input.id === undefined ? [...list, saved] : list.map((r) => (r.id === input.id ? saved : r));
      return saved;
    },
    delete_rule: (i) => {
      list = list.filter((r) => r.id !== i!.id);
      return null;
    },
    ...extra,
  });
  const links = new LinksStore();
  await links.load();
  const r = render(RulesScreen, { links, categories: new CategoriesStore(), store: new RulesStore() });
  await flush();
  return { ipc, r };
}

const cards = () => screen.getAllByRole('listitem').filter((li) => li.classList.contains('rule'));

describe('RulesScreen', () => {
  it('lists rules in order, in words, with their switch; moves and toggles them', async () => {
    const { ipc } = await rulesScreen();
    expect(cards().map((c) => within(c).getByRole('heading').textContent)).toEqual(['Coffee', 'Big ones']);
    expect(cards()[0]!.textContent).toContain('Merchant is exactly “Starbucks”');
    expect(cards()[0]!.textContent).toContain('Set category to Coffee runs');
    expect(cards()[1]!.textContent).toContain('Amount at least 500.00');
    await fireEvent.click(screen.getByRole('button', { name: 'Move Big ones up' }));
    await flush();
    expect(ipc.callsTo('order_rules')).toEqual([{ ids: [2, 1] }]);
    expect(cards().map((c) => within(c).getByRole('heading').textContent)).toEqual(['Big ones', 'Coffee']);
    await fireEvent.click(within(cards()[0]!).getByRole('checkbox'));
    await flush();
    expect(ipc.callsTo('save_rule')).toEqual([
      { id: 2, name: 'Big ones', enabled: true, conditions: [{ field: 'amount', min: '500', max: null }], actions: [{ action: 'addTag', tag: 'big' }] },
    ]);
  });

  it('creates a rule through the form, naming problems first', async () => {
    const { ipc } = await rulesScreen();
    await fireEvent.click(screen.getByRole('button', { name: 'New rule' }));
    const dialog = screen.getByRole('dialog');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Save rule' }));
    expect(dialog.textContent).toContain('Type a name.');
    expect(dialog.textContent).toContain('Type a merchant.');
    expect(dialog.textContent).toContain('Choose a category.');
    expect(ipc.callsTo('save_rule')).toEqual([]);

    await fireEvent.input(within(dialog).getByLabelText('Rule name'), { target: { value: 'Blue Bottle' } });
    const op = within(dialog).getByLabelText('Condition 1 comparison') as HTMLSelectElement;
    op.value = 'startsWith';
    await fireEvent.change(op);
    await fireEvent.input(within(dialog).getByLabelText('Condition 1 text'), { target: { value: 'Blue' } });
    const cat = within(dialog).getByLabelText('Action 1 category') as HTMLSelectElement;
    cat.value = 'FOOD_AND_DRINK_COFFEE';
    await fireEvent.change(cat);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Add condition' }));
    const kind = within(dialog).getByLabelText('Condition 2') as HTMLSelectElement;
    kind.value = 'direction';
    await fireEvent.change(kind);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Save rule' }));
    await flush();
    expect(ipc.callsTo('save_rule')).toEqual([
      {
        name: 'Blue Bottle', enabled: true,
        conditions: [{ field: 'merchant', op: 'startsWith', value: 'Blue' }, { field: 'direction', direction: 'out' }],
        actions: [{ action: 'setCategory', category: 'FOOD_AND_DRINK_COFFEE' }],
      },
    ]);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(cards()).toHaveLength(3);
  });

  it('applies every rule to stored rows after a preview', async () => {
    const { ipc } = await rulesScreen({
      preview_rules: () => ({ revision: 'r7', checked: 50, changed: 0, examples: [] }),
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Apply to existing transactions…' }));
    await flush();
    expect(ipc.callsTo('preview_rules')).toEqual([{}]);
    expect(screen.getByRole('dialog').textContent).toContain('No existing transaction would change.');
  });

  it('deletes after asking', async () => {
    const { ipc } = await rulesScreen();
    await fireEvent.click(screen.getByRole('button', { name: 'Delete Coffee' }));
    await fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete rule' }));
    await flush();
    expect(ipc.callsTo('delete_rule')).toEqual([{ id: 1 }]);
    expect(cards()).toHaveLength(1);
  });

  it('imports a rules file, and says clearly why one cannot be', async () => {
    const { ipc } = await rulesScreen({
      import_rules: () => appError('INVALID_INPUT', 'rule 1 ("X"): unknown category "Snacks": use one of Plaid\'s codes (FOOD_AND_DRINK_COFFEE …) or create it first'),
    });
    const input = screen.getByLabelText('Rules file to import') as HTMLInputElement;
    const choose = async (text: string, name = 'rules.json') => {
      Object.defineProperty(input, 'files', { configurable: true, value: [new File([text], name, { type: 'application/json' })] });
      await fireEvent.change(input);
      await flush();
    };
    await choose('not json at all');
    expect(screen.getByRole('alert').textContent).toContain('rules.json could not be imported.');
    expect(screen.getByRole('alert').textContent).toContain('This file is not JSON');

    const doc = { cofferRules: 1, categories: [], rules: [{ name: 'X', enabled: true, conditions: [{ field: 'merchant', op: 'exact', value: 'X' }], actions: [{ action: 'setCategory', category: 'Snacks' }] }] };
    await choose(JSON.stringify(doc));
    const dialog = screen.getByRole('dialog');
    expect(dialog.textContent).toContain('1 rule');
    await fireEvent.click(within(dialog).getByLabelText(/Replace my 2 rules/));
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Import' }));
    await flush();
    expect(ipc.callsTo('import_rules')).toEqual([{ document: doc, replace: true }]);
    expect(within(dialog).getByRole('alert').textContent).toContain('unknown category "Snacks"');
  });
});

describe('parseRulesFile', () => {
  it('accepts a rules document and names what else is wrong', () => {
    expect(parseRulesFile('{"cofferRules":1,"rules":[]}')).toEqual({ ok: true, document: { cofferRules: 1, rules: [] } });
    expect(parseRulesFile('[]')).toMatchObject({ ok: false, problem: expect.stringContaining('not a Coffer rules file') });
    expect(parseRulesFile('{')).toMatchObject({ ok: false, problem: expect.stringContaining('not JSON') });
  });
});

describe('CategoriesScreen', () => {
  it("lists Plaid's by group with counts and the person's own; a delete in use is refused in words", async () => {
    let list = [...CATEGORIES];
    const ipc = mockCommands({
      list_categories: () => list,
      list_tags: () => [],
      create_category: (i) => {
        const c: CategoryView = { category: i!.name as string, label: i!.name as string, group: i!.name as string, source: 'own', transactions: 0 };
        list = [...list, c];
        return c;
      },
      delete_category: () => appError('INVALID_INPUT', '"Coffee runs" is in use (3 transaction(s), 0 split part(s), 1 rule(s)): change those first'),
    });
    render(CategoriesScreen, { categories: new CategoriesStore() });
    await flush();
    expect(screen.getByText('Food and drink').parentElement!.textContent).toContain('12 transactions');
    expect(screen.getByText('Coffee')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Delete Coffee runs' }));
    await flush();
    expect(ipc.callsTo('delete_category')).toEqual([{ name: 'Coffee runs' }]);
    expect(screen.getByRole('alert').textContent).toContain('"Coffee runs" is in use (3 transaction(s), 0 split part(s), 1 rule(s)): change those first.');
    await fireEvent.input(screen.getByLabelText('New category'), { target: { value: 'Gifts' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create' }));
    await flush();
    expect(ipc.callsTo('create_category')).toEqual([{ name: 'Gifts' }]);
    expect(screen.getByRole('button', { name: 'Delete Gifts' })).toBeTruthy();
  });
});
