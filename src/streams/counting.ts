import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { JsonValue, Provider } from '../domain.js';
import { createMemoryStore, type SharedStore } from '../shared-state/store.js';


export interface OffsetWindow {
  /** First upstream index to fetch. */
  offset: number;
  /** Number of upstream items to fetch. */
  limit: number;
}

/**
 * Counting lists whose vendor reports no total, by probing
 * offsets, and caching what such probes (and scans) found in the shared
 * store, so a count (or an index) made on one replica serves the others.
 */

/** Upstream items [offset, offset + limit) of the pushed-down list, in the stream's order. */
export type FetchWindow<T> = (window: OffsetWindow) => Promise<T[]>;

/** The same reads answered once each: the end probe and the refinement reads share blocks. */
export function memoizeWindows<T>(fetch: FetchWindow<T>): FetchWindow<T> {
  const seen = new Map<string, Promise<T[]>>();
  return (window) => {
    const key = `${window.offset}:${window.limit}`;
    let pending = seen.get(key);
    if (!pending) {
      pending = fetch(window);
      seen.set(key, pending);
    }
    return pending;
  };
}

/**
 * The length of a list whose total the vendor does not report: reads blocks
 * of `block` items, galloping (blocks 0, 1, 2, 4, …) until one is short, then
 * bisecting between the last full and the first empty one. A list of N items
 * costs at most about 2·log2(N / block) + 3 reads (3 for 270 items, 9 for 1,000).
 */
export async function probeEnd<T>(fetch: FetchWindow<T>, block: number): Promise<number> {
  const filled = async (index: number): Promise<number> => (await fetch({ offset: index * block, limit: block })).length;
  let lastFull = -1;
  let firstEmpty = -1;
  for (let index = 0; firstEmpty < 0; index = index === 0 ? 1 : index * 2) {
    const count = await filled(index);
    if (count === block) lastFull = index;
    else if (count > 0) return index * block + count;
    else firstEmpty = index;
  }
  while (firstEmpty - lastFull > 1) {
    const middle = Math.floor((lastFull + firstEmpty) / 2);
    const count = await filled(middle);
    if (count === block) lastFull = middle;
    else if (count > 0) return middle * block + count;
    else firstEmpty = middle;
  }
  return (lastFull + 1) * block;
}

/**
 * How many of the list's first `end` items `keep` accepts, when the accepted
 * ones form one run (a `createdAt` range over a list in `createdAt` order):
 * the run's first item is found reading block-aligned from the head, its
 * last reading block-aligned back from the end. With `memoizeWindows` over
 * the same fetch as `probeEnd`, both reads usually hit blocks the probe
 * already read: no extra request unless the run starts or ends more than a
 * block away from the list's ends.
 */
export async function countKeptRun<T>(fetch: FetchWindow<T>, end: number, keep: (item: T) => boolean, block: number): Promise<number> {
  let first = -1;
  for (let offset = 0; offset < end && first < 0; offset += block) {
    const items = (await fetch({ offset, limit: block })).slice(0, end - offset);
    const index = items.findIndex(keep);
    if (index >= 0) first = offset + index;
    else if (items.length < Math.min(block, end - offset)) break;
  }
  if (first < 0) return 0;
  for (let offset = Math.floor((end - 1) / block) * block; offset >= 0; offset -= block) {
    const items = (await fetch({ offset, limit: block })).slice(0, end - offset);
    for (let index = items.length - 1; index >= 0; index -= 1) {
      if (keep(items[index] as T)) return offset + index + 1 - first;
    }
  }
  // The list changed between the reads (the first kept item is gone): at least that one was there.
  return 1;
}

/** How many items `keep` accepts, reading the whole list in blocks: ⌈(N + 1) / block⌉ reads. */
export async function countKeptAll<T>(fetch: FetchWindow<T>, keep: (item: T) => boolean, block: number): Promise<number> {
  let kept = 0;
  for (let offset = 0; ; offset += block) {
    const items = await fetch({ offset, limit: block });
    for (const item of items) if (keep(item)) kept += 1;
    if (items.length < block) return kept;
  }
}

/** A store key: what kind of entry, the provider, the credential digest and a digest of the canonical filter. */
export function storeKey(kind: string, provider: Provider, credential: string, filter: JsonValue): string {
  const digest = createHash('sha256').update(canonicalJson(filter)).digest('base64url').slice(0, 22);
  return `${kind}:${provider}:${credential}:${digest}`;
}

/**
 * A count read from the store, or computed and written with `ttlMs` (0: not
 * cached). Concurrent callers in one process share one computation.
 */
export function createCountCache(store: SharedStore, ttlMs: number): (key: string, compute: () => Promise<number>) => Promise<number> {
  const inFlight = new Map<string, Promise<number>>();
  return async (key, compute) => {
    if (ttlMs > 0) {
      const cached = await store.get(key);
      if (cached !== null) {
        const value = Number(cached);
        if (Number.isInteger(value) && value >= 0) return value;
      }
    }
    let pending = inFlight.get(key);
    if (!pending) {
      pending = (async () => {
        try {
          const value = await compute();
          if (ttlMs > 0) await store.set(key, String(value), ttlMs);
          return value;
        } finally {
          inFlight.delete(key);
        }
      })();
      inFlight.set(key, pending);
    }
    return pending;
  };
}

/** The store of the graph's runtime hooks; a private in-memory one when there are none (adapter tests). */
export function storeOf(runtime: { store?: SharedStore | undefined } | undefined): SharedStore {
  return runtime?.store ?? createMemoryStore();
}
