import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { SandboxStore } from './sandbox.svelte';
import SandboxScreen from './SandboxScreen.svelte';
import DataUseDialog from '../link/DataUseDialog.svelte';
import { DataUseGate } from '../link/data-use.svelte';
import { LinksStore } from '../links/links.svelte';
import { SettingsStore } from '../settings/settings.svelte';
import { appError, flush, mockCommands, settingsView } from '../testing/ipc';

describe('SandboxStore', () => {
  it('quick link sends the credentials and returns the new link', async () => {
    const ipc = mockCommands({ sandbox_quick_link: () => ({ linkId: 12 }) });
    const s = new SandboxStore();
    expect(await s.quickLink('ins_109508', 'user_transactions_dynamic', 'pass_good')).toBe(12);
    expect(ipc.callsTo('sandbox_quick_link')).toEqual([{ institutionId: 'ins_109508', username: 'user_transactions_dynamic', password: 'pass_good' }]);
    expect(s.results.quickLink?.ok).toBe(true);
  });

  it('shows refusals by code (e.g. production mode)', async () => {
    mockCommands({ sandbox_reset_login: () => appError('NOT_CONFIGURED', 'sandbox tools are only available in offline and sandbox mode') });
    const s = new SandboxStore();
    await s.resetLogin(1);
    expect(s.results.resetLogin).toEqual({ ok: false, text: 'Sandbox tools are only available in offline and sandbox mode.', requestId: null });
    expect(s.running).toBeNull();
  });

  it('sends faults as given', async () => {
    const ipc = mockCommands({ sandbox_inject_fault: () => null, sandbox_clear_faults: () => null });
    const s = new SandboxStore();
    await s.injectFault({ path: '/transactions/sync', errorCode: 'INSTITUTION_DOWN', times: 2 });
    await s.clearFaults();
    expect(ipc.calls.map((c) => [c.cmd, c.input])).toEqual([
      ['sandbox_inject_fault', { path: '/transactions/sync', errorCode: 'INSTITUTION_DOWN', times: 2 }],
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
