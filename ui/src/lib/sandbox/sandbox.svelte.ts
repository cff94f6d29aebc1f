/** Sandbox tools (offline and sandbox modes): quick link, reset login, webhooks, transactions, faults. */
import * as cmd from '../backend/commands';
import { SANDBOX_FAULT_CODES, SANDBOX_WEBHOOK_CODES, type NewSandboxTransaction, type SandboxFaultInput } from '../backend/types';
import { describeError } from '../ui/errors';

export type Tool = 'quickLink' | 'resetLogin' | 'webhook' | 'transactions' | 'fault';
export interface ToolResult {
  ok: boolean;
  text: string;
  requestId?: string | null;
}

export const SANDBOX_INSTITUTIONS = [
  { id: 'ins_109508', name: 'First Platypus Bank' },
  { id: 'ins_109509', name: 'First Gingham Credit Union' },
  { id: 'ins_109510', name: 'Tattersall Federal Credit Union' },
  { id: 'ins_109511', name: 'Tartan Bank' },
  { id: 'ins_109512', name: 'Houndstooth Bank' },
  { id: 'ins_127287', name: 'Platypus OAuth Bank' },
];

/** The webhooks the Sandbox can fire (the list is the core's). */
export const WEBHOOK_CODES: readonly string[] = SANDBOX_WEBHOOK_CODES;

export const FAULT_PATHS = ['*', '/transactions/sync', '/accounts/get', '/accounts/balance/get', '/item/get', '/link/token/create', '/item/public_token/exchange', '/item/remove'];
/** The Plaid errors the fault injector offers (the core's list), after '' for none (delay or drop only). */
export const FAULT_CODES: readonly string[] = ['', ...SANDBOX_FAULT_CODES];

export class SandboxStore {
  running = $state<Tool | null>(null);
  results = $state<Partial<Record<Tool, ToolResult>>>({});

  async #run<T>(tool: Tool, ok: string, f: () => Promise<T>): Promise<T | undefined> {
    this.running = tool;
    delete this.results[tool];
    try {
      const out = await f();
      this.results[tool] = { ok: true, text: ok };
      return out;
    } catch (e) {
      const d = describeError(e);
      this.results[tool] = { ok: false, text: d.text, requestId: d.requestId };
      return undefined;
    } finally {
      this.running = null;
    }
  }

  /** Links without Link; resolves to the new link's id (undefined on failure). */
  async quickLink(institutionId: string, username: string, password: string): Promise<number | undefined> {
    const name = SANDBOX_INSTITUTIONS.find((i) => i.id === institutionId)?.name ?? institutionId;
    const out = await this.#run('quickLink', `Linked ${name} without Link. Fetching its transactions…`, () =>
      cmd.sandboxQuickLink({ institutionId, ...(username ? { username } : {}), ...(password ? { password } : {}) }),
    );
    return out?.linkId;
  }
  resetLogin(linkId: number) {
    return this.#run('resetLogin', 'Login reset: the link will show "Needs reconnect" at its next check or sync.', () => cmd.sandboxResetLogin({ linkId }));
  }
  fireWebhook(linkId: number, webhookCode: string) {
    return this.#run('webhook', `Webhook ${webhookCode} fired.`, () => cmd.sandboxFireWebhook({ linkId, webhookCode }));
  }
  addTransactions(linkId: number, transactions: NewSandboxTransaction[]) {
    return this.#run('transactions', `Added ${transactions.length} transaction${transactions.length === 1 ? '' : 's'}; Sync to fetch them.`, () =>
      cmd.sandboxAddTransactions({ linkId, transactions }),
    );
  }
  injectFault(fault: SandboxFaultInput) {
    return this.#run('fault', `Fault armed on ${fault.path}.`, () => cmd.sandboxInjectFault(fault));
  }
  clearFaults() {
    return this.#run('fault', 'All faults cleared.', () => cmd.sandboxClearFaults());
  }
}
