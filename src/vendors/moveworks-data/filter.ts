import type { ConversationFilter } from '../../domain.js';
import { filterList } from '../filter-values.js';
import { defineVendorFilter } from '../vendor-module.js';
import { and, compare, datetime, inList, string, type Expression } from './odata.js';
import type { ConversationField } from './query.js';

export interface MoveworksDataFilterSection {
  userIds: string[] | null;
  routes: string[] | null;
  primaryDomains: string[] | null;
}

export const MOVEWORKS_DATA_FILTER = defineVendorFilter({
  key: 'moveworksData',
  input: {
    name: 'MoveworksDataFilter',
    description: 'Applies to Moveworks Data API conversations only.',
    fields: {
      userIds: { type: 'String', list: true },
      routes: { type: 'String', list: true },
      primaryDomains: { type: 'String', list: true },
    },
  },
  parse: (value, argument): MoveworksDataFilterSection => ({
    userIds: filterList(value.userIds, `${argument}.userIds`),
    routes: filterList(value.routes, `${argument}.routes`),
    primaryDomains: filterList(value.primaryDomains, `${argument}.primaryDomains`),
  }),
});

export type ConversationScope =
  /** A filter that no conversation can match (an empty list): no upstream call at all. */
  | { matchesNothing: true }
  | { matchesNothing: false; filter: Expression<ConversationField> | null };

/**
 * The graph's filter in OData terms. Everything is pushed down exactly:
 * `createdAt` is the half-open `created_time ge from and created_time lt to`,
 * each list of the `moveworksData` section is an `in (…)`, sections AND-ed.
 */
export function conversationScope(filter: ConversationFilter): ConversationScope {
  const parts: Expression<ConversationField>[] = [];
  const range = filter.createdAt;
  if (range?.from) parts.push(compare('created_time', 'ge', datetime(range.from)));
  if (range?.to) parts.push(compare('created_time', 'lt', datetime(range.to)));
  const section = MOVEWORKS_DATA_FILTER.of(filter);
  const lists: [ConversationField, string[] | null | undefined][] = [
    ['user_id', section?.userIds],
    ['route', section?.routes],
    ['primary_domain', section?.primaryDomains],
  ];
  for (const [field, values] of lists) {
    if (!values) continue;
    const distinct = [...new Set(values)];
    if (distinct.length === 0) return { matchesNothing: true };
    parts.push(distinct.length === 1 ? compare(field, 'eq', string(distinct[0] as string)) : inList(field, distinct.map(string)));
  }
  return { matchesNothing: false, filter: parts.length === 0 ? null : and(...parts) };
}

/**
 * Moveworks Data's `created_time` compared in `$filter` as an ISO instant; its docs say neither how finely
 * the vendor stores it nor more than "date-time", and the graph reads it to the millisecond: range keysets
 * over-ask by one millisecond (ranged.ts) and drop what they have shown.
 */
export const MOVEWORKS_DATA_RANGE_PRECISION_MS = 1;

/**
 * The user's filter cut at a walk's bound (`overAskedCut`'s instant), AND-ed with it: forward,
 * `created_time le` the instant (read newest first); backward, `created_time ge` it (read oldest first).
 */
export function cutScope(
  filter: Expression<ConversationField> | null,
  direction: 'forward' | 'backward',
  ms: number,
): Expression<ConversationField> {
  const cut = compare<ConversationField>('created_time', direction === 'forward' ? 'le' : 'ge', datetime(new Date(ms)));
  return filter ? and(filter, cut) : cut;
}
