import type { ConversationFilter } from '../../domain.js';
import { defineVendorFilter } from '../vendor-module.js';

export interface MoveworksConversationsFilterSection {
  archived: boolean | null;
}

export const MOVEWORKS_CONVERSATIONS_FILTER = defineVendorFilter({
  key: 'moveworksConversations',
  input: {
    name: 'MoveworksConversationsFilter',
    description: 'Applies to Moveworks Conversations API conversations only.',
    fields: {
      archived: { type: 'Boolean', description: 'Only archived (true) or only active (false); both when left out.' },
    },
  },
  parse: (value): MoveworksConversationsFilterSection => ({ archived: value.archived ?? null }),
});

/**
 * The graph's filter in Moveworks Conversations' terms. The list endpoint
 * filters only by `archived` (false when absent); everything else is local.
 *
 * - `moveworksConversations.archived` true/false: one upstream scan with that
 *   value. Null or absent: all conversations, i.e. the merge of the
 *   `archived=false` and `archived=true` scans (unarchived first on ties).
 * - `createdAt`: refined locally, half-open. Its `from` also ends a scan
 *   early: once `updated_at` falls below `from`, nothing unseen was created
 *   at or after it. An empty range needs no upstream call at all.
 */
export interface MoveworksScanPlan {
  /** One upstream scan per value, in merge order. */
  archived: boolean[];
  /** Local refinement, `fromMs <= createdAt < toMs`; null ends are open. */
  createdAt: { fromMs: number | null; toMs: number | null } | null;
  /** The scan ends once `updated_at` falls below this. */
  stopBelowMs: number | null;
  /** No conversation can match: answer without calling upstream. */
  empty: boolean;
}

export function planScan(filter: ConversationFilter): MoveworksScanPlan {
  const archived = MOVEWORKS_CONVERSATIONS_FILTER.of(filter)?.archived ?? null;
  const fromMs = filter.createdAt?.from?.getTime() ?? null;
  const toMs = filter.createdAt?.to?.getTime() ?? null;
  return {
    archived: archived === null ? [false, true] : [archived],
    createdAt: fromMs === null && toMs === null ? null : { fromMs, toMs },
    stopBelowMs: fromMs,
    empty: fromMs !== null && toMs !== null && fromMs >= toMs,
  };
}

export function inCreatedRange(createdAtMs: number, range: MoveworksScanPlan['createdAt']): boolean {
  if (!range) return true;
  if (range.fromMs !== null && createdAtMs < range.fromMs) return false;
  if (range.toMs !== null && createdAtMs >= range.toMs) return false;
  return true;
}
