import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderedStream, Position } from '../port.js';
import { createWatermarkStream, type ScanPosition, type UpstreamPage } from './watermark.js';

/**
 * The watermark merge over an in-memory vendor (a list ordered by updated_at
 * desc, served in pages of `pageSize` with index cursors). Pure: no network.
 */

interface Row {
  id: string;
  created: number;
  updated: number;
}

function vendor(rows: Row[], pageSize: number) {
  const sorted = [...rows].sort((a, b) => (a.updated !== b.updated ? b.updated - a.updated : a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const requests: (string | null)[] = [];
  const fetchPage = async (cursor: string | null): Promise<UpstreamPage<Row>> => {
    requests.push(cursor);
    const start = cursor === null ? 0 : Number(cursor);
    const items = sorted.slice(start, start + pageSize);
    return { items, nextCursor: start + pageSize < sorted.length ? String(start + pageSize) : null };
  };
  return { sorted, requests, fetchPage };
}

function streamOver(
  source: ReturnType<typeof vendor>,
  options: { keep?: (row: Row) => boolean; stopBelowMs?: number | null } = {},
): OrderedStream<Row> {
  return createWatermarkStream<Row>({
    fetchPage: source.fetchPage,
    facts: (row) => ({ createdAtMs: row.created, updatedAtMs: row.updated, id: row.id }),
    keep: options.keep,
    stopBelowMs: options.stopBelowMs ?? null,
    orderViolation: () => new Error('order violation'),
  });
}

const graphOrder = (a: Row, b: Row): number => (a.created !== b.created ? b.created - a.created : a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** Walks page by page, each page a fresh stream (a fresh GraphQL request): positions go through JSON like a cursor. */
async function walk(stream: () => OrderedStream<Row>, sizes: number[]): Promise<{ rows: Row[]; pages: number }> {
  const rows: Row[] = [];
  let position: Position | null = null;
  for (let pages = 1; pages < 10_000; pages += 1) {
    const chunk = await stream().forward(position, sizes[(pages - 1) % sizes.length] as number);
    rows.push(...chunk.items.map((entry) => entry.item));
    position = JSON.parse(JSON.stringify(chunk.next)) as Position;
    if (!chunk.hasMore) return { rows, pages };
  }
  throw new Error('walk did not end');
}

// Vendor order (page size 2): [A B] [C D] [E]. Graph order: B C D A E.
const A: Row = { id: 'a', created: 10, updated: 100 };
const B: Row = { id: 'b', created: 90, updated: 95 };
const C: Row = { id: 'c', created: 80, updated: 80 };
const D: Row = { id: 'd', created: 50, updated: 60 };
const E: Row = { id: 'e', created: 5, updated: 5 };
const iso = (ms: number): string => new Date(ms).toISOString();

describe('watermark merge, step by step', () => {
  it('emits only what the watermark makes safe, and resumes from the pages still holding pending items', async () => {
    const source = vendor([A, B, C, D, E], 2);
    const stream = streamOver(source);

    const first = await stream.forward(null, 1);
    expect(first.items.map((entry) => entry.item.id)).toEqual(['b']);
    // Page 1 ends at u=95: nothing created after 95 yet; page 2 ends at 60: B and C are safe.
    expect(source.requests).toEqual([null, '2']);
    // A (page 1) and C, D (page 2) are pending: pages 1 and 2 are the contiguous tail, rescan from page 1.
    expect(first.next).toEqual({ c: null, k: [iso(90), 'b'] });
    expect(first.items[0]?.before).toEqual({ c: null, k: null });
    expect(first.hasMore).toBe(true);

    source.requests.length = 0;
    const second = await stream.forward(first.next, 2);
    expect(second.items.map((entry) => entry.item.id)).toEqual(['c', 'd']);
    expect(source.requests).toEqual([null, '2', '4']);
    expect(second.items[0]?.after).toEqual({ c: null, k: [iso(80), 'c'] });
    // A (page 1) and E (page 3) are pending, page 2 is not: the sparse form skips it. The scan has ended (u = 5).
    // Page 1 is the head: found again by its last updated_at (h = 95), not by its cursor (its tail moves as the head grows).
    expect(second.next).toEqual({ c: null, k: [iso(50), 'd'], p: ['4'], u: iso(5), h: iso(95), end: true });
    expect(second.hasMore).toBe(true);

    source.requests.length = 0;
    const third = await stream.forward(second.next, 10);
    expect(third.items.map((entry) => entry.item.id)).toEqual(['a', 'e']);
    expect(source.requests).toEqual([null, '4']);
    // After A only E (page 3, cursor '4') is pending; after E the scan is over.
    expect(third.items[0]?.after).toEqual({ c: '4', k: [iso(10), 'a'] });
    expect(third.next).toEqual({ c: null, k: [iso(5), 'e'], end: true });
    expect(third.hasMore).toBe(false);

    source.requests.length = 0;
    const done = await stream.forward(third.next, 5);
    expect(done).toEqual({ items: [], next: third.next, hasMore: false });
    expect(source.requests).toEqual([]);
  });

  it('skips scanned pages without pending items (sparse form) until the frontier', async () => {
    // Vendor order (page size 1): old R, then P, Q, S, T. R stays pending while P, Q are emitted.
    const rows = [
      { id: 'r', created: 1, updated: 100 },
      { id: 'p', created: 90, updated: 90 },
      { id: 'q', created: 80, updated: 80 },
      { id: 's', created: 70, updated: 70 },
      { id: 't', created: 60, updated: 60 },
    ];
    const source = vendor(rows, 1);
    const first = await streamOver(source).forward(null, 2);
    expect(first.items.map((entry) => entry.item.id)).toEqual(['p', 'q']);
    // Pending: R (page 1) and S (page 4, created 70 = the watermark, not yet safe). Pages 2 and 3 are done.
    expect(first.next).toEqual({ c: '4', k: [iso(80), 'q'], p: ['3'], u: iso(70), h: iso(100) });
    source.requests.length = 0;
    const second = await streamOver(source).forward(first.next, 1);
    expect(second.items.map((entry) => entry.item.id)).toEqual(['s']);
    // Pages 1 and 4, then the frontier (page 5): pages 2 and 3 are not read again.
    expect(source.requests).toEqual([null, '3', '4']);
  });

  it('resumes from the oldest pending page when it is the last one scanned', async () => {
    const rows = [
      { id: 'x', created: 100, updated: 100 },
      { id: 'y', created: 90, updated: 90 },
      { id: 'z', created: 80, updated: 80 },
    ];
    const source = vendor(rows, 1);
    const chunk = await streamOver(source).forward(null, 1);
    // Page 1 ends at 100: X is not safe (an unseen item could be created at 100); page 2 ends at 90: X is.
    expect(chunk.items.map((entry) => entry.item.id)).toEqual(['x']);
    expect(chunk.next).toEqual({ c: '1', k: [iso(100), 'x'] });
    expect(chunk.hasMore).toBe(true);
  });

  it('treats createdAt equal to the watermark as not yet safe (ties by id desc)', async () => {
    const rows = [
      { id: 'm', created: 50, updated: 70 },
      { id: 'n', created: 50, updated: 50 },
      { id: 'p', created: 50, updated: 50 },
    ];
    const { rows: walked } = await walk(() => streamOver(vendor(rows, 1)), [1]);
    expect(walked.map((row) => row.id)).toEqual(['p', 'n', 'm']);
  });

  it('looks ahead to answer hasMore exactly', async () => {
    const source = vendor([B, C], 1);
    const chunk = await streamOver(source).forward(null, 2);
    expect(chunk.items.map((entry) => entry.item.id)).toEqual(['b', 'c']);
    expect(chunk.hasMore).toBe(false);
    expect(chunk.next).toEqual({ c: null, k: [iso(80), 'c'], end: true });
  });

  it('stops the scan once updated_at falls below the createdAt floor', async () => {
    const source = vendor([A, B, C, D, E], 2);
    const { rows } = await walk(() => streamOver(source, { keep: (row) => row.created >= 70, stopBelowMs: 70 }), [10]);
    expect(rows.map((row) => row.id)).toEqual(['b', 'c']);
    // Page 2 ends at 60 < 70: page 3 is never requested.
    expect(source.requests).toEqual([null, '2']);
  });

  it('detects a vendor breaking its order, or created_at after updated_at', async () => {
    const broken = {
      fetchPage: async (): Promise<UpstreamPage<Row>> => ({ items: [D, C], nextCursor: null }),
    };
    const stream = createWatermarkStream<Row>({
      ...broken,
      facts: (row) => ({ createdAtMs: row.created, updatedAtMs: row.updated, id: row.id }),
      orderViolation: () => new Error('order violation'),
    });
    await expect(stream.forward(null, 5)).rejects.toThrow('order violation');
    const inverted = createWatermarkStream<Row>({
      fetchPage: async () => ({ items: [{ id: 'q', created: 10, updated: 5 }], nextCursor: null }),
      facts: (row) => ({ createdAtMs: row.created, updatedAtMs: row.updated, id: row.id }),
      orderViolation: () => new Error('order violation'),
    });
    await expect(inverted.forward(null, 5)).rejects.toThrow('order violation');
  });

  it('refuses a position it did not issue', async () => {
    const stream = streamOver(vendor([A], 2));
    expect(stream.isPosition({ c: null, k: null })).toBe(true);
    expect(stream.isPosition({ c: 'x', k: ['not a date', 'a'] })).toBe(false);
    expect(stream.isPosition({ c: null, k: null, extra: 1 })).toBe(false);
    expect(stream.isPosition(3)).toBe(false);
    await expect(stream.forward(7, 1)).rejects.toThrow(TypeError);
    expect(await stream.count()).toBeNull();
  });
});

describe('watermark merge, property', () => {
  const rowsArbitrary = fc
    .array(
      fc.record({
        created: fc.integer({ min: 0, max: 40 }),
        delta: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 60 })),
      }),
      { maxLength: 40 },
    )
    .map((list) => list.map((row, index): Row => ({ id: `r${String(index).padStart(2, '0')}`, created: row.created, updated: row.created + row.delta })));

  it('yields exactly the createdAt order, whatever the page sizes, filter and floor', async () => {
    await fc.assert(
      fc.asyncProperty(
        rowsArbitrary,
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
        fc.option(fc.integer({ min: 0, max: 50 })),
        fc.option(fc.integer({ min: 0, max: 50 })),
        async (rows, pageSize, sizes, from, to) => {
          const keep = (row: Row): boolean => (from === null || row.created >= from) && (to === null || row.created < to);
          const source = vendor(rows, pageSize);
          const { rows: walked, pages } = await walk(() => streamOver(source, { keep, stopBelowMs: from }), sizes);
          expect(walked.map((row) => row.id)).toEqual(rows.filter(keep).sort(graphOrder).map((row) => row.id));
          // Each call scans at most every upstream page once.
          const upstreamPages = Math.max(1, Math.ceil(rows.length / pageSize));
          expect(source.requests.length).toBeLessThanOrEqual(pages * upstreamPages);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('resumes from any edge cursor, not only the last one', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArbitrary, fc.integer({ min: 1, max: 5 }), fc.nat(), async (rows, pageSize, pick) => {
        const expected = [...rows].sort(graphOrder).map((row) => row.id);
        const source = vendor(rows, pageSize);
        const chunk = await streamOver(source).forward(null, rows.length + 1);
        expect(chunk.items.map((entry) => entry.item.id)).toEqual(expected);
        if (chunk.items.length === 0) return;
        const index = pick % chunk.items.length;
        const edge = chunk.items[index];
        const rest = await streamOver(source).forward(JSON.parse(JSON.stringify(edge?.after)) as ScanPosition & Position, rows.length);
        expect(rest.items.map((entry) => entry.item.id)).toEqual(expected.slice(index + 1));
        const again = await streamOver(source).forward(JSON.parse(JSON.stringify(edge?.before)) as ScanPosition & Position, rows.length);
        expect(again.items.map((entry) => entry.item.id)).toEqual(expected.slice(index));
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});
