import type { OrderedStream, Position, StreamChunk, StreamItem } from '../provider.js';

/**
 * Newest-`createdAt`-first over a list the vendor orders by `updated_at`
 * (newest first), reachable only through forward cursors.
 *
 * Since `created_at <= updated_at`, once a page ends at `updated_at = u`
 * every item not yet scanned has `createdAt <= u`. Buffered items with
 * `createdAt > u` (strictly: an unseen item may have `createdAt = u` and a
 * greater id) therefore come before everything unseen, and are emitted in
 * stream order (`createdAt` desc, id desc). At the end of the list every
 * buffered item is safe.
 *
 * A position after an emitted item `e` is `{ c, k }`: `k` is `e`'s key, `c`
 * the upstream cursor of the earliest page that still held a scanned but
 * unemitted item (or of the next unscanned page). Resuming rescans from `c`
 * and drops every item whose key is at or before `k`: emission is in key
 * order, so those were all emitted. `end: true` marks a scan that had
 * nothing left. Upstream cursors are reused, so the vendor's must stay valid
 * (stateless keyset cursors); a cursor the vendor no longer accepts surfaces
 * as its own error.
 *
 * Cost: every call rescans from `c`. An old conversation updated recently
 * sits near the head of the vendor's order but is emitted only when the scan
 * reaches its creation instant, and until then it pins `c` to its page: each
 * graph page rescans from there to the frontier (quadratic in the depth of
 * the walk, over a session-cached page loader). Measured in the adapter test.
 */

export interface UpstreamPage<T> {
  items: T[];
  /** Cursor of the page after this one; null at the end. */
  nextCursor: string | null;
}

/** What the scan needs to know about an item. */
export interface ScanFacts {
  createdAtMs: number;
  updatedAtMs: number;
  id: string;
}

export interface WatermarkSource<T> {
  /** One upstream page (the vendor's order) from `cursor` (null: the first page). */
  fetchPage(cursor: string | null): Promise<UpstreamPage<T>>;
  facts(item: T): ScanFacts;
  /** Local refinement of what the vendor cannot filter. */
  keep?(item: T): boolean;
  /** Nothing created before this instant is wanted: the scan ends once `updated_at` falls below it. */
  stopBelowMs?: number | null;
  /** The error to throw when the vendor breaks the order (or `created_at > updated_at`) the scan relies on. */
  orderViolation(): Error;
}

/** A conversation's place in the graph's order: creation instant (ISO) and id. */
export type ScanKey = [string, string];

export interface ScanPosition {
  /** Upstream cursor to rescan from; null: the first page. */
  c: string | null;
  /** Key of the last emitted item; null: nothing emitted yet. */
  k: ScanKey | null;
  /** The scan had nothing left after `k`. */
  end?: true;
}

interface Key {
  ms: number;
  id: string;
}

/** Stream order: newer first, then greater id first. Negative when `a` comes first. */
export function compareKeys(a: Key, b: Key): number {
  if (a.ms !== b.ms) return b.ms - a.ms;
  return a.id === b.id ? 0 : a.id < b.id ? 1 : -1;
}

function isIsoInstant(value: unknown): value is string {
  return typeof value === 'string' && Number.isFinite(Date.parse(value));
}

export function isScanKey(value: unknown): value is ScanKey {
  return Array.isArray(value) && value.length === 2 && isIsoInstant(value[0]) && typeof value[1] === 'string';
}

export function isScanPosition(value: unknown): value is ScanPosition & Position {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (!keys.every((key) => key === 'c' || key === 'k' || key === 'end')) return false;
  if (!(record.c === null || typeof record.c === 'string')) return false;
  if (!(record.k === null || isScanKey(record.k))) return false;
  return record.end === undefined || record.end === true;
}

const toPosition = (position: ScanPosition): Position =>
  position.end ? { c: position.c, k: position.k, end: true } : { c: position.c, k: position.k };

interface Buffered<T> {
  item: T;
  key: Key;
  /** Index of the page (in this call's scan) the item was read from. */
  page: number;
}

export function createWatermarkStream<T>(source: WatermarkSource<T>): OrderedStream<T> {
  const keep = source.keep ?? (() => true);
  const stopBelowMs = source.stopBelowMs ?? null;

  return {
    isPosition: isScanPosition,
    count: async () => null,
    async forward(startPosition, count): Promise<StreamChunk<T>> {
      if (startPosition !== null && !isScanPosition(startPosition)) throw new TypeError('not a scan position');
      const origin: ScanPosition = startPosition ?? { c: null, k: null };
      if (origin.end) return { items: [], next: toPosition(origin), hasMore: false };
      const emittedUpTo: Key | null = origin.k ? { ms: Date.parse(origin.k[0]), id: origin.k[1] } : null;

      const cursors: (string | null)[] = [];
      const buffer: Buffered<T>[] = [];
      const items: StreamItem<T>[] = [];
      let previous = toPosition(origin);
      let lastKey: ScanKey | null = origin.k;
      let cursor = origin.c;
      let watermark = Number.POSITIVE_INFINITY;

      for (;;) {
        const pageIndex = cursors.length;
        cursors.push(cursor);
        const page = await source.fetchPage(cursor);
        for (const item of page.items) {
          const facts = source.facts(item);
          if (facts.createdAtMs > facts.updatedAtMs || facts.updatedAtMs > watermark) throw source.orderViolation();
          watermark = facts.updatedAtMs;
          const key = { ms: facts.createdAtMs, id: facts.id };
          if (emittedUpTo && compareKeys(key, emittedUpTo) <= 0) continue;
          if (!keep(item)) continue;
          buffer.push({ item, key, page: pageIndex });
        }
        const exhausted = page.nextCursor === null || (stopBelowMs !== null && watermark < stopBelowMs);
        buffer.sort((a, b) => compareKeys(a.key, b.key));

        while (items.length < count) {
          const head = buffer[0];
          if (!head || !(exhausted || head.key.ms > watermark)) break;
          buffer.shift();
          lastKey = [new Date(head.key.ms).toISOString(), head.key.id];
          let pending: number | null = null;
          for (const entry of buffer) pending = pending === null ? entry.page : Math.min(pending, entry.page);
          const after: ScanPosition =
            pending !== null ? { c: cursors[pending] ?? null, k: lastKey }
            : exhausted ? { c: null, k: lastKey, end: true }
            : { c: page.nextCursor, k: lastKey };
          items.push({ item: head.item, before: previous, after: toPosition(after) });
          previous = toPosition(after);
        }

        // Full, with a known further item; or nothing further exists.
        if (items.length >= count && buffer.length > 0) return { items, next: previous, hasMore: true };
        if (exhausted) {
          const next = items.length > 0 ? previous : toPosition({ c: null, k: lastKey, end: true });
          return { items, next, hasMore: false };
        }
        // Not full yet, or full and looking ahead for one more item: scan on.
        cursor = page.nextCursor;
      }
    },
  };
}

/** A stream with nothing in it (an empty createdAt range): no upstream call. */
export function createEmptyScanStream<T>(): OrderedStream<T> {
  const end: Position = { c: null, k: null, end: true };
  return {
    isPosition: isScanPosition,
    count: async () => 0,
    forward: async () => ({ items: [], next: end, hasMore: false }),
  };
}
