/** The events log (what happened to which link, with Plaid request ids), filterable, copyable. */
import * as cmd from '../backend/commands';
import type { Event } from '../backend/types';
import { describeError, type ErrorDisplay } from '../ui/errors';

export const EVENTS_PAGE = 200;

export class ActivityStore {
  events = $state.raw<Event[]>([]);
  hasMore = $state(false);
  loaded = $state(false);
  error = $state<ErrorDisplay | null>(null);
  linkId = $state<number | null>(null);
  kind = $state<string>('');
  text = $state('');
  errorsOnly = $state(false);

  #unlisten: (() => void)[] = [];

  async start(): Promise<void> {
    await this.load();
    const subs = await Promise.all([
      cmd.onBackendEvent('links:changed', () => void this.load()),
      cmd.onBackendEvent('sync:finished', () => void this.load()),
    ]);
    this.#unlisten.push(...subs);
  }

  dispose(): void {
    for (const u of this.#unlisten.splice(0)) u();
  }

  async load(): Promise<void> {
    try {
      const rows = await cmd.listEvents({ limit: EVENTS_PAGE, ...(this.linkId !== null ? { linkId: this.linkId } : {}) });
      this.events = rows;
      this.hasMore = rows.length === EVENTS_PAGE;
      this.error = null;
    } catch (e) {
      this.error = describeError(e);
    } finally {
      this.loaded = true;
    }
  }

  async loadMore(): Promise<void> {
    const last = this.events.at(-1);
    if (!last) return;
    try {
      const rows = await cmd.listEvents({ limit: EVENTS_PAGE, beforeId: last.id, ...(this.linkId !== null ? { linkId: this.linkId } : {}) });
      this.events = [...this.events, ...rows];
      this.hasMore = rows.length === EVENTS_PAGE;
    } catch (e) {
      this.error = describeError(e);
    }
  }

  setLink(id: number | null): Promise<void> {
    this.linkId = id;
    return this.load();
  }

  /** Kinds present, for the filter. */
  get kinds(): string[] {
    return [...new Set(this.events.map((e) => e.kind))].sort();
  }

  /** Events passing the kind, text and errors-only filters. */
  get visible(): Event[] {
    const t = this.text.trim().toLowerCase();
    return this.events.filter(
      (e) =>
        (!this.kind || e.kind === this.kind) &&
        (!this.errorsOnly || e.errorCode !== null) &&
        (!t || [e.kind, e.detail, e.errorCode, e.requestId, e.itemId].some((f) => f?.toLowerCase().includes(t))),
    );
  }
}

/** Plain text for a support request: one line per event, request ids included, no secrets. */
export function supportText(events: Event[], linkName: (id: number | null) => string | null): string {
  return events
    .map((e) =>
      [
        e.at,
        e.kind,
        linkName(e.linkId) ? `link="${linkName(e.linkId)}"` : null,
        e.itemId ? `item_id=${e.itemId}` : null,
        e.errorCode ? `error_code=${e.errorCode}` : null,
        e.requestId ? `request_id=${e.requestId}` : null,
        e.detail ? `detail="${e.detail.replace(/"/g, "'")}"` : null,
      ]
        .filter(Boolean)
        .join(' '),
    )
    .join('\n');
}
