import type { OffsetWindow } from './counting.js';
import { isAfterKey, isBeforeKey, type SortKey, type StreamChunk, type StreamItem } from './stream.js';

/**
 * The vendors' own `createdAt` range filters as keysets (docs/live-inbox.md, "Range keysets").
 *
 * A resumed page knows the walk's bound (the last item it showed). Instead of trusting an offset and
 * re-anchoring when the list shifted, it asks the vendor for the list cut at the bound: forward, the items
 * created at or before the bound's instant (newest first: the bound sits at the head of that list);
 * backward, the items created at or after it, oldest first (the vendor's ascending order: the bound sits at
 * its head too). Whatever arrived or went since, the items next to the bound are at offset 0 of the cut.
 *
 * The vendors' docs rarely say whether their range ends are inclusive or how finely they compare, so the
 * cut is over-asked by one granule of the vendor's precision (`overAskedCut`) and what is not strictly past
 * the bound — the bound itself, its ties already shown, the over-asked neighbours — is dropped here by key,
 * as the keyset of a vendor with whole-second timestamps does. The stream's total (`count`) never comes from a cut: it
 * stays the count of the user's filter.
 */

/** Where a cut list starts, in the vendor's terms: the instant (ms) to ask with its range parameter. */
export interface OverAskedCut {
  direction: 'forward' | 'backward';
  /** Forward: ask for items created at or before this instant; backward: at or after it. */
  ms: number;
}

/**
 * The instant to ask for, given the walk's bound and the vendor's precision (1 for milliseconds, 1000 for
 * seconds, 86,400,000 for days): one granule beyond the bound's own, so the bound's whole granule is in the
 * answer whether the vendor's end is inclusive or not (`<=`/`<`, `>=`/`>`) and whatever it truncates to.
 */
export function overAskedCut(bound: SortKey, direction: 'forward' | 'backward', precisionMs: number): OverAskedCut {
  const granule = Math.floor(bound.ms / precisionMs) * precisionMs;
  return direction === 'forward' ? { direction, ms: granule + precisionMs } : { direction, ms: granule - precisionMs };
}

/** The largest block a cut is read through in (the page size every offset vendor here accepts). */
export const CUT_MAX_BLOCK = 100;

/** A list cut at the bound, as the vendor serves it: [offset, offset + limit) from the bound on, in walk order. */
export type CutFetch<T> = (window: OffsetWindow) => Promise<CutPage<T>>;

/** One answer of a cut list (an offset page: its items and, when the vendor says, the cut's total). */
export interface CutPage<T> {
  items: T[];
  total: number | null;
  /**
   * Where the answer's first item sits in the uncut list, when the source knows (a position: the boundary
   * before it in walk order). Then positions are counted from it, not on from the hint.
   */
  at?: number;
}

export interface CutReadOptions<T> {
  fetch: CutFetch<T>;
  /** Whether the cut's pages report their total (then no look-ahead item is asked for). */
  reportsTotal: boolean;
  direction: 'forward' | 'backward';
  bound: SortKey;
  keyOf(item: T): SortKey;
  /** Local refinement (what the vendor cannot filter exactly); refined-away items still advance positions. */
  keep(item: T): boolean;
  /** Throws when a page of the cut is not in walk order. */
  checkOrder?(items: T[]): void;
  /** The position hint the page started from (an offset of the uncut list): positions are counted on from it. */
  hint: number;
  wanted: number;
  /** Where in the cut an earlier call with the same bound and hint stopped (refined-away items read past). */
  resumeAt?: number;
}

export interface CutRead<T> {
  chunk: StreamChunk<T>;
  /** How far into the cut the read went: a later call with the same bound and `chunk.next` continues there. */
  reached: number;
}

/**
 * Reads one chunk of a cut list. The items not strictly past the bound (ties already shown, over-asked
 * neighbours) are dropped; the first `wanted` kept items past it are returned. Positions stay offsets of
 * the uncut list, counted from `hint` as if it stood still (hints for cursors without keys and for a
 * failed vendor catching up; a keyed page never trusts them). Ties crowding the bound's instant beyond a
 * page are read through (further offsets of the same cut, in blocks doubling up to CUT_MAX_BLOCK: ⌈log2⌉
 * more requests for a run of them, not one per page's worth).
 */
export async function readCut<T>(options: CutReadOptions<T>): Promise<CutRead<T>> {
  const { fetch, direction, bound, keyOf, keep, wanted } = options;
  const past = direction === 'forward' ? isAfterKey : isBeforeKey;
  const forward = direction === 'forward';
  let position = options.hint;
  let skip = options.resumeAt ?? 0;
  const items: StreamItem<T>[] = [];
  // The bound itself (when still listed) heads the cut: one more item than wanted, and one to see beyond.
  let limit = wanted + 1 + (options.reportsTotal ? 0 : 1);
  for (;;) {
    const page = await fetch({ offset: skip, limit });
    options.checkOrder?.(page.items);
    let scanned = 0;
    let passedBound = false;
    for (const item of page.items) {
      if (items.length === wanted) break;
      const isPast = past(keyOf(item), bound);
      if (page.at !== undefined) position = forward ? page.at + scanned : Math.max(0, page.at - scanned);
      scanned += 1;
      // Without the answer's own position, items not past the bound are where the hint already counted.
      if (!isPast && page.at === undefined) continue;
      const before = forward ? position : Math.max(0, position - 1);
      const after = forward ? position + 1 : position;
      position = forward ? position + 1 : Math.max(0, position - 1);
      if (!isPast) continue;
      passedBound = true;
      if (keep(item)) items.push({ item, before, after });
    }
    skip += scanned;
    const more = page.total !== null ? skip < page.total : page.items.length > scanned || page.items.length >= limit;
    // Only ties and over-asked neighbours in a full answer: the cut goes on past them, in blocks doubling up
    // to CUT_MAX_BLOCK (a coarse granule, a whole day, can hold many the walk has shown).
    if (!passedBound && more && items.length === 0) {
      limit = Math.max(limit, Math.min(limit * 2, CUT_MAX_BLOCK));
      continue;
    }
    return { chunk: { items, next: position, hasMore: more }, reached: skip };
  }
}

/**
 * Chunks that stopped inside a cut (everything read was refined away) and where: the merge calls again with
 * the same bound and the chunk's `next`, and the read continues there instead of reading the cut again.
 * One per stream (a stream lives for one request).
 */
export function createCutMemo(): {
  resumeAt(direction: 'forward' | 'backward', bound: SortKey, hint: number): number | undefined;
  remember(direction: 'forward' | 'backward', bound: SortKey, next: number, reached: number): void;
} {
  const stops = new Map<string, number>();
  const keyOf = (direction: string, bound: SortKey, hint: number): string => `${direction}:${bound.ms}:${bound.id}:${hint}`;
  return {
    resumeAt: (direction, bound, hint) => stops.get(keyOf(direction, bound, hint)),
    remember: (direction, bound, next, reached) => {
      stops.set(keyOf(direction, bound, next), reached);
    },
  };
}
