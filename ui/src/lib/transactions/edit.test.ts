import { describe, expect, it } from 'vitest';
import { buildEdit, bulkEdit, draftOf, offersRule } from './edit';
import type { Personal } from '../backend/types';

function personal(over: Partial<Personal> = {}): Personal {
  return {
    category: null, categoryRule: null, name: null, nameRule: null, note: null, excluded: false, excludedRule: null,
    tags: [], split: [], transfer: null, ...over,
  };
}

describe('buildEdit: absent, null or a value', () => {
  it('sends nothing for an untouched row', () => {
    expect(buildEdit(['t1'], null, draftOf(null))).toBeNull();
    const p = personal({ category: 'FOOD_AND_DRINK_COFFEE', categoryRule: 7, note: 'x', tags: [{ tag: 'work', rule: null }] });
    expect(buildEdit(['t1'], p, draftOf(p))).toBeNull();
  });

  it('a value the person chose is sent as a value (set by hand)', () => {
    const d = { ...draftOf(null), category: 'Coffee runs', name: '  Morning coffee ', note: 'with Sam' };
    expect(buildEdit(['t1'], null, d)).toEqual({ transactionIds: ['t1'], category: 'Coffee runs', name: 'Morning coffee', note: 'with Sam' });
  });

  it('a field cleared is null (back to Plaid’s); the others stay absent', () => {
    const p = personal({ category: 'GENERAL_MERCHANDISE', name: 'Shop', note: 'old' });
    const input = buildEdit(['t1'], p, { ...draftOf(p), category: '', note: '   ' });
    expect(input).toEqual({ transactionIds: ['t1'], category: null, note: null });
    expect(input).not.toHaveProperty('name');
    expect(input).not.toHaveProperty('exclude');
    expect(input).not.toHaveProperty('addTags');
  });

  it('a value a rule set is not pinned as a hand edit unless changed', () => {
    const p = personal({ category: 'FOOD_AND_DRINK_COFFEE', categoryRule: 3, excluded: true, excludedRule: 3 });
    // Only the note changes: the rule's category and exclusion are not sent.
    expect(buildEdit(['t1'], p, { ...draftOf(p), note: 'n' })).toEqual({ transactionIds: ['t1'], note: 'n' });
    // Unticking a rule's exclusion sends false: kept in, whatever the rule says.
    expect(buildEdit(['t1'], p, { ...draftOf(p), excluded: false })).toEqual({ transactionIds: ['t1'], exclude: false });
  });

  it('tags are added and removed by difference', () => {
    const p = personal({ tags: [{ tag: 'work', rule: null }, { tag: 'trip', rule: null }] });
    expect(buildEdit(['t1'], p, { ...draftOf(p), tags: ['trip', 'taxes', ' taxes ', ''] })).toEqual({
      transactionIds: ['t1'], addTags: ['taxes'], removeTags: ['work'],
    });
  });

  it('offers a rule only for what a rule can repeat', () => {
    expect(offersRule({ transactionIds: ['t'], category: 'INCOME' })).toBe(true);
    expect(offersRule({ transactionIds: ['t'], name: 'X' })).toBe(true);
    expect(offersRule({ transactionIds: ['t'], addTags: ['a'] })).toBe(true);
    expect(offersRule({ transactionIds: ['t'], exclude: true })).toBe(true);
    expect(offersRule({ transactionIds: ['t'], note: 'n' })).toBe(false);
    expect(offersRule({ transactionIds: ['t'], category: null, removeTags: ['a'], exclude: false })).toBe(false);
  });
});

describe('bulkEdit', () => {
  it('sends only the one field, for every selected row', () => {
    expect(bulkEdit(['a', 'b'], { kind: 'category', category: 'TRAVEL' })).toEqual({ transactionIds: ['a', 'b'], category: 'TRAVEL' });
    expect(bulkEdit(['a'], { kind: 'category', category: null })).toEqual({ transactionIds: ['a'], category: null });
    expect(bulkEdit(['a'], { kind: 'addTag', tag: ' trip ' })).toEqual({ transactionIds: ['a'], addTags: ['trip'] });
    expect(bulkEdit(['a', 'b', 'c'], { kind: 'exclude', exclude: false })).toEqual({ transactionIds: ['a', 'b', 'c'], exclude: false });
  });
});
