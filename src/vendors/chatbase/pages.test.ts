import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { planPages, sliceWindow, type PagePlan } from './pages.js';

/** Window → upstream page requests: the fewest requests, then the smallest size. */
const cases: { name: string; window: { offset: number; limit: number }; plan: PagePlan }[] = [
  { name: 'empty window', window: { offset: 7, limit: 0 }, plan: { requests: [], skip: 0, limit: 0 } },
  { name: 'first page, one item', window: { offset: 0, limit: 1 }, plan: { requests: [{ page: 1, size: 1 }], skip: 0, limit: 1 } },
  { name: 'first 10 + look-ahead', window: { offset: 0, limit: 11 }, plan: { requests: [{ page: 1, size: 11 }], skip: 0, limit: 11 } },
  { name: 'aligned window', window: { offset: 250, limit: 5 }, plan: { requests: [{ page: 51, size: 5 }], skip: 0, limit: 5 } },
  { name: 'unaligned, a larger size aligns', window: { offset: 99, limit: 2 }, plan: { requests: [{ page: 34, size: 3 }], skip: 0, limit: 2 } },
  { name: 'unaligned, one page from the start', window: { offset: 10, limit: 11 }, plan: { requests: [{ page: 1, size: 21 }], skip: 10, limit: 11 } },
  { name: 'whole maximal page', window: { offset: 1000, limit: 100 }, plan: { requests: [{ page: 11, size: 100 }], skip: 0, limit: 100 } },
  {
    name: '100 items not aligned to any size: two pages',
    window: { offset: 1001, limit: 100 },
    plan: { requests: [{ page: 18, size: 58 }, { page: 19, size: 58 }], skip: 15, limit: 100 },
  },
  {
    name: 'two pages, smallest size that works',
    window: { offset: 99, limit: 100 },
    plan: { requests: [{ page: 2, size: 67 }, { page: 3, size: 67 }], skip: 32, limit: 100 },
  },
  {
    name: '100 + look-ahead at the start',
    window: { offset: 0, limit: 101 },
    plan: { requests: [{ page: 1, size: 51 }, { page: 2, size: 51 }], skip: 0, limit: 101 },
  },
  {
    name: '100 + look-ahead further on',
    window: { offset: 100, limit: 101 },
    plan: { requests: [{ page: 2, size: 67 }, { page: 3, size: 67 }], skip: 33, limit: 101 },
  },
  {
    name: 'longer than two maximal pages',
    window: { offset: 5, limit: 250 },
    plan: { requests: [{ page: 1, size: 85 }, { page: 2, size: 85 }, { page: 3, size: 85 }], skip: 5, limit: 250 },
  },
];

describe('planPages', () => {
  it.each(cases)('$name', ({ window, plan }) => {
    expect(planPages(window)).toEqual(plan);
  });

  it('rejects negative or fractional windows', () => {
    expect(() => planPages({ offset: -1, limit: 1 })).toThrow(RangeError);
    expect(() => planPages({ offset: 0, limit: 1.5 })).toThrow(RangeError);
  });

  it('always covers the window with sizes ≤ 100 and the fewest pages (brute-force check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 250 }), (offset, limit) => {
        const plan = planPages({ offset, limit });
        const [first] = plan.requests;
        const last = plan.requests[plan.requests.length - 1];
        if (!first || !last) return false;
        const size = first.size;
        const fewest = (() => {
          for (let pages = 1; ; pages += 1) {
            for (let s = 1; s <= 100; s += 1) if ((Math.floor(offset / s) + pages) * s >= offset + limit) return pages;
          }
        })();
        return (
          plan.requests.every((r, i) => r.size === size && r.page === first.page + i) &&
          size <= 100 &&
          (first.page - 1) * size + plan.skip === offset &&
          last.page * size >= offset + limit &&
          plan.requests.length === fewest
        );
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('sliceWindow', () => {
  const plan = planPages({ offset: 99, limit: 100 }); // pages 2 and 3 of 67, skip 32
  const list = Array.from({ length: 300 }, (_, i) => i);
  const page = (n: number, size: number): number[] => list.slice((n - 1) * size, n * size);

  it('concatenates the pages and slices the window', () => {
    expect(sliceWindow(plan, [page(2, 67), page(3, 67)])).toEqual(list.slice(99, 199));
  });

  it('stops at a short page (the end of the list)', () => {
    const short = list.slice(67, 120);
    expect(sliceWindow(plan, [short, []])).toEqual(list.slice(99, 120));
  });
});
