import { describe, expect, it } from 'vitest';
import { ActivityStore, supportText } from './activity.svelte';
import { mockCommands } from '../testing/ipc';
import { PLAID_ERROR_CODES, type Event } from '../backend/types';

const ev = (id: number, over: Partial<Event> = {}): Event => ({
  id, at: `2024-03-0${id}T10:00:00Z`, linkId: 1, itemId: 'item-1', kind: 'sync_completed', detail: '', errorCode: null, requestId: null, ...over,
});

describe('ActivityStore', () => {
  it('filters by kind, errors and text (request ids included)', async () => {
    mockCommands({
      list_events: () => [ev(3, { kind: 'sync_failed', errorCode: PLAID_ERROR_CODES.ITEM_LOGIN_REQUIRED, requestId: 'Xy12' }), ev(2), ev(1, { kind: 'link_created' })],
    });
    const s = new ActivityStore();
    await s.load();
    expect(s.kinds).toEqual(['link_created', 'sync_completed', 'sync_failed']);
    s.errorsOnly = true;
    expect(s.visible.map((e) => e.id)).toEqual([3]);
    s.errorsOnly = false;
    s.text = 'xy1';
    expect(s.visible.map((e) => e.id)).toEqual([3]);
    s.text = '';
    s.kind = 'link_created';
    expect(s.visible.map((e) => e.id)).toEqual([1]);
  });

  it('asks Rust for one link and pages back by id', async () => {
    const ipc = mockCommands({ list_events: () => Array.from({ length: 200 }, (_, i) => ev(300 - i)) });
    const s = new ActivityStore();
    await s.setLink(4);
    expect(s.hasMore).toBe(true);
    await s.loadMore();
    expect(ipc.callsTo('list_events')).toEqual([{ limit: 200, linkId: 4 }, { limit: 200, beforeId: 101, linkId: 4 }]);
  });

  it('copies a support text with request ids', () => {
    const t = supportText([ev(3, { kind: 'sync_failed', errorCode: PLAID_ERROR_CODES.ITEM_LOGIN_REQUIRED, requestId: 'Xy12', detail: 'say "hi"' })], () => 'Checking');
    expect(t).toBe(`2024-03-03T10:00:00Z sync_failed link="Checking" item_id=item-1 error_code=${PLAID_ERROR_CODES.ITEM_LOGIN_REQUIRED} request_id=Xy12 detail="say 'hi'"`);
  });
});
