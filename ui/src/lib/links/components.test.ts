import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import LinkCard from './LinkCard.svelte';
import RemoveDialog from './RemoveDialog.svelte';
import AccountsScreen from './AccountsScreen.svelte';
import { LinksStore } from './links.svelte';
import { LinkFlow } from '../link/link-flow.svelte';
import { flush, link, mockCommands } from '../testing/ipc';
import type { LinkView } from '../backend/types';

function setup(l: LinkView, extra: Record<string, (i: Record<string, unknown> | undefined) => unknown> = {}) {
  const ipc = mockCommands({ list_links: () => [l], ...extra });
  const links = new LinksStore();
  const flow = new LinkFlow({ onLinked: () => {} });
  return { ipc, links, flow };
}

const buttons = () => screen.queryAllByRole('button').map((b) => b.textContent?.trim());

describe('LinkCard', () => {
  it('offers what each state needs', async () => {
    const healthy = setup(link());
    await healthy.links.load();
    const r = render(LinkCard, { link: healthy.links.links[0]!, links: healthy.links, flow: healthy.flow, onremove: () => {} });
    expect(buttons()).toEqual(expect.arrayContaining(['Sync', 'Add accounts', 'Rename', 'Remove']));
    expect(buttons()).not.toContain('Reconnect');
    expect(screen.getByText('Healthy')).toBeTruthy();
    // Liabilities read as owed; money formatted per currency.
    expect(screen.getByText('$110.00')).toBeTruthy();
    r.unmount();

    const login = setup(link({ status: 'LOGIN_REQUIRED', remedy: 'The bank needs you to log in again: choose Reconnect.' }));
    await login.links.load();
    const r2 = render(LinkCard, { link: login.links.links[0]!, links: login.links, flow: login.flow, onremove: () => {} });
    expect(buttons()).toEqual(expect.arrayContaining(['Reconnect', 'Reconnect in browser']));
    expect(buttons()).not.toContain('Sync');
    // The core's remedy, word for word.
    expect(screen.getByText('Needs reconnect')).toBeTruthy();
    expect(screen.getByText('The bank needs you to log in again: choose Reconnect.')).toBeTruthy();
    r2.unmount();

    const broken = setup(link({ status: 'KEYCHAIN_MISSING', remedy: 'Remove this link and link the bank again.' }));
    await broken.links.load();
    render(LinkCard, { link: broken.links.links[0]!, links: broken.links, flow: broken.flow, onremove: () => {} });
    expect(screen.getByText('Remove this link and link the bank again.')).toBeTruthy();
    expect(buttons()).toContain('Remove and link again');
    expect(buttons()).not.toContain('Sync');
    expect(buttons()).not.toContain('Reconnect');
  });

  it('Reconnect starts update mode for this link in the Link window', async () => {
    const s = setup(link({ id: 4, status: 'LOGIN_REQUIRED' }), { open_link: () => null, close_link: () => null });
    await s.links.load();
    render(LinkCard, { link: s.links.links[0]!, links: s.links, flow: s.flow, onremove: () => {} });
    await fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await flush();
    expect(s.ipc.callsTo('open_link')).toEqual([{ linkId: 4 }]);
    s.flow.cancel();
    await flush();
  });

  it('says to reconnect before the consent ends, and offers Reconnect while healthy', async () => {
    const s = setup(link({ id: 6, consentExpiresAt: '2026-12-12T18:00:00Z', reconnectBefore: '2026-12-12' }), { open_link: () => null, close_link: () => null });
    await s.links.load();
    render(LinkCard, { link: s.links.links[0]!, links: s.links, flow: s.flow, onremove: () => {} });
    expect(screen.getByText('Healthy')).toBeTruthy();
    expect(screen.getByText(/^Reconnect before/).textContent).toContain('Reconnect before Dec 12, 2026');
    // Sync and Add accounts stay; Reconnect is there too.
    expect(buttons()).toEqual(expect.arrayContaining(['Reconnect', 'Reconnect in browser', 'Sync', 'Add accounts']));
    await fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await flush();
    expect(s.ipc.callsTo('open_link')).toEqual([{ linkId: 6 }]);
    s.flow.cancel();
    await flush();
  });

  it('no reconnect date without one, nor on an archived link', async () => {
    const s = setup(link({ status: 'ARCHIVED', reconnectBefore: '2026-12-12' }));
    await s.links.load();
    render(LinkCard, { link: s.links.links[0]!, links: s.links, flow: s.flow, onremove: () => {} });
    expect(screen.queryByText(/Reconnect before/)).toBeNull();
    expect(buttons()).not.toContain('Reconnect');
  });

  it('renames inline; Escape cancels', async () => {
    const s = setup(link(), { rename_link: (i) => link({ name: String(i?.name) }) });
    await s.links.load();
    render(LinkCard, { link: s.links.links[0]!, links: s.links, flow: s.flow, onremove: () => {} });
    await fireEvent.click(screen.getByRole('button', { name: 'Rename' }));
    const input = screen.getByLabelText('Name') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: 'Bills' } });
    await fireEvent.keyDown(input, { key: 'Escape' });
    expect(screen.queryByLabelText('Name')).toBeNull();
    expect(s.ipc.callsTo('rename_link')).toHaveLength(0);
    await fireEvent.click(screen.getByRole('button', { name: 'Rename' }));
    await fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'Bills' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await flush();
    expect(s.ipc.callsTo('rename_link')).toEqual([{ linkId: 1, name: 'Bills' }]);
  });
});

describe('RemoveDialog', () => {
  it('lists what will be deleted and honours "keep my transactions"', async () => {
    const s = setup(link(), {
      list_transactions: () => ({ total: 1234, rows: [] }),
      remove_link: () => null,
    });
    await s.links.load();
    let closed = false;
    render(RemoveDialog, { link: s.links.links[0]!, links: s.links, onclose: () => (closed = true) });
    await flush();
    expect(screen.getByText('Plaid Checking')).toBeTruthy();
    expect(screen.getByText('1,234 transactions and the balance history')).toBeTruthy();
    expect(screen.getByText('Deleted from this computer:')).toBeTruthy();
    await fireEvent.click(screen.getByRole('checkbox', { name: /Keep my transactions/ }));
    expect(screen.getByText('Kept on this computer, marked archived:')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Remove, keep transactions' }));
    await flush();
    expect(s.ipc.callsTo('remove_link')).toEqual([{ linkId: 1, keepData: true }]);
    expect(closed).toBe(true);
  });
});

describe('AccountsScreen', () => {
  it('empty state with the first-run note in offline mode only', async () => {
    mockCommands({ list_links: () => [] });
    const links = new LinksStore();
    await links.load();
    const flow = new LinkFlow({ onLinked: () => {} });
    const r = render(AccountsScreen, { links, flow, mode: 'offline' });
    expect(screen.getByText('No banks linked yet')).toBeTruthy();
    expect(screen.getByText('user_good')).toBeTruthy();
    expect(screen.getByText('pass_good')).toBeTruthy();
    r.unmount();
    render(AccountsScreen, { links, flow, mode: 'production' });
    expect(screen.queryByText('user_good')).toBeNull();
  });
});
