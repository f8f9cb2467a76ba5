import type { OrderedStream, Position, StreamChunk, StreamItem } from '../port.js';
import { parseInstant } from '../../domain.js';
import { compareKeys, isScanKey, type ScanKey, type UpstreamPage } from './watermark.js';

/**
 * The messages of one conversation, oldest first (the graph's order), over an
 * endpoint that lists them newest first through forward cursors.
 *
 * A position is a boundary between two messages: `k` is the key of the
 * message just after it in the graph's order (the older side holds the
 * messages with a smaller key; null: past the newest message), `c` an
 * upstream cursor at or before the boundary (null: the newest message), and
 * `s` how many messages upstream lists from `c` before the boundary, so a
 * request from `c` with `limit = s + n` reaches exactly the `n` messages
 * before it. Messages from `c` on whose key is at or above `k` are dropped,
 * so a stale `s` costs at most an extra request, never a wrong page.
 *
 * - `backward(end, n)` (Relay `last`/`before`) maps onto upstream cursors:
 *   `limit = s + n` from `c` (`s = 0` from the end or from a boundary that
 *   fell at an upstream page end): one request per page while `s + n <= 100`.
 * - `forward(start, n)` (Relay `first`/`after`) needs the whole list: newest
 *   first, the oldest message is the last one upstream. It loads every page
 *   (limit 100) once per conversation and GraphQL request (`ceil(N / 100)`
 *   requests, shared by every forward call and by `count()`), then slices.
 *   A backward call after that slices the loaded list too.
 */

/** Upstream's page size cap. */
export const MESSAGES_MAX_LIMIT = 100;

export interface MessagePosition {
  c: string | null;
  k: ScanKey | null;
  s: number;
}

/** The boundary past the newest message: where a backward walk starts. */
export const NEWEST_END: MessagePosition = { c: null, k: null, s: 0 };

export function isMessagePosition(value: unknown): value is MessagePosition & Position {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  if (Object.keys(record).length !== 3) return false;
  return (
    (record.c === null || typeof record.c === 'string') &&
    (record.k === null || isScanKey(record.k)) &&
    typeof record.s === 'number' &&
    Number.isInteger(record.s) &&
    record.s >= 0 &&
    record.s <= MESSAGES_MAX_LIMIT
  );
}

/** The first upstream request of a backward walk of `count` messages ending at `end`. */
export function backwardRequest(end: MessagePosition, count: number): { cursor: string | null; limit: number } {
  return { cursor: end.c, limit: Math.max(1, Math.min(MESSAGES_MAX_LIMIT, end.s + count)) };
}

/** A message with the boundary just before it (its older side). */
export interface Placed<T> {
  item: T;
  before: MessagePosition;
}

export interface MessageSource<T> {
  /** One upstream page, newest first. */
  fetchPage(cursor: string | null, limit: number): Promise<UpstreamPage<T>>;
  /** Every message, newest first as upstream lists them, each placed. Loaded once per request. */
  loadAll(): Promise<Placed<T>[]>;
  /** Whether `loadAll` was already called in this request (then backward slices it too). */
  loaded(): boolean;
  key(item: T): { ms: number; id: string };
  orderViolation(): Error;
}

function toKey(key: { ms: number; id: string }): ScanKey {
  return [new Date(key.ms).toISOString(), key.id];
}

function fromKey(key: ScanKey): { ms: number; id: string } {
  return { ms: parseInstant(key[0]), id: key[1] };
}

const asPosition = (position: MessagePosition): Position => ({ c: position.c, k: position.k, s: position.s });

/**
 * Places the messages of one upstream page fetched from `cursor`: the
 * boundary before a message is `{ cursor, k, s: index + 1 }`, or the page's
 * next cursor with `s = 0` when the message ends the page.
 */
export function placePage<T>(
  page: UpstreamPage<T>,
  cursor: string | null,
  key: (item: T) => { ms: number; id: string },
): Placed<T>[] {
  return page.items.map((item, index) => {
    const k = toKey(key(item));
    const atEnd = index === page.items.length - 1 && page.nextCursor !== null;
    return { item, before: atEnd ? { c: page.nextCursor, k, s: 0 } : { c: cursor, k, s: index + 1 } };
  });
}

/** Loads every page (limit 100), checking upstream's order as it goes. */
export async function loadAllPages<T>(
  fetchPage: (cursor: string | null, limit: number) => Promise<UpstreamPage<T>>,
  key: (item: T) => { ms: number; id: string },
  orderViolation: () => Error,
): Promise<Placed<T>[]> {
  const placed: Placed<T>[] = [];
  let cursor: string | null = null;
  let previous: { ms: number; id: string } | null = null;
  for (;;) {
    const page = await fetchPage(cursor, MESSAGES_MAX_LIMIT);
    for (const item of page.items) {
      const current = key(item);
      if (previous && compareKeys(previous, current) >= 0) throw orderViolation();
      previous = current;
    }
    placed.push(...placePage(page, cursor, key));
    if (page.nextCursor === null) return placed;
    cursor = page.nextCursor;
  }
}

export function createMessageStream<T>(source: MessageSource<T>): OrderedStream<T> {
  const parse = (value: Position | null): MessagePosition | null => {
    if (value === null) return null;
    if (!isMessagePosition(value)) throw new TypeError('not a message position');
    return value;
  };
  /** Oldest first, with the index of the first message at or above the boundary. */
  const loadOldestFirst = async (boundary: MessagePosition | null): Promise<{ list: Placed<T>[]; index: number }> => {
    const list = (await source.loadAll()).slice().reverse();
    if (boundary === null) return { list, index: 0 };
    if (boundary.k === null) return { list, index: list.length };
    const k = fromKey(boundary.k);
    const index = list.findIndex((entry) => compareKeys(source.key(entry.item), k) <= 0);
    return { list, index: index === -1 ? list.length : index };
  };
  const beforeOf = (list: Placed<T>[], index: number): MessagePosition => list[index]?.before ?? NEWEST_END;

  return {
    isPosition: isMessagePosition,
    count: async () => (await source.loadAll()).length,

    async forward(startPosition, count): Promise<StreamChunk<T>> {
      const start = parse(startPosition);
      const { list, index } = await loadOldestFirst(start);
      const stop = Math.min(list.length, index + Math.max(0, count));
      const items: StreamItem<T>[] = [];
      for (let i = index; i < stop; i += 1) {
        items.push({ item: (list[i] as Placed<T>).item, before: asPosition(beforeOf(list, i)), after: asPosition(beforeOf(list, i + 1)) });
      }
      const next = items.length > 0 ? asPosition(beforeOf(list, stop)) : asPosition(start ?? beforeOf(list, index));
      return { items, next, hasMore: stop < list.length };
    },

    async backward(endPosition, count): Promise<StreamChunk<T>> {
      const end = parse(endPosition) ?? NEWEST_END;
      if (source.loaded()) {
        const { list, index } = await loadOldestFirst(end);
        const from = Math.max(0, index - Math.max(0, count));
        const items: StreamItem<T>[] = [];
        for (let i = index - 1; i >= from; i -= 1) {
          items.push({ item: (list[i] as Placed<T>).item, before: asPosition(beforeOf(list, i)), after: asPosition(beforeOf(list, i + 1)) });
        }
        const next = items.length > 0 ? asPosition(beforeOf(list, from)) : asPosition(end);
        return { items, next, hasMore: from > 0 };
      }

      const boundary = end.k ? fromKey(end.k) : null;
      const collected: Placed<T>[] = [];
      let { cursor, limit } = backwardRequest(end, count);
      let previous: { ms: number; id: string } | null = null;
      let hasMore: boolean;
      for (;;) {
        const page = await source.fetchPage(cursor, limit);
        const placed = placePage(page, cursor, source.key);
        let extra = false;
        for (const entry of placed) {
          const key = source.key(entry.item);
          if (previous && compareKeys(previous, key) >= 0) throw source.orderViolation();
          previous = key;
          if (boundary && compareKeys(key, boundary) <= 0) continue;
          if (collected.length < count) collected.push(entry);
          else extra = true;
        }
        if (collected.length >= count) {
          hasMore = extra || page.nextCursor !== null;
          break;
        }
        if (page.nextCursor === null) {
          hasMore = false;
          break;
        }
        cursor = page.nextCursor;
        limit = Math.min(MESSAGES_MAX_LIMIT, count - collected.length);
      }
      // Walk order is upstream's (newest first); `after` is the boundary on the newer side.
      const items: StreamItem<T>[] = collected.map((entry, index) => ({
        item: entry.item,
        before: asPosition(entry.before),
        after: asPosition(index === 0 ? end : (collected[index - 1] as Placed<T>).before),
      }));
      const last = collected[collected.length - 1];
      return { items, next: asPosition(last ? last.before : end), hasMore };
    },
  };
}
