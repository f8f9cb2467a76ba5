import type { OffsetWindow } from '../../streams/offsets.js';

/**
 * Page-number arithmetic for Chatbase's `page` (from 1) and `size` (1..100).
 * Pure: turns an upstream window [offset, offset + limit) into the fewest
 * page requests that cover it, all of one size, plus where to slice.
 */

export const CHATBASE_MAX_PAGE_SIZE = 100;

export interface PageRequest {
  /** 1-based page number. */
  page: number;
  size: number;
}

export interface PagePlan {
  /** Consecutive pages of one size, in order; empty for an empty window. */
  requests: PageRequest[];
  /** Index, in the concatenation of the pages' items, of the window's first item. */
  skip: number;
  /** Items of the window (the caller slices [skip, skip + limit)). */
  limit: number;
}

/**
 * Chooses `size` and the pages so the window is served by the fewest
 * requests (one page when some size ≤ max covers it, else two, more only
 * when the window is longer than two maximal pages), and among those the
 * smallest size, so the fewest items travel.
 */
export function planPages(window: OffsetWindow, maxSize: number = CHATBASE_MAX_PAGE_SIZE): PagePlan {
  const { offset, limit } = window;
  if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 0) {
    throw new RangeError('window offset and limit must be non-negative integers');
  }
  if (!Number.isInteger(maxSize) || maxSize < 1) throw new RangeError('maxSize must be a positive integer');
  if (limit === 0) return { requests: [], skip: 0, limit: 0 };
  const end = offset + limit;
  // k pages of size s starting at page index ⌊offset/s⌋ cover the window iff (⌊offset/s⌋ + k)·s ≥ end.
  // With s = maxSize this holds for k = ⌈(offset mod maxSize + limit) / maxSize⌉, so the search ends.
  for (let pages = Math.max(1, Math.ceil(limit / maxSize)); ; pages += 1) {
    for (let size = Math.ceil(limit / pages); size <= maxSize; size += 1) {
      const first = Math.floor(offset / size);
      if ((first + pages) * size >= end) {
        const requests = Array.from({ length: pages }, (_, i) => ({ page: first + 1 + i, size }));
        return { requests, skip: offset - first * size, limit };
      }
    }
  }
}

/**
 * The window's items from the pages' answers (in request order). A page
 * shorter than its size is the end of the list: later pages are ignored.
 */
export function sliceWindow<T>(plan: PagePlan, pages: readonly (readonly T[])[]): T[] {
  const all: T[] = [];
  for (const [index, items] of pages.entries()) {
    all.push(...items);
    const size = plan.requests[index]?.size ?? 0;
    if (items.length < size) break;
  }
  return all.slice(plan.skip, plan.skip + plan.limit);
}
