import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../shared-state/store.js';
import { countKeptAll, countKeptRun, createCountCache, memoizeWindows, probeEnd, storeKey, type FetchWindow } from './counting.js';

function listSource(length: number): { fetch: FetchWindow<number>; reads: () => number } {
  const list = Array.from({ length }, (_, index) => index);
  let reads = 0;
  return {
    fetch: async ({ offset, limit }) => {
      reads += 1;
      return list.slice(offset, offset + limit);
    },
    reads: () => reads,
  };
}

describe('probeEnd', () => {
  it('finds the exact length of any list, within 2·log2(N/100) + 3 reads', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 20_000 }), async (length) => {
        const source = listSource(length);
        expect(await probeEnd(source.fetch, 100)).toBe(length);
        expect(source.reads()).toBeLessThanOrEqual(Math.max(1, 2 * Math.log2(Math.max(1, length) / 100) + 3));
      }),
      { seed: 5, numRuns: 200 },
    );
  });
});

describe('countKeptRun', () => {
  it('counts a run of kept items exactly, reusing the probe blocks near the ends', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3_000 }),
        fc.integer({ min: 0, max: 3_000 }),
        fc.integer({ min: 0, max: 3_000 }),
        async (length, a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          const source = listSource(length);
          const read = memoizeWindows(source.fetch);
          const end = await probeEnd(read, 100);
          const probes = source.reads();
          const keep = (value: number): boolean => value >= low && value < high;
          const expected = Math.max(0, Math.min(high, length) - Math.min(low, length));
          expect(await countKeptRun(read, end, keep, 100)).toBe(expected);
          // Extra reads only walk the blocks between the list's ends and the run's ends.
          const walk = Math.ceil(Math.min(low, length) / 100) + Math.ceil(Math.max(0, length - high) / 100) + 2;
          expect(source.reads() - probes).toBeLessThanOrEqual(walk);
        },
      ),
      { seed: 6, numRuns: 150 },
    );
  });
});

describe('countKeptAll', () => {
  it('reads the whole list in blocks: ⌈(N + 1) / block⌉ reads', async () => {
    const source = listSource(2_345);
    expect(await countKeptAll(source.fetch, (value) => value % 3 === 0, 1000)).toBe(782);
    expect(source.reads()).toBe(3);
  });
});

describe('createCountCache', () => {
  it('computes once, then answers from the store until the entry expires', async () => {
    let now = 0;
    const store = createMemoryStore({ now: () => now });
    const cache = createCountCache(store, 1_000);
    let computed = 0;
    const compute = async (): Promise<number> => {
      computed += 1;
      return 42;
    };
    const key = storeKey('count', 'SYMBL', 'cred', { a: 1 });
    expect(await Promise.all([cache(key, compute), cache(key, compute)])).toEqual([42, 42]);
    expect(computed).toBe(1);
    now = 999;
    expect(await cache(key, compute)).toBe(42);
    expect(computed).toBe(1);
    now = 1_000;
    expect(await cache(key, compute)).toBe(42);
    expect(computed).toBe(2);
  });

  it('keys by canonical filter: key order does not matter, values do', () => {
    expect(storeKey('count', 'CHATBASE', 'c', { a: 1, b: 2 })).toBe(storeKey('count', 'CHATBASE', 'c', { b: 2, a: 1 }));
    expect(storeKey('count', 'CHATBASE', 'c', { a: 1 })).not.toBe(storeKey('count', 'CHATBASE', 'c', { a: 2 }));
    expect(storeKey('count', 'CHATBASE', 'c', { a: 1 })).not.toBe(storeKey('count', 'CHATBASE', 'd', { a: 1 }));
  });
});
