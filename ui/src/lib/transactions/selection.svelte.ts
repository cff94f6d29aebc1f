/**
 * Rows picked for a bulk change, by transaction id (the list is virtual: rows come and go as
 * it scrolls, ids stay). A click toggles one row; a shift-click gives every row from the last
 * clicked one to this one the state the clicked row takes; the header box selects or clears
 * the rows on screen. Rows whose page is not loaded are skipped by a range.
 */

/** A row id by list index, or undefined while its page loads. */
export type IdAt = (index: number) => string | undefined;

export class RowSelection {
  ids = $state.raw<ReadonlySet<string>>(new Set());
  #anchor: number | null = null;

  get size(): number {
    return this.ids.size;
  }

  /** The selected ids, in the order they were added. */
  get list(): string[] {
    return [...this.ids];
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** A click on row `index`'s box; `shift` extends from the previous click. */
  click(index: number, idAt: IdAt, shift = false): void {
    const id = idAt(index);
    if (id === undefined) return;
    const on = !this.ids.has(id);
    const next = new Set(this.ids);
    if (shift && this.#anchor !== null) {
      const [lo, hi] = this.#anchor < index ? [this.#anchor, index] : [index, this.#anchor];
      for (let i = lo; i <= hi; i++) {
        const x = idAt(i);
        if (x === undefined) continue;
        if (on) next.add(x);
        else next.delete(x);
      }
    } else if (on) next.add(id);
    else next.delete(id);
    this.#anchor = index;
    this.ids = next;
  }

  /** Selects (or clears) these rows, leaving the others as they are. */
  setMany(ids: readonly string[], on: boolean): void {
    const next = new Set(this.ids);
    for (const id of ids) {
      if (on) next.add(id);
      else next.delete(id);
    }
    this.ids = next;
  }

  /** The header box's state for the rows on screen. */
  stateOf(ids: readonly string[]): 'all' | 'some' | 'none' {
    const n = ids.filter((id) => this.ids.has(id)).length;
    return n === 0 ? 'none' : n === ids.length ? 'all' : 'some';
  }

  /** The header box: all of these rows, or none of them once they all are. */
  toggleAll(ids: readonly string[]): void {
    this.setMany(ids, this.stateOf(ids) !== 'all');
  }

  clear(): void {
    this.ids = new Set();
    this.#anchor = null;
  }
}
