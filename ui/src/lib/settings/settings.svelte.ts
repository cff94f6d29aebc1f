/**
 * Settings: Plaid environment and keys, products, countries, history, link limit, and where
 * people sign in to banks (saved on its own, at once). One store for the app: the Link flow
 * reads `view.signIn` and `view.dataUseAcceptedAt` from it.
 * The secret is write-only: typed into {@link SettingsStore.secretDraft}, sent once with
 * `save_settings` (it goes to the keychain), then cleared. Nothing the backend returns is
 * ever put back into the secret field.
 */
import * as cmd from '../backend/commands';
import type { Mode, SettingsInput, SettingsView, SignIn } from '../backend/types';
import { describeError, type ErrorDisplay } from '../ui/errors';

export const PRODUCTS = [
  { id: 'transactions', label: 'Transactions' },
  { id: 'auth', label: 'Auth (account and routing numbers)' },
  { id: 'identity', label: 'Identity' },
  { id: 'liabilities', label: 'Liabilities' },
  { id: 'investments', label: 'Investments' },
] as const;

/** The countries Plaid's /link/token/create accepts (settings.rs COUNTRY_CODES). */
export const COUNTRIES: { code: string; name: string }[] = [
  ['US', 'United States'], ['CA', 'Canada'], ['GB', 'United Kingdom'], ['IE', 'Ireland'], ['FR', 'France'],
  ['ES', 'Spain'], ['NL', 'Netherlands'], ['DE', 'Germany'], ['IT', 'Italy'], ['PL', 'Poland'],
  ['DK', 'Denmark'], ['NO', 'Norway'], ['SE', 'Sweden'], ['EE', 'Estonia'], ['LT', 'Lithuania'],
  ['LV', 'Latvia'], ['PT', 'Portugal'], ['BE', 'Belgium'], ['AT', 'Austria'], ['FI', 'Finland'],
].map(([code, name]) => ({ code: code!, name: name! }));

export const ENV_LABEL: Record<Mode, string> = { offline: 'Offline demo', sandbox: 'Plaid Sandbox', production: 'Plaid Production' };

export const SIGN_IN_CHOICES: { id: SignIn; label: string; text: string }[] = [
  { id: 'app', label: 'In Coffer', text: 'Plaid Link opens in a Coffer window; banks that sign you in on their own site continue in your browser.' },
  { id: 'browser', label: 'In your browser', text: 'Recommended with real banks; some banks, Chase among them, refuse sign-in inside apps.' },
];

export type TestResult = { ok: true; text: string } | { ok: false; error: ErrorDisplay };

export class SettingsStore {
  view = $state<SettingsView | null>(null);
  loadError = $state<ErrorDisplay | null>(null);

  environment = $state<Mode>('offline');
  clientId = $state('');
  /** Write-only: what the person typed; never filled from the backend. */
  secretDraft = $state('');
  products = $state<string[]>(['transactions']);
  countryCodes = $state<string[]>(['US']);
  daysRequested = $state(730);
  linkLimit = $state(10);
  /** Where people sign in to banks; saved as soon as it changes ({@link saveSignIn}). */
  signIn = $state<SignIn>('app');
  savingSignIn = $state(false);
  signInError = $state<ErrorDisplay | null>(null);

  saving = $state(false);
  saveError = $state<ErrorDisplay | null>(null);
  savedAt = $state<number | null>(null);
  testing = $state(false);
  testResult = $state<TestResult | null>(null);

  /** Reads the settings; the form starts afresh (nothing typed or reported is kept). */
  async load(): Promise<void> {
    this.secretDraft = '';
    this.saveError = null;
    this.savedAt = null;
    this.testResult = null;
    this.signInError = null;
    try {
      this.#fill(await cmd.getSettings());
      this.loadError = null;
    } catch (e) {
      this.loadError = describeError(e);
    }
  }

  /**
   * Takes a view the backend returned outside this form's Save (data use accepted, sign-in
   * saved): the fields being edited stay as they are.
   */
  applyView(v: SettingsView) {
    this.view = {
      mode: v.mode,
      clientId: v.clientId,
      environment: v.environment,
      secretSaved: v.secretSaved,
      countryCodes: [...v.countryCodes],
      daysRequested: v.daysRequested,
      products: [...v.products],
      linkLimit: v.linkLimit,
      envOverrides: [...v.envOverrides],
      baseUrl: v.baseUrl,
      signIn: v.signIn,
      dataUseAcceptedAt: v.dataUseAcceptedAt,
    };
    this.signIn = v.signIn;
  }

  /** Copies the known, non-secret fields of a view into the form. */
  #fill(v: SettingsView) {
    this.applyView(v);
    this.environment = v.clientId && v.environment ? v.environment : 'offline';
    this.clientId = v.clientId ?? '';
    this.products = [...v.products];
    this.countryCodes = [...v.countryCodes];
    this.daysRequested = v.daysRequested;
    this.linkLimit = v.linkLimit;
  }

  /** Whether an environment variable decides this setting (the field is read-only then). */
  overridden(name: 'PLAID_CLIENT_ID' | 'PLAID_SECRET' | 'PLAID_ENV'): boolean {
    return this.view?.envOverrides.includes(name) ?? false;
  }

  /** A secret is stored for the environment as saved (typing a new one replaces it). */
  get secretStored(): boolean {
    return !!this.view?.secretSaved && this.view.environment === this.environment;
  }

  /** The saved environment differs from the one Coffer is running in. */
  get restartNeeded(): boolean {
    return !!this.view && this.view.mode !== this.#savedEnvironment();
  }

  #savedEnvironment(): Mode {
    const v = this.view;
    return v?.clientId && v.environment ? v.environment : 'offline';
  }

  /** Field problems, by field name; empty when the form can be saved. */
  get problems(): Partial<Record<'clientId' | 'secret' | 'products' | 'countryCodes' | 'daysRequested' | 'linkLimit', string>> {
    const p: ReturnType<() => SettingsStore['problems']> = {};
    if (this.environment !== 'offline') {
      const id = this.clientId.trim();
      if (!id) p.clientId = 'Enter your Plaid client ID.';
      else if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) p.clientId = 'A client ID has only letters and digits.';
      if (!this.secretDraft && !this.secretStored && !this.overridden('PLAID_SECRET')) {
        p.secret = `Enter the ${this.environment === 'sandbox' ? 'Sandbox' : 'Production'} secret.`;
      } else if (this.secretDraft && !/^[A-Za-z0-9_-]{1,256}$/.test(this.secretDraft)) {
        p.secret = 'A secret has only letters and digits.';
      }
    }
    if (this.products.length === 0) p.products = 'Choose at least one product.';
    if (this.countryCodes.length === 0) p.countryCodes = 'Choose at least one country.';
    if (!Number.isInteger(this.daysRequested) || this.daysRequested < 1 || this.daysRequested > 730) p.daysRequested = 'Between 1 and 730 days.';
    if (!Number.isInteger(this.linkLimit) || this.linkLimit < 1 || this.linkLimit > 1000) p.linkLimit = 'Between 1 and 1000.';
    return p;
  }

  /**
   * What `save_settings` receives: the secret only when one was typed; `products` only when
   * changed (the core's `SettingsInput` does not take it yet).
   */
  input(): SettingsInput {
    const saved = this.view?.products ?? [];
    const productsChanged = saved.length !== this.products.length || this.products.some((p) => !saved.includes(p));
    const common = {
      ...(productsChanged ? { products: [...this.products] } : {}),
      countryCodes: [...this.countryCodes],
      daysRequested: this.daysRequested,
      linkLimit: this.linkLimit,
    };
    if (this.environment === 'offline') return { clientId: '', ...common };
    return {
      clientId: this.clientId.trim(),
      environment: this.environment,
      ...(this.secretDraft ? { secret: this.secretDraft } : {}),
      ...common,
    };
  }

  async save(): Promise<boolean> {
    if (Object.keys(this.problems).length > 0) return false;
    this.saving = true;
    this.saveError = null;
    try {
      const v = await cmd.saveSettings(this.input());
      this.secretDraft = '';
      this.#fill(v);
      this.savedAt = Date.now();
      return true;
    } catch (e) {
      this.saveError = describeError(e);
      return false;
    } finally {
      this.saving = false;
    }
  }

  /** Saves where people sign in to banks, on its own (the rest of the form is not sent). */
  async saveSignIn(choice: SignIn): Promise<void> {
    const before = this.view?.signIn ?? this.signIn;
    this.signIn = choice;
    this.savingSignIn = true;
    this.signInError = null;
    try {
      this.applyView(await cmd.saveSettings({ signIn: choice }));
    } catch (e) {
      this.signInError = describeError(e);
      this.signIn = before;
    } finally {
      this.savingSignIn = false;
    }
  }

  /** Calls Plaid with the keys in the form (or the saved ones) and says exactly what is wrong. */
  async test(): Promise<void> {
    if (this.environment === 'offline') {
      this.testResult = { ok: true, text: 'Offline mode needs no keys: Coffer uses its built-in Plaid sandbox.' };
      return;
    }
    const env = this.environment;
    const name = env === 'sandbox' ? 'Sandbox' : 'Production';
    this.testing = true;
    this.testResult = null;
    try {
      const r = await cmd.testConnection({
        environment: env,
        ...(this.clientId.trim() ? { clientId: this.clientId.trim() } : {}),
        ...(this.secretDraft ? { secret: this.secretDraft } : {}),
      });
      this.testResult = { ok: true, text: `Connected to Plaid ${name} (${r.baseUrl}). These keys work.` };
    } catch (e) {
      // What Plaid said about the keys is the core's remedy; only "unreachable" names the environment.
      const d = describeError(e);
      const text = d.code === 'NETWORK' ? `Could not reach Plaid ${name}. Check your internet connection (or a proxy or firewall).` : d.text;
      this.testResult = { ok: false, error: { ...d, text } };
    } finally {
      this.testing = false;
    }
  }
}
