import { probeEnd } from './counting.js';
import type { OrderedStream, Position, StreamChunk, StreamItem } from './provider.js';

/**
 * Offset arithmetic shared by every vendor whose list is addressed by
 * position (offset/limit, skip/take, page/size, $skip/$top). Positions are
 * plain integers: the number of upstream items before the boundary, counted
 * in the list *with the pushed-down filter applied upstream*. Items refined
 * away locally keep their positions, so offsets stay exact.
 */

export interface OffsetWindow {
  /** First upstream index to fetch. */
  offset: number;
  /** Number of upstream items to fetch. */
  limit: number;
}

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

/** Builds an OrderedStream over an offset source; backward paging included. */
export function createOffsetStream<T>(source: OffsetSource<T>): OrderedStream<T> {
  const keep = source.keep ?? (() => true);
  const count = async (): Promise<number | null> => {
    if (source.count) return source.count();
    if (!source.reportsTotal) return null;
    return (await source.fetch({ offset: 0, limit: 1 })).total;
  };

  /** The end of a list whose total the vendor does not report: block probes (see probeEnd for the cost). */
  const findEnd = (): Promise<number> =>
    probeEnd(async (window) => (await source.fetch(window)).items, END_PROBE_BLOCK);

  return {
    isPosition: isOffsetPosition,
    count,
    async forward(startPosition, wanted): Promise<StreamChunk<T>> {
      const start = positionOf(startPosition, 0);
      const window = forwardWindow(start, wanted, source.reportsTotal);
      const page = await source.fetch(window);
      const fetched = page.items.slice(0, wanted);
      source.checkOrder?.(page.items);
      const items: StreamItem<T>[] = [];
      fetched.forEach((item, index) => {
        if (keep(item)) items.push({ item, before: start + index, after: start + index + 1 });
      });
      const next = start + fetched.length;
      const hasMore = page.total !== null ? next < page.total : page.items.length > fetched.length;
      return { items, next, hasMore };
    },
    async backward(endPosition, wanted): Promise<StreamChunk<T>> {
      let end: number;
      if (endPosition === null) {
        const total = source.reportsTotal ? await count() : await findEnd();
        end = total ?? (await findEnd());
      } else {
        end = positionOf(endPosition, 0);
      }
      const window = backwardWindow(end, wanted);
      const page = window.limit > 0 ? await source.fetch(window) : { items: [], total: null };
      const fetched = page.items.slice(0, window.limit);
      source.checkOrder?.(fetched);
      const items: StreamItem<T>[] = [];
      for (let index = fetched.length - 1; index >= 0; index -= 1) {
        const item = fetched[index] as T;
        if (keep(item)) items.push({ item, before: window.offset + index, after: window.offset + index + 1 });
      }
      return { items, next: window.offset, hasMore: window.offset > 0 };
    },
  };
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
