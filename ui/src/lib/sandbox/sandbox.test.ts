import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { SandboxStore } from './sandbox.svelte';
import SandboxScreen from './SandboxScreen.svelte';
import DataUseDialog from '../link/DataUseDialog.svelte';
import { DataUseGate } from '../link/data-use.svelte';
import { LinksStore } from '../links/links.svelte';
import { SettingsStore } from '../settings/settings.svelte';
import { appError, flush, mockCommands, settingsView } from '../testing/ipc';
import { PLAID_ERROR_CODES, SANDBOX_FAULT_CODES, SANDBOX_WEBHOOK_CODES } from '../backend/types';

describe('SandboxStore', () => {
  it('quick link sends the credentials and returns the new link', async () => {
    const ipc = mockCommands({ sandbox_quick_link: () => ({ linkId: 12 }) });
    const s = new SandboxStore();
    expect(await s.quickLink('ins_109508', 'user_transactions_dynamic', 'pass_good')).toBe(12);
    expect(ipc.callsTo('sandbox_quick_link')).toEqual([{ institutionId: 'ins_109508', username: 'user_transactions_dynamic', password: 'pass_good' }]);
    expect(s.results.quickLink?.ok).toBe(true);
  });

  it("shows refusals as the core words them (e.g. production mode), else the message", async () => {
    let remedy: string | null = 'Switch to Sandbox in Settings to use these tools.';
    mockCommands({ sandbox_reset_login: () => appError('NOT_CONFIGURED', 'sandbox tools are only available in offline and sandbox mode', { remedy }) });
    const s = new SandboxStore();
    await s.resetLogin(1);
    expect(s.results.resetLogin).toEqual({ ok: false, text: 'Switch to Sandbox in Settings to use these tools.', requestId: null });
    remedy = null;
    await s.resetLogin(1);
    expect(s.results.resetLogin).toEqual({ ok: false, text: 'Sandbox tools are only available in offline and sandbox mode.', requestId: null });
    expect(s.running).toBeNull();
  });

  it('sends faults as given', async () => {
    const ipc = mockCommands({ sandbox_inject_fault: () => null, sandbox_clear_faults: () => null });
    const s = new SandboxStore();
    await s.injectFault({ path: '/transactions/sync', errorCode: PLAID_ERROR_CODES.INSTITUTION_DOWN, times: 2 });
    await s.clearFaults();
    expect(ipc.calls.map((c) => [c.cmd, c.input])).toEqual([
      ['sandbox_inject_fault', { path: '/transactions/sync', errorCode: PLAID_ERROR_CODES.INSTITUTION_DOWN, times: 2 }],
      ['sandbox_clear_faults', undefined],
    ]);
  });
});

describe('SandboxScreen quick link', () => {
  it('asks for the data-use screen first, like any link', async () => {
    const ipc = mockCommands({ list_links: () => [], get_settings: () => settingsView(), sandbox_quick_link: () => ({ linkId: 12 }), sync_transactions: () => [] });
    const links = new LinksStore();
    await links.load();
    const gate = new DataUseGate(new SettingsStore());
    render(SandboxScreen, { links, mode: 'offline', dataUse: gate });
    render(DataUseDialog, { gate });
    await fireEvent.click(screen.getByRole('button', { name: 'Quick link' }));
    await flush();
    expect(screen.getByRole('dialog', { name: 'Before you link a bank' })).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Not now' }));
    await flush();
    expect(ipc.callsTo('sandbox_quick_link')).toHaveLength(0);
  });
});

describe('SandboxScreen lists', () => {
  it("offers the core's webhook and fault codes, in its order", async () => {
    mockCommands({ list_links: () => [], get_settings: () => settingsView() });
    const links = new LinksStore();
    await links.load();
    render(SandboxScreen, { links, mode: 'offline', dataUse: new DataUseGate(new SettingsStore()) });
    const options = (label: string) => [...(screen.getByLabelText(label) as HTMLSelectElement).options].map((o) => o.value);
    expect(options('Webhook code')).toEqual([...SANDBOX_WEBHOOK_CODES]);
    expect(options('Plaid error')).toEqual(['', ...SANDBOX_FAULT_CODES]);
    expect((screen.getByLabelText('Webhook code') as HTMLSelectElement).value).toBe(SANDBOX_WEBHOOK_CODES[0]);
    expect((screen.getByLabelText('Plaid error') as HTMLSelectElement).value).toBe(PLAID_ERROR_CODES.INSTITUTION_DOWN);
  });
});
