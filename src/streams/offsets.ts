import { probeEnd, type OffsetWindow } from './counting.js';
import { createCutMemo, readCut, type CutFetch } from './ranged.js';
import { isAfterKey, isBeforeKey, type OrderedStream, type Position, type SortKey, type StreamChunk, type StreamItem, type WalkContext } from './stream.js';

/**
 * Offset arithmetic shared by every vendor whose list is addressed by
 * position (offset/limit, skip/take, page/size, $skip/$top). Positions are
 * plain integers: the number of upstream items before the boundary, counted
 * in the list *with the pushed-down filter applied upstream*. Items refined
 * away locally keep their positions, so offsets stay exact.
 */

export type { OffsetWindow };


/** Forward window: `count` items starting at `start` (+1 look-ahead when the total is unknown). */
export function forwardWindow(start: number, count: number, totalKnown: boolean): OffsetWindow {
  return { offset: start, limit: totalKnown ? count : count + 1 };
}

/** Backward window: the `count` items just before `end`, clipped at 0. */
export function backwardWindow(end: number, count: number): OffsetWindow {
  const offset = Math.max(0, end - count);
  return { offset, limit: end - offset };
}

export interface OffsetPage<T> {
  items: T[];
  /** Total matching upstream items, when the vendor says. */
  total: number | null;
}

export interface OffsetSource<T> {
  /** Upstream items [offset, offset + limit), in the stream's order. May split into several upstream calls. */
  fetch(window: OffsetWindow): Promise<OffsetPage<T>>;
  /** Whether `fetch` reports `total` (then no look-ahead item is needed). */
  readonly reportsTotal: boolean;
  /** Exact count, or null. Defaults to a one-item fetch when `reportsTotal`, else null. */
  count?(): Promise<number | null>;
  /** Local refinement for what the vendor cannot filter exactly. */
  keep?(item: T): boolean;
  /** Called with each fetched window (in stream order) to detect a vendor breaking its order. */
  checkOrder?(items: T[]): void;
  /**
   * The item's key in stream order (conversations: createdAt, then id,
   * descending). With it, a walk's bound verifies the offset hints: see
   * createOffsetStream.
   */
  keyOf?(item: T): SortKey;
  /**
   * The vendor's own `createdAt` range as a keyset (ranged.ts): the list cut at a walk's bound — forward,
   * newest first up to the bound's instant; backward, oldest first from it — over-asked by the source
   * (`overAskedCut`). With it, a page that has a bound reads the cut from its head instead of verifying an
   * offset; null (or absent) where the vendor cannot cut this list (then offsets are verified, as above).
   */
  range?: {
    /** `hint`: the offset of the uncut list the page starts from (a guess the source may use, never trust). */
    forward?(bound: SortKey, hint: number): CutFetch<T> | null;
    backward?(bound: SortKey, hint: number): CutFetch<T> | null;
  };
}

/** Block size of the end probe: the page size every offset vendor here accepts. */
export const END_PROBE_BLOCK = 100;

export function isOffsetPosition(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function positionOf(value: Position | null, fallback: number): number {
  if (value === null) return fallback;
  if (!isOffsetPosition(value)) throw new TypeError('not an offset position');
  return value;
}

/**
 * Builds an OrderedStream over an offset source; backward paging included.
 *
 * Offsets shift when the vendor's list changes between two calls (a new
 * conversation at the head moves every offset up, a deleted one moves the
 * later ones down), so with a walk bound and `keyOf` an offset is a hint,
 * verified on every call at the cost of one more item in the same request:
 * - forward from `o`, the window starts at `o - 1`, whose item must not lie
 *   after the bound (it is the walk's last item, or one before it). When it
 *   does, items were deleted before `o` and the unread ones moved below it:
 *   the stream steps back (blocks doubling from the page size) until an item
 *   at or before the bound, and reads on from there. Items at or before the
 *   bound (the list grew at the head) are passed over, never repeated.
 * - backward to `o`, the window ends at `o` inclusive, whose item must not
 *   lie before the bound. When it does, the list grew before `o`: the stream
 *   steps forward the same way to the first item at or after the bound.
 * An item the local refinement drops proves nothing either way and is taken
 * as the anchor: a shift then goes unseen only if a deletion lands just where
 * a refined-away item sits under the hint.
 */
export function createOffsetStream<T>(source: OffsetSource<T>): OrderedStream<T> {
  const keep = source.keep ?? (() => true);
  const keyOf = source.keyOf;
  const cuts = createCutMemo();
  /** A page with a bound, read from the vendor's list cut at it; null when the source cannot cut. */
  const readCutAt = async (direction: 'forward' | 'backward', hint: number, wanted: number, bound: SortKey): Promise<StreamChunk<T> | null> => {
    const fetch = keyOf ? source.range?.[direction]?.(bound, hint) : null;
    if (!fetch || !keyOf) return null;
    const { chunk, reached } = await readCut({
      fetch,
      reportsTotal: source.reportsTotal,
      direction,
      bound,
      keyOf,
      keep,
      ...(source.checkOrder ? { checkOrder: direction === 'forward' ? source.checkOrder : (items: T[]) => source.checkOrder?.([...items].reverse()) } : {}),
      hint,
      wanted,
      resumeAt: cuts.resumeAt(direction, bound, hint),
    });
    cuts.remember(direction, bound, chunk.next as number, reached);
    return chunk;
  };
  const count = async (): Promise<number | null> => {
    if (source.count) return source.count();
    if (!source.reportsTotal) return null;
    return (await source.fetch({ offset: 0, limit: 1 })).total;
  };

  /** The end of a list whose total the vendor does not report: block probes (see probeEnd for the cost). */
  const findEnd = (): Promise<number> =>
    probeEnd(async (window) => (await source.fetch(window)).items, END_PROBE_BLOCK);

  /** Reads `wanted` items from offset `start` on, keeping only those past `bound` (when given). */
  const readForward = async (start: number, wanted: number, bound: SortKey | null, accept: (item: T) => boolean = keep): Promise<StreamChunk<T>> => {
    const window = forwardWindow(start, wanted, source.reportsTotal);
    const page = await source.fetch(window);
    const fetched = page.items.slice(0, wanted);
    source.checkOrder?.(page.items);
    const items: StreamItem<T>[] = [];
    fetched.forEach((item, index) => {
      if (!accept(item)) return;
      if (bound && keyOf && !isAfterKey(keyOf(item), bound)) return;
      items.push({ item, before: start + index, after: start + index + 1 });
    });
    const next = start + fetched.length;
    const hasMore = page.total !== null ? next < page.total : page.items.length > fetched.length;
    return { items, next, hasMore };
  };

  /** The `wanted` items just before offset `end`, keeping only those before `bound` (when given); in walk order. */
  const readBackward = async (
    end: number,
    wanted: number,
    bound: SortKey | null,
    accept: (item: T) => boolean = keep,
    walk?: WalkContext,
  ): Promise<StreamChunk<T>> => {
    const window = backwardWindow(end, wanted);
    const page = window.limit > 0 ? await source.fetch(window) : { items: [], total: null };
    const fetched = page.items.slice(0, window.limit);
    source.checkOrder?.(fetched);
    const items: StreamItem<T>[] = [];
    for (let index = fetched.length - 1; index >= 0; index -= 1) {
      const item = fetched[index] as T;
      if (!accept(item)) continue;
      if (bound && keyOf && !isBeforeKey(keyOf(item), bound)) continue;
      items.push({ item, before: window.offset + index, after: window.offset + index + 1 });
    }
    return { items, next: window.offset, hasMore: window.offset > 0 };
  };

  /** Whether an item is proof that the list shifted: kept, and on the wrong side of the bound. */
  const wrongSide = (item: T | undefined, side: (key: SortKey, bound: SortKey) => boolean, bound: SortKey): boolean =>
    item !== undefined && keep(item) && side((keyOf as NonNullable<typeof keyOf>)(item), bound);

  return {
    isPosition: isOffsetPosition,
    count,
    async forward(startPosition, wanted, walk?: WalkContext): Promise<StreamChunk<T>> {
      const start = positionOf(startPosition, 0);
      const bound = keyOf ? (walk?.bound ?? null) : null;
      const accept = keep;
      if (bound !== null) {
        const cut = await readCutAt('forward', start, wanted, bound);
        if (cut) return cut;
      }
      if (bound === null || start === 0) return readForward(start, wanted, bound, accept);
      // One more item in front: the anchor check, in the same request.
      const window = forwardWindow(start - 1, wanted + 1, source.reportsTotal);
      const page = await source.fetch(window);
      const fetched = page.items.slice(0, wanted + 1);
      source.checkOrder?.(page.items);
      const anchor = fetched[0];
      // No item under the hint (the list shrank below it), or one the walk has not reached: the list shifted.
      if (anchor === undefined || wrongSide(anchor, isAfterKey, bound)) return stepBackAndRead(start, wanted, bound, accept);
      const items: StreamItem<T>[] = [];
      fetched.forEach((item, index) => {
        if (index === 0 || !accept(item) || !isAfterKey((keyOf as NonNullable<typeof keyOf>)(item), bound)) return;
        items.push({ item, before: start - 1 + index, after: start + index });
      });
      const next = start - 1 + fetched.length;
      const hasMore = page.total !== null ? next < page.total : page.items.length > fetched.length;
      return { items, next, hasMore };
    },
    async backward(endPosition, wanted, walk?: WalkContext): Promise<StreamChunk<T>> {
      let end: number;
      if (endPosition === null) {
        const total = source.reportsTotal ? await count() : await findEnd();
        end = total ?? (await findEnd());
      } else {
        end = positionOf(endPosition, 0);
      }
      const bound = keyOf && endPosition !== null ? (walk?.bound ?? null) : null;
      const accept = keep;
      // A resumed page whose input still stands at the end: the head may have grown since the end was found.
      if (endPosition === null && keyOf && walk?.bound) return readFromEnd(end, wanted, accept, walk);
      if (bound === null) return readBackward(end, wanted, bound, accept, walk);
      const cut = await readCutAt('backward', end, wanted, bound);
      if (cut) return cut;
      // The item at `end` itself, in the same request: the anchor check.
      const window = backwardWindow(end, wanted);
      const page = await source.fetch({ offset: window.offset, limit: window.limit + 1 });
      const anchorItem = page.items[window.limit];
      if (!wrongSide(anchorItem, isBeforeKey, bound)) {
        const fetched = page.items.slice(0, window.limit);
        source.checkOrder?.(page.items);
        const items: StreamItem<T>[] = [];
        for (let index = fetched.length - 1; index >= 0; index -= 1) {
          const item = fetched[index] as T;
          if (!accept(item) || !isBeforeKey((keyOf as NonNullable<typeof keyOf>)(item), bound)) continue;
          items.push({ item, before: window.offset + index, after: window.offset + index + 1 });
        }
        return { items, next: window.offset, hasMore: window.offset > 0 };
      }
      // The list grew before `end`: the bound now sits further on. Step forward to it.
      let low = end + 1;
      let step = Math.max(wanted, 16);
      for (;;) {
        const ahead = (await source.fetch({ offset: low, limit: step })).items;
        const at = ahead.findIndex((item) => accept(item) && !isBeforeKey((keyOf as NonNullable<typeof keyOf>)(item), bound));
        if (at >= 0) return readBackward(low + at, wanted, bound, accept, walk);
        if (ahead.length < step) return readBackward(low + ahead.length, wanted, bound, accept, walk);
        low += step;
        step *= 2;
      }
    },
  };

  /**
   * The last `wanted` items, `end` found before: the list may have grown at the head since (offsets of the end
   * move up), so the window reads one item past it; when there is one, the stream steps on to the real end.
   */
  async function readFromEnd(end: number, wanted: number, accept: (item: T) => boolean, walk: WalkContext | undefined): Promise<StreamChunk<T>> {
    const window = backwardWindow(end, wanted);
    const page = await source.fetch({ offset: window.offset, limit: window.limit + 1 });
    if (page.items.length <= window.limit) {
      const fetched = page.items.slice(0, window.limit);
      source.checkOrder?.(fetched);
      const items: StreamItem<T>[] = [];
      for (let index = fetched.length - 1; index >= 0; index -= 1) {
        const item = fetched[index] as T;
        if (accept(item)) items.push({ item, before: window.offset + index, after: window.offset + index + 1 });
      }
      return { items, next: window.offset, hasMore: window.offset > 0 };
    }
    let low = end + 1;
    let step = Math.max(wanted, 16);
    for (;;) {
      const ahead = (await source.fetch({ offset: low, limit: step })).items;
      if (ahead.length < step) return readBackward(low + ahead.length, wanted, null, accept, walk);
      low += step;
      step *= 2;
    }
  }

  /** Items were deleted before `start`: step back in doubling blocks to an item at or before the bound, then read on. */
  async function stepBackAndRead(start: number, wanted: number, bound: SortKey, accept: (item: T) => boolean): Promise<StreamChunk<T>> {
    let high = start - 1;
    let step = Math.max(wanted, 16);
    for (;;) {
      const low = Math.max(0, high - step);
      if (low === 0) return readForward(0, wanted, bound, accept);
      const behind = (await source.fetch({ offset: low, limit: high - low })).items;
      const at = behind.findLastIndex((item) => accept(item) && !isAfterKey((keyOf as NonNullable<typeof keyOf>)(item), bound));
      if (at >= 0) return readForward(low + at + 1, wanted, bound, accept);
      high = low;
      step *= 2;
    }
  }
}

/** Splits a window into calls of at most `maxLimit` items (vendors that cap their page size). */
export function splitWindow(window: OffsetWindow, maxLimit: number): OffsetWindow[] {
  const parts: OffsetWindow[] = [];
  for (let offset = window.offset; offset < window.offset + window.limit; offset += maxLimit) {
    parts.push({ offset, limit: Math.min(maxLimit, window.offset + window.limit - offset) });
  }
  return parts;
}

/** A stream over a list already in memory (inline messages, a fully loaded message list). */
export function createListStream<T>(list: readonly T[]): OrderedStream<T> {
  return createOffsetStream<T>({
    reportsTotal: true,
    fetch: async ({ offset, limit }) => ({ items: list.slice(offset, offset + limit), total: list.length }),
    count: async () => list.length,
  });
}
