/**
 * The Transactions screen with the person's edits: the list's look, the detail panel (click,
 * Enter, Escape; save; "Always do this?" through to applying the rule with progress), the
 * split editor, and the bulk bar.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import TransactionsScreen from './TransactionsScreen.svelte';
import { TransactionsStore } from './transactions.svelte';
import { CategoriesStore } from '../categories/categories.svelte';
import { LinksStore } from '../links/links.svelte';
import { appError, emitEvent, flush, link, mockCommands, type Handler } from '../testing/ipc';
import type { CategoryView, EditTransactionsInput, Personal, TransactionView } from '../backend/types';

// jsdom has no layout: give the list's viewport a height, so it renders more than one row.
beforeAll(() => Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 }));
afterAll(() => Reflect.deleteProperty(HTMLElement.prototype, 'clientHeight'));

const CATEGORIES: CategoryView[] = [
  { category: 'FOOD_AND_DRINK', label: 'Food and drink', group: 'FOOD_AND_DRINK', source: 'plaid', transactions: 3 },
  { category: 'FOOD_AND_DRINK_COFFEE', label: 'Coffee', group: 'FOOD_AND_DRINK', source: 'plaid', transactions: 0 },
  { category: 'TRAVEL', label: 'Travel', group: 'TRAVEL', source: 'plaid', transactions: 1 },
  { category: 'Coffee runs', label: 'Coffee runs', group: 'Coffee runs', source: 'own', transactions: 0 },
];

function personal(over: Partial<Personal>): Personal {
  return { category: null, categoryRule: null, name: null, nameRule: null, note: null, excluded: false, excludedRule: null, tags: [], split: [], transfer: null, ...over };
}

function row(id: string, over: Partial<TransactionView> = {}): TransactionView {
  return {
    transactionId: id, accountId: 'acc-1', linkId: 1, date: '2024-03-01', authorizedDate: null, amount: '4.33', isoCurrencyCode: 'USD',
    unofficialCurrencyCode: null, name: 'STARBUCKS 1234', merchantName: 'Starbucks', pending: false, category: 'FOOD_AND_DRINK',
    paymentChannel: 'in store', categoryDetailed: 'FOOD_AND_DRINK_COFFEE', personal: null, ...over,
  };
}

/** A backend holding `rows`: edits change them as the core would (only what is sent). */
function backend(rows: TransactionView[], extra: Record<string, Handler> = {}) {
  const byId = new Map(rows.map((r) => [r.transactionId, r]));
  const edit = (i: EditTransactionsInput) =>
    i.transactionIds.map((id) => {
      const r = byId.get(id)!;
      const p = r.personal ?? personal({});
      const next: Personal = { ...p };
      if (i.category !== undefined) next.category = i.category;
      if (i.name !== undefined) next.name = i.name;
      if (i.note !== undefined) next.note = i.note;
      if (i.exclude !== undefined) next.excluded = i.exclude === true;
      next.tags = [...p.tags.filter((t) => !i.removeTags?.includes(t.tag)), ...(i.addTags ?? []).map((tag) => ({ tag, rule: null }))];
      const updated = { ...r, personal: next };
      byId.set(id, updated);
      return updated;
    });
  const ipc = mockCommands({
    list_links: () => [link()],
    list_transactions: () => ({ total: byId.size, rows: [...byId.values()] }),
    list_categories: () => CATEGORIES,
    list_tags: () => [{ tag: 'work', transactions: 1 }],
    get_transaction: (i) => byId.get(i!.transactionId as string),
    edit_transactions: (i) => edit(i as unknown as EditTransactionsInput),
    ...extra,
  });
  return { ipc, byId };
}

async function open(rows: TransactionView[], extra: Record<string, Handler> = {}) {
  const b = backend(rows, extra);
  const links = new LinksStore();
  await links.load();
  const store = new TransactionsStore();
  const r = render(TransactionsScreen, { links, store, categories: new CategoriesStore() });
  await flush(10);
  return { ...b, r, store };
}

const panel = () => screen.getByRole('complementary');
const field = (root: HTMLElement, label: string) => within(root).getByLabelText(label) as HTMLInputElement | HTMLSelectElement;

describe('the list shows the person’s words', () => {
  it('their name and category label, tags, transfer, split and exclusion', async () => {
    const { r } = await open([
      row('a', { personal: personal({ name: 'Morning coffee', category: 'Coffee runs', tags: [{ tag: 'work', rule: null }] }) }),
      row('b', { name: 'TRANSFER TO SAVINGS', merchantName: null, category: 'TRANSFER_OUT', categoryDetailed: null, personal: personal({ transfer: { direction: 'out', otherTransactionId: 'c', otherAccountId: 'acc-2', byHand: false } }) }),
      row('c', { personal: personal({ excluded: true, split: [{ amount: '2', category: null, note: null }, { amount: '2.33', category: null, note: null }] }) }),
    ]);
    const rows = screen.getAllByRole('row');
    expect(rows[0]!.textContent).toContain('Morning coffee');
    expect(rows[0]!.textContent).toContain('Starbucks'); // Plaid's, beside it
    expect(within(rows[0]!).getByText('Coffee runs')).toBeTruthy();
    expect(within(rows[0]!).getByText('#work')).toBeTruthy();
    expect(within(rows[1]!).getByText('Transfer')).toBeTruthy();
    expect(within(rows[2]!).getByText('Excluded')).toBeTruthy();
    expect(within(rows[2]!).getByText('Split in 2')).toBeTruthy();
    expect(rows[2]!.classList.contains('excluded')).toBe(true);
    // Plaid's category in people's words (the category list's label).
    expect(within(rows[2]!).getByText('Food and drink')).toBeTruthy();
    r.unmount();
  });
});

describe('the detail panel', () => {
  it('opens by click with Plaid’s values beside the person’s; Save sends only what changed', async () => {
    const { ipc, r } = await open([row('a', { personal: personal({ note: 'old', tags: [{ tag: 'work', rule: null }] }) })]);
    await fireEvent.click(screen.getAllByRole('row')[0]!);
    await flush();
    expect(ipc.callsTo('get_transaction')).toEqual([{ transactionId: 'a' }]);
    const p = panel();
    expect(within(p).getByText('STARBUCKS 1234')).toBeTruthy();
    expect(within(p).getByText('Coffee', { selector: 'dd' })).toBeTruthy(); // Plaid's detailed category, labelled
    const save = within(p).getByRole('button', { name: 'Save' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);

    const category = field(p, 'Category') as HTMLSelectElement;
    category.value = 'Coffee runs';
    await fireEvent.change(category);
    await fireEvent.input(field(p, 'Note'), { target: { value: '  with Sam ' } });
    await fireEvent.click(within(p).getByRole('button', { name: 'Remove tag work' }));
    await fireEvent.input(field(p, 'New tag'), { target: { value: 'treats' } });
    await fireEvent.click(within(p).getByRole('button', { name: 'Add tag' }));
    await fireEvent.click(within(p).getByLabelText(/Leave out of spending/));
    await fireEvent.click(save);
    await flush();
    expect(ipc.callsTo('edit_transactions')).toEqual([
      { transactionIds: ['a'], category: 'Coffee runs', note: 'with Sam', exclude: true, addTags: ['treats'], removeTags: ['work'] },
    ]);
    expect(within(p).getByText('Saved')).toBeTruthy();
    // The list shows it (reloaded).
    expect(within(screen.getAllByRole('row')[0]!).getByText('Coffee runs')).toBeTruthy();
    r.unmount();
  });

  it('opens by Enter on the focused list and closes with Escape, focus back on the list', async () => {
    const { r } = await open([row('a'), row('b', { merchantName: 'Blue Bottle', name: 'BLUE BOTTLE' })]);
    const grid = screen.getByRole('grid');
    grid.focus();
    await fireEvent.keyDown(grid, { key: 'ArrowDown' });
    await fireEvent.keyDown(grid, { key: 'Enter' });
    await flush();
    expect(within(panel()).getByRole('heading', { level: 2 }).textContent).toBe('Blue Bottle');
    await fireEvent.keyDown(field(panel(), 'Note'), { key: 'Escape' });
    await flush();
    expect(screen.queryByRole('complementary')).toBeNull();
    expect(document.activeElement).toBe(grid);
    r.unmount();
  });

  it('after a hand edit: "Always do this for Starbucks?", a rule, its preview, and apply with progress', async () => {
    let releaseApply: (() => void) | null = null;
    const rule = { name: 'Starbucks', conditions: [{ field: 'merchant', op: 'exact', value: 'Starbucks' }], actions: [{ action: 'setCategory', category: 'Coffee runs' }] };
    const { ipc, r } = await open([row('a'), row('b')], {
      suggest_rule: () => rule,
      save_rule: (i) => ({ id: 9, enabled: true, ...i }),
      preview_rules: () => ({
        revision: 'rev-1', checked: 120, changed: 7,
        examples: [{ transactionId: 'b', date: '2024-02-01', name: 'STARBUCKS 99', amount: '5.10', changes: ['category: Food and drink → Coffee runs'] }],
      }),
      apply_rules: () => new Promise((resolve) => (releaseApply = () => resolve({ checked: 120, changed: 7 }))),
    });
    await fireEvent.click(screen.getAllByRole('row')[0]!);
    await flush();
    const category = field(panel(), 'Category') as HTMLSelectElement;
    category.value = 'Coffee runs';
    await fireEvent.change(category);
    await fireEvent.click(within(panel()).getByRole('button', { name: 'Save' }));
    await flush();
    expect(within(panel()).getByText(/Always do this for/).textContent).toContain('Starbucks');
    await fireEvent.click(within(panel()).getByRole('button', { name: 'Make a rule…' }));
    await flush();
    expect(ipc.callsTo('suggest_rule')).toEqual([{ transactionId: 'a' }]);
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByText('Merchant is exactly “Starbucks”')).toBeTruthy();
    expect(within(dialog).getByText('Set category to Coffee runs')).toBeTruthy();
    await fireEvent.input(within(dialog).getByLabelText('Rule name'), { target: { value: 'Coffee at Starbucks' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Save rule' }));
    await flush();
    expect(ipc.callsTo('save_rule')).toEqual([{ ...rule, name: 'Coffee at Starbucks' }]);
    expect(ipc.callsTo('preview_rules')).toEqual([{ ruleId: 9 }]);
    expect(dialog.textContent).toContain('7 transactions would change');
    expect(dialog.textContent).toContain('category: Food and drink → Coffee runs');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Apply to 7 transactions' }));
    await flush();
    expect(ipc.callsTo('apply_rules')).toEqual([{ ruleId: 9, revision: 'rev-1' }]);
    await emitEvent('rules:progress', { done: 60, total: 120 });
    await flush();
    expect(within(dialog).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('50');
    releaseApply!();
    await flush();
    expect(dialog.textContent).toContain('Changed 7 transactions.');
    r.unmount();
  });
});

describe('the split editor', () => {
  it('counts down exactly, sends Plaid’s sign, and shows the core’s refusal', async () => {
    let refuse = true;
    const { ipc, byId, r } = await open([row('a', { amount: '-40.00', name: 'REFUND', merchantName: null })], {
      split_transaction: (i) => {
        if (refuse) return appError('INVALID_INPUT', 'the parts add up to -30.00, not -40.00: 10.00 is still to assign');
        const updated = { ...byId.get('a')!, personal: personal({ split: (i!.parts as { amount: string }[]).map((p) => ({ amount: p.amount, category: null, note: null })) }) };
        byId.set('a', updated);
        return updated;
      },
    });
    await fireEvent.click(screen.getAllByRole('row')[0]!);
    await flush();
    await fireEvent.click(within(panel()).getByRole('button', { name: 'Split…' }));
    const editor = within(panel()).getByRole('form', { name: 'Split editor' });
    expect(editor.textContent).toContain('Left to assign: $40.00');
    await fireEvent.input(field(editor, 'Part 1 amount'), { target: { value: '10.10' } });
    await fireEvent.input(field(editor, 'Part 2 amount'), { target: { value: '19.90' } });
    expect(editor.textContent).toContain('Left to assign: $10.00');
    await fireEvent.click(within(editor).getByRole('button', { name: 'Save split' }));
    await flush();
    expect(ipc.callsTo('split_transaction')).toEqual([{ transactionId: 'a', parts: [{ amount: '-10.10' }, { amount: '-19.90' }] }]);
    expect(within(editor).getByRole('alert').textContent).toContain('The parts add up to -30.00, not -40.00: 10.00 is still to assign.');

    refuse = false;
    await fireEvent.input(field(editor, 'Part 2 amount'), { target: { value: '29.9' } });
    expect(editor.textContent).toContain('Everything is assigned.');
    await fireEvent.click(within(editor).getByRole('button', { name: 'Save split' }));
    await flush();
    expect(ipc.callsTo('split_transaction').at(-1)).toEqual({ transactionId: 'a', parts: [{ amount: '-10.10' }, { amount: '-29.9' }] });
    expect(within(panel()).getByRole('button', { name: 'Undo split' })).toBeTruthy();
    await fireEvent.click(within(panel()).getByRole('button', { name: 'Undo split' }));
    await flush();
    expect(ipc.callsTo('split_transaction').at(-1)).toEqual({ transactionId: 'a', parts: [] });
    r.unmount();
  });
});

describe('transfers', () => {
  it('the panel names the other side and unpairs', async () => {
    const { ipc, r } = await open([row('a', { personal: personal({ transfer: { direction: 'out', otherTransactionId: 'z', otherAccountId: 'acc-1', byHand: true } }) })], {
      unpair_transfer: () => [row('a', { personal: null }), row('z', { personal: null })],
    });
    await fireEvent.click(screen.getAllByRole('row')[0]!);
    await flush();
    expect(within(panel()).getByRole('heading', { name: 'Transfer to Plaid Checking ••0000' })).toBeTruthy();
    expect(within(panel()).getByText(/Paired by you/)).toBeTruthy();
    await fireEvent.click(within(panel()).getByRole('button', { name: 'Unpair' }));
    await flush();
    expect(ipc.callsTo('unpair_transfer')).toEqual([{ transactionId: 'a' }]);
    expect(within(panel()).queryByRole('button', { name: 'Unpair' })).toBeNull();
    r.unmount();
  });
});

describe('multi-select and the bulk bar', () => {
  it('checkboxes, shift-click ranges and select-all feed one edit; pairing needs exactly two', async () => {
    const { ipc, r } = await open([row('a'), row('b'), row('c'), row('d')], { pair_transfer: (i) => [row('a'), row('b')].map((x) => ({ ...x, transactionId: (i!.transactionIds as string[])[0]! })) });
    const box = (i: number) => within(screen.getAllByRole('row')[i]!).getByRole('checkbox');
    await fireEvent.click(box(0));
    await fireEvent.click(box(2), { shiftKey: true });
    const bar = screen.getByRole('region', { name: 'Selected transactions' });
    expect(bar.textContent).toContain('3 selected');
    // Clicking a box does not open the panel.
    expect(screen.queryByRole('complementary')).toBeNull();
    const pick = within(bar).getByLabelText('Category for the selected rows') as HTMLSelectElement;
    pick.value = 'TRAVEL';
    await fireEvent.change(pick);
    await fireEvent.click(within(bar).getByRole('button', { name: 'Set category' }));
    await flush();
    expect(ipc.callsTo('edit_transactions')).toEqual([{ transactionIds: ['a', 'b', 'c'], category: 'TRAVEL' }]);
    expect(screen.getByText('Category set on 3 transactions.')).toBeTruthy();

    await fireEvent.input(within(bar).getByLabelText('Tag for the selected rows'), { target: { value: 'trip' } });
    await fireEvent.click(within(bar).getByRole('button', { name: 'Add tag' }));
    await flush();
    await fireEvent.click(within(bar).getByRole('button', { name: 'Exclude' }));
    await flush();
    expect(ipc.callsTo('edit_transactions').slice(1)).toEqual([
      { transactionIds: ['a', 'b', 'c'], addTags: ['trip'] },
      { transactionIds: ['a', 'b', 'c'], exclude: true },
    ]);
    expect((within(bar).getByRole('button', { name: 'Pair as transfer' }) as HTMLButtonElement).disabled).toBe(true);

    // Select all shown, then none; then two rows to pair.
    const all = screen.getByLabelText('Select the rows shown');
    await fireEvent.click(all);
    expect(bar.textContent).toContain('4 selected');
    await fireEvent.click(all);
    expect(screen.queryByRole('region', { name: 'Selected transactions' })).toBeNull();
    await fireEvent.click(box(1));
    await fireEvent.click(box(3));
    await fireEvent.click(screen.getByRole('button', { name: 'Pair as transfer' }));
    await flush();
    expect(ipc.callsTo('pair_transfer')).toEqual([{ transactionIds: ['b', 'd'] }]);
    expect(screen.getByText('Paired as a transfer.')).toBeTruthy();
    r.unmount();
  });
});

describe('filters', () => {
  it('category, tag and transfers go to list_transactions; the search says it finds notes', async () => {
    const { ipc, r } = await open([row('a')]);
    expect((screen.getByRole('searchbox') as HTMLInputElement).placeholder).toMatch(/note/);
    const category = screen.getByLabelText('Category') as HTMLSelectElement;
    expect([...category.options].map((o) => o.textContent)).toEqual(['All categories', 'Coffee runs', 'Food and drink', 'Travel']);
    category.value = 'Coffee runs';
    await fireEvent.change(category);
    const tag = screen.getByLabelText('Tag') as HTMLSelectElement;
    tag.value = 'work';
    await fireEvent.change(tag);
    const transfers = screen.getByLabelText('Transfers') as HTMLSelectElement;
    transfers.value = 'hide';
    await fireEvent.change(transfers);
    await flush();
    expect(ipc.callsTo('list_transactions').at(-1)).toEqual({ category: 'Coffee runs', tag: 'work', transfers: false, limit: 100, offset: 0 });
    transfers.value = 'only';
    await fireEvent.change(transfers);
    await flush();
    expect(ipc.callsTo('list_transactions').at(-1)).toMatchObject({ transfers: true });
    await fireEvent.click(screen.getAllByRole('button', { name: 'Clear filters' })[0]!);
    await flush();
    expect(ipc.callsTo('list_transactions').at(-1)).toEqual({ limit: 100, offset: 0 });
    r.unmount();
  });
});
