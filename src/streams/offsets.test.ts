import { describe, expect, it } from 'vitest';
import { END_PROBE_BLOCK, backwardWindow, createListStream, createOffsetStream, forwardWindow, splitWindow } from './offsets.js';
import { walkBackward, walkForward } from '../../test/support/streams.js';

describe('forwardWindow', () => {
  it.each([
    { start: 0, count: 5, totalKnown: true, expected: { offset: 0, limit: 5 } },
    { start: 0, count: 5, totalKnown: false, expected: { offset: 0, limit: 6 } },
    { start: 7, count: 1, totalKnown: true, expected: { offset: 7, limit: 1 } },
    { start: 7, count: 100, totalKnown: false, expected: { offset: 7, limit: 101 } },
  ])('start $start count $count totalKnown $totalKnown', ({ start, count, totalKnown, expected }) => {
    expect(forwardWindow(start, count, totalKnown)).toEqual(expected);
  });
});

describe('backwardWindow', () => {
  it.each([
    { end: 10, count: 3, expected: { offset: 7, limit: 3 } },
    { end: 2, count: 5, expected: { offset: 0, limit: 2 } },
    { end: 0, count: 5, expected: { offset: 0, limit: 0 } },
    { end: 5, count: 5, expected: { offset: 0, limit: 5 } },
  ])('end $end count $count', ({ end, count, expected }) => {
    expect(backwardWindow(end, count)).toEqual(expected);
  });
});

describe('splitWindow', () => {
  it.each([
    { window: { offset: 0, limit: 100 }, max: 100, expected: [{ offset: 0, limit: 100 }] },
    { window: { offset: 3, limit: 101 }, max: 100, expected: [{ offset: 3, limit: 100 }, { offset: 103, limit: 1 }] },
    { window: { offset: 5, limit: 0 }, max: 100, expected: [] },
    { window: { offset: 0, limit: 250 }, max: 100, expected: [{ offset: 0, limit: 100 }, { offset: 100, limit: 100 }, { offset: 200, limit: 50 }] },
  ])('$window.offset+$window.limit by $max', ({ window, max, expected }) => {
    expect(splitWindow(window, max)).toEqual(expected);
  });
});

const letters = ['A', 'B', 'C', 'D', 'E'];

describe('createOffsetStream', () => {
  it.each([
    { name: 'first page', start: null, count: 2, items: ['A', 'B'], next: 2, hasMore: true },
    { name: 'exactly to the end', start: 3, count: 2, items: ['D', 'E'], next: 5, hasMore: false },
    { name: 'window past the end', start: 4, count: 10, items: ['E'], next: 5, hasMore: false },
    { name: 'start at the end', start: 5, count: 3, items: [], next: 5, hasMore: false },
    { name: 'start past the end', start: 9, count: 3, items: [], next: 9, hasMore: false },
  ])('forward: $name', async ({ start, count, items, next, hasMore }) => {
    for (const reportsTotal of [true, false]) {
      const stream = createOffsetStream<string>({
        reportsTotal,
        fetch: async ({ offset, limit }) => ({ items: letters.slice(offset, offset + limit), total: reportsTotal ? letters.length : null }),
      });
      const chunk = await stream.forward(start, count);
      expect(chunk.items.map((entry) => entry.item)).toEqual(items);
      expect(chunk.next).toBe(next);
      expect(chunk.hasMore).toBe(hasMore);
    }
  });

  it.each([
    { name: 'from the end', end: null, count: 2, items: ['E', 'D'], next: 3, hasMore: true },
    { name: 'whole list', end: null, count: 9, items: ['E', 'D', 'C', 'B', 'A'], next: 0, hasMore: false },
    { name: 'before C', end: 2, count: 5, items: ['B', 'A'], next: 0, hasMore: false },
    { name: 'before the start', end: 0, count: 3, items: [], next: 0, hasMore: false },
  ])('backward: $name (positions are forward offsets)', async ({ end, count, items, next, hasMore }) => {
    for (const reportsTotal of [true, false]) {
      const stream = createOffsetStream<string>({
        reportsTotal,
        fetch: async ({ offset, limit }) => ({ items: letters.slice(offset, offset + limit), total: reportsTotal ? letters.length : null }),
      });
      const chunk = await stream.backward!(end, count);
      expect(chunk.items.map((entry) => entry.item)).toEqual(items);
      for (const entry of chunk.items) expect((entry.after as number) - (entry.before as number)).toBe(1);
      expect(chunk.next).toBe(next);
      expect(chunk.hasMore).toBe(hasMore);
    }
  });

  it.each([
    { length: 0, probes: 1 },
    { length: 1, probes: 1 },
    { length: 99, probes: 1 },
    { length: 100, probes: 2 },
    { length: 270, probes: 3 },
    { length: 300, probes: 5 },
    { length: 400, probes: 5 },
    { length: 1000, probes: 9 },
    { length: 6401, probes: 8 },
  ])('finds the end of $length items without a total in $probes block probes, then reads the window', async ({ length, probes }) => {
    const list = Array.from({ length }, (_, index) => index);
    const fetches: Array<{ offset: number; limit: number }> = [];
    const stream = createOffsetStream<number>({
      reportsTotal: false,
      fetch: async (window) => {
        fetches.push(window);
        return { items: list.slice(window.offset, window.offset + window.limit), total: null };
      },
    });
    const chunk = await stream.backward!(null, 3);
    expect(chunk.items.map((entry) => entry.item)).toEqual(list.slice(-3).reverse());
    expect(chunk.next).toBe(Math.max(0, length - 3));
    expect(fetches.slice(0, probes).every((window) => window.limit === END_PROBE_BLOCK)).toBe(true);
    expect(fetches).toHaveLength(length === 0 ? probes : probes + 1);
  });

  it('keeps positions exact when local refinement drops items', async () => {
    const stream = createOffsetStream<string>({
      reportsTotal: true,
      fetch: async ({ offset, limit }) => ({ items: letters.slice(offset, offset + limit), total: letters.length }),
      keep: (item) => item !== 'B' && item !== 'C',
    });
    const chunk = await stream.forward(null, 3);
    expect(chunk.items).toEqual([{ item: 'A', before: 0, after: 1 }]);
    expect(chunk.next).toBe(3);
    expect((await walkForward(stream, [1, 2])).items).toEqual(['A', 'D', 'E']);
    expect((await walkBackward(stream, [2])).items).toEqual(['A', 'D', 'E']);
  });

  it('handles an empty list in both directions', async () => {
    const stream = createListStream<string>([]);
    expect(await stream.forward(null, 5)).toEqual({ items: [], next: 0, hasMore: false });
    expect(await stream.backward!(null, 5)).toEqual({ items: [], next: 0, hasMore: false });
    expect(await stream.count()).toBe(0);
  });
});
