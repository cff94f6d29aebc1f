/**
 * The Link window's commands: the only three its capability allows. Same seam as the main
 * window (backend.ts), its own wrappers: this page imports nothing else of the app.
 */
import { backend } from '../lib/backend/backend';
import type { ExchangeInput, LinkExitReport, LinkSessionView } from '../lib/backend/types';

/** The link token and the Link script of the mode, for the session Rust opened this window for. */
export const linkSession = () => backend.call<LinkSessionView>('link_session');
/** Link's onSuccess: Rust exchanges (new link) or finishes update mode, then closes the window. */
export const linkSuccess = (input: ExchangeInput) => backend.call<null>('link_success', input);
/** Link's onExit, or a script that did not load: Rust tells the main window and closes this one. */
export const linkExit = (input: LinkExitReport) => backend.call<null>('link_exit', input);
