/**
 * PREVIEW FIXTURE (not part of the app). A fake backend behind Tauri's `mockIPC`, so the
 * real seam (backend.ts) and every screen run in a plain browser for screenshots. Enabled
 * only in `--mode fixture` builds with `?fixture` in the URL. Options (query parameters):
 * `scenario=empty`, `mode=sandbox|production`, `rows=N` (default 1,000,000), `syncing=1`
 * (link 1 stays mid-sync), `linkfail=1` (the Link window reports that the script did not load),
 * `handoff=1` (Link hands the bank to the browser), `nobrowser=1` (no browser opens: address
 * and QR code), `signin=browser`, `agreed=1` (the data-use screen was accepted already).
 * The Link window itself is not part of the fixture: `open_link` answers with `link:ended`.
 */
import { mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import { PLAID_ERROR_CODES, type LinkEnded, type LinkView, type ListTransactionsInput, type Mode, type SettingsView, type SignIn } from '../lib/backend/types';
import { balanceHistory, events, hash, initialLinks, iso, spending, TransactionTable } from './data';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A stand-in QR code (not scannable): finder squares and hashed modules, 4 modules of quiet zone. */
function fakeQr(text: string) {
  const n = 29;
  const q = 4;
  let seed = 0;
  for (const c of text) seed = (seed * 31 + c.charCodeAt(0)) | 0;
  const finder = (x: number, y: number) =>
    [[0, 0], [n - 7, 0], [0, n - 7]].some(([fx, fy]) => {
      const dx = x - fx!;
      const dy = y - fy!;
      if (dx < 0 || dy < 0 || dx > 6 || dy > 6) return false;
      return dx === 0 || dy === 0 || dx === 6 || dy === 6 || (dx >= 2 && dx <= 4 && dy >= 2 && dy <= 4);
    });
  const inFinderZone = (x: number, y: number) => (x < 8 && y < 8) || (x >= n - 8 && y < 8) || (x < 8 && y >= n - 8);
  let path = '';
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const dark = inFinderZone(x, y) ? finder(x, y) : hash(seed + y * n + x) % 2 === 0;
      if (dark) path += `M${x + q} ${y + q}h1v1h-1z`;
    }
  }
  return { size: n + 2 * q, path };
}

export function installPreviewFixture(params: URLSearchParams): void {
  const mode = (params.get('mode') as Mode | null) ?? 'offline';
  const empty = params.get('scenario') === 'empty';
  let links: LinkView[] = empty ? [] : initialLinks();
  const table = new TransactionTable(empty ? 0 : Number(params.get('rows') ?? 1_000_000));
  let selection: { key: string; rows: Int32Array | null } = { key: '', rows: null };
  let nextId = 10;
  let polls = 0;
  let settings: SettingsView = {
    mode, clientId: mode === 'offline' ? null : '64f0c0ffee0123456789abcd', environment: mode === 'offline' ? null : mode,
    secretSaved: mode !== 'offline', countryCodes: ['US', 'CA'], daysRequested: 730, products: ['transactions'], linkLimit: 10,
    envOverrides: [], baseUrl: mode === 'offline' ? 'http://127.0.0.1:41873' : `https://${mode}.plaid.com`,
    signIn: (params.get('signin') as SignIn | null) ?? (mode === 'production' ? 'browser' : 'app'),
    dataUseAcceptedAt: params.has('agreed') ? new Date(Date.now() - 86400_000 * 30).toISOString() : null,
  };
  const scriptUrl = mode === 'offline' ? 'http://127.0.0.1:41873/link/v2/stable/link-initialize.js' : 'https://cdn.plaid.com/link/v2/stable/link-initialize.js';
  /** The Link window "open" (open_link until link:ended). */
  let linkWindow: ReturnType<typeof setTimeout> | null = null;
  const endLink = (e: LinkEnded) => {
    linkWindow = null;
    void emit('link:ended', e);
  };

  /** Rejects as a command does: the core's code, message and remedy, and Plaid's fields when Plaid answered. */
  const fail = (code: string, message: string, remedy: string | null, plaid?: object) => Promise.reject({ code, message, remedy, ...(plaid ? { plaid } : {}) });

  async function runSync(linkId: number) {
    await emit('sync:started', { linkId });
    let rows = 0;
    for (let p = 1; p <= 4; p++) {
      await sleep(450);
      rows += 250 + p * 31;
      await emit('sync:progress', { linkId, pages: p, rows, restarts: 0, hasMore: p < 4 });
    }
    const report = { linkId, status: 'UPDATED', updateStatus: 'HISTORICAL_UPDATE_COMPLETE', added: rows, modified: 0, removed: 0, pages: 4, restarts: 0 };
    links = links.map((l) => (l.id === linkId ? { ...l, lastSyncAt: new Date().toISOString() } : l));
    await emit('sync:finished', report);
    return report;
  }

  const handlers: Record<string, (i: Record<string, unknown>) => unknown> = {
    get_status: () => ({
      mode, baseUrl: settings.baseUrl, dataDir: '/home/you/.local/share/coffer', database: `/home/you/.local/share/coffer/${mode}.sqlite3`,
      schemaVersion: 7, links: links.length, needsAttention: [2, 3], reconcile: [], notes: [], recentEvents: [], linkScriptUrl: scriptUrl,
    }),
    list_links: () => links,
    create_link_token: (i) => ({
      linkToken: 'link-sandbox-2f6c1a4e-fixture', expiration: new Date(Date.now() + 4 * 3600_000).toISOString(),
      ...(i.hosted ? { hostedLinkUrl: 'https://secure.plaid.com/link/fixture' } : {}),
    }),
    open_link: (i) => {
      if (linkWindow) clearTimeout(linkWindow);
      linkWindow = setTimeout(() => {
        if (params.has('linkfail')) {
          return endLink({
            outcome: 'failed',
            error: { code: 'NETWORK', message: 'Plaid Link could not be loaded from cdn.plaid.com', remedy: 'Plaid Link could not be loaded. Check your connection, or continue in your browser.' },
          });
        }
        if (params.has('handoff')) {
          return endLink({ outcome: 'handoff', message: 'Platypus OAuth Bank signs you in on its own website, so Link continues in your browser.' });
        }
        if (typeof i.linkId === 'number') {
          links = links.map((l) => (l.id === i.linkId ? { ...l, status: 'ACTIVE', health: 'HEALTHY', remedy: null, lastError: null, reconnectBefore: null } : l));
          void emit('links:changed', { linkIds: [i.linkId] });
          return endLink({ outcome: 'success', linkId: i.linkId, institutionName: links.find((l) => l.id === i.linkId)?.institutionName ?? undefined });
        }
        const id = nextId++;
        const name = 'First Gingham Credit Union';
        links = [...links, {
          id, name, itemId: `item-${id}`, institutionId: 'ins_109509', institutionName: name,
          status: 'ACTIVE', health: 'HEALTHY', remedy: null, products: ['transactions'], lastSyncAt: null, lastSyncStatus: null, lastError: null,
          consentExpiresAt: null, reconnectBefore: null, createdAt: new Date().toISOString(),
          accounts: [{ accountId: `acc-${id}`, name: 'Checking', officialName: null, mask: '4321', type: 'depository', subtype: 'checking',
            balance: { available: '980.00', current: '1020.00', limit: null, isoCurrencyCode: 'USD', unofficialCurrencyCode: null, fetchedAt: new Date().toISOString(), source: 'accounts_get' } }],
        }];
        void emit('links:changed', { linkIds: [id] });
        endLink({ outcome: 'success', linkId: id, institutionName: name });
      }, 2500);
      return null;
    },
    close_link: () => {
      if (linkWindow) {
        clearTimeout(linkWindow);
        endLink({ outcome: 'exit' });
      }
      return null;
    },
    qr_code: (i) => fakeQr(String(i.text)),
    accept_data_use: () => {
      settings = { ...settings, dataUseAcceptedAt: settings.dataUseAcceptedAt ?? new Date().toISOString() };
      return settings;
    },
    open_privacy_policy: () => null,
    open_hosted_link: () =>
      params.has('nobrowser') ? { opened: false, message: 'No web browser could be opened on this computer: open the address on another device.' } : { opened: true },
    // Without a browser the person needs longer (another device): about a minute.
    poll_hosted_link: () => (++polls % (params.has('nobrowser') ? 30 : 4) === 0 ? { state: 'success', linkId: 1 } : { state: 'pending' }),
    rename_link: (i) => {
      links = links.map((l) => (l.id === i.linkId ? { ...l, name: String(i.name) } : l));
      return links.find((l) => l.id === i.linkId);
    },
    remove_link: async (i) => {
      await sleep(400);
      links = i.keepData
        ? links.map((l) => (l.id === i.linkId ? { ...l, status: 'ARCHIVED' as const, health: 'ARCHIVED' as const, remedy: null } : l))
        : links.filter((l) => l.id !== i.linkId);
      return null;
    },
    refresh_balances: async (i) => {
      await sleep(500);
      return links.filter((l) => l.id === i.linkId);
    },
    sync_transactions: async (i) => {
      const id = Number(i.linkId);
      if (links.find((l) => l.id === id)?.status === 'LOGIN_REQUIRED') {
        return fail('LOGIN_REQUIRED', 'failed to sync transactions: the bank needs you to log in again (reconnect this link)', 'The bank needs you to log in again: choose Reconnect.', {
          errorType: 'ITEM_ERROR', errorCode: PLAID_ERROR_CODES.ITEM_LOGIN_REQUIRED, errorMessage: 'the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information. use Link\'s update mode to restore the item to a good state',
          displayMessage: 'The login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information.', requestId: 'Hq7cP2xLmW9sR4t',
        });
      }
      return [await runSync(id)];
    },
    list_transactions: (raw) => {
      const i = raw as unknown as ListTransactionsInput;
      // Rust's defaults for what the request leaves out.
      const { limit = 0, offset = 0 } = i;
      const key = JSON.stringify([i.accountIds, i.from, i.to, i.search]);
      if (selection.key !== key) selection = { key, rows: table.select(i) };
      const sel = selection.rows;
      const total = sel ? sel.length : table.total;
      const out = [];
      for (let k = offset; k < Math.min(total, offset + limit); k++) out.push(table.row(sel ? sel[k]! : k));
      return { total, rows: out };
    },
    export_transactions: async (i) => {
      await sleep(1500);
      const f = i.filter as ListTransactionsInput;
      const sel = table.select(f ?? {});
      return { rows: sel ? sel.length : table.total, path: `/home/you/Documents/coffer-transactions-${iso(new Date())}.${String(i.format)}` };
    },
    get_settings: () => settings,
    save_settings: (i) => {
      const env = i.clientId === '' ? null : ((i.environment as Mode | undefined) ?? settings.environment);
      settings = {
        ...settings, clientId: i.clientId === '' ? null : String(i.clientId ?? settings.clientId), environment: env,
        secretSaved: i.clientId === '' ? false : settings.secretSaved || typeof i.secret === 'string',
        ...(i.products ? { products: i.products as string[] } : {}), ...(i.countryCodes ? { countryCodes: i.countryCodes as string[] } : {}),
        ...(i.daysRequested ? { daysRequested: Number(i.daysRequested) } : {}), ...(i.linkLimit ? { linkLimit: Number(i.linkLimit) } : {}),
        ...(i.signIn ? { signIn: i.signIn as SignIn } : {}),
      };
      return settings;
    },
    test_connection: async (i) => {
      await sleep(600);
      if (i.secret === 'nonet') return fail('NETWORK', 'failed to reach Plaid: dns error', 'Could not reach Plaid. Check your internet connection and try again.');
      if (i.secret && String(i.secret).length < 20) {
        return fail(
          'PLAID', 'failed to create link token',
          'Plaid rejected this client ID and secret. Keys differ per environment: check that these are the keys for this environment, or switch the environment.',
          { errorType: 'INVALID_INPUT', errorCode: PLAID_ERROR_CODES.INVALID_API_KEYS, errorMessage: 'invalid client_id or secret provided', displayMessage: null, requestId: 'Vn3Kp8WqZx1Lm5R' },
        );
      }
      return { environment: i.environment, baseUrl: `https://${String(i.environment)}.plaid.com`, requestId: 'Ok7Rt2Lm9Qp4Xz1' };
    },
    list_events: (i) => events().filter((e) => i.linkId === undefined || e.linkId === i.linkId),
    list_balance_history: () => balanceHistory(links),
    list_spending_by_category: () => (empty ? [] : spending()),
    sandbox_quick_link: async () => (await sleep(500), { linkId: 1 }),
    sandbox_reset_login: async (i) => {
      await sleep(300);
      links = links.map((l) =>
        l.id === i.linkId ? { ...l, status: 'LOGIN_REQUIRED' as const, health: 'NEEDS_RECONNECT' as const, remedy: 'The bank needs you to log in again: choose Reconnect.' } : l,
      );
      void emit('links:changed', { linkIds: [Number(i.linkId)] });
      return null;
    },
    sandbox_fire_webhook: () =>
      fail('PLAID', 'failed to fire webhook', 'The Sandbox cannot fire this webhook for this link.', {
        errorType: 'INVALID_REQUEST', errorCode: PLAID_ERROR_CODES.INVALID_FIELD, errorMessage: 'webhook_code is not valid for this Item', displayMessage: null, requestId: 'Wb4Qn8Lp2Xk7Mz3',
      }),
    sandbox_add_transactions: async () => (await sleep(300), null),
    sandbox_inject_fault: () => null,
    sandbox_clear_faults: () => null,
    ui_ready: () => null,
    // The person's edits and rules: none in the fixture (its rows are Plaid's only).
    list_categories: () => [],
    list_tags: () => [],
    list_rules: () => [],
  };

  mockIPC(
    (cmd, payload) => {
      const h = handlers[cmd];
      if (!h) return Promise.reject(`preview fixture: no command ${cmd}`);
      const p = payload as Record<string, unknown> | undefined;
      return h(((p?.input as Record<string, unknown> | undefined) ?? p ?? {}) as Record<string, unknown>);
    },
    { shouldMockEvents: true },
  );

  if (params.has('syncing') && !empty) {
    setTimeout(() => {
      void emit('sync:started', { linkId: 1 });
      void emit('sync:progress', { linkId: 1, pages: 3, rows: 1842, restarts: 0, hasMore: true });
    }, 50);
  }
  document.title = 'Coffer (preview fixture)';
}
