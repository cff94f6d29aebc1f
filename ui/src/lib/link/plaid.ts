/** The part of Plaid Link's web SDK the app uses (CONTRACT §4); the offline stand-in has the same API. */

export interface PlaidInstitution {
  name: string;
  institution_id: string;
}

export interface PlaidLinkAccount {
  id: string;
  name: string;
  mask: string | null;
  type: string;
  subtype: string | null;
}

export interface PlaidSuccessMetadata {
  institution: PlaidInstitution | null;
  accounts: PlaidLinkAccount[];
  link_session_id: string;
}

export interface PlaidLinkError {
  error_type: string;
  error_code: string;
  error_message: string;
  display_message: string | null;
}

export interface PlaidExitMetadata {
  institution: PlaidInstitution | null;
  status: string | null;
  link_session_id: string | null;
  request_id: string | null;
}

export interface PlaidCreateConfig {
  token: string;
  onSuccess: (publicToken: string, metadata: PlaidSuccessMetadata) => void;
  onExit?: (error: PlaidLinkError | null, metadata: PlaidExitMetadata) => void;
  onEvent?: (eventName: string, metadata: Record<string, unknown>) => void;
  onLoad?: () => void;
}

export interface PlaidHandler {
  open(): void;
  exit(opts?: { force?: boolean }): void;
  destroy(): void;
}

export interface PlaidGlobal {
  create(config: PlaidCreateConfig): PlaidHandler;
}

declare global {
  interface Window {
    Plaid?: PlaidGlobal;
  }
}
