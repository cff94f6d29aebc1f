/**
 * The Transactions screen's state: the filter (search applies from the third character,
 * throttled; accounts, dates, category, tag and transfers narrow it too), a paged cache of
 * rows around the visible window (only what is on screen is fetched through
 * `list_transactions {limit, offset}`), and export.
 */
import * as cmd from '../backend/commands';
import type { ExportFormat, TransactionFilter, TransactionView } from '../backend/types';
import { describeError, type ErrorDisplay } from '../ui/errors';

export const PAGE_SIZE = 100;
export const SEARCH_MIN_CHARS = 3;
/**
 * Searches are sent at most this often. Leading edge: a keystroke after a pause searches at
 * once (what is typed shows up in the time of one command), a burst of typing is grouped.
 */
export const SEARCH_THROTTLE_MS = 60;
/** Rows fetched beyond the visible ones, each side. */
export const OVERSCAN = 40;
/** Pages kept around the window; farther ones are dropped. */
export const MAX_CACHED_PAGES = 16;
/** Scroll-driven fetches are grouped this often at most. */
export const FETCH_THROTTLE_MS = 40;

/** The search actually sent: trimmed, and only from the third character. */
export function effectiveSearch(text: string): string | undefined {
  const t = text.trim();
  return [...t].length >= SEARCH_MIN_CHARS ? t : undefined;
}

/** Which rows the transfers filter keeps. */
export type TransferFilter = 'all' | 'only' | 'hide';

export type ExportState =
  | { kind: 'idle' }
  | { kind: 'running'; format: ExportFormat; expected: number | null }
  | { kind: 'done'; rows: number; path: string }
  | { kind: 'failed'; error: ErrorDisplay };

export class TransactionsStore {
  /** What is typed in the search box. */
  searchText = $state('');
  /** The search in effect (after the throttle and the 3-character rule). */
  appliedSearch = $state<string | undefined>(undefined);
  /** Selected accounts; empty = all. */
  accountIds = $state<string[]>([]);
  from = $state('');
  to = $state('');
  /** Why the typed dates were not applied, if they were not. */
  dateProblem = $state<string | null>(null);
  /** A category group ('' = all): the person's category, else Plaid's primary. */
  category = $state('');
  /** A tag ('' = all). */
  tag = $state('');
  transfers = $state<TransferFilter>('all');

  /** Matching rows in all; null until the first answer. */
  total = $state<number | null>(null);
  /** Cached pages (replaced, never mutated, so readers re-render). */
  pages = $state.raw<ReadonlyMap<number, TransactionView[]>>(new Map());
  error = $state<ErrorDisplay | null>(null);
  /** Bumped when the filter changes: the list scrolls back to the top. */
  resetToken = $state(0);
  exportState = $state<ExportState>({ kind: 'idle' });

  #generation = 0;
  /** Pages of the previous filter are still shown until the new filter's first page arrives. */
  #stale = $state(false);
  #unlisten: (() => void)[] = [];
  #inflight = new Set<number>();
  #window = { first: 0, count: 30 };
  #searchTimer: ReturnType<typeof setTimeout> | undefined;
  #fetchTimer: ReturnType<typeof setTimeout> | undefined;
  #lastFetch = 0;
  #lastSearch = 0;

  /** The filter sent to Rust (list and export alike). */
  get filter(): TransactionFilter {
    const f: TransactionFilter = {};
    if (this.accountIds.length) f.accountIds = [...this.accountIds];
    if (this.from) f.from = this.from;
    if (this.to) f.to = this.to;
    if (this.appliedSearch) f.search = this.appliedSearch;
    if (this.category) f.category = this.category;
    if (this.tag) f.tag = this.tag;
    if (this.transfers !== 'all') f.transfers = this.transfers === 'only';
    return f;
  }

  /** Whether rows are on their way for the current filter. */
  get loading(): boolean {
    return this.total === null || this.#stale;
  }

  /** The row at `index`, or undefined while its page loads. */
  rowAt(index: number): TransactionView | undefined {
    return this.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  setSearch(text: string): void {
    this.searchText = text;
    // A trailing search is due: it takes whatever is typed by then.
    if (this.#searchTimer !== undefined) return;
    const wait = SEARCH_THROTTLE_MS - (Date.now() - this.#lastSearch);
    if (wait <= 0) {
      this.flushSearch();
      return;
    }
    this.#searchTimer = setTimeout(() => this.flushSearch(), wait);
  }

  /** Applies the typed search now (Enter, or before an export). */
  flushSearch(): void {
    clearTimeout(this.#searchTimer);
    this.#searchTimer = undefined;
    const s = effectiveSearch(this.searchText);
    if (s !== this.appliedSearch) {
      // Only what is sent counts: the first two characters do not hold back the third.
      this.#lastSearch = Date.now();
      this.appliedSearch = s;
      this.#restart(true);
    }
  }

  setAccounts(ids: string[]): void {
    this.accountIds = ids;
    this.#restart(true);
  }

  setCategory(category: string): void {
    this.category = category;
    this.#restart(true);
  }

  setTag(tag: string): void {
    this.tag = tag;
    this.#restart(true);
  }

  setTransfers(transfers: TransferFilter): void {
    this.transfers = transfers;
    this.#restart(true);
  }

  /** Whether any filter narrows the list. */
  get filtered(): boolean {
    return !!(this.appliedSearch || this.accountIds.length || this.from || this.to || this.category || this.tag || this.transfers !== 'all');
  }

  /**
   * Sets the date range. Where a date input degrades to a text field (older WebKitGTK), a
   * value that is not `YYYY-MM-DD` is not sent: `dateProblem` says why.
   */
  setDates(from: string, to: string): void {
    const ok = (d: string) => d === '' || (/^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)));
    if (!ok(from.trim()) || !ok(to.trim())) {
      this.dateProblem = 'Dates are written YYYY-MM-DD.';
      return;
    }
    if (from && to && from.trim() > to.trim()) {
      this.dateProblem = 'The start date is after the end date.';
      return;
    }
    this.dateProblem = null;
    this.from = from.trim();
    this.to = to.trim();
    this.#restart(true);
  }

  clearFilters(): void {
    clearTimeout(this.#searchTimer);
    this.#searchTimer = undefined;
    this.searchText = '';
    this.appliedSearch = undefined;
    this.accountIds = [];
    this.from = '';
    this.to = '';
    this.dateProblem = null;
    this.category = '';
    this.tag = '';
    this.transfers = 'all';
    this.#restart(true);
  }

  /** Refetches the visible rows with the same filter (after a sync or an edit), keeping the scroll. */
  reload(): void {
    this.#restart(false);
  }

  /**
   * Where the list is; fetches what is missing around it. Throttled with a leading edge: a
   * single jump fetches at once, a drag through the scrollbar at most every 40 ms.
   */
  setWindow(first: number, count: number): void {
    this.#window = { first, count };
    if (this.#fetchTimer !== undefined) return;
    const wait = FETCH_THROTTLE_MS - (Date.now() - this.#lastFetch);
    if (wait <= 0) {
      this.#lastFetch = Date.now();
      this.#fetchWindow();
      return;
    }
    this.#fetchTimer = setTimeout(() => {
      this.#fetchTimer = undefined;
      this.#lastFetch = Date.now();
      this.#fetchWindow();
    }, wait);
  }

  /** First load; refetches when a sync changes data or links change. */
  async start(): Promise<void> {
    this.#restart(false);
    const subs = await Promise.all([
      cmd.onBackendEvent('sync:finished', (r) => {
        if (r.added + r.modified + r.removed > 0) this.reload();
      }),
      cmd.onBackendEvent('links:changed', () => this.reload()),
    ]);
    this.#unlisten.push(...subs);
  }

  dispose(): void {
    for (const u of this.#unlisten.splice(0)) u();
    clearTimeout(this.#searchTimer);
    clearTimeout(this.#fetchTimer);
    this.#generation++;
  }

  #restart(toTop: boolean) {
    this.#generation++;
    this.#inflight.clear();
    this.#stale = this.pages.size > 0;
    if (toTop) {
      this.resetToken++;
      this.#window = { first: 0, count: this.#window.count };
    }
    clearTimeout(this.#fetchTimer);
    this.#fetchTimer = undefined;
    this.#fetchWindow();
  }

  #neededPages(): number[] {
    const { first, count } = this.#window;
    const lo = Math.max(0, first - OVERSCAN);
    let hi = first + count + OVERSCAN;
    if (this.total !== null && !this.#stale) hi = Math.min(hi, this.total - 1);
    if (hi < lo) return [Math.floor(lo / PAGE_SIZE)];
    const out: number[] = [];
    for (let p = Math.floor(lo / PAGE_SIZE); p <= Math.floor(hi / PAGE_SIZE); p++) out.push(p);
    return out;
  }

  #fetchWindow() {
    const gen = this.#generation;
    for (const p of this.#neededPages()) {
      if ((!this.#stale && this.pages.has(p)) || this.#inflight.has(p)) continue;
      this.#inflight.add(p);
      void this.#fetchPage(p, gen);
    }
  }

  async #fetchPage(page: number, gen: number) {
    try {
      const res = await cmd.listTransactions({ ...this.filter, limit: PAGE_SIZE, offset: page * PAGE_SIZE });
      if (gen !== this.#generation) return;
      const next = new Map(this.#stale ? [] : this.pages);
      this.#stale = false;
      next.set(page, res.rows);
      this.pages = this.#evict(next);
      this.total = res.total;
      this.error = null;
    } catch (e) {
      if (gen !== this.#generation) return;
      this.error = describeError(e);
      if (this.#stale) {
        this.#stale = false;
        this.pages = new Map();
        this.total = 0;
      }
    } finally {
      if (gen === this.#generation) this.#inflight.delete(page);
    }
  }

  #evict(pages: Map<number, TransactionView[]>): Map<number, TransactionView[]> {
    if (pages.size <= MAX_CACHED_PAGES) return pages;
    const center = Math.floor((this.#window.first + this.#window.count / 2) / PAGE_SIZE);
    const keep = [...pages.keys()].sort((a, b) => Math.abs(a - center) - Math.abs(b - center)).slice(0, MAX_CACHED_PAGES);
    return new Map(keep.map((k) => [k, pages.get(k)!]));
  }

  /**
   * Exports the rows matching the current filter; Rust asks where to save (the system's save
   * dialog) and writes the file. A cancelled dialog changes nothing.
   */
  async exportAs(format: ExportFormat): Promise<void> {
    if (this.exportState.kind === 'running') return;
    this.flushSearch();
    this.exportState = { kind: 'running', format, expected: this.#stale ? null : this.total };
    try {
      const out = await cmd.exportTransactions({ format, filter: this.filter });
      this.exportState = out ? { kind: 'done', rows: out.rows, path: out.path } : { kind: 'idle' };
    } catch (e) {
      this.exportState = { kind: 'failed', error: describeError(e) };
    }
  }

  dismissExport(): void {
    if (this.exportState.kind !== 'running') this.exportState = { kind: 'idle' };
  }
}
