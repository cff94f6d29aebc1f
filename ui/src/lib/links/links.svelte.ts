/**
 * The linked banks: list, health, sync progress (from backend events) and the actions of
 * the Linked Accounts screen. Components render this and call its methods.
 */
import * as cmd from '../backend/commands';
import type { LinkView, SyncReport } from '../backend/types';
import { describeError, type ErrorDisplay } from '../ui/errors';
import { linkHealth, type Health } from './health';
import { currencyOf, netWorthContribution } from '../format/format';

export interface SyncState {
  pages: number;
  rows: number;
}

export interface LinkNotice {
  kind: 'error' | 'info';
  text: string;
  requestId: string | null;
}

export type LinkAction = 'sync' | 'rename' | 'remove' | 'balances' | 'reconnect';

/**
 * After a sync answers NOT_READY (the bank's first pull is still running; Plaid would send a
 * webhook, which a desktop app cannot receive), the link is synced again after these delays;
 * then the app's periodic check takes over.
 */
export const NOT_READY_RETRY_MS = [3_000, 10_000, 30_000, 60_000, 120_000, 300_000];

const seconds = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)} seconds` : `${Math.round(ms / 60_000)} minute${ms < 120_000 ? '' : 's'}`);

export class LinksStore {
  links = $state<LinkView[]>([]);
  /** True once the first list has arrived (before that the screen shows a placeholder). */
  loaded = $state(false);
  loadError = $state<ErrorDisplay | null>(null);
  /** Links with a sync running, with its progress. */
  syncing = $state<Record<number, SyncState>>({});
  /** The action running on a link (its buttons are disabled meanwhile). */
  busy = $state<Record<number, LinkAction>>({});
  /** The last thing to tell about a link (an error, or a note such as "no new data"). */
  notices = $state<Record<number, LinkNotice>>({});

  #unlisten: (() => void)[] = [];
  /** NOT_READY retries: attempts made and the pending timer, per link. */
  #retries = new Map<number, { attempt: number; timer: ReturnType<typeof setTimeout> | null }>();
  #loading: Promise<void> | null = null;
  #reloadAgain = false;
  #disposed = false;
  #subscribed: Promise<void> = Promise.resolve();

  /**
   * Loads the list and follows backend events until {@link dispose}. Resolves with the first
   * list (the app's first paint waits for it, not for the subscriptions); once subscribed,
   * the list is read once more, so a change made between the first read and the
   * subscriptions is not missed.
   */
  async start(): Promise<void> {
    const subscribed = Promise.all([
      cmd.onBackendEvent('sync:started', (p) => this.#syncStarted(p.linkId)),
      cmd.onBackendEvent('sync:progress', (p) => {
        this.syncing[p.linkId] = { pages: p.pages, rows: p.rows };
      }),
      cmd.onBackendEvent('sync:finished', (r) => this.#syncFinished(r)),
      cmd.onBackendEvent('links:changed', () => void this.load()),
    ]).then((subs) => {
      if (this.#disposed) for (const u of subs) u();
      else this.#unlisten.push(...subs);
    });
    const first = this.load();
    this.#subscribed = Promise.all([first, subscribed]).then(() => (this.#disposed ? undefined : this.load()));
    await first;
  }

  /** Resolves once the backend events are followed and the list read again (tests wait). */
  get subscribed(): Promise<void> {
    return this.#subscribed;
  }

  dispose(): void {
    this.#disposed = true;
    for (const u of this.#unlisten.splice(0)) u();
    for (const r of this.#retries.values()) if (r.timer) clearTimeout(r.timer);
    this.#retries.clear();
  }

  /** Reloads the list; concurrent calls coalesce into one more load after the running one. */
  load(): Promise<void> {
    if (this.#loading) {
      this.#reloadAgain = true;
      return this.#loading;
    }
    this.#loading = (async () => {
      do {
        this.#reloadAgain = false;
        try {
          this.links = await cmd.listLinks();
          this.loadError = null;
        } catch (e) {
          this.loadError = describeError(e);
        }
      } while (this.#reloadAgain);
      this.loaded = true;
    })().finally(() => {
      this.#loading = null;
    });
    return this.#loading;
  }

  health(link: LinkView): Health {
    return linkHealth(link, link.id in this.syncing);
  }

  /** All accounts of all links, for filters and pickers. */
  get accounts() {
    return this.links.flatMap((l) => l.accounts.map((a) => ({ ...a, linkId: l.id, linkName: l.name })));
  }

  /**
   * Totals over the latest balances in the most used currency (minor units): what is owned,
   * what is owed, and the difference. Archived links are left out.
   */
  get summary(): { currency: string | null; assets: number; debts: number; net: number; accounts: number } | null {
    const accounts = this.links.filter((l) => l.status !== 'ARCHIVED').flatMap((l) => l.accounts).filter((a) => a.balance?.current != null);
    if (accounts.length === 0) return null;
    const counts = new Map<string, number>();
    for (const a of accounts) {
      const c = currencyOf(a.balance!) ?? '';
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const currency = [...counts.entries()].sort((x, y) => y[1] - x[1])[0]![0];
    let assets = 0;
    let debts = 0;
    let n = 0;
    for (const a of accounts) {
      if ((currencyOf(a.balance!) ?? '') !== currency) continue;
      const v = netWorthContribution(a.balance!.current!, a.type);
      if (v >= 0) assets += v;
      else debts -= v;
      n++;
    }
    return { currency: currency || null, assets, debts, net: assets - debts, accounts: n };
  }

  /** Links needing the user (reconnect or broken). */
  get attentionCount(): number {
    return this.links.filter((l) => {
      const k = this.health(l).kind;
      return k === 'reconnect' || k === 'broken';
    }).length;
  }

  #syncStarted(linkId: number) {
    if (!(linkId in this.syncing)) this.syncing[linkId] = { pages: 0, rows: 0 };
  }

  #syncFinished(r: SyncReport) {
    delete this.syncing[r.linkId];
    this.#noteReport(r);
    void this.load();
  }

  #noteReport(r: SyncReport) {
    if (r.status === 'FAILED' || r.status === 'LOGIN_REQUIRED') {
      const d = r.error ? describeError(r.error) : { text: 'The sync failed.', requestId: null };
      this.notices[r.linkId] = { kind: 'error', text: d.text, requestId: d.requestId };
    } else if (r.status === 'NOT_READY') {
      this.notices[r.linkId] = { kind: 'info', text: this.#retryNotReady(r.linkId), requestId: null };
      return;
    } else {
      delete this.notices[r.linkId];
    }
    this.#cancelRetry(r.linkId);
  }

  /** Schedules the next sync of a link whose transactions are not ready; says when. */
  #retryNotReady(linkId: number): string {
    const r = this.#retries.get(linkId) ?? { attempt: 0, timer: null };
    if (r.timer) return this.notices[linkId]?.text ?? 'The bank is still preparing transactions.';
    const delay = NOT_READY_RETRY_MS[r.attempt];
    if (delay === undefined) {
      this.#retries.delete(linkId);
      return 'The bank is still preparing transactions. Coffer checks again within 30 minutes, or use Sync.';
    }
    r.attempt += 1;
    r.timer = setTimeout(() => {
      r.timer = null;
      if (!(linkId in this.syncing) && this.links.some((l) => l.id === linkId)) void this.sync(linkId);
    }, delay);
    this.#retries.set(linkId, r);
    return `The bank is still preparing transactions. Coffer tries again in ${seconds(delay)}.`;
  }

  #cancelRetry(linkId: number) {
    const r = this.#retries.get(linkId);
    if (r?.timer) clearTimeout(r.timer);
    this.#retries.delete(linkId);
  }

  async #run<T>(linkId: number, action: LinkAction, f: () => Promise<T>): Promise<T | undefined> {
    this.busy[linkId] = action;
    delete this.notices[linkId];
    try {
      return await f();
    } catch (e) {
      const d = describeError(e);
      this.notices[linkId] = { kind: 'error', text: d.text, requestId: d.requestId };
      return undefined;
    } finally {
      delete this.busy[linkId];
    }
  }

  /** Syncs one link's transactions (progress arrives as events). */
  async sync(linkId: number): Promise<void> {
    this.#syncStarted(linkId);
    const reports = await this.#run(linkId, 'sync', () => cmd.syncTransactions({ linkId }));
    delete this.syncing[linkId];
    for (const r of reports ?? []) this.#noteReport(r);
    await this.load();
  }

  /** Fetches live balances (billed by Plaid in production: only on request). */
  async refreshBalances(linkId: number): Promise<void> {
    const views = await this.#run(linkId, 'balances', () => cmd.refreshBalances({ linkId }));
    if (views) this.#merge(views);
  }

  /** Renames; returns false (with a notice) when refused. */
  async rename(linkId: number, name: string): Promise<boolean> {
    const trimmed = name.trim();
    if (!trimmed) {
      this.notices[linkId] = { kind: 'error', text: 'A name cannot be empty.', requestId: null };
      return false;
    }
    const view = await this.#run(linkId, 'rename', () => cmd.renameLink({ linkId, name: trimmed }));
    if (view) this.#merge([view]);
    return view !== undefined;
  }

  /** Removes a link (at Plaid, in the keychain, and its rows unless `keepData`). */
  async remove(linkId: number, keepData: boolean): Promise<boolean> {
    const ok = await this.#run(linkId, 'remove', async () => {
      await cmd.removeLink({ linkId, keepData });
      return true;
    });
    if (ok) {
      delete this.notices[linkId];
      await this.load();
    }
    return ok === true;
  }

  /** Number of stored transactions of a link (for the removal confirmation). */
  async transactionCount(link: LinkView): Promise<number | null> {
    if (link.accounts.length === 0) return 0;
    try {
      const page = await cmd.listTransactions({ accountIds: link.accounts.map((a) => a.accountId), limit: 1, offset: 0 });
      return page.total;
    } catch {
      return null;
    }
  }

  /** Shows an outcome of a Link flow on its card (e.g. a failed reconnect). */
  notify(linkId: number, notice: LinkNotice | null) {
    if (notice) this.notices[linkId] = notice;
    else delete this.notices[linkId];
  }

  #merge(views: LinkView[]) {
    const byId = new Map(views.map((v) => [v.id, v]));
    this.links = this.links.map((l) => byId.get(l.id) ?? l);
  }
}
