import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import AccountsScreen from '../links/AccountsScreen.svelte';
import DataUseDialog from './DataUseDialog.svelte';
import { DataUseGate } from './data-use.svelte';
import { LinkFlow } from './link-flow.svelte';
import { LinksStore } from '../links/links.svelte';
import { SettingsStore } from '../settings/settings.svelte';
import { emitEvent, flush, mockCommands, settingsView, type Handler } from '../testing/ipc';
import type { SettingsView } from '../backend/types';

/** The Accounts screen wired as App.svelte wires it: one settings store, the gate, the flow. */
async function app(view: Partial<SettingsView>, extra: Record<string, Handler> = {}) {
  let current = settingsView(view);
  const ipc = mockCommands({
    list_links: () => [],
    get_settings: () => current,
    accept_data_use: () => (current = { ...current, dataUseAcceptedAt: '2024-03-05T12:00:00Z' }),
    open_privacy_policy: () => null,
    open_link: () => null,
    close_link: () => null,
    ...extra,
  });
  const links = new LinksStore();
  await links.load();
  const settings = new SettingsStore();
  await settings.load();
  const gate = new DataUseGate(settings);
  const flow = new LinkFlow({ signIn: () => settings.view?.signIn, confirmDataUse: () => gate.ask(), onLinked: () => {}, pollIntervalMs: 1 });
  render(AccountsScreen, { links, flow, mode: 'sandbox' });
  render(DataUseDialog, { gate });
  return { ipc, flow, gate, settings };
}

const addAccount = () => fireEvent.click(screen.getAllByRole('button', { name: 'Add account' })[0]!);
const dialog = () => screen.queryByRole('dialog', { name: 'Before you link a bank' });

describe('the data-use screen', () => {
  it('comes before the first link; Not now starts nothing; Continue accepts, then opens Link', async () => {
    const { ipc, flow, settings } = await app({ dataUseAcceptedAt: null });
    await addAccount();
    await flush();
    expect(dialog()).not.toBeNull();
    expect(dialog()!.textContent).toContain('in a database on this computer');
    expect(dialog()!.textContent).toContain('system keychain');
    expect(dialog()!.textContent).toContain('There is no Coffer server');
    expect(ipc.callsTo('open_link')).toHaveLength(0);

    await fireEvent.click(screen.getByRole('button', { name: "Plaid's End User Privacy Policy" }));
    await flush();
    expect(ipc.callsTo('open_privacy_policy')).toHaveLength(1);

    await fireEvent.click(screen.getByRole('button', { name: 'Not now' }));
    await flush();
    expect(dialog()).toBeNull();
    expect(flow.phase).toBe('idle');
    expect(ipc.calls.map((c) => c.cmd)).not.toContain('open_link');
    expect(ipc.calls.map((c) => c.cmd)).not.toContain('accept_data_use');

    await addAccount();
    await flush();
    await fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await flush();
    const order = ipc.calls.map((c) => c.cmd).filter((c) => c === 'accept_data_use' || c === 'open_link');
    expect(order).toEqual(['accept_data_use', 'open_link']);
    expect(ipc.callsTo('open_link')).toEqual([{}]);
    expect(settings.view?.dataUseAcceptedAt).toBe('2024-03-05T12:00:00Z');
    expect(dialog()).toBeNull();

    // Once accepted, never again.
    await emitEvent('link:ended', { outcome: 'exit' });
    await flush();
    await addAccount();
    await flush();
    expect(dialog()).toBeNull();
    expect(ipc.callsTo('open_link')).toHaveLength(2);
    expect(ipc.callsTo('accept_data_use')).toHaveLength(1);
    flow.cancel();
    await flush();
  });

  it('is not shown once accepted', async () => {
    const { ipc, flow } = await app({ dataUseAcceptedAt: '2024-03-05T12:00:00Z' });
    await addAccount();
    await flush();
    expect(dialog()).toBeNull();
    expect(ipc.callsTo('open_link')).toEqual([{}]);
    flow.cancel();
    await flush();
  });

  it('says so when accepting fails, and stays', async () => {
    const accept = vi.fn(() => Promise.reject({ code: 'STORAGE', message: 'disk full', remedy: 'Coffer could not write its database: free some disk space.' }));
    const { ipc } = await app({ dataUseAcceptedAt: null }, { accept_data_use: accept });
    await addAccount();
    await flush();
    await fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await flush();
    expect(dialog()).not.toBeNull();
    expect(screen.getByRole('alert').textContent).toContain('Coffer could not write its database: free some disk space.');
    expect(ipc.callsTo('open_link')).toHaveLength(0);
  });
});

describe('sign in to banks', () => {
  it("'In your browser' makes Add account start Hosted Link, with no second browser button", async () => {
    const { ipc, flow } = await app(
      { signIn: 'browser', dataUseAcceptedAt: '2024-03-05T12:00:00Z' },
      {
        create_link_token: () => ({ linkToken: 'link-h', expiration: '2099-01-01T00:00:00Z', hostedLinkUrl: 'https://secure.plaid.com/link/abc' }),
        open_hosted_link: () => ({ opened: true }),
        poll_hosted_link: () => ({ state: 'pending' }),
      },
    );
    expect(screen.queryByRole('button', { name: 'Continue in your browser' })).toBeNull();
    await addAccount();
    await flush();
    expect(ipc.callsTo('create_link_token')).toEqual([{ hosted: true }]);
    expect(ipc.callsTo('open_link')).toHaveLength(0);
    flow.cancel();
    await flush();
  });

  it("'In Coffer' keeps Continue in your browser as the second choice", async () => {
    await app({ signIn: 'app', dataUseAcceptedAt: '2024-03-05T12:00:00Z' });
    expect(screen.getAllByRole('button', { name: 'Continue in your browser' }).length).toBeGreaterThan(0);
  });
});

describe('Hosted Link without a browser', () => {
  it('shows the address to copy and its QR code while waiting; gone when the session ends', async () => {
    let finish = false;
    const { ipc, flow } = await app(
      { dataUseAcceptedAt: '2024-03-05T12:00:00Z' },
      {
        create_link_token: () => ({ linkToken: 'link-h', expiration: '2099-01-01T00:00:00Z', hostedLinkUrl: 'https://secure.plaid.com/link/abc' }),
        open_hosted_link: () => ({ opened: false, message: 'No web browser could be opened on this computer.' }),
        qr_code: () => ({ size: 33, path: 'M4 4h7v7h-7z' }),
        poll_hosted_link: () => (finish ? { state: 'exited' } : { state: 'pending' }),
      },
    );
    await fireEvent.click(screen.getAllByRole('button', { name: 'Continue in your browser' })[0]!);
    await flush(10);
    expect(screen.getByText('No web browser could be opened on this computer.')).toBeTruthy();
    const address = screen.getByLabelText('Link address') as HTMLInputElement;
    expect(address.value).toBe('https://secure.plaid.com/link/abc');
    expect(address.readOnly).toBe(true);
    expect(screen.getByRole('button', { name: 'Copy' })).toBeTruthy();
    const qr = screen.getByRole('img', { name: 'QR code of the link address' });
    expect(qr.getAttribute('viewBox')).toBe('0 0 33 33');
    expect(qr.querySelector('path')!.getAttribute('d')).toBe('M4 4h7v7h-7z');
    const polled = ipc.callsTo('poll_hosted_link').length;
    await flush(10);
    expect(ipc.callsTo('poll_hosted_link').length).toBeGreaterThan(polled);
    finish = true;
    await flush(10);
    expect(flow.phase).toBe('idle');
    expect(screen.queryByLabelText('Link address')).toBeNull();
  });
});
