/** App-wide state: the status of the backend (mode, Link script) and the current screen. */
import * as cmd from './backend/commands';
import type { StatusView } from './backend/types';
import { describeError, type ErrorDisplay } from './ui/errors';

export type Screen = 'accounts' | 'transactions' | 'rules' | 'categories' | 'charts' | 'activity' | 'sandbox' | 'settings';
export const SCREENS: { id: Screen; label: string }[] = [
  { id: 'accounts', label: 'Accounts' },
  { id: 'transactions', label: 'Transactions' },
  { id: 'rules', label: 'Rules' },
  { id: 'categories', label: 'Categories' },
  { id: 'charts', label: 'Charts' },
  { id: 'activity', label: 'Activity' },
  { id: 'sandbox', label: 'Sandbox tools' },
  { id: 'settings', label: 'Settings' },
];

export function screenFromHash(hash: string): Screen {
  const id = hash.replace(/^#\/?/, '');
  return SCREENS.some((s) => s.id === id) ? (id as Screen) : 'accounts';
}

export class AppState {
  status = $state<StatusView | null>(null);
  statusError = $state<ErrorDisplay | null>(null);
  screen = $state<Screen>('accounts');

  async loadStatus(): Promise<void> {
    try {
      this.status = await cmd.getStatus();
      this.statusError = null;
    } catch (e) {
      this.statusError = describeError(e);
    }
  }

  /** Sandbox tools exist in offline and sandbox modes only. */
  get sandboxTools(): boolean {
    return this.status !== null && this.status.mode !== 'production';
  }

  get screens() {
    return SCREENS.filter((s) => s.id !== 'sandbox' || this.sandboxTools);
  }
}
