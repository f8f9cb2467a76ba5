import { detailsOf, type Conversation, type ConversationFilter } from '../../domain.js';
import type { SymblDetails } from './mapper.js';
import { splitWindow, type OffsetWindow } from '../../streams/offsets.js';
import { SYMBL_MAX_LIMIT, type SymblListQuery } from './client.js';
import {
  SYMBL_MAX_SELECTORS,
  isSafeMetadataKey,
  renderRsql,
  selectorName,
  type RsqlComparison,
} from './rsql.js';
import { filterList, filterText } from '../filter-values.js';
import { defineVendorFilter } from '../vendor-module.js';

export interface SymblFilterSection {
  types: string[] | null;
  nameContains: string | null;
  metadata: Record<string, string> | null;
}

export const SYMBL_FILTER = defineVendorFilter({
  key: 'symbl',
  input: {
    name: 'SymblFilter',
    description: 'Applies to Symbl conversations only.',
    fields: {
      types: { type: 'String', list: true, description: 'Conversation types, e.g. meeting.' },
      nameContains: { type: 'String', description: 'Case-insensitive substring of the name.' },
      metadata: {
        type: { name: 'MetadataEntry', fields: { key: { type: 'String', required: true }, value: { type: 'String', required: true } } },
        list: true,
        description: 'Every entry must match exactly.',
      },
    },
  },
  parse: (value, argument): SymblFilterSection => {
    const metadata = value.metadata ? Object.fromEntries(value.metadata.map((entry) => [entry.key, entry.value])) : null;
    return {
      types: filterList(value.types, `${argument}.types`),
      nameContains: filterText(value.nameContains),
      metadata: metadata && Object.keys(metadata).length > 0 ? metadata : null,
    };
  },
});

/**
 * The graph's filter in Symbl's terms.
 *
 * - `createdAt.from` goes into the `startTime` parameter (it filters the
 *   conversation's startTime, >=, exactly the half-open lower bound). It is
 *   ALWAYS sent — 1970-01-01 when the graph has no lower bound — because the
 *   vendor otherwise applies `startTime = endTime - 7 days` and silently
 *   drops older conversations.
 * - `endTime` is never sent: it filters the conversation's endTime, not its
 *   start. Its default (now) stays, so conversations still running (endTime
 *   in the future) are not listed — a vendor limitation.
 * - Everything else becomes RSQL comparisons, by priority, as long as at most
 *   two distinct selectors are used: `createdAt.to` as
 *   `conversation.startTime=lt=`, then `types` as `conversation.type=in=`,
 *   then `metadata` entries (by key) as `metadata.<key>==`. Metadata keys that
 *   are not plain selectors, and `nameContains` (RSQL has no "contains"),
 *   stay local.
 * - `keep` re-checks the whole filter locally (pushed parts included), so a
 *   vendor reading a value differently (RSQL wildcards, case folding) can only
 *   cost a shorter page, never a wrong item.
 */

export const SYMBL_EPOCH = '1970-01-01T00:00:00.000Z';

export interface SymblListParams {
  startTime: string;
  filter: string | null;
}

export interface SymblQueryPlan {
  /** Nothing can match: answer an empty stream without calling the vendor. */
  empty: boolean;
  params: SymblListParams;
  /** The whole filter as a local predicate; null when the filter has no condition at all. */
  keep: ((conversation: Conversation) => boolean) | null;
  /** Constraint names, for tests and docs: what went upstream and what is refined locally only. */
  pushed: string[];
  localOnly: string[];
}

interface Constraint {
  name: string;
  /** RSQL comparison when it can be pushed down (counts against the selector budget). */
  comparison: RsqlComparison | null;
  test: (conversation: Conversation, details: SymblDetails) => boolean;
}

function symblDetailsOf(conversation: Conversation): SymblDetails | null {
  return detailsOf<SymblDetails>(conversation, 'SYMBL');
}

export function planSymblQuery(filter: ConversationFilter, nowMs: number): SymblQueryPlan {
  const from = filter.createdAt?.from ?? null;
  const to = filter.createdAt?.to ?? null;
  const symbl = SYMBL_FILTER.of(filter);
  const types = symbl?.types ? [...new Set(symbl.types)] : null;
  const nameContains = symbl?.nameContains ? symbl.nameContains : null;
  const metadata = Object.entries(symbl?.metadata ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const epochMs = Date.parse(SYMBL_EPOCH);
  const startMs = from ? Math.max(from.getTime(), epochMs) : epochMs;

  const empty =
    (types !== null && types.length === 0) ||
    (to !== null && to.getTime() <= startMs) ||
    // The vendor answers 400 for a startTime that is not in the past: nothing can have started yet.
    (from !== null && from.getTime() >= nowMs);

  const constraints: Constraint[] = [];
  if (from) {
    // Pushed as the startTime parameter, not as RSQL: costs no selector.
    constraints.push({ name: 'createdAt.from', comparison: null, test: (c) => c.createdAt.getTime() >= from.getTime() });
  }
  if (to) {
    constraints.push({
      name: 'createdAt.to',
      comparison: { selector: { kind: 'conversation', field: 'startTime' }, operator: '=lt=', values: [to] },
      test: (c) => c.createdAt.getTime() < to.getTime(),
    });
  }
  if (types && types.length > 0) {
    constraints.push({
      name: 'types',
      comparison: {
        selector: { kind: 'conversation', field: 'type' },
        operator: types.length === 1 ? '==' : '=in=',
        values: types,
      },
      test: (_c, details) => details.type !== null && types.includes(details.type),
    });
  }
  for (const [key, value] of metadata) {
    constraints.push({
      name: `metadata.${key}`,
      comparison: isSafeMetadataKey(key) ? { selector: { kind: 'metadata', key }, operator: '==', values: [value] } : null,
      test: (_c, details) => details.metadata[key] === value,
    });
  }
  if (nameContains) {
    const needle = nameContains.toLowerCase();
    constraints.push({
      name: 'nameContains',
      comparison: null,
      test: (_c, details) => (details.name ?? '').toLowerCase().includes(needle),
    });
  }

  const pushedComparisons: RsqlComparison[] = [];
  const selectors = new Set<string>();
  const pushed: string[] = [];
  const localOnly: string[] = [];
  for (const constraint of constraints) {
    if (constraint.name === 'createdAt.from') {
      pushed.push(constraint.name);
      continue;
    }
    const comparison = constraint.comparison;
    const selector = comparison ? selectorName(comparison.selector) : null;
    if (comparison && selector && (selectors.has(selector) || selectors.size < SYMBL_MAX_SELECTORS)) {
      selectors.add(selector);
      pushedComparisons.push(comparison);
      pushed.push(constraint.name);
    } else {
      localOnly.push(constraint.name);
    }
  }

  const keep =
    constraints.length === 0
      ? null
      : (conversation: Conversation): boolean => {
          const details = symblDetailsOf(conversation);
          return details !== null && constraints.every((constraint) => constraint.test(conversation, details));
        };

  return {
    empty,
    params: { startTime: new Date(startMs).toISOString(), filter: renderRsql({ and: pushedComparisons }) },
    keep,
    pushed,
    localOnly,
  };
}

export const SYMBL_SORT = 'conversation.startTime';

/** The upstream requests that fetch one offset window: newest first (or oldest first, a range keyset backward), explicit startTime, at most 65536 per call. */
export function symblListQueries(params: SymblListParams, window: OffsetWindow, order: 'asc' | 'desc' = 'desc'): SymblListQuery[] {
  return splitWindow(window, SYMBL_MAX_LIMIT).map((part) => ({
    limit: part.limit,
    offset: part.offset,
    order,
    sort: SYMBL_SORT,
    startTime: params.startTime,
    ...(params.filter !== null ? { filter: params.filter } : {}),
  }));
}
