import { describe, expect, it } from 'vitest';
import { RowSelection } from './selection.svelte';

// Rows 0..9 loaded, except 5 (its page is on its way).
const idAt = (i: number) => (i >= 0 && i < 10 && i !== 5 ? `t${i}` : undefined);

describe('RowSelection', () => {
  it('a click toggles one row', () => {
    const s = new RowSelection();
    s.click(2, idAt);
    s.click(4, idAt);
    expect(s.list).toEqual(['t2', 't4']);
    s.click(2, idAt);
    expect(s.list).toEqual(['t4']);
    // A row still loading cannot be picked.
    s.click(5, idAt);
    expect(s.size).toBe(1);
  });

  it('a shift-click gives the range the clicked row’s new state, both ways', () => {
    const s = new RowSelection();
    s.click(1, idAt);
    s.click(7, idAt, true);
    // 5 is not loaded: skipped.
    expect([...s.ids].sort()).toEqual(['t1', 't2', 't3', 't4', 't6', 't7']);
    // Upwards from the last click, clearing: 7 is selected, so the range is cleared.
    s.click(3, idAt, true);
    expect([...s.ids].sort()).toEqual(['t1', 't2']);
    // Shift without an earlier click is a plain click.
    const fresh = new RowSelection();
    fresh.click(8, idAt, true);
    expect(fresh.list).toEqual(['t8']);
  });

  it('the header box selects the rows shown, then clears them', () => {
    const s = new RowSelection();
    const shown = ['t0', 't1', 't2'];
    s.click(9, idAt);
    expect(s.stateOf(shown)).toBe('none');
    s.click(1, idAt);
    expect(s.stateOf(shown)).toBe('some');
    s.toggleAll(shown);
    expect(s.stateOf(shown)).toBe('all');
    expect(s.size).toBe(4);
    s.toggleAll(shown);
    expect(s.list).toEqual(['t9']);
    s.clear();
    expect(s.size).toBe(0);
  });
});
