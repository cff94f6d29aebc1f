/**
 * What a link's state means for the person looking at it, and what they can do.
 *
 * coffer-core decides a link's health and the remedy (`LinkView.health`, `LinkView.remedy`);
 * this only maps them to a badge. The one state the UI knows of itself is "syncing": a sync
 * of this link is running right now.
 */
import type { LinkHealth, LinkView } from '../backend/types';

export type HealthKind = 'healthy' | 'syncing' | 'reconnect' | 'broken' | 'error' | 'archived';

export interface Health {
  kind: HealthKind;
  /** Short badge text. */
  label: string;
  /** One sentence saying what to do, or null when nothing is needed. */
  hint: string | null;
}

const SHOWN: { readonly [H in LinkHealth]: { kind: HealthKind; label: string } } = {
  HEALTHY: { kind: 'healthy', label: 'Healthy' },
  NEEDS_RECONNECT: { kind: 'reconnect', label: 'Needs reconnect' },
  BROKEN: { kind: 'broken', label: 'Broken' },
  ERROR: { kind: 'error', label: 'Error' },
  ARCHIVED: { kind: 'archived', label: 'Archived' },
};

/**
 * Maps a link (and whether a sync of it is running) to what the UI shows: the core's health
 * with its remedy as the hint. A running sync shows as "Syncing" over a healthy link or one
 * whose last update failed, never over one that needs the person (reconnect, broken) or is
 * archived.
 */
export function linkHealth(link: Pick<LinkView, 'health' | 'remedy' | 'lastSyncStatus'>, syncing: boolean): Health {
  const shown = SHOWN[link.health];
  if (syncing && (shown.kind === 'healthy' || shown.kind === 'error')) return { kind: 'syncing', label: 'Syncing', hint: null };
  if (shown.kind === 'healthy' && !link.remedy && link.lastSyncStatus === 'NOT_READY') {
    return { ...shown, hint: 'The bank is still preparing transactions; they appear on a later sync.' };
  }
  return { ...shown, hint: link.remedy };
}
