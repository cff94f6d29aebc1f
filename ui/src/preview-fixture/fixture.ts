/**
 * PREVIEW FIXTURE (not part of the app). A fake backend behind Tauri's `mockIPC`, so the
 * real seam (backend.ts) and every screen run in a plain browser for screenshots. Enabled
 * only in `--mode fixture` builds with `?fixture` in the URL. Options (query parameters):
 * `scenario=empty`, `mode=sandbox|production`, `rows=N` (default 1,000,000), `syncing=1`
 * (link 1 stays mid-sync), `linkfail=1` (the Link script cannot load).
 */
import { mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import type { LinkView, ListTransactionsInput, Mode, SettingsView } from '../lib/backend/types';
import { balanceHistory, events, initialLinks, spending, TransactionTable } from './data';

const FAKE_LINK_JS = `
(() => {
  const css = '.fx-back{position:fixed;inset:0;background:rgba(0,0,0,.45);display:grid;place-items:center;z-index:9999;font-family:system-ui,sans-serif}'
    + '.fx{width:360px;background:#fff;color:#111;border-radius:14px;padding:24px;box-shadow:0 20px 60px rgba(0,0,0,.3)}'
    + '.fx h2{margin:0 0 4px;font-size:18px}.fx p{margin:0 0 16px;color:#555;font-size:13px}'
    + '.fx button{display:block;width:100%;margin:6px 0;padding:10px;border-radius:8px;border:1px solid #ccc;background:#f7f7f7;font-size:14px;cursor:pointer;text-align:left}'
    + '.fx .go{background:#111;color:#fff;text-align:center}';
  window.Plaid = { create(config) {
    let root = null;
    const close = () => { root && root.remove(); root = null; };
    return {
      open() {
        const st = document.createElement('style'); st.textContent = css; document.head.appendChild(st);
        root = document.createElement('div'); root.className = 'fx-back';
        root.innerHTML = '<div class="fx" role="dialog" aria-label="Plaid Link (preview fixture)"><h2>Plaid Link</h2><p>Preview fixture: a stand-in for Link.</p>'
          + '<button data-i="ins_109509">First Gingham Credit Union</button><button data-i="ins_109510">Tattersall Federal Credit Union</button>'
          + '<button class="go" data-x="1">Close</button></div>';
        root.addEventListener('click', (e) => {
          const b = e.target.closest('button'); if (!b) return;
          if (b.dataset.x) { close(); config.onExit && config.onExit(null, { institution: null, status: null, link_session_id: 's', request_id: null }); return; }
          close();
          config.onSuccess('public-sandbox-fixture', { institution: { name: b.textContent, institution_id: b.dataset.i },
            accounts: [{ id: 'new-chk', name: 'Checking', mask: '4321', type: 'depository', subtype: 'checking' }], link_session_id: 's' });
        });
        document.body.appendChild(root);
        root.querySelector('button').focus();
      },
      exit() { close(); config.onExit && config.onExit(null, { institution: null, status: null, link_session_id: 's', request_id: null }); },
      destroy() { close(); },
    };
  } };
})();`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  };
  const scriptUrl = params.has('linkfail')
    ? 'http://127.0.0.1:9/link/v2/stable/link-initialize.js'
    : URL.createObjectURL(new Blob([FAKE_LINK_JS], { type: 'text/javascript' }));

  const fail = (code: string, message: string, plaid?: object) => Promise.reject({ code, message, ...(plaid ? { plaid } : {}) });

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
    exchange_public_token: (i) => {
      const id = nextId++;
      links = [...links, {
        id, name: String(i.institutionName), itemId: `item-${id}`, institutionId: String(i.institutionId), institutionName: String(i.institutionName),
        status: 'ACTIVE', health: 'HEALTHY', remedy: null, products: ['transactions'], lastSyncAt: null, lastSyncStatus: null, lastError: null, createdAt: new Date().toISOString(),
        accounts: [{ accountId: `acc-${id}`, name: 'Checking', officialName: null, mask: '4321', type: 'depository', subtype: 'checking',
          balance: { available: '980.00', current: '1020.00', limit: null, isoCurrencyCode: 'USD', unofficialCurrencyCode: null, fetchedAt: new Date().toISOString(), source: 'accounts_get' } }],
      }];
      void emit('links:changed', { linkIds: [id] });
      return { linkId: id };
    },
    finish_update: (i) => {
      links = links.map((l) => (l.id === i.linkId ? { ...l, status: 'ACTIVE', lastError: null } : l));
      return links.find((l) => l.id === i.linkId);
    },
    open_hosted_link: () => null,
    poll_hosted_link: () => (++polls % 4 === 0 ? { state: 'success', linkId: 1 } : { state: 'pending' }),
    rename_link: (i) => {
      links = links.map((l) => (l.id === i.linkId ? { ...l, name: String(i.name) } : l));
      return links.find((l) => l.id === i.linkId);
    },
    remove_link: async (i) => {
      await sleep(400);
      links = i.keepData ? links.map((l) => (l.id === i.linkId ? { ...l, status: 'ARCHIVED' as const } : l)) : links.filter((l) => l.id !== i.linkId);
      return null;
    },
    refresh_balances: async (i) => {
      await sleep(500);
      return links.filter((l) => l.id === i.linkId);
    },
    sync_transactions: async (i) => {
      const id = Number(i.linkId);
      if (links.find((l) => l.id === id)?.status === 'LOGIN_REQUIRED') {
        return fail('LOGIN_REQUIRED', 'failed to sync transactions: the bank needs you to log in again (reconnect this link)', {
          errorType: 'ITEM_ERROR', errorCode: 'ITEM_LOGIN_REQUIRED', displayMessage: 'The login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information.', requestId: 'Hq7cP2xLmW9sR4t',
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
    'plugin:dialog|save': (raw) => `/home/you/Documents/${String((raw as { options?: { defaultPath?: string } }).options?.defaultPath ?? 'export.csv')}`,
    export_transactions: async (i) => {
      await sleep(1500);
      const f = i.filter as ListTransactionsInput;
      const sel = table.select(f ?? {});
      return { rows: sel ? sel.length : table.total };
    },
    get_settings: () => settings,
    save_settings: (i) => {
      const env = i.clientId === '' ? null : ((i.environment as Mode | undefined) ?? settings.environment);
      settings = {
        ...settings, clientId: i.clientId === '' ? null : String(i.clientId ?? settings.clientId), environment: env,
        secretSaved: i.clientId === '' ? false : settings.secretSaved || typeof i.secret === 'string',
        ...(i.products ? { products: i.products as string[] } : {}), ...(i.countryCodes ? { countryCodes: i.countryCodes as string[] } : {}),
        ...(i.daysRequested ? { daysRequested: Number(i.daysRequested) } : {}), ...(i.linkLimit ? { linkLimit: Number(i.linkLimit) } : {}),
      };
      return settings;
    },
    test_connection: async (i) => {
      await sleep(600);
      if (i.secret === 'nonet') return fail('NETWORK', 'failed to reach Plaid: dns error');
      if (i.secret && String(i.secret).length < 20) {
        return fail('PLAID', 'failed to create link token', { errorType: 'INVALID_INPUT', errorCode: 'INVALID_API_KEYS', displayMessage: null, requestId: 'Vn3Kp8WqZx1Lm5R' });
      }
      return { environment: i.environment, baseUrl: `https://${String(i.environment)}.plaid.com`, requestId: 'Ok7Rt2Lm9Qp4Xz1' };
    },
    list_events: (i) => events().filter((e) => i.linkId === undefined || e.linkId === i.linkId),
    list_balance_history: () => balanceHistory(links),
    list_spending_by_category: () => (empty ? [] : spending()),
    sandbox_quick_link: async () => (await sleep(500), { linkId: 1 }),
    sandbox_reset_login: async (i) => {
      await sleep(300);
      links = links.map((l) => (l.id === i.linkId ? { ...l, status: 'LOGIN_REQUIRED' as const } : l));
      void emit('links:changed', { linkIds: [Number(i.linkId)] });
      return null;
    },
    sandbox_fire_webhook: () => fail('PLAID', 'failed to fire webhook', { errorType: 'INVALID_INPUT', errorCode: 'SANDBOX_WEBHOOK_INVALID', displayMessage: null, requestId: 'Wb4Qn8Lp2Xk7Mz3' }),
    sandbox_add_transactions: async () => (await sleep(300), null),
    sandbox_inject_fault: () => null,
    sandbox_clear_faults: () => null,
    ui_ready: () => null,
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
