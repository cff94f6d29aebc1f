import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import SettingsScreen from './SettingsScreen.svelte';
import { SettingsStore } from './settings.svelte';
import { flush, mockCommands, settingsView } from '../testing/ipc';

describe('SettingsScreen', () => {
  it('shows that a secret is saved without ever showing it', async () => {
    mockCommands({
      get_settings: () => ({
        mode: 'sandbox', clientId: 'abc123', environment: 'sandbox', secretSaved: true, countryCodes: ['US'], daysRequested: 730,
        products: ['transactions'], linkLimit: 10, envOverrides: [], baseUrl: 'https://sandbox.plaid.com', secret: 'must-not-appear',
      }),
    });
    const store = new SettingsStore();
    render(SettingsScreen, { store });
    await flush();
    const secret = screen.getByLabelText(/Sandbox secret/) as HTMLInputElement;
    expect(secret.type).toBe('password');
    expect(secret.value).toBe('');
    expect(secret.placeholder).toContain('Saved in your keychain');
    expect(document.body.innerHTML).not.toContain('must-not-appear');
  });

  it('saves where to sign in to banks at once, on its own', async () => {
    const ipc = mockCommands({
      get_settings: () => settingsView({ signIn: 'app' }),
      save_settings: (i) => settingsView({ signIn: i?.signIn as 'app' | 'browser' }),
    });
    const store = new SettingsStore();
    render(SettingsScreen, { store });
    await flush();
    const group = screen.getByRole('radiogroup', { name: 'Sign in to banks' });
    const browser = screen.getByRole('radio', { name: /In your browser/ }) as HTMLInputElement;
    expect(group.contains(browser)).toBe(true);
    expect((screen.getByRole('radio', { name: /In Coffer/ }) as HTMLInputElement).checked).toBe(true);
    expect(group.textContent).toContain('some banks, Chase among them, refuse sign-in inside apps');
    await fireEvent.click(browser);
    await flush();
    expect(ipc.callsTo('save_settings')).toEqual([{ signIn: 'browser' }]);
    expect(store.view?.signIn).toBe('browser');
    expect(browser.checked).toBe(true);
  });

  it('says when the data-use terms were accepted', async () => {
    mockCommands({ get_settings: () => settingsView({ dataUseAcceptedAt: '2024-03-05T12:00:00Z' }) });
    render(SettingsScreen, { store: new SettingsStore() });
    await flush();
    expect(screen.getByText('You agreed to the data-use terms on Mar 5, 2024.')).toBeTruthy();
  });

  it('says nothing about them before', async () => {
    mockCommands({ get_settings: () => settingsView() });
    render(SettingsScreen, { store: new SettingsStore() });
    await flush();
    expect(screen.queryByText(/You agreed to the data-use terms/)).toBeNull();
  });
});
