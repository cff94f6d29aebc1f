import { describe, expect, it } from 'vitest';
import { SettingsStore } from './settings.svelte';
import { appError, mockCommands, settingsView as view } from '../testing/ipc';
import { PLAID_ERROR_CODES } from '../backend/types';

describe('SettingsStore', () => {
  it('never puts anything from the backend into the secret field', async () => {
    // Even if a buggy shell sent a secret back, the form must not show it.
    mockCommands({ get_settings: () => ({ ...view(), secret: 'leaked-secret' }) });
    const s = new SettingsStore();
    await s.load();
    expect(s.secretDraft).toBe('');
    expect(JSON.stringify(s.view)).not.toContain('leaked-secret');
    expect(s.secretStored).toBe(true);
  });

  it('sends the secret only when typed, then forgets it', async () => {
    const ipc = mockCommands({ get_settings: () => view(), save_settings: (i) => ({ ...view(), linkLimit: i?.linkLimit as number, secret: 'echo' }) });
    const s = new SettingsStore();
    await s.load();
    s.linkLimit = 5;
    expect(await s.save()).toBe(true);
    expect(ipc.callsTo('save_settings')[0]).not.toHaveProperty('secret');
    s.secretDraft = 'newsecret123';
    expect(await s.save()).toBe(true);
    expect(ipc.callsTo('save_settings')[1]).toMatchObject({ clientId: 'abc123', environment: 'sandbox', secret: 'newsecret123', linkLimit: 5 });
    expect(s.secretDraft).toBe('');
    expect(JSON.stringify(s.view)).not.toContain('echo');
  });

  it('offline clears the keys; a new environment needs its own secret', async () => {
    const ipc = mockCommands({ get_settings: () => view(), save_settings: () => view({ clientId: null, environment: null, secretSaved: false }) });
    const s = new SettingsStore();
    await s.load();
    s.environment = 'production';
    expect(s.problems.secret).toBe('Enter the Production secret.');
    expect(await s.save()).toBe(false);
    expect(ipc.callsTo('save_settings')).toHaveLength(0);
    s.environment = 'offline';
    expect(s.problems).toEqual({});
    await s.save();
    expect(ipc.callsTo('save_settings')[0]).toEqual({ clientId: '', countryCodes: ['US'], daysRequested: 730, linkLimit: 10 });
    expect(s.restartNeeded).toBe(true);
  });

  it('sends products only when they changed', async () => {
    const ipc = mockCommands({ get_settings: () => view(), save_settings: (i) => ({ ...view(), products: (i?.products as string[]) ?? ['transactions'] }) });
    const s = new SettingsStore();
    await s.load();
    await s.save();
    expect(ipc.callsTo('save_settings')[0]).not.toHaveProperty('products');
    s.products = ['transactions', 'liabilities'];
    await s.save();
    expect(ipc.callsTo('save_settings')[1]).toMatchObject({ products: ['transactions', 'liabilities'] });
  });

  it('validates ranges before calling Rust', async () => {
    mockCommands({ get_settings: () => view() });
    const s = new SettingsStore();
    await s.load();
    s.daysRequested = 0;
    s.linkLimit = 1001;
    s.countryCodes = [];
    expect(Object.keys(s.problems).sort()).toEqual(['countryCodes', 'daysRequested', 'linkLimit']);
  });

  it('test connection says exactly what is wrong', async () => {
    let answer: () => unknown = () => ({ environment: 'sandbox', baseUrl: 'https://sandbox.plaid.com', requestId: 'r1' });
    const ipc = mockCommands({ get_settings: () => view(), test_connection: () => answer() });
    const s = new SettingsStore();
    await s.load();
    s.secretDraft = 'typedsecret';
    await s.test();
    expect(ipc.callsTo('test_connection')[0]).toEqual({ environment: 'sandbox', clientId: 'abc123', secret: 'typedsecret' });
    expect(s.testResult).toMatchObject({ ok: true });
    // What Plaid said about the keys: the core's remedy, as given.
    const keys = 'Plaid rejected this client ID and secret. Keys differ per environment: check that these are the keys for this environment, or switch the environment.';
    answer = () =>
      appError('PLAID', 'failed', {
        remedy: keys,
        plaid: { errorType: 'INVALID_INPUT', errorCode: PLAID_ERROR_CODES.INVALID_API_KEYS, errorMessage: 'invalid client_id or secret provided', displayMessage: null, requestId: 'r2' },
      });
    await s.test();
    expect(s.testResult).toEqual({ ok: false, error: { text: keys, requestId: 'r2', code: 'PLAID' } });
    // Unreachable (Coffer's own NETWORK): named by environment, whatever the remedy.
    answer = () => appError('NETWORK', 'failed: dns error', { remedy: 'Could not reach Plaid.' });
    await s.test();
    expect(s.testResult).toMatchObject({ ok: false, error: { text: expect.stringContaining('Could not reach Plaid Sandbox') } });
  });

  it('sign-in is saved on its own and leaves unsaved edits alone; a failure puts the choice back', async () => {
    let fail = false;
    const ipc = mockCommands({
      get_settings: () => view(),
      save_settings: (i) => (fail ? appError('STORAGE', 'disk full') : view({ signIn: i?.signIn as 'app' | 'browser' })),
    });
    const s = new SettingsStore();
    await s.load();
    s.linkLimit = 3; // typed, not saved
    await s.saveSignIn('browser');
    expect(ipc.callsTo('save_settings')).toEqual([{ signIn: 'browser' }]);
    expect(s.view?.signIn).toBe('browser');
    expect(s.linkLimit).toBe(3);
    fail = true;
    await s.saveSignIn('app');
    expect(s.signIn).toBe('browser');
    expect(s.signInError?.code).toBe('STORAGE');
  });
});
