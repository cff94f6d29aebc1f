import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import SettingsScreen from './SettingsScreen.svelte';
import { SettingsStore } from './settings.svelte';
import { flush, mockCommands } from '../testing/ipc';

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
});
