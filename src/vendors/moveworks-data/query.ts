import type { OffsetWindow } from '../../streams/offsets.js';
import {
  compare,
  inList,
  renderFilter,
  renderOrderBy,
  renderSelect,
  string,
  type Expression,
  type OrderKey,
} from './odata.js';

/**
 * Every upstream request the Moveworks Data adapter makes, as pure functions
 * from what the graph wants to OData query parameters.
 */

export const CONVERSATION_FIELDS = ['id', 'user_id', 'primary_domain', 'route', 'created_time', 'last_updated_time'] as const;
export type ConversationField = (typeof CONVERSATION_FIELDS)[number];
export const USER_FIELDS = ['id', 'first_name', 'last_name', 'email_addr', 'full_name', 'department', 'role'] as const;
export type UserField = (typeof USER_FIELDS)[number];
export const INTERACTION_FIELDS = ['id', 'conversation_id', 'user_id', 'type', 'actor', 'created_time', 'details'] as const;
export type InteractionField = (typeof INTERACTION_FIELDS)[number];

/** What the mapper reads, and nothing more. */
export const CONVERSATION_SELECT: readonly ConversationField[] = CONVERSATION_FIELDS;
export const USER_SELECT: readonly UserField[] = USER_FIELDS;
export const INTERACTION_SELECT: readonly InteractionField[] = ['id', 'conversation_id', 'user_id', 'actor', 'created_time', 'details'];

/** Newest first; ids break ties so offsets are stable across requests. */
export const CONVERSATION_ORDER: readonly OrderKey<ConversationField>[] = [
  { field: 'created_time', direction: 'desc' },
  { field: 'id', direction: 'desc' },
];
/** Oldest first, ids breaking ties. */
export const INTERACTION_ORDER: readonly OrderKey<InteractionField>[] = [
  { field: 'created_time', direction: 'asc' },
  { field: 'id', direction: 'asc' },
];

export type Query = Record<string, string>;

function withFilter<F extends string>(query: Query, filter: Expression<F> | null, allowed: readonly F[]): Query {
  return filter ? { $filter: renderFilter(filter, allowed), ...query } : query;
}

/** Oldest first, ids breaking ties: the conversations' order reversed (a backward cut, ranged.ts). */
export const CONVERSATION_ORDER_ASCENDING: readonly OrderKey<ConversationField>[] = CONVERSATION_ORDER.map(({ field }) => ({
  field,
  direction: 'asc',
}));

/** One window of conversations, newest first (or oldest first), with the total of the filtered set. */
export function conversationWindowQuery(
  filter: Expression<ConversationField> | null,
  window: OffsetWindow,
  order: 'desc' | 'asc' = 'desc',
): Query {
  return withFilter(
    {
      $select: renderSelect(CONVERSATION_SELECT, CONVERSATION_FIELDS),
      $orderby: renderOrderBy(order === 'desc' ? CONVERSATION_ORDER : CONVERSATION_ORDER_ASCENDING, CONVERSATION_FIELDS),
      $top: String(window.limit),
      $skip: String(window.offset),
      $count: 'true',
    },
    filter,
    CONVERSATION_FIELDS,
  );
}

/** The total of the filtered set, no rows. */
export function conversationCountQuery(filter: Expression<ConversationField> | null): Query {
  return withFilter({ $top: '0', $count: 'true' }, filter, CONVERSATION_FIELDS);
}

/** Conversations by id (node look-ups). */
export function conversationsByIdQuery(ids: readonly string[]): Query {
  return withFilter(
    { $select: renderSelect(CONVERSATION_SELECT, CONVERSATION_FIELDS) },
    byIds('id', ids),
    CONVERSATION_FIELDS,
  );
}

/** Users by id (creators, members, senders). */
export function usersByIdQuery(ids: readonly string[]): Query {
  return withFilter({ $select: renderSelect(USER_SELECT, USER_FIELDS) }, byIds('id', ids), USER_FIELDS);
}

/** Interactions of many conversations, oldest first. */
export function interactionsByConversationQuery(conversationIds: readonly string[]): Query {
  return withFilter(
    {
      $select: renderSelect(INTERACTION_SELECT, INTERACTION_FIELDS),
      $orderby: renderOrderBy(INTERACTION_ORDER, INTERACTION_FIELDS),
    },
    byIds('conversation_id', conversationIds),
    INTERACTION_FIELDS,
  );
}

function byIds<F extends string>(field: F, ids: readonly string[]): Expression<F> {
  return ids.length === 1 ? compare(field, 'eq', string(ids[0] as string)) : inList(field, ids.map(string));
}

/** Length of the query string exactly as HttpClient sends it (URLSearchParams encoding). */
export function encodedLength(query: Query): number {
  return new URLSearchParams(query).toString().length;
}

/**
 * Splits keys into as few consecutive chunks as possible whose query string
 * stays within `budget` characters. A single key that alone exceeds the
 * budget still gets its own chunk (the vendor then decides).
 */
export function chunkByQueryLength<K>(keys: readonly K[], build: (chunk: readonly K[]) => Query, budget: number): K[][] {
  const chunks: K[][] = [];
  let current: K[] = [];
  for (const key of keys) {
    const candidate = [...current, key];
    if (current.length > 0 && encodedLength(build(candidate)) > budget) {
      chunks.push(current);
      current = [key];
    } else {
      current = candidate;
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
