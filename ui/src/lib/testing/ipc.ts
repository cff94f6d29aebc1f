/** Test helpers over Tauri's `mockIPC`: a command table and a call log. */
import { mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import type { BackendEventName, BackendEvents, LinkHealth, LinkStatus, LinkView, SettingsView } from '../backend/types';

export type Handler = (input: Record<string, unknown> | undefined) => unknown;

export interface Ipc {
  calls: { cmd: string; input: Record<string, unknown> | undefined }[];
  callsTo(cmd: string): (Record<string, unknown> | undefined)[];
}

/** Installs handlers; an unknown command rejects like a missing Tauri command. */
export function mockCommands(handlers: Record<string, Handler>): Ipc {
  const calls: Ipc['calls'] = [];
  mockIPC(
    (cmd, payload) => {
      const input = (payload as { input?: Record<string, unknown> } | undefined)?.input;
      calls.push({ cmd, input });
      const h = handlers[cmd];
      if (!h) return Promise.reject(`command ${cmd} not found`);
      return h(input);
    },
    { shouldMockEvents: true },
  );
  return { calls, callsTo: (c) => calls.filter((x) => x.cmd === c).map((x) => x.input) };
}

export function emitEvent<K extends BackendEventName>(name: K, payload: BackendEvents[K]): Promise<void> {
  return emit(name, payload);
}

/** An AppError as the shell rejects with: the core's remedy (null unless given), Plaid's fields when given. */
export function appError(code: string, message: string, extra: { remedy?: string | null; plaid?: Record<string, unknown> } = {}) {
  const { remedy = null, plaid } = extra;
  return Promise.reject(plaid ? { code, message, remedy, plaid } : { code, message, remedy });
}

/** What coffer-core's `LinkHealth::of` answers for a status (an ACTIVE link with an error: ERROR). */
const HEALTH: Record<LinkStatus, LinkHealth> = {
  ACTIVE: 'HEALTHY',
  LOGIN_REQUIRED: 'NEEDS_RECONNECT',
  KEYCHAIN_MISSING: 'BROKEN',
  BROKEN: 'BROKEN',
  ARCHIVED: 'ARCHIVED',
};

/** A `list_links` entry; `health` and `remedy` follow `status` and `lastError` unless given. */
export function link(over: Partial<LinkView> = {}): LinkView {
  const status = over.status ?? 'ACTIVE';
  const health = status === 'ACTIVE' && over.lastError ? 'ERROR' : HEALTH[status];
  return {
    health,
    remedy: health === 'HEALTHY' || health === 'ARCHIVED' ? null : 'What to do about it.',
    id: 1,
    name: 'First Platypus Bank',
    itemId: 'item-1',
    institutionId: 'ins_109508',
    institutionName: 'First Platypus Bank',
    status: 'ACTIVE',
    products: ['transactions'],
    accounts: [
      {
        accountId: 'acc-1',
        name: 'Plaid Checking',
        officialName: null,
        mask: '0000',
        type: 'depository',
        subtype: 'checking',
        balance: { available: '100', current: '110', limit: null, isoCurrencyCode: 'USD', unofficialCurrencyCode: null, fetchedAt: '2024-03-05T12:00:00Z', source: 'accounts_get' },
      },
    ],
    lastSyncAt: '2024-03-05T12:00:00Z',
    lastSyncStatus: 'HISTORICAL_UPDATE_COMPLETE',
    lastError: null,
    consentExpiresAt: null,
    reconnectBefore: null,
    createdAt: '2024-03-01T12:00:00Z',
    ...over,
  };
}

/** A `get_settings` answer (Sandbox keys saved, Link in Coffer, data use not yet accepted). */
export function settingsView(over: Partial<SettingsView> = {}): SettingsView {
  return {
    mode: 'sandbox',
    clientId: 'abc123',
    environment: 'sandbox',
    secretSaved: true,
    countryCodes: ['US'],
    daysRequested: 730,
    products: ['transactions'],
    linkLimit: 10,
    envOverrides: [],
    baseUrl: 'https://sandbox.plaid.com',
    signIn: 'app',
    dataUseAcceptedAt: null,
    ...over,
  };
}

/** Lets pending promise callbacks run. */
export async function flush(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise<void>((r) => setTimeout(r, 0));
}
