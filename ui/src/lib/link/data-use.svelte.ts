/**
 * The data-use screen: once, before the first link (embedded Link, Hosted Link or the
 * Sandbox screen's quick link), the person reads what Coffer keeps and where, and that
 * Plaid's End User Privacy Policy applies. `accept_data_use` records it; never shown again.
 */
import * as cmd from '../backend/commands';
import type { SettingsStore } from '../settings/settings.svelte';
import { describeError, type ErrorDisplay } from '../ui/errors';

export class DataUseGate {
  /** The screen is up, waiting for Continue or Not now. */
  open = $state(false);
  accepting = $state(false);
  error = $state<ErrorDisplay | null>(null);

  #settings: SettingsStore;
  #answer: ((ok: boolean) => void) | null = null;

  constructor(settings: SettingsStore) {
    this.#settings = settings;
  }

  /** Resolves to true when the person has accepted (now or before), false for Not now. */
  async ask(): Promise<boolean> {
    if (!this.#settings.view) await this.#settings.load();
    if (this.#settings.view?.dataUseAcceptedAt) return true;
    if (this.#answer) return false; // already asking for another flow
    this.error = null;
    this.open = true;
    return new Promise<boolean>((resolve) => (this.#answer = resolve));
  }

  /** Continue: records the acceptance, then lets the flow that asked go on. */
  async accept(): Promise<void> {
    if (this.accepting) return;
    this.accepting = true;
    this.error = null;
    try {
      this.#settings.applyView(await cmd.acceptDataUse());
      this.#close(true);
    } catch (e) {
      this.error = describeError(e);
    } finally {
      this.accepting = false;
    }
  }

  /** Not now: nothing starts. */
  decline(): void {
    this.#close(false);
  }

  /** Plaid's End User Privacy Policy, in the browser. */
  async openPrivacyPolicy(): Promise<void> {
    try {
      await cmd.openPrivacyPolicy();
    } catch (e) {
      this.error = describeError(e);
    }
  }

  #close(ok: boolean) {
    const answer = this.#answer;
    this.#answer = null;
    this.open = false;
    answer?.(ok);
  }
}
