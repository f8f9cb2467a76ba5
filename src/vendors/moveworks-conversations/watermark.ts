import type { OrderedStream, Position, StreamChunk, StreamItem, WalkContext, WalkWarning } from '../port.js';
import { parseInstant } from '../../domain.js';

/** A forward walk resumed from a position without `t` (cut from a backward page) cannot look for moved conversations. */
export const MOVED_UNTRACKED: WalkWarning = {
  code: 'WALK_MOVED_UNTRACKED',
  message:
    'This forward page resumed from a backward cursor: conversations updated since (which the vendor moves to the head of its order) are not looked for and may be missing. Start a forward walk at the head to follow them.',
};

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
 * A position after an emitted item `e` holds `k`, `e`'s key, and where to
 * read again: resuming drops every item whose key is at or before `k`
 * (emission is in key order, so those were all emitted). Where to read:
 * - contiguous `{ c, k }`: rescan from `c`, the cursor of the earliest page
 *   still holding a scanned but unemitted item (or of the next unscanned
 *   page);
 * - sparse `{ c, k, p, u }`: refetch only the (at most MAX_PENDING_PAGES)
 *   pages `p` that still hold pending items, in parallel, apply the
 *   watermark `u` the scan had reached, then scan on from the frontier `c`.
 *   Used when it skips pages; otherwise, and when more pages are pending, the
 *   contiguous form.
 * `end: true` marks that no upstream page is left after those. Upstream
 * cursors are reused, so the vendor's must stay valid (stateless keyset
 * cursors); a cursor the vendor no longer accepts surfaces as its own error.
 *
 * Cost: an old conversation updated recently sits near the head of the
 * vendor's order but is emitted only when the scan reaches its creation
 * instant; until then its page is pending and read again on every graph page
 * (each page is a new request; within one request a page cache serves
 * repeats). With the contiguous form alone that made each graph page rescan
 * from the head to the frontier (quadratic in the depth of the walk); the
 * sparse form keeps it at (pending pages) + (frontier pages). Measured in the
 * adapter test. Positions grow by one upstream cursor per pending page.
 *
 * Consistency (the walk contract): a conversation updated during a walk
 * moves to the head of the vendor's order, above every cursor the walk holds.
 * A walk's positions carry `t`, the newest `updated_at` when the walk began
 * (its first item, on the vendor's own clock). A resumed call first reads the
 * head pages whose `updated_at` is at or after `t`: usually one page, shared
 * with the scan when it is at the head. Their items not yet emitted, and not
 * created after `t` (they arrived after the walk began), join the buffer and
 * are emitted at their place in createdAt order; none is missed or repeated
 * (keys are creation instants). Cost: one more upstream page per resumed page.
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
  /** Local refinement of what the vendor cannot filter; `facts` are the item's, already read. */
  keep?(item: T, facts: ScanFacts): boolean;
  /** Nothing created before this instant is wanted: the scan ends once `updated_at` falls below it. */
  stopBelowMs?: number | null;
  /** The error to throw when the vendor breaks the order (or `created_at > updated_at`) the scan relies on. */
  orderViolation(): Error;
}

/** A conversation's place in the graph's order: creation instant (ISO) and id. */
export type ScanKey = [string, string];

/**
 * Where a scan stands. Two forms:
 * - contiguous `{ c, k }`: rescan every page from `c` (null: the first page);
 * - sparse `{ c, k, p, u }`: refetch only the pages at cursors `p` (those
 *   still holding a pending item), then scan on from `c` with watermark `u`.
 * `end: true`: no upstream page is left after those (with no `p`: the
 * stream is over).
 */
export interface ScanPosition {
  /** Next upstream page to scan (sparse form: the frontier); null: the first page. */
  c: string | null;
  /** Key of the last emitted item; null: nothing emitted yet. */
  k: ScanKey | null;
  /** Cursors of the scanned pages that still hold a pending item, in scan order. */
  p?: (string | null)[];
  /** With `p`: `updated_at` (ISO) of the last scanned item, the watermark. */
  u?: string;
  /**
   * The head region still holds pending items: every conversation updated at
   * or after this instant (ISO) is read again from the head on resume. Head
   * pages are not kept in `p`: new and updated conversations push a head
   * page's tail into the next page, so its cursor no longer names the same
   * items; an `updated_at` floor does.
   */
  h?: string;
  /** The newest `updated_at` (ISO) when the walk began: updates at or after it moved to the head during the walk. */
  t?: string;
  end?: true;
}

/** Sparse positions carry at most this many page cursors; beyond it they fall back to the contiguous form. */
export const MAX_PENDING_PAGES = 3;

interface Key {
  ms: number;
  id: string;
}

/** Stream order: newer first, then greater id first. Negative when `a` comes first. */
export function compareKeys(a: Key, b: Key): number {
  if (a.ms !== b.ms) return b.ms - a.ms;
  return a.id === b.id ? 0 : a.id < b.id ? 1 : -1;
}

/** Whether the key (`ms`, `id`) is `bound` or comes before it in stream order (compareKeys ≤ 0, without a key object). */
function isAtOrBefore(ms: number, id: string, bound: Key): boolean {
  if (ms !== bound.ms) return ms > bound.ms;
  return id >= bound.id;
}

function isIsoInstant(value: unknown): value is string {
  return typeof value === 'string' && Number.isFinite(parseInstant(value));
}

export function isScanKey(value: unknown): value is ScanKey {
  return Array.isArray(value) && value.length === 2 && isIsoInstant(value[0]) && typeof value[1] === 'string';
}

export function isScanPosition(value: unknown): value is ScanPosition & Position {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (!keys.every((key) => key === 'c' || key === 'k' || key === 'p' || key === 'u' || key === 'h' || key === 't' || key === 'end')) return false;
  if (record.h !== undefined && !isIsoInstant(record.h)) return false;
  if (record.t !== undefined && !isIsoInstant(record.t)) return false;
  if (!(record.c === null || typeof record.c === 'string')) return false;
  if (!(record.k === null || isScanKey(record.k))) return false;
  if (record.end !== undefined && record.end !== true) return false;
  if (record.p === undefined) return record.u === undefined || (record.h !== undefined && isIsoInstant(record.u));
  return (
    Array.isArray(record.p) &&
    record.p.length > 0 &&
    record.p.length <= MAX_PENDING_PAGES &&
    record.p.every((cursor) => cursor === null || typeof cursor === 'string') &&
    isIsoInstant(record.u)
  );
}

function toPosition(position: ScanPosition): Position {
  const out: { [key: string]: Position } = { c: position.c, k: position.k };
  if (position.p) out.p = position.p;
  if (position.u !== undefined) out.u = position.u;
  if (position.h !== undefined) out.h = position.h;
  if (position.t !== undefined) out.t = position.t;
  if (position.end) out.end = true;
  return out;
}

/** A scanned item not yet emitted; its own key (`ms`, `id`), so the buffer sorts without an object per key. */
interface Buffered<T> extends Key {
  item: T;
  /** Index of the page (in this call) the item was read from; -1: a head page read for moved items. */
  page: number;
}

export function createWatermarkStream<T>(source: WatermarkSource<T>): OrderedStream<T> {
  const keep = source.keep ?? (() => true);
  const stopBelowMs = source.stopBelowMs ?? null;

  return {
    isPosition: isScanPosition,
    count: async () => null,
    async forward(startPosition, count, walk?: WalkContext): Promise<StreamChunk<T>> {
      if (startPosition !== null && !isScanPosition(startPosition)) throw new TypeError('not a scan position');
      const origin: ScanPosition = startPosition ?? { c: null, k: null };
      if (origin.end && !origin.p && origin.h === undefined) return { items: [], next: toPosition(origin), hasMore: false };
      const emittedUpTo: Key | null = origin.k ? { ms: parseInstant(origin.k[0]), id: origin.k[1] } : null;
      /** The newest updated_at when the walk began: carried, or read from this walk's first page (at the head). */
      let walkTop: number | null = origin.t !== undefined ? parseInstant(origin.t) : null;
      /** `t` as positions write it, formatted once per call (walkTop is set before the first item is emitted). */
      let walkTopIso: string | null = null;
      const walkTopText = (): string => (walkTopIso ??= new Date(walkTop as number).toISOString());
      /** Instants as positions write them; the same floor or watermark recurs over a call's items, formatted once. */
      let lastIso: { ms: number; text: string } | null = null;
      const isoOf = (ms: number): string => {
        if (lastIso?.ms !== ms) lastIso = { ms, text: new Date(ms).toISOString() };
        return lastIso.text;
      };
      const stamp = (position: ScanPosition): ScanPosition =>
        walkTop !== null && walk !== undefined ? { ...position, t: walkTopText() } : position;

      const pageCursors: (string | null)[] = [];
      /** Next-page cursor of each page read in this call. */
      const pageNext: (string | null)[] = [];
      /** `updated_at` of each page's last item (+Infinity for an empty page). */
      const pageLast: number[] = [];
      const buffer: Buffered<T>[] = [];
      // Buffered items per page, so an emitted item's position names the pages still pending without a pass over the buffer.
      const bufferedPerPage: number[] = [];
      /** Buffered items read from the head as moved (page -1). */
      let movedPending = 0;
      const items: StreamItem<T>[] = [];
      let previous = toPosition(origin);
      let lastKey: ScanKey | null = origin.k;
      let watermark = Number.POSITIVE_INFINITY;
      /** The next page of the contiguous scan. */
      let frontier = origin.c;
      let exhausted = false;

      /** Ids buffered in this call: a conversation met at the head and again in the scan is one item. */
      const buffered = new Set<string>();
      const ingest = (page: UpstreamPage<T>, cursor: string | null): void => {
        const pageIndex = pageCursors.length;
        pageCursors.push(cursor);
        pageNext.push(page.nextCursor);
        bufferedPerPage.push(0);
        const items = page.items;
        let index = 0;
        for (const item of items) {
          const facts = source.facts(item);
          if (index === 0 && walkTop === null && startPosition === null && cursor === null) walkTop = facts.updatedAtMs;
          index += 1;
          if (facts.createdAtMs > facts.updatedAtMs || facts.updatedAtMs > watermark) throw source.orderViolation();
          watermark = facts.updatedAtMs;
          if (emittedUpTo && isAtOrBefore(facts.createdAtMs, facts.id, emittedUpTo)) continue;
          if (!keep(item, facts) || buffered.has(facts.id)) continue;
          buffered.add(facts.id);
          buffer.push({ item, ms: facts.createdAtMs, id: facts.id, page: pageIndex });
          bufferedPerPage[pageIndex] = (bufferedPerPage[pageIndex] as number) + 1;
        }
        // The page's last updated_at is where the loop left the watermark (+Infinity for an empty page).
        pageLast.push(items.length === 0 ? Number.POSITIVE_INFINITY : watermark);
      };

      /** A resumed call: the conversations updated since the walk began sit at the head, above every cursor held. */
      const readMoved = async (floor: number): Promise<void> => {
        let cursor: string | null = null;
        for (;;) {
          const page: UpstreamPage<T> = await source.fetchPage(cursor);
          let below = false;
          for (const item of page.items) {
            const facts = source.facts(item);
            if (facts.updatedAtMs < floor) {
              below = true;
              break;
            }
            if (emittedUpTo && isAtOrBefore(facts.createdAtMs, facts.id, emittedUpTo)) continue;
            // Created after the walk began: not this walk's.
            if (walkTop !== null && facts.createdAtMs > walkTop) continue;
            if (!keep(item, facts) || buffered.has(facts.id)) continue;
            buffered.add(facts.id);
            buffer.push({ item, ms: facts.createdAtMs, id: facts.id, page: -1 });
            movedPending += 1;
          }
          const last = page.items[page.items.length - 1];
          // A page ending at the floor ends the region (a tie at the floor pushed into the next page is not looked for).
          if (below || page.nextCursor === null || !last || source.facts(last).updatedAtMs <= floor) return;
          cursor = page.nextCursor;
        }
      };

      /**
       * Whether the pending pages are exactly the upstream pages from the
       * earliest of them to the frontier: then rescanning from the earliest
       * costs the same as the sparse form, in a smaller position.
       */
      const isContiguousTail = (pending: number[]): boolean => {
        const last = pageCursors.length - 1;
        if (pending.length !== last - (pending[0] as number) + 1) return false;
        for (let index = pending[0] as number; index < last; index += 1) {
          if (pageNext[index] !== pageCursors[index + 1]) return false;
        }
        return exhausted ? pageNext[last] === null : pageNext[last] === frontier;
      };

      /** The position after the item just emitted. */
      const positionAfter = (key: ScanKey): ScanPosition => {
        const pending: number[] = [];
        for (let index = 0; index < bufferedPerPage.length; index += 1) if ((bufferedPerPage[index] as number) > 0) pending.push(index);
        // Moved conversations still pending (read from the head) are found again by the floor they were read with.
        let headFloor = movedPending > 0 ? movedFloor : Number.POSITIVE_INFINITY;
        // `position` is built here, so it takes `h` and `t` in place (toPosition writes the keys in their order).
        const withHead = (position: ScanPosition): ScanPosition => {
          if (Number.isFinite(headFloor)) position.h = isoOf(headFloor);
          if (walkTop !== null && walk !== undefined) position.t = walkTopText();
          return position;
        };
        if (pending.length === 0) return withHead(exhausted ? { c: null, k: key, end: true } : { c: frontier, k: key });
        const earliest = pending[0] as number;
        if (pending.length > MAX_PENDING_PAGES || !Number.isFinite(watermark) || isContiguousTail(pending)) {
          return withHead({ c: pageCursors[earliest] ?? null, k: key });
        }
        // The head page is not refetched by its cursor: new and updated conversations push its tail into the next
        // page. The updated_at of its last item, a floor, finds its pending items again wherever they went.
        for (const index of pending) {
          if (pageCursors[index] === null) headFloor = Math.min(headFloor, pageLast[index] as number);
        }
        const refetch = pending.filter((index) => pageCursors[index] !== null);
        const sparse: ScanPosition = {
          c: exhausted ? null : frontier,
          k: key,
          ...(refetch.length > 0 ? { p: refetch.map((index) => pageCursors[index] ?? null) } : {}),
          u: isoOf(watermark),
        };
        if (exhausted) sparse.end = true;
        return withHead(sparse);
      };

      /** Emits what the watermark makes safe; answers the chunk when this call is done. */
      const emit = (): StreamChunk<T> | null => {
        // The buffer's emitted head is `taken` items in: one splice per call instead of a shift per item.
        buffer.sort(compareKeys);
        let taken = 0;
        while (items.length < count) {
          const head = buffer[taken];
          if (!head || !(exhausted || head.ms > watermark)) break;
          taken += 1;
          if (head.page < 0) movedPending -= 1;
          else bufferedPerPage[head.page] = (bufferedPerPage[head.page] as number) - 1;
          lastKey = [new Date(head.ms).toISOString(), head.id];
          const after = toPosition(positionAfter(lastKey));
          items.push({ item: head.item, before: previous, after });
          previous = after;
        }
        if (taken > 0) buffer.splice(0, taken);
        // Full, with a known further item; or nothing further exists.
        if (items.length >= count && buffer.length > 0) return { items, next: previous, hasMore: true };
        if (exhausted) {
          const next = items.length > 0 ? previous : toPosition(stamp({ c: null, k: lastKey, end: true }));
          return { items, next, hasMore: false };
        }
        // Not full yet, or full and looking ahead for one more item: scan on.
        return null;
      };

      // A resumed call reads the head region again: conversations updated since the walk began, and a head page's pending items.
      const movedFloor = Math.min(
        walkTop !== null && startPosition !== null ? walkTop : Number.POSITIVE_INFINITY,
        origin.h !== undefined ? parseInstant(origin.h) : Number.POSITIVE_INFINITY,
      );
      if (Number.isFinite(movedFloor)) await readMoved(movedFloor);
      const untracked = walk !== undefined && startPosition !== null && walkTop === null;
      const withWarnings = (chunk: StreamChunk<T>): StreamChunk<T> => (untracked ? { ...chunk, warnings: [MOVED_UNTRACKED] } : chunk);
      if (origin.p || origin.end || origin.u !== undefined) {
        // Sparse resume: only the pages still holding pending items, then the frontier.
        const cursors = origin.p ?? [];
        const pages = await Promise.all(cursors.map((cursor) => source.fetchPage(cursor)));
        pages.forEach((page, index) => ingest(page, cursors[index] ?? null));
        // Exactly the watermark the scan had reached: everything from the frontier on is at or below it.
        if (origin.u !== undefined) watermark = parseInstant(origin.u);
        exhausted = origin.end === true || (stopBelowMs !== null && watermark < stopBelowMs);
        const done = emit();
        if (done) return withWarnings(done);
      }
      for (;;) {
        const cursor = frontier;
        const page = await source.fetchPage(cursor);
        ingest(page, cursor);
        frontier = page.nextCursor;
        exhausted = page.nextCursor === null || (stopBelowMs !== null && watermark < stopBelowMs);
        const done = emit();
        if (done) return withWarnings(done);
      }
    },
  };
}

/** A stream with nothing in it (an empty createdAt range): no upstream call, in either direction. */
export function createEmptyScanStream<T>(): OrderedStream<T> {
  const end: Position = { c: null, k: null, end: true };
  return {
    isPosition: isScanPosition,
    count: async () => 0,
    forward: async () => ({ items: [], next: end, hasMore: false }),
    backward: async () => ({ items: [], next: end, hasMore: false }),
  };
}
